//! The site search: an index built at build time, read by our own script on `search/`.
//!
//! Every article and every person is a *document*. Their words are normalised (NFC, lower
//! case, apostrophes and stress marks dropped, ё → е, ґ → г) and reduced to one or two
//! Ukrainian *keys* ([`keys`]: case ending stripped, the vowel of a closed last syllable
//! folded, fleeting vowels dropped), so «Буданова», «Будановим» and «Буданов» are one term,
//! and so are «Зеленського» and «Зеленський», «Києва» and «Київ», «Львова» and «Львів». The
//! browser does the same to the query with the rules shipped in the manifest; a test runs
//! `templates/search.js` under Node on the same words (`tests/search_js.rs`) and the browser
//! test runs it in Chromium, so the two sides cannot drift.
//!
//! Output (all under `search/`, deterministic):
//!
//! | file | what |
//! |---|---|
//! | `index.html` | the search page (template `search.html`); reads `?q=` |
//! | `search.js` | the script (`templates/search.js`) |
//! | `index.json` | the manifest: shard keys, document count, chunk size, stemming rules |
//! | `t/<key>.json` | a shard of terms: `{ key: [doc, score, doc, score…] }`, doc ids delta-coded |
//! | `d/<n>.json` | documents `n*CHUNK ..`: `[0, title, url, date, people, lede]` for an article, `[1, name, url, count, role]` for a person, `null` for an empty slot |
//! | `p.json` | the people's documents in alphabetical order (the script breaks ties of score by it) |
//!
//! The documents are the articles, oldest first, then (from the next multiple of 1,024, the
//! documents between empty) the people, each in a slot of its own ([`slots`]) that depends on
//! their name and the number of people only: an article added on the newest day, or a person
//! named for the first time, moves no other document (but a neighbour or two), so a rebuild
//! rewrites only the shards and chunks they are in. A chunk of empty documents only is not
//! written.
//!
//! Shards are keyed by the first letters of the terms (folded, [`fold`]), as many as it takes to keep each shard
//! under [`SHARD_BUDGET`] bytes (a shard of a common prefix splits by the next letter), so the
//! first search of a 10,000-article site downloads the manifest, one or a few shards and the
//! document chunks of the results shown: a few hundred kilobytes at most.
//!
//! A build keeps the terms of each article's own text in a cache ([`cache`]), so a rebuild
//! finds the words of only the articles whose files changed; the output is the same whether
//! the cache is used or not.

pub mod cache;
pub mod slots;
pub mod state;
mod update;

use crate::render::context::Page;
use crate::render::{labels, links, OutputFile, Sink, Templates};
use crate::site::{Site, SiteError};
use cache::{Dict, TermsCache};
use rustc_hash::FxHashMap;
use serde::Serialize;
pub use slots::Slots;
pub use state::{DocKeys, ShardRec, State};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Mutex, PoisonError};

/// Documents per document chunk (`search/d/<n>.json`): small, as the chunks of the results
/// shown are most of what a search downloads (`tests/browser/search-size.js` measures it).
pub const CHUNK: usize = 8;
/// Largest shard, in bytes, before it is split by the next letter.
pub const SHARD_BUDGET: usize = 48 << 10;
/// Deepest shard key, in letters (a longer common prefix stays in one shard).
const MAX_KEY: usize = 6;
/// Shortest stem a case ending may leave.
pub const MIN_STEM: usize = 3;
/// Longest lede shown in a result, in characters.
const LEDE_MAX: usize = 180;

/// Case endings stripped from Cyrillic words, longest first; the first that leaves at least
/// [`MIN_STEM`] letters is stripped.
pub const ENDINGS: &[&str] = &[
    "ього", "ьому", "ові", "еві", "єві", "ого", "ому", "ими", "іми", "ями", "ами", "ий", "ої",
    "ою", "ею", "єю", "ах", "ях", "ів", "їв", "ей", "ам", "ям", "им", "ім", "ом", "ем", "єм", "их",
    "іх", "ую", "юю", "ая", "яя", "а", "я", "у", "ю", "і", "ї", "е", "є", "о", "и", "ь", "й",
];
/// Endings that may instead be part of the stem, with what to strip then: a word ending in one
/// gets a second key. «Харків» is `харк` (like the plural genitive «депутатів» → `депутат`)
/// and `харков` (like «Харкова»); «Буданові» is `будан` (like «Петрові» → `петр`) and `буданов`.
pub const AMBIGUOUS: &[(&str, &str)] = &[
    ("ів", ""),
    ("їв", ""),
    ("ові", "і"),
    ("еві", "і"),
    ("єві", "і"),
];
/// Consonants softened before the ending -і, with the hard one of the other forms: a word that
/// lost -і after one gets a second key with the hard consonant («Ользі» → `ольг`, «Америці» →
/// `америк`, «році» → `рок`).
pub const SOFTENED: &[(char, char)] = &[('з', 'г'), ('ц', 'к'), ('с', 'х')];
/// The ending after which [`SOFTENED`] applies.
pub const SOFTENED_AFTER: &str = "і";
/// Letters stripped once more from the end of a stem (Андрій → андрі → андр, like Андрія).
pub const SOFT_TAIL: &[char] = &['і', 'ї', 'ь', 'й', 'и'];
/// Vowels (to find the last syllable of a stem).
pub const VOWELS: &str = "аеєиіїоуюя";
/// The vowels that alternate in a closed last syllable, each with the letter it is folded
/// to: і, о, е (Львів / Львова, ніч / ночі, Федір / Федора, піч / печі) and ї, є (Київ /
/// Києва). A stem whose last vowel is followed by exactly one consonant gets that vowel
/// folded; a longer cluster keeps it (Зеленськ- and Зелінськ- stay apart). The same letters
/// are folded everywhere in the shard keys and in prefix matching.
pub const FOLD: &[(char, char)] = &[('і', 'о'), ('о', 'о'), ('е', 'о'), ('ї', 'є'), ('є', 'є')];
/// Fleeting vowels, after folding: a stem ending in the first gets it replaced by the second
/// when at least [`MIN_STEM`] letters remain (будинок / будинку, Кравець / Кравця, Стрілець /
/// Стрільця).
pub const FLEETING: &[(&str, &str)] = &[("ок", "к"), ("оц", "ц"), ("ьц", "ц")];

/// Words not indexed (and ignored in queries).
pub const STOP_WORDS: &[&str] = &[
    "але",
    "або",
    "без",
    "би",
    "був",
    "була",
    "були",
    "було",
    "бути",
    "вже",
    "від",
    "він",
    "вона",
    "вони",
    "все",
    "де",
    "для",
    "до",
    "це",
    "ще",
    "що",
    "щоб",
    "як",
    "які",
    "який",
    "яка",
    "та",
    "те",
    "ти",
    "так",
    "також",
    "теж",
    "той",
    "ту",
    "на",
    "не",
    "ні",
    "по",
    "при",
    "про",
    "під",
    "за",
    "зі",
    "із",
    "між",
    "над",
    "мене",
    "нас",
    "них",
    "його",
    "її",
    "їх",
    "ми",
    "ви",
    "чи",
    "ж",
    "же",
    "то",
    "тому",
    "коли",
    "там",
    "тут",
    "а",
    "і",
    "й",
    "в",
    "у",
    "з",
    "о",
    "the",
    "and",
    "of",
    "to",
    "in",
    "on",
    "for",
    "is",
    "was",
    "a",
    "an",
    "at",
    "by",
    "with",
    "that",
    "it",
    "as",
    "be",
    "from",
    "this",
    "are",
    "were",
    "has",
    "have",
    "had",
];

/// Score of a word in an article's title.
const TITLE: u32 = 8;
/// Score of a person named in an article.
const PERSON_IN_ARTICLE: u32 = 6;
/// Score of a word in an article's text, per occurrence, up to [`TEXT_MAX`].
const TEXT: u32 = 1;
const TEXT_MAX: u32 = 5;
/// Score of a person's own name (people rank above articles).
const PERSON_NAME: u32 = 40;
/// Score of a word of a person's role.
const PERSON_ROLE: u32 = 2;

fn is_apostrophe(c: char) -> bool {
    matches!(
        c,
        '\'' | '\u{2019}' | '\u{02bc}' | '\u{2018}' | '`' | '\u{2032}'
    )
}

fn is_mark(c: char) -> bool {
    ('\u{0300}'..='\u{036f}').contains(&c)
}

use crate::nfc::{is_nfc, nfc_anywhere};

/// The words of a text, one after the other: `bytes` holds them all, `ends` where each ends.
#[derive(Default)]
struct WordList {
    bytes: Vec<u8>,
    ends: Vec<usize>,
}

impl WordList {
    fn len(&self) -> usize {
        self.ends.len()
    }

    /// Word `i` (UTF-8: only whole characters are written).
    fn get(&self, i: usize) -> &[u8] {
        let start = match i.checked_sub(1) {
            Some(j) => self.ends[j],
            None => 0,
        };
        &self.bytes[start..self.ends[i]]
    }

    /// Ends the current word, if any.
    #[inline]
    fn end(&mut self) {
        if self.bytes.len() > self.ends.last().copied().unwrap_or(0) {
            self.ends.push(self.bytes.len());
        }
    }

    /// Takes one character of the text, lower-cased already.
    #[inline]
    fn lower(&mut self, c: char) {
        if is_apostrophe(c) || is_mark(c) {
            return;
        }
        let alphanumeric = match c {
            'a'..='z' | '0'..='9' | 'а'..='џ' => true,
            _ if c.is_ascii() => c.is_ascii_alphanumeric(),
            _ => c.is_alphanumeric(),
        };
        if alphanumeric {
            let c = match c {
                'ё' => 'е',
                'ґ' => 'г',
                c => c,
            };
            self.bytes
                .extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
        } else {
            self.end();
        }
    }

    /// Takes one character of the (NFC) text.
    #[inline]
    fn take(&mut self, c: char) {
        match c {
            'A'..='Z' | 'А'..='Я' => self.lower(char::from_u32(c as u32 + 0x20).unwrap_or(c)),
            'Ѐ'..='Џ' => self.lower(char::from_u32(c as u32 + 0x50).unwrap_or(c)),
            _ if c.is_ascii() || ('а'..='џ').contains(&c) => self.lower(c),
            _ => c.to_lowercase().for_each(|c| self.lower(c)),
        }
    }

    /// Reads the normalised words of `text` (see [`words`]), replacing those it held.
    fn read(&mut self, text: &str) {
        use unicode_normalization::UnicodeNormalization;
        self.bytes.clear();
        self.ends.clear();
        if !self.read_fast(text) {
            self.bytes.clear();
            self.ends.clear();
            if is_nfc(text) {
                text.chars().for_each(|c| self.take(c));
            } else {
                text.nfc().for_each(|c| self.take(c));
            }
        }
        self.end();
    }

    /// Reads the normalised words of the text of `html` ([`html_text`]): the same words as
    /// `read(&html_text(html))`, without making the text when it is all [`nfc_anywhere`].
    fn read_html(&mut self, html: &str) {
        self.bytes.clear();
        self.ends.clear();
        if !self.read_fast_html(html) {
            self.read(&html_text(html));
            return;
        }
        self.end();
    }

    /// [`WordList::read_fast`] on the text of `html` ([`html_text`]): tags are skipped (each
    /// `<` ends a word, as the space it becomes), the entities [`html_text`] decodes are taken
    /// as their characters, and characters outside the tags are read as `read_fast` reads
    /// them; false at the first outside a tag that is not [`nfc_anywhere`].
    fn read_fast_html(&mut self, html: &str) -> bool {
        let b = html.as_bytes();
        let mut i = 0;
        while let Some(&x) = b.get(i) {
            let end = self.copy_run(b, i);
            if end > i {
                i = end;
                continue;
            }
            match x {
                b'<' => {
                    // `<`, then up to the first `>` after it, is a space in the text.
                    self.end();
                    match b[i + 1..].iter().position(|&c| c == b'>') {
                        Some(n) => i += n + 2,
                        None => return true,
                    }
                }
                b'&' => {
                    match ENTITIES
                        .iter()
                        .find(|(e, _)| b[i..].starts_with(e.as_bytes()))
                    {
                        Some(&(e, c)) => {
                            // ASCII, and none alphanumeric: an apostrophe is dropped, the
                            // others end the word.
                            self.take(c);
                            i += e.len();
                        }
                        None => {
                            self.end();
                            i += 1;
                        }
                    }
                }
                _ if x < 0x80 => {
                    self.ascii(x);
                    i += 1;
                }
                _ => match self.other(html, i) {
                    Some(n) => i += n,
                    None => return false,
                },
            }
        }
        true
    }

    /// Copies the run of characters at byte `i` of `b` that are their own normalised form
    /// (`a`-`z`, digits, and the lower-case letters U+0430..U+045F but ё); returns where it
    /// ends (`i` if there is none).
    #[inline(always)]
    fn copy_run(&mut self, b: &[u8], mut i: usize) -> usize {
        let start = i;
        while let Some(&x) = b.get(i) {
            let own = match x {
                b'a'..=b'z' | b'0'..=b'9' => 1,
                0xd0 if matches!(b.get(i + 1), Some(0xb0..=0xbf)) => 2,
                0xd1 if matches!(b.get(i + 1), Some(&y) if (0x80..=0x9f).contains(&y) && y != 0x91) => {
                    2
                }
                _ => break,
            };
            i += own;
        }
        if let Some(run) = b.get(start..i) {
            self.bytes.extend_from_slice(run);
        }
        i
    }

    /// Takes ASCII byte `x` (as [`WordList::take`] its character).
    #[inline]
    fn ascii(&mut self, x: u8) {
        match x {
            b'a'..=b'z' | b'0'..=b'9' => self.bytes.push(x),
            b'A'..=b'Z' => self.bytes.push(x + 0x20),
            b'\'' | b'`' => {}
            _ => self.end(),
        }
    }

    /// Takes the (non-ASCII) character at byte `i` of `text` as [`WordList::take`] would,
    /// if it is [`nfc_anywhere`]: how many bytes it has, or None.
    #[inline(always)]
    fn other(&mut self, text: &str, i: usize) -> Option<usize> {
        let b = text.as_bytes();
        // U+0400..U+045F, the letters of Ukrainian but ґ: two bytes, D0 or D1 first.
        let pair: Option<[u8; 2]> = match (b[i], b.get(i + 1).copied().unwrap_or(0)) {
            // Ё, ё → е
            (0xd0, 0x81) | (0xd1, 0x91) => Some([0xd0, 0xb5]),
            // Ѐ..Џ → ѐ..џ
            (0xd0, y @ 0x80..=0x8f) => Some([0xd1, y + 0x10]),
            // А..П → а..п
            (0xd0, y @ 0x90..=0x9f) => Some([0xd0, y + 0x20]),
            // Р..Я → р..я
            (0xd0, y @ 0xa0..=0xaf) => Some([0xd1, y - 0x20]),
            // а..п, р..я, ѐ..џ
            (x @ 0xd0, y @ 0xb0..=0xbf) | (x @ 0xd1, y @ 0x80..=0x9f) => Some([x, y]),
            _ => None,
        };
        if let Some(pair) = pair {
            self.bytes.extend_from_slice(&pair);
            return Some(2);
        }
        let c = text.get(i..).and_then(|t| t.chars().next())?;
        if !nfc_anywhere(c) {
            return None;
        }
        self.take(c);
        Some(c.len_utf8())
    }

    /// Reads `text` as [`WordList::take`] would each of its characters, the ASCII and basic
    /// Cyrillic ones byte by byte, as long as every character is [`nfc_anywhere`] (the text is
    /// then in NFC); false at the first that is not.
    fn read_fast(&mut self, text: &str) -> bool {
        let b = text.as_bytes();
        let mut i = 0;
        while let Some(&x) = b.get(i) {
            let end = self.copy_run(b, i);
            if end > i {
                i = end;
                continue;
            }
            if x < 0x80 {
                self.ascii(x);
                i += 1;
                continue;
            }
            match self.other(text, i) {
                Some(n) => i += n,
                None => return false,
            }
        }
        true
    }
}

/// The normalised words of `text`: NFC, lower case, apostrophes and combining marks dropped
/// (so «п’ять» and «пʼять» are one word), ё → е, ґ → г; words are runs of letters and digits.
pub fn words(text: &str) -> Vec<String> {
    let mut list = WordList::default();
    list.read(text);
    (0..list.len())
        .map(|i| String::from_utf8_lossy(list.get(i)).into_owned())
        .collect()
}

fn is_cyrillic(c: char) -> bool {
    ('\u{0400}'..='\u{04ff}').contains(&c)
}

fn is_vowel(c: char) -> bool {
    VOWELS.contains(c)
}

/// `c` folded per [`FOLD`] (other letters unchanged).
pub fn fold_char(c: char) -> char {
    FOLD.iter()
        .find(|(from, _)| *from == c)
        .map_or(c, |&(_, to)| to)
}

/// `s` with every letter folded per [`FOLD`]: shard keys and prefix matching compare these.
pub fn fold(s: &str) -> String {
    s.chars().map(fold_char).collect()
}

/// Soft tail, folding of the last closed syllable and fleeting vowels (see the constants), on
/// a stem of `n` letters.
fn finish(mut s: String, mut n: usize) -> String {
    if n > MIN_STEM
        && s.chars()
            .next_back()
            .is_some_and(|c| SOFT_TAIL.contains(&c))
    {
        s.pop();
        n -= 1;
    }
    // The last vowel folded when exactly one consonant follows it and a letter precedes it.
    let mut tail = s.char_indices().rev();
    if let (Some((_, last)), Some((i, v))) = (tail.next(), tail.next()) {
        if n >= 3 && !is_vowel(last) && is_vowel(v) {
            let folded = fold_char(v);
            if folded != v {
                s.replace_range(i..i + v.len_utf8(), folded.encode_utf8(&mut [0; 4]));
            }
        }
    }
    for (from, to) in FLEETING {
        let (fl, tl) = (from.chars().count(), to.chars().count());
        if s.ends_with(from) && n - fl + tl >= MIN_STEM {
            s.truncate(s.len() - from.len());
            s.push_str(to);
            break;
        }
    }
    s
}

/// The keys of a normalised word (one, or two or three when its ending is ambiguous), the
/// first being the main one. A Cyrillic word loses its case ending ([`ENDINGS`]; never below
/// [`MIN_STEM`] letters), also the other way for an ending in [`AMBIGUOUS`] and with the hard
/// consonant for one in [`SOFTENED`]; then each stem is finished: a soft tail letter
/// ([`SOFT_TAIL`]) dropped, the vowel of a closed last syllable folded ([`FOLD`]), a fleeting
/// vowel dropped ([`FLEETING`]). Other words are their own key. Two words match when they
/// share a key.
pub fn keys(word: &str) -> Vec<String> {
    if !word.chars().next_back().is_some_and(is_cyrillic) {
        return vec![word.to_string()];
    }
    let n = word.chars().count();
    let ending = word
        .chars()
        .next_back()
        .map(endings_in)
        .unwrap_or_default()
        .iter()
        .find(|&&(e, len)| n >= len + MIN_STEM && word.as_bytes().ends_with(e.as_bytes()))
        .map_or("", |&(e, _)| e);
    // (stem, its letters, the ending it lost)
    let mut stems: Vec<(&str, usize, &str)> = Vec::with_capacity(3);
    let stem = |e: &str| &word[..word.len() - e.len()];
    stems.push((stem(ending), n - ending.chars().count(), ending));
    if let Some(&(_, alt)) = AMBIGUOUS.iter().find(|(e, _)| *e == ending) {
        stems.push((stem(alt), n - alt.chars().count(), alt));
    }
    let mut out: Vec<String> = Vec::with_capacity(stems.len() + 1);
    let mut add = |k: String| {
        if !out.contains(&k) {
            out.push(k);
        }
    };
    let mut hard = Vec::new();
    for &(s, len, e) in &stems {
        add(finish(s.to_string(), len));
        if e != SOFTENED_AFTER {
            continue;
        }
        let last = s.chars().next_back();
        if let Some(&(soft, h)) = SOFTENED.iter().find(|(soft, _)| Some(*soft) == last) {
            let mut t = String::with_capacity(s.len() + 2);
            t.push_str(&s[..s.len() - soft.len_utf8()]);
            t.push(h);
            hard.push(finish(t, len));
        }
    }
    hard.into_iter().for_each(add);
    out
}

/// The main key of a normalised word (see [`keys`]).
pub fn stem(word: &str) -> String {
    keys(word).swap_remove(0)
}

/// The [`ENDINGS`] that end in `c`, in their order, each with its length in characters.
fn endings_in(c: char) -> &'static [(&'static str, usize)] {
    type Table = Vec<(char, Vec<(&'static str, usize)>)>;
    static TABLE: std::sync::OnceLock<Table> = std::sync::OnceLock::new();
    let table = TABLE.get_or_init(|| {
        let mut table: Table = Vec::new();
        for e in ENDINGS {
            let Some(last) = e.chars().next_back() else {
                continue;
            };
            let entry = (*e, e.chars().count());
            match table.iter_mut().find(|(c, _)| *c == last) {
                Some((_, list)) => list.push(entry),
                None => table.push((last, vec![entry])),
            }
        }
        table
    });
    table
        .iter()
        .find(|(last, _)| *last == c)
        .map_or(&[], |(_, list)| list.as_slice())
}

/// The longest stop word, in bytes: a longer word is none.
const STOP_MAX: usize = {
    let mut max = 0;
    let mut i = 0;
    while i < STOP_WORDS.len() {
        if STOP_WORDS[i].len() > max {
            max = STOP_WORDS[i].len();
        }
        i += 1;
    }
    max
};

/// True for words worth indexing: not a stop word, at least two characters.
fn indexable(w: &str) -> bool {
    w.chars().nth(1).is_some() && (w.len() > STOP_MAX || !STOP_WORDS.contains(&w))
}

/// The entities our Markdown renderer writes, with their characters.
const ENTITIES: &[(&str, char)] = &[
    ("&lt;", '<'),
    ("&gt;", '>'),
    ("&quot;", '"'),
    ("&#39;", '\''),
    ("&amp;", '&'),
];

/// The text of rendered HTML: tags dropped (each `<` becomes a space, so no word spans a
/// tag), the entities our Markdown renderer writes decoded (each once: `&amp;lt;` is `&lt;`).
pub fn html_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    // Runs of text are copied whole: `<`, `>` and `&` are ASCII, so every cut is a char boundary.
    let mut from = 0;
    let bytes = html.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'<' => {
                if !in_tag {
                    out.push_str(&html[from..i]);
                }
                in_tag = true;
                out.push(' ');
                from = i + 1;
            }
            b'>' if in_tag => {
                in_tag = false;
                from = i + 1;
            }
            b'&' if !in_tag => {
                if let Some(&(e, c)) = ENTITIES.iter().find(|(e, _)| html[i..].starts_with(e)) {
                    out.push_str(&html[from..i]);
                    out.push(c);
                    i += e.len();
                    from = i;
                    continue;
                }
            }
            _ => {}
        }
        i += 1;
    }
    if !in_tag {
        out.push_str(&html[from..]);
    }
    out
}

/// An article as the index sees it.
#[derive(Debug, Clone, Default)]
pub struct ArticleDoc<'a> {
    /// Title, people and lede are borrowed from the site model when the documents are the
    /// site's ([`documents`]), so listing 10,000 articles copies none of their text.
    pub title: Cow<'a, str>,
    /// From the site root, e.g. `2026/01/07/slug/index.html`.
    pub url: String,
    pub date_text: String,
    pub people: Vec<Cow<'a, str>>,
    pub lede: Cow<'a, str>,
    /// The body, borrowed from the site model: its HTML is read and its text ([`html_text`])
    /// taken while the article is indexed, so the texts of all articles are never in memory
    /// at once. A body that cannot be read is indexed as empty: its page fails to render,
    /// which reports the error.
    pub body: Option<&'a crate::site::Body>,
    /// The digest of the article's file (`Article::digest`): title, lede and body are
    /// functions of it, so the terms they give are cached by it ([`cache`]). None: not cached.
    pub digest: Option<crate::hash::Digest>,
}

/// A person as the index sees it.
#[derive(Debug, Clone, Default)]
pub struct PersonDoc {
    pub name: String,
    /// Other spellings merged into the person.
    pub forms: Vec<String>,
    pub url: String,
    pub count: usize,
    pub role: String,
}

/// A JSON string literal, with `<`, `>` and `&` written as `\u003c`… (the script shows text
/// with `textContent` only; this keeps even the index files free of markup).
fn js(s: &str) -> String {
    serde_json::to_string(s)
        .unwrap_or_else(|_| "\"\"".into())
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// The path of the shard of `key`: its characters' code points in hex, joined by `-`.
fn shard_file(key: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut path = String::with_capacity(14 + key.len() * 4);
    path.push_str("search/t/");
    for (k, c) in key.chars().enumerate() {
        if k > 0 {
            path.push('-');
        }
        let n = c as u32;
        let digits = (32 - n.leading_zeros()).div_ceil(4).max(1);
        for d in (0..digits).rev() {
            path.push(char::from(HEX[(n >> (4 * d) & 15) as usize]));
        }
    }
    path.push_str(".json");
    path
}

fn truncate_chars(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", s[..i].trim_end()),
        None => s.to_string(),
    }
}

/// The manifest `search/index.json`.
#[derive(Serialize)]
struct Manifest<'a> {
    v: u32,
    docs: usize,
    articles: usize,
    chunk: usize,
    min_stem: usize,
    endings: &'a [&'a str],
    ambiguous: &'a [(&'a str, &'a str)],
    softened: Vec<(String, String)>,
    softened_after: &'a str,
    soft_tail: String,
    vowels: &'a str,
    fold: Vec<(String, String)>,
    fleeting: &'a [(&'a str, &'a str)],
    stop: &'a [&'a str],
    shards: Vec<String>,
}

fn pairs(p: &[(char, char)]) -> Vec<(String, String)> {
    p.iter()
        .map(|&(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

/// A shard as [`shard`] makes it: its key (the folded prefix of its terms), its terms (indices)
/// and whether it is the *own* group of a node that split (the terms that end at its prefix)
/// rather than a node small or deep enough to be one shard.
pub(crate) struct ShardOf {
    pub key: String,
    pub idx: Vec<usize>,
    pub own: bool,
}

/// Splits terms (`(stem, length of its JSON)`, sorted by stem) into shards of at most
/// [`SHARD_BUDGET`] bytes by common prefix of the folded stems ([`fold`]); returns the shards
/// and the nodes that split below the root (folded prefix, total size of their terms: each
/// term's length plus one), which decide the partition together with the shards' sizes.
fn shard(terms: &[(&str, usize)]) -> (Vec<ShardOf>, Vec<(String, u64)>) {
    /// A term's first [`MAX_KEY`] letters, folded (`None` past its end), and its size.
    type Term = ([Option<char>; MAX_KEY], usize);
    struct Out {
        shards: Vec<ShardOf>,
        split: Vec<(String, u64)>,
    }
    fn go(terms: &[Term], idx: Vec<usize>, depth: usize, prefix: &[char], out: &mut Out) {
        let size: usize = idx.iter().map(|&i| terms[i].1 + 1).sum();
        if depth > 0 && (size <= SHARD_BUDGET || depth >= MAX_KEY) {
            out.shards.push(ShardOf {
                key: prefix.iter().collect(),
                idx,
                own: false,
            });
            return;
        }
        if depth > 0 {
            out.split.push((prefix.iter().collect(), size as u64));
        }
        let mut own = Vec::new();
        let mut groups: BTreeMap<char, Vec<usize>> = BTreeMap::new();
        for i in idx {
            match terms[i].0.get(depth).copied().flatten() {
                Some(c) => groups.entry(c).or_default().push(i),
                None => own.push(i),
            }
        }
        if !own.is_empty() {
            out.shards.push(ShardOf {
                key: prefix.iter().collect(),
                idx: own,
                own: true,
            });
        }
        for (c, g) in groups {
            let mut p = prefix.to_vec();
            p.push(c);
            go(terms, g, depth + 1, &p, out);
        }
    }
    let folded: Vec<Term> = terms
        .iter()
        .map(|&(stem, size)| {
            let mut key = [None; MAX_KEY];
            for (k, c) in key.iter_mut().zip(stem.chars()) {
                *k = Some(fold_char(c));
            }
            (key, size)
        })
        .collect();
    let mut out = Out {
        shards: Vec::new(),
        split: Vec::new(),
    };
    go(&folded, (0..terms.len()).collect(), 0, &[], &mut out);
    (out.shards, out.split)
}

/// The keys of a word as stem ids (at most [`MAX_KEYS`]).
#[derive(Clone, Copy, Default)]
struct Ids {
    len: u8,
    ids: [u32; MAX_KEYS],
}

impl Ids {
    fn get(&self) -> &[u32] {
        &self.ids[..self.len as usize]
    }
}

/// Most keys a word has ([`keys`]: the main stem, the other reading of an ambiguous ending,
/// and the hard consonant of one of them).
const MAX_KEYS: usize = 3;

/// Longest word, in bytes, that [`WordTable`] keeps in its slots itself.
const SHORT: usize = 24;

/// A word of up to [`SHORT`] bytes, padded with zeros (a word has no NUL, so none is empty).
type Key = [u8; SHORT];

/// `w` as a key, if it is short enough.
#[inline]
fn key_of(w: &[u8]) -> Option<Key> {
    let mut k = [0; SHORT];
    k.get_mut(..w.len())?.copy_from_slice(w);
    Some(k)
}

/// A hash of a key (multiply and rotate per 8 bytes; a table takes its top bits).
#[inline]
fn key_hash(k: &Key) -> u64 {
    const K: u64 = 0xf135_7aea_2e62_a9c5;
    let mut h = 0u64;
    for w in k.chunks_exact(8) {
        let mut b = [0; 8];
        b.copy_from_slice(w);
        h = (h ^ u64::from_le_bytes(b)).wrapping_mul(K).rotate_left(26);
    }
    h.wrapping_mul(K)
}

/// A slot of [`WordTable`]: a word and its stem ids ([`WordTable::pack`]); an empty slot's
/// key is all zeros. Half a cache line, aligned: a look-up reads one line.
#[derive(Clone, Copy)]
#[repr(C, align(32))]
struct Slot {
    key: Key,
    ids: u64,
}

const EMPTY: Slot = Slot {
    key: [0; SHORT],
    ids: 0,
};

/// No stem id (in [`WordTable::pack`]).
const NO_ID: u32 = u32::MAX;

/// The stem ids of the short words a thread has met: open addressing, linear probing, the
/// words in the slots themselves so that a look-up reads one cache line (the table is many
/// megabytes on a large site, and look-ups were most of the time of finding terms).
#[derive(Default)]
struct WordTable {
    slots: Vec<Slot>,
    len: usize,
    /// Ids of words with other than one id below [`NO_ID`].
    extra: Vec<Ids>,
}

impl WordTable {
    /// Where the probe for a key of hash `h` starts.
    #[inline]
    fn start(&self, h: u64) -> usize {
        // The length is a power of two; the top bits of the hash are the best mixed.
        let bits = self.slots.len().trailing_zeros();
        if bits == 0 {
            0
        } else {
            (h >> (64 - bits)) as usize
        }
    }

    /// The packed ids of `key` (of hash `h`), if it is in the table.
    #[inline]
    fn find(&self, key: &Key, h: u64) -> Option<u64> {
        let mask = self.slots.len().checked_sub(1)?;
        let mut i = self.start(h);
        loop {
            let s = &self.slots[i];
            if s.key == *key {
                return Some(s.ids);
            }
            if s.key[0] == 0 {
                return None;
            }
            i = (i + 1) & mask;
        }
    }

    /// Reads the slot where the probe for each hash starts, so that the look-ups after find
    /// them in the cache: these reads depend on nothing but the hashes, so they are all under
    /// way at once where the look-ups' would wait for each other.
    fn touch(&self, hashes: impl Iterator<Item = u64>) {
        if self.slots.is_empty() {
            return;
        }
        let mut sum = 0u64;
        for h in hashes {
            sum = sum.wrapping_add(self.slots[self.start(h)].ids);
        }
        std::hint::black_box(sum);
    }

    /// Ids packed in a slot: one id below [`NO_ID`] as itself, none as [`NO_ID`], more (or
    /// [`NO_ID`] itself) as their place in `extra`, plus one, in the high half.
    fn pack(&mut self, ids: Ids) -> Option<u64> {
        match ids.get() {
            [] => Some(u64::from(NO_ID)),
            &[id] if id != NO_ID => Some(u64::from(id)),
            _ => {
                let n = u32::try_from(self.extra.len() + 1).ok()?;
                self.extra.push(ids);
                Some(u64::from(n) << 32)
            }
        }
    }

    fn unpack(&self, packed: u64) -> Ids {
        let (hi, lo) = ((packed >> 32) as u32, packed as u32);
        if hi != 0 {
            return self.extra.get(hi as usize - 1).copied().unwrap_or_default();
        }
        let mut ids = Ids::default();
        if lo != NO_ID {
            ids.ids[0] = lo;
            ids.len = 1;
        }
        ids
    }

    /// Adds `key` (not in the table) with `ids`; false if they cannot be packed.
    fn insert(&mut self, key: Key, h: u64, ids: Ids) -> bool {
        let Some(packed) = self.pack(ids) else {
            return false;
        };
        if (self.len + 1) * 4 > self.slots.len() * 3 {
            self.grow();
        }
        let mask = self.slots.len() - 1;
        let mut i = self.start(h);
        while self.slots[i].key[0] != 0 {
            i = (i + 1) & mask;
        }
        self.slots[i] = Slot { key, ids: packed };
        self.len += 1;
        true
    }

    /// Doubles the slots (at least 1024).
    fn grow(&mut self) {
        let n = (self.slots.len() * 2).max(1024);
        let old = std::mem::replace(&mut self.slots, vec![EMPTY; n]);
        let mask = n - 1;
        for s in old.into_iter().filter(|s| s.key[0] != 0) {
            let mut i = self.start(key_hash(&s.key));
            while self.slots[i].key[0] != 0 {
                i = (i + 1) & mask;
            }
            self.slots[i] = s;
        }
    }
}

/// Stem ids: a cache's stems are ids `0..dict.len()` (the first [`Dict::sorted_len`] in
/// their sorted order), stems met besides get the next ids as they are first seen.
struct Stems<'a> {
    dict: &'a Dict,
    /// The stems not in the dictionary's sorted part: its others, then the new ones.
    new: Mutex<FxHashMap<Box<str>, u32>>,
}

impl Stems<'_> {
    /// The id of `stem`.
    fn id(&self, stem: &str) -> u32 {
        if let Some(id) = self.dict.find(stem) {
            return id;
        }
        let mut new = self.new.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(&id) = new.get(stem) {
            return id;
        }
        let id = (self.dict.sorted_len() + new.len()) as u32;
        new.insert(stem.into(), id);
        id
    }
}

/// One thread's memory while finding documents' terms: the stem ids of each word it has met
/// (so [`keys`] and the look-up of the stems run once per distinct word), and the scores of
/// the document at hand.
#[derive(Default)]
struct Terms {
    /// Words of up to [`SHORT`] bytes…
    short: WordTable,
    /// …and longer words (or the few whose ids the table cannot pack).
    long: FxHashMap<Box<str>, Ids>,
    /// Stem id → score in the current document (0: not in it; a term scores at least 1),
    /// grown as ids come.
    scores: Vec<u32>,
    /// The stem ids of the current document, as first scored.
    doc: Vec<u32>,
    /// The words of the text at hand.
    words: WordList,
    /// Per word of the text at hand: its packed ids in `short`, if it is there.
    found: Vec<Option<u64>>,
    /// Per word of the text at hand: its key and hash, if it is short.
    keyed: Vec<Option<(Key, u64)>>,
}

impl Terms {
    /// The stem ids of normalised word `w` (none for a word not indexed).
    fn ids(&mut self, stems: &Stems, w: &str) -> Ids {
        let key = key_of(w.as_bytes()).map(|k| (k, key_hash(&k)));
        if let Some((k, h)) = &key {
            if let Some(packed) = self.short.find(k, *h) {
                return self.short.unpack(packed);
            }
        }
        if let Some(&ids) = self.long.get(w) {
            return ids;
        }
        let mut ids = Ids::default();
        if indexable(w) {
            for (k, slot) in keys(w).iter().zip(&mut ids.ids) {
                *slot = stems.id(k);
                ids.len += 1;
            }
        }
        if !key.is_some_and(|(k, h)| self.short.insert(k, h, ids)) {
            self.long.insert(w.into(), ids);
        }
        ids
    }

    /// Adds the words of `text` to the current document, each key `score` more, up to `cap`
    /// (a key already above `cap` keeps its score).
    fn add(&mut self, stems: &Stems, text: &str, score: u32, cap: u32) {
        let mut words = std::mem::take(&mut self.words);
        words.read(text);
        self.score(stems, words, score, cap);
    }

    /// [`Terms::add`] on the text of rendered HTML ([`html_text`]), read without making it.
    fn add_html(&mut self, stems: &Stems, html: &str, score: u32, cap: u32) {
        let mut words = std::mem::take(&mut self.words);
        words.read_html(html);
        self.score(stems, words, score, cap);
    }

    /// Adds `words` to the current document (see [`Terms::add`]) and keeps them as scratch.
    fn score(&mut self, stems: &Stems, words: WordList, score: u32, cap: u32) {
        let mut found = std::mem::take(&mut self.found);
        // The words' keys and hashes first, then a read of each one's slot with nothing else in
        // the loop (the reads, mostly cache misses, overlap), then the look-ups themselves.
        let mut keyed = std::mem::take(&mut self.keyed);
        keyed.clear();
        keyed.extend((0..words.len()).map(|i| key_of(words.get(i)).map(|k| (k, key_hash(&k)))));
        self.short.touch(keyed.iter().flatten().map(|&(_, h)| h));
        found.clear();
        found.extend(keyed.iter().map(|k| {
            let (k, h) = k.as_ref()?;
            self.short.find(k, *h)
        }));
        self.keyed = keyed;
        for (i, packed) in found.iter().enumerate() {
            let ids = match *packed {
                Some(packed) => self.short.unpack(packed),
                None => {
                    let w = std::str::from_utf8(words.get(i)).unwrap_or_default();
                    self.ids(stems, w)
                }
            };
            for &id in ids.get() {
                let i = id as usize;
                if i >= self.scores.len() {
                    self.scores.resize((i + 1).next_power_of_two().max(1024), 0);
                }
                let e = &mut self.scores[i];
                if *e == 0 {
                    self.doc.push(id);
                }
                *e = (*e + score).min(cap.max(*e));
            }
        }
        self.words = words;
        self.found = found;
    }

    /// The current document's (stem id, score) pairs; starts the next document.
    fn take(&mut self) -> Vec<(u32, u32)> {
        let scores = &mut self.scores;
        self.doc
            .drain(..)
            .map(|id| (id, std::mem::take(&mut scores[id as usize])))
            .collect()
    }
}

/// `s` as a JSON string literal (as [`js`] writes it), appended to `out`.
fn push_js(out: &mut Vec<u8>, s: &str) {
    if s.bytes()
        .all(|b| b >= 0x20 && !matches!(b, b'"' | b'\\' | b'<' | b'>' | b'&' | 0x7f))
    {
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
    } else {
        out.extend_from_slice(js(s).as_bytes());
    }
}

/// A stem's first bytes as a number that orders like the stem (zero-padded, big-endian):
/// sorting compares these first and the stems only when they are equal.
fn sort_prefix(s: &str) -> u128 {
    let mut b = [0; 16];
    let n = s.len().min(16);
    b[..n].copy_from_slice(&s.as_bytes()[..n]);
    u128::from_be_bytes(b)
}

/// A document's terms as first found.
enum Found {
    /// All its terms.
    Terms(Vec<(u32, u32)>),
    /// An article's own terms (lede, body, title: by ascending stem id), found now to cache
    /// (`fresh`) or decoded from the cache, and the terms of the people it names, to add on
    /// top. A cached record is decoded once, here: both passes over the postings read it.
    Own {
        own: cache::Terms,
        people: Vec<(u32, u32)>,
        fresh: bool,
    },
}

impl Found {
    /// All the document's (stem id, score) pairs: its own (by ascending stem id, so that the
    /// passes over the postings read the terms' memory in order) with its people's added on
    /// top (in `buf` when there are any).
    fn terms<'a>(&'a self, buf: &'a mut cache::Terms) -> &'a [(u32, u32)] {
        let (own, people) = match self {
            Found::Terms(terms) => return terms,
            Found::Own { own, people, .. } if people.is_empty() => return own,
            Found::Own { own, people, .. } => (own, people),
        };
        buf.clear();
        buf.extend_from_slice(own);
        for &(id, score) in people {
            match own.binary_search_by_key(&id, |&(i, _)| i) {
                Ok(k) => buf[k].1 += score,
                Err(_) => buf.push((id, score)),
            }
        }
        buf
    }
}

/// How many decimal digits `n` has.
#[inline]
fn digits(n: u32) -> usize {
    match n {
        0..=9 => 1,
        10..=99 => 2,
        100..=999 => 3,
        1000..=9999 => 4,
        10_000..=99_999 => 5,
        100_000..=999_999 => 6,
        1_000_000..=9_999_999 => 7,
        10_000_000..=99_999_999 => 8,
        100_000_000..=999_999_999 => 9,
        _ => 10,
    }
}

/// Writes `n` in decimal at `buf[at..]` (which has room for it); returns where it ends.
#[inline]
fn put_u32(buf: &mut [u8], at: usize, mut n: u32) -> usize {
    let end = at + digits(n);
    for b in buf[at..end].iter_mut().rev() {
        *b = b'0' + (n % 10) as u8;
        n /= 10;
    }
    end
}

/// A 64-bit mix of a posting (doc, score), per lane (splitmix64's finaliser on a seeded
/// input).
#[inline]
fn mix(doc: u32, score: u32, seed: u64) -> u64 {
    let mut z = ((u64::from(doc) << 32) | u64::from(score)) ^ seed;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A check of a document's terms, whatever their order: per lane, the sum over its terms of a
/// mix of the stem's hash ([`TermsCheck::stem_hash`]) and the score (a document has each stem
/// once). The state keeps each article's, so that terms found again for it (from the cache
/// and its people) are used only if they are the ones its postings were made of.
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct TermsCheck(pub [u64; 2]);

impl TermsCheck {
    /// The hash of a stem the check mixes.
    pub fn stem_hash(stem: &str) -> u64 {
        xxhash_rust::xxh3::xxh3_64(stem.as_bytes())
    }

    /// Adds a term: its stem's hash and its score.
    #[inline]
    pub fn add(&mut self, stem_hash: u64, score: u32) {
        let lo = stem_hash as u32;
        let hi = (stem_hash >> 32) as u32;
        for (lane, seed) in [0x9e37_79b9_7f4a_7c15u64, 0xd6e8_feb8_6659_fd93]
            .into_iter()
            .enumerate()
        {
            let m = mix(lo, score, seed) ^ mix(hi, score, seed.rotate_left(17));
            self.0[lane] = self.0[lane].wrapping_add(mix(m as u32, (m >> 32) as u32, seed));
        }
    }

    /// The check of `terms` (stem, score).
    pub fn of<'a>(terms: impl IntoIterator<Item = (&'a str, u32)>) -> TermsCheck {
        let mut c = TermsCheck::default();
        for (stem, score) in terms {
            c.add(TermsCheck::stem_hash(stem), score);
        }
        c
    }
}

/// What the first pass over the postings learns of a term: the length of its postings' JSON
/// (`doc,score,doc,score…`, docs delta-coded: 0 when it has none), its last document, and a
/// 128-bit digest of its postings (a sum over them of two mixes; the postings of a term are
/// a set, as a document scores each term once, in document order).
#[derive(Clone, Copy, Default)]
struct TermStat {
    len: u32,
    last: u32,
    sum: [u64; 2],
}

impl TermStat {
    /// The stat of `postings` (by ascending document) written as `len` bytes.
    fn of_written(postings: &[(u32, u32)], len: usize) -> TermStat {
        let mut st = TermStat {
            len: len as u32,
            last: postings.last().map_or(0, |&(d, _)| d),
            sum: [0; 2],
        };
        for &(doc, score) in postings {
            st.sum[0] = st.sum[0].wrapping_add(mix(doc, score, 0x9e37_79b9_7f4a_7c15));
            st.sum[1] = st.sum[1].wrapping_add(mix(doc, score, 0xd6e8_feb8_6659_fd93));
        }
        st
    }

    #[inline]
    fn add(&mut self, doc: u32, score: u32) {
        let (delta, comma) = if self.len == 0 {
            (doc, 0)
        } else {
            (doc - self.last, 1)
        };
        self.len += (comma + digits(delta) + 1 + digits(score)) as u32;
        self.last = doc;
        self.sum[0] = self.sum[0].wrapping_add(mix(doc, score, 0x9e37_79b9_7f4a_7c15));
        self.sum[1] = self.sum[1].wrapping_add(mix(doc, score, 0xd6e8_feb8_6659_fd93));
    }
}

/// Where the second pass writes a term's next posting: its shard's buffer, the offset in it,
/// and the last document written ([`NO_DOC`] before the first).
#[derive(Clone, Copy)]
struct Cursor {
    buf: u32,
    at: u32,
    last: u32,
}

/// No buffer (a term of a shard not made), or no document yet.
const NONE: u32 = u32::MAX;
const NO_DOC: u32 = u32::MAX;

/// The length of `s` as a JSON string literal ([`push_js`]).
fn js_len(s: &str) -> usize {
    if s.bytes()
        .all(|b| b >= 0x20 && !matches!(b, b'"' | b'\\' | b'<' | b'>' | b'&' | 0x7f))
    {
        s.len() + 2
    } else {
        js(s).len()
    }
}

/// What a keyed build (one writing to an output folder) knows of its previous output: every
/// index file gets a *key* (a digest of the fingerprint of the templates and binary, its path
/// and its content, or of what its content is made of: for a shard each term's stem, length
/// and digest of postings, for a document chunk its documents' fields), and `keep` keeps the
/// previous build's file at a path if it was recorded with that key, so the file is not made
/// at all.
pub struct Previous<'a, P> {
    pub fingerprint: &'a [u8],
    pub keep: &'a (dyn Fn(&str, &str) -> Option<P> + Sync),
}

/// A file of the index: kept from the previous build, or made now (with its key, in a keyed
/// build).
pub enum Piece<P> {
    Kept(P),
    Made(OutputFile, Option<String>),
}

/// The key of an index file: a digest ([`crate::hash`], hex) of the fingerprint, the path and
/// `content` (its bytes, or what they are made of, each kind under its own tag).
fn file_key(fingerprint: &[u8], path: &str, content: impl FnOnce(&mut KeyBytes)) -> String {
    let mut h = KeyBytes(Vec::with_capacity(256));
    h.update(b"litopys-search-file-2\0");
    h.update((fingerprint.len() as u64).to_le_bytes());
    h.update(fingerprint);
    h.update((path.len() as u64).to_le_bytes());
    h.update(path.as_bytes());
    content(&mut h);
    crate::hash::hex(&crate::hash::digest(&h.0))
}

/// What a file key is made of, gathered in one buffer and hashed in one call (the digest a
/// [`crate::hash::Hasher`] fed the same pieces gives, without its buffer growing from nothing).
struct KeyBytes(Vec<u8>);

impl KeyBytes {
    fn update(&mut self, bytes: impl AsRef<[u8]>) {
        self.0.extend_from_slice(bytes.as_ref());
    }
}

/// `file` as a piece: kept when the previous build left it with the same bytes (same key).
fn piece<P>(file: OutputFile, prev: Option<&Previous<P>>) -> Piece<P> {
    match prev {
        None => Piece::Made(file, None),
        Some(prev) => {
            let key = file_key(prev.fingerprint, &file.path, |h| {
                h.update(b"bytes\0");
                h.update(&file.bytes);
            });
            match (prev.keep)(&file.path, &key) {
                Some(p) => Piece::Kept(p),
                None => Piece::Made(file, Some(key)),
            }
        }
    }
}

/// One document, borrowed.
#[derive(Clone, Copy)]
enum Doc<'x, 'a> {
    Article(&'x ArticleDoc<'a>),
    Person(&'x PersonDoc),
    /// Past the end.
    None,
}

impl<'x, 'a> Doc<'x, 'a> {
    /// Document `d` of `articles` and then the slots of `people` ([`Slots`]; none for an
    /// empty slot).
    fn of(
        articles: &'x [ArticleDoc<'a>],
        (people, slots): (&'x [PersonDoc], &Slots),
        d: usize,
    ) -> Doc<'x, 'a> {
        match articles.get(d) {
            Some(a) => Doc::Article(a),
            None => slots
                .person_of(articles.len(), d)
                .and_then(|p| people.get(p))
                .map_or(Doc::None, Doc::Person),
        }
    }
}

/// The documents an index is made of: given as lists ([`index_files`], tests), or a site's,
/// each made only when asked for, so that an update that indexes a few documents and writes a
/// few chunks does not make the others ([`documents`] makes them all).
/// The people's documents are in `slots` ([`Slots`], of the people in their order).
#[derive(Clone, Copy)]
pub enum Docs<'a> {
    Given {
        articles: &'a [ArticleDoc<'a>],
        people: &'a [PersonDoc],
        slots: &'a Slots,
    },
    Site(&'a Site, &'a Slots),
}

/// Owned or borrowed documents.
type DocList<'a, T> = Cow<'a, [T]>;

impl<'a> Docs<'a> {
    /// How many articles.
    pub fn articles(&self) -> usize {
        match self {
            Docs::Given { articles, .. } => articles.len(),
            Docs::Site(site, _) => site.articles.len(),
        }
    }

    /// The people's slots.
    pub fn slots(&self) -> &'a Slots {
        match *self {
            Docs::Given { slots, .. } | Docs::Site(_, slots) => slots,
        }
    }

    /// The document number of the first person's slot ([`slots::start`]).
    pub fn people_start(&self) -> usize {
        slots::start(self.articles(), self.slots())
    }

    /// How many documents (articles, empty ones up to [`Docs::people_start`], then the people's
    /// slots, some of them empty).
    pub fn len(&self) -> usize {
        self.people_start() + self.slots().capacity()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Article `i`.
    pub fn article(&self, i: usize) -> Option<Cow<'a, ArticleDoc<'a>>> {
        match *self {
            Docs::Given { articles, .. } => articles.get(i).map(Cow::Borrowed),
            Docs::Site(site, _) => site_article(site, i).map(|a| Cow::Owned(article_doc(site, a))),
        }
    }

    /// The person whose document is document `d` ([`Slots::person_of`]), if any.
    pub fn person(&self, d: usize) -> Option<Cow<'a, PersonDoc>> {
        let p = self.slots().person_of(self.articles(), d)?;
        match *self {
            Docs::Given { people, .. } => people.get(p).map(Cow::Borrowed),
            Docs::Site(site, _) => site.people.get(p).map(|p| Cow::Owned(person_doc(p))),
        }
    }

    /// The digest article `i`'s terms are cached by ([`ArticleDoc::digest`]).
    pub fn digest(&self, i: usize) -> Option<crate::hash::Digest> {
        match self {
            Docs::Given { articles, .. } => articles.get(i).and_then(|a| a.digest),
            Docs::Site(site, _) => site_article(site, i).map(|a| a.digest),
        }
    }

    /// The digests of the articles that have one, in order.
    pub fn digests(&self) -> impl Iterator<Item = crate::hash::Digest> + '_ {
        (0..self.articles()).filter_map(|i| self.digest(i))
    }

    /// All the documents (a site's made now).
    pub fn all(&self) -> (DocList<'a, ArticleDoc<'a>>, DocList<'a, PersonDoc>) {
        match *self {
            Docs::Given {
                articles, people, ..
            } => (Cow::Borrowed(articles), Cow::Borrowed(people)),
            Docs::Site(site, _) => {
                let (articles, people) = documents(site);
                (Cow::Owned(articles), Cow::Owned(people))
            }
        }
    }

    /// The digests of the documents ([`DocKeys`]): a site's from what its model has at hand
    /// ([`DocKeys::of_site`]), without making the documents.
    pub fn keys(&self) -> DocKeys {
        match self {
            Docs::Given {
                articles,
                people,
                slots,
            } => DocKeys::new(articles, people, slots),
            Docs::Site(site, slots) => DocKeys::of_site(site, slots),
        }
    }
}

/// The terms of document `doc`, found with thread memory `t`; an article's own terms come
/// from `cache` when it has them, and are kept apart (to cache: [`Found::Own`]) when found
/// now if `apart`.
fn find_doc(
    t: &mut Terms,
    stems: &Stems,
    (cache, apart): (Option<&TermsCache>, bool),
    doc: Doc,
) -> Found {
    if let Doc::Article(a) = doc {
        // Its own terms from the cache, if they are there and decode; else found now.
        let mut own = cache::Terms::new();
        let cached = match (cache, &a.digest) {
            (Some(c), Some(digest)) => c.terms_into(digest, &mut own),
            _ => false,
        };
        if cached {
            for p in &a.people {
                t.add(stems, p, PERSON_IN_ARTICLE, u32::MAX);
            }
            return Found::Own {
                own,
                people: t.take(),
                fresh: false,
            };
        }
        // Text first, capped; title and people on top.
        t.add(stems, &a.lede, TEXT, TEXT_MAX);
        let body = a.body.map(crate::site::Body::html);
        if let Some(Ok(html)) = &body {
            t.add_html(stems, html, TEXT, TEXT_MAX);
        }
        t.add(stems, &a.title, TITLE, u32::MAX);
        // Cached only when the body was read (an unreadable one counts as empty).
        if apart && a.digest.is_some() && matches!(body, Some(Ok(_))) {
            let mut own = t.take();
            own.sort_unstable_by_key(|&(id, _)| id);
            for p in &a.people {
                t.add(stems, p, PERSON_IN_ARTICLE, u32::MAX);
            }
            Found::Own {
                own,
                people: t.take(),
                fresh: true,
            }
        } else {
            for p in &a.people {
                t.add(stems, p, PERSON_IN_ARTICLE, u32::MAX);
            }
            Found::Terms(t.take())
        }
    } else if let Doc::Person(p) = doc {
        t.add(stems, &p.role, PERSON_ROLE, PERSON_ROLE);
        t.add(stems, &p.name, PERSON_NAME, PERSON_NAME);
        for f in &p.forms {
            t.add(stems, f, PERSON_NAME, PERSON_NAME);
        }
        Found::Terms(t.take())
    } else {
        Found::Terms(Vec::new())
    }
}

/// Builds the index files (everything under `search/` but the page).
pub fn index_files(articles: &[ArticleDoc], people: &[PersonDoc]) -> Vec<OutputFile> {
    index_files_cached(articles, people, None)
}

/// [`index_files`] through a cache of articles' terms ([`cache`]): the terms of an article
/// whose digest is cached are not found again, and the cache is updated. The files are the
/// same as [`index_files`] gives.
pub fn index_files_cached(
    articles: &[ArticleDoc],
    people: &[PersonDoc],
    cache: Option<TermsCache>,
) -> Vec<OutputFile> {
    index_pieces::<()>(articles, people, cache, None)
        .into_iter()
        .filter_map(|p| match p {
            Piece::Made(f, _) => Some(f),
            Piece::Kept(()) => None,
        })
        .collect()
}

/// [`index_files_cached`], each file as a [`Piece`]: with `prev`, the files the previous
/// build left as they would be made now are kept (shards are not even assembled).
pub fn index_pieces<P: Send>(
    articles: &[ArticleDoc],
    people: &[PersonDoc],
    cache: Option<TermsCache>,
    prev: Option<&Previous<P>>,
) -> Vec<Piece<P>> {
    let slots = Slots::of(people.iter().map(|p| p.name.as_str()));
    let keys = prev.map(|_| DocKeys::new(articles, people, &slots));
    full_pieces(articles, (people, &slots), cache, prev, keys.as_ref(), None).0
}

/// [`index_pieces`] the whole way (every document's terms found or decoded from `cache`),
/// with the documents' digests `keys` (needed with `prev`); with `group` (the key of the
/// index's group of files) also the [`State`] a later build updates the index from.
fn full_pieces<P: Send>(
    articles: &[ArticleDoc],
    (people, slots): (&[PersonDoc], &Slots),
    cache: Option<TermsCache>,
    prev: Option<&Previous<P>>,
    keys: Option<&DocKeys>,
    group: Option<&str>,
) -> (Vec<Piece<P>>, Option<State>) {
    use rayon::prelude::*;
    // Each document's terms, in parallel (a document's scores depend on it alone), each thread
    // with its own memory of the words it has met; stems get ids as they are first seen (a
    // cache's stems have theirs already).
    let no_dict = Dict::default();
    let dict = cache.as_ref().map_or(&no_dict, TermsCache::dict);
    let stems = Stems {
        dict,
        new: Mutex::new(dict.unsorted().collect()),
    };
    let threads: Vec<Mutex<Terms>> = (0..rayon::current_num_threads().max(1))
        .map(|_| Mutex::default())
        .collect();
    // Each document's terms, in parallel; for a cached article its own are decoded from the
    // cache and those of the people it names found.
    let docs = slots::start(articles.len(), slots) + slots.capacity();
    let find = |d: usize| -> Found {
        let thread = rayon::current_thread_index().unwrap_or(0) % threads.len();
        let mut guard = threads[thread]
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        find_doc(
            &mut guard,
            &stems,
            (cache.as_ref(), cache.is_some()),
            Doc::of(articles, (people, slots), d),
        )
    };
    let found: Vec<Found> = (0..docs).into_par_iter().map(find).collect();
    drop(threads);
    // The stems sorted: the new ones sorted, then merged with the cache's (sorted already);
    // `place` is each stem id's place among them.
    let dict = stems.dict;
    let sorted = dict.sorted_len();
    let new = stems
        .new
        .into_inner()
        .unwrap_or_else(PoisonError::into_inner);
    let mut new: Vec<(u128, Box<str>, u32)> = new
        .into_iter()
        .map(|(s, id)| (sort_prefix(&s), s, id))
        .collect();
    new.par_sort_unstable_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
    let total = sorted + new.len();
    let mut place = vec![0u32; total];
    let mut names: Vec<&str> = Vec::with_capacity(total);
    let mut from_dict = 0;
    for (_, s, id) in &new {
        while from_dict < sorted && dict.get(from_dict) < &**s {
            place[from_dict] = names.len() as u32;
            names.push(dict.get(from_dict));
            from_dict += 1;
        }
        place[*id as usize] = names.len() as u32;
        names.push(s);
    }
    while from_dict < sorted {
        place[from_dict] = names.len() as u32;
        names.push(dict.get(from_dict));
        from_dict += 1;
    }
    // The terms of articles not cached go to the cache, while the index is made from all of
    // them (neither changes what the other reads).
    let store = || {
        let Some(cache) = &cache else { return };
        let fresh: Vec<(crate::hash::Digest, &cache::Terms)> = found
            .iter()
            .zip(articles)
            .filter_map(|(f, a)| match (f, &a.digest) {
                (
                    Found::Own {
                        own, fresh: true, ..
                    },
                    Some(digest),
                ) => Some((*digest, own)),
                _ => None,
            })
            .collect();
        let used = articles.iter().filter_map(|a| a.digest.as_ref());
        cache.store(used, fresh, &place, &names);
    };
    let ((), (shards, state, bufs)) = rayon::join(store, || {
        postings::<P>(&found, (&place, &names, total), articles, prev, keys, group)
    });
    drop((found, place));
    // The digests of the shards made, for the state (a later build checks the files it reads
    // back against them).
    let mut state = state;
    if let Some(state) = &mut state {
        let digests: Vec<crate::hash::Digest> =
            bufs.par_iter().map(|b| crate::hash::digest(b)).collect();
        let mut digests = digests.into_iter();
        for (rec, (.., kept)) in state.shards.iter_mut().zip(&shards) {
            if kept.is_none() {
                rec.digest = digests.next().unwrap_or_default();
            }
        }
    }
    let mut bufs = bufs.into_iter();
    let mut files: Vec<Piece<P>> = Vec::with_capacity(shards.len() + docs / CHUNK + 4);
    let mut keys_of_shards = Vec::with_capacity(shards.len());
    for (sh, path, file_key, kept) in shards {
        files.push(match kept {
            Some(p) => Piece::Kept(p),
            None => Piece::Made(
                OutputFile {
                    path,
                    bytes: bufs.next().unwrap_or_default(),
                },
                file_key,
            ),
        });
        keys_of_shards.push(sh.key);
    }
    let fields = keys.map(|k| k.fields.as_slice());
    let docs = Docs::Given {
        articles,
        people,
        slots,
    };
    files.extend(other_pieces(&docs, fields, prev, keys_of_shards));
    (files, state)
}

/// What [`full_pieces`] makes of the documents' terms: the shards (each with its path, key and
/// the previous build's file if it is kept), the state for a later update (with a previous
/// build) and the bytes of the shards made, in shard order.
type Postings<P> = (Vec<Shard<P>>, Option<State>, Vec<Vec<u8>>);

/// A shard of terms: the terms, its path, its key (with a previous build) and the previous
/// build's file when it is kept.
type Shard<P> = (ShardOf, String, Option<String>, Option<P>);

/// The shards of the terms `found` (per document, by stem id; `place` is each stem id's place
/// among the stems `names`, `total` of them), their bytes and the state (see [`Postings`]).
fn postings<P: Send>(
    found: &[Found],
    (place, names, total): (&[u32], &[&str], usize),
    articles: &[ArticleDoc],
    prev: Option<&Previous<P>>,
    keys: Option<&DocKeys>,
    group: Option<&str>,
) -> Postings<P> {
    use rayon::prelude::*;
    // First pass over the postings, in document order: each term's length and digest (by
    // stem id, one memory access less per posting than by place).
    let mut stats = vec![TermStat::default(); total];
    let mut buf = Vec::new();
    for (d, f) in found.iter().enumerate() {
        let doc = d as u32;
        let terms = f.terms(&mut buf);
        // A read of each term's stats first, with nothing else in the loop: these reads (mostly
        // cache misses on a large site) are all under way at once, where the updates' would
        // wait for each other.
        let mut sum = 0u32;
        for &(id, _) in terms {
            sum = sum.wrapping_add(stats[id as usize].len);
        }
        std::hint::black_box(sum);
        for &(id, score) in terms {
            stats[id as usize].add(doc, score);
        }
    }
    // The stem id at each place.
    let mut id_at = vec![0u32; total];
    for (id, &p) in place.iter().enumerate() {
        id_at[p as usize] = id as u32;
    }
    // The terms that have postings, in stem order (by id), with the length of their JSON
    // (`"stem":[doc, score…]`), then shards of them.
    let used: Vec<u32> = id_at
        .iter()
        .copied()
        .filter(|&id| stats[id as usize].len > 0)
        .collect();
    drop(id_at);
    let terms: Vec<(&str, usize)> = used
        .iter()
        .map(|&id| {
            let stem = names[place[id as usize] as usize];
            (stem, js_len(stem) + 3 + stats[id as usize].len as usize)
        })
        .collect();
    let (shards, split) = shard(&terms);
    // Each shard's path and key; those the previous build left as they are now are kept.
    let shards: Vec<Shard<P>> = shards
        .into_par_iter()
        .map(|sh| {
            let path = shard_file(&sh.key);
            let Some(prev) = prev else {
                return (sh, path, None, None);
            };
            let k = file_key(prev.fingerprint, &path, |h| {
                h.update(b"terms\0");
                h.update((sh.idx.len() as u64).to_le_bytes());
                for &i in &sh.idx {
                    let (stem, len) = terms[i];
                    let st = &stats[used[i] as usize];
                    h.update((stem.len() as u32).to_le_bytes());
                    h.update(stem.as_bytes());
                    h.update((len as u64).to_le_bytes());
                    h.update(st.sum[0].to_le_bytes());
                    h.update(st.sum[1].to_le_bytes());
                }
            });
            let kept = (prev.keep)(&path, &k);
            (sh, path, Some(k), kept)
        })
        .collect();
    // The previous build's files kept apart (the two passes below share the rest).
    let (made, files): (Vec<_>, Vec<Option<P>>) = shards
        .into_iter()
        .map(|(sh, path, key, file)| ((sh, path, key), file))
        .unzip();
    let kept: Vec<bool> = files.iter().map(Option::is_some).collect();
    // What a later build updates the index from: the documents' digests, the shards each
    // document's terms are in, and the shards and nodes with their sizes. Made while the
    // second pass writes the shards.
    let state = || match (prev, keys, group) {
        (Some(prev), Some(keys), Some(group)) => {
            let mut shard_of = vec![u32::MAX; total];
            for (n, (sh, ..)) in made.iter().enumerate() {
                for &i in &sh.idx {
                    shard_of[used[i] as usize] = n as u32;
                }
            }
            // Each document's shards, ascending and once each: marked as bits (no sort of its
            // hundreds of terms), read off in order and encoded, runs of documents in parallel.
            let words = made.len().div_ceil(64);
            let lists: Vec<(Vec<u8>, Vec<u32>)> = found
                .par_chunks(1024)
                .map_init(
                    || (vec![0u64; words], Vec::new()),
                    |(bits, list), docs| {
                        let (mut bytes, mut lens) = (Vec::new(), Vec::with_capacity(docs.len()));
                        for f in docs {
                            let (a, b) = match f {
                                Found::Terms(t) => (t.as_slice(), &[][..]),
                                Found::Own { own, people, .. } => {
                                    (own.as_slice(), people.as_slice())
                                }
                            };
                            for &(id, _) in a.iter().chain(b) {
                                let s = shard_of[id as usize] as usize;
                                if let Some(w) = bits.get_mut(s / 64) {
                                    *w |= 1 << (s % 64);
                                }
                            }
                            list.clear();
                            for (i, w) in bits.iter_mut().enumerate() {
                                while *w != 0 {
                                    list.push((i * 64) as u32 + w.trailing_zeros());
                                    *w &= *w - 1;
                                }
                            }
                            let start = bytes.len();
                            state::encode_list(&mut bytes, list);
                            lens.push((bytes.len() - start) as u32);
                        }
                        (bytes, lens)
                    },
                )
                .collect();
            let mut state = State {
                group: group.to_string(),
                fingerprint: prev.fingerprint.to_vec(),
                articles: articles.len() as u32,
                docs: keys.terms.clone(),
                split,
                ..State::default()
            };
            // (Lists past 4 GiB: no state.)
            let fits = lists
                .iter()
                .all(|(bytes, lens)| state.push_encoded(bytes, lens));
            drop(lists);
            // Per article what its terms were found from, and their check.
            let hashes: Vec<u64> = place
                .par_iter()
                .map(|&p| TermsCheck::stem_hash(names[p as usize]))
                .collect();
            let checks: Vec<TermsCheck> = found[..articles.len()]
                .par_iter()
                .map_init(Vec::new, |buf, f| {
                    let mut c = TermsCheck::default();
                    for &(id, score) in f.terms(buf) {
                        c.add(hashes[id as usize], score);
                    }
                    c
                })
                .collect();
            drop(hashes);
            let mut interned: FxHashMap<&str, u32> = FxHashMap::default();
            let mut people = Vec::new();
            for ((a, f), c) in articles.iter().zip(found).zip(&checks) {
                people.clear();
                for p in &a.people {
                    let next = interned.len() as u32;
                    let n = *interned.entry(p).or_insert_with(|| {
                        state.names.push(p.to_string());
                        next
                    });
                    people.push(n);
                }
                let own = match f {
                    Found::Own { .. } => a.digest.as_ref(),
                    Found::Terms(_) => None,
                };
                State::push_source(&mut state.sources, own, c.0, &people);
                state.source_ends.push(state.sources.len() as u32);
            }
            state.shards = made
                .iter()
                .enumerate()
                .map(|(n, (sh, _, k))| ShardRec {
                    id: n as u32,
                    key: sh.key.clone(),
                    file_key: k.clone().unwrap_or_default(),
                    terms: sh.idx.len() as u32,
                    size: sh.idx.iter().map(|&i| terms[i].1 as u64 + 1).sum(),
                    own: sh.own,
                    digest: [0; 16],
                })
                .collect();
            fits.then_some(state)
        }
        _ => None,
    };
    // The shards not kept: each a buffer with the terms' stems in place, then the second pass
    // writes the postings into it (`cursors` by stem place).
    let write = || {
        let mut cursors = vec![
            Cursor {
                buf: NONE,
                at: 0,
                last: NO_DOC,
            };
            total
        ];
        let mut bufs: Vec<Vec<u8>> = Vec::new();
        // Per term made: where its postings must end.
        let mut ends: Vec<(u32, usize)> = Vec::new();
        for ((ShardOf { idx, .. }, ..), kept) in made.iter().zip(&kept) {
            if *kept {
                continue;
            }
            let size: usize = idx.iter().map(|&i| terms[i].1 + 1).sum::<usize>() + 2;
            let mut s = Vec::with_capacity(size);
            s.push(b'{');
            for (n, &i) in idx.iter().enumerate() {
                if n > 0 {
                    s.push(b',');
                }
                let (stem, len) = terms[i];
                let start = s.len();
                push_js(&mut s, stem);
                s.extend_from_slice(b":[");
                let at = s.len();
                s.resize(start + len - 1, 0);
                s.push(b']');
                let id = used[i];
                cursors[id as usize] = Cursor {
                    buf: bufs.len() as u32,
                    at: at as u32,
                    last: NO_DOC,
                };
                ends.push((id, start + len - 1));
            }
            s.extend_from_slice(b"}\n");
            bufs.push(s);
        }
        if !ends.is_empty() {
            // The ids of the terms made, as bits (small enough to stay in the cache, unlike the
            // cursors).
            let mut is_made = vec![0u64; total.div_ceil(64)];
            for &(id, _) in &ends {
                is_made[id as usize / 64] |= 1 << (id % 64);
            }
            for (d, f) in found.iter().enumerate() {
                let doc = d as u32;
                for &(id, score) in f.terms(&mut buf) {
                    if is_made[id as usize / 64] & (1 << (id % 64)) == 0 {
                        continue;
                    }
                    let c = &mut cursors[id as usize];
                    let s = &mut bufs[c.buf as usize];
                    let mut at = c.at as usize;
                    let delta = if c.last == NO_DOC {
                        doc
                    } else {
                        s[at] = b',';
                        at += 1;
                        doc - c.last
                    };
                    at = put_u32(s, at, delta);
                    s[at] = b',';
                    at = put_u32(s, at + 1, score);
                    c.at = at as u32;
                    c.last = doc;
                }
            }
            // Both passes read the same postings, so each term's postings fill exactly the room
            // the first pass measured.
            debug_assert!(ends
                .iter()
                .all(|&(p, end)| cursors[p as usize].at as usize == end));
        }
        bufs
    };
    let (state, bufs) = rayon::join(state, write);
    let shards = made
        .into_iter()
        .zip(files)
        .map(|((sh, path, key), file)| (sh, path, key, file))
        .collect();
    (shards, state, bufs)
}

/// The index files but the shards: the document chunks (keyed by their documents' `fields`
/// digests, [`DocKeys`], needed with `prev`), the manifest (with the shards' `keys`) and the
/// script.
fn other_pieces<P: Send>(
    source: &Docs,
    fields: Option<&[crate::hash::Digest]>,
    prev: Option<&Previous<P>>,
    keys: Vec<String>,
) -> Vec<Piece<P>> {
    use rayon::prelude::*;
    let (docs, articles, start) = (source.len(), source.articles(), source.people_start());
    // Documents, in chunks.
    let mut files: Vec<Piece<P>> = (0..docs.div_ceil(CHUNK))
        .into_par_iter()
        .filter_map(|n| {
            let path = format!("search/d/{n}.json");
            let range = n * CHUNK..docs.min((n + 1) * CHUNK);
            // A chunk of no document (empty ones only) is not written: no search asks for it.
            let person = |d: usize| source.slots().person_of(articles, d);
            if !range.clone().any(|d| d < articles || person(d).is_some()) {
                return None;
            }
            // Keyed by its documents' fields, so a chunk kept is not even written out.
            let key = match (prev, fields) {
                (Some(prev), Some(fields)) => {
                    let k = file_key(prev.fingerprint, &path, |h| {
                        h.update(b"docs\0");
                        h.update((range.len() as u64).to_le_bytes());
                        for d in range.clone() {
                            h.update(fields.get(d).copied().unwrap_or_default());
                        }
                    });
                    if let Some(p) = (prev.keep)(&path, &k) {
                        return Some(Piece::Kept(p));
                    }
                    Some(k)
                }
                _ => None,
            };
            let mut bytes = Vec::with_capacity(CHUNK * 512);
            bytes.push(b'[');
            for d in range {
                if d > n * CHUNK {
                    bytes.extend_from_slice(b",\n");
                }
                let doc = if d < articles {
                    source.article(d).map(|a| article_json(&mut bytes, &a))
                } else {
                    source.person(d).map(|p| person_json(&mut bytes, &p))
                };
                // An empty document (no article, an empty slot) is `null`: no search finds it.
                if doc.is_none() {
                    bytes.extend_from_slice(b"null");
                }
            }
            bytes.extend_from_slice(b"]\n");
            Some(Piece::Made(OutputFile { path, bytes }, key))
        })
        .collect();
    // `articles` is where the people's documents begin (all documents before are articles or
    // empty): the script tells the two apart by it.
    let manifest = Manifest {
        v: 2,
        docs,
        articles: start,
        chunk: CHUNK,
        min_stem: MIN_STEM,
        endings: ENDINGS,
        ambiguous: AMBIGUOUS,
        softened: pairs(SOFTENED),
        softened_after: SOFTENED_AFTER,
        soft_tail: SOFT_TAIL.iter().collect(),
        vowels: VOWELS,
        fold: pairs(FOLD),
        fleeting: FLEETING,
        stop: STOP_WORDS,
        shards: keys,
    };
    let manifest = OutputFile {
        path: "search/index.json".into(),
        bytes: serde_json::to_vec(&manifest).unwrap_or_default(),
    };
    files.push(piece(manifest, prev));
    // The people's documents in the people's order (alphabetical on a site), which the script
    // breaks ties of score by ([`slots`]).
    let mut order = Vec::with_capacity(source.slots().alphabetical().len() * 7 + 4);
    order.push(b'[');
    let mut num = itoa::Buffer::new();
    for (k, &s) in source.slots().alphabetical().iter().enumerate() {
        if k > 0 {
            order.push(b',');
        }
        order.extend_from_slice(num.format(start + s as usize).as_bytes());
    }
    order.extend_from_slice(b"]\n");
    let order = OutputFile {
        path: "search/p.json".into(),
        bytes: order,
    };
    files.push(piece(order, prev));
    let script = OutputFile {
        path: "search/search.js".into(),
        bytes: SEARCH_JS.as_bytes().to_vec(),
    };
    files.push(piece(script, prev));
    files
}

/// An article's entry in a document chunk: `[0, title, url, date, people, lede]`.
fn article_json(out: &mut Vec<u8>, a: &ArticleDoc) {
    out.extend_from_slice(b"[0,");
    push_js(out, &a.title);
    out.push(b',');
    push_js(out, &a.url);
    out.push(b',');
    push_js(out, &a.date_text);
    out.push(b',');
    push_js(out, &a.people.join(", "));
    out.push(b',');
    push_js(out, &truncate_chars(&a.lede, LEDE_MAX));
    out.push(b']');
}

/// A person's entry in a document chunk: `[1, name, url, count, role]`.
fn person_json(out: &mut Vec<u8>, p: &PersonDoc) {
    out.extend_from_slice(b"[1,");
    push_js(out, &p.name);
    out.push(b',');
    push_js(out, &p.url);
    out.push(b',');
    out.extend_from_slice(p.count.to_string().as_bytes());
    out.push(b',');
    push_js(out, &p.role);
    out.push(b']');
}

/// The site icon (`favicon.svg`, linked from `base.html`), written with the search files so
/// browsers do not ask for a missing `/favicon.ico`.
pub const FAVICON: &str = include_str!("../templates/favicon.svg");

/// The people index's filter script (`people/filter.js`).
pub const FILTER_JS: &str = include_str!("../templates/filter.js");

/// The search script.
pub const SEARCH_JS: &str = include_str!("../templates/search.js");

/// An article's date as a result shows it: [`crate::date::Date::format_en`] when `en`, else
/// [`crate::date::Date::format_uk`], written without the formatting machinery (this runs for
/// every article at every build).
fn date_text(d: &crate::date::Date, en: bool) -> String {
    let mut num = itoa::Buffer::new();
    let month = |names: &[&'static str; 12]| {
        d.month
            .checked_sub(1)
            .and_then(|m| names.get(m as usize))
            .copied()
    };
    let (uk, en_name) = (
        month(&crate::date::MONTHS_GENITIVE),
        month(&crate::date::MONTHS_EN),
    );
    let mut s = String::with_capacity(32);
    match (en, uk, en_name) {
        (false, Some(m), _) => {
            s.push_str(num.format(d.day));
            s.push(' ');
            s.push_str(m);
            s.push(' ');
            s.push_str(num.format(d.year));
        }
        (true, _, Some(m)) => {
            s.push_str(m);
            s.push(' ');
            s.push_str(num.format(d.day));
            s.push_str(", ");
            s.push_str(num.format(d.year));
        }
        // Not a month: as the formatting would (it panics), which a parsed date never is.
        _ if en => return d.format_en(),
        _ => return d.format_uk(),
    }
    s
}

/// The article that is document `i` of `site`'s index: the articles are documents oldest first
/// (the site's order reversed), so that an article added on the newest day, the usual case,
/// comes after the others and moves none of them (an update then writes the files it changes
/// instead of making the index whole; the script ranks articles of equal score newest first).
fn site_article(site: &Site, i: usize) -> Option<&crate::site::Article> {
    let at = site.articles.len().checked_sub(i.checked_add(1)?)?;
    site.articles.get(at)
}

/// The documents of `site` in the index's order: articles oldest first (`site_article`),
/// then people.
pub fn documents(site: &Site) -> (Vec<ArticleDoc<'_>>, Vec<PersonDoc>) {
    let articles = site
        .articles
        .iter()
        .rev()
        .map(|a| article_doc(site, a))
        .collect();
    let people = site.people.iter().map(person_doc).collect();
    (articles, people)
}

/// Whether the dates of `a` are written in English ([`date_text`]).
fn dates_in_english(site: &Site, a: &crate::site::Article) -> bool {
    a.language == "en" || site.config.language == "en"
}

/// Article `a` of `site` as the index sees it.
fn article_doc<'a>(site: &'a Site, a: &'a crate::site::Article) -> ArticleDoc<'a> {
    ArticleDoc {
        title: Cow::Borrowed(a.title.as_str()),
        url: links::index_of(&a.url),
        date_text: date_text(&a.date, dates_in_english(site, a)),
        people: a
            .people
            .iter()
            .filter_map(|&p| site.people.get(p).map(|p| Cow::Borrowed(p.name.as_str())))
            .collect(),
        lede: Cow::Borrowed(a.summary.as_str()),
        body: Some(&a.body),
        digest: Some(a.digest),
    }
}

/// Person `p` as the index sees it.
fn person_doc(p: &crate::site::Person) -> PersonDoc {
    PersonDoc {
        name: p.name.clone(),
        forms: p.forms.clone(),
        url: links::index_of(&p.url),
        count: p.articles.len(),
        role: p.role.as_ref().map(|r| r.role.clone()).unwrap_or_default(),
    }
}

/// The context of `search.html`.
#[derive(Serialize)]
struct SearchCtx {
    page: Page,
}

/// How many indexes this process has updated in place ([`update`]) rather than made whole: for
/// tests, which check that the cheap path was taken.
pub static UPDATED_IN_PLACE: std::sync::atomic::AtomicUsize =
    std::sync::atomic::AtomicUsize::new(0);

/// How many removed articles' terms updates in this process found again from the terms cache
/// ([`update`]), and how many touched shards they kept without reading them: for tests, which
/// check that the cheap path was taken.
pub static FOUND_AGAIN: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
/// See [`FOUND_AGAIN`].
pub static KEPT_UNREAD: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// What a build knows of the index it makes, besides the site: the documents, their digests
/// ([`Docs::keys`]), and the key of the index's group of files now (`group`) and in the output
/// folder's previous build (`previous`), if any.
pub struct Inputs<'a, 'b> {
    pub docs: Docs<'a>,
    pub keys: &'b DocKeys,
    pub group: Option<&'b str>,
    pub previous: Option<&'b str>,
}

/// The search page and its index (every file under `search/`), the people filter script
/// (`people/filter.js`) and `favicon.svg`, handed to `sink`. With `cache_root`, articles' terms
/// are cached under it ([`cache`]) and the index's [`State`] is kept there. A keyed sink (a
/// build) keeps the files the previous build left as they would be made now ([`Previous`]):
/// unchanged shards are not even assembled; and when the state under `cache_root` describes the
/// index of the output folder's previous build, only the documents that changed are indexed and
/// only the shards they touch are made ([`update`]).
pub fn render_to<S: Sink>(
    site: &Site,
    templates: &Templates,
    cache_root: Option<&Path>,
    sink: &S,
    inputs: &Inputs,
) -> Result<Vec<S::Placed>, SiteError> {
    use rayon::prelude::*;
    let lang = site.config.language.clone();
    let t = labels::for_language(&lang);
    let base = site.config.base_url();
    let dir = "search/".to_string();
    let page = Page {
        site_title: site.config.title.clone(),
        lang,
        title: t.search.into(),
        root: links::root_prefix(&dir),
        canonical: base.contains("://").then(|| format!("{base}{dir}")),
        dir: dir.clone(),
        feed: "atom.xml".into(),
        t,
    };
    let keep = |path: &str, key: &str| sink.keep(path, key);
    let out_dir = sink.location();
    let read = |path: &str| std::fs::read(out_dir.join(path)).ok();
    let prev = sink.keyed().then(|| Previous {
        fingerprint: &templates.fingerprint()[..],
        keep: &keep,
    });
    let prev = prev.as_ref();
    // The state is only of use to a build that records it again.
    let group = inputs
        .group
        .filter(|_| cache_root.is_some() && prev.is_some());
    let old = match (cache_root, group) {
        (Some(root), Some(_)) => State::read(root),
        _ => None,
    };
    let updated = match (prev, group, inputs.previous, &old) {
        (Some(prev), Some(group), Some(previous), Some(old)) if old.group == previous => {
            update::update(
                &inputs.docs,
                inputs.keys,
                old,
                prev,
                (&read, cache_root),
                group,
            )
        }
        (Some(_), Some(_), Some(_), Some(_)) => Err("the state is of another index"),
        (Some(_), Some(_), Some(_), None) => Err("no state"),
        _ => Err("not a build into a folder built before"),
    };
    if std::env::var_os("LITOPYS_TIMINGS").is_some() {
        match &updated {
            Ok(_) => eprintln!(
                "search index: updated in place ({} articles' terms found again, {} shards kept unread in this process)",
                FOUND_AGAIN.load(std::sync::atomic::Ordering::Relaxed),
                KEPT_UNREAD.load(std::sync::atomic::Ordering::Relaxed)
            ),
            Err(why) => eprintln!("search index: made whole ({why})"),
        }
    }
    let updated = updated.ok();
    let (mut pieces, state) = match updated {
        Some((pieces, state)) => {
            UPDATED_IN_PLACE.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            (pieces, Some(state))
        }
        None => {
            let cache = cache_root.map(TermsCache::open);
            let (articles, people) = inputs.docs.all();
            let (pieces, mut state) = full_pieces(
                &articles,
                (&people, inputs.docs.slots()),
                cache,
                prev,
                Some(inputs.keys),
                group,
            );
            if let (Some(state), Some(old)) = (&mut state, &old) {
                state.digests_from(old);
            }
            (pieces, state)
        }
    };
    // The search page is keyed by its context, like the other pages: a rebuild that keeps it
    // does not render it (nor compile the templates for it).
    let path = links::index_of(&dir);
    let ctx = SearchCtx { page };
    let render = |path: String| templates.render_page("search.html", path, &ctx, 16 << 10);
    pieces.push(match prev {
        None => Piece::Made(render(path)?, None),
        Some(prev) => {
            let key = templates.page_key("search.html", &path, &ctx)?;
            match (prev.keep)(&path, &key) {
                Some(p) => Piece::Kept(p),
                None => Piece::Made(render(path)?, Some(key)),
            }
        }
    });
    for (path, text) in [("people/filter.js", FILTER_JS), ("favicon.svg", FAVICON)] {
        let file = OutputFile {
            path: path.into(),
            bytes: text.as_bytes().to_vec(),
        };
        pieces.push(piece(file, prev));
    }
    let (placed, ()) = rayon::join(
        || {
            pieces
                .into_par_iter()
                .map(|p| match p {
                    Piece::Kept(p) => Ok(p),
                    Piece::Made(f, key) => sink.put(&f.path, key, f.bytes),
                })
                .collect::<Result<Vec<_>, String>>()
        },
        || {
            if let Some(root) = cache_root {
                match &state {
                    Some(state) => state.write(root),
                    None => State::remove(root),
                }
            }
        },
    );
    placed.map_err(|message| SiteError {
        file: sink.location(),
        line: None,
        message,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(w: &str) -> String {
        stem(&words(w)[0])
    }

    /// The keys of a word as a reader types it.
    fn k(w: &str) -> Vec<String> {
        let ws = words(w);
        assert_eq!(ws.len(), 1, "{w:?} is not one word");
        keys(&ws[0])
    }

    /// The words and keys as first written (NFC, `to_lowercase` and a `Vec<char>` per stem),
    /// which the fast paths must match exactly.
    mod reference {
        use super::super::*;

        pub fn words(text: &str) -> Vec<String> {
            use unicode_normalization::UnicodeNormalization;
            let mut out = Vec::new();
            let mut cur = String::new();
            for c in text.nfc().flat_map(char::to_lowercase) {
                if is_apostrophe(c) || is_mark(c) {
                    continue;
                }
                if c.is_alphanumeric() {
                    cur.push(match c {
                        'ё' => 'е',
                        'ґ' => 'г',
                        c => c,
                    });
                } else if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            if !cur.is_empty() {
                out.push(cur);
            }
            out
        }

        fn finish(mut s: Vec<char>) -> String {
            if s.len() > MIN_STEM && SOFT_TAIL.contains(&s[s.len() - 1]) {
                s.pop();
            }
            if let Some(v) = s.iter().rposition(|c| VOWELS.contains(*c)) {
                if v >= 1 && v + 2 == s.len() {
                    s[v] = fold_char(s[v]);
                }
            }
            for (from, to) in FLEETING {
                let from: Vec<char> = from.chars().collect();
                let to: Vec<char> = to.chars().collect();
                if s.ends_with(&from) && s.len() - from.len() + to.len() >= MIN_STEM {
                    s.truncate(s.len() - from.len());
                    s.extend(to);
                    break;
                }
            }
            s.into_iter().collect()
        }

        pub fn keys(word: &str) -> Vec<String> {
            let chars: Vec<char> = word.chars().collect();
            if !chars.last().copied().is_some_and(is_cyrillic) {
                return vec![word.to_string()];
            }
            let n = chars.len();
            let mut ending = "";
            for e in ENDINGS {
                if n >= e.chars().count() + MIN_STEM && word.ends_with(e) {
                    ending = e;
                    break;
                }
            }
            let mut stems: Vec<(Vec<char>, &str)> =
                vec![(chars[..n - ending.chars().count()].to_vec(), ending)];
            if let Some(&(_, alt)) = AMBIGUOUS.iter().find(|(e, _)| *e == ending) {
                stems.push((chars[..n - alt.chars().count()].to_vec(), alt));
            }
            for i in 0..stems.len() {
                if stems[i].1 != SOFTENED_AFTER {
                    continue;
                }
                let last = stems[i].0.last().copied();
                if let Some(&(_, hard)) = SOFTENED.iter().find(|(soft, _)| Some(*soft) == last) {
                    let mut s = stems[i].0.clone();
                    s.pop();
                    s.push(hard);
                    stems.push((s, SOFTENED_AFTER));
                }
            }
            let mut out: Vec<String> = Vec::with_capacity(stems.len());
            for (s, _) in stems {
                let k = finish(s);
                if !out.contains(&k) {
                    out.push(k);
                }
            }
            out
        }

        pub fn html_text(html: &str) -> String {
            let mut out = String::with_capacity(html.len());
            let mut in_tag = false;
            for c in html.chars() {
                match c {
                    '<' => {
                        in_tag = true;
                        out.push(' ');
                    }
                    '>' if in_tag => in_tag = false,
                    _ if !in_tag => out.push(c),
                    _ => {}
                }
            }
            out.replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&#39;", "'")
                .replace("&amp;", "&")
        }
    }

    /// Texts to compare the fast paths with [`reference`] on: the word table, every character
    /// up to U+3000 alone, between letters and after a capital, and mixed texts.
    fn sample_texts() -> Vec<String> {
        let mut texts: Vec<String> = include_str!("../tests/data/search-words.txt")
            .lines()
            .map(str::to_string)
            .collect();
        for c in (0..0x3000).filter_map(char::from_u32) {
            texts.push(c.to_string());
            texts.push(format!("а{c}б Z{c}z"));
            texts.push(format!("Київ{c}"));
        }
        texts.extend(
            [
                "Ї\u{308}жак і\u{308} е\u{301}кран",
                "İstanbul ΣΟΦΊΑ ǅemal ﬁnal Ⅻ ½ ٣٤",
                "Андрі\u{306}й А\u{301}\u{308}\u{323} e\u{301} Å Ω K",
                "ПРЕЗИДЕНТОВІ, Зеленському — у Києві; «Харків» 2026-го",
                "",
            ]
            .map(str::to_string),
        );
        texts
    }

    #[test]
    fn dates_are_written_as_the_date_formats_them() {
        for year in [-44, 1, 999, 1999, 2024, 2026, 10000] {
            for month in 1..=12 {
                for day in [1, 9, 10, 28, 31] {
                    let d = crate::date::Date { year, month, day };
                    assert_eq!(date_text(&d, false), d.format_uk());
                    assert_eq!(date_text(&d, true), d.format_en());
                }
            }
        }
    }

    /// Documents whose keys ([`DocKeys`]) are equal index alike: the same terms (a one-document
    /// index's shards) when their terms digests are, the same entry (its document chunk) when
    /// their fields digests are. Real words; each variant changes one thing, the file digest
    /// changing with title, lede or body as a file's would.
    #[test]
    fn documents_of_one_key_index_alike() {
        let words: Vec<&str> = include_str!("../tests/data/search-words.txt")
            .lines()
            .filter(|l| !l.starts_with('#'))
            .flat_map(str::split_whitespace)
            .collect();
        let text = |from: usize, n: usize| words[from..from + n].join(" ");
        let bodies: Vec<crate::site::Body> = (0..3)
            .map(|k| format!("<p>{}</p>", text(40 + k * 7, 30)).into())
            .collect();
        let base = ArticleDoc {
            title: text(0, 4).into(),
            url: "2026/01/07/a/index.html".into(),
            date_text: "7 січня 2026".into(),
            people: vec![text(10, 2).into(), text(12, 2).into()],
            lede: text(20, 12).into(),
            body: Some(&bodies[0]),
            digest: None,
        };
        let mut docs = vec![base.clone()];
        let mut v = base.clone();
        v.title = text(1, 4).into();
        docs.push(v);
        let mut v = base.clone();
        v.lede = text(21, 12).into();
        docs.push(v);
        let mut v = base.clone();
        v.body = Some(&bodies[1]);
        docs.push(v);
        let mut v = base.clone();
        v.people.reverse();
        docs.push(v);
        let mut v = base.clone();
        v.people.pop();
        docs.push(v);
        let mut v = base.clone();
        v.people = vec![format!("{} {}", v.people[0], v.people[1]).into()];
        docs.push(v);
        let mut v = base.clone();
        v.url = "2026/01/07/b/index.html".into();
        docs.push(v);
        let mut v = base.clone();
        v.date_text = "January 7, 2026".into();
        docs.push(v);
        let mut v = base.clone();
        v.body = None;
        docs.push(v);
        // Each also with a file digest of its title, lede and body.
        let with_digest: Vec<ArticleDoc> = docs
            .iter()
            .map(|d| {
                let body = d.body.map(|b| b.html().unwrap().into_owned());
                let file = format!("{}\n{}\n{body:?}", d.title, d.lede);
                ArticleDoc {
                    digest: Some(crate::hash::digest(file.as_bytes())),
                    ..d.clone()
                }
            })
            .collect();
        docs.extend(with_digest);
        let keys = DocKeys::new(&docs, &[], &Slots::of(std::iter::empty()));
        let alone: Vec<Vec<OutputFile>> = docs
            .iter()
            .map(|d| index_files(std::slice::from_ref(d), &[]))
            .collect();
        let part = |files: &[OutputFile], dir: &str| -> Vec<(String, Vec<u8>)> {
            files
                .iter()
                .filter(|f| f.path.starts_with(dir))
                .map(|f| (f.path.clone(), f.bytes.clone()))
                .collect()
        };
        let (mut same_terms, mut same_fields) = (0, 0);
        for i in 0..docs.len() {
            for j in 0..docs.len() {
                if keys.terms[i] == keys.terms[j] {
                    same_terms += 1;
                    assert!(
                        part(&alone[i], "search/t/") == part(&alone[j], "search/t/"),
                        "documents {i} and {j}: one terms key, other terms"
                    );
                }
                if keys.fields[i] == keys.fields[j] {
                    same_fields += 1;
                    assert!(
                        part(&alone[i], "search/d/") == part(&alone[j], "search/d/"),
                        "documents {i} and {j}: one fields key, other entries"
                    );
                }
            }
        }
        // Terms: each document with itself, but the date changes none (with and without a
        // file digest: two pairs, both ways). Fields: the digest is not one, so each document
        // is its twin's (2 × 2 each), and the body changes none (the three bodies and their
        // twins: 6 × 6).
        assert_eq!(same_terms, docs.len() + 4);
        assert_eq!(same_fields, 7 * 4 + 36);
    }

    #[test]
    fn shard_paths_are_the_formatted_code_points() {
        fn formatted(key: &str) -> String {
            let hex: Vec<String> = key.chars().map(|c| format!("{:x}", c as u32)).collect();
            format!("search/t/{}.json", hex.join("-"))
        }
        let mut keys: Vec<String> = (0..0x3000)
            .chain([0x1_0000, 0x10_ffff])
            .filter_map(char::from_u32)
            .map(|c| c.to_string())
            .collect();
        keys.extend(["", "буд", "ab", "a\u{0}z", "зел\u{1f600}"].map(str::to_string));
        for t in sample_texts().iter().take(300) {
            keys.push(t.chars().take(3).collect());
        }
        for k in keys {
            assert_eq!(shard_file(&k), formatted(&k), "{k:?}");
        }
    }

    #[test]
    fn fast_words_match_the_reference() {
        for t in sample_texts() {
            assert_eq!(words(&t), reference::words(&t), "{t:?}");
        }
        let all: String = sample_texts().join(" ");
        assert_eq!(words(&all), reference::words(&all));
    }

    #[test]
    fn fast_keys_match_the_reference() {
        let mut n = 0;
        for t in sample_texts() {
            for w in words(&t) {
                assert_eq!(keys(&w), reference::keys(&w), "{w:?}");
                n += 1;
            }
        }
        // Every word of the table's shapes, with every ending.
        for w in [
            "будинок",
            "Харків",
            "Ольга",
            "рік",
            "пісня",
            "Андрій",
            "кравець",
        ] {
            for e in ENDINGS.iter().chain(&[""]) {
                let w = format!("{}{e}", words(w)[0]);
                assert_eq!(keys(&w), reference::keys(&w), "{w:?}");
                n += 1;
            }
        }
        assert!(n > 1000);
    }

    #[test]
    fn remembered_words_have_their_keys() {
        let dict = Dict::default();
        let stems = Stems {
            dict: &dict,
            new: Mutex::default(),
        };
        let mut t = Terms::default();
        let long = "а".repeat(SHORT) + "ів";
        let table = include_str!("../tests/data/search-words.txt");
        let all: Vec<String> = words(table).into_iter().chain([long]).collect();
        // Twice: first computed, then remembered.
        for _ in 0..2 {
            for w in &all {
                let ids = t.ids(&stems, w);
                let stems = stems.new.lock().unwrap();
                let name = |id: u32| stems.iter().find(|(_, &i)| i == id).map(|(s, _)| s);
                let got: Vec<&str> = ids
                    .get()
                    .iter()
                    .filter_map(|&i| name(i))
                    .map(|s| &**s)
                    .collect();
                let want = if indexable(w) { keys(w) } else { Vec::new() };
                assert_eq!(got, want, "{w:?}");
            }
        }
    }

    #[test]
    fn numbers_are_written_in_decimal() {
        let mut out = Vec::new();
        let mut pows = vec![0, u32::MAX - 1, u32::MAX];
        for k in 1..10 {
            let p = 10u32.pow(k);
            pows.extend([p - 1, p, p + 1]);
        }
        for n in (0..100_000).chain(pows) {
            out.clear();
            out.resize(12, b'x');
            let end = put_u32(&mut out, 1, n);
            assert_eq!(end, 1 + digits(n));
            assert_eq!(&out[1..end], n.to_string().as_bytes());
            assert!(out[end..].iter().all(|&b| b == b'x'));
        }
    }

    #[test]
    fn word_table_keeps_every_word_with_its_ids() {
        let mut table = WordTable::default();
        let ids = |n: u32| {
            let mut ids = Ids::default();
            for (i, slot) in ids.ids.iter_mut().take(n as usize % 4).enumerate() {
                *slot = if n.is_multiple_of(7) {
                    NO_ID - i as u32
                } else {
                    n * 3 + i as u32
                };
            }
            ids.len = (n % 4) as u8;
            ids
        };
        let word = |n: u32| format!("с{n}ло{}", "я".repeat(n as usize % 6));
        // Through several doublings; every word is found with its ids, and no other is.
        for n in 0..5000 {
            let k = key_of(word(n).as_bytes()).unwrap();
            assert!(table.find(&k, key_hash(&k)).is_none());
            assert!(table.insert(k, key_hash(&k), ids(n)));
        }
        assert!(table.slots.len() >= 5000 * 4 / 3);
        for n in 0..6000 {
            let k = key_of(word(n).as_bytes()).unwrap();
            let got = table.find(&k, key_hash(&k)).map(|p| table.unpack(p));
            if n < 5000 {
                assert_eq!(
                    got.map(|i| i.get().to_vec()),
                    Some(ids(n).get().to_vec()),
                    "{n}"
                );
            } else {
                assert!(got.is_none());
            }
        }
        assert!(key_of("я".repeat(SHORT / 2 + 1).as_bytes()).is_none());
    }

    #[test]
    fn html_text_matches_the_reference() {
        for html in [
            "<p>А &amp; <em>Б</em></p>",
            "&amp;lt; &lt;&gt; &quot;x&quot; &#39;y&#39; &amp;amp; &am<b>p; &l<i>t;",
            "a > b <a href=\"&amp;\">x</a> & &&lt; <<b>> < unclosed &lt;",
            "текст <br/>текст&nbsp;&#x27;",
            "",
        ] {
            assert_eq!(html_text(html), reference::html_text(html), "{html:?}");
        }
    }

    #[test]
    fn html_words_match_the_words_of_its_text() {
        let check = |html: &str| {
            let mut list = WordList::default();
            list.read_html(html);
            let got: Vec<String> = (0..list.len())
                .map(|i| String::from_utf8(list.get(i).to_vec()).unwrap())
                .collect();
            assert_eq!(got, words(&html_text(html)), "{html:?}");
            assert_eq!(
                got,
                reference::words(&reference::html_text(html)),
                "{html:?}"
            );
        };
        for t in sample_texts() {
            check(&t);
            check(&format!(
                "<p>{t}</p><em a=\"{t}\">{t}&amp;{t}</em>&#39;{t}&lt;{t}"
            ));
        }
        // Random (hostile) HTML: tags, unclosed ones, entities whole and cut, marks.
        let parts = [
            "<",
            ">",
            "&",
            "&amp;",
            "&lt;",
            "&gt;",
            "&quot;",
            "&#39;",
            "&am",
            "&l",
            "amp;",
            "а",
            "Б",
            "ї",
            "Ё",
            "\u{301}",
            "\u{308}",
            "'",
            "`",
            "x",
            "Z",
            "7",
            " ",
            "<b>",
            "</p>",
            "İ",
            "ґ",
            "\u{2019}",
            "ß",
            "Ω",
            "\n",
            "<a href=\"&amp;İ\">",
        ];
        let mut x = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..20_000 {
            let mut h = String::new();
            for _ in 0..(x % 12) {
                x = crate::testrand::xorshift(x);
                h.push_str(parts[(x % parts.len() as u64) as usize]);
            }
            x = crate::testrand::xorshift(x);
            check(&h);
        }
    }

    #[test]
    fn endings_and_stop_words_are_looked_up_as_listed() {
        // Each character's endings: those of ENDINGS that end in it, in their order.
        for c in ENDINGS
            .iter()
            .flat_map(|e| e.chars())
            .chain(['б', 'z', 'ь'])
        {
            let want: Vec<(&str, usize)> = ENDINGS
                .iter()
                .filter(|e| e.ends_with(c))
                .map(|e| (*e, e.chars().count()))
                .collect();
            assert_eq!(endings_in(c), want.as_slice(), "{c:?}");
        }
        for w in STOP_WORDS {
            assert!(w.len() <= STOP_MAX);
            assert!(!indexable(w), "{w:?}");
        }
        for w in [
            "також",
            "такожж",
            "ab",
            "тих",
            "a".repeat(STOP_MAX + 1).as_str(),
        ] {
            let plain = w.chars().count() >= 2 && !STOP_WORDS.contains(&w);
            assert_eq!(indexable(w), plain, "{w:?}");
        }
    }

    #[test]
    fn document_scores_are_summed_and_capped_per_key() {
        let dict = Dict::default();
        let stems = Stems {
            dict: &dict,
            new: Mutex::default(),
        };
        let mut t = Terms::default();
        let table = include_str!("../tests/data/search-words.txt");
        let texts: Vec<&str> = table.lines().collect();
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        let mut rnd = |k: usize| {
            x = crate::testrand::xorshift(x);
            (x % k as u64) as usize
        };
        for _ in 0..300 {
            // The straightforward way: a map from key to score.
            let mut want: BTreeMap<String, u32> = BTreeMap::new();
            for _ in 0..rnd(6) {
                let text = texts[rnd(texts.len())];
                let (score, cap) = [(1, 5), (8, u32::MAX), (2, 2), (40, 40)][rnd(4)];
                t.add(&stems, text, score, cap);
                for w in words(text).iter().filter(|w| indexable(w)) {
                    for k in keys(w) {
                        let e = want.entry(k).or_insert(0);
                        *e = (*e + score).min(cap.max(*e));
                    }
                }
            }
            let new = stems.new.lock().unwrap();
            let name = |id: u32| new.iter().find(|(_, &i)| i == id).unwrap().0.to_string();
            let got: BTreeMap<String, u32> =
                t.take().into_iter().map(|(id, s)| (name(id), s)).collect();
            assert_eq!(got, want);
        }
        assert!(t.take().is_empty());
    }

    /// The index as first written: every document's terms found afresh, all postings sorted
    /// by stem, each shard assembled and every document formatted with `format!` and [`js`].
    fn reference_index(articles: &[ArticleDoc], people: &[PersonDoc]) -> Vec<OutputFile> {
        let dict = Dict::default();
        let stems = Stems {
            dict: &dict,
            new: Mutex::new(FxHashMap::default()),
        };
        let mut t = Terms::default();
        // The people's documents are after the articles (and empty ones up to the next 1024th),
        // each in its slot.
        let slots = Slots::of(people.iter().map(|p| p.name.as_str()));
        let start = if people.is_empty() {
            articles.len()
        } else {
            (articles.len() / 1024 + 1) * 1024
        };
        let mut docs: Vec<Vec<(u32, u32)>> = Vec::new();
        for a in articles {
            t.add(&stems, &a.lede, TEXT, TEXT_MAX);
            if let Some(Ok(html)) = a.body.map(crate::site::Body::html) {
                t.add(&stems, &html_text(&html), TEXT, TEXT_MAX);
            }
            t.add(&stems, &a.title, TITLE, u32::MAX);
            for p in &a.people {
                t.add(&stems, p, PERSON_IN_ARTICLE, u32::MAX);
            }
            docs.push(t.take());
        }
        for _ in articles.len()..start {
            docs.push(Vec::new());
        }
        for s in 0..slots.capacity() {
            if let Some(p) = slots.person_at(s).map(|p| &people[p]) {
                t.add(&stems, &p.role, PERSON_ROLE, PERSON_ROLE);
                t.add(&stems, &p.name, PERSON_NAME, PERSON_NAME);
                for f in &p.forms {
                    t.add(&stems, f, PERSON_NAME, PERSON_NAME);
                }
            }
            docs.push(t.take());
        }
        let new = stems.new.into_inner().unwrap();
        let mut name_of: Vec<&str> = vec![""; new.len()];
        for (s, &id) in &new {
            name_of[id as usize] = s;
        }
        let mut postings: BTreeMap<&str, Vec<(u32, u32)>> = BTreeMap::new();
        for (d, terms) in docs.iter().enumerate() {
            for &(id, score) in terms {
                postings
                    .entry(name_of[id as usize])
                    .or_default()
                    .push((d as u32, score));
            }
        }
        let json: Vec<(&str, String)> = postings
            .iter()
            .map(|(stem, list)| {
                let mut last = 0;
                let list: Vec<String> = list
                    .iter()
                    .map(|&(d, score)| {
                        let s = format!("{},{score}", d - last);
                        last = d;
                        s
                    })
                    .collect();
                (*stem, format!("{}:[{}]", js(stem), list.join(",")))
            })
            .collect();
        let sizes: Vec<(&str, usize)> = json.iter().map(|(s, j)| (*s, j.len())).collect();
        let mut files = Vec::new();
        let mut keys = Vec::new();
        for ShardOf { key, idx, .. } in shard(&sizes).0 {
            let terms: Vec<&str> = idx.iter().map(|&i| json[i].1.as_str()).collect();
            files.push(OutputFile {
                path: shard_file(&key),
                bytes: format!("{{{}}}\n", terms.join(",")).into_bytes(),
            });
            keys.push(key);
        }
        let docs: Vec<String> = articles
            .iter()
            .map(|a| {
                format!(
                    "[0,{},{},{},{},{}]",
                    js(&a.title),
                    js(&a.url),
                    js(&a.date_text),
                    js(&a.people.join(", ")),
                    js(&truncate_chars(&a.lede, LEDE_MAX))
                )
            })
            .chain((articles.len()..start).map(|_| "null".to_string()))
            .chain((0..slots.capacity()).map(|s| match slots.person_at(s) {
                Some(p) => {
                    let p = &people[p];
                    format!(
                        "[1,{},{},{},{}]",
                        js(&p.name),
                        js(&p.url),
                        p.count,
                        js(&p.role)
                    )
                }
                None => "null".to_string(),
            }))
            .collect();
        for (n, chunk) in docs.chunks(CHUNK).enumerate() {
            // A chunk of empty documents only is not written.
            if chunk.iter().all(|d| d == "null") {
                continue;
            }
            files.push(OutputFile {
                path: format!("search/d/{n}.json"),
                bytes: format!("[{}]\n", chunk.join(",\n")).into_bytes(),
            });
        }
        let manifest = Manifest {
            v: 2,
            docs: docs.len(),
            articles: start,
            chunk: CHUNK,
            min_stem: MIN_STEM,
            endings: ENDINGS,
            ambiguous: AMBIGUOUS,
            softened: pairs(SOFTENED),
            softened_after: SOFTENED_AFTER,
            soft_tail: SOFT_TAIL.iter().collect(),
            vowels: VOWELS,
            fold: pairs(FOLD),
            fleeting: FLEETING,
            stop: STOP_WORDS,
            shards: keys,
        };
        files.push(OutputFile {
            path: "search/index.json".into(),
            bytes: serde_json::to_vec(&manifest).unwrap(),
        });
        let order: Vec<String> = (0..people.len())
            .map(|p| (start + slots.slot_of(p).unwrap()).to_string())
            .collect();
        files.push(OutputFile {
            path: "search/p.json".into(),
            bytes: format!("[{}]\n", order.join(",")).into_bytes(),
        });
        files.push(OutputFile {
            path: "search/search.js".into(),
            bytes: SEARCH_JS.as_bytes().to_vec(),
        });
        files
    }

    /// A synthetic site: `n` articles and `n / 3` people, words from a small Zipf-ish
    /// vocabulary (so that terms have long posting lists and shards split), some words with
    /// characters that JSON escapes.
    fn synthetic(
        n: usize,
        seed: u64,
    ) -> (
        Vec<crate::site::Body>,
        Vec<ArticleDoc<'static>>,
        Vec<PersonDoc>,
    ) {
        let mut x = seed.max(1);
        let mut rnd = |k: usize| {
            x = crate::testrand::xorshift(x);
            (x % k as u64) as usize
        };
        let syll = [
            "ка", "ро", "ві", "на", "ле", "мо", "ст", "ін", "зе", "ськ", "ab", "q<", "\"x",
        ];
        let vocab: Vec<String> = (0..3000)
            .map(|_| (0..2 + rnd(3)).map(|_| syll[rnd(syll.len())]).collect())
            .collect();
        let text = |k: usize, rnd: &mut dyn FnMut(usize) -> usize| -> String {
            (0..k)
                .map(|_| {
                    let r = rnd(vocab.len());
                    vocab[rnd(r + 1)].as_str()
                })
                .collect::<Vec<_>>()
                .join(" ")
        };
        let people: Vec<PersonDoc> = (0..n / 3)
            .map(|i| PersonDoc {
                name: text(2, &mut rnd),
                forms: if i % 5 == 0 {
                    vec![text(2, &mut rnd)]
                } else {
                    vec![]
                },
                url: format!("people/p{i}/index.html"),
                count: i % 7,
                role: text(i % 3, &mut rnd),
            })
            .collect();
        let bodies: Vec<crate::site::Body> = (0..n)
            .map(|_| crate::site::Body::from(format!("<p>{}</p>", text(40 + rnd(200), &mut rnd))))
            .collect();
        let articles = (0..n)
            .map(|i| ArticleDoc {
                title: text(3 + rnd(8), &mut rnd).into(),
                url: format!("2026/01/01/a{i}/index.html"),
                date_text: "1 січня 2026".into(),
                people: (0..rnd(4))
                    .filter(|_| !people.is_empty())
                    .map(|_| people[rnd(people.len())].name.clone().into())
                    .collect(),
                lede: text(rnd(30), &mut rnd).into(),
                body: None,
                digest: Some(digest(i, 0)),
            })
            .collect();
        (bodies, articles, people)
    }

    /// A distinct digest for article `i` in version `v` of its file.
    fn digest(i: usize, v: u8) -> crate::hash::Digest {
        let mut d = [0; 16];
        d[..8].copy_from_slice(&(i as u64).to_le_bytes());
        d[8] = v;
        d
    }

    fn with_bodies<'a>(
        articles: Vec<ArticleDoc<'static>>,
        bodies: &'a [crate::site::Body],
    ) -> Vec<ArticleDoc<'a>> {
        articles
            .into_iter()
            .zip(bodies)
            .map(|(a, b)| ArticleDoc { body: Some(b), ..a })
            .collect()
    }

    #[test]
    fn index_matches_the_reference_with_and_without_a_cache() {
        for (n, seed) in [(0, 1), (1, 2), (9, 3), (300, 4), (2000, 5)] {
            let (bodies, articles, people) = synthetic(n, seed);
            let mut articles = with_bodies(articles, &bodies);
            let want = reference_index(&articles, &people);
            assert_eq!(index_files(&articles, &people), want, "{n} articles");
            // Through a cache: cold, then warm, then with a few articles edited.
            let dir = tempfile::tempdir().unwrap();
            let cached = || TermsCache::open(dir.path());
            assert_eq!(index_files_cached(&articles, &people, Some(cached())), want);
            assert_eq!(index_files_cached(&articles, &people, Some(cached())), want);
            for (i, a) in articles.iter_mut().enumerate().step_by(7) {
                a.title.to_mut().push_str(" нове слово");
                a.digest = Some(digest(i, 1));
            }
            let want = reference_index(&articles, &people);
            assert_eq!(index_files_cached(&articles, &people, Some(cached())), want);
            assert_eq!(index_files_cached(&articles, &people, Some(cached())), want);
        }
    }

    #[test]
    fn kept_files_are_the_ones_that_did_not_change() {
        let (bodies, articles, people) = synthetic(1500, 9);
        let mut articles = with_bodies(articles, &bodies);
        let keys = |articles: &[ArticleDoc], recorded: &BTreeMap<String, String>| {
            let keep = |path: &str, key: &str| {
                (recorded.get(path).map(String::as_str) == Some(key)).then(|| path.to_string())
            };
            let prev = Previous {
                fingerprint: &[7; 32],
                keep: &keep,
            };
            let mut kept = Vec::new();
            let mut made = BTreeMap::new();
            for p in index_pieces(articles, &people, None, Some(&prev)) {
                match p {
                    Piece::Kept(path) => kept.push(path),
                    Piece::Made(f, key) => {
                        made.insert(f.path, (key.unwrap(), f.bytes));
                    }
                }
            }
            (kept, made)
        };
        let (kept, first) = keys(&articles, &BTreeMap::new());
        assert!(kept.is_empty());
        let recorded: BTreeMap<String, String> = first
            .iter()
            .map(|(p, (k, _))| (p.clone(), k.clone()))
            .collect();
        let bytes: BTreeMap<String, Vec<u8>> =
            first.into_iter().map(|(p, (_, b))| (p, b)).collect();
        // Unchanged: everything kept.
        let (kept, made) = keys(&articles, &recorded);
        assert!(made.is_empty(), "{:?}", made.keys().collect::<Vec<_>>());
        assert_eq!(kept.len(), recorded.len());
        // One article's title changed: a few files made, each different from before, and
        // together with the kept ones they are the index made afresh.
        articles[700]
            .title
            .to_mut()
            .push_str(" зовсім нове слово ка");
        let (kept, made) = keys(&articles, &recorded);
        assert!(!made.is_empty() && made.len() < 10, "{} made", made.len());
        let want = reference_index(&articles, &people);
        for f in &want {
            match made.get(&f.path) {
                Some((_, b)) => {
                    assert_ne!(bytes.get(&f.path), Some(b), "{} made unchanged", f.path)
                }
                None => {
                    assert!(kept.contains(&f.path), "{} missing", f.path);
                    assert_eq!(
                        bytes.get(&f.path),
                        Some(&f.bytes),
                        "{} kept but changed",
                        f.path
                    );
                }
            }
        }
        assert_eq!(kept.len() + made.len(), want.len());
        // A field that gives no terms (the date) changed: only that article's chunk is made,
        // and as made afresh (chunks are keyed by their documents' fields, not their bytes).
        let (_, all) = keys(&articles, &BTreeMap::new());
        let recorded: BTreeMap<String, String> = all
            .iter()
            .map(|(p, (k, _))| (p.clone(), k.clone()))
            .collect();
        let bytes: BTreeMap<String, Vec<u8>> = all.into_iter().map(|(p, (_, b))| (p, b)).collect();
        articles[300].date_text.push_str(" (змінено)");
        let (_, made) = keys(&articles, &recorded);
        let want = reference_index(&articles, &people);
        let path = format!("search/d/{}.json", 300 / CHUNK);
        assert_eq!(made.keys().collect::<Vec<_>>(), [&path]);
        let fresh = want.iter().find(|f| f.path == path).map(|f| &f.bytes);
        assert_eq!(made.get(&path).map(|(_, b)| b), fresh);
        assert_ne!(bytes.get(&path), fresh);
    }

    fn share(a: &[String], b: &[String]) -> bool {
        a.iter().any(|x| b.contains(x))
    }

    /// The table `tests/data/search-words.txt`: (`=` groups of forms, `!` pairs of words).
    fn table() -> (Vec<Vec<&'static str>>, Vec<(&'static str, &'static str)>) {
        let mut same = Vec::new();
        let mut apart = Vec::new();
        for line in include_str!("../tests/data/search-words.txt").lines() {
            let mut it = line.split_whitespace();
            match it.next() {
                Some("=") => same.push(it.collect()),
                Some("!") => {
                    let v: Vec<&str> = it.collect();
                    assert_eq!(v.len(), 2, "{line}");
                    apart.push((v[0], v[1]));
                }
                _ => {}
            }
        }
        (same, apart)
    }

    #[test]
    fn inflected_forms_share_a_key() {
        let (same, _) = table();
        let pairs: usize = same.iter().map(|g| g.len() - 1).sum();
        assert!(pairs >= 150, "the table has only {pairs} pairs");
        let mut bad = Vec::new();
        for group in &same {
            for (i, a) in group.iter().enumerate() {
                for b in &group[i + 1..] {
                    if !share(&k(a), &k(b)) {
                        bad.push(format!("{a} {:?} ≠ {b} {:?}", k(a), k(b)));
                    }
                }
            }
        }
        assert!(
            bad.is_empty(),
            "forms that do not match:\n{}",
            bad.join("\n")
        );
    }

    #[test]
    fn different_words_share_no_key() {
        let (_, apart) = table();
        assert!(apart.len() >= 20);
        let bad: Vec<String> = apart
            .iter()
            .filter(|(a, b)| share(&k(a), &k(b)))
            .map(|(a, b)| format!("{a} {:?} = {b} {:?}", k(a), k(b)))
            .collect();
        assert!(
            bad.is_empty(),
            "different words that match:\n{}",
            bad.join("\n")
        );
    }

    #[test]
    fn keys_are_what_the_rules_say() {
        // Main key first; an ambiguous ending adds the other reading.
        assert_eq!(k("Буданов"), ["буданов"]);
        assert_eq!(k("Будановим"), ["буданов"]);
        assert_eq!(k("Буданові"), ["будан", "буданов"]);
        assert_eq!(k("Зеленського"), ["зеленськ"]);
        assert_eq!(k("Харків"), ["харк", "харков"]);
        assert_eq!(k("Харкова"), ["харков"]);
        assert_eq!(k("депутатів"), ["депутат", "депутатов"]);
        assert_eq!(k("Київ"), ["києв"]);
        assert_eq!(k("Ользі"), ["ольз", "ольг"]);
        assert_eq!(k("будинок"), ["будинк"]);
        assert_eq!(k("Зелінський"), ["зелінськ"]);
        // Short words keep their letters; Latin words and numbers are their own key.
        assert_eq!(k("ніч"), ["ноч"]);
        assert_eq!(k("рік"), ["рок"]);
        assert_eq!(k("Zelensky"), ["zelensky"]);
        assert_eq!(k("2026"), ["2026"]);
        assert_eq!(fold("київ зелінськ"), "києв золонськ");
        assert_eq!(s("Будановим"), "буданов");
    }

    #[test]
    fn words_are_normalised() {
        assert_eq!(words("П’ять пʼять П'ЯТЬ"), ["пять", "пять", "пять"]);
        assert_eq!(words("за\u{301}мок, Zelensky's"), ["замок", "zelenskys"]);
        assert_eq!(words("Ґалаґан ЁЛКА"), ["галаган", "елка"]);
    }

    #[test]
    fn json_strings_carry_no_markup() {
        assert_eq!(js("<b>&"), "\"\\u003cb\\u003e\\u0026\"");
    }

    #[test]
    fn html_text_drops_tags() {
        assert_eq!(
            html_text("<p>А &amp; <em>Б</em></p>")
                .split_whitespace()
                .collect::<Vec<_>>(),
            ["А", "&", "Б"]
        );
    }

    /// A synthetic 10,000-article site: the manifest, the largest shard and a few document
    /// chunks stay well under 1 MB.
    #[test]
    fn ten_thousand_articles_first_search_is_small() {
        let seed = std::cell::Cell::new(7u64);
        let rnd = |n: usize| {
            let mut x = seed.get();
            x = crate::testrand::xorshift(x);
            seed.set(x);
            (x % n as u64) as usize
        };
        let syll = [
            "ка", "ро", "ві", "на", "ле", "мо", "ди", "ст", "ук", "ра", "ін", "ба", "зе", "лен",
            "ськ", "ов", "пе", "тр", "го", "ми", "ко", "ла", "ша", "ню", "ре", "ти", "по", "за",
        ];
        let ends = ["", "а", "ою", "ого", "і", "ами", "ий", "ом", "у"];
        let vocab: Vec<String> = (0..20000)
            .map(|_| {
                let n = 2 + rnd(3);
                let mut w: String = (0..n).map(|_| syll[rnd(syll.len())]).collect();
                w.push_str(ends[rnd(ends.len())]);
                w
            })
            .collect();
        // Zipf-ish: low indices are common.
        let word = || {
            let r = rnd(vocab.len());
            vocab[rnd(r + 1)].clone()
        };
        let people: Vec<PersonDoc> = (0..4000)
            .map(|i| PersonDoc {
                name: format!("{} {}", word(), word()),
                url: format!("people/p{i}/index.html"),
                count: 3,
                ..Default::default()
            })
            .collect();
        let texts: Vec<crate::site::Body> = (0..10000)
            .map(|_| {
                let text = (0..250).map(|_| word()).collect::<Vec<_>>().join(" ");
                crate::site::Body::from(text)
            })
            .collect();
        let articles: Vec<ArticleDoc> = (0..10000)
            .map(|i| ArticleDoc {
                title: (0..10).map(|_| word()).collect::<Vec<_>>().join(" ").into(),
                url: format!("2026/01/01/a{i}/index.html"),
                date_text: "1 січня 2026".into(),
                people: (0..3)
                    .map(|_| people[rnd(4000)].name.clone().into())
                    .collect(),
                lede: (0..30).map(|_| word()).collect::<Vec<_>>().join(" ").into(),
                body: Some(&texts[i]),
                digest: None,
            })
            .collect();
        let files = index_files(&articles, &people);
        let size = |p: &str| {
            files
                .iter()
                .find(|f| f.path == p)
                .map(|f| f.bytes.len())
                .unwrap_or(0)
        };
        let manifest = size("search/index.json");
        let max_shard = files
            .iter()
            .filter(|f| f.path.starts_with("search/t/"))
            .map(|f| f.bytes.len())
            .max()
            .unwrap_or(0);
        let max_chunk = files
            .iter()
            .filter(|f| f.path.starts_with("search/d/"))
            .map(|f| f.bytes.len())
            .max()
            .unwrap_or(0);
        // A two-word query: manifest, two shards (the worst), the chunks of the 10 people and
        // 20 articles shown (worst case: all in different chunks), the script.
        let first = manifest + 2 * max_shard + 30 * max_chunk + SEARCH_JS.len();
        eprintln!(
            "manifest {manifest} B, largest shard {max_shard} B, largest chunk {max_chunk} B, \
             worst first search {first} B"
        );
        assert!(first < 1_000_000, "first search downloads {first} bytes");
    }

    #[test]
    fn output_is_deterministic() {
        let body = crate::site::Body::from("<p>Кирило Буданов заявив</p>".to_string());
        let a = vec![ArticleDoc {
            title: "Буданов у Києві".into(),
            url: "2026/01/07/a/index.html".into(),
            people: vec!["Кирило Буданов".into()],
            body: Some(&body),
            ..Default::default()
        }];
        let p = vec![PersonDoc {
            name: "Кирило Буданов".into(),
            url: "people/kyrylo-budanov/index.html".into(),
            count: 1,
            ..Default::default()
        }];
        assert_eq!(index_files(&a, &p), index_files(&a, &p));
        let files = index_files(&a, &p);
        let all: String = files
            .iter()
            .filter(|f| f.path.starts_with("search/t/"))
            .map(|f| String::from_utf8_lossy(&f.bytes).into_owned())
            .collect();
        // The person's document is in the person's slot, from the 1024th document on.
        assert_eq!(
            slots::start(1, &Slots::of(["Кирило Буданов"].into_iter())),
            1024
        );
        let person = 1024
            + Slots::of(["Кирило Буданов"].into_iter())
                .slot_of(0)
                .unwrap();
        let posting = format!("\"буданов\":[0,15,{person},40]");
        assert!(all.contains(&posting), "{all}");
    }
}
