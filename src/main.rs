//! The `litopys` command line: parses arguments, calls one pipeline function, prints errors.

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use litopys::build::{self, BuildOptions};
use litopys::people::{self, Registry};
use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;

/// Litopys (Літопис): turns raw news article texts into a browsable news-digest site, with
/// the people named in them extracted, reduced to nominative names and given pages.
///
/// A site is a folder with `content/raw/**/*.txt` (raw texts), `content/articles/*.md`
/// (Markdown written by ingest, owned by editors), optional `content/people.yaml` (the
/// editors' registry), optional `templates/` (overrides) and `litopys.yaml` (config).
#[derive(Parser, Debug)]
#[command(name = "litopys", version, about, long_about)]
struct Cli {
    /// Site root (default: the current folder).
    #[arg(long, global = true, value_name = "DIR", default_value = ".")]
    root: PathBuf,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Turn content/raw/**/*.txt into content/articles/*.md (never overwrites an editor's change).
    Ingest {
        /// Regenerate Markdown files even where an editor changed them.
        #[arg(long)]
        force: bool,
    },
    /// Ingest, then render the site into public/ (only changed files are written).
    Build {
        /// Base URL the site is published under (overrides litopys.yaml), e.g. https://host/sub/.
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
        /// Output folder (default: public/ under the root).
        #[arg(long, short, value_name = "DIR")]
        output: Option<PathBuf>,
        /// Passed to ingest: regenerate Markdown files even where an editor changed them.
        #[arg(long)]
        force: bool,
    },
    /// Build, serve on 127.0.0.1, rebuild on changes and reload the open page.
    Serve {
        /// Port to listen on.
        #[arg(long, short, default_value_t = 1111)]
        port: u16,
        /// Address to bind (default: loopback only).
        #[arg(long, default_value = "127.0.0.1")]
        bind: String,
        /// Output folder (default: public/ under the root).
        #[arg(long, short, value_name = "DIR")]
        output: Option<PathBuf>,
    },
    /// Parse and validate everything; write nothing; exit non-zero on any error.
    Check,
    /// Print the people found in raw text files.
    Extract {
        /// Raw text files.
        files: Vec<PathBuf>,
        /// Read JSON Lines {"id": …, "text": …} on stdin, write {"id", "mentions", "people"} per line.
        #[arg(long)]
        jsonl: bool,
    },
    /// List every person in the site with mention and article counts and merged forms.
    People {
        /// Only likely errors: single-article surname-only people, slug collisions, near-duplicates.
        #[arg(long)]
        suspicious: bool,
    },
}

/// mimalloc: a build allocates many small strings on several threads at once, where it costs
/// about a quarter less CPU than the system allocator (README, performance).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `purge_delay` option (`mi_option_purge_delay` in mimalloc 3's `mimalloc.h`; the
/// Rust binding has no name for it yet).
const MI_OPTION_PURGE_DELAY: std::ffi::c_int = 15;

/// Turns transparent huge pages off for this process (Linux) before anything is allocated:
/// called by the loader before `main`, and before mimalloc's own initializer (which runs from
/// `.init_array.00101`), so that not even the allocator's first pages are huge ones (two of
/// them, 4 MiB touched for any command, when this was done at the start of `main`). [`main`]
/// turns them on again where they pay (see [`page_policy`]).
///
/// On the virtual machines these builds run on, the host takes back memory the system has had
/// free for a second or two; touching it again costs ~3.1–3.7 ms a MiB in 2 MiB huge pages
/// against ~0.8 ms in 4 KiB pages (`bench/touch.py`), and a huge page is faulted in whole even
/// when a few KiB of it are used (a rebuild after one edit at N = 10,000 touched ~42 MiB in
/// small pages, ~117 MiB in huge ones). Such a rebuild run 3 s after the last build: 0.26 →
/// 0.18 s (medians of five, alternated); right after it, when huge pages are cheap (~0.1 ms a
/// MiB), 0.145 → 0.170 s. Peak memory of a full build 213 → 163 MiB.
#[cfg(target_os = "linux")]
extern "C" fn small_pages_from_the_start() {
    // SAFETY: `prctl` with `PR_SET_THP_DISABLE` takes plain integers and changes only this
    // process's page-size policy; nothing here allocates or touches Rust's runtime.
    unsafe { libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0) };
}

#[cfg(target_os = "linux")]
#[used]
#[link_section = ".init_array.00100"]
static SMALL_PAGES_FROM_THE_START: extern "C" fn() = small_pages_from_the_start;

/// Huge pages stay off (see [`small_pages_from_the_start`]) unless the command is `ingest`:
/// ingest's extraction looks words up in tables of several MiB all over, where huge pages save
/// address-translation misses (CPU of ingesting 10,000 texts, alternated: 2.02–2.04 s with
/// them, 2.10–2.16 s without). `MIMALLOC_ALLOW_THP` in the environment decides instead, read
/// as mimalloc reads it (`0`, `false`, `off` or `no`: off; anything else: on). Returns whether
/// huge pages are off.
#[cfg(target_os = "linux")]
fn page_policy(ingest: bool) -> bool {
    let on = huge_pages_wanted(std::env::var_os("MIMALLOC_ALLOW_THP").as_deref(), ingest);
    // SAFETY: as above; 0 allows huge pages again, 1 keeps them off.
    let set = unsafe { libc::prctl(libc::PR_SET_THP_DISABLE, u64::from(!on), 0, 0, 0) };
    set == 0 && !on
}

/// Whether huge pages are wanted, given `MIMALLOC_ALLOW_THP` (if set) and the command.
#[cfg(target_os = "linux")]
fn huge_pages_wanted(allow: Option<&std::ffi::OsStr>, ingest: bool) -> bool {
    match allow {
        Some(v) => !["0", "false", "off", "no"].iter().any(|no| {
            v.to_str()
                .is_some_and(|v| v.trim().eq_ignore_ascii_case(no))
        }),
        None => ingest,
    }
}

/// Elsewhere the system decides.
#[cfg(not(target_os = "linux"))]
fn page_policy(_ingest: bool) -> bool {
    false
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    page_policy(matches!(cli.command, Command::Ingest { .. }));
    // A one-shot command (all but `serve`) frees and reallocates much memory from phase to
    // phase. Memory mimalloc gives back to the system (1 s after it is freed, by default) is
    // faulted in and zeroed by the kernel again moments later whenever a phase outlasts that
    // delay: a rebuild after one edit at 10,000 articles that took 8-10 s on a loaded machine
    // made ~7,000 page faults, ~400 without purging (a 0.7 s rebuild makes ~400 either way),
    // for 3-9% more peak memory. `serve` keeps the default, so a long-running server shrinks
    // between rebuilds. `MIMALLOC_PURGE_DELAY` in the environment wins.
    if !matches!(cli.command, Command::Serve { .. })
        && std::env::var_os("MIMALLOC_PURGE_DELAY").is_none()
    {
        // SAFETY: sets a plain integer option (no pointers); mimalloc's options are atomics.
        unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1) };
    }
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode> {
    let root = cli.root;
    match cli.command {
        Command::Ingest { force } => {
            let (config, registry) =
                build::load_config(&root, None).map_err(|e| anyhow::anyhow!("{e}"))?;
            let opts = litopys::ingest::IngestOptions {
                force,
                dry_run: false,
            };
            let report = litopys::ingest::ingest(&root, &config, &registry, &opts)?;
            print_ingest(&report);
            Ok(if report.errors.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        Command::Build {
            base_url,
            output,
            force,
        } => {
            let opts = BuildOptions {
                root,
                base_url,
                output,
                force,
                ends_process: true,
            };
            let started = std::time::Instant::now();
            match build::build(&opts) {
                Ok(r) => {
                    print_ingest(&r.ingest);
                    eprintln!(
                        "built {} articles, {} people, {} files ({} written, {} unchanged, {} removed) in {:.2?} → {}",
                        r.articles,
                        r.people,
                        r.pages,
                        r.write.written,
                        r.write.unchanged,
                        r.write.removed,
                        started.elapsed(),
                        build::output_dir(&opts).display()
                    );
                    Ok(if r.ingest.errors.is_empty() {
                        ExitCode::SUCCESS
                    } else {
                        ExitCode::FAILURE
                    })
                }
                Err(e) => {
                    eprintln!("{e}");
                    Ok(ExitCode::FAILURE)
                }
            }
        }
        Command::Serve { port, bind, output } => {
            litopys::serve::serve(&litopys::serve::ServeOptions {
                root,
                port,
                bind,
                output,
            })?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Check => match build::check(&root) {
            Ok(r) => {
                eprintln!(
                    "ok: {} articles, {} people, {} pages would be written",
                    r.articles, r.people, r.pages
                );
                Ok(ExitCode::SUCCESS)
            }
            Err(e) => {
                eprintln!("{e}");
                Ok(ExitCode::FAILURE)
            }
        },
        Command::Extract { files, jsonl } => {
            let registry = Registry::load(&root).unwrap_or_default();
            if jsonl {
                extract_jsonl(&registry)?;
            } else {
                if files.is_empty() {
                    anyhow::bail!(
                        "give raw text files to read, or --jsonl to read JSON Lines on stdin"
                    );
                }
                extract_files(&files, &registry)?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::People { suspicious } => {
            let (config, registry) =
                build::load_config(&root, None).map_err(|e| anyhow::anyhow!("{e}"))?;
            let site = litopys::site::Site::load(&root, &config, &registry).map_err(|errs| {
                anyhow::anyhow!(errs
                    .iter()
                    .map(|e| e.to_string())
                    .collect::<Vec<_>>()
                    .join("\n"))
            })?;
            let report = litopys::site::people_report(&site, suspicious);
            print!("{report}");
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn print_ingest(r: &litopys::ingest::IngestReport) {
    for p in &r.kept_edited {
        eprintln!(
            "kept {} (changed by an editor; `--force` regenerates it)",
            p.display()
        );
    }
    for (p, m) in &r.errors {
        eprintln!("error: {}: {m}", p.display());
    }
    if !r.written.is_empty() || !r.errors.is_empty() {
        eprintln!(
            "ingest: {} written, {} unchanged, {} kept, {} failed",
            r.written.len(),
            r.unchanged,
            r.kept_edited.len(),
            r.errors.len()
        );
    }
}

fn extract_files(files: &[PathBuf], registry: &Registry) -> Result<()> {
    let mut out = std::io::stdout().lock();
    for f in files {
        let bytes = std::fs::read(f).with_context(|| format!("cannot read {}", f.display()))?;
        let text = litopys::ingest::decode::decode(&bytes)
            .with_context(|| format!("in {}", f.display()))?;
        let lang = people::detect_language(&text);
        let ex = people::extract(&text, lang, registry);
        writeln!(out, "{}:", f.display())?;
        for p in &ex.people {
            let forms: Vec<&str> = ex
                .mentions
                .iter()
                .filter(|m| &m.canonical == p)
                .map(|m| m.text.as_str())
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect();
            writeln!(out, "  {p}  ({})", forms.join(", "))?;
        }
    }
    Ok(())
}

#[derive(serde::Deserialize)]
struct JsonlIn {
    id: serde_json::Value,
    text: String,
}

fn extract_jsonl(registry: &Registry) -> Result<()> {
    let stdin = std::io::stdin().lock();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for (n, line) in stdin.lines().enumerate() {
        let line = line.context("cannot read stdin")?;
        if line.trim().is_empty() {
            continue;
        }
        let input: JsonlIn = serde_json::from_str(&line).with_context(|| {
            format!("stdin line {}: expected {{\"id\": …, \"text\": …}}", n + 1)
        })?;
        let lang = people::detect_language(&input.text);
        let ex = people::extract(&input.text, lang, registry);
        let obj = serde_json::json!({
            "id": input.id,
            "mentions": ex.mentions,
            "people": ex.people,
        });
        serde_json::to_writer(&mut out, &obj)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    /// Huge pages are off from before `main` (the test harness's `main` here), and the policy
    /// turns them on for ingest only (Linux).
    #[cfg(target_os = "linux")]
    #[test]
    fn huge_pages_are_off_from_the_start_and_on_for_ingest_only() {
        if std::env::var_os("MIMALLOC_ALLOW_THP").is_some() {
            return;
        }
        // SAFETY: `PR_GET_THP_DISABLE` reads this process's setting.
        let off = || unsafe { libc::prctl(libc::PR_GET_THP_DISABLE, 0, 0, 0, 0) };
        assert_eq!(off(), 1, "off before the policy was applied");
        assert!(!super::page_policy(true));
        assert_eq!(off(), 0);
        assert!(super::page_policy(false));
        assert_eq!(off(), 1);
    }

    /// `MIMALLOC_ALLOW_THP` decides as mimalloc reads it; without it, ingest only.
    #[cfg(target_os = "linux")]
    #[test]
    fn the_environment_decides_huge_pages_when_set() {
        use super::huge_pages_wanted as wanted;
        use std::ffi::OsStr;
        assert!(wanted(None, true));
        assert!(!wanted(None, false));
        for off in ["0", "false", "OFF", "no", " 0 "] {
            assert!(!wanted(Some(OsStr::new(off)), true), "{off}");
        }
        for on in ["1", "true", "on", "yes"] {
            assert!(wanted(Some(OsStr::new(on)), false), "{on}");
        }
    }

    #[test]
    fn the_purge_delay_option_is_the_one_named() {
        // mimalloc 3 defaults `purge_delay` to 1000 ms; its neighbours default to 1 and 0.
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
            let v = unsafe { libmimalloc_sys::mi_option_get(super::MI_OPTION_PURGE_DELAY) };
            assert_eq!(v, 1000);
        }
    }
}
