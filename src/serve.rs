//! `litopys serve`: builds the site, serves the output folder on a local HTTP server, watches
//! `content/`, `templates/` and `litopys.yaml`, rebuilds on change and reloads open pages.
//!
//! - `http`: request paths → files inside the output folder, content types, and the
//!   live-reload script injected into HTML responses (never into files on disk). Pages poll
//!   [`VERSION_PATH`]; the version changes after every successful rebuild.
//! - `watch`: which file-system events matter and the debouncing that turns a burst of them
//!   into one rebuild.
//!
//! A failed rebuild prints its errors and the previous output keeps being served (the build
//! writes nothing unless every page rendered, and `output::write` renames files into place, so
//! a request never sees a half-written file).

mod http;
mod watch;

pub use http::{resolve_request_path, Resolved, Server, VERSION_PATH};
pub use watch::Debouncer;

use crate::build::{self, BuildOptions};
use anyhow::{Context, Result};
use notify::{EventKind, RecursiveMode, Watcher};
use std::collections::HashSet;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use watch::{event_matters, WatchScope};

/// Quiet time that ends a burst of events.
const DEBOUNCE: Duration = Duration::from_millis(200);
/// Longest a continuous stream of events can postpone a rebuild.
const MAX_DELAY: Duration = Duration::from_secs(2);
/// How long after a build its own writes (ingest's Markdown) are not taken for edits.
const ECHO_WINDOW: Duration = Duration::from_millis(1500);

/// Options of `litopys serve`.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub root: PathBuf,
    pub port: u16,
    pub bind: String,
    /// Output folder (default `public/` under the root).
    pub output: Option<PathBuf>,
}

impl ServeOptions {
    /// Defaults: 127.0.0.1:1111, output `public/` under `root`.
    pub fn new(root: impl Into<PathBuf>) -> ServeOptions {
        ServeOptions {
            root: root.into(),
            port: 1111,
            bind: "127.0.0.1".into(),
            output: None,
        }
    }
}

/// Serves until the process is interrupted.
pub fn serve(opts: &ServeOptions) -> Result<()> {
    serve_until(opts, &AtomicBool::new(false), |_| {})
}

/// Serves until `stop` becomes true (checked a few times a second). `on_ready` gets the bound
/// address once the first build is done and the watcher is about to start.
pub fn serve_until(
    opts: &ServeOptions,
    stop: &AtomicBool,
    on_ready: impl FnOnce(SocketAddr),
) -> Result<()> {
    let root = opts
        .root
        .canonicalize()
        .with_context(|| format!("cannot open site folder {}", opts.root.display()))?;
    let build_opts = BuildOptions {
        root: root.clone(),
        base_url: None,
        output: opts.output.clone(),
        force: false,
        ends_process: false,
    };
    let out = build::output_dir(&build_opts);
    let server = Server::start(&out, &opts.bind, opts.port)?;
    let addr = server.addr();
    let shown = if addr.ip().is_unspecified() {
        SocketAddr::new([127, 0, 0, 1].into(), addr.port())
    } else {
        addr
    };
    println!(
        "Serving {} at http://{shown}/ — watching content/, templates/, litopys.yaml (Ctrl+C to stop)",
        out.display()
    );

    // Watch before the first build, so an edit made while it runs is not missed.
    let (tx, rx) = mpsc::channel();
    let mut watcher = notify::recommended_watcher(tx).context("cannot watch files")?;
    let mut watched: HashSet<PathBuf> = HashSet::new();
    add_watches(&mut watcher, &root, &mut watched);

    // The server may already be asked for pages: the first build goes into an existing folder,
    // where every file appears whole (into a folder that does not exist, a build writes files
    // in place: see `output`). A folder that cannot be made is the build's error to report.
    let _ = std::fs::create_dir_all(&out);
    let mut echo = rebuild(&build_opts, &server);
    let mut echo_until = Instant::now() + ECHO_WINDOW;
    // After the first build, so the output folder exists and its real path is known.
    let scope = scope_for(&root, &out);
    on_ready(addr);

    let mut debouncer = Debouncer::new(DEBOUNCE, MAX_DELAY);
    while !stop.load(Ordering::SeqCst) {
        let now = Instant::now();
        let wait = debouncer
            .deadline()
            .map(|d| d.saturating_duration_since(now))
            .unwrap_or(Duration::MAX)
            .min(Duration::from_millis(250));
        match rx.recv_timeout(wait) {
            Ok(Ok(event)) => {
                if Instant::now() > echo_until {
                    echo.clear();
                }
                if matches!(event.kind, EventKind::Remove(_)) {
                    // A watched folder removed (and perhaps created again): watch it anew.
                    for p in &event.paths {
                        if watched.remove(p) {
                            let _ = watcher.unwatch(p);
                        }
                    }
                }
                if event_matters(&event.kind, &event.paths, &scope, &echo) {
                    debouncer.event(Instant::now());
                }
            }
            Ok(Err(e)) => eprintln!("[{}] watch error: {e}", clock()),
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                anyhow::bail!("the file watcher stopped")
            }
        }
        if debouncer.take_if_due(Instant::now()) {
            // Watch newly created folders first, so no change made during the build is missed.
            add_watches(&mut watcher, &root, &mut watched);
            echo = rebuild(&build_opts, &server);
            echo_until = Instant::now() + ECHO_WINDOW;
        }
    }
    drop(watcher);
    server.stop();
    Ok(())
}

/// What to watch and what to ignore for the site at (canonical) `root` writing to `out`.
fn scope_for(root: &Path, out: &Path) -> WatchScope {
    let mut ignore = vec![root.join(".litopys")];
    if let Ok(abs) = std::path::absolute(out) {
        ignore.push(abs);
    }
    if let Ok(canon) = out.canonicalize() {
        ignore.push(canon);
    }
    WatchScope {
        dirs: vec![root.join("content"), root.join("templates")],
        files: vec![root.join(crate::config::CONFIG_FILE)],
        ignore,
    }
}

/// Watches the root (not recursively: it sees `litopys.yaml` replaced and `content/` or
/// `templates/` created) and `content/` and `templates/` recursively once they exist.
fn add_watches(watcher: &mut impl Watcher, root: &Path, watched: &mut HashSet<PathBuf>) {
    let wanted = [
        (root.to_path_buf(), RecursiveMode::NonRecursive),
        (root.join("content"), RecursiveMode::Recursive),
        (root.join("templates"), RecursiveMode::Recursive),
    ];
    for (path, mode) in wanted {
        if watched.contains(&path) || !path.is_dir() {
            continue;
        }
        match watcher.watch(&path, mode) {
            Ok(()) => {
                watched.insert(path);
            }
            Err(e) => eprintln!("cannot watch {}: {e}", path.display()),
        }
    }
}

/// Builds once and reports; on success bumps the server's version (open pages reload).
/// Returns the files the build's ingest wrote (their events are the build's own echo).
fn rebuild(opts: &BuildOptions, server: &Server) -> HashSet<PathBuf> {
    let started = Instant::now();
    match build::build(opts) {
        Ok(r) => {
            for p in &r.ingest.kept_edited {
                println!("kept {} (changed by an editor)", p.display());
            }
            for (p, m) in &r.ingest.errors {
                eprintln!("error: {}: {m}", p.display());
            }
            println!(
                "[{}] built in {:.2?}: {} articles, {} people, {} files ({} written, {} unchanged, {} removed){}",
                clock(),
                started.elapsed(),
                r.articles,
                r.people,
                r.pages,
                r.write.written,
                r.write.unchanged,
                r.write.removed,
                if r.ingest.errors.is_empty() {
                    String::new()
                } else {
                    format!("; {} raw file(s) failed to ingest", r.ingest.errors.len())
                }
            );
            server.bump_version();
            r.ingest
                .written
                .iter()
                .filter_map(|p| std::path::absolute(p).ok())
                .collect()
        }
        Err(e) => {
            eprintln!(
                "[{}] build failed; still serving the previous output\n{e}",
                clock()
            );
            HashSet::new()
        }
    }
}

/// The time of day (UTC) as HH:MM:SS.
fn clock() -> String {
    let s = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
        % 86_400;
    format!("{:02}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_ignores_output_inside_content() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().canonicalize().unwrap();
        let out = root.join("content/out");
        std::fs::create_dir_all(&out).unwrap();
        let s = scope_for(&root, &out);
        assert!(!s.matters(&out.join("index.html")));
        assert!(s.matters(&root.join("content/raw/a.txt")));
        assert!(!s.matters(&root.join(".litopys/state")));
    }

    #[test]
    fn clock_looks_like_a_time() {
        let c = clock();
        assert_eq!(c.len(), 8);
        assert_eq!(&c[2..3], ":");
    }
}
