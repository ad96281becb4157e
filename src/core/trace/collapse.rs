//! Which subtrees of the waterfall are collapsed, in a form small enough for a share link:
//! an optional depth rule ("every span with children at depth N or deeper is collapsed")
//! plus explicit exceptions both ways (ids collapsed above the depth, ids expanded at or
//! below it). "Collapse all" is depth 0 with no ids, whatever the trace's size; links that
//! hold only an explicit id list (the first link form) mean exactly what they meant.
//!
//! This module must never build a set of every collapsed span: the rule is evaluated per row.

use crate::core::trace::id::SpanId;
use std::collections::HashSet;

/// The collapse state of one waterfall.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Collapse {
    /// Spans with children at this depth or deeper are collapsed (0 collapses everything).
    pub depth: Option<u32>,
    /// Spans collapsed besides the depth rule.
    pub collapsed: HashSet<SpanId>,
    /// Spans the depth rule would collapse but that are expanded.
    pub expanded: HashSet<SpanId>,
}

impl Collapse {
    /// The state from a spec's fields; ids that do not parse are dropped.
    pub fn from_lists(depth: Option<u32>, collapsed: &[String], expanded: &[String]) -> Self {
        let ids = |list: &[String]| {
            list.iter()
                .filter_map(|h| SpanId::parse(h).ok())
                .collect::<HashSet<_>>()
        };
        let collapsed = ids(collapsed);
        let expanded = if depth.is_some() {
            ids(expanded)
        } else {
            HashSet::new()
        };
        Collapse {
            depth,
            collapsed,
            expanded,
        }
    }

    /// The spec's fields: `(depth, collapsed ids, expanded ids)`, ids sorted in hex.
    pub fn to_lists(&self) -> (Option<u32>, Vec<String>, Vec<String>) {
        let hex = |set: &HashSet<SpanId>| {
            let mut v: Vec<SpanId> = set.iter().copied().collect();
            v.sort();
            v.iter().map(SpanId::to_hex).collect::<Vec<_>>()
        };
        (self.depth, hex(&self.collapsed), hex(&self.expanded))
    }

    /// True when nothing is collapsed.
    pub fn is_empty(&self) -> bool {
        self.depth.is_none() && self.collapsed.is_empty()
    }

    /// Whether a span with children at `depth` shows them hidden.
    pub fn is_collapsed(&self, id: &SpanId, depth: u32) -> bool {
        match self.depth {
            Some(d) if depth >= d => !self.expanded.contains(id),
            _ => !self.collapsed.is_empty() && self.collapsed.contains(id),
        }
    }

    /// Flips one span (at `depth`) between collapsed and expanded, keeping the lists minimal.
    pub fn toggle(&mut self, id: SpanId, depth: u32) {
        let by_rule = self.depth.is_some_and(|d| depth >= d);
        if by_rule {
            if !self.expanded.remove(&id) {
                self.expanded.insert(id);
            }
        } else if !self.collapsed.remove(&id) {
            self.collapsed.insert(id);
        }
    }

    /// Every span with children collapsed.
    pub fn all() -> Self {
        Self::to_depth(0)
    }

    /// Depths `0..depth` open, everything deeper collapsed (as the "expand to depth" control).
    pub fn to_depth(depth: u32) -> Self {
        Collapse {
            depth: Some(depth),
            ..Collapse::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::link::{decode_fragment, encode_share};
    use crate::core::spec::{decode_dashboard_str, PanelDef};

    /// A link of the first form (an explicit `collapsed` id list), written once and stored in
    /// `tests/fixtures/links/`: it must keep opening with the same spans collapsed.
    const OLD_LINK: &str = "v1-waterfall-collapsed.txt";
    const OLD_SPEC: &str = r#"{"version":1,"title":"old waterfall link","time":{"kind":"relative","spec":{"last_s":3600}},
        "panels":[{"id":"w","title":"Trace","datasource":"zipkin","kind":"waterfall",
          "spec":{"trace_id":"8ce82b2e9ed820ba","collapsed":["54456c991996a6c7","b69b3db88ffa3212"],"selected":"54456c991996a6c7"}}],
        "layout":[{"panel":"w","x":0,"y":0,"w":12,"h":10}]}"#;

    fn old_link() -> String {
        let path = format!(
            "{}/tests/fixtures/links/{OLD_LINK}",
            env!("CARGO_MANIFEST_DIR")
        );
        if std::env::var_os("NAPKIN_WRITE_LINK_FIXTURES").is_some()
            && !std::path::Path::new(&path).exists()
        {
            let (d, _) = decode_dashboard_str(OLD_SPEC).unwrap();
            std::fs::write(&path, format!("{}\n", encode_share(&d))).unwrap();
        }
        std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{path}: {e}"))
            .trim()
            .to_string()
    }

    fn id(hex: &str) -> SpanId {
        SpanId::parse(hex).unwrap()
    }

    #[test]
    fn a_stored_link_with_an_explicit_id_list_keeps_its_collapsed_spans() {
        let out = decode_fragment(&old_link());
        assert_eq!((out.error, out.warnings), (None, vec![]));
        let d = out.dashboard.unwrap();
        let PanelDef::Waterfall(spec) = &d.panels[0].def else {
            panic!("a waterfall panel")
        };
        assert_eq!((spec.collapse_depth, spec.expanded.len()), (None, 0));
        let c = Collapse::from_lists(spec.collapse_depth, &spec.collapsed, &spec.expanded);
        for depth in [0, 1, 7] {
            assert!(
                c.is_collapsed(&id("b69b3db88ffa3212"), depth)
                    && c.is_collapsed(&id("54456c991996a6c7"), depth)
            );
            assert!(!c.is_collapsed(&id("8ce82b2e9ed820ba"), depth));
        }
        // Re-encoding keeps the old form: nothing new appears in the spec.
        assert_eq!(
            c.to_lists(),
            (
                None,
                vec![
                    "54456c991996a6c7".to_string(),
                    "b69b3db88ffa3212".to_string()
                ],
                vec![]
            )
        );
    }

    #[test]
    fn collapse_all_is_a_constant_size_link() {
        let (mut d, _) = decode_dashboard_str(OLD_SPEC).unwrap();
        let (depth, collapsed, expanded) = Collapse::all().to_lists();
        if let PanelDef::Waterfall(spec) = &mut d.panels[0].def {
            (spec.collapse_depth, spec.collapsed, spec.expanded) = (depth, collapsed, expanded);
        }
        let link = encode_share(&d);
        assert!(link.len() < 400, "{} characters", link.len());
        let back = decode_fragment(&link).dashboard.unwrap();
        let PanelDef::Waterfall(spec) = &back.panels[0].def else {
            panic!("a waterfall panel")
        };
        assert_eq!(
            Collapse::from_lists(spec.collapse_depth, &spec.collapsed, &spec.expanded),
            Collapse::all()
        );
    }

    #[test]
    fn toggles_keep_the_lists_minimal() {
        let (a, b) = (id("a1"), id("b2"));
        let mut c = Collapse::default();
        c.toggle(a, 3);
        assert!(c.is_collapsed(&a, 3) && !c.is_empty());
        c.toggle(a, 3);
        assert_eq!(c, Collapse::default());
        let mut c = Collapse::to_depth(2);
        assert!(!c.is_collapsed(&a, 1) && c.is_collapsed(&a, 2) && c.is_collapsed(&b, 9));
        c.toggle(b, 4);
        assert!(!c.is_collapsed(&b, 4));
        assert_eq!(
            c.to_lists(),
            (Some(2), vec![], vec!["00000000000000b2".to_string()])
        );
        // Expanded ids only mean something under a depth rule.
        assert!(Collapse::from_lists(None, &[], &["b2".into()]).is_empty());
        assert_eq!(
            Collapse::from_lists(Some(1), &["zz".into()], &[])
                .collapsed
                .len(),
            0
        );
    }
}
