//! Dashboard variables in queries: `$name` (or `${name}`) stands for the selected values.
//!
//! Substitution happens on query values before planning, so every datasource sees plain
//! queries. A single value replaces the text; several values (or "All") turn an equality
//! matcher into an anchored regex, as Grafana users expect. Pure: no IO.

use crate::core::query::{MatchOp, Matcher, MetricQuery, Query, RatioQuery};
use crate::core::spec::{PanelDef, Variable};

/// What a variable currently stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    /// Every value (no filtering).
    All,
    /// One or more concrete values.
    Values(Vec<String>),
    /// Nothing selected and no "All": the variable is left as typed, so the problem shows.
    Unset,
}

/// The selection of `v`.
pub fn selection(v: &Variable) -> Selection {
    match (v.current.is_empty(), v.include_all) {
        (true, true) => Selection::All,
        (true, false) => Selection::Unset,
        (false, _) if v.current.iter().any(|c| c == ALL) => Selection::All,
        (false, _) => Selection::Values(if v.multi { v.current.clone() } else { v.current[..1].to_vec() }),
    }
}

/// What a variable's options are read from: two variables with the same source offer the
/// same options (the selection, multi and "All" flags play no part).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptionsSource {
    label: String,
    metric: Option<String>,
    datasource: Option<String>,
    options: Vec<String>,
}

impl OptionsSource {
    /// The source of `v`'s options.
    pub fn of(v: &Variable) -> Self {
        OptionsSource { label: v.label_name().to_string(), metric: v.metric.clone(), datasource: v.datasource.clone(), options: v.options.clone() }
    }
}

/// The options a variable offers without asking any datasource (as in a snapshot): its
/// fixed options, else the values it was frozen with ("All" left out).
pub fn offline_options(v: &Variable) -> Vec<String> {
    let source = if v.options.is_empty() { &v.current } else { &v.options };
    source.iter().filter(|x| *x != ALL).cloned().collect()
}

/// The value stored in `current` for "All".
pub const ALL: &str = "$__all";

/// Escapes regex metacharacters so a value matches itself literally.
pub fn regex_escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        if "\\.+*?()|[]{}^$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn mentions(text: &str, name: &str) -> bool {
    find_reference(text, name).is_some()
}

/// Byte range of the first `$name` / `${name}` reference (not a longer name's prefix).
fn find_reference(text: &str, name: &str) -> Option<(usize, usize)> {
    let braced = format!("${{{name}}}");
    if let Some(i) = text.find(&braced) {
        return Some((i, i + braced.len()));
    }
    let plain = format!("${name}");
    let mut from = 0;
    while let Some(i) = text[from..].find(&plain).map(|i| i + from) {
        let end = i + plain.len();
        let next = text[end..].chars().next();
        if !next.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Some((i, end));
        }
        from = end;
    }
    None
}

fn replace_all(text: &str, name: &str, with: &str) -> String {
    let mut out = text.to_string();
    // Bounded: each pass removes one reference, and a value cannot reintroduce one
    // because replacements are never rescanned from their start.
    let mut from = 0;
    while let Some((a, b)) = find_reference(&out[from..], name).map(|(a, b)| (a + from, b + from)) {
        out.replace_range(a..b, with);
        from = a + with.len();
    }
    out
}

fn apply_matcher(m: &Matcher, vars: &[Variable]) -> Matcher {
    let mut m = m.clone();
    for v in vars {
        if !mentions(&m.value, &v.name) {
            continue;
        }
        match selection(v) {
            Selection::Unset => {}
            Selection::Values(values) if values.len() == 1 && matches!(m.op, MatchOp::Eq | MatchOp::Ne) => {
                m.value = replace_all(&m.value, &v.name, &values[0]);
            }
            Selection::Values(values) => {
                let alternation = values.iter().map(|x| regex_escape(x)).collect::<Vec<_>>().join("|");
                m.value = to_regex(&m, &v.name, &format!("(?:{alternation})"));
                m.op = regex_op(m.op);
            }
            Selection::All => {
                m.value = to_regex(&m, &v.name, ".*");
                m.op = regex_op(m.op);
            }
        }
    }
    m
}

/// The regex operator with the same polarity.
fn regex_op(op: MatchOp) -> MatchOp {
    match op {
        MatchOp::Eq | MatchOp::Re => MatchOp::Re,
        MatchOp::Ne | MatchOp::Nre => MatchOp::Nre,
    }
}

/// Rewrites the matcher into its regex form with `pattern` in place of the reference.
fn to_regex(m: &Matcher, name: &str, pattern: &str) -> String {
    match m.op {
        MatchOp::Eq | MatchOp::Ne => {
            let escaped = regex_escape(&m.value);
            let reference = regex_escape(&format!("${name}"));
            let braced = regex_escape(&format!("${{{name}}}"));
            let mut out = replace_literal(&escaped, &braced, pattern);
            out = replace_literal(&out, &reference, pattern);
            out
        }
        MatchOp::Re | MatchOp::Nre => replace_all(&m.value, name, pattern),
    }
}

fn replace_literal(text: &str, needle: &str, with: &str) -> String {
    text.replace(needle, with)
}

fn apply_metric(q: &MetricQuery, vars: &[Variable]) -> MetricQuery {
    let mut q = q.clone();
    q.matchers = q.matchers.iter().map(|m| apply_matcher(m, vars)).collect();
    q
}

/// The query with every variable reference replaced.
pub fn apply(query: &Query, vars: &[Variable]) -> Query {
    match query {
        Query::Metric(q) => Query::Metric(apply_metric(q, vars)),
        Query::Ratio(r) => Query::Ratio(RatioQuery { num: apply_metric(&r.num, vars), den: apply_metric(&r.den, vars), scale: r.scale }),
        Query::Promql(p) => {
            let mut expr = p.expr.clone();
            for v in vars {
                let with = match selection(v) {
                    Selection::Unset => continue,
                    Selection::All => ".*".to_string(),
                    Selection::Values(values) if values.len() == 1 => values[0].clone(),
                    Selection::Values(values) => values.iter().map(|x| regex_escape(x)).collect::<Vec<_>>().join("|"),
                };
                expr = replace_all(&expr, &v.name, &with);
            }
            Query::Promql(crate::core::query::PromqlQuery { expr })
        }
    }
}

/// The panel definition with variables applied to every query.
pub fn apply_to_panel(def: &PanelDef, vars: &[Variable]) -> PanelDef {
    let mut def = def.clone();
    match &mut def {
        PanelDef::Kpi(spec) => spec.query = apply(&spec.query, vars),
        PanelDef::Timeseries(spec) => spec.queries = spec.queries.iter().map(|q| apply(q, vars)).collect(),
        PanelDef::TraceSearch(_) | PanelDef::Waterfall(_) | PanelDef::HealthGrid(_) => {}
    }
    def
}

/// A new variable from the editor's fields, checked against the existing ones.
pub fn new_variable(existing: &[Variable], name: &str, label: &str, metric: &str, datasource: &str, multi: bool) -> Result<Variable, String> {
    let name = name.trim().trim_start_matches('$');
    if !crate::core::spec::is_variable_name(name) {
        return Err(format!("\"{name}\" is not a variable name: use letters, digits and _, starting with a letter."));
    }
    if existing.iter().any(|v| v.name == name) {
        return Err(format!("The dashboard already has a variable ${name}."));
    }
    let opt = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
    Ok(Variable {
        name: name.to_string(),
        label: opt(label).filter(|l| l != name),
        metric: opt(metric),
        datasource: opt(datasource).filter(|d| d != crate::core::datasource::DEMO),
        options: Vec::new(),
        multi,
        include_all: true,
        current: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn var(name: &str, current: &[&str], multi: bool, all: bool) -> Variable {
        Variable {
            name: name.into(),
            label: None,
            metric: None,
            datasource: None,
            options: vec![],
            multi,
            include_all: all,
            current: current.iter().map(|s| s.to_string()).collect(),
        }
    }

    fn query(value: &str) -> Query {
        Query::Metric(MetricQuery { metric: "m".into(), matchers: vec![Matcher::eq("service", value)], ..Default::default() })
    }

    fn matcher(q: &Query) -> (MatchOp, String) {
        let Query::Metric(m) = q else { panic!("metric query expected") };
        (m.matchers[0].op, m.matchers[0].value.clone())
    }

    fn check(value: &str, vars: &[Variable], expected: (MatchOp, &str)) {
        let got = matcher(&apply(&query(value), vars));
        assert_eq!((got.0, got.1.as_str()), expected, "{value}");
    }

    #[test]
    fn new_variables_are_checked() {
        let existing = vec![var("service", &[], false, false)];
        assert!(new_variable(&existing, "$service", "", "", "demo", false).unwrap_err().contains("already"));
        assert!(new_variable(&existing, "9x", "", "", "demo", false).unwrap_err().contains("not a variable name"));
        let v = new_variable(&existing, "$endpoint", "endpoint", " shop_http_requests_total ", "demo", true).unwrap();
        assert_eq!((v.name.as_str(), v.label, v.metric.as_deref(), v.datasource, v.multi), ("endpoint", None, Some("shop_http_requests_total"), None, true));
    }

    #[test]
    fn single_value_replaces_text() {
        check("$service", &[var("service", &["billing"], false, false)], (MatchOp::Eq, "billing"));
        check("${service}-v2", &[var("service", &["billing"], false, false)], (MatchOp::Eq, "billing-v2"));
    }

    #[test]
    fn several_values_become_an_escaped_alternation() {
        check("$service", &[var("service", &["a.b", "c"], true, false)], (MatchOp::Re, "(?:a\\.b|c)"));
    }

    #[test]
    fn all_becomes_match_anything() {
        check("$service", &[var("service", &[], true, true)], (MatchOp::Re, ".*"));
        check("$service", &[var("service", &[ALL], false, true)], (MatchOp::Re, ".*"));
    }

    #[test]
    fn unset_and_unrelated_names_are_left_alone() {
        check("$service", &[var("service", &[], false, false)], (MatchOp::Eq, "$service"));
        check("$services", &[var("service", &["x"], false, false)], (MatchOp::Eq, "$services"));
        check("gateway", &[var("service", &["x"], false, false)], (MatchOp::Eq, "gateway"));
    }

    #[test]
    fn single_select_uses_only_the_first_value() {
        check("$service", &[var("service", &["a", "b"], false, false)], (MatchOp::Eq, "a"));
    }

    #[test]
    fn promql_text_is_substituted() {
        let q = Query::Promql(crate::core::query::PromqlQuery { expr: "sum(rate(x{service=~\"$service\"}[5m]))".into() });
        let Query::Promql(out) = apply(&q, &[var("service", &["a", "b"], true, false)]) else { panic!() };
        assert_eq!(out.expr, "sum(rate(x{service=~\"a|b\"}[5m]))");
    }

    #[test]
    fn the_options_source_ignores_the_selection_but_not_the_definition() {
        let a = var("service", &[], true, true);
        let chosen = var("service", &["billing"], false, false);
        assert_eq!(OptionsSource::of(&a), OptionsSource::of(&chosen));
        let other_metric = Variable { metric: Some("up".into()), ..a.clone() };
        assert_ne!(OptionsSource::of(&a), OptionsSource::of(&other_metric));
        let other_label = Variable { label: Some("job".into()), ..a.clone() };
        assert_ne!(OptionsSource::of(&a), OptionsSource::of(&other_label));
    }

    #[test]
    fn offline_options_are_the_fixed_or_frozen_values() {
        assert_eq!(offline_options(&var("service", &["a", "b"], true, true)), vec!["a", "b"]);
        assert_eq!(offline_options(&var("service", &[ALL], false, true)), Vec::<String>::new());
        let fixed = Variable { options: vec!["x".into(), "y".into()], ..var("service", &["x"], false, false) };
        assert_eq!(offline_options(&fixed), vec!["x", "y"]);
    }

    #[test]
    fn a_value_containing_a_reference_is_not_expanded_again() {
        check("$service", &[var("service", &["$service"], false, false)], (MatchOp::Eq, "$service"));
    }
}
