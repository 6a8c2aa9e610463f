//! Ingest: `content/raw/**/*.txt` → `content/articles/*.md`.
//!
//! Raw files are found at any depth (hidden files and folders skipped), in sorted path order;
//! each becomes `content/articles/<date>-<slug>.md`, the slug from the raw file's name, made
//! unique with `-2`, `-3`… in sorted raw-path order.
//!
//! Two passes. First every raw file is read, decoded ([`decode`]), cleaned ([`clean`]),
//! given a title, date and lede ([`meta`]) and run through person extraction — in parallel,
//! each file on its own. Then the people lists of all articles are merged across the site
//! ([`crate::people::site_merge`]) and the Markdown files are written, in sorted order.
//!
//! Editors own the Markdown. `.litopys/ingest.json` ([`manifest`]) records the hash of every
//! file ingest wrote; a file whose bytes no longer match that hash was changed by someone
//! else and is kept (and reported) unless `--force`. A file ingest would write identically is
//! not touched at all, so re-running ingest changes nothing. Ingest never deletes Markdown.
//!
//! The articles folder is listed once: a name not in it is written without first trying to
//! read it, through a rename that refuses to replace a file ([`write_atomic_new`]), so a file an
//! editor makes meanwhile is still never overwritten (it is then looked at like any other).
//! When there is no articles folder at all (a first import), the files are made in a hidden
//! folder beside it, which is renamed into place whole at the end ([`staging`]).

pub mod cache;
pub mod clean;
pub mod decode;
pub mod manifest;
pub mod markdown;
pub mod meta;
mod staging;

use crate::config::Config;
use crate::content::{FrontMatter, Role};
use crate::date::Date;
use crate::people::{self, Registry};
use anyhow::{Context, Result};
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// Where raw texts live, relative to the site root.
pub const RAW_DIR: &str = "content/raw";
/// Where ingest writes Markdown, relative to the site root.
pub const ARTICLES_DIR: &str = "content/articles";

/// Options of `litopys ingest`.
#[derive(Debug, Clone, Default)]
pub struct IngestOptions {
    /// Regenerate Markdown even where an editor changed it.
    pub force: bool,
    /// Parse and extract, but write nothing (for `litopys check`).
    pub dry_run: bool,
}

/// What an ingest run did.
#[derive(Debug, Clone, Default)]
pub struct IngestReport {
    pub written: Vec<PathBuf>,
    pub unchanged: usize,
    /// Markdown files an editor changed, left alone.
    pub kept_edited: Vec<PathBuf>,
    /// Raw files that could not be ingested, with the reason.
    pub errors: Vec<(PathBuf, String)>,
}

/// One raw file after the first pass.
#[derive(Debug, Clone)]
struct Prepared {
    /// The slug part of the output file name (before collision suffixes).
    stem_slug: String,
    fm: FrontMatter,
    body: String,
    /// The raw file's [`cache::key`].
    key: cache::Key,
    /// Prepared in this run (not found in the cache).
    fresh: bool,
}

/// Runs ingest over the site at `root`.
pub fn ingest(
    root: &Path,
    config: &Config,
    registry: &Registry,
    opts: &IngestOptions,
) -> Result<IngestReport> {
    ingest_with(root, config, registry, opts, true)
}

/// [`ingest`]; `listing`: list the articles folder once instead of looking for each file on
/// its own (the tests compare both ways).
fn ingest_with(
    root: &Path,
    config: &Config,
    registry: &Registry,
    opts: &IngestOptions,
    listing: bool,
) -> Result<IngestReport> {
    let mut phases = crate::timings::Phases::new();
    let mut report = IngestReport::default();
    let raw_files = list_raw_files(root, &mut report);
    phases.done("list");
    if raw_files.is_empty() {
        return Ok(report);
    }

    let cache = cache::Cache::open(root, cache_fingerprint(config, registry));
    let raw_folder = crate::folder::Folder::open(&root.join(RAW_DIR));
    let results: Vec<Result<Prepared, String>> = raw_files
        .par_iter()
        .map(|(path, rel)| prepare(&raw_folder, path, rel, config, registry, &cache))
        .collect();
    let mut prepared = Vec::with_capacity(results.len());
    for ((path, _), r) in raw_files.iter().zip(results) {
        match r {
            Ok(p) => prepared.push(p),
            Err(msg) => report.errors.push((path.clone(), msg)),
        }
    }
    phases.done("prepare");
    if !opts.dry_run {
        let used: Vec<cache::Key> = prepared.iter().map(|p| p.key).collect();
        let fresh: Vec<cache::Fresh> = prepared
            .iter()
            .filter(|p| p.fresh)
            .map(|p| (p.key, &p.fm, p.body.as_str()))
            .collect();
        cache.store(&used, &fresh);
    } else {
        drop(cache);
    }
    phases.done("cache");

    apply_site_merge(&mut prepared);
    phases.done("merge");

    // Output names: <date>-<slug>.md, unique in sorted raw-path order.
    let mut taken: HashSet<String> = HashSet::new();
    let mut names: Vec<String> = Vec::with_capacity(prepared.len());
    for p in &prepared {
        // `format!("{date}-{slug}")` and `format!("{base}.md")`, without the formatting
        // machinery.
        let mut base = p.fm.date.iso();
        base.push('-');
        base.push_str(&p.stem_slug);
        let mut name = String::with_capacity(base.len() + 3);
        name.push_str(&base);
        name.push_str(".md");
        let mut n = 2;
        while !taken.insert(name.clone()) {
            name = format!("{base}-{n}.md");
            n += 1;
        }
        names.push(name);
    }
    let articles_dir = root.join(ARTICLES_DIR);
    let existing = if listing {
        existing_names(&articles_dir)
    } else {
        None
    };
    let writing = !opts.dry_run && !names.is_empty();
    // No articles folder at all (a first import): made aside and put in place whole
    // ([`staging`]).
    let no_folder = existing.as_ref().is_some_and(HashSet::is_empty)
        && std::fs::symlink_metadata(&articles_dir)
            .is_err_and(|e| e.kind() == std::io::ErrorKind::NotFound);
    let staging = (writing && no_folder)
        .then(|| staging::Staging::create(&articles_dir))
        .flatten();
    if writing && staging.is_none() {
        // Made now when missing, so that every file is written from the open folder.
        std::fs::create_dir_all(&articles_dir)
            .with_context(|| format!("cannot create {}", articles_dir.display()))?;
    }
    let folder = crate::folder::Folder::open(&articles_dir);
    let mut manifest = manifest::Manifest::load(root);
    let before = manifest.clone();
    phases.done("names");
    // Each file made, decided (and written) on its own, in parallel; recorded in order. A
    // file's text is dropped once written (all of them at once would be the corpus again).
    let mut done: Vec<(String, String, String, Result<Action, String>)> = names
        .into_par_iter()
        .zip(prepared.par_iter())
        .map(|(name, p)| {
            let text = crate::content::write(&p.fm, &p.body);
            let mut key = String::with_capacity(ARTICLES_DIR.len() + 1 + name.len());
            key.push_str(ARTICLES_DIR);
            key.push('/');
            key.push_str(&name);
            let new_hash = sha256_hex(text.as_bytes());
            let bytes = text.as_bytes();
            if let Some(staging) = &staging {
                // A folder of ingest's own: nothing to look for, nothing to replace.
                let action = staging
                    .folder
                    .create_new(&name, bytes)
                    .map(|()| Action::Write)
                    .map_err(|e| format!("cannot write: {e}"));
                return (name, key, new_hash, action);
            }
            let recorded = manifest.get(&key);
            // Not in the folder when it was listed: no need to look for it.
            let absent = existing
                .as_ref()
                .is_some_and(|names| !names.contains(std::ffi::OsStr::new(&name)));
            let action = if absent {
                Ok(Action::Write)
            } else {
                decide(&folder, &name, bytes, recorded, opts)
            };
            let action = match action {
                Ok(Action::Write) if !opts.dry_run => {
                    let made = if absent {
                        folder.write_new(&name, bytes)
                    } else {
                        Ok(false)
                    };
                    match made {
                        Ok(true) => Ok(Action::Write),
                        // There after all (an editor's new file, or a file system that cannot
                        // refuse to replace): decided as it is now.
                        Ok(false) => match decide(&folder, &name, bytes, recorded, opts) {
                            Ok(Action::Write) => folder
                                .write_replacing(&name, bytes)
                                .map(|()| Action::Write)
                                .map_err(|e| format!("cannot write: {e}")),
                            other => other,
                        },
                        Err(e) => Err(format!("cannot write: {e}")),
                    }
                }
                other => other,
            };
            (name, key, new_hash, action)
        })
        .collect();
    if let Some(staging) = staging {
        let mut files: Vec<(&str, Option<&str>, &mut Result<Action, String>)> = done
            .iter_mut()
            .map(|(name, key, _, action)| (name.as_str(), manifest.get(key), action))
            .collect();
        staging.publish(&articles_dir, &mut files, opts);
    }
    for (name, key, new_hash, action) in done {
        let path = articles_dir.join(&name);
        match action {
            Ok(Action::Unchanged) => {
                report.unchanged += 1;
                manifest.set(&key, &new_hash);
            }
            Ok(Action::Keep) => report.kept_edited.push(path),
            Ok(Action::Write) => {
                manifest.set(&key, &new_hash);
                report.written.push(path);
            }
            Err(e) => report.errors.push((path, e)),
        }
    }
    phases.done("write");
    if !opts.dry_run && manifest != before {
        manifest
            .save(root)
            .with_context(|| format!("cannot save {}", manifest::path(root).display()))?;
    }
    phases.done("manifest");
    Ok(report)
}

enum Action {
    Unchanged,
    Write,
    Keep,
}

/// What to do with the Markdown file `name` in `folder` that ingest would write as `bytes`,
/// given the hash ingest recorded when it last wrote it (`recorded`): nothing (same bytes),
/// write it (absent, or still as ingest wrote it, or `--force`), or keep an editor's change.
fn decide(
    folder: &crate::folder::Folder,
    name: &str,
    bytes: &[u8],
    recorded: Option<&str>,
    opts: &IngestOptions,
) -> Result<Action, String> {
    use std::io::Read;
    let mut current = Vec::with_capacity(bytes.len() + 1);
    let read = folder
        .open_file(name)
        .and_then(|mut f| f.read_to_end(&mut current));
    match read {
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Action::Write),
        Err(e) => return Err(format!("cannot read the existing file: {e}")),
    };
    Ok(if current == bytes {
        Action::Unchanged
    } else if recorded == Some(sha256_hex(&current).as_str()) || opts.force {
        Action::Write
    } else {
        Action::Keep
    })
}

/// The names in the folder `dir` (none when it does not exist); `None` when it cannot be
/// listed (then every file is looked for on its own).
fn existing_names(dir: &Path) -> Option<HashSet<std::ffi::OsString>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Some(HashSet::new()),
        Err(_) => return None,
    };
    entries
        .map(|entry| entry.map(|e| e.file_name()))
        .collect::<std::io::Result<HashSet<_>>>()
        .ok()
}

/// Every `*.txt` under `content/raw/`, sorted by path: (full path, `/`-separated path
/// relative to the root). Unreadable folders become errors.
fn list_raw_files(root: &Path, report: &mut IngestReport) -> Vec<(PathBuf, String)> {
    let raw_dir = root.join(RAW_DIR);
    if !raw_dir.is_dir() {
        return Vec::new();
    }
    let mut files = Vec::new();
    // Hidden files and folders (editor backups, `.git`) are skipped.
    let walker = walkdir::WalkDir::new(&raw_dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e.path().map(Path::to_path_buf).unwrap_or(raw_dir.clone());
                report.errors.push((path, format!("cannot list: {e}")));
                continue;
            }
        };
        let is_txt = entry
            .path()
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("txt"));
        // Regular files, and symbolic links to regular files.
        let is_file =
            entry.file_type().is_file() || entry.path_is_symlink() && entry.path().is_file();
        if !is_file || !is_txt {
            continue;
        }
        let rel = entry.path().strip_prefix(root).unwrap_or(entry.path());
        // The walk joins names with the separator alone, so on Unix the relative path is
        // already `/`-separated (no `.`, no doubled separators); elsewhere its components
        // are joined with `/`.
        let rel = if cfg!(unix) {
            rel.to_string_lossy().into_owned()
        } else {
            rel.components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/")
        };
        files.push((entry.into_path(), rel));
    }
    files.sort_by(|a, b| a.1.cmp(&b.1));
    files
}

/// What preparing a raw file depends on besides the file itself (see [`cache`]): the binary,
/// the settings [`prepare_bytes`] reads and the registry. (Only those settings: a new site
/// title or `--base-url` must not make every raw text be prepared again.)
fn cache_fingerprint(config: &Config, registry: &Registry) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(env!("CARGO_PKG_VERSION").as_bytes());
    h.update(crate::site::cache::executable_id());
    h.update(crate::render::keyhash::digest(&(
        &config.boilerplate,
        config.max_raw_bytes,
        config.reference_date,
    )));
    registry.hash_into(&mut h);
    h.finalize().into()
}

/// First pass for one raw file (at `path`, `rel` from the site root, in `raw_folder` below
/// it): read it (refusing files over `max_raw_bytes`), then take it from the cache or
/// [`prepare_bytes`] it.
fn prepare(
    raw_folder: &crate::folder::Folder,
    path: &Path,
    rel: &str,
    config: &Config,
    registry: &Registry,
    cache: &cache::Cache,
) -> Result<Prepared, String> {
    // Opened from the raw folder by its path there (when the name is what `rel` says: not
    // for a name that is not UTF-8, which `rel` shows changed).
    let in_raw = path
        .to_str()
        .and(rel.strip_prefix(RAW_DIR))
        .and_then(|r| r.strip_prefix('/'));
    let file = match in_raw {
        Some(r) => raw_folder.open_file(r),
        None => std::fs::File::open(path),
    }
    .map_err(|e| format!("cannot read: {e}"))?;
    let (bytes, meta) = read_limited(file, config.max_raw_bytes)?;
    let (reference, from_config) = match config.reference_date {
        Some(d) => (d, true),
        None => {
            let mtime = meta
                .map_or_else(|| std::fs::metadata(path), Ok)
                .and_then(|m| m.modified())
                .map_err(|e| format!("cannot read the modification time: {e}"))?;
            (Date::from_system_time(mtime), false)
        }
    };
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let raw_sha256: [u8; 32] = Sha256::digest(&bytes).into();
    let key = cache::key(&raw_sha256, &file_name, rel, reference, from_config);
    let (article, fresh) = match cache.get(&key) {
        Some(a) => (a, false),
        None => {
            let a = prepare_hashed(
                &bytes,
                &raw_sha256,
                &file_name,
                rel,
                config,
                registry,
                reference,
                from_config,
            )?;
            (a, true)
        }
    };
    Ok(Prepared {
        stem_slug: file_slug(file_stem(&file_name)),
        fm: article.front_matter,
        body: article.body,
        key,
        fresh,
    })
}

/// Reads at most `max` bytes of `file`; a longer file is an error that says how to go on.
/// The limit is checked on the bytes actually read, so a file that grows meanwhile cannot
/// slip past it. Also gives the file's metadata, when it could be read (for its mtime).
fn read_limited(
    file: std::fs::File,
    max: u64,
) -> Result<(Vec<u8>, Option<std::fs::Metadata>), String> {
    use std::io::Read;
    let too_big = |len: u64| {
        format!(
            "the file is {len} bytes, more than max_raw_bytes ({max}); a news article is far \
             smaller: split the file, or raise `max_raw_bytes` in litopys.yaml"
        )
    };
    let meta = file.metadata().ok();
    if let Some(meta) = &meta {
        if meta.len() > max {
            return Err(too_big(meta.len()));
        }
    }
    // Sized from the metadata (one read and the one that finds the end, instead of a read per
    // doubling of the buffer); `take` still bounds what is read.
    let hint = meta.as_ref().map_or(0, |m| m.len().saturating_add(1));
    let mut bytes = Vec::with_capacity(usize::try_from(hint).unwrap_or(0));
    file.take(max.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read: {e}"))?;
    if bytes.len() as u64 > max {
        return Err(too_big(bytes.len() as u64));
    }
    Ok((bytes, meta))
}

/// The stem of a file name (`a.b.txt` → `a.b`).
fn file_stem(file_name: &str) -> &str {
    Path::new(file_name)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or(file_name)
}

/// One raw text turned into an article: front matter and Markdown body (not yet merged with
/// the rest of the site).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawArticle {
    pub front_matter: FrontMatter,
    pub body: String,
}

/// The pure part of ingesting one raw file: decode, clean, title, date, lede, people, Markdown.
/// `file_name` is the raw file's name (for a date in it), `rel` its path from the site root
/// (recorded as `source`); `reference` resolves dates stated without a year. Errors are
/// messages for the editor, to be shown with the file name. Ingest caches what this gives:
/// a setting it starts to read must be added to `cache_fingerprint`.
pub fn prepare_bytes(
    bytes: &[u8],
    file_name: &str,
    rel: &str,
    config: &Config,
    registry: &Registry,
    reference: Date,
    reference_from_config: bool,
) -> Result<RawArticle, String> {
    let raw_sha256: [u8; 32] = Sha256::digest(bytes).into();
    prepare_hashed(
        bytes,
        &raw_sha256,
        file_name,
        rel,
        config,
        registry,
        reference,
        reference_from_config,
    )
}

/// [`prepare_bytes`] given the SHA-256 of `bytes` (ingest has it for the cache key already).
#[allow(clippy::too_many_arguments)]
fn prepare_hashed(
    bytes: &[u8],
    raw_sha256: &[u8; 32],
    file_name: &str,
    rel: &str,
    config: &Config,
    registry: &Registry,
    reference: Date,
    reference_from_config: bool,
) -> Result<RawArticle, String> {
    if bytes.len() as u64 > config.max_raw_bytes {
        return Err(format!(
            "the text is {} bytes, more than max_raw_bytes ({})",
            bytes.len(),
            config.max_raw_bytes
        ));
    }
    let text = decode::decode(bytes).map_err(|e| format!("cannot decode: {e:#}"))?;
    if text.trim().is_empty() {
        return Err(if text.is_empty() {
            "the file is empty: nothing to ingest (delete it, or fill it)".to_string()
        } else {
            "the file holds only whitespace: nothing to ingest (delete it, or fill it)".to_string()
        });
    }
    let paragraphs = clean::clean(&text, &config.boilerplate);
    if paragraphs.is_empty() {
        return Err(
            "no text left after cleaning (only boilerplate, punctuation or invisible characters)"
                .to_string(),
        );
    }
    let (title, body) = meta::title_and_body(&paragraphs);
    if title.trim().is_empty() {
        return Err("no title could be derived".to_string());
    }

    let all_text = paragraphs.join("\n\n");
    let (date, source) = meta::article_date(file_name, &all_text, reference, reference_from_config);
    let summary = meta::lede(&body);

    // People: on the title (when it is a separate headline) and the body. That is the whole
    // text as it is when the title is no separate paragraph or the first one (most texts).
    let separate_later = body.len() < paragraphs.len()
        && !(!body.is_empty() && paragraphs.first() == Some(&title) && body[..] == paragraphs[1..]);
    let joined;
    let extract_text = if separate_later {
        joined = format!("{title}\n\n{}", body.join("\n\n"));
        &joined
    } else {
        &all_text
    };
    let lang = people::detect_language(extract_text);
    let ex = people::extract(extract_text, lang, registry);
    let roles = ex
        .roles
        .into_iter()
        .map(|r| Role {
            person: r.person,
            role: r.role,
        })
        .collect();

    let front_matter = FrontMatter {
        title,
        date,
        date_source: Some(source.as_str().to_string()),
        people: ex.people,
        roles,
        summary,
        source: Some(rel.to_string()),
        source_sha256: Some(hex(raw_sha256)),
        language: lang.code().to_string(),
        slug: None,
        template: None,
    };
    Ok(RawArticle {
        front_matter,
        body: markdown::paragraphs_to_markdown(&body),
    })
}

/// Applies the site-wide merge of people to every article's `people` and `roles`.
fn apply_site_merge(prepared: &mut [Prepared]) {
    // The merge looks only at the set of names: each name once, not every article's list.
    let mut seen: HashSet<&str> = HashSet::new();
    let distinct: Vec<String> = prepared
        .iter()
        .flat_map(|p| &p.fm.people)
        .filter(|n| seen.insert(n.as_str()))
        .cloned()
        .collect();
    drop(seen);
    let map: HashMap<String, String> = people::site_merge(std::slice::from_ref(&distinct));
    for p in prepared.iter_mut() {
        apply_merge_map(&mut p.fm, &map);
    }
}

/// Renames people (and the people of roles) by `map`, keeping first-mention order and
/// dropping the duplicates a merge creates.
fn apply_merge_map(fm: &mut FrontMatter, map: &HashMap<String, String>) {
    if map.is_empty() {
        return;
    }
    // Most articles name nobody the merge renames and no one twice: left as they are.
    let people_twice = fm
        .people
        .iter()
        .enumerate()
        .any(|(k, n)| fm.people[..k].contains(n));
    let roles_twice = fm
        .roles
        .iter()
        .enumerate()
        .any(|(k, r)| fm.roles[..k].contains(r));
    if !people_twice
        && !roles_twice
        && !fm.people.iter().any(|n| map.contains_key(n))
        && !fm.roles.iter().any(|r| map.contains_key(&r.person))
    {
        return;
    }
    let rename = |n: &String| map.get(n).cloned().unwrap_or_else(|| n.clone());
    let mut seen = HashSet::new();
    fm.people = fm
        .people
        .iter()
        .map(rename)
        .filter(|n| seen.insert(n.clone()))
        .collect();
    let mut seen_roles = HashSet::new();
    fm.roles = fm
        .roles
        .iter()
        .map(|r| Role {
            person: rename(&r.person),
            role: r.role.clone(),
        })
        .filter(|r| seen_roles.insert((r.person.clone(), r.role.clone())))
        .collect();
}

/// The slug part of an output file name from a raw file's stem: lower-case ASCII letters,
/// digits and single dashes; an ISO date in the stem is left out (it is the name's prefix
/// already); Cyrillic is transliterated simply; `article` when nothing is left.
pub fn file_slug(stem: &str) -> String {
    let mut stem = stem.to_string();
    if let Some(d) = meta::date_in_filename(&stem) {
        let mut s = String::with_capacity(10);
        for sep in ['-', '_', '.'] {
            // The date as `{:04}{sep}{:02}{sep}{:02}` writes it, its first occurrence replaced
            // in place (what `replacen(.., 1)` gives).
            s.clear();
            d.push_ymd(&mut s, sep);
            if let Some(at) = stem.find(s.as_str()) {
                stem.replace_range(at..at + s.len(), " ");
            }
        }
    }
    slug_of_stem(&stem)
}

/// [`file_slug`] once the dates are cut out of `stem`.
fn slug_of_stem(stem: &str) -> String {
    let mut out = String::new();
    let mut push = |p: char| {
        if p.is_ascii_alphanumeric() {
            out.push(p);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    };
    for c in stem.chars().flat_map(char::to_lowercase) {
        match translit_simple(c) {
            Some(piece) => piece.chars().for_each(&mut push),
            None => push(c),
        }
    }
    let out = out.trim_matches('-');
    let mut out: String = out.chars().take(80).collect();
    while out.ends_with('-') {
        out.pop();
    }
    if out.is_empty() {
        "article".to_string()
    } else {
        out
    }
}

/// A plain one-letter transliteration of lower-case Ukrainian letters (`None` for other
/// characters, which pass through). The site builder makes its own URL slugs; this only
/// names files.
fn translit_simple(c: char) -> Option<&'static str> {
    Some(match c {
        'а' => "a",
        'б' => "b",
        'в' => "v",
        'г' => "h",
        'ґ' => "g",
        'д' => "d",
        'е' => "e",
        'є' => "ie",
        'ж' => "zh",
        'з' => "z",
        'и' => "y",
        'і' => "i",
        'ї' => "i",
        'й' => "i",
        'к' => "k",
        'л' => "l",
        'м' => "m",
        'н' => "n",
        'о' => "o",
        'п' => "p",
        'р' => "r",
        'с' => "s",
        'т' => "t",
        'у' => "u",
        'ф' => "f",
        'х' => "kh",
        'ц' => "ts",
        'ч' => "ch",
        'ш' => "sh",
        'щ' => "shch",
        'ь' | 'ʼ' | '\'' | '’' => "",
        'ю' => "iu",
        'я' => "ia",
        _ => return None,
    })
}

/// Lower-case hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes).into())
}

/// Lower-case hex of a SHA-256 digest.
fn hex(digest: &[u8; 32]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(64);
    for b in digest.iter() {
        s.push(char::from(HEX[usize::from(b >> 4)]));
        s.push(char::from(HEX[usize::from(b & 15)]));
    }
    s
}

/// Writes `bytes` to `path` through a temporary file in the same folder and a rename, so
/// the file is never seen half-written. Missing folders are made.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    in_folder(path, |folder, name| folder.write_replacing(name, bytes))
}

/// [`write_atomic`] with the bytes written by `fill` as they are made (a failing `fill` leaves
/// the file as it was). `fill` may be called a second time, on a new file, when the folder had
/// to be made first.
pub fn write_atomic_with(
    path: &Path,
    fill: impl Fn(&mut std::fs::File) -> std::io::Result<()>,
) -> Result<()> {
    in_folder(path, |folder, name| {
        folder.write_replacing_with(name, &fill)
    })
}

/// [`write_atomic`] for a file that is not expected to exist: `Ok(false)`, and nothing
/// written, when `path` exists after all (the rename refuses to replace it, so no file made
/// meanwhile is lost), or when the system cannot rename that way (then the caller looks at
/// the file and decides, as for any file that exists). See [`crate::folder::Folder::write_new`].
pub fn write_atomic_new(path: &Path, bytes: &[u8]) -> Result<bool> {
    in_folder(path, |folder, name| folder.write_new(name, bytes))
}

/// Runs `write` on the folder of `path` and the file's name in it; when that fails because
/// the folder is missing, makes the folder and runs it again.
fn in_folder<T>(
    path: &Path,
    write: impl Fn(&crate::folder::Folder, &str) -> std::io::Result<T>,
) -> Result<T> {
    let (Some(dir), Some(name)) = (path.parent(), path.file_name().and_then(|n| n.to_str())) else {
        anyhow::bail!("{} is no file in a folder", path.display());
    };
    let written = match write(&crate::folder::Folder::open(dir), name) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
            write(&crate::folder::Folder::open(dir), name)
        }
        other => other,
    };
    written.with_context(|| format!("cannot write {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_atomic_makes_missing_folders_and_replaces_files() {
        let dir = tempfile::tempdir().unwrap();
        let deep = dir.path().join("a/b/c.md");
        write_atomic(&deep, b"first").unwrap();
        assert_eq!(std::fs::read(&deep).unwrap(), b"first");
        write_atomic(&deep, b"second, longer").unwrap();
        assert_eq!(std::fs::read(&deep).unwrap(), b"second, longer");
        // No temporary file is left beside it.
        let names: Vec<_> = std::fs::read_dir(dir.path().join("a/b"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("c.md")]);
        // A folder that cannot be made is an error naming it, not a panic.
        std::fs::write(dir.path().join("file"), b"x").unwrap();
        let err = write_atomic(&dir.path().join("file/sub/d.md"), b"y").unwrap_err();
        assert!(format!("{err:#}").contains("file"), "{err:#}");
    }

    #[test]
    fn write_atomic_new_never_replaces_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let new = dir.path().join("a/b.md");
        // A new file, its folder made.
        assert!(write_atomic_new(&new, b"first").unwrap());
        assert_eq!(std::fs::read(&new).unwrap(), b"first");
        // A file that exists (an editor's, made after the folder was listed) is left as it is.
        assert!(!write_atomic_new(&new, b"second").unwrap());
        assert_eq!(std::fs::read(&new).unwrap(), b"first");
        // And so is a symbolic link, even one that leads nowhere.
        #[cfg(unix)]
        {
            let link = dir.path().join("a/link.md");
            std::os::unix::fs::symlink("nowhere.md", &link).unwrap();
            assert!(!write_atomic_new(&link, b"x").unwrap());
            assert!(std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink());
        }
        // No temporary file is left beside them.
        let mut names: Vec<_> = std::fs::read_dir(dir.path().join("a"))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        assert_eq!(
            names.iter().filter(|n| n.ends_with(".tmp")).count(),
            0,
            "{names:?}"
        );
    }

    /// The files under `dir`: path from `dir` → bytes.
    fn files_under(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
        walkdir::WalkDir::new(dir)
            .into_iter()
            .map(|e| e.unwrap())
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                let rel = e.path().strip_prefix(dir).unwrap().to_string_lossy();
                (rel.into_owned(), std::fs::read(e.path()).unwrap())
            })
            .collect()
    }

    /// What a report says, without the folder it was made in.
    fn report_summary(r: &IngestReport, root: &Path) -> String {
        let rel = |p: &PathBuf| p.strip_prefix(root).unwrap().display().to_string();
        format!(
            "written {:?} unchanged {} kept {:?} errors {:?}",
            r.written.iter().map(rel).collect::<Vec<_>>(),
            r.unchanged,
            r.kept_edited.iter().map(rel).collect::<Vec<_>>(),
            r.errors
                .iter()
                .map(|(p, e)| (rel(p), e.clone()))
                .collect::<Vec<_>>()
        )
    }

    #[test]
    fn listing_the_articles_folder_ingests_what_looking_at_each_file_does() {
        // The repository's raw texts: the seed articles and NER-UK documents.
        let raw = Path::new(env!("CARGO_MANIFEST_DIR")).join(RAW_DIR);
        let config = Config {
            reference_date: Some(Date::new(2026, 1, 31).unwrap()),
            ..Config::default()
        };
        let registry = Registry::default();
        let run = |listing: bool| {
            let dir = tempfile::tempdir().unwrap();
            let root = dir.path();
            for (rel, bytes) in files_under(&raw) {
                let to = root.join(RAW_DIR).join(rel);
                std::fs::create_dir_all(to.parent().unwrap()).unwrap();
                std::fs::write(to, bytes).unwrap();
            }
            let mut steps = Vec::new();
            let mut step = |opts: &IngestOptions| {
                let r = ingest_with(root, &config, &registry, opts, listing).unwrap();
                steps.push((report_summary(&r, root), files_under(root)));
                r
            };
            // Into no folder, then again into the same files.
            let first = step(&IngestOptions::default());
            assert!(first.written.len() > 50, "{}", first.written.len());
            step(&IngestOptions::default());
            // Editors change some files, delete others and put their own where ingest writes.
            for (k, path) in first.written.iter().enumerate() {
                match k % 4 {
                    0 => std::fs::write(path, format!("edited {k}")).unwrap(),
                    1 => std::fs::remove_file(path).unwrap(),
                    _ => {}
                }
            }
            let manifest = manifest::path(root);
            let kept = std::fs::read(&manifest).unwrap();
            for (k, path) in first.written.iter().enumerate().filter(|(k, _)| k % 8 == 5) {
                std::fs::write(path, format!("an editor's own {k}")).unwrap();
            }
            step(&IngestOptions::default());
            // Checking writes nothing; forcing rewrites the edited ones.
            let check = IngestOptions {
                dry_run: true,
                ..IngestOptions::default()
            };
            for path in first.written.iter().step_by(3) {
                let _ = std::fs::remove_file(path);
            }
            step(&check);
            std::fs::write(&manifest, kept).unwrap();
            step(&IngestOptions {
                force: true,
                ..IngestOptions::default()
            });
            steps
        };
        let fast = run(true);
        let plain = run(false);
        assert_eq!(fast.len(), plain.len());
        for (k, (f, p)) in fast.iter().zip(&plain).enumerate() {
            assert_eq!(f.0, p.0, "report of step {k}");
            assert!(f.1 == p.1, "files after step {k}");
        }
        // The steps did what they are meant to: kept files, unchanged files.
        assert!(fast[1].0.contains("written [] unchanged"), "{}", fast[1].0);
        assert!(!fast[2].0.contains("kept []"), "{}", fast[2].0);
    }

    #[test]
    fn read_limited_reads_whole_files_up_to_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        for len in [0usize, 1, 31, 32, 33, 4095, 4096, 4097, 100_000] {
            let p = dir.path().join(format!("{len}.txt"));
            let bytes: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
            std::fs::write(&p, &bytes).unwrap();
            let open = || std::fs::File::open(&p).unwrap();
            let (read, meta) = read_limited(open(), 100_000).unwrap();
            assert_eq!(read, bytes, "{len}");
            assert_eq!(meta.map(|m| m.len()), Some(len as u64));
            let limited = read_limited(open(), 4096);
            assert_eq!(limited.is_err(), len > 4096, "{len}");
            if let Err(e) = limited {
                assert!(e.contains("max_raw_bytes"), "{e}");
            }
        }
    }

    /// [`file_slug`] as it was: the dates cut out with `format!` and `replacen`.
    fn file_slug_reference(stem: &str) -> String {
        let mut stem = stem.to_string();
        if let Some(d) = meta::date_in_filename(&stem) {
            for sep in ['-', '_', '.'] {
                let s = format!("{:04}{sep}{:02}{sep}{:02}", d.year, d.month, d.day);
                stem = stem.replacen(&s, " ", 1);
            }
        }
        slug_of_stem(&stem)
    }

    #[test]
    fn file_slugs_match_the_reference() {
        // The names of the repository's raw texts, and names with dates in every separator,
        // twice, glued to digits, in odd years and days.
        let raw = Path::new(env!("CARGO_MANIFEST_DIR")).join(RAW_DIR);
        let mut stems: Vec<String> = files_under(&raw)
            .keys()
            .map(|rel| file_stem(rel.rsplit('/').next().unwrap_or(rel)).to_string())
            .collect();
        for date in [
            "2026-01-07",
            "2024_02_29",
            "1999.12.31",
            "0001-01-01",
            "9999-12-31",
        ] {
            for sep in ["-", "_", ".", ""] {
                let other = date.replace(['-', '_', '.'], sep);
                for stem in [
                    date.to_string(),
                    format!("{date}-Переговори у Парижі"),
                    format!("news {date} and {other}"),
                    format!("{other}{date}x"),
                    format!("1{date}"),
                    format!("{date}{date}"),
                    format!("ІІ_{date}.final"),
                ] {
                    stems.push(stem);
                }
            }
        }
        let mut dated = 0;
        for stem in &stems {
            dated += usize::from(meta::date_in_filename(stem).is_some());
            assert_eq!(file_slug(stem), file_slug_reference(stem), "{stem:?}");
        }
        assert!(
            dated > 50 && dated + 20 < stems.len(),
            "{dated} of {}",
            stems.len()
        );
    }

    #[test]
    fn file_slugs() {
        assert_eq!(file_slug("000_d450a8c0e07fb2e9"), "000-d450a8c0e07fb2e9");
        assert_eq!(file_slug("2026-01-07-Talks in Paris"), "talks-in-paris");
        assert_eq!(file_slug("2026-01-07"), "article");
        assert_eq!(file_slug("Переговори у Парижі"), "perehovory-u-paryzhi");
        assert_eq!(file_slug("!!!"), "article");
    }

    #[test]
    fn merge_renames_people_and_roles() {
        let role = |p: &str| Role {
            person: p.into(),
            role: "керівник ОП".into(),
        };
        let mut fm = FrontMatter {
            title: "t".into(),
            date: Date::from_unix(0),
            date_source: None,
            people: vec![
                "Буданов".into(),
                "Рустем Умєров".into(),
                "Кирило Буданов".into(),
            ],
            roles: vec![role("Буданов"), role("Кирило Буданов")],
            summary: String::new(),
            source: None,
            source_sha256: None,
            language: "uk".into(),
            slug: None,
            template: None,
        };
        let map = HashMap::from([("Буданов".to_string(), "Кирило Буданов".to_string())]);
        apply_merge_map(&mut fm, &map);
        assert_eq!(fm.people, ["Кирило Буданов", "Рустем Умєров"]);
        assert_eq!(fm.roles, [role("Кирило Буданов")]);
        // An article naming nobody the map renames still loses repeated roles, and one with
        // nothing to change is left as it is.
        fm.roles = vec![role("Рустем Умєров"), role("Рустем Умєров")];
        apply_merge_map(&mut fm, &map);
        assert_eq!(fm.roles, [role("Рустем Умєров")]);
        let before = fm.clone();
        apply_merge_map(&mut fm, &map);
        assert_eq!(fm, before);
    }

    #[test]
    fn sha_hex() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
