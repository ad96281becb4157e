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

/// Writes `#<fragment>` without reloading, unless it is already current. The history
/// entry remembers `key`, the dashboard's identity, so back/forward and reload restore it
/// while a pasted link (an entry without one) starts a new identity.
pub fn set_fragment(fragment: &str, mode: HistoryMode, key: &str) {
    let Some(window) = web_sys::window() else { return };
    let Ok(history) = window.history() else { return };
    if self::fragment() == fragment && state_key().as_deref() == Some(key) {
        return;
    }
    let url = format!("#{fragment}");
    let state = JsValue::from_str(key);
    let mode = if self::fragment() == fragment { HistoryMode::Replace } else { mode };
    let result = match mode {
        HistoryMode::Push => history.push_state_with_url(&state, "", Some(&url)),
        HistoryMode::Replace => history.replace_state_with_url(&state, "", Some(&url)),
    };
    if let Err(e) = result {
        web_sys::console::warn_2(&"Napkin could not update the address bar:".into(), &e);
    }
}

/// The dashboard identity stored in the current history entry, if any.
pub fn state_key() -> Option<String> {
    web_sys::window()?.history().ok()?.state().ok()?.as_string()
}

/// Stores `key` in the current history entry without changing the address.
pub fn remember_key(key: &str) {
    if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
        let _ = history.replace_state(&JsValue::from_str(key), "");
    }
}

/// The page address without its fragment, to which share links append theirs.
pub fn base_url() -> String {
    web_sys::window()
        .and_then(|w| w.location().href().ok())
        .map(|h| h.split('#').next().unwrap_or_default().to_string())
        .unwrap_or_default()
}
