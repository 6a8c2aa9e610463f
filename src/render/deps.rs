//! What a page's context is made of, as digests: the render plan's second way of keeping a
//! page ([`super::plan`]) when an edit changed the site's structure.
//!
//! A page's context reads three kinds of things from the model:
//! - *cards* and *bodies* of articles, which the render key sees by their digests; the plan
//!   records which ones a page's key read ([`super::plan::note_card`],
//!   [`super::plan::note_read`]);
//! - *scopes*, declared per kind of page ([`Dep`], listed next to the contexts in
//!   `render::job_deps`): the calendar (articles' order and dates, days, months, years),
//!   the articles' links, the people index, one article's own fields, one article's
//!   neighbours, one person's article list, one person's facts;
//! - the configuration, the templates and the binary, which the plan holds once for all pages
//!   ([`base`]).
//!
//! Scopes name articles by [`identity`] (their file), never by index: an article added or
//! removed moves the indices of others, not what their pages show. (The plan renumbers the
//! reads it recorded the same way, `super::plan::Renumbering`.)
//!
//! A page's *dependency digest* ([`Scopes::page_digest`]) hashes its declared scopes and the
//! digests of what it recorded: a body by its source digest, a card by what it is made of
//! (the article's own fields and its people's names, links and counts). When the base is the same, a page whose dependency digest
//! is the same has the same context, so the same render key. Each digest is computed when a
//! page first asks for it, at most once per build.

use super::context::Shared;
use crate::hash::{Digest, Feed, Hasher};
use crate::site::{Article, Person, Site};
use std::hash::Hash;
use std::sync::OnceLock;

/// A scope a page's context reads besides the cards and bodies it records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dep {
    /// The articles' order, files and dates; the days, months and years.
    Calendar,
    /// Every article's link (cards carry them to the other pages).
    Links,
    /// Every person's name, letter, link, article count and first and last dates.
    PeopleIndex,
    /// Article `i`'s own fields (title, date, summary, language, file, slug, link, template).
    Article(usize),
    /// Which articles come just before and after article `i` (an article page's previous and
    /// next; their cards are recorded reads).
    Neighbours(usize),
    /// Person `p`'s article list (what related articles are chosen from), with each article's
    /// date and title (which, with the file, order any two articles: the last tie-break).
    List(usize),
    /// Everything about person `p` their pages show (facts, article list, co-mentions).
    Person(usize),
}

/// The digest of what every page of a plan shares: the templates' `fingerprint` (templates,
/// style sheet, binary), the configuration and the site's folder.
pub fn base(site: &Site, fingerprint: &Digest) -> Digest {
    let mut h = Hasher::new();
    h.update(b"litopys-plan-base-2\0");
    h.update(fingerprint);
    h.update(super::keyhash::digest(&site.config));
    put_path(&mut h, &site.root);
    h.finalize()
}

/// What names an article across builds: the digest of its file's path (unique in a site).
pub fn identity(a: &Article) -> Digest {
    crate::hash::digest(a.file.as_os_str().as_encoded_bytes())
}

/// Article `a` (whose [`identity`] is `id`) in a person's list ([`Dep::List`]): its identity,
/// date and title.
pub fn list_entry(a: &Article, id: &Digest) -> Digest {
    let mut date = [0u8; 12];
    date[..4].copy_from_slice(&a.date.year.to_le_bytes());
    date[4..8].copy_from_slice(&a.date.month.to_le_bytes());
    date[8..].copy_from_slice(&a.date.day.to_le_bytes());
    crate::hash::digest_parts(&[id, &date, a.title.as_bytes()])
}

/// The digests of a site's scopes, each computed when first asked.
pub struct Scopes<'a> {
    sh: &'a Shared<'a>,
    /// Each article's [`identity`].
    ids: &'a [Digest],
    /// Each article's [`list_entry`].
    entries: &'a [Digest],
    calendar: OnceLock<Digest>,
    links: OnceLock<Digest>,
    people_index: OnceLock<Digest>,
    articles: Vec<OnceLock<Digest>>,
    cards: Vec<OnceLock<Digest>>,
    /// Each person's name and link ([`Scopes::named`]).
    named: Vec<OnceLock<Digest>>,
    lists: Vec<OnceLock<Digest>>,
    persons: Vec<OnceLock<Digest>>,
}

impl<'a> Scopes<'a> {
    /// The scopes of `sh`'s site, whose articles' identities and list entries are `ids` and
    /// `entries` (in order, as [`identity`] and [`list_entry`] give them), with the digests
    /// of its articles' own fields when they are at hand (`articles`, in order, as [`article`]
    /// gives them; the plan's structure digest computes them).
    pub fn new(
        sh: &'a Shared<'a>,
        ids: &'a [Digest],
        entries: &'a [Digest],
        articles: Vec<Digest>,
    ) -> Scopes<'a> {
        let site = sh.site;
        let cells = |n: usize| (0..n).map(|_| OnceLock::new()).collect();
        let articles = if articles.len() == site.articles.len() {
            articles.into_iter().map(OnceLock::from).collect()
        } else {
            cells(site.articles.len())
        };
        Scopes {
            sh,
            ids,
            entries,
            calendar: OnceLock::new(),
            links: OnceLock::new(),
            people_index: OnceLock::new(),
            articles,
            cards: cells(site.articles.len()),
            named: cells(site.people.len()),
            lists: cells(site.people.len()),
            persons: cells(site.people.len()),
        }
    }

    /// Computes every card's digest and every person's scopes now, in parallel and in order:
    /// for a build that asks for all of them (one whose structure changed), this reads the
    /// articles and people once each, one after the other, instead of wherever pages ask
    /// first.
    pub fn compute_all(&self) {
        use rayon::prelude::*;
        let site = self.sh.site;
        (0..site.people.len()).into_par_iter().for_each(|p| {
            self.named(p);
            self.scope(Dep::List(p));
            self.scope(Dep::Person(p));
        });
        (0..site.articles.len()).into_par_iter().for_each(|i| {
            self.card(i);
        });
    }

    /// The digest of scope `dep` (zero for an index out of range, which no page asks for).
    fn scope(&self, dep: Dep) -> Digest {
        let ids = self.ids;
        let site = self.sh.site;
        fn at(cells: &[OnceLock<Digest>], i: usize, f: impl FnOnce() -> Digest) -> Digest {
            cells.get(i).map_or([0; 16], |c| *c.get_or_init(f))
        }
        match dep {
            Dep::Calendar => *self.calendar.get_or_init(|| calendar(site)),
            Dep::Links => *self.links.get_or_init(|| links(site)),
            Dep::PeopleIndex => *self.people_index.get_or_init(|| people_index(site)),
            Dep::Article(i) => at(&self.articles, i, || article(&site.articles[i])),
            Dep::Neighbours(i) => neighbours(ids, i),
            Dep::List(p) => at(&self.lists, p, || list(self.entries, &site.people[p])),
            Dep::Person(p) => at(&self.persons, p, || person(site, ids, &site.people[p])),
        }
    }

    /// The digest of what card `i` is made of: the article's own fields ([`Dep::Article`])
    /// and the name and link of each of its people (cheaper than hashing the card itself: each
    /// person's name and link are digested once, [`Scopes::named`]); none when there is no
    /// article `i`.
    fn card(&self, i: usize) -> Option<Digest> {
        let a = self.sh.site.articles.get(i)?;
        let cell = self.cards.get(i)?;
        Some(*cell.get_or_init(|| {
            with_buffer(|buf| {
                buf.extend_from_slice(b"card\0");
                buf.extend_from_slice(&self.scope(Dep::Article(i)));
                buf.extend_from_slice(&(a.people.len() as u64).to_le_bytes());
                for &p in &a.people {
                    match self.named(p) {
                        Some(d) => buf.extend_from_slice(&d),
                        None => buf.push(0xff),
                    }
                }
            })
        }))
    }

    /// The digest of person `p`'s name and link (what a card shows of them), once per build.
    fn named(&self, p: usize) -> Option<Digest> {
        let person = self.sh.site.people.get(p)?;
        let cell = self.named.get(p)?;
        Some(*cell.get_or_init(|| {
            with_buffer(|buf| {
                feed(buf, person.name.as_bytes());
                feed(buf, person.url.as_bytes());
            })
        }))
    }

    /// The dependency digest of a page of kind `kind` (any tag telling kinds of pages apart)
    /// that declares `deps` and whose key read `reads` (as [`super::plan`] records them);
    /// none when a read is not of this site.
    pub fn page_digest(&self, kind: u8, deps: &[Dep], reads: &[u32]) -> Option<Digest> {
        let site = self.sh.site;
        // Each piece is a digest: gathered in the thread's buffer and digested in one call (a
        // page's digest is asked for every page of a build whose structure changed).
        let mut ok = true;
        let d = with_buffer(|buf| {
            buf.push(kind);
            for &d in deps {
                buf.extend_from_slice(&self.scope(d));
            }
            buf.extend_from_slice(b"reads");
            for &r in reads {
                let (card, i) = super::plan::read_parts(r);
                let digest = if card {
                    self.card(i)
                } else {
                    site.articles.get(i).map(|a| a.digest)
                };
                match digest {
                    Some(d) => buf.extend_from_slice(&d),
                    None => {
                        ok = false;
                        return;
                    }
                }
            }
        });
        ok.then_some(d)
    }
}

/// The digest of what `fill` puts in an empty buffer: the calling thread's, reused (a
/// digest asked for while another is being gathered, a card's within a page's, gets a
/// buffer of its own).
fn with_buffer(fill: impl FnOnce(&mut Vec<u8>)) -> Digest {
    thread_local! {
        static BUFFERS: std::cell::RefCell<Vec<Vec<u8>>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    let mut buf = BUFFERS
        .with(|b| b.borrow_mut().pop())
        .unwrap_or_else(|| Vec::with_capacity(1 << 10));
    buf.clear();
    fill(&mut buf);
    let d = crate::hash::digest(&buf);
    BUFFERS.with(|b| b.borrow_mut().push(buf));
    d
}

/// Appends `bytes` to `buf` after their length (as [`put`] feeds a hasher).
fn feed(buf: &mut Vec<u8>, bytes: &[u8]) {
    buf.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
    buf.extend_from_slice(bytes);
}

/// Feeds `bytes` after their length (so that neighbours cannot run into each other).
fn put(h: &mut Hasher, bytes: &[u8]) {
    h.update((bytes.len() as u64).to_le_bytes());
    h.update(bytes);
}

fn put_path(h: &mut Hasher, path: &std::path::Path) {
    put(h, path.as_os_str().as_encoded_bytes());
}

fn put_date(h: &mut Hasher, d: &crate::date::Date) {
    let mut b = [0u8; 12];
    b[..4].copy_from_slice(&d.year.to_le_bytes());
    b[4..8].copy_from_slice(&d.month.to_le_bytes());
    b[8..].copy_from_slice(&d.day.to_le_bytes());
    h.update(b);
}

/// [`Dep::Calendar`].
fn calendar(site: &Site) -> Digest {
    let mut h = Hasher::new();
    h.update(b"calendar\0");
    h.update((site.articles.len() as u64).to_le_bytes());
    for a in &site.articles {
        put_path(&mut h, &a.file);
        put_date(&mut h, &a.date);
    }
    let mut feed = Feed(&mut h);
    site.days.hash(&mut feed);
    site.months.hash(&mut feed);
    site.years.hash(&mut feed);
    h.finalize()
}

/// [`Dep::Links`].
fn links(site: &Site) -> Digest {
    let mut h = Hasher::new();
    h.update(b"links\0");
    h.update((site.articles.len() as u64).to_le_bytes());
    for a in &site.articles {
        put(&mut h, a.url.as_bytes());
    }
    h.finalize()
}

/// [`Dep::PeopleIndex`].
fn people_index(site: &Site) -> Digest {
    let mut h = Hasher::new();
    h.update(b"people\0");
    let mut feed = Feed(&mut h);
    site.people.len().hash(&mut feed);
    for p in &site.people {
        p.name.hash(&mut feed);
        p.letter.hash(&mut feed);
        p.url.hash(&mut feed);
        p.articles.len().hash(&mut feed);
        p.first.hash(&mut feed);
        p.last.hash(&mut feed);
    }
    h.finalize()
}

/// [`Dep::Article`]: every field of the article but its people (which reach a page through
/// cards and [`Dep::List`]) and its body (recorded as a read); also what the plan's structure
/// digest hashes of each article, with its people.
pub(super) fn article(a: &Article) -> Digest {
    // Room for every field with its length (no reallocation on the way).
    let fields = a.file.as_os_str().len()
        + a.title.len()
        + a.summary.len()
        + a.language.len()
        + a.slug.len()
        + a.url.len()
        + a.template.as_ref().map_or(0, String::len);
    let mut h = Hasher::with_capacity(fields + 128);
    h.update(b"article\0");
    // Every field is named, so that a field added to `Article` must be placed here.
    let Article {
        file,
        title,
        date,
        summary,
        language,
        body: _,
        people: _,
        slug,
        url,
        template,
        related: _,
        digest: _,
    } = a;
    put_path(&mut h, file);
    put(&mut h, title.as_bytes());
    put_date(&mut h, date);
    put(&mut h, summary.as_bytes());
    put(&mut h, language.as_bytes());
    put(&mut h, slug.as_bytes());
    put(&mut h, url.as_bytes());
    match template {
        Some(t) => {
            h.update([1]);
            put(&mut h, t.as_bytes());
        }
        None => h.update([0]),
    }
    h.finalize()
}

/// Feeds the digests (`ids`: identities or list entries) of `articles` (indices), in order,
/// after their count.
fn put_articles(h: &mut Hasher, ids: &[Digest], articles: &[usize]) {
    h.update((articles.len() as u64).to_le_bytes());
    for &a in articles {
        h.update(ids.get(a).unwrap_or(&[0xff; 16]));
    }
}

/// [`Dep::Neighbours`]: the identities of the articles before and after article `i` in the
/// site's order (zero where there is none).
fn neighbours(ids: &[Digest], i: usize) -> Digest {
    with_buffer(|buf| {
        buf.extend_from_slice(b"neighbours\0");
        buf.extend_from_slice(
            i.checked_sub(1)
                .and_then(|j| ids.get(j))
                .unwrap_or(&[0; 16]),
        );
        buf.extend_from_slice(ids.get(i + 1).unwrap_or(&[0; 16]));
    })
}

/// [`Dep::List`]: the person (by link) and their articles, each as its [`list_entry`]
/// (`entries`).
fn list(entries: &[Digest], p: &Person) -> Digest {
    let mut h = Hasher::with_capacity(32 + p.url.len() + p.articles.len() * 16);
    h.update(b"list\0");
    put(&mut h, p.url.as_bytes());
    put_articles(&mut h, entries, &p.articles);
    h.finalize()
}

/// [`Dep::Person`]: every field of the person, their articles by [`identity`] and the people
/// they share articles with by name and link (indices move when an article or a person is
/// added).
fn person(site: &Site, ids: &[Digest], p: &Person) -> Digest {
    let mut h = Hasher::new();
    h.update(b"person\0");
    let mut feed = Feed(&mut h);
    // Every field is named, so that a field added to `Person` must be placed here.
    let Person {
        name,
        slug,
        url,
        articles,
        mentions,
        months,
        co_mentions,
        first,
        last,
        role,
        description,
        forms,
        key,
        letter,
    } = p;
    name.hash(&mut feed);
    slug.hash(&mut feed);
    url.hash(&mut feed);
    put_articles(feed.0, ids, articles);
    mentions.hash(&mut feed);
    months.hash(&mut feed);
    co_mentions.len().hash(&mut feed);
    for &(q, count) in co_mentions {
        match site.people.get(q) {
            Some(q) => {
                q.name.hash(&mut feed);
                q.url.hash(&mut feed);
            }
            None => u8::MAX.hash(&mut feed),
        }
        count.hash(&mut feed);
    }
    first.hash(&mut feed);
    last.hash(&mut feed);
    role.hash(&mut feed);
    description.hash(&mut feed);
    forms.hash(&mut feed);
    key.hash(&mut feed);
    letter.hash(&mut feed);
    h.finalize()
}
