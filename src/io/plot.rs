//! Paints a `ChartModel` on a canvas with plotters, at the device pixel ratio, and draws
//! the crosshair and drag box on a separate overlay canvas (the series are never redrawn
//! on mouse move). Chart paints go through a per-frame queue ([`schedule`]) so that many
//! charts becoming ready at once are painted over several frames, never in one long task.

use crate::core::chart::{ChartModel, MARGINS};
use plotters::prelude::*;
use crate::io::plot_backend::TextCachingBackend;
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

/// Colours of the current theme, read from CSS variables by the caller.
#[derive(Debug, Clone)]
pub struct Theme {
    pub background: RGBColor,
    pub grid: RGBColor,
    pub text: RGBColor,
}

/// Sizes the backing store to CSS size × devicePixelRatio and returns (css width, css
/// height, ratio). Reads the size from layout (`getBoundingClientRect`), which forces a
/// synchronous layout when the page changed: charts pass the size their ResizeObserver
/// reported to [`fit_to_size`] instead.
pub fn fit_to_css(canvas: &HtmlCanvasElement) -> (f64, f64, f64) {
    let rect = canvas.get_bounding_client_rect();
    fit_to_size(canvas, rect.width(), rect.height())
}

/// Sizes the backing store to the given CSS size × devicePixelRatio, without reading
/// layout, and returns (css width, css height, ratio).
pub fn fit_to_size(canvas: &HtmlCanvasElement, css_width: f64, css_height: f64) -> (f64, f64, f64) {
    let ratio = web_sys::window().map(|w| w.device_pixel_ratio()).unwrap_or(1.0).max(1.0);
    let (w, h) = (css_width.max(1.0), css_height.max(1.0));
    let (bw, bh) = ((w * ratio).round() as u32, (h * ratio).round() as u32);
    if canvas.width() != bw {
        canvas.set_width(bw);
    }
    if canvas.height() != bh {
        canvas.set_height(bh);
    }
    (w, h, ratio)
}

fn hex(color: &str) -> RGBColor {
    let c = color.trim_start_matches('#');
    let p = |i: usize| u8::from_str_radix(c.get(i..i + 2).unwrap_or("80"), 16).unwrap_or(128);
    RGBColor(p(0), p(2), p(4))
}

/// The x coordinate handed to plotters: seconds since the start of the range, as `f64`.
/// (Epoch milliseconds as `i64` overflow plotters' own tick arithmetic.)
fn secs(model: &ChartModel, t: i64) -> f64 {
    (t - model.from_ms) as f64 / 1000.0
}

/// Paints the series, axes, grid and threshold lines at the canvas' laid-out size.
pub fn draw(canvas: &HtmlCanvasElement, model: &ChartModel, theme: &Theme) -> Result<(), String> {
    let rect = canvas.get_bounding_client_rect();
    draw_sized(canvas, model, theme, (rect.width(), rect.height()))
}

/// Paints the series, axes, grid and threshold lines at a known CSS size (from a
/// ResizeObserver), so painting never forces a layout.
pub fn draw_sized(canvas: &HtmlCanvasElement, model: &ChartModel, theme: &Theme, css_size: (f64, f64)) -> Result<(), String> {
    let (_, _, ratio) = fit_to_size(canvas, css_size.0, css_size.1);
    let px = |v: f64| (v * ratio).round() as i32;
    let backend = TextCachingBackend::new(canvas).ok_or("the canvas has no 2D context")?;
    let root = backend.into_drawing_area();
    root.fill(&theme.background).map_err(|e| e.to_string())?;
    let font = ("sans-serif", 11.0 * ratio).into_font().color(&theme.text);
    let mut chart = ChartBuilder::on(&root)
        .margin_top(px(MARGINS.top))
        .margin_right(px(MARGINS.right))
        .x_label_area_size(px(MARGINS.bottom))
        .y_label_area_size(px(MARGINS.left))
        .build_cartesian_2d(0.0..secs(model, model.to_ms), model.y_min..model.y_max)
        .map_err(|e| e.to_string())?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(0)
        .y_labels(model.y_ticks.len().max(2))
        .y_label_formatter(&|v| crate::core::format::format_axis(*v, model.unit))
        .y_label_style(font.clone())
        .light_line_style(theme.grid.mix(0.0))
        .bold_line_style(theme.grid.mix(0.6))
        .axis_style(theme.grid)
        .draw()
        .map_err(|e| e.to_string())?;
    for (t, label) in &model.x_ticks {
        chart
            .draw_series(std::iter::once(PathElement::new(vec![(secs(model, *t), model.y_min), (secs(model, *t), model.y_max)], theme.grid.mix(0.6))))
            .map_err(|e| e.to_string())?;
        let (x, y) = chart.backend_coord(&(secs(model, *t), model.y_min));
        root.draw_text(label, &font.pos(plotters::style::text_anchor::Pos::new(
            plotters::style::text_anchor::HPos::Center,
            plotters::style::text_anchor::VPos::Top,
        )), (x, y + px(6.0)))
        .map_err(|e| e.to_string())?;
    }
    for (value, kind) in &model.threshold_lines {
        let color = if *kind == "fail" { RGBColor(213, 94, 0) } else { RGBColor(230, 159, 0) };
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(0.0, *value), (secs(model, model.to_ms), *value)],
                color.stroke_width(ratio.round().max(1.0) as u32),
            )))
            .map_err(|e| e.to_string())?;
    }
    // Series lines are one device pixel wide (Grafana's and uPlot's default width). The
    // canvas rasterises a wider anti-aliased polyline as a filled outline, about 30 times
    // slower: 32 ms against 1 ms for three 2,000-point lines on a 2,046 × 138 canvas in
    // this Chromium, paid in the frame's commit (B4: 24 such charts). A lone point (a
    // segment of one sample) keeps a visible dot.
    let stroke = ratio.round().max(1.0) as u32;
    let dot = (1.5 * ratio).round().max(1.0) as u32;
    for s in model.series.iter().filter(|s| !s.hidden) {
        let color = hex(s.color).stroke_width(stroke);
        let mut segment: Vec<(f64, f64)> = Vec::new();
        for (t, v) in s.times.iter().zip(&s.values) {
            if v.is_finite() {
                segment.push((secs(model, *t), *v));
            } else if !segment.is_empty() {
                draw_segment(&mut chart, std::mem::take(&mut segment), color, dot)?;
            }
        }
        draw_segment(&mut chart, segment, color, dot)?;
    }
    root.present().map_err(|e| e.to_string())?;
    Ok(())
}

fn draw_segment<DB: DrawingBackend>(
    chart: &mut ChartContext<DB, Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>>,
    segment: Vec<(f64, f64)>,
    style: ShapeStyle,
    dot: u32,
) -> Result<(), String> {
    match segment.len() {
        0 => Ok(()),
        1 => chart
            .draw_series(std::iter::once(Circle::new(segment[0], dot, style.filled())))
            .map(|_| ())
            .map_err(|e| e.to_string()),
        _ => chart.draw_series(std::iter::once(PathElement::new(segment, style))).map(|_| ()).map_err(|e| e.to_string()),
    }
}

/// Clears the overlay and draws a vertical crosshair at `x` and, while dragging, the
/// selected band from `drag_from` to `x` (CSS pixels), on an overlay of `css_size`.
pub fn draw_overlay(canvas: &HtmlCanvasElement, css_size: (f64, f64), x: Option<f64>, drag_from: Option<f64>, color: &str) {
    let (w, h, ratio) = fit_to_size(canvas, css_size.0, css_size.1);
    let Some(ctx) = canvas
        .get_context("2d")
        .ok()
        .flatten()
        .and_then(|c| c.dyn_into::<CanvasRenderingContext2d>().ok())
    else {
        return;
    };
    ctx.set_transform(ratio, 0.0, 0.0, ratio, 0.0, 0.0).ok();
    ctx.clear_rect(0.0, 0.0, w, h);
    let Some(x) = x else { return };
    let x = x.clamp(MARGINS.left, w - MARGINS.right);
    let bottom = h - MARGINS.bottom;
    if let Some(from) = drag_from {
        let from = from.clamp(MARGINS.left, w - MARGINS.right);
        ctx.set_fill_style_str("rgba(86, 180, 233, 0.25)");
        ctx.fill_rect(from.min(x), MARGINS.top, (x - from).abs(), bottom - MARGINS.top);
    }
    ctx.set_stroke_style_str(color);
    ctx.set_line_width(1.0);
    ctx.begin_path();
    ctx.move_to(x.round() + 0.5, MARGINS.top);
    ctx.line_to(x.round() + 0.5, bottom);
    ctx.stroke();
}

/// Time one animation frame may spend painting queued charts before the rest waits for
/// the next frame (a frame is 16.7 ms; the browser needs the remainder).
const FRAME_BUDGET_MS: f64 = 8.0;

thread_local! {
    /// Paint jobs by chart id, oldest first; a newer job for the same chart replaces its
    /// queued one.
    static QUEUE: RefCell<VecDeque<(u64, Box<dyn FnOnce()>)>> = const { RefCell::new(VecDeque::new()) };
    static FRAME_REQUESTED: Cell<bool> = const { Cell::new(false) };
}

/// Queues a chart paint for the next animation frame. Each frame paints queued charts in
/// order until [`FRAME_BUDGET_MS`] is spent (at least one per frame), then leaves the rest
/// for the following frame; the first chart to become ready is the first painted.
pub fn schedule(chart_id: u64, job: Box<dyn FnOnce()>) {
    QUEUE.with(|q| {
        let mut q = q.borrow_mut();
        match q.iter_mut().find(|(id, _)| *id == chart_id) {
            Some(slot) => slot.1 = job,
            None => q.push_back((chart_id, job)),
        }
    });
    request_frame();
}

/// Drops a chart's queued paint (its canvas is going away).
pub fn unschedule(chart_id: u64) {
    QUEUE.with(|q| q.borrow_mut().retain(|(id, _)| *id != chart_id));
}

fn request_frame() {
    if FRAME_REQUESTED.with(|r| r.replace(true)) {
        return;
    }
    let Some(window) = web_sys::window() else { return };
    let callback = Closure::once_into_js(run_frame);
    if window.request_animation_frame(callback.unchecked_ref()).is_err() {
        FRAME_REQUESTED.with(|r| r.set(false));
    }
}

fn run_frame() {
    FRAME_REQUESTED.with(|r| r.set(false));
    let now = || web_sys::window().and_then(|w| w.performance()).map(|p| p.now()).unwrap_or(0.0);
    let start = now();
    loop {
        // Taken out of the queue before it runs: a job may schedule another paint.
        let Some((_, job)) = QUEUE.with(|q| q.borrow_mut().pop_front()) else { return };
        job();
        if now() - start >= FRAME_BUDGET_MS {
            break;
        }
    }
    if QUEUE.with(|q| !q.borrow().is_empty()) {
        request_frame();
    }
}
