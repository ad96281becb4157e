//! The panic hook. With `panic = "abort"` nothing can be caught, so the hook itself writes
//! a plain-DOM message (not through the component tree) with the current link and a Copy
//! button, so the user's dashboard is never lost.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// Installs the hook; call once before mounting.
pub fn install() {
    std::panic::set_hook(Box::new(|info| {
        web_sys::console::error_1(&format!("Napkin panicked: {info}").into());
        show(&info.to_string());
    }));
}

fn show(detail: &str) {
    // Only the first panic is worth showing: later ones are its echoes.
    static SHOWN: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    if SHOWN.swap(true, std::sync::atomic::Ordering::Relaxed) {
        return;
    }
    let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
    let Some(body) = document.body() else { return };
    let href = web_sys::window().and_then(|w| w.location().href().ok()).unwrap_or_default();
    let make = |tag: &str, text: &str| {
        let el = document.create_element(tag).ok()?;
        el.set_text_content(Some(text));
        Some(el)
    };
    let Some(panel) = make("div", "") else { return };
    panel.set_attribute("class", "nk-crash").ok();
    panel.set_attribute("role", "alert").ok();
    panel.set_attribute("data-testid", "crash").ok();
    for el in [
        make("h2", "Napkin stopped because of a bug."),
        make("p", "Your dashboard is safe: copy its link below and reload the page (or open the link in a new tab)."),
        make("pre", &href),
        make("p", detail),
    ]
    .into_iter()
    .flatten()
    {
        panel.append_child(&el).ok();
    }
    if let Some(button) = make("button", "Copy dashboard link") {
        let link = href.clone();
        let onclick = Closure::<dyn Fn()>::new(move || {
            if let Some(w) = web_sys::window() {
                let _ = w.navigator().clipboard().write_text(&link);
            }
        });
        button.add_event_listener_with_callback("click", onclick.as_ref().unchecked_ref()).ok();
        onclick.forget();
        panel.append_child(&button).ok();
    }
    body.prepend_with_node_1(&panel).ok();
}
