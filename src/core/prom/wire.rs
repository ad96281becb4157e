//! The raw JSON shapes of Prometheus API answers, exactly as servers send them; the first
//! of the two decoding stages (`response.rs` turns these into validated model values).
//!
//! Sample values are JSON strings ("NaN", "+Inf", "1e-07") and are parsed from the string
//! here, never declared as JSON numbers. This module must never hold decisions about what
//! is shown: it only mirrors the wire format, leniently where engines differ.

use serde::de::{self, Deserializer, IgnoredAny, SeqAccess, Visitor};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;

/// Label names to values, sorted by name.
pub type WireLabels = BTreeMap<String, String>;

/// The outer object of every answer: `{"status", "data", "errorType", "error",
/// "warnings", "infos"}`, plus VictoriaMetrics's `isPartial`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Envelope<T> {
    pub status: String,
    pub data: Option<T>,
    pub error_type: Option<String>,
    pub error: Option<String>,
    pub warnings: Option<Vec<String>>,
    pub infos: Option<Vec<String>>,
    pub is_partial: Option<bool>,
}

/// The envelope without its data, read when the data did not have the expected shape.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Head {
    pub status: Option<String>,
    pub error_type: Option<String>,
    pub error: Option<String>,
}

/// `data` of `query` and `query_range`, tagged by `resultType`.
#[derive(Debug, Deserialize)]
#[serde(tag = "resultType", content = "result", rename_all = "lowercase")]
pub enum QueryData {
    Matrix(Vec<RangeSeries>),
    Vector(Vec<InstantSeries>),
    Scalar(Sample),
    String(TextSample),
}

/// One matrix series. `histograms` holds native histogram samples, which are counted and
/// skipped, never read as floats.
#[derive(Debug, Deserialize)]
pub struct RangeSeries {
    #[serde(default)]
    pub metric: WireLabels,
    #[serde(default)]
    pub values: Vec<Sample>,
    #[serde(default)]
    pub histograms: Option<Vec<IgnoredAny>>,
}

/// One vector element: a float `value` or a native `histogram`.
#[derive(Debug, Deserialize)]
pub struct InstantSeries {
    #[serde(default)]
    pub metric: WireLabels,
    pub value: Option<Sample>,
    pub histogram: Option<IgnoredAny>,
}

/// A `[unix_seconds, "value"]` pair, already converted to epoch ms and a float.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sample {
    pub time_ms: i64,
    pub value: f64,
}

/// A `[unix_seconds, "text"]` pair of a `string` result; only the text is kept.
#[derive(Debug, Deserialize)]
pub struct TextSample(pub IgnoredAny, pub String);

/// Float Unix seconds to epoch ms, rounded to the nearest millisecond.
pub fn seconds_to_ms(secs: f64) -> i64 {
    (secs * 1000.0).round() as i64
}

/// A sample value read from its JSON string, without allocating.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ValueStr(pub f64);

impl<'de> Deserialize<'de> for ValueStr {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = ValueStr;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a sample value as a string, such as \"1.5\" or \"NaN\"")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<ValueStr, E> {
                v.trim()
                    .parse::<f64>()
                    .map(ValueStr)
                    .map_err(|_| E::custom(format!("sample value \"{v}\" is not a number")))
            }
        }
        deserializer.deserialize_str(V)
    }
}

impl<'de> Deserialize<'de> for Sample {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Sample;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a sample [unix_seconds, \"value\"]")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Sample, A::Error> {
                let secs: f64 = seq.next_element()?.ok_or_else(|| de::Error::invalid_length(0, &self))?;
                let ValueStr(value) = seq.next_element()?.ok_or_else(|| de::Error::invalid_length(1, &self))?;
                if seq.next_element::<IgnoredAny>()?.is_some() {
                    return Err(de::Error::invalid_length(3, &self));
                }
                Ok(Sample { time_ms: seconds_to_ms(secs), value })
            }
        }
        deserializer.deserialize_seq(V)
    }
}

/// One entry of `/api/v1/metadata`.
#[derive(Debug, Deserialize)]
pub struct MetadataEntry {
    #[serde(rename = "type", default)]
    pub metric_type: String,
    #[serde(default)]
    pub help: String,
    #[serde(default)]
    pub unit: String,
}

/// `data` of `/api/v1/status/buildinfo`; every field optional, since engines differ.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BuildInfoData {
    pub version: Option<String>,
    pub revision: Option<String>,
    pub branch: Option<String>,
    pub build_user: Option<String>,
    pub build_date: Option<String>,
    pub go_version: Option<String>,
    pub application: Option<String>,
    pub features: Option<IgnoredAny>,
}

/// One series of `/api/v1/query_exemplars`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExemplarSeries {
    #[serde(default)]
    pub series_labels: WireLabels,
    #[serde(default)]
    pub exemplars: Vec<ExemplarEntry>,
}

/// One exemplar: its own labels (such as `trace_id`), value and time.
#[derive(Debug, Deserialize)]
pub struct ExemplarEntry {
    #[serde(default)]
    pub labels: WireLabels,
    pub value: ValueStr,
    pub timestamp: f64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_parse_string_values_and_round_times() {
        let cases: &[(&str, i64, f64)] = &[
            ("[1718000000.123, \"1\"]", 1_718_000_000_123, 1.0),
            ("[1718000000, \"1e-07\"]", 1_718_000_000_000, 1e-7),
            ("[1718000000.0004, \"+Inf\"]", 1_718_000_000_000, f64::INFINITY),
            ("[1718000000.0006, \"-Inf\"]", 1_718_000_000_001, f64::NEG_INFINITY),
        ];
        for (text, t, v) in cases {
            let s: Sample = serde_json::from_str(text).unwrap();
            assert_eq!((s.time_ms, s.value), (*t, *v), "input: {text}");
        }
        let nan: Sample = serde_json::from_str("[1, \"NaN\"]").unwrap();
        assert!(nan.value.is_nan());
        for bad in ["[1, 2]", "[1, \"x\"]", "[1]", "[1, \"1\", 3]", "{}"] {
            assert!(serde_json::from_str::<Sample>(bad).is_err(), "input: {bad}");
        }
    }
}
