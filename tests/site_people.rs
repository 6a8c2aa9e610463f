//! People in the site model: registry aliases, ignores, descriptions and slugs; slug
//! collisions; roles; co-mentions; and `litopys people [--suspicious]`.

use litopys::config::Config;
use litopys::people::Registry;
use litopys::site::{people_report, Site};
use std::path::Path;

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(p, text).unwrap();
}

fn article(root: &Path, file: &str, date: &str, title: &str, people: &[&str], extra: &str) {
    let people: Vec<String> = people.iter().map(|p| format!("\"{p}\"")).collect();
    write(
        root,
        &format!("content/articles/{file}"),
        &format!(
            "---\ntitle: {title}\ndate: {date}\npeople: [{}]\n{extra}---\n\nТекст.\n",
            people.join(", ")
        ),
    );
}

const REGISTRY: &str = "people:
  - name: Володимир Зеленський
    aliases: [Volodymyr Zelensky, Зеленський В. О.]
    role: Президент України
    description: Шостий президент України.
    slug: zelensky
  - name: Кирило Буданов
ignore: [Слава Україні]
";

fn site() -> (tempfile::TempDir, Site) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    article(
        root,
        "a.md",
        "2026-01-07",
        "Перша",
        &[
            "Volodymyr Zelensky",
            "Кирило Буданов",
            "Слава Україні",
            "Марʼяна Безугла",
        ],
        "roles:\n- person: Кирило Буданов\n  role: керівник Офісу президента\n",
    );
    article(
        root,
        "b.md",
        "2026-01-08",
        "Друга",
        &["Зеленський В. О.", "Кирило  Буданов", "Марьяна Безугла"],
        "roles:\n- person: Кирило Буданов\n  role: начальник ГУР\n",
    );
    article(
        root,
        "c.md",
        "2026-02-01",
        "Третя",
        &["Володимир Зеленський", "Шмигаль"],
        "",
    );
    let registry = Registry::parse(REGISTRY).unwrap();
    let site = Site::load(root, &Config::default(), &registry).unwrap();
    (dir, site)
}

#[test]
fn registry_aliases_ignores_descriptions_and_slugs_apply() {
    let (_dir, site) = site();
    let names: Vec<&str> = site.people.iter().map(|p| p.name.as_str()).collect();
    assert!(!names.contains(&"Слава Україні"), "{names:?}");
    assert!(!names.contains(&"Volodymyr Zelensky"), "{names:?}");
    let z = site
        .people
        .iter()
        .find(|p| p.name == "Володимир Зеленський")
        .unwrap();
    assert_eq!(z.slug, "zelensky");
    assert_eq!(z.url, "people/zelensky/");
    assert_eq!(z.articles.len(), 3);
    assert_eq!(z.description.as_deref(), Some("Шостий президент України."));
    // No role in the front matter: the registry's, without a date.
    let role = z.role.as_ref().unwrap();
    assert_eq!(role.role, "Президент України");
    assert_eq!(role.date, None);
    assert_eq!(z.forms, ["Volodymyr Zelensky", "Зеленський В. О."]);
    assert_eq!(z.first.iso(), "2026-01-07");
    assert_eq!(z.last.iso(), "2026-02-01");
    assert_eq!(z.months.len(), 2);
}

#[test]
fn latest_role_wins_and_co_mentions_are_counted() {
    let (_dir, site) = site();
    let b = site
        .people
        .iter()
        .find(|p| p.name == "Кирило Буданов")
        .unwrap();
    let role = b.role.as_ref().unwrap();
    assert_eq!(role.role, "начальник ГУР");
    assert_eq!(role.date.map(|d| d.iso()).as_deref(), Some("2026-01-08"));
    let (top, n) = b.co_mentions[0];
    assert_eq!(site.people[top].name, "Володимир Зеленський");
    assert_eq!(n, 2);
    // Articles newest first; person articles too.
    assert_eq!(site.articles[0].title, "Третя");
    assert_eq!(b.articles, [1, 2]);
}

#[test]
fn colliding_slugs_get_suffixes_and_are_reported() {
    let (_dir, site) = site();
    // «Марʼяна» and «Марьяна» both transliterate to «Mariana».
    let mut slugs: Vec<&str> = site
        .people
        .iter()
        .filter(|p| p.name.ends_with("Безугла"))
        .map(|p| p.slug.as_str())
        .collect();
    slugs.sort();
    assert_eq!(slugs, ["mariana-bezuhla", "mariana-bezuhla-2"]);
    let report = people_report(&site, true);
    assert!(report.contains("slug collisions"), "{report}");
    assert!(report.contains("mariana-bezuhla"), "{report}");
    assert!(
        report.contains("Шмигаль"),
        "single-article surname-only: {report}"
    );
    assert!(report.contains("near-duplicates"), "{report}");
    let table = people_report(&site, false);
    assert!(table.contains("Volodymyr Zelensky"), "{table}");
    assert!(table.lines().count() > site.people.len());
}

#[test]
fn an_empty_site_loads_and_renders() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "content/articles/.#lock.md", "not front matter");
    write(dir.path(), "content/articles/notes.txt", "not an article");
    let site = Site::load(dir.path(), &Config::default(), &Registry::default()).unwrap();
    assert_eq!(site.article_count(), 0);
    let t = litopys::render::Templates::load(dir.path()).unwrap();
    let files = litopys::render::render(&site, &t).unwrap();
    let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "404.html",
            "archive/index.html",
            "atom.xml",
            "favicon.svg",
            "index.html",
            "people/filter.js",
            "people/index.html",
            "search/index.html",
            "search/index.json",
            "search/p.json",
            "search/search.js",
            "sitemap-pages.xml",
            "sitemap.xml",
            "style.css"
        ]
    );
}
