//! The cache of parsed articles: `.litopys/parsed.cache` under the site root. An article file is
//! known by its *digest* ([`crate::hash`] of its bytes and of `allow_html`); the cache maps a digest to
//! the file's front matter and body HTML, so a rebuild parses only the files whose bytes
//! changed. Bodies are not read at load: an article keeps the body's place in the file
//! ([`Body`]) and reads it when a page needs it.
//!
//! Format (not meant for anything but this cache): the line `litopys-parsed-cache 3`, the
//! 16-byte fingerprint of what parsing depends on besides the file (crate version, running
//! executable, `allow_html`), then records: digest (16 bytes), front matter in the binary form
//! of [`super::fmcode`] (u32 little-endian length, bytes), the article's base slug
//! ([`super::BaseSlug`]: u32 length, then a byte 1 for an explicit `slug:` or 0 for one made
//! from the title, then the slug), body HTML (u32 length, bytes). A cache of another fingerprint,
//! or one that does not parse to the end, is ignored (and rewritten). New records are appended;
//! the file is rewritten without the records no article uses any more once those are more than
//! a quarter of it (by a rename: a build still reading the old file keeps reading it). Writing
//! it is best effort: a build never fails because of its cache.

use super::body::Body;
use crate::content::FrontMatter;
use crate::hash::{Digest, Hasher};
use std::collections::HashMap;
use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

const MAGIC: &[u8] = b"litopys-parsed-cache 4\n";

/// Bytes of a digest in the file.
const D: usize = std::mem::size_of::<Digest>();

/// Bytes of bodies parsed in a build that stay in memory once written to the cache; the rest
/// are read back from the file when a page needs them (a 100,000-article site has ~700 MB of
/// bodies).
const HELD_BODIES_MAX: usize = 256 << 20;

/// Where the cache lives under the site root.
pub const CACHE_FILE: &str = ".litopys/parsed.cache";

/// One parsed article as cached.
pub struct Cached {
    pub fm: FrontMatter,
    pub base: super::BaseSlug,
    pub body: Body,
}

/// A record taken from the cache, its front matter still encoded.
pub struct Taken {
    fm: Vec<u8>,
    base: Vec<u8>,
    body: Body,
}

impl Taken {
    /// The cached article; none if its front matter does not decode.
    pub fn decode(self) -> Option<Cached> {
        let (&explicit, slug) = self.base.split_first()?;
        let base = super::BaseSlug {
            explicit: match explicit {
                0 => false,
                1 => true,
                _ => return None,
            },
            slug: String::from_utf8(slug.to_vec()).ok()?,
        };
        Some(Cached {
            fm: super::fmcode::decode(&self.fm)?,
            base,
            body: self.body,
        })
    }
}

/// The digest of an article file's bytes, as the cache and render keys know it.
pub fn digest(bytes: &[u8], allow_html: bool) -> Digest {
    let mut h = Hasher::new();
    h.update(bytes);
    h.update([allow_html as u8]);
    h.finalize()
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

/// A cached record: the encoded front matter and where the body is in the file (offset, length).
struct Record {
    fm: Vec<u8>,
    base: Vec<u8>,
    body: (u64, usize),
}

/// Cached records by digest.
type Records = HashMap<Digest, Record>;

/// The cache as read at the start of a build.
pub struct Cache {
    path: PathBuf,
    fingerprint: Digest,
    /// The file the records are in (bodies are read from it later).
    file: Option<Arc<File>>,
    /// Records not taken yet.
    records: Records,
    /// Whether the file on disk is usable as it is (records can be appended to it).
    valid: bool,
    /// Bytes of the file on disk (for deciding when to rewrite it).
    size: u64,
    allow_html: bool,
}

/// Reads the records from `r`, which is at byte `at` of a file of `size` bytes, to the end;
/// bodies are skipped, not read. None if the data ends inside a record.
fn read_records(r: &mut std::io::BufReader<File>, mut at: u64, size: u64) -> Option<Records> {
    fn u32_of(r: &mut impl Read) -> Option<usize> {
        let mut b = [0u8; 4];
        r.read_exact(&mut b).ok()?;
        Some(u32::from_le_bytes(b) as usize)
    }
    let mut records = HashMap::new();
    while at < size {
        let mut d = [0u8; D];
        r.read_exact(&mut d).ok()?;
        let n = u32_of(r)?;
        // A damaged length cannot ask for more than the file holds.
        if n as u64 > size - at {
            return None;
        }
        let mut fm = vec![0u8; n];
        r.read_exact(&mut fm).ok()?;
        let m = u32_of(r)?;
        if (n + m) as u64 > size - at {
            return None;
        }
        let mut base = vec![0u8; m];
        r.read_exact(&mut base).ok()?;
        let len = u32_of(r)?;
        let offset = at + (D + 4 + n + 4 + m + 4) as u64;
        if offset + len as u64 > size {
            return None;
        }
        r.seek_relative(len as i64).ok()?;
        at = offset + len as u64;
        records.insert(
            d,
            Record {
                fm,
                base,
                body: (offset, len),
            },
        );
    }
    Some(records)
}

impl Cache {
    /// Reads the cache of the site at `root` (empty if there is none or it is unusable).
    pub fn open(root: &Path, allow_html: bool) -> Cache {
        let path = root.join(CACHE_FILE);
        let fingerprint = fingerprint(allow_html);
        let mut cache = Cache {
            path,
            fingerprint,
            file: None,
            records: HashMap::new(),
            valid: false,
            size: 0,
            allow_html,
        };
        let Ok(f) = File::open(&cache.path) else {
            return cache;
        };
        let size = f.metadata().map(|m| m.len()).unwrap_or(0);
        let Ok(reader) = f.try_clone() else {
            return cache;
        };
        // Read as a stream, front matter only: bodies are skipped.
        let mut r = std::io::BufReader::with_capacity(64 << 10, reader);
        let mut head = vec![0u8; MAGIC.len() + D];
        if r.read_exact(&mut head).is_err()
            || &head[..MAGIC.len()] != MAGIC
            || head[MAGIC.len()..] != fingerprint
        {
            return cache;
        }
        if let Some(records) = read_records(&mut r, head.len() as u64, size) {
            cache.records = records;
            cache.file = Some(Arc::new(f));
            cache.valid = true;
            cache.size = size;
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
        let file = self.file.clone()?;
        let (offset, len) = record.body;
        Some(Taken {
            fm: record.fm,
            base: record.base,
            body: Body::cached(file, offset, len, source.to_path_buf(), allow_html, *digest),
        })
    }

    /// Records the articles of this build (`parsed`, those with `fresh` set parsed now, not
    /// found in the cache): appends the fresh ones to the file, or rewrites it with all of them
    /// when it is unusable or mostly records no article uses any more (those left untaken).
    /// Fresh bodies written beyond [`HELD_BODIES_MAX`] bytes are then left in the file
    /// ([`Body`]) instead of memory. Best effort: errors are ignored (the bodies stay in
    /// memory).
    pub(super) fn store(self, root: &Path, parsed: &mut [super::Parsed]) {
        self.store_holding(root, parsed, HELD_BODIES_MAX)
    }

    /// [`Cache::store`], holding at most `held_max` bytes of fresh bodies in memory.
    fn store_holding(self, root: &Path, parsed: &mut [super::Parsed], held_max: usize) {
        let dead: u64 = self
            .records
            .values()
            .map(|r| (D + 12 + r.fm.len() + r.base.len() + r.body.1) as u64)
            .sum();
        let rewrite = !self.valid || dead * 4 > self.size;
        let placed = if rewrite {
            self.rewrite(parsed)
        } else {
            self.append(parsed)
        };
        if let Ok(Some((file, places))) = placed {
            // Up to the budget, fresh bodies stay in memory too (reading them back costs time);
            // beyond it they are read from the file when needed.
            let mut held = 0usize;
            for (i, offset, len) in places {
                let p = &mut parsed[i];
                if p.fresh && held + len > held_max {
                    p.body = Body::cached(
                        file.clone(),
                        offset,
                        len,
                        root.join(&p.file),
                        self.allow_html,
                        p.digest,
                    );
                } else if p.fresh {
                    held += len;
                }
            }
        }
    }

    /// Appends the fresh articles' records; gives the file and where each fresh body went.
    fn append(&self, parsed: &[super::Parsed]) -> std::io::Result<Option<Placed>> {
        if !parsed.iter().any(|p| p.fresh) {
            return Ok(None);
        }
        let f = std::fs::OpenOptions::new()
            .append(true)
            .read(true)
            .open(&self.path)?;
        // Two builds appending at once must not interleave records.
        f.lock()?;
        let at = f.metadata()?.len();
        let places = write_records(&f, at, parsed.iter().enumerate().filter(|(_, p)| p.fresh))?;
        Ok(Some((Arc::new(f), places)))
    }

    /// Writes a new file with every article's record and renames it over the old one.
    fn rewrite(&self, parsed: &[super::Parsed]) -> std::io::Result<Option<Placed>> {
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let tmp = self
            .path
            .with_extension(format!("tmp-{}", std::process::id()));
        let result = (|| {
            let f = std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(true)
                .open(&tmp)?;
            f.lock()?;
            (&f).write_all(MAGIC)?;
            (&f).write_all(&self.fingerprint)?;
            let at = (MAGIC.len() + self.fingerprint.len()) as u64;
            let places = write_records(&f, at, parsed.iter().enumerate())?;
            std::fs::rename(&tmp, &self.path)?;
            Ok(Some((Arc::new(f), places)))
        })();
        if result.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        result
    }
}

/// A file records were written to, and (article index, body offset, body length) per record.
type Placed = (Arc<File>, Vec<(usize, u64, usize)>);

/// Writes the records of `articles` (index, article) to `f`, whose end is at byte `at`.
fn write_records<'a>(
    f: &File,
    mut at: u64,
    articles: impl Iterator<Item = (usize, &'a super::Parsed)>,
) -> std::io::Result<Vec<(usize, u64, usize)>> {
    let mut w = BufWriter::with_capacity(1 << 20, f);
    let mut places = Vec::new();
    for (i, p) in articles {
        if let Some((offset, len, size)) = write_record(&mut w, &p.digest, &p.fm, &p.base, &p.body)?
        {
            places.push((i, at + offset, len));
            at += size;
        }
    }
    w.flush()?;
    Ok(places)
}

/// Writes one record; gives the body's offset in it, the body's length and the record's size
/// (none if the record was left out).
fn write_record(
    w: &mut impl Write,
    d: &Digest,
    fm: &FrontMatter,
    base: &super::BaseSlug,
    body: &Body,
) -> std::io::Result<Option<(u64, usize, u64)>> {
    // A body that cannot be read any more is left out (that article is parsed next time).
    let Ok(body) = body.html() else {
        return Ok(None);
    };
    let mut fm_bytes = Vec::with_capacity(512);
    super::fmcode::encode(fm, &mut fm_bytes);
    let base_len = 1 + base.slug.len();
    let (Ok(fm_len), Ok(base_len32), Ok(body_len)) = (
        u32::try_from(fm_bytes.len()),
        u32::try_from(base_len),
        u32::try_from(body.len()),
    ) else {
        // Too big to cache: parse it every time.
        return Ok(None);
    };
    w.write_all(d)?;
    w.write_all(&fm_len.to_le_bytes())?;
    w.write_all(&fm_bytes)?;
    w.write_all(&base_len32.to_le_bytes())?;
    w.write_all(&[u8::from(base.explicit)])?;
    w.write_all(base.slug.as_bytes())?;
    w.write_all(&body_len.to_le_bytes())?;
    w.write_all(body.as_bytes())?;
    let offset = (D + 4 + fm_bytes.len() + 4 + base_len + 4) as u64;
    Ok(Some((offset, body.len(), offset + body.len() as u64)))
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

    #[test]
    fn front_matter_survives_the_cache() {
        let text = "---\ntitle: \"Тест: «лапки»\"\ndate: 2026-01-07\npeople:\n- Кирило Буданов\nroles:\n- person: Кирило Буданов\n  role: начальник ГУР\nsummary: Лід.\nsource: content/raw/a.txt\nslug: test\ntemplate: x.html\n---\n\nТекст **жирний**.\n";
        let (fm, body) = crate::content::parse(text).unwrap();
        let html = crate::content::markdown_to_html(&body, false);
        let dir = tempfile::tempdir().unwrap();
        let source = dir.path().join("a.md");
        std::fs::write(&source, text).unwrap();
        let d = digest(text.as_bytes(), false);
        let c = Cache::open(dir.path(), false);
        let mut parsed = [super::super::Parsed {
            file: "a.md".into(),
            fm: fm.clone(),
            base: super::super::base_slug(&fm),
            body: Body::from(html.clone()),
            digest: d,
            fresh: true,
        }];
        c.store_holding(dir.path(), &mut parsed, 0);
        // Once written beyond the budget, the body is read back from the file when needed,
        // not held.
        assert!(!parsed[0].body.is_in_memory());
        assert_eq!(parsed[0].body.html().unwrap(), html);
        // Within the budget it stays in memory.
        let mut held = [super::super::Parsed {
            file: "a.md".into(),
            fm: fm.clone(),
            base: super::super::base_slug(&fm),
            body: Body::from(html.clone()),
            digest: d,
            fresh: true,
        }];
        Cache::open(dir.path(), false).store_holding(dir.path(), &mut held, html.len());
        assert!(held[0].body.is_in_memory());
        let mut c = Cache::open(dir.path(), false);
        let got = c.take(&d, &source, false).and_then(Taken::decode).unwrap();
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
        // A torn file is ignored.
        let p = dir.path().join(CACHE_FILE);
        let bytes = std::fs::read(&p).unwrap();
        std::fs::write(&p, &bytes[..bytes.len() - 3]).unwrap();
        assert!(Cache::open(dir.path(), false)
            .take(&d, &source, false)
            .and_then(Taken::decode)
            .is_none());
        // A body that is not UTF-8 any more (a damaged file) is not used: the article is
        // parsed again from its source, which still has the digest.
        let mut damaged = bytes.clone();
        let at = damaged.len() - html.len();
        damaged[at] = 0xFF;
        std::fs::write(&p, &damaged).unwrap();
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
        std::fs::write(&source, text.replace("жирний", "інший")).unwrap();
        let e = got.body.html().unwrap_err();
        assert!(e.contains("changed during the build"), "{e}");
        // A cache file cut short after a build opened it: the body comes from the source
        // (restored here), not from bytes past the end.
        std::fs::write(&source, text).unwrap();
        std::fs::write(&p, &bytes).unwrap();
        let got = Cache::open(dir.path(), false)
            .take(&d, &source, false)
            .and_then(Taken::decode)
            .unwrap();
        std::fs::OpenOptions::new()
            .write(true)
            .open(&p)
            .unwrap()
            .set_len(10)
            .unwrap();
        assert_eq!(got.body.html().unwrap(), html);
    }
}
