//! Benchmark-only exports (`./napkin bench`, `tests/bench/bench.cjs`). Always compiled,
//! never called by the app: the driver calls them through `window.wasmBindings`. They run
//! the app's own code paths (`core::chart::build` with its M4 decimation, `io::plot::draw`,
//! `core::prom::parse_query_range`) and add `performance.mark/measure` entries
//! (`napkin:build`, `napkin:draw`, `napkin:decode`) so a trace shows where time goes.

use crate::core::chart::{build, ChartOptions};
use crate::core::frame::{Frame, Series};
use crate::core::spec::Unit;
use crate::core::time::TimeRange;
use crate::io::plot::{draw, Theme};
use plotters::style::RGBColor;
use std::cell::RefCell;
use std::collections::BTreeSet;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

#[cfg(feature = "alloc-stats")]
mod alloc_stats;

/// The phases `phase` can name, for the allocation counters of the `alloc-stats` build:
/// `other` is everything unnamed (the reactive graph, chart models, painting).
pub const PHASE_NAMES: [&str; 5] = ["other", "body", "decode", "store", "exemplars"];

/// A named phase of the fetch path, for the allocation counters.
#[derive(Clone, Copy)]
pub enum Phase {
    /// Copying a response body into wasm memory.
    Body = 1,
    /// Decoding a query answer into a frame.
    Decode = 2,
    /// Storing a panel's frames (and what the store runs synchronously).
    Store = 3,
    /// Reading and decoding exemplars.
    Exemplars = 4,
}

/// Marks the code until the guard drops as `phase` in the `alloc-stats` build; compiles
/// to nothing otherwise.
#[must_use]
pub struct PhaseGuard {
    #[cfg(feature = "alloc-stats")]
    previous: usize,
}

/// Enters `phase` until the returned guard drops.
#[inline(always)]
pub fn phase(phase: Phase) -> PhaseGuard {
    #[cfg(feature = "alloc-stats")]
    {
        PhaseGuard { previous: alloc_stats::set_phase(phase as usize) }
    }
    #[cfg(not(feature = "alloc-stats"))]
    {
        let _ = phase;
        PhaseGuard {}
    }
}

#[cfg(feature = "alloc-stats")]
impl Drop for PhaseGuard {
    fn drop(&mut self) {
        alloc_stats::set_phase(self.previous);
    }
}

thread_local! {
    static FRAME: RefCell<Option<(Frame, TimeRange)>> = const { RefCell::new(None) };
}

fn mark(name: &str) {
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        let _ = p.mark(name);
    }
}

fn measure(name: &str, start: &str, end: &str) {
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        let _ = p.measure_with_start_mark_and_end_mark(name, start, end);
    }
}

/// Stores one series (times in epoch ms, values) in wasm memory for `bench_paint`; not timed.
#[wasm_bindgen]
pub fn bench_load(times_ms: &[f64], values: &[f64], step_ms: f64) -> usize {
    let times: Vec<i64> = times_ms.iter().map(|t| *t as i64).collect();
    let n = times.len().min(values.len());
    let range = TimeRange::new(times[0], times[n - 1].max(times[0] + 1)).expect("a non-empty range");
    let series = Series { labels: vec![("series".into(), "bench".into())], times, values: values[..n].to_vec() };
    FRAME.with(|f| *f.borrow_mut() = Some((Frame { series: vec![series], step_ms: step_ms as i64, notices: vec![] }, range)));
    n
}

/// The app's chart path on `canvas`: `core::chart::build` (gap breaks + M4) then
/// `io::plot::draw`, then reads one pixel so the raster is really produced. Returns the
/// number of decimated points drawn.
#[wasm_bindgen]
pub fn bench_paint(canvas: &HtmlCanvasElement) -> Result<usize, JsValue> {
    FRAME.with(|f| {
        let f = f.borrow();
        let (frame, range) = f.as_ref().ok_or("bench_load first")?;
        let width_px = canvas.get_bounding_client_rect().width().max(1.0) as u32;
        let hidden = BTreeSet::new();
        let opts = ChartOptions { unit: Unit::None, thresholds: None, width_px, hidden: &hidden, offset_minutes: 0 };
        mark("napkin:build:start");
        let model = build(std::slice::from_ref(frame), *range, &opts);
        mark("napkin:build:end");
        let theme = Theme { background: RGBColor(255, 255, 255), grid: RGBColor(200, 200, 200), text: RGBColor(40, 40, 40) };
        draw(canvas, &model, &theme)?;
        let ctx = canvas
            .get_context("2d")?
            .ok_or("no 2d context")?
            .dyn_into::<CanvasRenderingContext2d>()?;
        ctx.get_image_data(canvas.width() as f64 / 2.0, canvas.height() as f64 / 2.0, 1.0, 1.0)?;
        mark("napkin:draw:end");
        measure("napkin:build", "napkin:build:start", "napkin:build:end");
        measure("napkin:draw", "napkin:build:end", "napkin:draw:end");
        Ok(model.series.iter().map(|s| s.times.len()).sum())
    })
}

/// The app's Prometheus decoder on a `query_range` body; returns the number of samples.
#[wasm_bindgen]
pub fn bench_decode(body: &[u8], step_ms: f64) -> Result<usize, JsValue> {
    mark("napkin:decode:start");
    let frame = crate::core::prom::parse_query_range(200, Some("application/json"), body, step_ms as i64)
        .map_err(|e| JsValue::from_str(&e.to_string()))?;
    mark("napkin:decode:end");
    measure("napkin:decode", "napkin:decode:start", "napkin:decode:end");
    Ok(frame.series.iter().map(|s| s.values.len()).sum())
}

/// Bytes of wasm linear memory (`WebAssembly.Memory` buffer size).
#[wasm_bindgen]
pub fn bench_wasm_memory() -> f64 {
    (core::arch::wasm32::memory_size(0) * 65536) as f64
}
