//! [`Name`]: a shared, immutable piece of span text (a span's name, service or scope). A
//! trace of 100,000 spans usually holds a few dozen distinct names, so decoders hand out
//! clones of one [`Name`] per distinct text (see [`Interner`]) instead of one new string per
//! span. A `Name` reads like a `&str` (it dereferences to one and compares with strings).
//!
//! This module must never grow without bound: the interner stops remembering new texts
//! after [`Interner::LIMIT`] of them, and then simply makes a fresh `Name` each time.

use serde::{Serialize, Serializer};
use std::collections::HashMap;
use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

/// Shared span text; cloning it is a reference count increment.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Name(Option<Arc<str>>);

impl Name {
    /// A name holding `text` (the empty text allocates nothing).
    pub fn new(text: &str) -> Self {
        if text.is_empty() {
            Name(None)
        } else {
            Name(Some(Arc::from(text)))
        }
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        self.0.as_deref().unwrap_or("")
    }
}

impl Deref for Name {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl std::hash::Hash for Name {
    /// Hashes as the text does, so sets of names can be searched with a `&str`.
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl AsRef<str> for Name {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl std::borrow::Borrow<str> for Name {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl fmt::Debug for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<&str> for Name {
    fn from(text: &str) -> Self {
        Name::new(text)
    }
}

impl From<String> for Name {
    fn from(text: String) -> Self {
        Name::new(&text)
    }
}

impl From<&String> for Name {
    fn from(text: &String) -> Self {
        Name::new(text)
    }
}

impl From<Name> for String {
    fn from(name: Name) -> Self {
        name.as_str().to_string()
    }
}

impl PartialEq<str> for Name {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Name {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for Name {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<Name> for str {
    fn eq(&self, other: &Name) -> bool {
        self == other.as_str()
    }
}

impl PartialEq<Name> for &str {
    fn eq(&self, other: &Name) -> bool {
        *self == other.as_str()
    }
}

impl PartialEq<Name> for String {
    fn eq(&self, other: &Name) -> bool {
        self == other.as_str()
    }
}

impl Serialize for Name {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// Hands out one shared [`Name`] per distinct text while decoding one body.
#[derive(Default)]
pub struct Interner {
    names: HashMap<Box<str>, Name>,
}

impl Interner {
    /// Distinct texts remembered at most; later new texts get a fresh `Name` each.
    pub const LIMIT: usize = 4096;

    /// The shared name for `text`.
    pub fn get(&mut self, text: &str) -> Name {
        if text.is_empty() {
            return Name::default();
        }
        if let Some(name) = self.names.get(text) {
            return name.clone();
        }
        let name = Name::new(text);
        if self.names.len() < Self::LIMIT {
            self.names.insert(text.into(), name.clone());
        }
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_and_compare_like_strings() {
        let n = Name::from("checkout");
        assert_eq!(n, "checkout");
        assert_eq!("checkout", n);
        assert_eq!(n, "checkout".to_string());
        assert!(n != "cart" && !n.is_empty());
        assert_eq!(n.len(), 8);
        assert_eq!(format!("{n} {n:?}"), "checkout \"checkout\"");
        assert_eq!(serde_json::to_string(&n).unwrap(), "\"checkout\"");
        assert_eq!(String::from(n), "checkout");
        assert!(Name::default().is_empty() && Name::new("") == Name::default());
        assert!(Name::from("a") < Name::from("b"));
    }

    #[test]
    fn the_interner_shares_one_allocation_per_text_and_stays_bounded() {
        let mut i = Interner::default();
        let (a, b) = (i.get("op"), i.get("op"));
        assert!(matches!((&a.0, &b.0), (Some(x), Some(y)) if Arc::ptr_eq(x, y)));
        assert_eq!(i.get(""), Name::default());
        for k in 0..Interner::LIMIT + 10 {
            assert_eq!(i.get(&format!("n{k}")), format!("n{k}"));
        }
        assert_eq!(i.names.len(), Interner::LIMIT);
    }
}
