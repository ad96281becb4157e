//! What Share puts in a link: by default the dashboard frozen at its current absolute range
//! with an "as of" stamp (so a pasted link never drifts), or with "keep live" the relative
//! range. Incident notes travel with the spec; a frozen window is stretched to the latest
//! note made before the click, so a note pinned "now" is never cut off.
//!
//! Freezing also resolves variables: a variable set to "All" is replaced by the explicit
//! list of values the sharer's page had resolved, so whoever opens the link later queries
//! exactly the same series even when services have appeared or vanished since. When those
//! values are not known, the variable stays "All" and the share says so in words. Pure: the
//! caller passes the range anchor, the click instant and the resolved options.

use crate::core::spec::{Dashboard, TimeSpec, Variable};
use crate::core::time::TimeRange;
use crate::core::vars::{selection, Selection, ALL};
use std::collections::BTreeMap;
use thiserror::Error;

/// Most values a frozen "All" is replaced by. A longer list would make the link too long
/// for chat tools (and the query very long), so such a variable stays "All" with a warning.
pub const MAX_FROZEN_VALUES: usize = 100;

/// Each variable's options as the sharer's page resolved them, by variable name. A
/// variable missing here has no resolved options (still loading, or its source failed).
pub type ResolvedOptions = BTreeMap<String, Vec<String>>;

/// Why a frozen share kept a variable as "All" instead of the values the sharer saw.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ShareWarning {
    /// The variable's options were still loading or failed to load.
    #[error("{name}: options not loaded, shared as All")]
    OptionsNotLoaded { name: String },
    /// The variable's options resolved to no value at all.
    #[error("{name}: no values found, shared as All")]
    NoValues { name: String },
    /// The variable has more values than a link should list.
    #[error("{name}: {count} values are too many to list in a link, shared as All")]
    TooManyValues { name: String, count: usize },
}

/// What Share produces: the dashboard for the link and what it could not freeze.
#[derive(Debug, Clone, PartialEq)]
pub struct Shared {
    pub dashboard: Dashboard,
    pub warnings: Vec<ShareWarning>,
}

/// The dashboard as it should travel in a share link, with every "All" variable resolved
/// to `options` when frozen.
pub fn shared_dashboard(
    dashboard: &Dashboard,
    anchor_ms: i64,
    shared_at_ms: i64,
    keep_live: bool,
    options: &ResolvedOptions,
) -> Shared {
    let mut d = dashboard.clone();
    let mut warnings = Vec::new();
    let range = TimeRange::resolve(d.time, anchor_ms);
    if !keep_live {
        let latest_note = d
            .notes
            .iter()
            .map(|n| n.at_ms)
            .filter(|at| *at <= shared_at_ms)
            .max();
        let to_ms = match (d.time, latest_note) {
            (TimeSpec::Relative { .. }, Some(at)) => range.to_ms().max(at.saturating_add(1)),
            _ => range.to_ms(),
        };
        d.time = TimeSpec::Absolute {
            from_ms: range.from_ms(),
            to_ms,
        };
        d.as_of_ms = Some(d.as_of_ms.unwrap_or(shared_at_ms));
        warnings = d
            .variables
            .iter_mut()
            .filter_map(|v| freeze_variable(v, options))
            .collect();
    } else if let TimeSpec::Absolute { .. } = d.time {
        d.time = TimeSpec::Relative {
            last_s: (range.duration_ms() / 1000).max(60) as u64,
        };
        d.as_of_ms = None;
    }
    Shared {
        dashboard: d,
        warnings,
    }
}

/// Replaces an "All" selection by the explicit values (fixed options first, else the
/// resolved ones). A single-value variable becomes multi-value in the frozen copy, since
/// "All" of it stands for several values and a single selection would query only the
/// first. Returns why it could not, leaving "All" in place.
fn freeze_variable(v: &mut Variable, options: &ResolvedOptions) -> Option<ShareWarning> {
    if selection(v) != Selection::All {
        return None;
    }
    let name = v.name.clone();
    let source = if v.options.is_empty() {
        options.get(&v.name)
    } else {
        Some(&v.options)
    };
    let Some(source) = source else {
        return Some(ShareWarning::OptionsNotLoaded { name });
    };
    let mut values: Vec<String> = Vec::with_capacity(source.len());
    for value in source {
        if value != ALL && !values.contains(value) {
            values.push(value.clone());
        }
    }
    if values.is_empty() {
        return Some(ShareWarning::NoValues { name });
    }
    if values.len() > MAX_FROZEN_VALUES {
        return Some(ShareWarning::TooManyValues {
            name,
            count: values.len(),
        });
    }
    v.current = values;
    v.multi = true;
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::dashboards::shop_overview;
    use crate::core::spec::Note;
    use crate::core::vars::apply_to_panel;

    fn none() -> ResolvedOptions {
        ResolvedOptions::new()
    }

    const SEEN: [&str; 3] = ["billing", "checkout", "gateway"];

    fn seen() -> ResolvedOptions {
        ResolvedOptions::from([(
            "service".to_string(),
            SEEN.iter().map(|s| s.to_string()).collect(),
        )])
    }

    fn service(d: &Dashboard) -> &Variable {
        d.variables
            .iter()
            .find(|v| v.name == "service")
            .expect("the $service variable")
    }

    /// Every `service` matcher value of the dashboard's queries after substitution.
    fn service_matchers(d: &Dashboard) -> Vec<String> {
        use crate::core::query::{MetricQuery, Query};
        use crate::core::spec::PanelDef;
        let of = |m: &MetricQuery| {
            m.matchers
                .iter()
                .filter(|x| x.label == "service")
                .map(|x| x.value.clone())
                .collect::<Vec<_>>()
        };
        let mut found = Vec::new();
        for p in &d.panels {
            let queries = match apply_to_panel(&p.def, &d.variables) {
                PanelDef::Kpi(spec) => vec![spec.query],
                PanelDef::Timeseries(spec) => spec.queries,
                _ => Vec::new(),
            };
            for q in queries {
                match q {
                    Query::Metric(m) => found.extend(of(&m)),
                    Query::Ratio(r) => {
                        found.extend(of(&r.num));
                        found.extend(of(&r.den));
                    }
                    Query::Promql(_) => {}
                }
            }
        }
        found
    }

    #[test]
    fn share_freezes_the_current_window_by_default() {
        let d =
            shared_dashboard(&shop_overview(), 10_000_000, 10_000_500, false, &none()).dashboard;
        assert_eq!(
            d.time,
            TimeSpec::Absolute {
                from_ms: 10_000_000 - 3_600_000,
                to_ms: 10_000_000
            }
        );
        assert_eq!(d.as_of_ms, Some(10_000_500));
    }

    #[test]
    fn keep_live_shares_the_relative_range() {
        let live =
            shared_dashboard(&shop_overview(), 10_000_000, 10_000_500, true, &none()).dashboard;
        assert_eq!(live.time, TimeSpec::Relative { last_s: 3600 });
        assert_eq!(live.as_of_ms, None);
        let mut frozen = shop_overview();
        frozen.time = TimeSpec::Absolute {
            from_ms: 0,
            to_ms: 7_200_000,
        };
        frozen.as_of_ms = Some(7_200_000);
        let back = shared_dashboard(&frozen, 99, 100, true, &none()).dashboard;
        assert_eq!(back.time, TimeSpec::Relative { last_s: 7200 });
        assert_eq!(back.as_of_ms, None);
    }

    #[test]
    fn a_note_made_after_the_last_refresh_stays_inside_the_frozen_window() {
        let mut d = shop_overview();
        d.notes = vec![
            Note {
                at_ms: 10_000_300,
                text: "rolled back".into(),
                author: None,
            },
            Note {
                at_ms: 99_000_000,
                text: "a typo far in the future".into(),
                author: None,
            },
        ];
        let shared = shared_dashboard(&d, 10_000_000, 10_000_500, false, &none()).dashboard;
        assert_eq!(
            shared.time,
            TimeSpec::Absolute {
                from_ms: 10_000_000 - 3_600_000,
                to_ms: 10_000_301
            }
        );
        assert_eq!(shared.notes, d.notes, "notes travel in the link");
    }

    #[test]
    fn incident_board_link_with_two_notes_is_measured() {
        use crate::core::templates::{build, Template, TemplateSources};
        let mut d = build(
            Template::IncidentBoard,
            "checkout",
            &TemplateSources::demo(),
        );
        let (from, to) = (1_763_880_000_000, 1_763_883_600_000);
        d.notes = vec![
            Note {
                at_ms: from + 1_200_000,
                text: "checkout 5xx alert fired; rolling back 4.2.1".into(),
                author: Some("ana".into()),
            },
            Note {
                at_ms: from + 2_400_000,
                text: "rollback done, error rate back under 1 %".into(),
                author: None,
            },
        ];
        let shared = shared_dashboard(&d, to, to + 5_000, false, &none()).dashboard;
        let fragment = crate::core::link::encode_share(&shared);
        let without = crate::core::link::encode_share(&Dashboard {
            notes: Vec::new(),
            ..shared.clone()
        });
        println!(
            "Incident board share fragment (frozen, two notes): {} characters (#{}); without the notes {}",
            fragment.len() + 1,
            &fragment[..12],
            without.len() + 1
        );
        assert!(
            fragment.len() < 2_000,
            "fits chat tools: {}",
            fragment.len()
        );
        let back = crate::core::link::decode_fragment(&fragment)
            .dashboard
            .unwrap();
        assert_eq!(back.notes, shared.notes);
    }

    #[test]
    fn an_already_frozen_dashboard_keeps_its_stamp() {
        let mut frozen = shop_overview();
        frozen.time = TimeSpec::Absolute {
            from_ms: 0,
            to_ms: 60_000,
        };
        frozen.as_of_ms = Some(42);
        let d = shared_dashboard(&frozen, 999_999, 1_000_000, false, &none()).dashboard;
        assert_eq!(d.time, frozen.time);
        assert_eq!(d.as_of_ms, Some(42));
    }

    #[test]
    fn a_frozen_share_replaces_all_by_the_values_the_sharer_saw() {
        let d = shop_overview();
        assert_eq!(
            selection(service(&d)),
            Selection::All,
            "the Shop overview starts at All"
        );
        let shared = shared_dashboard(&d, 10_000_000, 10_000_500, false, &seen());
        assert!(shared.warnings.is_empty(), "{:?}", shared.warnings);
        let v = service(&shared.dashboard);
        assert_eq!(v.current, SEEN.to_vec());
        assert_eq!(
            (v.include_all, v.metric.as_deref(), v.label.as_deref()),
            (true, service(&d).metric.as_deref(), None),
            "the definition is kept"
        );
        assert_eq!(
            selection(v),
            Selection::Values(SEEN.iter().map(|s| s.to_string()).collect())
        );
    }

    #[test]
    fn the_resolved_list_survives_the_link_and_the_opened_queries_use_exactly_it() {
        let shared = shared_dashboard(&shop_overview(), 10_000_000, 10_000_500, false, &seen());
        let fragment = crate::core::link::encode_share(&shared.dashboard);
        let opened = crate::core::link::decode_fragment(&fragment)
            .dashboard
            .expect("the link opens");
        assert_eq!(service(&opened).current, SEEN.to_vec());
        let values = service_matchers(&opened);
        assert!(
            values.len() >= 4,
            "the per-service charts filter on $service: {values:?}"
        );
        for value in &values {
            if value != "gateway" {
                assert_eq!(
                    value, "(?:billing|checkout|gateway)",
                    "every $service query lists exactly the resolved values"
                );
            }
        }
        let live = service_matchers(&shop_overview());
        assert!(
            live.iter().any(|v| v == ".*"),
            "before sharing, All matches anything: {live:?}"
        );
    }

    #[test]
    fn options_not_resolved_keep_all_and_say_so() {
        let shared = shared_dashboard(&shop_overview(), 10_000_000, 10_000_500, false, &none());
        assert_eq!(
            service(&shared.dashboard),
            service(&shop_overview()),
            "unchanged: still All"
        );
        assert_eq!(
            shared.warnings,
            vec![ShareWarning::OptionsNotLoaded {
                name: "service".into()
            }]
        );
        assert_eq!(
            shared.warnings[0].to_string(),
            "service: options not loaded, shared as All"
        );
        let empty = ResolvedOptions::from([("service".to_string(), Vec::new())]);
        let shared = shared_dashboard(&shop_overview(), 10_000_000, 10_000_500, false, &empty);
        assert_eq!(selection(service(&shared.dashboard)), Selection::All);
        assert_eq!(
            shared.warnings[0].to_string(),
            "service: no values found, shared as All"
        );
    }

    #[test]
    fn too_many_values_keep_all_and_say_so() {
        let many = ResolvedOptions::from([(
            "service".to_string(),
            (0..=MAX_FROZEN_VALUES).map(|i| format!("s{i}")).collect(),
        )]);
        let shared = shared_dashboard(&shop_overview(), 10_000_000, 10_000_500, false, &many);
        assert_eq!(selection(service(&shared.dashboard)), Selection::All);
        assert_eq!(
            shared.warnings,
            vec![ShareWarning::TooManyValues {
                name: "service".into(),
                count: MAX_FROZEN_VALUES + 1
            }]
        );
    }

    #[test]
    fn keep_live_leaves_all_as_all() {
        let shared = shared_dashboard(&shop_overview(), 10_000_000, 10_000_500, true, &seen());
        assert_eq!(service(&shared.dashboard), service(&shop_overview()));
        assert!(
            shared.warnings.is_empty(),
            "a live share resolves nothing, so it warns about nothing"
        );
        let shared = shared_dashboard(&shop_overview(), 10_000_000, 10_000_500, true, &none());
        assert!(shared.warnings.is_empty());
    }

    #[test]
    fn a_single_value_variable_set_to_all_freezes_to_every_value() {
        let mut d = shop_overview();
        let v = d
            .variables
            .iter_mut()
            .find(|v| v.name == "service")
            .unwrap();
        v.multi = false;
        v.current = vec![ALL.to_string()];
        let shared = shared_dashboard(&d, 10_000_000, 10_000_500, false, &seen());
        let v = service(&shared.dashboard);
        assert_eq!(
            (v.multi, v.current.clone()),
            (true, SEEN.iter().map(|s| s.to_string()).collect::<Vec<_>>())
        );
        assert!(
            service_matchers(&shared.dashboard)
                .iter()
                .any(|m| m == "(?:billing|checkout|gateway)"),
            "all values are queried, not just the first"
        );
    }

    #[test]
    fn explicit_selections_and_fixed_options_are_respected() {
        let mut d = shop_overview();
        d.variables[0].current = vec!["billing".into()];
        let shared = shared_dashboard(&d, 10_000_000, 10_000_500, false, &none());
        assert_eq!(
            (shared.dashboard.variables[0].clone(), shared.warnings.len()),
            (d.variables[0].clone(), 0),
            "a chosen value needs no options"
        );
        let mut fixed = shop_overview();
        fixed.variables[0].options = vec!["b".into(), "a".into(), "b".into(), ALL.into()];
        let shared = shared_dashboard(&fixed, 10_000_000, 10_000_500, false, &none());
        assert_eq!(
            shared.dashboard.variables[0].current,
            vec!["b".to_string(), "a".to_string()],
            "fixed options need no loading; duplicates and All dropped"
        );
        assert!(shared.warnings.is_empty());
    }

    #[test]
    fn the_longest_frozen_list_survives_the_link_decoder() {
        let most: Vec<String> = (0..MAX_FROZEN_VALUES).map(|i| format!("service-{i}")).collect();
        let options = ResolvedOptions::from([("service".to_string(), most.clone())]);
        let shared = shared_dashboard(&shop_overview(), 10_000_000, 10_000_500, false, &options);
        assert!(shared.warnings.is_empty());
        let fragment = crate::core::link::encode_share(&shared.dashboard);
        let opened = crate::core::link::decode_fragment(&fragment).dashboard.expect("the link opens");
        assert_eq!(service(&opened).current, most, "the decoder keeps every frozen value");
    }
}
