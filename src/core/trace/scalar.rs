//! A lenient JSON leaf for wire structs: whatever a field holds (number, string, bool, null,
//! or even an object by mistake), deserialising never fails, and the converters decide.
//!
//! Trace sources disagree on leaf types: OTLP writes 64-bit integers as strings, Tempo's push
//! example as numbers; enums come as integers or names; Jaeger sends `int64` tags above 2^53
//! as strings. This module must never lose integer precision: integers are kept as `i64` or
//! `u64` and strings as text, and nothing goes through `f64` unless the source wrote a float.

use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::fmt;

/// Any JSON leaf. Objects and arrays where a leaf was expected become [`Scalar::Other`].
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Scalar {
    #[default]
    Null,
    Bool(bool),
    Int(i64),
    UInt(u64),
    Float(f64),
    Str(String),
    Other,
}

impl Scalar {
    /// An integer from an integer, an integral float, or a decimal string (`"1718000000"`).
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Scalar::Int(i) => Some(*i),
            Scalar::UInt(u) => i64::try_from(*u).ok(),
            Scalar::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e18 => Some(*f as i64),
            Scalar::Str(s) => {
                let t = s.trim();
                t.parse::<i64>().ok().or_else(|| t.parse::<u64>().ok().and_then(|u| i64::try_from(u).ok()))
            }
            _ => None,
        }
    }

    /// A float from any number or a numeric string, including protobuf JSON's `"NaN"`,
    /// `"Infinity"` and `"-Infinity"`.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Scalar::Int(i) => Some(*i as f64),
            Scalar::UInt(u) => Some(*u as f64),
            Scalar::Float(f) => Some(*f),
            Scalar::Str(s) => match s.trim() {
                "NaN" => Some(f64::NAN),
                "Infinity" => Some(f64::INFINITY),
                "-Infinity" => Some(f64::NEG_INFINITY),
                t => t.parse().ok(),
            },
            _ => None,
        }
    }

    /// A boolean from a bool or the strings `true` / `false` in any case.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Scalar::Bool(b) => Some(*b),
            Scalar::Str(s) if s.eq_ignore_ascii_case("true") => Some(true),
            Scalar::Str(s) if s.eq_ignore_ascii_case("false") => Some(false),
            _ => None,
        }
    }

    /// Text from a string, or the decimal form of a number or bool; `None` for null and objects.
    pub fn as_text(&self) -> Option<String> {
        match self {
            Scalar::Str(s) => Some(s.clone()),
            Scalar::Bool(b) => Some(b.to_string()),
            Scalar::Int(i) => Some(i.to_string()),
            Scalar::UInt(u) => Some(u.to_string()),
            Scalar::Float(f) => Some(f.to_string()),
            Scalar::Null | Scalar::Other => None,
        }
    }
}

struct ScalarVisitor;

impl<'de> Visitor<'de> for ScalarVisitor {
    type Value = Scalar;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Scalar, E> {
        Ok(Scalar::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Scalar, E> {
        Ok(Scalar::Int(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Scalar, E> {
        Ok(i64::try_from(v).map(Scalar::Int).unwrap_or(Scalar::UInt(v)))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Scalar, E> {
        Ok(Scalar::Float(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Scalar, E> {
        Ok(Scalar::Str(v.to_string()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Scalar, E> {
        Ok(Scalar::Str(v))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Scalar, E> {
        Ok(Scalar::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Scalar, E> {
        Ok(Scalar::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Scalar, D::Error> {
        d.deserialize_any(ScalarVisitor)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Scalar, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Scalar::Other)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Scalar, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Scalar::Other)
    }
}

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ScalarVisitor)
    }
}

/// A list that tolerates `null` and a wrong type: both read as empty, and a wrong type sets
/// `malformed` so the converter can warn. Elements must still have the element type.
#[derive(Debug, Clone, PartialEq)]
pub struct Many<T> {
    pub items: Vec<T>,
    pub malformed: bool,
}

impl<T> Default for Many<T> {
    fn default() -> Self {
        Many { items: Vec::new(), malformed: false }
    }
}

struct ManyVisitor<T>(std::marker::PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for ManyVisitor<T> {
    type Value = Many<T>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Many<T>, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Many { items, malformed: false })
    }
    fn visit_unit<E: de::Error>(self) -> Result<Many<T>, E> {
        Ok(Many::default())
    }
    fn visit_none<E: de::Error>(self) -> Result<Many<T>, E> {
        Ok(Many::default())
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Many<T>, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Many<T>, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Many { items: Vec::new(), malformed: true })
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Many<T>, E> {
        Ok(Many { items: Vec::new(), malformed: true })
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Many<T>, E> {
        Ok(Many { items: Vec::new(), malformed: true })
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Many<T>, E> {
        Ok(Many { items: Vec::new(), malformed: true })
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Many<T>, E> {
        Ok(Many { items: Vec::new(), malformed: true })
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Many<T>, E> {
        Ok(Many { items: Vec::new(), malformed: true })
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Many<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ManyVisitor(std::marker::PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_read_every_spelling_without_losing_precision() {
        let cases: &[(&str, Option<i64>, Option<String>)] = &[
            ("1718000000000000123", Some(1_718_000_000_000_000_123), Some("1718000000000000123".into())),
            ("\"1718000000000000123\"", Some(1_718_000_000_000_000_123), Some("1718000000000000123".into())),
            ("\"9223372036854775222\"", Some(9_223_372_036_854_775_222), Some("9223372036854775222".into())),
            ("18446744073709551615", None, Some("18446744073709551615".into())),
            ("2.0", Some(2), Some("2".into())),
            ("true", None, Some("true".into())),
            ("null", None, None),
            ("{\"a\":[1,2]}", None, None),
        ];
        for (json, int, text) in cases {
            let s: Scalar = serde_json::from_str(json).unwrap();
            assert_eq!((s.as_i64(), s.as_text()), (*int, text.clone()), "json {json}");
        }
        let nan: Scalar = serde_json::from_str("\"NaN\"").unwrap();
        assert!(nan.as_f64().unwrap().is_nan());
    }

    #[test]
    fn lists_tolerate_null_and_wrong_types() {
        let cases: &[(&str, usize, bool)] = &[("[1,2]", 2, false), ("null", 0, false), ("{}", 0, true), ("\"x\"", 0, true)];
        for (json, len, malformed) in cases {
            let m: Many<Scalar> = serde_json::from_str(json).unwrap();
            assert_eq!((m.items.len(), m.malformed), (*len, *malformed), "json {json}");
        }
    }
}
