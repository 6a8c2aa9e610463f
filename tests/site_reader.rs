//! Issue 6, the reader's pages: builds a small site through the library API and reads the
//! HTML with `scraper`, as a browser would see it: home digest cards, article breadcrumbs
//! (home › date › article), the person page (registry description, dated role, counts,
//! first and last appearance, timeline, co-mentions, newest-first pagination, feed), the
//! month calendar, previous/next day, the year's counts per month, the people index's
//! Ukrainian letter bar, and that no page but search and the people filter runs a script or
//! names another host.

use litopys::config::Config;
use litopys::people::Registry;
use litopys::render::{self, links, OutputFile, Templates};
use litopys::site::Site;
use scraper::{ElementRef, Html, Selector};
use std::collections::BTreeMap;
use std::path::Path;

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(p, text).unwrap();
}

/// (file, date, title, people, lede)
const ARTICLES: &[(&str, &str, &str, &[&str], &str)] = &[
    (
        "a1",
        "2025-12-30",
        "Рік завершився",
        &["Кирило Буданов", "Рустем Умєров"],
        "Підсумки року.",
    ),
    (
        "a2",
        "2026-01-07",
        "Переговори у Парижі",
        &["Кирило Буданов", "Стів Віткофф", "Рустем Умєров"],
        "Другий день перемовин.",
    ),
    (
        "a3",
        "2026-01-07",
        "Заява Офісу президента",
        &["Кирило Буданов"],
        "Офіс президента заявив.",
    ),
    (
        "a4",
        "2026-01-21",
        "Зустріч у Давосі",
        &["Кирило Буданов", "Ґжегож Ґалаґан"],
        "Зустріч на форумі.",
    ),
    (
        "a5",
        "2026-03-02",
        "Весняні консультації",
        &["Кирило Буданов", "Рустем Умєров", "Євгенія Їжакевич"],
        "Консультації тривають.",
    ),
    (
        "a6",
        "2026-03-02",
        "Без Буданова",
        &["Стів Віткофф", "Ілля Чорний"],
        "Інша новина.",
    ),
];

const REGISTRY: &str = "people:
  - name: Кирило Буданов
    description: Український військовий і державний діяч.
";

fn build() -> BTreeMap<String, String> {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    for (file, date, title, people, lede) in ARTICLES {
        let people: Vec<String> = people.iter().map(|p| format!("\"{p}\"")).collect();
        let roles = if *file == "a4" {
            "roles:\n- person: Кирило Буданов\n  role: керівник Офісу президента\n"
        } else if *file == "a1" {
            "roles:\n- person: Кирило Буданов\n  role: начальник ГУР\n"
        } else {
            ""
        };
        write(
            root,
            &format!("content/articles/{file}.md"),
            &format!(
                "---\ntitle: {title}\ndate: {date}\npeople: [{}]\nsummary: {lede}\n{roles}---\n\n{lede} Текст статті.\n",
                people.join(", ")
            ),
        );
    }
    let config = Config {
        page_size: 2,
        base_url: "https://news.example.org/".into(),
        ..Config::default()
    };
    let site = Site::load(root, &config, &Registry::parse(REGISTRY).unwrap()).unwrap();
    let templates = Templates::load(root).unwrap();
    let files: Vec<OutputFile> = render::render(&site, &templates).unwrap();
    files
        .into_iter()
        .map(|f| (f.path, String::from_utf8(f.bytes).unwrap_or_default()))
        .collect()
}

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

fn page(files: &BTreeMap<String, String>, path: &str) -> Html {
    Html::parse_document(files.get(path).unwrap_or_else(|| {
        panic!(
            "no {path} among {:?}",
            files.keys().take(40).collect::<Vec<_>>()
        )
    }))
}

fn text(e: ElementRef) -> String {
    e.text()
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn texts(doc: &Html, s: &str) -> Vec<String> {
    doc.select(&sel(s)).map(text).collect()
}

fn one<'a>(doc: &'a Html, s: &str, page: &str) -> ElementRef<'a> {
    doc.select(&sel(s))
        .next()
        .unwrap_or_else(|| panic!("{page}: no {s}"))
}

/// Where `href` on page `from` leads, from the site root.
fn target(from: &str, href: &str) -> String {
    links::resolve(from, href).unwrap_or_else(|| panic!("{from}: {href} leaves the site"))
}

fn slug_of<'a>(files: &'a BTreeMap<String, String>, title: &str) -> &'a str {
    files
        .iter()
        .find(|(p, html)| {
            p.matches('/').count() == 4 && html.contains(&format!("<h1>{title}</h1>"))
        })
        .map(|(p, _)| p.as_str())
        .unwrap_or_else(|| panic!("no article page titled {title}"))
}

#[test]
fn home_digest_cards_have_title_lede_and_people() {
    let files = build();
    let home = page(&files, "index.html");
    let days: Vec<String> = home
        .select(&sel("main section.day h2 time"))
        .map(|t| t.attr("datetime").unwrap().to_string())
        .collect();
    let mut sorted = days.clone();
    sorted.sort();
    sorted.reverse();
    assert_eq!(days, sorted, "home: days not newest first");
    assert_eq!(days[0], "2026-03-02", "home: the latest day is not on top");
    let cards: Vec<ElementRef> = home.select(&sel("main article.card")).collect();
    assert_eq!(cards.len(), ARTICLES.len(), "home: one card per article");
    for card in cards {
        let title = text(
            card.select(&sel("h3 a"))
                .next()
                .expect("home: a card without a title link"),
        );
        let (_, _, _, people, lede) = ARTICLES
            .iter()
            .find(|a| a.2 == title)
            .unwrap_or_else(|| panic!("home: unknown card title {title:?}"));
        let shown_lede = card.select(&sel(".lede")).next().map(text);
        assert_eq!(shown_lede.as_deref(), Some(*lede), "home: lede of {title}");
        let chips: Vec<String> = card.select(&sel(".chips a")).map(text).collect();
        let mut want: Vec<String> = people.iter().map(|p| p.to_string()).collect();
        want.sort();
        let mut got = chips.clone();
        got.sort();
        assert_eq!(got, want, "home: people of {title}");
        for a in card.select(&sel(".chips a")) {
            let to = target("index.html", a.attr("href").unwrap());
            assert!(
                to.starts_with("people/") && files.contains_key(&to),
                "home: chip → {to}"
            );
        }
    }
}

#[test]
fn article_breadcrumbs_are_home_date_article() {
    let files = build();
    let path = slug_of(&files, "Переговори у Парижі").to_string();
    let doc = page(&files, &path);
    let nav = one(&doc, "main nav.crumbs", &path);
    assert!(
        nav.attr("aria-label").is_some_and(|l| !l.is_empty()),
        "{path}: crumbs without aria-label"
    );
    let items: Vec<ElementRef> = nav.select(&sel("ol > li")).collect();
    assert_eq!(
        items.iter().map(|li| text(*li)).collect::<Vec<_>>(),
        ["Літопис", "7 січня 2026", "Переговори у Парижі"],
        "{path}: crumbs"
    );
    let home = items[0]
        .select(&sel("a"))
        .next()
        .expect("home crumb is a link");
    assert_eq!(target(&path, home.attr("href").unwrap()), "index.html");
    let day = items[1]
        .select(&sel("a"))
        .next()
        .expect("date crumb is a link");
    assert_eq!(
        target(&path, day.attr("href").unwrap()),
        "2026/01/07/index.html"
    );
    assert!(
        items[2].select(&sel("a")).next().is_none(),
        "{path}: the article crumb is a link"
    );
    let current: Vec<String> = texts(&doc, "nav.crumbs [aria-current=\"page\"]");
    assert_eq!(current, ["Переговори у Парижі"], "{path}: aria-current");
    // «Related»: the articles sharing people, linked.
    let related = texts(&doc, "section.related article.card h3 a");
    assert!(
        related.contains(&"Заява Офісу президента".to_string()),
        "{path}: related {related:?}"
    );
    assert!(
        !related.contains(&"Переговори у Парижі".to_string()),
        "{path}: related to itself"
    );
}

#[test]
fn person_page_tells_the_whole_story() {
    let files = build();
    let base = "people/kyrylo-budanov/";
    let p1 = format!("{base}index.html");
    let doc = page(&files, &p1);
    assert_eq!(text(one(&doc, "main h1", &p1)), "Кирило Буданов");
    assert_eq!(
        text(one(&doc, "main .description", &p1)),
        "Український військовий і державний діяч."
    );
    // The latest role said in an article, with its date.
    assert_eq!(
        text(one(&doc, "main .role", &p1)),
        "керівник Офісу президента (станом на 21 січня 2026)"
    );
    let meta = one(&doc, "main > p.meta", &p1);
    let meta_text = text(meta);
    assert!(meta_text.starts_with("Статей: 5"), "{p1}: {meta_text}");
    let meta_links: Vec<(String, String)> = meta
        .select(&sel("a"))
        .map(|a| (text(a), target(&p1, a.attr("href").unwrap())))
        .collect();
    assert_eq!(
        meta_links,
        [
            (
                "30 грудня 2025".to_string(),
                "2025/12/30/index.html".to_string()
            ),
            (
                "2 березня 2026".to_string(),
                "2026/03/02/index.html".to_string()
            ),
            ("Atom".to_string(), format!("{base}atom.xml")),
        ],
        "{p1}: first, last appearance and feed"
    );
    assert!(files.contains_key(&format!("{base}atom.xml")));
    let feed = doc
        .select(&sel(
            "head link[rel=alternate][type=\"application/atom+xml\"]",
        ))
        .filter_map(|l| l.attr("href"))
        .map(|h| target(&p1, h))
        .collect::<Vec<_>>();
    assert!(
        feed.contains(&format!("{base}atom.xml")),
        "{p1}: feeds {feed:?}"
    );
    // The timeline: an inline SVG, a bar per month with mentions, each linking its month.
    let bars: Vec<String> = doc
        .select(&sel("figure.timeline svg a"))
        .map(|a| target(&p1, a.attr("href").unwrap()))
        .collect();
    assert_eq!(
        bars,
        [
            "2025/12/index.html",
            "2026/01/index.html",
            "2026/03/index.html"
        ],
        "{p1}: timeline bars"
    );
    assert_eq!(doc.select(&sel("figure.timeline svg rect")).count(), 3);
    // Co-mentioned people, most often first, linked.
    let co: Vec<(String, String)> = doc
        .select(&sel("section.co li a"))
        .map(|a| (text(a), target(&p1, a.attr("href").unwrap())))
        .collect();
    assert_eq!(co[0].0, "Рустем Умєров", "{p1}: co-mentions {co:?}");
    assert_eq!(co.len(), 4, "{p1}: co-mentions {co:?}");
    for (name, to) in &co {
        assert!(files.contains_key(to), "{p1}: {name} → {to}");
    }
    // Articles newest first across the pages; page_size 2 → 3 pages.
    let mut dates = Vec::new();
    let mut page_no = 1;
    let mut path = p1.clone();
    loop {
        let d = page(&files, &path);
        let got: Vec<String> = d
            .select(&sel("section.articles article.card time"))
            .map(|t| t.attr("datetime").unwrap().to_string())
            .collect();
        assert!(!got.is_empty() && got.len() <= 2, "{path}: {got:?}");
        dates.extend(got);
        let current = texts(&d, "nav.pagination [aria-current=\"page\"]");
        assert_eq!(current, [page_no.to_string()], "{path}: current page");
        match d.select(&sel("nav.pagination a[rel=next]")).next() {
            Some(a) => {
                path = target(&path, a.attr("href").unwrap());
                page_no += 1;
            }
            None => break,
        }
    }
    assert_eq!(page_no, 3, "pages");
    assert_eq!(
        dates,
        [
            "2026-03-02",
            "2026-01-21",
            "2026-01-07",
            "2026-01-07",
            "2025-12-30"
        ],
        "articles newest first"
    );
}

#[test]
fn date_pages_calendar_neighbours_and_counts() {
    let files = build();
    // The month: a calendar, days with articles linked, others not.
    let m = "2026/01/index.html";
    let doc = page(&files, m);
    let cells: Vec<String> = texts(&doc, "table.calendar td")
        .into_iter()
        .filter(|t| !t.is_empty())
        .collect();
    assert_eq!(cells.len(), 31, "{m}: days in the calendar");
    assert_eq!(cells[0], "1");
    let linked: Vec<(String, String)> = doc
        .select(&sel("table.calendar td a"))
        .map(|a| (text(a), target(m, a.attr("href").unwrap())))
        .collect();
    assert_eq!(
        linked,
        [
            ("7".to_string(), "2026/01/07/index.html".to_string()),
            ("21".to_string(), "2026/01/21/index.html".to_string()),
        ],
        "{m}: linked days"
    );
    // 1 January 2026 is a Thursday: three empty cells before it in a Monday-first week.
    let first_row: Vec<String> = doc
        .select(&sel("table.calendar tbody tr"))
        .next()
        .unwrap()
        .select(&sel("td"))
        .map(text)
        .collect();
    assert_eq!(
        first_row,
        ["", "", "", "1", "2", "3", "4"],
        "{m}: first week"
    );
    // A day: previous and next day with articles.
    let d = "2026/01/07/index.html";
    let doc = page(&files, d);
    let prev = one(&doc, "nav.pager a[rel=prev]", d);
    let next = one(&doc, "nav.pager a[rel=next]", d);
    assert_eq!(
        target(d, prev.attr("href").unwrap()),
        "2025/12/30/index.html"
    );
    assert_eq!(
        target(d, next.attr("href").unwrap()),
        "2026/01/21/index.html"
    );
    assert!(text(prev).contains("30 грудня 2025") && text(next).contains("21 січня 2026"));
    // A year: every month with its count; months with articles linked.
    let y = "2026/index.html";
    let doc = page(&files, y);
    let months: Vec<(String, Option<String>, String)> = doc
        .select(&sel("ul.bars li"))
        .map(|li| {
            (
                text(li.select(&sel(".label")).next().unwrap()),
                li.select(&sel("a"))
                    .next()
                    .map(|a| target(y, a.attr("href").unwrap())),
                text(li.select(&sel(".n")).next().unwrap()),
            )
        })
        .collect();
    assert_eq!(months.len(), 12, "{y}: {months:?}");
    assert_eq!(
        months[0],
        (
            "Січень".into(),
            Some("2026/01/index.html".into()),
            "3".into()
        )
    );
    assert_eq!(months[1], ("Лютий".into(), None, "0".into()));
    assert_eq!(
        months[2],
        (
            "Березень".into(),
            Some("2026/03/index.html".into()),
            "2".into()
        )
    );
}

#[test]
fn people_index_letters_are_in_ukrainian_order() {
    let files = build();
    let p = "people/index.html";
    let doc = page(&files, p);
    let bar = texts(&doc, "nav.letters a, nav.letters span").join(" ");
    assert!(
        bar.starts_with("А Б В Г Ґ Д Е Є Ж З И І Ї Й К Л М Н О П Р С Т У Ф Х Ц Ч Ш Щ Ю Я"),
        "{p}: letter bar {bar}"
    );
    // The letters that have people link their section; sections come in the same order.
    let linked: Vec<String> = texts(&doc, "nav.letters a");
    let sections: Vec<String> = texts(&doc, "section.letter h2");
    assert_eq!(linked, sections, "{p}");
    assert_eq!(
        sections,
        ["Б", "В", "Ґ", "Ї", "У", "Ч"],
        "{p}: surnames' letters"
    );
    for a in doc.select(&sel("nav.letters a")) {
        let id = a.attr("href").unwrap().trim_start_matches('#');
        assert!(
            doc.select(&sel(&format!("section#{id}"))).next().is_some(),
            "{p}: #{id}"
        );
    }
}

#[test]
fn only_search_and_the_people_filter_run_scripts_and_nothing_names_another_host() {
    let files = build();
    let mut pages = 0;
    for (path, html) in files.iter().filter(|(p, _)| p.ends_with(".html")) {
        pages += 1;
        let doc = Html::parse_document(html);
        let scripts: Vec<String> = doc
            .select(&sel("script"))
            .map(|s| s.attr("src").unwrap_or("(inline)").to_string())
            .collect();
        let allowed: &[&str] = match path.as_str() {
            "search/index.html" => &["search.js"],
            "people/index.html" => &["filter.js"],
            _ => &[],
        };
        assert_eq!(scripts, allowed, "{path}: scripts");
        assert!(doc.select(&sel("noscript")).count() <= 1);
        // Nothing the browser fetches on its own (src, stylesheets, icons, forms, inline
        // styles) names another host: links are relative, or on 404.html (which cannot know
        // its depth) and in canonical links absolute under the site's own base URL.
        for e in doc.select(&sel("[src], link[href], form[action], [srcset], [style]")) {
            let v = e.value();
            for attr in ["src", "href", "action", "srcset", "style"] {
                if let Some(x) = v.attr(attr) {
                    let own = x.starts_with("https://news.example.org/");
                    assert!(
                        (own || !x.contains("//")) && !x.contains("url("),
                        "{path}: <{} {attr}=\"{x}\"> names another host",
                        v.name()
                    );
                }
            }
        }
    }
    assert!(pages > 20, "{pages} pages");
    let css = &files["style.css"];
    assert!(
        !css.contains("url(") && !css.contains("@import"),
        "style.css fetches something"
    );
}
