//! `gen-corpus`: a deterministic benchmark corpus, written as a Litopys site and (optionally)
//! as the same articles for Hugo; and the benchmark's "floor" program.
//!
//! ```text
//! gen-corpus --n 10000 --seed 1 --out DIR [--hugo DIR]
//! gen-corpus --floor-from BUILT_DIR --out EMPTY_DIR
//! gen-corpus --n 10000 --seed 1 --raw DIR
//! ```
//!
//! - `--out DIR` gets `litopys.yaml` and `content/articles/*.md` in the front matter schema of
//!   [`litopys::content`] (no `content/raw`, so ingest has nothing to do).
//! - `--hugo DIR` gets `content/articles/*.md` with the same title, date, people and summary
//!   as YAML front matter Hugo reads (`people` is a Hugo taxonomy), and the same bodies. The
//!   site skeleton (config and layouts) lives in `bench/hugo/` and is copied by `bench/run.sh`.
//! - The same `--n` and `--seed` give byte-identical files (a small splitmix64 generator; no
//!   hash-map iteration order or time is involved).
//! - Prose words come from a fixed vocabulary of 200,000 syllable words drawn by Zipf rank,
//!   so word frequencies look like real text's (a few very common words, a long tail).
//! - `--floor-from` copies the shape of a built site: every regular file under `BUILT_DIR`
//!   (dot-files excluded) is created at the same relative path under `--out` with the same
//!   size (filled with a fixed byte) by one thread in the simplest way. That is the floor the
//!   benchmark compares builds with: the cost of creating the files and folders alone.
//! - `--raw DIR` gets `litopys.yaml` and `content/raw/gen/<date>-<n>.txt`: the same articles as
//!   raw text of about 4 KB each (title line, lede, paragraphs; no Markdown, no front matter,
//!   the date in the file name), for measuring `litopys ingest` (extraction included).

use litopys::content::{self, FrontMatter};
use litopys::date::Date;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// A splitmix64 pseudo-random generator (deterministic on every platform).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// Uniform in `[0, 1)`.
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const GIVEN_M: &[&str] = &[
    "Олександр",
    "Андрій",
    "Сергій",
    "Володимир",
    "Дмитро",
    "Юрій",
    "Михайло",
    "Олег",
    "Віктор",
    "Іван",
    "Петро",
    "Богдан",
    "Тарас",
    "Василь",
    "Микола",
    "Роман",
    "Ігор",
    "Максим",
    "Денис",
    "Артем",
    "Руслан",
    "Євген",
    "Остап",
    "Кирило",
    "Назар",
    "Ярослав",
    "Степан",
    "Григорій",
    "Антон",
    "Леонід",
];
const GIVEN_F: &[&str] = &[
    "Олена",
    "Ірина",
    "Наталія",
    "Тетяна",
    "Юлія",
    "Оксана",
    "Марія",
    "Світлана",
    "Катерина",
    "Людмила",
    "Ганна",
    "Вікторія",
    "Софія",
    "Дарина",
    "Ольга",
    "Христина",
    "Галина",
    "Надія",
    "Лариса",
    "Зоряна",
];
/// Surname stems; the masculine form adds the ending, the feminine one its pair.
const SURNAME_STEMS: &[&str] = &[
    "Шевч",
    "Коваль",
    "Бонд",
    "Ткач",
    "Кравч",
    "Олійн",
    "Лисен",
    "Мельн",
    "Мороз",
    "Савч",
    "Руд",
    "Гончар",
    "Кушн",
    "Павл",
    "Марч",
    "Романч",
    "Литвин",
    "Бойч",
    "Карп",
    "Мирон",
    "Клим",
    "Остап",
    "Дорош",
    "Гриц",
    "Сидор",
    "Тарас",
    "Панас",
    "Левч",
    "Кузьм",
    "Онищ",
    "Гнат",
    "Фед",
    "Яким",
    "Зінч",
    "Вакул",
    "Дем'ян",
    "Стецюк",
    "Нестер",
    "Хомич",
    "Прокоп",
];
/// (masculine, feminine) endings.
const SURNAME_ENDS: &[(&str, &str)] = &[
    ("енко", "енко"),
    ("ук", "ук"),
    ("ишин", "ишина"),
    ("ович", "ович"),
    ("ський", "ська"),
    ("чук", "чук"),
    ("ів", "ів"),
    ("ак", "ак"),
];
const LATIN_GIVEN: &[&str] = &[
    "John", "Emma", "Michael", "Sarah", "David", "Laura", "Thomas", "Anna", "James", "Claire",
    "Peter", "Julia", "Mark", "Olivia", "Robert", "Sophie",
];
const LATIN_SURNAMES: &[&str] = &[
    "Smith",
    "Johnson",
    "Miller",
    "Brown",
    "Wilson",
    "Taylor",
    "Anderson",
    "Martin",
    "Clarke",
    "Walker",
    "Young",
    "Baker",
    "Fischer",
    "Dubois",
    "Moreau",
    "Keller",
    "Schneider",
    "Rossi",
    "Novak",
    "Larsen",
];
/// Syllables of Ukrainian-looking words.
const SYLLABLES: &[&str] = &[
    "на", "по", "ві", "ко", "ро", "ст", "за", "пе", "ре", "ні", "ла", "ти", "ва", "до", "го", "ми",
    "ли", "ка", "те", "ся", "ві", "дн", "ов", "ий", "ня", "ен", "ськ", "ої", "ці", "ує", "пра",
    "вля", "між", "дер", "жа", "нар", "од", "укр", "аї", "ни",
];
const SHORT_WORDS: &[&str] = &[
    "і", "в", "на", "з", "що", "не", "та", "до", "за", "про", "у", "як", "це", "від", "але",
];
const PLACES: &[&str] = &[
    "Київ",
    "Львів",
    "Одеса",
    "Харків",
    "Дніпро",
    "Запоріжжя",
    "Вінниця",
    "Полтава",
    "Чернігів",
    "Ужгород",
];

/// A person name: Cyrillic «Ім'я Прізвище» or, for about 5%, a Latin-script name. Distinct
/// for distinct `i` (the index is decoded into the name's parts; past the combinations a
/// Roman-numeral-like suffix keeps names apart).
fn person_name(i: usize, latin: bool) -> String {
    if latin {
        let g = LATIN_GIVEN[i % LATIN_GIVEN.len()];
        let rest = i / LATIN_GIVEN.len();
        let s = LATIN_SURNAMES[rest % LATIN_SURNAMES.len()];
        let gen = rest / LATIN_SURNAMES.len();
        if gen == 0 {
            format!("{g} {s}")
        } else {
            format!("{g} {s}-{}", latin_suffix(gen))
        }
    } else {
        let female = i % 3 == 2;
        let given: &[&str] = if female { GIVEN_F } else { GIVEN_M };
        let g = given[i % given.len()];
        let rest = i / given.len();
        let stem = SURNAME_STEMS[rest % SURNAME_STEMS.len()];
        let rest = rest / SURNAME_STEMS.len();
        let (m, f) = SURNAME_ENDS[rest % SURNAME_ENDS.len()];
        let gen = rest / SURNAME_ENDS.len();
        let end = if female { f } else { m };
        if gen == 0 {
            format!("{g} {stem}{end}")
        } else {
            // A second surname keeps very large corpora's names distinct.
            let stem2 = SURNAME_STEMS[gen % SURNAME_STEMS.len()];
            format!("{g} {stem}{end}-{stem2}{end}")
        }
    }
}

fn latin_suffix(n: usize) -> String {
    let mut s = String::new();
    let mut n = n;
    loop {
        s.push((b'A' + (n % 26) as u8) as char);
        n /= 26;
        if n == 0 {
            break;
        }
    }
    s
}

/// Distinct words in the prose vocabulary.
const VOCABULARY: usize = 200_000;

/// The prose vocabulary: [`VOCABULARY`] distinct syllable words, drawn by Zipf rank with
/// exponent one, as in real text, where a few words recur all the time and most are rare;
/// [`SHORT_WORDS`] make up a quarter of the words.
struct Vocab {
    words: Vec<String>,
    cdf: Vec<f64>,
}

impl Vocab {
    fn new(rng: &mut Rng) -> Vocab {
        let mut seen = std::collections::HashSet::with_capacity(VOCABULARY);
        let mut words = Vec::with_capacity(VOCABULARY);
        while words.len() < VOCABULARY {
            let n = 2 + rng.below(3);
            let mut w = String::new();
            for _ in 0..n {
                w.push_str(rng.pick(SYLLABLES));
            }
            if seen.insert(w.clone()) {
                words.push(w);
            }
        }
        Vocab {
            words,
            cdf: zipf_cdf(VOCABULARY),
        }
    }

    fn word(&self, rng: &mut Rng) -> String {
        if rng.below(4) == 0 {
            return rng.pick(SHORT_WORDS).to_string();
        }
        self.words[zipf(rng, &self.cdf)].clone()
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// One sentence of `words` words; may carry a «quote», **bold**, a person's name or (with
/// `links`) a link.
fn sentence(rng: &mut Rng, vocab: &Vocab, names: &[String], words: usize, links: bool) -> String {
    let mut s = String::new();
    for k in 0..words {
        if k > 0 {
            s.push(' ');
        }
        let w = vocab.word(rng);
        let w = if k == 0 { capitalise(&w) } else { w };
        match rng.below(60) {
            0 => {
                let _ = write!(s, "«{w} {}»", vocab.word(rng));
            }
            1 => {
                let _ = write!(s, "**{w}**");
            }
            2 if !names.is_empty() => s.push_str(&names[rng.below(names.len())]),
            3 => s.push_str(rng.pick(PLACES)),
            4 if links && rng.below(8) == 0 => {
                let _ = write!(s, "[{w}](https://example.org/{})", rng.below(100_000));
            }
            _ => s.push_str(&w),
        }
        if k + 1 < words && rng.below(9) == 0 {
            s.push(',');
        }
    }
    s.push('.');
    s
}

/// A body of about 450 words in paragraphs.
fn body(rng: &mut Rng, vocab: &Vocab, names: &[String]) -> String {
    let target = 400 + rng.below(100);
    let mut out = String::with_capacity(target * 12);
    let mut words = 0;
    while words < target {
        let sentences = 2 + rng.below(4);
        let mut para = String::new();
        for i in 0..sentences {
            let n = 6 + rng.below(14);
            words += n;
            if i > 0 {
                para.push(' ');
            }
            para.push_str(&sentence(rng, vocab, names, n, true));
        }
        if rng.below(6) == 0 {
            let qn = 5 + rng.below(6);
            let _ = write!(
                para,
                " «{}», — сказав {}.",
                sentence(rng, vocab, &[], qn, true).trim_end_matches('.'),
                names.first().map(String::as_str).unwrap_or("речник")
            );
        }
        out.push_str(&para);
        out.push_str("\n\n");
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

/// The Zipf distribution over `n` ranks (exponent 1) as a cumulative table.
fn zipf_cdf(n: usize) -> Vec<f64> {
    let mut acc = 0.0;
    let mut cdf = Vec::with_capacity(n);
    for r in 1..=n {
        acc += 1.0 / r as f64;
        cdf.push(acc);
    }
    for v in &mut cdf {
        *v /= acc;
    }
    cdf
}

fn zipf(rng: &mut Rng, cdf: &[f64]) -> usize {
    let u = rng.unit();
    cdf.partition_point(|&c| c < u).min(cdf.len() - 1)
}

/// One generated article.
pub struct Article {
    pub file: String,
    pub fm: FrontMatter,
    pub body: String,
}

/// The whole corpus of `n` articles for `seed`, in file-name order.
fn corpus(n: usize, seed: u64) -> Vec<Article> {
    let mut rng = Rng(seed ^ 0x4C49_544F_5059_5321);
    let distinct = (n / 10).max(10);
    // Names by Zipf rank: rank order is shuffled against the name index so popular people are
    // spread over the alphabet; about 5% are Latin-script.
    let names: Vec<String> = (0..distinct)
        .map(|i| {
            let latin = rng.below(20) == 0;
            person_name(i, latin)
        })
        .collect();
    let mut names = names;
    names.sort();
    names.dedup();
    // Fisher-Yates shuffle.
    for i in (1..names.len()).rev() {
        let j = rng.below(i + 1);
        names.swap(i, j);
    }
    let cdf = zipf_cdf(names.len());
    let vocab = Vocab::new(&mut rng);
    let start = Date::new(2023, 12, 1)
        .map(|d| d.days_since_epoch())
        .unwrap_or(0);
    let span = 3 * 365;
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let day = start + rng.below(span) as i64;
        let date = Date::from_unix(day * 86_400);
        let k = 1 + rng.below(6);
        let mut people: Vec<String> = Vec::with_capacity(k);
        let mut tries = 0;
        while people.len() < k && tries < 50 {
            tries += 1;
            let name = &names[zipf(&mut rng, &cdf)];
            if !people.contains(name) {
                people.push(name.clone());
            }
        }
        let title_words = 5 + rng.below(7);
        // Titles and summaries are plain text: no links, no bold.
        let title = sentence(&mut rng, &vocab, &people[..1], title_words, false)
            .trim_end_matches('.')
            .replace('*', "");
        let summary_words = 14 + rng.below(10);
        let summary = sentence(&mut rng, &vocab, &people, summary_words, false).replace('*', "");
        let body = body(&mut rng, &vocab, &people);
        let fm = FrontMatter {
            title,
            date,
            date_source: Some("editor".into()),
            people,
            roles: Vec::new(),
            summary,
            source: None,
            source_sha256: None,
            language: "uk".into(),
            slug: None,
            template: None,
        };
        out.push(Article {
            file: format!("{date}-{i:06}.md"),
            fm,
            body,
        });
    }
    out
}

/// A YAML double-quoted scalar.
fn yq(s: &str) -> String {
    let mut o = String::with_capacity(s.len() + 2);
    o.push('"');
    for c in s.chars() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            c => o.push(c),
        }
    }
    o.push('"');
    o
}

fn hugo_file(a: &Article) -> String {
    let mut s = String::with_capacity(a.body.len() + 512);
    s.push_str("---\n");
    let _ = writeln!(s, "title: {}", yq(&a.fm.title));
    let _ = writeln!(s, "date: {}", a.fm.date);
    s.push_str("people:\n");
    for p in &a.fm.people {
        let _ = writeln!(s, "- {}", yq(p));
    }
    let _ = writeln!(
        s,
        "months:\n- \"{:04}-{:02}\"",
        a.fm.date.year, a.fm.date.month
    );
    let _ = writeln!(s, "summary: {}", yq(&a.fm.summary));
    s.push_str("---\n\n");
    s.push_str(&a.body);
    s
}

const LITOPYS_CONFIG: &str = "# Generated by gen-corpus (benchmark corpus).\ntitle: Літопис — бенчмарк\nbase_url: https://example.org/\npage_size: 50\n";

fn write_file(path: &Path, bytes: &[u8]) -> Result<(), String> {
    std::fs::write(path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

fn mkdir(path: &Path) -> Result<(), String> {
    std::fs::create_dir_all(path).map_err(|e| format!("cannot create {}: {e}", path.display()))
}

fn generate(n: usize, seed: u64, out: &Path, hugo: Option<&Path>) -> Result<(), String> {
    let articles = corpus(n, seed);
    let dir = out.join("content").join("articles");
    mkdir(&dir)?;
    write_file(&out.join("litopys.yaml"), LITOPYS_CONFIG.as_bytes())?;
    for a in &articles {
        write_file(
            &dir.join(&a.file),
            content::write(&a.fm, &a.body).as_bytes(),
        )?;
    }
    if let Some(h) = hugo {
        let dir = h.join("content").join("articles");
        mkdir(&dir)?;
        for a in &articles {
            write_file(&dir.join(&a.file), hugo_file(a).as_bytes())?;
        }
    }
    Ok(())
}

/// The largest raw text `--raw` writes, in bytes (paragraphs past it are dropped).
const RAW_BYTES: usize = 4096;

/// An article as a raw text: title, lede and body paragraphs as plain text.
fn raw_text(a: &Article) -> String {
    let plain = |s: &str| -> String {
        // `[w](https://…)` → `w`; `**w**` → `w`.
        let mut out = String::with_capacity(s.len());
        let mut rest = s;
        while let Some(i) = rest.find("](") {
            let (head, tail) = rest.split_at(i);
            out.push_str(&head.replace('[', ""));
            rest = tail.find(')').map(|j| &tail[j + 1..]).unwrap_or("");
        }
        out.push_str(&rest.replace('[', ""));
        out.replace("**", "")
    };
    let mut out = format!("{}\n\n{}\n", plain(&a.fm.title), plain(&a.fm.summary));
    for para in a.body.split("\n\n") {
        let para = plain(para.trim());
        if out.len() + para.len() + 2 > RAW_BYTES {
            break;
        }
        out.push('\n');
        out.push_str(&para);
        out.push('\n');
    }
    out
}

fn generate_raw(n: usize, seed: u64, out: &Path) -> Result<(), String> {
    let articles = corpus(n, seed);
    let dir = out.join("content").join("raw").join("gen");
    mkdir(&dir)?;
    write_file(&out.join("litopys.yaml"), LITOPYS_CONFIG.as_bytes())?;
    for (i, a) in articles.iter().enumerate() {
        let name = format!("{}-{i:06}.txt", a.fm.date);
        write_file(&dir.join(name), raw_text(a).as_bytes())?;
    }
    Ok(())
}

/// Recreates the shape of `from` (regular files, dot-files excluded) under `to`.
fn floor(from: &Path, to: &Path) -> Result<usize, String> {
    let mut files: Vec<(PathBuf, u64)> = Vec::new();
    for e in walkdir::WalkDir::new(from).sort_by_file_name() {
        let e = e.map_err(|e| e.to_string())?;
        let hidden = e.file_name().to_string_lossy().starts_with('.');
        if e.file_type().is_file() && !hidden {
            let rel = e.path().strip_prefix(from).map_err(|e| e.to_string())?;
            let len = e.metadata().map_err(|e| e.to_string())?.len();
            files.push((rel.to_path_buf(), len));
        }
    }
    let mut buf = Vec::new();
    for (rel, len) in &files {
        let target = to.join(rel);
        if let Some(p) = target.parent() {
            mkdir(p)?;
        }
        buf.resize(*len as usize, b'x');
        write_file(&target, &buf)?;
    }
    Ok(files.len())
}

fn usage() -> &'static str {
    "usage: gen-corpus --n N --seed S --out DIR [--hugo DIR]\n       gen-corpus --floor-from BUILT_DIR --out EMPTY_DIR\n       gen-corpus --n N --seed S --raw DIR"
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut n: usize = 1000;
    let mut seed: u64 = 1;
    let mut out: Option<PathBuf> = None;
    let mut hugo: Option<PathBuf> = None;
    let mut floor_from: Option<PathBuf> = None;
    let mut raw: Option<PathBuf> = None;
    let mut i = 0;
    while i < args.len() {
        let value = args.get(i + 1).cloned();
        let Some(v) = value.filter(|_| args[i].starts_with("--")) else {
            eprintln!("{}", usage());
            return ExitCode::from(2);
        };
        let ok = match args[i].as_str() {
            "--n" => v.parse().map(|x| n = x).is_ok(),
            "--seed" => v.parse().map(|x| seed = x).is_ok(),
            "--out" => {
                out = Some(v.clone().into());
                true
            }
            "--hugo" => {
                hugo = Some(v.clone().into());
                true
            }
            "--floor-from" => {
                floor_from = Some(v.clone().into());
                true
            }
            "--raw" => {
                raw = Some(v.clone().into());
                true
            }
            _ => false,
        };
        if !ok {
            eprintln!("bad argument {} {v}\n{}", args[i], usage());
            return ExitCode::from(2);
        }
        i += 2;
    }
    let result = match (raw, out) {
        (Some(raw), _) => generate_raw(n, seed, &raw),
        (None, Some(out)) => match floor_from {
            Some(from) => floor(&from, &out).map(|k| eprintln!("floor: {k} files")),
            None => generate(n, seed, &out, hugo.as_deref()),
        },
        (None, None) => {
            eprintln!("{}", usage());
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gen-corpus: {e}");
            ExitCode::FAILURE
        }
    }
}
