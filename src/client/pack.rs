//! Packing a package folder into the zip `shelf publish` uploads.
//!
//! The zip is deterministic: the same files give the same bytes, whatever their timestamps,
//! owners, the order the filesystem lists them in, or where the folder is. So a version's
//! SHA-256 depends on its content only, and packing twice is a no-op that can be checked.
//! To get there every entry is written the same way: sorted by path (byte order of the UTF-8
//! name), timestamp 1980-01-01 00:00 (the DOS epoch, the earliest a zip can hold), host
//! system Unix with permissions 0644 (0755 when any execute bit is set), deflate at the
//! default level, no extra fields and no directory entries (folders are implied by paths).
//!
//! Left out: version-control folders (`.git`, `.hg`, `.svn`), `.DS_Store`, `node_modules`
//! unless asked for, and anything that is not a regular file or a folder. Symlinks are left
//! out rather than followed or stored: the registry refuses them (a link can point outside
//! the folder it is unpacked into), and following one would pack files from outside the
//! package.

use std::{
    fs::File,
    io::{self, Seek, Write},
    path::{Component, Path, PathBuf},
};

use zip::{CompressionMethod, DateTime, System, ZipWriter, write::SimpleFileOptions};

/// Names never packed, wherever they appear: version-control metadata and Finder's litter.
pub const ALWAYS_SKIPPED: [&str; 4] = [".git", ".hg", ".svn", ".DS_Store"];

/// Dependencies folder, skipped unless [`PackOptions::include_node_modules`].
pub const NODE_MODULES: &str = "node_modules";

/// Permissions of a packed file.
pub const FILE_MODE: u32 = 0o644;
/// Permissions of a packed file that was executable by anyone.
pub const EXECUTABLE_MODE: u32 = 0o755;

/// What to pack.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PackOptions {
    /// Pack `node_modules` folders too. Serverless Devs runs no `npm install` on a
    /// downloaded component, so a component with runtime dependencies needs them.
    pub include_node_modules: bool,
}

/// One file to pack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackedFile {
    /// Its name in the zip: the path below the folder, `/`-separated.
    pub name: String,
    /// Where it is on disk.
    pub path: PathBuf,
    /// Whether any execute bit was set (packed as 0755, else 0644).
    pub executable: bool,
    /// Its size when listed, in bytes.
    pub size: u64,
}

/// Why something in the folder was left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SkipReason {
    /// `.git`, `.hg`, `.svn` or `.DS_Store`.
    Metadata,
    /// A `node_modules` folder.
    NodeModules,
    /// A symbolic link.
    Symlink,
    /// A socket, FIFO or device.
    NotAFile,
}

/// Something in the folder that was left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// Its path below the folder, `/`-separated.
    pub name: String,
    /// Why.
    pub reason: SkipReason,
}

/// What packing a folder will do: the files, in zip order, and what was left out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    /// Files to pack, sorted by name.
    pub files: Vec<PackedFile>,
    /// What was left out, in the order it was met.
    pub skipped: Vec<Skipped>,
}

impl Plan {
    /// Sum of the files' sizes, in bytes.
    #[must_use]
    pub fn total_bytes(&self) -> u64 {
        self.files.iter().map(|f| f.size).sum()
    }
}

/// Why a folder could not be packed.
#[derive(Debug, thiserror::Error)]
pub enum PackError {
    #[error("cannot list {}", path.display())]
    Walk {
        path: PathBuf,
        #[source]
        source: walkdir::Error,
    },
    #[error("{} has a name that is not valid UTF-8; zip entry names must be", path.display())]
    NameNotUtf8 { path: PathBuf },
    #[error("cannot read {}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("cannot write the zip entry {name}")]
    Write {
        name: String,
        #[source]
        source: zip::result::ZipError,
    },
    #[error("cannot finish the zip")]
    Finish(#[source] zip::result::ZipError),
}

/// Lists what packing `folder` will put in the zip.
///
/// # Errors
/// [`PackError`] for an unreadable folder or a name that is not UTF-8.
pub fn plan(folder: &Path, options: PackOptions) -> Result<Plan, PackError> {
    let mut plan = Plan::default();
    let mut walker = walkdir::WalkDir::new(folder)
        .follow_links(false)
        .min_depth(1)
        .into_iter();
    while let Some(entry) = walker.next() {
        let entry = entry.map_err(|source| PackError::Walk {
            path: source.path().unwrap_or(folder).to_owned(),
            source,
        })?;
        let path = entry.path();
        let name = zip_name(path.strip_prefix(folder).unwrap_or(path)).ok_or_else(|| {
            PackError::NameNotUtf8 {
                path: path.to_owned(),
            }
        })?;
        let kind = entry.file_type();
        let reason = match entry.file_name().to_str() {
            Some(n) if ALWAYS_SKIPPED.contains(&n) => Some(SkipReason::Metadata),
            Some(NODE_MODULES) if !options.include_node_modules => Some(SkipReason::NodeModules),
            _ if kind.is_symlink() => Some(SkipReason::Symlink),
            _ if kind.is_dir() => None,
            _ if !kind.is_file() => Some(SkipReason::NotAFile),
            _ => None,
        };
        if let Some(reason) = reason {
            if kind.is_dir() {
                walker.skip_current_dir();
            }
            plan.skipped.push(Skipped { name, reason });
            continue;
        }
        if kind.is_dir() {
            continue;
        }
        let metadata = entry.metadata().map_err(|source| PackError::Walk {
            path: path.to_owned(),
            source,
        })?;
        plan.files.push(PackedFile {
            name,
            path: path.to_owned(),
            executable: is_executable(&metadata),
            size: metadata.len(),
        });
    }
    plan.files.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(plan)
}

/// Writes the files of `plan` as a zip into `out`, streaming each file, and returns `out`.
///
/// # Errors
/// [`PackError`] when a file cannot be read or the zip cannot be written.
pub fn write<W: Write + Seek>(plan: &Plan, out: W) -> Result<W, PackError> {
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .last_modified_time(DateTime::default())
        .system(System::Unix)
        .large_file(false);
    let mut zip = ZipWriter::new(out);
    for file in &plan.files {
        let mode = if file.executable {
            EXECUTABLE_MODE
        } else {
            FILE_MODE
        };
        let write_error = |source| PackError::Write {
            name: file.name.clone(),
            source,
        };
        zip.start_file(file.name.as_str(), options.unix_permissions(mode))
            .map_err(write_error)?;
        let read_error = |source| PackError::Read {
            path: file.path.clone(),
            source,
        };
        let mut source = File::open(&file.path).map_err(read_error)?;
        // Reading and writing fail alike through io::copy; the source is the likelier culprit
        // (a file deleted or unreadable mid-pack), the zip is a temporary file.
        io::copy(&mut source, &mut zip).map_err(read_error)?;
    }
    zip.finish().map_err(PackError::Finish)
}

/// `relative` as a zip entry name (`/`-separated), if every component is UTF-8.
fn zip_name(relative: &Path) -> Option<String> {
    let mut parts = Vec::new();
    for component in relative.components() {
        match component {
            Component::Normal(part) => parts.push(part.to_str()?),
            // Below a walked folder only normal components occur.
            _ => return None,
        }
    }
    Some(parts.join("/"))
}

#[cfg(unix)]
fn is_executable(metadata: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::PermissionsExt as _;
    metadata.permissions().mode() & 0o111 != 0
}

#[cfg(not(unix))]
fn is_executable(_metadata: &std::fs::Metadata) -> bool {
    false
}
