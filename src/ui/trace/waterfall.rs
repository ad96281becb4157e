//! The waterfall panel: one row per visible span on a shared time axis, virtualised (only
//! the rows in the viewport are in the DOM, found with `core::trace::visible_range`), with
//! collapse/expand, folding, hiding short spans, find, a zoomable minimap, keyboard
//! navigation and the span detail. Collapse state and the selected span live in the panel's
//! spec, so they travel in the share link; everything else is view memory. The grid keeps
//! this panel when only those view fields change (see [`frame_spec`]), so they are read
//! here reactively from the dashboard and a collapse only recomputes the row list.

use super::detail::SpanDetail;
use super::{cached, edit_waterfall, file_trace, fmt_us, memory, open_trace_file, remember, update_memory, Loaded};
use crate::core::spec::{Panel, PanelDef, WaterfallSpec};
use crate::core::trace::{
    find_spans, min_duration_us, service_colour, uniform_visible_range, viewed_bounds, visible_rows_indexed, Collapse, Row, RowFilter, SpanId,
    TraceId,
};
use crate::io::url::HistoryMode;
use crate::ui::state::use_app;
use leptos::prelude::*;
use std::collections::HashSet;
use std::sync::Arc;
use wasm_bindgen::JsCast;

/// Row height in px (CSS uses the same number).
pub const ROW_H: f64 = 24.0;
const OVERSCAN: usize = 8;
/// Runs of at least this many same-named siblings fold into one row.
const FOLD_MIN: usize = 5;
/// Service colours (index from `core::trace::service_colour`); picked to read on light and dark.
pub const PALETTE: [&str; 12] =
    ["#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#76b7b2", "#edc948", "#9c755f", "#ff9da7", "#8cd17d", "#499894", "#d37295", "#a0cbe8"];

pub fn colour(service: &str) -> &'static str {
    PALETTE[service_colour(service, PALETTE.len())]
}

#[derive(Clone)]
enum Load {
    Empty,
    Loading,
    Progress(f64, f64),
    Ready(Arc<Loaded>),
    Failed(String),
    NeedFile,
}

#[component]
pub fn Waterfall(panel: Panel, spec: WaterfallSpec) -> impl IntoView {
    let state = use_app();
    let panel_id = panel.id.clone();
    let datasource = panel.datasource.clone();
    let key = match (&spec.file, &spec.trace_id) {
        (Some(f), Some(t)) => format!("file|{f}|{t}"),
        (None, Some(t)) => format!("{datasource}|{t}"),
        _ => String::new(),
    };
    // In a snapshot the stored trace is shown (when it is the one the spec names) and
    // nothing is fetched.
    let stored = crate::ui::snapshot::stored_trace(state, &panel_id).map(|p| {
        let wanted = spec.trace_id.as_deref().and_then(|t| TraceId::parse(t).ok());
        match p.and_then(|p| p.trace).filter(|(t, _)| Some(t.trace_id) == wanted) {
            Some((trace, warnings)) => Load::Ready(Loaded::new(trace, "snapshot".into(), warnings, 0.0)),
            None if wanted.is_none() => Load::Empty,
            None => Load::Failed("This snapshot holds no copy of this trace; nothing is fetched in a snapshot.".into()),
        }
    });
    let initial = match (&spec.file, &spec.trace_id) {
        _ if stored.is_some() => stored.unwrap_or(Load::Empty),
        (_, None) => Load::Empty,
        (Some(_), Some(t)) => TraceId::parse(t).ok().and_then(|id| file_trace(&id.to_hex())).map(Load::Ready).unwrap_or(Load::NeedFile),
        (None, Some(t)) => match TraceId::parse(t) {
            Err(e) => Load::Failed(e.to_string()),
            Ok(_) => cached(&key).map(Load::Ready).unwrap_or(Load::Loading),
        },
    };
    let load = RwSignal::new(initial);
    // Fetch a backend trace once the datasources are known.
    if matches!(load.get_untracked(), Load::Loading) {
        let started = StoredValue::new(false);
        let (ds, k, tid) = (datasource.clone(), key.clone(), spec.trace_id.clone().unwrap_or_default());
        Effect::new(move |_| {
            let Some(registry) = state.registry.get() else { return };
            if started.get_value() {
                return;
            }
            started.set_value(true);
            let (ds, k, tid) = (ds.clone(), k.clone(), tid.clone());
            leptos::task::spawn_local(async move {
                let Ok(id) = TraceId::parse(&tid) else { return };
                let t0 = crate::io::traces::now_ms();
                match crate::io::traces::fetch_trace(&registry, &ds, &id).await {
                    Ok((trace, warnings)) => {
                        let loaded = Loaded::new(trace, format!("datasource {ds}"), warnings, 0.0);
                        let ms = crate::io::traces::now_ms() - t0;
                        let loaded = Arc::new(Loaded { parse_ms: ms, ..Arc::try_unwrap(loaded).unwrap_or_else(|_| unreachable!()) });
                        remember(k, loaded.clone());
                        load.try_set(Load::Ready(loaded));
                    }
                    Err(e) => {
                        load.try_set(Load::Failed(e));
                    }
                }
            });
        });
    }
    let loaded = Memo::new(move |_| match load.get() {
        Load::Ready(l) => Some(l),
        _ => None,
    });
    {
        let pid = panel_id.clone();
        Effect::new(move |_| match loaded.get() {
            Some(l) => super::show_loaded(&pid, l),
            None => super::show_nothing(&pid),
        });
    }

    // The spec's view fields, read live from the dashboard: the grid keeps this panel when
    // only they change, so a collapse or a selection updates the rows, not the whole panel.
    let live = {
        let (pid, first) = (panel_id.clone(), spec.clone());
        Memo::new(move |_| {
            state.dashboard.with(|d| match d.panels.iter().find(|p| p.id == pid).map(|p| &p.def) {
                Some(PanelDef::Waterfall(s)) => view_fields(s),
                _ => view_fields(&first),
            })
        })
    };
    let collapsed = Memo::new(move |_| live.with(|v| v.collapse.clone()));
    let hide_pct = Memo::new(move |_| live.with(|v| v.hide_pct));
    let selected_hex = Memo::new(move |_| live.with(|v| v.selected.clone()));
    let mem = memory(&panel_id, &key);
    let fold = RwSignal::new(mem.fold);
    let unfolded = RwSignal::new(mem.unfolded.clone());
    let scroll_top = RwSignal::new(mem.scroll_top);
    let viewport_h = RwSignal::new(400.0);
    let view = RwSignal::new(mem.view);
    let find = RwSignal::new(mem.find.clone());
    let cursor = RwSignal::new(mem.cursor);
    let focused = StoredValue::new(mem.focused);
    let open_error = RwSignal::new(None::<String>);

    let rows = Memo::new(move |_| {
        let Some(l) = loaded.get() else { return Arc::new(Vec::new()) };
        let pct = hide_pct.get();
        let fold_min_run = if fold.get() { FOLD_MIN } else { 0 };
        // The trace's bounds are computed once at load; no pass over the spans here.
        let min_us = if pct > 0.0 { min_duration_us(l.end_us.saturating_sub(l.start_us), pct / 100.0) } else { 0 };
        let rows = unfolded.with(|unfolded| {
            collapsed.with(|collapse| {
                visible_rows_indexed(&l.trace, &l.tree, l.row_index(), &RowFilter { collapse, min_duration_us: min_us, fold_min_run, unfolded })
            })
        });
        Arc::new(rows)
    });
    // Every row is ROW_H tall: tops are index × ROW_H, so nothing is computed per row.
    let row_count = Memo::new(move |_| rows.with(|r| r.len()));
    let range = Memo::new(move |_| uniform_visible_range(row_count.get(), ROW_H, scroll_top.get(), viewport_h.get(), OVERSCAN));
    let matches = Memo::new(move |_| {
        let q = find.get();
        loaded.with(|l| l.as_ref().map(|l| Arc::new(find_spans(&l.trace, &q).into_iter().collect::<HashSet<usize>>()))).unwrap_or_default()
    });
    let selected = Memo::new(move |_| {
        let id = selected_hex.with(|h| h.as_deref().and_then(|h| SpanId::parse(h).ok()))?;
        loaded.with(|l| l.as_ref().and_then(|l| l.trace.spans.iter().position(|s| s.span_id == id)))
    });

    let scroller = NodeRef::<leptos::html::Div>::new();
    let (pid, k) = (panel_id.clone(), key.clone());
    let persist = move || {
        let (s, c, v, f, fo, u) = (scroll_top.get_untracked(), cursor.get_untracked(), view.get_untracked(), find.get_untracked(), fold.get_untracked(), unfolded.get_untracked());
        let has_focus = scroller.get_untracked().map(|el| {
            let active = web_sys::window().and_then(|w| w.document()).and_then(|d| d.active_element());
            active.is_some_and(|a| a == **el)
        });
        update_memory(&pid, &k, |m| {
            m.scroll_top = s;
            m.cursor = c;
            m.view = v;
            m.find = f;
            m.fold = fo;
            m.unfolded = u;
            m.focused = has_focus.unwrap_or(false);
        });
    };
    // Restore scroll and focus when the rows appear (also after a rebuild).
    Effect::new(move |_| {
        if let Some(el) = scroller.get() {
            let h = el.client_height() as f64;
            if h > 0.0 {
                viewport_h.set(h);
            }
            el.set_scroll_top(scroll_top.get_untracked() as i32);
            if focused.get_value() {
                let _ = el.focus();
            }
        }
    });

    let set_collapsed = {
        let pid = panel_id.clone();
        let persist = persist.clone();
        move |next: Collapse| {
            persist();
            let (depth, ids, expanded) = next.to_lists();
            edit_waterfall(state, &pid, HistoryMode::Replace, move |s| {
                s.collapse_depth = depth;
                s.collapsed = ids;
                s.expanded = expanded;
            });
        }
    };
    let toggle = {
        let set_collapsed = set_collapsed.clone();
        move |id: SpanId, depth: u32| {
            let mut next = collapsed.get_untracked();
            next.toggle(id, depth);
            set_collapsed(next);
        }
    };
    let select = {
        let pid = panel_id.clone();
        let persist = persist.clone();
        move |id: Option<SpanId>| {
            cursor.set(id.or(cursor.get_untracked()));
            persist();
            edit_waterfall(state, &pid, HistoryMode::Replace, move |s| s.selected = id.map(|i| i.to_hex()));
        }
    };
    let scroll_to_row = move |index: usize| {
        let top = index as f64 * ROW_H;
        let (st, vh) = (scroll_top.get_untracked(), viewport_h.get_untracked());
        let target = if top < st { top } else if top + ROW_H > st + vh { top + ROW_H - vh } else { return };
        scroll_top.set(target);
        if let Some(el) = scroller.get_untracked() {
            el.set_scroll_top(target as i32);
        }
    };

    let on_key = {
        let toggle = toggle.clone();
        let select = select.clone();
        move |ev: web_sys::KeyboardEvent| {
            let Some(l) = loaded.get_untracked() else { return };
            let rows = rows.get_untracked();
            if rows.is_empty() {
                return;
            }
            let pos = cursor.get_untracked().and_then(|c| rows.iter().position(|r| l.trace.spans[r.span].span_id == c));
            let id_at = |i: usize| l.trace.spans[rows[i].span].span_id;
            let move_to = |i: usize| {
                cursor.set(Some(id_at(i)));
                scroll_to_row(i);
            };
            match ev.key().as_str() {
                "ArrowDown" => move_to(pos.map_or(0, |p| (p + 1).min(rows.len() - 1))),
                "ArrowUp" => move_to(pos.map_or(0, |p| p.saturating_sub(1))),
                "Home" => move_to(0),
                "End" => move_to(rows.len() - 1),
                "ArrowLeft" => {
                    let Some(p) = pos else { return move_to(0) };
                    let row = rows[p];
                    if row.has_children && !row.collapsed {
                        toggle(id_at(p), row.depth);
                    } else if let Some(parent) = l.tree.parent[row.span] {
                        if let Some(pp) = rows.iter().position(|r| r.span == parent as usize) {
                            move_to(pp);
                        }
                    }
                }
                "ArrowRight" => {
                    let Some(p) = pos else { return move_to(0) };
                    let row = rows[p];
                    if row.fold.is_some() {
                        unfolded.update(|u| {
                            u.insert(id_at(p));
                        });
                    } else if row.collapsed {
                        toggle(id_at(p), row.depth);
                    } else if row.has_children && p + 1 < rows.len() {
                        move_to(p + 1);
                    }
                }
                "Enter" | " " => {
                    if let Some(p) = pos {
                        select(Some(id_at(p)));
                    }
                }
                "Escape" => select(None),
                _ => return,
            }
            ev.prevent_default();
        }
    };

    let rows_view = {
        let toggle = toggle.clone();
        let select = select.clone();
        move || {
            let Some(l) = loaded.get() else { return Vec::new() };
            let rows = rows.get();
            let r = range.get();
            let (a, b) = view.get();
            let bounds = viewed_bounds(l.start_us, l.end_us, a, b);
            let sel = selected.get();
            let cur = cursor.get();
            let found = matches.get();
            rows[r.clone()]
                .iter()
                .enumerate()
                .map(|(k, row)| {
                    let i = r.start + k;
                    row_view(&l, *row, i, &bounds, sel, cur, &found, toggle.clone(), select.clone(), unfolded)
                })
                .collect::<Vec<_>>()
        }
    };

    // ---------------------------------------------------------------- controls
    let open_input = RwSignal::new(String::new());
    let open_by_id = {
        let pid = panel_id.clone();
        move || match TraceId::parse(&open_input.get_untracked()) {
            Ok(id) => {
                open_error.set(None);
                edit_waterfall(state, &pid, HistoryMode::Push, move |s| *s = WaterfallSpec { trace_id: Some(id.to_hex()), ..WaterfallSpec::default() });
            }
            Err(e) => open_error.set(Some(e.to_string())),
        }
    };
    let open_file = {
        let pid = panel_id.clone();
        move |file: web_sys::File| {
            let (pid, pid_after) = (pid.clone(), pid.clone());
            open_error.set(None);
            load.set(Load::Progress(0.0, file.size()));
            leptos::task::spawn_local(async move {
                let result = open_trace_file(state, Some(pid), file, move |a, t| {
                    load.try_set(Load::Progress(a, t));
                })
                .await;
                match result {
                    Ok(note) => {
                        open_error.try_set(note);
                        // The same file and trace again leaves the spec's trace unchanged, so
                        // the grid keeps this panel: show the trace here instead of waiting.
                        if matches!(load.try_get_untracked(), Some(Load::Progress(..))) {
                            let tid = state.dashboard.with_untracked(|d| match d.panels.iter().find(|p| p.id == pid_after).map(|p| &p.def) {
                                Some(PanelDef::Waterfall(s)) => s.trace_id.clone(),
                                _ => None,
                            });
                            let again = tid.and_then(|t| TraceId::parse(&t).ok()).and_then(|id| file_trace(&id.to_hex()));
                            if let Some(l) = again {
                                load.try_set(Load::Ready(l));
                            }
                        }
                    }
                    Err(e) => {
                        load.try_set(Load::Failed(e));
                    }
                }
            });
        }
    };
    let on_drop = {
        let open_file = open_file.clone();
        move |ev: web_sys::DragEvent| {
            ev.prevent_default();
            ev.stop_propagation();
            if let Some(f) = ev.data_transfer().and_then(|d| d.files()).and_then(|f| f.get(0)) {
                open_file(f);
            }
        }
    };
    let collapse_all_btn = {
        let set_collapsed = set_collapsed.clone();
        move |_| set_collapsed(Collapse::all())
    };
    let expand_all_btn = {
        let set_collapsed = set_collapsed.clone();
        move |_| set_collapsed(Collapse::default())
    };
    let depth_select = {
        let set_collapsed = set_collapsed.clone();
        move |ev: leptos::ev::Event| {
            let Ok(depth) = event_target_value(&ev).parse::<u32>() else { return };
            set_collapsed(Collapse::to_depth(depth));
        }
    };
    let hide_select = {
        let pid = panel_id.clone();
        let persist = persist.clone();
        move |ev: leptos::ev::Event| {
            let pct = event_target_value(&ev).parse::<f64>().ok().filter(|p| *p > 0.0);
            persist();
            edit_waterfall(state, &pid, HistoryMode::Replace, move |s| s.hide_below_pct = pct);
        }
    };
    let find_next = move || {
        let Some(l) = loaded.get_untracked() else { return };
        let found = matches.get_untracked();
        if found.is_empty() {
            return;
        }
        let rows = rows.get_untracked();
        let from = cursor.get_untracked().and_then(|c| rows.iter().position(|r| l.trace.spans[r.span].span_id == c)).map_or(0, |p| p + 1);
        let hit = (from..rows.len()).chain(0..from).find(|&i| found.contains(&rows[i].span));
        if let Some(i) = hit {
            cursor.set(Some(l.trace.spans[rows[i].span].span_id));
            scroll_to_row(i);
        }
    };

    // ---------------------------------------------------------------- minimap
    let minimap = NodeRef::<leptos::html::Canvas>::new();
    Effect::new(move |_| {
        let (Some(canvas), Some(l)) = (minimap.get(), loaded.get()) else { return };
        paint_minimap(&canvas, &l);
    });
    let drag_from = StoredValue::new(None::<f64>);
    let frac_at = move |ev: &web_sys::MouseEvent| -> Option<f64> {
        let target: web_sys::Element = ev.current_target()?.dyn_into().ok()?;
        let rect = target.get_bounding_client_rect();
        (rect.width() > 0.0).then(|| ((ev.client_x() as f64 - rect.left()) / rect.width()).clamp(0.0, 1.0))
    };
    let on_down = move |ev: web_sys::MouseEvent| {
        drag_from.set_value(frac_at(&ev));
        ev.prevent_default();
    };
    let on_up = move |ev: web_sys::MouseEvent| {
        let (Some(a), Some(b)) = (drag_from.get_value(), frac_at(&ev)) else { return };
        drag_from.set_value(None);
        if (a - b).abs() < 0.01 {
            // A click pans: the window keeps its width and centres on the click.
            let (s, e) = view.get_untracked();
            let w = e - s;
            let s = (b - w / 2.0).clamp(0.0, 1.0 - w);
            view.set((s, s + w));
        } else {
            view.set((a.min(b), a.max(b)));
        }
    };

    let summary = move || {
        loaded.get().map(|l| {
            let t = &l.trace;
            let root = l.root.clone();
            let (services, errors, duration_us) = (l.service_count, l.error_count, l.end_us - l.start_us);
            let text = format!(
                "{root} · {} spans · {services} services · {errors} errors · {} · {}",
                t.spans.len(),
                fmt_us(duration_us),
                l.source
            );
            view! {
                <p class="nk-trace-summary" data-testid="trace-summary"
                    data-span-count=t.spans.len().to_string()
                    data-service-count=services.to_string()
                    data-error-count=errors.to_string()
                    data-root=root.clone()
                    data-duration-us=duration_us.to_string()
                    data-trace-id=t.trace_id.to_hex()
                    data-load-ms=format!("{:.1}", l.parse_ms)>
                    <span class="nk-trace-id">{t.trace_id.to_hex()}</span>" "{text}
                </p>
                {(!l.warnings.is_empty()).then(|| view! {
                    <details class="nk-trace-warnings"><summary>{format!("{} notes from the decoder", l.warnings.len())}</summary>
                        <ul>{l.warnings.iter().map(|w| view! { <li>{w.clone()}</li> }).collect_view()}</ul>
                    </details>
                })}
            }
        })
    };
    let axis = move || {
        let Some(l) = loaded.get() else { return Vec::new() };
        let (a, b) = view.get();
        let bounds = viewed_bounds(l.start_us, l.end_us, a, b);
        let t0 = l.start_us;
        (0..=4)
            .map(|i| {
                let f = i as f64 / 4.0;
                let style = if i == 4 { "right: 0".to_string() } else { format!("left: {}%", f * 100.0) };
                view! { <span class="nk-axis-tick" style=style>{fmt_us(bounds.time_at(f) - t0)}</span> }
            })
            .collect::<Vec<_>>()
    };
    let is_file = spec.file.clone();
    let file_note = move || {
        let name = is_file.clone()?;
        Some(match load.get() {
            Load::NeedFile => view! {
                <p class="nk-trace-note" data-testid="trace-file-note" data-need-file="true">
                    {format!("This trace was opened from the file \"{name}\". A file's spans stay in the browser tab that opened it and cannot travel in a link: open \"{name}\" again to see it.")}
                </p>
            }.into_any(),
            _ => view! {
                <p class="nk-trace-note" data-testid="trace-file-note" data-need-file="false">
                    {format!("Opened from the file \"{name}\" (no backend). It is kept in this tab only; a share link names the trace and the file but cannot carry the spans.")}
                </p>
            }.into_any(),
        })
    };
    let status = move || match load.get() {
        Load::Empty => Some(view! { <p class="nk-trace-empty">"No trace yet: paste a trace id (hex, base64 or a traceparent value), open a trace file, or pick a result in a trace search."</p> }.into_any()),
        Load::Loading => Some(view! { <p class="nk-trace-loading" data-testid="trace-loading">"Loading the trace…"</p> }.into_any()),
        Load::Progress(a, t) => Some(view! {
            <p class="nk-trace-loading" data-testid="trace-file-progress" data-read=a.to_string() data-total=t.to_string()>
                {format!("Reading the file… {:.1} of {:.1} MB ", a / 1_048_576.0, t / 1_048_576.0)}
                <progress max=t.to_string() value=a.to_string()></progress>
            </p>
        }.into_any()),
        Load::Failed(e) => Some(view! { <p class="nk-inline-error" data-testid="trace-error">{e}</p> }.into_any()),
        Load::NeedFile | Load::Ready(_) => None,
    };
    let detail = {
        let select = select.clone();
        move || {
            let (l, i) = (loaded.get()?, selected.get()?);
            let select = select.clone();
            Some(view! { <SpanDetail loaded=l span=i on_close=move || select(None)/> })
        }
    };
    let span_count = move || loaded.with(|l| l.as_ref().map(|l| l.trace.spans.len()).unwrap_or(0)).to_string();
    let visible_count = move || rows.with(|r| r.len()).to_string();
    let total_h = move || format!("height: {}px", row_count.get() as f64 * ROW_H);
    let ready = move || loaded.with(Option::is_some);
    let scroll_persist = persist.clone();
    let on_scroll = move |_| {
        if let Some(el) = scroller.get_untracked() {
            scroll_top.set(el.scroll_top() as f64);
            let h = el.client_height() as f64;
            if h > 0.0 && (h - viewport_h.get_untracked()).abs() > 0.5 {
                viewport_h.set(h);
            }
        }
        scroll_persist();
    };
    let focus_persist = persist.clone();
    let blur_persist = persist.clone();
    let hide_value = move || {
        let pct = hide_pct.get();
        if pct > 0.0 { pct.to_string() } else { "0".to_string() }
    };

    view! {
        <div class="nk-waterfall" data-testid="waterfall" data-span-count=span_count data-visible-rows=visible_count
            data-dom-rows=move || range.with(|r| r.len()).to_string()
            on:dragover=|ev: web_sys::DragEvent| ev.prevent_default() on:drop=on_drop>
            <div class="nk-trace-open">
                <input class="nk-input nk-trace-id-input" type="text" placeholder="trace id, base64 id or traceparent" data-testid="trace-open-input"
                    prop:value=move || open_input.get() on:input=move |ev| open_input.set(event_target_value(&ev))
                    on:keydown={ let open_by_id = open_by_id.clone(); move |ev: web_sys::KeyboardEvent| if ev.key() == "Enter" { open_by_id() } }/>
                <button class="nk-button" data-testid="trace-open" on:click={ let open_by_id = open_by_id.clone(); move |_| open_by_id() }>"Open trace"</button>
                <label class="nk-button nk-file">"Open trace file…"
                    <input type="file" accept=".json,application/json" data-testid="trace-panel-file-input"
                        on:change={ let open_file = open_file.clone(); move |ev| {
                            let input: web_sys::HtmlInputElement = event_target(&ev);
                            if let Some(f) = input.files().and_then(|f| f.get(0)) { open_file(f); }
                            input.set_value("");
                        } }/>
                </label>
                {move || open_error.get().map(|e| view! { <span class="nk-inline-error" data-testid="trace-open-error">{e}</span> })}
            </div>
            {file_note}
            {status}
            <Show when=ready>
                {summary}
                <div class="nk-trace-tools">
                    <button class="nk-button" data-testid="trace-collapse-all" on:click=collapse_all_btn.clone()>"Collapse all"</button>
                    <button class="nk-button" data-testid="trace-expand-all" on:click=expand_all_btn.clone()>"Expand all"</button>
                    <label class="nk-check">"Expand to depth "
                        <select class="nk-select" data-testid="trace-depth" on:change=depth_select.clone()>
                            <option value="">"…"</option>
                            {(1..=6).map(|d| view! { <option value=d.to_string()>{d.to_string()}</option> }).collect_view()}
                        </select>
                    </label>
                    <label class="nk-check">"Hide spans shorter than "
                        <select class="nk-select" data-testid="trace-hide-short" prop:value=hide_value on:change=hide_select.clone()>
                            <option value="0">"—"</option>
                            <option value="0.1">"0.1 %"</option>
                            <option value="1">"1 %"</option>
                            <option value="5">"5 %"</option>
                            <option value="10">"10 %"</option>
                        </select>
                        " of the trace"
                    </label>
                    <label class="nk-check"><input type="checkbox" data-testid="trace-fold" prop:checked=move || fold.get()
                        on:change=move |ev| fold.set(event_target_checked(&ev))/>" fold repeated siblings"</label>
                    <input class="nk-input nk-trace-find" type="search" placeholder="find: name, service, key=value" data-testid="trace-find"
                        prop:value=move || find.get() on:input=move |ev| find.set(event_target_value(&ev))
                        on:keydown=move |ev: web_sys::KeyboardEvent| if ev.key() == "Enter" { find_next() }/>
                    <span class="nk-trace-find-count" data-testid="trace-find-count" data-count=move || matches.with(|m| m.len()).to_string()>
                        {move || if find.with(String::is_empty) { String::new() } else { format!("{} matches", matches.with(|m| m.len())) }}
                    </span>
                    <button class="nk-button" data-testid="trace-find-next" on:click=move |_| find_next()>"Next"</button>
                    <button class="nk-button" data-testid="trace-zoom-reset" on:click=move |_| view.set((0.0, 1.0))>"Reset zoom"</button>
                </div>
                <div class="nk-minimap" data-testid="trace-minimap" title="Drag to zoom the time axis, click to pan"
                    on:mousedown=on_down on:mouseup=on_up>
                    <canvas node_ref=minimap width="1000" height="40"></canvas>
                    <div class="nk-minimap-window" data-testid="trace-minimap-window"
                        data-view=move || { let (a, b) = view.get(); format!("{a:.4},{b:.4}") }
                        style=move || { let (a, b) = view.get(); format!("left: {}%; width: {}%", a * 100.0, (b - a) * 100.0) }></div>
                </div>
                <div class="nk-wf-head"><span class="nk-wf-head-label">"Service · operation"</span><span class="nk-wf-axis">{axis}</span></div>
                <div class="nk-wf-scroll" node_ref=scroller tabindex="0" role="tree" data-testid="waterfall-rows"
                    aria-label="spans; arrows move, left and right collapse and expand, Enter opens the detail"
                    on:scroll=on_scroll.clone() on:keydown=on_key.clone()
                    on:focus={ let p = focus_persist.clone(); move |_| { focused.set_value(true); p() } } on:blur={ let p = blur_persist.clone(); move |_| p() }>
                    <div class="nk-wf-spacer" style=total_h>{rows_view.clone()}</div>
                </div>
                {detail.clone()}
            </Show>
        </div>
    }
}

/// A waterfall spec's view fields: what the panel reads live instead of being rebuilt.
#[derive(Clone, PartialEq)]
struct ViewFields {
    collapse: Collapse,
    /// Percent of the trace below which spans are hidden; 0 shows all.
    hide_pct: f64,
    selected: Option<String>,
}

fn view_fields(spec: &WaterfallSpec) -> ViewFields {
    ViewFields {
        collapse: Collapse::from_lists(spec.collapse_depth, &spec.collapsed, &spec.expanded),
        hide_pct: spec.hide_below_pct.filter(|p| p.is_finite() && *p > 0.0).unwrap_or(0.0),
        selected: spec.selected.clone(),
    }
}

/// The part of a waterfall spec that decides whether the grid rebuilds the panel: the trace
/// and the file it came from. Collapse, selection and hidden short spans are left out, since
/// the panel reads them live.
pub fn frame_spec(spec: &WaterfallSpec) -> WaterfallSpec {
    WaterfallSpec { trace_id: spec.trace_id.clone(), file: spec.file.clone(), ..WaterfallSpec::default() }
}

#[allow(clippy::too_many_arguments)]
fn row_view(
    l: &Loaded,
    row: Row,
    index: usize,
    bounds: &crate::core::trace::ViewedBounds,
    selected: Option<usize>,
    cursor: Option<SpanId>,
    found: &HashSet<usize>,
    toggle: impl Fn(SpanId, u32) + Clone + 'static,
    select: impl Fn(Option<SpanId>) + Clone + 'static,
    unfolded: RwSignal<HashSet<SpanId>>,
) -> impl IntoView {
    let span = &l.trace.spans[row.span];
    let id = span.span_id;
    let end_us = row.fold.map(|f| f.end_us).unwrap_or_else(|| span.end_us());
    let (s, e) = bounds.at(span.start_us, end_us);
    let (left, right) = (s.clamp(0.0, 1.0), e.clamp(0.0, 1.0));
    let off = e < 0.0 || s > 1.0;
    let width = ((right - left) * 100.0).max(0.2);
    let error = span.is_error() || row.fold.is_some_and(|f| fold_has_error(l, row.span, f.last_span));
    let critical = l.critical.get(row.span).copied().unwrap_or(false);
    let dur = match row.fold {
        Some(f) => format!("{} total", fmt_us(f.end_us - span.start_us)),
        None => fmt_us(span.duration_us),
    };
    let label_style = if right < 0.78 { format!("left: calc({}% + 4px)", right * 100.0) } else { format!("right: calc({}% + 4px)", (1.0 - left) * 100.0) };
    let bar_style = format!("left: {}%; width: {}%; background: {}", left * 100.0, width, colour(&span.service));
    let class = format!(
        "nk-span-row{}{}{}{}{}",
        if error { " nk-span-error" } else { "" },
        if critical { " nk-span-critical" } else { "" },
        if selected == Some(row.span) { " nk-span-selected" } else { "" },
        if cursor == Some(id) { " nk-span-cursor" } else { "" },
        if found.contains(&row.span) { " nk-span-match" } else { "" },
    );
    let toggle_view = if row.has_children {
        let t = toggle.clone();
        let depth = row.depth;
        view! {
            <button class="nk-span-toggle" data-testid="span-toggle" tabindex="-1" aria-label=if row.collapsed { "expand" } else { "collapse" }
                on:click=move |ev: web_sys::MouseEvent| { ev.stop_propagation(); t(id, depth) }>{if row.collapsed { "▸" } else { "▾" }}</button>
        }
        .into_any()
    } else if let Some(f) = row.fold {
        view! {
            <button class="nk-span-toggle nk-span-fold" data-testid="span-unfold" tabindex="-1" title="show every span of this run"
                on:click=move |ev: web_sys::MouseEvent| { ev.stop_propagation(); unfolded.update(|u| { u.insert(id); }) }>{format!("×{}", f.count)}</button>
        }
        .into_any()
    } else {
        view! { <span class="nk-span-toggle-space"></span> }.into_any()
    };
    let hidden_children = if row.collapsed { l.tree.subtree_end[l.tree.position[row.span] as usize] as usize - l.tree.position[row.span] as usize - 1 } else { 0 };
    let sel = select.clone();
    view! {
        <div class=class data-testid="span-row" data-span-id=id.to_hex() data-depth=row.depth.to_string() data-service=span.service.to_string()
            data-error=error.to_string() data-critical=critical.to_string() data-collapsed=row.collapsed.to_string()
            data-fold=row.fold.map(|f| f.count.to_string()).unwrap_or_default()
            role="treeitem" aria-selected=(selected == Some(row.span)).to_string()
            aria-expanded=row.has_children.then(|| (!row.collapsed).to_string())
            style=format!("top: {}px", index as f64 * ROW_H)
            on:click=move |_| sel(Some(id))>
            <div class="nk-span-label" style=format!("padding-left: {}px", (row.depth as f64 * 14.0).min(280.0))>
                {toggle_view}
                <span class="nk-span-swatch" style=format!("background: {}", colour(&span.service))></span>
                <span class="nk-span-service">{if span.service.is_empty() { "(no service)".to_string() } else { span.service.to_string() }}</span>
                " "
                <span class="nk-span-name">{span.name.to_string()}</span>
                {error.then(|| view! { <span class="nk-span-err-icon" title="error">"⚠"<span class="nk-sr">" error"</span></span> })}
                {(hidden_children > 0).then(|| view! { <span class="nk-span-hidden-count">{format!("+{hidden_children}")}</span> })}
            </div>
            <div class="nk-span-track">
                {(!off).then(|| view! { <div class="nk-span-bar" class:nk-bar-critical=critical class:nk-bar-error=error style=bar_style.clone()></div> })}
                <span class="nk-span-dur" style=label_style>{dur}</span>
            </div>
        </div>
    }
}

thread_local! {
    /// Painted minimaps of recent traces: a panel rebuilt over the same trace (an edit of
    /// its title, the trace opened again) copies the raster instead of repainting 100,000 bars.
    static MINIMAPS: std::cell::RefCell<Vec<(std::sync::Weak<Loaded>, web_sys::HtmlCanvasElement)>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Paints the minimap, from the cache when this trace was painted before at this size.
fn paint_minimap(canvas: &web_sys::HtmlCanvasElement, l: &Arc<Loaded>) {
    let Ok(Some(ctx)) = canvas.get_context("2d") else { return };
    let Ok(ctx) = ctx.dyn_into::<web_sys::CanvasRenderingContext2d>() else { return };
    let (w, h) = (canvas.width(), canvas.height());
    ctx.clear_rect(0.0, 0.0, w as f64, h as f64);
    let cached = MINIMAPS.with(|m| {
        let mut m = m.borrow_mut();
        m.retain(|(k, _)| k.strong_count() > 0);
        m.iter().find(|(k, c)| k.upgrade().is_some_and(|k| Arc::ptr_eq(&k, l)) && c.width() == w && c.height() == h).map(|(_, c)| c.clone())
    });
    if let Some(c) = cached {
        let _ = ctx.draw_image_with_html_canvas_element(&c, 0.0, 0.0);
        return;
    }
    draw_minimap(&ctx, w as f64, h as f64, l);
    let copy = web_sys::window()
        .and_then(|win| win.document())
        .and_then(|d| d.create_element("canvas").ok())
        .and_then(|e| e.dyn_into::<web_sys::HtmlCanvasElement>().ok());
    if let Some(copy) = copy {
        copy.set_width(w);
        copy.set_height(h);
        let copied = copy
            .get_context("2d")
            .ok()
            .flatten()
            .and_then(|c| c.dyn_into::<web_sys::CanvasRenderingContext2d>().ok())
            .map(|c| c.draw_image_with_html_canvas_element(canvas, 0.0, 0.0).is_ok());
        if copied == Some(true) {
            MINIMAPS.with(|m| {
                let mut m = m.borrow_mut();
                m.push((Arc::downgrade(l), copy));
                if m.len() > 4 {
                    m.remove(0);
                }
            });
        }
    }
}

/// One bar per span in pre-order. With more spans than pixel rows, bars of one colour that
/// share a pixel row and touch are merged into one rectangle (same pixels, far fewer calls).
fn draw_minimap(ctx: &web_sys::CanvasRenderingContext2d, w: f64, h: f64, l: &Loaded) {
    let t = &l.trace;
    let n = l.tree.order.len().max(1) as f64;
    let bounds = viewed_bounds(l.start_us, l.end_us, 0.0, 1.0);
    let dense = n > h;
    let row_h = (h / n).max(1.0);
    let mut last = "";
    // The pending merged rectangle: colour, pixel row, x from, x to.
    let mut pending: Option<(&'static str, f64, f64, f64)> = None;
    let mut fill = |c: &'static str, x: f64, y: f64, width: f64| {
        if c != last {
            ctx.set_fill_style_str(c);
            last = c;
        }
        ctx.fill_rect(x, y, width, row_h);
    };
    for (p, &s) in l.tree.order.iter().enumerate() {
        let span = &t.spans[s as usize];
        let c: &'static str = if span.is_error() { "#d62728" } else { colour(&span.service) };
        let (a, b) = bounds.at(span.start_us, span.end_us());
        if !dense {
            fill(c, a * w, p as f64 / n * h, ((b - a) * w).max(1.0));
            continue;
        }
        let y = (p as f64 / n * h).floor();
        let (x0, x1) = ((a * w).floor(), (b * w).ceil().max((a * w).floor() + 1.0));
        match pending {
            Some((pc, py, px0, px1)) if pc == c && py == y && x0 <= px1 && x1 >= px0 => pending = Some((c, y, px0.min(x0), px1.max(x1))),
            _ => {
                if let Some((pc, py, px0, px1)) = pending {
                    fill(pc, px0, py, px1 - px0);
                }
                pending = Some((c, y, x0, x1));
            }
        }
    }
    if let Some((pc, py, px0, px1)) = pending {
        fill(pc, px0, py, px1 - px0);
    }
}

/// True when a member of a folded run (from `first` to `last`, siblings) failed; hops over
/// the members' subtrees, so the cost is the run's length.
fn fold_has_error(l: &Loaded, first: usize, last: usize) -> bool {
    let tree = &l.tree;
    let (mut p, end) = (tree.position[first] as usize, tree.position[last] as usize);
    while p <= end && p < tree.order.len() {
        if l.trace.spans[tree.order[p] as usize].is_error() {
            return true;
        }
        p = tree.subtree_end[p] as usize;
    }
    false
}

fn event_target<T: JsCast>(ev: &leptos::ev::Event) -> T {
    ev.target().expect("an input event has a target").unchecked_into()
}
