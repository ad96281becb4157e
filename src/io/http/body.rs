//! Response bodies in wasm memory, on buffers that go back to a small pool when the body is
//! dropped. Every `query_range` answer of a 24-panel dashboard is a ≈ 190 KB block that
//! lived only until it was decoded; under auto-refresh each new block was requested while
//! the heap's free space was split into smaller holes by the frames and chart models
//! allocated in between, so the allocator grew linear memory (which never shrinks) by a
//! block at a time although the live heap stayed flat (B7, measured with the
//! `alloc-stats` build). Reused buffers make the steady state allocate no body blocks.

use std::cell::RefCell;
use std::ops::Deref;

/// Buffers kept for reuse: as many as requests run at once against one datasource.
const KEPT: usize = super::MAX_CONCURRENT;

/// Buffers larger than this go back to the allocator instead of the pool, so one large
/// answer does not stay allocated for the rest of the session.
const KEPT_MAX_BYTES: usize = 1024 * 1024;

/// Capacities are rounded up to this, so answers of nearly the same size share buffers.
const ROUND: usize = 16 * 1024;

thread_local! {
    static POOL: RefCell<Vec<Vec<u8>>> = const { RefCell::new(Vec::new()) };
}

/// A whole response body; reads as a byte slice.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Body(Vec<u8>);

impl Body {
    /// A zeroed body of `len` bytes, on a pooled buffer when one is large enough (the
    /// smallest such), else on a new one.
    pub fn zeroed(len: usize) -> Body {
        if len == 0 {
            return Body::default();
        }
        let pooled = POOL.with(|p| {
            let mut p = p.borrow_mut();
            let best = p.iter().enumerate().filter(|(_, b)| b.capacity() >= len).min_by_key(|(_, b)| b.capacity()).map(|(i, _)| i);
            best.map(|i| p.swap_remove(i))
        });
        let mut bytes = pooled.unwrap_or_else(|| Vec::with_capacity(len.div_ceil(ROUND).max(1) * ROUND));
        bytes.clear();
        bytes.resize(len, 0);
        Body(bytes)
    }

    /// The bytes, to fill.
    pub fn as_mut_slice(&mut self) -> &mut [u8] {
        &mut self.0
    }
}

impl Deref for Body {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        &self.0
    }
}

impl Clone for Body {
    fn clone(&self) -> Body {
        let mut copy = Body::zeroed(self.0.len());
        copy.0.copy_from_slice(&self.0);
        copy
    }
}

impl Drop for Body {
    fn drop(&mut self) {
        let bytes = std::mem::take(&mut self.0);
        if bytes.capacity() == 0 || bytes.capacity() > KEPT_MAX_BYTES {
            return;
        }
        POOL.with(|p| {
            let mut p = p.borrow_mut();
            if p.len() < KEPT {
                p.push(bytes);
            } else if let Some((i, _)) = p.iter().enumerate().min_by_key(|(_, b)| b.capacity()).filter(|(_, b)| b.capacity() < bytes.capacity()) {
                // A full pool keeps the larger buffers, which fit more answers.
                p[i] = bytes;
            }
        });
    }
}
