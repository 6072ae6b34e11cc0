//! Tests of the tarball checker: real tarballs built in memory, the happy paths and every
//! refusal.

use std::cell::Cell;
use std::io::{self, Read, Write};
use std::rc::Rc;

use flate2::{Compression, write::GzEncoder};
use tar::{Builder, EntryType, Header};

use super::*;

const MANIFEST: &[u8] = br#"{"name":"demo","version":"1.0.0","description":"A demo"}"#;
const README: &[u8] = b"# demo\n\nHello.\n";
const INDEX_JS: &[u8] = b"module.exports = 42;\n";

fn gzip(tar: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(tar).expect("gzip");
    encoder.finish().expect("gzip")
}

fn check(tgz: &[u8]) -> Result<Inspected, TarballError> {
    inspect(tgz, &Limits::default())
}

/// A tar under construction.
struct Tar(Builder<Vec<u8>>);

impl Tar {
    fn new() -> Self {
        Tar(Builder::new(Vec::new()))
    }

    /// A regular file through the tar crate's own path handling (GNU long names past 100
    /// bytes; it refuses `..`, so the attacks use [`Tar::raw`]).
    fn file(mut self, path: &str, data: &[u8]) -> Self {
        let mut header = Header::new_gnu();
        header.set_size(data.len() as u64);
        header.set_mode(0o644);
        self.0.append_data(&mut header, path, data).expect("append");
        self
    }

    /// A folder, as [`Tar::file`] writes files.
    fn folder(mut self, path: &str) -> Self {
        let mut header = Header::new_gnu();
        header.set_entry_type(EntryType::Directory);
        header.set_size(0);
        header.set_mode(0o755);
        self.0
            .append_data(&mut header, path, io::empty())
            .expect("append");
        self
    }

    /// An entry whose header holds exactly `name` and `kind`, nothing checked.
    fn raw(self, header: Header, name: &[u8], kind: EntryType, data: &[u8]) -> Self {
        self.raw_flag(header, name, kind.as_byte(), data)
    }

    /// As [`Tar::raw`], with the type flag byte as it is (`EntryType` writes `\0` as `0`).
    fn raw_flag(mut self, mut header: Header, name: &[u8], flag: u8, data: &[u8]) -> Self {
        header.set_size(data.len() as u64);
        header.set_mode(if flag == b'5' { 0o755 } else { 0o644 });
        let bytes = header.as_mut_bytes();
        bytes[..100].fill(0);
        bytes[..name.len()].copy_from_slice(name);
        bytes[156] = flag;
        header.set_cksum();
        self.0.append(&header, data).expect("append");
        self
    }

    fn ustar(self, name: &str, kind: EntryType, data: &[u8]) -> Self {
        self.raw(Header::new_ustar(), name.as_bytes(), kind, data)
    }

    fn pax(self, records: &[(&str, &[u8])]) -> Self {
        let data: Vec<u8> = records
            .iter()
            .flat_map(|(key, value)| pax_record(key, value))
            .collect();
        self.ustar("PaxHeader/entry", EntryType::XHeader, &data)
    }

    fn long_name(self, name: &[u8]) -> Self {
        self.raw(
            Header::new_gnu(),
            b"././@LongLink",
            EntryType::GNULongName,
            name,
        )
    }

    fn package(self) -> Self {
        self.file("package/package.json", MANIFEST)
            .file("package/README.md", README)
            .file("package/lib/index.js", INDEX_JS)
    }

    /// The tar without its end-of-archive blocks.
    fn unfinished(self) -> Vec<u8> {
        self.0.get_ref().clone()
    }

    fn tar(self) -> Vec<u8> {
        self.0.into_inner().expect("finish")
    }

    fn tgz(self) -> Vec<u8> {
        gzip(&self.tar())
    }
}

/// One pax record, `"{length} {key}={value}\n"`, its length counting its own digits.
fn pax_record(key: &str, value: &[u8]) -> Vec<u8> {
    let body = key.len() + value.len() + 3;
    let mut length = body;
    while body + length.to_string().len() != length {
        length = body + length.to_string().len();
    }
    let mut record = format!("{length} {key}=").into_bytes();
    record.extend_from_slice(value);
    record.push(b'\n');
    record
}

#[test]
fn accepts_a_package() {
    let inspected = check(&Tar::new().package().tgz()).expect("valid package");
    assert_eq!(inspected.name, "demo");
    assert_eq!(inspected.version, "1.0.0");
    assert_eq!(
        inspected.manifest.get("description"),
        Some(&Value::String("A demo".into()))
    );
    assert_eq!(
        inspected.readme.as_deref(),
        Some(std::str::from_utf8(README).expect("utf8"))
    );
    assert!(!inspected.readme_truncated);
    assert_eq!(inspected.files, 3);
    assert_eq!(
        inspected.unpacked_size,
        (MANIFEST.len() + README.len() + INDEX_JS.len()) as u64
    );
}

#[test]
fn accepts_folder_entries_and_any_top_folder() {
    let tgz = Tar::new()
        .ustar("node-demo-1.0/", EntryType::Directory, b"")
        .ustar("node-demo-1.0/lib/", EntryType::Directory, b"")
        .file("node-demo-1.0/lib/index.js", INDEX_JS)
        .file("node-demo-1.0/package.json", MANIFEST)
        .tgz();
    let inspected = check(&tgz).expect("valid package");
    assert_eq!(inspected.name, "demo");
    assert_eq!(inspected.files, 2);
    assert_eq!(inspected.readme, None);
}

#[test]
fn accepts_a_byte_order_mark_and_old_style_file_entries() {
    let mut manifest = b"\xef\xbb\xbf".to_vec();
    manifest.extend_from_slice(MANIFEST);
    let tgz = Tar::new()
        .raw_flag(Header::new_old(), b"package/package.json", 0, &manifest)
        .tgz();
    assert_eq!(check(&tgz).expect("valid").version, "1.0.0");
}

#[test]
fn readme_is_the_first_one_in_the_top_folder() {
    let tgz = Tar::new()
        .file("package/docs/README.md", b"not this one")
        .file("package/readme", b"plain")
        .file("package/README.md", b"second")
        .file("package/package.json", MANIFEST)
        .tgz();
    let inspected = check(&tgz).expect("valid");
    assert_eq!(inspected.readme.as_deref(), Some("plain"));
    assert_eq!(inspected.files, 4);
}

#[test]
fn long_readme_is_cut_at_a_character_boundary() {
    // "é" is two bytes: the cap falls in the middle of one.
    let readme = format!("a{}", "é".repeat(40_000));
    let tgz = Tar::new()
        .file("package/package.json", MANIFEST)
        .file("package/Readme.md", readme.as_bytes())
        .tgz();
    let inspected = check(&tgz).expect("valid");
    let kept = inspected.readme.expect("readme");
    assert!(inspected.readme_truncated);
    assert_eq!(kept.len(), README_CAP - 1);
    assert!(readme.starts_with(&kept));
    assert_eq!(
        inspected.unpacked_size,
        (MANIFEST.len() + readme.len()) as u64
    );
}

#[test]
fn accepts_long_names_from_gnu_and_pax_headers() {
    let deep = format!("package/{}index.js", "folder/".repeat(30));
    let pax_path = format!("package/{}main.js", "other/".repeat(30));
    let tgz = Tar::new()
        .package()
        // The tar crate writes a GNU long-name header for a path this long.
        .file(&deep, INDEX_JS)
        // node-tar writes a pax header and a cut-down name in the ustar header.
        .pax(&[
            ("mtime", b"1700000000.5"),
            ("path", pax_path.as_bytes()),
            ("size", INDEX_JS.len().to_string().as_bytes()),
        ])
        .ustar("package/other/other/main.js", EntryType::Regular, INDEX_JS)
        .tgz();
    let inspected = check(&tgz).expect("valid");
    assert_eq!(inspected.files, 5);
}

#[test]
fn accepts_the_same_name_in_gnu_and_pax_headers() {
    let name = format!("package/{}.js", "x".repeat(120));
    let tgz = Tar::new()
        .file("package/package.json", MANIFEST)
        .long_name(format!("{name}\0").as_bytes())
        .pax(&[("path", name.as_bytes())])
        .ustar("package/cut.js", EntryType::Regular, INDEX_JS)
        .tgz();
    assert_eq!(check(&tgz).expect("valid").files, 2);
}

// --- The stream ---

#[test]
fn refuses_what_is_not_gzip() {
    let tar = Tar::new().package().tar();
    assert!(matches!(check(&tar), Err(TarballError::NotGzip)));
    assert!(matches!(check(b""), Err(TarballError::NotGzip)));
    assert!(matches!(check(b"\x1f"), Err(TarballError::NotGzip)));
    assert!(matches!(check(b"PK\x03\x04"), Err(TarballError::NotGzip)));
}

#[test]
fn refuses_a_truncated_gzip_stream() {
    let tgz = Tar::new().package().tgz();
    for cut in [tgz.len() - 4, tgz.len() - 8, tgz.len() / 2, 12] {
        assert!(
            matches!(check(&tgz[..cut]), Err(TarballError::Truncated)),
            "cut at {cut}: {:?}",
            check(&tgz[..cut])
        );
    }
}

#[test]
fn refuses_a_corrupt_gzip_stream() {
    let mut tgz = Tar::new().package().tgz();
    // The CRC-32 of the inflated data, in the trailer.
    let crc = tgz.len() - 8;
    tgz[crc] ^= 0xff;
    assert!(matches!(check(&tgz), Err(TarballError::CorruptGzip(_))));
    // A gzip header with a reserved flag set.
    let mut tgz = Tar::new().package().tgz();
    tgz[3] = 0xe0;
    assert!(matches!(check(&tgz), Err(TarballError::CorruptGzip(_))));
}

#[test]
fn refuses_data_after_the_gzip_stream() {
    let tgz = Tar::new().package().tgz();
    let mut twice = tgz.clone();
    twice.extend_from_slice(&tgz);
    assert!(matches!(check(&twice), Err(TarballError::TrailingData)));
    let mut garbage = tgz;
    garbage.push(b'x');
    assert!(matches!(check(&garbage), Err(TarballError::TrailingData)));
}

#[test]
fn refuses_gzip_that_does_not_hold_a_tar() {
    let text = "this is not a tar archive\n".repeat(40);
    assert!(matches!(
        check(&gzip(text.as_bytes())),
        Err(TarballError::NotATar(_))
    ));
    assert!(matches!(
        check(&gzip(b"short")),
        Err(TarballError::NotATar(_))
    ));
    // A header whose checksum is wrong.
    let mut tar = Tar::new().package().tar();
    tar[0] = b'P';
    assert!(matches!(check(&gzip(&tar)), Err(TarballError::NotATar(_))));
    // A tar cut inside an entry, in a complete gzip stream.
    let tar = Tar::new().package().tar();
    assert!(matches!(
        check(&gzip(&tar[..600])),
        Err(TarballError::NotATar(_))
    ));
}

#[test]
fn refuses_entries_hidden_after_the_end_of_the_tar() {
    let mut tar = Tar::new().package().unfinished();
    tar.extend_from_slice(&[0; 512]);
    tar.extend_from_slice(&Tar::new().file("package/hidden.js", INDEX_JS).tar());
    assert!(matches!(
        check(&gzip(&tar)),
        Err(TarballError::DataAfterEnd)
    ));
    // Zero padding after the end is fine.
    let mut tar = Tar::new().package().tar();
    tar.extend_from_slice(&[0; 8192]);
    assert!(check(&gzip(&tar)).is_ok());
}

#[test]
fn read_errors_are_not_the_uploaders_fault() {
    struct Failing;
    impl Read for Failing {
        fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
            Err(io::Error::other("disk on fire"))
        }
    }
    assert!(matches!(
        inspect(Failing, &Limits::default()),
        Err(TarballError::Io(_))
    ));
    let tgz = Tar::new().package().tgz();
    // Interrupted reads are retried, not taken for a broken tarball.
    struct Interrupting<'a>(&'a [u8], bool);
    impl Read for Interrupting<'_> {
        fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
            self.1 = !self.1;
            if self.1 {
                return Err(io::ErrorKind::Interrupted.into());
            }
            let n = buffer.len().min(7).min(self.0.len());
            buffer[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }
    assert!(inspect(Interrupting(&tgz, false), &Limits::default()).is_ok());
    let failing_later = (&tgz[..20]).chain(Failing);
    assert!(matches!(
        inspect(failing_later, &Limits::default()),
        Err(TarballError::Io(_))
    ));
}

// --- Bombs and counts ---

/// Counts the bytes read through it.
struct Counting<R> {
    inner: R,
    count: Rc<Cell<u64>>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buffer)?;
        self.count.set(self.count.get() + n as u64);
        Ok(n)
    }
}

const BOMB_SIZE: u64 = 600 << 20;

/// A tarball holding a 600 MiB file of zeros, compressed as it is read, so that only what
/// the checker pulls is ever made. Returns it and the counts of compressed bytes read and of
/// tar bytes compressed.
fn bomb() -> (impl Read, Rc<Cell<u64>>, Rc<Cell<u64>>) {
    let mut head = Tar::new()
        .file("package/package.json", MANIFEST)
        .unfinished();
    let mut header = Header::new_ustar();
    header.set_path("package/zeros.bin").expect("path");
    header.set_size(BOMB_SIZE);
    header.set_mode(0o644);
    header.set_cksum();
    head.extend_from_slice(header.as_bytes());
    let tar = io::Cursor::new(head)
        .chain(io::repeat(0).take(BOMB_SIZE))
        .chain(io::repeat(0).take(1024));
    let inflated = Rc::new(Cell::new(0));
    let source = Counting {
        inner: tar,
        count: Rc::clone(&inflated),
    };
    let compressed = Rc::new(Cell::new(0));
    let tgz = Counting {
        inner: flate2::read::GzEncoder::new(source, Compression::default()),
        count: Rc::clone(&compressed),
    };
    (tgz, compressed, inflated)
}

#[test]
fn a_gzip_bomb_is_stopped_by_its_ratio_early() {
    let (tgz, compressed, made) = bomb();
    let result = inspect(tgz, &Limits::default());
    assert!(
        matches!(result, Err(TarballError::RatioTooHigh { limit: 100, .. })),
        "{result:?}"
    );
    // The whole bomb is about 600 KiB compressed; a few kilobytes were read, and only a few
    // megabytes of zeros were ever compressed to make them.
    assert!(compressed.get() < 64 << 10, "read {}", compressed.get());
    assert!(made.get() < 64 << 20, "made {}", made.get());
}

#[test]
fn a_gzip_bomb_is_stopped_at_the_size_limit() {
    let (tgz, _, made) = bomb();
    let limits = Limits {
        max_uncompressed_bytes: 8 << 20,
        max_ratio: u64::MAX,
        ..Limits::default()
    };
    let result = inspect(tgz, &limits);
    assert!(
        matches!(result, Err(TarballError::TooMuchData { limit }) if limit == 8 << 20),
        "{result:?}"
    );
    assert!(made.get() < 64 << 20, "made {}", made.get());
}

#[test]
fn refuses_too_many_entries() {
    let mut tar = Tar::new().file("package/package.json", MANIFEST);
    for index in 0..10_000 {
        tar = tar.ustar(
            &format!("package/files/{index:05}.js"),
            EntryType::Regular,
            format!("module.exports = {index};\n").as_bytes(),
        );
    }
    let result = check(&tar.tgz());
    assert!(
        matches!(result, Err(TarballError::TooManyEntries { limit: 10_000 })),
        "{result:?}"
    );
}

#[test]
fn the_entry_limit_counts_folders_but_not_extension_headers() {
    let limits = Limits {
        max_entries: 3,
        ..Limits::default()
    };
    let long = format!("package/{}.js", "x".repeat(150));
    let three = Tar::new()
        .ustar("package/", EntryType::Directory, b"")
        .file("package/package.json", MANIFEST)
        .file(&long, INDEX_JS);
    assert!(inspect(&three.tgz()[..], &limits).is_ok());
    let four = Tar::new()
        .ustar("package/", EntryType::Directory, b"")
        .file("package/package.json", MANIFEST)
        .file(&long, INDEX_JS)
        .ustar("package/lib/", EntryType::Directory, b"");
    assert!(matches!(
        inspect(&four.tgz()[..], &limits),
        Err(TarballError::TooManyEntries { limit: 3 })
    ));
}

#[test]
fn refuses_an_oversized_package_json() {
    let limits = Limits {
        max_package_json_bytes: 16,
        ..Limits::default()
    };
    let result = inspect(&Tar::new().package().tgz()[..], &limits);
    assert!(
        matches!(
            &result,
            Err(TarballError::PackageJsonTooLarge { name, limit: 16, .. })
                if name == "package/package.json"
        ),
        "{result:?}"
    );
}

#[test]
fn refuses_an_oversized_extension_header() {
    let tgz = Tar::new()
        .package()
        .long_name(&vec![b'a'; 100 << 10])
        .ustar("package/x.js", EntryType::Regular, b"")
        .tgz();
    assert!(matches!(
        check(&tgz),
        Err(TarballError::ExtensionTooLarge { size, .. }) if size == 100 << 10
    ));
}

// --- Names ---

fn refusal_for_name(name: &[u8]) -> Result<Inspected, TarballError> {
    let tgz = Tar::new()
        .package()
        .raw(Header::new_ustar(), name, EntryType::Regular, INDEX_JS)
        .tgz();
    check(&tgz)
}

#[test]
fn refuses_names_that_escape_or_mislead() {
    use TarballError as E;
    type Expected = fn(&TarballError) -> bool;
    let cases: &[(&[u8], Expected)] = &[
        (b"package/../evil", |e| {
            matches!(e, E::ParentComponent { .. })
        }),
        (b"package/lib/../../evil", |e| {
            matches!(e, E::ParentComponent { .. })
        }),
        (b"/abs", |e| matches!(e, E::AbsolutePath { .. })),
        (b"/package/x.js", |e| matches!(e, E::AbsolutePath { .. })),
        (b"C:/x.js", |e| matches!(e, E::AbsolutePath { .. })),
        (b"package\\..\\evil", |e| matches!(e, E::Backslash { .. })),
        (b"package/a\x1b[2J.js", |e| {
            matches!(e, E::ControlCharacter { .. })
        }),
        (b"package/a\tb.js", |e| {
            matches!(e, E::ControlCharacter { .. })
        }),
        (b"package/\xff.js", |e| matches!(e, E::NameNotUtf8 { .. })),
        (b"package//x.js", |e| {
            matches!(e, E::NonCanonicalPath { .. })
        }),
        (b"./package/x.js", |e| {
            matches!(e, E::NonCanonicalPath { .. })
        }),
        (b"package/./x.js", |e| {
            matches!(e, E::NonCanonicalPath { .. })
        }),
        (b"package/x.js/", |e| {
            matches!(e, E::NonCanonicalPath { .. })
        }),
        (b"", |e| matches!(e, E::NonCanonicalPath { .. })),
        (b"evil.js", |e| matches!(e, E::NotInFolder { .. })),
        (
            b"other/x.js",
            |e| matches!(e, E::OutsideFolder { folder, .. } if folder == "package"),
        ),
        (
            b"package/package.json",
            |e| matches!(e, E::DuplicateName { name } if name == "package/package.json"),
        ),
        (
            b"package/lib",
            |e| matches!(e, E::PathConflict { path, .. } if path == "package/lib"),
        ),
        (
            b"package/README.md/x.js",
            |e| matches!(e, E::PathConflict { path, .. } if path == "package/README.md"),
        ),
    ];
    for (name, expected) in cases {
        let result = refusal_for_name(name);
        let shown = String::from_utf8_lossy(name);
        match result {
            Err(error) => assert!(expected(&error), "{shown:?}: {error:?}"),
            Ok(_) => panic!("{shown:?} was accepted"),
        }
    }
}

#[test]
fn refuses_names_too_long_or_too_deep() {
    let long = format!("package/{}.js", "x".repeat(MAX_PATH_BYTES));
    let tgz = Tar::new().package().file(&long, INDEX_JS).tgz();
    assert!(matches!(
        check(&tgz),
        Err(TarballError::NameTooLong {
            limit: MAX_PATH_BYTES,
            ..
        })
    ));
    // 64 components pass, 65 do not.
    let path = |depth: usize| format!("package/{}x.js", "d/".repeat(depth - 2));
    let tgz = Tar::new()
        .package()
        .file(&path(MAX_PATH_DEPTH), INDEX_JS)
        .tgz();
    assert!(check(&tgz).is_ok());
    let folder = format!("package/{}", "d/".repeat(MAX_PATH_DEPTH - 1));
    let tgz = Tar::new()
        .package()
        .file(&path(MAX_PATH_DEPTH + 1), INDEX_JS)
        .tgz();
    assert!(matches!(
        check(&tgz),
        Err(TarballError::PathTooDeep {
            limit: MAX_PATH_DEPTH,
            ..
        })
    ));
    // A folder's trailing slash is not a component.
    let tgz = Tar::new().package().folder(&folder).tgz();
    assert!(check(&tgz).is_ok(), "{folder}");
}

#[test]
fn a_folders_trailing_slash_is_not_a_component() {
    let folder = "d/".repeat(MAX_PATH_DEPTH);
    assert!(check_path(folder.as_bytes(), true).is_ok());
    assert!(matches!(
        check_path(format!("{folder}d/").as_bytes(), true),
        Err(TarballError::PathTooDeep { .. })
    ));
    let file = format!("{}x", "d/".repeat(MAX_PATH_DEPTH - 1));
    assert!(check_path(file.as_bytes(), false).is_ok());
    assert!(matches!(
        check_path(format!("d/{file}").as_bytes(), false),
        Err(TarballError::PathTooDeep { .. })
    ));
}

#[test]
fn folders_are_shared_and_checked_at_every_level() {
    let tgz = Tar::new()
        .package()
        .file("package/a/b/c.js", INDEX_JS)
        .ustar("package/a/b/", EntryType::Directory, b"")
        .ustar("package/a/", EntryType::Directory, b"")
        .file("package/a/b/d.js", INDEX_JS)
        .file("package/a/e.js", INDEX_JS)
        .tgz();
    assert_eq!(check(&tgz).expect("valid").files, 6);
    let tgz = Tar::new()
        .package()
        .file("package/a/b/c.js", INDEX_JS)
        .file("package/a/b", INDEX_JS)
        .tgz();
    assert!(matches!(
        check(&tgz),
        Err(TarballError::PathConflict { name, path })
            if name == "package/a/b" && path == "package/a/b"
    ));
    let tgz = Tar::new()
        .package()
        .file("package/a", INDEX_JS)
        .file("package/a/b/c.js", INDEX_JS)
        .tgz();
    assert!(matches!(
        check(&tgz),
        Err(TarballError::PathConflict { name, path })
            if name == "package/a/b/c.js" && path == "package/a"
    ));
}

#[test]
fn refuses_duplicate_folders() {
    let tgz = Tar::new()
        .ustar("package/", EntryType::Directory, b"")
        .package()
        .ustar("package/", EntryType::Directory, b"")
        .tgz();
    assert!(matches!(
        check(&tgz),
        Err(TarballError::DuplicateName { name }) if name == "package"
    ));
}

#[test]
fn messages_name_the_entry() {
    let error = refusal_for_name(b"package/../evil").expect_err("refused");
    assert_eq!(
        error.to_string(),
        "entry \"package/../evil\" has a '..' path component"
    );
}

#[test]
fn refuses_a_long_pax_path_that_climbs_out() {
    let path = format!("package/{}../../../../evil.js", "a/".repeat(60));
    let tgz = Tar::new()
        .package()
        .pax(&[("path", path.as_bytes())])
        .ustar("package/harmless.js", EntryType::Regular, INDEX_JS)
        .tgz();
    let result = check(&tgz);
    assert!(
        matches!(&result, Err(TarballError::ParentComponent { name }) if *name == path),
        "{result:?}"
    );
}

#[test]
fn refuses_a_gnu_long_name_that_climbs_out_or_hides_a_nul() {
    let path = format!("package/{}../../../evil.js", "a/".repeat(60));
    let tgz = Tar::new()
        .package()
        .long_name(format!("{path}\0").as_bytes())
        .ustar("package/harmless.js", EntryType::Regular, INDEX_JS)
        .tgz();
    assert!(matches!(
        check(&tgz),
        Err(TarballError::ParentComponent { .. })
    ));
    let tgz = Tar::new()
        .package()
        .long_name(b"package/evil.sh\0.txt\0")
        .ustar("package/harmless.txt", EntryType::Regular, INDEX_JS)
        .tgz();
    assert!(matches!(check(&tgz), Err(TarballError::NulInName { .. })));
}

#[test]
fn refuses_a_harmful_header_name_behind_a_good_extension() {
    // A reader that ignores pax sees the header's own name.
    let tgz = Tar::new()
        .package()
        .pax(&[("path", b"package/fine.js")])
        .ustar("package/../../evil.js", EntryType::Regular, INDEX_JS)
        .tgz();
    assert!(matches!(
        check(&tgz),
        Err(TarballError::ParentComponent { name }) if name == "package/../../evil.js"
    ));
}

#[test]
fn refuses_two_names_for_one_entry() {
    let tgz = Tar::new()
        .package()
        .long_name(b"package/one.js\0")
        .pax(&[("path", b"package/two.js")])
        .ustar("package/one.js", EntryType::Regular, INDEX_JS)
        .tgz();
    assert!(matches!(
        check(&tgz),
        Err(TarballError::AmbiguousName { name, other })
            if name == "package/two.js" && other == "package/one.js"
    ));
}

#[test]
fn refuses_malformed_or_misleading_extension_headers() {
    let refused = |tar: Tar| match check(&tar.tgz()) {
        Err(TarballError::BadExtension { problem, .. }) => problem,
        other => panic!("not refused as a bad extension: {other:?}"),
    };
    let entry = |tar: Tar| tar.ustar("package/x.js", EntryType::Regular, INDEX_JS);

    let size = Tar::new().package().pax(&[("size", b"0")]);
    assert_eq!(
        refused(entry(size)),
        "pax size differs from the header's size"
    );

    let global = Tar::new().package().ustar(
        "pax_global_header",
        EntryType::XGlobalHeader,
        &pax_record("path", b"x"),
    );
    assert_eq!(refused(entry(global)), "global pax header");

    let link = Tar::new().package().pax(&[("linkpath", b"/etc/passwd")]);
    assert_eq!(refused(entry(link)), "pax link path");

    let sparse = Tar::new().package().pax(&[("GNU.sparse.size", b"1")]);
    assert_eq!(refused(entry(sparse)), "GNU sparse file");

    let repeated = Tar::new()
        .package()
        .pax(&[("path", b"package/a.js"), ("path", b"package/b.js")]);
    assert_eq!(refused(entry(repeated)), "pax key repeated");

    // A comment that node-tar, splitting at newlines, would read as a second path record.
    let inner = pax_record("path", b"package/../../evil.js");
    let mut value = b"x\n".to_vec();
    value.extend_from_slice(&inner[..inner.len() - 1]);
    let smuggled = Tar::new().package().pax(&[("comment", &value)]);
    assert_eq!(refused(entry(smuggled)), "newline inside a pax record");

    // Records after an empty line, which the tar crate's own parser would stop at.
    let mut data = pax_record("mtime", b"1");
    data.push(b'\n');
    data.extend_from_slice(&pax_record("path", b"package/../evil.js"));
    let empty_line = Tar::new()
        .package()
        .ustar("PaxHeader/x", EntryType::XHeader, &data);
    assert_eq!(refused(entry(empty_line)), "malformed pax record length");

    let wrong_length =
        Tar::new()
            .package()
            .ustar("PaxHeader/x", EntryType::XHeader, b"99 path=package/y.js\n");
    assert_eq!(
        refused(entry(wrong_length)),
        "pax record length does not match its record"
    );

    let two = Tar::new()
        .package()
        .long_name(b"package/a.js\0")
        .long_name(b"package/b.js\0");
    assert_eq!(refused(entry(two)), "two GNU long names for one entry");

    let long_link = Tar::new().package().raw(
        Header::new_gnu(),
        b"././@LongLink",
        EntryType::GNULongLink,
        b"/etc/passwd\0",
    );
    assert_eq!(refused(entry(long_link)), "GNU long link name");

    let old = Tar::new().package().raw(
        Header::new_old(),
        b"PaxHeader/x",
        EntryType::XHeader,
        &pax_record("path", b"package/y.js"),
    );
    assert_eq!(
        refused(entry(old)),
        "extension header in a pre-POSIX tar header"
    );

    let dangling = Tar::new().package().pax(&[("path", b"package/y.js")]);
    assert_eq!(refused(dangling), "no entry follows the extension header");
}

// --- Entry types ---

#[test]
fn refuses_links() {
    let mut header = Header::new_ustar();
    header.set_link_name("index.js").expect("link name");
    let symlink = Tar::new().package().raw(
        header.clone(),
        b"package/lib/link.js",
        EntryType::Symlink,
        b"",
    );
    assert!(matches!(
        check(&symlink.tgz()),
        Err(TarballError::Symlink { name }) if name == "package/lib/link.js"
    ));
    let hard_link = Tar::new()
        .package()
        .raw(header, b"package/lib/hard.js", EntryType::Link, b"");
    assert!(matches!(
        check(&hard_link.tgz()),
        Err(TarballError::HardLink { name }) if name == "package/lib/hard.js"
    ));
}

#[test]
fn refuses_devices_fifos_and_other_types() {
    for (kind, shown) in [
        (EntryType::Char, "character device"),
        (EntryType::Block, "block device"),
        (EntryType::Fifo, "FIFO"),
        (EntryType::Continuous, "entry of tar type '7'"),
        (EntryType::GNUSparse, "entry of tar type 'S'"),
        (EntryType::new(b'V'), "entry of tar type 'V'"),
    ] {
        let tgz = Tar::new().package().ustar("package/dev", kind, b"").tgz();
        match check(&tgz) {
            Err(TarballError::SpecialFile { name, kind }) => {
                assert_eq!(name, "package/dev");
                assert_eq!(kind, shown);
            }
            other => panic!("{shown}: {other:?}"),
        }
    }
}

#[test]
fn refuses_a_folder_that_carries_data() {
    let tgz = Tar::new()
        .package()
        .ustar("package/data/", EntryType::Directory, b"hidden")
        .tgz();
    assert!(matches!(
        check(&tgz),
        Err(TarballError::FolderWithData { size: 6, .. })
    ));
}

// --- package.json ---

fn with_manifest(manifest: &[u8]) -> Result<Inspected, TarballError> {
    check(
        &Tar::new()
            .file("package/package.json", manifest)
            .file("package/index.js", INDEX_JS)
            .tgz(),
    )
}

#[test]
fn refuses_a_missing_package_json() {
    let tgz = Tar::new()
        .file("package/index.js", INDEX_JS)
        .file("package/lib/package.json", MANIFEST)
        .tgz();
    assert!(matches!(
        check(&tgz),
        Err(TarballError::NoPackageJson { path }) if path == "package/package.json"
    ));
    let empty = Tar::new().tgz();
    assert!(matches!(
        check(&empty),
        Err(TarballError::NoPackageJson { .. })
    ));
}

#[test]
fn refuses_a_package_json_that_is_not_a_manifest() {
    assert!(matches!(
        with_manifest(b"{\"name\": \"demo\","),
        Err(TarballError::PackageJsonNotJson { .. })
    ));
    assert!(matches!(
        with_manifest(b"[\"name\", \"version\"]"),
        Err(TarballError::PackageJsonNotObject { name }) if name == "package/package.json"
    ));
    assert!(matches!(
        with_manifest(b"\"demo\""),
        Err(TarballError::PackageJsonNotObject { .. })
    ));
    assert!(matches!(
        with_manifest(br#"{"version":"1.0.0"}"#),
        Err(TarballError::MissingField { field: "name", .. })
    ));
    assert!(matches!(
        with_manifest(br#"{"name":"demo","version":1}"#),
        Err(TarballError::MissingField {
            field: "version",
            ..
        })
    ));
    assert!(matches!(
        with_manifest(br#"{"name":null,"version":"1.0.0"}"#),
        Err(TarballError::MissingField { field: "name", .. })
    ));
    let message = with_manifest(br#"{"version":"1.0.0"}"#)
        .expect_err("refused")
        .to_string();
    assert_eq!(message, "package/package.json has no \"name\" string");
}
