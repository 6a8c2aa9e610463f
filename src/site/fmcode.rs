//! The parse cache's binary form of a front matter ([`FrontMatter`]): every field in a fixed
//! order, strings as a little-endian `u32` length and UTF-8 bytes, `Option`s as a tag byte
//! (0 none, 1 some), lists as a `u32` count, the date as year (`i32`), month and day (`u32`).
//! It is what the cache stores instead of JSON: a rebuild decodes every unchanged article's
//! front matter, and this reads several times faster than JSON. [`decode`] accepts only what
//! [`encode`] writes (every string valid UTF-8, a valid date, no bytes left over); anything
//! else is `None`, and the article is parsed from its file.

use crate::content::{FrontMatter, Role};
use crate::date::Date;
use crate::hash::Digest;

/// Appends `fm` to `out`.
pub fn encode(fm: &FrontMatter, out: &mut Vec<u8>) {
    // Every field by name: a field added to the front matter fails to compile here until it
    // is encoded (and decoded) too.
    let FrontMatter {
        title,
        date,
        date_source,
        people,
        roles,
        summary,
        source,
        source_sha256,
        language,
        slug,
        template,
    } = fm;
    put_str(out, title);
    out.extend_from_slice(&date.year.to_le_bytes());
    out.extend_from_slice(&date.month.to_le_bytes());
    out.extend_from_slice(&date.day.to_le_bytes());
    put_opt(out, date_source);
    put_len(out, people.len());
    for p in people {
        put_str(out, p);
    }
    put_len(out, roles.len());
    for Role { person, role } in roles {
        put_str(out, person);
        put_str(out, role);
    }
    put_str(out, summary);
    put_opt(out, source);
    put_opt(out, source_sha256);
    put_str(out, language);
    put_opt(out, slug);
    put_opt(out, template);
}

/// The front matter [`encode`] wrote to `bytes`; none if `bytes` is anything else.
pub fn decode(bytes: &[u8]) -> Option<FrontMatter> {
    let mut r = Reader::new(bytes);
    let title = r.string()?;
    let date = Date::new(r.i32()?, r.u32()?, r.u32()?)?;
    let date_source = r.opt()?;
    let n = r.len()?;
    let mut people = Vec::with_capacity(n);
    for _ in 0..n {
        people.push(r.string()?);
    }
    let n = r.len()?;
    let mut roles = Vec::with_capacity(n);
    for _ in 0..n {
        roles.push(Role {
            person: r.string()?,
            role: r.string()?,
        });
    }
    let fm = FrontMatter {
        title,
        date,
        date_source,
        people,
        roles,
        summary: r.string()?,
        source: r.opt()?,
        source_sha256: r.opt()?,
        language: r.string()?,
        slug: r.opt()?,
        template: r.opt()?,
    };
    (r.at == bytes.len()).then_some(fm)
}

fn put_len(out: &mut Vec<u8>, n: usize) {
    // Front matter comes from a file the cache records with a u32 length, so no part of it
    // is longer.
    out.extend_from_slice(&u32::try_from(n).unwrap_or(u32::MAX).to_le_bytes());
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    put_len(out, s.len());
    out.extend_from_slice(s.as_bytes());
}

fn put_opt(out: &mut Vec<u8>, s: &Option<String>) {
    match s {
        None => out.push(0),
        Some(s) => {
            out.push(1);
            put_str(out, s);
        }
    }
}

/// Reads little-endian binary forms from the front: what [`encode`] wrote, and the model's
/// snapshot (`super::snapshot`), strings as a u32 length and UTF-8 bytes.
pub(super) struct Reader<'a> {
    bytes: &'a [u8],
    /// Where the next read begins.
    pub at: usize,
}

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8]) -> Reader<'a> {
        Reader { bytes, at: 0 }
    }

    pub fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.at.checked_add(n)?;
        let b = self.bytes.get(self.at..end)?;
        self.at = end;
        Some(b)
    }

    pub fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }

    pub fn i32(&mut self) -> Option<i32> {
        Some(i32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }

    pub fn byte(&mut self) -> Option<u8> {
        Some(self.take(1)?[0])
    }

    pub fn digest(&mut self) -> Option<Digest> {
        self.take(std::mem::size_of::<Digest>())?.try_into().ok()
    }

    /// A count or length; one larger than what is left cannot be right (every item takes at
    /// least a byte), which also bounds the memory a damaged count can ask for.
    pub fn len(&mut self) -> Option<usize> {
        let n = self.u32()? as usize;
        (n <= self.bytes.len() - self.at).then_some(n)
    }

    /// An index below `bound`.
    pub fn index(&mut self, bound: usize) -> Option<usize> {
        let i = self.u32()? as usize;
        (i < bound).then_some(i)
    }

    pub fn str(&mut self) -> Option<&'a str> {
        let n = self.len()?;
        simdutf8::basic::from_utf8(self.take(n)?).ok()
    }

    pub fn string(&mut self) -> Option<String> {
        self.str().map(str::to_owned)
    }

    pub fn opt(&mut self) -> Option<Option<String>> {
        match self.byte()? {
            0 => Some(None),
            1 => self.string().map(Some),
            _ => None,
        }
    }

    pub fn date(&mut self) -> Option<Date> {
        Date::new(self.i32()?, self.u32()?, self.u32()?)
    }

    /// Numbers below `bound`, as u32.
    pub fn ids(&mut self, bound: usize) -> Option<Vec<u32>> {
        let n = self.len()?;
        let mut v = Vec::with_capacity(n);
        for _ in 0..n {
            v.push(self.index(bound)? as u32);
        }
        Some(v)
    }

    pub fn indices(&mut self, bound: usize) -> Option<Vec<usize>> {
        let n = self.len()?;
        let mut v = Vec::with_capacity(n);
        for _ in 0..n {
            v.push(self.index(bound)?);
        }
        Some(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn full() -> FrontMatter {
        FrontMatter {
            title: "Зустріч зі Стівом Віткоффом: «лапки» \"і\" \\ \n рядки".into(),
            date: Date::new(2026, 2, 28).unwrap(),
            date_source: Some("text".into()),
            people: vec!["Стів Віткофф".into(), "Кирило Буданов".into(), "".into()],
            roles: vec![Role {
                person: "Кирило Буданов".into(),
                role: "начальник ГУР".into(),
            }],
            summary: "Лід з емодзі 🙂 і NUL \0.".into(),
            source: Some("content/raw/a.txt".into()),
            source_sha256: Some("ab".repeat(32)),
            language: "en".into(),
            slug: Some("zustrich".into()),
            template: Some("x.html".into()),
        }
    }

    /// Front matters of every shape come back equal, and each encodes differently from the
    /// others (no two fields can be confused).
    #[test]
    fn front_matter_round_trips() {
        let mut all = vec![full()];
        let f = full();
        all.push(FrontMatter {
            date_source: None,
            source: None,
            source_sha256: None,
            slug: None,
            template: None,
            ..f.clone()
        });
        all.push(FrontMatter {
            people: vec![],
            roles: vec![],
            summary: String::new(),
            title: String::new(),
            ..f.clone()
        });
        all.push(FrontMatter {
            slug: Some(String::new()),
            ..f.clone()
        });
        all.push(FrontMatter {
            template: Some("zustrich".into()),
            slug: None,
            ..f.clone()
        });
        let mut seen = std::collections::HashSet::new();
        for fm in &all {
            let mut b = Vec::new();
            encode(fm, &mut b);
            assert_eq!(decode(&b).as_ref(), Some(fm));
            assert!(seen.insert(b), "{fm:?}");
        }
    }

    /// The front matter ingest makes from each of the repository's sample raw texts (the seed
    /// and the news texts under `content/raw/`) round-trips.
    #[test]
    fn front_matter_of_the_sample_raw_texts_round_trips() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let config = crate::config::Config::default();
        let registry = crate::people::Registry::default();
        let reference = Date::new(2026, 1, 7).unwrap();
        let mut n = 0;
        for e in walkdir::WalkDir::new(root.join("content/raw")).sort_by_file_name() {
            let e = e.unwrap();
            if e.path().extension().is_none_or(|x| x != "txt") {
                continue;
            }
            let bytes = std::fs::read(e.path()).unwrap();
            let name = e.file_name().to_string_lossy();
            let rel = format!("content/raw/{name}");
            let a = crate::ingest::prepare_bytes(
                &bytes, &name, &rel, &config, &registry, reference, false,
            )
            .unwrap();
            let mut b = Vec::new();
            encode(&a.front_matter, &mut b);
            assert_eq!(decode(&b), Some(a.front_matter), "{}", e.path().display());
            n += 1;
        }
        assert!(n >= 20, "{n} raw texts under content/raw");
    }

    /// Anything but exactly what was encoded is refused: every cut, a byte more, a flipped
    /// option tag, invalid UTF-8, an impossible date, a count beyond the data.
    #[test]
    fn damaged_bytes_are_refused() {
        let mut b = Vec::new();
        encode(&full(), &mut b);
        for cut in 0..b.len() {
            assert_eq!(decode(&b[..cut]), None, "cut at {cut}");
        }
        let mut longer = b.clone();
        longer.push(0);
        assert_eq!(decode(&longer), None);
        // The title's first byte: «З» starts with 0xD0; 0xFF is never UTF-8.
        let mut bad = b.clone();
        bad[4] = 0xFF;
        assert_eq!(decode(&bad), None);
        // The month (after the title and the year).
        let title = full().title.len();
        let mut bad = b.clone();
        bad[4 + title + 4] = 13;
        assert_eq!(decode(&bad), None);
        // The date_source tag.
        let mut bad = b.clone();
        bad[4 + title + 12] = 2;
        assert_eq!(decode(&bad), None);
        // The people count.
        let at = 4 + title + 12 + 1 + 4 + "text".len();
        let mut bad = b.clone();
        bad[at..at + 4].copy_from_slice(&u32::MAX.to_le_bytes());
        assert_eq!(decode(&bad), None);
    }
}
