//! The render plan's dependency digests (`src/render/deps.rs`): after random edits of every
//! kind (people added, removed and swapped, titles, summaries, roles, languages, dates,
//! bodies, the people registry, articles added and removed), a rebuild that keeps pages by
//! the plan equals a fresh build, and with plan checking on no page the plan keeps has a key
//! other than the previous build's.

use litopys::build::build;
use std::path::{Path, PathBuf};

mod common;
use common::{articles, gen_corpus, opts, visible_tree};

/// A small deterministic generator (xorshift).
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n.max(1) as u64) as usize
    }
}

/// The front matter's `people:` list of `text`, and the line range it takes.
fn people_of(text: &str) -> (Vec<String>, std::ops::Range<usize>) {
    let lines: Vec<&str> = text.lines().collect();
    let start = lines.iter().position(|l| *l == "people:").unwrap() + 1;
    let mut end = start;
    while lines.get(end).is_some_and(|l| l.starts_with("- ")) {
        end += 1;
    }
    let names = lines[start..end]
        .iter()
        .map(|l| l[2..].to_string())
        .collect();
    (names, start..end)
}

/// `text` with its `people:` list replaced by `names`.
fn with_people(text: &str, names: &[String]) -> String {
    let (_, range) = people_of(text);
    let lines: Vec<&str> = text.lines().collect();
    let mut out: Vec<String> = lines[..range.start].iter().map(|l| l.to_string()).collect();
    out.extend(names.iter().map(|n| format!("- {n}")));
    out.extend(lines[range.end..].iter().map(|l| l.to_string()));
    out.join("\n") + "\n"
}

/// `text` with front-matter line `key: …` replaced by `line` (or `line` added after the
/// title when there is none; dropped when `line` is empty).
fn with_field(text: &str, key: &str, line: &str) -> String {
    let prefix = format!("{key}:");
    let mut found = false;
    let mut out = Vec::new();
    for l in text.lines() {
        if !found && l.starts_with(&prefix) {
            found = true;
            if !line.is_empty() {
                out.push(line.to_string());
            }
        } else {
            out.push(l.to_string());
            if l.starts_with("title:") && !text.contains(&format!("\n{prefix}")) {
                found = true;
                if !line.is_empty() {
                    out.push(line.to_string());
                }
            }
        }
    }
    out.join("\n") + "\n"
}

/// One random edit of the site at `root`; returns what it did and whether the plan is
/// expected to keep pages afterwards (also when an article was added or removed: the plan
/// renumbers what it recorded to the articles' new places).
fn edit(root: &Path, rng: &mut Rng, step: usize) -> (String, bool) {
    let files: Vec<PathBuf> = articles(root);
    let file = &files[rng.below(files.len())];
    let text = std::fs::read_to_string(file).unwrap();
    let name = file.file_name().unwrap().to_string_lossy().into_owned();
    let (mut people, _) = people_of(&text);
    let all_people: Vec<String> = files
        .iter()
        .flat_map(|f| people_of(&std::fs::read_to_string(f).unwrap()).0)
        .collect();
    let write = |t: String| std::fs::write(file, t).unwrap();
    match rng.below(13) {
        0 => {
            people.insert(rng.below(people.len() + 1), format!("Нова Особа{step}"));
            write(with_people(&text, &people));
            (format!("{name}: a new person"), true)
        }
        1 if people.len() > 1 => {
            people.remove(rng.below(people.len()));
            write(with_people(&text, &people));
            (format!("{name}: a person removed"), true)
        }
        2 => {
            let others: Vec<&String> = all_people.iter().filter(|p| !people.contains(p)).collect();
            people.push(match others.len() {
                0 => format!("Інша Особа{step}"),
                n => others[rng.below(n)].clone(),
            });
            write(with_people(&text, &people));
            (format!("{name}: a known person added"), true)
        }
        3 if !people.is_empty() => {
            let others: Vec<&String> = all_people.iter().filter(|p| !people.contains(p)).collect();
            let i = rng.below(people.len());
            people[i] = match others.len() {
                0 => format!("Інша Особа{step}"),
                n => others[rng.below(n)].clone(),
            };
            write(with_people(&text, &people));
            (format!("{name}: a person swapped"), true)
        }
        4 => {
            write(with_field(
                &text,
                "title",
                &format!("title: Заголовок зміни {step}"),
            ));
            // Articles of one date are ordered by title: when another shares the date, the
            // order may change, and the plan's recorded article numbers with it.
            let date = |t: &str| {
                t.lines()
                    .find(|l| l.starts_with("date:"))
                    .map(str::to_string)
            };
            let shared = files
                .iter()
                .filter(|f| *f != file)
                .any(|f| date(&std::fs::read_to_string(f).unwrap()) == date(&text));
            (format!("{name}: title (and link) edited"), !shared)
        }
        5 => {
            write(with_field(
                &text,
                "summary",
                &format!("summary: Новий лід {step}."),
            ));
            (format!("{name}: summary edited"), true)
        }
        6 => {
            write(with_field(&text, "summary", ""));
            (format!("{name}: summary dropped"), true)
        }
        7 if !people.is_empty() => {
            let who = &people[rng.below(people.len())];
            let roles = format!("roles:\n- person: {who}\n  role: посада номер {step}");
            write(with_field(&text, "roles", &roles));
            (format!("{name}: a role for {who}"), true)
        }
        8 => {
            let lang = if text.contains("language: en") {
                "uk"
            } else {
                "en"
            };
            write(with_field(&text, "language", &format!("language: {lang}")));
            (format!("{name}: language {lang}"), true)
        }
        9 => {
            write(format!("{text}\nДописане речення {step} про **зміни**.\n"));
            (format!("{name}: body edited"), true)
        }
        10 if !all_people.is_empty() => {
            let who = &all_people[rng.below(all_people.len())];
            let registry = format!(
                "people:\n  - name: {who}\n    description: Опис номер {step}.\n    role: Роль {step}\n"
            );
            std::fs::write(root.join("content/people.yaml"), registry).unwrap();
            (format!("registry: {who} described"), true)
        }
        11 => {
            let date_line = text.lines().find(|l| l.starts_with("date:")).unwrap();
            let day: u32 = date_line[date_line.len() - 2..].parse().unwrap();
            let moved = format!(
                "{}{:02}",
                &date_line[..date_line.len() - 2],
                if day > 1 { day - 1 } else { day + 1 }
            );
            write(text.replacen(date_line, &moved, 1));
            (format!("{name}: date moved a day"), false)
        }
        _ => {
            if rng.below(2) == 0 {
                std::fs::remove_file(file).unwrap();
                (format!("{name}: removed"), true)
            } else {
                let copy = file.with_file_name(format!("zz-added-{step}.md"));
                std::fs::write(
                    copy,
                    with_field(&text, "slug", &format!("slug: dodana-{step}")),
                )
                .unwrap();
                (format!("{name}: copied as a new article"), true)
            }
        }
    }
}

#[test]
fn random_edits_rebuild_from_the_plan_as_fresh_builds_do() {
    litopys::render::plan::set_checking(true);
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    let out = tmp.path().join("out");
    let fresh = tmp.path().join("fresh");
    gen_corpus(&root, 70, 5, false);
    // Small pages: a person's first page (with their co-mentions and chart) then shows only
    // their newest articles, so an edit of an older one reaches it only through the person.
    let config = root.join("litopys.yaml");
    let text = std::fs::read_to_string(&config).unwrap();
    let paged = text.replace("page_size: 50", "page_size: 4\nhome_days: 3");
    assert_ne!(paged, text, "the generated config sets page_size");
    std::fs::write(&config, paged).unwrap();
    build(&opts(&root, &out, false)).unwrap();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let (mut keep_steps, mut kept, mut made) = (0, 0, 0);
    for step in 0..30 {
        let (what, keeps) = edit(&root, &mut rng, step);
        // With checking on, a page the plan keeps whose key changed fails the build.
        let r = build(&opts(&root, &out, false))
            .unwrap_or_else(|e| panic!("step {step}, {what}: the rebuild failed: {e}"));
        let _ = std::fs::remove_dir_all(&fresh);
        build(&opts(&root, &fresh, true)).unwrap();
        assert!(
            visible_tree(&out) == visible_tree(&fresh),
            "step {step}, {what}: the rebuild differs from a fresh build"
        );
        eprintln!("step {step}: {what}: {} of {} kept", r.planned, r.pages);
        assert!(r.planned < r.pages, "step {step}, {what}: nothing made");
        if keeps {
            // A person removed or added re-makes the pages of every article of theirs (its
            // related articles may change), which on a small site can be most of them.
            assert!(
                r.planned > 0,
                "step {step}, {what}: no page kept by the plan"
            );
            keep_steps += 1;
            kept += r.planned;
            made += r.pages;
        }
    }
    assert!(keep_steps > 15, "{keep_steps}");
    assert!(kept * 2 > made, "{kept} of {made} pages kept");
}
