//! The untrusted zip: everything a package zip must satisfy before Shelf stores or serves it.
//!
//! A zip comes from a stranger and is later unpacked by every user who installs it, with
//! whatever zip library their tooling uses. So the checks are about what *any* reader would
//! see, not only this one: no name that escapes the folder it is unpacked into, no two names
//! for one path, no links, no encryption, no size that lies, no headers that disagree.
//!
//! The checks run cheapest first and nothing is written to disk:
//! 1. the stream's length and a count of directory-record signatures, before parsing anything;
//! 2. the central directory: counts, names, kinds and declared sizes, without reading any
//!    entry's data;
//! 3. the raw central records, for what the zip crate folds away (repeated names, a second
//!    name in a Unicode Path field), then the names against each other as Windows and macOS
//!    compare them (case and Unicode normalisation ignored), and the local headers against
//!    the central ones;
//! 4. one pass that inflates every entry into a sink through a reader that stops one byte past
//!    the declared size, so a bomb with lying headers costs at most what it declared.
//!
//! Only `publish.yaml` (at most [`Limits::max_manifest_bytes`]) and the readme (four bytes
//! over [`README_CAP`] at most) are ever held in memory.

use std::io::{self, Read, Seek, SeekFrom};

use zip::{
    CompressionMethod, ZipArchive, ZipReadOptions, read::ZipArchiveMetadata, result::ZipError,
};

mod names;
mod records;

use super::{Manifest, ManifestError, manifest};
use crate::serverless::record::{README_CAP, cap_readme};
use records::{check_raw_records, count_record_signatures, find_unlisted_header};

/// Entries this size or smaller (uncompressed) are exempt from [`Limits::max_ratio`]: a small
/// text file of repeated lines legitimately deflates 200:1 and can do no harm, since the sum
/// of all sizes is capped by [`Limits::max_uncompressed_bytes`] anyway. Above it, a ratio over
/// the limit is the signature of a zip bomb (real source and assets deflate 2–20:1).
pub const RATIO_EXEMPT_BYTES: u64 = 1 << 20;

/// How many directory-record signatures per allowed entry the zip may contain before the zip
/// crate parses it. A zip stored uncompressed inside the package (`zip -r` stores `.zip` files
/// as they are) brings its own records along, hence the headroom; a few times
/// [`Limits::max_entries`] records still parse in a few megabytes.
pub const RECORD_HEADROOM: usize = 4;

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
    /// `README.md` (in any case; there is at most one, since two spellings of one name are
    /// refused) from the folder that holds `publish.yaml`, cut to at most
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
    #[error(
        "the zip holds more than {limit} directory records, counting those of any zip stored \
         uncompressed inside it"
    )]
    TooManyRecords { limit: usize },
    #[error("entry name {name:?} is not valid UTF-8")]
    NameNotUtf8 { name: String },
    #[error("entry name {name:?} contains a NUL byte")]
    NulInName { name: String },
    #[error("entry name {name:?} contains a control character")]
    ControlCharacter { name: String },
    #[error("entry name {name:?} contains a backslash; zip paths separate folders with '/'")]
    Backslash { name: String },
    #[error("entry {name:?} has an absolute path")]
    AbsolutePath { name: String },
    #[error("entry {name:?} has a '..' path component")]
    ParentComponent { name: String },
    #[error("entry {name:?} has an empty or '.' path component")]
    NonCanonicalPath { name: String },
    #[error(
        "entry name {name:?} contains {character:?}, one of the characters Windows refuses \
         in file names (< > : \" | ? *); ':' also names an NTFS alternate data stream"
    )]
    ForbiddenCharacter { name: String, character: char },
    #[error(
        "entry {name:?} has the path component {component:?}, which ends in a dot or a space \
         that Windows strips when it creates the file"
    )]
    TrailingDotOrSpace { name: String, component: String },
    #[error(
        "entry {name:?} has the path component {component:?}, a device name that Windows \
         reserves with any extension (such as CON, PRN, AUX, NUL, COM1 or LPT1)"
    )]
    ReservedName { name: String, component: String },
    #[error(
        "entry {name:?} collides with entry {other:?}: Windows and macOS ignore case and \
         Unicode normalisation in file names, so both unpack to one path"
    )]
    CaseOrNormalizationCollision { name: String, other: String },
    #[error("entry {name:?} carries a different second name in a Unicode Path extra field")]
    AmbiguousName { name: String },
    #[error("duplicate entry name {name:?}")]
    DuplicateName { name: String },
    #[error("entry {name:?} is a symlink; packages may hold only files and folders")]
    Symlink { name: String },
    #[error("entry {name:?} has Unix file type {kind:o}; packages may hold only files and folders")]
    SpecialFile { name: String, kind: u32 },
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
    #[error(
        "the zip holds a local file header at byte {offset} that the central directory does \
         not list"
    )]
    UnlistedHeader { offset: u64 },
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
pub(super) struct Entry {
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

    // Stops a central directory of a million tiny records: the zip crate allocates for every
    // record before `max_entries` can be checked (1.25 million records in 64 MiB cost it
    // 260 MB and seconds). Each record starts with its signature, so counting signatures
    // bounds what the parse can allocate.
    let records = count_record_signatures(&mut reader).map_err(ArchiveError::Io)?;
    let record_limit = limits.max_entries.saturating_mul(RECORD_HEADROOM);
    if records > record_limit {
        return Err(ArchiveError::TooManyRecords {
            limit: record_limit,
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
    names::check_spellings(&entries)?;

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
        // Any type whose bits include the link bits counts: the zip crate's extractor tests
        // `mode & S_IFLNK == S_IFLNK`, so it unpacks the invalid type 0o170000 as a link.
        let kind = (entry.external_attributes() >> 16) & S_IFMT;
        if kind & S_IFLNK == S_IFLNK {
            return Err(ArchiveError::Symlink { name });
        }
        // Stops devices, FIFOs and sockets, which an extractor running as root may create.
        if !matches!(kind, 0 | S_IFREG | S_IFDIR) {
            return Err(ArchiveError::SpecialFile { name, kind });
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
    let mut covered = Vec::with_capacity(entries.len());
    for (index, entry) in entries.iter().enumerate() {
        let options = ZipReadOptions::new().enforce_header_consistency(true);
        match archive.by_index_with_options(index, options) {
            Ok(file) => {
                let start = file.header_start();
                let data = file.data_start().unwrap_or(start);
                covered.push((start, data.saturating_add(file.compressed_size())));
            }
            Err(source) => {
                return Err(ArchiveError::HeaderMismatch {
                    name: entry.name.clone(),
                    source,
                });
            }
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
    // Stops what the zip crate's scan above misses: a local header in a gap whose name runs
    // past the gap. A streaming extractor still meets it and reads its name from the bytes
    // that follow, which the central directory's checks never saw.
    let directory_start = archive.central_directory_start();
    match find_unlisted_header(archive.into_inner(), covered, directory_start) {
        Ok(None) => Ok(()),
        Ok(Some(offset)) => Err(ArchiveError::UnlistedHeader { offset }),
        Err(error) => Err(ArchiveError::Io(error)),
    }
}

const S_IFMT: u32 = 0o170_000;
const S_IFLNK: u32 = 0o120_000;
const S_IFREG: u32 = 0o100_000;
const S_IFDIR: u32 = 0o040_000;

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
    // Stops names no file system stores as written: Windows refuses U+0001–U+001F outright
    // and extractors rewrite them differently, so one entry becomes different files (and a
    // listing of the zip can carry terminal escape sequences).
    if name.chars().any(char::is_control) {
        return Err(ArchiveError::ControlCharacter { name });
    }
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
    // Stops names Windows cannot create as written: it refuses these characters, so the
    // install fails there, and `readme.md:hidden` writes a hidden NTFS stream of `readme.md`
    // instead of a file (a second content for a checked file, that no listing shows).
    if let Some(character) = name.chars().find(|c| names::FORBIDDEN.contains(c)) {
        return Err(ArchiveError::ForbiddenCharacter { name, character });
    }
    // Stops a second spelling of one path on Windows, which strips trailing dots and spaces
    // from every component: `run.` and `lib ` unpack as `run` and `lib`, over the real ones.
    let component = |rule: fn(&str) -> bool| path.split('/').find(|c| rule(c)).map(str::to_owned);
    if let Some(component) = component(|c| c.ends_with(['.', ' '])) {
        return Err(ArchiveError::TrailingDotOrSpace { name, component });
    }
    // Stops names that open a device on Windows instead of creating a file (`con`, `aux.txt`,
    // `nul.js`, a folder `com1/`): the install fails or writes into the device.
    if let Some(component) = component(names::is_reserved_device) {
        return Err(ArchiveError::ReservedName { name, component });
    }
    Ok(name)
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

/// The readme next to `publish.yaml`: the entry named `README.md` in any case. The names
/// have passed [`names::check_spellings`], so there is at most one.
fn locate_readme(entries: &[Entry], folder: &str) -> Option<usize> {
    entries.iter().position(|e| {
        e.name
            .strip_prefix(folder)
            .is_some_and(|rest| rest.eq_ignore_ascii_case("README.md"))
    })
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
    cap_readme(&String::from_utf8_lossy(bytes))
}

#[cfg(test)]
mod tests;
