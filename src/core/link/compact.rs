//! The byte layer of the compact share form: zlib (deflate with an Adler-32 checksum) and
//! unpadded URL-safe base64, so that a payload uses only `[A-Za-z0-9_-]`.
//!
//! This file must never allocate without a bound on hostile input: inflating stops at
//! [`MAX_INFLATED`] bytes. It must never panic either, whatever text it is given.

use base64::alphabet;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine;
use miniz_oxide::inflate::TINFLStatus;

/// The most bytes a link may inflate to (1 MiB); a bigger result is refused as hostile.
pub const MAX_INFLATED: usize = 1 << 20;

/// Deflate level used for links (the best compression; links are small).
const LEVEL: u8 = 10;

/// Unpadded URL-safe base64. Decoding tolerates non-zero trailing bits, which a link cut
/// in the middle of a character group has.
const B64: GeneralPurpose = GeneralPurpose::new(
    &alphabet::URL_SAFE,
    GeneralPurposeConfig::new()
        .with_encode_padding(false)
        .with_decode_padding_mode(DecodePaddingMode::RequireNone)
        .with_decode_allow_trailing_bits(true),
);

/// Compresses bytes with zlib and encodes them as URL-safe base64 text.
pub fn pack(bytes: &[u8]) -> String {
    B64.encode(miniz_oxide::deflate::compress_to_vec_zlib(bytes, LEVEL))
}

/// Compresses bytes with raw deflate (no zlib header or checksum). Only the tests use this,
/// to measure what the checksum costs.
#[cfg(test)]
pub fn pack_raw(bytes: &[u8]) -> String {
    B64.encode(miniz_oxide::deflate::compress_to_vec(bytes, LEVEL))
}

/// What unpacking a payload gave: the bytes that could be inflated and what went wrong.
#[derive(Debug, PartialEq, Eq)]
pub struct Unpacked {
    /// Inflated bytes, complete or partial.
    pub bytes: Vec<u8>,
    pub status: Status,
}

/// How complete the inflated bytes are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// The whole payload inflated and its checksum matched.
    Complete,
    /// The payload ended early; `bytes` holds what came before the cut.
    Truncated,
    /// The payload is damaged (changed bytes or a checksum mismatch); `bytes` holds what
    /// inflated before the damage was noticed.
    Corrupted,
    /// The payload inflates to more than [`MAX_INFLATED`] bytes.
    TooLarge,
}

/// A character outside the payload alphabet, with its position in the payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BadChar {
    pub ch: char,
    pub position: usize,
}

/// Decodes and inflates a payload. Fails only when the payload contains a character that
/// base64 does not use; every other problem is reported through [`Status`].
pub fn unpack(payload: &str) -> Result<Unpacked, BadChar> {
    if let Some((position, ch)) =
        payload.chars().enumerate().find(|(_, c)| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
    {
        return Err(BadChar { ch, position });
    }
    // A base64 text one character past a group of four cannot be valid: the link was cut
    // there, so drop that lone character and inflate the rest.
    let usable = if payload.len() % 4 == 1 { &payload[..payload.len() - 1] } else { payload };
    let cut_in_base64 = usable.len() != payload.len();
    let compressed = match B64.decode(usable) {
        Ok(bytes) => bytes,
        // The alphabet and length were checked above, so this is not expected; treat it as
        // damage rather than trusting that reasoning with a panic.
        Err(_) => return Ok(Unpacked { bytes: Vec::new(), status: Status::Corrupted }),
    };
    let (bytes, status) = match miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(&compressed, MAX_INFLATED) {
        Ok(bytes) => (bytes, Status::Complete),
        Err(e) => {
            let status = match e.status {
                TINFLStatus::FailedCannotMakeProgress | TINFLStatus::NeedsMoreInput => Status::Truncated,
                TINFLStatus::HasMoreOutput => Status::TooLarge,
                _ => Status::Corrupted,
            };
            // On failure the library hands back its whole output buffer, including the
            // unused zero bytes at its end. JSON text never contains a raw zero byte, so
            // trailing zeros are buffer, not data.
            let mut out = e.output;
            let end = out.iter().rposition(|b| *b != 0).map_or(0, |i| i + 1);
            out.truncate(end);
            (out, status)
        }
    };
    let status = match status {
        Status::Complete if cut_in_base64 => Status::Truncated,
        other => other,
    };
    Ok(Unpacked { bytes, status })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pack_unpack_round_trip() {
        let text = b"{\"hello\":\"world\",\"n\":[1,2,3]}".repeat(20);
        let payload = pack(&text);
        assert!(payload.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
        assert_eq!(unpack(&payload), Ok(Unpacked { bytes: text, status: Status::Complete }));
    }

    #[test]
    fn cut_payload_is_truncated_and_keeps_a_prefix() {
        let text: Vec<u8> = (0..2000).flat_map(|i| format!("{{\"k\":{i}}},").into_bytes()).collect();
        let payload = pack(&text);
        for cut in [payload.len() - 1, payload.len() - 3, payload.len() / 2, 10] {
            let out = unpack(&payload[..cut]).unwrap();
            assert_eq!(out.status, Status::Truncated, "cut at {cut}");
            assert!(text.starts_with(&out.bytes), "cut at {cut}");
        }
    }

    #[test]
    fn changed_checksum_is_corrupted() {
        let payload = pack(b"{\"title\":\"checksum\"}");
        // The last characters encode the Adler-32 checksum; change one of them.
        let mut chars: Vec<char> = payload.chars().collect();
        let i = chars.len() - 2;
        chars[i] = if chars[i] == 'A' { 'B' } else { 'A' };
        let out = unpack(&chars.into_iter().collect::<String>()).unwrap();
        assert_eq!(out.status, Status::Corrupted);
    }

    #[test]
    fn bad_characters_are_reported_with_their_position() {
        assert_eq!(unpack("eNq+abc"), Err(BadChar { ch: '+', position: 3 }));
        assert_eq!(unpack("eNqé"), Err(BadChar { ch: 'é', position: 3 }));
    }

    #[test]
    fn inflate_bomb_is_capped() {
        let bomb = vec![b' '; 8 * MAX_INFLATED];
        let payload = pack(&bomb);
        assert!(payload.len() < 20_000, "the bomb is small: {}", payload.len());
        let out = unpack(&payload).unwrap();
        assert_eq!(out.status, Status::TooLarge);
        assert!(out.bytes.len() <= MAX_INFLATED);
    }
}
