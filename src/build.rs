//! The build pipeline: ingest → load the site model (through the cache of parsed articles) →
//! render each page straight into an output session → commit it to `public/`. Nothing visible
//! changes in the output until every page has rendered, so a failed build leaves the previous
//! `public/` as it was.

use crate::config::Config;
use crate::ingest::{self, IngestOptions, IngestReport};
use crate::output::{self, WriteStats};
use crate::people::Registry;
use crate::render::{self, Templates};
use crate::site::{Site, SiteError};
use std::path::{Path, PathBuf};

/// Options of `litopys build` (and of the rebuilds `serve` does).
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    pub root: PathBuf,
    /// Overrides the config's `base_url`.
    pub base_url: Option<String>,
    /// Output folder (default `public/` under the root).
    pub output: Option<PathBuf>,
    /// Passed to ingest: regenerate Markdown an editor changed.
    pub force: bool,
}

/// What a build did.
#[derive(Debug, Default)]
pub struct BuildReport {
    pub ingest: IngestReport,
    pub articles: usize,
    pub people: usize,
    pub pages: usize,
    pub write: WriteStats,
}

/// A failed build: every error found, each with its file and line.
#[derive(Debug)]
pub struct BuildError {
    pub errors: Vec<SiteError>,
}

impl std::fmt::Display for BuildError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for e in &self.errors {
            writeln!(f, "error: {e}")?;
        }
        write!(f, "{} error(s); nothing was written", self.errors.len())
    }
}

impl std::error::Error for BuildError {}

fn err(file: &Path, e: impl std::fmt::Display) -> BuildError {
    BuildError {
        errors: vec![SiteError {
            file: file.to_path_buf(),
            line: None,
            message: format!("{e:#}"),
        }],
    }
}

/// Loads config and registry, applying `--base-url`.
pub fn load_config(root: &Path, base_url: Option<&str>) -> Result<(Config, Registry), BuildError> {
    let mut config =
        Config::load(root).map_err(|e| err(&root.join(crate::config::CONFIG_FILE), e))?;
    if let Some(b) = base_url {
        config.base_url = b.to_string();
    }
    let registry = Registry::load(root)
        .map_err(|e| err(&root.join(crate::people::registry::REGISTRY_FILE), e))?;
    Ok((config, registry))
}

/// Output folder for `opts`.
pub fn output_dir(opts: &BuildOptions) -> PathBuf {
    opts.output
        .clone()
        .unwrap_or_else(|| opts.root.join("public"))
}

/// Prints how long each phase of a build took, on stderr, when `LITOPYS_TIMINGS` is set (for
/// profiling; see bench/run.sh).
struct Phases {
    on: bool,
    last: std::time::Instant,
}

impl Phases {
    fn new() -> Phases {
        Phases {
            on: std::env::var_os("LITOPYS_TIMINGS").is_some(),
            last: std::time::Instant::now(),
        }
    }

    fn done(&mut self, phase: &str) {
        if self.on {
            let now = std::time::Instant::now();
            eprintln!(
                "timing: {phase:<10} {:>8.1} ms",
                (now - self.last).as_secs_f64() * 1e3
            );
            self.last = now;
        }
    }
}

/// Ingest's per-file errors as site errors.
fn ingest_errors(report: &IngestReport) -> Vec<SiteError> {
    report
        .errors
        .iter()
        .map(|(f, m)| SiteError {
            file: f.clone(),
            line: None,
            message: m.clone(),
        })
        .collect()
}

/// Runs the whole pipeline.
pub fn build(opts: &BuildOptions) -> Result<BuildReport, BuildError> {
    let root = &opts.root;
    let mut phases = Phases::new();
    let (config, registry) = load_config(root, opts.base_url.as_deref())?;
    let ingest_report = ingest::ingest(
        root,
        &config,
        &registry,
        &IngestOptions {
            force: opts.force,
            dry_run: false,
        },
    )
    .map_err(|e| err(&root.join("content/raw"), e))?;
    phases.done("ingest");
    // Templates and articles are both checked before failing, so one run reports every error
    // (with the raw files ingest could not read).
    let templates = Templates::load(root);
    phases.done("templates");
    let site = Site::load_cached(root, &config, &registry);
    phases.done("load");
    let (templates, site) = match (templates, site) {
        (Ok(t), Ok(s)) => (t, s),
        (t, s) => {
            let mut errors = ingest_errors(&ingest_report);
            if let Ok(t) = &t {
                // The site did not load, so render never checks `template:` names: check them
                // here so that this run reports them too.
                errors.extend(unknown_templates(root, t));
            }
            errors.extend(t.err().unwrap_or_default());
            errors.extend(s.err().unwrap_or_default());
            return Err(BuildError { errors });
        }
    };
    let out = output_dir(opts);
    // Pages go straight to a staging folder inside the output folder as they render; pages
    // whose render key (templates, binary and context) is the one the previous build recorded
    // for a file still intact on disk are not rendered again (`--force` renders all). Nothing
    // visible changes before every page has rendered.
    let mut session = output::Session::open(&out).map_err(|e| err(&out, e))?;
    if opts.force {
        session.forget_keys();
    }
    let rendered = match render::render_to(&site, &templates, &session) {
        Ok(r) => r,
        Err(errors) => {
            session.abort();
            let mut all = ingest_errors(&ingest_report);
            all.extend(errors);
            return Err(BuildError { errors: all });
        }
    };
    phases.done("render");
    let pages = rendered.files.len();
    let write = match session.commit(rendered.files, rendered.groups) {
        Err(e) if e.downcast_ref::<output::KeptFileChanged>().is_some() => {
            // A kept file changed under us: render everything and write again.
            let mut session = output::Session::open(&out).map_err(|e| err(&out, e))?;
            session.forget_keys();
            match render::render_to(&site, &templates, &session) {
                Ok(r) => session.commit(r.files, r.groups),
                Err(errors) => {
                    session.abort();
                    return Err(BuildError { errors });
                }
            }
        }
        other => other,
    }
    .map_err(|e| err(&out, e))?;
    phases.done("write");
    Ok(BuildReport {
        ingest: ingest_report,
        articles: site.article_count(),
        people: site.person_count(),
        pages,
        write,
    })
}

/// `litopys check`: ingest in dry-run mode, load, render in memory; write nothing.
pub fn check(root: &Path) -> Result<BuildReport, BuildError> {
    let (config, registry) = load_config(root, None)?;
    let ingest_report = ingest::ingest(
        root,
        &config,
        &registry,
        &IngestOptions {
            force: false,
            dry_run: true,
        },
    )
    .map_err(|e| err(&root.join("content/raw"), e))?;
    let mut errors = ingest_errors(&ingest_report);
    let templates = Templates::load(root).map_err(|e| errors.extend(e)).ok();
    let site = Site::load(root, &config, &registry)
        .map_err(|e| errors.extend(e))
        .ok();
    let mut pages = 0;
    match (&templates, &site) {
        (Some(t), Some(s)) => match render::render(s, t) {
            Ok(files) => pages = files.len(),
            Err(e) => errors.extend(e),
        },
        (Some(t), None) => errors.extend(unknown_templates(root, t)),
        _ => {}
    }
    if !errors.is_empty() {
        return Err(BuildError { errors });
    }
    let site = site.unwrap_or_default();
    Ok(BuildReport {
        ingest: ingest_report,
        articles: site.article_count(),
        people: site.person_count(),
        pages,
        write: WriteStats::default(),
    })
}

/// `template:` names in the articles' front matter that no loaded template has, with the line
/// of the key. Only for a site that failed to load (a loaded site is checked by the renderer);
/// files whose front matter does not parse are skipped, as their own error is reported.
fn unknown_templates(root: &Path, templates: &Templates) -> Vec<SiteError> {
    let dir = root.join("content").join("articles");
    let mut errors = Vec::new();
    for entry in walkdir::WalkDir::new(&dir)
        .min_depth(1)
        .max_depth(1)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
    {
        let path = entry.path();
        let hidden = entry.file_name().to_string_lossy().starts_with('.');
        if hidden || !entry.file_type().is_file() || path.extension().is_none_or(|x| x != "md") {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        let Ok((fm, _)) = crate::content::parse(&text) else {
            continue;
        };
        if let Some(t) = fm.template.filter(|t| !templates.has(t)) {
            let line = text
                .lines()
                .position(|l| l.trim_start().starts_with("template:"))
                .map(|i| i + 1);
            errors.push(render::unknown_template(path.to_path_buf(), line, &t));
        }
    }
    errors
}
