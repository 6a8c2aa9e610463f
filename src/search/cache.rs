//! The cache of articles' search terms: `.litopys/terms.cache` under the site root. The terms
//! an article's own text gives (lede and body, capped, then title: see `index_files`) depend
//! on its file alone, so they are kept by the file's *digest* (`Article::digest`) and a
//! rebuild finds the words of only the articles whose bytes changed. The people an article
//! names, and the people's documents, depend on the whole site and are found every build.
//!
//! Format (not meant for anything but this cache): the line `litopys-terms-cache 4`, the
//! 16-byte fingerprint ([`crate::hash`]) of what finding terms depends on besides the file
//! (crate version and running executable), 8 bytes identifying this file (random, new at each
//! rewrite), then
//! *segments*: body length (u32 little-endian), a 64-bit checksum of the body, the body. A body
//! is LEB128 numbers: the stems it adds (count, where each starts from the first (u32
//! little-endian each, so that a stem is found without reading the ones before it: [`Peek`]),
//! then each as byte length and UTF-8 bytes), the records (count, then each one's digest (16
//! bytes) and payload length (u32 little-endian), then the payloads in the same order: a
//! rebuild finds a record by reading the tables only). Stems are numbered
//! across segments in file order; the first segment's are in strictly ascending order, later
//! ones' are new. A payload is the number of terms, then per term, by ascending stem number, its
//! difference from the previous one (the first: the number itself) and the score. A later
//! record of a digest replaces an earlier one.
//!
//! A file of another fingerprint, or whose first segment is damaged, is ignored; a damaged
//! later segment is ignored with all after it (and the file rewritten); a record that does not
//! decode is a miss. A build that found new terms appends one segment (under a lock, and only
//! to the very file it read); one that finds more than a quarter of the records (by size) are of
//! no article any more, or the file damaged, rewrites it with its own records and the stems they
//! use (to a temporary file, then renamed, so no build sees half a file). A rebuild that
//! updates the index in place reads the file only as far as it must ([`Peek`]) and appends the
//! terms of the articles it indexed anew the same way, so that the next edit of one finds them
//! again; it rewrites the file (read whole) instead when it holds more than a third more
//! records than there are articles, so that edits rebuilt in place keep it bounded. Writing is
//! best effort: a build never fails because of its cache.

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use std::path::{Path, PathBuf};

/// The first line; the number is the format's version (4: tables of where stems start; 5:
/// each segment's records' digests and lengths in a table before their payloads), so a
/// cache of another format is ignored whole.
const MAGIC: &[u8] = b"litopys-terms-cache 5\n";

/// Length of the fingerprint.
const FP: usize = 16;

/// Length of a record's digest (`Article::digest`).
const D: usize = std::mem::size_of::<crate::hash::Digest>();

/// Where the cache lives under the site root.
pub const CACHE_FILE: &str = ".litopys/terms.cache";

/// An article's terms: (stem id, score) pairs, one per stem id (decoded: by ascending id).
pub type Terms = Vec<(u32, u32)>;

/// What finding terms depends on besides the file: the crate version and the running
/// executable.
fn fingerprint() -> [u8; FP] {
    let mut h = crate::hash::Hasher::new();
    h.update(MAGIC);
    h.update(env!("CARGO_PKG_VERSION").as_bytes());
    h.update([0]);
    h.update(crate::site::cache::executable_id());
    h.finalize()
}

/// A fast 64-bit checksum (to notice a damaged or torn file, not an adversary).
fn checksum(bytes: &[u8]) -> u64 {
    const K: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut h = (bytes.len() as u64).wrapping_mul(K);
    let mut words = bytes.chunks_exact(8);
    for w in &mut words {
        let mut b = [0u8; 8];
        b.copy_from_slice(w);
        h = (h.rotate_left(26) ^ u64::from_le_bytes(b)).wrapping_mul(K);
    }
    let mut b = [0u8; 8];
    b[..words.remainder().len()].copy_from_slice(words.remainder());
    h = (h.rotate_left(26) ^ u64::from_le_bytes(b)).wrapping_mul(K);
    h ^ (h >> 29)
}

/// Appends a segment's stems: their number, where each starts from the first (u32
/// little-endian), then each as its length and bytes. An error if they pass 4 GiB.
fn push_stems(out: &mut Vec<u8>, stems: &[&str]) -> std::io::Result<()> {
    push_varint(
        out,
        u32::try_from(stems.len()).map_err(std::io::Error::other)?,
    );
    let table = out.len();
    out.resize(table + 4 * stems.len(), 0);
    let first = out.len();
    for (k, s) in stems.iter().enumerate() {
        let at = u32::try_from(out.len() - first).map_err(std::io::Error::other)?;
        out[table + 4 * k..table + 4 * k + 4].copy_from_slice(&at.to_le_bytes());
        push_varint(out, u32::try_from(s.len()).map_err(std::io::Error::other)?);
        out.extend_from_slice(s.as_bytes());
    }
    Ok(())
}

/// Appends `n` as LEB128.
fn push_varint(out: &mut Vec<u8>, mut n: u32) {
    while n >= 0x80 {
        out.push((n as u8 & 0x7f) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

/// A segment's records as written: their number, then each one's digest and payload length
/// (u32 little-endian), then the payloads one after the other, so that the records of a file
/// are found by reading only those tables ([`Peek`]), not the payloads between them.
#[derive(Default)]
struct Records {
    count: u32,
    table: Vec<u8>,
    payloads: Vec<u8>,
}

impl Records {
    /// Adds a record of `digest` with `payload`; an error if the segment passes 4 GiB.
    fn push(&mut self, digest: &crate::hash::Digest, payload: &[u8]) -> std::io::Result<()> {
        let len = u32::try_from(payload.len()).map_err(std::io::Error::other)?;
        self.count = self
            .count
            .checked_add(1)
            .ok_or_else(|| std::io::Error::other("too many records"))?;
        self.table.extend_from_slice(digest);
        self.table.extend_from_slice(&len.to_le_bytes());
        self.payloads.extend_from_slice(payload);
        Ok(())
    }

    /// Appends them to a segment's body.
    fn write_to(&self, body: &mut Vec<u8>) {
        push_varint(body, self.count);
        body.extend_from_slice(&self.table);
        body.extend_from_slice(&self.payloads);
    }

    /// Appends the records of `parts`, one after the other, to a segment's body as one list,
    /// each part's payloads freed once copied (no whole copy of the list is made besides the
    /// body's).
    fn write_parts(parts: Vec<Records>, body: &mut Vec<u8>) -> std::io::Result<()> {
        let mut count: u32 = 0;
        for p in &parts {
            count = count
                .checked_add(p.count)
                .ok_or_else(|| std::io::Error::other("too many records"))?;
        }
        push_varint(body, count);
        for p in &parts {
            body.extend_from_slice(&p.table);
        }
        for p in parts {
            body.extend_from_slice(&p.payloads);
        }
        Ok(())
    }
}

/// Reads numbers and bytes from a slice; every read is checked.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn varint(&mut self) -> Option<u32> {
        let mut n: u32 = 0;
        for shift in (0..35).step_by(7) {
            let b = *self.bytes.get(self.at)?;
            self.at += 1;
            let bits = u32::from(b & 0x7f);
            if shift == 28 && bits > 0x0f {
                return None;
            }
            n |= bits << shift;
            if b & 0x80 == 0 {
                return Some(n);
            }
        }
        None
    }

    fn bytes(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.at.checked_add(n)?;
        let b = self.bytes.get(self.at..end)?;
        self.at = end;
        Some(b)
    }

    /// The table of where a segment's `n` stems start ([`push_stems`]).
    fn table(&mut self, n: usize) -> Option<&'a [u8]> {
        self.bytes(n.checked_mul(4)?)
    }

    /// A segment's list of records onto the end of `out`: each record's digest and where its
    /// payload lies in the bytes. Only the table of digests and lengths is read, not the
    /// payloads ([`Records`]).
    fn records(&mut self, out: &mut Vec<(crate::hash::Digest, (usize, usize))>) -> Option<()> {
        let n = self.varint()? as usize;
        let table = self.bytes(n.checked_mul(D + 4)?)?;
        out.reserve(n);
        let mut at = self.at;
        for entry in table.chunks_exact(D + 4) {
            let d: crate::hash::Digest = entry[..D].try_into().ok()?;
            let len = u32::from_le_bytes(entry[D..].try_into().ok()?) as usize;
            let end = at.checked_add(len)?;
            out.push((d, (at, end)));
            at = end;
        }
        self.bytes(at - self.at)?;
        Some(())
    }

    fn done(&self) -> bool {
        self.at == self.bytes.len()
    }
}

/// The stems of a cache: stem `i` is the `i`th; the first [`Dict::sorted_len`] are in
/// ascending order (those of the last rewrite), the others were appended since.
#[derive(Default)]
pub struct Dict {
    text: String,
    /// Where each stem ends in `text`.
    ends: Vec<u32>,
    /// How many stems are sorted.
    sorted: usize,
}

impl Dict {
    /// The number of stems.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// How many of the first stems are in ascending order (the others are not in it).
    pub fn sorted_len(&self) -> usize {
        self.sorted
    }

    /// Stem `i` (empty if there is none).
    pub fn get(&self, i: usize) -> &str {
        let start = match i.checked_sub(1) {
            Some(j) => self.ends.get(j).map_or(0, |&e| e as usize),
            None => 0,
        };
        match self.ends.get(i) {
            Some(&end) => self.text.get(start..end as usize).unwrap_or(""),
            None => "",
        }
    }

    /// The index of `stem` among the sorted stems, if it is one of them.
    pub fn find(&self, stem: &str) -> Option<u32> {
        let (mut lo, mut hi) = (0, self.sorted);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            match self.get(mid).cmp(stem) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Some(mid as u32),
            }
        }
        None
    }

    /// The stems after the sorted ones, with their indices.
    pub fn unsorted(&self) -> impl Iterator<Item = (Box<str>, u32)> + '_ {
        (self.sorted..self.len()).map(|i| (self.get(i).into(), i as u32))
    }

    /// Reads `n` more stems; none unless each is UTF-8 and new. The `first` segment's must
    /// ascend (they are the sorted part); `seen` holds the stems read after those.
    fn read(
        &mut self,
        r: &mut Reader,
        n: usize,
        first: bool,
        seen: &mut FxHashSet<Box<str>>,
    ) -> Option<()> {
        self.ends.reserve(n.min(r.bytes.len()));
        let table = r.table(n)?;
        let start = r.at;
        for at in table.chunks_exact(4) {
            if r.at - start != u32::from_le_bytes(at.try_into().ok()?) as usize {
                return None;
            }
            let len = r.varint()? as usize;
            let s = std::str::from_utf8(r.bytes(len)?).ok()?;
            if first {
                if !self.is_empty() && *self.get(self.len() - 1) >= *s {
                    return None;
                }
            } else if self.find(s).is_some() || !seen.insert(s.into()) {
                return None;
            }
            self.text.push_str(s);
            self.ends.push(u32::try_from(self.text.len()).ok()?);
        }
        if first {
            self.sorted = self.len();
        }
        Some(())
    }
}

/// The cache as read at the start of a build.
pub struct TermsCache {
    path: PathBuf,
    fingerprint: [u8; FP],
    /// The stems records refer to, by index.
    dict: Dict,
    /// The file's bytes (records are ranges of them), mapped ([`crate::mapped`]).
    data: crate::mapped::FileBytes,
    /// Digest → where its payload is in `data`.
    records: FxHashMap<crate::hash::Digest, (usize, usize)>,
    /// Bytes of records a later one of the same digest replaced.
    replaced: usize,
    /// Whether the file on disk was read whole (segments can be appended to it).
    valid: bool,
}

/// Length of the head: magic, fingerprint, the file's random id.
const HEAD: usize = MAGIC.len() + FP + 8;

impl TermsCache {
    /// Reads the cache of the site at `root` (empty if there is none or it is unusable).
    pub fn open(root: &Path) -> TermsCache {
        let mut cache = TermsCache {
            path: root.join(CACHE_FILE),
            fingerprint: fingerprint(),
            dict: Dict::default(),
            data: crate::mapped::FileBytes::default(),
            records: FxHashMap::default(),
            replaced: 0,
            valid: false,
        };
        if let Ok(data) = crate::mapped::cache_file(&cache.path) {
            cache.data = data;
            if !cache.parse() {
                cache.dict = Dict::default();
                cache.records.clear();
            }
        }
        cache
    }

    /// Reads the segments of `self.data`: false if not even the first is whole (the cache is
    /// then empty); `valid` if all are.
    fn parse(&mut self) -> bool {
        let data = &self.data;
        if data.len() < HEAD
            || &data[..MAGIC.len()] != MAGIC
            || data[MAGIC.len()..MAGIC.len() + FP] != self.fingerprint
        {
            return false;
        }
        let mut at = HEAD;
        let mut seen = FxHashSet::default();
        while at < data.len() {
            let dict = &mut self.dict;
            let (text, ends, sorted) = (dict.text.len(), dict.ends.len(), dict.sorted);
            let mut records = Vec::new();
            let segment = (|| {
                let mut r = Reader { bytes: data, at };
                let len = u32::from_le_bytes(r.bytes(4)?.try_into().ok()?) as usize;
                let sum = u64::from_le_bytes(r.bytes(8)?.try_into().ok()?);
                let body_at = r.at;
                if checksum(r.bytes(len)?) != sum {
                    return None;
                }
                let end = r.at;
                let mut r = Reader {
                    bytes: &data[..end],
                    at: body_at,
                };
                let n = r.varint()? as usize;
                dict.read(&mut r, n, at == HEAD, &mut seen)?;
                r.records(&mut records)?;
                r.done().then_some(end)
            })();
            let Some(end) = segment else {
                // A torn or damaged segment: the ones before it are good, but the file is to
                // be rewritten.
                dict.text.truncate(text);
                dict.ends.truncate(ends);
                dict.sorted = sorted;
                return at > HEAD;
            };
            for (d, range) in records {
                if let Some((s, e)) = self.records.insert(d, range) {
                    self.replaced += e - s + D + 4;
                }
            }
            at = end;
        }
        self.valid = true;
        true
    }

    /// The stems the records refer to: stem ids `0..dict.len()` are these.
    pub fn dict(&self) -> &Dict {
        &self.dict
    }

    /// The terms cached for `digest` (stem ids index [`TermsCache::dict`], ascending); none if
    /// not cached or the record does not decode.
    pub fn terms(&self, digest: &crate::hash::Digest) -> Option<Terms> {
        let mut terms = Vec::new();
        self.terms_into(digest, &mut terms).then_some(terms)
    }

    /// How many terms the record of `digest` says it has (0 if none).
    pub fn count(&self, digest: &crate::hash::Digest) -> usize {
        let Some(&(start, end)) = self.records.get(digest) else {
            return 0;
        };
        let mut r = Reader {
            bytes: self.data.get(start..end).unwrap_or_default(),
            at: 0,
        };
        // Bounded by the record's size (each term takes two bytes at least).
        r.varint()
            .map_or(0, |n| (n as usize).min((end - start) / 2))
    }

    /// [`TermsCache::terms`] into `terms` (cleared first); false if there are none.
    pub fn terms_into(&self, digest: &crate::hash::Digest, terms: &mut Terms) -> bool {
        terms.clear();
        let ok = self.decode(digest, terms).is_some();
        if !ok {
            terms.clear();
        }
        ok
    }

    fn decode(&self, digest: &crate::hash::Digest, terms: &mut Terms) -> Option<()> {
        let &(start, end) = self.records.get(digest)?;
        let known = self.dict.len();
        decode_record(self.data.get(start..end)?, terms, |id, score| {
            ((id as usize) < known).then_some((id, score))
        })
    }

    /// Records this build's articles: `used` are the digests of every article, `fresh` the
    /// terms found now for articles not cached (stem ids: below the dictionary's length, its
    /// stems; from [`Dict::sorted_len`] on, those of `new`, the stems not in the sorted part,
    /// by id), `place` each stem id's place among the stems sorted and `names` the stems in
    /// that order. Appends the fresh records to the file, or rewrites it with this build's
    /// records when it is unusable or more than a quarter of its records (by size) are of no
    /// article any more.
    /// Best effort: errors are ignored.
    pub fn store<'a>(
        &self,
        used: impl Iterator<Item = &'a crate::hash::Digest>,
        fresh: Vec<(crate::hash::Digest, &Terms)>,
        place: &[u32],
        names: &[&str],
    ) {
        let mut seen: FxHashSet<crate::hash::Digest> = FxHashSet::default();
        let mut kept: Vec<crate::hash::Digest> = Vec::new();
        for d in used {
            if seen.insert(*d) && self.records.contains_key(d) {
                kept.push(*d);
            }
        }
        let fresh: Vec<(crate::hash::Digest, &Terms)> = fresh
            .into_iter()
            .filter(|(d, _)| !self.records.contains_key(d))
            .filter(|(d, _)| seen.remove(d))
            .collect();
        let unused: usize = self.records.len() - kept.len();
        if self.valid && fresh.is_empty() && unused == 0 {
            return;
        }
        // Bytes of records used and not: more than a quarter dead, and the file is rewritten.
        let (mut live, mut dead) = (0, self.replaced);
        for (d, (s, e)) in &self.records {
            *(if seen.contains(d) {
                &mut live
            } else {
                &mut dead
            }) += e - s + D + 1;
        }
        if self.valid && dead * 3 <= live {
            if !fresh.is_empty() {
                let _ = self.append(fresh, place, names);
            }
            return;
        }
        let _ = self.rewrite(&kept, fresh, place, names);
    }

    /// [`TermsCache::store`] of records whose terms are given by their stems (`fresh`: digest,
    /// (stem, score) pairs, one per stem): the stems are numbered as the file has them, the
    /// others after those, and all of them placed in order. With `rewrite`, the file is
    /// rewritten with the records of `used` and `fresh` whatever `store` would do.
    pub fn store_named<'a>(
        &self,
        used: impl Iterator<Item = &'a crate::hash::Digest>,
        fresh: &[(crate::hash::Digest, Vec<(&str, u32)>)],
        rewrite: bool,
    ) {
        let dict = &self.dict;
        let mut ids: FxHashMap<&str, u32> = FxHashMap::default();
        for i in dict.sorted_len()..dict.len() {
            ids.insert(dict.get(i), i as u32);
        }
        let mut added: Vec<&str> = Vec::new();
        let records: Vec<(crate::hash::Digest, Terms)> = fresh
            .iter()
            .map(|(d, terms)| {
                let terms = terms
                    .iter()
                    .map(|&(stem, score)| {
                        let id = dict.find(stem).unwrap_or_else(|| {
                            *ids.entry(stem).or_insert_with(|| {
                                added.push(stem);
                                (dict.len() + added.len() - 1) as u32
                            })
                        });
                        (id, score)
                    })
                    .collect();
                (*d, terms)
            })
            .collect();
        let mut order: Vec<(&str, u32)> = (0..dict.len())
            .map(|i| (dict.get(i), i as u32))
            .chain(
                added
                    .iter()
                    .enumerate()
                    .map(|(k, &s)| (s, (dict.len() + k) as u32)),
            )
            .collect();
        order.par_sort_unstable();
        let mut place = vec![0u32; order.len()];
        for (p, &(_, id)) in order.iter().enumerate() {
            place[id as usize] = p as u32;
        }
        let names: Vec<&str> = order.iter().map(|&(s, _)| s).collect();
        let fresh: Vec<(crate::hash::Digest, &Terms)> =
            records.iter().map(|(d, t)| (*d, t)).collect();
        if !rewrite {
            self.store(used, fresh, &place, &names);
            return;
        }
        // Rewritten with the records of `used` it has and the fresh ones.
        let mut seen: FxHashSet<crate::hash::Digest> = FxHashSet::default();
        let mut kept: Vec<crate::hash::Digest> = Vec::new();
        for d in used {
            if seen.insert(*d) && self.records.contains_key(d) {
                kept.push(*d);
            }
        }
        let fresh = fresh
            .into_iter()
            .filter(|(d, _)| !self.records.contains_key(d))
            .collect();
        let _ = self.rewrite(&kept, fresh, &place, &names);
    }

    /// Appends a segment: the stems of `fresh` not in the file, then `fresh`.
    fn append(
        &self,
        fresh: Vec<(crate::hash::Digest, &Terms)>,
        place: &[u32],
        names: &[&str],
    ) -> std::io::Result<()> {
        let known = self.dict.len() as u32;
        // New stems numbered on from the file's, in id order.
        let mut renumber: FxHashMap<u32, u32> = FxHashMap::default();
        let mut ids: Vec<u32> = fresh
            .iter()
            .flat_map(|(_, t)| t.iter().map(|&(id, _)| id))
            .filter(|&id| id >= known)
            .collect();
        ids.sort_unstable();
        ids.dedup();
        let mut body = Vec::new();
        let mut stems = Vec::with_capacity(ids.len());
        for (n, &id) in ids.iter().enumerate() {
            renumber.insert(id, known + n as u32);
            let stem = place
                .get(id as usize)
                .and_then(|&p| names.get(p as usize))
                .copied()
                .ok_or_else(|| std::io::Error::other("unknown stem"))?;
            stems.push(stem);
        }
        push_stems(&mut body, &stems)?;
        let mut records = Records::default();
        let mut payload = Vec::new();
        for (d, terms) in fresh {
            let mut terms: Terms = terms
                .iter()
                .map(|&(id, s)| (renumber.get(&id).copied().unwrap_or(id), s))
                .collect();
            terms.sort_unstable();
            encode(&mut payload, &terms, |id| id);
            records.push(&d, &payload)?;
        }
        records.write_to(&mut body);
        append_segment(&self.path, &self.data, &body)
    }

    /// Writes the file anew with the records `kept` and `fresh`, and only the stems they use
    /// (sorted).
    fn rewrite(
        &self,
        kept: &[crate::hash::Digest],
        fresh: Vec<(crate::hash::Digest, &Terms)>,
        place: &[u32],
        names: &[&str],
    ) -> std::io::Result<()> {
        // Every record: those kept are decoded from this file when needed, fresh ones are
        // borrowed, so that no copy of all records is held (a cold build of a large site
        // writes every article's terms here).
        enum Rec<'a> {
            Kept(&'a crate::hash::Digest),
            Fresh(&'a crate::hash::Digest, &'a Terms),
        }
        let recs: Vec<Rec> = kept
            .iter()
            .map(Rec::Kept)
            .chain(fresh.iter().map(|(d, t)| Rec::Fresh(d, t)))
            .collect();
        // A record's terms by place among the sorted stems into `out`, ascending if `sort`;
        // false if it does not decode or a stem has no place.
        let placed = |r: &Rec, tmp: &mut Terms, out: &mut Terms, sort: bool| -> bool {
            let terms: &Terms = match r {
                Rec::Kept(d) => {
                    if !self.terms_into(d, tmp) {
                        return false;
                    }
                    tmp
                }
                Rec::Fresh(_, t) => t,
            };
            out.clear();
            for &(id, s) in terms {
                match place.get(id as usize) {
                    Some(&p) => out.push((p, s)),
                    None => return false,
                }
            }
            if sort {
                out.sort_unstable_by_key(|&(p, _)| p);
            }
            true
        };
        // The stems they use (as bits, per chunk of records, then together), and which records
        // are whole (the order of their terms does not matter here: sorted only when encoded).
        let words = names.len().div_ceil(64);
        let marked: Vec<(Vec<u64>, Vec<bool>)> = recs
            .par_chunks(2048)
            .map(|chunk| {
                let mut bits = vec![0u64; words];
                let (mut tmp, mut out) = (Terms::new(), Terms::new());
                let ok = chunk
                    .iter()
                    .map(|r| {
                        let ok = placed(r, &mut tmp, &mut out, false);
                        if ok {
                            for &(p, _) in &out {
                                if let Some(w) = bits.get_mut(p as usize / 64) {
                                    *w |= 1 << (p % 64);
                                }
                            }
                        }
                        ok
                    })
                    .collect();
                (bits, ok)
            })
            .collect();
        let mut used = vec![0u64; words];
        let mut ok = Vec::with_capacity(recs.len());
        for (bits, oks) in marked {
            for (u, b) in used.iter_mut().zip(bits) {
                *u |= b;
            }
            ok.extend(oks);
        }
        // The stems used, numbered anew.
        let mut rank = vec![u32::MAX; names.len()];
        let fresh_size: usize = fresh.iter().map(|(_, t)| 40 + 3 * t.len()).sum();
        let mut body = Vec::with_capacity(self.data.len() + fresh_size + (1 << 16));
        let count: u32 = used.iter().map(|w| w.count_ones()).sum();
        let mut stems = Vec::with_capacity(count as usize);
        for (p, r) in rank.iter_mut().enumerate() {
            if used[p / 64] & (1 << (p % 64)) != 0 {
                *r = stems.len() as u32;
                stems.push(names.get(p).copied().unwrap_or(""));
            }
        }
        push_stems(&mut body, &stems)?;
        drop((used, stems));
        // The records encoded per chunk, in parallel, then joined in order.
        let encoded: Vec<std::io::Result<Records>> = recs
            .par_chunks(2048)
            .zip(ok.par_chunks(2048))
            .map(|(recs, ok)| {
                let (mut tmp, mut out, mut payload) = (Terms::new(), Terms::new(), Vec::new());
                let mut records = Records::default();
                for (r, &ok) in recs.iter().zip(ok) {
                    if !ok || !placed(r, &mut tmp, &mut out, true) {
                        continue;
                    }
                    encode(&mut payload, &out, |p| rank[p as usize]);
                    let (Rec::Kept(d) | Rec::Fresh(d, _)) = r;
                    records.push(d, &payload)?;
                }
                Ok(records)
            })
            .collect();
        let parts = encoded
            .into_iter()
            .collect::<std::io::Result<Vec<Records>>>()?;
        Records::write_parts(parts, &mut body)?;
        self.write(&body)
    }

    /// Writes the file with `body` as its one segment: to a temporary file, then renamed.
    fn write(&self, body: &[u8]) -> std::io::Result<()> {
        use std::io::Write;
        use std::sync::atomic::{AtomicUsize, Ordering};
        static SERIAL: AtomicUsize = AtomicUsize::new(0);
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let serial = SERIAL.fetch_add(1, Ordering::Relaxed);
        let tmp = self
            .path
            .with_extension(format!("tmp-{}-{serial}", std::process::id()));
        // The file's random id: an append checks it is still the file it read.
        let mut h = crate::hash::Hasher::new();
        h.update(format!(
            "{:?} {} {serial}",
            std::time::SystemTime::now(),
            std::process::id()
        ));
        h.update(body.len().to_le_bytes());
        let id = h.finalize();
        let result = (|| {
            let mut f = std::fs::File::create(&tmp)?;
            let mut head = Vec::with_capacity(HEAD + 12);
            head.extend_from_slice(MAGIC);
            head.extend_from_slice(&self.fingerprint);
            head.extend_from_slice(&id[..8]);
            head.extend_from_slice(
                &u32::try_from(body.len())
                    .map_err(std::io::Error::other)?
                    .to_le_bytes(),
            );
            head.extend_from_slice(&checksum(body).to_le_bytes());
            f.write_all(&head)?;
            f.write_all(body)?;
            drop(f);
            std::fs::rename(&tmp, &self.path)
        })();
        if result.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        result
    }
}

/// Appends a segment of `body` to the cache file at `path`, if it is still the file `data` was
/// read from (its head and length): two builds appending at once must not interleave (the file
/// is locked), and a segment only fits the file it was made for.
fn append_segment(path: &Path, data: &[u8], body: &[u8]) -> std::io::Result<()> {
    use std::io::{Read, Seek, Write};
    let len = u32::try_from(body.len()).map_err(std::io::Error::other)?;
    let mut f = std::fs::OpenOptions::new()
        .read(true)
        .append(true)
        .open(path)?;
    f.lock()?;
    let mut head = [0u8; HEAD];
    f.seek(std::io::SeekFrom::Start(0))?;
    f.read_exact(&mut head)?;
    if data.get(..HEAD) != Some(&head[..]) || f.metadata()?.len() != data.len() as u64 {
        return Ok(());
    }
    let mut segment = Vec::with_capacity(body.len() + 12);
    segment.extend_from_slice(&len.to_le_bytes());
    segment.extend_from_slice(&checksum(body).to_le_bytes());
    segment.extend_from_slice(body);
    f.write_all(&segment)
}

/// The cache read only as far as finding a few records' terms takes (a rebuild after one
/// article changed needs the terms the previous build found for it, and reading the whole
/// cache would cost more than the rest of the update): the file's segments are walked, the
/// stems' places and the records' digests noted, and nothing is decoded or checked but the
/// records asked for. The segments' checksums are not verified, so what it gives must be
/// checked by the caller (the index's state keeps a digest of each article's terms).
pub struct Peek {
    /// The site root the cache is under.
    root: PathBuf,
    /// The file's bytes, mapped ([`crate::mapped`]).
    data: crate::mapped::FileBytes,
    /// Per segment walked, the number of its first stem, where its table of stems is and
    /// where its stems start in `data` ([`push_stems`]).
    segments: Vec<(u32, usize, usize)>,
    /// How many stems there are.
    stems: usize,
    /// How many of the stems are the first segment's (in ascending order, if the file is
    /// sound).
    sorted: usize,
    /// Each record's digest and payload range, in file order.
    records: Vec<(crate::hash::Digest, (usize, usize))>,
    /// Whether every segment walked (a segment can be appended).
    whole: bool,
}

impl Peek {
    /// Walks the cache of the site at `root`; none if there is none or its head is not this
    /// binary's. A segment that does not walk ends it (the ones before it are used).
    pub fn open(root: &Path) -> Option<Peek> {
        let data = crate::mapped::cache_file(&root.join(CACHE_FILE)).ok()?;
        if data.len() < HEAD
            || &data[..MAGIC.len()] != MAGIC
            || data[MAGIC.len()..MAGIC.len() + FP] != fingerprint()
        {
            return None;
        }
        let mut peek = Peek {
            root: root.to_path_buf(),
            data: crate::mapped::FileBytes::default(),
            segments: Vec::new(),
            stems: 0,
            sorted: 0,
            records: Vec::new(),
            whole: true,
        };
        let mut at = HEAD;
        while at < data.len() {
            let records = peek.records.len();
            let walked = (|| {
                let mut r = Reader { bytes: &data, at };
                let len = u32::from_le_bytes(r.bytes(4)?.try_into().ok()?) as usize;
                r.bytes(8)?;
                let body_at = r.at;
                let end = body_at.checked_add(len)?;
                let mut r = Reader {
                    bytes: data.get(..end)?,
                    at: body_at,
                };
                let n = r.varint()? as usize;
                let table = r.at;
                let last = r.table(n)?.rchunks_exact(4).next();
                let first = r.at;
                // The stems are not read: past the last one to the records.
                if let Some(last) = last {
                    r.at = first.checked_add(u32::from_le_bytes(last.try_into().ok()?) as usize)?;
                    let len = r.varint()? as usize;
                    r.bytes(len)?;
                }
                r.records(&mut peek.records)?;
                r.done().then_some((end, n, table, first))
            })();
            match walked {
                Some((end, n, table, first)) => {
                    let Ok(next) = u32::try_from(peek.stems + n) else {
                        peek.records.truncate(records);
                        peek.whole = false;
                        break;
                    };
                    peek.segments.push((peek.stems as u32, table, first));
                    peek.stems = next as usize;
                    if at == HEAD {
                        peek.sorted = n;
                    }
                    at = end;
                }
                None => {
                    peek.records.truncate(records);
                    peek.whole = false;
                    break;
                }
            }
        }
        peek.data = data;
        Some(peek)
    }

    /// Stem `i`; none if there is none or it is not UTF-8.
    fn stem(&self, i: u32) -> Option<&str> {
        std::str::from_utf8(self.stem_bytes(i)?).ok()
    }

    /// Stem `i`'s bytes; none if there is none.
    fn stem_bytes(&self, i: u32) -> Option<&[u8]> {
        if i as usize >= self.stems {
            return None;
        }
        // The last segment whose first stem is at most `i`.
        let s = self
            .segments
            .partition_point(|&(f, ..)| f <= i)
            .checked_sub(1)?;
        let (f, table, first) = self.segments[s];
        let t = table + 4 * (i - f) as usize;
        let at = u32::from_le_bytes(self.data.get(t..t + 4)?.try_into().ok()?);
        let mut r = Reader {
            bytes: &self.data,
            at: first.checked_add(at as usize)?,
        };
        let len = r.varint()? as usize;
        r.bytes(len)
    }

    /// The number of `stem` among the first segment's stems (ascending), if it is one.
    fn find_sorted(&self, stem: &str) -> Option<u32> {
        let (mut lo, mut hi) = (0, self.sorted);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            match self.stem_bytes(mid as u32)?.cmp(stem.as_bytes()) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Some(mid as u32),
            }
        }
        None
    }

    /// Records the terms found now for articles (`fresh`: digest, (stem, score) pairs, one per
    /// stem) whose digests the file has no record of, `used` the digests of every article
    /// (`articles` of them): appended as one segment (the stems the file has not, then the
    /// records) to the very file walked. When the file did not walk whole, or the records
    /// that are of no article (at least as many as it has more than there are articles) are
    /// more than a third of the articles, it is rewritten instead through a [`TermsCache`]
    /// read whole, with the records in use (so that the file stays within a third more
    /// records than articles; counting records, not bytes as [`TermsCache::store`] does,
    /// costs nothing here). Best effort. Whether the fresh records were appended here.
    pub fn store<'a>(
        &self,
        used: impl Iterator<Item = &'a crate::hash::Digest>,
        articles: usize,
        fresh: &[(crate::hash::Digest, Vec<(&str, u32)>)],
    ) -> bool {
        // The fresh records the file has not (a digest looked for among few, or in a set).
        let have: Option<FxHashSet<&crate::hash::Digest>> =
            (fresh.len() > 8).then(|| self.records.iter().map(|(d, _)| d).collect());
        let mut new: FxHashSet<&crate::hash::Digest> = FxHashSet::default();
        let fresh: Vec<&(crate::hash::Digest, Vec<(&str, u32)>)> = fresh
            .iter()
            .filter(|(d, _)| match &have {
                Some(have) => !have.contains(d),
                None => !self.records.iter().any(|(r, _)| r == d),
            })
            .filter(|(d, _)| new.insert(d))
            .collect();
        if fresh.is_empty() {
            return false;
        }
        let dead = (self.records.len() + fresh.len()).saturating_sub(articles);
        if !self.whole || dead * 3 > articles {
            let owned: Vec<(crate::hash::Digest, Vec<(&str, u32)>)> =
                fresh.into_iter().cloned().collect();
            TermsCache::open(&self.root).store_named(used, &owned, true);
            return false;
        }
        self.append(&fresh).is_ok()
    }

    /// Appends a segment of `fresh` to the file walked: the stems it has not (numbered on from
    /// its own), then the records.
    fn append(&self, fresh: &[&(crate::hash::Digest, Vec<(&str, u32)>)]) -> std::io::Result<()> {
        let known = self.stems;
        let mut later: FxHashMap<&[u8], u32> = FxHashMap::default();
        for i in self.sorted..known {
            let s = self
                .stem_bytes(i as u32)
                .ok_or_else(|| std::io::Error::other("a stem out of the file"))?;
            later.insert(s, i as u32);
        }
        let mut added: Vec<&str> = Vec::new();
        let mut records = Vec::with_capacity(fresh.len());
        for (d, terms) in fresh {
            let mut ids: Terms = Vec::with_capacity(terms.len());
            for &(stem, score) in terms {
                let id = match self.find_sorted(stem) {
                    Some(id) => id,
                    None => *later.entry(stem.as_bytes()).or_insert_with(|| {
                        added.push(stem);
                        (known + added.len() - 1) as u32
                    }),
                };
                ids.push((id, score));
            }
            ids.sort_unstable();
            records.push((d, ids));
        }
        let mut body = Vec::new();
        push_stems(&mut body, &added)?;
        let mut out = Records::default();
        let mut payload = Vec::new();
        for (d, ids) in &records {
            encode(&mut payload, ids, |id| id);
            out.push(d, &payload)?;
        }
        out.write_to(&mut body);
        append_segment(&self.root.join(CACHE_FILE), &self.data, &body)
    }

    /// The terms of the last record of `digest` (stem, score), by the stems' numbers; none if
    /// there is no record or it does not decode.
    pub fn terms(&self, digest: &crate::hash::Digest) -> Option<Vec<(&str, u32)>> {
        let &(_, (start, end)) = self.records.iter().rev().find(|(d, _)| d == digest)?;
        let mut terms = Vec::new();
        decode_record(self.data.get(start..end)?, &mut terms, |id, score| {
            Some((self.stem(id)?, score))
        })?;
        Some(terms)
    }
}

/// Decodes a record's payload (as [`encode`] writes it) onto the end of `out`: per term,
/// `term` of its id and score (none refuses the record). None when the payload does not
/// decode: a difference of zero after the first term, an id past `u32`, a score of zero, or
/// bytes left over.
fn decode_record<T>(
    bytes: &[u8],
    out: &mut Vec<T>,
    mut term: impl FnMut(u32, u32) -> Option<T>,
) -> Option<()> {
    let mut r = Reader { bytes, at: 0 };
    let n = r.varint()? as usize;
    out.reserve(n.min(bytes.len()));
    let mut id = 0u32;
    for k in 0..n {
        let delta = r.varint()?;
        if k > 0 && delta == 0 {
            return None;
        }
        id = id.checked_add(delta)?;
        let score = r.varint()?;
        if score == 0 {
            return None;
        }
        out.push(term(id, score)?);
    }
    r.done().then_some(())
}

/// Writes a record's payload into `out` (cleared first): the count, then per term the
/// difference of its index (`index` of its id; ascending) from the previous one and the score.
fn encode(out: &mut Vec<u8>, terms: &[(u32, u32)], index: impl Fn(u32) -> u32) {
    out.clear();
    push_varint(out, terms.len() as u32);
    let mut last = 0;
    for &(id, s) in terms {
        let i = index(id);
        push_varint(out, i - last);
        push_varint(out, s);
        last = i;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_survive_the_cache_and_damage_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b, c3) = ([1u8; D], [2u8; D], [3u8; D]);
        // Ids 0.. are new stems ("я", "б", "а", "довге"), placed in sorted order.
        let names = ["а", "б", "довге", "я"];
        let place = [3, 1, 0, 2];
        let c = TermsCache::open(dir.path());
        assert!(c.terms(&a).is_none());
        let (ta, tb) = (vec![(0, 5), (2, 300)], vec![(1, 1), (3, 9)]);
        c.store([a, b].iter(), vec![(a, &ta), (b, &tb)], &place, &names);
        let c = TermsCache::open(dir.path());
        let words = |c: &TermsCache, t: Terms| -> Vec<(String, u32)> {
            t.into_iter()
                .map(|(i, s)| (c.dict().get(i as usize).to_string(), s))
                .collect()
        };
        let w = |s: &str, n: u32| (s.to_string(), n);
        assert_eq!(words(&c, c.terms(&a).unwrap()), [w("а", 300), w("я", 5)]);
        assert_eq!(c.dict().find("довге"), Some(2));
        assert_eq!(c.dict().find("в"), None);
        assert_eq!(c.dict().sorted_len(), 4);
        // A new record is appended, with the stem it adds ("ґ": id 4, placed after "я").
        let sorted = ["а", "б", "довге", "я", "ґ"];
        let tc = vec![(4, 2), (0, 1)];
        c.store(
            [a, b, c3].iter(),
            vec![(c3, &tc)],
            &[0, 1, 2, 3, 4],
            &sorted,
        );
        let c = TermsCache::open(dir.path());
        assert!(c.valid);
        assert_eq!(c.dict().sorted_len(), 4);
        assert_eq!(c.dict().len(), 5);
        assert_eq!(c.dict().unsorted().collect::<Vec<_>>(), [("ґ".into(), 4)]);
        assert_eq!(words(&c, c.terms(&c3).unwrap()), [w("а", 1), w("ґ", 2)]);
        assert_eq!(words(&c, c.terms(&b).unwrap()), [w("б", 1), w("довге", 9)]);
        let appended = std::fs::read(dir.path().join(CACHE_FILE)).unwrap();
        // A torn last segment: the first still serves, and the next build rewrites the file.
        let p = dir.path().join(CACHE_FILE);
        std::fs::write(&p, &appended[..appended.len() - 1]).unwrap();
        let c = TermsCache::open(dir.path());
        assert!(!c.valid && c.terms(&c3).is_none() && c.terms(&a).is_some());
        assert_eq!(c.dict().len(), 4);
        std::fs::write(&p, &appended).unwrap();
        // b no longer used: rewritten without it, and without its stems.
        let c = TermsCache::open(dir.path());
        c.rewrite(&[a, c3], Vec::new(), &[0, 1, 2, 3, 4], &sorted)
            .unwrap();
        let c = TermsCache::open(dir.path());
        assert!(c.terms(&b).is_none());
        assert_eq!(c.dict().len(), 3);
        assert_eq!(c.dict().sorted_len(), 3);
        assert_eq!(c.terms(&a).unwrap(), [(0, 300), (1, 5)]);
        assert_eq!(words(&c, c.terms(&c3).unwrap()), [w("а", 1), w("ґ", 2)]);
        // Torn or damaged files are ignored whole.
        let bytes = std::fs::read(&p).unwrap();
        std::fs::write(&p, &bytes[..bytes.len() - 1]).unwrap();
        assert!(TermsCache::open(dir.path()).terms(&a).is_none());
        let mut damaged = bytes.clone();
        let last = damaged.len() - 1;
        damaged[last] ^= 1;
        std::fs::write(&p, &damaged).unwrap();
        assert!(TermsCache::open(dir.path()).terms(&a).is_none());
        std::fs::write(&p, &bytes).unwrap();
        assert!(TermsCache::open(dir.path()).terms(&a).is_some());
    }

    #[test]
    fn a_cache_of_the_former_format_is_ignored_and_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let a = [1u8; D];
        let (names, place, ta) = (["а", "б"], [0, 1], vec![(0, 5), (1, 2)]);
        TermsCache::open(dir.path()).store([a].iter(), vec![(a, &ta)], &place, &names);
        let p = dir.path().join(CACHE_FILE);
        let bytes = std::fs::read(&p).unwrap();
        assert!(TermsCache::open(dir.path()).terms(&a).is_some());
        // The same records behind the head of format 2 (its magic, a 32-byte fingerprint,
        // the file id): nothing is read from it…
        let mut old = b"litopys-terms-cache 2\n".to_vec();
        old.extend_from_slice(&[0x5a; 32]);
        old.extend_from_slice(&[7; 8]);
        old.extend_from_slice(&bytes[HEAD..]);
        std::fs::write(&p, &old).unwrap();
        let c = TermsCache::open(dir.path());
        assert!(c.terms(&a).is_none() && c.dict().is_empty() && !c.valid);
        // …and the next store writes the current format in its place.
        c.store([a].iter(), vec![(a, &ta)], &place, &names);
        assert!(std::fs::read(&p).unwrap().starts_with(MAGIC));
        let c = TermsCache::open(dir.path());
        assert!(c.valid);
        assert_eq!(c.terms(&a).unwrap(), [(0, 5), (1, 2)]);
    }

    #[test]
    fn varints_round_trip() {
        let mut v = Vec::new();
        let ns = [0, 1, 127, 128, 300, 1 << 21, u32::MAX];
        for n in ns {
            push_varint(&mut v, n);
        }
        let mut r = Reader { bytes: &v, at: 0 };
        for n in ns {
            assert_eq!(r.varint(), Some(n));
        }
        assert!(r.done());
        assert_eq!(
            Reader {
                bytes: &[0xff; 5],
                at: 0
            }
            .varint(),
            None
        );
    }

    /// The words of the stemmer table (`tests/data/search-words.txt`): real stems to cache.
    fn real_words() -> Vec<&'static str> {
        include_str!("../../tests/data/search-words.txt")
            .lines()
            .filter(|l| !l.starts_with('#'))
            .flat_map(str::split_whitespace)
            .collect()
    }

    /// Records over the real words: `n` terms from the first `upto` words (one per stem),
    /// with scores.
    fn record(
        words: &[&'static str],
        upto: usize,
        n: usize,
        x: &mut u64,
    ) -> Vec<(&'static str, u32)> {
        let mut terms: FxHashMap<&str, u32> = FxHashMap::default();
        for _ in 0..n {
            *x = crate::testrand::xorshift(*x);
            let w = words[(*x % upto as u64) as usize];
            *terms.entry(w).or_insert(0) += 1 + (*x >> 40) as u32 % 50;
        }
        let mut terms: Vec<(&str, u32)> = terms.into_iter().collect();
        terms.sort_unstable();
        terms
    }

    /// The terms of `digest` as the cache at `dir` reads them (by stem, sorted); none if it
    /// has no record of it.
    fn read_back(dir: &Path, digest: &crate::hash::Digest) -> Option<Vec<(String, u32)>> {
        let c = TermsCache::open(dir);
        let mut t: Vec<(String, u32)> = c
            .terms(digest)?
            .into_iter()
            .map(|(id, s)| (c.dict().get(id as usize).to_string(), s))
            .collect();
        t.sort_unstable();
        Some(t)
    }

    #[test]
    fn peeked_stores_append_what_the_cache_reads_and_compact_it() {
        let dir = tempfile::tempdir().unwrap();
        let words = real_words();
        let mut x = 9u64;
        // Forty articles cached by a cold build (the file written whole), from part of the
        // words; then one of three articles edited at a time, its new terms drawing on all of
        // them (stems the file has and stems it has not), stored through a peek.
        let mut current: Vec<(crate::hash::Digest, Vec<(&str, u32)>)> = (0..40u8)
            .map(|i| {
                let mut d = [0u8; D];
                d[0] = i;
                (d, record(&words, words.len() / 2, 30 + i as usize, &mut x))
            })
            .collect();
        let used = |c: &[(crate::hash::Digest, Vec<(&str, u32)>)]| -> Vec<crate::hash::Digest> {
            c.iter().map(|(d, _)| *d).collect()
        };
        TermsCache::open(dir.path()).store_named(used(&current).iter(), &current, false);
        assert!(TermsCache::open(dir.path()).valid);
        let (mut appended, mut rewritten) = (0, 0);
        for k in 0..60usize {
            let a = k % 3;
            let mut d = [0u8; D];
            d[0] = a as u8;
            d[1..9].copy_from_slice(&(k as u64 + 1).to_le_bytes());
            current[a] = (d, record(&words, words.len(), 40, &mut x));
            let before = std::fs::metadata(dir.path().join(CACHE_FILE))
                .unwrap()
                .len();
            let peek = Peek::open(dir.path()).unwrap();
            let here = peek.store(used(&current).iter(), current.len(), &current[a..a + 1]);
            let after = std::fs::metadata(dir.path().join(CACHE_FILE))
                .unwrap()
                .len();
            if here {
                assert!(after > before, "{k}: appended, yet no longer");
                appended += 1;
            } else {
                assert!(after < before, "{k}: not appended, yet not rewritten");
                rewritten += 1;
            }
            // Every article's terms read back as stored, whole and by a peek.
            assert!(TermsCache::open(dir.path()).valid, "{k}");
            let peek = Peek::open(dir.path()).unwrap();
            for (d, terms) in &current {
                let want: Vec<(String, u32)> =
                    terms.iter().map(|&(s, n)| (s.to_string(), n)).collect();
                assert_eq!(read_back(dir.path(), d).as_ref(), Some(&want), "{k}");
                let mut peeked: Vec<(String, u32)> = peek
                    .terms(d)
                    .unwrap()
                    .into_iter()
                    .map(|(s, n)| (s.to_string(), n))
                    .collect();
                peeked.sort_unstable();
                assert_eq!(peeked, want, "{k}");
            }
            // Bounded: within half again the size of a cache of only the records in use.
            let fresh = tempfile::tempdir().unwrap();
            TermsCache::open(fresh.path()).store_named(used(&current).iter(), &current, false);
            let least = std::fs::metadata(fresh.path().join(CACHE_FILE))
                .unwrap()
                .len();
            assert!(after * 2 <= least * 3, "{k}: {after} bytes, {least} in use");
            // A record the file has already is not stored again.
            assert!(!Peek::open(dir.path()).unwrap().store(
                used(&current).iter(),
                current.len(),
                &current[a..a + 1]
            ));
            let again = std::fs::metadata(dir.path().join(CACHE_FILE))
                .unwrap()
                .len();
            assert_eq!(again, after, "{k}");
        }
        assert!(
            appended > 20 && rewritten > 2,
            "{appended} appended, {rewritten} rewritten"
        );
    }

    #[test]
    fn peeking_finds_the_terms_the_cache_reads() {
        use crate::search::{index_files_cached, ArticleDoc};
        let dir = tempfile::tempdir().unwrap();
        let words = real_words();
        assert!(words.len() > 200, "{} words", words.len());
        let mut x = 5u64;
        let mut rnd = |k: usize| {
            x = crate::testrand::xorshift(x);
            (x % k as u64) as usize
        };
        // Articles over the words: the first 60 cached by a cold build (the file rewritten),
        // then more in two builds that append segments (with stems of their own: the later
        // articles draw on more of the words).
        let texts: Vec<(String, String)> = (0..120)
            .map(|i| {
                let upto = words.len() * (1 + i / 40) / 3;
                let n = 20 + rnd(60);
                let mut text = |n: usize| {
                    (0..n)
                        .map(|_| words[rnd(upto)])
                        .collect::<Vec<_>>()
                        .join(" ")
                };
                (text(4), format!("<p>{}</p>", text(n)))
            })
            .collect();
        let bodies: Vec<crate::site::Body> = texts.iter().map(|(_, b)| b.clone().into()).collect();
        let articles: Vec<ArticleDoc> = texts
            .iter()
            .zip(&bodies)
            .enumerate()
            .map(|(i, ((title, html), body))| ArticleDoc {
                title: title.clone().into(),
                url: format!("a{i}/index.html"),
                body: Some(body),
                digest: Some(crate::hash::digest(format!("{title}\n{html}").as_bytes())),
                ..ArticleDoc::default()
            })
            .collect();
        for n in [60, 90, 120] {
            index_files_cached(&articles[..n], &[], Some(TermsCache::open(dir.path())));
        }
        let records: Vec<crate::hash::Digest> =
            articles.iter().map(|a| a.digest.unwrap()).collect();
        let c = TermsCache::open(dir.path());
        let peek = Peek::open(dir.path()).unwrap();
        let mut checked = 0;
        assert!(
            c.dict().len() > c.dict().sorted_len(),
            "no segment appended"
        );
        for d in &records {
            let want: Vec<(&str, u32)> = c
                .terms(d)
                .unwrap()
                .into_iter()
                .map(|(id, s)| (c.dict().get(id as usize), s))
                .collect();
            let mut got = peek.terms(d).unwrap();
            let mut want = want;
            got.sort_unstable();
            want.sort_unstable();
            assert_eq!(got, want);
            checked += 1;
        }
        assert_eq!(checked, 120);
        assert!(peek.terms(&[9; D]).is_none());
        // A torn last segment: the records before it are still found, the torn ones not.
        let path = dir.path().join(CACHE_FILE);
        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(&path, &bytes[..bytes.len() - 3]).unwrap();
        let peek = Peek::open(dir.path()).unwrap();
        assert!(peek.terms(&records[0]).is_some());
        assert!(peek.terms(records.last().unwrap()).is_none());
        // Another head: nothing.
        let mut bad = bytes.clone();
        bad[MAGIC.len() + 1] ^= 1;
        std::fs::write(&path, &bad).unwrap();
        assert!(Peek::open(dir.path()).is_none());
    }
}
