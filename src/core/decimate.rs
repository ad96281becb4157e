//! Placeholder for `decimate`; filled in by its own change.
