//! Built-in templates rendered without Tera: when a site uses `base.html` and a page's
//! template as built in (unchanged), the page is written here straight from its context, byte
//! for byte what Tera makes of those two templates: article pages (`article.html`), day,
//! month and year pages (`day.html`, `month.html`, `year.html`), the home page
//! (`index.html`), the archive (`archive.html`), the people index (`people.html`), person
//! pages (`person.html`) and `404.html`; likewise feeds (`atom.xml`) and the sitemap
//! (`sitemap.xml`), which extend nothing, and, when it uses the built-in `card.html`, each
//! article's card (`card()`, [`super::cards`]). The tests in `tests/render_native.rs` render
//! sites both ways and compare every file. Tera spends most of its time looking up dotted
//! names (`page.root`, `page.t.home`, …) and copying contexts into JSON values.
//!
//! Every value goes through the same escape as Tera's autoescape ([`super::escape_into`]);
//! only the body's HTML is written as it is (`{{ body | safe }}`). Related cards come from
//! the `card()` function's cache ([`super::cards::Lister`]), as Tera would print
//! them. A site with its own `base.html` renders every page through Tera as before, and one
//! with its own version of a page's template renders those pages through Tera.
//!
//! Keep this file in step with the built-in templates (`templates/`): a change to one of
//! them that is not made here too fails the comparison tests.

use super::cards::{CardFn, ROOT};
use super::context::{
    ArchiveCtx, ArticleCtx, Card, CardRef, DayBlock, DayCtx, FeedCtx, HomeCtx, Link, MonthCtx,
    NotFoundCtx, Page, PeopleCtx, PersonCtx, SitemapCtx, YearCtx,
};
use super::escape_into;

/// The built-in templates of the pages this module renders, each with the layout it extends
/// (itself when none): a page is rendered here when both are in use unchanged.
pub const PAGES: [(&str, &str); 11] = [
    ("article.html", "base.html"),
    ("day.html", "base.html"),
    ("month.html", "base.html"),
    ("person.html", "base.html"),
    ("index.html", "base.html"),
    ("people.html", "base.html"),
    ("year.html", "base.html"),
    ("archive.html", "base.html"),
    ("404.html", "base.html"),
    ("atom.xml", "atom.xml"),
    ("sitemap.xml", "sitemap.xml"),
];

/// Text appended escaped or as it is.
struct Out<'a>(&'a mut String);

impl Out<'_> {
    /// Text of the template.
    fn raw(&mut self, s: &str) -> &mut Self {
        self.0.push_str(s);
        self
    }

    /// A value, escaped as Tera's autoescape would.
    fn esc(&mut self, s: &str) -> &mut Self {
        escape_into(self.0, s, None);
        self
    }

    /// A number, as Tera prints it (digits, a leading `-` when negative: nothing to escape).
    fn num(&mut self, n: i64) -> &mut Self {
        self.0.push_str(itoa::Buffer::new().format(n));
        self
    }

    /// A count ([`Out::num`]).
    fn count(&mut self, n: usize) -> &mut Self {
        self.num(i64::try_from(n).unwrap_or(i64::MAX))
    }
}

/// What `{% if x %}` sees in an optional string: true when it is there and not empty.
fn given(s: &Option<String>) -> Option<&str> {
    s.as_deref().filter(|s| !s.is_empty())
}

/// Everything `base.html` prints before its `head` block.
fn base_top(o: &mut Out, page: &Page, root: &str) {
    o.raw("<!doctype html>\n<html lang=\"")
        .esc(&page.lang)
        .raw("\">\n<head>\n<meta charset=\"utf-8\">\n")
        .raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
    if page.title != page.site_title {
        o.esc(&page.title).raw(" — ");
    }
    o.esc(&page.site_title).raw("</title>\n");
    if let Some(c) = page.canonical.as_deref().filter(|c| !c.is_empty()) {
        o.raw("<link rel=\"canonical\" href=\"").esc(c).raw("\">\n");
    }
    o.raw("\n<link rel=\"icon\" href=\"")
        .raw(root)
        .raw("favicon.svg\" type=\"image/svg+xml\">\n<link rel=\"stylesheet\" href=\"")
        .raw(root)
        .raw("style.css\">\n<link rel=\"alternate\" type=\"application/atom+xml\" title=\"")
        .esc(&page.site_title)
        .raw("\" href=\"")
        .raw(root)
        .esc(&page.feed)
        .raw("\">\n");
}

/// `base.html` from the end of its `head` block to the start of its `content` block.
fn base_middle(o: &mut Out, page: &Page, root: &str) {
    let t = page.t;
    o.raw("\n</head>\n<body>\n<header class=\"site\">\n<a class=\"brand\" href=\"")
        .raw(root)
        .raw("index.html\">")
        .esc(&page.site_title)
        .raw("</a>\n<nav aria-label=\"")
        .esc(t.sections)
        .raw("\">\n<a href=\"")
        .raw(root)
        .raw("index.html\">")
        .esc(t.home)
        .raw("</a>\n<a href=\"")
        .raw(root)
        .raw("archive/index.html\">")
        .esc(t.archive)
        .raw("</a>\n<a href=\"")
        .raw(root)
        .raw("people/index.html\">")
        .esc(t.people)
        .raw("</a>\n<a href=\"")
        .raw(root)
        .raw("atom.xml\">Atom</a>\n</nav>\n")
        .raw("<form class=\"search site-search\" role=\"search\" action=\"")
        .raw(root)
        .raw("search/index.html\" method=\"get\">\n")
        .raw("<label class=\"visually-hidden\" for=\"site-q\">")
        .esc(t.search_label)
        .raw("</label>\n<input id=\"site-q\" name=\"q\" type=\"search\" placeholder=\"")
        .esc(t.search)
        .raw("…\" enterkeyhint=\"search\"><button type=\"submit\">")
        .esc(t.search_button)
        .raw("</button>\n</form>\n</header>\n<main>\n");
}

/// `base.html` after its `content` block.
fn base_bottom(o: &mut Out, page: &Page, root: &str) {
    let t = page.t;
    o.raw("\n</main>\n<footer class=\"site\"><p>")
        .esc(&page.site_title)
        .raw(" · <a href=\"")
        .raw(root)
        .raw("archive/index.html\">")
        .esc(t.archive)
        .raw("</a> · <a href=\"")
        .raw(root)
        .raw("people/index.html\">")
        .esc(t.people)
        .raw("</a></p></footer>\n</body>\n</html>\n");
}

/// Appends a page of `base.html` to `out`: its `head` block written by `head`, its `content`
/// block by `content` (both given the page's root, escaped).
fn framed(
    out: &mut String,
    page: &Page,
    head: impl FnOnce(&mut Out, &str),
    content: impl FnOnce(&mut Out, &str) -> Result<(), String>,
) -> Result<(), String> {
    let mut root = String::with_capacity(page.root.len());
    escape_into(&mut root, &page.root, None);
    let root = root.as_str();
    let o = &mut Out(out);
    base_top(o, page, root);
    head(o, root);
    base_middle(o, page, root);
    content(o, root)?;
    base_bottom(o, page, root);
    Ok(())
}

/// Appends cards (article indices) as `{% for c in cards %}{{ card(c=c, root=page.root,
/// lang=page.lang) }}\n{% endfor %}` prints them.
fn cards_of<'a>(
    o: &mut Out,
    cards: &CardFn,
    list: impl IntoIterator<Item = &'a CardRef<'a>>,
    root: &str,
    lang: &str,
) -> Result<(), String> {
    let mut list = list.into_iter().peekable();
    if list.peek().is_none() {
        return Ok(());
    }
    let lister = cards.lister().map_err(|e| super::tera_message(&e))?;
    for c in list {
        lister
            .push(o.0, c.index(), root, lang)
            .map_err(|e| super::tera_message(&e))?;
        o.raw("\n");
    }
    Ok(())
}

/// Appends the article page of `ctx` (`article.html` extending `base.html`) to `out`; the
/// error is the reason the body or a card could not be had.
pub fn article(ctx: &ArticleCtx, cards: &CardFn, out: &mut String) -> Result<(), String> {
    let page = &ctx.page;
    let t = page.t;
    let a = ctx.article.card;
    let head = |o: &mut Out, _: &str| {
        if !a.summary.is_empty() {
            o.raw("<meta name=\"description\" content=\"")
                .esc(&a.summary)
                .raw("\">");
        }
    };
    framed(out, page, head, |o, root| {
        o.raw("\n<nav class=\"crumbs\" aria-label=\"")
            .esc(t.breadcrumbs)
            .raw("\"><ol>");
        for c in &ctx.crumbs {
            o.raw("<li><a href=\"")
                .raw(root)
                .esc(&c.url)
                .raw("\">")
                .esc(&c.name)
                .raw("</a></li>");
        }
        o.raw("<li><span aria-current=\"page\">")
            .esc(&a.title)
            .raw("</span></li></ol></nav>\n<article class=\"article\">\n<h1>")
            .esc(&a.title)
            .raw("</h1>\n<p class=\"meta\"><time datetime=\"")
            .esc(&a.date)
            .raw("\">")
            .esc(&a.date_text)
            .raw("</time></p>\n");
        if !a.people.is_empty() {
            o.raw("<ul class=\"chips\">");
            for p in &a.people {
                o.raw("<li><a href=\"")
                    .raw(root)
                    .esc(&p.url)
                    .raw("\">")
                    .esc(&p.name)
                    .raw("</a></li>");
            }
            o.raw("</ul>");
        }
        o.raw("\n");
        if !a.summary.is_empty() {
            o.raw("<p class=\"lede\">").esc(&a.summary).raw("</p>");
        }
        o.raw("\n<div class=\"body\">\n");
        o.raw(&ctx.body.html()?);
        o.raw("\n</div>\n</article>\n");
        if !ctx.related.is_empty() {
            o.raw("<section class=\"related\"><h2>")
                .esc(t.related)
                .raw("</h2>\n");
            cards_of(o, cards, &ctx.related, root, &page.lang)?;
            o.raw("</section>");
        }
        o.raw("\n<nav class=\"pager\" aria-label=\"")
            .esc(t.nearby_articles)
            .raw("\">\n");
        if let Some(prev) = &ctx.prev {
            o.raw("<a rel=\"prev\" href=\"")
                .raw(root)
                .esc(&prev.card.url)
                .raw("\">← ")
                .esc(&prev.card.title)
                .raw("</a>");
        }
        o.raw("\n");
        if let Some(next) = &ctx.next {
            o.raw("<a rel=\"next\" href=\"")
                .raw(root)
                .esc(&next.card.url)
                .raw("\">")
                .esc(&next.card.title)
                .raw(" →</a>");
        }
        o.raw("\n</nav>\n");
        Ok(())
    })
}

/// Appends the day page of `ctx` (`day.html` extending `base.html`) to `out`; the error is
/// the reason a card could not be had.
pub fn day(ctx: &DayCtx, cards: &CardFn, out: &mut String) -> Result<(), String> {
    let page = &ctx.page;
    let t = page.t;
    let d = &ctx.day;
    framed(
        out,
        page,
        |_, _| {},
        |o, root| {
            o.raw("\n");
            crumbs(o, page, root, &ctx.month, &d.date_text);
            o.raw("<h1><time datetime=\"")
                .esc(&d.date)
                .raw("\">")
                .esc(&d.date_text)
                .raw("</time></h1>\n<h2 class=\"visually-hidden\">")
                .esc(t.articles)
                .raw("</h2>\n");
            cards_of(o, cards, &d.articles, root, &page.lang)?;
            o.raw("\n");
            pager(o, root, t.nearby_days, &ctx.older, &ctx.newer);
            Ok(())
        },
    )
}

/// Breadcrumbs home › `mid` › `current` (day, month, year and person pages), and a newline.
fn crumbs(o: &mut Out, page: &Page, root: &str, mid: &Link, current: &str) {
    o.raw("<nav class=\"crumbs\" aria-label=\"")
        .esc(page.t.breadcrumbs)
        .raw("\"><ol><li><a href=\"")
        .raw(root)
        .raw("index.html\">")
        .esc(&page.site_title)
        .raw("</a></li><li><a href=\"")
        .raw(root)
        .esc(&mid.url)
        .raw("\">")
        .esc(&mid.name)
        .raw("</a></li><li><span aria-current=\"page\">")
        .esc(current)
        .raw("</span></li></ol></nav>\n");
}

/// The links to the neighbouring day, month or year (`<nav class="pager">`), and a newline.
fn pager(o: &mut Out, root: &str, label: &str, older: &Option<Link>, newer: &Option<Link>) {
    o.raw("<nav class=\"pager\" aria-label=\"")
        .esc(label)
        .raw("\">\n");
    if let Some(older) = older {
        o.raw("<a rel=\"prev\" href=\"")
            .raw(root)
            .esc(&older.url)
            .raw("\">← ")
            .esc(&older.name)
            .raw("</a>");
    }
    o.raw("\n");
    if let Some(newer) = newer {
        o.raw("<a rel=\"next\" href=\"")
            .raw(root)
            .esc(&newer.url)
            .raw("\">")
            .esc(&newer.name)
            .raw(" →</a>");
    }
    o.raw("\n</nav>\n");
}

/// A day's digest on the month and home pages (`<section class="day">` with its cards).
fn day_section(
    o: &mut Out,
    cards: &CardFn,
    d: &DayBlock,
    root: &str,
    lang: &str,
) -> Result<(), String> {
    o.raw("<section class=\"day\">\n<h2><a href=\"")
        .raw(root)
        .esc(&d.url)
        .raw("\"><time datetime=\"")
        .esc(&d.date)
        .raw("\">")
        .esc(&d.date_text)
        .raw("</time></a></h2>\n");
    cards_of(o, cards, &d.articles, root, lang)?;
    o.raw("</section>\n");
    Ok(())
}

/// Appends the month page of `ctx` (`month.html` extending `base.html`) to `out`; the error
/// is the reason a card could not be had.
pub fn month(ctx: &MonthCtx, cards: &CardFn, out: &mut String) -> Result<(), String> {
    let page = &ctx.page;
    let t = page.t;
    framed(
        out,
        page,
        |_, _| {},
        |o, root| {
            o.raw("\n");
            crumbs(o, page, root, &ctx.year, &ctx.name);
            o.raw("<h1>")
                .esc(&ctx.name)
                .raw("</h1>\n<table class=\"calendar\">\n<thead><tr>");
            for w in &ctx.weekdays {
                o.raw("<th scope=\"col\">").esc(w).raw("</th>");
            }
            o.raw("</tr></thead>\n<tbody>\n");
            for week in &ctx.weeks {
                o.raw("<tr>");
                for c in week {
                    o.raw("<td>");
                    if c.day > 0 {
                        if let Some(url) = given(&c.url) {
                            o.raw("<a href=\"")
                                .raw(root)
                                .esc(url)
                                .raw("\" title=\"")
                                .esc(t.articles_count)
                                .raw(": ")
                                .count(c.count)
                                .raw("\">")
                                .num(c.day.into())
                                .raw("</a>");
                        } else {
                            o.raw("<span>").num(c.day.into()).raw("</span>");
                        }
                    }
                    o.raw("</td>");
                }
                o.raw("</tr>\n");
            }
            o.raw("</tbody>\n</table>\n");
            for d in &ctx.days {
                day_section(o, cards, d, root, &page.lang)?;
            }
            o.raw("\n");
            pager(o, root, t.nearby_months, &ctx.older, &ctx.newer);
            Ok(())
        },
    )
}

/// Appends a page of a person (`person.html` extending `base.html`) to `out`; the error is
/// the reason a card could not be had.
pub fn person(ctx: &PersonCtx, cards: &CardFn, out: &mut String) -> Result<(), String> {
    let page = &ctx.page;
    let t = page.t;
    let pg = &ctx.pagination;
    // Months, co-mentions and the timeline are shown on the first page only.
    let p = ctx.person.info_with(pg.current == 1);
    let head = |o: &mut Out, root: &str| {
        o.raw("<link rel=\"alternate\" type=\"application/atom+xml\" title=\"")
            .esc(&p.name)
            .raw("\" href=\"")
            .raw(root)
            .esc(&p.feed)
            .raw("\">");
    };
    framed(out, page, head, |o, root| {
        o.raw("\n");
        let people = Link {
            name: t.people.to_string(),
            url: "people/index.html".to_string(),
        };
        crumbs(o, page, root, &people, &p.name);
        o.raw("<h1>").esc(&p.name).raw("</h1>\n");
        if let Some(d) = given(&p.description) {
            o.raw("<p class=\"description\">").esc(d).raw("</p>");
        }
        o.raw("\n");
        if let Some(role) = given(&p.role) {
            o.raw("<p class=\"role\">").esc(role);
            if let Some(d) = given(&p.role_date) {
                o.raw(" <small>(")
                    .esc(t.as_of)
                    .raw(" ")
                    .esc(d)
                    .raw(")</small>");
            }
            o.raw("</p>");
        }
        o.raw("\n<p class=\"meta\">")
            .esc(t.articles_count)
            .raw(": ")
            .count(p.count);
        if p.mentions > p.count {
            o.raw(" · ")
                .esc(t.mentions_count)
                .raw(": ")
                .count(p.mentions);
        }
        for (label, day) in [(t.first_seen, &p.first), (t.last_seen, &p.last)] {
            if let Some(day) = day {
                o.raw(" · ")
                    .esc(label)
                    .raw(" <a href=\"")
                    .raw(root)
                    .esc(&day.url)
                    .raw("\">")
                    .esc(&day.name)
                    .raw("</a>");
            }
        }
        o.raw(" · <a href=\"")
            .raw(root)
            .esc(&p.feed)
            .raw("\">Atom</a></p>\n");
        if pg.current == 1 {
            o.raw("\n");
            if !p.months.is_empty() {
                o.raw("<section class=\"months-chart\"><h2>")
                    .esc(t.by_month)
                    .raw("</h2>\n");
                if let Some(tl) = &p.timeline {
                    let (w, h, base) = (
                        i64::from(tl.width),
                        i64::from(tl.height),
                        i64::from(tl.base),
                    );
                    o.raw("<figure class=\"timeline\">\n<svg viewBox=\"0 0 ")
                        .num(w)
                        .raw(" ")
                        .num(h)
                        .raw("\" width=\"")
                        .num(w)
                        .raw("\" height=\"")
                        .num(h)
                        .raw("\" role=\"group\" aria-labelledby=\"timeline-caption\">\n<line class=\"axis\" x1=\"0\" y1=\"")
                        .num(base)
                        .raw(".5\" x2=\"")
                        .num(w)
                        .raw("\" y2=\"")
                        .num(base)
                        .raw(".5\"/>\n");
                    for b in &tl.bars {
                        o.raw("<a href=\"")
                            .raw(root)
                            .esc(&b.url)
                            .raw("\"><title>")
                            .esc(&b.title)
                            .raw("</title><rect x=\"")
                            .esc(&b.x)
                            .raw("\" y=\"")
                            .esc(&b.y)
                            .raw("\" width=\"")
                            .esc(&b.w)
                            .raw("\" height=\"")
                            .esc(&b.h)
                            .raw("\" rx=\"1\"/></a>\n");
                    }
                    for k in &tl.ticks {
                        o.raw("<line class=\"tick\" x1=\"")
                            .esc(&k.x)
                            .raw("\" y1=\"")
                            .num(base)
                            .raw("\" x2=\"")
                            .esc(&k.x)
                            .raw("\" y2=\"")
                            .num(base + 5)
                            .raw("\"/><text x=\"")
                            .esc(&k.x)
                            .raw("\" y=\"")
                            .num(h - 2)
                            .raw("\" aria-hidden=\"true\">")
                            .esc(&k.label)
                            .raw("</text>\n");
                    }
                    o.raw("</svg>\n<figcaption id=\"timeline-caption\">")
                        .esc(t.timeline)
                        .raw(": ")
                        .esc(&tl.range)
                        .raw(" · max ")
                        .count(tl.max)
                        .raw("</figcaption>\n</figure>");
                }
                o.raw("\n<details class=\"month-list\"><summary>")
                    .esc(t.all_months)
                    .raw(" (")
                    .count(p.months.len())
                    .raw(")</summary>\n<ul class=\"bars\">");
                for b in &p.months {
                    o.raw("<li><span class=\"label\"><a href=\"")
                        .raw(root)
                        .esc(&b.url)
                        .raw("\">")
                        .esc(&b.label)
                        .raw("</a></span><span class=\"bar\" style=\"width:")
                        .count(b.width)
                        .raw("%\"></span><span class=\"n\">")
                        .count(b.count)
                        .raw("</span></li>\n");
                }
                o.raw("</ul></details></section>");
            }
            o.raw("\n");
            if !p.co.is_empty() {
                o.raw("<section class=\"co\"><h2>")
                    .esc(t.seen_with)
                    .raw("</h2>\n<ul class=\"chips\">");
                for c in &p.co {
                    o.raw("<li><a href=\"")
                        .raw(root)
                        .esc(&c.url)
                        .raw("\">")
                        .esc(&c.name)
                        .raw("</a> <small>")
                        .count(c.count)
                        .raw("</small></li>");
                }
                o.raw("</ul></section>");
            }
            o.raw("\n");
        }
        o.raw("\n<section class=\"articles\"><h2>").esc(t.articles);
        if pg.total > 1 {
            o.raw(" <small>(")
                .esc(t.page)
                .raw(" ")
                .count(pg.current)
                .raw(" ")
                .esc(t.of)
                .raw(" ")
                .count(pg.total)
                .raw(")</small>");
        }
        o.raw("</h2>\n");
        cards_of(o, cards, &ctx.articles, root, &page.lang)?;
        o.raw("</section>\n");
        if pg.total > 1 {
            o.raw("<nav class=\"pagination\" aria-label=\"")
                .esc(t.pages)
                .raw("\">\n");
            if let Some(prev) = given(&pg.prev) {
                o.raw("<a rel=\"prev\" href=\"")
                    .raw(root)
                    .esc(prev)
                    .raw("\">←</a>");
            }
            o.raw("\n");
            for k in &pg.pages {
                if k.current {
                    o.raw("<span aria-current=\"page\">")
                        .count(k.number)
                        .raw("</span>");
                } else {
                    o.raw("<a href=\"")
                        .raw(root)
                        .esc(&k.url)
                        .raw("\">")
                        .count(k.number)
                        .raw("</a>");
                }
                o.raw(" ");
            }
            o.raw("\n");
            if let Some(next) = given(&pg.next) {
                o.raw("<a rel=\"next\" href=\"")
                    .raw(root)
                    .esc(next)
                    .raw("\">→</a>");
            }
            o.raw("\n</nav>");
        }
        o.raw("\n");
        Ok(())
    })
}

/// Appends the home page of `ctx` (`index.html` extending `base.html`) to `out`; the error
/// is the reason a card could not be had.
pub fn home(ctx: &HomeCtx, cards: &CardFn, out: &mut String) -> Result<(), String> {
    let page = &ctx.page;
    let t = page.t;
    framed(
        out,
        page,
        |_, _| {},
        |o, root| {
            o.raw("\n<h1 class=\"visually-hidden\">")
                .esc(&page.site_title)
                .raw("</h1>\n");
            for d in &ctx.days {
                day_section(o, cards, d, root, &page.lang)?;
            }
            if ctx.days.is_empty() {
                o.raw("<p>").esc(t.no_articles).raw("</p>\n");
            }
            o.raw("\n<p class=\"more\"><a href=\"")
                .raw(root)
                .esc(&ctx.archive)
                .raw("\">")
                .esc(if ctx.more { t.older_news } else { t.archive })
                .raw("</a> · <a href=\"")
                .raw(root)
                .esc(&ctx.people)
                .raw("\">")
                .esc(t.people)
                .raw("</a></p>\n");
            Ok(())
        },
    )
}

/// The letters `people.html` always shows in its letter bar, in order (its `alphabet`).
const ALPHABET: &str = "А Б В Г Ґ Д Е Є Ж З И І Ї Й К Л М Н О П Р С Т У Ф Х Ц Ч Ш Щ Ю Я";

/// Appends the people index of `ctx` (`people.html` extending `base.html`) to `out`.
pub fn people(ctx: &PeopleCtx, out: &mut String) -> Result<(), String> {
    let page = &ctx.page;
    let t = page.t;
    framed(
        out,
        page,
        |_, _| {},
        |o, root| {
            o.raw("<h1>")
                .esc(t.people)
                .raw("</h1>\n<p class=\"meta\">")
                .esc(t.people_count)
                .raw(": ")
                .count(ctx.count)
                .raw("</p>\n");
            if !ctx.letters.is_empty() {
                o.raw("<nav class=\"letters\" aria-label=\"")
                    .esc(t.letters)
                    .raw("\">");
                for a in ALPHABET.split(' ') {
                    // The template keeps the last letter that matches.
                    match ctx.letters.iter().rev().find(|l| l.letter == a) {
                        Some(l) if !l.id.is_empty() => {
                            o.raw("<a href=\"#")
                                .esc(&l.id)
                                .raw("\">")
                                .esc(a)
                                .raw("</a>");
                        }
                        _ => {
                            o.raw("<span aria-hidden=\"true\">").esc(a).raw("</span>");
                        }
                    }
                }
                for l in &ctx.letters {
                    if !ALPHABET.split(' ').any(|a| a == l.letter) {
                        o.raw("<a href=\"#")
                            .esc(&l.id)
                            .raw("\">")
                            .esc(&l.letter)
                            .raw("</a>");
                    }
                }
                o.raw("</nav>");
            }
            o.raw("\n<div class=\"people-filter\" hidden><label for=\"people-filter\">")
                .esc(t.filter_people)
                .raw("</label> <input id=\"people-filter\" type=\"search\" autocomplete=\"off\" spellcheck=\"false\"> <output id=\"people-filter-count\" for=\"people-filter\"></output></div>\n");
            for l in &ctx.letters {
                o.raw("<section class=\"letter\" id=\"")
                    .esc(&l.id)
                    .raw("\">\n<h2>")
                    .esc(&l.letter)
                    .raw("</h2>\n<ul class=\"people\">");
                for p in &l.people {
                    o.raw("<li><a href=\"")
                        .raw(root)
                        .esc(&p.url)
                        .raw("\">")
                        .esc(&p.name)
                        .raw("</a> <small>")
                        .count(p.count)
                        .raw("</small></li>");
                }
                o.raw("</ul>\n</section>\n");
            }
            o.raw("\n<script src=\"filter.js\"></script>\n");
            Ok(())
        },
    )
}

/// Appends the page of a year (`year.html` extending `base.html`) to `out`.
pub fn year(ctx: &YearCtx, out: &mut String) -> Result<(), String> {
    let page = &ctx.page;
    let t = page.t;
    framed(
        out,
        page,
        |_, _| {},
        |o, root| {
            let archive = Link {
                name: t.archive.to_string(),
                url: "archive/index.html".to_string(),
            };
            let year = ctx.year.to_string();
            o.raw("\n");
            crumbs(o, page, root, &archive, &year);
            o.raw("<h1>")
                .esc(&year)
                .raw("</h1>\n<p>")
                .esc(t.articles_count)
                .raw(": ")
                .count(ctx.count)
                .raw("</p>\n<ul class=\"bars\">\n");
            for mo in &ctx.months {
                o.raw("<li><span class=\"label\">");
                match given(&mo.url) {
                    Some(url) => {
                        o.raw("<a href=\"")
                            .raw(root)
                            .esc(url)
                            .raw("\">")
                            .esc(&mo.name)
                            .raw("</a>");
                    }
                    None => {
                        o.esc(&mo.name);
                    }
                }
                o.raw("</span><span class=\"bar\" style=\"width:")
                    .count(mo.width)
                    .raw("%\"></span><span class=\"n\">")
                    .count(mo.count)
                    .raw("</span></li>\n");
            }
            o.raw("</ul>\n");
            pager(o, root, t.nearby_years, &ctx.older, &ctx.newer);
            Ok(())
        },
    )
}

/// Appends the archive page of `ctx` (`archive.html` extending `base.html`) to `out`.
pub fn archive(ctx: &ArchiveCtx, out: &mut String) -> Result<(), String> {
    let page = &ctx.page;
    let t = page.t;
    framed(
        out,
        page,
        |_, _| {},
        |o, root| {
            o.raw("\n<h1>")
                .esc(t.archive)
                .raw("</h1>\n<p>")
                .esc(t.articles_count)
                .raw(": ")
                .count(ctx.count)
                .raw("</p>\n");
            for y in &ctx.years {
                o.raw("<section class=\"year\">\n<h2><a href=\"")
                    .raw(root)
                    .esc(&y.url)
                    .raw("\">")
                    .num(y.year.into())
                    .raw("</a> <small>(")
                    .count(y.count)
                    .raw(")</small></h2>\n<ul class=\"months\">");
                for mo in &y.months {
                    if let Some(url) = given(&mo.url) {
                        o.raw("<li><a href=\"")
                            .raw(root)
                            .esc(url)
                            .raw("\">")
                            .esc(&mo.name)
                            .raw("</a> <small>(")
                            .count(mo.count)
                            .raw(")</small></li>");
                    }
                }
                o.raw("</ul>\n</section>\n");
            }
            if ctx.years.is_empty() {
                o.raw("<p>").esc(t.no_articles).raw("</p>\n");
            }
            o.raw("\n");
            Ok(())
        },
    )
}

/// Appends the 404 page of `ctx` (`404.html` extending `base.html`) to `out`.
pub fn not_found(ctx: &NotFoundCtx, out: &mut String) -> Result<(), String> {
    let page = &ctx.page;
    let t = page.t;
    framed(
        out,
        page,
        |_, _| {},
        |o, root| {
            o.raw("\n<h1>")
                .esc(t.not_found)
                .raw("</h1>\n<p>")
                .esc(t.not_found_text)
                .raw(" ")
                .esc(t.start_at)
                .raw(": <a href=\"")
                .raw(root)
                .raw("index.html\">")
                .esc(t.home)
                .raw("</a>, <a href=\"")
                .raw(root)
                .raw("archive/index.html\">")
                .esc(t.archive)
                .raw("</a>, <a href=\"")
                .raw(root)
                .raw("people/index.html\">")
                .esc(t.people)
                .raw("</a>.</p>\n");
            Ok(())
        },
    )
}

/// Appends the sitemap of `ctx` (`sitemap.xml`) to `out`.
pub fn sitemap(ctx: &SitemapCtx, out: &mut String) -> Result<(), String> {
    let o = &mut Out(out);
    o.raw("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for u in &ctx.urls {
        o.raw("<url><loc>").esc(&u.loc).raw("</loc>");
        if let Some(lastmod) = given(&u.lastmod) {
            o.raw("<lastmod>").esc(lastmod).raw("</lastmod>");
        }
        o.raw("</url>\n");
    }
    o.raw("</urlset>\n");
    Ok(())
}

/// Appends the feed of `ctx` (`atom.xml`) to `out`; the error is the reason a body could
/// not be had.
pub fn feed(ctx: &FeedCtx, out: &mut String) -> Result<(), String> {
    let o = &mut Out(out);
    o.raw("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n<title>")
        .esc(&ctx.title)
        .raw("</title>\n<id>")
        .esc(&ctx.self_url)
        .raw("</id>\n<link rel=\"self\" type=\"application/atom+xml\" href=\"")
        .esc(&ctx.self_url)
        .raw("\"/>\n<link rel=\"alternate\" type=\"text/html\" href=\"")
        .esc(&ctx.alt_url)
        .raw("\"/>\n<updated>")
        .esc(&ctx.updated)
        .raw("</updated>\n<author><name>")
        .esc(&ctx.site_title)
        .raw("</name></author>\n");
    for e in ctx.entries.iter() {
        o.raw("<entry>\n<title>")
            .esc(e.title)
            .raw("</title>\n<id>")
            .esc(&e.url)
            .raw("</id>\n<link rel=\"alternate\" type=\"text/html\" href=\"")
            .esc(&e.url)
            .raw("\"/>\n<updated>")
            .esc(&e.updated)
            .raw("</updated>\n");
        if !e.summary.is_empty() {
            o.raw("<summary>").esc(e.summary).raw("</summary>\n");
        }
        for p in &e.people {
            o.raw("<category term=\"").esc(p).raw("\"/>\n");
        }
        if let Some(content) = &e.content {
            let html = content.html()?;
            if !html.is_empty() {
                o.raw("<content type=\"html\">")
                    .esc(&html)
                    .raw("</content>\n");
            }
        }
        o.raw("</entry>\n");
    }
    o.raw("</feed>\n");
    Ok(())
}

/// The built-in `card.html` for card `c` on a page in language `lang`, cut where
/// `page.root` goes (see [`super::cards`]): the pieces Tera's rendering of it would give.
pub fn card(c: &Card, lang: &str) -> std::sync::Arc<[String]> {
    let mut s = String::with_capacity(512 + c.summary.len() + c.people.len() * 96);
    let o = &mut Out(&mut s);
    o.raw("\n<article class=\"card\"");
    if c.lang != lang {
        o.raw(" lang=\"").esc(&c.lang).raw("\"");
    }
    o.raw(">\n<h3><a href=\"")
        .raw(ROOT)
        .esc(&c.url)
        .raw("\">")
        .esc(&c.title)
        .raw("</a></h3>\n<p class=\"meta\"><time datetime=\"")
        .esc(&c.date)
        .raw("\">")
        .esc(&c.date_text)
        .raw("</time></p>\n");
    if !c.summary.is_empty() {
        o.raw("<p class=\"lede\">").esc(&c.summary).raw("</p>\n");
    }
    if !c.people.is_empty() {
        o.raw("<ul class=\"chips\">");
        for p in &c.people {
            o.raw("<li><a href=\"")
                .raw(ROOT)
                .esc(&p.url)
                .raw("\">")
                .esc(&p.name)
                .raw("</a></li>");
        }
        o.raw("</ul>\n");
    }
    o.raw("</article>\n");
    s.split(ROOT).map(str::to_string).collect()
}
