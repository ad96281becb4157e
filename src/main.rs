//! Entry point: starts the datasource file's request, then installs the panic hook and
//! mounts the app in a task of its own; nothing else lives here.

#[cfg(target_arch = "wasm32")]
fn main() {
    // `datasources.json` is asked for before the first mount, so it is not waiting behind it.
    napkin::io::config::request_early();
    // The mount runs in the next task rather than in the one that instantiated the wasm:
    // two shorter main-thread tasks instead of one long one (B4's start task), and the
    // browser may handle input or network events between them.
    leptos::prelude::set_timeout(napkin::ui::start, std::time::Duration::ZERO);
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("Napkin is a browser app: run `./napkin serve` and open http://127.0.0.1:8080");
}
