//! Builds small sites in temporary folders through the library API (`Site::load` + `render`)
//! and checks the output as a whole: links, order, pagination, escaping, determinism, errors.

use litopys::config::Config;
use litopys::people::Registry;
use litopys::render::{self, OutputFile, Templates};
use litopys::site::Site;
use std::collections::{BTreeMap, HashSet};
use std::path::Path;

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(p, text).unwrap();
}

fn article(date: &str, title: &str, people: &[&str], extra: &str, body: &str) -> String {
    let people: Vec<String> = people.iter().map(|p| format!("\"{p}\"")).collect();
    format!(
        "---\ntitle: '{}'\ndate: {date}\npeople: [{}]\n{extra}---\n\n{body}\n",
        title.replace('\'', "''"),
        people.join(", ")
    )
}

fn config() -> Config {
    Config {
        page_size: 2,
        home_days: 3,
        base_url: "https://host/sub/path/".into(),
        ..Config::default()
    }
}

/// A small site: Ukrainian names, shared people, a `<script>` in a title, a slug collision.
fn sample_site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "content/articles/01-paris.md",
        &article(
            "2026-01-07",
            "Переговори у Парижі",
            &["Кирило Буданов", "Володимир Зеленський", "Олена Ґалаґан"],
            "roles:\n- person: Кирило Буданов\n  role: керівник Офісу президента\nsummary: 'Лід <b>жирний</b>'\n",
            "Перший абзац.\n\nДругий <script>alert(1)</script> абзац.",
        ),
    );
    write(
        root,
        "content/articles/02-paris-again.md",
        &article(
            "2026-01-07",
            "Переговори у Парижі",
            &["Володимир Зеленський", "Іван Гуменюк"],
            "",
            "Ще одна стаття з тією ж назвою.",
        ),
    );
    write(
        root,
        "content/articles/03-script.md",
        &article(
            "2026-01-06",
            "<script>alert('x')</script> Новини дня",
            &[
                "Володимир Зеленський",
                "Андрій Ермак",
                "Їжак",
                "Ілля Іванов",
            ],
            "",
            "Текст з [посиланням](javascript:alert(1)).",
        ),
    );
    write(
        root,
        "content/articles/04-en.md",
        &article(
            "2026-01-05",
            "Talks in Paris",
            &["Donald Trump", "Кирило Буданов", "Олександр Євтушенко"],
            "language: en\n",
            "English text.",
        ),
    );
    for d in 1..=3 {
        write(
            root,
            &format!("content/articles/1{d}-older.md"),
            &article(
                &format!("2025-12-{:02}", d + 10),
                &format!("Старша новина {d}"),
                &["Володимир Зеленський", "Иван Иванченко"],
                "",
                "Текст.",
            ),
        );
    }
    dir
}

fn build(root: &Path) -> Vec<OutputFile> {
    let templates = Templates::load(root).unwrap();
    let site = Site::load(root, &config(), &Registry::default()).unwrap();
    render::render(&site, &templates).unwrap()
}

fn html_entities(s: &str) -> String {
    s.replace("&amp;", "&")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
}

/// Every value of `attr="…"` in `html`.
fn attrs<'a>(html: &'a str, attr: &str) -> Vec<&'a str> {
    let pat = format!(" {attr}=\"");
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(p) = rest.find(&pat) {
        rest = &rest[p + pat.len()..];
        if let Some(end) = rest.find('"') {
            out.push(&rest[..end]);
            rest = &rest[end..];
        }
    }
    out
}

fn text(files: &[OutputFile], path: &str) -> String {
    let f = files
        .iter()
        .find(|f| f.path == path)
        .unwrap_or_else(|| panic!("no {path}"));
    String::from_utf8(f.bytes.clone()).unwrap()
}

#[test]
fn every_internal_link_points_at_an_output_file() {
    let dir = sample_site();
    let files = build(dir.path());
    let paths: HashSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    for must in [
        "index.html",
        "2026/01/07/perehovory-u-paryzhi/index.html",
        "2026/01/07/perehovory-u-paryzhi-2/index.html",
        "2026/01/07/index.html",
        "2026/01/index.html",
        "2026/index.html",
        "archive/index.html",
        "people/index.html",
        "people/kyrylo-budanov/index.html",
        "people/kyrylo-budanov/atom.xml",
        "atom.xml",
        "sitemap.xml",
        "sitemap-pages.xml",
        "sitemap-2026.xml",
        "sitemap-2025.xml",
        "sitemap-people.xml",
        "404.html",
        "style.css",
    ] {
        assert!(paths.contains(must), "missing {must}; have {paths:?}");
    }
    let mut checked = 0;
    for f in files.iter().filter(|f| f.path.ends_with(".html")) {
        let html = std::str::from_utf8(&f.bytes).unwrap();
        for href in attrs(html, "href").into_iter().chain(attrs(html, "src")) {
            let href = html_entities(href);
            if href.starts_with('#') {
                continue;
            }
            if f.path == "404.html" {
                assert!(href.starts_with("https://host/sub/path/"), "{href} in 404");
                continue;
            }
            if href.contains(':') {
                // Only the canonical link and the body's neutralised links may be absolute.
                assert!(
                    href.starts_with("https://host/sub/path/"),
                    "{href} in {}",
                    f.path
                );
                continue;
            }
            let target = litopys::render::links::resolve(&f.path, &href)
                .unwrap_or_else(|| panic!("{href} in {} leaves the site", f.path));
            assert!(
                paths.contains(target.as_str()),
                "{href} in {} → {target} does not exist",
                f.path
            );
            checked += 1;
        }
    }
    assert!(checked > 100, "{checked}");
    // Relative from deep pages.
    let a = text(&files, "2026/01/07/perehovory-u-paryzhi/index.html");
    assert!(a.contains("href=\"../../../../index.html\""), "{a}");
    assert!(a.contains("7 січня 2026"));
    assert!(a.contains("href=\"../../../../people/kyrylo-budanov/index.html\""));
    let en = text(&files, "2026/01/05/talks-in-paris/index.html");
    assert!(en.contains("January 5, 2026"), "{en}");
    assert!(en.contains("<html lang=\"en\">"));
}

#[test]
fn people_index_is_in_ukrainian_order_and_person_pages_paginate() {
    let dir = sample_site();
    let files = build(dir.path());
    let people = text(&files, "people/index.html");
    let order = [
        "Кирило Буданов",
        "Іван Гуменюк",
        "Олена Ґалаґан",
        "Андрій Ермак",
        "Олександр Євтушенко",
        "Володимир Зеленський",
        "Иван Иванченко",
        "Ілля Іванов",
        "Їжак",
        "Donald Trump",
    ];
    let pos: Vec<usize> = order
        .iter()
        .map(|n| {
            people
                .find(&format!(">{n}</a>"))
                .unwrap_or_else(|| panic!("{n}"))
        })
        .collect();
    assert!(pos.windows(2).all(|w| w[0] < w[1]), "{pos:?}\n{people}");
    // Letter groups: Ґ separate from Г, Є from Е.
    for l in ["Б", "Г", "Ґ", "Е", "Є", "И", "І", "Ї", "T"] {
        assert!(people.contains(&format!("<h2>{l}</h2>")), "{l}");
    }
    // 6 articles with page size 2: three pages.
    let z = "people/volodymyr-zelenskyi/";
    let p1 = text(&files, &format!("{z}index.html"));
    assert!(p1.contains("Статей: 6"), "{p1}");
    assert!(p1.contains("href=\"page/2/index.html\"") || p1.contains("page/2/index.html"));
    let p3 = text(&files, &format!("{z}page/3/index.html"));
    assert!(p3.contains("href=\"../../../../index.html\""), "{p3}");
    assert!(!files
        .iter()
        .any(|f| f.path == format!("{z}page/4/index.html")));
    assert!(!files
        .iter()
        .any(|f| f.path == format!("{z}page/1/index.html")));
    // Role with its date; co-mentions.
    let b = text(&files, "people/kyrylo-budanov/index.html");
    assert!(b.contains("керівник Офісу президента"), "{b}");
    assert!(b.contains("7 січня 2026"));
    assert!(b.contains(">Володимир Зеленський</a>"));
}

#[test]
fn renders_are_byte_identical() {
    let dir = sample_site();
    let a = build(dir.path());
    let b = build(dir.path());
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x.path, y.path);
        assert!(x.bytes == y.bytes, "{} differs", x.path);
    }
    let mut sorted: Vec<&str> = a.iter().map(|f| f.path.as_str()).collect();
    sorted.sort();
    assert_eq!(
        sorted,
        a.iter().map(|f| f.path.as_str()).collect::<Vec<_>>()
    );
    for f in &a {
        assert!(litopys::render::links::is_safe_path(&f.path), "{}", f.path);
    }
}

#[test]
fn nothing_from_content_becomes_markup() {
    let dir = sample_site();
    let files = build(dir.path());
    for f in &files {
        let s = String::from_utf8_lossy(&f.bytes);
        // Our own scripts (search, people filter) are the only ones.
        let own = s
            .replace("<script src=\"search.js\"></script>", "")
            .replace("<script src=\"filter.js\"></script>", "");
        assert!(!own.contains("<script"), "<script in {}", f.path);
        assert!(!s.contains("javascript:"), "javascript: in {}", f.path);
        assert!(!s.contains("<b>жирний"), "<b> in {}", f.path);
    }
    let feed = text(&files, "atom.xml");
    assert!(
        feed.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;&#x2F;script&gt;")
            || feed.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"),
        "{feed}"
    );
    assert!(feed.starts_with("<?xml"));
    assert!(feed.contains("<id>https://host/sub/path/2026/01/07/perehovory-u-paryzhi/</id>"));
    // The sitemap index lists its files by their absolute addresses; the people's lists theirs.
    let index = text(&files, "sitemap.xml");
    assert!(
        index.starts_with("<?xml") && index.contains("<sitemapindex"),
        "{index}"
    );
    for part in [
        "sitemap-pages.xml",
        "sitemap-2026.xml",
        "sitemap-people.xml",
    ] {
        assert!(
            index.contains(&format!("<loc>https://host/sub/path/{part}</loc>")),
            "{index}"
        );
    }
    let people = text(&files, "sitemap-people.xml");
    assert!(people.contains("<loc>https://host/sub/path/people/kyrylo-budanov/</loc>"));
    let year = text(&files, "sitemap-2026.xml");
    assert!(year.contains("<loc>https://host/sub/path/2026/01/07/perehovory-u-paryzhi/</loc>"));
    assert!(!year.contains("2025/12/"), "{year}");
    // The site feed carries each article's full text; a person's feed its summary and link.
    assert_eq!(
        feed.matches("<entry>").count(),
        feed.matches("<content type=\"html\">").count()
    );
    // (the full text only for an article without a summary).
    let person = text(&files, "people/kyrylo-budanov/atom.xml");
    let entries: Vec<&str> = person.split("<entry>").skip(1).collect();
    assert!(entries.len() >= 2, "{person}");
    for e in &entries {
        assert!(e.contains("<link rel=\"alternate\""), "{e}");
        assert_ne!(e.contains("<summary>"), e.contains("<content"), "{e}");
    }
    assert!(entries.iter().any(|e| e.contains("<summary>")), "{person}");
}

#[test]
fn a_broken_template_names_its_file_and_line() {
    let dir = sample_site();
    write(
        dir.path(),
        "templates/index.html",
        "{% extends \"base.html\" %}\n{% block content %}\n{% if days %}\n<p>x</p>\n{% endblock content %}\n",
    );
    let errs = Templates::load(dir.path()).unwrap_err();
    assert_eq!(errs.len(), 1, "{errs:?}");
    let e = errs[0].to_string();
    assert!(e.contains("templates/index.html"), "{e}");
    assert!(!e.contains("built-in"), "{e}");
    assert!(errs[0].line.is_some(), "{e}");
}

#[test]
fn every_broken_template_is_reported_not_only_the_first() {
    let dir = sample_site();
    write(
        dir.path(),
        "templates/index.html",
        "{% extends \"base.html\" %}\n{% block content %}\n{{ days | }}\n{% endblock content %}\n",
    );
    write(
        dir.path(),
        "templates/person.html",
        "{% extends \"base.html\" %}\n{% block content %}\n\n{% for a in %}\n{% endblock content %}\n",
    );
    let errs = Templates::load(dir.path()).unwrap_err();
    let text: Vec<String> = errs.iter().map(|e| e.to_string()).collect();
    assert_eq!(errs.len(), 2, "{text:?}");
    assert!(text[0].contains("templates/index.html"), "{text:?}");
    assert!(text[1].contains("templates/person.html"), "{text:?}");
    assert_eq!(errs[1].line, Some(4), "{text:?}");
    // One good template with a missing parent is reported alone, naming the parent.
    let dir = sample_site();
    write(
        dir.path(),
        "templates/index.html",
        "{% extends \"nowhere.html\" %}{% block content %}x{% endblock content %}",
    );
    let errs = Templates::load(dir.path()).unwrap_err();
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(errs[0].to_string().contains("nowhere.html"), "{errs:?}");
}

#[test]
fn an_overriding_template_is_used_and_unknown_article_templates_are_errors() {
    let dir = sample_site();
    write(
        dir.path(),
        "templates/index.html",
        "{% extends \"base.html\" %}{% block content %}<p id=\"mine\">{{ days | length }}</p>{% endblock content %}",
    );
    write(
        dir.path(),
        "content/articles/05-custom.md",
        &article("2026-01-08", "Своя", &[], "template: wide.html\n", "x"),
    );
    // Files other than .html, .xml and style.css are not templates.
    std::fs::write(dir.path().join("templates/logo.png"), [0xff, 0xfe, 0x00]).unwrap();
    write(dir.path(), "templates/style.css", "body { color: red }\n");
    let templates = Templates::load(dir.path()).unwrap();
    let site = Site::load(dir.path(), &config(), &Registry::default()).unwrap();
    let errs = render::render(&site, &templates).unwrap_err();
    assert!(errs[0].to_string().contains("05-custom.md"), "{errs:?}");
    write(
        dir.path(),
        "templates/wide.html",
        "{% extends \"article.html\" %}",
    );
    let templates = Templates::load(dir.path()).unwrap();
    let files = render::render(&site, &templates).unwrap();
    assert!(text(&files, "index.html").contains("<p id=\"mine\">3</p>"));
    assert_eq!(text(&files, "style.css"), "body { color: red }\n");
}

#[test]
fn bad_front_matter_names_file_and_line_and_every_error_is_collected() {
    let dir = sample_site();
    write(
        dir.path(),
        "content/articles/bad-date.md",
        "---\ntitle: Погана дата\ndate: 2026-02-30\n---\n\nx\n",
    );
    write(
        dir.path(),
        "content/articles/bad-yaml.md",
        "---\ntitle: x\ndate: 2026-01-01\npeople: [a\n---\n",
    );
    write(
        dir.path(),
        "content/articles/no-fence.md",
        "title: Без огорожі\n",
    );
    write(
        dir.path(),
        "content/articles/dup-a.md",
        &article("2026-01-07", "A", &[], "slug: same\n", "x"),
    );
    write(
        dir.path(),
        "content/articles/dup-b.md",
        &article("2026-01-07", "B", &[], "slug: same\n", "x"),
    );
    // A Windows-1251 «є» (0xBA) after 24 bytes of UTF-8.
    let mut latin = b"---\ntitle: \xd0\x9f\xd1\x80\xd0\xbe\nbad: ".to_vec();
    let bad_at = latin.len();
    latin.extend_from_slice(b"\xba\ndate: 2026-01-01\n---\n\nx\n");
    std::fs::write(dir.path().join("content/articles/not-utf8.md"), latin).unwrap();
    let errs = Site::load(dir.path(), &config(), &Registry::default()).unwrap_err();
    let all: Vec<String> = errs.iter().map(|e| e.to_string()).collect();
    let find = |name: &str| {
        errs.iter()
            .find(|e| e.file.to_string_lossy().contains(name))
            .unwrap_or_else(|| panic!("no error for {name}: {all:?}"))
    };
    // serde_yaml places errors raised while deserialising a value (an impossible date) at the
    // start of the mapping, so only syntax errors get their exact line.
    let e = find("bad-date.md");
    assert!(e.line.is_some(), "{all:?}");
    assert!(e.message.contains("2026-02-30"));
    assert_eq!(find("no-fence.md").line, Some(1));
    assert!(find("bad-yaml.md").line.is_some_and(|l| l >= 4), "{all:?}");
    assert!(find("dup-b.md").message.contains("same"), "{all:?}");
    let e = find("not-utf8.md");
    assert!(
        e.message.contains(&format!("UTF-8 (byte {bad_at})")),
        "{all:?}"
    );
    assert_eq!(errs.len(), 5, "{all:?}");
}

#[test]
fn same_day_title_collisions_get_suffixes_in_file_order() {
    let dir = sample_site();
    let site = Site::load(dir.path(), &config(), &Registry::default()).unwrap();
    let urls: BTreeMap<String, String> = site
        .articles
        .iter()
        .map(|a| (a.file.to_string_lossy().into_owned(), a.url.clone()))
        .collect();
    assert_eq!(
        urls.get("content/articles/01-paris.md").map(String::as_str),
        Some("2026/01/07/perehovory-u-paryzhi/")
    );
    assert_eq!(
        urls.get("content/articles/02-paris-again.md")
            .map(String::as_str),
        Some("2026/01/07/perehovory-u-paryzhi-2/")
    );
    assert_eq!(site.article_count(), 7);
    assert_eq!(site.person_count(), 10);
    let report = litopys::site::people_report(&site, false);
    assert!(report.contains("Володимир Зеленський"), "{report}");
    let _ = litopys::site::people_report(&site, true);
}

#[test]
fn an_english_site_gets_english_interface_words_and_dates() {
    let dir = sample_site();
    let config = Config {
        language: "en".into(),
        ..config()
    };
    let templates = Templates::load(dir.path()).unwrap();
    let site = Site::load(dir.path(), &config, &Registry::default()).unwrap();
    let files = render::render(&site, &templates).unwrap();
    assert!(text(&files, "archive/index.html").contains("<h1>Archive</h1>"));
    let month = text(&files, "2026/01/index.html");
    assert!(month.contains("<h1>January 2026</h1>"), "{month}");
    assert!(month.contains(">Mo</th>"));
    // Ukrainian articles keep Ukrainian dates on their cards.
    assert!(month.contains("7 січня 2026"));
    assert!(text(&files, "2026/01/07/index.html")
        .contains("<h1><time datetime=\"2026-01-07\">January 7, 2026</time></h1>"));
}

#[test]
fn a_template_failing_at_render_time_is_named_with_a_few_pages() {
    let dir = sample_site();
    write(
        dir.path(),
        "templates/person.html",
        "{% extends \"base.html\" %}{% block content %}{{ nobody.name }}{% endblock content %}",
    );
    let templates = Templates::load(dir.path()).unwrap();
    let site = Site::load(dir.path(), &config(), &Registry::default()).unwrap();
    let errs = render::render(&site, &templates).unwrap_err();
    // A few pages, then how many more: each naming the override.
    assert_eq!(errs.len(), 4, "{errs:?}");
    for e in &errs {
        let s = e.to_string();
        assert!(
            s.contains("templates/person.html") && !s.contains("built-in"),
            "{s}"
        );
    }
    assert!(errs[0].to_string().contains("nobody"), "{errs:?}");
    assert!(errs[3].message.contains("more page"), "{errs:?}");
}

#[test]
fn with_the_default_base_url_pages_have_no_root_relative_links() {
    let dir = sample_site();
    let templates = Templates::load(dir.path()).unwrap();
    let site = Site::load(dir.path(), &Config::default(), &Registry::default()).unwrap();
    let files = render::render(&site, &templates).unwrap();
    for f in files
        .iter()
        .filter(|f| f.path.ends_with(".html") && f.path != "404.html")
    {
        let html = std::str::from_utf8(&f.bytes).unwrap();
        for href in attrs(html, "href") {
            assert!(!href.starts_with('/'), "{href} in {}", f.path);
        }
        assert!(!html.contains("rel=\"canonical\""), "{}", f.path);
    }
}

/// The `card()` function of the built-in templates gives the same bytes as
/// `{% include "card.html" %}`, on every page, even for a card whose strings hold the
/// character that stands for `page.root` inside the cache; and a second render of the same
/// templates sees an edited article's new card, not the cached one.
#[test]
fn cached_cards_are_the_included_cards_byte_for_byte() {
    let dir = sample_site();
    write(
        dir.path(),
        "content/articles/05-sentinel.md",
        &article(
            "2026-01-07",
            "Знак \u{FDD0} у назві & <b>теги</b>",
            &["Кирило Буданов"],
            "summary: 'лід \u{FDD0} ../'\n",
            "Текст.",
        ),
    );
    let cached = build(dir.path());
    let uses: Vec<&str> = render::DEFAULT_TEMPLATES
        .iter()
        .filter(|(_, t)| t.contains("{{ card(c=c, root=page.root, lang=page.lang) }}"))
        .map(|(n, _)| *n)
        .collect();
    assert!(uses.len() >= 5, "{uses:?}");
    for (name, t) in render::DEFAULT_TEMPLATES {
        if uses.contains(name) {
            let included = t.replace(
                "{{ card(c=c, root=page.root, lang=page.lang) }}",
                "{% include \"card.html\" %}",
            );
            write(dir.path(), &format!("templates/{name}"), &included);
        }
    }
    let included = build(dir.path());
    assert_eq!(cached.len(), included.len());
    let mut cards = 0;
    for (a, b) in cached.iter().zip(&included) {
        assert_eq!(a.path, b.path);
        let (sa, sb) = (
            String::from_utf8_lossy(&a.bytes),
            String::from_utf8_lossy(&b.bytes),
        );
        assert_eq!(sa, sb, "{}", a.path);
        cards += sa.matches("<article class=\"card\"").count();
    }
    assert!(cards > 20, "{cards} cards");
    let day = text(&cached, "2026/01/07/index.html");
    assert!(day.contains("Знак  у назві &amp; &lt;b&gt;"), "{day}");

    // The same Templates render twice: the second render shows the edited title.
    std::fs::remove_dir_all(dir.path().join("templates")).unwrap();
    let templates = Templates::load(dir.path()).unwrap();
    let site = Site::load(dir.path(), &config(), &Registry::default()).unwrap();
    let first = render::render(&site, &templates).unwrap();
    assert!(text(&first, "2026/01/07/index.html").contains("Знак"));
    write(
        dir.path(),
        "content/articles/05-sentinel.md",
        &article(
            "2026-01-07",
            "Нова назва",
            &["Кирило Буданов"],
            "",
            "Текст.",
        ),
    );
    let site = Site::load(dir.path(), &config(), &Registry::default()).unwrap();
    let second = render::render(&site, &templates).unwrap();
    let day = text(&second, "2026/01/07/index.html");
    assert!(day.contains("Нова назва") && !day.contains("Знак"), "{day}");
}

/// With a site's own `card.html`, the built-in templates (whose contexts name listed cards
/// by article index) give the same bytes as the same templates including `card.html` with
/// whole cards: on English and Ukrainian pages, with `page.t`, `page.lang` and every field.
#[test]
fn an_overridden_card_by_index_is_the_included_card_byte_for_byte() {
    let dir = sample_site();
    let card = "<div class=\"my-card\" data-lang=\"{{ page.lang }}/{{ c.lang }}\">\
<a href=\"{{ page.root }}{{ c.url }}\">{{ c.title }}</a> {{ page.t.related }} \
{{ c.date }} {{ c.date_text }} {{ c.summary }}\
{% for p in c.people %}<a href=\"{{ page.root }}{{ p.url }}\">{{ p.name }}</a>{% endfor %}</div>\n";
    write(dir.path(), "templates/card.html", card);
    let by_index = build(dir.path());
    let call = "{{ card(c=c, root=page.root, lang=page.lang) }}";
    let mut changed = 0;
    for (name, t) in render::DEFAULT_TEMPLATES {
        // (card.html names the call in its comment.)
        if t.contains(call) && *name != "card.html" {
            write(
                dir.path(),
                &format!("templates/{name}"),
                &t.replace(call, "{% include \"card.html\" %}"),
            );
            changed += 1;
        }
    }
    assert!(changed >= 5);
    let included = build(dir.path());
    assert_eq!(by_index.len(), included.len());
    let mut cards = 0;
    for (a, b) in by_index.iter().zip(&included) {
        assert_eq!(a.path, b.path);
        let (sa, sb) = (
            String::from_utf8_lossy(&a.bytes),
            String::from_utf8_lossy(&b.bytes),
        );
        assert_eq!(sa, sb, "{}", a.path);
        cards += sa.matches("class=\"my-card\"").count();
    }
    assert!(cards > 20, "{cards} cards");
    // The English article's related cards come in English.
    let en = included
        .iter()
        .find(|f| String::from_utf8_lossy(&f.bytes).contains("<h1>Talks in Paris</h1>"))
        .unwrap();
    assert!(String::from_utf8_lossy(&en.bytes).contains("data-lang=\"en/uk\""));
}

#[test]
fn article_urls_from_the_parse_cache_are_those_of_a_fresh_parse() {
    use litopys::site::Sources;
    let dir = sample_site();
    let root = dir.path();
    // Explicit slugs (safe, unsafe, empty after cleaning), titles that transliterate alike on
    // one day, a title with nothing to transliterate, a very long title.
    let long = "Дуже довгий заголовок про переговори ".repeat(12);
    for (i, (title, extra)) in [
        ("Зустріч у Парижі", ""),
        ("Зустріч у Парижі!", ""),
        ("Зустріч у парижі", "slug: zustrich-u-paryzhi\n"),
        ("Інше", "slug: '../../etc/passwd'\n"),
        ("Ще інше", "slug: '!!!'\n"),
        ("«»", ""),
        (long.as_str(), ""),
        ("Ґанок і їжак: з'їзд", ""),
    ]
    .into_iter()
    .enumerate()
    {
        write(
            root,
            &format!("content/articles/cache-{i}.md"),
            &article("2026-03-05", title, &["Кирило Буданов"], extra, "Текст."),
        );
    }
    let urls = |site: &Site| -> Vec<(std::path::PathBuf, String)> {
        site.articles
            .iter()
            .map(|a| (a.file.clone(), a.url.clone()))
            .collect()
    };
    let plain = Site::load(root, &config(), &Registry::default()).unwrap();
    let cfg = config();
    // The digest of each file as read by hand, in the listing's order.
    let (_, digests) = Sources::read_with(root, cfg.allow_html, |paths| {
        paths
            .unwrap()
            .iter()
            .map(|p| litopys::site::cache::digest(&std::fs::read(p).unwrap(), cfg.allow_html))
            .collect::<Vec<_>>()
    });
    let load = || {
        let (sources, ()) = Sources::read_with(root, cfg.allow_html, |_| ());
        let litopys::site::Loaded {
            site,
            digests: loaded,
            ..
        } = Site::load_cached(root, &cfg, &Registry::default(), sources, None).unwrap();
        assert_eq!(loaded, digests, "the digests the load took");
        site
    };
    let filled = load();
    assert!(root.join(".litopys/parsed.cache").exists());
    let cached = load();
    assert_eq!(urls(&filled), urls(&plain));
    assert_eq!(urls(&cached), urls(&plain));
    // The URLs are the ones asked for: distinct, the explicit slug kept.
    let set: HashSet<&String> = plain.articles.iter().map(|a| &a.url).collect();
    assert_eq!(set.len(), plain.articles.len());
    assert!(
        plain
            .articles
            .iter()
            .any(|a| a.url.ends_with("/zustrich-u-paryzhi/")),
        "{:?}",
        urls(&plain)
    );
    // Digests known earlier in the build, by place in the listing (some not known): a file
    // whose bytes are not the ones given (edited since) is read again, and shows with its own.
    assert_eq!(digests.len(), plain.articles.len());
    let mut known: Vec<Option<_>> = digests.iter().copied().map(Some).collect();
    known[1] = None;
    let (sources, ()) = Sources::read_with(root, cfg.allow_html, |_| ());
    let litopys::site::Loaded {
        site,
        digests: loaded,
        ..
    } = Site::load_cached(root, &cfg, &Registry::default(), sources, Some(&known)).unwrap();
    assert_eq!(loaded, digests);
    assert_eq!(urls(&site), urls(&plain));
    let mut wrong = known.clone();
    wrong[2] = Some([0; 16]);
    let (sources, ()) = Sources::read_with(root, cfg.allow_html, |_| ());
    let litopys::site::Loaded {
        site,
        digests: loaded,
        ..
    } = Site::load_cached(root, &cfg, &Registry::default(), sources, Some(&wrong)).unwrap();
    assert_eq!(loaded, digests);
    assert_ne!(wrong[2], Some(digests[2]));
    assert_eq!(urls(&site), urls(&plain));
    // Digests of another listing (one file fewer) are not used at all.
    let (sources, ()) = Sources::read_with(root, cfg.allow_html, |_| ());
    let litopys::site::Loaded {
        site,
        digests: loaded,
        ..
    } = Site::load_cached(root, &cfg, &Registry::default(), sources, Some(&wrong[1..])).unwrap();
    assert_eq!(loaded, digests);
    assert_eq!(urls(&site), urls(&plain));
}

/// Everything of a site's model: its structure (every field but bodies and digests, as the
/// render plan hashes it), each article's file digest and body.
fn model_of(site: &Site) -> (litopys::hash::Digest, Vec<(litopys::hash::Digest, String)>) {
    let (structure, _) = render::plan::structure_digest(site, &[0; 16]);
    let articles = site
        .articles
        .iter()
        .map(|a| (a.digest, a.body.html().unwrap().into_owned()))
        .collect();
    (structure, articles)
}

#[test]
fn a_model_from_the_snapshot_is_the_model_built_anew_and_only_while_no_front_matter_changed() {
    use litopys::site::{Loaded, Reused, Sources};
    let dir = sample_site();
    let root = dir.path();
    let cfg = config();
    let registry = |root: &Path| Registry::load(root).unwrap();
    // The digests of the files known beforehand, by place in the listing (read by hand here;
    // a build has them from the files' stamps).
    let sources = || {
        Sources::read_with(root, cfg.allow_html, |paths| {
            paths
                .unwrap()
                .iter()
                .map(|p| {
                    Some(litopys::site::cache::digest(
                        &std::fs::read(p).unwrap(),
                        cfg.allow_html,
                    ))
                })
                .collect::<Vec<_>>()
        })
    };
    let load = || -> Loaded {
        let (sources, known) = sources();
        Site::load_cached(root, &cfg, &registry(root), sources, Some(&known)).unwrap()
    };
    // Loads `root` as a build does, checks the model against one built from the files alone,
    // saves the snapshot; gives what was taken from the snapshot.
    let check = || -> Reused {
        let loaded = load();
        let fresh = Site::load(root, &cfg, &registry(root)).unwrap();
        assert_eq!(model_of(&loaded.site), model_of(&fresh));
        let reused = loaded.reused;
        if let Some(s) = loaded.snapshot {
            s.save(&loaded.site);
        }
        reused
    };
    let edit = |rel: &str, from: &str, to: &str| {
        let f = root.join("content/articles").join(rel);
        let text = std::fs::read_to_string(&f).unwrap();
        assert!(text.contains(from), "{text}");
        std::fs::write(&f, text.replacen(from, to, 1)).unwrap();
    };
    assert_eq!(check(), Reused::Nothing, "no snapshot yet");
    assert!(root.join(".litopys/model").exists());
    assert_eq!(check(), Reused::Model, "nothing changed");
    // A body edited: the same model, with the file's new digest and body.
    edit("01-paris.md", "Перший абзац.", "Перший абзац, змінений.");
    assert_eq!(check(), Reused::Model, "a body edited");
    assert_eq!(
        check(),
        Reused::Model,
        "the heads saved with the new digest"
    );
    assert!(load()
        .site
        .articles
        .iter()
        .any(|a| a.body.html().unwrap().contains("змінений")));
    // A file known by no digest beforehand is read, and its front matter compared.
    let (s, mut known) = sources();
    known[0] = None;
    let partly = Site::load_cached(root, &cfg, &registry(root), s, Some(&known)).unwrap();
    assert_eq!(partly.reused, Reused::Model);
    // People or roles edited: the articles are the snapshot's, the people resolved again,
    // as the whole model would be (a new person; a bare surname the site merges into a full
    // name; a role).
    edit(
        "02-paris-again.md",
        "\"Іван Гуменюк\"",
        "\"Іван Гуменюк\", \"Петро Новий\"",
    );
    assert_eq!(check(), Reused::Articles, "a person added");
    assert_eq!(check(), Reused::Model);
    edit("02-paris-again.md", "\"Петро Новий\"", "\"Буданов\"");
    assert_eq!(check(), Reused::Articles, "a surname merged");
    edit(
        "01-paris.md",
        "керівник Офісу президента",
        "голова Офісу президента",
    );
    assert_eq!(check(), Reused::Articles, "a role edited");
    // Any other front matter edited builds the model anew: a title, a summary.
    edit(
        "02-paris-again.md",
        "'Переговори у Парижі'",
        "'Переговори в Парижі'",
    );
    assert_eq!(check(), Reused::Nothing, "a title edited");
    edit("01-paris.md", "'Лід <b>жирний</b>'", "'Інший лід'");
    assert_eq!(check(), Reused::Nothing, "a summary edited");
    assert_eq!(check(), Reused::Model);
    // An article added, one renamed, one removed.
    write(
        root,
        "content/articles/05-new.md",
        &article("2026-01-09", "Нова", &["Олена Ґалаґан"], "", "Текст."),
    );
    assert_eq!(check(), Reused::Nothing, "an article added");
    std::fs::rename(
        root.join("content/articles/05-new.md"),
        root.join("content/articles/00-new.md"),
    )
    .unwrap();
    assert_eq!(check(), Reused::Nothing, "an article renamed");
    std::fs::remove_file(root.join("content/articles/00-new.md")).unwrap();
    assert_eq!(check(), Reused::Nothing, "an article removed");
    assert_eq!(check(), Reused::Model);
    // Two files with the same bytes share one parse-cache record: each gets its body.
    std::fs::copy(
        root.join("content/articles/01-paris.md"),
        root.join("content/articles/09-copy.md"),
    )
    .unwrap();
    assert_eq!(check(), Reused::Nothing, "a copy added");
    assert_eq!(check(), Reused::Model, "a copy's body from the same record");
    std::fs::remove_file(root.join("content/articles/09-copy.md")).unwrap();
    assert_eq!(check(), Reused::Nothing);
    // The registry edited (an alias merges two people).
    write(
        root,
        "content/people.yaml",
        "people:\n- name: Іван Гуменюк\n  aliases: [Олена Ґалаґан]\n",
    );
    assert_eq!(check(), Reused::Nothing, "the registry edited");
    assert_eq!(check(), Reused::Model);
    // A damaged part is not used.
    for name in [
        ".litopys/model",
        ".litopys/model.people",
        ".litopys/model.heads",
    ] {
        let path = root.join(name);
        let mut bytes = std::fs::read(&path).unwrap();
        let mid = bytes.len() / 2;
        bytes[mid] ^= 1;
        std::fs::write(&path, &bytes).unwrap();
        assert_eq!(check(), Reused::Nothing, "{name} damaged");
        assert_eq!(check(), Reused::Model);
    }
}
