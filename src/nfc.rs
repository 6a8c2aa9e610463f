//! Unicode NFC, checked cheaply. Names, titles and text are almost always in NFC already and
//! made of characters that are in NFC whatever surrounds them; the general quick check
//! (`unicode_normalization::is_nfc_quick`) looks every character up in tables and costs
//! thousands of instructions per name, so the common case is decided by a range test first.

use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

/// Characters that are in NFC whatever surrounds them (quick check "yes", combining class 0):
/// ASCII and Latin up to the combining marks, Cyrillic without its combining marks, the
/// dashes, quotes and dots of General Punctuation, and «№» (a test checks each).
pub fn nfc_anywhere(c: char) -> bool {
    matches!(c, '\0'..='\u{2ff}' | '\u{400}'..='\u{482}' | '\u{48a}'..='\u{4ff}' | '\u{2010}'..='\u{2027}' | '№')
}

/// True when `text` is certainly in NFC (normalising it would change nothing).
pub fn is_nfc(text: &str) -> bool {
    text.chars().all(nfc_anywhere) || is_nfc_quick(text.chars()) == IsNormalized::Yes
}

/// `text` in NFC.
pub fn to_nfc(text: &str) -> String {
    if is_nfc(text) {
        text.to_string()
    } else {
        text.nfc().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn characters_taken_as_nfc_are_nfc_anywhere() {
        use unicode_normalization::char::canonical_combining_class;
        for c in (0..0x11_0000)
            .filter_map(char::from_u32)
            .filter(|&c| nfc_anywhere(c))
        {
            assert_eq!(is_nfc_quick(std::iter::once(c)), IsNormalized::Yes, "{c:?}");
            assert_eq!(canonical_combining_class(c), 0, "{c:?}");
        }
    }

    #[test]
    fn text_is_normalised_whatever_it_is_made_of() {
        for s in [
            "Кирило Буданов",
            "Йосип Сліпий",
            // й and ї decomposed: a base letter and a combining mark.
            "И\u{306}осип Сл\u{456}\u{308}пий",
            "Zoë Ångström",
            "Zoe\u{308} A\u{30a}ngstro\u{308}m",
            "\u{2000}\u{2001}",
            "Ω\u{387}",
            "",
        ] {
            let expected: String = s.nfc().collect();
            assert_eq!(to_nfc(s), expected, "{s:?}");
            assert_eq!(is_nfc(s), s == expected, "{s:?}");
        }
    }
}
