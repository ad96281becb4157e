//! Fetches the deployer's `datasources.json` from the dist root at run time.

use crate::core::datasource::Registry;

/// The registry plus readable notes about anything that was skipped or not understood.
/// A missing or broken file leaves only the demo datasource and says so.
pub async fn load_registry() -> (Registry, Vec<String>) {
    let response = match gloo_net::http::Request::get("./datasources.json").send().await {
        Ok(r) => r,
        Err(e) => return (Registry::default(), vec![format!("datasources.json could not be fetched ({e}); only the demo datasource is available")]),
    };
    if !response.ok() {
        return (
            Registry::default(),
            vec![format!("datasources.json answered HTTP {}; only the demo datasource is available", response.status())],
        );
    }
    match response.text().await {
        Ok(text) => match Registry::parse(&text) {
            Ok(parsed) => parsed,
            Err(e) => (Registry::default(), vec![e.to_string()]),
        },
        Err(e) => (Registry::default(), vec![format!("datasources.json could not be read ({e})")]),
    }
}
