//! Text encodings the Prometheus HTTP API needs: percent-encoding for query strings and
//! form bodies, Unix-seconds times and float-second durations, and the `U__` escaping of
//! label names in URL paths.
//!
//! These are pure string functions. This module must never build whole requests, choose
//! endpoints or read the clock; `request.rs` does the first two and callers pass instants.

use std::fmt::Write;

/// Percent-encodes `text` for a query string or an `application/x-www-form-urlencoded`
/// body. Only the unreserved characters of RFC 3986 (`A-Z a-z 0-9 - . _ ~`) stay as they
/// are; everything else, spaces and brackets included, becomes `%XX` of its UTF-8 bytes.
/// Spaces are written `%20` rather than `+` so the same text is right in a URL and a form.
pub fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 2);
    for &b in text.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            // Writing to a String cannot fail.
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// Joins `key=value` pairs into one encoded query string (without the leading `?`).
pub fn form_encode(params: &[(&str, String)]) -> String {
    let mut out = String::new();
    for (i, (key, value)) in params.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.push_str(&percent_encode(key));
        out.push('=');
        out.push_str(&percent_encode(value));
    }
    out
}

/// Milliseconds as decimal seconds with at most three fraction digits and no trailing
/// zeros: `1718000000123` is `1718000000.123`, `15000` is `15`, `500` is `0.5`.
pub fn ms_as_seconds(ms: i64) -> String {
    let sign = if ms < 0 { "-" } else { "" };
    let abs = ms.unsigned_abs();
    let (whole, frac) = (abs / 1000, abs % 1000);
    if frac == 0 {
        return format!("{sign}{whole}");
    }
    let digits = format!("{frac:03}");
    format!("{sign}{whole}.{}", digits.trim_end_matches('0'))
}

/// True for a name in the classic Prometheus label-name syntax `[a-zA-Z_][a-zA-Z0-9_]*`.
pub fn is_plain_label_name(name: &str) -> bool {
    let mut chars = name.chars();
    match chars.next() {
        Some(c) if c.is_ascii_alphabetic() || c == '_' => {}
        _ => return false,
    }
    chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// True for a name in the classic Prometheus metric-name syntax `[a-zA-Z_:][a-zA-Z0-9_:]*`.
pub fn is_plain_metric_name(name: &str) -> bool {
    let mut chars = name.chars();
    match chars.next() {
        Some(c) if c.is_ascii_alphabetic() || c == '_' || c == ':' => {}
        _ => return false,
    }
    chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
}

/// Escapes a label name for the `/api/v1/label/<name>/values` path the way Prometheus
/// unescapes it: a plain name stays as it is; any other name gets the prefix `U__`, each
/// `_` doubled, ASCII letters and digits kept, and every other character written as `_`,
/// its Unicode code point in lowercase hex, and `_`. So `http.status_code` becomes
/// `U__http_2e_status__code`. The result only holds `[A-Za-z0-9_]`, so it is safe in a
/// path without further encoding.
pub fn escape_label_name(name: &str) -> String {
    if is_plain_label_name(name) {
        return name.to_string();
    }
    let mut out = String::from("U__");
    for (i, c) in name.chars().enumerate() {
        if c == '_' {
            out.push_str("__");
        } else if c.is_ascii_alphabetic() || (c.is_ascii_digit() && i > 0) {
            out.push(c);
        } else {
            let _ = write!(out, "_{:x}_", c as u32);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check<I: std::fmt::Debug, O: PartialEq + std::fmt::Debug>(input: I, actual: O, expected: O) {
        assert_eq!(actual, expected, "input: {input:?}");
    }

    #[test]
    fn percent_encodes_everything_but_unreserved() {
        let cases: &[(&str, &str)] = &[
            ("up", "up"),
            ("a b", "a%20b"),
            ("match[]", "match%5B%5D"),
            ("rate(x{job=\"a\"}[5m])", "rate%28x%7Bjob%3D%22a%22%7D%5B5m%5D%29"),
            ("a+b&c=d", "a%2Bb%26c%3Dd"),
            ("é", "%C3%A9"),
            ("-._~", "-._~"),
        ];
        for (text, expected) in cases {
            check(text, percent_encode(text), expected.to_string());
        }
    }

    #[test]
    fn formats_milliseconds_as_seconds() {
        let cases: &[(i64, &str)] = &[
            (1_718_000_000_000, "1718000000"),
            (1_718_000_000_123, "1718000000.123"),
            (1_718_000_000_500, "1718000000.5"),
            (1_718_000_000_050, "1718000000.05"),
            (15_000, "15"),
            (500, "0.5"),
            (1, "0.001"),
            (0, "0"),
            (-1, "-0.001"),
            (-1500, "-1.5"),
        ];
        for (ms, text) in cases {
            check(ms, ms_as_seconds(*ms), text.to_string());
        }
    }

    #[test]
    fn escapes_label_names_for_paths() {
        let cases: &[(&str, &str)] = &[
            ("job", "job"),
            ("__name__", "__name__"),
            ("http.status_code", "U__http_2e_status__code"),
            ("a-b", "U__a_2d_b"),
            ("1abc", "U___31_abc"),
            ("é", "U___e9_"),
            ("a/b c", "U__a_2f_b_20_c"),
            ("k8s:pod", "U__k8s_3a_pod"),
            ("", "U__"),
        ];
        for (name, expected) in cases {
            check(name, escape_label_name(name), expected.to_string());
        }
    }

    #[test]
    fn recognises_plain_names() {
        let labels: &[(&str, bool)] =
            &[("job", true), ("_x1", true), ("1x", false), ("a.b", false), ("a:b", false), ("", false)];
        for (name, ok) in labels {
            check(name, is_plain_label_name(name), *ok);
        }
        let metrics: &[(&str, bool)] =
            &[("up", true), ("job:rate5m", true), (":x", true), ("1x", false), ("a.b", false), ("", false)];
        for (name, ok) in metrics {
            check(name, is_plain_metric_name(name), *ok);
        }
    }
}
