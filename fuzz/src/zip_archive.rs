//! The zip validator (`serverless::package::archive::inspect`): what a package zip must satisfy.
//!
//! The input is the zip's bytes. It is checked under small limits, so the fuzzer reaches
//! every limit with small inputs; whatever is accepted is then re-read independently, with
//! the zip crate and by walking the local headers the way a streaming extractor does, and
//! must be safe to unpack for both.

use std::{
    collections::HashSet,
    io::{Cursor, Read},
};

use shelf::serverless::{
    package::{
        Version,
        archive::{Inspected, Limits, inspect},
        manifest,
    },
    record::README_CAP,
};
use zip::{CompressionMethod, ZipArchive};

/// The limits of the check: small enough that inputs of a few kilobytes reach each of them.
#[must_use]
pub fn limits() -> Limits {
    Limits {
        max_zip_bytes: 1 << 20,
        max_entries: 16,
        max_uncompressed_bytes: 64 << 10,
        max_ratio: 100,
        max_manifest_bytes: 4 << 10,
    }
}

/// Checks every property below on `data`; panics when one fails.
pub fn check(data: &[u8]) {
    let limits = limits();
    let Ok(inspected) = inspect(Cursor::new(data), &limits) else {
        return;
    };
    check_accepted(data, &inspected, &limits);
    // Looser limits refuse nothing that tighter ones accept.
    let loose = inspect(Cursor::new(data), &Limits::default())
        .unwrap_or_else(|e| panic!("accepted under small limits, refused under defaults: {e}"));
    assert_eq!(loose.manifest, inspected.manifest);
}

/// An accepted zip's entries are plain files and folders inside the unpack folder, within
/// the limits, with sizes that hold, and a manifest that parses on its own.
pub fn check_accepted(data: &[u8], inspected: &Inspected, limits: &Limits) {
    let mut archive = ZipArchive::new(Cursor::new(data))
        .unwrap_or_else(|e| panic!("accepted zip does not open: {e}"));
    assert_eq!(archive.offset(), 0, "data before the archive");
    assert_eq!(archive.len(), inspected.entries);
    assert!(archive.len() <= limits.max_entries);

    let mut paths = HashSet::new();
    let mut total: u64 = 0;
    let mut names = Vec::new();
    for index in 0..archive.len() {
        let mut file = archive
            .by_index(index)
            .unwrap_or_else(|e| panic!("entry {index} of an accepted zip: {e}"));
        let raw = file.name_raw().to_vec();
        let name = check_path(&raw);
        assert!(
            file.enclosed_name().is_some(),
            "{name:?}: the zip crate would not unpack it inside the folder"
        );
        assert!(!file.is_symlink(), "{name:?} is a symlink to the zip crate");
        let kind = (file.external_attributes() >> 16) & 0o170_000;
        assert!(
            matches!(kind, 0 | 0o100_000 | 0o040_000),
            "{name:?} has Unix file type {kind:o}"
        );
        assert!(!file.encrypted(), "{name:?} is encrypted");
        assert!(
            matches!(
                file.compression(),
                CompressionMethod::Stored | CompressionMethod::Deflated
            ),
            "{name:?}: {:?}",
            file.compression()
        );
        assert!(
            paths.insert(name.trim_end_matches('/').to_owned()),
            "{name:?} appears twice"
        );
        let declared = file.size();
        let mut content = Vec::new();
        file.read_to_end(&mut content)
            .unwrap_or_else(|e| panic!("{name:?} of an accepted zip does not inflate: {e}"));
        assert_eq!(content.len() as u64, declared, "{name:?} size lies");
        total += declared;
        names.push(raw);
    }
    assert_eq!(total, inspected.uncompressed_bytes);
    assert!(total <= limits.max_uncompressed_bytes);
    check_local_headers(data, &names);

    assert!(inspected.readme.len() <= README_CAP);
    let manifest = &inspected.manifest;
    assert_eq!(
        Version::parse(&manifest.version.to_string()).as_ref(),
        Ok(&manifest.version)
    );
    // At the root, else in the single top-level folder (the first entry's).
    let yaml_name = if names.iter().any(|n| n.as_slice() == b"publish.yaml") {
        "publish.yaml".to_owned()
    } else {
        let first = String::from_utf8_lossy(&names[0]).into_owned();
        let folder = first.split('/').next().unwrap_or_default();
        format!("{folder}/publish.yaml")
    };
    let mut yaml = Vec::new();
    archive
        .by_name(&yaml_name)
        .and_then(|mut f| Ok(f.read_to_end(&mut yaml)?))
        .expect("publish.yaml reads");
    assert!(yaml.len() as u64 <= limits.max_manifest_bytes);
    assert_eq!(
        manifest::parse(&yaml).ok().as_ref(),
        Some(manifest),
        "publish.yaml parsed differently on its own"
    );
}

/// A name every extractor unpacks inside the target folder, with one spelling per path.
fn check_path(raw: &[u8]) -> String {
    let name = std::str::from_utf8(raw)
        .unwrap_or_else(|_| panic!("name {raw:?} is not UTF-8"))
        .to_owned();
    assert!(!name.contains('\0'), "{name:?} holds a NUL");
    assert!(!name.contains('\\'), "{name:?} holds a backslash");
    assert!(!name.starts_with('/'), "{name:?} is absolute");
    assert!(
        !(name.len() >= 2 && name.as_bytes()[1] == b':'),
        "{name:?} names a drive"
    );
    let path = name.strip_suffix('/').unwrap_or(&name);
    for part in path.split('/') {
        assert!(
            !part.is_empty() && part != "." && part != "..",
            "{name:?} has a {part:?} component"
        );
    }
    name
}

/// Walks the local headers from the start of the file, as a streaming extractor that never
/// reads the central directory does, and requires every name it meets to be one the central
/// directory lists (and so one that was checked).
fn check_local_headers(data: &[u8], names: &[Vec<u8>]) {
    let mut position = 0usize;
    while data.get(position..position + 4) == Some(b"PK\x03\x04") {
        let Some(fixed) = data.get(position..position + 30) else {
            panic!("truncated local header at {position}");
        };
        let u16_at = |at: usize| usize::from(u16::from_le_bytes([fixed[at], fixed[at + 1]]));
        let flags = u16_at(6);
        let compressed = u32::from_le_bytes([fixed[18], fixed[19], fixed[20], fixed[21]]);
        let (name_len, extra_len) = (u16_at(26), u16_at(28));
        let start = position + 30;
        let Some(name) = data.get(start..start + name_len) else {
            panic!("local header at {position} names past the end of the file");
        };
        assert!(
            names.iter().any(|n| n.as_slice() == name),
            "a streaming reader meets {:?}, which the central directory does not list",
            String::from_utf8_lossy(name)
        );
        // Sizes after the data (bit 3) or in a zip64 field: a streaming reader must inflate
        // to find the next header; stop walking rather than imitate that.
        if flags & 8 != 0 || compressed == u32::MAX {
            return;
        }
        position = start + name_len + extra_len + compressed as usize;
    }
}
