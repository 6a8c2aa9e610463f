//! `output::write`: incremental, atomic, stale-file removal, path validation, manifest fallback.

use litopys::output::{self, InvalidPaths, WriteStats, LOCK_FILE, MANIFEST_FILE};
use litopys::render::OutputFile;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

fn f(path: &str, body: &str) -> OutputFile {
    OutputFile {
        path: path.to_string(),
        bytes: body.as_bytes().to_vec(),
    }
}

fn site() -> Vec<OutputFile> {
    vec![
        f("index.html", "<html><body>home</body></html>"),
        f("style.css", "body{}"),
        f("2026/01/07/index.html", "day"),
        f("people/kyrylo-budanov/index.html", "person"),
        f("people/kyrylo-budanov/page/2/index.html", "person p2"),
    ]
}

/// Every file under `dir` (relative path → bytes), without litopys' own hidden files.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for e in walkdir::WalkDir::new(dir) {
        let e = e.unwrap();
        if e.file_type().is_file() {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            if rel != MANIFEST_FILE && rel != LOCK_FILE {
                out.insert(rel, fs::read(e.path()).unwrap());
            }
        }
    }
    out
}

fn expected(files: &[OutputFile]) -> BTreeMap<String, Vec<u8>> {
    files
        .iter()
        .map(|f| (f.path.clone(), f.bytes.clone()))
        .collect()
}

fn mtime(p: &Path) -> SystemTime {
    fs::metadata(p).unwrap().modified().unwrap()
}

/// Sets every file's mtime into the past so that a rewrite is visible in the mtime.
fn age(dir: &Path) {
    let old = SystemTime::now() - Duration::from_secs(3600);
    for e in walkdir::WalkDir::new(dir) {
        let e = e.unwrap();
        if e.file_type().is_file() {
            fs::File::options()
                .write(true)
                .open(e.path())
                .unwrap()
                .set_modified(old)
                .unwrap();
        }
    }
}

fn stats(written: usize, unchanged: usize, removed: usize) -> WriteStats {
    WriteStats {
        written,
        unchanged,
        removed,
    }
}

#[test]
fn first_write_writes_all_second_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let files = site();
    assert_eq!(output::write(&out, &files).unwrap(), stats(5, 0, 0));
    assert_eq!(tree(&out), expected(&files));
    assert!(out.join(MANIFEST_FILE).is_file());

    // Ageing the files rewrites the mtimes the manifest recorded: the fallback compares bytes.
    age(&out);
    let before: Vec<SystemTime> = files.iter().map(|x| mtime(&out.join(&x.path))).collect();
    assert_eq!(output::write(&out, &files).unwrap(), stats(0, 5, 0));
    // Now the manifest matches the disk: a third write reads nothing and changes nothing.
    assert_eq!(output::write(&out, &files).unwrap(), stats(0, 5, 0));
    let after: Vec<SystemTime> = files.iter().map(|x| mtime(&out.join(&x.path))).collect();
    assert_eq!(before, after, "unchanged files were touched");
    assert_eq!(tree(&out), expected(&files));
}

#[test]
fn changing_one_file_rewrites_only_it() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let mut files = site();
    output::write(&out, &files).unwrap();
    age(&out);
    output::write(&out, &files).unwrap(); // re-record aged mtimes
    let before: Vec<SystemTime> = files.iter().map(|x| mtime(&out.join(&x.path))).collect();
    files[1] = f("style.css", "body{color:red}");
    assert_eq!(output::write(&out, &files).unwrap(), stats(1, 4, 0));
    let after: Vec<SystemTime> = files.iter().map(|x| mtime(&out.join(&x.path))).collect();
    for (i, (b, a)) in before.iter().zip(&after).enumerate() {
        assert_eq!(b == a, i != 1, "{}", files[i].path);
    }
    assert_eq!(tree(&out), expected(&files));
}

#[test]
fn same_length_change_is_seen() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let mut files = site();
    output::write(&out, &files).unwrap();
    files[1].bytes = b"BODY{}".to_vec(); // same length as "body{}", same second perhaps
    assert_eq!(output::write(&out, &files).unwrap(), stats(1, 4, 0));
    assert_eq!(tree(&out), expected(&files));
}

#[test]
fn dropped_files_are_removed_with_their_empty_folders() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let mut files = site();
    output::write(&out, &files).unwrap();
    files.retain(|x| !x.path.starts_with("people/"));
    assert_eq!(output::write(&out, &files).unwrap(), stats(0, 3, 2));
    assert!(!out.join("people").exists(), "empty folders left behind");
    assert_eq!(tree(&out), expected(&files));
}

#[test]
fn foreign_files_are_kept() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    fs::create_dir_all(out.join(".well-known")).unwrap();
    fs::create_dir_all(out.join("people/kyrylo-budanov")).unwrap();
    fs::write(out.join("CNAME"), "example.org").unwrap();
    fs::write(out.join(".well-known/security.txt"), "x").unwrap();
    fs::write(out.join("people/kyrylo-budanov/photo.jpg"), "jpg").unwrap();
    let mut files = site();
    output::write(&out, &files).unwrap();
    files.retain(|x| !x.path.starts_with("people/"));
    assert_eq!(output::write(&out, &files).unwrap(), stats(0, 3, 2));
    assert_eq!(fs::read(out.join("CNAME")).unwrap(), b"example.org");
    assert!(out.join(".well-known/security.txt").is_file());
    // The folder still holds a foreign file, so it stays.
    assert!(out.join("people/kyrylo-budanov/photo.jpg").is_file());
    assert!(!out.join("people/kyrylo-budanov/index.html").exists());
}

#[test]
fn a_file_can_become_a_folder_and_back() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let a = vec![f("x", "file")];
    let b = vec![f("x/index.html", "in folder")];
    output::write(&out, &a).unwrap();
    assert_eq!(output::write(&out, &b).unwrap(), stats(1, 0, 1));
    assert_eq!(tree(&out), expected(&b));
    assert_eq!(output::write(&out, &a).unwrap(), stats(1, 0, 1));
    assert_eq!(tree(&out), expected(&a));
}

#[test]
fn bad_paths_are_rejected_and_nothing_is_written() {
    let long = format!("{}/index.html", "x".repeat(300));
    let bad = [
        "../x",
        "/etc/passwd",
        "a//b",
        "a\\b",
        "con/index.html",
        "a\0b",
        long.as_str(),
        "C:/Windows/x",
        "",
        "a/./b",
    ];
    for p in bad {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let files = vec![f("index.html", "ok"), f(p, "bad")];
        let err = output::write(&out, &files).unwrap_err();
        let inv = err
            .downcast_ref::<InvalidPaths>()
            .unwrap_or_else(|| panic!("{p:?}: not InvalidPaths: {err:#}"));
        assert_eq!(inv.paths.len(), 1, "{p:?}: {inv}");
        assert_eq!(inv.paths[0].0, p);
        assert!(!out.exists(), "{p:?}: something was written");
        assert!(!tmp.path().join("x").exists());
    }
    // Every bad path is listed at once.
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let files: Vec<OutputFile> = bad.iter().map(|p| f(p, "bad")).collect();
    let err = output::write(&out, &files).unwrap_err();
    let inv = err.downcast_ref::<InvalidPaths>().unwrap();
    assert_eq!(inv.paths.len(), bad.len(), "{inv}");
    assert!(!out.exists());
}

#[test]
fn corrupted_manifest_falls_back_to_comparing_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let mut files = site();
    output::write(&out, &files).unwrap();
    for junk in [&b"{not json"[..], b"", b"\xff\xfe\x00garbage"] {
        fs::write(out.join(MANIFEST_FILE), junk).unwrap();
        assert_eq!(output::write(&out, &files).unwrap(), stats(0, 5, 0));
    }
    // A manifest whose hashes lie (same length, same mtime) cannot be told apart without
    // reading; but one whose mtimes lie falls back to the bytes on disk.
    files[0] = f("index.html", "<html><body>HOME</body></html>");
    fs::remove_file(out.join(MANIFEST_FILE)).unwrap();
    assert_eq!(output::write(&out, &files).unwrap(), stats(1, 4, 0));
    assert_eq!(tree(&out), expected(&files));
}

#[test]
fn a_manifest_pointing_outside_is_ignored() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let victim = tmp.path().join("victim.txt");
    fs::write(&victim, "keep me").unwrap();
    output::write(&out, &site()).unwrap();
    // The manifest's line for index.html, copied for paths outside the output folder (one
    // line per file: `file LEN SECS NANOS KEY PATH`).
    let text = fs::read_to_string(out.join(MANIFEST_FILE)).unwrap();
    let line = text
        .lines()
        .find(|l| l.starts_with("file ") && l.ends_with(" index.html"))
        .expect("index.html in the manifest");
    let head = line.strip_suffix("index.html").unwrap();
    let outside = ["../victim.txt", "/etc/hostname", "sub/../../victim.txt"];
    // Files are listed in path order: the lines go among the others, in order.
    let mut files: Vec<String> = text
        .lines()
        .filter(|l| l.starts_with("file "))
        .map(str::to_string)
        .collect();
    files.extend(outside.iter().map(|p| format!("{head}{p}")));
    // `file LEN SECS NANOS KEY PATH`: by the path.
    let path = |l: &String| l.splitn(6, ' ').nth(5).unwrap().to_string();
    files.sort_by_key(path);
    let mut hostile = String::new();
    for l in text.lines().filter(|l| !l.starts_with("file ")) {
        if !l.starts_with("group ") && !l.starts_with("member ") {
            hostile.push_str(l);
            hostile.push('\n');
        }
    }
    for l in &files {
        hostile.push_str(l);
        hostile.push('\n');
    }
    for l in text
        .lines()
        .filter(|l| l.starts_with("group ") || l.starts_with("member "))
    {
        hostile.push_str(l);
        hostile.push('\n');
    }
    // The same lines out of order: the manifest is refused whole, so nothing is removed
    // (there is no record of what is ours), the victim least of all.
    let mut unordered = text.clone();
    for p in outside {
        unordered.push_str(&format!("{head}{p}\n"));
    }
    let mut fewer = site();
    fewer.retain(|f| f.path != "index.html");
    fs::write(out.join(MANIFEST_FILE), &unordered).unwrap();
    output::write(&out, &fewer).unwrap();
    assert_eq!(fs::read(&victim).unwrap(), b"keep me");
    assert!(
        out.join("index.html").exists(),
        "no record: nothing removed"
    );
    // In order: were those entries believed, the next write would remove them as stale files
    // of the previous write (they are not in the new site); they are dropped when the
    // manifest is read, while the stale index.html is still removed.
    output::write(&out, &site()).unwrap();
    fs::write(out.join(MANIFEST_FILE), &hostile).unwrap();
    output::write(&out, &fewer).unwrap();
    assert_eq!(fs::read(&victim).unwrap(), b"keep me");
    assert!(
        !out.join("index.html").exists(),
        "the stale page is removed"
    );
}

#[test]
fn a_file_deleted_by_hand_is_written_again() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let files = site();
    output::write(&out, &files).unwrap();
    fs::remove_file(out.join("style.css")).unwrap();
    fs::write(out.join("index.html"), "edited by hand, same length?").unwrap();
    assert_eq!(output::write(&out, &files).unwrap(), stats(2, 3, 0));
    assert_eq!(tree(&out), expected(&files));
}

#[cfg(unix)]
#[test]
fn never_writes_through_a_symlinked_folder_pointing_outside() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let elsewhere = tmp.path().join("elsewhere");
    fs::create_dir_all(&out).unwrap();
    fs::create_dir_all(&elsewhere).unwrap();
    std::os::unix::fs::symlink(&elsewhere, out.join("people")).unwrap();
    let err = output::write(&out, &site()).unwrap_err();
    assert!(format!("{err:#}").contains("outside"), "{err:#}");
    assert_eq!(
        fs::read_dir(&elsewhere).unwrap().count(),
        0,
        "wrote outside"
    );
    // The other files were still written.
    assert!(out.join("index.html").is_file());
}

#[cfg(unix)]
#[test]
fn a_symlinked_output_folder_itself_is_fine() {
    let tmp = tempfile::tempdir().unwrap();
    let real = tmp.path().join("real");
    fs::create_dir_all(&real).unwrap();
    let out = tmp.path().join("public");
    std::os::unix::fs::symlink(&real, &out).unwrap();
    assert_eq!(output::write(&out, &site()).unwrap(), stats(5, 0, 0));
    assert!(real.join("index.html").is_file());
}

#[test]
fn no_temporary_files_are_left() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    output::write(&out, &site()).unwrap();
    let leftovers: Vec<PathBuf> = walkdir::WalkDir::new(&out)
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .filter(|p| p.to_string_lossy().contains("litopys-tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn concurrent_writes_do_not_corrupt() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let a: Vec<OutputFile> = (0..50)
        .map(|i| f(&format!("p/{i}/index.html"), &format!("a{i}")))
        .collect();
    let b: Vec<OutputFile> = (0..50)
        .map(|i| f(&format!("q/{i}/index.html"), &format!("b{i}")))
        .collect();
    std::thread::scope(|s| {
        for _ in 0..3 {
            s.spawn(|| output::write(&out, &a).unwrap());
            s.spawn(|| output::write(&out, &b).unwrap());
        }
    });
    // Whichever ran last, the folder holds exactly its files.
    let t = tree(&out);
    assert!(t == expected(&a) || t == expected(&b), "mixed output");
}

#[test]
fn a_stale_file_beside_a_kept_one_leaves_the_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let files = vec![f("a/b/x.html", "x"), f("a/b/y.html", "y")];
    output::write(&out, &files).unwrap();
    let kept = vec![f("a/b/y.html", "y")];
    assert_eq!(output::write(&out, &kept).unwrap(), stats(0, 1, 1));
    assert_eq!(tree(&out), expected(&kept));
}

#[test]
fn an_identical_write_leaves_the_manifest_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let files = site();
    output::write(&out, &files).unwrap();
    age(&out); // ages the manifest too; the next write records the files' new mtimes
    output::write(&out, &files).unwrap();
    let manifest = out.join(MANIFEST_FILE);
    let old = SystemTime::now() - Duration::from_secs(7200);
    fs::File::options()
        .write(true)
        .open(&manifest)
        .unwrap()
        .set_modified(old)
        .unwrap();
    output::write(&out, &files).unwrap();
    assert_eq!(mtime(&manifest), old);
}

#[test]
fn an_empty_file_list_removes_everything_we_wrote() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    fs::create_dir_all(&out).unwrap();
    fs::write(out.join(".gitkeep"), "").unwrap();
    output::write(&out, &site()).unwrap();
    assert_eq!(output::write(&out, &[]).unwrap(), stats(0, 0, 5));
    let left: Vec<String> = fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with(".litopys"))
        .collect();
    assert_eq!(left, [".gitkeep"]);
}

#[test]
fn a_second_writer_waits_for_the_lock() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    output::write(&out, &site()).unwrap();
    // Another "build" holds the lock.
    let held = fs::File::options()
        .read(true)
        .write(true)
        .open(out.join(LOCK_FILE))
        .unwrap();
    held.lock().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::scope(|s| {
        s.spawn(|| {
            let r = output::write(&out, &[f("index.html", "new")]);
            tx.send(r.is_ok()).unwrap();
        });
        // While the lock is held, nothing happens.
        assert!(rx.recv_timeout(Duration::from_millis(500)).is_err());
        assert_eq!(
            fs::read(out.join("index.html")).unwrap(),
            b"<html><body>home</body></html>"
        );
        held.unlock().unwrap();
        assert_eq!(rx.recv_timeout(Duration::from_secs(20)), Ok(true));
    });
    assert_eq!(fs::read(out.join("index.html")).unwrap(), b"new");
}

#[test]
fn temp_files_of_an_interrupted_write_are_cleaned_up() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    output::write(&out, &site()).unwrap();
    assert_eq!(
        fs::read(out.join(LOCK_FILE)).unwrap(),
        b"",
        "lock file not emptied"
    );
    // A writer killed mid-write: its pid still in the lock file, a temp file left behind.
    fs::write(out.join(LOCK_FILE), "12345\n").unwrap();
    let leftover = out.join("people/.index.html.litopys-tmp-12345-7");
    fs::write(&leftover, "half").unwrap();
    output::write(&out, &site()).unwrap();
    assert!(!leftover.exists(), "temp file left");
    assert_eq!(tree(&out), expected(&site()));
}

/// A first write into a folder that does not exist yet (files go straight to their paths)
/// leaves what a write into an existing empty folder (files staged, then renamed) leaves, and
/// a manifest the next write trusts.
#[test]
fn a_new_folder_gets_what_an_empty_one_gets() {
    let tmp = tempfile::tempdir().unwrap();
    let new = tmp.path().join("new/public");
    let empty = tmp.path().join("empty");
    fs::create_dir(&empty).unwrap();
    let files = site();
    assert_eq!(output::write(&new, &files).unwrap(), stats(5, 0, 0));
    assert_eq!(output::write(&empty, &files).unwrap(), stats(5, 0, 0));
    assert_eq!(tree(&new), expected(&files));
    assert_eq!(tree(&empty), expected(&files));
    // Nothing but the files, the manifest and the lock: no staging folder left behind.
    let top: Vec<String> = fs::read_dir(&new)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert_eq!(top.len(), 2, "{top:?}");
    age(&new);
    let before = mtime(&new.join("index.html"));
    assert_eq!(output::write(&new, &files).unwrap(), stats(0, 5, 0));
    assert_eq!(mtime(&new.join("index.html")), before);
}

/// Paths that clash (one file twice, a file where a folder must go) are refused by the commit
/// of a write into a new folder as into any other, and the new folder, with the files already
/// written into it, is gone.
#[test]
fn clashing_paths_in_a_new_folder_leave_no_folder() {
    let clashes: [&[&str]; 3] = [
        &["index.html", "a/b", "a/b/c.html"],
        &["a/b/c.html", "index.html", "a/b"],
        &["x/index.html", "y.html", "x/index.html"],
    ];
    for paths in clashes {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let session = output::Session::open(&out).unwrap();
        let placed: Vec<_> = paths
            .iter()
            .map(|p| session.put(p, None, p.as_bytes()).unwrap())
            .collect();
        let err = session.commit(&placed, BTreeMap::new(), None).unwrap_err();
        assert!(
            err.downcast_ref::<InvalidPaths>().is_some(),
            "{paths:?}: {err:#}"
        );
        assert!(!out.exists(), "{paths:?}: the new folder is left");
    }
    // Into an existing folder, the same clash changes nothing there.
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    output::write(&out, &site()).unwrap();
    let session = output::Session::open(&out).unwrap();
    let placed: Vec<_> = ["index.html", "a/b", "a/b/c.html"]
        .iter()
        .map(|p| session.put(p, None, b"new").unwrap())
        .collect();
    assert!(session.commit(&placed, BTreeMap::new(), None).is_err());
    assert_eq!(tree(&out), expected(&site()));
}

/// A session on a new folder that ends without a commit (a failed render) takes the folder,
/// and every file written into it, away.
#[test]
fn an_uncommitted_session_on_a_new_folder_leaves_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let session = output::Session::open(&out).unwrap();
    for f in site() {
        session.put(&f.path, None, &f.bytes).unwrap();
    }
    assert!(out.join("people/kyrylo-budanov/page/2/index.html").exists());
    drop(session);
    assert!(!out.exists());
    let mut session = output::Session::open(&out).unwrap();
    session.put("index.html", None, b"x").unwrap();
    session.abort();
    assert!(!out.exists());
}
