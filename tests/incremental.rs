//! Incremental rebuilds (render keys in the output manifest): after any edit, a rebuild into
//! the previous output gives exactly the bytes of a fresh full build, writes only the pages
//! that changed, and never trusts a kept file that was changed on disk.

use litopys::build::{build, BuildOptions};
use std::path::{Path, PathBuf};

mod common;
use common::{articles, gen_corpus, opts, visible_tree};

/// Rebuilds into `out` and checks it equals a fresh build; returns files written.
fn rebuild_matches_fresh(root: &Path, out: &Path, fresh: &Path) -> usize {
    let r = build(&opts(root, out, false)).unwrap();
    let _ = std::fs::remove_dir_all(fresh);
    build(&opts(root, fresh, true)).unwrap();
    assert_eq!(visible_tree(out), visible_tree(fresh));
    r.write.written
}

#[test]
fn rebuilds_equal_fresh_builds_and_write_only_changes() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    let out = tmp.path().join("out");
    let fresh = tmp.path().join("fresh");
    gen_corpus(&root, 50, 3, true);
    let first = build(&opts(&root, &out, false)).unwrap();
    assert_eq!(first.write.written, first.pages);

    // (a) nothing changed.
    assert_eq!(rebuild_matches_fresh(&root, &out, &fresh), 0);

    let files = articles(&root);
    let art = &files[25];
    let text = std::fs::read_to_string(art).unwrap();

    // (b) one body edited.
    std::fs::write(art, format!("{text}\nНове речення про **зміни**.\n")).unwrap();
    let written = rebuild_matches_fresh(&root, &out, &fresh);
    assert!((1..first.pages / 4).contains(&written), "{written}");

    // (c) a new person.
    std::fs::write(
        art,
        text.replacen("people:\n", "people:\n- Нова Особа\n", 1),
    )
    .unwrap();
    let written = rebuild_matches_fresh(&root, &out, &fresh);
    assert!((2..first.pages / 2).contains(&written), "{written}");

    // A template change re-renders what uses it.
    std::fs::create_dir_all(root.join("templates")).unwrap();
    let card = litopys::render::DEFAULT_TEMPLATES
        .iter()
        .find(|(n, _)| *n == "card.html")
        .unwrap()
        .1;
    std::fs::write(
        root.join("templates/card.html"),
        format!("{card}<!-- x -->"),
    )
    .unwrap();
    assert!(rebuild_matches_fresh(&root, &out, &fresh) > 0);

    // The registry is an input: a description shows on the person's page.
    let person = text
        .split("people:\n- ")
        .nth(1)
        .and_then(|rest| rest.lines().next())
        .unwrap()
        .trim_matches('"')
        .to_string();
    std::fs::write(
        root.join("content/people.yaml"),
        format!("people:\n- name: {person}\n  description: Опис для перевірки\n"),
    )
    .unwrap();
    assert!(rebuild_matches_fresh(&root, &out, &fresh) > 0);
    let pages = visible_tree(&out);
    assert!(
        pages
            .values()
            .any(|b| String::from_utf8_lossy(b).contains("Опис для перевірки")),
        "the description of {person} shows nowhere"
    );
    // So is the base URL given on the command line.
    let with_base = |base: &str| BuildOptions {
        base_url: Some(base.to_string()),
        ..opts(&root, &out, false)
    };
    let r = build(&with_base("https://example.org/news/")).unwrap();
    assert!(r.write.written > 0);
    assert!(
        String::from_utf8_lossy(&std::fs::read(out.join("sitemap.xml")).unwrap())
            .contains("https://example.org/news/")
    );
    assert_eq!(
        build(&with_base("https://example.org/news/"))
            .unwrap()
            .write
            .written,
        0
    );
    assert!(build(&opts(&root, &out, false)).unwrap().write.written > 0);

    // A kept file changed on disk behind our back is rendered again.
    let victim = out.join("index.html");
    std::fs::write(&victim, "tampered").unwrap();
    let written = rebuild_matches_fresh(&root, &out, &fresh);
    assert!(written >= 1);
    // A deleted one too.
    std::fs::remove_file(&victim).unwrap();
    assert!(rebuild_matches_fresh(&root, &out, &fresh) >= 1);

    // An article's body edited while pages its edit does not touch were changed and deleted
    // by hand (the files are checked while the site loads): those are written again too.
    let art = &files[10];
    let mut text = std::fs::read_to_string(art).unwrap();
    text.push_str("\nЩе одне речення в тексті.\n");
    std::fs::write(art, text).unwrap();
    let pages: Vec<PathBuf> = walkdir::WalkDir::new(out.join("people"))
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .filter(|p| p.is_file())
        .collect();
    assert!(pages.len() > 4);
    std::fs::write(&pages[1], "tampered").unwrap();
    std::fs::remove_file(&pages[pages.len() - 2]).unwrap();
    let archive = out.join("archive/index.html");
    let mut bytes = std::fs::read(&archive).unwrap();
    bytes[0] ^= 1;
    std::fs::write(&archive, bytes).unwrap();
    // The article's page, and the three pages changed behind the build's back.
    assert!(rebuild_matches_fresh(&root, &out, &fresh) >= 4);
}

/// Render keys hash what pages are made of, not always the pages' contexts (a person's facts,
/// a feed's entries and the interface words go in as digests of their inputs): edits to each
/// of those inputs still give a rebuild equal to a fresh build.
#[test]
fn rebuilds_equal_fresh_builds_after_summary_title_role_and_language_edits() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    let out = tmp.path().join("out");
    let fresh = tmp.path().join("fresh");
    gen_corpus(&root, 40, 3, true);
    build(&opts(&root, &out, false)).unwrap();
    let files = articles(&root);
    let art = &files[3];
    let text = std::fs::read_to_string(art).unwrap();
    let line = |key: &str| {
        text.lines()
            .find(|l| l.starts_with(key))
            .unwrap()
            .to_string()
    };

    // A summary: cards, feeds (people's feeds show summaries), the article.
    let summary = line("summary:");
    std::fs::write(
        art,
        text.replacen(&summary, "summary: Новий лід & <b>тег</b>", 1),
    )
    .unwrap();
    assert!(rebuild_matches_fresh(&root, &out, &fresh) > 1);
    // A title.
    let title = line("title:");
    std::fs::write(art, text.replacen(&title, "title: Зовсім нова назва", 1)).unwrap();
    assert!(rebuild_matches_fresh(&root, &out, &fresh) > 1);
    std::fs::write(art, &text).unwrap();
    assert!(rebuild_matches_fresh(&root, &out, &fresh) > 1);

    // A role from the registry, then a description too, on a person's pages.
    let person = text
        .split("people:\n- ")
        .nth(1)
        .and_then(|rest| rest.lines().next())
        .unwrap()
        .trim_matches('"')
        .to_string();
    std::fs::write(
        root.join("content/people.yaml"),
        format!("people:\n- name: {person}\n  role: Посада для перевірки\n"),
    )
    .unwrap();
    assert!(rebuild_matches_fresh(&root, &out, &fresh) > 0);
    assert!(visible_tree(&out)
        .values()
        .any(|b| String::from_utf8_lossy(b).contains("Посада для перевірки")));
    std::fs::write(
        root.join("content/people.yaml"),
        format!("people:\n- name: {person}\n  role: Посада для перевірки\n  description: Опис\n"),
    )
    .unwrap();
    assert!(rebuild_matches_fresh(&root, &out, &fresh) > 0);

    // The site's language: interface words, dates, month names, the timeline's labels.
    let config = root.join("litopys.yaml");
    let yaml = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, format!("{yaml}language: en\n")).unwrap();
    assert!(rebuild_matches_fresh(&root, &out, &fresh) > 0);
    assert!(
        String::from_utf8_lossy(&std::fs::read(out.join("index.html")).unwrap())
            .contains("Archive")
    );
    assert_eq!(rebuild_matches_fresh(&root, &out, &fresh), 0);
    std::fs::write(&config, yaml).unwrap();
    assert!(rebuild_matches_fresh(&root, &out, &fresh) > 0);
}

/// Source stamps: once article files have settled (changed more than two seconds before a
/// build), a build trusts their recorded digests without reading them; an edit that keeps the
/// length, and even the modification time, is still seen.
#[test]
fn settled_files_are_trusted_until_touched() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    let out = tmp.path().join("out");
    let fresh = tmp.path().join("fresh");
    gen_corpus(&root, 20, 3, true);
    build(&opts(&root, &out, false)).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(2100));
    // This build records the stamps of the now settled files…
    assert_eq!(rebuild_matches_fresh(&root, &out, &fresh), 0);
    assert!(root.join(".litopys/stamps").exists());
    let files = articles(&root);
    let art = &files[7];
    let text = std::fs::read_to_string(art).unwrap();
    let mtime = std::fs::metadata(art).unwrap().modified().unwrap();
    // …then one is rewritten with a word of the same length, its mtime set back.
    // A letter of the body changed for another of the same length in bytes.
    let body_at = text.find("\n---\n").unwrap() + 5;
    let pos = body_at + text[body_at..].find('а').unwrap();
    let edited = format!("{}о{}", &text[..pos], &text[pos + 'а'.len_utf8()..]);
    assert_ne!(edited, text);
    assert_eq!(edited.len(), text.len());
    std::fs::write(art, &edited).unwrap();
    std::fs::File::options()
        .write(true)
        .open(art)
        .unwrap()
        .set_modified(mtime)
        .unwrap();
    assert!(rebuild_matches_fresh(&root, &out, &fresh) > 0);
}

/// A first build into a new output folder reads each article once (the load) and makes the
/// build key and the stamps of the digests it took: the next build then finds nothing to do,
/// without loading the site (it would write the parse cache again). The same with one file
/// edited after the stamps were recorded, whose digest only the load knows.
#[test]
fn a_first_build_makes_its_key_from_what_the_load_read() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    let fresh = tmp.path().join("fresh");
    gen_corpus(&root, 20, 5, false);
    std::thread::sleep(std::time::Duration::from_millis(2100));
    let caches = ["parsed.cache", "parsed.bodies"].map(|f| root.join(".litopys").join(f));
    let first_then_nothing = |out: &Path| {
        let first = build(&opts(&root, out, false)).unwrap();
        assert_eq!(first.write.written, first.pages);
        assert!(root.join(".litopys/stamps").exists());
        for c in &caches {
            std::fs::remove_file(c).unwrap();
        }
        let again = build(&opts(&root, out, false)).unwrap();
        assert_eq!(
            (again.write.written, again.write.unchanged),
            (0, first.pages)
        );
        assert!(
            caches.iter().all(|c| !c.exists()),
            "the second build loaded the site"
        );
        let _ = std::fs::remove_dir_all(&fresh);
        build(&opts(&root, &fresh, true)).unwrap();
        assert_eq!(visible_tree(out), visible_tree(&fresh));
    };
    first_then_nothing(&tmp.path().join("out1"));
    let files = articles(&root);
    let text = std::fs::read_to_string(&files[3]).unwrap();
    std::fs::write(&files[3], format!("{text}\nДодане речення.\n")).unwrap();
    first_then_nothing(&tmp.path().join("out2"));
}

/// The render plan (`src/render/plan.rs`): after a body edit the previous build's plan keeps
/// the pages that do not read the edited body without building their contexts, and the
/// rebuild still equals a fresh build, also for the pages that carry the body elsewhere (the
/// site feed, a person's feed for an article without a summary). Any other edit, a damaged
/// plan or `--force` makes every key be computed again.
#[test]
fn body_edits_are_rebuilt_from_the_plan_and_equal_fresh_builds() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    let out = tmp.path().join("out");
    let fresh = tmp.path().join("fresh");
    gen_corpus(&root, 60, 11, false);
    let first = build(&opts(&root, &out, false)).unwrap();
    assert_eq!(first.planned, 0, "no previous plan");
    assert!(out.join(litopys::output::PLAN_FILE).is_file());

    let rebuild = |what: &str| {
        let r = build(&opts(&root, &out, false)).unwrap();
        let _ = std::fs::remove_dir_all(&fresh);
        build(&opts(&root, &fresh, true)).unwrap();
        assert!(
            visible_tree(&out) == visible_tree(&fresh),
            "{what}: the rebuild differs from a fresh build"
        );
        r
    };
    let files = articles(&root);
    // Names start with the date: the last is the newest, whose body is in the site feed.
    let newest = files.last().unwrap().clone();
    let edit_body = |file: &Path, n: usize| {
        let text = std::fs::read_to_string(file).unwrap();
        std::fs::write(file, format!("{text}\nДописане речення номер {n}.\n")).unwrap();
    };

    edit_body(&newest, 1);
    let r = rebuild("body of the newest article");
    assert!(
        r.planned > r.pages / 2 && r.planned < r.pages,
        "{} of {} pages kept by the plan",
        r.planned,
        r.pages
    );
    assert!((1..20).contains(&r.write.written), "{}", r.write.written);
    let feed = std::fs::read_to_string(out.join("atom.xml")).unwrap();
    assert!(
        feed.contains("Дописане речення номер 1"),
        "the feed misses the edit"
    );

    // An article without a summary: its body is in its people's feeds. Dropping the summary
    // changes the structure (the plan keeps only pages whose dependencies did not change);
    // editing its body then goes by the plan's bodies.
    let plain = files[files.len() / 2].clone();
    let text = std::fs::read_to_string(&plain).unwrap();
    let without: String = text
        .lines()
        .filter(|l| !l.starts_with("summary:"))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_ne!(without, text, "the generated article has a summary");
    std::fs::write(&plain, &without).unwrap();
    let r = rebuild("summary dropped");
    assert!(r.planned > 0 && r.planned < r.pages, "{}", r.planned);
    edit_body(&plain, 2);
    let r = rebuild("body of an article without a summary");
    assert!(r.planned > 0);
    let in_person_feed = visible_tree(&out).iter().any(|(p, b)| {
        p.starts_with("people/")
            && p.ends_with("atom.xml")
            && String::from_utf8_lossy(b).contains("Дописане речення номер 2")
    });
    assert!(in_person_feed, "no person's feed carries the edited body");

    // A damaged plan is not used.
    let plan = out.join(litopys::output::PLAN_FILE);
    let mut bytes = std::fs::read(&plan).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 1;
    std::fs::write(&plan, &bytes).unwrap();
    edit_body(&newest, 3);
    assert_eq!(rebuild("damaged plan").planned, 0);
    // Nor one after a template change, nor with --force.
    std::fs::create_dir_all(root.join("templates")).unwrap();
    std::fs::write(root.join("templates/style.css"), "body { color: #111 }\n").unwrap();
    edit_body(&newest, 4);
    assert_eq!(rebuild("style changed").planned, 0);
    edit_body(&newest, 5);
    let forced = build(&opts(&root, &out, true)).unwrap();
    assert_eq!(forced.planned, 0);
    edit_body(&newest, 6);
    assert!(rebuild("after --force").planned > 0);

    // A front-matter edit that keeps every URL (a new title under an explicit slug) is a
    // change of structure: the pages that show the title are made again, the others kept by
    // their dependency digests.
    let text = std::fs::read_to_string(&newest).unwrap();
    std::fs::write(
        &newest,
        text.replacen("title:", "slug: stalyi-slug\ntitle:", 1),
    )
    .unwrap();
    rebuild("slug given");
    let text = std::fs::read_to_string(&newest).unwrap();
    let title_line = text.lines().find(|l| l.starts_with("title:")).unwrap();
    std::fs::write(
        &newest,
        text.replacen(title_line, "title: Новий заголовок для перевірки", 1),
    )
    .unwrap();
    let r = rebuild("title edited under a fixed slug");
    assert!(r.planned > 0 && r.planned < r.pages, "{}", r.planned);
    assert!(r.write.written > 3, "{}", r.write.written);
}
