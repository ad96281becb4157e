//! Percent-encoding for `#json=` links: strict on the way out, lenient on the way in.
//!
//! Encoding escapes everything except unreserved characters and `:` `,` (which keep
//! hand-written JSON readable). Decoding accepts strict `%XX` escapes and the raw characters
//! that browsers and people leave in fragments (`{`, `"`, spaces), and keeps a `%` that
//! does not start an escape as a literal `%`. This file must never treat `+` as a space
//! (that is form encoding, not fragment encoding) and must never panic on any input.

/// Characters written as themselves in an encoded `#json=` link.
fn is_kept(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b':' | b',')
}

/// Percent-encodes text for a URL fragment.
pub fn encode(text: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(text.len() * 2);
    for &b in text.as_bytes() {
        if is_kept(b) {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(HEX[(b >> 4) as usize] as char);
            out.push(HEX[(b & 15) as usize] as char);
        }
    }
    out
}

/// Text that did not decode to UTF-8, with the byte offset (in the decoded bytes) where
/// the first invalid sequence starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotUtf8 {
    pub at: usize,
}

/// Decodes percent escapes leniently. Fails only when the decoded bytes are not UTF-8.
pub fn decode(text: &str) -> Result<String, NotUtf8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            if let (Some(h), Some(l)) = (bytes.get(i + 1).and_then(hex), bytes.get(i + 2).and_then(hex)) {
                out.push(h << 4 | l);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).map_err(|e| NotUtf8 { at: e.utf8_error().valid_up_to() })
}

fn hex(b: &u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_and_raw_forms_decode_alike() {
        let json = r#"{"title":"a b","n":[1,2]}"#;
        assert_eq!(decode(&encode(json)).unwrap(), json);
        assert_eq!(decode(json).unwrap(), json);
        assert_eq!(decode(r#"{"title":"a%20b","n":%5B1,2]}"#).unwrap(), json);
        assert_eq!(decode("%7b%22x%22:1%7D").unwrap(), r#"{"x":1}"#);
    }

    #[test]
    fn edge_cases_are_lenient_but_exact() {
        assert_eq!(decode("50%").unwrap(), "50%");
        assert_eq!(decode("50%2").unwrap(), "50%2");
        assert_eq!(decode("%zz%4").unwrap(), "%zz%4");
        assert_eq!(decode("%%41").unwrap(), "%A");
        assert_eq!(decode("a+b").unwrap(), "a+b");
        assert_eq!(decode("%2525").unwrap(), "%25", "decoding happens once");
        assert_eq!(decode("d%C3%A9j%C3%A0 vu").unwrap(), "déjà vu");
        assert_eq!(decode("déjà").unwrap(), "déjà");
        assert_eq!(decode("ok%FFno"), Err(NotUtf8 { at: 2 }));
        assert_eq!(decode("%C3"), Err(NotUtf8 { at: 0 }));
    }

    #[test]
    fn encoding_uses_only_fragment_safe_characters() {
        let enc = encode("{\"t\":\"a b & c # d % é\"}\n");
        assert!(enc.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~:,%".contains(&b)), "{enc}");
        assert!(enc.starts_with("%7B%22t%22:%22a%20b%20%26"), "{enc}");
    }
}
