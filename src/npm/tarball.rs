//! The untrusted npm tarball: everything an uploaded `.tgz` must satisfy before Shelf stores
//! or serves it.
//!
//! A tarball comes from a stranger and is later unpacked by every user who installs it, by
//! npm, yarn, pnpm or any other tar reader. So the checks are about what *any* reader would
//! see: no name that escapes the folder it is unpacked into, no two names for one path, no
//! links or devices, no extension header that gives one entry two names, no data hidden after
//! the end of the archive, and no size that makes the inflation itself the attack.
//!
//! It all happens in one streaming pass over the gzip stream, nothing is written to disk, and
//! only `package.json` (at most [`Limits::max_package_json_bytes`]), the readme (a few bytes
//! over [`README_CAP`]) and the entries' names are held in memory:
//! 1. the stream must start with the gzip magic, and inflates through a guard that counts
//!    every byte: it stops at [`Limits::max_uncompressed_bytes`] (never inflating past it)
//!    and as soon as the bytes inflated so far exceed [`Limits::max_ratio`] times the bytes
//!    read, past [`RATIO_EXEMPT_BYTES`];
//! 2. the `tar` crate reads the headers *raw* (checksums, sizes, positions); the GNU long-name
//!    and pax headers are read here, capped and strictly parsed, and decide each entry's name
//!    as every reader decides it;
//! 3. each entry's name, type, top folder and place among the others is checked, and
//!    `package.json` and the readme are captured on the way;
//! 4. after the tar's end, the rest of the stream must be zeros, the gzip stream must end
//!    with a good checksum, and nothing may follow it.
//!
//! **The top folder.** npm packs everything under `package/`, but npm's installer (pacote,
//! through node-tar's `strip: 1`) drops the first path component of every entry whatever it
//! is, and old tarballs use other names (`node-foo-1.0/`). So any top folder is accepted, but
//! every entry must lie under the *same* one: two top folders would merge into one when
//! stripped (a second copy of `index.js` that no check here would have compared), and a file
//! at the top level would be silently dropped by the installer. `package.json` is then
//! `{top}/package.json`.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::io::{self, BufRead, BufReader, Cursor, Read};
use std::rc::Rc;

use flate2::bufread::GzDecoder;
use serde_json::{Map, Value};

use crate::text::{README_CAP, cap_readme, clip};

/// Streams this size or smaller (uncompressed) are exempt from [`Limits::max_ratio`]: a small
/// package of repetitive text (and tar headers, which are mostly zeros) can deflate beyond
/// 100:1 and do no harm, since the total is capped by [`Limits::max_uncompressed_bytes`]
/// anyway. Past it, a higher ratio is the signature of a gzip bomb (real packages deflate
/// 3–20:1).
pub const RATIO_EXEMPT_BYTES: u64 = 1 << 20;

/// The longest entry name accepted, in bytes. Real packages stay far below it (Windows cannot
/// even create paths past 260 characters by default); with [`MAX_PATH_DEPTH`] it bounds the
/// memory the names of [`Limits::max_entries`] entries take.
pub const MAX_PATH_BYTES: usize = 1024;

/// The most components an entry name may have (`package/a/b.js` has three). Each one is a
/// node of the tree of paths kept to find duplicates, so this bounds that tree.
pub const MAX_PATH_DEPTH: usize = 64;

/// The largest GNU long-name or pax extended header accepted, in bytes. These are read whole
/// into memory, so they need a cap of their own; a long name is at most [`MAX_PATH_BYTES`],
/// the rest leaves room for timestamps, owner names and extended attributes.
pub const MAX_EXTENSION_BYTES: u64 = 64 << 10;

/// The gzip magic number, the first two bytes of every gzip stream.
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// Limits on what a tarball may hold. The size of the upload itself is checked by the caller,
/// before this module sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Most bytes the gzip stream may inflate to: the whole tar, headers and padding included
    /// (so it also bounds the sum of the files' sizes). Default 512 MiB.
    pub max_uncompressed_bytes: u64,
    /// Most entries (files and folders, extension headers not counted). Default 10 000.
    pub max_entries: usize,
    /// Highest ratio of bytes inflated to bytes read, over the whole stream so far, once more
    /// than [`RATIO_EXEMPT_BYTES`] have been inflated. Default 100.
    pub max_ratio: u64,
    /// Largest `package.json`, in bytes. Default 1 MiB.
    pub max_package_json_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_uncompressed_bytes: 512 << 20,
            max_entries: 10_000,
            max_ratio: 100,
            max_package_json_bytes: 1 << 20,
        }
    }
}

/// What a valid tarball told us.
#[derive(Debug, Clone, PartialEq)]
pub struct Inspected {
    /// `package.json`, as parsed.
    pub manifest: Map<String, Value>,
    /// Its `name`, as written (not yet checked against npm's name rules).
    pub name: String,
    /// Its `version`, as written (not yet checked as semver).
    pub version: String,
    /// The first of `README.md` or `README` (in any case) found in the top folder, cut to at
    /// most [`README_CAP`] bytes at a character boundary; invalid UTF-8 is replaced with
    /// U+FFFD.
    pub readme: Option<String>,
    /// Set when the readme was longer than [`README_CAP`] and was cut.
    pub readme_truncated: bool,
    /// Number of regular files.
    pub files: usize,
    /// Sum of the files' sizes, in bytes (npm's `unpackedSize`).
    pub unpacked_size: u64,
}

/// Why a tarball was refused. Every variant but [`TarballError::Io`] is the uploader's mistake
/// (or attack); the message names the cause and, where there is one, the entry.
#[derive(Debug, thiserror::Error)]
pub enum TarballError {
    /// Reading the upload failed: the server's problem, not the tarball's.
    #[error("could not read the tarball")]
    Io(#[source] io::Error),
    /// The upload does not start with the gzip magic number.
    #[error("the tarball is not gzip-compressed")]
    NotGzip,
    /// The gzip stream is malformed, or its checksum does not match.
    #[error("the tarball's gzip stream is corrupt")]
    CorruptGzip(#[source] io::Error),
    /// The gzip stream ends before its end.
    #[error("the tarball is truncated: its gzip stream ends early")]
    Truncated,
    /// Bytes follow the end of the gzip stream.
    #[error("the tarball has data after the end of its gzip stream")]
    TrailingData,
    /// The inflated data is not a tar archive.
    #[error("the tarball does not hold a valid tar archive")]
    NotATar(#[source] io::Error),
    /// Non-zero data after the tar's end-of-archive marker.
    #[error("the tarball has data after the end of its tar archive")]
    DataAfterEnd,
    /// More than [`Limits::max_entries`] entries.
    #[error("the tarball has more than {limit} entries")]
    TooManyEntries {
        /// [`Limits::max_entries`].
        limit: usize,
    },
    /// The stream inflates to more than [`Limits::max_uncompressed_bytes`].
    #[error("the tarball inflates to more than {limit} bytes")]
    TooMuchData {
        /// [`Limits::max_uncompressed_bytes`].
        limit: u64,
    },
    /// The stream inflates more than [`Limits::max_ratio`] times.
    #[error(
        "the tarball inflated {uncompressed} bytes from {compressed}, a compression ratio over \
         the limit of {limit}:1"
    )]
    RatioTooHigh {
        /// Bytes inflated when the ratio was crossed.
        uncompressed: u64,
        /// Bytes read by then.
        compressed: u64,
        /// [`Limits::max_ratio`].
        limit: u64,
    },
    /// An entry name is not UTF-8.
    #[error("entry name {name:?} is not valid UTF-8")]
    NameNotUtf8 {
        /// The name, invalid bytes replaced.
        name: String,
    },
    /// An entry name has a NUL byte.
    #[error("entry name {name:?} contains a NUL byte")]
    NulInName {
        /// The name.
        name: String,
    },
    /// An entry name has a control character.
    #[error("entry name {name:?} contains a control character")]
    ControlCharacter {
        /// The name.
        name: String,
    },
    /// An entry name has a backslash.
    #[error("entry name {name:?} contains a backslash; tar paths separate folders with '/'")]
    Backslash {
        /// The name.
        name: String,
    },
    /// An entry name is absolute.
    #[error("entry {name:?} has an absolute path")]
    AbsolutePath {
        /// The name.
        name: String,
    },
    /// An entry name has a `..` component.
    #[error("entry {name:?} has a '..' path component")]
    ParentComponent {
        /// The name.
        name: String,
    },
    /// An entry name has an empty or `.` component (or is empty).
    #[error("entry {name:?} has an empty or '.' path component")]
    NonCanonicalPath {
        /// The name.
        name: String,
    },
    /// An entry name is longer than [`MAX_PATH_BYTES`].
    #[error("entry name {name:?} is longer than {limit} bytes")]
    NameTooLong {
        /// The name, cut for the message.
        name: String,
        /// [`MAX_PATH_BYTES`].
        limit: usize,
    },
    /// An entry name has more than [`MAX_PATH_DEPTH`] components.
    #[error("entry name {name:?} has more than {limit} path components")]
    PathTooDeep {
        /// The name, cut for the message.
        name: String,
        /// [`MAX_PATH_DEPTH`].
        limit: usize,
    },
    /// A GNU long name and a pax `path` give one entry two different names.
    #[error("entry {name:?} has a second, different name {other:?} in its extension headers")]
    AmbiguousName {
        /// The pax `path`.
        name: String,
        /// The GNU long name.
        other: String,
    },
    /// A GNU long-name or pax header is malformed, misplaced or unsupported.
    #[error("extension header {name:?} is refused: {problem}")]
    BadExtension {
        /// The extension header's own name.
        name: String,
        /// What is wrong with it.
        problem: &'static str,
    },
    /// A GNU long-name or pax header is larger than [`MAX_EXTENSION_BYTES`].
    #[error("extension header {name:?} is {size} bytes, larger than the limit of {limit}")]
    ExtensionTooLarge {
        /// The extension header's own name.
        name: String,
        /// Its size.
        size: u64,
        /// [`MAX_EXTENSION_BYTES`].
        limit: u64,
    },
    /// A symbolic link.
    #[error("entry {name:?} is a symlink; npm packages may hold only files and folders")]
    Symlink {
        /// The name.
        name: String,
    },
    /// A hard link.
    #[error("entry {name:?} is a hard link; npm packages may hold only files and folders")]
    HardLink {
        /// The name.
        name: String,
    },
    /// A device, a FIFO, or any tar entry type other than file and folder.
    #[error("entry {name:?} is a {kind}; npm packages may hold only files and folders")]
    SpecialFile {
        /// The name.
        name: String,
        /// What it is ("character device", "FIFO", "entry of tar type 'S'", …).
        kind: String,
    },
    /// A folder entry that carries data.
    #[error("folder entry {name:?} carries {size} bytes of data")]
    FolderWithData {
        /// The name.
        name: String,
        /// The size its header declares.
        size: u64,
    },
    /// An entry outside any folder, at the top level.
    #[error("entry {name:?} is not inside the tarball's top folder (npm packs under package/)")]
    NotInFolder {
        /// The name.
        name: String,
    },
    /// An entry under a second top folder.
    #[error("entry {name:?} is not inside the tarball's top folder {folder:?}")]
    OutsideFolder {
        /// The name.
        name: String,
        /// The top folder of the first entry.
        folder: String,
    },
    /// Two entries for one path.
    #[error("duplicate entry name {name:?}")]
    DuplicateName {
        /// The name.
        name: String,
    },
    /// Two entries Windows and macOS unpack to one path.
    #[error(
        "entry {name:?} collides with entry {other:?}: Windows and macOS ignore case and \
         Unicode normalisation in file names, so both unpack to one path"
    )]
    CaseOrNormalizationCollision {
        /// The later entry.
        name: String,
        /// The earlier path it collides with.
        other: String,
    },
    /// A path that is both a file and a folder.
    #[error("entry {name:?} makes {path:?} both a file and a folder")]
    PathConflict {
        /// The later entry.
        name: String,
        /// The path that is both.
        path: String,
    },
    /// No `package.json` in the top folder.
    #[error("the tarball has no package.json in its top folder ({path})")]
    NoPackageJson {
        /// Where it was looked for, such as `package/package.json`.
        path: String,
    },
    /// `package.json` is larger than [`Limits::max_package_json_bytes`].
    #[error("{name} is {size} bytes, larger than the limit of {limit} bytes")]
    PackageJsonTooLarge {
        /// Its entry name.
        name: String,
        /// Its size.
        size: u64,
        /// [`Limits::max_package_json_bytes`].
        limit: u64,
    },
    /// `package.json` is not JSON.
    #[error("{name} is not valid JSON")]
    PackageJsonNotJson {
        /// Its entry name.
        name: String,
        /// The parser's complaint.
        #[source]
        source: serde_json::Error,
    },
    /// `package.json` is JSON but not an object.
    #[error("{name} is not a JSON object")]
    PackageJsonNotObject {
        /// Its entry name.
        name: String,
    },
    /// `package.json` lacks `name` or `version`, or has one that is not a string.
    #[error("{name} has no {field:?} string")]
    MissingField {
        /// Its entry name.
        name: String,
        /// `name` or `version`.
        field: &'static str,
    },
}

/// Checks an uploaded npm tarball in one streaming pass, without writing anything.
///
/// # Errors
/// The first [`TarballError`] the tarball runs into; [`TarballError::Io`] when `reader`
/// fails.
pub fn inspect(reader: impl Read, limits: &Limits) -> Result<Inspected, TarballError> {
    let shared = Rc::new(Shared::default());
    let mut source = Source {
        inner: reader,
        shared: Rc::clone(&shared),
    };
    // Stops anything that is not gzip before the decoder tries to make sense of it, and tells
    // "not gzip" apart from "broken gzip".
    let mut magic = [0u8; 2];
    match source.read_exact(&mut magic) {
        Ok(()) => {}
        Err(error) if error.kind() == io::ErrorKind::UnexpectedEof => {
            return Err(TarballError::NotGzip);
        }
        Err(_) => return Err(shared.refusal(None)),
    }
    if magic != GZIP_MAGIC {
        return Err(TarballError::NotGzip);
    }
    let input = BufReader::new(Cursor::new(magic).chain(source));
    let guard = Guard {
        decoder: GzDecoder::new(input),
        shared: Rc::clone(&shared),
        inflated: 0,
        max_inflated: limits.max_uncompressed_bytes,
        max_ratio: limits.max_ratio,
    };

    let mut archive = tar::Archive::new(guard);
    let mut walk = Walk::new(limits);
    {
        let fail = |error| shared.refusal(Some(error));
        // Raw: the long-name and pax headers come to `Walk` as entries of their own, so that
        // they are read capped and parsed strictly here (the tar crate would read them whole,
        // and stops parsing pax records at the first empty line where node-tar goes on).
        let entries = archive.entries().map_err(fail)?.raw(true);
        for entry in entries {
            let mut entry = entry.map_err(fail)?;
            walk.visit(&mut entry)
                .map_err(|stop| stop.into_error(&shared))?;
        }
    }
    walk.finish_extensions()?;

    let guard = archive.into_inner();
    finish_stream(guard, &shared)?;
    walk.into_inspected()
}

/// What went wrong below the tar reader, recorded where it happened: the tar crate passes
/// errors up as plain `io::Error`s, and this tells which ones were ours.
enum Fault {
    /// The upload's reader failed.
    Read(io::Error),
    /// The gzip decoder failed.
    Gzip(io::Error),
    /// [`Limits::max_uncompressed_bytes`] was crossed.
    TooMuchData(u64),
    /// [`Limits::max_ratio`] was crossed.
    Ratio {
        uncompressed: u64,
        compressed: u64,
        limit: u64,
    },
}

/// State shared by the readers of the stack and [`inspect`].
#[derive(Default)]
struct Shared {
    /// Bytes read from the upload so far.
    compressed: std::cell::Cell<u64>,
    /// The first fault, if any.
    fault: RefCell<Option<Fault>>,
}

impl Shared {
    fn record(&self, fault: Fault) -> io::Error {
        let mut slot = self.fault.borrow_mut();
        if slot.is_none() {
            *slot = Some(fault);
        }
        io::Error::other("the tarball check stopped reading")
    }

    fn failed(&self) -> bool {
        self.fault.borrow().is_some()
    }

    /// The refusal for an error seen above the readers: the recorded fault if there is one,
    /// else the tar reader's own complaint.
    fn refusal(&self, error: Option<io::Error>) -> TarballError {
        match (self.fault.borrow_mut().take(), error) {
            (Some(Fault::Read(error)), _) => TarballError::Io(error),
            (Some(Fault::Gzip(error)), _) if error.kind() == io::ErrorKind::UnexpectedEof => {
                TarballError::Truncated
            }
            (Some(Fault::Gzip(error)), _) => TarballError::CorruptGzip(error),
            (Some(Fault::TooMuchData(limit)), _) => TarballError::TooMuchData { limit },
            (
                Some(Fault::Ratio {
                    uncompressed,
                    compressed,
                    limit,
                }),
                _,
            ) => TarballError::RatioTooHigh {
                uncompressed,
                compressed,
                limit,
            },
            (None, Some(error)) => TarballError::NotATar(error),
            (None, None) => TarballError::Io(io::Error::other("read failed")),
        }
    }
}

/// The upload, counting the bytes read from it.
struct Source<R> {
    inner: R,
    shared: Rc<Shared>,
}

impl<R: Read> Read for Source<R> {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        loop {
            match self.inner.read(buffer) {
                Ok(n) => {
                    let compressed = &self.shared.compressed;
                    compressed.set(compressed.get().saturating_add(n as u64));
                    return Ok(n);
                }
                // Retried here: the tar crate would take it for a broken archive.
                Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
                Err(error) => return Err(self.shared.record(Fault::Read(error))),
            }
        }
    }
}

/// The inflated stream, held to the limits as it inflates.
struct Guard<D> {
    decoder: D,
    shared: Rc<Shared>,
    inflated: u64,
    max_inflated: u64,
    max_ratio: u64,
}

impl<D: Read> Read for Guard<D> {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        if self.shared.failed() {
            return Err(io::Error::other("the tarball check stopped reading"));
        }
        // Stops a gzip bomb at the limit, never past it: ask the decoder for at most one byte
        // more than the room left, so crossing the limit costs one byte, not a buffer.
        let room = self
            .max_inflated
            .saturating_sub(self.inflated)
            .saturating_add(1);
        let want = usize::try_from(room).map_or(buffer.len(), |room| room.min(buffer.len()));
        let n = loop {
            match self.decoder.read(&mut buffer[..want]) {
                Ok(n) => break n,
                Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
                Err(error) => return Err(self.shared.record(Fault::Gzip(error))),
            }
        };
        self.inflated = self.inflated.saturating_add(n as u64);
        if self.inflated > self.max_inflated {
            return Err(self.shared.record(Fault::TooMuchData(self.max_inflated)));
        }
        // Stops a gzip bomb early, long before the size limit: deflate reaches 1032:1 on
        // repeated bytes, real packages 3–20:1, so the ratio so far gives a bomb away after
        // the first megabyte.
        let compressed = self.shared.compressed.get();
        if self.inflated > RATIO_EXEMPT_BYTES
            && self.inflated > compressed.saturating_mul(self.max_ratio)
        {
            return Err(self.shared.record(Fault::Ratio {
                uncompressed: self.inflated,
                compressed,
                limit: self.max_ratio,
            }));
        }
        Ok(n)
    }
}

/// After the tar's end-of-archive block: the rest of the inflated stream must be zeros (the
/// rest of the end marker and record padding), the gzip stream must end (which checks its
/// CRC), and nothing may follow it.
fn finish_stream<R: BufRead>(
    mut guard: Guard<GzDecoder<R>>,
    shared: &Shared,
) -> Result<(), TarballError> {
    let mut buffer = [0u8; 16 * 1024];
    loop {
        match guard.read(&mut buffer) {
            Ok(0) => break,
            // Stops entries hidden after a lone zero block: the tar crate stops at the first
            // one, node-tar and GNU tar read on past it.
            Ok(n) if buffer[..n].iter().any(|&b| b != 0) => {
                return Err(TarballError::DataAfterEnd);
            }
            Ok(_) => {}
            Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
            Err(error) => return Err(shared.refusal(Some(error))),
        }
    }
    // Stops a second gzip member (or anything else) after the first: Node's gunzip inflates
    // concatenated members, so readers would disagree on where the tarball ends.
    let mut input = guard.decoder.into_inner();
    loop {
        match input.fill_buf() {
            Ok([]) => return Ok(()),
            Ok(_) => return Err(TarballError::TrailingData),
            Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
            Err(error) => return Err(shared.refusal(Some(error))),
        }
    }
}

/// Why [`Walk::visit`] stopped: a refusal, or an I/O error to be explained by the readers'
/// recorded fault.
enum Stop {
    Refused(TarballError),
    Io(io::Error),
}

impl Stop {
    fn into_error(self, shared: &Shared) -> TarballError {
        match self {
            Stop::Refused(error) => error,
            Stop::Io(error) => shared.refusal(Some(error)),
        }
    }
}

impl From<TarballError> for Stop {
    fn from(error: TarballError) -> Self {
        Stop::Refused(error)
    }
}

impl From<io::Error> for Stop {
    fn from(error: io::Error) -> Self {
        Stop::Io(error)
    }
}

/// The extension headers read for the next entry.
#[derive(Default)]
struct Pending {
    /// The GNU long name (`L`), one trailing NUL removed.
    long_name: Option<Vec<u8>>,
    /// The pax header (`x`).
    pax: Option<Pax>,
    /// The name of the last extension header, for messages.
    header_name: String,
}

/// What Shelf reads from a pax header; the other records are ignored.
struct Pax {
    path: Option<Vec<u8>>,
    size: Option<u64>,
}

/// The walk over the entries: their names so far and what was captured.
struct Walk<'l> {
    limits: &'l Limits,
    pending: Pending,
    entries: usize,
    files: usize,
    unpacked_size: u64,
    /// The top folder, from the first entry.
    top: Option<String>,
    /// Every path so far.
    paths: PathTree,
    /// `package.json`'s entry name and bytes.
    manifest: Option<(String, Vec<u8>)>,
    /// The readme's first bytes.
    readme: Option<Vec<u8>>,
}

/// Entry types, by the tar header's type flag.
mod flag {
    pub const FILE: u8 = b'0';
    pub const OLD_FILE: u8 = 0;
    pub const HARD_LINK: u8 = b'1';
    pub const SYMLINK: u8 = b'2';
    pub const CHAR_DEVICE: u8 = b'3';
    pub const BLOCK_DEVICE: u8 = b'4';
    pub const FOLDER: u8 = b'5';
    pub const FIFO: u8 = b'6';
    pub const GNU_LONG_NAME: u8 = b'L';
    pub const GNU_LONG_LINK: u8 = b'K';
    pub const PAX: u8 = b'x';
    pub const PAX_GLOBAL: u8 = b'g';
}

/// The byte offset of the type flag in a tar header.
const TYPE_FLAG_OFFSET: usize = 156;

impl<'l> Walk<'l> {
    fn new(limits: &'l Limits) -> Self {
        Walk {
            limits,
            pending: Pending::default(),
            entries: 0,
            files: 0,
            unpacked_size: 0,
            top: None,
            paths: PathTree::new(),
            manifest: None,
            readme: None,
        }
    }

    fn visit<R: Read>(&mut self, entry: &mut tar::Entry<'_, R>) -> Result<(), Stop> {
        let header = entry.header();
        let flag = header.as_bytes()[TYPE_FLAG_OFFSET];
        let header_name = header.path_bytes().into_owned();
        let shown = String::from_utf8_lossy(&header_name).into_owned();
        let size = entry.size();
        match flag {
            flag::GNU_LONG_NAME | flag::PAX => return self.extension(entry, flag, &header_name),
            // Stops global pax headers, which some readers apply to every later entry (sizes,
            // link names) and others ignore: npm never writes one.
            flag::PAX_GLOBAL => return Err(bad_extension(&shown, "global pax header").into()),
            // Stops long link names: they only serve links, which are refused anyway, and
            // readers differ on what such a header means before a file.
            flag::GNU_LONG_LINK => {
                return Err(bad_extension(&shown, "GNU long link name").into());
            }
            _ => {}
        }
        let pending = std::mem::take(&mut self.pending);

        // Stops a stream of millions of tiny entries that exhausts the installer's inodes and
        // this walk's memory.
        self.entries += 1;
        if self.entries > self.limits.max_entries {
            return Err(TarballError::TooManyEntries {
                limit: self.limits.max_entries,
            }
            .into());
        }

        let is_folder = flag == flag::FOLDER;
        let name = entry_name(&header_name, pending, size)?;
        let name = check_path(&name, is_folder)?;
        check_kind(flag, &name, size)?;
        let path = name.strip_suffix('/').unwrap_or(&name).to_owned();
        let relative = self.check_top_folder(&path, is_folder)?;
        self.paths.insert(&path, is_folder)?;
        if is_folder {
            return Ok(());
        }
        self.files += 1;
        self.unpacked_size = self.unpacked_size.saturating_add(size);
        if relative == "package.json" {
            // Stops a huge package.json from being held in memory and handed to the parser.
            if size > self.limits.max_package_json_bytes {
                return Err(TarballError::PackageJsonTooLarge {
                    name: path,
                    size,
                    limit: self.limits.max_package_json_bytes,
                }
                .into());
            }
            let bytes = read_capped(entry, size)?;
            self.manifest = Some((path, bytes));
        } else if self.readme.is_none() && is_readme(&relative) {
            // Four bytes past the cap, so the character the cut falls in is decoded whole.
            let cap = (README_CAP as u64).saturating_add(4).min(size);
            self.readme = Some(read_capped(entry, cap)?);
        }
        Ok(())
    }

    /// Reads a GNU long-name or pax header for the next entry.
    fn extension<R: Read>(
        &mut self,
        entry: &mut tar::Entry<'_, R>,
        flag: u8,
        header_name: &[u8],
    ) -> Result<(), Stop> {
        let shown = String::from_utf8_lossy(header_name).into_owned();
        let header = entry.header();
        // Stops extension headers in pre-POSIX (v7) headers, which readers disagree on: the
        // tar crate reads them as plain entries of an unknown type, GNU tar as extensions.
        if header.as_ustar().is_none() && header.as_gnu().is_none() {
            return Err(bad_extension(&shown, "extension header in a pre-POSIX tar header").into());
        }
        // Stops an extension header from being a memory bomb: it is read whole.
        let size = entry.size();
        if size > MAX_EXTENSION_BYTES {
            return Err(TarballError::ExtensionTooLarge {
                name: shown,
                size,
                limit: MAX_EXTENSION_BYTES,
            }
            .into());
        }
        let bytes = read_capped(entry, size)?;
        // Stops two headers of one kind for one entry: readers keep the first, the last or
        // refuse, so the entry's name would depend on the reader.
        if flag == flag::GNU_LONG_NAME {
            if self.pending.long_name.is_some() {
                return Err(bad_extension(&shown, "two GNU long names for one entry").into());
            }
            let mut name = bytes;
            // GNU tar counts the name's terminating NUL in the size; the tar crate removes one
            // NUL, node-tar cuts at the first. Any other NUL is refused with the name.
            if name.last() == Some(&0) {
                name.pop();
            }
            self.pending.long_name = Some(name);
        } else {
            if self.pending.pax.is_some() {
                return Err(bad_extension(&shown, "two pax headers for one entry").into());
            }
            self.pending.pax = Some(parse_pax(&bytes, &shown)?);
        }
        self.pending.header_name = shown;
        Ok(())
    }

    /// Stops an extension header with no entry after it.
    fn finish_extensions(&self) -> Result<(), TarballError> {
        if self.pending.long_name.is_some() || self.pending.pax.is_some() {
            return Err(bad_extension(
                &self.pending.header_name,
                "no entry follows the extension header",
            ));
        }
        Ok(())
    }

    /// Checks that `path` lies in the one top folder and returns the rest of it.
    fn check_top_folder(&mut self, path: &str, is_folder: bool) -> Result<String, TarballError> {
        let (top, relative) = match path.split_once('/') {
            Some((top, relative)) => (top, relative),
            // The top folder itself.
            None if is_folder => (path, ""),
            // Stops a file that npm's installer would drop (it strips the first component),
            // so what is checked here would not be what is installed.
            None => {
                return Err(TarballError::NotInFolder {
                    name: path.to_owned(),
                });
            }
        };
        match &self.top {
            None => self.top = Some(top.to_owned()),
            // Stops a second top folder, whose entries npm's installer would merge with the
            // first's: `a/index.js` and `b/index.js` both become `index.js`.
            Some(folder) if folder != top => {
                return Err(TarballError::OutsideFolder {
                    name: path.to_owned(),
                    folder: folder.clone(),
                });
            }
            Some(_) => {}
        }
        Ok(relative.to_owned())
    }

    fn into_inspected(self) -> Result<Inspected, TarballError> {
        let top = self.top.unwrap_or_else(|| "package".to_owned());
        let Some((name, bytes)) = self.manifest else {
            return Err(TarballError::NoPackageJson {
                path: format!("{top}/package.json"),
            });
        };
        // npm's read-package-json strips a byte-order mark before parsing.
        let text = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&bytes);
        let value: Value =
            serde_json::from_slice(text).map_err(|source| TarballError::PackageJsonNotJson {
                name: name.clone(),
                source,
            })?;
        let Value::Object(manifest) = value else {
            return Err(TarballError::PackageJsonNotObject { name });
        };
        let field = |field: &'static str| match manifest.get(field) {
            Some(Value::String(value)) => Ok(value.clone()),
            _ => Err(TarballError::MissingField {
                name: name.clone(),
                field,
            }),
        };
        let package_name = field("name")?;
        let version = field("version")?;
        let (readme, readme_truncated) = match self.readme {
            Some(bytes) => {
                let (text, truncated) = cap_readme(&String::from_utf8_lossy(&bytes));
                (Some(text), truncated)
            }
            None => (None, false),
        };
        Ok(Inspected {
            manifest,
            name: package_name,
            version,
            readme,
            readme_truncated,
            files: self.files,
            unpacked_size: self.unpacked_size,
        })
    }
}

/// What a node of the [`PathTree`] is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Node {
    /// A folder that only the paths under it name.
    Implied,
    /// A folder that has an entry of its own.
    Folder,
    File,
}

/// The entries' paths as a tree of components, so that a folder's path is stored once
/// however many entries lie under it and each entry adds at most its own components
/// ([`MAX_PATH_DEPTH`]), where a set of every entry's folders would store each whole path
/// again for every folder above it.
///
/// Components are compared as Windows and macOS compare them ([`crate::spelling::fold`]):
/// `index.js` beside `INDEX.js`, or `café.js` precomposed beside decomposed, is one path
/// there, so the second is refused as the zip checks refuse it.
struct PathTree {
    /// (parent node, folded component) → node; node 0 is the root.
    children: HashMap<(usize, Box<str>), usize>,
    nodes: Vec<Node>,
    /// Each node's component as first spelled (the root's is empty).
    spelled: Vec<Box<str>>,
}

impl PathTree {
    fn new() -> Self {
        PathTree {
            children: HashMap::new(),
            nodes: vec![Node::Implied],
            spelled: vec!["".into()],
        }
    }

    /// Adds a path (without a folder's trailing `/`), checking it against the paths before.
    fn insert(&mut self, path: &str, is_folder: bool) -> Result<(), TarballError> {
        let conflict = |at: usize| TarballError::PathConflict {
            name: path.to_owned(),
            path: path[..at].to_owned(),
        };
        let mut node = 0;
        let mut end = 0;
        let mut parts = path.split('/').peekable();
        while let Some(part) = parts.next() {
            end += part.len();
            let fresh = self.nodes.len();
            let folded = crate::spelling::fold(part);
            let child = *self.children.entry((node, folded.into())).or_insert(fresh);
            if child == fresh {
                self.nodes.push(Node::Implied);
                self.spelled.push(part.into());
            } else if let Some(first) = self.spelled.get(child)
                && **first != *part
            {
                let folder = &path[..end - part.len()];
                return Err(TarballError::CaseOrNormalizationCollision {
                    name: path.to_owned(),
                    other: format!("{folder}{first}"),
                });
            }
            let last = parts.peek().is_none();
            let kind = self.nodes.get(child).copied().unwrap_or(Node::Implied);
            match (kind, last, is_folder) {
                // Stops an entry under a file: extractors then fail, or replace the file
                // with a folder, in an order of their own.
                (Node::File, false, _) => return Err(conflict(end)),
                (_, false, _) => {}
                // A folder that entries before it implied now has its own entry.
                (Node::Implied, true, true) => self.set(child, Node::Folder),
                (Node::Implied, true, false) if child == fresh => self.set(child, Node::File),
                // Stops a file at the path of a folder, for the same reason.
                (Node::Implied, true, false) => return Err(conflict(end)),
                // Stops a second copy of a file that replaces the checked one when unpacked
                // (the last one wins), and the reader-dependent choice between two
                // package.json files.
                (Node::Folder | Node::File, true, _) => {
                    return Err(TarballError::DuplicateName {
                        name: path.to_owned(),
                    });
                }
            }
            end += 1;
            node = child;
        }
        Ok(())
    }

    fn set(&mut self, node: usize, kind: Node) {
        if let Some(slot) = self.nodes.get_mut(node) {
            *slot = kind;
        }
    }
}

fn bad_extension(name: &str, problem: &'static str) -> TarballError {
    TarballError::BadExtension {
        name: name.to_owned(),
        problem,
    }
}

/// The readme names looked for in the top folder, in any case.
fn is_readme(relative: &str) -> bool {
    relative.eq_ignore_ascii_case("README.md") || relative.eq_ignore_ascii_case("README")
}

/// Reads the first `cap` bytes of an entry; the tar crate skips the rest.
fn read_capped(entry: &mut impl Read, cap: u64) -> Result<Vec<u8>, Stop> {
    let mut bytes = Vec::with_capacity(usize::try_from(cap).unwrap_or(0).min(64 << 10));
    let read = entry.take(cap).read_to_end(&mut bytes)?;
    if (read as u64) < cap {
        // The tar crate ends an entry's data quietly when the stream ends inside it.
        return Err(TarballError::NotATar(io::Error::new(
            io::ErrorKind::UnexpectedEof,
            "the tar archive ends inside an entry",
        ))
        .into());
    }
    Ok(bytes)
}

/// The entry's name as readers see it: the pax `path`, else the GNU long name, else the
/// header's own (prefix and name).
fn entry_name(header_name: &[u8], pending: Pending, size: u64) -> Result<Vec<u8>, TarballError> {
    let shown = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
    let (pax_path, pax_size) = match pending.pax {
        Some(pax) => (pax.path, pax.size),
        None => (None, None),
    };
    // Stops a size that only some readers see: the tar crate and node-tar take the pax
    // `size`, a reader that ignores pax takes the header's, and the two would find the
    // next header in different places.
    if pax_size.is_some_and(|pax_size| pax_size != size) {
        return Err(bad_extension(
            &pending.header_name,
            "pax size differs from the header's size",
        ));
    }
    let extended = match (pax_path, pending.long_name) {
        // Stops one entry with two names: readers prefer one or the other.
        (Some(path), Some(long)) if path != long => {
            return Err(TarballError::AmbiguousName {
                name: shown(&path),
                other: shown(&long),
            });
        }
        (Some(path), _) => Some(path),
        (None, long) => long,
    };
    match extended {
        Some(name) => {
            // The header's own name is what a reader that ignores the extension sees: it must
            // be harmless too. Writers cut it to fit, so it may end oddly, but it must not
            // climb out or be absolute.
            check_unsafe_path(header_name)?;
            Ok(name)
        }
        None => Ok(header_name.to_vec()),
    }
}

/// Checks an entry's full name: no byte that makes it mean two things, no way out of the
/// folder it is unpacked in, one spelling per path. A folder's name may end in one `/`.
fn check_path(raw: &[u8], is_folder: bool) -> Result<String, TarballError> {
    let name = check_unsafe_path(raw)?;
    // Stops names that installers cannot create, and that would make the names kept for the
    // duplicate check a memory bomb (10 000 entries of 2 000 components each).
    if name.len() > MAX_PATH_BYTES {
        return Err(TarballError::NameTooLong {
            name: clip(&name, 256).to_owned(),
            limit: MAX_PATH_BYTES,
        });
    }
    if name.split('/').count() > MAX_PATH_DEPTH + usize::from(name.ends_with('/')) {
        return Err(TarballError::PathTooDeep {
            name: clip(&name, 256).to_owned(),
            limit: MAX_PATH_DEPTH,
        });
    }
    let path = if is_folder {
        name.strip_suffix('/').unwrap_or(&name)
    } else {
        &name
    };
    // Stops one path having several spellings (`a//b`, `./a`, `a/./b`, a file `a/`), which
    // would slip a second copy of a file past the duplicate check; also refuses the empty
    // name.
    if path.split('/').any(|part| part.is_empty() || part == ".") {
        return Err(TarballError::NonCanonicalPath { name });
    }
    Ok(name)
}

/// The checks every name that any reader may use must pass, and returns it as text.
fn check_unsafe_path(raw: &[u8]) -> Result<String, TarballError> {
    let shown = || String::from_utf8_lossy(raw).into_owned();
    // Stops names that C-based extractors cut short at the NUL, so they write a different
    // file than the one checked (`evil.sh\0.txt`); node-tar cuts long names at a NUL too.
    if raw.contains(&0) {
        return Err(TarballError::NulInName { name: shown() });
    }
    // Stops names that mean different paths to readers that decode them differently
    // (node-tar replaces invalid UTF-8, others keep the bytes).
    let Ok(name) = std::str::from_utf8(raw) else {
        return Err(TarballError::NameNotUtf8 { name: shown() });
    };
    let name = name.to_owned();
    // Stops names no file system stores as written, which extractors rewrite differently,
    // and listings that carry terminal escape sequences.
    if name.chars().any(char::is_control) {
        return Err(TarballError::ControlCharacter { name });
    }
    // Stops `..\..\x` path traversal on Windows, where a backslash separates folders.
    if name.contains('\\') {
        return Err(TarballError::Backslash { name });
    }
    // Stops writing anywhere on the disk: `/etc/x`, `//server/share`, `C:x`.
    let bytes = name.as_bytes();
    if name.starts_with('/')
        || (bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':')
    {
        return Err(TarballError::AbsolutePath { name });
    }
    // Stops "tar slip": `package/../../.bashrc` climbing out of the folder the package is
    // unpacked in.
    if name.split('/').any(|part| part == "..") {
        return Err(TarballError::ParentComponent { name });
    }
    Ok(name)
}

/// Checks an entry's type: only regular files and folders.
fn check_kind(flag: u8, name: &str, size: u64) -> Result<(), TarballError> {
    let name = name.to_owned();
    match flag {
        flag::FILE | flag::OLD_FILE => Ok(()),
        // Stops data hidden in a folder entry: readers skip it, or read it as headers.
        flag::FOLDER if size > 0 => Err(TarballError::FolderWithData { name, size }),
        flag::FOLDER => Ok(()),
        // Links are refused outright: npm's packer never writes one (it packs the files links
        // point to), and a link lets a later entry write through it outside the unpack folder
        // (`lib -> /etc`, then `lib/passwd`) or makes a file of the installing machine part
        // of the package. Checking link targets instead would have to get every reader's
        // resolution right; refusing is the safe choice.
        flag::SYMLINK => Err(TarballError::Symlink { name }),
        flag::HARD_LINK => Err(TarballError::HardLink { name }),
        // Stops devices and FIFOs, which an extractor running as root may create (a device
        // node gives access to the disk or memory behind it; a FIFO hangs whoever reads it).
        flag::CHAR_DEVICE => Err(special(name, "character device")),
        flag::BLOCK_DEVICE => Err(special(name, "block device")),
        flag::FIFO => Err(special(name, "FIFO")),
        // Stops every other type (contiguous files, GNU sparse files, volume labels, vendor
        // extensions): readers treat them differently, and npm writes none of them.
        other => Err(special(
            name,
            &format!("entry of tar type {:?}", char::from(other)),
        )),
    }
}

fn special(name: String, kind: &str) -> TarballError {
    TarballError::SpecialFile {
        name,
        kind: kind.to_owned(),
    }
}

/// Parses a pax extended header strictly: every byte must belong to a well-formed
/// `"{length} {key}={value}\n"` record.
fn parse_pax(data: &[u8], header_name: &str) -> Result<Pax, TarballError> {
    let bad = |problem| bad_extension(header_name, problem);
    let mut pax = Pax {
        path: None,
        size: None,
    };
    let mut keys = HashSet::new();
    let mut rest = data;
    while !rest.is_empty() {
        let space = rest
            .iter()
            .position(|&b| b == b' ')
            .ok_or_else(|| bad("malformed pax record"))?;
        let digits = &rest[..space];
        if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
            return Err(bad("malformed pax record length"));
        }
        let length = std::str::from_utf8(digits)
            .ok()
            .and_then(|digits| digits.parse::<usize>().ok())
            .ok_or_else(|| bad("malformed pax record length"))?;
        if length <= space + 1 || length > rest.len() || rest[length - 1] != b'\n' {
            return Err(bad("pax record length does not match its record"));
        }
        let record = &rest[space + 1..length - 1];
        rest = &rest[length..];
        // Stops records hidden inside a value: node-tar splits the header at every newline
        // where the tar crate counts lengths, so a value holding `\n30 path=...` would give
        // node-tar a path no other reader sees.
        if record.contains(&b'\n') {
            return Err(bad("newline inside a pax record"));
        }
        let equals = record
            .iter()
            .position(|&b| b == b'=')
            .ok_or_else(|| bad("pax record without '='"))?;
        let key =
            std::str::from_utf8(&record[..equals]).map_err(|_| bad("pax key is not UTF-8"))?;
        let value = &record[equals + 1..];
        if key.is_empty() {
            return Err(bad("empty pax key"));
        }
        // Stops a key given twice: readers keep the first or the last.
        if !keys.insert(key.to_owned()) {
            return Err(bad("pax key repeated"));
        }
        match key {
            "path" => pax.path = Some(value.to_vec()),
            "size" => {
                let size = std::str::from_utf8(value)
                    .ok()
                    .filter(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()))
                    .and_then(|v| v.parse::<u64>().ok())
                    .ok_or_else(|| bad("malformed pax size"))?;
                pax.size = Some(size);
            }
            // Stops link targets (links are refused) and sparse maps (a file whose data is
            // not where its header says) riding on a regular file's header.
            "linkpath" => return Err(bad("pax link path")),
            key if key.starts_with("GNU.sparse.") => return Err(bad("GNU sparse file")),
            // Times, owners, charsets, comments and extended attributes do not change what
            // is unpacked where.
            _ => {}
        }
    }
    Ok(pax)
}

#[cfg(test)]
mod tests;
