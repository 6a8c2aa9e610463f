//! Updating the index in place: a rebuild after a few documents changed indexes only those,
//! and makes only the shards their terms are in, from the previous build's shards (read back
//! from the output folder) and its [`State`].
//!
//! The previous build's documents and the new ones are matched by the digest of what their
//! terms depend on ([`DocKeys::terms`]; a document's scores depend on it alone, nothing
//! global). A document of the previous build with no match was removed (or changed), one that
//! matches at another number moved (a person inserted before it renumbers it), a new one with no
//! match is added (or changed): the shards the first two had terms in and those the terms of the
//! added ones fall in are *touched*. Each touched shard is read back from the output folder and
//! checked against the key the state recorded for it (a digest of its terms' stems, lengths and
//! postings, as the full build keys shards), its postings renumbered, those of removed
//! documents dropped and those of added ones added, and then keyed again: the same key, the
//! shard is kept; another, it is written. A touched shard that no renumbered document has terms
//! in (by the state's lists) and whose bytes check against their digest is first only scanned
//! for the postings of the removed documents, each term's postings read no further than the
//! last of them: when those are the postings added (an edit that left the shard's terms as they
//! were), the shard is kept without being parsed; one with renumbered documents is parsed at
//! once.
//!
//! An article the previous build had and this one has not (edited, or gone) need not be read out
//! of the shards at all: its old terms are found again ([`old_terms`]) from the terms cache (by
//! the file digest the state recorded for it, read with [`cache::Peek`], which walks the cache
//! without decoding it) and from the names of the people it named, and used only if they match
//! the check of its terms the state keeps ([`TermsCheck`]) and fall in the very shards the state
//! lists for it. A touched shard whose removed documents are all known so, with no renumbered
//! document, is kept without being read when their postings are the ones added; otherwise it is
//! parsed as above. The own terms of the articles added (an edited one's new version) are
//! appended to the terms cache ([`cache::Peek::store`]), so that the next edit of the same
//! article finds them again there too.
//!
//! The shards are the full build's when their partition does not change: every shard keeps at
//! least one term, no term falls where there is no shard, a shard that was one node stays
//! within [`SHARD_BUDGET`] and a node that split stays above it (the sizes of the nodes are in
//! the state). Anything else (no state, a state of another index or binary, a shard that does
//! not read back as recorded, a file not kept, more than a quarter of the documents moved, a
//! partition that would change) leaves the update to the full build, which gives the same
//! files; tests compare the two.

use super::*;
use crate::hash::Digest;

/// No document (in the renumbering) or no shard.
const NONE: u32 = u32::MAX;
/// The most removed articles whose terms are found again from the terms cache rather than
/// read out of the shards (each costs a walk of the cache's file at most once, and a few
/// look-ups).
const MAX_FOUND_AGAIN: usize = 64;

/// A shard's terms as read back or updated: stem, postings (document, score) by document.
type ShardTerms = Vec<(String, Vec<(u32, u32)>)>;
/// A posting by its stem: stem, document, score.
type Posting<'s> = (&'s str, u32, u32);
/// Postings as read from a shard's bytes: stem as written (quoted, maybe escaped), document,
/// score.
type Postings<'b> = Vec<(&'b [u8], u32, u32)>;

/// Where a term falls.
enum Place {
    /// In the state's shard of this place.
    Shard(u32),
    /// In a shard there is not: the own group of the node that split at `key`, or the node `key`
    /// below one that split (a new prefix).
    New { key: String, own: bool },
}

/// Where a term falls: the shard tree of the state (the partition of the previous build).
struct Tree<'a> {
    /// Shards that are a node, by key.
    leaves: FxHashMap<&'a str, u32>,
    /// Nodes that split, by prefix, with their index in the state.
    split: FxHashMap<&'a str, usize>,
    /// Own groups of split nodes, by key.
    own: FxHashMap<&'a str, u32>,
}

impl<'a> Tree<'a> {
    fn new(state: &'a State) -> Tree<'a> {
        let mut t = Tree {
            leaves: FxHashMap::default(),
            split: FxHashMap::default(),
            own: FxHashMap::default(),
        };
        for (n, s) in state.shards.iter().enumerate() {
            if s.own {
                t.own.insert(&s.key, n as u32);
            } else {
                t.leaves.insert(&s.key, n as u32);
            }
        }
        for (n, (p, _)) in state.split.iter().enumerate() {
            t.split.insert(p, n);
        }
        t
    }

    /// Where `stem` falls, as [`shard`] would place it in the previous partition.
    fn route(&self, stem: &str) -> Place {
        let mut prefix = String::with_capacity(MAX_KEY * 2);
        let mut chars = stem.chars().map(fold_char).take(MAX_KEY);
        loop {
            match chars.next() {
                None => {
                    return match self.own.get(prefix.as_str()) {
                        Some(&s) => Place::Shard(s),
                        None => Place::New {
                            key: prefix,
                            own: true,
                        },
                    }
                }
                Some(c) => {
                    prefix.push(c);
                    if let Some(&s) = self.leaves.get(prefix.as_str()) {
                        return Place::Shard(s);
                    }
                    if !self.split.contains_key(prefix.as_str()) {
                        return Place::New {
                            key: prefix,
                            own: false,
                        };
                    }
                }
            }
        }
    }
}

/// Walks a shard's bytes (`{"stem":[doc,score,…],…}`, docs delta-coded), calling `term` with
/// each term's stem (as written: quoted, maybe escaped) and `posting` with each of its postings
/// (document, score); none if the bytes are not in that form.
fn walk<'b>(
    b: &'b [u8],
    mut term: impl FnMut(&'b [u8]) -> Option<()>,
    mut posting: impl FnMut(u32, u32),
) -> Option<()> {
    #[inline]
    fn number(b: &[u8], i: &mut usize) -> Option<u32> {
        let start = *i;
        let mut n: u32 = 0;
        while let Some(&c) = b.get(*i) {
            let digit = c.wrapping_sub(b'0');
            if digit > 9 {
                break;
            }
            n = n.checked_mul(10)?.checked_add(u32::from(digit))?;
            *i += 1;
        }
        (*i > start).then_some(n)
    }
    if b.first() != Some(&b'{') {
        return None;
    }
    let mut i = 1;
    if b.get(i) == Some(&b'}') {
        i += 1;
    } else {
        loop {
            if b.get(i) != Some(&b'"') {
                return None;
            }
            let mut j = i + 1;
            loop {
                match *b.get(j)? {
                    b'"' => break,
                    b'\\' => j += 2,
                    _ => j += 1,
                }
            }
            term(b.get(i..=j)?)?;
            i = j + 1;
            if b.get(i..i + 2) != Some(b":[") {
                return None;
            }
            i += 2;
            let mut last: Option<u32> = None;
            loop {
                let delta = number(b, &mut i)?;
                if b.get(i) != Some(&b',') {
                    return None;
                }
                i += 1;
                let score = number(b, &mut i)?;
                let doc = match last {
                    None => delta,
                    Some(l) => l.checked_add(delta)?,
                };
                posting(doc, score);
                last = Some(doc);
                match b.get(i) {
                    Some(b',') => i += 1,
                    Some(b']') => {
                        i += 1;
                        break;
                    }
                    _ => return None,
                }
            }
            match b.get(i) {
                Some(b',') => i += 1,
                Some(b'}') => {
                    i += 1;
                    break;
                }
                _ => return None,
            }
        }
    }
    (b.get(i) == Some(&b'\n') && i + 1 == b.len()).then_some(())
}

/// A stem as written in a shard (quoted, maybe escaped).
fn unquote(raw: &[u8]) -> Option<std::borrow::Cow<'_, str>> {
    if raw.contains(&b'\\') {
        serde_json::from_slice::<String>(raw).ok().map(Into::into)
    } else {
        std::str::from_utf8(raw.get(1..raw.len().checked_sub(1)?)?)
            .ok()
            .map(Into::into)
    }
}

/// Reads a shard's bytes back ([`walk`]).
fn parse_shard(b: &[u8]) -> Option<ShardTerms> {
    let out = std::cell::RefCell::new(ShardTerms::new());
    walk(
        b,
        |raw| {
            out.borrow_mut()
                .push((unquote(raw)?.into_owned(), Vec::new()));
            Some(())
        },
        |d, s| {
            if let Some((_, p)) = out.borrow_mut().last_mut() {
                p.push((d, s));
            }
        },
    )?;
    Some(out.into_inner())
}

/// The key of a shard of `terms` at `path`, as the full build makes it, and its size (the
/// terms' lengths plus one each).
fn shard_key(fingerprint: &[u8], path: &str, terms: &ShardTerms) -> (String, u64) {
    let mut size = 0u64;
    let key = file_key(fingerprint, path, |h| {
        h.update(b"terms\0");
        h.update((terms.len() as u64).to_le_bytes());
        for (stem, postings) in terms {
            let mut st = TermStat::default();
            for &(d, s) in postings {
                st.add(d, s);
            }
            let len = js_len(stem) + 3 + st.len as usize;
            size += len as u64 + 1;
            h.update((stem.len() as u32).to_le_bytes());
            h.update(stem.as_bytes());
            h.update((len as u64).to_le_bytes());
            h.update(st.sum[0].to_le_bytes());
            h.update(st.sum[1].to_le_bytes());
        }
    });
    (key, size)
}

/// A shard's bytes, as the full build writes them.
fn render_shard(terms: &ShardTerms, size: u64) -> Vec<u8> {
    let mut out = Vec::with_capacity(size as usize + 2);
    let mut num = itoa::Buffer::new();
    out.push(b'{');
    for (n, (stem, postings)) in terms.iter().enumerate() {
        if n > 0 {
            out.push(b',');
        }
        push_js(&mut out, stem);
        out.extend_from_slice(b":[");
        let mut last = None;
        for &(d, s) in postings {
            let delta = match last {
                None => d,
                Some(l) => {
                    out.push(b',');
                    d - l
                }
            };
            out.extend_from_slice(num.format(delta).as_bytes());
            out.push(b',');
            out.extend_from_slice(num.format(s).as_bytes());
            last = Some(d);
        }
        out.push(b']');
    }
    out.extend_from_slice(b"}\n");
    out
}

/// Reads a file of the previous build's output.
type Read<'a> = dyn Fn(&str) -> Option<Vec<u8>> + Sync + 'a;
/// Whether the previous build's file at a path is intact with a key.
type Keep<'a> = dyn Fn(&str, &str) -> bool + Sync + 'a;

/// A touched shard, updated: its bytes, number of terms, key and size; or `same`, the same as
/// before (its bytes are then not kept).
struct Updated {
    bytes: Vec<u8>,
    terms: u32,
    key: String,
    size: u64,
    same: bool,
}

impl Updated {
    /// A shard of `terms`, made.
    fn made(fingerprint: &[u8], path: &str, terms: &ShardTerms) -> Updated {
        let (key, size) = shard_key(fingerprint, path, terms);
        Updated {
            bytes: render_shard(terms, size),
            terms: terms.len() as u32,
            key,
            size,
            same: false,
        }
    }

    /// The shard of `rec`, as it was.
    fn same(rec: &ShardRec) -> Updated {
        Updated {
            bytes: Vec::new(),
            terms: rec.terms,
            key: rec.file_key.clone(),
            size: rec.size,
            same: true,
        }
    }
}

/// Writes a term (`stem` as written, quoted and escaped, of the stem `name`; its postings by
/// ascending document, the first `k` of them as the bytes `written`, which a build wrote for
/// them) onto a shard being made (`out`, after a comma unless it is the first), and what its
/// key is made of onto `key` (as [`shard_key`] feeds it); the term's size (its length plus one).
fn put_term(
    out: &mut Vec<u8>,
    key: &mut Vec<u8>,
    (stem, name): (&[u8], &[u8]),
    postings: &[(u32, u32)],
    (written, k): (&[u8], usize),
) -> u64 {
    if out.len() > 1 {
        out.push(b',');
    }
    let start = out.len();
    out.extend_from_slice(stem);
    out.extend_from_slice(b":[");
    out.extend_from_slice(written);
    let (copied, rest) = postings.split_at(k.min(postings.len()));
    let mut st = TermStat::of_written(copied, written.len());
    let mut num = itoa::Buffer::new();
    for &(d, s) in rest {
        let delta = if st.len == 0 {
            d
        } else {
            out.push(b',');
            d - st.last
        };
        out.extend_from_slice(num.format(delta).as_bytes());
        out.push(b',');
        out.extend_from_slice(num.format(s).as_bytes());
        st.add(d, s);
    }
    out.push(b']');
    let len = out.len() - start;
    key.extend_from_slice(&(name.len() as u32).to_le_bytes());
    key.extend_from_slice(name);
    key.extend_from_slice(&(len as u64).to_le_bytes());
    key.extend_from_slice(&st.sum[0].to_le_bytes());
    key.extend_from_slice(&st.sum[1].to_le_bytes());
    len as u64 + 1
}

/// A shard's bytes as a build wrote them (`b`, their digest checked: as [`render_shard`] writes
/// them), updated in one pass: its `terms` terms' postings renumbered by `old_to_new` (those of
/// removed documents dropped) with `adds` (stem, document, score; sorted) merged in, terms
/// left without postings dropped and new ones put in stem order. A term whose postings keep
/// their numbers and get none added is copied as it was; the others are written anew. The
/// same as [`parse_shard`], renumbering and [`Updated::made`] give (`shard_key` and
/// `render_shard`); none if the bytes are not in that form or do not have `terms` terms.
fn rewrite_shard(
    b: &[u8],
    terms: u32,
    old_to_new: &[u32],
    adds: &[Posting],
    (fingerprint, path): (&[u8], &str),
) -> Option<Updated> {
    if b.first() != Some(&b'{') {
        return None;
    }
    let mut out = Vec::with_capacity(b.len() + adds.len() * 16 + 2);
    let mut key = Vec::with_capacity(b.len() / 4 + 64);
    let mut postings: Vec<(u32, u32)> = Vec::new();
    let (mut count, mut made, mut size) = (0u32, 0u32, 0u64);
    let mut a = 0;
    // The terms of `adds[a..]` of stems before `before` (all of them with none), put as new.
    let put_new = |out: &mut Vec<u8>,
                   key: &mut Vec<u8>,
                   a: &mut usize,
                   before: Option<&[u8]>,
                   postings: &mut Vec<(u32, u32)>| {
        let mut stem = Vec::new();
        let (mut size, mut n) = (0, 0);
        while let Some(&(s, ..)) = adds.get(*a) {
            if before.is_some_and(|b| s.as_bytes() >= b) {
                break;
            }
            postings.clear();
            while let Some(&(t, d, score)) = adds.get(*a) {
                if t != s {
                    break;
                }
                postings.push((d, score));
                *a += 1;
            }
            stem.clear();
            push_js(&mut stem, s);
            size += put_term(out, key, (&stem, s.as_bytes()), postings, (&[], 0));
            n += 1;
        }
        (size, n)
    };
    out.push(b'{');
    let mut i = 1;
    if b.get(i) == Some(&b'}') {
        i += 1;
    } else {
        loop {
            if b.get(i) != Some(&b'"') {
                return None;
            }
            let j = stem_end(b, i)?;
            let raw = b.get(i..=j)?;
            // The stem (the bytes are a build's: UTF-8).
            let name: std::borrow::Cow<[u8]> = if raw.contains(&b'\\') {
                unquote(raw)?.into_owned().into_bytes().into()
            } else {
                raw.get(1..raw.len() - 1)?.into()
            };
            count += 1;
            let (s, n) = put_new(&mut out, &mut key, &mut a, Some(&name), &mut postings);
            (size, made) = (size + s, made + n);
            i = j + 1;
            if b.get(i..i + 2) != Some(b":[") {
                return None;
            }
            i += 2;
            let from = i;
            postings.clear();
            // The first document added to the term, if any (adds are by stem, then document).
            let first_add = match adds.get(a) {
                Some(&(s, d, _)) if s.as_bytes() == &*name => d,
                _ => NONE,
            };
            // Where the postings stop being as they were (the end of the bytes before the
            // first one dropped, renumbered or with an added one before it, and how many are
            // before it).
            let mut cut: Option<(usize, usize)> = None;
            let mut doc: Option<u32> = None;
            loop {
                let at = i;
                let d = next_doc(b, &mut i, doc)?;
                let score = short_number(b, &mut i)?;
                doc = Some(d);
                let n = *old_to_new.get(d as usize)?;
                if cut.is_none() && (n != d || d >= first_add) {
                    let end = if postings.is_empty() { from } else { at - 1 };
                    cut = Some((end, postings.len()));
                }
                if n != NONE {
                    postings.push((n, score));
                }
                match b.get(i) {
                    Some(b',') => i += 1,
                    Some(b']') => break,
                    _ => return None,
                }
            }
            let (end, k) = cut.unwrap_or((i, postings.len()));
            let all = postings.len();
            i += 1;
            while let Some(&(s, d, score)) = adds.get(a) {
                if s.as_bytes() != &*name {
                    break;
                }
                postings.push((d, score));
                a += 1;
            }
            // The postings from the cut on in order (the ones kept, then the ones added, each
            // in order if the renumbering kept it): merged; else all of them sorted and
            // written anew.
            let mut k = k;
            let kept_sorted = postings[k..all].is_sorted_by_key(|&(d, _)| d)
                && (k == 0 || postings.get(k).is_none_or(|&(d, _)| d > postings[k - 1].0));
            if kept_sorted {
                if all > k && all < postings.len() {
                    // Two runs in order: merged.
                    postings[k..].sort_by_key(|&(d, _)| d);
                }
            } else {
                postings.sort_unstable_by_key(|&(d, _)| d);
                k = 0;
            }
            if !postings.is_empty() {
                let written = if k == 0 { &[][..] } else { b.get(from..end)? };
                size += put_term(&mut out, &mut key, (raw, &name), &postings, (written, k));
                made += 1;
            }
            match b.get(i) {
                Some(b',') => i += 1,
                Some(b'}') => {
                    i += 1;
                    break;
                }
                _ => return None,
            }
        }
    }
    if b.get(i..) != Some(b"\n") || count != terms {
        return None;
    }
    let (s, n) = put_new(&mut out, &mut key, &mut a, None, &mut postings);
    (size, made) = (size + s, made + n);
    out.extend_from_slice(b"}\n");
    if out == b {
        // The caller knows the key it had.
        return Some(Updated {
            bytes: Vec::new(),
            terms,
            key: String::new(),
            size,
            same: true,
        });
    }
    let file_key = file_key(fingerprint, path, |h| {
        h.update(b"terms\0");
        h.update(u64::from(made).to_le_bytes());
        h.update(&key);
    });
    Some(Updated {
        bytes: out,
        terms: made,
        key: file_key,
        size,
        same: false,
    })
}

/// What the state's lists of documents say of a touched shard: the last removed document with
/// terms in it (none if no removed document has), and whether a document that stays but is
/// renumbered has terms in it.
#[derive(Clone, Copy, Default)]
struct Touch {
    last_gone: Option<u32>,
    renumbered: bool,
}

/// The first `c` in `b` at or after `from` (the `memchr` crate's search).
fn find_byte(b: &[u8], from: usize, c: u8) -> Option<usize> {
    memchr::memchr(c, b.get(from..)?).map(|p| from + p)
}

/// The index of the closing quote of the quoted stem that starts at `b[i]`: the next quote,
/// unless a backslash is before it (a quote in a stem is escaped, so a quote after anything
/// else closes it).
fn stem_end(b: &[u8], i: usize) -> Option<usize> {
    let mut j = find_byte(b, i + 1, b'"')?;
    if *b.get(j - 1)? == b'\\' {
        j = i + 1;
        loop {
            match *b.get(j)? {
                b'"' => break,
                b'\\' => j += 2,
                _ => j += 1,
            }
        }
    }
    Some(j)
}

/// A posting's document at `b[*i..]` (its delta from `doc`, the previous one, and a comma),
/// skipped.
fn next_doc(b: &[u8], i: &mut usize, doc: Option<u32>) -> Option<u32> {
    let delta = short_number(b, i)?;
    if b.get(*i) != Some(&b',') {
        return None;
    }
    *i += 1;
    match doc {
        None => Some(delta),
        Some(l) => l.checked_add(delta),
    }
}

/// The number of 1 to 9 digits at `b[*i..]`, skipped; none if there are no digits or more.
/// (Digit by digit: the numbers of a shard's postings are mostly one or two digits, for which
/// reading eight bytes at once costs more.)
#[inline]
fn short_number(b: &[u8], i: &mut usize) -> Option<u32> {
    let start = *i;
    let mut n: u32 = 0;
    while let Some(&c) = b.get(*i) {
        let digit = c.wrapping_sub(b'0');
        if digit > 9 {
            break;
        }
        n = n.wrapping_mul(10).wrapping_add(u32::from(digit));
        *i += 1;
    }
    (1..=9).contains(&(*i - start)).then_some(n)
}

/// The postings of removed documents in a shard's bytes as a build wrote them (their digest
/// checked: well formed), read only as far as they must be: each term's postings up to the
/// first document past `last_gone` (all of them skipped when it is none), as no document up to
/// there may be renumbered. The number of terms and the postings (stem as written, document,
/// score); none if a document read is renumbered or the bytes are not in that form.
fn scan_removed<'b>(
    b: &'b [u8],
    last_gone: Option<u32>,
    old_to_new: &[u32],
) -> Option<(usize, Postings<'b>)> {
    /// Skips the digits at `b[*i..]`; how many there were.
    #[inline]
    fn digits(b: &[u8], i: &mut usize) -> Option<usize> {
        let start = *i;
        while b.get(*i)?.wrapping_sub(b'0') <= 9 {
            *i += 1;
        }
        Some(*i - start)
    }
    let mut removed = Vec::new();
    let mut count = 0;
    if b.first() != Some(&b'{') {
        return None;
    }
    let mut i = 1;
    if b.get(i) == Some(&b'}') {
        return (b.get(i + 1..) == Some(b"\n")).then_some((0, removed));
    }
    loop {
        if b.get(i) != Some(&b'"') {
            return None;
        }
        let j = stem_end(b, i)?;
        let stem = b.get(i..=j)?;
        count += 1;
        i = j + 1;
        if b.get(i..i + 2) != Some(b":[") {
            return None;
        }
        i += 2;
        match last_gone {
            None => i = find_byte(b, i, b']')? + 1,
            Some(limit) => {
                let mut doc: Option<u32> = None;
                loop {
                    let d = next_doc(b, &mut i, doc)?;
                    if d > limit {
                        i = find_byte(b, i, b']')? + 1;
                        break;
                    }
                    match old_to_new.get(d as usize) {
                        Some(&n) if n == d => {
                            if digits(b, &mut i)? == 0 {
                                return None;
                            }
                        }
                        Some(&NONE) => removed.push((stem, d, short_number(b, &mut i)?)),
                        _ => return None,
                    }
                    doc = Some(d);
                    match b.get(i) {
                        Some(b',') => i += 1,
                        Some(b']') => {
                            i += 1;
                            break;
                        }
                        _ => return None,
                    }
                }
            }
        }
        match b.get(i) {
            Some(b',') => i += 1,
            Some(b'}') => break,
            _ => return None,
        }
    }
    (b.get(i + 1..) == Some(b"\n")).then_some((count, removed))
}

/// Whether the postings `removed` (stem as written, document, score) are those of `adds`.
fn same_postings(removed: &[(&[u8], u32, u32)], adds: &[(&str, u32, u32)]) -> Option<bool> {
    if removed.len() != adds.len() {
        return Some(false);
    }
    let mut r: Vec<(std::borrow::Cow<str>, u32, u32)> = Vec::with_capacity(removed.len());
    for &(raw, d, score) in removed {
        r.push((unquote(raw)?, d, score));
    }
    r.sort_unstable();
    let mut a: Vec<(std::borrow::Cow<str>, u32, u32)> = adds
        .iter()
        .map(|&(s, d, score)| (s.into(), d, score))
        .collect();
    a.sort_unstable();
    Some(r == a)
}

/// Whether the postings `removed` and `adds` (stem, document, score) are the same, in any
/// order.
fn same_known(removed: &[(&str, u32, u32)], adds: &[(&str, u32, u32)]) -> bool {
    if removed.len() != adds.len() {
        return false;
    }
    let mut r = removed.to_vec();
    let mut a = adds.to_vec();
    r.sort_unstable();
    a.sort_unstable();
    r == a
}

/// The stems found new in an update (`Stems::new`), their names by id; none if an id is out
/// of range.
fn names_by_id(new: &FxHashMap<Box<str>, u32>) -> Option<Vec<&str>> {
    let mut names: Vec<&str> = vec![""; new.len()];
    for (s, &id) in new {
        *names.get_mut(id as usize)? = s;
    }
    Some(names)
}

/// The terms (stem, score) article `o` of the previous build had, found again: its own from
/// the terms cache (`peek`) by the digest the state recorded, its people's from their names,
/// added as [`find_doc`] adds them; none unless the state says how, the cache has them, and
/// they match the check the state keeps of them.
fn old_terms(old: &State, o: usize, peek: &cache::Peek) -> Option<Vec<(String, u32)>> {
    let source = old.source(o)?;
    let own = peek.terms(source.own.as_ref()?)?;
    let dict = Dict::default();
    let stems = Stems {
        dict: &dict,
        new: Mutex::new(FxHashMap::default()),
    };
    let mut t = Terms::default();
    for &p in &source.people {
        t.add(
            &stems,
            old.names.get(p as usize)?,
            PERSON_IN_ARTICLE,
            u32::MAX,
        );
    }
    let people = t.take();
    let new = stems
        .new
        .into_inner()
        .unwrap_or_else(PoisonError::into_inner);
    let names = names_by_id(&new)?;
    let mut terms: FxHashMap<&str, u32> =
        FxHashMap::with_capacity_and_hasher(own.len() + people.len(), Default::default());
    for (stem, score) in own {
        terms.insert(stem, score);
    }
    for (id, score) in people {
        *terms.entry(names.get(id as usize)?).or_insert(0) += score;
    }
    let check = TermsCheck::of(terms.iter().map(|(&s, &score)| (s, score)));
    (check.0 == source.check).then(|| {
        terms
            .into_iter()
            .map(|(s, score)| (s.to_string(), score))
            .collect()
    })
}

/// The previous build's shard `s`: kept (by `keep`) as the state recorded it, read back from
/// `read` and checked against the state (length, digest, number of terms), renumbered by
/// `old_to_new` (removed documents dropped; `touch` is what the state's lists say of it) and
/// with `adds` (stem, document, score) added.
fn update_shard(
    old: &State,
    s: usize,
    fingerprint: &[u8],
    (read, keep): (&Read<'_>, &Keep<'_>),
    (old_to_new, touch): (&[u32], Touch),
    (adds, known): (&[Posting], Option<&[Posting]>),
) -> Option<Updated> {
    let rec = old.shards.get(s)?;
    let path = shard_file(&rec.key);
    if !keep(&path, &rec.file_key) {
        return None;
    }
    // The postings of the removed documents known (their terms found again and checked): the
    // shard is the same, without reading it, when they are those added and no document in
    // it is renumbered.
    if let (Some(removed), false) = (known, touch.renumbered) {
        if same_known(removed, adds) {
            KEPT_UNREAD.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            return Some(Updated::same(rec));
        }
    }
    let bytes = read(&path)?;
    let checked = rec.digest != [0; 16];
    if bytes.len() as u64 != rec.size + 2 || (checked && crate::hash::digest(&bytes) != rec.digest)
    {
        return None;
    }
    let same = Updated::same(rec);
    // If the postings of documents removed are those added, at the same numbers, and no other
    // document is renumbered, the shard is the same. A shard no renumbered document has terms in
    // whose bytes are checked is read only as far as the removed documents; one whose bytes
    // are not is walked whole first, without keeping the postings.
    if known.is_some() {
        // Not the same: parsed below.
    } else if checked && !touch.renumbered {
        if let Some((count, removed)) = scan_removed(&bytes, touch.last_gone, old_to_new) {
            if count != rec.terms as usize {
                return None;
            }
            if same_postings(&removed, adds)? {
                return Some(same);
            }
        }
    } else if !touch.renumbered {
        let stem = std::cell::Cell::new(&b""[..]);
        let mut count = 0usize;
        let mut removed: Vec<(&[u8], u32, u32)> = Vec::new();
        let mut renumbered = false;
        let mut bad = false;
        walk(
            &bytes,
            |raw| {
                stem.set(raw);
                count += 1;
                Some(())
            },
            |d, score| match old_to_new.get(d as usize) {
                Some(&NONE) => removed.push((stem.get(), d, score)),
                Some(&n) => renumbered |= n != d,
                None => bad = true,
            },
        )?;
        if bad || count != rec.terms as usize {
            return None;
        }
        if !renumbered && same_postings(&removed, adds)? {
            return Some(same);
        }
    }
    // Bytes checked are as a build writes them: updated in one pass.
    if checked {
        let mut sorted = adds.to_vec();
        sorted.sort_unstable();
        let u = rewrite_shard(&bytes, rec.terms, old_to_new, &sorted, (fingerprint, &path))?;
        return Some(if u.same { Updated::same(rec) } else { u });
    }
    let mut terms = parse_shard(&bytes)?;
    drop(bytes);
    if terms.len() != rec.terms as usize {
        return None;
    }
    // Postings of documents removed: (term, document, score).
    let mut removed: Vec<(usize, u32, u32)> = Vec::new();
    let mut renumbered = false;
    for (t, (_, postings)) in terms.iter_mut().enumerate() {
        let mut ok = true;
        postings.retain_mut(|(d, score)| match old_to_new.get(*d as usize) {
            Some(&NONE) => {
                removed.push((t, *d, *score));
                false
            }
            Some(&n) => {
                renumbered |= n != *d;
                *d = n;
                true
            }
            None => {
                ok = false;
                false
            }
        });
        if !ok {
            return None;
        }
    }
    // The same postings removed as added, at the same numbers: the same shard.
    if !renumbered && removed.len() == adds.len() {
        let mut r: Vec<(&str, u32, u32)> = removed
            .iter()
            .map(|&(t, d, score)| (terms[t].0.as_str(), d, score))
            .collect();
        r.sort_unstable();
        let mut a = adds.to_vec();
        a.sort_unstable();
        if r == a {
            return Some(same);
        }
    }
    for &(stem, d, score) in adds {
        match terms.binary_search_by(|(s, _)| s.as_str().cmp(stem)) {
            Ok(k) => terms[k].1.push((d, score)),
            Err(k) => terms.insert(k, (stem.to_string(), vec![(d, score)])),
        }
    }
    terms.retain(|(_, p)| !p.is_empty());
    for (_, postings) in &mut terms {
        if !postings.is_sorted_by_key(|&(d, _)| d) {
            postings.sort_unstable_by_key(|&(d, _)| d);
        }
    }
    Some(Updated::made(fingerprint, &path, &terms))
}

/// The index files updated from the previous build's `old` state, and the new state; why not,
/// when that cannot be shown to give the full build's files (see the module doc).
pub(super) fn update<P: Send>(
    docs: &Docs,
    keys: &DocKeys,
    old: &State,
    prev: &Previous<P>,
    (read, cache_root): (&Read<'_>, Option<&Path>),
    group: &str,
) -> Result<(Vec<Piece<P>>, State), &'static str> {
    use rayon::prelude::*;
    let n_new = docs.len();
    let n_articles = docs.articles();
    let n_old = old.docs.len();
    if old.fingerprint != prev.fingerprint
        || old.ends.len() != n_old
        || old.checks.len() != n_old
        || keys.terms.len() != n_new
        || keys.fields.len() != n_new
    {
        return Err("another fingerprint or document count");
    }
    // The documents matched by their terms' digest: at the same number first (most of them),
    // then the others through a map of the old ones left.
    let mut old_to_new = vec![NONE; n_old];
    let mut new_to_old = vec![NONE; n_new];
    for (d, (t, o)) in keys.terms.iter().zip(&old.docs).enumerate() {
        if t == o {
            old_to_new[d] = d as u32;
            new_to_old[d] = d as u32;
        }
    }
    let mut by_terms: FxHashMap<Digest, u32> = FxHashMap::default();
    for (o, d) in old.docs.iter().enumerate() {
        if old_to_new[o] == NONE && by_terms.insert(*d, o as u32).is_some() {
            return Err("two documents alike");
        }
    }
    let mut added = Vec::new();
    for (d, t) in keys.terms.iter().enumerate() {
        if new_to_old[d] != NONE {
            continue;
        }
        match by_terms.get(t) {
            Some(&o) if old_to_new[o as usize] == NONE => {
                old_to_new[o as usize] = d as u32;
                new_to_old[d] = o;
            }
            _ => added.push(d),
        }
    }
    drop(by_terms);
    let moved: Vec<usize> = (0..n_old).filter(|&o| old_to_new[o] != o as u32).collect();
    if (moved.len() + added.len()) * 4 > n_new.max(64) {
        return Err("too many documents moved");
    }
    // The place of each shard id in the state.
    let next_id = old
        .shards
        .iter()
        .map(|r| r.id as usize + 1)
        .max()
        .unwrap_or(0);
    if next_id > old.shards.len() * 4 + 1024 {
        return Err("shard ids too sparse");
    }
    let mut place_of = vec![NONE; next_id];
    for (n, r) in old.shards.iter().enumerate() {
        if std::mem::replace(&mut place_of[r.id as usize], n as u32) != NONE {
            return Err("two shards of one id");
        }
    }
    // The shards touched: those the removed and moved documents had terms in…
    // Per shard, what the state's lists say of it: the last removed document with terms in it
    // and whether a renumbered one has some (see [`Touch`]).
    let tree = Tree::new(old);
    // The terms of removed articles found again (see [`old_terms`]), where they can be and
    // fall in the very shards the state lists for them: their postings are then known without
    // reading the shards.
    let gone: Vec<usize> = moved
        .iter()
        .copied()
        .filter(|&o| old_to_new[o] == NONE && o < old.articles as usize)
        .collect();
    // The cache is walked to find those, and to record the terms of the articles added (so
    // that the next edit of one finds them again).
    let find_again = !gone.is_empty() && gone.len() <= MAX_FOUND_AGAIN;
    let any_to_cache = added.iter().any(|&d| docs.digest(d).is_some());
    let peek = match cache_root {
        Some(root) if find_again || any_to_cache => cache::Peek::open(root),
        _ => None,
    };
    let mut list = Vec::new();
    let mut known: FxHashMap<usize, Vec<(u32, String, u32)>> = FxHashMap::default();
    if let (Some(peek), true) = (&peek, find_again) {
        for &o in &gone {
            let Some(terms) = old_terms(old, o, peek) else {
                continue;
            };
            list.clear();
            if !old.list(o, &mut list) {
                return Err("a document's shards do not decode");
            }
            let mut listed: Vec<u32> = list
                .iter()
                .map(|&id| place_of.get(id as usize).copied().unwrap_or(NONE))
                .collect();
            listed.sort_unstable();
            let mut routed = Vec::with_capacity(terms.len());
            for (stem, score) in terms {
                match tree.route(&stem) {
                    Place::Shard(n) => routed.push((n, stem, score)),
                    Place::New { .. } => routed.push((NONE, stem, score)),
                }
            }
            let mut shards: Vec<u32> = routed.iter().map(|&(n, ..)| n).collect();
            shards.sort_unstable();
            shards.dedup();
            if shards == listed {
                FOUND_AGAIN.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                known.insert(o, routed);
            }
        }
    }
    let mut touched = vec![false; old.shards.len()];
    let mut touch = vec![Touch::default(); old.shards.len()];
    // Per shard, the postings of the removed documents, if all those with terms in it are known.
    let mut removed: Vec<Option<Vec<Posting>>> = vec![Some(Vec::new()); old.shards.len()];
    for (&o, terms) in &known {
        for (n, stem, score) in terms {
            if let Some(Some(r)) = removed.get_mut(*n as usize) {
                r.push((stem.as_str(), o as u32, *score));
            }
        }
    }
    for &o in &moved {
        list.clear();
        if !old.list(o, &mut list) {
            return Err("a document's shards do not decode");
        }
        let gone = old_to_new[o] == NONE;
        for &id in &list {
            match place_of.get(id as usize) {
                Some(&n) if n != NONE => {
                    touched[n as usize] = true;
                    let t = &mut touch[n as usize];
                    if gone {
                        t.last_gone = Some(t.last_gone.map_or(o as u32, |l| l.max(o as u32)));
                        if !known.contains_key(&o) {
                            removed[n as usize] = None;
                        }
                    } else {
                        t.renumbered = true;
                    }
                }
                _ => return Err("a document in a shard there is not"),
            }
        }
    }
    // …and those the terms of the added ones fall in.
    let dict = Dict::default();
    let stems = Stems {
        dict: &dict,
        new: Mutex::new(FxHashMap::default()),
    };
    let mut t = Terms::default();
    // Each added document's terms, and an article's own terms apart (to cache).
    let mut own: Vec<(usize, cache::Terms)> = Vec::new();
    let found: Vec<(usize, Vec<(u32, u32)>)> = added
        .iter()
        .map(|&d| {
            let mut buf = Vec::new();
            let apart = cache_root.is_some();
            let f = match d.checked_sub(n_articles) {
                None => match docs.article(d) {
                    Some(a) => find_doc(&mut t, &stems, (None, apart), Doc::Article(&a)),
                    None => find_doc(&mut t, &stems, (None, apart), Doc::None),
                },
                // After the articles: empty documents up to the people's slots.
                Some(_) => match docs.person(d) {
                    Some(p) => find_doc(&mut t, &stems, (None, apart), Doc::Person(&p)),
                    None => find_doc(&mut t, &stems, (None, apart), Doc::None),
                },
            };
            let terms = f.terms(&mut buf).to_vec();
            if let Found::Own { own: o, .. } = f {
                own.push((d, o));
            }
            (d, terms)
        })
        .collect();
    drop(t);
    let new = stems
        .new
        .into_inner()
        .unwrap_or_else(PoisonError::into_inner);
    let names = names_by_id(&new).ok_or("a stem id out of range")?;
    // The own terms of added articles, by their stems, to record in the terms cache.
    let mut to_cache: Vec<(Digest, Vec<(&str, u32)>)> = Vec::with_capacity(own.len());
    for (d, terms) in &own {
        let Some(digest) = docs.digest(*d) else {
            continue;
        };
        let mut named = Vec::with_capacity(terms.len());
        for &(id, score) in terms {
            named.push((
                *names.get(id as usize).ok_or("a stem without a name")?,
                score,
            ));
        }
        to_cache.push((digest, named));
    }
    // The check of each added article's terms, for the state.
    let mut checks: FxHashMap<usize, TermsCheck> = FxHashMap::default();
    for (d, terms) in &found {
        if *d < n_articles {
            let mut c = TermsCheck::default();
            for &(id, score) in terms {
                let stem = *names.get(id as usize).ok_or("a stem without a name")?;
                c.add(TermsCheck::stem_hash(stem), score);
            }
            checks.insert(*d, c);
        }
    }
    // Terms of added documents by the shard they fall in (by place), or by the new shard they
    // make (by key: id, own group or not, terms).
    type Adds<'s> = Vec<(&'s str, u32, u32)>;
    let mut adds: FxHashMap<u32, Adds> = FxHashMap::default();
    let mut fresh: FxHashMap<String, (u32, bool, Adds)> = FxHashMap::default();
    let mut next_id = next_id as u32;
    let mut new_lists: FxHashMap<usize, Vec<u32>> = FxHashMap::default();
    for (d, terms) in &found {
        let mut l = Vec::with_capacity(terms.len());
        for &(id, score) in terms {
            let stem = *names.get(id as usize).ok_or("a stem without a name")?;
            let add = (stem, *d as u32, score);
            match tree.route(stem) {
                Place::Shard(n) => {
                    touched[n as usize] = true;
                    adds.entry(n).or_default().push(add);
                    l.push(old.shards[n as usize].id);
                }
                Place::New { key, own } => {
                    let e = fresh.entry(key).or_insert_with(|| {
                        next_id += 1;
                        (next_id - 1, own, Vec::new())
                    });
                    e.2.push(add);
                    l.push(e.0);
                }
            }
        }
        l.sort_unstable();
        l.dedup();
        new_lists.insert(*d, l);
    }
    // The touched shards updated, in parallel.
    let touched: Vec<usize> = (0..old.shards.len()).filter(|&s| touched[s]).collect();
    let keep = |path: &str, key: &str| (prev.keep)(path, key).is_some();
    let updated: Vec<(usize, Updated)> = touched
        .par_iter()
        .map(|&s| {
            let a = adds.get(&(s as u32)).map_or(&[][..], Vec::as_slice);
            let how = (&old_to_new[..], touch[s]);
            let gone = removed[s].as_deref();
            update_shard(old, s, prev.fingerprint, (read, &keep), how, (a, gone)).map(|u| (s, u))
        })
        .collect::<Option<_>>()
        .ok_or("a shard does not read back as recorded")?;
    // The new shards.
    let mut new_shards: Vec<(ShardRec, Updated)> = Vec::with_capacity(fresh.len());
    for (key, (id, own, mut add)) in fresh {
        add.sort_unstable();
        let mut terms: ShardTerms = Vec::new();
        for (stem, d, score) in add {
            match terms.last_mut() {
                Some((s, p)) if s == stem => p.push((d, score)),
                _ => terms.push((stem.to_string(), vec![(d, score)])),
            }
        }
        let path = shard_file(&key);
        let u = Updated::made(prev.fingerprint, &path, &terms);
        let rec = ShardRec {
            id,
            key,
            file_key: u.key.clone(),
            terms: u.terms,
            size: u.size,
            own,
            digest: [0; 16],
        };
        new_shards.push((rec, u));
    }
    // The partition must be the previous one but for shards of new prefixes or that lost all
    // their terms: a shard that is a node stays within the budget, and a node that split stays
    // above it.
    let mut split_sizes: Vec<i128> = old.split.iter().map(|&(_, s)| i128::from(s)).collect();
    let mut touched_nodes = Vec::new();
    let changes = updated
        .iter()
        .map(|(s, u)| (&old.shards[*s], u))
        .chain(new_shards.iter().map(|(r, u)| (r, u)));
    for (n, (rec, u)) in changes.enumerate() {
        let depth = rec.key.chars().count();
        if !rec.own && u.size > SHARD_BUDGET as u64 && depth < MAX_KEY {
            return Err("a shard over the budget");
        }
        // The size it had (none for a new one) and has (none if it lost all its terms).
        let had = if n < updated.len() { rec.size } else { 0 };
        let has = if u.terms == 0 && !u.same { 0 } else { u.size };
        let delta = i128::from(has) - i128::from(had);
        if delta == 0 {
            continue;
        }
        // The nodes above it (and, for an own group, its own node).
        let above = if rec.own {
            depth
        } else {
            depth.saturating_sub(1)
        };
        for (i, c) in rec.key.char_indices().take(above) {
            let prefix = &rec.key[..i + c.len_utf8()];
            let node = *tree.split.get(prefix).ok_or("a node not recorded")?;
            split_sizes[node] += delta;
            touched_nodes.push(node);
        }
    }
    if touched_nodes
        .iter()
        .any(|&n| split_sizes[n] <= SHARD_BUDGET as i128)
    {
        return Err("a node that split would not");
    }
    // The shards, in key order (the order [`shard`] makes them in): touched ones kept if their
    // key did not change, else made, as are new ones; those with no terms left are gone; the
    // others are kept, all of them, or the update is given up.
    let mut updated: FxHashMap<usize, Updated> = updated.into_iter().collect();
    let mut all: Vec<(ShardRec, Option<Updated>)> = old
        .shards
        .iter()
        .enumerate()
        .filter_map(|(s, rec)| match updated.remove(&s) {
            Some(u) if u.same => Some((rec.clone(), None)),
            Some(u) if u.terms == 0 => None,
            Some(u) => Some((
                ShardRec {
                    file_key: u.key.clone(),
                    terms: u.terms,
                    size: u.size,
                    ..rec.clone()
                },
                Some(u),
            )),
            None => Some((rec.clone(), None)),
        })
        .collect();
    all.extend(new_shards.into_iter().map(|(r, u)| (r, Some(u))));
    all.sort_by(|a, b| a.0.key.cmp(&b.0.key));
    if all.windows(2).any(|w| w[0].0.key == w[1].0.key) {
        return Err("two shards of one key");
    }
    let prior: FxHashMap<&str, &str> = old
        .shards
        .iter()
        .map(|r| (r.key.as_str(), r.file_key.as_str()))
        .collect();
    let pieces: Vec<Option<(Piece<P>, ShardRec)>> = all
        .into_par_iter()
        .map(|(mut rec, u)| {
            let path = shard_file(&rec.key);
            let same = prior.get(rec.key.as_str()) == Some(&rec.file_key.as_str());
            if same {
                if let Some(p) = (prev.keep)(&path, &rec.file_key) {
                    return Some((Piece::Kept(p), rec));
                }
            }
            let u = u?;
            let bytes = u.bytes;
            rec.digest = crate::hash::digest(&bytes);
            Some((Piece::Made(OutputFile { path, bytes }, Some(u.key)), rec))
        })
        .collect();
    let (mut files, recs): (Vec<Piece<P>>, Vec<ShardRec>) = pieces
        .into_iter()
        .collect::<Option<Vec<_>>>()
        .ok_or("a shard file not kept")?
        .into_iter()
        .unzip();
    let shard_keys = recs.iter().map(|r| r.key.clone()).collect();
    files.extend(other_pieces(
        docs,
        Some(&keys.fields),
        Some(prev),
        shard_keys,
    ));
    // The new state.
    let mut state = State {
        group: group.to_string(),
        fingerprint: prev.fingerprint.to_vec(),
        articles: n_articles as u32,
        docs: keys.terms.clone(),
        lists: Default::default(),
        ends: Vec::with_capacity(n_new),
        checks: Vec::with_capacity(n_new),
        shards: recs,
        split: old
            .split
            .iter()
            .zip(&split_sizes)
            .map(|((p, _), &s)| (p.clone(), s as u64))
            .collect(),
        sources: Vec::with_capacity(old.sources.len() + 1024),
        source_ends: Vec::with_capacity(n_articles),
        names: old.names.clone(),
    };
    // Per article what its terms were found from: a kept one's as the old state has it (the
    // names it refers to stay), an added one's own by its digest (the check tells whether the
    // cache has them), its people's names added to the names as needed.
    let mut name_ids: FxHashMap<String, u32> = FxHashMap::default();
    let mut people_of = Vec::new();
    // The run of documents from `d` on (below `n`) that were documents `o..` of the old state
    // (below `m`), in order: its end.
    let run = |d: usize, o: u32, n: usize, m: usize| {
        let mut e = d + 1;
        while e < n && new_to_old[e] == o + (e - d) as u32 && (o as usize + e - d) < m {
            e += 1;
        }
        e
    };
    let mut d = 0;
    while d < n_articles {
        let o = new_to_old[d];
        if o != NONE && (o as usize) < old.source_ends.len() {
            let e = run(d, o, n_articles, old.source_ends.len());
            if !state.copy_sources(old, o as usize..o as usize + (e - d)) {
                return Err("sources too long");
            }
            d = e;
        } else {
            let a = docs.article(d).ok_or("an article missing")?;
            if name_ids.is_empty() {
                name_ids = state
                    .names
                    .iter()
                    .enumerate()
                    .map(|(i, n)| (n.clone(), i as u32))
                    .collect();
            }
            people_of.clear();
            for p in &a.people {
                let next = state.names.len() as u32;
                let id = *name_ids.entry(p.to_string()).or_insert_with(|| {
                    state.names.push(p.to_string());
                    next
                });
                people_of.push(id);
            }
            let check = checks.get(&d).copied().unwrap_or_default();
            State::push_source(&mut state.sources, a.digest.as_ref(), check.0, &people_of);
            state.source_ends.push(
                u32::try_from(state.sources.len())
                    .ok()
                    .ok_or("sources too long")?,
            );
            d += 1;
        }
    }
    let mut d = 0;
    while d < n_new {
        let o = new_to_old[d];
        let pushed = if o == NONE {
            let list = new_lists.get(&d).ok_or("a list missing")?;
            d += 1;
            state.push_list(list)
        } else {
            let e = run(d, o, n_new, n_old);
            let pushed = state.copy_lists(old, o as usize..o as usize + (e - d));
            d = e;
            pushed
        };
        if !pushed {
            return Err("lists too long");
        }
    }
    // The added articles' own terms go to the terms cache: the next edit of one finds them
    // again there. (With no cache of this binary to walk, one is written with them.)
    if !to_cache.is_empty() {
        let used: Vec<Digest> = docs.digests().collect();
        let cached = used.len();
        let used = used.iter();
        match (&peek, cache_root) {
            (Some(peek), _) => {
                peek.store(used, cached, &to_cache);
            }
            (None, Some(root)) => TermsCache::open(root).store_named(used, &to_cache, false),
            (None, None) => {}
        }
    }
    Ok((files, state))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shards of an index of articles made of the words of the stemmer table
    /// (`tests/data/search-words.txt`), some of them quoted and escaped.
    fn real_shards() -> Vec<Vec<u8>> {
        let words: Vec<String> = include_str!("../../tests/data/search-words.txt")
            .lines()
            .filter(|l| !l.starts_with('#'))
            .flat_map(str::split_whitespace)
            .filter(|w| w.chars().all(char::is_alphabetic))
            .map(str::to_string)
            .chain(["q<\"x".to_string(), "a\\b&".to_string()])
            .collect();
        let mut x = 7u64;
        let mut rnd = |k: usize| {
            x = crate::testrand::xorshift(x);
            (x % k as u64) as usize
        };
        let articles: Vec<ArticleDoc> = (0..3000)
            .map(|i| {
                let text: Vec<&str> = (0..5 + rnd(60))
                    .map(|_| {
                        let r = rnd(words.len());
                        words[rnd(r + 1)].as_str()
                    })
                    .collect();
                ArticleDoc {
                    title: text[..3].join(" ").into(),
                    url: format!("2026/01/01/a{i}/index.html"),
                    lede: text[3..].join(" ").into(),
                    ..ArticleDoc::default()
                }
            })
            .collect();
        let shards: Vec<Vec<u8>> = index_files(&articles, &[])
            .into_iter()
            .filter(|f| f.path.starts_with("search/t/"))
            .map(|f| f.bytes)
            .collect();
        assert!(shards.len() > 3, "{} shards", shards.len());
        shards
    }

    /// The postings of removed documents (`NONE` in `old_to_new`) by the plain walk of every
    /// posting, with the stems unquoted, and the number of terms.
    fn removed_by_walk(b: &[u8], old_to_new: &[u32]) -> (usize, Vec<(String, u32, u32)>) {
        let terms = parse_shard(b).unwrap();
        let mut removed = Vec::new();
        for (stem, postings) in &terms {
            for &(d, score) in postings {
                if old_to_new[d as usize] == NONE {
                    removed.push((stem.clone(), d, score));
                }
            }
        }
        (terms.len(), removed)
    }

    #[test]
    fn shards_render_as_the_full_build_writes_them() {
        for b in real_shards() {
            let terms = parse_shard(&b).unwrap();
            let (_, size) = shard_key(&[1], "p", &terms);
            assert_eq!(size + 2, b.len() as u64);
            assert!(render_shard(&terms, size) == b);
        }
    }

    #[test]
    fn scanning_for_removed_postings_finds_what_the_walk_finds() {
        let docs = 3000;
        let mut found = 0;
        for b in real_shards() {
            let terms = parse_shard(&b).unwrap();
            // Documents to remove: some that have postings here, some that have none.
            let mut with: Vec<u32> = terms
                .iter()
                .flat_map(|(_, p)| p.iter().map(|&(d, _)| d))
                .collect();
            with.sort_unstable();
            with.dedup();
            let picks = [
                vec![with[0]],
                vec![with[with.len() / 2]],
                vec![*with.last().unwrap()],
                vec![
                    with[with.len() / 3],
                    with[with.len() / 2] + 1,
                    with[with.len() * 2 / 3],
                ],
                vec![docs as u32 - 1],
            ];
            for gone in picks {
                let mut old_to_new: Vec<u32> = (0..docs as u32).collect();
                for &g in &gone {
                    old_to_new[g as usize] = NONE;
                }
                let last = gone.iter().copied().max();
                let (count, removed) = scan_removed(&b, last, &old_to_new).unwrap();
                let removed: Vec<(String, u32, u32)> = removed
                    .into_iter()
                    .map(|(raw, d, s)| (unquote(raw).unwrap().into_owned(), d, s))
                    .collect();
                let want = removed_by_walk(&b, &old_to_new);
                assert_eq!((count, removed), want, "removed {gone:?}");
                found += want.1.len();
                // A document renumbered up to the last removed one is noticed; one past it is
                // not read.
                let (before, after) = (with[0], *with.last().unwrap());
                let mut renumbered = old_to_new.clone();
                renumbered[before as usize] = before + 1;
                if before < last.unwrap() {
                    assert!(scan_removed(&b, last, &renumbered).is_none());
                }
                let mut renumbered = old_to_new.clone();
                renumbered[after as usize] = after + 1;
                if after > last.unwrap() {
                    assert!(scan_removed(&b, last, &renumbered).is_some());
                }
            }
            // No document removed: none read, the terms counted.
            let ident: Vec<u32> = (0..docs as u32).collect();
            assert_eq!(scan_removed(&b, None, &ident), Some((terms.len(), vec![])));
        }
        assert!(found > 100, "{found} postings removed");
        // Stems that JSON escapes (a quote, a backslash before the closing quote, `<`).
        let terms: ShardTerms = vec![
            ("a\"b<".into(), vec![(0, 5), (7, 1), (1000, 40)]),
            ("x\\".into(), vec![(3, 2), (7, 3)]),
            ("буд".into(), vec![(7, 2), (8, 1)]),
        ];
        let (_, size) = shard_key(&[1], "p", &terms);
        let b = render_shard(&terms, size);
        let mut old_to_new: Vec<u32> = (0..1001).collect();
        old_to_new[7] = NONE;
        let (count, removed) = scan_removed(&b, Some(7), &old_to_new).unwrap();
        let removed: Vec<(String, u32, u32)> = removed
            .into_iter()
            .map(|(raw, d, s)| (unquote(raw).unwrap().into_owned(), d, s))
            .collect();
        assert_eq!((count, removed), removed_by_walk(&b, &old_to_new));
        for bad in [
            &b"{}"[..],
            b"{\"a\":[1,2]",
            b"{\"a:[1,2]}\n",
            b"{\"a\":[1]}\n",
        ] {
            assert!(scan_removed(bad, Some(5), &[0; 8]).is_none());
        }
    }

    #[test]
    fn short_numbers_read_as_digit_by_digit() {
        // Digit by digit: 1 to 9 digits, then anything but a digit or the end.
        fn plain(b: &[u8], i: usize) -> Option<(u32, usize)> {
            let len = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
            if !(1..=9).contains(&len) {
                return None;
            }
            let n = b[i..i + len]
                .iter()
                .fold(0u32, |n, &c| n * 10 + u32::from(c - b'0'));
            Some((n, i + len))
        }
        let mut x = 11u64;
        let mut numbers: Vec<String> = (0..2000u32).map(|n| n.to_string()).collect();
        for _ in 0..3000 {
            x = crate::testrand::xorshift(x);
            let digits = 1 + (x % 12) as u32;
            numbers.push(format!(
                "{:0width$}",
                x % 10u64.pow(digits.min(12)),
                width = digits as usize
            ));
        }
        let seps: [&[u8]; 7] = [b",", b"]", b",1]", b"]}\n", b"\"", "ї".as_bytes(), b"/:"];
        let mut checked = 0;
        for (k, n) in numbers.iter().enumerate() {
            for sep in seps {
                for pad in [0usize, 1, 5, 9] {
                    // `pad` bytes before, and the number at the very end or followed by `sep`.
                    for tail in [&[][..], sep, b"12345678"] {
                        let mut b = vec![b'['; pad];
                        b.extend_from_slice(n.as_bytes());
                        b.extend_from_slice(tail);
                        let mut i = pad;
                        let got = short_number(&b, &mut i).map(|n| (n, i));
                        let want = plain(&b, pad);
                        assert_eq!(
                            got,
                            want,
                            "{:?} at {pad} ({k})",
                            String::from_utf8_lossy(&b)
                        );
                        checked += 1;
                    }
                }
            }
        }
        assert!(checked > 100_000);
        for bad in [&b""[..], b",", b"]12", b"a1"] {
            assert_eq!(short_number(bad, &mut 0), None);
        }
    }

    #[test]
    fn bytes_are_found_as_by_position() {
        let b: Vec<u8> = (0..200u32).map(|i| (i * 7 % 13) as u8 + b'0').collect();
        for from in 0..b.len() {
            for c in b'0'..=b'0' + 13 {
                let want = b[from..].iter().position(|&x| x == c).map(|p| from + p);
                assert_eq!(find_byte(&b, from, c), want, "{from} {c}");
            }
        }
        assert_eq!(find_byte(&b, b.len() + 1, b'0'), None);
    }

    #[test]
    fn shards_read_back_as_written() {
        let terms: ShardTerms = vec![
            ("a\"b<".into(), vec![(0, 5), (7, 1), (1000, 40)]),
            ("буд".into(), vec![(3, 2)]),
        ];
        let (_, size) = shard_key(&[1], "p", &terms);
        let bytes = render_shard(&terms, size);
        assert_eq!(bytes.len() as u64, size + 2);
        assert_eq!(parse_shard(&bytes).unwrap(), terms);
        assert_eq!(parse_shard(b"{}\n").unwrap(), ShardTerms::new());
        for bad in [
            &b"{}"[..],
            b"{\"a\":[]}\n",
            b"{\"a\":[1]}\n",
            b"{\"a\":[1,2,]}\n",
            b"{\"a\":[99999999999,2]}\n",
            b"{\"a\":[1,2]",
            b"{\"a:[1,2]}\n",
        ] {
            assert!(
                parse_shard(bad).is_none(),
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
    }

    /// A shard updated the plain way: parsed whole, renumbered by `old_to_new` (removed
    /// documents dropped), `adds` added, terms left empty dropped, then keyed and written as
    /// a full build makes it; `None` for the same bytes.
    fn plain_update(
        b: &[u8],
        old_to_new: &[u32],
        adds: &[(String, u32, u32)],
    ) -> Option<(Vec<u8>, String, u64, u32)> {
        let mut terms = parse_shard(b).unwrap();
        for (_, postings) in &mut terms {
            postings.retain_mut(|(d, _)| {
                let n = old_to_new[*d as usize];
                *d = n;
                n != NONE
            });
        }
        for (stem, d, score) in adds {
            match terms.binary_search_by(|(s, _)| s.as_str().cmp(stem)) {
                Ok(k) => terms[k].1.push((*d, *score)),
                Err(k) => terms.insert(k, (stem.clone(), vec![(*d, *score)])),
            }
        }
        terms.retain(|(_, p)| !p.is_empty());
        for (_, p) in &mut terms {
            p.sort_unstable_by_key(|&(d, _)| d);
        }
        let u = Updated::made(&[3], "search/t/x.json", &terms);
        (u.bytes != b).then_some((u.bytes, u.key, u.size, u.terms))
    }

    /// [`rewrite_shard`] of `b`, as [`plain_update`] gives it.
    fn rewritten(
        b: &[u8],
        old_to_new: &[u32],
        adds: &[(String, u32, u32)],
    ) -> Option<(Vec<u8>, String, u64, u32)> {
        let terms = parse_shard(b).unwrap().len() as u32;
        let mut sorted: Vec<Posting> = adds.iter().map(|(s, d, p)| (s.as_str(), *d, *p)).collect();
        sorted.sort_unstable();
        let u = rewrite_shard(b, terms, old_to_new, &sorted, (&[3], "search/t/x.json")).unwrap();
        assert_eq!(u.terms, if u.same { terms } else { u.terms });
        (!u.same).then_some((u.bytes, u.key, u.size, u.terms))
    }

    #[test]
    fn shards_rewritten_in_one_pass_are_the_plain_update() {
        let docs = 3000u32;
        let (mut changed, mut same) = (0, 0);
        let shards = real_shards();
        for (k, b) in shards.iter().enumerate() {
            let terms = parse_shard(b).unwrap();
            let stems: Vec<&str> = terms.iter().map(|(s, _)| s.as_str()).collect();
            let with: Vec<u32> = terms
                .iter()
                .flat_map(|(_, p)| p.iter().map(|&(d, _)| d))
                .collect();
            let ident: Vec<u32> = (0..docs + 8).collect();
            // Removed: one document, and every document of the first term (which then goes).
            let mut removed = ident.clone();
            removed[with[with.len() / 2] as usize] = NONE;
            let mut emptied = ident.clone();
            for &(d, _) in &terms[0].1 {
                emptied[d as usize] = NONE;
            }
            // Renumbered: a document inserted in the middle (the ones after it move up), and
            // one removed with the ones after it moving down.
            let mut inserted = ident.clone();
            for (d, n) in inserted.iter_mut().enumerate().skip(docs as usize / 2) {
                *n = d as u32 + 1;
            }
            let mut shifted = ident.clone();
            shifted[100] = NONE;
            for (d, n) in shifted.iter_mut().enumerate().skip(101) {
                *n = d as u32 - 1;
            }
            // Two documents swapped (postings out of order until sorted).
            let mut swapped = ident.clone();
            swapped.swap(with[0] as usize, with[with.len() - 1] as usize);
            // Added: to the first, a middle and the last term, and new terms before, between
            // and after the shard's (some that JSON escapes).
            let first = stems[0].to_string();
            let new = docs + 10;
            let adds = vec![
                (first.clone(), new, 7),
                (stems[stems.len() / 2].to_string(), new + 1, 3),
                (stems[stems.len() - 1].to_string(), new, 12),
                (format!("{first}\"<нове"), new, 2),
                (format!("{first}\\"), new + 2, 1),
                ("\u{1}".to_string(), new + 1, 4),
                (format!("{}я", stems[stems.len() - 1]), new + 3, 5),
            ];
            // Removed, the others from 7 on moved up (numbers below the added ones').
            let moved = removed
                .iter()
                .map(|&n| if n == NONE || n < 7 { n } else { n + 5 });
            let moved: Vec<u32> = moved.collect();
            // The removed document's number given other terms (an edited article).
            let g = with[with.len() / 2];
            let mut edited: Vec<(String, u32, u32)> = [0, stems.len() / 3, stems.len() - 1]
                .iter()
                .map(|&t| (stems[t].to_string(), g, 2 + t as u32 % 5))
                .collect();
            edited.dedup_by(|x, y| x.0 == y.0);
            type Case<'c> = (&'c str, &'c [u32], &'c [(String, u32, u32)]);
            let cases: [Case; 10] = [
                ("edited", &removed, &edited),
                ("nothing", &ident, &[]),
                ("removed", &removed, &[]),
                ("emptied", &emptied, &[]),
                ("inserted", &inserted, &[]),
                ("shifted", &shifted, &[]),
                ("swapped", &swapped, &[]),
                ("added", &ident, &adds),
                ("moved and added", &moved, &adds),
                ("emptied and added", &emptied, &adds[3..]),
            ];
            for (what, old_to_new, adds) in cases {
                let want = plain_update(b, old_to_new, adds);
                assert!(
                    rewritten(b, old_to_new, adds) == want,
                    "shard {k}, {what}: not the plain update"
                );
                if want.is_some() {
                    changed += 1;
                } else {
                    same += 1;
                }
            }
            // The removed document added back at its number, with its postings here: the same.
            let gone = with[with.len() / 2];
            let back: Vec<(String, u32, u32)> = terms
                .iter()
                .flat_map(|(s, p)| {
                    p.iter()
                        .filter(|&&(d, _)| d == gone)
                        .map(|&(d, sc)| (s.clone(), d, sc))
                })
                .collect();
            assert_eq!(rewritten(b, &removed, &back), None, "shard {k}: added back");
            // Not its form, or another number of terms: none.
            let n = terms.len() as u32;
            assert!(rewrite_shard(b, n + 1, &ident, &[], (&[3], "p")).is_none());
            assert!(rewrite_shard(&b[..b.len() - 1], n, &ident, &[], (&[3], "p")).is_none());
            assert!(rewrite_shard(b, n, &ident[..with[0] as usize], &[], (&[3], "p")).is_none());
        }
        assert!(
            changed > 6 * shards.len() && same > shards.len(),
            "{changed} {same}"
        );
        // Stems that JSON escapes, and an empty shard.
        let terms: ShardTerms = vec![
            ("a\"b<".into(), vec![(0, 5), (7, 1), (1000, 40)]),
            ("x\\".into(), vec![(3, 2), (7, 3)]),
            ("буд".into(), vec![(7, 2), (8, 1)]),
        ];
        let b = Updated::made(&[3], "p", &terms).bytes;
        let mut old_to_new: Vec<u32> = (0..1001).collect();
        old_to_new[7] = NONE;
        old_to_new[8] = 9;
        let adds = [("x\\".to_string(), 8, 4), ("a\"b".to_string(), 2, 1)];
        assert!(rewritten(&b, &old_to_new, &adds) == plain_update(&b, &old_to_new, &adds));
        assert!(rewritten(&b, &old_to_new, &adds).is_some());
        let empty = Updated::made(&[3], "p", &ShardTerms::new()).bytes;
        assert_eq!(
            rewrite_shard(&empty, 0, &[], &[], (&[3], "p")).map(|u| u.same),
            Some(true)
        );
    }
}
