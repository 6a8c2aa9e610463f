//! Pages rendered without Tera (src/render/native.rs) against the same pages rendered by Tera
//! from the built-in templates: every output file of a site must be byte-identical both ways,
//! on the repository's sample site and on small sites made to catch escaping, optional parts
//! (no summary, no people, no related articles, no neighbours), both interface languages,
//! articles in another language than the site's, and both kinds of base URL.

use litopys::config::Config;
use litopys::people::Registry;
use litopys::render::{self, Templates};
use litopys::site::Site;
use std::path::Path;

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(p, text).unwrap();
}

/// An article file; `title` goes between YAML double quotes as it is (escapes and all).
fn article(date: &str, title: &str, people: &[&str], extra: &str, body: &str) -> String {
    let people: Vec<String> = people.iter().map(|p| format!("\"{p}\"")).collect();
    format!(
        "---\ntitle: \"{title}\"\ndate: {date}\npeople: [{}]\n{extra}---\n\n{body}\n",
        people.join(", ")
    )
}

/// Renders the site at `root` with `config` both ways and compares every file; returns how
/// many article pages there were.
fn same_both_ways(root: &Path, config: &Config, registry: &Registry) -> usize {
    let site = Site::load(root, config, registry).unwrap();
    let native = Templates::load(root).unwrap();
    let mut tera = Templates::load(root).unwrap();
    tera.tera_only();
    let a = render::render(&site, &native).unwrap();
    let b = render::render(&site, &tera).unwrap();
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x.path, y.path);
        if x.bytes != y.bytes {
            let path = &x.path;
            let (x, y) = (
                String::from_utf8_lossy(&x.bytes),
                String::from_utf8_lossy(&y.bytes),
            );
            let at = x
                .char_indices()
                .zip(y.chars())
                .find(|((_, c), d)| c != d)
                .map(|((i, _), _)| i)
                .unwrap_or(x.len().min(y.len()));
            let from = x[..at].char_indices().rev().nth(80).map_or(0, |(i, _)| i);
            panic!(
                "{} differs at byte {at}:\nnative: {:?}\ntera:   {:?}",
                path,
                &x[from..(at + 80).min(x.len())],
                &y[from..(at + 80).min(y.len())]
            );
        }
    }
    site.articles.len()
}

/// Titles, summaries and names with everything the escape touches.
fn tricky_site(site_language: &str, base_url: &str, own_card: bool) -> (tempfile::TempDir, Config) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    // YAML escapes: quotes, C0 and DEL controls, noncharacters.
    let nasty = r#"<b>&amp;</b> \"лапки\" 'апостроф' \x01 \x7F \uFDD0\uFDEF \uFFFE «ок»"#;
    write(
        root,
        "content/articles/01.md",
        &article(
            "2026-01-07",
            &format!("Перша {nasty}"),
            &["Кирило Буданов", "Володимир Зеленський"],
            &format!("summary: \"Лід {nasty}\"\n"),
            "Текст <script>x</script> & [a](https://e.org/?a=1&b=2).",
        ),
    );
    write(
        root,
        "content/articles/02.md",
        &article(
            "2026-01-07",
            "Talks & «talks»",
            &["Кирило Буданов", "O'Neil Smith"],
            "language: en\n",
            "English text.",
        ),
    );
    write(
        root,
        "content/articles/03.md",
        &article("2026-01-06", "Без людей і ліду", &[], "", "Текст."),
    );
    write(
        root,
        "content/articles/04.md",
        &article(
            "2025-12-31",
            "Старша",
            &["Володимир Зеленський", "Кирило Буданов"],
            "summary: ''\n",
            "",
        ),
    );
    // An article with its own template is rendered by Tera either way.
    write(
        root,
        "content/articles/05.md",
        &article(
            "2025-12-30",
            "Свій шаблон",
            &["Кирило Буданов"],
            "template: own.html\n",
            "Текст.",
        ),
    );
    write(
        root,
        "templates/own.html",
        "{% extends \"base.html\" %}{% block content %}<h1>{{ article.title }}</h1>{% endblock content %}",
    );
    if own_card {
        write(
            root,
            "templates/card.html",
            "<div class=\"mine\" data-lang=\"{{ page.lang }}\"><a href=\"{{ page.root }}{{ c.url }}\">{{ c.title }}</a> {{ page.t.related }}</div>",
        );
    }
    let config = Config {
        title: "Сайт & <co> \"лапки\"".into(),
        language: site_language.into(),
        base_url: base_url.into(),
        page_size: 2,
        ..Config::default()
    };
    (dir, config)
}

#[test]
fn tricky_sites_render_the_same_without_tera() {
    for (lang, base, own_card) in [
        ("uk", "https://host/sub/", false),
        ("en", "/", false),
        ("uk", "/", true),
        ("en", "https://host/", true),
    ] {
        let (dir, config) = tricky_site(lang, base, own_card);
        assert_eq!(same_both_ways(dir.path(), &config, &Registry::default()), 5);
        // The nasty title reached the page, escaped, without the characters that go.
        let site = Site::load(dir.path(), &config, &Registry::default()).unwrap();
        let files = render::render(&site, &Templates::load(dir.path()).unwrap()).unwrap();
        let page = files
            .iter()
            .find(|f| f.path.starts_with("2026/01/07/persha"))
            .unwrap();
        let text = String::from_utf8_lossy(&page.bytes);
        assert!(
            text.contains("<h1>Перша &lt;b&gt;&amp;amp;&lt;/b&gt; &quot;лапки&quot; &#39;апостроф&#39;     «ок»</h1>"),
            "{text}"
        );
    }
}

/// Copies the files under `from` to `to`.
fn copy_tree(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from) {
        let e = e.unwrap();
        let dest = to.join(e.path().strip_prefix(from).unwrap());
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(e.path(), &dest).unwrap();
        }
    }
}

#[test]
fn the_sample_site_renders_the_same_without_tera() {
    // The repository's sample site as a fresh checkout has it (raw texts, registry, config;
    // its Markdown is made by ingest), in a folder of its own.
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    copy_tree(&repo.join("content/raw"), &root.join("content/raw"));
    std::fs::copy(
        repo.join("content/people.yaml"),
        root.join("content/people.yaml"),
    )
    .unwrap();
    std::fs::copy(repo.join("litopys.yaml"), root.join("litopys.yaml")).unwrap();
    let config = Config::load(root).unwrap();
    let registry = Registry::load(root).unwrap();
    litopys::ingest::ingest(
        root,
        &config,
        &registry,
        &litopys::ingest::IngestOptions {
            force: false,
            dry_run: false,
        },
    )
    .unwrap();
    assert!(same_both_ways(root, &config, &registry) > 10);
}

#[test]
fn a_site_with_its_own_base_renders_through_tera() {
    let (dir, config) = tricky_site("uk", "/", false);
    write(
        dir.path(),
        "templates/base.html",
        "<main>{% block content %}{% endblock content %}</main>",
    );
    let site = Site::load(dir.path(), &config, &Registry::default()).unwrap();
    let files = render::render(&site, &Templates::load(dir.path()).unwrap()).unwrap();
    let page = files
        .iter()
        .find(|f| f.path.starts_with("2026/01/06/"))
        .unwrap();
    let text = String::from_utf8_lossy(&page.bytes);
    assert!(text.starts_with("<main>\n<nav class=\"crumbs\""), "{text}");
    assert!(!text.contains("<!doctype"), "{text}");
}

/// A site of 101 articles over four months across a new year: one person in exactly 50
/// articles (one full page), one with a Latin name in 51 (a page of one more), one named
/// once, a person described in the registry (description and role with everything the escape
/// touches), a role with a date from an article, summaries now and then empty, mentions in
/// the text beyond the articles' count, with `page_size` 50.
fn people_site() -> (tempfile::TempDir, Config, Registry) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let nasty = r#"<i>&amp;</i> \"лапки\" 'апостроф' \x01 \uFDD0 «ок»"#;
    write(
        root,
        "content/people.yaml",
        &format!(
            "people:\n  - name: Олена Петренко\n    description: \"Опис {nasty}\"\n    role: \"Посада {nasty}\"\n"
        ),
    );
    for i in 0..101u32 {
        // 2025-11-03 … 2026-02-14, a few articles a day.
        let (y, m, d) = match i / 30 {
            0 => (2025, 11, 3 + i % 27),
            1 => (2025, 12, 1 + i % 30),
            2 => (2026, 1, 2 + i % 28),
            _ => (2026, 2, 1 + i % 14),
        };
        let mut people = Vec::new();
        if i < 50 {
            people.push("Олена Петренко");
        }
        if i >= 50 {
            people.push("Laura O'Neil-Smith");
        }
        if i == 7 {
            people.push("Кирило Буданов");
        }
        let mut extra = String::new();
        if i % 3 != 0 {
            extra.push_str(&format!("summary: \"Лід {i} {nasty}\"\n"));
        }
        if i == 60 {
            extra.push_str(
                "roles:\n- person: \"Laura O'Neil-Smith\"\n  role: \"посол <США> & ін.\"\n",
            );
        }
        let body = format!(
            "Текст {i}. {} сказала. Знову {}.",
            people.first().unwrap_or(&"Ніхто"),
            people.first().unwrap_or(&"ніхто")
        );
        write(
            root,
            &format!("content/articles/{i:03}.md"),
            &article(
                &format!("{y:04}-{m:02}-{d:02}"),
                &format!("Стаття {i} & <{i}>"),
                &people,
                &extra,
                &body,
            ),
        );
    }
    let config = Config {
        title: "Літопис «тест» & <co>".into(),
        base_url: "https://host/".into(),
        page_size: 50,
        home_days: 3,
        ..Config::default()
    };
    let registry = Registry::load(root).unwrap();
    (dir, config, registry)
}

#[test]
fn people_and_month_pages_render_the_same_without_tera() {
    let (dir, config, registry) = people_site();
    assert_eq!(same_both_ways(dir.path(), &config, &registry), 101);
    let site = Site::load(dir.path(), &config, &registry).unwrap();
    let files = render::render(&site, &Templates::load(dir.path()).unwrap()).unwrap();
    let has = |p: &str| files.iter().any(|f| f.path == p);
    let page = |p: &str| {
        let f = files
            .iter()
            .find(|f| f.path == p)
            .unwrap_or_else(|| panic!("no {p}"));
        String::from_utf8_lossy(&f.bytes).into_owned()
    };
    // The site has what the comparison is meant to cover.
    let olena = site
        .people
        .iter()
        .find(|p| p.name == "Олена Петренко")
        .unwrap();
    let laura = site
        .people
        .iter()
        .find(|p| p.name == "Laura O'Neil-Smith")
        .unwrap();
    assert_eq!(olena.articles.len(), 50);
    assert_eq!(laura.articles.len(), 51);
    assert!(has(&format!("{}index.html", olena.url)));
    assert!(!has(&format!("{}page/2/index.html", olena.url)));
    assert!(has(&format!("{}page/2/index.html", laura.url)));
    let first = page(&format!("{}index.html", olena.url));
    assert!(first.contains("<p class=\"description\">Опис &lt;i&gt;&amp;amp;&lt;/i&gt; &quot;лапки&quot; &#39;апостроф&#39;   «ок»</p>"), "{first}");
    assert!(first.contains("<figure class=\"timeline\">"), "{first}");
    let second = page(&format!("{}page/2/index.html", laura.url));
    assert!(second.contains("<nav class=\"pagination\""), "{second}");
    assert!(!second.contains("<figure"), "{second}");
    assert!(page(&format!("{}index.html", laura.url)).contains("посол &lt;США&gt; &amp; ін."));
}

#[test]
fn an_empty_site_renders_the_same_without_tera() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("content/articles")).unwrap();
    let config = Config::default();
    assert_eq!(same_both_ways(dir.path(), &config, &Registry::default()), 0);
}
