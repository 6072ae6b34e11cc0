//! The untrusted zip: everything a package zip must satisfy before Shelf stores or serves it.
//!
//! A zip comes from a stranger and is later unpacked by every user who installs it, with
//! whatever zip library their tooling uses. So the checks are about what *any* reader would
//! see, not only this one: no name that escapes the folder it is unpacked into, no two names
//! for one path, no links, no encryption, no size that lies, no headers that disagree.
//!
//! The checks run cheapest first and nothing is written to disk:
//! 1. the stream's length, before parsing anything;
//! 2. the central directory: counts, names, kinds and declared sizes, without reading any
//!    entry's data;
//! 3. the raw central records, for what the zip crate folds away (repeated names, a second
//!    name in a Unicode Path field), and the local headers against the central ones;
//! 4. one pass that inflates every entry into a sink through a reader that stops one byte past
//!    the declared size, so a bomb with lying headers costs at most what it declared.
//!
//! Only `publish.yaml` (at most [`Limits::max_manifest_bytes`]) and the readme (at most
//! [`README_CAP`] bytes and change) are ever held in memory.

use std::collections::HashSet;
use std::io::{self, Read, Seek, SeekFrom};

use zip::{
    CompressionMethod, ZipArchive, ZipReadOptions, read::ZipArchiveMetadata, result::ZipError,
};

use super::{Manifest, ManifestError, manifest};
use crate::index::README_CAP;

/// Entries this size or smaller (uncompressed) are exempt from [`Limits::max_ratio`]: a small
/// text file of repeated lines legitimately deflates 200:1 and can do no harm, since the sum
/// of all sizes is capped by [`Limits::max_uncompressed_bytes`] anyway. Above it, a ratio over
/// the limit is the signature of a zip bomb (real source and assets deflate 2–20:1).
pub const RATIO_EXEMPT_BYTES: u64 = 1 << 20;

/// Limits on what a zip may hold. Every limit is checked before any entry is inflated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Largest zip accepted, in bytes: the upload limit. Default 64 MiB.
    pub max_zip_bytes: u64,
    /// Most entries (files, folders) in one zip. Default 10 000.
    pub max_entries: usize,
    /// Largest sum of the entries' declared uncompressed sizes, in bytes. Default 512 MiB.
    pub max_uncompressed_bytes: u64,
    /// Highest uncompressed-to-compressed ratio of one entry larger than
    /// [`RATIO_EXEMPT_BYTES`]. Default 100.
    pub max_ratio: u64,
    /// Largest `publish.yaml`, in bytes. Default 1 MiB.
    pub max_manifest_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_zip_bytes: 64 << 20,
            max_entries: 10_000,
            max_uncompressed_bytes: 512 << 20,
            max_ratio: 100,
            max_manifest_bytes: 1 << 20,
        }
    }
}

/// What a valid zip told us.
#[derive(Debug, Clone)]
pub struct Inspected {
    /// The checked `publish.yaml`.
    pub manifest: Manifest,
    /// `README.md` (any case) from the folder that holds `publish.yaml`, cut to at most
    /// [`README_CAP`] bytes at a character boundary; invalid UTF-8 is replaced with U+FFFD.
    /// Empty when there is none.
    pub readme: String,
    /// Set when the readme was longer than [`README_CAP`] and was cut.
    pub readme_truncated: bool,
    /// Number of entries, folders included.
    pub entries: usize,
    /// Sum of the entries' uncompressed sizes, in bytes (declared and verified).
    pub uncompressed_bytes: u64,
}

/// Why a zip was refused. Every variant but [`ArchiveError::Io`] is the uploader's mistake (or
/// attack); the message names the cause and, where there is one, the entry.
#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    #[error("the zip is {size} bytes, larger than the limit of {limit} bytes")]
    TooLarge { size: u64, limit: u64 },
    #[error("could not read the zip")]
    Io(#[source] io::Error),
    #[error("the upload is not a readable zip archive")]
    NotAZip(#[source] ZipError),
    #[error("the zip starts with {bytes} bytes that are not part of the archive")]
    LeadingData { bytes: u64 },
    #[error("the zip has more than {limit} entries")]
    TooManyEntries { limit: usize },
    #[error("entry name {name:?} is not valid UTF-8")]
    NameNotUtf8 { name: String },
    #[error("entry name {name:?} contains a NUL byte")]
    NulInName { name: String },
    #[error("entry name {name:?} contains a backslash; zip paths separate folders with '/'")]
    Backslash { name: String },
    #[error("entry {name:?} has an absolute path")]
    AbsolutePath { name: String },
    #[error("entry {name:?} has a '..' path component")]
    ParentComponent { name: String },
    #[error("entry {name:?} has an empty or '.' path component")]
    NonCanonicalPath { name: String },
    #[error("entry {name:?} carries a different second name in a Unicode Path extra field")]
    AmbiguousName { name: String },
    #[error("duplicate entry name {name:?}")]
    DuplicateName { name: String },
    #[error("entry {name:?} is a symlink; packages may hold only files and folders")]
    Symlink { name: String },
    #[error("entry {name:?} is encrypted; packages must not be encrypted")]
    Encrypted { name: String },
    #[error(
        "entry {name:?} uses compression method {method}; only stored and deflate are accepted"
    )]
    UnsupportedCompression {
        name: String,
        method: CompressionMethod,
    },
    #[error("the entries add up to more than {limit} bytes uncompressed")]
    TooMuchData { limit: u64 },
    #[error(
        "entry {name:?} declares {size} bytes from {compressed} compressed, a compression ratio \
         over the limit of {limit}:1"
    )]
    RatioTooHigh {
        name: String,
        size: u64,
        compressed: u64,
        limit: u64,
    },
    #[error("entry {name:?} has a local header that disagrees with the central directory")]
    HeaderMismatch {
        name: String,
        #[source]
        source: ZipError,
    },
    #[error(
        "the zip's layout is inconsistent: entries overlap or are missing from the central directory"
    )]
    Inconsistent(#[source] ZipError),
    #[error("no publish.yaml at the root of the zip or in its single top-level folder")]
    NoManifest,
    #[error("{name} is {size} bytes, larger than the limit of {limit} bytes")]
    ManifestTooLarge { name: String, size: u64, limit: u64 },
    #[error("{name} is not a valid package manifest")]
    Manifest {
        name: String,
        #[source]
        source: ManifestError,
    },
    #[error("entry {name:?} inflates beyond its declared size")]
    InflatesBeyondDeclared { name: String },
    #[error("entry {name:?} inflates to {actual} bytes, fewer than the {declared} it declares")]
    ShorterThanDeclared {
        name: String,
        declared: u64,
        actual: u64,
    },
    #[error("entry {name:?} is corrupt")]
    CorruptEntry {
        name: String,
        #[source]
        source: ZipError,
    },
}

/// One entry as the central directory describes it, after its name passed [`check_name`].
struct Entry {
    name: String,
    size: u64,
    central_header_start: u64,
}

/// Checks an untrusted zip without extracting it to disk.
///
/// # Errors
/// The first [`ArchiveError`] the zip runs into, in the order the module documentation gives.
pub fn inspect<R: Read + Seek>(mut reader: R, limits: &Limits) -> Result<Inspected, ArchiveError> {
    // Stops an oversized upload from costing a parse; the staging step also caps the stream,
    // this guards every other caller.
    let size = reader.seek(SeekFrom::End(0)).map_err(ArchiveError::Io)?;
    if size > limits.max_zip_bytes {
        return Err(ArchiveError::TooLarge {
            size,
            limit: limits.max_zip_bytes,
        });
    }

    // The central directory only. The archive is dropped at once so that the raw reads below
    // can use the reader; `verify_data` parses it again.
    let (metadata, directory_start, offset) = {
        let archive = ZipArchive::new(&mut reader).map_err(ArchiveError::NotAZip)?;
        (
            archive.metadata(),
            archive.central_directory_start(),
            archive.offset(),
        )
    };
    // Stops polyglots (a file that is also an HTML page or an executable) and readers that
    // parse from the front and would see the prefix.
    if offset != 0 {
        return Err(ArchiveError::LeadingData { bytes: offset });
    }
    // Stops central directories with millions of entries that exhaust memory or inodes.
    if metadata.len() > limits.max_entries {
        return Err(ArchiveError::TooManyEntries {
            limit: limits.max_entries,
        });
    }

    let (entries, uncompressed_bytes) = check_entries(&metadata, limits)?;
    check_raw_records(&mut reader, directory_start, &entries, limits.max_entries)?;

    let (manifest_index, folder) = locate_manifest(&entries)?;
    let manifest_entry = &entries[manifest_index];
    // Stops a huge publish.yaml from being held in memory and handed to the YAML parser.
    if manifest_entry.size > limits.max_manifest_bytes {
        return Err(ArchiveError::ManifestTooLarge {
            name: manifest_entry.name.clone(),
            size: manifest_entry.size,
            limit: limits.max_manifest_bytes,
        });
    }
    let manifest_cap = usize::try_from(limits.max_manifest_bytes).unwrap_or(usize::MAX);
    let mut captures = [
        Capture {
            index: Some(manifest_index),
            cap: manifest_cap,
            bytes: Vec::new(),
        },
        Capture {
            index: locate_readme(&entries, folder),
            // Four bytes past the cap, so the character the cut falls in is decoded whole.
            cap: README_CAP.saturating_add(4),
            bytes: Vec::new(),
        },
    ];
    verify_data(&mut reader, &entries, &mut captures)?;
    let [manifest_bytes, readme_bytes] = captures.map(|capture| capture.bytes);

    let manifest = manifest::parse(&manifest_bytes).map_err(|source| ArchiveError::Manifest {
        name: manifest_entry.name.clone(),
        source,
    })?;
    let (readme, readme_truncated) = readme_text(&readme_bytes);
    Ok(Inspected {
        manifest,
        readme,
        readme_truncated,
        entries: entries.len(),
        uncompressed_bytes,
    })
}

/// The central directory's view of every entry, checked without reading any entry's data.
/// Returns the entries and the sum of their declared sizes.
fn check_entries(
    metadata: &ZipArchiveMetadata,
    limits: &Limits,
) -> Result<(Vec<Entry>, u64), ArchiveError> {
    let mut entries = Vec::with_capacity(metadata.len());
    let mut uncompressed_bytes: u64 = 0;
    for index in 0..metadata.len() {
        let entry = metadata.entry(index).map_err(ArchiveError::NotAZip)?;
        let name = check_name(entry.name_raw())?;
        // Stops symlinks that point outside the unpack folder (`link -> /etc`, then
        // `link/passwd`). Read from the raw attributes whatever the "made by" system says,
        // because some extractors honour the Unix mode bits on any zip.
        if (entry.external_attributes() >> 16) & S_IFMT == S_IFLNK {
            return Err(ArchiveError::Symlink { name });
        }
        // Stops content that cannot be checked: encrypted data cannot be inflated, so it could
        // hide anything. Checked on the flags, before any decompression is attempted.
        if entry.encrypted() {
            return Err(ArchiveError::Encrypted { name });
        }
        // Stops methods that users' extractors may not support, or support differently.
        let method = entry.compression();
        if method != CompressionMethod::Stored && method != CompressionMethod::Deflated {
            return Err(ArchiveError::UnsupportedCompression { name, method });
        }
        // Stops zip bombs by their declared sizes, before inflating anything; the inflation
        // pass then holds every entry to what it declared here.
        let size = entry.size();
        uncompressed_bytes = uncompressed_bytes.saturating_add(size);
        if uncompressed_bytes > limits.max_uncompressed_bytes {
            return Err(ArchiveError::TooMuchData {
                limit: limits.max_uncompressed_bytes,
            });
        }
        let compressed = entry.compressed_size();
        if size > RATIO_EXEMPT_BYTES && size > compressed.saturating_mul(limits.max_ratio) {
            return Err(ArchiveError::RatioTooHigh {
                name,
                size,
                compressed,
                limit: limits.max_ratio,
            });
        }
        entries.push(Entry {
            name,
            size,
            central_header_start: entry.central_header_start(),
        });
    }
    Ok((entries, uncompressed_bytes))
}

/// The first `cap` bytes of the entry at `index`, kept while it is inflated.
struct Capture {
    index: Option<usize>,
    cap: usize,
    bytes: Vec<u8>,
}

/// Checks the local headers and the layout, then inflates every entry into a sink, each held
/// to its declared size, filling `captures` on the way.
fn verify_data<R: Read + Seek>(
    reader: &mut R,
    entries: &[Entry],
    captures: &mut [Capture],
) -> Result<(), ArchiveError> {
    // Parsed again (same bytes, same result) now that the raw reads are done with the reader;
    // at most `max_entries` records, so cheap.
    let mut archive = ZipArchive::new(reader).map_err(ArchiveError::NotAZip)?;
    // Stops parser differentials: a streaming extractor reads local headers, the checks so far
    // read the central directory, so both must say the same (name, sizes, flags, method).
    for (index, entry) in entries.iter().enumerate() {
        let options = ZipReadOptions::new().enforce_header_consistency(true);
        if let Err(source) = archive.by_index_with_options(index, options) {
            return Err(ArchiveError::HeaderMismatch {
                name: entry.name.clone(),
                source,
            });
        }
    }
    // Stops overlapping entries (the "non-recursive" zip bomb, many entries sharing one
    // compressed block) and local headers hidden between listed entries.
    archive
        .validate_header_consistency()
        .map_err(ArchiveError::Inconsistent)?;

    for (index, entry) in entries.iter().enumerate() {
        let capture = captures
            .iter_mut()
            .find(|capture| capture.index == Some(index));
        let mut file = archive
            .by_index(index)
            .map_err(|source| ArchiveError::CorruptEntry {
                name: entry.name.clone(),
                source,
            })?;
        drain(&mut file, entry, capture)?;
    }
    Ok(())
}

const S_IFMT: u32 = 0o170_000;
const S_IFLNK: u32 = 0o120_000;

/// Checks a raw entry name and returns it as text. Works on the bytes in the zip, not on the
/// zip crate's sanitised name, because extractors see the bytes.
fn check_name(raw: &[u8]) -> Result<String, ArchiveError> {
    let shown = || String::from_utf8_lossy(raw).into_owned();
    // Stops names that C-based extractors cut short at the NUL, so they write a different
    // file than the one checked (`evil.sh\0.txt`).
    if raw.contains(&0) {
        return Err(ArchiveError::NulInName { name: shown() });
    }
    // Stops names that mean different paths to readers that decode them differently
    // (CP437 versus UTF-8).
    let Ok(name) = std::str::from_utf8(raw) else {
        return Err(ArchiveError::NameNotUtf8 { name: shown() });
    };
    let name = name.to_owned();
    // Stops `..\..\x` path traversal on Windows, where a backslash separates folders.
    if name.contains('\\') {
        return Err(ArchiveError::Backslash { name });
    }
    // Stops writing anywhere on the disk: `/etc/x`, `//server/share`, `C:\x` and `C:x`.
    let bytes = name.as_bytes();
    if name.starts_with('/')
        || (bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':')
    {
        return Err(ArchiveError::AbsolutePath { name });
    }
    let path = name.strip_suffix('/').unwrap_or(&name);
    // Stops "zip slip": `../../.bashrc` climbing out of the folder the package is unpacked in.
    if path.split('/').any(|part| part == "..") {
        return Err(ArchiveError::ParentComponent { name });
    }
    // Stops one path having several spellings (`a//b`, `./a`, `a/./b`), which would slip a
    // second copy of a file past the duplicate check; also refuses the empty name.
    if path.split('/').any(|part| part.is_empty() || part == ".") {
        return Err(ArchiveError::NonCanonicalPath { name });
    }
    Ok(name)
}

/// Reads the central directory's records straight from the bytes, for the two things the zip
/// crate folds away: several records with one name (it keeps the last), and an Info-ZIP
/// Unicode Path field (0x7075), whose name it uses instead of the header's.
fn check_raw_records<R: Read + Seek>(
    reader: &mut R,
    directory_start: u64,
    entries: &[Entry],
    max_entries: usize,
) -> Result<(), ArchiveError> {
    // The directory is one run of records; the crate kept the last record of every name, so
    // the furthest kept record is the run's last.
    let Some(last) = entries.iter().map(|e| e.central_header_start).max() else {
        return Ok(());
    };
    let mut seen = HashSet::with_capacity(entries.len());
    let mut position = directory_start;
    for _ in 0..=max_entries {
        let record = read_record(reader, position).map_err(|e| ArchiveError::NotAZip(e.into()))?;
        // Stops a name that readers honouring the Unicode Path field see differently from
        // readers that ignore it: both names must be the same bytes.
        if record
            .unicode_path
            .as_ref()
            .is_some_and(|path| *path != record.name)
        {
            let name = String::from_utf8_lossy(&record.name).into_owned();
            return Err(ArchiveError::AmbiguousName { name });
        }
        // Stops two entries unpacking to one path, where the later silently replaces the
        // checked one; `a/` and `a` count as the same path.
        let key = record
            .name
            .strip_suffix(b"/")
            .unwrap_or(&record.name)
            .to_vec();
        if !seen.insert(key) {
            let name = String::from_utf8_lossy(&record.name).into_owned();
            return Err(ArchiveError::DuplicateName { name });
        }
        if position >= last {
            return Ok(());
        }
        position = record.next;
    }
    // Only reachable through repeated names, which the crate counted once.
    Err(ArchiveError::TooManyEntries { limit: max_entries })
}

struct RawRecord {
    name: Vec<u8>,
    unicode_path: Option<Vec<u8>>,
    next: u64,
}

/// One central directory record (APPNOTE 4.3.12): 46 fixed bytes, then name, extra field and
/// comment.
fn read_record<R: Read + Seek>(reader: &mut R, position: u64) -> io::Result<RawRecord> {
    let mut fixed = [0u8; 46];
    reader.seek(SeekFrom::Start(position))?;
    reader.read_exact(&mut fixed)?;
    if fixed[..4] != *b"PK\x01\x02" {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "central directory record expected",
        ));
    }
    let length = |at: usize| usize::from(u16::from_le_bytes([fixed[at], fixed[at + 1]]));
    let (name_len, extra_len, comment_len) = (length(28), length(30), length(32));
    let mut name = vec![0u8; name_len];
    reader.read_exact(&mut name)?;
    let mut extra = vec![0u8; extra_len];
    reader.read_exact(&mut extra)?;
    // Each extra field is a tag, a length and that many bytes; the Unicode Path field's data
    // is a version byte, the CRC-32 of the header name, then the UTF-8 name.
    let mut unicode_path = None;
    let mut rest = extra.as_slice();
    while let [t0, t1, l0, l1, tail @ ..] = rest {
        let (tag, len) = (
            u16::from_le_bytes([*t0, *t1]),
            usize::from(u16::from_le_bytes([*l0, *l1])),
        );
        let Some((data, after)) = tail.split_at_checked(len) else {
            break;
        };
        if tag == 0x7075 {
            unicode_path = Some(data.get(5..).unwrap_or_default().to_vec());
        }
        rest = after;
    }
    let next = position + 46 + (name_len + extra_len + comment_len) as u64;
    Ok(RawRecord {
        name,
        unicode_path,
        next,
    })
}

/// Finds `publish.yaml` at the root, or in the single top-level folder every entry shares
/// (the shape of GitHub's archives and of `zip -r pkg.zip pkg`). Returns its index and the
/// folder prefix (`""` or `"pkg/"`).
fn locate_manifest(entries: &[Entry]) -> Result<(usize, &str), ArchiveError> {
    let find = |path: &str| entries.iter().position(|e| e.name == path);
    if let Some(index) = find("publish.yaml") {
        return Ok((index, ""));
    }
    // "pkg/" from the first entry, kept only when every entry lies under it.
    let prefix = entries
        .first()
        .and_then(|e| e.name.find('/').map(|slash| &e.name[..=slash]))
        .filter(|prefix| entries.iter().all(|e| e.name.starts_with(prefix)));
    prefix
        .and_then(|prefix| Some((find(&format!("{prefix}publish.yaml"))?, prefix)))
        .ok_or(ArchiveError::NoManifest)
}

/// The readme next to `publish.yaml`: `README.md` if present, otherwise the first entry whose
/// name is `readme.md` in any case.
fn locate_readme(entries: &[Entry], folder: &str) -> Option<usize> {
    let named = |e: &Entry, exact: bool| {
        e.name.strip_prefix(folder).is_some_and(|rest| {
            rest == "README.md" || (!exact && rest.eq_ignore_ascii_case("README.md"))
        })
    };
    entries
        .iter()
        .position(|e| named(e, true))
        .or_else(|| entries.iter().position(|e| named(e, false)))
}

/// Inflates one entry into nothing, holding it to its declared size, and fills `capture`.
fn drain(
    file: &mut impl Read,
    entry: &Entry,
    mut capture: Option<&mut Capture>,
) -> Result<(), ArchiveError> {
    let declared = entry.size;
    let name = || entry.name.clone();
    let mut buffer = [0u8; 16 * 1024];
    let mut total: u64 = 0;
    loop {
        // Never ask for more than the declared size, then for exactly one byte more: a bomb
        // behind lying headers is caught after `declared + 1` bytes, not after gigabytes.
        let want = if total < declared {
            usize::try_from(declared - total).map_or(buffer.len(), |left| left.min(buffer.len()))
        } else {
            1
        };
        match file.read(&mut buffer[..want]) {
            Ok(0) => break,
            Ok(n) => {
                total += n as u64;
                if total > declared {
                    return Err(ArchiveError::InflatesBeyondDeclared { name: name() });
                }
                if let Some(capture) = capture.as_deref_mut() {
                    let room = capture.cap.saturating_sub(capture.bytes.len()).min(n);
                    capture.bytes.extend_from_slice(&buffer[..room]);
                }
            }
            Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
            // The zip crate enforces the declared size too, and fails the read that crosses
            // it with this message before our own count can see the extra byte.
            Err(error)
                if total == declared
                    && error.to_string().contains("declared uncompressed size") =>
            {
                return Err(ArchiveError::InflatesBeyondDeclared { name: name() });
            }
            // A CRC mismatch or broken deflate data.
            Err(error) => {
                return Err(ArchiveError::CorruptEntry {
                    name: name(),
                    source: error.into(),
                });
            }
        }
    }
    if total < declared {
        return Err(ArchiveError::ShorterThanDeclared {
            name: name(),
            declared,
            actual: total,
        });
    }
    Ok(())
}

/// The readme as text, cut to [`README_CAP`] bytes at a character boundary. `bytes` holds at
/// least four bytes more than the cap when the file was longer, so the cut never lands in a
/// character that the capture itself split.
fn readme_text(bytes: &[u8]) -> (String, bool) {
    let mut text = String::from_utf8_lossy(bytes).into_owned();
    if text.len() <= README_CAP {
        return (text, false);
    }
    let mut end = README_CAP;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.truncate(end);
    (text, true)
}

#[cfg(test)]
mod tests {
    use std::io::{Cursor, Write};

    use super::*;
    use crate::package::testing::{self, ZipBuilder, publish_yaml};

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
        let sizes =
            publish_yaml("demo", "1.0.0").len() + readme.len() + "module.exports = {};\n".len();
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
        let both = ZipBuilder::new()
            .file("publish.yaml", yaml.as_str())
            .file("Readme.md", "mixed")
            .file("README.md", "exact");
        assert_eq!(check(&both.build()).expect("valid").readme, "exact");
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
}
#[cfg(test)]
mod scratch_memory {
    #[test]
    #[ignore]
    fn many_central_records() {
        let count: u32 = 1_250_000;
        let mut zip = Vec::new();
        let cd_start = zip.len() as u32;
        for i in 0..count {
            let name = format!("{:07}", i);
            let mut rec = vec![0u8; 46];
            rec[..4].copy_from_slice(b"PK\x01\x02");
            rec[28..30].copy_from_slice(&(name.len() as u16).to_le_bytes());
            zip.extend_from_slice(&rec);
            zip.extend_from_slice(name.as_bytes());
        }
        let cd_size = zip.len() as u32 - cd_start;
        // zip64 end record + locator for >65535 entries
        let z64_at = zip.len() as u64;
        let mut z64 = vec![0u8; 56];
        z64[..4].copy_from_slice(b"PK\x06\x06");
        z64[4..12].copy_from_slice(&44u64.to_le_bytes());
        z64[24..32].copy_from_slice(&(count as u64).to_le_bytes());
        z64[32..40].copy_from_slice(&(count as u64).to_le_bytes());
        z64[40..48].copy_from_slice(&(cd_size as u64).to_le_bytes());
        z64[48..56].copy_from_slice(&(cd_start as u64).to_le_bytes());
        zip.extend_from_slice(&z64);
        let mut loc = vec![0u8; 20];
        loc[..4].copy_from_slice(b"PK\x06\x07");
        loc[8..16].copy_from_slice(&z64_at.to_le_bytes());
        loc[16..20].copy_from_slice(&1u32.to_le_bytes());
        zip.extend_from_slice(&loc);
        let mut end = vec![0u8; 22];
        end[..4].copy_from_slice(b"PK\x05\x06");
        end[8..10].copy_from_slice(&0xFFFFu16.to_le_bytes());
        end[10..12].copy_from_slice(&0xFFFFu16.to_le_bytes());
        end[12..16].copy_from_slice(&0xFFFF_FFFFu32.to_le_bytes());
        end[16..20].copy_from_slice(&0xFFFF_FFFFu32.to_le_bytes());
        zip.extend_from_slice(&end);
        eprintln!("zip bytes {}", zip.len());
        let t = std::time::Instant::now();
        let r = super::inspect(std::io::Cursor::new(&zip), &super::Limits::default());
        eprintln!("{:?} in {:?}", r.err().map(|e| e.to_string()), t.elapsed());
    }
}
