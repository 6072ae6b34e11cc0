//! Fuzz target: see `shelf_fuzz::signature_headers` for the properties checked.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| shelf_fuzz::signature_headers::check(data));
