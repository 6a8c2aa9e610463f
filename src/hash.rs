//! Fast digests for Litopys's own keys: render keys, cache keys, search inputs, card
//! digests. These only decide whether something already computed can be reused, so they need
//! no cryptographic strength, only a negligible chance of two different inputs colliding:
//! XXH3-128 (128 bits, like MD5's width), an order of magnitude faster than SHA-256.
//!
//! SHA-256 stays where a digest is written for people or other programs to check (an
//! article's `source_sha256`, the ingest manifest).

/// A streaming 128-bit digest; feed it with [`Hasher::update`], read it with
/// [`Hasher::finalize`]. Keys are fed in many small pieces (a tag byte, a length, a short
/// string), which XXH3's streaming state handles one call at a time; so pieces are gathered in a
/// buffer first and hashed in one pass, streaming only what goes beyond [`BUFFER`] bytes.
#[derive(Clone)]
pub struct Hasher {
    buf: Vec<u8>,
    /// The streaming state, once more than [`BUFFER`] bytes came.
    stream: Option<Box<xxhash_rust::xxh3::Xxh3Default>>,
}

/// Bytes gathered before they go to the streaming state.
const BUFFER: usize = 16 << 10;

/// A finished digest: 16 bytes, little-endian.
pub type Digest = [u8; 16];

impl Default for Hasher {
    fn default() -> Self {
        Self::new()
    }
}

impl Hasher {
    /// An empty hasher.
    pub const fn new() -> Self {
        Hasher {
            buf: Vec::new(),
            stream: None,
        }
    }

    /// An empty hasher with room for `bytes` bytes before it grows.
    pub fn with_capacity(bytes: usize) -> Self {
        Hasher {
            buf: Vec::with_capacity(bytes.min(BUFFER)),
            stream: None,
        }
    }

    /// Empties it (keeping its buffer's room).
    pub fn clear(&mut self) {
        self.buf.clear();
        self.stream = None;
    }

    /// Feeds `bytes` (anything that is a byte slice: `&str.as_bytes()`, arrays, digests).
    #[inline]
    pub fn update(&mut self, bytes: impl AsRef<[u8]>) {
        let bytes = bytes.as_ref();
        if self.buf.len() + bytes.len() <= BUFFER {
            self.buf.extend_from_slice(bytes);
        } else {
            self.spill(bytes);
        }
    }

    /// Moves the buffer, then `bytes`, to the streaming state.
    #[cold]
    fn spill(&mut self, bytes: &[u8]) {
        let stream = self
            .stream
            .get_or_insert_with(|| Box::new(xxhash_rust::xxh3::Xxh3Default::new()));
        stream.update(&self.buf);
        self.buf.clear();
        stream.update(bytes);
    }

    /// The digest of everything fed so far.
    pub fn finalize(&self) -> Digest {
        match &self.stream {
            None => digest(&self.buf),
            Some(stream) => {
                let mut stream = stream.clone();
                stream.update(&self.buf);
                stream.digest128().to_le_bytes()
            }
        }
    }
}

/// Feeds values through std's [`std::hash::Hash`] into a [`Hasher`] (`value.hash(&mut
/// Feed(&mut hasher))`); `finish` is not meant to be called and gives 0.
pub struct Feed<'a>(pub &'a mut Hasher);

impl std::hash::Hasher for Feed<'_> {
    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    fn finish(&self) -> u64 {
        0
    }
}

/// The digest of `bytes` in one call.
pub fn digest(bytes: &[u8]) -> Digest {
    xxhash_rust::xxh3::xxh3_128(bytes).to_le_bytes()
}

/// The digest of `parts` one after the other, as a [`Hasher`] fed them gives, streamed
/// without gathering them first (for large pieces: a file's bytes).
pub fn digest_parts(parts: &[&[u8]]) -> Digest {
    let mut stream = xxhash_rust::xxh3::Xxh3Default::new();
    for p in parts {
        stream.update(p);
    }
    stream.digest128().to_le_bytes()
}

/// Lower-case hex of a digest (32 characters).
pub fn hex(d: &Digest) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(32);
    for b in d {
        s.push(HEX[usize::from(b >> 4)] as char);
        s.push(HEX[usize::from(b & 15)] as char);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streaming_equals_one_shot_whatever_the_chunks() {
        // Lengths across XXH3's internal block and buffer sizes (16, 128, 240, 1024, 256) and
        // across this hasher's own buffer (16 KiB), fed in pieces of every kind.
        let data: Vec<u8> = (0..40000u32)
            .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
            .collect();
        for len in [
            0, 1, 15, 16, 17, 128, 129, 240, 241, 1024, 1025, 4999, 40000,
        ] {
            let whole = digest(&data[..len]);
            for chunk in [1, 3, 64, 255, 1000, 16384, 20000] {
                let mut h = Hasher::new();
                for part in data[..len].chunks(chunk) {
                    h.update(part);
                }
                assert_eq!(h.finalize(), whole, "len {len}, chunk {chunk}");
            }
            for cut in [0, len / 3, len] {
                let (a, b) = data[..len].split_at(cut);
                assert_eq!(digest_parts(&[a, b, &[7]]), {
                    let mut h = Hasher::new();
                    h.update(&data[..len]);
                    h.update([7]);
                    h.finalize()
                });
                assert_eq!(digest_parts(&[a, b]), whole, "len {len}, cut {cut}");
            }
        }
    }

    #[test]
    fn inputs_that_differ_in_one_bit_or_one_byte_of_length_differ() {
        let base = b"\xd0\x9a\xd0\xb8\xd1\x97\xd0\xb2 2026".to_vec();
        let d = digest(&base);
        for i in 0..base.len() {
            for bit in 0..8 {
                let mut v = base.clone();
                v[i] ^= 1 << bit;
                assert_ne!(digest(&v), d);
            }
        }
        let mut longer = base.clone();
        longer.push(0);
        assert_ne!(digest(&longer), d);
        assert_ne!(digest(&base[..base.len() - 1]), d);
    }

    #[test]
    fn hex_is_lower_case_and_32_characters() {
        let h = hex(&[0xab; 16]);
        assert_eq!(h, "ab".repeat(16));
        assert_eq!(hex(&digest(b"")).len(), 32);
    }
}
