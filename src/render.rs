//! Rendering the site model to pages through Tera. (Skeleton: being written.)

use crate::site::{Site, SiteError};
use std::path::Path;

/// One output file: a path relative to the output folder ('/'-separated) and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// The compiled templates: the built-in defaults, overridden by the site's `templates/`.
pub struct Templates {}

impl Templates {
    /// Compiles the templates of the site at `root`; errors name the template file and line.
    pub fn load(_root: &Path) -> Result<Templates, Vec<SiteError>> {
        Ok(Templates {})
    }
}

/// Renders every page, feed and sitemap of `site`.
pub fn render(_site: &Site, _templates: &Templates) -> Result<Vec<OutputFile>, Vec<SiteError>> {
    Ok(Vec::new())
}
