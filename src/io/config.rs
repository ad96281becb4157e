//! Fetches the deployer's `datasources.json` from the dist root at run time.
//!
//! The request goes out before the app mounts ([`request_early`], called by `ui::start`),
//! and `index.html` preloads the same URL with a matching request (`as="fetch"`,
//! `crossorigin`: CORS mode, same-origin credentials, as `fetch(url)` uses), so the answer
//! is usually already in memory when the app asks for it: the panels' queries can leave
//! right after the start task instead of after one more round trip behind the mounting
//! frames (B4).

use crate::core::datasource::Registry;
use std::cell::RefCell;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// The path of the datasource file, relative to the page (the same as the preload's).
const PATH: &str = "./datasources.json";

thread_local! {
    /// The request started by [`request_early`], taken by the first [`load_registry`].
    static EARLY: RefCell<Option<js_sys::Promise>> = const { RefCell::new(None) };
}

/// Starts fetching `datasources.json` now, before the app mounts; the next
/// [`load_registry`] uses this request instead of starting its own.
pub fn request_early() {
    if let Some(window) = web_sys::window() {
        let promise = window.fetch_with_str(PATH);
        EARLY.with(|e| *e.borrow_mut() = Some(promise));
    }
}

/// A readable text for a rejected promise (a `TypeError` from `fetch`, usually).
fn reason(e: &wasm_bindgen::JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "unknown error".into())
}

/// The registry plus readable notes about anything that was skipped or not understood.
/// A missing or broken file leaves only the demo datasource and says so.
pub async fn load_registry() -> (Registry, Vec<String>) {
    let promise = EARLY
        .with(|e| e.borrow_mut().take())
        .or_else(|| web_sys::window().map(|w| w.fetch_with_str(PATH)));
    let fetched = match promise {
        Some(p) => JsFuture::from(p).await.map_err(|e| reason(&e)),
        None => Err("no window".to_string()),
    };
    let response = match fetched.and_then(|v| v.dyn_into::<web_sys::Response>().map_err(|_| "not a response".to_string())) {
        Ok(r) => r,
        Err(e) => return (Registry::default(), vec![format!("datasources.json could not be fetched ({e}); only the demo datasource is available")]),
    };
    if !response.ok() {
        return (
            Registry::default(),
            vec![format!("datasources.json answered HTTP {}; only the demo datasource is available", response.status())],
        );
    }
    let text = match response.text() {
        Ok(p) => JsFuture::from(p).await.map_err(|e| reason(&e)),
        Err(e) => Err(reason(&e)),
    };
    match text.map(|t| t.as_string().unwrap_or_default()) {
        Ok(text) => match Registry::parse(&text) {
            Ok(parsed) => parsed,
            Err(e) => (Registry::default(), vec![e.to_string()]),
        },
        Err(e) => (Registry::default(), vec![format!("datasources.json could not be read ({e})")]),
    }
}
