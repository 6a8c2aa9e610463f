//! Ukrainian alphabetical order (А Б В Г Ґ Д Е Є Ж З И І Ї Й … Ь Ю Я, then Latin) with
//! `icu_collator` and the CLDR `uk` tailoring, and the index keys of people.
//!
//! The collator is built once per process ([`compare`]). Alternate handling is `Shifted`, so
//! spaces, hyphens and apostrophes are ignored at the primary level; sort keys use U+0027 for
//! every apostrophe because the collator treats U+02BC as a letter.
//!
//! A person's index key is (surname, given names): the surname starts at the first capitalised
//! word after the first word, skipping lower-case particles («Урсула фон дер Ляєн» → Ляєн,
//! «Жак Ланглад де Монгро» → Ланглад де Монгро; «Марін Ле Пен» → Ле Пен).

use icu_collator::options::{AlternateHandling, CollatorOptions};
use icu_collator::{Collator, CollatorBorrowed};
use icu_locale::locale;
use std::cmp::Ordering;
use std::sync::OnceLock;
use unicode_normalization::UnicodeNormalization;

fn collator() -> Option<&'static CollatorBorrowed<'static>> {
    static COLLATOR: OnceLock<Option<CollatorBorrowed<'static>>> = OnceLock::new();
    COLLATOR
        .get_or_init(|| {
            let mut o = CollatorOptions::default();
            o.alternate_handling = Some(AlternateHandling::Shifted);
            Collator::try_new(locale!("uk").into(), o).ok()
        })
        .as_ref()
}

/// Compares two strings in Ukrainian alphabetical order (code points if the collator could not
/// be built, which does not happen with the compiled data).
pub fn compare(a: &str, b: &str) -> Ordering {
    match collator() {
        Some(c) => c.compare(a, b),
        None => a.cmp(b),
    }
}

/// Every apostrophe as U+0027 (which the collator ignores), for sort keys.
pub fn sort_text(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '’' | 'ʼ' | '‘' | '`' | '´' => '\'',
            c => c,
        })
        .collect()
}

/// The index key of a person's name: (surname part, given part), apostrophes as U+0027.
#[derive(Debug, Clone, PartialEq, Eq, Default, Hash)]
pub struct IndexKey {
    pub surname: String,
    pub given: String,
}

impl IndexKey {
    /// The key of a canonical name «Given \[particles\] Surname …».
    pub fn of(name: &str) -> IndexKey {
        let words: Vec<&str> = name.split_whitespace().collect();
        if words.len() <= 1 {
            return IndexKey {
                surname: sort_text(name.trim()),
                given: String::new(),
            };
        }
        let starts_upper = |w: &str| w.chars().next().is_some_and(|c| c.is_uppercase());
        let start = (1..words.len())
            .find(|&i| starts_upper(words[i]))
            .unwrap_or(words.len() - 1);
        let mut given: Vec<&str> = words[..start].to_vec();
        // Lower-case particles between the given name and the surname go after the given name
        // («Ляєн, Урсула фон дер»).
        given.retain(|w| !w.is_empty());
        IndexKey {
            surname: sort_text(&words[start..].join(" ")),
            given: sort_text(&given.join(" ")),
        }
    }

    /// Ukrainian order: surname first, then given names.
    pub fn cmp_uk(&self, other: &IndexKey) -> Ordering {
        compare(&self.surname, &other.surname).then_with(|| compare(&self.given, &other.given))
    }

    /// The letter the key is grouped under: the surname's first letter in upper case, or `#`.
    /// Latin letters lose their diacritics (É is listed under E, as the collator orders it);
    /// Cyrillic letters keep theirs (Й, Ї and Ґ are letters of their own).
    pub fn letter(&self) -> String {
        match self.surname.chars().find(|c| c.is_alphanumeric()) {
            Some(c) if c.is_alphabetic() => {
                let base = if ('\u{400}'..='\u{52f}').contains(&c) {
                    c
                } else {
                    std::iter::once(c).nfd().next().unwrap_or(c)
                };
                base.to_uppercase().collect()
            }
            _ => "#".to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted(mut v: Vec<&str>) -> Vec<&str> {
        v.sort_by(|a, b| compare(&sort_text(a), &sort_text(b)));
        v
    }

    #[test]
    fn ukrainian_letters_in_their_places() {
        assert_eq!(sorted(vec!["Ґалаґан", "Гуменюк"]), ["Гуменюк", "Ґалаґан"]);
        assert_eq!(sorted(vec!["Євтушенко", "Ермак"]), ["Ермак", "Євтушенко"]);
        assert_eq!(
            sorted(vec!["Їжак", "Ілля", "Іванов", "Иван"]),
            ["Иван", "Іванов", "Ілля", "Їжак"]
        );
        assert_eq!(sorted(vec!["Яр", "Ющенко", "Ьа"]), ["Ьа", "Ющенко", "Яр"]);
        assert_eq!(
            sorted(vec!["Абрамович", "Ґонта", "Ящук"]),
            ["Абрамович", "Ґонта", "Ящук"]
        );
    }

    #[test]
    fn cyrillic_before_latin() {
        assert_eq!(
            sorted(vec!["Trump", "Ящук", "Adams"]),
            ["Ящук", "Adams", "Trump"]
        );
    }

    #[test]
    fn apostrophes_are_ignored() {
        // Дем'яненко sorts as Демяненко: after Демченко (ч < я).
        for a in ["'", "’", "ʼ"] {
            let d = format!("Дем{a}яненко");
            assert_eq!(
                sorted(vec![&d, "Демченко"]),
                ["Демченко", d.as_str()],
                "{a}"
            );
        }
    }

    #[test]
    fn index_keys_skip_particles() {
        let k = IndexKey::of("Урсула фон дер Ляєн");
        assert_eq!(k.surname, "Ляєн");
        assert_eq!(k.letter(), "Л");
        let k = IndexKey::of("Жак Ланглад де Монгро");
        assert!(k.surname.starts_with("Ланглад"), "{k:?}");
        assert_eq!(IndexKey::of("Марін Ле Пен").surname, "Ле Пен");
        assert_eq!(IndexKey::of("Зеленський").surname, "Зеленський");
        assert_eq!(IndexKey::of("Кирило Буданов").given, "Кирило");
        assert_eq!(IndexKey::of("Ґалаґан").letter(), "Ґ");
        assert_eq!(IndexKey::of("«Іван»").letter(), "І");
        assert_eq!(IndexKey::of("123").letter(), "#");
        assert_eq!(IndexKey::of("Émile Zola").letter(), "Z");
        assert_eq!(IndexKey::of("Élan").letter(), "E");
        assert_eq!(IndexKey::of("Йосип Їжак").letter(), "Ї");
        assert_eq!(IndexKey::of("Йосипенко").letter(), "Й");
    }

    #[test]
    fn people_sort_by_surname_then_given_name() {
        let mut v = vec![
            "Петро Ляєнко",
            "Урсула фон дер Ляєн",
            "Андрій Ляєн",
            "Олена Ґалаґан",
            "Іван Гуменюк",
        ];
        v.sort_by(|a, b| IndexKey::of(a).cmp_uk(&IndexKey::of(b)));
        assert_eq!(
            v,
            [
                "Іван Гуменюк",
                "Олена Ґалаґан",
                "Андрій Ляєн",
                "Урсула фон дер Ляєн",
                "Петро Ляєнко"
            ]
        );
    }
}
