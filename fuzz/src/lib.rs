//! The properties the fuzz targets check, shared by the libFuzzer targets (`cargo fuzz run`)
//! and the plain `fuzz-loop` binary (stable Rust, no libFuzzer). Every function panics on a
//! broken property; returning normally means the input was handled.

use litopys::config::Config;
use litopys::content;
use litopys::date::Date;
use litopys::ingest::{clean, decode, markdown, prepare_bytes};
use litopys::people::{self, Registry};
use litopys::site::translit;

/// Checks extraction's offsets against `text`: code-point spans inside the text, start <
/// end, the span's text equal to the mention's text, canonical names non-empty.
pub fn check_extraction(text: &str) {
    let chars: Vec<char> = text.chars().collect();
    let lang = people::detect_language(text);
    let ex = people::extract(text, lang, &Registry::default());
    for m in &ex.mentions {
        assert!(m.start < m.end, "empty span {m:?}");
        assert!(m.end <= chars.len(), "span past the end {m:?}");
        let span: String = chars[m.start..m.end].iter().collect();
        assert_eq!(span, m.text, "span text differs");
        assert!(!m.canonical.trim().is_empty(), "empty canonical {m:?}");
        assert!(ex.people.contains(&m.canonical), "{m:?} not in people");
    }
    let mut seen = std::collections::HashSet::new();
    for p in &ex.people {
        assert!(seen.insert(p), "person {p:?} listed twice");
        check_slug(p);
    }
}

/// A slug of `s` is ASCII `[a-z0-9-]`, non-empty, with no leading, trailing or double dash,
/// never a Windows device name, a valid output path segment, and the same when computed again.
pub fn check_slug(s: &str) {
    let slug = translit::slug_or_hash(s, 80);
    check_path_segment(s, &slug);
    assert!(!slug.is_empty(), "empty slug for {s:?}");
    assert!(slug.len() <= 80, "slug too long for {s:?}");
    assert!(
        slug.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
        "slug {slug:?} of {s:?}"
    );
    assert!(!slug.starts_with('-') && !slug.ends_with('-') && !slug.contains("--"));
    assert_eq!(slug, translit::slug_or_hash(s, 80), "unstable slug");
}

/// `slug` (made from `s`) can be a folder of the output: no device name, a valid path.
fn check_path_segment(s: &str, slug: &str) {
    let lower = slug.to_ascii_lowercase();
    let device = matches!(lower.as_str(), "con" | "prn" | "aux" | "nul")
        || (lower.len() == 4
            && (lower.starts_with("com") || lower.starts_with("lpt"))
            && lower.as_bytes()[3].is_ascii_digit());
    assert!(!device, "device name {slug:?} from {s:?}");
    let path = format!("people/{slug}/index.html");
    if let Err(why) = litopys::output::validate_path(&path) {
        panic!("{path:?} from {s:?}: {why}");
    }
}

/// Raw bytes through decode, clean, extraction and the whole of ingest's per-file step; the
/// written Markdown parses back to the same front matter and renders with no markup.
pub fn decode_clean_extract(data: &[u8]) {
    let Ok(text) = decode::decode(data) else {
        return;
    };
    // `extract --jsonl` runs on text as it comes, before any cleaning.
    check_extraction(&text);
    let paragraphs = clean::clean(&text, &Config::default().boilerplate);
    for p in &paragraphs {
        assert!(!p.is_empty() && p.trim() == p, "untrimmed paragraph {p:?}");
        assert!(!p.contains(['\n', '\r']), "line break in paragraph {p:?}");
        assert!(p.chars().any(char::is_alphanumeric));
        // Escaped text renders as exactly one paragraph of text: no markup at all.
        let md = markdown::paragraphs_to_markdown(std::slice::from_ref(p));
        let html = content::markdown_to_html(&md, true);
        let inner = html
            .strip_prefix("<p>")
            .and_then(|h| h.strip_suffix("</p>\n"))
            .unwrap_or_else(|| panic!("not one paragraph: {p:?} → {html:?}"));
        assert!(!inner.contains('<'), "markup from {p:?}: {html:?}");
    }
    check_extraction(&paragraphs.join("\n\n"));

    let config = Config::default();
    let reference = Date::new(2026, 11, 26).unwrap_or(Date::from_unix(0));
    let Ok(article) = prepare_bytes(
        data,
        "fuzz.txt",
        "content/raw/fuzz.txt",
        &config,
        &Registry::default(),
        reference,
        true,
    ) else {
        return;
    };
    let fm = &article.front_matter;
    assert!(!fm.title.trim().is_empty());
    check_slug(&fm.title);
    let file = content::write(fm, &article.body);
    let (back, body) = content::parse(&file)
        .unwrap_or_else(|e| panic!("ingest wrote a file it cannot read: {e}\n{file}"));
    assert_eq!(&back, fm, "front matter does not round-trip\n{file}");
    assert_eq!(body, article.body, "body does not round-trip");
    assert_eq!(content::write(&back, &body), file, "not byte-identical");
}

/// Any text as an article file: parsing never panics; what parses writes back and parses
/// to the same front matter; the body renders without live markup; config and registry
/// parsing never panic either.
pub fn front_matter(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = Config::parse(text);
    let _ = Registry::parse(text);
    match content::parse(text) {
        Ok((fm, body)) => {
            let file = content::write(&fm, &body);
            let (back, _) = content::parse(&file)
                .unwrap_or_else(|e| panic!("cannot re-read written front matter: {e}\n{file}"));
            assert_eq!(back, fm, "front matter does not round-trip\n{file}");
            let html = content::markdown_to_html(&body, false);
            check_no_live_markup(&html);
            if let Some(s) = &fm.slug {
                // What the site does with an explicit slug (empty: the title's is used).
                let slug = translit::shorten(&translit::slug(s), 60);
                if !slug.is_empty() {
                    check_path_segment(s, &slug);
                }
            }
            check_slug(&fm.title);
        }
        Err(e) => {
            assert!(e.line >= 1, "line 0 in {e:?}");
            assert!(
                // serde_yaml counts a lone \r (old-Mac line end) as a line break too.
                e.line <= text.matches(['\n', '\r']).count() + 2,
                "line {} past the end",
                e.line
            );
            assert!(!e.message.is_empty());
        }
    }
}

/// No element or attribute the Markdown renderer would not make itself from Markdown
/// syntax, and no link or image whose URL has a `javascript:`, `vbscript:` or `data:` scheme
/// (`[x](javascript)` is a harmless relative link to a file of that name, and `src="…` in
/// escaped text is no attribute).
pub fn check_no_live_markup(html: &str) {
    let lower = html.to_ascii_lowercase();
    for bad in ["<script", "<iframe", "<object", "<embed", "<svg", "<style"] {
        assert!(!lower.contains(bad), "{bad} in {html:?}");
    }
    // Tags pulldown-cmark writes from Markdown syntax.
    const OK: &[&str] = &[
        "p",
        "em",
        "strong",
        "del",
        "code",
        "pre",
        "a",
        "img",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "ul",
        "ol",
        "li",
        "blockquote",
        "hr",
        "br",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "sup",
        "div",
        "section",
        "input",
        "span",
    ];
    let mut rest = lower.as_str();
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        let name: String = rest
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        assert!(OK.contains(&name.as_str()), "<{name} in {html:?}");
        let end = rest.find('>').unwrap_or(rest.len());
        let tag = &rest[..end];
        // Attributes: never an event handler.
        for attr in tag.split_whitespace().skip(1) {
            assert!(!attr.starts_with("on"), "attribute {attr} in {html:?}");
        }
        check_urls(tag, html);
    }
}

/// The `href` and `src` values in one tag (text outside tags is escaped, so `src="…` in
/// text is no attribute).
fn check_urls(tag: &str, html: &str) {
    for attr in ["href=\"", "src=\""] {
        for (i, _) in tag.match_indices(attr) {
            let value = &tag[i + attr.len()..];
            let value = &value[..value.find('"').unwrap_or(value.len())];
            let decoded = value
                .replace("&quot;", "\"")
                .replace("&#39;", "'")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&amp;", "&");
            let scheme: String = decoded
                .chars()
                .filter(|c| !c.is_whitespace() && !c.is_control())
                .collect();
            assert!(
                !["javascript:", "vbscript:", "data:"]
                    .iter()
                    .any(|s| scheme.starts_with(s)),
                "{attr}{value} in {html:?}"
            );
        }
    }
}
