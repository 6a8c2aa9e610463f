//! The render plan: what a build's pages were made of, kept with the output so that the next
//! build can tell which pages an edit can have changed without building every page's context.
//!
//! A page's render key (see [`super::Templates`]) is the digest of its context, and a context
//! is made of two kinds of things: the site model without the articles' bodies (titles, dates,
//! URLs, people, the date index, the config) and the bodies of some articles, which a key sees
//! by their source digests ([`super::context::Html`]). So the plan records:
//! - the *structure digest* ([`structure_digest`]): the templates' fingerprint and everything in
//!   the model except bodies and source digests;
//! - for every page, in the order the pages are made: its path, the articles whose bodies its
//!   key read (noted while the key is computed, [`recording`]), and the digest of those
//!   articles' source digests ([`reads_digest`]).
//!
//! When the next build's structure digest is the same, it makes the same pages in the same
//! order, and a page whose articles' source digests are the same has the same context, so the
//! same key: it is kept without its context being built. Any other page (a body it read
//! changed, or it was not made through a key, like the style sheet) is made as usual. An edit
//! of an article's body then costs its own page, the feeds that carry it and nothing else; any
//! other edit changes the structure digest and every key is computed as before.
//!
//! When the structure changed (a person added to an article, a title edited, an article added
//! or removed), the plan still keeps a page whose *dependency digest* is the same
//! ([`super::deps`]): the digest of the scopes its kind of page declares (an article's own
//! fields and neighbours, a person's article list, the calendar, …) and of the cards and
//! bodies its key read (recorded like the bodies). The pages are then found by path, since a
//! person added moves the pages after theirs. This needs the same *base* (templates, binary,
//! configuration). The plan lists its build's articles by file ([`Plan::files`]), so that a
//! recorded read names the same article in a build where articles were added, removed or
//! moved: it is renumbered to that article's index there ([`Renumbering`]).
//!
//! `LITOPYS_PLAN_CHECK=1` (or [`set_checking`]) makes a build compute the key of every page the
//! plan would keep and fail if one differs from the previous build's: the tests run with it.
//!
//! The plan is written beside the manifest (`.litopys-plan`) and the manifest names its digest
//! (see `crate::output`), so a plan is only used with the manifest of the build that made it.

use crate::hash::{Digest, Feed, Hasher};
use crate::site::Site;
use rayon::prelude::*;
use std::cell::RefCell;
use std::hash::Hash;

/// One page of a plan ([`Plan::page`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PagePlan<'a> {
    /// The output path.
    pub path: &'a str,
    /// What the page's key read: article indices, bodies as they are, cards with [`CARD`]
    /// set; none when the page was not made through a render key (it is then always made
    /// again).
    pub reads: Option<&'a [u32]>,
    /// [`reads_digest`] of `reads` (zero when `reads` is none).
    pub reads_digest: Digest,
    /// The page's dependency digest ([`super::deps::Scopes::page_digest`]; zero when `reads`
    /// is none).
    pub deps: Digest,
}

/// A build's plan: its structure and base digests, its articles, and its pages in the order
/// they were made. The pages are read from the plan's bytes where they are (a plan read back is
/// its file, mapped: [`crate::mapped`]), so a plan of 16,000 pages is neither copied into
/// memory when read nor encoded again, page by page, when the next plan keeps its pages
/// ([`Draft::encode_pieces`]). Only the reads are decoded, the bytes not being aligned for
/// them.
pub struct Plan {
    pub structure: Digest,
    /// [`super::deps::base`].
    pub base: Digest,
    /// Each article's [`super::deps::identity`], in the build's order: what a recorded read's
    /// index meant, so that a later build with articles added, removed or moved can find the
    /// same article under its new index.
    files: Vec<Digest>,
    /// The pages' records as [`put_page`] writes them (and bytes around them).
    bytes: crate::mapped::FileBytes,
    /// Where each page's record starts in `bytes`, and then where the last one ends.
    starts: Vec<u32>,
    /// Every page's reads, one page's after the other's.
    reads: Vec<u32>,
    /// Where each page's reads start in `reads`.
    reads_at: Vec<u32>,
}

impl std::fmt::Debug for Plan {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Plan")
            .field("structure", &self.structure)
            .field("base", &self.base)
            .field("files", &self.files)
            .field("pages", &self.pages().collect::<Vec<_>>())
            .finish()
    }
}

/// Plans are equal when they hold the same digests, articles and pages, wherever their bytes.
impl PartialEq for Plan {
    fn eq(&self, other: &Plan) -> bool {
        self.structure == other.structure
            && self.base == other.base
            && self.files == other.files
            && self.len() == other.len()
            && (0..self.len()).all(|i| self.page(i) == other.page(i))
    }
}

impl Eq for Plan {}

impl Clone for Plan {
    fn clone(&self) -> Plan {
        let mut copy = Plan::new(self.structure, self.base, self.files.clone(), self.len());
        self.pages().for_each(|p| copy.push(p));
        copy
    }
}

impl Plan {
    /// An empty plan of a build whose articles are `files` ([`Plan::files`]), with room for
    /// `pages` pages.
    pub fn new(structure: Digest, base: Digest, files: Vec<Digest>, pages: usize) -> Plan {
        let mut starts = Vec::with_capacity(pages + 1);
        starts.push(0);
        Plan {
            structure,
            base,
            files,
            bytes: crate::mapped::FileBytes::Read(Vec::with_capacity(pages * 64)),
            starts,
            reads: Vec::with_capacity(pages * 8),
            reads_at: Vec::with_capacity(pages),
        }
    }

    /// Adds `page` after the others.
    fn push(&mut self, page: PagePlan<'_>) {
        let crate::mapped::FileBytes::Read(bytes) = &mut self.bytes else {
            // A plan read back is complete: make a copy to add to ([`Clone`]).
            let mut copy = self.clone();
            copy.push(page);
            *self = copy;
            return;
        };
        put_page(bytes, &page);
        self.starts.push(bytes.len() as u32);
        self.reads_at.push(self.reads.len() as u32);
        self.reads.extend_from_slice(page.reads.unwrap_or_default());
    }

    /// Each article's identity, in the order of the build that made the plan.
    pub fn files(&self) -> &[Digest] {
        &self.files
    }

    /// How many pages the plan has.
    pub fn len(&self) -> usize {
        self.starts.len() - 1
    }

    /// Whether the plan has no page.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The bytes of pages `pages` as [`put_page`] wrote them, one after the other.
    fn records(&self, pages: std::ops::Range<usize>) -> Option<&[u8]> {
        let (from, to) = (*self.starts.get(pages.start)?, *self.starts.get(pages.end)?);
        self.bytes.get(from as usize..to as usize)
    }

    /// Page `i`, if there is one.
    pub fn page(&self, i: usize) -> Option<PagePlan<'_>> {
        let mut r = Reader(self.records(i..i + 1)?);
        let len = r.len(1)?;
        let path = std::str::from_utf8(r.take(len)?).ok()?;
        Some(match r.take(1)?[0] {
            0 => PagePlan {
                path,
                reads: None,
                reads_digest: [0; 16],
                deps: [0; 16],
            },
            _ => {
                let count = r.len(4)?;
                r.take(count * 4)?;
                let at = *self.reads_at.get(i)? as usize;
                PagePlan {
                    path,
                    reads: Some(self.reads.get(at..at + count)?),
                    reads_digest: r.digest()?,
                    deps: r.digest()?,
                }
            }
        })
    }

    /// The pages in order.
    pub fn pages(&self) -> impl Iterator<Item = PagePlan<'_>> {
        (0..self.len()).filter_map(|i| self.page(i))
    }
}

/// The bit of a recorded read that makes it a card's (else a body's).
pub const CARD: u32 = 1 << 31;

/// A recorded read as (is a card, article index).
pub fn read_parts(read: u32) -> (bool, usize) {
    (read & CARD != 0, (read & !CARD) as usize)
}

/// An article index as a read with `flag` (an index that does not fit names no article).
fn read_of(index: usize, flag: u32) -> u32 {
    u32::try_from(index)
        .ok()
        .filter(|&i| i < CARD)
        .map_or(u32::MAX, |i| i | flag)
}

/// Reads recorded by an earlier build renumbered to this build's article indices: each read
/// names the same article (by [`super::deps::identity`]) under its index now.
pub struct Renumbering(Option<Vec<u32>>);

impl Renumbering {
    /// From the articles of an earlier plan (`before`, [`Plan::files`]) to this build's
    /// (`now`, in order). Nothing to do when they are the same in the same order.
    pub fn new(before: &[Digest], now: &[Digest]) -> Renumbering {
        if before == now {
            return Renumbering(None);
        }
        let mut at: rustc_hash::FxHashMap<&Digest, u32> = rustc_hash::FxHashMap::default();
        at.reserve(now.len());
        for (i, d) in now.iter().enumerate() {
            at.insert(d, u32::try_from(i).unwrap_or(u32::MAX));
        }
        Renumbering(Some(
            before
                .iter()
                .map(|d| at.get(d).copied().unwrap_or(u32::MAX))
                .collect(),
        ))
    }

    /// `reads` with this build's numbers; none when one names an article this build does not
    /// have.
    pub fn reads<'r>(&self, reads: &'r [u32]) -> Option<std::borrow::Cow<'r, [u32]>> {
        let Some(map) = &self.0 else {
            return Some(std::borrow::Cow::Borrowed(reads));
        };
        reads
            .iter()
            .map(|&r| {
                let (card, i) = read_parts(r);
                let n = *map.get(i)?;
                (n < CARD).then_some(if card { n | CARD } else { n })
            })
            .collect::<Option<Vec<u32>>>()
            .map(std::borrow::Cow::Owned)
    }
}

/// What the page being made on this thread has read so far.
#[derive(Default)]
struct Recording {
    /// True once a render key was computed for the page.
    keyed: bool,
    /// True when a key computed equalled the previous build's key of its page.
    matched: bool,
    reads: Vec<u32>,
}

/// What [`recording`] saw of one page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    /// The reads of its key (sorted, each once); none if no key was computed.
    pub reads: Option<Vec<u32>>,
    /// Its key was the previous build's ([`note_matched`]).
    pub matched: bool,
}

static CHECKING: std::sync::atomic::AtomicU8 = std::sync::atomic::AtomicU8::new(0);

/// Makes builds check every page the plan keeps (see the module's comment), or stop checking.
pub fn set_checking(on: bool) {
    CHECKING.store(if on { 2 } else { 1 }, std::sync::atomic::Ordering::Relaxed);
}

/// Whether builds check the pages the plan keeps: [`set_checking`], else
/// `LITOPYS_PLAN_CHECK` set to anything but `0` or nothing.
pub fn checking() -> bool {
    match CHECKING.load(std::sync::atomic::Ordering::Relaxed) {
        0 => {
            let on =
                std::env::var_os("LITOPYS_PLAN_CHECK").is_some_and(|v| !v.is_empty() && v != "0");
            set_checking(on);
            on
        }
        state => state == 2,
    }
}

thread_local! {
    static RECORDING: RefCell<Option<Recording>> = const { RefCell::new(None) };
}

/// Runs `f` (the making of one page) and returns what its key read: the articles whose
/// bodies went into it, or none if no key was computed. The recording before the call is put
/// back after it, so a page made on this thread while `f` waits (rayon may run another job
/// there) records its own reads, not `f`'s.
pub fn recording<T>(f: impl FnOnce() -> T) -> (T, Recorded) {
    let outer = RECORDING.with(|r| r.replace(Some(Recording::default())));
    let out = f();
    let mine = RECORDING.with(|r| r.replace(outer)).unwrap_or_default();
    let matched = mine.matched;
    let reads = mine.keyed.then(|| {
        let mut reads = mine.reads;
        reads.sort_unstable();
        reads.dedup();
        reads
    });
    (out, Recorded { reads, matched })
}

/// Notes that the key just computed for the page being made is the previous build's.
pub fn note_matched() {
    RECORDING.with(|r| {
        if let Some(rec) = r.borrow_mut().as_mut() {
            rec.matched = true;
        }
    });
}

/// Notes that a render key is being computed for the page being made.
pub fn note_keyed() {
    RECORDING.with(|r| {
        if let Some(rec) = r.borrow_mut().as_mut() {
            rec.keyed = true;
        }
    });
}

/// Notes that the key of the page being made reads article `index`'s body.
pub fn note_read(index: usize) {
    note(read_of(index, 0));
}

/// Notes that the key of the page being made reads article `index`'s card.
pub fn note_card(index: usize) {
    note(read_of(index, CARD));
}

fn note(read: u32) {
    RECORDING.with(|r| {
        if let Some(rec) = r.borrow_mut().as_mut() {
            rec.reads.push(read);
        }
    });
}

/// The digest of everything in `site` that pages are made of except the articles' bodies and
/// source digests, with `fingerprint` (the templates, the style sheet, the binary); and, made
/// on the way, the digest of each article's own fields ([`super::deps`]).
pub fn structure_digest(site: &Site, fingerprint: &Digest) -> (Digest, Vec<Digest>) {
    let mut h = Hasher::new();
    h.update(b"litopys-plan-structure-1\0");
    h.update(fingerprint);
    let Site {
        root,
        config,
        articles,
        people,
        days,
        months,
        years,
        // Made from the articles' dates.
        day_of: _,
    } = site;
    h.update(super::keyhash::digest(config));
    let mut feed = Feed(&mut h);
    root.hash(&mut feed);
    articles.len().hash(&mut feed);
    // The articles' own fields ([`super::deps`]; bodies and source digests left out), digested
    // in parallel, and their people. Related articles are a function of the articles' people
    // and dates and the people's article lists, all hashed here (see `Site::related`).
    let own: Vec<Digest> = articles.par_iter().map(super::deps::article).collect();
    for (a, digest) in articles.iter().zip(&own) {
        feed.0.update(digest);
        a.people.hash(&mut feed);
    }
    people.hash(&mut feed);
    days.hash(&mut feed);
    months.hash(&mut feed);
    years.hash(&mut feed);
    (h.finalize(), own)
}

/// The digest of the source digests of the articles whose bodies `reads` are (zero when one
/// is not an article of `site`); the cards read do not count (they are in the structure).
pub fn reads_digest(site: &Site, reads: &[u32]) -> Digest {
    let mut h = Hasher::new();
    for &r in reads {
        let (card, i) = read_parts(r);
        if card {
            continue;
        }
        match site.articles.get(i) {
            Some(a) => h.update(a.digest),
            None => return [0; 16],
        }
    }
    h.finalize()
}

/// The first bytes of a plan file, with its version.
const MAGIC: &[u8] = b"litopys-plan 3\n";

/// A plan as bytes (little-endian numbers, lengths before strings and lists): the format
/// [`decode`] reads, which a build writes through [`Draft::encode_pieces`] (the tests check
/// the two against each other).
#[cfg(test)]
fn encode(plan: &Plan) -> Vec<u8> {
    let mut out = head(plan.structure, plan.base, &plan.files, plan.len());
    for p in plan.pages() {
        put_page(&mut out, &p);
    }
    out
}

/// A plan's bytes up to its pages (`pages` of them), with room for a piece of pages after.
fn head(structure: Digest, base: Digest, files: &[Digest], pages: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(MAGIC.len() + 48 + files.len() * 16 + PIECE + 4096);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&structure);
    out.extend_from_slice(&base);
    out.extend_from_slice(&(files.len() as u64).to_le_bytes());
    for f in files {
        out.extend_from_slice(f);
    }
    out.extend_from_slice(&(pages as u64).to_le_bytes());
    out
}

/// Bytes of a plan encoded before they are handed on ([`Draft::encode_pieces`]).
const PIECE: usize = 64 << 10;

/// One page's bytes.
fn put_page(out: &mut Vec<u8>, p: &PagePlan<'_>) {
    out.extend_from_slice(&(p.path.len() as u64).to_le_bytes());
    out.extend_from_slice(p.path.as_bytes());
    match p.reads {
        None => out.push(0),
        Some(reads) => {
            out.push(1);
            out.extend_from_slice(&(reads.len() as u64).to_le_bytes());
            for r in reads {
                out.extend_from_slice(&r.to_le_bytes());
            }
            out.extend_from_slice(&p.reads_digest);
            out.extend_from_slice(&p.deps);
        }
    }
}

/// A page of the plan a build makes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Made {
    /// Page `i` of the previous build's plan, kept; with its reads renumbered to this build's
    /// articles when they are not the previous build's ([`Renumbering`]).
    Old(usize, Option<Vec<u32>>),
    /// A page made (its key computed). Boxed: a rebuild keeps most pages, and a draft holds
    /// one of these per page.
    New(Box<NewPage>),
}

/// A page made, as [`Made::New`] records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPage {
    pub path: String,
    pub reads: Option<Vec<u32>>,
    pub reads_digest: Digest,
    pub deps: Digest,
}

/// The plan a build makes, as its pages came: the pages kept are named by their number in the
/// previous build's plan, which [`Draft::encode`] reads them from. A rebuild that keeps most
/// pages then copies each once, into the bytes written, rather than into a [`Plan`] in memory
/// first (on one thread, while the other waited) and into the bytes after.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    pub structure: Digest,
    pub base: Digest,
    /// As [`Plan::files`].
    files: Vec<Digest>,
    pages: Vec<Made>,
}

impl Draft {
    /// The plan of a build whose structure and base digests are `structure` and `base`, whose
    /// articles are `files` ([`Plan::files`]) and whose pages are `pages`, in order.
    pub fn new(structure: Digest, base: Digest, files: Vec<Digest>, pages: Vec<Made>) -> Draft {
        Draft {
            structure,
            base,
            files,
            pages,
        }
    }

    /// Page `i` as a plan has it, the pages kept read from `previous`; none when there is no
    /// page `i` or `previous` lacks the page it names.
    fn page<'a>(&'a self, i: usize, previous: Option<&'a Plan>) -> Option<PagePlan<'a>> {
        Some(match self.pages.get(i)? {
            Made::Old(j, None) => previous?.page(*j)?,
            Made::Old(j, Some(reads)) => PagePlan {
                reads: Some(reads),
                ..previous?.page(*j)?
            },
            Made::New(new) => PagePlan {
                path: &new.path,
                reads: new.reads.as_deref(),
                reads_digest: new.reads_digest,
                deps: new.deps,
            },
        })
    }

    /// The plan's bytes, as [`encode`] gives them for the plan it is, its kept pages read from
    /// `previous`; none when `previous` lacks one.
    pub fn encode(&self, previous: Option<&Plan>) -> Option<Vec<u8>> {
        let mut out = Vec::new();
        self.encode_pieces(previous, &mut |piece| out.extend_from_slice(piece))?;
        Some(out)
    }

    /// [`Draft::encode`]'s bytes handed to `piece` a few dozen kilobytes at a time, in order
    /// (a plan of 16,000 pages is 2.3 MB: written as it is made, it takes no memory of its
    /// size); none, after some pieces maybe, when `previous` lacks a page.
    pub fn encode_pieces(
        &self,
        previous: Option<&Plan>,
        piece: &mut dyn FnMut(&[u8]),
    ) -> Option<()> {
        let mut out = head(self.structure, self.base, &self.files, self.pages.len());
        // Pages kept where they were in `previous`, one after the other there, go as its
        // bytes (a run of them at a time), after what `out` holds.
        let mut run = 0..0;
        let flush =
            |out: &mut Vec<u8>, run: &mut std::ops::Range<usize>, piece: &mut dyn FnMut(&[u8])| {
                if run.start < run.end {
                    if !out.is_empty() {
                        piece(out);
                        out.clear();
                    }
                    piece(previous?.records(std::mem::replace(run, 0..0))?);
                }
                Some(())
            };
        for (i, made) in self.pages.iter().enumerate() {
            if let Made::Old(j, None) = *made {
                if run.end == j && run.start < run.end {
                    run.end = j + 1;
                } else {
                    flush(&mut out, &mut run, piece)?;
                    previous?.records(j..j + 1)?;
                    run = j..j + 1;
                }
                continue;
            }
            flush(&mut out, &mut run, piece)?;
            put_page(&mut out, &self.page(i, previous)?);
            if out.len() >= PIECE {
                piece(&out);
                out.clear();
            }
        }
        flush(&mut out, &mut run, piece)?;
        piece(&out);
        Some(())
    }

    /// Whether this is `previous` as it was: the same digests and articles, and every page
    /// kept as it was, where it was.
    pub fn is(&self, previous: &Plan) -> bool {
        self.structure == previous.structure
            && self.base == previous.base
            && self.files == previous.files
            && self.pages.len() == previous.len()
            && self
                .pages
                .iter()
                .enumerate()
                .all(|(i, m)| matches!(m, Made::Old(j, None) if *j == i))
    }
}

/// Reads bytes off the front of a slice.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.0.len() < n {
            return None;
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Some(head)
    }

    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }

    /// A length, no more than the bytes left divided by `unit` (a cut or forged file cannot
    /// make us reserve much).
    fn len(&mut self, unit: usize) -> Option<usize> {
        let n = usize::try_from(self.u64()?).ok()?;
        (n <= self.0.len() / unit.max(1)).then_some(n)
    }

    fn digest(&mut self) -> Option<Digest> {
        self.take(16)?.try_into().ok()
    }
}

/// A plan from [`encode`]'s bytes; none if they are not one, exactly.
pub fn decode(bytes: &[u8]) -> Option<Plan> {
    decode_from(crate::mapped::FileBytes::Read(bytes.to_vec()))
}

/// [`decode`], the plan keeping `bytes` (a plan file, mapped) to read its pages from.
pub fn decode_from(bytes: crate::mapped::FileBytes) -> Option<Plan> {
    // Pages are found by `u32` offsets.
    u32::try_from(bytes.len()).ok()?;
    let mut r = Reader(bytes.strip_prefix(MAGIC)?);
    let structure = r.digest()?;
    let base = r.digest()?;
    let files = r.len(16)?;
    let files = (0..files)
        .map(|_| r.digest())
        .collect::<Option<Vec<Digest>>>()?;
    let n = r.len(9)?;
    let mut starts = Vec::with_capacity(n + 1);
    let mut reads = Vec::with_capacity(r.0.len() / 16);
    let mut reads_at = Vec::with_capacity(n);
    for _ in 0..n {
        starts.push((bytes.len() - r.0.len()) as u32);
        reads_at.push(reads.len() as u32);
        let len = r.len(1)?;
        std::str::from_utf8(r.take(len)?).ok()?;
        match r.take(1)?[0] {
            0 => {}
            1 => {
                let count = r.len(4)?;
                reads.extend(
                    r.take(count * 4)?
                        .chunks_exact(4)
                        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]])),
                );
                r.digest()?;
                r.digest()?;
            }
            _ => return None,
        }
    }
    if !r.0.is_empty() {
        return None;
    }
    starts.push(bytes.len() as u32);
    Some(Plan {
        structure,
        base,
        files,
        bytes,
        starts,
        reads,
        reads_at,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Plan {
        let mut plan = Plan::new([7; 16], [8; 16], vec![[5; 16], [6; 16]], 0);
        plan.push(PagePlan {
            path: "2026/01/07/a b/index.html",
            reads: Some(&[0, 3, 9_999, CARD | 3]),
            reads_digest: [1; 16],
            deps: [3; 16],
        });
        plan.push(PagePlan {
            path: "style.css",
            reads: None,
            reads_digest: [0; 16],
            deps: [0; 16],
        });
        plan.push(PagePlan {
            path: "people/ivan/page/2/index.html",
            reads: Some(&[]),
            reads_digest: [2; 16],
            deps: [4; 16],
        });
        plan
    }

    #[test]
    fn plans_decode_to_what_was_encoded_and_refuse_anything_else() {
        let plan = sample();
        let bytes = encode(&plan);
        assert_eq!(decode(&bytes), Some(plan.clone()));
        assert_eq!(plan.len(), 3);
        assert_eq!(plan.page(1).map(|p| p.path), Some("style.css"));
        assert_eq!(plan.page(2).and_then(|p| p.reads), Some(&[][..]));
        assert_eq!(plan.page(3), None);
        // A plan made of another's pages is that plan.
        let mut copy = Plan::new(plan.structure, plan.base, plan.files().to_vec(), 0);
        plan.pages().for_each(|p| copy.push(p));
        assert_eq!(copy, plan);
        // A draft that keeps every page where it was is the plan, and encodes to its bytes.
        let kept = |n: usize| (0..n).map(|i| Made::Old(i, None)).collect::<Vec<Made>>();
        let files = plan.files().to_vec();
        let same = Draft::new(plan.structure, plan.base, files.clone(), kept(3));
        assert!(same.is(&plan));
        assert_eq!(same.encode(Some(&plan)), Some(bytes.clone()));
        // Not when a page moved, one is left out, or the articles differ.
        let mut moved = kept(3);
        moved.swap(0, 2);
        let moved = Draft::new(plan.structure, plan.base, files.clone(), moved);
        assert!(!moved.is(&plan));
        assert!(!Draft::new(plan.structure, plan.base, files.clone(), kept(2)).is(&plan));
        assert!(!Draft::new(plan.structure, plan.base, vec![[5; 16]], kept(3)).is(&plan));
        // Pages kept, kept with their reads renumbered, and made, in any order, encode as the
        // plan made of those pages would; a page the previous plan lacks leaves no plan.
        let draft = Draft::new(
            [9; 16],
            plan.base,
            files.clone(),
            vec![
                Made::Old(2, None),
                Made::New(Box::new(NewPage {
                    path: "index.html".to_string(),
                    reads: Some(vec![CARD | 1, 4]),
                    reads_digest: [6; 16],
                    deps: [7; 16],
                })),
                Made::Old(0, Some(vec![1, CARD | 2])),
                Made::Old(1, None),
            ],
        );
        let mut want = Plan::new([9; 16], plan.base, files.clone(), 0);
        let p = |i| plan.page(i).expect("a page of the sample");
        want.push(p(2));
        want.push(PagePlan {
            path: "index.html",
            reads: Some(&[CARD | 1, 4]),
            reads_digest: [6; 16],
            deps: [7; 16],
        });
        want.push(PagePlan {
            reads: Some(&[1, CARD | 2]),
            ..p(0)
        });
        want.push(p(1));
        let encoded = draft.encode(Some(&plan));
        assert_eq!(encoded, Some(encode(&want)));
        assert_eq!(encoded.as_deref().and_then(decode), Some(want));
        assert!(!draft.is(&plan));
        assert_eq!(
            draft.encode(None),
            None,
            "kept pages need the previous plan"
        );
        let beyond = Draft::new(plan.structure, plan.base, files, vec![Made::Old(3, None)]);
        assert_eq!(beyond.encode(Some(&plan)), None);
        // Cut anywhere, or with a byte more, it is not a plan.
        for cut in 0..bytes.len() {
            assert_eq!(decode(&bytes[..cut]), None, "cut at {cut}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert_eq!(decode(&longer), None);
        // A huge count is refused before anything is reserved.
        let mut forged = MAGIC.to_vec();
        forged.extend_from_slice(&[0; 32]);
        forged.extend_from_slice(&u64::MAX.to_le_bytes());
        assert_eq!(decode(&forged), None);
        // So is a huge count of pages after the articles.
        let mut forged = MAGIC.to_vec();
        forged.extend_from_slice(&[0; 32]);
        forged.extend_from_slice(&0u64.to_le_bytes());
        forged.extend_from_slice(&u64::MAX.to_le_bytes());
        assert_eq!(decode(&forged), None);
    }

    /// Drafts of kept pages (in runs where they were, moved, renumbered) and made ones encode
    /// as the plan of those pages would, from a previous plan read back from its bytes.
    #[test]
    fn drafts_encode_as_their_pages_from_a_plan_read_back() {
        let mut x = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = move |below: u64| {
            x = crate::testrand::xorshift(x);
            x % below.max(1)
        };
        let files = vec![[1; 16], [2; 16]];
        let mut old = Plan::new([1; 16], [2; 16], files.clone(), 0);
        let paths: Vec<String> = (0..200).map(|i| format!("p/{i}/index.html")).collect();
        let reads: Vec<Vec<u32>> = (0..200)
            .map(|_| (0..next(6)).map(|_| next(50) as u32).collect())
            .collect();
        for (i, path) in paths.iter().enumerate() {
            old.push(PagePlan {
                path,
                reads: (i % 5 != 0).then_some(reads[i].as_slice()),
                reads_digest: [(i % 251) as u8; 16],
                deps: [(i % 7) as u8; 16],
            });
        }
        let old = decode(&encode(&old)).expect("a plan");
        for round in 0..30 {
            let mut made = Vec::new();
            let mut want = Plan::new([3; 16], [2; 16], files.clone(), 0);
            let new_path = format!("new/{round}.html");
            let renumbered: Vec<u32> = vec![round, 7];
            let mut j = next(200) as usize;
            for _ in 0..150 {
                match next(10) {
                    // Mostly the next page of the previous plan, as an edit leaves them.
                    0..=5 => j = (j + 1) % 200,
                    6 => j = next(200) as usize,
                    7 => {
                        made.push(Made::Old(j, Some(renumbered.clone())));
                        want.push(PagePlan {
                            reads: Some(&renumbered),
                            ..old.page(j).expect("a page")
                        });
                        continue;
                    }
                    8 => {
                        made.push(Made::New(Box::new(NewPage {
                            path: new_path.clone(),
                            reads: Some(vec![1, 2]),
                            reads_digest: [9; 16],
                            deps: [8; 16],
                        })));
                        want.push(PagePlan {
                            path: &new_path,
                            reads: Some(&[1, 2]),
                            reads_digest: [9; 16],
                            deps: [8; 16],
                        });
                        continue;
                    }
                    _ => {}
                }
                made.push(Made::Old(j, None));
                want.push(old.page(j).expect("a page"));
            }
            let draft = Draft::new([3; 16], [2; 16], files.clone(), made);
            assert_eq!(
                draft.encode(Some(&old)),
                Some(encode(&want)),
                "round {round}"
            );
        }
    }

    #[test]
    fn reads_are_renumbered_to_the_same_articles() {
        let (a, b, c, d) = ([1; 16], [2; 16], [3; 16], [4; 16]);
        // The same articles in the same order: the reads as they are.
        let same = Renumbering::new(&[a, b, c], &[a, b, c]);
        assert_eq!(same.reads(&[2, CARD]).as_deref(), Some(&[2, CARD][..]));
        // One added in front, one removed, two swapped.
        let moved = Renumbering::new(&[a, b, c], &[d, c, a]);
        assert_eq!(
            moved.reads(&[0, CARD | 2]).as_deref(),
            Some(&[2, CARD | 1][..])
        );
        assert_eq!(moved.reads(&[]).as_deref(), Some(&[][..]));
        // A read of the removed article, or of no article at all, cannot be renumbered.
        assert_eq!(moved.reads(&[0, 1]), None);
        assert_eq!(moved.reads(&[CARD | 3]), None);
        assert_eq!(moved.reads(&[u32::MAX]), None);
    }

    #[test]
    fn recording_notes_reads_only_of_keyed_pages_and_nests() {
        let ((), none) = recording(|| note_read(4));
        assert_eq!(none.reads, None, "no key computed: nothing recorded");
        let (inner, outer) = recording(|| {
            note_keyed();
            note_read(5);
            note_card(5);
            note_read(2);
            // A page made on this thread meanwhile keeps its own reads.
            let ((), inner) = recording(|| {
                note_keyed();
                note_matched();
                note_read(9);
            });
            note_read(5);
            inner
        });
        assert_eq!(inner.reads, Some(vec![9]));
        assert!(inner.matched);
        assert_eq!(outer.reads, Some(vec![2, 5, CARD | 5]));
        assert!(!outer.matched, "the inner page's match is its own");
        // Outside any page, notes go nowhere.
        note_read(1);
        let ((), empty) = recording(note_keyed);
        assert_eq!(empty.reads, Some(vec![]));
        // Reads come apart as they were noted; an index too large names no article.
        assert_eq!(read_parts(CARD | 7), (true, 7));
        assert_eq!(read_parts(7), (false, 7));
        assert_eq!(read_of(1 << 31, 0), u32::MAX);
    }
}
