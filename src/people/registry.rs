//! The editors' registry `content/people.yaml`. (Skeleton: being written.)

use anyhow::Result;
use serde::Deserialize;
use std::path::Path;

/// Where the registry lives, relative to the site root.
pub const REGISTRY_FILE: &str = "content/people.yaml";

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Registry {}

impl Registry {
    pub fn load(_root: &Path) -> Result<Registry> {
        Ok(Registry::default())
    }
}
