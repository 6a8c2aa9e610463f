//! Render keys are exact: an edit to anything a page shows through another article's card or
//! a person's chip (a name, a date, the language that sets the date's wording, the order of
//! people) changes the keys of every page that shows it, so a rebuild into the previous
//! output equals a fresh build. Keys hash per-card digests instead of whole cards, so these
//! edits are the ones a too-coarse digest would miss.

use litopys::build::build;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

mod common;
use common::{gen_corpus, opts, visible_tree};

/// Rebuilds into `out`, checks it equals a fresh build, and returns the files written and
/// the files whose bytes changed since `before`.
fn rebuild(
    root: &Path,
    out: &Path,
    fresh: &Path,
    before: &BTreeMap<String, Vec<u8>>,
) -> (usize, usize) {
    let r = build(&opts(root, out, false)).unwrap();
    let _ = std::fs::remove_dir_all(fresh);
    build(&opts(root, fresh, true)).unwrap();
    let now = visible_tree(out);
    let fresh_tree = visible_tree(fresh);
    let differing: Vec<&String> = fresh_tree
        .iter()
        .filter(|(k, v)| now.get(*k) != Some(v))
        .map(|(k, _)| k)
        .collect();
    assert!(
        differing.is_empty() && now.len() == fresh_tree.len(),
        "stale pages after a rebuild: {differing:?}"
    );
    let changed = now
        .iter()
        .filter(|(k, v)| before.get(*k) != Some(v))
        .count();
    (r.write.written, changed)
}

struct Site {
    _tmp: tempfile::TempDir,
    root: PathBuf,
    out: PathBuf,
    fresh: PathBuf,
    files: Vec<PathBuf>,
}

fn site() -> Site {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    let out = tmp.path().join("out");
    let fresh = tmp.path().join("fresh");
    gen_corpus(&root, 60, 5, true);
    build(&opts(&root, &out, false)).unwrap();
    let mut files: Vec<PathBuf> = std::fs::read_dir(root.join("content/articles"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    Site {
        _tmp: tmp,
        root,
        out,
        fresh,
        files,
    }
}

/// The people of an article's front matter, as written.
fn people_of(text: &str) -> Vec<String> {
    text.split("people:\n")
        .nth(1)
        .unwrap_or("")
        .lines()
        .take_while(|l| l.starts_with("- "))
        .map(|l| l[2..].trim_matches('"').to_string())
        .collect()
}

/// Applies `edit` to article `i`, rebuilds, checks the rebuild equals a fresh build and that
/// the edit showed on more than `min_changed` files (pages other than the article's own),
/// then restores the article and checks again.
fn check_edit(s: &Site, i: usize, min_changed: usize, edit: impl Fn(&str) -> String) {
    let file = &s.files[i];
    let text = std::fs::read_to_string(file).unwrap();
    let edited = edit(&text);
    assert_ne!(edited, text, "the edit changed nothing");
    let before = visible_tree(&s.out);
    std::fs::write(file, &edited).unwrap();
    let (written, changed) = rebuild(&s.root, &s.out, &s.fresh, &before);
    assert!(changed > min_changed, "only {changed} files changed");
    assert!(written >= changed, "{written} written, {changed} changed");
    std::fs::write(file, &text).unwrap();
    let before = visible_tree(&s.out);
    rebuild(&s.root, &s.out, &s.fresh, &before);
}

#[test]
fn a_renamed_person_re_renders_every_page_showing_their_chip() {
    let s = site();
    // A person named in one article only changes that article's card, which shows on its
    // day, month, home and people's pages, and on related articles.
    let text = std::fs::read_to_string(&s.files[7]).unwrap();
    let name = people_of(&text).into_iter().next().unwrap();
    check_edit(&s, 7, 3, |t| {
        t.replacen(&format!("- {name}\n"), "- Зовсім Інша Людина\n", 1)
    });
    // Renamed in every article that names them: their chip on every card.
    let texts: Vec<String> = s
        .files
        .iter()
        .map(|f| std::fs::read_to_string(f).unwrap())
        .collect();
    let before = visible_tree(&s.out);
    for (f, t) in s.files.iter().zip(&texts) {
        std::fs::write(
            f,
            t.replace(&format!("- {name}\n"), "- Перейменована Особа\n"),
        )
        .unwrap();
    }
    let (_, changed) = rebuild(&s.root, &s.out, &s.fresh, &before);
    assert!(changed > 3, "{changed}");
    for (f, t) in s.files.iter().zip(&texts) {
        std::fs::write(f, t).unwrap();
    }
    rebuild(&s.root, &s.out, &s.fresh, &visible_tree(&s.out));
}

#[test]
fn a_changed_date_language_or_order_of_people_re_renders_what_shows_it() {
    let s = site();
    let date_line = |t: &str| {
        t.lines()
            .find(|l| l.starts_with("date:"))
            .unwrap()
            .to_string()
    };
    // A date: the article moves to another day (URL, day and month pages, neighbours).
    check_edit(&s, 11, 3, |t| {
        t.replacen(&date_line(t), "date: 2019-03-04", 1)
    });
    // The language: the card's date is written in English.
    let texts: Vec<String> = s
        .files
        .iter()
        .map(|f| std::fs::read_to_string(f).unwrap())
        .collect();
    let uk = (12..texts.len())
        .find(|&i| texts[i].contains("\nlanguage: uk\n"))
        .unwrap();
    check_edit(&s, uk, 2, |t| t.replacen("language: uk", "language: en", 1));
    // The order of people: the chips on the card.
    let two = (13..texts.len())
        .find(|&i| people_of(&texts[i]).len() >= 2)
        .unwrap();
    let people = people_of(&texts[two]);
    check_edit(&s, two, 2, |t| {
        let list: String = people.iter().map(|p| format!("- {p}\n")).collect();
        let swapped: String = people.iter().rev().map(|p| format!("- {p}\n")).collect();
        t.replacen(&list, &swapped, 1)
    });
}
