//! Property tests (proptest) over the public API:
//!
//! - slugs (`site::translit::slug_or_hash`, what article and person URLs are made of) are
//!   ASCII `[a-z0-9-]`, non-empty, stable, path-safe (no `/`, `\`, `..`, NUL, never a Windows
//!   device name, at most the site's byte limit) for any text, and a site built from many
//!   colliding names (`Site::load`) gives every article and every person its own safe URL;
//! - extraction (`people::extract`, what `litopys extract --jsonl` and ingest call) gives
//!   mentions whose code-point offsets lie inside the text with start < end, whose span is
//!   exactly the mention's text (so the offsets fall on character boundaries), in text order,
//!   with non-empty canonical names listed once in `people`, and the same result twice, for
//!   any text: mixed Cyrillic and Latin, combining marks, zero-width characters, CR and CRLF.
//!
//! Case counts are kept small (the whole file runs in seconds in release mode); raise them
//! with `PROPTEST_CASES=N` for a longer hunt.

use litopys::config::Config;
use litopys::people::{self, Registry};
use litopys::site::{translit, Site, ARTICLE_SLUG_MAX, PERSON_SLUG_MAX};
use proptest::prelude::*;
use proptest::sample::select;

/// Pieces texts are made of: name forms, words, punctuation and the awkward characters.
const WORDS: &[&str] = &[
    "Кирило",
    "Буданов",
    "Будановим",
    "Кирила Буданова",
    "Володимир Зеленський",
    "Зеленського",
    "зі Стівом Віткоффом",
    "Стів",
    "Жак Ланглад де Монгро",
    "Рустем Умєров",
    "секретар РНБО",
    "президент",
    "пан",
    "Donald Trump",
    "Mr.",
    "Emmanuel Macron",
    "Макрона",
    "О. Іваненко",
    "Іваненко О. В.",
    "Мар'яна",
    "Мар’яна",
    "Kиїв", // Latin K
    "pадa", // Latin p, a
    "Ð¡Ð¿Ð¾Ð»",
    "РџСЂРµРґ",
    "Ґалаґан",
    "ЄВРОПА",
    "Їжак",
    "Андрі\u{301}й",
    "Андрі\u{438}\u{306}",
    "Киі\u{308}в",
    "习近平",
    "🙂",
    "CON",
    "nul",
    "Lpt1",
];
const CHARS: &[char] = &[
    ' ', ' ', ' ', '\n', '\n', '\r', '\t', '.', ',', '!', '?', ':', ';', '-', '—', '–', '«', '»',
    '"', '\'', '’', 'ʼ', '(', ')', '/', '\\', '\0', '\u{200b}', '\u{200c}', '\u{200d}', '\u{2060}',
    '\u{feff}', '\u{202e}', '\u{301}', '\u{306}', '\u{308}', '\u{a0}', 'I', 'i', 'a', 'o', 'А',
    'і', 'ї', 'є', 'ґ', '1', '7',
];

/// `cases` cases (or `PROPTEST_CASES`), no regression files written into the source tree.
fn config(cases: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(cases);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => select(WORDS).prop_map(str::to_string),
        4 => select(CHARS).prop_map(String::from),
        1 => Just("\r\n".to_string()),
        1 => any::<char>().prop_map(String::from),
    ]
}

/// Text that looks like news with every kind of noise in it.
fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(piece(), 0..80).prop_map(|v| v.concat())
}

/// Any string, or a news-like one.
fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![any::<String>(), text()]
}

/// A device name, a separator, then a word long enough to be cut off by the length limit.
fn device_then_long_word() -> impl Strategy<Value = String> {
    (
        select(&["Con", "PRN", "aux", "Nul", "COM1", "lpt9", "Кон"][..]),
        select(&[" ", "-", ". ", " — "][..]),
        50usize..120,
        select(&["a", "я", "ab"][..]),
    )
        .prop_map(|(d, sep, n, w)| format!("{d}{sep}{}", w.repeat(n)))
}

fn is_device_name(s: &str) -> bool {
    let s = s.to_ascii_lowercase();
    matches!(s.as_str(), "con" | "prn" | "aux" | "nul")
        || (s.len() == 4
            && (s.starts_with("com") || s.starts_with("lpt"))
            && s.as_bytes()[3].is_ascii_digit())
}

/// Everything a slug must be.
fn check_slug(input: &str, slug: &str, max: usize) -> Result<(), TestCaseError> {
    prop_assert!(!slug.is_empty(), "empty slug for {:?}", input);
    prop_assert!(
        slug.len() <= max,
        "{:?} → {:?} longer than {}",
        input,
        slug,
        max
    );
    prop_assert!(
        slug.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
        "{:?} → {:?}",
        input,
        slug
    );
    prop_assert!(
        !slug.starts_with('-') && !slug.ends_with('-') && !slug.contains("--"),
        "{:?} → {:?}",
        input,
        slug
    );
    prop_assert!(!slug.contains(".."));
    prop_assert!(
        !is_device_name(slug),
        "{:?} → device name {:?}",
        input,
        slug
    );
    let path = format!("people/{slug}/index.html");
    prop_assert!(
        litopys::output::validate_path(&path).is_ok(),
        "{:?} → {:?}: {:?}",
        input,
        path,
        litopys::output::validate_path(&path)
    );
    Ok(())
}

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn slugs_are_ascii_non_empty_stable_and_path_safe(s in any_text()) {
        for max in [ARTICLE_SLUG_MAX, PERSON_SLUG_MAX] {
            let slug = translit::slug_or_hash(&s, max);
            check_slug(&s, &slug, max)?;
            prop_assert_eq!(&slug, &translit::slug_or_hash(&s, max), "unstable");
            prop_assert_eq!(&slug, &translit::slug_or_hash(&s.clone(), max));
        }
        // The plain slug is ASCII too (it may be empty: then the hash is used).
        let plain = translit::slug(&s);
        prop_assert!(plain.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'));
        prop_assert_eq!(plain, translit::slug(&s));
    }

    #[test]
    fn slugs_cut_to_length_are_never_device_names(s in device_then_long_word()) {
        for max in [ARTICLE_SLUG_MAX, PERSON_SLUG_MAX] {
            check_slug(&s, &translit::slug_or_hash(&s, max), max)?;
        }
    }
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn extraction_offsets_are_inside_the_text_and_on_char_boundaries(s in text()) {
        let chars: Vec<char> = s.chars().collect();
        let lang = people::detect_language(&s);
        let ex = people::extract(&s, lang, &Registry::default());
        let mut last_start = 0;
        for m in &ex.mentions {
            prop_assert!(m.start < m.end, "{:?} in {:?}", m, s);
            prop_assert!(m.end <= chars.len(), "{:?} past the end of {:?}", m, s);
            prop_assert!(m.start >= last_start, "mentions out of order in {:?}", s);
            last_start = m.start;
            // Code points → bytes: both ends on char boundaries, the span is the mention.
            let from = s.char_indices().nth(m.start).map(|(i, _)| i).unwrap_or(s.len());
            let to = s.char_indices().nth(m.end).map(|(i, _)| i).unwrap_or(s.len());
            prop_assert!(s.is_char_boundary(from) && s.is_char_boundary(to));
            prop_assert_eq!(&s[from..to], m.text.as_str(), "{:?}", m);
            prop_assert!(m.canonical.chars().any(char::is_alphabetic), "{:?}", m);
            prop_assert!(ex.people.contains(&m.canonical), "{:?}", m);
        }
        let mut seen = std::collections::HashSet::new();
        for p in &ex.people {
            prop_assert!(seen.insert(p), "{:?} listed twice", p);
        }
        prop_assert_eq!(&ex, &people::extract(&s, lang, &Registry::default()), "not deterministic");
    }
}

/// Names that collide after transliteration, case folding, punctuation and length cuts.
fn colliding_name() -> impl Strategy<Value = String> {
    prop_oneof![
        select(
            &[
                "Кирило Буданов",
                "КИРИЛО БУДАНОВ",
                "Кирило-Буданов",
                "Kyrylo Budanov",
                "kyrylo budanov 2",
                "Кирило Буданов!",
                "Кирило Буданов ",
                "习近平",
                "!!!",
                "…",
                "Con",
                "CON",
                "con 1",
                "Кон",
                "Nul",
                "p-",
            ][..]
        )
        .prop_map(str::to_string),
        device_then_long_word(),
        (1usize..4).prop_map(|n| "Дуже довга назва ".repeat(20) + &"я".repeat(n)),
        text(),
    ]
}

proptest! {
    #![proptest_config(config(24))]

    /// Many colliding titles and names on one site: every article and every person gets its
    /// own URL, and every URL is a safe path.
    #[test]
    fn a_site_gives_every_article_and_person_a_unique_safe_url(
        names in prop::collection::vec(colliding_name(), 2..14),
        slugs in prop::collection::vec(prop::option::of(colliding_name()), 14),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let articles = dir.path().join("content/articles");
        std::fs::create_dir_all(&articles).unwrap();
        let mut written = 0;
        for (i, name) in names.iter().enumerate() {
            if name.trim().is_empty() || name.contains('\0') {
                continue;
            }
            let fm = litopys::content::FrontMatter {
                title: name.clone(),
                date: litopys::date::Date::new(2026, 1, 7).unwrap(),
                date_source: None,
                people: names.clone(),
                roles: vec![],
                summary: String::new(),
                source: None,
                source_sha256: None,
                language: "uk".into(),
                slug: None,
                template: None,
            };
            // Explicit slugs are used once each: two equal ones on a day are an error.
            let mut fm = fm;
            if let Some(s) = &slugs[i] {
                let clash = slugs[..i].iter().flatten().any(|o| {
                    translit::shorten(&translit::slug(o), ARTICLE_SLUG_MAX)
                        == translit::shorten(&translit::slug(s), ARTICLE_SLUG_MAX)
                });
                if !clash && !s.contains('\0') {
                    fm.slug = Some(s.clone());
                }
            }
            let text = litopys::content::write(&fm, "Текст.\n");
            if litopys::content::parse(&text).is_err() {
                continue; // a title YAML cannot carry (not what this test is about)
            }
            std::fs::write(articles.join(format!("{i:02}.md")), text).unwrap();
            written += 1;
        }
        let site = match Site::load(dir.path(), &Config::default(), &Registry::default()) {
            Ok(s) => s,
            Err(e) => return Err(TestCaseError::fail(format!("{e:?}"))),
        };
        prop_assert_eq!(site.articles.len(), written);
        let mut urls = std::collections::HashSet::new();
        for a in &site.articles {
            prop_assert!(urls.insert(a.url.clone()), "article URL {} twice", a.url);
            prop_assert!(a.url.starts_with("2026/01/07/") && a.url.ends_with('/'));
            prop_assert!(a.slug.len() <= ARTICLE_SLUG_MAX + 4, "{:?}", a.slug);
            check_slug(&a.title, &a.slug, ARTICLE_SLUG_MAX + 4)?;
        }
        for p in &site.people {
            prop_assert!(urls.insert(p.url.clone()), "person URL {} twice", p.url);
            prop_assert_eq!(&p.url, &format!("people/{}/", p.slug));
            check_slug(&p.name, &p.slug, PERSON_SLUG_MAX + 4)?;
        }
    }
}
