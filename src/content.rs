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
    // +1 for the opening fence.
    let fm: FrontMatter = crate::yaml::parse(yaml).map_err(|e| {
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
pub fn write(fm: &FrontMatter, body: &str) -> String {
    let yaml = crate::yaml::to_string(fm).unwrap_or_default();
    let mut out = String::with_capacity(yaml.len() + body.len() + 16);
    out.push_str("---\n");
    out.push_str(&yaml);
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
