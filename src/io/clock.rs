//! The clock and the viewer's time-zone offset, read from the browser's `Date`.

/// Now, epoch milliseconds UTC.
pub fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

/// The viewer's UTC offset in minutes at the given instant (east of UTC is positive).
pub fn local_offset_minutes(at_ms: i64) -> i32 {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(at_ms as f64));
    -(date.get_timezone_offset() as i32)
}
