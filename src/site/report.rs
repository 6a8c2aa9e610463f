//! `litopys people`: a table of every person, or (`--suspicious`) the likely mistakes of
//! extraction and merging: surname-only people named in a single article, people whose slugs
//! collided, and near-duplicate names (same surname with one name a prefix of the other, or
//! names one edit apart).

use super::{translit, Person, Site, PERSON_SLUG_MAX};
use std::collections::{BTreeSet, HashMap};
use std::fmt::Write;

/// See the module doc.
pub fn people_report(site: &Site, suspicious: bool) -> String {
    if suspicious {
        suspicious_report(site)
    } else {
        table(site)
    }
}

fn table(site: &Site) -> String {
    let width = |f: &dyn Fn(&Person) -> usize, min: usize| {
        site.people.iter().map(f).max().unwrap_or(0).max(min)
    };
    let nw = width(&|p| p.name.chars().count(), 4);
    let sw = width(&|p| p.slug.len(), 4);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<nw$}  {:<sw$}  {:>8}  {:>8}  merged forms",
        "name", "slug", "mentions", "articles"
    );
    for p in &site.people {
        let _ = writeln!(
            out,
            "{:<nw$}  {:<sw$}  {:>8}  {:>8}  {}",
            p.name,
            p.slug,
            p.mentions,
            p.articles.len(),
            p.forms.join(", ")
        );
    }
    let _ = writeln!(
        out,
        "{} people in {} articles",
        site.people.len(),
        site.articles.len()
    );
    out
}

fn describe(p: &Person) -> String {
    format!("{} ({} articles, /{})", p.name, p.articles.len(), p.url)
}

fn suspicious_report(site: &Site) -> String {
    let mut out = String::new();
    let people = &site.people;

    let single: Vec<&Person> = people
        .iter()
        .filter(|p| p.name.split_whitespace().count() == 1 && p.articles.len() == 1)
        .collect();
    if !single.is_empty() {
        let _ = writeln!(out, "surname-only, in a single article:");
        for p in single {
            let file = p
                .articles
                .first()
                .map(|&a| site.articles[a].file.display().to_string())
                .unwrap_or_default();
            let _ = writeln!(out, "  {}  ({file})", p.name);
        }
    }

    let mut by_base: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, p) in people.iter().enumerate() {
        by_base
            .entry(translit::slug_or_hash(&p.name, PERSON_SLUG_MAX))
            .or_default()
            .push(i);
    }
    let mut collisions: Vec<(&String, &Vec<usize>)> =
        by_base.iter().filter(|(_, v)| v.len() > 1).collect();
    collisions.sort();
    if !collisions.is_empty() {
        let _ = writeln!(out, "slug collisions:");
        for (base, ids) in collisions {
            let names: Vec<String> = ids.iter().map(|&i| describe(&people[i])).collect();
            let _ = writeln!(out, "  {base}: {}", names.join("; "));
        }
    }

    let pairs = near_duplicates(people);
    if !pairs.is_empty() {
        let _ = writeln!(out, "near-duplicates:");
        for (a, b, why) in pairs {
            let _ = writeln!(
                out,
                "  {}  ~  {}  ({why})",
                describe(&people[a]),
                describe(&people[b])
            );
        }
    }
    if out.is_empty() {
        out.push_str("nothing suspicious\n");
    }
    out
}

/// Pairs (a < b) of near-duplicate people, with the reason, sorted.
fn near_duplicates(people: &[Person]) -> Vec<(usize, usize, &'static str)> {
    let mut found: BTreeSet<(usize, usize, &'static str)> = BTreeSet::new();
    // Same surname, one given name a prefix of the other (initials, surname-only).
    let mut by_surname: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, p) in people.iter().enumerate() {
        by_surname
            .entry(p.key.surname.to_lowercase())
            .or_default()
            .push(i);
    }
    for ids in by_surname.values() {
        for (x, &a) in ids.iter().enumerate() {
            for &b in &ids[x + 1..] {
                let ga = given_plain(&people[a]);
                let gb = given_plain(&people[b]);
                if ga.starts_with(&gb) || gb.starts_with(&ga) {
                    found.insert((a.min(b), a.max(b), "same surname, name a prefix"));
                }
            }
        }
    }
    // One edit apart: names sharing a one-deletion variant, then checked exactly.
    let mut variants: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, p) in people.iter().enumerate() {
        let chars: Vec<char> = p.name.to_lowercase().chars().collect();
        let mut vs: BTreeSet<String> = BTreeSet::new();
        vs.insert(chars.iter().collect());
        for d in 0..chars.len() {
            vs.insert(
                chars
                    .iter()
                    .enumerate()
                    .filter(|&(j, _)| j != d)
                    .map(|(_, c)| c)
                    .collect(),
            );
        }
        for v in vs {
            variants.entry(v).or_default().push(i);
        }
    }
    for ids in variants.values() {
        for (x, &a) in ids.iter().enumerate() {
            for &b in &ids[x + 1..] {
                if a != b && edit_distance_at_most_one(&people[a].name, &people[b].name) {
                    found.insert((a.min(b), a.max(b), "one letter apart"));
                }
            }
        }
    }
    found.into_iter().collect()
}

fn given_plain(p: &Person) -> String {
    p.key
        .given
        .chars()
        .filter(|c| c.is_alphabetic())
        .flat_map(char::to_lowercase)
        .collect()
}

/// True when `a` and `b` differ by at most one insertion, deletion or substitution
/// (ignoring case).
pub fn edit_distance_at_most_one(a: &str, b: &str) -> bool {
    let a: Vec<char> = a.to_lowercase().chars().collect();
    let b: Vec<char> = b.to_lowercase().chars().collect();
    let (s, l) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if l.len() - s.len() > 1 {
        return false;
    }
    let prefix = s.iter().zip(&l).take_while(|(x, y)| x == y).count();
    if s.len() == l.len() {
        s[prefix..].iter().skip(1).eq(l[prefix..].iter().skip(1))
    } else {
        s[prefix..].iter().eq(l[prefix + 1..].iter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_edit() {
        assert!(edit_distance_at_most_one("Зеленський", "Зеленський"));
        assert!(edit_distance_at_most_one("Зеленський", "Зеленській"));
        assert!(edit_distance_at_most_one("Зеленський", "Зеленскький"));
        assert!(edit_distance_at_most_one("Буданов", "Буданав"));
        assert!(!edit_distance_at_most_one("Буданов", "Будановичі"));
        assert!(!edit_distance_at_most_one("ab", "ba"));
    }
}
