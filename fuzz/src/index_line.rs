//! Index package files (`PackageRecord::parse`, `to_text`): index/README.md 2.3 and 2.4.
//!
//! The input is the text of a package file, one JSON line per version.

use shelf::serverless::record::{IndexLine, LINE_FORMAT, PackageRecord};

/// Checks every property below on `data`; panics when one fails.
pub fn check(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(record) = PackageRecord::parse(text) else {
        return;
    };
    for line in &record.lines {
        assert!(
            line.v <= LINE_FORMAT,
            "a newer line was accepted: v {}",
            line.v
        );
    }
    check_round_trip(&record);
    check_queries(&record);
}

/// What is written is one compact line per version, and reads back as the same lines: a
/// rewrite (yank, delete) changes nothing it was not asked to, unknown fields included.
pub fn check_round_trip(record: &PackageRecord) {
    let written = record.to_text();
    assert_eq!(
        written.lines().count(),
        record.lines.len(),
        "not one line per version: {written:?}"
    );
    assert!(written.is_empty() || written.ends_with('\n'), "{written:?}");
    let again = PackageRecord::parse(&written)
        .unwrap_or_else(|e| panic!("written text does not parse: {e}\n{written}"));
    assert_eq!(again, *record, "read back differently:\n{written}");
    assert_eq!(again.to_text(), written, "not stable after one round");
}

/// The queries readers run never panic and agree with the "latest" rule's basics.
fn check_queries(record: &PackageRecord) {
    let _ = record.name();
    for line in &record.lines {
        if let Ok(version) = line.parsed_version() {
            let found = record
                .find(&version)
                .expect("a line's own version is found");
            assert_eq!(found.parsed_version().as_ref(), Ok(&version));
        }
    }
    match record.latest() {
        Some(latest) => {
            assert!(latest.is_live(), "a tombstone is latest");
            assert!(latest.parsed_version().is_ok());
            assert!(!latest.yanked, "a yanked version is latest");
        }
        None => assert!(
            !record
                .live()
                .any(|l: &IndexLine| !l.yanked && l.parsed_version().is_ok()),
            "no latest although an unyanked live version exists"
        ),
    }
}
