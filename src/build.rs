//! The build pipeline: ingest → load the site model (through the cache of parsed articles) →
//! render each page straight into an output session → commit it to `public/`. Nothing visible
//! changes in the output until every page has rendered, so a failed build leaves the previous
//! `public/` as it was.

use crate::config::Config;
use crate::ingest::{self, IngestOptions, IngestReport};
use crate::output::{self, WriteStats};
use crate::people::Registry;
use crate::render::{self, Templates};
use crate::site::{Site, SiteError, Sources};
use crate::timings::Phases;
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
    /// The process ends right after this build (`litopys build`, not `serve`): the site model
    /// and templates are then left for the system to take back with the process instead of
    /// being freed an allocation at a time (tens of millions of instructions at 10,000
    /// articles).
    pub ends_process: bool,
}

/// What a build did.
#[derive(Debug, Default)]
pub struct BuildReport {
    pub ingest: IngestReport,
    pub articles: usize,
    pub people: usize,
    pub pages: usize,
    /// Pages kept by the previous build's render plan, without building their contexts
    /// (`crate::render::plan`).
    pub planned: usize,
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
    // The templates, the article files' digests and the output folder's manifest are
    // independent: read them side by side. (The output session is only used once the inputs
    // are known to be good; a failed build aborts it, which leaves the folder as it was.)
    let out = output_dir(opts);
    // An output folder without a manifest holds no previous build whose key could match: the
    // article files not known by their stamps are then read once, by the load, and the key is
    // made of the digests it took (a first build reads and hashes every file only once).
    let read_unknown = std::fs::symlink_metadata(out.join(output::MANIFEST_FILE)).is_ok();
    let ((templates, (sources, inputs)), opened) = rayon::join(
        || {
            rayon::join(
                || Templates::load(root),
                || {
                    Sources::read_with(root, config.allow_html, |paths| {
                        paths
                            .filter(|_| !opts.force)
                            .and_then(|p| read_inputs(root, &config, p, read_unknown))
                    })
                },
            )
        },
        || output::Session::open(&out),
    );
    let mut opened = Some(opened);
    let take_session = |opened: &mut Option<anyhow::Result<output::Session>>| {
        opened
            .take()
            .unwrap_or_else(|| output::Session::open(&out))
            .map_err(|e| err(&out, e))
    };
    phases.done("read");
    // When the inputs are the previous build's and every file it wrote is intact, there is
    // nothing to do. Otherwise the session (which holds the output folder's lock) is used for
    // the write below.
    let mut early_session = None;
    let known = inputs.as_ref().map(Inputs::known);
    // The files' stamps to record for the next build, with the digests the key is made of;
    // written beside the output's commit (a build that fails before it records none).
    let mut stamped = None;
    if let (Ok(t), Some(inputs)) = (&templates, &inputs) {
        let files = inputs.digests(None);
        if let Some(key) = files
            .as_deref()
            .and_then(|files| build_key(root, &config, t, files))
        {
            let session = take_session(&mut opened)?;
            if let Some(stamp) = session.unchanged(&key.key) {
                if let Some(files) = &files {
                    inputs.save_stamps(root, files);
                }
                let files = session.previous_files();
                let report = BuildReport {
                    ingest: ingest_report,
                    articles: stamp.articles,
                    people: stamp.people,
                    pages: files,
                    planned: 0,
                    write: WriteStats {
                        unchanged: files,
                        ..WriteStats::default()
                    },
                };
                phases.done("unchanged");
                return Ok(report);
            }
            early_session = Some((session, key));
        }
        stamped = files;
    }
    phases.done("manifest");
    // While the site loads (much of which is one thread's work), the files the previous build
    // wrote are checked (`--force` keeps none of them).
    let ((site, load_time), check_time) = rayon::join(
        || {
            let start = std::time::Instant::now();
            let site = Site::load_cached(root, &config, &registry, sources, known.as_deref());
            (site, start.elapsed())
        },
        || {
            let start = std::time::Instant::now();
            if let Some((session, _)) = early_session.as_ref().filter(|_| !opts.force) {
                session.check_ahead();
            }
            start.elapsed()
        },
    );
    if phases.on {
        let how = match site.as_ref().map(|l| l.reused) {
            Ok(crate::site::Reused::Model) => " (model from the snapshot)",
            Ok(crate::site::Reused::Articles) => " (articles from the snapshot, people resolved)",
            _ => "",
        };
        eprintln!(
            "timing: load: site {:.1} ms{how}, check of the files written before {:.1} ms",
            load_time.as_secs_f64() * 1e3,
            check_time.as_secs_f64() * 1e3
        );
    }
    phases.done("load");
    let (templates, site, loaded, snapshot) = match (templates, site) {
        (Ok(t), Ok(l)) => (t, l.site, l.digests, l.snapshot),
        (t, s) => {
            if let Some((mut session, _)) = early_session {
                session.abort();
            }
            if let Some(Ok(mut session)) = opened.take() {
                session.abort();
            }
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
    // Pages go straight to a staging folder inside the output folder as they render; pages
    // whose render key (templates, binary and context) is the one the previous build recorded
    // for a file still intact on disk are not rendered again (`--force` renders all). Nothing
    // visible changes before every page has rendered.
    let (mut session, key) = match early_session {
        Some((s, key)) => (s, Some(key)),
        None => (take_session(&mut opened)?, None),
    };
    if opts.force {
        session.forget_keys();
    }
    // The stamp only when the site was loaded from exactly the files the key was made of (a
    // file edited between the two reads would make the key lie). Without a key yet, it is made
    // of the digests the load took, with the files' stamps recorded for the next build.
    let key = match key {
        Some(key) => (key.files == loaded).then_some(key.key),
        None => inputs.as_ref().and_then(|inputs| {
            let files = inputs.digests(Some(&loaded))?;
            let key = build_key(root, &config, &templates, &files).map(|k| k.key);
            stamped = Some(files);
            key
        }),
    };
    let stamp = key.map(|key| output::Stamp {
        key,
        articles: site.article_count(),
        people: site.person_count(),
    });
    if let Some(s) = stamp {
        session.set_stamp(s);
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
    let planned = rendered.planned;
    if phases.on {
        eprintln!("timing: {planned} of {pages} files kept by the render plan");
    }
    let (articles, people) = (site.article_count(), site.person_count());
    // The model's snapshot and the files' stamps are saved for the next build, and the model
    // and templates freed, while the files are put in place (or left to the system when the
    // process ends next, like the lists of files).
    let ends_process = opts.ends_process;
    let (inputs_read, to_stamp) = (&inputs, &stamped);
    let files = rendered.files;
    let (write, ()) = rayon::join(
        || session.commit(&files, rendered.groups, rendered.plan.as_ref()),
        move || {
            if let (Some(inputs), Some(files)) = (inputs_read, to_stamp) {
                inputs.save_stamps(root, files);
            }
            if let Some(s) = snapshot {
                s.save(&site);
            }
            if ends_process {
                std::mem::forget((site, templates));
            } else {
                drop((site, templates));
            }
        },
    );
    if ends_process {
        std::mem::forget(files);
        std::mem::forget(stamped);
        std::mem::forget(inputs);
    }
    let write = write.map_err(|e| err(&out, e))?;
    phases.done("write");
    Ok(BuildReport {
        ingest: ingest_report,
        articles,
        people,
        pages,
        planned,
        write,
    })
}

/// The article files (from the root, in order), each with its status and its digest when
/// known before the load: from its stamp, or by reading it. None when a file cannot be stat'ed or
/// read (the build then runs in full and reports it).
struct Inputs {
    files: Vec<(String, crate::folder::Status, Option<crate::hash::Digest>)>,
    /// The stamps read, and when the files were stat'ed, for [`Inputs::save_stamps`] to record.
    stamps: crate::site::stamps::Stamps,
    now: std::time::SystemTime,
    allow_html: bool,
}

impl Inputs {
    /// Each file's digest as known before the load, in the listing's order.
    fn known(&self) -> Vec<Option<crate::hash::Digest>> {
        self.files.iter().map(|f| f.2).collect()
    }

    /// Every file's path and digest: the digests the load took (`loaded`, in the listing's
    /// order, read after the stats), or else the ones known before it (none when one is not).
    fn digests(
        &self,
        loaded: Option<&[crate::hash::Digest]>,
    ) -> Option<Vec<(&str, crate::hash::Digest)>> {
        if loaded.is_some_and(|l| l.len() != self.files.len()) {
            return None;
        }
        let mut files = Vec::with_capacity(self.files.len());
        for (i, (rel, _, d)) in self.files.iter().enumerate() {
            files.push((rel.as_str(), loaded.map_or(*d, |l| Some(l[i]))?));
        }
        Some(files)
    }

    /// Records the files' stamps (status when stat'ed, and digest: `files`, as
    /// [`Inputs::digests`] gave them) for the next build.
    fn save_stamps(&self, root: &Path, files: &[(&str, crate::hash::Digest)]) {
        if files.len() != self.files.len() {
            return;
        }
        let stamped = self
            .files
            .iter()
            .zip(files)
            .map(|((rel, meta, _), &(_, d))| (rel.as_str(), meta, d));
        crate::site::stamps::save(root, self.allow_html, &self.stamps, stamped, self.now);
    }
}

/// Reads [`Inputs`]: a file whose stamp does not give its digest is read and hashed when
/// `read_unknown`, else left to the load.
fn read_inputs(
    root: &Path,
    config: &Config,
    paths: &[PathBuf],
    read_unknown: bool,
) -> Option<Inputs> {
    use rayon::prelude::*;
    // Files whose stamp (size, times, inode) is the one recorded with a digest are not read.
    // The stamps are read while the files are stat'ed.
    let now = std::time::SystemTime::now();
    // Every article file is in the articles' folder (`site::article_files`): each is looked
    // up from the folder by its name.
    let folder = crate::folder::Folder::open(&root.join("content").join("articles"));
    let (stamps, metas) = rayon::join(
        || crate::site::stamps::Stamps::load(root, config.allow_html),
        || {
            // Collected in place, then checked (a parallel collect through `Option` gathers
            // pieces and copies them together).
            paths
                .par_iter()
                .map(|p| folder.status(p.file_name()?, true))
                .collect::<Vec<Option<crate::folder::Status>>>()
                .into_iter()
                .collect::<Option<Vec<crate::folder::Status>>>()
        },
    );
    let files: Vec<Option<_>> = paths
        .par_iter()
        .zip(metas?)
        .enumerate()
        .map(|(at, (p, meta))| {
            let rel = crate::site::relative_to(p, root)
                .to_string_lossy()
                .into_owned();
            let digest = match stamps.digest(at, &rel, &meta) {
                Some(d) => Some(d),
                None if read_unknown => {
                    let bytes = std::fs::read(p).ok()?;
                    Some(crate::site::cache::digest(&bytes, config.allow_html))
                }
                None => None,
            };
            Some((rel, meta, digest))
        })
        .collect();
    let files = files.into_iter().collect::<Option<_>>()?;
    Some(Inputs {
        files,
        stamps,
        now,
        allow_html: config.allow_html,
    })
}

/// The digest of everything a build reads, for [`output::Stamp`]: the templates, style sheet
/// and binary ([`Templates::fingerprint`]), the config (with `--base-url` applied), the
/// registry file, and the name and digest of every article file ([`Inputs`], after ingest).
/// None when an input cannot be read (the build then runs in full and reports it).
fn build_key(
    root: &Path,
    config: &Config,
    templates: &Templates,
    files: &[(&str, crate::hash::Digest)],
) -> Option<BuildKey> {
    let mut h = crate::hash::Hasher::new();
    h.update(b"litopys-build-key-2\0");
    h.update(templates.fingerprint());
    h.update(render::keyhash::digest(config));
    match std::fs::read(root.join(crate::people::registry::REGISTRY_FILE)) {
        Ok(b) => {
            h.update([1]);
            h.update((b.len() as u64).to_le_bytes());
            h.update(&b);
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => h.update([0]),
        Err(_) => return None,
    }
    for (name, d) in files {
        h.update((name.len() as u64).to_le_bytes());
        h.update(name.as_bytes());
        h.update(d);
    }
    let key = crate::hash::hex(&h.finalize());
    let files = files.iter().map(|r| r.1).collect();
    Some(BuildKey { key, files })
}

/// A build's key and the digests of the article files it was made of, in the listing's order.
struct BuildKey {
    key: String,
    files: Vec<crate::hash::Digest>,
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
        planned: 0,
        write: WriteStats::default(),
    })
}

/// `template:` names in the articles' front matter that no loaded template has, with the line
/// of the key. Only for a site that failed to load (a loaded site is checked by the renderer);
/// files whose front matter does not parse are skipped, as their own error is reported.
fn unknown_templates(root: &Path, templates: &Templates) -> Vec<SiteError> {
    let mut errors = Vec::new();
    for path in crate::site::article_files(root).0 {
        let Ok(text) = std::fs::read_to_string(&path) else {
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
            errors.push(render::unknown_template(path, line, &t));
        }
    }
    errors
}
