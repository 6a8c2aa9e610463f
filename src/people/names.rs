//! The embedded name gazetteers (`data/names`), parsed once on first use.
//!
//! - Given names with gender and an indeclinable flag (Ukrainian lists plus the project's foreign
//!   list), and FORMS: every inflected form of every given name in all seven cases (declined by
//!   [`super::morph`] per the reference tables) → the readings it stands for.
//! - Surnames: the top-5,000 list (a strong signal, frequency-like order) and the full list of
//!   99,903 entries (a weak signal), keyed by lowercase nominative.
//!
//! All keys are lowercase with the apostrophe normalised to U+02BC (ʼ); the public functions
//! normalise their argument the same way, so callers may pass text as written.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::OnceLock;

use super::keytable;
use super::morph::{self, Cases};
use super::Gender;

const UK_MALE: &str = include_str!("../../data/names/uk-given-male.txt");
const UK_MALE_EXTRA: &str = include_str!("../../data/names/uk-given-male-extra.txt");
const UK_FEMALE: &str = include_str!("../../data/names/uk-given-female.txt");
const UK_FEMALE_EXTRA: &str = include_str!("../../data/names/uk-given-female-extra.txt");
const FOREIGN_MALE: &str = include_str!("../../data/names/foreign-given-male.txt");
const FOREIGN_FEMALE: &str = include_str!("../../data/names/foreign-given-female.txt");
#[cfg(test)]
const SURNAMES_TOP: &str = include_str!("../../data/names/uk-surnames-top5000.txt");
#[cfg(test)]
const SURNAMES_ALL: &str = include_str!("../../data/names/uk-surnames-all.txt");
const GIVEN_ALSO_SURNAME: &str = include_str!("../../data/names/given-also-common-surname.txt");

/// Everyday short forms of given names, used as names in the press and in quotes (compiled for
/// this project from general knowledge; not in the extracted lists).
pub(crate) const DIMINUTIVES_MALE: &str = "Саша\nЖеня\nСашко\nТоля\nФедя\nВаня\nВася\nПетя\nКоля\nМиша\nДіма\nВова\nЛьоня\nГриць\nПетрусь\nЮрко";
pub(crate) const DIMINUTIVES_FEMALE: &str = "Саша\nЖеня\nВаля\nГаля\nЮля\nТаня\nОля\nКатя\nМаша\nНаташа\nЛіза\nДаша\nІра\nЛєна\nЛюда\nЛюба\nНадя\nЗіна\nМаруся\nГанна\nОксанка\nНаталка\nСвітланка";

/// Number of entries in the strong (top) surname list.
pub const TOP_SURNAMES: u32 = keytable::TOP_SURNAMES;

/// One given name of the gazetteer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GivenEntry {
    /// Nominative as displayed (capitalised, apostrophe ʼ).
    pub nominative: String,
    pub gender: Gender,
    /// Foreign vowel-final names (Джо, Маріо) and foreign feminine consonant-final names
    /// (Марін, Керолайн) do not decline.
    pub indeclinable: bool,
    /// From the foreign list.
    pub foreign: bool,
}

/// FNV-1a: a fast hash for the short string keys of the gazetteer (no untrusted-key DoS concern:
/// the keys are the embedded lists; lookups only read).
#[derive(Default, Clone, Copy)]
pub(crate) struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for &b in bytes {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

/// A HashMap with the [`Fnv`] hasher.
pub(crate) type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<Fnv>>;

struct Data {
    given: Vec<GivenEntry>,
    /// lowercase nominative → entry indices
    given_nom: FastMap<String, Vec<u32>>,
    /// lowercase inflected form → (entry index, cases)
    forms: FastMap<String, Vec<(u32, Cases)>>,
    given_also_surname: HashSet<String>,
}

/// Lowercases and normalises apostrophes to ʼ (for list lines and lookup keys).
pub(crate) fn key(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_key(&mut out, s.trim());
    out
}

/// [`key`] of `s` (already trimmed), appended to `out`.
fn push_key(out: &mut String, s: &str) {
    for c in s.chars() {
        keytable::push_rank_key_char(out, c);
    }
}

fn display(s: &str) -> String {
    s.trim()
        .chars()
        .map(|c| if c == '\'' { '\u{02BC}' } else { c })
        .collect()
}

fn data() -> &'static Data {
    static DATA: OnceLock<Data> = OnceLock::new();
    DATA.get_or_init(build)
}

fn build() -> Data {
    let mut given: Vec<GivenEntry> = Vec::with_capacity(1600);
    let mut given_nom: FastMap<String, Vec<u32>> = FastMap::default();
    let lists: [(&str, Gender, bool); 6] = [
        (UK_MALE, Gender::Male, false),
        (UK_MALE_EXTRA, Gender::Male, false),
        (UK_FEMALE, Gender::Female, false),
        (UK_FEMALE_EXTRA, Gender::Female, false),
        (FOREIGN_MALE, Gender::Male, true),
        (FOREIGN_FEMALE, Gender::Female, true),
    ];
    for (text, gender, foreign) in lists.into_iter().chain([
        (DIMINUTIVES_MALE, Gender::Male, false),
        (DIMINUTIVES_FEMALE, Gender::Female, false),
    ]) {
        for line in text.lines() {
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            let k = key(line);
            let indeclinable = foreign && morph::foreign_given_indeclinable(&k, gender);
            let ids = given_nom.entry(k).or_default();
            // The same name and gender twice (e.g. in a Ukrainian and the foreign list):
            // keep one entry, declinable wins.
            if let Some(&i) = ids.iter().find(|&&i| given[i as usize].gender == gender) {
                if !indeclinable {
                    given[i as usize].indeclinable = false;
                }
                continue;
            }
            ids.push(given.len() as u32);
            given.push(GivenEntry {
                nominative: display(line),
                gender,
                indeclinable,
                foreign,
            });
        }
    }
    let mut forms: FastMap<String, Vec<(u32, Cases)>> = FastMap::default();
    forms.reserve(given.len() * 12);
    for (i, e) in given.iter().enumerate() {
        let k = key(&e.nominative);
        for (form, cases) in morph::given_forms(&k, e.gender, e.indeclinable) {
            let v = forms.entry(form).or_default();
            match v.iter_mut().find(|(j, _)| *j == i as u32) {
                Some((_, c)) => *c = c.union(cases),
                None => v.push((i as u32, cases)),
            }
        }
    }
    let given_also_surname = GIVEN_ALSO_SURNAME
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(key)
        .collect();
    Data {
        given,
        given_nom,
        forms,
        given_also_surname,
    }
}

/// The surname lists, lowercased once for both gazetteers: the ranks of this module
/// ([`surname_rank_key`]) and the top and full sets of the extraction lexicon
/// (`Lexicon::surnames_top`, `Lexicon::surnames_all`).
///
/// This module keys a list line by [`key`], the lexicon by `lexicon::lower_key` of the
/// trimmed line; the two differ only on the dashes U+2010, U+2011 and U+2013 (which [`key`]
/// turns into `-`), so a line with such a dash gets a second, lexicon-only entry. The table
/// of the shipped lists is made by the build script ([`super::keytable`]) and embedded in the
/// binary: nothing is built at start-up.
pub(crate) struct SurnameTable {
    keys: Cow<'static, [u8]>,
    slots: Cow<'static, [u8]>,
}

/// [`SurnameTable`] lexicon bit: in the top list.
pub(crate) const IN_TOP: u8 = keytable::IN_TOP;
/// [`SurnameTable`] lexicon bit: in the full list.
pub(crate) const IN_ALL: u8 = keytable::IN_ALL;

/// The keys of the table of the shipped lists, written by `build.rs`.
static EMBEDDED_KEYS: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/surname-keys.bin"));
/// The slots of the table of the shipped lists, written by `build.rs`.
static EMBEDDED_SLOTS: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/surname-slots.bin"));

impl SurnameTable {
    /// The table of the shipped lists, as the build script made it.
    const fn embedded() -> SurnameTable {
        SurnameTable {
            keys: Cow::Borrowed(EMBEDDED_KEYS),
            slots: Cow::Borrowed(EMBEDDED_SLOTS),
        }
    }

    /// Builds the table from a top list and a full list (one surname a line), as the build
    /// script does for the shipped ones.
    #[cfg(test)]
    fn from_lists(top: &str, all: &str) -> SurnameTable {
        let (keys, slots) = keytable::build(top, all);
        SurnameTable {
            keys: Cow::Owned(keys),
            slots: Cow::Owned(slots),
        }
    }

    /// (rank, lexicon bits) of a key.
    #[inline]
    fn get(&self, k: &str) -> Option<(u32, u8)> {
        keytable::find(&self.keys, &self.slots, k.as_bytes())
    }

    /// The rank of a surname key (see [`surname_rank`]).
    fn rank(&self, k: &str) -> Option<u32> {
        self.get(k)
            .and_then(|(rank, _)| (rank != keytable::NO_RANK).then_some(rank))
    }

    /// The number of lexicon keys in `list` ([`IN_TOP`] or [`IN_ALL`]).
    #[cfg(test)]
    pub(crate) fn lexicon_len(&self, list: u8) -> usize {
        keytable::entries(&self.keys, &self.slots)
            .filter(|e| e.2 & list != 0)
            .count()
    }

    /// The number of keys with a rank.
    #[cfg(test)]
    fn ranked_len(&self) -> usize {
        keytable::entries(&self.keys, &self.slots)
            .filter(|e| e.1 != keytable::NO_RANK)
            .count()
    }

    /// The lists ([`IN_TOP`], [`IN_ALL`] bits) the lexicon key `k` is in: one lookup for both.
    pub(crate) fn lexicon_lists(&self, k: &str) -> u8 {
        self.get(k).map_or(0, |(_, lex)| lex)
    }

    /// Whether the lexicon key `k` is in a list of `lists` ([`IN_TOP`], [`IN_ALL`]).
    pub(crate) fn in_lexicon_lists(&self, k: &str, lists: u8) -> bool {
        self.lexicon_lists(k) & lists != 0
    }
}

/// The shared surname table (embedded: nothing to build).
pub(crate) fn surname_table() -> &'static SurnameTable {
    static TABLE: SurnameTable = SurnameTable::embedded();
    &TABLE
}

/// Given names that are common in Ukraine today (compiled for this project from general
/// knowledge; no frequency list ships with the data). Used only as a prior between homographs:
/// «Світлана» (f, N) rather than a rare masculine «Світлан» in the genitive.
const COMMON_GIVEN: &[&str] = &[
    // masculine
    "олександр",
    "сергій",
    "володимир",
    "андрій",
    "дмитро",
    "іван",
    "микола",
    "олексій",
    "юрій",
    "віктор",
    "михайло",
    "василь",
    "петро",
    "віталій",
    "ігор",
    "олег",
    "анатолій",
    "валерій",
    "євген",
    "роман",
    "богдан",
    "павло",
    "максим",
    "артем",
    "денис",
    "ярослав",
    "тарас",
    "руслан",
    "вадим",
    "григорій",
    "леонід",
    "борис",
    "степан",
    "костянтин",
    "вʼячеслав",
    "станіслав",
    "геннадій",
    "валентин",
    "федір",
    "антон",
    "кирило",
    "ілля",
    "назар",
    "ростислав",
    "святослав",
    "мирослав",
    "владислав",
    "едуард",
    "аркадій",
    "арсеній",
    "георгій",
    "семен",
    "яків",
    "марк",
    "гліб",
    "орест",
    "остап",
    "тимур",
    "артур",
    "давид",
    "данило",
    "марко",
    "микита",
    "матвій",
    "тимофій",
    "олесь",
    "нестор",
    "зиновій",
    "любомир",
    "устим",
    "рустем",
    "глеб",
    "вячеслав",
    "ілько",
    "всеволод",
    "вікентій",
    "йосип",
    "левко",
    "лев",
    // feminine
    "олена",
    "ольга",
    "наталія",
    "наталя",
    "тетяна",
    "ірина",
    "світлана",
    "юлія",
    "оксана",
    "людмила",
    "галина",
    "марія",
    "анна",
    "ганна",
    "валентина",
    "надія",
    "віра",
    "любов",
    "катерина",
    "вікторія",
    "алла",
    "лариса",
    "інна",
    "ніна",
    "лілія",
    "мирослава",
    "ярослава",
    "олександра",
    "анастасія",
    "дарія",
    "дарʼя",
    "яна",
    "христина",
    "софія",
    "соломія",
    "уляна",
    "єлизавета",
    "єлизавета",
    "лідія",
    "раїса",
    "зоя",
    "тамара",
    "жанна",
    "євгенія",
    "антоніна",
    "леся",
    "марина",
    "вероніка",
    "діана",
    "аліна",
    "поліна",
    "кристина",
    "богдана",
    "марʼяна",
    "зоряна",
    "інга",
    "майя",
    "мілана",
    "ангеліна",
    "емілія",
    "злата",
    "таїсія",
    "василина",
    "стефанія",
    "роксолана",
    "людмила",
    "неля",
    "ірина",
    "ельвіра",
    "маргарита",
    "мая",
    "альона",
    "віолета",
    "карина",
    "аліса",
    "ксенія",
    "ярина",
    "олеся",
    "оксана",
    "любов",
    "софія",
    "катерина",
];

/// Whether a lowercase nominative key is a common given name (see [`COMMON_GIVEN`]).
pub(crate) fn is_common_given_key(nom_key: &str) -> bool {
    COMMON_GIVEN.contains(&nom_key)
}

/// Whether `nominative` is a given name common in Ukraine today (a prior between homographs).
pub fn is_common_given(nominative: &str) -> bool {
    is_common_given_key(&key(nominative))
}

/// The given-name entry with index `i` (as found in [`given_form_readings`]).
pub(crate) fn given_entry(i: u32) -> Option<&'static GivenEntry> {
    data().given.get(i as usize)
}

/// Readings of a lowercase, normalised form (see [`key`]): (entry index, cases).
pub(crate) fn given_form_readings(form_key: &str) -> &'static [(u32, Cases)] {
    data()
        .forms
        .get(form_key)
        .map(|v| v.as_slice())
        .unwrap_or(&[])
}

/// Entries whose nominative is the lowercase, normalised `nom_key`.
pub(crate) fn given_nominative_entries(nom_key: &str) -> &'static [u32] {
    data()
        .given_nom
        .get(nom_key)
        .map(|v| v.as_slice())
        .unwrap_or(&[])
}

/// Whether `token` (as written) is some case form of a gazetteer given name
/// (hyphenated names included: «Жан-Ноеля»).
pub fn is_given_name_form(token: &str) -> bool {
    let k = key(&morph::normalize(token));
    !given_form_readings(&k).is_empty() || !morph::given_name(token).is_empty()
}

/// Whether `nominative` is a gazetteer given name in the nominative.
pub fn is_given_nominative(nominative: &str) -> bool {
    !given_nominative_entries(&key(nominative)).is_empty()
}

/// Whether `nominative` is in the surname lists (top 5,000 or the full list).
pub fn is_known_surname(nominative: &str) -> bool {
    surname_rank_key(&key(nominative)).is_some()
}

/// Whether `nominative` is among the 5,000 most frequent surnames.
pub fn is_common_surname(nominative: &str) -> bool {
    surname_rank(nominative).is_some_and(|r| r < TOP_SURNAMES)
}

/// Frequency-like rank of a surname nominative: 0.. for the top list, 5000.. for the rest of
/// the full list; `None` when unknown.
pub fn surname_rank(nominative: &str) -> Option<u32> {
    surname_rank_key(&key(nominative))
}

/// [`surname_rank`] for an already lowercased, normalised key.
pub(crate) fn surname_rank_key(k: &str) -> Option<u32> {
    surname_table().rank(k)
}

/// Whether a given name is also a frequent surname (Бойко, Роман, Ярош): accept it as a given
/// name only in a name context.
pub fn is_given_also_surname(nominative: &str) -> bool {
    data().given_also_surname.contains(&key(nominative))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_load() {
        assert!(is_given_nominative("Володимир"));
        assert!(is_given_nominative("В'ячеслав"));
        assert!(is_given_nominative("Вʼячеслав"));
        assert!(is_known_surname("Шевченко"));
        assert!(is_common_surname("Мельник"));
        assert_eq!(surname_rank("Мельник"), Some(0));
        assert!(!is_known_surname("Ыыыы"));
        assert!(is_given_also_surname("Бойко"));
        assert!(is_given_nominative("Юля"));
        assert!(is_given_name_form("Юлею"));
        assert!(is_common_given("Олена"));
        assert!(!is_common_given("Світлан"));
        assert!(!is_given_also_surname("Олена"));
    }

    /// The surname ranks as they were built before the table was shared with the lexicon.
    fn reference_ranks(top: &str, all: &str) -> HashMap<String, u32> {
        let mut surnames: HashMap<String, u32> = HashMap::new();
        for (rank, line) in top.lines().enumerate() {
            if !line.trim().is_empty() {
                surnames.entry(key(line)).or_insert(rank as u32);
            }
        }
        for (rank, line) in all.lines().enumerate() {
            if !line.trim().is_empty() {
                surnames
                    .entry(key(line))
                    .or_insert(TOP_SURNAMES + rank as u32);
            }
        }
        surnames
    }

    /// The table gives the ranks the reference gives, and the lexicon sets hold
    /// `lexicon::lower_key` of the trimmed lines, dashes and all.
    fn check_table(top: &str, all: &str) {
        check_table_of(&SurnameTable::from_lists(top, all), top, all);
    }

    /// [`check_table`] of a given table.
    fn check_table_of(table: &SurnameTable, top: &str, all: &str) {
        let old = reference_ranks(top, all);
        for (k, &r) in &old {
            assert_eq!(table.rank(k), Some(r), "{k}");
        }
        assert_eq!(table.ranked_len(), old.len());
        for (text, list) in [(top, IN_TOP), (all, IN_ALL)] {
            let set: HashSet<String> = text
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(super::super::lexicon::lower_key)
                .collect();
            for k in &set {
                assert!(table.in_lexicon_lists(k, list), "{k}");
            }
            assert_eq!(table.lexicon_len(list), set.len());
        }
    }

    #[test]
    fn surname_table_matches_the_reference() {
        check_table(SURNAMES_TOP, SURNAMES_ALL);
        // The table the build script embedded answers as the reference does.
        check_table_of(surname_table(), SURNAMES_TOP, SURNAMES_ALL);
        check_table(
            " Мельник \nО'Коннор\n\nЛевицька\u{2013}Рудь\nШевченко\n",
            "Шевченко\nМЕЛЬНИК\nЛевицька-Рудь\nЛевицька\u{2013}Рудь\nО’Коннор\nÉclair\n  \nİnan",
        );
        assert_eq!(surname_rank("Левицька\u{2013}Рудь"), None);
    }

    /// The embedded table is the one [`keytable::build`] makes of the shipped lists, and
    /// lookups of words that are not keys (every prefix and suffix of the keys, and words of
    /// random letters) find nothing, as in the reference.
    #[test]
    fn embedded_table_is_built_from_the_shipped_lists() {
        let (keys, slots) = keytable::build(SURNAMES_TOP, SURNAMES_ALL);
        assert!(EMBEDDED_KEYS == keys.as_slice(), "embedded keys differ");
        assert!(EMBEDDED_SLOTS == slots.as_slice(), "embedded slots differ");
        let old = reference_ranks(SURNAMES_TOP, SURNAMES_ALL);
        let lex: HashSet<String> = SURNAMES_TOP
            .lines()
            .chain(SURNAMES_ALL.lines())
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(super::super::lexicon::lower_key)
            .collect();
        let table = surname_table();
        let probes = keytable::probes(
            old.keys(),
            7,
            0x2545_f491_4f6c_dd1d,
            "абвгґдеєжзиіїйклмнопрстуфхцчшщьюяʼ-",
        );
        for p in &probes {
            assert_eq!(table.rank(p), old.get(p).copied(), "{p}");
            assert_eq!(table.lexicon_lists(p) != 0, lex.contains(p), "{p}");
        }
    }

    #[test]
    fn key_fast_paths_match_to_lowercase() {
        for c in (0..0x3000u32).filter_map(char::from_u32) {
            let s = c.to_string();
            let want: String = match c {
                '\'' | '\u{2019}' | '\u{2018}' | '`' | '\u{00B4}' | '\u{02BC}' => "\u{02BC}".into(),
                '\u{2010}' | '\u{2011}' | '\u{2013}' => "-".into(),
                c if c.is_whitespace() => String::new(),
                c => c.to_lowercase().collect(),
            };
            assert_eq!(key(&s), want, "{c:?}");
        }
    }

    #[test]
    fn forms_cover_cases() {
        assert!(is_given_name_form("Стівом"));
        assert!(is_given_name_form("Ользі"));
        assert!(is_given_name_form("Федора"));
        assert!(is_given_name_form("Жан-Ноеля"));
        assert!(!is_given_name_form("Зеленського"));
        let r = given_form_readings("джо");
        assert!(r.iter().any(|(_, c)| *c == Cases::ALL));
    }
}
