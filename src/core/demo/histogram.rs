//! Prometheus's `histogram_quantile` over classic cumulative buckets, reproduced step for
//! step (sorting, monotonic repair, the `+Inf` rule and linear interpolation inside the
//! bucket) so the demo draws the same quantile curves as a real Prometheus would.
//!
//! This file works on plain `(upper bound, cumulative count)` pairs. It must never know
//! about metric names, labels or where the counts came from.

/// The `q`-quantile of cumulative buckets `(upper bound, count)`, in any order.
///
/// Follows Prometheus: NaN when `q` is NaN, `-Inf`/`+Inf` when `q` is below 0 or above 1,
/// NaN without a `+Inf` bucket, with fewer than two buckets or with no observations; a
/// rank falling into the `+Inf` bucket returns the highest finite bound; otherwise the
/// value is interpolated linearly within the bucket (which starts at 0 for the first
/// bucket when its bound is positive).
pub fn bucket_quantile(q: f64, buckets: &mut [(f64, f64)]) -> f64 {
    if q.is_nan() {
        return f64::NAN;
    }
    if q < 0.0 {
        return f64::NEG_INFINITY;
    }
    if q > 1.0 {
        return f64::INFINITY;
    }
    crate::core::sort::sort_by(buckets, |a, b| a.0.total_cmp(&b.0));
    let n = buckets.len();
    if n < 2 || buckets[n - 1].0 != f64::INFINITY {
        return f64::NAN;
    }
    // Prometheus forces counts to be non-decreasing in the bound (rates of separately
    // scraped buckets can disagree slightly).
    let mut max = f64::NEG_INFINITY;
    for b in buckets.iter_mut() {
        if b.1 < max {
            b.1 = max;
        }
        max = max.max(b.1);
    }
    let observations = buckets[n - 1].1;
    if observations.is_nan() || observations == 0.0 {
        return f64::NAN;
    }
    let rank = q * observations;
    let i = buckets[..n - 1]
        .iter()
        .position(|b| b.1 >= rank)
        .unwrap_or(n - 1);
    if i == n - 1 {
        return buckets[n - 2].0;
    }
    if i == 0 && buckets[0].0 <= 0.0 {
        return buckets[0].0;
    }
    let (mut start, end, mut count, mut rank) = (0.0, buckets[i].0, buckets[i].1, rank);
    if i > 0 {
        start = buckets[i - 1].0;
        count -= buckets[i - 1].1;
        rank -= buckets[i - 1].1;
    }
    start + (end - start) * (rank / count)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    #[test]
    fn interpolates_linearly_inside_the_bucket_like_prometheus() {
        // 100 observations: 10 ≤ 0.1 s, 60 ≤ 0.5 s, 90 ≤ 1 s, 100 ≤ +Inf.
        let b = || {
            vec![
                (0.5, 60.0),
                (f64::INFINITY, 100.0),
                (0.1, 10.0),
                (1.0, 90.0),
            ]
        };
        // Median: rank 50 falls in (0.1, 0.5] holding 50 observations, 40 of them needed.
        assert!(close(
            bucket_quantile(0.5, &mut b()),
            0.1 + 0.4 * 40.0 / 50.0
        ));
        // p5: rank 5 in the first bucket, which starts at 0.
        assert!(close(bucket_quantile(0.05, &mut b()), 0.1 * 5.0 / 10.0));
        // p90: exactly the top of (0.5, 1].
        assert!(close(bucket_quantile(0.9, &mut b()), 1.0));
        // p99: rank 99 lies in +Inf, so the highest finite bound is returned.
        assert!(close(bucket_quantile(0.99, &mut b()), 1.0));
        assert_eq!(bucket_quantile(-0.1, &mut b()), f64::NEG_INFINITY);
        assert_eq!(bucket_quantile(1.5, &mut b()), f64::INFINITY);
    }

    #[test]
    fn no_traffic_missing_inf_and_non_monotonic_counts() {
        assert!(bucket_quantile(0.5, &mut [(0.1, 0.0), (f64::INFINITY, 0.0)]).is_nan());
        assert!(bucket_quantile(0.5, &mut [(0.1, 3.0), (1.0, 5.0)]).is_nan());
        assert!(bucket_quantile(0.5, &mut [(f64::INFINITY, 5.0)]).is_nan());
        // The dip at 0.5 is repaired to 6, so the median (rank 5) is in (0, 0.1].
        let v = bucket_quantile(0.5, &mut [(0.1, 6.0), (0.5, 4.0), (f64::INFINITY, 10.0)]);
        assert!(close(v, 0.1 * 5.0 / 6.0));
    }
}
