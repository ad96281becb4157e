//! Saving a text file (a download) and reading a picked or dropped file as text.

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// Largest file Napkin reads for import (4 MiB).
pub const MAX_IMPORT_BYTES: f64 = 4.0 * 1024.0 * 1024.0;

/// Offers `text` as a download named `name`.
pub fn download(name: &str, text: &str, mime: &str) -> Result<(), String> {
    let parts = js_sys::Array::of1(&text.into());
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).map_err(|_| "the browser could not create the file")?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(|_| "the browser could not create the file")?;
    let document = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
    let a: web_sys::HtmlAnchorElement = document.create_element("a").map_err(|_| "no anchor")?.unchecked_into();
    a.set_href(&url);
    a.set_download(name);
    a.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}

/// Reads a file the user picked or dropped, refusing very large ones.
pub async fn read_text(file: web_sys::File) -> Result<String, String> {
    if file.size() > MAX_IMPORT_BYTES {
        return Err(format!("\"{}\" is {:.1} MB; a dashboard file is at most 4 MB.", file.name(), file.size() / 1_048_576.0));
    }
    let text = JsFuture::from(file.text()).await.map_err(|_| format!("\"{}\" could not be read.", file.name()))?;
    text.as_string().ok_or_else(|| format!("\"{}\" is not a text file.", file.name()))
}
