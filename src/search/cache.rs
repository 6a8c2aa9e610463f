//! The cache of articles' search terms: `.litopys/terms.cache` under the site root. The terms
//! an article's own text gives (lede and body, capped, then title: see `index_files`) depend
//! on its file alone, so they are kept by the file's *digest* (`Article::digest`) and a
//! rebuild finds the words of only the articles whose bytes changed. The people an article
//! names, and the people's documents, depend on the whole site and are found every build.
//!
//! Format (not meant for anything but this cache): the line `litopys-terms-cache 1`, the
//! 32-byte fingerprint of what finding terms depends on besides the file (crate version and
//! running executable), a 64-bit checksum of the rest (little-endian), then LEB128 numbers:
//! the stems used (count, then each as byte length and UTF-8 bytes, in strictly ascending
//! order), the records (count, then each as digest (32 bytes), byte length and payload). A
//! payload is the number of terms, then per term, by ascending stem index, the index's
//! difference from the previous one (the first: the index itself) and the score.
//!
//! A file of another fingerprint, checksum or shape is ignored as a whole; a record that does
//! not decode is a miss. The file is rewritten (to a temporary file, then renamed, so
//! concurrent builds never see half a file) whenever a build found new terms or no longer uses
//! a record, and holds exactly the records of that build: nothing stale stays. Writing is best
//! effort: a build never fails because of its cache.

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

const MAGIC: &[u8] = b"litopys-terms-cache 1\n";

/// Where the cache lives under the site root.
pub const CACHE_FILE: &str = ".litopys/terms.cache";

/// An article's terms: (stem id, score) pairs.
pub type Terms = Vec<(u32, u32)>;

/// What finding terms depends on besides the file: the crate version and the running
/// executable.
fn fingerprint() -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(MAGIC);
    h.update(env!("CARGO_PKG_VERSION").as_bytes());
    crate::site::cache::hash_executable(&mut h);
    h.finalize().into()
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

/// Appends `n` as LEB128.
fn push_varint(out: &mut Vec<u8>, mut n: u32) {
    while n >= 0x80 {
        out.push((n as u8 & 0x7f) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
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

    fn done(&self) -> bool {
        self.at == self.bytes.len()
    }
}

/// The stems of a cache, in ascending order: stem `i` is the `i`th.
#[derive(Default)]
pub struct Dict {
    text: String,
    /// Where each stem ends in `text`.
    ends: Vec<u32>,
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

    /// The index of `stem`, if it is one.
    pub fn find(&self, stem: &str) -> Option<u32> {
        let (mut lo, mut hi) = (0, self.len());
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

    /// Reads `n` stems; none unless each is UTF-8 and greater than the one before.
    fn read(r: &mut Reader, n: usize) -> Option<Dict> {
        let mut d = Dict {
            text: String::new(),
            ends: Vec::with_capacity(n.min(r.bytes.len())),
        };
        let mut prev = 0;
        for _ in 0..n {
            let len = r.varint()? as usize;
            let s = std::str::from_utf8(r.bytes(len)?).ok()?;
            if !d.is_empty() && d.text[prev..] >= *s {
                return None;
            }
            prev = d.text.len();
            d.text.push_str(s);
            d.ends.push(u32::try_from(d.text.len()).ok()?);
        }
        Some(d)
    }
}

/// The cache as read at the start of a build.
pub struct TermsCache {
    path: PathBuf,
    fingerprint: [u8; 32],
    /// The stems records refer to, by index.
    dict: Dict,
    /// The file's bytes (records are ranges of them).
    data: Vec<u8>,
    /// Digest → where its payload is in `data`.
    records: FxHashMap<[u8; 32], (usize, usize)>,
    /// Whether the file on disk was read whole.
    valid: bool,
}

impl TermsCache {
    /// Reads the cache of the site at `root` (empty if there is none or it is unusable).
    pub fn open(root: &Path) -> TermsCache {
        let mut cache = TermsCache {
            path: root.join(CACHE_FILE),
            fingerprint: fingerprint(),
            dict: Dict::default(),
            data: Vec::new(),
            records: FxHashMap::default(),
            valid: false,
        };
        let Ok(data) = std::fs::read(&cache.path) else {
            return cache;
        };
        if let Some((dict, records)) = cache.parse(&data) {
            cache.dict = dict;
            cache.records = records;
            cache.data = data;
            cache.valid = true;
        }
        cache
    }

    /// The stems and records of `data`, if it is a whole cache of this fingerprint.
    #[allow(clippy::type_complexity)]
    fn parse(&self, data: &[u8]) -> Option<(Dict, FxHashMap<[u8; 32], (usize, usize)>)> {
        let head = MAGIC.len() + 32 + 8;
        if data.len() < head
            || &data[..MAGIC.len()] != MAGIC
            || data[MAGIC.len()..MAGIC.len() + 32] != self.fingerprint
        {
            return None;
        }
        let mut sum = [0u8; 8];
        sum.copy_from_slice(&data[MAGIC.len() + 32..head]);
        if u64::from_le_bytes(sum) != checksum(&data[head..]) {
            return None;
        }
        let mut r = Reader {
            bytes: data,
            at: head,
        };
        let n = r.varint()? as usize;
        let dict = Dict::read(&mut r, n)?;
        let n = r.varint()? as usize;
        let mut records = FxHashMap::default();
        records.reserve(n.min(data.len() / 33));
        for _ in 0..n {
            let mut d = [0u8; 32];
            d.copy_from_slice(r.bytes(32)?);
            let len = r.varint()? as usize;
            let start = r.at;
            r.bytes(len)?;
            records.insert(d, (start, r.at));
        }
        r.done().then_some((dict, records))
    }

    /// The stems the records refer to: stem ids `0..dict.len()` are these.
    pub fn dict(&self) -> &Dict {
        &self.dict
    }

    /// The terms cached for `digest` (stem ids index [`TermsCache::dict`], ascending); none if
    /// not cached or the record does not decode.
    pub fn terms(&self, digest: &[u8; 32]) -> Option<Terms> {
        let &(start, end) = self.records.get(digest)?;
        let mut r = Reader {
            bytes: self.data.get(start..end)?,
            at: 0,
        };
        let n = r.varint()? as usize;
        let mut terms = Vec::with_capacity(n.min(end - start));
        let mut id = 0u32;
        for k in 0..n {
            let delta = r.varint()?;
            if k > 0 && delta == 0 {
                return None;
            }
            id = id.checked_add(delta)?;
            let score = r.varint()?;
            if id as usize >= self.dict.len() || score == 0 {
                return None;
            }
            terms.push((id, score));
        }
        r.done().then_some(terms)
    }

    /// Records this build's articles, rewriting the file if anything changed: `used` are the
    /// digests of every article, `fresh` the terms found now for articles not cached (stem
    /// ids: below the dictionary's length, its stems; above, new ones), `place` each stem id's
    /// place among the stems sorted and `names` the stems in that order. Best effort: errors
    /// are ignored.
    pub fn store<'a>(
        &self,
        used: impl Iterator<Item = &'a [u8; 32]>,
        fresh: Vec<([u8; 32], Terms)>,
        place: &[u32],
        names: &[&str],
    ) {
        let mut seen: FxHashSet<[u8; 32]> = FxHashSet::default();
        let mut kept: Vec<[u8; 32]> = Vec::new();
        for d in used {
            if seen.insert(*d) && self.records.contains_key(d) {
                kept.push(*d);
            }
        }
        let fresh: Vec<([u8; 32], Terms)> = fresh
            .into_iter()
            .filter(|(d, _)| !self.records.contains_key(d))
            .filter(|(d, _)| seen.remove(d))
            .collect();
        if self.valid && fresh.is_empty() && kept.len() == self.records.len() {
            return;
        }
        // Every record, by place among the sorted stems (ascending).
        let place_of = |id: u32| place.get(id as usize).copied();
        let mut records: Vec<([u8; 32], Terms)> = kept
            .par_iter()
            .filter_map(|d| {
                let terms = self.terms(d)?;
                let placed: Option<Terms> = terms
                    .into_iter()
                    .map(|(id, s)| Some((place_of(id)?, s)))
                    .collect();
                Some((*d, placed?))
            })
            .collect();
        records.par_extend(fresh.into_par_iter().filter_map(|(d, terms)| {
            let mut placed: Terms = terms
                .into_iter()
                .map(|(id, s)| Some((place_of(id)?, s)))
                .collect::<Option<Terms>>()?;
            placed.sort_unstable();
            Some((d, placed))
        }));
        // The stems they use, numbered anew.
        let mut rank = vec![u32::MAX; names.len()];
        for (_, terms) in &records {
            for &(p, _) in terms {
                if let Some(r) = rank.get_mut(p as usize) {
                    *r = 0;
                }
            }
        }
        let mut body = Vec::with_capacity(self.data.len() + (1 << 16));
        let count = rank.iter().filter(|&&r| r == 0).count();
        push_varint(&mut body, count as u32);
        let mut next = 0u32;
        for (p, r) in rank.iter_mut().enumerate() {
            if *r == 0 {
                *r = next;
                next += 1;
                let s = names.get(p).copied().unwrap_or("");
                push_varint(&mut body, s.len() as u32);
                body.extend_from_slice(s.as_bytes());
            }
        }
        push_varint(&mut body, records.len() as u32);
        let mut payload = Vec::new();
        for (d, terms) in &records {
            payload.clear();
            push_varint(&mut payload, terms.len() as u32);
            let mut last = 0;
            for &(p, s) in terms {
                let r = rank[p as usize];
                push_varint(&mut payload, r - last);
                push_varint(&mut payload, s);
                last = r;
            }
            body.extend_from_slice(d);
            push_varint(&mut body, payload.len() as u32);
            body.extend_from_slice(&payload);
        }
        let _ = self.write(&body);
    }

    /// Writes the file with `body` after its head: to a temporary file, then renamed.
    fn write(&self, body: &[u8]) -> std::io::Result<()> {
        use std::io::Write;
        use std::sync::atomic::{AtomicUsize, Ordering};
        static SERIAL: AtomicUsize = AtomicUsize::new(0);
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let tmp = self.path.with_extension(format!(
            "tmp-{}-{}",
            std::process::id(),
            SERIAL.fetch_add(1, Ordering::Relaxed)
        ));
        let result = (|| {
            let mut f = std::fs::File::create(&tmp)?;
            let mut head = Vec::with_capacity(MAGIC.len() + 40);
            head.extend_from_slice(MAGIC);
            head.extend_from_slice(&self.fingerprint);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_survive_the_cache_and_damage_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = ([1u8; 32], [2u8; 32]);
        // Ids 0.. are new stems ("я", "б", "а", "довге"), placed in sorted order.
        let names = ["а", "б", "довге", "я"];
        let place = [3, 1, 0, 2];
        let c = TermsCache::open(dir.path());
        assert!(c.terms(&a).is_none());
        let fresh = vec![(a, vec![(0, 5), (2, 300)]), (b, vec![(1, 1), (3, 9)])];
        c.store([a, b].iter(), fresh, &place, &names);
        let c = TermsCache::open(dir.path());
        let words = |t: Terms| -> Vec<(String, u32)> {
            t.into_iter()
                .map(|(i, s)| (c.dict().get(i as usize).to_string(), s))
                .collect()
        };
        assert_eq!(
            words(c.terms(&a).unwrap()),
            [("а".to_string(), 300), ("я".to_string(), 5)]
        );
        assert_eq!(c.dict().find("довге"), Some(2));
        assert_eq!(c.dict().find("в"), None);
        // b no longer used: rewritten without it, and without its stems.
        c.store(
            [a].iter(),
            Vec::new(),
            &[0, 1, 2, 3],
            &["а", "б", "довге", "я"],
        );
        let c = TermsCache::open(dir.path());
        assert!(c.terms(&b).is_none());
        assert_eq!(c.dict().len(), 2);
        assert_eq!(c.terms(&a).unwrap(), [(0, 300), (1, 5)]);
        // Torn or damaged files are ignored whole.
        let p = dir.path().join(CACHE_FILE);
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
}
