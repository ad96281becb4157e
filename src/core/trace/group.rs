//! Sorts decoded spans into traces by trace id, keeping the order in which traces and
//! spans first appeared. Sources that merge several traces into one list (api_v3 search,
//! OTLP files, Zipkin files) all go through here.
//!
//! This module must never reorder spans within a trace or drop any; the tree does ordering.

use crate::core::trace::id::TraceId;
use crate::core::trace::model::{Resource, Span, Trace};
use std::collections::HashMap;

/// Collects spans into traces.
#[derive(Debug, Default)]
pub struct Grouper {
    traces: Vec<Trace>,
    by_id: HashMap<TraceId, usize>,
    /// `(trace index, source resource number)` to the resource's index in that trace.
    resources: HashMap<(usize, usize), usize>,
    /// The last trace id and `(trace, source resource)` looked up, with their answers: files
    /// list one trace's spans resource by resource, so most spans skip both hash lookups.
    last_trace: Option<(TraceId, usize)>,
    last_resource: Option<((usize, usize), usize)>,
}

impl Grouper {
    /// The index of the trace with this id, creating it when new.
    pub fn trace_index(&mut self, id: TraceId) -> usize {
        if let Some((last, t)) = self.last_trace {
            if last == id {
                return t;
            }
        }
        let traces = &mut self.traces;
        let t = *self.by_id.entry(id).or_insert_with(|| {
            traces.push(Trace::new(id));
            traces.len() - 1
        });
        self.last_trace = Some((id, t));
        t
    }

    /// Adds a span, attaching the resource numbered `source_resource` by the caller (once per
    /// trace) when one is given.
    pub fn push(&mut self, mut span: Span, resource: Option<(usize, &Resource)>) {
        let t = self.trace_index(span.trace_id);
        if let Some((number, res)) = resource {
            let index = match self.last_resource {
                Some((key, index)) if key == (t, number) => index,
                _ => {
                    let trace = &mut self.traces[t];
                    let index = *self.resources.entry((t, number)).or_insert_with(|| {
                        trace.resources.push(res.clone());
                        trace.resources.len() - 1
                    });
                    self.last_resource = Some(((t, number), index));
                    index
                }
            };
            span.resource = Some(index);
        }
        self.traces[t].spans.push(span);
    }

    /// The traces, in order of first appearance.
    pub fn finish(self) -> Vec<Trace> {
        self.traces
    }
}
