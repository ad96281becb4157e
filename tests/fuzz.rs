//! Robustness loops over every decoder that reads untrusted input: the link codec, the
//! Prometheus response parser, the trace parsers and the health parsers (plus the Recent
//! list that local storage hands back, with the two-tabs conflict rule). Inputs are
//! mutations of real seeds (stored links, upstream fixtures, realistic bodies) plus
//! random bytes, from a seeded generator so any failure reproduces.
//!
//! A panic fails the test; every rejected input must come with a readable message. The
//! small loops run with plain `cargo test`; the million-input loops are ignored and run
//! with `./napkin fuzz` (`cargo test --release --test fuzz -- --ignored`). This is a
//! property loop rather than coverage-guided fuzzing; see README ("Fuzzing").

use napkin::core::health;
use napkin::core::link::decode_fragment;
use napkin::core::prom::parse_query_range;
use napkin::core::trace::parse_any;

/// xorshift64*: small, fast and reproducible.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const INTERESTING: &[&[u8]] = &[
    b"{", b"}", b"[", b"]", b"\"", b"\\", b",", b":", b"null", b"NaN", b"+Inf", b"-1e999", b"1e308",
    b"<script>alert(1)</script>", b"\xff\xfe", b"\x00", b"%", b"%ZZ", b"=", b"d=1.", b"json=", "\u{202e}".as_bytes(),
    b"99999999999999999999999", b"-0", b"\"status\":\"error\"", b"{\"a\":", b"]]]]]]]]",
];

/// One mutation of `seed`: flip, insert, delete, splice a token, truncate, or duplicate.
fn mutate(rng: &mut Rng, seed: &[u8]) -> Vec<u8> {
    let mut out = seed.to_vec();
    for _ in 0..=rng.below(4) {
        let len = out.len();
        match rng.below(7) {
            0 if len > 0 => {
                let i = rng.below(len);
                out[i] ^= 1 << rng.below(8);
            }
            1 => {
                let i = rng.below(len + 1);
                out.insert(i, rng.next() as u8);
            }
            2 if len > 0 => {
                let i = rng.below(len);
                let n = rng.below(16).min(len - i);
                out.drain(i..i + n);
            }
            3 => {
                let token = INTERESTING[rng.below(INTERESTING.len())];
                let i = rng.below(len + 1);
                out.splice(i..i, token.iter().copied());
            }
            4 if len > 0 => out.truncate(rng.below(len)),
            5 if len > 0 && len < 200_000 => {
                let i = rng.below(len);
                let j = (i + rng.below(64)).min(len);
                let chunk = out[i..j].to_vec();
                out.splice(j..j, chunk);
            }
            _ => {
                let n = rng.below(32);
                out.extend((0..n).map(|_| rng.next() as u8));
            }
        }
    }
    out
}

fn fixture(path: &str) -> Vec<u8> {
    let full = format!("{}/tests/fixtures/upstream/{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&full).unwrap_or_else(|e| panic!("the upstream fixture {full} is missing ({e})"))
}

fn link_seeds() -> Vec<Vec<u8>> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/links");
    let mut seeds: Vec<Vec<u8>> = std::fs::read_dir(dir).unwrap().map(|e| std::fs::read(e.unwrap().path()).unwrap()).collect();
    seeds.push(format!("json={}", r#"{"version":1,"title":"t","panels":[{"id":"a","title":"x","datasource":"demo","kind":"kpi","spec":{"query":{"kind":"metric","spec":{"metric":"m"}}}}]}"#).into_bytes());
    seeds
}

const PROM_SEED: &str = r#"{"status":"success","warnings":["w"],"data":{"resultType":"matrix","result":[{"metric":{"__name__":"up","job":"a<b>"},"values":[[1718000000,"1"],[1718000015,"NaN"],[1718000030,"+Inf"]]},{"metric":{},"histograms":[[1718000000,{"count":"1","sum":"2","buckets":[[0,"0","1","1"]]}]]}]}}"#;
const PROM_ERROR: &str = r#"{"status":"error","errorType":"bad_data","error":"parse error"}"#;

fn health_seeds() -> Vec<(Option<u16>, Option<&'static str>, Vec<u8>)> {
    vec![
        (Some(503), Some("application/json"), br#"[{"Name":"myDB","Status":"TIMEOUT","StatusTime":"2026-11-23T06:57:00Z"},{"Name":"kafka","Status":"OK"}]"#.to_vec()),
        (Some(200), Some("application/health+json"), br#"{"status":"pass","checks":{"db:responseTime":[{"status":"warn","observedValue":250,"time":"2026-11-23T06:57:00Z"}]}}"#.to_vec()),
        (Some(200), Some("application/json"), br#"{"status":"UP","components":{"db":{"status":"OUT_OF_SERVICE","details":{"x":1}},"disk":{"status":"UP"}}}"#.to_vec()),
        (Some(500), Some("text/plain"), b"[+]ping ok\n[-]etcd failed: reason withheld\nreadyz check failed\n".to_vec()),
        (Some(200), Some("application/json"), br#"[{"name":"api","group":"core","key":"core_api","results":[{"success":false,"timestamp":"2026-11-23T06:57:00Z","duration":1000000}]}]"#.to_vec()),
    ]
}

fn trace_seeds() -> Vec<Vec<u8>> {
    ["jaeger/v1-ui_01.json", "jaeger/apiv3-GetTrace.json", "otlp/trace.json", "tempo/trace-by-id-vulture.json", "zipkin/skew.json", "zipkin/envoy.json"]
        .iter()
        .map(|p| fixture(p))
        .collect()
}

/// Runs `n` inputs through every decoder.
fn run(n: usize, seed: u64) {
    let mut rng = Rng(seed);
    let links = link_seeds();
    let traces = trace_seeds();
    let healths = health_seeds();
    let mut counts = [0usize; 4];
    for i in 0..n {
        let random = rng.below(10) == 0;
        match i % 4 {
            0 => {
                let input = if random {
                    let n = rng.below(300);
                    (0..n).map(|_| rng.next() as u8).collect()
                } else {
                    let pick = rng.below(links.len());
                    mutate(&mut rng, &links[pick])
                };
                let text = String::from_utf8_lossy(&input);
                let outcome = decode_fragment(&text);
                if let Some(e) = &outcome.error {
                    assert!(!e.to_string().trim().is_empty(), "an empty link error for {text:?}");
                }
                counts[0] += 1;
            }
            1 => {
                let seed = if rng.below(2) == 0 { PROM_SEED } else { PROM_ERROR };
                let input = mutate(&mut rng, seed.as_bytes());
                let status = [200u16, 400, 422, 502, 503][rng.below(5)];
                if let Err(e) = parse_query_range(status, Some("application/json"), &input, 15_000) {
                    assert!(!e.to_string().trim().is_empty());
                }
                counts[1] += 1;
            }
            2 => {
                let base = &traces[rng.below(traces.len())];
                // Whole fixtures are large: mutate a prefix-sized window most of the time.
                let cut = if base.len() > 4096 && rng.below(4) != 0 { rng.below(4096) + 1 } else { base.len() };
                let input = mutate(&mut rng, &base[..cut]);
                if let Err(e) = parse_any(&input) {
                    assert!(!e.to_string().trim().is_empty());
                }
                counts[2] += 1;
            }
            _ => {
                let pick = rng.below(healths.len());
                let (status, ct, body) = &healths[pick];
                let input = mutate(&mut rng, body);
                let result = health::parse("svc", *status, *ct, &input, None);
                assert_eq!(result.service, "svc");
                if result.overall == health::HealthState::Ok {
                    assert!(status.is_some_and(|s| s < 400), "a failing HTTP status never rates ok");
                }
                counts[3] += 1;
            }
        }
    }
    println!("fuzz: link {} · prometheus {} · traces {} · health {} inputs, no panic", counts[0], counts[1], counts[2], counts[3]);
}

#[test]
fn a_few_thousand_mutations_never_panic() {
    run(2_000, 0x5EED_0001);
}

#[test]
#[ignore = "the long run: ./napkin fuzz"]
fn four_million_mutations_never_panic() {
    let n: usize = std::env::var("NAPKIN_FUZZ_INPUTS").ok().and_then(|v| v.parse().ok()).unwrap_or(4_000_000);
    run(n, std::env::var("NAPKIN_FUZZ_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or(0x5EED_0002));
}

/// The Recent list in local storage may be damaged, or written by another version in
/// another tab: decoding never panics, stays capped, explains a reset, and the conflict
/// rule never lets a save go below or silently over a stored revision.
#[test]
fn damaged_recent_lists_never_panic_and_keep_the_conflict_rule() {
    use napkin::core::recent::{decide_save, RecentList, SaveDecision, MAX_RECENT};
    const SEED: &str = r#"{"entries":[{"key":"a1","title":"<b>Shop</b>","last_opened_ms":1732300000000,"panel_count":8,"fragment":"d=1.eJyrVkrLz1eyUlAqSk1RqgUAJ9gE8Q","revision":7},{"key":"b2","title":"Old","last_opened_ms":1,"panel_count":1,"fragment":"json=%7B%7D"}]}"#;
    let mut rng = Rng(0x5EED_0003);
    for _ in 0..20_000 {
        let input = mutate(&mut rng, SEED.as_bytes());
        let text = String::from_utf8_lossy(&input);
        let (list, warning) = RecentList::decode(Some(&text));
        assert!(list.entries.len() <= MAX_RECENT);
        if let Some(w) = warning {
            assert!(!w.trim().is_empty());
        }
        for stored in &list.entries {
            let base = [None, Some(0), Some(stored.revision.saturating_sub(1)), Some(stored.revision)][rng.below(4)];
            let mine = if rng.below(2) == 0 { stored.fragment.clone() } else { format!("{}x", stored.fragment) };
            match decide_save(Some(stored), base, &mine) {
                SaveDecision::Write { revision } => {
                    assert!(revision > stored.revision, "a save never goes below the stored revision");
                    assert!(base.is_some_and(|b| b >= stored.revision), "only a tab based on the stored revision overwrites it");
                }
                SaveDecision::Unchanged { revision } => assert_eq!((revision, mine.as_str()), (stored.revision, stored.fragment.as_str())),
                SaveDecision::Conflict { theirs } => assert_ne!(theirs.fragment, mine),
            }
        }
    }
}
