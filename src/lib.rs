//! Napkin: throwaway, shareable telemetry dashboards.
//!
//! Three layers with arrows pointing one way: `ui` wires Leptos components, `io` executes
//! what `core` describes (fetch, history, clipboard, canvas), and `core` holds the product's
//! knowledge with no browser dependency. Only `core` is compiled on the host, so plain
//! `cargo test` exercises it without a browser.

pub mod core;

#[cfg(target_arch = "wasm32")]
pub mod io;
#[cfg(target_arch = "wasm32")]
pub mod ui;
