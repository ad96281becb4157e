//! Health status grids (issue #5), the pure part: parsing every common health format into
//! one model, the strict traffic-light rules, freshness, per-cell history and the grid's
//! view model, plus health from the demo shop and from Prometheus `up` series.
//!
//! Nothing here may read a clock, do IO or name a browser crate: the edge fetches, passes
//! the status code, content type, body bytes and `now_ms`, and gets values back.
//!
//! Layout: `state.rs` (the four states), `model.rs` (checks, probe results, formats, reason
//! codes), `words.rs` (the status-word table), `transport.rs` (HTTP code rules),
//! `error.rs` (why a body was unreadable), `json.rs` (decoder helpers), one decoder per
//! format (`list.rs`, `ietf.rs`, `spring.rs`, `k8s.rs`, `gatus.rs`), `parse.rs` (format
//! choice), `assemble.rs` (overall verdict and the service's own cell), `freshness.rs`,
//! `history.rs`, `grid.rs`, `view.rs` (the painted grid), `live.rs` (the same, updated
//! per poll), `strip.rs` (a history strip as one CSS background), `patch.rs` (a poll's cell
//! changes packed for the page), `demo.rs` and `prometheus.rs`.

mod assemble;
mod demo;
mod error;
mod freshness;
mod gatus;
mod grid;
mod history;
mod ietf;
mod json;
mod k8s;
mod list;
mod live;
mod model;
mod order;
mod parse;
mod patch;
mod prometheus;
mod row_strips;
mod spring;
mod state;
mod strip;
mod transport;
mod view;
mod words;

#[cfg(test)]
mod parse_tests;

pub use assemble::MAX_CHECKS;
pub use demo::{demo_probe, demo_services, DEMO_TICK_MS};
pub use error::BodyError;
pub use freshness::{displayed, freshness_window_s, is_fresh, DEFAULT_FRESHNESS_S};
pub use grid::{Cell, Grid, Latest, Row};
pub use history::{History, HistoryBook, FLAP_CHANGES, FLAP_WINDOW, HISTORY_LEN};
pub use model::{reason, Check, Format, ProbeResult, CORS_HINT, SELF_CHECK};
pub use order::stay_put;
pub use parse::parse;
pub use patch::{bool_word, check_text, common_strip, part, CellBatch};
pub use row_strips::{plan_poll, PollPlan, RowStrip};
pub use prometheus::{checks_from_frame, probe_from_frame, probes_by_label};
pub use state::HealthState;
pub use strip::{strip_gradient, strip_key};
pub use transport::http_verdict;
pub use view::{
    detail, grid_view, jittered_ms, panel_grid, panel_health, plan_panel, poll_interval_s, resolve_url, symbol, to_status,
    unlisted_probe, word, CellView, Detail, GridView, HealthData, PanelHealth, PanelPlan, Polled, RawAnswer, RowSummary, RowView, GridSummary,
    Target, DEFAULT_POLL_S, EXCERPT_BYTES, STRIP_LEN,
};
pub use live::{Changes, LiveGrid};
pub use words::{meaning, Meaning};
