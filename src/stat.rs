//! The status of many files in one folder tree, each looked up from the folder's open handle
//! (`fstatat`): a rebuild stats every article file and every file of the output folder, and
//! walking one path from an open folder costs a third to a half less than walking the whole
//! path from the root of the file system each time (measured on Linux: ~2.3 µs against
//! ~3.4 µs a file for an output folder, ~1.5 µs against ~2.8 µs for the articles' folder).
//! Where the system has no such call, the joined path is looked up as usual.

use std::path::{Path, PathBuf};

/// What a build needs to know of a file: its type, size, times and identity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Status {
    /// A regular file (not a folder, not a symlink when links are not followed).
    pub is_file: bool,
    pub size: u64,
    /// Modification time, seconds and nanoseconds since the epoch.
    pub mtime: (u64, u32),
    /// Status change time, seconds and nanoseconds since the epoch (zero where unknown).
    pub ctime: (u64, u32),
    /// Inode and device (zero where unknown).
    pub ino: u64,
    pub dev: u64,
}

impl Status {
    /// The status `std` gives.
    pub fn of(m: &std::fs::Metadata) -> Status {
        let since = |t: std::io::Result<std::time::SystemTime>| {
            t.ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or((0, 0), |d| (d.as_secs(), d.subsec_nanos()))
        };
        #[cfg(unix)]
        let (ctime, ino, dev) = {
            use std::os::unix::fs::MetadataExt;
            ((m.ctime() as u64, m.ctime_nsec() as u32), m.ino(), m.dev())
        };
        #[cfg(not(unix))]
        let (ctime, ino, dev) = ((0, 0), 0, 0);
        Status {
            is_file: m.is_file(),
            size: m.len(),
            mtime: since(m.modified()),
            ctime,
            ino,
            dev,
        }
    }
}

/// A folder whose files are looked up by their paths relative to it.
pub struct Folder {
    path: PathBuf,
    #[cfg(unix)]
    handle: Option<std::fs::File>,
}

impl Folder {
    /// The folder at `path` (opened once; if it cannot be opened, each lookup joins paths).
    pub fn open(path: &Path) -> Folder {
        Folder {
            path: path.to_path_buf(),
            #[cfg(unix)]
            handle: std::fs::File::open(path).ok(),
        }
    }

    /// The status of the file at `rel` (a relative path) in the folder, following a final
    /// symlink when `follow`; none if it cannot be had.
    pub fn status(&self, rel: impl AsRef<Path>, follow: bool) -> Option<Status> {
        let rel = rel.as_ref();
        #[cfg(unix)]
        if let Some(dir) = &self.handle {
            use rustix::fs::{AtFlags, FileType};
            let flags = if follow {
                AtFlags::empty()
            } else {
                AtFlags::SYMLINK_NOFOLLOW
            };
            let st = rustix::fs::statat(dir, rel, flags).ok()?;
            let time = |s: i64, ns: u64| (u64::try_from(s).unwrap_or(0), ns as u32);
            return Some(Status {
                is_file: FileType::from_raw_mode(st.st_mode) == FileType::RegularFile,
                size: u64::try_from(st.st_size).unwrap_or(0),
                mtime: time(st.st_mtime as i64, st.st_mtime_nsec as u64),
                ctime: time(st.st_ctime as i64, st.st_ctime_nsec as u64),
                ino: st.st_ino as u64,
                dev: st.st_dev as u64,
            });
        }
        let path = self.path.join(rel);
        let m = if follow {
            std::fs::metadata(path)
        } else {
            std::fs::symlink_metadata(path)
        };
        m.ok().map(|m| Status::of(&m))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Looked up from the open folder, a file's status is what `std` says of its joined path,
    /// followed or not, for files in sub-folders, symlinks and folders; a missing file has
    /// none.
    #[test]
    fn the_status_from_the_folder_is_the_status_std_gives() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        std::fs::create_dir_all(root.join("a/б")).unwrap();
        std::fs::write(root.join("a/б/x.html"), "текст").unwrap();
        std::fs::write(root.join("top.md"), "").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink("a/б/x.html", root.join("link")).unwrap();
        let folder = Folder::open(root);
        for rel in ["a/б/x.html", "top.md", "a", "a/б", "link"] {
            let path = root.join(rel);
            for follow in [false, true] {
                let std = if follow {
                    std::fs::metadata(&path)
                } else {
                    std::fs::symlink_metadata(&path)
                };
                assert_eq!(
                    folder.status(rel, follow),
                    std.ok().map(|m| Status::of(&m)),
                    "{rel} (follow {follow})"
                );
            }
        }
        assert_eq!(folder.status("missing.html", false), None);
        assert_eq!(folder.status("a/missing/x", true), None);
        assert!(folder.status("a/б/x.html", false).unwrap().is_file);
        assert!(!folder.status("a", false).unwrap().is_file);
        // Without the folder's handle, the joined path is looked up: the same answers.
        let joined = Folder {
            path: root.to_path_buf(),
            #[cfg(unix)]
            handle: None,
        };
        for rel in ["a/б/x.html", "top.md", "a", "link", "missing.html"] {
            for follow in [false, true] {
                assert_eq!(
                    joined.status(rel, follow),
                    folder.status(rel, follow),
                    "{rel}"
                );
            }
        }
    }
}
