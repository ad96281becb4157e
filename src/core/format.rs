//! Placeholder for `format`; filled in by its own change.
