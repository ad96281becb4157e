//! The dashboard spec: the one model that the UI edits, the share link encodes and JSON
//! import/export reads. Documented for humans in `docs/dashboard-spec.md`.
//!
//! Panels are `{kind, spec}` with their definition kept apart from their grid position
//! (`layout`). This module holds plain data only: no signals, no browser types.

mod decode;
mod model;

pub use decode::{decode_dashboard, decode_dashboard_str, is_variable_name, resolve_layout, DecodeError, Warning, MAX_NOTES, MAX_NOTE_CHARS, MAX_TRAIL};
pub use model::*;

/// The current spec version. Bump only for incompatible changes, and add a migration in
/// `decode` so that older dashboards and links keep opening.
pub const SPEC_VERSION: u32 = 1;

/// Hard cap on panels in one dashboard; a hostile link cannot make us render more.
pub const MAX_PANELS: usize = 200;
