//! Person extraction from one text. (Skeleton: being written.)

use super::{Extraction, Lang, Registry};

/// The language of a text: English when Latin letters clearly outnumber Cyrillic ones.
pub fn detect_language(text: &str) -> Lang {
    let (mut lat, mut cyr) = (0usize, 0usize);
    for c in text.chars() {
        if c.is_ascii_alphabetic() {
            lat += 1;
        } else if ('\u{0400}'..='\u{04FF}').contains(&c) {
            cyr += 1;
        }
    }
    if lat > cyr * 2 {
        Lang::En
    } else {
        Lang::Uk
    }
}

/// Finds the people named in `text`.
pub fn extract(_text: &str, _lang: Lang, _registry: &Registry) -> Extraction {
    Extraction::default()
}
