//! Timings of one health poll's pure part at bench B6's size (4 endpoints × 500 IETF
//! checks, every check flipping): parse, record, the panel's grid and its painted view.
//! Printed, never asserted (tests do not judge wall-clock time; bench B6 does, in the
//! browser). Run with `cargo test --release --test health_timings -- --ignored --nocapture`.

use napkin::core::datasource::Registry;
use napkin::core::health::{
    grid_view, panel_grid, panel_health, parse, plan_panel, HealthData, LiveGrid, Polled,
};
use napkin::core::spec::HealthGridSpec;
use std::time::{Duration, Instant};

const ENDPOINTS: usize = 4;
const CHECKS: usize = 500;

/// The bench's body: an IETF health+json object with `CHECKS` checks of one status.
fn body(status: &str, time: &str) -> String {
    let checks: Vec<String> = (0..CHECKS)
        .map(|k| format!(r#""dep-{k:03}":[{{"status":"{status}","time":"{time}"}}]"#))
        .collect();
    format!(
        r#"{{"status":"{status}","checks":{{{}}}}}"#,
        checks.join(",")
    )
}

#[test]
#[ignore = "prints timings; run explicitly"]
fn health_poll_phases() {
    let endpoints: Vec<String> = (0..ENDPOINTS)
        .map(|i| format!(r#"{{"service":"svc{i}","url":"http://127.0.0.1:9/h/{i}"}}"#))
        .collect();
    let (registry, _) = Registry::parse(&format!(
        r#"[{{"name":"health","kind":"health","url":"","endpoints":[{}]}}]"#,
        endpoints.join(",")
    ))
    .unwrap();
    let spec = HealthGridSpec {
        services: (0..ENDPOINTS).map(|i| format!("svc{i}")).collect(),
        ..Default::default()
    };
    let plan = plan_panel(&spec, "health", &registry, 5);
    let mut data = HealthData::default();
    let mut live = LiveGrid::new();
    let mut polled_at = 1_700_000_000_000_i64;
    // The app's clock ticks every 5 s, about once per round of 4 polls.
    let mut clock = polled_at;
    let mut t = [Duration::ZERO; 6];
    let (mut polls, mut ticks) = (0u32, 0u32);
    let rounds = 20;
    for round in 0..rounds {
        let status = if round % 2 == 0 { "pass" } else { "fail" };
        let code = if round % 2 == 0 { 200 } else { 503 };
        for i in 0..ENDPOINTS {
            polled_at += 1250;
            let text = body(status, "2023-11-14T22:13:20Z");
            let at = Instant::now();
            let probe = parse(
                &format!("svc{i}"),
                Some(code),
                Some("application/health+json"),
                text.as_bytes(),
                None,
            );
            t[0] += at.elapsed();
            let at = Instant::now();
            data.record(
                "health",
                Polled {
                    probe,
                    polled_at_ms: polled_at,
                    raw: None,
                },
            );
            t[1] += at.elapsed();
            let at = Instant::now();
            let h = panel_health(Some(&plan), &data, clock);
            t[2] += at.elapsed();
            let at = Instant::now();
            let changes = live.refresh(&plan, &data, false, clock);
            t[3] += at.elapsed();
            let at = Instant::now();
            let full = grid_view(
                &panel_grid(&plan, &data, clock),
                data.books.get("health"),
                false,
                false,
                clock,
            );
            t[4] += at.elapsed();
            polls += 1;
            if round > 0 {
                assert_eq!(
                    full.rows.iter().map(|r| r.cells.len()).sum::<usize>(),
                    ENDPOINTS * CHECKS
                );
                assert_eq!(
                    changes.cells.len(),
                    CHECKS,
                    "a poll flips exactly its own row's cells"
                );
                assert_eq!(h.grid.rows.len(), ENDPOINTS);
            }
        }
        clock = polled_at;
        let at = Instant::now();
        live.refresh(&plan, &data, false, clock);
        t[5] += at.elapsed();
        ticks += 1;
    }
    println!(
        "per poll of {CHECKS} checks (grid of {} cells): parse {:?}, record {:?}, panel_health {:?}, live refresh {:?} \
         (full rebuild: panel_grid + grid_view {:?}); per clock tick: live refresh {:?}",
        ENDPOINTS * CHECKS,
        t[0] / polls,
        t[1] / polls,
        t[2] / polls,
        t[3] / polls,
        t[4] / polls,
        t[5] / ticks
    );
}
