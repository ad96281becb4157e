//! Repair of a cut-off JSON text: cut back to the last complete element inside an array or
//! object, then close the containers that are still open. This recovers the start of a
//! truncated link (the title, the time range and the panels before the cut).
//!
//! This file only rearranges text; it must never invent values, and it must never recurse
//! (deeply nested hostile input must not overflow the stack), so it scans with a loop.

/// One step of a path into a JSON value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg {
    Key(String),
    Index(usize),
}

/// A repaired JSON text and the path of the innermost container that had to be closed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repaired {
    /// Valid JSON built from a prefix of the input (unless the prefix itself was invalid
    /// JSON, which the caller finds out when it parses this text).
    pub text: String,
    /// Path from the root to the innermost container that was closed by the repair; every
    /// container on this path lost its remaining members. The root itself is the empty path.
    pub cut_path: Vec<Seg>,
}

/// Deepest nesting the repair follows; deeper input is not a dashboard.
const MAX_DEPTH: usize = 256;

/// Repairs a truncated JSON text. Returns `None` when nothing can be kept: the text does
/// not start with an object or array, or nests deeper than any dashboard does.
pub fn repair(text: &str) -> Option<Repaired> {
    let cut = last_cut(text)?;
    let frames = frames_at(text, cut)?;
    let mut out = String::with_capacity(cut + frames.len());
    out.push_str(&text[..cut]);
    // A cut right after a comma would leave `[1,]`; drop a trailing comma and spaces.
    let trimmed = out.trim_end_matches(|c: char| c.is_ascii_whitespace() || c == ',').len();
    out.truncate(trimmed);
    let mut cut_path = Vec::new();
    for (i, f) in frames.iter().enumerate() {
        if i + 1 < frames.len() {
            cut_path.push(match &f.key {
                Some(k) if f.is_object => Seg::Key(k.clone()),
                _ => Seg::Index(f.index),
            });
        }
    }
    for f in frames.iter().rev() {
        out.push(if f.is_object { '}' } else { ']' });
    }
    Some(Repaired { text: out, cut_path })
}

/// An open container while scanning.
#[derive(Debug, Clone)]
struct Frame {
    is_object: bool,
    /// For objects: the key of the member being read, once its key string has ended.
    key: Option<String>,
    /// For arrays: the index of the element being read.
    index: usize,
}

/// Events the scanner reports to its two passes.
enum Event<'a> {
    /// A container opened at this byte; a cut just after it keeps it empty.
    Open { is_object: bool },
    /// A container closed.
    Close,
    /// An object key ended.
    Key(&'a str),
    /// A value ended inside a container (at the given byte offset, exclusive), so the text
    /// up to there is a safe cut.
    ValueEnd,
    /// A comma moved on to the next element.
    Comma,
}

/// Walks the JSON text, calling `on` for each event with the byte offset just after it.
/// Returns `None` on nesting deeper than [`MAX_DEPTH`]. Syntax errors are not checked here;
/// the parser that reads the repaired text reports them.
fn scan<'a>(text: &'a str, mut on: impl FnMut(Event<'a>, usize) -> bool) -> Option<()> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    // Whether the string about to start is an object key (`{` or `,` in an object).
    let mut stack_is_object: Vec<bool> = Vec::new();
    let mut expect_key = false;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'{' | b'[' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return None;
                }
                let is_object = b == b'{';
                stack_is_object.push(is_object);
                expect_key = is_object;
                i += 1;
                if !on(Event::Open { is_object }, i) {
                    return Some(());
                }
            }
            b'}' | b']' => {
                if stack_is_object.pop().is_none() {
                    return Some(());
                }
                depth -= 1;
                i += 1;
                if !on(Event::Close, i) {
                    return Some(());
                }
                if !stack_is_object.is_empty() && !on(Event::ValueEnd, i) {
                    return Some(());
                }
                expect_key = false;
            }
            b'"' => {
                let start = i + 1;
                let mut j = start;
                let mut closed = false;
                while j < bytes.len() {
                    match bytes[j] {
                        b'\\' => j += 2,
                        b'"' => {
                            closed = true;
                            break;
                        }
                        _ => j += 1,
                    }
                }
                if !closed {
                    return Some(());
                }
                i = j + 1;
                if expect_key {
                    expect_key = false;
                    if !on(Event::Key(&text[start..j]), i) {
                        return Some(());
                    }
                } else if !stack_is_object.is_empty() && !on(Event::ValueEnd, i) {
                    return Some(());
                }
            }
            b',' => {
                expect_key = stack_is_object.last().copied().unwrap_or(false);
                i += 1;
                if !on(Event::Comma, i) {
                    return Some(());
                }
            }
            b':' => i += 1,
            b if b.is_ascii_whitespace() => i += 1,
            _ => {
                // A number or a literal: complete only if something follows it.
                let mut j = i;
                while j < bytes.len() && !matches!(bytes[j], b',' | b']' | b'}' | b':' | b'"' | b'{' | b'[')
                    && !bytes[j].is_ascii_whitespace()
                {
                    j += 1;
                }
                if j == bytes.len() {
                    return Some(());
                }
                i = j;
                if !stack_is_object.is_empty() && !on(Event::ValueEnd, i) {
                    return Some(());
                }
            }
        }
    }
    Some(())
}

/// Finds the byte offset of the last safe cut: just after a complete element inside a
/// container, or just after a container opened.
fn last_cut(text: &str) -> Option<usize> {
    let mut cut = None;
    scan(text, |event, at| {
        if matches!(event, Event::Open { .. } | Event::ValueEnd) {
            cut = Some(at);
        }
        true
    })?;
    cut
}

/// The containers open at byte offset `cut`, outermost first.
fn frames_at(text: &str, cut: usize) -> Option<Vec<Frame>> {
    let mut frames: Vec<Frame> = Vec::new();
    scan(text, |event, at| {
        if at > cut {
            return false;
        }
        match event {
            Event::Open { is_object } => frames.push(Frame { is_object, key: None, index: 0 }),
            Event::Close => {
                frames.pop();
            }
            Event::Key(k) => {
                if let Some(f) = frames.last_mut() {
                    f.key = Some(k.to_string());
                }
            }
            Event::Comma => {
                if let Some(f) = frames.last_mut() {
                    f.index += 1;
                }
            }
            Event::ValueEnd => {}
        }
        true
    })?;
    (!frames.is_empty()).then_some(frames)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn fix(text: &str) -> (Value, Vec<Seg>) {
        let r = repair(text).expect("repairable");
        (serde_json::from_str(&r.text).unwrap_or_else(|e| panic!("{} -> {}: {e}", text, r.text)), r.cut_path)
    }

    #[test]
    fn cuts_back_to_the_last_complete_element() {
        use Seg::*;
        assert_eq!(fix(r#"{"a":1,"b":[1,2,3"#), (json!({"a":1,"b":[1,2]}), vec![Key("b".into())]));
        assert_eq!(fix(r#"{"a":"x","b":"unfinished"#), (json!({"a":"x"}), vec![]));
        assert_eq!(fix(r#"{"a":"x","b""#), (json!({"a":"x"}), vec![]));
        assert_eq!(fix(r#"{"a":"x","#), (json!({"a":"x"}), vec![]));
        assert_eq!(fix(r#"{"p":[{"t":"a"},{"t":"b","k":tru"#), (json!({"p":[{"t":"a"},{"t":"b"}]}), vec![Key("p".into()), Index(1)]));
        assert_eq!(fix(r#"{"p":["#), (json!({"p":[]}), vec![Key("p".into())]));
        assert_eq!(fix(r#"{"s":"a \"quoted\" } ] text","n":12"#), (json!({"s":"a \"quoted\" } ] text"}), vec![]));
        assert_eq!(fix(r#"[[1,2],[3"#), (json!([[1,2],[]]), vec![Index(1)]));
        assert_eq!(fix(r#"{"a":{"b":{}},"c":{"d":1}}"#), (json!({"a":{"b":{}},"c":{"d":1}}), vec![]));
    }

    #[test]
    fn unrepairable_text_gives_none() {
        assert_eq!(repair(""), None);
        assert_eq!(repair("\"just a string"), None);
        assert_eq!(repair("12"), None);
        assert_eq!(repair(&"[".repeat(100_000)), None);
    }
}
