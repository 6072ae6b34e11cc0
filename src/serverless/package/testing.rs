//! Test fixture: package zips built in memory, and byte-level tampering to make hostile ones.
//!
//! This is ordinary public code rather than `cfg(test)` because unit tests, the integration
//! tests in `tests/` and the benchmarks all build their zips here. It is fixture code: a misuse
//! (renaming an entry that is not there) panics, the way a failed assertion does, because a
//! broken fixture is a broken test.
//!
//! [`ZipBuilder::build`] writes with a seekable writer, so sizes and CRCs sit in the local
//! headers (no data descriptors) and no entry carries an extra field (no zip64, no timestamps,
//! no alignment padding). That is what lets the tampering functions patch every copy of a field
//! in place; their tests check it.

use std::io::{Cursor, Write};

use zip::{CompressionMethod, DateTime, System, ZipWriter, write::SimpleFileOptions};

/// Builds a zip in memory: entries in insertion order, deflated unless added with
/// [`ZipBuilder::stored`] or [`ZipBuilder::symlink`]. The output is deterministic (every entry
/// has the DOS epoch, 1980-01-01, as its timestamp and Unix as its host system), so the same
/// calls give the same bytes and therefore the same SHA-256.
#[derive(Debug, Clone, Default)]
pub struct ZipBuilder {
    entries: Vec<Entry>,
}

#[derive(Debug, Clone)]
struct Entry {
    name: String,
    body: Body,
}

#[derive(Debug, Clone)]
enum Body {
    Deflated(Vec<u8>),
    Stored(Vec<u8>),
    Symlink(String),
    Directory,
}

impl ZipBuilder {
    /// An empty zip.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// A valid package at the root of the zip: `publish.yaml` as [`publish_yaml`] writes it,
    /// then `README.md` (`# {name}` and a line of text) and `src/index.js`.
    #[must_use]
    pub fn package(name: &str, version: &str) -> Self {
        Self::new()
            .file("publish.yaml", publish_yaml(name, version))
            .file(
                "README.md",
                format!("# {name}\n\nA test fixture package, version {version}.\n"),
            )
            .file("src/index.js", "module.exports = {};\n")
    }

    /// Adds a deflated file.
    #[must_use]
    pub fn file(mut self, name: &str, bytes: impl Into<Vec<u8>>) -> Self {
        self.push(name, Body::Deflated(bytes.into()));
        self
    }

    /// Adds a file stored without compression, so its bytes appear verbatim in the zip.
    #[must_use]
    pub fn stored(mut self, name: &str, bytes: impl Into<Vec<u8>>) -> Self {
        self.push(name, Body::Stored(bytes.into()));
        self
    }

    /// Adds a symbolic link (Unix mode `S_IFLNK | 0o777`) whose content is `target`.
    #[must_use]
    pub fn symlink(mut self, name: &str, target: &str) -> Self {
        self.push(name, Body::Symlink(target.to_owned()));
        self
    }

    /// Moves every entry added so far under `folder/`, and adds the `folder/` directory entry
    /// first, the way `zip -r` and GitHub's archives lay out a folder. Entries added after this
    /// call stay at the root, which is how a test builds a zip that is *not* one single folder.
    #[must_use]
    pub fn under(mut self, folder: &str) -> Self {
        let folder = folder.trim_end_matches('/');
        for entry in &mut self.entries {
            entry.name = format!("{folder}/{}", entry.name);
        }
        self.entries.insert(
            0,
            Entry {
                name: format!("{folder}/"),
                body: Body::Directory,
            },
        );
        self
    }

    /// Writes the zip.
    ///
    /// # Panics
    /// When the zip writer refuses an entry (for example a name it cannot encode); writing
    /// into memory cannot otherwise fail.
    #[must_use]
    pub fn build(self) -> Vec<u8> {
        let options = SimpleFileOptions::default()
            .last_modified_time(DateTime::default())
            .system(System::Unix)
            .large_file(false);
        let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
        for entry in self.entries {
            let name = entry.name;
            let written = match entry.body {
                Body::Deflated(bytes) => write_file(
                    &mut writer,
                    &name,
                    &bytes,
                    options
                        .compression_method(CompressionMethod::Deflated)
                        .unix_permissions(0o644),
                ),
                Body::Stored(bytes) => write_file(
                    &mut writer,
                    &name,
                    &bytes,
                    options
                        .compression_method(CompressionMethod::Stored)
                        .unix_permissions(0o644),
                ),
                Body::Symlink(target) => writer.add_symlink(name.as_str(), target, options),
                Body::Directory => {
                    writer.add_directory(name.as_str(), options.unix_permissions(0o755))
                }
            };
            if let Err(error) = written {
                panic!("fixture zip: cannot write entry {name:?}: {error}");
            }
        }
        match writer.finish() {
            Ok(cursor) => cursor.into_inner(),
            Err(error) => panic!("fixture zip: cannot finish: {error}"),
        }
    }

    fn push(&mut self, name: &str, body: Body) {
        self.entries.push(Entry {
            name: name.to_owned(),
            body,
        });
    }
}

fn write_file(
    writer: &mut ZipWriter<Cursor<Vec<u8>>>,
    name: &str,
    bytes: &[u8],
    options: SimpleFileOptions,
) -> zip::result::ZipResult<()> {
    writer.start_file(name, options)?;
    writer.write_all(bytes)?;
    Ok(())
}

/// A valid v3 `publish.yaml`: Edition 3.0.0, Type Component, the given Name and Version,
/// Provider `[alibaba]`, a Description and Tags `[fixture, test]`.
#[must_use]
pub fn publish_yaml(name: &str, version: &str) -> String {
    format!(
        "Edition: 3.0.0\n\
         Type: Component\n\
         Name: {name}\n\
         Version: {version}\n\
         Provider:\n  - alibaba\n\
         Description: The {name} test fixture\n\
         Tags:\n  - fixture\n  - test\n"
    )
}

/// Sets general-purpose bit 0 ("encrypted") in every local and central header. The data
/// stays plain; a reader that trusted the flag would ask for a password.
///
/// # Panics
/// When `zip` is not a zip [`ZipBuilder`] could have written.
pub fn set_encrypted_flag(zip: &mut [u8]) {
    for header in headers(zip) {
        let flags = read_u16(zip, header.central + CENTRAL_FLAGS) | 1;
        write_u16(zip, header.central + CENTRAL_FLAGS, flags);
        let flags = read_u16(zip, header.local + LOCAL_FLAGS) | 1;
        write_u16(zip, header.local + LOCAL_FLAGS, flags);
    }
}

/// Renames the first entry called `from` to `to` in its local and central headers. The names
/// must have the same length in bytes; `to` may be anything, including names the zip writer
/// refuses (`../x`, `/x`, `a\b`, a NUL byte, or another entry's name to make a duplicate).
///
/// # Panics
/// When the lengths differ or no entry is called `from`.
pub fn rename_entry(zip: &mut [u8], from: &str, to: &str) {
    assert_eq!(
        from.len(),
        to.len(),
        "rename_entry: {from:?} and {to:?} differ in length"
    );
    let header = find(zip, from);
    let central = header.central + CENTRAL_NAME;
    zip[central..central + to.len()].copy_from_slice(to.as_bytes());
    let local = header.local + LOCAL_NAME;
    zip[local..local + to.len()].copy_from_slice(to.as_bytes());
}

/// Makes the entry `entry` declare `size` as its uncompressed size in its local and central
/// headers (and in its data descriptor, if it had one), leaving the data as it was: a liar.
///
/// # Panics
/// When no entry is called `entry`.
pub fn set_declared_size(zip: &mut [u8], entry: &str, size: u32) {
    let header = find(zip, entry);
    write_u32(zip, header.central + CENTRAL_SIZE, size);
    write_u32(zip, header.local + LOCAL_SIZE, size);
    if read_u16(zip, header.local + LOCAL_FLAGS) & DATA_DESCRIPTOR_FLAG != 0 {
        // The descriptor follows the data: [signature] crc32, compressed size, size.
        let data = header.local
            + LOCAL_NAME
            + usize::from(read_u16(zip, header.local + LOCAL_NAME_LEN))
            + usize::from(read_u16(zip, header.local + LOCAL_EXTRA_LEN));
        let mut descriptor = data + read_u32(zip, header.central + CENTRAL_COMPRESSED) as usize;
        if zip[descriptor..].starts_with(DATA_DESCRIPTOR_SIGNATURE) {
            descriptor += 4;
        }
        write_u32(zip, descriptor + 8, size);
    }
}

// Offsets in the fixed part of a central directory header (APPNOTE 4.3.12).
const CENTRAL_SIGNATURE: &[u8] = b"PK\x01\x02";
const CENTRAL_FLAGS: usize = 8;
const CENTRAL_COMPRESSED: usize = 20;
const CENTRAL_SIZE: usize = 24;
const CENTRAL_NAME_LEN: usize = 28;
const CENTRAL_EXTRA_LEN: usize = 30;
const CENTRAL_COMMENT_LEN: usize = 32;
const CENTRAL_LOCAL_OFFSET: usize = 42;
const CENTRAL_NAME: usize = 46;
// Offsets in the fixed part of a local file header (APPNOTE 4.3.7).
const LOCAL_SIGNATURE: &[u8] = b"PK\x03\x04";
const LOCAL_FLAGS: usize = 6;
const LOCAL_SIZE: usize = 22;
const LOCAL_NAME_LEN: usize = 26;
const LOCAL_EXTRA_LEN: usize = 28;
const LOCAL_NAME: usize = 30;
// End of central directory record (APPNOTE 4.3.16).
const END_SIGNATURE: &[u8] = b"PK\x05\x06";
const END_LEN: usize = 22;
const DATA_DESCRIPTOR_FLAG: u16 = 1 << 3;
const DATA_DESCRIPTOR_SIGNATURE: &[u8] = b"PK\x07\x08";

/// Where one entry's two headers start.
struct Header {
    central: usize,
    local: usize,
}

/// Every entry's headers, walking the central directory the end record points to.
fn headers(zip: &[u8]) -> Vec<Header> {
    let end = (0..=zip.len().saturating_sub(END_LEN))
        .rev()
        .find(|&at| zip[at..].starts_with(END_SIGNATURE))
        .unwrap_or_else(|| panic!("fixture zip: no end of central directory record"));
    let count = read_u16(zip, end + 10);
    let mut central = read_u32(zip, end + 16) as usize;
    let mut found = Vec::with_capacity(usize::from(count));
    for _ in 0..count {
        assert!(
            zip[central..].starts_with(CENTRAL_SIGNATURE),
            "fixture zip: bad central header"
        );
        let local = read_u32(zip, central + CENTRAL_LOCAL_OFFSET) as usize;
        assert!(
            zip[local..].starts_with(LOCAL_SIGNATURE),
            "fixture zip: bad local header"
        );
        found.push(Header { central, local });
        central += CENTRAL_NAME
            + usize::from(read_u16(zip, central + CENTRAL_NAME_LEN))
            + usize::from(read_u16(zip, central + CENTRAL_EXTRA_LEN))
            + usize::from(read_u16(zip, central + CENTRAL_COMMENT_LEN));
    }
    found
}

fn find(zip: &[u8], name: &str) -> Header {
    headers(zip)
        .into_iter()
        .find(|header| {
            let len = usize::from(read_u16(zip, header.central + CENTRAL_NAME_LEN));
            let start = header.central + CENTRAL_NAME;
            &zip[start..start + len] == name.as_bytes()
        })
        .unwrap_or_else(|| panic!("fixture zip: no entry named {name:?}"))
}

fn read_u16(zip: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([zip[at], zip[at + 1]])
}

fn read_u32(zip: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([zip[at], zip[at + 1], zip[at + 2], zip[at + 3]])
}

fn write_u16(zip: &mut [u8], at: usize, value: u16) {
    zip[at..at + 2].copy_from_slice(&value.to_le_bytes());
}

fn write_u32(zip: &mut [u8], at: usize, value: u32) {
    zip[at..at + 4].copy_from_slice(&value.to_le_bytes());
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use zip::ZipArchive;

    use super::*;

    fn open(zip: &[u8]) -> ZipArchive<Cursor<&[u8]>> {
        ZipArchive::new(Cursor::new(zip)).expect("fixture zips are readable")
    }

    #[test]
    fn same_calls_give_same_bytes() {
        let build = || {
            ZipBuilder::package("demo", "1.0.0")
                .stored("data.bin", vec![1u8; 10])
                .build()
        };
        assert_eq!(build(), build());
        assert_ne!(build(), ZipBuilder::package("demo", "1.0.1").build());
    }

    #[test]
    fn package_holds_the_documented_entries() {
        let zip = ZipBuilder::package("demo", "1.2.3").build();
        let mut archive = open(&zip);
        let names: Vec<_> = archive
            .file_names()
            .map(|n| n.expect("utf-8").into_owned())
            .collect();
        assert_eq!(names, ["publish.yaml", "README.md", "src/index.js"]);
        let mut yaml = String::new();
        archive
            .by_name("publish.yaml")
            .expect("publish.yaml")
            .read_to_string(&mut yaml)
            .expect("read");
        assert_eq!(yaml, publish_yaml("demo", "1.2.3"));
        let manifest =
            crate::serverless::package::manifest::parse(yaml.as_bytes()).expect("valid manifest");
        assert_eq!(manifest.name.as_str(), "demo");
        assert_eq!(manifest.provider, ["alibaba"]);
    }

    #[test]
    fn under_moves_existing_entries_and_adds_the_folder() {
        let zip = ZipBuilder::package("demo", "1.0.0")
            .under("demo-1.0.0")
            .file("stray.txt", "x")
            .build();
        let archive = open(&zip);
        let names: Vec<_> = archive
            .file_names()
            .map(|n| n.expect("utf-8").into_owned())
            .collect();
        assert_eq!(
            names,
            [
                "demo-1.0.0/",
                "demo-1.0.0/publish.yaml",
                "demo-1.0.0/README.md",
                "demo-1.0.0/src/index.js",
                "stray.txt"
            ]
        );
    }

    /// The tampering functions patch fields in place; that only works because the writer
    /// leaves no other copy of them (data descriptor, zip64 extra field).
    #[test]
    fn headers_carry_no_data_descriptor_and_no_extra_fields() {
        let zip = ZipBuilder::package("demo", "1.0.0")
            .stored("s", "x")
            .symlink("l", "t")
            .under("d")
            .build();
        let headers = headers(&zip);
        assert_eq!(headers.len(), 6);
        for header in headers {
            assert_eq!(
                read_u16(&zip, header.local + LOCAL_FLAGS) & DATA_DESCRIPTOR_FLAG,
                0
            );
            assert_eq!(read_u16(&zip, header.local + LOCAL_EXTRA_LEN), 0);
            assert_eq!(read_u16(&zip, header.central + CENTRAL_EXTRA_LEN), 0);
        }
    }

    #[test]
    fn tampering_changes_local_and_central_headers_alike() {
        let mut zip = ZipBuilder::package("demo", "1.0.0")
            .file("two.txt", "2")
            .build();
        rename_entry(&mut zip, "two.txt", "../x.tx");
        set_declared_size(&mut zip, "README.md", 7);
        set_encrypted_flag(&mut zip);
        let mut archive = open(&zip);
        // The archive-wide check compares every local header with its central one.
        archive
            .validate_header_consistency()
            .expect("headers agree");
        let names: Vec<_> = archive.file_names_raw().map(<[u8]>::to_vec).collect();
        assert!(names.contains(&b"../x.tx".to_vec()));
        let readme = archive.by_index_data(1).expect("README.md");
        assert_eq!(readme.size(), 7);
        assert!((0..archive.len()).all(|i| archive.by_index_data(i).expect("entry").encrypted()));
    }

    #[test]
    fn symlinks_carry_the_link_mode() {
        let zip = ZipBuilder::new().symlink("link", "/etc/passwd").build();
        let archive = open(&zip);
        let link = archive.by_index_data(0).expect("link");
        assert_eq!((link.external_attributes() >> 16) & 0o170_000, 0o120_000);
    }
}
