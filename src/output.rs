//! Writing `public/`: makes the output folder hold exactly the rendered files, touching as
//! little as possible.
//!
//! - Every path is validated before anything touches the disk ([`validate_path`]); one bad
//!   path fails the whole write with a list of every bad path ([`InvalidPaths`]).
//! - A manifest, `out_dir/.litopys-manifest` (JSON: path → SHA-256, length, mtime), records what
//!   the previous write produced. A file whose hash matches its manifest entry, and whose length
//!   and mtime on disk still match, is not read at all and keeps its mtime. Without a usable
//!   manifest entry the file on disk is compared byte for byte.
//! - Each changed file is written to a temporary file in its own folder and renamed into place,
//!   so a half-written file is never visible at its final path (readers such as `serve` see the
//!   old or the new bytes). There is no fsync: a crash can lose a write, never tear one.
//! - Files the previous write produced and this one does not are removed, then the folders they
//!   leave empty. Files the manifest does not know (a `CNAME`, `.well-known/`) are left alone.
//!   If the manifest is missing or unreadable nothing is removed (there is no record of what is
//!   ours) and the next write has a manifest again.
//! - Nothing is written outside `out_dir`: every folder a file goes into is canonicalized and
//!   must lie inside the canonicalized `out_dir` (a symlinked sub-folder pointing elsewhere is
//!   refused).
//! - An exclusive lock on `out_dir/.litopys-lock` is held for the whole write, so two builds at
//!   once write one after the other. The lock file holds the writer's pid during a write; if a
//!   writer was killed mid-write, the next one removes the temporary files it left.
//!
//! Both hidden files start with `.litopys`; static hosts ignore dot-files or serve them
//! harmlessly, and `rsync --exclude '.litopys-*'` leaves them out of a deploy.

use crate::render::OutputFile;
use anyhow::{Context, Result};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::{ErrorKind, Write as _};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::UNIX_EPOCH;

/// The manifest of the previous write, inside the output folder.
pub const MANIFEST_FILE: &str = ".litopys-manifest";
/// The lock file held during a write, inside the output folder.
pub const LOCK_FILE: &str = ".litopys-lock";
/// Marker in the names of temporary files (`.<name>.litopys-tmp-<pid>-<n>`).
const TMP_MARKER: &str = ".litopys-tmp-";
const MANIFEST_VERSION: u32 = 1;

/// What a write did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WriteStats {
    /// Files created or rewritten because their bytes changed.
    pub written: usize,
    /// Files left as they were (same bytes; mtime kept).
    pub unchanged: usize,
    /// Stale files of the previous write that were removed.
    pub removed: usize,
}

/// Output paths that failed validation; nothing was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidPaths {
    /// Each bad path (debug-quoted when shown) with the reason.
    pub paths: Vec<(String, String)>,
}

impl std::fmt::Display for InvalidPaths {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} invalid output path(s); nothing was written:",
            self.paths.len()
        )?;
        for (p, why) in &self.paths {
            write!(f, "\n  {p:?}: {why}")?;
        }
        Ok(())
    }
}

impl std::error::Error for InvalidPaths {}

/// Windows device names, reserved with any extension and in any case.
const RESERVED: &[&str] = &[
    "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$", "CLOCK$", "COM0", "COM1", "COM2", "COM3",
    "COM4", "COM5", "COM6", "COM7", "COM8", "COM9", "COM¹", "COM²", "COM³", "LPT0", "LPT1", "LPT2",
    "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9", "LPT¹", "LPT²", "LPT³",
];

/// Checks one output path: relative, '/'-separated, portable to every OS a site is built or
/// hosted on. Returns the reason it is refused.
pub fn validate_path(path: &str) -> std::result::Result<(), String> {
    if path.is_empty() {
        return Err("empty path".into());
    }
    if path.starts_with('/') {
        return Err("absolute path".into());
    }
    if path.contains('\\') {
        return Err("contains a backslash".into());
    }
    if path.contains('\0') {
        return Err("contains NUL".into());
    }
    if let Some(c) = path.chars().find(|c| c.is_control()) {
        return Err(format!("contains control character {c:?}"));
    }
    for seg in path.split('/') {
        match seg {
            "" => return Err("empty segment".into()),
            "." => return Err("'.' segment".into()),
            ".." => return Err("'..' segment".into()),
            _ => {}
        }
        if seg.len() > 255 {
            return Err(format!("segment longer than 255 bytes ({})", seg.len()));
        }
        if let Some(c) = seg.chars().find(|c| "<>:\"|?*".contains(*c)) {
            return Err(format!("contains {c:?} (drive prefix or not portable)"));
        }
        if seg.ends_with('.') || seg.ends_with(' ') {
            return Err("segment ends with '.' or ' ' (not portable)".into());
        }
        let stem = seg.split('.').next().unwrap_or(seg).trim_end();
        if RESERVED.iter().any(|r| r.eq_ignore_ascii_case(stem)) {
            return Err(format!("{stem:?} is a reserved device name on Windows"));
        }
    }
    if path == MANIFEST_FILE || path == LOCK_FILE || path.contains(TMP_MARKER) {
        return Err("name reserved for litopys' own files".into());
    }
    Ok(())
}

/// Validates every path, and that no path is given twice or is both a file and a folder.
#[cfg(test)]
fn validate_all(files: &[OutputFile]) -> std::result::Result<(), InvalidPaths> {
    let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
    validate_paths(&paths)
}

/// [`validate_all`] on paths.
fn validate_paths(files: &[&str]) -> std::result::Result<(), InvalidPaths> {
    let mut bad: Vec<(String, String)> = Vec::new();
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    // Lower-cased path → first path seen: paths differing only in case overwrite each other on
    // macOS and Windows (and on the hosts a site may be deployed from).
    let mut folded: BTreeMap<String, &str> = BTreeMap::new();
    for &f in files {
        if let Err(why) = validate_path(f) {
            bad.push((f.to_string(), why));
        } else if !seen.insert(f) {
            bad.push((f.to_string(), "given more than once".into()));
        } else if let Some(other) = folded.insert(f.to_lowercase(), f) {
            bad.push((
                f.to_string(),
                format!("differs from {other:?} only in case (they clash on macOS and Windows)"),
            ));
        }
    }
    // A file whose path is a folder of another file.
    for &f in files {
        let mut prefix = f;
        while let Some(i) = prefix.rfind('/') {
            prefix = &prefix[..i];
            if seen.contains(prefix) {
                bad.push((
                    prefix.to_string(),
                    format!("is a file, but also the folder of {:?}", f),
                ));
            }
        }
    }
    if bad.is_empty() {
        Ok(())
    } else {
        Err(InvalidPaths { paths: bad })
    }
}

/// One manifest entry: what the previous write left at a path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Entry {
    sha256: String,
    len: u64,
    /// mtime when written, as seconds and nanoseconds since the epoch.
    mtime: (u64, u32),
    /// The render key of the page written here ([`crate::render::Rendered::key`]), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    key: Option<String>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Manifest {
    version: u32,
    files: BTreeMap<String, Entry>,
}

fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut s = String::with_capacity(64);
    for b in digest {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

fn mtime_of(meta: &fs::Metadata) -> (u64, u32) {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map(|d| (d.as_secs(), d.subsec_nanos()))
        .unwrap_or((0, 0))
}

/// Parses the manifest; `None` if it is unreadable or of another version. Entries whose path
/// is not valid are dropped (a hand-edited manifest cannot point outside).
fn parse_manifest(text: &[u8]) -> Option<Manifest> {
    let mut m: Manifest = serde_json::from_slice(text).ok()?;
    if m.version != MANIFEST_VERSION {
        return None;
    }
    m.files
        .retain(|p, e| validate_path(p).is_ok() && e.sha256.len() == 64);
    Some(m)
}

static TMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// Writes `bytes` to `target` through a temporary file in the same folder and a rename.
fn write_atomic(target: &Path, bytes: &[u8]) -> std::io::Result<fs::Metadata> {
    let dir = target.parent().unwrap_or(Path::new("."));
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    // Keep the temp name short enough for a 255-byte name limit.
    let short: String = name.chars().take(64).collect();
    let tmp = dir.join(format!(
        ".{short}{TMP_MARKER}{}-{}",
        std::process::id(),
        TMP_COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let result = (|| {
        let mut f = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        f.write_all(bytes)?;
        drop(f);
        fs::rename(&tmp, target)?;
        fs::symlink_metadata(target)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Holds the exclusive lock on `out_dir/.litopys-lock` while alive. While a write runs the
/// lock file holds the writer's pid; it is emptied when the write ends, so a non-empty lock
/// file found on locking means the previous writer was killed mid-write.
struct Lock {
    file: fs::File,
}

impl Lock {
    /// Whether the previous writer died mid-write (and may have left temporary files).
    fn previous_interrupted(&mut self) -> bool {
        self.file.metadata().is_ok_and(|m| m.len() > 0)
    }

    /// Marks a write as running.
    fn begin(&mut self) -> std::io::Result<()> {
        self.file.set_len(0)?;
        self.file
            .write_all(format!("{}\n", std::process::id()).as_bytes())
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        // The write ended (successfully or not); the file lock itself goes with the handle.
        let _ = self.file.set_len(0);
    }
}

/// Removes temporary files an interrupted write left under `root` (only ours: their names
/// carry [`TMP_MARKER`]; nobody else writes them while we hold the lock).
fn remove_leftover_temp_files(root: &Path) {
    for entry in walkdir::WalkDir::new(root).into_iter().flatten() {
        if entry.file_type().is_file() && entry.file_name().to_string_lossy().contains(TMP_MARKER) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

fn lock(out_dir: &Path) -> Result<Lock> {
    let path = out_dir.join(LOCK_FILE);
    let f = fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .with_context(|| format!("cannot open lock file {}", path.display()))?;
    match f.try_lock() {
        Ok(()) => {}
        Err(fs::TryLockError::WouldBlock) => {
            eprintln!(
                "waiting for another litopys writing {} to finish…",
                out_dir.display()
            );
            f.lock()
                .with_context(|| format!("cannot lock {}", path.display()))?;
        }
        Err(fs::TryLockError::Error(e)) => {
            return Err(e).with_context(|| format!("cannot lock {}", path.display()));
        }
    }
    Ok(Lock { file: f })
}

/// The result of writing one file: (written, its new manifest entry) or the reason it failed.
type Outcome = std::result::Result<(bool, Entry), String>;

/// What to do with one file.
enum Plan {
    Unchanged(Entry),
    Write,
}

/// One file to put in the output: its bytes, or none when the previous write's file at `path`
/// is kept because its render key matched.
struct Item<'a> {
    path: &'a str,
    bytes: Option<&'a [u8]>,
    key: Option<&'a str>,
}

/// Pages kept by their render key whose files changed on disk (or lost their manifest entry)
/// since [`previous_keys`] looked: nothing was written; render them again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeptFileChanged {
    pub paths: Vec<String>,
}

impl std::fmt::Display for KeptFileChanged {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} file(s) changed in the output folder during the build (first: {:?})",
            self.paths.len(),
            self.paths.first().map(String::as_str).unwrap_or("")
        )
    }
}

impl std::error::Error for KeptFileChanged {}

/// Whether the file on disk is still what the manifest entry recorded (same length and mtime;
/// the file is not read).
fn intact(root: &Path, rel: &str, e: &Entry) -> bool {
    fs::symlink_metadata(root.join(rel))
        .is_ok_and(|m| m.is_file() && m.len() == e.len && mtime_of(&m) == e.mtime)
}

/// The render keys of the previous write into `out_dir` whose files are still intact: path →
/// key. Empty when there is no usable manifest.
pub fn previous_keys(out_dir: &Path) -> std::collections::HashMap<String, String> {
    let Ok(root) = out_dir.canonicalize() else {
        return Default::default();
    };
    let Some(m) = fs::read(root.join(MANIFEST_FILE))
        .ok()
        .as_deref()
        .and_then(parse_manifest)
    else {
        return Default::default();
    };
    m.files
        .into_par_iter()
        .filter_map(|(path, e)| {
            let key = e.key.clone()?;
            intact(&root, &path, &e).then_some((path, key))
        })
        .collect()
}

/// Makes `out_dir` hold exactly `files` (plus files it never wrote, and its two hidden files).
pub fn write(out_dir: &Path, files: &[OutputFile]) -> Result<WriteStats> {
    let items: Vec<Item> = files
        .iter()
        .map(|f| Item {
            path: &f.path,
            bytes: Some(&f.bytes),
            key: None,
        })
        .collect();
    write_items(out_dir, &items)
}

/// [`write`] for [`crate::render::render_incremental`]'s pages: records each page's render key,
/// and keeps the previous file of a page rendered as kept. If such a file changed on disk since
/// [`previous_keys`] looked, nothing is written and the error is a [`KeptFileChanged`].
pub fn write_rendered(out_dir: &Path, files: &[crate::render::Rendered]) -> Result<WriteStats> {
    let items: Vec<Item> = files
        .iter()
        .map(|f| Item {
            path: &f.path,
            bytes: f.bytes.as_deref(),
            key: f.key.as_deref(),
        })
        .collect();
    write_items(out_dir, &items)
}

fn write_items(out_dir: &Path, files: &[Item]) -> Result<WriteStats> {
    let paths: Vec<&str> = files.iter().map(|f| f.path).collect();
    validate_paths(&paths)?;
    fs::create_dir_all(out_dir)
        .with_context(|| format!("cannot create output folder {}", out_dir.display()))?;
    let root = out_dir
        .canonicalize()
        .with_context(|| format!("cannot resolve output folder {}", out_dir.display()))?;
    let mut lock = lock(&root)?;
    if lock.previous_interrupted() {
        remove_leftover_temp_files(&root);
    }
    lock.begin()
        .with_context(|| format!("cannot write {}", root.join(LOCK_FILE).display()))?;

    let old_bytes = fs::read(root.join(MANIFEST_FILE)).ok();
    let old = old_bytes.as_deref().and_then(parse_manifest);
    let old_files = old.map(|m| m.files).unwrap_or_default();
    // Kept pages need their previous file, untouched, before anything changes.
    let lost: Vec<String> = files
        .par_iter()
        .filter(|f| f.bytes.is_none())
        .filter(|f| {
            !old_files
                .get(f.path)
                .is_some_and(|e| e.key.as_deref() == f.key && intact(&root, f.path, e))
        })
        .map(|f| f.path.to_string())
        .collect();
    if !lost.is_empty() {
        return Err(KeptFileChanged { paths: lost }.into());
    }
    // What will be on disk when we are done; starts as the old record and is updated as we go,
    // so that even a failed write leaves a manifest that tells the truth.
    let mut record: BTreeMap<String, Entry> = old_files.clone();
    let mut errors: Vec<String> = Vec::new();
    let mut stats = WriteStats::default();

    // 1. Remove stale files first (a stale file may be in the way of a new folder).
    let wanted: BTreeSet<&str> = files.iter().map(|f| f.path).collect();
    let stale: Vec<&String> = old_files
        .keys()
        .filter(|p| !wanted.contains(p.as_str()))
        .collect();
    let mut emptied: BTreeSet<PathBuf> = BTreeSet::new();
    for rel in stale {
        let target = root.join(rel);
        match dir_inside(&root, target.parent().unwrap_or(&root)) {
            Ok(true) => {}
            Ok(false) => {
                // Never touch anything outside; just forget it.
                record.remove(rel);
                continue;
            }
            Err(e) => {
                if e.kind() == ErrorKind::NotFound {
                    record.remove(rel);
                } else {
                    errors.push(format!("cannot check {rel}: {e}"));
                }
                continue;
            }
        }
        match fs::symlink_metadata(&target) {
            Ok(m) if m.is_dir() => {
                // Someone replaced our file with a folder: not ours any more.
                record.remove(rel);
            }
            Ok(_) => match fs::remove_file(&target) {
                Ok(()) => {
                    stats.removed += 1;
                    record.remove(rel);
                    if let Some(p) = target.parent() {
                        emptied.insert(p.to_path_buf());
                    }
                }
                Err(e) => errors.push(format!("cannot remove {rel}: {e}")),
            },
            Err(_) => {
                record.remove(rel);
            }
        }
    }
    // The folders the new files go into.
    let folders: BTreeSet<&str> = files
        .iter()
        .filter_map(|f| f.path.rfind('/').map(|i| &f.path[..i]))
        .collect();
    // Remove the folders stale files left empty, deepest first, up to (not including) root,
    // keeping those the new files need.
    let needed: BTreeSet<PathBuf> = folders
        .iter()
        .flat_map(|rel| {
            let dir = root.join(rel);
            dir.ancestors()
                .take_while(|a| *a != root)
                .map(Path::to_path_buf)
                .collect::<Vec<_>>()
        })
        .collect();
    let mut dirs: Vec<PathBuf> = emptied.into_iter().collect();
    dirs.sort_by_key(|d| std::cmp::Reverse(d.components().count()));
    for d in dirs {
        let mut cur = Some(d.as_path());
        while let Some(dir) = cur {
            if dir == root
                || !dir.starts_with(&root)
                || needed.contains(dir)
                || fs::remove_dir(dir).is_err()
            {
                break;
            }
            cur = dir.parent();
        }
    }

    // 2. Create the folders, in a deterministic order, and check each lies inside root.
    let mut bad_folders: BTreeSet<&str> = BTreeSet::new();
    for rel in &folders {
        if let Err(e) = ensure_dir(&root, rel) {
            errors.push(format!("cannot create folder {rel}: {e}"));
            bad_folders.insert(rel);
        }
    }

    // 3. Decide and write, in parallel.
    let results: Vec<(usize, Outcome)> = files
        .par_iter()
        .enumerate()
        .filter(|(_, f)| {
            let folder = f.path.rfind('/').map(|i| &f.path[..i]);
            !folder.is_some_and(|d| bad_folders.contains(d))
        })
        .map(|(i, f)| (i, write_one(&root, f, old_files.get(f.path))))
        .collect();
    for (i, r) in results {
        let path = files[i].path;
        match r {
            Ok((written, entry)) => {
                if written {
                    stats.written += 1;
                } else {
                    stats.unchanged += 1;
                }
                record.insert(path.to_string(), entry);
            }
            Err(e) => errors.push(format!("cannot write {path}: {e}")),
        }
    }

    // 4. Record what is on disk now.
    let manifest = Manifest {
        version: MANIFEST_VERSION,
        files: record,
    };
    let json = serde_json::to_vec_pretty(&manifest).context("cannot encode the manifest")?;
    if old_bytes.as_deref() == Some(json.as_slice()) {
        // Nothing changed: leave the manifest (and its mtime) alone too.
    } else if let Err(e) = write_atomic(&root.join(MANIFEST_FILE), &json) {
        errors.push(format!("cannot write {MANIFEST_FILE}: {e}"));
    }
    if errors.is_empty() {
        Ok(stats)
    } else {
        anyhow::bail!(
            "writing {} failed ({} written, {} unchanged, {} removed before the failure):\n  {}",
            out_dir.display(),
            stats.written,
            stats.unchanged,
            stats.removed,
            errors.join("\n  ")
        )
    }
}

/// Whether folder `dir`, resolved through symlinks, lies inside the canonical `root`.
fn dir_inside(root: &Path, dir: &Path) -> std::io::Result<bool> {
    Ok(dir.canonicalize()?.starts_with(root))
}

/// Creates folder `rel` under the canonical `root` one segment at a time, refusing any
/// existing segment that resolves outside `root` (nothing is created through such a symlink).
fn ensure_dir(root: &Path, rel: &str) -> std::result::Result<(), String> {
    let mut cur = root.to_path_buf();
    for seg in rel.split('/') {
        cur.push(seg);
        match fs::symlink_metadata(&cur) {
            Ok(m) if m.is_dir() => {}
            Ok(m) if m.file_type().is_symlink() => {
                if !dir_inside(root, &cur).map_err(|e| e.to_string())? {
                    return Err(format!(
                        "{} is a symlink that resolves outside the output folder",
                        cur.display()
                    ));
                }
                if !cur.is_dir() {
                    return Err(format!("{} is not a folder", cur.display()));
                }
            }
            Ok(_) => return Err(format!("a file is in the way at {}", cur.display())),
            Err(e) if e.kind() == ErrorKind::NotFound => match fs::create_dir(&cur) {
                Ok(()) => {}
                Err(e) if e.kind() == ErrorKind::AlreadyExists && cur.is_dir() => {}
                Err(e) => return Err(e.to_string()),
            },
            Err(e) => return Err(e.to_string()),
        }
    }
    if dir_inside(root, &cur).map_err(|e| e.to_string())? {
        Ok(())
    } else {
        Err("resolves outside the output folder".into())
    }
}

/// Writes one file unless its bytes are already there; returns (written, new entry).
fn write_one(root: &Path, f: &Item, old: Option<&Entry>) -> Outcome {
    let key = f.key.map(str::to_string);
    let Some(bytes) = f.bytes else {
        // Kept: checked intact before anything was written.
        return match old {
            Some(e) => Ok((false, Entry { key, ..e.clone() })),
            None => Err("kept without a previous file".into()),
        };
    };
    let target = root.join(f.path);
    let hash = sha256_hex(bytes);
    let len = bytes.len() as u64;
    let meta = fs::symlink_metadata(&target).ok();
    if let Some(m) = &meta {
        if m.is_dir() {
            return Err("a folder is in the way".into());
        }
    }
    let plan = match (&meta, old) {
        (Some(m), Some(e))
            if m.is_file()
                && e.sha256 == hash
                && e.len == len
                && m.len() == len
                && mtime_of(m) == e.mtime =>
        {
            Plan::Unchanged(Entry {
                key: key.clone(),
                ..e.clone()
            })
        }
        (Some(m), _) if m.is_file() && m.len() == len => match fs::read(&target) {
            Ok(disk) if disk == bytes => Plan::Unchanged(Entry {
                sha256: hash.clone(),
                len,
                mtime: mtime_of(m),
                key: key.clone(),
            }),
            _ => Plan::Write,
        },
        _ => Plan::Write,
    };
    match plan {
        Plan::Unchanged(e) => Ok((false, e)),
        Plan::Write => {
            let m = write_atomic(&target, bytes).map_err(|e| e.to_string())?;
            Ok((
                true,
                Entry {
                    sha256: hash,
                    len,
                    mtime: mtime_of(&m),
                    key,
                },
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn good_paths() {
        for p in [
            "index.html",
            "a/b/c.html",
            ".well-known/x",
            "people/кирило-буданов/index.html",
            "a.b.c",
            "console/index.html",
            "com10.html",
        ] {
            assert_eq!(validate_path(p), Ok(()), "{p}");
        }
    }

    #[test]
    fn bad_paths() {
        let long = "x".repeat(300);
        for p in [
            "",
            "../x",
            "a/../x",
            "/etc/passwd",
            "a//b",
            "a/./b",
            "./a",
            "a/",
            "a\\b",
            "\\\\server\\share",
            "C:/x",
            "c:x",
            "con/index.html",
            "a/NUL.txt",
            "Com1",
            "lpt9.html",
            "a\0b",
            "a\nb",
            long.as_str(),
            "a./b",
            "a /b",
            ".litopys-manifest",
            ".litopys-lock",
        ] {
            assert!(validate_path(p).is_err(), "{p:?} accepted");
        }
    }

    #[test]
    fn duplicates_and_file_folder_clashes() {
        let f = |p: &str| OutputFile {
            path: p.into(),
            bytes: vec![],
        };
        let e = validate_all(&[f("a"), f("a/b"), f("c"), f("c"), f("D.html"), f("d.html")])
            .unwrap_err();
        assert_eq!(e.paths.len(), 3, "{e}");
        assert_eq!(e.paths[1].0, "d.html");
    }

    #[test]
    fn hash_is_hex_sha256() {
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}
