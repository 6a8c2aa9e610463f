//! Bytes → text.
//!
//! Raw articles arrive in whatever encoding the scraper saw:
//!
//! - UTF-8 with or without a BOM, UTF-16 LE/BE with a BOM: decoded as marked.
//! - Unmarked legacy Cyrillic (Windows-1251, KOI8-U and friends): chardetng makes a guess,
//!   then every plausible candidate is decoded and scored by how Ukrainian (or English) the
//!   result reads: frequent letters, sane letter case inside words, no words that mix
//!   scripts. KOI8-U read as Windows-1251 (or the other way round) gives words like
//!   «пРЕДСТАВНИКИ» and rare letters, so the right reading wins by a wide margin.
//! - Binary input (NUL bytes without a UTF-16 BOM) and text that decodes to garbage in every
//!   candidate encoding are errors; the caller names the file and skips it.

use anyhow::{bail, Result};
use chardetng::{EncodingDetector, Iso2022JpDetection, Utf8Detection};
use encoding_rs::{Encoding, IBM866, KOI8_R, KOI8_U, UTF_8, WINDOWS_1251, WINDOWS_1252};

/// The encoding library, for tests and the fuzz targets that make legacy-encoded input.
pub use encoding_rs as encoding;

/// Decodes raw bytes to text (without a BOM).
pub fn decode(bytes: &[u8]) -> Result<String> {
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        let body = &bytes[bom_len..];
        return match enc.decode_without_bom_handling_and_without_replacement(body) {
            Some(text) => {
                let text = text.into_owned();
                check_sane(&text, enc)?;
                Ok(text)
            }
            None => bail!(
                "the file starts with a {} byte-order mark but is not valid {}",
                enc.name(),
                enc.name()
            ),
        };
    }
    // `contains` finds a byte with the standard library's fast search; the offset is for
    // the message.
    if let Some(pos) = find_byte(bytes, 0) {
        bail!(
            "looks like a binary file, not text (NUL byte at offset {pos}); \
             UTF-16 text needs a byte-order mark"
        );
    }
    // SIMD validation: several times faster than the standard library's on Cyrillic text.
    if let Ok(text) = simdutf8::basic::from_utf8(bytes) {
        check_sane(text, UTF_8)?;
        // Most texts need no repair: then the text is copied once, here.
        let fixed = fix_double_encoding(text).unwrap_or_else(|| text.to_owned());
        check_no_mojibake(&fixed)?;
        return Ok(fixed);
    }

    let mut detector = EncodingDetector::new(Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    let guess = detector.guess(None, Utf8Detection::Allow);

    // Candidates: the guess first, then the legacy Cyrillic encodings and Latin-1, and UTF-8
    // with a few stray bad bytes (scraped text glued from several sources).
    let mut candidates: Vec<&'static Encoding> = vec![guess];
    for enc in [WINDOWS_1251, KOI8_U, KOI8_R, IBM866, WINDOWS_1252, UTF_8] {
        if !candidates.contains(&enc) {
            candidates.push(enc);
        }
    }
    let mut best: Option<(i64, &'static Encoding, String)> = None;
    for enc in candidates {
        let (text, _) = enc.decode_without_bom_handling(bytes);
        let mut score = plausibility(&text);
        if enc == guess {
            // A small tie-breaker in favour of the detector.
            score += 2;
        }
        if best.as_ref().is_none_or(|(s, _, _)| score > *s) {
            best = Some((score, enc, text.into_owned()));
        }
    }
    match best {
        Some((_, enc, text)) => {
            check_sane(&text, enc)?;
            Ok(text)
        }
        None => bail!("cannot decode the text"),
    }
}

/// Repairs mojibake inside UTF-8 text: UTF-8 bytes once read as Windows-1251
/// («РџСЂРµРґСЃС‚Р°РІРЅРёРєРё») or as Windows-1252 / Latin-1 («Ð¡Ð¿Ð¾Ð»ÑƒÑ‡ÐµÐ½Ð¸Ñ…») and saved as
/// UTF-8 again.
///
/// Works run by run, so a text where only a pasted paragraph is broken is repaired too: a
/// run is a stretch of characters that the wrong code page made from the bytes of whole
/// UTF-8 sequences (lead byte, then continuation bytes). A run is replaced by what those
/// bytes spell when it spells at least two characters (one Cyrillic letter made of two
/// characters is too easily real text: «Сі», «Т»») and the result reads better.
fn fix_double_encoding(text: &str) -> Option<String> {
    match repair_runs(text, WINDOWS_1251) {
        Some(fixed) => Some(repair_runs(&fixed, WINDOWS_1252).unwrap_or(fixed)),
        None => repair_runs(text, WINDOWS_1252),
    }
}

/// The characters bytes 0x80..=0xFF decode to in `enc` (a single-byte encoding).
fn high_table(enc: &'static Encoding) -> &'static [char; 128] {
    use std::sync::OnceLock;
    static T1251: OnceLock<[char; 128]> = OnceLock::new();
    static T1252: OnceLock<[char; 128]> = OnceLock::new();
    let cell = if enc == WINDOWS_1251 { &T1251 } else { &T1252 };
    cell.get_or_init(|| {
        let mut t = ['\u{FFFD}'; 128];
        for (i, slot) in t.iter_mut().enumerate() {
            let byte = [0x80 + i as u8];
            let (s, _) = enc.decode_without_bom_handling(&byte);
            *slot = s.chars().next().unwrap_or('\u{FFFD}');
        }
        t
    })
}

/// The reverse of [`high_table`]: for each character, the byte 0x80..=0xFF it comes from.
///
/// `low` is indexed by code point for characters below U+0500 (0 = no byte); the few other
/// characters (typographic punctuation, €, ™…) are in `other`, sorted for binary search.
struct HighIndex {
    low: [u8; 0x500],
    other: Vec<(char, u8)>,
    /// Whether [`has_strong_run`] may look for continuation characters with
    /// [`may_be_continuation`]: every Cyrillic character U+0400..=U+047F (UTF-8 lead
    /// byte 0xD0 or 0xD1) that stands for a continuation byte is one of U+0400..=U+040F or
    /// U+0450..=U+045F. True for Windows-1251 and Windows-1252; checked when the index is
    /// built.
    cyrillic_conts_known: bool,
}

/// The [`HighIndex`] of `enc` (Windows-1251 or Windows-1252), built once.
fn high_index(enc: &'static Encoding) -> &'static HighIndex {
    use std::sync::OnceLock;
    static I1251: OnceLock<HighIndex> = OnceLock::new();
    static I1252: OnceLock<HighIndex> = OnceLock::new();
    let cell = if enc == WINDOWS_1251 { &I1251 } else { &I1252 };
    cell.get_or_init(|| {
        let mut index = HighIndex {
            low: [0; 0x500],
            other: Vec::new(),
            cyrillic_conts_known: false,
        };
        // The first byte that decodes to a character wins, as a linear search would find.
        for (i, &c) in high_table(enc).iter().enumerate() {
            let byte = 0x80 + i as u8;
            if c.is_ascii() || c == '\u{FFFD}' {
                continue;
            }
            match index.low.get_mut(c as usize) {
                Some(slot) => {
                    if *slot == 0 {
                        *slot = byte;
                    }
                }
                None => {
                    if !index.other.iter().any(|&(o, _)| o == c) {
                        index.other.push((c, byte));
                    }
                }
            }
        }
        index.other.sort_unstable();
        index.cyrillic_conts_known = (0x400..0x480u32).all(|code| {
            !matches!(index.low[code as usize], 0x80..=0xBF)
                || (0x400..=0x40F).contains(&code)
                || (0x450..=0x45F).contains(&code)
        });
        index
    })
}

/// The byte `c` stands for in `enc` (Windows-1251 or Windows-1252), if one of 0x80..=0xFF.
fn high_byte(c: char, enc: &'static Encoding) -> Option<u8> {
    high_index(enc).byte(c)
}

impl HighIndex {
    /// [`HighIndex::byte`] of the character with code point `code`, below U+0500.
    #[inline]
    fn byte_below_0x500(&self, code: u32) -> Option<u8> {
        match self.low.get(code as usize) {
            Some(&0) | None => None,
            Some(&b) => Some(b),
        }
    }

    /// The byte `c` stands for, if one of 0x80..=0xFF. ASCII characters and U+FFFD have no
    /// entry in either table.
    #[inline]
    fn byte(&self, c: char) -> Option<u8> {
        match self.low.get(c as usize) {
            Some(&0) => None,
            Some(&b) => Some(b),
            None => self
                .other
                .binary_search_by(|&(o, _)| o.cmp(&c))
                .ok()
                .map(|i| self.other[i].1),
        }
    }
}

/// The length of the valid UTF-8 sequence (two bytes or more) that `bytes` spell from `i`.
///
/// [`sequence_at`] checks the lead byte (0xC2..=0xF4) and the continuation bytes
/// (0x80..=0xBF); what UTF-8 further forbids (overlong forms, surrogates, code points above
/// U+10FFFF) shows in the second byte after 0xE0, 0xED, 0xF0 and 0xF4.
fn valid_sequence_at(bytes: &[Option<u8>], i: usize) -> Option<usize> {
    let len = sequence_at(bytes, i)?;
    let lead = bytes[i]?;
    let second = bytes[i + 1]?;
    let valid = match lead {
        0xE0 => second >= 0xA0,
        0xED => second <= 0x9F,
        0xF0 => second >= 0x90,
        0xF4 => second <= 0x8F,
        _ => true,
    };
    valid.then_some(len)
}

/// (The filter [`repair_runs`] used before [`has_strong_run`]; kept for the tests.)
///
/// Whether [`repair_runs`] may change the text whose characters read back to `bytes` (in
/// the code page at hand). All three must hold:
///
/// - A lead byte (0xC2..=0xF4) somewhere.
/// - Two continuation bytes (0x80..=0xBF) at most two characters apart somewhere.
///
///   These two are necessary for a run of three characters or more (one sequence of three
///   or four bytes, or two sequences back to back), the only runs [`repair_runs`] can call
///   strong.
/// - Somewhere a valid sequence of three or four bytes, or two valid sequences back to back.
///   Shorter runs spell one character from two, which is never a strong run; most clean
///   Cyrillic text has such runs («Ві» → «³»), but only one-character ones.
///
/// Most characters are rejected by one comparison: a sequence needs a continuation byte
/// right after its lead byte.
#[cfg(test)]
fn may_need_repair(bytes: &[Option<u8>]) -> bool {
    let is_cont = |b: Option<u8>| matches!(b, Some(0x80..=0xBF));
    let mut lead = false;
    let mut close = false;
    let mut strong = false;
    let mut last_cont: Option<usize> = None;
    for (k, &byte) in bytes.iter().enumerate() {
        match byte {
            Some(0x80..=0xBF) => {
                if last_cont.is_some_and(|l| k - l <= 2) {
                    close = true;
                }
                last_cont = Some(k);
            }
            Some(0xC2..=0xF4) => {
                lead = true;
                if !strong && is_cont(bytes.get(k + 1).copied().flatten()) {
                    strong = match valid_sequence_at(bytes, k) {
                        Some(len) if len >= 3 => true,
                        Some(len) => valid_sequence_at(bytes, k + len).is_some(),
                        None => false,
                    };
                }
            }
            _ => {}
        }
        if lead && close && strong {
            return true;
        }
    }
    false
}

/// One pass of [`fix_double_encoding`] for code page `enc`; `None` when nothing changed.
fn repair_runs(text: &str, enc: &'static Encoding) -> Option<String> {
    let index = high_index(enc);
    // Without a strong run nothing changes: found without allocating, in one pass (most
    // texts stop here). The leads of Windows-1252 (0xC2..=0xF4) are the characters
    // U+00C2..=U+00F4, whose UTF-8 starts with 0xC3: Cyrillic text without one is done at
    // once.
    if enc == WINDOWS_1252 && find_byte(text.as_bytes(), 0xC3).is_none()
        || !has_strong_run(text, index)
    {
        return None;
    }
    let bytes: Vec<Option<u8>> = text.chars().map(|c| index.byte(c)).collect();
    let chars: Vec<char> = text.chars().collect();
    // Runs: (start, end, what the bytes spell).
    let mut runs: Vec<(usize, usize, String)> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        // The longest run of whole UTF-8 sequences starting at i.
        let mut j = i;
        let mut decoded = String::new();
        while let Some(len) = sequence_at(&bytes, j) {
            // A sequence is four bytes at most: spelled in a buffer on the stack.
            let mut seq = [0u8; 4];
            for (slot, b) in seq.iter_mut().zip(&bytes[j..j + len]) {
                *slot = b.unwrap_or(0);
            }
            match seq.get(..len).map(std::str::from_utf8) {
                Some(Ok(s)) => decoded.push_str(s),
                _ => break,
            }
            j += len;
        }
        if j > i {
            runs.push((i, j, decoded));
            i = j;
        } else {
            i += 1;
        }
    }
    let readable = |d: &str| d.chars().all(|c| is_alphabetic(c) || is_common_symbol(c));
    // Strong runs: two characters at least, or one spelled with three bytes («â€”» → «—»).
    let strong: Vec<bool> = runs
        .iter()
        .map(|(a, b, d)| {
            (d.chars().count() >= 2 || b - a >= 3)
                && readable(d)
                && plausibility(d) > plausibility(&chars[*a..*b].iter().collect::<String>())
        })
        .collect();
    if !strong.iter().any(|&s| s) {
        return None;
    }
    // In a text that has mojibake, shorter runs («Сѓ» → «у», «Р·» → «з», «С—РІ» → «їв»)
    // are repaired too, unless they read as Ukrainian letters already («Сі»).
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for ((a, b, d), strong) in runs.iter().zip(strong) {
        let weak_ok = || {
            let uk = |c: char| is_cyrillic(c) && uk_letter_weight(c) > 0;
            readable(d)
                && d.chars().any(uk)
                && d.chars().all(|c| uk(c) || c == 'ʼ' || !is_alphabetic(c))
                && !chars[*a..*b].iter().all(|&o| uk(o))
        };
        if strong || weak_ok() {
            out.extend(&chars[last..*a]);
            out.push_str(d);
            last = *b;
        }
    }
    out.extend(&chars[last..]);
    Some(out)
}

/// Whether [`repair_runs`] finds a strong run in `text` (read back to bytes through
/// `index`), that is whether it changes the text: the same runs, found the same greedy way
/// (the longest run of whole sequences from each character not inside an earlier run), and
/// the same test of strength, without collecting the text's characters or bytes.
///
/// A run starts at a character whose byte is a lead (0xC2..=0xF4) followed by one whose
/// byte is a continuation (0x80..=0xBF). Characters that stand for a continuation byte are
/// rare (in Ukrainian text mostly «і», «ї», «є», quotes and dashes), so they are looked for
/// sixteen bytes at a time ([`may_be_continuation`]); at each, the character before it is
/// looked at, and where the pair can start a run longer than itself the run is read from
/// there ([`run_from`]). [`has_strong_run_plain`], which reads every character, gives the
/// same answer (a test compares them).
fn has_strong_run(text: &str, index: &HighIndex) -> bool {
    if !index.cyrillic_conts_known {
        return has_strong_run_plain(text, index);
    }
    let bytes = text.as_bytes();
    // Characters before `pos` are inside a run already read (or before the start).
    let mut pos = 0;
    let mut k = 0;
    while k < bytes.len() {
        let mut mask = block_mask(bytes, k, may_be_continuation);
        while mask != 0 {
            let j = k + mask.trailing_zeros() as usize;
            mask &= mask - 1;
            // The character the flagged byte belongs to: a lead byte other than 0xD0/0xD1
            // starts it; a second byte of a Cyrillic character follows its lead.
            let q = if bytes[j] >= 0xC0 { j } else { j - 1 };
            if q < pos {
                continue;
            }
            let (c, c_len) = char_at(text, q);
            // ASCII (or the end) after it stands for no byte: no run longer than the pair
            // (see below). The usual case: «і» ending a word.
            if bytes.get(q + c_len).is_none_or(|&b| b < 0x80) {
                continue;
            }
            if !matches!(index.byte(c), Some(0x80..=0xBF)) {
                continue;
            }
            // The previous character must be a lead outside any run read so far.
            let Some(p) = q.checked_sub(1).map(|mut p| {
                while bytes[p] & 0xC0 == 0x80 {
                    p -= 1;
                }
                p
            }) else {
                continue;
            };
            if p < pos {
                continue;
            }
            let (lead_char, _) = char_at(text, p);
            let Some(lead @ 0xC2..=0xF4) = index.byte(lead_char) else {
                continue;
            };
            // What the character after the pair stands for decides whether a run longer than
            // the pair can start here: a two-byte lead needs another sequence (a lead) next,
            // longer leads need a continuation byte. Without, the run is the pair alone (not
            // strong: two characters spelling one) or none at all, and reading it would
            // change nothing: the pair's continuation character is no lead.
            let next = bytes
                .get(q + c_len)
                .map(|_| index.byte(char_at(text, q + c_len).0));
            let goes_on = matches!(
                (lead, next),
                (0xC2..=0xDF, Some(Some(0xC2..=0xF4))) | (0xE0..=0xF4, Some(Some(0x80..=0xBF)))
            );
            if !goes_on {
                continue;
            }
            if let Some((end, decoded_len, byte_len)) = run_from(text, p, index) {
                if (decoded_len >= 2 || byte_len >= 3) && is_strong(text, p, end, index) {
                    return true;
                }
                pos = end;
            }
        }
        k += 16;
    }
    false
}

/// For [`has_strong_run`]: whether a character that may stand for a continuation byte
/// could be at `byte` (`prev` the byte before): a lead byte 0xC2 and above other than 0xD0
/// and 0xD1 (the character starts there), or the second byte of a Cyrillic character
/// U+0400..=U+040F (0xD0 0x80..=0x8F) or U+0450..=U+045F (0xD1 0x90..=0x9F) (the character
/// starts one byte before). Every such character is flagged (see
/// `HighIndex::cyrillic_conts_known`); a flag may be wrong.
#[inline(always)]
fn may_be_continuation(prev: u8, byte: u8) -> bool {
    (byte > 0xD1)
        | (byte.wrapping_sub(0xC0) < 0x10)
        | (byte & 0xF0 == 0x80) & (prev == 0xD0)
        | (byte & 0xF0 == 0x90) & (prev == 0xD1)
}

/// The character of `text` that starts at byte offset `at` (a character boundary), and its
/// length in bytes. Cyrillic U+0400..=U+047F is decoded by hand.
#[inline]
fn char_at(text: &str, at: usize) -> (char, usize) {
    let bytes = text.as_bytes();
    match bytes.get(at..at + 2) {
        Some(&[b @ (0xD0 | 0xD1), t]) => {
            let code = (u32::from(b & 0x1F) << 6) | u32::from(t & 0x3F);
            (char::from_u32(code).unwrap_or('\u{FFFD}'), 2)
        }
        _ => match text.get(at..).and_then(|t| t.chars().next()) {
            Some(c) => (c, c.len_utf8()),
            None => ('\u{FFFD}', 1),
        },
    }
}

/// Bit `i` set when `test(bytes[k + i - 1], bytes[k + i])` holds (the previous byte is 0 at
/// the start of `bytes`), for the sixteen bytes from `k` or as many as are left (none when
/// `k` is past the end).
///
/// A whole block of sixteen is tested in a loop the compiler turns into a few vector
/// instructions (with a simple `test`: comparisons joined by `&` and `|`, no branches); the
/// flags are gathered into bits by [`gather_flags`].
#[inline(always)]
pub(crate) fn block_mask(bytes: &[u8], k: usize, test: impl Fn(u8, u8) -> bool) -> u32 {
    // Inside the text the block and the bytes before each of its bytes are two loads of
    // sixteen; at the start the bytes before are the block shifted by one, and the last
    // block is padded with zeros (whose flags are cleared below).
    let (block, prev, len) = match k.checked_sub(1).and_then(|p| bytes.get(p..p + 17)) {
        Some(window) => {
            let (mut block, mut prev) = ([0u8; 16], [0u8; 16]);
            block.copy_from_slice(&window[1..]);
            prev.copy_from_slice(&window[..16]);
            (block, prev, 16)
        }
        None => {
            let Some(rest) = bytes.get(k..).filter(|r| !r.is_empty()) else {
                return 0;
            };
            let (block, len) = match rest.get(..16).and_then(|b| <&[u8; 16]>::try_from(b).ok()) {
                Some(whole) => (*whole, 16),
                None => {
                    let mut padded = [0u8; 16];
                    padded[..rest.len()].copy_from_slice(rest);
                    (padded, rest.len())
                }
            };
            let mut prev = [0u8; 16];
            prev[0] = k.checked_sub(1).map_or(0, |p| bytes[p]);
            prev[1..].copy_from_slice(&block[..15]);
            (block, prev, len)
        }
    };
    let mut flags = [0u8; 16];
    for i in 0..16 {
        flags[i] = u8::from(test(prev[i], block[i]));
    }
    gather_flags(flags) & ((1u32 << len) - 1)
}

/// Flags 0 or 1 per byte → bit `i` for byte `i`.
///
/// The flags go through a barrier first: without it the compiler mixes the gathering into
/// the comparisons that made the flags and makes slow scalar code of both; with it, the
/// comparisons stay sixteen bytes wide. (It changes nothing but speed.) On x86-64 the
/// flags are then gathered by one SSE2 `pmovmskb` (after moving bit 0 of each byte to bit
/// 7); elsewhere by one multiplication per eight.
#[inline(always)]
fn gather_flags(flags: [u8; 16]) -> u32 {
    let flags = std::hint::black_box(flags);
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    {
        use std::arch::x86_64::{__m128i, _mm_loadu_si128, _mm_movemask_epi8, _mm_slli_epi16};
        // SAFETY: SSE2 is enabled (the `cfg` above; every x86-64 processor has it), and the
        // load reads the sixteen bytes of `flags` (unaligned loads need no alignment).
        let bits = unsafe {
            _mm_movemask_epi8(_mm_slli_epi16::<7>(_mm_loadu_si128(
                flags.as_ptr().cast::<__m128i>(),
            )))
        };
        (bits as u32) & 0xFFFF
    }
    #[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
    {
        // The multiplication moves byte i's flag to bit 56 + i without carries.
        const GATHER: u64 = 0x0102_0408_1020_4080;
        let half = |h: &[u8]| {
            let mut w = [0u8; 8];
            w.copy_from_slice(h);
            (u64::from_le_bytes(w).wrapping_mul(GATHER) >> 56) as u32
        };
        half(&flags[..8]) | (half(&flags[8..]) << 8)
    }
}

/// Where the byte `needle` first occurs in `bytes`: what `bytes.iter().position(..)` gives,
/// found by the `memchr` crate (vector instructions chosen for the processor at run time).
pub(crate) fn find_byte(bytes: &[u8], needle: u8) -> Option<usize> {
    memchr::memchr(needle, bytes)
}

/// [`has_strong_run`] reading every character: the reference of its fast path, and the way
/// for a code page [`may_be_continuation`] does not know.
fn has_strong_run_plain(text: &str, index: &HighIndex) -> bool {
    let bytes = text.as_bytes();
    // The byte offset of the previous character when its byte is a lead.
    let mut lead_at: Option<usize> = None;
    let mut pos = 0;
    while pos < bytes.len() {
        let b = bytes[pos];
        // The character at `pos`: its length and its byte. ASCII has none; Cyrillic
        // U+0400..=U+047F (lead byte 0xD0 or 0xD1) is decoded by hand.
        let (len, byte) = if b < 0x80 {
            (1, None)
        } else if b == 0xD0 || b == 0xD1 {
            let low = bytes.get(pos + 1).map_or(0, |&t| u32::from(t & 0x3F));
            (2, index.byte_below_0x500((u32::from(b & 0x1F) << 6) | low))
        } else {
            match text[pos..].chars().next() {
                Some(c) => (c.len_utf8(), index.byte(c)),
                None => break,
            }
        };
        if let (Some(start), Some(0x80..=0xBF)) = (lead_at, byte) {
            if let Some((end, decoded_len, byte_len)) = run_from(text, start, index) {
                // Strong: two characters at least, or one spelled with three bytes or more.
                if (decoded_len >= 2 || byte_len >= 3) && is_strong(text, start, end, index) {
                    return true;
                }
                // The scan goes on after the run.
                pos = end;
                lead_at = None;
                continue;
            }
        }
        lead_at = matches!(byte, Some(0xC2..=0xF4)).then_some(pos);
        pos += len;
    }
    false
}

/// The run of whole UTF-8 sequences that the characters of `text` from byte offset `start`
/// spell (read back through `index`), as [`repair_runs`] reads it: its end (a byte offset
/// in `text`), how many characters it decodes to and how many it is made of. `None` when
/// no sequence starts there.
fn run_from(text: &str, start: usize, index: &HighIndex) -> Option<(usize, usize, usize)> {
    let rest = text.get(start..)?;
    let mut chars = rest.char_indices();
    let (mut end, mut decoded, mut made_of) = (start, 0, 0);
    loop {
        // The next sequence: up to four characters, read on a copy of the iterator.
        let mut ahead = chars.clone();
        let mut seq = [None; 4];
        let mut after = rest.len();
        for slot in seq.iter_mut() {
            match ahead.next() {
                Some((_, c)) => *slot = index.byte(c),
                None => break,
            }
        }
        let Some(len) = valid_sequence_at(&seq, 0) else {
            break;
        };
        for _ in 0..len {
            if let Some((at, c)) = chars.next() {
                after = at + c.len_utf8();
            }
        }
        end = start + after;
        decoded += 1;
        made_of += len;
    }
    (decoded > 0).then_some((end, decoded, made_of))
}

/// The test of a strong run of [`repair_runs`] (but its length): what the characters of
/// `text[start..end]` spell read back through `index` is readable and reads better than
/// they do.
fn is_strong(text: &str, start: usize, end: usize, index: &HighIndex) -> bool {
    let original = &text[start..end];
    let bytes: Vec<u8> = original.chars().filter_map(|c| index.byte(c)).collect();
    let Ok(decoded) = std::str::from_utf8(&bytes) else {
        return false;
    };
    decoded
        .chars()
        .all(|c| is_alphabetic(c) || is_common_symbol(c))
        && plausibility(decoded) > plausibility(original)
}

/// The length of the UTF-8 multi-byte sequence whose lead byte is at `i`, when every byte
/// of it is present.
fn sequence_at(bytes: &[Option<u8>], i: usize) -> Option<usize> {
    let lead = (*bytes.get(i)?)?;
    let len = match lead {
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => return None,
    };
    for k in 1..len {
        match bytes.get(i + k) {
            Some(Some(b)) if (0x80..=0xBF).contains(b) => {}
            _ => return None,
        }
    }
    Some(len)
}

/// Rejects text that still reads as mojibake after [`fix_double_encoding`]: many
/// «Ð»/«Ñ» (Cyrillic read as Latin-1) or «Р»/«С» + a Windows-1251 symbol pairs that
/// could not be repaired (a byte was lost on the way).
fn check_no_mojibake(text: &str) -> Result<()> {
    let (latin1, cp1251) = mojibake_counts(text);
    if latin1 < 3 && cp1251 < 3 {
        return Ok(());
    }
    let letters = text.chars().filter(|&c| is_alphabetic(c)).count().max(1);
    for (n, how) in [(latin1, "Latin-1/Windows-1252"), (cp1251, "Windows-1251")] {
        if n >= 3 && n * 100 >= letters {
            bail!(
                "the text looks like mojibake (UTF-8 once read as {how}: {n} broken letters) \
                 and cannot be repaired; re-save the original text as UTF-8"
            );
        }
    }
    Ok(())
}

/// For [`check_no_mojibake`]: how many pairs of neighbouring characters of `text` read as
/// Cyrillic once read as Latin-1 («Ð» or «Ñ» with a byte 0x80..=0xBF of Windows-1252, a
/// control character or a Cyrillic letter next to it), and how many as Cyrillic once read
/// as Windows-1251 («Р» or «С» before a byte 0x80..=0xBF of Windows-1251 that is no
/// Ukrainian letter or common punctuation).
///
/// Only pairs with «Ð», «Ñ», «Р» or «С» first, or «Ð», «Ñ» second, can count: the bytes
/// are scanned for those four (C3 90, C3 91, D0 A0, D0 A1: a lead byte is never inside
/// another character), and only their neighbours are decoded. A pair of two of them is
/// counted once, from its first. Text without the byte 0xC3 (most Ukrainian text) has
/// neither «Ð» nor «Ñ» and is scanned eight bytes at a time.
fn mojibake_counts(text: &str) -> (usize, usize) {
    let bytes = text.as_bytes();
    let (mut latin1, mut cp1251) = (0usize, 0usize);
    let mut add = |(l, w): (usize, usize)| {
        latin1 += l;
        cp1251 += w;
    };
    if find_byte(bytes, 0xC3).is_none() {
        // No «Ð» or «Ñ»: only «Р» and «С» (D0 A0, D0 A1) start pairs. Their second bytes
        // are looked for eight at a time (a zero byte of `y` is a byte 0xA0 or 0xA1).
        const ONES: u64 = 0x0101_0101_0101_0101;
        let mut k = 1;
        while k < bytes.len() {
            if let Some(chunk) = bytes.get(k..k + 8) {
                let mut word = [0u8; 8];
                word.copy_from_slice(chunk);
                let y = (u64::from_le_bytes(word) & (0xFE * ONES)) ^ (0xA0 * ONES);
                if y.wrapping_sub(ONES) & !y & (0x80 * ONES) == 0 {
                    k += 8;
                    continue;
                }
            }
            if bytes[k] & 0xFE == 0xA0 && bytes[k - 1] == 0xD0 {
                let c = if bytes[k] == 0xA0 { 'Р' } else { 'С' };
                if let Some(next) = text.get(k + 1..).and_then(|t| t.chars().next()) {
                    add(mojibake_pair(c, next));
                }
            }
            k += 1;
        }
        return (latin1, cp1251);
    }
    let mut i = 0;
    while i + 1 < bytes.len() {
        let c = match (bytes[i], bytes[i + 1]) {
            (0xC3, 0x90) => 'Ð',
            (0xC3, 0x91) => 'Ñ',
            (0xD0, 0xA0) => 'Р',
            (0xD0, 0xA1) => 'С',
            _ => {
                i += 1;
                continue;
            }
        };
        if let Some(next) = text[i + 2..].chars().next() {
            add(mojibake_pair(c, next));
        }
        if matches!(c, 'Ð' | 'Ñ') {
            if let Some(prev) = text[..i].chars().next_back() {
                if !matches!(prev, 'Ð' | 'Ñ' | 'Р' | 'С') {
                    add(mojibake_pair(prev, c));
                }
            }
        }
        i += 2;
    }
    (latin1, cp1251)
}

/// Whether the pair of neighbouring characters `first`, `second` counts for Latin-1 and for
/// Windows-1251 mojibake (see [`mojibake_counts`]): 0 or 1 each.
fn mojibake_pair(first: char, second: char) -> (usize, usize) {
    let w = [first, second];
    let second_1252 = matches!(high_byte(w[1], WINDOWS_1252), Some(0x80..=0xBF));
    let cyr_next = matches!(w[0], 'Ð' | 'Ñ') && is_cyrillic(w[1])
        || matches!(w[1], 'Ð' | 'Ñ') && is_cyrillic(w[0]);
    let latin1 = matches!(w[0], 'Ð' | 'Ñ') && (second_1252 || w[1].is_control()) || cyr_next;
    let second_1251 = matches!(high_byte(w[1], WINDOWS_1251), Some(0x80..=0xBF))
        && !matches!(
            w[1],
            'і' | 'ї'
                | 'є'
                | 'ґ'
                | 'І'
                | 'Ї'
                | 'Є'
                | 'Ґ'
                | '«'
                | '»'
                | '\u{a0}'
                | '№'
                | '—'
                | '–'
                | '…'
                | '’'
                | '“'
                | '”'
                | '„'
        );
    let cp1251 = matches!(w[0], 'Р' | 'С') && second_1251;
    (usize::from(latin1), usize::from(cp1251))
}

/// [`char::is_alphabetic`], answered at once for ASCII, Latin-1 punctuation, the Cyrillic
/// letters (U+0400..U+0481 and U+048A..U+052F; U+0482..U+0489 are a sign and combining marks)
/// and the General Punctuation block (U+2000..U+206F: dashes, quotes, spaces, none of them
/// letters), which the standard library looks up in a table.
#[inline]
pub(crate) fn is_alphabetic(c: char) -> bool {
    match c {
        '\0'..='\u{7F}' => c.is_ascii_alphabetic(),
        // Latin-1 punctuation («», no-break space, °) has three letters among it.
        '\u{80}'..='\u{BF}' => matches!(c, 'ª' | 'µ' | 'º'),
        '\u{400}'..='\u{481}' | '\u{48A}'..='\u{52F}' => true,
        '\u{2000}'..='\u{206F}' => false,
        _ => c.is_alphabetic(),
    }
}

/// Relative frequency (per mille, rounded) of Ukrainian letters in running text.
fn uk_letter_weight(c: char) -> i64 {
    let lower = c.to_lowercase().next().unwrap_or(c);
    match lower {
        'о' => 94,
        'а' => 72,
        'н' => 65,
        'и' => 61,
        'і' => 59,
        'в' => 54,
        'т' => 52,
        'е' => 48,
        'р' => 47,
        'с' => 41,
        'к' => 35,
        'л' => 35,
        'у' => 33,
        'д' => 32,
        'м' => 31,
        'п' => 28,
        'я' => 22,
        'з' => 21,
        'ь' => 17,
        'г' => 16,
        'б' => 16,
        'ч' => 14,
        'х' => 12,
        'ж' => 9,
        'ц' => 9,
        'ш' => 8,
        'ю' => 8,
        'й' => 8,
        'є' => 6,
        'ї' => 6,
        'ф' => 3,
        'щ' => 3,
        'ґ' => 1,
        // Russian letters: plausible in quotes, but not in Ukrainian text.
        'ы' | 'э' | 'ъ' | 'ё' => 2,
        _ => -30,
    }
}

fn is_cyrillic(c: char) -> bool {
    ('\u{0400}'..='\u{04FF}').contains(&c)
}

/// How much `text` reads like natural Ukrainian or English text; higher is better.
///
/// Per word (a run of letters): letter frequencies (Cyrillic) or a flat score (ASCII Latin);
/// a bonus for a sane case pattern (lower, Capitalised, UPPER) and a penalty for mixed case
/// («пРЕДСТАВНИКИ») or mixed scripts («cafй»). Outside words: penalties for control
/// characters, replacement characters and symbols that legacy text rarely contains.
fn plausibility(text: &str) -> i64 {
    let mut score: i64 = 0;
    let mut word: Vec<char> = Vec::new();
    let flush = |word: &mut Vec<char>, score: &mut i64| {
        if word.is_empty() {
            return;
        }
        let len = word.len() as i64;
        let cyr = word.iter().filter(|c| is_cyrillic(**c)).count();
        let ascii = word.iter().filter(|c| c.is_ascii_alphabetic()).count();
        let other = word.len() - cyr - ascii;
        if cyr > 0 && (ascii > 0 || other > 0) || ascii > 0 && other > 0 {
            *score -= 40 * len;
        } else if cyr > 0 {
            *score += word.iter().map(|&c| uk_letter_weight(c)).sum::<i64>();
        } else if ascii > 0 {
            *score += 30 * len;
        } else {
            // Letters of another script: Greek, accented Latin-1 mojibake...
            *score -= 20 * len;
        }
        let rest_lower = word[1..].iter().all(|c| !c.is_uppercase());
        let all_upper = word.iter().all(|c| !c.is_lowercase());
        if !(rest_lower || all_upper) {
            *score -= 60 * len;
        }
        word.clear();
    };
    for c in text.chars() {
        if is_alphabetic(c) {
            word.push(c);
            continue;
        }
        flush(&mut word, &mut score);
        if c == '\u{FFFD}' {
            score -= 300;
        } else if c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}') {
            score -= 200;
        } else if !c.is_ascii() && !is_common_symbol(c) {
            score -= 40;
        }
    }
    flush(&mut word, &mut score);
    score
}

/// Non-ASCII punctuation that news text uses.
fn is_common_symbol(c: char) -> bool {
    matches!(
        c,
        '«' | '»'
            | '“'
            | '”'
            | '„'
            | '‘'
            | '’'
            | 'ʼ'
            | '—'
            | '–'
            | '…'
            | '№'
            | '\u{a0}'
            | '°'
            | '€'
            | '′'
            | '″'
            | '•'
            | '·'
            | '§'
            | '©'
            | '®'
            | '™'
            | '×'
            | '±'
            | '\u{301}'
            | '\u{200b}'
            | '\u{2009}'
            | '\u{202f}'
    ) || c.is_whitespace()
}

/// For [`check_sane`]: the characters of `text`, the control (but `\n` `\r` `\t` form feed)
/// and replacement characters among them, and the letters ([`is_alphabetic`]).
///
/// Counted from the bytes, 64 at a time in loops the compiler vectorises: the characters
/// are the bytes that are no continuation byte (0x80..=0xBF); ASCII letters and controls
/// are bytes; the Cyrillic characters U+0400..=U+047F (lead byte 0xD0 or 0xD1) are letters
/// all. Only the characters with another lead byte (0xC2 and up: quotes, dashes, Latin-1…)
/// are decoded and looked at one by one. [`count_sane_plain`] counts by characters.
fn count_sane(text: &str) -> (usize, usize, usize) {
    const CHUNK: usize = 64;
    let bytes = text.as_bytes();
    let (mut total, mut bad, mut letters) = (0usize, 0usize, 0usize);
    let mut rest = bytes;
    let mut n = 0;
    while !rest.is_empty() {
        // Whole chunks of 64 bytes (the compiler vectorises a loop of known length), then
        // the rest. Per chunk the counts fit in a byte.
        let (chunk, after) = rest.split_at(rest.len().min(CHUNK));
        rest = after;
        let counts = match <&[u8; CHUNK]>::try_from(chunk) {
            Ok(whole) => byte_counts(whole),
            Err(_) => byte_counts(chunk),
        };
        let [cont, ascii_letters, cyrillic, controls, others] = counts;
        total += chunk.len() - usize::from(cont);
        letters += usize::from(ascii_letters) + usize::from(cyrillic);
        bad += usize::from(controls);
        // Their characters, found sixteen bytes at a time (a chunk is a whole number of
        // blocks, or ends the text).
        let mut at = n;
        while others > 0 && at < n + chunk.len() {
            let mut mask = block_mask(bytes, at, |_, b| (b >= 0xC0) & (b & 0xFE != 0xD0));
            while mask != 0 {
                let (c, _) = char_at(text, at + mask.trailing_zeros() as usize);
                mask &= mask - 1;
                bad += usize::from(c == '\u{FFFD}' || c.is_control());
                letters += usize::from(is_alphabetic(c));
            }
            at += 16;
        }
        n += chunk.len();
    }
    (total, bad, letters)
}

/// For [`count_sane`], over at most 255 bytes: how many are continuation bytes, ASCII
/// letters, lead bytes 0xD0 or 0xD1, ASCII controls (but `\n` `\r` `\t` form feed) or DEL,
/// and other lead bytes (0xC0 and up).
#[inline(always)]
fn byte_counts(chunk: &[u8]) -> [u8; 5] {
    let mut counts = [0u8; 5];
    for &b in chunk {
        counts[0] += u8::from(b & 0xC0 == 0x80);
        counts[1] += u8::from((b | 0x20).wrapping_sub(b'a') < 26);
        counts[2] += u8::from(b & 0xFE == 0xD0);
        counts[3] += u8::from(
            (b < 0x20) & (b != b'\n') & (b != b'\r') & (b != b'\t') & (b != 0x0C) | (b == 0x7F),
        );
        counts[4] += u8::from((b >= 0xC0) & (b & 0xFE != 0xD0));
    }
    counts
}

/// [`count_sane`] one character at a time: the reference of its fast path.
#[cfg(test)]
fn count_sane_plain(text: &str) -> (usize, usize, usize) {
    let bytes = text.as_bytes();
    let (mut total, mut bad, mut letters) = (0usize, 0usize, 0usize);
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        total += 1;
        if b < 0x80 {
            letters += usize::from(b.is_ascii_alphabetic());
            bad +=
                usize::from((b < 0x20 || b == 0x7F) && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0C));
            i += 1;
            continue;
        }
        if b == 0xD0 || b == 0xD1 {
            letters += 1;
            i += 2;
            continue;
        }
        let Some(c) = text[i..].chars().next() else {
            break;
        };
        if c == '\u{FFFD}' || c.is_control() {
            bad += 1;
        }
        if is_alphabetic(c) {
            letters += 1;
        }
        i += c.len_utf8();
    }
    (total, bad, letters)
}

/// Rejects decoded text that is clearly not text: many replacement or control characters.
fn check_sane(text: &str, enc: &'static Encoding) -> Result<()> {
    // One pass counts everything.
    let (total, bad, letters) = count_sane(text);
    if total == 0 {
        return Ok(());
    }
    if bad * 50 > total || bad > 0 && total < 20 {
        bail!(
            "not readable text: {bad} of {total} characters are control or undecodable \
             characters even as {} (is it a binary file?)",
            enc.name()
        );
    }
    if letters * 4 < total && total > 40 {
        bail!(
            "not readable text: only {letters} of {total} characters are letters when read as {}",
            enc.name()
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const UK: &str = "Представники України та Сполучених Штатів провели новий раунд переговорів \
                      у столиці Франції 7 січня, де обговорили безпеку та мир. Про це повідомив \
                      керівник Офісу президента Кирило Буданов. \"Їжак з'їв ґудзик\", - єдиний \
                      приклад.\nДругий рядок: щастя, юнь, їхати.";
    /// With the typographic punctuation Windows-1251 has (and KOI8-U lacks).
    const UK_TYPO: &str = "«Їжак з’їв ґудзик», — сказав Олексій Гончаренко 7 січня 2026 року.\n\
                           Щоденні новини: Євген, Юлія та Ігор поїхали до Львова…";

    fn encode(enc: &'static Encoding, text: &str) -> Vec<u8> {
        let (bytes, _, unmappable) = enc.encode(text);
        assert!(!unmappable, "{} cannot encode the sample", enc.name());
        bytes.into_owned()
    }

    #[test]
    fn utf8_with_and_without_bom() {
        assert_eq!(decode(UK.as_bytes()).unwrap(), UK);
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice(UK.as_bytes());
        assert_eq!(decode(&bom).unwrap(), UK);
        assert_eq!(decode(b"").unwrap(), "");
    }

    #[test]
    fn windows_1251() {
        let bytes = encode(WINDOWS_1251, UK);
        assert_eq!(decode(&bytes).unwrap(), UK);
        let bytes = encode(WINDOWS_1251, UK_TYPO);
        assert_eq!(decode(&bytes).unwrap(), UK_TYPO);
    }

    #[test]
    fn koi8_u() {
        let bytes = encode(KOI8_U, UK);
        assert_eq!(decode(&bytes).unwrap(), UK);
    }

    #[test]
    fn short_legacy_texts() {
        for text in [
            "Зеленський заявив про мир.",
            "Новини дня",
            "ЗАГОЛОВОК ВЕЛИКИМИ ЛІТЕРАМИ",
        ] {
            assert_eq!(decode(&encode(WINDOWS_1251, text)).unwrap(), text, "1251");
            assert_eq!(decode(&encode(KOI8_U, text)).unwrap(), text, "KOI8-U");
        }
    }

    #[test]
    fn utf16_with_bom() {
        let mut le = vec![0xFF, 0xFE];
        let mut be = vec![0xFE, 0xFF];
        for unit in UK.encode_utf16() {
            le.extend_from_slice(&unit.to_le_bytes());
            be.extend_from_slice(&unit.to_be_bytes());
        }
        assert_eq!(decode(&le).unwrap(), UK);
        assert_eq!(decode(&be).unwrap(), UK);
    }

    #[test]
    fn english_latin1_is_not_read_as_cyrillic() {
        let text = "The café owner said the naïve plan would fail, reports Reuters.";
        let bytes = encode(WINDOWS_1252, text);
        assert_eq!(decode(&bytes).unwrap(), text);
    }

    /// Every sample news text (and its first line alone) round-trips through Windows-1251
    /// and KOI8-U wherever the encoding can represent it.
    #[test]
    fn sample_texts_round_trip() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content/raw");
        let mut checked = 0;
        for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
            let entry = entry.unwrap();
            if entry.path().extension().is_none_or(|e| e != "txt") {
                continue;
            }
            let text = std::fs::read_to_string(entry.path()).unwrap();
            let first_line = text.lines().next().unwrap_or("").to_string();
            for sample in [text, first_line] {
                for enc in [WINDOWS_1251, KOI8_U] {
                    // KOI8-U has no typographic quotes or dashes: use ASCII ones.
                    let sample: String = if enc == KOI8_U {
                        sample
                            .chars()
                            .map(|c| match c {
                                '«' | '»' | '“' | '”' | '„' => '"',
                                '—' | '–' => '-',
                                '’' | 'ʼ' => '\'',
                                '№' => 'N',
                                '…' => '.',
                                c => c,
                            })
                            .collect()
                    } else {
                        sample.clone()
                    };
                    let (bytes, _, unmappable) = enc.encode(&sample);
                    if unmappable {
                        continue;
                    }
                    let back = decode(&bytes).unwrap();
                    assert!(
                        back == sample,
                        "{} as {}: {back}",
                        entry.path().display(),
                        enc.name()
                    );
                    checked += 1;
                }
            }
        }
        assert!(checked >= 150, "only {checked} samples checked");
    }

    #[test]
    fn double_encoded_utf8_is_repaired() {
        let (as_1251, _) = WINDOWS_1251.decode_without_bom_handling(UK.as_bytes());
        assert!(as_1251.contains("Р"), "{as_1251}");
        assert_eq!(decode(as_1251.as_bytes()).unwrap(), UK);
        // Real text with many Р and С stays as it is.
        let caps = "РНБО, СБУ, РФ, США, СНД: Рада і Сенат. Роман Сергієнко.";
        assert_eq!(decode(caps.as_bytes()).unwrap(), caps);
    }

    #[test]
    fn latin1_mojibake_is_repaired() {
        // UTF-8 read as Windows-1252 (the usual «Ð¡Ð¿Ð¾Ð»ÑƒÑ‡ÐµÐ½Ð¸Ñ…»), whole text and one word.
        let (as_1252, _) = WINDOWS_1252.decode_without_bom_handling(UK.as_bytes());
        assert!(as_1252.contains("Ð¡Ð¿Ð¾Ð»ÑƒÑ‡ÐµÐ½Ð¸Ñ…"), "{as_1252}");
        assert_eq!(decode(as_1252.as_bytes()).unwrap(), UK);
        let mixed = "Новина дня. Ð¡Ð¿Ð¾Ð»ÑƒÑ‡ÐµÐ½Ð¸Ñ… Ð¨Ñ‚Ð°Ñ‚Ñ–Ð² і Кирило Буданов.";
        assert_eq!(
            decode(mixed.as_bytes()).unwrap(),
            "Новина дня. Сполучених Штатів і Кирило Буданов."
        );
        // One pasted paragraph of Windows-1251 mojibake in otherwise good text.
        let (bad, _) = WINDOWS_1251.decode_without_bom_handling("Представники України".as_bytes());
        let text = format!("Перший абзац про мир у світі і безпеку в Європі.\n{bad}\nКінець.");
        assert_eq!(
            decode(text.as_bytes()).unwrap(),
            "Перший абзац про мир у світі і безпеку в Європі.\nПредставники України\nКінець."
        );
        // Typographic punctuation read as Windows-1252.
        assert_eq!(
            decode("It\u{e2}\u{20ac}\u{2122}s".as_bytes()).unwrap(),
            "It’s"
        );
        // Real text that merely contains the letters stays.
        for real in ["Сірко, «ПРАТ» і СіМ", "España, Ñandú", "РНБО СБУ"] {
            assert_eq!(decode(real.as_bytes()).unwrap(), real);
        }
    }

    #[test]
    fn unrepairable_mojibake_is_an_error() {
        // Windows-1252 mojibake whose C1 characters were lost on the way (с = D1 81).
        let (bad, _) = WINDOWS_1252.decode_without_bom_handling(
            "Представники Сполучених Штатів сказали, що вони сподіваються на мир".as_bytes(),
        );
        let lossy: String = bad.chars().filter(|c| !c.is_control()).collect();
        // A lost byte could have been «с» (D1 81) or «я» (D1 8F): cannot be repaired.
        let err = decode(lossy.as_bytes()).unwrap_err();
        assert!(err.to_string().contains("mojibake"), "{err}");
    }

    #[test]
    fn fast_lookups_match_the_slow_ones() {
        for enc in [WINDOWS_1251, WINDOWS_1252] {
            let table = high_table(enc);
            for c in (0..0x3_0000u32).filter_map(char::from_u32) {
                let slow = if c.is_ascii() || c == '\u{FFFD}' {
                    None
                } else {
                    table.iter().position(|&t| t == c).map(|i| 0x80 + i as u8)
                };
                assert_eq!(high_byte(c, enc), slow, "{c:?} in {}", enc.name());
            }
        }
        for c in (0..0x11_0000u32).filter_map(char::from_u32) {
            assert_eq!(is_alphabetic(c), c.is_alphabetic(), "{c:?}");
        }
    }

    // The fast paths of `repair_runs` before they became [`may_need_repair`].
    /// Whether `text`, read back to bytes in `enc`, has a lead byte (0xC2..=0xF4) somewhere and
    /// two continuation bytes (0x80..=0xBF) at most two characters apart somewhere: necessary
    /// for a run of three characters or more (one sequence of three or four bytes, or two
    /// sequences back to back), the only runs [`repair_runs`] can call strong.
    fn may_have_long_run(text: &str, enc: &'static Encoding) -> bool {
        let mut lead = false;
        let mut close = false;
        let mut last_cont: Option<usize> = None;
        for (k, c) in text.chars().enumerate() {
            match high_byte(c, enc) {
                Some(0x80..=0xBF) => {
                    if last_cont.is_some_and(|l| k - l <= 2) {
                        close = true;
                    }
                    last_cont = Some(k);
                }
                Some(0xC2..=0xF4) => lead = true,
                _ => {}
            }
            if lead && close {
                return true;
            }
        }
        false
    }

    /// Whether [`repair_runs`] could find a run of three characters or more: somewhere a valid
    /// sequence of three or four bytes, or two valid sequences back to back. Shorter runs spell
    /// one character from two, which is never a strong run, so without such a place
    /// [`repair_runs`] changes nothing.
    fn may_have_strong_run(bytes: &[Option<u8>]) -> bool {
        (0..bytes.len()).any(|i| match valid_sequence_at(bytes, i) {
            Some(len) if len >= 3 => true,
            Some(len) => valid_sequence_at(bytes, i + len).is_some(),
            None => false,
        })
    }

    /// [`repair_runs`] as it was before [`has_strong_run`]: the reference of the tests below.
    fn repair_runs_reference(text: &str, enc: &'static Encoding) -> Option<String> {
        // Without a lead byte anywhere (Cyrillic text read back in Windows-1252 has none) the
        // answer is no, without allocating.
        let index = high_index(enc);
        if !text
            .chars()
            .any(|c| matches!(index.byte(c), Some(0xC2..=0xF4)))
        {
            return None;
        }
        let bytes: Vec<Option<u8>> = text.chars().map(|c| index.byte(c)).collect();
        if !may_need_repair(&bytes) {
            return None;
        }
        let chars: Vec<char> = text.chars().collect();
        // Runs: (start, end, what the bytes spell).
        let mut runs: Vec<(usize, usize, String)> = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            // The longest run of whole UTF-8 sequences starting at i.
            let mut j = i;
            let mut decoded = String::new();
            while let Some(len) = sequence_at(&bytes, j) {
                // A sequence is four bytes at most: spelled in a buffer on the stack.
                let mut seq = [0u8; 4];
                for (slot, b) in seq.iter_mut().zip(&bytes[j..j + len]) {
                    *slot = b.unwrap_or(0);
                }
                match seq.get(..len).map(std::str::from_utf8) {
                    Some(Ok(s)) => decoded.push_str(s),
                    _ => break,
                }
                j += len;
            }
            if j > i {
                runs.push((i, j, decoded));
                i = j;
            } else {
                i += 1;
            }
        }
        let readable = |d: &str| d.chars().all(|c| is_alphabetic(c) || is_common_symbol(c));
        // Strong runs: two characters at least, or one spelled with three bytes («â€”» → «—»).
        let strong: Vec<bool> = runs
            .iter()
            .map(|(a, b, d)| {
                (d.chars().count() >= 2 || b - a >= 3)
                    && readable(d)
                    && plausibility(d) > plausibility(&chars[*a..*b].iter().collect::<String>())
            })
            .collect();
        if !strong.iter().any(|&s| s) {
            return None;
        }
        // In a text that has mojibake, shorter runs («Сѓ» → «у», «Р·» → «з», «С—РІ» → «їв»)
        // are repaired too, unless they read as Ukrainian letters already («Сі»).
        let mut out = String::with_capacity(text.len());
        let mut last = 0;
        for ((a, b, d), strong) in runs.iter().zip(strong) {
            let weak_ok = || {
                let uk = |c: char| is_cyrillic(c) && uk_letter_weight(c) > 0;
                readable(d)
                    && d.chars().any(uk)
                    && d.chars().all(|c| uk(c) || c == 'ʼ' || !is_alphabetic(c))
                    && !chars[*a..*b].iter().all(|&o| uk(o))
            };
            if strong || weak_ok() {
                out.extend(&chars[last..*a]);
                out.push_str(d);
                last = *b;
            }
        }
        out.extend(&chars[last..]);
        Some(out)
    }

    /// The pair counts of [`check_no_mojibake`] as they were: every pair of neighbouring
    /// characters looked at.
    fn mojibake_counts_reference(text: &str) -> (usize, usize) {
        let (mut latin1, mut cp1251) = (0, 0);
        let chars: Vec<char> = text.chars().collect();
        for w in chars.windows(2) {
            if !matches!(w[0], 'Ð' | 'Ñ' | 'Р' | 'С') && !matches!(w[1], 'Ð' | 'Ñ') {
                continue;
            }
            let (l, c) = mojibake_pair(w[0], w[1]);
            latin1 += l;
            cp1251 += c;
        }
        (latin1, cp1251)
    }

    /// Texts for comparing the fast paths with their references: the samples, their
    /// mojibake in both code pages (whole, cut at every character and glued to good text),
    /// every string of four characters from an alphabet of leads, continuations and the
    /// mojibake letters, and pseudo-random strings of that alphabet and Cyrillic letters.
    fn repair_texts() -> Vec<String> {
        let mut texts: Vec<String> = vec![UK.into(), UK_TYPO.into(), String::new()];
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content/raw");
        let mut samples = Vec::new();
        for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
            let entry = entry.unwrap();
            if entry.path().extension().is_some_and(|e| e == "txt") {
                samples.push(std::fs::read_to_string(entry.path()).unwrap());
            }
        }
        for t in [
            UK,
            UK_TYPO,
            "Сірко, «ПРАТ» і СіМ",
            "It’s — «так»",
            "її» ВіВі",
        ] {
            for enc in [WINDOWS_1251, WINDOWS_1252] {
                let (bad, _) = enc.decode_without_bom_handling(t.as_bytes());
                texts.push(bad.to_string());
                for (n, _) in bad.char_indices() {
                    texts.push(bad[..n].to_string());
                    texts.push(format!("{}{}", &bad[n..], t));
                }
            }
        }
        for t in samples.iter().take(8) {
            for enc in [WINDOWS_1251, WINDOWS_1252] {
                let (bad, _) = enc.decode_without_bom_handling(t.as_bytes());
                let cut = bad.char_indices().nth(300).map_or(bad.len(), |(i, _)| i);
                let half = t.char_indices().nth(200).map_or(t.len(), |(i, _)| i);
                texts.push(format!("{}\n{}", &t[..half], &bad[..cut]));
                texts.push(bad.into_owned());
            }
        }
        texts.extend(samples);
        let alphabet: Vec<char> = "ВіїРСÐÑâ€™—«»ґаяЇЄ є№Ѓ\u{98}xнрфÂ".chars().collect();
        for a in &alphabet {
            for b in &alphabet {
                for c in &alphabet {
                    for d in &alphabet {
                        texts.push([*a, *b, *c, *d].iter().collect());
                    }
                }
            }
        }
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        for n in 0..20_000 {
            let len = 1 + n % 40;
            let t: String = (0..len)
                .map(|_| {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    alphabet[(seed % alphabet.len() as u64) as usize]
                })
                .collect();
            texts.push(t);
        }
        texts
    }

    /// Pseudo-random strings (a fixed xorshift, so a failure reproduces) over a mix of ASCII
    /// (controls too), Cyrillic, the characters of the high halves of Windows-1251 and
    /// Windows-1252 (the leads and continuations of mojibake), typographic punctuation,
    /// C1 controls, U+FFFD, BOMs and arbitrary code points.
    fn mixed_strings(n: usize, mut seed: u64) -> Vec<String> {
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let highs: Vec<char> = [WINDOWS_1251, WINDOWS_1252]
            .iter()
            .flat_map(|&e| high_table(e).iter().copied())
            .collect();
        (0..n)
            .map(|_| {
                let len = next() % 60;
                (0..len)
                    .map(|_| {
                        let r = next();
                        let pick = |lo: u32, hi: u32| {
                            char::from_u32(lo + (r >> 8) as u32 % (hi - lo)).unwrap_or('?')
                        };
                        match r % 10 {
                            0 => pick(0, 0x80),
                            1 | 2 => pick(0x400, 0x480),
                            3 => pick(0x400, 0x530),
                            4 | 5 => highs[(r >> 8) as usize % highs.len()],
                            6 => pick(0x2000, 0x2130),
                            7 => pick(0x80, 0x100),
                            8 => ['\u{FFFD}', '\u{FEFF}', ' ', '\n', 'і', 'ї', '«', '—']
                                [(r >> 8) as usize % 8],
                            _ => pick(0x100, 0x11_0000),
                        }
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn has_strong_run_matches_the_plain_scan() {
        let mut texts = repair_texts();
        texts.extend(mixed_strings(20_000, 0x9E37_79B9_7F4A_7C15));
        // Mojibake of the mixed strings, cut anywhere, glued to good text.
        for t in mixed_strings(5_000, 0xD1B5_4A32_D192_ED03) {
            for enc in [WINDOWS_1251, WINDOWS_1252] {
                let (bad, _) = enc.decode_without_bom_handling(t.as_bytes());
                texts.push(format!("{UK}{bad}{t}"));
            }
        }
        let mut found = [0usize; 2];
        for (e, enc) in [WINDOWS_1251, WINDOWS_1252].into_iter().enumerate() {
            let index = high_index(enc);
            // The fast path is the one taken.
            assert!(index.cyrillic_conts_known, "{}", enc.name());
            for t in &texts {
                let want = has_strong_run_plain(t, index);
                found[e] += usize::from(want);
                assert_eq!(has_strong_run(t, index), want, "{t:?} in {}", enc.name());
            }
        }
        assert!(found[0] > 1000 && found[1] > 1000, "{found:?}");
    }

    #[test]
    fn count_sane_matches_the_plain_count() {
        let mut texts = repair_texts();
        texts.extend(mixed_strings(20_000, 0x2545_F491_4F6C_DD1D));
        for t in &texts {
            assert_eq!(count_sane(t), count_sane_plain(t), "{t:?}");
        }
    }

    #[test]
    fn repair_runs_matches_the_reference() {
        let texts = repair_texts();
        let mut changed = [0usize; 2];
        for t in &texts {
            for (e, enc) in [WINDOWS_1251, WINDOWS_1252].into_iter().enumerate() {
                let want = repair_runs_reference(t, enc);
                changed[e] += usize::from(want.is_some());
                assert_eq!(repair_runs(t, enc), want, "{t:?} in {}", enc.name());
            }
        }
        // Both kinds of answer are tested, in both code pages.
        assert!(changed[0] > 1000 && changed[1] > 1000, "{changed:?}");
        assert!(changed[0] + 1000 < texts.len() && changed[1] + 1000 < texts.len());
    }

    /// [`block_mask`] one byte at a time.
    fn block_mask_plain(bytes: &[u8], k: usize, test: impl Fn(u8, u8) -> bool) -> u32 {
        let mut mask = 0;
        for i in 0..16 {
            let Some(&b) = bytes.get(k + i) else { break };
            let prev = (k + i).checked_sub(1).map_or(0, |p| bytes[p]);
            if test(prev, b) {
                mask |= 1 << i;
            }
        }
        mask
    }

    #[test]
    fn block_masks_and_byte_search_match_plain_loops() {
        // The repository's raw texts (seed and NER-UK) and their mojibake, cut and glued
        // ([`repair_texts`]), and texts that end at every length around a block.
        let mut texts = repair_texts();
        let uk = UK.as_bytes();
        for n in 0..70.min(uk.len()) {
            texts.push(String::from_utf8_lossy(&uk[..n]).into_owned());
        }
        let mut found = [0usize; 6];
        for t in &texts {
            let bytes = t.as_bytes();
            let mut k = 0;
            while k <= bytes.len() + 16 {
                let tests: [&dyn Fn(u8, u8) -> bool; 4] = [
                    &may_be_continuation,
                    &|_, b| (b >= 0xC0) & (b & 0xFE != 0xD0),
                    &|p, b| (b & 0xFE == 0xA0) & (p == 0xD0),
                    &|_, b| b == b' ',
                ];
                for test in tests {
                    assert_eq!(
                        block_mask(bytes, k, test),
                        block_mask_plain(bytes, k, test),
                        "{t:?} at {k}"
                    );
                }
                // Blocks that start inside a character too.
                k += if k % 2 == 0 { 7 } else { 9 };
            }
            for (n, needle) in [0u8, 0xC3, b'\n', 0xD0, b' ', 0xBF].into_iter().enumerate() {
                let want = bytes.iter().position(|&b| b == needle);
                found[n] += usize::from(want.is_some());
                assert_eq!(find_byte(bytes, needle), want, "{needle:#x} in {t:?}");
                // And from every start in the first block.
                for from in 1..17.min(bytes.len()) {
                    let want = bytes[from..].iter().position(|&b| b == needle);
                    assert_eq!(
                        find_byte(&bytes[from..], needle),
                        want,
                        "{needle:#x} in {t:?}"
                    );
                }
            }
        }
        // Every needle is both found and missed.
        for f in found.iter().skip(1) {
            assert!(
                *f > 100 && *f + 100 < texts.len(),
                "{found:?} of {}",
                texts.len()
            );
        }
    }

    #[test]
    fn mojibake_counts_match_the_reference() {
        let mut counted = 0;
        for t in repair_texts() {
            let want = mojibake_counts_reference(&t);
            counted += usize::from(want != (0, 0));
            assert_eq!(mojibake_counts(&t), want, "{t:?}");
        }
        assert!(counted > 1000, "{counted}");
    }

    #[test]
    fn may_need_repair_matches_the_reference() {
        let mut texts: Vec<String> = vec![UK.into(), UK_TYPO.into(), String::new()];
        for t in [UK, UK_TYPO, "Сірко, «ПРАТ» і СіМ", "It’s — «так»"] {
            for enc in [WINDOWS_1251, WINDOWS_1252] {
                let (bad, _) = enc.decode_without_bom_handling(t.as_bytes());
                texts.push(bad.to_string());
                // Mojibake cut at every length, and glued to good text.
                for (n, _) in bad.char_indices() {
                    texts.push(bad[..n].to_string());
                    texts.push(format!("{}{}", &bad[n..], t));
                }
            }
        }
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content/raw");
        for entry in walkdir::WalkDir::new(dir) {
            let entry = entry.unwrap();
            if entry.path().extension().is_some_and(|e| e == "txt") {
                texts.push(std::fs::read_to_string(entry.path()).unwrap());
            }
        }
        // Every short string of characters whose bytes are leads and continuations.
        let alphabet: Vec<char> = "ВіїРСÐÑâ€™—«»ґаяЇЄ є№Ѓ\u{98}x".chars().collect();
        for a in &alphabet {
            for b in &alphabet {
                for c in &alphabet {
                    for d in &alphabet {
                        texts.push([*a, *b, *c, *d].iter().collect());
                    }
                }
            }
        }
        let mut found = [0usize; 2];
        for t in &texts {
            for (e, enc) in [WINDOWS_1251, WINDOWS_1252].into_iter().enumerate() {
                let bytes: Vec<Option<u8>> = t.chars().map(|c| high_byte(c, enc)).collect();
                let old = may_have_long_run(t, enc) && may_have_strong_run(&bytes);
                assert_eq!(may_need_repair(&bytes), old, "{t:?} in {}", enc.name());
                found[e] += usize::from(old);
            }
        }
        assert!(found[0] > 100 && found[1] > 100, "{found:?}");
    }

    /// [`valid_sequence_at`] as it was: the sequence checked by `from_utf8`.
    fn valid_sequence_at_reference(bytes: &[Option<u8>], i: usize) -> Option<usize> {
        let len = sequence_at(bytes, i)?;
        let mut seq = [0u8; 4];
        for (k, slot) in seq.iter_mut().enumerate().take(len) {
            *slot = bytes[i + k].unwrap_or(0);
        }
        std::str::from_utf8(&seq[..len]).ok().map(|_| len)
    }

    #[test]
    fn valid_sequences_match_from_utf8() {
        // Every lead byte with every second, third and fourth byte that matters (the
        // continuation bytes, one byte outside them, and a missing byte).
        let mut others: Vec<Option<u8>> = (0x80..=0xBF).map(Some).collect();
        others.extend([Some(0x41), Some(0x7F), Some(0xC0), None]);
        let mut checked = 0;
        for lead in 0x80..=0xFFu8 {
            for &b1 in &others {
                for &b2 in &others {
                    for &b3 in &others {
                        let bytes = [Some(lead), b1, b2, b3];
                        for cut in 1..=4 {
                            let bytes = &bytes[..cut];
                            assert_eq!(
                                valid_sequence_at(bytes, 0),
                                valid_sequence_at_reference(bytes, 0),
                                "{bytes:x?}"
                            );
                            checked += 1;
                        }
                    }
                }
            }
        }
        assert!(checked > 30_000_000);
    }

    #[test]
    fn count_sane_matches_a_count_by_characters() {
        let reference = |text: &str| {
            let (mut total, mut bad, mut letters) = (0usize, 0usize, 0usize);
            for c in text.chars() {
                total += 1;
                if c == '\u{FFFD}' || (c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}'))
                {
                    bad += 1;
                }
                if is_alphabetic(c) {
                    letters += 1;
                }
            }
            (total, bad, letters)
        };
        let mut texts = vec![UK.to_string(), UK_TYPO.to_string(), String::new()];
        // Every character up to U+3000, and a few above, alone and between letters.
        for c in (0..0x3000u32)
            .chain([0xFFFD, 0xFEFF, 0x1F600, 0x10FFFF])
            .filter_map(char::from_u32)
        {
            texts.push(c.to_string());
            texts.push(format!("аб{c}x{c}{c}Ї"));
        }
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content/raw");
        for entry in walkdir::WalkDir::new(dir) {
            let entry = entry.unwrap();
            if entry.path().extension().is_some_and(|e| e == "txt") {
                texts.push(std::fs::read_to_string(entry.path()).unwrap());
            }
        }
        for t in &texts {
            assert_eq!(count_sane(t), reference(t), "{t:?}");
            assert_eq!(count_sane_plain(t), reference(t), "{t:?}");
        }
    }

    #[test]
    fn binary_is_an_error() {
        let err = decode(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").unwrap_err();
        assert!(err.to_string().contains("binary"), "{err}");
        let noise: Vec<u8> = (0..400u32)
            .map(|i| ((i * 37 + 11) % 31 + 1) as u8)
            .collect();
        assert!(decode(&noise).is_err());
    }
}
