//! Article files: `content/articles/*.md`, YAML front matter between `---` lines, then the
//! Markdown body. Parsing reports the file's line numbers; writing is the exact inverse, so
//! a parsed and rewritten file is byte-identical.

use crate::date::Date;
use serde::{Deserialize, Serialize};

/// A role phrase written next to a person's name in an article («секретар РНБО»).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Role {
    pub person: String,
    pub role: String,
}

/// The front matter schema (documented in README.md).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    pub title: String,
    pub date: Date,
    /// How `date` was found: `filename`, `text`, `mtime`, `reference` or `editor`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_source: Option<String>,
    /// Canonical names, in order of first mention.
    #[serde(default)]
    pub people: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<Role>,
    /// The lede.
    #[serde(default)]
    pub summary: String,
    /// The raw file this page was made from, relative to the site root.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_sha256: Option<String>,
    #[serde(default = "default_language")]
    pub language: String,
    /// URL slug; derived from the title when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slug: Option<String>,
    /// Template used for the article page (default `article.html`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
}

fn default_language() -> String {
    "uk".to_string()
}

/// An error in an article file, with the 1-based line it is about.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct ContentError {
    pub line: usize,
    pub message: String,
}

/// Splits a Markdown file into front matter and body, and parses the front matter.
///
/// Windows (`\r\n`) and old-Mac (`\r`) line ends are read as `\n` everywhere (fences, YAML,
/// body), so a line number means the same whatever the file's line ends; a body returned
/// from such a file has `\n` line ends.
pub fn parse(text: &str) -> Result<(FrontMatter, String), ContentError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let text = normalize_line_ends(text);
    let text = text.as_ref();
    let rest = text.strip_prefix("---\n").ok_or_else(|| ContentError {
        line: 1,
        message: "the file must start with a `---` line, then the YAML front matter, then \
                      another `---` line"
            .into(),
    })?;
    // Find the closing fence: a line that is exactly `---`.
    let mut offset = 0;
    let mut close = None;
    for line in rest.split_inclusive('\n') {
        if line.trim_end_matches('\n') == "---" {
            close = Some((offset, offset + line.len()));
            break;
        }
        offset += line.len();
    }
    let (yaml_end, body_start) = close.ok_or_else(|| ContentError {
        line: 1,
        message: "the front matter is not closed: add a line with just `---` after it".into(),
    })?;
    let yaml = &rest[..yaml_end];
    let body = &rest[body_start..];
    // Front matter as Litopys writes it is read directly; anything else by serde_yaml.
    let own = parse_own_yaml(yaml);
    // +1 for the opening fence.
    let fm: FrontMatter = match own {
        Some(fm) => Ok(fm),
        None => crate::yaml::parse(yaml),
    }
    .map_err(|e| {
        let mut errors = locate_errors(yaml);
        if errors.is_empty() {
            errors.push(ContentError {
                line: e.line.map(|l| l + 1).unwrap_or(1),
                message: explain(&e.message),
            });
        }
        combine(errors)
    })?;
    if fm.title.trim().is_empty() {
        return Err(ContentError {
            line: key_line(yaml, "title").map(|l| l + 1).unwrap_or(2),
            message: "`title` is empty: give the article a title".into(),
        });
    }
    let body = body.strip_prefix('\n').unwrap_or(body);
    Ok((fm, body.to_string()))
}

/// The front matter `yaml` when it is byte for byte what [`front_matter_yaml`] writes (what
/// ingest writes, and what an editor's change usually leaves): read line by line, and taken
/// only if writing the result again gives the very same bytes. [`front_matter_yaml`] writes
/// what serde_yaml prints, and serde_yaml reads its own output back to the same values, so
/// then serde_yaml would give this too; `None` (anything else) leaves the text to serde_yaml,
/// which costs ~100,000 instructions per article.
fn parse_own_yaml(yaml: &str) -> Option<FrontMatter> {
    /// A scalar after `key:` or `-`: a space, then a plain or single-quoted string.
    fn scalar(s: &str) -> Option<String> {
        let s = s.strip_prefix(' ')?;
        match s.strip_prefix('\'') {
            Some(q) => {
                let inner = q.strip_suffix('\'')?;
                let mut out = String::with_capacity(inner.len());
                let mut rest = inner;
                while let Some(i) = rest.find('\'') {
                    // Inside quotes a quote is written twice.
                    if rest.as_bytes().get(i + 1) != Some(&b'\'') {
                        return None;
                    }
                    out.push_str(&rest[..=i]);
                    rest = &rest[i + 2..];
                }
                out.push_str(rest);
                Some(out)
            }
            None => Some(s.to_string()),
        }
    }
    let mut lines = yaml.strip_suffix('\n')?.split('\n').peekable();
    // The next line's value if it is `key:`.
    let lines_after = |key: &str, lines: &mut std::iter::Peekable<std::str::Split<'_, char>>| {
        let line = lines.next_if(|l| l.strip_prefix(key).is_some_and(|r| r.starts_with(':')))?;
        scalar(&line[key.len() + 1..])
    };
    let title = lines_after("title", &mut lines)?;
    let date = Date::parse_iso(lines.next()?.strip_prefix("date: ")?)?;
    let date_source = lines_after("date_source", &mut lines);
    let mut people = Vec::new();
    match lines.next()? {
        "people: []" => {}
        "people:" => {
            while let Some(item) = lines.next_if(|l| l.starts_with('-')) {
                people.push(scalar(&item[1..])?);
            }
            if people.is_empty() {
                return None;
            }
        }
        _ => return None,
    }
    let mut roles = Vec::new();
    if lines.next_if_eq(&"roles:").is_some() {
        while let Some(p) = lines.next_if(|l| l.starts_with("- person:")) {
            let person = scalar(&p["- person:".len()..])?;
            let role = scalar(lines.next()?.strip_prefix("  role:")?)?;
            roles.push(Role { person, role });
        }
        if roles.is_empty() {
            return None;
        }
    }
    let summary = lines_after("summary", &mut lines)?;
    let source = lines_after("source", &mut lines);
    let source_sha256 = lines_after("source_sha256", &mut lines);
    let language = lines_after("language", &mut lines)?;
    let slug = lines_after("slug", &mut lines);
    let template = lines_after("template", &mut lines);
    if lines.next().is_some() {
        return None;
    }
    let fm = FrontMatter {
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
    };
    let mut again = String::with_capacity(yaml.len());
    front_matter_yaml(&fm, &mut again)?;
    (again == yaml).then_some(fm)
}

/// `text` with every `\r\n` and lone `\r` turned into `\n` (borrowed when there is no `\r`).
fn normalize_line_ends(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains('\r') {
        return std::borrow::Cow::Borrowed(text);
    }
    std::borrow::Cow::Owned(text.replace("\r\n", "\n").replace('\r', "\n"))
}

/// Every front matter key on its own, for [`locate_errors`]: each top-level key's lines are
/// parsed alone into this, so an error is found at its key's line (serde_yaml reports a bad
/// value at the start of the mapping otherwise).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Probe {
    title: Option<String>,
    date: Option<Date>,
    date_source: Option<String>,
    people: Option<Vec<String>>,
    roles: Option<Vec<Role>>,
    summary: Option<String>,
    source: Option<String>,
    source_sha256: Option<String>,
    language: Option<String>,
    slug: Option<String>,
    template: Option<String>,
}

/// The 0-based top-level key lines of front matter text: (line index, key).
fn top_level_keys(yaml: &str) -> Vec<(usize, &str)> {
    yaml.lines()
        .enumerate()
        .filter_map(|(i, line)| {
            let first = line.chars().next()?;
            if first.is_whitespace() || matches!(first, '#' | '-' | '\'' | '"' | '[' | '{') {
                return None;
            }
            let key = line.split(':').next()?.trim();
            (line.contains(':') && !key.is_empty()).then_some((i, key))
        })
        .collect()
}

/// The 1-based line (within the YAML) of top-level key `key`.
fn key_line(yaml: &str, key: &str) -> Option<usize> {
    top_level_keys(yaml)
        .into_iter()
        .find(|(_, k)| *k == key)
        .map(|(i, _)| i + 1)
}

/// Parses each top-level key of `yaml` on its own and returns an error (at the file's line:
/// +1 for the opening fence) for each key that fails, plus missing required keys. Empty when
/// the YAML is not a plain mapping of keys (then serde_yaml's own error is the best there is).
fn locate_errors(yaml: &str) -> Vec<ContentError> {
    let lines: Vec<&str> = yaml.lines().collect();
    let keys = top_level_keys(yaml);
    let mut errors = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    for (n, &(start, key)) in keys.iter().enumerate() {
        let end = keys.get(n + 1).map(|k| k.0).unwrap_or(lines.len());
        let section = lines[start..end].join("\n");
        if seen.contains(&key) {
            errors.push(ContentError {
                line: start + 2,
                message: format!("`{key}` is given twice: keep one"),
            });
            continue;
        }
        seen.push(key);
        if let Err(e) = crate::yaml::parse::<Probe>(&section) {
            errors.push(ContentError {
                line: start + 1 + e.line.unwrap_or(1),
                message: explain(&e.message),
            });
        }
    }
    if errors.is_empty() {
        for required in ["title", "date"] {
            if !seen.contains(&required) {
                errors.push(ContentError {
                    line: 1,
                    message: explain(&format!("missing field `{required}`")),
                });
            }
        }
    }
    errors
}

/// serde_yaml's message with what to do about it.
fn explain(message: &str) -> String {
    let message = message.trim();
    // serde_yaml appends " at line L column C" to the message; the line is reported apart.
    let message = match message.find(" at line ") {
        Some(i) => &message[..i],
        None => message,
    };
    let hint = if message.starts_with("unknown field") {
        "remove it, or fix its spelling"
    } else if message.starts_with("missing field `title`") {
        "add `title: …`"
    } else if message.starts_with("missing field `date`") {
        "add `date: YYYY-MM-DD`"
    } else if message.contains("invalid date") {
        "use a real day"
    } else if message.contains("expected a sequence") {
        "write a list, one `- item` per line"
    } else if message.contains("invalid type") {
        "give the value the type the README's front matter schema shows"
    } else {
        "fix the YAML between the `---` lines"
    };
    format!("{message} ({hint})")
}

/// One error from several: the first by line, with the others appended to the message.
fn combine(mut errors: Vec<ContentError>) -> ContentError {
    errors.sort_by_key(|e| e.line);
    let mut first = errors.remove(0);
    for e in errors {
        first
            .message
            .push_str(&format!("; and line {}: {}", e.line, e.message));
    }
    first
}

/// Writes front matter and body as a Markdown file.
///
/// The front matter is byte for byte what serde_yaml prints for [`FrontMatter`]; it is
/// written directly (`front_matter_yaml`) when every value is one whose YAML form is
/// certain, and through serde_yaml otherwise.
pub fn write(fm: &FrontMatter, body: &str) -> String {
    let mut out = String::with_capacity(body.len() + 1024);
    out.push_str("---\n");
    match front_matter_yaml(fm, &mut out) {
        Some(()) => {}
        None => {
            out.truncate(4);
            out.push_str(&crate::yaml::to_string(fm).unwrap_or_default());
        }
    }
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out.push_str("---\n\n");
    out.push_str(body);
    if !body.ends_with('\n') {
        out.push('\n');
    }
    out
}

/// `fm` as serde_yaml prints it, appended to `out`; `None` (with `out` partly written) when a
/// value is one [`scalar_style`] is not sure about, so the caller asks serde_yaml instead.
fn front_matter_yaml(fm: &FrontMatter, out: &mut String) -> Option<()> {
    fn field(out: &mut String, key: &str, value: &str) -> Option<()> {
        out.push_str(key);
        out.push(':');
        push_scalar(out, value)?;
        out.push('\n');
        Some(())
    }
    field(out, "title", &fm.title)?;
    let date = fm.date.iso();
    // YYYY-MM-DD is plain: no integer or float has a `-` after its first digit but no `e`.
    let b = date.as_bytes();
    let plain_date = b.len() == 10
        && b.iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        });
    if !plain_date {
        return None;
    }
    out.push_str("date: ");
    out.push_str(&date);
    out.push('\n');
    if let Some(v) = &fm.date_source {
        field(out, "date_source", v)?;
    }
    if fm.people.is_empty() {
        out.push_str("people: []\n");
    } else {
        out.push_str("people:\n");
        for p in &fm.people {
            out.push('-');
            push_scalar(out, p)?;
            out.push('\n');
        }
    }
    if !fm.roles.is_empty() {
        out.push_str("roles:\n");
        for r in &fm.roles {
            out.push_str("- person:");
            push_scalar(out, &r.person)?;
            out.push_str("\n  role:");
            push_scalar(out, &r.role)?;
            out.push('\n');
        }
    }
    field(out, "summary", &fm.summary)?;
    if let Some(v) = &fm.source {
        field(out, "source", v)?;
    }
    if let Some(v) = &fm.source_sha256 {
        field(out, "source_sha256", v)?;
    }
    field(out, "language", &fm.language)?;
    if let Some(v) = &fm.slug {
        field(out, "slug", v)?;
    }
    if let Some(v) = &fm.template {
        field(out, "template", v)?;
    }
    Some(())
}

/// Appends a space and `value` as serde_yaml prints a string in block context (after
/// `key:` or `-`), or returns `None` when [`scalar_style`] is not sure how it would.
fn push_scalar(out: &mut String, value: &str) -> Option<()> {
    match scalar_style(value)? {
        ScalarStyle::Plain => {
            out.push(' ');
            out.push_str(value);
        }
        ScalarStyle::SingleQuoted => {
            out.push_str(" '");
            let mut rest = value;
            while let Some(i) = rest.find('\'') {
                out.push_str(&rest[..=i]);
                out.push('\'');
                rest = &rest[i + 1..];
            }
            out.push_str(rest);
            out.push('\'');
        }
    }
    Some(())
}

/// How serde_yaml writes a string value in block context.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ScalarStyle {
    Plain,
    SingleQuoted,
}

/// The style serde_yaml (with libyaml's emitter, unlimited width, Unicode on) gives the string
/// `value` as a block mapping value or sequence item, or `None` when this is not sure: a
/// string that could read as null, a bool or a number, that starts with `-`, `?`, `:`, `---`
/// or `...`, ends with `:`, or holds a character that is not printable in YAML, a tab, a line
/// break or one outside the Basic Multilingual Plane. (Those are written by serde_yaml itself.)
///
/// Otherwise: plain unless libyaml's analysis forbids a plain scalar in block context (a
/// leading or trailing space, an indicator character first, `: ` inside, ` #` inside), then
/// single-quoted, which a single-line printable string always allows.
fn scalar_style(value: &str) -> Option<ScalarStyle> {
    if value.is_empty() {
        // serde_yaml reads an empty plain scalar as null, so it asks for quotes.
        return Some(ScalarStyle::SingleQuoted);
    }
    if may_read_as_non_string(value) {
        return None;
    }
    let b = value.as_bytes();
    let first = b[0];
    if matches!(first, b'-' | b'?' | b':') || value.starts_with("...") || b[b.len() - 1] == b':' {
        return None;
    }
    let mut plain = !matches!(
        first,
        b'#' | b','
            | b'['
            | b']'
            | b'{'
            | b'}'
            | b'&'
            | b'*'
            | b'!'
            | b'|'
            | b'>'
            | b'\''
            | b'"'
            | b'%'
            | b'@'
            | b'`'
            | b' '
    ) && b[b.len() - 1] != b' ';
    let mut prev = 0u8;
    for (i, c) in value.char_indices() {
        let printable = match c {
            ' '..='~' => true,
            '\u{a0}'..='\u{d7ff}' => !matches!(c, '\u{2028}' | '\u{2029}'),
            '\u{e000}'..='\u{fffd}' => c != '\u{feff}',
            _ => false,
        };
        if !printable {
            return None;
        }
        if c == ':' && b.get(i + 1) == Some(&b' ') {
            plain = false;
        }
        if c == '#' && prev == b' ' {
            plain = false;
        }
        prev = if c.is_ascii() { c as u8 } else { 0x80 };
    }
    Some(if plain {
        ScalarStyle::Plain
    } else {
        ScalarStyle::SingleQuoted
    })
}

/// Whether serde_yaml might read `value` as something other than a string (null, a bool, an
/// integer in any base, a float, `.inf`, `.nan`) or as digits it quotes (`007`): a superset
/// of those, so `false` is certain.
fn may_read_as_non_string(value: &str) -> bool {
    let unsigned = value.trim_start_matches(['+', '-']);
    const WORDS: [&str; 9] = [
        "~", "null", "true", "false", ".inf", ".nan", "inf", "nan", "infinity",
    ];
    if unsigned.len() <= 9 && WORDS.iter().any(|w| unsigned.eq_ignore_ascii_case(w)) {
        return true;
    }
    // `0x…`, `0o…`, `0b…`: an integer only when the rest is digits of that base.
    let u = unsigned.as_bytes();
    if u.len() >= 2 && u[0] == b'0' {
        let rest = &u[2..];
        let only = |digit: fn(&u8) -> bool| {
            rest.iter()
                .all(|c| digit(c) || matches!(c, b'+' | b'-' | b'_'))
        };
        let base_int = match u[1].to_ascii_lowercase() {
            b'x' => only(u8::is_ascii_hexdigit),
            b'o' => only(|c| matches!(c, b'0'..=b'7')),
            b'b' => only(|c| matches!(c, b'0' | b'1')),
            _ => false,
        };
        if base_int {
            return true;
        }
    }
    // Integers and finite floats are made of these alone.
    value
        .bytes()
        .all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'E' | b'+' | b'-' | b'_'))
}

/// Renders a Markdown body to HTML. Raw HTML in the Markdown is escaped unless `allow_html`
/// (then it passes as written: `allow_html` trusts the editors). Link and image destinations
/// written in Markdown syntax (`[x](…)`, `![x](…)`, `<…>` autolinks, reference definitions)
/// with a `javascript:`, `vbscript:` or `data:` scheme become `#` either way.
pub fn markdown_to_html(body: &str, allow_html: bool) -> String {
    use pulldown_cmark::{html, Event, Options, Parser};
    let mut opts = Options::empty();
    opts.insert(Options::ENABLE_STRIKETHROUGH);
    opts.insert(Options::ENABLE_TABLES);
    opts.insert(Options::ENABLE_FOOTNOTES);
    let parser = Parser::new_ext(body, opts).map(|ev| match ev {
        Event::Html(h) | Event::InlineHtml(h) if !allow_html => Event::Text(h),
        Event::Start(pulldown_cmark::Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) if is_dangerous_url(&dest_url) => Event::Start(pulldown_cmark::Tag::Link {
            link_type,
            dest_url: "#".into(),
            title,
            id,
        }),
        Event::Start(pulldown_cmark::Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) if is_dangerous_url(&dest_url) => Event::Start(pulldown_cmark::Tag::Image {
            link_type,
            dest_url: "#".into(),
            title,
            id,
        }),
        other => other,
    });
    let mut out = String::with_capacity(body.len() * 3 / 2);
    html::push_html(&mut out, parser);
    out
}

/// `javascript:`, `vbscript:` and `data:` URLs (ignoring case, spaces and control characters).
pub fn is_dangerous_url(url: &str) -> bool {
    let cleaned: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .take(12)
        .collect::<String>()
        .to_ascii_lowercase();
    cleaned.starts_with("javascript:")
        || cleaned.starts_with("vbscript:")
        || cleaned.starts_with("data:")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> FrontMatter {
        FrontMatter {
            title: "Переговори у Парижі: «мир» і 'безпека'".into(),
            date: Date::new(2026, 1, 7).unwrap(),
            date_source: Some("text".into()),
            people: vec!["Кирило Буданов".into(), "Зеленський".into()],
            roles: vec![Role {
                person: "Кирило Буданов".into(),
                role: "керівник Офісу президента".into(),
            }],
            summary: "Представники України: перемовини #1".into(),
            source: Some("content/raw/a.txt".into()),
            source_sha256: Some("ab".repeat(32)),
            language: "uk".into(),
            slug: None,
            template: None,
        }
    }

    /// [`write`] the plain way: every front matter through serde_yaml.
    fn write_reference(fm: &FrontMatter, body: &str) -> String {
        let yaml = crate::yaml::to_string(fm).unwrap();
        let mut out = format!("---\n{yaml}");
        if !yaml.ends_with('\n') {
            out.push('\n');
        }
        out.push_str("---\n\n");
        out.push_str(body);
        if !body.ends_with('\n') {
            out.push('\n');
        }
        out
    }

    /// The front matter of a file [`write`] made, as [`parse`] cuts it.
    fn yaml_of(text: &str) -> &str {
        let rest = text.strip_prefix("---\n").unwrap();
        &rest[..rest.find("\n---\n").unwrap() + 1]
    }

    #[test]
    fn own_front_matter_is_read_as_serde_yaml_reads_it() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let alphabet: Vec<char> = "ab ':#-?\"[]{},&*!|>%@`~.\\ІїЄґʼ«»—\t\u{a0}\u{2028}😀1eE+"
            .chars()
            .collect();
        let mut strings: Vec<String> = HOSTILE.iter().map(|s| s.to_string()).collect();
        for _ in 0..3000 {
            let len = next(8);
            strings.push((0..len).map(|_| alphabet[next(alphabet.len())]).collect());
        }
        let mut variants = vec![sample()];
        for s in &strings {
            variants.push(with_everywhere(s));
            let mut fm = with_everywhere(s);
            fm.people.clear();
            fm.roles.clear();
            (fm.date_source, fm.source, fm.source_sha256) = (None, None, None);
            (fm.slug, fm.template) = (None, None);
            variants.push(fm);
        }
        let (mut taken, mut tried) = (0, 0);
        for fm in &variants {
            let text = write(fm, "Текст.\n");
            let yaml = yaml_of(&text);
            let mut direct = String::new();
            if front_matter_yaml(fm, &mut direct).is_some() {
                assert_eq!(parse_own_yaml(yaml).as_ref(), Some(fm), "{yaml}");
            }
            // The same, edited by hand in ways YAML allows (or not).
            let mut swapped: Vec<&str> = yaml.lines().collect();
            swapped.swap(0, 1);
            let edits = [
                yaml.to_string(),
                yaml.replace(": ", ":  "),
                yaml.replace('\'', "\""),
                yaml.replace("''", "'"),
                yaml.replace('\n', " # note\n"),
                yaml.replace("\n- ", "\n  - "),
                yaml.replacen("title:", "title: >\n ", 1),
                yaml.replacen("title:", "title: |\n ", 1),
                format!("{yaml}extra: 1\n"),
                format!("{yaml}\n"),
                swapped.join("\n") + "\n",
                yaml.replace("people: []", "people:"),
            ];
            for e in &edits {
                tried += 1;
                if let Some(own) = parse_own_yaml(e) {
                    taken += 1;
                    let serde: Option<FrontMatter> = crate::yaml::parse(e).ok();
                    assert_eq!(Some(own), serde, "{e}");
                }
            }
        }
        // Most files written here are read directly (the rest go to serde_yaml).
        assert!(taken * 4 > tried / 12 * 3, "{taken} of {tried}");
    }

    /// A front matter with `s` in every string field (and as a person and a role).
    fn with_everywhere(s: &str) -> FrontMatter {
        FrontMatter {
            title: s.into(),
            date: Date::new(2026, 1, 7).unwrap(),
            date_source: Some(s.into()),
            people: vec![s.into(), "Кирило Буданов".into(), s.into()],
            roles: vec![Role {
                person: s.into(),
                role: s.into(),
            }],
            summary: s.into(),
            source: Some(s.into()),
            source_sha256: Some(s.into()),
            language: s.into(),
            slug: Some(s.into()),
            template: Some(s.into()),
        }
    }

    /// Strings that YAML reads specially, or that are quoted, escaped or wrapped.
    const HOSTILE: &[&str] = &[
        "",
        " ",
        "a",
        "x y",
        " lead",
        "trail ",
        "a: b",
        "a:b",
        "a:",
        ":a",
        ": a",
        "a #b",
        "a#b",
        "#a",
        "- a",
        "-a",
        "-",
        "--",
        "---",
        "--- a",
        "...",
        ". . .",
        "?",
        "? a",
        "?a",
        "a?",
        "'",
        "''",
        "a'b",
        "'a'",
        "\"",
        "a\"b",
        "\"a\"",
        "[a]",
        "a[b]",
        "{a}",
        "a,b",
        ",a",
        "&a",
        "*a",
        "!a",
        "!!str",
        "|a",
        ">a",
        "%a",
        "@a",
        "`a`",
        "a|b",
        "a > b",
        "yes",
        "no",
        "Yes",
        "NO",
        "on",
        "off",
        "y",
        "n",
        "~",
        "null",
        "Null",
        "NULL",
        "nULL",
        "true",
        "True",
        "TRUE",
        "false",
        "False",
        "tRUE",
        "0",
        "1",
        "-1",
        "+1",
        "007",
        "-007",
        "0.5",
        ".5",
        "5.",
        "1e3",
        "1E3",
        "-1e-3",
        "1_000",
        "0x1F",
        "0X1f",
        "0o17",
        "0b101",
        "-0x1",
        "+0x1",
        "++1",
        ".inf",
        "-.inf",
        "+.INF",
        ".nan",
        ".NaN",
        "inf",
        "nan",
        "infinity",
        "-Infinity",
        "e",
        "1.2.3",
        "2026-01-07",
        "2026-01-07T10:00:00Z",
        "12:30",
        "1:2",
        "a\nb",
        "a\n",
        "\nb",
        "a \n b",
        "a\r\nb",
        "a\rb",
        "a\tb",
        "\t",
        "a\u{0}b",
        "a\u{7}b",
        "a\u{7f}b",
        "a\u{85}b",
        "a\u{a0}b",
        "\u{a0}",
        "a\u{2028}b",
        "a\u{2029}b",
        "a\u{feff}b",
        "\u{feff}a",
        "a\u{fffe}b",
        "a\u{ffff}b",
        "a\u{fffd}b",
        "a\u{e000}b",
        "a\u{d7ff}b",
        "😀",
        "a😀b",
        "\u{10ffff}",
        "«мир» і 'безпека'",
        "Переговори у Парижі: «мир»",
        "Кирило Буданов",
        "abababababababababababababababababababababababababababababababab",
        "0123456789abcdef",
        "0b12",
        "1e5f",
        "a  b",
        "a\\b",
        "\\",
        "a\\n",
        "é",
        "ﬁ",
        "ａ",
        "\u{301}a",
        "content/raw/gen/2023-12-01-000329.txt",
        "C:\\temp\\",
        "http://x.org/a?b=c#d",
        "a: b: c",
        "0b",
        "0x",
        "0o",
        "0b1",
        "0b2",
        "0b101a",
        "0x1g",
        "0xff",
        "0o8",
        "0o7",
        "-0b1",
        "+0o7",
        "0b1e3",
        "0x-1",
        "0x+1",
        "0x_1",
        "0b3f5a",
        "0e1",
        "0e",
        "0bf3",
        "x #",
        "x#",
        "#",
        "a '",
        "' a",
        "=",
        "<<",
        "<",
        ">",
        "|",
        "|-",
        "&",
        "*",
        "!",
        "%",
        "@",
        "`",
        ",",
        "[",
        "]",
        "{",
        "}",
    ];

    #[test]
    fn direct_front_matter_is_serde_yamls() {
        for s in HOSTILE {
            let fm = with_everywhere(s);
            assert_eq!(
                write(&fm, "Текст.\n"),
                write_reference(&fm, "Текст.\n"),
                "{s:?}"
            );
        }
        // Also with the optional fields absent, no people and an odd date.
        let mut fm = sample();
        fm.people.clear();
        fm.roles.clear();
        fm.date_source = None;
        fm.source = None;
        fm.source_sha256 = None;
        fm.summary = String::new();
        assert_eq!(write(&fm, "a"), write_reference(&fm, "a"));
        fm.date = Date::new(12345, 1, 2).unwrap_or(fm.date);
        assert_eq!(write(&fm, "a"), write_reference(&fm, "a"));
        fm.date = Date::new(7, 1, 2).unwrap_or(fm.date);
        assert_eq!(write(&fm, "a"), write_reference(&fm, "a"));
    }

    #[test]
    fn the_direct_writer_covers_ordinary_text() {
        // The fast path must not hide behind the fallback: these need no serde_yaml.
        for s in [
            "Кирило Буданов",
            "Переговори у Парижі: «мир» і 'безпека'",
            "a #1",
            "content/raw/a.txt",
            "0123456789abcdef",
            "0b3fab9c0e",
            "",
        ] {
            assert!(scalar_style(s).is_some(), "{s:?}");
        }
        assert!(front_matter_yaml(&sample(), &mut String::new()).is_some());
    }

    /// Front matter files to check the direct writer against serde_yaml on: every `*.md` under
    /// the folder named by `LITOPYS_FM_CORPUS` (run with `--ignored`).
    #[test]
    #[ignore]
    fn direct_front_matter_is_serde_yamls_on_a_corpus() {
        let dir = std::env::var("LITOPYS_FM_CORPUS").expect("set LITOPYS_FM_CORPUS");
        let mut n = 0;
        let mut direct = 0;
        for entry in walkdir::WalkDir::new(dir) {
            let entry = entry.unwrap();
            if entry.path().extension().is_none_or(|e| e != "md") {
                continue;
            }
            let text = std::fs::read_to_string(entry.path()).unwrap();
            let Ok((fm, body)) = parse(&text) else {
                continue;
            };
            assert_eq!(
                write(&fm, &body),
                write_reference(&fm, &body),
                "{}",
                entry.path().display()
            );
            n += 1;
            direct += usize::from(front_matter_yaml(&fm, &mut String::new()).is_some());
        }
        eprintln!("{n} front matters identical, {direct} written directly");
        assert!(n > 0);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2048))]

        #[test]
        fn direct_front_matter_is_serde_yamls_on_random_strings(
            s in "[ -~\u{80}-\u{a0}\u{2028}\u{feff}\u{fffe}😀ёЇ«»:#'\"\n\t-]{0,12}",
        ) {
            let fm = with_everywhere(&s);
            proptest::prop_assert_eq!(write(&fm, "x\n"), write_reference(&fm, "x\n"));
        }

        #[test]
        fn direct_front_matter_is_serde_yamls_on_number_like_strings(
            s in "[-+0-9.eExXoObB_a-fA-F:~ ]{0,8}|0[xXoObB][0-9a-f_+-]{0,4}",
        ) {
            let fm = with_everywhere(&s);
            proptest::prop_assert_eq!(write(&fm, "x\n"), write_reference(&fm, "x\n"));
        }
    }

    #[test]
    fn front_matter_round_trip_is_exact() {
        let text = write(&sample(), "Перший абзац.\n\nДругий: так.\n");
        let (fm, body) = parse(&text).unwrap();
        assert_eq!(fm, sample());
        assert_eq!(body, "Перший абзац.\n\nДругий: так.\n");
        assert_eq!(write(&fm, &body), text);
    }

    #[test]
    fn errors_name_the_line() {
        let e = parse("title: x\n").unwrap_err();
        assert_eq!(e.line, 1);
        let e = parse("---\ntitle: x\ndate: 2026-02-30\n---\nbody").unwrap_err();
        assert!(e.message.contains("2026-02-30"), "{e}");
        let e = parse("---\ntitle: x\ndate: 2026-01-01\npeople: [a\n---\n").unwrap_err();
        assert!(e.line >= 4, "{e}");
        let e = parse("---\ntitle: x\ndate: 2026-01-01\n").unwrap_err();
        assert!(e.message.contains("not closed"));
        let e = parse("---\ntitle: x\ndate: 2026-01-01\nauthor: me\n---\n").unwrap_err();
        assert!(e.message.contains("author"), "{e}");
    }

    #[test]
    fn value_errors_name_the_line_of_their_key() {
        let e = parse("---\ntitle: x\nsummary: s\ndate: 2026-02-30\n---\nbody").unwrap_err();
        assert_eq!(e.line, 4, "{e}");
        assert!(e.message.contains("2026-02-30"), "{e}");
        let e = parse("---\ntitle: x\ndate: 2026-01-01\npeople:\n- a\n- [b]\n---\n").unwrap_err();
        assert_eq!(e.line, 6, "{e}");
        let e = parse("---\ntitle: x\ndate: 2026-01-01\npeople: 5\n---\n").unwrap_err();
        assert_eq!(e.line, 4, "{e}");
        // Every bad key is named, the first by line.
        let e = parse("---\ntitle: [a]\ndate: 2026-13-01\nauthor: me\n---\n").unwrap_err();
        assert_eq!(e.line, 2, "{e}");
        assert!(
            e.message.contains("line 3") && e.message.contains("line 4"),
            "{e}"
        );
        assert!(e.message.contains("author"), "{e}");
        let e = parse("---\ntitle: x\n---\n").unwrap_err();
        assert!(e.message.contains("date"), "{e}");
        let e = parse("---\ntitle: x\ndate: 2026-01-01\ntitle: y\n---\n").unwrap_err();
        assert_eq!(e.line, 4, "{e}");
        let e = parse("---\ndate: 2026-01-01\ntitle: ''\n---\n").unwrap_err();
        assert_eq!(e.line, 3, "{e}");
    }

    #[test]
    fn windows_and_old_mac_line_ends_parse_like_unix_ones() {
        let lf = write(&sample(), "Перший абзац.\n\nДругий: так.\n");
        let (fm, body) = parse(&lf).unwrap();
        for (name, text) in [
            ("CRLF", lf.replace('\n', "\r\n")),
            ("CR", lf.replace('\n', "\r")),
            ("BOM + CR", format!("\u{feff}{}", lf.replace('\n', "\r"))),
        ] {
            let (f, b) = parse(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(f, fm, "{name}");
            assert_eq!(b, body, "{name}");
        }
        // Mixed: CR fences around LF and CRLF lines.
        let mixed =
            "---\rtitle: Змішані\r\ndate: 2026-01-07\npeople:\r- Кирило Буданов\r---\r\rТекст.\r";
        let (f, b) = parse(mixed).unwrap();
        assert_eq!(f.title, "Змішані");
        assert_eq!(f.people, ["Кирило Буданов"]);
        assert_eq!(b, "Текст.\n");
        // A `---` inside a CR-only line is no fence: the error still names the right line.
        let e = parse("---\rtitle: x\rdate: 2026-02-30\r---\rbody").unwrap_err();
        assert_eq!(e.line, 3, "{e}");
        let e = parse("---\rtitle: x\rdate: 2026-01-01\r").unwrap_err();
        assert!(e.message.contains("not closed"), "{e}");
        let e = parse("---\r\ntitle: x\r\nauthor: me\r\ndate: 2026-01-01\r\n---\r\n").unwrap_err();
        assert_eq!(e.line, 3, "{e}");
    }

    #[test]
    fn raw_html_is_escaped_by_default() {
        let html = markdown_to_html(
            "Hi <script>alert(1)</script>\n\n[x](javascript:alert(1))",
            false,
        );
        assert!(!html.contains("<script>"), "{html}");
        assert!(html.contains("&lt;script&gt;"));
        assert!(!html.contains("javascript:"), "{html}");
        let html = markdown_to_html("a <b>bold</b>", true);
        assert!(html.contains("<b>bold</b>"));
        // allow_html trusts raw HTML, not Markdown link syntax with a script scheme.
        let html = markdown_to_html(
            "[x](javascript:alert(1)) ![y](data:text/html,x) <vbscript:x>",
            true,
        );
        for bad in ["href=\"javascript", "src=\"data", "href=\"vbscript"] {
            assert!(!html.contains(bad), "{html}");
        }
        assert_eq!(html.matches("=\"#\"").count(), 3, "{html}");
    }
}
