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
//! [`super::validate_path`]). A key is a digest (no spaces), `-` for none. `member` lines
//! belong to the `group` line before them. `plan` names the digest of the render plan written
//! with the manifest (`super::PLAN_FILE`). The writer puts files in path order and groups in
//! name order. A manifest that does not follow this exactly (another version, a line cut
//! short, a number that does not parse) is refused whole: there is then no record, and the
//! next write compares bytes instead. Entries whose path is not a valid output path are
//! dropped (a hand-edited manifest cannot point outside), and so is a group with a member the
//! manifest does not list.

use super::{validate_path, Entry, Group, Stamp};
use rustc_hash::FxHashMap;
use std::collections::BTreeMap;

/// The first line: the format and its version.
const HEADER: &str = "litopys-manifest 3";

/// What a manifest records.
#[derive(Debug, Default)]
pub(super) struct Manifest {
    pub files: FxHashMap<String, Entry>,
    pub groups: BTreeMap<String, Group>,
    pub stamp: Option<Stamp>,
    /// The digest of the render plan written with it.
    pub plan: Option<String>,
}

/// Whether `key` can be written as one field.
fn plain_key(key: &str) -> bool {
    !key.is_empty() && key != "-" && !key.bytes().any(|b| b <= b' ' || b == 0x7f)
}

fn push_num(out: &mut Vec<u8>, n: u64) {
    out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
}

/// Encodes a manifest of `files` (sorted by path, each path once), `groups` and `stamp`. A key
/// that cannot be written as one field is left out (the page is then rendered again next
/// time); so is a stamp or group whose key cannot, or a group whose name holds a line break.
pub(super) fn encode(
    files: &[(String, Entry)],
    groups: &BTreeMap<String, Group>,
    stamp: Option<&Stamp>,
    plan: Option<&str>,
) -> Vec<u8> {
    let mut out = Vec::with_capacity(64 + files.len() * 128);
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
    for (path, e) in files {
        out.extend_from_slice(b"file ");
        push_num(&mut out, e.len);
        out.push(b' ');
        push_num(&mut out, e.mtime.0);
        out.push(b' ');
        push_num(&mut out, u64::from(e.mtime.1));
        out.push(b' ');
        match e.key.as_deref().filter(|k| plain_key(k)) {
            Some(k) => out.extend_from_slice(k.as_bytes()),
            None => out.push(b'-'),
        }
        out.push(b' ');
        out.extend_from_slice(path.as_bytes());
        out.push(b'\n');
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
    out
}

/// Splits off the first space-separated field of `rest`.
fn field<'a>(rest: &mut &'a str) -> Option<&'a str> {
    let (f, r) = rest.split_once(' ')?;
    *rest = r;
    Some(f)
}

fn num<T: std::str::FromStr>(s: &str) -> Option<T> {
    // `parse` accepts a leading '+'; the writer never writes one.
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// A key field: `None` for `-`.
fn key(s: &str) -> Option<Option<String>> {
    if s == "-" {
        Some(None)
    } else if plain_key(s) {
        Some(Some(s.to_string()))
    } else {
        None
    }
}

/// One line of a manifest, parsed on its own (what needs other lines is left to [`decode`]).
enum Line<'a> {
    /// A file's entry; none when its path is not an output path (the entry is dropped).
    File(Option<(String, Entry)>),
    Stamp(Stamp),
    Plan(&'a str),
    /// A group's key and name.
    Group(&'a str, &'a str),
    Member(&'a str),
}

/// Parses one line (without its `\n`); `None` if it is not a line [`encode`] writes.
fn parse_line(line: &str) -> Option<Line<'_>> {
    let (kind, mut rest) = line.split_once(' ')?;
    Some(match kind {
        "file" => {
            let len = num(field(&mut rest)?)?;
            let secs = num(field(&mut rest)?)?;
            let nanos: u32 = num(field(&mut rest)?)?;
            if nanos >= 1_000_000_000 {
                return None;
            }
            let key = key(field(&mut rest)?)?;
            let path = rest;
            Line::File(validate_path(path).is_ok().then(|| {
                (
                    path.to_string(),
                    Entry {
                        len,
                        mtime: (secs, nanos),
                        key,
                    },
                )
            }))
        }
        "stamp" => {
            let k = field(&mut rest)?;
            let articles = num(field(&mut rest)?)?;
            let people = num(rest)?;
            if !plain_key(k) {
                return None;
            }
            Line::Stamp(Stamp {
                key: k.to_string(),
                articles,
                people,
            })
        }
        "plan" => {
            if !plain_key(rest) {
                return None;
            }
            Line::Plan(rest)
        }
        "group" => {
            let k = field(&mut rest)?;
            if !plain_key(k) {
                return None;
            }
            Line::Group(k, rest)
        }
        "member" => Line::Member(rest),
        _ => return None,
    })
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
/// Lines are parsed in parallel, in pieces; what ties them together (one stamp and plan,
/// members after their group and their files) is then checked in order.
pub(super) fn decode(bytes: &[u8]) -> Option<Manifest> {
    decode_in(bytes, PIECE_BYTES)
}

/// [`decode`] with pieces of about `piece` bytes.
fn decode_in(bytes: &[u8], piece: usize) -> Option<Manifest> {
    use rayon::prelude::*;
    let text = std::str::from_utf8(bytes).ok()?;
    let body = text.strip_prefix(HEADER)?.strip_prefix('\n')?;
    if !body.is_empty() && !body.ends_with('\n') {
        return None;
    }
    let parsed: Vec<Vec<Line>> = pieces(body, piece)
        .par_iter()
        .map(|piece| {
            piece
                .split_terminator('\n')
                .map(parse_line)
                .collect::<Option<Vec<Line>>>()
        })
        .collect::<Option<_>>()?;
    let mut m = Manifest::default();
    m.files.reserve(body.len() / 100);
    // The group whose members follow, and whether it is still whole.
    let mut open: Option<(String, Group, bool)> = None;
    let close = |open: &mut Option<(String, Group, bool)>, m: &mut Manifest| {
        if let Some((name, g, whole)) = open.take() {
            if whole {
                m.groups.insert(name, g);
            }
        }
    };
    for line in parsed.into_iter().flatten() {
        match line {
            Line::File(Some((path, entry))) => {
                m.files.insert(path, entry);
            }
            Line::File(None) => {}
            Line::Stamp(stamp) => {
                if m.stamp.is_some() {
                    return None;
                }
                m.stamp = Some(stamp);
            }
            Line::Plan(k) => {
                if m.plan.is_some() {
                    return None;
                }
                m.plan = Some(k.to_string());
            }
            Line::Group(k, name) => {
                close(&mut open, &mut m);
                let g = Group {
                    key: k.to_string(),
                    paths: Vec::new(),
                };
                open = Some((name.to_string(), g, true));
            }
            Line::Member(path) => {
                let (_, g, whole) = open.as_mut()?;
                // Files come before groups, so every member is known by now.
                if m.files.contains_key(path) {
                    g.paths.push(path.to_string());
                } else {
                    *whole = false;
                }
            }
        }
    }
    close(&mut open, &mut m);
    Some(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(len: u64, secs: u64, nanos: u32, key: Option<&str>) -> Entry {
        Entry {
            len,
            mtime: (secs, nanos),
            key: key.map(str::to_string),
        }
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
        let bytes = encode(&files, &groups, Some(&stamp), Some("9c0d"));
        let m = decode(&bytes).expect("decodes");
        let want: FxHashMap<String, Entry> = files.iter().cloned().collect();
        assert_eq!(m.files, want);
        assert_eq!(m.groups, groups);
        assert_eq!(m.stamp, Some(stamp));
        assert_eq!(m.plan.as_deref(), Some("9c0d"));
        // Without a stamp, plan or groups, and empty.
        let m = decode(&encode(&files, &BTreeMap::new(), None, None)).expect("decodes");
        assert_eq!(
            (m.files.len(), m.groups.len(), m.stamp, m.plan),
            (4, 0, None, None)
        );
        let m = decode(&encode(&[], &BTreeMap::new(), None, None)).expect("decodes");
        assert!(m.files.is_empty());
    }

    #[test]
    fn pieces_are_whole_lines_and_decode_alike_at_any_size() {
        let (mut files, groups, stamp) = sample();
        for i in 0..300 {
            files.push((format!("p/{i:03}/index.html"), entry(i, i, 0, Some("k"))));
        }
        files.sort_by(|a, b| a.0.cmp(&b.0));
        let good =
            String::from_utf8(encode(&files, &groups, Some(&stamp), Some("9c0d"))).expect("utf-8");
        let body = good.strip_prefix(HEADER).expect("header");
        let body = &body[1..];
        let whole = decode(good.as_bytes()).expect("decodes");
        for size in [1, 2, 7, 64, 1000, 1 << 20] {
            let parts = pieces(body, size);
            assert_eq!(parts.concat(), body, "size {size}");
            assert!(parts.iter().all(|p| p.ends_with('\n')), "size {size}");
            let m = decode_in(good.as_bytes(), size).expect("decodes");
            assert_eq!(
                (&m.files, &m.groups, &m.stamp, &m.plan),
                (&whole.files, &whole.groups, &whole.stamp, &whole.plan),
                "size {size}"
            );
            // A member before its group's line or a second stamp is refused in any piece.
            let late = good.replacen("stamp", "member index.html\nstamp", 1);
            assert!(decode_in(late.as_bytes(), size).is_none(), "size {size}");
            let twice = format!("{good}stamp 44fa 1 2\n");
            assert!(decode_in(twice.as_bytes(), size).is_none(), "size {size}");
        }
        assert_eq!(whole.files.len(), 304);
    }

    #[test]
    fn keys_that_cannot_be_one_field_are_left_out() {
        let (mut files, mut groups, mut stamp) = sample();
        files[0].1.key = Some("two words".into());
        files[1].1.key = Some("-".into());
        files[2].1.key = Some(String::new());
        stamp.key = "a\nstamp 1 2 3".into();
        groups.get_mut("search").expect("group").key = "x y".into();
        let m = decode(&encode(&files, &groups, Some(&stamp), Some("p q"))).expect("decodes");
        assert_eq!(m.files.len(), 4);
        for (p, _) in &files[..3] {
            assert_eq!(m.files[p].key, None, "{p}");
        }
        assert_eq!(m.files[&files[3].0].key.as_deref(), Some("x"));
        assert!(m.stamp.is_none() && m.groups.is_empty() && m.plan.is_none());
    }

    #[test]
    fn anything_else_is_refused_whole() {
        let (files, groups, stamp) = sample();
        let good =
            String::from_utf8(encode(&files, &groups, Some(&stamp), Some("9c0d"))).expect("utf-8");
        assert!(decode(good.as_bytes()).is_some());
        // Every cut short of the end (but for the cuts at a line's end) is refused.
        for cut in 0..good.len() {
            if !good.is_char_boundary(cut) {
                continue;
            }
            let part = &good[..cut];
            if part.ends_with('\n') && part.len() > HEADER.len() {
                continue;
            }
            assert!(decode(part.as_bytes()).is_none(), "cut at {cut}: {part:?}");
        }
        let bad = [
            good.replacen("manifest 3", "manifest 2", 1),
            good.replacen("file 15544", "file +15544", 1),
            good.replacen("file 15544", "file 15a44", 1),
            good.replacen(" 999999999 ", " 1000000000 ", 1),
            good.replacen("stamp 44fa 10000 998", "stamp 44fa 10000", 1),
            good.replacen("stamp", "stamps", 1),
            good.replacen("file 15544 ", "file 15544  ", 1),
            format!("{good}stamp k 1 2\n"),
            format!("{good}plan 9c0d\n"),
            good.replacen("plan 9c0d", "plan 9c 0d", 1),
            format!("{good}member index.html\n").replacen("group ea13 search\n", "", 1),
            format!("{good}\n"),
            "{\"version\":2,\"files\":{}}".to_string(),
            String::new(),
        ];
        for b in &bad {
            assert!(decode(b.as_bytes()).is_none(), "{b:?}");
        }
        assert!(decode(b"litopys-manifest 3\n\xff\n").is_none());
    }

    #[test]
    fn paths_that_are_not_output_paths_and_groups_with_unknown_members_are_dropped() {
        let (files, groups, stamp) = sample();
        let good = String::from_utf8(encode(&files, &groups, Some(&stamp), None)).expect("utf-8");
        let outside = good.replacen("group", "file 1 2 3 k ../victim.txt\ngroup", 1);
        let outside = outside.replacen("group", "file 1 2 3 k /etc/hostname\ngroup", 1);
        let m = decode(outside.as_bytes()).expect("decodes");
        assert_eq!(m.files.len(), 4);
        assert_eq!(m.groups, groups);
        let unknown = good.replacen("member index.html", "member elsewhere.html", 1);
        let m = decode(unknown.as_bytes()).expect("decodes");
        assert!(m.groups.is_empty());
        assert_eq!(m.files.len(), 4);
    }
}
