//! Merging people across the site: a surname-only person joins the single full-name person
//! with that surname. (Skeleton: being written.)

use std::collections::HashMap;

/// For every name in `articles` that should be shown as another name, the mapping
/// name → merged name.
pub fn site_merge(_articles: &[Vec<String>]) -> HashMap<String, String> {
    HashMap::new()
}
