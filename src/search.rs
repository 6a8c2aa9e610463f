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
//! | `d/<n>.json` | documents `n*CHUNK ..`: `[0, title, url, date, people, lede]` for an article, `[1, name, url, count, role]` for a person |
//!
//! Shards are keyed by the first letters of the terms (folded, [`fold`]), as many as it takes to keep each shard
//! under [`SHARD_BUDGET`] bytes (a shard of a common prefix splits by the next letter), so the
//! first search of a 10,000-article site downloads the manifest, one or a few shards and the
//! document chunks of the results shown: a few hundred kilobytes at most.

use crate::render::context::Page;
use crate::render::{labels, links, OutputFile, Templates};
use crate::site::{Site, SiteError};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;

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

/// The normalised words of `text`: NFC, lower case, apostrophes and combining marks dropped
/// (so «п’ять» and «пʼять» are one word), ё → е, ґ → г; words are runs of letters and digits.
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

fn is_cyrillic(c: char) -> bool {
    ('\u{0400}'..='\u{04ff}').contains(&c)
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

/// Soft tail, folding of the last closed syllable and fleeting vowels (see the constants).
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

/// The keys of a normalised word (one, or two or three when its ending is ambiguous), the
/// first being the main one. A Cyrillic word loses its case ending ([`ENDINGS`]; never below
/// [`MIN_STEM`] letters), also the other way for an ending in [`AMBIGUOUS`] and with the hard
/// consonant for one in [`SOFTENED`]; then each stem is finished: a soft tail letter
/// ([`SOFT_TAIL`]) dropped, the vowel of a closed last syllable folded ([`FOLD`]), a fleeting
/// vowel dropped ([`FLEETING`]). Other words are their own key. Two words match when they
/// share a key.
pub fn keys(word: &str) -> Vec<String> {
    let chars: Vec<char> = word.chars().collect();
    if !chars.last().copied().is_some_and(is_cyrillic) {
        return vec![word.to_string()];
    }
    let n = chars.len();
    let mut ending = "";
    for e in ENDINGS {
        let el = e.chars().count();
        if n >= el + MIN_STEM && word.ends_with(e) {
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

/// The main key of a normalised word (see [`keys`]).
pub fn stem(word: &str) -> String {
    keys(word).swap_remove(0)
}

/// True for words worth indexing: not a stop word, at least two characters.
fn indexable(w: &str) -> bool {
    w.chars().nth(1).is_some() && !STOP_WORDS.contains(&w)
}

/// The text of rendered HTML: tags dropped, the entities our Markdown renderer writes decoded.
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

/// An article as the index sees it.
#[derive(Debug, Clone, Default)]
pub struct ArticleDoc {
    pub title: String,
    /// From the site root, e.g. `2026/01/07/slug/index.html`.
    pub url: String,
    pub date_text: String,
    pub people: Vec<String>,
    pub lede: String,
    /// Plain text of the body.
    pub text: String,
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

fn shard_file(key: &str) -> String {
    let hex: Vec<String> = key.chars().map(|c| format!("{:x}", c as u32)).collect();
    format!("search/t/{}.json", hex.join("-"))
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

/// Splits `(folded key, json)` terms into shards of at most [`SHARD_BUDGET`] bytes by
/// common prefix; returns (key, term indices).
fn shard(terms: &[(Vec<char>, String)]) -> Vec<(String, Vec<usize>)> {
    fn go(
        terms: &[(Vec<char>, String)],
        idx: Vec<usize>,
        depth: usize,
        prefix: &[char],
        out: &mut Vec<(String, Vec<usize>)>,
    ) {
        let size: usize = idx.iter().map(|&i| terms[i].1.len() + 1).sum();
        if depth > 0 && (size <= SHARD_BUDGET || depth >= MAX_KEY) {
            out.push((prefix.iter().collect(), idx));
            return;
        }
        let mut own = Vec::new();
        let mut groups: BTreeMap<char, Vec<usize>> = BTreeMap::new();
        for i in idx {
            match terms[i].0.get(depth) {
                Some(&c) => groups.entry(c).or_default().push(i),
                None => own.push(i),
            }
        }
        if !own.is_empty() {
            out.push((prefix.iter().collect(), own));
        }
        for (c, g) in groups {
            let mut p = prefix.to_vec();
            p.push(c);
            go(terms, g, depth + 1, &p, out);
        }
    }
    let mut out = Vec::new();
    go(terms, (0..terms.len()).collect(), 0, &[], &mut out);
    out
}

/// Builds the index files (everything under `search/` but the page).
pub fn index_files(articles: &[ArticleDoc], people: &[PersonDoc]) -> Vec<OutputFile> {
    use rayon::prelude::*;
    use std::collections::HashMap;
    /// One document's terms: stem → score, in the order the stems first appear.
    #[derive(Default)]
    struct DocTerms {
        at: HashMap<String, usize>,
        terms: Vec<(String, u32)>,
    }
    fn add(doc: &mut DocTerms, text: &str, score: u32, cap: u32) {
        for w in words(text) {
            if !indexable(&w) {
                continue;
            }
            for k in keys(&w) {
                let i = match doc.at.get(&k) {
                    Some(&i) => i,
                    None => {
                        doc.at.insert(k.clone(), doc.terms.len());
                        doc.terms.push((k, 0));
                        doc.terms.len() - 1
                    }
                };
                let e = &mut doc.terms[i].1;
                *e = (*e + score).min(cap.max(*e));
            }
        }
    }
    // Each document's terms, in parallel (a document's scores depend on it alone)…
    let doc_terms = |d: usize| -> Vec<(String, u32)> {
        let mut t = DocTerms::default();
        if let Some(a) = articles.get(d) {
            // Text first, capped; title and people on top.
            add(&mut t, &a.lede, TEXT, TEXT_MAX);
            add(&mut t, &a.text, TEXT, TEXT_MAX);
            add(&mut t, &a.title, TITLE, u32::MAX);
            for p in &a.people {
                add(&mut t, p, PERSON_IN_ARTICLE, u32::MAX);
            }
        } else if let Some(p) = people.get(d - articles.len()) {
            add(&mut t, &p.role, PERSON_ROLE, PERSON_ROLE);
            add(&mut t, &p.name, PERSON_NAME, PERSON_NAME);
            for f in &p.forms {
                add(&mut t, f, PERSON_NAME, PERSON_NAME);
            }
        }
        t.terms
    };
    // …then the postings of each stem, in document order (a hash map: no string comparisons
    // per word), and the stems sorted once. Documents go in chunks, each chunk's terms found
    // while the previous chunk is merged, so only a chunk's terms are in memory at once.
    let mut ids: HashMap<String, usize> = HashMap::new();
    let mut postings: Vec<(String, Vec<(u32, u32)>)> = Vec::new();
    let mut merge = |first: usize, chunk: Vec<Vec<(String, u32)>>| {
        for (k, terms) in chunk.into_iter().enumerate() {
            let d = (first + k) as u32;
            for (s, score) in terms {
                let id = match ids.get(&s) {
                    Some(&id) => id,
                    None => {
                        ids.insert(s.clone(), postings.len());
                        postings.push((s, Vec::new()));
                        postings.len() - 1
                    }
                };
                postings[id].1.push((d, score));
            }
        }
    };
    const CHUNK_DOCS: usize = 1024;
    let docs = articles.len() + people.len();
    /// The first document of a chunk and each of its documents' terms.
    type Chunk = (usize, Vec<Vec<(String, u32)>>);
    let mut pending: Option<Chunk> = None;
    for first in (0..docs).step_by(CHUNK_DOCS) {
        let last = (first + CHUNK_DOCS).min(docs);
        let (terms, ()) = rayon::join(
            || (first..last).into_par_iter().map(doc_terms).collect(),
            || {
                if let Some((f, chunk)) = pending.take() {
                    merge(f, chunk);
                }
            },
        );
        pending = Some((first, terms));
    }
    if let Some((f, chunk)) = pending.take() {
        merge(f, chunk);
    }
    drop(ids);
    postings.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let terms: Vec<(Vec<char>, String)> = postings
        .par_iter()
        .map(|(stem, docs)| {
            let mut s = String::with_capacity(docs.len() * 6 + stem.len() + 8);
            s.push_str(&js(stem));
            s.push_str(":[");
            let mut last = 0u32;
            for (n, &(d, score)) in docs.iter().enumerate() {
                if n > 0 {
                    s.push(',');
                }
                let _ = write!(s, "{},{}", d - last, score);
                last = d;
            }
            s.push(']');
            (stem.chars().map(fold_char).collect(), s)
        })
        .collect();
    drop(postings);
    let shards = shard(&terms);
    let mut files = Vec::with_capacity(shards.len() + articles.len() / CHUNK + 4);
    let mut keys = Vec::with_capacity(shards.len());
    for (key, idx) in shards {
        let mut s = String::from("{");
        for (n, i) in idx.iter().enumerate() {
            if n > 0 {
                s.push(',');
            }
            s.push_str(&terms[*i].1);
        }
        s.push_str("}\n");
        files.push(OutputFile {
            path: shard_file(&key),
            bytes: s.into_bytes(),
        });
        keys.push(key);
    }
    // Documents.
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
        .chain(people.iter().map(|p| {
            format!(
                "[1,{},{},{},{}]",
                js(&p.name),
                js(&p.url),
                p.count,
                js(&p.role)
            )
        }))
        .collect();
    for (n, chunk) in docs.chunks(CHUNK).enumerate() {
        files.push(OutputFile {
            path: format!("search/d/{n}.json"),
            bytes: format!("[{}]\n", chunk.join(",\n")).into_bytes(),
        });
    }
    let manifest = Manifest {
        v: 2,
        docs: docs.len(),
        articles: articles.len(),
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
        bytes: serde_json::to_vec(&manifest).unwrap_or_default(),
    });
    files.push(OutputFile {
        path: "search/search.js".into(),
        bytes: SEARCH_JS.as_bytes().to_vec(),
    });
    files
}

/// The site icon (`favicon.svg`, linked from `base.html`), written with the search files so
/// browsers do not ask for a missing `/favicon.ico`.
pub const FAVICON: &str = include_str!("../templates/favicon.svg");

/// The people index's filter script (`people/filter.js`).
pub const FILTER_JS: &str = include_str!("../templates/filter.js");

/// The search script.
pub const SEARCH_JS: &str = include_str!("../templates/search.js");

/// The documents of `site`, in site order (articles newest first, then people).
pub fn documents(site: &Site) -> (Vec<ArticleDoc>, Vec<PersonDoc>) {
    let lang = site.config.language.as_str();
    let articles = site
        .articles
        .iter()
        .map(|a| ArticleDoc {
            title: a.title.clone(),
            url: links::index_of(&a.url),
            date_text: if a.language == "en" || lang == "en" {
                a.date.format_en()
            } else {
                a.date.format_uk()
            },
            people: a
                .people
                .iter()
                .filter_map(|&p| site.people.get(p).map(|p| p.name.clone()))
                .collect(),
            lede: a.summary.clone(),
            text: html_text(&a.body_html),
        })
        .collect();
    let people = site
        .people
        .iter()
        .map(|p| PersonDoc {
            name: p.name.clone(),
            forms: p.forms.clone(),
            url: links::index_of(&p.url),
            count: p.articles.len(),
            role: p.role.as_ref().map(|r| r.role.clone()).unwrap_or_default(),
        })
        .collect();
    (articles, people)
}

/// The context of `search.html`.
#[derive(Serialize)]
struct SearchCtx {
    page: Page,
}

/// The search page and its index (every file under `search/`), the people filter script
/// (`people/filter.js`) and `favicon.svg`.
pub fn render(site: &Site, templates: &Templates) -> Result<Vec<OutputFile>, SiteError> {
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
    let (articles, people) = documents(site);
    let mut files = index_files(&articles, &people);
    files.push(templates.render_page(
        "search.html",
        links::index_of(&dir),
        &SearchCtx { page },
        16 << 10,
    )?);
    files.push(OutputFile {
        path: "people/filter.js".into(),
        bytes: FILTER_JS.as_bytes().to_vec(),
    });
    files.push(OutputFile {
        path: "favicon.svg".into(),
        bytes: FAVICON.as_bytes().to_vec(),
    });
    Ok(files)
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
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
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
        let articles: Vec<ArticleDoc> = (0..10000)
            .map(|i| ArticleDoc {
                title: (0..10).map(|_| word()).collect::<Vec<_>>().join(" "),
                url: format!("2026/01/01/a{i}/index.html"),
                date_text: "1 січня 2026".into(),
                people: (0..3).map(|_| people[rnd(4000)].name.clone()).collect(),
                lede: (0..30).map(|_| word()).collect::<Vec<_>>().join(" "),
                text: (0..250).map(|_| word()).collect::<Vec<_>>().join(" "),
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
        let a = vec![ArticleDoc {
            title: "Буданов у Києві".into(),
            url: "2026/01/07/a/index.html".into(),
            people: vec!["Кирило Буданов".into()],
            text: "Кирило Буданов заявив".into(),
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
        assert!(all.contains("\"буданов\":[0,15,1,40]"), "{all}");
    }
}
