//! Rendering the site model to pages, feeds and the sitemap through Tera.
//!
//! [`Templates::load`] compiles the built-in templates (the repository's `templates/`, embedded
//! in the binary) overridden by same-named files in the site's `templates/` folder (which may
//! add templates of its own, e.g. for an article's `template:`), once. [`render`] builds the
//! shared pieces of context (one card per article, one link per person) once, then renders
//! every page in parallel and returns the files sorted by path.
//!
//! Templates get plain serialisable contexts ([`context`]); every string is escaped by Tera's
//! autoescape (on for `.html` and `.xml`) except an article's body HTML. Links in contexts are
//! paths from the site root; each page has a `root` prefix to make them relative ([`links`]).
//! Interface words come in the site's language ([`labels`]).
//!
//! | output | template |
//! |---|---|
//! | `index.html` (digest of the latest `home_days` days) | `index.html` |
//! | `YYYY/MM/DD/<slug>/index.html` | `article.html` or the article's `template` |
//! | `YYYY/MM/DD/index.html`, `YYYY/MM/index.html`, `YYYY/index.html` | `day.html`, `month.html`, `year.html` |
//! | `archive/index.html` | `archive.html` |
//! | `people/index.html` | `people.html` |
//! | `people/<slug>/index.html`, `people/<slug>/page/N/index.html` | `person.html` |
//! | `atom.xml`, `people/<slug>/atom.xml` | `atom.xml` |
//! | `sitemap.xml` (the sitemap index) | `sitemap-index.xml` |
//! | `sitemap-pages.xml`, `sitemap-YYYY.xml` (a year's articles), `sitemap-people.xml` (`-2`, `-3`… past 50,000 URLs) | `sitemap.xml` |
//! | `404.html` | `404.html` |
//! | `style.css` | copied from `templates/style.css` |
//!
//! `base.html` is the layout the HTML templates extend and `card.html` the article card they
//! include. Nothing depends on the clock or the environment (`get_env` is disabled), and the
//! files come back sorted by path, so the same input gives the same bytes.

mod cards;
pub mod context;
mod deps;
pub(crate) mod keyhash;
pub mod labels;
pub mod links;
mod native;
pub mod plan;
pub mod timeline;

use crate::hash::{Digest, Hasher};
use crate::output::Group;
use crate::site::{Site, SiteError};
use context::Shared;
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// One output file: a path relative to the output folder ('/'-separated) and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// The built-in templates, embedded from the repository's `templates/` folder.
pub const DEFAULT_TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../../templates/base.html")),
    ("card.html", include_str!("../../templates/card.html")),
    ("index.html", include_str!("../../templates/index.html")),
    ("article.html", include_str!("../../templates/article.html")),
    ("day.html", include_str!("../../templates/day.html")),
    ("month.html", include_str!("../../templates/month.html")),
    ("year.html", include_str!("../../templates/year.html")),
    ("archive.html", include_str!("../../templates/archive.html")),
    ("people.html", include_str!("../../templates/people.html")),
    ("person.html", include_str!("../../templates/person.html")),
    ("404.html", include_str!("../../templates/404.html")),
    ("atom.xml", include_str!("../../templates/atom.xml")),
    ("sitemap.xml", include_str!("../../templates/sitemap.xml")),
    (
        "sitemap-index.xml",
        include_str!("../../templates/sitemap-index.xml"),
    ),
    ("search.html", include_str!("../../templates/search.html")),
];

/// The stylesheet, copied as it is (not a Tera template); `templates/style.css` overrides it.
pub const DEFAULT_STYLE: &str = include_str!("../../templates/style.css");

/// The compiled templates: the built-in defaults, overridden by the site's `templates/`.
pub struct Templates {
    /// The pages' Tera (with `card()`), compiled when a page first needs it ([`Compiled`]).
    tera: std::sync::OnceLock<Result<tera::Tera, String>>,
    /// The template texts, compiled once for both the pages and `card()`.
    compiled: std::sync::Arc<Compiled>,
    /// The digest ([`crate::hash`]) of everything besides a page's context that its bytes depend on: every template
    /// text, the style sheet, the crate version and the running executable (length and mtime),
    /// so a rebuilt binary or an edited template never reuses a page rendered before.
    fingerprint: Digest,
    /// Template name → the file it came from (for error messages).
    sources: std::collections::HashMap<String, PathBuf>,
    style: Vec<u8>,
    /// Cards rendered by the `card()` function ([`cards`]).
    cards: std::sync::Arc<cards::CardCache>,
    /// The `card()` function itself, for pages rendered without Tera ([`native`]).
    card_fn: std::sync::Arc<cards::CardFn>,
    /// The templates whose pages are rendered without Tera ([`native`]): built-in ones that
    /// the site uses unchanged, with the built-in `base.html`.
    native: std::collections::HashSet<&'static str>,
    /// The names of the built-in templates that are in use unchanged, with an unchanged
    /// `base.html`: their lists of cards only go to `card()`, so their contexts name cards by
    /// index ([`context::CardRef`]).
    built_in: std::collections::HashSet<&'static str>,
}

impl std::fmt::Debug for Templates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Templates")
            .field("names", &self.compiled.texts.keys().collect::<Vec<_>>())
            .finish()
    }
}

/// Escapes `& < > " '` and drops the characters XML 1.0 forbids (C0 controls other than tab,
/// newline and carriage return; U+FFFE and U+FFFF) and the noncharacters U+FDD0..U+FDEF, which
/// are never text. Works on bytes: every byte it looks for is ASCII (or starts one of those
/// three-byte characters), so slices always fall on character boundaries.
fn escape(input: &str) -> String {
    escape_keeping(input, None)
}

/// [`escape`], keeping `keep` (one of the noncharacters) where it occurs: the escape of the
/// card templates ([`cards`]), where one marks `page.root`.
fn escape_keeping(input: &str, keep: Option<char>) -> String {
    // Most text has nothing to escape: find the first byte that may need it with a table.
    let Some(first) = input.bytes().position(|b| SPECIAL[b as usize]) else {
        return input.to_string();
    };
    let mut out = String::with_capacity(input.len() + input.len() / 16 + 8);
    escape_from(&mut out, input, keep, first);
    out
}

/// Appends `input` to `out` escaped as [`escape_keeping`] does (the one implementation of
/// the escape: Tera's escape function and the natively rendered pages ([`native`]) both
/// come here).
fn escape_into(out: &mut String, input: &str, keep: Option<char>) {
    match input.bytes().position(|b| SPECIAL[b as usize]) {
        Some(first) => escape_from(out, input, keep, first),
        None => out.push_str(input),
    }
}

/// [`escape_into`] for text whose first byte that may need escaping is at `first`.
fn escape_from(out: &mut String, input: &str, keep: Option<char>, first: usize) {
    let bytes = input.as_bytes();
    let mut last = 0;
    let mut i = first;
    while i < bytes.len() {
        if !SPECIAL[bytes[i] as usize] {
            i += 1;
            continue;
        }
        let (rep, skip) = match bytes[i] {
            b'&' => ("&amp;", 1),
            b'<' => ("&lt;", 1),
            b'>' => ("&gt;", 1),
            b'"' => ("&quot;", 1),
            b'\'' => ("&#39;", 1),
            0..=8 | 11 | 12 | 14..=31 | 127 => ("", 1),
            0xEF if bytes.get(i + 1) == Some(&0xBF)
                && matches!(bytes.get(i + 2), Some(0xBE) | Some(0xBF)) =>
            {
                ("", 3)
            }
            // U+FDD0..U+FDEF: EF B7 90..AF.
            0xEF if bytes.get(i + 1) == Some(&0xB7)
                && matches!(bytes.get(i + 2), Some(0x90..=0xAF))
                && keep.is_none_or(|k| !input[i..].starts_with(k)) =>
            {
                ("", 3)
            }
            _ => {
                i += 1;
                continue;
            }
        };
        out.push_str(&input[last..i]);
        out.push_str(rep);
        i += skip;
        last = i;
    }
    out.push_str(&input[last..]);
}

/// The bytes [`escape_keeping`] looks at: `& < > " '`, the C0 controls but tab, newline and
/// carriage return, DEL, and 0xEF (which starts U+FDD0..U+FDEF, U+FFFE and U+FFFF).
static SPECIAL: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 32 {
        t[b] = !matches!(b, 9 | 10 | 13);
        b += 1;
    }
    t[b'&' as usize] = true;
    t[b'<' as usize] = true;
    t[b'>' as usize] = true;
    t[b'"' as usize] = true;
    t[b'\'' as usize] = true;
    t[127] = true;
    t[0xEF] = true;
    t
};

/// The line a Tera error points at (`--> 3:5` in a parse error), if any.
fn tera_line(e: &tera::Error) -> Option<usize> {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = cur {
        let msg = err.to_string();
        if let Some(pos) = msg.find("--> ") {
            let digits: String = msg[pos + 4..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            if let Ok(n) = digits.parse() {
                return Some(n);
            }
        }
        cur = err.source();
    }
    None
}

/// The whole chain of a Tera error on one line.
fn tera_message(e: &tera::Error) -> String {
    let mut parts = vec![e.to_string()];
    let mut cur = std::error::Error::source(e);
    while let Some(err) = cur {
        let m = err.to_string();
        // Pest errors span several lines; keep them readable but compact.
        parts.push(m.trim().replace('\n', "\n    "));
        cur = err.source();
    }
    parts.join(": ")
}

fn new_tera() -> tera::Tera {
    let mut tera = tera::Tera::default();
    tera.autoescape_on(vec![".html", ".xml"]);
    tera.set_escape_fn(escape);
    // Output must not depend on the environment.
    tera.register_function(
        "get_env",
        |_: &std::collections::HashMap<String, tera::Value>| -> tera::Result<tera::Value> {
            Err(tera::Error::msg(
                "get_env is disabled: output must not depend on the environment",
            ))
        },
    );
    tera
}

/// The template texts and, once compiled, their Tera. The site's own templates are compiled
/// when they are loaded (so that every error is reported before anything renders); the
/// built-in ones alone, which are known to compile (`built_in_templates_compile`), only when a
/// page or card first goes through Tera: a rebuild whose pages are all rendered without Tera
/// ([`native`]) or kept by their render keys does not parse them at all.
pub struct Compiled {
    texts: std::collections::BTreeMap<String, String>,
    tera: std::sync::OnceLock<Result<tera::Tera, String>>,
}

impl Compiled {
    /// The compiled templates (compiled now if they were not yet).
    pub fn tera(&self) -> tera::Result<&tera::Tera> {
        self.tera
            .get_or_init(|| {
                let mut tera = new_tera();
                tera.add_raw_templates(self.texts.iter().map(|(n, t)| (n.as_str(), t.as_str())))
                    .map_err(|e| tera_message(&e))?;
                Ok(tera)
            })
            .as_ref()
            .map_err(|e| tera::Error::msg(e.clone()))
    }
}

impl Templates {
    /// Compiles the templates of the site at `root`; errors name the template file and line.
    pub fn load(root: &Path) -> Result<Templates, Vec<SiteError>> {
        let mut errors = Vec::new();
        let mut sources = std::collections::HashMap::new();
        let mut texts: std::collections::BTreeMap<String, String> = DEFAULT_TEMPLATES
            .iter()
            .map(|(n, t)| {
                sources.insert(
                    n.to_string(),
                    PathBuf::from(format!("templates/{n} (built-in)")),
                );
                (n.to_string(), t.to_string())
            })
            .collect();
        let mut style = DEFAULT_STYLE.as_bytes().to_vec();
        let dir = root.join("templates");
        if dir.is_dir() {
            for entry in walkdir::WalkDir::new(&dir).sort_by_file_name() {
                let entry = match entry {
                    Ok(e) => e,
                    Err(e) => {
                        errors.push(SiteError {
                            file: dir.clone(),
                            line: None,
                            message: e.to_string(),
                        });
                        continue;
                    }
                };
                if !entry.file_type().is_file() {
                    continue;
                }
                let path = entry.path();
                let Ok(rel) = path.strip_prefix(&dir) else {
                    continue;
                };
                let name = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join("/");
                if name.starts_with('.') || name.ends_with('~') {
                    continue;
                }
                if name == "style.css" {
                    match std::fs::read(path) {
                        Ok(b) => style = b,
                        Err(e) => errors.push(SiteError {
                            file: path.to_path_buf(),
                            line: None,
                            message: format!("cannot read: {e}"),
                        }),
                    }
                    continue;
                }
                // Only .html and .xml files are templates; other files (notes, images) are
                // not this folder's business.
                if !(name.ends_with(".html") || name.ends_with(".xml")) {
                    continue;
                }
                match std::fs::read_to_string(path) {
                    Ok(t) => {
                        sources.insert(name.clone(), path.to_path_buf());
                        texts.insert(name, t);
                    }
                    Err(e) => errors.push(SiteError {
                        file: path.to_path_buf(),
                        line: None,
                        message: format!("cannot read: {e}"),
                    }),
                }
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let own = texts.len() != DEFAULT_TEMPLATES.len()
            || DEFAULT_TEMPLATES
                .iter()
                .any(|(n, t)| texts.get(*n).map(String::as_str) != Some(*t));
        let compiled = std::sync::OnceLock::new();
        if own {
            let mut tera = new_tera();
            match tera.add_raw_templates(texts.iter().map(|(n, t)| (n.as_str(), t.as_str()))) {
                Ok(()) => {
                    let _ = compiled.set(Ok(tera));
                }
                Err(e) => return Err(Self::compile_errors(&texts, &sources, &dir, &e)),
            }
        }

        let fingerprint = fingerprint(&texts, &style);
        let unchanged = |name: &str| {
            DEFAULT_TEMPLATES
                .iter()
                .any(|(n, t)| *n == name && texts.get(name).map(String::as_str) == Some(*t))
        };
        let built_in: std::collections::HashSet<&'static str> = if unchanged("base.html") {
            DEFAULT_TEMPLATES
                .iter()
                .map(|(n, _)| *n)
                .filter(|n| unchanged(n))
                .collect()
        } else {
            Default::default()
        };
        let native_card = unchanged("card.html");
        let cards = std::sync::Arc::new(cards::CardCache::default());
        let compiled = std::sync::Arc::new(Compiled {
            texts,
            tera: compiled,
        });
        let card_fn = std::sync::Arc::new(cards::CardFn {
            compiled: compiled.clone(),
            tera: std::sync::OnceLock::new(),
            cache: cards.clone(),
            native: native_card.into(),
        });
        let native = native::PAGES
            .iter()
            .filter(|(page, base)| built_in.contains(page) && built_in.contains(base))
            .map(|(page, _)| *page)
            .collect();
        Ok(Templates {
            tera: std::sync::OnceLock::new(),
            compiled,
            fingerprint,
            sources,
            style,
            cards,
            card_fn,
            native,
            built_in,
        })
    }

    /// Every error of templates that do not compile together (`e`): each template's own
    /// syntax errors, else `e` with the template it names.
    fn compile_errors(
        texts: &std::collections::BTreeMap<String, String>,
        sources: &std::collections::HashMap<String, PathBuf>,
        dir: &Path,
        e: &tera::Error,
    ) -> Vec<SiteError> {
        let mut errors = Vec::new();
        // Parse each template alone, so that every syntax error is reported, not only the
        // first (done only on failure: parsing is a good part of a small rebuild).
        for (name, text) in texts {
            let mut one = new_tera();
            if let Err(e) = one.add_raw_template(name, text) {
                let msg = tera_message(&e);
                // A missing parent is not this template's syntax error; the full pass
                // reports it.
                if msg.contains("Failed to parse") {
                    errors.push(SiteError {
                        file: sources.get(name).cloned().unwrap_or_else(|| name.into()),
                        line: tera_line(&e),
                        message: msg,
                    });
                }
            }
        }
        if !errors.is_empty() {
            return errors;
        }
        let msg = tera_message(e);
        let file = texts
            .keys()
            .find(|n| msg.contains(&format!("'{n}'")))
            .and_then(|n| sources.get(n).cloned())
            .unwrap_or_else(|| dir.to_path_buf());
        vec![SiteError {
            file,
            line: tera_line(e),
            message: msg,
        }]
    }

    /// The pages' Tera: the compiled templates with the `card()` function.
    fn page_tera(&self) -> tera::Result<&tera::Tera> {
        self.tera
            .get_or_init(|| {
                let mut tera = self.compiled.tera().map_err(|e| tera_message(&e))?.clone();
                tera.register_function("card", cards::SharedCardFn(self.card_fn.clone()));
                Ok(tera)
            })
            .as_ref()
            .map_err(|e| tera::Error::msg(e.clone()))
    }

    /// The digest of the templates, the style sheet, the binary and the render key scheme
    /// (every page's key starts with it).
    pub fn fingerprint(&self) -> &Digest {
        &self.fingerprint
    }

    /// Renders every page through Tera, also those that are otherwise rendered without it
    /// (`render::native`): for comparing the two.
    pub fn tera_only(&mut self) {
        self.native.clear();
        self.card_fn
            .native
            .store(false, std::sync::atomic::Ordering::Relaxed);
    }

    /// True when the pages of template `name` are rendered without Tera ([`native`]).
    fn native(&self, name: &str) -> bool {
        self.native.contains(name)
    }

    /// The file at `path` that `render` writes (a page of template `name` rendered without
    /// Tera, [`native`]), in a buffer of `size_hint` bytes.
    fn render_native(
        &self,
        name: &str,
        path: String,
        size_hint: usize,
        render: impl FnOnce(&mut String) -> Result<(), String>,
    ) -> Result<OutputFile, SiteError> {
        let mut out = String::with_capacity(size_hint);
        render(&mut out).map_err(|e| SiteError {
            file: self.source(name),
            line: None,
            message: format!("rendering {path}: {e}"),
        })?;
        Ok(OutputFile {
            path,
            bytes: out.into_bytes(),
        })
    }

    /// True when `name` is a built-in template in use unchanged (with the built-in
    /// `base.html`): its contexts name listed cards by index.
    fn by_index(&self, name: &str) -> bool {
        self.built_in.contains(name)
    }

    /// True when a template of that name exists.
    pub fn has(&self, name: &str) -> bool {
        self.compiled.texts.contains_key(name)
    }

    fn source(&self, name: &str) -> PathBuf {
        self.sources
            .get(name)
            .cloned()
            .unwrap_or_else(|| PathBuf::from(format!("templates/{name}")))
    }

    /// Renders `name` with `ctx` into a file at `path` and hands it to `sink`; a page whose
    /// render key equals the one the sink's previous build recorded (and whose file is intact)
    /// is not rendered at all.
    fn page<T: serde::Serialize, S: Sink>(
        &self,
        sink: &S,
        name: &str,
        path: String,
        ctx: &T,
        size_hint: usize,
    ) -> Result<S::Placed, SiteError> {
        self.page_by(sink, name, path, ctx, |path| {
            self.render_page(name, path, ctx, size_hint)
        })
    }

    /// [`Templates::page`] with the page rendered by `render` (given the path).
    fn page_by<T: serde::Serialize, S: Sink>(
        &self,
        sink: &S,
        name: &str,
        path: String,
        ctx: &T,
        render: impl FnOnce(String) -> Result<OutputFile, SiteError>,
    ) -> Result<S::Placed, SiteError> {
        let key = if sink.keyed() {
            let key = self.key(name, &path, ctx).map_err(|e| SiteError {
                file: self.source(name),
                line: None,
                message: format!("cannot build the context of {path}: {e}"),
            })?;
            if sink.previous_key(&path) == Some(key.as_str()) {
                plan::note_matched();
                if let Some(kept) = sink.keep(&path, &key) {
                    return Ok(kept);
                }
            }
            Some(key)
        } else {
            None
        };
        let file = render(path)?;
        sink.put(&file.path, key, file.bytes)
            .map_err(|e| write_error(sink, e))
    }

    /// The render key of a page: the digest (hex) of the templates' fingerprint, the template
    /// name, the path and the context ([`keyhash`]). Equal keys mean equal bytes.
    fn key<T: serde::Serialize>(
        &self,
        name: &str,
        path: &str,
        ctx: &T,
    ) -> Result<String, keyhash::Error> {
        plan::note_keyed();
        keyhash::with_buffer(|h| {
            h.update(self.fingerprint);
            h.update(name.as_bytes());
            h.update([0]);
            h.update(path.as_bytes());
            h.update([0]);
            ctx.serialize(&mut keyhash::KeyHasher(h))?;
            Ok(hex(&h.finalize()))
        })
    }

    /// The render key of the page at `path` made by template `name` from `ctx` (for pages
    /// outside [`render`]'s job list, e.g. the search page).
    pub fn page_key<T: serde::Serialize>(
        &self,
        name: &str,
        path: &str,
        ctx: &T,
    ) -> Result<String, SiteError> {
        self.key(name, path, ctx).map_err(|e| SiteError {
            file: self.source(name),
            line: None,
            message: format!("cannot build the context of {path}: {e}"),
        })
    }

    /// The key of a group of files made from `inputs` (a digest of everything they depend on
    /// besides the templates and the binary).
    fn group_key(&self, name: &str, inputs: &Digest) -> String {
        let mut h = Hasher::new();
        h.update(self.fingerprint);
        h.update(b"group\0");
        h.update(name.as_bytes());
        h.update([0]);
        h.update(inputs);
        hex(&h.finalize())
    }

    /// Renders template `name` with `ctx` into a file at `path`, always (for pages outside
    /// [`render`]'s job list, e.g. the search page).
    pub fn render_page<T: serde::Serialize>(
        &self,
        name: &str,
        path: String,
        ctx: &T,
        size_hint: usize,
    ) -> Result<OutputFile, SiteError> {
        let context = tera::Context::from_serialize(ctx).map_err(|e| SiteError {
            file: self.source(name),
            line: None,
            message: format!("cannot build the context of {path}: {}", tera_message(&e)),
        })?;
        let mut bytes = Vec::with_capacity(size_hint);
        self.page_tera()
            .and_then(|tera| tera.render_to(name, &context, &mut bytes))
            .map_err(|e| SiteError {
                file: self.source(name),
                line: tera_line(&e),
                message: format!("rendering {path}: {}", tera_message(&e)),
            })?;
        Ok(OutputFile { path, bytes })
    }
}

/// Where rendered files go: [`crate::output::Session`] (a build: pages whose render key did
/// not change are kept, changed bytes are staged on disk as they come) or memory ([`render`]).
pub trait Sink: Sync {
    /// What the sink gives back for each file.
    type Placed: Send + Sync;
    /// Whether pages get render keys (to keep unchanged pages and record keys).
    fn keyed(&self) -> bool;
    /// The render key the previous build recorded for `path`.
    fn previous_key(&self, path: &str) -> Option<&str>;
    /// The previous build's group `name`.
    fn previous_group(&self, name: &str) -> Option<&Group>;
    /// The previous build's render plan ([`plan`]).
    fn previous_plan(&self) -> Option<&plan::Plan>;
    /// Keeps the previous build's file at `path` (recorded with `key`) if it is intact.
    fn keep(&self, path: &str, key: &str) -> Option<Self::Placed>;
    /// Keeps the previous build's file at `path`, whatever key it was recorded with, if it is
    /// intact (a page the render plan found unchanged).
    fn keep_as_before(&self, path: &str) -> Option<Self::Placed> {
        self.keep(path, self.previous_key(path)?)
    }
    /// Takes a rendered file; the error is an I/O error's message.
    fn put(&self, path: &str, key: Option<String>, bytes: Vec<u8>) -> Result<Self::Placed, String>;
    /// The output path of a placed file.
    fn path_of(placed: &Self::Placed) -> &str;
    /// Whether the sink places only files whose paths passed [`crate::output::validate_path`],
    /// which refuses every path [`links::is_safe_path`] does: [`render_to`] then does not look
    /// at each path again.
    const CHECKS_PATHS: bool = false;
    /// Where the files go (for error messages).
    fn location(&self) -> PathBuf;
}

impl Sink for crate::output::Session {
    type Placed = crate::output::Placed;
    fn keyed(&self) -> bool {
        true
    }
    fn previous_key(&self, path: &str) -> Option<&str> {
        crate::output::Session::previous_key(self, path)
    }
    fn previous_group(&self, name: &str) -> Option<&Group> {
        crate::output::Session::previous_group(self, name)
    }
    fn previous_plan(&self) -> Option<&plan::Plan> {
        crate::output::Session::previous_plan(self)
    }
    fn keep(&self, path: &str, key: &str) -> Option<Self::Placed> {
        crate::output::Session::keep(self, path, key)
    }
    fn keep_as_before(&self, path: &str) -> Option<Self::Placed> {
        crate::output::Session::keep_as_before(self, path)
    }
    fn put(&self, path: &str, key: Option<String>, bytes: Vec<u8>) -> Result<Self::Placed, String> {
        crate::output::Session::put(self, path, key, &bytes)
    }
    fn path_of(placed: &Self::Placed) -> &str {
        placed.path()
    }
    /// A file is put after [`crate::output::validate_path`] accepted its path, and kept only
    /// from a manifest line whose path it accepted.
    const CHECKS_PATHS: bool = true;
    fn location(&self) -> PathBuf {
        self.out_dir().to_path_buf()
    }
}

/// Keeps every file in memory, with no keys.
struct Memory;

impl Sink for Memory {
    type Placed = OutputFile;
    fn keyed(&self) -> bool {
        false
    }
    fn previous_key(&self, _: &str) -> Option<&str> {
        None
    }
    fn previous_group(&self, _: &str) -> Option<&Group> {
        None
    }
    fn previous_plan(&self) -> Option<&plan::Plan> {
        None
    }
    fn keep(&self, _: &str, _: &str) -> Option<Self::Placed> {
        None
    }
    fn put(&self, path: &str, _: Option<String>, bytes: Vec<u8>) -> Result<OutputFile, String> {
        Ok(OutputFile {
            path: path.to_string(),
            bytes,
        })
    }
    fn path_of(placed: &OutputFile) -> &str {
        &placed.path
    }
    fn location(&self) -> PathBuf {
        PathBuf::from("(memory)")
    }
}

fn write_error<S: Sink>(sink: &S, message: String) -> SiteError {
    SiteError {
        file: sink.location(),
        line: None,
        message,
    }
}

/// What [`render_to`] produced: every file (in path order) and the groups to record.
pub struct Rendered<P> {
    pub files: Vec<P>,
    pub groups: std::collections::BTreeMap<String, Group>,
    /// The render plan of a keyed build ([`plan`]), its kept pages named by their number in
    /// the sink's previous plan.
    pub plan: Option<plan::Draft>,
    /// How many pages the previous build's plan kept without building their contexts.
    pub planned: usize,
}

/// Version of the render key scheme; bump it when what a key covers changes.
const KEY_VERSION: &[u8] = b"litopys-render-key-4";

fn fingerprint(texts: &std::collections::BTreeMap<String, String>, style: &[u8]) -> Digest {
    let mut h = Hasher::new();
    h.update(KEY_VERSION);
    h.update(env!("CARGO_PKG_VERSION").as_bytes());
    h.update([0]);
    // The executable: a rebuilt binary may render the same context differently.
    crate::site::cache::hash_executable(&mut h);
    for (name, text) in texts {
        h.update((name.len() as u64).to_le_bytes());
        h.update(name.as_bytes());
        h.update((text.len() as u64).to_le_bytes());
        h.update(text.as_bytes());
    }
    h.update(style);
    h.finalize()
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 15) as usize] as char);
    }
    s
}

/// How many failing pages are reported per template file.
const ERRORS_PER_TEMPLATE: usize = 3;

/// About how many bytes a card takes on a page (for pre-sizing buffers).
const CARD_BYTES: usize = 3 << 10;

/// One output file to produce.
#[derive(Debug, Clone, Copy)]
enum Job {
    Home,
    Article(usize),
    Day(usize),
    Month(usize),
    Year(usize),
    Archive,
    People,
    /// Person index, page number from 0.
    Person(usize, usize),
    PersonFeed(usize),
    Feed,
    /// `sitemap.xml`, the index of the sitemap's files.
    SitemapIndex,
    /// A file of the sitemap.
    SitemapPart(context::SitemapPart),
    NotFound,
    Style,
}

/// Renders every page, feed and sitemap of `site` into memory (for `check` and tests; a build
/// streams them into the output folder with [`render_to`]).
pub fn render(site: &Site, templates: &Templates) -> Result<Vec<OutputFile>, Vec<SiteError>> {
    render_to(site, templates, &Memory).map(|r| r.files)
}

/// The error for an article whose `template:` names no loaded template.
pub fn unknown_template(file: PathBuf, line: Option<usize>, name: &str) -> SiteError {
    SiteError {
        file,
        line,
        message: format!(
            "template `{name}` does not exist: add it to templates/ or remove `template:`"
        ),
    }
}

/// Renders every page, feed and sitemap of `site` into `sink`, in parallel, each page handed
/// over as soon as it is rendered (no page waits in memory for the others). Pages whose render
/// key the sink's previous build recorded are not rendered. Errors are collected (a few per
/// template file); on error the sink's files are simply not committed.
pub fn render_to<S: Sink>(
    site: &Site,
    templates: &Templates,
    sink: &S,
) -> Result<Rendered<S::Placed>, Vec<SiteError>> {
    let mut errors = Vec::new();
    // Unknown article templates.
    for a in &site.articles {
        if let Some(t) = &a.template {
            if !templates.has(t) {
                errors.push(unknown_template(site.root.join(&a.file), None, t));
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    // The cards and, alongside, the structure and base digests of the render plan ([`plan`]).
    let (shared, digests) = rayon::join(
        || Shared::new(site),
        || {
            sink.keyed().then(|| {
                (
                    plan::structure_digest(site, &templates.fingerprint),
                    deps::base(site, &templates.fingerprint),
                    site.articles
                        .par_iter()
                        .map(|a| {
                            let id = deps::identity(a);
                            (id, deps::list_entry(a, &id))
                        })
                        .unzip::<_, _, Vec<Digest>, Vec<Digest>>(),
                )
            })
        },
    );
    let (digests, article_digests, (ids, entries)) = match digests {
        Some(((structure, own), base, articles)) => (Some((structure, base)), own, articles),
        None => (None, Vec::new(), (Vec::new(), Vec::new())),
    };
    let structure = digests.map(|d| d.0);
    if let Err(e) = templates.cards.begin(
        shared.cards.clone(),
        &shared.lang,
        labels::for_language(&shared.lang),
    ) {
        return Err(vec![SiteError {
            file: templates.source("card.html"),
            line: None,
            message: tera_message(&e),
        }]);
    }
    let mut jobs = vec![
        Job::Home,
        Job::Archive,
        Job::People,
        Job::Feed,
        Job::SitemapIndex,
        Job::NotFound,
        Job::Style,
    ];
    jobs.extend(
        context::sitemap_parts(site)
            .into_iter()
            .map(Job::SitemapPart),
    );
    jobs.extend((0..site.articles.len()).map(Job::Article));
    jobs.extend((0..site.days.len()).map(Job::Day));
    jobs.extend((0..site.months.len()).map(Job::Month));
    jobs.extend((0..site.years.len()).map(Job::Year));
    let page_size = site.config.page_size.max(1);
    for (i, p) in site.people.iter().enumerate() {
        let pages = p.articles.len().div_ceil(page_size).max(1);
        jobs.extend((0..pages).map(|n| Job::Person(i, n)));
        jobs.push(Job::PersonFeed(i));
    }
    // The render plan ([`plan`]). When the previous build's has the same structure, its pages
    // are these jobs' pages, in this order, and a page whose bodies did not change is kept
    // without building its context. Else, when it has the same base, a page found by its
    // path whose dependency digest ([`deps`]) did not change is kept, its recorded reads
    // renumbered to this build's articles.
    let previous = sink.previous_plan();
    let same = previous.filter(|p| Some(p.structure) == structure && p.len() == jobs.len());
    type ByPath<'p> = (
        &'p plan::Plan,
        std::sync::OnceLock<rustc_hash::FxHashMap<&'p str, usize>>,
        plan::Renumbering,
    );
    let by_path: Option<ByPath> = previous
        .filter(|p| same.is_none() && Some(p.base) == digests.map(|d| d.1))
        .map(|p| {
            (
                p,
                std::sync::OnceLock::new(),
                plan::Renumbering::new(p.files(), &ids),
            )
        });
    // Where the previous build's page of job `j` most often is: at the same place, or as far
    // from the end (an edit adds or removes a few pages in the middle); checked by its path,
    // the plan's table of paths made only when a page is at neither.
    let moved_by = jobs.len() as isize - previous.map_or(0, |p| p.len() as isize);
    let find = |(p, paths, _): &ByPath<'_>, j: usize, path: &str| -> Option<usize> {
        let at = |i: usize| p.page(i).filter(|page| page.path == path).map(|_| i);
        at(j)
            .or_else(|| j.checked_add_signed(-moved_by).and_then(at))
            .or_else(|| {
                paths
                    .get_or_init(|| {
                        let mut paths = rustc_hash::FxHashMap::default();
                        paths.reserve(p.len());
                        paths.extend(p.pages().enumerate().map(|(i, page)| (page.path, i)));
                        paths
                    })
                    .get(path)
                    .copied()
            })
    };
    let scopes = deps::Scopes::new(&shared, &ids, &entries, article_digests);
    if by_path.is_some() {
        scopes.compute_all();
    }
    let checking = previous.is_some() && plan::checking();
    let planned = std::sync::atomic::AtomicUsize::new(0);
    // The pages and, alongside, the search page and its index (src/search.rs).
    // Each page's file (its error boxed: the list holds one per page) and plan, in two lists
    // collected in place; the files' has room for the search index's files too (as many as
    // last time).
    let search_room = sink
        .previous_group(SEARCH_GROUP)
        .map_or(0, |g| g.paths.len())
        + 64;
    let mut results: Vec<Result<S::Placed, Box<SiteError>>> =
        Vec::with_capacity(jobs.len() + search_room);
    let mut pages: Vec<Option<plan::Made>> = Vec::new();
    let ((), search) = rayon::join(
        || {
            jobs.par_iter()
                .enumerate()
                .map(|(j, &job)| {
                    // The previous build's page (its number) the plan says this one equals, with
                    // its reads renumbered when this build's articles are not the plan's.
                    let kept_page = if let Some(p) = same {
                        p.page(j)
                            .filter(|page| {
                                page.reads.is_some_and(|r| {
                                    plan::reads_digest(site, r) == page.reads_digest
                                })
                            })
                            .map(|page| (j, page, None))
                    } else if let Some(bp @ (p, _, renumbering)) = &by_path {
                        job_path(job, site)
                            .and_then(|path| find(bp, j, &path))
                            .and_then(|i| Some((i, p.page(i)?)))
                            .and_then(|(i, page)| {
                                let reads = renumbering.reads(page.reads?)?;
                                let (kind, deps) = job_deps(job, site);
                                (scopes.page_digest(kind, &deps, &reads)? == page.deps).then(|| {
                                    let moved = match reads {
                                        std::borrow::Cow::Owned(r) => Some(r),
                                        std::borrow::Cow::Borrowed(_) => None,
                                    };
                                    (i, page, moved)
                                })
                            })
                    } else {
                        None
                    };
                    // Kept unless checking (which makes the page and compares it below).
                    let kept_page = match kept_page {
                        Some((i, page, moved)) if !checking => {
                            let kept = sink.keep_as_before(page.path);
                            if let Some(kept) = kept {
                                planned.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                                return (Ok(kept), Some(plan::Made::Old(i, moved)));
                            }
                            None
                        }
                        other => other,
                    };
                    let (placed, recorded) =
                        plan::recording(|| render_job(job, &shared, templates, sink));
                    let placed = match (placed, kept_page) {
                        (Ok(f), Some((_, page, _))) if checking => {
                            check_planned(site, job, S::path_of(&f), &page, &recorded).map(|()| {
                                planned.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                                f
                            })
                        }
                        (placed, _) => placed,
                    };
                    let page = placed
                        .as_ref()
                        .ok()
                        .filter(|_| structure.is_some())
                        .map(|f| {
                            let reads = recorded.reads;
                            let deps = reads.as_deref().and_then(|r| {
                                let (kind, deps) = job_deps(job, site);
                                scopes.page_digest(kind, &deps, r)
                            });
                            plan::Made::New(Box::new(plan::NewPage {
                                path: S::path_of(f).to_string(),
                                reads_digest: reads
                                    .as_deref()
                                    .map_or([0; 16], |r| plan::reads_digest(site, r)),
                                deps: deps.unwrap_or([0; 16]),
                                reads,
                            }))
                        });
                    (placed.map_err(Box::new), page)
                })
                .unzip_into_vecs(&mut results, &mut pages)
        },
        || search_files(site, templates, sink),
    );
    // The plan and the files, each list turned into the next in place. The plan is written
    // out from this draft as the files are put in place (`Sink` commits); a page without a
    // plan (it failed, or there is no structure) leaves no plan.
    let made = digests.and_then(|_| pages.into_iter().collect::<Option<Vec<plan::Made>>>());
    // A broken template fails every page it renders: report a few pages per template file.
    let mut per_file: std::collections::BTreeMap<PathBuf, (usize, Vec<SiteError>)> =
        std::collections::BTreeMap::new();
    let mut files: Vec<S::Placed> = results
        .into_iter()
        .filter_map(|r| match r {
            Ok(f) => Some(f),
            Err(e) => {
                let entry = per_file.entry(e.file.clone()).or_default();
                entry.0 += 1;
                if entry.1.len() < ERRORS_PER_TEMPLATE {
                    entry.1.push(*e);
                }
                None
            }
        })
        .collect();
    for (file, (count, shown)) in per_file {
        let more = count - shown.len();
        errors.extend(shown);
        if more > 0 {
            errors.push(SiteError {
                file,
                line: None,
                message: format!("… and {more} more page(s) fail in this template"),
            });
        }
    }
    let mut groups = std::collections::BTreeMap::new();
    match search {
        Ok((f, group)) => {
            files.extend(f);
            if let Some(g) = group {
                groups.insert(SEARCH_GROUP.to_string(), g);
            }
        }
        Err(e) => errors.push(e),
    }
    // Paths are unique unless two pages clash, which is an error below (so the order of equal
    // paths never matters, and an unstable sort gives the same result).
    files.par_sort_unstable_by(|a, b| S::path_of(a).cmp(S::path_of(b)));
    for w in files.windows(2) {
        if S::path_of(&w[0]) == S::path_of(&w[1]) {
            errors.push(SiteError {
                file: site.root.clone(),
                line: None,
                message: format!("two pages would be written to {}", S::path_of(&w[0])),
            });
        }
    }
    let unsafe_paths: Vec<&S::Placed> = if S::CHECKS_PATHS {
        Vec::new()
    } else {
        files
            .par_iter()
            .filter(|f| !links::is_safe_path(S::path_of(f)))
            .collect()
    };
    errors.extend(unsafe_paths.into_iter().map(|f| SiteError {
        file: site.root.clone(),
        line: None,
        message: format!(
            "refusing to write outside the output folder: {:?}",
            S::path_of(f)
        ),
    }));
    if errors.is_empty() {
        Ok(Rendered {
            files,
            groups,
            plan: digests
                .zip(made)
                .map(|((structure, base), pages)| plan::Draft::new(structure, base, ids, pages)),
            planned: planned.into_inner(),
        })
    } else {
        Err(errors)
    }
}

/// With plan checking on ([`plan::checking`]): that page `page` of the previous plan, which the
/// plan would have kept for `job`, was made at its path and its key was the previous build's.
fn check_planned(
    site: &Site,
    job: Job,
    made: &str,
    page: &plan::PagePlan<'_>,
    recorded: &plan::Recorded,
) -> Result<(), SiteError> {
    let planned = job_path(job, site);
    if made == page.path && planned.as_deref() == Some(made) && recorded.matched {
        return Ok(());
    }
    Err(SiteError {
        file: site.root.clone(),
        line: None,
        message: format!(
            "render plan check: the plan would keep {} for {job:?} (path {planned:?}), but the \
             page made is {made} and its key {}",
            page.path,
            if recorded.matched {
                "is the previous build's"
            } else {
                "changed"
            }
        ),
    })
}

/// The path of the page `job` makes (none for the style sheet, which has no key), as
/// [`render_job`] makes it.
fn job_path(job: Job, site: &Site) -> Option<String> {
    use context as c;
    Some(match job {
        Job::Home => "index.html".into(),
        Job::Article(i) => links::index_of(&site.articles.get(i)?.url),
        Job::Day(i) => links::index_of(&c::day_dir(&site.days.get(i)?.date)),
        Job::Month(i) => {
            let m = site.months.get(i)?;
            links::index_of(&c::month_dir(m.year, m.month))
        }
        Job::Year(i) => links::index_of(&c::year_dir(site.years.get(i)?.year)),
        Job::Archive => links::index_of("archive/"),
        Job::People => links::index_of("people/"),
        Job::Person(i, n) => links::index_of(&c::person_page_dir(&site.people.get(i)?.url, n)),
        Job::PersonFeed(i) => format!("{}atom.xml", site.people.get(i)?.url),
        Job::Feed => "atom.xml".into(),
        Job::SitemapIndex => "sitemap.xml".into(),
        Job::SitemapPart(part) => part.path(),
        Job::NotFound => "404.html".into(),
        Job::Style => return None,
    })
}

/// What the context of `job`'s page reads besides the cards and bodies its key records
/// ([`deps`]), with a tag for its kind of page: this must name everything the context
/// builders in [`context`] read from the model (the configuration and templates are in the
/// plan's base). Plan checking ([`plan::checking`]) and the tests' random edits catch a
/// scope missing here.
fn job_deps(job: Job, site: &Site) -> (u8, Vec<deps::Dep>) {
    use deps::Dep;
    match job {
        Job::Home => (1, vec![Dep::Calendar]),
        Job::Article(i) => {
            let mut d = vec![Dep::Neighbours(i), Dep::Article(i)];
            if let Some(a) = site.articles.get(i) {
                d.extend(a.people.iter().map(|&p| Dep::List(p)));
            }
            (2, d)
        }
        Job::Day(_) => (3, vec![Dep::Calendar]),
        Job::Month(_) => (4, vec![Dep::Calendar]),
        Job::Year(_) => (5, vec![Dep::Calendar]),
        Job::Archive => (6, vec![Dep::Calendar]),
        Job::People => (7, vec![Dep::PeopleIndex]),
        Job::Person(p, _) => (8, vec![Dep::Person(p)]),
        Job::PersonFeed(p) => (9, vec![Dep::Person(p)]),
        Job::Feed => (10, vec![Dep::Calendar]),
        // The index lists a file per year and the people's (with their latest dates).
        Job::SitemapIndex => (11, vec![Dep::Calendar, Dep::PeopleIndex]),
        Job::SitemapPart(part) => match part.group {
            context::SitemapGroup::Pages => (14, vec![Dep::Calendar]),
            context::SitemapGroup::Articles(_) => (15, vec![Dep::Calendar, Dep::Links]),
            context::SitemapGroup::People => (16, vec![Dep::PeopleIndex]),
        },
        Job::NotFound => (12, Vec::new()),
        Job::Style => (13, Vec::new()),
    }
}

/// The name of the search index's group of files.
const SEARCH_GROUP: &str = "search";

/// The search page and its index ([`crate::search::render`]) as one group: its key covers
/// everything the index is made of (the config, and per article and person the fields the
/// index reads, the body by its source digest), so an unchanged site keeps the whole index
/// without building it.
fn search_files<S: Sink>(
    site: &Site,
    templates: &Templates,
    sink: &S,
) -> Result<(Vec<S::Placed>, Option<Group>), SiteError> {
    // The documents' digests from what the site model has at hand: no document is made
    // unless the index needs it.
    let slots = crate::search::Slots::of(site.people.iter().map(|p| p.name.as_str()));
    let docs = crate::search::Docs::Site(site, &slots);
    let keys = docs.keys();
    let key = sink
        .keyed()
        .then(|| templates.group_key(SEARCH_GROUP, &search_inputs(site, &keys)));
    let previous = sink.previous_group(SEARCH_GROUP);
    if let (Some(key), Some(prev)) = (&key, previous) {
        if prev.key == *key {
            // Each file was recorded with its own key (src/search.rs).
            let kept: Option<Vec<S::Placed>> = prev
                .paths
                .par_iter()
                .map(|p| sink.keep_as_before(p))
                .collect();
            if let Some(kept) = kept {
                let group = Group {
                    key: key.clone(),
                    paths: prev.paths.clone(),
                };
                return Ok((kept, Some(group)));
            }
        }
    }
    // A build (keyed output) keeps articles' terms and the index's state in the site's cache.
    let cache_root = sink.keyed().then_some(site.root.as_path());
    let inputs = crate::search::Inputs {
        docs,
        keys: &keys,
        group: key.as_deref(),
        previous: previous.map(|g| g.key.as_str()),
    };
    let placed = crate::search::render_to(site, templates, cache_root, sink, &inputs)?;
    let paths: Vec<String> = placed.iter().map(|p| S::path_of(p).to_string()).collect();
    Ok((placed, key.map(|key| Group { key, paths })))
}

/// What the search index is made of, hashed ([`keyhash`]): the config and the digests of every
/// document's fields and of what its terms depend on ([`crate::search::DocKeys`]: the body by
/// its source digest).
fn search_inputs(site: &Site, keys: &crate::search::DocKeys) -> Digest {
    keyhash::digest(&(&site.config, keys.all()))
}

fn render_job<S: Sink>(
    job: Job,
    sh: &Shared,
    t: &Templates,
    sink: &S,
) -> Result<S::Placed, SiteError> {
    use context as c;
    match job {
        Job::Home if t.native("index.html") => {
            let ctx = c::home(sh, true);
            t.page_by(sink, "index.html", "index.html".into(), &ctx, |path| {
                t.render_native("index.html", path, 32 << 10, |out| {
                    native::home(&ctx, &t.card_fn, out)
                })
            })
        }
        Job::Year(i) if t.native("year.html") => {
            let ctx = c::year(sh, i);
            t.page_by(
                sink,
                "year.html",
                links::index_of(&ctx.page.dir),
                &ctx,
                |path| t.render_native("year.html", path, 8 << 10, |out| native::year(&ctx, out)),
            )
        }
        Job::Archive if t.native("archive.html") => {
            let ctx = c::archive(sh);
            t.page_by(
                sink,
                "archive.html",
                links::index_of(&ctx.page.dir),
                &ctx,
                |path| {
                    t.render_native("archive.html", path, 16 << 10, |out| {
                        native::archive(&ctx, out)
                    })
                },
            )
        }
        Job::People if t.native("people.html") => {
            let ctx = c::people(sh);
            let hint = (8 << 10) + ctx.count * 128;
            t.page_by(
                sink,
                "people.html",
                links::index_of(&ctx.page.dir),
                &ctx,
                |path| t.render_native("people.html", path, hint, |out| native::people(&ctx, out)),
            )
        }
        Job::SitemapPart(part) if t.native("sitemap.xml") => {
            let ctx = c::sitemap(sh, part);
            // Room for every entry (~100 bytes each: no copy of a megabyte on the way).
            let room = ctx
                .urls
                .iter()
                .map(|u| u.loc.len() + u.lastmod.as_ref().map_or(0, |m| m.len() + 19) + 24)
                .sum::<usize>()
                + 160;
            t.page_by(sink, "sitemap.xml", part.path(), &ctx, |path| {
                t.render_native("sitemap.xml", path, room, |out| native::sitemap(&ctx, out))
            })
        }
        Job::NotFound if t.native("404.html") => {
            let ctx = c::not_found(sh);
            t.page_by(sink, "404.html", "404.html".into(), &ctx, |path| {
                t.render_native("404.html", path, 4 << 10, |out| {
                    native::not_found(&ctx, out)
                })
            })
        }
        Job::Home => t.page(
            sink,
            "index.html",
            "index.html".into(),
            &c::home(sh, t.by_index("index.html")),
            32 << 10,
        ),
        Job::Article(i) if t.native("article.html") && sh.site.articles[i].template.is_none() => {
            let a = &sh.site.articles[i];
            let ctx = c::article(sh, i, true);
            let hint = a.body.len() + (6 << 10) + ctx.related.len() * (CARD_BYTES / 2);
            t.page_by(
                sink,
                "article.html",
                links::index_of(&a.url),
                &ctx,
                |path| {
                    t.render_native("article.html", path, hint, |out| {
                        native::article(&ctx, &t.card_fn, out)
                    })
                },
            )
        }
        Job::Day(i) if t.native("day.html") => {
            let ctx = c::day(sh, i, true);
            let hint = (8 << 10) + ctx.day.count * CARD_BYTES;
            t.page_by(
                sink,
                "day.html",
                links::index_of(&ctx.page.dir),
                &ctx,
                |path| {
                    t.render_native("day.html", path, hint, |out| {
                        native::day(&ctx, &t.card_fn, out)
                    })
                },
            )
        }
        Job::Article(i) => {
            let a = &sh.site.articles[i];
            let name = a.template.as_deref().unwrap_or("article.html");
            t.page(
                sink,
                name,
                links::index_of(&a.url),
                &c::article(sh, i, t.by_index(name)),
                a.body.len() + (8 << 10),
            )
        }
        Job::Day(i) => {
            let ctx = c::day(sh, i, t.by_index("day.html"));
            let hint = (8 << 10) + ctx.day.count * CARD_BYTES;
            t.page(sink, "day.html", links::index_of(&ctx.page.dir), &ctx, hint)
        }
        Job::Month(i) if t.native("month.html") => {
            let ctx = c::month(sh, i, true);
            let hint = (16 << 10) + ctx.count * CARD_BYTES;
            t.page_by(
                sink,
                "month.html",
                links::index_of(&ctx.page.dir),
                &ctx,
                |path| {
                    t.render_native("month.html", path, hint, |out| {
                        native::month(&ctx, &t.card_fn, out)
                    })
                },
            )
        }
        Job::Person(i, n) if t.native("person.html") => {
            let ctx = c::person(sh, i, n, true);
            let hint = (12 << 10) + ctx.articles.len() * CARD_BYTES;
            t.page_by(
                sink,
                "person.html",
                links::index_of(&ctx.page.dir),
                &ctx,
                |path| {
                    t.render_native("person.html", path, hint, |out| {
                        native::person(&ctx, &t.card_fn, out)
                    })
                },
            )
        }
        Job::Month(i) => {
            let ctx = c::month(sh, i, t.by_index("month.html"));
            let hint = (16 << 10) + ctx.count * CARD_BYTES;
            t.page(
                sink,
                "month.html",
                links::index_of(&ctx.page.dir),
                &ctx,
                hint,
            )
        }
        Job::Year(i) => {
            let ctx = c::year(sh, i);
            t.page(
                sink,
                "year.html",
                links::index_of(&ctx.page.dir),
                &ctx,
                8 << 10,
            )
        }
        Job::Archive => {
            let ctx = c::archive(sh);
            t.page(
                sink,
                "archive.html",
                links::index_of(&ctx.page.dir),
                &ctx,
                16 << 10,
            )
        }
        Job::People => {
            let ctx = c::people(sh);
            let hint = (8 << 10) + ctx.count * 128;
            t.page(
                sink,
                "people.html",
                links::index_of(&ctx.page.dir),
                &ctx,
                hint,
            )
        }
        Job::Person(i, n) => {
            let ctx = c::person(sh, i, n, t.by_index("person.html"));
            let hint = (12 << 10) + ctx.articles.len() * CARD_BYTES;
            t.page(
                sink,
                "person.html",
                links::index_of(&ctx.page.dir),
                &ctx,
                hint,
            )
        }
        Job::PersonFeed(_) | Job::Feed if t.native("atom.xml") => {
            let (ctx, path, hint) = match job {
                Job::PersonFeed(i) => (
                    c::person_feed(sh, i),
                    format!("{}atom.xml", sh.site.people[i].url),
                    32 << 10,
                ),
                _ => (c::site_feed(sh), "atom.xml".to_string(), 64 << 10),
            };
            t.page_by(sink, "atom.xml", path, &ctx, |path| {
                t.render_native("atom.xml", path, hint, |out| native::feed(&ctx, out))
            })
        }
        Job::PersonFeed(i) => {
            let ctx = c::person_feed(sh, i);
            let path = format!("{}atom.xml", sh.site.people[i].url);
            t.page(sink, "atom.xml", path, &ctx, 32 << 10)
        }
        Job::Feed => t.page(
            sink,
            "atom.xml",
            "atom.xml".into(),
            &c::site_feed(sh),
            64 << 10,
        ),
        Job::SitemapPart(part) => t.page(
            sink,
            "sitemap.xml",
            part.path(),
            &c::sitemap(sh, part),
            128 << 10,
        ),
        Job::SitemapIndex => t.page(
            sink,
            "sitemap-index.xml",
            "sitemap.xml".into(),
            &c::sitemap_index(sh),
            4 << 10,
        ),
        Job::NotFound => t.page(
            sink,
            "404.html",
            "404.html".into(),
            &c::not_found(sh),
            4 << 10,
        ),
        Job::Style => sink
            .put("style.css", None, t.style.clone())
            .map_err(|e| write_error(sink, e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_covers_quotes_and_drops_controls() {
        assert_eq!(
            escape("<a href=\"x\">'&'</a>\u{1}"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
        assert_eq!(escape("Київ\u{fffe}\u{7f} «мир»\u{ffff}"), "Київ «мир»");
        // Noncharacters U+FDD0..U+FDEF go too; the cards' escape keeps the one it is told to.
        assert_eq!(
            escape("а\u{fdd0}б\u{fdef}в\u{fdcf}\u{fdf0}"),
            "абв\u{fdcf}\u{fdf0}"
        );
        assert_eq!(
            escape_keeping("а\u{fdd0}б\u{fdd1}<", Some('\u{fdd0}')),
            "а\u{fdd0}б&lt;"
        );
        assert_eq!(escape("\t\n\r"), "\t\n\r");
        assert_eq!(escape(""), "");
    }

    /// The table-driven escape against a plain one, character by character.
    fn escape_reference(input: &str, keep: Option<char>) -> String {
        let mut out = String::new();
        for c in input.chars() {
            match c {
                '&' => out.push_str("&amp;"),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '"' => out.push_str("&quot;"),
                '\'' => out.push_str("&#39;"),
                '\t' | '\n' | '\r' => out.push(c),
                '\u{0}'..='\u{1f}' | '\u{7f}' | '\u{fffe}' | '\u{ffff}' => {}
                '\u{fdd0}'..='\u{fdef}' if Some(c) != keep => {}
                c => out.push(c),
            }
        }
        out
    }

    proptest::proptest! {
        #[test]
        fn escape_matches_the_plain_escape(
            s in "[a-zа-яї &<>\"'\t\n\r\u{1}\u{1f}\u{7f}\u{fdd0}\u{fdcf}\u{fdef}\u{fdf0}\u{fffe}\u{ffff}\u{fffd}\u{efbf}]{0,40}"
        ) {
            proptest::prop_assert_eq!(escape(&s), escape_reference(&s, None));
            proptest::prop_assert_eq!(
                escape_keeping(&s, Some(cards::ROOT_CHAR)),
                escape_reference(&s, Some(cards::ROOT_CHAR))
            );
        }
    }

    #[test]
    fn built_in_templates_compile() {
        let t = Templates::load(Path::new("/nonexistent-litopys-root"));
        assert!(t.is_ok(), "{:?}", t.err());
    }
}
