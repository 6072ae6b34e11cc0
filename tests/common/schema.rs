//! Validation of documents against the published JSON Schemas in `index/schema/`.
//!
//! The schemas are the specification other implementations read, so tests check what Shelf
//! writes against them rather than against Rust types. Every schema file is self-contained
//! (shared definitions are inlined under `$defs`), so nothing is resolved over the network or
//! from disk beyond the one file: `jsonschema` is built without its resolving features.

// Each test binary that includes this module uses its own subset of the helpers.
#![allow(dead_code, reason = "not every test binary uses every helper")]

use std::path::PathBuf;

use serde_json::Value;

/// The path of the schema file named `schema` (`release` → `index/schema/release.schema.json`).
pub fn schema_path(schema: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("index/schema")
        .join(format!("{schema}.schema.json"))
}

/// Loads and parses the schema file named `schema`. Panics when it is missing or not JSON.
pub fn load(schema: &str) -> Value {
    let path = schema_path(schema);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read schema {}: {e}", path.display()));
    serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("schema {} is not JSON: {e}", path.display()))
}

/// Every way `doc` breaks the schema named `schema`, one line each (`/json/pointer: message`);
/// empty when it conforms. Panics when the schema itself does not compile.
pub fn errors(schema: &str, doc: &Value) -> Vec<String> {
    let compiled = load(schema);
    let validator = jsonschema::draft202012::new(&compiled)
        .unwrap_or_else(|e| panic!("schema {schema} does not compile: {e}"));
    validator
        .iter_errors(doc)
        .map(|e| {
            let at = e.instance_path().to_string();
            let at = if at.is_empty() { "/".to_owned() } else { at };
            format!("{at}: {e} (schema {})", e.schema_path())
        })
        .collect()
}

/// Panics, listing every validation error, unless `doc` conforms to `index/schema/{schema}.schema.json`.
pub fn validate(schema: &str, doc: &Value) {
    let errors = errors(schema, doc);
    assert!(
        errors.is_empty(),
        "document does not conform to {schema}.schema.json ({} errors):\n  {}\ndocument: {}",
        errors.len(),
        errors.join("\n  "),
        serde_json::to_string_pretty(doc).unwrap_or_default(),
    );
}
