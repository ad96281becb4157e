//! The complete example in `docs/dashboard-spec.md` must decode without a single warning,
//! so that people who write dashboards by hand can trust the reference.

use napkin::core::spec::{decode_dashboard_str, PanelDef};

fn complete_example() -> String {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/dashboard-spec.md")).unwrap();
    let section = doc.split("## A complete example").nth(1).expect("the doc has a complete example");
    let start = section.find("```json").expect("a json block") + "```json".len();
    let end = start + section[start..].find("```").expect("the block ends");
    section[start..end].to_string()
}

#[test]
fn the_documented_example_decodes_cleanly() {
    let (dashboard, warnings) = decode_dashboard_str(&complete_example()).unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(dashboard.title, "Checkout health");
    assert_eq!(dashboard.panels.len(), 3);
    assert!(matches!(dashboard.panels[1].def, PanelDef::Kpi(_)));
    assert!(matches!(dashboard.panels[2].def, PanelDef::Timeseries(_)));
    assert_eq!(dashboard.layout.len(), 3);
}

#[test]
fn a_broken_example_would_be_caught() {
    let broken = complete_example().replace("\"kind\": \"timeseries\"", "\"kind\": \"pie\"");
    let (dashboard, warnings) = decode_dashboard_str(&broken).unwrap();
    assert_eq!(dashboard.panels.len(), 2);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
}
