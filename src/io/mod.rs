//! The browser edge: executes what `core` describes (fetch, history, clipboard, clock,
//! canvas). No business logic lives here; every decision is a call into `core`.

pub mod bench;
pub mod clipboard;
pub mod clock;
pub mod config;
pub mod exemplars;
pub mod ds_status;
pub mod files;
pub mod health_poll;
pub mod http;
pub mod options;
pub mod plot;
pub mod plot_backend;
pub mod panic;
pub mod runner;
pub mod storage;
pub mod suggest;
pub mod traces;
pub mod url;
