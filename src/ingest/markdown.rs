//! Article text → Markdown that renders as exactly that text.
//!
//! Every character CommonMark (with the tables, strikethrough and footnote extensions the
//! renderer enables) could read as markup is backslash-escaped: `\` `` ` `` `*` `_` `[` `]`
//! `<` `>` `&` `|` `~` `#` everywhere, and at the start of a paragraph also list, heading
//! and thematic-break markers (`-` `+` `=` `1.` `1)`). Entities like `&amp;` stay literal
//! because `&` is escaped. Paragraphs are separated by blank lines.

use super::decode::block_mask;

/// Escapes one paragraph (a single line) so that it renders as plain text.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    escape_into(&mut out, text, false);
    out
}

/// [`escape`], appended to `out`.
///
/// Works on bytes: every character it escapes or looks at for a block marker is ASCII, and
/// an ASCII byte in UTF-8 is always a whole character, so unescaped stretches are copied as
/// slices.
///
/// With `single_line`, a line break (`\n` or `\r`) in `text` stops it: nothing is appended
/// and it gives `false` (the caller makes one line of the text first); else `true`.
fn escape_into(out: &mut String, text: &str, single_line: bool) -> bool {
    let bytes = text.as_bytes();
    // Block markers at the start of the line: «- », «+ », «1. », «1) », «===», «---».
    let lead_digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
    let mut escape_at: Option<usize> = None;
    if let Some(&b0) = bytes.first() {
        if matches!(b0, b'-' | b'+' | b'=') {
            escape_at = Some(0);
        } else if lead_digits > 0
            && lead_digits <= 9
            && matches!(bytes.get(lead_digits), Some(b'.') | Some(b')'))
        {
            escape_at = Some(lead_digits);
        }
    }
    let start = out.len();
    let mut last = 0;
    if let Some(i) = escape_at {
        out.push_str(&text[..i]);
        out.push('\\');
        last = i;
    }
    // Sixteen bytes at a time, compared with every escaped byte (and the line breaks, when
    // they stop it) in a loop the compiler vectorises.
    let breaks = u8::from(single_line);
    let mut k = 0;
    while k < bytes.len() {
        let mut mask = block_mask(bytes, k, |_, b| {
            is_escaped(b) | (breaks != 0) & ((b == b'\n') | (b == b'\r'))
        });
        while mask != 0 {
            let i = k + mask.trailing_zeros() as usize;
            mask &= mask - 1;
            if matches!(bytes[i], b'\n' | b'\r') {
                out.truncate(start);
                return false;
            }
            out.push_str(&text[last..i]);
            out.push('\\');
            last = i;
        }
        k += 16;
    }
    out.push_str(&text[last..]);
    true
}

/// Whether [`escape_into`] escapes `b` wherever it is (the bytes of [`ESCAPED`]), by
/// comparisons the compiler vectorises.
#[inline(always)]
fn is_escaped(b: u8) -> bool {
    (b == b'\\')
        | (b == b'`')
        | (b == b'*')
        | (b == b'_')
        | (b == b'[')
        | (b == b']')
        | (b == b'<')
        | (b == b'>')
        | (b == b'&')
        | (b == b'|')
        | (b == b'~')
        | (b == b'#')
}

/// The bytes [`escape_into`] escapes wherever they are (for the tests: [`is_escaped`]).
#[cfg(test)]
static ESCAPED: [bool; 256] = {
    let mut t = [false; 256];
    let special = b"\\`*_[]<>&|~#";
    let mut k = 0;
    while k < special.len() {
        t[special[k] as usize] = true;
        k += 1;
    }
    t
};

/// Paragraphs → a Markdown body: escaped, separated by blank lines, ending with a newline.
pub fn paragraphs_to_markdown(paragraphs: &[String]) -> String {
    let mut out = String::with_capacity(paragraphs.iter().map(|p| p.len() + 2).sum::<usize>() + 64);
    for p in paragraphs {
        if !out.is_empty() {
            out.push('\n');
        }
        // Line breaks inside a paragraph (cleaning leaves none) become spaces: the escaping
        // stops at one, and the paragraph is escaped again as one line. (Line breaks at its
        // ends go with the trimming either way.)
        if !escape_into(&mut out, p.trim(), true) {
            escape_into(&mut out, p.replace(['\n', '\r'], " ").trim(), false);
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::markdown_to_html;

    fn render(text: &str) -> String {
        markdown_to_html(&paragraphs_to_markdown(&[text.to_string()]), true)
    }

    #[test]
    fn markup_renders_as_text() {
        let cases = [
            (
                "<script>alert(1)</script>",
                "&lt;script&gt;alert(1)&lt;/script&gt;",
            ),
            ("a *b* _c_ `d` [e](f) ~~g~~", "a *b* _c_ `d` [e](f) ~~g~~"),
            ("# не заголовок", "# не заголовок"),
            ("- не список", "- не список"),
            ("1. не список", "1. не список"),
            ("2025) рік", "2025) рік"),
            ("&amp; і &copy;", "&amp;amp; і &amp;copy;"),
            ("a | b | c", "a | b | c"),
            ("> не цитата", "&gt; не цитата"),
            ("шлях C:\\temp\\", "шлях C:\\temp\\"),
            ("---", "---"),
            ("+ плюс", "+ плюс"),
        ];
        for (text, want) in cases {
            let html = render(text);
            assert_eq!(html, format!("<p>{want}</p>\n"), "{text}");
        }
    }

    /// [`escape`] before the lookup table: one `matches!` per byte.
    fn escape_reference(text: &str) -> String {
        let bytes = text.as_bytes();
        let lead_digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
        let mut escape_at: Option<usize> = None;
        if let Some(&b0) = bytes.first() {
            if matches!(b0, b'-' | b'+' | b'=') {
                escape_at = Some(0);
            } else if lead_digits > 0
                && lead_digits <= 9
                && matches!(bytes.get(lead_digits), Some(b'.') | Some(b')'))
            {
                escape_at = Some(lead_digits);
            }
        }
        let mut out = String::new();
        for (i, c) in text.char_indices() {
            if escape_at == Some(i) || "\\`*_[]<>&|~#".contains(c) {
                out.push('\\');
            }
            out.push(c);
        }
        out
    }

    #[test]
    fn escape_matches_the_reference() {
        let alphabet: Vec<char> = "\\`*_[]<>&|~#-+=.)1234567890 aбї😀\n\t!\"'(:"
            .chars()
            .collect();
        let mut state: u64 = 7;
        let mut next = move || {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) as usize
        };
        for _ in 0..50_000 {
            let len = next() % 48;
            let text: String = (0..len)
                .map(|_| alphabet[next() % alphabet.len()])
                .collect();
            assert_eq!(escape(&text), escape_reference(&text), "{text:?}");
        }
        for text in ["1234567890. x", "123456789. x", "12) x", "-", "=#", "1.#"] {
            assert_eq!(escape(text), escape_reference(text), "{text:?}");
        }
    }

    #[test]
    fn the_block_test_matches_the_table() {
        for b in 0..=255u8 {
            assert_eq!(is_escaped(b), ESCAPED[usize::from(b)], "{b:#x}");
        }
    }

    /// [`paragraphs_to_markdown`] as it was: each paragraph searched for line breaks first.
    fn paragraphs_to_markdown_reference(paragraphs: &[String]) -> String {
        let mut out = String::new();
        for p in paragraphs {
            if !out.is_empty() {
                out.push('\n');
            }
            if p.contains('\n') || p.contains('\r') {
                out.push_str(&escape(p.replace(['\n', '\r'], " ").trim()));
            } else {
                out.push_str(&escape(p.trim()));
            }
            out.push('\n');
        }
        out
    }

    #[test]
    fn paragraphs_with_line_breaks_match_the_reference_on_real_text() {
        // The repository's raw texts, their lines as paragraphs, and the same with line breaks
        // put in: inside, at either end, next to markup and whitespace.
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content/raw");
        let mut broken = 0;
        for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
            let entry = entry.unwrap();
            if entry.path().extension().is_none_or(|e| e != "txt") {
                continue;
            }
            let text = std::fs::read_to_string(entry.path()).unwrap();
            let lines: Vec<String> = text.lines().map(str::to_string).collect();
            let mut variants = vec![lines.clone()];
            for (k, brk) in ["\n", "\r", "\r\n", " \n ", "\n*", "#\r"]
                .iter()
                .enumerate()
            {
                let v: Vec<String> = lines
                    .iter()
                    .enumerate()
                    .map(|(i, l)| {
                        let cuts: Vec<usize> = l.char_indices().map(|(b, _)| b).collect();
                        match (i + k) % 4 {
                            0 => format!("{brk}{l}"),
                            1 => format!("{l}{brk}"),
                            _ if cuts.is_empty() => l.clone(),
                            _ => {
                                let at = cuts[(i * 7 + k) % cuts.len()];
                                format!("{}{brk}{}", &l[..at], &l[at..])
                            }
                        }
                    })
                    .collect();
                variants.push(v);
            }
            for paragraphs in variants {
                broken += paragraphs
                    .iter()
                    .filter(|p| p.trim().contains('\n'))
                    .count();
                assert_eq!(
                    paragraphs_to_markdown(&paragraphs),
                    paragraphs_to_markdown_reference(&paragraphs),
                    "{}",
                    entry.path().display()
                );
            }
        }
        assert!(broken > 100, "{broken}");
    }

    #[test]
    fn escape_matches_the_reference_on_real_text() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content/raw");
        let mut checked = 0;
        for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
            let entry = entry.unwrap();
            if entry.path().extension().is_some_and(|e| e == "txt") {
                let text = std::fs::read_to_string(entry.path()).unwrap();
                // Markup sprinkled in at every 7th character.
                let marked: String = text
                    .chars()
                    .enumerate()
                    .map(|(i, c)| {
                        if i % 7 == 3 {
                            "*_[]<>&|~#`\\".chars().nth(i % 12).unwrap_or(c)
                        } else {
                            c
                        }
                    })
                    .collect();
                for t in [text, marked] {
                    for line in t.lines() {
                        assert_eq!(escape(line), escape_reference(line), "{line:?}");
                        checked += 1;
                    }
                }
            }
        }
        assert!(checked > 100, "{checked}");
    }

    #[test]
    fn paragraphs_are_blank_line_separated() {
        let md = paragraphs_to_markdown(&["Один.".into(), "Два.".into()]);
        assert_eq!(md, "Один.\n\nДва.\n");
        // Line breaks inside a paragraph become spaces, then the paragraph is trimmed.
        let md = paragraphs_to_markdown(&["\r\n- a\nb\r".into(), String::new(), "# x ".into()]);
        assert_eq!(md, "\\- a b\n\n\n\n\\# x\n");
    }
}
