//! A plotters drawing backend over a 2D canvas that writes the context's text state
//! (font, alignment, baseline, fill colour) only when it changes. plotters-canvas sets
//! all four for every label, and setting the same font string again and again was the
//! largest single browser call in the B4 profile (`set_font`, about 15 labels per chart
//! paint). Everything other than text goes to `plotters_canvas::CanvasBackend` unchanged.

use plotters_backend::text_anchor::{HPos, VPos};
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind,
    FontTransform,
};
use plotters_canvas::CanvasBackend;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

/// Why a canvas operation failed, in words.
#[derive(Debug, thiserror::Error)]
pub enum PlotError {
    /// The canvas or plotters reported an error.
    #[error("canvas error: {0}")]
    Canvas(String),
}

/// The canvas backend with a memory of the text state it last wrote. It lives for one
/// paint: resizing a canvas resets its context, so each paint starts knowing nothing.
pub struct TextCachingBackend {
    inner: CanvasBackend,
    context: CanvasRenderingContext2d,
    font: String,
    fill: String,
    align: &'static str,
    baseline: &'static str,
}

impl TextCachingBackend {
    /// The backend for `canvas`, or `None` when it has no 2D context.
    pub fn new(canvas: &HtmlCanvasElement) -> Option<Self> {
        let context = canvas
            .get_context("2d")
            .ok()
            .flatten()?
            .dyn_into::<CanvasRenderingContext2d>()
            .ok()?;
        let inner = CanvasBackend::with_canvas_object(canvas.clone())?;
        Some(Self {
            inner,
            context,
            font: String::new(),
            fill: String::new(),
            align: "",
            baseline: "",
        })
    }
}

type Outcome = Result<(), DrawingErrorKind<PlotError>>;

/// Converts the inner backend's error (a type plotters-canvas does not export).
fn lift<E: std::error::Error + Send + Sync + 'static>(
    e: DrawingErrorKind<E>,
) -> DrawingErrorKind<PlotError> {
    match e {
        DrawingErrorKind::DrawingError(e) => {
            DrawingErrorKind::DrawingError(PlotError::Canvas(e.to_string()))
        }
        DrawingErrorKind::FontError(e) => DrawingErrorKind::FontError(e),
    }
}

fn js_error(e: wasm_bindgen::JsValue) -> DrawingErrorKind<PlotError> {
    let text = js_sys::JSON::stringify(&e)
        .map(String::from)
        .unwrap_or_else(|_| "unknown".into());
    DrawingErrorKind::DrawingError(PlotError::Canvas(text))
}

impl DrawingBackend for TextCachingBackend {
    type ErrorType = PlotError;

    fn get_size(&self) -> (u32, u32) {
        self.inner.get_size()
    }

    fn ensure_prepared(&mut self) -> Outcome {
        self.inner.ensure_prepared().map_err(lift)
    }

    fn present(&mut self) -> Outcome {
        self.inner.present().map_err(lift)
    }

    fn draw_pixel(&mut self, point: BackendCoord, color: BackendColor) -> Outcome {
        // plotters-canvas changes the fill colour here without telling this cache.
        self.fill.clear();
        self.inner.draw_pixel(point, color).map_err(lift)
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Outcome {
        self.inner.draw_line(from, to, style).map_err(lift)
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Outcome {
        self.fill.clear();
        self.inner
            .draw_rect(upper_left, bottom_right, style, fill)
            .map_err(lift)
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Outcome {
        self.inner.draw_path(path, style).map_err(lift)
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Outcome {
        self.fill.clear();
        self.inner
            .draw_circle(center, radius, style, fill)
            .map_err(lift)
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Outcome {
        self.fill.clear();
        self.inner.fill_polygon(vert, style).map_err(lift)
    }

    fn estimate_text_size<S: BackendTextStyle>(
        &self,
        text: &str,
        style: &S,
    ) -> Result<(u32, u32), DrawingErrorKind<PlotError>> {
        self.inner.estimate_text_size(text, style).map_err(lift)
    }

    /// Draws like plotters-canvas (same alignment, baseline, rotation and font string),
    /// writing only the parts of the text state that differ from the last label.
    fn draw_text<S: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &S,
        pos: BackendCoord,
    ) -> Outcome {
        let color = style.color();
        if color.alpha == 0.0 {
            return Ok(());
        }
        let degree = match style.transform() {
            FontTransform::None => 0.0,
            FontTransform::Rotate90 => 90.0,
            FontTransform::Rotate180 => 180.0,
            FontTransform::Rotate270 => 270.0,
        } / 180.0
            * std::f64::consts::PI;
        let (mut x, mut y) = (f64::from(pos.0), f64::from(pos.1));
        if degree != 0.0 {
            self.context.save();
            self.context.translate(x, y).map_err(js_error)?;
            self.context.rotate(degree).map_err(js_error)?;
            (x, y) = (0.0, 0.0);
        }
        let baseline = match style.anchor().v_pos {
            VPos::Top => "top",
            VPos::Center => "middle",
            VPos::Bottom => "bottom",
        };
        if self.baseline != baseline {
            self.context.set_text_baseline(baseline);
            self.baseline = baseline;
        }
        let align = match style.anchor().h_pos {
            HPos::Left => "start",
            HPos::Right => "end",
            HPos::Center => "center",
        };
        if self.align != align {
            self.context.set_text_align(align);
            self.align = align;
        }
        let (r, g, b) = color.rgb;
        let fill = format!("rgba({r},{g},{b},{})", color.alpha);
        if self.fill != fill {
            self.context.set_fill_style_str(&fill);
            self.fill = fill;
        }
        let font = format!(
            "{} {}px {}",
            style.style().as_str(),
            style.size(),
            style.family().as_str()
        );
        if self.font != font {
            self.context.set_font(&font);
            self.font = font;
        }
        let drawn = self.context.fill_text(text, x, y).map_err(js_error);
        if degree != 0.0 {
            self.context.restore();
            // `restore` brings back the state from before the rotation.
            (self.font, self.fill, self.align, self.baseline) =
                (String::new(), String::new(), "", "");
        }
        drawn
    }
}
