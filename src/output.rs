//! Writing `public/`. (Skeleton: being written.)

use crate::render::OutputFile;
use anyhow::Result;
use std::path::Path;

/// What a write did.
#[derive(Debug, Clone, Default)]
pub struct WriteStats {
    pub written: usize,
    pub unchanged: usize,
    pub removed: usize,
}

/// Makes `out_dir` hold exactly `files`.
pub fn write(_out_dir: &Path, _files: &[OutputFile]) -> Result<WriteStats> {
    Ok(WriteStats::default())
}
