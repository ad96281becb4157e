//! Keyboard shortcuts: one table that both the `?` help overlay and the key handler read,
//! and the pure rule that turns a key press into an action.
//!
//! Nothing fires while the user is typing (the press's target is a text field, a select or
//! an editable element), so `?`, `/` and letters reach inputs untouched. Two-key sequences
//! such as `g` then `h` are tracked with a pending prefix that the caller keeps between
//! presses; any other key clears it.

/// What a shortcut does. The UI maps each action to one existing control or state change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Opens (or closes) the shortcut help overlay.
    Help,
    /// Closes whatever is open: the help overlay, the panel editor, a menu.
    Close,
    /// Re-runs every panel's queries now.
    Refresh,
    /// Moves keyboard focus to the time picker.
    TimePicker,
    /// Opens the side editor for the panel that holds keyboard focus.
    EditPanel,
    /// Starts a new panel, like the "Add panel" button.
    NewPanel,
    /// Opens the share box.
    Share,
    /// Opens the Recent list (home).
    GoHome,
    /// Moves keyboard focus to the first find box on the page.
    Find,
    /// Undoes the last dashboard edit (wired by the undo history, not by the shortcut handler).
    Undo,
    /// Redoes the last undone edit (wired by the undo history, not by the shortcut handler).
    Redo,
}

impl Action {
    /// Whether the shortcut handler leaves this action to another handler. Undo and redo
    /// are listed for the help overlay, but the undo history listens for them itself.
    pub fn handled_elsewhere(self) -> bool {
        matches!(self, Action::Undo | Action::Redo)
    }
}

/// The keys that trigger a shortcut.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chord {
    /// One key, as the browser names it (`"?"`, `"r"`, `"Escape"`), with no Ctrl, Meta or Alt.
    Key(&'static str),
    /// A key with Ctrl (or Meta, the Command key on a Mac); `shift` must match exactly.
    Ctrl { key: &'static str, shift: bool },
    /// One plain key, then another.
    Then(&'static str, &'static str),
}

/// One row of the shortcut table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shortcut {
    pub chord: Chord,
    pub action: Action,
    /// What the help overlay says the shortcut does.
    pub description: &'static str,
}

impl Shortcut {
    /// The keys as people read them in the help overlay: `?`, `Esc`, `g then h`, `Ctrl+Z`.
    pub fn keys_label(&self) -> String {
        fn name(key: &str) -> &str {
            if key == "Escape" {
                "Esc"
            } else {
                key
            }
        }
        match self.chord {
            Chord::Key(k) => name(k).to_string(),
            Chord::Ctrl { key, shift } => {
                let shift = if shift { "Shift+" } else { "" };
                format!("Ctrl+{shift}{}", key.to_ascii_uppercase())
            }
            Chord::Then(a, b) => format!("{} then {}", name(a), name(b)),
        }
    }
}

/// Every shortcut, in the order the help overlay lists them.
pub const SHORTCUTS: &[Shortcut] = &[
    Shortcut {
        chord: Chord::Key("?"),
        action: Action::Help,
        description: "Show or hide this list of shortcuts",
    },
    Shortcut {
        chord: Chord::Key("Escape"),
        action: Action::Close,
        description: "Close the open overlay, editor or menu",
    },
    Shortcut {
        chord: Chord::Key("r"),
        action: Action::Refresh,
        description: "Refresh every panel now",
    },
    Shortcut {
        chord: Chord::Key("t"),
        action: Action::TimePicker,
        description: "Focus the time picker",
    },
    Shortcut {
        chord: Chord::Key("e"),
        action: Action::EditPanel,
        description: "Edit the focused panel",
    },
    Shortcut {
        chord: Chord::Key("n"),
        action: Action::NewPanel,
        description: "Add a new panel",
    },
    Shortcut {
        chord: Chord::Key("s"),
        action: Action::Share,
        description: "Share this dashboard",
    },
    Shortcut {
        chord: Chord::Then("g", "h"),
        action: Action::GoHome,
        description: "Go home: open the Recent list",
    },
    Shortcut {
        chord: Chord::Key("/"),
        action: Action::Find,
        description: "Focus the find box",
    },
    Shortcut {
        chord: Chord::Ctrl {
            key: "z",
            shift: false,
        },
        action: Action::Undo,
        description: "Undo the last edit",
    },
    Shortcut {
        chord: Chord::Ctrl {
            key: "z",
            shift: true,
        },
        action: Action::Redo,
        description: "Redo the last undone edit",
    },
    Shortcut {
        chord: Chord::Ctrl {
            key: "y",
            shift: false,
        },
        action: Action::Redo,
        description: "Redo the last undone edit",
    },
];

/// A key (or pair of keys) that a focused element handles itself; the help overlay lists
/// these after [`SHORTCUTS`], under the element they work on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FocusedKey {
    /// The browser's names of the keys.
    pub keys: &'static [&'static str],
    /// Whether Shift is held with them.
    pub shift: bool,
    /// The keys as people read them in the help overlay.
    pub label: &'static str,
    /// What the help overlay says the keys do.
    pub description: &'static str,
}

/// The keys a focused chart understands (`core::range_select::on_key` interprets them):
/// selecting a time range by keyboard and drilling into it.
pub const CHART_KEYS: &[FocusedKey] = &[
    FocusedKey {
        keys: &["ArrowLeft", "ArrowRight"],
        shift: false,
        label: "← / →",
        description: "On a focused chart: move the time cursor one bucket",
    },
    FocusedKey {
        keys: &["ArrowLeft", "ArrowRight"],
        shift: true,
        label: "Shift+← / Shift+→",
        description: "On a focused chart: select a range of buckets",
    },
    FocusedKey {
        keys: &["PageUp", "PageDown"],
        shift: false,
        label: "PgUp / PgDn",
        description: "On a focused chart: move the time cursor ten buckets",
    },
    FocusedKey {
        keys: &["Home", "End"],
        shift: false,
        label: "Home / End",
        description: "On a focused chart: go to the first or the last bucket",
    },
    FocusedKey {
        keys: &["Enter"],
        shift: false,
        label: "Enter (on a chart)",
        description: "Drill into the selected window, as a level with a breadcrumb back",
    },
    FocusedKey {
        keys: &["Escape"],
        shift: false,
        label: "Esc (on a chart)",
        description: "Clear the chart's selection",
    },
];

/// Where a key press happened, as far as shortcuts care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// A text input, a textarea, a select or an editable element: the user is typing.
    Typing,
    /// Anywhere else (the page, a button, a chart).
    Page,
}

impl Target {
    /// Classifies an element by its tag name (any case), its `type` attribute (for inputs)
    /// and whether it is editable. Buttons, checkboxes and radios are not typing targets.
    pub fn of_element(tag: &str, input_type: Option<&str>, editable: bool) -> Target {
        if editable {
            return Target::Typing;
        }
        match tag.to_ascii_lowercase().as_str() {
            "textarea" | "select" => Target::Typing,
            "input" => {
                let kind = input_type.unwrap_or("text").to_ascii_lowercase();
                let not_typing = [
                    "button", "checkbox", "radio", "submit", "reset", "file", "image", "range",
                    "color",
                ];
                if not_typing.contains(&kind.as_str()) {
                    Target::Page
                } else {
                    Target::Typing
                }
            }
            _ => Target::Page,
        }
    }
}

/// One key press: the browser's key name and modifiers, and where it happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyPress {
    pub key: String,
    pub ctrl: bool,
    pub meta: bool,
    pub alt: bool,
    pub shift: bool,
    pub target: Target,
}

impl KeyPress {
    /// A plain key press on the page (for tests and callers without modifiers).
    pub fn plain(key: &str) -> Self {
        KeyPress {
            key: key.to_string(),
            ctrl: false,
            meta: false,
            alt: false,
            shift: false,
            target: Target::Page,
        }
    }
}

/// What a key press means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Run this action (and keep the browser from handling the key).
    Fire(Action),
    /// The first key of a sequence: remember this prefix for the next press.
    Pending(&'static str),
    /// Not a shortcut: leave the key alone.
    Nothing,
}

/// Interprets a key press, given the prefix left pending by the previous press (if any).
/// Presses while typing are never shortcuts; bare modifier keys leave the prefix pending.
pub fn interpret(press: &KeyPress, pending: Option<&str>) -> Outcome {
    if press.target == Target::Typing {
        return Outcome::Nothing;
    }
    if matches!(press.key.as_str(), "Shift" | "Control" | "Alt" | "Meta") {
        return pending
            .and_then(|p| first_keys().find(|k| *k == p))
            .map(Outcome::Pending)
            .unwrap_or(Outcome::Nothing);
    }
    let command = press.ctrl || press.meta;
    if command && !press.alt {
        let key = press.key.to_ascii_lowercase();
        return SHORTCUTS
            .iter()
            .find(|s| matches!(s.chord, Chord::Ctrl { key: k, shift } if k == key && shift == press.shift))
            .map(|s| Outcome::Fire(s.action))
            .unwrap_or(Outcome::Nothing);
    }
    if command || press.alt {
        return Outcome::Nothing;
    }
    if let Some(prefix) = pending {
        if let Some(s) = SHORTCUTS
            .iter()
            .find(|s| matches!(s.chord, Chord::Then(a, b) if a == prefix && b == press.key))
        {
            return Outcome::Fire(s.action);
        }
    }
    if let Some(s) = SHORTCUTS
        .iter()
        .find(|s| s.chord == Chord::Key(table_key(&press.key)))
    {
        return Outcome::Fire(s.action);
    }
    if let Some(first) = first_keys().find(|k| *k == press.key) {
        return Outcome::Pending(first);
    }
    Outcome::Nothing
}

/// The first keys of every two-key sequence.
fn first_keys() -> impl Iterator<Item = &'static str> {
    SHORTCUTS.iter().filter_map(|s| match s.chord {
        Chord::Then(a, _) => Some(a),
        _ => None,
    })
}

/// The table's own spelling of `key` when one row uses it (so chords compare as equal).
fn table_key(key: &str) -> &'static str {
    SHORTCUTS
        .iter()
        .find_map(|s| match s.chord {
            Chord::Key(k) if k == key => Some(k),
            _ => None,
        })
        .unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(press: KeyPress, pending: Option<&str>, expected: Outcome) {
        assert_eq!(
            interpret(&press, pending),
            expected,
            "press {press:?} after {pending:?}"
        );
    }

    fn with(key: &str, f: impl FnOnce(&mut KeyPress)) -> KeyPress {
        let mut p = KeyPress::plain(key);
        f(&mut p);
        p
    }

    #[test]
    fn single_keys_fire_their_actions() {
        let cases = [
            ("?", Action::Help),
            ("Escape", Action::Close),
            ("r", Action::Refresh),
            ("t", Action::TimePicker),
            ("e", Action::EditPanel),
            ("n", Action::NewPanel),
            ("s", Action::Share),
            ("/", Action::Find),
        ];
        for (key, action) in cases {
            check(KeyPress::plain(key), None, Outcome::Fire(action));
        }
        // `?` is typed with Shift on most layouts; the key name already says `?`.
        check(
            with("?", |p| p.shift = true),
            None,
            Outcome::Fire(Action::Help),
        );
    }

    #[test]
    fn nothing_fires_while_typing() {
        for key in ["?", "r", "/", "Escape", "g", "z"] {
            check(
                with(key, |p| p.target = Target::Typing),
                None,
                Outcome::Nothing,
            );
            check(
                with(key, |p| p.target = Target::Typing),
                Some("g"),
                Outcome::Nothing,
            );
        }
        check(
            with("z", |p| {
                p.ctrl = true;
                p.target = Target::Typing
            }),
            None,
            Outcome::Nothing,
        );
    }

    #[test]
    fn modifiers_keep_browser_shortcuts_working() {
        check(with("r", |p| p.ctrl = true), None, Outcome::Nothing);
        check(with("r", |p| p.meta = true), None, Outcome::Nothing);
        check(with("r", |p| p.alt = true), None, Outcome::Nothing);
        check(with("R", |p| p.shift = true), None, Outcome::Nothing);
        check(with("z", |p| p.alt = true), None, Outcome::Nothing);
    }

    #[test]
    fn undo_and_redo_are_listed_and_recognised() {
        check(
            with("z", |p| p.ctrl = true),
            None,
            Outcome::Fire(Action::Undo),
        );
        check(
            with("z", |p| p.meta = true),
            None,
            Outcome::Fire(Action::Undo),
        );
        check(
            with("Z", |p| {
                p.ctrl = true;
                p.shift = true
            }),
            None,
            Outcome::Fire(Action::Redo),
        );
        check(
            with("y", |p| p.ctrl = true),
            None,
            Outcome::Fire(Action::Redo),
        );
        assert!(Action::Undo.handled_elsewhere() && Action::Redo.handled_elsewhere());
        assert!(!Action::Help.handled_elsewhere());
    }

    #[test]
    fn sequences_need_both_keys_in_order() {
        check(KeyPress::plain("g"), None, Outcome::Pending("g"));
        check(
            KeyPress::plain("h"),
            Some("g"),
            Outcome::Fire(Action::GoHome),
        );
        check(KeyPress::plain("h"), None, Outcome::Nothing);
        // Another key after the prefix is itself, and the prefix is dropped.
        check(
            KeyPress::plain("r"),
            Some("g"),
            Outcome::Fire(Action::Refresh),
        );
        check(KeyPress::plain("x"), Some("g"), Outcome::Nothing);
        // Pressing Shift between the keys keeps the prefix.
        check(KeyPress::plain("Shift"), Some("g"), Outcome::Pending("g"));
        check(KeyPress::plain("Shift"), None, Outcome::Nothing);
    }

    #[test]
    fn targets_are_classified_by_element() {
        let cases = [
            (("INPUT", None, false), Target::Typing),
            (("input", Some("search"), false), Target::Typing),
            (("input", Some("checkbox"), false), Target::Page),
            (("input", Some("file"), false), Target::Page),
            (("TEXTAREA", None, false), Target::Typing),
            (("select", None, false), Target::Typing),
            (("div", None, true), Target::Typing),
            (("button", None, false), Target::Page),
            (("body", None, false), Target::Page),
        ];
        for ((tag, kind, editable), expected) in cases {
            assert_eq!(
                Target::of_element(tag, kind, editable),
                expected,
                "{tag} {kind:?} {editable}"
            );
        }
    }

    #[test]
    fn the_table_is_consistent() {
        let labels: Vec<String> = SHORTCUTS.iter().map(Shortcut::keys_label).collect();
        assert_eq!(labels[..3], ["?", "Esc", "r"]);
        assert!(labels.contains(&"g then h".to_string()));
        assert!(labels.contains(&"Ctrl+Shift+Z".to_string()));
        // No two rows share a chord, and every row fires its own action.
        for (i, a) in SHORTCUTS.iter().enumerate() {
            assert!(
                SHORTCUTS[i + 1..].iter().all(|b| b.chord != a.chord),
                "duplicate {:?}",
                a.chord
            );
            assert!(!a.description.is_empty());
        }
        for s in SHORTCUTS {
            let fired = match s.chord {
                Chord::Key(k) => interpret(&KeyPress::plain(k), None),
                Chord::Ctrl { key, shift } => interpret(
                    &with(key, |p| {
                        p.ctrl = true;
                        p.shift = shift
                    }),
                    None,
                ),
                Chord::Then(a, b) => match interpret(&KeyPress::plain(a), None) {
                    Outcome::Pending(p) => interpret(&KeyPress::plain(b), Some(p)),
                    other => other,
                },
            };
            assert_eq!(fired, Outcome::Fire(s.action), "{s:?}");
        }
    }

    #[test]
    fn every_listed_chart_key_does_something_on_a_chart() {
        use crate::core::range_select::{on_key, Buckets, Cursor, KeyResult};
        let buckets = Buckets::over(0, 600_000, 15_000).expect("buckets");
        let cursor = Cursor {
            at_ms: 300_000,
            anchor_ms: None,
        };
        for k in CHART_KEYS {
            assert!(!k.description.is_empty() && !k.label.is_empty());
            for key in k.keys {
                assert_ne!(
                    on_key(&buckets, Some(cursor), key, k.shift),
                    KeyResult::Ignored,
                    "{key} in {:?}",
                    k.label
                );
            }
        }
        // The overlay's rows stay distinct from the page's shortcuts.
        let page: Vec<String> = SHORTCUTS.iter().map(Shortcut::keys_label).collect();
        assert!(CHART_KEYS.iter().all(|k| !page.contains(&k.label.to_string())));
    }
}
