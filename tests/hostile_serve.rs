//! `litopys serve` under pressure: a file being rewritten by a build is never served half
//! written, and the server listens on loopback only unless told otherwise.
//! (Traversal, symlinks, 404 and methods are in tests/serve_http.rs.)

use litopys::output;
use litopys::render::OutputFile;
use litopys::serve::Server;
use std::io::{BufRead, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// GET `target` over HTTP/1.0: (status, body).
fn get(addr: SocketAddr, target: &str) -> (u16, Vec<u8>) {
    let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(5)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    write!(s, "GET {target} HTTP/1.0\r\nHost: localhost\r\n\r\n").unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("no header end");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    (status, raw[split + 4..].to_vec())
}

fn files(css: &[u8]) -> Vec<OutputFile> {
    vec![
        OutputFile {
            path: "index.html".into(),
            bytes: b"<!doctype html><title>x</title>".to_vec(),
        },
        OutputFile {
            path: "404.html".into(),
            bytes: b"<!doctype html><title>404</title>".to_vec(),
        },
        OutputFile {
            path: "style.css".into(),
            bytes: css.to_vec(),
        },
    ]
}

/// A writer rewrites a large file over and over, as rebuilds do (`output::write`, the write
/// step of `litopys build`), while a client keeps downloading it: every answer is a 200 with
/// exactly the old or exactly the new bytes, never a mix, a prefix or a 404.
#[test]
fn a_rebuild_never_serves_a_half_written_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path();
    // Different lengths and contents: a torn read shows as a wrong length or mixed bytes.
    let mut a = vec![b'a'; 3 << 20];
    a.extend_from_slice(b"/* end of A */\n");
    let mut b = vec![b'b'; 2 << 20];
    b.extend_from_slice(b"/* end of B */\n");
    output::write(out, &files(&a)).unwrap();
    let server = Server::start(out, "127.0.0.1", 0).unwrap();
    let addr = server.addr();
    let done = AtomicBool::new(false);
    let rewrites = AtomicUsize::new(0);
    let (mut seen_a, mut seen_b, mut reads) = (0, 0, 0);
    std::thread::scope(|s| {
        s.spawn(|| {
            let deadline = Instant::now() + Duration::from_secs(4);
            let mut i = 0usize;
            while Instant::now() < deadline || i < 6 {
                let css = if i.is_multiple_of(2) { &b } else { &a };
                let stats = output::write(out, &files(css)).unwrap();
                assert_eq!(stats.written, 1);
                rewrites.fetch_add(1, Ordering::SeqCst);
                i += 1;
            }
            done.store(true, Ordering::SeqCst);
        });
        while !done.load(Ordering::SeqCst) {
            let (status, body) = get(addr, "/style.css");
            assert_eq!(status, 200);
            reads += 1;
            if body == a {
                seen_a += 1;
            } else if body == b {
                seen_b += 1;
            } else {
                panic!(
                    "torn read #{reads}: {} bytes, starts {:?}, ends {:?}",
                    body.len(),
                    String::from_utf8_lossy(&body[..body.len().min(8)]),
                    String::from_utf8_lossy(&body[body.len().saturating_sub(16)..])
                );
            }
        }
    });
    server.stop();
    let rewrites = rewrites.load(Ordering::SeqCst);
    assert!(rewrites >= 6, "{rewrites} rewrites");
    assert!(
        seen_a > 0 && seen_b > 0,
        "the reads must overlap the rewrites: {seen_a} A, {seen_b} B in {reads} reads"
    );
    // No temporary file is left for a later request to find.
    for e in std::fs::read_dir(out).unwrap() {
        let n = e.unwrap().file_name().to_string_lossy().into_owned();
        assert!(!n.contains("tmp"), "{n}");
    }
}

/// The TCP sockets listening on `port` (from /proc/net/tcp and tcp6): their local addresses
/// as the kernel prints them (hex), each once.
///
/// The kernel prints those tables a page at a time, walking hash buckets that other tests'
/// connections change meanwhile, so one read can list a socket twice or miss it. The
/// addresses are deduplicated, and an empty answer is read again a few times.
fn listeners(port: u16) -> Option<Vec<String>> {
    for _ in 0..20 {
        let out = listeners_once(port)?;
        if !out.is_empty() {
            return Some(out);
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    Some(Vec::new())
}

fn listeners_once(port: u16) -> Option<Vec<String>> {
    let mut out = Vec::new();
    for f in ["/proc/net/tcp", "/proc/net/tcp6"] {
        let text = std::fs::read_to_string(f).ok()?;
        for line in text.lines().skip(1) {
            let cols: Vec<&str> = line.split_whitespace().collect();
            let (Some(local), Some(state)) = (cols.get(1), cols.get(3)) else {
                continue;
            };
            let Some((ip, p)) = local.rsplit_once(':') else {
                continue;
            };
            if *state == "0A" && u16::from_str_radix(p, 16).ok() == Some(port) {
                out.push(ip.to_string());
            }
        }
    }
    out.sort();
    out.dedup();
    Some(out)
}

fn serve_and_listeners(root: &Path, extra: &[&str]) -> Option<Vec<String>> {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_litopys"))
        .arg("--root")
        .arg(root)
        .args(["serve", "--port", "0"])
        .args(extra)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut line = String::new();
    let mut reader = std::io::BufReader::new(stdout);
    let port = loop {
        line.clear();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            break None;
        }
        // «Serving … at http://127.0.0.1:PORT/ — …»
        if let Some(rest) = line.split("http://").nth(1) {
            let hostport = rest.split('/').next().unwrap_or("");
            break hostport
                .rsplit(':')
                .next()
                .and_then(|p| p.parse::<u16>().ok());
        }
    };
    let found = port.and_then(listeners);
    child.kill().unwrap();
    child.wait().unwrap();
    let port = port.expect("serve printed no address");
    assert!(port > 0);
    found
}

#[test]
fn serve_listens_on_loopback_only_by_default() {
    let dir = tempfile::tempdir().unwrap();
    let Some(socks) = serve_and_listeners(dir.path(), &[]) else {
        eprintln!("no /proc/net/tcp here: skipped");
        return;
    };
    // 127.0.0.1 in /proc/net/tcp's little-endian hex.
    assert_eq!(socks, ["0100007F"], "listening on {socks:?}");
    // Asked to, it listens on every address (so the check above can tell them apart).
    let socks = serve_and_listeners(dir.path(), &["--bind", "0.0.0.0"]).unwrap();
    assert_eq!(socks, ["00000000"], "listening on {socks:?}");
}
