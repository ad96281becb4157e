//! Component tests in headless Chromium (wasm-bindgen-test).
//!
//! Run: `cargo test --target wasm32-unknown-unknown --test web` (the runner is set in
//! `.cargo/config.toml`; it finds `/usr/bin/chromedriver`). Host `cargo test` skips this
//! file entirely because of the `cfg` below.
//!
//! Pattern for a new component test (copy it):
//! ```ignore
//! #[wasm_bindgen_test]
//! async fn my_component_shows_x() {
//!     let (host, _mounted) = mount(|| view! { <MyComponent prop=1/> }); // keep `_mounted`
//!     tick().await;                                   // effects run asynchronously
//!     assert_eq!(attr(&host, "kpi-value", "data-status"), Some("ok".into()));
//! }
//! ```
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

// ------------------------------------------------------------------------------- helpers

/// A fresh `<div>` appended to `<body>`, so tests never see each other's DOM.
fn host_element() -> web_sys::HtmlElement {
    let document = web_sys::window().expect("window").document().expect("document");
    let host: web_sys::HtmlElement =
        document.create_element("div").expect("create div").unchecked_into();
    document.body().expect("body").append_child(&host).expect("append host");
    host
}

/// Mounts `view` into a fresh host element. Keep the returned handle alive for the whole
/// test: dropping it unmounts the view.
fn mount<F, N>(view: F) -> (web_sys::HtmlElement, leptos::mount::UnmountHandle<N::State>)
where
    F: FnOnce() -> N + 'static,
    N: IntoView,
{
    let host = host_element();
    let handle = leptos::mount::mount_to(host.clone(), view);
    (host, handle)
}

/// Yields one `setTimeout(0)` turn so that effects, resources and signal updates settle.
async fn tick() {
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        web_sys::window()
            .expect("window")
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0)
            .expect("setTimeout");
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.expect("tick");
}

/// The first element under `host` with `data-testid="{testid}"`.
fn by_testid(host: &web_sys::HtmlElement, testid: &str) -> Option<web_sys::Element> {
    host.query_selector(&format!("[data-testid=\"{testid}\"]")).expect("valid selector")
}

/// Attribute `name` of the first `data-testid="{testid}"` element under `host`.
fn attr(host: &web_sys::HtmlElement, testid: &str, name: &str) -> Option<String> {
    by_testid(host, testid).and_then(|el| el.get_attribute(name))
}

/// Text content of the first `data-testid="{testid}"` element under `host`.
fn text(host: &web_sys::HtmlElement, testid: &str) -> Option<String> {
    by_testid(host, testid).and_then(|el| el.text_content())
}

// --------------------------------------------------------------------------------- tests

#[wasm_bindgen_test]
async fn smoke_mounts_and_reacts() {
    let (count, set_count) = signal(1);
    let (host, _mounted) = mount(move || {
        view! { <p data-testid="smoke" data-count=move || count.get()>"count " {count}</p> }
    });
    tick().await;
    assert_eq!(text(&host, "smoke").as_deref(), Some("count 1"));
    assert_eq!(attr(&host, "smoke", "data-count").as_deref(), Some("1"));

    set_count.set(2);
    tick().await;
    assert_eq!(text(&host, "smoke").as_deref(), Some("count 2"));
    assert_eq!(attr(&host, "smoke", "data-count").as_deref(), Some("2"));
}

#[wasm_bindgen_test]
async fn hosts_are_isolated_and_unmount_cleans_up() {
    let (a, mounted_a) = mount(|| view! { <span data-testid="who">"a"</span> });
    let (b, _mounted_b) = mount(|| view! { <span data-testid="who">"b"</span> });
    tick().await;
    assert_eq!(text(&a, "who").as_deref(), Some("a"));
    assert_eq!(text(&b, "who").as_deref(), Some("b"));

    drop(mounted_a);
    tick().await;
    assert!(by_testid(&a, "who").is_none(), "dropping the handle unmounts the view");
    assert_eq!(text(&b, "who").as_deref(), Some("b"));
}
