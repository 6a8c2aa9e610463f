//! Ingest: `content/raw/**/*.txt` → `content/articles/*.md`. (Skeleton: being written.)

pub mod clean;
pub mod decode;
pub mod meta;

use crate::config::Config;
use crate::people::Registry;
use anyhow::Result;
use std::path::{Path, PathBuf};

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

/// Runs ingest over the site at `root`.
pub fn ingest(
    _root: &Path,
    _config: &Config,
    _registry: &Registry,
    _opts: &IngestOptions,
) -> Result<IngestReport> {
    Ok(IngestReport::default())
}
