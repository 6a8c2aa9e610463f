//! The articles' folder listing, remembered: `.litopys/listing` under the site root keeps the
//! names [`super::article_files`] found in `content/articles/` with what `stat` said about the
//! folder then, so that a build whose folder did not change since takes the names from it
//! instead of reading the folder (reading a folder of 10,000 files costs ~4 ms in the kernel
//! alone, before any file can be looked at).
//!
//! A folder's modification and change times move whenever a name in it is added, removed or
//! renamed (which is how a file appears, disappears or changes type), and its change time,
//! which no user command can set back, moves with anything else done to it. Editing a file in
//! place changes neither, and needs not to: the listing holds names only. So a listing is
//! trusted when what `stat` says of the folder (size, modification and change times, inode,
//! device) is what was recorded. As for [`super::stamps`], a listing is recorded only when the folder's last
//! change is far enough before the folder was stat'ed (its stat is taken before it is read):
//! a name added in the same tick of the file system's clock as that last change would leave
//! the folder's times as recorded. How far is the file system's granularity with a margin: a
//! change time with nanoseconds is from a file system that stamps times to the kernel's clock
//! tick (a few milliseconds; exFAT's 10 ms), and [`FINE_SETTLED`] is enough; a change time in
//! whole seconds may be from one that keeps seconds or two (ext3, HFS+, FAT), and
//! [`super::stamps::SETTLED`] is taken. (So a build run a moment after an editor saved by
//! renaming still records the listing for the next one.) Outside Unix nothing is recorded.
//!
//! Format (not meant for anything but this cache): the line `litopys-listing 2`, seven u64
//! little-endian (the folder's size, modification time seconds and nanoseconds, change time
//! seconds and nanoseconds, inode, device), then each name as a u32 little-endian length and
//! its bytes, in the listing's order; last, the [`crate::hash`] digest of all before it. A file
//! that does not check out is ignored. Best effort: a build never fails because of it.

use super::stamps::{stat_of as folder_stat, SETTLED};
use super::SiteError;
use crate::folder::Status;
use crate::hash::Digest;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

const MAGIC: &[u8] = b"litopys-listing 2\n";

/// Where the listing lives under the site root.
pub const LISTING_FILE: &str = ".litopys/listing";

/// Bytes of a digest.
const D: usize = std::mem::size_of::<Digest>();

/// What identifies the folder's state: what `stat` says of it, as for a stamp (size, mtime
/// and ctime in seconds and nanoseconds, inode, device); none outside Unix, where there is no
/// change time to trust.
type FolderStat = super::stamps::Stat;

/// The article files of the site at `root`, in file-name order, and the errors met listing
/// them: exactly what [`super::article_files`] gives, taken from the remembered listing when
/// the folder did not change since it was recorded, and recorded when it was read anew.
pub fn article_files(root: &Path) -> (Vec<PathBuf>, Vec<SiteError>) {
    article_files_at(root, SystemTime::now())
}

/// [`article_files`] with `now` as the time the folder is stat'ed.
fn article_files_at(root: &Path, now: SystemTime) -> (Vec<PathBuf>, Vec<SiteError>) {
    let dir = root.join("content").join("articles");
    let stat = std::fs::metadata(&dir)
        .ok()
        .filter(std::fs::Metadata::is_dir)
        .and_then(|m| folder_stat(&Status::of(&m)));
    let Some(stat) = stat else {
        return super::article_files(root);
    };
    let file = root.join(LISTING_FILE);
    if let Ok(data) = crate::mapped::cache_file(&file) {
        if let Some(names) = names_if(&data, &stat) {
            return (names.iter().map(|n| dir.join(n)).collect(), Vec::new());
        }
    }
    let (paths, errors) = super::article_files(root);
    if errors.is_empty() && settled(&stat, now) {
        save(&file, &stat, &paths);
    }
    (paths, errors)
}

/// How long before the stat a folder's last change must be for its listing to be recorded
/// when the change time has nanoseconds (see the module's doc).
const FINE_SETTLED: Duration = Duration::from_millis(100);

/// Whether the folder's last change (ctime) is far enough before `now` (see the module's doc).
fn settled(stat: &FolderStat, now: SystemTime) -> bool {
    let needed = if stat[4] == 0 { SETTLED } else { FINE_SETTLED };
    super::stamps::changed_before(stat, now, needed)
}

/// Records the names of `paths` (files of the folder whose stat is `stat`). Best effort.
fn save(file: &Path, stat: &FolderStat, paths: &[PathBuf]) {
    let mut data = Vec::with_capacity(MAGIC.len() + 56 + paths.len() * 32 + D);
    data.extend_from_slice(MAGIC);
    for v in stat {
        data.extend_from_slice(&v.to_le_bytes());
    }
    for p in paths {
        let Some(name) = p.file_name().and_then(|n| n.to_str()) else {
            // A name that is not UTF-8 is listed again at every build.
            return;
        };
        let Ok(len) = u32::try_from(name.len()) else {
            return;
        };
        data.extend_from_slice(&len.to_le_bytes());
        data.extend_from_slice(name.as_bytes());
    }
    let sum = crate::hash::digest(&data);
    data.extend_from_slice(&sum);
    let _ = crate::ingest::write_atomic(file, &data);
}

/// The names recorded in `data` when it checks out and was recorded for a folder whose stat is
/// `stat`; none otherwise.
fn names_if<'a>(data: &'a [u8], stat: &FolderStat) -> Option<Vec<&'a str>> {
    let body_len = data.len().checked_sub(D)?;
    let (body, sum) = data.split_at(body_len);
    let mut at = MAGIC.len();
    if body.get(..at)? != MAGIC {
        return None;
    }
    for v in stat {
        if u64::from_le_bytes(body.get(at..at + 8)?.try_into().ok()?) != *v {
            return None;
        }
        at += 8;
    }
    if crate::hash::digest(body).as_slice() != sum {
        return None;
    }
    let mut names = Vec::with_capacity(body.len() / 24);
    while at < body.len() {
        let len = u32::from_le_bytes(body.get(at..at + 4)?.try_into().ok()?) as usize;
        let name = std::str::from_utf8(body.get(at + 4..at + 4 + len)?).ok()?;
        // Only plain names of the folder itself (a damaged or forged file names no other).
        if name.is_empty() || name.contains(['/', '\\', '\0']) || name == "." || name == ".." {
            return None;
        }
        names.push(name);
        at += 4 + len;
    }
    Some(names)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    /// A time well after anything the tests write, so the folder counts as settled.
    fn later() -> SystemTime {
        SystemTime::now() + Duration::from_secs(60)
    }

    fn names(paths: &[PathBuf]) -> Vec<String> {
        paths
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect()
    }

    fn site() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let articles = dir.path().join("content/articles");
        std::fs::create_dir_all(&articles).unwrap();
        for n in ["b.md", "a.md", ".hidden.md", "notes.txt"] {
            std::fs::write(articles.join(n), n).unwrap();
        }
        std::fs::create_dir(articles.join("dir.md")).unwrap();
        std::os::unix::fs::symlink(articles.join("a.md"), articles.join("link.md")).unwrap();
        dir
    }

    #[test]
    fn the_listing_is_the_folders_whether_remembered_or_read() {
        let dir = site();
        let root = dir.path();
        let (first, errors) = article_files_at(root, later());
        assert!(errors.is_empty());
        assert_eq!(first, crate::site::article_files(root).0);
        assert_eq!(names(&first), ["a.md", "b.md"]);
        assert!(root.join(LISTING_FILE).exists());
        // Remembered: the same paths again.
        assert_eq!(article_files_at(root, later()).0, first);
        let articles = root.join("content/articles");
        // Each change of a name in the folder shows at once. (The tests pass `later()` as the
        // time of the stat, so a listing is recorded even right after a change: each change
        // waits for the clock that stamps the folder to move on, which the settling time
        // guarantees in a real build.)
        let tick = || std::thread::sleep(Duration::from_millis(30));
        tick();
        std::fs::write(articles.join("c.md"), "c").unwrap();
        assert_eq!(
            names(&article_files_at(root, later()).0),
            ["a.md", "b.md", "c.md"]
        );
        tick();
        std::fs::rename(articles.join("a.md"), articles.join("d.md")).unwrap();
        assert_eq!(
            names(&article_files_at(root, later()).0),
            ["b.md", "c.md", "d.md"]
        );
        tick();
        std::fs::remove_file(articles.join("b.md")).unwrap();
        assert_eq!(names(&article_files_at(root, later()).0), ["c.md", "d.md"]);
        // A file turned into a folder of the same name.
        tick();
        std::fs::remove_file(articles.join("c.md")).unwrap();
        std::fs::create_dir(articles.join("c.md")).unwrap();
        assert_eq!(names(&article_files_at(root, later()).0), ["d.md"]);
        assert_eq!(
            article_files_at(root, later()).0,
            crate::site::article_files(root).0
        );
    }

    #[test]
    fn a_listing_is_trusted_only_for_the_folder_state_it_was_recorded_with() {
        let dir = site();
        let root = dir.path();
        article_files_at(root, later());
        let file = root.join(LISTING_FILE);
        // A listing naming another file, for the folder as it is: trusted (which shows that a
        // build with the folder unchanged does not read the folder)…
        let m = std::fs::metadata(root.join("content/articles")).unwrap();
        let stat = folder_stat(&Status::of(&m)).unwrap();
        let forged_paths = [PathBuf::from("x/zz.md")];
        save(&file, &stat, &forged_paths);
        assert_eq!(names(&article_files_at(root, later()).0), ["zz.md"]);
        // …and no longer once the folder changed.
        std::thread::sleep(Duration::from_millis(30));
        std::fs::write(root.join("content/articles/e.md"), "e").unwrap();
        assert_eq!(
            names(&article_files_at(root, later()).0),
            ["a.md", "b.md", "e.md"]
        );
        // A damaged file is ignored: the same forgery for the folder as it is now, one bit of
        // it flipped.
        let m = std::fs::metadata(root.join("content/articles")).unwrap();
        let stat = folder_stat(&Status::of(&m)).unwrap();
        save(&file, &stat, &forged_paths);
        assert_eq!(names(&article_files_at(root, later()).0), ["zz.md"]);
        let mut damaged = std::fs::read(&file).unwrap();
        let at = damaged.len() - D - 2;
        damaged[at] ^= 1;
        std::fs::write(&file, &damaged).unwrap();
        assert_eq!(
            names(&article_files_at(root, later()).0),
            ["a.md", "b.md", "e.md"]
        );
    }

    #[test]
    fn a_folder_changed_just_now_is_not_recorded() {
        let dir = site();
        let root = dir.path();
        let m = std::fs::metadata(root.join("content/articles")).unwrap();
        let stat = folder_stat(&Status::of(&m)).unwrap();
        // Stat'ed 10 ms after its last change (read at once, so not settled under any rule).
        let changed = SystemTime::UNIX_EPOCH + Duration::new(stat[3], stat[4] as u32);
        let (paths, _) = article_files_at(root, changed + Duration::from_millis(10));
        assert_eq!(names(&paths), ["a.md", "b.md"]);
        assert!(!root.join(LISTING_FILE).exists());
        // A while later it is.
        article_files_at(root, changed + Duration::from_secs(3));
        assert!(root.join(LISTING_FILE).exists());
    }

    #[test]
    fn a_change_in_whole_seconds_must_be_older_to_be_settled() {
        let at = |secs: u64, nanos: u64| [0, 0, 0, secs, nanos, 1, 1];
        let t = |secs: u64, millis: u64| {
            SystemTime::UNIX_EPOCH + Duration::from_secs(secs) + Duration::from_millis(millis)
        };
        // Nanoseconds: a fine-grained clock, a tenth of a second is enough.
        assert!(!settled(&at(1_000, 500_000_000), t(1_000, 550)));
        assert!(settled(&at(1_000, 500_000_000), t(1_000, 650)));
        // Whole seconds: perhaps a coarse one, two seconds are needed.
        assert!(!settled(&at(1_000, 0), t(1_001, 500)));
        assert!(settled(&at(1_000, 0), t(1_002, 0)));
        // A change time ahead of the clock is never settled.
        assert!(!settled(&at(1_000, 5), t(999, 0)));
    }

    #[test]
    fn a_name_with_a_separator_makes_the_listing_ignored() {
        let m = std::fs::metadata(".").unwrap();
        let stat = folder_stat(&Status::of(&m)).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("listing");
        for bad in ["../x.md", "a/b.md", ".."] {
            let mut data = MAGIC.to_vec();
            for v in stat {
                data.extend_from_slice(&v.to_le_bytes());
            }
            data.extend_from_slice(&(bad.len() as u32).to_le_bytes());
            data.extend_from_slice(bad.as_bytes());
            let sum = crate::hash::digest(&data);
            data.extend_from_slice(&sum);
            std::fs::write(&file, &data).unwrap();
            let read = std::fs::read(&file).unwrap();
            assert_eq!(names_if(&read, &stat), None, "{bad}");
        }
    }
}
