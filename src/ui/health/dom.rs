//! Cheap page writes for the health grid's patches (issue #7, B6): the few words a cell
//! can show (classes, states, symbols, attribute names) are turned into page strings once
//! and reused, so a flip of 500 cells does not decode thousands of strings again; and the
//! rows are put in order with the fewest moves (`core::health::stay_put`).

use crate::core::health::stay_put;
use std::cell::RefCell;
use std::collections::HashMap;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// Any element or node of the page, for the three setters below.
    type PageNode;
    /// `Element.setAttribute` with names and values already in the page.
    #[wasm_bindgen(method, js_name = setAttribute)]
    fn set_attribute_js(this: &PageNode, name: &JsValue, value: &JsValue);
    /// The `textContent` setter with a value already in the page.
    #[wasm_bindgen(method, setter = textContent)]
    fn set_text_js(this: &PageNode, value: &JsValue);
    /// The `nodeValue` setter (a text node's words) with a value already in the page.
    #[wasm_bindgen(method, setter = nodeValue)]
    fn set_node_value_js(this: &PageNode, value: &JsValue);
    /// The `className` setter with a value already in the page.
    #[wasm_bindgen(method, setter = className)]
    fn set_class_js(this: &PageNode, value: &JsValue);
}

thread_local! {
    /// Page strings for the fixed words, made on first use, found by the word's address
    /// (a few dozen words: a scan of addresses is cheaper than hashing the text).
    static WORDS: RefCell<Vec<(usize, usize, JsValue)>> = const { RefCell::new(Vec::new()) };
    /// Page strings for recent free texts (raw status words repeat across cells).
    static TEXTS: RefCell<HashMap<String, JsValue>> = RefCell::new(HashMap::new());
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

/// Sets an attribute named by a fixed word to a free text.
pub fn set_text_attribute(el: &web_sys::Element, name: &'static str, value: &str) {
    with_word(name, |n| {
        with_text(value, |v| {
            el.unchecked_ref::<PageNode>().set_attribute_js(n, v)
        })
    });
}

/// The only child of `el` when it is a text node: writing its value changes the words
/// without replacing the node (`textContent` removes the node and makes a new one).
pub fn only_text(el: &web_sys::Node) -> Option<web_sys::Node> {
    el.first_child()
        .filter(|t| t.node_type() == web_sys::Node::TEXT_NODE && t.next_sibling().is_none())
}

/// Sets the words of an element to a fixed word: through its text node when it has one.
pub fn set_word_words(el: &web_sys::Node, text: Option<&web_sys::Node>, value: &'static str) {
    with_word(value, |v| match text {
        Some(t) => t.unchecked_ref::<PageNode>().set_node_value_js(v),
        None => el.unchecked_ref::<PageNode>().set_text_js(v),
    });
}

/// Sets the words of an element to a free text: through its text node when it has one.
pub fn set_free_words(el: &web_sys::Node, text: Option<&web_sys::Node>, value: &str) {
    with_text(value, |v| match text {
        Some(t) => t.unchecked_ref::<PageNode>().set_node_value_js(v),
        None => el.unchecked_ref::<PageNode>().set_text_js(v),
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

/// Sets the class of an element to a fixed word.
pub fn set_word_class(el: &web_sys::Element, value: &'static str) {
    with_word(value, |v| el.unchecked_ref::<PageNode>().set_class_js(v));
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
