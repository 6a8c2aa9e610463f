//! English extraction: honorifics and possessives stay outside the span; surnames merge.

use litopys::people::{detect_language, extract, Lang, Registry};

#[test]
fn honorifics_possessives_and_merging() {
    let text = "President Volodymyr Zelensky met Dr. Jane Smith in Kyiv on Monday. \
                Later, Zelensky's office said Smith would return.";
    assert_eq!(detect_language(text), Lang::En);
    let ex = extract(text, Lang::En, &Registry::default());
    assert_eq!(ex.people, ["Volodymyr Zelensky", "Jane Smith"]);
    let texts: Vec<&str> = ex.mentions.iter().map(|m| m.text.as_str()).collect();
    assert_eq!(
        texts,
        ["Volodymyr Zelensky", "Jane Smith", "Zelensky", "Smith"]
    );
}

/// Ukrainian given names in their official Latin spelling (KMU 2010) are given names in English
/// text too, though no English list holds them.
#[test]
fn ukrainian_given_names_in_latin_spelling() {
    let text = "Intelligence chief Kyrylo Budanov said on Tuesday that the talks had stalled. \
                Earlier, deputy minister Iryna Vereshchuk and Oleksandra Matviichuk spoke to reporters.";
    let ex = extract(text, Lang::En, &Registry::default());
    for want in [
        "Kyrylo Budanov",
        "Iryna Vereshchuk",
        "Oleksandra Matviichuk",
    ] {
        assert!(
            ex.people.iter().any(|p| p == want),
            "{want} in {:?}",
            ex.people
        );
    }
}
