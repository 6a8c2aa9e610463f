//! The cache of articles' search terms (`.litopys/terms.cache`, `src/search/cache.rs`): the
//! files under `search/` are exactly those of a build without a cache, whether the cache is
//! cold, warm, partly stale, damaged or written by two builds at once.

use std::collections::BTreeMap;
use std::path::Path;

mod common;
use common::{articles, build_into, copy_site, gen_corpus, tree};

const CACHE: &str = ".litopys/terms.cache";

/// The `search/` files of a build of `root`'s content with no cache at all.
fn fresh_search(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let tmp = tempfile::tempdir().unwrap();
    let copy = tmp.path().join("site");
    copy_site(root, &copy);
    assert!(!copy.join(CACHE).exists());
    let out = tmp.path().join("out");
    build_into(&copy, &out);
    tree(&out.join("search"))
}

/// Rebuilds `root` into `out` (with its cache) and into an empty folder, and checks both give
/// the `search/` files of a build without a cache.
fn check(root: &Path, out: &Path, what: &str) {
    build_into(root, out);
    assert!(root.join(CACHE).exists(), "{what}: no cache written");
    let want = fresh_search(root);
    assert!(want.len() > 10, "{what}: {} files", want.len());
    let got = tree(&out.join("search"));
    assert!(
        got == want,
        "{what}: search files differ from a fresh build"
    );
    // A full build into an empty folder, through the (now warm) cache.
    let empty = out.with_extension("empty");
    let _ = std::fs::remove_dir_all(&empty);
    build_into(root, &empty);
    assert!(
        tree(&empty.join("search")) == want,
        "{what}: full build through the cache differs"
    );
    std::fs::remove_dir_all(&empty).unwrap();
}

#[test]
fn edits_rebuild_the_search_files_of_a_fresh_build() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    let out = tmp.path().join("out");
    gen_corpus(&root, 60, 5, false);
    check(&root, &out, "cold");
    let first_cache = std::fs::read(root.join(CACHE)).unwrap();
    check(&root, &out, "warm, nothing changed");

    let files = articles(&root);
    // (b) one body edited.
    let art = &files[20];
    let text = std::fs::read_to_string(art).unwrap();
    std::fs::write(
        art,
        format!("{text}\nДодане речення про **зміни** в тексті Буданова.\n"),
    )
    .unwrap();
    check(&root, &out, "body edited");

    // (c) an article gets a new person, and another a person named in other articles.
    let art = &files[30];
    let text = std::fs::read_to_string(art).unwrap();
    assert!(text.contains("people:\n"));
    std::fs::write(
        art,
        text.replacen("people:\n", "people:\n- Нова Особа\n", 1),
    )
    .unwrap();
    check(&root, &out, "new person");

    // (d) an article deleted, another added (a copy with another title).
    std::fs::remove_file(&files[40]).unwrap();
    let text = std::fs::read_to_string(&files[41]).unwrap();
    std::fs::write(
        root.join("content/articles/zz-copy.md"),
        text.replacen("title: ", "title: Копія ", 1),
    )
    .unwrap();
    check(&root, &out, "deleted and added");

    // A stale cache (from the first build: records of articles changed since, none of the
    // new ones) gives the same files.
    std::fs::write(root.join(CACHE), &first_cache).unwrap();
    let _ = std::fs::remove_dir_all(&out);
    check(&root, &out, "stale cache");
    let now = std::fs::read(root.join(CACHE)).unwrap();
    assert_ne!(now, first_cache);

    // Most articles deleted: the cache is rewritten without their records.
    for f in articles(&root).iter().skip(10) {
        std::fs::remove_file(f).unwrap();
    }
    check(&root, &out, "most deleted");
    let small = std::fs::metadata(root.join(CACHE)).unwrap().len();
    assert!(small * 3 < now.len() as u64, "{small} of {}", now.len());
}

#[test]
fn a_damaged_cache_is_ignored() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    gen_corpus(&root, 30, 5, false);
    build_into(&root, &tmp.path().join("first"));
    let want = fresh_search(&root);
    let path = root.join(CACHE);
    let good = std::fs::read(&path).unwrap();
    assert!(good.len() > 100);
    let mut damaged: Vec<(&str, Vec<u8>)> = vec![
        ("truncated", good[..good.len() / 2].to_vec()),
        ("torn at the end", good[..good.len() - 1].to_vec()),
        ("head only", good[..30].to_vec()),
        ("empty", Vec::new()),
        ("garbage", vec![0xff; 5000]),
    ];
    for at in [good.len() / 3, good.len() / 2, good.len() - 2] {
        let mut b = good.clone();
        b[at] ^= 0x55;
        damaged.push(("a byte changed", b));
    }
    for (n, (what, bytes)) in damaged.into_iter().enumerate() {
        std::fs::write(&path, &bytes).unwrap();
        let out = tmp.path().join(format!("out{n}"));
        build_into(&root, &out);
        assert!(
            tree(&out.join("search")) == want,
            "{what}: search files differ"
        );
        // Rewritten whole (as long as the first: the same records; the file's random id
        // differs), and usable again.
        assert_eq!(
            std::fs::metadata(&path).unwrap().len(),
            good.len() as u64,
            "{what}"
        );
    }
    // A directory where the cache would be: the build still succeeds.
    std::fs::remove_file(&path).unwrap();
    std::fs::create_dir_all(path.join("x")).unwrap();
    let out = tmp.path().join("out-dir");
    build_into(&root, &out);
    assert!(tree(&out.join("search")) == want);
}

#[test]
fn concurrent_builds_leave_a_usable_cache() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    gen_corpus(&root, 30, 5, false);
    let files = articles(&root);
    let text = std::fs::read_to_string(&files[3]).unwrap();
    std::fs::write(&files[3], format!("{text}\nЩе одне речення.\n")).unwrap();
    std::thread::scope(|s| {
        for k in 0..3 {
            let root = &root;
            let out = tmp.path().join(format!("out{k}"));
            s.spawn(move || build_into(root, &out));
        }
    });
    let want = fresh_search(&root);
    for k in 0..3 {
        assert!(tree(&tmp.path().join(format!("out{k}/search"))) == want);
    }
    // Whatever build wrote the cache last, a build through it is still right.
    let out = tmp.path().join("after");
    build_into(&root, &out);
    assert!(tree(&out.join("search")) == want);
    let leftovers: Vec<_> = std::fs::read_dir(root.join(".litopys"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n.to_string_lossy().contains("tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// Index files are kept by a key of what they are made of, recorded in the output folder's
/// manifest: a shard or document chunk changed or deleted on disk is written again, and a
/// manifest whose keys are damaged only makes the files be made and compared again.
#[test]
fn index_files_changed_on_disk_or_a_damaged_manifest_are_made_again() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    let out = tmp.path().join("out");
    gen_corpus(&root, 60, 5, false);
    build_into(&root, &out);
    let want = fresh_search(&root);
    let search = out.join("search");
    let mut shards: Vec<_> = std::fs::read_dir(search.join("t"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    shards.sort();
    assert!(shards.len() > 2);
    std::fs::write(&shards[0], "{}\n").unwrap();
    std::fs::remove_file(&shards[1]).unwrap();
    std::fs::write(search.join("d/0.json"), "[]\n").unwrap();
    build_into(&root, &out);
    assert!(tree(&search) == want, "changed index files were kept");
    // Every key in the manifest damaged: nothing is kept by key, every file made and compared.
    let manifest = out.join(".litopys-manifest");
    let text = std::fs::read_to_string(&manifest).unwrap();
    // One line per file: `file LEN SECS NANOS KEY PATH`; every key gets a prefix.
    let damaged: String = text
        .lines()
        .map(|l| {
            let f: Vec<&str> = l.splitn(6, ' ').collect();
            if f[0] == "file" && f[4] != "-" {
                format!("file {} {} {} 0{} {}\n", f[1], f[2], f[3], f[4], f[5])
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    assert_ne!(damaged, text);
    std::fs::write(&manifest, damaged).unwrap();
    std::fs::write(&shards[2], "{}\n").unwrap();
    build_into(&root, &out);
    assert!(tree(&search) == want, "a damaged manifest gave other files");
}
