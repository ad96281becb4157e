//! The deployer's datasource list (`datasources.json`) and lookup by name.
//!
//! A dashboard names datasources; only this list turns a name into a URL. A link can
//! therefore never make a browser call an address the deployer did not configure. This
//! module parses the file tolerantly and never performs a request.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use thiserror::Error;

/// The name of the built-in simulated datasource, which always exists.
pub const DEMO: &str = "demo";

/// Kinds of datasource a deployment can configure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DatasourceKind {
    Demo,
    Prometheus,
    Jaeger,
    Tempo,
    Zipkin,
    Health,
    /// Not queried: URL templates for "Open logs" links on spans and tiles (Kibana, Loki, ...).
    Link,
}

impl DatasourceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DatasourceKind::Demo => "demo",
            DatasourceKind::Prometheus => "prometheus",
            DatasourceKind::Jaeger => "jaeger",
            DatasourceKind::Tempo => "tempo",
            DatasourceKind::Zipkin => "zipkin",
            DatasourceKind::Health => "health",
            DatasourceKind::Link => "link",
        }
    }
}

/// One health endpoint of a `health` datasource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HealthEndpoint {
    pub service: String,
    pub url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
}

/// One configured datasource.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Datasource {
    pub name: String,
    pub kind: DatasourceKind,
    #[serde(default)]
    pub url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_ms: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_refresh_s: Option<u32>,
    /// Non-secret headers only (e.g. a tenant id for a same-origin proxy).
    #[serde(default, skip_serializing_if = "Vec::is_empty", with = "header_map")]
    pub headers: Vec<(String, String)>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub endpoints: Vec<HealthEndpoint>,
    /// `link` kind: the text of its links ("Open logs" when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// `link` kind: the template for KPI tiles (service and time window only); `url` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tile_url: Option<String>,
    /// Fields this version does not know, kept so that nothing the deployer wrote is lost.
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub extra: Map<String, Value>,
}

/// Default request timeout when the deployer sets none.
pub const DEFAULT_TIMEOUT_MS: u32 = 15_000;

impl Datasource {
    /// The built-in demo datasource.
    pub fn demo() -> Self {
        Self {
            name: DEMO.into(),
            kind: DatasourceKind::Demo,
            url: String::new(),
            timeout_ms: None,
            min_refresh_s: None,
            headers: Vec::new(),
            endpoints: Vec::new(),
            label: None,
            tile_url: None,
            extra: Map::new(),
        }
    }

    pub fn timeout_ms(&self) -> u32 {
        self.timeout_ms.unwrap_or(DEFAULT_TIMEOUT_MS)
    }

    /// Whether the URL points at the page's own origin (a relative path), i.e. through the
    /// deployer's proxy. Only then are configured headers sent: a direct request to another
    /// origin stays "simple" so CORS never needs a preflight.
    pub fn is_same_origin(&self) -> bool {
        self.url.starts_with('/') && !self.url.starts_with("//")
    }

    /// The configured headers this datasource's requests may carry.
    pub fn request_headers(&self) -> &[(String, String)] {
        if self.is_same_origin() {
            &self.headers
        } else {
            &[]
        }
    }
}

/// The datasources of this deployment, `demo` always included.
#[derive(Debug, Clone, PartialEq)]
pub struct Registry {
    sources: Vec<Datasource>,
}

impl Default for Registry {
    fn default() -> Self {
        Self { sources: vec![Datasource::demo()] }
    }
}

/// Why a dashboard's datasource name could not be used.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum LookupError {
    #[error("This panel wants the datasource \"{name}\", which this Napkin deployment does not have (it has: {known}). Nothing was called; pick one of those datasources or ask the deployer to add it to datasources.json.")]
    Unknown { name: String, known: String },
    #[error("The datasource \"{name}\" is a {kind} datasource, which this version of Napkin cannot query yet.")]
    Unsupported { name: String, kind: &'static str },
}

/// Why `datasources.json` could not be used at all.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ConfigError {
    #[error("datasources.json is not valid JSON ({0}); only the demo datasource is available")]
    NotJson(String),
    #[error("datasources.json must be a JSON list of datasources; only the demo datasource is available")]
    NotList,
}

impl Registry {
    /// Parses `datasources.json`, returning the registry and readable warnings for entries
    /// that were skipped or fields that were kept but not understood.
    pub fn parse(text: &str) -> Result<(Self, Vec<String>), ConfigError> {
        let value: Value = serde_json::from_str(text).map_err(|e| ConfigError::NotJson(e.to_string()))?;
        let Value::Array(items) = value else {
            return Err(ConfigError::NotList);
        };
        let mut registry = Self::default();
        let mut warnings = Vec::new();
        for (i, item) in items.into_iter().enumerate() {
            match decode_entry(item) {
                Ok((ds, unknown)) => {
                    for key in unknown {
                        warnings.push(format!("datasource \"{}\": field \"{key}\" is not understood by this version; kept as is", ds.name));
                    }
                    if ds.name == DEMO || registry.sources.iter().any(|s| s.name == ds.name) {
                        warnings.push(format!("datasource \"{}\" is listed twice (or reuses the built-in name \"demo\"); the later entry was skipped", ds.name));
                    } else {
                        registry.sources.push(ds);
                    }
                }
                Err(e) => warnings.push(format!("datasource entry {} was skipped: {e}", i + 1)),
            }
        }
        Ok((registry, warnings))
    }

    /// Looks a datasource up by the name a dashboard uses.
    pub fn get(&self, name: &str) -> Result<&Datasource, LookupError> {
        self.sources.iter().find(|s| s.name == name).ok_or_else(|| LookupError::Unknown {
            name: name.chars().take(80).collect(),
            known: self.names().join(", "),
        })
    }

    /// Every configured name, `demo` first.
    pub fn names(&self) -> Vec<String> {
        self.sources.iter().map(|s| s.name.clone()).collect()
    }

    /// The datasource drill-downs use for metrics: the first Prometheus-API one, else demo.
    pub fn metrics_datasource(&self) -> &str {
        self.sources.iter().find(|s| s.kind == DatasourceKind::Prometheus).map(|s| s.name.as_str()).unwrap_or(DEMO)
    }

    pub fn all(&self) -> &[Datasource] {
        &self.sources
    }

    /// The `link` datasources ("Open logs" templates), in configuration order.
    pub fn links(&self) -> impl Iterator<Item = &Datasource> {
        self.sources.iter().filter(|s| s.kind == DatasourceKind::Link)
    }
}

fn decode_entry(item: Value) -> Result<(Datasource, Vec<String>), String> {
    const KNOWN: [&str; 9] = ["name", "kind", "url", "timeout_ms", "min_refresh_s", "headers", "endpoints", "label", "tile_url"];
    let Value::Object(mut map) = item else {
        return Err("it is not a JSON object".into());
    };
    let unknown: Vec<String> = map.keys().filter(|k| !KNOWN.contains(&k.as_str())).cloned().collect();
    let mut extra = Map::new();
    for key in &unknown {
        if let Some(v) = map.remove(key) {
            extra.insert(key.clone(), v);
        }
    }
    let mut ds: Datasource = serde_json::from_value(Value::Object(map)).map_err(|e| e.to_string())?;
    if ds.name.trim().is_empty() {
        return Err("it has no name".into());
    }
    if ds.kind == DatasourceKind::Demo {
        return Err("the demo datasource is built in and cannot be configured".into());
    }
    ds.extra = extra;
    Ok((ds, unknown))
}

mod header_map {
    //! Headers are a JSON object on the wire and an ordered list in memory.
    use serde::{Deserialize, Deserializer, Serialize, Serializer};
    use std::collections::BTreeMap;

    pub fn serialize<S: Serializer>(v: &[(String, String)], s: S) -> Result<S::Ok, S::Error> {
        let map: BTreeMap<&str, &str> = v.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        map.serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<(String, String)>, D::Error> {
        let map = BTreeMap::<String, String>::deserialize(d)?;
        Ok(map.into_iter().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_datasources_hold_templates_and_a_label() {
        let text = r#"[{"name":"kibana","kind":"link","url":"https://kibana.example/app/discover#/?q={trace_id}","label":"Logs in Kibana","tile_url":"https://kibana.example/?s={service}"},
                       {"name":"loki","kind":"link","url":"https://grafana.example/explore?q={service}"}]"#;
        let (reg, warnings) = Registry::parse(text).unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        let links: Vec<(&str, Option<&str>, Option<&str>)> = reg.links().map(|l| (l.name.as_str(), l.label.as_deref(), l.tile_url.as_deref())).collect();
        assert_eq!(links, [("kibana", Some("Logs in Kibana"), Some("https://kibana.example/?s={service}")), ("loki", None, None)]);
        assert_eq!(reg.get("kibana").unwrap().kind.as_str(), "link");
    }

    #[test]
    fn demo_always_exists_even_with_empty_config() {
        let (reg, warnings) = Registry::parse("[]").unwrap();
        assert!(warnings.is_empty());
        assert_eq!(reg.get("demo").unwrap().kind, DatasourceKind::Demo);
    }

    #[test]
    fn parses_entries_and_keeps_unknown_fields_with_a_warning() {
        let text = r#"[{"name":"prom","kind":"prometheus","url":"/prom","timeout_ms":5000,"team":"sre"},
                       {"name":"hc","kind":"health","url":"","endpoints":[{"service":"billing","url":"/billing/health"}]}]"#;
        let (reg, warnings) = Registry::parse(text).unwrap();
        let prom = reg.get("prom").unwrap();
        assert_eq!(prom.url, "/prom");
        assert_eq!(prom.timeout_ms(), 5000);
        assert_eq!(prom.extra.get("team").and_then(Value::as_str), Some("sre"));
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].contains("team"));
        assert_eq!(reg.get("hc").unwrap().endpoints[0].service, "billing");
        assert_eq!(reg.names(), vec!["demo", "prom", "hc"]);
    }

    #[test]
    fn unknown_name_is_an_error_that_lists_what_exists() {
        let (reg, _) = Registry::parse(r#"[{"name":"prom","kind":"prometheus","url":"/prom"}]"#).unwrap();
        let err = reg.get("https://evil.example/").unwrap_err();
        let text = err.to_string();
        assert!(text.contains("does not have"), "{text}");
        assert!(text.contains("demo, prom"), "{text}");
        assert!(text.contains("Nothing was called"), "{text}");
    }

    #[test]
    fn bad_entries_are_skipped_with_warnings() {
        let text = r#"[{"name":"x","kind":"graphite","url":"/g"}, 7, {"name":"","kind":"prometheus"},
                       {"name":"demo","kind":"prometheus","url":"/p"}, {"name":"demo2","kind":"demo"}]"#;
        let (reg, warnings) = Registry::parse(text).unwrap();
        assert_eq!(reg.names(), vec!["demo"]);
        assert_eq!(warnings.len(), 5, "{warnings:?}");
    }

    #[test]
    fn drill_downs_prefer_a_prometheus_datasource() {
        assert_eq!(Registry::default().metrics_datasource(), "demo");
        let (reg, _) = Registry::parse(r#"[{"name":"hc","kind":"health","url":""},{"name":"prom","kind":"prometheus","url":"/p"}]"#).unwrap();
        assert_eq!(reg.metrics_datasource(), "prom");
    }

    #[test]
    fn headers_only_go_to_same_origin_urls() {
        let text = r#"[{"name":"proxy","kind":"prometheus","url":"/mimir/prometheus","headers":{"X-Scope-OrgID":"t"}},
                       {"name":"direct","kind":"prometheus","url":"https://prom.example","headers":{"X-Scope-OrgID":"t"}},
                       {"name":"sneaky","kind":"prometheus","url":"//evil.example/p","headers":{"X-Scope-OrgID":"t"}}]"#;
        let (reg, _) = Registry::parse(text).unwrap();
        assert_eq!(reg.get("proxy").unwrap().request_headers().len(), 1);
        assert!(reg.get("direct").unwrap().request_headers().is_empty());
        assert!(reg.get("sneaky").unwrap().request_headers().is_empty());
    }

    #[test]
    fn malformed_file_is_a_config_error() {
        assert!(matches!(Registry::parse("<html>"), Err(ConfigError::NotJson(_))));
        assert_eq!(Registry::parse("{}"), Err(ConfigError::NotList));
    }

    #[test]
    fn headers_round_trip_as_an_object() {
        let text = r#"[{"name":"m","kind":"prometheus","url":"/m","headers":{"X-Scope-OrgID":"tenant-1"}}]"#;
        let (reg, _) = Registry::parse(text).unwrap();
        let ds = reg.get("m").unwrap();
        assert_eq!(ds.headers, vec![("X-Scope-OrgID".to_string(), "tenant-1".to_string())]);
        let json = serde_json::to_string(ds).unwrap();
        assert!(json.contains(r#""headers":{"X-Scope-OrgID":"tenant-1"}"#), "{json}");
    }
}
