//! The site model. (Skeleton: being written.)

pub mod collate;
pub mod translit;

use crate::config::Config;
use crate::people::Registry;
use std::path::{Path, PathBuf};

/// An error found while loading the site, with its file and line.
#[derive(Debug, Clone)]
pub struct SiteError {
    pub file: PathBuf,
    pub line: Option<usize>,
    pub message: String,
}

impl std::fmt::Display for SiteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(l) => write!(f, "{}:{}: {}", self.file.display(), l, self.message),
            None => write!(f, "{}: {}", self.file.display(), self.message),
        }
    }
}

/// Everything the renderers need, built once.
#[derive(Debug, Default)]
pub struct Site {}

impl Site {
    /// Loads `content/articles/*.md` (and the registry) under `root`; collects every error.
    pub fn load(
        _root: &Path,
        _config: &Config,
        _registry: &Registry,
    ) -> Result<Site, Vec<SiteError>> {
        Ok(Site::default())
    }
}

impl Site {
    pub fn article_count(&self) -> usize {
        0
    }
    pub fn person_count(&self) -> usize {
        0
    }
}

/// The text of `litopys people`.
pub fn people_report(_site: &Site, _suspicious: bool) -> String {
    String::new()
}
