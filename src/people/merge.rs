//! Merging people across the site: a surname-only person («Зеленський») joins the single
//! full-name person with that surname («Володимир Зеленський»), when there is exactly one of
//! the same gender; with two candidates nothing is merged.

use std::collections::{HashMap, HashSet};

/// Grammatical gender guessed from a nominative surname's ending: Some(true) feminine,
/// Some(false) masculine, None when the ending does not tell (-енко, -ук, foreign).
fn surname_feminine(s: &str) -> Option<bool> {
    let l = s.to_lowercase();
    const F: &[&str] = &[
        "ська", "цька", "зька", "ова", "єва", "ева", "іна", "ина", "ая",
    ];
    const M: &[&str] = &[
        "ський",
        "цький",
        "зький",
        "ов",
        "єв",
        "ев",
        "ін",
        "ин",
        "ий",
        "ій",
    ];
    if F.iter().any(|e| l.ends_with(e)) {
        Some(true)
    } else if M.iter().any(|e| l.ends_with(e)) {
        Some(false)
    } else {
        None
    }
}

/// For every name in `articles` that should be shown as another name, the mapping
/// name → merged name.
pub fn site_merge(articles: &[Vec<String>]) -> HashMap<String, String> {
    let mut names: HashSet<&str> = HashSet::new();
    for a in articles {
        for n in a {
            names.insert(n.as_str());
        }
    }
    // Full names by their last word (the surname; particles make it «Ланглад де Монгро», whose
    // last word is still the key a bare «Монгро» would not use, so key by everything after the
    // first word).
    let mut by_surname: HashMap<String, Vec<&str>> = HashMap::new();
    for &n in &names {
        let mut parts = n.splitn(2, ' ');
        let (Some(_given), Some(surname)) = (parts.next(), parts.next()) else {
            continue;
        };
        by_surname
            .entry(surname.to_lowercase())
            .or_default()
            .push(n);
    }
    let mut out = HashMap::new();
    for &n in &names {
        if n.contains(' ') {
            continue;
        }
        let Some(full) = by_surname.get(&n.to_lowercase()) else {
            continue;
        };
        let g = surname_feminine(n);
        let fits: Vec<&&str> = full
            .iter()
            .filter(|f| {
                let fs = f.split_once(' ').map_or("", |x| x.1);
                g.is_none() || surname_feminine(fs) == g
            })
            .collect();
        if fits.len() == 1 {
            out.insert(n.to_string(), fits[0].to_string());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn single_full_name_absorbs_the_surname() {
        let m = site_merge(&[v(&["Володимир Зеленський"]), v(&["Зеленський", "Буданов"])]);
        assert_eq!(
            m.get("Зеленський").map(String::as_str),
            Some("Володимир Зеленський")
        );
        assert!(!m.contains_key("Буданов"));
        assert!(!m.contains_key("Володимир Зеленський"));
    }

    #[test]
    fn two_candidates_no_merge() {
        let m = site_merge(&[v(&["Чарльз Кушнер", "Джаред Кушнер"]), v(&["Кушнер"])]);
        assert!(m.is_empty());
    }

    #[test]
    fn gender_must_agree() {
        let m = site_merge(&[v(&["Олена Зеленська"]), v(&["Зеленський"])]);
        assert!(m.is_empty());
        let m = site_merge(&[
            v(&["Олена Зеленська", "Володимир Зеленський"]),
            v(&["Зеленська"]),
        ]);
        assert_eq!(
            m.get("Зеленська").map(String::as_str),
            Some("Олена Зеленська")
        );
    }
}
