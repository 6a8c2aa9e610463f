//! An article's body HTML, held in memory or left in the cache of parsed articles
//! ([`super::cache`]) until a page needs it.
//!
//! Most builds render few article pages (a rebuild renders only pages whose inputs changed),
//! so the bodies of cached articles are not read at load: each is a place in the cache's
//! bodies file, read when a template asks for the text. A body the cache cannot give back (the
//! file cut short, bytes that are not UTF-8) is parsed again from its source, which must still
//! have the digest the article was loaded with.

use std::borrow::Cow;
use std::fs::File;
use std::path::PathBuf;
use std::sync::Arc;

/// An article's body HTML.
#[derive(Debug, Clone)]
pub struct Body(Inner);

#[derive(Debug, Clone)]
enum Inner {
    /// Parsed in this build.
    Text(String),
    /// `len` bytes at `offset` of the cache's bodies file.
    Cached {
        file: Arc<File>,
        offset: u64,
        len: usize,
        /// The source file (absolute), `allow_html` and its digest, to parse it again if the
        /// cache cannot give the body back.
        source: PathBuf,
        allow_html: bool,
        digest: crate::hash::Digest,
    },
}

impl Default for Body {
    fn default() -> Body {
        Body(Inner::Text(String::new()))
    }
}

impl From<String> for Body {
    fn from(s: String) -> Body {
        Body(Inner::Text(s))
    }
}

impl Body {
    /// A body left in the cache's bodies file.
    pub(crate) fn cached(
        file: Arc<File>,
        offset: u64,
        len: usize,
        source: PathBuf,
        allow_html: bool,
        digest: crate::hash::Digest,
    ) -> Body {
        Body(Inner::Cached {
            file,
            offset,
            len,
            source,
            allow_html,
            digest,
        })
    }

    /// Length of the HTML in bytes.
    pub fn len(&self) -> usize {
        match &self.0 {
            Inner::Text(s) => s.len(),
            Inner::Cached { len, .. } => *len,
        }
    }

    /// Whether the text is held in memory (parsed in this build and not yet in the cache).
    pub fn is_in_memory(&self) -> bool {
        matches!(self.0, Inner::Text(_))
    }

    /// Whether the body is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The HTML: borrowed when in memory, read from the cache (or parsed again from the
    /// source) otherwise. The error says why neither worked.
    pub fn html(&self) -> Result<Cow<'_, str>, String> {
        match &self.0 {
            Inner::Text(s) => Ok(Cow::Borrowed(s)),
            Inner::Cached {
                file,
                offset,
                len,
                source,
                allow_html,
                digest,
            } => {
                let mut buf = vec![0u8; *len];
                // SIMD validation (the standard library's is several times slower on Cyrillic
                // text), then the bytes read become the string, not copied.
                if read_at(file, &mut buf, *offset).is_ok()
                    && simdutf8::basic::from_utf8(&buf).is_ok()
                {
                    // SAFETY: `buf` was just checked to be UTF-8 and is not changed after.
                    return Ok(Cow::Owned(unsafe { String::from_utf8_unchecked(buf) }));
                }
                reparse(source, *allow_html, digest).map(Cow::Owned)
            }
        }
    }
}

/// The body of `source` parsed again, if its bytes still have `digest`.
fn reparse(
    source: &std::path::Path,
    allow_html: bool,
    digest: &crate::hash::Digest,
) -> Result<String, String> {
    let bytes =
        std::fs::read(source).map_err(|e| format!("cannot read {}: {e}", source.display()))?;
    if super::cache::digest(&bytes, allow_html) != *digest {
        return Err(format!(
            "{} changed during the build: build again",
            source.display()
        ));
    }
    let text = String::from_utf8(bytes)
        .map_err(|_| format!("{} is not UTF-8 any more", source.display()))?;
    let (_, body) = crate::content::parse(&text)
        .map_err(|e| format!("{}:{}: {}", source.display(), e.line, e.message))?;
    Ok(crate::content::markdown_to_html(&body, allow_html))
}

/// Reads `buf.len()` bytes at `offset` of `file` (without moving a file position: threads
/// share the file).
#[cfg(unix)]
pub(super) fn read_at(file: &File, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
}

#[cfg(windows)]
pub(super) fn read_at(file: &File, mut buf: &mut [u8], mut offset: u64) -> std::io::Result<()> {
    use std::os::windows::fs::FileExt;
    while !buf.is_empty() {
        match file.seek_read(buf, offset)? {
            0 => return Err(std::io::ErrorKind::UnexpectedEof.into()),
            n => {
                buf = &mut buf[n..];
                offset += n as u64;
            }
        }
    }
    Ok(())
}

#[cfg(not(any(unix, windows)))]
pub(super) fn read_at(_: &File, _: &mut [u8], _: u64) -> std::io::Result<()> {
    Err(std::io::ErrorKind::Unsupported.into())
}
