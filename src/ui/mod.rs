//! Leptos components. They wire `core` values to the DOM and hold no business logic:
//! every number, status, text and URL they show comes from a `core` function.

mod app;
mod autosave;
pub mod banner;
mod breadcrumbs;
mod chart;
mod drill;
mod notes;
mod snapshot;
mod editor;
mod exemplars;
mod fetcher;
pub mod grid;
pub mod health;
pub mod kpi;
mod library;
pub mod notices;
mod share;
pub mod shortcuts;
mod state;
mod status_line;
mod time_picker;
pub mod trace;
mod var_options;
mod variables;

pub use app::App;
pub use state::{use_app, AppState};

/// Installs the panic hook and mounts the app on `<body>`.
pub fn start() {
    crate::io::panic::install();
    leptos::mount::mount_to_body(App);
}
