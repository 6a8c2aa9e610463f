//! The site model as the last build made it, kept in `.litopys/model` under the site root, so
//! that a build in which no article's front matter changed (an edit of a body, the most common
//! edit) takes the model from it instead of decoding every article's front matter from the
//! parse cache and building the model again: at 10,000 articles that is ~33 ms of one core,
//! a third of such a rebuild's work.
//!
//! The model ([`Site`] but its root, configuration and bodies) is a function of the article
//! files' names in the listing's order, of each file's front matter and base slug, of the
//! registry and of the code. So the snapshot is made for a *key* ([`key`]: the parse cache's
//! fingerprint, which covers the crate version, the running executable and `allow_html`; the
//! registry; the site root) and a digest of the listing's names, and keeps for each article
//! its place in the listing, its file's digest and the digest of its front matter and base
//! slug as the parse cache encodes them ([`fm_digest`]). A build with the same key and names
//! uses it when every file whose digest is not the recorded one has the recorded front-matter
//! digest: only those files are read, and each article's body and digest are this build's.
//! Anything else (a title, date or person edited, an article added, removed or renamed, a new
//! binary, the registry edited) builds the model as before, and the snapshot is made anew.
//!
//! Two files (not meant for anything but this cache), little-endian numbers, strings as a u32
//! length and UTF-8 bytes, lists as a u32 count and their items:
//! - the *model*, `.litopys/model`: the line `litopys-model 1`, then the articles' own fields,
//!   the people, days, months and years, every field in a fixed order (see
//!   [`encode_model`]); last, the [`crate::hash`] digest of all before it;
//! - the *heads*, `.litopys/model.heads`: the line `litopys-model-heads 1`, the key, the
//!   names' digest, the digest the model file ends with, the article count, then per article
//!   in the site's order its place in the listing (u32), file digest and front-matter
//!   digest; last, the digest of all before it.
//!
//! A body edit changes a file's digest and nothing in the model, so such a build writes the
//! heads (~36 bytes an article) and leaves the model file as it is. Each file is written
//! under a temporary name and renamed, the model first: heads always name the model they were
//! made with, and a model file that is not that one (or does not check out) is ignored. A
//! snapshot is only written by a build that loaded without errors. Best effort: a build
//! never fails because of it.

use super::collate::IndexKey;
use super::{Article, Body, Day, Month, MonthCount, Person, RoleAt, Site, Year};
use crate::date::Date;
pub(super) use crate::hash::Digest;
use crate::people::Registry;
use std::path::{Path, PathBuf};

const MODEL_MAGIC: &[u8] = b"litopys-model 1\n";
const HEADS_MAGIC: &[u8] = b"litopys-model-heads 1\n";

/// Where the model lives under the site root.
pub const MODEL_FILE: &str = ".litopys/model";

/// Where the heads live under the site root.
pub const HEADS_FILE: &str = ".litopys/model.heads";

/// Bytes of a digest.
const D: usize = std::mem::size_of::<Digest>();

/// Bytes of one article's head.
const HEAD: usize = 4 + 2 * D;

/// What the snapshot records of one article besides its model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Head {
    /// The article's place in the listing (file-name order).
    pub rank: u32,
    /// Its file's digest ([`super::cache::digest`]).
    pub digest: Digest,
    /// [`fm_digest`] of its front matter and base slug.
    pub fm: Digest,
}

/// The digest of an article's front matter and base slug as a parse cache's index record
/// holds them (`span`: the front matter's u32 length and [`super::fmcode`] encoding, then the
/// base slug's u32 length, explicit flag byte and slug).
pub(super) fn fm_digest(span: &[u8]) -> Digest {
    crate::hash::digest(span)
}

/// [`fm_digest`] of a parsed article's front matter and base slug (none if too big for the
/// parse cache's format, which then never holds it either).
pub(super) fn fm_digest_of(
    fm: &crate::content::FrontMatter,
    base: &super::BaseSlug,
) -> Option<Digest> {
    let mut span = Vec::with_capacity(1024);
    super::cache::put_fm_span(&mut span, fm, base).then(|| fm_digest(&span))
}

/// What a model depends on besides the articles: the code and `allow_html` (the parse
/// cache's `fingerprint`), the registry and the site root.
pub(super) fn key(root: &Path, fingerprint: &Digest, registry: &Registry) -> Digest {
    use sha2::Digest as _;
    let mut sha = sha2::Sha256::new();
    registry.hash_into(&mut sha);
    let registry = sha.finalize();
    crate::hash::digest_parts(&[
        b"litopys-model-key-1\0",
        fingerprint,
        &registry,
        root.as_os_str().as_encoded_bytes(),
    ])
}

/// The digest of the listing's names (relative to the root), in order.
pub(super) fn names_digest<'a>(names: impl Iterator<Item = &'a Path>) -> Digest {
    let mut h = crate::hash::Hasher::new();
    for n in names {
        let b = n.as_os_str().as_encoded_bytes();
        h.update((b.len() as u64).to_le_bytes());
        h.update(b);
    }
    h.finalize()
}

/// A snapshot's heads read back and checked; its model is read by [`Snapshot::model`].
pub(super) struct Snapshot {
    heads: Vec<Head>,
    /// The digest the model file ends with.
    model: Digest,
}

impl Snapshot {
    /// The snapshot of the site at `root` when its heads were made for `key` and a listing
    /// whose names have the digest `names`, and check out; none otherwise.
    pub(super) fn open(root: &Path, key: &Digest, names: &Digest) -> Option<Snapshot> {
        let bytes = crate::mapped::cache_file(&root.join(HEADS_FILE)).ok()?;
        let end = bytes.len().checked_sub(D)?;
        let mut r = Reader::new(bytes.get(..end)?);
        if r.take(HEADS_MAGIC.len())? != HEADS_MAGIC || r.digest()? != *key || r.digest()? != *names
        {
            return None;
        }
        let model = r.digest()?;
        let n = r.u32()? as usize;
        if n.checked_mul(HEAD)? != end - r.at || bytes[end..] != crate::hash::digest(&bytes[..end])
        {
            return None;
        }
        let mut heads = Vec::with_capacity(n);
        // Every place in the listing once.
        let mut seen = vec![false; n];
        for _ in 0..n {
            let h = Head {
                rank: r.u32()?,
                digest: r.digest()?,
                fm: r.digest()?,
            };
            if std::mem::replace(seen.get_mut(h.rank as usize)?, true) {
                return None;
            }
            heads.push(h);
        }
        Some(Snapshot { heads, model })
    }

    /// The heads, in the site's order.
    pub(super) fn heads(&self) -> &[Head] {
        &self.heads
    }

    /// The model of the site at `root` the heads were made with, with empty bodies and each
    /// article's digest from its head; none if the model file is not that one, does not
    /// check out or does not decode (every index in range).
    pub(super) fn model(&self, root: &Path) -> Option<Model> {
        let bytes = crate::mapped::cache_file(&root.join(MODEL_FILE)).ok()?;
        let end = bytes.len().checked_sub(D)?;
        if bytes[end..] != self.model
            || bytes.get(..MODEL_MAGIC.len())? != MODEL_MAGIC
            || crate::hash::digest(&bytes[..end]) != self.model
        {
            return None;
        }
        decode_model(&bytes[MODEL_MAGIC.len()..end], &self.heads)
    }
}

/// A site's model without its root and configuration.
pub(super) struct Model {
    pub articles: Vec<Article>,
    pub people: Vec<Person>,
    pub days: Vec<Day>,
    pub months: Vec<Month>,
    pub years: Vec<Year>,
}

/// What a build records of its model for the next one, once its pages are out
/// ([`Pending::save`]).
pub struct Pending {
    key: Digest,
    /// Per article of the site, in its order.
    heads: Vec<Head>,
    /// The snapshot the model was taken from (its model file stays as it is).
    from: Option<Snapshot>,
}

impl Pending {
    pub(super) fn new(key: Digest, heads: Vec<Head>, from: Option<Snapshot>) -> Pending {
        Pending { key, heads, from }
    }

    /// Writes the snapshot of `site` (the model this was made with) under its root: the model
    /// file unless the model is the one already there, then the heads unless they are the
    /// ones already there. Best effort.
    pub fn save(self, site: &Site) {
        if self.heads.len() != site.articles.len() {
            return;
        }
        let model = match &self.from {
            Some(from) if from.heads == self.heads => return,
            Some(from) => from.model,
            None => match write_model(site) {
                Some(d) => d,
                None => return,
            },
        };
        // The names in the listing's order.
        let mut by_rank: Vec<Option<&Path>> = vec![None; self.heads.len()];
        for (h, a) in self.heads.iter().zip(&site.articles) {
            match by_rank.get_mut(h.rank as usize) {
                Some(slot @ None) => *slot = Some(&a.file),
                _ => return,
            }
        }
        let Some(names) = by_rank.into_iter().collect::<Option<Vec<&Path>>>() else {
            return;
        };
        let Ok(n) = u32::try_from(self.heads.len()) else {
            return;
        };
        let mut out = Vec::with_capacity(HEADS_MAGIC.len() + 4 * D + 4 + self.heads.len() * HEAD);
        out.extend_from_slice(HEADS_MAGIC);
        out.extend_from_slice(&self.key);
        out.extend_from_slice(&names_digest(names.into_iter()));
        out.extend_from_slice(&model);
        out.extend_from_slice(&n.to_le_bytes());
        for h in &self.heads {
            out.extend_from_slice(&h.rank.to_le_bytes());
            out.extend_from_slice(&h.digest);
            out.extend_from_slice(&h.fm);
        }
        let sum = crate::hash::digest(&out);
        out.extend_from_slice(&sum);
        let _ = crate::ingest::write_atomic(&site.root.join(HEADS_FILE), &out);
    }
}

/// Writes the model file of `site` (through a temporary file, renamed), a piece at a time;
/// gives the digest it ends with, none if it could not be written or something does not fit
/// the format.
fn write_model(site: &Site) -> Option<Digest> {
    use std::io::Write;
    let path = site.root.join(MODEL_FILE);
    let dir = path.parent()?;
    std::fs::create_dir_all(dir).ok()?;
    let tmp = path.with_extension(format!("tmp-{}", std::process::id()));
    let written = (|| {
        let mut file = std::fs::File::create(&tmp).ok()?;
        let mut hasher = crate::hash::Hasher::new();
        let mut failed = false;
        let mut flush = |piece: &[u8]| {
            hasher.update(piece);
            failed |= file.write_all(piece).is_err();
        };
        let mut buf = Vec::with_capacity(PIECE + 4096);
        buf.extend_from_slice(MODEL_MAGIC);
        if !encode_model(site, &mut buf, &mut flush) {
            return None;
        }
        flush(&buf);
        let sum = hasher.finalize();
        if failed || file.write_all(&sum).is_err() {
            return None;
        }
        drop(file);
        std::fs::rename(&tmp, &path).ok()?;
        Some(sum)
    })();
    if written.is_none() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

/// Bytes of model encoded before they are written out.
const PIECE: usize = 64 << 10;

fn put_u32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

/// A count, index or length as a u32; false when it does not fit (no snapshot is written).
fn put_len(out: &mut Vec<u8>, n: usize) -> bool {
    match u32::try_from(n) {
        Ok(n) => {
            put_u32(out, n);
            true
        }
        Err(_) => false,
    }
}

fn put_str(out: &mut Vec<u8>, s: &str) -> bool {
    let ok = put_len(out, s.len());
    out.extend_from_slice(s.as_bytes());
    ok
}

fn put_opt(out: &mut Vec<u8>, s: Option<&str>) -> bool {
    match s {
        None => {
            out.push(0);
            true
        }
        Some(s) => {
            out.push(1);
            put_str(out, s)
        }
    }
}

fn put_date(out: &mut Vec<u8>, d: &Date) {
    out.extend_from_slice(&d.year.to_le_bytes());
    put_u32(out, d.month);
    put_u32(out, d.day);
}

fn put_indices(out: &mut Vec<u8>, list: &[usize]) -> bool {
    let mut ok = put_len(out, list.len());
    for &i in list {
        ok &= put_len(out, i);
    }
    ok
}

/// Encodes the model of `site` (its articles, people, days, months and years; not its root,
/// configuration or bodies) into `out` after what it holds, handing `flush` what `out` holds
/// (and emptying it) whenever it passes [`PIECE`] bytes; false if something does not fit the
/// format. What is left in `out` is the end of the encoding.
fn encode_model(site: &Site, out: &mut Vec<u8>, flush: &mut dyn FnMut(&[u8])) -> bool {
    let mut room = |out: &mut Vec<u8>| {
        if out.len() >= PIECE {
            flush(out);
            out.clear();
        }
    };
    let mut ok = put_len(out, site.articles.len());
    for a in &site.articles {
        room(out);
        // Every field by name: a field added to `Article` fails to compile here until it is
        // written (and read back) too.
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
            related: _,
            digest: _,
        } = a;
        let Some(file) = file.to_str() else {
            return false;
        };
        ok &= put_str(out, file);
        ok &= put_str(out, title);
        put_date(out, date);
        ok &= put_str(out, summary);
        ok &= put_str(out, language);
        ok &= put_indices(out, people);
        ok &= put_str(out, slug);
        ok &= put_str(out, url);
        ok &= put_opt(out, template.as_deref());
    }
    ok &= put_len(out, site.people.len());
    for p in &site.people {
        room(out);
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
        ok &= put_str(out, name);
        ok &= put_str(out, slug);
        ok &= put_str(out, url);
        ok &= put_indices(out, articles);
        ok &= put_len(out, *mentions);
        ok &= put_len(out, months.len());
        for m in months {
            out.extend_from_slice(&m.year.to_le_bytes());
            put_u32(out, m.month);
            ok &= put_len(out, m.count);
        }
        ok &= put_len(out, co_mentions.len());
        for &(q, n) in co_mentions {
            ok &= put_len(out, q);
            ok &= put_len(out, n);
        }
        put_date(out, first);
        put_date(out, last);
        match role {
            None => out.push(0),
            Some(RoleAt { role, date }) => {
                out.push(1);
                ok &= put_str(out, role);
                match date {
                    None => out.push(0),
                    Some(d) => {
                        out.push(1);
                        put_date(out, d);
                    }
                }
            }
        }
        ok &= put_opt(out, description.as_deref());
        ok &= put_len(out, forms.len());
        for f in forms {
            ok &= put_str(out, f);
        }
        let IndexKey { surname, given } = key;
        ok &= put_str(out, surname);
        ok &= put_str(out, given);
        ok &= put_str(out, letter);
    }
    ok &= put_len(out, site.days.len());
    for Day { date, articles } in &site.days {
        room(out);
        put_date(out, date);
        ok &= put_indices(out, articles);
    }
    ok &= put_len(out, site.months.len());
    for Month {
        year,
        month,
        days,
        count,
    } in &site.months
    {
        out.extend_from_slice(&year.to_le_bytes());
        put_u32(out, *month);
        ok &= put_indices(out, days);
        ok &= put_len(out, *count);
    }
    ok &= put_len(out, site.years.len());
    for Year {
        year,
        months,
        count,
    } in &site.years
    {
        out.extend_from_slice(&year.to_le_bytes());
        ok &= put_indices(out, months);
        ok &= put_len(out, *count);
    }
    ok
}

/// Reads what [`encode_model`] and the heads' writer wrote, from the front.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn new(bytes: &'a [u8]) -> Reader<'a> {
        Reader { bytes, at: 0 }
    }

    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.at.checked_add(n)?;
        let b = self.bytes.get(self.at..end)?;
        self.at = end;
        Some(b)
    }

    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }

    fn i32(&mut self) -> Option<i32> {
        Some(i32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }

    fn byte(&mut self) -> Option<u8> {
        Some(self.take(1)?[0])
    }

    fn digest(&mut self) -> Option<Digest> {
        self.take(D)?.try_into().ok()
    }

    /// A count or length; one larger than what is left cannot be right (every item takes at
    /// least a byte), which also bounds the memory a damaged count can ask for.
    fn len(&mut self) -> Option<usize> {
        let n = self.u32()? as usize;
        (n <= self.bytes.len() - self.at).then_some(n)
    }

    /// An index below `bound`.
    fn index(&mut self, bound: usize) -> Option<usize> {
        let i = self.u32()? as usize;
        (i < bound).then_some(i)
    }

    fn str(&mut self) -> Option<&'a str> {
        let n = self.len()?;
        simdutf8::basic::from_utf8(self.take(n)?).ok()
    }

    fn string(&mut self) -> Option<String> {
        self.str().map(str::to_owned)
    }

    fn opt(&mut self) -> Option<Option<String>> {
        match self.byte()? {
            0 => Some(None),
            1 => self.string().map(Some),
            _ => None,
        }
    }

    fn date(&mut self) -> Option<Date> {
        Date::new(self.i32()?, self.u32()?, self.u32()?)
    }

    fn indices(&mut self, bound: usize) -> Option<Vec<usize>> {
        let n = self.len()?;
        let mut v = Vec::with_capacity(n);
        for _ in 0..n {
            v.push(self.index(bound)?);
        }
        Some(v)
    }
}

/// The model [`encode_model`] wrote to `bytes` for articles whose heads are `heads`; none if
/// `bytes` is anything else or an index is out of range.
fn decode_model(bytes: &[u8], heads: &[Head]) -> Option<Model> {
    let mut r = Reader::new(bytes);
    let n = r.len()?;
    if n != heads.len() {
        return None;
    }
    // The people's count comes after the articles, which index them: the articles are read
    // with their people's indices checked once the count is known.
    let mut articles = Vec::with_capacity(n);
    let mut most_person = 0;
    for h in heads {
        let file = PathBuf::from(r.str()?);
        let title = r.string()?;
        let date = r.date()?;
        let summary = r.string()?;
        let language = r.string()?;
        let people = r.indices(usize::MAX)?;
        most_person = people.iter().fold(most_person, |m, &p| m.max(p + 1));
        articles.push(Article {
            file,
            title,
            date,
            summary,
            language,
            body: Body::default(),
            people,
            slug: r.string()?,
            url: r.string()?,
            template: r.opt()?,
            related: std::sync::OnceLock::new(),
            digest: h.digest,
        });
    }
    let n_people = r.len()?;
    if most_person > n_people {
        return None;
    }
    let mut people = Vec::with_capacity(n_people);
    for _ in 0..n_people {
        let name = r.string()?;
        let slug = r.string()?;
        let url = r.string()?;
        let articles = r.indices(n)?;
        let mentions = r.u32()? as usize;
        let k = r.len()?;
        let mut months = Vec::with_capacity(k);
        for _ in 0..k {
            months.push(MonthCount {
                year: r.i32()?,
                month: r.u32()?,
                count: r.u32()? as usize,
            });
        }
        let k = r.len()?;
        let mut co_mentions = Vec::with_capacity(k);
        for _ in 0..k {
            co_mentions.push((r.index(n_people)?, r.u32()? as usize));
        }
        let first = r.date()?;
        let last = r.date()?;
        let role = match r.byte()? {
            0 => None,
            1 => Some(RoleAt {
                role: r.string()?,
                date: match r.byte()? {
                    0 => None,
                    1 => Some(r.date()?),
                    _ => return None,
                },
            }),
            _ => return None,
        };
        let description = r.opt()?;
        let k = r.len()?;
        let mut forms = Vec::with_capacity(k);
        for _ in 0..k {
            forms.push(r.string()?);
        }
        let key = IndexKey {
            surname: r.string()?,
            given: r.string()?,
        };
        people.push(Person {
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
            letter: r.string()?,
        });
    }
    let k = r.len()?;
    let mut days = Vec::with_capacity(k);
    for _ in 0..k {
        days.push(Day {
            date: r.date()?,
            articles: r.indices(n)?,
        });
    }
    let n_days = days.len();
    let k = r.len()?;
    let mut months = Vec::with_capacity(k);
    for _ in 0..k {
        months.push(Month {
            year: r.i32()?,
            month: r.u32()?,
            days: r.indices(n_days)?,
            count: r.u32()? as usize,
        });
    }
    let n_months = months.len();
    let k = r.len()?;
    let mut years = Vec::with_capacity(k);
    for _ in 0..k {
        years.push(Year {
            year: r.i32()?,
            months: r.indices(n_months)?,
            count: r.u32()? as usize,
        });
    }
    (r.at == bytes.len()).then_some(Model {
        articles,
        people,
        days,
        months,
        years,
    })
}
