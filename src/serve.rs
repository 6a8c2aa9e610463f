//! `litopys serve`. (Skeleton: being written.)

use anyhow::Result;
use std::path::PathBuf;

#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub root: PathBuf,
    pub port: u16,
    pub bind: String,
    pub output: Option<PathBuf>,
}

pub fn serve(_opts: &ServeOptions) -> Result<()> {
    anyhow::bail!("not yet")
}
