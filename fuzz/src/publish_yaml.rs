//! `publish.yaml` (`manifest::parse`): what the author writes, checked before a publish.
//!
//! The input is the file's bytes.

use serde_json::Map;
use shelf::serverless::{
    package::{Manifest, PackageName, Version, manifest},
    record::{IndexLine, LINE_FORMAT, PackageRecord},
};

use crate::index_line::check_round_trip;

/// Checks every property below on `data`; panics when one fails.
pub fn check(data: &[u8]) {
    let Ok(manifest) = manifest::parse(data) else {
        return;
    };
    // The checked fields hold values their own parsers accept again unchanged.
    assert_eq!(
        PackageName::parse(manifest.name.as_str()).as_ref(),
        Ok(&manifest.name)
    );
    assert_eq!(
        Version::parse(&manifest.version.to_string()).as_ref(),
        Ok(&manifest.version)
    );
    // A manifest that publish accepts becomes an index line; that line must be written and
    // read back unchanged, or a later yank would rewrite the package's metadata.
    check_round_trip(&PackageRecord {
        lines: vec![line_for(&manifest)],
    });
}

/// The index line a publish of `manifest` writes (registry::publish, without the release's
/// overrides).
fn line_for(manifest: &Manifest) -> IndexLine {
    IndexLine {
        v: LINE_FORMAT,
        name: manifest.name.as_str().to_owned(),
        version: manifest.version.to_string(),
        kind: manifest.kind.as_str().to_owned(),
        description: manifest.description.clone(),
        home: manifest.home.clone(),
        provider: manifest.provider.clone(),
        tags: manifest.tags.clone(),
        category: manifest.category.clone(),
        edition: manifest.edition.clone(),
        sha256: "0".repeat(64),
        size: 0,
        created_at: "2026-11-23T00:00:00Z".to_owned(),
        body: String::new(),
        readme: String::new(),
        readme_truncated: false,
        service: manifest.service.clone(),
        commands: manifest.commands.clone(),
        properties: manifest.properties.clone(),
        parameters: manifest.parameters.clone(),
        dependencies: manifest.dependencies.clone(),
        yanked: false,
        publisher: "fuzz".to_owned(),
        deleted_at: None,
        extra: Map::new(),
    }
}
