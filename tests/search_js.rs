//! The search stemmer exists twice: `keys` in src/search.rs (the index) and `keys` in
//! templates/search.js (the query, with the rules the manifest ships). This runs the script
//! under Node on the word table `tests/data/search-words.txt` and on every word of the sample
//! site's raw texts, and checks that both sides split the text into the same words and give
//! every word the same keys. Without `node` on the PATH it says so and passes (the browser
//! test runs the same check in Chromium).

use litopys::search::{index_files, keys, words};
use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

const HARNESS: &str = r#"
const fs = require('fs');
const vm = require('vm');
const [script, manifest, input] = process.argv.slice(1);
const g = {};
vm.runInNewContext(fs.readFileSync(script, 'utf8'), g);
if (typeof g.litopysStemmer !== 'function') throw new Error('search.js exposes no litopysStemmer');
const st = g.litopysStemmer(JSON.parse(fs.readFileSync(manifest, 'utf8')));
const out = JSON.parse(fs.readFileSync(input, 'utf8')).map((text) =>
  st.words(text).map((w) => [w, st.keys(w)]));
process.stdout.write(JSON.stringify(out));
"#;

fn texts() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut texts: Vec<String> = std::fs::read_to_string(root.join("tests/data/search-words.txt"))
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(str::to_string)
        .collect();
    // Every distinct word of the sample site's raw texts, one text each.
    let mut seen = BTreeSet::new();
    let mut files: Vec<_> = walk(&root.join("content/raw"));
    files.sort();
    for f in files {
        let Ok(text) = std::fs::read_to_string(&f) else {
            continue;
        };
        for w in text.split(|c: char| c.is_whitespace()) {
            if seen.insert(w.to_string()) {
                texts.push(w.to_string());
            }
        }
    }
    // Edge cases: apostrophes and marks between letters, mixed scripts, digits, ґ, ё.
    for t in [
        "",
        "ʼ",
        "а",
        "ab",
        "п'ять",
        "ПʼЯТЬ",
        "за\u{301}мок",
        "Ґалаґан",
        "ЁЛКА",
        "Zelensky's",
        "COVID-19",
        "2026",
        "київ2026",
        "Kyiv-Київ",
        "ії",
        "їв",
        "ові",
        "Львові",
        "Сибізі",
        "стрільцеві",
        "ок",
        "ьц",
        "Ьоко",
    ] {
        texts.push(t.to_string());
    }
    texts
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else if p.extension().is_some_and(|x| x == "txt") {
                out.push(p);
            }
        }
    }
    out
}

#[test]
fn the_script_stems_exactly_like_the_index() {
    if Command::new("node").arg("--version").output().is_err() {
        eprintln!("node is not installed: the Rust/JavaScript stemmer comparison is skipped here (tests/browser/run.sh runs it in Chromium)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let files = index_files(&[], &[]);
    let manifest = files
        .iter()
        .find(|f| f.path == "search/index.json")
        .expect("a manifest");
    std::fs::write(dir.path().join("index.json"), &manifest.bytes).unwrap();
    let texts = texts();
    assert!(texts.len() > 3000, "only {} texts", texts.len());
    std::fs::write(
        dir.path().join("input.json"),
        serde_json::to_vec(&texts).unwrap(),
    )
    .unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/search.js");
    let out = Command::new("node")
        .arg("-e")
        .arg(HARNESS)
        .arg(&script)
        .arg(dir.path().join("index.json"))
        .arg(dir.path().join("input.json"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "node failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let js: Vec<Vec<(String, Vec<String>)>> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(js.len(), texts.len());
    let mut bad = Vec::new();
    let mut n = 0;
    for (text, js) in texts.iter().zip(js) {
        let rust: Vec<(String, Vec<String>)> = words(text)
            .into_iter()
            .map(|w| {
                let k = keys(&w);
                (w, k)
            })
            .collect();
        n += rust.len();
        if rust != js {
            bad.push(format!("{text:?}: Rust {rust:?}, JavaScript {js:?}"));
        }
    }
    assert!(n > 3000, "only {n} words compared");
    assert!(
        bad.is_empty(),
        "{} of {} texts stem differently:\n{}",
        bad.len(),
        texts.len(),
        bad[..bad.len().min(30)].join("\n")
    );
    eprintln!("{n} words stemmed alike by Rust and JavaScript");
}
