//! Leptos components. They wire `core` values to the DOM and hold no business logic.

use leptos::prelude::*;

/// Installs the panic hook and mounts the app on `<body>`.
pub fn start() {
    leptos::mount::mount_to_body(|| view! { <main class="nk-app">"Napkin"</main> });
}
