//! The one decoder for trace and span ids, whatever the source wrote: hex of 16 or 32
//! characters in any case, hex with leading zeros dropped (Jaeger, Tempo search), base64
//! (the standard protobuf JSON mapping Tempo uses), and a W3C `traceparent` header value.
//!
//! This module must never guess silently: text that is none of these is an error, and an
//! all-zero id is an error too, because the W3C and OTLP specifications call it invalid.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use thiserror::Error;

/// A 128-bit trace id. Jaeger's 64-bit ids are stored with the upper half zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TraceId(pub [u8; 16]);

/// A 64-bit span id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SpanId(pub [u8; 8]);

/// Why a piece of text is not an id. The text is kept (shortened) so the message can show it.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum IdError {
    #[error("the id is empty; paste a trace id (32 hex characters), a base64 id or a traceparent header value")]
    Empty,
    #[error("\"{0}\" is not an id; write hex (up to 32 characters for a trace, 16 for a span), base64 or a traceparent value such as 00-<32 hex>-<16 hex>-01")]
    Unrecognised(String),
    #[error("\"{0}\" is all zeros, which no tracer sends; check that the whole id was copied")]
    AllZero(String),
    #[error("\"{0}\" is a traceparent value with the wrong shape; it must be 00-<32 hex>-<16 hex>-<2 hex>")]
    BadTraceparent(String),
}

/// Shortens text for an error message, so a pasted page does not end up in the message.
fn shown(text: &str) -> String {
    let mut out: String = text.chars().take(60).collect();
    if out.len() < text.len() {
        out.push('…');
    }
    out
}

/// Decodes up to `N * 2` hex digits into `N` bytes, left-padding short input with zeros.
fn hex_bytes<const N: usize>(hex: &str) -> Option<[u8; N]> {
    if hex.is_empty() || hex.len() > N * 2 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let mut out = [0u8; N];
    let pad = N * 2 - hex.len();
    for (i, b) in hex.bytes().enumerate() {
        let nibble = (b as char).to_digit(16)? as u8;
        let pos = pad + i;
        out[pos / 2] |= if pos.is_multiple_of(2) { nibble << 4 } else { nibble };
    }
    Some(out)
}

/// Decodes base64 (standard or URL-safe alphabet, padding optional) into exactly `N` bytes.
fn base64_bytes<const N: usize>(text: &str) -> Option<[u8; N]> {
    let normalised: String = text
        .trim_end_matches('=')
        .chars()
        .map(|c| match c {
            '-' => '+',
            '_' => '/',
            other => other,
        })
        .collect();
    let mut padded = normalised;
    while !padded.len().is_multiple_of(4) {
        padded.push('=');
    }
    let bytes = STANDARD.decode(padded.as_bytes()).ok()?;
    bytes.try_into().ok()
}

/// The length of a base64 text (without padding) that holds exactly `n` bytes.
fn base64_len(n: usize) -> usize {
    (n * 4).div_ceil(3)
}

/// Decodes an id of `N` bytes from hex or base64. Hex wins when the text could be both,
/// except that a text with base64's length for `N` bytes and a character outside hex is
/// base64. Leading and trailing whitespace is ignored; a `0x` prefix is accepted.
fn decode_bytes<const N: usize>(text: &str) -> Result<[u8; N], IdError> {
    let t = text.trim();
    if t.is_empty() {
        return Err(IdError::Empty);
    }
    let hex = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")).unwrap_or(t);
    let bytes = hex_bytes::<N>(hex)
        .or_else(|| {
            let unpadded = t.trim_end_matches('=');
            let looks_base64 = unpadded.len() == base64_len(N) || t.contains(['+', '/', '=', '-', '_']);
            if looks_base64 {
                base64_bytes::<N>(t)
            } else {
                None
            }
        })
        .ok_or_else(|| IdError::Unrecognised(shown(t)))?;
    if bytes.iter().all(|b| *b == 0) {
        return Err(IdError::AllZero(shown(t)));
    }
    Ok(bytes)
}

/// Writes bytes as lower-case hex.
fn to_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 15)] as char);
    }
    out
}

impl TraceId {
    /// Decodes a trace id from hex (1 to 32 digits, left-padded), base64 of 16 bytes, or a
    /// `traceparent` value. See [`IdError`] for what is refused.
    pub fn parse(text: &str) -> Result<Self, IdError> {
        let t = text.trim();
        if t.matches('-').count() == 3 && t.len() >= 55 {
            return parse_traceparent(t).map(|(trace, _)| trace);
        }
        decode_bytes::<16>(t).map(TraceId)
    }

    /// The id as 32 lower-case hex digits.
    pub fn to_hex(&self) -> String {
        to_hex(&self.0)
    }

    /// The id as 16 hex digits when its upper half is zero (how Jaeger and Zipkin print
    /// 64-bit ids), otherwise 32.
    pub fn to_short_hex(&self) -> String {
        if self.0[..8].iter().all(|b| *b == 0) {
            to_hex(&self.0[8..])
        } else {
            self.to_hex()
        }
    }
}

impl SpanId {
    /// Decodes a span id from hex (1 to 16 digits, left-padded) or base64 of 8 bytes.
    pub fn parse(text: &str) -> Result<Self, IdError> {
        decode_bytes::<8>(text).map(SpanId)
    }

    /// The id as 16 lower-case hex digits.
    pub fn to_hex(&self) -> String {
        to_hex(&self.0)
    }
}

/// Decodes a W3C `traceparent` value, `00-<32 hex>-<16 hex>-<2 hex flags>`, into its trace
/// and parent span ids. Future versions (not `ff`) are read by the version 00 layout, as the
/// W3C specification asks.
pub fn parse_traceparent(text: &str) -> Result<(TraceId, SpanId), IdError> {
    let t = text.trim();
    let bad = || IdError::BadTraceparent(shown(t));
    let parts: Vec<&str> = t.split('-').collect();
    if parts.len() < 4 {
        return Err(bad());
    }
    let (version, trace, span, flags) = (parts[0], parts[1], parts[2], parts[3]);
    let hex = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_hexdigit());
    if !hex(version, 2) || version.eq_ignore_ascii_case("ff") || !hex(trace, 32) || !hex(span, 16) || !hex(flags, 2) {
        return Err(bad());
    }
    if version == "00" && parts.len() != 4 {
        return Err(bad());
    }
    Ok((TraceId::parse(trace)?, SpanId::parse(span)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trace(text: &str) -> Result<String, IdError> {
        TraceId::parse(text).map(|t| t.to_hex())
    }

    #[test]
    fn decodes_trace_ids_in_every_encoding() {
        let full = "4bf92f3577b34da6a3ce929d0e0e4736";
        let cases: &[(&str, &str)] = &[
            ("4bf92f3577b34da6a3ce929d0e0e4736", full),
            ("4BF92F3577B34DA6A3CE929D0E0E4736", full),
            ("  4bf92f3577b34da6a3ce929d0e0e4736\n", full),
            ("0x4bf92f3577b34da6a3ce929d0e0e4736", full),
            ("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", full),
            ("S/kvNXezTaajzpKdDg5HNg==", full),
            ("S_kvNXezTaajzpKdDg5HNg", full),
            ("0000000000000001", "00000000000000000000000000000001"),
            ("1", "00000000000000000000000000000001"),
            ("7c2e0a91f4d3b8", "0000000000000000007c2e0a91f4d3b8"),
            ("W47/95gDgQPSabYzgT/HAA==", "5b8eff f798038103d269b633813fc700"),
        ];
        for (input, expected) in cases {
            let expected = expected.replace(' ', "");
            assert_eq!(trace(input).as_deref(), Ok(expected.as_str()), "input {input:?}");
        }
    }

    #[test]
    fn refuses_garbage_zeros_and_bad_traceparents() {
        let cases: &[(&str, IdError)] = &[
            ("", IdError::Empty),
            ("   ", IdError::Empty),
            ("00000000000000000000000000000000", IdError::AllZero("00000000000000000000000000000000".into())),
            ("AAAAAAAAAAAAAAAAAAAAAA==", IdError::AllZero("AAAAAAAAAAAAAAAAAAAAAA==".into())),
            ("not an id", IdError::Unrecognised("not an id".into())),
            ("4bf92f3577b34da6a3ce929d0e0e47361", IdError::Unrecognised("4bf92f3577b34da6a3ce929d0e0e47361".into())),
            ("<html>", IdError::Unrecognised("<html>".into())),
        ];
        for (input, expected) in cases {
            assert_eq!(TraceId::parse(input).as_ref(), Err(expected), "input {input:?}");
        }
        let bad = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra";
        assert!(matches!(parse_traceparent(bad), Err(IdError::BadTraceparent(_))));
        let ff = "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        assert!(matches!(TraceId::parse(ff), Err(IdError::BadTraceparent(_))));
        let zero_span = "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01";
        assert!(matches!(parse_traceparent(zero_span), Err(IdError::AllZero(_))));
    }

    #[test]
    fn decodes_span_ids_and_traceparent_parents() {
        let cases: &[(&str, Result<&str, ()>)] = &[
            ("00f067aa0ba902b7", Ok("00f067aa0ba902b7")),
            ("F067AA0BA902B7", Ok("00f067aa0ba902b7")),
            ("7uGbfsPBsXQ=", Ok("eee19b7ec3c1b174")),
            ("0000000000000000", Err(())),
            ("4bf92f3577b34da6a3ce929d0e0e4736", Err(())),
            ("zz", Err(())),
        ];
        for (input, expected) in cases {
            let actual = SpanId::parse(input).map(|s| s.to_hex()).map_err(|_| ());
            assert_eq!(actual.as_deref(), expected.as_ref().map(|s| *s), "input {input:?}");
        }
        let (t, s) = parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01").unwrap();
        assert_eq!((t.to_short_hex().len(), s.to_hex()), (32, "00f067aa0ba902b7".to_string()));
        assert_eq!(TraceId::parse("ab").unwrap().to_short_hex(), "00000000000000ab");
        assert!(IdError::Unrecognised("x".into()).to_string().contains("traceparent"));
    }
}
