//! Built-in templates rendered without Tera: when a site uses `base.html` and `article.html`
//! as built in (unchanged), an article page is written here straight from its context, byte
//! for byte what Tera makes of those two templates; when it uses the built-in `card.html`,
//! so is each article's card (`card()`, [`super::cards`]); likewise day pages (`day.html`)
//! and feeds (`atom.xml`). The tests in
//! `tests/render_native.rs` render sites both ways and compare every file. Article pages are most of a site's pages, and Tera
//! spends most of their time looking up dotted names (`page.root`, `page.t.home`, …) and
//! copying the context into JSON values.
//!
//! Every value goes through the same escape as Tera's autoescape ([`super::escape_into`]);
//! only the body's HTML is written as it is (`{{ body | safe }}`). Related cards come from
//! the `card()` function's cache ([`super::cards::CardFn::push_card`]), as Tera would print
//! them. A site with its own `base.html` or `article.html` renders through Tera as before.
//!
//! Keep this file in step with `templates/base.html`, `templates/article.html` and
//! `templates/card.html`: a change to one of them that is not made here too fails the
//! comparison tests.

use super::cards::{CardFn, ROOT};
use super::context::{ArticleCtx, Card, CardRef, DayCtx, FeedCtx, Page};
use super::escape_into;

/// The built-in templates of the pages this module renders, each with the layout it extends
/// (itself when none): a page is rendered here when both are in use unchanged.
pub const PAGES: [(&str, &str); 3] = [
    ("article.html", "base.html"),
    ("day.html", "base.html"),
    ("atom.xml", "atom.xml"),
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
    head: impl FnOnce(&mut Out),
    content: impl FnOnce(&mut Out, &str) -> Result<(), String>,
) -> Result<(), String> {
    let mut root = String::with_capacity(page.root.len());
    escape_into(&mut root, &page.root, None);
    let root = root.as_str();
    let o = &mut Out(out);
    base_top(o, page, root);
    head(o);
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
    for c in list {
        cards
            .push_card(o.0, c.index(), root, lang)
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
    let head = |o: &mut Out| {
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
        |_| {},
        |o, root| {
            o.raw("\n<nav class=\"crumbs\" aria-label=\"")
                .esc(t.breadcrumbs)
                .raw("\"><ol><li><a href=\"")
                .raw(root)
                .raw("index.html\">")
                .esc(&page.site_title)
                .raw("</a></li><li><a href=\"")
                .raw(root)
                .esc(&ctx.month.url)
                .raw("\">")
                .esc(&ctx.month.name)
                .raw("</a></li><li><span aria-current=\"page\">")
                .esc(&d.date_text)
                .raw("</span></li></ol></nav>\n<h1><time datetime=\"")
                .esc(&d.date)
                .raw("\">")
                .esc(&d.date_text)
                .raw("</time></h1>\n<h2 class=\"visually-hidden\">")
                .esc(t.articles)
                .raw("</h2>\n");
            cards_of(o, cards, &d.articles, root, &page.lang)?;
            o.raw("\n<nav class=\"pager\" aria-label=\"")
                .esc(t.nearby_days)
                .raw("\">\n");
            if let Some(older) = &ctx.older {
                o.raw("<a rel=\"prev\" href=\"")
                    .raw(root)
                    .esc(&older.url)
                    .raw("\">← ")
                    .esc(&older.name)
                    .raw("</a>");
            }
            o.raw("\n");
            if let Some(newer) = &ctx.newer {
                o.raw("<a rel=\"next\" href=\"")
                    .raw(root)
                    .esc(&newer.url)
                    .raw("\">")
                    .esc(&newer.name)
                    .raw(" →</a>");
            }
            o.raw("\n</nav>\n");
            Ok(())
        },
    )
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
