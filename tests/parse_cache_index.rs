//! The cache of parsed articles as two files (`site::cache`): an index read whole at open and
//! a bodies file read lazily. What a build gets from the cache must be what parsing the sources
//! gives, whatever happened to the pair: generations mixed, the bodies file cut short or an
//! index record pointing past it, an append stopped between bodies and records, a rewrite while
//! another build still reads the old files.

use litopys::site::cache::{digest, Cache, Taken, BODIES_FILE, CACHE_FILE};
use std::path::{Path, PathBuf};

mod common;
use common::{articles, build_into, copy_site, gen_corpus, visible_tree};

const SEED: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/seeds/000_d450a8c0e07fb2e9.txt"
);
const NER: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/data/ner-uk/train.jsonl"
);

/// A site of generated articles, the seed article and a few NER-UK texts (ingested by the first
/// build), built once into `out` so that its cache exists.
fn site(dir: &Path) -> (PathBuf, PathBuf) {
    let root = dir.join("site");
    let out = dir.join("out");
    gen_corpus(&root, 40, 17, false);
    let raw = root.join("content/raw/news");
    std::fs::create_dir_all(&raw).unwrap();
    if let Ok(seed) = std::fs::read_to_string(SEED) {
        std::fs::write(raw.join("2026-01-07-seed.txt"), seed).unwrap();
    }
    if let Ok(ner) = std::fs::read_to_string(NER) {
        let texts = ner
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .filter_map(|v| v["text"].as_str().map(str::to_owned))
            .filter(|t| t.len() > 600)
            .take(6);
        for (i, t) in texts.enumerate() {
            std::fs::write(raw.join(format!("2026-02-0{}-ner.txt", i + 1)), t).unwrap();
        }
    }
    build_into(&root, &out);
    (root, out)
}

/// How many articles the cache of `root` gives, each checked against parsing its source:
/// front matter and body HTML (read from the cache) identical.
fn cached_matching_sources(root: &Path) -> usize {
    let mut cache = Cache::open(root, false);
    let mut n = 0;
    for path in articles(root) {
        let text = std::fs::read_to_string(&path).unwrap();
        let Some(c) = cache
            .take(&digest(text.as_bytes(), false), &path, false)
            .and_then(Taken::decode)
        else {
            continue;
        };
        let (fm, body) = litopys::content::parse(&text).unwrap();
        assert_eq!(c.fm, fm, "{}", path.display());
        let html = litopys::content::markdown_to_html(&body, false);
        // The source changed while the body is read: the text must come from the cache itself,
        // not from parsing the source again (which refuses a changed source).
        std::fs::write(&path, format!("{text}\n")).unwrap();
        let got = c.body.html();
        std::fs::write(&path, &text).unwrap();
        assert_eq!(got.unwrap(), html, "{}", path.display());
        n += 1;
    }
    n
}

/// Rebuilds `root` into `out` and checks the output equals a fresh build of a copy without
/// caches.
fn rebuild_is_right(root: &Path, out: &Path, scratch: &Path) {
    build_into(root, out);
    let copy = scratch.join("copy");
    let fresh = scratch.join("fresh");
    let _ = std::fs::remove_dir_all(&copy);
    let _ = std::fs::remove_dir_all(&fresh);
    copy_site(root, &copy);
    build_into(&copy, &fresh);
    assert_eq!(visible_tree(out), visible_tree(&fresh));
}

/// Appends a sentence to the body of the `i`th article.
fn edit(root: &Path, i: usize, words: &str) {
    let a = &articles(root)[i];
    let text = std::fs::read_to_string(a).unwrap();
    std::fs::write(a, format!("{text}\nРечення про **{words}** у тексті.\n")).unwrap();
}

/// The header both files begin with (magic line, fingerprint, generation).
fn header_len(root: &Path) -> usize {
    let index = std::fs::read(root.join(CACHE_FILE)).unwrap();
    index.iter().position(|&b| b == b'\n').unwrap() + 1 + 32
}

#[test]
fn the_index_gives_what_parsing_gives_before_and_after_appends() {
    let tmp = tempfile::tempdir().unwrap();
    let (root, out) = site(tmp.path());
    let n = articles(&root).len();
    assert!(n >= 45, "{n}");
    assert!(root.join(BODIES_FILE).exists());
    assert_eq!(cached_matching_sources(&root), n);
    // Appends (one body edited, then another's front matter): every record still right.
    let before = std::fs::read(root.join(CACHE_FILE)).unwrap();
    edit(&root, 3, "зміни");
    rebuild_is_right(&root, &out, tmp.path());
    let a = &articles(&root)[20];
    let text = std::fs::read_to_string(a).unwrap();
    std::fs::write(a, text.replacen("people:\n", "people:\n- Нова Особа\n", 1)).unwrap();
    rebuild_is_right(&root, &out, tmp.path());
    let after = std::fs::read(root.join(CACHE_FILE)).unwrap();
    assert!(
        after.len() > before.len() && after.starts_with(&before),
        "appended, not rewritten"
    );
    assert_eq!(cached_matching_sources(&root), n);
}

#[test]
fn an_index_is_not_used_with_bodies_of_another_generation() {
    let tmp = tempfile::tempdir().unwrap();
    let (root, out) = site(tmp.path());
    let n = articles(&root).len();
    let old_index = std::fs::read(root.join(CACHE_FILE)).unwrap();
    // A new generation whose bodies sit at other offsets (an early body is longer).
    edit(&root, 1, "довше довше довше");
    std::fs::remove_file(root.join(CACHE_FILE)).unwrap();
    build_into(&root, &out);
    let new_index = std::fs::read(root.join(CACHE_FILE)).unwrap();
    let h = header_len(&root);
    assert_ne!(
        old_index[..h],
        new_index[..h],
        "a rewrite draws a new generation"
    );
    assert_eq!(cached_matching_sources(&root), n);
    // The old index beside the new bodies: nothing taken from the cache, the build still right.
    std::fs::write(root.join(CACHE_FILE), &old_index).unwrap();
    assert_eq!(cached_matching_sources(&root), 0);
    // (An edit, so that the build loads the articles: with no input changed it has nothing to
    // do.)
    edit(&root, 5, "ще");
    rebuild_is_right(&root, &out, tmp.path());
    // …and the pair was rewritten, usable again.
    assert_eq!(cached_matching_sources(&root), n);
}

#[test]
fn bodies_cut_short_or_pointed_past_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let (root, out) = site(tmp.path());
    let n = articles(&root).len();
    let bodies = root.join(BODIES_FILE);
    let len = std::fs::metadata(&bodies).unwrap().len();
    // Cut short: the records past the end are refused (here the whole cache), the build right.
    let f = std::fs::OpenOptions::new()
        .write(true)
        .open(&bodies)
        .unwrap();
    f.set_len(len / 2).unwrap();
    drop(f);
    assert_eq!(cached_matching_sources(&root), 0);
    edit(&root, 5, "ще");
    rebuild_is_right(&root, &out, tmp.path());
    assert_eq!(cached_matching_sources(&root), n);
    // The last record pointing one byte past the end of the bodies.
    let index_path = root.join(CACHE_FILE);
    let mut index = std::fs::read(&index_path).unwrap();
    let len = std::fs::metadata(&bodies).unwrap().len();
    let at = index.len() - 12;
    let body_len = u32::from_le_bytes(index[at + 8..].try_into().unwrap()) as u64;
    index[at..at + 8].copy_from_slice(&(len - body_len + 1).to_le_bytes());
    std::fs::write(&index_path, &index).unwrap();
    assert_eq!(cached_matching_sources(&root), 0);
    edit(&root, 6, "ще");
    rebuild_is_right(&root, &out, tmp.path());
    // Bodies cut short after a build opened the cache: every body is parsed from its source
    // again, never read wrong.
    let mut cache = Cache::open(&root, false);
    let taken: Vec<_> = articles(&root)
        .into_iter()
        .filter_map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            let c = cache.take(&digest(text.as_bytes(), false), &p, false)?;
            Some((text, c.decode().unwrap()))
        })
        .collect();
    assert_eq!(taken.len(), n);
    let f = std::fs::OpenOptions::new()
        .write(true)
        .open(&bodies)
        .unwrap();
    f.set_len(len / 3).unwrap();
    drop(f);
    for (text, c) in taken {
        let (_, body) = litopys::content::parse(&text).unwrap();
        let html = litopys::content::markdown_to_html(&body, false);
        assert_eq!(c.body.html().unwrap(), html);
    }
}

#[test]
fn an_append_stopped_after_its_bodies_leaves_a_usable_cache() {
    let tmp = tempfile::tempdir().unwrap();
    let (root, out) = site(tmp.path());
    let n = articles(&root).len();
    let index_before = std::fs::read(root.join(CACHE_FILE)).unwrap();
    // Bodies written, their records not: bytes no record points to at the end of the bodies.
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(root.join(BODIES_FILE))
        .unwrap();
    std::io::Write::write_all(&mut f, "<p>Осиротілий текст без запису.</p>\n".as_bytes()).unwrap();
    drop(f);
    assert_eq!(cached_matching_sources(&root), n);
    // The next build appends after them and the cache stays the same pair.
    edit(&root, 7, "далі");
    rebuild_is_right(&root, &out, tmp.path());
    let index = std::fs::read(root.join(CACHE_FILE)).unwrap();
    assert!(index.len() > index_before.len() && index.starts_with(&index_before));
    assert_eq!(cached_matching_sources(&root), n);
}

#[test]
fn a_rewrite_keeps_an_open_cache_readable() {
    let tmp = tempfile::tempdir().unwrap();
    let (root, out) = site(tmp.path());
    let n = articles(&root).len();
    // A build that opened the cache and took every record, its bodies not read yet.
    let mut cache = Cache::open(&root, false);
    let mut taken = Vec::new();
    for p in articles(&root) {
        let text = std::fs::read_to_string(&p).unwrap();
        let (_, body) = litopys::content::parse(&text).unwrap();
        let c = cache.take(&digest(text.as_bytes(), false), &p, false);
        taken.push((
            p,
            litopys::content::markdown_to_html(&body, false),
            c.unwrap(),
        ));
    }
    // Another build rewrites the pair (its index gone; the first article's body longer).
    std::fs::remove_file(root.join(CACHE_FILE)).unwrap();
    edit(&root, 0, "переписано");
    build_into(&root, &out);
    assert_eq!(cached_matching_sources(&root), n);
    // Every source changed now, so no body can come from parsing again: the first build reads
    // them from the files it opened.
    for (p, _, _) in &taken {
        let text = std::fs::read_to_string(p).unwrap();
        std::fs::write(p, format!("{text}\nІнше.\n")).unwrap();
    }
    for (_, html, t) in taken {
        assert_eq!(t.decode().unwrap().body.html().unwrap(), html);
    }
}

/// A build without a usable cache writes it while parsing, a run of 2,048 articles at a time
/// (`site::WRITTEN_RUN`), each run written while the next is parsed. On a site of three runs,
/// an article that does not parse in the middle run fails the build, naming it, and the others
/// are cached all the same; once it is fixed, every article comes from the cache as parsing
/// gives it.
#[test]
fn a_first_build_of_several_runs_caches_every_article() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    let out = tmp.path().join("out");
    gen_corpus(&root, 2 * 2048 + 40, 23, false);
    let files = articles(&root);
    let n = files.len();
    assert!(n > 2 * 2048, "{n}");
    let broken = &files[3000];
    let text = std::fs::read_to_string(broken).unwrap();
    std::fs::write(broken, text.replacen("title:", "title: [не закрито", 1)).unwrap();
    let e = litopys::build::build(&common::opts(&root, &out, false))
        .expect_err("an article that does not parse fails the build")
        .to_string();
    let name = broken.file_name().unwrap().to_string_lossy();
    assert!(e.contains(&*name), "{e}");
    assert!(!out.exists());
    assert_eq!(cached_matching_sources(&root), n - 1);
    std::fs::write(broken, &text).unwrap();
    build_into(&root, &out);
    assert_eq!(cached_matching_sources(&root), n);
}
