//! The site's configuration: `litopys.yaml` at the site root, every key optional.
//!
//! ```yaml
//! title: Літопис
//! base_url: https://example.org/news/
//! language: uk
//! page_size: 20
//! home_days: 10
//! boilerplate: ["Продовження після реклами", "РЕКЛАМА", "Читайте також*"]
//! reference_date: 2026-11-26   # resolve dates as if files were modified on this day
//! allow_html: false
//! max_raw_bytes: 8388608       # larger raw files are refused (default 8 MiB)
//! ```

use crate::date::Date;
use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// Name of the config file at the site root.
pub const CONFIG_FILE: &str = "litopys.yaml";

/// Boilerplate lines removed from raw text unless the config says otherwise.
pub const DEFAULT_BOILERPLATE: &[&str] = &[
    "Продовження після реклами",
    "РЕКЛАМА",
    "Реклама",
    "Читайте також*",
    "Читайте нас у Telegram*",
    "Підписуйтесь на*",
    "ADVERTISEMENT",
    "Advertisement",
];

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Site title shown in the header and feeds.
    pub title: String,
    /// Where the site will be published; used for feeds, the sitemap and canonical links.
    /// Pages themselves link relatively, so the output also works from any folder.
    pub base_url: String,
    /// Default language of articles (`uk` or `en`); detected per article when ingesting.
    pub language: String,
    /// Articles per page on person pages and other paginated lists.
    pub page_size: usize,
    /// How many days the home page digest shows.
    pub home_days: usize,
    /// Lines dropped from raw text. A line matches when it equals a pattern (ignoring case and
    /// surrounding space); a pattern ending in `*` matches lines that start with the rest.
    pub boilerplate: Vec<String>,
    /// Resolve dates stated without a year («7 січня») against this day instead of the raw
    /// file's modification time. Makes a checked-in sample site build the same everywhere.
    pub reference_date: Option<Date>,
    /// Let raw HTML written by editors in Markdown through (default: escape it).
    pub allow_html: bool,
    /// Raw files larger than this many bytes are refused (reported and skipped) instead of
    /// read: a news article is a few kilobytes, a file of many megabytes is a mistake (a
    /// dump, a disk image) that would only cost time and memory.
    pub max_raw_bytes: u64,
}

/// The default of [`Config::max_raw_bytes`]: 8 MiB.
pub const DEFAULT_MAX_RAW_BYTES: u64 = 8 * 1024 * 1024;

impl Default for Config {
    fn default() -> Self {
        Config {
            title: "Літопис".to_string(),
            base_url: "/".to_string(),
            language: "uk".to_string(),
            page_size: 20,
            home_days: 10,
            boilerplate: DEFAULT_BOILERPLATE.iter().map(|s| s.to_string()).collect(),
            reference_date: None,
            allow_html: false,
            max_raw_bytes: DEFAULT_MAX_RAW_BYTES,
        }
    }
}

impl Config {
    /// Loads `litopys.yaml` from `root`, or the defaults when there is none.
    pub fn load(root: &Path) -> Result<Config> {
        let path = root.join(CONFIG_FILE);
        if !path.exists() {
            return Ok(Config::default());
        }
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        Self::parse(&text).with_context(|| format!("in {}", path.display()))
    }

    /// Parses config text (empty text gives the defaults) and validates it.
    pub fn parse(text: &str) -> Result<Config> {
        if text.trim().is_empty() {
            return Ok(Config::default());
        }
        let cfg: Config = crate::yaml::parse(text).map_err(|e| match e.line {
            Some(line) => anyhow::anyhow!("line {line}: {}", e.message),
            None => anyhow::anyhow!("{}", e.message),
        })?;
        if cfg.max_raw_bytes == 0 {
            anyhow::bail!("max_raw_bytes must be at least 1");
        }
        if cfg.page_size == 0 {
            anyhow::bail!("page_size must be at least 1");
        }
        if cfg.language != "uk" && cfg.language != "en" {
            anyhow::bail!("language must be `uk` or `en`, not `{}`", cfg.language);
        }
        Ok(cfg)
    }

    /// `base_url` with exactly one trailing slash.
    pub fn base_url(&self) -> String {
        let mut b = self.base_url.trim().trim_end_matches('/').to_string();
        b.push('/');
        b
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_config_gives_defaults() {
        assert_eq!(Config::parse("").unwrap(), Config::default());
        assert!(Config::default().boilerplate.iter().any(|b| b == "РЕКЛАМА"));
    }

    #[test]
    fn partial_config_keeps_other_defaults() {
        let c = Config::parse("title: Новини\nreference_date: 2026-01-31\n").unwrap();
        assert_eq!(c.title, "Новини");
        assert_eq!(c.page_size, 20);
        assert_eq!(c.reference_date, Some(Date::new(2026, 1, 31).unwrap()));
    }

    #[test]
    fn bad_config_names_the_line() {
        let err = Config::parse("title: x\npage_size: many\n").unwrap_err();
        assert!(format!("{err:#}").contains("line 2"), "{err:#}");
        assert!(Config::parse("titel: x\n").is_err());
        assert!(Config::parse("page_size: 0\n").is_err());
    }

    #[test]
    fn base_url_gets_one_slash() {
        let c = Config {
            base_url: "https://h/sub//".into(),
            ..Config::default()
        };
        assert_eq!(c.base_url(), "https://h/sub/");
    }
}
