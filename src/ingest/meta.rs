//! Title, date and lede of a cleaned article.
//!
//! - Title: the first paragraph when it reads as a headline (at most 150 characters, not
//!   ending with a period, comma, semicolon or colon, and followed by more text); the body
//!   then starts after it. Otherwise the first sentence, at most 120 characters, cut at a
//!   word boundary with «…»; the body is then the whole text. Leading scraps (a timestamp,
//!   «Фото») are passed over when looking for the title and the lede.
//! - Date, in this order of trust: an ISO date in the file name (`filename`); the first
//!   date stated in the text that resolves against the reference day (`text`); the reference
//!   day itself (`reference` when the config pins it, `mtime` when it is the file's
//!   modification day). See [`date_in_text`] for the forms understood.
//! - Lede: the first body paragraph, cut at a sentence (or word) boundary near 300
//!   characters.

use crate::date::{Date, MONTHS_EN, MONTHS_GENITIVE};

/// Longest first paragraph that still counts as a headline.
pub const HEADLINE_MAX: usize = 150;
/// Longest title derived from the first sentence.
pub const TITLE_MAX: usize = 120;
/// Longest lede.
pub const LEDE_MAX: usize = 300;

/// The title and the body paragraphs (empty input gives an empty title and body).
///
/// Leading scraps without at least two words («12:30», «07.01.2026», «Фото») are passed
/// over when looking for the title (they stay in the body).
pub fn title_and_body(paragraphs: &[String]) -> (String, Vec<String>) {
    let Some(i) = first_wordy(paragraphs) else {
        return match paragraphs.first() {
            Some(p) => (title_from_sentence(p), paragraphs.to_vec()),
            None => (String::new(), Vec::new()),
        };
    };
    let first = &paragraphs[i];
    if i + 1 < paragraphs.len() && is_headline(first) {
        let mut body = paragraphs.to_vec();
        body.remove(i);
        return (first.clone(), body);
    }
    (title_from_sentence(first), paragraphs.to_vec())
}

/// Whether a paragraph has at least two words of two or more letters.
fn is_wordy(p: &str) -> bool {
    p.split(|c: char| !super::decode::is_alphabetic(c))
        .filter(|w| w.chars().count() >= 2)
        .take(2)
        .count()
        == 2
}

/// The first paragraph (among the first three) that is more than a scrap.
fn first_wordy(paragraphs: &[String]) -> Option<usize> {
    paragraphs.iter().take(3).position(|p| is_wordy(p))
}

/// Whether a paragraph reads as a headline.
pub fn is_headline(p: &str) -> bool {
    let p = p.trim();
    let Some(last) = p.chars().last() else {
        return false;
    };
    p.chars().count() <= HEADLINE_MAX
        && !matches!(last, '.' | ':' | ',' | ';')
        && p.chars().any(char::is_alphabetic)
}

/// A title from the first sentence of `p`: without its final period, at most
/// [`TITLE_MAX`] characters, cut at a word boundary with «…».
pub fn title_from_sentence(p: &str) -> String {
    let sentence = first_sentence(p);
    let sentence = sentence
        .strip_suffix('.')
        .filter(|s| !s.ends_with('.') && !ends_with_abbreviation(s))
        .unwrap_or(sentence)
        .trim();
    truncate_words(sentence, TITLE_MAX)
}

/// Whether `s` ends with an abbreviation or an initial (whose period must stay).
fn ends_with_abbreviation(s: &str) -> bool {
    let word: String = s
        .chars()
        .rev()
        .take_while(|c| c.is_alphabetic())
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let initial = word.chars().count() == 1 && word.chars().all(char::is_uppercase);
    !word.is_empty() && (initial || ABBREVIATIONS.contains(&word.as_str()))
}

/// Cuts `s` to at most `max` characters (counting the «…» it adds) at a word boundary.
fn truncate_words(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let limit: String = s.chars().take(max.saturating_sub(1)).collect();
    let next_is_space = s
        .chars()
        .nth(max.saturating_sub(1))
        .is_some_and(char::is_whitespace);
    let cut = if next_is_space {
        limit.as_str()
    } else {
        match limit.rfind(' ') {
            Some(i) if i > 0 => &limit[..i],
            _ => limit.as_str(),
        }
    };
    let trim = |s: &'_ str| -> usize {
        s.trim_end_matches(|c: char| {
            c.is_whitespace() || matches!(c, ',' | ';' | ':' | '—' | '–' | '-' | '(' | '«' | '"')
        })
        .len()
    };
    // Prefer ending at a clause («…7 січня, де обговорили» → «…7 січня…») when that keeps
    // at least half of the room.
    let cut = match cut.rfind(", ") {
        Some(i) if cut[..i].chars().count() >= max / 2 => &cut[..i],
        _ => cut,
    };
    let mut cut = &cut[..trim(cut)];
    // Do not end on a preposition or conjunction («…щодо ділянок у…»), keeping at least
    // a few words.
    while let Some(i) = cut.rfind(' ') {
        let last = &cut[i + 1..];
        if !DANGLING_WORDS.contains(&last) || cut[..i].split(' ').count() < 3 {
            break;
        }
        cut = &cut[..i];
        cut = &cut[..trim(cut)];
    }
    format!("{cut}…")
}

/// Short words that should not end a shortened title or lede.
const DANGLING_WORDS: &[&str] = &[
    "у",
    "в",
    "з",
    "із",
    "зі",
    "і",
    "й",
    "та",
    "а",
    "на",
    "до",
    "по",
    "за",
    "від",
    "для",
    "про",
    "при",
    "між",
    "над",
    "під",
    "щодо",
    "або",
    "але",
    "що",
    "як",
    "які",
    "який",
    "яка",
    "яке",
    "якій",
    "о",
    "об",
    "поза",
    "через",
    "не",
    "ні",
    "the",
    "a",
    "an",
    "and",
    "or",
    "of",
    "to",
    "in",
    "on",
    "at",
    "for",
    "with",
    "by",
    "from",
    "that",
];

/// Abbreviations that end with a period but not a sentence («м. Київ», «ст. 5», «Mr. Smith»).
const ABBREVIATIONS: &[&str] = &[
    "р",
    "рр",
    "ст",
    "вул",
    "м",
    "с",
    "смт",
    "ім",
    "див",
    "напр",
    "ін",
    "п",
    "пп",
    "обл",
    "св",
    "проф",
    "акад",
    "доц",
    "т",
    "зв",
    "пров",
    "бул",
    "просп",
    "тел",
    "Mr",
    "Mrs",
    "Ms",
    "Dr",
    "St",
    "Jr",
    "Sr",
    "vs",
    "No",
    "Prof",
    "Gen",
    "Col",
    "Lt",
    "Sen",
    "Rep",
    "Gov",
];

/// Byte offsets just after each sentence end in `p`.
fn sentence_ends(p: &str) -> Vec<usize> {
    let chars: Vec<(usize, char)> = p.char_indices().collect();
    let mut ends = Vec::new();
    for (k, &(_, c)) in chars.iter().enumerate() {
        if !matches!(c, '.' | '!' | '?' | '…') {
            continue;
        }
        // Include closing quotes and brackets right after the mark.
        let mut j = k + 1;
        while j < chars.len() && matches!(chars[j].1, '»' | '"' | '”' | ')' | '’') {
            j += 1;
        }
        if j < chars.len() && matches!(chars[j].1, '.' | '!' | '?' | '…') {
            continue; // «?!», «...»: the last mark ends it.
        }
        let end = chars.get(j).map(|&(b, _)| b).unwrap_or(p.len());
        if j == chars.len() {
            ends.push(end);
            continue;
        }
        if !chars[j].1.is_whitespace() {
            continue;
        }
        let next = chars[j + 1..]
            .iter()
            .map(|&(_, c)| c)
            .find(|c| !c.is_whitespace());
        let Some(next) = next else {
            ends.push(end);
            continue;
        };
        if !(next.is_uppercase()
            || next.is_ascii_digit()
            || matches!(next, '«' | '"' | '“' | '„' | '—' | '–' | '-' | '('))
        {
            continue;
        }
        if c == '.' && ends_with_abbreviation(&p[..chars[k].0]) {
            continue;
        }
        ends.push(end);
    }
    ends
}

/// The first sentence of `p` (all of `p` when it has one sentence).
pub fn first_sentence(p: &str) -> &str {
    match sentence_ends(p).first() {
        Some(&e) => p[..e].trim(),
        None => p.trim(),
    }
}

/// The lede: the first body paragraph (passing over scraps), cut near [`LEDE_MAX`] characters at a sentence end,
/// else at a word boundary with «…».
pub fn lede(body: &[String]) -> String {
    let Some(first) = first_wordy(body).map(|i| &body[i]).or(body.first()) else {
        return String::new();
    };
    let first = first.trim();
    if first.chars().count() <= LEDE_MAX {
        return first.to_string();
    }
    let good = sentence_ends(first).into_iter().rev().find(|&e| {
        let n = first[..e].chars().count();
        (60..=LEDE_MAX).contains(&n)
    });
    match good {
        Some(e) => first[..e].trim().to_string(),
        None => truncate_words(first, LEDE_MAX),
    }
}

/// How a date was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateSource {
    Filename,
    Text,
    Reference,
    Mtime,
}

impl DateSource {
    /// The `date_source` value written in the front matter.
    pub fn as_str(self) -> &'static str {
        match self {
            DateSource::Filename => "filename",
            DateSource::Text => "text",
            DateSource::Reference => "reference",
            DateSource::Mtime => "mtime",
        }
    }
}

/// The article's date: from the file name, else from the text, else the reference day.
/// `reference_from_config` tells whether `reference` is the config's `reference_date`
/// (`reference`) or the file's modification day (`mtime`).
pub fn article_date(
    file_name: &str,
    text: &str,
    reference: Date,
    reference_from_config: bool,
) -> (Date, DateSource) {
    if let Some(d) = date_in_filename(file_name) {
        return (d, DateSource::Filename);
    }
    if let Some(d) = date_in_text(text, reference) {
        return (d, DateSource::Text);
    }
    let source = if reference_from_config {
        DateSource::Reference
    } else {
        DateSource::Mtime
    };
    (reference, source)
}

/// An ISO date (`2026-01-07`, also with `_` or `.`) anywhere in a file name, not part of a
/// longer number.
pub fn date_in_filename(name: &str) -> Option<Date> {
    let b = name.as_bytes();
    if b.len() < 10 {
        return None;
    }
    for i in 0..=b.len() - 10 {
        let w = &b[i..i + 10];
        let sep = w[4];
        let digits = [0, 1, 2, 3, 5, 6, 8, 9]
            .iter()
            .all(|&k| w[k].is_ascii_digit());
        if !digits || !matches!(sep, b'-' | b'_' | b'.') || w[7] != sep {
            continue;
        }
        if i > 0 && b[i - 1].is_ascii_digit() || b.get(i + 10).is_some_and(u8::is_ascii_digit) {
            continue;
        }
        let num = |r: std::ops::Range<usize>| -> Option<u32> {
            std::str::from_utf8(&w[r]).ok()?.parse().ok()
        };
        if let (Some(y), Some(m), Some(d)) = (num(0..4), num(5..7), num(8..10)) {
            if let Some(date) = Date::new(y as i32, m, d) {
                return Some(date);
            }
        }
    }
    None
}

/// A date as stated in text: a day and month, maybe with a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stated {
    day: u32,
    month: u32,
    year: Option<i32>,
}

/// The first date stated in `text` that resolves against `reference`:
///
/// - «7 січня», «7 січня 2026 року», «7–8 січня» (the first day), «7 January 2026»,
///   «January 7», «January 7, 2026», `07.01.2026`, `2026-01-07`;
/// - a full date counts when it is not after `reference`;
/// - a day and month without a year becomes the latest such date not after `reference`;
/// - impossible dates («31 лютого») are skipped.
pub fn date_in_text(text: &str, reference: Date) -> Option<Date> {
    // Stops at the first date that resolves (most texts state one early, or none at all).
    scan_dates(text, |s| resolve(s, reference))
}

fn resolve(s: Stated, reference: Date) -> Option<Date> {
    match s.year {
        Some(y) => {
            let d = Date::new(y, s.month, s.day)?;
            (y >= 1800 && d <= reference).then_some(d)
        }
        None => (0..8).find_map(|back| {
            let d = Date::new(reference.year - back, s.month, s.day)?;
            (d <= reference).then_some(d)
        }),
    }
}

/// `char::is_alphabetic`, fast for ASCII, Cyrillic and punctuation
/// ([`super::decode::is_alphabetic`]): the standard test searches a table for every character
/// above ASCII, which made the date scan a fifth of an ingest's CPU time on Ukrainian news.
fn is_alpha(c: char) -> bool {
    super::decode::is_alphabetic(c)
}

/// `char::is_alphanumeric`, fast for ASCII and Cyrillic as [`is_alpha`].
fn is_alnum(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else {
        is_alpha(c) || c.is_numeric()
    }
}

/// The month whose genitive (as in «7 січня») `word` is, in any letter case.
fn month_uk(word: &str) -> Option<u32> {
    MONTHS_GENITIVE
        .iter()
        .position(|m| word.chars().flat_map(char::to_lowercase).eq(m.chars()))
        .map(|i| i as u32 + 1)
}

/// The month `word` names in English, as written («January») or in capitals («JANUARY»).
fn month_en(word: &str) -> Option<u32> {
    MONTHS_EN
        .iter()
        .position(|m| {
            *m == word
                || m.len() == word.len()
                    && m.bytes().map(|b| b.to_ascii_uppercase()).eq(word.bytes())
        })
        .map(|i| i as u32 + 1)
}

/// The character at byte offset `i` of `text` (none at the end).
fn char_at(text: &str, i: usize) -> Option<char> {
    text.get(i..)?.chars().next()
}

/// A maximal run of ASCII digits starting at byte `i` (four at most): its value, end and
/// length.
fn digits_at(text: &str, i: usize) -> Option<(u32, usize, usize)> {
    let b = text.as_bytes();
    let mut j = i;
    let mut value = 0u32;
    while let Some(&d) = b.get(j).filter(|d| d.is_ascii_digit()) {
        value = value * 10 + u32::from(d - b'0');
        j += 1;
        if j - i > 4 {
            return None;
        }
    }
    (j > i).then_some((value, j, j - i))
}

/// The end of the run of letters starting at byte `i` (none when there is no letter at `i`).
fn word_end(text: &str, i: usize) -> Option<usize> {
    let rest = text.get(i..)?;
    let len = rest.find(|c: char| !is_alpha(c)).unwrap_or(rest.len());
    (len > 0).then_some(i + len)
}

fn skip_spaces(text: &str, i: usize) -> usize {
    let rest = text.get(i..).unwrap_or_default();
    i + rest
        .find(|c: char| c != ' ' && c != '\u{a0}')
        .unwrap_or(rest.len())
}

/// A four-digit year after byte `i` (after spaces, and after a comma for English).
fn year_after(text: &str, i: usize, comma: bool) -> Option<i32> {
    let mut k = i;
    if comma && text.as_bytes().get(k) == Some(&b',') {
        k += 1;
    }
    let k = skip_spaces(text, k);
    if k == i {
        return None;
    }
    match digits_at(text, k) {
        Some((y, end, 4)) if !char_at(text, end).is_some_and(is_alnum) => Some(y as i32),
        _ => None,
    }
}

/// Every date stated in `text`, in text order, given to `found` until it gives something.
///
/// A date starts with an ASCII digit («7 січня», `07.01.2026`) or an English month name, whose
/// forms start with an ASCII capital («January 7»), at a word boundary; so only those bytes
/// are looked at (an ASCII byte is always a whole character in UTF-8). After a date, the scan
/// goes on after it; after an English month name, after the name.
fn scan_dates<T>(text: &str, mut found: impl FnMut(Stated) -> Option<T>) -> Option<T> {
    let bytes = text.as_bytes();
    let mut i = 0;
    while let Some(off) = bytes.get(i..).and_then(|b| {
        b.iter()
            .position(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
    }) {
        let p = i + off;
        let prev = text[..p].chars().next_back();
        let boundary = !prev.is_some_and(|c| is_alnum(c) || c == '.' || c == ',');
        i = p + 1;
        if !boundary {
            continue;
        }
        if bytes[p].is_ascii_digit() {
            if let Some((s, end)) = numeric_date_at(text, p) {
                if let Some(t) = found(s) {
                    return Some(t);
                }
                i = end;
            }
            continue;
        }
        let Some(wend) = word_end(text, p) else {
            continue;
        };
        i = wend;
        // «January 7», «January 7, 2026».
        let Some(month) = month_en(&text[p..wend]) else {
            continue;
        };
        let k = skip_spaces(text, wend);
        if k == wend {
            continue;
        }
        if let Some((day, dend, 1..=2)) = digits_at(text, k) {
            let mut e = dend;
            for suf in ["st", "nd", "rd", "th"] {
                if text[e..].starts_with(suf) {
                    e += 2;
                }
            }
            if !char_at(text, e).is_some_and(is_alnum) {
                let year = year_after(text, e, true);
                if let Some(t) = found(Stated { day, month, year }) {
                    return Some(t);
                }
            }
        }
    }
    None
}

/// A date starting with digits at byte `i`: `07.01.2026`, `2026-01-07`, «7 січня [2026]»,
/// «7–8 січня», «7 January [2026]».
fn numeric_date_at(text: &str, i: usize) -> Option<(Stated, usize)> {
    let (n, end, len) = digits_at(text, i)?;
    let sep = char_at(text, end);
    // 07.01.2026
    if (1..=2).contains(&len) && sep == Some('.') {
        let (m, mend, mlen) = digits_at(text, end + 1)?;
        if mlen == 2 && char_at(text, mend) == Some('.') {
            if let Some((y, yend, 4)) = digits_at(text, mend + 1) {
                if !char_at(text, yend).is_some_and(|c| c.is_ascii_digit()) {
                    return Some((
                        Stated {
                            day: n,
                            month: m,
                            year: Some(y as i32),
                        },
                        yend,
                    ));
                }
            }
        }
        return None;
    }
    // 2026-01-07
    if len == 4 && sep == Some('-') {
        let (m, mend, 2) = digits_at(text, end + 1)? else {
            return None;
        };
        if char_at(text, mend) != Some('-') {
            return None;
        }
        let (d, dend, 2) = digits_at(text, mend + 1)? else {
            return None;
        };
        if char_at(text, dend).is_some_and(|c| c.is_ascii_digit()) {
            return None;
        }
        return Some((
            Stated {
                day: d,
                month: m,
                year: Some(n as i32),
            },
            dend,
        ));
    }
    if !(1..=2).contains(&len) {
        return None;
    }
    // «7–8 січня»: the range starts on the first day.
    let mut after = end;
    if let Some(dash @ ('–' | '-' | '—')) = sep {
        if let Some((_, e2, 1..=2)) = digits_at(text, end + dash.len_utf8()) {
            after = e2;
        }
    }
    let k = skip_spaces(text, after);
    if k == after {
        return None;
    }
    let wend = word_end(text, k)?;
    let word = &text[k..wend];
    let month = month_uk(word).or_else(|| month_en(word))?;
    let year = year_after(text, wend, false);
    Some((
        Stated {
            day: n,
            month,
            year,
        },
        wend,
    ))
}

/// The scan of dates as it was before [`scan_dates`] (a word and its upper-case form allocated
/// for every word), kept for the tests to compare with.
#[cfg(test)]
mod reference {
    use super::Stated;
    use crate::date::{MONTHS_EN, MONTHS_GENITIVE};

    fn month_uk_ref(word: &str) -> Option<u32> {
        let w = word.to_lowercase();
        MONTHS_GENITIVE
            .iter()
            .position(|m| *m == w)
            .map(|i| i as u32 + 1)
    }

    fn month_en_ref(word: &str) -> Option<u32> {
        MONTHS_EN
            .iter()
            .position(|m| *m == word || m.to_uppercase() == word)
            .map(|i| i as u32 + 1)
    }

    /// A maximal run of ASCII digits starting at `i`: its value and end.
    fn digits_at_ref(chars: &[char], i: usize) -> Option<(u32, usize, usize)> {
        let mut j = i;
        while j < chars.len() && chars[j].is_ascii_digit() {
            j += 1;
        }
        if j == i || j - i > 4 {
            return None;
        }
        let s: String = chars[i..j].iter().collect();
        s.parse().ok().map(|v| (v, j, j - i))
    }

    /// A run of letters starting at `i`, and its end.
    fn word_at_ref(chars: &[char], i: usize) -> Option<(String, usize)> {
        let mut j = i;
        while j < chars.len() && chars[j].is_alphabetic() {
            j += 1;
        }
        (j > i).then(|| (chars[i..j].iter().collect(), j))
    }

    fn skip_spaces_ref(chars: &[char], mut i: usize) -> usize {
        while i < chars.len() && (chars[i] == ' ' || chars[i] == '\u{a0}') {
            i += 1;
        }
        i
    }

    /// A four-digit year after position `i` (after spaces, and after a comma for English).
    fn year_after_ref(chars: &[char], i: usize, comma: bool) -> Option<i32> {
        let mut k = i;
        if comma && chars.get(k) == Some(&',') {
            k += 1;
        }
        let k = skip_spaces_ref(chars, k);
        if k == i {
            return None;
        }
        match digits_at_ref(chars, k) {
            Some((y, end, 4)) if !chars.get(end).is_some_and(|c| c.is_alphanumeric()) => {
                Some(y as i32)
            }
            _ => None,
        }
    }

    /// Every date stated in `text`, in text order.
    pub(super) fn stated_dates_ref(text: &str) -> Vec<Stated> {
        let chars: Vec<char> = text.chars().collect();
        let mut out = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            let prev = if i > 0 { Some(chars[i - 1]) } else { None };
            let boundary = !prev.is_some_and(|c| c.is_alphanumeric() || c == '.' || c == ',');
            if boundary && chars[i].is_ascii_digit() {
                if let Some((s, end)) = numeric_date_at_ref(&chars, i) {
                    out.push(s);
                    i = end;
                    continue;
                }
            }
            if boundary && chars[i].is_alphabetic() {
                if let Some((word, wend)) = word_at_ref(&chars, i) {
                    // «January 7», «January 7, 2026».
                    if let Some(month) = month_en_ref(&word) {
                        let k = skip_spaces_ref(&chars, wend);
                        if k > wend {
                            if let Some((day, dend, 1..=2)) = digits_at_ref(&chars, k) {
                                let mut e = dend;
                                for suf in ["st", "nd", "rd", "th"] {
                                    let s: Vec<char> = suf.chars().collect();
                                    if chars.get(e..e + 2) == Some(&s[..]) {
                                        e += 2;
                                    }
                                }
                                if !chars.get(e).is_some_and(|c| c.is_alphanumeric()) {
                                    let year = year_after_ref(&chars, e, true);
                                    out.push(Stated { day, month, year });
                                }
                            }
                        }
                    }
                    i = wend;
                    continue;
                }
            }
            i += 1;
        }
        out
    }

    /// A date starting with digits at `i`: `07.01.2026`, `2026-01-07`, «7 січня [2026]»,
    /// «7–8 січня», «7 January [2026]».
    fn numeric_date_at_ref(chars: &[char], i: usize) -> Option<(Stated, usize)> {
        let (n, end, len) = digits_at_ref(chars, i)?;
        let sep = chars.get(end).copied();
        // 07.01.2026
        if (1..=2).contains(&len) && sep == Some('.') {
            let (m, mend, mlen) = digits_at_ref(chars, end + 1)?;
            if mlen == 2 && chars.get(mend) == Some(&'.') {
                if let Some((y, yend, 4)) = digits_at_ref(chars, mend + 1) {
                    if !chars.get(yend).is_some_and(|c| c.is_ascii_digit()) {
                        return Some((
                            Stated {
                                day: n,
                                month: m,
                                year: Some(y as i32),
                            },
                            yend,
                        ));
                    }
                }
            }
            return None;
        }
        // 2026-01-07
        if len == 4 && sep == Some('-') {
            let (m, mend, 2) = digits_at_ref(chars, end + 1)? else {
                return None;
            };
            if chars.get(mend) != Some(&'-') {
                return None;
            }
            let (d, dend, 2) = digits_at_ref(chars, mend + 1)? else {
                return None;
            };
            if chars.get(dend).is_some_and(|c| c.is_ascii_digit()) {
                return None;
            }
            return Some((
                Stated {
                    day: d,
                    month: m,
                    year: Some(n as i32),
                },
                dend,
            ));
        }
        if !(1..=2).contains(&len) {
            return None;
        }
        // «7–8 січня»: the range starts on the first day.
        let mut after = end;
        if matches!(sep, Some('–' | '-' | '—')) {
            if let Some((_, e2, 1..=2)) = digits_at_ref(chars, end + 1) {
                after = e2;
            }
        }
        let k = skip_spaces_ref(chars, after);
        if k == after {
            return None;
        }
        let (word, wend) = word_at_ref(chars, k)?;
        let month = month_uk_ref(&word).or_else(|| month_en_ref(&word))?;
        let year = year_after_ref(chars, wend, false);
        Some((
            Stated {
                day: n,
                month,
                year,
            },
            wend,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> Date {
        Date::new(y, m, day).unwrap()
    }

    fn paras(s: &[&str]) -> Vec<String> {
        s.iter().map(|x| x.to_string()).collect()
    }

    /// Every date [`scan_dates`] finds, in order.
    fn all_dates(text: &str) -> Vec<Stated> {
        let mut out = Vec::new();
        scan_dates(text, |s| {
            out.push(s);
            None::<()>
        });
        out
    }

    #[test]
    fn the_fast_letter_tests_are_the_standard_ones_on_every_character() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            assert_eq!(is_alpha(c), c.is_alphabetic(), "{c:?}");
            assert_eq!(is_alnum(c), c.is_alphanumeric(), "{c:?}");
        }
    }

    /// The scan finds the dates the earlier scan found, in the same order, on the repository's
    /// raw texts (Ukrainian news, the seed, English) and on random texts made of date pieces,
    /// month names in every case, letters and punctuation; and `date_in_text`, which stops at
    /// the first date that resolves, gives the first of them that resolves.
    #[test]
    fn the_date_scan_finds_what_the_earlier_scan_found() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content/raw");
        let mut texts: Vec<String> = walkdir::WalkDir::new(dir)
            .sort_by_file_name()
            .into_iter()
            .map(|e| e.unwrap())
            .filter(|e| e.path().extension().is_some_and(|x| x == "txt"))
            .map(|e| std::fs::read_to_string(e.path()).unwrap())
            .collect();
        let real = texts.len();
        assert!(real >= 40, "{real}");
        let mut pieces: Vec<String> = [
            "7", "07", "2026", "1999", "31", "12345", "0", "1", ".", ",", "-", "–", "—", " ",
            "\u{a0}", "  ", "st", "th", "nd", "rd", "року", "a", "Б", "x7", "ΣΑ", "١٢", "²",
        ]
        .iter()
        .map(|p| p.to_string())
        .collect();
        for m in MONTHS_GENITIVE.iter().chain(MONTHS_EN.iter()) {
            pieces.push(m.to_string());
            pieces.push(m.to_uppercase());
            pieces.push(m.to_lowercase());
            let mut cap = m.chars();
            if let Some(first) = cap.next() {
                pieces.push(first.to_uppercase().chain(cap).collect());
            }
        }
        let months = pieces[27..].to_vec();
        let numbers = ["7", "07", "31", "1", "0", "2026", "12345", "29"];
        let after = [" ", "\u{a0}", "", "-8 ", "–8 ", "—30 ", ".", "-01-", ".01."];
        let before_year = [" ", ", ", "", "st, ", "th ", "nd", "  "];
        let years = ["2026", "1999", "1700", "", "12345", "20"];
        let mut x = 0x9E37_79B9_7F4A_7C15u64;
        let mut pick = |n: usize| {
            x = crate::testrand::xorshift(x);
            (x % n as u64) as usize
        };
        for _ in 0..3000 {
            let mut t = String::new();
            for _ in 0..8 {
                // Dates' shapes, numbers first («7 січня 2026») or the month first («January
                // 7, 2026»), with pieces that may break them; or any piece.
                let month = &months[pick(months.len())];
                let number = numbers[pick(numbers.len())];
                let year = years[pick(years.len())];
                match pick(4) {
                    0 => {
                        t.push_str(number);
                        t.push_str(after[pick(after.len())]);
                        t.push_str(month);
                        t.push_str(before_year[pick(before_year.len())]);
                        t.push_str(year);
                    }
                    1 => {
                        t.push_str(month);
                        t.push_str(after[pick(2)]);
                        t.push_str(number);
                        t.push_str(before_year[pick(before_year.len())]);
                        t.push_str(year);
                    }
                    _ => t.push_str(&pieces[pick(pieces.len())]),
                }
                if pick(3) > 0 {
                    t.push(' ');
                }
            }
            texts.push(t);
        }
        let (mut found, mut resolved) = (0, 0);
        for (k, text) in texts.iter().enumerate() {
            let want = reference::stated_dates_ref(text);
            assert_eq!(all_dates(text), want, "{text:?}");
            found += want.len();
            for r in [d(2026, 3, 1), d(2021, 1, 7), d(1990, 12, 31)] {
                let first = want.iter().find_map(|&s| resolve(s, r));
                assert_eq!(date_in_text(text, r), first, "{text:?}");
                resolved += usize::from(first.is_some() && k < real);
            }
        }
        // The texts state dates, real ones among them.
        assert!(found > 3000, "{found}");
        assert!(resolved > 20, "{resolved}");
    }

    #[test]
    fn is_wordy_matches_the_standard_alphabetic_test_on_real_text() {
        // The repository's raw texts: every line, and every line's first few characters.
        let plain = |p: &str| {
            p.split(|c: char| !c.is_alphabetic())
                .filter(|w| w.chars().count() >= 2)
                .take(2)
                .count()
                == 2
        };
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content/raw");
        let (mut yes, mut no) = (0, 0);
        for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
            let entry = entry.unwrap();
            if entry.path().extension().is_none_or(|e| e != "txt") {
                continue;
            }
            let text = std::fs::read_to_string(entry.path()).unwrap();
            for line in text.lines() {
                let heads =
                    (0..12).filter_map(|n| line.char_indices().nth(n).map(|(b, _)| &line[..b]));
                for p in std::iter::once(line).chain(heads) {
                    let want = plain(p);
                    assert_eq!(is_wordy(p), want, "{p:?}");
                    if want {
                        yes += 1;
                    } else {
                        no += 1;
                    }
                }
            }
        }
        assert!(yes > 100 && no > 100, "{yes} {no}");
    }

    #[test]
    fn seed_title_is_cut_from_the_first_sentence() {
        let seed = include_str!("../../content/raw/seed/000_d450a8c0e07fb2e9.txt");
        let p = super::super::clean::clean(seed, &[]);
        let (title, body) = title_and_body(&p);
        assert!(title.chars().count() <= TITLE_MAX, "{title}");
        assert!(
            title.starts_with("Представники України та Сполучених Штатів провели"),
            "{title}"
        );
        assert_eq!(
            title,
            "Представники України та Сполучених Штатів провели новий раунд переговорів у \
             столиці Франції 7 січня…"
        );
        assert!(!title.contains(" …"), "{title}");
        let long = "Окружний адмінсуд м. Києва заборонив Державній реєстраційній службі вчиняти \
                    будь-які реєстраційні дії щодо ділянок у заказнику «Жуків острів», де будується маєток.";
        let t = title_from_sentence(long);
        assert!(t.ends_with("щодо ділянок…"), "{t}");
        let t = title_from_sentence(&long.replace("ділянок у", "ділянок, у"));
        assert!(t.ends_with("щодо ділянок…"), "{t}");
        assert_eq!(body.len(), p.len(), "the first paragraph stays in the body");
        assert_eq!(lede(&body), p[0]);
    }

    #[test]
    fn short_first_sentence_is_the_title() {
        let p = paras(&["Умєров прибув до Парижа. Там він зустрівся з партнерами, які приїхали з усієї Європи, щоб обговорити план завершення війни та гарантії безпеки."]);
        assert_eq!(title_and_body(&p).0, "Умєров прибув до Парижа");
        let p = paras(&["В. О. Зеленський відвідав м. Львів. Далі."]);
        assert_eq!(title_and_body(&p).0, "В. О. Зеленський відвідав м. Львів");
        let p = paras(&["Його призначили 16 грудня 2019 р."]);
        assert_eq!(title_and_body(&p).0, "Його призначили 16 грудня 2019 р.");
    }

    #[test]
    fn headline_line_becomes_the_title() {
        let p = paras(&[
            "Україна і США провели переговори в Парижі",
            "Про це повідомив Кирило Буданов.",
            "Другий абзац.",
        ]);
        let (title, body) = title_and_body(&p);
        assert_eq!(title, "Україна і США провели переговори в Парижі");
        assert_eq!(
            body,
            paras(&["Про це повідомив Кирило Буданов.", "Другий абзац."])
        );
        assert_eq!(lede(&body), "Про це повідомив Кирило Буданов.");
        // Scraps before the headline are passed over.
        let p = paras(&["07.01.2026 12:30", "Переговори в Парижі", "Текст новини."]);
        let (title, body) = title_and_body(&p);
        assert_eq!(title, "Переговори в Парижі");
        assert_eq!(body, paras(&["07.01.2026 12:30", "Текст новини."]));
        assert_eq!(lede(&body), "Текст новини.");
        // A line ending with a colon is not a headline.
        let p = paras(&["Про це повідомив Буданов:", "Цитата."]);
        assert_eq!(title_and_body(&p).1.len(), 2);
    }

    #[test]
    fn long_lede_is_cut_at_a_sentence() {
        let s = "Перше речення досить довге, щоб бути змістовним і мати понад шістдесят символів. ";
        let p = paras(&[&s.repeat(6)]);
        let l = lede(&p);
        assert!(l.chars().count() <= LEDE_MAX && l.ends_with('.'), "{l}");
    }

    #[test]
    fn day_and_month_resolve_to_the_latest_date_not_after_the_reference() {
        let t = "Переговори відбулися 7 січня у Парижі.";
        assert_eq!(date_in_text(t, d(2026, 3, 1)), Some(d(2026, 1, 7)));
        assert_eq!(date_in_text(t, d(2026, 1, 5)), Some(d(2025, 1, 7)));
        assert_eq!(date_in_text(t, d(2026, 1, 7)), Some(d(2026, 1, 7)));
        assert_eq!(
            date_in_text("Станом на 29 лютого", d(2026, 3, 1)),
            Some(d(2024, 2, 29))
        );
    }

    #[test]
    fn impossible_and_future_dates_are_skipped() {
        assert_eq!(
            date_in_text("Засідання 31 лютого, а потім 3 березня.", d(2026, 3, 10)),
            Some(d(2026, 3, 3))
        );
        assert_eq!(date_in_text("31 лютого", d(2026, 3, 10)), None);
        assert_eq!(
            date_in_text(
                "Угода діятиме до 31 грудня 2027 року, підписали 5 травня 2026 року.",
                d(2026, 11, 26)
            ),
            Some(d(2026, 5, 5))
        );
    }

    #[test]
    fn stated_forms() {
        let r = d(2026, 11, 26);
        assert_eq!(date_in_text("7 січня 2025 року", r), Some(d(2025, 1, 7)));
        assert_eq!(date_in_text("від 07.01.2026 р.", r), Some(d(2026, 1, 7)));
        assert_eq!(date_in_text("Dated 2026-01-07.", r), Some(d(2026, 1, 7)));
        assert_eq!(date_in_text("On January 7, talks", r), Some(d(2026, 1, 7)));
        assert_eq!(
            date_in_text("On January 7th, 2025, talks", r),
            Some(d(2025, 1, 7))
        );
        assert_eq!(date_in_text("on 7 January 2026", r), Some(d(2026, 1, 7)));
        assert_eq!(date_in_text("у ніч на 7–8 січня", r), Some(d(2026, 1, 7)));
        assert_eq!(date_in_text("Стаття 7 закону, 2,5 січня", r), None);
        assert_eq!(date_in_text("у 2015 році, 15 млн грн", r), None);
    }

    #[test]
    fn file_name_date_wins() {
        let (date, src) = article_date(
            "2026-02-03-talks.txt",
            "Переговори 7 січня.",
            d(2026, 3, 1),
            false,
        );
        assert_eq!((date, src), (d(2026, 2, 3), DateSource::Filename));
        assert_eq!(
            date_in_filename("news_2026-01-07_x.txt"),
            Some(d(2026, 1, 7))
        );
        assert_eq!(date_in_filename("x-2026_01_07.txt"), Some(d(2026, 1, 7)));
        assert_eq!(date_in_filename("12026-01-07.txt"), None);
        assert_eq!(date_in_filename("2026-02-30.txt"), None);
        let (date, src) = article_date("a.txt", "Без дат.", d(2026, 3, 1), true);
        assert_eq!((date, src), (d(2026, 3, 1), DateSource::Reference));
        let (_, src) = article_date("a.txt", "Без дат.", d(2026, 3, 1), false);
        assert_eq!(src, DateSource::Mtime);
        let (date, src) = article_date("a.txt", "Того ж 7 січня.", d(2026, 3, 1), false);
        assert_eq!((date, src), (d(2026, 1, 7), DateSource::Text));
    }
}
