//! The benchmark corpus generator (`src/bin/gen-corpus.rs`): the same seed gives byte-identical
//! files, every article parses with [`litopys::content::parse`], the corpus has the promised
//! shape, Litopys builds it, and the floor program copies a built site's shape.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_gen-corpus");

fn gen(out: &Path, hugo: &Path, n: usize, seed: u64) {
    let status = Command::new(BIN)
        .args(["--n", &n.to_string(), "--seed", &seed.to_string(), "--out"])
        .arg(out)
        .arg("--hugo")
        .arg(hugo)
        .status()
        .expect("gen-corpus runs");
    assert!(status.success());
}

/// Every file under `dir`, relative path → bytes.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut m = BTreeMap::new();
    for e in walkdir::WalkDir::new(dir) {
        let e = e.unwrap();
        if e.file_type().is_file() {
            let rel = e.path().strip_prefix(dir).unwrap();
            m.insert(
                rel.to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            );
        }
    }
    m
}

#[test]
fn same_seed_same_bytes_and_every_article_parses() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    gen(&t.join("a"), &t.join("ha"), 120, 7);
    gen(&t.join("b"), &t.join("hb"), 120, 7);
    gen(&t.join("c"), &t.join("hc"), 120, 8);
    let a = tree(&t.join("a"));
    assert_eq!(a, tree(&t.join("b")));
    assert_eq!(tree(&t.join("ha")), tree(&t.join("hb")));
    assert_ne!(a, tree(&t.join("c")));
    assert!(a.contains_key("litopys.yaml"));
    assert!(!t.join("a/content/raw").exists());

    let articles: Vec<_> = a
        .iter()
        .filter(|(p, _)| p.starts_with("content/articles/") && p.ends_with(".md"))
        .collect();
    assert_eq!(articles.len(), 120);
    let mut people: BTreeSet<String> = BTreeSet::new();
    let mut latin = 0;
    let mut dates = BTreeSet::new();
    for (path, bytes) in &articles {
        let text = std::str::from_utf8(bytes).unwrap();
        let (fm, body) = litopys::content::parse(text).unwrap_or_else(|e| panic!("{path}: {e}"));
        assert!((1..=6).contains(&fm.people.len()), "{path}");
        assert!(!fm.summary.is_empty());
        // Titles and summaries are plain text (links live in bodies only).
        for t in [&fm.title, &fm.summary] {
            assert!(!t.contains("http") && !t.contains('*'), "{path}: {t}");
        }
        let words = body.split_whitespace().count();
        assert!((350..700).contains(&words), "{path}: {words} words");
        assert!(body.contains("\n\n"), "paragraphs");
        dates.insert(fm.date);
        for p in fm.people {
            if p.chars().next().is_some_and(|c| c.is_ascii_alphabetic()) {
                latin += 1;
            }
            people.insert(p);
        }
        // The Hugo copy has the same title and people.
        let hugo = std::fs::read_to_string(t.join("ha").join(path)).unwrap();
        assert!(hugo.starts_with("---\ntitle: "));
        assert!(hugo.contains("\npeople:\n"));
        assert!(hugo.contains("\nmonths:\n"));
        assert!(hugo.ends_with(&body));
    }
    assert!(people.len() >= 5, "{people:?}");
    assert!(latin < articles.len(), "Latin names are a minority");
    let all: String = articles
        .iter()
        .map(|(_, b)| std::str::from_utf8(b).unwrap())
        .collect();
    assert!(all.contains('«') && all.contains("**") && all.contains("]("));
    // The prose is Zipfian, like real text: the commonest long word is a few percent of all
    // words, and most distinct words are rare (uniformly drawn words would give neither).
    let mut freq: BTreeMap<&str, usize> = BTreeMap::new();
    let mut tokens = 0usize;
    for w in all
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| w.chars().count() >= 4 && w.chars().all(char::is_lowercase))
    {
        *freq.entry(w).or_default() += 1;
        tokens += 1;
    }
    let top = freq.values().copied().max().unwrap_or(0);
    let once = freq.values().filter(|&&c| c == 1).count();
    assert!(top * 100 > tokens * 2, "top word {top} of {tokens}");
    assert!(
        once * 2 > freq.len(),
        "{once} hapaxes of {} words",
        freq.len()
    );
    let first = dates.iter().next().unwrap();
    let last = dates.iter().last().unwrap();
    assert!(last.days_since_epoch() - first.days_since_epoch() > 700);
}

#[test]
fn litopys_builds_the_corpus_and_the_floor_copies_its_shape() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    gen(&t.join("site"), &t.join("hugo"), 60, 1);
    let config = litopys::config::Config::load(&t.join("site")).unwrap();
    assert_eq!(config.page_size, 50);
    let report = litopys::build::build(&litopys::build::BuildOptions {
        root: t.join("site"),
        output: Some(t.join("out")),
        ..Default::default()
    })
    .unwrap();
    assert_eq!(report.articles, 60);
    assert!(report.people > 0);
    let status = Command::new(BIN)
        .arg("--floor-from")
        .arg(t.join("out"))
        .arg("--out")
        .arg(t.join("floor"))
        .status()
        .unwrap();
    assert!(status.success());
    let built: BTreeMap<String, usize> = tree(&t.join("out"))
        .into_iter()
        .filter(|(p, _)| !p.rsplit('/').next().unwrap_or("").starts_with('.'))
        .map(|(p, b)| (p, b.len()))
        .collect();
    let floor: BTreeMap<String, usize> = tree(&t.join("floor"))
        .into_iter()
        .map(|(p, b)| (p, b.len()))
        .collect();
    assert_eq!(built, floor);
    assert_eq!(built.len(), report.pages);
}
