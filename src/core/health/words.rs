//! The status-word vocabulary: one table that turns a source's own word (IETF `pass`,
//! Spring `OUT_OF_SERVICE`, the simple list's `TIMEOUT`, ...) into a state and a reason.
//!
//! Matching ignores case, surrounding spaces, and treats `-` and spaces like `_`. A word
//! that is not in the table becomes Unknown with the raw word kept by the caller. This file
//! must never look at HTTP codes or body shapes; decoders call it with the word alone.

use super::model::reason;
use super::state::HealthState;

/// A status word's meaning: the state and, when the word explains a problem, a reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Meaning {
    pub state: HealthState,
    pub reason: Option<String>,
    /// False when the word is not in the table (so it maps to Unknown as a guess).
    pub recognised: bool,
}

/// Words meaning healthy: IETF `pass`/`ok`/`up`, Spring `UP`, the list's `OK`/`HEALTHY`, plus
/// Consul's `passing` and gRPC's `SERVING`.
const OK_WORDS: [&str; 7] = [
    "ok", "up", "pass", "passed", "passing", "healthy", "serving",
];

/// Words meaning degraded but serving.
const WARN_WORDS: [&str; 5] = ["warn", "warning", "degraded", "slow", "partial"];

/// Words meaning failing; the lowercased word itself becomes the reason (e.g. `timeout`).
const FAIL_WORDS: [&str; 11] = [
    "fail",
    "failed",
    "failing",
    "error",
    "down",
    "timeout",
    "timed_out",
    "unavailable",
    "unhealthy",
    "critical",
    "not_serving",
];

/// Words meaning drained on purpose: shown as Fail with reason `out_of_service`.
const MAINTENANCE_WORDS: [&str; 3] = ["out_of_service", "maintenance", "drained"];

/// Words that honestly say "unknown" (they are recognised, so no warning is due).
const UNKNOWN_WORDS: [&str; 3] = ["unknown", "undetermined", "service_unknown"];

/// Brings a raw word to the table's spelling: trimmed, lowercase, `-` and spaces as `_`.
pub fn canonical(raw: &str) -> String {
    raw.trim()
        .chars()
        .map(|c| {
            if c == '-' || c == ' ' {
                '_'
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect()
}

/// Looks a source's status word up in the table.
pub fn meaning(raw: &str) -> Meaning {
    let word = canonical(raw);
    let is = |list: &[&str]| list.contains(&word.as_str());
    let (state, reason, recognised) = if is(&OK_WORDS) {
        (HealthState::Ok, None, true)
    } else if is(&WARN_WORDS) {
        (HealthState::Warn, None, true)
    } else if is(&MAINTENANCE_WORDS) {
        (
            HealthState::Fail,
            Some(reason::OUT_OF_SERVICE.to_string()),
            true,
        )
    } else if is(&FAIL_WORDS) {
        (HealthState::Fail, Some(word.clone()), true)
    } else if is(&UNKNOWN_WORDS) {
        (HealthState::Unknown, None, true)
    } else {
        (
            HealthState::Unknown,
            Some(reason::UNRECOGNISED_STATUS.to_string()),
            false,
        )
    };
    Meaning {
        state,
        reason,
        recognised,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use HealthState::*;

    fn check<I: std::fmt::Debug, O: PartialEq + std::fmt::Debug>(input: I, actual: O, expected: O) {
        assert_eq!(actual, expected, "input: {input:?}");
    }

    #[test]
    fn the_normalisation_table() {
        let cases: &[(&str, HealthState, Option<&str>, bool)] = &[
            ("pass", Ok, None, true),
            ("OK", Ok, None, true),
            ("Up", Ok, None, true),
            (" HEALTHY ", Ok, None, true),
            ("PASS", Ok, None, true),
            ("warn", Warn, None, true),
            ("WARNING", Warn, None, true),
            ("DEGRADED", Warn, None, true),
            ("SLOW", Warn, None, true),
            ("fail", Fail, Some("fail"), true),
            ("error", Fail, Some("error"), true),
            ("DOWN", Fail, Some("down"), true),
            ("TIMEOUT", Fail, Some("timeout"), true),
            ("UNAVAILABLE", Fail, Some("unavailable"), true),
            ("UNHEALTHY", Fail, Some("unhealthy"), true),
            ("OUT_OF_SERVICE", Fail, Some("out_of_service"), true),
            ("out-of-service", Fail, Some("out_of_service"), true),
            ("UNKNOWN", Unknown, None, true),
            ("FATAL", Unknown, Some("unrecognised_status"), false),
            ("green", Unknown, Some("unrecognised_status"), false),
            ("", Unknown, Some("unrecognised_status"), false),
        ];
        for (raw, state, reason, recognised) in cases {
            let m = meaning(raw);
            check(
                raw,
                (m.state, m.reason.as_deref(), m.recognised),
                (*state, *reason, *recognised),
            );
        }
    }
}
