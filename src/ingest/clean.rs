//! Cleaning decoded raw text into paragraphs.
//!
//! In order: line endings → `\n`; stress marks (U+0301 after a Cyrillic letter) and
//! invisible characters (zero-width spaces and joiners, BOMs, soft hyphens, direction marks
//! and bidirectional overrides, control characters other than tab and line feed) removed;
//! NFC; Latin look-alike letters inside Cyrillic words replaced by their Cyrillic twins
//! («Kиїв» with a Latin K → «Київ», see `fix_words`); apostrophes inside words (`'` `’` `‘` `` ` `` `ʼ` `´`) → `ʼ` (U+02BC, the
//! Ukrainian orthographic apostrophe); runs of whitespace → one space, lines trimmed;
//! boilerplate lines dropped (see [`is_boilerplate`]); lines grouped into paragraphs.
//!
//! Paragraphs are separated by blank lines. Inside a block of consecutive lines, a line
//! break that ends a sentence («…мир.» then «Про це…») also ends the paragraph, so texts
//! written one paragraph (or one sentence) per line keep that structure; a line break inside
//! a sentence (hard-wrapped text) is joined with a space. Paragraphs with no letter or
//! digit («* * *», «—») are dropped.

use super::decode::{block_mask, find_byte, is_alphabetic};
use crate::nfc::nfc_anywhere;
use crate::people::cyrillic_twin;
use std::borrow::Cow;
use std::cell::RefCell;
use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

/// Cleans `text` into paragraphs, dropping lines that match `boilerplate` patterns.
///
/// The patterns are prepared once per thread and list: ingest cleans every raw text with
/// the same list.
pub fn clean(text: &str, boilerplate: &[String]) -> Vec<String> {
    thread_local! {
        static PREPARED: RefCell<(Vec<String>, Vec<Pattern>)> =
            const { RefCell::new((Vec::new(), Vec::new())) };
    }
    PREPARED.with(|cell| {
        let mut cell = cell.borrow_mut();
        if cell.0 != boilerplate {
            *cell = (
                boilerplate.to_vec(),
                boilerplate.iter().map(|p| Pattern::new(p)).collect(),
            );
        }
        clean_with(text, &cell.1)
    })
}

/// [`clean`] with prepared patterns.
fn clean_with(text: &str, boilerplate: &[Pattern]) -> Vec<String> {
    let text = normalize_chars(text);
    let mut paragraphs: Vec<String> = Vec::new();
    let mut current: Option<String> = None;
    let finish = |current: &mut Option<String>, paragraphs: &mut Vec<String>| {
        if let Some(p) = current.take() {
            if p.chars().any(char::is_alphanumeric) {
                paragraphs.push(p);
            }
        }
    };
    for raw_line in split_lines(&text) {
        let line = collapse_whitespace(raw_line);
        if line.is_empty() || matches_any(&line, boilerplate) {
            finish(&mut current, &mut paragraphs);
            continue;
        }
        match current.as_mut() {
            Some(p) if !ends_paragraph(p, &line) => {
                p.push(' ');
                p.push_str(&line);
            }
            _ => {
                finish(&mut current, &mut paragraphs);
                current = Some(line.into_owned());
            }
        }
    }
    finish(&mut current, &mut paragraphs);
    paragraphs
}

/// The lines of `text`: what `text.split('\n')` gives (an empty last line after a final
/// line feed, one empty line for empty text), each line feed found by [`find_byte`].
fn split_lines(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let r = rest?;
        match find_byte(r.as_bytes(), b'\n') {
            Some(i) => {
                rest = r.get(i + 1..);
                r.get(..i)
            }
            None => {
                rest = None;
                Some(r)
            }
        }
    })
}

/// Line endings, invisible characters, stress marks, NFC, Latin look-alikes and apostrophes.
pub fn normalize_chars(text: &str) -> String {
    let (stripped, all_starters) = strip_invisible(text);
    // Fast path: text that passes the NFC quick check is in NFC already.
    let nfc = if all_starters || is_nfc_quick(stripped.chars()) == IsNormalized::Yes {
        stripped
    } else {
        stripped.nfc().collect()
    };
    fix_words(nfc)
}

/// Line endings → `\n`, invisible characters and stress marks removed (the first steps of
/// [`normalize_chars`]), and whether every character left is [`nfc_anywhere`]. Copies
/// the text in stretches between the characters it removes or replaces.
fn strip_invisible(text: &str) -> (String, bool) {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut all_starters = true;
    // Whether a stress mark here goes: it follows a Cyrillic letter (or starts the text).
    let mut stress_goes = true;
    // Start of the stretch not yet copied.
    let mut last = 0;
    let mut i = 0;
    while i < bytes.len() {
        // Sixteen bytes at a time up to the first that needs a look: an ASCII control (but
        // tab and line feed), DEL, or the lead byte of a character other than ASCII and
        // Cyrillic U+0400..=U+047F. What comes before it is kept as it is, NFC starters all.
        if bytes.len() - i >= 16 {
            let flags = block_mask(bytes, i, |_, b| {
                (b < 0x20) & (b != b'\t') & (b != b'\n')
                    | (b == 0x7F)
                    | (b > 0xD1)
                    | (b.wrapping_sub(0xC0) < 0x10)
            });
            let skip = if flags == 0 {
                16
            } else {
                flags.trailing_zeros() as usize
            };
            if skip > 0 {
                i += skip;
                // A Cyrillic letter cut by the end of the sixteen bytes.
                if bytes.get(i).is_some_and(|&b| b & 0xC0 == 0x80) {
                    i += 1;
                }
                // The last character: ASCII, or a Cyrillic letter.
                stress_goes = bytes[i - 1] >= 0x80;
                continue;
            }
        }
        let b = bytes[i];
        // Fast paths: printable ASCII, tab and line feed; Cyrillic U+0400..=U+047F (lead
        // byte 0xD0 or 0xD1). Both are kept and are NFC starters.
        if matches!(b, b' '..=b'~' | b'\n' | b'\t') {
            stress_goes = false;
            i += 1;
            continue;
        }
        if b == 0xD0 || b == 0xD1 {
            stress_goes = true;
            i += 2;
            continue;
        }
        let Some(c) = text[i..].chars().next() else {
            break;
        };
        if c == '\r' {
            // «\r\n» and a lone «\r» are line breaks.
            out.push_str(&text[last..i]);
            out.push('\n');
            i += 1;
            if bytes.get(i) == Some(&b'\n') {
                i += 1;
            }
            last = i;
            stress_goes = false;
            continue;
        }
        let drop = match c {
            '\u{200B}'
            | '\u{200C}'
            | '\u{200D}'
            | '\u{2060}'
            | '\u{FEFF}'
            | '\u{00AD}'
            | '\u{200E}'
            | '\u{200F}'
            | '\u{180E}'
            | '\u{2061}'..='\u{2064}' => true,
            // Bidirectional embeddings, overrides and isolates: they reorder what a reader
            // sees ("Trojan Source") and mean nothing in a news text.
            '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{061C}' => true,
            // Control characters (NUL, bell, escape, C1…) other than tab and line feed.
            c if c.is_control() => true,
            '\u{0301}' => stress_goes,
            _ => false,
        };
        if drop {
            out.push_str(&text[last..i]);
            last = i + c.len_utf8();
        } else {
            all_starters = all_starters && nfc_anywhere(c);
            stress_goes = is_cyrillic_letter(c);
        }
        i += c.len_utf8();
    }
    out.push_str(&text[last..]);
    (out, all_starters)
}

/// One word (a run of letters and in-word apostrophes) of the text, for [`fix_words`].
#[derive(Clone, Copy)]
struct Word {
    /// Byte range in the text.
    start: usize,
    end: usize,
    /// One character long.
    single: bool,
    /// Has a Cyrillic letter (U+0400..=U+04FF).
    cyrillic: bool,
    /// Has an ASCII letter with a Cyrillic twin.
    latin_twins: bool,
    /// Has an ASCII letter without a twin.
    latin_other: bool,
    /// Has an apostrophe other than ʼ.
    apostrophe: bool,
}

impl Word {
    /// Whether every Latin letter of the word has a Cyrillic twin, and there is one.
    fn all_twins(&self) -> bool {
        self.latin_twins && !self.latin_other
    }
}

/// Replaces Latin look-alikes inside Cyrillic words and turns apostrophes inside words into
/// ʼ (U+02BC): the last steps of [`normalize_chars`].
///
/// A word is a run of letters and in-word apostrophes (an apostrophe followed by a letter).
/// In a word with at least one Cyrillic letter, whose every Latin letter has a Cyrillic twin,
/// the Latin letters become the twins. A one-letter Latin word with a twin between two
/// Cyrillic words («Зеленський i Буданов») becomes its twin too. Words with other Latin
/// letters («iPhone», «Kyiv») and Latin text stay as they are. An apostrophe between two
/// letters (exactly the apostrophes inside words) becomes ʼ. Returns `text` itself when
/// nothing changes.
fn fix_words(text: String) -> String {
    // Words that change: (word, replace look-alikes), in text order.
    let mut changes: Vec<(Word, bool)> = Vec::new();
    // The word before the current one.
    let mut prev: Option<Word> = None;
    // A one-letter word with a twin after a Cyrillic word: it changes when the next word
    // is Cyrillic too.
    let mut waiting: Option<Word> = None;
    let finish = |w: Word,
                  prev: &mut Option<Word>,
                  waiting: &mut Option<Word>,
                  changes: &mut Vec<(Word, bool)>| {
        if let Some(single) = waiting.take() {
            if w.cyrillic {
                changes.push((single, true));
            }
        }
        let inside = w.all_twins() && w.cyrillic;
        if inside || w.apostrophe {
            changes.push((w, inside));
        } else if w.all_twins() && w.single && prev.is_some_and(|p| p.cyrillic) {
            *waiting = Some(w);
        }
        *prev = Some(w);
    };
    let mut cur: Option<Word> = None;
    // In a word: whether an apostrophe not yet known to be inside it was just seen.
    let mut pending = false;
    let bytes = text.as_bytes();
    let mut next = 0;
    while next < bytes.len() {
        let i = next;
        let b = bytes[i];
        // (Looked for only where a non-ASCII character is at hand: in English text the next
        // word is mostly ASCII letters, taken below.)
        if cur.is_none()
            && waiting.is_none()
            && (b >= 0x80 || bytes.get(i + 1).is_some_and(|&n| n >= 0x80))
        {
            // A stretch of Cyrillic words U+0400..=U+047F between ASCII characters other than
            // letters and apostrophes changes nothing and leaves only a Cyrillic word as the
            // previous one: found sixteen bytes at a time, skipped up to its last whole
            // word.
            let mut end = i;
            while end < bytes.len() {
                let mask = block_mask(bytes, end, |_, b| {
                    ((b | 0x20).wrapping_sub(b'a') < 26)
                        | (b == b'\'')
                        | (b == b'`')
                        | (b > 0xD1)
                        | (b.wrapping_sub(0xC0) < 0x10)
                });
                if mask != 0 {
                    end += mask.trailing_zeros() as usize;
                    break;
                }
                end += 16;
            }
            let mut cut = end.min(bytes.len());
            while cut > i && bytes[cut - 1] >= 0x80 {
                cut -= 1;
            }
            if cut > i + 1 {
                // A letter in the stretch: the last one is in its last word.
                if bytes[i..cut].iter().rev().any(|&b| b >= 0x80) {
                    prev = Some(Word {
                        start: i,
                        end: cut,
                        single: false,
                        cyrillic: true,
                        latin_twins: false,
                        latin_other: false,
                        apostrophe: false,
                    });
                }
                next = cut;
                continue;
            }
        }
        if cur.is_none() {
            // Fast paths between words. An ASCII character other than a letter starts no word.
            if b < 0x80 && !b.is_ascii_alphabetic() {
                next = i + 1;
                continue;
            }
            // A word of two or more ASCII letters that ends at an ASCII character other than a
            // letter or an apostrophe (or at the end) is complete at once: Latin only, so it
            // changes nothing (English text is mostly such words).
            if b.is_ascii_alphabetic() {
                let end = bytes[i..]
                    .iter()
                    .position(|a| !a.is_ascii_alphabetic())
                    .map_or(bytes.len(), |k| i + k);
                let ends_here = match bytes.get(end) {
                    None => true,
                    Some(&a) => a < 0x80 && a != b'\'' && a != b'`',
                };
                if end - i >= 2 && ends_here {
                    let mut w = Word {
                        start: i,
                        end,
                        single: false,
                        cyrillic: false,
                        latin_twins: false,
                        latin_other: false,
                        apostrophe: false,
                    };
                    for &a in &bytes[i..end] {
                        add_to_word(&mut w, char::from(a));
                    }
                    finish(w, &mut prev, &mut waiting, &mut changes);
                    next = end;
                    continue;
                }
            }
            // A word of Cyrillic letters U+0400..=U+047F (lead byte 0xD0 or 0xD1) that ends
            // at an ASCII character other than a letter or an apostrophe (or at the end) is
            // complete at once: Cyrillic, one character long or not, nothing else.
            if b == 0xD0 || b == 0xD1 {
                let end = cyrillic_run_end(bytes, i);
                let ends_here = match bytes.get(end) {
                    None => true,
                    Some(&a) => a < 0x80 && !a.is_ascii_alphabetic() && a != b'\'' && a != b'`',
                };
                if ends_here {
                    let w = Word {
                        start: i,
                        end,
                        single: end - i == 2,
                        cyrillic: true,
                        latin_twins: false,
                        latin_other: false,
                        apostrophe: false,
                    };
                    finish(w, &mut prev, &mut waiting, &mut changes);
                    next = end;
                    continue;
                }
            }
        }
        // Decoded by hand for ASCII and for Cyrillic U+0400..=U+047F (lead byte 0xD0 or 0xD1,
        // all letters), the bulk of the text.
        let (c, alphabetic) = if b < 0x80 {
            (char::from(b), b.is_ascii_alphabetic())
        } else if b == 0xD0 || b == 0xD1 {
            let low = bytes.get(i + 1).map_or(0, |&t| u32::from(t & 0x3F));
            let c = char::from_u32((u32::from(b & 0x1F) << 6) | low);
            (c.unwrap_or(char::REPLACEMENT_CHARACTER), true)
        } else {
            let Some(c) = text[i..].chars().next() else {
                break;
            };
            (c, is_alphabetic(c))
        };
        next = i + c.len_utf8();
        if let Some(w) = cur.as_mut() {
            if alphabetic {
                w.apostrophe |= pending;
                pending = false;
                w.single = false;
                add_to_word(w, c);
                // The Cyrillic letters U+0400..=U+047F that follow (lead byte 0xD0 or 0xD1)
                // are taken at once: each would only mark the word Cyrillic.
                let end = cyrillic_run_end(bytes, next);
                if end > next {
                    w.cyrillic = true;
                    next = end;
                }
                w.end = next;
                continue;
            }
            if !pending && is_apostrophe(c) {
                pending = true;
                continue;
            }
            // The word ends (before a pending apostrophe).
            pending = false;
            if let Some(w) = cur.take() {
                finish(w, &mut prev, &mut waiting, &mut changes);
            }
        }
        if alphabetic {
            let mut w = Word {
                start: i,
                end: i + c.len_utf8(),
                single: true,
                cyrillic: false,
                latin_twins: false,
                latin_other: false,
                apostrophe: false,
            };
            add_to_word(&mut w, c);
            cur = Some(w);
        }
    }
    if let Some(w) = cur {
        finish(w, &mut prev, &mut waiting, &mut changes);
    }
    if changes.is_empty() {
        return text;
    }
    let mut out = String::with_capacity(text.len() + changes.len());
    let mut last = 0;
    for (w, lookalikes) in changes {
        out.push_str(&text[last..w.start]);
        for c in text[w.start..w.end].chars() {
            if is_apostrophe(c) {
                out.push('ʼ');
            } else if lookalikes && c.is_ascii_alphabetic() {
                out.push(cyrillic_twin(c).unwrap_or(c));
            } else {
                out.push(c);
            }
        }
        last = w.end;
    }
    out.push_str(&text[last..]);
    out
}

/// The end of the run of Cyrillic characters U+0400..=U+047F (lead byte 0xD0 or 0xD1, two
/// bytes each) that starts at byte offset `start` of `bytes` (valid UTF-8): `start` when
/// there is none. Eight bytes (four letters) are looked at at once while they all are.
#[inline]
fn cyrillic_run_end(bytes: &[u8], start: usize) -> usize {
    const LEADS: u64 = 0x00FE_00FE_00FE_00FE;
    const D0: u64 = 0x00D0_00D0_00D0_00D0;
    let mut end = start;
    while let Some(chunk) = bytes.get(end..end + 8) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        // Bytes 0, 2, 4, 6 are 0xD0 or 0xD1; each is followed by its continuation byte.
        if u64::from_le_bytes(word) & LEADS != D0 {
            break;
        }
        end += 8;
    }
    while matches!(bytes.get(end), Some(0xD0 | 0xD1)) {
        end += 2;
    }
    end
}

/// Records letter `c` of word `w` in its flags.
#[inline]
fn add_to_word(w: &mut Word, c: char) {
    if c.is_ascii_alphabetic() {
        if cyrillic_twin(c).is_some() {
            w.latin_twins = true;
        } else {
            w.latin_other = true;
        }
    } else if is_cyrillic_letter(c) {
        w.cyrillic = true;
    }
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’' | 'ʼ' | '‘' | '`' | '´')
}

fn is_cyrillic_letter(c: char) -> bool {
    ('\u{0400}'..='\u{04FF}').contains(&c)
}

/// Trims a line and turns every run of whitespace (tabs, no-break spaces…) into one space.
///
/// Whitespace is what [`char::is_whitespace`] says; works on bytes and decodes a character
/// only after a lead byte that can start a non-ASCII whitespace character (0xC2, 0xE1,
/// 0xE2, 0xE3), so Cyrillic letters are skipped two bytes at a time.
///
/// A line with no whitespace but single spaces between words (most lines) is given back as
/// it is, without a copy.
fn collapse_whitespace(line: &str) -> Cow<'_, str> {
    if is_collapsed(line) {
        Cow::Borrowed(line)
    } else {
        Cow::Owned(collapse_whitespace_owned(line))
    }
}

/// Whether [`collapse_whitespace`] leaves `line` as it is: no whitespace at either end,
/// none but single spaces inside. Bytes that can only start a character (spaces, ASCII
/// controls, the lead bytes of non-ASCII whitespace) are looked at; the rest are skipped
/// one at a time, as a lead byte never occurs inside another character.
fn is_collapsed(line: &str) -> bool {
    let bytes = line.as_bytes();
    if bytes.first() == Some(&b' ') || bytes.last() == Some(&b' ') {
        return false;
    }
    // Sixteen bytes at a time: two spaces in a row are no collapsed line; ASCII controls
    // and the lead bytes 0xC2 and 0xE0..=0xE3 (all non-ASCII whitespace starts with one)
    // are decoded and looked at.
    let mut k = 0;
    while k < bytes.len() {
        let mut look = block_mask(bytes, k, |prev, b| {
            (b < 0x20) | (b == 0xC2) | (b & 0xFC == 0xE0) | (b == b' ') & (prev == b' ')
        });
        while look != 0 {
            let j = k + look.trailing_zeros() as usize;
            look &= look - 1;
            if bytes[j] == b' '
                || line
                    .get(j..)
                    .and_then(|t| t.chars().next())
                    .is_some_and(char::is_whitespace)
            {
                return false;
            }
        }
        k += 16;
    }
    true
}

/// [`is_collapsed`] one byte at a time, but for the ends: the reference of its fast path.
#[cfg(test)]
fn is_collapsed_plain(line: &str) -> bool {
    /// Per byte: 0 nothing to see, 1 a space, 2 ASCII whitespace but the space, 3 a lead byte
    /// of non-ASCII whitespace (0xC2, 0xE1, 0xE2, 0xE3).
    static CLASS: [u8; 256] = {
        let mut t = [0u8; 256];
        t[b' ' as usize] = 1;
        let mut b = b'\t';
        while b <= b'\r' {
            t[b as usize] = 2;
            b += 1;
        }
        t[0xC2] = 3;
        t[0xE1] = 3;
        t[0xE2] = 3;
        t[0xE3] = 3;
        t
    };
    let bytes = line.as_bytes();
    let mut after_space = false;
    for (i, &b) in bytes.iter().enumerate() {
        match CLASS[usize::from(b)] {
            0 => {}
            1 => {
                if after_space {
                    return false;
                }
                after_space = true;
                continue;
            }
            2 => return false,
            _ => {
                if line[i..].chars().next().is_some_and(char::is_whitespace) {
                    return false;
                }
            }
        }
        after_space = false;
    }
    true
}

/// [`collapse_whitespace`] into a new string.
fn collapse_whitespace_owned(line: &str) -> String {
    let bytes = line.as_bytes();
    let mut out = String::with_capacity(line.len());
    // Start of the word being read.
    let mut word: Option<usize> = None;
    let mut i = 0;
    while i < bytes.len() {
        let lead = bytes[i];
        let (len, space) = match lead {
            0x00..=0x7F => (1, matches!(lead, b'\t'..=b'\r' | b' ')),
            0xC2 | 0xE1 | 0xE2 | 0xE3 => match line[i..].chars().next() {
                Some(c) => (c.len_utf8(), c.is_whitespace()),
                None => break,
            },
            0xC0..=0xDF => (2, false),
            0xE0..=0xEF => (3, false),
            _ => (4, false),
        };
        if space {
            if let Some(start) = word.take() {
                if !out.is_empty() {
                    out.push(' ');
                }
                out.push_str(&line[start..i]);
            }
        } else if word.is_none() {
            word = Some(i);
        }
        i += len;
    }
    if let Some(start) = word {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&line[start..]);
    }
    out
}

/// Whether a (trimmed, collapsed) line is boilerplate: it equals a pattern ignoring case and
/// surrounding space, or, for a pattern ending in `*`, starts with the rest of the pattern.
pub fn is_boilerplate(line: &str, patterns: &[String]) -> bool {
    let patterns: Vec<Pattern> = patterns.iter().map(|p| Pattern::new(p)).collect();
    matches_any(line, &patterns)
}

/// A boilerplate pattern prepared once (whitespace collapsed, lower case) for
/// [`matches_any`].
enum Pattern {
    /// The line must start with this (the pattern ended in `*`).
    Prefix(String),
    /// The line must equal this.
    Exact(String),
    /// An empty pattern (or a lone `*`): matches nothing.
    Never,
}

impl Pattern {
    /// Prepares one pattern as written in the configuration.
    fn new(pattern: &str) -> Pattern {
        let p = collapse_whitespace(pattern).to_lowercase();
        match p.strip_suffix('*') {
            Some(prefix) => {
                let prefix = prefix.trim_end();
                if prefix.is_empty() {
                    Pattern::Never
                } else {
                    Pattern::Prefix(prefix.to_string())
                }
            }
            None if p.is_empty() => Pattern::Never,
            None => Pattern::Exact(p),
        }
    }
}

/// [`is_boilerplate`] with prepared patterns: whether the lower-case `line`, trimmed, equals
/// an exact pattern or starts with a prefix pattern.
///
/// Compares character by character without building the lower-case line: the lower case of a
/// string is the lower case of each character in turn, except for «Σ» (final sigma), so a
/// line with «Σ» is lowercased whole.
fn matches_any(line: &str, patterns: &[Pattern]) -> bool {
    if patterns.is_empty() {
        return false;
    }
    let line = line.trim();
    if has_capital_sigma(line) {
        let line = line.to_lowercase();
        return patterns.iter().any(|p| match p {
            Pattern::Prefix(prefix) => line.starts_with(prefix.as_str()),
            Pattern::Exact(exact) => line == *exact,
            Pattern::Never => false,
        });
    }
    let lower = || line.chars().flat_map(char::to_lowercase);
    // The first character of the lower-case line, against the first of each pattern (most
    // lines differ there).
    let first = line.chars().next().and_then(|c| c.to_lowercase().next());
    patterns.iter().any(|p| match p {
        Pattern::Prefix(prefix) => {
            let mut l = lower();
            prefix.chars().next() == first && prefix.chars().all(|c| l.next() == Some(c))
        }
        Pattern::Exact(exact) => exact.chars().next() == first && lower().eq(exact.chars()),
        Pattern::Never => false,
    })
}

/// `line.contains('Σ')`, by looking for the byte 0xCE (the lead byte of U+0380..=U+03BF,
/// Σ among them: CE A3): Ukrainian text has none, where the standard search for a
/// character looks for its last byte (A3), which is also the second byte of every «У».
fn has_capital_sigma(line: &str) -> bool {
    let bytes = line.as_bytes();
    let mut from = 0;
    while let Some(i) = bytes.get(from..).and_then(|rest| find_byte(rest, 0xCE)) {
        if bytes.get(from + i + 1) == Some(&0xA3) {
            return true;
        }
        from += i + 1;
    }
    false
}

/// Whether the line break between `prev` (the paragraph so far) and `next` starts a new
/// paragraph: `prev` ends a sentence or a heading-like line, and `next` does not continue
/// it in lower case.
fn ends_paragraph(prev: &str, next: &str) -> bool {
    let Some(last) = prev.chars().last() else {
        return true;
    };
    let first = next.chars().next().unwrap_or(' ');
    if first.is_lowercase() {
        return false;
    }
    if matches!(
        last,
        '.' | '!' | '?' | '…' | ':' | ';' | '»' | '"' | '”' | ')'
    ) {
        return true;
    }
    if matches!(last, ',' | '-' | '–' | '—' | '(' | '«' | '„') {
        return false;
    }
    // A short line without final punctuation followed by a capitalised line is a headline,
    // a byline or a list item, unless it ends in a short lower-case word (a preposition or
    // conjunction: hard-wrapped text that goes on with a name).
    let last_word = prev.rsplit(' ').next().unwrap_or("");
    let dangling = last_word.chars().count() <= 3 && last_word.chars().all(char::is_lowercase);
    // At most 150 characters, without counting a long paragraph to its end.
    prev.chars().nth(150).is_none() && !dangling
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::DEFAULT_BOILERPLATE;
    use std::borrow::Cow;

    fn defaults() -> Vec<String> {
        DEFAULT_BOILERPLATE.iter().map(|s| s.to_string()).collect()
    }

    // The implementation before the single-pass rewrite: the reference for the tests below.
    /// Line endings, invisible characters, stress marks, NFC and apostrophes.
    fn normalize_chars_reference(text: &str) -> String {
        let text: Cow<str> = if text.contains('\r') {
            Cow::Owned(text.replace("\r\n", "\n").replace('\r', "\n"))
        } else {
            Cow::Borrowed(text)
        };
        // Stress marks go before NFC, which would otherwise fuse some of them with the letter
        // (г + U+0301 → ѓ).
        let mut stripped = String::with_capacity(text.len());
        let mut prev: Option<char> = None;
        for c in text.chars() {
            let drop = match c {
                '\u{200B}'
                | '\u{200C}'
                | '\u{200D}'
                | '\u{2060}'
                | '\u{FEFF}'
                | '\u{00AD}'
                | '\u{200E}'
                | '\u{200F}'
                | '\u{180E}'
                | '\u{2061}'..='\u{2064}' => true,
                // Bidirectional embeddings, overrides and isolates: they reorder what a reader
                // sees ("Trojan Source") and mean nothing in a news text.
                '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{061C}' => true,
                // Control characters (NUL, bell, escape, C1…) other than tab and line feed.
                c if c.is_control() && c != '\t' && c != '\n' => true,
                '\u{0301}' => prev.is_none_or(is_cyrillic_letter),
                _ => false,
            };
            if !drop {
                stripped.push(c);
                prev = Some(c);
            }
        }
        // Fast path: text that passes the NFC quick check is in NFC already.
        let chars: Vec<char> = if stripped.chars().all(nfc_anywhere)
            || is_nfc_quick(stripped.chars()) == IsNormalized::Yes
        {
            stripped.chars().collect()
        } else {
            stripped.nfc().collect()
        };
        let nfc: Vec<char> = fix_lookalikes_reference(&chars);
        let mut out = String::with_capacity(stripped.len());
        for (i, &c) in nfc.iter().enumerate() {
            if is_apostrophe(c)
                && i > 0
                && is_alphabetic(nfc[i - 1])
                && nfc.get(i + 1).is_some_and(|&n| is_alphabetic(n))
            {
                out.push('ʼ');
            } else {
                out.push(c);
            }
        }
        out
    }

    /// Replaces Latin look-alikes inside Cyrillic words: in a word (a run of letters and
    /// in-word apostrophes) with at least one Cyrillic letter, whose every Latin letter has a
    /// Cyrillic twin, the Latin letters become the twins. A one-letter Latin word with a twin
    /// between two Cyrillic words («Зеленський i Буданов») becomes its twin too. Words with
    /// other Latin letters («iPhone», «Kyiv») and Latin text stay as they are.
    fn fix_lookalikes_reference(chars: &[char]) -> Vec<char> {
        let mut out = chars.to_vec();
        // Words: (start, end).
        let mut words: Vec<(usize, usize)> = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            if !is_alphabetic(chars[i]) {
                i += 1;
                continue;
            }
            let start = i;
            while i < chars.len()
                && (is_alphabetic(chars[i])
                    || is_apostrophe(chars[i])
                        && chars.get(i + 1).is_some_and(|&c| is_alphabetic(c)))
            {
                i += 1;
            }
            words.push((start, i));
        }
        let has_cyrillic =
            |w: (usize, usize)| chars[w.0..w.1].iter().any(|&c| is_cyrillic_letter(c));
        for (n, &(start, end)) in words.iter().enumerate() {
            let word = &chars[start..end];
            // Fast path: most words have no Latin letter at all.
            if !word.iter().any(char::is_ascii_alphabetic) {
                continue;
            }
            let latin: Vec<usize> = (0..word.len())
                .filter(|&k| word[k].is_ascii_alphabetic())
                .collect();
            if latin.is_empty() || !latin.iter().all(|&k| cyrillic_twin(word[k]).is_some()) {
                continue;
            }
            let inside = has_cyrillic((start, end));
            let between = word.len() == 1
                && n > 0
                && words.get(n + 1).is_some_and(|&w| has_cyrillic(w))
                && has_cyrillic(words[n - 1]);
            if inside || between {
                for k in latin {
                    if let Some(t) = cyrillic_twin(word[k]) {
                        out[start + k] = t;
                    }
                }
            }
        }
        out
    }

    /// [`fix_words`] before its fast paths (every character decoded and looked at).
    fn fix_words_plain(text: String) -> String {
        // Words that change: (word, replace look-alikes), in text order.
        let mut changes: Vec<(Word, bool)> = Vec::new();
        // The word before the current one.
        let mut prev: Option<Word> = None;
        // A one-letter word with a twin after a Cyrillic word: it changes when the next word
        // is Cyrillic too.
        let mut waiting: Option<Word> = None;
        let mut finish = |w: Word, prev: &mut Option<Word>, changes: &mut Vec<(Word, bool)>| {
            if let Some(single) = waiting.take() {
                if w.cyrillic {
                    changes.push((single, true));
                }
            }
            let inside = w.all_twins() && w.cyrillic;
            if inside || w.apostrophe {
                changes.push((w, inside));
            } else if w.all_twins() && w.single && prev.is_some_and(|p| p.cyrillic) {
                waiting = Some(w);
            }
            *prev = Some(w);
        };
        let mut cur: Option<Word> = None;
        // In a word: whether an apostrophe not yet known to be inside it was just seen.
        let mut pending = false;
        let bytes = text.as_bytes();
        let mut next = 0;
        while next < bytes.len() {
            let i = next;
            let b = bytes[i];
            // Decoded by hand for ASCII and for Cyrillic U+0400..=U+047F (lead byte 0xD0 or 0xD1,
            // all letters), the bulk of the text.
            let (c, alphabetic) = if b < 0x80 {
                (char::from(b), b.is_ascii_alphabetic())
            } else if b == 0xD0 || b == 0xD1 {
                let low = bytes.get(i + 1).map_or(0, |&t| u32::from(t & 0x3F));
                let c = char::from_u32((u32::from(b & 0x1F) << 6) | low);
                (c.unwrap_or(char::REPLACEMENT_CHARACTER), true)
            } else {
                let Some(c) = text[i..].chars().next() else {
                    break;
                };
                (c, is_alphabetic(c))
            };
            next = i + c.len_utf8();
            if let Some(w) = cur.as_mut() {
                if alphabetic {
                    w.apostrophe |= pending;
                    pending = false;
                    w.single = false;
                    add_to_word(w, c);
                    // The Cyrillic letters U+0400..=U+047F that follow (lead byte 0xD0 or 0xD1)
                    // are taken at once: each would only mark the word Cyrillic.
                    let mut end = next;
                    while matches!(bytes.get(end), Some(0xD0 | 0xD1)) {
                        end += 2;
                    }
                    if end > next {
                        w.cyrillic = true;
                        next = end;
                    }
                    w.end = next;
                    continue;
                }
                if !pending && is_apostrophe(c) {
                    pending = true;
                    continue;
                }
                // The word ends (before a pending apostrophe).
                pending = false;
                if let Some(w) = cur.take() {
                    finish(w, &mut prev, &mut changes);
                }
            }
            if alphabetic {
                let mut w = Word {
                    start: i,
                    end: i + c.len_utf8(),
                    single: true,
                    cyrillic: false,
                    latin_twins: false,
                    latin_other: false,
                    apostrophe: false,
                };
                add_to_word(&mut w, c);
                cur = Some(w);
            }
        }
        if let Some(w) = cur {
            finish(w, &mut prev, &mut changes);
        }
        if changes.is_empty() {
            return text;
        }
        let mut out = String::with_capacity(text.len() + changes.len());
        let mut last = 0;
        for (w, lookalikes) in changes {
            out.push_str(&text[last..w.start]);
            for c in text[w.start..w.end].chars() {
                if is_apostrophe(c) {
                    out.push('ʼ');
                } else if lookalikes && c.is_ascii_alphabetic() {
                    out.push(cyrillic_twin(c).unwrap_or(c));
                } else {
                    out.push(c);
                }
            }
            last = w.end;
        }
        out.push_str(&text[last..]);
        out
    }

    /// The reference [`matches_any`]: lowercases the whole line.
    fn matches_any_reference(line: &str, patterns: &[Pattern]) -> bool {
        if patterns.is_empty() {
            return false;
        }
        let line = line.trim().to_lowercase();
        patterns.iter().any(|p| match p {
            Pattern::Prefix(prefix) => line.starts_with(prefix.as_str()),
            Pattern::Exact(exact) => line == *exact,
            Pattern::Never => false,
        })
    }

    /// Real texts: the sample articles and the seed.
    fn sample_texts() -> Vec<String> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content/raw");
        let mut texts = Vec::new();
        for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
            let entry = entry.unwrap();
            if entry.path().extension().is_some_and(|e| e == "txt") {
                texts.push(std::fs::read_to_string(entry.path()).unwrap());
            }
        }
        assert!(texts.len() >= 40, "only {} sample texts", texts.len());
        texts
    }

    /// Characters that matter to cleaning, to mix into test strings.
    const SPICE: &[char] = &[
        '\'', '’', '‘', '`', '´', 'ʼ', '\u{301}', '\u{300}', '\u{308}', '\u{200B}', '\u{FEFF}',
        '\u{AD}', '\u{202E}', '\u{2066}', '\u{7}', '\u{1b}', '\u{85}', '\r', '\n', '\t', ' ', 'a',
        'K', 'i', 'I', 'x', 'z', 'Z', 'а', 'К', 'і', 'ї', 'г', 'Σ', 'ς', 'İ', 'ẞ', 'ǅ', 'Å', '😀',
        '-', '.', '\u{0}',
    ];

    /// Every character up to U+3000 between, before and after letters and apostrophes, in
    /// Cyrillic and Latin words.
    fn char_contexts() -> Vec<String> {
        let mut cases = Vec::new();
        for c in (0..0x3000u32).filter_map(char::from_u32) {
            for (a, b) in [
                ("Мар", "яна"),
                ("Kи", "в"),
                ("x", "y"),
                ("Зеленський ", " Буданов"),
                ("", "'"),
                ("'", ""),
                ("г", "\u{301}"),
                ("", ""),
                ("a\r", "\r\n"),
            ] {
                cases.push(format!("{a}{c}{b}"));
            }
        }
        cases
    }

    /// Pseudo-random strings of [`SPICE`] characters and arbitrary ones (a fixed LCG, so a
    /// failure reproduces).
    fn random_strings(n: usize) -> Vec<String> {
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = move || {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) as u32
        };
        (0..n)
            .map(|_| {
                let len = next() % 40;
                (0..len)
                    .map(|_| {
                        if next() % 3 == 0 {
                            char::from_u32(next() % 0x3100).unwrap_or('?')
                        } else {
                            SPICE[next() as usize % SPICE.len()]
                        }
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn normalize_chars_matches_the_reference() {
        let mut inputs = sample_texts();
        for t in sample_texts() {
            // With look-alikes, apostrophes, stress marks and CRLF.
            inputs.push(
                t.replace('о', "o")
                    .replace('К', "K")
                    .replace('ʼ', "'")
                    .replace('\n', "\r\n")
                    .replace("ами", "а\u{301}ми"),
            );
        }
        inputs.extend(char_contexts());
        inputs.extend(random_strings(200_000));
        for t in &inputs {
            assert_eq!(normalize_chars(t), normalize_chars_reference(t), "{t:?}");
        }
    }

    /// Pseudo-random strings over a mix of ASCII (controls too), Cyrillic, Latin-1,
    /// typographic punctuation and whitespace, combining marks, apostrophes and arbitrary
    /// code points (a fixed xorshift, so a failure reproduces). Longer than
    /// [`random_strings`], so the eight-byte fast paths are taken.
    fn mixed_strings(n: usize, mut seed: u64) -> Vec<String> {
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        (0..n)
            .map(|_| {
                let len = next() % 80;
                (0..len)
                    .map(|_| {
                        let r = next();
                        let pick = |lo: u32, hi: u32| {
                            char::from_u32(lo + (r >> 8) as u32 % (hi - lo)).unwrap_or('?')
                        };
                        match r % 12 {
                            0 => pick(0, 0x80),
                            1 => pick(0x20, 0x7F),
                            2..=4 => pick(0x400, 0x480),
                            5 => pick(0x400, 0x530),
                            6 => pick(0x80, 0x100),
                            7 => pick(0x2000, 0x2070),
                            8 => pick(0x300, 0x370),
                            9 | 10 => SPICE[(r >> 8) as usize % SPICE.len()],
                            _ => pick(0x100, 0x11_0000),
                        }
                    })
                    .collect()
            })
            .collect()
    }

    /// Inputs for comparing the fast paths of cleaning with their plain versions: the
    /// sample texts (as they are, with Latin look-alikes, apostrophes and CRLF, and every
    /// line), every character up to U+3000 in context, and random strings.
    fn fast_path_inputs() -> Vec<String> {
        let mut inputs = sample_texts();
        for t in sample_texts() {
            inputs.push(
                t.replace('о', "o")
                    .replace('К', "K")
                    .replace('ʼ', "'")
                    .replace('\n', "\r\n")
                    .replace("ами", "а\u{301}ми")
                    .replace(' ', "  "),
            );
            inputs.extend(t.lines().map(String::from));
        }
        // English: the GUM documents beside the repository (Wikinews, Wikipedia), whole and
        // with Cyrillic look-alike words mixed in.
        let gum = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/data/gum-en/dev.jsonl");
        let english: Vec<String> = std::fs::read_to_string(gum)
            .unwrap()
            .lines()
            .map(|l| {
                serde_json::from_str::<serde_json::Value>(l).unwrap()["text"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect();
        assert!(english.len() >= 30, "{}", english.len());
        for t in english {
            inputs.push(
                t.replace(" and ", " і Кличко ")
                    .replace(" the ", " Тhe ")
                    .replace(" a ", " а a "),
            );
            inputs.push(t);
        }
        inputs.extend(char_contexts());
        inputs.extend(random_strings(50_000));
        inputs.extend(mixed_strings(50_000, 0x9E37_79B9_7F4A_7C15));
        inputs
    }

    #[test]
    fn fix_words_matches_the_plain_version() {
        let mut changed = 0;
        for t in fast_path_inputs() {
            let want = fix_words_plain(t.clone());
            changed += usize::from(want != t);
            assert_eq!(fix_words(t.clone()), want, "{t:?}");
        }
        assert!(changed > 1000, "{changed}");
    }

    #[test]
    fn is_collapsed_matches_the_plain_version() {
        let plain = |line: &str| {
            let b = line.as_bytes();
            b.first() != Some(&b' ') && b.last() != Some(&b' ') && is_collapsed_plain(line)
        };
        let mut inputs = fast_path_inputs();
        // Every whitespace character in long lines, at every offset of an eight-byte block.
        for c in (0..0x3100u32).filter_map(char::from_u32) {
            for pad in 0..9 {
                let a = "а".repeat(pad);
                inputs.push(format!("слово{a} {c}x дуже довгий рядок"));
                inputs.push(format!("xx{}{c}{c} довгий рядок {a}", "y".repeat(pad)));
            }
        }
        let mut collapsed = 0;
        for t in &inputs {
            let want = plain(t);
            collapsed += usize::from(want);
            assert_eq!(is_collapsed(t), want, "{t:?}");
        }
        assert!(
            collapsed > 1000 && collapsed + 1000 < inputs.len(),
            "{collapsed}"
        );
    }

    /// The first steps of [`normalize_chars`] as they were before the eight-byte skip.
    fn strip_invisible_plain(text: &str) -> (String, bool) {
        let mut out = String::new();
        let mut all_starters = true;
        let mut prev: Option<char> = None;
        let text = text.replace("\r\n", "\n").replace('\r', "\n");
        for c in text.chars() {
            let drop = match c {
                '\u{200B}'
                | '\u{200C}'
                | '\u{200D}'
                | '\u{2060}'
                | '\u{FEFF}'
                | '\u{00AD}'
                | '\u{200E}'
                | '\u{200F}'
                | '\u{180E}'
                | '\u{2061}'..='\u{2064}' => true,
                '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{061C}' => true,
                c if c.is_control() && c != '\t' && c != '\n' => true,
                '\u{0301}' => prev.is_none_or(is_cyrillic_letter),
                _ => false,
            };
            if !drop {
                out.push(c);
                all_starters &= nfc_anywhere(c);
            }
            prev = if drop { prev } else { Some(c) };
        }
        (out, all_starters)
    }

    #[test]
    fn strip_invisible_matches_the_plain_version() {
        for t in fast_path_inputs() {
            assert_eq!(strip_invisible(&t), strip_invisible_plain(&t), "{t:?}");
        }
    }

    #[test]
    fn collapse_whitespace_matches_split_whitespace() {
        let reference = |line: &str| line.split_whitespace().collect::<Vec<_>>().join(" ");
        let mut inputs: Vec<String> = sample_texts()
            .iter()
            .flat_map(|t| t.lines().map(str::to_string).collect::<Vec<_>>())
            .collect();
        inputs.extend(char_contexts());
        inputs.extend(random_strings(100_000));
        // Every whitespace character, alone and between words, at the ends and in runs.
        let spaces: Vec<char> = (0..0x110000u32)
            .filter_map(char::from_u32)
            .filter(|c| c.is_whitespace())
            .collect();
        assert!(spaces.len() > 20);
        for c in spaces {
            for t in ["{c}", "а{c}б", "{c}а {c}{c}б{c}", "x{c}\u{2014}{c}y"] {
                inputs.push(t.replace("{c}", &c.to_string()));
            }
        }
        for t in &inputs {
            assert_eq!(collapse_whitespace(t), reference(t), "{t:?}");
        }
    }

    #[test]
    fn matches_any_matches_the_reference() {
        let mut pats: Vec<String> = defaults();
        pats.extend(
            [
                "σοφια",
                "ΣΟΦΙΑ*",
                "i̇stanbul",
                "İstanbul*",
                "ǆ",
                "ss*",
                "*",
                "",
                "  ",
                "ẞ",
                "kelvin",
                "ΟΔΟΣ",
                "ΟΔΟΣ ΣΟΦΙΑΣ*",
            ]
            .map(String::from),
        );
        let prepared: Vec<Pattern> = pats.iter().map(|p| Pattern::new(p)).collect();
        let mut lines: Vec<String> = char_contexts();
        lines.extend(random_strings(100_000));
        for t in sample_texts() {
            lines.extend(t.lines().map(String::from));
        }
        for l in [
            "РЕКЛАМА",
            "реклама ",
            "Реклама партнера",
            "ЧИТАЙТЕ ТАКОЖ: інше",
            "ΣΟΦΙΑ",
            "Σοφια",
            "σοφιαΣ",
            "İSTANBUL",
            "İstanbul",
            "Ǆ",
            "ǅ",
            "SS",
            "ẞ",
            "KELVIN",
            "\u{212A}elvin",
            "ΟΔΟΣ",
            "Οδος",
            "ΟΔΟΣ ΣΟΦΙΑΣ і далі",
        ] {
            lines.push(l.to_string());
        }
        for l in &lines {
            let l = collapse_whitespace(l);
            assert_eq!(
                matches_any(&l, &prepared),
                matches_any_reference(&l, &prepared),
                "{l:?}"
            );
        }
    }

    #[test]
    fn seed_boilerplate_is_dropped() {
        let raw = "Перший абзац.\r\n\r\nПродовження після реклами\r\nРЕКЛАМА\r\n\r\nДругий абзац.\n\n  реклама  \nТретій.";
        let p = clean(raw, &defaults());
        assert_eq!(p, ["Перший абзац.", "Другий абзац.", "Третій."]);
    }

    #[test]
    fn prefix_patterns_and_case() {
        let pats = vec!["Читайте також*".to_string(), "РЕКЛАМА".to_string()];
        let p = clean(
            "Текст.\nчитайте також: інша новина\nРЕКЛАМА партнера\nКінець.",
            &pats,
        );
        assert_eq!(p, ["Текст.", "РЕКЛАМА партнера", "Кінець."]);
        assert!(is_boilerplate("  Реклама ", &pats));
        assert!(!is_boilerplate("Рекламація", &pats));
    }

    #[test]
    fn apostrophes_stress_and_invisible_characters() {
        let p = clean(
            "Мар'яна з’їла п‘ять сім`ї, об´єм; 'цитата' і м'\u{200B}ята  \t  за\u{301}мок",
            &[],
        );
        assert_eq!(
            p,
            ["Марʼяна зʼїла пʼять сімʼї, обʼєм; 'цитата' і мʼята замок"]
        );
        // Latin letters keep their accents (NFC composes them).
        assert_eq!(clean("cafe\u{301}", &[]), ["café"]);
    }

    #[test]
    fn latin_lookalikes_in_cyrillic_words() {
        // Latin K, i, a, o, p, e, c, x, y inside Cyrillic words.
        let p = clean("Kиїв, пpезидент Зеленcький i Бyданов: xлiб, Mаpʼяна", &[]);
        assert_eq!(p, ["Київ, президент Зеленський і Буданов: хліб, Марʼяна"]);
        // Latin words and words with Latin letters that have no twin stay.
        let p = clean("iPhone Kyiv NATO і ЄС; Zеленський; Tom i Jerry; A. Б.", &[]);
        assert_eq!(p, ["iPhone Kyiv NATO і ЄС; Zеленський; Tom i Jerry; A. Б."]);
    }

    #[test]
    fn controls_and_bidi_overrides_are_removed() {
        let p = clean(
            "Ново\u{202E}сті\u{202C} дня\u{7}\u{1b}[31m і \u{85}\u{2066}мир\u{2069}",
            &[],
        );
        assert_eq!(p, ["Новості дня[31m і мир"]);
        let p = clean("Перший рядок\rДругий рядок\r\n\r\nТретій", &[]);
        assert_eq!(p, ["Перший рядок", "Другий рядок", "Третій"]);
    }

    #[test]
    fn line_breaks_inside_sentences_are_joined() {
        let p = clean(
            "Заголовок новини\nПерше речення абзацу,\nщо триває тут. Друге речення.\nНовий рядок — нове речення.\n\n\n* * *\n\nОстанній.",
            &[],
        );
        assert_eq!(
            p,
            [
                "Заголовок новини",
                "Перше речення абзацу, що триває тут. Друге речення.",
                "Новий рядок — нове речення.",
                "Останній."
            ]
        );
    }

    #[test]
    fn sigma_search_matches_contains_on_real_text() {
        // The repository's raw texts' lines, and the same with Greek put in (Σ, σ, other
        // letters with lead byte CE) at the start, the end and in the middle.
        let mut found = 0;
        let mut checked = 0;
        for t in sample_texts() {
            for line in t.lines() {
                let mid = line
                    .char_indices()
                    .nth(line.chars().count() / 2)
                    .map_or(0, |(b, _)| b);
                for greek in ["Σ", "σ", "Ξ", "ΣΣ", "ΞΣ", "ΟΔΥΣΣΕΑΣ"] {
                    for l in [
                        line.to_string(),
                        format!("{greek}{line}"),
                        format!("{line}{greek}"),
                        format!("{}{greek}{}", &line[..mid], &line[mid..]),
                    ] {
                        let want = l.contains('Σ');
                        found += usize::from(want);
                        checked += 1;
                        assert_eq!(has_capital_sigma(&l), want, "{l:?}");
                    }
                }
            }
        }
        assert!(found > 100 && found + 100 < checked, "{found} of {checked}");
    }

    #[test]
    fn split_lines_matches_split_on_real_text() {
        // The repository's raw texts, and each cut at every length up to 200 bytes and at
        // its last 70 (empty lines, a final line feed or none, lines of every length).
        let mut checked = 0;
        for t in sample_texts() {
            let mut cuts: Vec<&str> = vec![t.as_str(), "", "\n", "\n\n", "a\n"];
            for (b, _) in t.char_indices() {
                if b <= 200 || b + 70 >= t.len() {
                    cuts.push(&t[..b]);
                    cuts.push(&t[b..]);
                }
            }
            for c in cuts {
                let want: Vec<&str> = c.split('\n').collect();
                assert_eq!(split_lines(c).collect::<Vec<_>>(), want, "{c:?}");
                checked += want.len();
            }
        }
        assert!(checked > 10_000, "{checked}");
    }

    #[test]
    fn seed_keeps_one_paragraph_per_line() {
        let seed = include_str!("../../content/raw/seed/000_d450a8c0e07fb2e9.txt");
        let p = clean(seed, &defaults());
        assert_eq!(p.len(), 10, "{p:#?}");
        assert!(p
            .iter()
            .all(|x| !x.contains("РЕКЛАМА") && !x.contains("реклами")));
        assert!(p[9].contains("зобовʼязання"));
    }
}
