//! People: from text to person mentions with canonical nominative names.
//!
//! A pure function of text, the embedded name lists and the editors' registry: no file I/O
//! here except [`Registry::load`]. The same code serves `ingest`, `extract` and the evaluation.
//!
//! - [`names`]: the embedded gazetteers (given names, surnames, places) and given-name forms.
//! - [`morph`]: Ukrainian name morphology: inflected form → nominative.
//! - [`extract`](mod@extract): tokens → mentions → canonical names, merged within one article; roles.
//! - [`merge`]: merging across the site (surname-only → the single full name).
//! - [`registry`]: `content/people.yaml`, the editors' aliases, descriptions and ignore list.

mod cases;
mod english;
pub mod extract;
mod infl;
mod keytable;
mod lexicon;
pub mod merge;
pub mod morph;
pub mod names;
mod places;
pub mod registry;

use serde::Serialize;

pub use extract::{detect_language, extract};
pub use merge::site_merge;
pub use registry::Registry;

/// Grammatical gender of a name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Gender {
    Male,
    Female,
    Unknown,
}

/// Language of an article.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    Uk,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Uk => "uk",
            Lang::En => "en",
        }
    }
}

/// One mention of a person in a text. Offsets are Unicode code points into the text that was
/// given to [`extract()`], end exclusive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mention {
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub canonical: String,
}

/// A role phrase written next to a person («секретар РНБО» Рустем Умєров).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PersonRole {
    pub person: String,
    pub role: String,
}

/// Everything extraction finds in one text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Extraction {
    /// Every mention, in text order.
    pub mentions: Vec<Mention>,
    /// Distinct canonical names in order of first mention.
    pub people: Vec<String>,
    /// Roles, in text order (a person may have several).
    pub roles: Vec<PersonRole>,
}

/// The Cyrillic twin of a Latin letter that looks the same (a → а, I → І, …): used to repair
/// Latin look-alikes inside Cyrillic words, by cleaning and by name normalisation alike.
pub fn cyrillic_twin(c: char) -> Option<char> {
    Some(match c {
        'a' => 'а',
        'c' => 'с',
        'e' => 'е',
        'i' => 'і',
        'o' => 'о',
        'p' => 'р',
        'x' => 'х',
        'y' => 'у',
        'A' => 'А',
        'B' => 'В',
        'C' => 'С',
        'E' => 'Е',
        'H' => 'Н',
        'I' => 'І',
        'K' => 'К',
        'M' => 'М',
        'O' => 'О',
        'P' => 'Р',
        'T' => 'Т',
        'X' => 'Х',
        'Y' => 'У',
        _ => return None,
    })
}
