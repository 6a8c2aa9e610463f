//! What a build leaves for the next one to update the search index in place
//! (`.litopys/search.state` under the site root; see [`super::update`]): the key of the index's
//! group of files, and of the index itself what cannot be read back from its files cheaply:
//! per document a digest of what its terms depend on and the shards its terms are in, per shard
//! its key, the key its file was written with, its number of terms and its size, the size of
//! every node of the shard tree that split, and per article what its terms were found from (the
//! digest its own terms are cached by in the terms cache, [`super::cache`], and the names of the
//! people it names), so that a rebuild finds an edited article's old terms without reading
//! them out of the shards. The postings themselves are the shard files of the output folder,
//! read back (and checked against their keys) only for the shards a rebuild changes.
//!
//! Format (not meant for anything but this): the line `litopys-search-state 3`, the 16-byte
//! fingerprint of the running executable, the lengths (u64 little-endian) of the body and of the
//! lists, the body's digest ([`crate::hash`]), the body (LEB128 numbers, strings as length and
//! bytes), then the documents' lists of shards one after the other. The lists, most of the file,
//! are not checked as a whole: the body has a check of each ([`list_check`]), and a list is
//! checked when it is read, so a rebuild checks only the lists of the documents it changes (a
//! list copied into the next state keeps its check). A file of another fingerprint, of other
//! lengths or whose body does not check is ignored whole; it is written to a temporary file and
//! renamed, so no build sees half of one. Writing is best effort.

use super::{ArticleDoc, PersonDoc, Slots};
use crate::hash::{Digest, Hasher};
use crate::site::Site;
use rayon::prelude::*;
use std::path::Path;

/// The first line; the number is the format's version.
const MAGIC: &[u8] = b"litopys-search-state 3\n";

/// Where the state lives under the site root.
pub const STATE_FILE: &str = ".litopys/search.state";

/// Digests of what each document (articles, then people) is made of: `terms`, what the terms
/// found in it depend on (with its URL, so that no two documents share one), and `fields`, what
/// its entry in a document chunk shows. A digest may stand for more than it must (a site's
/// article has one digest for both, [`DocKeys::of_site`]): a document whose digest changed
/// is indexed or written again, so a digest must change whenever what it stands for does.
pub struct DocKeys {
    pub terms: Vec<Digest>,
    pub fields: Vec<Digest>,
}

/// Appends `s` to `buf` with its length first.
fn feed(buf: &mut Vec<u8>, s: &str) {
    buf.extend_from_slice(&(s.len() as u64).to_le_bytes());
    buf.extend_from_slice(s.as_bytes());
}

impl DocKeys {
    /// The digests of `articles` and `people`, in parallel. Each digest is of what it is made
    /// of gathered in a buffer each thread reuses, in one call ([`crate::hash::digest`]: the
    /// same digest a [`Hasher`] fed the same pieces gives).
    pub fn new(articles: &[ArticleDoc], people: &[PersonDoc], slots: &Slots) -> DocKeys {
        let start = super::slots::start(articles.len(), slots);
        let docs = start + slots.capacity();
        let (terms, fields): (Vec<Digest>, Vec<Digest>) = (0..docs)
            .into_par_iter()
            .map_init(
                || Vec::with_capacity(4 << 10),
                |buf, d| match articles.get(d) {
                    Some(a) => article_keys(a, buf),
                    None => {
                        let person = slots
                            .person_of(articles.len(), d)
                            .and_then(|p| people.get(p));
                        match person {
                            Some(p) => person_keys(&Person::of_doc(p), buf),
                            None => empty_keys(d),
                        }
                    }
                },
            )
            .unzip();
        DocKeys { terms, fields }
    }

    /// The digests of `site`'s documents, from what its model has at hand: nothing is made or
    /// copied. An article's file digest (`Article::digest`) stands for all the index takes from
    /// its file (title, lede, date, language, body: the front matter and the body are
    /// functions of it), so its one digest, for both its terms and its fields, is of that,
    /// its URL, whether its date is written in English and its people's names (by their
    /// digests: [`site_article_key`]). A person's digests are the ones [`DocKeys::new`] gives its
    /// document.
    pub fn of_site(site: &Site, slots: &Slots) -> DocKeys {
        let people: Vec<(Digest, Digest, Digest)> = site
            .people
            .par_iter()
            .map_init(Vec::new, |buf, p| {
                let (t, f) = person_keys(&Person::of_site(p), buf);
                (crate::hash::digest(p.name.as_bytes()), t, f)
            })
            .collect();
        // Articles oldest first (`site_article` in `src/search.rs`).
        let mut terms: Vec<Digest> = site
            .articles
            .par_iter()
            .rev()
            .map_init(
                || Vec::with_capacity(256),
                |buf, a| site_article_key(site, a, &people, buf),
            )
            .collect();
        let articles = terms.len();
        let docs = super::slots::start(articles, slots) + slots.capacity();
        let mut fields = Vec::with_capacity(docs);
        fields.extend_from_slice(&terms);
        for d in articles..docs {
            let person = slots.person_of(articles, d).and_then(|p| people.get(p));
            let (t, f) = match person {
                Some(p) => (p.1, p.2),
                None => empty_keys(d),
            };
            terms.push(t);
            fields.push(f);
        }
        DocKeys { terms, fields }
    }

    /// One digest of them all.
    pub fn all(&self) -> Digest {
        let mut h = Hasher::new();
        h.update(b"litopys-search-docs-1\0");
        h.update((self.terms.len() as u64).to_le_bytes());
        for (t, f) in self.terms.iter().zip(&self.fields) {
            h.update(t);
            h.update(f);
        }
        h.finalize()
    }
}

/// The (terms, fields) digests of empty document `d` (an empty slot, or one between the
/// articles and the people's slots: [`Slots`]): one of its own, which no other document's
/// digest is (a document's gathered pieces begin with another tag).
fn empty_keys(d: usize) -> (Digest, Digest) {
    let mut b = [0u8; 9];
    b[0] = 5;
    b[1..].copy_from_slice(&(d as u64).to_le_bytes());
    let d = crate::hash::digest(&b);
    (d, d)
}

/// An article's (terms, fields) digests, `buf` the memory to gather each in. Its own terms
/// are a function of its file's digest (title, lede and body are, as the terms cache has it),
/// so with one only that digest stands for them in the terms digest; without one, they are fed
/// (the body by its HTML). The fields digest is of the fields its entry shows.
fn article_keys(a: &ArticleDoc, buf: &mut Vec<u8>) -> (Digest, Digest) {
    // What both are made of but the people: the text (by digest or in full) and the URL.
    let text = |buf: &mut Vec<u8>| match (&a.digest, a.body) {
        (Some(d), _) => {
            buf.push(0);
            buf.extend_from_slice(d);
            feed(buf, &a.url);
        }
        (None, body) => {
            match body.map(crate::site::Body::html) {
                Some(Ok(html)) => {
                    buf.push(1);
                    feed(buf, &html);
                }
                Some(Err(_)) => buf.push(2),
                None => buf.push(3),
            }
            for s in [&*a.title, &*a.lede, &a.url] {
                feed(buf, s);
            }
        }
    };
    let people = |buf: &mut Vec<u8>| {
        buf.extend_from_slice(&(a.people.len() as u64).to_le_bytes());
        for p in &a.people {
            feed(buf, p);
        }
    };
    buf.clear();
    buf.push(0);
    text(buf);
    people(buf);
    let t = crate::hash::digest(buf);
    buf.clear();
    buf.push(0);
    for s in [&*a.title, &a.url, &a.date_text, &*a.lede] {
        feed(buf, s);
    }
    people(buf);
    (t, crate::hash::digest(buf))
}

/// The digest of article `a` of `site` ([`DocKeys::of_site`]), `people` the digests of the
/// people's names (first of each), `buf` the memory to gather it in.
fn site_article_key(
    site: &Site,
    a: &crate::site::Article,
    people: &[(Digest, Digest, Digest)],
    buf: &mut Vec<u8>,
) -> Digest {
    buf.clear();
    buf.push(4);
    buf.extend_from_slice(&a.digest);
    buf.push(u8::from(super::dates_in_english(site, a)));
    feed(buf, &a.url);
    buf.extend_from_slice(&(a.people.len() as u64).to_le_bytes());
    for &p in &a.people {
        match people.get(p) {
            Some(p) => buf.extend_from_slice(&p.0),
            None => buf.push(0xff),
        }
    }
    crate::hash::digest(buf)
}

/// A person's fields as its document has them ([`PersonDoc`]), borrowed: its URL is `url`
/// followed by `index`.
struct Person<'p> {
    name: &'p str,
    url: (&'p str, &'static str),
    role: &'p str,
    forms: &'p [String],
    count: usize,
}

impl<'p> Person<'p> {
    fn of_doc(p: &'p PersonDoc) -> Person<'p> {
        Person {
            name: &p.name,
            url: (&p.url, ""),
            role: &p.role,
            forms: &p.forms,
            count: p.count,
        }
    }

    /// Person `p` of a site, as its document ([`super::documents`]) would have it.
    fn of_site(p: &'p crate::site::Person) -> Person<'p> {
        Person {
            name: &p.name,
            url: (&p.url, "index.html"),
            role: p.role.as_ref().map_or("", |r| r.role.as_str()),
            forms: &p.forms,
            count: p.articles.len(),
        }
    }

    /// Appends the URL to `buf` as [`feed`] would.
    fn feed_url(&self, buf: &mut Vec<u8>) {
        let (a, b) = self.url;
        buf.extend_from_slice(&((a.len() + b.len()) as u64).to_le_bytes());
        buf.extend_from_slice(a.as_bytes());
        buf.extend_from_slice(b.as_bytes());
    }
}

/// A person's (terms, fields) digests, `buf` the memory to gather each in.
fn person_keys(p: &Person, buf: &mut Vec<u8>) -> (Digest, Digest) {
    buf.clear();
    buf.push(1);
    feed(buf, p.role);
    feed(buf, p.name);
    p.feed_url(buf);
    buf.extend_from_slice(&(p.forms.len() as u64).to_le_bytes());
    for s in p.forms {
        feed(buf, s);
    }
    let t = crate::hash::digest(buf);
    buf.clear();
    buf.push(1);
    feed(buf, p.name);
    p.feed_url(buf);
    feed(buf, p.role);
    buf.extend_from_slice(&(p.count as u64).to_le_bytes());
    (t, crate::hash::digest(buf))
}

/// A shard as the state records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShardRec {
    /// Its number in the documents' lists (ids stay as shards come and go).
    pub id: u32,
    /// Its key (folded prefix; the file is named after it).
    pub key: String,
    /// The key its file was written with (see `file_key` in `search.rs`).
    pub file_key: String,
    /// How many terms it has.
    pub terms: u32,
    /// Its terms' lengths plus one each (the file's length less 2).
    pub size: u64,
    /// Whether it is the own group of a node that split.
    pub own: bool,
    /// The digest of its file's bytes ([`crate::hash::digest`]); all zeros if not known (a file
    /// kept by a build that had no state).
    pub digest: Digest,
}

/// A state's lists of shards ([`State::lists`]): in the state file, mapped (a state read back,
/// most of whose lists a rebuild copies into the next state without looking at them), in
/// memory (a state being made), or, for a state made from one read back, runs of the lists
/// read (never copied: they are written to the next state file straight from the file read)
/// between lists made in memory.
#[derive(Clone, Default)]
pub struct Lists {
    /// The file's bytes and where the lists start in them ([`crate::mapped`]: the file is
    /// replaced by renaming, never written in place): the lists of a state read back, or the
    /// lists the runs of a state being made are from.
    mapped: Option<(std::sync::Arc<crate::mapped::FileBytes>, usize)>,
    /// Lists made in this process.
    built: Vec<u8>,
    /// With `mapped`: the lists in order, as runs of `mapped`'s lists and of `built`. Empty
    /// when the lists are all `mapped`'s (a state read back) or all `built` (no `mapped`).
    runs: Vec<Run>,
    /// The lists' length, when they are runs.
    runs_len: usize,
    /// The lists in one piece, when runs are asked for as one slice (tests, comparisons).
    joined: std::sync::OnceLock<Vec<u8>>,
}

/// A piece of [`Lists`] made of runs: bytes of the lists mapped (offsets from their start),
/// or of the lists built.
#[derive(Clone, Debug)]
enum Run {
    Mapped(std::ops::Range<usize>),
    Built(std::ops::Range<usize>),
}

impl Lists {
    /// The lists mapped, from their start (empty without).
    fn mapped_lists(&self) -> &[u8] {
        match &self.mapped {
            Some((data, start)) => data.get(*start..).unwrap_or_default(),
            None => &[],
        }
    }

    /// Whether the lists are runs ([`Lists::runs`]).
    fn in_runs(&self) -> bool {
        !self.runs.is_empty()
    }

    /// The lists' length.
    pub fn len(&self) -> usize {
        if self.in_runs() {
            self.runs_len
        } else {
            self.whole().len()
        }
    }

    /// Whether there are no lists.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The lists when they are one slice already (mapped or built), not runs.
    fn whole(&self) -> &[u8] {
        match &self.mapped {
            Some(_) => self.mapped_lists(),
            None => &self.built,
        }
    }

    /// Appends what `f` writes to the vector it is given (the lists' end), returning the
    /// bytes appended.
    fn append(&mut self, f: impl FnOnce(&mut Vec<u8>)) -> &[u8] {
        if !self.in_runs() {
            // A state read back: its lists are copied into `built` first.
            if let Some((data, start)) = self.mapped.take() {
                self.built = data.get(start..).unwrap_or_default().to_vec();
            }
        }
        let at = self.built.len();
        f(&mut self.built);
        let end = self.built.len();
        if self.in_runs() && end > at {
            self.runs_len += end - at;
            self.joined = std::sync::OnceLock::new();
            match self.runs.last_mut() {
                Some(Run::Built(r)) if r.end == at => r.end = end,
                _ => self.runs.push(Run::Built(at..end)),
            }
        }
        &self.built[at..end]
    }

    /// Appends bytes `range` of `old`'s lists: as a run, nothing copied, when `old` is a state
    /// read back (its lists mapped) and these lists are built or runs of the same file; else
    /// copied. False if the range is not in `old`'s lists.
    fn append_from(&mut self, old: &Lists, range: std::ops::Range<usize>) -> bool {
        let old_mapped = old.mapped.as_ref().filter(|_| !old.in_runs());
        let runs_of = match (old_mapped, &self.mapped) {
            (Some(_), None) => true,
            (Some((a, sa)), Some((b, sb))) => {
                self.in_runs() && std::sync::Arc::ptr_eq(a, b) && sa == sb
            }
            (None, _) => false,
        };
        if !runs_of {
            let Some(bytes) = old.get(range) else {
                return false;
            };
            self.append(|v| extend_in_pieces(v, bytes));
            return true;
        }
        if old.mapped_lists().get(range.clone()).is_none() {
            return false;
        }
        if range.is_empty() {
            return true;
        }
        if !self.in_runs() {
            // Built so far: those bytes become the first run.
            self.mapped = old_mapped.cloned();
            self.runs_len = self.built.len();
            if !self.built.is_empty() {
                self.runs.push(Run::Built(0..self.built.len()));
            }
        }
        self.runs_len += range.len();
        self.joined = std::sync::OnceLock::new();
        match self.runs.last_mut() {
            Some(Run::Mapped(r)) if r.end == range.start => r.end = range.end,
            _ => self.runs.push(Run::Mapped(range)),
        }
        true
    }

    /// Writes the lists to `out`, runs straight from where they are.
    fn write_to(&self, out: &mut impl std::io::Write) -> std::io::Result<()> {
        if !self.in_runs() {
            return out.write_all(self.whole());
        }
        let mapped = self.mapped_lists();
        for run in &self.runs {
            let bytes = match run {
                Run::Mapped(r) => mapped.get(r.clone()),
                Run::Built(r) => self.built.get(r.clone()),
            };
            out.write_all(bytes.ok_or(std::io::ErrorKind::InvalidData)?)?;
        }
        Ok(())
    }
}

impl From<Vec<u8>> for Lists {
    fn from(built: Vec<u8>) -> Lists {
        Lists {
            built,
            ..Lists::default()
        }
    }
}

impl std::ops::Deref for Lists {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        if !self.in_runs() {
            return self.whole();
        }
        self.joined.get_or_init(|| {
            let mut all = Vec::with_capacity(self.runs_len);
            // A writer into a vector does not fail.
            let _ = self.write_to(&mut all);
            all
        })
    }
}

impl PartialEq for Lists {
    fn eq(&self, other: &Lists) -> bool {
        **self == **other
    }
}

impl Eq for Lists {}

impl std::fmt::Debug for Lists {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let how = if self.in_runs() {
            "runs"
        } else if self.mapped.is_some() {
            "mapped"
        } else {
            "built"
        };
        write!(f, "Lists({how}, {} bytes)", self.len())
    }
}

/// The state of an index (see the module doc).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct State {
    /// The key of the group of files it describes.
    pub group: String,
    /// The fingerprint the file keys were made with.
    pub fingerprint: Vec<u8>,
    /// How many of the documents are articles.
    pub articles: u32,
    /// Per document, the digest of what its terms depend on ([`DocKeys::terms`]).
    pub docs: Vec<Digest>,
    /// Per document, the shards (ids) its terms are in ([`State::push_list`]), one after the
    /// other…
    pub lists: Lists,
    /// …ending at these offsets…
    pub ends: Vec<u32>,
    /// …with these checks ([`list_check`]).
    pub checks: Vec<u64>,
    pub shards: Vec<ShardRec>,
    /// The nodes of the shard tree that split, below the root: folded prefix and size.
    pub split: Vec<(String, u64)>,
    /// Per article, what its terms were found from ([`State::push_source`]): the digest its
    /// own terms are cached by (if they were the cache's, or went to it) and the people it
    /// names (indices into `names`), one after the other…
    pub sources: Vec<u8>,
    /// …ending at these offsets.
    pub source_ends: Vec<u32>,
    /// The names of the people articles name.
    pub names: Vec<String>,
}

/// What an article's terms were found from, as the state records it: the digest its own
/// terms are cached by, if any, the names of the people it names (indices into
/// [`State::names`]), and the check of the terms it had ([`super::TermsCheck`]), which terms
/// found again from these must match.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Source {
    pub own: Option<Digest>,
    pub check: [u64; 2],
    pub people: Vec<u32>,
}

/// Appends `n` as LEB128.
fn push_varint(out: &mut Vec<u8>, mut n: u64) {
    while n >= 0x80 {
        out.push((n as u8 & 0x7f) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

fn push_str(out: &mut Vec<u8>, s: &[u8]) {
    push_varint(out, s.len() as u64);
    out.extend_from_slice(s);
}

/// Appends a document's list of shards `shards` (ascending, no repeats) as the state keeps it:
/// its length, then the first shard and the gaps to the next, as varints.
pub fn encode_list(out: &mut Vec<u8>, shards: &[u32]) {
    push_varint(out, shards.len() as u64);
    let mut last = 0;
    for (k, &s) in shards.iter().enumerate() {
        push_varint(out, u64::from(if k == 0 { s } else { s - last }));
        last = s;
    }
}

/// Reads numbers and strings from a slice; every read is checked.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn varint(&mut self) -> Option<u64> {
        let mut n: u64 = 0;
        for shift in (0..64).step_by(7) {
            let b = *self.bytes.get(self.at)?;
            self.at += 1;
            n |= u64::from(b & 0x7f).checked_shl(shift)?;
            if b & 0x80 == 0 {
                return Some(n);
            }
        }
        None
    }

    fn u32(&mut self) -> Option<u32> {
        u32::try_from(self.varint()?).ok()
    }

    fn bytes(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.at.checked_add(n)?;
        let b = self.bytes.get(self.at..end)?;
        self.at = end;
        Some(b)
    }

    fn string(&mut self) -> Option<String> {
        let n = usize::try_from(self.varint()?).ok()?;
        String::from_utf8(self.bytes(n)?.to_vec()).ok()
    }
}

/// Appends items `items` of a sequence of bytes whose items end at `old_ends` to one whose
/// items end at `new_ends`: `append` appends the items' bytes (their range in the old bytes)
/// and gives where they start in the new ones, none if it cannot. False if the items are not
/// there or would end past 4 GiB.
fn copy_run(
    old_ends: &[u32],
    items: std::ops::Range<usize>,
    new_ends: &mut Vec<u32>,
    append: impl FnOnce(std::ops::Range<usize>) -> Option<usize>,
) -> bool {
    let Some(last) = items.end.checked_sub(1) else {
        return true;
    };
    let start = match items.start.checked_sub(1) {
        Some(p) => old_ends.get(p).map_or(usize::MAX, |&e| e as usize),
        None => 0,
    };
    let (Some(&end), Some(ends)) = (old_ends.get(last), old_ends.get(items)) else {
        return false;
    };
    if start > end as usize {
        return false;
    }
    let Some(base) = append(start..end as usize) else {
        return false;
    };
    for &e in ends {
        match (e as usize)
            .checked_sub(start)
            .and_then(|e| u32::try_from(e + base).ok())
        {
            Some(e) => new_ends.push(e),
            None => return false,
        }
    }
    true
}

/// Appends `bytes` to `v` in pieces: one copy of a few megabytes goes through `rep movsb`,
/// which callgrind counts byte by byte.
fn extend_in_pieces(v: &mut Vec<u8>, bytes: &[u8]) {
    v.reserve(bytes.len());
    for piece in bytes.chunks(1 << 10) {
        v.extend_from_slice(piece);
    }
}

/// The check of a document's encoded list of shards.
pub fn list_check(list: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(list)
}

/// The fingerprint of the running executable (a state of another binary is not read).
fn fingerprint() -> Digest {
    let mut h = Hasher::new();
    h.update(MAGIC);
    h.update(env!("CARGO_PKG_VERSION").as_bytes());
    h.update([0]);
    h.update(crate::site::cache::executable_id());
    h.finalize()
}

impl State {
    /// Appends the next document's list of shards `shards` (ascending, no repeats); false if the
    /// lists would pass 4 GiB.
    pub fn push_list(&mut self, shards: &[u32]) -> bool {
        let check = list_check(self.lists.append(|v| encode_list(v, shards)));
        self.checks.push(check);
        self.end_list()
    }

    /// Appends the next documents' lists, encoded already ([`encode_list`]) one after another
    /// in `bytes`, each `lens[k]` bytes long; false if the lists would pass 4 GiB (or `lens`
    /// do not add up to the bytes).
    pub fn push_encoded(&mut self, bytes: &[u8], lens: &[u32]) -> bool {
        let mut at = 0usize;
        for &len in lens {
            let Some(list) = bytes.get(at..at + len as usize) else {
                return false;
            };
            at += len as usize;
            self.lists.append(|v| v.extend_from_slice(list));
            self.checks.push(list_check(list));
            if !self.end_list() {
                return false;
            }
        }
        at == bytes.len()
    }

    /// Appends the lists of documents `docs` of `old` as the next documents', with their checks
    /// (not checked: they are when they are read); false if they are not there or the lists
    /// would pass 4 GiB. The lists of a state read back are not copied: the new state's lists
    /// are then runs of its file's ([`Lists`]).
    pub fn copy_lists(&mut self, old: &State, docs: std::ops::Range<usize>) -> bool {
        let Some(checks) = old.checks.get(docs.clone()) else {
            return false;
        };
        let base = self.lists.len();
        let lists = &mut self.lists;
        let copied = copy_run(&old.ends, docs, &mut self.ends, |range| {
            lists.append_from(&old.lists, range).then_some(base)
        });
        if copied {
            self.checks.extend_from_slice(checks);
        }
        copied
    }

    /// Appends the sources of articles `articles` of `old` as the next articles'; false if they
    /// are not there or the sources would pass 4 GiB.
    pub fn copy_sources(&mut self, old: &State, articles: std::ops::Range<usize>) -> bool {
        let sources = &mut self.sources;
        copy_run(&old.source_ends, articles, &mut self.source_ends, |range| {
            let base = sources.len();
            extend_in_pieces(sources, old.sources.get(range)?);
            Some(base)
        })
    }

    fn end_list(&mut self) -> bool {
        match u32::try_from(self.lists.len()) {
            Ok(end) => {
                self.ends.push(end);
                true
            }
            Err(_) => false,
        }
    }

    /// The encoded list of document `d` (empty if there is none).
    pub fn list_bytes(&self, d: usize) -> &[u8] {
        let start = match d.checked_sub(1) {
            Some(p) => self.ends.get(p).map_or(0, |&e| e as usize),
            None => 0,
        };
        let end = self.ends.get(d).map_or(start, |&e| e as usize);
        self.lists.get(start..end).unwrap_or_default()
    }

    /// The shards (ids) of document `d`, appended to `out`; false if its list does not check
    /// or decode.
    pub fn list(&self, d: usize, out: &mut Vec<u32>) -> bool {
        let bytes = self.list_bytes(d);
        if self.checks.get(d) != Some(&list_check(bytes)) {
            return false;
        }
        let mut r = Reader { bytes, at: 0 };
        let Some(n) = r.varint() else {
            return false;
        };
        let mut s = 0u32;
        for k in 0..n {
            let Some(delta) = r.u32() else {
                return false;
            };
            if k > 0 && delta == 0 {
                return false;
            }
            s = match s.checked_add(delta) {
                Some(s) => s,
                None => return false,
            };
            out.push(s);
        }
        r.at == r.bytes.len()
    }

    /// Appends an article's source (see [`Source`]) to `sources`.
    pub fn push_source(
        sources: &mut Vec<u8>,
        own: Option<&Digest>,
        check: [u64; 2],
        people: &[u32],
    ) {
        match own {
            Some(d) => {
                sources.push(1);
                sources.extend_from_slice(d);
            }
            None => sources.push(0),
        }
        sources.extend_from_slice(&check[0].to_le_bytes());
        sources.extend_from_slice(&check[1].to_le_bytes());
        push_varint(sources, people.len() as u64);
        for &p in people {
            push_varint(sources, u64::from(p));
        }
    }

    /// The encoded source of article `a` (empty if there is none).
    pub fn source_bytes(&self, a: usize) -> &[u8] {
        let start = match a.checked_sub(1) {
            Some(p) => self.source_ends.get(p).map_or(0, |&e| e as usize),
            None => 0,
        };
        let end = self.source_ends.get(a).map_or(start, |&e| e as usize);
        self.sources.get(start..end).unwrap_or_default()
    }

    /// The source of article `a`; none if it does not decode or names a person not in
    /// [`State::names`].
    pub fn source(&self, a: usize) -> Option<Source> {
        let mut r = Reader {
            bytes: self.source_bytes(a),
            at: 0,
        };
        let own = match r.bytes(1)?[0] {
            0 => None,
            1 => Some(r.bytes(16)?.try_into().ok()?),
            _ => return None,
        };
        let check = [
            u64::from_le_bytes(r.bytes(8)?.try_into().ok()?),
            u64::from_le_bytes(r.bytes(8)?.try_into().ok()?),
        ];
        let n = usize::try_from(r.varint()?).ok()?;
        let mut people = Vec::with_capacity(n.min(r.bytes.len()));
        for _ in 0..n {
            let p = r.u32()?;
            if p as usize >= self.names.len() {
                return None;
            }
            people.push(p);
        }
        (r.at == r.bytes.len()).then_some(Source { own, check, people })
    }

    /// The body of the file.
    fn encode(&self) -> Vec<u8> {
        let mut b = Vec::with_capacity(self.docs.len() * 32 + self.sources.len() + (1 << 16));
        push_str(&mut b, self.group.as_bytes());
        push_str(&mut b, &self.fingerprint);
        push_varint(&mut b, u64::from(self.articles));
        push_varint(&mut b, self.docs.len() as u64);
        for d in &self.docs {
            b.extend_from_slice(d);
        }
        let mut last = 0;
        for &e in &self.ends {
            push_varint(&mut b, u64::from(e.wrapping_sub(last)));
            last = e;
        }
        for c in &self.checks {
            b.extend_from_slice(&c.to_le_bytes());
        }
        push_varint(&mut b, self.shards.len() as u64);
        for s in &self.shards {
            push_varint(&mut b, u64::from(s.id));
            push_str(&mut b, s.key.as_bytes());
            push_str(&mut b, s.file_key.as_bytes());
            push_varint(&mut b, u64::from(s.terms));
            push_varint(&mut b, s.size);
            b.push(u8::from(s.own));
            b.extend_from_slice(&s.digest);
        }
        push_varint(&mut b, self.split.len() as u64);
        for (p, size) in &self.split {
            push_str(&mut b, p.as_bytes());
            push_varint(&mut b, *size);
        }
        push_varint(&mut b, self.source_ends.len() as u64);
        let mut last = 0;
        for &e in &self.source_ends {
            push_varint(&mut b, u64::from(e - last));
            last = e;
        }
        push_str(&mut b, &self.sources);
        push_varint(&mut b, self.names.len() as u64);
        for n in &self.names {
            push_str(&mut b, n.as_bytes());
        }
        b
    }

    fn decode(body: &[u8], lists: Lists) -> Option<State> {
        let mut r = Reader { bytes: body, at: 0 };
        let group = r.string()?;
        let n = usize::try_from(r.varint()?).ok()?;
        let fingerprint = r.bytes(n)?.to_vec();
        let articles = r.u32()?;
        let docs = usize::try_from(r.varint()?).ok()?;
        if docs > body.len() / 16 || articles as usize > docs {
            return None;
        }
        let docs: Vec<Digest> = r
            .bytes(docs * 16)?
            .chunks_exact(16)
            .map(|c| {
                let mut d = [0; 16];
                d.copy_from_slice(c);
                d
            })
            .collect();
        let mut ends = Vec::with_capacity(docs.len());
        let mut end = 0u32;
        for _ in 0..docs.len() {
            end = end.checked_add(r.u32()?)?;
            ends.push(end);
        }
        if end as usize != lists.len() {
            return None;
        }
        let checks: Vec<u64> = r
            .bytes(docs.len() * 8)?
            .chunks_exact(8)
            .map(|c| u64::from_le_bytes(c.try_into().unwrap_or_default()))
            .collect();
        let n = usize::try_from(r.varint()?).ok()?;
        let mut shards = Vec::with_capacity(n.min(body.len()));
        for _ in 0..n {
            shards.push(ShardRec {
                id: r.u32()?,
                key: r.string()?,
                file_key: r.string()?,
                terms: r.u32()?,
                size: r.varint()?,
                own: match r.bytes(1)?[0] {
                    0 => false,
                    1 => true,
                    _ => return None,
                },
                digest: r.bytes(16)?.try_into().ok()?,
            });
        }
        let n = usize::try_from(r.varint()?).ok()?;
        let mut split = Vec::with_capacity(n.min(body.len()));
        for _ in 0..n {
            split.push((r.string()?, r.varint()?));
        }
        let n = usize::try_from(r.varint()?).ok()?;
        if n > articles as usize {
            return None;
        }
        let mut source_ends = Vec::with_capacity(n);
        let mut end = 0u32;
        for _ in 0..n {
            end = end.checked_add(r.u32()?)?;
            source_ends.push(end);
        }
        let n = usize::try_from(r.varint()?).ok()?;
        let sources = r.bytes(n)?.to_vec();
        if end as usize != sources.len() {
            return None;
        }
        let n = usize::try_from(r.varint()?).ok()?;
        let mut names = Vec::with_capacity(n.min(body.len()));
        for _ in 0..n {
            names.push(r.string()?);
        }
        (r.at == body.len()).then_some(State {
            group,
            fingerprint,
            articles,
            docs,
            lists,
            ends,
            checks,
            shards,
            split,
            sources,
            source_ends,
            names,
        })
    }

    /// The state left under the site at `root`, if there is one this binary wrote and it
    /// checks.
    pub fn read(root: &Path) -> Option<State> {
        // Mapped, not read: the lists, most of the file, stay in it (a rebuild copies them into
        // the next state in runs) instead of costing their size in fresh memory.
        let data = std::sync::Arc::new(crate::mapped::cache_file(&root.join(STATE_FILE)).ok()?);
        let head = data.get(..MAGIC.len() + 16 + 8 + 8 + 16)?;
        if !head.starts_with(MAGIC) || head[MAGIC.len()..MAGIC.len() + 16] != fingerprint() {
            return None;
        }
        let at = MAGIC.len() + 16;
        let len =
            |at: usize| usize::try_from(u64::from_le_bytes(head[at..at + 8].try_into().ok()?)).ok();
        let (body_len, lists_len) = (len(at)?, len(at + 8)?);
        let total = head.len().checked_add(body_len)?.checked_add(lists_len)?;
        if data.len() != total {
            return None;
        }
        let body = data.get(head.len()..head.len() + body_len)?;
        if crate::hash::digest(body)[..] != head[at + 16..] {
            return None;
        }
        let lists = Lists {
            mapped: Some((data.clone(), head.len() + body_len)),
            ..Lists::default()
        };
        State::decode(body, lists)
    }

    /// Writes the state under the site at `root` (best effort: to a temporary file, then
    /// renamed).
    pub fn write(&self, root: &Path) {
        use std::io::Write;
        use std::sync::atomic::{AtomicUsize, Ordering};
        static SERIAL: AtomicUsize = AtomicUsize::new(0);
        let path = root.join(STATE_FILE);
        let body = self.encode();
        let tmp = path.with_extension(format!(
            "tmp-{}-{}",
            std::process::id(),
            SERIAL.fetch_add(1, Ordering::Relaxed)
        ));
        let result = (|| {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)?;
            }
            let mut f = std::fs::File::create(&tmp)?;
            let mut head = Vec::with_capacity(MAGIC.len() + 48);
            head.extend_from_slice(MAGIC);
            head.extend_from_slice(&fingerprint());
            head.extend_from_slice(&(body.len() as u64).to_le_bytes());
            head.extend_from_slice(&(self.lists.len() as u64).to_le_bytes());
            head.extend_from_slice(&crate::hash::digest(&body));
            f.write_all(&head)?;
            f.write_all(&body)?;
            self.lists.write_to(&mut f)?;
            drop(f);
            std::fs::rename(&tmp, &path)
        })();
        if result.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
    }

    /// Fills the digests this state does not know from `old`, for shards of the same key and
    /// file key.
    pub fn digests_from(&mut self, old: &State) {
        let known: rustc_hash::FxHashMap<(&str, &str), Digest> = old
            .shards
            .iter()
            .filter(|r| r.digest != [0; 16])
            .map(|r| ((r.key.as_str(), r.file_key.as_str()), r.digest))
            .collect();
        for r in &mut self.shards {
            if r.digest == [0; 16] {
                if let Some(d) = known.get(&(r.key.as_str(), r.file_key.as_str())) {
                    r.digest = *d;
                }
            }
        }
    }

    /// Removes the state under `root` (best effort), so that the next build does not update
    /// an index it does not describe.
    pub fn remove(root: &Path) {
        let _ = std::fs::remove_file(root.join(STATE_FILE));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> State {
        let (mut sources, mut source_ends) = (Vec::new(), Vec::new());
        State::push_source(&mut sources, Some(&[4; 16]), [5, u64::MAX], &[1, 0]);
        source_ends.push(sources.len() as u32);
        State::push_source(&mut sources, None, [0, 7], &[]);
        source_ends.push(sources.len() as u32);
        let mut state = State {
            group: "g".into(),
            fingerprint: vec![7; 32],
            articles: 2,
            docs: vec![[1; 16], [2; 16], [3; 16]],
            shards: (0..3)
                .map(|i| ShardRec {
                    id: i,
                    key: format!("к{i}"),
                    file_key: format!("{i:032x}"),
                    terms: i + 1,
                    size: 1000 + u64::from(i),
                    own: i == 1,
                    digest: [i as u8; 16],
                })
                .collect(),
            split: vec![("к".into(), 99_000)],
            sources,
            source_ends,
            names: vec!["Кирило Буданов".into(), "Ольга".into()],
            ..State::default()
        };
        for l in [&[0u32, 2][..], &[], &[1, 2]] {
            assert!(state.push_list(l));
        }
        state
    }

    #[test]
    fn the_state_survives_a_round_trip_and_damage_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        assert!(State::read(dir.path()).is_none());
        let s = sample();
        s.write(dir.path());
        let back = State::read(dir.path()).unwrap();
        assert_eq!(back, s);
        let mut l = Vec::new();
        assert!(back.list(0, &mut l) && back.list(1, &mut l) && back.list(2, &mut l));
        assert_eq!(l, [0, 2, 1, 2]);
        let source = |own, check, people: &[u32]| Source {
            own,
            check,
            people: people.to_vec(),
        };
        assert_eq!(
            back.source(0),
            Some(source(Some([4; 16]), [5, u64::MAX], &[1, 0]))
        );
        assert_eq!(back.source(1), Some(source(None, [0, 7], &[])));
        assert_eq!(back.source(2), None);
        let path = dir.path().join(STATE_FILE);
        let good = std::fs::read(&path).unwrap();
        let lists = good.len() - s.lists.len();
        for at in [0, MAGIC.len() + 3, MAGIC.len() + 30, lists / 2, lists - 1] {
            let mut bad = good.clone();
            bad[at] ^= 0x20;
            std::fs::write(&path, &bad).unwrap();
            assert!(State::read(dir.path()).is_none(), "byte {at} changed");
        }
        std::fs::write(&path, &good[..good.len() - 1]).unwrap();
        assert!(State::read(dir.path()).is_none());
        // A list changed: read, but that list does not check (the others do).
        for at in lists..good.len() {
            let mut bad = good.clone();
            bad[at] ^= 0x01;
            std::fs::write(&path, &bad).unwrap();
            let back = State::read(dir.path()).unwrap();
            let d = back
                .ends
                .iter()
                .position(|&e| e as usize > at - lists)
                .unwrap();
            for k in 0..3 {
                assert_eq!(back.list(k, &mut Vec::new()), k != d, "byte {at}, list {k}");
            }
        }
        // A list that checks but does not decode.
        let mut s = sample();
        s.lists = vec![0xff; 3].into();
        s.ends = vec![1, 2, 3];
        s.checks = (0..3).map(|d| list_check(&s.lists[d..d + 1])).collect();
        s.write(dir.path());
        let back = State::read(dir.path()).unwrap();
        assert!(!back.list(1, &mut Vec::new()));
        State::remove(dir.path());
        assert!(State::read(dir.path()).is_none());
    }

    #[test]
    fn lists_copied_from_a_state_read_back_are_runs_of_its_file_and_write_the_same_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let mut x = 99u64;
        let mut next = |n: u64| {
            x = crate::testrand::xorshift(x);
            x % n
        };
        let mut old = State::default();
        let lists: Vec<Vec<u32>> = (0..60)
            .map(|_| {
                let mut l: Vec<u32> = (0..next(6)).map(|_| next(500) as u32).collect();
                l.sort_unstable();
                l.dedup();
                l
            })
            .collect();
        for l in &lists {
            assert!(old.push_list(l));
        }
        old.docs = vec![[0; 16]; lists.len()];
        old.write(dir.path());
        let read = State::read(dir.path()).unwrap();
        assert_eq!(
            format!("{:?}", read.lists),
            format!("Lists(mapped, {} bytes)", old.lists.len())
        );
        for round in 0..40 {
            // The same documents made twice: copied from the state read back, and from the
            // state in memory (whose lists are copied); some lists new, some dropped.
            let (mut runs, mut copied) = (State::default(), State::default());
            let mut want: Vec<Vec<u32>> = Vec::new();
            let mut any_copied = false;
            let mut d = 0;
            while d < lists.len() {
                match next(4) {
                    0 => {
                        let l = vec![round, 1000 + next(9) as u32];
                        assert!(runs.push_list(&l) && copied.push_list(&l));
                        want.push(l);
                    }
                    1 => d += 1 + next(3) as usize,
                    _ => {
                        let e = (d + 1 + next(8) as usize).min(lists.len());
                        assert!(runs.copy_lists(&read, d..e));
                        assert!(copied.copy_lists(&old, d..e));
                        any_copied = true;
                        want.extend_from_slice(&lists[d..e]);
                        d = e;
                    }
                }
            }
            assert!(!runs.copy_lists(&read, lists.len()..lists.len() + 1));
            assert_eq!(runs.ends, copied.ends, "round {round}");
            assert_eq!(runs.checks, copied.checks, "round {round}");
            assert_eq!(runs.lists.len(), copied.lists.len(), "round {round}");
            assert!(!format!("{:?}", copied.lists).contains("runs"));
            assert_eq!(
                format!("{:?}", runs.lists).starts_with("Lists(runs"),
                any_copied,
                "round {round}"
            );
            assert_eq!(runs.lists, copied.lists, "round {round}");
            // Written and read back: every list is the one wanted, and checks.
            runs.docs = vec![[1; 16]; want.len()];
            let sub = dir.path().join(format!("r{round}"));
            runs.write(&sub);
            let back = State::read(&sub).unwrap();
            assert_eq!(*back.lists, *copied.lists, "round {round}");
            for (k, l) in want.iter().enumerate() {
                let mut got = Vec::new();
                assert!(back.list(k, &mut got), "round {round}, list {k}");
                assert_eq!(&got, l, "round {round}, list {k}");
            }
        }
    }
}
