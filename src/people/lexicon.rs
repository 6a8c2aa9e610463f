//! Embedded word lists for extraction, parsed once: given-name forms, surnames, places and the
//! hand-written stop lists (organisations, role words, months, capitalised non-names).
//! All keys are lower case with apostrophes unified to U+02BC.

use super::infl::{given_forms, noun_forms};
use super::keytable::{self, push_lower_key_char};
use super::Gender;
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

/// A small, fast non-cryptographic hasher (FxHash) for the embedded word tables.
#[derive(Default, Clone, Copy)]
pub struct FxHasher(u64);

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
        let mut h = self.0;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut b = [0u8; 8];
            b.copy_from_slice(c);
            h = (h.rotate_left(5) ^ u64::from_le_bytes(b)).wrapping_mul(K);
        }
        for &b in chunks.remainder() {
            h = (h.rotate_left(5) ^ u64::from(b)).wrapping_mul(K);
        }
        self.0 = h;
    }
    fn write_u8(&mut self, i: u8) {
        self.0 = (self.0.rotate_left(5) ^ u64::from(i)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn write_usize(&mut self, i: usize) {
        self.0 = (self.0.rotate_left(5) ^ i as u64).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// HashMap with [`FxHasher`].
pub type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;
/// HashSet with [`FxHasher`].
pub type FxSet<K> = HashSet<K, BuildHasherDefault<FxHasher>>;
use std::sync::OnceLock;

/// One reading of a token as a given name.
#[derive(Debug, Clone)]
pub struct GivenReading {
    pub nominative: String,
    pub gender: Gender,
    pub cases: u8,
}

/// The lexicon used by extraction.
pub struct Lexicon {
    pub given: FxMap<String, Vec<GivenReading>>,
    /// Given names that are also common words or surnames: a name only next to a surname.
    pub given_ambiguous: FxSet<String>,
    /// Given names that are everyday words (Віра, Слава, Мир): never a name alone.
    pub given_common: FxSet<String>,
    /// The top-5,000 surname list.
    pub surnames_top: SurnameSet,
    /// The full surname list.
    pub surnames_all: SurnameSet,
    /// Every case form of the place names ([`super::places`]).
    pub places: PlaceSet,
    /// Cities, regions and foreign places (no villages): blocks even likely names.
    pub places_major: PlaceSet,
    pub stop: FxSet<String>,
    /// Role word form → nominative.
    pub roles: FxMap<String, String>,
    /// The keys of `given` with one letter of a doubled н, л, с or т dropped («ганна» →
    /// «гана»): a word not here has no given-name reading written with a double consonant
    /// single (the extractor's «Генадій» → «Геннадій» repair).
    pub given_singled: FxSet<String>,
}

/// [`Lexicon::given_singled`] of the given-name keys `keys`.
pub(crate) fn singled_keys<'a>(keys: impl Iterator<Item = &'a String>) -> FxSet<String> {
    let mut out: FxSet<String> = FxSet::default();
    for k in keys {
        let mut prev: Option<(usize, char)> = None;
        for (b, c) in k.char_indices() {
            if let Some((pb, p)) = prev {
                if p == c && matches!(c, 'н' | 'л' | 'с' | 'т') {
                    let mut s = String::with_capacity(k.len());
                    s.push_str(&k[..pb]);
                    s.push_str(&k[b..]);
                    out.insert(s);
                }
            }
            prev = Some((b, c));
        }
    }
    out
}

/// One of the surname lists, as a set of [`lower_key`]s: a view of the table shared with
/// [`super::names`] (the lists are lowercased once for both gazetteers).
pub struct SurnameSet {
    table: &'static super::names::SurnameTable,
    /// [`super::names::IN_TOP`] or [`super::names::IN_ALL`].
    list: u8,
}

impl SurnameSet {
    /// Whether the lower-case key `lower` is in the list.
    pub fn contains(&self, lower: &str) -> bool {
        self.table.in_lexicon_lists(lower, self.list)
    }

    /// Which surname lists (either set answers for both) hold `lower`:
    /// [`super::names::IN_TOP`] and [`super::names::IN_ALL`] bits, in one lookup.
    pub fn lists(&self, lower: &str) -> u8 {
        self.table.lexicon_lists(lower)
    }
}

/// The keys of the place table of the shipped list, written by `build.rs` ([`super::places`]).
static PLACE_KEYS: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/place-keys.bin"));
/// The slots of the place table of the shipped list, written by `build.rs`.
static PLACE_SLOTS: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/place-slots.bin"));

/// A set of place-name forms ([`lower_key`]s): the embedded place table, read for one bit
/// ([`super::places::PLACE`] or [`super::places::MAJOR`]).
pub struct PlaceSet {
    bit: u8,
}

impl PlaceSet {
    /// Whether the lower-case key `lower` is in the set.
    #[inline]
    pub fn contains(&self, lower: &str) -> bool {
        keytable::find(PLACE_KEYS, PLACE_SLOTS, lower.as_bytes())
            .is_some_and(|(_, bits)| bits & self.bit != 0)
    }

    /// Every form in the set.
    #[cfg(test)]
    fn forms(&self) -> impl Iterator<Item = &'static [u8]> + '_ {
        keytable::entries(PLACE_KEYS, PLACE_SLOTS)
            .filter(|e| e.2 & self.bit != 0)
            .map(|e| e.0)
    }
}

const MALE: &[&str] = &[
    include_str!("../../data/names/uk-given-male.txt"),
    include_str!("../../data/names/uk-given-male-extra.txt"),
    include_str!("../../data/names/foreign-given-male.txt"),
    super::names::DIMINUTIVES_MALE,
];
const FEMALE: &[&str] = &[
    include_str!("../../data/names/uk-given-female.txt"),
    include_str!("../../data/names/uk-given-female-extra.txt"),
    include_str!("../../data/names/foreign-given-female.txt"),
    super::names::DIMINUTIVES_FEMALE,
];
const ALSO_SURNAME: &str = include_str!("../../data/names/given-also-common-surname.txt");
#[cfg(test)]
const PLACES: &str = include_str!("../../data/places/uk-admin-units.tsv");

/// Lower case with apostrophes unified to U+02BC.
pub fn lower_key(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    // Bytes from `run` to `i` are their own key (lower-case Cyrillic and ASCII that is no
    // apostrophe or capital: most of a word): copied in one piece when something else comes.
    let mut run = 0;
    let mut i = 0;
    while i < b.len() {
        let x = b[i];
        let own = if x < 0x80 {
            !(x == b'\'' || x == b'`' || x.is_ascii_uppercase())
        } else {
            // а..п (D0 B0..BF), р..я and ѐ..џ (D1 80..9F).
            matches!(
                (x, b.get(i + 1)),
                (0xD0, Some(0xB0..=0xBF)) | (0xD1, Some(0x80..=0x9F))
            )
        };
        if own {
            i += if x < 0x80 { 1 } else { 2 };
            continue;
        }
        out.push_str(s.get(run..i).unwrap_or_default());
        let Some(c) = s.get(i..).and_then(|r| r.chars().next()) else {
            run = i;
            break;
        };
        push_lower_key_char(&mut out, c);
        i += c.len_utf8();
        run = i;
    }
    out.push_str(s.get(run..i).unwrap_or_default());
    out
}

/// Given names that are everyday words (or too often something else) in Ukrainian.
const COMMON_WORD_NAMES: &[&str] = &[
    "том",
    "люда",
    "сила",
    "віра",
    "надія",
    "любов",
    "слава",
    "воля",
    "мир",
    "роман",
    "лев",
    "злата",
    "жито",
    "доля",
    "мрія",
    "зоря",
    "весна",
    "калина",
    "ліля",
    "лілія",
    "троян",
    "сокіл",
    "соловей",
    "орест",
    "август",
    "травень",
    "марта",
    "май",
    "тит",
    "ян",
    "юна",
    "ніка",
    "рада",
    "правда",
    "кий",
    "святослава",
    "маркіян",
    "агат",
    "аврора",
    "луна",
    "дія",
    "ера",
    "ема",
    "ліна",
    "ангел",
    "христос",
    "божена",
    "вікторія",
    "перемога",
    "дар",
    "поляна",
    "світ",
    "ярослава",
    "україна",
    "руслана",
    "мілана",
    "любомир",
    "миру",
    "роса",
    "будимир",
    "богдана",
    "ліда",
    "тарас",
    "ярема",
    "рута",
    "мирослава",
    "діана",
    "ада",
    "інна",
    "ліана",
    "кіра",
    "влада",
    "мелодія",
    "мальва",
    "оливер",
    "папа",
    "бажан",
    "клим",
    "тур",
    "ус",
    "мар",
    "гай",
    "лука",
];

/// Pronouns and other function words that appear capitalised mid-sentence.
const PRONOUNS: &[&str] = &[
    "він",
    "вона",
    "воно",
    "вони",
    "ви",
    "вас",
    "вам",
    "вами",
    "ваш",
    "ваша",
    "ваше",
    "ваші",
    "ти",
    "тебе",
    "тобі",
    "я",
    "мене",
    "мені",
    "ми",
    "нас",
    "нам",
    "його",
    "її",
    "їх",
    "їм",
    "йому",
    "ним",
    "нею",
    "ними",
    "свій",
    "твій",
    "мій",
    "наш",
    "бо",
    "але",
    "та",
    "і",
    "й",
    "що",
    "як",
    "де",
    "коли",
    "хто",
    "чому",
    "тут",
    "там",
    "цей",
    "ця",
    "це",
    "ці",
    "той",
    "та",
    "те",
    "ті",
    "весь",
    "вся",
    "все",
    "всі",
    "кожен",
    "ніхто",
    "ніщо",
    "сам",
    "сама",
    "пане",
    "тому",
    "тим",
    "того",
    "пані",
    "панове",
    "друже",
    "боже",
    "господи",
];

/// Capitalised words that are not people: organisations, institutions, documents, media,
/// parties, religious and political terms, and words that open headings.
const STOP: &[&str] = &[
    // State bodies and institutions.
    "офіс",
    "президент",
    "президентка",
    "верховна",
    "рада",
    "кабмін",
    "кабінет",
    "міністрів",
    "міністерство",
    "мінфін",
    "мінекономіки",
    "міноборони",
    "мінюст",
    "мвс",
    "мзс",
    "моз",
    "генштаб",
    "генеральний",
    "штаб",
    "генпрокуратура",
    "прокуратура",
    "офісу",
    "білий",
    "дім",
    "кремль",
    "пентагон",
    "конгрес",
    "сенат",
    "парламент",
    "уряд",
    "нацбанк",
    "нбу",
    "сбу",
    "держдеп",
    "держдепартамент",
    "рнбо",
    "зсу",
    "гур",
    "набу",
    "сап",
    "дбр",
    "вакс",
    "ксу",
    "конституційний",
    "верховний",
    "суд",
    "апеляційний",
    "господарський",
    "окружний",
    "адміністративний",
    "районний",
    "міський",
    "обласний",
    "сільський",
    "селищний",
    "міськрада",
    "облрада",
    "райрада",
    "облдержадміністрація",
    "ова",
    "ода",
    "рда",
    "ціс",
    "цвк",
    "антимонопольний",
    "комітет",
    "комісія",
    "національний",
    "національна",
    "державний",
    "державна",
    "служба",
    "фонд",
    "агентство",
    "інспекція",
    "казначейство",
    "управління",
    "департамент",
    "головне",
    "головний",
    "територіальний",
    "центр",
    "інститут",
    "університет",
    "академія",
    "лікарня",
    "школа",
    "гімназія",
    "ліцей",
    "коледж",
    "музей",
    "театр",
    "палац",
    "збройні",
    "сили",
    "сил",
    "силам",
    "силах",
    "героїв",
    "герой",
    "героя",
    "героям",
    "сили",
    "армія",
    "гвардія",
    "поліція",
    "нацполіція",
    "прикордонна",
    "митниця",
    "податкова",
    "дпс",
    "фнс",
    "укрзалізниця",
    "укрпошта",
    "нафтогаз",
    "укренерго",
    "енергоатом",
    "укрнафта",
    "укртрансгаз",
    "приватбанк",
    "ощадбанк",
    "укргазбанк",
    "дія",
    "прозорро",
    "укрінформ",
    "суспільне",
    "уніан",
    "інтерфакс",
    "рбк",
    "громадське",
    "радіо",
    "свобода",
    "новини",
    "правда",
    "дзеркало",
    "тижня",
    "вісник",
    "газета",
    "журнал",
    "телеканал",
    "фейсбук",
    "facebook",
    "телеграм",
    "telegram",
    "твіттер",
    "ютуб",
    "instagram",
    "інстаграм",
    "гугл",
    "google",
    "microsoft",
    "apple",
    "tesla",
    "spacex",
    "starlink",
    "meta",
    "x",
    "єс",
    "євросоюз",
    "єврокомісія",
    "європарламент",
    "оон",
    "нато",
    "мвф",
    "обсє",
    "магате",
    "світовий",
    "банк",
    "європейський",
    "європейська",
    "союз",
    "рада",
    "коаліція",
    "коаліції",
    "альянс",
    "фракція",
    "партія",
    "блок",
    "слуга",
    "народу",
    "солідарність",
    "батьківщина",
    "опоблок",
    "голос",
    "платформа",
    "тов",
    "пат",
    "прат",
    "ват",
    "зат",
    "кп",
    "дп",
    "фоп",
    "спд",
    "оп",
    "ат",
    "ск",
    "бф",
    "го",
    "нуо",
    "сша",
    "рф",
    "урср",
    "срср",
    "ссср",
    "днр",
    "лнр",
    "орди",
    "ордло",
    "ато",
    "оос",
    "зсу",
    "тро",
    "ссо",
    "дшв",
    "вмс",
    "пвс",
    "ппо",
    "європа",
    "азія",
    "африка",
    "америка",
    "антарктида",
    "схід",
    "захід",
    "південь",
    "північ",
    "донбас",
    "крим",
    "кримський",
    "чорне",
    "море",
    "азовське",
    "дніпро",
    "дністер",
    "дунай",
    "карпати",
    "полісся",
    "поділля",
    "галичина",
    "волинь",
    "буковина",
    "закарпаття",
    "слобожанщина",
    "таврія",
    "бессарабія",
    "запоріжжя",
    "херсонщина",
    "харківщина",
    "київщина",
    "львівщина",
    "одещина",
    "донеччина",
    "луганщина",
    "сумщина",
    "чернігівщина",
    "полтавщина",
    "вінниччина",
    "житомирщина",
    "рівненщина",
    "тернопільщина",
    "хмельниччина",
    "черкащина",
    "кіровоградщина",
    "миколаївщина",
    "дніпропетровщина",
    "запоріжжя",
    "прикарпаття",
    "франківщина",
    // Religion and history.
    "бог",
    "господь",
    "господа",
    "христос",
    "ісус",
    "богородиця",
    "діва",
    "марія",
    "святий",
    "свята",
    "святого",
    "церква",
    "православна",
    "католицька",
    "патріархат",
    "патріарх",
    "митрополит",
    "собор",
    "лавра",
    "біблія",
    "євангеліє",
    "різдво",
    "великдень",
    "пасха",
    "трійця",
    "покрова",
    "водохреще",
    "голодомор",
    "голокост",
    "революція",
    "гідності",
    "майдан",
    "євромайдан",
    "помаранчева",
    "незалежність",
    "незалежності",
    "конституція",
    "конституції",
    "день",
    "дня",
    "рік",
    "новий",
    "новорічний",
    // The month names come from crate::date (MONTHS_NOMINATIVE), added in `build`.
    "понеділок",
    "вівторок",
    "середа",
    "четвер",
    "пʼятниця",
    "субота",
    "неділя",
    // Capitalised words that open headings and bylines.
    "продовження",
    "реклама",
    "фото",
    "відео",
    "джерело",
    "читайте",
    "також",
    "раніше",
    "нагадаємо",
    "довідка",
    "оновлено",
    "увага",
    "примітка",
    "коментар",
    "інтервʼю",
    "тема",
    "автор",
    "редакція",
    "додаток",
    "розділ",
    "стаття",
    "закон",
    "кодекс",
    "указ",
    "постанова",
    "рішення",
    "ухвала",
    "вирок",
    "договір",
    "угода",
    "меморандум",
    "програма",
    "проєкт",
    "проект",
    "план",
    "стратегія",
    "концепція",
    "регламент",
    "положення",
    "інструкція",
    "порядок",
    "бюджет",
    "бюджету",
    "україна",
    "українська",
    "український",
    "українці",
    "росія",
    "російська",
    "російський",
    "росіяни",
    "путінізм",
    "совок",
    "рашист",
    "орк",
    "евро",
    "євро",
    "гривня",
    "долар",
    "euro",
    "covid",
    "ковід",
    "коронавірус",
    "шахед",
    "пейтріот",
    "хаймарс",
    "джавелін",
    "байрактар",
    "азов",
    "хартія",
    "айдар",
    "кракен",
    "вагнер",
    "ахмат",
    "фсб",
    "гру",
    "кдб",
    "нквд",
    "мгб",
    "обл",
    "вул",
    "м",
    "с",
    "смт",
    "пров",
    "просп",
    "пл",
    "ім",
    "див",
    "тис",
    "млн",
    "млрд",
    "грн",
    "дол",
    "ст",
    "п",
    "ч",
    "гол",
    "заст",
    "зам",
    "нар",
    "деп",
    "ген",
    "тел",
    "вих",
    "вх",
    "арк",
    "стор",
    "рис",
    "табл",
];

/// Role words (nominative), lowercase; their case forms are generated.
const ROLES: &[&str] = &[
    "президент",
    "президентка",
    "прем'єр",
    "прем'єр-міністр",
    "премʼєр",
    "премʼєр-міністр",
    "віцепрем'єр",
    "віцепремʼєр",
    "віцепрем'єр-міністр",
    "віцепремʼєр-міністр",
    "віце-прем'єр",
    "віце-премʼєр",
    "міністр",
    "міністерка",
    "держсекретар",
    "канцлер",
    "король",
    "королева",
    "принц",
    "принцеса",
    "папа",
    "голова",
    "керівник",
    "керівниця",
    "очільник",
    "очільниця",
    "начальник",
    "начальниця",
    "секретар",
    "секретарка",
    "речник",
    "речниця",
    "радник",
    "радниця",
    "посол",
    "посолка",
    "посланець",
    "спецпосланець",
    "посланник",
    "спецпредставник",
    "представник",
    "представниця",
    "генсек",
    "єврокомісар",
    "єврокомісарка",
    "генпрокурор",
    "прокурор",
    "прокурорка",
    "суддя",
    "омбудсман",
    "омбудсмен",
    "уповноважений",
    "заступник",
    "заступниця",
    "нардеп",
    "депутат",
    "депутатка",
    "народний",
    "сенатор",
    "сенаторка",
    "конгресмен",
    "мер",
    "губернатор",
    "губернаторка",
    "генерал",
    "генерал-лейтенант",
    "генерал-майор",
    "генерал-полковник",
    "полковник",
    "підполковник",
    "майор",
    "капітан",
    "лейтенант",
    "старший",
    "сержант",
    "солдат",
    "командувач",
    "головнокомандувач",
    "командир",
    "лідер",
    "лідерка",
    "зять",
    "дружина",
    "чоловік",
    "син",
    "донька",
    "дочка",
    "батько",
    "мати",
    "брат",
    "сестра",
    "директор",
    "директорка",
    "гендиректор",
    "засновник",
    "засновниця",
    "співзасновник",
    "власник",
    "власниця",
    "бізнесмен",
    "бізнесменка",
    "підприємець",
    "підприємиця",
    "олігарх",
    "адвокат",
    "адвокатка",
    "юрист",
    "юристка",
    "слідчий",
    "експерт",
    "експертка",
    "аналітик",
    "аналітикиня",
    "журналіст",
    "журналістка",
    "письменник",
    "письменниця",
    "поет",
    "поетеса",
    "художник",
    "художниця",
    "актор",
    "акторка",
    "співак",
    "співачка",
    "режисер",
    "режисерка",
    "тренер",
    "футболіст",
    "спортсмен",
    "чемпіон",
    "професор",
    "професорка",
    "академік",
    "доцент",
    "науковець",
    "лікар",
    "лікарка",
    "ректор",
    "декан",
    "вчитель",
    "вчителька",
    "учитель",
    "учителька",
    "історик",
    "політолог",
    "економіст",
    "священник",
    "отець",
    "владика",
    "митрополит",
    "патріарх",
    "архієпископ",
    "єпископ",
    "кардинал",
    "імператор",
    "цар",
    "князь",
    "княгиня",
    "гетьман",
    "отаман",
    "пан",
    "пані",
    "господар",
    "бухгалтер",
    "бухгалтерка",
    "інженер",
    "голова",
    "очільник",
    "заступник",
    "коментатор",
    "оглядач",
    "редактор",
    "редакторка",
    "головред",
    "автор",
    "авторка",
    "блогер",
    "блогерка",
    "активіст",
    "активістка",
    "волонтер",
    "волонтерка",
    "ведучий",
    "ведуча",
    "фігурант",
    "фігурантка",
    "підозрюваний",
    "підозрювана",
    "обвинувачений",
    "обвинувачена",
    "громадянин",
    "громадянка",
    "мешканець",
    "мешканка",
    "пенсіонер",
    "пенсіонерка",
    "кандидат",
    "кандидатка",
    "посадовець",
    "посадовиця",
    "чиновник",
    "чиновниця",
    "спікер",
    "спікерка",
    "речник",
    "аташе",
    "консул",
    "дипломат",
    "військовий",
    "боєць",
    "ветеран",
    "фермер",
    "дружину",
    "наречена",
    "наречений",
    "племінник",
    "онук",
    "онука",
    "тесть",
    "теща",
    "кум",
    "кума",
    "батьки",
    "вдова",
    "удова",
    "ексміністр",
    "ексдепутат",
    "ексголова",
    "екс-міністр",
    "екс-президент",
    "експрезидент",
    "ексрадник",
    "віцепрезидент",
    "віце-президент",
    "віцеспікер",
    "віце-спікер",
    "держсекретарка",
    "сенатор",
    "голова",
    "генпрокурорка",
    "омбудсманка",
    "командирка",
    "чемпіонка",
];

/// Words before a plural surname that name a family («родина Близнюків», «братам Бурякам»).
const FAMILY: &[&str] = &[
    "родина",
    "родини",
    "родину",
    "родині",
    "родиною",
    "подружжя",
    "сімʼя",
    "сімʼї",
    "сімʼю",
    "брати",
    "братів",
    "братами",
    "братам",
    "сестри",
    "сестер",
    "клан",
    "клану",
    "династія",
    "династії",
    "сімейство",
    "сімейства",
    "сімейству",
    "подружжю",
    "сестрам",
    "сестрами",
];

/// Words after which a lone surname is a person's: an era, a regime or a party list named after
/// them («за часів Януковича», «блоку Черновецького»).
const PERSON_OF: &[&str] = &[
    "часів",
    "епоху",
    "епохи",
    "доби",
    "режим",
    "режиму",
    "режими",
    "блок",
    "блоку",
    "епоха",
    "епосі",
    "уряду",
    "уряді",
    "соратник",
    "соратники",
    "соратників",
    "оточення",
    "команди",
    "команда",
    "команді",
];

/// Words before a capitalised word that make it a place, street, work or institution named
/// after a person.
const NAMED_AFTER: &[&str] = &[
    "вулиця",
    "вулиці",
    "вулицю",
    "вулицею",
    "вул",
    "проспект",
    "проспекту",
    "проспекті",
    "просп",
    "пр",
    "площа",
    "площі",
    "площу",
    "пл",
    "провулок",
    "провулку",
    "пров",
    "бульвар",
    "бульвару",
    "бульварі",
    "бул",
    "узвіз",
    "узвозі",
    "набережна",
    "набережній",
    "шосе",
    "імені",
    "ім",
    "ордена",
    "орден",
    "ордену",
    "медаль",
    "медалі",
    "стипендія",
    "стипендії",
    "фонд",
    "фонду",
    "фонді",
    "станція",
    "станції",
    "метро",
    "аеропорт",
    "аеропорту",
    "аеропорті",
    "парк",
    "парку",
    "парку",
    "сквер",
    "скверу",
    "музей",
    "музею",
    "вулиць",
    "площ",
    "проспектів",
    "мікрорайон",
    "масив",
    "масиві",
    "селище",
    "селища",
    "село",
    "села",
    "місто",
    "міста",
    "місті",
    "смт",
    "с",
    "м",
    "затока",
    "затоці",
    "острів",
    "острова",
    "острові",
    "гора",
    "гори",
    "річка",
    "річки",
    "річці",
    "озеро",
    "озера",
    "театр",
    "театру",
    "театрі",
    "університет",
    "університету",
    "університеті",
    "інститут",
    "інституту",
    "бібліотека",
    "бібліотеки",
    "бібліотеці",
    "лікарня",
    "лікарні",
    "школа",
    "школи",
    "школі",
    "гімназія",
    "гімназії",
    "ліцей",
    "ліцею",
    "палац",
    "палацу",
    "завод",
    "заводу",
    "заводі",
    "шахта",
    "шахти",
    "шахті",
    "стадіон",
    "стадіону",
    "стадіоні",
    "кубок",
    "кубка",
    "кубку",
    "турнір",
    "турніру",
    "святого",
    "святої",
    "святий",
    "свята",
    "св",
    "святих",
    "преподобного",
    "пам'яті",
    "памʼяті",
    "вулицями",
    "вулицях",
];

fn read_list(text: &str) -> impl Iterator<Item = &str> {
    text.lines().map(str::trim).filter(|l| !l.is_empty())
}

fn capitalise(lower: &str) -> String {
    let mut out = String::with_capacity(lower.len());
    let mut up = true;
    for c in lower.chars() {
        if up {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
        up = c == '-';
    }
    out
}

fn build() -> Lexicon {
    let mut given: FxMap<String, Vec<GivenReading>> = FxMap::default();
    for (lists, gender) in [(MALE, Gender::Male), (FEMALE, Gender::Female)] {
        for list in lists {
            for name in read_list(list) {
                let nom_lower = lower_key(name);
                let nominative = capitalise(&nom_lower);
                for (form, cases) in given_forms(&nom_lower, gender) {
                    let v = given.entry(form).or_default();
                    if let Some(r) = v
                        .iter_mut()
                        .find(|r| r.nominative == nominative && r.gender == gender)
                    {
                        r.cases |= cases;
                    } else {
                        v.push(GivenReading {
                            nominative: nominative.clone(),
                            gender,
                            cases,
                        });
                    }
                }
            }
        }
    }
    let mut given_common: FxSet<String> = FxSet::default();
    for w in COMMON_WORD_NAMES {
        for (form, _) in given_forms(w, Gender::Male)
            .into_iter()
            .chain(given_forms(w, Gender::Female))
        {
            if given.contains_key(&form) {
                given_common.insert(form);
            }
        }
    }
    let mut given_ambiguous: FxSet<String> = given_common.clone();
    for w in read_list(ALSO_SURNAME).map(lower_key) {
        for (form, _) in given_forms(&w, Gender::Male)
            .into_iter()
            .chain(given_forms(&w, Gender::Female))
        {
            if given.contains_key(&form) {
                given_ambiguous.insert(form);
            }
        }
    }
    let table = super::names::surname_table();
    let surnames_top = SurnameSet {
        table,
        list: super::names::IN_TOP,
    };
    let surnames_all = SurnameSet {
        table,
        list: super::names::IN_ALL,
    };
    let places = PlaceSet {
        bit: super::places::PLACE,
    };
    let places_major = PlaceSet {
        bit: super::places::MAJOR,
    };
    let mut stop: FxSet<String> = FxSet::default();
    for w in STOP.iter().chain(crate::date::MONTHS_NOMINATIVE.iter()) {
        stop.extend(noun_forms(&lower_key(w)));
    }
    stop.extend(PRONOUNS.iter().map(|s| s.to_string()));
    let mut roles: FxMap<String, String> = FxMap::default();
    for r in ROLES {
        let l = lower_key(r);
        for f in noun_forms(&l) {
            roles.entry(f).or_insert_with(|| l.clone());
        }
    }
    let given_singled = singled_keys(given.keys());
    Lexicon {
        given_singled,
        given,
        given_ambiguous,
        given_common,
        surnames_top,
        surnames_all,
        places,
        places_major,
        stop,
        roles,
    }
}

/// The lexicon, built on first use.
pub fn lexicon() -> &'static Lexicon {
    static LEX: OnceLock<Lexicon> = OnceLock::new();
    LEX.get_or_init(build)
}

/// Lower-case words before a name that mean «named after».
pub fn named_after(lower: &str) -> bool {
    static SET: OnceLock<FxSet<String>> = OnceLock::new();
    in_word_set(&SET, NAMED_AFTER, lower)
}

/// Whether `lower` is one of `words` (compared by [`lower_key`]); the set is built once.
fn in_word_set(cell: &'static OnceLock<FxSet<String>>, words: &[&str], lower: &str) -> bool {
    cell.get_or_init(|| words.iter().map(|s| lower_key(s)).collect())
        .contains(lower)
}

/// Diminutives (Юля, Гриць): given names alone, never the stem of a patronymic.
pub fn is_diminutive(lower: &str) -> bool {
    static SET: OnceLock<FxSet<String>> = OnceLock::new();
    SET.get_or_init(|| {
        read_list(super::names::DIMINUTIVES_MALE)
            .chain(read_list(super::names::DIMINUTIVES_FEMALE))
            .map(lower_key)
            .collect()
    })
    .contains(lower)
}

/// Lower-case words before a plural surname that mean «family of».
pub fn family_word(lower: &str) -> bool {
    static SET: OnceLock<FxSet<String>> = OnceLock::new();
    in_word_set(&SET, FAMILY, lower)
}

/// Lower-case words after which a lone surname names a person (an era, a regime, a party list).
pub fn person_of(lower: &str) -> bool {
    static SET: OnceLock<FxSet<String>> = OnceLock::new();
    in_word_set(&SET, PERSON_OF, lower)
}

/// Cases a preposition before a name allows (bit set), when it is one.
pub fn preposition_cases(lower: &str) -> Option<u8> {
    Some(match lower {
        "з" | "зі" | "із" | "зо" => 2 | 16,
        "для" | "від" | "до" | "без" | "біля" | "у" | "в" | "коло" | "серед" | "щодо" | "після"
        | "замість" | "крім" | "окрім" | "проти" | "навколо" | "довкола" | "поміж"
        | "від імені" | "словами" | "бік" => 2,
        "про" | "через" | "на" | "за" | "у бік" => 8 | 32 | 16,
        "при" | "по" => 32 | 4,
        "між" | "перед" | "над" | "під" | "разом" => 16,
        "завдяки" | "всупереч" | "назустріч" => 4,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lower_key_agrees_with_its_character_rules() {
        let reference = |s: &str| {
            let mut out = String::new();
            for c in s.chars() {
                push_lower_key_char(&mut out, c);
            }
            out
        };
        let mut all: String = (0..0x3000u32).filter_map(char::from_u32).collect();
        all.push_str("Мельник О'Коннор ЄВГЕН Ґава Їжак ЁЖ İnan Éclair Мар’яна `x´ Ѐџ");
        let mut words: Vec<String> = all.split(' ').map(String::from).collect();
        words.push(all.clone());
        words.extend(["", "а", "Я", "ѐ", "Ѡѡ", "Ҁ", "ʼ", "'", "A"].map(String::from));
        for (a, b) in [(0x400u32, 0x500u32), (0x20, 0x80), (0x2010, 0x2020)] {
            let chars: Vec<char> = (a..b).filter_map(char::from_u32).collect();
            for w in chars.windows(3) {
                words.push(w.iter().collect());
            }
        }
        for w in &words {
            assert_eq!(lower_key(w), reference(w), "{w:?}");
        }
    }

    /// The lexicon sets as the builder made them before the surname lists were shared and
    /// repeated place words skipped: the reference for [`build`].
    struct Reference {
        surnames_top: FxSet<String>,
        surnames_all: FxSet<String>,
        places: FxSet<String>,
        places_major: FxSet<String>,
    }

    fn reference() -> Reference {
        const SURNAMES_TOP: &str = include_str!("../../data/names/uk-surnames-top5000.txt");
        const SURNAMES_ALL: &str = include_str!("../../data/names/uk-surnames-all.txt");
        let surnames_top: FxSet<String> = read_list(SURNAMES_TOP).map(lower_key).collect();
        let surnames_all: FxSet<String> = read_list(SURNAMES_ALL).map(lower_key).collect();
        let mut places: FxSet<String> = FxSet::default();
        let mut places_major: FxSet<String> = FxSet::default();
        for line in PLACES.lines().skip(1) {
            let mut parts = line.split('\t');
            let (Some(name), Some(kind)) = (parts.next(), parts.next()) else {
                continue;
            };
            let lower = lower_key(name);
            let whole_forms = noun_forms(&lower);
            let is_settlement = !matches!(kind, "district" | "hromada" | "region");
            for w in lower.split([' ', '-']).filter(|w| !w.is_empty()) {
                if w == lower {
                    break;
                }
                if is_settlement && w.chars().count() > 3 {
                    places.extend(noun_forms(w));
                }
            }
            if matches!(kind, "city" | "special-city" | "region") {
                places_major.extend(whole_forms.iter().cloned());
            }
            places.extend(whole_forms);
        }
        for p in super::super::places::FOREIGN_PLACES {
            let l = lower_key(p);
            places_major.extend(noun_forms(&l));
            places.extend(noun_forms(&l));
        }
        Reference {
            surnames_top,
            surnames_all,
            places,
            places_major,
        }
    }

    /// The embedded place table is the one [`super::super::places::build`] makes of the
    /// shipped list, and it answers no for words that are not forms (every prefix and suffix of
    /// the forms, and words of random letters), as the plain sets of [`reference`] do.
    #[test]
    fn embedded_places_are_built_from_the_shipped_list() {
        let (keys, slots) = super::super::places::build(PLACES);
        assert!(PLACE_KEYS == keys.as_slice(), "embedded keys differ");
        assert!(PLACE_SLOTS == slots.as_slice(), "embedded slots differ");
        let old = reference();
        let lex = lexicon();
        let probes = super::super::keytable::probes(
            old.places.iter(),
            11,
            0x9e37_79b9_7f4a_7c15,
            "абвгґдеєжзиіїйклмнопрстуфхцчшщьюяʼ- ",
        );
        for p in &probes {
            assert_eq!(lex.places.contains(p), old.places.contains(p), "{p}");
            assert_eq!(
                lex.places_major.contains(p),
                old.places_major.contains(p),
                "{p}"
            );
        }
    }

    #[test]
    fn lexicon_matches_the_reference_builder() {
        let old = reference();
        let lex = lexicon();
        let same = |a: &FxSet<String>, b: &PlaceSet| {
            a.iter().all(|k| b.contains(k)) && b.forms().count() == a.len()
        };
        assert!(same(&old.places, &lex.places), "places differ");
        assert!(
            same(&old.places_major, &lex.places_major),
            "major places differ"
        );
        for k in &old.surnames_top {
            assert!(lex.surnames_top.contains(k), "{k} not in the top surnames");
        }
        for k in &old.surnames_all {
            assert!(lex.surnames_all.contains(k), "{k} not in all surnames");
        }
        // Nothing else is in the sets: the table's lexicon keys are exactly these.
        let table = super::super::names::surname_table();
        assert_eq!(
            table.lexicon_len(super::super::names::IN_TOP),
            old.surnames_top.len()
        );
        assert_eq!(
            table.lexicon_len(super::super::names::IN_ALL),
            old.surnames_all.len()
        );
        // One lookup for both lists agrees with the two sets.
        for k in old.surnames_all.iter().chain(&old.surnames_top) {
            let lists = lex.surnames_top.lists(k);
            assert_eq!(
                lists & super::super::names::IN_TOP != 0,
                lex.surnames_top.contains(k)
            );
            assert_eq!(
                lists & super::super::names::IN_ALL != 0,
                lex.surnames_all.contains(k)
            );
        }
        assert_eq!(lex.surnames_all.lists("ыыыы"), 0);
        assert!(!lex.surnames_all.contains("ыыыы"));
        assert!(!lex.surnames_top.contains(""));
    }
}
