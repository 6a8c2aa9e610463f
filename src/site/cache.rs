//! The cache of parsed articles, in two files under the site root: the index
//! `.litopys/parsed.cache` and the bodies `.litopys/parsed.bodies`. An article file is known by
//! its *digest* ([`crate::hash`] of its bytes and of `allow_html`); the cache maps a digest to
//! the file's front matter and body HTML, so a rebuild parses only the files whose bytes
//! changed. Opening the cache reads the index only (one read of the whole file): bodies stay in
//! their file, and an article keeps the body's place there ([`Body`]) and reads it when a page
//! needs it.
//!
//! Format (not meant for anything but this cache): both files begin with the same header: the
//! line `litopys-parsed-cache 5`, the 16-byte fingerprint of what parsing depends on besides
//! the file (crate version, running executable, `allow_html`), and a 16-byte *generation* drawn
//! when the pair is written anew. The index then holds records: digest (16 bytes), front matter
//! in the binary form of [`super::fmcode`] (u32 little-endian length, bytes), the article's
//! base slug ([`super::BaseSlug`]: u32 length, then a byte 1 for an explicit `slug:` or 0 for
//! one made from the title, then the slug), and where the body HTML is in the bodies file
//! (u64 offset, u32 length). The bodies file holds the bodies back to back, in the order of
//! their records. An index of another fingerprint, or of another generation than the bodies
//! file, one that does not parse to the end, or one whose bodies are not in order within the
//! bodies file (a body before the end of the previous one or beyond the end of the file) is
//! ignored (and both files are rewritten).
//!
//! New records are appended under a lock on the index: the bodies first, then their index
//! records, so a build stopped between the two leaves only body bytes no record points to.
//! The pair is rewritten without the records no article uses any more (and without body bytes
//! no record points to) once those are more than a quarter of it: both files are written under
//! temporary names and renamed, bodies first (a build still reading the old files keeps
//! reading them; one opening the pair between the two renames finds two generations and does
//! without the cache). A build that finds no usable pair writes one anew while it parses
//! ([`Rewriter`]): a run of articles at a time, in order, each run while the next is parsed,
//! so that the bodies beyond those held in memory leave it once written. Writing is best
//! effort: a build never fails because of its cache.

use super::body::Body;
use crate::content::FrontMatter;
use crate::hash::{Digest, Hasher};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

const MAGIC: &[u8] = b"litopys-parsed-cache 5\n";

/// Bytes of a digest in the file.
const D: usize = std::mem::size_of::<Digest>();

/// Bytes of the header both files begin with: magic, fingerprint, generation.
const HEADER: usize = MAGIC.len() + 2 * D;

/// Bytes of an index record besides its front matter and base slug: digest, the two lengths,
/// the body's offset and length.
const RECORD_FIXED: usize = D + 4 + 4 + 8 + 4;

/// Bytes of bodies parsed in a build that stay in memory once written to the cache; the rest
/// are read back from the file when a page needs them (a 100,000-article site has ~700 MB of
/// bodies).
const HELD_BODIES_MAX: usize = 256 << 20;

/// Where the cache's index lives under the site root.
pub const CACHE_FILE: &str = ".litopys/parsed.cache";

/// Where the cache's bodies live under the site root.
pub const BODIES_FILE: &str = ".litopys/parsed.bodies";

/// One parsed article as cached.
pub struct Cached {
    pub fm: FrontMatter,
    pub base: super::BaseSlug,
    pub body: Body,
}

/// A record taken from the cache, its front matter still encoded (in the index as read).
pub struct Taken {
    index: Arc<crate::mapped::FileBytes>,
    fm: Range<usize>,
    base: Range<usize>,
    body: Body,
}

impl Taken {
    /// [`super::snapshot::fm_digest`] of the record's front matter and base slug (which are
    /// next to each other in the index, with their lengths).
    pub(super) fn fm_digest(&self) -> Option<Digest> {
        let span = self.fm.start.checked_sub(4)?..self.base.end;
        Some(super::snapshot::fm_digest(self.index.get(span)?))
    }

    /// The cached article; none if its front matter does not decode.
    pub fn decode(self) -> Option<Cached> {
        let (&explicit, slug) = self.index.get(self.base.clone())?.split_first()?;
        let base = super::BaseSlug {
            explicit: match explicit {
                0 => false,
                1 => true,
                _ => return None,
            },
            slug: std::str::from_utf8(slug).ok()?.to_owned(),
        };
        Some(Cached {
            fm: super::fmcode::decode(self.index.get(self.fm.clone())?)?,
            base,
            body: self.body,
        })
    }
}

/// The digest of an article file's bytes, as the cache and render keys know it.
pub fn digest(bytes: &[u8], allow_html: bool) -> Digest {
    crate::hash::digest_parts(&[bytes, &[allow_html as u8]])
}

/// What parsing depends on besides the file: the crate version, the running executable and
/// `allow_html`.
fn fingerprint(allow_html: bool) -> Digest {
    let mut h = Hasher::new();
    h.update(MAGIC);
    h.update(env!("CARGO_PKG_VERSION").as_bytes());
    h.update([0, allow_html as u8]);
    hash_executable(&mut h);
    h.finalize()
}

/// A generation no other writing of the pair shares (time, process, a per-process random key
/// and a counter).
fn new_generation() -> Digest {
    use std::hash::{BuildHasher, Hasher as _};
    static COUNT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let mut h = Hasher::new();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    h.update(now.as_nanos().to_le_bytes());
    h.update(std::process::id().to_le_bytes());
    h.update(
        COUNT
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            .to_le_bytes(),
    );
    let mut random = std::collections::hash_map::RandomState::new().build_hasher();
    random.write_u64(now.as_secs());
    h.update(random.finish().to_le_bytes());
    h.finalize()
}

/// The header of a pair of files.
fn header(fingerprint: &Digest, generation: &Digest) -> Vec<u8> {
    let mut h = Vec::with_capacity(HEADER);
    h.extend_from_slice(MAGIC);
    h.extend_from_slice(fingerprint);
    h.extend_from_slice(generation);
    h
}

/// A cached record: where its encoded front matter and base slug are in the index, and where
/// the body is in the bodies file (offset, length).
struct Record {
    fm: Range<usize>,
    base: Range<usize>,
    body: (u64, usize),
    /// Its body was given by [`Cache::body`] (and counted as taken).
    used: bool,
}

impl Record {
    /// Bytes of the record in both files.
    fn size(&self) -> u64 {
        (RECORD_FIXED + self.fm.len() + self.base.len() + self.body.1) as u64
    }
}

/// Cached records by digest (FxHash: the keys are digests already, and a rebuild looks up every
/// article's).
type Records = rustc_hash::FxHashMap<Digest, Record>;

/// The cache as read at the start of a build.
pub struct Cache {
    index_path: PathBuf,
    bodies_path: PathBuf,
    fingerprint: Digest,
    /// The index as read (records point into it), mapped ([`crate::mapped`]).
    index: Arc<crate::mapped::FileBytes>,
    /// The bodies file of the index's generation (bodies are read from it later).
    bodies: Option<Arc<File>>,
    /// Records not taken yet.
    records: Records,
    /// Whether the pair on disk is usable as it is (records can be appended to it).
    valid: bool,
    /// Bytes of both files on disk (for deciding when to rewrite them).
    size: u64,
    /// Bytes of the records taken (in both files): what a rewrite would keep.
    taken: u64,
    allow_html: bool,
}

/// The little-endian u32 at `at` of `b`, as a length.
pub(super) fn u32_at(b: &[u8], at: usize) -> Option<usize> {
    let bytes = b.get(at..at.checked_add(4)?)?;
    Some(u32::from_le_bytes(bytes.try_into().ok()?) as usize)
}

/// The records of an index (`index`, header included) whose bodies file has `bodies_len`
/// bytes; none if the index does not parse to the end or its bodies are not in order within
/// the bodies file.
fn parse_index(index: &[u8], bodies_len: u64) -> Option<Records> {
    let mut records = Records::with_capacity_and_hasher(index.len() / 512, Default::default());
    let mut at = HEADER;
    // Where the previous record's body ends: bodies are written in the order of their records.
    let mut bodies_end = HEADER as u64;
    while at < index.len() {
        let d: Digest = index.get(at..at + D)?.try_into().ok()?;
        at += D;
        let n = u32_at(index, at)?;
        let fm = at + 4..(at + 4).checked_add(n)?;
        at = fm.end;
        let m = u32_at(index, at)?;
        let base = at + 4..(at + 4).checked_add(m)?;
        at = base.end;
        let offset = u64::from_le_bytes(index.get(at..at.checked_add(8)?)?.try_into().ok()?);
        let len = u32_at(index, at + 8)?;
        at += 12;
        let end = offset.checked_add(len as u64)?;
        if offset < bodies_end || end > bodies_len {
            return None;
        }
        bodies_end = end;
        records.insert(
            d,
            Record {
                fm,
                base,
                body: (offset, len),
                used: false,
            },
        );
    }
    // The last record's fields (checked by `get` as they were read) end within the index.
    (at == index.len()).then_some(records)
}

impl Cache {
    /// Reads the cache of the site at `root` (empty if there is none or it is unusable).
    pub fn open(root: &Path, allow_html: bool) -> Cache {
        let fingerprint = fingerprint(allow_html);
        let mut cache = Cache {
            index_path: root.join(CACHE_FILE),
            bodies_path: root.join(BODIES_FILE),
            fingerprint,
            index: Arc::default(),
            bodies: None,
            records: Records::default(),
            valid: false,
            size: 0,
            taken: 0,
            allow_html,
        };
        let Ok(index) = crate::mapped::cache_file(&cache.index_path) else {
            return cache;
        };
        if index.len() < HEADER
            || &index[..MAGIC.len()] != MAGIC
            || index[MAGIC.len()..MAGIC.len() + D] != fingerprint
        {
            return cache;
        }
        // The bodies file must be of the index's generation.
        let Ok(bodies) = File::open(&cache.bodies_path) else {
            return cache;
        };
        let mut head = [0u8; HEADER];
        let Ok(bodies_len) = bodies.metadata().map(|m| m.len()) else {
            return cache;
        };
        if super::body::read_at(&bodies, &mut head, 0).is_err() || head[..] != index[..HEADER] {
            return cache;
        }
        if let Some(records) = parse_index(&index, bodies_len) {
            cache.size = index.len() as u64 + bodies_len;
            cache.records = records;
            cache.index = Arc::new(index);
            cache.bodies = Some(Arc::new(bodies));
            cache.valid = true;
        }
        cache
    }

    /// Takes the record of `digest`, if cached and well-formed; `source` is the article's
    /// file (absolute), from which the body is parsed again should the cache fail to give it
    /// back.
    ///
    /// The front matter is decoded by [`Taken::decode`], which needs no access to the cache
    /// (so threads holding the cache behind a lock decode outside it).
    pub fn take(&mut self, digest: &Digest, source: &Path, allow_html: bool) -> Option<Taken> {
        let record = self.records.remove(digest)?;
        let file = self.bodies.clone()?;
        if !record.used {
            self.taken += record.size();
        }
        let (offset, len) = record.body;
        Some(Taken {
            index: self.index.clone(),
            fm: record.fm,
            base: record.base,
            body: Body::cached(file, offset, len, source.to_path_buf(), allow_html, *digest),
        })
    }

    /// Whether the cache can be appended to as it is (it was read whole and checks out).
    pub(super) fn is_valid(&self) -> bool {
        self.valid
    }

    /// What parsing depends on besides the file ([`fingerprint`]).
    pub(super) fn fingerprint(&self) -> &Digest {
        &self.fingerprint
    }

    /// The front matter of the record of `digest` (not taken), if cached and well-formed.
    pub(super) fn peek(&self, digest: &Digest) -> Option<FrontMatter> {
        let record = self.records.get(digest)?;
        super::fmcode::decode(self.index.get(record.fm.clone())?)
    }

    /// The body of the record of `digest` (cached and not taken), which is counted as taken
    /// but stays, so that articles with the same bytes each get it; `source` as for
    /// [`Cache::take`].
    pub(super) fn body(&mut self, digest: &Digest, source: PathBuf) -> Option<Body> {
        let record = self.records.get_mut(digest)?;
        let file = self.bodies.clone()?;
        if !std::mem::replace(&mut record.used, true) {
            self.taken += record.size();
        }
        let (offset, len) = record.body;
        Some(Body::cached(
            file,
            offset,
            len,
            source,
            self.allow_html,
            *digest,
        ))
    }

    /// Records the articles of this build (`parsed`, those with `fresh` set parsed now, not
    /// found in the cache): appends the fresh ones to the files, or rewrites them with all of
    /// them when they are unusable or mostly bytes no article uses any more (records left
    /// untaken, bodies no record points to). Fresh bodies written beyond [`HELD_BODIES_MAX`]
    /// bytes are then left in the file ([`Body`]) instead of memory. Best effort: errors are
    /// ignored (the bodies stay in memory).
    pub(super) fn store(self, root: &Path, parsed: &mut [super::Parsed]) {
        self.store_holding(root, parsed, HELD_BODIES_MAX)
    }

    /// Records the fresh articles among `parsed`, which are only some of this build's (the
    /// others' records were given by [`Cache::body`]): appends them to the files when they
    /// are usable, and never rewrites the pair (that waits for a build that loads every
    /// article). Otherwise as [`Cache::store`].
    pub(super) fn store_some(self, root: &Path, parsed: &mut [super::Parsed]) {
        if self.valid {
            self.append_holding(root, parsed, HELD_BODIES_MAX);
        }
    }

    /// [`Cache::store`], holding at most `held_max` bytes of fresh bodies in memory.
    fn store_holding(self, root: &Path, parsed: &mut [super::Parsed], held_max: usize) {
        let dead = self.size.saturating_sub(2 * HEADER as u64 + self.taken);
        if !self.valid || dead * 4 > self.size {
            if let Ok(mut w) = self.writer_holding(held_max) {
                w.write(root, parsed);
                w.finish();
            }
        } else {
            self.append_holding(root, parsed, held_max);
        }
    }

    /// Appends the fresh articles of `parsed` to the pair, holding at most `held_max` bytes of
    /// their bodies in memory.
    fn append_holding(&self, root: &Path, parsed: &mut [super::Parsed], held_max: usize) {
        if let Ok(Some((file, places))) = self.append(parsed) {
            let mut held = 0;
            hold(
                root,
                self.allow_html,
                parsed,
                (&file, places),
                (&mut held, held_max),
            );
        }
    }

    /// A writer of the pair anew, for a build that found no usable cache: the articles are
    /// written a run at a time as they are parsed ([`Rewriter::write`]), so that their bodies
    /// need not all be in memory at once, and [`Cache::store`] is not called. None if the
    /// cache is usable (whether it is then appended to or rewritten is known once the articles
    /// are parsed) or the files cannot be made.
    pub(super) fn rewriter(&self) -> Option<Rewriter> {
        if self.valid {
            return None;
        }
        self.writer_holding(HELD_BODIES_MAX).ok()
    }

    /// The two files under temporary names, each with its header.
    fn writer_holding(&self, held_max: usize) -> std::io::Result<Rewriter> {
        if let Some(dir) = self.index_path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let tmp = |path: &Path| {
            let mut p = path.as_os_str().to_owned();
            p.push(format!(".tmp-{}", std::process::id()));
            PathBuf::from(p)
        };
        let create = |path: &Path| {
            std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(true)
                .open(path)
        };
        let mut w = Rewriter {
            index: (tmp(&self.index_path), self.index_path.clone()),
            bodies: (tmp(&self.bodies_path), self.bodies_path.clone()),
            files: None,
            at: HEADER as u64,
            held: (0, held_max),
            allow_html: self.allow_html,
            failed: false,
        };
        let head = header(&self.fingerprint, &new_generation());
        let bodies = create(&w.bodies.0)?;
        (&bodies).write_all(&head)?;
        let index = create(&w.index.0)?;
        let mut records = BufWriter::with_capacity(1 << 20, index);
        records.write_all(&head)?;
        w.files = Some((Arc::new(bodies), records));
        Ok(w)
    }

    /// Appends the fresh articles' records; gives the bodies file and where each fresh body
    /// went.
    fn append(&self, parsed: &[super::Parsed]) -> std::io::Result<Option<Placed>> {
        if !parsed.iter().any(|p| p.fresh) {
            return Ok(None);
        }
        let open = |path: &Path| {
            std::fs::OpenOptions::new()
                .append(true)
                .read(true)
                .open(path)
        };
        let index = open(&self.index_path)?;
        // Two builds appending at once must not interleave records: every writer of a pair
        // holds the lock of its index.
        index.lock()?;
        let bodies = open(&self.bodies_path)?;
        // Another build may have rewritten the pair since this one opened it (or be between
        // its two renames): append only to a pair of one generation, of this fingerprint.
        let (mut hi, mut hb) = ([0u8; HEADER], [0u8; HEADER]);
        super::body::read_at(&index, &mut hi, 0)?;
        super::body::read_at(&bodies, &mut hb, 0)?;
        if hi != hb
            || &hi[..MAGIC.len()] != MAGIC
            || hi[MAGIC.len()..MAGIC.len() + D] != self.fingerprint
        {
            return Ok(None);
        }
        let at = bodies.metadata()?.len();
        let mut records = Vec::new();
        let places = write_records(
            &bodies,
            at,
            &mut records,
            parsed.iter().enumerate().filter(|(_, p)| p.fresh),
        )?;
        // The bodies are in their file before any record points to them.
        (&index).write_all(&records)?;
        Ok(Some((Arc::new(bodies), places)))
    }
}

/// A bodies file records were written to, and (article index, body offset, body length) per
/// record.
type Placed = (Arc<File>, Vec<(usize, u64, usize)>);

/// Up to the budget (`held`: bytes held so far, most), fresh bodies written to `file` at
/// `places` stay in memory too (reading them back costs time); beyond it they are read from the
/// file when needed.
fn hold(
    root: &Path,
    allow_html: bool,
    parsed: &mut [super::Parsed],
    (file, places): (&Arc<File>, Vec<(usize, u64, usize)>),
    (held, held_max): (&mut usize, usize),
) {
    for (i, offset, len) in places {
        let p = &mut parsed[i];
        if p.fresh && *held + len > held_max {
            p.body = Body::cached(
                file.clone(),
                offset,
                len,
                root.join(&p.file),
                allow_html,
                p.digest,
            );
        } else if p.fresh {
            *held += len;
        }
    }
}

/// The pair being written anew under temporary names ([`Cache::rewriter`]), and renamed over
/// the old one by [`Rewriter::finish`]; dropped unfinished, it removes what it wrote.
pub(super) struct Rewriter {
    /// The index: temporary path, final path.
    index: (PathBuf, PathBuf),
    /// The bodies: temporary path, final path.
    bodies: (PathBuf, PathBuf),
    /// The bodies file and the index's writer, once both are made.
    files: Option<(Arc<File>, BufWriter<File>)>,
    /// Where the next body goes in the bodies file.
    at: u64,
    /// Bytes of fresh bodies held in memory, and the most that may be.
    held: (usize, usize),
    allow_html: bool,
    /// A write failed: nothing more is written, and the pair is not renamed.
    failed: bool,
}

impl Rewriter {
    /// Writes the records of the next articles, `run` (in order), and leaves in the file the
    /// fresh bodies beyond the budget of those held in memory ([`HELD_BODIES_MAX`]). After a
    /// failed write nothing more is written (the bodies stay in memory).
    pub(super) fn write(&mut self, root: &Path, run: &mut [super::Parsed]) {
        let Some((bodies, records)) = self.files.as_mut().filter(|_| !self.failed) else {
            return;
        };
        match write_records(bodies, self.at, records, run.iter().enumerate()) {
            Ok(places) => {
                if let Some(&(_, offset, len)) = places.last() {
                    self.at = offset + len as u64;
                }
                let (held, max) = &mut self.held;
                hold(root, self.allow_html, run, (bodies, places), (held, *max));
            }
            Err(_) => self.failed = true,
        }
    }

    /// Renames the pair over the old one (bodies first: an index is never in place before the
    /// bodies it points to); after a failed write, removes it.
    pub(super) fn finish(mut self) {
        let renamed = (|| {
            let (_, records) = self.files.as_mut().filter(|_| !self.failed)?;
            records.flush().ok()?;
            std::fs::rename(&self.bodies.0, &self.bodies.1).ok()?;
            std::fs::rename(&self.index.0, &self.index.1).ok()
        })();
        self.failed = renamed.is_none();
    }
}

impl Drop for Rewriter {
    fn drop(&mut self) {
        // Unfinished or failed: the temporary files go (once renamed, there are none).
        let _ = std::fs::remove_file(&self.bodies.0);
        let _ = std::fs::remove_file(&self.index.0);
    }
}

/// Writes the bodies of `articles` (index, article) to `bodies`, whose end is at byte `at`, and
/// their index records to `records`; gives where each body went.
fn write_records<'a>(
    bodies: &File,
    mut at: u64,
    records: &mut impl Write,
    articles: impl Iterator<Item = (usize, &'a super::Parsed)>,
) -> std::io::Result<Vec<(usize, u64, usize)>> {
    let mut w = BufWriter::with_capacity(1 << 20, bodies);
    let mut places = Vec::new();
    // One record at a time (its front matter's length goes before it).
    let mut record = Vec::with_capacity(1024);
    for (i, p) in articles {
        // A body that cannot be read any more is left out (that article is parsed next time).
        let Ok(body) = p.body.html() else {
            continue;
        };
        record.clear();
        if put_record(&mut record, &p.digest, &p.fm, &p.base, at, body.len()) {
            records.write_all(&record)?;
            w.write_all(body.as_bytes())?;
            places.push((i, at, body.len()));
            at += body.len() as u64;
        }
    }
    w.flush()?;
    Ok(places)
}

/// Appends the index record of an article whose body goes at `offset` of the bodies file to
/// `out`; false (and `out` as it was) if a part is too big for the format (that article is
/// parsed every time).
fn put_record(
    out: &mut Vec<u8>,
    d: &Digest,
    fm: &FrontMatter,
    base: &super::BaseSlug,
    offset: u64,
    body_len: usize,
) -> bool {
    let Ok(body_len) = u32::try_from(body_len) else {
        return false;
    };
    let start = out.len();
    out.extend_from_slice(d);
    if !put_fm_span(out, fm, base) {
        out.truncate(start);
        return false;
    }
    out.extend_from_slice(&offset.to_le_bytes());
    out.extend_from_slice(&body_len.to_le_bytes());
    true
}

/// Appends an index record's front matter and base slug to `out`: the front matter's u32
/// length and [`super::fmcode`] encoding, then the base slug's u32 length, a byte 1 for an
/// explicit slug (0 for one made from the title) and the slug; false (and `out` as it was)
/// if a part is too big for the format.
pub(super) fn put_fm_span(out: &mut Vec<u8>, fm: &FrontMatter, base: &super::BaseSlug) -> bool {
    let start = out.len();
    out.extend_from_slice(&[0; 4]);
    super::fmcode::encode(fm, out);
    let fm_len = out.len() - start - 4;
    let (Ok(fm_len), Ok(base_len)) = (u32::try_from(fm_len), u32::try_from(1 + base.slug.len()))
    else {
        out.truncate(start);
        return false;
    };
    out[start..start + 4].copy_from_slice(&fm_len.to_le_bytes());
    out.extend_from_slice(&base_len.to_le_bytes());
    out.push(u8::from(base.explicit));
    out.extend_from_slice(base.slug.as_bytes());
    true
}

/// Feeds the running executable's identity ([`executable_id`]) into `h`.
pub(crate) fn hash_executable(h: &mut Hasher) {
    h.update(executable_id());
}

/// The running executable's identity (size and modification time): a rebuilt binary may parse
/// or render the same input differently. An unknown executable gets a value no other run
/// shares. Used by this cache's fingerprint, by render keys and by the other caches.
pub(crate) fn executable_id() -> Vec<u8> {
    match std::env::current_exe().and_then(std::fs::metadata) {
        Ok(m) => {
            let t = m
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .unwrap_or_default();
            let mut id = m.len().to_le_bytes().to_vec();
            id.extend_from_slice(&t.as_nanos().to_le_bytes());
            id
        }
        Err(_) => format!("{:?}", std::time::SystemTime::now()).into_bytes(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "---\ntitle: \"Тест: «лапки»\"\ndate: 2026-01-07\npeople:\n- Кирило Буданов\nroles:\n- person: Кирило Буданов\n  role: начальник ГУР\nsummary: Лід.\nsource: content/raw/a.txt\nslug: test\ntemplate: x.html\n---\n\nТекст **жирний**.\n";

    /// A parsed article of `text` at `file`, fresh.
    fn parsed(file: &str, text: &str) -> super::super::Parsed {
        let (fm, body) = crate::content::parse(text).unwrap();
        let base = super::super::base_slug(&fm);
        super::super::Parsed {
            file: file.into(),
            fm_digest: super::super::snapshot::fm_digest_of(&fm, &base),
            base,
            fm,
            body: Body::from(crate::content::markdown_to_html(&body, false)),
            digest: digest(text.as_bytes(), false),
            fresh: true,
        }
    }

    #[test]
    fn front_matter_survives_the_cache() {
        let (fm, body) = crate::content::parse(TEXT).unwrap();
        let html = crate::content::markdown_to_html(&body, false);
        let dir = tempfile::tempdir().unwrap();
        let source = dir.path().join("a.md");
        std::fs::write(&source, TEXT).unwrap();
        let d = digest(TEXT.as_bytes(), false);
        let c = Cache::open(dir.path(), false);
        let mut fresh = [parsed("a.md", TEXT)];
        c.store_holding(dir.path(), &mut fresh, 0);
        // Once written beyond the budget, the body is read back from the file when needed,
        // not held.
        assert!(!fresh[0].body.is_in_memory());
        assert_eq!(fresh[0].body.html().unwrap(), html);
        // Within the budget it stays in memory.
        let mut held = [parsed("a.md", TEXT)];
        Cache::open(dir.path(), false).store_holding(dir.path(), &mut held, html.len());
        assert!(held[0].body.is_in_memory());
        let mut c = Cache::open(dir.path(), false);
        let taken = c.take(&d, &source, false).unwrap();
        // The front-matter digest read from the record is the one of the article as parsed
        // (a model snapshot compares the two), and another front matter has another.
        let fm_digest = taken.fm_digest();
        assert_eq!(fm_digest, held[0].fm_digest);
        assert!(fm_digest.is_some());
        let other = parsed("a.md", &TEXT.replace("Лід.", "Лід!"));
        assert_ne!(other.fm_digest, fm_digest);
        let got = taken.decode().unwrap();
        assert_eq!(got.fm, fm);
        assert_eq!(
            got.base,
            super::super::BaseSlug {
                explicit: true,
                slug: "test".into()
            }
        );
        assert_eq!(got.body.len(), html.len());
        assert_eq!(got.body.html().unwrap(), html);
        // Another allow_html: another fingerprint, nothing cached.
        assert!(Cache::open(dir.path(), true)
            .take(&d, &source, true)
            .and_then(Taken::decode)
            .is_none());
        // A torn index is ignored.
        let p = dir.path().join(CACHE_FILE);
        let index = std::fs::read(&p).unwrap();
        std::fs::write(&p, &index[..index.len() - 3]).unwrap();
        assert!(Cache::open(dir.path(), false)
            .take(&d, &source, false)
            .and_then(Taken::decode)
            .is_none());
        std::fs::write(&p, &index).unwrap();
        // A body that is not UTF-8 any more (a damaged file) is not used: the article is
        // parsed again from its source, which still has the digest.
        let b = dir.path().join(BODIES_FILE);
        let bodies = std::fs::read(&b).unwrap();
        let mut damaged = bodies.clone();
        let at = damaged.len() - html.len();
        damaged[at] = 0xFF;
        std::fs::write(&b, &damaged).unwrap();
        let got = Cache::open(dir.path(), false)
            .take(&d, &source, false)
            .and_then(Taken::decode)
            .unwrap();
        assert_eq!(got.body.html().unwrap(), html);
        // …and if the source changed in the meantime, reading the body fails and says so.
        let got = Cache::open(dir.path(), false)
            .take(&d, &source, false)
            .and_then(Taken::decode)
            .unwrap();
        std::fs::write(&source, TEXT.replace("жирний", "інший")).unwrap();
        let e = got.body.html().unwrap_err();
        assert!(e.contains("changed during the build"), "{e}");
        // A bodies file cut short after a build opened it: the body comes from the source
        // (restored here), not from bytes past the end.
        std::fs::write(&source, TEXT).unwrap();
        std::fs::write(&b, &bodies).unwrap();
        let got = Cache::open(dir.path(), false)
            .take(&d, &source, false)
            .and_then(Taken::decode)
            .unwrap();
        std::fs::OpenOptions::new()
            .write(true)
            .open(&b)
            .unwrap()
            .set_len(HEADER as u64 + 10)
            .unwrap();
        assert_eq!(got.body.html().unwrap(), html);
    }

    #[test]
    fn a_pair_written_by_runs_is_the_pair_written_at_once() {
        let texts: Vec<String> = (0..7)
            .map(|i| TEXT.replace("test", &format!("test{i}")) + &"Ще речення. ".repeat(i * 3))
            .collect();
        let all = || -> Vec<super::super::Parsed> {
            texts
                .iter()
                .enumerate()
                .map(|(i, t)| parsed(&format!("{i}.md"), t))
                .collect()
        };
        // A budget that holds the first three bodies exactly.
        let budget: usize = all()[..3].iter().map(|p| p.body.len()).sum();
        let (at_once, by_runs) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let mut a = all();
        Cache::open(at_once.path(), false).store_holding(at_once.path(), &mut a, budget);
        let mut b = all();
        let c = Cache::open(by_runs.path(), false);
        let mut w = c.writer_holding(budget).unwrap();
        for run in [0..2, 2..5, 5..5, 5..7] {
            w.write(by_runs.path(), &mut b[run]);
        }
        w.finish();
        // The same records and bodies (the generation, drawn anew, aside).
        for file in [CACHE_FILE, BODIES_FILE] {
            let x = std::fs::read(at_once.path().join(file)).unwrap();
            let y = std::fs::read(by_runs.path().join(file)).unwrap();
            assert_eq!(x[..HEADER - D], y[..HEADER - D], "{file}");
            assert_eq!(x[HEADER..], y[HEADER..], "{file}");
        }
        // The same bodies held: the first three, the others read back from the file.
        let held = |ps: &[super::super::Parsed]| -> Vec<bool> {
            ps.iter().map(|p| p.body.is_in_memory()).collect()
        };
        assert_eq!(held(&a), [true, true, true, false, false, false, false]);
        assert_eq!(held(&b), held(&a));
        for (p, t) in b.iter().zip(&texts) {
            let (_, body) = crate::content::parse(t).unwrap();
            assert_eq!(
                p.body.html().unwrap(),
                crate::content::markdown_to_html(&body, false)
            );
        }
        // The pair is usable, so a build that opens it appends rather than writing it anew…
        let mut c = Cache::open(by_runs.path(), false);
        assert!(c.rewriter().is_none());
        let source = by_runs.path().join("6.md");
        let got = c.take(&b[6].digest, &source, false).and_then(Taken::decode);
        assert_eq!(got.unwrap().body.html().unwrap(), b[6].body.html().unwrap());
        // …and a writer dropped unfinished leaves the pair as it was and nothing else.
        let before: Vec<Vec<u8>> = [CACHE_FILE, BODIES_FILE]
            .iter()
            .map(|f| std::fs::read(by_runs.path().join(f)).unwrap())
            .collect();
        let mut w = Cache::open(by_runs.path(), false)
            .writer_holding(0)
            .unwrap();
        w.write(by_runs.path(), &mut all()[..4]);
        drop(w);
        let after: Vec<Vec<u8>> = [CACHE_FILE, BODIES_FILE]
            .iter()
            .map(|f| std::fs::read(by_runs.path().join(f)).unwrap())
            .collect();
        assert_eq!(before, after);
        let names: Vec<_> = std::fs::read_dir(by_runs.path().join(".litopys"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 2, "{names:?}");
        // Without a usable pair, a build writes it anew.
        let empty = tempfile::tempdir().unwrap();
        assert!(Cache::open(empty.path(), false).rewriter().is_some());
    }

    #[test]
    fn an_index_parses_only_with_its_bodies_in_order_and_in_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let texts: Vec<String> = (0..3)
            .map(|i| TEXT.replace("test", &format!("test{i}")) + &"Ще. ".repeat(i))
            .collect();
        let mut all: Vec<_> = texts
            .iter()
            .enumerate()
            .map(|(i, t)| parsed(&format!("{i}.md"), t))
            .collect();
        Cache::open(dir.path(), false).store_holding(dir.path(), &mut all, 0);
        let index = std::fs::read(dir.path().join(CACHE_FILE)).unwrap();
        let bodies_len = std::fs::metadata(dir.path().join(BODIES_FILE))
            .unwrap()
            .len();
        let records = parse_index(&index, bodies_len).unwrap();
        assert_eq!(records.len(), 3);
        // Every record's front matter and base slug as encoded from the parsed article.
        for p in &all {
            let r = &records[&p.digest];
            let mut fm = Vec::new();
            super::super::fmcode::encode(&p.fm, &mut fm);
            assert_eq!(index[r.fm.clone()], fm[..]);
            assert_eq!(index[r.base.start], u8::from(p.base.explicit));
            assert_eq!(index[r.base.start + 1..r.base.end], *p.base.slug.as_bytes());
            assert_eq!(r.body.1, p.body.len());
        }
        // The bodies file one byte short: the last body is past its end.
        assert!(parse_index(&index, bodies_len - 1).is_none());
        // The second body starting inside the first.
        let second = &records[&all[1].digest];
        let mut overlapping = index.clone();
        let at = second.base.end;
        overlapping[at..at + 8].copy_from_slice(&(second.body.0 - 1).to_le_bytes());
        assert!(parse_index(&overlapping, bodies_len).is_none());
        // A length reaching past the index.
        let mut long = index.clone();
        let at = records[&all[2].digest].fm.start - 4;
        long[at..at + 4].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(parse_index(&long, bodies_len).is_none());
    }
}
