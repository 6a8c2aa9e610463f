//! English person extraction: capitalised sequences with a given name, honorific or role
//! before them; honorifics and possessives stay outside the span; surname-only mentions merge
//! into the single full name of the article with that surname.

use super::extract::{Kind, Tok};
use super::{Extraction, Mention, Registry};
use rustc_hash::FxHashSet;
use std::collections::HashMap;
use std::sync::OnceLock;

/// A compact list of common English/international given names, written for this project.
const GIVEN: &str = "aaron abigail adam adrian al alan albert alex alexander alexandra alfred alice alison amanda amy andrea andrew andy angela ann anna anne anthony antonio arnold arthur ashley barack barbara ben benjamin bernard bernie bert beth betty bill billy bob bobby boris brad brandon brian bruce bryan carl carlos carol caroline catherine charles charlie chris christian christina christine christopher chuck claire colin craig dan daniel danny dave david dean debbie deborah dennis diana diane dick don donald doris dorothy doug douglas dylan ed eddie edward elena elizabeth ellen emily emma emmanuel eric erik ethan eugene eva evan frank fred frederick gary gavin george georgia gerald gordon grace greg gregory hannah harold harry heather helen henry hillary howard hugh ian isaac jack jackie jacob jake james jamie jane janet jason jeff jeffrey jennifer jenny jeremy jerry jesse jessica jill jim jimmy joan joe joel john johnny jon jonathan jordan jose joseph josh joshua joyce juan judith judy julia julian julie justin karen kate katherine kathleen kathryn katie keith kelly ken kenneth kevin kim kimberly larry laura lauren lawrence leo leonard lewis linda lisa liz louis louise lucy luke margaret maria marie marion mark martin mary matt matthew megan melissa michael michelle mike mitch mitt nancy natalie nathan neil nicholas nick nicola nicole noah norman olaf oliver olivia pamela pat patricia patrick paul peter phil philip rachel ralph randy ray raymond rebecca richard rick rishi rob robert robin roger ron ronald rose roy russell ruth ryan sally sam samantha samuel sandra sara sarah scott sean sergei sharon simon sophie stan stanley stephanie stephen steve steven stuart susan ted teresa terry thomas tim timothy tina todd tom tommy tony tyler ursula valerie vera victor victoria vincent vladimir volodymyr walter wayne wendy william willie xi yulia yuri zach";

const HONORIFICS: &str = "tsar tsarina tsarevna tsarevich czar czarina marquis marquise duke duchess earl baron baroness abba apa major-general attorney mr mrs ms miss dr prof professor sir dame lord lady president premier king queen prince princess emperor empress pope saint st general gen colonel col major captain capt lieutenant lt sergeant sgt senator sen rep representative governor gov mayor minister chancellor secretary judge justice father rev reverend bishop archbishop cardinal madame mademoiselle mlle mme monsieur herr doctor coach chairman ambassador commissioner officer inspector agent";

const STOP: &str = "the a an in on at of for and or but if when while after before during since this that these those it its he she they we you i my his her their our your there here today yesterday tomorrow monday tuesday wednesday thursday friday saturday sunday january february march april may june july august september october november december image photo source wikinews wikipedia interview according however also although because meanwhile who what where why how which not no yes as by from with about into over under between through more most many much some any all each every other another such only just even still then than so very early life career death references external links see notes history government university college school institute church street road avenue river lake mount island county state states united kingdom republic america american british english french german russian ukrainian european europe asia africa london paris berlin moscow kyiv kiev washington new york california texas china japan india canada australia israel ukraine russia france germany britain england scotland wales ireland italy spain congress senate house parliament court party democrats democratic republican republicans labour conservative nato un eu bbc cnn god christ jesus internet";

/// Verbs that follow a person's surname: a capitalised word repeated alone before one of them
/// is a surname («Holt was drafted», «Dvořák moved»).
const PERSON_VERBS: &str = "said says told wrote was had died married received graduated attended studied became joined moved returned decided declared described recommended began started made played hit went felt stopped taught served worked won founded designed believed thought added explained noted argued claimed asked answered replied announced admitted recalled learned composed published displayed agreed refused realised realized tried continued left spent lived met visited";

/// The commonest Chinese surnames in pinyin, which come first: «Deng Xiaoping», «Hu Shih».
/// Those that are English words (He, Long, Song, Fan, Ma) are left out.
const CHINESE_SURNAMES: &str = "li wang zhang liu chen yang huang zhao wu zhou xu sun zhu hu guo lin luo gao zheng liang xie tang deng feng cao peng xiao tian dong pan yuan cai jiang du ye cheng su lu ding ren shen yao cui zhong tan wei xue yan qian qin xiong meng kong mao shi hou lei bai zeng xie";

/// The words of `s` as a set. The sets are fixed word lists looked up for every capitalised
/// word of English text: hashed with FxHash, several times cheaper than the default SipHash
/// (which guards maps filled from untrusted keys; these are filled from the lists).
fn set(s: &'static str) -> FxHashSet<&'static str> {
    s.split_whitespace().collect()
}

fn given() -> &'static FxHashSet<&'static str> {
    static S: OnceLock<FxHashSet<&'static str>> = OnceLock::new();
    S.get_or_init(|| set(GIVEN))
}
fn honorific() -> &'static FxHashSet<&'static str> {
    static S: OnceLock<FxHashSet<&'static str>> = OnceLock::new();
    S.get_or_init(|| set(HONORIFICS))
}
fn stop() -> &'static FxHashSet<&'static str> {
    static S: OnceLock<FxHashSet<&'static str>> = OnceLock::new();
    S.get_or_init(|| set(STOP))
}

/// The Ukrainian given names of the shipped lists in their official (KMU 2010) Latin spelling:
/// «Kyrylo Budanov», «Olena Zelenska» in English text.
fn ukrainian_given_latin() -> &'static FxHashSet<String> {
    static S: OnceLock<FxHashSet<String>> = OnceLock::new();
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

/// Given names of the US Social Security card applications (public domain), filtered: see
/// `data/names/en-given.md`. Lower case ASCII, one a line.
const EN_GIVEN: &str = include_str!("../../data/names/en-given.txt");

/// Given names of the same list that are also English words (Grace, Will, Brook): given names
/// only inside a sentence and before a surname.
const EN_GIVEN_AMBIGUOUS: &str = include_str!("../../data/names/en-given-ambiguous.txt");

/// Lower-case particles that may stand inside a name: «Jean le Rond d'Alembert», «Ludwig van
/// Beethoven», «Poterin du Motel».
const PARTICLES: &str =
    "de du da di van von der den le la del della des dos das ter ten bin ibn al el y";

/// Closed-class words that never belong to a name, even capitalised.
const FUNCTION: &str = "jr sr despite both although though following throughout unlike upon within without against among whereas whether once later finally eventually instead perhaps indeed thus hence therefore moreover furthermore nevertheless besides recently currently initially originally additionally catholic orthodox protestant muslim jewish islamic buddhist hindu lutheran anglican baptist methodist the a an in on at of for and or but if when while after before during since this that these those it its he she they we you i my his her their our your there here who what where why how which not no yes as by from with about into over under between through more most many much some any all each every other another such only just even still then than so very also however although because meanwhile according";

/// Heads of names of organisations, places and things: a capitalised sequence ending in one
/// («Carnegie Hall», «Johnson Space Center») is not a person.
const ORG_HEADS: &str = "hall center centre prize award awards university college school academy institute foundation society museum library street road avenue square park bridge airport station hotel hospital company corporation inc ltd group press times post journal news magazine review cup trophy league baseball football stadium arena theatre theater church cathedral chapel memorial building tower plan house river lake mountain mountains island islands county city state club band orchestra quartet festival fund trust bank party committee council commission agency ministry department office court lectures lecture series show channel network records studios studio games army navy forces draft sea bay ocean valley research studies sciences technology palace harbor harbour";

/// Lower-case role and kinship nouns that introduce a name: «the physician Yang Buwei», «his
/// friend Auguste Chevalier», «her father, Anthony,».
const ROLES: &str = "son daughter father mother brother sister wife husband uncle aunt nephew niece cousin grandson granddaughter grandfather grandmother friend classmate colleague teammate partner fiancé fiancée widow widower physician doctor mathematician grammarian physicist chemist biologist scientist linguist philosopher historian economist sociologist psychologist astronomer engineer architect artist painter sculptor composer pianist violinist conductor singer songwriter musician rapper actor actress director producer screenwriter playwright poet novelist author writer journalist reporter editor publisher critic columnist photographer illustrator designer teacher professor lecturer student pupil researcher scholar theologian priest pastor monk nun bishop cardinal pope saint king queen prince princess emperor empress tsar chancellor president minister senator governor mayor congressman congresswoman lawmaker diplomat ambassador spokesman spokeswoman spokesperson lawyer attorney judge prosecutor detective officer soldier commander general colonel captain lieutenant sergeant admiral pilot coach manager player pitcher catcher outfielder infielder striker goalkeeper midfielder defender quarterback athlete champion boxer wrestler founder cofounder co-founder owner chairman chairwoman ceo executive entrepreneur businessman businesswoman billionaire activist candidate nominee leader rival opponent successor predecessor mentor tutor youtuber blogger vlogger comedian host presenter anchor model dancer chef";

macro_rules! static_set {
    ($name:ident, $src:expr) => {
        fn $name() -> &'static FxHashSet<&'static str> {
            static S: OnceLock<FxHashSet<&'static str>> = OnceLock::new();
            S.get_or_init(|| set($src))
        }
    };
}
static_set!(en_given, EN_GIVEN);
static_set!(en_given_ambiguous, EN_GIVEN_AMBIGUOUS);
static_set!(particles, PARTICLES);
static_set!(function_words, FUNCTION);
static_set!(org_heads, ORG_HEADS);
static_set!(roles, ROLES);
static_set!(person_verbs, PERSON_VERBS);
static_set!(chinese_surnames, CHINESE_SURNAMES);

/// A Latin letter without its diacritic (é → e, ř → r), for looking names up in ASCII lists.
fn fold_char(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => 'a',
        'ç' | 'ć' | 'č' => 'c',
        'ď' | 'đ' => 'd',
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' => 'e',
        'ì' | 'í' | 'î' | 'ï' | 'ī' | 'į' => 'i',
        'ł' => 'l',
        'ñ' | 'ń' | 'ň' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => 'o',
        'ŕ' | 'ř' => 'r',
        'ś' | 'š' | 'ş' | 'ș' => 's',
        'ť' | 'ţ' | 'ț' => 't',
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' => 'u',
        'ý' | 'ÿ' => 'y',
        'ź' | 'ż' | 'ž' => 'z',
        _ => c,
    }
}

/// Whether a lower-case Latin word is a given name for English text: the hand list, the SSA
/// list and the Ukrainian names in Latin spelling, looked up without diacritics; of a
/// hyphenated name («Pierre-Simon», «Mary-Kate») the first part counts.
fn is_given_en(lower: &str) -> bool {
    let b = base(lower);
    if is_given(b) {
        return true;
    }
    let folded: String = b.chars().map(fold_char).collect();
    let first = folded.split('-').next().unwrap_or_default();
    [folded.as_str(), first].iter().any(|w| {
        w.len() >= 2
            && (given().contains(w)
                || en_given().contains(w)
                || ukrainian_given_latin().contains(*w))
    })
}

/// Whether the token at `i` starts a sentence (or a line, or a quotation).
fn sentence_start(toks: &[Tok], i: usize) -> bool {
    if i == 0 || toks[i].nl_before {
        return true;
    }
    let p = &toks[i - 1];
    p.kind == Kind::Punct
        && matches!(
            p.ch,
            '.' | '!'
                | '?'
                | ':'
                | ';'
                | '\''
                | '"'
                | '“'
                | '”'
                | '‘'
                | '«'
                | '('
                | '['
                | '—'
                | '–'
        )
}

/// A run of tokens that may name a person, before it is judged.
struct Run {
    /// First and last token of the name (title and possessive outside).
    s: usize,
    e: usize,
    /// Name words in it.
    words: usize,
    /// A title, honorific or role noun stands right before it.
    cued: bool,
    /// Its first word is a given name or an initial.
    given_first: bool,
    /// It starts a sentence with a word that may not belong to the name.
    trim: bool,
    /// Last token of an epithet or see after the name («the Great», «of Poitiers»), or `e`.
    tail: usize,
}

/// Finds people in an English text.
pub(crate) fn extract_en(text: &str, toks: &[Tok], registry: &Registry) -> Extraction {
    let runs = find_runs(text, toks);
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
    let lower_at = |i: usize| toks.get(i).map_or("", |t| t.lower.as_str());
    // Words that stand alone, capitalised, inside a sentence, and whether one of them is
    // followed by a verb of a person («Holt was drafted», «Dvořák moved»).
    let pv = person_verbs();
    let mut alone: HashMap<String, (usize, bool)> = HashMap::new();
    for r in runs
        .iter()
        .filter(|r| r.s == r.e && !sentence_start(toks, r.s))
    {
        let a = alone.entry(word_text(r.s)).or_default();
        a.0 += 1;
        let next = if toks
            .get(r.s + 1)
            .is_some_and(|t| t.kind == Kind::Word && !t.cap)
        {
            lower_at(r.s + 1)
        } else {
            ""
        };
        a.1 |= pv.contains(next);
    }
    let repeated = |w: &str| alone.get(w).is_some_and(|a| a.0 >= 2 && a.1);
    // Multi-word runs that name a person: a given name or initial first, a title or role
    // before, or a last word that the article repeats alone as a person.
    let is_full = |r: &Run| {
        r.e > r.s && (r.cued || r.given_first || (r.words <= 3 && repeated(&word_text(r.e))))
    };
    // A sentence-initial word that is not a given name before a name («Despite Daniel's»,
    // «Mathematician Hermann Weyl») is not part of it, unless the whole is a name.
    let known: Vec<Vec<String>> = runs
        .iter()
        .filter(|r| !r.trim && is_full(r))
        .map(|r| {
            span_text(text, toks, r.s, r.e, &word_text)
                .split(' ')
                .map(fold)
                .collect()
        })
        .collect();
    let runs: Vec<Run> = runs
        .into_iter()
        .filter_map(|r| {
            if !r.trim {
                return Some(r);
            }
            let whole = span_text(text, toks, r.s, r.e, &word_text);
            let words: Vec<String> = whole.split(' ').map(fold).collect();
            if known
                .iter()
                .any(|k| k.last() == words.last() && subsequence(&words, &k.join(" ")))
            {
                return Some(Run {
                    trim: false,
                    cued: true,
                    ..r
                });
            }
            // The name starts at its first given name or initial, else at the next word.
            let names: Vec<usize> = (r.s + 1..=r.e)
                .filter(|&j| toks[j].kind == Kind::Word && toks[j].cap)
                .collect();
            let s = names
                .iter()
                .copied()
                .find(|&j| is_given_en(lower_at(j)) || is_initial(toks, j))
                .or_else(|| names.first().copied())?;
            let words = names.iter().filter(|&&j| j >= s).count();
            Some(Run {
                s,
                e: r.e,
                words,
                cued: false,
                given_first: is_given_en(lower_at(s)) || is_initial(toks, s),
                trim: false,
                tail: r.tail,
            })
        })
        .collect();
    let canon_of = |r: &Run| -> String {
        let mut c = span_text(text, toks, r.s, r.e, &word_text);
        if r.tail > r.e {
            c = span_text(text, toks, r.s, r.tail, &word_text);
        }
        c
    };
    // Full names in order, each with how often the article writes it.
    let mut full: Vec<(String, String, usize)> = Vec::new();
    for r in runs.iter().filter(|r| is_full(r)) {
        let canon = canon_of(r);
        let last = word_text(r.e);
        match full.iter_mut().find(|f| fold(&f.1) == fold(&canon)) {
            Some(f) => f.2 += 1,
            None => full.push((last, canon, 1)),
        }
    }
    // The fullest form of each name: one whose words contain it in order with the same last
    // word (Matthew Goode → Matthew William Goode, Otto Jespersen → Jens Otto Harry
    // Jespersen), the most used of those with most words.
    let fullest = |canon: &str, last: &str| -> String {
        let words: Vec<String> = canon.split(' ').map(fold).collect();
        full.iter()
            .filter(|f| f.0 == last && subsequence(&words, &f.1))
            .max_by_key(|f| (f.1.split(' ').count(), f.2))
            .map_or(canon.to_string(), |f| f.1.clone())
    };
    // (last word, fullest form, uses)
    let mut people_full: Vec<(String, String, usize)> = Vec::new();
    for f in &full {
        let best = fullest(&f.1, &f.0);
        match people_full.iter_mut().find(|p| p.1 == best) {
            Some(p) => p.2 += f.2,
            None => people_full.push((f.0.clone(), best, f.2)),
        }
    }
    let pick = |m: Vec<&(String, String, usize)>| -> Option<String> {
        let best = m.iter().map(|f| f.2).max()?;
        let top: Vec<_> = m.iter().filter(|f| f.2 == best).collect();
        (top.len() == 1).then(|| top[0].1.clone())
    };
    let st = stop();
    let mut ex = Extraction::default();
    let mut skip_to = 0usize;
    for (n, r) in runs.iter().enumerate() {
        if r.s < skip_to {
            continue;
        }
        let (s, e) = (r.s, r.e);
        let mut start = s;
        let mut canonical = canon_of(r);
        let mut end_tok = if r.tail > r.e { r.tail } else { r.e };
        // An inverted catalogue name: «Austen, Jane.», «Marx, Karl and Engels, Friedrich.»
        let inverted = runs.get(n + 1).filter(|r2| {
            r.s == r.e
                && r2.s == r.e + 2
                && toks[r.e + 1].ch == ','
                && toks[r.e + 1].kind == Kind::Punct
                && r2.given_first
                && !r2.cued
                && (toks[r.s].nl_before || lower_at(r.s.wrapping_sub(1)) == "and")
                && (toks
                    .get(r2.e + 1)
                    .is_some_and(|t| t.kind == Kind::Punct && t.ch == '.')
                    || lower_at(r2.e + 1) == "and")
        });
        if let Some(r2) = inverted {
            canonical = format!("{} {}", canon_of(r2), word_text(r.s));
            end_tok = r2.e;
            skip_to = r2.e + 1;
        } else if s == e {
            let w = word_text(s);
            let by_last: Vec<&(String, String, usize)> =
                people_full.iter().filter(|f| f.0 == w).collect();
            let firsts: Vec<&(String, String, usize)> = people_full
                .iter()
                .filter(|f| f.1.split(' ').next() == Some(w.as_str()) && f.0 != w)
                .collect();
            let prev = s.checked_sub(1).map_or("", lower_at);
            let glued = toks
                .get(s + 1)
                .is_some_and(|n| n.kind == Kind::Word && n.cap && !n.nl_before)
                || (s > 0
                    && toks[s - 1].kind == Kind::Word
                    && toks[s - 1].cap
                    && !function_words().contains(lower_at(s - 1))
                    && !toks[s].nl_before);
            // A given name alone that is a place or a thing here: «in Austin», «the first
            // Christian monks», «Earl of Clare», «Preston, Victoria, Australia».
            let not_person = glued
                || matches!(
                    prev,
                    "the"
                        | "a"
                        | "an"
                        | "many"
                        | "some"
                        | "first"
                        | "additional"
                        | "in"
                        | "at"
                        | "near"
                        | "from"
                        | "suburb"
                        | "called"
                )
                || (prev == "of" && s >= 2 && toks[s - 2].cap)
                || (toks
                    .get(s + 1)
                    .is_some_and(|t| t.kind == Kind::Punct && t.ch == ',')
                    && toks.get(s + 2).is_some_and(|t| {
                        t.kind == Kind::Word && t.cap && st.contains(t.lower.as_str())
                    }));
            if let Some(c) = pick(by_last.clone()) {
                // «du Motel» of «Stéphanie-Félicie Poterin du Motel».
                if s > 0
                    && particles().contains(lower_at(s - 1))
                    && !toks[s - 1].cap
                    && c.ends_with(&format!(" {} {w}", toks[s - 1].lower.as_str()))
                {
                    start = s - 1;
                }
                canonical = c;
            } else if !by_last.is_empty() {
                // Several people of that surname, none named most: the surname alone.
            } else if not_person && !r.cued {
                continue;
            } else if let Some(c) = pick(firsts.clone()) {
                canonical = c;
            } else if !firsts.is_empty() {
                continue;
            } else if r.cued || (is_given_en(lower_at(s)) && !NOT_ALONE.contains(&lower_at(s))) {
                // A given name alone, or a name after a title. Two given names sharing one
                // surname: «Gerald and Sherri Padalecki».
                if let Some(r2) = runs.get(n + 1).filter(|r2| {
                    r2.s == s + 2 && lower_at(s + 1) == "and" && r2.given_first && r2.e > r2.s
                }) {
                    canonical = format!("{} {}", canonical, word_text(r2.e));
                }
            } else {
                continue;
            }
        } else if is_full(r) {
            canonical = fullest(&canonical, &word_text(e));
        } else {
            continue;
        }
        let (ft, lt) = (&toks[start], &toks[end_tok]);
        let mut end_b = lt.be;
        let mut end_c = lt.ce;
        let raw_last = text.get(lt.bs..lt.be).unwrap_or_default();
        let wl = word_text(end_tok);
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

/// Given names that alone are more often a word: «Christian moral life».
const NOT_ALONE: [&str; 2] = ["christian", "alma"];

/// A name without diacritics, for comparing spellings («Ichiyo» = «Ichiyō»).
fn fold(s: &str) -> String {
    s.chars().map(fold_char).collect()
}

/// Whether the (folded) words of a name stand in `longer` in the same order.
fn subsequence(words: &[String], longer: &str) -> bool {
    let mut it = longer.split(' ').map(fold);
    words.iter().all(|w| it.any(|l| &l == w))
}

/// Whether the token at `i` is an initial: one capital letter and a dot.
fn is_initial(toks: &[Tok], i: usize) -> bool {
    toks.get(i)
        .is_some_and(|t| t.kind == Kind::Word && t.cap && t.ce - t.cs == 1)
        && toks
            .get(i + 1)
            .is_some_and(|d| d.kind == Kind::Punct && d.ch == '.')
}

/// Capitalised runs of name words, with their cues, in text order.
fn find_runs(text: &str, toks: &[Tok]) -> Vec<Run> {
    let h = honorific();
    let st = stop();
    let fw = function_words();
    let word = |i: usize| toks.get(i).filter(|t| t.kind == Kind::Word);
    let raw = |i: usize| toks.get(i).and_then(|t| text.get(t.bs..t.be)).unwrap_or("");
    // A word with a lower-case particle glued to a capitalised name: «al-Sabunji», «d'Alembert».
    let prefixed = |i: usize| {
        word(i).is_some_and(|t| !t.cap)
            && ["al-", "el-", "d'", "d’", "ibn-", "bin-"].iter().any(|p| {
                raw(i)
                    .strip_prefix(p)
                    .and_then(|r| r.chars().next())
                    .is_some_and(char::is_uppercase)
            })
    };
    // All capitals («NATO», «NORTON»), but not «L'Enfant» or «O'Toole».
    let shouting = |i: usize| {
        raw(i).chars().filter(|c| c.is_alphabetic()).count() >= 2
            && !raw(i).chars().any(char::is_lowercase)
    };
    let is_name_word = |i: usize| {
        word(i).is_some_and(|t| {
            t.cap && !shouting(i) && !st.contains(base(&t.lower)) && !fw.contains(base(&t.lower))
        }) || prefixed(i)
    };
    // A capitalised stop word («Washington», «London») may end a name begun by a given name.
    let is_cont_word = |i: usize| {
        word(i).is_some_and(|t| {
            t.cap && !shouting(i) && !fw.contains(base(&t.lower)) && st.contains(base(&t.lower))
        })
    };
    let possessive = |i: usize| toks[i].lower.ends_with("ʼs") || toks[i].lower.ends_with('ʼ');
    let pt = particles();
    let mut runs: Vec<Run> = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let t = &toks[i];
        if t.kind != Kind::Word || !(t.cap || prefixed(i)) {
            i += 1;
            continue;
        }
        // Honorific: skip it (and its dot), the name follows.
        let mut cued = false;
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
            // «Mlle. du Motel»: the particle is part of the name; «Marquis de Lafayette»:
            // part of the title.
            let mut start = n;
            if word(n).is_some_and(|d| pt.contains(d.lower.as_str()) && !d.cap)
                && is_name_word(n + 1)
                && !toks[n + 1].nl_before
            {
                n += 1;
                if !matches!(
                    t.lower.as_str(),
                    "marquis" | "marquise" | "duke" | "duchess" | "count" | "countess" | "comte"
                ) {
                    start = n - 1;
                } else {
                    start = n;
                }
            }
            let saint = matches!(t.lower.as_str(), "st" | "saint");
            // «St. Louis», «Clyst St. Mary»: places.
            let saint_place = saint
                && (word(n).is_some_and(|w| {
                    matches!(
                        w.lower.as_str(),
                        "louis" | "petersburg" | "helens" | "helena" | "kitts" | "lucia" | "albans"
                    )
                }) || (i > 0 && toks[i - 1].kind == Kind::Word && toks[i - 1].cap));
            if saint_place {
                i = n + 1;
                continue;
            }
            if (is_name_word(n) || is_initial(toks, n))
                && !toks[n].nl_before
                && (!saint || word(n).is_some_and(|w| is_given_en(&w.lower)))
            {
                cued = true;
                s = start;
            } else {
                i += 1;
                continue;
            }
        } else if i > 0 && !toks[i].nl_before {
            // A lower-case role noun right before («the physician Yang Buwei»), or a kinship
            // noun and a comma («her father, Anthony,»).
            let r = roles();
            let prev = &toks[i - 1];
            let role_before =
                prev.kind == Kind::Word && !prev.cap && r.contains(prev.lower.as_str());
            let role_comma = prev.kind == Kind::Punct
                && prev.ch == ','
                && i >= 2
                && toks[i - 2].kind == Kind::Word
                && !toks[i - 2].cap
                && r.contains(toks[i - 2].lower.as_str());
            cued = role_before || role_comma;
        }
        let first_name = if word(s).is_some_and(|w| !w.cap && pt.contains(w.lower.as_str())) {
            s + 1
        } else {
            s
        };
        let real_given = is_given_en(&toks[first_name].lower);
        // A given name that is also a word (Grace, Will, Brook) inside a sentence, not after
        // an article, before another name word.
        let ambiguous_given = !sentence_start(toks, first_name)
            && en_given_ambiguous().contains(toks[first_name].lower.as_str())
            && !matches!(
                toks[first_name - 1].lower.as_str(),
                "the" | "a" | "an" | "this" | "that" | "his" | "her" | "their" | "our" | "my"
            )
            && is_name_word(first_name + 1)
            && !toks[first_name + 1].nl_before;
        let given_first = real_given || ambiguous_given || is_initial(toks, first_name);
        let chinese_first = chinese_surnames().contains(toks[first_name].lower.as_str());
        let mut e = s;
        let mut words = 0;
        let mut k = first_name;
        loop {
            if is_initial(toks, k) && !(k > first_name && toks[k].nl_before) {
                e = k + 1;
                k += 2;
                words += 1;
                continue;
            }
            if k > first_name && toks.get(k).is_some_and(|t| t.nl_before) {
                break;
            }
            // A title inside starts another name: «German-Russian Colonel Rudolf Strasburgh».
            let title = words > 0
                && word(k).is_some_and(|w| h.contains(w.lower.as_str()))
                && is_name_word(k + 1);
            let ok = !title
                && (is_name_word(k) || (words > 0 && (real_given || cued) && is_cont_word(k)));
            if ok {
                e = k;
                words += 1;
                k += 1;
                if possessive(k - 1) {
                    break;
                }
                continue;
            }
            // A particle between name words: «Jean le Rond d'Alembert».
            if words > 0
                && word(k).is_some_and(|p| !p.cap && pt.contains(p.lower.as_str()))
                && (is_name_word(k + 1)
                    || word(k + 1).is_some_and(|p| pt.contains(p.lower.as_str()))
                        && is_name_word(k + 2))
                && !toks[k + 1].nl_before
            {
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
        let next = k.max(i + 1);
        // Only initials or short pieces («U.S.», «S. F.», «M.Sc»): not a name.
        if words == 0
            || (first_name..=e).all(|x| {
                toks[x].kind != Kind::Word || is_initial(toks, x) || toks[x].ce - toks[x].cs <= 2
            })
        {
            i = next;
            continue;
        }
        // The names of organisations and places: «Carnegie Hall», «Major League Baseball»; a
        // family or a dynasty: «the Bernoulli family».
        if org_heads().contains(base(&toks[e].lower))
            || !possessive(e)
                && word(e + 1).is_some_and(|n| {
                    !n.cap
                        && (matches!(n.lower.as_str(), "family" | "families" | "dynasty" | "clan")
                            || org_heads().contains(n.lower.as_str()))
                })
        {
            i = next;
            continue;
        }
        // An epithet («Peter the Great») or a see («Hilary of Poitiers») after a name of one
        // word with a given name or a title.
        let mut tail = e;
        if (given_first || cued) && !possessive(e) {
            let after = |j: usize| word(j).is_some_and(|w| !w.nl_before);
            let single_cap = |j: usize| {
                is_name_word(j)
                    && !word(j + 1).is_some_and(|w| w.cap && !w.nl_before)
                    && !toks[j].lower.ends_with("ʼs")
            };
            let nxt = toks
                .get(e + 1)
                .filter(|t| !t.cap)
                .map_or("", |t| t.lower.as_str());
            let epithet = nxt == "the";
            let see = words == 1 && nxt == "of";
            if after(e + 1) && (epithet || see) && single_cap(e + 2) {
                tail = e + 2;
            }
        }
        let trim = !cued
            && words >= 2
            && !given_first
            && !chinese_first
            && sentence_start(toks, s)
            && !possessive(s);
        runs.push(Run {
            s,
            e,
            words,
            cued,
            given_first: given_first || (chinese_first && words == 2),
            trim,
            tail,
        });
        i = if tail > e { tail + 1 } else { next };
    }
    runs
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
