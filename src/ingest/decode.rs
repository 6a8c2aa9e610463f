//! Bytes → UTF-8 text. (Skeleton: being written.)

/// Decodes raw bytes to text.
pub fn decode(bytes: &[u8]) -> anyhow::Result<String> {
    Ok(String::from_utf8_lossy(bytes).into_owned())
}
