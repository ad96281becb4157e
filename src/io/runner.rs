//! Executes a panel's query plan against its datasource and returns frames.
//!
//! Dispatch only: the demo datasource is evaluated by `core::demo`; real clients arrive
//! with their issues. Between jobs the task yields to the browser so that a long plan
//! never blocks the page in one piece.

use crate::core::datasource::{DatasourceKind, LookupError, Registry};
use crate::core::demo;
use crate::core::frame::Frame;
use crate::core::plan::QueryJob;

/// Runs every job in order; the first failure fails the panel with a readable message.
pub async fn run(registry: &Registry, datasource: &str, jobs: &[QueryJob]) -> Result<Vec<Frame>, String> {
    let ds = registry.get(datasource).map_err(|e| e.to_string())?;
    let mut frames = Vec::with_capacity(jobs.len());
    for job in jobs {
        yield_to_browser().await;
        let frame = match ds.kind {
            DatasourceKind::Demo => demo::evaluate(&job.query, job.range, job.step_ms, demo::DEFAULT_SEED).map_err(|e| e.to_string())?,
            other => {
                return Err(LookupError::Unsupported { name: ds.name.clone(), kind: other.as_str() }.to_string());
            }
        };
        frames.push(frame);
    }
    Ok(frames)
}

/// Lets the browser paint and handle input before the next piece of work.
pub async fn yield_to_browser() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}
