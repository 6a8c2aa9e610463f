//! English person extraction: capitalised sequences with a given name, honorific or role
//! before them; honorifics and possessives stay outside the span; surname-only mentions merge
//! into the single full name of the article with that surname.

use super::extract::{Kind, Tok};
use super::{Extraction, Mention, Registry};
use std::collections::HashSet;
use std::sync::OnceLock;

/// A compact list of common English/international given names, written for this project.
const GIVEN: &str = "aaron abigail adam adrian al alan albert alex alexander alexandra alfred alice alison amanda amy andrea andrew andy angela ann anna anne anthony antonio arnold arthur ashley barack barbara ben benjamin bernard bernie bert beth betty bill billy bob bobby boris brad brandon brian bruce bryan carl carlos carol caroline catherine charles charlie chris christian christina christine christopher chuck claire colin craig dan daniel danny dave david dean debbie deborah dennis diana diane dick don donald doris dorothy doug douglas dylan ed eddie edward elena elizabeth ellen emily emma emmanuel eric erik ethan eugene eva evan frank fred frederick gary gavin george georgia gerald gordon grace greg gregory hannah harold harry heather helen henry hillary howard hugh ian isaac jack jackie jacob jake james jamie jane janet jason jeff jeffrey jennifer jenny jeremy jerry jesse jessica jill jim jimmy joan joe joel john johnny jon jonathan jordan jose joseph josh joshua joyce juan judith judy julia julian julie justin karen kate katherine kathleen kathryn katie keith kelly ken kenneth kevin kim kimberly larry laura lauren lawrence leo leonard lewis linda lisa liz louis louise lucy luke margaret maria marie marion mark martin mary matt matthew megan melissa michael michelle mike mitch mitt nancy natalie nathan neil nicholas nick nicola nicole noah norman olaf oliver olivia pamela pat patricia patrick paul peter phil philip rachel ralph randy ray raymond rebecca richard rick rishi rob robert robin roger ron ronald rose roy russell ruth ryan sally sam samantha samuel sandra sara sarah scott sean sergei sharon simon sophie stan stanley stephanie stephen steve steven stuart susan ted teresa terry thomas tim timothy tina todd tom tommy tony tyler ursula valerie vera victor victoria vincent vladimir volodymyr walter wayne wendy william willie xi yulia yuri zach";

const HONORIFICS: &str = "mr mrs ms miss dr prof professor sir dame lord lady president premier king queen prince princess emperor empress pope saint st general gen colonel col major captain capt lieutenant lt sergeant sgt senator sen rep representative governor gov mayor minister chancellor secretary judge justice father rev reverend bishop archbishop cardinal madame mademoiselle mlle mme monsieur herr doctor coach chairman ambassador commissioner officer inspector agent";

const STOP: &str = "the a an in on at of for and or but if when while after before during since this that these those it its he she they we you i my his her their our your there here today yesterday tomorrow monday tuesday wednesday thursday friday saturday sunday january february march april may june july august september october november december image photo source wikinews wikipedia interview according however also although because meanwhile who what where why how which not no yes as by from with about into over under between through more most many much some any all each every other another such only just even still then than so very early life career death references external links see notes history government university college school institute church street road avenue river lake mount island county state states united kingdom republic america american british english french german russian ukrainian european europe asia africa london paris berlin moscow kyiv kiev washington new york california texas china japan india canada australia israel ukraine russia france germany britain england scotland wales ireland italy spain congress senate house parliament court party democrats democratic republican republicans labour conservative nato un eu bbc cnn god christ jesus internet";

fn set(s: &'static str) -> HashSet<&'static str> {
    s.split_whitespace().collect()
}

fn given() -> &'static HashSet<&'static str> {
    static S: OnceLock<HashSet<&'static str>> = OnceLock::new();
    S.get_or_init(|| set(GIVEN))
}
fn honorific() -> &'static HashSet<&'static str> {
    static S: OnceLock<HashSet<&'static str>> = OnceLock::new();
    S.get_or_init(|| set(HONORIFICS))
}
fn stop() -> &'static HashSet<&'static str> {
    static S: OnceLock<HashSet<&'static str>> = OnceLock::new();
    S.get_or_init(|| set(STOP))
}

/// The Ukrainian given names of the shipped lists in their official (KMU 2010) Latin spelling:
/// «Kyrylo Budanov», «Olena Zelenska» in English text.
fn ukrainian_given_latin() -> &'static HashSet<String> {
    static S: OnceLock<HashSet<String>> = OnceLock::new();
    S.get_or_init(|| {
        [
            include_str!("../../data/names/uk-given-male.txt"),
            include_str!("../../data/names/uk-given-male-extra.txt"),
            include_str!("../../data/names/uk-given-female.txt"),
            include_str!("../../data/names/uk-given-female-extra.txt"),
        ]
        .iter()
        .flat_map(|list| list.lines())
        .map(str::trim)
        .filter(|n| n.chars().count() >= 3)
        .map(|n| crate::site::translit::translit(n).to_lowercase())
        .filter(|l| !stop().contains(l.as_str()))
        .collect()
    })
}

/// Whether a lower-case Latin word is a common given name.
pub(crate) fn is_given(lower: &str) -> bool {
    let b = base(lower);
    given().contains(b) || ukrainian_given_latin().contains(b)
}

fn base(lower: &str) -> &str {
    lower
        .strip_suffix("ʼs")
        .or_else(|| lower.strip_suffix('ʼ'))
        .unwrap_or(lower)
}

/// Finds people in an English text.
pub(crate) fn extract_en(text: &str, toks: &[Tok], registry: &Registry) -> Extraction {
    let h = honorific();
    let st = stop();
    let is_name_word = |i: usize| {
        toks.get(i).is_some_and(|t| {
            t.kind == Kind::Word && t.cap && !t.allcaps && !st.contains(base(&t.lower))
        })
    };
    let is_initial = |i: usize| {
        toks.get(i)
            .is_some_and(|t| t.kind == Kind::Word && t.cap && t.ce - t.cs == 1)
            && toks
                .get(i + 1)
                .is_some_and(|d| d.kind == Kind::Punct && d.ch == '.')
    };
    // (first tok, last tok, strong)
    let mut spans: Vec<(usize, usize, bool)> = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let t = &toks[i];
        if t.kind != Kind::Word || !t.cap {
            i += 1;
            continue;
        }
        // Honorific: skip it (and its dot), the name follows.
        let mut strong = false;
        let mut s = i;
        if h.contains(t.lower.as_str()) {
            let mut n = i + 1;
            // Several titles in a row («General Sir …»), each with an optional dot.
            loop {
                if toks
                    .get(n)
                    .is_some_and(|d| d.kind == Kind::Punct && d.ch == '.')
                {
                    n += 1;
                }
                if toks
                    .get(n)
                    .is_some_and(|d| d.kind == Kind::Word && h.contains(d.lower.as_str()))
                {
                    n += 1;
                    continue;
                }
                break;
            }
            let saint = matches!(t.lower.as_str(), "st" | "saint");
            if (is_name_word(n) || is_initial(n))
                && (!saint || toks.get(n).is_some_and(|w| is_given(&w.lower)))
            {
                strong = true;
                s = n;
            } else {
                i += 1;
                continue;
            }
        }
        let mut e = s;
        let mut words = 0;
        let mut k = s;
        loop {
            if is_initial(k) {
                e = k + 1;
                k += 2;
                words += 1;
                continue;
            }
            if is_name_word(k) && !(k > s && toks[k].nl_before) {
                e = k;
                words += 1;
                if toks[k].lower.ends_with("ʼs") || toks[k].lower.ends_with('ʼ') {
                    k += 1;
                    break;
                }
                k += 1;
                continue;
            }
            // Regnal numbers: Louis XV, Damasus I.
            if words > 0
                && toks.get(k).is_some_and(|r| {
                    r.kind == Kind::Word
                        && !r.nl_before
                        && r.lower.len() <= 5
                        && r.lower.chars().all(|c| matches!(c, 'i' | 'v' | 'x'))
                        && text
                            .get(r.bs..r.be)
                            .is_some_and(|w| w.chars().all(|c| c.is_ascii_uppercase()))
                })
            {
                e = k;
                k += 1;
            }
            break;
        }
        // Only initials («U.S.», «S. F.»): not a name.
        if (s..=e).all(|x| toks[x].kind != Kind::Word || is_initial(x)) {
            i = k.max(i + 1);
            continue;
        }
        if words == 0 {
            i = k.max(i + 1);
            continue;
        }
        let first = &toks[s];
        let has_given = is_given(&first.lower) || is_initial(s);
        if has_given && words >= 2 {
            strong = true;
        }
        if strong || words == 1 {
            spans.push((s, e, strong || has_given && words >= 2));
        }
        i = k.max(i + 1);
    }
    // Full names: last word → canonical.
    let word_text = |i: usize| -> String {
        let t = &toks[i];
        let raw = text.get(t.bs..t.be).unwrap_or_default();
        let raw = raw
            .strip_suffix("'s")
            .or_else(|| raw.strip_suffix("’s"))
            .or_else(|| raw.strip_suffix('\''))
            .or_else(|| raw.strip_suffix('’'))
            .unwrap_or(raw);
        raw.to_string()
    };
    let mut full: Vec<(String, String)> = Vec::new();
    for &(s, e, strong) in &spans {
        if strong && e > s {
            let canon = span_text(text, toks, s, e, &word_text);
            let last = word_text(e);
            if !full.iter().any(|f| f.1 == canon) {
                full.push((last, canon));
            }
        }
    }
    // The fullest form of each name (Matthew Goode → Matthew William Goode).
    let fullest: Vec<(String, String)> = full
        .iter()
        .map(|(last, canon)| {
            let first = canon.split(' ').next().unwrap_or_default();
            let best = full
                .iter()
                .filter(|(l2, c2)| l2 == last && c2.split(' ').next() == Some(first))
                .max_by_key(|(_, c2)| c2.split(' ').count())
                .map_or(canon.clone(), |(_, c2)| c2.clone());
            (last.clone(), best)
        })
        .collect();
    let full: Vec<(String, String)> = {
        let mut v: Vec<(String, String)> = Vec::new();
        for f in fullest {
            if !v.contains(&f) {
                v.push(f);
            }
        }
        v
    };
    let mut ex = Extraction::default();
    for (s, e, strong) in spans {
        let mut canonical = span_text(text, toks, s, e, &word_text);
        if let Some(f) = full.iter().find(|f| {
            e > s && f.0 == word_text(e) && f.1.split(' ').next() == canonical.split(' ').next()
        }) {
            canonical = f.1.clone();
        }
        if s == e {
            let w = word_text(s);
            let m: Vec<&(String, String)> = full.iter().filter(|f| f.0 == w).collect();
            if m.len() == 1 {
                canonical = m[0].1.clone();
            } else if !strong && m.is_empty() {
                continue;
            }
        } else if !strong {
            continue;
        }
        let (ft, lt) = (&toks[s], &toks[e]);
        let mut end_b = lt.be;
        let mut end_c = lt.ce;
        let raw_last = text.get(lt.bs..lt.be).unwrap_or_default();
        let wl = word_text(e);
        if wl.len() < raw_last.len() {
            end_b = lt.bs + wl.len();
            end_c = lt.cs + wl.chars().count();
        }
        let Some(span) = text.get(ft.bs..end_b) else {
            continue;
        };
        if registry.is_ignored(span) || registry.is_ignored(&canonical) {
            continue;
        }
        let canonical = registry
            .resolve(&canonical)
            .map(str::to_string)
            .unwrap_or(canonical);
        if !ex.people.contains(&canonical) {
            ex.people.push(canonical.clone());
        }
        ex.mentions.push(Mention {
            start: ft.cs,
            end: end_c,
            text: span.to_string(),
            canonical,
        });
    }
    ex
}

fn span_text(
    text: &str,
    toks: &[Tok],
    s: usize,
    e: usize,
    word_text: &dyn Fn(usize) -> String,
) -> String {
    let mut out = String::new();
    for (k, t) in toks.iter().enumerate().take(e + 1).skip(s) {
        if k > s && t.space_before {
            out.push(' ');
        }
        if k == e && t.kind == Kind::Word {
            out.push_str(&word_text(k));
        } else {
            out.push_str(text.get(t.bs..t.be).unwrap_or_default());
        }
    }
    out
}
