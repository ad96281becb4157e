//! The panel editor's model: a draft of one panel held as the strings the form shows,
//! converted to and from a `Panel`, with validation messages a person can act on.
//!
//! The editor component binds inputs to these fields and calls `to_panel`; all parsing and
//! checking happens here. Pure: no IO.

use crate::core::drill::{target_ref, TargetRef};
use crate::core::link::decode_fragment;
use crate::core::query::{Agg, MatchOp, Matcher, MetricQuery, PromqlQuery, Query, RangeFn};
use crate::core::spec::{Direction, DrillTarget, KpiSpec, Panel, PanelDef, Reduce, Thresholds, TimeseriesSpec, Unit};

/// How the query is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryMode {
    /// The structured builder (works on demo and Prometheus).
    Builder,
    /// Raw PromQL (Prometheus-API datasources only).
    Code,
    /// A query the builder cannot show (e.g. a ratio); kept as it is unless replaced.
    Kept,
}

/// One matcher row as typed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MatcherDraft {
    pub label: String,
    /// `=`, `!=`, `=~` or `!~`.
    pub op: String,
    pub value: String,
}

/// A panel being edited, as the form's strings.
#[derive(Debug, Clone, PartialEq)]
pub struct PanelDraft {
    pub id: String,
    /// Empty means "name it after its query" (`auto_title`).
    pub title: String,
    /// `kpi` or `timeseries`.
    pub kind: String,
    pub datasource: String,
    pub mode: QueryMode,
    pub metric: String,
    pub matchers: Vec<MatcherDraft>,
    /// ``, `rate` or `increase`.
    pub range_fn: String,
    /// ``, `sum`, `avg`, `min`, `max` or `count`.
    pub agg: String,
    /// Comma-separated grouping labels.
    pub by: String,
    /// `` or a quantile such as `0.99`.
    pub quantile: String,
    pub promql: String,
    pub kept: Option<Query>,
    /// Queries after the first of a chart, kept unchanged.
    pub extra_queries: Vec<Query>,
    pub unit: Unit,
    pub reduce: Reduce,
    /// ``, `above` or `below`.
    pub direction: String,
    pub warn: String,
    pub fail: String,
    /// KPI settings the form does not show, kept as they were.
    pub decimals: Option<u8>,
    pub sparkline: bool,
    /// The KPI's drill target as loaded (kept when the form's choice does not change it).
    pub drill: Option<DrillTarget>,
    /// Where a click on the KPI leads: `auto` (the planned breakdown) or `dashboard` (the
    /// one in `drill_target`).
    pub drill_mode: String,
    /// A link (whole URL or `d=1.…`/`json=…` fragment) or a Recent key.
    pub drill_target: String,
}

impl PanelDraft {
    /// A new KPI on `datasource` with a sensible starting query.
    pub fn new(id: String, datasource: String) -> Self {
        Self {
            id,
            title: String::new(),
            kind: "timeseries".into(),
            datasource,
            mode: QueryMode::Builder,
            metric: String::new(),
            matchers: Vec::new(),
            range_fn: "rate".into(),
            agg: "sum".into(),
            by: String::new(),
            quantile: String::new(),
            promql: String::new(),
            kept: None,
            extra_queries: Vec::new(),
            unit: Unit::None,
            reduce: Reduce::Last,
            direction: String::new(),
            warn: String::new(),
            fail: String::new(),
            decimals: None,
            sparkline: true,
            drill: None,
            drill_mode: "auto".into(),
            drill_target: String::new(),
        }
    }

    /// The draft of an existing panel.
    pub fn from_panel(panel: &Panel) -> Self {
        let mut d = Self::new(panel.id.clone(), panel.datasource.clone());
        d.title = panel.title.clone();
        let (query, unit, thresholds) = match &panel.def {
            PanelDef::Kpi(k) => {
                d.kind = "kpi".into();
                d.reduce = k.reduce;
                d.decimals = k.decimals;
                d.sparkline = k.sparkline;
                d.drill = k.drill.clone();
                if let Some(DrillTarget::Dashboard(target)) = &k.drill {
                    d.drill_mode = "dashboard".into();
                    d.drill_target = target.clone();
                }
                (Some(k.query.clone()), k.unit, k.thresholds)
            }
            PanelDef::Timeseries(t) => {
                d.kind = "timeseries".into();
                d.extra_queries = t.queries.iter().skip(1).cloned().collect();
                (t.queries.first().cloned(), t.unit, t.thresholds)
            }
            other => {
                d.kind = other.kind().into();
                (None, Unit::None, None)
            }
        };
        d.unit = unit;
        if let Some(t) = thresholds {
            d.direction = match t.direction {
                Direction::Above => "above".into(),
                Direction::Below => "below".into(),
            };
            d.warn = t.warn.map(|v| v.to_string()).unwrap_or_default();
            d.fail = t.fail.map(|v| v.to_string()).unwrap_or_default();
        }
        match query {
            Some(Query::Metric(m)) => d.set_builder(&m),
            Some(Query::Promql(p)) => {
                d.mode = QueryMode::Code;
                d.promql = p.expr;
            }
            Some(other) => {
                d.mode = QueryMode::Kept;
                d.kept = Some(other);
            }
            None => {}
        }
        d
    }

    fn set_builder(&mut self, m: &MetricQuery) {
        self.mode = QueryMode::Builder;
        self.metric = m.metric.clone();
        self.matchers = m.matchers.iter().map(|x| MatcherDraft { label: x.label.clone(), op: x.op.as_str().into(), value: x.value.clone() }).collect();
        self.range_fn = match m.range_fn {
            Some(RangeFn::Rate) => "rate",
            Some(RangeFn::Increase) => "increase",
            None => "",
        }
        .into();
        self.agg = m.agg.map(agg_name).unwrap_or("").into();
        self.by = m.by.join(", ");
        self.quantile = m.quantile.map(|q| q.to_string()).unwrap_or_default();
    }

    /// The structured query the builder fields describe.
    pub fn builder_query(&self) -> Result<MetricQuery, Vec<String>> {
        let mut problems = Vec::new();
        let metric = self.metric.trim().to_string();
        if metric.is_empty() {
            problems.push("Pick a metric.".to_string());
        }
        let mut matchers = Vec::new();
        for (i, m) in self.matchers.iter().enumerate() {
            if m.label.trim().is_empty() && m.value.is_empty() {
                continue;
            }
            let op = match m.op.as_str() {
                "=" | "" => MatchOp::Eq,
                "!=" => MatchOp::Ne,
                "=~" => MatchOp::Re,
                "!~" => MatchOp::Nre,
                other => {
                    problems.push(format!("Filter {}: unknown operator \"{other}\".", i + 1));
                    continue;
                }
            };
            if m.label.trim().is_empty() {
                problems.push(format!("Filter {}: choose a label.", i + 1));
                continue;
            }
            matchers.push(Matcher { label: m.label.trim().into(), op, value: m.value.clone() });
        }
        let range_fn = match self.range_fn.as_str() {
            "" => None,
            "rate" => Some(RangeFn::Rate),
            "increase" => Some(RangeFn::Increase),
            other => {
                problems.push(format!("Unknown function \"{other}\"."));
                None
            }
        };
        let agg = match self.agg.as_str() {
            "" => None,
            "sum" => Some(Agg::Sum),
            "avg" => Some(Agg::Avg),
            "min" => Some(Agg::Min),
            "max" => Some(Agg::Max),
            "count" => Some(Agg::Count),
            other => {
                problems.push(format!("Unknown aggregation \"{other}\"."));
                None
            }
        };
        let by: Vec<String> = self.by.split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect();
        let quantile = match self.quantile.trim() {
            "" => None,
            q => match q.parse::<f64>() {
                Ok(v) if v > 0.0 && v < 1.0 => Some(v),
                _ => {
                    problems.push(format!("The quantile must be a number between 0 and 1 (such as 0.99), not \"{q}\"."));
                    None
                }
            },
        };
        if problems.is_empty() {
            Ok(MetricQuery { metric, matchers, range_fn, window_s: None, agg, by, quantile })
        } else {
            Err(problems)
        }
    }

    /// The query the draft describes in its current mode.
    pub fn query(&self) -> Result<Query, Vec<String>> {
        match self.mode {
            QueryMode::Builder => self.builder_query().map(Query::Metric),
            QueryMode::Code if self.promql.trim().is_empty() => Err(vec!["Type a PromQL expression.".into()]),
            QueryMode::Code => Ok(Query::Promql(PromqlQuery { expr: self.promql.trim().into() })),
            QueryMode::Kept => self.kept.clone().ok_or_else(|| vec!["This panel has no query.".into()]),
        }
    }

    /// The thresholds the draft describes.
    pub fn thresholds(&self) -> Result<Option<Thresholds>, Vec<String>> {
        let direction = match self.direction.as_str() {
            "" => return Ok(None),
            "above" => Direction::Above,
            "below" => Direction::Below,
            other => return Err(vec![format!("Unknown threshold direction \"{other}\".")]),
        };
        let num = |name: &str, s: &str| -> Result<Option<f64>, String> {
            match s.trim() {
                "" => Ok(None),
                t => t.parse::<f64>().ok().filter(|v| v.is_finite()).map(Some).ok_or(format!("The {name} threshold must be a number, not \"{t}\".")),
            }
        };
        let (warn, fail) = (num("warning", &self.warn), num("failing", &self.fail));
        let problems: Vec<String> = [&warn, &fail].iter().filter_map(|r| r.as_ref().err().cloned()).collect();
        if !problems.is_empty() {
            return Err(problems);
        }
        let (warn, fail) = (warn.unwrap_or(None), fail.unwrap_or(None));
        if warn.is_none() && fail.is_none() {
            return Err(vec!["Give a warning or a failing threshold, or choose no thresholds.".into()]);
        }
        if let (Some(w), Some(f)) = (warn, fail) {
            let ordered = match direction {
                Direction::Above => w <= f,
                Direction::Below => w >= f,
            };
            if !ordered {
                return Err(vec![match direction {
                    Direction::Above => "When higher is worse, the warning threshold must not be above the failing one.".into(),
                    Direction::Below => "When lower is worse, the warning threshold must not be below the failing one.".into(),
                }]);
            }
        }
        Ok(Some(Thresholds { direction, warn, fail }))
    }

    /// A title made from the query, for a panel left untitled: "rate of
    /// shop_http_requests_total by service", "p99 of shop_http_request_duration_seconds".
    pub fn auto_title(&self) -> Option<String> {
        let title = match self.query().ok()? {
            Query::Metric(m) => {
                let what = match (m.quantile, m.range_fn) {
                    (Some(q), _) => format!("p{} of ", format_quantile(q)),
                    (None, Some(RangeFn::Rate)) => "rate of ".to_string(),
                    (None, Some(RangeFn::Increase)) => "increase of ".to_string(),
                    (None, None) => String::new(),
                };
                let filters: Vec<String> = m.matchers.iter().map(|x| format!("{}{}{}", x.label, x.op.as_str(), x.value)).collect();
                let filters = if filters.is_empty() { String::new() } else { format!(" where {}", filters.join(", ")) };
                let by = if m.by.is_empty() { String::new() } else { format!(" by {}", m.by.join(", ")) };
                format!("{what}{}{filters}{by}", m.metric)
            }
            Query::Promql(p) => p.expr.chars().take(60).collect(),
            _ => return None,
        };
        Some(title)
    }

    /// The drill target the form describes: the planned breakdown, or a chosen dashboard
    /// whose link must open (a Recent key is looked up only when the tile is clicked; a
    /// target the form left as loaded is kept unchecked).
    pub fn drill_target(&self) -> Result<Option<DrillTarget>, Vec<String>> {
        match self.drill_mode.as_str() {
            "" | "auto" => Ok(match &self.drill {
                Some(DrillTarget::Dashboard(_)) => None,
                other => other.clone(),
            }),
            "dashboard" => {
                let text = self.drill_target.trim();
                if text.is_empty() {
                    return Err(vec!["Choose a dashboard from Recent or paste a link for the drill-down.".into()]);
                }
                // A target the form did not change is kept as it was loaded.
                if let Some(DrillTarget::Dashboard(loaded)) = &self.drill {
                    if loaded == text {
                        return Ok(self.drill.clone());
                    }
                }
                match target_ref(text) {
                    TargetRef::Fragment(fragment) => {
                        let out = decode_fragment(&fragment);
                        match (out.dashboard, out.error) {
                            (Some(_), None) => Ok(Some(DrillTarget::Dashboard(fragment))),
                            (_, Some(e)) => Err(vec![format!("The drill-down link cannot be opened: {e}")]),
                            (None, None) => Err(vec!["The drill-down link holds no dashboard.".into()]),
                        }
                    }
                    TargetRef::RecentKey(key) if key.contains(char::is_whitespace) || key.contains("://") => {
                        Err(vec![format!("\"{key}\" is neither a Napkin link nor a Recent dashboard.")])
                    }
                    TargetRef::RecentKey(key) => Ok(Some(DrillTarget::Dashboard(key))),
                }
            }
            other => Err(vec![format!("Unknown drill-down choice \"{other}\".")]),
        }
    }

    /// The finished panel, or every problem that stops it.
    pub fn to_panel(&self) -> Result<Panel, Vec<String>> {
        let mut problems = Vec::new();
        let query = self.query().map_err(|p| problems.extend(p)).ok();
        let title = match self.title.trim() {
            "" => self.auto_title().unwrap_or_default(),
            t => t.to_string(),
        };
        if title.is_empty() && problems.is_empty() {
            problems.push("Give the panel a title.".to_string());
        }
        let thresholds = self.thresholds().map_err(|p| problems.extend(p)).ok().flatten();
        let drill = if self.kind == "kpi" {
            self.drill_target().map_err(|p| problems.extend(p)).ok().flatten()
        } else {
            None
        };
        let def = match (self.kind.as_str(), query) {
            ("kpi", Some(query)) => Some(PanelDef::Kpi(KpiSpec {
                query,
                unit: self.unit,
                reduce: self.reduce,
                thresholds,
                decimals: self.decimals,
                sparkline: self.sparkline,
                drill,
            })),
            ("timeseries", Some(query)) => {
                let mut queries = vec![query];
                queries.extend(self.extra_queries.iter().cloned());
                Some(PanelDef::Timeseries(TimeseriesSpec { queries, unit: self.unit, thresholds }))
            }
            ("kpi" | "timeseries", None) => None,
            (other, _) => {
                problems.push(format!("The editor cannot build {other} panels yet."));
                None
            }
        };
        match def {
            Some(def) if problems.is_empty() => Ok(Panel { id: self.id.clone(), title, datasource: self.datasource.clone(), def }),
            _ => Err(problems),
        }
    }
}

/// 0.99 → "99", 0.5 → "50", 0.999 → "99.9".
fn format_quantile(q: f64) -> String {
    let pct = (q * 1000.0).round() / 10.0;
    if pct.fract() == 0.0 {
        format!("{}", pct as i64)
    } else {
        format!("{pct}")
    }
}

fn agg_name(a: Agg) -> &'static str {
    match a {
        Agg::Sum => "sum",
        Agg::Avg => "avg",
        Agg::Min => "min",
        Agg::Max => "max",
        Agg::Count => "count",
    }
}

/// A panel id not used by `existing`, e.g. `p9`.
pub fn fresh_id<'a>(existing: impl IntoIterator<Item = &'a str> + Clone) -> String {
    (1..).map(|n| format!("p{n}")).find(|id| !existing.clone().into_iter().any(|e| e == id)).expect("unbounded")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::dashboards::shop_overview;

    #[test]
    fn every_shop_panel_round_trips_through_a_draft() {
        for panel in shop_overview().panels {
            let back = PanelDraft::from_panel(&panel).to_panel().unwrap();
            assert_eq!(back, panel, "{}", panel.title);
        }
    }

    #[test]
    fn builder_fields_make_a_structured_query() {
        let mut d = PanelDraft::new("p1".into(), "demo".into());
        d.metric = "shop_http_requests_total".into();
        d.matchers = vec![MatcherDraft { label: "status".into(), op: "=~".into(), value: "5..".into() }, MatcherDraft::default()];
        d.by = "service, endpoint".into();
        let Query::Metric(q) = d.query().unwrap() else { panic!("metric expected") };
        assert_eq!(q.matchers, vec![Matcher::re("status", "5..")]);
        assert_eq!(q.by, vec!["service", "endpoint"]);
        assert_eq!(q.agg, Some(Agg::Sum));
    }

    #[test]
    fn problems_are_listed_in_words() {
        let mut d = PanelDraft::new("p1".into(), "demo".into());
        d.title = " ".into();
        d.quantile = "99".into();
        assert!(d.auto_title().is_none(), "no title can be made from a broken query");
        d.direction = "above".into();
        d.warn = "x".into();
        let problems = d.to_panel().unwrap_err();
        assert!(problems.iter().any(|p| p.contains("metric")), "{problems:?}");
        assert!(problems.iter().any(|p| p.contains("between 0 and 1")), "{problems:?}");
        assert!(problems.iter().any(|p| p.contains("must be a number")), "{problems:?}");
    }

    #[test]
    fn thresholds_must_be_ordered_for_their_direction() {
        let mut d = PanelDraft::new("p1".into(), "demo".into());
        d.direction = "below".into();
        d.warn = "90".into();
        d.fail = "95".into();
        assert!(d.thresholds().is_err());
        d.fail = "80".into();
        assert_eq!(d.thresholds().unwrap().unwrap().fail, Some(80.0));
    }

    #[test]
    fn code_mode_keeps_promql_and_ratio_is_kept() {
        let mut d = PanelDraft::new("p1".into(), "prom".into());
        d.mode = QueryMode::Code;
        d.promql = " up ".into();
        assert_eq!(d.query().unwrap(), Query::Promql(PromqlQuery { expr: "up".into() }));
        let ratio = shop_overview().panels.into_iter().find(|p| p.id == "errors").unwrap();
        assert_eq!(PanelDraft::from_panel(&ratio).mode, QueryMode::Kept);
    }

    #[test]
    fn an_untitled_panel_is_named_after_its_query() {
        let mut d = PanelDraft::new("p1".into(), "demo".into());
        d.metric = "shop_http_requests_total".into();
        d.by = "service".into();
        assert_eq!(d.to_panel().unwrap().title, "rate of shop_http_requests_total by service");
        d.metric = "shop_http_request_duration_seconds".into();
        d.quantile = "0.99".into();
        d.by = String::new();
        d.matchers = vec![MatcherDraft { label: "service".into(), op: "=".into(), value: "billing".into() }];
        assert_eq!(d.to_panel().unwrap().title, "p99 of shop_http_request_duration_seconds where service=billing");
        d.quantile = "0.999".into();
        assert!(d.auto_title().unwrap().starts_with("p99.9 of"));
        d.title = "  Mine ".into();
        assert_eq!(d.to_panel().unwrap().title, "Mine", "a typed title wins");
        d.title = String::new();
        d.mode = QueryMode::Code;
        d.promql = "up".into();
        assert_eq!(d.to_panel().unwrap().title, "up");
    }

    #[test]
    fn kpi_settings_the_form_does_not_show_are_kept() {
        let mut panel = shop_overview().panels.into_iter().find(|p| p.id == "rate").unwrap();
        if let PanelDef::Kpi(k) = &mut panel.def {
            k.decimals = Some(2);
            k.sparkline = false;
            k.drill = Some(DrillTarget::Dashboard("d=1.abc".into()));
        }
        assert_eq!(PanelDraft::from_panel(&panel).to_panel().unwrap(), panel);
    }

    #[test]
    fn the_drill_target_is_the_breakdown_or_a_chosen_dashboard_that_opens() {
        let tile = shop_overview().panels.into_iter().find(|p| p.id == "rate").unwrap();
        let mut d = PanelDraft::from_panel(&tile);
        assert_eq!(d.drill_mode, "auto");
        let drill = |p: Panel| match p.def {
            PanelDef::Kpi(k) => k.drill,
            _ => panic!("a KPI"),
        };
        d.drill_mode = "dashboard".into();
        let problems = d.to_panel().unwrap_err();
        assert!(problems[0].contains("Choose a dashboard"), "{problems:?}");
        let target = crate::core::link::encode_share(&shop_overview());
        d.drill_target = format!("  https://napkin.example/#{target} ");
        assert_eq!(drill(d.to_panel().unwrap()), Some(DrillTarget::Dashboard(target.clone())), "a whole URL keeps only its fragment");
        d.drill_target = "k-42".into();
        assert_eq!(drill(d.to_panel().unwrap()), Some(DrillTarget::Dashboard("k-42".into())), "a Recent key");
        d.drill_target = format!("{}", &target[..target.len() / 2]);
        let problems = d.to_panel().unwrap_err();
        assert!(problems[0].starts_with("The drill-down link cannot be opened"), "{problems:?}");
        d.drill_target = "https://example.com/not napkin".into();
        assert!(d.to_panel().unwrap_err()[0].contains("neither a Napkin link"));
        // Back to automatic: a chosen target goes, the form round-trips.
        d.drill_target = target.clone();
        let chosen = d.to_panel().unwrap();
        let mut again = PanelDraft::from_panel(&chosen);
        assert_eq!((again.drill_mode.as_str(), again.drill_target.as_str()), ("dashboard", target.as_str()));
        again.drill_mode = "auto".into();
        assert_eq!(drill(again.to_panel().unwrap()), None);
        // Charts have no drill target whatever the form says.
        again.kind = "timeseries".into();
        again.drill_mode = "dashboard".into();
        again.drill_target = String::new();
        assert!(again.to_panel().is_ok());
    }

    #[test]
    fn fresh_ids_skip_used_ones() {
        assert_eq!(fresh_id(["p1", "p2", "rate"]), "p3");
        assert_eq!(fresh_id([] as [&str; 0]), "p1");
    }
}
