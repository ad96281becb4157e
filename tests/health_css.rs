//! The health grid's stylesheet repeats two things the core decides, so that a status flip
//! writes no class and no symbol text (issue #7, B6): each state's symbol (drawn by CSS from
//! the cell's `data-status`) and the colour properties the history strip's gradient names.
//! These tests hold the stylesheet to the core, so the two copies cannot drift apart.

use napkin::core::health::{strip_gradient, symbol, HealthState};

const STATES: [HealthState; 4] = [HealthState::Ok, HealthState::Warn, HealthState::Fail, HealthState::Unknown];

fn stylesheet() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/style/health.css")).expect("style/health.css")
}

#[test]
fn each_state_symbol_in_the_stylesheet_is_the_cores() {
    let css = stylesheet();
    for state in STATES {
        let rule = format!(
            ".nk-hg-cell[data-status=\"{}\"] .nk-status-symbol::before {{ content: \"{}\" / \"\"; }}",
            state.as_str(),
            symbol(state)
        );
        assert!(css.contains(&rule), "style/health.css lacks `{rule}`");
    }
}

#[test]
fn every_colour_the_strip_gradient_names_is_defined_on_the_strip() {
    let css = stylesheet();
    let strip_rule = css.split(".nk-hg-row, .nk-hg-strip {").nth(1).and_then(|r| r.split('}').next()).expect("a `.nk-hg-row, .nk-hg-strip` rule (rows carry their cells' common strip)");
    let mut strips: Vec<Vec<HealthState>> = STATES.iter().map(|s| vec![*s]).collect();
    strips.push(Vec::new());
    for strip in strips {
        let gradient = strip_gradient(&strip);
        for name in gradient.split("var(").skip(1).map(|v| v.split(')').next().unwrap_or("")) {
            assert!(strip_rule.contains(&format!("{name}:")), "`{name}` (from {gradient}) is not defined on .nk-hg-row and .nk-hg-strip");
        }
    }
}
