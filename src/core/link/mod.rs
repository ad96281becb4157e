//! Placeholder for the link codec.
