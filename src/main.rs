//! Entry point: starts the datasource file's request, then installs the panic hook and
//! mounts the app; nothing else lives here.

#[cfg(target_arch = "wasm32")]
fn main() {
    // `datasources.json` is asked for before the first mount, so it is not waiting behind it.
    napkin::io::config::request_early();
    napkin::ui::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("Napkin is a browser app: run `./napkin serve` and open http://127.0.0.1:8080");
}
