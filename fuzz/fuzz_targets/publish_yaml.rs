//! Fuzz target: see `shelf_fuzz::publish_yaml` for the properties checked.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| shelf_fuzz::publish_yaml::check(data));
