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

fn people(text: &str) -> Vec<String> {
    extract(text, Lang::En, &Registry::default()).people
}

fn mention_texts(text: &str) -> Vec<(String, String)> {
    extract(text, Lang::En, &Registry::default())
        .mentions
        .into_iter()
        .map(|m| (m.text, m.canonical))
        .collect()
}

/// A given name of the shipped SSA list (not of the short hand-written one) starts a full name,
/// and the surname alone later is that person, possessive or not.
#[test]
fn given_names_of_the_ssa_list_and_lone_surnames() {
    let text = "Brock Wyatt Holt (born 1988) is a utility player. Holt was drafted in 2009, \
                and in 2013 Holt's team won the title.";
    assert_eq!(people(text), ["Brock Wyatt Holt"]);
    let m = mention_texts(text);
    let texts: Vec<&str> = m.iter().map(|x| x.0.as_str()).collect();
    assert_eq!(texts, ["Brock Wyatt Holt", "Holt", "Holt"]);
    assert!(m.iter().all(|x| x.1 == "Brock Wyatt Holt"), "{m:?}");
}

/// A given name alone is the article's one person of that given name; a sentence-initial word
/// before a name («Despite») is not part of it.
#[test]
fn a_given_name_alone_and_sentence_initial_words() {
    let text = "Daniel Morrow studied medicine in Basel. Despite Daniel's attempts, \
                his father refused, and in 1725 Daniel moved to Riga.";
    assert_eq!(people(text), ["Daniel Morrow"]);
    let m = mention_texts(text);
    let texts: Vec<&str> = m.iter().map(|x| x.0.as_str()).collect();
    assert_eq!(texts, ["Daniel Morrow", "Daniel", "Daniel"]);
    assert!(m.iter().all(|x| x.1 == "Daniel Morrow"), "{m:?}");
}

/// A lower-case role or kinship noun before a capitalised name makes it a person even with an
/// unknown given name; a particle after a title belongs to the name («Mlle. du Montel»).
#[test]
fn role_nouns_and_particles_after_titles() {
    let text = "In 1920 she married the physician Quilla Ostrand. The letters hint that \
                Mlle. du Montel had confided in her friend Tobiah Vell.";
    let m = mention_texts(text);
    let texts: Vec<&str> = m.iter().map(|x| x.0.as_str()).collect();
    assert_eq!(texts, ["Quilla Ostrand", "du Montel", "Tobiah Vell"]);
}

/// Catalogue entries written surname first («Austen, Jane.») are one mention named in the usual
/// order.
#[test]
fn inverted_catalogue_names() {
    let text = "Other good ones:\n\nAusten, Jane. Pride and Prejudice\n\n\
                Marx, Karl and Twain, Mark. Collected letters";
    assert_eq!(people(text), ["Jane Austen", "Karl Marx", "Mark Twain"]);
    let m = mention_texts(text);
    let texts: Vec<&str> = m.iter().map(|x| x.0.as_str()).collect();
    assert_eq!(texts, ["Austen, Jane", "Marx, Karl", "Twain, Mark"]);
}

/// Organisations, places and families named after people are not people; an epithet after a
/// title's name is part of it; a Chinese surname comes first.
#[test]
fn organisations_places_epithets_and_chinese_names() {
    let text = "He played for the Pittsburgh Pirates, sang at Carnegie Hall and lived in \
                St. Louis. The Morrow family served Tsar Peter the Great, and later \
                Deng Xiaoping invited him back.";
    assert_eq!(people(text), ["Peter the Great", "Deng Xiaoping"]);
}
