//! Hashes a page's context for its render key without building JSON: a `serde::Serializer`
//! that feeds an unambiguous encoding of the value (a tag byte per kind, lengths before
//! strings, bytes, sequences and maps, field and variant names) straight into a
//! [`crate::hash::Hasher`]. Strings
//! go in as they are, with no escaping, so hashing a context costs little more than hashing
//! its text.
//!
//! The hasher says it is not human-readable (`is_human_readable` is false): that is how
//! [`super::context::CardRef`] and [`super::context::Html`] know to feed their precomputed
//! digest instead of their whole text (templates get their text through `serde_json`, which
//! is human-readable).

use crate::hash::{Digest, Hasher};
use serde::ser::{self, Serialize};

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

/// Feeds values into a [`Hasher`].
pub struct KeyHasher<'a>(pub &'a mut Hasher);

/// The digest of `value`'s encoding (an error in `Serialize` gives the digest of what came before
/// and the error's text, still a deterministic function of the value).
pub fn digest<T: Serialize + ?Sized>(value: &T) -> Digest {
    let mut h = Hasher::new();
    if let Err(e) = value.serialize(&mut KeyHasher(&mut h)) {
        h.update(e.0.as_bytes());
    }
    h.finalize()
}

impl KeyHasher<'_> {
    fn tag(&mut self, t: u8) {
        self.0.update([t]);
    }

    fn len(&mut self, n: usize) {
        self.0.update((n as u64).to_le_bytes());
    }

    fn text(&mut self, s: &str) {
        self.len(s.len());
        self.0.update(s.as_bytes());
    }
}

type R = Result<(), Error>;

impl<'a, 'b> ser::Serializer for &'b mut KeyHasher<'a> {
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
        self.0.update([v as u8]);
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
        self.0.update(v.to_le_bytes());
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
        self.0.update(v.to_le_bytes());
        Ok(())
    }
    fn serialize_f32(self, v: f32) -> R {
        self.serialize_f64(v.into())
    }
    fn serialize_f64(self, v: f64) -> R {
        self.tag(4);
        self.0.update(v.to_bits().to_le_bytes());
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
        self.0.update(v);
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
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self, Error> {
        self.tag(15);
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
impl<'a> ser::SerializeSeq for &mut KeyHasher<'a> {
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

impl<'a> ser::SerializeTuple for &mut KeyHasher<'a> {
    type Ok = ();
    type Error = Error;
    fn serialize_element<T: ?Sized + Serialize>(&mut self, value: &T) -> R {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> R {
        ser::SerializeSeq::end(self)
    }
}

impl<'a> ser::SerializeTupleStruct for &mut KeyHasher<'a> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: ?Sized + Serialize>(&mut self, value: &T) -> R {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> R {
        ser::SerializeSeq::end(self)
    }
}

impl<'a> ser::SerializeTupleVariant for &mut KeyHasher<'a> {
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
impl<'a> ser::SerializeMap for &mut KeyHasher<'a> {
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

impl<'a> ser::SerializeStruct for &mut KeyHasher<'a> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: ?Sized + Serialize>(&mut self, key: &'static str, value: &T) -> R {
        self.tag(18);
        self.text(key);
        self.tag(19);
        value.serialize(&mut **self)
    }
    fn skip_field(&mut self, key: &'static str) -> R {
        // A skipped field is absent, like in the JSON the templates see.
        self.tag(20);
        self.text(key);
        Ok(())
    }
    fn end(self) -> R {
        self.tag(17);
        Ok(())
    }
}

impl<'a> ser::SerializeStructVariant for &mut KeyHasher<'a> {
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
        let mut h = Hasher::new();
        v.serialize(&mut KeyHasher(&mut h)).unwrap();
        h.finalize()
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
}
