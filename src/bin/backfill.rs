//! Writes the demo datasource's recent history as OpenMetrics text for
//! `promtool tsdb create-blocks-from openmetrics`, so end-to-end tests can query a real
//! Prometheus holding the same shop the `demo` datasource simulates.
//!
//! ```sh
//! cargo run --release --bin backfill -- --out data.om --hours 6 --end-ms 1763880000000
//! promtool tsdb create-blocks-from openmetrics data.om prom-data/
//! ```
//!
//! Every value comes from `napkin::core::demo::evaluate` with raw queries (no range
//! function, no aggregation) at a 15 s step, the demo's scrape interval, with the demo's
//! default seed. The output obeys the backfill rules (telemetry-apis.md §6): metadata
//! before samples, `# EOF` last, Unix-second timestamps, family → series → time order,
//! counters named `<family>_total`, histogram `le` values in canonical form (`"1.0"`,
//! `"+Inf"`) with `_count` equal to the `+Inf` bucket. A gauge with hostile label values
//! (`shop_hostile_info`) is added for XSS tests; it is not part of the demo.
//!
//! On wasm32 this is an empty stub, so wasm builds of every target keep compiling.

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    if let Err(e) = host::main() {
        eprintln!("backfill: error: {e}");
        std::process::exit(2);
    }
}

#[cfg(not(target_arch = "wasm32"))]
mod host {
    use napkin::core::demo::{self, model, DEFAULT_SEED, MAX_POINTS};
    use napkin::core::frame::Series;
    use napkin::core::query::{MetricQuery, Query};
    use napkin::core::time::TimeRange;
    use std::fmt::Write as _;
    use std::io::Write as _;
    use std::time::{Instant, SystemTime, UNIX_EPOCH};

    const USAGE: &str = "usage: backfill --out FILE|- [--hours H] [--end-ms EPOCH_MS] [--step-s S] [--seed N]
  --out     where to write the OpenMetrics text (- for stdout)
  --hours   hours of history ending at --end-ms (default 6)
  --end-ms  last instant, epoch ms UTC (default: now minus 5 minutes)
  --step-s  sample spacing in seconds (default 15, the demo's scrape interval)
  --seed    demo seed (default 42, the one dashboards use)";

    /// The hostile label values of `shop_hostile_info{name=...}`, for XSS tests.
    pub const HOSTILE_NAMES: [&str; 3] = [
        "<script>alert(1)</script>",
        "\"><img src=x onerror=alert(1)>",
        "back\\slash \"quoted\"\nnew line & <b>bold</b>",
    ];

    #[derive(Debug, Clone, PartialEq)]
    pub struct Args {
        pub out: String,
        pub hours: f64,
        pub end_ms: Option<i64>,
        pub step_s: i64,
        pub seed: u64,
    }

    pub fn parse_args(args: &[String]) -> Result<Args, String> {
        let mut a = Args { out: String::new(), hours: 6.0, end_ms: None, step_s: 15, seed: DEFAULT_SEED };
        let mut it = args.iter();
        while let Some(flag) = it.next() {
            let mut value = |name: &str| {
                it.next().cloned().ok_or_else(|| format!("{name} needs a value\n{USAGE}"))
            };
            let bad = |name: &str, v: &str| format!("bad {name} value \"{v}\"\n{USAGE}");
            match flag.as_str() {
                "--out" => a.out = value("--out")?,
                "--hours" => {
                    let v = value("--hours")?;
                    a.hours = v.parse().ok().filter(|h: &f64| *h > 0.0 && *h <= 24.0 * 400.0).ok_or_else(|| bad("--hours", &v))?;
                }
                "--end-ms" => {
                    let v = value("--end-ms")?;
                    a.end_ms = Some(v.parse().ok().filter(|t: &i64| *t > 0).ok_or_else(|| bad("--end-ms", &v))?);
                }
                "--step-s" => {
                    let v = value("--step-s")?;
                    a.step_s = v.parse().ok().filter(|s: &i64| *s > 0).ok_or_else(|| bad("--step-s", &v))?;
                }
                "--seed" => {
                    let v = value("--seed")?;
                    a.seed = v.parse().map_err(|_| bad("--seed", &v))?;
                }
                "-h" | "--help" => return Err(USAGE.to_string()),
                other => return Err(format!("unknown argument \"{other}\"\n{USAGE}")),
            }
        }
        if a.out.is_empty() {
            return Err(format!("--out is required\n{USAGE}"));
        }
        Ok(a)
    }

    /// What was written, for the summary line.
    #[derive(Debug, Default, Clone, PartialEq)]
    pub struct Stats {
        pub series: usize,
        pub samples: usize,
        pub from_ms: i64,
        pub to_ms: i64,
    }

    pub fn main() -> Result<(), String> {
        let args: Vec<String> = std::env::args().skip(1).collect();
        let a = parse_args(&args)?;
        let end_ms = match a.end_ms {
            Some(t) => t,
            None => {
                let now = SystemTime::now().duration_since(UNIX_EPOCH).map_err(|e| e.to_string())?;
                now.as_millis() as i64 - 5 * 60_000
            }
        };
        let started = Instant::now();
        let mut text = String::with_capacity(64 << 20);
        let stats = generate(&mut text, end_ms, a.hours, a.step_s * 1000, a.seed)?;
        let generated = started.elapsed();
        if a.out == "-" {
            std::io::stdout().lock().write_all(text.as_bytes()).map_err(|e| e.to_string())?;
        } else {
            std::fs::write(&a.out, text.as_bytes()).map_err(|e| format!("cannot write {}: {e}", a.out))?;
        }
        eprintln!(
            "backfill: {} series, {} samples, {} bytes, {} .. {} (epoch s), generated in {:.2} s, written in {:.2} s",
            stats.series,
            stats.samples,
            text.len(),
            stats.from_ms / 1000,
            stats.to_ms / 1000,
            generated.as_secs_f64(),
            (started.elapsed() - generated).as_secs_f64(),
        );
        Ok(())
    }

    /// Appends the whole OpenMetrics document for `hours` ending at `end_ms` (aligned down to
    /// the step) to `out`.
    pub fn generate(out: &mut String, end_ms: i64, hours: f64, step_ms: i64, seed: u64) -> Result<Stats, String> {
        let to = end_ms.div_euclid(step_ms) * step_ms;
        let from = to - ((hours * 3_600_000.0) as i64).div_euclid(step_ms) * step_ms;
        let mut st = Stats { from_ms: from, to_ms: to, ..Stats::default() };
        let raw = |metric: &str| raw_series(metric, from, to, step_ms, seed);

        family(out, "shop_http_requests", "counter", None, "HTTP requests served, by service, endpoint and status.");
        write_series(out, &raw(model::REQUESTS_TOTAL)?, &mut st);

        let base = model::DURATION;
        family(out, base, "histogram", Some("seconds"), "HTTP request duration.");
        let buckets = raw(model::DURATION_BUCKET)?;
        let sums = raw(model::DURATION_SUM)?;
        let counts = raw(model::DURATION_COUNT)?;
        // One histogram (endpoint) at a time: its buckets by ascending le, then _sum, _count.
        for (sum, count) in sums.iter().zip(&counts) {
            let key = without(&count.labels, &["__name__"]);
            if without(&sum.labels, &["__name__"]) != key {
                return Err(format!("demo _sum and _count series disagree: {:?} vs {:?}", sum.labels, count.labels));
            }
            let mut own: Vec<(f64, Series)> = buckets
                .iter()
                .filter(|b| without(&b.labels, &["__name__", "le"]) == key)
                .map(|b| {
                    let le = b.label("le").unwrap_or_default();
                    let bound = le.parse::<f64>().map_err(|_| format!("bad le \"{le}\" in the demo"))?;
                    let mut b = b.clone();
                    for (k, v) in b.labels.iter_mut() {
                        if k == "le" {
                            *v = canonical_number(bound);
                        }
                    }
                    Ok((bound, b))
                })
                .collect::<Result<_, String>>()?;
            own.sort_by(|a, b| a.0.total_cmp(&b.0));
            let Some((top, inf)) = own.last() else {
                return Err(format!("no buckets for {key:?}"));
            };
            if *top != f64::INFINITY {
                return Err(format!("no le=\"+Inf\" bucket for {key:?}"));
            }
            // The rules require _count to equal the +Inf bucket; the demo guarantees it.
            for (c, i) in count.values.iter().zip(&inf.values) {
                if (c - i).abs() > 1e-9 * c.abs().max(1.0) {
                    return Err(format!("demo _count {c} differs from its +Inf bucket {i} for {key:?}"));
                }
            }
            let mut count = count.clone();
            count.values.clone_from(&inf.values);
            let own: Vec<Series> = own.into_iter().map(|(_, s)| s).collect();
            write_series(out, &own, &mut st);
            write_series(out, std::slice::from_ref(sum), &mut st);
            write_series(out, std::slice::from_ref(&count), &mut st);
        }

        family(out, model::DEPENDENCY_UP, "gauge", None, "1 when the service can reach the dependency, 0 when it cannot.");
        write_series(out, &raw(model::DEPENDENCY_UP)?, &mut st);

        family(out, model::KAFKA_LAG, "gauge", None, "Messages the Kafka consumer group is behind.");
        write_series(out, &raw(model::KAFKA_LAG)?, &mut st);

        // Not part of the demo: label values that must always be shown as text, never HTML.
        family(out, "shop_hostile_info", "gauge", None, "Hostile label values for XSS tests (always 1).");
        let steps = ((to - from) / step_ms + 1) as usize;
        let times: Vec<i64> = (0..steps as i64).map(|k| from + k * step_ms).collect();
        let hostile: Vec<Series> = HOSTILE_NAMES
            .iter()
            .map(|n| Series {
                labels: vec![("__name__".into(), "shop_hostile_info".into()), ("name".into(), n.to_string())],
                times: times.clone(),
                values: vec![1.0; steps],
            })
            .collect();
        write_series(out, &hostile, &mut st);

        out.push_str("# EOF\n");
        Ok(st)
    }

    /// Every raw series of `metric` from `from` to `to` inclusive, evaluated by the demo in
    /// chunks under its point cap and stitched together.
    fn raw_series(metric: &str, from: i64, to: i64, step_ms: i64, seed: u64) -> Result<Vec<Series>, String> {
        let query = Query::Metric(MetricQuery { metric: metric.into(), ..Default::default() });
        let chunk = (MAX_POINTS as i64 - 1) * step_ms;
        let mut all: Vec<Series> = Vec::new();
        let mut start = from;
        while start <= to {
            let end = (start + chunk - step_ms).min(to);
            // TimeRange needs from < to; a one-point chunk asks for a 1 ms longer range.
            let range = TimeRange::new(start, end.max(start + 1)).ok_or("empty range")?;
            let frame = demo::evaluate(&query, range, step_ms, seed).map_err(|e| format!("{metric}: {e}"))?;
            if all.is_empty() {
                all = frame.series.iter().map(|s| Series { labels: s.labels.clone(), ..Series::default() }).collect();
            } else if all.len() != frame.series.len() {
                return Err(format!("{metric}: series count changed between chunks"));
            }
            for (acc, s) in all.iter_mut().zip(frame.series) {
                if acc.labels != s.labels {
                    return Err(format!("{metric}: series order changed between chunks"));
                }
                for (t, v) in s.times.into_iter().zip(s.values) {
                    if t >= start && t <= end {
                        acc.times.push(t);
                        acc.values.push(v);
                    }
                }
            }
            start = end + step_ms;
        }
        Ok(all)
    }

    fn without(labels: &[(String, String)], drop: &[&str]) -> Vec<(String, String)> {
        labels.iter().filter(|(k, _)| !drop.contains(&k.as_str())).cloned().collect()
    }

    fn family(out: &mut String, name: &str, kind: &str, unit: Option<&str>, help: &str) {
        let _ = writeln!(out, "# TYPE {name} {kind}");
        if let Some(u) = unit {
            let _ = writeln!(out, "# UNIT {name} {u}");
        }
        let _ = writeln!(out, "# HELP {name} {help}");
    }

    /// Writes each series' samples, one series after the other, times ascending.
    fn write_series(out: &mut String, series: &[Series], st: &mut Stats) {
        for s in series {
            let mut head = String::new();
            head.push_str(s.label("__name__").unwrap_or("unnamed"));
            let mut first = true;
            for (k, v) in s.labels.iter().filter(|(k, _)| k != "__name__") {
                head.push(if first { '{' } else { ',' });
                first = false;
                head.push_str(k);
                head.push_str("=\"");
                escape_label_value(&mut head, v);
                head.push('"');
            }
            if !first {
                head.push('}');
            }
            for (t, v) in s.times.iter().zip(&s.values) {
                out.push_str(&head);
                out.push(' ');
                push_value(out, *v);
                out.push(' ');
                push_seconds(out, *t);
                out.push('\n');
            }
            st.series += 1;
            st.samples += s.times.len();
        }
    }

    /// Label value escaping: backslash, double quote and line feed.
    pub fn escape_label_value(out: &mut String, v: &str) {
        for c in v.chars() {
            match c {
                '\\' => out.push_str("\\\\"),
                '"' => out.push_str("\\\""),
                '\n' => out.push_str("\\n"),
                c => out.push(c),
            }
        }
    }

    /// A sample value: shortest round-trip decimal, `NaN`, `+Inf` or `-Inf`.
    pub fn push_value(out: &mut String, v: f64) {
        if v.is_nan() {
            out.push_str("NaN");
        } else if v.is_infinite() {
            out.push_str(if v > 0.0 { "+Inf" } else { "-Inf" });
        } else {
            let _ = write!(out, "{v}");
        }
    }

    /// Epoch milliseconds as OpenMetrics Unix seconds (`1718000000` or `1718000000.5`).
    pub fn push_seconds(out: &mut String, ms: i64) {
        let (s, frac) = (ms.div_euclid(1000), ms.rem_euclid(1000));
        if frac == 0 {
            let _ = write!(out, "{s}");
        } else {
            let f = format!("{frac:03}");
            let _ = write!(out, "{s}.{}", f.trim_end_matches('0'));
        }
    }

    /// The canonical OpenMetrics spelling of an `le`/`quantile` bound: `0.005`, `1.0`,
    /// `10.0`, `+Inf`.
    pub fn canonical_number(v: f64) -> String {
        if v == f64::INFINITY {
            "+Inf".into()
        } else if v == f64::NEG_INFINITY {
            "-Inf".into()
        } else if v.is_finite() && v == v.trunc() && v.abs() < 1e15 {
            format!("{v:.1}")
        } else {
            format!("{v}")
        }
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::host::*;
    use std::collections::HashSet;

    const END: i64 = 1_763_880_000_000;

    fn doc(hours: f64) -> (String, Stats) {
        let mut s = String::new();
        let st = generate(&mut s, END, hours, 15_000, 42).unwrap();
        (s, st)
    }

    fn sample_lines(text: &str) -> Vec<&str> {
        text.lines().filter(|l| !l.starts_with('#')).collect()
    }

    /// Splits `name{labels} value ts` into (series, value, ts); label values here hold no spaces
    /// except the hostile ones, so split from the right.
    fn parts(line: &str) -> (&str, &str, &str) {
        let mut it = line.rsplitn(3, ' ');
        let ts = it.next().unwrap();
        let v = it.next().unwrap();
        (it.next().unwrap(), v, ts)
    }

    #[test]
    fn document_obeys_the_backfill_rules() {
        let (text, st) = doc(1.0);
        assert!(text.ends_with("\n# EOF\n"));
        assert_eq!(text.matches("# EOF").count(), 1);
        assert!(!text.contains('\r'));
        for l in text.lines().filter(|l| l.starts_with('#')) {
            assert!(l.starts_with("# TYPE ") || l.starts_with("# HELP ") || l.starts_with("# UNIT ") || l == "# EOF", "{l}");
        }
        // 78 request series, 13 × (12 buckets + sum + count), 10 dependencies, 2 groups, 3 hostile.
        assert_eq!(st.series, 78 + 13 * 14 + 10 + 2 + 3);
        assert_eq!(st.samples, st.series * 241);
        // Family → series → time: a series never reappears after another started, and its
        // timestamps rise by the step.
        let mut seen = HashSet::new();
        let mut current = "";
        let mut last_ts = 0i64;
        for l in sample_lines(&text) {
            let (series, value, ts) = parts(l);
            let ts: i64 = ts.parse().expect("integer seconds at a 15 s step");
            assert!(ts >= (END - 3_600_000) / 1000 && ts <= END / 1000, "{ts} outside the window");
            assert!(value.parse::<f64>().is_ok() || ["NaN", "+Inf", "-Inf"].contains(&value), "{l}");
            if series != current {
                assert!(seen.insert(series.to_string()), "series {series} interleaved");
                current = series;
            } else {
                assert_eq!(ts, last_ts + 15, "{l}");
            }
            last_ts = ts;
        }
        assert!(text.contains("shop_http_requests_total{endpoint=\"/api/items\",service=\"gateway\",status=\"200\"} "));
        assert!(!text.contains("shop_http_requests{"));
        assert!(text.contains("# TYPE shop_http_requests counter\n"));
    }

    #[test]
    fn histogram_buckets_are_canonical_sorted_and_count_is_the_inf_bucket() {
        let (text, _) = doc(0.5);
        let lines = sample_lines(&text);
        let les: Vec<&str> = lines
            .iter()
            .filter(|l| l.starts_with("shop_http_request_duration_seconds_bucket{endpoint=\"/api/cart\",le="))
            .map(|l| l.split("le=\"").nth(1).unwrap().split('"').next().unwrap())
            .collect::<Vec<_>>()
            .chunks(121)
            .map(|c| c[0])
            .collect();
        assert_eq!(les, ["0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1.0", "2.5", "5.0", "10.0", "+Inf"]);
        let values = |prefix: &str| -> Vec<f64> {
            lines.iter().filter(|l| l.starts_with(prefix)).map(|l| parts(l).1.parse().unwrap()).collect()
        };
        let inf = values("shop_http_request_duration_seconds_bucket{endpoint=\"/api/cart\",le=\"+Inf\",service=\"gateway\"}");
        let count = values("shop_http_request_duration_seconds_count{endpoint=\"/api/cart\",service=\"gateway\"}");
        let sum = values("shop_http_request_duration_seconds_sum{endpoint=\"/api/cart\",service=\"gateway\"}");
        assert_eq!(inf.len(), 121);
        assert_eq!(inf, count);
        assert_eq!(sum.len(), 121);
        // Cumulative: each bucket is at most the next one at the same instant.
        let b = |le: &str| values(&format!("shop_http_request_duration_seconds_bucket{{endpoint=\"/api/cart\",le=\"{le}\""));
        let (small, big) = (b("0.1"), b("0.25"));
        assert!(small.iter().zip(&big).all(|(s, g)| s <= g));
        // The histogram's lines are contiguous: buckets, then _sum and _count per endpoint.
        let start = text.find("# TYPE shop_http_request_duration_seconds histogram").unwrap();
        let end = text.find("# TYPE shop_dependency_up gauge").unwrap();
        assert!(text[start..end].contains("# UNIT shop_http_request_duration_seconds seconds\n"));
        assert_eq!(text.matches("shop_http_request_duration_seconds_").count(), text[start..end].matches("shop_http_request_duration_seconds_").count());
    }

    #[test]
    fn hostile_label_values_are_escaped() {
        let (text, _) = doc(0.25);
        assert!(text.contains("shop_hostile_info{name=\"<script>alert(1)</script>\"} 1 "));
        assert!(text.contains("shop_hostile_info{name=\"\\\"><img src=x onerror=alert(1)>\"} 1 "));
        assert!(text.contains("name=\"back\\\\slash \\\"quoted\\\"\\nnew line & <b>bold</b>\""));
    }

    #[test]
    fn long_ranges_are_stitched_across_the_demo_point_cap() {
        let mut s = String::new();
        // 48 h at 15 s is 11,521 points per series, over the demo's 11,000 cap.
        let st = generate(&mut s, END, 48.0, 15_000, 42).unwrap();
        assert_eq!(st.samples, st.series * 11_521);
        let kafka: Vec<i64> = sample_lines(&s)
            .iter()
            .filter(|l| l.starts_with("shop_kafka_consumer_lag{group=\"audit-export\"}"))
            .map(|l| parts(l).2.parse().unwrap())
            .collect();
        assert_eq!(kafka.len(), 11_521);
        assert!(kafka.windows(2).all(|w| w[1] - w[0] == 15));
    }

    #[test]
    fn number_formats() {
        assert_eq!(canonical_number(1.0), "1.0");
        assert_eq!(canonical_number(0.005), "0.005");
        assert_eq!(canonical_number(10.0), "10.0");
        assert_eq!(canonical_number(f64::INFINITY), "+Inf");
        let mut s = String::new();
        push_seconds(&mut s, 1_718_000_000_500);
        s.push(' ');
        push_seconds(&mut s, 1_718_000_015_000);
        s.push(' ');
        push_value(&mut s, f64::NAN);
        s.push(' ');
        push_value(&mut s, f64::NEG_INFINITY);
        s.push(' ');
        push_value(&mut s, 0.25);
        assert_eq!(s, "1718000000.5 1718000015 NaN -Inf 0.25");
    }

    #[test]
    fn arguments() {
        let a = |v: &[&str]| parse_args(&v.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        let got = a(&["--out", "x.om", "--hours", "2", "--end-ms", "1700000000000"]).unwrap();
        assert_eq!((got.out.as_str(), got.hours, got.end_ms, got.step_s, got.seed), ("x.om", 2.0, Some(1_700_000_000_000), 15, 42));
        assert!(a(&["--hours", "2"]).is_err());
        assert!(a(&["--out", "x", "--hours", "-1"]).is_err());
        assert!(a(&["--out", "x", "--bogus"]).is_err());
    }
}
