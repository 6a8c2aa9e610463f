//! Article URLs: slugs from titles and front matter, length limits, hash fallbacks and
//! same-day collisions.

use litopys::config::Config;
use litopys::people::Registry;
use litopys::site::Site;
use std::path::Path;

fn write(root: &Path, file: &str, date: &str, title: &str, extra: &str) {
    let dir = root.join("content/articles");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join(file),
        format!(
            "---\ntitle: '{}'\ndate: {date}\n{extra}---\n\nx\n",
            title.replace('\'', "''")
        ),
    )
    .unwrap();
}

fn urls(root: &Path) -> Vec<(String, String)> {
    let site = Site::load(root, &Config::default(), &Registry::default()).unwrap();
    let mut v: Vec<(String, String)> = site
        .articles
        .iter()
        .map(|a| {
            (
                a.file.file_name().unwrap().to_string_lossy().into_owned(),
                a.url.clone(),
            )
        })
        .collect();
    v.sort();
    v
}

#[test]
fn slugs_from_titles_front_matter_and_hashes() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "a.md", "2026-01-07", "Кирило Буданов у Парижі", "");
    write(root, "b.md", "2026-01-07", "习近平访问", "");
    write(
        root,
        "c.md",
        "2026-01-07",
        &"Дуже довгий заголовок статті про переговори ".repeat(4),
        "",
    );
    write(root, "d.md", "2026-01-07", "Будь-що", "slug: My Own_Slug\n");
    let u = urls(root);
    assert_eq!(u[0].1, "2026/01/07/kyrylo-budanov-u-paryzhi/");
    assert!(u[1].1.starts_with("2026/01/07/p-") && u[1].1.len() == "2026/01/07/p-12345678/".len());
    let slug = u[2]
        .1
        .trim_start_matches("2026/01/07/")
        .trim_end_matches('/');
    assert!(slug.len() <= 60 && !slug.ends_with('-'), "{slug}");
    assert!(slug.starts_with("duzhe-dovhyi-zaholovok"), "{slug}");
    assert_eq!(u[3].1, "2026/01/07/my-own-slug/");
}

#[test]
fn same_day_collisions_are_stable_whatever_else_changes() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "b.md", "2026-01-07", "Новини", "");
    write(root, "a.md", "2026-01-07", "Новини", "");
    write(root, "c.md", "2026-01-08", "Новини", "");
    // An explicit slug claims first, even against an earlier file.
    write(root, "z.md", "2026-01-07", "Інше", "slug: novyny\n");
    let u = urls(root);
    assert_eq!(
        u,
        [
            ("a.md".to_string(), "2026/01/07/novyny-2/".to_string()),
            ("b.md".to_string(), "2026/01/07/novyny-3/".to_string()),
            ("c.md".to_string(), "2026/01/08/novyny/".to_string()),
            ("z.md".to_string(), "2026/01/07/novyny/".to_string()),
        ]
    );
}
