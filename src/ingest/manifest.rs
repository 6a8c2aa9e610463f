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

use anyhow::{Context, Result};
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
        let mut json = serde_json::to_string_pretty(self).context("cannot serialise")?;
        json.push('\n');
        super::write_atomic(&path(root), json.as_bytes())
    }
}
