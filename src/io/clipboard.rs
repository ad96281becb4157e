//! Copying text to the clipboard, with a fallback for insecure (plain http) pages where
//! the asynchronous clipboard API does not exist: the caller's field is selected instead.

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// Whether the copy reached the clipboard or the user must copy the selected field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CopyOutcome {
    Copied,
    SelectedForManualCopy,
}

/// Copies `text`; when that is impossible, selects `field` so Ctrl+C copies it.
pub async fn copy(text: &str, field: Option<web_sys::HtmlInputElement>) -> CopyOutcome {
    let clipboard = web_sys::window().map(|w| w.navigator().clipboard());
    let secure = web_sys::window()
        .and_then(|w| js_sys::Reflect::get(&w, &"isSecureContext".into()).ok())
        .and_then(|v| v.as_bool())
        .unwrap_or(false);
    if let (Some(clipboard), true) = (clipboard, secure) {
        let has_api = !JsCast::unchecked_ref::<wasm_bindgen::JsValue>(&clipboard).is_undefined();
        if has_api && JsFuture::from(clipboard.write_text(text)).await.is_ok() {
            if let Some(f) = field {
                f.select();
            }
            return CopyOutcome::Copied;
        }
    }
    if let Some(f) = field {
        f.focus().ok();
        f.select();
    }
    CopyOutcome::SelectedForManualCopy
}
