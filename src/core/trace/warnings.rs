//! A capped list of decoder warnings, so a file with 100,000 broken spans yields a readable
//! summary instead of 100,000 lines.
//!
//! This module only collects text; it must never decide what is worth a warning.

/// At most this many warnings are kept word for word; the rest are counted.
pub const MAX_WARNINGS: usize = 20;

/// Warnings collected while decoding, capped at [`MAX_WARNINGS`].
#[derive(Debug, Default)]
pub struct Warnings {
    kept: Vec<String>,
    dropped: usize,
}

impl Warnings {
    /// Records one warning.
    pub fn push(&mut self, text: impl Into<String>) {
        if self.kept.len() < MAX_WARNINGS {
            self.kept.push(text.into());
        } else {
            self.dropped += 1;
        }
    }

    /// The kept warnings, plus one line counting the dropped ones.
    pub fn finish(mut self) -> Vec<String> {
        if self.dropped > 0 {
            self.kept.push(format!("… and {} more warnings like these", self.dropped));
        }
        self.kept
    }
}
