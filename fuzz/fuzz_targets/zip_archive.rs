//! Fuzz target: see `shelf_fuzz::zip_archive` for the properties checked.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| shelf_fuzz::zip_archive::check(data));
