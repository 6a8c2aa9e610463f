//! The file format of the output manifest (`.litopys-manifest`, see [`super`]): one line per
//! file the previous write left, written and read without a general-purpose parser, because a
//! small rebuild reads and writes it whole (16,000 lines at 10,000 articles).
//!
//! ```text
//! litopys-manifest 3
//! stamp KEY ARTICLES PEOPLE
//! plan KEY
//! file LEN SECS NANOS KEY PATH
//! group KEY NAME
//! member PATH
//! ```
//!
//! Every line ends with `\n`; fields are separated by one space. A path or a group's name is
//! the last field and may hold spaces (output paths never hold control characters, see
//! [`super::validate_path`]). A key is a digest (no spaces), `-` for none; a number is
//! decimal, without a sign or leading zeros. `member` lines belong to the `group` line before
//! them. `plan` names the digest of the render plan written with the manifest
//! (`super::PLAN_FILE`). The lines come in this order: the header, at most one `stamp`, at
//! most one `plan`, the files in increasing path order (bytewise, each path once), then the
//! groups in increasing name order, each followed by its members. A manifest that does not
//! follow this exactly (another version, a line cut short, a number that does not parse or is
//! not written as [`encode`] writes it, lines out of order) is refused whole: there is then no
//! record, and the next write compares bytes instead. Entries whose path is not a valid output
//! path are dropped (a hand-edited manifest cannot point outside), and so is a group with a
//! member the manifest does not list.
//!
//! A manifest read is kept whole ([`Record`]): its files are found in its text (no string per
//! line), by a table of their paths' hashes, and a file line is exactly what [`encode`] writes
//! for its entry, so the next manifest copies the lines of files that did not change
//! ([`Line::Same`]) instead of writing them again.

use super::{plain_len, validate_path, Group, Stamp};
use std::collections::BTreeMap;
use std::hash::BuildHasher;

/// The first line: the format and its version.
const HEADER: &str = "litopys-manifest 3";

/// One file of a manifest read: where its line, key and path are in the text, and its numbers.
#[derive(Debug, Clone, Copy)]
struct Slot {
    /// [`hash`] of the path.
    hash: u64,
    len: u64,
    secs: u64,
    nanos: u32,
    /// Where its line (`file …`) starts in the text.
    line: u32,
    /// Where its key starts, and its length (0: none, written `-`).
    key: u32,
    key_len: u32,
    /// Where its path (the line's last field) starts, and its length; the line ends after it.
    path: u32,
    path_len: u32,
}

/// A manifest read: its text, kept whole, and what it records. Files are known by their index
/// (in path order).
#[derive(Debug, Default)]
pub(super) struct Record {
    /// The manifest's bytes (mapped: see [`crate::mapped`]), checked to be UTF-8 when read;
    /// its fields are taken from them as `str` with that check made again on each.
    text: crate::mapped::FileBytes,
    /// The files whose path is an output path, in path order.
    files: Vec<Slot>,
    /// Open addressing over `files` by the hash of their paths: index + 1, 0 for none. Its
    /// length is a power of two, at least twice the number of files (or zero).
    table: Vec<u32>,
    /// log2 of the table's length.
    bits: u32,
    pub groups: BTreeMap<String, Group>,
    pub stamp: Option<Stamp>,
    /// The digest of the render plan written with it.
    pub plan: Option<String>,
}

/// How far either side of its hint [`Record::find_near`] looks.
const NEAR: usize = 3;

/// The hash of a path for [`Record`]'s table.
fn hash(path: &str) -> u64 {
    rustc_hash::FxBuildHasher.hash_one(path)
}

/// The table position of `hash` in a table of `2^bits` entries (the hash's top bits, mixed).
fn bucket(hash: u64, bits: u32) -> usize {
    (hash.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> (64 - bits)) as usize
}

impl Record {
    /// The bytes read.
    #[cfg(test)]
    pub fn text(&self) -> &[u8] {
        &self.text
    }

    /// The text at `range` (empty should the bytes have changed under the mapping since
    /// they were checked, which Litopys never does: it replaces the file by renaming).
    fn text_at(&self, range: std::ops::Range<usize>) -> &str {
        std::str::from_utf8(self.text.get(range).unwrap_or_default()).unwrap_or_default()
    }

    /// How many files it records.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// The index of the file at `path`.
    pub fn find(&self, path: &str) -> Option<u32> {
        self.find_in(&self.text, path)
    }

    /// [`Record::find`], looking first at the files recorded within a few places of file
    /// `near` (pages asked for in the order they were made are mostly next to each other in
    /// path order): no hashing and no jump across the table for those.
    pub fn find_near(&self, path: &str, near: u32) -> Option<u32> {
        let near = near as usize;
        for i in near.saturating_sub(NEAR)..near.saturating_add(NEAR + 1).min(self.files.len()) {
            if self.path_bytes(i as u32) == path.as_bytes() {
                return Some(i as u32);
            }
        }
        self.find(path)
    }

    /// [`Record::find`] with the text given (while it is being read).
    fn find_in(&self, text: &[u8], path: &str) -> Option<u32> {
        if self.table.is_empty() {
            return None;
        }
        let h = hash(path);
        let mask = self.table.len() - 1;
        let mut at = bucket(h, self.bits);
        loop {
            let i = self.table[at].checked_sub(1)?;
            let s = &self.files[i as usize];
            if s.hash == h
                && text.get(s.path as usize..(s.path + s.path_len) as usize)
                    == Some(path.as_bytes())
            {
                return Some(i);
            }
            at = (at + 1) & mask;
        }
    }

    fn path_of(&self, s: &Slot) -> &str {
        self.text_at(s.path as usize..(s.path + s.path_len) as usize)
    }

    /// The path of a line to write.
    pub fn line_path<'a>(&'a self, line: &Line<'a>) -> &'a str {
        match *line {
            Line::Same(i) => self.path(i),
            Line::New { path, .. } => path,
        }
    }

    /// The path of file `i`, if there is one.
    pub fn path_checked(&self, i: u32) -> Option<&str> {
        self.files.get(i as usize).map(|s| self.path_of(s))
    }

    /// The path of file `i` as its bytes in the manifest read (UTF-8 when it was read; not
    /// checked again, for a look-up that takes bytes).
    pub fn path_bytes(&self, i: u32) -> &[u8] {
        let s = &self.files[i as usize];
        self.text
            .get(s.path as usize..(s.path + s.path_len) as usize)
            .unwrap_or_default()
    }

    /// The path of file `i`.
    pub fn path(&self, i: u32) -> &str {
        self.path_of(&self.files[i as usize])
    }

    /// The render key of file `i`.
    pub fn key(&self, i: u32) -> Option<&str> {
        let s = &self.files[i as usize];
        (s.key_len > 0).then(|| self.text_at(s.key as usize..(s.key + s.key_len) as usize))
    }

    /// The length and mtime of file `i`.
    pub fn stat(&self, i: u32) -> (u64, (u64, u32)) {
        let s = &self.files[i as usize];
        (s.len, (s.secs, s.nanos))
    }

    /// The entry of file `i`.
    #[cfg(test)]
    pub fn entry(&self, i: u32) -> super::Entry {
        let (len, mtime) = self.stat(i);
        super::Entry {
            len,
            mtime,
            key: self.key(i).map(str::to_string),
        }
    }

    /// Where the line of file `i` is in the text, with its `\n` (exactly what [`encode`]
    /// writes for its entry).
    fn line_range(&self, i: u32) -> std::ops::Range<usize> {
        let s = &self.files[i as usize];
        s.line as usize..(s.path + s.path_len + 1) as usize
    }

    /// Builds the table over `files`.
    fn index(&mut self) {
        if self.files.is_empty() {
            return;
        }
        let size = (self.files.len() * 2).next_power_of_two();
        self.bits = size.trailing_zeros();
        let mask = size - 1;
        let mut table = vec![0u32; size];
        for (i, s) in self.files.iter().enumerate() {
            let mut at = bucket(s.hash, self.bits);
            while table[at] != 0 {
                at = (at + 1) & mask;
            }
            table[at] = i as u32 + 1;
        }
        self.table = table;
    }
}

/// Whether `key` can be written as one field.
fn plain_key(key: &str) -> bool {
    !key.is_empty() && key != "-" && !key.bytes().any(|b| b <= b' ' || b == 0x7f)
}

fn push_num(out: &mut Vec<u8>, n: u64) {
    out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
}

/// One file line of a manifest to write.
pub(super) enum Line<'a> {
    /// File `i` of the record read, as it was: its line is copied.
    Same(u32),
    /// A file's path and entry (its key left out if it cannot be one field).
    New {
        path: &'a str,
        len: u64,
        mtime: (u64, u32),
        key: Option<&'a str>,
    },
}

/// Writes the line of a file.
fn push_file(out: &mut Vec<u8>, path: &str, len: u64, mtime: (u64, u32), key: Option<&str>) {
    out.extend_from_slice(b"file ");
    push_num(out, len);
    out.push(b' ');
    push_num(out, mtime.0);
    out.push(b' ');
    push_num(out, u64::from(mtime.1));
    out.push(b' ');
    match key.filter(|k| plain_key(k)) {
        Some(k) => out.extend_from_slice(k.as_bytes()),
        None => out.push(b'-'),
    }
    out.push(b' ');
    out.extend_from_slice(path.as_bytes());
    out.push(b'\n');
}

/// Encodes a manifest of `files` (in path order, each path once; [`Line::Same`] lines are
/// those of `old`), `groups` and `stamp`. A key that cannot be written as one field is left
/// out (the page is then rendered again next time); so is a stamp or group whose key cannot,
/// or a group whose name holds a line break.
#[cfg(test)]
pub(super) fn encode(
    old: &Record,
    files: &[Line],
    groups: &BTreeMap<String, Group>,
    stamp: Option<&Stamp>,
    plan: Option<&str>,
) -> Vec<u8> {
    let mut out = Vec::new();
    encode_pieces(old, files, groups, stamp, plan, &mut |piece| {
        out.extend_from_slice(piece);
        true
    });
    out
}

/// [`encode`], handing the manifest to `put` in pieces as it is made, never whole: the lines
/// of files that did not change are runs of `old`'s text, given as they are (a rebuild copies
/// most of a 2 MB manifest). Stops, returning false, when `put` does.
pub(super) fn encode_pieces(
    old: &Record,
    files: &[Line],
    groups: &BTreeMap<String, Group>,
    stamp: Option<&Stamp>,
    plan: Option<&str>,
    put: &mut dyn FnMut(&[u8]) -> bool,
) -> bool {
    // New lines gather here; runs of old lines are handed over between them.
    let mut out = Vec::with_capacity(16 << 10);
    out.extend_from_slice(HEADER.as_bytes());
    out.push(b'\n');
    if let Some(s) = stamp.filter(|s| plain_key(&s.key)) {
        out.extend_from_slice(b"stamp ");
        out.extend_from_slice(s.key.as_bytes());
        out.push(b' ');
        push_num(&mut out, s.articles as u64);
        out.push(b' ');
        push_num(&mut out, s.people as u64);
        out.push(b'\n');
    }
    if let Some(k) = plan.filter(|k| plain_key(k)) {
        out.extend_from_slice(b"plan ");
        out.extend_from_slice(k.as_bytes());
        out.push(b'\n');
    }
    let text: &[u8] = &old.text;
    // The run of old text not handed over yet (lines of consecutive files are consecutive),
    // after the new bytes in `out`: both are handed over, in that order, when the run ends.
    let mut run = 0..0;
    let mut flush = |out: &mut Vec<u8>, run: &mut std::ops::Range<usize>| {
        if run.start == run.end {
            return true;
        }
        let run = std::mem::replace(run, 0..0);
        (out.is_empty() || put(&std::mem::take(out))) && put(&text[run])
    };
    for f in files {
        match *f {
            Line::Same(i) => {
                let line = old.line_range(i);
                if run.end == line.start && !run.is_empty() {
                    run.end = line.end;
                } else {
                    if !flush(&mut out, &mut run) {
                        return false;
                    }
                    run = line;
                }
            }
            Line::New {
                path,
                len,
                mtime,
                key,
            } => {
                if !flush(&mut out, &mut run) {
                    return false;
                }
                push_file(&mut out, path, len, mtime, key);
            }
        }
    }
    if !flush(&mut out, &mut run) {
        return false;
    }
    for (name, g) in groups {
        if !plain_key(&g.key) || name.contains(['\n', '\r']) {
            continue;
        }
        out.extend_from_slice(b"group ");
        out.extend_from_slice(g.key.as_bytes());
        out.push(b' ');
        out.extend_from_slice(name.as_bytes());
        out.push(b'\n');
        for p in &g.paths {
            out.extend_from_slice(b"member ");
            out.extend_from_slice(p.as_bytes());
            out.push(b'\n');
        }
    }
    out.is_empty() || put(&out)
}

/// Whether [`encode_pieces`] would give exactly `old`'s text (then the manifest need not be
/// written again).
pub(super) fn encodes_to_old(
    old: &Record,
    files: &[Line],
    groups: &BTreeMap<String, Group>,
    stamp: Option<&Stamp>,
    plan: Option<&str>,
) -> bool {
    let text: &[u8] = &old.text;
    let mut at = 0;
    encode_pieces(old, files, groups, stamp, plan, &mut |piece| {
        let same = text.get(at..at + piece.len()) == Some(piece);
        at += piece.len();
        same
    }) && at == text.len()
}

/// A decimal number at `b[*i..]`, up to the next byte that is not a digit, as [`encode`]
/// writes it (no leading zero but in `0`, no overflow); `*i` is left after it.
fn number(b: &[u8], i: &mut usize) -> Option<u64> {
    let start = *i;
    let mut n: u64 = 0;
    while let Some(&c) = b.get(*i) {
        let d = c.wrapping_sub(b'0');
        if d > 9 {
            break;
        }
        n = n.checked_mul(10)?.checked_add(u64::from(d))?;
        *i += 1;
    }
    let digits = *i - start;
    (digits == 1 || (digits > 1 && b[start] != b'0')).then_some(n)
}

/// [`number`] followed by one space (skipped).
fn number_field(b: &[u8], i: &mut usize) -> Option<u64> {
    let n = number(b, i)?;
    (b.get(*i) == Some(&b' ')).then(|| *i += 1)?;
    Some(n)
}

/// [`number`] ending the line.
fn number_last(b: &[u8], mut i: usize) -> Option<u64> {
    let n = number(b, &mut i)?;
    (i == b.len()).then_some(n)
}

/// One line of a manifest, parsed on its own (what needs other lines is left to [`decode`]).
enum Parsed<'a> {
    /// A file's path and its entry; none when its path is not an output path (the entry is
    /// dropped).
    File(&'a str, Option<Slot>),
    /// A stamp's key, articles and people.
    Stamp(&'a str, u64, u64),
    Plan(&'a str),
    /// A group's key and name.
    Group(&'a str, &'a str),
    Member(&'a str),
}

/// Whether any of the 8 bytes of `w` is a space, a control byte or DEL (none can be in a key).
fn breaks_key(w: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // A byte below 0x21; a byte equal to 0x7f.
    let low = w.wrapping_sub(ONES * 0x21) & !w & HIGH;
    let del = w ^ (ONES * 0x7f);
    low != 0 || del.wrapping_sub(ONES) & !del & HIGH != 0
}

/// Parses the line that starts at `at` in `piece` (which starts at `base` in the text); `None`
/// if it is not a line [`encode`] writes. Gives the line and where the next one starts.
fn parse_line(piece: &str, at: usize, base: usize) -> Option<(Parsed<'_>, usize)> {
    let b = &piece.as_bytes()[at..];
    if b.starts_with(b"file ") {
        let mut i = 5;
        let len = number_field(b, &mut i)?;
        let secs = number_field(b, &mut i)?;
        let nanos = number_field(b, &mut i)?;
        if nanos >= 1_000_000_000 {
            return None;
        }
        // The key, up to the next space: eight bytes at a time while none ends it.
        let key_at = i;
        while let Some(word) = b.get(i..i + 8) {
            let word = u64::from_le_bytes(word.try_into().ok()?);
            if breaks_key(word) {
                break;
            }
            i += 8;
        }
        while let Some(&c) = b.get(i) {
            if c == b' ' {
                break;
            }
            if c < b' ' || c == 0x7f {
                return None;
            }
            i += 1;
        }
        // A key is not empty, and a space follows it.
        if i == key_at || i == b.len() {
            return None;
        }
        let key_len = if &b[key_at..i] == b"-" { 0 } else { i - key_at };
        // The path: up to the line break, plainly valid as it is found, or checked alone.
        let path_at = at + i + 1;
        let rest = &piece[path_at..];
        let (path_len, valid) = match plain_len(rest) {
            Some(n) if rest.as_bytes().get(n) == Some(&b'\n') => (n, true),
            _ => {
                let n = rest.find('\n')?;
                (n, validate_path(&rest[..n]).is_ok())
            }
        };
        let path = &rest[..path_len];
        let slot = valid.then(|| Slot {
            hash: hash(path),
            len,
            secs,
            nanos: nanos as u32,
            line: (base + at) as u32,
            key: (base + at + key_at) as u32,
            key_len: key_len as u32,
            path: (base + path_at) as u32,
            path_len: path_len as u32,
        });
        return Some((Parsed::File(path, slot), path_at + path_len + 1));
    }
    let end = at + piece[at..].find('\n')?;
    let line = &piece[at..end];
    let (kind, rest) = line.split_once(' ')?;
    let parsed = match kind {
        "stamp" => {
            let (k, nums) = rest.split_once(' ')?;
            let nb = nums.as_bytes();
            let mut i = 0;
            let articles = number_field(nb, &mut i)?;
            let people = number_last(nb, i)?;
            if !plain_key(k) {
                return None;
            }
            Parsed::Stamp(k, articles, people)
        }
        "plan" => {
            if !plain_key(rest) {
                return None;
            }
            Parsed::Plan(rest)
        }
        "group" => {
            let (k, name) = rest.split_once(' ')?;
            if !plain_key(k) {
                return None;
            }
            Parsed::Group(k, name)
        }
        "member" => Parsed::Member(rest),
        _ => return None,
    };
    Some((parsed, end + 1))
}

/// About how many bytes of lines one parallel task parses.
const PIECE_BYTES: usize = 64 << 10;

/// `body` (whole lines) cut into pieces of about `size` bytes, each of whole lines.
fn pieces(body: &str, size: usize) -> Vec<&str> {
    let bytes = body.as_bytes();
    let mut out = Vec::with_capacity(body.len() / size.max(1) + 1);
    let mut start = 0;
    while start < bytes.len() {
        let want = start.saturating_add(size.max(1)).min(bytes.len());
        // Up to and including the next line break at or after `want` (a char boundary).
        let end = match bytes[want - 1..].iter().position(|&b| b == b'\n') {
            Some(i) => want + i,
            None => bytes.len(),
        };
        out.push(&body[start..end]);
        start = end;
    }
    out
}

/// Decodes a manifest; `None` if it is not one of this version, written as [`encode`] writes.
/// Lines are parsed in parallel, in pieces; what ties them together (their order, one stamp
/// and plan, members after their group and their files) is then checked in order.
pub(super) fn decode(bytes: crate::mapped::FileBytes) -> Option<Record> {
    decode_in(bytes, PIECE_BYTES)
}

/// [`decode`] with pieces of about `piece` bytes.
fn decode_in(bytes: crate::mapped::FileBytes, piece: usize) -> Option<Record> {
    use rayon::prelude::*;
    // Offsets into the text are `u32`.
    if u32::try_from(bytes.len()).is_err() {
        return None;
    }
    let text = std::str::from_utf8(&bytes).ok()?;
    let body = text.strip_prefix(HEADER)?.strip_prefix('\n')?;
    if !body.is_empty() && !body.ends_with('\n') {
        return None;
    }
    let base = text.as_ptr() as usize;
    let parsed: Vec<Vec<Parsed>> = pieces(body, piece)
        .par_iter()
        .map(|piece| {
            let start = piece.as_ptr() as usize - base;
            let mut lines = Vec::with_capacity(piece.len() / 96 + 1);
            let mut at = 0;
            while at < piece.len() {
                let (line, next) = parse_line(piece, at, start)?;
                lines.push(line);
                at = next;
            }
            Some(lines)
        })
        .collect::<Option<_>>()?;
    let mut files: Vec<Slot> = Vec::with_capacity(body.len() / 100);
    // What the lines seen allow next: 0 a stamp, 1 a plan, 2 a file, 3 a group.
    let mut next = 0;
    let mut stamp = None;
    let mut plan = None;
    let mut last_path: Option<&str> = None;
    // Each group's name, key and members.
    let mut groups: Vec<(&str, &str, Vec<&str>)> = Vec::new();
    for line in parsed.iter().flatten() {
        match *line {
            Parsed::Stamp(k, articles, people) => {
                if next > 0 {
                    return None;
                }
                next = 1;
                stamp = Some(Stamp {
                    key: k.to_string(),
                    articles: usize::try_from(articles).ok()?,
                    people: usize::try_from(people).ok()?,
                });
            }
            Parsed::Plan(k) => {
                if next > 1 {
                    return None;
                }
                next = 2;
                plan = Some(k.to_string());
            }
            Parsed::File(path, slot) => {
                if next > 2 || last_path.is_some_and(|last| last >= path) {
                    return None;
                }
                next = 2;
                last_path = Some(path);
                files.extend(slot);
            }
            Parsed::Group(k, name) => {
                if groups.last().is_some_and(|(last, _, _)| *last >= name) {
                    return None;
                }
                next = 3;
                groups.push((name, k, Vec::new()));
            }
            Parsed::Member(path) => groups.last_mut()?.2.push(path),
        }
    }
    let mut record = Record {
        files,
        stamp,
        plan,
        ..Record::default()
    };
    record.index();
    // Files come before groups, so every member is known by now.
    record.groups = groups
        .into_iter()
        .filter(|(_, _, members)| {
            members
                .iter()
                .all(|p| record.find_in(text.as_bytes(), p).is_some())
        })
        .map(|(name, key, members)| {
            let g = Group {
                key: key.to_string(),
                paths: members.into_iter().map(str::to_string).collect(),
            };
            (name.to_string(), g)
        })
        .collect();
    drop(parsed);
    record.text = bytes;
    Some(record)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::Entry;
    use rustc_hash::FxHashMap;

    fn entry(len: u64, secs: u64, nanos: u32, key: Option<&str>) -> Entry {
        Entry {
            len,
            mtime: (secs, nanos),
            key: key.map(str::to_string),
        }
    }

    /// [`encode`] of `files` written afresh.
    fn enc(
        files: &[(String, Entry)],
        groups: &BTreeMap<String, Group>,
        stamp: Option<&Stamp>,
        plan: Option<&str>,
    ) -> Vec<u8> {
        let lines: Vec<Line> = files
            .iter()
            .map(|(p, e)| Line::New {
                path: p,
                len: e.len,
                mtime: e.mtime,
                key: e.key.as_deref(),
            })
            .collect();
        encode(&Record::default(), &lines, groups, stamp, plan)
    }

    fn dec(bytes: &[u8]) -> Option<Record> {
        decode(crate::mapped::FileBytes::Read(bytes.to_vec()))
    }

    /// The files a record holds, by path.
    fn files_of(r: &Record) -> FxHashMap<String, Entry> {
        (0..r.len() as u32)
            .map(|i| (r.path(i).to_string(), r.entry(i)))
            .collect()
    }

    fn sample() -> (Vec<(String, Entry)>, BTreeMap<String, Group>, Stamp) {
        let files = vec![
            (
                "2026/01/07/a b/index.html".to_string(),
                entry(15_544, 1_795_770_807, 794_038_274, Some("1f392c9b")),
            ),
            ("index.html".to_string(), entry(0, 0, 0, None)),
            (
                "search/t/61.json".to_string(),
                entry(u64::MAX, u64::MAX, 999_999_999, Some("ab")),
            ),
            // A path with a byte the one-pass check leaves to the slow one (C2, the lead
            // byte of `°`).
            ("t/25°C.html".to_string(), entry(3, 4, 5, Some("y"))),
            ("Особи/Кирило.html".to_string(), entry(7, 1, 2, Some("x"))),
        ];
        let mut groups = BTreeMap::new();
        groups.insert(
            "search".to_string(),
            Group {
                key: "ea13".into(),
                paths: vec!["search/t/61.json".into(), "index.html".into()],
            },
        );
        let stamp = Stamp {
            key: "44fa".into(),
            articles: 10_000,
            people: 998,
        };
        (files, groups, stamp)
    }

    #[test]
    fn what_is_written_is_read_back() {
        let (files, groups, stamp) = sample();
        let bytes = enc(&files, &groups, Some(&stamp), Some("9c0d"));
        let m = dec(&bytes).expect("decodes");
        let want: FxHashMap<String, Entry> = files.iter().cloned().collect();
        assert_eq!(files_of(&m), want);
        assert_eq!(m.groups, groups);
        assert_eq!(m.stamp, Some(stamp));
        assert_eq!(m.plan.as_deref(), Some("9c0d"));
        assert_eq!(m.text(), bytes.as_slice());
        // Without a stamp, plan or groups, and empty.
        let m = dec(&enc(&files, &BTreeMap::new(), None, None)).expect("decodes");
        assert_eq!(
            (m.len(), m.groups.len(), m.stamp, m.plan),
            (5, 0, None, None)
        );
        let m = dec(&enc(&[], &BTreeMap::new(), None, None)).expect("decodes");
        assert_eq!(m.len(), 0);
        assert_eq!(m.find("index.html"), None);
    }

    /// Many files, in path order, with numbers and keys of every width.
    fn many(n: u64) -> Vec<(String, Entry)> {
        let mut x = 0x51_7cc1_b727_220a_u64;
        let mut next = move |below: u64| {
            x = crate::testrand::xorshift(x);
            x % below.max(1)
        };
        let mut files: Vec<(String, Entry)> = (0..n)
            .map(|i| {
                let path = match i % 4 {
                    0 => format!("{}/{:02}/{i}/index.html", 2000 + i % 30, i % 12),
                    1 => format!("search/u/{i:x}.json"),
                    2 => format!("люди/особа-{i}/index.html"),
                    _ => format!("p{i}.html"),
                };
                let mut num = || match next(4) {
                    0 => 0,
                    1 => u64::MAX,
                    _ => next(u64::MAX) >> next(64),
                };
                let (len, secs) = (num(), num());
                let nanos = [0, 999_999_999, next(1_000_000_000) as u32][next(3) as usize];
                let key = (next(5) > 0).then(|| format!("{:x}", next(u64::MAX)));
                (path, entry(len, secs, nanos, key.as_deref()))
            })
            .collect();
        files.sort_by(|a, b| a.0.cmp(&b.0));
        files
    }

    #[test]
    fn every_file_is_found_by_its_path_and_no_other() {
        for n in [0, 1, 2, 3, 100, 2_000] {
            let files = many(n);
            let m = dec(&enc(&files, &BTreeMap::new(), None, None)).expect("decodes");
            assert_eq!(m.len() as u64, n);
            for (i, (p, e)) in files.iter().enumerate() {
                let found = m.find(p).unwrap_or_else(|| panic!("{p} not found"));
                assert_eq!(found, i as u32, "{p}");
                assert_eq!(m.path_bytes(found), p.as_bytes());
                // Found from any hint: its own place, next to it, far, or past the end.
                for near in [
                    i,
                    i + 1,
                    i.saturating_sub(3),
                    i + 4,
                    n as usize / 2,
                    usize::MAX,
                ] {
                    let near = u32::try_from(near).unwrap_or(u32::MAX);
                    assert_eq!(m.find_near(p, near), Some(found), "{p} near {near}");
                }
                assert_eq!(m.path(found), p);
                assert_eq!(&m.entry(found), e, "{p}");
                assert_eq!(m.key(found), e.key.as_deref());
                assert_eq!(m.stat(found), (e.len, e.mtime));
                for absent in [
                    format!("{p}x"),
                    format!("x{p}"),
                    p[..p.len() - 1].to_string(),
                ] {
                    if files.binary_search_by(|(q, _)| q.cmp(&absent)).is_err() {
                        assert_eq!(m.find(&absent), None, "{absent}");
                        assert_eq!(m.find_near(&absent, i as u32), None, "{absent}");
                    }
                }
            }
            assert_eq!(m.path_checked(n as u32), None);
        }
    }

    /// A line copied from the manifest read is what writing its entry afresh gives.
    #[test]
    fn copied_lines_are_what_a_fresh_encode_writes() {
        let (sample_files, groups, stamp) = sample();
        let mut files = many(1_500);
        files.extend(sample_files);
        files.sort_by(|a, b| a.0.cmp(&b.0));
        let bytes = enc(&files, &groups, Some(&stamp), Some("9c0d"));
        // With a line whose path is dropped, too.
        let text = String::from_utf8(bytes).expect("utf-8");
        let text = text.replacen("\nfile ", "\nfile 1 2 3 k ../out.html\nfile ", 1);
        let m = dec(text.as_bytes()).expect("decodes");
        assert_eq!(m.len(), files.len());
        let same: Vec<Line> = (0..m.len() as u32).map(Line::Same).collect();
        let copied = encode(&m, &same, &groups, Some(&stamp), Some("9c0d"));
        let entries: Vec<(String, Entry)> = (0..m.len() as u32)
            .map(|i| (m.path(i).to_string(), m.entry(i)))
            .collect();
        assert_eq!(entries, files);
        let fresh = enc(&entries, &groups, Some(&stamp), Some("9c0d"));
        assert_eq!(copied, fresh);
        // Mixed: every other line copied.
        let mixed: Vec<Line> = (0..m.len() as u32)
            .map(|i| {
                if i % 2 == 0 {
                    Line::Same(i)
                } else {
                    let (len, mtime) = m.stat(i);
                    Line::New {
                        path: m.path(i),
                        len,
                        mtime,
                        key: m.key(i),
                    }
                }
            })
            .collect();
        assert_eq!(
            encode(&m, &mixed, &groups, Some(&stamp), Some("9c0d")),
            fresh
        );
    }

    /// The manifest handed over in pieces is a fresh encode of the same entries, whatever
    /// lines are copied, new or gone; copied lines go as runs of the text read, not line by
    /// line; and it is known to equal the manifest read exactly when it does.
    #[test]
    fn pieces_give_the_fresh_encode_with_runs_of_copied_lines() {
        let (sample_files, groups, stamp) = sample();
        let mut files = many(2_000);
        files.extend(sample_files);
        files.sort_by(|a, b| a.0.cmp(&b.0));
        let m = dec(&enc(&files, &groups, Some(&stamp), Some("9c0d"))).expect("decodes");
        let n = m.len() as u32;
        let all: Vec<Line> = (0..n).map(Line::Same).collect();
        let mut count = 0;
        assert!(encode_pieces(
            &m,
            &all,
            &groups,
            Some(&stamp),
            Some("9c0d"),
            &mut |_| {
                count += 1;
                true
            }
        ));
        // The head, the run of every file line, the groups.
        assert_eq!(count, 3);
        let same = |files: &[Line], groups: &BTreeMap<String, Group>, plan| {
            encodes_to_old(&m, files, groups, Some(&stamp), Some(plan))
        };
        assert!(same(&all, &groups, "9c0d"));
        assert!(!same(&all, &groups, "9c0e"));
        assert!(!same(&all[1..], &groups, "9c0d"));
        assert!(!same(&all, &BTreeMap::new(), "9c0d"));
        let mut x = 0x2545_f491_4f6c_dd1d_u64;
        for round in 0..40 {
            // Each file copied, written anew (with other numbers) or gone; a few new paths.
            let extra: Vec<String> = (0..3).map(|k| format!("{round}-{k}/new.html")).collect();
            let mut entries: Vec<(String, Option<u32>)> = (0..n)
                .map(|i| (m.path(i).to_string(), Some(i)))
                .chain(extra.iter().map(|p| (p.clone(), None)))
                .collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            let mut lines = Vec::new();
            let mut want: Vec<(String, Entry)> = Vec::new();
            for (path, i) in &entries {
                x = crate::testrand::xorshift(x);
                match (i, x % 7) {
                    (Some(_), 0) => {}
                    (Some(_), 1 | 2) | (None, _) => {
                        let e = entry(x % 1000, x % 77, (x % 1_000_000_000) as u32, Some("k"));
                        lines.push(Line::New {
                            path,
                            len: e.len,
                            mtime: e.mtime,
                            key: Some("k"),
                        });
                        want.push((path.clone(), e));
                    }
                    (Some(i), _) => {
                        lines.push(Line::Same(*i));
                        want.push((path.clone(), m.entry(*i)));
                    }
                }
            }
            let mut got = Vec::new();
            assert!(encode_pieces(
                &m,
                &lines,
                &groups,
                None,
                Some("77"),
                &mut |p| {
                    got.extend_from_slice(p);
                    true
                }
            ));
            assert_eq!(got, enc(&want, &groups, None, Some("77")), "round {round}");
            assert!(!encodes_to_old(&m, &lines, &groups, None, Some("77")));
            // A `put` that gives up stops it.
            let mut calls = 0;
            assert!(!encode_pieces(&m, &lines, &groups, None, None, &mut |_| {
                calls += 1;
                calls < 2
            }));
            assert_eq!(calls, 2);
        }
    }

    #[test]
    fn pieces_are_whole_lines_and_decode_alike_at_any_size() {
        let (mut files, groups, stamp) = sample();
        for i in 0..300 {
            files.push((format!("p/{i:03}/index.html"), entry(i, i, 0, Some("k"))));
        }
        files.sort_by(|a, b| a.0.cmp(&b.0));
        let good =
            String::from_utf8(enc(&files, &groups, Some(&stamp), Some("9c0d"))).expect("utf-8");
        let body = good.strip_prefix(HEADER).expect("header");
        let body = &body[1..];
        let whole = dec(good.as_bytes()).expect("decodes");
        for size in [1, 2, 7, 64, 1000, 1 << 20] {
            let parts = pieces(body, size);
            assert_eq!(parts.concat(), body, "size {size}");
            assert!(parts.iter().all(|p| p.ends_with('\n')), "size {size}");
            let m = decode_in(
                crate::mapped::FileBytes::Read(good.as_bytes().to_vec()),
                size,
            )
            .expect("decodes");
            assert_eq!(
                (files_of(&m), &m.groups, &m.stamp, &m.plan),
                (files_of(&whole), &whole.groups, &whole.stamp, &whole.plan),
                "size {size}"
            );
            // A member before its group's line, a second stamp or files out of order are
            // refused in any piece.
            let late = good.replacen("stamp", "member index.html\nstamp", 1);
            assert!(
                decode_in(crate::mapped::FileBytes::Read(late.into_bytes()), size).is_none(),
                "size {size}"
            );
            let twice = format!("{good}stamp 44fa 1 2\n");
            assert!(
                decode_in(crate::mapped::FileBytes::Read(twice.into_bytes()), size).is_none(),
                "size {size}"
            );
            let swapped = good.replacen("p/100/", "p/200/", 1);
            assert!(
                decode_in(crate::mapped::FileBytes::Read(swapped.into_bytes()), size).is_none(),
                "size {size}"
            );
        }
        assert_eq!(whole.len(), 305);
    }

    #[test]
    fn keys_that_cannot_be_one_field_are_left_out() {
        let (mut files, mut groups, mut stamp) = sample();
        files[0].1.key = Some("two words".into());
        files[1].1.key = Some("-".into());
        files[2].1.key = Some(String::new());
        stamp.key = "a\nstamp 1 2 3".into();
        groups.get_mut("search").expect("group").key = "x y".into();
        let m = dec(&enc(&files, &groups, Some(&stamp), Some("p q"))).expect("decodes");
        let got = files_of(&m);
        assert_eq!(got.len(), 5);
        for (p, _) in &files[..3] {
            assert_eq!(got[p].key, None, "{p}");
        }
        assert_eq!(got[&files[4].0].key.as_deref(), Some("x"));
        assert!(m.stamp.is_none() && m.groups.is_empty() && m.plan.is_none());
    }

    #[test]
    fn anything_else_is_refused_whole() {
        let (files, groups, stamp) = sample();
        let good =
            String::from_utf8(enc(&files, &groups, Some(&stamp), Some("9c0d"))).expect("utf-8");
        let whole = dec(good.as_bytes()).expect("decodes");
        let whole_files = files_of(&whole);
        // Every cut short of the end is refused, but for the cuts at a line's end: those give
        // the lines before the cut, no other entry.
        for cut in 0..good.len() {
            if !good.is_char_boundary(cut) {
                continue;
            }
            let part = &good[..cut];
            if part.ends_with('\n') && part.len() > HEADER.len() {
                let m = dec(part.as_bytes()).expect("a cut at a line's end decodes");
                for (p, e) in files_of(&m) {
                    assert_eq!(whole_files.get(&p), Some(&e), "cut at {cut}");
                    assert!(part.contains(&format!(" {p}\n")), "cut at {cut}");
                }
                for (name, g) in &m.groups {
                    let all = &whole.groups[name];
                    assert_eq!(g.key, all.key);
                    assert!(all.paths.starts_with(&g.paths), "cut at {cut}");
                }
                continue;
            }
            assert!(dec(part.as_bytes()).is_none(), "cut at {cut}: {part:?}");
        }
        let first = "file 15544 1795770807 794038274 1f392c9b 2026/01/07/a b/index.html\n";
        assert!(good.contains(first));
        let bad = [
            good.replacen("manifest 3", "manifest 2", 1),
            good.replacen("file 15544", "file +15544", 1),
            good.replacen("file 15544", "file 15a44", 1),
            good.replacen("file 15544", "file 015544", 1),
            good.replacen("file 0 0 0", "file 00 0 0", 1),
            good.replacen(" 999999999 ", " 1000000000 ", 1),
            good.replacen("18446744073709551615", "18446744073709551616", 1),
            good.replacen("stamp 44fa 10000 998", "stamp 44fa 10000", 1),
            good.replacen("stamp 44fa 10000 998", "stamp 44fa 10000 0998", 1),
            good.replacen("stamp", "stamps", 1),
            good.replacen("file 15544 ", "file 15544  ", 1),
            good.replacen(" 1f392c9b ", " 1f39\t2c9b ", 1),
            format!("{good}stamp k 1 2\n"),
            format!("{good}plan 9c0d\n"),
            good.replacen("plan 9c0d", "plan 9c 0d", 1),
            format!("{good}member index.html\n").replacen("group ea13 search\n", "", 1),
            format!("{good}\n"),
            // Out of order: files, a file twice, a file after the groups, the plan before
            // the stamp, a group twice.
            good.replacen(first, "", 1).replacen(
                "file 0 0 0 - index.html\n",
                &format!("file 0 0 0 - index.html\n{first}"),
                1,
            ),
            good.replacen(first, &format!("{first}{first}"), 1),
            format!("{good}file 1 2 3 k zzz.html\n"),
            good.replacen(
                "stamp 44fa 10000 998\nplan 9c0d\n",
                "plan 9c0d\nstamp 44fa 10000 998\n",
                1,
            ),
            format!("{good}group ea13 search\n"),
            "{\"version\":2,\"files\":{}}".to_string(),
            String::new(),
        ];
        for b in &bad {
            assert_ne!(b, &good);
            assert!(dec(b.as_bytes()).is_none(), "{b:?}");
        }
        assert!(dec(b"litopys-manifest 3\n\xff\n").is_none());
    }

    #[test]
    fn paths_that_are_not_output_paths_and_groups_with_unknown_members_are_dropped() {
        let (files, groups, stamp) = sample();
        let good = String::from_utf8(enc(&files, &groups, Some(&stamp), None)).expect("utf-8");
        let outside = good.replacen("file", "file 1 2 3 k ../victim.txt\nfile", 1);
        // (In path order: lines out of order are refused whole.)
        let outside = outside.replacen(
            "../victim.txt\n",
            "../victim.txt\nfile 1 2 3 k /etc/hostname\n",
            1,
        );
        let m = dec(outside.as_bytes()).expect("decodes");
        assert_eq!(m.len(), 5);
        assert_eq!(m.find("../victim.txt"), None);
        assert_eq!(m.find("/etc/hostname"), None);
        assert_eq!(m.groups, groups);
        // A member whose file was dropped drops its group.
        let dropped = good.replacen("file 0 0 0 - index.html", "file 0 0 0 - index.html/", 1);
        let m = dec(dropped.as_bytes()).expect("decodes");
        assert_eq!(m.len(), 4);
        assert!(m.groups.is_empty());
        let unknown = good.replacen("member index.html", "member elsewhere.html", 1);
        let m = dec(unknown.as_bytes()).expect("decodes");
        assert!(m.groups.is_empty());
        assert_eq!(m.len(), 5);
    }
}
