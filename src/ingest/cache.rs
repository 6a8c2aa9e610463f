//! The cache of prepared raw texts: `.litopys/ingest.cache` under the site root. Preparing a raw
//! file (decode, clean, title, date, lede, people) is the costly part of ingest, and every build
//! runs ingest; the cache maps a raw file's *key* to what preparing it gave, so a build prepares
//! only raw files that are new or changed, and the extractor's tables are not even built when
//! nothing changed.
//!
//! The key of a raw file is a digest ([`crate::hash`], XXH3-128) of its bytes' SHA-256 (which
//! the article shows as `source_sha256`, so the bytes are hashed once), its name and path (the date may come from
//! the name; the path is recorded as `source`) and the reference date that resolves dates
//! without a year. Everything else preparing depends on makes the file's *fingerprint*: the
//! crate version, the running executable, the configuration and the editors' registry. A cache
//! of another fingerprint is ignored.
//!
//! Format (not meant for anything but this cache): the line `litopys-ingest-cache 3`, the
//! 32-byte fingerprint, then records: key (16 bytes), length of the payload (u32
//! little-endian), checksum (the payload's XXH3-128 digest, 16 bytes), the payload: the
//! prepared article's front matter as JSON after its length (u32 little-endian), then its
//! Markdown body. (Version 2 had SHA-256 keys and checksums, which nobody outside checks and
//! the fast digest makes 10× cheaper, and the body inside the JSON.) A file that does not
//! parse to the end is ignored, and so is a record whose checksum does not match. New records are appended
//! under a lock; the file is rewritten (through a rename) once records no raw file uses any more
//! are more than a quarter of it. Writing it is best effort: ingest never fails because of its
//! cache, and a record that does not decode is prepared again.

use super::RawArticle;
use crate::content::FrontMatter;
use crate::date::Date;
use std::collections::HashMap;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

const MAGIC: &[u8] = b"litopys-ingest-cache 3\n";

/// Bytes of a key.
const KEY: usize = 16;

/// A raw file's key.
pub type Key = [u8; KEY];

/// Where the cache lives under the site root.
pub const CACHE_FILE: &str = ".litopys/ingest.cache";

/// The key of one raw file: its bytes (given by their SHA-256, `raw_sha256`, which the
/// article records as `source_sha256` too, so the bytes are hashed once), name, path from
/// the site root and reference date.
pub fn key(
    raw_sha256: &[u8; 32],
    file_name: &str,
    rel: &str,
    reference: Date,
    from_config: bool,
) -> Key {
    let mut h = crate::hash::Hasher::new();
    for part in [file_name.as_bytes(), rel.as_bytes()] {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part);
    }
    h.update(reference.iso().as_bytes());
    h.update([from_config as u8]);
    h.update(raw_sha256);
    h.finalize()
}

/// A raw file prepared in this run: its key, front matter and Markdown body.
pub type Fresh<'a> = (Key, &'a FrontMatter, &'a str);

/// The cache as read at the start of ingest.
pub struct Cache {
    path: PathBuf,
    fingerprint: [u8; 32],
    data: Vec<u8>,
    /// Key → where its record's checksum and JSON are in `data`.
    records: HashMap<Key, (usize, usize)>,
    /// Whether the file on disk is usable as it is (records can be appended to it).
    valid: bool,
}

impl Cache {
    /// Reads the cache of the site at `root` for this `fingerprint` (empty if there is none or
    /// it is unusable).
    pub fn open(root: &Path, fingerprint: [u8; 32]) -> Cache {
        let path = root.join(CACHE_FILE);
        let data = std::fs::read(&path).unwrap_or_default();
        let head = MAGIC.len() + 32;
        let mut cache = Cache {
            path,
            fingerprint,
            data: Vec::new(),
            records: HashMap::new(),
            valid: false,
        };
        if data.len() < head
            || &data[..MAGIC.len()] != MAGIC
            || data[MAGIC.len()..head] != fingerprint
        {
            return cache;
        }
        if let Some(records) = read_records(&data, head) {
            cache.records = records;
            cache.data = data;
            cache.valid = true;
        }
        cache
    }

    /// What preparing the raw file of `key` gave, if cached and well-formed.
    pub fn get(&self, key: &Key) -> Option<RawArticle> {
        let &(at, len) = self.records.get(key)?;
        let payload = self.data.get(at + SUM..at + SUM + len)?;
        if self.data.get(at..at + SUM)? != checksum(payload) {
            return None;
        }
        let fm_len = u32::from_le_bytes(payload.get(..4)?.try_into().ok()?) as usize;
        let fm_json = payload.get(4..4usize.checked_add(fm_len)?)?;
        let body = std::str::from_utf8(payload.get(4 + fm_len..)?).ok()?;
        Some(RawArticle {
            front_matter: serde_json::from_slice(fm_json).ok()?,
            body: body.to_owned(),
        })
    }

    /// Records this run's raw files: `used` are the keys of every file prepared now (hits and
    /// misses), `fresh` the misses with what preparing gave. Appends the fresh ones, or
    /// rewrites the file with all used records when it is unusable or mostly records nothing
    /// uses any more. Best effort: errors are ignored.
    pub fn store(self, used: &[Key], fresh: &[Fresh]) {
        let mut live: std::collections::HashSet<&Key> = used.iter().collect();
        let dead: usize = self
            .records
            .iter()
            .filter(|(k, _)| !live.contains(k))
            .map(|(_, (_, len))| KEY + 4 + SUM + len)
            .sum();
        if self.valid && dead * 4 <= self.data.len() {
            if !fresh.is_empty() {
                let _ = self.append(fresh);
            }
            return;
        }
        // Rewrite: the records still used (from the old file, as they are, in `used` order),
        // then the fresh. A key prepared afresh (its old record did not check out) is not
        // copied: the rewrite would give the bad record a good checksum.
        for (k, _, _) in fresh {
            live.remove(k);
        }
        let mut kept: Vec<(Key, &[u8])> = Vec::new();
        for k in used {
            if let (true, Some(&(at, len))) = (live.remove(k), self.records.get(k)) {
                kept.push((*k, &self.data[at + SUM..at + SUM + len]));
            }
        }
        let _ = self.rewrite(&kept, fresh);
    }

    fn append(&self, fresh: &[Fresh]) -> std::io::Result<()> {
        let f = std::fs::OpenOptions::new().append(true).open(&self.path)?;
        // Two runs appending at once must not interleave records.
        f.lock()?;
        let mut w = BufWriter::with_capacity(1 << 20, &f);
        write_fresh(&mut w, fresh)?;
        w.flush()
    }

    fn rewrite(&self, kept: &[(Key, &[u8])], fresh: &[Fresh]) -> std::io::Result<()> {
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let tmp = self
            .path
            .with_extension(format!("tmp-{}", std::process::id()));
        let result = (|| {
            let f = std::fs::File::create(&tmp)?;
            let mut w = BufWriter::with_capacity(1 << 20, &f);
            w.write_all(MAGIC)?;
            w.write_all(&self.fingerprint)?;
            for (k, json) in kept {
                write_record(&mut w, k, json)?;
            }
            write_fresh(&mut w, fresh)?;
            w.flush()?;
            drop(w);
            std::fs::rename(&tmp, &self.path)
        })();
        if result.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        result
    }
}

fn write_fresh(w: &mut impl Write, fresh: &[Fresh]) -> std::io::Result<()> {
    let mut fm_json = Vec::with_capacity(4096);
    for (k, fm, body) in fresh {
        // The payload: the front matter's JSON after its length, then the body as it is
        // (escaping it as a JSON string cost more than the rest of writing the cache), each
        // piece written and summed where it is (not gathered into one buffer first).
        fm_json.clear();
        front_matter_json(&mut fm_json, fm);
        let body = body.as_bytes();
        let (Ok(fm_len), Ok(len)) = (
            u32::try_from(fm_json.len()),
            u32::try_from(4 + fm_json.len() + body.len()),
        ) else {
            // Too big to cache: prepared every time.
            continue;
        };
        let fm_len = fm_len.to_le_bytes();
        w.write_all(k)?;
        w.write_all(&len.to_le_bytes())?;
        w.write_all(&crate::hash::digest_parts(&[&fm_len, &fm_json, body]))?;
        w.write_all(&fm_len)?;
        w.write_all(&fm_json)?;
        w.write_all(body)?;
    }
    Ok(())
}

/// Appends the front matter as JSON: the bytes `serde_json::to_writer` writes for it (the
/// fields in their order, the empty optional ones left out as the derive says), without
/// serde's machinery (a test compares both).
fn front_matter_json(out: &mut Vec<u8>, fm: &FrontMatter) {
    let field = |out: &mut Vec<u8>, first: bool, name: &str| {
        if !first {
            out.push(b',');
        }
        out.push(b'"');
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(b"\":");
    };
    out.push(b'{');
    field(out, true, "title");
    json_string(out, &fm.title);
    field(out, false, "date");
    json_string(out, &fm.date.iso());
    if let Some(s) = &fm.date_source {
        field(out, false, "date_source");
        json_string(out, s);
    }
    field(out, false, "people");
    out.push(b'[');
    for (i, p) in fm.people.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        json_string(out, p);
    }
    out.push(b']');
    if !fm.roles.is_empty() {
        field(out, false, "roles");
        out.push(b'[');
        for (i, r) in fm.roles.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.push(b'{');
            field(out, true, "person");
            json_string(out, &r.person);
            field(out, false, "role");
            json_string(out, &r.role);
            out.push(b'}');
        }
        out.push(b']');
    }
    field(out, false, "summary");
    json_string(out, &fm.summary);
    for (name, value) in [("source", &fm.source), ("source_sha256", &fm.source_sha256)] {
        if let Some(v) = value {
            field(out, false, name);
            json_string(out, v);
        }
    }
    field(out, false, "language");
    json_string(out, &fm.language);
    for (name, value) in [("slug", &fm.slug), ("template", &fm.template)] {
        if let Some(v) = value {
            field(out, false, name);
            json_string(out, v);
        }
    }
    out.push(b'}');
}

/// Appends `s` as a JSON string the way serde_json writes it: `"` and `\` escaped, the
/// controls below U+0020 as `\b` `\t` `\n` `\f` `\r` or `\u00XX`, everything else as it is.
pub(crate) fn json_string(out: &mut Vec<u8>, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push(b'"');
    let bytes = s.as_bytes();
    let mut last = 0;
    // The bytes to escape, found sixteen at a time.
    let mut k = 0;
    while k < bytes.len() {
        let mut mask =
            super::decode::block_mask(bytes, k, |_, b| (b < 0x20) | (b == b'"') | (b == b'\\'));
        while mask != 0 {
            let i = k + mask.trailing_zeros() as usize;
            mask &= mask - 1;
            out.extend_from_slice(&bytes[last..i]);
            let b = bytes[i];
            let escape: &[u8] = match b {
                b'"' => b"\\\"",
                b'\\' => b"\\\\",
                0x08 => b"\\b",
                b'\t' => b"\\t",
                b'\n' => b"\\n",
                0x0C => b"\\f",
                b'\r' => b"\\r",
                _ => b"",
            };
            if escape.is_empty() {
                out.extend_from_slice(b"\\u00");
                out.push(HEX[usize::from(b >> 4)]);
                out.push(HEX[usize::from(b & 15)]);
            } else {
                out.extend_from_slice(escape);
            }
            last = i + 1;
        }
        k += 16;
    }
    out.extend_from_slice(&bytes[last..]);
    out.push(b'"');
}

fn write_record(w: &mut impl Write, key: &Key, json: &[u8]) -> std::io::Result<()> {
    // Too big to cache: prepared every time.
    let Ok(len) = u32::try_from(json.len()) else {
        return Ok(());
    };
    w.write_all(key)?;
    w.write_all(&len.to_le_bytes())?;
    w.write_all(&checksum(json))?;
    w.write_all(json)
}

/// Bytes of a record's checksum.
const SUM: usize = 16;

/// A record's checksum: the XXH3-128 digest of its JSON.
fn checksum(json: &[u8]) -> [u8; SUM] {
    crate::hash::digest(json)
}

/// The records of `data` from byte `at` to the end; none if the data ends inside a record.
fn read_records(data: &[u8], mut at: usize) -> Option<HashMap<Key, (usize, usize)>> {
    let mut records = HashMap::new();
    while at < data.len() {
        let key: Key = data.get(at..at + KEY)?.try_into().ok()?;
        let len = u32::from_le_bytes(data.get(at + KEY..at + KEY + 4)?.try_into().ok()?) as usize;
        let start = at + KEY + 4;
        data.get(start..start.checked_add(SUM + len)?)?;
        records.insert(key, (start, len));
        at = start + SUM + len;
    }
    Some(records)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::content::Role;
    use crate::people::Registry;

    #[test]
    fn front_matter_json_is_what_serde_json_writes() {
        // The front matter of every raw text of the repository (seed and NER-UK), as ingest
        // prepares it, then with every optional field set and unset and hostile strings.
        let raw = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(super::super::RAW_DIR);
        let config = Config::default();
        let registry = Registry::default();
        let mut fms = Vec::new();
        for entry in walkdir::WalkDir::new(raw).sort_by_file_name() {
            let entry = entry.unwrap();
            if entry.path().extension().is_none_or(|e| e != "txt") {
                continue;
            }
            let bytes = std::fs::read(entry.path()).unwrap();
            let name = entry.file_name().to_string_lossy().into_owned();
            let reference = Date::new(2026, 1, 31).unwrap();
            if let Ok(a) = super::super::prepare_bytes(
                &bytes,
                &name,
                "content/raw/x.txt",
                &config,
                &registry,
                reference,
                true,
            ) {
                fms.push(a.front_matter);
            }
        }
        assert!(fms.len() > 40, "{}", fms.len());
        let mut hostile: String = (0u8..0x80).map(char::from).collect();
        hostile.push_str("\"\\/«»ʼ’\u{2028}\u{2029}\u{feff}😀\u{7f}");
        let mut more = Vec::new();
        for (k, fm) in fms.iter().enumerate() {
            let mut f = fm.clone();
            f.title = format!("{hostile}{}", f.title);
            f.summary.push_str(&hostile);
            f.people.push(hostile.clone());
            f.roles.push(Role {
                person: hostile.clone(),
                role: format!("{k}\n{hostile}"),
            });
            f.date_source = None;
            f.source = (k % 2 == 0).then(|| hostile.clone());
            f.source_sha256 = None;
            f.slug = Some(format!("slug-{k}"));
            f.template = (k % 3 == 0).then(|| "article.html".to_string());
            f.language = hostile.clone();
            more.push(f);
            let mut f = fm.clone();
            f.people.clear();
            f.roles.clear();
            f.summary.clear();
            more.push(f);
        }
        fms.extend(more);
        for fm in &fms {
            let mut ours = Vec::new();
            front_matter_json(&mut ours, fm);
            let want = serde_json::to_vec(fm).unwrap();
            assert_eq!(
                String::from_utf8_lossy(&ours),
                String::from_utf8_lossy(&want)
            );
            assert_eq!(ours, want);
        }
        assert!(fms
            .iter()
            .any(|f| !f.roles.is_empty() && f.date_source.is_some()));
    }
}
