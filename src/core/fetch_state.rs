//! The life of one panel's data: loading, ok, empty, error, with the last good data kept
//! (greyed and aged) when a refresh fails, and a bounded retry backoff.
//!
//! Pure state transitions; the browser edge calls them as fetches start and end.

use crate::core::frame::Frame;
use crate::core::time::TimeRange;
use std::sync::Arc;

/// What `data-state` says about a panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataState {
    Loading,
    Ok,
    Empty,
    Error,
}

impl DataState {
    pub fn as_str(self) -> &'static str {
        match self {
            DataState::Loading => "loading",
            DataState::Ok => "ok",
            DataState::Empty => "empty",
            DataState::Error => "error",
        }
    }
}

/// Everything known about one panel's data.
#[derive(Debug, Clone, Default)]
pub struct PanelFetch {
    /// Increases with every attempt; results of superseded attempts are ignored.
    pub generation: u64,
    pub in_flight: bool,
    /// The last good frames (one per planned job) and the range they cover.
    pub frames: Option<Arc<Vec<Frame>>>,
    pub data_range: Option<TimeRange>,
    /// When the last good frames arrived, epoch ms.
    pub fetched_at_ms: Option<i64>,
    /// The error of the latest attempt, if it failed.
    pub error: Option<String>,
    /// Consecutive failed attempts.
    pub failures: u32,
}

/// Frames compare by identity: two fetch states are equal when they hold the very same
/// result, which keeps change detection cheap however large the frames are.
impl PartialEq for PanelFetch {
    fn eq(&self, other: &Self) -> bool {
        let same_frames = match (&self.frames, &other.frames) {
            (Some(a), Some(b)) => Arc::ptr_eq(a, b),
            (None, None) => true,
            _ => false,
        };
        same_frames
            && self.generation == other.generation
            && self.in_flight == other.in_flight
            && self.data_range == other.data_range
            && self.fetched_at_ms == other.fetched_at_ms
            && self.error == other.error
            && self.failures == other.failures
    }
}

impl PanelFetch {
    /// Starts a new attempt and returns its generation.
    pub fn begin(&mut self) -> u64 {
        self.generation += 1;
        self.in_flight = true;
        self.generation
    }

    /// Records a success, unless a newer attempt has started since.
    pub fn succeed(&mut self, generation: u64, frames: Vec<Frame>, range: TimeRange, now_ms: i64) -> bool {
        if generation != self.generation {
            return false;
        }
        self.in_flight = false;
        self.frames = Some(Arc::new(frames));
        self.data_range = Some(range);
        self.fetched_at_ms = Some(now_ms);
        self.error = None;
        self.failures = 0;
        true
    }

    /// Records a failure, keeping the last good data, unless a newer attempt has started.
    pub fn fail(&mut self, generation: u64, message: String) -> bool {
        if generation != self.generation {
            return false;
        }
        self.in_flight = false;
        self.error = Some(message);
        self.failures = self.failures.saturating_add(1);
        true
    }

    /// The panel's visible state.
    pub fn state(&self) -> DataState {
        if self.error.is_some() {
            return DataState::Error;
        }
        match &self.frames {
            None => DataState::Loading,
            Some(frames) if frames.iter().all(Frame::is_empty) => DataState::Empty,
            Some(_) => DataState::Ok,
        }
    }

    /// Whether shown data is from an earlier, now failing, fetch.
    pub fn showing_old_data(&self) -> bool {
        self.error.is_some() && self.frames.is_some()
    }

    /// Delay before the next automatic retry: 2 s doubling to at most 60 s.
    pub fn retry_delay_ms(&self) -> Option<u32> {
        (self.failures > 0).then(|| (2_000u32 << (self.failures - 1).min(5)).min(60_000))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::frame::Series;

    fn frame(v: f64) -> Frame {
        Frame { series: vec![Series { labels: vec![], times: vec![1], values: vec![v] }], step_ms: 1, notices: vec![] }
    }

    fn range() -> TimeRange {
        TimeRange::new(0, 10).unwrap()
    }

    #[test]
    fn loading_then_ok_then_error_keeps_old_data() {
        let mut p = PanelFetch::default();
        assert_eq!(p.state(), DataState::Loading);
        let g = p.begin();
        assert!(p.succeed(g, vec![frame(1.0)], range(), 100));
        assert_eq!(p.state(), DataState::Ok);
        let g = p.begin();
        assert_eq!(p.state(), DataState::Ok, "refreshing keeps showing data");
        assert!(p.fail(g, "boom".into()));
        assert_eq!(p.state(), DataState::Error);
        assert!(p.showing_old_data());
        assert_eq!(p.fetched_at_ms, Some(100));
    }

    #[test]
    fn superseded_results_are_ignored() {
        let mut p = PanelFetch::default();
        let old = p.begin();
        let new = p.begin();
        assert!(!p.succeed(old, vec![frame(1.0)], range(), 1));
        assert!(!p.fail(old, "late".into()));
        assert!(p.succeed(new, vec![frame(2.0)], range(), 2));
        assert_eq!(p.fetched_at_ms, Some(2));
    }

    #[test]
    fn empty_frames_mean_empty_state() {
        let mut p = PanelFetch::default();
        let g = p.begin();
        p.succeed(g, vec![frame(f64::NAN), Frame::default()], range(), 1);
        assert_eq!(p.state(), DataState::Empty);
    }

    #[test]
    fn retry_backoff_doubles_and_is_capped() {
        let mut p = PanelFetch::default();
        assert_eq!(p.retry_delay_ms(), None);
        let delays: Vec<u32> = (0..8)
            .map(|_| {
                let g = p.begin();
                p.fail(g, "x".into());
                p.retry_delay_ms().unwrap()
            })
            .collect();
        assert_eq!(delays, vec![2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000]);
    }
}
