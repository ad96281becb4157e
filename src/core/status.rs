//! Placeholder for `status`; filled in by its own change.
