//! The pure core: everything Napkin knows, with no browser dependency, no clock and no IO.
//!
//! Nothing under `src/core` may name a browser crate (a test in `tests/architecture.rs`
//! enforces it). Functions here take values (text, bytes, instants) and return values, so
//! all of it is tested with plain `cargo test` on the host.

pub mod a11y;
pub mod banner;
pub mod chart;
pub mod dashboards;
pub mod drill;
pub mod datasource;
pub mod editor;
pub mod exemplars;
pub mod decimate;
pub mod fetch_state;
pub mod demo;
pub mod format;
pub mod frame;
pub mod health;
pub mod kpi;
pub mod layout;
pub mod link;
pub mod notes;
pub mod plan;
pub mod prom;
pub mod query;
pub mod range_select;
pub mod recent;
pub mod refresh;
pub mod share;
pub mod shortcuts;
pub mod snapshot;
pub mod sort;
pub mod spec;
pub mod status;
pub mod templates;
pub mod time;
pub mod trace;
pub mod undo;
pub mod vars;
