//! Bench-only allocation counting (cargo feature `alloc-stats`, never in the shipped build):
//! a wrapper around the global allocator that keeps the live and peak live heap bytes, the
//! count of allocations per power-of-two size class, the largest single allocations, the
//! peak live bytes reached inside each phase the app names (`super::Phase`), and every
//! growth of wasm linear memory with the allocation that caused it. The B7 driver reads it
//! through `bench_alloc_stats` and starts a new window with `bench_alloc_window`.
//!
//! Everything here is fixed-size statics: the allocator must not allocate itself. The
//! page runs on one thread, so relaxed atomics are plain loads and stores.

use std::alloc::{GlobalAlloc, Layout, System};
use std::fmt::Write;
use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering::Relaxed};
use wasm_bindgen::prelude::*;

/// The counting wrapper around the default allocator (dlmalloc on wasm32).
struct Counting;

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const PHASES: usize = super::PHASE_NAMES.len();
const LARGEST: usize = 8;
const GROWS: usize = 64;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
static PEAK_PHASE: AtomicUsize = AtomicUsize::new(0);
static PHASE: AtomicUsize = AtomicUsize::new(0);
static PHASE_PEAK: [AtomicUsize; PHASES] = [const { AtomicUsize::new(0) }; PHASES];
static CLASSES: [AtomicU32; 32] = [const { AtomicU32::new(0) }; 32];
static LARGEST_SIZE: [AtomicUsize; LARGEST] = [const { AtomicUsize::new(0) }; LARGEST];
static LARGEST_PHASE: [AtomicUsize; LARGEST] = [const { AtomicUsize::new(0) }; LARGEST];
static PAGES: AtomicUsize = AtomicUsize::new(0);
static GROW_COUNT: AtomicUsize = AtomicUsize::new(0);
/// The last `GROWS` growths (a ring), per growth: pages after, the request's size, live bytes before it, the phase.
static GROW_LOG: [[AtomicUsize; 4]; GROWS] = [const { [const { AtomicUsize::new(0) }; 4] }; GROWS];

/// Sets the current phase (an index into `super::PHASE_NAMES`) and returns the previous one.
pub fn set_phase(phase: usize) -> usize {
    PHASE.swap(phase, Relaxed)
}

fn on_alloc(size: usize) {
    let live = LIVE.fetch_add(size, Relaxed) + size;
    let phase = PHASE.load(Relaxed);
    if live > PEAK.load(Relaxed) {
        PEAK.store(live, Relaxed);
        PEAK_PHASE.store(phase, Relaxed);
    }
    if live > PHASE_PEAK[phase].load(Relaxed) {
        PHASE_PEAK[phase].store(live, Relaxed);
    }
    let class = (usize::BITS - size.max(1).leading_zeros()) as usize;
    CLASSES[class.min(31)].fetch_add(1, Relaxed);
    // Keeps the largest sizes in descending order (insertion into a short array).
    let mut carry = (size, phase);
    for i in 0..LARGEST {
        if carry.0 > LARGEST_SIZE[i].load(Relaxed) {
            let old = (LARGEST_SIZE[i].swap(carry.0, Relaxed), LARGEST_PHASE[i].swap(carry.1, Relaxed));
            carry = old;
        }
    }
    let pages = core::arch::wasm32::memory_size(0);
    if pages > PAGES.swap(pages, Relaxed) {
        let n = GROW_COUNT.fetch_add(1, Relaxed);
        {
            let row = &GROW_LOG[n % GROWS];
            row[0].store(pages, Relaxed);
            row[1].store(size, Relaxed);
            row[2].store(live - size, Relaxed);
            row[3].store(phase, Relaxed);
        }
    }
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = System.alloc(layout);
        if !p.is_null() {
            on_alloc(layout.size());
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = System.alloc_zeroed(layout);
        if !p.is_null() {
            on_alloc(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout);
        LIVE.fetch_sub(layout.size(), Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = System.realloc(ptr, layout, new_size);
        if !p.is_null() {
            // Counted as a free of the old block and an allocation of the new one, which
            // is what dlmalloc does when it cannot grow in place.
            LIVE.fetch_sub(layout.size(), Relaxed);
            on_alloc(new_size);
        }
        p
    }
}

/// The counters since the last window as JSON: `live`, `peak`, `peak_phase`, `phase_peak`
/// (per phase name), `classes` (allocations per size class, keyed by the class's upper
/// bound in bytes), `largest` (`[bytes, phase]`), `grows` (`[pages, request, live, phase]`,
/// the last 64 since the page started) and `wasm` (linear memory bytes).
#[wasm_bindgen]
pub fn bench_alloc_stats() -> String {
    let names = super::PHASE_NAMES;
    let mut s = String::with_capacity(1024);
    let _ = write!(
        s,
        "{{\"live\":{},\"peak\":{},\"peak_phase\":\"{}\",\"wasm\":{},\"phase_peak\":{{",
        LIVE.load(Relaxed),
        PEAK.load(Relaxed),
        names[PEAK_PHASE.load(Relaxed)],
        core::arch::wasm32::memory_size(0) * 65536
    );
    for (i, name) in names.iter().enumerate() {
        let _ = write!(s, "{}\"{}\":{}", if i > 0 { "," } else { "" }, name, PHASE_PEAK[i].load(Relaxed));
    }
    s.push_str("},\"classes\":{");
    let mut first = true;
    for (i, c) in CLASSES.iter().enumerate() {
        let n = c.load(Relaxed);
        if n > 0 {
            let _ = write!(s, "{}\"{}\":{}", if first { "" } else { "," }, 1u64 << i, n);
            first = false;
        }
    }
    s.push_str("},\"largest\":[");
    for i in 0..LARGEST {
        let _ = write!(s, "{}[{},\"{}\"]", if i > 0 { "," } else { "" }, LARGEST_SIZE[i].load(Relaxed), names[LARGEST_PHASE[i].load(Relaxed)]);
    }
    s.push_str("],\"grows\":[");
    let count = GROW_COUNT.load(Relaxed);
    for i in count.saturating_sub(GROWS)..count {
        let r = &GROW_LOG[i % GROWS];
        let _ = write!(
            s,
            "{}[{},{},{},\"{}\"]",
            if i > count.saturating_sub(GROWS) { "," } else { "" },
            r[0].load(Relaxed),
            r[1].load(Relaxed),
            r[2].load(Relaxed),
            names[r[3].load(Relaxed)]
        );
    }
    s.push_str("]}");
    s
}

/// Starts a new window: the peaks restart from the live bytes, the size classes and the
/// largest allocations from zero (the growth log is kept).
#[wasm_bindgen]
pub fn bench_alloc_window() {
    let live = LIVE.load(Relaxed);
    PEAK.store(live, Relaxed);
    PEAK_PHASE.store(PHASE.load(Relaxed), Relaxed);
    PHASE_PEAK.iter().for_each(|p| p.store(0, Relaxed));
    CLASSES.iter().for_each(|c| c.store(0, Relaxed));
    LARGEST_SIZE.iter().for_each(|c| c.store(0, Relaxed));
}
