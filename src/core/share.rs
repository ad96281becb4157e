//! What Share puts in a link: by default the dashboard frozen at its current absolute range
//! with an "as of" stamp (so a pasted link never drifts), or with "keep live" the relative
//! range. Incident notes travel with the spec; a frozen window is stretched to the latest
//! note made before the click, so a note pinned "now" is never cut off. Pure: the caller
//! passes the range anchor and the click instant.

use crate::core::spec::{Dashboard, TimeSpec};
use crate::core::time::TimeRange;

/// The dashboard as it should travel in a share link.
pub fn shared_dashboard(dashboard: &Dashboard, anchor_ms: i64, shared_at_ms: i64, keep_live: bool) -> Dashboard {
    let mut d = dashboard.clone();
    let range = TimeRange::resolve(d.time, anchor_ms);
    if !keep_live {
        let latest_note = d.notes.iter().map(|n| n.at_ms).filter(|at| *at <= shared_at_ms).max();
        let to_ms = match (d.time, latest_note) {
            (TimeSpec::Relative { .. }, Some(at)) => range.to_ms().max(at.saturating_add(1)),
            _ => range.to_ms(),
        };
        d.time = TimeSpec::Absolute { from_ms: range.from_ms(), to_ms };
        d.as_of_ms = Some(d.as_of_ms.unwrap_or(shared_at_ms));
    } else if let TimeSpec::Absolute { .. } = d.time {
        d.time = TimeSpec::Relative { last_s: (range.duration_ms() / 1000).max(60) as u64 };
        d.as_of_ms = None;
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::dashboards::shop_overview;
    use crate::core::spec::Note;

    #[test]
    fn share_freezes_the_current_window_by_default() {
        let d = shared_dashboard(&shop_overview(), 10_000_000, 10_000_500, false);
        assert_eq!(d.time, TimeSpec::Absolute { from_ms: 10_000_000 - 3_600_000, to_ms: 10_000_000 });
        assert_eq!(d.as_of_ms, Some(10_000_500));
    }

    #[test]
    fn keep_live_shares_the_relative_range() {
        let live = shared_dashboard(&shop_overview(), 10_000_000, 10_000_500, true);
        assert_eq!(live.time, TimeSpec::Relative { last_s: 3600 });
        assert_eq!(live.as_of_ms, None);
        let mut frozen = shop_overview();
        frozen.time = TimeSpec::Absolute { from_ms: 0, to_ms: 7_200_000 };
        frozen.as_of_ms = Some(7_200_000);
        let back = shared_dashboard(&frozen, 99, 100, true);
        assert_eq!(back.time, TimeSpec::Relative { last_s: 7200 });
        assert_eq!(back.as_of_ms, None);
    }

    #[test]
    fn a_note_made_after_the_last_refresh_stays_inside_the_frozen_window() {
        let mut d = shop_overview();
        d.notes = vec![
            Note { at_ms: 10_000_300, text: "rolled back".into(), author: None },
            Note { at_ms: 99_000_000, text: "a typo far in the future".into(), author: None },
        ];
        let shared = shared_dashboard(&d, 10_000_000, 10_000_500, false);
        assert_eq!(shared.time, TimeSpec::Absolute { from_ms: 10_000_000 - 3_600_000, to_ms: 10_000_301 });
        assert_eq!(shared.notes, d.notes, "notes travel in the link");
    }

    #[test]
    fn incident_board_link_with_two_notes_is_measured() {
        use crate::core::templates::{build, Template, TemplateSources};
        let mut d = build(Template::IncidentBoard, "checkout", &TemplateSources::demo());
        let (from, to) = (1_763_880_000_000, 1_763_883_600_000);
        d.notes = vec![
            Note { at_ms: from + 1_200_000, text: "checkout 5xx alert fired; rolling back 4.2.1".into(), author: Some("ana".into()) },
            Note { at_ms: from + 2_400_000, text: "rollback done, error rate back under 1 %".into(), author: None },
        ];
        let shared = shared_dashboard(&d, to, to + 5_000, false);
        let fragment = crate::core::link::encode_share(&shared);
        let without = crate::core::link::encode_share(&Dashboard { notes: Vec::new(), ..shared.clone() });
        println!(
            "Incident board share fragment (frozen, two notes): {} characters (#{}); without the notes {}",
            fragment.len() + 1,
            &fragment[..12],
            without.len() + 1
        );
        assert!(fragment.len() < 2_000, "fits chat tools: {}", fragment.len());
        let back = crate::core::link::decode_fragment(&fragment).dashboard.unwrap();
        assert_eq!(back.notes, shared.notes);
    }

    #[test]
    fn an_already_frozen_dashboard_keeps_its_stamp() {
        let mut frozen = shop_overview();
        frozen.time = TimeSpec::Absolute { from_ms: 0, to_ms: 60_000 };
        frozen.as_of_ms = Some(42);
        let d = shared_dashboard(&frozen, 999_999, 1_000_000, false);
        assert_eq!(d.time, frozen.time);
        assert_eq!(d.as_of_ms, Some(42));
    }
}
