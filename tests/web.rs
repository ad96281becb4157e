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

// ------------------------------------------------------------------- app component tests

use napkin::core::dashboards::shop_overview;
use napkin::core::frame::{Frame, Series};
use napkin::core::time::TimeRange;
use napkin::ui::banner::Banner;
use napkin::ui::grid::Grid;
use napkin::ui::notices::Notices;
use napkin::ui::AppState;

/// Records a successful fetch of one value for a panel, as the fetcher would.
fn store_value(state: AppState, panel: &str, value: f64) {
    let now = js_sys::Date::now() as i64;
    let range = TimeRange::new(now - 3_600_000, now).unwrap();
    let frame = Frame {
        series: vec![Series { labels: vec![], times: vec![now - 15_000, now], values: vec![value, value] }],
        step_ms: 15_000,
        notices: vec![],
    };
    state.fetches.update(|m| {
        let entry = m.entry(panel.to_string()).or_default();
        let generation = entry.begin();
        entry.succeed(generation, vec![frame.clone(), frame], range, now);
    });
}

/// The `data-testid="panel"` element titled `title`.
fn panel_titled(host: &web_sys::HtmlElement, title: &str) -> web_sys::Element {
    host.query_selector(&format!("[data-testid=\"panel\"][data-title=\"{title}\"]")).unwrap().expect("panel present")
}

#[wasm_bindgen_test]
async fn banner_is_unknown_until_tiles_have_data_and_fails_when_one_fails() {
    let state = StoredValue::new(None::<AppState>);
    let (host, _mounted) = mount(move || {
        state.set_value(Some(AppState::provide(shop_overview())));
        view! { <Banner/> }
    });
    tick().await;
    assert_eq!(attr(&host, "overall-status", "data-status").as_deref(), Some("unknown"), "no data is never green");
    let app = state.get_value().unwrap();
    store_value(app, "rate", 150.0);
    store_value(app, "errors", 9.1);
    store_value(app, "p99", 0.2);
    store_value(app, "slo", 99.9);
    tick().await;
    assert_eq!(attr(&host, "overall-status", "data-status").as_deref(), Some("fail"));
    store_value(app, "errors", 0.2);
    tick().await;
    assert_eq!(attr(&host, "overall-status", "data-status").as_deref(), Some("ok"));
    assert!(text(&host, "overall-status").unwrap().contains("go back to sleep"));
}

#[wasm_bindgen_test]
async fn kpi_tile_shows_value_unit_and_status_and_errors_stay_in_their_panel() {
    let state = StoredValue::new(None::<AppState>);
    let (host, _mounted) = mount(move || {
        let app = AppState::provide(shop_overview());
        // The datasources are known (only the demo here): the grid mounts its panels once
        // they are, or after a wait (`ui::grid`), as the app does after `datasources.json`.
        app.registry.set(Some(Registry::default()));
        state.set_value(Some(app));
        view! { <Grid/> }
    });
    // The grid mounts a few panels per animation frame: wait (boundedly) for the first three
    // ("p99 latency" is the third).
    for _ in 0..200 {
        if host.query_selector("[data-testid=\"panel\"][data-title=\"p99 latency\"]").ok().flatten().is_some() {
            break;
        }
        tick().await;
    }
    let app = state.get_value().unwrap();
    store_value(app, "errors", 9.1);
    app.fetches.update(|m| {
        let entry = m.entry("p99".to_string()).or_default();
        let generation = entry.begin();
        entry.fail(generation, "The server answered HTTP 502.".into());
    });
    tick().await;
    let errors = panel_titled(&host, "Error %");
    assert_eq!(errors.get_attribute("data-state").as_deref(), Some("ok"));
    let value = errors.query_selector("[data-testid=\"kpi-value\"]").unwrap().unwrap();
    assert_eq!(value.get_attribute("data-value").as_deref(), Some("9.1"));
    assert_eq!(value.get_attribute("data-unit").as_deref(), Some("percent"));
    assert_eq!(value.get_attribute("data-status").as_deref(), Some("fail"));
    assert!(value.text_content().unwrap().contains("9.1"));

    let p99 = panel_titled(&host, "p99 latency");
    assert_eq!(p99.get_attribute("data-state").as_deref(), Some("error"));
    let message = p99.query_selector("[data-testid=\"panel-error\"]").unwrap().unwrap();
    assert!(message.text_content().unwrap().contains("HTTP 502"));
    assert!(errors.query_selector("[data-testid=\"panel-error\"]").unwrap().is_none());
    assert_eq!(panel_titled(&host, "Request rate").get_attribute("data-state").as_deref(), Some("loading"));
}

#[wasm_bindgen_test]
async fn link_errors_render_as_text_never_as_html() {
    let state = StoredValue::new(None::<AppState>);
    let (host, _mounted) = mount(move || {
        let app = AppState::provide(shop_overview());
        app.link_error.set(Some("<img src=x onerror=alert(1)><b>bold</b>".into()));
        state.set_value(Some(app));
        view! { <Notices/> }
    });
    tick().await;
    let shown = by_testid(&host, "link-error").expect("link-error shown");
    assert_eq!(shown.text_content().as_deref(), Some("<img src=x onerror=alert(1)><b>bold</b>"));
    assert!(shown.query_selector("img, b").unwrap().is_none(), "no markup was injected");
}

// ------------------------------------------------------------------- health grid (issue #5)

use napkin::core::datasource::Registry;
use napkin::core::health::{parse, Polled, RawAnswer};
use napkin::core::spec::{Dashboard, HealthGridSpec, Panel, PanelDef};
use napkin::ui::health::HealthStore;

#[wasm_bindgen_test]
async fn health_grid_paints_cells_with_hooks_failing_rows_first_and_blocks_the_banner() {
    let state = StoredValue::new(None::<(AppState, HealthStore)>);
    let (host, _mounted) = mount(move || {
        let panel = Panel {
            id: "hg".into(),
            title: "Health".into(),
            datasource: "hc".into(),
            def: PanelDef::HealthGrid(HealthGridSpec { services: vec!["catalog".into(), "orders".into()], ..Default::default() }),
        };
        let app = AppState::provide(Dashboard { panels: vec![panel], layout: Vec::new(), ..shop_overview() });
        let (registry, _) = Registry::parse(
            r#"[{"name":"hc","kind":"health","endpoints":[{"service":"orders","url":"/o"},{"service":"catalog","url":"/c"}]}]"#,
        )
        .unwrap();
        app.registry.set(Some(registry));
        let store = HealthStore::provide(app);
        state.set_value(Some((app, store)));
        view! { <Banner/> <Grid/> }
    });
    tick().await;
    let (app, store) = state.get_value().unwrap();
    assert_eq!(panel_titled(&host, "Health").get_attribute("data-state").as_deref(), Some("loading"));
    assert_eq!(attr(&host, "overall-status", "data-status").as_deref(), Some("unknown"), "no health data is never green");

    let now = js_sys::Date::now() as i64;
    app.clock_ms.set(now);
    let answer = |service: &str, code: u16, body: &str| Polled {
        probe: parse(service, Some(code), Some("application/json"), body.as_bytes(), None),
        polled_at_ms: now,
        raw: Some(RawAnswer::received("/x", code, Some("application/json"), body.as_bytes(), 5)),
    };
    store.data.update(|d| {
        d.record("hc", answer("catalog", 200, r#"[{"Name":"redis","Status":"OK"}]"#));
        d.record("hc", answer("orders", 503, r#"[{"Name":"myDB","Status":"TIMEOUT"},{"Name":"kafka","Status":"OK"}]"#));
    });
    tick().await;
    let panel = panel_titled(&host, "Health");
    assert_eq!(panel.get_attribute("data-state").as_deref(), Some("ok"));
    let row = |sel: &str| panel.query_selector(&format!("[data-testid=\"health-row\"]{sel}")).unwrap();
    let first = row("").expect("a row");
    assert_eq!(first.get_attribute("data-service").as_deref(), Some("orders"), "failing rows first");
    assert_eq!(first.get_attribute("data-state").as_deref(), Some("fail"));
    assert_eq!(row("[data-service=\"catalog\"]").and_then(|r| r.get_attribute("data-state")).as_deref(), Some("ok"));
    let db = panel.query_selector("[data-testid=\"health-cell\"][data-service=\"orders\"][data-check=\"myDB\"]").unwrap().expect("myDB cell");
    assert_eq!(db.get_attribute("data-state").as_deref(), Some("fail"));
    assert_eq!(db.get_attribute("data-stale").as_deref(), Some("false"));
    assert_eq!(db.get_attribute("data-reason").as_deref(), Some("timeout"));
    let label = db.text_content().unwrap();
    assert!(label.contains("fail") && label.contains("TIMEOUT"), "labelled, not only coloured: {label}");
    assert_eq!(attr(&host, "overall-status", "data-status").as_deref(), Some("fail"));

    let toggle: web_sys::HtmlInputElement = by_testid(&host, "health-hide-green").unwrap().unchecked_into();
    toggle.click();
    tick().await;
    assert!(row("[data-service=\"catalog\"]").is_none(), "hide all-green hides the green row");
    assert!(row("[data-service=\"orders\"]").is_some());
}

// ------------------------------------------------------------------- trace waterfall

use napkin::core::spec::WaterfallSpec;

/// A small Jaeger v1 trace: a root with two children, one of them failing.
const SMALL_JAEGER: &str = r#"{"data":[{"traceID":"00000000000000000000000000abcdef","spans":[
 {"traceID":"abcdef","spanID":"0000000000000001","operationName":"GET /cart","references":[],"startTime":1700000000000000,"duration":30000,"tags":[],"processID":"p1"},
 {"traceID":"abcdef","spanID":"0000000000000002","operationName":"SELECT cart","references":[{"refType":"CHILD_OF","traceID":"abcdef","spanID":"0000000000000001"}],"startTime":1700000000001000,"duration":5000,"tags":[],"processID":"p2"},
 {"traceID":"abcdef","spanID":"0000000000000003","operationName":"charge","references":[{"refType":"CHILD_OF","traceID":"abcdef","spanID":"0000000000000001"}],"startTime":1700000000007000,"duration":20000,"tags":[{"key":"error","type":"bool","value":true}],"processID":"p1"}],
 "processes":{"p1":{"serviceName":"cart","tags":[]},"p2":{"serviceName":"postgres","tags":[]}}}]}"#;

#[wasm_bindgen_test]
async fn waterfall_paints_rows_with_hooks_for_a_parsed_trace() {
    let (hex, _) = napkin::ui::trace::register_file("small.json", SMALL_JAEGER.as_bytes()).expect("parses");
    let spec = WaterfallSpec { trace_id: Some(hex), file: Some("small.json".into()), ..Default::default() };
    let panel = Panel { id: "w".into(), title: "Trace".into(), datasource: "demo".into(), def: PanelDef::Waterfall(spec.clone()) };
    let (host, _mounted) = mount(move || {
        AppState::provide(Dashboard { panels: vec![panel.clone()], layout: Vec::new(), ..shop_overview() });
        view! { <napkin::ui::trace::Waterfall panel=panel spec=spec/> }
    });
    tick().await;
    assert_eq!(attr(&host, "waterfall", "data-span-count").as_deref(), Some("3"));
    assert_eq!(attr(&host, "waterfall", "data-visible-rows").as_deref(), Some("3"));
    assert_eq!(attr(&host, "trace-summary", "data-error-count").as_deref(), Some("1"));
    assert_eq!(attr(&host, "trace-summary", "data-root").as_deref(), Some("GET /cart"));
    assert_eq!(host.inner_html().matches("data-testid=\"span-row\"").count(), 3);
    let row = |id: &str, name: &str| {
        host.query_selector(&format!("[data-testid=\"span-row\"][data-span-id=\"{id}\"]")).unwrap().expect("row").get_attribute(name).unwrap_or_default()
    };
    let root = "0000000000000001";
    assert_eq!((row(root, "data-depth"), row(root, "data-service"), row(root, "data-error")), ("0".into(), "cart".into(), "false".into()));
    assert_eq!((row("0000000000000002", "data-depth"), row("0000000000000002", "data-service")), ("1".into(), "postgres".into()));
    let failing = "0000000000000003";
    assert_eq!((row(failing, "data-depth"), row(failing, "data-error"), row(failing, "data-critical")), ("1".into(), "true".into(), "true".into()));
    let text = host.query_selector(&format!("[data-span-id=\"{failing}\"]")).unwrap().unwrap().text_content().unwrap_or_default();
    assert!(text.contains("error"), "the error is said in text too: {text}");
}
