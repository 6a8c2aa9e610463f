//! The surname table in the form the build script writes it: one open-addressing hash table
//! over the lower-cased keys of the two shipped surname lists (`data/names`), with each key's
//! rank and list membership.
//!
//! This file stands alone (no `crate::` or `super::` paths) because `build.rs` compiles it too
//! (`#[path]`): the build script calls [`build`] on the shipped lists and writes the two byte
//! strings to `OUT_DIR`, which [`super::names`] embeds with `include_bytes!`, so a process
//! reads the table where the binary maps it instead of lower-casing and hashing some 100,000
//! surnames at start-up. The same [`build`] serves tests on other lists, and the tests of
//! [`super::names`] check the embedded bytes against it and its answers against the plain
//! per-key construction.
//!
//! Layout: `keys` is every distinct key, one after the other (UTF-8, no separators); `slots`
//! is a power of two of [`SLOT`]-byte slots, each empty ([`EMPTY`] start) or
//! `start: u32, len: u16, lex: u8, tag: u8, rank: u32` (little-endian), found by [`hash`]
//! and linear probing.

// The build script uses only part of this module.
#![allow(dead_code)]

use std::collections::HashMap;

/// Bytes per slot.
pub const SLOT: usize = 12;
/// The start of an empty slot.
pub const EMPTY: u32 = u32::MAX;
/// The rank of a key no rank is known for (only in the lexicon's sets).
pub const NO_RANK: u32 = u32::MAX;
/// Number of entries in the strong (top) surname list; the full list's ranks start here.
pub const TOP_SURNAMES: u32 = 5000;
/// Lexicon bit: in the top list.
pub const IN_TOP: u8 = 1;
/// Lexicon bit: in the full list.
pub const IN_ALL: u8 = 2;

/// One character of the gazetteer key (`names::key`): lower case, apostrophes unified to
/// U+02BC, the dashes U+2010, U+2011 and U+2013 to `-`.
#[inline]
pub fn push_rank_key_char(out: &mut String, c: char) {
    match c {
        '\'' | '\u{2019}' | '\u{2018}' | '`' | '\u{00B4}' | '\u{02BC}' => out.push('\u{02BC}'),
        '\u{2010}' | '\u{2011}' | '\u{2013}' => out.push('-'),
        'А'..='Я' => out.push(char::from_u32(c as u32 + 0x20).unwrap_or(c)),
        'Є' | 'І' | 'Ї' | 'Ё' => out.push(char::from_u32(c as u32 + 0x50).unwrap_or(c)),
        'Ґ' => out.push('ґ'),
        // Already lower case (the common case in lookups): no table search.
        'а'..='я' | 'ѐ'..='џ' | 'ґ' => out.push(c),
        c if c.is_ascii() => out.push(c.to_ascii_lowercase()),
        _ => out.extend(c.to_lowercase()),
    }
}

/// One character of the extraction lexicon's key (`lexicon::lower_key`): lower case with
/// apostrophes unified to U+02BC (dashes kept).
#[inline]
pub fn push_lower_key_char(out: &mut String, c: char) {
    match c {
        '\'' | '’' | '‘' | '`' | '´' | 'ʼ' => out.push('ʼ'),
        'А'..='Я' => out.push(char::from_u32(c as u32 + 0x20).unwrap_or(c)),
        'Ѐ'..='Џ' => out.push(char::from_u32(c as u32 + 0x50).unwrap_or(c)),
        'а'..='я' | 'ѐ'..='џ' | 'a'..='z' => out.push(c),
        'Ґ' => out.push('ґ'),
        'A'..='Z' => out.push(c.to_ascii_lowercase()),
        _ => out.extend(c.to_lowercase()),
    }
}

/// The hash of a key: FxHash-style rounds over 8-byte words, seeded with the length, and a
/// final mix so that the high bits (the slot index) and the low byte (the tag) depend on every
/// byte. A key of 8 bytes or more ends with its last 8 bytes as one word (overlapping the word
/// before it), a shorter key is one zero-padded word: no copy of a variable length.
#[inline]
pub fn hash(b: &[u8]) -> u64 {
    const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
    let round = |h: u64, w: u64| (h.rotate_left(5) ^ w).wrapping_mul(K);
    let word = |c: &[u8]| {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        u64::from_le_bytes(w)
    };
    let len = b.len();
    let mut h = len as u64;
    match len.checked_sub(8) {
        Some(last) => {
            // Whole words from the start while they begin before the last word (the final
            // one may overlap it), then the last word.
            let mut i = 0;
            while i < last {
                h = round(h, word(&b[i..i + 8]));
                i += 8;
            }
            h = round(h, word(&b[last..]));
        }
        None => {
            let mut w = 0u64;
            for (j, &x) in b.iter().enumerate() {
                w |= u64::from(x) << (8 * j);
            }
            h = round(h, w);
        }
    }
    h ^ (h >> 32)
}

/// The slot index bits of a table of `slots` slots (a power of two).
fn index(h: u64, slots: usize) -> usize {
    (h.rotate_left(32) as usize) & (slots - 1)
}

/// The tag byte of a hash.
fn tag(h: u64) -> u8 {
    (h >> 56) as u8
}

/// Reads a little-endian `u32` at `at` (0 when out of range: not reached on a table made by
/// [`build`]).
#[inline]
fn u32_at(b: &[u8], at: usize) -> u32 {
    match b.get(at..at + 4) {
        Some(&[a, b2, c, d]) => u32::from_le_bytes([a, b2, c, d]),
        _ => 0,
    }
}

/// Looks `k` up in a table made by [`build`]: its (rank, lexicon bits), or `None`.
#[inline]
pub fn find(keys: &[u8], slots: &[u8], k: &[u8]) -> Option<(u32, u8)> {
    let n = slots.len() / SLOT;
    if n == 0 || k.len() > usize::from(u16::MAX) {
        return None;
    }
    let h = hash(k);
    let t = tag(h);
    let mut i = index(h, n);
    loop {
        let s = slots.get(i * SLOT..i * SLOT + SLOT)?;
        let start = u32_at(s, 0);
        if start == EMPTY {
            return None;
        }
        if s[7] == t && usize::from(u16::from_le_bytes([s[4], s[5]])) == k.len() {
            let start = start as usize;
            if keys.get(start..start + k.len()) == Some(k) {
                return Some((u32_at(s, 8), s[6]));
            }
        }
        i = (i + 1) & (n - 1);
    }
}

/// Every filled slot of a table: (key, rank, lexicon bits), in slot order.
pub fn entries<'a>(keys: &'a [u8], slots: &'a [u8]) -> impl Iterator<Item = (&'a [u8], u32, u8)> {
    slots.chunks_exact(SLOT).filter_map(move |s| {
        let start = u32_at(s, 0);
        if start == EMPTY {
            return None;
        }
        let start = start as usize;
        let len = usize::from(u16::from_le_bytes([s[4], s[5]]));
        Some((keys.get(start..start + len)?, u32_at(s, 8), s[6]))
    })
}

/// Builds the table (keys, slots) of a top list and a full list (one surname a line).
///
/// A line's gazetteer key ([`push_rank_key_char`] of the trimmed line) gets its rank: the
/// line number in the top list, else [`TOP_SURNAMES`] + the line number in the full list
/// (the first wins). Its lexicon key ([`push_lower_key_char`]) gets the list's bit. The two
/// keys differ only on the dashes U+2010, U+2011 and U+2013, so a line with such a dash makes
/// a second, lexicon-only key ([`NO_RANK`]).
pub fn build(top: &str, all: &str) -> (Vec<u8>, Vec<u8>) {
    // Distinct keys in order of first appearance, with what the lists say about each.
    let mut order: Vec<String> = Vec::new();
    let mut info: HashMap<String, (u32, u8)> = HashMap::new();
    let mut note = |k: String, rank: u32, lex: u8| {
        let e = info.entry(k.clone()).or_insert_with(|| {
            order.push(k);
            (NO_RANK, 0)
        });
        if e.0 == NO_RANK {
            e.0 = rank;
        }
        e.1 |= lex;
    };
    for (text, first_rank, lex) in [(top, 0, IN_TOP), (all, TOP_SURNAMES, IN_ALL)] {
        for (n, line) in text.lines().enumerate() {
            let t = line.trim();
            if t.is_empty() {
                continue;
            }
            let rank = first_rank + n as u32;
            let mut rank_key = String::new();
            t.chars().for_each(|c| push_rank_key_char(&mut rank_key, c));
            if t.contains(['\u{2010}', '\u{2011}', '\u{2013}']) {
                let mut lex_key = String::new();
                t.chars().for_each(|c| push_lower_key_char(&mut lex_key, c));
                note(rank_key, rank, 0);
                note(lex_key, NO_RANK, lex);
            } else {
                note(rank_key, rank, lex);
            }
        }
    }
    let entries = order.into_iter().map(|k| {
        let (rank, lex) = info.get(&k).copied().unwrap_or((NO_RANK, 0));
        (k, rank, lex)
    });
    table(entries)
}

/// The table (keys, slots) of distinct keys with their rank and lexicon bits, slotted in the
/// given order (the same entries in the same order make the same bytes).
pub fn table(entries: impl ExactSizeIterator<Item = (String, u32, u8)>) -> (Vec<u8>, Vec<u8>) {
    let n = (entries.len() * 2).next_power_of_two().max(8);
    let mut keys: Vec<u8> = Vec::new();
    let mut slots: Vec<u8> = [EMPTY.to_le_bytes(), [0; 4], [0; 4]].concat().repeat(n);
    for (k, rank, lex) in entries {
        let b = k.as_bytes();
        // A key longer than a slot can say is left out (none is near: words are short).
        let Ok(len) = u16::try_from(b.len()) else {
            continue;
        };
        let h = hash(b);
        let mut i = index(h, n);
        while u32_at(&slots, i * SLOT) != EMPTY {
            i = (i + 1) & (n - 1);
        }
        let s = &mut slots[i * SLOT..i * SLOT + SLOT];
        s[0..4].copy_from_slice(&(keys.len() as u32).to_le_bytes());
        s[4..6].copy_from_slice(&len.to_le_bytes());
        s[6] = lex;
        s[7] = tag(h);
        s[8..12].copy_from_slice(&rank.to_le_bytes());
        keys.extend_from_slice(b);
    }
    (keys, slots)
}

/// Words to look up when testing a table against its reference: every prefix and suffix of
/// each `step`-th key, each such key with «а» appended, 50,000 words of random `letters` (the
/// same on every run, from `seed`) and the empty word. Most are not keys, which is where a bad
/// hash or comparison shows.
#[cfg(test)]
pub(crate) fn probes<'a>(
    keys: impl Iterator<Item = &'a String>,
    step: usize,
    seed: u64,
    letters: &str,
) -> Vec<String> {
    let mut probes: Vec<String> = Vec::new();
    for k in keys.step_by(step) {
        let chars: Vec<char> = k.chars().collect();
        for n in 1..chars.len() {
            probes.push(chars[..n].iter().collect());
            probes.push(chars[n..].iter().collect());
        }
        probes.push(format!("{k}а"));
    }
    // A small linear congruential generator.
    let mut x = seed;
    let letters: Vec<char> = letters.chars().collect();
    for _ in 0..50_000 {
        x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        let len = 1 + (x >> 60) as usize;
        let w: String = (0..len)
            .map(|i| letters[((x >> (i * 5 % 59)) as usize) % letters.len()])
            .collect();
        probes.push(w);
    }
    probes.push(String::new());
    probes
}
