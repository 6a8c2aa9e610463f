//! The `serve` HTTP server over a temporary output folder, talked to with a plain HTTP/1.0
//! client on loopback with bounded timeouts.

use litopys::serve::{self, ServeOptions, Server};
use std::fs;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Sends `METHOD target HTTP/1.0` and reads the whole reply.
fn request(addr: SocketAddr, method: &str, target: &str) -> Reply {
    let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(5)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.set_write_timeout(Some(Duration::from_secs(5))).unwrap();
    write!(s, "{method} {target} HTTP/1.0\r\nHost: localhost\r\n\r\n").unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("no header end");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let body = raw[split + 4..].to_vec();
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap();
    let status = status_line.split(' ').nth(1).unwrap().parse().unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    Reply {
        status,
        headers,
        body,
    }
}

fn get(addr: SocketAddr, target: &str) -> Reply {
    request(addr, "GET", target)
}

fn sample_site(out: &Path) {
    fs::create_dir_all(out.join("people/kyrylo-budanov")).unwrap();
    fs::write(
        out.join("index.html"),
        "<!doctype html><html><body><h1>Home</h1></body></html>",
    )
    .unwrap();
    fs::write(out.join("style.css"), "body{color:#333}\n").unwrap();
    fs::write(
        out.join("people/kyrylo-budanov/index.html"),
        "<html><body>Буданов</body></html>",
    )
    .unwrap();
    fs::write(out.join("404.html"), "<html><body>not here</body></html>").unwrap();
    fs::write(out.join("atom.xml"), "<feed/>").unwrap();
}

fn start(out: &Path) -> Server {
    Server::start(out, "127.0.0.1", 0).unwrap()
}

#[test]
fn serves_index_with_reload_script() {
    let tmp = tempfile::tempdir().unwrap();
    sample_site(tmp.path());
    let server = start(tmp.path());
    let r = get(server.addr(), "/");
    assert_eq!(r.status, 200);
    assert_eq!(r.header("Content-Type"), Some("text/html; charset=utf-8"));
    let body = r.text();
    assert!(
        body.starts_with("<!doctype html><html><body><h1>Home</h1><script>"),
        "{body}"
    );
    assert!(body.ends_with("</script></body></html>"), "{body}");
    assert!(body.contains(serve::VERSION_PATH));
    // Only in the response: the file on disk is untouched.
    let disk = fs::read_to_string(tmp.path().join("index.html")).unwrap();
    assert!(!disk.contains("<script"));
    // Content-Length matches what was sent.
    assert_eq!(
        r.header("Content-Length"),
        Some(r.body.len().to_string().as_str())
    );
    server.stop();
}

#[test]
fn serves_other_files_unchanged_with_their_types() {
    let tmp = tempfile::tempdir().unwrap();
    sample_site(tmp.path());
    let server = start(tmp.path());
    let r = get(server.addr(), "/style.css");
    assert_eq!(r.status, 200);
    assert_eq!(r.header("Content-Type"), Some("text/css; charset=utf-8"));
    assert_eq!(r.body, b"body{color:#333}\n");
    let r = get(server.addr(), "/atom.xml?x=1");
    assert_eq!(r.body, b"<feed/>");
    assert!(r
        .header("Content-Type")
        .unwrap()
        .starts_with("application/xml"));
    // Percent-encoded UTF-8 path with a trailing slash.
    let r = get(server.addr(), "/people/kyrylo-budanov/");
    assert_eq!(r.status, 200);
    assert!(r.text().contains("Буданов"));
    // HEAD: headers, no body.
    let r = request(server.addr(), "HEAD", "/style.css");
    assert_eq!(r.status, 200);
    assert!(r.body.is_empty());
}

#[test]
fn folder_without_slash_redirects() {
    let tmp = tempfile::tempdir().unwrap();
    sample_site(tmp.path());
    let server = start(tmp.path());
    let r = get(server.addr(), "/people/kyrylo-budanov");
    assert!(r.status == 301 || r.status == 302, "{}", r.status);
    assert_eq!(r.header("Location"), Some("/people/kyrylo-budanov/"));
    // A folder without index.html is not found.
    let r = get(server.addr(), "/people");
    assert_eq!(r.status, 404);
}

#[test]
fn traversal_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    sample_site(&out);
    fs::write(tmp.path().join("secret.txt"), "secret").unwrap();
    let server = start(&out);
    for target in [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E%2fsecret.txt",
        "/people/../../secret.txt",
        "/..%5csecret.txt",
        "/%5c..%5csecret.txt",
        "/../etc/passwd",
        "/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/a%00b",
    ] {
        let r = get(server.addr(), target);
        assert!(r.status == 400 || r.status == 404, "{target}: {}", r.status);
        assert!(!r.text().contains("secret"), "{target} leaked");
        assert!(!r.text().contains("root:"), "{target} leaked");
    }
}

#[cfg(unix)]
#[test]
fn symlinks_out_of_the_folder_are_not_followed() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    sample_site(&out);
    fs::create_dir_all(tmp.path().join("private")).unwrap();
    fs::write(tmp.path().join("private/index.html"), "secret").unwrap();
    fs::write(tmp.path().join("secret.txt"), "secret").unwrap();
    std::os::unix::fs::symlink(tmp.path().join("secret.txt"), out.join("link.txt")).unwrap();
    std::os::unix::fs::symlink(tmp.path().join("private"), out.join("private")).unwrap();
    // A symlink that stays inside is fine.
    std::os::unix::fs::symlink(out.join("style.css"), out.join("alias.css")).unwrap();
    let server = start(&out);
    for target in ["/link.txt", "/private/", "/private/index.html", "/private"] {
        let r = get(server.addr(), target);
        assert_eq!(r.status, 404, "{target}");
        assert!(!r.text().contains("secret"), "{target} leaked");
    }
    assert_eq!(get(server.addr(), "/alias.css").body, b"body{color:#333}\n");
}

#[test]
fn unknown_path_gets_404_page() {
    let tmp = tempfile::tempdir().unwrap();
    sample_site(tmp.path());
    let server = start(tmp.path());
    let r = get(server.addr(), "/no/such/page/");
    assert_eq!(r.status, 404);
    assert!(
        r.text().starts_with("<html><body>not here<script>"),
        "{}",
        r.text()
    );
    // Without a 404.html: a plain 404.
    fs::remove_file(tmp.path().join("404.html")).unwrap();
    let r = get(server.addr(), "/nope");
    assert_eq!(r.status, 404);
    // litopys' own files are not served.
    fs::write(tmp.path().join(".litopys-manifest"), "{}").unwrap();
    assert_eq!(get(server.addr(), "/.litopys-manifest").status, 404);
}

#[test]
fn only_get_and_head() {
    let tmp = tempfile::tempdir().unwrap();
    sample_site(tmp.path());
    let server = start(tmp.path());
    for m in ["POST", "PUT", "DELETE"] {
        let r = request(server.addr(), m, "/");
        assert_eq!(r.status, 405, "{m}");
        assert_eq!(r.header("Allow"), Some("GET, HEAD"));
    }
}

#[test]
fn version_changes_after_bump() {
    let tmp = tempfile::tempdir().unwrap();
    let server = start(tmp.path());
    let v1 = get(server.addr(), serve::VERSION_PATH).text();
    assert_eq!(v1, server.version());
    server.bump_version();
    let v2 = get(server.addr(), serve::VERSION_PATH).text();
    assert_ne!(v1, v2);
    // The page embeds the version it was served at.
    fs::write(tmp.path().join("index.html"), "<body></body>").unwrap();
    assert!(get(server.addr(), "/").text().contains(&v2));
}

#[test]
fn a_slow_client_does_not_block_others() {
    let tmp = tempfile::tempdir().unwrap();
    sample_site(tmp.path());
    let server = start(tmp.path());
    // A client that connects and sends half a request.
    let mut slow = TcpStream::connect(server.addr()).unwrap();
    slow.write_all(b"GET / HT").unwrap();
    let started = Instant::now();
    assert_eq!(get(server.addr(), "/style.css").status, 200);
    assert!(started.elapsed() < Duration::from_secs(5));
    drop(slow);
}

#[test]
fn out_dir_may_appear_later() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let server = start(&out);
    assert_eq!(get(server.addr(), "/").status, 404);
    sample_site(&out);
    assert_eq!(get(server.addr(), "/").status, 200);
}

/// The whole `serve` loop on a site with no content: it builds, serves, notices an edit
/// in `content/` and rebuilds (the version changes), and stops when asked.
#[test]
fn serve_rebuilds_on_change() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    fs::create_dir_all(root.join("content/raw")).unwrap();
    fs::create_dir_all(root.join("templates")).unwrap();
    let mut opts = ServeOptions::new(root);
    opts.port = 0;
    let stop = AtomicBool::new(false);
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::scope(|s| {
        let handle = s.spawn(|| serve::serve_until(&opts, &stop, move |a| tx.send(a).unwrap()));
        let addr = rx.recv_timeout(Duration::from_secs(60)).expect("not ready");
        let v1 = get(addr, serve::VERSION_PATH).text();
        fs::write(root.join("content/raw/note.txt"), "hello").unwrap();
        let deadline = Instant::now() + Duration::from_secs(30);
        let mut v2 = v1.clone();
        while v2 == v1 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(100));
            v2 = get(addr, serve::VERSION_PATH).text();
        }
        // Reads and no-op changes in public/ cause no further rebuilds.
        let _ = get(addr, "/");
        std::thread::sleep(Duration::from_millis(800));
        let v3 = get(addr, serve::VERSION_PATH).text();
        stop.store(true, Ordering::SeqCst);
        let result = handle.join().unwrap();
        assert!(result.is_ok(), "{result:?}");
        assert_ne!(v1, v2, "no rebuild after an edit");
        assert_eq!(v2, v3, "rebuilt without a change");
    });
}

/// Runs `serve_until` on `root` (port 0) and calls `f` with the address and a function that
/// waits (bounded) for the version to differ from the given one.
fn with_serve(root: &Path, f: impl FnOnce(SocketAddr, &dyn Fn(&str) -> String)) {
    let mut opts = ServeOptions::new(root);
    opts.port = 0;
    let stop = AtomicBool::new(false);
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::scope(|s| {
        let handle = s.spawn(|| serve::serve_until(&opts, &stop, move |a| tx.send(a).unwrap()));
        let addr = rx.recv_timeout(Duration::from_secs(60)).expect("not ready");
        let wait_change = |old: &str| -> String {
            let deadline = Instant::now() + Duration::from_secs(20);
            loop {
                let v = get(addr, serve::VERSION_PATH).text();
                if v != old || Instant::now() > deadline {
                    return v;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        };
        // Stop the server even if `f` panics.
        let outcome =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(addr, &wait_change)));
        stop.store(true, Ordering::SeqCst);
        let result = handle.join().unwrap();
        if let Err(p) = outcome {
            std::panic::resume_unwind(p);
        }
        assert!(result.is_ok(), "{result:?}");
    });
}

#[test]
fn serve_watches_folders_created_later_and_ignores_public() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    with_serve(root, |addr, wait_change| {
        let v0 = get(addr, serve::VERSION_PATH).text();
        // templates/ does not exist yet: creating it is seen through the root watch…
        fs::create_dir_all(root.join("templates")).unwrap();
        let v1 = wait_change(&v0);
        assert_ne!(v0, v1, "creating templates/ did not rebuild");
        // …and then files inside it are watched.
        fs::write(root.join("templates/base.html"), "x").unwrap();
        let v2 = wait_change(&v1);
        assert_ne!(v1, v2, "editing templates/base.html did not rebuild");
        // The config file.
        fs::write(root.join("litopys.yaml"), "").unwrap();
        let v3 = wait_change(&v2);
        assert_ne!(v2, v3, "editing litopys.yaml did not rebuild");
        // Writes to public/ and .litopys/ and other files in the root do not rebuild.
        fs::create_dir_all(root.join("public/x")).unwrap();
        fs::write(root.join("public/x/index.html"), "x").unwrap();
        fs::create_dir_all(root.join(".litopys")).unwrap();
        fs::write(root.join(".litopys/state"), "x").unwrap();
        fs::write(root.join("README.md"), "x").unwrap();
        std::thread::sleep(Duration::from_millis(1000));
        let v4 = get(addr, serve::VERSION_PATH).text();
        assert_eq!(v3, v4, "rebuilt after a change outside the watched paths");
    });
}

#[test]
fn serve_survives_content_being_replaced() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    fs::create_dir_all(root.join("content/raw")).unwrap();
    with_serve(root, |addr, wait_change| {
        let v0 = get(addr, serve::VERSION_PATH).text();
        fs::remove_dir_all(root.join("content")).unwrap();
        let v1 = wait_change(&v0);
        assert_ne!(v0, v1, "removing content/ did not rebuild");
        fs::create_dir_all(root.join("content/raw")).unwrap();
        let v2 = wait_change(&v1);
        assert_ne!(v1, v2, "creating content/ did not rebuild");
        std::thread::sleep(Duration::from_millis(300));
        let v2 = get(addr, serve::VERSION_PATH).text();
        fs::write(root.join("content/raw/a.txt"), "x").unwrap();
        let v3 = wait_change(&v2);
        assert_ne!(v2, v3, "editing the new content/ did not rebuild");
    });
}

/// Reads one HTTP/1.1 response (head and a `Content-Length` body) from a kept-alive connection;
/// the status, or `None` when nothing whole came in time.
fn read_one_response(s: &mut TcpStream) -> Option<u16> {
    let mut raw = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        if let Some(split) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&raw[..split]).to_ascii_lowercase();
            let len: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse().ok())?;
            if raw.len() >= split + 4 + len {
                return head.split(' ').nth(1)?.parse().ok();
            }
        }
        match s.read(&mut buf) {
            Ok(0) | Err(_) => return None,
            Ok(n) => raw.extend_from_slice(&buf[..n]),
        }
    }
}

#[test]
fn many_kept_alive_connections_opened_at_once_are_all_answered() {
    // A browser opens several connections at once and keeps them open between requests.
    // Every one of them must be served, however many the others are and however long they
    // stay open.
    let tmp = tempfile::tempdir().unwrap();
    sample_site(tmp.path());
    let server = start(tmp.path());
    for round in 0..20 {
        let mut conns: Vec<TcpStream> = (0..24)
            .map(|_| TcpStream::connect_timeout(&server.addr(), Duration::from_secs(5)).unwrap())
            .collect();
        for c in &mut conns {
            c.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
            c.write_all(b"GET /style.css HTTP/1.1\r\nHost: localhost\r\n\r\n")
                .unwrap();
        }
        for (i, c) in conns.iter_mut().enumerate() {
            assert_eq!(
                read_one_response(c),
                Some(200),
                "round {round}, connection {i}"
            );
        }
        // The same connections, kept open, are used again.
        for (i, c) in conns.iter_mut().enumerate() {
            c.write_all(b"GET /atom.xml HTTP/1.1\r\nHost: localhost\r\n\r\n")
                .unwrap();
            assert_eq!(read_one_response(c), Some(200), "round {round}, again {i}");
        }
    }
}

/// Everything the server sends on `s` until it closes the connection (or 10 s pass).
fn read_until_closed(s: &mut TcpStream) -> String {
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    String::from_utf8_lossy(&raw).into_owned()
}

#[test]
fn pipelined_requests_are_answered_in_order_and_head_has_no_body() {
    let tmp = tempfile::tempdir().unwrap();
    sample_site(tmp.path());
    let server = start(tmp.path());
    let mut s = TcpStream::connect(server.addr()).unwrap();
    // Three requests in one write; the last asks to close the connection.
    s.write_all(
        b"GET /atom.xml HTTP/1.1\r\nHost: x\r\n\r\n\
          HEAD /style.css HTTP/1.1\r\nHost: x\r\n\r\n\
          GET /nope.css HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    )
    .unwrap();
    let all = read_until_closed(&mut s);
    let statuses: Vec<&str> = all
        .match_indices("HTTP/1.1 ")
        .map(|(i, _)| &all[i + 9..i + 12])
        .collect();
    assert_eq!(statuses, ["200", "200", "404"], "{all}");
    // The first body follows its head; HEAD announces the length of a body it does not send.
    let first = all.find("<feed/>").expect("the first body");
    let head_at = all.find("HTTP/1.1 200 OK\r\n").unwrap();
    assert!(first > head_at);
    let second = &all[all[first..].find("HTTP/1.1").unwrap() + first..];
    assert!(
        second.contains("Content-Length: 17\r\n"),
        "HEAD gives the length of style.css: {second}"
    );
    assert!(!all.contains("color:#333"), "HEAD sent a body: {all}");
    assert!(second.contains("Connection: close\r\n"));
}

#[test]
fn bad_and_oversized_requests_get_an_error_and_the_connection_closes() {
    let tmp = tempfile::tempdir().unwrap();
    sample_site(tmp.path());
    let server = start(tmp.path());
    let send = |bytes: &[u8]| {
        let mut s = TcpStream::connect(server.addr()).unwrap();
        s.write_all(bytes).unwrap();
        read_until_closed(&mut s)
    };
    assert!(send(b"NOT HTTP AT ALL\r\n\r\n").starts_with("HTTP/1.1 400 "));
    let mut huge = b"GET / HTTP/1.1\r\nX-Long: ".to_vec();
    huge.extend(std::iter::repeat_n(b'a', 20_000));
    huge.extend_from_slice(b"\r\n\r\n");
    assert!(send(&huge).starts_with("HTTP/1.1 431 "));
    // A request with a body is refused and the connection closed (its body is not read).
    let post = send(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello");
    assert!(post.starts_with("HTTP/1.1 405 "), "{post}");
    assert!(post.contains("Connection: close\r\n"));
    // HTTP/1.0 closes after one response unless asked to keep the connection.
    let old = send(b"GET /atom.xml HTTP/1.0\r\n\r\n");
    assert!(
        old.starts_with("HTTP/1.1 200 ") && old.ends_with("<feed/>"),
        "{old}"
    );
}
