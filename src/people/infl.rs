//! Private inflection helpers for extraction: given-name case forms, noun/adjective case forms
//! (for places and stop words) and a surname nominative guesser. A small, self-contained
//! stand-in used by [`super::extract`]; the full morphology lives in [`super::morph`].

use super::morph::Cases;
use super::Gender;

const N: u8 = 1;
const G: u8 = 2;
const D: u8 = 4;
const A: u8 = 8;
const I: u8 = 16;
const L: u8 = 32;
const V: u8 = 64;

fn is_vowel(c: char) -> bool {
    matches!(c, 'а' | 'е' | 'є' | 'и' | 'і' | 'ї' | 'о' | 'у' | 'ю' | 'я')
}

fn is_sibilant(c: char) -> bool {
    matches!(c, 'ж' | 'ч' | 'ш' | 'щ')
}

fn last_char(s: &str) -> Option<char> {
    s.chars().next_back()
}

/// `ends_with_fast(s, suf)`, compared from the last byte: the word lists test many short endings
/// one by one, and most fail on the last byte (no call into memcmp).
#[inline]
pub(crate) fn ends_with_fast(s: &str, suf: &str) -> bool {
    let (s, suf) = (s.as_bytes(), suf.as_bytes());
    if suf.len() > s.len() {
        return false;
    }
    let off = s.len() - suf.len();
    let mut i = suf.len();
    while i > 0 {
        i -= 1;
        if s[off + i] != suf[i] {
            return false;
        }
    }
    true
}

/// A fixed set of suffixes indexed by their last byte, for "does the word end in any of
/// them": only the suffixes that share the word's last byte are compared (the answer is that
/// of testing each suffix with [`ends_with_fast`]; most words fail every suffix of a long
/// list, and most of those on the last byte).
pub(crate) struct SuffixIndex {
    /// The suffixes, grouped by last byte.
    sufs: Vec<&'static str>,
    /// `sufs[start[b]..start[b + 1]]` are the suffixes whose last byte is `b`.
    start: Vec<u16>,
    /// The set holds the empty suffix (every word ends in it).
    empty: bool,
}

impl SuffixIndex {
    /// Indexes `list` (repeats and order do not matter).
    pub(crate) fn new(list: &[&'static str]) -> SuffixIndex {
        let mut sufs: Vec<&'static str> = list.iter().copied().filter(|s| !s.is_empty()).collect();
        sufs.sort_by_key(|s| s.as_bytes().last().copied());
        let mut start = vec![0u16; 257];
        for (b, slot) in start.iter_mut().enumerate() {
            let n = sufs
                .iter()
                .take_while(|s| s.as_bytes().last().is_some_and(|&l| usize::from(l) < b))
                .count();
            *slot = u16::try_from(n).unwrap_or(u16::MAX);
        }
        SuffixIndex {
            sufs,
            start,
            empty: list.iter().any(|s| s.is_empty()),
        }
    }

    /// Whether `s` ends in one of the suffixes.
    #[inline]
    pub(crate) fn any_suffix_of(&self, s: &str) -> bool {
        if self.empty {
            return true;
        }
        let Some(&b) = s.as_bytes().last() else {
            return false;
        };
        let (a, z) = (
            self.start.get(usize::from(b)).copied().unwrap_or(0),
            self.start.get(usize::from(b) + 1).copied().unwrap_or(0),
        );
        self.sufs
            .get(usize::from(a)..usize::from(z))
            .unwrap_or_default()
            .iter()
            .any(|suf| ends_with_fast(s, suf))
    }
}

/// A [`SuffixIndex`] of a constant list, built on first use: `ends_with_any!(word, LIST)`
/// is `LIST.iter().any(|e| ends_with_fast(word, e))`.
macro_rules! ends_with_any {
    ($s:expr, $list:expr) => {{
        static INDEX: std::sync::OnceLock<$crate::people::infl::SuffixIndex> =
            std::sync::OnceLock::new();
        INDEX
            .get_or_init(|| $crate::people::infl::SuffixIndex::new(&$list))
            .any_suffix_of($s)
    }};
}
pub(crate) use ends_with_any;

/// `strip_suffix_fast(s, suf)` by [`ends_with_fast`]. A whole UTF-8 suffix matched byte for byte
/// starts at a character boundary.
#[inline]
pub(crate) fn strip_suffix_fast<'a>(s: &'a str, suf: &str) -> Option<&'a str> {
    if ends_with_fast(s, suf) {
        s.get(..s.len() - suf.len())
    } else {
        None
    }
}

/// `a` followed by `b`, in a string allocated once (what `format!("{a}{b}")` gives, without the
/// formatting machinery: the gazetteers are built from hundreds of thousands of such forms).
fn cat(a: &str, b: &str) -> String {
    let mut s = String::with_capacity(a.len() + b.len());
    s.push_str(a);
    s.push_str(b);
    s
}

fn strip_last(s: &str) -> &str {
    match s.char_indices().next_back() {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

/// г/к/х → з/ц/с before the dative/locative -і.
fn palatalize(stem: &str) -> String {
    match last_char(stem) {
        Some('г') => cat(strip_last(stem), "з"),
        Some('к') => cat(strip_last(stem), "ц"),
        Some('х') => cat(strip_last(stem), "с"),
        _ => stem.to_string(),
    }
}

/// і → о in the last closed syllable (Федір → Федор-, Яків → Яков-).
fn alternate_i(stem: &str) -> Option<String> {
    let chars: Vec<char> = stem.chars().collect();
    let n = chars.len();
    if n >= 3 && chars[n - 2] == 'і' && !is_vowel(chars[n - 1]) && !is_vowel(chars[n - 3]) {
        let mut out: String = chars[..n - 2].iter().collect();
        out.push('о');
        out.push(chars[n - 1]);
        Some(out)
    } else if n >= 3 && chars[n - 2] == 'ї' && !is_vowel(chars[n - 1]) {
        // Київ → Києва, Миколаїв → Миколаєва.
        let mut out: String = chars[..n - 2].iter().collect();
        out.push('є');
        out.push(chars[n - 1]);
        Some(out)
    } else {
        None
    }
}

/// Case forms of a given name (lower-case in, lower-case out) with their cases.
pub fn given_forms(nom: &str, gender: Gender) -> Vec<(String, u8)> {
    let mut out: Vec<(String, u8)> = vec![(nom.to_string(), N)];
    let Some(last) = last_char(nom) else {
        return out;
    };
    if nom == "лев" {
        // Fleeting е: Лев → Льва.
        for (f, c) in [
            ("льва", G | A),
            ("льву", D | L),
            ("львові", D | L),
            ("львом", I),
        ] {
            out.push((f.to_string(), c));
        }
    }
    let stem = strip_last(nom);
    let mut add = |s: String, c: u8| out.push((s, c));
    match last {
        'о' if gender != Gender::Female => {
            add(cat(stem, "а"), G | A);
            add(cat(stem, "у"), D | L | V);
            add(cat(stem, "ові"), D | L);
            add(cat(stem, "ом"), I);
            add(cat(stem, "е"), V);
        }
        'а' => {
            let soft = last_char(stem).is_some_and(is_sibilant);
            add(cat(stem, if soft { "і" } else { "и" }), G);
            add(cat(&palatalize(stem), "і"), D | L);
            if soft {
                add(cat(stem, "і"), D | L);
            }
            add(cat(stem, "у"), A);
            add(cat(stem, if soft { "ею" } else { "ою" }), I);
            add(cat(stem, "о"), V);
        }
        'я' => {
            let after_vowel = last_char(stem).is_some_and(|c| is_vowel(c) || c == 'ʼ');
            if after_vowel {
                add(cat(stem, "ї"), G | D | L);
                add(cat(stem, "ю"), A);
                add(cat(stem, "єю"), I);
                add(cat(stem, "є"), V);
            } else {
                add(cat(stem, "і"), G | D | L);
                add(cat(stem, "ю"), A | V);
                add(cat(stem, "ею"), I);
            }
        }
        'й' => {
            add(cat(stem, "я"), G | A);
            add(cat(stem, "ю"), D | L | V);
            add(cat(stem, "єві"), D | L);
            add(cat(stem, "єм"), I);
        }
        'ь' => {
            add(cat(stem, "я"), G | A);
            add(cat(stem, "ю"), D | L | V);
            add(cat(stem, "еві"), D | L);
            add(cat(stem, "ем"), I);
        }
        c if !is_vowel(c) && c != 'ʼ' => {
            if gender == Gender::Female {
                // Любов, Марін, Керолайн: not declined in news (Любові, Любовʼю aside).
                if nom == "любов" {
                    add("любові".into(), G | D | L);
                    add("любовʼю".into(), I);
                }
                return out;
            }
            let mut stems = vec![nom.to_string()];
            if let Some(alt) = alternate_i(nom) {
                stems.push(alt);
            }
            for s in &stems {
                if is_sibilant(c) || c == 'р' && ends_with_fast(nom, "ор") {
                    if c == 'р' {
                        add(cat(s, "я"), G | A);
                        add(cat(s, "ю"), D | L | V);
                    }
                    add(cat(s, "а"), G | A);
                    add(cat(s, "у"), D | L | V);
                    add(cat(s, "еві"), D | L);
                    add(cat(s, "ем"), I);
                    if c == 'р' {
                        add(cat(s, "ові"), D | L);
                        add(cat(s, "ом"), I);
                        add(cat(s, "е"), V);
                    }
                } else {
                    add(cat(s, "а"), G | A);
                    add(cat(s, "у"), D | L | V);
                    add(cat(s, "ові"), D | L);
                    add(cat(s, "ом"), I);
                    add(cat(s, "е"), V);
                }
            }
        }
        _ => {
            // Vowel-final foreign names (Джо, Ріші) do not decline.
            if let Some((_, c)) = out.first_mut() {
                *c = N | G | D | A | I | L | V;
            }
        }
    }
    out
}

/// Reading of a (lower-case) token as a patronymic: its gender and cases.
pub fn patronymic(lower: &str) -> Option<(Gender, u8)> {
    // Each ending with its spelling variants (the first о → е; the first і → ї, ів → ич),
    // written out: no string is built per call.
    const M: [([&str; 2], u8); 6] = [
        (["ович", "евич"], N),
        (["овича", "евича"], G | A),
        (["овичу", "евичу"], D | L | V),
        (["овичеві", "евичеві"], D | L),
        (["овичем", "евичем"], I),
        (["овичі", "евичі"], L),
    ];
    const F: [([&str; 3], u8); 5] = [
        (["івна", "ївна", "ична"], N),
        (["івни", "ївни", "ични"], G),
        (["івні", "ївні", "ичні"], D | L),
        (["івну", "ївну", "ичну"], A),
        (["івною", "ївною", "ичною"], I),
    ];
    // Fewer than six letters (counted no further than the sixth): none.
    lower.chars().nth(5)?;
    for (sufs, c) in M {
        if sufs.iter().any(|suf| ends_with_fast(lower, suf)) {
            return Some((Gender::Male, c));
        }
    }
    for (sufs, c) in F {
        if sufs.iter().any(|suf| ends_with_fast(lower, suf)) {
            return Some((Gender::Female, c));
        }
    }
    None
}

/// [`patronymic`] as it was first written (the variants built per call), for its test.
#[cfg(test)]
fn patronymic_reference(lower: &str) -> Option<(Gender, u8)> {
    const M: [(&str, u8); 6] = [
        ("ович", N),
        ("овича", G | A),
        ("овичу", D | L | V),
        ("овичеві", D | L),
        ("овичем", I),
        ("овичі", L),
    ];
    const F: [(&str, u8); 5] = [
        ("івна", N),
        ("івни", G),
        ("івні", D | L),
        ("івну", A),
        ("івною", I),
    ];
    let n = lower.chars().count();
    if n < 6 {
        return None;
    }
    for (suf, c) in M {
        if ends_with_fast(lower, suf) || lower.ends_with(&suf.replacen('о', "е", 1)) {
            return Some((Gender::Male, c));
        }
    }
    for (suf, c) in F {
        if ends_with_fast(lower, suf)
            || lower.ends_with(&suf.replacen('і', "ї", 1))
            || lower.ends_with(&suf.replacen("ів", "ич", 1))
        {
            return Some((Gender::Female, c));
        }
    }
    None
}

/// Lower-case case forms of a common or place noun/adjective in the nominative (lower-case).
/// Over-generates on purpose: the forms are only used to recognise non-names.
pub fn noun_forms(nom: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    noun_forms_each(nom, |a, b| out.push(cat(a, b)));
    out
}

/// The forms of [`noun_forms`] in the same order, each given as two pieces to concatenate
/// (a stem and an ending), without allocating a string for each.
pub fn noun_forms_each(nom: &str, mut out: impl FnMut(&str, &str)) {
    out(nom, "");
    let Some(last) = last_char(nom) else {
        return;
    };
    let stem = strip_last(nom);
    let push_all = |out: &mut dyn FnMut(&str, &str), stem: &str, ends: &[&str]| {
        for e in ends {
            out(stem, e);
        }
    };
    // Adjectives.
    for (suf, ends) in [
        ("ький", &["ького", "ькому", "ьким", "ькім"][..]),
        ("ий", &["ого", "ому", "им", "ім"][..]),
        ("ій", &["ього", "ьому", "ім"][..]),
        ("ька", &["ької", "ькій", "ьку", "ькою"][..]),
        ("на", &["ної", "ній", "ну", "ною"][..]),
        ("ка", &["кої", "кій", "ку", "кою"][..]),
        ("ве", &["вого", "вому", "вим", "вім"][..]),
        ("ке", &["кого", "кому", "ким", "кім"][..]),
        ("не", &["ного", "ному", "ним", "нім"][..]),
        ("ні", &["них", "ним", "ними"][..]),
        ("і", &["их", "им", "ими", "ів", "ям", "ях", "ами", "ах"][..]),
        ("и", &["", "ів", "ам", "ах", "ами"][..]),
    ] {
        if let Some(s) = strip_suffix_fast(nom, suf) {
            push_all(&mut out, s, ends);
        }
    }
    match last {
        'а' => {
            let soft = last_char(stem).is_some_and(is_sibilant);
            push_all(
                &mut out,
                stem,
                &[
                    if soft { "і" } else { "и" },
                    "у",
                    if soft { "ею" } else { "ою" },
                    "о",
                ],
            );
            out(&palatalize(stem), "і");
            out(stem, "і");
        }
        'я' => {
            if ends_with_fast(nom, "ія") {
                push_all(&mut out, stem, &["ї", "ю", "єю"]);
            } else {
                push_all(&mut out, stem, &["і", "ю", "ею", "ї", "єю"]);
            }
        }
        'о' | 'е' => push_all(
            &mut out,
            stem,
            &["а", "у", "ові", "ом", "і", "ем", "я", "ю"],
        ),
        'ь' => {
            let mut stems = vec![stem.to_string()];
            if let Some(alt) = alternate_i(stem) {
                stems.push(alt);
            }
            for s in stems {
                push_all(&mut out, &s, &["я", "ю", "еві", "ем", "і", "і"]);
            }
        }
        'й' => push_all(&mut out, stem, &["я", "ю", "єві", "єм", "ї"]),
        c if !is_vowel(c) => {
            let mut stems = vec![nom.to_string()];
            if let Some(alt) = alternate_i(nom) {
                stems.push(alt);
            }
            // Fleeting е/о: Кременець → Кременця, Луцьк stays.
            if let Some(s) = strip_suffix_fast(nom, "ець") {
                stems.push(cat(s, "ц"));
            }
            for s in stems {
                push_all(
                    &mut out,
                    &s,
                    &["а", "у", "ові", "ом", "і", "ем", "еві", "я", "ю", "і"],
                );
            }
        }
        _ => {}
    }
}

/// Stress-less guess of a masculine/feminine surname's nominative from an inflected form,
/// given its possible cases. `lower` is lower case; the answer is lower case.
/// Returns candidates, the most likely first, without repeats (the extractor scores them as
/// [`surname_candidates_each`] yields them; this collected form is for the tests).
#[cfg(test)]
pub fn surname_candidates(lower: &str, gender: Gender, cases: Cases) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    surname_candidates_each(lower, gender, cases, |a, b, c| {
        let mut s = String::with_capacity(a.len() + b.len() + c.len());
        s.push_str(a);
        s.push_str(b);
        s.push_str(c);
        if !s.is_empty() && !out.contains(&s) {
            out.push(s);
        }
        false
    });
    out
}

/// The candidates of [`surname_candidates`] in the same order, each given in up to three pieces
/// to concatenate, without allocating; repeats and empty candidates are not filtered.
pub fn surname_candidates_each(
    lower: &str,
    gender: Gender,
    cases: Cases,
    mut push: impl FnMut(&str, &str, &str) -> bool,
) {
    // Each candidate goes to `push`; `true` from it ends the enumeration (the caller has
    // what it needs: no later candidate can change its answer).
    macro_rules! emit {
        ($a:expr, $b:expr, $c:expr) => {
            if push($a, $b, $c) {
                return;
            }
        };
    }
    // The entries of a group of endings, or none when the word ends in none of the group's
    // endings (every candidate of a group needs its ending stripped): a group is skipped after
    // one look-up in its [`SuffixIndex`].
    macro_rules! group {
        ($arr:expr) => {{
            static INDEX: std::sync::OnceLock<SuffixIndex> = std::sync::OnceLock::new();
            let arr = $arr;
            let index = INDEX.get_or_init(|| SuffixIndex::new(&arr.map(|t| t.0)));
            let n = if index.any_suffix_of(lower) {
                arr.len()
            } else {
                0
            };
            arr.into_iter().take(n)
        }};
    }
    let c = cases.0;
    let may = |bits: u8| c & bits != 0;
    let fem = gender == Gender::Female;
    let masc = gender == Gender::Male;
    // Fewer than three letters (counted no further than the third).
    if lower.chars().nth(2).is_none() {
        emit!(lower, "", "");
        return;
    }
    if may(N) {
        emit!(lower, "", "");
    }
    // Every ending below ends in one of these letters: a word ending in another letter (a
    // consonant-final nominative, most often) has no other candidate than itself.
    if !last_char(lower)
        .is_some_and(|c| matches!(c, 'о' | 'у' | 'м' | 'ї' | 'й' | 'ю' | 'а' | 'і' | 'я' | 'и'))
    {
        emit!(lower, "", "");
        return;
    }
    // Adjectival: -ський/-цький/-ий/-ій, -ська/-ова/-іна.
    let adj_m: [(&str, &str, u8); 8] = [
        ("ського", "ський", G | A),
        ("ському", "ський", D | L),
        ("ським", "ський", I),
        ("цького", "цький", G | A),
        ("цькому", "цький", D | L),
        ("цьким", "цький", I),
        ("нього", "ній", G | A),
        ("ньому", "ній", D | L),
    ];
    if !fem {
        for (suf, rep, cs) in group!(adj_m) {
            if may(cs) {
                if let Some(s) = strip_suffix_fast(lower, suf) {
                    emit!(s, rep, "");
                }
            }
        }
    }
    if !masc {
        for (suf, rep, cs) in group!([
            ("ської", "ська", G),
            ("ській", "ська", D | L),
            ("ську", "ська", A),
            ("ською", "ська", I),
            ("цької", "цька", G),
            ("цькій", "цька", D | L),
            ("цьку", "цька", A),
            ("цькою", "цька", I),
        ]) {
            if may(cs) {
                if let Some(s) = strip_suffix_fast(lower, suf) {
                    emit!(s, rep, "");
                }
            }
        }
        // Possessive -ова/-єва/-іна/-ина and adjectival -на/-ня.
        for (suf, rep, cs) in group!([
            ("ової", "ова", G),
            ("овій", "ова", D | L),
            ("ову", "ова", A),
            ("овою", "ова", I),
            ("євої", "єва", G),
            ("євій", "єва", D | L),
            ("єву", "єва", A),
            ("євою", "єва", I),
            ("евої", "ева", G),
            ("евій", "ева", D | L),
            ("еву", "ева", A),
            ("евою", "ева", I),
            ("іної", "іна", G),
            ("іній", "іна", D | L),
            ("іну", "іна", A),
            ("іною", "іна", I),
            ("иної", "ина", G),
            ("иній", "ина", D | L),
            ("ину", "ина", A),
            ("иною", "ина", I),
            ("ньої", "ня", G),
            ("ню", "ня", A),
            ("ньою", "ня", I),
            ("ної", "на", G),
            ("ній", "на", D | L),
            ("ною", "на", I),
        ]) {
            if may(cs) {
                if let Some(s) = strip_suffix_fast(lower, suf) {
                    emit!(s, rep, "");
                }
            }
        }
    }
    if !fem {
        // -ов/-ев/-єв/-ін/-ин: instrumental -им, locative -і.
        for (suf, cs) in group!([("им", I), ("а", G | A), ("у", D), ("ові", D | L), ("і", L)])
        {
            if !may(cs) {
                continue;
            }
            if let Some(s) = strip_suffix_fast(lower, suf) {
                if ends_with_fast(s, "ов")
                    || ends_with_fast(s, "ев")
                    || ends_with_fast(s, "єв")
                    || ends_with_fast(s, "ін")
                    || ends_with_fast(s, "ин")
                    || ends_with_fast(s, "ів")
                {
                    emit!(s, "", "");
                }
            }
        }
        // Other adjectival -ий: Залужного → Залужний.
        for (suf, cs) in group!([("ого", G | A), ("ому", D | L), ("им", I)]) {
            if may(cs) {
                if let Some(s) = strip_suffix_fast(lower, suf) {
                    if s.chars().nth(2).is_some() {
                        emit!(s, "ий", "");
                    }
                }
            }
        }
        // -енко/-ко/-о nouns: Шевченка → Шевченко.
        for (suf, cs) in group!([
            ("енка", G | A),
            ("енку", D | L | V),
            ("енкові", D | L),
            ("енком", I),
        ]) {
            if may(cs) {
                if let Some(s) = strip_suffix_fast(lower, suf) {
                    emit!(s, "енко", "");
                }
            }
        }
        // Soft: Шмигаля → Шмигаль, Палія → Палій, Лубінця → Лубінець.
        for (suf, cs) in group!([
            ("ія", G | A),
            ("ію", D | L | V),
            ("ієві", D | L),
            ("ієм", I),
            ("ая", G | A),
            ("аю", D | L),
            ("аєм", I),
            ("аєві", D | L),
            ("ея", G | A),
            ("ею", D | L),
            ("еєм", I),
        ]) {
            if may(cs) {
                if let Some(s) = strip_suffix_fast(lower, suf) {
                    let v = &suf[..suf.chars().next().map_or(0, char::len_utf8)];
                    emit!(s, v, "й");
                }
            }
        }
        for (suf, cs) in group!([("ця", G | A), ("цю", D | L), ("цем", I), ("цеві", D | L)])
        {
            if may(cs) {
                if let Some(s) = strip_suffix_fast(lower, suf) {
                    if last_char(s).is_some_and(|c| !is_vowel(c)) {
                        emit!(s, "ець", "");
                    }
                }
            }
        }
        for (suf, cs) in group!([("ля", G | A), ("лю", D | L), ("лем", I), ("леві", D | L)])
        {
            if may(cs) {
                if let Some(s) = strip_suffix_fast(lower, suf) {
                    emit!(s, "ль", "");
                }
            }
        }
        for (suf, cs) in group!([("ря", G | A), ("рю", D | L), ("рем", I), ("реві", D | L)])
        {
            if may(cs) {
                if let Some(s) = strip_suffix_fast(lower, suf) {
                    emit!(s, "р", "");
                }
            }
        }
        // Sibilant/-ич: Кротевича → Кротевич.
        for (suf, cs) in group!([("а", G | A), ("у", D | L | V), ("ем", I), ("еві", D | L)])
        {
            if may(cs) {
                if let Some(s) = strip_suffix_fast(lower, suf) {
                    if last_char(s).is_some_and(|c| is_sibilant(c) || c == 'ц') {
                        emit!(s, "", "");
                    }
                }
            }
        }
        // Hard consonant: Віткоффом → Віткофф, Стефанчука → Стефанчук.
        for (suf, cs) in group!([("ом", I), ("ові", D | L), ("а", G | A), ("у", D | L | V)])
        {
            if may(cs) {
                if let Some(s) = strip_suffix_fast(lower, suf) {
                    if last_char(s).is_some_and(|c| !is_vowel(c) && c != 'ь' && c != 'й') {
                        // -ко nouns: Кличка → Кличко (two consonants before -а).
                        let mut rev = s.char_indices().rev();
                        let (last, before) = (rev.next(), rev.next());
                        let three = rev.next().is_some();
                        if let (Some((li, l)), Some((bi, b))) = (last, before) {
                            if l == 'к' && !is_vowel(b) && b != 'й' {
                                emit!(s, "о", "");
                            }
                            emit!(s, "", "");
                            // і → о alternation: Кривоноса → Кривоніс.
                            if three && b == 'о' && !is_vowel(l) {
                                emit!(&s[..bi], "і", &s[li..]);
                            }
                        } else {
                            emit!(s, "", "");
                        }
                    }
                }
            }
        }
        // -о nouns other than -енко: Кличком, Кличкові.
        for (suf, cs) in group!([("ом", I), ("ові", D | L), ("а", G | A), ("у", D | L)]) {
            if may(cs) {
                if let Some(s) = strip_suffix_fast(lower, suf) {
                    if s.chars().nth(2).is_some() {
                        emit!(s, "о", "");
                    }
                }
            }
        }
    }
    // First-declension -а/-я nouns (both genders): Кулеби → Кулеба, Сибізі → Сибіга.
    for (suf, rep, cs) in group!([
        ("ії", "ія", G | D | L),
        ("ію", "ія", A),
        ("ією", "ія", I),
        ("ою", "а", I),
        ("и", "а", G),
        ("у", "а", A),
        ("і", "а", D | L),
        ("зі", "га", D | L),
        ("ці", "ка", D | L),
        ("сі", "ха", D | L),
        ("ею", "я", I),
        ("ю", "я", A),
    ]) {
        if may(cs) {
            if let Some(s) = strip_suffix_fast(lower, suf) {
                if s.chars().nth(1).is_some() {
                    emit!(s, rep, "");
                }
            }
        }
    }
    emit!(lower, "", "");
}

/// Lower-case case forms of a nominative surname (lower case) for a person of `gender`
/// (both genders' paradigms when unknown), the nominative included. Used to find a known
/// surname's inflected mentions within an article.
pub fn surname_forms(nom: &str, gender: Gender) -> Vec<String> {
    let mut out = vec![nom.to_string()];
    let Some(last) = last_char(nom) else {
        return out;
    };
    let stem = strip_last(nom);
    let add = |out: &mut Vec<String>, stem: &str, ends: &[&str]| {
        for e in ends {
            out.push(cat(stem, e));
        }
    };
    let male = gender != Gender::Female;
    let female = gender != Gender::Male;
    if male {
        if let Some(s) = strip_suffix_fast(nom, "ий") {
            add(&mut out, s, &["ого", "ому", "им", "ім"]);
        } else if let Some(s) = strip_suffix_fast(nom, "ій").filter(|s| s.ends_with('н')) {
            add(&mut out, s, &["ього", "ьому", "ім"]);
        } else if ["ов", "ев", "єв", "ін", "ин", "ів", "їн"]
            .iter()
            .any(|e| ends_with_fast(nom, e))
        {
            add(&mut out, nom, &["а", "у", "ові", "им", "і", "е"]);
        } else if let Some(s) = strip_suffix_fast(nom, "ець") {
            add(&mut out, &cat(s, "ц"), &["я", "ю", "еві", "ем"]);
        } else {
            match last {
                'о' => add(&mut out, stem, &["а", "у", "ові", "ом", "е"]),
                'й' => add(&mut out, stem, &["я", "ю", "єві", "єм"]),
                'ь' => add(&mut out, stem, &["я", "ю", "еві", "ем"]),
                'а' | 'я' => {}
                c if is_vowel(c) => {}
                c => {
                    let mut stems = vec![nom.to_string()];
                    if let Some(alt) = alternate_i(nom) {
                        stems.push(alt);
                    }
                    for s in stems {
                        if is_sibilant(c) || c == 'ц' {
                            add(&mut out, &s, &["а", "у", "ем", "еві"]);
                        } else {
                            add(&mut out, &s, &["а", "у", "ові", "ом", "е"]);
                        }
                        if c == 'р' {
                            add(&mut out, &s, &["я", "ю", "ем", "еві"]);
                        }
                    }
                }
            }
        }
    }
    if female {
        if let Some(s) = [
            "ська", "цька", "зька", "ова", "єва", "ева", "іна", "ина", "ька",
        ]
        .iter()
        .find(|e| nom.ends_with(*e))
        .map(|_| stem)
        {
            add(&mut out, s, &["ої", "ій", "у", "ою"]);
        }
    }
    // First declension (both genders): Кулеба, Сибіга, Кислиця, Арахамія.
    match last {
        'а' => {
            let soft = last_char(stem).is_some_and(is_sibilant);
            add(
                &mut out,
                stem,
                &[
                    if soft { "і" } else { "и" },
                    "у",
                    if soft { "ею" } else { "ою" },
                    "о",
                ],
            );
            out.push(cat(&palatalize(stem), "і"));
        }
        'я' => {
            if last_char(stem).is_some_and(|c| is_vowel(c) || c == 'ʼ') {
                add(&mut out, stem, &["ї", "ю", "єю"]);
            } else {
                add(&mut out, stem, &["і", "ю", "ею"]);
            }
        }
        _ => {}
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`noun_forms`] as it was before it was built on [`noun_forms_each`].
    fn noun_forms_reference(nom: &str) -> Vec<String> {
        let mut out = vec![nom.to_string()];
        let Some(last) = last_char(nom) else {
            return out;
        };
        let stem = strip_last(nom);
        let push_all = |out: &mut Vec<String>, stem: &str, ends: &[&str]| {
            for e in ends {
                out.push(cat(stem, e));
            }
        };
        // Adjectives.
        for (suf, ends) in [
            ("ький", &["ького", "ькому", "ьким", "ькім"][..]),
            ("ий", &["ого", "ому", "им", "ім"][..]),
            ("ій", &["ього", "ьому", "ім"][..]),
            ("ька", &["ької", "ькій", "ьку", "ькою"][..]),
            ("на", &["ної", "ній", "ну", "ною"][..]),
            ("ка", &["кої", "кій", "ку", "кою"][..]),
            ("ве", &["вого", "вому", "вим", "вім"][..]),
            ("ке", &["кого", "кому", "ким", "кім"][..]),
            ("не", &["ного", "ному", "ним", "нім"][..]),
            ("ні", &["них", "ним", "ними"][..]),
            ("і", &["их", "им", "ими", "ів", "ям", "ях", "ами", "ах"][..]),
            ("и", &["", "ів", "ам", "ах", "ами"][..]),
        ] {
            if let Some(s) = strip_suffix_fast(nom, suf) {
                push_all(&mut out, s, ends);
            }
        }
        match last {
            'а' => {
                let soft = last_char(stem).is_some_and(is_sibilant);
                push_all(
                    &mut out,
                    stem,
                    &[
                        if soft { "і" } else { "и" },
                        "у",
                        if soft { "ею" } else { "ою" },
                        "о",
                    ],
                );
                out.push(cat(&palatalize(stem), "і"));
                out.push(cat(stem, "і"));
            }
            'я' => {
                if ends_with_fast(nom, "ія") {
                    push_all(&mut out, stem, &["ї", "ю", "єю"]);
                } else {
                    push_all(&mut out, stem, &["і", "ю", "ею", "ї", "єю"]);
                }
            }
            'о' | 'е' => push_all(
                &mut out,
                stem,
                &["а", "у", "ові", "ом", "і", "ем", "я", "ю"],
            ),
            'ь' => {
                let mut stems = vec![stem.to_string()];
                if let Some(alt) = alternate_i(stem) {
                    stems.push(alt);
                }
                for s in stems {
                    push_all(&mut out, &s, &["я", "ю", "еві", "ем", "і", "і"]);
                }
            }
            'й' => push_all(&mut out, stem, &["я", "ю", "єві", "єм", "ї"]),
            c if !is_vowel(c) => {
                let mut stems = vec![nom.to_string()];
                if let Some(alt) = alternate_i(nom) {
                    stems.push(alt);
                }
                // Fleeting е/о: Кременець → Кременця, Луцьк stays.
                if let Some(s) = strip_suffix_fast(nom, "ець") {
                    stems.push(cat(s, "ц"));
                }
                for s in stems {
                    push_all(
                        &mut out,
                        &s,
                        &["а", "у", "ові", "ом", "і", "ем", "еві", "я", "ю", "і"],
                    );
                }
            }
            _ => {}
        }
        out
    }

    #[test]
    fn noun_forms_agree_with_the_allocating_version() {
        const PLACES: &str = include_str!("../../data/places/uk-admin-units.tsv");
        let mut words = suffix_test_words();
        for line in PLACES.lines().skip(1).step_by(7) {
            if let Some(name) = line.split('\t').next() {
                words.push(name.to_lowercase());
            }
        }
        let mut n = 0;
        for w in &words {
            let want = noun_forms_reference(w);
            assert_eq!(noun_forms(w), want, "{w:?}");
            n += want.len();
        }
        assert!(n > 20_000, "{n}");
    }

    /// [`surname_candidates_each`] before its groups of endings were skipped by index: the
    /// straightforward version the fast one must agree with.
    fn surname_candidates_each_reference(
        lower: &str,
        gender: Gender,
        cases: Cases,
        mut push: impl FnMut(&str, &str, &str) -> bool,
    ) {
        // Each candidate goes to `push`; `true` from it ends the enumeration (the caller has
        // what it needs: no later candidate can change its answer).
        macro_rules! emit {
            ($a:expr, $b:expr, $c:expr) => {
                if push($a, $b, $c) {
                    return;
                }
            };
        }
        let c = cases.0;
        let n = lower.chars().count();
        let may = |bits: u8| c & bits != 0;
        let fem = gender == Gender::Female;
        let masc = gender == Gender::Male;
        if n < 3 {
            emit!(lower, "", "");
            return;
        }
        if may(N) {
            emit!(lower, "", "");
        }
        // Adjectival: -ський/-цький/-ий/-ій, -ська/-ова/-іна.
        let adj_m: [(&str, &str, u8); 8] = [
            ("ського", "ський", G | A),
            ("ському", "ський", D | L),
            ("ським", "ський", I),
            ("цького", "цький", G | A),
            ("цькому", "цький", D | L),
            ("цьким", "цький", I),
            ("нього", "ній", G | A),
            ("ньому", "ній", D | L),
        ];
        if !fem {
            for (suf, rep, cs) in adj_m {
                if may(cs) {
                    if let Some(s) = strip_suffix_fast(lower, suf) {
                        emit!(s, rep, "");
                    }
                }
            }
        }
        if !masc {
            for (suf, rep, cs) in [
                ("ської", "ська", G),
                ("ській", "ська", D | L),
                ("ську", "ська", A),
                ("ською", "ська", I),
                ("цької", "цька", G),
                ("цькій", "цька", D | L),
                ("цьку", "цька", A),
                ("цькою", "цька", I),
            ] {
                if may(cs) {
                    if let Some(s) = strip_suffix_fast(lower, suf) {
                        emit!(s, rep, "");
                    }
                }
            }
            // Possessive -ова/-єва/-іна/-ина and adjectival -на/-ня.
            for (suf, rep, cs) in [
                ("ової", "ова", G),
                ("овій", "ова", D | L),
                ("ову", "ова", A),
                ("овою", "ова", I),
                ("євої", "єва", G),
                ("євій", "єва", D | L),
                ("єву", "єва", A),
                ("євою", "єва", I),
                ("евої", "ева", G),
                ("евій", "ева", D | L),
                ("еву", "ева", A),
                ("евою", "ева", I),
                ("іної", "іна", G),
                ("іній", "іна", D | L),
                ("іну", "іна", A),
                ("іною", "іна", I),
                ("иної", "ина", G),
                ("иній", "ина", D | L),
                ("ину", "ина", A),
                ("иною", "ина", I),
                ("ньої", "ня", G),
                ("ню", "ня", A),
                ("ньою", "ня", I),
                ("ної", "на", G),
                ("ній", "на", D | L),
                ("ною", "на", I),
            ] {
                if may(cs) {
                    if let Some(s) = strip_suffix_fast(lower, suf) {
                        emit!(s, rep, "");
                    }
                }
            }
        }
        if !fem {
            // -ов/-ев/-єв/-ін/-ин: instrumental -им, locative -і.
            for (suf, cs) in [("им", I), ("а", G | A), ("у", D), ("ові", D | L), ("і", L)] {
                if !may(cs) {
                    continue;
                }
                if let Some(s) = strip_suffix_fast(lower, suf) {
                    if ends_with_fast(s, "ов")
                        || ends_with_fast(s, "ев")
                        || ends_with_fast(s, "єв")
                        || ends_with_fast(s, "ін")
                        || ends_with_fast(s, "ин")
                        || ends_with_fast(s, "ів")
                    {
                        emit!(s, "", "");
                    }
                }
            }
            // Other adjectival -ий: Залужного → Залужний.
            for (suf, cs) in [("ого", G | A), ("ому", D | L), ("им", I)] {
                if may(cs) {
                    if let Some(s) = strip_suffix_fast(lower, suf) {
                        if s.chars().count() >= 3 {
                            emit!(s, "ий", "");
                        }
                    }
                }
            }
            // -енко/-ко/-о nouns: Шевченка → Шевченко.
            for (suf, cs) in [
                ("енка", G | A),
                ("енку", D | L | V),
                ("енкові", D | L),
                ("енком", I),
            ] {
                if may(cs) {
                    if let Some(s) = strip_suffix_fast(lower, suf) {
                        emit!(s, "енко", "");
                    }
                }
            }
            // Soft: Шмигаля → Шмигаль, Палія → Палій, Лубінця → Лубінець.
            for (suf, cs) in [
                ("ія", G | A),
                ("ію", D | L | V),
                ("ієві", D | L),
                ("ієм", I),
                ("ая", G | A),
                ("аю", D | L),
                ("аєм", I),
                ("аєві", D | L),
                ("ея", G | A),
                ("ею", D | L),
                ("еєм", I),
            ] {
                if may(cs) {
                    if let Some(s) = strip_suffix_fast(lower, suf) {
                        let v = &suf[..suf.chars().next().map_or(0, char::len_utf8)];
                        emit!(s, v, "й");
                    }
                }
            }
            for (suf, cs) in [("ця", G | A), ("цю", D | L), ("цем", I), ("цеві", D | L)]
            {
                if may(cs) {
                    if let Some(s) = strip_suffix_fast(lower, suf) {
                        if last_char(s).is_some_and(|c| !is_vowel(c)) {
                            emit!(s, "ець", "");
                        }
                    }
                }
            }
            for (suf, cs) in [("ля", G | A), ("лю", D | L), ("лем", I), ("леві", D | L)]
            {
                if may(cs) {
                    if let Some(s) = strip_suffix_fast(lower, suf) {
                        emit!(s, "ль", "");
                    }
                }
            }
            for (suf, cs) in [("ря", G | A), ("рю", D | L), ("рем", I), ("реві", D | L)]
            {
                if may(cs) {
                    if let Some(s) = strip_suffix_fast(lower, suf) {
                        emit!(s, "р", "");
                    }
                }
            }
            // Sibilant/-ич: Кротевича → Кротевич.
            for (suf, cs) in [("а", G | A), ("у", D | L | V), ("ем", I), ("еві", D | L)] {
                if may(cs) {
                    if let Some(s) = strip_suffix_fast(lower, suf) {
                        if last_char(s).is_some_and(|c| is_sibilant(c) || c == 'ц') {
                            emit!(s, "", "");
                        }
                    }
                }
            }
            // Hard consonant: Віткоффом → Віткофф, Стефанчука → Стефанчук.
            for (suf, cs) in [("ом", I), ("ові", D | L), ("а", G | A), ("у", D | L | V)] {
                if may(cs) {
                    if let Some(s) = strip_suffix_fast(lower, suf) {
                        if last_char(s).is_some_and(|c| !is_vowel(c) && c != 'ь' && c != 'й') {
                            // -ко nouns: Кличка → Кличко (two consonants before -а).
                            let mut rev = s.char_indices().rev();
                            let (last, before) = (rev.next(), rev.next());
                            let three = rev.next().is_some();
                            if let (Some((li, l)), Some((bi, b))) = (last, before) {
                                if l == 'к' && !is_vowel(b) && b != 'й' {
                                    emit!(s, "о", "");
                                }
                                emit!(s, "", "");
                                // і → о alternation: Кривоноса → Кривоніс.
                                if three && b == 'о' && !is_vowel(l) {
                                    emit!(&s[..bi], "і", &s[li..]);
                                }
                            } else {
                                emit!(s, "", "");
                            }
                        }
                    }
                }
            }
            // -о nouns other than -енко: Кличком, Кличкові.
            for (suf, cs) in [("ом", I), ("ові", D | L), ("а", G | A), ("у", D | L)] {
                if may(cs) {
                    if let Some(s) = strip_suffix_fast(lower, suf) {
                        if s.chars().count() >= 3 {
                            emit!(s, "о", "");
                        }
                    }
                }
            }
        }
        // First-declension -а/-я nouns (both genders): Кулеби → Кулеба, Сибізі → Сибіга.
        for (suf, rep, cs) in [
            ("ії", "ія", G | D | L),
            ("ію", "ія", A),
            ("ією", "ія", I),
            ("ою", "а", I),
            ("и", "а", G),
            ("у", "а", A),
            ("і", "а", D | L),
            ("зі", "га", D | L),
            ("ці", "ка", D | L),
            ("сі", "ха", D | L),
            ("ею", "я", I),
            ("ю", "я", A),
        ] {
            if may(cs) {
                if let Some(s) = strip_suffix_fast(lower, suf) {
                    if s.chars().count() >= 2 {
                        emit!(s, rep, "");
                    }
                }
            }
        }
        emit!(lower, "", "");
    }

    /// A sink for candidates: `true` ends the enumeration.
    type Push<'a> = dyn FnMut(&str, &str, &str) -> bool + 'a;

    #[test]
    fn surname_candidates_agree_with_the_unindexed_search() {
        let words = suffix_test_words();
        let mut n = 0;
        for w in &words {
            for g in [Gender::Male, Gender::Female, Gender::Unknown] {
                for c in [1u8, 2, 4, 8, 16, 32, 64, 127, 2 | 8, 4 | 32, 0] {
                    let collect = |each: &dyn Fn(&mut Push)| {
                        let mut v: Vec<String> = Vec::new();
                        each(&mut |a, b, e| {
                            v.push(format!("{a}|{b}|{e}"));
                            false
                        });
                        v
                    };
                    let fast = collect(&|f| surname_candidates_each(w, g, Cases(c), f));
                    let slow = collect(&|f| surname_candidates_each_reference(w, g, Cases(c), f));
                    assert_eq!(fast, slow, "{w:?} {g:?} {c}");
                    n += fast.len();
                }
            }
        }
        assert!(n > 10_000, "{n}");
    }

    /// The words the suffix index is tested on: the seed article's words, random strings over
    /// Cyrillic, Latin and other letters (a fixed generator), and edge cases.
    fn suffix_test_words() -> Vec<String> {
        const SEED: &str = include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../shared/seeds/000_d450a8c0e07fb2e9.txt"
        ));
        let mut words: Vec<String> = SEED
            .split(|c: char| !c.is_alphabetic() && c != '-' && c != 'ʼ')
            .map(|w| w.to_lowercase())
            .collect();
        let alphabet: Vec<char> = "абвгґдеєжзиіїйклмнопрстуфхцчшщьюяʼ-aeoxé東ѐџ"
            .chars()
            .collect();
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        for _ in 0..3000 {
            x = crate::testrand::xorshift(x);
            let n = (x % 8) as usize;
            let mut w = String::new();
            for _ in 0..n {
                x = crate::testrand::xorshift(x);
                w.push(alphabet[(x % alphabet.len() as u64) as usize]);
            }
            words.push(w);
        }
        words.extend(["", "а", "ого", "ського", "ових", "x", "东"].map(String::from));
        words
    }

    #[test]
    fn patronymic_agrees_with_building_the_variants() {
        let mut words = suffix_test_words();
        // Every ending and variant on a few stems, and the seed's words.
        for stem in ["олександр", "петр", "андрій", "ілл", "сав", "а"] {
            for e in [
                "ович",
                "евич",
                "овича",
                "евичу",
                "овичеві",
                "евичем",
                "овичі",
                "івна",
                "ївна",
                "ична",
                "івни",
                "ївні",
                "ичну",
                "івною",
                "ичною",
                "ївною",
                "овна",
                "ічна",
            ] {
                words.push(format!("{stem}{e}"));
            }
        }
        let mut found = 0;
        for w in &words {
            let fast = patronymic(w);
            assert_eq!(fast, patronymic_reference(w), "{w:?}");
            found += usize::from(fast.is_some());
        }
        assert!(found > 50, "{found}");
    }

    #[test]
    fn suffix_index_agrees_with_testing_each_suffix() {
        let lists: [&[&'static str]; 6] = [
            &[
                "ових",
                "овими",
                "овим",
                "ового",
                "ова",
                "ів",
                "ого",
                "ій",
                "а",
            ],
            &[
                "ського",
                "ському",
                "ським",
                "енка",
                "ова",
                "ича",
                "іна",
                "ук",
                "юк",
                "ак",
            ],
            &[
                "ий", "ій", "им", "ім", "ого", "ього", "ому", "ьому", "ий", "ша", "ня",
            ],
            &["а", "я", "о"],
            &["x", "é", "东", "ʼ", "-ко"],
            &["", "ого"],
        ];
        let words = suffix_test_words();
        let mut hits = 0;
        for list in lists {
            let index = SuffixIndex::new(list);
            for w in &words {
                let want = list.iter().any(|e| ends_with_fast(w, e));
                assert_eq!(index.any_suffix_of(w), want, "{w:?} {list:?}");
                hits += usize::from(want);
            }
        }
        assert!(hits > 1000, "{hits}");
        // Through the macro, as the extractor uses it.
        for w in &words {
            assert_eq!(
                ends_with_any!(w, ["ова", "ого", "ів"]),
                ["ова", "ого", "ів"].iter().any(|e| ends_with_fast(w, e))
            );
        }
    }

    fn has(forms: &[(String, u8)], f: &str) -> bool {
        forms.iter().any(|(s, _)| s == f)
    }

    #[test]
    fn given_forms_cover_the_usual_classes() {
        let f = given_forms("стів", Gender::Male);
        assert!(has(&f, "стівом") && has(&f, "стіва"));
        let f = given_forms("сергій", Gender::Male);
        assert!(has(&f, "сергієм") && has(&f, "сергія"));
        let f = given_forms("ольга", Gender::Female);
        assert!(has(&f, "ользі") && has(&f, "ольгою"));
        let f = given_forms("юлія", Gender::Female);
        assert!(has(&f, "юлії") && has(&f, "юлією"));
        let f = given_forms("федір", Gender::Male);
        assert!(has(&f, "федора"));
        let f = given_forms("кирило", Gender::Male);
        assert!(has(&f, "кирилом"));
        let f = given_forms("ігор", Gender::Male);
        assert!(has(&f, "ігоря") && has(&f, "ігорем"));
    }

    #[test]
    fn patronymics() {
        assert_eq!(
            patronymic("олександровича").map(|p| p.0),
            Some(Gender::Male)
        );
        assert_eq!(patronymic("федорович").map(|p| p.0), Some(Gender::Male));
        assert_eq!(patronymic("василівна").map(|p| p.0), Some(Gender::Female));
        assert_eq!(patronymic("сергіївни").map(|p| p.0), Some(Gender::Female));
        assert_eq!(patronymic("петрович").map(|p| p.0), Some(Gender::Male));
        assert!(patronymic("іванов").is_none());
    }

    #[test]
    fn surname_guesses() {
        let c = surname_candidates("віткоффом", Gender::Male, Cases(I));
        assert_eq!(c[0], "віткофф");
        let c = surname_candidates("зеленського", Gender::Male, Cases(G));
        assert_eq!(c[0], "зеленський");
        let c = surname_candidates("будановим", Gender::Male, Cases(I));
        assert_eq!(c[0], "буданов");
        let c = surname_candidates("стефанішиної", Gender::Female, Cases(G));
        assert_eq!(c[0], "стефанішина");
        let c = surname_candidates("шевченка", Gender::Male, Cases(G));
        assert_eq!(c[0], "шевченко");
        assert!(noun_forms("париж").contains(&"парижі".to_string()));
        assert!(noun_forms("москва").contains(&"москви".to_string()));
    }
}
