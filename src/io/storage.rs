//! Local and session storage: small text values, with quota and privacy-mode failures
//! turned into messages instead of silent loss, and each tab's base revision of the
//! dashboard it edits (for `core::recent::decide_save`).

/// Which browser store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Store {
    /// Survives restarts; shared by every tab of this origin.
    Local,
    /// Survives reloads of this tab only.
    Session,
}

fn storage(store: Store) -> Option<web_sys::Storage> {
    let w = web_sys::window()?;
    match store {
        Store::Local => w.local_storage().ok().flatten(),
        Store::Session => w.session_storage().ok().flatten(),
    }
}

/// The stored text, if any.
pub fn get(store: Store, key: &str) -> Option<String> {
    storage(store)?.get_item(key).ok().flatten()
}

/// Stores text; says why when the browser refuses (quota, private mode).
pub fn set(store: Store, key: &str, value: &str) -> Result<(), String> {
    let s = storage(store).ok_or("This browser does not allow storing data for this page (private mode or disabled storage); export dashboards as files to keep them.")?;
    s.set_item(key, value).map_err(|e| {
        let name = js_sys::Reflect::get(&e, &"name".into()).ok().and_then(|n| n.as_string()).unwrap_or_default();
        if name == "SecurityError" {
            "This browser does not allow storing data for this page, so the latest change was not autosaved; it is still in this page's link. Export it as a file to keep it.".to_string()
        } else {
            "The browser's storage for this page is full, so the latest change was not autosaved; it is still in this page's link. Discard old dashboards from Recent, or export this one as a file.".to_string()
        }
    })
}

/// The Recent revision this tab's state of dashboard `key` is based on. Kept per tab in
/// session storage, so a reload keeps it while other tabs have their own.
pub fn base_revision(key: &str) -> Option<u64> {
    get(Store::Session, &format!("napkin.rev.{key}"))?.parse().ok()
}

/// Records the Recent revision this tab's state of dashboard `key` is based on.
pub fn set_base_revision(key: &str, revision: u64) {
    // Losing this only makes a later save ask instead of writing, so a failure is harmless.
    let _ = set(Store::Session, &format!("napkin.rev.{key}"), &revision.to_string());
}

/// A random key for a new dashboard identity.
pub fn random_key() -> String {
    let a = (js_sys::Math::random() * 1e12) as u64;
    let b = js_sys::Date::now() as u64;
    format!("{:x}{:x}", b, a)
}
