//! Fuzz target: see `shelf_fuzz::name_version` for the properties checked.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| shelf_fuzz::name_version::check(data));
