//! The place-name set of the extraction lexicon (`Lexicon::places`, `Lexicon::places_major`):
//! every case form ([`noun_forms_each`]) of every name in the shipped КАТОТТГ list
//! (`data/places/uk-admin-units.tsv`) and of the longer words of multi-word settlement names,
//! and of [`FOREIGN_PLACES`]; cities, regions and foreign places are also major.
//!
//! This file stands alone but for [`super::infl`] and [`super::keytable`], because `build.rs`
//! compiles it too: the build script writes [`build`] of the shipped list to `OUT_DIR` and the
//! lexicon embeds it, so no process declines some 20,000 names at start-up. The tests of the
//! lexicon check the embedded table against [`build`] and against the plain construction.

// The build script uses only part of this module.
#![allow(dead_code)]

use std::collections::{HashMap, HashSet};

use super::infl::noun_forms_each;
use super::keytable::{self, push_lower_key_char, NO_RANK};

/// Lexicon bit of a form: a place's.
pub const PLACE: u8 = 1;
/// Lexicon bit of a form: a major place's (city, region, foreign place).
pub const MAJOR: u8 = 2;

/// `lexicon::lower_key`, one character at a time.
fn lower(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    s.chars().for_each(|c| push_lower_key_char(&mut out, c));
    out
}

/// Calls `add(stem, ending, major)` for every form of every place name of `tsv` (the КАТОТТГ
/// list: name, tab, kind; a header line) and of [`FOREIGN_PLACES`], in list order.
///
/// Declining a word is the costly part, and many names and words repeat («Нова»,
/// «Михайлівка»); a word already declined as a place is not declined again (its forms are in
/// the set already), except that a city or region is always declined as major.
pub fn place_forms(tsv: &str, mut add: impl FnMut(&str, &str, bool)) {
    let mut declined: HashSet<String> = HashSet::new();
    for line in tsv.lines().skip(1) {
        let mut parts = line.split('\t');
        let (Some(name), Some(kind)) = (parts.next(), parts.next()) else {
            continue;
        };
        let lower = lower(name);
        let is_settlement = !matches!(kind, "district" | "hromada" | "region");
        for w in lower.split([' ', '-']).filter(|w| !w.is_empty()) {
            if w == lower {
                break;
            }
            if is_settlement && w.chars().count() > 3 && !declined.contains(w) {
                noun_forms_each(w, |a, b| add(a, b, false));
                declined.insert(w.to_string());
            }
        }
        if matches!(kind, "city" | "special-city" | "region") {
            noun_forms_each(&lower, |a, b| add(a, b, true));
            declined.insert(lower);
        } else if !declined.contains(&lower) {
            noun_forms_each(&lower, |a, b| add(a, b, false));
            declined.insert(lower);
        }
    }
    for p in FOREIGN_PLACES {
        noun_forms_each(&lower(p), |a, b| add(a, b, true));
    }
}

/// The table ([`keytable`] layout: keys, slots) of the forms of [`place_forms`], each with
/// the bit [`PLACE`] and, when any of its places is major, [`MAJOR`].
pub fn build(tsv: &str) -> (Vec<u8>, Vec<u8>) {
    let mut order: Vec<String> = Vec::new();
    let mut bits: HashMap<String, u8> = HashMap::new();
    let mut form = String::new();
    place_forms(tsv, |a, b, major| {
        form.clear();
        form.push_str(a);
        form.push_str(b);
        let bit = PLACE | if major { MAJOR } else { 0 };
        match bits.get_mut(form.as_str()) {
            Some(v) => *v |= bit,
            None => {
                bits.insert(form.clone(), bit);
                order.push(form.clone());
            }
        }
    });
    let entries = order.into_iter().map(|k| {
        let bit = bits.get(&k).copied().unwrap_or(PLACE);
        (k, NO_RANK, bit)
    });
    keytable::table(entries)
}

/// Foreign countries, capitals and big cities as written in Ukrainian news (nominative).
pub const FOREIGN_PLACES: &[&str] = &[
    "австралія",
    "австрія",
    "азербайджан",
    "албанія",
    "алжир",
    "англія",
    "ангола",
    "аргентина",
    "афганістан",
    "бангладеш",
    "бельгія",
    "білорусь",
    "білорусія",
    "болгарія",
    "боснія",
    "бразилія",
    "британія",
    "велика",
    "британія",
    "венесуела",
    "вірменія",
    "вʼєтнам",
    "гана",
    "греція",
    "грузія",
    "данія",
    "естонія",
    "ефіопія",
    "єгипет",
    "ємен",
    "ізраїль",
    "індія",
    "індонезія",
    "ірак",
    "іран",
    "ірландія",
    "ісландія",
    "іспанія",
    "італія",
    "йорданія",
    "казахстан",
    "камбоджа",
    "канада",
    "катар",
    "кенія",
    "киргизстан",
    "китай",
    "кіпр",
    "колумбія",
    "корея",
    "куба",
    "кувейт",
    "латвія",
    "литва",
    "ліван",
    "лівія",
    "люксембург",
    "македонія",
    "малайзія",
    "мальта",
    "марокко",
    "мексика",
    "молдова",
    "молдавія",
    "монако",
    "монголія",
    "мʼянма",
    "нігерія",
    "нідерланди",
    "голландія",
    "німеччина",
    "норвегія",
    "оае",
    "пакистан",
    "палестина",
    "перу",
    "польща",
    "португалія",
    "румунія",
    "саудівська",
    "аравія",
    "сербія",
    "сирія",
    "сінгапур",
    "словаччина",
    "словенія",
    "судан",
    "таджикистан",
    "таїланд",
    "тайвань",
    "туреччина",
    "туркменістан",
    "угорщина",
    "узбекистан",
    "фінляндія",
    "франція",
    "хорватія",
    "чехія",
    "чилі",
    "чорногорія",
    "швейцарія",
    "швеція",
    "японія",
    "сша",
    "америка",
    "штати",
    "сполучені",
    "сполучених",
    "штатів",
    "об'єднані",
    "емірати",
    "шотландія",
    "уельс",
    "ватикан",
    "косово",
    "придністровʼя",
    "абхазія",
    "осетія",
    "чечня",
    "дагестан",
    "татарстан",
    "сибір",
    "урал",
    "кавказ",
    "балкани",
    "скандинавія",
    "прибалтика",
    "балтія",
    "близький",
    "африка",
    "європа",
    "азія",
    "україна",
    "росія",
    "рф",
    "московія",
    "вашингтон",
    "нью-йорк",
    "лондон",
    "париж",
    "берлін",
    "варшава",
    "брюссель",
    "відень",
    "рим",
    "мадрид",
    "лісабон",
    "прага",
    "братислава",
    "будапешт",
    "бухарест",
    "софія",
    "белград",
    "загреб",
    "любляна",
    "афіни",
    "анкара",
    "стамбул",
    "москва",
    "мінськ",
    "вільнюс",
    "рига",
    "таллінн",
    "таллін",
    "гельсінкі",
    "стокгольм",
    "осло",
    "копенгаген",
    "амстердам",
    "гаага",
    "женева",
    "цюрих",
    "берн",
    "давос",
    "мюнхен",
    "франкфурт",
    "гамбург",
    "кельн",
    "рамштайн",
    "дубай",
    "абу-дабі",
    "ер-ріяд",
    "джидда",
    "доха",
    "тегеран",
    "багдад",
    "дамаск",
    "бейрут",
    "єрусалим",
    "тель-авів",
    "газа",
    "каїр",
    "пекін",
    "шанхай",
    "токіо",
    "сеул",
    "пхеньян",
    "делі",
    "нью-делі",
    "ісламабад",
    "кабул",
    "баку",
    "єреван",
    "тбілісі",
    "кишинів",
    "астана",
    "ташкент",
    "бішкек",
    "оттава",
    "торонто",
    "монреаль",
    "чикаго",
    "бостон",
    "лос-анджелес",
    "маямі",
    "флорида",
    "техас",
    "каліфорнія",
    "аляска",
    "вірджинія",
    "мюнхені",
    "давосі",
    "санкт-петербург",
    "петербург",
    "ленінград",
    "сочі",
    "курськ",
    "бєлгород",
    "брянськ",
    "ростов",
    "воронеж",
    "новоросійськ",
    "грозний",
    "казань",
    "новосибірськ",
    "владивосток",
    "калінінград",
    "якутія",
    "мурманськ",
    "пскова",
    "псков",
    "смоленськ",
    "тула",
    "самара",
    "саратов",
    "волгоград",
    "краснодар",
    "анкоридж",
    "стамбулі",
    "гданськ",
    "краків",
    "вроцлав",
    "люблін",
    "жешув",
    "перемишль",
    "хелм",
    "кошице",
    "ужгород",
    "ясси",
    "сучава",
    "констанца",
    "одеса",
    "вільнюсі",
    "маріуполь",
    "бахмут",
    "авдіївка",
    "вугледар",
    "покровськ",
    "куп'янськ",
    "купʼянськ",
    "лиман",
    "сіверськ",
    "часів",
    "яр",
    "торецьк",
    "краматорськ",
    "словʼянськ",
    "слов'янськ",
    "гуляйполе",
    "оріхів",
    "роботине",
    "енергодар",
    "мелітополь",
    "бердянськ",
    "нікополь",
    "херсон",
    "каховка",
    "нова",
    "ізюм",
    "балаклія",
    "вовчанськ",
    "липці",
    "бучa",
    "буча",
    "ірпінь",
    "гостомель",
    "бородянка",
    "мощун",
    "чорнобиль",
    "прип'ять",
    "прип’ять",
    "сумах",
    "суми",
    "київ",
    "львів",
    "харків",
    "дніпро",
    "запоріжжя",
    "донецьк",
    "луганськ",
    "вінниця",
    "житомир",
    "рівне",
    "луцьк",
    "тернопіль",
    "хмельницький",
    "чернівці",
    "івано-франківськ",
    "черкаси",
    "чернігів",
    "полтава",
    "кропивницький",
    "миколаїв",
    "кривий",
    "ріг",
    "севастополь",
    "сімферополь",
    "ялта",
    "керч",
    "феодосія",
    "євпаторія",
    "джанкой",
    "саки",
    "армянськ",
];
