//! The errors a share link can have, each worded as a sentence that tells a person what
//! happened and what to do about it. The UI shows these texts as they are.
//!
//! This file must never mention internals (base64, zlib, serde) in a message: the reader
//! is someone who clicked a link, not the person who wrote the codec.

use thiserror::Error;

/// Why a link could not be opened, or could only be opened in part.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum LinkError {
    #[error("This link is too long to be a Napkin dashboard ({len} characters; Napkin opens links of up to {max}). Share the dashboard as a JSON file instead.")]
    TooLong { len: usize, max: usize },

    #[error("This link does not hold a Napkin dashboard: the part after '#' starts with \"{start}\", but Napkin links start with \"#d=\" or \"#json=\". Check that the whole link was copied.")]
    UnknownKey { start: String },

    #[error("This link has nothing after \"{key}=\", so there is no dashboard in it. Copy the whole link again from where it was shared.")]
    Empty { key: String },

    #[error("This link was made by a newer Napkin (link format {version}; this Napkin reads format {supported}). Open it in an up-to-date Napkin.")]
    NewerVersion { version: String, supported: u32 },

    #[error("This link is damaged: it should start with \"d=\" and a format number such as \"d=1.\", but it starts with \"d={start}\". Copy the whole link again from where it was shared.")]
    NoVersion { start: String },

    #[error("This link is damaged: the character '{ch}' at position {position} cannot appear in a share link. Copy the link again from where it was shared, or ask for a fresh one.")]
    BadCharacter { ch: char, position: usize },

    #[error("This link is incomplete: it was cut off after {chars} characters, probably by a chat tool. {}", recovered_sentence(*.recovered))]
    Truncated { chars: usize, recovered: usize },

    #[error("This link is damaged: some of its characters were changed on the way, so parts of the dashboard may be wrong or missing. {} Ask for a fresh link to be sure.", recovered_sentence(*.recovered))]
    Corrupted { recovered: usize },

    #[error("This link expands to more than {limit_kib} KiB of dashboard, which is more than Napkin opens; it may have been made to slow your browser down, so it was not opened.")]
    TooLarge { limit_kib: usize },

    #[error("This link's dashboard is not valid UTF-8 text (the first bad byte is at position {at}). If you wrote the link by hand, percent-encode non-ASCII text as UTF-8, for example \"é\" as \"%C3%A9\".")]
    NotUtf8 { at: usize },

    #[error("The dashboard JSON in this link is not valid ({detail}). If you wrote the link by hand, check the JSON at that spot.")]
    InvalidJson { detail: String },

    #[error("The link holds JSON, but not a dashboard: {detail}. A dashboard is a JSON object with a title, a time range and panels.")]
    NotDashboard { detail: String },
}

/// "3 of the panels could be recovered.", worded for any count.
fn recovered_sentence(count: usize) -> String {
    match count {
        0 => "None of the panels could be recovered.".to_string(),
        1 => "1 panel could be recovered.".to_string(),
        n => format!("{n} of the panels could be recovered."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_sentences() {
        let all = [
            LinkError::TooLong { len: 300_000, max: 262_144 },
            LinkError::UnknownKey { start: "foo".into() },
            LinkError::Empty { key: "d".into() },
            LinkError::NewerVersion { version: "2".into(), supported: 1 },
            LinkError::NoVersion { start: "eNq".into() },
            LinkError::BadCharacter { ch: '+', position: 40 },
            LinkError::Truncated { chars: 412, recovered: 3 },
            LinkError::Corrupted { recovered: 0 },
            LinkError::TooLarge { limit_kib: 1024 },
            LinkError::NotUtf8 { at: 3 },
            LinkError::InvalidJson { detail: "expected value at line 1 column 2".into() },
            LinkError::NotDashboard { detail: "it is a list".into() },
        ];
        for e in all {
            let text = e.to_string();
            assert!(text.starts_with(|c: char| c.is_uppercase()), "{text}");
            assert!(text.ends_with('.'), "{text}");
        }
        assert_eq!(
            LinkError::Truncated { chars: 412, recovered: 3 }.to_string(),
            "This link is incomplete: it was cut off after 412 characters, probably by a chat tool. 3 of the panels could be recovered."
        );
    }
}
