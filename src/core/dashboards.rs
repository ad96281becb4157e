//! Placeholder for `dashboards`; filled in by its own change.
