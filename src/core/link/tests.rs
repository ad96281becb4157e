//! Tests of the whole link codec: round trips, measured lengths, stored old links, damaged
//! and hostile links, and property tests over random dashboards and random damage.
//!
//! These tests must never depend on the current encoder for stored links: the fixtures in
//! `tests/fixtures/links` were written once and must keep decoding as they are.

use super::*;
use crate::core::query::{Agg, MatchOp, Matcher, MetricQuery, PromqlQuery, Query, RangeFn, RatioQuery};
use crate::core::spec::*;
use proptest::prelude::*;

fn share_payload_chars(link: &str) -> bool {
    let (_, payload) = link.split_once('.').unwrap();
    payload.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

#[test]
fn share_and_json_links_round_trip() {
    for d in [sample::shop_dashboard(), sample::small_dashboard()] {
        let share = encode_share(&d);
        assert!(share.starts_with("d=1."), "{share}");
        assert!(share_payload_chars(&share));
        for link in [share.clone(), format!("#{share}"), encode_json(&d), format!("#{}", encode_json(&d))] {
            let out = decode_fragment(&link);
            assert_eq!(out.error, None, "{link}");
            assert_eq!(out.warnings, vec![], "{link}");
            assert_eq!(out.dashboard.as_ref(), Some(&d), "{link}");
        }
    }
}

#[test]
fn measure_link_lengths() {
    use wire::WireOptions;
    let d = sample::shop_dashboard();
    let plain = serde_json::to_string(&d).unwrap();
    let compact_text = |opts: WireOptions| wire::to_text(&wire::compact(serde_json::to_value(&d).unwrap(), opts), opts);
    let with = |strip_defaults, short_keys, short_kinds| WireOptions { strip_defaults, short_keys, short_kinds };
    let rows = [
        ("json= percent-encoded spec JSON", encode_json(&d).len()),
        ("zlib of the spec JSON", encode_share_with(&d, WireOptions::PLAIN).len()),
        ("raw deflate of the spec JSON (no checksum)", 4 + compact::pack_raw(compact_text(WireOptions::PLAIN).as_bytes()).len()),
        ("zlib, default fields dropped", encode_share_with(&d, with(true, false, false)).len()),
        ("zlib, defaults dropped, short keys", encode_share_with(&d, with(true, true, false)).len()),
        ("zlib, defaults dropped, short keys and kinds (used)", encode_share(&d).len()),
        ("the same as raw deflate (no checksum)", 4 + compact::pack_raw(compact_text(WireOptions::LINK_V1).as_bytes()).len()),
    ];
    println!("8-panel dashboard: spec JSON {} bytes, compact JSON {} bytes", plain.len(), compact_text(WireOptions::LINK_V1).len());
    for (name, len) in rows {
        println!("{name:<55} {len:>5} chars");
    }
    let used = encode_share(&d).len();
    assert!(used <= 1000, "the typical dashboard link is {used} characters, over the 1,000 goal");
}

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/links/{name}", env!("CARGO_MANIFEST_DIR"));
    if std::env::var_os("NAPKIN_WRITE_LINK_FIXTURES").is_some() {
        let link = match name {
            "v1-shop.txt" => encode_share(&sample::shop_dashboard()),
            "v1-small.txt" => encode_share(&sample::small_dashboard()),
            "v1-shop-json.txt" => encode_json(&sample::shop_dashboard()),
            _ => panic!("no writer for fixture {name}"),
        };
        std::fs::write(&path, format!("{link}\n")).unwrap();
    }
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}")).trim().to_string()
}

/// Stored links were made by the encoder of their version and committed. They must decode
/// forever; when the link format or spec changes, add a migration, never edit a fixture.
#[test]
fn stored_v1_links_keep_decoding() {
    let expected_shop: [(&str, &str, &str); 8] = [
        ("req", "Requests / s", "kpi"),
        ("err", "Error rate", "kpi"),
        ("lat", "p99 latency", "kpi"),
        ("orders", "Orders / min", "kpi"),
        ("traffic", "Traffic by service", "timeseries"),
        ("errors", "Error % by service", "timeseries"),
        ("latency", "p99 latency by service", "timeseries"),
        ("cpu", "CPU usage", "timeseries"),
    ];
    for name in ["v1-shop.txt", "v1-shop-json.txt"] {
        let out = decode_fragment(&fixture(name));
        assert_eq!((out.error, out.warnings), (None, vec![]), "{name}");
        let d = out.dashboard.unwrap();
        assert_eq!(d.title, "Shop overview");
        assert_eq!(d.time, TimeSpec::Absolute { from_ms: 1_767_225_600_000, to_ms: 1_767_229_200_000 });
        assert_eq!(d.as_of_ms, Some(1_767_229_200_000));
        let got: Vec<_> = d.panels.iter().map(|p| (p.id.as_str(), p.title.as_str(), p.def.kind())).collect();
        assert_eq!(got, expected_shop, "{name}");
        assert_eq!(d.layout.len(), 8);
        let PanelDef::Kpi(err) = &d.panels[1].def else { panic!("panel 2 is a KPI") };
        assert!(matches!(&err.query, Query::Ratio(r) if r.scale == 100.0 && r.num.matchers[1] == Matcher::re("code", "5..")));
        assert_eq!(err.unit, Unit::Percent);
        let PanelDef::Timeseries(lat) = &d.panels[6].def else { panic!("panel 7 is a chart") };
        assert!(matches!(&lat.queries[1], Query::Metric(m) if m.quantile == Some(0.99) && m.window_s == Some(300)));
    }
    let out = decode_fragment(&fixture("v1-small.txt"));
    assert_eq!(out.error, None);
    let d = out.dashboard.unwrap();
    assert_eq!(d.title, "Small \"quoted\" & 50% déjà vu");
    assert_eq!(d.time, TimeSpec::Relative { last_s: 900 });
    assert_eq!(d.refresh_s, 30);
    let kinds: Vec<_> = d.panels.iter().map(|p| p.def.kind()).collect();
    assert_eq!(kinds, ["kpi", "timeseries"]);
}

#[test]
fn empty_fragment_is_the_start_page() {
    for f in ["", "#", "  ", "# "] {
        assert_eq!(decode_fragment(f), LinkOutcome::default(), "{f:?}");
    }
}

#[test]
fn hand_written_json_links_decode() {
    let raw = r#"#json={"version":1,"title":"From an alert","time":{"kind":"relative","spec":{"last_s":3600}},"panels":[{"id":"a","title":"5xx","datasource":"demo","kind":"kpi","spec":{"query":{"kind":"promql","spec":{"expr":"sum(rate(x[5m])) > 0"}},"unit":"percent"}}]}"#;
    let spaced = raw.replace("From an alert", "From%20an alert").replace('{', "%7B").replace('"', "%22");
    let unencoded_spaces = raw.replace(r#"{"version":1,"#, r#"{ "version": 1, "#);
    for link in [raw.to_string(), spaced, unencoded_spaces] {
        let out = decode_fragment(&link);
        assert_eq!(out.error, None, "{link}");
        let d = out.dashboard.expect("a dashboard");
        assert_eq!(d.title, "From an alert");
        assert!(matches!(&d.panels[0].def, PanelDef::Kpi(k) if k.unit == Unit::Percent && k.query == Query::Promql(PromqlQuery { expr: "sum(rate(x[5m])) > 0".into() })));
    }
    // A minimal hand-written link opens, with warnings for what was filled in.
    let out = decode_fragment("json={\"title\":\"Bare\",\"panels\":[]}");
    assert_eq!(out.error, None);
    assert_eq!(out.dashboard.unwrap().title, "Bare");
    assert!(out.warnings.iter().any(|w| w.path == "version"));
}

#[test]
fn invalid_hand_written_json_says_where() {
    let out = decode_fragment("json={\"title\":\"x\",,}");
    assert!(out.dashboard.is_none());
    let msg = out.error.unwrap().to_string();
    assert!(msg.starts_with("The dashboard JSON in this link is not valid") && msg.contains("column"), "{msg}");
    let out = decode_fragment("json=[1,2]");
    assert!(matches!(out.error, Some(LinkError::NotDashboard { .. })), "{:?}", out.error);
    let out = decode_fragment("json=%FF%FE");
    assert_eq!(out.error, Some(LinkError::NotUtf8 { at: 0 }));
    assert_eq!(decode_fragment("json=").error, Some(LinkError::Empty { key: "json".into() }));
}

#[test]
fn truncated_share_link_recovers_whole_panels_only() {
    let d = sample::shop_dashboard();
    let link = encode_share(&d);
    let mut best = 0;
    for cut in (10..link.len()).step_by(7) {
        let out = decode_fragment(&link[..cut]);
        let err = out.error.clone().expect("a cut link is an error");
        let recovered = out.dashboard.as_ref().map_or(0, |d| d.panels.len());
        assert_eq!(err, LinkError::Truncated { chars: cut, recovered }, "cut at {cut}");
        if let Some(got) = &out.dashboard {
            // Every recovered panel is exactly the original: no half panels.
            assert_eq!(got.panels[..], d.panels[..recovered], "cut at {cut}");
            best = best.max(recovered);
        }
    }
    assert!(best >= 6, "cuts near the end should keep most panels, kept {best}");
    let cut = link.len() * 3 / 4;
    let msg = decode_fragment(&link[..cut]).error.unwrap().to_string();
    assert!(msg.starts_with(&format!("This link is incomplete: it was cut off after {cut} characters, probably by a chat tool.")), "{msg}");
    assert!(msg.contains("of the panels could be recovered"), "{msg}");
}

#[test]
fn truncated_json_link_recovers() {
    let link = encode_json(&sample::shop_dashboard());
    let cut = link.len() / 2;
    let out = decode_fragment(&link[..cut]);
    let d = out.dashboard.expect("the start of the dashboard");
    assert_eq!(d.title, "Shop overview");
    assert!(matches!(out.error, Some(LinkError::Truncated { chars, recovered }) if chars == cut && recovered == d.panels.len()));
    assert!(out.warnings.iter().any(|w| w.message.contains("cut off")), "{:?}", out.warnings);
}

#[test]
fn changed_characters_are_reported_as_damage() {
    let link = encode_share(&sample::shop_dashboard());
    let mut corrupted = 0;
    for i in (6..link.len()).step_by(5) {
        let mut chars: Vec<char> = link.chars().collect();
        chars[i] = if chars[i] == 'x' { 'y' } else { 'x' };
        let out = decode_fragment(&chars.iter().collect::<String>());
        match out.error {
            Some(LinkError::Corrupted { recovered }) => {
                corrupted += 1;
                assert_eq!(recovered, out.dashboard.map_or(0, |d| d.panels.len()));
            }
            // A change can also end the stream early or change only unused bits.
            Some(LinkError::Truncated { .. }) | None => {}
            Some(other) => panic!("changed char {i}: unexpected {other:?}"),
        }
    }
    assert!(corrupted > 0);
    let bad = link.replacen('A', "+", 1);
    let position = bad.find('+').unwrap() + 1;
    assert_eq!(decode_fragment(&bad).error, Some(LinkError::BadCharacter { ch: '+', position }));
}

#[test]
fn versions_keys_and_empty_payloads_are_checked() {
    let link = encode_share(&sample::small_dashboard());
    let payload = link.strip_prefix("d=1.").unwrap();
    let newer = decode_fragment(&format!("d=2.{payload}"));
    assert_eq!(newer.error, Some(LinkError::NewerVersion { version: "2".into(), supported: 1 }));
    assert!(newer.error.unwrap().to_string().contains("made by a newer Napkin"));
    assert!(matches!(decode_fragment(&format!("d={payload}")).error, Some(LinkError::NoVersion { .. })));
    assert!(matches!(decode_fragment(&format!("d=0.{payload}")).error, Some(LinkError::NoVersion { .. })));
    assert!(matches!(decode_fragment("d=99999999999.abc").error, Some(LinkError::NoVersion { .. })));
    assert_eq!(decode_fragment("d=").error, Some(LinkError::Empty { key: "d".into() }));
    assert_eq!(decode_fragment("d=1.").error, Some(LinkError::Empty { key: "d=1.".into() }));
    assert_eq!(decode_fragment("state=abc").error, Some(LinkError::UnknownKey { start: "state=abc".into() }));
    assert!(matches!(decode_fragment("section-2").error, Some(LinkError::UnknownKey { .. })));
    // A payload of nothing but an empty zlib stream is empty, not a crash.
    let empty = format!("d=1.{}", compact::pack(b""));
    assert_eq!(decode_fragment(&empty).error, Some(LinkError::Empty { key: "d=1.".into() }));
}

#[test]
fn punctuation_stuck_to_the_end_is_ignored() {
    let d = sample::small_dashboard();
    let link = encode_share(&d);
    for tail in [".", ")", ").", "\"", "!?"] {
        let out = decode_fragment(&format!("{link}{tail}"));
        assert_eq!(out.error, None, "{tail}");
        assert_eq!(out.dashboard.as_ref(), Some(&d));
        assert!(out.warnings.iter().any(|w| w.path == "link"), "{tail}");
    }
}

#[test]
fn hostile_links_are_refused_cheaply() {
    // An inflate bomb: a few kilobytes that would expand to 16 MiB.
    let mut bomb = b"{\"title\":\"".to_vec();
    bomb.extend(std::iter::repeat_n(b'a', 16 << 20));
    let link = format!("d=1.{}", compact::pack(&bomb));
    assert!(link.len() < MAX_FRAGMENT);
    let out = decode_fragment(&link);
    assert_eq!(out.error, Some(LinkError::TooLarge { limit_kib: 1024 }));
    assert!(out.dashboard.is_none());
    // Too long a fragment is refused before any decoding.
    let long = format!("d=1.{}", "A".repeat(MAX_FRAGMENT));
    assert!(matches!(decode_fragment(&long).error, Some(LinkError::TooLong { .. })));
    // Deep nesting neither overflows the stack nor opens a dashboard.
    let deep = format!("json={}", "[".repeat(100_000));
    assert!(decode_fragment(&deep).error.is_some());
    let deep_share = format!("d=1.{}", compact::pack("[".repeat(500_000).as_bytes()));
    assert!(decode_fragment(&deep_share).error.is_some());
    // Invalid UTF-8 inside a valid compact payload.
    let link = format!("d=1.{}", compact::pack(b"{\"title\":\"\xff\"}"));
    assert!(matches!(decode_fragment(&link).error, Some(LinkError::NotUtf8 { .. })));
    // Hundreds of panels are capped by the spec decoder, with a warning.
    let mut d = sample::small_dashboard();
    d.panels = (0..300).map(|i| Panel { id: format!("p{i}"), ..d.panels[0].clone() }).collect();
    let out = decode_fragment(&encode_share(&d));
    assert_eq!(out.dashboard.unwrap().panels.len(), MAX_PANELS);
    assert!(out.warnings.iter().any(|w| w.path == "panels"));
}

// ---- Property tests ----

fn name() -> impl Strategy<Value = String> {
    "[a-z_]{1,12}"
}

fn text() -> impl Strategy<Value = String> {
    // Any text, including quotes, percent signs, '#' and non-ASCII.
    "\\PC{0,16}"
}

/// Numbers with few digits, as people type them (and as JSON parsers read back exactly).
fn finite() -> impl Strategy<Value = f64> {
    (-100_000_000i64..100_000_000).prop_map(|n| n as f64 / 100.0)
}

fn metric_query() -> impl Strategy<Value = MetricQuery> {
    (
        name(),
        prop::collection::vec((name(), 0..4usize, text()), 0..3),
        prop::option::of(prop_oneof![Just(RangeFn::Rate), Just(RangeFn::Increase)]),
        prop::option::of(1u32..86_400),
        prop::option::of(prop_oneof![Just(Agg::Sum), Just(Agg::Avg), Just(Agg::Max), Just(Agg::Count)]),
        prop::collection::vec(name(), 0..3),
        prop::option::of((1u32..1000).prop_map(|n| n as f64 / 1000.0)),
    )
        .prop_map(|(metric, matchers, range_fn, window_s, agg, by, quantile)| MetricQuery {
            metric,
            matchers: matchers
                .into_iter()
                .map(|(label, op, value)| Matcher { label, op: [MatchOp::Eq, MatchOp::Ne, MatchOp::Re, MatchOp::Nre][op], value })
                .collect(),
            range_fn,
            window_s,
            agg,
            by,
            quantile,
        })
}

fn query() -> impl Strategy<Value = Query> {
    prop_oneof![
        metric_query().prop_map(Query::Metric),
        (metric_query(), metric_query(), finite()).prop_map(|(num, den, scale)| Query::Ratio(RatioQuery { num, den, scale })),
        text().prop_map(|expr| Query::Promql(PromqlQuery { expr })),
    ]
}

fn unit() -> impl Strategy<Value = Unit> {
    prop::sample::select(vec![Unit::None, Unit::Percent, Unit::Seconds, Unit::Milliseconds, Unit::Bytes, Unit::ReqPerSec])
}

fn thresholds() -> impl Strategy<Value = Option<Thresholds>> {
    prop::option::of((any::<bool>(), prop::option::of(finite()), prop::option::of(finite())).prop_map(|(above, warn, fail)| {
        Thresholds { direction: if above { Direction::Above } else { Direction::Below }, warn, fail }
    }))
}

fn panel_def() -> impl Strategy<Value = PanelDef> {
    prop_oneof![
        (query(), unit(), 0..3usize, thresholds(), prop::option::of(0u8..6), any::<bool>()).prop_map(
            |(query, unit, reduce, thresholds, decimals, sparkline)| PanelDef::Kpi(KpiSpec {
                query,
                unit,
                reduce: [Reduce::Last, Reduce::Mean, Reduce::Max][reduce],
                thresholds,
                decimals,
                sparkline,
                drill: None,
            })
        ),
        (prop::collection::vec(query(), 0..3), unit(), thresholds())
            .prop_map(|(queries, unit, thresholds)| PanelDef::Timeseries(TimeseriesSpec { queries, unit, thresholds })),
        (prop::option::of(text()), prop::option::of(1u32..500)).prop_map(|(service, limit)| PanelDef::TraceSearch(
            TraceSearchSpec { service, operation: None, min_duration_ms: None, limit, ..Default::default() }
        )),
        (prop::collection::vec(name(), 0..3), any::<bool>())
            .prop_map(|(services, hide_green)| PanelDef::HealthGrid(HealthGridSpec { services, freshness_s: Some(60), hide_green })),
    ]
}

fn dashboard() -> impl Strategy<Value = Dashboard> {
    (
        "[A-Za-z0-9 %#&\"é]{0,20}[A-Za-z]",
        prop_oneof![
            (1u64..=400 * 86_400).prop_map(|last_s| TimeSpec::Relative { last_s }),
            (0i64..2_000_000_000_000, 1i64..1_000_000_000).prop_map(|(from_ms, len)| TimeSpec::Absolute { from_ms, to_ms: from_ms + len }),
        ],
        0u32..=86_400,
        prop::option::of(0i64..4_000_000_000_000),
        prop::collection::vec((text(), "[a-z]{1,8}", panel_def(), any::<bool>(), 0u16..12, 0u16..100, 1u16..=12, 1u16..=24), 0..10),
    )
        .prop_map(|(title, time, refresh_s, as_of_ms, raw_panels)| {
            let mut panels = Vec::new();
            let mut layout = Vec::new();
            for (i, (title, datasource, def, placed, x, y, w, h)) in raw_panels.into_iter().enumerate() {
                let id = format!("p{i}");
                if placed {
                    layout.push(LayoutItem { panel: id.clone(), x: x.min(GRID_COLUMNS - w), y, w, h });
                }
                panels.push(Panel { id, title, datasource, def });
            }
            Dashboard { version: SPEC_VERSION, title, time, refresh_s, as_of_ms, variables: Vec::new(), panels, layout, notes: Vec::new(), trail: Vec::new() }
        })
}

/// A damaged link must give a dashboard or an error message, never a panic or nothing.
fn assert_answered(link: &str) {
    let out = decode_fragment(link);
    if let Some(e) = &out.error {
        assert!(!e.to_string().is_empty());
    }
    assert!(out.dashboard.is_some() || out.error.is_some(), "no answer for {link:?}");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn random_dashboards_round_trip(d in dashboard()) {
        let share = decode_fragment(&encode_share(&d));
        prop_assert_eq!(share.error, None);
        prop_assert_eq!(share.dashboard.as_ref(), Some(&d));
        let json = decode_fragment(&encode_json(&d));
        prop_assert_eq!(json.error, None);
        prop_assert_eq!(json.dashboard.as_ref(), Some(&d));
    }

    #[test]
    fn truncated_random_links_keep_whole_panels(d in dashboard(), frac in 0.0f64..1.0) {
        for link in [encode_share(&d), encode_json(&d)] {
            let mut cut = 5 + ((link.len() - 5) as f64 * frac) as usize;
            while !link.is_char_boundary(cut) {
                cut -= 1;
            }
            let out = decode_fragment(&link[..cut]);
            prop_assert!(out.dashboard.is_some() || out.error.is_some());
            if let Some(got) = out.dashboard {
                let n = got.panels.len();
                prop_assert!(n <= d.panels.len());
                prop_assert_eq!(&got.panels[..], &d.panels[..n]);
            }
        }
    }

    #[test]
    fn mutated_links_never_panic(
        d in dashboard(),
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<char>(), 0..3u8), 1..6),
        cut in any::<prop::sample::Index>(),
    ) {
        for link in [encode_share(&d), encode_json(&d)] {
            let mut chars: Vec<char> = link.chars().collect();
            for (at, ch, how) in &edits {
                let i = at.index(chars.len());
                match how {
                    0 => chars[i] = *ch,
                    1 => chars.insert(i, *ch),
                    _ => { chars.remove(i); if chars.is_empty() { chars.push('d'); } }
                }
            }
            let mutated: String = chars.iter().collect();
            assert_answered(&mutated);
            let n = cut.index(chars.len() + 1);
            let prefix: String = chars[..n].iter().collect();
            let out = decode_fragment(&prefix);
            if prefix.trim().trim_start_matches('#').trim().is_empty() {
                prop_assert_eq!(out, LinkOutcome::default());
            } else {
                assert_answered(&prefix);
            }
        }
    }

    #[test]
    fn arbitrary_fragments_never_panic(s in "\\PC{0,64}", b in prop::collection::vec(any::<u8>(), 0..64)) {
        let _ = decode_fragment(&s);
        let _ = decode_fragment(&format!("d=1.{s}"));
        let _ = decode_fragment(&format!("json={s}"));
        let _ = decode_fragment(&format!("d=1.{}", compact::pack(&b)));
    }
}
