//! Evaluates person extraction on an annotated corpus (ner-uk JSONL with an optional
//! canonical layer, or the GUM-style English JSONL with inline `mentions`).
//!
//! `eval-people CORPUS.jsonl [CANONICAL.jsonl] [--errors N] [--genre G] [--repeat N]`

use litopys::people::{self, Registry};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::time::{Duration, Instant};

#[derive(Default, Clone, Copy)]
struct Prf {
    tp: usize,
    fp: usize,
    fn_: usize,
}

impl Prf {
    fn add(&mut self, o: Prf) {
        self.tp += o.tp;
        self.fp += o.fp;
        self.fn_ += o.fn_;
    }
    fn line(&self) -> String {
        let p = if self.tp + self.fp == 0 {
            0.0
        } else {
            self.tp as f64 / (self.tp + self.fp) as f64
        };
        let r = if self.tp + self.fn_ == 0 {
            0.0
        } else {
            self.tp as f64 / (self.tp + self.fn_) as f64
        };
        let f = if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        };
        format!(
            "P {p:.3} R {r:.3} F1 {f:.3} (tp {} fp {} fn {})",
            self.tp, self.fp, self.fn_
        )
    }
}

struct Gold {
    start: usize,
    end: usize,
    text: String,
    canonical: Option<String>,
    unsure: bool,
}

/// The same allocator as the `litopys` binary, so the throughput measured is the product's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> anyhow::Result<()> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut errors = 0usize;
    if let Some(k) = args.iter().position(|a| a == "--errors") {
        errors = args.get(k + 1).and_then(|n| n.parse().ok()).unwrap_or(20);
        args.drain(k..(k + 2).min(args.len()));
    }
    let mut only_genre: Option<String> = None;
    if let Some(k) = args.iter().position(|a| a == "--genre") {
        only_genre = args.get(k + 1).cloned();
        args.drain(k..(k + 2).min(args.len()));
    }
    // `--repeat N`: extract each document N times (a throughput benchmark that outweighs the
    // one-off loading of the name lists; the scores are the same). The repeats run without the
    // extractor's memos per thread (they would only find the document's own names again), so
    // one repeat costs what extracting a text costs without help from earlier ones.
    let mut repeat = 1usize;
    if let Some(k) = args.iter().position(|a| a == "--repeat") {
        repeat = args
            .get(k + 1)
            .and_then(|n| n.parse().ok())
            .unwrap_or(1)
            .max(1);
        args.drain(k..(k + 2).min(args.len()));
    }
    let Some(input) = args.first().cloned() else {
        anyhow::bail!("usage: eval-people CORPUS.jsonl [CANONICAL.jsonl] [--errors N] [--genre G] [--repeat N]");
    };
    let canon_path = args.get(1).cloned().unwrap_or_else(|| {
        let p = std::path::Path::new(&input);
        let stem = p.file_stem().and_then(|s| s.to_str()).unwrap_or("train");
        p.with_file_name(format!("{stem}-canonical.jsonl"))
            .to_string_lossy()
            .into_owned()
    });
    let mut canon: HashMap<(String, usize, usize), (Option<String>, bool)> = HashMap::new();
    if let Ok(t) = std::fs::read_to_string(&canon_path) {
        for line in t.lines().filter(|l| !l.trim().is_empty()) {
            let v: Value = serde_json::from_str(line)?;
            let id = v["id"].as_str().unwrap_or_default().to_string();
            let s = v["start"].as_u64().unwrap_or(0) as usize;
            let e = v["end"].as_u64().unwrap_or(0) as usize;
            let not_person = v["not_person"].as_bool().unwrap_or(false);
            canon.insert(
                (id, s, e),
                (v["canonical"].as_str().map(str::to_string), not_person),
            );
        }
        eprintln!("canonical layer: {canon_path} ({} lines)", canon.len());
    }
    let registry = Registry::default();
    // Build the embedded lexicon before timing.
    let _ = people::extract("Іван Петренко", people::Lang::Uk, &registry);
    let corpus = std::fs::read_to_string(&input)?;
    let mut groups: BTreeMap<String, Prf> = BTreeMap::new();
    let mut set_prf = Prf::default();
    let mut canon_ok = 0usize;
    let mut canon_n = 0usize;
    let mut time = Duration::ZERO;
    let mut bytes = 0usize;
    let mut fps: Vec<String> = Vec::new();
    let mut fns: Vec<String> = Vec::new();
    let mut cerrs: Vec<String> = Vec::new();
    let mut set_errs: Vec<String> = Vec::new();
    for line in corpus.lines().filter(|l| !l.trim().is_empty()) {
        let v: Value = serde_json::from_str(line)?;
        let id = v["id"].as_str().unwrap_or_default().to_string();
        let text = v["text"].as_str().unwrap_or_default();
        let source = v["source"].as_str().unwrap_or("").to_string();
        let genre = v["genre"].as_str().unwrap_or("").to_string();
        let chars: Vec<char> = text.chars().collect();
        let listed = only_genre
            .as_ref()
            .is_none_or(|g| g == &genre || g == &source);
        let mut gold: Vec<Gold> = Vec::new();
        if let Some(ents) = v["entities"].as_array() {
            for e in ents.iter().filter(|e| e["type"] == "PERS") {
                let s = e["start"].as_u64().unwrap_or(0) as usize;
                let en = e["end"].as_u64().unwrap_or(0) as usize;
                let c = canon.get(&(id.clone(), s, en)).cloned();
                gold.push(Gold {
                    start: s,
                    end: en,
                    text: e["text"].as_str().unwrap_or_default().to_string(),
                    unsure: false,
                    canonical: c.and_then(|c| if c.1 { None } else { c.0 }),
                });
            }
        } else if let Some(ms) = v["mentions"].as_array() {
            for m in ms {
                gold.push(Gold {
                    start: m["start"].as_u64().unwrap_or(0) as usize,
                    end: m["end"].as_u64().unwrap_or(0) as usize,
                    text: m["text"].as_str().unwrap_or_default().to_string(),
                    canonical: m["canonical"].as_str().map(str::to_string),
                    unsure: m["unsure"].as_bool().unwrap_or(false),
                });
            }
        }
        let lang = people::detect_language(text);
        let t0 = Instant::now();
        let mut ex = people::extract(text, lang, &registry);
        for _ in 1..repeat {
            ex = people::morph::without_thread_memos(|| people::extract(text, lang, &registry));
        }
        time += t0.elapsed();
        bytes += text.len() * (repeat - 1);
        if std::env::var_os("EVAL_DUMP").is_some() {
            for m in &ex.mentions {
                println!("{id}\t{}\t{}", m.text, m.canonical);
            }
        }
        bytes += text.len();
        let gold_spans: HashMap<(usize, usize), &Gold> =
            gold.iter().map(|g| ((g.start, g.end), g)).collect();
        let mut prf = Prf::default();
        let mut matched: HashSet<(usize, usize)> = HashSet::new();
        let ctx = |s: usize, e: usize| -> String {
            let a = s.saturating_sub(40);
            let b = (e + 30).min(chars.len());
            let pre: String = chars[a..s.min(chars.len())].iter().collect();
            let mid: String = chars[s.min(chars.len())..e.min(chars.len())]
                .iter()
                .collect();
            let post: String = chars[e.min(chars.len())..b].iter().collect();
            format!("{pre}[{mid}]{post}").replace('\n', " ")
        };
        for m in &ex.mentions {
            if let Some(g) = gold_spans.get(&(m.start, m.end)) {
                if g.unsure {
                    continue;
                }
                prf.tp += 1;
                matched.insert((m.start, m.end));
                if let Some(gc) = &g.canonical {
                    canon_n += 1;
                    if gc == &m.canonical {
                        canon_ok += 1;
                    } else {
                        if listed {
                            cerrs.push(format!("{id}: {} → {} (gold {gc})", m.text, m.canonical));
                        }
                    }
                }
            } else if gold
                .iter()
                .any(|g| g.unsure && g.start < m.end && m.start < g.end)
            {
                continue;
            } else {
                prf.fp += 1;
                if listed {
                    fps.push(format!(
                        "{id} {genre}: {} | {}",
                        m.canonical,
                        ctx(m.start, m.end)
                    ));
                }
            }
        }
        for g in gold.iter().filter(|g| !g.unsure) {
            if !matched.contains(&(g.start, g.end)) {
                prf.fn_ += 1;
                if listed {
                    fns.push(format!(
                        "{id} {genre}: {} | {}",
                        g.text,
                        ctx(g.start, g.end)
                    ));
                }
            }
        }
        groups.entry(format!("genre {genre}")).or_default().add(prf);
        if source == "ng" || genre == "bruk:A" {
            groups
                .entry("news-like (ng + bruk:A)".into())
                .or_default()
                .add(prf);
        }
        groups.entry("ALL".into()).or_default().add(prf);
        // Person sets (documents with canonical names).
        let has_canon = gold.iter().any(|g| g.canonical.is_some());
        if has_canon {
            let gs: BTreeSet<String> = gold
                .iter()
                .filter(|g| !g.unsure)
                .filter_map(|g| g.canonical.clone())
                .collect();
            let unsure: BTreeSet<String> = gold
                .iter()
                .filter(|g| g.unsure)
                .filter_map(|g| g.canonical.clone())
                .collect();
            let ps: BTreeSet<String> = ex
                .people
                .iter()
                .filter(|p| !unsure.contains(*p) || gs.contains(*p))
                .cloned()
                .collect();
            // Ordered sets: the errors below are listed in the same order on every run.
            let tp = gs.intersection(&ps).count();
            set_prf.add(Prf {
                tp,
                fp: ps.len() - tp,
                fn_: gs.len() - tp,
            });
            for p in ps.difference(&gs).filter(|_| listed) {
                set_errs.push(format!("{id}: extra {p}"));
            }
            for p in gs.difference(&ps).filter(|_| listed) {
                set_errs.push(format!("{id}: missing {p}"));
            }
        }
    }
    println!("corpus: {input}");
    println!("strict PERS mentions (exact start and end):");
    for (k, v) in &groups {
        println!("  {k:<28} {}", v.line());
    }
    println!(
        "person sets per document (docs with canonical names, micro): {}",
        set_prf.line()
    );
    if canon_n > 0 {
        println!(
            "canonical accuracy on exactly matched spans: {:.3} ({canon_ok}/{canon_n})",
            canon_ok as f64 / canon_n as f64
        );
    }
    let secs = time.as_secs_f64().max(1e-9);
    println!(
        "throughput: {:.1} MB/s ({} bytes of text in {:.3} s of extract calls, one core)",
        bytes as f64 / 1e6 / secs,
        bytes,
        secs
    );
    if errors > 0 {
        let show = |title: &str, v: &[String]| {
            println!("--- {title} ({} total)", v.len());
            let step = (v.len() / errors.max(1)).max(1);
            for s in v.iter().step_by(step).take(errors) {
                println!("  {s}");
            }
        };
        show("false positives", &fps);
        show("false negatives", &fns);
        show("canonical errors", &cerrs);
        show("person-set errors", &set_errs);
    }
    Ok(())
}
