//! `.litopys/ingest.json`: what ingest last wrote.
//!
//! ```json
//! {
//!   "version": 1,
//!   "files": { "content/articles/2026-01-07-seed.md": "<sha256 of the bytes ingest wrote>" }
//! }
//! ```
//!
//! A Markdown file whose current hash equals its entry is ingest's own and may be
//! regenerated; any other difference means an editor changed it. A missing or unreadable
//! manifest is treated as empty, which only makes ingest more careful (existing files that
//! differ are kept).

use anyhow::Result;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The manifest's path under the site root.
pub fn path(root: &Path) -> PathBuf {
    root.join(".litopys").join("ingest.json")
}

/// The manifest: Markdown path (relative to the root, `/`-separated) → SHA-256 hex.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    #[serde(default)]
    pub version: u32,
    #[serde(default)]
    pub files: BTreeMap<String, String>,
}

impl Manifest {
    /// Loads the manifest of the site at `root`; missing or unreadable → empty.
    pub fn load(root: &Path) -> Manifest {
        std::fs::read(path(root))
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default()
    }

    /// The recorded hash of `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.files.get(key).map(String::as_str)
    }

    /// Records `hash` for `key`.
    pub fn set(&mut self, key: &str, hash: &str) {
        self.version = 1;
        if self.get(key) != Some(hash) {
            self.files.insert(key.to_string(), hash.to_string());
        }
    }

    /// Writes the manifest (sorted keys, so the bytes are deterministic).
    pub fn save(&self, root: &Path) -> Result<()> {
        super::write_atomic(&path(root), &self.to_json())
    }

    /// The manifest as `serde_json::to_string_pretty` writes it, and a line break: written
    /// here into a buffer of the right size, since serde's writer took ~3 µs an entry (~30 ms
    /// of an ingest of 10,000 articles, much of it growing the buffer). A test compares both.
    fn to_json(&self) -> Vec<u8> {
        use super::cache::json_string;
        let size: usize = self
            .files
            .iter()
            .map(|(k, v)| k.len() + v.len() + 16)
            .sum::<usize>()
            + 64;
        let mut out = Vec::with_capacity(size);
        out.extend_from_slice(b"{\n  \"version\": ");
        out.extend_from_slice(itoa::Buffer::new().format(self.version).as_bytes());
        out.extend_from_slice(b",\n  \"files\": {");
        for (i, (k, v)) in self.files.iter().enumerate() {
            out.extend_from_slice(if i == 0 { b"\n    " } else { b",\n    " });
            json_string(&mut out, k);
            out.extend_from_slice(b": ");
            json_string(&mut out, v);
        }
        if !self.files.is_empty() {
            out.extend_from_slice(b"\n  ");
        }
        out.extend_from_slice(b"}\n}\n");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The manifest's bytes are serde_json's pretty JSON, for empty manifests and for paths
    /// and hashes with every kind of character JSON escapes (and Cyrillic, left as it is).
    #[test]
    fn written_as_serde_json_writes_it() {
        let mut x = 7u64;
        let mut below = |n: usize| {
            x = crate::testrand::xorshift(x);
            (x % n as u64) as usize
        };
        let alphabet: Vec<char> = "aб/-.\"\\\n\t\u{1}\u{1f}\u{7f}é😀 0".chars().collect();
        for case in 0..200 {
            let mut m = Manifest {
                version: case % 3,
                ..Manifest::default()
            };
            for _ in 0..below(6) {
                let mut word = || -> String {
                    let len = below(12);
                    (0..len).map(|_| alphabet[below(alphabet.len())]).collect()
                };
                let (k, v) = (word(), word());
                m.files.insert(k, v);
            }
            let mut expected = serde_json::to_string_pretty(&m).unwrap();
            expected.push('\n');
            assert_eq!(String::from_utf8(m.to_json()).unwrap(), expected, "{m:?}");
            // And it loads back as it was.
            let back: Manifest = serde_json::from_slice(&m.to_json()).unwrap();
            assert_eq!(back, m);
        }
    }
}
