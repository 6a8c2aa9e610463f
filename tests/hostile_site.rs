//! Hostile content through the real `litopys` binary, checked with an HTML parser.
//!
//! A temporary site whose raw texts, Markdown articles (titles, summaries, bodies, people,
//! roles, explicit slugs), registry (`content/people.yaml`: names, aliases, roles,
//! descriptions, slugs) and config title are full of `<script>`, event handlers, `javascript:`
//! links in every spelling (HTML, Markdown links, images, autolinks, reference definitions),
//! comments, entities, attribute breakouts and Tera syntax is built with `litopys build`, and
//! so is a benign twin with the same shape. Every built `.html` is parsed with `scraper`:
//!
//! - every element, every (element, attribute) pair, every `<script>` (its `src` and text),
//!   every comment and every `style` attribute (digits aside) must also occur in the benign
//!   build, i.e. come from the templates or from Markdown syntax, never from content;
//! - no attribute starts with `on`; no URL attribute has a `javascript:`, `vbscript:` or
//!   `data:` scheme once the parser has decoded entities and tabs, newlines, spaces and other
//!   controls are dropped, in any case;
//! - the hostile strings are on the page as text (the parser's text equals what the editor
//!   wrote), so they were escaped, not deleted;
//! - the HTML inside Atom feeds (`<content type="html">`) passes the same checks after one
//!   level of XML unescaping; the sitemap holds plain URLs only; the search index carries the
//!   hostile strings as JSON data and only safe relative URLs.
//!
//! `allow_html: true` lets an editor's raw HTML in a Markdown body through as written (the
//! config trusts its editors), but still refuses `javascript:`/`vbscript:`/`data:` in
//! Markdown-syntax link and image destinations, and it changes nothing else: raw texts are
//! escaped into Markdown by ingest, and titles, summaries, names and the registry are always
//! escaped by Tera.
//!
//! Nothing in the Tera contexts is marked safe: the only `| safe` in the default templates is
//! `{{ body | safe }}` in `article.html`, and `body` is `Article::body`, the output of
//! `content::markdown_to_html` (raw HTML escaped unless `allow_html`, dangerous link
//! destinations replaced); feeds get the same body HTML and escape it once more (Tera
//! autoescapes `.xml` too). [`only_the_rendered_body_is_marked_safe`] keeps it that way.

use litopys::content::{self, FrontMatter, Role};
use litopys::date::Date;
use scraper::{Html, Node};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

fn litopys(root: &Path, args: &[&str]) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_litopys"))
        .arg("--root")
        .arg(root)
        .args(args)
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!text.contains("panicked"), "{text}");
    (out.status.success(), text)
}

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn date(d: u32) -> Date {
    Date::new(2026, 1, d).unwrap()
}

fn fm(title: &str, d: u32) -> FrontMatter {
    FrontMatter {
        title: title.into(),
        date: date(d),
        date_source: Some("editor".into()),
        people: vec![],
        roles: vec![],
        summary: String::new(),
        source: None,
        source_sha256: None,
        language: "uk".into(),
        slug: None,
        template: None,
    }
}

// Every hostile string carries `XSS`, so a stray one is easy to spot.
const SCRIPT: &str = r#"<script>alert("XSS-script")</script>"#;
const IMG: &str = "<img src=x onerror=alert('XSS-img')>";
const SVG: &str = "<svg onload=alert(XSS-svg)>";
const BREAK_DQ: &str = r#""><script>alert(XSS-dq)</script>"#;
const BREAK_SQ: &str = "'><img src=x onerror=alert(XSS-sq)>";
const JS_A: &str = r#"<a href="javascript:alert(XSS-a)">a</a>"#;
const JS_MIXED: &str = r#"<a href="JaVaScRiPt:alert(XSS-mixed)">b</a>"#;
const JS_ENTITY: &str = r#"<a href="&#106;avascript:alert(XSS-ent)">c</a>"#;
const COMMENT: &str = "<!-- XSS-comment -->";
const ENTITIES: &str = "&lt;b&gt;XSS-entities&lt;/b&gt; &amp; &#60;i&#62; &copy;";
const TERA: &str = "{{ page.site_title }} {% raw %}XSS-tera{% endraw %} {{ 7 * 7 }} {# x #}";
const IFRAME: &str = r#"<iframe src="data:text/html,XSS-iframe"></iframe>"#;
const STYLE: &str = "<style>*{background:url(javascript:XSS-style)}</style>";
const CLOSE: &str = "</title></textarea></script><script>XSS-close</script>";

fn all_payloads() -> Vec<&'static str> {
    vec![
        SCRIPT, IMG, SVG, BREAK_DQ, BREAK_SQ, JS_A, JS_MIXED, JS_ENTITY, COMMENT, ENTITIES, TERA,
        IFRAME, STYLE, CLOSE,
    ]
}

/// The hostile Markdown body: raw HTML inline and in blocks, and dangerous destinations in
/// every Markdown link syntax.
fn hostile_body() -> String {
    format!(
        "Абзац: {}.\n\n\
         <div onclick=\"alert('XSS-block')\">блок</div>\n\n\
         <script>alert(\"XSS-block-script\")</script>\n\n\
         *курсив* **жирний** ~~ні~~ [l1](javascript:alert('XSS-l1')) \
         [l2](JaVaScRiPt:alert(XSS-l2)) [l3](&#106;avascript:alert(XSS-l3)) \
         [l4](java&#x09;script:alert(XSS-l4)) [l5](  javascript:alert(XSS-l5)) \
         [l6](vbscript:msgbox(XSS-l6)) [l7](data:text/html,XSS-l7) \
         [l8](<javascript:alert(XSS-l8)>) [l9][r9] \
         [ok](https://example.org/?q=XSS-ok \"t \\\"><script>XSS-title</script>\")\n\n\
         ![i1](javascript:alert(XSS-i1)) ![i2](DATA:image/svg+xml;base64,PHN2Zz4= \"XSS-i2\") \
         ![i3 \"><script>XSS-i3</script>](x.png)\n\n\
         <javascript:alert(XSS-a1)> <JAVASCRIPT:alert(XSS-a2)> <data:text/html,XSS-a3> \
         <vbscript:XSS-a4>\n\n\
         `<script>XSS-code</script>` примітка[^1]\n\n\
         \x20   <script>XSS-indented</script>\n\n\
         > цитата {COMMENT}\n\n\
         - пункт {SVG}\n\n\
         | a | b |\n|:--|--:|\n| {IMG} | 2 |\n\n\
         [r9]: javascript:alert(XSS-r9)\n\
         [^1]: {SCRIPT}\n",
        all_payloads().join(" ")
    )
}

/// The benign twin: the same Markdown structures with harmless text and URLs.
fn benign_body() -> String {
    "Абзац: звичайний текст.\n\n\
     <div>блок</div>\n\n\
     *курсив* **жирний** ~~ні~~ [l1](https://example.org/1) [l9][r9] \
     [ok](https://example.org/?q=1 \"t\")\n\n\
     ![i1](x.png \"підпис\") ![i3](x.png)\n\n\
     <https://example.org/auto>\n\n\
     `код` примітка[^1]\n\n\
     \x20   код\n\n\
     > цитата\n\n\
     - пункт\n\n\
     | a | b |\n|:--|--:|\n| 1 | 2 |\n\n\
     [r9]: https://example.org/r9\n\
     [^1]: виноска\n"
        .to_string()
}

/// A raw text as a scraper would leave it: markup and links as plain text.
const RAW_HOSTILE: &str = "Переговори у Парижі <script>alert(XSS-raw-title)</script>\n\n\
Представники України та Сполучених Штатів провели новий раунд переговорів у столиці Франції, \
повідомив Кирило Буданов. <img src=x onerror=alert(XSS-raw-img)> [клік](javascript:alert(XSS-raw-md)) \
<javascript:alert(XSS-raw-auto)> {{ page.root }} <!-- XSS-raw-comment --> &#106;avascript:alert(1).\n\n\
Другий абзац: <svg onload=alert(XSS-raw-svg)> і ще текст про переговори.\n";
const RAW_BENIGN: &str = "Переговори у Парижі\n\n\
Представники України та Сполучених Штатів провели новий раунд переговорів у столиці Франції, \
повідомив Кирило Буданов.\n\nДругий абзац і ще текст про переговори.\n";

/// Hostile people names (front matter) and how each must read on its page.
fn hostile_names() -> Vec<String> {
    vec![
        r#"<script>alert("XSS-name")</script>"#.to_string(),
        format!("Іван {BREAK_DQ}"),
        "javascript:alert(XSS-name)".to_string(),
        format!("Петро {TERA}"),
        format!("Олег {COMMENT}"),
        "../../../etc/passwd XSS-dots".to_string(),
        "/абсолютний/шлях".to_string(),
        "Тарас\\Бекслеш".to_string(),
        "Нуль\0Байт".to_string(),
        "CON".to_string(),
        "nul".to_string(),
        "Com1".to_string(),
        "习近平".to_string(),
        "Дуже Довге Ім'я ".repeat(20).trim().to_string(),
    ]
}

/// Explicit article slugs that must not escape or collide.
const SLUGS: &[&str] = &[
    "../../outside",
    "/etc/passwd",
    "a\\b",
    "CON",
    "lpt1",
    ".",
    "..",
    "习近平",
    "Нуль\0",
];

/// Writes the site under `root`. `hostile` picks the payloads or their benign twins.
fn make_site(root: &Path, hostile: bool, allow_html: bool) {
    let h = |bad: &str, good: &str| -> String {
        if hostile {
            bad.to_string()
        } else {
            good.to_string()
        }
    };
    let config = serde_json::json!({
        "title": h(&format!("Літопис {SCRIPT}"), "Літопис"),
        "base_url": "https://example.org/news/",
        "reference_date": "2026-01-31",
        "allow_html": allow_html,
    });
    write(root, "litopys.yaml", &config.to_string());
    // JSON is YAML: every hostile string is quoted exactly.
    let registry = serde_json::json!({
        "people": [
            {
                "name": "Кирило Буданов",
                "aliases": [h(SCRIPT, "Budanov"), "Kyrylo Budanov"],
                "role": h(&format!("{IMG} керівник"), "керівник"),
                "description": h(&format!("{BREAK_DQ} {COMMENT} javascript:alert(1) {TERA}"), "Опис."),
                "slug": h("../../../../escape", "escape"),
            },
            {
                "name": h(SVG, "Олена Ґалаґан"),
                "description": h(ENTITIES, "Опис два."),
                "slug": h("/etc/passwd", "etc-passwd"),
            },
            { "name": h("Ярема <b>XSS-bold</b>", "Ярема Жовтий"), "slug": h("nul", "yarema") },
        ],
        "ignore": [h("<i>XSS-ignored</i>", "Слава Україні")],
    });
    write(root, "content/people.yaml", &registry.to_string());
    write(
        root,
        "content/raw/2026-01-07-raw.txt",
        if hostile { RAW_HOSTILE } else { RAW_BENIGN },
    );

    let names: Vec<String> = if hostile {
        hostile_names()
    } else {
        (0..hostile_names().len())
            .map(|i| format!("Людина Номер{}", char::from(b'a' + i as u8)))
            .collect()
    };
    // The main editor's article.
    let mut a = fm(&h(&all_payloads().join(" "), "Звичайний заголовок"), 10);
    a.summary = h(
        &format!("Лід {BREAK_SQ} {SCRIPT} {ENTITIES}"),
        "Звичайний лід",
    );
    a.people = names.clone();
    a.people.push("Кирило Буданов".into());
    a.people.push(h(SCRIPT, "Budanov")); // an alias
    a.people.push(h(SVG, "Олена Ґалаґан"));
    a.people.push(h("Ярема <b>XSS-bold</b>", "Ярема Жовтий"));
    a.people.push(h("<i>XSS-ignored</i>", "Слава Україні"));
    a.roles = vec![Role {
        person: names[1].clone(),
        role: h(&format!("роль {SCRIPT} {JS_A}"), "роль"),
    }];
    let body = if hostile {
        hostile_body()
    } else {
        benign_body()
    };
    write(
        root,
        "content/articles/editor.md",
        &content::write(&a, &body),
    );
    // An English article with a hostile language value, sharing people (related cards).
    let mut b = fm(&h(&format!("Talks {CLOSE}"), "Talks"), 9);
    b.language = h(&format!("en{BREAK_DQ}"), "en");
    b.people = names[..4].to_vec();
    write(
        root,
        "content/articles/english.md",
        &content::write(&b, "English text.\n"),
    );
    // Explicit hostile slugs, all on one day, with one shared title: unique safe paths.
    for (i, s) in SLUGS.iter().enumerate() {
        let mut c = fm(&h("Однакова <script>XSS-same</script>", "Однакова"), 8);
        c.slug = Some(if hostile {
            s.to_string()
        } else {
            format!("slug-{i}")
        });
        c.people = vec![names[i % names.len()].clone()];
        write(
            root,
            &format!("content/articles/slug-{i}.md"),
            &content::write(&c, &format!("Текст {i}.\n")),
        );
    }
    // An old-Mac file (CR line ends only) builds like the others.
    let mut d = fm("Стара Мак-стаття", 7);
    d.people = vec!["Кирило Буданов".into()];
    write(
        root,
        "content/articles/old-mac.md",
        &content::write(&d, "Рядок один.\n\nРядок два.\n").replace('\n', "\r"),
    );
}

/// Every file under `dir`, by path relative to it ('/'-separated).
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for e in walkdir::WalkDir::new(dir).min_depth(1) {
        let e = e.unwrap();
        if e.file_type().is_file() {
            let rel = e.path().strip_prefix(dir).unwrap();
            let rel = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            out.insert(rel, std::fs::read(e.path()).unwrap());
        }
    }
    out
}

/// Builds a site made by [`make_site`] in a fresh folder; returns the folder and `public/`.
fn build(hostile: bool, allow_html: bool) -> (tempfile::TempDir, BTreeMap<String, Vec<u8>>) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    make_site(&root, hostile, allow_html);
    let (ok, out) = litopys(&root, &["build"]);
    assert!(ok, "build failed: {out}");
    // Nothing was written beside the site.
    let beside: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(beside, ["site"], "{out}");
    let files = tree(&root.join("public"));
    (dir, files)
}

const URL_ATTRS: &[&str] = &[
    "href",
    "src",
    "action",
    "formaction",
    "srcset",
    "poster",
    "background",
    "cite",
    "data",
    "ping",
    "codebase",
    "manifest",
    "icon",
    "longdesc",
    "lowsrc",
    "dynsrc",
    "xlink:href",
];

/// A URL as a browser reads its scheme: spaces, tabs, newlines and other controls dropped,
/// lower case. (The parser has already decoded entities.)
fn scheme_view(url: &str) -> String {
    url.chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase()
}

fn dangerous(url: &str) -> bool {
    let u = scheme_view(url);
    ["javascript:", "vbscript:", "data:"]
        .iter()
        .any(|s| u.starts_with(s))
}

/// What a page (or fragment) is made of, for comparison with the benign build.
#[derive(Default, Debug)]
struct Shapes {
    elements: BTreeSet<String>,
    attributes: BTreeSet<(String, String)>,
    /// (`src`, text) of each `<script>`.
    scripts: BTreeSet<(String, String)>,
    comments: BTreeSet<String>,
    /// `style` attribute values with digits replaced by `0`.
    styles: BTreeSet<String>,
}

/// Parses `html` and collects its shapes, checking on the way that no attribute is an event
/// handler and no URL attribute is dangerous. Nodes inside `skip` are left out.
fn shapes(name: &str, html: &Html, skip: Option<(&str, &str)>, errors: &mut Vec<String>) -> Shapes {
    let mut s = Shapes::default();
    for node in html.tree.nodes() {
        let skipped = skip.is_some_and(|(tag, class)| {
            node.ancestors().any(|a| {
                a.value().as_element().is_some_and(|e| {
                    e.name() == tag
                        && e.attr("class")
                            .is_some_and(|c| c.split(' ').any(|x| x == class))
                })
            })
        });
        if skipped {
            continue;
        }
        match node.value() {
            Node::Element(e) => {
                let tag = e.name().to_string();
                s.elements.insert(tag.clone());
                for (attr, value) in e.attrs() {
                    let attr = attr.to_ascii_lowercase();
                    if attr.starts_with("on") {
                        errors.push(format!("{name}: <{tag} {attr}={value:?}>"));
                    }
                    if URL_ATTRS.contains(&attr.as_str()) && dangerous(value) {
                        errors.push(format!("{name}: <{tag} {attr}={value:?}>"));
                    }
                    if attr == "style" {
                        s.styles
                            .insert(value.replace(|c: char| c.is_ascii_digit(), "0"));
                    }
                    s.attributes.insert((tag.clone(), attr));
                }
                // Namespaced links (`xlink:href` in SVG) are kept by their full name.
                for (q, value) in &e.attrs {
                    if &*q.local == "href" && !q.ns.is_empty() && dangerous(value) {
                        errors.push(format!("{name}: <{tag} {:?}={value:?}>", q.local));
                    }
                }
                if tag == "script" {
                    let el = scraper::ElementRef::wrap(node).unwrap();
                    s.scripts.insert((
                        e.attr("src").unwrap_or("").to_string(),
                        el.text().collect::<String>(),
                    ));
                }
            }
            Node::Comment(c) => {
                s.comments.insert(c.to_string());
            }
            _ => {}
        }
    }
    s
}

/// Adds `b` into `a`.
fn merge(a: &mut Shapes, b: Shapes) {
    a.elements.extend(b.elements);
    a.attributes.extend(b.attributes);
    a.scripts.extend(b.scripts);
    a.comments.extend(b.comments);
    a.styles.extend(b.styles);
}

/// Every shape of `got` that `allowed` lacks.
fn extra(name: &str, got: &Shapes, allowed: &Shapes) -> Vec<String> {
    let mut out = Vec::new();
    for e in got.elements.difference(&allowed.elements) {
        out.push(format!(
            "{name}: element <{e}> not made by templates or Markdown"
        ));
    }
    for a in got.attributes.difference(&allowed.attributes) {
        out.push(format!(
            "{name}: attribute {a:?} not made by templates or Markdown"
        ));
    }
    for sc in got.scripts.difference(&allowed.scripts) {
        out.push(format!("{name}: script {sc:?} not from the templates"));
    }
    for c in got.comments.difference(&allowed.comments) {
        out.push(format!("{name}: comment {c:?}"));
    }
    for st in got.styles.difference(&allowed.styles) {
        out.push(format!("{name}: style {st:?}"));
    }
    out
}

/// Undoes one level of the XML escaping Tera applies (`& < > " '`).
fn xml_unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&#x2F;", "/")
        .replace("&amp;", "&")
}

/// The text of every `<tag …>…</tag>` in an XML document.
fn xml_elements<'a>(xml: &'a str, tag: &str) -> Vec<&'a str> {
    let open = format!("<{tag}");
    let close = format!("</{tag}>");
    let mut out = Vec::new();
    let mut rest = xml;
    while let Some(i) = rest.find(&open) {
        let after = &rest[i..];
        let Some(gt) = after.find('>') else { break };
        let Some(end) = after.find(&close) else { break };
        out.push(&after[gt + 1..end]);
        rest = &after[end + close.len()..];
    }
    out
}

/// The tag names of an XML document (`<name`, `</name`), comments and PIs as `!`/`?`.
fn xml_tags(xml: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (i, _) in xml.match_indices('<') {
        let name: String = xml[i + 1..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '!' | '?' | ':' | '/' | '-'))
            .collect();
        out.insert(name.trim_start_matches('/').to_string());
    }
    out
}

fn html_pages(files: &BTreeMap<String, Vec<u8>>) -> impl Iterator<Item = (&String, String)> {
    files
        .iter()
        .filter(|(p, _)| p.ends_with(".html"))
        .map(|(p, b)| (p, String::from_utf8(b.clone()).unwrap()))
}

/// The shapes the templates and Markdown make on their own: the benign build's pages and the
/// HTML inside its feeds.
fn benign_shapes() -> (Shapes, Shapes, BTreeSet<String>) {
    let (_dir, files) = build(false, false);
    let mut pages = Shapes::default();
    let mut feeds = Shapes::default();
    let mut xml = BTreeSet::new();
    let mut errors = Vec::new();
    for (p, text) in html_pages(&files) {
        merge(
            &mut pages,
            shapes(p, &Html::parse_document(&text), None, &mut errors),
        );
    }
    for (p, b) in files.iter().filter(|(p, _)| p.ends_with(".xml")) {
        let text = String::from_utf8(b.clone()).unwrap();
        xml.extend(xml_tags(&text));
        for c in xml_elements(&text, "content") {
            let frag = Html::parse_fragment(&xml_unescape(c));
            merge(&mut feeds, shapes(p, &frag, None, &mut errors));
        }
    }
    assert!(errors.is_empty(), "the benign site itself: {errors:#?}");
    // The benign site exercises what the checks rely on.
    assert!(pages.scripts.len() >= 2, "{:?}", pages.scripts);
    for e in [
        "a",
        "img",
        "table",
        "blockquote",
        "pre",
        "sup",
        "del",
        "svg",
    ] {
        assert!(pages.elements.contains(e), "benign build lacks <{e}>");
    }
    assert!(feeds.elements.contains("img"), "{:?}", feeds.elements);
    (pages, feeds, xml)
}

/// The parsed page at `path`.
fn page(files: &BTreeMap<String, Vec<u8>>, path: &str) -> Html {
    let b = files
        .get(path)
        .unwrap_or_else(|| panic!("no {path} in {:#?}", files.keys().collect::<Vec<_>>()));
    Html::parse_document(std::str::from_utf8(b).unwrap())
}

fn texts(html: &Html, css: &str) -> Vec<String> {
    let sel = scraper::Selector::parse(css).unwrap();
    html.select(&sel)
        .map(|e| e.text().collect::<String>())
        .collect()
}

fn one_text(html: &Html, css: &str) -> String {
    let t = texts(html, css);
    assert_eq!(t.len(), 1, "{css}: {t:?}");
    t[0].clone()
}

fn attrs(html: &Html, css: &str, attr: &str) -> Vec<String> {
    let sel = scraper::Selector::parse(css).unwrap();
    html.select(&sel)
        .filter_map(|e| e.value().attr(attr).map(str::to_string))
        .collect()
}

/// The folder (`YYYY/MM/DD/slug/`) of the article page whose `<h1>` is `title`.
fn article_dir(files: &BTreeMap<String, Vec<u8>>, title: &str) -> String {
    let found: Vec<&String> = files
        .keys()
        .filter(|p| p.len() > 11 && p.as_bytes()[4] == b'/' && p.ends_with("/index.html"))
        .filter(|p| p.matches('/').count() == 4)
        .filter(|p| texts(&page(files, p), "article.article h1") == [title])
        .collect();
    assert_eq!(found.len(), 1, "{title:?}: {found:?}");
    found[0].trim_end_matches("index.html").to_string()
}

/// The folder of the person page whose `<h1>` is `name`.
fn person_dir(files: &BTreeMap<String, Vec<u8>>, name: &str) -> String {
    let found: Vec<&String> = files
        .keys()
        .filter(|p| p.starts_with("people/") && p.matches('/').count() == 2)
        .filter(|p| p.ends_with("/index.html"))
        .filter(|p| texts(&page(files, p), "h1") == [name])
        .collect();
    assert_eq!(found.len(), 1, "{name:?}: {found:?}");
    found[0].trim_end_matches("index.html").to_string()
}

/// Checks the structure of every built file against the benign shapes; `skip` leaves out
/// subtrees (the editors' bodies when `allow_html` is on).
fn check_structure(
    files: &BTreeMap<String, Vec<u8>>,
    benign: &(Shapes, Shapes, BTreeSet<String>),
    skip: Option<(&str, &str)>,
    check_feed_html: bool,
) {
    let (pages, feeds, xml) = benign;
    let mut errors = Vec::new();
    let mut n = 0;
    for (p, text) in html_pages(files) {
        n += 1;
        let got = shapes(p, &Html::parse_document(&text), skip, &mut errors);
        errors.extend(extra(p, &got, pages));
    }
    assert!(n >= 40, "only {n} pages");
    for (p, b) in files.iter().filter(|(p, _)| p.ends_with(".xml")) {
        let text = String::from_utf8(b.clone()).unwrap();
        for t in xml_tags(&text).difference(xml) {
            errors.push(format!("{p}: XML tag <{t}> not from the templates"));
        }
        if check_feed_html {
            for c in xml_elements(&text, "content") {
                let got = shapes(
                    p,
                    &Html::parse_fragment(&xml_unescape(c)),
                    None,
                    &mut errors,
                );
                errors.extend(extra(p, &got, feeds));
            }
        }
    }
    assert!(
        errors.is_empty(),
        "{} problem(s):\n{}",
        errors.len(),
        errors.join("\n")
    );
}

/// The search index: JSON everywhere, URLs safe relative paths; returns every string in it.
fn search_strings(files: &BTreeMap<String, Vec<u8>>) -> BTreeSet<String> {
    fn walk(v: &serde_json::Value, out: &mut BTreeSet<String>) {
        match v {
            serde_json::Value::String(s) => {
                out.insert(s.clone());
            }
            serde_json::Value::Array(a) => a.iter().for_each(|x| walk(x, out)),
            serde_json::Value::Object(o) => o.values().for_each(|x| walk(x, out)),
            _ => {}
        }
    }
    let mut out = BTreeSet::new();
    let mut docs = 0;
    for (p, b) in files
        .iter()
        .filter(|(p, _)| p.starts_with("search/") && p.ends_with(".json"))
    {
        let v: serde_json::Value = serde_json::from_slice(b).unwrap_or_else(|e| panic!("{p}: {e}"));
        if p.starts_with("search/d/") {
            for d in v.as_array().unwrap() {
                // [kind, title or name, url, …], or null for a person's slot left empty.
                if d.is_null() {
                    continue;
                }
                let url = d[2].as_str().unwrap();
                docs += 1;
                assert!(
                    litopys::output::validate_path(url).is_ok() && !url.contains(':'),
                    "{p}: url {url:?}"
                );
                assert!(files.contains_key(url), "{p}: {url} is no built file");
            }
        }
        walk(&v, &mut out);
    }
    assert!(docs > 10, "{docs} search documents");
    out
}

/// Output paths: portable, inside `public/`, one page per article and per person.
fn check_paths(files: &BTreeMap<String, Vec<u8>>, articles: usize) {
    for p in files.keys().filter(|p| !p.starts_with(".litopys-")) {
        if let Err(why) = litopys::output::validate_path(p) {
            panic!("{p:?}: {why}");
        }
        for seg in p.split('/') {
            assert!(!seg.is_empty() && seg.len() <= 255, "{p}");
        }
    }
    let article_pages = files
        .keys()
        .filter(|p| p.as_bytes().get(4) == Some(&b'/') && p.matches('/').count() == 4)
        .filter(|p| p.ends_with("/index.html"))
        .count();
    assert_eq!(article_pages, articles, "one page per article");
}

#[test]
fn hostile_content_never_becomes_markup() {
    let benign = benign_shapes();
    let (dir, files) = build(true, false);
    let root = dir.path().join("site");
    check_structure(&files, &benign, None, true);
    let md_count = std::fs::read_dir(root.join("content/articles"))
        .unwrap()
        .count();
    check_paths(&files, md_count);

    // The editor's article: every hostile string is visible text, exactly as written.
    let title = all_payloads().join(" ");
    let dir_a = article_dir(&files, &title);
    let a = page(&files, &format!("{dir_a}index.html"));
    assert!(
        one_text(&a, "title").starts_with(&title),
        "{}",
        one_text(&a, "title")
    );
    let lede = format!("Лід {BREAK_SQ} {SCRIPT} {ENTITIES}");
    assert_eq!(one_text(&a, "article.article > p.lede"), lede);
    assert_eq!(attrs(&a, "meta[name=description]", "content"), [lede]);
    assert_eq!(
        one_text(&a, "header.site a.brand"),
        format!("Літопис {SCRIPT}")
    );
    let chips = texts(&a, "article.article ul.chips a");
    for n in hostile_names() {
        let shown = n.replace('\0', "");
        let shown = shown.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(chips.contains(&shown), "{shown:?} not in {chips:#?}");
    }
    // The alias resolved to the registry's name; the ignored string is nobody.
    assert!(chips.contains(&"Кирило Буданов".to_string()), "{chips:?}");
    assert!(!chips
        .iter()
        .any(|c| c.contains(SCRIPT) && c.len() == SCRIPT.len()));
    assert!(
        !chips.iter().any(|c| c.contains("XSS-ignored")),
        "{chips:?}"
    );
    let body = one_text(&a, "div.body");
    for p in all_payloads() {
        // Entities written in Markdown text are decoded by Markdown, like any other text.
        let want = if p == ENTITIES {
            "<b>XSS-entities</b> & <i> ©".to_string()
        } else {
            p.to_string()
        };
        assert!(
            body.contains(&want),
            "{want:?} not visible in the body:\n{body}"
        );
    }
    for s in [
        "<div onclick=\"alert('XSS-block')\">блок</div>",
        "<script>alert(\"XSS-block-script\")</script>",
        "<script>XSS-code</script>",
        "<script>XSS-indented</script>",
    ] {
        assert!(body.contains(s), "{s:?} not visible:\n{body}");
    }
    // Dangerous Markdown links keep their text and lose their destination.
    let hrefs: BTreeMap<String, String> = {
        let sel = scraper::Selector::parse("div.body a").unwrap();
        a.select(&sel)
            .map(|e| {
                (
                    e.text().collect::<String>(),
                    e.value().attr("href").unwrap_or("").to_string(),
                )
            })
            .collect()
    };
    for l in ["l1", "l2", "l3", "l4", "l5", "l6", "l7", "l8", "l9"] {
        assert_eq!(
            hrefs.get(l).map(String::as_str),
            Some("#"),
            "{l}: {hrefs:?}"
        );
    }
    for auto in [
        "javascript:alert(XSS-a1)",
        "JAVASCRIPT:alert(XSS-a2)",
        "data:text/html,XSS-a3",
        "vbscript:XSS-a4",
    ] {
        assert_eq!(hrefs.get(auto).map(String::as_str), Some("#"), "{hrefs:?}");
    }
    assert_eq!(
        hrefs.get("ok").map(String::as_str),
        Some("https://example.org/?q=XSS-ok")
    );
    assert_eq!(
        attrs(&a, "div.body a[href^=https]", "title"),
        ["t \"><script>XSS-title</script>"]
    );
    let srcs = attrs(&a, "div.body img", "src");
    assert_eq!(srcs, ["#", "#", "x.png"], "{srcs:?}");
    assert_eq!(
        attrs(&a, "div.body img[src='x.png']", "alt"),
        ["i3 \"><script>XSS-i3</script>"]
    );

    // The raw text: ingested as text, whatever it looked like.
    let raw_dir = article_dir(
        &files,
        "Переговори у Парижі <script>alert(XSS-raw-title)</script>",
    );
    let r = page(&files, &format!("{raw_dir}index.html"));
    let raw_text = one_text(&r, "div.body") + &one_text(&r, "article.article > p.lede");
    for s in [
        "<img src=x onerror=alert(XSS-raw-img)>",
        "[клік](javascript:alert(XSS-raw-md))",
        "<javascript:alert(XSS-raw-auto)>",
        "{{ page.root }}",
        "<!-- XSS-raw-comment -->",
        "&#106;avascript:alert(1)",
        "<svg onload=alert(XSS-raw-svg)>",
    ] {
        assert!(raw_text.contains(s), "{s:?} not visible:\n{raw_text}");
    }
    assert!(texts(&r, "article.article ul.chips a").contains(&"Кирило Буданов".to_string()));

    // Person pages: names, roles and the registry's descriptions as text.
    let role_of = person_dir(&files, &format!("Іван {BREAK_DQ}"));
    let p = page(&files, &format!("{role_of}index.html"));
    assert!(
        one_text(&p, "p.role").starts_with(&format!("роль {SCRIPT} {JS_A}")),
        "{}",
        one_text(&p, "p.role")
    );
    // The registry's slug `../../../../escape` became `escape`.
    assert_eq!(person_dir(&files, "Кирило Буданов"), "people/escape/");
    let b = page(&files, "people/escape/index.html");
    assert_eq!(
        one_text(&b, "p.description"),
        format!("{BREAK_DQ} {COMMENT} javascript:alert(1) {TERA}")
    );
    assert!(one_text(&b, "p.role").starts_with(&format!("{IMG} керівник")));
    assert_eq!(person_dir(&files, SVG), "people/etc-passwd/");
    assert_eq!(
        one_text(
            &page(&files, "people/etc-passwd/index.html"),
            "p.description"
        ),
        ENTITIES
    );
    let y = person_dir(&files, "Ярема <b>XSS-bold</b>");
    assert!(!y.contains("nul/"), "{y}");
    for n in hostile_names() {
        let shown = n.replace('\0', "");
        let shown = shown.split_whitespace().collect::<Vec<_>>().join(" ");
        let d = person_dir(&files, &shown);
        let slug = d.trim_start_matches("people/").trim_end_matches('/');
        assert!(
            !slug.is_empty()
                && slug.len() <= 80
                && slug
                    .bytes()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-'),
            "{n:?} → {d}"
        );
    }
    // Hostile explicit slugs: each article its own safe folder on its day.
    let same: Vec<&String> = files
        .keys()
        .filter(|p| p.starts_with("2026/01/08/") && p.ends_with("/index.html"))
        .filter(|p| p.matches('/').count() == 4)
        .collect();
    assert_eq!(same.len(), SLUGS.len(), "{same:#?}");
    for p in &same {
        let slug = p.split('/').nth(3).unwrap();
        assert!(
            !matches!(slug, "con" | "lpt1" | "nul") && !slug.is_empty(),
            "{p}"
        );
    }
    assert!(
        files.contains_key("2026/01/08/outside/index.html"),
        "{same:?}"
    );
    assert!(
        files.contains_key("2026/01/08/etc-passwd/index.html"),
        "{same:?}"
    );

    // Old-Mac line ends parse like any other file.
    article_dir(&files, "Стара Мак-стаття");

    // Feeds: hostile titles and names escaped once, as Atom wants.
    let feed = String::from_utf8(files["atom.xml"].clone()).unwrap();
    assert!(
        feed.contains("&lt;script&gt;alert(&quot;XSS-script&quot;)&lt;/script&gt;"),
        "{feed}"
    );
    let titles: Vec<String> = xml_elements(&feed, "title")
        .into_iter()
        .map(xml_unescape)
        .collect();
    assert!(titles.contains(&title), "{titles:#?}");
    // The sitemap: its index lists its files, which list the pages by plain URLs.
    let index = String::from_utf8(files["sitemap.xml"].clone()).unwrap();
    let mut locs = Vec::new();
    for l in xml_elements(&index, "loc") {
        let file = l
            .strip_prefix("https://example.org/news/")
            .unwrap_or_else(|| panic!("{l}"));
        assert!(
            file.starts_with("sitemap-") && file.ends_with(".xml"),
            "{l}"
        );
        let part = String::from_utf8(files[file].clone()).unwrap();
        locs.extend(xml_elements(&part, "loc").into_iter().map(str::to_string));
    }
    assert!(locs.len() > 20);
    for l in locs {
        let rest = l
            .strip_prefix("https://example.org/news/")
            .unwrap_or_else(|| panic!("{l}"));
        assert!(
            rest.bytes()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || b"-/".contains(&c)),
            "{l}"
        );
    }
    // The search index carries the hostile strings as data.
    let strings = search_strings(&files);
    assert!(
        strings.contains(&title),
        "hostile title missing from the search index"
    );
    assert!(strings.contains(&format!("Іван {BREAK_DQ}")));
}

#[test]
fn allow_html_lets_only_the_editors_markdown_html_through() {
    let benign = benign_shapes();
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    make_site(&root, true, true);
    let mut e = fm("Сторінка редактора", 11);
    e.summary = "<b>EDITOR-summary</b>".into();
    write(
        &root,
        "content/articles/raw-html.md",
        &content::write(
            &e,
            "<b>EDITOR-bold</b> і <script>alert(\"EDITOR\")</script>\n\n\
             <a href=\"javascript:alert('EDITOR-a')\">html</a> [md](javascript:alert(EDITOR-md)) \
             <javascript:alert(EDITOR-auto)> ![img](data:text/html,EDITOR-img)\n",
        ),
    );
    let (ok, out) = litopys(&root, &["build"]);
    assert!(ok, "{out}");
    let files = tree(&root.join("public"));
    // Outside the editors' bodies nothing changes: titles, names, registry, raw texts.
    check_structure(&files, &benign, Some(("div", "body")), false);
    let d = article_dir(&files, "Сторінка редактора");
    let p = page(&files, &format!("{d}index.html"));
    assert_eq!(texts(&p, "div.body b"), ["EDITOR-bold"]);
    assert_eq!(texts(&p, "div.body script"), ["alert(\"EDITOR\")"]);
    assert_eq!(
        attrs(&p, "div.body a", "href"),
        ["javascript:alert('EDITOR-a')", "#", "#"],
        "raw HTML passes as written; Markdown link syntax is still checked"
    );
    assert_eq!(attrs(&p, "div.body img", "src"), ["#"]);
    // The summary is front matter: escaped whatever the config says.
    assert_eq!(one_text(&p, "p.lede"), "<b>EDITOR-summary</b>");
    // A raw text is escaped into Markdown by ingest, so it stays text with allow_html too.
    let raw_dir = article_dir(
        &files,
        "Переговори у Парижі <script>alert(XSS-raw-title)</script>",
    );
    let r = page(&files, &format!("{raw_dir}index.html"));
    let sel = scraper::Selector::parse("div.body *").unwrap();
    let inner: BTreeSet<&str> = r.select(&sel).map(|e| e.value().name()).collect();
    assert_eq!(inner, BTreeSet::from(["p"]), "raw text made markup");
    assert!(one_text(&r, "div.body").contains("<svg onload=alert(XSS-raw-svg)>"));
}

/// The only value printed unescaped is the rendered Markdown body; no template turns
/// autoescaping off.
#[test]
fn only_the_rendered_body_is_marked_safe() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("templates");
    let mut uses = Vec::new();
    for e in std::fs::read_dir(&dir).unwrap() {
        let path = e.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        if !(name.ends_with(".html") || name.ends_with(".xml")) {
            continue;
        }
        // Template code only: `{{ … }}` and `{% … %}` (comments may mention `| safe`).
        for (open, close) in [("{{", "}}"), ("{%", "%}")] {
            let mut rest = text.as_str();
            while let Some(i) = rest.find(open) {
                let Some(j) = rest[i..].find(close) else {
                    break;
                };
                let code = &rest[i + 2..i + j];
                let squeezed: String = code.split_whitespace().collect();
                if squeezed.contains("|safe") || squeezed.contains("autoescape") {
                    uses.push(format!("{name}: {}", code.trim()));
                }
                rest = &rest[i + j + 2..];
            }
        }
    }
    assert_eq!(uses, ["article.html: body | safe"]);
}
