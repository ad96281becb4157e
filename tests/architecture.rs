//! Architecture rules, checked on the host with plain `cargo test`.
//!
//! `src/core` is the pure core: it must not name a browser crate (Leptos, web-sys, js-sys,
//! gloo, wasm-bindgen) and must not read a clock. Comments count too: a comment naming a
//! browser crate is usually the first step towards a `use`. Case-insensitive for Leptos
//! and gloo, exact for the crate paths `web_sys`, `js_sys`, `wasm_bindgen`.

use std::fs;
use std::path::{Path, PathBuf};

/// One forbidden pattern: what to look for and why it is forbidden.
struct Rule {
    needle: &'static str,
    case_insensitive: bool,
    why: &'static str,
}

const RULES: &[Rule] = &[
    Rule { needle: "leptos", case_insensitive: true, why: "browser UI crate" },
    Rule { needle: "gloo", case_insensitive: true, why: "browser crate" },
    Rule { needle: "web_sys", case_insensitive: false, why: "browser crate" },
    Rule { needle: "js_sys", case_insensitive: false, why: "browser crate" },
    Rule { needle: "wasm_bindgen", case_insensitive: false, why: "browser crate" },
    Rule { needle: "SystemTime", case_insensitive: false, why: "reads the clock; take the instant as an argument" },
    Rule { needle: "Instant::now", case_insensitive: false, why: "reads the clock; take the instant as an argument" },
    Rule { needle: "Utc::now", case_insensitive: false, why: "reads the clock; take the instant as an argument" },
    Rule { needle: "Local::now", case_insensitive: false, why: "reads the clock; take the instant as an argument" },
    Rule { needle: "Timestamp::now", case_insensitive: false, why: "reads the clock; take the instant as an argument" },
    Rule { needle: "Zoned::now", case_insensitive: false, why: "reads the clock; take the instant as an argument" },
    Rule { needle: "OffsetDateTime::now", case_insensitive: false, why: "reads the clock; take the instant as an argument" },
    Rule { needle: "Date::now", case_insensitive: false, why: "reads the clock; take the instant as an argument" },
];

/// A rule broken on one line.
#[derive(Debug, PartialEq)]
struct Violation {
    line: usize,
    needle: &'static str,
    why: &'static str,
    text: String,
}

/// Scans one file's text and returns every forbidden pattern, with 1-based line numbers.
fn scan(text: &str) -> Vec<Violation> {
    let mut found = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let lower = line.to_ascii_lowercase();
        for rule in RULES {
            let hit = if rule.case_insensitive {
                lower.contains(&rule.needle.to_ascii_lowercase())
            } else {
                line.contains(rule.needle)
            };
            if hit {
                found.push(Violation {
                    line: i + 1,
                    needle: rule.needle,
                    why: rule.why,
                    text: line.trim().to_string(),
                });
            }
        }
    }
    found
}

/// Every file under `dir`, recursively, sorted for stable messages.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries = fs::read_dir(&d).unwrap_or_else(|e| panic!("cannot read {}: {e}", d.display()));
        for entry in entries {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn core_names_no_browser_crate_and_reads_no_clock() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let core = root.join("src/core");
    let files = files_under(&core);
    assert!(
        files.iter().any(|f| f.extension().is_some_and(|e| e == "rs")),
        "no Rust files found under {}: the architecture check would be vacuous",
        core.display()
    );

    let mut report = Vec::new();
    for file in &files {
        let bytes = fs::read(file).unwrap_or_else(|e| panic!("cannot read {}: {e}", file.display()));
        let text = String::from_utf8_lossy(&bytes);
        let rel = file.strip_prefix(root).unwrap_or(file).display().to_string();
        for v in scan(&text) {
            report.push(format!("{rel}:{}: `{}` ({}): {}", v.line, v.needle, v.why, v.text));
        }
    }
    assert!(
        report.is_empty(),
        "src/core must stay pure (no browser crates, no clock); move this code to src/io or \
         src/ui, or pass the value in:\n  {}",
        report.join("\n  ")
    );
}

#[test]
fn scan_catches_every_forbidden_pattern() {
    let bad = "use std::fmt;\n\
               // Renders with Leptos\n\
               use web_sys::Window;\n\
               let t = std::time::SystemTime::now();\n\
               let i = std::time::Instant::now();\n\
               use GLOO_NET as g; use js_sys::Date; #[wasm_bindgen]\n";
    let hits: Vec<(usize, &str)> = scan(bad).iter().map(|v| (v.line, v.needle)).collect();
    assert_eq!(
        hits,
        vec![
            (2, "leptos"),
            (3, "web_sys"),
            (4, "SystemTime"),
            (5, "Instant::now"),
            (6, "gloo"),
            (6, "js_sys"),
            (6, "wasm_bindgen"),
        ]
    );
    let clock = scan("let now = js_sys::Date::now();");
    assert!(clock.iter().any(|v| v.needle == "Date::now") && clock.iter().any(|v| v.needle == "js_sys"));
}

#[test]
fn scan_accepts_pure_code() {
    let good = "//! Time ranges as values: the caller passes `now_ms`.\n\
                pub fn window(now_ms: i64, last_s: u64) -> (i64, i64) {\n\
                    (now_ms - last_s as i64 * 1000, now_ms)\n\
                }\n\
                // web-sys style names with a hyphen are prose, not paths: `Instant` alone is fine.\n";
    assert_eq!(scan(good), Vec::new());
}

#[test]
fn files_under_recurses() {
    let core = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/core");
    let files = files_under(&core);
    assert!(files.iter().any(|f| f.parent() != Some(core.as_path())), "expected nested modules under src/core");
}
