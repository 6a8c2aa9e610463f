//! Writing `public/`: makes the output folder hold exactly the rendered files, touching as
//! little as possible.
//!
//! - Every path is validated before anything touches the disk ([`validate_path`]); one bad
//!   path fails the whole write with a list of every bad path ([`InvalidPaths`]).
//! - A manifest, `out_dir/.litopys-manifest` (a line per file: length, mtime, render key and
//!   path; its format is in [`manifest`]), records
//!   what the previous write produced. A file whose new bytes have the length of the file on
//!   disk is compared with it byte for byte; when they are equal the file is left alone and keeps
//!   its mtime. (Pages whose render key is unchanged are not even rendered: see below.)
//! - A write is a [`Session`]: files are handed to it one by one as they are rendered (in
//!   parallel); a file whose bytes are already on disk is only recorded, a changed one is
//!   written at once to a staging folder inside the output folder (`.litopys-tmp-<pid>-<n>/`), so
//!   no rendered page has to stay in memory. Only [`Session::commit`], once every page has
//!   rendered, changes anything visible: it renames the staged files into place, so a
//!   half-written file is never visible at its final path (readers such as `serve` see the old
//!   or the new bytes), and a failed build (render errors, bad paths) leaves the output folder
//!   as it was (dropping the session removes the staging folder). There is no fsync: a crash
//!   can lose a write, never tear one.
//! - Into an output folder that did not exist (a first build), nothing was visible to keep
//!   intact: each file is written straight to its path as it comes ([`Direct`]), and a session
//!   that ends without committing removes the folder it made with everything in it.
//! - A page whose render key (see [`crate::render`]) equals the one the manifest recorded, and
//!   whose file is intact (same length and mtime: checked once, when kept), is kept without
//!   rendering ([`Session::keep`]); a set of files rendered together (the search index) is kept
//!   as a [`Group`], and the search index keeps each of its files by a key of what it is made
//!   of, too (`src/search.rs`).
//! - The manifest also keeps the previous build's [`Stamp`]: a digest of everything that
//!   build was made from. A build whose inputs have the same digest, finding every file of the
//!   manifest intact, has nothing to do ([`Session::unchanged`]).
//! - Files the previous write produced and this one does not are removed, then the folders they
//!   leave empty. Files the manifest does not know (a `CNAME`, `.well-known/`) are left alone.
//!   If the manifest is missing or unreadable nothing is removed (there is no record of what is
//!   ours) and the next write has a manifest again.
//! - Nothing is written outside `out_dir`: every folder a file goes into is canonicalized and
//!   must lie inside the canonicalized `out_dir` (a symlinked sub-folder pointing elsewhere is
//!   refused).
//! - An exclusive lock on `out_dir/.litopys-lock` is held for the whole write, so two builds at
//!   once write one after the other. The lock file holds the writer's pid during a write; if a
//!   writer was killed mid-write, the next one removes the temporary files and staging folder
//!   it left.
//!
//! Both hidden files start with `.litopys`; static hosts ignore dot-files or serve them
//! harmlessly, and `rsync --exclude '.litopys-*'` leaves them out of a deploy.

use crate::render::OutputFile;
use anyhow::{Context, Result};
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fs;
use std::io::{ErrorKind, Write as _};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::UNIX_EPOCH;

/// The manifest of the previous write, inside the output folder.
pub const MANIFEST_FILE: &str = ".litopys-manifest";
/// The lock file held during a write, inside the output folder.
pub const LOCK_FILE: &str = ".litopys-lock";
/// The render plan of the previous write ([`crate::render::plan`]), inside the output folder;
/// the manifest names its digest, so it is only used with the manifest written with it.
pub const PLAN_FILE: &str = ".litopys-plan";
/// Marker in the names of temporary files (`.<name>.litopys-tmp-<pid>-<n>`).
const TMP_MARKER: &str = ".litopys-tmp-";

mod manifest;

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
    if plainly_valid(path) {
        return Ok(());
    }
    validate_path_slowly(path)
}

/// What a byte is to [`plainly_valid`].
const PLAIN: u8 = 0;
const SPACE: u8 = 1;
const SLASH: u8 = 2;
const DOT: u8 = 3;
/// A byte that may make a path invalid: leave it to [`validate_path_slowly`].
const ODD: u8 = 4;

/// [`PLAIN`], [`SLASH`], [`DOT`], [`SPACE`] or [`ODD`] for each byte.
static BYTE_CLASS: [u8; 256] = {
    let mut t = [PLAIN; 256];
    let mut b = 0;
    while b < 0x20 {
        t[b] = ODD;
        b += 1;
    }
    let odd = b"\\<>:\"|?*\x7f\xc2";
    let mut i = 0;
    while i < odd.len() {
        t[odd[i] as usize] = ODD;
        i += 1;
    }
    t[b'/' as usize] = SLASH;
    t[b'.' as usize] = DOT;
    t[b' ' as usize] = SPACE;
    t
};

/// True when `text` is certainly valid, decided in one pass over its bytes; false when it
/// may not be (then [`validate_path_slowly`] decides and says why). It answers false for
/// every byte [`validate_path_slowly`] looks at in a character (controls, C1 lead byte,
/// backslash, `<>:"|?*`), for a segment that is empty, starts with a dot, ends with a dot or
/// space, is longer than 255 bytes, or whose (trimmed) stem is a device name, and for any
/// `.litopys` in the path (litopys' own files).
fn plainly_valid(text: &str) -> bool {
    plain_len(text) == Some(text.len())
}

/// How much of `text` is plainly a valid path ([`plainly_valid`]) up to its first [`ODD`]
/// byte (or its end): the length of that part when it is, none when it may not be. (A line
/// break is odd, so this finds where a path ends in a line, too.)
fn plain_len(text: &str) -> Option<usize> {
    let path = text.as_bytes();
    let mut seg_start = 0;
    let mut i = 0;
    while let Some(&b) = path.get(i) {
        let class = BYTE_CLASS[b as usize];
        if class <= SPACE {
            i += 1;
            continue;
        }
        match class {
            DOT => {
                if path[i + 1..].starts_with(b"litopys") {
                    return None;
                }
            }
            SLASH => {
                if !segment_plain(&text[seg_start..i]) {
                    return None;
                }
                seg_start = i + 1;
            }
            _ => break,
        }
        i += 1;
    }
    // An odd byte is ASCII or a lead byte: `i` is a char boundary.
    segment_plain(&text[seg_start..i]).then_some(i)
}

/// One segment for [`plainly_valid`].
fn segment_plain(seg: &str) -> bool {
    let bytes = seg.as_bytes();
    let (Some(&first), Some(&last)) = (bytes.first(), bytes.last()) else {
        return false;
    };
    if bytes.len() > 255 || first == b'.' || last == b'.' || last == b' ' {
        return false;
    }
    // Every device name starts with one of these letters; only then is the stem (trimmed as
    // [`validate_path_slowly`] trims it) compared with them.
    if !matches!(first.to_ascii_lowercase(), b'a' | b'c' | b'l' | b'n' | b'p') {
        return true;
    }
    let stem = bytes.iter().position(|&b| b == b'.').unwrap_or(bytes.len());
    let stem = seg[..stem].trim_end();
    !((RESERVED_MIN..=RESERVED_MAX).contains(&stem.len())
        && RESERVED.iter().any(|r| r.eq_ignore_ascii_case(stem)))
}

/// [`validate_path`] check by check, with the reason for a refusal.
fn validate_path_slowly(path: &str) -> std::result::Result<(), String> {
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
    // Control characters are C0, DEL and C1; C1 characters are encoded with a lead byte 0xC2.
    if path.bytes().any(|b| b < 0x20 || b == 0x7f || b == 0xc2) {
        if let Some(c) = path.chars().find(|c| c.is_control()) {
            return Err(format!("contains control character {c:?}"));
        }
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
        // The characters refused are ASCII, so a byte is one of them only as itself.
        if let Some(b) = seg.bytes().find(|b| b"<>:\"|?*".contains(b)) {
            let c = char::from(b);
            return Err(format!("contains {c:?} (drive prefix or not portable)"));
        }
        if seg.ends_with('.') || seg.ends_with(' ') {
            return Err("segment ends with '.' or ' ' (not portable)".into());
        }
        let stem = seg.split('.').next().unwrap_or(seg).trim_end();
        if (RESERVED_MIN..=RESERVED_MAX).contains(&stem.len())
            && RESERVED.iter().any(|r| r.eq_ignore_ascii_case(stem))
        {
            return Err(format!("{stem:?} is a reserved device name on Windows"));
        }
    }
    if path == MANIFEST_FILE || path == LOCK_FILE || path == PLAN_FILE || path.contains(TMP_MARKER)
    {
        return Err("name reserved for litopys' own files".into());
    }
    Ok(())
}

/// The shortest and longest [`RESERVED`] names, in bytes.
const RESERVED_MIN: usize = 3;
const RESERVED_MAX: usize = 7;

/// Validates every path, and that no path is given twice or is both a file and a folder.
#[cfg(test)]
fn validate_all(files: &[OutputFile]) -> std::result::Result<(), InvalidPaths> {
    let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
    validate_paths(&paths, |_| false)
}

/// [`validate_all`] on paths; `checked` tells paths already known to pass [`validate_path`]
/// (those the previous build's manifest gave, which was read through it), not checked again.
fn validate_paths(
    files: &[&str],
    checked: impl Fn(&str) -> bool + Sync,
) -> std::result::Result<(), InvalidPaths> {
    let mut bad: Vec<(String, String)> = Vec::new();
    let mut seen: FxHashSet<&str> = FxHashSet::default();
    seen.reserve(files.len());
    // Lower-cased path → first path seen: paths differing only in case overwrite each other on
    // macOS and Windows (and on the hosts a site may be deployed from). A path without
    // upper-case ASCII or any non-ASCII is its own lower case.
    let mut folded: FxHashMap<std::borrow::Cow<'_, str>, &str> = FxHashMap::default();
    folded.reserve(files.len());
    // Each path checked on its own, in parallel; then the checks across paths, in order.
    let checked: Vec<std::result::Result<(), String>> = {
        use rayon::prelude::*;
        files
            .par_iter()
            .map(|f| if checked(f) { Ok(()) } else { validate_path(f) })
            .collect()
    };
    for (&f, check) in files.iter().zip(checked) {
        if let Err(why) = check {
            bad.push((f.to_string(), why));
        } else if !seen.insert(f) {
            bad.push((f.to_string(), "given more than once".into()));
        } else if let Some(other) = folded.insert(
            if f.bytes().any(|b| b.is_ascii_uppercase() || !b.is_ascii()) {
                std::borrow::Cow::Owned(f.to_lowercase())
            } else {
                std::borrow::Cow::Borrowed(f)
            },
            f,
        ) {
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

/// The checks of [`validate_paths`] across paths (none given twice, none differing from
/// another only in case, none the folder of another), for paths each known to be valid. True
/// when they are in increasing order (then [`plainly_apart`] decided, in one pass).
fn check_across(paths: &[&str]) -> std::result::Result<bool, InvalidPaths> {
    if plainly_apart(paths) {
        return Ok(true);
    }
    validate_paths(paths, |_| true).map(|()| false)
}

/// Whether a path has a lower case of its own (upper-case ASCII or any non-ASCII byte).
fn folds(path: &str) -> bool {
    // Without stopping early, so that it runs over words.
    path.bytes()
        .fold(false, |any, b| any | b.is_ascii_uppercase() | (b >= 0x80))
}

/// True when `paths` are in strictly increasing order and pass [`validate_paths`]' checks
/// across paths; false when they are not in order or may not pass (then
/// [`validate_paths`] decides, and says why).
fn plainly_apart(paths: &[&str]) -> bool {
    // In order, each path is only a folder of the paths right after it (which all start with
    // it): `chain` holds the earlier paths that start the current one.
    let mut chain: Vec<&str> = Vec::new();
    let mut last: Option<&str> = None;
    for &p in paths {
        if last.is_some_and(|l| l >= p) {
            return false;
        }
        last = Some(p);
        while chain.last().is_some_and(|top| !p.starts_with(top)) {
            chain.pop();
        }
        if chain.iter().any(|top| p.as_bytes()[top.len()] == b'/') {
            return false;
        }
        chain.push(p);
    }
    // Two paths clash in case only if one of them has a lower case of its own.
    let mut lowered: FxHashSet<String> = FxHashSet::default();
    for &p in paths.iter().filter(|p| folds(p)) {
        let lower = p.to_lowercase();
        let plain_twin = paths
            .binary_search(&lower.as_str())
            .is_ok_and(|k| !folds(paths[k]));
        if plain_twin || !lowered.insert(lower) {
            return false;
        }
    }
    true
}

/// One manifest entry: what the previous write left at a path.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    len: u64,
    /// mtime when written, as seconds and nanoseconds since the epoch.
    mtime: (u64, u32),
    /// The render key of the page written here ([`crate::render::Rendered::key`]), if any.
    key: Option<String>,
}

/// What a build was made from (`key`, a digest of all its inputs) and what it reported: a
/// later build with the same key would write the same files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    pub key: String,
    pub articles: usize,
    pub people: usize,
}

fn mtime_of(meta: &fs::Metadata) -> (u64, u32) {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map(|d| (d.as_secs(), d.subsec_nanos()))
        .unwrap_or((0, 0))
}

static TMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// Writes the bytes `fill` hands over, piece by piece, to `target` as [`write_atomic_with`]
/// writes a file, and gives their digest ([`crate::hash`]); none if `fill` gives up or a write
/// fails (nothing is left at `target` then but what was there before).
fn write_atomic_pieces(
    target: &Path,
    fill: impl FnOnce(&mut dyn FnMut(&[u8])) -> Option<()>,
) -> Option<crate::hash::Digest> {
    let mut h = crate::hash::Hasher::new();
    write_atomic_with(target, |f| {
        let mut written = Ok(());
        let filled = fill(&mut |piece| {
            h.update(piece);
            if written.is_ok() {
                written = f.write_all(piece);
            }
        });
        written?;
        filled.ok_or_else(|| std::io::Error::other("not written whole"))
    })
    .ok()?;
    Some(h.finalize())
}

/// Makes `target` the file `fill` writes: written to a temporary file in the same folder,
/// then renamed (removed instead if anything fails).
fn write_atomic_with(
    target: &Path,
    fill: impl FnOnce(&mut fs::File) -> std::io::Result<()>,
) -> std::io::Result<()> {
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
        fill(&mut f)?;
        drop(f);
        fs::rename(&tmp, target)
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

/// Removes temporary files and staging folders an interrupted write left under `root` (only
/// ours: their names carry [`TMP_MARKER`]; nobody else writes them while we hold the lock).
fn remove_leftover_temp_files(root: &Path) {
    if let Ok(dir) = fs::read_dir(root) {
        for entry in dir.flatten() {
            let staging = entry.file_name().to_string_lossy().starts_with(TMP_MARKER);
            if staging && entry.file_type().is_ok_and(|t| t.is_dir()) {
                let _ = fs::remove_dir_all(entry.path());
            }
        }
    }
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

/// The render plan in the output folder `root`, if its digest is `key` and it decodes.
fn read_plan(root: &Path, key: &str) -> Option<crate::render::plan::Plan> {
    // Mapped, not read ([`crate::mapped`]): only Litopys writes it, by a rename.
    let bytes = crate::mapped::cache_file(&root.join(PLAN_FILE)).ok()?;
    (crate::hash::hex(&crate::hash::digest(&bytes)) == key)
        .then(|| crate::render::plan::decode_from(bytes))
        .flatten()
}

/// Whether the file at `rel` in `root` is still what the manifest recorded (length `len` and
/// `mtime`; the file is not read).
fn intact(
    root: &crate::folder::Folder,
    rel: impl AsRef<Path>,
    len: u64,
    mtime: (u64, u32),
) -> bool {
    root.status(rel, false)
        .is_some_and(|s| s.is_file && s.size == len && s.mtime == mtime)
}

/// Calls `f` with `root.join(rel)` (`rel` relative), built in a buffer of this thread: a kept
/// page's check allocates nothing.
fn with_joined<R>(root: &Path, rel: &str, f: impl FnOnce(&Path) -> R) -> R {
    thread_local! {
        static JOINED: std::cell::RefCell<PathBuf> = std::cell::RefCell::new(PathBuf::new());
    }
    JOINED.with(|cell| match cell.try_borrow_mut() {
        Ok(mut buf) => {
            let s = buf.as_mut_os_string();
            s.clear();
            s.push(root.as_os_str());
            if !root
                .as_os_str()
                .as_encoded_bytes()
                .last()
                .is_some_and(|&b| std::path::is_separator(char::from(b)))
            {
                s.push(std::path::MAIN_SEPARATOR_STR);
            }
            s.push(rel);
            f(&buf)
        }
        // Only if `f` itself joins (it does not): the plain way.
        Err(_) => f(&root.join(rel)),
    })
}

/// A set of files written and recorded together under one render key (e.g. the search index,
/// whose file names depend on its content): a later write can keep them all without knowing
/// their names in advance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub key: String,
    pub paths: Vec<String>,
}

/// One file of a write, decided: kept, unchanged or staged.
#[derive(Debug)]
pub struct Placed {
    path: String,
    how: How,
}

#[derive(Debug)]
enum How {
    /// Kept by its render key: not rendered at all. The file of that index in the manifest
    /// read.
    Kept(u32),
    /// Rendered to the bytes already on disk.
    Unchanged(Entry),
    /// New bytes, in the staging folder until the commit.
    Staged { tmp: PathBuf, entry: Entry },
    /// New bytes, written at the path itself (into an output folder the session made).
    Direct(Entry),
}

impl Placed {
    pub fn path(&self) -> &str {
        &self.path
    }
}

/// The manifest line of a file placed with `entry`.
fn new_line<'a>(path: &'a str, entry: &'a Entry) -> manifest::Line<'a> {
    manifest::Line::New {
        path,
        len: entry.len,
        mtime: entry.mtime,
        key: entry.key.as_deref(),
    }
}

/// The manifest line of file `i` of the manifest read (at `path`), still on disk but with its
/// key forgotten (a write there failed: render it again next time).
fn forgotten<'a>(old: &manifest::Record, path: &'a str, i: u32) -> manifest::Line<'a> {
    let (len, mtime) = old.stat(i);
    manifest::Line::New {
        path,
        len,
        mtime,
        key: None,
    }
}

/// A write into an output folder in progress: holds the folder's lock; rendered files go to a
/// staging folder inside it (`.litopys-tmp-<pid>-<n>`) as they come, so only changed bytes are kept
/// (on disk, not in memory); [`Session::commit`] then renames them into place, removes stale
/// files and records the manifest. Until the commit nothing visible changes: dropping the
/// session (or [`Session::abort`]) removes the staging folder, and `abort` also removes an output
/// folder the session created.
pub struct Session {
    out_dir: PathBuf,
    /// Canonical output folder.
    root: PathBuf,
    /// The same, open: its files' status is looked up from it.
    folder: crate::folder::Folder,
    /// Whether the output folder did not exist before [`Session::open`] (and the session
    /// has not committed yet): then files are written straight to their paths (see
    /// [`Direct`]), and a session that ends without committing removes the folder.
    created: bool,
    /// The folders made for files written straight to their paths, when `created`.
    direct: Option<Direct>,
    lock: Option<Lock>,
    /// The manifest read (empty when there was none, or it was refused).
    old: manifest::Record,
    /// The previous write's render plan and its digest (hex), when the manifest names it and
    /// it is intact.
    old_plan: Option<(crate::render::plan::Plan, String)>,
    /// Recorded in the manifest if the commit succeeds.
    stamp: Option<Stamp>,
    staging: PathBuf,
    counter: AtomicU64,
    /// Ignore the previous write's render keys (render everything).
    forget: bool,
    /// Whether each file of the manifest read is intact, when checked ahead
    /// ([`Session::check_ahead`]).
    checked: std::sync::OnceLock<Vec<bool>>,
}

impl Session {
    /// Creates (if need be) and locks `out_dir`, and reads the previous write's manifest.
    pub fn open(out_dir: &Path) -> Result<Session> {
        let created = fs::symlink_metadata(out_dir).is_err();
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
        // Mapped, not read: a rebuild copies most of its lines into the next one as they are.
        let old = crate::mapped::cache_file(&root.join(MANIFEST_FILE))
            .ok()
            .and_then(manifest::decode)
            .unwrap_or_default();
        let old_plan = old
            .plan
            .as_ref()
            .and_then(|key| Some((read_plan(&root, key)?, key.clone())));
        let staging = root.join(format!(
            "{TMP_MARKER}{}-{}",
            std::process::id(),
            TMP_COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        // A folder of that name can only be left by a killed process of the same pid.
        let _ = fs::remove_dir_all(&staging);
        let mut session = Session {
            out_dir: out_dir.to_path_buf(),
            folder: crate::folder::Folder::open(&root),
            root,
            created,
            direct: created.then(Direct::default),
            lock: Some(lock),
            old,
            old_plan,
            stamp: None,
            staging,
            counter: AtomicU64::new(0),
            forget: false,
            checked: std::sync::OnceLock::new(),
        };
        // A new output folder needs the staging folder only for a file that cannot be written
        // at its path (then made in [`Session::stage`]).
        if session.direct.is_none() {
            if let Err(e) = fs::create_dir(&session.staging) {
                let msg = format!("cannot create {}", session.staging.display());
                session.abort();
                return Err(anyhow::Error::new(e).context(msg));
            }
        }
        Ok(session)
    }

    /// The output folder as given.
    pub fn out_dir(&self) -> &Path {
        &self.out_dir
    }

    /// Makes the previous write's render keys unknown, so every page is rendered (and compared
    /// with the file on disk).
    pub fn forget_keys(&mut self) {
        self.forget = true;
    }

    /// The previous build's stamp, if its key is `key` and every file it wrote is still intact
    /// (checked by length and mtime, in parallel): then there is nothing to write.
    pub fn unchanged(&self, key: &str) -> Option<&Stamp> {
        let stamp = self.old.stamp.as_ref().filter(|s| s.key == key)?;
        if self.forget {
            return None;
        }
        (0..self.old.len() as u32)
            .into_par_iter()
            .all(|i| self.recorded_intact(i))
            .then_some(stamp)
    }

    /// Whether file `i` of the manifest read is still as recorded ([`intact`]).
    fn recorded_intact(&self, i: u32) -> bool {
        let (len, mtime) = self.old.stat(i);
        // Its bytes as they are where the system takes bytes (checked as text when read).
        #[cfg(unix)]
        let rel =
            <std::ffi::OsStr as std::os::unix::ffi::OsStrExt>::from_bytes(self.old.path_bytes(i));
        #[cfg(not(unix))]
        let rel = self.old.path(i);
        intact(&self.folder, rel, len, mtime)
    }

    /// Checks, in parallel, whether each file the previous write recorded is still intact
    /// (length and mtime), for [`Session::keep`] to look up: a rebuild that keeps most pages
    /// runs this while the site loads, when half the machine would otherwise wait. A file
    /// changed between this check and the commit is as one changed just after the commit (the
    /// next build renders it again). Nothing to do when keys are forgotten.
    pub fn check_ahead(&self) {
        if self.forget || self.old.len() == 0 {
            return;
        }
        let flags: Vec<bool> = (0..self.old.len() as u32)
            .into_par_iter()
            .map(|i| self.recorded_intact(i))
            .collect();
        let _ = self.checked.set(flags);
    }

    /// How many files the previous write recorded.
    pub fn previous_files(&self) -> usize {
        self.old.len()
    }

    /// Records `stamp` with the files if the commit succeeds.
    pub fn set_stamp(&mut self, stamp: Stamp) {
        self.stamp = Some(stamp);
    }

    /// The render key the previous write recorded for `path`.
    pub fn previous_key(&self, path: &str) -> Option<&str> {
        if self.forget {
            return None;
        }
        self.old.key(self.old.find(path)?)
    }

    /// The previous write's group `name`.
    pub fn previous_group(&self, name: &str) -> Option<&Group> {
        if self.forget {
            return None;
        }
        self.old.groups.get(name)
    }

    /// The previous write's render plan.
    pub fn previous_plan(&self) -> Option<&crate::render::plan::Plan> {
        if self.forget {
            return None;
        }
        self.old_plan.as_ref().map(|(plan, _)| plan)
    }

    /// Keeps the previous write's file at `path` without rendering it, when its recorded
    /// render key is `key` and the file is still as written; none otherwise (render it).
    pub fn keep(&self, path: &str, key: &str) -> Option<Placed> {
        let i = self.old.find(path)?;
        if self.old.key(i) != Some(key) {
            return None;
        }
        self.keep_file(path, i)
    }

    /// Keeps the previous write's file at `path` when it was recorded with a render key and
    /// is still as written, whatever that key (the render plan found the page unchanged);
    /// none otherwise. One lookup where [`Session::previous_key`] and [`Session::keep`] make
    /// two.
    pub fn keep_as_before(&self, path: &str) -> Option<Placed> {
        if self.forget {
            return None;
        }
        // Where this thread found the page before this one (a hint: any value is safe).
        thread_local! {
            static LAST: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
        }
        let i = self.old.find_near(path, LAST.get())?;
        LAST.set(i);
        self.old.key(i)?;
        self.keep_file(path, i)
    }

    /// Keeps file `i` of the previous write (at `path`) if it is still as written.
    fn keep_file(&self, path: &str, i: u32) -> Option<Placed> {
        let intact = match self.checked.get() {
            Some(flags) => flags.get(i as usize).copied().unwrap_or(false),
            None => self.recorded_intact(i),
        };
        intact.then(|| Placed {
            path: path.to_string(),
            how: How::Kept(i),
        })
    }

    /// Takes the rendered bytes of `path`: unchanged when the file on disk already holds them
    /// (same length, then the same bytes), otherwise written to the staging folder.
    pub fn put(
        &self,
        path: &str,
        key: Option<String>,
        bytes: &[u8],
    ) -> std::result::Result<Placed, String> {
        validate_path(path)?;
        let len = bytes.len() as u64;
        if let Some(direct) = &self.direct {
            if let Some(m) = direct.write(&self.root, path, bytes) {
                return Ok(Placed {
                    path: path.to_string(),
                    how: How::Direct(Entry {
                        len,
                        mtime: mtime_of(&m),
                        key,
                    }),
                });
            }
            // Something is in the way (two files at one path, a file where a folder goes):
            // staged, so that the commit reports it as it would in any folder.
            return self.stage(path, key, bytes);
        }
        let unchanged = with_joined(&self.root, path, |target| {
            let meta = fs::symlink_metadata(target).ok().filter(|m| m.is_file());
            match &meta {
                Some(m) if m.len() == len => match fs::read(target) {
                    Ok(disk) if disk == bytes => Some(mtime_of(m)),
                    _ => None,
                },
                _ => None,
            }
        });
        if let Some(mtime) = unchanged {
            return Ok(Placed {
                path: path.to_string(),
                how: How::Unchanged(Entry { len, mtime, key }),
            });
        }
        self.stage(path, key, bytes)
    }

    /// Writes `bytes` (for `path`) to the staging folder.
    fn stage(
        &self,
        path: &str,
        key: Option<String>,
        bytes: &[u8],
    ) -> std::result::Result<Placed, String> {
        if self.direct.is_some() {
            // Made on the first file that needs it.
            match fs::create_dir(&self.staging) {
                Err(e) if e.kind() != ErrorKind::AlreadyExists => {
                    return Err(format!("cannot create {}: {e}", self.staging.display()));
                }
                _ => {}
            }
        }
        let len = bytes.len() as u64;
        let tmp = self
            .staging
            .join(self.counter.fetch_add(1, Ordering::Relaxed).to_string());
        let written = (|| {
            let mut f = fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&tmp)?;
            f.write_all(bytes)?;
            f.metadata()
        })();
        match written {
            Ok(m) => Ok(Placed {
                path: path.to_string(),
                how: How::Staged {
                    tmp,
                    entry: Entry {
                        len,
                        mtime: mtime_of(&m),
                        key,
                    },
                },
            }),
            Err(e) => {
                let _ = fs::remove_file(&tmp);
                Err(format!("cannot write {}: {e}", tmp.display()))
            }
        }
    }

    /// Makes the output folder hold exactly `files` (plus files it never wrote and its own
    /// hidden files): checks the paths against each other, renames the staged files into
    /// place, removes stale files and the folders they leave empty, and records the manifest
    /// (with `groups`) and the render plan `plan`, whose kept pages are read from the plan
    /// this session read. Invalid paths ([`InvalidPaths`]) fail the commit before anything
    /// visible changes; other I/O errors are reported after doing all the rest.
    pub fn commit(
        mut self,
        files: &[Placed],
        groups: BTreeMap<String, Group>,
        plan: Option<&crate::render::plan::Draft>,
    ) -> Result<WriteStats> {
        // Each path was checked on its own when its file was placed ([`Session::put`] checks
        // it; [`Session::keep`] only keeps paths of the manifest read, checked as it was
        // read): what is left is how they stand to each other.
        let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
        let sorted = match check_across(&paths) {
            Ok(sorted) => sorted,
            Err(e) => {
                drop(paths);
                self.abort();
                return Err(e.into());
            }
        };
        drop(paths);
        // From here on the files written are recorded (even if some fail): the output folder
        // stays, whoever made it.
        self.created = false;
        // Kept files are not checked again: [`Session::keep`] found each intact, and one
        // changed since (by someone else, during the build) no longer matches the entry
        // recorded for it, so the next build renders it again, as it would a file changed
        // just after this commit.
        let root = self.root.clone();
        let old = std::mem::take(&mut self.old);
        // The file of the manifest read at each file's path, if any (a kept file knows it).
        let prior: Vec<Option<u32>> = files
            .par_iter()
            .map(|f| match f.how {
                How::Kept(i) if old.path_checked(i) == Some(f.path.as_str()) => Some(i),
                _ => old.find(&f.path),
            })
            .collect();
        let mut replaced = vec![false; old.len()];
        for &i in prior.iter().flatten() {
            replaced[i as usize] = true;
        }
        // What will be on disk when we are done, so that even a failed write leaves a
        // manifest that tells the truth.
        let mut record: Vec<manifest::Line> = Vec::with_capacity(files.len());
        let mut errors: Vec<String> = Vec::new();
        let mut stats = WriteStats::default();

        // 1. Remove stale files first (a stale file may be in the way of a new folder), in
        // path order (the manifest's).
        let mut emptied: BTreeSet<PathBuf> = BTreeSet::new();
        for i in (0..old.len() as u32).filter(|&i| !replaced[i as usize]) {
            let rel = old.path(i);
            let target = root.join(rel);
            match dir_inside(&root, target.parent().unwrap_or(&root)) {
                // Never touch anything outside; just forget it.
                Ok(false) => continue,
                Ok(true) => {}
                Err(e) => {
                    if e.kind() != ErrorKind::NotFound {
                        errors.push(format!("cannot check {rel}: {e}"));
                        record.push(manifest::Line::Same(i));
                    }
                    continue;
                }
            }
            match fs::symlink_metadata(&target) {
                // Someone replaced our file with a folder: not ours any more.
                Ok(m) if m.is_dir() => {}
                Ok(_) => match fs::remove_file(&target) {
                    Ok(()) => {
                        stats.removed += 1;
                        if let Some(p) = target.parent() {
                            emptied.insert(p.to_path_buf());
                        }
                    }
                    Err(e) => {
                        errors.push(format!("cannot remove {rel}: {e}"));
                        record.push(manifest::Line::Same(i));
                    }
                },
                Err(_) => {}
            }
        }
        drop(replaced);
        // Stale files still recorded go among the new ones: sort then.
        let sorted = sorted && record.is_empty();
        // The folders the new files go into.
        let folders: BTreeSet<&str> = files
            .iter()
            .filter(|f| matches!(f.how, How::Staged { .. }))
            .filter_map(|f| f.path.rfind('/').map(|i| &f.path[..i]))
            .collect();
        // Remove the folders stale files left empty, deepest first, up to (not including)
        // root, keeping those any file needs.
        if !emptied.is_empty() {
            let needed: FxHashSet<&str> = files
                .iter()
                .flat_map(|f| {
                    let p = f.path.as_str();
                    p.match_indices('/').map(move |(i, _)| &p[..i])
                })
                .collect();
            let mut dirs: Vec<PathBuf> = emptied.into_iter().collect();
            dirs.sort_by_key(|d| std::cmp::Reverse(d.components().count()));
            for d in dirs {
                let mut cur = Some(d.as_path());
                while let Some(dir) = cur {
                    let rel = dir
                        .strip_prefix(&root)
                        .ok()
                        .and_then(Path::to_str)
                        .map(|s| s.replace(std::path::MAIN_SEPARATOR, "/"));
                    if dir == root
                        || rel.as_deref().is_none_or(|r| needed.contains(r))
                        || fs::remove_dir(dir).is_err()
                    {
                        break;
                    }
                    cur = dir.parent();
                }
            }
        }

        // 2. Create the folders, in a deterministic order, and check each lies inside root.
        let bad_folders = ensure_dirs(&root, &folders, &mut errors);
        drop(folders);

        // 3. Move the staged files into place, in parallel.
        let staged: Vec<(&str, &Path)> = files
            .iter()
            .filter_map(|f| match &f.how {
                How::Staged { tmp, .. } => Some((f.path.as_str(), tmp.as_path())),
                _ => None,
            })
            .collect();
        // The render plan is written meanwhile (and named in the manifest only if the write has
        // no errors: a plan not named is never used). The same plan as the one read (and
        // checked) at the start is not written again.
        let old_plan = &self.old_plan;
        let write_plan = || {
            plan.and_then(|p| {
                if let Some((old, key)) = old_plan {
                    if p.is(old) {
                        return Some(key.clone());
                    }
                }
                let previous = old_plan.as_ref().map(|(old, _)| old);
                let digest = write_atomic_pieces(&root.join(PLAN_FILE), |piece| {
                    p.encode_pieces(previous, piece)
                })?;
                Some(crate::hash::hex(&digest))
            })
        };
        let (moved, plan_key) = rayon::join(
            || {
                staged
                    .par_iter()
                    .map(|&(path, tmp)| {
                        let folder = path.rfind('/').map(|i| &path[..i]);
                        if folder.is_some_and(|d| bad_folders.contains(d)) {
                            let _ = fs::remove_file(tmp);
                            return Err("its folder could not be created".to_string());
                        }
                        let target = root.join(path);
                        fs::rename(tmp, &target).map_err(|e| {
                            let _ = fs::remove_file(tmp);
                            if target.is_dir() {
                                "a folder is in the way".to_string()
                            } else {
                                e.to_string()
                            }
                        })
                    })
                    .collect::<Vec<std::result::Result<(), String>>>()
            },
            write_plan,
        );
        drop(staged);
        let mut moved = moved.into_iter();
        for (f, &prior) in files.iter().zip(&prior) {
            match &f.how {
                How::Kept(i) if prior == Some(*i) => {
                    stats.unchanged += 1;
                    record.push(manifest::Line::Same(*i));
                }
                How::Kept(_) => {
                    // Kept by another session: nothing here is known of it (and nothing was
                    // done to the file at its path).
                    errors.push(format!("cannot keep {}: kept by another write", f.path));
                    if let Some(i) = prior {
                        record.push(forgotten(&old, &f.path, i));
                    }
                }
                How::Unchanged(e) => {
                    stats.unchanged += 1;
                    record.push(new_line(&f.path, e));
                }
                How::Direct(e) => {
                    stats.written += 1;
                    record.push(new_line(&f.path, e));
                }
                How::Staged { entry, .. } => {
                    match moved.next().unwrap_or_else(|| Err("not moved".to_string())) {
                        Ok(()) => {
                            stats.written += 1;
                            record.push(new_line(&f.path, entry));
                        }
                        Err(e) => {
                            errors.push(format!("cannot write {}: {e}", f.path));
                            // What is on disk there now is whatever was before.
                            if let Some(i) = prior {
                                record.push(forgotten(&old, &f.path, i));
                            }
                        }
                    }
                }
            }
        }

        // 4. Record what is on disk now (a group whose files all made it). Each path is in
        // `record` once: new paths are distinct, and stale ones are not among them.
        if !sorted {
            record.par_sort_unstable_by(|a, b| old.line_path(a).cmp(old.line_path(b)));
        }
        let recorded = |p: &String| {
            record
                .binary_search_by(|l| old.line_path(l).cmp(p.as_str()))
                .is_ok()
        };
        // Without errors every file handed over is recorded, and a group is files handed over
        // (`crate::render`): only a write with errors can leave a group's file unrecorded. (A
        // manifest read drops a group with a member it does not list, too.)
        let groups: BTreeMap<String, Group> = if errors.is_empty() {
            groups
        } else {
            groups
                .into_iter()
                .filter(|(_, g)| g.paths.iter().all(recorded))
                .collect()
        };
        let stamp = if errors.is_empty() {
            self.stamp.take()
        } else {
            None
        };
        // The plan was written first; the manifest now names it. (A plan that could not be
        // written is simply not named: the next build computes every key.)
        let plan_key = plan_key.filter(|_| errors.is_empty());
        // Written as it is made (most of it runs of the manifest read), never whole in memory.
        let (stamp, plan_key) = (stamp.as_ref(), plan_key.as_deref());
        if manifest::encodes_to_old(&old, &record, &groups, stamp, plan_key) {
            // Nothing changed: leave the manifest (and its mtime) alone too.
        } else if let Err(e) = write_atomic_with(&root.join(MANIFEST_FILE), |f| {
            let mut out = std::io::BufWriter::with_capacity(64 << 10, f);
            let mut failed = None;
            manifest::encode_pieces(&old, &record, &groups, stamp, plan_key, &mut |piece| {
                out.write_all(piece).map_err(|e| failed = Some(e)).is_ok()
            });
            match failed {
                Some(e) => Err(e),
                None => out.flush(),
            }
        }) {
            errors.push(format!("cannot write {MANIFEST_FILE}: {e}"));
        }
        let _ = fs::remove_dir_all(&self.staging);
        self.lock = None;
        if errors.is_empty() {
            Ok(stats)
        } else {
            anyhow::bail!(
                "writing {} failed ({} written, {} unchanged, {} removed before the failure):\n  {}",
                self.out_dir.display(),
                stats.written,
                stats.unchanged,
                stats.removed,
                errors.join("\n  ")
            )
        }
    }

    /// Gives up: removes the staging folder, and the output folder itself, with every file
    /// written into it, if this session created it (so a failed first build leaves no output
    /// folder behind).
    pub fn abort(&mut self) {
        let _ = fs::remove_dir_all(&self.staging);
        if self.created {
            self.lock = None;
            // The folder did not exist when the session began, and it was locked since: all
            // in it is this session's.
            let _ = fs::remove_dir_all(&self.root);
            self.created = false;
        }
    }
}

impl Drop for Session {
    /// A session dropped without committing is aborted.
    fn drop(&mut self) {
        self.abort();
    }
}

/// Writing into an output folder the session made: nothing was visible there, so each file is
/// written straight to its path as it renders (no staging folder, no rename at the commit),
/// and folders are made as files need them. A build that fails removes the whole folder.
#[derive(Default)]
struct Direct {
    /// Folders known to be made, relative to the root.
    folders: std::sync::Mutex<FxHashSet<String>>,
}

impl Direct {
    /// Writes `bytes` at `path` (a valid path) under `root`, making its folders; the file's
    /// metadata, or none when something is in the way or the write failed (nothing is left
    /// at the path then).
    fn write(&self, root: &Path, path: &str, bytes: &[u8]) -> Option<fs::Metadata> {
        if let Some(i) = path.rfind('/') {
            if !self.folder(root, &path[..i]) {
                return None;
            }
        }
        with_joined(root, path, |target| {
            let mut f = fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(target)
                .ok()?;
            let written = f.write_all(bytes).and_then(|()| f.metadata());
            drop(f);
            written.map_err(|_| fs::remove_file(target)).ok()
        })
    }

    /// Makes sure folder `rel` (and each parent) is a folder inside `root`.
    fn folder(&self, root: &Path, rel: &str) -> bool {
        let known = |rel: &str| {
            self.folders
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .contains(rel)
        };
        if known(rel) {
            return true;
        }
        if let Some(i) = rel.rfind('/') {
            if !self.folder(root, &rel[..i]) {
                return false;
            }
        }
        let made = with_joined(root, rel, |dir| ensure_segment(root, dir).is_ok());
        if made {
            self.folders
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(rel.to_string());
        }
        made
    }
}

/// Makes `out_dir` hold exactly `files` (plus files it never wrote, and its two hidden files).
pub fn write(out_dir: &Path, files: &[OutputFile]) -> Result<WriteStats> {
    let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
    validate_paths(&paths, |_| false)?;
    let session = Session::open(out_dir)?;
    let placed: Vec<std::result::Result<Placed, String>> = files
        .par_iter()
        .map(|f| session.put(&f.path, None, &f.bytes))
        .collect();
    let mut ok = Vec::with_capacity(placed.len());
    let mut errors = Vec::new();
    for p in placed {
        match p {
            Ok(p) => ok.push(p),
            Err(e) => errors.push(e),
        }
    }
    if !errors.is_empty() {
        drop(session);
        anyhow::bail!(
            "writing {} failed; nothing was changed:\n  {}",
            out_dir.display(),
            errors.join("\n  ")
        );
    }
    session.commit(&ok, BTreeMap::new(), None)
}

/// Creates the folders `folders` (and their parents) under the canonical `root`, one segment
/// at a time, refusing any existing segment that resolves outside `root` (nothing is created
/// through such a symlink). Each segment is checked once, after its parent: a real folder
/// inside a checked folder is inside. The segments of one depth are made in parallel. Reports
/// each folder that cannot be made in `errors`, in the order of `folders`, and returns them.
fn ensure_dirs(root: &Path, folders: &BTreeSet<&str>, errors: &mut Vec<String>) -> HashSet<String> {
    // Every folder and parent, once, by depth (number of '/').
    let mut levels: Vec<Vec<&str>> = Vec::new();
    let mut seen: FxHashSet<&str> = FxHashSet::default();
    for &rel in folders {
        let ends = rel.match_indices('/').map(|(i, _)| i).chain([rel.len()]);
        for (depth, end) in ends.enumerate() {
            let prefix = &rel[..end];
            if seen.insert(prefix) {
                if levels.len() <= depth {
                    levels.resize_with(depth + 1, Vec::new);
                }
                levels[depth].push(prefix);
            }
        }
    }
    drop(seen);
    // The outcome per folder; a folder whose parent failed is not tried (its parent's error
    // is the one reported).
    let mut done: FxHashMap<&str, std::result::Result<(), String>> = FxHashMap::default();
    for level in levels {
        let outcomes: Vec<(&str, std::result::Result<(), String>)> = level
            .par_iter()
            .map(|&prefix| {
                let parent_ok = prefix
                    .rfind('/')
                    .is_none_or(|i| done.get(&prefix[..i]).is_some_and(|r| r.is_ok()));
                let outcome = if parent_ok {
                    ensure_segment(root, &root.join(prefix))
                } else {
                    Err(String::new())
                };
                (prefix, outcome)
            })
            .collect();
        done.extend(outcomes);
    }
    let mut bad: HashSet<String> = HashSet::new();
    for &rel in folders {
        let ends = rel.match_indices('/').map(|(i, _)| i).chain([rel.len()]);
        let failed = ends
            .filter_map(|end| done.get(&rel[..end]))
            .find_map(|r| r.as_ref().err());
        if let Some(e) = failed {
            errors.push(format!("cannot create folder {rel}: {e}"));
            bad.insert(rel.to_string());
        }
    }
    bad
}

/// Makes sure `cur`, whose parent is a checked folder inside `root`, is a folder inside `root`.
/// A new folder is simply made (most are new in a first build); one that exists is checked.
fn ensure_segment(root: &Path, cur: &Path) -> std::result::Result<(), String> {
    match fs::create_dir(cur) {
        Ok(()) => return Ok(()),
        Err(e) if e.kind() != ErrorKind::AlreadyExists => return Err(e.to_string()),
        Err(_) => {}
    }
    match fs::symlink_metadata(cur) {
        Ok(m) if m.is_dir() => Ok(()),
        Ok(m) if m.file_type().is_symlink() => {
            if !dir_inside(root, cur).map_err(|e| e.to_string())? {
                return Err(format!(
                    "{} is a symlink that resolves outside the output folder",
                    cur.display()
                ));
            }
            if !cur.is_dir() {
                return Err(format!("{} is not a folder", cur.display()));
            }
            Ok(())
        }
        Ok(_) => Err(format!("a file is in the way at {}", cur.display())),
        Err(e) => Err(e.to_string()),
    }
}

/// Whether folder `dir`, resolved through symlinks, lies inside the canonical `root`.
fn dir_inside(root: &Path, dir: &Path) -> std::io::Result<bool> {
    Ok(dir.canonicalize()?.starts_with(root))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The first version of [`validate_path`], checking character by character.
    fn validate_path_reference(path: &str) -> std::result::Result<(), String> {
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
        if path == MANIFEST_FILE
            || path == LOCK_FILE
            || path == PLAN_FILE
            || path.contains(TMP_MARKER)
        {
            return Err("name reserved for litopys' own files".into());
        }
        Ok(())
    }

    /// A xorshift generator from `seed`: each call gives a number below its argument.
    fn below(mut seed: u64) -> impl FnMut(usize) -> usize {
        move |n| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        }
    }

    #[test]
    fn paths_known_valid_skip_only_the_per_path_check() {
        // A path the caller vouches for is not checked alone, but still against the others.
        let vouched = |p: &str| p == "a/b.html" || p == "A/B.html";
        assert!(validate_paths(&["a/b.html", "c.html"], vouched).is_ok());
        let e = validate_paths(&["a/b.html", "../x.html", "con.html"], vouched).unwrap_err();
        let bad: Vec<&str> = e.paths.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(bad, ["../x.html", "con.html"]);
        let e = validate_paths(&["a/b.html", "a/b.html"], vouched).unwrap_err();
        assert!(e.paths[0].1.contains("more than once"), "{e}");
        let e = validate_paths(&["a/b.html", "A/B.html"], vouched).unwrap_err();
        assert!(e.paths[0].1.contains("only in case"), "{e}");
        let e = validate_paths(&["a/b.html", "a/b.html/c.html"], vouched).unwrap_err();
        assert!(e.paths[0].1.contains("also the folder"), "{e}");
    }

    #[test]
    fn path_checks_match_the_character_by_character_version() {
        let mut next = below(0x9e37_79b9_7f4a_7c15);
        let pieces = [
            "a",
            "b/",
            "/",
            ".",
            "..",
            " ",
            "\\",
            "\0",
            "\u{1}",
            "\u{7f}",
            "\u{85}",
            "\u{a0}",
            "é",
            "Ж",
            "<",
            ">",
            ":",
            "\"",
            "|",
            "?",
            "*",
            "con",
            "CON",
            "Com1",
            "lpt¹",
            "conin$",
            "CLOCK$",
            "nul.txt",
            "index.html",
            MANIFEST_FILE,
            LOCK_FILE,
            TMP_MARKER,
            "x.",
        ];
        let mut checked = 0;
        for _ in 0..20_000 {
            let path: String = (0..1 + next(8))
                .map(|_| pieces[next(pieces.len())])
                .collect();
            assert_eq!(
                validate_path(&path),
                validate_path_reference(&path),
                "{path:?}"
            );
            checked += 1;
        }
        let long = format!("a/{}/b", "x".repeat(300));
        assert_eq!(validate_path(&long), validate_path_reference(&long));
        assert!(validate_path(&long).is_err());
        assert_eq!(checked, 20_000);
        let lens = RESERVED.iter().map(|r| r.len());
        assert_eq!(lens.clone().min(), Some(RESERVED_MIN));
        assert_eq!(lens.max(), Some(RESERVED_MAX));
    }

    /// The one-pass check never accepts a path the character-by-character version refuses,
    /// and accepts the paths a site is made of.
    #[test]
    fn the_one_pass_check_accepts_only_valid_paths() {
        let mut next = below(0x2545_f491_4f6c_dd1d);
        let pieces = [
            "a",
            "b/",
            "/",
            ".",
            " ",
            "\u{2000}",
            "\u{3000}",
            "\u{a0}",
            "\u{85}",
            "\t",
            "é",
            "Ж",
            "con",
            "Aux",
            "nUl",
            "LPT",
            "lpt¹",
            "com²",
            "conin$",
            "CONOUT$",
            "clock$",
            "1",
            "9",
            "$",
            "x",
            ".html",
            "index",
            "litopys",
            ".litopys-tmp-",
            "-",
            "<",
            "*",
        ];
        let (mut accepted, mut refused) = (0, 0);
        for _ in 0..100_000 {
            let path: String = (0..1 + next(7))
                .map(|_| pieces[next(pieces.len())])
                .collect();
            if plainly_valid(&path) {
                accepted += 1;
                assert_eq!(validate_path_reference(&path), Ok(()), "{path:?}");
            } else {
                refused += 1;
            }
        }
        assert!(
            accepted > 10_000 && refused > 10_000,
            "{accepted} / {refused}"
        );
        for p in [
            "index.html",
            "people/kyrylo-budanov/index.html",
            "people/kyrylo-budanov/2/index.html",
            "2025/05/25/zelenskyi-i-tramp/index.html",
            "search/t/bud.json",
            "search/d/12.json",
            "feed.xml",
            "con1/index.html",
            "console.html",
            "auxiliary/index.html",
            "nulla.txt",
            "люди/зеленський/index.html",
        ] {
            assert!(plainly_valid(p), "{p}");
        }
    }

    /// The one-pass check of sorted paths against each other agrees with [`validate_paths`].
    #[test]
    fn paths_in_order_are_checked_against_each_other_as_validate_paths_does() {
        let mut next = below(0x1d87_2b41_9f3c_66e5);
        let pieces = [
            "a", "b", "A", "B", "a.html", "a-b", "a b", "a!", "é", "É", "ж", "Ж", "/", "/", "/",
            ".x", "z",
        ];
        let (mut apart, mut not) = (0, 0);
        for round in 0..20_000 {
            let mut paths: Vec<String> = (0..1 + next(6))
                .map(|_| {
                    (0..1 + next(4))
                        .map(|_| pieces[next(pieces.len())])
                        .collect::<String>()
                })
                .filter(|p| validate_path(p).is_ok())
                .collect();
            if round % 2 == 0 {
                paths.sort();
            }
            let refs: Vec<&str> = paths.iter().map(String::as_str).collect();
            let sorted = refs.windows(2).all(|w| w[0] < w[1]);
            let fast = plainly_apart(&refs);
            let slow = validate_paths(&refs, |_| false);
            assert_eq!(fast, sorted && slow.is_ok(), "{refs:?}");
            assert_eq!(
                check_across(&refs).map_err(|e| e.paths),
                slow.clone().map(|()| fast).map_err(|e| e.paths),
                "{refs:?}"
            );
            if fast {
                apart += 1;
            } else if sorted {
                not += 1;
            }
        }
        assert!(apart > 1_000 && not > 100, "{apart} / {not}");
    }

    #[test]
    fn a_path_joined_in_the_buffer_is_the_joined_path() {
        for root in ["/", "/srv/out", "/srv/out/", "relative/out"] {
            for rel in ["index.html", "a/b/c.html", "люди/x y/index.html"] {
                let root = Path::new(root);
                let joined = with_joined(root, rel, Path::to_path_buf);
                assert_eq!(joined, root.join(rel), "{root:?} {rel}");
                // Nested (it is not, but would still be right).
                let inner = with_joined(root, rel, |_| with_joined(root, "x", Path::to_path_buf));
                assert_eq!(inner, root.join("x"));
            }
        }
    }

    /// Where a path ends in a line (its line break is odd) and whether it is plainly valid.
    #[test]
    fn plain_len_stops_at_the_first_odd_byte() {
        for (text, want) in [
            ("a/b.html\nfile 1", Some(8)),
            ("a/b.html", Some(8)),
            ("a/b.\n", None),
            ("\nx", None),
            ("", None),
            ("a//b\n", None),
            ("con.txt\n", None),
            ("x/.litopys-manifest\n", None),
            ("a\u{85}b\n", Some(1)),
            ("a?b", Some(1)),
        ] {
            assert_eq!(plain_len(text), want, "{text:?}");
        }
    }

    /// The render step leaves the path check to [`validate_path`] (`Sink::CHECKS_PATHS`): it
    /// must refuse every path [`crate::render::links::is_safe_path`] refuses. Checked on
    /// paths made of pieces that are unsafe alone or together.
    #[test]
    fn every_path_refused_as_unsafe_is_refused_here() {
        let pieces = [
            "a",
            "index.html",
            "/",
            "//",
            ".",
            "..",
            "\\",
            "\0",
            "\n",
            "\u{7f}",
            "\u{85}",
            "\u{9f}",
            "\u{a0}",
            "é",
            "кирило",
            " ",
            ".litopys",
            "con",
            "x.",
        ];
        let mut x = 0x2545_f491_4f6c_dd1du64;
        let (mut unsafe_seen, mut safe_seen) = (0, 0);
        for _ in 0..20_000 {
            x = crate::testrand::xorshift(x);
            let n = 1 + (x % 6) as usize;
            let mut path = String::new();
            let mut y = x;
            for _ in 0..n {
                y = crate::testrand::xorshift(y);
                path.push_str(pieces[(y % pieces.len() as u64) as usize]);
            }
            if crate::render::links::is_safe_path(&path) {
                safe_seen += 1;
            } else {
                unsafe_seen += 1;
                assert!(validate_path(&path).is_err(), "{path:?}");
            }
        }
        assert!(
            unsafe_seen > 5_000 && safe_seen > 1_000,
            "{unsafe_seen} {safe_seen}"
        );
    }

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
}
