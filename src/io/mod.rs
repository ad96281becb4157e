//! The browser edge: executes what `core` describes (fetch, history, clipboard, clock,
//! canvas). No business logic lives here.
