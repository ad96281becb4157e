//! Placeholder for `datasource`; filled in by its own change.
