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

/// `[x](javascript)` (no colon) is a relative link to a file named `javascript`, not a
/// script: it stays, while `[i](data:x)` in the same body is neutralised. The `front_matter`
/// fuzz target's first check took every `href="javascript…` for a script URL; this input (a
/// CRLF closing fence, Markdown links inside a list item) is what it stopped at.
#[test]
fn a_relative_link_named_javascript_is_no_script_url() {
    let text = std::str::from_utf8(include_bytes!("data/fuzz-relative-javascript-link.md"))
        .expect("the fuzz input is UTF-8");
    let (_, body) = litopys::content::parse(text).expect("the fuzz input parses");
    let html = litopys::content::markdown_to_html(&body, false);
    let doc = scraper::Html::parse_fragment(&html);
    let links = scraper::Selector::parse("a").unwrap();
    let hrefs: Vec<&str> = doc
        .select(&links)
        .filter_map(|a| a.value().attr("href"))
        .collect();
    assert_eq!(hrefs, ["javascript", "#"], "{html}");
    for h in hrefs {
        assert!(!h.contains(':'), "{h}");
    }
    // The raw HTML in it is text.
    assert!(html.contains("&lt;/scrno"), "{html}");
}

/// Raw HTML escaped as text keeps its `"` (CommonMark escapes only `<`, `>` and `&` in
/// text), so the output holds `src="javascript:…` as *text*: no element, no attribute. The
/// `front_matter` fuzz target's second check scanned the whole output for `src="`; this input
/// is what it stopped at. Parsed as HTML, there is no image and no script URL.
#[test]
fn an_escaped_img_tag_with_a_script_url_stays_text() {
    let text = std::str::from_utf8(include_bytes!("data/fuzz-quoted-src-in-text.md"))
        .expect("the fuzz input is UTF-8");
    let (_, body) = litopys::content::parse(text).expect("the fuzz input parses");
    let html = litopys::content::markdown_to_html(&body, false);
    let doc = scraper::Html::parse_fragment(&html);
    let any = scraper::Selector::parse("*").unwrap();
    for e in doc.select(&any) {
        let el = e.value();
        assert!(!["img", "script"].contains(&el.name()), "{html}");
        for (name, value) in el.attrs() {
            assert!(!name.starts_with("on"), "{html}");
            assert!(!value.to_ascii_lowercase().contains("script:"), "{html}");
        }
    }
    let shown: String = doc.root_element().text().collect();
    assert!(shown.contains("<img src=\"javascript:r"), "{shown}");
}

/// A person named twice with the same role («екс-президент Віктор Ющенко» … «екс-президент
/// Ющенко») once got that role twice in the front matter. On every raw text of the repository,
/// each (person, role) pair is listed once, and every role's person is among the people.
#[test]
fn each_role_is_listed_once() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content/raw");
    let mut roles = 0;
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.unwrap();
        if entry.path().extension().is_none_or(|e| e != "txt") {
            continue;
        }
        let text = std::fs::read_to_string(entry.path()).unwrap();
        let ex = people::extract(&text, people::detect_language(&text), &Registry::default());
        for (k, r) in ex.roles.iter().enumerate() {
            assert!(
                !ex.roles[..k].contains(r),
                "{}: {r:?} twice",
                entry.path().display()
            );
            assert!(ex.people.contains(&r.person), "{r:?}");
        }
        roles += ex.roles.len();
    }
    assert!(roles > 20, "{roles}");
}
