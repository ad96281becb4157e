//! Why a health body could not be read. These never escape `parse` as errors: each becomes
//! an Unknown verdict with a stable reason code and a readable warning.
//!
//! This file must never decide states; it only names failures and says what to do.

use super::model::reason;
use thiserror::Error;

/// Why a body could not be turned into checks.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum BodyError {
    #[error("the health endpoint answered with an empty body; point it at a URL that reports health, or set its format to \"http\" in datasources.json if the status code alone is the answer")]
    Empty,
    #[error("the health endpoint answered with an HTML page (an error page, login page or app shell), not a health report; check the URL and any proxy or login in front of it")]
    Html,
    #[error("the health endpoint answered with binary data, not a health report; check the URL")]
    Binary,
    #[error("the health body is not valid JSON ({0}); it may be truncated or cut off by a proxy")]
    NotJson(String),
    #[error("the health body is readable but in no format Napkin knows ({0}); set the endpoint's format in datasources.json (list, ietf, spring, kubernetes, gatus or http)")]
    UnknownShape(String),
}

impl BodyError {
    /// The stable reason code shown in `data-reason`.
    pub fn reason(&self) -> &'static str {
        match self {
            BodyError::Empty => reason::EMPTY_BODY,
            BodyError::Html => reason::HTML_PAGE,
            BodyError::Binary | BodyError::UnknownShape(_) => reason::UNRECOGNISED_BODY,
            BodyError::NotJson(_) => reason::UNPARSEABLE_BODY,
        }
    }
}
