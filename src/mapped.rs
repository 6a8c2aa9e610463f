//! The bytes of Litopys's own cache files (under the site's `.litopys/`, and the output
//! folder's manifest and render plan), mapped into memory instead of read into it.
//!
//! A rebuild opens caches of tens of megabytes (the parsed articles' index, the search terms)
//! to use a small part of them. Read, each costs its size in fresh memory, which the system
//! must zero (and a virtual machine often fetch from its host) before the copy: at N = 100,000
//! that was several hundred megabytes per rebuild. Mapped, the file's pages (already in the
//! page cache after the build that wrote them) are shared, and only those touched are mapped.
//!
//! Only files Litopys writes itself are mapped: it replaces them by renaming a new file over
//! the old one, or appends to them, and neither changes the bytes a mapping holds. (A file cut
//! short in place by another program while a build reads it would stop that build; articles
//! and templates, which people edit, are always read.) Where a file cannot be mapped (an empty
//! file, a system without it), it is read.

use std::path::Path;

/// A file's bytes: mapped, or read when mapping failed.
pub enum FileBytes {
    Mapped(memmap2::Mmap),
    Read(Vec<u8>),
}

impl Default for FileBytes {
    fn default() -> FileBytes {
        FileBytes::Read(Vec::new())
    }
}

impl std::ops::Deref for FileBytes {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match self {
            FileBytes::Mapped(m) => m,
            FileBytes::Read(v) => v,
        }
    }
}

impl std::fmt::Debug for FileBytes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let how = match self {
            FileBytes::Mapped(_) => "mapped",
            FileBytes::Read(_) => "read",
        };
        write!(f, "FileBytes({how}, {} bytes)", self.len())
    }
}

/// The bytes of the cache file at `path` (see the module's doc for which files may be).
pub fn cache_file(path: &Path) -> std::io::Result<FileBytes> {
    let file = std::fs::File::open(path)?;
    if file.metadata()?.len() > 0 {
        // SAFETY: the mapping is read-only and private to this process; the files mapped are
        // Litopys's own caches, which it only appends to or replaces by renaming (neither
        // changes mapped bytes). Another program cutting such a file short while a build runs
        // is the case the module's doc names.
        if let Ok(map) = unsafe { memmap2::Mmap::map(&file) } {
            return Ok(FileBytes::Mapped(map));
        }
    }
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut &file, &mut bytes)?;
    Ok(FileBytes::Read(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cache_file_gives_its_bytes_whether_mapped_or_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c");
        let bytes: Vec<u8> = (0..100_000u32).map(|i| (i * 7 % 251) as u8).collect();
        std::fs::write(&path, &bytes).unwrap();
        let got = cache_file(&path).unwrap();
        assert!(matches!(got, FileBytes::Mapped(_)));
        assert_eq!(&got[..], &bytes[..]);
        // Replaced by a rename (as Litopys writes its caches): the mapping keeps the old bytes,
        // a new one gives the new.
        let tmp = dir.path().join("c.tmp");
        std::fs::write(&tmp, b"new").unwrap();
        std::fs::rename(&tmp, &path).unwrap();
        assert_eq!(&got[..], &bytes[..]);
        assert_eq!(&cache_file(&path).unwrap()[..], b"new");
        // Empty: read, not mapped; missing: an error.
        std::fs::write(&path, b"").unwrap();
        assert!(cache_file(&path).unwrap().is_empty());
        assert!(cache_file(&dir.path().join("none")).is_err());
    }
}
