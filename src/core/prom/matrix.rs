//! The fast reader of the one answer that is large and frequent: a successful
//! `query_range` matrix. It scans the bytes once, straight into each series' time and
//! value vectors, with no intermediate sample list and no serde machinery.
//!
//! It only ever accepts what the general two-stage decoder (`wire.rs` + `response.rs`)
//! would decode to the very same frame, and gives up (`None`) on anything else: an error
//! envelope, warnings or infos, escaped strings, unknown or repeated keys, native
//! histograms, unusual numbers, malformed or truncated JSON, too many samples. The caller
//! then runs the general decoder, which produces the result or the error in words. Host
//! property tests compare both paths on generated and damaged answers.

use super::sample::{sample_in, WINDOW};
use crate::core::frame::{Frame, Series};
use std::collections::BTreeMap;

/// Reads a successful matrix answer into a frame with `step_ms`; `None` when the general
/// decoder must decide. `max_series` and `max_samples` are the size guards: exceeding
/// them also gives `None`, so the general decoder reports it.
pub fn read_matrix(body: &[u8], step_ms: i64, max_series: usize, max_samples: usize) -> Option<Frame> {
    let mut r = Reader { b: body, i: 0, hint: 0 };
    let mut status_ok = false;
    let mut series = None;
    r.ws();
    r.byte(b'{')?;
    let mut first = true;
    loop {
        r.ws();
        if r.peek()? == b'}' && first {
            r.i += 1;
            break;
        }
        first = false;
        let key = r.plain_string()?;
        r.ws();
        r.byte(b':')?;
        r.ws();
        match key {
            b"status" if !status_ok => {
                if r.plain_string()? != b"success" {
                    return None;
                }
                status_ok = true;
            }
            b"data" if series.is_none() => series = Some(r.data(max_series, max_samples)?),
            // Error fields, warnings, infos and unknown keys are for the general path.
            _ => return None,
        }
        r.ws();
        match r.next()? {
            b',' => continue,
            b'}' => break,
            _ => return None,
        }
    }
    r.ws();
    if r.i != r.b.len() || !status_ok {
        return None;
    }
    let mut series = series?;
    crate::core::sort::sort_by(&mut series, |a, b| a.labels.cmp(&b.labels));
    Some(Frame { series, step_ms, notices: Vec::new() })
}

/// Sample vectors are allocated in multiples of this many elements (512 bytes), so the
/// vectors of one refresh fit the blocks the previous refresh freed, although answers
/// differ by a few samples (B7: exact sizes left holes a few bytes too small).
const CAPACITY_STEP: usize = 64;

/// A cursor over the body. Its per-byte helpers are `inline(always)`: the release build
/// optimises for size (`opt-level = "z"`), which otherwise leaves them as calls per byte.
struct Reader<'a> {
    b: &'a [u8],
    i: usize,
    /// The previous series' sample count: series of one answer usually have equal lengths,
    /// so each series' vectors are allocated once at that size instead of grown by doubling.
    hint: usize,
}

impl<'a> Reader<'a> {
    #[inline(always)]
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    #[inline(always)]
    fn next(&mut self) -> Option<u8> {
        let c = self.peek()?;
        self.i += 1;
        Some(c)
    }

    #[inline(always)]
    fn byte(&mut self, want: u8) -> Option<()> {
        (self.next()? == want).then_some(())
    }

    /// Skips JSON whitespace.
    #[inline(always)]
    fn ws(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.peek() {
            self.i += 1;
        }
    }

    /// A string without escapes or control characters: its raw bytes between the quotes.
    #[inline(always)]
    fn plain_string(&mut self) -> Option<&'a [u8]> {
        self.byte(b'"')?;
        let start = self.i;
        let rest = self.b.get(start..)?;
        let len = rest.iter().position(|c| *c == b'"' || *c == b'\\' || *c < 0x20)?;
        if rest[len] != b'"' {
            return None;
        }
        self.i = start + len + 1;
        Some(&rest[..len])
    }

    /// A plain string as UTF-8 text.
    fn text(&mut self) -> Option<String> {
        std::str::from_utf8(self.plain_string()?).ok().map(str::to_string)
    }

    /// The `data` object: `resultType` must be `matrix`; `result` is read into series.
    fn data(&mut self, max_series: usize, max_samples: usize) -> Option<Vec<Series>> {
        self.byte(b'{')?;
        let (mut matrix, mut result) = (false, None);
        for _ in 0..2 {
            self.ws();
            let key = self.plain_string()?;
            self.ws();
            self.byte(b':')?;
            self.ws();
            match key {
                b"resultType" if !matrix => {
                    if self.plain_string()? != b"matrix" {
                        return None;
                    }
                    matrix = true;
                }
                b"result" if result.is_none() => result = Some(self.result(max_series, max_samples)?),
                _ => return None,
            }
            self.ws();
            if self.next()? != if matrix && result.is_some() { b'}' } else { b',' } {
                return None;
            }
        }
        result
    }

    /// The `result` array of matrix series.
    fn result(&mut self, max_series: usize, max_samples: usize) -> Option<Vec<Series>> {
        self.byte(b'[')?;
        let mut out = Vec::new();
        let mut samples = 0usize;
        self.ws();
        if self.peek()? == b']' {
            self.i += 1;
            return Some(out);
        }
        loop {
            self.ws();
            let (s, count) = self.series()?;
            samples += count;
            out.push(s);
            if out.len() > max_series || samples > max_samples {
                return None;
            }
            self.ws();
            match self.next()? {
                b',' => continue,
                b']' => return Some(out),
                _ => return None,
            }
        }
    }

    /// One `{"metric": {...}, "values": [...]}` object, keys in any order, and the number
    /// of samples it sent (before repeated times are dropped).
    fn series(&mut self) -> Option<(Series, usize)> {
        self.byte(b'{')?;
        let mut labels: Option<BTreeMap<String, String>> = None;
        let mut samples: Option<(Vec<i64>, Vec<f64>)> = None;
        self.ws();
        if self.peek()? == b'}' {
            self.i += 1;
            return Some((Series::default(), 0));
        }
        loop {
            self.ws();
            let key = self.plain_string()?;
            self.ws();
            self.byte(b':')?;
            self.ws();
            match key {
                b"metric" if labels.is_none() => labels = Some(self.labels()?),
                b"values" if samples.is_none() => samples = Some(self.values()?),
                _ => return None,
            }
            self.ws();
            match self.next()? {
                b',' => continue,
                b'}' => break,
                _ => return None,
            }
        }
        let (times, values) = samples.unwrap_or_default();
        let count = times.len();
        let mut series = Series { labels: labels.unwrap_or_default().into_iter().collect(), times, values };
        super::response::ascending(&mut series);
        Some((series, count))
    }

    /// A label object; a repeated name keeps its last value, as the general decoder does.
    fn labels(&mut self) -> Option<BTreeMap<String, String>> {
        self.byte(b'{')?;
        let mut map = BTreeMap::new();
        self.ws();
        if self.peek()? == b'}' {
            self.i += 1;
            return Some(map);
        }
        loop {
            self.ws();
            let k = self.text()?;
            self.ws();
            self.byte(b':')?;
            self.ws();
            let v = self.text()?;
            map.insert(k, v);
            self.ws();
            match self.next()? {
                b',' => continue,
                b'}' => return Some(map),
                _ => return None,
            }
        }
    }

    /// The number of `[` before the next `]]` (the end of a `values` array): the first
    /// series' sample count, so that its vectors are not grown by doubling either (each
    /// doubling left a freed block behind). An estimate only: it sizes, never decides.
    fn count_ahead(&self) -> usize {
        let rest = self.b.get(self.i..).unwrap_or_default();
        let end = rest.windows(2).position(|w| w == b"]]").unwrap_or(0);
        rest[..end].iter().filter(|&&c| c == b'[').count()
    }

    /// The `values` array of `[unix_seconds, "value"]` pairs.
    fn values(&mut self) -> Option<(Vec<i64>, Vec<f64>)> {
        self.byte(b'[')?;
        let expected = if self.hint > 0 { self.hint } else { self.count_ahead() };
        let capacity = expected.div_ceil(CAPACITY_STEP) * CAPACITY_STEP;
        let (mut times, mut values) = (Vec::with_capacity(capacity), Vec::with_capacity(capacity));
        self.ws();
        if self.peek()? == b']' {
            self.i += 1;
            return Some((times, values));
        }
        loop {
            self.ws();
            // Prometheus' own shape goes through the eight-bytes-at-a-time lane; anything
            // else (whitespace, odd numbers, the body's last few bytes) byte by byte.
            let window = self.b.get(self.i..).and_then(|rest| rest.get(..WINDOW)).and_then(|w| w.try_into().ok());
            if let Some((t, v, len)) = window.and_then(sample_in) {
                times.push(t);
                values.push(v);
                self.i += len;
            } else {
                self.byte(b'[')?;
                self.ws();
                times.push(self.seconds_as_ms()?);
                self.ws();
                self.byte(b',')?;
                self.ws();
                values.push(self.quoted_value()?);
                self.ws();
                self.byte(b']')?;
            }
            self.ws();
            match self.next()? {
                b',' => continue,
                b']' => {
                    self.hint = times.len();
                    return Some((times, values));
                }
                _ => return None,
            }
        }
    }

    /// A quoted sample value: plain decimals in one pass (`quoted_decimal`), anything else
    /// as a plain string read by `sample_value`.
    #[inline(always)]
    fn quoted_value(&mut self) -> Option<f64> {
        if self.peek() == Some(b'"') {
            if let Some((v, quote)) = quoted_decimal(self.b, self.i + 1) {
                self.i = quote + 1;
                return Some(v);
            }
        }
        sample_value(self.plain_string()?)
    }

    /// A JSON number of Unix seconds with at most 12 integer and 3 fraction digits (every
    /// real timestamp), as exact epoch ms; anything else gives up.
    #[inline(always)]
    fn seconds_as_ms(&mut self) -> Option<i64> {
        let negative = self.peek()? == b'-';
        if negative {
            self.i += 1;
        }
        let start = self.i;
        let mut whole: i64 = 0;
        while let Some(c @ b'0'..=b'9') = self.peek() {
            whole = whole * 10 + i64::from(c - b'0');
            self.i += 1;
            if self.i - start > 12 {
                return None;
            }
        }
        let digits = self.i - start;
        // JSON allows no empty integer part and no leading zero.
        if digits == 0 || (digits > 1 && self.b[start] == b'0') {
            return None;
        }
        let mut ms = whole * 1000;
        if self.peek() == Some(b'.') {
            self.i += 1;
            let mut scale = 100;
            let frac_start = self.i;
            while let Some(c @ b'0'..=b'9') = self.peek() {
                if scale == 0 {
                    return None;
                }
                ms += i64::from(c - b'0') * scale;
                scale /= 10;
                self.i += 1;
            }
            if self.i == frac_start {
                return None;
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            return None;
        }
        Some(if negative { -ms } else { ms })
    }
}

/// Powers of ten that `f64` holds exactly.
const EXACT_POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
    1e20, 1e21, 1e22,
];

/// The most fraction digits the table-driven path below takes.
const MAX_SCALE: usize = 31;

/// For each `s` in `0..=MAX_SCALE`, `5^-s` as a 128-bit fraction with its top bit set:
/// `floor(2^(z + 127) / 5^s) + 1` where `2^(z - 1) < 5^s < 2^z` (and `2^127` for `s = 0`),
/// as (high, low) halves. Computed at compile time by long division.
const POW5_INV: [(u64, u64); MAX_SCALE + 1] = pow5_inv_table();

const fn pow5_inv_table() -> [(u64, u64); MAX_SCALE + 1] {
    let mut table = [(1u64 << 63, 0u64); MAX_SCALE + 1];
    let mut s = 1;
    while s <= MAX_SCALE {
        let mut p: u128 = 1;
        let mut k = 0;
        while k < s {
            p *= 5;
            k += 1;
        }
        let z = 128 - p.leading_zeros();
        // Long division of 2^(z + 127) by p, one quotient bit at a time.
        let (mut rem, mut quot, mut step) = (1u128, 0u128, 0);
        while step < z + 127 {
            rem <<= 1;
            quot <<= 1;
            if rem >= p {
                rem -= p;
                quot |= 1;
            }
            step += 1;
        }
        quot += 1;
        table[s] = ((quot >> 64) as u64, quot as u64);
        s += 1;
    }
    table
}

/// `mantissa / 10^scale` correctly rounded (Eisel–Lemire with a table of `5^-scale`), for
/// `0 < mantissa < 2^64` and `scale <= MAX_SCALE`; `None` in the rare cases where the
/// 128-bit product cannot decide the rounding (the caller then uses the standard parser).
#[inline(always)]
fn decimal_to_f64(mantissa: u64, scale: usize) -> Option<f64> {
    let q = -(scale as i64);
    let lz = mantissa.leading_zeros();
    let w = mantissa << lz;
    let (t_hi, t_lo) = POW5_INV[scale];
    let first = u128::from(w) * u128::from(t_hi);
    let (mut hi, mut lo) = ((first >> 64) as u64, first as u64);
    // 55 bits of result are needed (52 stored + hidden + round + one for the shift); when
    // the bits below them are all ones, the low half of the table entry may carry into them.
    if hi & 0x1FF == 0x1FF {
        let second = u128::from(w) * u128::from(t_lo);
        let second_hi = (second >> 64) as u64;
        let (sum, carry) = lo.overflowing_add(second_hi);
        lo = sum;
        if carry {
            hi = hi.wrapping_add(1);
        }
    }
    if lo == u64::MAX {
        return None;
    }
    let upper = (hi >> 63) as i64;
    let shift = upper + 9;
    let mut m = hi >> shift;
    // floor(q * log2(10)) + 63, then biased.
    let mut power2 = (((152_170 + 65_536) * q) >> 16) + 63 + upper - i64::from(lz) + 1023;
    if power2 <= 0 || power2 >= 0x7FF {
        return None;
    }
    // An exact halfway case can only happen for tiny scales; ties go to even.
    if lo <= 1 && q >= -4 && m & 3 == 1 && (m << shift) == hi {
        m &= !1;
    }
    m += m & 1;
    m >>= 1;
    if m >= 2 << 52 {
        m = 1 << 52;
        power2 += 1;
    }
    m &= !(1 << 52);
    if power2 >= 0x7FF {
        return None;
    }
    Some(f64::from_bits(m | ((power2 as u64) << 52)))
}

/// `mantissa / 10^scale` correctly rounded, or `None` when only the standard parser can
/// say: one exact division when the digits fit in 53 bits and the power of ten is exact,
/// else the table-driven `decimal_to_f64`.
#[inline(always)]
pub(super) fn decimal_value(mantissa: u64, scale: usize) -> Option<f64> {
    if mantissa == 0 {
        Some(0.0)
    } else if mantissa < (1 << 53) && scale < EXACT_POW10.len() {
        Some(mantissa as f64 / EXACT_POW10[scale])
    } else if scale <= MAX_SCALE {
        decimal_to_f64(mantissa, scale)
    } else {
        None
    }
}

/// A plain decimal that starts at `b[i]` (just after an opening quote) and ends at the
/// closing quote, read in the same pass that finds that quote: its value and the quote's
/// index. Takes exactly what `sample_value` takes without the standard parser (an optional
/// `-`, digits with at most one inner `.`, at most 19 significant digits), with the same
/// result; `None` for anything else, which the caller then reads the general way.
#[inline(always)]
fn quoted_decimal(b: &[u8], mut i: usize) -> Option<(f64, usize)> {
    let negative = b.get(i) == Some(&b'-');
    if negative {
        i += 1;
    }
    let start = i;
    let mut mantissa: u64 = 0;
    let mut significant = 0usize;
    let mut dot: Option<usize> = None;
    loop {
        match *b.get(i)? {
            c @ b'0'..=b'9' if significant < 19 => {
                mantissa = mantissa * 10 + u64::from(c - b'0');
                if mantissa != 0 {
                    significant += 1;
                }
            }
            b'.' if dot.is_none() && i > start => dot = Some(i),
            b'"' => break,
            _ => return None,
        }
        i += 1;
    }
    if i == start || dot == Some(i - 1) {
        return None;
    }
    let v = decimal_value(mantissa, dot.map_or(0, |d| i - d - 1))?;
    Some((if negative { -v } else { v }, i))
}

/// A sample value from its string, exactly as `str::parse::<f64>` after `trim` reads it.
/// Plain decimals (an optional `-`, digits, at most one inner `.`) with at most 19
/// significant digits are read here: one exact division when the digits fit in 53 bits
/// (correctly rounded, so equal to the standard parser), else the table-driven
/// `decimal_to_f64` (the 17-digit shortest form of most doubles). Everything else ("NaN",
/// "+Inf", exponents, longer mantissas) goes to the standard parser.
#[inline(always)]
fn sample_value(s: &[u8]) -> Option<f64> {
    let (negative, digits) = match s.first() {
        Some(b'-') => (true, &s[1..]),
        _ => (false, s),
    };
    let mut mantissa: u64 = 0;
    let mut significant = 0usize;
    let mut fraction: Option<usize> = None;
    let mut simple = !digits.is_empty();
    for (k, c) in digits.iter().enumerate() {
        match c {
            b'0'..=b'9' if significant < 19 => {
                mantissa = mantissa * 10 + u64::from(c - b'0');
                // Leading zeros do not count: "0.000123" has three significant digits.
                if mantissa != 0 {
                    significant += 1;
                }
            }
            b'.' if fraction.is_none() && k > 0 && k + 1 < digits.len() => fraction = Some(k + 1),
            _ => {
                simple = false;
                break;
            }
        }
    }
    if simple {
        let scale = fraction.map_or(0, |f| digits.len() - f);
        if let Some(v) = decimal_value(mantissa, scale) {
            return Some(if negative { -v } else { v });
        }
    }
    std::str::from_utf8(s).ok()?.trim().parse::<f64>().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sample_values_equal_the_standard_parser() {
        for text in [
            "0", "-0", "1", "0.25", "1e-07", "NaN", "+Inf", "-Inf", "123.45678901234567", "50.12345678901234",
            "9007199254740993", "0.1", "-17.5", " 2.5 ", "1.", ".5", "+1.5", "00.5", "1.7976931348623157e308",
        ] {
            let standard = text.trim().parse::<f64>().ok();
            let fast = sample_value(text.as_bytes());
            assert_eq!(fast.map(f64::to_bits), standard.map(f64::to_bits), "input: {text:?}");
        }
        assert_eq!(sample_value(b"x"), None);
        assert_eq!(sample_value(b""), None);
    }

    /// A small deterministic generator (xorshift64*) for the bulk comparison below.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
        }

        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }
    }

    /// `digits` with a decimal point `scale` places from the right (zero-padded), optionally negative.
    fn decimal(mantissa: u64, scale: usize, negative: bool) -> String {
        let mut d = mantissa.to_string();
        if scale > 0 {
            if d.len() <= scale {
                d = format!("{}{d}", "0".repeat(scale + 1 - d.len()));
            }
            d.insert(d.len() - scale, '.');
        }
        if negative {
            d.insert(0, '-');
        }
        d
    }

    #[test]
    fn sample_values_equal_the_standard_parser_bit_for_bit_on_millions_of_decimals() {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        let (mut checked, mut table_path, mut one_pass) = (0usize, 0usize, 0usize);
        for i in 0..1_500_000u64 {
            let negative = rng.below(4) == 0;
            let text = match i % 6 {
                // The shortest form of an arbitrary double (Rust writes it without an
                // exponent: huge integers, subnormals as long zero runs).
                0 => {
                    let v = f64::from_bits(rng.next());
                    if !v.is_finite() {
                        continue;
                    }
                    v.to_string()
                }
                // 17 significant digits at any scale the table covers and a little past it.
                1 => decimal(10u64.pow(16) + rng.below(9 * 10u64.pow(16)), rng.below(36) as usize, negative),
                // Any mantissa up to 19 digits.
                2 => decimal(rng.next() % 10u64.pow(19), rng.below(36) as usize, negative),
                // Integers and short fractions of 54–64 bits: half of them are exact ties.
                3 => decimal(rng.next() >> rng.below(11), rng.below(5) as usize, negative),
                // A random walk's values as JavaScript prints them (the benchmark's shape).
                4 => (rng.below(1 << 53) as f64 / (1u64 << 53) as f64 * 100.0).to_string(),
                // Doubles in a metric's usual range, shortest form.
                _ => (f64::from_bits(rng.next()) % 1e9).abs().to_string(),
            };
            let fast = sample_value(text.as_bytes());
            let standard = text.parse::<f64>().ok();
            assert_eq!(fast.map(f64::to_bits), standard.map(f64::to_bits), "input: {text:?}");
            // The one-pass reader of a quoted value agrees wherever it answers.
            let quoted = format!("{text}\"");
            if let Some((v, quote)) = quoted_decimal(quoted.as_bytes(), 0) {
                assert_eq!(Some(v.to_bits()), standard.map(f64::to_bits), "quoted input: {text:?}");
                assert_eq!(quote, text.len(), "quoted input: {text:?}");
                one_pass += 1;
            }
            checked += 1;
            let t = text.trim_start_matches('-');
            let scale = t.find('.').map_or(0, |p| t.len() - p - 1);
            let m: Option<u64> = t.replace('.', "").parse().ok();
            if let Some(m) = m.filter(|m| *m >= 1 << 53 && scale <= MAX_SCALE) {
                if decimal_to_f64(m, scale).is_some() {
                    table_path += 1;
                }
            }
        }
        assert!(checked > 1_400_000, "{checked}");
        // The table path decides nearly every long decimal itself (it gives up only when
        // the product's low bits are all ones).
        eprintln!("checked {checked}, table path {table_path}, one pass {one_pass}");
        assert!(one_pass > 1_000_000, "{one_pass}");
        assert!(table_path > 700_000, "{table_path}");
    }

    #[test]
    fn the_table_path_rounds_ties_and_carries_like_the_standard_parser() {
        for text in [
            "9007199254740993", "9007199254740995", "18014398509481985", "18446744073709551615",
            "1844674407370955161.5", "123.45678901234567", "0.30000000000000004", "99999999999999999.99",
            "0.0000000000000000000000000000001", "1.0000000000000000000000000000001",
            "0.1234567890123456789", "47.839201837462514", "9999999999999999999",
        ] {
            let fast = sample_value(text.as_bytes());
            assert_eq!(fast.map(f64::to_bits), text.parse::<f64>().ok().map(f64::to_bits), "input: {text:?}");
            let quoted = format!("{text}\"");
            // Past 19 significant digits the one-pass reader leaves the value to `sample_value`.
            if let Some((v, _)) = quoted_decimal(quoted.as_bytes(), 0) {
                assert_eq!(Some(v.to_bits()), fast.map(f64::to_bits), "quoted input: {text:?}");
            }
        }
        for text in ["", "-", "-.5", ".5", "1.", "1..2", "+1", "1e5", "NaN", " 1", "12345678901234567890", "1\\"] {
            let quoted = format!("{text}\"");
            assert_eq!(quoted_decimal(quoted.as_bytes(), 0), None, "quoted input: {text:?}");
        }
        assert_eq!(quoted_decimal(b"12", 0), None, "no closing quote");
    }

    #[test]
    fn reads_the_plain_prometheus_shape() {
        let body = br#"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"job":"b"},"values":[[1718000000,"1"],[1718000015.5,"NaN"]]},{"metric":{"job":"a"},"values":[]}]}}"#;
        let f = read_matrix(body, 15_000, 10, 10).expect("the fast path takes it");
        assert_eq!(f.series.len(), 2);
        assert_eq!(f.series[0].labels, vec![("job".to_string(), "a".to_string())]);
        assert_eq!(f.series[1].times, vec![1_718_000_000_000, 1_718_000_015_500]);
        assert!(f.series[1].values[1].is_nan());
    }

    #[test]
    fn gives_up_on_what_the_general_decoder_must_judge() {
        for body in [
            r#"{"status":"error","errorType":"bad_data","error":"x"}"#,
            r#"{"status":"success","warnings":["w"],"data":{"resultType":"matrix","result":[]}}"#,
            r#"{"status":"success","data":{"resultType":"vector","result":[]}}"#,
            r#"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"a\"":"b"},"values":[]}]}}"#,
            r#"{"status":"success","data":{"resultType":"matrix","result":[{"values":[[1e3,"1"]]}]}}"#,
            r#"{"status":"success","data":{"resultType":"matrix","result":[{"values":[[1.0004,"1"]]}]}}"#,
            r#"{"status":"success","data":{"resultType":"matrix","result":[{"histograms":[]}]}}"#,
            r#"{"status":"success","data":{"resultType":"matrix","result":[]}} x"#,
            r#"{"status":"success","status":"success","data":{"resultType":"matrix","result":[]}}"#,
            r#"{"status":"success","data":{"resultType":"matrix","result":[{"values":[[1,"1"],[2,"2"]]}]}}"#,
            r#"{"status":"success","data":{"resultType":"matrix","result":[{"values":[[1,"1"]"#,
        ] {
            assert!(read_matrix(body.as_bytes(), 15_000, 10, 1).is_none(), "input: {body}");
        }
    }

    use crate::core::prom::response::{parse_query_range, parse_query_range_general};
    use proptest::prelude::*;

    /// Frames as comparable text: NaN equals NaN, -0 differs from 0.
    fn text(r: &Result<Frame, crate::core::prom::PromError>) -> String {
        match r {
            Ok(f) => format!(
                "{} {:?} {:?}",
                f.step_ms,
                f.notices,
                f.series
                    .iter()
                    .map(|s| (s.labels.clone(), s.times.clone(), s.values.iter().map(|v| v.to_bits()).collect::<Vec<_>>()))
                    .collect::<Vec<_>>()
            ),
            Err(e) => format!("error {e:?}"),
        }
    }

    fn value_text() -> impl Strategy<Value = String> {
        prop_oneof![
            4 => any::<f64>().prop_map(|v| v.to_string()),
            4 => (-1e6f64..1e6).prop_map(|v| v.to_string()),
            2 => (0u64..1_000_000_000_000_000_000).prop_map(|m| format!("{}.{}", m / 1000, m % 1000)),
            1 => any::<f64>().prop_map(|v| format!("{v:e}")),
            1 => prop_oneof![Just("NaN"), Just("+Inf"), Just("-Inf"), Just("1e-07"), Just(" 1"), Just("x"), Just(""), Just("-0")].prop_map(str::to_string),
        ]
    }

    fn time_text() -> impl Strategy<Value = String> {
        prop_oneof![
            6 => (1_700_000_000i64..1_700_000_100).prop_map(|t| t.to_string()),
            2 => (1_700_000_000i64..1_700_000_100, 0u32..4).prop_map(|(t, d)| format!("{t}.{}", "5".repeat(d as usize + 1))),
            1 => prop_oneof![Just("1e9"), Just("-3.25"), Just("0"), Just("01"), Just("1."), Just("\"1\"")].prop_map(str::to_string),
        ]
    }

    fn label_text() -> impl Strategy<Value = String> {
        prop_oneof![
            6 => "[a-z_]{1,6}".prop_map(|s| s),
            1 => any::<String>(),
            1 => prop_oneof![Just("a\"b"), Just("é"), Just("<script>"), Just("tab\t")].prop_map(str::to_string),
        ]
    }

    /// A query_range answer: series of labels and samples, with optional whitespace,
    /// key order, extras and damage.
    fn body() -> impl Strategy<Value = String> {
        let series = proptest::collection::vec(
            (
                proptest::collection::vec((label_text(), label_text()), 0..4),
                proptest::collection::vec((time_text(), value_text()), 0..6),
                any::<bool>(),
            ),
            0..4,
        );
        (series, any::<bool>(), any::<bool>(), 0u8..8).prop_map(|(series, spaced, swapped, extra)| {
            let sp = if spaced { " " } else { "" };
            let parts: Vec<String> = series
                .iter()
                .map(|(labels, samples, values_first)| {
                    let labels: Vec<String> = labels
                        .iter()
                        .map(|(k, v)| format!("{}:{sp}{}", serde_json::to_string(k).unwrap(), serde_json::to_string(v).unwrap()))
                        .collect();
                    let samples: Vec<String> = samples
                        .iter()
                        .map(|(t, v)| format!("[{sp}{t},{sp}{}]", serde_json::to_string(v).unwrap()))
                        .collect();
                    let metric = format!("\"metric\":{sp}{{{}}}", labels.join(","));
                    let values = format!("\"values\":[{}]", samples.join(&format!(",{sp}")));
                    if *values_first { format!("{{{values},{sp}{metric}}}") } else { format!("{{{metric},{sp}{values}}}") }
                })
                .collect();
            let data = format!("{{\"resultType\":{sp}\"matrix\",\"result\":[{}]}}", parts.join(","));
            let extra = match extra {
                0 => ",\"warnings\":[\"w\"]",
                1 => ",\"isPartial\":true",
                2 => ",\"other\":1",
                _ => "",
            };
            if swapped {
                format!("{sp}{{\"data\":{sp}{data},\"status\":\"success\"{extra}}}\n")
            } else {
                format!("{{\"status\":\"success\",{sp}\"data\":{data}{extra}}}")
            }
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(600))]

        #[test]
        fn fast_reader_equals_the_general_decoder(body in body(), cut in any::<prop::sample::Index>(), flip in any::<prop::sample::Index>(), byte in any::<u8>(), damage in 0u8..4) {
            let mut bytes = body.into_bytes();
            match damage {
                0 if !bytes.is_empty() => bytes.truncate(cut.index(bytes.len())),
                1 if !bytes.is_empty() => {
                    let i = flip.index(bytes.len());
                    bytes[i] = byte;
                }
                _ => {}
            }
            let json = Some("application/json");
            let fast = parse_query_range(200, json, &bytes, 15_000);
            let general = parse_query_range_general(200, json, &bytes, 15_000);
            prop_assert_eq!(text(&fast), text(&general), "input: {}", String::from_utf8_lossy(&bytes));
        }

        #[test]
        fn fast_reader_takes_plain_answers(series in proptest::collection::vec(proptest::collection::vec(-1e9f64..1e9, 0..50), 0..5)) {
            let parts: Vec<String> = series.iter().enumerate().map(|(k, vs)| {
                let samples: Vec<String> = vs.iter().enumerate().map(|(i, v)| format!("[{},\"{v}\"]", 1_700_000_000 + 15 * i)).collect();
                format!("{{\"metric\":{{\"job\":\"j{k}\"}},\"values\":[{}]}}", samples.join(","))
            }).collect();
            let body = format!("{{\"status\":\"success\",\"data\":{{\"resultType\":\"matrix\",\"result\":[{}]}}}}", parts.join(","));
            let fast = read_matrix(body.as_bytes(), 15_000, 10, 1000);
            prop_assert!(fast.is_some(), "the fast path refused: {}", body);
            let general = parse_query_range_general(200, Some("application/json"), body.as_bytes(), 15_000);
            prop_assert_eq!(text(&Ok(fast.unwrap())), text(&general));
        }
    }
}
