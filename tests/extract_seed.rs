//! The acceptance example: the seed article yields exactly its people, in order.

use litopys::people::{extract, Lang, Registry};

const SEED: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/seeds/000_d450a8c0e07fb2e9.txt"
));

#[test]
fn seed_people_in_order() {
    let ex = extract(SEED, Lang::Uk, &Registry::default());
    assert_eq!(
        ex.people,
        [
            "Кирило Буданов",
            "Жак Ланглад де Монгро",
            "Рустем Умєров",
            "Стів Віткофф",
            "Чарльз Кушнер",
            "Джаред Кушнер",
            "Джош Груенбаум",
            "Сергій Кислиця",
            "Давид Арахамія",
            "Олександр Бевз",
            "Зеленський",
        ]
    );
    for m in &ex.mentions {
        let s: String = SEED.chars().skip(m.start).take(m.end - m.start).collect();
        assert_eq!(s, m.text);
    }
}

#[test]
fn seed_roles() {
    let ex = extract(SEED, Lang::Uk, &Registry::default());
    let role = |p: &str| {
        ex.roles
            .iter()
            .find(|r| r.person == p)
            .map(|r| r.role.as_str())
    };
    assert_eq!(role("Кирило Буданов"), Some("керівник Офісу президента"));
    assert_eq!(role("Рустем Умєров"), Some("секретар РНБО"));
    assert_eq!(role("Олександр Бевз"), Some("радник ОП"));
}
