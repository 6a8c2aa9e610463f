//! The site model: every article of `content/articles/*.md`, the people named in them and the
//! date index, built once by [`Site::load`] and then only read by the renderers.
//!
//! - Articles are sorted newest first (date descending, then title, then file path), so an
//!   article's index is its position in every list. Each has a URL `YYYY/MM/DD/<slug>/`: the
//!   slug is the front matter's `slug` or the KMU 2010 transliteration of the title ([`translit`]),
//!   at most [`ARTICLE_SLUG_MAX`] bytes; slugs that collide on the same day get `-2`, `-3`, …
//!   (articles with an explicit `slug` claim first, then in file-name order).
//! - People are keyed by canonical name after the registry's aliases and ignores and the
//!   site-wide merge ([`crate::people::site_merge`]); they are sorted in Ukrainian alphabetical
//!   order by surname ([`collate`]), so a person's index is its place in the people index.
//!   Slugs come from the registry or the transliterated name; collisions get `-2`, `-3`, ….
//! - Days, months and years that have articles, newest first.
//!
//! Every index is built in one pass over the articles with hash maps; nothing is quadratic in
//! the number of articles.

pub mod body;
pub mod cache;
pub mod collate;
mod fmcode;
pub mod listing;
pub mod snapshot;
pub mod stamps;
pub mod translit;

use crate::config::Config;
use crate::date::Date;
use crate::people::Registry;
pub use body::Body;
use collate::IndexKey;
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

/// Longest article slug, in bytes.
pub const ARTICLE_SLUG_MAX: usize = 60;
/// Longest person slug, in bytes.
pub const PERSON_SLUG_MAX: usize = 80;
/// How many co-mentioned people a person keeps.
pub const CO_MENTIONS_MAX: usize = 12;
/// How many related articles an article keeps.
pub const RELATED_MAX: usize = 5;
/// How far (in a person's article list) related articles are looked for, each way.
const RELATED_WINDOW: usize = 30;

/// An error found while loading or rendering the site, with its file (the site root joined
/// with the file's path) and line.
#[derive(Debug, Clone)]
pub struct SiteError {
    pub file: PathBuf,
    pub line: Option<usize>,
    pub message: String,
}

impl std::fmt::Display for SiteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(l) => write!(f, "{}:{}: {}", self.file.display(), l, self.message),
            None => write!(f, "{}: {}", self.file.display(), self.message),
        }
    }
}

/// One article.
#[derive(Debug, Clone)]
pub struct Article {
    /// The Markdown file, relative to the site root (`content/articles/x.md`).
    pub file: PathBuf,
    pub title: String,
    pub date: Date,
    /// The lede.
    pub summary: String,
    /// `uk` or `en`.
    pub language: String,
    /// The body rendered from Markdown (the only HTML inserted unescaped); read from the cache
    /// when a page needs it.
    pub body: Body,
    /// Indices into [`Site::people`], in the front matter's order, without repeats.
    pub people: Vec<usize>,
    pub slug: String,
    /// `YYYY/MM/DD/<slug>/`, relative to the site root.
    pub url: String,
    /// The page template named in the front matter (checked when rendering).
    pub template: Option<String>,
    /// Articles sharing the most people with this one (indices), best first: see
    /// [`Site::related`], which fills it when a page first asks.
    pub related: std::sync::OnceLock<Vec<usize>>,
    /// The digest ([`crate::hash`]) of the file's bytes and `allow_html` ([`cache::digest`]): `body` and the
    /// front matter are functions of it.
    pub digest: crate::hash::Digest,
}

/// A person's latest role and the date of the article it is from (none: from the registry).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct RoleAt {
    pub role: String,
    pub date: Option<Date>,
}

/// Mentions of a person in one month.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct MonthCount {
    pub year: i32,
    pub month: u32,
    pub count: usize,
}

/// One person.
#[derive(Debug, Clone, Hash)]
pub struct Person {
    /// The canonical name.
    pub name: String,
    pub slug: String,
    /// `people/<slug>/`, relative to the site root.
    pub url: String,
    /// Indices of the person's articles, newest first.
    pub articles: Vec<usize>,
    /// How many names in front matter (after aliases and merging) point at the person; more
    /// than `articles.len()` when one article names them twice, e.g. «Буданов» and «Кирило
    /// Буданов» before the merge.
    pub mentions: usize,
    /// Articles per month, oldest month first.
    pub months: Vec<MonthCount>,
    /// (person index, articles shared), most shared first, at most [`CO_MENTIONS_MAX`].
    pub co_mentions: Vec<(usize, usize)>,
    pub first: Date,
    pub last: Date,
    pub role: Option<RoleAt>,
    pub description: Option<String>,
    /// Other spellings that were mapped to this person (registry aliases, site merge).
    pub forms: Vec<String>,
    pub key: IndexKey,
    /// The letter of the people index the person is listed under.
    pub letter: String,
}

/// A day with articles.
#[derive(Debug, Clone, Hash)]
pub struct Day {
    pub date: Date,
    /// Article indices in site order.
    pub articles: Vec<usize>,
}

/// A month with articles.
#[derive(Debug, Clone, Default, Hash)]
pub struct Month {
    pub year: i32,
    pub month: u32,
    /// Indices into [`Site::days`], newest first.
    pub days: Vec<usize>,
    pub count: usize,
}

/// A year with articles.
#[derive(Debug, Clone, Default, Hash)]
pub struct Year {
    pub year: i32,
    /// Indices into [`Site::months`], newest first.
    pub months: Vec<usize>,
    pub count: usize,
}

/// Everything the renderers need, built once.
#[derive(Debug, Default)]
pub struct Site {
    pub root: PathBuf,
    pub config: Config,
    /// Newest first.
    pub articles: Vec<Article>,
    /// In Ukrainian alphabetical order of [`Person::key`].
    pub people: Vec<Person>,
    /// Newest first.
    pub days: Vec<Day>,
    /// Newest first.
    pub months: Vec<Month>,
    /// Newest first.
    pub years: Vec<Year>,
    /// Each article's day ([`Date::days_since_epoch`]), made for [`Site::related`] when first
    /// needed.
    pub day_of: std::sync::OnceLock<Vec<i64>>,
}

/// Articles parsed at a time while the ones before them are written to a cache written anew
/// ([`cache::Rewriter`]).
const WRITTEN_RUN: usize = 2048;

/// What one file gives before the site-wide passes.
struct Parsed {
    file: PathBuf,
    fm: crate::content::FrontMatter,
    /// The article's slug before it is made unique ([`base_slug`]); kept in the cache.
    base: BaseSlug,
    body: Body,
    digest: crate::hash::Digest,
    /// [`snapshot::fm_digest`] of the front matter and base slug (none when too big for the
    /// parse cache).
    fm_digest: Option<crate::hash::Digest>,
    /// Parsed now (not found in the cache).
    fresh: bool,
}

/// An article's slug before it is made unique on its day: its own `slug:` made safe when it
/// gives one (`explicit`), else one made from its title.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BaseSlug {
    pub explicit: bool,
    pub slug: String,
}

/// The [`BaseSlug`] of an article with front matter `fm` (transliterating a title costs
/// ~8,000 instructions: it is done when the file is parsed, and cached with it).
fn base_slug(fm: &crate::content::FrontMatter) -> BaseSlug {
    let explicit = translit::short_slug(fm.slug.as_deref().unwrap_or(""), ARTICLE_SLUG_MAX);
    if explicit.is_empty() {
        BaseSlug {
            explicit: false,
            slug: translit::slug_or_hash(&fm.title, ARTICLE_SLUG_MAX),
        }
    } else {
        BaseSlug {
            explicit: true,
            slug: explicit,
        }
    }
}

/// `path` relative to `root`, as [`Path::strip_prefix`] gives it (`path` itself if it is not
/// under `root`). Paths made by joining names onto `root` are cut by comparing bytes first:
/// `strip_prefix` parses both into components, which costs more than reading the file's
/// stamp (three times per article per build).
pub fn relative_to<'a>(path: &'a Path, root: &Path) -> &'a Path {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let (p, r) = (path.as_os_str().as_bytes(), root.as_os_str().as_bytes());
        if let Some(rest) = p.strip_prefix(r).and_then(|rest| rest.strip_prefix(b"/")) {
            // What component parsing would change (empty or `.` components, a trailing
            // separator) is left to it.
            // That is: no component of `rest` is empty or `.`.
            let plain = !r.is_empty()
                && !r.ends_with(b"/")
                && rest
                    .split(|&b| b == b'/')
                    .all(|c| !c.is_empty() && c != b".");
            if plain {
                return Path::new(std::ffi::OsStr::from_bytes(rest));
            }
        }
    }
    path.strip_prefix(root).unwrap_or(path)
}

fn read_article(
    root: &Path,
    path: &Path,
    allow_html: bool,
    cache: Option<&std::sync::Mutex<cache::Cache>>,
    known: Option<crate::hash::Digest>,
) -> Result<Parsed, SiteError> {
    let rel = relative_to(path, root);
    // The cached record of a digest, if any.
    let cached = |digest: crate::hash::Digest| {
        // Taken under the lock, decoded outside it.
        let taken = cache?.lock().ok()?.take(&digest, path, allow_html)?;
        let fm_digest = taken.fm_digest();
        let c = taken.decode()?;
        Some(Parsed {
            file: rel.to_path_buf(),
            fm: c.fm,
            base: c.base,
            body: c.body,
            digest,
            fm_digest,
            fresh: false,
        })
    };
    // A file this build already read is not read again when the cache has its digest.
    if let Some(p) = known.and_then(cached) {
        return Ok(p);
    }
    let bytes = std::fs::read(path).map_err(|e| SiteError {
        file: path.to_path_buf(),
        line: None,
        message: format!("cannot read: {e}"),
    })?;
    let digest = cache::digest(&bytes, allow_html);
    if let Some(p) = cached(digest) {
        return Ok(p);
    }
    // SIMD validation (several times faster than the standard library's on Cyrillic text);
    // the standard library finds where a bad file goes wrong.
    let text = simdutf8::basic::from_utf8(&bytes).map_err(|_| SiteError {
        file: path.to_path_buf(),
        line: None,
        message: format!(
            "cannot read: stream did not contain valid UTF-8 (byte {})",
            std::str::from_utf8(&bytes)
                .err()
                .map_or(0, |e| e.valid_up_to())
        ),
    })?;
    let (fm, body) = crate::content::parse(text).map_err(|e| SiteError {
        file: path.to_path_buf(),
        line: Some(e.line),
        message: e.message,
    })?;
    let body = Body::from(crate::content::markdown_to_html(&body, allow_html));
    let base = base_slug(&fm);
    Ok(Parsed {
        file: rel.to_path_buf(),
        fm_digest: snapshot::fm_digest_of(&fm, &base),
        base,
        fm,
        body,
        digest,
        fresh: true,
    })
}

/// NFC, whitespace collapsed to single spaces.
fn tidy(name: &str) -> String {
    // The common case: already NFC, single spaces, nothing at either end.
    if crate::nfc::is_nfc(name)
        && !name.contains("  ")
        && !name.contains(|c: char| c.is_whitespace() && c != ' ')
        && name.trim() == name
    {
        return name.to_string();
    }
    let nfc = crate::nfc::to_nfc(name);
    nfc.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Maps names as written in front matter to canonical names: registry ignores and aliases,
/// then the site-wide merge, then aliases again.
struct NameMap<'a> {
    registry: &'a Registry,
    merged: HashMap<String, String>,
}

impl NameMap<'_> {
    fn first_pass(registry: &Registry, name: &str) -> Option<String> {
        let name = tidy(name);
        if registry.is_empty() {
            // Nothing to ignore or resolve (most sites): no look-up keys to make.
            return (!name.is_empty()).then_some(name);
        }
        if name.is_empty() || registry.is_ignored(&name) {
            return None;
        }
        Some(registry.resolve(&name).map(str::to_string).unwrap_or(name))
    }

    fn canonical(&self, name: &str) -> Option<String> {
        let mut n = Self::first_pass(self.registry, name)?;
        // Follow merges a few steps (a chain is possible; a cycle must not hang).
        for _ in 0..4 {
            match self.merged.get(&n) {
                Some(m) if *m != n => {
                    n = self
                        .registry
                        .resolve(m)
                        .map(str::to_string)
                        .unwrap_or_else(|| tidy(m));
                }
                _ => break,
            }
        }
        if n.is_empty() || self.registry.is_ignored(&n) {
            None
        } else {
            Some(n)
        }
    }
}

/// The article files of the site at `root` (`content/articles/*.md`, hidden files such as
/// editor locks skipped), in file-name order, and the errors met listing them.
pub fn article_files(root: &Path) -> (Vec<PathBuf>, Vec<SiteError>) {
    let dir = root.join("content").join("articles");
    let mut named: Vec<PathBuf> = Vec::with_capacity(1024);
    let mut errors: Vec<SiteError> = Vec::new();
    // Not hidden, so `x.md` has the extension `md` exactly when it ends so.
    let is_article = |name: &[u8]| !name.starts_with(b".") && name.ends_with(b".md");
    #[cfg(target_os = "linux")]
    if dir.is_dir() {
        // The names one after the other in one buffer, sorted, then each joined to the folder
        // once (no allocation per entry but its path).
        let mut names: Vec<u8> = Vec::with_capacity(64 << 10);
        let mut spans: Vec<std::ops::Range<usize>> = Vec::with_capacity(1024);
        let listed = crate::folder::Folder::open(&dir).regular_files(is_article, |name| {
            let at = names.len();
            names.extend_from_slice(name);
            spans.push(at..names.len());
        });
        if let Some(result) = listed {
            if let Err(e) = result {
                errors.push(SiteError {
                    file: dir.clone(),
                    line: None,
                    message: e.to_string(),
                });
            }
            let name = |span: &std::ops::Range<usize>| &names[span.clone()];
            spans.sort_unstable_by(|a, b| name(a).cmp(name(b)));
            let dir = dir.as_os_str().as_encoded_bytes();
            named.reserve_exact(spans.len());
            for span in &spans {
                let n = name(span);
                let mut path = Vec::with_capacity(dir.len() + 1 + n.len());
                path.extend_from_slice(dir);
                path.push(b'/');
                path.extend_from_slice(n);
                named.push(PathBuf::from(
                    <std::ffi::OsString as std::os::unix::ffi::OsStringExt>::from_vec(path),
                ));
            }
            return (named, errors);
        }
    }
    if dir.is_dir() {
        // One level: the folder read directly (the entry's type comes with its name on most
        // file systems, so nothing is stat'ed here). Sorted below by name, each name taken
        // once.
        let error = |file: &Path, e: std::io::Error| SiteError {
            file: file.to_path_buf(),
            line: None,
            message: e.to_string(),
        };
        match std::fs::read_dir(&dir) {
            Ok(entries) => {
                for entry in entries {
                    let e = match entry {
                        Ok(e) => e,
                        Err(e) => {
                            errors.push(error(&dir, e));
                            continue;
                        }
                    };
                    // The path is the only copy of the name made (one allocation an entry).
                    let path = e.path();
                    if !is_article(path.file_name().unwrap_or_default().as_encoded_bytes()) {
                        continue;
                    }
                    // The entry's own type: a symlink is not an article file.
                    let is_file = match e.file_type() {
                        Ok(t) => t.is_file(),
                        Err(err) => {
                            errors.push(error(&path, err));
                            continue;
                        }
                    };
                    if is_file {
                        named.push(path);
                    }
                }
            }
            Err(e) => errors.push(error(&dir, e)),
        }
    }
    // Every path is the folder's path and a name: their bytes are in the names' order.
    named.sort_unstable_by(|a, b| {
        a.as_os_str()
            .as_encoded_bytes()
            .cmp(b.as_os_str().as_encoded_bytes())
    });
    (named, errors)
}

/// A site's article files, listed once for a build ([`article_files`]), and its cache of parsed
/// articles ([`cache`]), opened side by side; what [`Site::load_cached`] loads from.
pub struct Sources {
    paths: Vec<PathBuf>,
    errors: Vec<SiteError>,
    cache: cache::Cache,
}

impl Sources {
    /// Lists the article files of the site at `root`, then reads its parse cache while `with`
    /// runs on the list (the files in file-name order; none when some could not be listed).
    pub fn read_with<T: Send>(
        root: &Path,
        allow_html: bool,
        with: impl FnOnce(Option<&[PathBuf]>) -> T + Send,
    ) -> (Sources, T) {
        // The listing the last build remembered, when the folder did not change since.
        let (paths, errors) = listing::article_files(root);
        let complete = errors.is_empty();
        // `with` (statting every file) is the longer: this thread starts it at once, and
        // the cache is read by the first thread free.
        let (t, cache) = rayon::join(
            || with(complete.then_some(paths.as_slice())),
            || cache::Cache::open(root, allow_html),
        );
        let sources = Sources {
            paths,
            errors,
            cache,
        };
        (sources, t)
    }
}

/// A site loaded through its caches ([`Site::load_cached`]).
pub struct Loaded {
    pub site: Site,
    /// The digest of every listed file as loaded, in the listing's order (a file edited since
    /// its digest was known shows here with another).
    pub digests: Vec<crate::hash::Digest>,
    /// The model's snapshot for the next build, to save once the pages are out
    /// ([`snapshot::Pending::save`]); none when there is nothing to save.
    pub snapshot: Option<snapshot::Pending>,
    /// What of the model was taken from the last build's [`snapshot`].
    pub reused: Reused,
}

/// What of a site's model a load took from the last build's [`snapshot`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reused {
    /// Nothing: the model was built from every article's front matter.
    Nothing,
    /// All of it (no front matter changed).
    Model,
    /// The articles and calendar; the people were resolved again (only articles' people or
    /// roles changed).
    Articles,
}

impl Site {
    /// Loads `content/articles/*.md` (and the registry) under `root`; collects every error.
    pub fn load(root: &Path, config: &Config, registry: &Registry) -> Result<Site, Vec<SiteError>> {
        let (paths, errors) = article_files(root);
        Self::load_with(root, config, registry, paths, errors, None, None).map(|l| l.site)
    }

    /// [`Site::load`] through the cache of parsed articles ([`cache`]): only files whose bytes
    /// are not in it are parsed, and the cache is updated. `known` gives, by place in the
    /// listing, the digest of listed files known earlier in the build: such a file is taken
    /// from the cache by that digest without reading it again. When no article's front
    /// matter changed since the last build but in its people and roles, the model is taken
    /// (whole, or its articles) from that build's [`snapshot`].
    ///
    /// `sources` must have been read from the same `root` with the same `allow_html`.
    pub fn load_cached(
        root: &Path,
        config: &Config,
        registry: &Registry,
        sources: Sources,
        known: Option<&[Option<crate::hash::Digest>]>,
    ) -> Result<Loaded, Vec<SiteError>> {
        let Sources {
            paths,
            errors,
            cache,
        } = sources;
        // Digests by place in the listing, so only for the listing they were read from.
        let known = known.filter(|k| k.len() == paths.len());
        Self::load_with(root, config, registry, paths, errors, Some(cache), known)
    }

    fn load_with(
        root: &Path,
        config: &Config,
        registry: &Registry,
        paths: Vec<PathBuf>,
        mut errors: Vec<SiteError>,
        cache: Option<cache::Cache>,
        known: Option<&[Option<crate::hash::Digest>]>,
    ) -> Result<Loaded, Vec<SiteError>> {
        // Without a usable cache, the cache is written anew as the articles are parsed.
        let mut rewriter = cache.as_ref().and_then(cache::Cache::rewriter);
        // The snapshot's key, with a cache (whose fingerprint stands for the code).
        let key = cache
            .as_ref()
            .map(|c| snapshot::key(root, c.fingerprint(), registry));
        let cache = cache.map(std::sync::Mutex::new);
        if let (Some(c), Some(key), Some(known), true) = (&cache, key, known, errors.is_empty()) {
            if let Some(done) = from_snapshot(root, config, registry, &paths, c, key, known) {
                let FromSnapshot {
                    mut site,
                    digests,
                    changed,
                    pending,
                } = done;
                // The files read are recorded in the cache, then their bodies put in place.
                let (at, mut parsed): (Vec<usize>, Vec<Parsed>) = changed.into_iter().unzip();
                if let Some(c) = cache.and_then(|c| c.into_inner().ok()) {
                    c.store_some(root, &mut parsed);
                }
                for (k, p) in at.into_iter().zip(parsed) {
                    site.articles[k].body = p.body;
                }
                return Ok(Loaded {
                    site,
                    digests,
                    reused: if pending.resolves_people() {
                        Reused::Articles
                    } else {
                        Reused::Model
                    },
                    snapshot: Some(pending),
                });
            }
        }
        let read = |i: usize, p: &PathBuf| {
            let known = known.and_then(|k| k.get(i)).copied().flatten();
            read_article(root, p, config.allow_html, cache.as_ref(), known)
        };
        let mut parsed = Vec::with_capacity(paths.len());
        // Written anew, the cache takes a run of articles while the next run is parsed, so that
        // only the bodies held in memory anyway are there once written ([`cache::Rewriter`]);
        // otherwise all are parsed in one run.
        let run = match rewriter {
            Some(_) => WRITTEN_RUN,
            None => paths.len().max(1),
        };
        let mut written = 0;
        for (k, chunk) in paths.chunks(run).enumerate() {
            let (results, ()) = rayon::join(
                || -> Vec<Result<Parsed, SiteError>> {
                    chunk
                        .par_iter()
                        .enumerate()
                        .map(|(j, p)| read(k * run + j, p))
                        .collect()
                },
                || {
                    if let Some(w) = &mut rewriter {
                        w.write(root, &mut parsed[written..]);
                    }
                },
            );
            written = parsed.len();
            for r in results {
                match r {
                    Ok(p) => parsed.push(p),
                    Err(e) => errors.push(e),
                }
            }
        }
        if let Some(w) = &mut rewriter {
            w.write(root, &mut parsed[written..]);
        }
        // (Only used when every file loaded, so in the listing's order.)
        let digests = parsed.iter().map(|p| p.digest).collect();
        let fms: Vec<Option<crate::hash::Digest>> = parsed.iter().map(|p| p.fm_digest).collect();
        match (rewriter, cache.and_then(|c| c.into_inner().ok())) {
            (Some(w), _) => w.finish(),
            (None, Some(cache)) => cache.store(root, &mut parsed),
            (None, None) => {}
        }
        let (site, file_rank, named) = build_model(root, config, registry, parsed, &mut errors);
        if !errors.is_empty() {
            return Err(errors);
        }
        // The snapshot's heads, in the site's order.
        let heads: Option<Vec<snapshot::Head>> = file_rank
            .iter()
            .zip(&site.articles)
            .map(|(&rank, a)| {
                Some(snapshot::Head {
                    rank: u32::try_from(rank).ok()?,
                    digest: a.digest,
                    fm: (*fms.get(rank)?)?,
                })
            })
            .collect();
        let snapshot = key
            .zip(heads)
            .map(|(key, heads)| snapshot::Pending::new(key, heads, None, Some(named)));
        Ok(Loaded {
            site,
            digests,
            snapshot,
            reused: Reused::Nothing,
        })
    }

    /// The site at `root` of these articles, people and calendar (days, months, years).
    fn of(
        root: &Path,
        config: &Config,
        articles: Vec<Article>,
        people: Vec<Person>,
        (days, months, years): (Vec<Day>, Vec<Month>, Vec<Year>),
    ) -> Site {
        Site {
            root: root.to_path_buf(),
            config: config.clone(),
            articles,
            people,
            days,
            months,
            years,
            day_of: std::sync::OnceLock::new(),
        }
    }

    pub fn article_count(&self) -> usize {
        self.articles.len()
    }

    pub fn person_count(&self) -> usize {
        self.people.len()
    }

    /// Up to [`RELATED_MAX`] articles sharing people with article `ai` (indices), best first.
    /// Found when first asked (a rebuild renders few article pages), then remembered; the
    /// answer depends only on the articles' people and dates and the people's article lists.
    pub fn related(&self, ai: usize) -> &[usize] {
        thread_local! {
            static SCRATCH: std::cell::RefCell<RelatedScratch> =
                std::cell::RefCell::new(RelatedScratch::default());
        }
        let Some(a) = self.articles.get(ai) else {
            return &[];
        };
        a.related.get_or_init(|| {
            // Each article's day, in one small array: the candidates are read at random.
            let day_of = self.day_of.get_or_init(|| {
                self.articles
                    .iter()
                    .map(|a| a.date.days_since_epoch())
                    .collect()
            });
            SCRATCH.with(|s| {
                related_articles(ai, &a.people, day_of, &self.people, &mut s.borrow_mut())
            })
        })
    }
}

/// A site loaded from its [`snapshot`] ([`from_snapshot`]).
struct FromSnapshot {
    /// The model, without the bodies of the files read.
    site: Site,
    /// Every listed file's digest, in the listing's order.
    digests: Vec<crate::hash::Digest>,
    /// The files read (their digests were not the snapshot's), each with its article's index.
    changed: Vec<(usize, Parsed)>,
    pending: snapshot::Pending,
}

/// The site of `paths` (the listing, complete) from the snapshot made for `key`, when there is
/// one for these names and every file whose digest (`known`, by place in the listing) is not
/// the snapshot's has the front matter and base slug it recorded, or a front matter that
/// differs from the one it had (as the parse cache still has it) only in its people and
/// roles (the people are then resolved again from the snapshot's names as written, the
/// articles and calendar taken as they are); none otherwise. The bodies of the files not read
/// are taken from `cache`, which must have them all; the files read are given back parsed,
/// for their bodies to be put in place once the cache has them.
fn from_snapshot(
    root: &Path,
    config: &Config,
    registry: &Registry,
    paths: &[PathBuf],
    cache: &std::sync::Mutex<cache::Cache>,
    key: crate::hash::Digest,
    known: &[Option<crate::hash::Digest>],
) -> Option<FromSnapshot> {
    if known.len() != paths.len() || !cache.lock().ok()?.is_valid() {
        return None;
    }
    let names = snapshot::names_digest(paths.iter().map(|p| relative_to(p, root)));
    let snap = snapshot::Snapshot::open(root, &key, &names)?;
    let heads = snap.heads();
    if heads.len() != paths.len() {
        return None;
    }
    // The article (its index in the site) of each place in the listing.
    let mut site_of = vec![0usize; heads.len()];
    for (k, h) in heads.iter().enumerate() {
        site_of[h.rank as usize] = k;
    }
    let mut changed = Vec::new();
    let mut read = vec![false; heads.len()];
    let mut digests = Vec::with_capacity(paths.len());
    // Whether some article's people or roles changed.
    let mut renamed = false;
    for (i, p) in paths.iter().enumerate() {
        let k = site_of[i];
        if known[i] == Some(heads[k].digest) {
            digests.push(heads[k].digest);
            continue;
        }
        let parsed = read_article(root, p, config.allow_html, Some(cache), known[i]).ok()?;
        if parsed.fm_digest != Some(heads[k].fm) {
            let before = cache.lock().ok()?.peek(&heads[k].digest)?;
            if !same_but_people(&before, &parsed.fm) {
                return None;
            }
            renamed = true;
        }
        digests.push(parsed.digest);
        read[k] = true;
        changed.push((k, parsed));
    }
    let snapshot::Articles {
        mut articles,
        days,
        months,
        years,
    } = snap.articles(root)?;
    // The people: the snapshot's, or resolved again with the changed articles' names.
    let (people, named) = if renamed {
        let named = snap.named(root)?.edit(
            changed
                .iter()
                .map(|(k, p)| (*k, p.fm.people.as_slice(), p.fm.roles.clone())),
        )?;
        let (mut people, article_people, roles) = resolve_people(registry, &named);
        for (a, list) in articles.iter_mut().zip(article_people) {
            a.people = list;
        }
        fill_people(registry, &mut people, &articles, &roles);
        (people, Some(named))
    } else {
        let (article_people, people) = snap.people(root)?;
        for (a, list) in articles.iter_mut().zip(article_people) {
            a.people = list;
        }
        (people, None)
    };
    let mut c = cache.lock().ok()?;
    for (k, a) in articles.iter_mut().enumerate() {
        if !read[k] {
            // (A record given stays in the cache: should one be missing, the full load
            // that follows still finds the others.)
            a.body = c.body(&a.digest, root.join(&a.file))?;
        }
    }
    drop(c);
    let mut new_heads = heads.to_vec();
    for (k, p) in &changed {
        articles[*k].digest = p.digest;
        new_heads[*k].digest = p.digest;
        new_heads[*k].fm = p.fm_digest?;
    }
    let site = Site::of(root, config, articles, people, (days, months, years));
    Some(FromSnapshot {
        site,
        digests,
        changed,
        pending: snapshot::Pending::new(key, new_heads, Some(snap), named),
    })
}

/// Whether front matter `after` says what `before` did of everything but the people and their
/// roles that the model is made of (so the articles, their order, links and calendar are
/// the same); what it says of the article's source is not in the model.
fn same_but_people(
    before: &crate::content::FrontMatter,
    after: &crate::content::FrontMatter,
) -> bool {
    // Every field by name: a field added to the front matter fails to compile here until
    // it is placed.
    let crate::content::FrontMatter {
        title,
        date,
        date_source: _,
        people: _,
        roles: _,
        summary,
        source: _,
        source_sha256: _,
        language,
        slug,
        template,
    } = before;
    *title == after.title
        && *date == after.date
        && *summary == after.summary
        && *language == after.language
        && *slug == after.slug
        && *template == after.template
}

/// Builds the model from parsed files (in file-name order); also gives, for each article of
/// the site, its file's place in that order, and what the people were resolved from.
fn build_model(
    root: &Path,
    config: &Config,
    registry: &Registry,
    parsed: Vec<Parsed>,
    errors: &mut Vec<SiteError>,
) -> (Site, Vec<usize>, snapshot::Named) {
    // Newest first; ties by title, then file: deterministic. `parsed` is in file-name order,
    // so an article's position in it stands for its file name. The order is found on indices
    // (moving the articles themselves at every step of the sort cost more than comparing).
    // The order is total (the index breaks ties), so an unstable parallel sort gives it.
    let mut order: Vec<usize> = (0..parsed.len()).collect();
    order.par_sort_unstable_by(|&a, &b| {
        let (pa, pb) = (&parsed[a].fm, &parsed[b].fm);
        pb.date
            .cmp(&pa.date)
            .then_with(|| pa.title.cmp(&pb.title))
            .then_with(|| a.cmp(&b))
    });
    let mut parsed = parsed;
    permute(&mut parsed, &order);
    // Each article's position in file-name order, for the tie-breaks below.
    let file_rank = order;

    // The names as written and the roles, taken out of the front matter.
    let roles = parsed
        .iter_mut()
        .map(|p| std::mem::take(&mut p.fm.roles))
        .collect();
    let named = snapshot::Named::of(parsed.iter().map(|p| p.fm.people.as_slice()), roles);
    let (mut people, article_people, roles) = resolve_people(registry, &named);

    // Articles, with person indices, and their base slugs.
    // The base slugs taken out first, then each parsed article made into its `Article` in
    // the same memory (a collect from the list's own iterator reuses its allocation): no
    // second list of ~3 MB at 10,000 articles for the system to zero.
    let bases: Vec<BaseSlug> = parsed
        .iter_mut()
        .map(|p| std::mem::take(&mut p.base))
        .collect();
    let mut articles: Vec<Article> = parsed
        .into_iter()
        .zip(article_people)
        .map(|(p, people)| Article {
            file: p.file,
            title: p.fm.title,
            date: p.fm.date,
            summary: p.fm.summary,
            language: p.fm.language,
            body: p.body,
            people,
            slug: p.fm.slug.unwrap_or_default(),
            url: String::new(),
            template: p.fm.template,
            related: std::sync::OnceLock::new(),
            digest: p.digest,
        })
        .collect();
    assign_article_urls(root, &mut articles, bases, &file_rank, errors);
    let calendar = calendar(&articles);
    fill_people(registry, &mut people, &articles, &roles);
    let site = Site::of(root, config, articles, people, calendar);
    (site, file_rank, named)
}

/// The people of articles named as `named` says (in the site's order): registry first pass,
/// then the site-wide merge. Gives the people (without their article lists and what comes of
/// them, [`fill_people`]), each article's people (indices, in the front matter's order,
/// without repeats) and each article's roles (person index, role).
#[allow(clippy::type_complexity)]
fn resolve_people(
    registry: &Registry,
    named: &snapshot::Named,
) -> (Vec<Person>, Vec<Vec<usize>>, Vec<Vec<(usize, String)>>) {
    // A site names each person in many articles, so every name as written is numbered once
    // (in first-seen order) and resolved once (in parallel); articles hold the numbers.
    let written = &named.written;
    let first_of: Vec<Option<String>> = written
        .par_iter()
        .map(|n| NameMap::first_pass(registry, n))
        .collect();
    // The merge looks only at the set of names (every name as written is in some article).
    let first: Vec<String> = first_of.into_iter().flatten().collect();
    let names = NameMap {
        registry,
        merged: crate::people::site_merge(std::slice::from_ref(&first)),
    };

    // Canonical names: (tidied name as written, canonical name) per name as written; the
    // canonical names numbered in first-seen order.
    let canonical_of: Vec<Option<(String, String)>> = written
        .par_iter()
        .map(|raw| names.canonical(raw).map(|c| (tidy(raw), c)))
        .collect();
    let mut canon_names: Vec<&str> = Vec::new();
    let mut canon_id: FxHashMap<&str, u32> = FxHashMap::default();
    let written_canon: Vec<Option<u32>> = canonical_of
        .iter()
        .map(|o| {
            o.as_ref().map(|(_, c)| {
                *canon_id.entry(c.as_str()).or_insert_with(|| {
                    canon_names.push(c.as_str());
                    (canon_names.len() - 1) as u32
                })
            })
        })
        .collect();
    // Other spellings of each canonical name: every name as written that maps to it.
    let mut forms: Vec<BTreeSet<&str>> = vec![BTreeSet::new(); canon_names.len()];
    for (o, c) in canonical_of.iter().zip(&written_canon) {
        if let (Some((raw, canonical)), Some(c)) = (o, c) {
            if raw != canonical {
                forms[*c as usize].insert(raw.as_str());
            }
        }
    }
    // Mentions per canonical name, and each article's canonical names without repeats.
    let mut mention_counts: Vec<usize> = vec![0; canon_names.len()];
    for ws in &named.articles {
        for &w in ws {
            if let Some(c) = written_canon[w as usize] {
                mention_counts[c as usize] += 1;
            }
        }
    }
    let article_canon: Vec<Vec<u32>> = named
        .articles
        .par_iter()
        .map(|ws| {
            let mut list: Vec<u32> = Vec::with_capacity(ws.len());
            for c in ws.iter().filter_map(|&w| written_canon[w as usize]) {
                if !list.contains(&c) {
                    list.push(c);
                }
            }
            list
        })
        .collect();

    // People in Ukrainian order (names are distinct, so the order is total).
    let mut keyed: Vec<(IndexKey, u32)> = (0..canon_names.len() as u32)
        .into_par_iter()
        .map(|c| (IndexKey::of(canon_names[c as usize]), c))
        .collect();
    keyed.par_sort_unstable_by(|a, b| {
        a.0.cmp_uk(&b.0)
            .then_with(|| canon_names[a.1 as usize].cmp(canon_names[b.1 as usize]))
    });
    // Person index of each canonical name.
    let mut person_of: Vec<usize> = vec![0; canon_names.len()];
    for (i, (_, c)) in keyed.iter().enumerate() {
        person_of[*c as usize] = i;
    }
    let mut people: Vec<Person> = keyed
        .into_par_iter()
        .map(|(key, c)| {
            let name = canon_names[c as usize];
            let reg = registry.person(name);
            Person {
                name: name.to_string(),
                mentions: mention_counts[c as usize],
                description: reg
                    .and_then(|r| r.description.clone())
                    .filter(|d| !d.trim().is_empty()),
                forms: forms[c as usize].iter().map(|s| s.to_string()).collect(),
                letter: key.letter(),
                key,
                slug: String::new(),
                url: String::new(),
                articles: Vec::new(),
                months: Vec::new(),
                co_mentions: Vec::new(),
                first: Date::from_unix(0),
                last: Date::from_unix(0),
                role: None,
            }
        })
        .collect();
    drop(forms);
    assign_person_slugs(&mut people, registry);

    // Roles (person index, role) per article.
    let roles: Vec<Vec<(usize, String)>> = named
        .roles
        .par_iter()
        .map(|roles| {
            roles
                .iter()
                .filter_map(|r| {
                    let c = names.canonical(&r.person)?;
                    let id = person_of[*canon_id.get(c.as_str())? as usize];
                    let role = tidy(&r.role);
                    (!role.is_empty()).then_some((id, role))
                })
                .collect()
        })
        .collect();
    let article_people = article_canon
        .into_iter()
        .map(|canon| canon.iter().map(|&c| person_of[c as usize]).collect())
        .collect();
    (people, article_people, roles)
}

/// The days, months and years of `articles` (newest first, as they are).
fn calendar(articles: &[Article]) -> (Vec<Day>, Vec<Month>, Vec<Year>) {
    let mut days: Vec<Day> = Vec::new();
    for (ai, a) in articles.iter().enumerate() {
        match days.last_mut() {
            Some(d) if d.date == a.date => d.articles.push(ai),
            _ => days.push(Day {
                date: a.date,
                articles: vec![ai],
            }),
        }
    }
    let mut month_list: Vec<Month> = Vec::new();
    for (di, d) in days.iter().enumerate() {
        match month_list.last_mut() {
            Some(m) if m.year == d.date.year && m.month == d.date.month => {
                m.days.push(di);
                m.count += d.articles.len();
            }
            _ => month_list.push(Month {
                year: d.date.year,
                month: d.date.month,
                days: vec![di],
                count: d.articles.len(),
            }),
        }
    }
    let mut years: Vec<Year> = Vec::new();
    for (mi, m) in month_list.iter().enumerate() {
        match years.last_mut() {
            Some(y) if y.year == m.year => {
                y.months.push(mi);
                y.count += m.count;
            }
            _ => years.push(Year {
                year: m.year,
                months: vec![mi],
                count: m.count,
            }),
        }
    }
    (days, month_list, years)
}

/// Fills what each person's entry says of their articles (`articles`, whose `people` are
/// indices into `people`; `roles` per article): the article list, first and last dates, the
/// latest role (else the registry's), articles per month, co-mentions.
fn fill_people(
    registry: &Registry,
    people: &mut [Person],
    articles: &[Article],
    roles: &[Vec<(usize, String)>],
) {
    // What the per-person pass below reads of each article, its date and its people, in two
    // small arrays: that pass jumps from article to article, and the articles themselves are
    // large.
    let mut dates: Vec<Date> = Vec::with_capacity(articles.len());
    let mut starts: Vec<usize> = Vec::with_capacity(articles.len() + 1);
    let mut people_of: Vec<usize> = Vec::with_capacity(articles.len() * 4);
    starts.push(0);
    for (ai, a) in articles.iter().enumerate() {
        dates.push(a.date);
        people_of.extend_from_slice(&a.people);
        starts.push(people_of.len());
        for (p, role) in roles.get(ai).into_iter().flatten() {
            if people[*p].role.is_none() {
                people[*p].role = Some(RoleAt {
                    role: role.clone(),
                    date: Some(a.date),
                });
            }
        }
        for &p in &a.people {
            let person = &mut people[p];
            if person.articles.is_empty() {
                person.last = a.date;
            }
            person.first = a.date;
            person.articles.push(ai);
        }
    }
    // Then per person, in parallel: months, co-mentions, the registry's role.
    // Co-mentions are counted in an array indexed by person (one per split of the work, with
    // the people touched listed to reset it), not a hash map per person.
    let n_people = people.len();
    people.par_iter_mut().enumerate().for_each_init(
        || (vec![0u32; n_people], Vec::new()),
        |(counts, touched), (p, person)| {
            if person.role.is_none() {
                person.role = registry
                    .person(&person.name)
                    .and_then(|r| r.role.as_deref())
                    .map(tidy)
                    .filter(|r| !r.is_empty())
                    .map(|role| RoleAt { role, date: None });
            }
            // The list is newest first: read backwards, equal months are consecutive and come
            // oldest first.
            let mut months: Vec<MonthCount> = Vec::new();
            for &ai in person.articles.iter().rev() {
                let date = &dates[ai];
                match months.last_mut() {
                    Some(m) if m.year == date.year && m.month == date.month => m.count += 1,
                    _ => months.push(MonthCount {
                        year: date.year,
                        month: date.month,
                        count: 1,
                    }),
                }
                for &q in &people_of[starts[ai]..starts[ai + 1]] {
                    if q != p {
                        if counts[q] == 0 {
                            touched.push(q);
                        }
                        counts[q] += 1;
                    }
                }
            }
            person.months = months;
            let mut c: Vec<(usize, usize)> = touched
                .drain(..)
                .map(|q| (q, std::mem::take(&mut counts[q]) as usize))
                .collect();
            // Most shared first, then by index (a total order): the first ones picked, then
            // sorted.
            let order = |a: &(usize, usize), b: &(usize, usize)| b.1.cmp(&a.1).then(a.0.cmp(&b.0));
            if c.len() > CO_MENTIONS_MAX {
                c.select_nth_unstable_by(CO_MENTIONS_MAX, order);
                c.truncate(CO_MENTIONS_MAX);
            }
            c.sort_unstable_by(order);
            person.co_mentions = c;
        },
    );
}

/// Puts `v` in the order `order` gives (the element at `k` becomes the one that was at
/// `order[k]`; `order` is a permutation of `v`'s indices), in place: each cycle of the
/// permutation followed with swaps, so that no second copy of `v` is made (a new vector of
/// 100,000 parsed articles is ~40 MB of fresh memory, which costs more here than the moves).
fn permute<T>(v: &mut [T], order: &[usize]) {
    let mut done = vec![false; v.len()];
    for start in 0..v.len() {
        if done[start] {
            continue;
        }
        let mut at = start;
        loop {
            done[at] = true;
            let from = order[at];
            if from == start {
                break;
            }
            v.swap(at, from);
            at = from;
        }
    }
}

/// Person slugs: the registry's (made safe), else the transliterated name; collisions get
/// `-2`, `-3`, … (registry slugs claim first, then people in index order).
fn assign_person_slugs(people: &mut [Person], registry: &Registry) {
    let base: Vec<(bool, String)> = people
        .par_iter()
        .map(|p| {
            let reg = registry
                .person(&p.name)
                .and_then(|r| r.slug.as_deref())
                .map(translit::slug)
                .filter(|s| !s.is_empty());
            match reg {
                Some(s) => (true, translit::shorten(&s, PERSON_SLUG_MAX)),
                None => (false, translit::slug_or_hash(&p.name, PERSON_SLUG_MAX)),
            }
        })
        .collect();
    let mut order: Vec<usize> = (0..people.len()).collect();
    order.sort_by_key(|&i| (!base[i].0, i));
    let slugs = claim_unique(&order, |i| base[i].1.clone());
    for (&i, slug) in order.iter().zip(slugs) {
        let p = &mut people[i];
        p.url = format!("people/{slug}/");
        p.slug = slug;
    }
}

/// Gives each item of `order` its base name, or `base-2`, `base-3`, … when taken; the result
/// is aligned with `order`. First every item tries its base name in order, then the losers
/// take suffixes, so a base name like `a-2` is never taken by a suffixed `a`.
fn claim_unique(order: &[usize], base: impl Fn(usize) -> String) -> Vec<String> {
    let mut out: Vec<String> = vec![String::new(); order.len()];
    let mut taken: rustc_hash::FxHashSet<String> = rustc_hash::FxHashSet::default();
    taken.reserve(order.len());
    let mut losers = Vec::new();
    for (k, &i) in order.iter().enumerate() {
        let b = base(i);
        if taken.insert(b.clone()) {
            out[k] = b;
        } else {
            losers.push(k);
        }
    }
    for k in losers {
        let b = base(order[k]);
        let mut n = 2;
        loop {
            let cand = format!("{b}-{n}");
            if taken.insert(cand.clone()) {
                out[k] = cand;
                break;
            }
            n += 1;
        }
    }
    out
}

/// Article slugs and URLs, unique per day. Two articles giving the same explicit `slug` on the
/// same day are an error (an editor asked for one URL twice). `file_rank` is each article's
/// position in file-name order.
fn assign_article_urls(
    root: &Path,
    articles: &mut [Article],
    bases: Vec<BaseSlug>,
    file_rank: &[usize],
    errors: &mut Vec<SiteError>,
) {
    // (explicit?, base slug) per article.
    let base: Vec<(bool, String)> = bases.into_iter().map(|b| (b.explicit, b.slug)).collect();
    // The articles by day, oldest day first, each day's in site order; days are settled
    // independently (in parallel) and their errors reported in that order.
    let mut order: Vec<usize> = (0..articles.len()).collect();
    order.sort_by_key(|&i| articles[i].date);
    let days: Vec<&[usize]> = order
        .chunk_by(|&a, &b| articles[a].date == articles[b].date)
        .collect();
    let arts: &[Article] = articles;
    // Per day: (article, slug) and the day's errors.
    type Settled = (Vec<(usize, String)>, Vec<SiteError>);
    let settled: Vec<Settled> = days
        .par_iter()
        .map(|day| {
            let mut idx = day.to_vec();
            let mut errors = Vec::new();
            // Explicit slugs first, then by file name.
            idx.sort_by(|&a, &b| {
                (!base[a].0)
                    .cmp(&!base[b].0)
                    .then_with(|| file_rank[a].cmp(&file_rank[b]))
            });
            let mut explicit_seen: FxHashMap<&str, usize> = FxHashMap::default();
            for &i in &idx {
                if base[i].0 {
                    if let Some(&j) = explicit_seen.get(base[i].1.as_str()) {
                        errors.push(SiteError {
                            file: root.join(&arts[i].file),
                            line: None,
                            message: format!(
                                "slug `{}` is already used on {} by {}: give one of them another slug",
                                base[i].1,
                                arts[i].date,
                                arts[j].file.display()
                            ),
                        });
                    } else {
                        explicit_seen.insert(&base[i].1, i);
                    }
                }
            }
            let slugs = claim_unique(&idx, |i| base[i].1.clone());
            (idx.into_iter().zip(slugs).collect(), errors)
        })
        .collect();
    for (slugs, day_errors) in settled {
        errors.extend(day_errors);
        for (i, slug) in slugs {
            let a = &mut articles[i];
            let mut url = String::with_capacity(12 + slug.len());
            a.date.push_ymd(&mut url, '/');
            url.push('/');
            url.push_str(&slug);
            url.push('/');
            a.url = url;
            a.slug = slug;
        }
    }
}

/// Up to [`RELATED_MAX`] articles sharing people with article `ai` (whose people are
/// `people_of`): most shared people first, then nearest in date (`day_of`, per article), then
/// site order. Only a window of each person's list is looked at, so a person in every article
/// does not make this quadratic. `scratch` is reused between calls.
fn related_articles(
    ai: usize,
    people_of: &[usize],
    day_of: &[i64],
    people: &[Person],
    scratch: &mut RelatedScratch,
) -> Vec<usize> {
    let RelatedScratch { shared, cand } = scratch;
    if shared.len() < day_of.len() {
        shared.resize(day_of.len(), 0);
    }
    // Each candidate once (in the order first met), with the number of windows it is in
    // (people shared); `shared` is all zeros again when this returns.
    cand.clear();
    for &p in people_of {
        let list = &people[p].articles;
        let pos = list.binary_search(&ai).unwrap_or_else(|e| e);
        let lo = pos.saturating_sub(RELATED_WINDOW);
        let hi = (pos + RELATED_WINDOW + 1).min(list.len());
        for &o in &list[lo..hi] {
            if o != ai {
                if shared[o] == 0 {
                    cand.push(o);
                }
                shared[o] += 1;
            }
        }
    }
    let day = day_of[ai];
    // Each candidate's rank as one number, smaller is better: most shared people, then
    // nearest in days, then the lower index (32 bits of count, 64 of distance, 32 of index:
    // no site of four billion articles fits in memory). The best so far are kept smallest first: a candidate enters
    // by insertion, so nothing is allocated but the answer. The order is total (the index
    // breaks ties), so the order candidates come in does not change the answer.
    let rank = |o: usize, shared: u32| -> u128 {
        let far = day_of[o].abs_diff(day);
        (u128::from(u32::MAX - shared) << 96) | (u128::from(far) << 32) | o as u128
    };
    let mut top = [0u128; RELATED_MAX];
    let mut len = 0;
    for &o in cand.iter() {
        let c = rank(o, shared[o]);
        shared[o] = 0;
        if len == RELATED_MAX && c >= top[len - 1] {
            continue;
        }
        let mut at = len.min(RELATED_MAX - 1);
        while at > 0 && c < top[at - 1] {
            at -= 1;
        }
        if len < RELATED_MAX {
            len += 1;
        }
        top.copy_within(at..len - 1, at + 1);
        top[at] = c;
    }
    top[..len].iter().map(|&c| c as u32 as usize).collect()
}

/// Per-thread scratch space of [`related_articles`]: a count per article (kept at zero between
/// calls) and the candidate list.
#[derive(Default)]
struct RelatedScratch {
    shared: Vec<u32>,
    cand: Vec<usize>,
}

/// Splits `len` items into pages of `size` (at least one page, possibly empty).
pub fn paginate(len: usize, size: usize) -> Vec<std::ops::Range<usize>> {
    let size = size.max(1);
    if len == 0 {
        return std::iter::once(0..0).collect();
    }
    (0..len.div_ceil(size))
        .map(|p| p * size..((p + 1) * size).min(len))
        .collect()
}

/// The text of `litopys people`: every person, or with `suspicious` only likely mistakes.
pub fn people_report(site: &Site, suspicious: bool) -> String {
    report::people_report(site, suspicious)
}

mod report;

#[cfg(test)]
mod tests {
    use super::*;

    /// The straightforward version of [`related_articles`]: every candidate scored, all sorted.
    fn related_reference(
        ai: usize,
        people_of: &[usize],
        day_of: &[i64],
        people: &[Person],
    ) -> Vec<usize> {
        let mut cand: Vec<usize> = Vec::new();
        for &p in people_of {
            let list = &people[p].articles;
            let pos = list.binary_search(&ai).unwrap_or_else(|e| e);
            let lo = pos.saturating_sub(RELATED_WINDOW);
            let hi = (pos + RELATED_WINDOW + 1).min(list.len());
            cand.extend(list[lo..hi].iter().copied().filter(|&o| o != ai));
        }
        cand.sort_unstable();
        let mut scored: Vec<(std::cmp::Reverse<usize>, i64, usize)> = cand
            .chunk_by(|x, y| x == y)
            .map(|run| {
                (
                    std::cmp::Reverse(run.len()),
                    (day_of[run[0]] - day_of[ai]).abs(),
                    run[0],
                )
            })
            .collect();
        scored.sort_unstable();
        scored
            .into_iter()
            .take(RELATED_MAX)
            .map(|(_, _, o)| o)
            .collect()
    }

    #[test]
    fn permute_puts_each_element_where_the_order_says() {
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        for n in [0usize, 1, 2, 3, 7, 100, 1000] {
            // A random permutation (Fisher–Yates), applied in place and by copying.
            let mut order: Vec<usize> = (0..n).collect();
            for i in (1..n).rev() {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                order.swap(i, (seed % (i as u64 + 1)) as usize);
            }
            let v: Vec<String> = (0..n).map(|i| format!("x{i}")).collect();
            let mut got = v.clone();
            permute(&mut got, &order);
            let want: Vec<String> = order.iter().map(|&i| v[i].clone()).collect();
            assert_eq!(got, want, "n = {n}");
        }
    }

    #[test]
    fn related_articles_match_the_straightforward_ranking() {
        // Random sites: a few people over many articles (long lists, windows cut), dates with
        // ties (equal distances), articles with 0–6 people.
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n) as usize
        };
        for round in 0..40 {
            let n_articles = 1 + next(400);
            let n_people = 1 + next(if round % 2 == 0 { 5 } else { 60 });
            let day_of: Vec<i64> = (0..n_articles).map(|_| next(30) as i64).collect();
            let mut people_of: Vec<Vec<usize>> = Vec::new();
            for _ in 0..n_articles {
                let mut ps: Vec<usize> = (0..next(7)).map(|_| next(n_people as u64)).collect();
                ps.sort_unstable();
                ps.dedup();
                people_of.push(ps);
            }
            let mut people: Vec<Person> = (0..n_people)
                .map(|i| Person {
                    name: format!("P{i}"),
                    mentions: 0,
                    description: None,
                    forms: Vec::new(),
                    letter: String::new(),
                    key: IndexKey::of("P"),
                    slug: String::new(),
                    url: String::new(),
                    articles: Vec::new(),
                    months: Vec::new(),
                    co_mentions: Vec::new(),
                    first: Date::from_unix(0),
                    last: Date::from_unix(0),
                    role: None,
                })
                .collect();
            for (ai, ps) in people_of.iter().enumerate() {
                for &p in ps {
                    people[p].articles.push(ai);
                }
            }
            let mut scratch = RelatedScratch::default();
            for (ai, ps) in people_of.iter().enumerate() {
                assert_eq!(
                    related_articles(ai, ps, &day_of, &people, &mut scratch),
                    related_reference(ai, ps, &day_of, &people),
                    "round {round}, article {ai}"
                );
            }
        }
    }

    #[test]
    fn relative_paths_are_those_strip_prefix_gives() {
        let roots = [
            ".", "./", "site", "site/", "./site", "/tmp/x", "/tmp/x/", "/", "a//b", "a/./b", "..",
            "../s", "", "/tmp/x/.", "ü/ñ",
        ];
        let rests = [
            "content/articles/a.md",
            "content/articles/Ґ і ї.md",
            "content//articles/a.md",
            "./content/a.md",
            "content/./a.md",
            "content/a.md/",
            "content/.",
            "content/.hidden/a.md",
            "content/../a.md",
            "content/a.",
            ".",
            "..",
            "a",
            "/abs.md",
            "",
        ];
        for r in roots {
            let root = Path::new(r);
            for rest in rests {
                for path in [
                    root.join(rest),
                    PathBuf::from(format!("{r}{rest}")),
                    PathBuf::from(format!("{r}/{rest}")),
                ] {
                    assert_eq!(
                        relative_to(&path, root),
                        path.strip_prefix(root).unwrap_or(&path),
                        "{path:?} under {root:?}"
                    );
                    assert_eq!(
                        relative_to(&path, root).as_os_str(),
                        path.strip_prefix(root).unwrap_or(&path).as_os_str(),
                        "{path:?} under {root:?}"
                    );
                }
            }
        }
        // Not under the root at all.
        let p = Path::new("/elsewhere/a.md");
        assert_eq!(relative_to(p, Path::new("/tmp/x")), p);
        assert_eq!(
            relative_to(Path::new("/tmp/xy/a.md"), Path::new("/tmp/x")),
            Path::new("/tmp/xy/a.md")
        );
    }

    #[test]
    fn pagination_covers_every_item_once() {
        assert_eq!(paginate(0, 20), std::iter::once(0..0).collect::<Vec<_>>());
        assert_eq!(paginate(5, 2), [0..2, 2..4, 4..5]);
        assert_eq!(paginate(4, 2), [0..2, 2..4]);
        assert_eq!(paginate(3, 0).len(), 3);
    }

    #[test]
    fn claims_are_unique_and_never_steal_a_base_name() {
        let bases = ["a", "a", "a-2", "b"];
        let out = claim_unique(&[0, 1, 2, 3], |i| bases[i].to_string());
        assert_eq!(out, ["a", "a-3", "a-2", "b"]);
        // Aligned with the order given, whatever the indices.
        let out = claim_unique(&[3, 1, 0], |i| bases[i].to_string());
        assert_eq!(out, ["b", "a", "a-2"]);
    }
}
