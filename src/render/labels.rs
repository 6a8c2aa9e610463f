//! The words of the default templates in the site's language (`page.t` in every page's
//! context), so one set of templates serves Ukrainian and English sites.

use serde::Serialize;

/// Interface words; see [`UK`] and [`EN`].
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Labels {
    pub home: &'static str,
    pub archive: &'static str,
    pub people: &'static str,
    pub sections: &'static str,
    pub breadcrumbs: &'static str,
    pub no_articles: &'static str,
    pub older_news: &'static str,
    pub related: &'static str,
    pub articles: &'static str,
    /// «Статей: 5».
    pub articles_count: &'static str,
    /// «Людей: 12».
    pub people_count: &'static str,
    pub mentions_count: &'static str,
    pub first_seen: &'static str,
    pub last_seen: &'static str,
    pub as_of: &'static str,
    pub by_month: &'static str,
    pub seen_with: &'static str,
    pub page: &'static str,
    pub of: &'static str,
    pub pages: &'static str,
    pub letters: &'static str,
    pub nearby_articles: &'static str,
    pub nearby_days: &'static str,
    pub nearby_months: &'static str,
    pub nearby_years: &'static str,
    pub not_found: &'static str,
    pub not_found_text: &'static str,
    pub start_at: &'static str,
    pub or: &'static str,
    pub weekdays: [&'static str; 7],
    // Search, the people filter and the timeline (issue 6).
    pub search: &'static str,
    pub search_label: &'static str,
    pub search_button: &'static str,
    pub search_needs_js: &'static str,
    pub search_nothing: &'static str,
    pub search_loading: &'static str,
    pub search_more: &'static str,
    pub filter_people: &'static str,
    pub timeline: &'static str,
    pub all_months: &'static str,
}

/// Ukrainian.
pub const UK: Labels = Labels {
    home: "Головна",
    archive: "Архів",
    people: "Люди",
    sections: "Розділи",
    breadcrumbs: "Навігація",
    no_articles: "Статей ще немає.",
    older_news: "Старіші новини — архів",
    related: "Пов’язані статті",
    articles: "Статті",
    articles_count: "Статей",
    people_count: "Людей",
    mentions_count: "згадок",
    first_seen: "уперше",
    last_seen: "востаннє",
    as_of: "станом на",
    by_month: "Згадки за місяцями",
    seen_with: "Найчастіше поруч",
    page: "сторінка",
    of: "з",
    pages: "Сторінки",
    letters: "Літери",
    nearby_articles: "Сусідні статті",
    nearby_days: "Сусідні дні",
    nearby_months: "Сусідні місяці",
    nearby_years: "Сусідні роки",
    not_found: "Сторінку не знайдено",
    not_found_text: "Такої сторінки немає.",
    start_at: "Почніть з",
    or: "або",
    weekdays: ["Пн", "Вт", "Ср", "Чт", "Пт", "Сб", "Нд"],
    search: "Пошук",
    search_label: "Пошук по статтях і людях",
    search_button: "Шукати",
    search_needs_js: "Пошук працює в браузері з увімкненим JavaScript. Без нього скористайтеся архівом або покажчиком людей.",
    search_nothing: "Нічого не знайдено.",
    search_loading: "Шукаю…",
    search_more: "Показати ще",
    filter_people: "Фільтр за іменем",
    timeline: "Згадки за місяцями",
    all_months: "Усі місяці",
};

/// English.
pub const EN: Labels = Labels {
    home: "Home",
    archive: "Archive",
    people: "People",
    sections: "Sections",
    breadcrumbs: "Breadcrumbs",
    no_articles: "No articles yet.",
    older_news: "Older news — archive",
    related: "Related articles",
    articles: "Articles",
    articles_count: "Articles",
    people_count: "People",
    mentions_count: "mentions",
    first_seen: "first",
    last_seen: "latest",
    as_of: "as of",
    by_month: "Mentions by month",
    seen_with: "Most often with",
    page: "page",
    of: "of",
    pages: "Pages",
    letters: "Letters",
    nearby_articles: "Nearby articles",
    nearby_days: "Nearby days",
    nearby_months: "Nearby months",
    nearby_years: "Nearby years",
    not_found: "Page not found",
    not_found_text: "There is no such page.",
    start_at: "Start at",
    or: "or",
    weekdays: ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"],
    search: "Search",
    search_label: "Search articles and people",
    search_button: "Search",
    search_needs_js: "Search runs in the browser and needs JavaScript. Without it, use the archive or the people index.",
    search_nothing: "Nothing found.",
    search_loading: "Searching…",
    search_more: "Show more",
    filter_people: "Filter by name",
    timeline: "Mentions by month",
    all_months: "All months",
};

/// The labels of a site language (`en`, else Ukrainian).
pub fn for_language(lang: &str) -> &'static Labels {
    if lang == "en" {
        &EN
    } else {
        &UK
    }
}

/// The digest (`render::keyhash::digest`) of a set of words, computed once per set (render
/// keys hash it instead of the words).
pub fn digest(t: &'static Labels) -> crate::hash::Digest {
    static DIGESTS: std::sync::Mutex<Vec<(usize, crate::hash::Digest)>> =
        std::sync::Mutex::new(Vec::new());
    let at = t as *const Labels as usize;
    let Ok(mut known) = DIGESTS.lock() else {
        return super::keyhash::digest(t);
    };
    if let Some((_, d)) = known.iter().find(|(a, _)| *a == at) {
        return *d;
    }
    let d = super::keyhash::digest(t);
    known.push((at, d));
    d
}
