//! Person extraction from one text.
//!
//! One pass tokenises the text (words with code-point offsets); runs of capitalised tokens,
//! initials and particles become candidate spans; context (sentence starts, quotes, stop lists,
//! places, role words, prepositions, verbs after the name) decides which spans are people; each
//! span is canonicalised to a nominative name and, within the article, surname-only and
//! initial mentions are merged into the single full name they belong to.

use super::english;
use super::infl::{
    ends_with_any, ends_with_fast, patronymic, strip_suffix_fast, surname_candidates_each,
    surname_forms,
};
use super::lexicon::FxMap;
use super::lexicon::{
    family_word, lexicon, lower_key, named_after, person_of, preposition_cases, Lexicon,
};
use super::morph::Cases;
use super::{Extraction, Gender, Lang, Mention, PersonRole, Registry};
use std::borrow::Cow;
use std::collections::HashSet;

/// The language of a text: English when Latin letters clearly outnumber Cyrillic ones.
pub fn detect_language(text: &str) -> Lang {
    // A byte scan: an ASCII letter is one byte, and in UTF-8 every character of
    // U+0400..=U+04FF (and nothing else) starts with a byte in 0xD0..=0xD3; continuation
    // bytes (0x80..=0xBF) are neither. So the counts are those of a scan over `chars()`.
    // Counted in blocks of at most 255 bytes into byte-sized counters, which the compiler
    // turns into vector code.
    let (mut lat, mut cyr) = (0usize, 0usize);
    for block in text.as_bytes().chunks(255) {
        let (mut l, mut c) = (0u8, 0u8);
        for &b in block {
            l += u8::from((b | 0x20).wrapping_sub(b'a') < 26);
            c += u8::from(b & 0xFC == 0xD0);
        }
        lat += usize::from(l);
        cyr += usize::from(c);
    }
    if lat > cyr * 2 {
        Lang::En
    } else {
        Lang::Uk
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Word,
    Num,
    Punct,
}

/// A token's lower-case form: borrowed from the text when the word is written that way
/// (most words), owned only when it had to change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Lower<'a>(Cow<'a, str>);

impl Lower<'_> {
    /// The lower-case form.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::ops::Deref for Lower<'_> {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl PartialEq<str> for Lower<'_> {
    fn eq(&self, other: &str) -> bool {
        *self.0 == *other
    }
}

impl PartialEq<&str> for Lower<'_> {
    fn eq(&self, other: &&str) -> bool {
        *self.0 == **other
    }
}

/// One token with byte and code-point offsets.
#[derive(Debug, Clone)]
pub(crate) struct Tok<'a> {
    pub kind: Kind,
    /// Code-point offsets, end exclusive.
    pub cs: usize,
    pub ce: usize,
    /// Byte offsets, end exclusive.
    pub bs: usize,
    pub be: usize,
    /// Lower case, apostrophes unified, Latin look-alikes in Cyrillic words mapped.
    pub lower: Lower<'a>,
    pub cap: bool,
    pub allcaps: bool,
    pub latin: bool,
    /// A newline between the previous token and this one.
    pub nl_before: bool,
    pub space_before: bool,
    pub ch: char,
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’' | 'ʼ' | '`' | '´' | '‘')
}

fn is_hyphen(c: char) -> bool {
    matches!(c, '-' | '‐' | '‑')
}

fn is_letter(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphabetic();
    }
    if ('\u{0400}'..='\u{0481}').contains(&c) || ('\u{048A}'..='\u{04FF}').contains(&c) {
        return true;
    }
    // General Punctuation (dashes, quotes, spaces) and the guillemets: no letters there.
    if ('\u{2000}'..='\u{206F}').contains(&c) || c == '«' || c == '»' {
        return false;
    }
    c.is_alphabetic() || ('\u{0300}'..='\u{036F}').contains(&c)
}

fn is_upper(c: char) -> bool {
    match c as u32 {
        0..=0x7F => c.is_ascii_uppercase(),
        0x400..=0x42F => true,
        0x430..=0x45F => false,
        0x460..=0x4BF => (c as u32).is_multiple_of(2),
        _ => c.is_uppercase(),
    }
}

fn homoglyph(c: char) -> char {
    match c {
        'a' => 'а',
        'e' => 'е',
        'i' => 'і',
        'o' => 'о',
        'p' => 'р',
        'c' => 'с',
        'x' => 'х',
        'y' => 'у',
        'k' => 'к',
        'm' => 'м',
        't' => 'т',
        'h' => 'н',
        'b' => 'в',
        _ => c,
    }
}

/// Lower case form and flags (capitalised, ALL CAPS, Latin) of one word.
fn normalise_word(word: &str) -> (Cow<'_, str>, bool, bool, bool) {
    // One pass for the counts; a word written in lower case (most words of running text) is
    // its own lower form and needs nothing else.
    let mut cyr = 0;
    let mut lat = 0;
    let mut upper = 0;
    let mut letters = 0;
    let mut combining = false;
    let mut apostrophe = false;
    let bytes = word.as_bytes();
    let mut i = 0;
    while let Some(&x) = bytes.get(i) {
        if x < 0x80 {
            // ASCII: a letter, an apostrophe (' `) or neither.
            if x.is_ascii_alphabetic() {
                letters += 1;
                lat += 1;
                if x.is_ascii_uppercase() {
                    upper += 1;
                }
            } else if x == b'\'' || x == b'`' {
                apostrophe = true;
            }
            i += 1;
            continue;
        }
        if let (0xD0 | 0xD1, Some(&y)) = (x, bytes.get(i + 1)) {
            // U+0400..U+047F (a two-byte sequence): Cyrillic letters, upper case up to
            // U+042F and at even code points from U+0460 (as [`is_upper`]).
            let c = (u32::from(x & 0x1F) << 6) | u32::from(y & 0x3F);
            letters += 1;
            cyr += 1;
            if c <= 0x42F || c >= 0x460 && c.is_multiple_of(2) {
                upper += 1;
            }
            i += 2;
            continue;
        }
        let Some(c) = word.get(i..).and_then(|r| r.chars().next()) else {
            break;
        };
        i += c.len_utf8();
        if ('\u{0300}'..='\u{036F}').contains(&c) {
            combining = true;
            continue;
        }
        // (ʼ is a letter too.)
        apostrophe |= is_apostrophe(c);
        if is_letter(c) {
            letters += 1;
            if is_upper(c) {
                upper += 1;
            }
            if ('\u{0400}'..='\u{04FF}').contains(&c) {
                cyr += 1;
            } else if c.is_ascii_alphabetic() {
                lat += 1;
            }
        }
    }
    let mixed = cyr > 0 && lat > 0 && cyr >= lat;
    if !combining && upper == 0 && !apostrophe && !mixed {
        // The first character is a letter (the tokenizer starts words there) and no letter is
        // upper case: neither capitalised nor ALL CAPS.
        return (Cow::Borrowed(word), false, false, lat > cyr);
    }
    normalise_word_slow(word, upper, letters, combining, mixed, lat > cyr)
}

/// [`lower_key`] of a word with only its first letter in upper case and plain lower-case
/// letters after it (most capitalised words), by copying the rest; `None` for any other word.
fn lower_capitalised(w: &str) -> Option<String> {
    let mut chars = w.chars();
    let first = chars.next()?;
    let lower_first = match first {
        'А'..='Я' => char::from_u32(first as u32 + 0x20)?,
        'Ѐ'..='Џ' => char::from_u32(first as u32 + 0x50)?,
        'Ґ' => 'ґ',
        'A'..='Z' => first.to_ascii_lowercase(),
        _ => return None,
    };
    let rest = chars.as_str();
    if !rest
        .chars()
        .all(|c| matches!(c, 'а'..='я' | 'ѐ'..='џ' | 'ґ' | 'a'..='z' | '-'))
    {
        return None;
    }
    let mut out = String::with_capacity(w.len() + 1);
    out.push(lower_first);
    out.push_str(rest);
    Some(out)
}

/// [`normalise_word`] for words that change: upper case, apostrophes, combining marks, Latin
/// look-alikes.
fn normalise_word_slow(
    word: &str,
    upper: usize,
    letters: usize,
    combining: bool,
    mixed: bool,
    latin: bool,
) -> (Cow<'_, str>, bool, bool, bool) {
    let owned;
    let mut w = word;
    if combining {
        use unicode_normalization::UnicodeNormalization;
        owned = w
            .nfc()
            .filter(|c| !('\u{0300}'..='\u{036F}').contains(c))
            .collect::<String>();
        w = &owned;
    }
    let mut lower = if upper == 0 && !w.chars().any(is_apostrophe) {
        w.to_string()
    } else {
        lower_capitalised(w).unwrap_or_else(|| lower_key(w))
    };
    if mixed {
        lower = lower.chars().map(homoglyph).collect();
    }
    let cap = w.chars().next().is_some_and(is_upper);
    // ALL CAPS, or an abbreviation with a lowercase ending («НОКу», «ТзОВ»).
    let mut it = w.chars().filter(|&c| is_letter(c));
    let two_upper = it.next().is_some_and(is_upper) && it.next().is_some_and(is_upper);
    let allcaps = letters >= 2 && (upper == letters || two_upper || upper >= 3);
    (Cow::Owned(lower), cap, allcaps, latin)
}

/// The character at byte offset `pos` of `text` (`None` at the end or off a boundary).
fn char_at(text: &str, pos: usize) -> Option<char> {
    text.get(pos..)?.chars().next()
}

/// Eight bytes of UTF-8 (read little-endian, starting at a character boundary) that are four
/// characters of U+0400..U+047F, each a lead byte D0 or D1 and a continuation byte: how many
/// of the four are upper case (as [`is_upper`]); `None` when the bytes are anything else.
///
/// Each character is one 16-bit lane: the lead byte low, the continuation byte `y` high. Lead
/// D0 (bit 0 clear): upper case when `y <= 0xAF`, that is, unless bits 4 and 5 of `y` are
/// both set (`y` is 0x80..=0xBF). Lead D1: upper case when `y >= 0xA0` (bit 5 set) and even
/// (bit 0 clear). The lanes' bits are summed by one multiplication into the top lane.
#[inline(always)]
fn cyrillic_run_of_four(v: u64) -> Option<usize> {
    const LANES: u64 = 0x0001_0001_0001_0001;
    if v & 0x00FE_00FE_00FE_00FE != 0x00D0_00D0_00D0_00D0 {
        return None;
    }
    let d1 = v & LANES;
    let y0 = (v >> 8) & LANES;
    let y4 = (v >> 12) & LANES;
    let y5 = (v >> 13) & LANES;
    let up = ((d1 ^ LANES) & ((y4 & y5) ^ LANES)) | (d1 & y5 & (y0 ^ LANES));
    Some((up.wrapping_mul(LANES) >> 48) as usize)
}

/// For a word of ASCII letters and U+0400..U+047F only (the tokenizer's fast path) with
/// `upper` upper-case letters: when its first letter is its only capital, one that
/// [`lower_capitalised`] lowers (A..Z, U+0400..U+042F), no letter after it is one of
/// U+0460..U+047F (which [`lower_capitalised`] leaves to [`lower_key`]) and it is not
/// `mixed`, the first letter in lower case; `None` for any other word. Such a word's
/// [`normalise_word_slow`] is that letter and the rest as written, capitalised, not ALL CAPS
/// (one capital among two or more letters, or a single letter).
fn capitalised_lower_first(word: &str, upper: usize, mixed: bool) -> Option<char> {
    if upper != 1 || mixed || !fast_paths() {
        return None;
    }
    let first = match word.as_bytes() {
        [x @ b'A'..=b'Z', ..] => char::from(x.to_ascii_lowercase()),
        // U+0400..U+040F (D0 80..8F) lower to U+0450..U+045F (D1 90..9F), U+0410..U+042F
        // (D0 90..AF) to U+0430..U+044F.
        [0xD0, y @ 0x80..=0xAF, ..] => {
            let c = 0x400 + u32::from(y - 0x80);
            char::from_u32(if c < 0x410 { c + 0x50 } else { c + 0x20 })?
        }
        _ => return None,
    };
    // U+0460..U+047F is D1 A0..BF; a continuation byte is never D1, so a byte pair test is
    // exact.
    if word
        .as_bytes()
        .windows(2)
        .any(|w| w[0] == 0xD1 && w[1] >= 0xA0)
    {
        return None;
    }
    Some(first)
}

/// Splits `text` into tokens in one pass, each changed lower-case form in a `String` of its
/// own (the tests' plain path; the extraction uses [`tokenize_with`]).
#[cfg(test)]
pub(crate) fn tokenize(text: &str) -> Vec<Tok<'_>> {
    tokenize_core(text, None, &mut Vec::new())
}

/// [`tokenize`] with the lower-case forms of capitalised words kept in `lowered` (cleared
/// first) and borrowed from it, instead of a `String` for each.
pub(crate) fn tokenize_with<'a>(text: &'a str, lowered: &'a mut String) -> Vec<Tok<'a>> {
    lowered.clear();
    let mut pending = Vec::new();
    let mut toks = tokenize_core(text, Some(&mut *lowered), &mut pending);
    let lowered: &'a String = lowered;
    for (i, a, b) in pending {
        if let (Some(t), Some(l)) = (toks.get_mut(i), lowered.get(a..b)) {
            t.lower = Lower(Cow::Borrowed(l));
        }
    }
    toks
}

/// [`tokenize`]; with `lowered`, the lower-case forms of capitalised words are appended to it
/// and their (token, start, end) to `pending`, the token's own form left empty.
#[inline(never)]
fn tokenize_core<'a>(
    text: &'a str,
    mut lowered: Option<&mut String>,
    pending: &mut Vec<(usize, usize, usize)>,
) -> Vec<Tok<'a>> {
    let bytes = text.as_bytes();
    // Room for a token per 8 bytes, rounded up to a power of two: a few sizes of buffer
    // across all articles, so a thread reuses the memory of the last one freed instead of
    // touching fresh memory for each new size, which the system zeroes first (in one profile
    // of an ingest of 10,000 articles, 6% of the samples; 0.5% for all fresh memory after).
    let mut toks = Vec::with_capacity((text.len() / 8).max(64).next_power_of_two());
    // Byte offset of the next character, and its code-point offset.
    let mut pos = 0usize;
    let mut cp = 0usize;
    let mut nl = true;
    let mut space = true;
    let tok = |kind, cs, ce, bs, be, lower, flags: (bool, bool, bool), nl, space, ch| Tok {
        kind,
        cs,
        ce,
        bs,
        be,
        lower,
        cap: flags.0,
        allcaps: flags.1,
        latin: flags.2,
        nl_before: nl,
        space_before: space,
        ch,
    };
    while let Some(&x) = bytes.get(pos) {
        // The character at `pos`, decoded directly for ASCII and U+0400..U+047F (lead byte D0
        // or D1: letters, never space or control).
        let (c, cyrillic) = if x < 0x80 {
            (char::from(x), false)
        } else if let (0xD0 | 0xD1, Some(&y)) = (x, bytes.get(pos + 1)) {
            let u = (u32::from(x & 0x1F) << 6) | u32::from(y & 0x3F);
            (
                char::from_u32(u).unwrap_or(char::REPLACEMENT_CHARACTER),
                true,
            )
        } else {
            match char_at(text, pos) {
                Some(c) => (c, false),
                None => break,
            }
        };
        let bs = pos;
        pos += c.len_utf8();
        let cs = cp;
        cp += 1;
        if !cyrillic && (c.is_whitespace() || c == '\u{feff}' || c == '\u{ad}' || c.is_control()) {
            if matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}') {
                nl = true;
            }
            space = true;
            continue;
        }
        if is_letter(c) && !('\u{0300}'..='\u{036F}').contains(&c) {
            // The counts of [`normalise_word`], taken while the word is scanned: a word of
            // ASCII letters and U+0400..U+047F only (most words) needs no second pass. Any
            // other character (apostrophe, hyphen, another letter) leaves it to
            // [`normalise_word`].
            let (mut cyr, mut lat, mut upper) = (0usize, 0usize, 0usize);
            let mut slow = false;
            if c.is_ascii_alphabetic() {
                lat += 1;
                upper += usize::from(c.is_ascii_uppercase());
            } else if ('\u{0400}'..='\u{047F}').contains(&c) {
                cyr += 1;
                upper += usize::from(is_upper(c));
            } else {
                slow = true;
            }
            // The fast paths below count letters into `cyr` and `lat` only; the code-point
            // offset gains them after the loop (the slow path advances `cp` itself).
            let (cyr0, lat0) = (cyr, lat);
            loop {
                // Fast path: a run of U+0400..U+047F (lead byte D0 or D1: all letters), two
                // bytes at a time off a slice (no index checks). The text is UTF-8, so a
                // continuation byte `y` follows each lead byte: the code point is
                // U+0400 + (y - 0x80) after D0 and U+0440 + (y - 0x80) after D1. Upper case (as
                // [`is_upper`]): up to U+042F (D0, y <= AF), and at even code points from
                // U+0460 (D1, y >= A0 and even).
                let mut rest = bytes.get(pos..).unwrap_or_default();
                if fast_paths() {
                    // Four letters at a time: [`cyrillic_run_of_four`] on the next eight bytes.
                    while let Some((chunk, tail)) = rest.split_first_chunk::<8>() {
                        let Some(up) = cyrillic_run_of_four(u64::from_le_bytes(*chunk)) else {
                            break;
                        };
                        cyr += 4;
                        upper += up;
                        rest = tail;
                    }
                }
                while let [x @ (0xD0 | 0xD1), y, tail @ ..] = rest {
                    cyr += 1;
                    upper += usize::from(if *x == 0xD0 {
                        *y <= 0xAF
                    } else {
                        *y >= 0xA0 && *y & 1 == 0
                    });
                    rest = tail;
                }
                pos = bytes.len() - rest.len();
                let Some(&x) = rest.first() else {
                    break;
                };
                if x & 0xFE == 0xD0 {
                    // A lead byte at the very end (not UTF-8 from a `str`): as before, stop.
                    break;
                }
                if x.is_ascii_alphabetic() {
                    // The whole run of ASCII letters at once (English words), instead of
                    // one letter a turn of this loop.
                    let run = rest
                        .iter()
                        .position(|b| !b.is_ascii_alphabetic())
                        .unwrap_or(rest.len());
                    lat += run;
                    upper += rest[..run]
                        .iter()
                        .filter(|b| b.is_ascii_uppercase())
                        .count();
                    pos += run;
                    continue;
                }
                if x < 0x80 && !matches!(x, b'\'' | b'`' | b'-') {
                    // No letter, apostrophe or hyphen.
                    break;
                }
                let Some(d) = char_at(text, pos) else {
                    break;
                };
                if is_letter(d) {
                    pos += d.len_utf8();
                    cp += 1;
                    slow = true;
                } else if is_apostrophe(d) || is_hyphen(d) {
                    match char_at(text, pos + d.len_utf8()).filter(|&e| is_letter(e)) {
                        Some(e) => {
                            pos += d.len_utf8() + e.len_utf8();
                            cp += 2;
                            slow = true;
                        }
                        None => break,
                    }
                } else {
                    break;
                }
            }
            cp += (cyr - cyr0) + (lat - lat0);
            let be = pos;
            let word = &text[bs..be];
            let (lower, cap, allcaps, latin) = if slow {
                normalise_word(word)
            } else {
                let mixed = cyr > 0 && lat > 0 && cyr >= lat;
                if upper == 0 && !mixed {
                    (Cow::Borrowed(word), false, false, lat > cyr)
                } else if let Some(first) = capitalised_lower_first(word, upper, mixed) {
                    // Capitalised, neither ALL CAPS nor mixed ([`capitalised_lower_first`]):
                    // the lower-case form is the first letter lowered and the rest as written,
                    // put in `lowered` when there is one (no allocation per word).
                    let rest = word.get(c.len_utf8()..).unwrap_or_default();
                    let lower = match lowered.as_deref_mut() {
                        Some(buf) => {
                            let a = buf.len();
                            buf.push(first);
                            buf.push_str(rest);
                            pending.push((toks.len(), a, buf.len()));
                            Cow::Borrowed("")
                        }
                        None => {
                            let mut s = String::with_capacity(word.len() + 1);
                            s.push(first);
                            s.push_str(rest);
                            Cow::Owned(s)
                        }
                    };
                    (lower, true, false, lat > cyr)
                } else {
                    normalise_word_slow(word, upper, cyr + lat, false, mixed, lat > cyr)
                }
            };
            toks.push(tok(
                Kind::Word,
                cs,
                cp,
                bs,
                be,
                Lower(lower),
                (cap, allcaps, latin),
                nl,
                space,
                c,
            ));
        } else if c.is_ascii_digit() {
            while bytes.get(pos).is_some_and(u8::is_ascii_digit) {
                pos += 1;
                cp += 1;
            }
            toks.push(tok(
                Kind::Num,
                cs,
                cp,
                bs,
                pos,
                Lower(Cow::Borrowed("")),
                (false, false, false),
                nl,
                space,
                c,
            ));
        } else {
            toks.push(tok(
                Kind::Punct,
                cs,
                cp,
                bs,
                pos,
                Lower(Cow::Borrowed("")),
                (false, false, false),
                nl,
                space,
                c,
            ));
        }
        nl = false;
        space = false;
    }
    toks
}

fn is_open_quote(toks: &[Tok], i: usize) -> bool {
    let t = &toks[i];
    match t.ch {
        '«' | '„' | '“' => true,
        '"' | '”' => {
            let next_word = toks.get(i + 1).is_some_and(|n| !n.space_before);
            (t.space_before || t.nl_before || i == 0) && next_word
        }
        _ => false,
    }
}

fn is_close_quote(t: &Tok) -> bool {
    matches!(t.ch, '»' | '"' | '”' | '“')
}

/// Marks tokens inside short quotations (names of organisations, parties, units, works).
/// A person named inside a quoted title («Різдвяна історія з Тіною Кароль», «Наші гроші з
/// Денисом Бігусом»): a known, unambiguous given name after a lowercase word of the title, with
/// a capitalised word after it, is a name after all.
#[inline(never)]
fn unquote_names(toks: &[Tok], quoted: &mut [bool], lex: &Lexicon) {
    let end = toks.len().saturating_sub(1);
    let mut i = 1;
    while i < end {
        if fast_paths() && !quoted.get(i).copied().unwrap_or(true) {
            // Outside the quotations (most tokens) nothing changes: on to the next quoted
            // token (the flags are only ever cleared, at and after the token looked at).
            match quoted
                .get(i + 1..end)
                .and_then(|rest| rest.iter().position(|&q| q))
            {
                Some(k) => i += 1 + k,
                None => break,
            }
        }
        let (p, t, n) = (&toks[i - 1], &toks[i], &toks[i + 1]);
        let inside = quoted[i - 1] && quoted[i] && quoted[i + 1];
        if inside
            && p.kind == Kind::Word
            && !p.cap
            && t.kind == Kind::Word
            && t.cap
            && !t.allcaps
            && lex.given.contains_key(t.lower.as_str())
            && !lex.given_ambiguous.contains(t.lower.as_str())
            && n.kind == Kind::Word
            && n.cap
            && !n.allcaps
            && !n.nl_before
        {
            quoted[i] = false;
            quoted[i + 1] = false;
        }
        i += 1;
    }
}

#[inline(never)]
fn quoted_mask(toks: &[Tok]) -> Vec<bool> {
    let mut mask = vec![false; toks.len()];
    let mut i = 0;
    while i < toks.len() {
        if toks[i].kind == Kind::Punct && is_open_quote(toks, i) {
            let mut words = 0;
            let mut j = i + 1;
            let mut depth = 1;
            let mut closed = None;
            while j < toks.len() && j < i + 24 {
                let t = &toks[j];
                if t.nl_before {
                    break;
                }
                if t.kind == Kind::Word {
                    words += 1;
                } else if t.kind == Kind::Punct {
                    if t.ch == '«' {
                        depth += 1;
                    } else if is_close_quote(t) && !(t.ch == '"' && is_open_quote(toks, j)) {
                        depth -= 1;
                        if depth == 0 {
                            closed = Some(j);
                            break;
                        }
                    }
                }
                j += 1;
            }
            if let Some(j) = closed {
                if words <= 6 {
                    for m in mask.iter_mut().take(j).skip(i + 1) {
                        *m = true;
                    }
                }
                i = j + 1;
                continue;
            }
        }
        i += 1;
    }
    mask
}

/// The name particles (де, фон, ван, аль, …): the list [`is_particle`] matches (kept for its test).
#[cfg(test)]
const PARTICLES: &[&str] = &[
    "де",
    "фон",
    "ван",
    "дер",
    "ді",
    "да",
    "дю",
    "дель",
    "делла",
    "ла",
    "ле",
    "бін",
    "ібн",
    "аль",
    "ель",
    "ду",
    "дос",
    "дас",
    "де-ла",
    "von",
    "van",
    "der",
    "de",
    "da",
    "di",
    "du",
    "del",
    "della",
    "la",
    "le",
    "bin",
    "ibn",
    "al",
    "el",
    "dos",
    "das",
    "ten",
    "ter",
];

/// Whether a lower-case word is a name particle. A `match` on the string (the compiler
/// compares lengths first, then bytes) instead of a scan of a list: the run finder asks about
/// nearly every word after a capitalised one.
fn is_particle(lower: &str) -> bool {
    matches!(
        lower,
        "де" | "фон"
            | "ван"
            | "дер"
            | "ді"
            | "да"
            | "дю"
            | "дель"
            | "делла"
            | "ла"
            | "ле"
            | "бін"
            | "ібн"
            | "аль"
            | "ель"
            | "ду"
            | "дос"
            | "дас"
            | "де-ла"
            | "von"
            | "van"
            | "der"
            | "de"
            | "da"
            | "di"
            | "du"
            | "del"
            | "della"
            | "la"
            | "le"
            | "bin"
            | "ibn"
            | "al"
            | "el"
            | "dos"
            | "das"
            | "ten"
            | "ter"
    )
}

/// Is token `i` at the start of a sentence or heading?
fn sentence_initial(toks: &[Tok], i: usize) -> bool {
    if i == 0 || toks[i].nl_before {
        return true;
    }
    let p = &toks[i - 1];
    if p.kind != Kind::Punct {
        return false;
    }
    match p.ch {
        '.' => {
            // After an abbreviation («м. Щастя», «вул. Шевченка») or an initial: not a start.
            if i >= 2 {
                let q = &toks[i - 2];
                if q.kind == Kind::Word && !q.cap && q.lower.chars().count() <= 4 {
                    return false;
                }
                // After an initial («B. V. Ріната»).
                if q.kind == Kind::Word && q.cap && q.ce - q.cs == 1 {
                    return false;
                }
            }
            true
        }
        '!' | '?' | '…' | '«' | '"' | '“' | '„' | '(' | '—' | '–' | '•' | '*' | '[' => {
            true
        }
        '-' => p.nl_before,
        _ => false,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Given,
    Patronymic,
    Initial,
    Surname,
    Particle,
}

/// A person span found in the text, before canonicalisation.
#[derive(Debug, Clone)]
struct Cand {
    /// First and last token index (inclusive; an initial includes its dot token).
    first: usize,
    last: usize,
    given: Option<(String, Gender)>,
    gender: Gender,
    surname_only: bool,
    given_only: bool,
    initials: Vec<char>,
    /// Nominative surname (display form).
    surname: Option<String>,
    /// Surname as written, lower case, for in-article matching.
    surname_forms: Vec<String>,
    canonical: String,
    role: Option<String>,
}

fn capitalise_like(orig: &str, lower: &str) -> String {
    // Keeps inner capitals of the written form (МакКейн) where the letters agree.
    let all_caps = orig.chars().filter(|&c| alphabetic(c)).all(uppercase);
    let mut out = String::with_capacity(lower.len());
    let mut up = true;
    // The letters of `orig` in step with those of `lower`.
    let mut o = orig.chars();
    for c in lower.chars() {
        let oc = o.next();
        let same = oc.is_some_and(|oc| lowercases_to(oc, c));
        if up || !all_caps && same && oc.is_some_and(uppercase) {
            push_upper(&mut out, c);
        } else {
            out.push(c);
        }
        up = c == '-' || c == ' ';
    }
    out
}

/// `char::is_alphabetic`, without the Unicode tables for ASCII and the Cyrillic letters of
/// U+0400..U+045F, U+0490 and U+0491.
pub(super) fn alphabetic(c: char) -> bool {
    match c {
        'a'..='z' | 'A'..='Z' => true,
        _ if c.is_ascii() => false,
        'Ѐ'..='џ' | 'Ґ' | 'ґ' => true,
        _ => c.is_alphabetic(),
    }
}

/// `char::is_uppercase`, fast for ASCII and the Cyrillic letters of [`alphabetic`].
fn uppercase(c: char) -> bool {
    match c {
        'A'..='Z' | 'Ѐ'..='Я' | 'Ґ' => true,
        _ if c.is_ascii() => false,
        'а'..='џ' | 'ґ' => false,
        _ => c.is_uppercase(),
    }
}

/// Whether the lower case of `o` is exactly `c` (`o.to_lowercase()` yields `c` alone), fast
/// for ASCII and the Cyrillic letters of [`alphabetic`].
fn lowercases_to(o: char, c: char) -> bool {
    let lower = match o {
        'A'..='Z' => o.to_ascii_lowercase(),
        _ if o.is_ascii() => o,
        'А'..='Я' => char::from_u32(o as u32 + 0x20).unwrap_or(o),
        'Ѐ'..='Џ' => char::from_u32(o as u32 + 0x50).unwrap_or(o),
        'а'..='џ' | 'ґ' => o,
        'Ґ' => 'ґ',
        _ => return o.to_lowercase().eq(std::iter::once(c)),
    };
    lower == c
}

/// Pushes `c.to_uppercase()`, fast for ASCII and the Cyrillic letters of [`alphabetic`].
fn push_upper(out: &mut String, c: char) {
    let upper = match c {
        'a'..='z' => c.to_ascii_uppercase(),
        _ if c.is_ascii() => c,
        'а'..='я' => char::from_u32(c as u32 - 0x20).unwrap_or(c),
        'ѐ'..='џ' => char::from_u32(c as u32 - 0x50).unwrap_or(c),
        'Ѐ'..='Я' | 'Ґ' => c,
        'ґ' => 'Ґ',
        _ => {
            out.extend(c.to_uppercase());
            return;
        }
    };
    out.push(upper);
}

/// The cases a word form most likely has, from its ending (role nouns before a name).
fn ending_cases(lower: &str) -> u8 {
    if ends_with_fast(lower, "ом")
        || ends_with_fast(lower, "ем")
        || ends_with_fast(lower, "ою")
        || ends_with_fast(lower, "єм")
    {
        16
    } else if ends_with_fast(lower, "ові")
        || ends_with_fast(lower, "еві")
        || ends_with_fast(lower, "єві")
    {
        4 | 32
    } else if lower.ends_with('а') || lower.ends_with('я') {
        2 | 8
    } else if lower.ends_with('и') || lower.ends_with('і') {
        2 | 4 | 32
    } else if lower.ends_with('у') || lower.ends_with('ю') {
        4 | 8 | 32
    } else {
        1
    }
}

fn verb_gender(t: Option<&Tok>) -> Gender {
    let Some(t) = t else {
        return Gender::Unknown;
    };
    if t.kind != Kind::Word || t.cap {
        return Gender::Unknown;
    }
    let w = strip_suffix_fast(&t.lower, "ся").unwrap_or(&t.lower);
    // At least `k` letters (counted no further than the `k`th).
    let has = |k: usize| w.chars().nth(k - 1).is_some();
    if matches!(
        w,
        "був" | "мав" | "став" | "жив" | "пив" | "йшов" | "пішов" | "прийшов"
    ) {
        return Gender::Male;
    }
    if matches!(w, "була" | "мала" | "стала" | "жила" | "пішла" | "прийшла")
    {
        return Gender::Female;
    }
    if !has(4) {
        return Gender::Unknown;
    }
    if ends_with_fast(w, "ла") && !ends_with_fast(w, "ела") && !ends_with_fast(w, "сла")
        || ends_with_fast(w, "ела") && has(6)
    {
        // заявила, сказала, повідомила, зустрілася.
        if ends_with_fast(w, "ила")
            || ends_with_fast(w, "ала")
            || ends_with_fast(w, "іла")
            || ends_with_fast(w, "яла")
        {
            return Gender::Female;
        }
    }
    if ends_with_fast(w, "ив")
        || ends_with_fast(w, "ав")
        || ends_with_fast(w, "яв")
        || ends_with_fast(w, "ув")
        || ends_with_fast(w, "ів") && has(6)
    {
        if ends_with_fast(&t.lower, "ів") && !is_past_iv(w) {
            return Gender::Unknown;
        }
        return Gender::Male;
    }
    Gender::Unknown
}

fn is_past_iv(w: &str) -> bool {
    // розповів, зустрів, сів, хотів, вмів: verbs; депутатів, років: genitive plurals.
    ends_with_any!(
        w,
        [
            "розповів",
            "зустрів",
            "хотів",
            "зумів",
            "вмів",
            "встиг",
            "захотів",
            "полетів",
            "пішов",
            "сів",
        ]
    )
}

/// A patronymic reading of `lower` whose stem is a known given name (Олександрович ←
/// Олександр), so surnames in -ович (Янукович) are not taken for patronymics.
fn real_patronymic(lex: &Lexicon, lower: &str) -> Option<(Gender, u8)> {
    let (g, c) = patronymic(lower)?;
    let stem_end = if g == Gender::Male {
        lower.rfind("ович").or_else(|| lower.rfind("евич"))?
    } else {
        lower
            .rfind("івн")
            .or_else(|| lower.rfind("ївн"))
            .or_else(|| lower.rfind("ичн"))?
    };
    let stem = &lower[..stem_end];
    let known = |s: &str| {
        !super::lexicon::is_diminutive(s)
            && lex
                .given
                .get(s)
                .is_some_and(|rs| rs.iter().any(|r| r.cases & 1 != 0))
    };
    let ok = known(stem)
        || ["о", "а", "ь", "й", "ій"]
            .iter()
            .any(|e| known(&format!("{stem}{e}")))
        || stem.strip_suffix('й').is_some_and(known);
    ok.then_some((g, c))
}

fn surname_shaped(nom: &str) -> bool {
    const ENDS: &[&str] = &[
        "енко",
        "ський",
        "цький",
        "ська",
        "цька",
        "зький",
        "зька",
        "ук",
        "юк",
        "чук",
        "ович",
        "евич",
        "ов",
        "ев",
        "єв",
        "ова",
        "єва",
        "ева",
        "ін",
        "іна",
        "ишин",
        "як",
        "ак",
        "ко",
        "ий",
        "ій",
        "ян",
        "ишина",
        "ецький",
        "ецька",
    ];
    ends_with_any!(nom, ENDS) && nom.chars().count() >= 4
}

fn plausible_nominative(nom: &str) -> bool {
    !(ends_with_any!(
        nom,
        [
            "ого",
            "ому",
            "ої",
            "ою",
            "ові",
            "еві",
            "ською",
            "ськом",
            "ським",
            "цьким",
            "ській",
            "ську",
            "овим",
            "іним",
        ]
    ) || ends_with_fast(nom, "ком") && !ends_with_fast(nom, "ьком"))
}

/// The highest score [`pick_surname_scored`] gives a candidate other than the token itself
/// read as a nominative: a listed surname (3) that is plausible and agrees with the gender.
const SURNAME_SCORE_MAX: i32 = 3;

/// The nominative of a surname token and how plausible it is.
fn pick_surname_scored(lex: &Lexicon, lower: &str, gender: Gender, cases: u8) -> (String, i32) {
    // The candidates of `surname_candidates`, scored as they come: the first best one wins
    // (a repeated candidate scores the same as its first occurrence, so it never wins).
    // A candidate scores at most 3, except `lower` itself when the nominative is allowed
    // (3 + 1): that one comes first, and any repeat of it scores the same. So once the best
    // score is 3 or more, no later candidate can beat it and the enumeration stops.
    let mut buf = String::with_capacity(lower.len() + 8);
    let mut best: Option<(i32, String)> = None;
    surname_candidates_each(lower, gender, Cases(cases), |a, b, e| {
        buf.clear();
        buf.push_str(a);
        buf.push_str(b);
        buf.push_str(e);
        if buf.is_empty() {
            return false;
        }
        let c = buf.as_str();
        let mut s = 0;
        let lists = lex.surnames_all.lists(c);
        if lists & super::names::IN_TOP != 0 {
            s += SURNAME_SCORE_MAX;
        } else if lists & super::names::IN_ALL != 0 {
            s += 2;
        }
        if !plausible_nominative(c) {
            s -= 4;
        }
        if c == lower && cases & 1 != 0 {
            s += 1;
        }
        if gender == Gender::Male
            && (ends_with_fast(c, "ська")
                || ends_with_fast(c, "цька")
                || ends_with_fast(c, "ова")
                || ends_with_fast(c, "іна"))
        {
            s -= 3;
        }
        if gender == Gender::Female
            && (ends_with_fast(c, "ський")
                || ends_with_fast(c, "цький")
                || ends_with_fast(c, "ича")
                || ends_with_fast(c, "ого")
                || ends_with_fast(c, "ова") && c != lower)
        {
            s -= 3;
        }
        match &mut best {
            Some((bs, bc)) => {
                if s > *bs {
                    *bs = s;
                    bc.clear();
                    bc.push_str(c);
                }
            }
            None => best = Some((s, c.to_string())),
        }
        best.as_ref()
            .is_some_and(|(bs, _)| *bs >= SURNAME_SCORE_MAX)
    });
    best.map_or_else(|| (lower.to_string(), -9), |(s, c)| (c, s))
}

fn surname_gender(nom: &str) -> Gender {
    if ends_with_fast(nom, "ська")
        || ends_with_fast(nom, "цька")
        || ends_with_fast(nom, "зька")
        || ends_with_fast(nom, "ова")
        || ends_with_fast(nom, "єва")
        || ends_with_fast(nom, "ева")
        || ends_with_fast(nom, "іна")
        || ends_with_fast(nom, "ина") && nom.chars().count() > 5
    {
        Gender::Female
    } else if ends_with_fast(nom, "ський")
        || ends_with_fast(nom, "цький")
        || ends_with_fast(nom, "ов")
        || ends_with_fast(nom, "ев")
        || ends_with_fast(nom, "єв")
        || ends_with_fast(nom, "ін")
        || ends_with_fast(nom, "ий")
    {
        Gender::Male
    } else {
        Gender::Unknown
    }
}

struct Ctx<'a> {
    text: &'a str,
    toks: &'a [Tok<'a>],
    quoted: Vec<bool>,
    lex: &'static Lexicon,
    /// Canonical forms of this article's spans (names recur within an article).
    morph_cache: std::cell::RefCell<super::morph::MorphCache>,
    /// [`Ctx::given`] per token, computed on first use.
    given_memo: Vec<std::cell::OnceCell<Option<&'static Vec<super::lexicon::GivenReading>>>>,
    /// What [`single_score`] learns from [`Ctx::surname_scored`] of a word for each gender
    /// of the verb after it (a lone word recurs in an article): see [`SingleSurname`].
    single_memo: std::cell::RefCell<FxMap<&'a str, [Option<SingleSurname>; 3]>>,
}

thread_local! {
    /// [`pick_surname_scored`] (of the one lexicon, so a pure function of the word, gender and
    /// cases) for the articles this thread extracted before; bounded (see
    /// [`super::morph::ThreadMemo`]).
    static SURNAME_MEMO: std::cell::RefCell<super::morph::ThreadMemo<(Gender, u8), (String, i32)>> =
        std::cell::RefCell::new(super::morph::ThreadMemo::new(32_768));
}

/// [`single_score`]'s use of a word's surname nominative: its score, and whether it is in the
/// top and the full surname lists.
#[derive(Debug, Clone, Copy)]
struct SingleSurname {
    score: i32,
    top: bool,
    all: bool,
}

impl Ctx<'_> {
    fn word(&self, i: usize) -> Option<&Tok<'_>> {
        self.toks.get(i).filter(|t| t.kind == Kind::Word)
    }

    fn is_initial(&self, i: usize) -> bool {
        let Some(t) = self.word(i) else { return false };
        if !t.cap {
            return false;
        }
        let n = t.ce - t.cs;
        let dot = self
            .toks
            .get(i + 1)
            .is_some_and(|d| d.kind == Kind::Punct && d.ch == '.' && !d.space_before);
        dot && (n == 1
            || n == 2 && matches!(t.lower.as_str(), "дж" | "ст" | "ол" | "ю" | "ch" | "th"))
    }

    /// The given-name readings of token `i` (memoised per token: the rules ask often).
    fn given(&self, i: usize) -> Option<&'static Vec<super::lexicon::GivenReading>> {
        match self.given_memo.get(i) {
            Some(cell) => *cell.get_or_init(|| self.given_uncached(i)),
            None => self.given_uncached(i),
        }
    }

    fn given_uncached(&self, i: usize) -> Option<&'static Vec<super::lexicon::GivenReading>> {
        let t = self.word(i)?;
        if !t.cap || t.latin {
            return None;
        }
        if let Some(g) = self.lex.given.get(t.lower.as_str()) {
            return Some(g);
        }
        // «Вячеслав» written without the apostrophe.
        let l = t.lower.as_str();
        let lip = |prev: char, c: char| {
            matches!(c, 'я' | 'ю' | 'є' | 'ї') && matches!(prev, 'в' | 'б' | 'п' | 'м' | 'ф' | 'р')
        };
        let mut prev = ' ';
        let mut changed = false;
        for c in l.chars() {
            changed |= lip(prev, c);
            prev = c;
        }
        if changed {
            let mut fixed = String::with_capacity(l.len() + 4);
            let mut prev = ' ';
            for c in l.chars() {
                if lip(prev, c) {
                    fixed.push('ʼ');
                }
                fixed.push(c);
                prev = c;
            }
            return self.lex.given.get(&fixed);
        }
        // «Генадій», «Ана»: a double consonant written single.
        if l.chars().count() < 6
            || sentence_initial(self.toks, i)
            || (fast_paths() && !self.lex.given_singled.contains(l))
        {
            return None;
        }
        given_doubled(self.lex, l)
    }

    /// [`pick_surname_scored`] for the lexicon, memoised per thread across articles
    /// ([`SURNAME_MEMO`]): within one article the same word is rarely asked again with the
    /// same gender and cases, but news articles share their people.
    fn surname_scored(&self, lower: &str, gender: Gender, cases: u8) -> (String, i32) {
        if !super::morph::thread_memos_on() {
            return pick_surname_scored(self.lex, lower, gender, cases);
        }
        if let Some(r) = SURNAME_MEMO.with(|m| m.borrow().get(lower, (gender, cases))) {
            return r;
        }
        let r = pick_surname_scored(self.lex, lower, gender, cases);
        SURNAME_MEMO.with(|m| m.borrow_mut().put(lower, (gender, cases), &r));
        r
    }

    /// The nominative of a surname token ([`Ctx::surname_scored`] without the score).
    fn surname(&self, lower: &str, gender: Gender, cases: u8) -> String {
        self.surname_scored(lower, gender, cases).0
    }

    fn is_stop(&self, i: usize) -> bool {
        let Some(t) = self.word(i) else { return true };
        self.lex.stop.contains(t.lower.as_str()) || self.lex.roles.contains_key(t.lower.as_str())
    }

    fn is_namey(&self, i: usize) -> bool {
        // A capitalised word that may be part of a name.
        self.word(i).is_some_and(|t| t.cap) && !self.quoted[i]
    }
}

/// The given-name readings of `l` with one of its н, л, с, т written twice («Генадій» →
/// «Геннадій»): the first such position (not the first letter, not already doubled) whose
/// doubled form is a given name.
fn given_doubled(
    lex: &'static Lexicon,
    l: &str,
) -> Option<&'static Vec<super::lexicon::GivenReading>> {
    let mut doubled = String::with_capacity(l.len() + 2);
    let mut prev: Option<char> = None;
    let mut it = l.char_indices().peekable();
    while let Some((b, c)) = it.next() {
        let next = it.peek().map(|x| x.1);
        if prev.is_some()
            && matches!(c, 'н' | 'л' | 'с' | 'т')
            && prev != Some(c)
            && next.is_none_or(|n| n != c)
        {
            // The word with this letter written twice.
            doubled.clear();
            doubled.push_str(&l[..b + c.len_utf8()]);
            doubled.push_str(&l[b..]);
            if let Some(g) = lex.given.get(&doubled) {
                return Some(g);
            }
        }
        prev = Some(c);
    }
    None
}

/// Finds the people named in `text`.
pub fn extract(text: &str, lang: Lang, registry: &Registry) -> Extraction {
    without_nameless(extract_any(text, lang, registry))
}

/// Drops mentions whose canonical name has no letter (a mangled span can reduce to nothing),
/// and the people and roles that only they carried: such a name never becomes a page.
fn without_nameless(mut ex: Extraction) -> Extraction {
    let named = |n: &str| n.chars().any(alphabetic);
    if ex.mentions.iter().all(|m| named(&m.canonical)) {
        return ex;
    }
    ex.mentions.retain(|m| named(&m.canonical));
    ex.people.retain(|p| named(p));
    ex.roles.retain(|r| named(&r.person));
    ex
}

fn extract_any(text: &str, lang: Lang, registry: &Registry) -> Extraction {
    let mut lowered = String::new();
    let toks = tokenize_with(text, &mut lowered);
    if lang == Lang::En {
        return english::extract_en(text, &toks, registry);
    }
    let lex = lexicon();
    let mut quoted = quoted_mask(&toks);
    unquote_names(&toks, &mut quoted, lex);
    let ctx = Ctx {
        text,
        toks: &toks,
        quoted,
        lex,
        morph_cache: Default::default(),
        given_memo: vec![std::cell::OnceCell::new(); toks.len()],
        single_memo: Default::default(),
    };
    let found = find_candidates(&ctx);
    let cands = resolve_article(&ctx, found);
    finish(text, &toks, cands, registry)
}

/// Builds the Extraction from accepted, canonicalised candidates.
fn finish(text: &str, toks: &[Tok], cands: Vec<Cand>, registry: &Registry) -> Extraction {
    let mut ex = Extraction::default();
    for c in cands {
        let (Some(ft), Some(lt)) = (toks.get(c.first), toks.get(c.last)) else {
            continue;
        };
        let span = text.get(ft.bs..lt.be).unwrap_or_default();
        if span.is_empty() || registry.is_ignored(span) || registry.is_ignored(&c.canonical) {
            continue;
        }
        let canonical = registry
            .resolve(&c.canonical)
            .map(str::to_string)
            .unwrap_or(c.canonical);
        if !ex.people.contains(&canonical) {
            ex.people.push(canonical.clone());
        }
        // A role is listed once per person however often it is written.
        if let Some(r) = c.role {
            if !ex
                .roles
                .iter()
                .any(|x| x.person == canonical && x.role == r)
            {
                ex.roles.push(PersonRole {
                    person: canonical.clone(),
                    role: r,
                });
            }
        }
        ex.mentions.push(Mention {
            start: ft.cs,
            end: lt.ce,
            text: span.to_string(),
            canonical,
        });
    }
    ex
}

/// Scans back from a span for a role word; returns (role token index, first token of the
/// role phrase) when the words in between are a short complement («секретар РНБО»).
fn role_before(ctx: &Ctx, first: usize) -> Option<(usize, usize)> {
    let mut j = first;
    let mut steps = 0;
    while j > 0 && steps < 8 {
        j -= 1;
        steps += 1;
        let t = &ctx.toks[j];
        match t.kind {
            Kind::Word => {
                if ctx.lex.roles.contains_key(t.lower.as_str()) {
                    // «керівник Офісу президента»: the role word governs a capitalised
                    // complement; look further back for the head role word.
                    let mut j = j;
                    if j >= 2 && ctx.toks[j - 1].kind == Kind::Word && ctx.toks[j - 1].cap {
                        let mut m = j - 1;
                        let mut hops = 0;
                        while m > 0
                            && hops < 3
                            && ctx.toks[m].kind == Kind::Word
                            && !ctx.toks[m].nl_before
                        {
                            m -= 1;
                            hops += 1;
                            if ctx.toks[m].kind == Kind::Word
                                && ctx.lex.roles.contains_key(ctx.toks[m].lower.as_str())
                            {
                                j = m;
                                break;
                            }
                        }
                    }
                    // Adjectives before the role word: «спеціальним посланцем».
                    let mut s = j;
                    while s > 0 {
                        let p = &ctx.toks[s - 1];
                        if p.kind == Kind::Word && !p.cap && is_adjective(&p.lower) && !p.nl_before
                        {
                            s -= 1;
                        } else {
                            break;
                        }
                    }
                    if ctx.toks[j].nl_before && s < j {
                        s = j;
                    }
                    return Some((j, s));
                }
                if !t.cap
                    && (preposition_cases(&t.lower).is_some()
                        || matches!(
                            t.lower.as_str(),
                            "та" | "і" | "й" | "а" | "що" | "як" | "але"
                        ))
                {
                    return None;
                }
                if !t.cap && verb_gender(Some(t)) != Gender::Unknown {
                    return None;
                }
            }
            Kind::Punct => {
                if !matches!(t.ch, '"' | '«' | '»' | '“' | '”' | '„' | '-') {
                    return None;
                }
            }
            Kind::Num => return None,
        }
        if t.nl_before {
            return None;
        }
    }
    None
}

/// Gender told by a role noun before a name («речниця», «директорка», «заступниця»).
fn role_word_gender(l: &str) -> Gender {
    const F: &[&str] = &[
        "иця", "иці", "ицю", "ицею", "ка", "ки", "ці", "кою", "киня", "кині", "киню",
    ];
    if lexicon()
        .roles
        .get(l)
        .is_some_and(|nom| F.iter().any(|e| ends_with_fast(nom, e)) && !ends_with_fast(nom, "ник"))
    {
        Gender::Female
    } else {
        Gender::Unknown
    }
}

/// The nominative of an unknown, declined given name (Ріната → Рінат, Люсі → Люся).
fn guess_given(l: &str, gender: Gender) -> String {
    if gender == Gender::Female {
        for (suf, rep) in [
            ("ією", "ія"),
            ("ії", "ія"),
            ("ію", "ія"),
            ("ою", "а"),
            ("ею", "я"),
            ("ої", "а"),
            ("и", "а"),
            ("у", "а"),
            ("і", "а"),
        ] {
            if let Some(s) = strip_suffix_fast(l, suf) {
                return format!("{s}{rep}");
            }
        }
        return l.to_string();
    }
    for suf in ["ові", "ом", "а", "у"] {
        if let Some(s) = strip_suffix_fast(l, suf) {
            if s.chars()
                .next_back()
                .is_some_and(|c| !"аеєиіїоуюяьй".contains(c))
                && s.chars().count() >= 2
            {
                return s.to_string();
            }
        }
    }
    l.to_string()
}

fn is_adjective(l: &str) -> bool {
    ends_with_any!(
        l,
        [
            "ий", "ій", "им", "ім", "ого", "ього", "ому", "ьому", "ий", "ша", "ня", "ої", "ою",
        ]
    ) && l.chars().count() > 3
}

fn adjective_nominative(l: &str) -> String {
    for (suf, rep) in [
        ("нього", "ній"),
        ("ньому", "ній"),
        ("нім", "ній"),
        ("ого", "ий"),
        ("ому", "ий"),
        ("им", "ий"),
        ("ім", "ий"),
    ] {
        if let Some(s) = strip_suffix_fast(l, suf) {
            return format!("{s}{rep}");
        }
    }
    l.to_string()
}

fn role_phrase(ctx: &Ctx, role_tok: usize, start: usize, end_excl: usize) -> Option<String> {
    let mut out = String::new();
    for k in start..end_excl {
        let t = &ctx.toks[k];
        if k > start && t.space_before {
            out.push(' ');
        }
        if k == role_tok {
            let nom = ctx.lex.roles.get(t.lower.as_str())?;
            out.push_str(nom);
        } else if k < role_tok {
            out.push_str(&adjective_nominative(&t.lower));
        } else {
            out.push_str(ctx.text.get(t.bs..t.be)?);
        }
    }
    let out = out.trim_matches(|c: char| c == ' ' || c == '-').to_string();
    (!out.is_empty()).then_some(out)
}

/// Case hint from the word before a span.
fn case_hint(ctx: &Ctx, first: usize) -> u8 {
    if first == 0 {
        return 127;
    }
    let p = &ctx.toks[first - 1];
    if p.kind != Kind::Word {
        return 127;
    }
    if let Some(c) = preposition_cases(&p.lower) {
        return c;
    }
    if p.lower == "словами" {
        return 2;
    }
    if ctx.lex.roles.contains_key(p.lower.as_str()) {
        return ending_cases(&p.lower);
    }
    127
}

/// Candidates of one text: parsed name spans, and lone capitalised words decided later.
#[derive(Default)]
struct Found {
    cands: Vec<Cand>,
    singles: Vec<usize>,
    /// Two unknown capitalised words that are a name only in a list of people.
    pairs: Vec<(usize, usize)>,
    /// Ambiguous given names standing alone.
    given_alone: Vec<usize>,
}

#[inline(never)]
fn find_candidates(ctx: &Ctx) -> Found {
    let toks = ctx.toks;
    let mut out = Found::default();
    let mut i = 0;
    while i < toks.len() {
        if !ctx.is_namey(i) {
            i += 1;
            continue;
        }
        if let Some(next) = nicknamed(ctx, i, &mut out) {
            i = next;
            continue;
        }
        if let Some(next) = coordinated_family(ctx, i, &mut out) {
            i = next;
            continue;
        }
        // A run: capitalised words, initials with their dots, particles between names.
        let mut run: Vec<usize> = vec![i];
        let mut j = i;
        loop {
            let next = if ctx.is_initial(j) { j + 2 } else { j + 1 };
            let Some(t) = toks.get(next) else { break };
            if t.nl_before || run.len() >= 12 {
                break;
            }
            if ctx.is_namey(next) && nickname_at(ctx, next).is_none() {
                run.push(next);
                j = next;
                continue;
            }
            if t.kind == Kind::Word
                && is_particle(&t.lower)
                && ctx.is_namey(next + 1)
                && !toks[next + 1].nl_before
            {
                run.push(next);
                run.push(next + 1);
                j = next + 1;
                continue;
            }
            break;
        }
        let end = if ctx.is_initial(j) { j + 2 } else { j + 1 };
        parse_run(ctx, &run, &mut out);
        i = end;
    }
    out
}

/// «Петро «Грім» Ковальчук»: a known given name, a capitalised nickname in quotes and a
/// surname are one span, named without the nickname. Returns the token after the span.
fn nicknamed(ctx: &Ctx, i: usize, out: &mut Found) -> Option<usize> {
    let sn = nickname_at(ctx, i)?;
    let before = out.cands.len();
    push_cand(ctx, vec![(i, Role::Given), (sn, Role::Surname)], out);
    (out.cands.len() > before).then_some(sn + 1)
}

/// The surname's token when a nicknamed name (see [`nicknamed`]) starts at token `i`.
fn nickname_at(ctx: &Ctx, i: usize) -> Option<usize> {
    let toks = ctx.toks;
    let open = toks.get(i + 1)?;
    if open.kind != Kind::Punct || !is_open_quote(toks, i + 1) || open.nl_before {
        return None;
    }
    // One or two capitalised words, then the closing quote.
    let mut j = i + 2;
    while j < i + 4
        && ctx
            .word(j)
            .is_some_and(|t| t.cap && !t.allcaps && !t.nl_before)
    {
        j += 1;
    }
    let close = toks.get(j)?;
    if j == i + 2 || close.kind != Kind::Punct || !is_close_quote(close) || close.nl_before {
        return None;
    }
    let sn = j + 1;
    let st = ctx.word(sn)?;
    let given_ok =
        ctx.given(i).is_some() && !ctx.lex.given_ambiguous.contains(toks[i].lower.as_str());
    if !given_ok
        || !st.cap
        || st.allcaps
        || st.latin
        || st.nl_before
        || ctx.given(sn).is_some()
        || ctx.is_stop(sn)
        || ctx.lex.places_major.contains(st.lower.as_str())
        || is_particle(&st.lower)
    {
        return None;
    }
    Some(sn)
}

/// «Денису і Володимиру Ященкам», «Олена та Сергій Ткаченки»: two given names sharing one plural
/// surname are one span, named after the first person. Returns the token after the span.
fn coordinated_family(ctx: &Ctx, i: usize, out: &mut Found) -> Option<usize> {
    let toks = ctx.toks;
    let conj = toks.get(i + 1)?;
    let (g2, sn) = (toks.get(i + 2)?, toks.get(i + 3)?);
    if !matches!(conj.lower.as_str(), "і" | "та" | "й")
        || conj.cap
        || conj.nl_before
        || g2.nl_before
        || sn.nl_before
        || !ctx.is_namey(i + 3)
        || ctx.given(i + 3).is_some()
        || !maybe_plural(&sn.lower)
        || ctx
            .toks
            .get(i + 4)
            .is_some_and(|t| ctx.is_namey(i + 4) && !t.nl_before)
    {
        return None;
    }
    let first = ctx.given(i)?;
    let second = ctx.given(i + 2)?;
    // The first person's reading: a case the second name shares.
    let r = first
        .iter()
        .find(|r| second.iter().any(|q| q.cases & r.cases != 0))
        .or(first.first())?;
    let singular = singular_surname(&sn.lower, r.gender);
    if singular == *sn.lower {
        return None;
    }
    let raw = ctx.text.get(sn.bs..sn.be).unwrap_or_default();
    let surname = capitalise_like(raw, &singular);
    out.cands.push(Cand {
        first: i,
        last: i + 3,
        given: Some((r.nominative.clone(), r.gender)),
        gender: r.gender,
        surname_only: false,
        given_only: false,
        initials: Vec::new(),
        canonical: format!("{} {surname}", r.nominative),
        surname: Some(surname),
        surname_forms: vec![sn.lower.to_string(), singular],
        role: role_before(ctx, i).and_then(|(rt, st)| role_phrase(ctx, rt, st, i)),
    });
    Some(i + 4)
}

/// The role each token of a run plays, or None for a token that cannot be in a name.
fn parse_run(ctx: &Ctx, run: &[usize], out: &mut Found) {
    let lex = ctx.lex;
    // Split the run at tokens that cannot be part of a name.
    let mut seg: Vec<usize> = Vec::new();
    let mut segs: Vec<Vec<usize>> = Vec::new();
    for (k, &ti) in run.iter().enumerate() {
        let t = &ctx.toks[ti];
        let after_given = k > 0
            && ctx.given(run[k - 1]).is_some()
            && !ctx
                .lex
                .given_ambiguous
                .contains(ctx.toks[run[k - 1]].lower.as_str())
            && !ctx.lex.roles.contains_key(t.lower.as_str())
            && !ctx.lex.places.contains(t.lower.as_str())
            && t.lower.chars().count() > 3;
        let stop = !is_particle(&t.lower)
            && !ctx.is_initial(ti)
            && !after_given
            && ctx.is_stop(ti)
            && (ctx.given(ti).is_none() || ctx.lex.given_ambiguous.contains(t.lower.as_str()));
        let abbr = t.allcaps && !ctx.is_initial(ti) && {
            // ALL-CAPS words are names only next to a given name.
            let prev_given = k > 0
                && (ctx.given(run[k - 1]).is_some()
                    || ctx.is_initial(run[k - 1]) && t.ce - t.cs >= 4);
            let next_given = run.get(k + 1).is_some_and(|&n| ctx.given(n).is_some());
            !(prev_given || next_given) || t.ce - t.cs < 3
        };
        if stop || abbr {
            if !seg.is_empty() {
                segs.push(std::mem::take(&mut seg));
            }
            continue;
        }
        seg.push(ti);
    }
    if !seg.is_empty() {
        segs.push(seg);
    }
    for s in segs {
        parse_segment(ctx, &s, out);
        let _ = lex;
    }
}

fn given_ok(ctx: &Ctx, seg: &[usize], k: usize) -> bool {
    let ti = seg[k];
    if ctx.given(ti).is_none() {
        return false;
    }
    if ctx
        .lex
        .given_ambiguous
        .contains(ctx.toks[ti].lower.as_str())
    {
        // Only with a surname right after it. Another ambiguous given name that ends the
        // segment is that surname («Роман Бойко», «Богдан Мирослава»).
        return seg.get(k + 1).is_some_and(|&n| {
            let surname_too =
                ctx.lex.given_ambiguous.contains(ctx.toks[n].lower.as_str()) && k + 2 == seg.len();
            (ctx.given(n).is_none() || surname_too)
                && !ctx.is_initial(n)
                && !is_particle(&ctx.toks[n].lower)
        });
    }
    true
}

fn parse_segment(ctx: &Ctx, seg: &[usize], out: &mut Found) {
    if seg.is_empty() {
        return;
    }
    let toks = ctx.toks;
    let n = seg.len();
    let first_initial = sentence_initial(toks, seg[0]);
    // Surname-first: «Зеленський Володимир Олександрович», «Януковича В. Ф.».
    if n >= 2 && !ctx.is_initial(seg[0]) && ctx.given(seg[0]).is_none() {
        let t1_given = ctx.given(seg[1]).is_some();
        let t2_patr = seg
            .get(2)
            .is_some_and(|&k| real_patronymic(ctx.lex, &toks[k].lower).is_some());
        // A sentence's first word before «Іван Васильович» is a surname only when the lists
        // know it so («Нині Івану Васильовичу», «Тішився Роман Олексійович»).
        let surname_first_ok =
            !first_initial || ctx.lex.surnames_all.contains(toks[seg[0]].lower.as_str());
        if t1_given && t2_patr && surname_first_ok {
            let parts = vec![
                (seg[0], Role::Surname),
                (seg[1], Role::Given),
                (seg[2], Role::Patronymic),
            ];
            push_cand(ctx, parts, out);
            parse_segment(ctx, &seg[3..], out);
            return;
        }
        if t1_given && t2_patr {
            parse_segment(ctx, &seg[1..], out);
            return;
        }
        // «Климент Васильович»: an unknown word before a patronymic is a given name.
        if !t1_given
            && real_patronymic(ctx.lex, &toks[seg[1]].lower).is_some()
            && !ctx.lex.places.contains(toks[seg[0]].lower.as_str())
            && !toks[seg[0]].allcaps
            && (!first_initial || verb_gender(toks.get(seg[1] + 1)) != Gender::Unknown)
        {
            push_cand(
                ctx,
                vec![(seg[0], Role::Given), (seg[1], Role::Patronymic)],
                out,
            );
            parse_segment(ctx, &seg[2..], out);
            return;
        }
        if ctx.is_initial(seg[1]) && !first_initial || ctx.is_initial(seg[1]) && n == 2 {
            let mut parts = vec![(seg[0], Role::Surname)];
            let mut k = 1;
            while k < n && ctx.is_initial(seg[k]) && k <= 3 {
                parts.push((seg[k], Role::Initial));
                k += 1;
            }
            push_cand(ctx, parts, out);
            parse_segment(ctx, &seg[k..], out);
            return;
        }
        if t1_given
            && n == 2
            && !first_initial
            && given_ok(ctx, seg, 1)
            && real_patronymic(ctx.lex, &toks[seg[0]].lower).is_none()
            && !ctx.lex.places.contains(toks[seg[0]].lower.as_str())
        {
            let sn = toks[seg[0]].lower.as_str();
            if ctx.lex.surnames_all.contains(sn) || surname_shaped(sn) {
                push_cand(
                    ctx,
                    vec![(seg[0], Role::Surname), (seg[1], Role::Given)],
                    out,
                );
                return;
            }
        }
    }
    // Find the first given name or initial.
    let mut start = (0..n).find(|&k| ctx.is_initial(seg[k]) || given_ok(ctx, seg, k));
    // «Житомира Гнатюк О. П.»: a surname with initials after it has no given name before it.
    if let Some(k0) = start {
        if !ctx.is_initial(seg[k0])
            && k0 + 2 < n
            && !ctx.is_initial(seg[k0 + 1])
            && ctx.given(seg[k0 + 1]).is_none()
            && ctx.is_initial(seg[k0 + 2])
        {
            start = Some(k0 + 2);
        }
    }
    let Some(k0) = start else {
        // No given name: surname-only candidates.
        if first_initial && n > 1 {
            // The sentence-initial word is on its own.
            single(ctx, seg[0], out);
            parse_segment(ctx, &seg[1..], out);
            return;
        }
        if n == 1 {
            single(ctx, seg[0], out);
        } else {
            multi_unknown(ctx, seg, out);
        }
        return;
    };
    if k0 > 0
        && ctx.is_initial(seg[k0])
        && !seg[k0..].iter().any(|&t| !ctx.is_initial(t))
        && !sentence_initial(toks, seg[k0 - 1])
    {
        // «Кіровограда Поповою С. Т.»: the word before trailing initials is their surname.
        if k0 >= 2 {
            parse_segment(ctx, &seg[..k0 - 1], out);
        }
        let mut parts = vec![(seg[k0 - 1], Role::Surname)];
        parts.extend(seg[k0..].iter().take(3).map(|&t| (t, Role::Initial)));
        push_cand(ctx, parts, out);
        return;
    }
    if k0 > 0 {
        // Words before the given name: a sentence-initial word, or the complement of a role
        // («Голова Нацбанку Андрій Пишний»). A lone sentence-initial word may still be a surname
        // handled by `single`; a word right before a given name is not.
        if k0 >= 2 {
            parse_segment(ctx, &seg[..k0 - 1], out);
        }
        if foreign_first_given(ctx, seg, k0) {
            // Kept for the span below.
        } else if !sentence_initial(toks, seg[k0 - 1]) {
            // «дружина Бродського Світлана»: a genitive surname may stand before a name.
            single(ctx, seg[k0 - 1], out);
        }
    }
    let mut parts: Vec<(usize, Role)> = Vec::new();
    if k0 > 0 && foreign_first_given(ctx, seg, k0) {
        parts.push((seg[k0 - 1], Role::Given));
    }
    let mut k = k0;
    if ctx.is_initial(seg[k]) {
        while k < n && ctx.is_initial(seg[k]) && parts.len() < 3 {
            parts.push((seg[k], Role::Initial));
            k += 1;
        }
    } else {
        parts.push((seg[k], Role::Given));
        k += 1;
        // A second given name (Жан Поль, foreign middle names) only when a surname follows.
        if k + 1 < n && given_ok(ctx, seg, k) && ctx.given(seg[k + 1]).is_none() {
            parts.push((seg[k], Role::Given));
            k += 1;
        }
        let given_gender = ctx
            .given(seg[k - 1])
            .map(|rs| rs.iter().map(|r| r.gender).collect::<Vec<_>>())
            .unwrap_or_default();
        let patr_gender_ok = |t: &Tok| {
            patronymic(&t.lower)
                .is_some_and(|(g, _)| given_gender.is_empty() || given_gender.contains(&g))
        };
        if k < n
            && patr_gender_ok(&toks[seg[k]])
            && (real_patronymic(ctx.lex, &toks[seg[k]].lower).is_some()
                || patronymic(&toks[seg[k]].lower).is_some()
                    && k + 1 < n
                    && ctx.given(seg[k + 1]).is_none()
                    && !ctx.is_initial(seg[k + 1]))
        {
            parts.push((seg[k], Role::Patronymic));
            k += 1;
        }
    }
    // Surname part: up to two words plus particles.
    let mut sn = 0;
    while k < n && sn < 2 {
        let ti = seg[k];
        if is_particle(&toks[ti].lower) {
            if k + 1 < n {
                parts.push((ti, Role::Particle));
                k += 1;
                continue;
            }
            break;
        }
        if ctx.is_initial(ti) {
            break;
        }
        if sn >= 1 {
            // A second surname word only after a particle («Ланглад де Монгро»).
            if parts.last().map(|p| p.1) != Some(Role::Particle) {
                break;
            }
        }
        if sn == 0
            && given_ok(ctx, seg, k)
            && !ctx.lex.given_ambiguous.contains(toks[ti].lower.as_str())
        {
            // «Микола Андрій»: two given names in a row and nothing after: second is a surname.
            if k + 1 < n {
                break;
            }
        }
        parts.push((ti, Role::Surname));
        sn += 1;
        k += 1;
    }
    let has_surname = parts.iter().any(|p| p.1 == Role::Surname);
    let has_initial = parts.iter().any(|p| p.1 == Role::Initial);
    if has_initial && !has_surname {
        // Initials alone («В. Ф.») are not a mention.
        parse_segment(ctx, &seg[k..], out);
        return;
    }
    if !has_surname && !has_initial {
        // Given name alone (a common word only with a patronymic: «Роман Олексійович»).
        let ti = parts[0].0;
        let lower = toks[ti].lower.as_str();
        let with_patronymic = parts.iter().any(|p| p.1 == Role::Patronymic);
        if with_patronymic || !ctx.lex.given_common.contains(lower) {
            push_cand(ctx, parts, out);
        }
        parse_segment(ctx, &seg[k..], out);
        return;
    }
    push_cand(ctx, parts, out);
    parse_segment(ctx, &seg[k..], out);
}

/// «Хорхе Луїса Пінто»: an unknown word right before a known given name that has a surname after
/// it is a first given name when it is shaped like an undeclined foreign name (-е, -о, -і) and
/// like nothing else: no surname, place, stop word or adjective, not a sentence's first word.
fn foreign_first_given(ctx: &Ctx, seg: &[usize], k0: usize) -> bool {
    if k0 == 0 || k0 + 1 >= seg.len() || ctx.is_initial(seg[k0]) {
        return false;
    }
    let ti = seg[k0 - 1];
    let t = &ctx.toks[ti];
    let l = t.lower.as_str();
    let lex = ctx.lex;
    ctx.given(ti).is_none()
        && ctx.given(seg[k0 + 1]).is_none()
        && !ctx.is_initial(seg[k0 + 1])
        && !t.latin
        && !t.allcaps
        && !sentence_initial(ctx.toks, ti)
        && (3..=8).contains(&l.chars().count())
        && ["е", "о", "і"].iter().any(|e| ends_with_fast(l, e))
        && !is_adjective(l)
        && !lex.surnames_all.contains(l)
        && !surname_shaped(l)
        && !oblique_surname_shaped(l)
        && !lex.places.contains(l)
        && !ctx.is_stop(ti)
        && !named_after(l)
}

/// Several capitalised words without a given name («Груенбаум Джош» aside): accepted only
/// mid-sentence, with a role word before them, and none of them a place.
fn multi_unknown(ctx: &Ctx, seg: &[usize], out: &mut Found) {
    let toks = ctx.toks;
    // «президентом Ізраїлю Шимоном Пересом», «віце-мера Одеси Вахтанга Убірії»: a place in the
    // genitive before the name belongs to the role.
    if seg.len() >= 3 && ctx.lex.places_major.contains(toks[seg[0]].lower.as_str()) {
        multi_unknown(ctx, &seg[1..], out);
        return;
    }
    let any_place = seg
        .iter()
        .any(|&k| ctx.lex.places_major.contains(toks[k].lower.as_str()));
    // «команда Хорхе Сампаолі»: a word naming what belongs to a person works like a role.
    let owner_word = seg[0] > 0
        && toks.get(seg[0] - 1).is_some_and(|p| {
            p.kind == Kind::Word && !p.cap && !toks[seg[0]].nl_before && person_of(&p.lower)
        })
        && seg.iter().all(|&k| !is_adjective(&toks[k].lower));
    let role = owner_word || role_before(ctx, seg[0]).is_some_and(|(r, _)| r + 1 == seg[0]);
    if !any_place && role && seg.len() <= 3 && !sentence_initial(toks, seg[0]) {
        let mut parts = Vec::new();
        for (k, &ti) in seg.iter().enumerate() {
            let role = if k + 1 == seg.len() {
                Role::Surname
            } else if is_particle(&toks[ti].lower) {
                Role::Particle
            } else {
                Role::Given
            };
            parts.push((ti, role));
        }
        push_cand(ctx, parts, out);
        return;
    }
    // «Кравчука Гнидюри»: a first word declined from a listed surname is no given name; the
    // two words are two people's surnames, each decided alone.
    let x_surname = || {
        let x = toks[seg[0]].lower.as_str();
        let (nom, score) = ctx.surname_scored(x, Gender::Unknown, 2 | 4 | 8 | 16 | 32);
        score >= 2 && nom != x && !ctx.lex.surnames_all.contains(x)
    };
    // «Ріната Ахметова», «Ваагн Авагян»: an unknown given name before a clear surname.
    if seg.len() == 2 && !any_place && !sentence_initial(toks, seg[0]) {
        let (x, y) = (&toks[seg[0]], &toks[seg[1]]);
        let surname_like = ctx.lex.surnames_all.contains(y.lower.as_str())
            || surname_shaped(&y.lower)
            || oblique_surname_shaped(&y.lower)
            || (oblique_agreement(&x.lower, &y.lower) || undeclined_given(&x.lower, &y.lower))
                && !ctx.lex.places.contains(x.lower.as_str())
                && !ctx.lex.places.contains(y.lower.as_str())
            // A listed surname is evidence enough that a village of that name does not outweigh.
            || declined_known_surname(ctx, &x.lower, &y.lower)
                && !ctx.lex.places_major.contains(x.lower.as_str())
                && !ctx.lex.places_major.contains(y.lower.as_str());
        // A word the long surname list knows may still be a rarer given name before a word
        // that only a surname's ending fits («Остап Гнидовський»); not when it has a
        // surname's shape itself or is a frequent surname.
        let x_rare_surname = ctx.lex.surnames_all.contains(x.lower.as_str())
            && !ctx.lex.surnames_top.contains(x.lower.as_str())
            && !surname_shaped(&x.lower)
            && !oblique_surname_shaped(&x.lower)
            && strong_surname_shape(&y.lower);
        let x_ok = !is_adjective(&x.lower)
            && !x.latin
            && !y.latin
            && !ctx.lex.surnames_top.contains(x.lower.as_str())
            && (!ctx.lex.surnames_all.contains(x.lower.as_str()) || x_rare_surname)
            && !x.lower.contains('-')
            // A neuter adjective before its noun («Внутрішнє Військо»).
            && !ends_with_any!(&x.lower, ["нє", "ське", "цьке", "зьке", "ичне", "ове"])
            && !y.allcaps;
        let y_adj_noun = is_adjective(&y.lower)
            && toks.get(seg[1] + 1).is_some_and(|n| {
                n.kind == Kind::Word
                    && !function_word(&n.lower)
                    && (!n.cap && verb_gender(Some(n)) == Gender::Unknown
                        || ctx.is_stop(seg[1] + 1))
            });
        let x_place = ctx.lex.places.contains(x.lower.as_str()) && is_adjective(&y.lower);
        if surname_like && x_ok && !y_adj_noun && !x_place && !named_after_before(ctx, seg[0]) {
            push_cand(
                ctx,
                vec![(seg[0], Role::Given), (seg[1], Role::Surname)],
                out,
            );
            return;
        }
    }
    if seg.len() == 2
        && !any_place
        && seg.iter().all(|&k| {
            let t = &toks[k];
            !t.latin
                && !t.allcaps
                && !is_adjective(&t.lower)
                && !ctx.lex.places.contains(t.lower.as_str())
        })
        && !x_surname()
    {
        out.pairs.push((seg[0], seg[1]));
    }
    for &k in seg {
        single(ctx, k, out);
    }
}

/// A preposition or conjunction: the word after an adjective-shaped surname that shows it is
/// not an adjective before its noun («Ковалевський під час візиту», «Ковалевського й інших»).
fn function_word(lower: &str) -> bool {
    preposition_cases(lower).is_some()
        || matches!(
            lower,
            "і" | "й"
                | "та"
                | "а"
                | "але"
                | "що"
                | "як"
                | "чи"
                | "або"
                | "ні"
                | "не"
                | "теж"
                | "також"
                | "вже"
        )
}

/// Two unknown words in the same oblique case of a masculine name: «Шимоном Пересом»,
/// «Бердімурату Джумаєву», «Вахтанга Убірії». The given name's ending follows a consonant.
fn oblique_agreement(x: &str, y: &str) -> bool {
    let after_consonant = |w: &str, suf: &str| {
        strip_suffix_fast(w, suf).is_some_and(|s| {
            s.chars().count() >= 3
                && s.chars()
                    .next_back()
                    .is_some_and(|c| !"аеєиіїоуюяьйʼ".contains(c))
        })
    };
    let ends = |w: &str, sufs: &[&str]| sufs.iter().any(|e| ends_with_fast(w, e));
    // Instrumental.
    (after_consonant(x, "ом") && ends(y, &["ом", "ем", "єм", "им", "ім"]))
        // Dative.
        || (after_consonant(x, "у") || after_consonant(x, "ові"))
            && ends(y, &["у", "ю", "ові", "еві", "єві", "ому"])
        // Genitive.
        || after_consonant(x, "а")
            && (after_consonant(y, "а") && !ends_with_fast(y, "ства") || ends(y, &["ії", "ії"]))
}

/// A nominative surname ending that only surnames have (-енко, -ський, -цький, -чук, -ович …),
/// unlike the endings many common nouns share (-ко, -ак, -ін).
fn strong_surname_shape(l: &str) -> bool {
    l.chars().count() >= 6
        && ends_with_any!(
            l,
            [
                "енко",
                "ський",
                "цький",
                "зький",
                "чук",
                "щук",
                "юк",
                "ович",
                "евич",
                "ишин",
            ]
        )
}

/// An unknown given name before a word that declines from a listed surname, both in one oblique
/// case of a masculine name: «Остапа Квітку» (accusative; Квітка is listed), «Остапом Квіткою».
fn declined_known_surname(ctx: &Ctx, x: &str, y: &str) -> bool {
    let lex = ctx.lex;
    let after_consonant = |w: &str, suf: &str| {
        strip_suffix_fast(w, suf).is_some_and(|s| {
            s.chars().count() >= 3
                && s.chars()
                    .next_back()
                    .is_some_and(|c| !"аеєиіїоуюяьйʼ".contains(c))
        })
    };
    let ends = |w: &str, sufs: &[&str]| sufs.iter().any(|e| ends_with_fast(w, e));
    let agree = (after_consonant(x, "а") && ends(y, &["у", "ю", "и", "і", "а", "я"]))
        || (after_consonant(x, "у") || after_consonant(x, "ові")) && ends(y, &["і", "ові", "у"])
        || after_consonant(x, "ом") && ends(y, &["ою", "ею", "ом", "ем"]);
    if !agree || lex.surnames_all.contains(y) {
        return false;
    }
    let (nom, score) = ctx.surname_scored(y, Gender::Male, 2 | 4 | 8 | 16);
    if score < 2 || nom == y {
        return false;
    }
    // «Кравчука Гнидюри»: a first word that declines from a listed surname is no given name.
    let (x_nom, x_score) = ctx.surname_scored(x, Gender::Unknown, 2 | 4 | 8 | 16 | 32);
    !(x_score >= 2 && x_nom != x && !lex.surnames_all.contains(x))
}

/// A foreign given name that does not decline (it ends in -і or -е: «Сіднеї», «Ренесмі») before
/// a masculine surname in the genitive, after a consonant («Джонні Кеша», «Ренесмі Бартона»).
fn undeclined_given(x: &str, y: &str) -> bool {
    let n = x.chars().count();
    (ends_with_fast(x, "і") || ends_with_fast(x, "е"))
        && !is_adjective(x)
        && !ends_with_fast(x, "ії")
        && (4..=8).contains(&n)
        && strip_suffix_fast(y, "а").is_some_and(|s| {
            s.chars().count() >= 4
                && s.chars()
                    .next_back()
                    .is_some_and(|c| !"аеєиіїоуюяьйʼ".contains(c))
                && !["ств", "нн", "тт"].iter().any(|e| ends_with_fast(s, e))
        })
}

/// The nominatives of an unknown given name and surname that share one masculine oblique case
/// ending (see [`oblique_agreement`]), when the ending can be undone on both.
fn agreeing_nominatives(x: &str, y: &str) -> Option<(String, String)> {
    if undeclined_given(x, y) && !oblique_agreement(x, y) {
        // The given name stays as written; the surname loses its genitive ending.
        let surname = strip_suffix_fast(y, "а")?;
        return Some((x.to_string(), surname.to_string()));
    }
    if !oblique_agreement(x, y) {
        return None;
    }
    let strip = |w: &str, sufs: &[(&str, &str)]| {
        sufs.iter().find_map(|(suf, rep)| {
            strip_suffix_fast(w, suf)
                .filter(|s| s.chars().count() >= 2)
                .map(|s| format!("{s}{rep}"))
        })
    };
    let given = strip(x, &[("ові", ""), ("ом", ""), ("у", ""), ("а", "")])?;
    let surname = strip(
        y,
        &[
            ("овим", "ов"),
            ("евим", "ев"),
            ("євим", "єв"),
            ("иним", "ин"),
            ("іним", "ін"),
            ("ові", ""),
            ("еві", ""),
            ("ом", ""),
            ("ем", ""),
            ("ії", "ія"),
            ("у", ""),
            ("а", ""),
        ],
    )?;
    Some((given, surname))
}

/// A lone capitalised word: a surname-only mention when the context says so. Weak candidates
/// are kept with `surname_only` and decided in [`resolve_article`].
fn single(ctx: &Ctx, ti: usize, out: &mut Found) {
    let toks = ctx.toks;
    let t = &toks[ti];
    if t.allcaps || is_particle(&t.lower) || t.ce - t.cs < 2 || t.latin {
        return;
    }
    if ctx.is_stop(ti) || ctx.quoted[ti] {
        return;
    }
    // The second word of an organisation («Збройні Сили», «Верховна Рада»).
    if ti > 0 {
        let p = &toks[ti - 1];
        if p.kind == Kind::Word
            && p.cap
            && !t.nl_before
            && ctx.lex.stop.contains(p.lower.as_str())
            && !ctx.lex.roles.contains_key(p.lower.as_str())
            && !sentence_initial(toks, ti - 1)
        {
            return;
        }
    }
    // An organisation's name in the genitive after a role: «начальник Генштабу ЗСУ».
    if toks
        .get(ti + 1)
        .is_some_and(|n| n.kind == Kind::Word && n.allcaps && !n.nl_before)
    {
        return;
    }
    // Plural adjectives («Київських»); plural family names are decided in `resolve_article`.
    let l = t.lower.as_str();
    if (ends_with_fast(l, "ських") || ends_with_fast(l, "цьких")) && !family_before(ctx, ti)
    {
        return;
    }
    if ctx.given(ti).is_some() {
        // An ambiguous given name alone (Віра, Роман, Денис): a person only when the article
        // names someone so (decided in `resolve_article`), or after «пан», «пані».
        out.given_alone.push(ti);
        return;
    }
    out.singles.push(ti);
}

/// «вулиця Шевченка», «вул. Шевченка», «імені Тараса Шевченка», «родина Трампів».
fn named_after_before(ctx: &Ctx, first: usize) -> bool {
    let toks = ctx.toks;
    let mut j = first;
    let mut hops = 0;
    while j > 0 && hops < 4 {
        j -= 1;
        hops += 1;
        let p = &toks[j];
        if p.nl_before && j + 1 < first {
            // A new line in between: stop after checking this word.
            return p.kind == Kind::Word && named_after(&p.lower) && !p.allcaps;
        }
        match p.kind {
            Kind::Word => {
                // «вул.», «пр.» name streets; «ПР» (a party's acronym) does not.
                if named_after(&p.lower) && !p.allcaps {
                    return true;
                }
                // A party named after its leader: «Блок Петра Порошенка».
                if p.cap && !p.allcaps && person_of(&p.lower) {
                    return true;
                }
                // Only initials and capitalised titles («вул. Професора Підвисоцького»).
                if !(ctx.is_initial(j) || p.cap && ctx.lex.roles.contains_key(p.lower.as_str())) {
                    return false;
                }
            }
            Kind::Punct if p.ch == '.' => {}
            _ => return false,
        }
    }
    false
}

/// «родина Близнюків», «братам Бурякам»: the word before names a family.
fn family_before(ctx: &Ctx, first: usize) -> bool {
    first
        .checked_sub(1)
        .and_then(|p| ctx.toks.get(p))
        .is_some_and(|p| p.kind == Kind::Word && family_word(&p.lower))
        && !ctx.toks[first].nl_before
}

/// Endings only a plural form has (a family: «Морозових», «Бурякам»); a singular surname never
/// ends so.
fn plural_only(l: &str) -> bool {
    ends_with_any!(
        l,
        [
            "ових",
            "евих",
            "євих",
            "іних",
            "иних",
            "ських",
            "цьких",
            "ами",
            "ам",
            "ах",
            "ями",
            "ям",
        ]
    ) && l.chars().count() >= 5
}

/// Endings a plural form may have («Буряків», «Зайчуки», «Онули»), beside the plural-only ones.
fn maybe_plural(l: &str) -> bool {
    plural_only(l) || ends_with_any!(l, ["ів", "и", "ови", "ини", "енки"])
}

/// A name inside a list of streets («вулиць: В. Чорновола, Різдвяна, Героїв Сталінграда»).
fn in_street_list(ctx: &Ctx, first: usize) -> bool {
    let toks = ctx.toks;
    let mut j = first;
    let mut steps = 0;
    while j > 0 && steps < 90 {
        if toks[j].nl_before {
            return false;
        }
        j -= 1;
        steps += 1;
        let t = &toks[j];
        match t.kind {
            Kind::Word => {
                if matches!(
                    t.lower.as_str(),
                    "вулиць"
                        | "вулиці"
                        | "вулицях"
                        | "вулицями"
                        | "вул"
                        | "провулків"
                        | "проспектів"
                ) {
                    return true;
                }
                if !(t.cap
                    || matches!(
                        t.lower.as_str(),
                        "та" | "і" | "й" | "років" | "б-р" | "пров" | "просп"
                    ))
                {
                    return false;
                }
            }
            Kind::Num => {}
            Kind::Punct => {
                if !matches!(t.ch, ',' | '.' | '-' | ':') {
                    return false;
                }
            }
        }
    }
    false
}

// Tests only: take the plain paths of the extraction (no shortcuts around work whose result
// would be discarded or is known already), to compare the fast paths' output with.
#[cfg(test)]
thread_local! {
    static PLAIN_PATHS: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Whether the fast paths are on (always, outside the tests).
pub(super) fn fast_paths() -> bool {
    #[cfg(test)]
    {
        !PLAIN_PATHS.with(std::cell::Cell::get)
    }
    #[cfg(not(test))]
    {
        true
    }
}

fn push_cand(ctx: &Ctx, parts: Vec<(usize, Role)>, out: &mut Found) {
    let (Some(&(first, _)), Some(&(last_tok, last_role))) = (parts.first(), parts.last()) else {
        return;
    };
    let last = if last_role == Role::Initial && ctx.is_initial(last_tok) {
        last_tok + 1
    } else {
        last_tok
    };
    let toks = ctx.toks;
    let lex = ctx.lex;
    // Places and streets are named after a person in the genitive («вулиця Івана Франка»); a
    // given name that can only be nominative, with a surname, is an apposition to the noun
    // before it («мер міста Петро Коваль»).
    let nominative_name = parts.iter().any(|p| p.1 == Role::Surname)
        && parts.iter().any(|p| {
            p.1 == Role::Given
                && ctx
                    .given(p.0)
                    .is_some_and(|rs| rs.iter().all(|r| r.cases == 1))
        });
    if named_after_before(ctx, first) && !nominative_name
        || in_street_list(ctx, first)
        || streets_around(ctx, first, last)
    {
        return;
    }
    // «на Олени Пчілки»: after «на» a person is in the accusative or the locative; a name in
    // the genitive there is a street's («на вулиці Олени Пчілки»), written without the street.
    if first > 0 && toks[first - 1].lower == "на" && !toks[first - 1].cap && !toks[first].nl_before
    {
        let genitive_surname = parts
            .iter()
            .rev()
            .find(|p| p.1 == Role::Surname)
            .is_some_and(|p| {
                let l = toks[p.0].lower.as_str();
                strip_suffix_fast(l, "и").is_some_and(|s| {
                    s.chars().count() >= 3
                        && s.chars()
                            .next_back()
                            .is_some_and(|c| !"аеєиіїоуюяьйʼ".contains(c))
                })
            });
        let given_not_accusative = parts.iter().filter(|p| p.1 == Role::Given).all(|p| {
            ctx.given(p.0)
                .is_none_or(|rs| rs.iter().all(|r| r.cases & 8 == 0))
        });
        if genitive_surname && given_not_accusative {
            return;
        }
    }
    // A farm or a firm named after its owner: «ФГ Дапринди С. М.», «СФГ Мороза».
    if first > 0
        && toks[first - 1].allcaps
        && matches!(
            toks[first - 1].lower.as_str(),
            "фг" | "сфг" | "пп" | "тов" | "пф" | "ат"
        )
    {
        return;
    }
    // Latin words in a Ukrainian text: only with a known given name («Prakash …» aside).
    if parts.iter().any(|p| toks[p.0].latin)
        && !parts
            .iter()
            .any(|p| p.1 == Role::Given && english::is_given(&toks[p.0].lower))
    {
        return;
    }
    // Initials before a place («Група D. Італія»); «Винник Н. В.» is a surname before initials.
    if parts.first().is_some_and(|p| p.1 == Role::Initial)
        && !parts.iter().any(|p| p.1 == Role::Given)
        && parts
            .iter()
            .any(|p| p.1 == Role::Surname && lex.places_major.contains(toks[p.0].lower.as_str()))
    {
        return;
    }
    let hint = case_hint(ctx, first);
    let verb = verb_gender(toks.get(last + 1));
    // Gender and cases from the given name and patronymic.
    let mut gender = Gender::Unknown;
    let mut cases: u8 = 127;
    let mut given: Option<(String, Gender)> = None;
    let mut unknown_given: Option<usize> = None;
    if let Some(&(pi, _)) = parts.iter().find(|p| p.1 == Role::Patronymic) {
        if let Some((g, c)) = patronymic(&toks[pi].lower) {
            gender = g;
            cases &= c;
        }
    }
    // A known given name decides gender and case when there are two («Хорхе Луїса»).
    let given_part = parts
        .iter()
        .find(|p| p.1 == Role::Given && ctx.given(p.0).is_some())
        .or_else(|| parts.iter().find(|p| p.1 == Role::Given));
    if let Some(&(gi, _)) = given_part {
        if let Some(readings) = ctx.given(gi) {
            let mut best: Option<(i32, &super::lexicon::GivenReading)> = None;
            let surname_tok = parts
                .iter()
                .find(|p| p.1 == Role::Surname)
                .map(|p| &toks[p.0]);
            for r in readings {
                let mut s = 0;
                if r.cases & 1 != 0 {
                    s += 1;
                }
                if let Some(st) = surname_tok {
                    if !st.latin {
                        let c = if r.cases & hint != 0 {
                            r.cases & hint
                        } else {
                            r.cases
                        };
                        s += ctx.surname_scored(&st.lower, r.gender, c).1;
                    }
                }
                if gender != Gender::Unknown && r.gender == gender {
                    s += 4;
                }
                if verb != Gender::Unknown && r.gender == verb {
                    s += 2;
                }
                if r.cases & hint != 0 {
                    s += 1;
                }
                if r.cases & cases != 0 {
                    s += 1;
                }
                if best.is_none_or(|(bs, _)| s > bs) {
                    best = Some((s, r));
                }
            }
            if let Some((_, r)) = best {
                gender = r.gender;
                let c = r.cases & cases;
                cases = if c != 0 { c } else { r.cases };
                let h = cases & hint;
                if h != 0 {
                    cases = h;
                }
                given = Some((r.nominative.clone(), r.gender));
            }
        } else if toks[gi].latin {
            let raw = ctx.text.get(toks[gi].bs..toks[gi].be).unwrap_or_default();
            given = Some((raw.to_string(), Gender::Unknown));
        } else {
            // An unknown word in given-name position (multi_unknown): fixed below.
            let raw = ctx.text.get(toks[gi].bs..toks[gi].be).unwrap_or_default();
            given = Some((raw.to_string(), Gender::Unknown));
            unknown_given = Some(gi);
            let gl = toks[gi].lower.as_str();
            let st = parts
                .iter()
                .find(|p| p.1 == Role::Surname)
                .map(|p| toks[p.0].lower.as_str());
            let consonant_a = gl.strip_suffix('а').is_some_and(|s| {
                s.chars()
                    .next_back()
                    .is_some_and(|c| !"аеєиіїоуюяьй".contains(c))
            });
            if let Some(st) = st {
                let male_gen = st.strip_suffix('а').is_some_and(|s| {
                    ends_with_any!(s, ["ов", "ев", "єв", "ін", "ин"])
                        || lex.surnames_all.contains(s)
                });
                if consonant_a && male_gen {
                    gender = Gender::Male;
                    cases = 2 | 8;
                } else if declined_known_surname(ctx, gl, st)
                    || gl
                        .chars()
                        .next_back()
                        .is_some_and(|c| !"аеєиіїоуюяь".contains(c))
                {
                    // A consonant-final given name, or one in -а agreeing with a declined
                    // listed surname («Зорана Сороку»).
                    gender = Gender::Male;
                }
            }
        }
    } else {
        if hint != 127 {
            cases = hint;
        }
        if gender == Gender::Unknown {
            gender = verb;
        }
    }
    let mut given_names: Vec<String> = parts
        .iter()
        .filter(|p| p.1 == Role::Given)
        .filter_map(|&(gi, _)| {
            ctx.given(gi)
                .and_then(|rs| {
                    rs.iter()
                        .find(|r| Some(r.gender) == given.as_ref().map(|g| g.1))
                })
                .map(|r| r.nominative.clone())
                .or_else(|| ctx.text.get(toks[gi].bs..toks[gi].be).map(str::to_string))
        })
        .collect();
    // An unknown first given name before a known one («Хорхе Луїса Пінто») is named as written,
    // without the morphology of known names.
    let unknown_first = parts
        .iter()
        .any(|p| p.1 == Role::Given && ctx.given(p.0).is_none());
    // The morphology's reading of the span, and whether it replaces ours.
    let morph = (unknown_given.is_none() && !unknown_first && !toks[first].latin).then(|| {
        // A nickname between the given name and the surname is not part of the name.
        let joined;
        let span = if parts.windows(2).any(|w| w[1].0 > w[0].0 + 2) {
            joined = parts
                .iter()
                .filter_map(|p| ctx.text.get(toks[p.0].bs..toks[p.0].be))
                .collect::<Vec<_>>()
                .join(" ");
            joined.as_str()
        } else {
            ctx.text
                .get(toks[first].bs..toks[last].be)
                .unwrap_or_default()
        };
        // Context gender: the predicate after the span, or a gendered role word before it.
        let role_gender = first
            .checked_sub(1)
            .and_then(|p| toks.get(p))
            .filter(|p| p.kind == Kind::Word && !p.cap)
            .map_or(Gender::Unknown, |p| role_word_gender(&p.lower));
        let ctx_gender = if verb != Gender::Unknown {
            verb
        } else {
            role_gender
        };
        let mc = ctx
            .morph_cache
            .borrow_mut()
            .canonicalize_with(span, Cases(hint), ctx_gender);
        // A given name written in the nominative that morph read as another case of a name of
        // the other gender (Альона → Альон): keep our reading.
        let ours_nominative = parts.iter().find(|p| p.1 == Role::Given).is_some_and(|p| {
            let l = toks[p.0].lower.as_str();
            given.as_ref().is_some_and(|g| lower_key(&g.0) == *l)
        });
        // (Each test only when the ones before it hold: they are pure, and the keys cost an
        // allocation each.)
        let morph_differs =
            || mc.given.as_deref().map(lower_key) != given.as_ref().map(|g| lower_key(&g.0));
        let morph_given_known = || {
            mc.given.as_deref().is_none_or(|g| {
                lex.given
                    .get(&lower_key(g))
                    .is_some_and(|rs| rs.iter().any(|r| r.cases & 1 != 0))
            })
        };
        let keep_ours = ours_nominative && morph_differs() && !morph_given_known();
        (!keep_ours).then_some(mc)
    });
    // When the morphology names the surname and the gender, the span's canonical form, surname
    // and gender are all its own: ours (below) would only be replaced.
    let morph_decides = fast_paths()
        && morph.as_ref().is_some_and(|m| {
            m.as_ref()
                .is_some_and(|mc| mc.surname.is_some() && mc.gender != Gender::Unknown)
        });
    // Surname nominative.
    let mut surname = String::new();
    let mut surname_forms = Vec::new();
    let mut after_particle = false;
    for &(ti, role) in &parts {
        match role {
            Role::Particle => {
                if !surname.is_empty() {
                    surname.push(' ');
                }
                surname.push_str(&toks[ti].lower);
                after_particle = true;
            }
            Role::Surname if morph_decides => {
                // Only whether there is one, and its forms.
                surname.push_str(&toks[ti].lower);
                surname_forms.push(toks[ti].lower.to_string());
            }
            Role::Surname => {
                let t = &toks[ti];
                let raw = ctx.text.get(t.bs..t.be).unwrap_or_default();
                let raw = raw.replace(['\'', '’', '`', '´', '‘'], "ʼ");
                let nom = if after_particle || t.latin {
                    t.lower.to_string()
                } else {
                    // Hyphenated surnames decline in every part.
                    t.lower
                        .split('-')
                        .map(|p| ctx.surname(p, gender, cases))
                        .collect::<Vec<_>>()
                        .join("-")
                };
                if !surname.is_empty() {
                    surname.push(' ');
                }
                surname.push_str(&capitalise_like(&raw, &nom));
                surname_forms.push(t.lower.to_string());
            }
            _ => {}
        }
    }
    if gender == Gender::Unknown && !surname.is_empty() && !morph_decides {
        gender = surname_gender(&lower_key(&surname));
        if gender == Gender::Unknown {
            gender = verb;
        }
    }
    if let (Some(gi), Some(st)) = (
        unknown_given,
        parts
            .iter()
            .find(|p| p.1 == Role::Surname)
            .map(|p| &toks[p.0]),
    ) {
        // Decline the unknown given name back as far as its surname was declined.
        let nom_l = lower_key(&surname);
        let raw_given = ctx.text.get(toks[gi].bs..toks[gi].be).unwrap_or_default();
        if nom_l != *st.lower && !toks[gi].latin {
            let g = guess_given(&toks[gi].lower, gender);
            let shown = capitalise_like(raw_given, &g);
            given = Some((shown.clone(), gender));
            given_names = vec![shown];
        } else if let Some((g, sn)) = agreeing_nominatives(&toks[gi].lower, &st.lower) {
            // Neither word is known, but both carry one masculine case ending: undo it on both
            // («Шимоном Пересом» → Шимон Перес, «Райану Стайлзу» → Райан Стайлз).
            let raw_sn = ctx.text.get(st.bs..st.be).unwrap_or_default();
            let shown = capitalise_like(raw_given, &g);
            gender = Gender::Male;
            given = Some((shown.clone(), gender));
            given_names = vec![shown];
            surname = capitalise_like(raw_sn, &sn);
        }
    }
    let initials: Vec<char> = parts
        .iter()
        .filter(|p| p.1 == Role::Initial)
        .filter_map(|p| toks[p.0].lower.chars().next())
        .collect();
    let surname_only = given.is_none() && initials.is_empty();
    let given_only = surname.is_empty();
    let canonical = if morph_decides {
        // Replaced by the morphology's below.
        String::new()
    } else {
        match (&given, surname.is_empty()) {
            (Some(_), false) => format!("{} {}", given_names.join(" "), surname),
            (Some(_), true) => given_names.join(" "),
            (None, _) => surname.clone(),
        }
    };
    let (mut canonical, mut surname, mut gender) = (canonical, surname, gender);
    if let Some(Some(mc)) = morph {
        canonical = mc.full;
        if let Some(sn) = mc.surname {
            surname = sn;
        }
        if mc.gender != Gender::Unknown {
            gender = mc.gender;
        }
    }
    let role = role_before(ctx, first).and_then(|(r, s)| role_phrase(ctx, r, s, first));
    out.cands.push(Cand {
        first,
        last,
        given,
        gender,
        surname_only,
        given_only,
        initials,
        surname: (!surname.is_empty()).then_some(surname),
        surname_forms,
        canonical,
        role,
    });
}

/// Scores a lone capitalised word as a surname-only mention by its context.
fn single_score<'a>(ctx: &Ctx<'a>, ti: usize) -> i32 {
    let toks: &'a [Tok<'a>] = ctx.toks;
    let t = &toks[ti];
    let lex = ctx.lex;
    let l = t.lower.as_str();
    let mut s = 0;
    if sentence_initial(toks, ti) {
        s -= 2;
    } else {
        s += 1;
    }
    // The word itself, or the nominative it declines from, in the surname lists (both
    // lists in one look-up).
    let lists = lex.surnames_all.lists(l);
    let (l_top, l_all) = (
        lists & super::names::IN_TOP != 0,
        lists & super::names::IN_ALL != 0,
    );
    let nom = if l_all {
        SingleSurname {
            score: 0,
            top: l_top,
            all: true,
        }
    } else {
        let g = verb_gender(toks.get(ti + 1));
        let gi = match g {
            Gender::Male => 0,
            Gender::Female => 1,
            Gender::Unknown => 2,
        };
        let known = fast_paths()
            .then(|| ctx.single_memo.borrow().get(l).and_then(|m| m[gi]))
            .flatten();
        match known {
            Some(n) => n,
            None => {
                let (nom, score) = ctx.surname_scored(l, g, 127);
                let lists = lex.surnames_all.lists(&nom);
                let n = SingleSurname {
                    score,
                    top: lists & super::names::IN_TOP != 0,
                    all: lists & super::names::IN_ALL != 0,
                };
                ctx.single_memo.borrow_mut().entry(l).or_default()[gi] = Some(n);
                n
            }
        }
    };
    let nom_score = nom.score;
    if l_top || nom_score >= 3 && nom.top {
        s += 2;
    } else if l_all || nom_score >= 2 && nom.all {
        s += 1;
    }
    if surname_shaped(l) || oblique_surname_shaped(l) {
        s += 1;
    }
    let evidence = l_all || surname_shaped(l) || oblique_surname_shaped(l) || nom_score >= 2;
    if !evidence {
        return -9;
    }
    if let Some((r, _)) = role_before(ctx, ti) {
        s += if r + 1 == ti { 2 } else { 1 };
    }
    // «пам'ятник Коваленкові»: a monument's dedicatee, in the dative.
    if ti > 0 && !t.nl_before && monument_word(&toks[ti - 1].lower) && ending_cases(l) & 4 != 0 {
        s += 2;
    }
    if ti > 0 && !t.nl_before && person_of(&toks[ti - 1].lower) && !toks[ti - 1].cap {
        s += 3;
    }
    // An adjective before a lowercase noun: «Кременчукської міськради».
    if is_adjective(l) {
        if let Some(n) = toks.get(ti + 1) {
            if n.kind == Kind::Word
                && !n.cap
                && verb_gender(Some(n)) == Gender::Unknown
                && n.lower.chars().count() > 3
            {
                return -9;
            }
        }
    }
    if verb_gender(toks.get(ti + 1)) != Gender::Unknown {
        s += 2;
    }
    if lex.places_major.contains(l) {
        s -= 4;
    } else if lex.places.contains(l) {
        // A village's name is often a surname too (Тимошенко): a place only after a place word.
        let place_prep = ti > 0
            && matches!(
                toks[ti - 1].lower.as_str(),
                "у" | "в" | "з" | "із" | "зі" | "до" | "біля" | "під" | "поблизу" | "через"
            );
        s -= if place_prep { 4 } else { 1 };
    }
    // «мислить Коваль.», «— заявив Коваль,»: the subject after its verb, ending the clause.
    if ti > 0 && !t.nl_before {
        let p = &toks[ti - 1];
        let clause_end = toks.get(ti + 1).is_none_or(|n| {
            n.kind == Kind::Punct && matches!(n.ch, '.' | ',' | '!' | '?' | ';' | ':' | '»')
        });
        let verb = p.kind == Kind::Word
            && !p.cap
            && (verb_gender(Some(p)) != Gender::Unknown || present_third_person(&p.lower));
        if clause_end && verb {
            s += 1;
        }
    }
    // «в Тарасові», «у Гнатові»: the locative after «у», «в» names a town, never a person.
    if ti > 0
        && matches!(toks[ti - 1].lower.as_str(), "у" | "в" | "уві")
        && ["ові", "еві", "єві"].iter().any(|e| ends_with_fast(l, e))
    {
        return -9;
    }
    // An adjective before a capitalised noun: «Печерською Лаврою», «Південного Бугу».
    if is_adjective(l)
        && toks
            .get(ti + 1)
            .is_some_and(|n| n.kind == Kind::Word && n.cap && !n.nl_before)
    {
        return -9;
    }
    // «на Грушевського», «на Гагаріна»: a street or a place, unless the article names the person.
    if ti > 0
        && matches!(toks[ti - 1].lower.as_str(), "на" | "по")
        && !toks[ti - 1].cap
        && !t.nl_before
    {
        s -= 3;
    }
    s
}

/// «пам'ятник», «погруддя»: a word after which a name in the dative is a monument's dedicatee.
fn monument_word(l: &str) -> bool {
    l.starts_with("пам")
        && ["ятник", "ятника", "ятнику", "ятники"]
            .iter()
            .any(|e| ends_with_fast(l, e))
        || matches!(l, "погруддя" | "монумент" | "монумента")
}

/// A verb in the third person singular of the present tense («мислить», «каже», «вважає»).
fn present_third_person(l: &str) -> bool {
    ends_with_any!(
        l,
        [
            "ить", "ать", "ять", "ує", "ює", "ає", "яє", "іє", "каже", "иже",
        ]
    ) && l.chars().count() >= 5
}

fn oblique_surname_shaped(l: &str) -> bool {
    const ENDS: &[&str] = &[
        "ського",
        "ському",
        "ським",
        "цького",
        "цькому",
        "цьким",
        "ської",
        "ській",
        "ською",
        "енка",
        "енку",
        "енком",
        "енкові",
        "ова",
        "ову",
        "овим",
        "ові",
        "ука",
        "уком",
        "укові",
        "юка",
        "юком",
        "ича",
        "ичем",
        "ичу",
        "іна",
        "іну",
        "іном",
        "інові",
        "іним",
        "євим",
        "ева",
        "евим",
        "ової",
        "овою",
        "іної",
        "іною",
    ];
    ends_with_any!(l, ENDS) && l.chars().count() >= 5
}

/// A known full name of the article.
struct Full {
    canonical: String,
    /// The surname words as written in the full mentions (lowercase).
    written: Vec<String>,
    given: String,
    surname: String,
    gender: Gender,
}

/// The gender of the listed given name that `l` is a diminutive of, by a diminutive suffix on
/// the name's stem («тарасик» ← Тарас, «оленка» ← Олена, «петрусь» ← Петро).
fn diminutive_gender(lex: &Lexicon, l: &str) -> Option<Gender> {
    const SUFFIXES: &[&str] = &[
        "очка",
        "ечка",
        "онька",
        "енька",
        "чик",
        "ик",
        "ко",
        "ка",
        "усь",
        "уся",
        "ось",
        "ося",
        "унь",
        "уня",
        "ця",
    ];
    let mut buf = String::with_capacity(l.len() + 4);
    for suf in SUFFIXES {
        let Some(stem) = strip_suffix_fast(l, suf) else {
            continue;
        };
        if stem.chars().count() < 3 {
            continue;
        }
        for end in ["", "а", "о", "я", "ь", "й"] {
            buf.clear();
            buf.push_str(stem);
            buf.push_str(end);
            if let Some(r) = lex.given.get(buf.as_str()).and_then(|rs| {
                rs.iter()
                    .find(|r| r.cases & 1 != 0 && lower_key(&r.nominative) == buf)
            }) {
                return Some(r.gender);
            }
        }
    }
    None
}

/// Endings of a possessive adjective made from a surname in -ін/-ов/-ук …: Коваленків,
/// Коваленкова, Коваленкових (after the surname's own ending).
const POSSESSIVE: &[&str] = &[
    "ових",
    "овими",
    "овим",
    "ового",
    "овому",
    "ової",
    "овій",
    "ову",
    "ова",
    "ове",
    "ові",
    "ів",
];

/// Clergy titles before a monastic name («митрополит Феогност»).
const CLERGY: &[&str] = &[
    "патріарх",
    "патріарха",
    "патріархом",
    "митрополит",
    "митрополита",
    "митрополитом",
    "архієпископ",
    "архієпископа",
    "архієпископом",
    "єпископ",
    "єпископа",
    "єпископом",
    "архімандрит",
    "архімандрита",
    "ієромонах",
    "ієромонаха",
    "ігумен",
    "ігумена",
];

/// A clergy title before token `ti`, with only its see between (capitalised adjectives,
/// abbreviations, «і», «та»): `Some(true)` when `ti` is itself part of the see (an adjective or
/// an abbreviation), `Some(false)` when it is the name after it.
fn clergy_before(ctx: &Ctx, ti: usize) -> Option<bool> {
    let toks = ctx.toks;
    let t = &toks[ti];
    let see = is_adjective(&t.lower) || t.allcaps;
    let mut j = ti;
    for _ in 0..7 {
        if j == 0 || toks[j].nl_before {
            return None;
        }
        j -= 1;
        let p = &toks[j];
        if p.kind != Kind::Word {
            return None;
        }
        if !p.cap && CLERGY.contains(&p.lower.as_str()) {
            return Some(see);
        }
        let between = p.cap && (is_adjective(&p.lower) || p.allcaps)
            || !p.cap && matches!(p.lower.as_str(), "і" | "та" | "й");
        if !between {
            return None;
        }
    }
    None
}

/// A kinship noun before a name: its gender and whether it is in an oblique case (the name
/// after it agrees).
struct Kin {
    gender: Gender,
    oblique: bool,
}

/// Kinship nouns before a name («брат», «дружину», «сини»): (lower-case form, gender, oblique).
const KIN: &[(&str, Gender, bool)] = &[
    ("брат", Gender::Male, false),
    ("брата", Gender::Male, true),
    ("братові", Gender::Male, true),
    ("братом", Gender::Male, true),
    ("брати", Gender::Male, false),
    ("син", Gender::Male, false),
    ("сина", Gender::Male, true),
    ("синові", Gender::Male, true),
    ("сином", Gender::Male, true),
    ("сини", Gender::Male, false),
    ("батько", Gender::Male, false),
    ("батька", Gender::Male, true),
    ("онук", Gender::Male, false),
    ("онука", Gender::Male, true),
    ("племінник", Gender::Male, false),
    ("племінника", Gender::Male, true),
    ("сестра", Gender::Female, false),
    ("сестру", Gender::Female, true),
    ("сестрою", Gender::Female, true),
    ("сестри", Gender::Female, false),
    ("донька", Gender::Female, false),
    ("доньку", Gender::Female, true),
    ("донькою", Gender::Female, true),
    ("доньки", Gender::Female, false),
    ("дочка", Gender::Female, false),
    ("дочку", Gender::Female, true),
    ("дочкою", Gender::Female, true),
    ("дружина", Gender::Female, false),
    ("дружину", Gender::Female, true),
    ("дружиною", Gender::Female, true),
    ("онучка", Gender::Female, false),
    ("онучку", Gender::Female, true),
    ("племінниця", Gender::Female, false),
    ("племінницю", Gender::Female, true),
    ("мама", Gender::Female, false),
    ("маму", Gender::Female, true),
    ("вдова", Gender::Female, false),
];

/// A kinship noun right before token `ti`, or before the list of one-word names that `ti`
/// continues («брати Саїт, Дилявер та Еслет»): the names are relatives, so people.
fn kin_before(ctx: &Ctx, ti: usize) -> Option<Kin> {
    let toks = ctx.toks;
    // One word, not the first of several capitalised words.
    if toks
        .get(ti + 1)
        .is_some_and(|n| n.kind == Kind::Word && n.cap && !n.nl_before)
    {
        return None;
    }
    let mut j = ti;
    for _ in 0..5 {
        if j == 0 || toks[j].nl_before {
            return None;
        }
        let p = &toks[j - 1];
        if p.kind == Kind::Word && !p.cap {
            if let Some(&(_, gender, oblique)) = KIN.iter().find(|k| k.0 == p.lower.as_str()) {
                return Some(Kin { gender, oblique });
            }
        }
        // A list separator, then the previous one-word item of the list.
        let sep = p.kind == Kind::Punct && p.ch == ','
            || p.kind == Kind::Word && matches!(p.lower.as_str(), "і" | "та" | "й");
        if !sep || j < 2 || p.nl_before {
            return None;
        }
        let q = &toks[j - 2];
        let q_word = q.kind == Kind::Word && q.cap && !q.allcaps && !ctx.quoted[j - 2];
        let q_alone = j < 3 || !(toks[j - 3].kind == Kind::Word && toks[j - 3].cap);
        if !q_word || !q_alone {
            return None;
        }
        j -= 2;
    }
    None
}

/// The one full name of the article whose given name is `lower` (as written, or declined as a
/// masculine name: «Остапа» → Остап). Only full names with an unknown given name need this; known
/// given names alone are matched in [`resolve_article`] by their readings.
fn given_owner(fulls: &[Full], keys: &[String], lower: &str) -> Option<usize> {
    if fulls.is_empty() || lower.chars().count() < 3 {
        return None;
    }
    // The masculine oblique endings [`guess_given`] undoes, without building the nominative.
    let declined = ["ові", "ом", "а", "у"].iter().find_map(|suf| {
        strip_suffix_fast(lower, suf).filter(|s| {
            s.chars().count() >= 2
                && s.chars()
                    .next_back()
                    .is_some_and(|c| !"аеєиіїоуюяьй".contains(c))
        })
    });
    let mut owner = None;
    for (fi, (f, g)) in fulls.iter().zip(keys).enumerate() {
        if g == lower || f.gender != Gender::Female && declined == Some(g.as_str()) {
            if owner.is_some() {
                return None;
            }
            owner = Some(fi);
        }
    }
    owner
}

/// Decides lone words, merges surname-only, initial and given-only mentions into the single
/// full name of the article they belong to, and returns the mentions in text order.
fn resolve_article(ctx: &Ctx, found: Found) -> Vec<Cand> {
    let Found {
        mut cands,
        singles,
        pairs,
        given_alone,
    } = found;
    let toks = ctx.toks;
    let mut fulls: Vec<Full> = Vec::new();
    for c in &cands {
        if let (Some(g), Some(sn)) = (&c.given, &c.surname) {
            if let Some(f) = fulls
                .iter_mut()
                .find(|f| f.canonical == c.canonical && c.initials.is_empty())
            {
                for w in &c.surname_forms {
                    if !f.written.contains(w) {
                        f.written.push(w.clone());
                    }
                }
            } else if c.initials.is_empty() {
                fulls.push(Full {
                    canonical: c.canonical.clone(),
                    written: c.surname_forms.clone(),
                    given: g.0.clone(),
                    surname: sn.clone(),
                    gender: c.gender,
                });
            }
        }
    }
    // Inflected forms of the article's surnames → full names.
    let mut index: FxMap<String, Vec<usize>> = FxMap::default();
    for (fi, f) in fulls.iter().enumerate() {
        let sl = lower_key(&f.surname);
        for form in surname_forms(&sl, f.gender)
            .into_iter()
            .chain(f.written.iter().filter(|w| !w.contains(' ')).cloned())
        {
            let v = index.entry(form).or_default();
            if !v.contains(&fi) {
                v.push(fi);
            }
        }
    }
    let mut by_given: FxMap<&str, Vec<usize>> = FxMap::default();
    for (fi, f) in fulls.iter().enumerate() {
        by_given.entry(f.given.as_str()).or_default().push(fi);
    }
    // The full names a surname form (with gender and initial constraints) can belong to.
    let lookup = |form: &str, gender: Gender, initial: Option<char>| -> Vec<usize> {
        index
            .get(form)
            .map(|v| {
                v.iter()
                    .copied()
                    .filter(|&fi| {
                        let f = &fulls[fi];
                        (gender == Gender::Unknown
                            || f.gender == Gender::Unknown
                            || f.gender == gender)
                            && initial.is_none_or(|i| f.given.to_lowercase().starts_with(i))
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    let apply = |c: &mut Cand, m: &[usize]| {
        if m.len() == 1 {
            c.canonical = fulls[m[0]].canonical.clone();
        } else if let Some(&f0) = m.first() {
            // Two people share the surname (a family): the article is about the one it
            // introduced first (the others are relatives named later).
            if m.iter().all(|&fi| fulls[fi].surname == fulls[f0].surname) {
                c.canonical = fulls[f0].canonical.clone();
            }
        }
    };
    let mut keep = vec![true; cands.len()];
    for (idx, c) in cands.iter_mut().enumerate() {
        if c.given_only {
            if let Some(v) = by_given.get(c.canonical.as_str()) {
                if v.len() == 1 {
                    c.canonical = fulls[v[0]].canonical.clone();
                }
            }
            let with_patronymic = c.last > c.first;
            let next_word = toks
                .get(c.last + 1)
                .is_some_and(|n| n.kind == Kind::Word && !n.cap && !n.nl_before);
            let ambiguous = ctx
                .lex
                .given_ambiguous
                .contains(toks[c.first].lower.as_str());
            // A sentence's first word that is a given name only in the vocative («Поле» of
            // Поль) before a lower-case word that is no verb: a common noun.
            let oblique_only = ctx
                .given(c.first)
                .is_some_and(|rs| rs.iter().all(|r| r.cases == 64));
            if sentence_initial(toks, c.first)
                && !with_patronymic
                && verb_gender(toks.get(c.last + 1)) == Gender::Unknown
                && (!next_word || ambiguous || oblique_only)
            {
                keep[idx] = false;
            }
            continue;
        }
        if !c.surname_only && c.initials.is_empty() {
            continue;
        }
        let Some(form) = c.surname_forms.first() else {
            continue;
        };
        let m = lookup(form, c.gender, c.initials.first().copied());
        apply(c, &m);
    }
    let mut k = 0;
    cands.retain(|_| {
        k += 1;
        keep[k - 1]
    });
    // Lone words: a known surname of the article, or enough context.
    let mut rejected: Vec<(usize, usize)> = Vec::new();
    // Lone words with some context but not enough, and the surnames accepted alone on context.
    let mut weak: Vec<usize> = Vec::new();
    let mut accepted_lone: Vec<String> = Vec::new();
    let lone_words = singles.clone();
    let given_keys: Vec<String> = fulls.iter().map(|f| lower_key(&f.given)).collect();
    for ti in singles {
        let t = &toks[ti];
        let mut strong = false;
        let verb = verb_gender(toks.get(ti + 1));
        let mut m = lookup(&t.lower, verb, None);
        if m.is_empty() && verb != Gender::Unknown {
            // The verb may belong to another subject («під впливом Павленка мала»).
            m = lookup(&t.lower, Gender::Unknown, None);
        }
        if m.is_empty() && maybe_plural(&t.lower) {
            // A family named by its plural («подружжя Качаненків», «Зайчуки»): only a family
            // of a person the article names.
            for g in [Gender::Male, Gender::Female] {
                m = lookup(
                    &lower_key(&singular_surname(&t.lower, g)),
                    Gender::Unknown,
                    None,
                );
                if !m.is_empty() {
                    break;
                }
            }
            if m.is_empty() && (plural_only(&t.lower) || family_before(ctx, ti)) {
                continue;
            }
        }
        if m.is_empty() {
            // The unknown given name of a person the article names in full («Остап Квітка …
            // Остап сказав»).
            if let Some(fi) = given_owner(&fulls, &given_keys, &t.lower) {
                let mut tmp = Found::default();
                push_cand(ctx, vec![(ti, Role::Given)], &mut tmp);
                if let Some(mut c) = tmp.cands.pop() {
                    c.canonical = fulls[fi].canonical.clone();
                    cands.push(c);
                }
                continue;
            }
            // «митрополит Лубенський і Хорольський Феогност»: a monastic name after a clergy
            // title and its see (the adjectives themselves are no surnames).
            if let Some(see) = clergy_before(ctx, ti) {
                if !see && !is_adjective(&t.lower) && !ctx.lex.places.contains(t.lower.as_str()) {
                    let mut tmp = Found::default();
                    push_cand(ctx, vec![(ti, Role::Given)], &mut tmp);
                    if let Some(mut c) = tmp.cands.pop() {
                        c.canonical = ctx.text.get(t.bs..t.be).unwrap_or_default().to_string();
                        cands.push(c);
                    }
                }
                continue;
            }
            // «Тарасик пішов»: a diminutive of a listed given name, the subject of a verb.
            let verb = verb_gender(toks.get(ti + 1));
            if verb != Gender::Unknown
                && !sentence_initial(toks, ti)
                && !ctx.lex.places.contains(t.lower.as_str())
                && !ctx.lex.surnames_top.contains(t.lower.as_str())
                && diminutive_gender(ctx.lex, &t.lower) == Some(verb)
            {
                let mut tmp = Found::default();
                push_cand(ctx, vec![(ti, Role::Given)], &mut tmp);
                if let Some(mut c) = tmp.cands.pop() {
                    c.canonical = ctx.text.get(t.bs..t.be).unwrap_or_default().to_string();
                    cands.push(c);
                }
                continue;
            }
            // «брати Саїт, Дилявер та Еслет»: a word after a kinship noun names a relative.
            if let Some(kin) =
                kin_before(ctx, ti).filter(|_| !ctx.lex.places.contains(t.lower.as_str()))
            {
                let evidence = ctx.lex.surnames_all.contains(t.lower.as_str())
                    || surname_shaped(&t.lower)
                    || oblique_surname_shaped(&t.lower);
                let role = if evidence { Role::Surname } else { Role::Given };
                let mut tmp = Found::default();
                push_cand(ctx, vec![(ti, role)], &mut tmp);
                if let Some(mut c) = tmp.cands.pop() {
                    if role == Role::Given && kin.oblique {
                        let raw = ctx.text.get(t.bs..t.be).unwrap_or_default();
                        c.canonical = capitalise_like(raw, &guess_given(&t.lower, kin.gender));
                    }
                    cands.push(c);
                }
                continue;
            }
            let score = single_score(ctx, ti);
            if score < 3 {
                if score >= 0 {
                    rejected.push((ti, ti));
                    if score >= 1 {
                        weak.push(ti);
                    }
                }
                continue;
            }
            strong = true;
        }
        let mut tmp = Found::default();
        push_cand(ctx, vec![(ti, Role::Surname)], &mut tmp);
        if let Some(mut c) = tmp.cands.pop() {
            apply(&mut c, &m);
            if strong && m.is_empty() {
                accepted_lone.push(lower_key(&c.canonical));
            }
            cands.push(c);
        }
    }
    // A lone surname the context made sure of once («…, — заявив Коваль.») is the same person's
    // wherever else the article writes it, even where the context says less.
    if !accepted_lone.is_empty() {
        for ti in weak {
            let t = &toks[ti];
            let nom = ctx.surname(&t.lower, verb_gender(toks.get(ti + 1)), 127);
            let k = lower_key(&nom);
            if !accepted_lone.iter().any(|a| *a == k || *a == *t.lower) {
                continue;
            }
            let mut tmp = Found::default();
            push_cand(ctx, vec![(ti, Role::Surname)], &mut tmp);
            if let Some(c) = tmp.cands.pop() {
                rejected.retain(|&(a, _)| a != ti);
                cands.push(c);
            }
        }
    }
    // An ambiguous given name alone: the article's one person of that name, or a name after
    // «пан», «пані».
    for ti in given_alone {
        let Some(readings) = ctx.given(ti) else {
            continue;
        };
        // A given name that is also the surname of a person the article names in full
        // («Богдан Квітка … Квітка сказав»): that person's surname.
        let verb = verb_gender(toks.get(ti + 1));
        let m = lookup(&toks[ti].lower, verb, None);
        // A capitalised role word before it is no name («Юрист Квітка працював»), and a verb
        // of the person's gender after it makes a sentence's first word the subject («Квітка
        // був поруч»: a feminine given name would take «була»).
        let after_name_word = ti > 0
            && ctx.is_namey(ti - 1)
            && !toks[ti].nl_before
            && !ctx.lex.roles.contains_key(toks[ti - 1].lower.as_str());
        let starts_ok = !sentence_initial(toks, ti)
            || verb != Gender::Unknown && readings.iter().all(|r| r.gender != verb);
        if !m.is_empty() && starts_ok && !after_name_word {
            let mut tmp = Found::default();
            push_cand(ctx, vec![(ti, Role::Surname)], &mut tmp);
            if let Some(mut c) = tmp.cands.pop() {
                apply(&mut c, &m);
                cands.push(c);
            }
            continue;
        }
        let owners: Vec<usize> = readings
            .iter()
            .filter_map(|r| by_given.get(r.nominative.as_str()))
            .flatten()
            .copied()
            .collect::<std::collections::BTreeSet<usize>>()
            .into_iter()
            .collect();
        let honorific = ti > 0
            && !toks[ti].nl_before
            && matches!(
                toks[ti - 1].lower.as_str(),
                "пан" | "пана" | "пану" | "панові" | "паном" | "пані"
            );
        let kin = kin_before(ctx, ti);
        if let Some(kin) = &kin {
            // The reading the kinship noun agrees with: «дружина Віра» is Віра, not Вір.
            let reading = readings
                .iter()
                .find(|r| r.gender == kin.gender && (kin.oblique || r.cases & 1 != 0));
            let mut tmp = Found::default();
            push_cand(ctx, vec![(ti, Role::Given)], &mut tmp);
            if let Some(mut c) = tmp.cands.pop() {
                if let Some(r) = reading {
                    c.canonical = r.nominative.clone();
                }
                cands.push(c);
            }
            continue;
        }
        if !honorific
            && (owners.len() != 1 || ctx.lex.places_major.contains(toks[ti].lower.as_str()))
        {
            continue;
        }
        let mut tmp = Found::default();
        push_cand(ctx, vec![(ti, Role::Given)], &mut tmp);
        if let Some(mut c) = tmp.cands.pop() {
            if let [fi] = owners[..] {
                c.canonical = fulls[fi].canonical.clone();
            }
            cands.push(c);
        }
    }
    // «Коваленкових планів»: a possessive adjective of a surname the article names.
    let possessive_shaped = |ti: usize| ends_with_any!(&toks[ti].lower, POSSESSIVE);
    let surnames: Vec<(String, String)> = if lone_words.iter().any(|&ti| possessive_shaped(ti)) {
        cands
            .iter()
            .filter_map(|c| Some((lower_key(c.surname.as_ref()?), c.canonical.clone())))
            .collect()
    } else {
        Vec::new()
    };
    for &ti in lone_words.iter().filter(|_| !surnames.is_empty()) {
        let l = toks[ti].lower.as_str();
        let owner = POSSESSIVE.iter().find_map(|suf| {
            let stem = strip_suffix_fast(l, suf)?;
            // Коваленко → Коваленк-ових: an -о surname loses its -о.
            surnames
                .iter()
                .find(|(sn, _)| sn == stem || strip_suffix_fast(sn, "о") == Some(stem))
                .map(|(_, canonical)| canonical.clone())
        });
        let Some(canonical) = owner else { continue };
        if cands.iter().any(|c| c.first <= ti && ti <= c.last) {
            continue;
        }
        let mut tmp = Found::default();
        push_cand(ctx, vec![(ti, Role::Surname)], &mut tmp);
        if let Some(mut c) = tmp.cands.pop() {
            c.canonical = canonical;
            rejected.retain(|&(a, _)| a != ti);
            cands.push(c);
        }
    }
    // A one-word name accepted on its context (a relative, a monastic name) is the same person
    // wherever else the article writes it alone.
    let one_word: Vec<String> = cands
        .iter()
        .filter(|c| c.given_only && c.first == c.last && ctx.given(c.first).is_none())
        .map(|c| lower_key(&c.canonical))
        .collect();
    if !one_word.is_empty() {
        for ti in lone_words {
            let t = &toks[ti];
            if !one_word.iter().any(|w| *w == *t.lower) || cands.iter().any(|c| c.first == ti) {
                continue;
            }
            let mut tmp = Found::default();
            push_cand(ctx, vec![(ti, Role::Given)], &mut tmp);
            if let Some(mut c) = tmp.cands.pop() {
                c.canonical = ctx.text.get(t.bs..t.be).unwrap_or_default().to_string();
                rejected.retain(|&(a, _)| a != ti);
                cands.push(c);
            }
        }
    }
    rejected.extend(pairs);
    list_members(ctx, &mut cands, rejected);
    cands.sort_by_key(|c| c.first);
    let cands = join_adjacent(ctx, cands);
    let mut cands = merge_coordinated(ctx, cands);
    regnal_numbers(ctx, &mut cands);
    cands
}

/// «Катерини II», «Миколи I»: a Roman numeral after a ruler's given name is part of the name.
fn regnal_numbers(ctx: &Ctx, cands: &mut [Cand]) {
    let toks = ctx.toks;
    for c in cands.iter_mut().filter(|c| c.given_only) {
        let Some(n) = toks.get(c.last + 1) else {
            continue;
        };
        let roman = n.kind == Kind::Word
            && n.space_before
            && !n.nl_before
            && n.ce - n.cs <= 4
            && ctx
                .text
                .get(n.bs..n.be)
                .is_some_and(|w| w.chars().all(|ch| matches!(ch, 'I' | 'V' | 'X')));
        if roman {
            let numeral = ctx.text.get(n.bs..n.be).unwrap_or_default();
            c.last += 1;
            c.canonical = format!("{} {numeral}", c.canonical);
        }
    }
}

/// «Вадим Авербух, Андрій Віщунов, Офер Керзнер», «Костомаров, Гулак, Житецький»: a word or an
/// unknown pair that was not enough on its own is a person when it stands in a list (commas,
/// «і», «та») right next to a person, until the list holds no more.
fn list_members(ctx: &Ctx, cands: &mut Vec<Cand>, mut pending: Vec<(usize, usize)>) {
    let toks = ctx.toks;
    let sep = |k: usize| {
        toks.get(k).is_some_and(|t| {
            !t.nl_before
                && (t.kind == Kind::Punct && t.ch == ','
                    || t.kind == Kind::Word && matches!(t.lower.as_str(), "і" | "та" | "й"))
        })
    };
    // Longest first, so that a pair wins over its own words.
    pending.sort_by_key(|&(a, b)| (a, std::cmp::Reverse(b)));
    for _round in 0..4 {
        let ends: HashSet<usize> = cands.iter().map(|c| c.last).collect();
        let starts: HashSet<usize> = cands.iter().map(|c| c.first).collect();
        let taken: Vec<(usize, usize)> = cands.iter().map(|c| (c.first, c.last)).collect();
        let mut added = false;
        let mut rest = Vec::with_capacity(pending.len());
        for (a, b) in pending {
            let overlaps = taken.iter().any(|&(f, l)| f <= b && a <= l)
                || cands.iter().any(|c| c.first <= b && a <= c.last);
            if overlaps {
                continue;
            }
            let before = a >= 2 && sep(a - 1) && ends.contains(&(a - 2));
            let after = sep(b + 1) && starts.contains(&(b + 2));
            let place_prep = a > 0
                && matches!(
                    toks[a - 1].lower.as_str(),
                    "у" | "в" | "з" | "із" | "зі" | "до" | "біля" | "під" | "на"
                );
            if !(before || after) || place_prep || streets_around(ctx, a, b) {
                rest.push((a, b));
                continue;
            }
            let parts = if a == b {
                vec![(a, Role::Surname)]
            } else {
                vec![(a, Role::Given), (b, Role::Surname)]
            };
            let mut tmp = Found::default();
            push_cand(ctx, parts, &mut tmp);
            if let Some(c) = tmp.cands.pop() {
                cands.push(c);
                added = true;
            }
        }
        pending = rest;
        if !added {
            break;
        }
    }
}

/// A list of streets rather than people: some one-word item of the list around `a..=b` is a
/// feminine adjective, as street names are («Радянської», «Чигиринська»).
fn streets_around(ctx: &Ctx, a: usize, b: usize) -> bool {
    let toks = ctx.toks;
    let street_like = |t: &Tok| {
        t.kind == Kind::Word
            && t.cap
            && !ctx.lex.places.contains(t.lower.as_str())
            && ends_with_any!(&t.lower, ["ої", "ська", "цька", "ській", "цькій"])
    };
    let is_sep = |t: &Tok| {
        t.kind == Kind::Punct && t.ch == ','
            || t.kind == Kind::Word && matches!(t.lower.as_str(), "і" | "та" | "й")
    };
    let lo = a.saturating_sub(24);
    let hi = (b + 24).min(toks.len().saturating_sub(1));
    // One-word items: a capitalised word with separators (or the list's ends) on both sides.
    let mut k = a;
    while k > lo
        && toks
            .get(k - 1)
            .is_some_and(|t| is_sep(t) || t.cap && t.kind == Kind::Word)
    {
        k -= 1;
    }
    let start = k;
    let mut k = b;
    while k < hi
        && toks
            .get(k + 1)
            .is_some_and(|t| is_sep(t) || t.cap && t.kind == Kind::Word)
    {
        k += 1;
    }
    (start..=k).any(|i| {
        let t = &toks[i];
        // After initials («М. П. Муравицької») the word is a surname, not a street.
        let after_initial = i >= 2
            && toks[i - 1].kind == Kind::Punct
            && toks[i - 1].ch == '.'
            && toks[i - 2].cap
            && toks[i - 2].ce - toks[i - 2].cs == 1;
        let lone = (i == 0 || is_sep(&toks[i - 1]) || i == start && !after_initial)
            && toks.get(i + 1).is_none_or(|n| is_sep(n) || i == k);
        lone && street_like(t) && (i < a || i > b)
    })
}

/// A given name and a surname found as separate mentions with nothing between them
/// («Генадій» «Бахір»): one person, one span.
fn join_adjacent(ctx: &Ctx, cands: Vec<Cand>) -> Vec<Cand> {
    let toks = ctx.toks;
    let mut out: Vec<Cand> = Vec::with_capacity(cands.len());
    for c in cands {
        if let Some(prev) = out.last_mut() {
            let touching = prev.last + 1 == c.first
                && toks.get(c.first).is_some_and(|t| {
                    t.kind == Kind::Word && !t.latin && !t.nl_before && t.space_before
                })
                && toks
                    .get(prev.last)
                    .is_some_and(|t| t.kind == Kind::Word && !t.latin);
            let fits = (prev.given_only || prev.surname_only)
                && prev.first == prev.last
                && c.surname_only
                && c.first == c.last
                && !sentence_initial(toks, prev.first);
            if touching && fits {
                let span = ctx
                    .text
                    .get(toks[prev.first].bs..toks[c.last].be)
                    .unwrap_or_default();
                let hint = case_hint(ctx, prev.first);
                let mc = ctx.morph_cache.borrow_mut().canonicalize_with(
                    span,
                    Cases(hint),
                    Gender::Unknown,
                );
                if let (Some(g), Some(sn)) = (mc.given.clone(), mc.surname.clone()) {
                    prev.last = c.last;
                    prev.given = Some((g, mc.gender));
                    prev.gender = mc.gender;
                    prev.surname_only = false;
                    prev.given_only = false;
                    prev.surname = Some(sn);
                    prev.surname_forms.extend(c.surname_forms);
                    prev.canonical = mc.full;
                    continue;
                }
            }
        }
        out.push(c);
    }
    out
}

/// «Микола та Лариса Онули»: one span, named after the first person.
fn merge_coordinated(ctx: &Ctx, cands: Vec<Cand>) -> Vec<Cand> {
    let toks = ctx.toks;
    let mut out: Vec<Cand> = Vec::with_capacity(cands.len());
    let mut it = cands.into_iter().peekable();
    while let Some(mut c) = it.next() {
        if let (true, Some(next)) = (c.given_only, it.peek()) {
            let conj = c.last + 2 == next.first
                && toks
                    .get(c.last + 1)
                    .is_some_and(|t| matches!(t.lower.as_str(), "та" | "і" | "й"));
            if conj && next.given.is_some() && next.surname.is_some() {
                if let (Some(next), Some((g, gender))) = (it.next(), c.given.clone()) {
                    let written = next.surname_forms.last().cloned().unwrap_or_default();
                    let sn = singular_surname(&written, gender);
                    let raw = next.surname.clone().unwrap_or_default();
                    c.canonical = format!("{g} {}", capitalise_like(&raw, &sn));
                    c.last = next.last;
                    c.given_only = false;
                }
            }
        }
        out.push(c);
    }
    out
}

/// The singular of a family's plural surname (Онули → Онул, Ткаченки → Ткаченко).
fn singular_surname(l: &str, gender: Gender) -> String {
    let fem = gender == Gender::Female;
    for (suf, m, f) in [
        ("енки", "енко", "енко"),
        ("енків", "енко", "енко"),
        ("енкам", "енко", "енко"),
        ("ські", "ський", "ська"),
        ("ських", "ський", "ська"),
        ("цькі", "цький", "цька"),
        ("ови", "ов", "ова"),
        ("ових", "ов", "ова"),
        ("евих", "ев", "ева"),
        ("євих", "єв", "єва"),
        ("иних", "ин", "ина"),
        ("овим", "ов", "ова"),
        ("єви", "єв", "єва"),
        ("іни", "ін", "іна"),
        ("іних", "ін", "іна"),
        ("ини", "ин", "ина"),
        ("ам", "", ""),
        ("ям", "ь", "ь"),
        ("ів", "", ""),
        ("и", "", ""),
        ("і", "", ""),
    ] {
        if let Some(s) = strip_suffix_fast(l, suf) {
            if s.chars().count() >= 2 {
                // `format!("{s}{ending}")` without the formatting machinery.
                let ending = if fem { f } else { m };
                let mut out = String::with_capacity(s.len() + ending.len());
                out.push_str(s);
                out.push_str(ending);
                return out;
            }
        }
    }
    l.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn is_particle_agrees_with_the_list() {
        for p in PARTICLES {
            assert!(is_particle(p), "{p}");
        }
        assert!(!is_particle("делламаре"));
        assert!(!is_particle("Де"));
        // Every word of the sample texts, and each particle with a letter more or less.
        let mut words: Vec<String> = sample_texts()
            .iter()
            .flat_map(|t| tokenize(t).into_iter().map(|t| t.lower.to_string()))
            .collect();
        for p in PARTICLES {
            words.push(format!("{p}а"));
            words.push(p.chars().skip(1).collect());
            words.push(p.chars().take(p.chars().count() - 1).collect());
        }
        assert!(words.len() > 100_000, "{}", words.len());
        for w in &words {
            assert_eq!(is_particle(w), PARTICLES.contains(&w.as_str()), "{w:?}");
        }
    }

    #[test]
    fn is_letter_agrees_with_its_definition_on_every_character() {
        let reference = |c: char| {
            c.is_ascii_alphabetic()
                || !c.is_ascii()
                    && (('\u{0400}'..='\u{0481}').contains(&c)
                        || ('\u{048A}'..='\u{04FF}').contains(&c)
                        || c.is_alphabetic()
                        || ('\u{0300}'..='\u{036F}').contains(&c))
        };
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            assert_eq!(is_letter(c), reference(c), "{c:?}");
        }
    }

    /// The character-by-character [`normalise_word`] the byte fast paths must agree with.
    fn normalise_word_reference(word: &str) -> (Cow<'_, str>, bool, bool, bool) {
        // One pass for the counts; a word written in lower case (most words of running text) is
        // its own lower form and needs nothing else.
        let mut cyr = 0;
        let mut lat = 0;
        let mut upper = 0;
        let mut letters = 0;
        let mut combining = false;
        let mut apostrophe = false;
        for c in word.chars() {
            if ('\u{0300}'..='\u{036F}').contains(&c) {
                combining = true;
                continue;
            }
            // (ʼ is a letter too.)
            apostrophe |= is_apostrophe(c);
            if is_letter(c) {
                letters += 1;
                if is_upper(c) {
                    upper += 1;
                }
                if ('\u{0400}'..='\u{04FF}').contains(&c) {
                    cyr += 1;
                } else if c.is_ascii_alphabetic() {
                    lat += 1;
                }
            }
        }
        let mixed = cyr > 0 && lat > 0 && cyr >= lat;
        if !combining && upper == 0 && !apostrophe && !mixed {
            // The first character is a letter (the tokenizer starts words there) and no letter is
            // upper case: neither capitalised nor ALL CAPS.
            return (Cow::Borrowed(word), false, false, lat > cyr);
        }
        normalise_word_slow(word, upper, letters, combining, mixed, lat > cyr)
    }

    /// The tokenizer over `CharIndices` the byte-offset [`tokenize`] must agree with.
    fn tokenize_reference(text: &str) -> Vec<Tok<'_>> {
        let mut toks = Vec::with_capacity(text.len() / 8);
        let mut it = text.char_indices().peekable();
        let mut cp = 0usize;
        let mut nl = true;
        let mut space = true;
        let tok = |kind, cs, ce, bs, be, lower, flags: (bool, bool, bool), nl, space, ch| Tok {
            kind,
            cs,
            ce,
            bs,
            be,
            lower,
            cap: flags.0,
            allcaps: flags.1,
            latin: flags.2,
            nl_before: nl,
            space_before: space,
            ch,
        };
        while let Some((bs, c)) = it.next() {
            let cs = cp;
            cp += 1;
            if c.is_whitespace() || c == '\u{feff}' || c == '\u{ad}' || c.is_control() {
                if matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}') {
                    nl = true;
                }
                space = true;
                continue;
            }
            if is_letter(c) && !('\u{0300}'..='\u{036F}').contains(&c) {
                while let Some(&(b2, d)) = it.peek() {
                    if is_letter(d) {
                        it.next();
                        cp += 1;
                    } else if (is_apostrophe(d) || is_hyphen(d))
                        && text
                            .get(b2 + d.len_utf8()..)
                            .and_then(|r| r.chars().next())
                            .is_some_and(is_letter)
                    {
                        it.next();
                        it.next();
                        cp += 2;
                    } else {
                        break;
                    }
                }
                let be = it.peek().map_or(text.len(), |x| x.0);
                let (lower, cap, allcaps, latin) = normalise_word_reference(&text[bs..be]);
                toks.push(tok(
                    Kind::Word,
                    cs,
                    cp,
                    bs,
                    be,
                    Lower(lower),
                    (cap, allcaps, latin),
                    nl,
                    space,
                    c,
                ));
            } else if c.is_ascii_digit() {
                while it.peek().is_some_and(|x| x.1.is_ascii_digit()) {
                    it.next();
                    cp += 1;
                }
                let be = it.peek().map_or(text.len(), |x| x.0);
                toks.push(tok(
                    Kind::Num,
                    cs,
                    cp,
                    bs,
                    be,
                    Lower(Cow::Borrowed("")),
                    (false, false, false),
                    nl,
                    space,
                    c,
                ));
            } else {
                let be = bs + c.len_utf8();
                toks.push(tok(
                    Kind::Punct,
                    cs,
                    cp,
                    bs,
                    be,
                    Lower(Cow::Borrowed("")),
                    (false, false, false),
                    nl,
                    space,
                    c,
                ));
            }
            nl = false;
            space = false;
        }
        toks
    }

    /// Everything a token carries, for comparing two tokenizers.
    fn tok_fields<'a>(
        t: &'a Tok<'a>,
    ) -> (Kind, usize, usize, usize, usize, &'a str, [bool; 5], char) {
        (
            t.kind,
            t.cs,
            t.ce,
            t.bs,
            t.be,
            t.lower.as_str(),
            [t.cap, t.allcaps, t.latin, t.nl_before, t.space_before],
            t.ch,
        )
    }

    fn assert_same_tokens(text: &str) {
        let old = tokenize_reference(text);
        let mut lowered = String::new();
        for new in [tokenize(text), tokenize_with(text, &mut lowered)] {
            assert_eq!(new.len(), old.len(), "{text:?}");
            for (a, b) in new.iter().zip(&old) {
                assert_eq!(tok_fields(a), tok_fields(b), "{text:?}");
            }
        }
    }

    /// Texts to test fast paths on: the sample site's raw texts, and the NER-UK and gum-en
    /// texts when the shared data sets are there (read at test time, never compiled in).
    fn sample_texts() -> Vec<String> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut out = Vec::new();
        for e in walkdir::WalkDir::new(root.join("content/raw"))
            .into_iter()
            .flatten()
        {
            if e.path().extension().is_some_and(|x| x == "txt") {
                out.push(std::fs::read_to_string(e.path()).unwrap_or_default());
            }
        }
        assert!(out.len() > 10, "the sample texts were not found");
        for set in ["ner-uk/train.jsonl", "gum-en/dev.jsonl"] {
            let path = root.join("../shared/data").join(set);
            let Ok(all) = std::fs::read_to_string(&path) else {
                continue;
            };
            for line in all.lines() {
                let v: serde_json::Value = serde_json::from_str(line).unwrap_or_default();
                if let Some(t) = v.get("text").and_then(|t| t.as_str()) {
                    out.push(t.to_string());
                }
            }
        }
        out
    }

    /// Random texts over an alphabet weighted to what the tokenizer's fast paths decide on:
    /// every letter of U+0400..U+047F, ASCII letters, apostrophes, hyphens, spaces, digits,
    /// punctuation and a few other scripts (xorshift, fixed seed).
    fn random_texts(n: usize, len: usize) -> Vec<String> {
        let mut alphabet: Vec<char> = ('\u{0400}'..='\u{047F}').collect();
        alphabet.extend("abzAZ ʼ'’`-‐  .,«»\n0929Ґґ\u{301}ΩÉé東\u{ad}".chars());
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = move || {
            x = crate::testrand::xorshift(x);
            x
        };
        (0..n)
            .map(|_| {
                (0..len)
                    .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
                    .collect()
            })
            .collect()
    }

    /// [`cyrillic_run_of_four`] as the two-bytes-at-a-time loop it replaces.
    fn cyrillic_run_of_four_reference(b: &[u8; 8]) -> Option<usize> {
        let mut upper = 0;
        for pair in b.chunks(2) {
            let (x, y) = (pair[0], pair[1]);
            if !matches!(x, 0xD0 | 0xD1) {
                return None;
            }
            upper += usize::from(if x == 0xD0 {
                y <= 0xAF
            } else {
                y >= 0xA0 && y & 1 == 0
            });
        }
        Some(upper)
    }

    #[test]
    fn cyrillic_run_of_four_agrees_with_the_pairwise_loop() {
        // Every character of U+0400..U+047F in each of the four places (the others random),
        // a few other bytes in every place, and every eight bytes of the sample texts.
        let chars: Vec<[u8; 2]> = ('\u{0400}'..='\u{047F}')
            .map(|c| {
                let mut b = [0u8; 4];
                c.encode_utf8(&mut b);
                [b[0], b[1]]
            })
            .collect();
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move || {
            x = crate::testrand::xorshift(x);
            x
        };
        let mut checked = 0;
        for place in 0..4 {
            for c in &chars {
                for other in [0u8, b'a', b' ', 0xD2, 0xCF, 0xD3, 0xE2, 0x80] {
                    let mut b = [0u8; 8];
                    for k in 0..4 {
                        let r = chars[(next() % chars.len() as u64) as usize];
                        b[2 * k..2 * k + 2].copy_from_slice(&r);
                    }
                    b[2 * place..2 * place + 2].copy_from_slice(c);
                    assert_eq!(
                        cyrillic_run_of_four(u64::from_le_bytes(b)),
                        cyrillic_run_of_four_reference(&b),
                        "{b:x?}"
                    );
                    // Another byte where a character starts (in UTF-8 text the byte after a
                    // lead byte D0 or D1 is always a continuation byte).
                    let k = 2 * (next() % 4) as usize;
                    b[k] = other;
                    assert_eq!(
                        cyrillic_run_of_four(u64::from_le_bytes(b)),
                        cyrillic_run_of_four_reference(&b),
                        "{b:x?}"
                    );
                    checked += 2;
                }
            }
        }
        // (At character boundaries only, as the tokenizer reads them.)
        for t in sample_texts().iter().take(200) {
            for (i, _) in t.char_indices() {
                let Some(w) = t.as_bytes().get(i..i + 8) else {
                    break;
                };
                let mut b = [0u8; 8];
                b.copy_from_slice(w);
                assert_eq!(
                    cyrillic_run_of_four(u64::from_le_bytes(b)),
                    cyrillic_run_of_four_reference(&b),
                    "{b:x?}"
                );
                checked += 1;
            }
        }
        assert!(checked > 100_000, "{checked}");
    }

    #[test]
    fn tokenizer_agrees_with_the_char_by_char_reference() {
        for s in [
            "",
            "Мар’яна Безугла, Жан-Ноель, 12 р.",
            "ІВАН ПЕТРЕНКО заявив: «Так»; Ѣять Ѳома Ґонта — ЇЖАК-їжак'' `a`b' -x- d'-'e",
            "Zelensky Зеленcький Kиїв МакКейн НОКу ТзОВ Й\u{306}осип \u{301}А Ӏа ǅa",
            "a\u{ad}b\u{feff}c\u{2028}Д\r\nЕ\u{0}Ж 東京 عربي 2024р. Ҁ҂҃Ҋ ѿ Ѡѡ",
            "З'ясувати зʼявився ПʼЄР Вʼячеслав В.\u{A0}О. Ст. Дж.",
            "Ж",
            "ж-",
            "ж'",
            "Жё\u{0308}",
        ] {
            assert_same_tokens(s);
        }
        // The sample site's raw texts.
        let raw = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content/raw");
        let mut n = 0;
        for e in walkdir::WalkDir::new(raw).into_iter().flatten() {
            if e.path().extension().is_some_and(|x| x == "txt") {
                let t = std::fs::read_to_string(e.path()).unwrap_or_default();
                assert_same_tokens(&t);
                n += 1;
            }
        }
        assert!(n > 10, "the sample texts were not found");
        // NER-UK and gum-en when present, and random texts.
        for t in sample_texts() {
            assert_same_tokens(&t);
        }
        for t in random_texts(2000, 200) {
            assert_same_tokens(&t);
        }
    }

    proptest::proptest! {
        #[test]
        fn tokenizer_agrees_on_any_text(
            s in proptest::collection::vec(
                proptest::sample::select(vec![
                    'а', 'Я', 'І', 'ї', 'Ґ', 'ё', 'Ѐ', 'Ѣ', 'ѣ', 'Ѡ', 'ѿ', 'Ҁ', '҂', '҃', 'Ҋ', 'Ӏ',
                    'ӿ', 'a', 'Z', 'k', '\'', '’', 'ʼ', '`', '´', '‘', '-', '‐', '‑', '.', ',',
                    ' ', '\n', '\u{A0}', '\u{ad}', '\u{feff}', '\u{0}', '\u{301}', '\u{306}',
                    '1', '9', '«', '»', 'é', 'Ä', 'ǅ', '東', 'ع', '😀',
                ]),
                0..40,
            )
        ) {
            let text: String = s.into_iter().collect();
            assert_same_tokens(&text);
        }
    }

    /// `detect_language` as it was written before its byte scan: counting `chars()`.
    fn detect_language_reference(text: &str) -> Lang {
        let (mut lat, mut cyr) = (0usize, 0usize);
        for c in text.chars() {
            if c.is_ascii_alphabetic() {
                lat += 1;
            } else if ('\u{0400}'..='\u{04FF}').contains(&c) {
                cyr += 1;
            }
        }
        if lat > cyr * 2 {
            Lang::En
        } else {
            Lang::Uk
        }
    }

    #[test]
    fn detect_language_agrees_with_counting_chars_on_the_sample_texts() {
        for s in [
            "",
            "a",
            "ab ж",
            "abc ж",
            "Ѐ ӿ ab",
            "ԀԀ abc",
            "Ѐabc",
            "東 x",
            "ab\u{0500}",
        ] {
            assert_eq!(detect_language(s), detect_language_reference(s), "{s:?}");
        }
        let raw = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content/raw");
        let (mut n, mut en, mut uk) = (0, 0, 0);
        for e in walkdir::WalkDir::new(raw).into_iter().flatten() {
            if e.path().extension().is_some_and(|x| x == "txt") {
                let t = std::fs::read_to_string(e.path()).unwrap_or_default();
                let lang = detect_language(&t);
                assert_eq!(
                    lang,
                    detect_language_reference(&t),
                    "{}",
                    e.path().display()
                );
                // Each prefix cut at a character boundary: the counts must agree all along.
                for (i, _) in t.char_indices().step_by(97) {
                    assert_eq!(detect_language(&t[..i]), detect_language_reference(&t[..i]));
                }
                match lang {
                    Lang::En => en += 1,
                    Lang::Uk => uk += 1,
                }
                n += 1;
            }
        }
        assert!(n > 10, "the sample texts were not found");
        assert!(uk > 0, "no Ukrainian sample text: {en} English of {n}");
    }

    proptest::proptest! {
        #[test]
        fn detect_language_agrees_with_counting_chars_on_any_text(
            s in proptest::collection::vec(
                proptest::sample::select(vec![
                    'а', 'Я', 'Ѐ', 'ӿ', 'Ԁ', 'ԯ', '\u{03FF}', 'a', 'Z', 'z', '@', '[', '`', '{',
                    ' ', '1', 'é', 'Ä', '東', 'ع', '😀', '\u{0}', '\u{7F}', '\u{80}',
                ]),
                0..60,
            )
        ) {
            let text: String = s.into_iter().collect();
            proptest::prop_assert_eq!(detect_language(&text), detect_language_reference(&text));
        }
    }

    #[test]
    fn lower_capitalised_agrees_with_lower_key() {
        for w in [
            "Іван",
            "Їжак",
            "Єва",
            "Ґонта",
            "Петренко",
            "Жан-Ноель",
            "John",
            "Ёж",
            "Ѐх",
            "Ab-cd",
            "ІВАН",
            "Мар’яна",
            "Ivan",
            "Тест5",
            "Ӏа",
            "Ѣять",
            "Аґ",
            "Зʼязок",
            "Ǆa",
        ] {
            if let Some(l) = lower_capitalised(w) {
                assert_eq!(l, lower_key(w), "{w}");
            }
        }
        assert!(lower_capitalised("Іван").is_some());
        assert!(lower_capitalised("ІВАН").is_none());
    }

    /// [`capitalise_like`] as first written (a vector of the characters, the Unicode tables).
    fn capitalise_like_reference(orig: &str, lower: &str) -> String {
        let o: Vec<char> = orig.chars().collect();
        let all_caps = o
            .iter()
            .filter(|c| c.is_alphabetic())
            .all(|c| c.is_uppercase());
        let mut out = String::with_capacity(lower.len());
        let mut up = true;
        for (k, c) in lower.chars().enumerate() {
            let oc = o.get(k).copied();
            let same = oc.is_some_and(|oc| oc.to_lowercase().eq(std::iter::once(c)));
            if up || !all_caps && same && oc.is_some_and(char::is_uppercase) {
                out.extend(c.to_uppercase());
            } else {
                out.push(c);
            }
            up = c == '-' || c == ' ';
        }
        out
    }

    #[test]
    fn char_class_fast_paths_agree_with_the_unicode_tables() {
        for u in 0..=0x2FFFu32 {
            let Some(c) = char::from_u32(u) else { continue };
            assert_eq!(alphabetic(c), c.is_alphabetic(), "{c:?}");
            assert_eq!(uppercase(c), c.is_uppercase(), "{c:?}");
            let mut up = String::new();
            push_upper(&mut up, c);
            assert_eq!(up, c.to_uppercase().collect::<String>(), "{c:?}");
            for d in c.to_lowercase().chain(['a', 'я', 'ѐ', 'ґ', c]) {
                assert_eq!(
                    lowercases_to(c, d),
                    c.to_lowercase().eq(std::iter::once(d)),
                    "{c:?} {d:?}"
                );
            }
        }
    }

    #[test]
    fn capitalise_like_agrees_with_the_reference() {
        let mut n = 0;
        for text in sample_texts() {
            let words: Vec<&str> = text.split_whitespace().collect();
            for pair in words.windows(2) {
                let orig = pair.join(" ");
                let low = lower_key(&orig);
                let shorter: String = low
                    .chars()
                    .take(low.chars().count().saturating_sub(2))
                    .collect();
                for lower in [
                    low.clone(),
                    shorter,
                    format!("{low}ий"),
                    pair[1].to_lowercase(),
                ] {
                    assert_eq!(
                        capitalise_like(&orig, &lower),
                        capitalise_like_reference(&orig, &lower),
                        "{orig:?} {lower:?}"
                    );
                    n += 1;
                }
            }
        }
        assert!(n > 10_000, "{n}");
    }

    #[test]
    fn given_singled_filter_keeps_every_doubled_reading() {
        // The filter before [`given_doubled`] in [`Ctx::given_uncached`] may only drop words
        // without a reading: on the sample texts' words, and on every given-name form with a
        // doubled consonant written single (the readings the repair exists for).
        let lex = lexicon();
        let mut words: Vec<String> = Vec::new();
        for text in sample_texts() {
            for t in tokenize(&text) {
                if t.kind == Kind::Word && t.cap {
                    words.push(t.lower.to_string());
                }
            }
        }
        for k in lex.given.keys() {
            let cs: Vec<char> = k.chars().collect();
            for i in 1..cs.len() {
                if cs[i] == cs[i - 1] {
                    let mut w: String = cs[..i].iter().collect();
                    w.extend(&cs[i + 1..]);
                    words.push(w);
                }
            }
        }
        let mut found = 0;
        for w in &words {
            let plain = given_doubled(lex, w);
            let filtered = if lex.given_singled.contains(w.as_str()) {
                given_doubled(lex, w)
            } else {
                None
            };
            assert_eq!(
                filtered.map(|v| v as *const _),
                plain.map(|v| v as *const _),
                "{w:?}"
            );
            found += usize::from(plain.is_some());
        }
        assert!(found > 100, "{found}");
    }

    #[test]
    fn single_score_memo_agrees_with_scoring_each_word() {
        // Every word of each sample text scored twice in one article context (the second time
        // from the memo) and once more on the plain path.
        let lex = lexicon();
        let mut differs_by_gender = 0;
        for text in sample_texts().iter().take(400) {
            let toks = tokenize(text);
            let ctx = Ctx {
                text,
                toks: &toks,
                quoted: quoted_mask(&toks),
                lex,
                morph_cache: Default::default(),
                given_memo: vec![std::cell::OnceCell::new(); toks.len()],
                single_memo: Default::default(),
            };
            let words: Vec<usize> = (0..toks.len())
                .filter(|&i| toks[i].kind == Kind::Word && toks[i].cap)
                .collect();
            let first: Vec<i32> = words.iter().map(|&i| single_score(&ctx, i)).collect();
            let again: Vec<i32> = words.iter().map(|&i| single_score(&ctx, i)).collect();
            PLAIN_PATHS.with(|p| p.set(true));
            let plain: Vec<i32> = words.iter().map(|&i| single_score(&ctx, i)).collect();
            PLAIN_PATHS.with(|p| p.set(false));
            assert_eq!(first, plain, "{text}");
            assert_eq!(again, plain, "{text}");
            differs_by_gender += ctx
                .single_memo
                .borrow()
                .values()
                .filter(|m| m.iter().flatten().count() > 1)
                .count();
        }
        assert!(differs_by_gender > 10, "{differs_by_gender}");
    }

    #[test]
    fn unquote_names_skipping_agrees_with_the_plain_loop() {
        // The quotation marks of each sample text cleared by the fast path (skipping the
        // tokens outside quotations) and by the plain loop over every token; and of random
        // token sequences, quoted at random.
        let lex = lexicon();
        let mut cleared = 0;
        let mut texts = sample_texts();
        texts.extend(random_texts(300, 300));
        for text in &texts {
            let toks = tokenize(text);
            let mut masks = vec![quoted_mask(&toks)];
            let mut x = text.len() as u64 | 1;
            masks.push(
                (0..toks.len())
                    .map(|_| {
                        x = crate::testrand::xorshift(x);
                        !x.is_multiple_of(3)
                    })
                    .collect(),
            );
            for mask in masks {
                let mut fast = mask.clone();
                unquote_names(&toks, &mut fast, lex);
                let mut plain = mask.clone();
                PLAIN_PATHS.with(|p| p.set(true));
                unquote_names(&toks, &mut plain, lex);
                PLAIN_PATHS.with(|p| p.set(false));
                assert_eq!(fast, plain, "{text}");
                cleared += mask.iter().zip(&plain).filter(|(a, b)| a != b).count();
            }
        }
        assert!(cleared > 10, "{cleared}");
    }

    #[test]
    fn fast_paths_extract_what_the_plain_paths_do() {
        let registry = Registry::default();
        let mut people = 0;
        for text in sample_texts() {
            let lang = detect_language(&text);
            let fast = extract(&text, lang, &registry);
            // Again: now every canonical form and surname reading is in the memos per thread.
            let again = extract(&text, lang, &registry);
            let memoless =
                super::super::morph::without_thread_memos(|| extract(&text, lang, &registry));
            PLAIN_PATHS.with(|p| p.set(true));
            let plain = extract(&text, lang, &registry);
            PLAIN_PATHS.with(|p| p.set(false));
            people += fast.people.len();
            assert_eq!(fast, plain, "{text}");
            assert_eq!(again, plain, "{text}");
            assert_eq!(memoless, plain, "{text}");
        }
        assert!(people > 1000, "{people}");
    }

    #[test]
    fn tokens_keep_apostrophes_and_hyphens() {
        let t = tokenize("Мар’яна Безугла, Жан-Ноель, 12 р.");
        let words: Vec<&str> = t
            .iter()
            .filter(|t| t.kind == Kind::Word)
            .map(|t| t.lower.as_str())
            .collect();
        assert_eq!(words, ["марʼяна", "безугла", "жан-ноель", "р"]);
    }

    #[test]
    fn simple_names() {
        let r = Registry::default();
        let ex = extract(
            "Про це повідомив керівник Офісу президента Кирило Буданов. Також Буданов розповів.",
            Lang::Uk,
            &r,
        );
        assert_eq!(ex.people, ["Кирило Буданов"]);
        assert_eq!(ex.mentions.len(), 2);
        assert_eq!(ex.roles[0].role, "керівник Офісу президента");
    }

    #[test]
    fn hostile_input_never_panics() {
        let r = Registry::default();
        let big = "Іван ".repeat(200_000);
        for s in [
            "",
            "   \n\t ",
            "\u{0}\u{0}Іван\u{0}Петренко",
            "\u{301}\u{301} Й\u{306}",
            "Mixed Київ Zelensky Зеленський 東京 عربي",
            "В.",
            "«",
            "\"Іван",
            big.as_str(),
        ] {
            let n = s.chars().count();
            let ex = extract(s, Lang::Uk, &r);
            for m in &ex.mentions {
                assert!(m.start <= m.end && m.end <= n);
            }
            let _ = extract(s, Lang::En, &r);
        }
    }
}
