//! Tests of the zip validator: every rejection, and the happy paths.

use std::io::{Cursor, Write};

use super::*;
use crate::serverless::package::testing::{self, ZipBuilder, publish_yaml};

fn check(zip: &[u8]) -> Result<Inspected, ArchiveError> {
    inspect(Cursor::new(zip), &Limits::default())
}

fn check_with(zip: &[u8], limits: Limits) -> Result<Inspected, ArchiveError> {
    inspect(Cursor::new(zip), &limits)
}

fn valid() -> ZipBuilder {
    ZipBuilder::package("demo", "1.0.0")
}

/// Writes `value` over a field of the only entry's local header (at offset 0) and of its
/// central header, for the fields the `testing` functions do not cover.
fn patch_single(zip: &mut [u8], local_field: usize, central_field: usize, value: &[u8]) {
    let central = zip
        .windows(4)
        .position(|w| w == b"PK\x01\x02")
        .expect("central header");
    zip[local_field..local_field + value.len()].copy_from_slice(value);
    let at = central + central_field;
    zip[at..at + value.len()].copy_from_slice(value);
}

#[test]
fn accepts_a_package_at_the_root() {
    let zip = valid().build();
    let inspected = check(&zip).expect("valid package");
    assert_eq!(inspected.manifest.name.as_str(), "demo");
    assert_eq!(inspected.manifest.version.to_string(), "1.0.0");
    assert!(
        inspected.readme.starts_with("# demo\n"),
        "{}",
        inspected.readme
    );
    assert!(!inspected.readme_truncated);
    assert_eq!(inspected.entries, 3);
    let readme = "# demo\n\nA test fixture package, version 1.0.0.\n";
    let sizes = publish_yaml("demo", "1.0.0").len() + readme.len() + "module.exports = {};\n".len();
    assert_eq!(inspected.uncompressed_bytes, sizes as u64);
}

#[test]
fn accepts_a_package_in_one_top_level_folder() {
    let zip = valid().under("demo-1.0.0").build();
    let inspected = check(&zip).expect("valid package");
    assert_eq!(inspected.manifest.name.as_str(), "demo");
    assert!(inspected.readme.starts_with("# demo\n"));
    assert_eq!(inspected.entries, 4);
}

#[test]
fn finds_no_manifest_outside_the_root_and_the_single_folder() {
    let cases = [
        ("none", ZipBuilder::new().file("README.md", "x").build()),
        ("two levels down", valid().under("a").under("b").build()),
        (
            "folder plus a stray root file",
            valid().under("demo").file("x.txt", "x").build(),
        ),
        (
            "only a top-level file",
            ZipBuilder::new().file("publish.yaml.txt", "x").build(),
        ),
    ];
    for (what, zip) in cases {
        let err = check(&zip).expect_err(what);
        assert!(matches!(err, ArchiveError::NoManifest), "{what}: {err}");
    }
    let message = ArchiveError::NoManifest.to_string();
    assert_eq!(
        message,
        "no publish.yaml at the root of the zip or in its single top-level folder"
    );
}

#[test]
fn readme_is_found_in_any_case_next_to_the_manifest_only() {
    let yaml = publish_yaml("demo", "1.0.0");
    let lower = ZipBuilder::new()
        .file("publish.yaml", yaml.as_str())
        .file("readme.md", "lower");
    assert_eq!(check(&lower.build()).expect("valid").readme, "lower");
    let upper = ZipBuilder::new()
        .file("publish.yaml", yaml.as_str())
        .file("README.MD", "upper");
    assert_eq!(check(&upper.build()).expect("valid").readme, "upper");
    let elsewhere = ZipBuilder::new()
        .file("publish.yaml", yaml.as_str())
        .file("docs/README.md", "no");
    assert_eq!(check(&elsewhere.build()).expect("valid").readme, "");
    let invalid = ZipBuilder::new()
        .file("publish.yaml", yaml.as_str())
        .file("README.md", b"a\xffb".to_vec());
    assert_eq!(check(&invalid.build()).expect("valid").readme, "a\u{fffd}b");
}

#[test]
fn readme_is_capped_at_a_character_boundary() {
    let yaml = publish_yaml("demo", "1.0.0");
    let with_readme = |text: String| {
        let zip = ZipBuilder::new()
            .file("publish.yaml", yaml.as_str())
            .file("README.md", text)
            .build();
        check(&zip).expect("valid package")
    };
    let exact = with_readme("a".repeat(README_CAP));
    assert_eq!(
        (exact.readme.len(), exact.readme_truncated),
        (README_CAP, false)
    );
    // Three-byte characters: the cap falls inside one, which is dropped whole.
    let long = with_readme("€".repeat(README_CAP));
    assert!(long.readme_truncated);
    assert_eq!(long.readme.len(), README_CAP / 3 * 3);
    assert!(long.readme.chars().all(|c| c == '€'));
}

#[test]
fn refuses_an_oversized_stream_before_parsing() {
    let limits = Limits {
        max_zip_bytes: 100,
        ..Limits::default()
    };
    let err = check_with(&[0u8; 101], limits).expect_err("too large");
    assert!(
        matches!(err, ArchiveError::TooLarge { limit: 100, .. }),
        "{err}"
    );
    assert!(
        err.to_string()
            .contains("larger than the limit of 100 bytes"),
        "{err}"
    );
}

#[test]
fn refuses_what_is_not_a_zip() {
    let err = check(b"hello, not a zip").expect_err("not a zip");
    assert!(matches!(err, ArchiveError::NotAZip(_)), "{err}");
}

#[test]
fn refuses_data_in_front_of_the_zip() {
    let mut zip = b"#!/bin/sh\necho hi\n".to_vec();
    zip.extend(valid().build());
    let err = check(&zip).expect_err("leading data");
    assert!(
        matches!(err, ArchiveError::LeadingData { bytes: 18 }),
        "{err}"
    );
}

#[test]
fn refuses_too_many_entries() {
    let limits = Limits {
        max_entries: 2,
        ..Limits::default()
    };
    let err = check_with(&valid().build(), limits).expect_err("three entries");
    assert!(
        matches!(err, ArchiveError::TooManyEntries { limit: 2 }),
        "{err}"
    );
}

#[test]
fn counts_directory_records_before_parsing() {
    // 41 signatures in stored content: over 4 per allowed entry before the zip is parsed,
    // although it has only four entries.
    let nested = b"PK\x01\x02".repeat(41);
    let zip = valid().stored("nested.zip", nested).build();
    let limits = Limits {
        max_entries: 10,
        ..Limits::default()
    };
    let err = check_with(&zip, limits).expect_err("too many records");
    assert!(
        matches!(err, ArchiveError::TooManyRecords { limit: 40 }),
        "{err}"
    );
    // A signature split across two reads still counts.
    let mut stream = Cursor::new(vec![0u8; 64 * 1024 - 2]);
    stream.get_mut().extend_from_slice(b"PK\x01\x02PK\x01\x02");
    assert_eq!(count_record_signatures(&mut stream).expect("in memory"), 2);
    assert_eq!(stream.position(), 0, "rewound");
}

#[test]
fn refuses_hostile_names() {
    let cases: &[(&str, &str, &str)] = &[
        ("aa/b.txt", "../b.txt", "'..' path component"),
        ("a/bb/c.txt", "a/../c.txt", "'..' path component"),
        ("etc/passwd", "/tc/passwd", "absolute path"),
        ("Cx/y.txt", "C:/y.txt", "absolute path"),
        ("Cxy.txt", "C:y.txt", "absolute path"),
        ("a_b.txt", "a\\b.txt", "backslash"),
        ("a_b.txt", "a\0b.txt", "NUL byte"),
        ("ax/b.txt", "a//b.txt", "empty or '.' path component"),
        ("x/a.txt", "./a.txt", "empty or '.' path component"),
    ];
    for (from, to, want) in cases {
        let mut zip = valid().file(from, "x").build();
        testing::rename_entry(&mut zip, from, to);
        let err = check(&zip).expect_err(to).to_string();
        assert!(err.contains(want), "{to:?}: {err}");
        assert!(
            err.contains(&format!("{to:?}")),
            "{to:?}: the message names the entry: {err}"
        );
    }
}

#[test]
fn refuses_names_that_are_not_utf8() {
    let mut zip = valid().file("a_b.txt", "x").build();
    // The name appears twice, in the local and the central header.
    let at: Vec<_> = zip
        .windows(7)
        .enumerate()
        .filter(|(_, w)| *w == b"a_b.txt")
        .map(|(i, _)| i)
        .collect();
    assert_eq!(at.len(), 2);
    for i in at {
        zip[i + 1] = 0xff;
    }
    let err = check(&zip).expect_err("latin-1 name");
    assert!(matches!(err, ArchiveError::NameNotUtf8 { .. }), "{err}");
}

#[test]
fn refuses_duplicate_names() {
    let mut zip = valid().file("one.txt", "1").file("two.txt", "2").build();
    testing::rename_entry(&mut zip, "two.txt", "one.txt");
    let err = check(&zip).expect_err("same name twice");
    assert!(
        matches!(&err, ArchiveError::DuplicateName { name } if name == "one.txt"),
        "{err}"
    );

    // A folder and a file of the same name.
    let zip = ZipBuilder::new()
        .file("f", "1")
        .under("pkg")
        .file("pkg", "x")
        .build();
    let err = check(&zip).expect_err("pkg/ and pkg");
    assert!(
        matches!(&err, ArchiveError::DuplicateName { name } if name == "pkg"),
        "{err}"
    );
}

#[test]
fn refuses_device_names_windows_reserves() {
    let cases = [
        ("con", "con"),
        ("aux.txt", "aux.txt"),
        ("nul.js", "nul.js"),
        ("src/NUL.tar.gz", "NUL.tar.gz"),
        ("con/index.js", "con"),
        ("src/Com1.js", "Com1.js"),
        ("lpt9", "lpt9"),
        ("docs/COM\u{b9}.md", "COM\u{b9}.md"),
        ("lpt\u{b3}/x", "lpt\u{b3}"),
        ("prn .txt", "prn .txt"),
    ];
    for (entry, want) in cases {
        let err = check(&valid().file(entry, "x").build()).expect_err(entry);
        assert!(
            matches!(&err, ArchiveError::ReservedName { name, component }
                if name == entry && component == want),
            "{entry:?}: {err}"
        );
        assert!(
            err.to_string()
                .contains("a device name that Windows reserves"),
            "{err}"
        );
    }
    // A folder entry of that name, as `zip -r` writes one.
    let err = check(&valid().under("aux").build()).expect_err("aux/");
    assert!(
        matches!(&err, ArchiveError::ReservedName { name, component }
            if name == "aux/" && component == "aux"),
        "{err}"
    );
    // Names that only start like a device are files.
    for entry in [
        "console.log",
        "auxiliary.js",
        "src/nullable.ts",
        "com10",
        "lpt.txt",
        "icon.png",
        "x.con",
    ] {
        check(&valid().file(entry, "x").build()).expect(entry);
    }
}

#[test]
fn refuses_characters_windows_forbids() {
    for character in ['<', '>', ':', '"', '|', '?', '*'] {
        let entry = format!("src/a{character}b.js");
        let err = check(&valid().file(&entry, "x").build()).expect_err(&entry);
        assert!(
            matches!(&err, ArchiveError::ForbiddenCharacter { name, character: c }
                if *name == entry && *c == character),
            "{entry:?}: {err}"
        );
    }
    // An NTFS alternate data stream: a hidden second content for README.md.
    let err = check(&valid().file("README.md:hidden", "x").build()).expect_err("stream");
    assert_eq!(
        err.to_string(),
        "entry name \"README.md:hidden\" contains ':', one of the characters Windows refuses \
         in file names (< > : \" | ? *); ':' also names an NTFS alternate data stream"
    );
}

#[test]
fn refuses_components_ending_in_a_dot_or_a_space() {
    let cases = [
        ("run.", "run."),
        ("lib ", "lib "),
        ("src./index.js", "src."),
        ("docs /a.md", "docs "),
        ("a.txt.", "a.txt."),
        (".../x", "..."),
        // Before the device check: Windows strips the dot, then opens the device.
        ("con.", "con."),
    ];
    for (entry, want) in cases {
        let err = check(&valid().file(entry, "x").build()).expect_err(entry);
        assert!(
            matches!(&err, ArchiveError::TrailingDotOrSpace { name, component }
                if name == entry && component == want),
            "{entry:?}: {err}"
        );
        assert!(
            err.to_string().contains("ends in a dot or a space"),
            "{err}"
        );
    }
    for entry in [
        ".gitignore",
        ".github/ci.yml",
        "a. b.txt",
        " leading.txt",
        "v1.0",
    ] {
        check(&valid().file(entry, "x").build()).expect(entry);
    }
}

#[test]
fn refuses_names_that_differ_only_in_case_or_normalization() {
    // The fixture package already holds README.md and src/index.js.
    let cases: &[(&[&str], &str, &str)] = &[
        (&["Readme.md"], "Readme.md", "README.md"),
        (&["readme.MD"], "readme.MD", "README.md"),
        (
            &["caf\u{e9}.txt", "cafe\u{301}.txt"],
            "cafe\u{301}.txt",
            "caf\u{e9}.txt",
        ),
        (
            &["cafe\u{301}/a", "CAF\u{c9}/b"],
            "CAF\u{c9}/b",
            "cafe\u{301}/a",
        ),
        (&["Docs/a.md", "docs/b.md"], "docs/b.md", "Docs/a.md"),
        (&["readme", "README/x"], "README/x", "readme"),
        (&["LICENSE/x", "license"], "license", "LICENSE/x"),
        (&["SRC/evil.js"], "SRC/evil.js", "src/index.js"),
        (&["src/Index.js"], "src/Index.js", "src/index.js"),
        (&["a/b/C/d", "a/b/c/e"], "a/b/c/e", "a/b/C/d"),
    ];
    for (extra, want_name, want_other) in cases {
        let zip = extra
            .iter()
            .fold(valid(), |zip, entry| zip.file(entry, "x"))
            .build();
        let err = check(&zip).expect_err(want_name);
        assert!(
            matches!(&err, ArchiveError::CaseOrNormalizationCollision { name, other }
                if name == want_name && other == want_other),
            "{extra:?}: {err}"
        );
    }
    let err = check(&valid().file("Readme.md", "x").build()).expect_err("two readmes");
    assert_eq!(
        err.to_string(),
        "entry \"Readme.md\" collides with entry \"README.md\": Windows and macOS ignore case \
         and Unicode normalisation in file names, so both unpack to one path"
    );
    // Spelled the same, a path that is a file and a folder is one path twice on any system,
    // also when the folder appears only inside other entries' paths.
    for (extra, want) in [
        (&["readme", "readme/x"], "readme"),
        (&["lib/x", "lib"], "lib"),
        (&["src", "x"], "src"),
    ] {
        let zip = extra
            .iter()
            .fold(valid(), |zip, entry| zip.file(entry, "x"))
            .build();
        let err = check(&zip).expect_err(want);
        assert!(
            matches!(&err, ArchiveError::DuplicateName { name } if name == want),
            "{extra:?}: {err}"
        );
    }
    // One folder spelled one way, and the same names in different folders, are fine.
    let zip = valid()
        .file("src/a.js", "x")
        .file("docs/README.md", "x")
        .file("Docs2/readme.md", "x")
        .file("caf\u{e9}/README", "x")
        .file("caf\u{e9}/x", "x")
        .under("pkg")
        .build();
    assert_eq!(check(&zip).expect("valid").entries, 9);
}

/// `shelf publish DIR` packs the folder and runs [`inspect`] on the zip before it uploads
/// anything, so a file Windows cannot create is named on the publisher's machine.
#[test]
fn a_packed_folder_with_windows_unsafe_names_is_refused() {
    use crate::client::pack::{self, PackOptions};
    let pack_and_check = |files: &[&str]| {
        let dir = tempfile::tempdir().expect("temporary folder");
        std::fs::write(
            dir.path().join("publish.yaml"),
            publish_yaml("demo", "1.0.0"),
        )
        .expect("write");
        for file in files {
            let path = dir.path().join(file);
            std::fs::create_dir_all(path.parent().expect("parent")).expect("folders");
            std::fs::write(path, "x").expect("write");
        }
        let plan = pack::plan(dir.path(), PackOptions::default()).expect("plan");
        let zip = pack::write(&plan, Cursor::new(Vec::new())).expect("pack");
        check(&zip.into_inner())
    };
    pack_and_check(&["README.md", "src/index.js"]).expect("a plain folder packs");
    let cases: &[(&[&str], &str)] = &[
        (
            &["aux.js"],
            "entry \"aux.js\" has the path component \"aux.js\", a device name",
        ),
        (
            &["con/x.js"],
            "entry \"con/x.js\" has the path component \"con\"",
        ),
        (&["notes.md:x"], "entry name \"notes.md:x\" contains ':'"),
        (
            &["run."],
            "entry \"run.\" has the path component \"run.\", which ends in a dot",
        ),
        (
            &["README.md", "Readme.md"],
            "entry \"Readme.md\" collides with entry \"README.md\"",
        ),
    ];
    for (files, want) in cases {
        let err = pack_and_check(files).expect_err(want).to_string();
        assert!(err.contains(want), "{files:?}: {err}");
    }
}

#[test]
fn refuses_a_second_name_in_a_unicode_path_field() {
    let mut options = zip::write::FullFileOptions::default();
    let mut field = vec![1, 0, 0, 0, 0];
    field.extend_from_slice(b"../evil.sh");
    options
        .add_extra_field(0x7075, field, false)
        .expect("extra field");
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    writer.start_file("publish.yaml", options).expect("start");
    writer
        .write_all(publish_yaml("demo", "1.0.0").as_bytes())
        .expect("write");
    let zip = writer.finish().expect("finish").into_inner();
    let err = check(&zip).expect_err("two names");
    assert!(
        matches!(&err, ArchiveError::AmbiguousName { name } if name == "publish.yaml"),
        "{err}"
    );
}

#[test]
fn refuses_symlinks() {
    let err = check(&valid().symlink("link", "/etc/passwd").build()).expect_err("symlink");
    assert!(
        matches!(&err, ArchiveError::Symlink { name } if name == "link"),
        "{err}"
    );
}

#[test]
fn refuses_encrypted_entries() {
    let mut zip = valid().build();
    testing::set_encrypted_flag(&mut zip);
    let err = check(&zip).expect_err("encrypted");
    assert!(
        matches!(&err, ArchiveError::Encrypted { name } if name == "publish.yaml"),
        "{err}"
    );
}

#[test]
fn refuses_compression_methods_other_than_stored_and_deflate() {
    let mut zip = ZipBuilder::new()
        .stored("publish.yaml", publish_yaml("demo", "1.0.0"))
        .build();
    // Method 12 is bzip2: local header offset 8, central header offset 10.
    patch_single(&mut zip, 8, 10, &12u16.to_le_bytes());
    let err = check(&zip).expect_err("bzip2");
    assert!(
        matches!(err, ArchiveError::UnsupportedCompression { .. }),
        "{err}"
    );
    assert!(err.to_string().contains("Bzip2"), "{err}");
}

#[test]
fn refuses_too_much_uncompressed_data_by_declared_sizes() {
    let limits = Limits {
        max_uncompressed_bytes: 5_000,
        ..Limits::default()
    };
    let err = check_with(
        &valid().stored("big.bin", vec![7u8; 10_000]).build(),
        limits,
    )
    .expect_err("over the sum");
    assert!(
        matches!(err, ArchiveError::TooMuchData { limit: 5_000 }),
        "{err}"
    );
}

#[test]
fn ratio_limit_spares_small_files_and_refuses_bombs() {
    let small = valid()
        .file("zeros.txt", vec![b'0'; RATIO_EXEMPT_BYTES as usize])
        .build();
    check(&small).expect("a 1 MiB file compresses 1000:1 and is fine");
    let bomb = valid().file("zeros.bin", vec![0u8; 8 << 20]).build();
    let err = check(&bomb).expect_err("ratio bomb");
    assert!(
        matches!(&err, ArchiveError::RatioTooHigh { name, limit: 100, .. } if name == "zeros.bin"),
        "{err}"
    );
    assert!(err.to_string().contains("ratio"), "{err}");
}

#[test]
fn refuses_an_entry_that_inflates_beyond_its_declared_size() {
    let mut zip = valid().file("big.bin", vec![0u8; 4 << 20]).build();
    testing::set_declared_size(&mut zip, "big.bin", 1000);
    let err = check(&zip).expect_err("lying header");
    assert!(
        matches!(&err, ArchiveError::InflatesBeyondDeclared { name } if name == "big.bin"),
        "{err}"
    );
    assert_eq!(
        err.to_string(),
        "entry \"big.bin\" inflates beyond its declared size"
    );

    let mut stored = valid().stored("data.bin", vec![1u8; 100]).build();
    testing::set_declared_size(&mut stored, "data.bin", 10);
    let err = check(&stored).expect_err("lying stored header");
    assert!(
        matches!(err, ArchiveError::InflatesBeyondDeclared { .. }),
        "{err}"
    );
}

#[test]
fn refuses_an_entry_shorter_than_declared() {
    let mut zip = valid().file("data.txt", "twelve bytes").build();
    testing::set_declared_size(&mut zip, "data.txt", 100);
    let err = check(&zip).expect_err("short entry");
    assert!(
        matches!(&err, ArchiveError::ShorterThanDeclared { name, declared: 100, actual: 12 } if name == "data.txt"),
        "{err}"
    );
}

#[test]
fn refuses_a_corrupt_entry() {
    let mut zip = valid().stored("data.txt", "checksum me, please").build();
    let at = zip
        .windows(8)
        .position(|w| w == b"checksum")
        .expect("stored bytes");
    zip[at] = b'C';
    let err = check(&zip).expect_err("bad CRC");
    assert!(
        matches!(&err, ArchiveError::CorruptEntry { name, .. } if name == "data.txt"),
        "{err}"
    );
}

#[test]
fn refuses_local_headers_that_disagree_with_the_central_directory() {
    let mut zip = ZipBuilder::new()
        .stored("publish.yaml", publish_yaml("demo", "1.0.0"))
        .build();
    // The local header's name starts at offset 30; the central directory still says
    // publish.yaml, a streaming extractor would write publish.yamX.
    zip[30 + 11] = b'X';
    let err = check(&zip).expect_err("local name differs");
    assert!(
        matches!(&err, ArchiveError::HeaderMismatch { name, .. } if name == "publish.yaml"),
        "{err}"
    );
}

#[test]
fn refuses_entries_that_overlap_the_central_directory() {
    let yaml = publish_yaml("demo", "1.0.0");
    let mut zip = ZipBuilder::new()
        .stored("publish.yaml", yaml.as_str())
        .build();
    // Compressed size: local header offset 18, central header offset 20.
    let longer = u32::try_from(yaml.len() + 16).expect("small");
    patch_single(&mut zip, 18, 20, &longer.to_le_bytes());
    let err = check(&zip).expect_err("overlap");
    assert!(matches!(err, ArchiveError::Inconsistent(_)), "{err}");
}

#[test]
fn refuses_an_oversized_or_invalid_manifest() {
    let limits = Limits {
        max_manifest_bytes: 10,
        ..Limits::default()
    };
    let err = check_with(&valid().build(), limits).expect_err("large manifest");
    assert!(
        matches!(&err, ArchiveError::ManifestTooLarge { limit: 10, .. }),
        "{err}"
    );

    let zip = ZipBuilder::new()
        .file("publish.yaml", "Name: [unclosed")
        .under("pkg")
        .build();
    let err = check(&zip).expect_err("bad yaml");
    assert!(
        matches!(&err, ArchiveError::Manifest { name, source: ManifestError::Yaml(_) } if name == "pkg/publish.yaml"),
        "{err}"
    );
    let source = std::error::Error::source(&err).expect("the manifest error is the source");
    assert!(source.to_string().contains("not valid YAML"), "{source}");
}
