//! Incident notes: plain-text remarks pinned to an instant ("rolled back 4.2.1 at 03:12"),
//! kept in the spec so they travel in share links, drawn as markers on every chart and
//! listed under the banner. Pure: the caller passes the instant and the text.

use crate::core::spec::{Dashboard, Note, MAX_NOTES, MAX_NOTE_CHARS};
use crate::core::time::{format_rfc3339_utc, parse_rfc3339};
use thiserror::Error;

/// Why a note could not be added.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum NoteError {
    #[error("the note is empty; type what happened")]
    Empty,
    #[error("the note is {len} characters long; notes hold at most {MAX_NOTE_CHARS}")]
    TooLong { len: usize },
    #[error("this dashboard already has {MAX_NOTES} notes; remove one first")]
    TooMany,
    #[error("the note's time could not be read ({0}); write it like 2026-11-23T03:12:00Z")]
    BadTime(String),
}

/// Adds a note at `at_ms`, keeping the notes in time order. The text is trimmed; an author
/// that is blank is left out.
pub fn add_note(d: &mut Dashboard, at_ms: i64, text: &str, author: Option<&str>) -> Result<(), NoteError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(NoteError::Empty);
    }
    let len = text.chars().count();
    if len > MAX_NOTE_CHARS {
        return Err(NoteError::TooLong { len });
    }
    if d.notes.len() >= MAX_NOTES {
        return Err(NoteError::TooMany);
    }
    let author = author.map(str::trim).filter(|a| !a.is_empty()).map(|a| a.chars().take(60).collect());
    let at = d.notes.partition_point(|n| n.at_ms <= at_ms);
    d.notes.insert(
        at,
        Note {
            at_ms,
            text: text.to_string(),
            author,
        },
    );
    Ok(())
}

/// Removes the note at `index`; an index past the end changes nothing.
pub fn remove_note(d: &mut Dashboard, index: usize) {
    if index < d.notes.len() {
        d.notes.remove(index);
    }
}

/// Reads the time typed for a note (RFC 3339, as the form pre-fills it).
pub fn parse_note_time(text: &str) -> Result<i64, NoteError> {
    parse_rfc3339(text.trim()).map_err(|e| NoteError::BadTime(e.to_string()))
}

/// The notes inside `from_ms..=to_ms` with their index in the dashboard's list.
pub fn notes_in(notes: &[Note], from_ms: i64, to_ms: i64) -> Vec<(usize, &Note)> {
    notes.iter().enumerate().filter(|(_, n)| n.at_ms >= from_ms && n.at_ms <= to_ms).collect()
}

/// A note as one line of text: `2026-11-23T03:12:00Z rolled back 4.2.1 (ana)`.
pub fn note_line(note: &Note) -> String {
    match &note.author {
        Some(a) => format!("{} {} ({a})", format_rfc3339_utc(note.at_ms), note.text),
        None => format!("{} {}", format_rfc3339_utc(note.at_ms), note.text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::dashboards::shop_overview;

    #[test]
    fn notes_stay_in_time_order_and_are_trimmed() {
        let mut d = shop_overview();
        add_note(&mut d, 300, " second ", Some(" ana ")).unwrap();
        add_note(&mut d, 100, "first", Some("  ")).unwrap();
        add_note(&mut d, 300, "third, same instant", None).unwrap();
        let texts: Vec<&str> = d.notes.iter().map(|n| n.text.as_str()).collect();
        assert_eq!(texts, vec!["first", "second", "third, same instant"]);
        assert_eq!(d.notes[1].author.as_deref(), Some("ana"));
        assert_eq!(d.notes[0].author, None);
        remove_note(&mut d, 0);
        remove_note(&mut d, 99);
        assert_eq!(d.notes.len(), 2);
    }

    #[test]
    fn bad_notes_are_refused_in_words() {
        let mut d = shop_overview();
        assert_eq!(add_note(&mut d, 0, "   ", None), Err(NoteError::Empty));
        let long = "x".repeat(MAX_NOTE_CHARS + 1);
        assert_eq!(add_note(&mut d, 0, &long, None), Err(NoteError::TooLong { len: MAX_NOTE_CHARS + 1 }));
        for i in 0..MAX_NOTES {
            add_note(&mut d, i as i64, "n", None).unwrap();
        }
        assert_eq!(add_note(&mut d, 0, "one more", None), Err(NoteError::TooMany));
        assert!(matches!(parse_note_time("yesterday"), Err(NoteError::BadTime(_))));
        assert_eq!(parse_note_time(" 1970-01-01T00:01:00Z "), Ok(60_000));
    }

    #[test]
    fn only_notes_inside_the_window_get_markers() {
        let mut d = shop_overview();
        for at in [10, 20, 30] {
            add_note(&mut d, at, "n", None).unwrap();
        }
        let inside: Vec<usize> = notes_in(&d.notes, 15, 30).into_iter().map(|(i, _)| i).collect();
        assert_eq!(inside, vec![1, 2]);
        assert_eq!(
            note_line(&Note {
                at_ms: 0,
                text: "<b>x</b>".into(),
                author: Some("bo".into())
            }),
            "1970-01-01T00:00:00Z <b>x</b> (bo)"
        );
    }

    #[test]
    fn notes_travel_in_the_share_link() {
        let mut d = shop_overview();
        add_note(&mut d, 1_763_880_000_000, "rolled back 4.2.1 <script>", Some("ana")).unwrap();
        add_note(&mut d, 1_763_880_600_000, "error rate back to normal", None).unwrap();
        let out = crate::core::link::decode_fragment(&crate::core::link::encode_share(&d));
        assert!(out.warnings.is_empty(), "{:?}", out.warnings);
        assert_eq!(out.dashboard.unwrap().notes, d.notes);
    }
}
