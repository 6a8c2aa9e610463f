//! The digests a build keys the search index's documents by (`DocKeys::of_site`, from what the
//! site model has at hand, without making the documents) against the digests of the documents'
//! fields (`DocKeys::new` of `search::documents`): on a generated site and on versions of it with
//! a title, a lede, a date, a language, people (added, removed, renamed in an article or in the
//! registry), a body, a slug, a colliding slug and the site's language edited, every document
//! whose fields' digests changed has its site digests changed too (an index updated in place
//! relies on it), the ones nothing touched keep theirs, and people's digests are the same both
//! ways.

use litopys::config::Config;
use litopys::people::Registry;
use litopys::search::{documents, DocKeys, Slots};
use litopys::site::Site;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

mod common;
use common::{articles, copy_site, gen_corpus};

/// Per document (articles by file, people by name): (site digests, fields' digests).
type Keys = BTreeMap<String, ([[u8; 16]; 2], [[u8; 16]; 2])>;

fn keys_of(root: &Path) -> Keys {
    let config = Config::load(root).unwrap();
    let registry = Registry::load(root).unwrap();
    let site = Site::load(root, &config, &registry).unwrap();
    let slots = Slots::of(site.people.iter().map(|p| p.name.as_str()));
    let fast = DocKeys::of_site(&site, &slots);
    let (articles, people) = documents(&site);
    let full = DocKeys::new(&articles, &people, &slots);
    let start = litopys::search::slots::start(articles.len(), &slots);
    assert_eq!(fast.terms.len(), start + slots.capacity());
    assert_eq!(full.terms.len(), fast.terms.len());
    // Articles, then the people's slots (the empty documents left out).
    let names = site
        .articles
        .iter()
        .map(|a| Some(format!("a {}", a.file.display())))
        .chain((articles.len()..start).map(|_| None))
        .chain((0..slots.capacity()).map(|s| {
            slots
                .person_at(s)
                .map(|p| format!("p {}", site.people[p].name))
        }));
    let mut keys = Keys::new();
    for (d, name) in names.enumerate() {
        let Some(name) = name else { continue };
        let k = (
            [fast.terms[d], fast.fields[d]],
            [full.terms[d], full.fields[d]],
        );
        if name.starts_with("p ") {
            assert_eq!(k.0, k.1, "{name}: a person's digests differ");
        }
        assert!(keys.insert(name, k).is_none());
    }
    keys
}

/// Replaces the first `from` in `file` with `to`.
fn edit(file: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(file).unwrap();
    assert!(text.contains(from), "{} has no {from:?}", file.display());
    std::fs::write(file, text.replacen(from, to, 1)).unwrap();
}

/// The line of `file` that starts with `key`.
fn line(file: &Path, key: &str) -> String {
    std::fs::read_to_string(file)
        .unwrap()
        .lines()
        .find(|l| l.starts_with(key))
        .unwrap()
        .to_string()
}

#[test]
fn site_digests_change_whenever_the_documents_do() {
    let tmp = tempfile::tempdir().unwrap();
    let base = tmp.path().join("base");
    gen_corpus(&base, 60, 5, false);
    let before = keys_of(&base);
    let files = articles(&base);
    let rel = |f: &PathBuf| f.strip_prefix(&base).unwrap().to_path_buf();
    type Edit = Box<dyn Fn(&Path)>;
    let on = |k: usize| rel(&files[k]);
    let edits: Vec<(&str, Edit)> = vec![
        ("title", {
            let f = on(3);
            Box::new(move |r: &Path| edit(&r.join(&f), "title: ", "title: Інший "))
        }),
        ("lede", {
            let f = on(5);
            Box::new(move |r: &Path| edit(&r.join(&f), "summary: ", "summary: Інший початок. "))
        }),
        ("date", {
            let f = on(7);
            Box::new(move |r: &Path| {
                let d = line(&r.join(&f), "date: ");
                edit(&r.join(&f), &d, "date: 2019-01-02")
            })
        }),
        ("language", {
            let f = on(9);
            Box::new(move |r: &Path| edit(&r.join(&f), "language: uk", "language: en"))
        }),
        ("person added", {
            let f = on(11);
            Box::new(move |r: &Path| edit(&r.join(&f), "people:\n", "people:\n- Нова Особа\n"))
        }),
        ("person removed", {
            let f = on(13);
            Box::new(move |r: &Path| {
                let p = line(&r.join(&f), "- ");
                edit(&r.join(&f), &format!("{p}\n"), "")
            })
        }),
        ("person renamed", {
            let f = on(14);
            Box::new(move |r: &Path| {
                let p = line(&r.join(&f), "- ");
                edit(&r.join(&f), &format!("{p}\n"), "- Інша Нова Особа\n")
            })
        }),
        ("person renamed in the registry", {
            let f = on(2);
            Box::new(move |r: &Path| {
                let p = line(&r.join(&f), "- ");
                let name = p.trim_start_matches("- ").trim();
                let registry =
                    format!("people:\n  - name: Перейменована Особа\n    aliases: [{name}]\n");
                std::fs::write(r.join("content/people.yaml"), registry).unwrap()
            })
        }),
        ("body", {
            let f = on(15);
            Box::new(move |r: &Path| {
                let t = std::fs::read_to_string(r.join(&f)).unwrap();
                std::fs::write(r.join(&f), format!("{t}\nНове речення.\n")).unwrap()
            })
        }),
        ("slug", {
            let f = on(17);
            Box::new(move |r: &Path| edit(&r.join(&f), "title: ", "slug: inshyi-slug\ntitle: "))
        }),
        ("a copy taking the slug", {
            let f = on(19);
            Box::new(move |r: &Path| {
                let t = std::fs::read_to_string(r.join(&f)).unwrap();
                let copy = r.join(&f).with_file_name("0000-copy.md");
                std::fs::write(copy, t.replacen("\n\n", "\n\nКопія.\n\n", 1)).unwrap()
            })
        }),
        ("site language", {
            Box::new(move |r: &Path| {
                let c = r.join("litopys.yaml");
                let t = std::fs::read_to_string(&c).unwrap();
                let t = if t.contains("language:") {
                    t.replacen("language: uk", "language: en", 1)
                } else {
                    format!("{t}\nlanguage: en\n")
                };
                std::fs::write(c, t).unwrap()
            })
        }),
    ];
    for (what, apply) in edits {
        let root = tmp.path().join(what.replace(' ', "-"));
        copy_site(&base, &root);
        apply(&root);
        let after = keys_of(&root);
        let (mut changed, mut kept) = (0, 0);
        for (name, (fast, full)) in &after {
            let Some((fast0, full0)) = before.get(name) else {
                continue;
            };
            if full != full0 {
                changed += 1;
                assert!(
                    fast != fast0,
                    "{what}: {name} changed, its site digests did not"
                );
            } else if fast == fast0 {
                kept += 1;
            }
        }
        assert!(changed > 0, "{what}: nothing changed");
        assert!(kept > 0 || what == "site language", "{what}: nothing kept");
    }
}
