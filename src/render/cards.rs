//! Article cards rendered once per build: the `card()` template function.
//!
//! An article's card (`card.html`) shows up on its day and month pages, on the pages of every
//! person it names and in other articles' related lists: about ten times per article. Instead of
//! `{% include "card.html" %}` in each of those loops, the built-in templates call
//!
//! ```text
//! {{ card(c=c, root=page.root, lang=page.lang) }}
//! ```
//!
//! which renders `card.html` (the site's own, if it has one) once per article and page
//! language, and hands out that HTML afterwards. The HTML is the include's, byte for byte,
//! because `card.html` is rendered with the same `c`, `page.lang` and `page.t` and with
//! `page.root` set to [`ROOT`], a Unicode noncharacter, which is replaced by the page's own
//! root (escaped as Tera would) on the way out. Pages' escaping drops that character from
//! text (with the other noncharacters, see [`super::escape`]); the card templates' escaping
//! keeps it, and the card's own strings lose it before rendering, so in the card's HTML it can
//! only come from `page.root`. What
//! `card.html` may read is therefore `c`, `page.root` (as a prefix of links), `page.lang` and
//! `page.t`; a template wanting more of the page can still `{% include "card.html" %}`.
//!
//! The cache lives as long as the [`super::Templates`]; [`CardCache::begin`] empties it
//! before each render, so an edited article never shows an old card.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tera::Value;

/// What `card.html` sees as `page.root`, replaced by the real root after rendering: U+FDD0,
/// a Unicode noncharacter (removed from the card's own strings first).
pub const ROOT: &str = "\u{FDD0}";
/// [`ROOT`] as a `char`.
pub const ROOT_CHAR: char = '\u{FDD0}';

/// A rendered card cut where `page.root` goes: the pieces are joined with the page's root.
type Pieces = Arc<[String]>;

/// Rendered cards by (article URL, page language), cut at `page.root`, and the interface words
/// (`page.t`, in the site's language) of the render under way.
#[derive(Default)]
pub struct CardCache {
    html: Mutex<HashMap<(String, String), Pieces>>,
    labels: Mutex<Option<&'static super::labels::Labels>>,
}

impl CardCache {
    /// Forgets every card and takes the site's interface words (before a render: cards are
    /// only valid for one site model).
    pub fn begin(&self, labels: &'static super::labels::Labels) {
        if let Ok(mut m) = self.html.lock() {
            m.clear();
        }
        if let Ok(mut l) = self.labels.lock() {
            *l = Some(labels);
        }
    }

    fn labels(&self) -> tera::Result<&'static super::labels::Labels> {
        self.labels
            .lock()
            .ok()
            .and_then(|l| *l)
            .ok_or_else(|| tera::Error::msg("card() called outside a render"))
    }

    fn get(&self, key: &(String, String)) -> Option<Pieces> {
        self.html.lock().ok()?.get(key).cloned()
    }

    fn put(&self, key: (String, String), html: Pieces) {
        if let Ok(mut m) = self.html.lock() {
            m.insert(key, html);
        }
    }
}

/// The `card(c, root, lang)` function: `card.html` rendered by its own copy of the templates
/// (without this function, so a card cannot call itself), cached in a [`CardCache`].
pub struct CardFn {
    pub tera: tera::Tera,
    pub cache: Arc<CardCache>,
}

fn arg<'a>(args: &'a HashMap<String, Value>, name: &str) -> tera::Result<&'a Value> {
    args.get(name)
        .ok_or_else(|| tera::Error::msg(format!("card() needs `{name}`")))
}

fn text<'a>(args: &'a HashMap<String, Value>, name: &str) -> tera::Result<&'a str> {
    arg(args, name)?
        .as_str()
        .ok_or_else(|| tera::Error::msg(format!("card(): `{name}` must be a string")))
}

impl tera::Function for CardFn {
    fn call(&self, args: &HashMap<String, Value>) -> tera::Result<Value> {
        let c = arg(args, "c")?;
        let root = text(args, "root")?;
        let lang = text(args, "lang")?;
        let url = c
            .get("url")
            .and_then(Value::as_str)
            .ok_or_else(|| tera::Error::msg("card(): `c` is not an article card"))?;
        let key = (url.to_string(), lang.to_string());
        let pieces = match self.cache.get(&key) {
            Some(h) => h,
            None => {
                let mut page = tera::Map::new();
                page.insert("root".into(), Value::String(ROOT.into()));
                page.insert("lang".into(), Value::String(lang.into()));
                page.insert(
                    "t".into(),
                    serde_json::to_value(self.cache.labels()?)
                        .map_err(|e| tera::Error::msg(e.to_string()))?,
                );
                let mut ctx = tera::Context::new();
                ctx.insert("c", &without_root(c));
                ctx.insert("page", &Value::Object(page));
                let html = self.tera.render("card.html", &ctx)?;
                let p: Pieces = html.split(ROOT).map(str::to_string).collect();
                self.cache.put(key, p.clone());
                p
            }
        };
        let root = super::escape(root);
        let len = pieces.iter().map(String::len).sum::<usize>() + root.len() * pieces.len();
        let mut out = String::with_capacity(len);
        for (i, piece) in pieces.iter().enumerate() {
            if i > 0 {
                out.push_str(&root);
            }
            out.push_str(piece);
        }
        Ok(Value::String(out))
    }

    fn is_safe(&self) -> bool {
        true
    }
}

/// `v` with [`ROOT`] removed from every string in it.
fn without_root(v: &Value) -> Value {
    match v {
        Value::String(s) if s.contains(ROOT) => Value::String(s.replace(ROOT, "")),
        Value::Array(a) => Value::Array(a.iter().map(without_root).collect()),
        Value::Object(o) => Value::Object(
            o.iter()
                .map(|(k, v)| (k.clone(), without_root(v)))
                .collect(),
        ),
        v => v.clone(),
    }
}
