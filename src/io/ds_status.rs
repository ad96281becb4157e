//! Asks each configured datasource whether it answers (Prometheus: `buildinfo`), for the
//! datasource status line. One small request per datasource when the app starts.

use crate::core::datasource::{Datasource, DatasourceKind};
use crate::core::prom;
use crate::io::http;
use crate::io::runner::outgoing;

/// Whether a datasource answers, and what it said about itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatasourceHealth {
    pub name: String,
    /// `ok`, `error` or `unknown` (not checked by this version).
    pub status: &'static str,
    pub detail: String,
}

/// Checks one datasource.
pub async fn check(ds: &Datasource) -> DatasourceHealth {
    let (status, detail) = match ds.kind {
        DatasourceKind::Demo => ("ok", "built-in simulated shop".to_string()),
        DatasourceKind::Prometheus => match prometheus(ds).await {
            Ok(text) => ("ok", text),
            Err(e) => ("error", e),
        },
        other => ("unknown", format!("{} datasource (not checked)", other.as_str())),
    };
    DatasourceHealth { name: ds.name.clone(), status, detail }
}

async fn prometheus(ds: &Datasource) -> Result<String, String> {
    let raw = http::send(&ds.name, outgoing(prom::buildinfo(&ds.url).with_headers(ds.request_headers())), ds.timeout_ms()).await?;
    let info = prom::parse_buildinfo(raw.status, raw.content_type.as_deref(), &raw.body).map_err(|e| e.to_string())?;
    let flavour = prom::detect(&ds.url, Some(&info), !ds.headers.is_empty());
    Ok(format!("{} {}", flavour.name(), info.version.unwrap_or_default()).trim().to_string())
}
