//! The health grid's page writes (issue #7, B6): a poll's cell changes go into the page in
//! one call, and rows are put in order with the fewest moves (`core::health::stay_put`).
//!
//! Each mounted cell gets a slot number and its elements are handed to the page once
//! ([`register`]); a poll then packs every changed cell into a `core::health::CellBatch`
//! (what to write is decided there) and [`apply`] passes it as one `Uint32Array` of
//! records plus one string table, so the per-cell work is page writes only, with no call
//! between wasm and the page and no string decoded per cell.

use crate::core::health::{stay_put, strip_gradient, CellBatch, HealthState};
use std::cell::RefCell;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(inline_js = r#"
const cells = [];
function put(el, v) {
  const t = el.firstChild;
  if (t && t.nodeType === 3 && !t.nextSibling) t.nodeValue = v; else el.textContent = v;
}
function hook(el, on, id) {
  if (on) el.setAttribute('data-testid', id); else el.removeAttribute('data-testid');
}
export function nk_hg_register(slot, button, check, word, raw, stale, flap, reason, since, strip) {
  cells[slot] = { button, check, word, raw, stale, flap, reason, since, strip };
}
export function nk_hg_forget(slot) {
  cells[slot] = undefined;
}
export function nk_hg_apply(ops, text, bounds) {
  const s = new Array(Math.max(0, bounds.length - 1));
  for (let i = 0; i < s.length; i++) s[i] = text.slice(bounds[i], bounds[i + 1]);
  for (let k = 0; k < ops.length;) {
    const c = cells[ops[k]], m = ops[k + 1];
    let a = k + 3;
    k = a + ops[k + 2];
    if (c === undefined) continue;
    const b = c.button;
    if (m & 1) { const v = s[ops[a++]]; b.setAttribute('data-state', v); b.setAttribute('data-status', v); put(c.word, s[ops[a++]]); }
    if (m & 2) { const v = s[ops[a++]]; b.setAttribute('data-raw', v); put(c.raw, v); }
    if (m & 4) { const v = s[ops[a++]]; put(c.since, v); c.since.hidden = v === ''; }
    if (m & 8) { const v = s[ops[a++]]; if (v === '') c.strip.style.removeProperty('--hs'); else c.strip.style.setProperty('--hs', v); }
    if (m & 16) { const v = s[ops[a++]]; b.setAttribute('data-stale', v); c.stale.hidden = v !== 'true'; }
    if (m & 32) { const v = s[ops[a++]]; b.setAttribute('data-flapping', v); c.flap.hidden = v !== 'true'; hook(c.flap, v === 'true', 'health-flapping'); }
    if (m & 64) { const v = s[ops[a++]]; b.setAttribute('data-reason', v); put(c.reason, v); c.reason.hidden = v === ''; hook(c.reason, v !== '', 'health-cell-reason'); }
    if (m & 128) b.setAttribute('data-service', s[ops[a++]]);
    if (m & 256) b.setAttribute('data-check', s[ops[a++]]);
    if (m & 512) put(c.check, s[ops[a++]]);
    if (m & 1024) c.strip.setAttribute('data-polls', s[ops[a++]]);
  }
}
export function nk_hg_row_strip(row, v) {
  row.style.setProperty('--hs', v);
}
export function nk_hg_move(parent, node, before) {
  if (typeof parent.moveBefore === 'function' && node.isConnected && parent.isConnected) {
    try { parent.moveBefore(node, before); return; } catch (e) { /* fall back below */ }
  }
  parent.insertBefore(node, before);
}
"#)]
extern "C" {
    /// Hands a cell's elements to the page under a slot number.
    #[allow(clippy::too_many_arguments)]
    fn nk_hg_register(
        slot: u32,
        button: &JsValue,
        check: &JsValue,
        word: &JsValue,
        raw: &JsValue,
        stale: &JsValue,
        flap: &JsValue,
        reason: &JsValue,
        since: &JsValue,
        strip: &JsValue,
    );
    /// Drops the page's hold on a slot's elements.
    fn nk_hg_forget(slot: u32);
    /// Applies a packed batch (`core::health::CellBatch`: records, text, boundaries).
    fn nk_hg_apply(ops: &[u32], text: &str, bounds: &[u32]);
    /// Sets the strip a row's cells inherit (the custom property `--hs` on the row).
    fn nk_hg_row_strip(row: &JsValue, gradient: &str);
    /// Moves `node` before `before` (at the end when null) keeping its state
    /// (`moveBefore` where the browser has it, else `insertBefore`).
    fn nk_hg_move(parent: &JsValue, node: &JsValue, before: &JsValue);
}

/// The elements of a mounted cell that patches write to.
pub struct CellParts<'a> {
    pub button: &'a web_sys::Element,
    pub check: &'a web_sys::Element,
    pub word: &'a web_sys::Element,
    pub raw: &'a web_sys::Element,
    pub stale: &'a web_sys::Element,
    pub flap: &'a web_sys::Element,
    pub reason: &'a web_sys::Element,
    pub since: &'a web_sys::Element,
    pub strip: &'a web_sys::Element,
}

thread_local! {
    /// Slot numbers: the next never used one, and those given back by removed cells.
    static SLOTS: RefCell<(u32, Vec<u32>)> = const { RefCell::new((0, Vec::new())) };
}

/// A slot number for a new cell (numbers of removed cells are reused, so the page's
/// table stays as large as the most cells ever mounted at once).
pub fn new_slot() -> u32 {
    SLOTS.with(|s| {
        let mut s = s.borrow_mut();
        match s.1.pop() {
            Some(k) => k,
            None => {
                s.0 += 1;
                s.0 - 1
            }
        }
    })
}

/// Hands a cell's elements to the page under its slot (once, on its first patch).
pub fn register(slot: u32, p: &CellParts) {
    nk_hg_register(
        slot,
        p.button.as_ref(),
        p.check.as_ref(),
        p.word.as_ref(),
        p.raw.as_ref(),
        p.stale.as_ref(),
        p.flap.as_ref(),
        p.reason.as_ref(),
        p.since.as_ref(),
        p.strip.as_ref(),
    );
}

/// Forgets a removed cell's slot: the page lets go of its elements, the number is reused.
pub fn forget(slot: u32) {
    nk_hg_forget(slot);
    SLOTS.with(|s| s.borrow_mut().1.push(slot));
}

/// Applies a poll's changed cells in one call into the page.
pub fn apply(batch: &CellBatch) {
    if !batch.is_empty() {
        nk_hg_apply(batch.ops(), batch.text(), batch.bounds());
    }
}

/// Sets the strip a row carries for its cells that show the same (`core::health::common_strip`).
pub fn set_row_strip(row: &web_sys::Element, strip: &[HealthState]) {
    nk_hg_row_strip(row.as_ref(), &strip_gradient(strip));
}

/// The strip's background as a `style` attribute, for a cell's first drawing.
pub fn strip_style(strip: &[HealthState]) -> String {
    format!("--hs:{}", strip_gradient(strip))
}

/// Puts `want` (elements of `container`, in the wanted order) in that order, moving only
/// the rows that are not already in the right relative order. Rows of `want` that are not
/// in `container` yet are left alone; other children keep their places after the rows.
pub fn order_rows(container: &web_sys::Element, want: &[web_sys::Element]) {
    let children = container.children();
    let now: Vec<web_sys::Element> = (0..children.length())
        .filter_map(|k| children.item(k))
        .collect();
    let placed: Vec<web_sys::Element> = want.iter().filter(|w| now.contains(w)).cloned().collect();
    let positions: Vec<Option<usize>> = placed
        .iter()
        .map(|w| now.iter().position(|c| c == w))
        .collect();
    let keep = stay_put(&positions);
    if keep.iter().all(|k| *k) {
        return;
    }
    // The node after the last row: the list's own end marker, if any.
    let last_row = now.iter().rev().find(|c| placed.contains(c));
    let mut anchor: Option<web_sys::Node> = last_row.and_then(|l| l.next_sibling());
    for (el, stays) in placed.iter().zip(keep).rev() {
        if !stays {
            let before = anchor.as_ref().map_or(JsValue::NULL, |a| a.into());
            nk_hg_move(container.as_ref(), el.as_ref(), &before);
        }
        anchor = Some(el.clone().into());
    }
}
