//! Placeholder for `banner`; filled in by its own change.
