//! The URL fragment: reading it, and writing it with `pushState` (discrete changes) or
//! `replaceState` (continuous changes). Servers never see the fragment.

use wasm_bindgen::JsValue;

/// The current fragment without the leading `#`.
pub fn fragment() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .map(|h| h.trim_start_matches('#').to_string())
        .unwrap_or_default()
}

/// How a fragment change enters the browser history.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HistoryMode {
    /// A new entry: back returns to the previous state.
    Push,
    /// Overwrite the current entry (typing, dragging, first load).
    Replace,
}

/// Writes `#<fragment>` without reloading, unless it is already current.
pub fn set_fragment(fragment: &str, mode: HistoryMode) {
    if self::fragment() == fragment {
        return;
    }
    let Some(window) = web_sys::window() else { return };
    let Ok(history) = window.history() else { return };
    let url = format!("#{fragment}");
    let result = match mode {
        HistoryMode::Push => history.push_state_with_url(&JsValue::NULL, "", Some(&url)),
        HistoryMode::Replace => history.replace_state_with_url(&JsValue::NULL, "", Some(&url)),
    };
    if let Err(e) = result {
        web_sys::console::warn_2(&"Napkin could not update the address bar:".into(), &e);
    }
}

/// The page address without its fragment, to which share links append theirs.
pub fn base_url() -> String {
    web_sys::window()
        .and_then(|w| w.location().href().ok())
        .map(|h| h.split('#').next().unwrap_or_default().to_string())
        .unwrap_or_default()
}
