//! The time-series chart: a canvas painted from `core::chart::ChartModel`, an overlay
//! canvas for the crosshair and drag box, a DOM readout and a DOM legend (click to
//! isolate a series). Dragging across the chart (mouse, pen or a horizontal finger drag)
//! drills into exactly the selected window (`core::drill::chart_gesture`; a level below,
//! with a breadcrumb back); a click opens the point's menu (`ui::drill::ChartMenu`: its
//! bucket, its traces, a note there). Incident notes show as markers
//! (`ui::notes::NoteMarkers`). The plot is a tab stop: on it the arrow keys select a window
//! bucket by bucket and Enter drills into it (`core::range_select`), described in words
//! through the plot's `aria-describedby`.

use super::state::use_app;
use crate::core::chart::{build, ChartModel, ChartOptions};
use crate::core::fetch_state::PanelFetch;
use crate::core::drill::{chart_gesture, ChartGesture};
use crate::core::range_select::{self, Buckets, Cursor, KeyResult};
use crate::core::spec::TimeseriesSpec;
use crate::io::clock::local_offset_minutes;
use crate::io::plot::{self, Theme};
use leptos::html::Canvas;
use leptos::prelude::*;
use plotters::style::RGBColor;
use std::collections::BTreeSet;
use std::sync::atomic::{AtomicU64, Ordering};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// A distinct id per chart for the paint queue.
fn next_chart_id() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// Keeps `width` and `height` at the element's CSS content size through a ResizeObserver,
/// disconnected when the chart goes away.
fn observe_size(element: &web_sys::HtmlCanvasElement, width: RwSignal<f64>, height: RwSignal<f64>) {
    let callback = Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
        let Some(rect) = js_sys::Reflect::get(&entries.get(0), &"contentRect".into()).ok() else { return };
        let read = |k: &str| js_sys::Reflect::get(&rect, &k.into()).ok().and_then(|v| v.as_f64()).unwrap_or(0.0);
        let (w, h) = (read("width"), read("height"));
        if width.get_untracked() != w {
            width.set(w);
        }
        if height.get_untracked() != h {
            height.set(h);
        }
    });
    let Ok(observer) = web_sys::ResizeObserver::new(callback.as_ref().unchecked_ref()) else { return };
    observer.observe(element);
    let kept = StoredValue::new_local((observer, callback));
    on_cleanup(move || {
        let _ = kept.try_with_value(|(observer, _)| observer.disconnect());
    });
}

/// The frames a chart shows and their range, compared by identity (like `PanelFetch`).
#[derive(Clone)]
struct ChartData(Option<std::sync::Arc<Vec<crate::core::frame::Frame>>>, Option<crate::core::time::TimeRange>);

impl PartialEq for ChartData {
    fn eq(&self, other: &Self) -> bool {
        let same_frames = match (&self.0, &other.0) {
            (Some(a), Some(b)) => std::sync::Arc::ptr_eq(a, b),
            (None, None) => true,
            _ => false,
        };
        same_frames && self.1 == other.1
    }
}

fn theme() -> Theme {
    let window = web_sys::window();
    let chosen = window
        .as_ref()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
        .and_then(|e| e.get_attribute("data-theme"));
    let system_dark = window
        .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
        .map(|m| m.matches())
        .unwrap_or(false);
    let dark = match chosen.as_deref() {
        Some("dark") => true,
        Some("light") => false,
        _ => system_dark,
    };
    if dark {
        Theme { background: RGBColor(24, 26, 31), grid: RGBColor(70, 74, 84), text: RGBColor(200, 204, 212) }
    } else {
        Theme { background: RGBColor(255, 255, 255), grid: RGBColor(214, 218, 224), text: RGBColor(60, 64, 72) }
    }
}

#[component]
pub fn ChartPanel(
    fetch: Memo<PanelFetch>,
    spec: TimeseriesSpec,
    /// The panel's id, under which the fetcher stores its exemplars (none without it).
    #[prop(optional, into)]
    panel_id: String,
) -> impl IntoView {
    let state = use_app();
    let canvas = NodeRef::<Canvas>::new();
    let overlay = NodeRef::<Canvas>::new();
    let hidden = RwSignal::new(BTreeSet::<usize>::new());
    let width = RwSignal::new(0.0f64);
    let height = RwSignal::new(0.0f64);
    let cursor = RwSignal::new(None::<f64>);
    let drag_from = RwSignal::new(None::<f64>);
    let menu = RwSignal::new(None::<super::drill::PointMenu>);
    // The keyboard's cursor and selection (bucket ends), while the plot has focus.
    let key_cursor = RwSignal::new(None::<Cursor>);

    // The canvas' CSS size comes from a ResizeObserver (delivered after layout), never
    // from getBoundingClientRect while painting, which would force a layout per chart.
    canvas.on_load(move |c| observe_size(&c, width, height));
    let unit = spec.unit;
    let thresholds = spec.thresholds;
    let queries = spec.queries.clone();
    // Only the data the chart draws: a refresh starting or failing changes the fetch state
    // but not this, so it neither rebuilds the model nor repaints the canvas.
    let data = Memo::new(move |_| fetch.with(|f| ChartData(f.frames.clone(), f.data_range)));
    // The previous model is dropped before the next one is built, so the new model's
    // buffers reuse the old one's memory instead of growing wasm memory while both are
    // alive (B7: 24 panels × 3 series of ~2,000 points, rebuilt on every refresh). With
    // the old model gone there is nothing to compare with, so every rebuild counts as a
    // change: a rebuild only runs when an input notified, which repaints anyway.
    let model = Memo::new_owning(move |previous: Option<Option<ChartModel>>| {
        let had_model = matches!(previous, Some(Some(_)));
        drop(previous);
        let w = width.get();
        let next = (w > 0.0).then(|| {
            let utc = state.utc.get();
            let hidden = hidden.get();
            data.with(|ChartData(frames, range)| {
                let (frames, range) = (frames.as_ref()?, (*range)?);
                let offset = if utc { 0 } else { local_offset_minutes(range.to_ms()) };
                let opts = ChartOptions { unit, thresholds: thresholds.as_ref(), width_px: w as u32, hidden: &hidden, offset_minutes: offset };
                Some(build(frames, range, &opts))
            })
        });
        let next = next.flatten();
        let changed = had_model || next.is_some();
        (next, changed)
    });

    // Painting is the effect's only job: it queues the model for the next free frame
    // (`io::plot::schedule`), where it is painted at the observed size.
    let chart_id = next_chart_id();
    on_cleanup(move || plot::unschedule(chart_id));
    Effect::new(move |_| {
        let size = (width.get(), height.get());
        model.track();
        let Some(c) = canvas.get() else { return };
        plot::schedule(
            chart_id,
            Box::new(move || {
                let _ = model.try_with_untracked(|m| {
                    if let Some(m) = m {
                        if let Err(e) = plot::draw_sized(&c, m, &theme(), size) {
                            web_sys::console::warn_1(&format!("Napkin could not draw a chart: {e}").into());
                        }
                    }
                });
            }),
        );
    });
    // The buckets the keyboard moves through, and the window it has selected.
    let buckets = Memo::new(move |_| {
        let step = data.with(|ChartData(frames, _)| frames.as_ref().and_then(|f| f.first().map(|x| x.step_ms)))?;
        model.with(|m| m.as_ref().and_then(|m| Buckets::over(m.from_ms, m.to_ms, step)))
    });
    let key_window = Memo::new(move |_| {
        let b = buckets.get()?;
        key_cursor.get().map(|c| c.window(&b))
    });
    let overlay_used = StoredValue::new(false);
    Effect::new(move |_| {
        let (mut x, mut from) = (cursor.get(), drag_from.get());
        if let (None, Some((a, b))) = (from, key_window.get()) {
            let w = width.get_untracked();
            if let Some((xa, xb)) = model.with(|m| m.as_ref().map(|m| (m.x_of(a, w), m.x_of(b, w)))) {
                (x, from) = (Some(xb), Some(xa));
            }
        }
        // An overlay that never showed anything keeps the browser's blank default: sizing
        // its backing store to the chart (24 more full-width canvases in B4) waits for the
        // first crosshair.
        let idle = x.is_none() && from.is_none();
        if idle && !overlay_used.get_value() {
            return;
        }
        overlay_used.set_value(true);
        if let Some(o) = overlay.get() {
            plot::draw_overlay(&o, (width.get_untracked(), height.get_untracked()), x, from, "rgba(128,128,128,0.9)");
        }
    });

    // The values at the pointer's instant, else at the keyboard cursor's bucket end.
    let readout = move || {
        let t = match cursor.get() {
            Some(x) => model.with(|m| m.as_ref().map(|m| m.time_at(x, width.get_untracked())))?,
            None => buckets.get()?.snap(key_cursor.get()?.at_ms),
        };
        model.with(|m| m.as_ref().map(|m| (t, m.readout(t))))
    };
    let series_count = move || model.with(|m| m.as_ref().map(|m| m.series_count()).unwrap_or(0)).to_string();
    // Accessibility: a text summary for screen readers and the data as a table on request.
    let summary = move || {
        model.with(|m| m.as_ref().map(crate::core::a11y::chart_summary).unwrap_or_else(|| "Chart, no data yet.".into()))
    };
    let show_table = RwSignal::new(false);
    let table = Memo::new(move |_| {
        if !show_table.get() {
            return None;
        }
        let utc = state.utc.get();
        model.with(|m| {
            m.as_ref().map(|m| {
                let offset = if utc { 0 } else { local_offset_minutes(m.to_ms) };
                crate::core::a11y::chart_table(m, crate::core::a11y::TABLE_ROWS, offset)
            })
        })
    });
    let offset_x = |ev: &web_sys::MouseEvent| ev.offset_x() as f64;
    // A click (not a drag): the instant under it, the data's step and the service the
    // visible series share.
    let point_menu = move |x: f64| {
        let t = model.with_untracked(|m| m.as_ref().map(|m| m.time_at(x, width.get_untracked())))?;
        let hidden = hidden.get_untracked();
        fetch.with_untracked(|f| {
            let frames = f.frames.as_ref()?;
            let step_ms = frames.first().map(|fr| fr.step_ms).filter(|s| *s > 0)?;
            let all: Vec<&[(String, String)]> = frames.iter().flat_map(|fr| fr.series.iter()).map(|s| s.labels.as_slice()).collect();
            let visible: Vec<&[(String, String)]> = all.iter().enumerate().filter(|(i, _)| !hidden.contains(i)).map(|(_, l)| *l).collect();
            let service = state.dashboard.with_untracked(|d| crate::core::drill::service_at_point(&visible, &queries, &d.variables));
            Some(super::drill::PointMenu { x, t_ms: t, step_ms, service })
        })
    };
    // The window a drag in progress (or the keyboard) selects, shown (and exposed as
    // `chart-selection`) until the release (or Enter) drills into it.
    let selection = Memo::new(move |_| {
        let Some(from) = drag_from.get() else {
            return key_window.get().map(|(a, b)| (a, b, true));
        };
        let to = cursor.get()?;
        model.with(|m| match chart_gesture(m.as_ref()?, from, to, width.get()) {
            ChartGesture::Window { from_ms, to_ms } => Some((from_ms, to_ms, false)),
            _ => None,
        })
    });
    let on_key = move |ev: web_sys::KeyboardEvent| {
        if ev.ctrl_key() || ev.meta_key() || ev.alt_key() {
            return;
        }
        let Some(b) = buckets.get_untracked() else { return };
        match range_select::on_key(&b, key_cursor.get_untracked(), &ev.key(), ev.shift_key()) {
            KeyResult::Ignored => return,
            KeyResult::Moved(c) => key_cursor.set(Some(c)),
            KeyResult::Cleared => key_cursor.set(None),
            KeyResult::Drill { from_ms, to_ms } => {
                key_cursor.set(None);
                let d = state.dashboard.with_untracked(|d| crate::core::drill::zoom_level(d, from_ms, to_ms));
                super::drill::open_level(state, d);
            }
        }
        // The page's shortcuts (Escape among them) skip a handled key.
        ev.prevent_default();
        ev.stop_propagation();
    };
    let keys_id = format!("nk-chart-keys-{chart_id}");
    let keys_text = move || buckets.with(|b| range_select::describe(b.as_ref(), key_cursor.get()));
    let tapped = StoredValue::new(None::<f64>);
    let on_up = move |ev: web_sys::PointerEvent| {
        let Some(from) = drag_from.get_untracked() else { return };
        drag_from.set(None);
        let to = offset_x(&ev);
        let gesture = model.with_untracked(|m| m.as_ref().map(|m| chart_gesture(m, from, to, width.get_untracked())));
        match gesture {
            // The menu opens on the click that follows, so a finger's tap is not taken as
            // a tap on the menu that appeared under it.
            Some(ChartGesture::Click) => tapped.set_value(Some(to)),
            Some(ChartGesture::Window { from_ms, to_ms }) => {
                let d = state.dashboard.with_untracked(|d| crate::core::drill::zoom_level(d, from_ms, to_ms));
                super::drill::open_level(state, d);
            }
            _ => {}
        }
    };
    let on_down = move |ev: web_sys::PointerEvent| {
        if ev.button() != 0 {
            return;
        }
        // The overlay keeps the pointer until the release, so a drag may end past the edge.
        if let Some(target) = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) {
            let _ = target.set_pointer_capture(ev.pointer_id());
        }
        key_cursor.set(None);
        cursor.set(Some(offset_x(&ev)));
        drag_from.set(Some(offset_x(&ev)));
    };

    view! {
        <div class="nk-chart">
            <div class="nk-chart-area">
                <canvas class="nk-chart-canvas" data-testid="chart" data-series=series_count node_ref=canvas
                    role="img" aria-label=summary tabindex="0" aria-describedby=keys_id.clone()
                    on:keydown=on_key on:blur=move |_| key_cursor.set(None)></canvas>
                <span class="nk-sr" id=keys_id>{keys_text}</span>
                <canvas class="nk-chart-overlay" node_ref=overlay aria-hidden="true" style="touch-action: pan-y"
                    on:pointermove=move |ev| cursor.set(Some(offset_x(&ev)))
                    on:pointerleave=move |_| if drag_from.get_untracked().is_none() { cursor.set(None) }
                    on:pointercancel=move |_| { cursor.set(None); drag_from.set(None); }
                    on:pointerdown=on_down
                    on:pointerup=on_up
                    on:click=move |_| if let Some(x) = tapped.get_value() { tapped.set_value(None); menu.set(point_menu(x)); }></canvas>
                {move || selection.get().map(|(from, to, by_keyboard)| view! {
                    <div class="nk-chart-selection" data-testid="chart-selection"
                        style="position: absolute; left: 70px; bottom: 26px; z-index: 2; pointer-events: none; background: var(--nk-surface); color: var(--nk-text); border: 1px solid var(--nk-border); border-radius: 6px; padding: 2px 8px; font-size: 0.72rem"
                        data-from-ms=from.to_string() data-to-ms=to.to_string()
                        data-input=if by_keyboard { "keyboard" } else { "pointer" }>
                        {format!("{} to drill into {}", if by_keyboard { "Enter" } else { "Release" }, crate::core::drill::window_label(from, to))}
                    </div>
                })}
                <super::notes::NoteMarkers model=model width=width/>
                <super::exemplars::ExemplarMarkers panel_id=panel_id fetch=fetch model=model width=width height=height/>
                <super::drill::ChartMenu menu=menu/>
                <div class="nk-chart-zone">{move || model.with(|m| m.as_ref().map(|m| m.zone.clone()).unwrap_or_default())}</div>
                <Show when=move || readout().is_some()>
                    <div class="nk-readout" role="tooltip">
                        {move || readout().map(|(t, rows)| {
                            let utc = state.utc.get_untracked();
                            let stamp = if utc {
                                crate::core::time::format_rfc3339_utc(t)
                            } else {
                                crate::core::time::format_local(t, local_offset_minutes(t))
                            };
                            view! {
                                <div class="nk-readout-time">{stamp}</div>
                                {rows.into_iter().map(|(legend, color, value)| view! {
                                    <div class="nk-readout-row">
                                        <span class="nk-swatch" style=format!("background:{color}")></span>
                                        <span class="nk-readout-name">{legend}</span>
                                        <span class="nk-readout-value">{value}</span>
                                    </div>
                                }).collect_view()}
                            }
                        })}
                    </div>
                </Show>
            </div>
            <ul class="nk-legend">
                {move || model.with(|m| m.as_ref().map(|m| m.series.iter().enumerate().map(|(i, s)| {
                    let color = s.color;
                    let legend = s.legend.clone();
                    let off = s.hidden;
                    view! {
                        <li class="nk-legend-item" class:nk-legend-off=off>
                            <button class="nk-legend-button" title="Click to show only this series; click again to show all"
                                on:click=move |_| hidden.update(|h| {
                                    let count = model.with_untracked(|m| m.as_ref().map(|m| m.series.len()).unwrap_or(0));
                                    let isolated = h.len() + 1 == count && !h.contains(&i);
                                    h.clear();
                                    if !isolated {
                                        h.extend((0..count).filter(|j| *j != i));
                                    }
                                })>
                                <span class="nk-swatch" style=format!("background:{color}")></span>
                                {legend}
                            </button>
                        </li>
                    }
                }).collect_view()))}
            </ul>
            <button class="nk-link-button nk-chart-table-toggle" data-testid="chart-table-toggle"
                aria-pressed=move || show_table.get().to_string()
                on:click=move |_| show_table.update(|v| *v = !*v)>
                {move || if show_table.get() { "Hide table" } else { "Show as table" }}
            </button>
            <Show when=move || show_table.get()>
                <div class="nk-chart-table-wrap" tabindex="0" role="region" aria-label="Chart data">
                    <table class="nk-chart-table" data-testid="chart-table">
                        {move || table.with(|t| t.as_ref().map(|t| view! {
                            <thead><tr>{t.headers.iter().map(|h| view! { <th scope="col">{h.clone()}</th> }).collect_view()}</tr></thead>
                            <tbody>
                                {t.rows.iter().map(|r| view! {
                                    <tr>{r.iter().map(|c| view! { <td>{c.clone()}</td> }).collect_view()}</tr>
                                }).collect_view()}
                            </tbody>
                        }))}
                    </table>
                </div>
            </Show>
        </div>
    }
}
