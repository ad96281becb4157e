//! Polls health endpoints at the edge: one loop per endpoint (so never two polls of one
//! endpoint at once), a jittered interval, a per-endpoint timeout, bounded concurrency
//! through `io::http` (one pool per datasource), and abort on drop of the loop's handle.
//!
//! Decisions are in `core::health`: the body is read as bytes and parsed there; network or
//! CORS failures become `ProbeResult::network_error`, our own timeout `ProbeResult::timeout`.

use crate::core::demo::DEFAULT_SEED;
use crate::core::health::{demo_probe, jittered_ms, parse, Polled, ProbeResult, RawAnswer, Target};
use crate::io::clock::now_ms;
use crate::io::http;
use futures::future::{select, AbortHandle, Abortable, Either, FutureExt};

/// Polls one endpoint once. The timeout covers waiting for a concurrency slot, the answer
/// and its body.
pub async fn poll_once(target: &Target) -> Polled {
    let started = now_ms();
    if target.demo {
        return Polled { probe: demo_probe(&target.service, started, DEFAULT_SEED), polled_at_ms: started, raw: None };
    }
    let request = http::Outgoing { method: "GET", url: target.url.clone(), headers: Vec::new(), body: None };
    // io/http has its own timer as a backstop; ours decides, so a timeout is never
    // mistaken for a network failure.
    let send = http::send(&target.datasource, request, target.timeout_ms.saturating_add(1000)).boxed_local();
    let timer = sleep_ms(target.timeout_ms).boxed_local();
    let outcome = select(send, timer).await;
    let finished = now_ms();
    let elapsed = (finished - started).clamp(0, i64::from(u32::MAX)) as u32;
    let (probe, raw) = match outcome {
        Either::Left((Ok(answer), _)) => (
            parse(
                &target.service,
                Some(answer.status),
                answer.content_type.as_deref(),
                &answer.body,
                target.format.as_deref(),
            ),
            RawAnswer::received(&target.url, answer.status, answer.content_type.as_deref(), &answer.body, elapsed),
        ),
        Either::Left((Err(message), _)) if elapsed >= target.timeout_ms => {
            (ProbeResult::timeout(&target.service, target.timeout_ms), RawAnswer::failed(&target.url, &message, elapsed))
        }
        Either::Left((Err(message), _)) => (
            ProbeResult::network_error(&target.service, &message),
            RawAnswer::failed(&target.url, &message, elapsed),
        ),
        // Dropping the send future (the last waiter) aborts the fetch.
        Either::Right(((), _)) => (
            ProbeResult::timeout(&target.service, target.timeout_ms),
            RawAnswer::failed(&target.url, &format!("no complete answer within {} ms", target.timeout_ms), elapsed),
        ),
    };
    Polled { probe, polled_at_ms: finished, raw: Some(raw) }
}

/// Starts polling `target` until the returned handle is aborted: a first poll after a
/// short random delay, then one poll after another with a jittered pause between them.
pub fn start(target: Target, on_result: impl Fn(Polled) + 'static) -> AbortHandle {
    let (handle, registration) = AbortHandle::new_pair();
    let task = async move {
        sleep_ms((random() * 300.0) as u32).await;
        loop {
            let polled = poll_once(&target).await;
            on_result(polled);
            sleep_ms(jittered_ms(target.interval_s, random())).await;
        }
    };
    leptos::task::spawn_local(async move {
        let _: Result<(), _> = Abortable::new(task, registration).await;
    });
    handle
}

fn random() -> f64 {
    js_sys::Math::random()
}

/// Resolves after `ms` milliseconds (a browser timer).
pub async fn sleep_ms(ms: u32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms.min(i32::MAX as u32) as i32);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}
