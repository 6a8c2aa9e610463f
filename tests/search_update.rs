//! Updating the search index in place (`src/search/update.rs`): after a rebuild that indexes
//! only what changed, the files under `search/` are exactly those of a build from scratch, for
//! an edited body, a new person, an article added or removed (documents renumbered), and with
//! the state deleted, damaged or describing another output; and an edited article's old terms
//! are found again from the terms cache (shards it left as they were not even read).

use litopys::search::{FOUND_AGAIN, KEPT_UNREAD, UPDATED_IN_PLACE};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::Ordering;

mod common;
use common::{articles, build_into, copy_site, gen_corpus, tree};

const STATE: &str = ".litopys/search.state";

/// The `search/` files of a build of `root`'s content from scratch (no caches, empty output).
fn fresh_search(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let tmp = tempfile::tempdir().unwrap();
    let copy = tmp.path().join("site");
    copy_site(root, &copy);
    let out = tmp.path().join("out");
    build_into(&copy, &out);
    tree(&out.join("search"))
}

/// The tests of this file one at a time: they read the process-wide counters of updates.
fn serial() -> std::sync::MutexGuard<'static, ()> {
    static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());
    SERIAL
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Rebuilds `root` into `out` and checks the `search/` files are a fresh build's; returns
/// whether the index was updated in place. (The tests of this file run one at a time
/// ([`serial`]), so the process-wide counter is the running test's.)
fn rebuild(root: &Path, out: &Path, what: &str) -> bool {
    let before = UPDATED_IN_PLACE.load(Ordering::SeqCst);
    build_into(root, out);
    let updated = UPDATED_IN_PLACE.load(Ordering::SeqCst) > before;
    let want = fresh_search(root);
    assert!(want.len() > 10, "{what}: {} files", want.len());
    let got = tree(&out.join("search"));
    for (path, bytes) in &want {
        assert!(
            got.get(path) == Some(bytes),
            "{what} (updated in place: {updated}): {path} differs from a fresh build"
        );
    }
    assert_eq!(got.len(), want.len(), "{what}: other files");
    updated
}

#[test]
fn rebuilds_update_the_index_in_place_as_a_fresh_build() {
    let _serial = serial();
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    let out = tmp.path().join("out");
    // Enough articles for shards of two and three letters, and nodes that split.
    gen_corpus(&root, 400, 11, false);
    assert!(!rebuild(&root, &out, "cold"));
    assert!(root.join(STATE).exists());
    let files = articles(&root);

    // (b) one body edited: words the site has and words it has not (new shards).
    let art = &files[200];
    let original = std::fs::read_to_string(art).unwrap();
    std::fs::write(
        art,
        format!("{original}\nДодане речення про **зміни** в тексті Буданова, ґрунт і щавель.\n"),
    )
    .unwrap();
    let (found, unread) = (found_again(), kept_unread());
    assert!(rebuild(&root, &out, "body edited"));
    // The edited article's old terms were found again from the terms cache, and the shards
    // whose postings of it did not change were kept without being read.
    assert_eq!(found_again(), found + 1);
    assert!(
        kept_unread() > unread + 5,
        "{} kept unread",
        kept_unread() - unread
    );

    // (c) a new person (a person document inserted: the people after it renumbered).
    let text = std::fs::read_to_string(art).unwrap();
    assert!(text.contains("people:\n"));
    std::fs::write(
        art,
        text.replacen("people:\n", "people:\n- Нова Особа Тест\n", 1),
    )
    .unwrap();
    assert!(rebuild(&root, &out, "new person"));

    // Back as it was: the new shards are gone again.
    std::fs::write(art, &original).unwrap();
    assert!(rebuild(&root, &out, "restored"));

    // The newest article removed, then added back, as a newsroom adds an article: articles
    // are documents oldest first, so only the people after it move.
    let newest = files[files.len() - 1].clone();
    let text = std::fs::read_to_string(&newest).unwrap();
    std::fs::remove_file(&newest).unwrap();
    assert!(rebuild(&root, &out, "newest removed"));
    std::fs::write(&newest, &text).unwrap();
    assert!(rebuild(&root, &out, "newest added back"));
    // Edited again: what the update recorded of it (its terms cached by the cold build) finds
    // its terms again.
    let found = found_again();
    std::fs::write(&newest, format!("{text}\nДодане речення про Київ.\n")).unwrap();
    assert!(rebuild(&root, &out, "newest edited"));
    assert_eq!(found_again(), found + 1);

    // Two bodies edited and a title changed at once.
    for (i, f) in [(0, &files[10]), (1, &files[300])] {
        let t = std::fs::read_to_string(f).unwrap();
        std::fs::write(f, format!("{t}\nЩе {i} речення про Львів і Харків.\n")).unwrap();
    }
    let t = std::fs::read_to_string(&files[250]).unwrap();
    std::fs::write(
        &files[250],
        t.replacen("title: ", "title: Новий заголовок ", 1),
    )
    .unwrap();
    assert!(rebuild(&root, &out, "three edited"));

    // A new article in the middle renumbers half the documents: made whole, still the same.
    let t = std::fs::read_to_string(&files[150]).unwrap();
    std::fs::write(
        root.join("content/articles/zz-copy.md"),
        t.replacen("title: ", "title: Копія ", 1),
    )
    .unwrap();
    rebuild(&root, &out, "article added in the middle");
    std::fs::remove_file(&files[120]).unwrap();
    rebuild(&root, &out, "article removed in the middle");

    // No state, a damaged one, one of another output: made whole, and the state is back.
    std::fs::remove_file(root.join(STATE)).unwrap();
    std::fs::write(
        &files[30],
        format!("{}\nі ще\n", std::fs::read_to_string(&files[30]).unwrap()),
    )
    .unwrap();
    assert!(!rebuild(&root, &out, "no state"));
    assert!(root.join(STATE).exists());
    let state = std::fs::read(root.join(STATE)).unwrap();
    let mut bad = state.clone();
    let at = bad.len() / 2;
    bad[at] ^= 1;
    std::fs::write(root.join(STATE), &bad).unwrap();
    std::fs::write(
        &files[30],
        format!(
            "{}\nі ще раз\n",
            std::fs::read_to_string(&files[30]).unwrap()
        ),
    )
    .unwrap();
    assert!(!rebuild(&root, &out, "damaged state"));
    let other = tmp.path().join("other");
    std::fs::write(
        &files[31],
        format!("{}\nзнову\n", std::fs::read_to_string(&files[31]).unwrap()),
    )
    .unwrap();
    assert!(!rebuild(&root, &other, "another output folder"));
    // The first output's previous index is not the one the state describes now.
    assert!(!rebuild(&root, &out, "back to the first output"));

    // A shard changed on disk: not read back as the previous build's (made whole, or kept
    // out of the update), and the files are a fresh build's.
    let mut shards: Vec<_> = std::fs::read_dir(out.join("search/t"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    shards.sort();
    for s in &shards {
        let b = std::fs::read(s).unwrap();
        std::fs::write(s, b.replacen_bytes()).unwrap();
    }
    std::fs::write(
        &files[40],
        format!("{}\nзміна\n", std::fs::read_to_string(&files[40]).unwrap()),
    )
    .unwrap();
    rebuild(&root, &out, "shards changed on disk");
}

/// An article edited again and again, each edit rebuilt in place: each time its old terms
/// (the previous edit's, which that rebuild appended to the terms cache) are found again and
/// the shards they left as they were are not read; the index is a fresh build's after each
/// edit; and the cache, with the records of the versions edited away, stays within bounds
/// (rewritten with the records in use before they are a quarter of it) and gives a full build
/// through it the same files.
#[test]
fn consecutive_edits_of_one_article_find_its_terms_again() {
    let _serial = serial();
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    let out = tmp.path().join("out");
    gen_corpus(&root, 48, 7, false);
    assert!(!rebuild(&root, &out, "cold"));
    let art = articles(&root)[24].clone();
    let cache = root.join(".litopys/terms.cache");
    let len = |p: &Path| std::fs::metadata(p).unwrap().len();
    // The size of the cache a cold build of the site as it is now writes.
    let cold_len = || {
        let t = tempfile::tempdir().unwrap();
        let copy = t.path().join("site");
        copy_site(&root, &copy);
        build_into(&copy, &t.path().join("out"));
        len(&copy.join(".litopys/terms.cache"))
    };
    let (mut grew, mut shrank) = (0, 0);
    for k in 0..32 {
        let text = std::fs::read_to_string(&art).unwrap();
        let line = match k % 3 {
            0 => format!("Ще речення {k} про **зміни** в тексті."),
            1 => format!("Нове слово щавельник{k} і ґрунтознавство."),
            _ => format!("Речення про Київ, Львів і Харків, {k}."),
        };
        std::fs::write(&art, format!("{text}\n{line}\n")).unwrap();
        let before = len(&cache);
        let (found, unread) = (found_again(), kept_unread());
        assert!(rebuild(&root, &out, &format!("edit {k}")));
        assert_eq!(
            found_again(),
            found + 1,
            "edit {k}: old terms not found again"
        );
        assert!(kept_unread() > unread, "edit {k}: every shard read");
        let after = len(&cache);
        if after > before {
            grew += 1;
        } else if after < before {
            shrank += 1;
        }
        if k % 4 == 3 {
            let cold = cold_len();
            assert!(
                after * 2 <= cold * 3,
                "edit {k}: cache of {after} bytes, {cold} cold"
            );
        }
    }
    assert!(grew > 20 && shrank > 0, "{grew} appends, {shrank} rewrites");
    // The cache deleted: the next update writes one with the article's terms, which the edit
    // after it finds again.
    std::fs::remove_file(&cache).unwrap();
    for k in 0..2 {
        let text = std::fs::read_to_string(&art).unwrap();
        std::fs::write(&art, format!("{text}\nБез кешу, крок {k}.\n")).unwrap();
        let found = found_again();
        assert!(rebuild(&root, &out, &format!("no cache, edit {k}")));
        assert_eq!(found_again(), found + k, "no cache, edit {k}");
        assert!(cache.exists(), "no cache, edit {k}: none written");
    }
    // A full build through the cache (into an empty folder) gives a fresh build's files.
    let empty = tmp.path().join("empty");
    build_into(&root, &empty);
    assert!(tree(&empty.join("search")) == fresh_search(&root));
}

fn found_again() -> usize {
    FOUND_AGAIN.load(Ordering::SeqCst)
}

fn kept_unread() -> usize {
    KEPT_UNREAD.load(Ordering::SeqCst)
}

/// Replaces the first digit of a shard with another (the same length, other postings).
trait Tamper {
    fn replacen_bytes(&self) -> Vec<u8>;
}

impl Tamper for Vec<u8> {
    fn replacen_bytes(&self) -> Vec<u8> {
        let mut b = self.clone();
        if let Some(i) = b.iter().position(|c| c.is_ascii_digit()) {
            b[i] = if b[i] == b'1' { b'2' } else { b'1' };
        }
        b
    }
}
