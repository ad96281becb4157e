//! Closed-form signals: hashed noise, the smooth request-rate curve of each endpoint and
//! its analytic integral, counter values at scrape ticks, latency distributions and the
//! two gauges. Every value here costs O(1) whatever the instant or window.
//!
//! Counters are built so that every series of one endpoint is a fixed linear combination
//! of a few per-endpoint parts (the integral of the smooth rate plus bounded jitter, and
//! the seconds spent in each incident), which keeps them consistent with each other
//! (status counters add up to `_count`, which equals the `+Inf` bucket) and monotonic.
//! This file must never parse queries, match labels or read the clock.

use super::incidents::{self, IncidentKind, EFFECTS, KINDS};
use super::model::{Endpoint, ENDPOINTS, LE_BOUNDS};
use std::f64::consts::PI;

/// Prometheus would scrape the shop every 15 s; counters and gauges change only then.
pub const SCRAPE_MS: i64 = 15_000;

/// Amplitude of the daily swing of traffic around its mean.
const DIURNAL: f64 = 0.28;
/// Length of a day in ms.
const DAY_MS: i64 = 86_400_000;
/// Instant of the daily traffic peak, in ms after midnight UTC.
const PEAK_MS: i64 = 15 * 3_600_000;
/// Periods (ms) and amplitudes of the slower wiggles layered on the daily shape.
const WIGGLES: [(i64, f64); 4] = [
    (437_000, 0.04),
    (1_381_000, 0.035),
    (9_721_000, 0.03),
    (32_771_000, 0.025),
];
/// The lowest the smooth rate ever gets, as a share of the mean rate.
pub const MIN_RATE_FACTOR: f64 = 1.0 - DIURNAL - 0.04 - 0.035 - 0.03 - 0.025;

/// The angle `2π·t/period` reduced exactly to `[0, 2π)` with integer arithmetic first, so
/// sines of instants far from the epoch stay precise and cheap to compute.
fn angle(t_ms: i64, period_ms: i64) -> f64 {
    2.0 * PI * (t_ms.rem_euclid(period_ms) as f64 / period_ms as f64)
}

/// A well-mixed 64-bit hash of a seed and two numbers (SplitMix64 finalizer).
pub fn hash(seed: u64, a: u64, b: u64) -> u64 {
    let mut z = seed
        ^ a.wrapping_mul(0x9E37_79B9_7F4A_7C15)
        ^ b.wrapping_mul(0xD1B5_4A32_D192_ED03).rotate_left(29);
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A hash mapped uniformly onto `[0, 1)`.
pub fn unit(seed: u64, a: u64, b: u64) -> f64 {
    (hash(seed, a, b) >> 11) as f64 / (1u64 << 53) as f64
}

/// The newest scrape tick at or before `t_ms`.
pub fn tick_floor(t_ms: i64) -> i64 {
    t_ms.div_euclid(SCRAPE_MS) * SCRAPE_MS
}

/// What every endpoint shares at one scrape tick: the tick itself, the sines and cosines of
/// the traffic curve's angles and the seconds spent in each incident. Computing it once per
/// instant keeps trigonometry and incident arithmetic out of the per-endpoint loop.
#[derive(Debug, Clone, Copy)]
pub struct Tick {
    tick_ms: i64,
    diurnal_sin: f64,
    wiggle_sin: [f64; 4],
    wiggle_cos: [f64; 4],
    incident_s: [f64; 3],
}

impl Tick {
    /// The shared values at the newest scrape tick at or before `t_ms`.
    pub fn at(t_ms: i64, seed: u64) -> Self {
        let tick_ms = tick_floor(t_ms);
        let mut wiggle_sin = [0.0; 4];
        let mut wiggle_cos = [0.0; 4];
        for (i, (period, _)) in WIGGLES.iter().enumerate() {
            (wiggle_sin[i], wiggle_cos[i]) = angle(tick_ms, *period).sin_cos();
        }
        let mut incident_s = [0.0; 3];
        for k in KINDS {
            incident_s[k.index()] = incidents::elapsed_s(k, tick_ms, seed);
        }
        Self {
            tick_ms,
            diurnal_sin: angle(tick_ms - PEAK_MS, DAY_MS).sin(),
            wiggle_sin,
            wiggle_cos,
            incident_s,
        }
    }
}

/// The smooth (incident-free, jitter-free) request rate of one endpoint.
#[derive(Debug, Clone, Copy)]
pub struct RateCurve {
    mean: f64,
    /// `(sin, cos)` of each phase, so shifted angles need no further trigonometry.
    phase_sin_cos: [(f64, f64); 4],
    /// The antiderivative's value at the epoch, so that the integral is 0 there.
    offset: f64,
}

impl RateCurve {
    pub fn new(endpoint: usize, seed: u64) -> Self {
        let mut phases = [0.0; 4];
        for (i, p) in phases.iter_mut().enumerate() {
            *p = 2.0 * PI * unit(seed, 0x5a11 + endpoint as u64, i as u64);
        }
        let phase_sin_cos = phases.map(f64::sin_cos);
        let mut c = Self {
            mean: ENDPOINTS[endpoint].mean_rps,
            phase_sin_cos,
            offset: 0.0,
        };
        c.offset = c.antiderivative(&Tick::at(0, seed));
        c
    }

    /// Requests per second at `t_ms`; only tests need the rate itself, since counters use
    /// its integral.
    #[cfg(test)]
    pub fn rate(&self, t_ms: i64) -> f64 {
        let mut f = 1.0 + DIURNAL * angle(t_ms - PEAK_MS, DAY_MS).cos();
        for (i, (period, amp)) in WIGGLES.iter().enumerate() {
            let (ps, pc) = self.phase_sin_cos[i];
            let (s, c) = angle(t_ms, *period).sin_cos();
            // sin(a + φ) = sin a·cos φ + cos a·sin φ.
            f += amp * (s * pc + c * ps);
        }
        self.mean * f
    }

    /// An antiderivative of [`RateCurve::rate`] (per second) at the tick.
    fn antiderivative(&self, t: &Tick) -> f64 {
        let wd = 2.0 * PI / (DAY_MS as f64 / 1000.0);
        let mut v = t.tick_ms as f64 / 1000.0 + DIURNAL / wd * t.diurnal_sin;
        for (i, (period, amp)) in WIGGLES.iter().enumerate() {
            let w = 2.0 * PI / (*period as f64 / 1000.0);
            let (ps, pc) = self.phase_sin_cos[i];
            // cos(a + φ) = cos a·cos φ − sin a·sin φ.
            v -= amp / w * (t.wiggle_cos[i] * pc - t.wiggle_sin[i] * ps);
        }
        self.mean * v
    }

    /// Requests between the epoch and the tick at or before `t_ms`: the exact integral of
    /// [`RateCurve::rate`], so a window's increase is a difference of two calls.
    #[cfg(test)]
    pub fn integral(&self, t_ms: i64) -> f64 {
        self.antiderivative(&Tick::at(t_ms, 0)) - self.offset
    }
}

/// The per-endpoint parts every counter of that endpoint is a linear combination of.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Parts {
    /// Requests since the epoch from the smooth curve, plus the tick's bounded jitter.
    pub base: f64,
    /// Seconds spent in each incident kind since the epoch (index: `IncidentKind::index`).
    pub incident_s: [f64; 3],
}

/// A counter series as coefficients over [`Parts`]: `value = base·b + Σ incident_s[k]·c[k]`.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Coefs {
    pub b: f64,
    pub c: [f64; 3],
}

impl Coefs {
    pub fn value(&self, p: &Parts) -> f64 {
        self.b * p.base
            + self.c[0] * p.incident_s[0]
            + self.c[1] * p.incident_s[1]
            + self.c[2] * p.incident_s[2]
    }
}

/// Everything needed to compute one endpoint's counters for one seed.
#[derive(Debug, Clone, Copy)]
pub struct EndpointSignal {
    endpoint: usize,
    seed: u64,
    curve: RateCurve,
    /// Jitter added at each tick lies in `[0, jitter)` requests. It is below the smallest
    /// possible per-tick increase of every series of the endpoint, so counters never
    /// go down.
    jitter: f64,
}

impl EndpointSignal {
    pub fn new(endpoint: usize, seed: u64) -> Self {
        let e = &ENDPOINTS[endpoint];
        let s200 = e.base_share("200");
        let (mut worst_err, mut worst_slow) = (0.0f64, 0.0f64);
        for eff in EFFECTS.iter().filter(|f| f.endpoint == endpoint) {
            worst_err = worst_err.max(eff.error_share);
            worst_slow = worst_slow.max(eff.slow_share);
        }
        // Per second, a series with base coefficient b and most negative incident
        // coefficient n grows by at least b·mean·MIN_RATE_FACTOR + n; jitter shifts it by
        // at most b·jitter per tick. Half of the tightest margin keeps a safe distance.
        let margin = MIN_RATE_FACTOR - (worst_err / s200).max(worst_slow);
        debug_assert!(margin > 0.0);
        let jitter = 0.5 * (SCRAPE_MS as f64 / 1000.0) * e.mean_rps * margin;
        Self {
            endpoint,
            seed,
            curve: RateCurve::new(endpoint, seed),
            jitter,
        }
    }

    /// The parts at a tick computed with [`Tick::at`] for the same seed.
    pub fn parts_at(&self, t: &Tick) -> Parts {
        let j = self.jitter * unit(self.seed, 0x717e + self.endpoint as u64, t.tick_ms as u64);
        Parts {
            base: self.curve.antiderivative(t) - self.curve.offset + j,
            incident_s: t.incident_s,
        }
    }

    /// The parts at the newest scrape tick at or before `t_ms` (evaluation batches ticks
    /// with [`EndpointSignal::parts_at`] instead).
    #[cfg(test)]
    pub fn parts(&self, t_ms: i64) -> Parts {
        self.parts_at(&Tick::at(t_ms, self.seed))
    }
}

/// Standard normal cumulative distribution (Numerical Recipes `erfc`, error < 1.2e-7).
pub fn normal_cdf(z: f64) -> f64 {
    let x = -z / std::f64::consts::SQRT_2;
    let t = 1.0 / (1.0 + 0.5 * x.abs());
    let poly = -x * x - 1.265_512_23
        + t * (1.000_023_68
            + t * (0.374_091_96
                + t * (0.096_784_18
                    + t * (-0.186_288_06
                        + t * (0.278_868_07
                            + t * (-1.135_203_98
                                + t * (1.488_515_87 + t * (-0.822_152_23 + t * 0.170_872_77))))))));
    let erfc = t * poly.exp();
    let erfc = if x >= 0.0 { erfc } else { 2.0 - erfc };
    0.5 * erfc
}

/// Share of a log-normal latency distribution at or under `le` seconds.
pub fn lognormal_cdf(le: f64, median: f64, sigma: f64) -> f64 {
    if le == f64::INFINITY {
        1.0
    } else if le <= 0.0 {
        0.0
    } else {
        normal_cdf((le.ln() - median.ln()) / sigma)
    }
}

/// Mean of a log-normal latency distribution in seconds.
pub fn lognormal_mean(median: f64, sigma: f64) -> f64 {
    median * (sigma * sigma / 2.0).exp()
}

/// Coefficients of `shop_http_requests_total{endpoint, status}`.
pub fn status_coefs(endpoint: usize, status: &str) -> Coefs {
    let e = &ENDPOINTS[endpoint];
    let mut c = Coefs {
        b: e.base_share(status),
        c: [0.0; 3],
    };
    for eff in EFFECTS.iter().filter(|f| f.endpoint == endpoint) {
        let moved = eff.error_share * e.mean_rps;
        if eff.error_status == Some(status) {
            c.c[eff.kind.index()] += moved;
        } else if status == "200" && eff.error_status.is_some() {
            c.c[eff.kind.index()] -= moved;
        }
    }
    c
}

/// Coefficients of `shop_http_request_duration_seconds_bucket{endpoint, le}` for the
/// bucket at index `le_idx` of `LE_BOUNDS`.
pub fn bucket_coefs(endpoint: usize, le_idx: usize) -> Coefs {
    let e: &Endpoint = &ENDPOINTS[endpoint];
    let le = LE_BOUNDS[le_idx];
    let base = lognormal_cdf(le, e.median_s, e.sigma);
    let mut c = Coefs {
        b: base,
        c: [0.0; 3],
    };
    for eff in EFFECTS
        .iter()
        .filter(|f| f.endpoint == endpoint && f.slow_share > 0.0)
    {
        let slow = lognormal_cdf(le, eff.slow_median_s, eff.slow_sigma);
        c.c[eff.kind.index()] += eff.slow_share * e.mean_rps * (slow - base);
    }
    c
}

/// Coefficients of `shop_http_request_duration_seconds_sum{endpoint}` (seconds).
pub fn sum_coefs(endpoint: usize) -> Coefs {
    let e = &ENDPOINTS[endpoint];
    let base = lognormal_mean(e.median_s, e.sigma);
    let mut c = Coefs {
        b: base,
        c: [0.0; 3],
    };
    for eff in EFFECTS
        .iter()
        .filter(|f| f.endpoint == endpoint && f.slow_share > 0.0)
    {
        let slow = lognormal_mean(eff.slow_median_s, eff.slow_sigma);
        c.c[eff.kind.index()] += eff.slow_share * e.mean_rps * (slow - base);
    }
    c
}

/// Coefficients of `shop_http_request_duration_seconds_count{endpoint}`.
pub fn count_coefs() -> Coefs {
    Coefs {
        b: 1.0,
        c: [0.0; 3],
    }
}

/// `shop_dependency_up{service, dependency}` at the newest tick at or before `t_ms`.
pub fn dependency_up(service: &str, dependency: &str, t_ms: i64, seed: u64) -> f64 {
    let tick = tick_floor(t_ms);
    let down = service == "inventory"
        && dependency == "postgres"
        && incidents::active(IncidentKind::PostgresTimeout, tick, seed);
    if down {
        0.0
    } else {
        1.0
    }
}

/// Messages per second the billing-ledger lag grows by while billing's upstream times out.
const LAG_GROWTH: f64 = 14.0;
/// Messages per second the backlog drains at once the incident is over.
const LAG_DRAIN: f64 = 30.0;

/// `shop_kafka_consumer_lag{group}` at the newest tick at or before `t_ms`, where `group`
/// is an index into `model::KAFKA_GROUPS`.
pub fn kafka_lag(group: usize, t_ms: i64, seed: u64) -> f64 {
    let tick = tick_floor(t_ms);
    let (level, swing, period_ms) = if group == 0 {
        (45.0, 25.0, 1_381_000)
    } else {
        (400.0, 250.0, 7_213_000)
    };
    let phase = 2.0 * PI * unit(seed, 0x1a6 + group as u64, 0);
    let noise = 0.25 * level * unit(seed, 0x1a6_0000 + group as u64, tick as u64);
    let mut lag = level + swing * (angle(tick, period_ms) + phase).sin() + noise;
    if group == 0 {
        let kind = IncidentKind::BillingUpstreamTimeout;
        let cycle = tick.div_euclid(incidents::CYCLE_MS);
        for c in [cycle - 1, cycle] {
            let (s, e) = incidents::window(kind, c, seed);
            if tick >= s {
                let grown = LAG_GROWTH * ((tick.min(e) - s) as f64 / 1000.0);
                let drained = LAG_DRAIN * ((tick - e).max(0) as f64 / 1000.0);
                lag += (grown - drained).max(0.0);
            }
        }
    }
    lag.round().max(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::demo::model::{LE_BOUNDS, STATUSES};

    #[test]
    fn integral_matches_numeric_integration_of_the_rate() {
        let c = RateCurve::new(3, 42);
        let a = tick_floor(1_700_000_000_000);
        let b = a + 3_600_000;
        let n = 36_000;
        let h = (b - a) / n;
        let numeric: f64 = (0..n)
            .map(|i| c.rate(a + i * h + h / 2) * h as f64 / 1000.0)
            .sum();
        let exact = c.integral(b) - c.integral(a);
        assert!(
            (numeric - exact).abs() / exact < 1e-6,
            "{numeric} vs {exact}"
        );
        let mean = ENDPOINTS[3].mean_rps;
        for i in 0..2000 {
            let r = c.rate(a + i * 97_000);
            assert!(
                r >= mean * MIN_RATE_FACTOR - 1e-9 && r <= mean * (2.0 - MIN_RATE_FACTOR) + 1e-9
            );
        }
    }

    #[test]
    fn every_counter_is_monotonic_across_ticks_including_incidents() {
        let start = 1_700_000_000_000 - 1_700_000_000_000 % incidents::CYCLE_MS;
        for seed in [1, 42] {
            for ep in 0..ENDPOINTS.len() {
                let sig = EndpointSignal::new(ep, seed);
                let mut all: Vec<Coefs> = STATUSES.iter().map(|s| status_coefs(ep, s)).collect();
                all.extend((0..LE_BOUNDS.len()).map(|i| bucket_coefs(ep, i)));
                all.push(sum_coefs(ep));
                all.push(count_coefs());
                let mut prev = sig.parts(start);
                for k in 1..(2 * incidents::CYCLE_MS / SCRAPE_MS) {
                    let p = sig.parts(start + k * SCRAPE_MS);
                    for c in &all {
                        assert!(
                            c.value(&p) >= c.value(&prev),
                            "endpoint {ep} went down at tick {k}"
                        );
                    }
                    prev = p;
                }
            }
        }
    }

    #[test]
    fn statuses_add_up_to_count_and_inf_bucket() {
        let sig = EndpointSignal::new(5, 42);
        let p = sig.parts(1_700_000_123_456);
        let statuses: f64 = STATUSES.iter().map(|s| status_coefs(5, s).value(&p)).sum();
        let count = count_coefs().value(&p);
        let inf = bucket_coefs(5, LE_BOUNDS.len() - 1).value(&p);
        assert!((statuses - count).abs() / count < 1e-9);
        assert!((inf - count).abs() / count < 1e-9);
    }

    proptest::proptest! {
        // Failures are reported, not saved to a file outside this module.
        #![proptest_config(proptest::test_runner::Config { failure_persistence: None, ..Default::default() })]

        /// At any instant and seed, every counter of a random endpoint grows from one tick
        /// to the next, and after the epoch (where counters start at zero) buckets stay
        /// cumulative: a larger bound never counts fewer requests.
        #[test]
        fn counters_grow_and_buckets_stay_cumulative(
            seed in proptest::prelude::any::<u64>(),
            t in -10_000_000_000_000i64..10_000_000_000_000,
            ep in 0..ENDPOINTS.len(),
        ) {
            let sig = EndpointSignal::new(ep, seed);
            let (a, b) = (sig.parts(t), sig.parts(t + SCRAPE_MS));
            let mut prev_bucket = f64::NEG_INFINITY;
            for i in 0..LE_BOUNDS.len() {
                let c = bucket_coefs(ep, i);
                proptest::prop_assert!(c.value(&b) >= c.value(&a));
                if t >= 0 {
                    proptest::prop_assert!(c.value(&a) >= prev_bucket - 1e-6 * c.value(&a).abs());
                }
                prev_bucket = c.value(&a);
            }
            for s in STATUSES {
                let c = status_coefs(ep, s);
                proptest::prop_assert!(c.value(&b) >= c.value(&a));
            }
        }
    }

    #[test]
    fn normal_cdf_is_accurate() {
        assert!((normal_cdf(0.0) - 0.5).abs() < 1e-7);
        assert!((normal_cdf(1.0) - 0.841_344_746).abs() < 1e-6);
        assert!((normal_cdf(-2.326_347_874) - 0.01).abs() < 1e-6);
        assert!((lognormal_cdf(0.05, 0.05, 0.5) - 0.5).abs() < 1e-7);
    }
}
