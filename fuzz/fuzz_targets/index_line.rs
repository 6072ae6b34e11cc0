//! Fuzz target: see `shelf_fuzz::index_line` for the properties checked.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| shelf_fuzz::index_line::check(data));
