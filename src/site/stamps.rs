//! Source stamps: `.litopys/stamps` under the site root remembers, for each article file, what
//! `stat` said about it (size, modification and change times, inode, device) and the digest of
//! its bytes, so a build can know an unchanged file's digest without reading and hashing it.
//!
//! A stamp is trusted only when every field matches. Writing to a file always moves its change
//! time (ctime) to the present, which no user command can set back; so a stamp is recorded only
//! for a file whose ctime is at least [`SETTLED`] in the past when it is stat'ed, and any later
//! write then shows as a new ctime. (A file written in the same clock tick as the stat that
//! recorded it is the one case stamps could miss; such fresh files are not recorded, and are
//! read and hashed at every build until they settle.) Outside Unix nothing is trusted.
//!
//! Format (not meant for anything but this cache): the line `litopys-stamps 2`, the byte
//! `allow_html` (part of every digest), then entries: path length (u32 little-endian), path,
//! seven u64 fields (size, mtime seconds and nanoseconds, ctime seconds and nanoseconds, inode,
//! device), digest (16 bytes); last, the [`crate::hash`] digest of all before it. A file that does
//! not check out is ignored. Best effort: a build never fails because of it.

use super::cache::u32_at;
use crate::folder::Status;
use crate::hash::Digest;
use std::path::Path;
use std::time::{Duration, SystemTime};

const MAGIC: &[u8] = b"litopys-stamps 2\n";

/// Bytes of a digest.
const D: usize = std::mem::size_of::<Digest>();

/// Where the stamps live under the site root.
pub const STAMPS_FILE: &str = ".litopys/stamps";

/// How long ago a file's last change must be for its stamp to be recorded.
pub const SETTLED: Duration = Duration::from_secs(2);

/// What `stat` says about a file: size, mtime (s, ns), ctime (s, ns), inode, device.
pub(super) type Stat = [u64; 7];

#[cfg(unix)]
pub(super) fn stat_of(m: &Status) -> Option<Stat> {
    Some([
        m.size,
        m.mtime.0,
        u64::from(m.mtime.1),
        m.ctime.0,
        u64::from(m.ctime.1),
        m.ino,
        m.dev,
    ])
}

/// Without inode and change time a stamp cannot tell a file was replaced: none are kept.
#[cfg(not(unix))]
pub(super) fn stat_of(_: &Status) -> Option<Stat> {
    None
}

/// Whether the file's last change (ctime) is at least [`SETTLED`] before `now`.
fn settled(stat: &Stat, now: SystemTime) -> bool {
    changed_before(stat, now, SETTLED)
}

/// Whether the last change (ctime) of what `stat` is of was at least `needed` before `now`.
pub(super) fn changed_before(stat: &Stat, now: SystemTime, needed: Duration) -> bool {
    let changed = SystemTime::UNIX_EPOCH + Duration::new(stat[3], stat[4] as u32);
    now.duration_since(changed).is_ok_and(|d| d >= needed)
}

/// The stamps read at the start of a build: the file's bytes and, in file order (the order of
/// the files they were saved for: the article listing's), where each entry is in them. The
/// entries are read from the bytes when asked for, not copied out of them.
#[derive(Default)]
pub struct Stamps {
    /// The file's bytes, mapped ([`crate::mapped`]).
    data: crate::mapped::FileBytes,
    /// Where each entry starts in `data` (at its path's length), in path order.
    entries: Vec<u32>,
}

/// Bytes of an entry after its path: the stat and the digest.
const TAIL: usize = 7 * 8 + D;

impl Stamps {
    /// Reads the stamps of the site at `root` (none if absent, damaged or of another
    /// `allow_html`).
    pub fn load(root: &Path, allow_html: bool) -> Stamps {
        let Ok(data) = crate::mapped::cache_file(&root.join(STAMPS_FILE)) else {
            return Stamps::default();
        };
        let Some(entries) = parse(&data, allow_html) else {
            return Stamps::default();
        };
        let mut stamps = Stamps { data, entries };
        // Saved in the listing's order, which is path order; a file written otherwise is put
        // in path order here, for the search in `entry`.
        if !stamps
            .entries
            .windows(2)
            .all(|w| stamps.path(w[0]) <= stamps.path(w[1]))
        {
            let mut entries = std::mem::take(&mut stamps.entries);
            entries.sort_by(|&a, &b| stamps.path(a).cmp(stamps.path(b)));
            stamps.entries = entries;
        }
        stamps
    }

    /// The path of the entry at `at` (checked by [`parse`]).
    fn path(&self, at: u32) -> &[u8] {
        let at = at as usize;
        let len = u32_at(&self.data, at).unwrap_or_default();
        &self.data[at + 4..at + 4 + len]
    }

    /// The stat and digest of the entry at `at`.
    fn stamp(&self, at: u32) -> (Stat, Digest) {
        let at = at as usize;
        let tail = at + 4 + u32_at(&self.data, at).unwrap_or_default();
        let mut stat: Stat = [0; 7];
        for (i, v) in stat.iter_mut().enumerate() {
            *v = u64_at(&self.data, tail + i * 8);
        }
        let mut digest: Digest = [0; D];
        digest.copy_from_slice(&self.data[tail + 56..tail + TAIL]);
        (stat, digest)
    }

    /// The entry of `rel`: the `at`-th when it is that file's (a listing like the previous
    /// one), else found by path (the entries are in path order).
    fn entry(&self, at: usize, rel: &str) -> Option<u32> {
        let rel = rel.as_bytes();
        if let Some(&e) = self.entries.get(at).filter(|&&e| self.path(e) == rel) {
            return Some(e);
        }
        let i = self
            .entries
            .binary_search_by(|&e| self.path(e).cmp(rel))
            .ok()?;
        Some(self.entries[i])
    }

    /// The digest recorded for the file `rel` (from the site root), the `at`-th of the listing,
    /// if `meta` (its metadata now) is exactly what was recorded.
    pub fn digest(&self, at: usize, rel: &str, meta: &Status) -> Option<Digest> {
        let (stat, digest) = self.stamp(self.entry(at, rel)?);
        (stat_of(meta)? == stat).then_some(digest)
    }

    /// Whether recording `files` would change nothing.
    fn same_as<'a>(&self, mut files: impl Iterator<Item = (&'a str, Stat, Digest)>) -> bool {
        let mut entries = self.entries.iter();
        loop {
            match (files.next(), entries.next()) {
                (None, None) => return true,
                (Some((p, s, d)), Some(&e)) => {
                    if p.as_bytes() != self.path(e) || (s, d) != self.stamp(e) {
                        return false;
                    }
                }
                _ => return false,
            }
        }
    }
}

fn u64_at(data: &[u8], at: usize) -> u64 {
    let mut b = [0; 8];
    b.copy_from_slice(&data[at..at + 8]);
    u64::from_le_bytes(b)
}

/// Records the stamps of `files` (path from the root, metadata when it was stat'ed, digest of
/// the bytes read after that stat, in listing order) for the next build, leaving out files
/// changed less than [`SETTLED`] before `now` (the time of the stats). Rewrites the file only
/// if something changed, writing it as it is made. Best effort.
pub fn save<'a, I>(root: &Path, allow_html: bool, old: &Stamps, files: I, now: SystemTime)
where
    I: Iterator<Item = (&'a str, &'a Status, Digest)> + Clone,
{
    let settled_files = files.filter_map(|(p, m, d)| {
        let s = stat_of(m)?;
        // A path too long for the format is left out (never the case for a real file).
        (settled(&s, now) && u32::try_from(p.len()).is_ok()).then_some((p, s, d))
    });
    if old.same_as(settled_files.clone()) {
        return;
    }
    let path = root.join(STAMPS_FILE);
    let _ = crate::ingest::write_atomic_with(&path, |f| {
        use std::io::Write;
        let mut h = crate::hash::Hasher::new();
        let mut out = std::io::BufWriter::with_capacity(1 << 16, f);
        let mut put = |bytes: &[u8]| {
            h.update(bytes);
            out.write_all(bytes)
        };
        put(MAGIC)?;
        put(&[allow_html as u8])?;
        for (p, s, d) in settled_files.clone() {
            let mut tail = [0u8; 4 + TAIL];
            tail[..4].copy_from_slice(&(p.len() as u32).to_le_bytes());
            put(&tail[..4])?;
            put(p.as_bytes())?;
            for (i, v) in s.iter().enumerate() {
                tail[4 + i * 8..12 + i * 8].copy_from_slice(&v.to_le_bytes());
            }
            tail[60..].copy_from_slice(&d);
            put(&tail[4..])?;
        }
        let sum = h.finalize();
        out.write_all(&sum)?;
        out.flush()
    });
}

/// Where each entry of a stamps file starts, in file order; none if it does not check out.
fn parse(data: &[u8], allow_html: bool) -> Option<Vec<u32>> {
    let body_len = data.len().checked_sub(D)?;
    // Entries are found by u32 offsets.
    u32::try_from(data.len()).ok()?;
    let (body, sum) = data.split_at(body_len);
    if crate::hash::digest(body).as_slice() != sum {
        return None;
    }
    let mut at = MAGIC.len();
    if body.get(..at)? != MAGIC || *body.get(at)? != allow_html as u8 {
        return None;
    }
    at += 1;
    let mut entries = Vec::with_capacity(body.len() / 100);
    while at < body.len() {
        let len = u32_at(body, at)?;
        let path = at + 4..(at + 4).checked_add(len)?;
        std::str::from_utf8(body.get(path.clone())?).ok()?;
        body.get(path.end..path.end.checked_add(TAIL)?)?;
        entries.push(at as u32);
        at = path.end + TAIL;
    }
    Some(entries)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn iter<'a>(
        files: &'a [(&'a str, Status, Digest)],
    ) -> impl Iterator<Item = (&'a str, &'a Status, Digest)> + Clone {
        files.iter().map(|(p, m, d)| (*p, m, *d))
    }

    #[test]
    fn a_stamp_is_trusted_only_while_the_file_is_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let file = root.join("a.md");
        std::fs::write(&file, "один").unwrap();
        let meta = Status::of(&std::fs::metadata(&file).unwrap());
        let d = [7u8; D];
        let later = SystemTime::now() + Duration::from_secs(10);
        save(
            root,
            false,
            &Stamps::default(),
            [("a.md", &meta, d)].into_iter(),
            later,
        );
        let stamps = Stamps::load(root, false);
        assert_eq!(stamps.digest(0, "a.md", &meta), Some(d));
        assert_eq!(stamps.digest(0, "b.md", &meta), None);
        // Another allow_html: other digests, nothing trusted.
        assert_eq!(Stamps::load(root, true).digest(0, "a.md", &meta), None);
        // Rewritten with bytes of the same length: the change time moved.
        std::thread::sleep(Duration::from_millis(20));
        std::fs::write(&file, "два!!").unwrap();
        let meta2 = Status::of(&std::fs::metadata(&file).unwrap());
        assert_eq!(meta2.size, meta.size);
        assert_eq!(stamps.digest(0, "a.md", &meta2), None);
        // Its modification time set back to the recorded one: the change time still moved.
        std::fs::File::options()
            .write(true)
            .open(&file)
            .unwrap()
            .set_modified(SystemTime::UNIX_EPOCH + Duration::new(meta.mtime.0, meta.mtime.1))
            .unwrap();
        let meta3 = Status::of(&std::fs::metadata(&file).unwrap());
        assert_eq!(meta3.mtime, meta.mtime);
        assert_eq!(stamps.digest(0, "a.md", &meta3), None);
        // A damaged stamps file is ignored.
        let p = root.join(STAMPS_FILE);
        let mut bytes = std::fs::read(&p).unwrap();
        let at = bytes.len() / 2;
        bytes[at] ^= 1;
        std::fs::write(&p, &bytes).unwrap();
        assert_eq!(Stamps::load(root, false).digest(0, "a.md", &meta), None);
    }

    #[test]
    fn entries_are_found_at_their_place_or_by_path() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let names = ["c.md", "a.md", "d.md", "b.md"];
        let mut files = Vec::new();
        for (i, n) in names.iter().enumerate() {
            std::fs::write(root.join(n), n.repeat(i + 1)).unwrap();
            let meta = Status::of(&std::fs::metadata(root.join(n)).unwrap());
            files.push((*n, meta, [i as u8; D]));
        }
        let later = SystemTime::now() + Duration::from_secs(10);
        // Saved out of path order (as no listing gives them): found all the same.
        save(root, false, &Stamps::default(), iter(&files), later);
        let stamps = Stamps::load(root, false);
        for at in 0..6 {
            for (n, meta, d) in &files {
                assert_eq!(stamps.digest(at, n, meta), Some(*d), "{n} asked at {at}");
            }
            assert_eq!(stamps.digest(at, "e.md", &files[0].1), None);
        }
        // In order, as a listing saves them; one file gone, so the others move up a place.
        files.sort_by(|a, b| a.0.cmp(b.0));
        save(root, false, &stamps, iter(&files), later);
        let stamps = Stamps::load(root, false);
        for (at, (n, meta, d)) in files.iter().enumerate().skip(1) {
            assert_eq!(stamps.digest(at - 1, n, meta), Some(*d));
            assert_eq!(stamps.digest(at, n, meta), Some(*d));
        }
        // Another file's metadata does not match.
        assert_eq!(stamps.digest(0, "a.md", &files[1].1), None);
    }

    #[test]
    fn a_file_changed_just_now_is_not_recorded() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let file = root.join("a.md");
        std::fs::write(&file, "один").unwrap();
        let meta = Status::of(&std::fs::metadata(&file).unwrap());
        save(
            root,
            false,
            &Stamps::default(),
            [("a.md", &meta, [1; D])].into_iter(),
            SystemTime::now(),
        );
        assert_eq!(Stamps::load(root, false).digest(0, "a.md", &meta), None);
    }
}
