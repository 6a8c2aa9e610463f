//! The one place that talks YAML (serde_yaml): config, front matter and the people registry
//! all parse and print through here, so errors carry a line number the same way everywhere.

use serde::{de::DeserializeOwned, Serialize};

/// A YAML error with the 1-based line and column it points at (when known).
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub struct YamlError {
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
}

/// Parses `text` as YAML into `T`.
pub fn parse<T: DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    serde_yaml::from_str(text).map_err(|e| {
        let loc = e.location();
        YamlError {
            line: loc.as_ref().map(|l| l.line()),
            column: loc.as_ref().map(|l| l.column()),
            message: e.to_string(),
        }
    })
}

/// Serialises `value` as YAML (no leading `---`).
pub fn to_string<T: Serialize>(value: &T) -> Result<String, YamlError> {
    serde_yaml::to_string(value).map_err(|e| YamlError {
        line: None,
        column: None,
        message: e.to_string(),
    })
}
