//! The HTTP side of `litopys serve`: maps request paths to files inside the output folder
//! (never outside it), serves them with their content type, and injects the live-reload script
//! into HTML responses (only into responses: files on disk are never changed).

use crate::output::{LOCK_FILE, MANIFEST_FILE, PLAN_FILE};
use anyhow::{Context, Result};
use std::fs;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tiny_http::{Header, Method, Request, Response, StatusCode};

/// Path polled by the live-reload script; answers the current site version.
pub const VERSION_PATH: &str = "/__litopys/version";

/// Requests handled at once; more get 503 (a dev server for one person never gets near it).
const MAX_ACTIVE: usize = 64;

/// Where a request path leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    /// A file inside the output folder (canonical path).
    File(PathBuf),
    /// A folder with an `index.html`, asked for without the trailing slash: redirect here.
    Redirect(String),
    /// Nothing there (or something outside the output folder).
    NotFound,
    /// A malformed or hostile path (`..`, bad percent-encoding, backslash, NUL).
    BadRequest,
}

/// Decodes `%XX` escapes; `None` on a malformed escape.
fn percent_decode(s: &str) -> Option<Vec<u8>> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = b.get(i + 1..i + 3)?;
            if !hex.iter().all(u8::is_ascii_hexdigit) {
                return None;
            }
            let hex = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    Some(out)
}

/// Encodes one path segment for a `Location` header.
fn percent_encode_segment(seg: &str) -> String {
    let mut out = String::with_capacity(seg.len());
    for &b in seg.as_bytes() {
        if b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Maps a request target (`/a/b/?q`) to what should be served from `out_dir`.
///
/// `/` and `/dir/` mean `dir/index.html`; `/dir` is redirected to `/dir/` when `dir/index.html`
/// exists. Any decoded `.` or `..` segment, backslash or NUL is a bad request; the final path
/// is canonicalized and must lie inside the canonicalized `out_dir`, so symlinks cannot lead
/// out. litopys' own hidden files (manifest, lock) are not served.
pub fn resolve_request_path(out_dir: &Path, url_path: &str) -> Resolved {
    let (raw, query) = match url_path.find('?') {
        Some(i) => (&url_path[..i], &url_path[i..]),
        None => (url_path, ""),
    };
    let raw = raw.split('#').next().unwrap_or("");
    if !raw.starts_with('/') {
        return Resolved::BadRequest;
    }
    let Some(bytes) = percent_decode(raw) else {
        return Resolved::BadRequest;
    };
    let Ok(decoded) = String::from_utf8(bytes) else {
        return Resolved::BadRequest;
    };
    if decoded.contains('\\') || decoded.chars().any(|c| c.is_control()) {
        return Resolved::BadRequest;
    }
    let segs: Vec<&str> = decoded.split('/').filter(|s| !s.is_empty()).collect();
    if segs.iter().any(|s| *s == "." || *s == "..") {
        return Resolved::BadRequest;
    }
    // On Windows a segment like `C:` would replace the path it is joined to.
    if cfg!(windows) && segs.iter().any(|s| s.contains(':')) {
        return Resolved::BadRequest;
    }
    if let Some(first) = segs.first() {
        if segs.len() == 1 && [MANIFEST_FILE, LOCK_FILE, PLAN_FILE].contains(first) {
            return Resolved::NotFound;
        }
    }
    if segs.iter().any(|s| s.contains(".litopys-tmp-")) {
        return Resolved::NotFound;
    }
    let Ok(root) = out_dir.canonicalize() else {
        return Resolved::NotFound;
    };
    let mut path = root.clone();
    path.extend(&segs);
    if segs.is_empty() || decoded.ends_with('/') {
        return file_inside(&root, &path.join("index.html"));
    }
    match fs::metadata(&path) {
        Ok(m) if m.is_dir() => match file_inside(&root, &path.join("index.html")) {
            Resolved::File(_) => {
                let mut loc = String::new();
                for s in &segs {
                    loc.push('/');
                    loc.push_str(&percent_encode_segment(s));
                }
                loc.push('/');
                loc.push_str(query);
                Resolved::Redirect(loc)
            }
            other => other,
        },
        Ok(_) => file_inside(&root, &path),
        Err(_) => Resolved::NotFound,
    }
}

/// `File(canonical)` if `path` resolves to a regular file inside the canonical `root`.
fn file_inside(root: &Path, path: &Path) -> Resolved {
    match path.canonicalize() {
        Ok(c) if c.starts_with(root) && c.is_file() => Resolved::File(c),
        _ => Resolved::NotFound,
    }
}

/// The `Content-Type` for a file name.
fn content_type(path: &Path) -> &'static str {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(|e| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "xml" => "application/xml; charset=utf-8",
        "rss" => "application/rss+xml; charset=utf-8",
        "atom" => "application/atom+xml; charset=utf-8",
        "json" => "application/json; charset=utf-8",
        "txt" | "md" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml; charset=utf-8",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "ttf" => "font/ttf",
        "pdf" => "application/pdf",
        "wasm" => "application/wasm",
        _ => "application/octet-stream",
    }
}

/// The live-reload script for a page served at site version `version`: it polls
/// [`VERSION_PATH`] every second and reloads when the answer differs (a rebuild, or a restarted
/// server); while the server is down it keeps retrying.
fn reload_script(version: &str) -> String {
    format!(
        "<script>/* litopys serve: live reload */(function(){{var v=\"{version}\";\
function p(){{fetch(\"{VERSION_PATH}\",{{cache:\"no-store\"}})\
.then(function(r){{return r.ok?r.text():v}})\
.then(function(t){{if(t.trim()!==v){{location.reload()}}else{{setTimeout(p,1000)}}}},\
function(){{setTimeout(p,2000)}})}}setTimeout(p,1000)}})();</script>"
    )
}

/// Inserts `script` before the last `</body` (any case), or appends it if there is none.
fn inject_script(html: &[u8], script: &str) -> Vec<u8> {
    const NEEDLE: &[u8] = b"</body";
    let at = html
        .windows(NEEDLE.len())
        .rposition(|w| w.eq_ignore_ascii_case(NEEDLE))
        .unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + script.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(script.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

/// State shared by the accept loop and the request threads.
struct Shared {
    out_dir: PathBuf,
    /// Distinguishes server runs, so a page from a previous run reloads.
    run: u64,
    version: AtomicU64,
    stopping: AtomicBool,
    active: AtomicUsize,
}

impl Shared {
    fn version(&self) -> String {
        format!("{:x}-{}", self.run, self.version.load(Ordering::SeqCst))
    }
}

/// A running HTTP server over an output folder. Stops when [`Server::stop`]ped or dropped.
pub struct Server {
    addr: SocketAddr,
    shared: Arc<Shared>,
    accept: Option<JoinHandle<()>>,
}

impl Server {
    /// Binds `bind:port` (port 0 picks a free one) and serves `out_dir` (which need not exist
    /// yet) on a background thread.
    pub fn start(out_dir: &Path, bind: &str, port: u16) -> Result<Server> {
        let http = tiny_http::Server::http((bind, port))
            .map_err(|e| anyhow::anyhow!("{e}"))
            .with_context(|| format!("cannot listen on {bind}:{port}"))?;
        let addr = http
            .server_addr()
            .to_ip()
            .context("the server has no IP address")?;
        let run = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0);
        let shared = Arc::new(Shared {
            out_dir: out_dir.to_path_buf(),
            run,
            version: AtomicU64::new(0),
            stopping: AtomicBool::new(false),
            active: AtomicUsize::new(0),
        });
        let sh = Arc::clone(&shared);
        let accept = std::thread::Builder::new()
            .name("litopys-http".into())
            .spawn(move || accept_loop(http, sh))
            .context("cannot start the server thread")?;
        Ok(Server {
            addr,
            shared,
            accept: Some(accept),
        })
    }

    /// The address actually bound.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The version string pages compare against.
    pub fn version(&self) -> String {
        self.shared.version()
    }

    /// Marks a new site version (after a successful rebuild): open pages reload.
    pub fn bump_version(&self) {
        self.shared.version.fetch_add(1, Ordering::SeqCst);
    }

    /// Stops accepting requests and waits for the accept thread (not for open requests).
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        self.shared.stopping.store(true, Ordering::SeqCst);
        if let Some(h) = self.accept.take() {
            let _ = h.join();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.shutdown();
    }
}

fn accept_loop(http: tiny_http::Server, shared: Arc<Shared>) {
    while !shared.stopping.load(Ordering::SeqCst) {
        match http.recv_timeout(Duration::from_millis(100)) {
            Ok(Some(rq)) => {
                if shared.active.fetch_add(1, Ordering::SeqCst) >= MAX_ACTIVE {
                    shared.active.fetch_sub(1, Ordering::SeqCst);
                    let _ = rq.respond(Response::from_string("busy").with_status_code(503));
                    continue;
                }
                let sh = Arc::clone(&shared);
                let spawned = std::thread::Builder::new()
                    .name("litopys-request".into())
                    .spawn(move || {
                        handle(&sh, rq);
                        sh.active.fetch_sub(1, Ordering::SeqCst);
                    });
                if spawned.is_err() {
                    shared.active.fetch_sub(1, Ordering::SeqCst);
                }
            }
            Ok(None) => {}
            Err(_) => std::thread::sleep(Duration::from_millis(50)),
        }
    }
}

fn header(name: &str, value: &str) -> Option<Header> {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).ok()
}

fn with_headers<R: std::io::Read>(mut r: Response<R>, headers: &[(&str, &str)]) -> Response<R> {
    for (n, v) in headers {
        if let Some(h) = header(n, v) {
            r.add_header(h);
        }
    }
    r
}

fn text(status: u16, body: &str) -> Response<std::io::Cursor<Vec<u8>>> {
    with_headers(
        Response::from_string(body).with_status_code(StatusCode(status)),
        &[
            ("Content-Type", "text/plain; charset=utf-8"),
            ("Cache-Control", "no-store"),
        ],
    )
}

fn handle(shared: &Shared, rq: Request) {
    let response = respond(shared, rq.method(), rq.url());
    let _ = rq.respond(response);
}

/// Builds the response for one request.
fn respond(shared: &Shared, method: &Method, url: &str) -> Response<std::io::Cursor<Vec<u8>>> {
    if !matches!(method, Method::Get | Method::Head) {
        return with_headers(
            text(405, "405 Method Not Allowed\n"),
            &[("Allow", "GET, HEAD")],
        );
    }
    let path = url.split(['?', '#']).next().unwrap_or("");
    if path == VERSION_PATH {
        return text(200, &shared.version());
    }
    match resolve_request_path(&shared.out_dir, url) {
        Resolved::File(p) => serve_file(shared, &p, 200).unwrap_or_else(|| not_found(shared)),
        Resolved::Redirect(loc) => with_headers(
            text(302, &format!("see {loc}\n")),
            &[("Location", loc.as_str())],
        ),
        Resolved::NotFound => not_found(shared),
        Resolved::BadRequest => text(400, "400 Bad Request\n"),
    }
}

fn not_found(shared: &Shared) -> Response<std::io::Cursor<Vec<u8>>> {
    if let Resolved::File(p) = resolve_request_path(&shared.out_dir, "/404.html") {
        if let Some(r) = serve_file(shared, &p, 404) {
            return r;
        }
    }
    text(404, "404 Not Found\n")
}

/// The file's bytes (HTML with the reload script) with its content type; `None` if it
/// vanished since it was resolved.
fn serve_file(
    shared: &Shared,
    path: &Path,
    status: u16,
) -> Option<Response<std::io::Cursor<Vec<u8>>>> {
    let bytes = fs::read(path).ok()?;
    let ctype = content_type(path);
    let body = if ctype.starts_with("text/html") {
        inject_script(&bytes, &reload_script(&shared.version()))
    } else {
        bytes
    };
    Some(with_headers(
        Response::from_data(body).with_status_code(StatusCode(status)),
        &[
            ("Content-Type", ctype),
            ("Cache-Control", "no-cache"),
            ("X-Content-Type-Options", "nosniff"),
        ],
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_percent_escapes() {
        assert_eq!(percent_decode("/a%20b").as_deref(), Some(&b"/a b"[..]));
        assert_eq!(percent_decode("/%2e%2E").as_deref(), Some(&b"/.."[..]));
        assert_eq!(percent_decode("/%2"), None);
        assert_eq!(percent_decode("/%zz"), None);
        assert_eq!(percent_decode("/%+1"), None);
    }

    #[test]
    fn injects_before_the_last_body_close() {
        let out = inject_script(b"<html><BODY>x</Body></html>", "<s>");
        assert_eq!(out, b"<html><BODY>x<s></Body></html>");
        let out = inject_script(b"no body", "<s>");
        assert_eq!(out, b"no body<s>");
    }

    #[test]
    fn content_types() {
        assert_eq!(
            content_type(Path::new("a/index.html")),
            "text/html; charset=utf-8"
        );
        assert_eq!(content_type(Path::new("s.CSS")), "text/css; charset=utf-8");
        assert_eq!(content_type(Path::new("x.woff2")), "font/woff2");
        assert_eq!(content_type(Path::new("x")), "application/octet-stream");
    }

    #[test]
    fn resolves_paths() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path();
        fs::create_dir_all(out.join("dir")).unwrap();
        fs::create_dir_all(out.join("empty")).unwrap();
        fs::write(out.join("index.html"), "home").unwrap();
        fs::write(out.join("dir/index.html"), "dir").unwrap();
        fs::write(out.join("a b.txt"), "x").unwrap();
        fs::write(out.join(MANIFEST_FILE), "{}").unwrap();
        let root = out.canonicalize().unwrap();
        let file = |p: &str| Resolved::File(root.join(p));
        assert_eq!(resolve_request_path(out, "/"), file("index.html"));
        assert_eq!(resolve_request_path(out, "/?x=1"), file("index.html"));
        assert_eq!(resolve_request_path(out, "/dir/"), file("dir/index.html"));
        assert_eq!(resolve_request_path(out, "//dir//"), file("dir/index.html"));
        assert_eq!(
            resolve_request_path(out, "/dir?q=1"),
            Resolved::Redirect("/dir/?q=1".into())
        );
        assert_eq!(resolve_request_path(out, "/empty"), Resolved::NotFound);
        assert_eq!(resolve_request_path(out, "/a%20b.txt"), file("a b.txt"));
        assert_eq!(resolve_request_path(out, "/nope"), Resolved::NotFound);
        assert_eq!(
            resolve_request_path(out, &format!("/{MANIFEST_FILE}")),
            Resolved::NotFound
        );
        for bad in [
            "/../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/dir/%2E%2E/%2e%2e/x",
            "/..%2f..%2fetc",
            "/%5c..%5cx",
            "/a%00b",
            "/%zz",
            "relative",
            "/%ff",
            "/./index.html",
        ] {
            assert_eq!(
                resolve_request_path(out, bad),
                Resolved::BadRequest,
                "{bad}"
            );
        }
    }
}
