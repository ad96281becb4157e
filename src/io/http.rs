//! Executes HTTP requests described by the core: fetch with a timeout that also covers
//! reading the body, a size cap enforced while the body streams in (nothing past it is
//! buffered), at most a few concurrent requests per datasource, and one
//! network request for identical requests in flight at the same time (shared by every
//! panel waiting for it, aborted when the last of them stops waiting).

use futures::future::{FutureExt, LocalBoxFuture, Shared};
use std::cell::{Cell, RefCell};
use std::collections::{HashMap, VecDeque};
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

mod body;
pub use body::Body;

/// Largest response body Napkin reads (32 MiB); larger answers are refused with a message.
pub const MAX_BODY_BYTES: usize = 32 * 1024 * 1024;

/// Requests running at once against one datasource: the browsers' own per-host limit for
/// HTTP/1.1, so a 24-panel dashboard loads in four waves instead of six.
pub const MAX_CONCURRENT: usize = 6;

/// What the edge needs to know to send a request (built by the core).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Outgoing {
    pub method: &'static str,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<String>,
}

/// A response as bytes, for the core to parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawResponse {
    pub status: u16,
    pub content_type: Option<String>,
    pub body: Body,
}

type Outcome = Result<Rc<RawResponse>, String>;

struct InFlight {
    future: Shared<LocalBoxFuture<'static, Outcome>>,
    controller: web_sys::AbortController,
    waiters: Rc<Cell<usize>>,
}

thread_local! {
    static IN_FLIGHT: RefCell<HashMap<Outgoing, InFlight>> = RefCell::new(HashMap::new());
    static SLOTS: RefCell<HashMap<String, Slots>> = RefCell::new(HashMap::new());
}

/// Decrements the waiter count when a caller stops waiting; the last one aborts the fetch.
struct Waiter {
    key: Outgoing,
    waiters: Rc<Cell<usize>>,
    controller: web_sys::AbortController,
}

impl Drop for Waiter {
    fn drop(&mut self) {
        let left = self.waiters.get().saturating_sub(1);
        self.waiters.set(left);
        if left == 0 {
            self.controller.abort();
            IN_FLIGHT.with(|m| {
                let mut m = m.borrow_mut();
                if m.get(&self.key).is_some_and(|f| Rc::ptr_eq(&f.waiters, &self.waiters)) {
                    m.remove(&self.key);
                }
            });
        }
    }
}

/// Sends `request` (or joins an identical one in flight) and returns the whole body.
/// `pool` names the concurrency pool (the datasource name).
pub async fn send(pool: &str, request: Outgoing, timeout_ms: u32) -> Outcome {
    let (future, waiter) = IN_FLIGHT.with(|m| {
        let mut m = m.borrow_mut();
        let entry = m.entry(request.clone()).or_insert_with(|| {
            let controller = web_sys::AbortController::new().expect("AbortController exists in every supported browser");
            let future = execute(pool.to_string(), request.clone(), timeout_ms, controller.clone()).boxed_local().shared();
            InFlight { future, controller, waiters: Rc::new(Cell::new(0)) }
        });
        entry.waiters.set(entry.waiters.get() + 1);
        let waiter = Waiter { key: request.clone(), waiters: entry.waiters.clone(), controller: entry.controller.clone() };
        (entry.future.clone(), waiter)
    });
    let outcome = future.await;
    IN_FLIGHT.with(|m| {
        let mut m = m.borrow_mut();
        if m.get(&request).is_some_and(|f| Rc::ptr_eq(&f.waiters, &waiter.waiters)) {
            m.remove(&request);
        }
    });
    // The request is complete, so dropping the waiter must not abort anything.
    waiter.waiters.set(waiter.waiters.get() + 1);
    drop(waiter);
    outcome
}

async fn execute(pool: String, request: Outgoing, timeout_ms: u32, controller: web_sys::AbortController) -> Outcome {
    let _slot = acquire(&pool).await;
    let window = web_sys::window().ok_or("no browser window")?;
    let timed_out = Rc::new(Cell::new(false));
    let on_timeout = {
        let controller = controller.clone();
        let timed_out = timed_out.clone();
        wasm_bindgen::closure::Closure::once(move || {
            timed_out.set(true);
            controller.abort();
        })
    };
    let timer = window
        .set_timeout_with_callback_and_timeout_and_arguments_0(on_timeout.as_ref().unchecked_ref(), timeout_ms as i32)
        .ok();
    // Clears the timer however this future ends (finished, or dropped when every waiter
    // left), so the callback can never run after its closure is gone.
    let _timer = TimerGuard { window: window.clone(), id: timer, _callback: on_timeout };
    let result = fetch_bytes(&window, &request, &controller.signal()).await;
    result.map(Rc::new).map_err(|e| {
        if timed_out.get() {
            format!("No complete answer from {} within {:.1} s. The server may be overloaded or the query too expensive; narrow the time range or raise timeout_ms in datasources.json.", host_of(&request.url), timeout_ms as f64 / 1000.0)
        } else {
            e
        }
    })
}

async fn fetch_bytes(window: &web_sys::Window, request: &Outgoing, signal: &web_sys::AbortSignal) -> Result<RawResponse, String> {
    let init = web_sys::RequestInit::new();
    init.set_method(request.method);
    init.set_signal(Some(signal));
    let headers = web_sys::Headers::new().map_err(describe)?;
    for (k, v) in &request.headers {
        headers.set(k, v).map_err(describe)?;
    }
    init.set_headers(&headers);
    if let Some(body) = &request.body {
        init.set_body(&JsValue::from_str(body));
    }
    let unreachable = |e: JsValue| {
        format!(
            "Could not reach {} ({}). Check that the server is up, that the URL in datasources.json is right, and that it allows this page's origin (CORS).",
            host_of(&request.url),
            describe(e)
        )
    };
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str_and_init(&request.url, &init))
        .await
        .map_err(unreachable)?
        .unchecked_into();
    let status = response.status();
    let content_type = response.headers().get("content-type").ok().flatten();
    let declared = response.headers().get("content-length").ok().flatten().and_then(|v| v.parse::<usize>().ok());
    if let Some(n) = declared.filter(|&n| n > MAX_BODY_BYTES) {
        // Refuse before reading anything, and tell the network to stop downloading.
        if let Some(stream) = response.body() {
            let _ = stream.cancel();
        }
        return Err(too_large(Some(n)));
    }
    let body = read_capped(&response).await.map_err(|e| match e {
        BodyError::TooLarge => too_large(None),
        BodyError::Read(e) => unreachable(e),
    })?;
    Ok(RawResponse { status, content_type, body })
}

/// Why reading a body stopped.
enum BodyError {
    /// More than `MAX_BODY_BYTES` arrived.
    TooLarge,
    /// The stream failed: connection reset, or aborted by the timeout.
    Read(JsValue),
}

/// Reads the body chunk by chunk from its `ReadableStream`, keeping at most
/// `MAX_BODY_BYTES`: the first chunk past the cap cancels the stream (which stops the
/// download) instead of buffering the rest. Chunks stay in JavaScript until the body is
/// complete and are then copied once into wasm memory (a pooled buffer, see `body.rs`), so
/// a refused answer never grows wasm memory. The abort signal of the request also ends
/// the read, so the timeout covers the body.
async fn read_capped(response: &web_sys::Response) -> Result<Body, BodyError> {
    let Some(stream) = response.body() else { return Ok(Body::default()) };
    let reader = web_sys::ReadableStreamDefaultReader::new(&stream).map_err(BodyError::Read)?;
    let mut chunks: Vec<js_sys::Uint8Array> = Vec::new();
    let mut total = 0usize;
    loop {
        let chunk: web_sys::ReadableStreamReadResult = JsFuture::from(reader.read()).await.map_err(BodyError::Read)?.unchecked_into();
        if chunk.get_done().unwrap_or(false) {
            break;
        }
        let Some(bytes) = chunk.get_value().dyn_into::<js_sys::Uint8Array>().ok() else {
            return Err(BodyError::Read(JsValue::from_str("the body stream yielded something other than bytes")));
        };
        total += bytes.length() as usize;
        if total > MAX_BODY_BYTES {
            // Cancelling tells the network to stop; the promise needs no waiting for.
            let _ = reader.cancel();
            return Err(BodyError::TooLarge);
        }
        chunks.push(bytes);
    }
    let _phase = crate::io::bench::phase(crate::io::bench::Phase::Body);
    let mut body = Body::zeroed(total);
    let mut at = 0;
    for bytes in chunks {
        let end = at + bytes.length() as usize;
        bytes.copy_to(&mut body.as_mut_slice()[at..end]);
        at = end;
    }
    Ok(body)
}

/// Owns a pending `setTimeout` and its callback; dropping it cancels the timer first.
struct TimerGuard {
    window: web_sys::Window,
    id: Option<i32>,
    _callback: wasm_bindgen::closure::Closure<dyn FnMut()>,
}

impl Drop for TimerGuard {
    fn drop(&mut self) {
        if let Some(id) = self.id {
            self.window.clear_timeout_with_handle(id);
        }
    }
}

/// The message for an oversized answer: its declared size when the server sent one.
fn too_large(declared: Option<usize>) -> String {
    let cap = MAX_BODY_BYTES / 1_048_576;
    let size = match declared {
        Some(bytes) => format!("{:.1} MB", bytes as f64 / 1_048_576.0),
        None => format!("more than {cap} MB; reading stopped there"),
    };
    format!("The answer is too large ({size}; Napkin reads at most {cap} MB). Narrow the query: aggregate (sum by ...), filter labels, or shorten the time range.")
}

fn describe(e: JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "unknown browser error".into())
}

fn host_of(url: &str) -> String {
    url.split('?').next().unwrap_or(url).chars().take(120).collect()
}

// ------------------------------------------------------------------ concurrency slots

#[derive(Default)]
struct Slots {
    active: usize,
    waiting: VecDeque<js_sys::Function>,
}

impl Slots {
    /// Queues for the next freed slot: the promise resolves when one is released (every
    /// queued caller is woken then and tries again).
    fn wake_on_free(&mut self) -> js_sys::Promise {
        let mut resolver = None;
        let promise = js_sys::Promise::new(&mut |resolve, _| resolver = Some(resolve));
        self.waiting.extend(resolver);
        promise
    }
}

/// Holds one of a pool's slots until dropped.
struct Slot(String);

impl Drop for Slot {
    fn drop(&mut self) {
        // Free the slot and wake every waiter; each re-checks, so a waiter that was
        // cancelled meanwhile can never keep a slot.
        let woken: Vec<js_sys::Function> = SLOTS.with(|s| {
            let mut s = s.borrow_mut();
            let slots = s.entry(self.0.clone()).or_default();
            slots.active = slots.active.saturating_sub(1);
            slots.waiting.drain(..).collect()
        });
        for wake in woken {
            let _ = wake.call0(&JsValue::NULL);
        }
    }
}

/// Waits until `pool` has a free slot and no request queued for one, so that work which
/// can wait (exemplars) goes after the panels' own queries instead of taking slots from
/// them. A freed slot wakes every queued request at once and they re-queue in microtasks,
/// so the queue looks empty for a moment: the pool only counts as quiet when it still is
/// a timer turn later, after every woken request has taken its slot or queued again.
pub async fn until_quiet(pool: &str) {
    loop {
        let wait = SLOTS.with(|s| {
            let mut s = s.borrow_mut();
            let slots = s.entry(pool.to_string()).or_default();
            if slots.active < MAX_CONCURRENT && slots.waiting.is_empty() {
                None
            } else {
                Some(slots.wake_on_free())
            }
        });
        match wait {
            Some(promise) => {
                let _ = JsFuture::from(promise).await;
            }
            None => {
                crate::io::runner::yield_to_browser().await;
                let quiet = SLOTS.with(|s| s.borrow().get(pool).is_none_or(|p| p.active < MAX_CONCURRENT && p.waiting.is_empty()));
                if quiet {
                    return;
                }
            }
        }
    }
}

async fn acquire(pool: &str) -> Slot {
    loop {
        let wait = SLOTS.with(|s| {
            let mut s = s.borrow_mut();
            let slots = s.entry(pool.to_string()).or_default();
            if slots.active < MAX_CONCURRENT {
                slots.active += 1;
                None
            } else {
                Some(slots.wake_on_free())
            }
        });
        match wait {
            None => return Slot(pool.to_string()),
            Some(promise) => {
                let _ = JsFuture::from(promise).await;
            }
        }
    }
}
