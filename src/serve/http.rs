//! The HTTP side of `litopys serve`: maps request paths to files inside the output folder
//! (never outside it), serves them with their content type, and injects the live-reload script
//! into HTML responses (only into responses: files on disk are never changed).
//!
//! HTTP/1.1 over the standard library's sockets: a thread per connection, request heads parsed
//! by `httparse`, GET and HEAD only (nothing else is needed to browse a static site).

use crate::output::{LOCK_FILE, MANIFEST_FILE, PLAN_FILE};
use anyhow::{Context, Result};
use std::fs;
use std::io::{ErrorKind, Read, Write};
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Path polled by the live-reload script; answers the current site version.
pub const VERSION_PATH: &str = "/__litopys/version";

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

/// State shared by the accept loop and the connection threads.
struct Shared {
    out_dir: PathBuf,
    /// Distinguishes server runs, so a page from a previous run reloads.
    run: u64,
    version: AtomicU64,
    stopping: AtomicBool,
    /// Connections being served now.
    open: AtomicUsize,
}

impl Shared {
    fn version(&self) -> String {
        format!("{:x}-{}", self.run, self.version.load(Ordering::SeqCst))
    }
}

/// A running HTTP server over an output folder. Stops when [`Server::stop`]ped or dropped.
///
/// One thread accepts connections and each connection gets a thread of its own, which serves
/// its requests one after another (HTTP/1.1 keep-alive) until the client closes it, asks to
/// close it, or leaves it idle for [`IDLE`]. So a connection a browser keeps open never holds
/// up another one.
pub struct Server {
    addr: SocketAddr,
    shared: Arc<Shared>,
    accept: Option<JoinHandle<()>>,
}

impl Server {
    /// Binds `bind:port` (port 0 picks a free one) and serves `out_dir` (which need not exist
    /// yet) on a background thread.
    pub fn start(out_dir: &Path, bind: &str, port: u16) -> Result<Server> {
        let listener = TcpListener::bind((bind, port))
            .with_context(|| format!("cannot listen on {bind}:{port}"))?;
        let addr = listener.local_addr().context("the server has no address")?;
        let run = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0);
        let shared = Arc::new(Shared {
            out_dir: out_dir.to_path_buf(),
            run,
            version: AtomicU64::new(0),
            stopping: AtomicBool::new(false),
            open: AtomicUsize::new(0),
        });
        let sh = Arc::clone(&shared);
        let accept = std::thread::Builder::new()
            .name("litopys-http".into())
            .spawn(move || accept_loop(listener, sh))
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

    /// Stops accepting connections and waits for the accept thread. Open connections close
    /// after the request they are serving, or within [`POLL`] when idle.
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        self.shared.stopping.store(true, Ordering::SeqCst);
        let Some(h) = self.accept.take() else {
            return;
        };
        // The accept thread waits in `accept`: a connection of our own wakes it. If none can be
        // made, the thread is left to end with the process rather than waited for forever.
        let mut wake = self.addr;
        if wake.ip().is_unspecified() {
            wake.set_ip(match wake {
                SocketAddr::V4(_) => Ipv4Addr::LOCALHOST.into(),
                SocketAddr::V6(_) => Ipv6Addr::LOCALHOST.into(),
            });
        }
        if TcpStream::connect_timeout(&wake, Duration::from_secs(1)).is_ok() {
            let _ = h.join();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// Connections served at once; one more is answered 503 and closed (a dev server for one
/// person never gets near it).
const MAX_OPEN: usize = 128;
/// How long a kept-alive connection may stay idle before the server closes it.
const IDLE: Duration = Duration::from_secs(30);
/// How often an idle connection checks whether the server is stopping.
const POLL: Duration = Duration::from_millis(500);
/// The longest request head (request line and headers) read; a longer one gets 431.
const MAX_HEAD: usize = 16 * 1024;
/// The most headers a request may have; more get 431.
const MAX_HEADERS: usize = 64;

fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    for conn in listener.incoming() {
        if shared.stopping.load(Ordering::SeqCst) {
            break;
        }
        let Ok(stream) = conn else {
            // Out of file descriptors, say: let open connections finish before trying again.
            std::thread::sleep(Duration::from_millis(50));
            continue;
        };
        if shared.open.fetch_add(1, Ordering::SeqCst) >= MAX_OPEN {
            shared.open.fetch_sub(1, Ordering::SeqCst);
            let mut stream = stream;
            let busy = Reply::text(503, "503 Service Unavailable: too many connections\n");
            let _ = stream.set_write_timeout(Some(Duration::from_secs(1)));
            let _ = busy.write_to(&mut stream, false, false);
            continue;
        }
        let sh = Arc::clone(&shared);
        let spawned = std::thread::Builder::new()
            .name("litopys-connection".into())
            .spawn(move || {
                serve_connection(&sh, stream);
                sh.open.fetch_sub(1, Ordering::SeqCst);
            });
        if spawned.is_err() {
            shared.open.fetch_sub(1, Ordering::SeqCst);
        }
    }
}

/// One request head, as read off a connection.
struct RequestHead {
    method: String,
    target: String,
    /// Whether the connection stays open after the response.
    keep_alive: bool,
    /// Whether a body follows the head (a GET or HEAD has none; anything else is refused and
    /// the connection closed rather than its body skipped).
    has_body: bool,
}

/// What reading the next request gave.
enum Next {
    Request(RequestHead),
    /// The client closed the connection, it stayed idle too long, or the server is stopping.
    Closed,
    /// A head that is not HTTP/1.x, or too long: answer with this status and close.
    Refuse(u16),
}

/// Serves the requests of one connection, one after another, until it closes.
fn serve_connection(shared: &Shared, mut stream: TcpStream) {
    let _ = stream.set_nodelay(true);
    let _ = stream.set_read_timeout(Some(POLL));
    let _ = stream.set_write_timeout(Some(IDLE));
    let mut buf: Vec<u8> = Vec::with_capacity(4096);
    loop {
        match next_request(shared, &mut stream, &mut buf) {
            Next::Closed => return,
            Next::Refuse(status) => {
                let reply = Reply::text(status, &format!("{status} {}\n", reason(status)));
                let _ = reply.write_to(&mut stream, false, false);
                return;
            }
            Next::Request(rq) => {
                let reply = respond(shared, &rq.method, &rq.target);
                let keep = rq.keep_alive && !rq.has_body && !shared.stopping.load(Ordering::SeqCst);
                let head_only = rq.method == "HEAD";
                if reply.write_to(&mut stream, keep, head_only).is_err() || !keep {
                    return;
                }
            }
        }
    }
}

/// Reads until `buf` holds a whole request head, parses it and takes it off `buf` (bytes after
/// it, a pipelined request, stay).
fn next_request(shared: &Shared, stream: &mut TcpStream, buf: &mut Vec<u8>) -> Next {
    let mut idle = Duration::ZERO;
    let mut chunk = [0u8; 4096];
    loop {
        if !buf.is_empty() {
            let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
            let mut parsed = httparse::Request::new(&mut headers);
            match parsed.parse(buf) {
                Ok(httparse::Status::Complete(len)) => {
                    let head = request_head(&parsed);
                    buf.drain(..len);
                    return head.map_or(Next::Refuse(400), Next::Request);
                }
                Ok(httparse::Status::Partial) if buf.len() >= MAX_HEAD => return Next::Refuse(431),
                Ok(httparse::Status::Partial) => {}
                Err(httparse::Error::TooManyHeaders) => return Next::Refuse(431),
                Err(_) => return Next::Refuse(400),
            }
        }
        if shared.stopping.load(Ordering::SeqCst) && buf.is_empty() {
            return Next::Closed;
        }
        match stream.read(&mut chunk) {
            Ok(0) => return Next::Closed,
            Ok(n) => {
                buf.extend_from_slice(&chunk[..n]);
                idle = Duration::ZERO;
            }
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                idle += POLL;
                if idle >= IDLE || shared.stopping.load(Ordering::SeqCst) {
                    return Next::Closed;
                }
            }
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(_) => return Next::Closed,
        }
    }
}

/// The parts of a parsed head that matter here; `None` when the head is not usable.
fn request_head(parsed: &httparse::Request) -> Option<RequestHead> {
    let method = parsed.method?.to_string();
    let target = parsed.path?.to_string();
    let version = parsed.version?;
    let mut close = false;
    let mut keep = false;
    let mut has_body = false;
    for h in parsed.headers.iter() {
        let value = String::from_utf8_lossy(h.value);
        if h.name.eq_ignore_ascii_case("connection") {
            for token in value.split(',') {
                close |= token.trim().eq_ignore_ascii_case("close");
                keep |= token.trim().eq_ignore_ascii_case("keep-alive");
            }
        } else if h.name.eq_ignore_ascii_case("transfer-encoding") {
            has_body = true;
        } else if h.name.eq_ignore_ascii_case("content-length") {
            has_body |= value.trim() != "0";
        }
    }
    // HTTP/1.1 keeps the connection unless told otherwise; HTTP/1.0 closes it unless asked.
    let keep_alive = !close && (version == 1 || keep);
    Some(RequestHead {
        method,
        target,
        keep_alive,
        has_body,
    })
}

/// A response: its status, headers and body.
struct Reply {
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn new(status: u16, content_type: &str, cache: &str, body: Vec<u8>) -> Reply {
        Reply {
            status,
            headers: vec![
                ("Content-Type", content_type.to_string()),
                ("Cache-Control", cache.to_string()),
            ],
            body,
        }
    }

    /// A plain-text response that is never cached.
    fn text(status: u16, body: &str) -> Reply {
        Reply::new(status, "text/plain; charset=utf-8", "no-store", body.into())
    }

    fn with(mut self, name: &'static str, value: &str) -> Reply {
        self.headers.push((name, value.to_string()));
        self
    }

    /// Writes the status line, headers and (unless `head_only`) the body in one write.
    fn write_to(
        &self,
        out: &mut impl Write,
        keep_alive: bool,
        head_only: bool,
    ) -> std::io::Result<()> {
        let mut msg = Vec::with_capacity(256 + if head_only { 0 } else { self.body.len() });
        write!(
            msg,
            "HTTP/1.1 {} {}\r\nDate: {}\r\nContent-Length: {}\r\nConnection: {}\r\n",
            self.status,
            reason(self.status),
            httpdate::fmt_http_date(SystemTime::now()),
            self.body.len(),
            if keep_alive { "keep-alive" } else { "close" },
        )?;
        for (name, value) in &self.headers {
            write!(msg, "{name}: {value}\r\n")?;
        }
        msg.extend_from_slice(b"\r\n");
        if !head_only {
            msg.extend_from_slice(&self.body);
        }
        out.write_all(&msg)?;
        out.flush()
    }
}

/// The reason phrase of the statuses this server sends.
fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        302 => "Found",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        431 => "Request Header Fields Too Large",
        503 => "Service Unavailable",
        _ => "",
    }
}

/// Builds the response for one request.
fn respond(shared: &Shared, method: &str, url: &str) -> Reply {
    if !matches!(method, "GET" | "HEAD") {
        return Reply::text(405, "405 Method Not Allowed\n").with("Allow", "GET, HEAD");
    }
    let path = url.split(['?', '#']).next().unwrap_or("");
    if path == VERSION_PATH {
        return Reply::text(200, &shared.version());
    }
    match resolve_request_path(&shared.out_dir, url) {
        Resolved::File(p) => serve_file(shared, &p, 200).unwrap_or_else(|| not_found(shared)),
        Resolved::Redirect(loc) => Reply::text(302, &format!("see {loc}\n")).with("Location", &loc),
        Resolved::NotFound => not_found(shared),
        Resolved::BadRequest => Reply::text(400, "400 Bad Request\n"),
    }
}

fn not_found(shared: &Shared) -> Reply {
    if let Resolved::File(p) = resolve_request_path(&shared.out_dir, "/404.html") {
        if let Some(r) = serve_file(shared, &p, 404) {
            return r;
        }
    }
    Reply::text(404, "404 Not Found\n")
}

/// The file's bytes (HTML with the reload script) with its content type; `None` if it
/// vanished since it was resolved.
fn serve_file(shared: &Shared, path: &Path, status: u16) -> Option<Reply> {
    let bytes = fs::read(path).ok()?;
    let ctype = content_type(path);
    let body = if ctype.starts_with("text/html") {
        inject_script(&bytes, &reload_script(&shared.version()))
    } else {
        bytes
    };
    Some(Reply::new(status, ctype, "no-cache", body).with("X-Content-Type-Options", "nosniff"))
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
