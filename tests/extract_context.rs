//! Context rules of person extraction, each on sentences written for the rule (the names are
//! invented, not taken from any corpus): families named in the plural, two given names sharing
//! one plural surname, lists of people, lone surnames declined from a listed nominative, streets
//! and places that look like surnames.

use litopys::people::{self, Lang, Mention, Registry};

fn mentions(text: &str) -> Vec<Mention> {
    people::extract(text, Lang::Uk, &Registry::default()).mentions
}

fn people_of(text: &str) -> Vec<String> {
    people::extract(text, Lang::Uk, &Registry::default()).people
}

/// (mention text, canonical) pairs in text order.
fn pairs(text: &str) -> Vec<(String, String)> {
    mentions(text)
        .into_iter()
        .map(|m| (m.text, m.canonical))
        .collect()
}

fn has(text: &str, span: &str, canonical: &str) -> bool {
    pairs(text).iter().any(|(t, c)| t == span && c == canonical)
}

#[test]
fn two_given_names_share_one_plural_surname() {
    let text = "Засновниками фірми є Олена та Сергій Гнатюки. Гнатюкам також належить склад.";
    let got = pairs(text);
    assert!(
        has(text, "Олена та Сергій Гнатюки", "Олена Гнатюк"),
        "one span named after the first person: {got:?}"
    );
    assert!(
        has(text, "Гнатюкам", "Олена Гнатюк"),
        "the later plural joins that person: {got:?}"
    );
    // Dative, masculine.
    let text = "Фірма належала киянам Тарасу і Богдану Мирошниченкам, а також банку.";
    assert!(
        has(text, "Тарасу і Богдану Мирошниченкам", "Тарас Мирошниченко"),
        "{:?}",
        pairs(text)
    );
    assert!(
        !pairs(text).iter().any(|(_, c)| c.contains("ченкам")),
        "a plural never becomes a canonical name: {:?}",
        pairs(text)
    );
}

#[test]
fn a_family_is_a_mention_only_of_a_person_the_article_names() {
    let text =
        "Підприємство заснував Василь Кравчишин. Родина Кравчишиних володіє ще двома фірмами.";
    assert!(
        has(text, "Кравчишиних", "Василь Кравчишин"),
        "{:?}",
        pairs(text)
    );
    // A family nobody in the article belongs to: no person page for it.
    let text = "Будинок належить родині Кравчишиних з Одеси.";
    assert!(
        people_of(text).is_empty(),
        "a family is not a person: {:?}",
        pairs(text)
    );
}

#[test]
fn an_acronym_is_not_a_street_word() {
    // «пр.» is «проспект», but «ПР» is a party.
    let text = "Мандат отримав депутат від ПР Остапа Гнатюка.";
    assert!(
        people_of(text).contains(&"Остап Гнатюк".to_string()),
        "{:?}",
        pairs(text)
    );
    let text = "Офіс розташований на пр. Остапа Гнатюка, 5.";
    assert!(people_of(text).is_empty(), "{:?}", pairs(text));
}

#[test]
fn an_era_or_a_party_names_a_person() {
    let text = "Завод продали ще за часів Мирошниченка, коли ціни були іншими.";
    assert!(
        has(text, "Мирошниченка", "Мирошниченко"),
        "{:?}",
        pairs(text)
    );
}

#[test]
fn a_lone_surname_declined_from_a_listed_nominative() {
    // «Петренко» is among the commonest surnames; its genitive is not in the list as written.
    let text = "Депутати міськради тоді підтримували Петренка.";
    assert!(has(text, "Петренка", "Петренко"), "{:?}", pairs(text));
}

#[test]
fn a_surname_before_trailing_initials() {
    let text = "Договір уклали з мешканкою Житомира Гнатюк О. П. на рік.";
    let got = pairs(text);
    assert!(
        got.iter().any(|(t, _)| t == "Гнатюк О. П."),
        "the span takes the initials: {got:?}"
    );
}

#[test]
fn a_double_consonant_written_single_is_still_a_given_name() {
    // «Генадій» for «Геннадій»: the surname is unknown, so only the given name makes this a person.
    let text = "Куратором фірми називали Генадія Дзюбенчука.";
    let got = pairs(text);
    assert!(
        got.iter()
            .any(|(t, c)| t == "Генадія Дзюбенчука" && c.ends_with("Дзюбенчук")),
        "{got:?}"
    );
}

#[test]
fn unknown_given_name_in_the_same_oblique_case_as_the_surname() {
    // Neither word is in any list; both carry the same masculine case ending.
    let text = "Він зустрівся з головою ради Ашотом Гевондяном.";
    let got = pairs(text);
    assert!(
        got.iter().any(|(t, _)| t == "Ашотом Гевондяном"),
        "instrumental: {got:?}"
    );
    let text = "Земля належить підприємцю Бахтіяру Курбанову, який живе в Києві.";
    let got = pairs(text);
    assert!(
        got.iter().any(|(t, _)| t == "Бахтіяру Курбанову"),
        "dative: {got:?}"
    );
}

#[test]
fn a_list_of_people_carries_its_unknown_members() {
    let text = "Серед власників значаться Андрій Коваль, Олег Мирошник, Ашот Гевондян.";
    let got = pairs(text);
    assert!(
        got.iter().any(|(t, _)| t == "Ашот Гевондян"),
        "the list's last member is a person too: {got:?}"
    );
}

#[test]
fn a_list_of_streets_is_not_a_list_of_people() {
    let text = "Ремонт проведуть на вулицях Садовій, а також Шкільна, Коваленка, Чайковського, \
                Радянської, Шевченка, Франка.";
    let text = text.replace("на вулицях Садовій, а також", "у місті:");
    let got = pairs(&text);
    assert!(
        got.is_empty(),
        "streets named after people are not people: {got:?}"
    );
}

#[test]
fn an_adjective_before_a_capitalised_noun_is_not_a_surname() {
    let text = "Квартиру придбали поруч з Печерською Лаврою.";
    assert!(pairs(text).is_empty(), "{:?}", pairs(text));
}

#[test]
fn a_village_named_like_a_surname_does_not_hide_the_person() {
    // Villages named Тимошенки, Шевченкове etc. exist; the surname after a verb is a person.
    let text = "Тоді уряд очолювала Тимошенко, а міністром був інший політик.";
    assert!(has(text, "Тимошенко", "Тимошенко"), "{:?}", pairs(text));
}

#[test]
fn a_firm_named_after_its_owner_is_not_the_owner() {
    let text = "Землю орендують ФГ Дмитрука В. С. та інші господарства.";
    assert!(pairs(text).is_empty(), "{:?}", pairs(text));
}

#[test]
fn initials_make_a_list_of_people_even_with_adjective_surnames() {
    let text = "Книгу підготовлено за участі М. П. Гнатюка, Т. О. Муравицької, В. І. Критської, \
                Л. В. Орлової.";
    let got = pairs(text);
    for span in [
        "М. П. Гнатюка",
        "Т. О. Муравицької",
        "В. І. Критської",
        "Л. В. Орлової",
    ] {
        assert!(got.iter().any(|(t, _)| t == span), "{span}: {got:?}");
    }
}

#[test]
fn a_place_between_the_role_and_an_unknown_name_belongs_to_the_role() {
    let text = "Угоду підписали з тодішнім мером Львова Ашотом Гевондяном.";
    assert!(
        has(text, "Ашотом Гевондяном", "Ашот Гевондян"),
        "{:?}",
        pairs(text)
    );
    let text = "Він працював помічником віце-мера Одеси Бахтіяра Курбанова.";
    assert!(
        has(text, "Бахтіяра Курбанова", "Бахтіяр Курбанов"),
        "{:?}",
        pairs(text)
    );
}

#[test]
fn an_unknown_pair_in_one_case_is_named_in_the_nominative() {
    // Dative of both, nothing in any list.
    let text = "Маєток продали відомому акторові Дейвану Стайлзу і його дружині.";
    assert!(
        has(text, "Дейвану Стайлзу", "Дейван Стайлз"),
        "{:?}",
        pairs(text)
    );
}

#[test]
fn an_ambiguous_given_name_alone_is_the_article_s_person_of_that_name() {
    // Денис is also a common surname: alone, it is a person only because the article names one.
    let text = "Музикант Денис Гнатишин грає на контрабасі. «Я їздив у тури», — каже Денис.";
    assert!(has(text, "Денис", "Денис Гнатишин"), "{:?}", pairs(text));
    // Львові is a form of the name Лев and of the city Львів: the city wins.
    let text = "Лев Гнатишин народився в селі. Навчався він у Львові.";
    assert!(
        !pairs(text).iter().any(|(t, _)| t == "Львові"),
        "{:?}",
        pairs(text)
    );
    // After «пан» a given name alone is a person even without a full name in the article.
    let text = "Тоді вирішив пан Роман сам зробити свою першу скрипку.";
    assert!(has(text, "Роман", "Роман"), "{:?}", pairs(text));
}

#[test]
fn diminutives_are_given_names_but_not_patronymic_stems() {
    let text = "Ми розпитали баристу. За хвилинку Юля вітається з нами.";
    assert!(has(text, "Юля", "Юля"), "{:?}", pairs(text));
    // «Грицевич» is a surname, not «son of Гриць».
    let text = "Від блоку балотувався Роман Грицевич.";
    assert!(
        has(text, "Роман Грицевич", "Роман Грицевич"),
        "{:?}",
        pairs(text)
    );
    // «Люди» is «people», not a form of Люда.
    let text = "Люди проживають в аварійному гуртожитку.";
    assert!(pairs(text).is_empty(), "{:?}", pairs(text));
}

#[test]
fn a_given_name_with_a_patronymic_and_no_surname() {
    // Роман is also a common word («роман», a novel): with a patronymic it is a name.
    let text = "Сам Роман Олексійович не тільки працював, а й учився.";
    assert!(
        pairs(text).iter().any(|(t, _)| t == "Роман Олексійович"),
        "{:?}",
        pairs(text)
    );
    // An unknown word before a real patronymic is a given name.
    let text = "Помічником у майстерні був тоді Адріан Васильович.";
    assert!(
        pairs(text).iter().any(|(t, _)| t == "Адріан Васильович"),
        "{:?}",
        pairs(text)
    );
    // A sentence's first word is no surname before «Івану Васильовичу».
    let text = "Нині Івану Васильовичу виповнилося б 85 років.";
    assert!(
        pairs(text).iter().any(|(t, _)| t == "Івану Васильовичу"),
        "{:?}",
        pairs(text)
    );
}

#[test]
fn a_regnal_number_is_part_of_the_name() {
    let text = "Депутати хотіли встановити тут фігуру Катерини II як засновниці міста.";
    assert!(has(text, "Катерини II", "Катерина II"), "{:?}", pairs(text));
}

#[test]
fn common_words_that_are_also_archaic_names_are_not_people() {
    let text = "Нині Збройні Сили України перебувають у стані війни.";
    assert!(pairs(text).is_empty(), "{:?}", pairs(text));
}

#[test]
fn a_person_named_inside_a_quoted_title() {
    let text = "Канал показав «Різдвяну історію з Оленою Гнатишин» у неділю.";
    assert!(
        has(text, "Оленою Гнатишин", "Олена Гнатишин"),
        "{:?}",
        pairs(text)
    );
    // A quoted name of a firm or a party is not unquoted: no lowercase title word before it.
    let text = "Фірма «Олена Гнатишин і партнери» виграла тендер.";
    assert!(pairs(text).is_empty(), "{:?}", pairs(text));
}

#[test]
fn a_nickname_in_quotes_between_given_name_and_surname_is_inside_the_span() {
    let text = "На сцені барабанщик Петро «Грім» Ковальчук зіграв соло. Також Петро «Грім» \
                Ковальчук (ударні) виступив у другому відділенні.";
    let got = pairs(text);
    let full: Vec<_> = got
        .iter()
        .filter(|(t, c)| t == "Петро «Грім» Ковальчук" && c == "Петро Ковальчук")
        .collect();
    assert_eq!(
        full.len(),
        2,
        "one span each, named without the nickname: {got:?}"
    );
    assert!(
        !got.iter().any(|(t, _)| t == "Петро" || t == "Ковальчук"),
        "no separate given name or surname: {got:?}"
    );
}

#[test]
fn an_adjective_shaped_surname_before_a_preposition_or_conjunction_is_a_surname() {
    // Unknown given names: only the surname's shape and the word after it decide.
    let text = "Як наголосив Збишек Ковалевський під час лекції, часи змінилися.";
    assert!(
        has(text, "Збишек Ковалевський", "Збишек Ковалевський"),
        "{:?}",
        pairs(text)
    );
    let text = "Студенти читали книжки Вальдека Заремського й інших авторів.";
    assert!(
        has(text, "Вальдека Заремського", "Вальдек Заремський"),
        "{:?}",
        pairs(text)
    );
}

#[test]
fn a_nominative_name_after_a_place_noun_is_an_apposition_not_a_dedication() {
    let text = "Як повідомив голова селища Богдан Гринчишин, дорогу відремонтують.";
    assert!(
        has(text, "Богдан Гринчишин", "Богдан Гринчишин"),
        "{:?}",
        pairs(text)
    );
    // The genitive after the same noun still names a place after a person.
    let text = "Пам'ятник стоїть біля школи Богдана Гринчишина в центрі.";
    assert!(mentions(text).is_empty(), "{:?}", pairs(text));
}

#[test]
fn an_undeclined_foreign_given_name_before_a_genitive_surname() {
    // Neither word is in the lists: the given name keeps its -і, the surname is genitive.
    let text = "У залі звучали записи Ренесмі Барлоута, а потім інших джазменів.";
    assert!(
        has(text, "Ренесмі Барлоута", "Ренесмі Барлоут"),
        "{:?}",
        pairs(text)
    );
    // A feminine noun in -і before a genitive is not a given name.
    let text = "Про це йдеться у Програмі розвитку, яку вчора затвердили.";
    assert!(mentions(text).is_empty(), "{:?}", pairs(text));
}

#[test]
fn a_given_name_that_is_also_a_surname_follows_another_given_name() {
    // Both words are given names that are also common surnames; the second is the surname.
    let text = "Учора Богдан Квітка відкрив виставку. Працював над нею художник Квітка рік.";
    let got = pairs(text);
    assert!(
        has(text, "Богдан Квітка", "Богдан Квітка"),
        "the pair is one name: {got:?}"
    );
    assert!(
        has(text, "Квітка", "Богдан Квітка"),
        "the later lone surname joins the person: {got:?}"
    );
}

#[test]
fn an_unknown_given_name_before_a_declined_listed_surname() {
    // «Зоран» is in no list; «Сороку» declines from the listed Сорока, in the accusative that a
    // masculine given name in -а shares.
    let text = "Наприкінці року вона вийшла заміж за Зорана Сороку. Зоран був старшим за неї \
                на дев'ять років. Сорока працював у суді.";
    let got = pairs(text);
    assert!(
        has(text, "Зорана Сороку", "Зоран Сорока"),
        "the pair is one person: {got:?}"
    );
    assert!(
        has(text, "Зоран", "Зоран Сорока"),
        "the unknown given name alone is the same person: {got:?}"
    );
    assert!(
        has(text, "Сорока", "Зоран Сорока"),
        "and so is the surname alone: {got:?}"
    );
}

#[test]
fn a_rare_surname_word_as_given_name_before_a_clear_surname() {
    // «Жорж» is only in the long surname list; «Дорошенко» can only be a surname.
    let text = "Увечері на сцені Жорж Дорошенко грав князя, а публіка аплодувала.";
    let got = pairs(text);
    assert!(has(text, "Жорж Дорошенко", "Жорж Дорошенко"), "{got:?}");
}

#[test]
fn names_after_a_kinship_noun_are_relatives() {
    let text = "Мати померла рано, а брати Зоран, Велимир та Златан пішли до війська.";
    let got = pairs(text);
    for name in ["Зоран", "Велимир", "Златан"] {
        assert!(has(text, name, name), "{name}: {got:?}");
    }
    // A known but ambiguous given name alone after a kinship noun.
    let text = "На свято приїхала його дружина Віра, і вечір почався.";
    assert!(has(text, "Віра", "Віра"), "{:?}", pairs(text));
    // Not a kinship noun: nothing.
    let text = "Мати померла рано, а міста Зоран, Велимир та Златан спорожніли.";
    assert!(pairs(text).is_empty(), "{:?}", pairs(text));
}

#[test]
fn a_genitive_name_after_na_is_a_street() {
    // «на Олени Пчілки»: a person after «на» would be «на Олену Пчілку» or «на Олені Пчілці».
    let text = "Нову кав'ярню відкрили на Олени Пчілки, біля скверу.";
    assert!(pairs(text).is_empty(), "{:?}", pairs(text));
    let text = "Усі дивилися на Олену Пчілку, яка вийшла на сцену.";
    assert!(
        has(text, "Олену Пчілку", "Олена Пчілка"),
        "{:?}",
        pairs(text)
    );
}

#[test]
fn a_locative_after_v_is_a_town() {
    let text = "Торік у Бірюкові відкрили нову школу для дітей.";
    assert!(pairs(text).is_empty(), "{:?}", pairs(text));
}

#[test]
fn a_subject_after_its_verb_and_the_same_surname_elsewhere() {
    // «Сокиров» is in no list, only shaped like a surname.
    let text = "— Ми зробимо це до осені, — заявив Сокиров. Проте план, який має Сокиров \
                щодо бюджету, критикують.";
    let got = pairs(text);
    assert!(
        got.iter()
            .filter(|(t, c)| t == "Сокиров" && c == "Сокиров")
            .count()
            == 2,
        "the subject after «заявив», then the same surname with less context: {got:?}"
    );
    // Without the verb, neither.
    let text = "План, який має Сокиров щодо бюджету, критикують.";
    assert!(pairs(text).is_empty(), "{:?}", pairs(text));
}

#[test]
fn a_given_name_that_is_the_article_s_surname_starts_a_sentence() {
    // «Калина» is a feminine given name and a surname; «був» is masculine, so the sentence's
    // first word is the surname of the man the article named.
    let text = "Справу виграв адвокат Андрій Калина. Калина був задоволений рішенням. \
                Адвокат Калина повідомив про це журналістам.";
    let got = pairs(text);
    assert!(
        got.iter()
            .filter(|(t, c)| t == "Калина" && c == "Андрій Калина")
            .count()
            == 2,
        "{got:?}"
    );
}

#[test]
fn a_vocative_only_given_name_starting_a_sentence_is_a_common_noun() {
    // «Поле» reads only as the vocative of Пол.
    let text = "Поле битви давно заросло травою.";
    assert!(pairs(text).is_empty(), "{:?}", pairs(text));
}

#[test]
fn an_undeclined_foreign_first_given_name_before_a_known_one() {
    let text = "Вчора до Києва прилетів Жоао Карлос Ботелью.";
    assert!(
        has(text, "Жоао Карлос Ботелью", "Жоао Карлос Ботелью"),
        "{:?}",
        pairs(text)
    );
}

#[test]
fn two_unknown_words_after_a_word_of_ownership() {
    // «команда» works like a role word before a name no list knows.
    let text = "Вчора команда Жоао Ботелью виграла матч.";
    assert!(
        has(text, "Жоао Ботелью", "Жоао Ботелью"),
        "{:?}",
        pairs(text)
    );
}

#[test]
fn a_diminutive_of_a_listed_given_name_as_a_subject() {
    let text = "Підріс Тарас, і вже Тарасик пішов до школи.";
    assert!(has(text, "Тарасик", "Тарасик"), "{:?}", pairs(text));
}

#[test]
fn a_monastic_name_after_a_clergy_title_and_its_see() {
    let text = "Службу очолив митрополит Лубенський і Хорольський Феогност. Пізніше Феогност \
                виголосив проповідь.";
    let got = pairs(text);
    assert!(
        got.iter()
            .filter(|(t, c)| t == "Феогност" && c == "Феогност")
            .count()
            == 2,
        "the name after the see, then the same name alone: {got:?}"
    );
    assert!(
        !got.iter().any(|(t, _)| t.contains("Лубенськ")),
        "the see is no surname: {got:?}"
    );
}

#[test]
fn a_possessive_adjective_of_the_article_s_surname() {
    let text = "Так вирішив Іван Коваленко. Проте рада не підтримала Коваленкових планів.";
    assert!(
        has(text, "Коваленкових", "Іван Коваленко"),
        "{:?}",
        pairs(text)
    );
}

#[test]
fn a_declined_listed_surname_is_not_a_given_name_of_the_next_word() {
    let text = "Виборці швидко забудуть про Петренка і Кравчука Гнидюри, кажуть аналітики.";
    let got = pairs(text);
    assert!(has(text, "Кравчука", "Кравчук"), "{got:?}");
    assert!(!got.iter().any(|(t, _)| t.contains("Гнидюри")), "{got:?}");
}

#[test]
fn a_monument_s_dedicatee_in_the_dative() {
    let text = "Вандали зруйнували пам’ятник Сокирову в центрі міста.";
    assert!(has(text, "Сокирову", "Сокиров"), "{:?}", pairs(text));
}

#[test]
fn a_neuter_adjective_is_not_a_given_name() {
    let text = "Згодом Верхнє Поліско перейшло до громади.";
    assert!(pairs(text).is_empty(), "{:?}", pairs(text));
}
