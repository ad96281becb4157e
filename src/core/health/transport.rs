//! What an HTTP status code alone says about a service, and the cap it puts on a body.
//!
//! One rule serves both uses (§5.5 of the telemetry reference): 2xx and 3xx allow Ok; 5xx
//! is Fail; 4xx and anything else are Unknown, because 401/403/404/405/429 describe the probe
//! (misconfigured or unauthorised), not the service. A parsed body status wins, but never
//! rates better than this verdict: the result is the worse of the two, so 503 + `pass` is
//! Fail, 404 + `pass` is Unknown, and 404 + `fail` stays Fail (the IETF draft itself pairs
//! `fail` with 4xx–5xx). This file must never look at bodies.

use super::model::reason;
use super::state::HealthState;

/// The state an HTTP status code allows at best, with the reason when it is not Ok.
pub fn http_verdict(code: u16) -> (HealthState, Option<String>) {
    match code {
        200..=399 => (HealthState::Ok, None),
        500..=599 => (HealthState::Fail, Some(reason::http(code))),
        _ => (HealthState::Unknown, Some(reason::http(code))),
    }
}

/// Applies the HTTP cap to a body's state: the worse of the two. Returns the capped state
/// and, when the code made it worse, the code's reason.
pub fn cap(body: HealthState, code: Option<u16>) -> (HealthState, Option<String>) {
    let Some(code) = code else {
        return (body, None);
    };
    let (allowed, why) = http_verdict(code);
    if allowed.rank() > body.rank() {
        (allowed, why)
    } else {
        (body, None)
    }
}

#[cfg(test)]
#[allow(clippy::type_complexity)] // Case tables are clearer written inline.
mod tests {
    use super::*;
    use HealthState::*;

    fn check<I: std::fmt::Debug, O: PartialEq + std::fmt::Debug>(input: I, actual: O, expected: O) {
        assert_eq!(actual, expected, "input: {input:?}");
    }

    #[test]
    fn http_versus_body_precedence_table() {
        let cases: &[((HealthState, Option<u16>), (HealthState, Option<&str>))] = &[
            ((Ok, Some(200)), (Ok, None)),
            ((Ok, Some(204)), (Ok, None)),
            ((Ok, Some(301)), (Ok, None)),
            ((Warn, Some(200)), (Warn, None)),
            ((Fail, Some(200)), (Fail, None)),
            ((Ok, Some(503)), (Fail, Some("http_503"))),
            ((Warn, Some(500)), (Fail, Some("http_500"))),
            ((Unknown, Some(502)), (Fail, Some("http_502"))),
            ((Fail, Some(503)), (Fail, None)),
            ((Ok, Some(404)), (Unknown, Some("http_404"))),
            ((Ok, Some(401)), (Unknown, Some("http_401"))),
            ((Ok, Some(429)), (Unknown, Some("http_429"))),
            ((Warn, Some(403)), (Warn, None)),
            ((Fail, Some(404)), (Fail, None)),
            ((Ok, Some(101)), (Unknown, Some("http_101"))),
            ((Ok, Some(999)), (Unknown, Some("http_999"))),
            ((Ok, None), (Ok, None)),
        ];
        for ((body, code), (state, why)) in cases {
            let (s, r) = cap(*body, *code);
            check((body, code), (s, r.as_deref()), (*state, *why));
        }
    }
}
