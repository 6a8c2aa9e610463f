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
//! The plan is written beside the manifest (`.litopys-plan`) and the manifest names its digest
//! (see `crate::output`), so a plan is only used with the manifest of the build that made it.

use crate::hash::{Digest, Hasher};
use crate::site::{Article, Site};
use std::cell::RefCell;
use std::hash::Hash;

/// One page of a plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PagePlan {
    /// The output path.
    pub path: String,
    /// The articles (indices) whose bodies the page's key read; none when the page was not
    /// made through a render key (it is then always made again).
    pub reads: Option<Vec<u32>>,
    /// [`reads_digest`] of `reads` (zero when `reads` is none).
    pub reads_digest: Digest,
}

/// A build's plan: its structure digest and its pages in the order they were made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub structure: Digest,
    pub pages: Vec<PagePlan>,
}

/// What the page being made on this thread has read so far.
#[derive(Default)]
struct Recording {
    /// True once a render key was computed for the page.
    keyed: bool,
    reads: Vec<u32>,
}

thread_local! {
    static RECORDING: RefCell<Option<Recording>> = const { RefCell::new(None) };
}

/// Runs `f` (the making of one page) and returns what its key read: the articles whose
/// bodies went into it, or none if no key was computed. The recording before the call is put
/// back after it, so a page made on this thread while `f` waits (rayon may run another job
/// there) records its own reads, not `f`'s.
pub fn recording<T>(f: impl FnOnce() -> T) -> (T, Option<Vec<u32>>) {
    let outer = RECORDING.with(|r| r.replace(Some(Recording::default())));
    let out = f();
    let mine = RECORDING.with(|r| r.replace(outer));
    let reads = mine.filter(|m| m.keyed).map(|m| {
        let mut reads = m.reads;
        reads.sort_unstable();
        reads.dedup();
        reads
    });
    (out, reads)
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
    RECORDING.with(|r| {
        if let Some(rec) = r.borrow_mut().as_mut() {
            // More articles than u32 holds cannot be read into memory anyway; saturate.
            rec.reads.push(u32::try_from(index).unwrap_or(u32::MAX));
        }
    });
}

/// Feeds std's [`Hash`] into a [`Hasher`].
struct Feed<'a>(&'a mut Hasher);

impl std::hash::Hasher for Feed<'_> {
    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    fn finish(&self) -> u64 {
        0
    }
}

/// The digest of everything in `site` that pages are made of except the articles' bodies and
/// source digests, with `fingerprint` (the templates, the style sheet, the binary).
pub fn structure_digest(site: &Site, fingerprint: &Digest) -> Digest {
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
    for a in articles {
        // Every field is named, so that a field added to `Article` must be placed here.
        let Article {
            file,
            title,
            date,
            summary,
            language,
            body: _,
            people,
            slug,
            url,
            template,
            // A function of the articles' people and dates and the people's article lists,
            // all hashed here (see `Site::related`).
            related: _,
            digest: _,
        } = a;
        file.hash(&mut feed);
        title.hash(&mut feed);
        date.hash(&mut feed);
        summary.hash(&mut feed);
        language.hash(&mut feed);
        people.hash(&mut feed);
        slug.hash(&mut feed);
        url.hash(&mut feed);
        template.hash(&mut feed);
    }
    people.hash(&mut feed);
    days.hash(&mut feed);
    months.hash(&mut feed);
    years.hash(&mut feed);
    h.finalize()
}

/// The digest of the source digests of articles `reads` of `site` (zero when one is not an
/// article of it).
pub fn reads_digest(site: &Site, reads: &[u32]) -> Digest {
    let mut h = Hasher::new();
    for &i in reads {
        match site.articles.get(i as usize) {
            Some(a) => h.update(a.digest),
            None => return [0; 16],
        }
    }
    h.finalize()
}

/// The first bytes of a plan file, with its version.
const MAGIC: &[u8] = b"litopys-plan 1\n";

/// A plan as bytes (little-endian numbers, lengths before strings and lists).
pub fn encode(plan: &Plan) -> Vec<u8> {
    let mut out = Vec::with_capacity(64 + plan.pages.len() * 96);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&plan.structure);
    out.extend_from_slice(&(plan.pages.len() as u64).to_le_bytes());
    for p in &plan.pages {
        out.extend_from_slice(&(p.path.len() as u64).to_le_bytes());
        out.extend_from_slice(p.path.as_bytes());
        match &p.reads {
            None => out.push(0),
            Some(reads) => {
                out.push(1);
                out.extend_from_slice(&(reads.len() as u64).to_le_bytes());
                for r in reads {
                    out.extend_from_slice(&r.to_le_bytes());
                }
                out.extend_from_slice(&p.reads_digest);
            }
        }
    }
    out
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
    let mut r = Reader(bytes.strip_prefix(MAGIC)?);
    let structure = r.digest()?;
    let n = r.len(9)?;
    let mut pages = Vec::with_capacity(n);
    for _ in 0..n {
        let len = r.len(1)?;
        let path = std::str::from_utf8(r.take(len)?).ok()?.to_string();
        let (reads, reads_digest) = match r.take(1)?[0] {
            0 => (None, [0; 16]),
            1 => {
                let count = r.len(4)?;
                let reads = (0..count)
                    .map(|_| Some(u32::from_le_bytes(r.take(4)?.try_into().ok()?)))
                    .collect::<Option<Vec<u32>>>()?;
                (Some(reads), r.digest()?)
            }
            _ => return None,
        };
        pages.push(PagePlan {
            path,
            reads,
            reads_digest,
        });
    }
    r.0.is_empty().then_some(Plan { structure, pages })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Plan {
        Plan {
            structure: [7; 16],
            pages: vec![
                PagePlan {
                    path: "2026/01/07/a b/index.html".into(),
                    reads: Some(vec![0, 3, 9_999]),
                    reads_digest: [1; 16],
                },
                PagePlan {
                    path: "style.css".into(),
                    reads: None,
                    reads_digest: [0; 16],
                },
                PagePlan {
                    path: "people/ivan/page/2/index.html".into(),
                    reads: Some(Vec::new()),
                    reads_digest: [2; 16],
                },
            ],
        }
    }

    #[test]
    fn plans_decode_to_what_was_encoded_and_refuse_anything_else() {
        let plan = sample();
        let bytes = encode(&plan);
        assert_eq!(decode(&bytes), Some(plan));
        // Cut anywhere, or with a byte more, it is not a plan.
        for cut in 0..bytes.len() {
            assert_eq!(decode(&bytes[..cut]), None, "cut at {cut}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert_eq!(decode(&longer), None);
        // A huge count is refused before anything is reserved.
        let mut forged = MAGIC.to_vec();
        forged.extend_from_slice(&[0; 16]);
        forged.extend_from_slice(&u64::MAX.to_le_bytes());
        assert_eq!(decode(&forged), None);
    }

    #[test]
    fn recording_notes_reads_only_of_keyed_pages_and_nests() {
        let ((), none) = recording(|| note_read(4));
        assert_eq!(none, None, "no key computed: nothing recorded");
        let (inner, outer) = recording(|| {
            note_keyed();
            note_read(5);
            note_read(2);
            // A page made on this thread meanwhile keeps its own reads.
            let ((), inner) = recording(|| {
                note_keyed();
                note_read(9);
            });
            note_read(5);
            inner
        });
        assert_eq!(inner, Some(vec![9]));
        assert_eq!(outer, Some(vec![2, 5]));
        // Outside any page, notes go nowhere.
        note_read(1);
        let ((), empty) = recording(note_keyed);
        assert_eq!(empty, Some(vec![]));
    }
}
