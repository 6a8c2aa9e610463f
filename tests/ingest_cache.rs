//! The cache of prepared raw texts (`.litopys/ingest.cache`): after every kind of change that
//! can alter what ingest writes (a raw file's text, its modification time, the registry, the
//! boilerplate setting, a damaged cache), ingest with the cache writes exactly what a first
//! ingest of the same site without it writes; and the cache is really what a second ingest uses.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, SystemTime};

/// 2026-02-01T10:00:00Z
const FEB_2026: u64 = 1_769_940_000;
const CACHE: &str = ".litopys/ingest.cache";

fn litopys(root: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_litopys"))
        .arg("--root")
        .arg(root)
        .args(args)
        .output()
        .expect("run litopys")
}

fn ingest(root: &Path) {
    let out = litopys(root, &["ingest"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn set_mtime(path: &Path, secs: u64) {
    fs::File::options()
        .write(true)
        .open(path)
        .unwrap()
        .set_modified(SystemTime::UNIX_EPOCH + Duration::from_secs(secs))
        .unwrap();
}

/// Copies the files under `from` (keeping modification times) into `to`.
fn copy_tree(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from) {
        let e = e.unwrap();
        let target = to.join(e.path().strip_prefix(from).unwrap());
        if e.file_type().is_dir() {
            fs::create_dir_all(&target).unwrap();
        } else {
            fs::copy(e.path(), &target).unwrap();
            let t = fs::metadata(e.path()).unwrap().modified().unwrap();
            fs::File::options()
                .write(true)
                .open(&target)
                .unwrap()
                .set_modified(t)
                .unwrap();
        }
    }
}

/// Every Markdown file ingest wrote: (name, text), sorted.
fn articles(root: &Path) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = fs::read_dir(root.join("content/articles"))
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, fs::read_to_string(&p).unwrap())
        })
        .collect();
    out.sort();
    out
}

/// The repository's raw texts, no reference date (dates without a year resolve against each
/// file's modification time), all files dated 2026-02-01.
fn sample_site() -> tempfile::TempDir {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let site = tempfile::tempdir().unwrap();
    copy_tree(&repo.join("content/raw"), &site.path().join("content/raw"));
    for e in walkdir::WalkDir::new(site.path().join("content/raw")) {
        let e = e.unwrap();
        if e.file_type().is_file() {
            set_mtime(e.path(), FEB_2026);
        }
    }
    fs::write(site.path().join("litopys.yaml"), "title: Тест\n").unwrap();
    site
}

/// What a first ingest, without any cache or earlier output, writes for the raw texts,
/// settings and registry `site` has now.
fn fresh_ingest(site: &Path) -> Vec<(String, String)> {
    let fresh = tempfile::tempdir().unwrap();
    copy_tree(&site.join("content/raw"), &fresh.path().join("content/raw"));
    fs::copy(site.join("litopys.yaml"), fresh.path().join("litopys.yaml")).unwrap();
    let registry = site.join("content/people.yaml");
    if registry.exists() {
        fs::copy(&registry, fresh.path().join("content/people.yaml")).unwrap();
    }
    ingest(fresh.path());
    assert!(fresh.path().join(CACHE).exists());
    articles(fresh.path())
}

fn seed(site: &Path) -> PathBuf {
    site.join("content/raw/seed/000_d450a8c0e07fb2e9.txt")
}

/// Ingests `site` and checks that every file a fresh ingest writes is there with the same
/// text (ingest never deletes Markdown, so a file renamed by a new date stays too); gives the
/// fresh ingest's files.
fn assert_same_as_fresh(site: &Path, what: &str) -> Vec<(String, String)> {
    ingest(site);
    let got: std::collections::BTreeMap<String, String> = articles(site).into_iter().collect();
    let want = fresh_ingest(site);
    for (name, text) in &want {
        let g = got.get(name);
        assert!(g.is_some(), "{what}: {name} missing");
        assert!(
            g == Some(text),
            "{what}: {name} differs from a fresh ingest"
        );
    }
    want
}

#[test]
fn cached_ingest_writes_what_a_fresh_one_writes() {
    let site = sample_site();
    let root = site.path();
    let first = assert_same_as_fresh(root, "first ingest");
    assert!(first.len() >= 41, "{}", first.len());
    let seed_md = |all: &[(String, String)]| {
        all.iter()
            .find(|(n, _)| n.ends_with("d450a8c0e07fb2e9.md"))
            .map(|(_, t)| t.clone())
            .unwrap()
    };
    assert!(seed_md(&first).contains("- Кирило Буданов"));

    // A raw text edited: a new sentence with a new person.
    let mut text = fs::read_to_string(seed(root)).unwrap();
    text.push_str("\n\nЗаяву також прокоментував посол Остап Величко.\n");
    fs::write(seed(root), &text).unwrap();
    set_mtime(&seed(root), FEB_2026);
    let edited = assert_same_as_fresh(root, "raw text edited");
    assert!(
        seed_md(&edited).contains("- Остап Величко"),
        "{}",
        seed_md(&edited)
    );

    // Its modification time moved a year on: «7 січня» now resolves to 2027.
    set_mtime(&seed(root), FEB_2026 + 365 * 86_400);
    let moved = assert_same_as_fresh(root, "modification time changed");
    assert!(
        moved.iter().any(|(n, _)| n.starts_with("2027-01-07")),
        "{moved:?}"
    );

    // The registry: a person ignored.
    fs::write(
        root.join("content/people.yaml"),
        "ignore: [Кирило Буданов]\n",
    )
    .unwrap();
    let ignored = assert_same_as_fresh(root, "registry changed");
    assert!(!seed_md(&ignored).contains("- Кирило Буданов"));

    // The boilerplate setting: the sentence added above is now boilerplate.
    fs::write(
        root.join("litopys.yaml"),
        "title: Тест\nboilerplate: [\"Заяву також прокоментував*\"]\n",
    )
    .unwrap();
    let cleaned = assert_same_as_fresh(root, "boilerplate changed");
    assert!(!seed_md(&cleaned).contains("Величко"));

    // A damaged cache: cut short, then garbage in place of a record.
    let cache = root.join(CACHE);
    let bytes = fs::read(&cache).unwrap();
    fs::write(&cache, &bytes[..bytes.len() / 2]).unwrap();
    assert_same_as_fresh(root, "cache cut short");
    let mut bytes = fs::read(&cache).unwrap();
    let mid = bytes.len() / 2;
    for b in &mut bytes[mid..mid + 64] {
        *b = b'#';
    }
    fs::write(&cache, &bytes).unwrap();
    assert_same_as_fresh(root, "cache overwritten with garbage");
}

/// The second ingest takes the prepared article from the cache: a title changed inside the
/// cached record (same length) shows in the Markdown although the raw text did not change.
#[test]
fn an_unchanged_raw_text_is_taken_from_the_cache() {
    let site = sample_site();
    let root = site.path();
    ingest(root);
    let before = articles(root);
    let cache = root.join(CACHE);
    let bytes = fs::read(&cache).unwrap();
    let needle = "\"title\":\"Представники".as_bytes();
    let at = bytes
        .windows(needle.len())
        .position(|w| w == needle)
        .expect("the seed's title is in the cache");
    let mut changed = bytes.clone();
    // «Представники» → «Представницт»: same length in bytes.
    let from = "Представники".as_bytes();
    let to = "Представницт".as_bytes();
    assert_eq!(from.len(), to.len());
    let start = at + "\"title\":\"".len();
    changed[start..start + to.len()].copy_from_slice(to);
    // The record's checksum (16 bytes before its payload, which is the length of the front
    // matter's JSON and that JSON, starting with `{"title":`) made to match again.
    assert_eq!(
        bytes[at - 1],
        b'{',
        "the front matter's JSON starts with its title"
    );
    let payload_at = at - 1 - 4;
    let len =
        u32::from_le_bytes(bytes[payload_at - 20..payload_at - 16].try_into().unwrap()) as usize;
    let sum = litopys::hash::digest(&changed[payload_at..payload_at + len]);
    changed[payload_at - 16..payload_at].copy_from_slice(&sum);
    fs::write(&cache, &changed).unwrap();
    ingest(root);
    let after = articles(root);
    let diff: Vec<_> = before
        .iter()
        .zip(&after)
        .filter(|(b, a)| b != a)
        .map(|(_, a)| a)
        .collect();
    assert_eq!(diff.len(), 1, "only the seed's article changes");
    assert!(diff[0].1.contains("Представницт"), "{}", diff[0].1);
    // Deleting the cache brings the real title back.
    fs::remove_file(&cache).unwrap();
    ingest(root);
    assert_eq!(articles(root), before);
}
