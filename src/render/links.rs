//! Page locations and links.
//!
//! Every page lives in a folder (`2026/01/07/slug/`) as `index.html`. Contexts carry links as
//! paths from the site root to a file (`people/kyrylo-budanov/index.html`) and each page gets
//! a `root` prefix that leads from its folder back to the site root (`../../../../`), so a
//! template writes `{{ root }}{{ link }}`. The site then works from `file://`, from any folder
//! and under any base URL. Feeds, the sitemap, canonical links and the 404 page (which cannot
//! know its depth) use absolute URLs from `base_url`.

/// The prefix leading from a page in folder `dir` (`""` or `a/b/`) back to the site root.
pub fn root_prefix(dir: &str) -> String {
    "../".repeat(dir.matches('/').count())
}

/// The file of a page folder: `a/b/` → `a/b/index.html`, `""` → `index.html`.
pub fn index_of(dir: &str) -> String {
    let mut s = String::with_capacity(dir.len() + INDEX.len());
    s.push_str(dir);
    s.push_str(INDEX);
    s
}

/// The file name of every page.
const INDEX: &str = "index.html";

/// True when `path` is a safe relative output path: '/'-separated, not absolute, no empty,
/// `.` or `..` segments, no backslashes or control characters. Bytes are looked at first:
/// only a path with a byte that may start a control character (C0, DEL, or 0xC2, the lead
/// byte of C1) or a backslash is looked at character by character.
pub fn is_safe_path(path: &str) -> bool {
    let bytes = path.as_bytes();
    // A segment that is empty, `.` or `..`.
    let bad = |seg: &[u8]| seg.is_empty() || seg == b"." || seg == b"..";
    let mut odd = false;
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        odd |= b < 0x20 || b == 0x7f || b == 0xc2 || b == b'\\';
        if b == b'/' {
            if bad(&bytes[start..i]) {
                return false;
            }
            start = i + 1;
        }
    }
    !bad(&bytes[start..]) && (!odd || !path.contains('\\') && !path.chars().any(char::is_control))
}

/// Resolves `href` (relative to the page at `page`, a file path from the site root) to a path
/// from the site root; `None` for external links, anchors-only or links leaving the site.
/// Used by tests and checks.
pub fn resolve(page: &str, href: &str) -> Option<String> {
    let href = href.split(['#', '?']).next().unwrap_or("");
    if href.is_empty() || href.contains(':') || href.starts_with('/') {
        return None;
    }
    let mut parts: Vec<&str> = page.split('/').collect();
    parts.pop();
    for seg in href.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_lead_back_to_the_root() {
        assert_eq!(root_prefix(""), "");
        assert_eq!(root_prefix("2026/01/07/slug/"), "../../../../");
        assert_eq!(root_prefix("people/"), "../");
        let page = index_of("2026/01/07/slug/");
        let href = format!("{}people/x/index.html", root_prefix("2026/01/07/slug/"));
        assert_eq!(
            resolve(&page, &href).as_deref(),
            Some("people/x/index.html")
        );
        assert_eq!(
            resolve("index.html", "style.css").as_deref(),
            Some("style.css")
        );
        assert_eq!(resolve("index.html", "../x"), None);
        assert_eq!(resolve("a/index.html", "https://x/y"), None);
    }

    #[test]
    fn unsafe_paths_are_refused() {
        assert!(is_safe_path("2026/01/07/a/index.html"));
        assert!(!is_safe_path("/etc/passwd"));
        assert!(!is_safe_path("a/../b"));
        assert!(!is_safe_path("a//b"));
        assert!(!is_safe_path("a\\b"));
        assert!(!is_safe_path(""));
    }

    /// The check as it reads, character by character.
    fn is_safe_path_plainly(path: &str) -> bool {
        !path.is_empty()
            && !path.contains('\\')
            && !path.chars().any(char::is_control)
            && path
                .split('/')
                .all(|seg| !seg.is_empty() && seg != "." && seg != "..")
    }

    #[test]
    fn the_byte_first_check_agrees_with_the_plain_one() {
        let pieces = [
            "a",
            "index.html",
            "Київ",
            "..",
            ".",
            "",
            "/",
            "\\",
            "\u{0}",
            "\u{1f}",
            "\u{7f}",
            "\u{80}",
            "\u{85}",
            "\u{9f}",
            "\u{a0}",
            "¢",
            "\u{2028}",
            "x y",
            "é",
        ];
        for a in pieces {
            for b in pieces {
                for c in ["", "/", "//"] {
                    let p = format!("{a}{c}{b}");
                    assert_eq!(is_safe_path(&p), is_safe_path_plainly(&p), "{p:?}");
                }
            }
        }
    }
}
