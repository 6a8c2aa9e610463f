//! Hashes a page's context for its render key without building JSON: a `serde::Serializer`
//! that writes an unambiguous encoding of the value (a tag byte per kind, lengths before
//! strings, bytes, sequences and maps, struct and variant names; a struct's fields by their
//! position, as the binary is part of every key) straight into a [`crate::hash::Hasher`],
//! which gathers it in a buffer and hashes it in one call, or streams it past 16 KiB (the same
//! digest as the encoding's bytes hashed in one call). Strings go in as they are, with no
//! escaping, so hashing a context costs little more than hashing its text. The hasher is one
//! per thread and keeps its buffer from page to page ([`with_buffer`]), so encoding a context
//! allocates nothing, and a large context (the sitemap's, the people index's) takes no more
//! memory than a small one.
//!
//! The encoder says it is not human-readable (`is_human_readable` is false): that is how
//! [`super::context::CardRef`] and [`super::context::Html`] know to feed their precomputed
//! digest instead of their whole text (templates get their text through `serde_json`, which
//! is human-readable).

use crate::hash::Digest;
use serde::ser::{self, Serialize};
use std::cell::Cell;

/// An error a context's `Serialize` reported.
#[derive(Debug)]
pub struct Error(String);

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        Error(msg.to_string())
    }
}

/// Where an encoding goes: a digest being fed, or (for tests) a buffer.
pub trait Out {
    fn put(&mut self, bytes: &[u8]);
}

impl Out for crate::hash::Hasher {
    #[inline]
    fn put(&mut self, bytes: &[u8]) {
        self.update(bytes);
    }
}

impl Out for Vec<u8> {
    #[inline]
    fn put(&mut self, bytes: &[u8]) {
        self.extend_from_slice(bytes);
    }
}

/// Writes the encoding of values to `O`.
pub struct KeyHasher<'a, O: Out>(pub &'a mut O);

thread_local! {
    /// The hasher [`with_buffer`] lends, between calls.
    static SCRATCH: Cell<crate::hash::Hasher> = const { Cell::new(crate::hash::Hasher::new()) };
}

/// Runs `f` with an empty hasher, this thread's when it is free (a call made from inside `f`,
/// e.g. a digest computed while a context is encoded, gets a new one).
pub fn with_buffer<T>(f: impl FnOnce(&mut crate::hash::Hasher) -> T) -> T {
    let mut h = SCRATCH.with(Cell::take);
    h.clear();
    let out = f(&mut h);
    SCRATCH.with(|c| c.set(h));
    out
}

/// The digest of `value`'s encoding (an error in `Serialize` gives the digest of what came before
/// and the error's text, still a deterministic function of the value).
pub fn digest<T: Serialize + ?Sized>(value: &T) -> Digest {
    with_buffer(|h| {
        encode(value, h);
        h.finalize()
    })
}

/// Writes `value`'s encoding to `out` (on an error in `Serialize`, what came before and the
/// error's text).
pub fn encode<T: Serialize + ?Sized, O: Out>(value: &T, out: &mut O) {
    if let Err(e) = value.serialize(&mut KeyHasher(out)) {
        out.put(e.0.as_bytes());
    }
}

impl<O: Out> KeyHasher<'_, O> {
    #[inline]
    fn tag(&mut self, t: u8) {
        self.0.put(&[t]);
    }

    #[inline]
    fn len(&mut self, n: usize) {
        self.0.put(&(n as u64).to_le_bytes());
    }

    #[inline]
    fn bytes(&mut self, b: &[u8]) {
        self.0.put(b);
    }

    #[inline]
    fn text(&mut self, s: &str) {
        self.len(s.len());
        self.bytes(s.as_bytes());
    }
}

type R = Result<(), Error>;

impl<'a, 'b, O: Out> ser::Serializer for &'b mut KeyHasher<'a, O> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Self;
    type SerializeTuple = Self;
    type SerializeTupleStruct = Self;
    type SerializeTupleVariant = Self;
    type SerializeMap = Self;
    type SerializeStruct = Self;
    type SerializeStructVariant = Self;

    fn is_human_readable(&self) -> bool {
        false
    }

    fn serialize_bool(self, v: bool) -> R {
        self.tag(1);
        self.tag(v as u8);
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> R {
        self.serialize_i64(v.into())
    }
    fn serialize_i16(self, v: i16) -> R {
        self.serialize_i64(v.into())
    }
    fn serialize_i32(self, v: i32) -> R {
        self.serialize_i64(v.into())
    }
    fn serialize_i64(self, v: i64) -> R {
        self.tag(2);
        self.bytes(&v.to_le_bytes());
        Ok(())
    }
    fn serialize_u8(self, v: u8) -> R {
        self.serialize_u64(v.into())
    }
    fn serialize_u16(self, v: u16) -> R {
        self.serialize_u64(v.into())
    }
    fn serialize_u32(self, v: u32) -> R {
        self.serialize_u64(v.into())
    }
    fn serialize_u64(self, v: u64) -> R {
        self.tag(3);
        self.bytes(&v.to_le_bytes());
        Ok(())
    }
    fn serialize_f32(self, v: f32) -> R {
        self.serialize_f64(v.into())
    }
    fn serialize_f64(self, v: f64) -> R {
        self.tag(4);
        self.bytes(&v.to_bits().to_le_bytes());
        Ok(())
    }
    fn serialize_char(self, v: char) -> R {
        self.serialize_str(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_str(self, v: &str) -> R {
        self.tag(5);
        self.text(v);
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> R {
        self.tag(6);
        self.len(v.len());
        self.bytes(v);
        Ok(())
    }
    fn serialize_none(self) -> R {
        self.tag(7);
        Ok(())
    }
    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> R {
        self.tag(8);
        value.serialize(self)
    }
    fn serialize_unit(self) -> R {
        self.tag(9);
        Ok(())
    }
    fn serialize_unit_struct(self, name: &'static str) -> R {
        self.tag(10);
        self.text(name);
        Ok(())
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> R {
        self.tag(11);
        self.text(variant);
        Ok(())
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(self, _: &'static str, value: &T) -> R {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> R {
        self.tag(12);
        self.text(variant);
        value.serialize(self)
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<Self, Error> {
        // Lengths are not always known up front: mark the start and the end instead.
        let _ = len;
        self.tag(13);
        Ok(self)
    }
    fn serialize_tuple(self, _: usize) -> Result<Self, Error> {
        self.tag(13);
        Ok(self)
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Self, Error> {
        self.tag(13);
        Ok(self)
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Self, Error> {
        self.tag(14);
        self.text(variant);
        self.tag(13);
        Ok(self)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self, Error> {
        self.tag(15);
        Ok(self)
    }
    fn serialize_struct(self, name: &'static str, _: usize) -> Result<Self, Error> {
        // The struct's name, then its fields in declaration order without their names (see
        // `SerializeStruct`).
        self.tag(15);
        self.text(name);
        Ok(self)
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Self, Error> {
        self.tag(14);
        self.text(variant);
        self.tag(15);
        Ok(self)
    }
}

/// Each element is preceded by tag 16; the sequence ends with tag 17.
impl<'a, O: Out> ser::SerializeSeq for &mut KeyHasher<'a, O> {
    type Ok = ();
    type Error = Error;
    fn serialize_element<T: ?Sized + Serialize>(&mut self, value: &T) -> R {
        self.tag(16);
        value.serialize(&mut **self)
    }
    fn end(self) -> R {
        self.tag(17);
        Ok(())
    }
}

impl<'a, O: Out> ser::SerializeTuple for &mut KeyHasher<'a, O> {
    type Ok = ();
    type Error = Error;
    fn serialize_element<T: ?Sized + Serialize>(&mut self, value: &T) -> R {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> R {
        ser::SerializeSeq::end(self)
    }
}

impl<'a, O: Out> ser::SerializeTupleStruct for &mut KeyHasher<'a, O> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: ?Sized + Serialize>(&mut self, value: &T) -> R {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> R {
        ser::SerializeSeq::end(self)
    }
}

impl<'a, O: Out> ser::SerializeTupleVariant for &mut KeyHasher<'a, O> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: ?Sized + Serialize>(&mut self, value: &T) -> R {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> R {
        ser::SerializeSeq::end(self)
    }
}

/// Each key is preceded by tag 18, each value by tag 19; the map ends with tag 17.
impl<'a, O: Out> ser::SerializeMap for &mut KeyHasher<'a, O> {
    type Ok = ();
    type Error = Error;
    fn serialize_key<T: ?Sized + Serialize>(&mut self, key: &T) -> R {
        self.tag(18);
        key.serialize(&mut **self)
    }
    fn serialize_value<T: ?Sized + Serialize>(&mut self, value: &T) -> R {
        self.tag(19);
        value.serialize(&mut **self)
    }
    fn end(self) -> R {
        self.tag(17);
        Ok(())
    }
}

impl<'a, O: Out> ser::SerializeStruct for &mut KeyHasher<'a, O> {
    type Ok = ();
    type Error = Error;
    // A struct's fields come in declaration order, each once (serialized or skipped), and its
    // name was written at the start; with the binary in every key, the name and the position
    // of a field stand for its name, which is therefore not written.
    fn serialize_field<T: ?Sized + Serialize>(&mut self, _: &'static str, value: &T) -> R {
        self.tag(18);
        value.serialize(&mut **self)
    }
    fn skip_field(&mut self, _: &'static str) -> R {
        // A skipped field is absent, like in the JSON the templates see.
        self.tag(20);
        Ok(())
    }
    fn end(self) -> R {
        self.tag(17);
        Ok(())
    }
}

impl<'a, O: Out> ser::SerializeStructVariant for &mut KeyHasher<'a, O> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: ?Sized + Serialize>(&mut self, key: &'static str, value: &T) -> R {
        ser::SerializeStruct::serialize_field(self, key, value)
    }
    fn end(self) -> R {
        ser::SerializeStruct::end(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn key<T: Serialize>(v: &T) -> Digest {
        digest(v)
    }

    #[test]
    fn one_call_digest_equals_the_streamed_one() {
        // Keys were once streamed into `crate::hash::Hasher` (which spills to XXH3's streaming
        // state past 16 KiB); the one-call digest of the same bytes must be the same, so that
        // the keys a previous build recorded stay valid. Sizes around the spill point.
        let text: String = "Київ, «Буданов» — 2026 & <b>\n".repeat(4000);
        for n in [
            0,
            1,
            15,
            16,
            17,
            240,
            241,
            1024,
            16383,
            16384,
            16385,
            40000,
            text.len(),
        ] {
            let mut end = n.min(text.len());
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            let v = (&text[..end], vec![1u32, 2, 3], Some("x"));
            let mut bytes = Vec::new();
            encode(&v, &mut bytes);
            let mut h = crate::hash::Hasher::new();
            for piece in bytes.chunks(7) {
                h.update(piece);
            }
            assert_eq!(digest(&v), h.finalize(), "{n}");
        }
    }

    /// Encodes a digest of something else while being encoded (as `Page.t` does).
    struct Nested(&'static str);

    impl Serialize for Nested {
        fn serialize<S: ser::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.serialize_bytes(&digest(self.0))
        }
    }

    /// Bytes given as they are.
    struct Bytes(Digest);

    impl Serialize for Bytes {
        fn serialize<S: ser::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.serialize_bytes(&self.0)
        }
    }

    #[test]
    fn a_digest_taken_inside_an_encoding_does_not_disturb_it() {
        let inner = digest("inner");
        assert_eq!(
            digest(&("a", Nested("inner"), "b")),
            digest(&("a", Bytes(inner), "b"))
        );
        // The scratch buffer is cleared between uses.
        assert_eq!(digest(&"b"), digest(&"b"));
        assert_ne!(
            digest(&("a", Nested("inner"), "b")),
            digest(&("a", Nested("other"), "b"))
        );
    }

    #[test]
    fn different_values_different_keys() {
        // Boundaries between strings and between elements matter.
        assert_ne!(key(&("ab", "c")), key(&("a", "bc")));
        assert_ne!(key(&vec!["a", "b"]), key(&vec!["ab"]));
        assert_ne!(
            key(&vec![vec![1u32], vec![]]),
            key(&vec![vec![], vec![1u32]])
        );
        assert_ne!(key(&Some("x")), key(&"x"));
        assert_ne!(key(&None::<u8>), key(&()));
        assert_ne!(key(&1u32), key(&1i32));
        let mut a = BTreeMap::new();
        a.insert("k", "v");
        let mut b = BTreeMap::new();
        b.insert("kv", "");
        assert_ne!(key(&a), key(&b));
        assert_eq!(key(&a), key(&a.clone()));
    }

    #[derive(serde::Serialize)]
    struct Two {
        #[serde(skip_serializing_if = "Option::is_none")]
        a: Option<&'static str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        b: Option<&'static str>,
    }

    #[derive(serde::Serialize)]
    struct Pair {
        a: Option<&'static str>,
        b: Option<&'static str>,
    }

    #[test]
    fn fields_are_told_apart_by_position_and_structs_by_name() {
        // Field names are not written: a skipped field still holds its place.
        let two = |a, b| key(&Two { a, b });
        assert_ne!(two(Some("x"), None), two(None, Some("x")));
        assert_ne!(two(Some("x"), None), two(Some("x"), Some("")));
        assert_ne!(two(None, None), two(Some(""), None));
        assert_eq!(two(Some("x"), None), two(Some("x"), None));
        // Structs of the same shape under other names (as an untagged enum's variants would
        // be, which JSON tells apart by their field names) get other keys.
        assert_ne!(
            key(&Pair {
                a: Some("x"),
                b: None
            }),
            key(&(Some("x"), None::<&str>))
        );
        #[derive(serde::Serialize)]
        struct Renamed {
            a: Option<&'static str>,
            b: Option<&'static str>,
        }
        assert_ne!(
            key(&Pair {
                a: Some("x"),
                b: None
            }),
            key(&Renamed {
                a: Some("x"),
                b: None
            })
        );
    }
}
