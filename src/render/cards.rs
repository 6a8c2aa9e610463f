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
//! The built-in templates, when a site uses them unchanged (and the built-in `base.html`),
//! get their lists of cards as article indices ([`super::context::CardRef`]): they only hand
//! `c` to `card()`, which then takes the article's card from the site's cards
//! ([`CardCache::begin`]) and keeps its HTML in a slot per article, so no page builds or
//! copies whole cards for Tera. A site's own listing template gets whole cards, as
//! documented, and `card()` takes either.
//!
//! The cache lives as long as the [`super::Templates`]; [`CardCache::begin`] empties it
//! before each render, so an edited article never shows an old card.

use super::context::Cards;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use tera::Value;

/// What `card.html` sees as `page.root`, replaced by the real root after rendering: U+FDD0,
/// a Unicode noncharacter (removed from the card's own strings first).
pub const ROOT: &str = "\u{FDD0}";
/// [`ROOT`] as a `char`.
pub const ROOT_CHAR: char = '\u{FDD0}';

/// A rendered card cut where `page.root` goes: the pieces are joined with the page's root.
type Pieces = Arc<[String]>;

/// What one render's cards come from: the site's cards (by article index), its language and
/// interface words, and the cards rendered so far in the site's language, by article index.
struct Render {
    cards: Cards,
    lang: String,
    labels: Value,
    by_index: Vec<OnceLock<Pieces>>,
}

/// Rendered cards of the render under way: by article index in the site's language (a
/// built-in template's context names a card by its index, see
/// [`super::context::CardRef`]), and by (article URL, page language) for anything else.
#[derive(Default)]
pub struct CardCache {
    html: Mutex<HashMap<(String, String), Pieces>>,
    render: Mutex<Option<Arc<Render>>>,
}

impl CardCache {
    /// Forgets every card and takes the site's cards, language and interface words (`page.t`)
    /// (before a render: cards are only valid for one site model).
    pub fn begin(
        &self,
        cards: Cards,
        lang: &str,
        labels: &'static super::labels::Labels,
    ) -> tera::Result<()> {
        if let Ok(mut m) = self.html.lock() {
            m.clear();
        }
        let labels = serde_json::to_value(labels).map_err(|e| tera::Error::msg(e.to_string()))?;
        let by_index = cards.iter().map(|_| OnceLock::new()).collect();
        if let Ok(mut r) = self.render.lock() {
            *r = Some(Arc::new(Render {
                cards,
                lang: lang.to_string(),
                labels,
                by_index,
            }));
        }
        Ok(())
    }

    fn current(&self) -> tera::Result<Arc<Render>> {
        self.render
            .lock()
            .ok()
            .and_then(|r| r.clone())
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
/// (without this function, so a card cannot call itself), cached in a [`CardCache`]. `c` is
/// a card, or (in the contexts of built-in templates) the index of an article's card.
pub struct CardFn {
    /// The templates, compiled once for the pages and this function.
    pub compiled: Arc<super::Compiled>,
    /// Their copy for cards: escaping keeps the root marker ([`ROOT_CHAR`]); made when a card
    /// first goes through Tera.
    pub tera: std::sync::OnceLock<Result<tera::Tera, String>>,
    pub cache: Arc<CardCache>,
    /// True when `card.html` is the built-in one and the cards of the site's articles are
    /// rendered without Tera ([`super::native::card`]).
    pub native: std::sync::atomic::AtomicBool,
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

impl CardFn {
    /// The templates for cards ([`CardFn::tera`]).
    fn card_tera(&self) -> tera::Result<&tera::Tera> {
        self.tera
            .get_or_init(|| {
                let mut tera = self.compiled.tera().map_err(|e| e.to_string())?.clone();
                tera.set_escape_fn(|s| super::escape_keeping(s, Some(ROOT_CHAR)));
                Ok(tera)
            })
            .as_ref()
            .map_err(|e| tera::Error::msg(e.clone()))
    }

    /// `card.html` rendered with card `c` in language `lang`, cut at `page.root`.
    fn render(&self, mut c: Value, lang: &str, labels: &Value) -> tera::Result<Pieces> {
        strip_root(&mut c);
        let mut page = tera::Map::new();
        page.insert("root".into(), Value::String(ROOT.into()));
        page.insert("lang".into(), Value::String(lang.into()));
        page.insert("t".into(), labels.clone());
        let mut top = tera::Map::new();
        top.insert("c".into(), c);
        top.insert("page".into(), Value::Object(page));
        let ctx = tera::Context::from_value(Value::Object(top))?;
        let html = self.card_tera()?.render("card.html", &ctx)?;
        Ok(html.split(ROOT).map(str::to_string).collect())
    }

    /// The pieces of the card `c` (a card or an article index) in language `lang`.
    fn pieces(&self, c: &Value, lang: &str) -> tera::Result<Pieces> {
        let r = self.cache.current()?;
        if let Some(i) = c.as_u64() {
            let i = usize::try_from(i)
                .map_err(|_| tera::Error::msg(format!("card(): no article {i}")))?;
            return self.pieces_of(&r, i, lang);
        }
        self.by_url(c, lang, &r.labels)
    }

    /// The pieces of article `i`'s card in language `lang`.
    fn pieces_of(&self, r: &Render, i: usize, lang: &str) -> tera::Result<Pieces> {
        // Every card a context hands out is made first ([`super::context::Shared::card`]).
        let found = r
            .cards
            .get(i)
            .ok_or_else(|| tera::Error::msg(format!("card(): no article {i}")))?
            .get()
            .ok_or_else(|| tera::Error::msg(format!("card(): article {i} is on no list here")))?;
        let render = || {
            if self.native.load(std::sync::atomic::Ordering::Relaxed) {
                return Ok(super::native::card(found, lang));
            }
            let value = serde_json::to_value(found).map_err(|e| tera::Error::msg(e.to_string()))?;
            self.render(value, lang, &r.labels)
        };
        if lang == r.lang {
            if let Some(p) = r.by_index[i].get() {
                return Ok(p.clone());
            }
            let p = render()?;
            return Ok(r.by_index[i].get_or_init(|| p).clone());
        }
        let key = (found.url.clone(), lang.to_string());
        if let Some(p) = self.cache.get(&key) {
            return Ok(p);
        }
        let p = render()?;
        self.cache.put(key, p.clone());
        Ok(p)
    }

    /// A [`Lister`] for the render under way: for a page's list of cards, so that the
    /// render's cards are looked up once per list, not once per card.
    pub fn lister(&self) -> tera::Result<Lister<'_>> {
        Ok(Lister {
            cards: self,
            render: self.cache.current()?,
        })
    }

    /// The pieces of card `c` (an object), cached by its URL and `lang`.
    fn by_url(&self, c: &Value, lang: &str, labels: &Value) -> tera::Result<Pieces> {
        let url = c
            .get("url")
            .and_then(Value::as_str)
            .ok_or_else(|| tera::Error::msg("card(): `c` is not an article card"))?;
        let key = (url.to_string(), lang.to_string());
        if let Some(p) = self.cache.get(&key) {
            return Ok(p);
        }
        let p = self.render(c.clone(), lang, labels)?;
        self.cache.put(key, p.clone());
        Ok(p)
    }
}

/// Appends cards of the render under way to pages ([`CardFn::lister`]).
pub struct Lister<'a> {
    cards: &'a CardFn,
    render: Arc<Render>,
}

impl Lister<'_> {
    /// Appends what `{{ card(c=i, root=root, lang=lang) }}` prints to `out`, given `root`
    /// already escaped: article `i`'s card for a page in language `lang` (for the pages
    /// rendered without Tera, [`super::native`]). A card already rendered in the site's
    /// language is copied from its slot, without taking a reference to it.
    pub fn push(
        &self,
        out: &mut String,
        i: usize,
        escaped_root: &str,
        lang: &str,
    ) -> tera::Result<()> {
        if lang == self.render.lang {
            if let Some(p) = self.render.by_index.get(i).and_then(OnceLock::get) {
                join_into(out, p, escaped_root);
                return Ok(());
            }
        }
        let pieces = self.cards.pieces_of(&self.render, i, lang)?;
        join_into(out, &pieces, escaped_root);
        Ok(())
    }
}

/// The [`CardFn`] registered with Tera, shared with the pages rendered without it.
pub struct SharedCardFn(pub Arc<CardFn>);

impl tera::Function for SharedCardFn {
    fn call(&self, args: &HashMap<String, Value>) -> tera::Result<Value> {
        self.0.call(args)
    }

    fn is_safe(&self) -> bool {
        true
    }
}

impl tera::Function for CardFn {
    fn call(&self, args: &HashMap<String, Value>) -> tera::Result<Value> {
        let c = arg(args, "c")?;
        let root = text(args, "root")?;
        let lang = text(args, "lang")?;
        let pieces = self.pieces(c, lang)?;
        let root = super::escape(root);
        let len = pieces.iter().map(String::len).sum::<usize>() + root.len() * pieces.len();
        let mut out = String::with_capacity(len);
        join_into(&mut out, &pieces, &root);
        Ok(Value::String(out))
    }

    fn is_safe(&self) -> bool {
        true
    }
}

/// Appends the pieces of a card joined with `root` (escaped) to `out`.
fn join_into(out: &mut String, pieces: &[String], root: &str) {
    for (i, piece) in pieces.iter().enumerate() {
        if i > 0 {
            out.push_str(root);
        }
        out.push_str(piece);
    }
}

/// Removes [`ROOT`] from every string in `v`.
fn strip_root(v: &mut Value) {
    match v {
        Value::String(s) if s.contains(ROOT) => *s = s.replace(ROOT, ""),
        Value::Array(a) => a.iter_mut().for_each(strip_root),
        Value::Object(o) => o.values_mut().for_each(strip_root),
        _ => {}
    }
}
