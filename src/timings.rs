//! Phase timings for profiling: with `LITOPYS_TIMINGS` set, `build` and `ingest` print on
//! stderr how long each phase took and the memory resident at its end (see bench/run.sh).

/// The clock of one run's phases; silent unless `LITOPYS_TIMINGS` is set.
pub struct Phases {
    /// Whether timings are printed.
    pub on: bool,
    last: std::time::Instant,
    /// The process's CPU time (user and system, all threads) when the last phase ended.
    last_cpu: f64,
}

/// The CPU time this process has used so far, in seconds (0 where it cannot be asked).
fn cpu_seconds() -> f64 {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: `getrusage` fills the zeroed struct it is given and reads nothing else.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) } == 0 {
            let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 * 1e-6;
            return secs(usage.ru_utime) + secs(usage.ru_stime);
        }
    }
    0.0
}

impl Phases {
    /// Starts the clock.
    #[allow(clippy::new_without_default)]
    pub fn new() -> Phases {
        Phases {
            on: std::env::var_os("LITOPYS_TIMINGS").is_some(),
            last: std::time::Instant::now(),
            last_cpu: cpu_seconds(),
        }
    }

    /// Prints the time since the last phase ended (or the clock started) as `phase`'s.
    pub fn done(&mut self, phase: &str) {
        if self.on {
            let now = std::time::Instant::now();
            // Resident memory at the end of the phase, and how much of it is not a file's
            // (Linux: statm's second and third fields, in pages).
            let rss = std::fs::read_to_string("/proc/self/statm")
                .ok()
                .and_then(|s| {
                    let mut f = s.split(' ').skip(1).map(|v| v.parse::<u64>().ok());
                    Some((f.next()??, f.next()??))
                })
                .map_or(String::new(), |(resident, shared)| {
                    let mib = |pages: u64| (pages * 4096) >> 20;
                    format!(
                        " {:>6} MiB ({} MiB not of files)",
                        mib(resident),
                        mib(resident.saturating_sub(shared))
                    )
                });
            let cpu = cpu_seconds();
            eprintln!(
                "timing: {phase:<10} {:>8.1} ms (cpu {:>7.1} ms){rss}",
                (now - self.last).as_secs_f64() * 1e3,
                (cpu - self.last_cpu) * 1e3
            );
            self.last = now;
            self.last_cpu = cpu;
        }
    }
}
