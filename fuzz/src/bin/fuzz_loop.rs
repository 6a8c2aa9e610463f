//! A libFuzzer-free fuzz loop for stable Rust: mutates the seed corpus (and random bytes) for a
//! bounded time and runs both targets' checks on every input. A failing input is written to
//! `fuzz/artifacts/loop-<target>-<n>.bin` before the panic is re-raised.
//!
//! ```sh
//! cd fuzz && cargo run --release --no-default-features --bin fuzz-loop -- decode_clean_extract 600
//! cd fuzz && cargo run --release --no-default-features --bin fuzz-loop -- front_matter 600
//! ```

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

/// Interesting pieces spliced into inputs.
const TOKENS: &[&str] = &[
    "---\n",
    "---",
    "\n",
    "\r\n",
    "\r",
    "title: ",
    "date: ",
    "people: ",
    "slug: ",
    "template: ",
    "roles:\n- person: ",
    "  role: ",
    "2026-02-30",
    "2026-01-07",
    "[",
    "]",
    "{",
    "}",
    ": ",
    "- ",
    "'",
    "\"",
    "\\",
    "&amp;",
    "&#x3c;",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "javascript:alert(1)",
    "[x](javascript:alert(1))",
    "![x](data:text/html,x)",
    "<!-- c -->",
    "Кирило Буданов",
    "Володимир Зеленський",
    "з Віткоффом",
    "Президент",
    "«",
    "»",
    "—",
    "ʼ",
    "\u{200b}",
    "\u{feff}",
    "\u{301}",
    "\u{202e}",
    "\0",
    "Ð¡Ð¿Ð¾Ð»",
    "РџСЂРµРґ",
    "Kиїв",
    "pадa",
    "../../etc/passwd",
    "CON",
    "nul.txt",
    "🙂",
    "中文",
    " ",
    "\t",
    "*",
    "_",
    "`",
    "#",
    "|",
    "~",
    "1. ",
    "> ",
    "    ",
    "&",
    "<",
    ">",
    "!",
    "?",
    ".",
    ",",
    "7 січня",
    "January 7",
    "року",
];

fn mutate(rng: &mut Rng, input: &mut Vec<u8>, corpus: &[Vec<u8>]) {
    let rounds = 1 + rng.below(8);
    for _ in 0..rounds {
        match rng.below(8) {
            0 if !input.is_empty() => {
                let i = rng.below(input.len());
                input[i] = rng.next() as u8;
            }
            1 if !input.is_empty() => {
                let i = rng.below(input.len());
                let n = 1 + rng.below(16.min(input.len() - i));
                input.drain(i..i + n);
            }
            2 | 3 => {
                let t = TOKENS[rng.below(TOKENS.len())].as_bytes();
                let i = rng.below(input.len() + 1);
                input.splice(i..i, t.iter().copied());
            }
            4 if !corpus.is_empty() => {
                let other = &corpus[rng.below(corpus.len())];
                if !other.is_empty() {
                    let a = rng.below(other.len());
                    let b = a + rng.below(other.len() - a + 1);
                    let i = rng.below(input.len() + 1);
                    input.splice(i..i, other[a..b].iter().copied());
                }
            }
            5 if input.len() > 1 => {
                let a = rng.below(input.len());
                let b = a + rng.below(input.len() - a);
                let piece: Vec<u8> = input[a..b].to_vec();
                let i = rng.below(input.len() + 1);
                input.splice(i..i, piece);
            }
            6 => {
                let i = rng.below(input.len() + 1);
                let n = rng.below(8);
                let bytes: Vec<u8> = (0..n).map(|_| rng.next() as u8).collect();
                input.splice(i..i, bytes);
            }
            _ => {
                // Re-encode as a legacy Cyrillic encoding sometimes.
                if let Ok(s) = std::str::from_utf8(input) {
                    let enc = match rng.below(4) {
                        0 => encoding_rs_like::WINDOWS_1251,
                        1 => encoding_rs_like::KOI8_U,
                        2 => encoding_rs_like::UTF_16LE,
                        _ => encoding_rs_like::WINDOWS_1252,
                    };
                    *input = encoding_rs_like::encode(enc, s);
                }
            }
        }
        if input.len() > 64 * 1024 {
            input.truncate(64 * 1024);
        }
    }
}

/// Encodings through the library's own dependency (re-exported below).
mod encoding_rs_like {
    pub use litopys::ingest::decode::encoding::{KOI8_U, UTF_16LE, WINDOWS_1251, WINDOWS_1252};
    pub fn encode(enc: &'static litopys::ingest::decode::encoding::Encoding, s: &str) -> Vec<u8> {
        if enc == UTF_16LE {
            let mut out = vec![0xFF, 0xFE];
            for u in s.encode_utf16() {
                out.extend_from_slice(&u.to_le_bytes());
            }
            return out;
        }
        enc.encode(s).0.into_owned()
    }
}

fn load_corpus(dirs: &[PathBuf]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for d in dirs {
        let Ok(rd) = std::fs::read_dir(d) else {
            continue;
        };
        let mut paths: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        for p in paths {
            if let Ok(b) = std::fs::read(&p) {
                if b.len() <= 64 * 1024 {
                    out.push(b);
                }
            }
        }
    }
    if out.is_empty() {
        out.push(Vec::new());
    }
    out
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let target = args
        .get(1)
        .map(String::as_str)
        .unwrap_or("decode_clean_extract");
    let secs: u64 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(60);
    let seed: u64 = args
        .get(3)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x9E37_79B9_7F4A_7C15);
    let check: fn(&[u8]) = match target {
        "decode_clean_extract" => litopys_fuzz::decode_clean_extract,
        "front_matter" => litopys_fuzz::front_matter,
        other => {
            eprintln!("unknown target {other}: decode_clean_extract | front_matter");
            std::process::exit(2);
        }
    };
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut corpus = load_corpus(&[
        here.join("corpus").join(target),
        here.join("seeds").join(target),
    ]);
    let artifacts = here.join("artifacts");
    let _ = std::fs::create_dir_all(&artifacts);
    let mut rng = Rng(seed | 1);
    let deadline = Instant::now() + Duration::from_secs(secs);
    let mut runs: u64 = 0;
    let mut failures = 0;
    let started = Instant::now();
    while Instant::now() < deadline {
        let mut input = corpus[rng.below(corpus.len())].clone();
        mutate(&mut rng, &mut input, &corpus);
        let result = std::panic::catch_unwind(|| check(&input));
        runs += 1;
        if result.is_err() {
            failures += 1;
            let path = artifacts.join(format!("loop-{target}-{failures}.bin"));
            let _ = std::fs::write(&path, &input);
            eprintln!("FAILURE #{failures}: input saved to {}", path.display());
            if failures >= 20 {
                break;
            }
        } else if rng.below(64) == 0 && corpus.len() < 4096 {
            // Keep some mutants as further seeds (no coverage feedback: a random sample).
            corpus.push(input);
        }
        if runs % 20_000 == 0 {
            eprintln!(
                "{runs} runs, {:.0?}, corpus {}",
                started.elapsed(),
                corpus.len()
            );
        }
    }
    eprintln!(
        "{target}: {runs} runs in {:.0?}, {failures} failure(s)",
        started.elapsed()
    );
    if failures > 0 {
        std::process::exit(1);
    }
}
