//! Data frames: the only thing that travels from a datasource to a panel.
//!
//! A frame holds series of `(time, value)` samples. Times are epoch milliseconds UTC,
//! ascending; values are `f64` and may be NaN. A gap is either a NaN value or two
//! consecutive timestamps more than one `step_ms` apart; gaps are drawn, never interpolated.

/// One labelled series of samples.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Series {
    /// Label pairs sorted by name (the metric name, if any, is under `__name__`).
    pub labels: Vec<(String, String)>,
    /// Sample times, epoch ms UTC, strictly ascending.
    pub times: Vec<i64>,
    /// Sample values, same length as `times`.
    pub values: Vec<f64>,
}

/// The result of one query over one time range.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Frame {
    pub series: Vec<Series>,
    /// Evaluation step of the query in ms (the expected spacing of samples).
    pub step_ms: i64,
    /// Non-fatal notes from the datasource (e.g. Prometheus `warnings`), shown beside data.
    pub notices: Vec<String>,
}

impl Series {
    /// A readable legend name: the label values that are not the metric name, or the
    /// metric name when there are none.
    pub fn legend(&self) -> String {
        let parts: Vec<String> = self
            .labels
            .iter()
            .filter(|(k, _)| k != "__name__")
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        if parts.is_empty() {
            self.label("__name__").unwrap_or("value").to_string()
        } else {
            parts.join(", ")
        }
    }

    /// The value of one label, if present.
    pub fn label(&self, name: &str) -> Option<&str> {
        self.labels.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// The newest sample whose value is a finite number.
    pub fn last_finite(&self) -> Option<(i64, f64)> {
        self.times
            .iter()
            .zip(&self.values)
            .rev()
            .find(|(_, v)| v.is_finite())
            .map(|(t, v)| (*t, *v))
    }
}

impl Frame {
    /// True when no series has a single finite sample.
    pub fn is_empty(&self) -> bool {
        self.series.iter().all(|s| s.last_finite().is_none())
    }
}
