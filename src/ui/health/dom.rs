//! Cheap page writes for the health grid's patches (issue #7, B6): the few words a cell
//! can show (classes, states, symbols, attribute names) are turned into page strings once
//! and reused, so a flip of 500 cells does not decode thousands of strings again; and the
//! rows are put in order with the fewest moves (`core::health::stay_put`). A flipped cell
//! is patched by one call into the page ([`patch_cell`]) that writes only what changed.

use crate::core::health::{stay_put, strip_gradient, strip_key, HealthState};
use std::cell::RefCell;
use std::collections::HashMap;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// Any element or node of the page, for the two setters below.
    type PageNode;
    /// `Element.setAttribute` with names and values already in the page.
    #[wasm_bindgen(method, js_name = setAttribute)]
    fn set_attribute_js(this: &PageNode, name: &JsValue, value: &JsValue);
    /// The `textContent` setter with a value already in the page.
    #[wasm_bindgen(method, setter = textContent)]
    fn set_text_js(this: &PageNode, value: &JsValue);
}

#[wasm_bindgen(inline_js = r#"
function put(el, v) {
  const t = el.firstChild;
  if (t && t.nodeType === 3 && !t.nextSibling) t.nodeValue = v; else el.textContent = v;
}
export function nk_hg_patch(b, word, raw, since, strip, status, wordV, rawV, sinceV, stripV) {
  if (status !== undefined) { b.setAttribute('data-state', status); b.setAttribute('data-status', status); }
  if (wordV !== undefined) put(word, wordV);
  if (rawV !== undefined) { b.setAttribute('data-raw', rawV); put(raw, rawV); }
  if (sinceV !== undefined) { put(since, sinceV); since.hidden = sinceV === ''; }
  if (stripV !== undefined) strip.style.setProperty('--hs', stripV);
}
"#)]
extern "C" {
    /// Writes a cell's common changes in one call: its state (both state attributes), its
    /// word, its raw status word (attribute and words), its "since" words (hidden when
    /// empty) and its history strip's background. An `undefined` value is left as it is.
    #[allow(clippy::too_many_arguments)]
    fn nk_hg_patch(
        button: &JsValue,
        word: &JsValue,
        raw: &JsValue,
        since: &JsValue,
        strip: &JsValue,
        status: &JsValue,
        word_value: &JsValue,
        raw_value: &JsValue,
        since_value: &JsValue,
        strip_value: &JsValue,
    );
}

/// The elements [`patch_cell`] writes to.
pub struct CellParts<'a> {
    pub button: &'a web_sys::Element,
    pub word: &'a web_sys::Element,
    pub raw: &'a web_sys::Element,
    pub since: &'a web_sys::Element,
    pub strip: &'a web_sys::Element,
}

/// What [`patch_cell`] writes; `None` leaves that part as it is.
#[derive(Default)]
pub struct CellWrites<'a> {
    /// The state word for `data-state` and `data-status`.
    pub status: Option<&'static str>,
    /// The visible state word.
    pub word: Option<&'static str>,
    pub raw: Option<&'a str>,
    pub since: Option<&'a str>,
    pub strip: Option<&'a [HealthState]>,
}

thread_local! {
    /// Page strings for the fixed words, made on first use, found by the word's address
    /// (a few dozen words: a scan of addresses is cheaper than hashing the text).
    static WORDS: RefCell<Vec<(usize, usize, JsValue)>> = const { RefCell::new(Vec::new()) };
    /// Page strings for recent free texts (raw status words repeat across cells).
    static TEXTS: RefCell<HashMap<String, JsValue>> = RefCell::new(HashMap::new());
    /// Page strings for recent strip backgrounds, by `core::health::strip_key` (cells that
    /// answered alike share a strip, so a poll makes a few of these, not one per cell).
    static STRIPS: RefCell<HashMap<u64, JsValue>> = RefCell::new(HashMap::new());
}

/// The most free texts kept as page strings; the cache starts over when full.
const MAX_TEXTS: usize = 256;

/// The index of a fixed word's page string in the cache, made on first use.
fn word_index(words: &mut Vec<(usize, usize, JsValue)>, word: &'static str) -> usize {
    let key = (word.as_ptr() as usize, word.len());
    match words.iter().position(|(p, l, _)| (*p, *l) == key) {
        Some(k) => k,
        None => {
            words.push((key.0, key.1, JsValue::from_str(word)));
            words.len() - 1
        }
    }
}

/// Runs `f` with the page string for a fixed word.
fn with_word<R>(word: &'static str, f: impl FnOnce(&JsValue) -> R) -> R {
    WORDS.with(|w| {
        let mut w = w.borrow_mut();
        let k = word_index(&mut w, word);
        f(&w[k].2)
    })
}

/// Runs `f` with the page strings for two fixed words (one borrow of the cache).
fn with_words<R>(a: &'static str, b: &'static str, f: impl FnOnce(&JsValue, &JsValue) -> R) -> R {
    WORDS.with(|w| {
        let mut w = w.borrow_mut();
        let (i, j) = (word_index(&mut w, a), word_index(&mut w, b));
        f(&w[i].2, &w[j].2)
    })
}

/// Runs `f` with a page string for a free text, reusing a recent one.
fn with_text<R>(text: &str, f: impl FnOnce(&JsValue) -> R) -> R {
    TEXTS.with(|t| {
        let mut t = t.borrow_mut();
        if !t.contains_key(text) {
            if t.len() >= MAX_TEXTS {
                t.clear();
            }
            t.insert(text.to_string(), JsValue::from_str(text));
        }
        match t.get(text) {
            Some(v) => f(v),
            None => f(&JsValue::from_str(text)),
        }
    })
}

/// The strip's background as a `style` attribute, for a cell's first drawing.
pub fn strip_style(strip: &[HealthState]) -> String {
    format!("--hs:{}", strip_gradient(strip))
}

/// Writes what changed in a cell with one call into the page; fixed words, recent texts
/// and recent strips go as page strings made once (each cache is borrowed once).
pub fn patch_cell(parts: &CellParts, w: &CellWrites) {
    WORDS.with(|words| {
        TEXTS.with(|texts| {
            STRIPS.with(|strips| {
                let mut words = words.borrow_mut();
                let status = w.status.map(|x| word_index(&mut words, x));
                let word = w.word.map(|x| word_index(&mut words, x));
                let mut texts = texts.borrow_mut();
                if texts.len() + 2 > MAX_TEXTS {
                    texts.clear();
                }
                for t in [w.raw, w.since].into_iter().flatten() {
                    if !texts.contains_key(t) {
                        texts.insert(t.to_string(), JsValue::from_str(t));
                    }
                }
                let mut strips = strips.borrow_mut();
                let strip = w.strip.map(|s| {
                    let key = strip_key(s);
                    if !strips.contains_key(&key) {
                        if strips.len() >= MAX_TEXTS {
                            strips.clear();
                        }
                        strips.insert(key, JsValue::from_str(&strip_gradient(s)));
                    }
                    key
                });
                let none = &JsValue::UNDEFINED;
                let text = |t: Option<&str>| t.and_then(|t| texts.get(t)).unwrap_or(none);
                nk_hg_patch(
                    parts.button.as_ref(),
                    parts.word.as_ref(),
                    parts.raw.as_ref(),
                    parts.since.as_ref(),
                    parts.strip.as_ref(),
                    status.map_or(none, |i| &words[i].2),
                    word.map_or(none, |i| &words[i].2),
                    text(w.raw),
                    text(w.since),
                    strip.and_then(|k| strips.get(&k)).unwrap_or(none),
                );
            })
        })
    });
}

/// Sets an attribute named by a fixed word to a free text.
pub fn set_text_attribute(el: &web_sys::Element, name: &'static str, value: &str) {
    with_word(name, |n| {
        with_text(value, |v| {
            el.unchecked_ref::<PageNode>().set_attribute_js(n, v)
        })
    });
}

/// Sets the text of a node to a free text.
pub fn set_free_text(node: &web_sys::Node, value: &str) {
    with_text(value, |v| node.unchecked_ref::<PageNode>().set_text_js(v));
}

/// Sets an attribute whose name and value are both fixed words.
pub fn set_word_attribute(el: &web_sys::Element, name: &'static str, value: &'static str) {
    with_words(name, value, |n, v| {
        el.unchecked_ref::<PageNode>().set_attribute_js(n, v)
    });
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
            let _ = container.insert_before(el, anchor.as_ref());
        }
        anchor = Some(el.clone().into());
    }
}
