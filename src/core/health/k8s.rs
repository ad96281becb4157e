//! Decoder for Kubernetes `/readyz?verbose`, `/livez?verbose` and `/healthz` text:
//! `[+]ping ok`, `[+]informer-sync excluded: ok`, `[-]etcd failed: reason withheld`,
//! `warn: ...` notes, and a final `readyz check passed` or `readyz check failed`.
//!
//! Read one line at a time; lines that fit no pattern become warnings. A bare `ok` body
//! (non-verbose success) is the aggregate alone. This file must never apply HTTP rules.

use super::assemble::{Decoded, Top};
use super::error::BodyError;
use super::model::{Check, Format};
use super::state::HealthState;

/// Whether the text has at least one Kubernetes check or aggregate line.
pub fn looks_like(text: &str) -> bool {
    text.lines()
        .any(|l| check_line(l.trim()).is_some() || aggregate_line(l.trim()).is_some())
}

/// Decodes the text. Fails only when no line is a check, an aggregate or a bare `ok`.
pub fn decode(text: &str) -> Result<Decoded, BodyError> {
    let mut out = Decoded::new(Format::Kubernetes);
    let trimmed = text.trim();
    if trimmed.eq_ignore_ascii_case("ok") {
        out.top = Some(Top::new(HealthState::Ok, "ok", None));
        return Ok(out);
    }
    for (i, line) in trimmed.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if let Some(check) = check_line(line) {
            out.checks.push(check);
        } else if let Some(top) = aggregate_line(line) {
            out.top = Some(top);
        } else if let Some(note) = line.strip_prefix("warn: ") {
            out.warnings.push(format!("the endpoint warns: {note}"));
        } else {
            out.warnings.push(format!(
                "line {} was not understood and was ignored: {line}",
                i + 1
            ));
        }
    }
    if out.checks.is_empty() && out.top.is_none() {
        return Err(BodyError::UnknownShape(
            "text without [+]/[-] check lines or a \"check passed\" line".into(),
        ));
    }
    Ok(out)
}

/// `[+]name ok`, `[+]name excluded: ok`, `[-]name failed: message` (or just `failed`).
fn check_line(line: &str) -> Option<Check> {
    let (passed, rest) = if let Some(r) = line.strip_prefix("[+]") {
        (true, r)
    } else {
        (false, line.strip_prefix("[-]")?)
    };
    let (name, verdict) = rest.split_once(' ')?;
    if name.is_empty() {
        return None;
    }
    let group = name.split_once('/').map(|(g, _)| g.to_string());
    let mut check = match (passed, verdict.trim()) {
        (true, "ok") => Check::new(name, HealthState::Ok, "ok"),
        (true, "excluded: ok") => {
            Check::new(name, HealthState::Ok, "excluded: ok").with_reason("excluded")
        }
        (false, v) if v == "failed" || v.starts_with("failed:") => {
            let mut c = Check::new(name, HealthState::Fail, "failed").with_reason("failed");
            if let Some(msg) = v
                .strip_prefix("failed:")
                .map(str::trim)
                .filter(|m| !m.is_empty())
            {
                c.details.push(("message".into(), msg.to_string()));
            }
            c
        }
        _ => return None,
    };
    check.group = group;
    Some(check)
}

/// `readyz check passed` / `livez check failed` (any single word before `check`).
fn aggregate_line(line: &str) -> Option<Top> {
    let mut words = line.split_whitespace();
    let (_, check, verdict) = (words.next()?, words.next()?, words.next()?);
    if words.next().is_some() || check != "check" {
        return None;
    }
    match verdict {
        "passed" => Some(Top::new(HealthState::Ok, line, None)),
        "failed" => Some(Top::new(HealthState::Fail, line, Some("failed".into()))),
        _ => None,
    }
}
