//! The panel grid and each panel's frame: title, state, error text, and the body for its
//! kind. The frame carries the `data-testid="panel"` hooks and its grid place
//! (`data-panel-id`, `data-x`, `data-y`, `data-w`, `data-h`).
//!
//! Places come from `core::layout`: a focused move handle turns arrow keys into moves and
//! Shift+arrows into resizes; dragging the move handle or the resize corner previews the
//! layout `core::layout::apply` gives for the cell under the pointer and commits it as one
//! undoable edit on release. This component only converts pointer pixels into cells.

use super::chart::ChartPanel;
use super::kpi::KpiTile;
use super::state::use_app;
use crate::core::fetch_state::PanelFetch;
use crate::core::layout::{apply, arrange, key_op, ArrowKey, LayoutOp};
use crate::core::spec::{LayoutItem, Panel, PanelDef};
use leptos::prelude::*;

/// Panels added in each animation frame. None are mounted with the page itself: the
/// app's start (wasm instantiation, first mount and effects) is one task, and each panel
/// mounted in it made that task longer (B4's longest task). A timeseries panel's mount
/// (frame, chart, legend, exemplar layer, their effects) cost 10–15 ms of script in B4's
/// profile: three in one frame made 50–85 ms tasks, while one per frame added 24 frames'
/// rendering and loaded B4 more slowly (1,814–1,959 ms against 1,757–1,795 ms for three,
/// alternating rounds). Two per frame (session 6, same rounds): the lowest longest-task
/// medians (75–80 ms; session 5's build 118–130 ms) at a load time within the spread.
pub const MOUNT_PER_FRAME: usize = 2;

/// How long panels wait for `datasources.json` before mounting anyway. Mounting starts
/// once the datasources are known, so the panels' queries (started by the fetcher when
/// they are) leave before the mounting frames rather than behind them (B4: the answer's
/// tasks waited behind 3-panel frames); a slow or hanging file only delays the panels
/// by this much.
const CONFIG_WAIT_MS: u64 = 300;

/// Grows `mounted` by [`MOUNT_PER_FRAME`] every animation frame until it covers `total`;
/// `growing` is true while such a chain of frames runs.
fn mount_more(mounted: RwSignal<usize>, total: Memo<usize>, growing: StoredValue<bool>) {
    request_animation_frame(move || {
        let (Some(now), Some(all)) = (mounted.try_get_untracked(), total.try_get_untracked()) else { return };
        if now < all {
            mounted.set(now + MOUNT_PER_FRAME);
            mount_more(mounted, total, growing);
        } else {
            growing.try_set_value(false);
        }
    });
}

#[component]
pub fn Grid() -> impl IntoView {
    let state = use_app();
    // A drag in progress shows its preview layout; otherwise the dashboard's own.
    let preview = RwSignal::new(None::<Vec<LayoutItem>>);
    let places = Memo::new(move |_| preview.get().unwrap_or_else(|| state.dashboard.with(arrange)));
    // Phone layout: panels are shown worst status first (CSS `order` in one column).
    super::banner::provide_panel_order(state);
    // Keyed by the panel's definition only: a move changes the frame's place, not the frame.
    // A waterfall's view fields (collapse, selection, hidden short spans) are left out of the
    // key: the panel reads them live, so a collapse does not rebuild it.
    let items = Memo::new(move |_| {
        state.dashboard.with(|d| {
            d.panels
                .iter()
                .map(|p| {
                    let json = match &p.def {
                        PanelDef::Waterfall(spec) => {
                            let frame = Panel { def: PanelDef::Waterfall(super::trace::frame_spec(spec)), ..p.clone() };
                            serde_json::to_string(&frame)
                        }
                        _ => serde_json::to_string(p),
                    };
                    let key = format!("{}|{}", p.id, json.unwrap_or_default());
                    (key, p.clone(), ())
                })
                .collect::<Vec<_>>()
        })
    });
    let total = Memo::new(move |_| items.with(Vec::len));
    let mounted = RwSignal::new(0);
    let growing = StoredValue::new(false);
    let waited = RwSignal::new(false);
    set_timeout(
        move || {
            waited.try_set(true);
        },
        std::time::Duration::from_millis(CONFIG_WAIT_MS),
    );
    Effect::new(move |_| {
        let ready = waited.get() || state.registry.with(Option::is_some);
        if ready && total.get() > mounted.get_untracked() && !growing.get_value() {
            growing.set_value(true);
            mount_more(mounted, total, growing);
        }
    });
    view! {
        <main class="nk-grid">
            <Show when=move || items.with(Vec::is_empty)>
                <p class="nk-empty-board">"This dashboard has no panels."</p>
            </Show>
            <For each=move || items.with(|all| all.iter().take(mounted.get()).cloned().collect::<Vec<_>>()) key=|(key, _, _)| key.clone() let:item>
                <PanelFrame panel=item.1 places=places preview=preview/>
            </For>
        </main>
    }
}

/// Spacing between grid cells in pixels (`gap` of `.nk-grid` in style/panels.css).
const GRID_GAP_PX: f64 = 12.0;

/// A pointer drag of one panel's handle.
#[derive(Clone)]
struct Drag {
    resize: bool,
    start_px: (f64, f64),
    /// Pixels per grid cell, measured from the panel at the start.
    pitch: (f64, f64),
    start: LayoutItem,
    base: Vec<LayoutItem>,
}

#[component]
fn PanelFrame(panel: Panel, places: Memo<Vec<LayoutItem>>, preview: RwSignal<Option<Vec<LayoutItem>>>) -> impl IntoView {
    let state = use_app();
    let id = panel.id.clone();
    let fetch = Memo::new(move |_| state.fetches.with(|m| m.get(&id).cloned().unwrap_or_else(PanelFetch::default)));
    let place = {
        let id = panel.id.clone();
        Memo::new(move |_| {
            places.with(|l| l.iter().find(|x| x.panel == id).cloned().unwrap_or(LayoutItem { panel: id.clone(), x: 0, y: 0, w: 12, h: 4 }))
        })
    };
    let phone_order = super::banner::panel_position(panel.id.clone());
    let style = move || {
        let order = phone_order.get();
        place.with(|p| format!("grid-column: {} / span {}; grid-row: {} / span {}; --nk-phone-order: {order};", p.x + 1, p.w, p.y + 1, p.h))
    };
    let frame = NodeRef::<leptos::html::Section>::new();
    let drag = StoredValue::new(None::<Drag>);
    let begin_drag = move |ev: leptos::ev::PointerEvent, resize: bool| {
        if ev.button() != 0 {
            return;
        }
        let Some(el) = frame.get_untracked() else { return };
        ev.prevent_default();
        let rect = el.get_bounding_client_rect();
        let start = place.get_untracked();
        let pitch = ((rect.width() + GRID_GAP_PX) / start.w as f64, (rect.height() + GRID_GAP_PX) / start.h as f64);
        if let Some(target) = ev.target().and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok()) {
            let _ = target.set_pointer_capture(ev.pointer_id());
        }
        drag.set_value(Some(Drag { resize, start_px: (ev.client_x() as f64, ev.client_y() as f64), pitch, start, base: places.get_untracked() }));
    };
    let move_drag = {
        let id = panel.id.clone();
        move |ev: leptos::ev::PointerEvent| {
            let Some(d) = drag.get_value() else { return };
            let dx = ((ev.client_x() as f64 - d.start_px.0) / d.pitch.0.max(1.0)).round() as i32;
            let dy = ((ev.client_y() as f64 - d.start_px.1) / d.pitch.1.max(1.0)).round() as i32;
            let (x, y, w, h) = (d.start.x as i32, d.start.y as i32, d.start.w as i32, d.start.h as i32);
            let op = if d.resize { LayoutOp::ResizeTo { w: w + dx, h: h + dy } } else { LayoutOp::MoveTo { x: x + dx, y: y + dy } };
            let next = apply(&d.base, &id, op);
            if preview.with_untracked(|p| p.as_ref() != Some(&next)) {
                preview.set(Some(next));
            }
        }
    };
    let end_drag = move |commit: bool| {
        if drag.get_value().is_none() {
            return;
        }
        let base = drag.get_value().map(|d| d.base).unwrap_or_default();
        drag.set_value(None);
        let shown = preview.get_untracked();
        preview.set(None);
        if let Some(layout) = shown.filter(|l| commit && *l != base) {
            state.set_layout(layout);
        }
    };
    let on_key = {
        let id = panel.id.clone();
        move |ev: leptos::ev::KeyboardEvent| {
            if let Some(key) = ArrowKey::from_key(&ev.key()) {
                ev.prevent_default();
                state.layout_op(&id, key_op(key, ev.shift_key()));
            }
        }
    };
    let aged = move || {
        let now = state.clock_ms.get();
        fetch.with(|f| match (f.showing_old_data(), f.fetched_at_ms) {
            (true, Some(at)) => format!("Showing data from {} s ago.", ((now - at) / 1000).max(0)),
            _ => String::new(),
        })
    };
    let body = match panel.def.clone() {
        PanelDef::Kpi(spec) => view! { <KpiTile panel_id=panel.id.clone() spec=spec/> }.into_any(),
        PanelDef::Timeseries(spec) => view! { <ChartPanel fetch=fetch spec=spec panel_id=panel.id.clone()/> }.into_any(),
        PanelDef::HealthGrid(spec) => view! { <super::health::HealthGrid panel_id=panel.id.clone() datasource=panel.datasource.clone() spec=spec/> }.into_any(),
        PanelDef::Waterfall(spec) => view! { <super::trace::Waterfall panel=panel.clone() spec=spec/> }.into_any(),
        PanelDef::TraceSearch(spec) => view! { <super::trace::TraceSearch panel=panel.clone() spec=spec/> }.into_any(),
    };
    let kind = panel.def.kind();
    let health_state = super::health::data_state(panel.id.clone());
    view! {
        <section
            class=move || format!("nk-panel nk-panel-{}{}", kind, if fetch.with(PanelFetch::showing_old_data) { " nk-panel-old" } else { "" })
            class:nk-panel-editing={ let id = panel.id.clone(); move || state.editing.with(|e| e.as_ref().is_some_and(|d| d.id == id)) }
            style=style
            node_ref=frame
            data-testid="panel"
            data-panel-id=panel.id.clone()
            data-x=move || place.with(|p| p.x)
            data-y=move || place.with(|p| p.y)
            data-w=move || place.with(|p| p.w)
            data-h=move || place.with(|p| p.h)
            data-kind=kind
            data-title=panel.title.clone()
            data-state=move || health_state.get().unwrap_or_else(|| fetch.with(|f| f.state().as_str()))
            aria-busy=move || fetch.with(|f| f.in_flight).to_string()>
            <header class="nk-panel-head">
                <button class="nk-icon nk-move" data-testid="panel-move"
                    aria-label=format!("Move {}: arrow keys move it, Shift with arrow keys resizes it", panel.title)
                    title="Drag to move. With this focused, arrow keys move the panel and Shift+arrow keys resize it."
                    on:keydown=on_key
                    on:pointerdown=move |ev| begin_drag(ev, false)
                    on:pointermove=move_drag.clone()
                    on:pointerup=move |_| end_drag(true)
                    on:pointercancel=move |_| end_drag(false)>"⠿"</button>
                <h2 class="nk-panel-title">{panel.title.clone()}</h2>
                <span class="nk-panel-ds" title="datasource">{panel.datasource.clone()}</span>
                <span class="nk-spinner" class:nk-hidden=move || !fetch.with(|f| f.in_flight) aria-hidden="true"></span>
                <span class="nk-panel-actions">
                    <button class="nk-icon" title="Edit" data-testid="panel-edit"
                        on:click={ let p = panel.clone(); move |_| {
                            // The frame's copy may be older than the dashboard's (a waterfall keeps its
                            // frame while its view fields change): edit what the dashboard holds now.
                            let now = state.dashboard.with_untracked(|d| d.panels.iter().find(|x| x.id == p.id).cloned()).unwrap_or_else(|| p.clone());
                            state.editing.set(Some(crate::core::editor::PanelDraft::from_panel(&now)))
                        } }>"✎"</button>
                    <button class="nk-icon" title="Duplicate" data-testid="panel-duplicate"
                        on:click={ let id = panel.id.clone(); move |_| state.duplicate_panel(&id) }>"❐"</button>
                    <button class="nk-icon" title="Remove" data-testid="panel-remove"
                        on:click={ let id = panel.id.clone(); move |_| state.remove_panel(&id) }>"✕"</button>
                </span>
            </header>
            <Show when=move || fetch.with(|f| f.error.is_some())>
                <p class="nk-panel-error" data-testid="panel-error">
                    {move || fetch.with(|f| f.error.clone().unwrap_or_default())}
                    " "
                    <span class="nk-panel-aged">{aged}</span>
                </p>
            </Show>
            <Show when=move || fetch.with(|f| f.frames.as_ref().is_some_and(|fr| fr.iter().any(|x| !x.notices.is_empty())))>
                <ul class="nk-panel-notices" data-testid="panel-notice">
                    {move || fetch.with(|f| {
                        let mut notes: Vec<String> = f.frames.iter().flat_map(|fr| fr.iter()).flat_map(|x| x.notices.iter().cloned()).collect();
                        notes.dedup();
                        notes.into_iter().take(5).map(|n| view! { <li>{n}</li> }).collect_view()
                    })}
                </ul>
            </Show>
            <div class="nk-panel-body">{body}</div>
            <span class="nk-resize" data-testid="panel-resize" aria-hidden="true" title="Drag to resize"
                on:pointerdown=move |ev| begin_drag(ev, true)
                on:pointermove=move_drag
                on:pointerup=move |_| end_drag(true)
                on:pointercancel=move |_| end_drag(false)></span>
        </section>
    }
}
