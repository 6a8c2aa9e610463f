//! Helpers shared by the integration tests that build generated sites (each test file uses
//! some of them).
#![allow(dead_code)]

use litopys::build::{build, BuildOptions};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

/// Writes a generated site of `n` articles to `out` (`gen-corpus --seed seed`), and with `hugo`
/// the same articles for Hugo beside it.
pub fn gen_corpus(out: &Path, n: usize, seed: u64, hugo: bool) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_gen-corpus"));
    cmd.args(["--n", &n.to_string(), "--seed", &seed.to_string(), "--out"])
        .arg(out);
    if hugo {
        cmd.arg("--hugo").arg(out.with_extension("hugo"));
    }
    assert!(cmd.status().unwrap().success());
}

/// Every file under `dir`, relative path → bytes; without hidden files (the output folder's
/// manifest and lock) unless `hidden`.
fn files(dir: &Path, hidden: bool) -> BTreeMap<String, Vec<u8>> {
    let mut m = BTreeMap::new();
    for e in walkdir::WalkDir::new(dir) {
        let e = e.unwrap();
        let is_hidden = e.file_name().to_string_lossy().starts_with('.');
        if e.file_type().is_file() && (hidden || !is_hidden) {
            let rel = e.path().strip_prefix(dir).unwrap();
            m.insert(
                rel.to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            );
        }
    }
    m
}

/// Every file under `dir`, relative path → bytes.
pub fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    files(dir, true)
}

/// Every visible file under `dir`, relative path → bytes.
pub fn visible_tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    files(dir, false)
}

/// Copies `from` to `to`, without the caches (`.litopys/`).
pub fn copy_site(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from) {
        let e = e.unwrap();
        let rel = e.path().strip_prefix(from).unwrap();
        if rel.starts_with(".litopys") {
            continue;
        }
        let dest = to.join(rel);
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(e.path(), &dest).unwrap();
        }
    }
}

/// Build options for `root` into `out`.
pub fn opts(root: &Path, out: &Path, force: bool) -> BuildOptions {
    BuildOptions {
        root: root.to_path_buf(),
        output: Some(out.to_path_buf()),
        force,
        ..Default::default()
    }
}

/// Builds `root` into `out`.
pub fn build_into(root: &Path, out: &Path) {
    build(&opts(root, out, false)).unwrap();
}

/// The article files of the site at `root` (`content/articles/*`), sorted.
pub fn articles(root: &Path) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(root.join("content/articles"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
}
