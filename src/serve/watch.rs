//! Deciding when to rebuild: which file-system events matter, and coalescing a burst of them
//! into one rebuild. Both are pure, so they are tested without a file system watcher.

use notify::event::{AccessKind, AccessMode, EventKind};
use std::collections::HashSet;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Coalesces events: a rebuild is due once no event came for `quiet`, or `max_delay` after the
/// first event of the burst (so a stream of events cannot postpone it forever).
#[derive(Debug, Clone)]
pub struct Debouncer {
    quiet: Duration,
    max_delay: Duration,
    first: Option<Instant>,
    last: Option<Instant>,
}

impl Debouncer {
    /// A debouncer that waits for `quiet` without events, at most `max_delay`.
    pub fn new(quiet: Duration, max_delay: Duration) -> Debouncer {
        Debouncer {
            quiet,
            max_delay,
            first: None,
            last: None,
        }
    }

    /// Records an event at `now`.
    pub fn event(&mut self, now: Instant) {
        self.first.get_or_insert(now);
        self.last = Some(now);
    }

    /// Whether events are waiting.
    pub fn pending(&self) -> bool {
        self.first.is_some()
    }

    /// When the pending burst becomes due, if any.
    pub fn deadline(&self) -> Option<Instant> {
        let (first, last) = (self.first?, self.last?);
        Some((last + self.quiet).min(first + self.max_delay))
    }

    /// Whether a rebuild is due at `now`.
    pub fn due(&self, now: Instant) -> bool {
        self.deadline().is_some_and(|d| now >= d)
    }

    /// If due at `now`, forgets the burst and returns true (the caller rebuilds).
    pub fn take_if_due(&mut self, now: Instant) -> bool {
        if self.due(now) {
            self.first = None;
            self.last = None;
            true
        } else {
            false
        }
    }
}

/// The paths a site's watcher cares about, and the ones it must ignore.
#[derive(Debug, Clone)]
pub struct WatchScope {
    /// Folders whose contents matter (`content/`, `templates/`).
    pub dirs: Vec<PathBuf>,
    /// Single files that matter (`litopys.yaml`).
    pub files: Vec<PathBuf>,
    /// Folders never to react to (the output folder, `.litopys/`), in every spelling we know.
    pub ignore: Vec<PathBuf>,
}

impl WatchScope {
    /// Whether a change to `path` should cause a rebuild.
    pub fn matters(&self, path: &Path) -> bool {
        if self.ignore.iter().any(|i| path.starts_with(i)) {
            return false;
        }
        if is_editor_scratch(path) {
            return false;
        }
        self.files.iter().any(|f| path == f) || self.dirs.iter().any(|d| path.starts_with(d))
    }
}

/// Editors' swap, backup and probe files, which come and go without the content changing.
fn is_editor_scratch(path: &Path) -> bool {
    let name = path.file_name().and_then(OsStr::to_str).unwrap_or("");
    name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.starts_with(".#")
        || name == "4913"
        || name == ".DS_Store"
}

/// Whether an event of `kind` on `paths` should cause a rebuild. Reads (the build opening the
/// files it reads) never do; `self_written` holds files the last build itself wrote (ingest's
/// Markdown), whose events are its own echo.
pub fn event_matters(
    kind: &EventKind,
    paths: &[PathBuf],
    scope: &WatchScope,
    self_written: &HashSet<PathBuf>,
) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => {}
        EventKind::Access(_) => return false,
        _ => {}
    }
    paths
        .iter()
        .any(|p| scope.matters(p) && !is_self_written(p, self_written))
}

/// True for a file the last build wrote, the hidden temporary file it wrote it through
/// (`.<name>.<pid>.tmp` beside it), a folder the build created to hold such a file, or ingest's
/// staging folder for a new articles folder (`.articles.<pid>.tmp`) and the files in it.
fn is_self_written(path: &Path, self_written: &HashSet<PathBuf>) -> bool {
    let becomes = without_temporary_names(path);
    let path = becomes.as_deref().unwrap_or(path);
    self_written.contains(path)
        || self_written
            .iter()
            .any(|w| w.starts_with(path) && w != path)
}

/// `path` with each hidden temporary name in it (`.<name>.<pid>.tmp`) read as the name it
/// becomes (`<name>`); none when it has no such name.
fn without_temporary_names(path: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    let mut changed = false;
    for part in path.components() {
        match part.as_os_str().to_str().and_then(temporary_target) {
            Some(target) => {
                out.push(target);
                changed = true;
            }
            None => out.push(part),
        }
    }
    changed.then_some(out)
}

/// The name a hidden temporary name `.<name>.<pid>.tmp` becomes.
fn temporary_target(name: &str) -> Option<&str> {
    let inner = name.strip_prefix('.')?.strip_suffix(".tmp")?;
    let (target, pid) = inner.rsplit_once('.')?;
    (!target.is_empty() && !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()))
        .then_some(target)
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{CreateKind, ModifyKind};

    fn scope() -> WatchScope {
        WatchScope {
            dirs: vec!["/s/content".into(), "/s/templates".into()],
            files: vec!["/s/litopys.yaml".into()],
            ignore: vec![
                "/s/public".into(),
                "/s/.litopys".into(),
                "/s/content/out".into(),
            ],
        }
    }

    #[test]
    fn own_writes_temp_files_and_new_folders_are_not_edits() {
        let sc = scope();
        let written: HashSet<PathBuf> = ["/s/content/articles/2026-01-07-a.md".into()].into();
        let create = EventKind::Create(CreateKind::Any);
        for own in [
            "/s/content/articles/2026-01-07-a.md",
            "/s/content/articles/.2026-01-07-a.md.4242.tmp",
            "/s/content/articles",
            // Ingest's staging folder for a new articles folder, and what is made in it.
            "/s/content/.articles.4242.tmp",
            "/s/content/.articles.4242.tmp/2026-01-07-a.md",
        ] {
            assert!(
                !event_matters(&create, &[own.into()], &sc, &written),
                "{own}"
            );
        }
        for edit in [
            "/s/content/articles/2026-01-07-b.md",
            "/s/content/articles/.other.md.4242.tmp.md",
            "/s/content/articles/.2026-01-07-a.md.x42.tmp",
            "/s/content/.articles.4242.tmp/2026-01-07-b.md",
            "/s/content/.raw.4242.tmp",
            "/s/content/raw/x.txt",
        ] {
            assert!(
                event_matters(&create, &[edit.into()], &sc, &written),
                "{edit}"
            );
        }
    }

    #[test]
    fn burst_is_coalesced() {
        let t0 = Instant::now();
        let ms = Duration::from_millis;
        let mut d = Debouncer::new(ms(200), ms(2000));
        assert!(!d.pending());
        assert!(!d.take_if_due(t0));
        for i in 0..10 {
            d.event(t0 + ms(i * 50));
            assert!(!d.take_if_due(t0 + ms(i * 50 + 10)));
        }
        assert_eq!(d.deadline(), Some(t0 + ms(450 + 200)));
        assert!(!d.take_if_due(t0 + ms(640)));
        assert!(d.take_if_due(t0 + ms(650)));
        assert!(!d.pending());
        assert!(!d.take_if_due(t0 + ms(5000)));
    }

    #[test]
    fn a_stream_cannot_postpone_forever() {
        let t0 = Instant::now();
        let ms = Duration::from_millis;
        let mut d = Debouncer::new(ms(200), ms(1000));
        let mut rebuilds = 0;
        for i in 0..100 {
            let now = t0 + ms(i * 100);
            d.event(now);
            if d.take_if_due(now) {
                rebuilds += 1;
            }
        }
        assert!(rebuilds >= 9, "{rebuilds}");
    }

    #[test]
    fn which_events_matter() {
        let s = scope();
        let none = HashSet::new();
        let modify = EventKind::Modify(ModifyKind::Any);
        let m = |p: &str| event_matters(&modify, &[PathBuf::from(p)], &s, &none);
        assert!(m("/s/content/raw/a.txt"));
        assert!(m("/s/templates/base.html"));
        assert!(m("/s/litopys.yaml"));
        assert!(!m("/s/litopys.yaml.bak"));
        assert!(!m("/s/public/index.html"));
        assert!(!m("/s/.litopys/ingest.json"));
        assert!(!m("/s/content/out/index.html"));
        assert!(!m("/s/content/raw/.a.txt.swp"));
        assert!(!m("/s/content/raw/a.txt~"));
        assert!(!m("/elsewhere/content/a"));
        let open = EventKind::Access(AccessKind::Open(AccessMode::Any));
        assert!(!event_matters(
            &open,
            &["/s/content/a.md".into()],
            &s,
            &none
        ));
        let closew = EventKind::Access(AccessKind::Close(AccessMode::Write));
        assert!(event_matters(
            &closew,
            &["/s/content/a.md".into()],
            &s,
            &none
        ));
        let create = EventKind::Create(CreateKind::File);
        let own: HashSet<PathBuf> = ["/s/content/articles/a.md".into()].into();
        assert!(!event_matters(
            &create,
            &["/s/content/articles/a.md".into()],
            &s,
            &own
        ));
        assert!(event_matters(
            &create,
            &["/s/content/articles/b.md".into()],
            &s,
            &own
        ));
    }
}
