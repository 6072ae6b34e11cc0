//! The fuzz targets' properties on stable Rust: every committed seed in `fuzz/corpus/` and
//! every input a fuzzing run found, replayed through the same checks the fuzzer runs.
//!
//! The checks live in `fuzz/src/` and are included here by path, so a property changes in one
//! place. A failure names the input; `cargo +nightly fuzz run TARGET FILE` replays it under
//! the fuzzer.

use std::{
    fs,
    io::Cursor,
    path::{Path, PathBuf},
};

use shelf::serverless::package::{
    archive::{ArchiveError, inspect},
    testing::{self, ZipBuilder},
};

#[path = "../fuzz/src/index_line.rs"]
mod index_line;
#[path = "../fuzz/src/name_version.rs"]
mod name_version;
#[path = "../fuzz/src/publish_yaml.rs"]
mod publish_yaml;
#[path = "../fuzz/src/signature_headers.rs"]
mod signature_headers;
#[path = "../fuzz/src/zip_archive.rs"]
mod zip_archive;

fn corpus(target: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/corpus")
        .join(target)
}

/// Runs `check` on every file of the target's committed corpus; returns how many there were.
fn replay(target: &str, check: fn(&[u8])) -> Vec<(String, Vec<u8>)> {
    let dir = corpus(target);
    let mut seeds: Vec<(String, Vec<u8>)> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
        .map(|entry| {
            let path = entry.expect("corpus entry").path();
            let name = path
                .file_name()
                .expect("file name")
                .to_string_lossy()
                .into_owned();
            (name, fs::read(&path).expect("read seed"))
        })
        .collect();
    seeds.sort();
    assert!(seeds.len() >= 5, "{target}: only {} seeds", seeds.len());
    for (name, bytes) in &seeds {
        // A panic inside names the property; this names the seed.
        eprintln!("{target}/{name}");
        check(bytes);
    }
    seeds
}

#[test]
fn zip_archive_corpus_holds_its_properties() {
    let seeds = replay("zip_archive", zip_archive::check);
    // The valid seeds must stay valid, or the accepted-zip properties are never reached.
    let limits = zip_archive::limits();
    let valid: Vec<_> = seeds
        .iter()
        .filter(|(n, _)| n.starts_with("valid"))
        .collect();
    assert!(valid.len() >= 3, "too few valid zip seeds");
    for (name, bytes) in valid {
        inspect(Cursor::new(bytes), &limits)
            .unwrap_or_else(|e| panic!("seed {name} is refused: {e}"));
    }
}

#[test]
fn publish_yaml_corpus_holds_its_properties() {
    replay("publish_yaml", publish_yaml::check);
}

#[test]
fn index_line_corpus_holds_its_properties() {
    replay("index_line", index_line::check);
}

#[test]
fn signature_headers_corpus_holds_its_properties() {
    replay("signature_headers", signature_headers::check);
}

#[test]
fn name_version_corpus_holds_its_properties() {
    replay("name_version", name_version::check);
}

/// The zip seeds, built with the crate's own fixture builder: valid packages in the shapes
/// the validator accepts, and one of each kind of hostile zip for the fuzzer to mutate.
fn zip_seeds() -> Vec<(&'static str, Vec<u8>)> {
    let package = || ZipBuilder::package("demo", "1.0.0");
    let tampered = |edit: &dyn Fn(&mut Vec<u8>)| {
        let mut zip = package().build();
        edit(&mut zip);
        zip
    };
    vec![
        ("valid-root", package().build()),
        ("valid-folder", package().under("demo-1.0.0").build()),
        (
            "valid-stored-readme",
            ZipBuilder::new()
                .stored(
                    "publish.yaml",
                    testing::publish_yaml("fc_http", "0.1.2-beta.1"),
                )
                .stored("readme.md", "# fc_http\n")
                .file("assets/logo.txt", "x".repeat(2000))
                .build(),
        ),
        ("symlink", package().symlink("link", "/etc/passwd").build()),
        (
            "parent-component",
            tampered(&|zip| testing::rename_entry(zip, "src/index.js", "../index.js1")),
        ),
        (
            "duplicate-name",
            tampered(&|zip| testing::rename_entry(zip, "src/index.js", "publish.yaml")),
        ),
        (
            "encrypted",
            tampered(&|zip| testing::set_encrypted_flag(zip)),
        ),
        (
            "size-lies",
            tampered(&|zip| testing::set_declared_size(zip, "README.md", 5)),
        ),
        (
            "no-manifest",
            ZipBuilder::new().file("README.md", "# nothing\n").build(),
        ),
    ]
}

/// Writes [`zip_seeds`] into `fuzz/corpus/zip_archive/`. Run by hand after changing them:
/// `cargo test --test fuzz_regressions -- --ignored write_zip_seeds`.
#[test]
#[ignore = "writes the committed zip seeds"]
fn write_zip_seeds() {
    let dir = corpus("zip_archive");
    fs::create_dir_all(&dir).expect("create corpus dir");
    for (name, bytes) in zip_seeds() {
        fs::write(dir.join(name), bytes).expect("write seed");
    }
}

fn finding(file: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz_regressions")
        .join(file);
    fs::read(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

/// Found by `zip_archive` in its first seconds (2026-11-23): the folder entry of the
/// `valid-folder` seed with Unix mode 0o177777. Its type bits 0o170000 are no Unix file type,
/// so a check for exactly `S_IFLNK` let it through, but the zip crate's extractor tests
/// `mode & S_IFLNK == S_IFLNK` and unpacks it as a symlink.
#[test]
fn a_mode_whose_type_bits_include_the_link_bits_is_a_symlink() {
    let zip = finding("zip-type-bits-177777.zip");
    let error = inspect(Cursor::new(&zip), &zip_archive::limits()).expect_err("refused");
    assert!(
        matches!(&error, ArchiveError::Symlink { name } if name == "demo-1.0.0/"),
        "{error:?}"
    );
    zip_archive::check(&zip);
}

/// The other Unix file types (FIFO, character and block device, socket) are refused too,
/// each naming its type; plain files, folders and entries without a Unix type are not.
#[test]
fn only_files_and_folders_are_accepted() {
    let zip = ZipBuilder::package("demo", "1.0.0").build();
    let limits = zip_archive::limits();
    for (kind, refused) in [
        (0o010_000, true),
        (0o020_000, true),
        (0o060_000, true),
        (0o140_000, true),
        (0o100_000, false),
        (0o000_000, false),
    ] {
        let mut zip = zip.clone();
        set_unix_type(&mut zip, "src/index.js", kind);
        let result = inspect(Cursor::new(&zip), &limits);
        if refused {
            assert!(
                matches!(&result, Err(ArchiveError::SpecialFile { name, kind: k })
                    if name == "src/index.js" && *k == kind),
                "{kind:o}: {result:?}"
            );
        } else {
            assert!(result.is_ok(), "{kind:o}: {result:?}");
        }
        zip_archive::check(&zip);
    }
}

/// Sets the Unix file type bits of `entry`'s mode in its central header.
fn set_unix_type(zip: &mut [u8], entry: &str, kind: u32) {
    const MODE_HIGH: usize = 40; // high half of the external attributes (APPNOTE 4.3.12)
    const NAME: usize = 46;
    let at = zip
        .windows(4)
        .enumerate()
        .filter(|(_, w)| *w == b"PK\x01\x02")
        .map(|(at, _)| at)
        .find(|at| zip[at + NAME..].starts_with(entry.as_bytes()))
        .expect("entry in the central directory");
    let mode = u32::from(u16::from_le_bytes([
        zip[at + MODE_HIGH],
        zip[at + MODE_HIGH + 1],
    ]));
    let mode = u16::try_from((mode & 0o7777) | kind).expect("a mode fits 16 bits");
    zip[at + MODE_HIGH..at + MODE_HIGH + 2].copy_from_slice(&mode.to_le_bytes());
}

/// Found by `index_line` after 23 s (2026-11-23): a hand-edited package file holding version
/// 0.2.0 twice, yanked on the first line and live on the last. "Latest" picked 0.2.0 and then
/// returned the first line with that version, which is yanked; yanked versions are never
/// latest (index/README.md 1.3).
#[test]
fn latest_is_never_a_yanked_line_even_when_a_version_repeats() {
    let bytes = finding("index-duplicate-version-yanked-first.jsonl");
    let text = std::str::from_utf8(&bytes).expect("UTF-8");
    let record = shelf::serverless::record::PackageRecord::parse(text).expect("the file parses");
    let latest = record.latest().expect("a live, unyanked version exists");
    assert_eq!(latest.version, "0.2.0");
    assert!(!latest.yanked);
    index_line::check(&bytes);
}

/// Found by `zip_archive` after 5 m 31 s (2026-11-23): after the last listed entry, a local
/// header (byte 304) whose name length runs past the gap into the central directory. The zip
/// crate's scan for unlisted headers skips a header that does not fit its gap, but a
/// streaming extractor reading from byte 0 meets it and takes its name from the bytes that
/// follow, which no check saw.
#[test]
fn a_local_header_outside_every_listed_entry_is_refused() {
    let zip = finding("zip-trailing-header-past-gap.zip");
    let error = inspect(Cursor::new(&zip), &zip_archive::limits()).expect_err("refused");
    assert!(
        matches!(error, ArchiveError::UnlistedHeader { offset: 304 }),
        "{error:?}"
    );
    zip_archive::check(&zip);
}
