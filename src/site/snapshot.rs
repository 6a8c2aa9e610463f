//! The site model as the last build made it, kept under the site's `.litopys/`, so that a
//! rebuild after a common edit does not decode every article's front matter from the parse
//! cache and build the model again (at 10,000 articles ~33 ms of one core, a third of such a
//! rebuild's work).
//!
//! The model ([`Site`] but its root, configuration and bodies) is a function of the article
//! files' names in the listing's order, of each file's front matter and base slug, of the
//! registry and of the code. So the snapshot is made for a *key* ([`key`]: the parse cache's
//! fingerprint, which covers the crate version, the running executable and `allow_html`; the
//! registry; the site root) and a digest of the listing's names, and keeps for each article
//! its place in the listing, its file's digest and the digest of its front matter and base
//! slug as the parse cache encodes them ([`fm_digest`]). A build with the same key and names
//! reads only the files whose digest is not the recorded one, and then (`super::from_snapshot`):
//! - when each has the recorded front-matter digest (its body was edited), takes the whole
//!   model, with each article's body and digest this build's;
//! - when each differs from its front matter as the parse cache still has it only in the
//!   article's people and roles, takes the articles and calendar and resolves the people
//!   again from the names as written the snapshot keeps ([`Named`], with the changed
//!   articles' new ones), as a full build would;
//! - otherwise (a title, date or summary edited, an article added, removed or renamed, a new
//!   binary, the registry edited) builds the model as before, and the snapshot is made anew.
//!
//! Three files (not meant for anything but this cache), little-endian numbers, strings as a
//! u32 length and UTF-8 bytes, lists as a u32 count and their items, each ending with the
//! [`crate::hash`] digest of all before it:
//! - the *model*, `.litopys/model`: the line `litopys-model 2`, then the articles' own fields
//!   and the days, months and years, every field in a fixed order ([`encode_articles`]);
//! - the *people*, `.litopys/model.people`: the line `litopys-model-people 1`, the length of
//!   the people as resolved (u64), each article's people and every person
//!   ([`encode_people`]), then the names as written: each once, and per article its names'
//!   numbers and its roles;
//! - the *heads*, `.litopys/model.heads`: the line `litopys-model-heads 2`, the key, the
//!   names' digest, the digests the model and people files end with, the article count, then
//!   per article in the site's order its place in the listing (u32), file digest and
//!   front-matter digest.
//!
//! A body edit changes a file's digest and nothing in the model, so such a build writes only
//! the heads (~36 bytes an article); a people edit writes the people and the heads. Each file
//! is written under a temporary name and renamed, the heads last: heads name the parts they
//! were made with by digest, and a part that is not that one (or does not check out) is
//! ignored. A snapshot is only written by a build that loaded without errors. Best effort: a
//! build never fails because of it.

use super::collate::IndexKey;
use super::fmcode::Reader;
use super::{Article, Body, Day, Month, MonthCount, Person, RoleAt, Site, Year};
use crate::content::Role;
use crate::date::Date;
use crate::hash::Digest;
use crate::people::Registry;
use std::path::{Path, PathBuf};

const MODEL_MAGIC: &[u8] = b"litopys-model 2\n";
const PEOPLE_MAGIC: &[u8] = b"litopys-model-people 1\n";
const HEADS_MAGIC: &[u8] = b"litopys-model-heads 2\n";

/// Where the model lives under the site root.
pub const MODEL_FILE: &str = ".litopys/model";

/// Where the people live under the site root.
pub const PEOPLE_FILE: &str = ".litopys/model.people";

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

/// The people of a site's articles as written, before they are resolved (what
/// [`super::resolve_people`] reads): every name as written once, in first-seen order over the
/// articles in the site's order; each article's names as numbers into that list; each
/// article's roles.
pub(super) struct Named {
    pub written: Vec<String>,
    pub articles: Vec<Vec<u32>>,
    pub roles: Vec<Vec<Role>>,
}

impl Named {
    /// The names of articles (`names`, each article's in the front matter's order) with
    /// their `roles`, in the site's order.
    pub(super) fn of<'a, S: AsRef<str> + 'a>(
        names: impl Iterator<Item = &'a [S]>,
        roles: Vec<Vec<Role>>,
    ) -> Named {
        let mut written: Vec<String> = Vec::new();
        let mut id_of: rustc_hash::FxHashMap<&'a str, u32> = rustc_hash::FxHashMap::default();
        let articles = names
            .map(|names| {
                names
                    .iter()
                    .map(|n| {
                        let n = n.as_ref();
                        *id_of.entry(n).or_insert_with(|| {
                            written.push(n.to_owned());
                            (written.len() - 1) as u32
                        })
                    })
                    .collect()
            })
            .collect();
        Named {
            written,
            articles,
            roles,
        }
    }

    /// The same with the names and roles of some articles replaced (`edits`: the article's
    /// place, its names, its roles; none if a place is out of range). A name not written before
    /// is numbered after the others, and a name no article writes any more is dropped (the
    /// others keep their order), so the list holds exactly the names written, as [`Named::of`]
    /// gives them but perhaps numbered otherwise: what the people resolve to depends on the
    /// set of names, not on their numbers. (Patching costs a fraction of numbering every
    /// article's names again.)
    pub(super) fn edit<'a>(
        mut self,
        edits: impl Iterator<Item = (usize, &'a [String], Vec<Role>)>,
    ) -> Option<Named> {
        let mut id_of: rustc_hash::FxHashMap<String, u32> = self
            .written
            .iter()
            .enumerate()
            .map(|(i, n)| (n.clone(), i as u32))
            .collect();
        for (k, names, roles) in edits {
            let ids = names
                .iter()
                .map(|n| {
                    *id_of.entry(n.clone()).or_insert_with(|| {
                        self.written.push(n.clone());
                        (self.written.len() - 1) as u32
                    })
                })
                .collect();
            *self.articles.get_mut(k)? = ids;
            *self.roles.get_mut(k)? = roles;
        }
        drop(id_of);
        let mut used = vec![false; self.written.len()];
        for &w in self.articles.iter().flatten() {
            *used.get_mut(w as usize)? = true;
        }
        if used.iter().all(|&u| u) {
            return Some(self);
        }
        // Renumbered without the names left unused.
        let mut new_id = vec![u32::MAX; used.len()];
        let mut next = 0u32;
        for (n, &u) in new_id.iter_mut().zip(&used) {
            if u {
                *n = next;
                next += 1;
            }
        }
        let mut k = 0;
        self.written.retain(|_| {
            k += 1;
            used[k - 1]
        });
        for w in self.articles.iter_mut().flatten() {
            *w = new_id[*w as usize];
        }
        Some(self)
    }
}

/// A snapshot's heads read back and checked; its parts are read by [`Snapshot::articles`],
/// [`Snapshot::people`] and [`Snapshot::named`].
pub(super) struct Snapshot {
    heads: Vec<Head>,
    /// The digests the model and people files end with.
    model: Digest,
    people: Digest,
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
        let people = r.digest()?;
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
        Some(Snapshot {
            heads,
            model,
            people,
        })
    }

    /// The heads, in the site's order.
    pub(super) fn heads(&self) -> &[Head] {
        &self.heads
    }

    /// The articles (with empty bodies and people, each one's digest from its head) and the
    /// calendar of the model file the heads name, under `root`; none if it is not that file,
    /// does not check out or does not decode.
    pub(super) fn articles(&self, root: &Path) -> Option<Articles> {
        let bytes = checked(&root.join(MODEL_FILE), MODEL_MAGIC, &self.model)?;
        decode_articles(&bytes[MODEL_MAGIC.len()..bytes.len() - D], &self.heads)
    }

    /// Each article's people (indices) and the people, from the people file the heads name,
    /// for `n` articles; none if it is not that file, does not check out or does not decode.
    #[allow(clippy::type_complexity)]
    pub(super) fn people(&self, root: &Path) -> Option<(Vec<Vec<usize>>, Vec<Person>)> {
        let bytes = checked(&root.join(PEOPLE_FILE), PEOPLE_MAGIC, &self.people)?;
        let (resolved, _) = people_parts(&bytes)?;
        decode_people(resolved, self.heads.len())
    }

    /// The people as written ([`Named`]) in the people file the heads name; none if it is
    /// not that file, does not check out or does not decode.
    pub(super) fn named(&self, root: &Path) -> Option<Named> {
        let bytes = checked(&root.join(PEOPLE_FILE), PEOPLE_MAGIC, &self.people)?;
        let (_, named) = people_parts(&bytes)?;
        decode_named(named, self.heads.len())
    }
}

/// The bytes of the file at `path` when they begin with `magic` and end with the digest
/// `sum` of all before it.
fn checked(path: &Path, magic: &[u8], sum: &Digest) -> Option<crate::mapped::FileBytes> {
    let bytes = crate::mapped::cache_file(path).ok()?;
    let end = bytes.len().checked_sub(D)?;
    (bytes[end..] == *sum
        && bytes.get(..magic.len())? == magic
        && crate::hash::digest(&bytes[..end]) == *sum)
        .then_some(bytes)
}

/// The two parts of a people file (checked by [`checked`]): the people as resolved, then as
/// written.
fn people_parts(bytes: &[u8]) -> Option<(&[u8], &[u8])> {
    let body = bytes.get(PEOPLE_MAGIC.len()..bytes.len().checked_sub(D)?)?;
    let split = u64::from_le_bytes(body.get(..8)?.try_into().ok()?);
    let split = usize::try_from(split).ok()?.checked_add(8)?;
    Some((body.get(8..split)?, body.get(split..)?))
}

/// A model's articles and calendar.
pub(super) struct Articles {
    pub articles: Vec<Article>,
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
    /// The snapshot the articles and calendar were taken from (its model file stays).
    from: Option<Snapshot>,
    /// How the people were named, when the people were resolved in this build (its people
    /// file is written anew); none when they are the snapshot's.
    named: Option<Named>,
}

impl Pending {
    pub(super) fn new(
        key: Digest,
        heads: Vec<Head>,
        from: Option<Snapshot>,
        named: Option<Named>,
    ) -> Pending {
        Pending {
            key,
            heads,
            from,
            named,
        }
    }

    /// Whether the people were resolved in this build (not taken from the snapshot).
    pub fn resolves_people(&self) -> bool {
        self.named.is_some()
    }

    /// Writes the snapshot of `site` (the model this was made with) under its root: the model
    /// file unless the articles are the snapshot's, the people file unless the people are,
    /// then the heads unless they are the ones already there. Best effort.
    pub fn save(self, site: &Site) {
        if self.heads.len() != site.articles.len() {
            return;
        }
        let model = match &self.from {
            Some(from) => Some(from.model),
            None => write_part(site, MODEL_FILE, MODEL_MAGIC, &mut |out, flush| {
                encode_articles(site, out, flush)
            }),
        };
        let people = match (&self.named, &self.from) {
            (Some(named), _) => write_part(site, PEOPLE_FILE, PEOPLE_MAGIC, &mut |out, flush| {
                encode_people(site, named, out, flush)
            }),
            (None, Some(from)) => Some(from.people),
            (None, None) => None,
        };
        let (Some(model), Some(people)) = (model, people) else {
            return;
        };
        if let Some(from) = &self.from {
            if from.heads == self.heads && from.model == model && from.people == people {
                return;
            }
        }
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
        let mut out = Vec::with_capacity(HEADS_MAGIC.len() + 5 * D + 4 + self.heads.len() * HEAD);
        out.extend_from_slice(HEADS_MAGIC);
        out.extend_from_slice(&self.key);
        out.extend_from_slice(&names_digest(names.into_iter()));
        out.extend_from_slice(&model);
        out.extend_from_slice(&people);
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

/// An encoder of a part of the snapshot: encodes into the buffer after what it holds, handing
/// the flush what the buffer holds (and emptying it) whenever it passes [`PIECE`] bytes; false
/// if something does not fit the format.
type Encoder<'a> = dyn FnMut(&mut Vec<u8>, &mut dyn FnMut(&mut Vec<u8>)) -> bool + 'a;

/// Writes the file `rel` under the root of `site`: `magic`, what `encode` gives, then the
/// digest of all before it; through a temporary file, renamed, a piece at a time. Gives the
/// digest, none if it could not be written or something does not fit the format.
fn write_part(site: &Site, rel: &str, magic: &[u8], encode: &mut Encoder) -> Option<Digest> {
    use std::io::Write;
    let path = site.root.join(rel);
    let dir = path.parent()?;
    std::fs::create_dir_all(dir).ok()?;
    // The part's own temporary name (`model.people` and `model` must not share one).
    let mut tmp = path.clone().into_os_string();
    tmp.push(format!(".tmp-{}", std::process::id()));
    let tmp = PathBuf::from(tmp);
    let written = (|| {
        let mut file = std::fs::File::create(&tmp).ok()?;
        let mut hasher = crate::hash::Hasher::new();
        let mut failed = false;
        let mut flush = |piece: &mut Vec<u8>| {
            hasher.update(&piece[..]);
            failed |= file.write_all(piece).is_err();
            piece.clear();
        };
        let mut buf = Vec::with_capacity(PIECE + 4096);
        buf.extend_from_slice(magic);
        if !encode(&mut buf, &mut flush) {
            return None;
        }
        flush(&mut buf);
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

/// Bytes of a part encoded before they are written out.
const PIECE: usize = 64 << 10;

/// Hands `flush` the buffer when it holds [`PIECE`] bytes or more.
fn room(out: &mut Vec<u8>, flush: &mut dyn FnMut(&mut Vec<u8>)) {
    if out.len() >= PIECE {
        flush(out);
    }
}

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

/// Encodes the articles of `site` (their own fields: not their bodies or people) and its
/// calendar (see [`Encoder`]).
fn encode_articles(site: &Site, out: &mut Vec<u8>, flush: &mut dyn FnMut(&mut Vec<u8>)) -> bool {
    let mut ok = put_len(out, site.articles.len());
    for a in &site.articles {
        room(out, flush);
        // Every field by name: a field added to `Article` fails to compile here until it is
        // written (and read back) too.
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
        let Some(file) = file.to_str() else {
            return false;
        };
        ok &= put_str(out, file);
        ok &= put_str(out, title);
        put_date(out, date);
        ok &= put_str(out, summary);
        ok &= put_str(out, language);
        ok &= put_str(out, slug);
        ok &= put_str(out, url);
        ok &= put_opt(out, template.as_deref());
    }
    ok &= put_len(out, site.days.len());
    for Day { date, articles } in &site.days {
        room(out, flush);
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

/// Encodes the people of `site` (each article's people, then every person; the length of
/// this part first, as a u64), then how they were `named` (see [`Encoder`]).
fn encode_people(
    site: &Site,
    named: &Named,
    out: &mut Vec<u8>,
    flush: &mut dyn FnMut(&mut Vec<u8>),
) -> bool {
    // The people as resolved, their length first: encoded whole in the buffer (not handed to
    // `flush` on the way), after room for the length, which is filled in once known.
    out.reserve(site.articles.len() * 24 + site.people.len() * 256);
    let at = out.len();
    out.extend_from_slice(&[0; 8]);
    let mut ok = put_len(out, site.articles.len());
    for a in &site.articles {
        ok &= put_indices(out, &a.people);
    }
    ok &= put_len(out, site.people.len());
    for p in &site.people {
        ok &= put_person(out, p);
    }
    let len = (out.len() - at - 8) as u64;
    out[at..at + 8].copy_from_slice(&len.to_le_bytes());
    room(out, flush);
    ok &= put_len(out, named.written.len());
    for w in &named.written {
        room(out, flush);
        ok &= put_str(out, w);
    }
    ok &= named.articles.len() == site.articles.len() && named.roles.len() == site.articles.len();
    for (ids, roles) in named.articles.iter().zip(&named.roles) {
        room(out, flush);
        ok &= put_len(out, ids.len());
        for &id in ids {
            put_u32(out, id);
        }
        ok &= put_len(out, roles.len());
        for Role { person, role } in roles {
            ok &= put_str(out, person);
            ok &= put_str(out, role);
        }
    }
    ok
}

/// Appends person `p`; false if something does not fit the format.
fn put_person(out: &mut Vec<u8>, p: &Person) -> bool {
    // Every field by name, as for articles.
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
    let mut ok = put_str(out, name);
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
    ok
}

/// The articles and calendar [`encode_articles`] wrote to `bytes` for articles whose heads
/// are `heads`; none if `bytes` is anything else or an index is out of range.
fn decode_articles(bytes: &[u8], heads: &[Head]) -> Option<Articles> {
    let mut r = Reader::new(bytes);
    let n = r.len()?;
    if n != heads.len() {
        return None;
    }
    let mut articles = Vec::with_capacity(n);
    for h in heads {
        articles.push(Article {
            file: PathBuf::from(r.str()?),
            title: r.string()?,
            date: r.date()?,
            summary: r.string()?,
            language: r.string()?,
            body: Body::default(),
            people: Vec::new(),
            slug: r.string()?,
            url: r.string()?,
            template: r.opt()?,
            related: std::sync::OnceLock::new(),
            digest: h.digest,
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
    (r.at == bytes.len()).then_some(Articles {
        articles,
        days,
        months,
        years,
    })
}

/// Each article's people and the people that [`encode_people`] wrote to `bytes` (its first
/// part) for `n` articles; none if `bytes` is anything else or an index is out of range.
#[allow(clippy::type_complexity)]
fn decode_people(bytes: &[u8], n: usize) -> Option<(Vec<Vec<usize>>, Vec<Person>)> {
    let mut r = Reader::new(bytes);
    if r.len()? != n {
        return None;
    }
    let mut article_people = Vec::with_capacity(n);
    for _ in 0..n {
        article_people.push(r.indices(usize::MAX)?);
    }
    let n_people = r.len()?;
    if article_people.iter().flatten().any(|&p| p >= n_people) {
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
    (r.at == bytes.len()).then_some((article_people, people))
}

/// How the people were named ([`Named`]), as [`encode_people`] wrote it to `bytes` (its second
/// part) for `n` articles; none if `bytes` is anything else or a name's number is out of
/// range.
fn decode_named(bytes: &[u8], n: usize) -> Option<Named> {
    let mut r = Reader::new(bytes);
    let k = r.len()?;
    let mut written = Vec::with_capacity(k);
    for _ in 0..k {
        written.push(r.string()?);
    }
    let mut articles = Vec::with_capacity(n);
    let mut roles = Vec::with_capacity(n);
    for _ in 0..n {
        articles.push(r.ids(k)?);
        let m = r.len()?;
        let mut list = Vec::with_capacity(m);
        for _ in 0..m {
            list.push(Role {
                person: r.string()?,
                role: r.string()?,
            });
        }
        roles.push(list);
    }
    (r.at == bytes.len()).then_some(Named {
        written,
        articles,
        roles,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&[&str]]) -> Vec<Vec<String>> {
        list.iter()
            .map(|a| a.iter().map(|n| n.to_string()).collect())
            .collect()
    }

    /// Each article's names as written, read back through the numbering.
    fn written_by_article(n: &Named) -> Vec<Vec<&str>> {
        n.articles
            .iter()
            .map(|ids| {
                ids.iter()
                    .map(|&w| n.written[w as usize].as_str())
                    .collect()
            })
            .collect()
    }

    #[test]
    fn an_edited_list_of_names_is_the_list_of_the_edited_names() {
        let before = names(&[
            &["Кирило Буданов", "Буданов"],
            &["Стів Віткофф"],
            &["Буданов", "Олена Зеленська"],
        ]);
        let role = |p: &str| Role {
            person: p.to_string(),
            role: "посол".to_string(),
        };
        let roles = vec![Vec::new(), vec![role("Стів Віткофф")], Vec::new()];
        let named = Named::of(before.iter().map(Vec::as_slice), roles);
        // The second article names someone new instead (Віткофф is named nowhere else), the
        // third one a name of the first article.
        let after = names(&[
            &["Кирило Буданов", "Буданов"],
            &["Нова Особа", "Олена Зеленська"],
            &["Кирило Буданов"],
        ]);
        let edited = named
            .edit(
                [
                    (1, after[1].as_slice(), vec![role("Нова Особа")]),
                    (2, after[2].as_slice(), Vec::new()),
                ]
                .into_iter(),
            )
            .unwrap();
        let fresh = Named::of(after.iter().map(Vec::as_slice), Vec::new());
        assert_eq!(written_by_article(&edited), written_by_article(&fresh));
        // Exactly the names written, each once: the one named nowhere now is gone.
        let mut listed = edited.written.clone();
        listed.sort();
        let mut expected = fresh.written.clone();
        expected.sort();
        assert_eq!(listed, expected);
        assert!(!edited.written.iter().any(|w| w == "Стів Віткофф"));
        assert_eq!(edited.roles[1], vec![role("Нова Особа")]);
        assert!(edited.roles[2].is_empty());
        // A place past the last article is no edit.
        let one = Named::of(before.iter().map(Vec::as_slice), vec![Vec::new(); 3]);
        assert!(one
            .edit([(3, after[0].as_slice(), Vec::new())].into_iter())
            .is_none());
    }
}
