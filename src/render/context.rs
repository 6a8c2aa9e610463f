//! The contexts templates get: plain serialisable structs, documented field by field in the
//! comment at the top of each default template.
//!
//! [`Shared`] holds what many pages show (one [`Card`] per article, one [`Chip`] per person),
//! built once; page contexts borrow from it, so no page copies the model. Links are paths from
//! the site root to a file; templates prefix them with the page's `root`.

use super::labels::{self, Labels};
use super::links::{index_of, root_prefix};
use crate::date::{Date, MONTHS_EN, MONTHS_NOMINATIVE};
use crate::site::{paginate, Site};
use serde::{Serialize, Serializer};

/// How many entries the site feed has.
pub const FEED_ENTRIES: usize = 50;
/// How many entries a person's feed has.
pub const PERSON_FEED_ENTRIES: usize = 50;

/// A person as shown in lists: name, link, article count.
#[derive(Debug, Clone, Serialize)]
pub struct Chip {
    pub name: String,
    pub url: String,
    pub count: usize,
}

/// A person named on an article's card: name and link. (No article count: a card then
/// changes only with its own article, so adding an article does not change every page that
/// lists a card naming one of its people; the people index and person pages give counts.)
#[derive(Debug, Clone, Serialize)]
pub struct CardChip {
    pub name: String,
    pub url: String,
}

/// An article as shown in lists.
#[derive(Debug, Clone, Serialize)]
pub struct Card {
    pub title: String,
    pub url: String,
    /// `2026-01-07`.
    pub date: String,
    /// «7 січня 2026» (or «January 7, 2026» for English articles).
    pub date_text: String,
    pub summary: String,
    pub lang: String,
    pub people: Vec<CardChip>,
}

/// The digest of `card`, kept in `cell` once computed.
fn card_digest<'a>(
    cell: &'a std::sync::OnceLock<crate::hash::Digest>,
    card: &Card,
) -> &'a crate::hash::Digest {
    cell.get_or_init(|| super::keyhash::digest(card))
}

/// A card in a page's context. Templates see the [`Card`], or, in a list of cards of a
/// built-in template (which only hands them to `card()`, see `render::cards`), just the
/// article's index; a render key (see `render::keyhash`, the one serializer that is not
/// human-readable) sees only the card's digest, so hashing a page that lists 50 cards costs
/// 50 digests, not 50 cards.
#[derive(Debug, Clone, Copy)]
pub struct CardRef<'a> {
    pub card: &'a Card,
    /// The card's digest, computed when a key first needs it.
    digest: &'a std::sync::OnceLock<crate::hash::Digest>,
    /// The article's index.
    index: usize,
    /// True when templates get the index instead of the card.
    by_index: bool,
}

impl CardRef<'_> {
    /// The article's index.
    pub fn index(&self) -> usize {
        self.index
    }
}

impl Serialize for CardRef<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if !s.is_human_readable() {
            super::plan::note_card(self.index);
            s.serialize_bytes(card_digest(self.digest, self.card))
        } else if self.by_index {
            s.serialize_u64(self.index as u64)
        } else {
            self.card.serialize(s)
        }
    }
}

/// An article's body HTML in a context: the text for templates, the article's source digest
/// (the body is a function of the source file) for render keys, like [`CardRef`].
/// The text is read (from the cache of parsed articles, [`crate::site::Body`]) only when a
/// template's context is built, never for a key.
#[derive(Debug, Clone, Copy)]
pub struct Html<'a> {
    body: &'a crate::site::Body,
    digest: &'a crate::hash::Digest,
    /// The article's index (noted in the render plan when a key reads the body).
    index: usize,
}

impl Html<'_> {
    /// The body's HTML (read from the cache of parsed articles when not in memory); the
    /// error says why it could not be read.
    pub fn html(&self) -> Result<std::borrow::Cow<'_, str>, String> {
        self.body.html()
    }
}

impl Serialize for Html<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            let html = self.body.html().map_err(serde::ser::Error::custom)?;
            s.serialize_str(&html)
        } else {
            super::plan::note_read(self.index);
            s.serialize_bytes(self.digest)
        }
    }
}

/// A link with a label.
#[derive(Debug, Clone, Serialize)]
pub struct Link {
    pub name: String,
    pub url: String,
}

/// What every page has.
#[derive(Debug, Clone, Serialize)]
pub struct Page {
    /// The site's title (config `title`).
    pub site_title: String,
    /// The page's language (`uk` or `en`).
    pub lang: String,
    /// The page's title (without the site title).
    pub title: String,
    /// The page's folder from the site root (`2026/01/07/slug/`, `""` for the home page).
    pub dir: String,
    /// Prefix from this page back to the site root (`../../`); the base URL on the 404 page.
    pub root: String,
    /// The absolute URL of the page.
    /// The absolute URL of the page; none when `base_url` is not absolute (the default `/`),
    /// since a canonical link must name a full URL.
    pub canonical: Option<String>,
    /// The site feed's link from the root (`atom.xml`).
    pub feed: String,
    /// Interface words in the site's language (see `src/render/labels.rs`); a render key
    /// sees their digest.
    #[serde(serialize_with = "labels_or_digest")]
    pub t: &'static Labels,
}

/// `t` for templates; its digest (computed once per set of words) for a render key
/// ([`super::keyhash`], not human-readable).
fn labels_or_digest<S: Serializer>(t: &&'static Labels, s: S) -> Result<S::Ok, S::Error> {
    if s.is_human_readable() {
        t.serialize(s)
    } else {
        s.serialize_bytes(&labels::digest(t))
    }
}

/// Built once per render: the model plus cards and chips.
pub struct Shared<'a> {
    pub site: &'a Site,
    /// The site's language (`uk` or `en`): interface words and dates outside articles.
    pub lang: String,
    /// `base_url` with one trailing slash.
    pub base: String,
    /// True when `base` is an absolute URL (`https://…`).
    pub absolute: bool,
    /// Each article's card, made when a page first needs it (shared with the card renderer,
    /// [`super::cards`]): a rebuild that keeps most pages by the render plan makes few.
    pub cards: Cards,
    /// Digest of each card (for render keys), computed when first needed: a rebuild that
    /// keeps most pages by the render plan (`super::plan`) needs few.
    card_digests: Vec<std::sync::OnceLock<crate::hash::Digest>>,
    pub chips: Vec<Chip>,
}

fn date_text(d: &Date, lang: &str) -> String {
    if lang == "en" {
        d.format_en()
    } else {
        d.format_uk()
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// «Січень 2026» («January 2026» when `lang` is `en`).
pub fn month_title(year: i32, month: u32, lang: &str) -> String {
    format!("{} {year}", month_name(month, lang))
}

/// «Січень» («January» when `lang` is `en`).
pub fn month_name(month: u32, lang: &str) -> String {
    let names = if lang == "en" {
        &MONTHS_EN
    } else {
        &MONTHS_NOMINATIVE
    };
    capitalise(
        names
            .get(month.saturating_sub(1) as usize)
            .copied()
            .unwrap_or(""),
    )
}

/// Day of the week, Monday = 0 … Sunday = 6 (1970-01-01 was a Thursday).
pub fn weekday(d: &Date) -> usize {
    (d.days_since_epoch() + 3).rem_euclid(7) as usize
}

/// Folder of a day page.
pub fn day_dir(d: &Date) -> String {
    let mut s = String::with_capacity(11);
    d.push_ymd(&mut s, '/');
    s.push('/');
    s
}

/// Folder of a month page.
pub fn month_dir(year: i32, month: u32) -> String {
    if year < 0 {
        return format!("{year:04}/{month:02}/");
    }
    let mut s = String::with_capacity(8);
    crate::date::push_padded(&mut s, year as u32, 4);
    s.push('/');
    crate::date::push_padded(&mut s, month, 2);
    s.push('/');
    s
}

/// Folder of a year page.
pub fn year_dir(year: i32) -> String {
    if year < 0 {
        return format!("{year:04}/");
    }
    let mut s = String::with_capacity(5);
    crate::date::push_padded(&mut s, year as u32, 4);
    s.push('/');
    s
}

/// Folder of page `n` (from 0) of a person.
pub fn person_page_dir(person_url: &str, n: usize) -> String {
    if n == 0 {
        person_url.to_string()
    } else {
        format!("{person_url}page/{}/", n + 1)
    }
}

/// The cards of a site's articles by index, each made when first asked for.
pub type Cards = std::sync::Arc<[std::sync::OnceLock<Box<Card>>]>;

impl<'a> Shared<'a> {
    pub fn new(site: &'a Site) -> Shared<'a> {
        let chips: Vec<Chip> = site
            .people
            .iter()
            .map(|p| Chip {
                name: p.name.clone(),
                url: index_of(&p.url),
                count: p.articles.len(),
            })
            .collect();
        let n = site.articles.len();
        let cards: Cards = (0..n).map(|_| std::sync::OnceLock::new()).collect();
        let card_digests = (0..n).map(|_| std::sync::OnceLock::new()).collect();
        Shared {
            site,
            lang: site.config.language.clone(),
            base: site.config.base_url(),
            absolute: site.config.base_url().contains("://"),
            cards,
            card_digests,
            chips,
        }
    }

    /// Article `i`'s card, made on first use.
    fn card_of(&self, i: usize) -> &Card {
        self.cards[i].get_or_init(|| {
            let a = &self.site.articles[i];
            Box::new(Card {
                title: a.title.clone(),
                url: index_of(&a.url),
                date: a.date.iso(),
                date_text: date_text(&a.date, &a.language),
                summary: a.summary.clone(),
                lang: a.language.clone(),
                people: a
                    .people
                    .iter()
                    .map(|&p| CardChip {
                        name: self.chips[p].name.clone(),
                        url: self.chips[p].url.clone(),
                    })
                    .collect(),
            })
        })
    }

    /// Card `i` (an article index) for a context.
    pub fn card(&self, i: usize) -> CardRef<'_> {
        CardRef {
            card: self.card_of(i),
            digest: &self.card_digests[i],
            index: i,
            by_index: false,
        }
    }

    /// Card `i` for a list of cards that templates only hand to `card()`: by its index when
    /// `by_index` (see [`CardRef`]).
    pub fn card_in_list(&self, i: usize, by_index: bool) -> CardRef<'_> {
        CardRef {
            by_index,
            ..self.card(i)
        }
    }

    /// The body of article `i` for a context.
    pub fn body(&self, i: usize) -> Html<'_> {
        let a = &self.site.articles[i];
        Html {
            body: &a.body,
            digest: &a.digest,
            index: i,
        }
    }

    fn page(&self, dir: String, title: String) -> Page {
        Page {
            site_title: self.site.config.title.clone(),
            lang: self.site.config.language.clone(),
            title,
            root: root_prefix(&dir),
            canonical: self.absolute.then(|| [self.base.as_str(), &dir].concat()),
            dir,
            feed: "atom.xml".into(),
            t: labels::for_language(&self.lang),
        }
    }

    /// A date in the site's language.
    fn date(&self, d: &Date) -> String {
        date_text(d, &self.lang)
    }

    fn month_title(&self, year: i32, month: u32) -> String {
        month_title(year, month, &self.lang)
    }

    fn month_name(&self, month: u32) -> String {
        month_name(month, &self.lang)
    }

    fn day_block(&self, di: usize, by_index: bool) -> DayBlock<'_> {
        let d = &self.site.days[di];
        DayBlock {
            date: d.date.iso(),
            date_text: self.date(&d.date),
            url: index_of(&day_dir(&d.date)),
            count: d.articles.len(),
            articles: d
                .articles
                .iter()
                .map(|&i| self.card_in_list(i, by_index))
                .collect(),
        }
    }

    fn day_link(&self, di: usize) -> Link {
        let d = &self.site.days[di].date;
        Link {
            name: self.date(d),
            url: index_of(&day_dir(d)),
        }
    }

    fn month_link(&self, mi: usize) -> Link {
        let m = &self.site.months[mi];
        Link {
            name: self.month_title(m.year, m.month),
            url: index_of(&month_dir(m.year, m.month)),
        }
    }

    fn year_link(&self, yi: usize) -> Link {
        let y = self.site.years[yi].year;
        Link {
            name: y.to_string(),
            url: index_of(&year_dir(y)),
        }
    }

    /// The 12 months of year `yi`, linked where there are articles.
    fn month_cells(&self, yi: usize) -> Vec<MonthCell> {
        let y = &self.site.years[yi];
        let mut cells: Vec<MonthCell> = (1..=12)
            .map(|m| MonthCell {
                name: self.month_name(m),
                url: None,
                count: 0,
                width: 0,
            })
            .collect();
        for &mi in &y.months {
            let m = &self.site.months[mi];
            if let Some(c) = cells.get_mut(m.month.saturating_sub(1) as usize) {
                c.url = Some(index_of(&month_dir(m.year, m.month)));
                c.count = m.count;
            }
        }
        let max = cells.iter().map(|c| c.count).max().unwrap_or(0).max(1);
        for c in &mut cells {
            c.width = c.count * 100 / max;
        }
        cells
    }
}

/// A day's digest.
#[derive(Debug, Serialize)]
pub struct DayBlock<'a> {
    pub date: String,
    pub date_text: String,
    pub url: String,
    pub count: usize,
    pub articles: Vec<CardRef<'a>>,
}

/// `index.html`.
#[derive(Debug, Serialize)]
pub struct HomeCtx<'a> {
    pub page: Page,
    /// The latest `home_days` days with articles, newest first.
    pub days: Vec<DayBlock<'a>>,
    /// `archive/index.html`.
    pub archive: String,
    /// `people/index.html`.
    pub people: String,
    /// True when there are older days than those shown.
    pub more: bool,
}

/// The home page's context; `by_index`: cards in lists by their index (see [`CardRef`]).
pub fn home<'s>(sh: &'s Shared, by_index: bool) -> HomeCtx<'s> {
    let n = sh.site.config.home_days.min(sh.site.days.len());
    HomeCtx {
        page: sh.page(String::new(), sh.site.config.title.clone()),
        days: (0..n).map(|i| sh.day_block(i, by_index)).collect(),
        archive: "archive/index.html".into(),
        people: "people/index.html".into(),
        more: sh.site.days.len() > n,
    }
}

/// `YYYY/MM/DD/<slug>/index.html` (or the article's own `template`).
#[derive(Debug, Serialize)]
pub struct ArticleCtx<'a> {
    pub page: Page,
    pub article: CardRef<'a>,
    /// The body as HTML (the only value templates insert with `| safe`).
    pub body: Html<'a>,
    /// Home › day (the article itself is the last crumb, in the template).
    pub crumbs: Vec<Link>,
    /// The next older article.
    pub prev: Option<CardRef<'a>>,
    /// The next newer article.
    pub next: Option<CardRef<'a>>,
    /// Articles sharing people with this one.
    pub related: Vec<CardRef<'a>>,
    /// The source file from the site root, e.g. `content/articles/x.md`.
    pub file: String,
}

/// Article `i`'s context; `by_index`: related cards by their index (see [`CardRef`]).
pub fn article<'s>(sh: &'s Shared, i: usize, by_index: bool) -> ArticleCtx<'s> {
    let a = &sh.site.articles[i];
    let card = sh.card(i);
    let mut page = sh.page(a.url.clone(), a.title.clone());
    page.lang = a.language.clone();
    let d = &a.date;
    // The day's crumb is dated in the site's language: the card's date (in the article's
    // language) is the same text when both languages write dates alike.
    let crumb_date = if (a.language == "en") == (sh.lang == "en") {
        card.card.date_text.clone()
    } else {
        sh.date(d)
    };
    let file = a.file.to_string_lossy();
    ArticleCtx {
        page,
        article: card,
        body: sh.body(i),
        crumbs: vec![
            Link {
                name: sh.site.config.title.clone(),
                url: "index.html".into(),
            },
            Link {
                name: crumb_date,
                url: index_of(&day_dir(d)),
            },
        ],
        prev: (i + 1 < sh.site.articles.len()).then(|| sh.card(i + 1)),
        next: i.checked_sub(1).map(|j| sh.card(j)),
        related: sh
            .site
            .related(i)
            .iter()
            .map(|&r| sh.card_in_list(r, by_index))
            .collect(),
        file: if file.contains('\\') {
            file.replace('\\', "/")
        } else {
            file.into_owned()
        },
    }
}

/// `YYYY/MM/DD/index.html`.
#[derive(Debug, Serialize)]
pub struct DayCtx<'a> {
    pub page: Page,
    pub day: DayBlock<'a>,
    /// The previous day with articles.
    pub older: Option<Link>,
    /// The next day with articles.
    pub newer: Option<Link>,
    pub month: Link,
}

/// Day `di`'s context; `by_index`: cards by their index (see [`CardRef`]).
pub fn day<'s>(sh: &'s Shared, di: usize, by_index: bool) -> DayCtx<'s> {
    let d = sh.site.days[di].date;
    DayCtx {
        page: sh.page(day_dir(&d), sh.date(&d)),
        day: sh.day_block(di, by_index),
        older: (di + 1 < sh.site.days.len()).then(|| sh.day_link(di + 1)),
        newer: di.checked_sub(1).map(|j| sh.day_link(j)),
        month: Link {
            name: sh.month_title(d.year, d.month),
            url: index_of(&month_dir(d.year, d.month)),
        },
    }
}

/// One cell of a month calendar: `day` 0 is an empty cell before the 1st or after the last day.
#[derive(Debug, Serialize)]
pub struct Cell {
    pub day: u32,
    pub url: Option<String>,
    pub count: usize,
}

/// `YYYY/MM/index.html`.
#[derive(Debug, Serialize)]
pub struct MonthCtx<'a> {
    pub page: Page,
    /// «Січень 2026».
    pub name: String,
    pub count: usize,
    /// Пн … Нд.
    pub weekdays: Vec<&'static str>,
    /// Weeks Monday to Sunday, seven cells each.
    pub weeks: Vec<Vec<Cell>>,
    /// The month's days with articles, newest first.
    pub days: Vec<DayBlock<'a>>,
    pub older: Option<Link>,
    pub newer: Option<Link>,
    pub year: Link,
}

/// Month `mi`'s context; `by_index`: cards by their index (see [`CardRef`]).
pub fn month<'s>(sh: &'s Shared, mi: usize, by_index: bool) -> MonthCtx<'s> {
    let m = &sh.site.months[mi];
    let mut counts = [0usize; 32];
    for &di in &m.days {
        let d = sh.site.days[di].date.day as usize;
        if let Some(c) = counts.get_mut(d) {
            *c = sh.site.days[di].articles.len();
        }
    }
    let days_in = crate::date::days_in_month(m.year, m.month);
    let offset = Date::new(m.year, m.month, 1)
        .map(|d| weekday(&d))
        .unwrap_or(0);
    let mut cells: Vec<Cell> = (0..offset)
        .map(|_| Cell {
            day: 0,
            url: None,
            count: 0,
        })
        .collect();
    for d in 1..=days_in {
        let count = counts.get(d as usize).copied().unwrap_or(0);
        cells.push(Cell {
            day: d,
            url: Date::new(m.year, m.month, d)
                .filter(|_| count > 0)
                .map(|date| index_of(&day_dir(&date))),
            count,
        });
    }
    while !cells.len().is_multiple_of(7) {
        cells.push(Cell {
            day: 0,
            url: None,
            count: 0,
        });
    }
    let mut weeks = Vec::with_capacity(6);
    let mut it = cells.into_iter().peekable();
    while it.peek().is_some() {
        weeks.push(it.by_ref().take(7).collect());
    }
    let yi = sh
        .site
        .years
        .iter()
        .position(|y| y.year == m.year)
        .unwrap_or(0);
    MonthCtx {
        page: sh.page(month_dir(m.year, m.month), sh.month_title(m.year, m.month)),
        name: sh.month_title(m.year, m.month),
        count: m.count,
        weekdays: labels::for_language(&sh.lang).weekdays.to_vec(),
        weeks,
        days: m
            .days
            .iter()
            .map(|&di| sh.day_block(di, by_index))
            .collect(),
        older: (mi + 1 < sh.site.months.len()).then(|| sh.month_link(mi + 1)),
        newer: mi.checked_sub(1).map(|j| sh.month_link(j)),
        year: sh.year_link(yi),
    }
}

/// A month in a year's list: `url` is none when the month has no articles; `width` is the
/// count as a percentage of the year's busiest month.
#[derive(Debug, Serialize)]
pub struct MonthCell {
    pub name: String,
    pub url: Option<String>,
    pub count: usize,
    pub width: usize,
}

/// `YYYY/index.html`.
#[derive(Debug, Serialize)]
pub struct YearCtx {
    pub page: Page,
    pub year: i32,
    pub count: usize,
    /// All twelve months, January first.
    pub months: Vec<MonthCell>,
    pub older: Option<Link>,
    pub newer: Option<Link>,
}

pub fn year(sh: &Shared, yi: usize) -> YearCtx {
    let y = &sh.site.years[yi];
    YearCtx {
        page: sh.page(year_dir(y.year), y.year.to_string()),
        year: y.year,
        count: y.count,
        months: sh.month_cells(yi),
        older: (yi + 1 < sh.site.years.len()).then(|| sh.year_link(yi + 1)),
        newer: yi.checked_sub(1).map(|j| sh.year_link(j)),
    }
}

/// A year in the archive.
#[derive(Debug, Serialize)]
pub struct ArchiveYear {
    pub year: i32,
    pub url: String,
    pub count: usize,
    pub months: Vec<MonthCell>,
}

/// `archive/index.html`.
#[derive(Debug, Serialize)]
pub struct ArchiveCtx {
    pub page: Page,
    /// Newest first.
    pub years: Vec<ArchiveYear>,
    pub count: usize,
}

pub fn archive(sh: &Shared) -> ArchiveCtx {
    ArchiveCtx {
        page: sh.page(
            "archive/".into(),
            labels::for_language(&sh.lang).archive.into(),
        ),
        years: sh
            .site
            .years
            .iter()
            .enumerate()
            .map(|(yi, y)| ArchiveYear {
                year: y.year,
                url: index_of(&year_dir(y.year)),
                count: y.count,
                months: sh.month_cells(yi),
            })
            .collect(),
        count: sh.site.articles.len(),
    }
}

/// A letter of the people index; `id` is the anchor (`letter-1`, …).
#[derive(Debug, Serialize)]
pub struct Letter<'a> {
    pub letter: String,
    pub id: String,
    pub people: Vec<&'a Chip>,
}

/// `people/index.html`.
#[derive(Debug, Serialize)]
pub struct PeopleCtx<'a> {
    pub page: Page,
    pub count: usize,
    /// In Ukrainian alphabetical order by surname, grouped by first letter.
    pub letters: Vec<Letter<'a>>,
}

pub fn people<'s>(sh: &'s Shared) -> PeopleCtx<'s> {
    let mut letters: Vec<Letter> = Vec::new();
    for (i, p) in sh.site.people.iter().enumerate() {
        match letters.last_mut() {
            Some(l) if l.letter == p.letter => l.people.push(&sh.chips[i]),
            _ => {
                let id = format!("letter-{}", letters.len() + 1);
                letters.push(Letter {
                    letter: p.letter.clone(),
                    id,
                    people: vec![&sh.chips[i]],
                });
            }
        }
    }
    PeopleCtx {
        page: sh.page(
            "people/".into(),
            labels::for_language(&sh.lang).people.into(),
        ),
        count: sh.site.people.len(),
        letters,
    }
}

/// One bar of a person's mentions per month; `width` is a percentage of the busiest month.
#[derive(Debug, Serialize)]
pub struct Bar {
    pub label: String,
    pub url: String,
    pub count: usize,
    pub width: usize,
}

/// A person's facts.
#[derive(Debug, Serialize)]
pub struct PersonInfo {
    pub name: String,
    pub description: Option<String>,
    pub role: Option<String>,
    /// «7 січня 2026», the date of the article the role is from (none: from the registry).
    pub role_date: Option<String>,
    pub count: usize,
    pub mentions: usize,
    pub first: Option<Link>,
    pub last: Option<Link>,
    /// `people/<slug>/atom.xml`.
    pub feed: String,
    /// Oldest month first.
    pub months: Vec<Bar>,
    /// The people most often in the same articles; `count` is the number of shared articles.
    pub co: Vec<Chip>,
    /// The person's first page.
    pub url: String,
    /// Mentions per month as an SVG chart (issue 6).
    pub timeline: Option<super::timeline::Timeline>,
}

/// Page links of a paginated list.
#[derive(Debug, Serialize)]
pub struct Pagination {
    /// From 1.
    pub current: usize,
    pub total: usize,
    pub prev: Option<String>,
    pub next: Option<String>,
    pub pages: Vec<PageLink>,
}

#[derive(Debug, Serialize)]
pub struct PageLink {
    pub number: usize,
    pub url: String,
    pub current: bool,
}

/// `people/<slug>/index.html` and `people/<slug>/page/N/index.html`.
#[derive(Debug, Serialize)]
pub struct PersonCtx<'a> {
    pub page: Page,
    pub person: PersonRef<'a>,
    /// This page's articles, newest first.
    pub articles: Vec<CardRef<'a>>,
    pub pagination: Pagination,
}

/// Page `n` of person `pi`; `by_index`: cards by their index (see [`CardRef`]).
pub fn person<'s>(sh: &'s Shared, pi: usize, n: usize, by_index: bool) -> PersonCtx<'s> {
    let p = &sh.site.people[pi];
    let pages = paginate(p.articles.len(), sh.site.config.page_size);
    let range = pages.get(n).cloned().unwrap_or(0..0);
    let page_url = |k: usize| index_of(&person_page_dir(&p.url, k));
    let title = if n == 0 {
        p.name.clone()
    } else {
        format!(
            "{} — {} {}",
            p.name,
            labels::for_language(&sh.lang).page,
            n + 1
        )
    };
    PersonCtx {
        page: sh.page(person_page_dir(&p.url, n), title),
        person: PersonRef { sh, pi },
        articles: p.articles[range]
            .iter()
            .map(|&a| sh.card_in_list(a, by_index))
            .collect(),
        pagination: Pagination {
            current: n + 1,
            total: pages.len(),
            prev: n.checked_sub(1).map(page_url),
            next: (n + 1 < pages.len()).then(|| page_url(n + 1)),
            pages: (0..pages.len())
                .map(|k| PageLink {
                    number: k + 1,
                    url: page_url(k),
                    current: k == n,
                })
                .collect(),
        },
    }
}

/// Person `pi`'s facts (the same on each of their pages).
pub fn person_info(sh: &Shared, pi: usize) -> PersonInfo {
    person_facts(sh, pi, true)
}

/// Person `pi`'s facts; without `charts`, `months` and `co` are left empty and there is no
/// `timeline` (what the built-in `person.html` shows on pages after the first).
fn person_facts(sh: &Shared, pi: usize, charts: bool) -> PersonInfo {
    let p = &sh.site.people[pi];
    if !charts {
        return PersonInfo {
            months: Vec::new(),
            co: Vec::new(),
            timeline: None,
            ..person_head(sh, pi)
        };
    }
    PersonInfo {
        months: person_months(sh, p),
        co: p
            .co_mentions
            .iter()
            .map(|&(q, count)| Chip {
                name: sh.chips[q].name.clone(),
                url: sh.chips[q].url.clone(),
                count,
            })
            .collect(),
        timeline: super::timeline::build(&p.months, &sh.lang),
        ..person_head(sh, pi)
    }
}

/// A person's mentions per month as bars.
fn person_months(sh: &Shared, p: &crate::site::Person) -> Vec<Bar> {
    let max = p.months.iter().map(|m| m.count).max().unwrap_or(0).max(1);
    p.months
        .iter()
        .map(|m| Bar {
            label: sh.month_title(m.year, m.month),
            url: index_of(&month_dir(m.year, m.month)),
            count: m.count,
            width: (m.count * 100 / max).max(1),
        })
        .collect()
}

/// Person `pi`'s facts but the charts (`months`, `co`, `timeline` empty).
fn person_head(sh: &Shared, pi: usize) -> PersonInfo {
    let p = &sh.site.people[pi];
    let page_url = |k: usize| index_of(&person_page_dir(&p.url, k));
    PersonInfo {
        name: p.name.clone(),
        description: p.description.clone(),
        role: p.role.as_ref().map(|r| r.role.clone()),
        role_date: p
            .role
            .as_ref()
            .and_then(|r| r.date.as_ref())
            .map(|d| sh.date(d)),
        count: p.articles.len(),
        mentions: p.mentions,
        first: (!p.articles.is_empty()).then(|| Link {
            name: sh.date(&p.first),
            url: index_of(&day_dir(&p.first)),
        }),
        last: (!p.articles.is_empty()).then(|| Link {
            name: sh.date(&p.last),
            url: index_of(&day_dir(&p.last)),
        }),
        feed: [p.url.as_str(), "atom.xml"].concat(),
        months: Vec::new(),
        co: Vec::new(),
        url: page_url(0),
        timeline: None,
    }
}

/// A person's facts in a page's context: templates see the [`PersonInfo`], built when the
/// context is serialised for them; a render key sees what it is made of (the person's
/// fields, the names and links of the people in `co`, the site's language), which costs
/// far less than building it (the timeline above all).
pub struct PersonRef<'a> {
    sh: &'a Shared<'a>,
    pi: usize,
}

impl PersonRef<'_> {
    /// The person's facts, as templates see them.
    pub fn info(&self) -> PersonInfo {
        person_info(self.sh, self.pi)
    }

    /// The person's facts with the charts (`months`, `co`, `timeline`) only when `charts`:
    /// the built-in `person.html` shows them on the first page only.
    pub fn info_with(&self, charts: bool) -> PersonInfo {
        person_facts(self.sh, self.pi, charts)
    }
}

impl std::fmt::Debug for PersonRef<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PersonRef").field("pi", &self.pi).finish()
    }
}

impl Serialize for PersonRef<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            return person_info(self.sh, self.pi).serialize(s);
        }
        /// A date as year, month, day.
        type Ymd = (i32, u32, u32);
        /// Everything [`person_info`] reads.
        #[derive(Serialize)]
        struct Inputs<'a> {
            lang: &'a str,
            name: &'a str,
            description: Option<&'a str>,
            role: Option<(&'a str, Option<Ymd>)>,
            count: usize,
            mentions: usize,
            first: Ymd,
            last: Ymd,
            url: &'a str,
            months: Vec<(i32, u32, usize)>,
            co: Vec<(&'a str, &'a str, usize)>,
        }
        let sh = self.sh;
        let p = &sh.site.people[self.pi];
        let date = |d: &Date| (d.year, d.month, d.day);
        Inputs {
            lang: &sh.lang,
            name: &p.name,
            description: p.description.as_deref(),
            role: p
                .role
                .as_ref()
                .map(|r| (r.role.as_str(), r.date.as_ref().map(date))),
            count: p.articles.len(),
            mentions: p.mentions,
            first: date(&p.first),
            last: date(&p.last),
            url: &p.url,
            months: p
                .months
                .iter()
                .map(|m| (m.year, m.month, m.count))
                .collect(),
            co: p
                .co_mentions
                .iter()
                .map(|&(q, count)| (sh.chips[q].name.as_str(), sh.chips[q].url.as_str(), count))
                .collect(),
        }
        .serialize(s)
    }
}

/// An Atom entry; URLs are absolute.
#[derive(Debug, Serialize)]
pub struct Entry<'a> {
    pub title: &'a str,
    pub url: String,
    /// RFC 3339 (`2026-01-07T00:00:00Z`).
    pub updated: String,
    pub summary: &'a str,
    /// HTML, escaped by the template into `type="html"` content: the article's body in the
    /// site feed; none in a person's feed (the summary and the link only, unless the article
    /// has no summary), which keeps a person's feed small.
    pub content: Option<Html<'a>>,
    pub people: Vec<&'a str>,
}

/// `atom.xml` and `people/<slug>/atom.xml`.
#[derive(Debug, Serialize)]
pub struct FeedCtx<'a> {
    pub title: String,
    pub site_title: String,
    /// Absolute URL of the feed (its id and `rel=self`).
    pub self_url: String,
    /// Absolute URL of the page the feed belongs to.
    pub alt_url: String,
    pub updated: String,
    pub entries: Entries<'a>,
}

/// A feed's entries: templates see a list of [`Entry`], built as they are serialised; a
/// render key sees what they are made of: the base URL, whether bodies are in, and per
/// article its card's digest (title, link, date, summary and people) and its source's digest
/// (the body).
pub struct Entries<'a> {
    sh: &'a Shared<'a>,
    /// Article indices.
    pub articles: Vec<usize>,
    /// Bodies of all entries (else only of those without a summary).
    full_text: bool,
}

impl std::fmt::Debug for Entries<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Entries")
            .field("articles", &self.articles)
            .field("full_text", &self.full_text)
            .finish()
    }
}

impl<'a> Entries<'a> {
    /// The entries as templates see them, built one by one.
    pub fn iter(&self) -> impl Iterator<Item = Entry<'a>> + '_ {
        self.articles.iter().map(|&i| self.entry(i))
    }

    fn entry(&self, i: usize) -> Entry<'a> {
        let sh = self.sh;
        let a = &sh.site.articles[i];
        Entry {
            title: &a.title,
            url: [sh.base.as_str(), &a.url].concat(),
            updated: rfc3339(&a.date),
            summary: &a.summary,
            content: (self.full_text || a.summary.is_empty()).then(|| sh.body(i)),
            people: a
                .people
                .iter()
                .map(|&p| sh.site.people[p].name.as_str())
                .collect(),
        }
    }
}

impl Serialize for Entries<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        if s.is_human_readable() {
            let mut seq = s.serialize_seq(Some(self.articles.len()))?;
            for &i in &self.articles {
                seq.serialize_element(&self.entry(i))?;
            }
            return seq.end();
        }
        let sh = self.sh;
        let digests: Vec<(&crate::hash::Digest, &crate::hash::Digest)> = self
            .articles
            .iter()
            .map(|&i| {
                // The digests stand for the card and the body: noted like [`CardRef`]'s and
                // [`Html`]'s.
                super::plan::note_card(i);
                super::plan::note_read(i);
                (
                    card_digest(&sh.card_digests[i], sh.card_of(i)),
                    &sh.site.articles[i].digest,
                )
            })
            .collect();
        (&sh.base, self.full_text, digests).serialize(s)
    }
}

fn rfc3339(d: &Date) -> String {
    let mut s = d.iso();
    s.push_str("T00:00:00Z");
    s
}

fn feed<'a>(
    sh: &'a Shared,
    title: String,
    self_path: String,
    alt_dir: &str,
    articles: &[usize],
    max: usize,
    full_text: bool,
) -> FeedCtx<'a> {
    let entries = Entries {
        sh,
        articles: articles.iter().take(max).copied().collect(),
        full_text,
    };
    let updated = articles
        .first()
        .map(|&i| rfc3339(&sh.site.articles[i].date))
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".into());
    FeedCtx {
        title,
        site_title: sh.site.config.title.clone(),
        self_url: [sh.base.as_str(), &self_path].concat(),
        alt_url: [sh.base.as_str(), alt_dir].concat(),
        updated,
        entries,
    }
}

pub fn site_feed<'s>(sh: &'s Shared) -> FeedCtx<'s> {
    let all: Vec<usize> = (0..sh.site.articles.len().min(FEED_ENTRIES)).collect();
    feed(
        sh,
        sh.site.config.title.clone(),
        "atom.xml".into(),
        "",
        &all,
        FEED_ENTRIES,
        true,
    )
}

pub fn person_feed<'s>(sh: &'s Shared, pi: usize) -> FeedCtx<'s> {
    let p = &sh.site.people[pi];
    feed(
        sh,
        format!("{} — {}", p.name, sh.site.config.title),
        format!("{}atom.xml", p.url),
        &p.url,
        &p.articles,
        PERSON_FEED_ENTRIES,
        false,
    )
}

/// A sitemap entry, or an entry of the sitemap index (a file of the sitemap).
#[derive(Debug, Serialize)]
pub struct SitemapUrl {
    pub loc: String,
    pub lastmod: Option<String>,
}

/// One file of the sitemap (`sitemap.xml` template): a slice of the URLs of one group.
#[derive(Debug, Serialize)]
pub struct SitemapCtx {
    pub urls: Vec<SitemapUrl>,
}

/// `sitemap.xml`, the sitemap index (`sitemap-index.xml` template): the files of the sitemap.
#[derive(Debug, Serialize)]
pub struct SitemapIndexCtx {
    pub sitemaps: Vec<SitemapUrl>,
}

/// The most URLs one sitemap file may list (the sitemaps protocol's limit).
pub const SITEMAP_MAX_URLS: usize = 50_000;

/// The URLs the sitemap lists, in groups of one file each (more when a group has more than
/// [`SITEMAP_MAX_URLS`]): a group changes only when what it lists does, so a new person
/// rewrites the people's file, not a file of every page of the site.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SitemapGroup {
    /// The home page, the archive, the people index, and the pages of days, months and years.
    Pages,
    /// The articles of one year.
    Articles(i32),
    /// The people's pages.
    People,
}

/// One file of the sitemap: a group, and which slice of [`SITEMAP_MAX_URLS`] of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SitemapPart {
    pub group: SitemapGroup,
    pub chunk: usize,
}

impl SitemapPart {
    /// The file's path: `sitemap-pages.xml`, `sitemap-2026.xml`, `sitemap-people.xml`, and
    /// `-2`, `-3`… after the name for a group's second and later files. At the site's root, as
    /// a sitemap may only list URLs under its own folder.
    pub fn path(&self) -> String {
        let mut path = String::from("sitemap-");
        match self.group {
            SitemapGroup::Pages => path.push_str("pages"),
            SitemapGroup::Articles(year) => path.push_str(&year.to_string()),
            SitemapGroup::People => path.push_str("people"),
        }
        if self.chunk > 0 {
            path.push('-');
            path.push_str(&(self.chunk + 1).to_string());
        }
        path.push_str(".xml");
        path
    }
}

/// Where a sitemap entry leads (its URL is made only for the files that list it).
enum Loc<'s> {
    Dir(&'static str),
    Url(&'s str),
    Day(Date),
    Month(i32, u32),
    Year(i32),
    PersonPage(&'s str, usize),
}

impl Loc<'_> {
    fn dir(&self) -> String {
        match self {
            Loc::Dir(d) => (*d).to_string(),
            Loc::Url(u) => (*u).to_string(),
            Loc::Day(d) => day_dir(d),
            Loc::Month(y, m) => month_dir(*y, *m),
            Loc::Year(y) => year_dir(*y),
            Loc::PersonPage(url, n) => person_page_dir(url, *n),
        }
    }
}

/// The entries of `group`, in order, with their last-modified dates.
fn sitemap_entries<'s>(
    site: &'s Site,
    group: SitemapGroup,
) -> Box<dyn Iterator<Item = (Loc<'s>, Option<&'s Date>)> + 's> {
    match group {
        SitemapGroup::Pages => Box::new(
            [
                (Loc::Dir(""), site.articles.first().map(|a| &a.date)),
                (Loc::Dir("archive/"), None),
                (Loc::Dir("people/"), None),
            ]
            .into_iter()
            .chain(site.days.iter().map(|d| (Loc::Day(d.date), Some(&d.date))))
            .chain(
                site.months
                    .iter()
                    .map(|m| (Loc::Month(m.year, m.month), None)),
            )
            .chain(site.years.iter().map(|y| (Loc::Year(y.year), None))),
        ),
        SitemapGroup::Articles(year) => Box::new(
            site.years
                .iter()
                .filter(move |y| y.year == year)
                .flat_map(|y| &y.months)
                .filter_map(|&m| site.months.get(m))
                .flat_map(|m| &m.days)
                .filter_map(|&d| site.days.get(d))
                .flat_map(|d| &d.articles)
                .filter_map(|&a| site.articles.get(a))
                .map(|a| (Loc::Url(&a.url), Some(&a.date))),
        ),
        SitemapGroup::People => {
            let page_size = site.config.page_size.max(1);
            Box::new(site.people.iter().flat_map(move |p| {
                let pages = p.articles.len().div_ceil(page_size).max(1);
                (0..pages).map(move |n| {
                    let last = if n == 0 { Some(&p.last) } else { None };
                    (Loc::PersonPage(&p.url, n), last)
                })
            }))
        }
    }
}

/// The files of the sitemap of `site`, in order: its pages, its articles year by year (newest
/// first), its people (none for a group with no URL).
pub fn sitemap_parts(site: &Site) -> Vec<SitemapPart> {
    sitemap_parts_of(site, SITEMAP_MAX_URLS)
}

/// [`sitemap_parts`] with at most `max` URLs a file.
fn sitemap_parts_of(site: &Site, max: usize) -> Vec<SitemapPart> {
    let max = max.max(1);
    // Each group with its number of URLs (a year's is its number of articles).
    let count = |group| (group, sitemap_entries(site, group).count());
    std::iter::once(count(SitemapGroup::Pages))
        .chain(
            site.years
                .iter()
                .map(|y| (SitemapGroup::Articles(y.year), y.count)),
        )
        .chain(std::iter::once(count(SitemapGroup::People)))
        .flat_map(|(group, urls)| {
            (0..urls.div_ceil(max)).map(move |chunk| SitemapPart { group, chunk })
        })
        .collect()
}

/// The entries of the file `part` of the sitemap, files holding at most `max` URLs: its slice
/// of its group's entries.
fn part_entries<'s>(
    site: &'s Site,
    part: SitemapPart,
    max: usize,
) -> impl Iterator<Item = (Loc<'s>, Option<&'s Date>)> + 's {
    let max = max.max(1);
    sitemap_entries(site, part.group)
        .skip(part.chunk * max)
        .take(max)
}

/// The file `part` of the sitemap: its slice of its group's URLs.
pub fn sitemap(sh: &Shared, part: SitemapPart) -> SitemapCtx {
    sitemap_of(sh, part, SITEMAP_MAX_URLS)
}

/// [`sitemap`] with at most `max` URLs a file.
fn sitemap_of(sh: &Shared, part: SitemapPart, max: usize) -> SitemapCtx {
    let urls = part_entries(sh.site, part, max)
        .map(|(loc, lastmod)| SitemapUrl {
            loc: [sh.base.as_str(), &loc.dir()].concat(),
            lastmod: lastmod.map(Date::iso),
        })
        .collect();
    SitemapCtx { urls }
}

/// `sitemap.xml`: the files of the sitemap, each with the latest date of the URLs it lists.
pub fn sitemap_index(sh: &Shared) -> SitemapIndexCtx {
    sitemap_index_of(sh, SITEMAP_MAX_URLS)
}

/// [`sitemap_index`] with at most `max` URLs a file.
fn sitemap_index_of(sh: &Shared, max: usize) -> SitemapIndexCtx {
    let sitemaps = sitemap_parts_of(sh.site, max)
        .into_iter()
        .map(|part| {
            let lastmod = part_entries(sh.site, part, max)
                .filter_map(|(_, d)| d)
                .max();
            SitemapUrl {
                loc: [sh.base.as_str(), &part.path()].concat(),
                lastmod: lastmod.map(Date::iso),
            }
        })
        .collect();
    SitemapIndexCtx { sitemaps }
}

/// `404.html`: `page.root` is the absolute base URL.
#[derive(Debug, Serialize)]
pub struct NotFoundCtx {
    pub page: Page,
}

pub fn not_found(sh: &Shared) -> NotFoundCtx {
    let mut page = sh.page(
        String::new(),
        labels::for_language(&sh.lang).not_found.into(),
    );
    page.root = sh.base.clone();
    page.canonical = sh.absolute.then(|| format!("{}404.html", sh.base));
    NotFoundCtx { page }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn month_titles_and_folders() {
        assert_eq!(month_title(2026, 1, "uk"), "Січень 2026");
        assert_eq!(month_title(2026, 3, "en"), "March 2026");
        assert_eq!(day_dir(&Date::new(2026, 1, 7).unwrap()), "2026/01/07/");
        assert_eq!(person_page_dir("people/a/", 0), "people/a/");
        assert_eq!(person_page_dir("people/a/", 2), "people/a/page/3/");
    }

    #[test]
    fn an_article_crumb_is_dated_in_the_site_language() {
        // The crumb reuses the card's date when the article's language writes dates like the
        // site's: check it against the plain way for every pair of languages.
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("content/articles");
        std::fs::create_dir_all(&dir).unwrap();
        for (i, lang) in ["uk", "en", "uk", "en"].iter().enumerate() {
            std::fs::write(
                dir.join(format!("a{i}.md")),
                format!(
                    "---\ntitle: Стаття {i}\ndate: 2026-0{m}-1{i}\npeople:\n- Іван Петренко\nsummary: Лід.\nlanguage: {lang}\n---\n\nТекст.\n",
                    m = i + 1
                ),
            )
            .unwrap();
        }
        for site_lang in ["uk", "en"] {
            let config = crate::config::Config {
                language: site_lang.to_string(),
                ..Default::default()
            };
            let registry = crate::people::Registry::default();
            let site = Site::load(tmp.path(), &config, &registry).unwrap();
            let sh = Shared::new(&site);
            for (i, a) in site.articles.iter().enumerate() {
                let ctx = article(&sh, i, false);
                assert_eq!(ctx.crumbs[1].name, date_text(&a.date, site_lang), "{i}");
                assert_eq!(ctx.crumbs[1].url, index_of(&day_dir(&a.date)));
            }
        }
    }

    /// The sitemap's files list every page once whatever the most a file may hold: split in
    /// files of at most that many URLs, a group's files one after another (`-2`, `-3`…), each
    /// listed by the index with the latest date among its URLs.
    #[test]
    fn the_sitemap_files_list_every_page_once_at_most_max_a_file() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("content/articles");
        std::fs::create_dir_all(&dir).unwrap();
        let dates = [
            "2025-12-30",
            "2025-12-31",
            "2026-01-05",
            "2026-01-05",
            "2026-02-01",
        ];
        for (i, date) in dates.iter().enumerate() {
            std::fs::write(
                dir.join(format!("a{i}.md")),
                format!(
                    "---\ntitle: Стаття {i}\ndate: {date}\npeople:\n- Іван Петренко\n- Особа {i}\n---\n\nТекст.\n"
                ),
            )
            .unwrap();
        }
        let config = crate::config::Config {
            base_url: "https://example.org/x/".into(),
            ..Default::default()
        };
        let site = Site::load(tmp.path(), &config, &crate::people::Registry::default()).unwrap();
        let sh = Shared::new(&site);
        let urls_of = |max: usize| -> Vec<Vec<String>> {
            sitemap_parts_of(&site, max)
                .into_iter()
                .map(|p| {
                    sitemap_of(&sh, p, max)
                        .urls
                        .into_iter()
                        .map(|u| u.loc)
                        .collect()
                })
                .collect()
        };
        let whole: Vec<String> = urls_of(SITEMAP_MAX_URLS).concat();
        // Home, archive, people index, 4 days, 3 months, 2 years, 5 articles, 6 people.
        assert_eq!(whole.len(), 3 + 4 + 3 + 2 + 5 + 6, "{whole:#?}");
        let mut unique = whole.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), whole.len(), "a page listed twice");
        for max in [1, 2, 3, 7] {
            let files = urls_of(max);
            assert!(
                files.iter().all(|f| !f.is_empty() && f.len() <= max),
                "{max}: {files:?}"
            );
            assert_eq!(files.concat(), whole, "{max}");
            let parts = sitemap_parts_of(&site, max);
            let paths: Vec<String> = parts.iter().map(SitemapPart::path).collect();
            let mut distinct = paths.clone();
            distinct.dedup();
            assert_eq!(distinct.len(), paths.len(), "{paths:?}");
            let index = sitemap_index_of(&sh, max);
            let locs: Vec<&str> = index.sitemaps.iter().map(|s| s.loc.as_str()).collect();
            let expected: Vec<String> = paths
                .iter()
                .map(|p| format!("https://example.org/x/{p}"))
                .collect();
            assert_eq!(locs, expected);
        }
        // One file a group with room enough: pages, one a year (newest first), people; each
        // dated by its newest page.
        let index = sitemap_index(&sh);
        let listed: Vec<(&str, Option<&str>)> = index
            .sitemaps
            .iter()
            .map(|s| {
                (
                    s.loc.trim_start_matches("https://example.org/x/"),
                    s.lastmod.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            listed,
            [
                ("sitemap-pages.xml", Some("2026-02-01")),
                ("sitemap-2026.xml", Some("2026-02-01")),
                ("sitemap-2025.xml", Some("2025-12-31")),
                ("sitemap-people.xml", Some("2026-02-01")),
            ]
        );
        // Split by two: the people's six pages in three files.
        let people: Vec<String> = sitemap_parts_of(&site, 2)
            .iter()
            .filter(|p| p.group == SitemapGroup::People)
            .map(SitemapPart::path)
            .collect();
        assert_eq!(
            people,
            [
                "sitemap-people.xml",
                "sitemap-people-2.xml",
                "sitemap-people-3.xml"
            ]
        );
    }

    #[test]
    fn weekdays_start_on_monday() {
        let d = |y, m, d| Date::new(y, m, d).unwrap();
        assert_eq!(weekday(&d(2026, 1, 1)), 3); // Thursday
        assert_eq!(weekday(&d(2026, 2, 1)), 6); // Sunday
        assert_eq!(weekday(&d(2026, 6, 1)), 0); // Monday
        assert_eq!(weekday(&d(1969, 12, 31)), 2); // Wednesday
    }
}
