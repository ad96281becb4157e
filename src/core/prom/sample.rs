//! The matrix reader's fast lane for one sample in the exact shape Prometheus writes,
//! `[seconds,"decimal"]` with no whitespace: it reads digits eight bytes at a time (one
//! 64-bit load, a digit test and three multiplications) instead of one byte per step.
//!
//! It answers only where the byte-at-a-time path (`matrix.rs`) would give the very same
//! time and value, and otherwise says `None` without consuming anything; that path then
//! reads the sample. Host tests compare both on generated and damaged samples.

use super::matrix::decimal_value;

/// How many bytes the fast lane looks at: a sample it takes is at most 45 bytes long
/// (`[`, 12 + 1 + 3 time characters, `,"`, `-`, 19 digits and a point, `"]`, with room for
/// the last eight-byte load), so only the last sample of a body takes the slow path.
pub(super) const WINDOW: usize = 64;

/// `10^k` for `k` in `0..=19`.
const POW10: [u64; 20] = {
    let mut t = [1u64; 20];
    let mut k = 1;
    while k < 20 {
        t[k] = t[k - 1] * 10;
        k += 1;
    }
    t
};

const ONES: u64 = 0x0101_0101_0101_0101;

/// Eight bytes from `w[at..at + 8]` as a little-endian word (the first byte lowest).
#[inline(always)]
fn load(w: &[u8; WINDOW], at: usize) -> Option<u64> {
    let bytes: [u8; 8] = w.get(at..at + 8)?.try_into().ok()?;
    Some(u64::from_le_bytes(bytes))
}

/// A word whose bytes are non-zero where the input byte is not an ASCII digit. Carries
/// only run towards later bytes, so the lowest flagged byte is always exact.
#[inline(always)]
fn non_digits(x: u64) -> u64 {
    let high = 0xF0 * ONES;
    ((x & high) ^ (0x30 * ONES)) | ((x.wrapping_add(0x06 * ONES) & high) ^ (0x30 * ONES))
}

/// The number written by eight digit values (`0..=9`, one per byte, the first byte the
/// most significant digit).
#[inline(always)]
fn eight_digits(v: u64) -> u64 {
    let v = (v.wrapping_mul(10).wrapping_add(v >> 8)) & 0x00FF_00FF_00FF_00FF;
    let v = (v.wrapping_mul(100).wrapping_add(v >> 16)) & 0x0000_FFFF_0000_FFFF;
    (v.wrapping_mul(10_000).wrapping_add(v >> 32)) & 0xFFFF_FFFF
}

/// The run of ASCII digits starting at `w[at]`: its value (wrapping past 64 bits; callers
/// only use it for runs of at most 19 digits) and its length.
#[inline(always)]
fn digit_run(w: &[u8; WINDOW], mut at: usize) -> Option<(u64, usize)> {
    let (mut value, start) = (0u64, at);
    loop {
        let word = load(w, at)?;
        let bad = non_digits(word);
        let k = if bad == 0 { 8 } else { (bad.trailing_zeros() / 8) as usize };
        if k > 0 {
            // Shifting the first `k` digit values to the top leaves zeros in front of them.
            let digits = word.wrapping_sub(0x30 * ONES) << (8 * (8 - k));
            value = value.wrapping_mul(POW10[k]).wrapping_add(eight_digits(digits));
        }
        at += k;
        if k < 8 {
            return Some((value, at - start));
        }
    }
}

/// One `[seconds,"decimal"]` sample at the start of `w`: its time in epoch ms, its value
/// and its length in bytes (up to and including the `]`). Takes times of 8 to 12 integer
/// digits without a leading zero and at most 3 fraction digits, and values of an optional
/// `-`, digits and at most one inner point with at most 19 digits in all; `None` for
/// anything else (the caller then reads the sample byte by byte).
#[inline(always)]
pub(super) fn sample_in(w: &[u8; WINDOW]) -> Option<(i64, f64, usize)> {
    if w[0] != b'[' || w[1] == b'0' {
        return None;
    }
    let (whole, digits) = digit_run(w, 1)?;
    if !(8..=12).contains(&digits) {
        return None;
    }
    let mut ms = whole as i64 * 1000;
    let mut i = 1 + digits;
    if w[i] == b'.' {
        let (frac, n) = digit_run(w, i + 1)?;
        if n == 0 || n > 3 {
            return None;
        }
        ms += frac as i64 * POW10[3 - n] as i64;
        i += 1 + n;
    }
    if w[i] != b',' || w[i + 1] != b'"' {
        return None;
    }
    i += 2;
    let negative = w[i] == b'-';
    if negative {
        i += 1;
    }
    let (int, n_int) = digit_run(w, i)?;
    if n_int == 0 || n_int > 19 {
        return None;
    }
    i += n_int;
    let (mut mantissa, mut scale) = (int, 0);
    if w.get(i) == Some(&b'.') {
        let (frac, n_frac) = digit_run(w, i + 1)?;
        if n_frac == 0 || n_int + n_frac > 19 {
            return None;
        }
        mantissa = int.wrapping_mul(POW10[n_frac]).wrapping_add(frac);
        scale = n_frac;
        i += 1 + n_frac;
    }
    if w.get(i..i + 2)? != b"\"]" {
        return None;
    }
    let v = decimal_value(mantissa, scale)?;
    Some((ms, if negative { -v } else { v }, i + 2))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn window(text: &str) -> [u8; WINDOW] {
        let mut w = [b' '; WINDOW];
        w[..text.len()].copy_from_slice(text.as_bytes());
        w
    }

    #[test]
    fn reads_the_prometheus_shape() {
        let (t, v, n) = sample_in(&window(r#"[1700000015,"47.839201837462514"],"#)).unwrap();
        assert_eq!((t, v.to_bits(), n), (1_700_000_015_000, 47.839201837462514f64.to_bits(), 33));
        let (t, v, _) = sample_in(&window(r#"[1718000015.5,"-0"]"#)).unwrap();
        assert_eq!((t, v.to_bits()), (1_718_000_015_500, (-0.0f64).to_bits()));
        let (t, v, _) = sample_in(&window(r#"[17180000.125,"1234567890123456789"]"#)).unwrap();
        assert_eq!((t, v), (17_180_000_125, 1234567890123456789.0));
        assert_eq!(sample_in(&window(r#"[123456789012,"0.5"]"#)).map(|s| s.0), Some(123_456_789_012_000));
    }

    #[test]
    fn leaves_everything_else_to_the_byte_reader() {
        for text in [
            r#"[1700000015,"NaN"]"#,
            r#"[1700000015,"+Inf"]"#,
            r#"[1700000015,"1e5"]"#,
            r#"[1700000015, "1"]"#,
            r#"[ 1700000015,"1"]"#,
            r#"[1700000015,"1" ]"#,
            r#"[1700000015,1]"#,
            r#"[1700000015,"1."]"#,
            r#"[1700000015,".5"]"#,
            r#"[1700000015,"-"]"#,
            r#"[1700000015,""]"#,
            r#"[1700000015,"1.2.3"]"#,
            r#"[1700000015,"12345678901234567890"]"#,
            r#"[1700000015,"0.0012345678901234567"]"#,
            r#"[1700000015,"1\"]"#,
            r#"[1700000015.,"1"]"#,
            r#"[1700000015.1234,"1"]"#,
            r#"[1700000015e0,"1"]"#,
            r#"[0170000001,"1"]"#,
            r#"[1700000,"1"]"#,
            r#"[1234567890123,"1"]"#,
            r#"[-1700000015,"1"]"#,
            r#"{1700000015,"1"]"#,
        ] {
            assert_eq!(sample_in(&window(text)), None, "input: {text}");
        }
    }

    #[test]
    fn eight_byte_steps_read_every_digit_run_length() {
        for n in 0..=19usize {
            let digits: String = (0..n).map(|k| char::from(b'1' + (k % 9) as u8)).collect();
            let mut w = window(&format!("{digits}\""));
            let (value, len) = digit_run(&w, 0).unwrap();
            assert_eq!(len, n);
            assert_eq!(value, digits.parse::<u64>().unwrap_or(0), "digits: {digits}");
            // A high byte after the run (0xFA carries when 6 is added) is not a digit either.
            w[n] = 0xFA;
            assert_eq!(digit_run(&w, 0).unwrap().1, n);
        }
    }

    use crate::core::prom::response::{parse_query_range, parse_query_range_general};
    use proptest::prelude::*;

    fn time_text() -> impl Strategy<Value = String> {
        prop_oneof![
            4 => (1_000_000_000i64..2_000_000_000).prop_map(|t| t.to_string()),
            2 => (0i64..1_000_000_000_000, 0u32..6).prop_map(|(t, d)| format!("{t}.{}", "7".repeat(d as usize))),
            1 => (0i64..100_000_000).prop_map(|t| t.to_string()),
            1 => prop_oneof![Just("1e9"), Just("-1700000000"), Just("01700000000"), Just("1700000000."), Just("9999999999999")].prop_map(str::to_string),
        ]
    }

    /// `m` with a decimal point `scale` places from the right, zero-padded in front.
    fn decimal(m: u64, scale: usize) -> String {
        let d = format!("{m:0>width$}", width = scale + 1);
        if scale == 0 {
            d
        } else {
            format!("{}.{}", &d[..d.len() - scale], &d[d.len() - scale..])
        }
    }

    fn value_text() -> impl Strategy<Value = String> {
        prop_oneof![
            4 => any::<f64>().prop_map(|v| v.to_string()),
            4 => (-1e3f64..1e3).prop_map(|v| v.to_string()),
            2 => (0u64..u64::MAX, 0usize..22).prop_map(|(m, scale)| decimal(m, scale)),
            1 => prop_oneof![Just("NaN"), Just("+Inf"), Just("1e-07"), Just("0.000000000000000000001"), Just("-"), Just(""), Just("-0"), Just("1.")].prop_map(str::to_string),
        ]
    }

    /// Frames as comparable text: NaN equals NaN, -0 differs from 0.
    fn text(r: &Result<crate::core::frame::Frame, crate::core::prom::PromError>) -> String {
        match r {
            Ok(f) => format!(
                "{:?}",
                f.series
                    .iter()
                    .map(|s| (s.times.clone(), s.values.iter().map(|v| v.to_bits()).collect::<Vec<_>>()))
                    .collect::<Vec<_>>()
            ),
            Err(e) => format!("error {e:?}"),
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// Whole answers whose samples go through the fast lane (trailing spaces keep every
        /// sample inside a full window) decode exactly as the serde decoder decodes them,
        /// also with one byte of a sample replaced.
        #[test]
        fn the_fast_lane_equals_the_general_decoder(samples in proptest::collection::vec((time_text(), value_text()), 1..6), flip in any::<prop::sample::Index>(), byte in any::<u8>(), damage in any::<bool>()) {
            let samples: Vec<String> = samples.iter().map(|(t, v)| format!("[{t},\"{v}\"]")).collect();
            let mut values = samples.join(",").into_bytes();
            if damage {
                let i = flip.index(values.len());
                values[i] = byte;
            }
            let mut body = br#"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":["#.to_vec();
            body.extend_from_slice(&values);
            body.extend_from_slice(br#"]}]}}"#);
            body.extend_from_slice(&[b' '; WINDOW]);
            let json = Some("application/json");
            let fast = parse_query_range(200, json, &body, 15_000);
            let general = parse_query_range_general(200, json, &body, 15_000);
            prop_assert_eq!(text(&fast), text(&general), "input: {}", String::from_utf8_lossy(&body));
        }
    }
}
