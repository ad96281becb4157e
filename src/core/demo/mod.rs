//! Placeholder for the demo datasource.
