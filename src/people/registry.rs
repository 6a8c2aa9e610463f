//! The editors' registry, `content/people.yaml`:
//!
//! ```yaml
//! people:
//!   - name: Володимир Зеленський          # the canonical name pages use
//!     aliases: [Volodymyr Zelensky, Зеленський В. О.]
//!     role: Президент України             # optional
//!     description: Шостий президент України.   # optional, shown on the person's page
//!     slug: volodymyr-zelenskyi           # optional URL slug override
//! ignore: [Слава Україні, Продовження Після]   # strings that are never people
//! ```
//!
//! Ingest and build honour it: aliases (any spelling, case-insensitive) resolve to `name`,
//! ignored strings never become people.

use anyhow::{Context, Result};
use serde::Deserialize;
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// Where the registry lives, relative to the site root.
pub const REGISTRY_FILE: &str = "content/people.yaml";

/// One person in the registry.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct RegistryPerson {
    pub name: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub role: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub slug: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RegistryFile {
    #[serde(default)]
    people: Vec<RegistryPerson>,
    #[serde(default)]
    ignore: Vec<String>,
}

/// The loaded registry with its lookup tables.
#[derive(Debug, Clone, Default)]
pub struct Registry {
    pub people: Vec<RegistryPerson>,
    /// lower-cased name or alias → index into `people`.
    by_key: HashMap<String, usize>,
    /// lower-cased ignored strings.
    ignored: HashSet<String>,
}

/// The lookup key of a name: trimmed, single-spaced, lower-case, apostrophes unified to ʼ.
pub fn key(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for word in name.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        for c in word.chars() {
            match c {
                '\'' | '’' | '‘' | '`' | '´' | 'ʼ' => out.push('ʼ'),
                _ => out.extend(c.to_lowercase()),
            }
        }
    }
    out
}

impl Registry {
    /// Feeds everything the registry's answers depend on into `h`, in a fixed order (for caches
    /// of what extraction gave under it).
    pub fn hash_into(&self, h: &mut sha2::Sha256) {
        use sha2::Digest;
        let mut text = |s: &str| {
            h.update((s.len() as u64).to_le_bytes());
            h.update(s.as_bytes());
        };
        for p in &self.people {
            text(&p.name);
            for a in &p.aliases {
                text(a);
            }
            text("\0");
            for v in [&p.role, &p.description, &p.slug] {
                text(v.as_deref().unwrap_or("\0"));
            }
        }
        text("\0ignore");
        let mut ignored: Vec<&String> = self.ignored.iter().collect();
        ignored.sort();
        for i in ignored {
            text(i);
        }
    }

    /// Loads `content/people.yaml` under `root`; an absent file is an empty registry.
    pub fn load(root: &Path) -> Result<Registry> {
        let path = root.join(REGISTRY_FILE);
        if !path.exists() {
            return Ok(Registry::default());
        }
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        Registry::parse(&text)
    }

    /// Parses registry YAML.
    pub fn parse(text: &str) -> Result<Registry> {
        if text.trim().is_empty() {
            return Ok(Registry::default());
        }
        let file: RegistryFile = crate::yaml::parse(text).map_err(|e| match e.line {
            Some(l) => anyhow::anyhow!("line {l}: {}", e.message),
            None => anyhow::anyhow!("{}", e.message),
        })?;
        Ok(Registry::from_parts(file.people, file.ignore))
    }

    /// Builds a registry from people and ignored strings.
    pub fn from_parts(people: Vec<RegistryPerson>, ignore: Vec<String>) -> Registry {
        let mut by_key = HashMap::new();
        for (i, p) in people.iter().enumerate() {
            by_key.entry(key(&p.name)).or_insert(i);
            for a in &p.aliases {
                by_key.entry(key(a)).or_insert(i);
            }
        }
        let ignored = ignore.iter().map(|s| key(s)).collect();
        Registry {
            people,
            by_key,
            ignored,
        }
    }

    /// The canonical name for `name` when the registry knows it by name or alias.
    pub fn resolve(&self, name: &str) -> Option<&str> {
        if self.by_key.is_empty() {
            return None;
        }
        self.by_key
            .get(&key(name))
            .map(|&i| self.people[i].name.as_str())
    }

    /// The registry entry of a canonical name (or alias).
    pub fn person(&self, name: &str) -> Option<&RegistryPerson> {
        if self.by_key.is_empty() {
            return None;
        }
        self.by_key.get(&key(name)).map(|&i| &self.people[i])
    }

    /// True when `text` must never be a person.
    pub fn is_ignored(&self, text: &str) -> bool {
        !self.ignored.is_empty() && self.ignored.contains(&key(text))
    }

    pub fn is_empty(&self) -> bool {
        self.people.is_empty() && self.ignored.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_resolve_and_ignores_match_any_case() {
        let r = Registry::parse(
            "people:\n  - name: Володимир Зеленський\n    aliases: [Volodymyr Zelensky, \"Зеленський В. О.\"]\n    description: Президент\nignore: [Слава Україні]\n",
        )
        .unwrap();
        assert_eq!(
            r.resolve("volodymyr  zelensky"),
            Some("Володимир Зеленський")
        );
        assert_eq!(
            r.resolve("Володимир Зеленський"),
            Some("Володимир Зеленський")
        );
        assert_eq!(r.resolve("Олена Зеленська"), None);
        assert!(r.is_ignored("СЛАВА УКРАЇНІ"));
        assert!(!r.is_ignored("Слава"));
        assert_eq!(
            r.person("Volodymyr Zelensky")
                .and_then(|p| p.description.as_deref()),
            Some("Президент")
        );
    }

    #[test]
    fn apostrophes_are_one_key() {
        let r = Registry::from_parts(
            vec![RegistryPerson {
                name: "Марʼяна Безугла".into(),
                ..Default::default()
            }],
            vec![],
        );
        assert_eq!(r.resolve("Мар'яна Безугла"), Some("Марʼяна Безугла"));
        assert_eq!(r.resolve("Мар’яна Безугла"), Some("Марʼяна Безугла"));
    }

    #[test]
    fn bad_registry_names_the_line() {
        let e = Registry::parse("people:\n  - name: A\n    age: 3\n").unwrap_err();
        assert!(format!("{e}").contains("line"), "{e}");
    }
}
