//! Broken raw input through the `litopys` binary: every bad file is reported with its name
//! and skipped, the others are ingested, nothing panics, no half-written Markdown is left.

use std::path::Path;
use std::process::Command;

fn litopys(root: &Path, args: &[&str]) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_litopys"))
        .arg("--root")
        .arg(root)
        .args(args)
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!text.contains("panicked"), "{text}");
    (out.status.success(), text)
}

const UK: &str = "Переговори у Парижі\n\nПредставники України та Сполучених Штатів провели новий раунд переговорів у столиці Франції, повідомив Кирило Буданов. Їжак з'їв ґудзик.\n";

fn md_files(root: &Path) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = std::fs::read_dir(root.join("content/articles"))
        .map(|rd| {
            rd.map(|e| {
                let e = e.unwrap();
                (
                    e.file_name().to_string_lossy().into_owned(),
                    std::fs::read_to_string(e.path()).unwrap(),
                )
            })
            .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

#[test]
fn every_encoding_ingests_to_the_same_markdown_and_bad_files_are_named() {
    use litopys::ingest::decode::encoding::{KOI8_U, WINDOWS_1251, WINDOWS_1252};
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(root.join("litopys.yaml"), "reference_date: 2026-01-07\n").unwrap();
    let raw = root.join("content/raw");
    std::fs::create_dir_all(&raw).unwrap();
    let mut utf16le = vec![0xFF, 0xFE];
    let mut utf16be = vec![0xFE, 0xFF];
    for u in UK.encode_utf16() {
        utf16le.extend_from_slice(&u.to_le_bytes());
        utf16be.extend_from_slice(&u.to_be_bytes());
    }
    let mut bom = vec![0xEF, 0xBB, 0xBF];
    bom.extend_from_slice(UK.as_bytes());
    let good: Vec<(&str, Vec<u8>)> = vec![
        ("a-utf8", UK.as_bytes().to_vec()),
        ("b-utf8-bom", bom),
        ("c-utf16le", utf16le),
        ("d-utf16be", utf16be),
        ("e-cp1251", WINDOWS_1251.encode(UK).0.into_owned()),
        ("f-koi8u", KOI8_U.encode(UK).0.into_owned()),
        ("g-crlf", UK.replace('\n', "\r\n").into_bytes()),
        ("h-cr", UK.replace('\n', "\r").into_bytes()),
        (
            "i-mojibake-1252",
            WINDOWS_1252
                .decode_without_bom_handling(UK.as_bytes())
                .0
                .into_owned()
                .into_bytes(),
        ),
        (
            "j-mojibake-1251",
            WINDOWS_1251
                .decode_without_bom_handling(UK.as_bytes())
                .0
                .into_owned()
                .into_bytes(),
        ),
        (
            "k-lookalikes-zero-width",
            UK.replace("Кирило", "Kиpилo")
                .replace("Парижі", "Па\u{200b}рижі")
                .into_bytes(),
        ),
    ];
    for (name, bytes) in &good {
        std::fs::write(raw.join(format!("{name}.txt")), bytes).unwrap();
    }
    let lossy_mojibake: String = WINDOWS_1252
        .decode_without_bom_handling(
            "АННА АНДРІЄНКО НАПИСАЛА НАМ НА АДРЕСУ НАШОГО АГЕНТСТВА".as_bytes(),
        )
        .0
        .chars()
        .filter(|c| !c.is_control())
        .collect();
    let bad: Vec<(&str, Vec<u8>, &str)> = vec![
        ("x-empty", vec![], "empty"),
        ("x-space", b" \n\t\r\n  \n".to_vec(), "whitespace"),
        (
            "x-binary",
            b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0".to_vec(),
            "binary",
        ),
        (
            "x-bad-utf16",
            vec![0xFF, 0xFE, 0x00, 0xD8, 0x41],
            "byte-order mark",
        ),
        ("x-mojibake", lossy_mojibake.into_bytes(), "mojibake"),
        (
            "x-only-punct",
            "* * *\n— — —\n\u{200b}\n".as_bytes().to_vec(),
            "no text left",
        ),
    ];
    for (name, bytes, _) in &bad {
        std::fs::write(raw.join(format!("{name}.txt")), bytes).unwrap();
    }
    let (ok, out) = litopys(root, &["ingest"]);
    assert!(!ok, "bad files must make ingest fail: {out}");
    for (name, _, why) in &bad {
        let line = out
            .lines()
            .find(|l| l.contains(&format!("{name}.txt")))
            .unwrap_or_else(|| panic!("{name} not reported: {out}"));
        assert!(line.contains(why), "{name}: {line}");
    }
    let files = md_files(root);
    assert_eq!(files.len(), good.len(), "{files:#?}\n{out}");
    // Every good file gives the same Markdown but for its source lines.
    let strip = |s: &str| {
        s.lines()
            .filter(|l| !l.starts_with("source"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let first = strip(&files[0].1);
    assert!(first.contains("Кирило Буданов"), "{first}");
    for (name, text) in &files {
        assert_eq!(strip(text), first, "{name}");
        assert!(!name.starts_with('.'), "temporary file left: {name}");
    }
    // No temporary files are left next to them.
    for e in std::fs::read_dir(root.join("content/articles")).unwrap() {
        let n = e.unwrap().file_name().to_string_lossy().into_owned();
        assert!(!n.ends_with(".tmp"), "{n}");
    }
    // check agrees and writes nothing.
    let (ok, out) = litopys(root, &["check"]);
    assert!(!ok && out.contains("x-binary.txt"), "{out}");
}

#[test]
fn enormous_and_one_line_files_are_quick() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(root.join("litopys.yaml"), "reference_date: 2026-01-07\n").unwrap();
    let raw = root.join("content/raw");
    std::fs::create_dir_all(&raw).unwrap();
    // 50 MiB: a sparse file (no disk space, no time to write) over the default limit.
    let big = std::fs::File::create(raw.join("huge.txt")).unwrap();
    big.set_len(50 * 1024 * 1024).unwrap();
    drop(big);
    // One giant line of 2 MB of text, no line break at all.
    let sentence = "Представники України провели переговори з Кирилом Будановим у Парижі ";
    let line: String = sentence.repeat(2_000_000 / sentence.len());
    std::fs::write(raw.join("2026-01-07-one-line.txt"), &line).unwrap();
    std::fs::write(raw.join("ok.txt"), UK).unwrap();
    let started = std::time::Instant::now();
    let (ok, out) = litopys(root, &["ingest"]);
    let took = started.elapsed();
    assert!(!ok, "{out}");
    let huge = out.lines().find(|l| l.contains("huge.txt")).unwrap_or("");
    assert!(huge.contains("max_raw_bytes"), "{out}");
    assert!(took.as_secs() < 60, "took {took:?}");
    let names: Vec<String> = md_files(root).into_iter().map(|f| f.0).collect();
    assert_eq!(names.len(), 2, "{names:?}\n{out}");
    assert!(names.iter().any(|n| n.contains("one-line")), "{names:?}");
    // Raising the limit lets it through as an error of another kind (all NUL: binary).
    std::fs::write(
        root.join("litopys.yaml"),
        "reference_date: 2026-01-07\nmax_raw_bytes: 60000000\n",
    )
    .unwrap();
    let (ok, out) = litopys(root, &["ingest"]);
    assert!(!ok);
    let huge = out.lines().find(|l| l.contains("huge.txt")).unwrap_or("");
    assert!(huge.contains("binary"), "{out}");
}

#[test]
fn an_editors_markdown_is_never_overwritten_or_deleted() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(root.join("litopys.yaml"), "reference_date: 2026-01-07\n").unwrap();
    std::fs::create_dir_all(root.join("content/raw")).unwrap();
    std::fs::create_dir_all(root.join("content/articles")).unwrap();
    std::fs::write(root.join("content/raw/2026-01-07-a.txt"), UK).unwrap();
    // An editor's own file with the name ingest would choose, unknown to ingest's record.
    let mine = "---\ntitle: Моє\ndate: 2026-01-07\n---\n\nМій текст.\n";
    std::fs::write(root.join("content/articles/2026-01-07-a.md"), mine).unwrap();
    let (_, out) = litopys(root, &["build"]);
    assert!(out.contains("kept"), "{out}");
    assert_eq!(
        std::fs::read_to_string(root.join("content/articles/2026-01-07-a.md")).unwrap(),
        mine
    );
    // The raw file becoming unreadable garbage deletes nothing either.
    std::fs::write(root.join("content/raw/2026-01-07-a.txt"), b"\0\0\0").unwrap();
    let (ok, _) = litopys(root, &["build"]);
    assert!(!ok);
    assert_eq!(
        std::fs::read_to_string(root.join("content/articles/2026-01-07-a.md")).unwrap(),
        mine
    );
}

/// Every file under `dir` (relative path → bytes), Litopys' own hidden files aside.
fn tree(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut out = std::collections::BTreeMap::new();
    for e in walkdir::WalkDir::new(dir).min_depth(1) {
        let e = e.unwrap();
        let name = e.file_name().to_string_lossy().into_owned();
        if e.file_type().is_file() && !name.starts_with(".litopys-") {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            out.insert(rel, std::fs::read(e.path()).unwrap());
        }
    }
    out
}

fn raw_site(root: &Path) {
    std::fs::write(root.join("litopys.yaml"), "reference_date: 2026-01-07\n").unwrap();
    let raw = root.join("content/raw");
    std::fs::create_dir_all(&raw).unwrap();
    for i in 0..6 {
        std::fs::write(
            raw.join(format!("2026-01-0{}-n{i}.txt", 1 + i % 3)),
            UK.replace("Парижі", &format!("Парижі {i}")),
        )
        .unwrap();
    }
}

/// Three `litopys build` processes started at once on one site: each succeeds, and the site
/// they leave (Markdown and `public/`) is byte for byte what one build makes; ingest's record
/// survives, so a later change of a raw file still reaches its Markdown.
#[test]
fn builds_at_once_leave_one_whole_site() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    std::fs::create_dir_all(&a).unwrap();
    std::fs::create_dir_all(&b).unwrap();
    raw_site(&a);
    raw_site(&b);
    let procs: Vec<std::process::Child> = (0..3)
        .map(|_| {
            Command::new(env!("CARGO_BIN_EXE_litopys"))
                .arg("--root")
                .arg(&a)
                .args(["build", "--force"])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for p in procs {
        let out = p.wait_with_output().unwrap();
        let text = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(out.status.success() && !text.contains("panicked"), "{text}");
    }
    let (ok, out) = litopys(&b, &["build"]);
    assert!(ok, "{out}");
    assert_eq!(tree(&a.join("public")), tree(&b.join("public")));
    assert_eq!(md_files(&a), md_files(&b));
    // The record is whole: ingest still owns its files.
    let raw = a.join("content/raw/2026-01-01-n0.txt");
    std::fs::write(&raw, UK.replace("Парижі", "Берліні")).unwrap();
    let (ok, out) = litopys(&a, &["build"]);
    assert!(ok && out.contains(" 0 kept"), "{out}");
    assert!(md_files(&a).iter().any(|(_, t)| t.contains("Берліні")));
}

/// A crash mid-write leaves at most a hidden temporary file next to the Markdown (ingest
/// writes `.name.pid.tmp`, then renames): build skips it, and the article it was replacing
/// is still whole.
#[test]
fn a_temporary_file_left_by_a_crash_is_ignored() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    raw_site(root);
    let (ok, out) = litopys(root, &["build"]);
    assert!(ok, "{out}");
    let before = md_files(root);
    let pages = tree(&root.join("public"));
    let (name, text) = &before[0];
    // What a write cut off after half the bytes leaves behind.
    std::fs::write(
        root.join(format!("content/articles/.{name}.4242.tmp")),
        &text.as_bytes()[..text.len() / 2],
    )
    .unwrap();
    let (ok, out) = litopys(root, &["build"]);
    assert!(ok, "{out}");
    let (ok, out) = litopys(root, &["check"]);
    assert!(ok, "{out}");
    assert_eq!(md_files(root).len(), before.len() + 1);
    assert_eq!(tree(&root.join("public")), pages);
}
