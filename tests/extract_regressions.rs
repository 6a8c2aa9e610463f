//! Inputs the fuzzers found, kept as regression tests.

use litopys::config::Config;
use litopys::ingest::{clean, decode};
use litopys::people::{self, Registry};

/// A mutated Windows-1251 mojibake text once produced a mention «С. Р» with an empty canonical
/// name, i.e. a person page with no name (found by `fuzz/` target decode_clean_extract).
#[test]
fn no_mention_reduces_to_an_empty_name() {
    let data = include_bytes!("data/fuzz-nameless-mention.bin");
    let Ok(text) = decode::decode(data) else {
        panic!("the fuzz input decodes");
    };
    let paragraphs = clean::clean(&text, &Config::default().boilerplate);
    for text in [text.clone(), paragraphs.join("\n\n")] {
        let ex = people::extract(&text, people::detect_language(&text), &Registry::default());
        for m in &ex.mentions {
            assert!(
                m.canonical.chars().any(char::is_alphabetic),
                "nameless mention {m:?}"
            );
        }
        for p in &ex.people {
            assert!(p.chars().any(char::is_alphabetic), "nameless person {p:?}");
        }
    }
}
