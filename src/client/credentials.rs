//! The credentials file: what `shelf login` and `shelf key create --save` remember, per
//! registry, for `shelf publish`.
//!
//! One JSON document, `$SHELF_CONFIG_DIR/credentials.json` (default
//! `$HOME/.config/shelf/credentials.json`):
//!
//! ```json
//! { "https://registry.example.com": { "token": "shelf_…", "key_id": "…", "key_secret": "…" } }
//! ```
//!
//! Keys are registry URLs without a trailing slash ([`super::RegistryUrl`]). The file is
//! replaced atomically (a temporary file in the same folder, then a rename) so a crash never
//! leaves half a file, and it is created readable by its owner only (0600, in a 0700 folder)
//! because it holds bearer credentials.

use std::{
    collections::BTreeMap,
    ffi::OsString,
    fmt, fs,
    io::{self, Write as _},
    path::{Path, PathBuf},
};

use serde::{Deserialize, Serialize};

use super::env::{ENV_CONFIG_DIR, ENV_HOME};

/// File name inside the configuration folder.
pub const FILE_NAME: &str = "credentials.json";

/// A secret string (token, API key secret, password). `Debug` never shows it, and there is
/// no `Display`: the only way to the text is [`Secret::expose`], so every place a secret
/// leaves the program is a visible call.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret.
    #[must_use]
    pub fn new(text: impl Into<String>) -> Self {
        Secret(text.into())
    }

    /// The secret text, for the one place that sends or stores it.
    #[must_use]
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

/// What is remembered for one registry. Every field is optional: a login stores a token, a
/// saved key stores the key pair, and each leaves the other alone.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistryCredentials {
    /// Login token (`shelf_…`) from `shelf login`, sent as `Authorization: Bearer`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<Secret>,
    /// Public id of an API key, sent as `X-Api-Key` on signed requests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_id: Option<String>,
    /// That key's HMAC secret; it signs requests and never travels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_secret: Option<Secret>,
}

/// The whole file: registry URL (no trailing slash) to what is remembered for it. Sorted, so
/// rewriting the file after a change moves nothing else.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Credentials {
    registries: BTreeMap<String, RegistryCredentials>,
}

impl Credentials {
    /// What is remembered for `registry`, if anything.
    #[must_use]
    pub fn get(&self, registry: &str) -> Option<&RegistryCredentials> {
        self.registries.get(registry)
    }

    /// The entry for `registry`, created empty when missing.
    pub fn entry(&mut self, registry: &str) -> &mut RegistryCredentials {
        self.registries.entry(registry.to_owned()).or_default()
    }
}

/// Where the credentials file lives, and its reading and writing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialsFile {
    path: PathBuf,
}

impl CredentialsFile {
    /// The file at `path` (tests, or a caller that knows better).
    #[must_use]
    pub fn at(path: impl Into<PathBuf>) -> Self {
        CredentialsFile { path: path.into() }
    }

    /// The file the environment names: `$SHELF_CONFIG_DIR/credentials.json`, else
    /// `$HOME/.config/shelf/credentials.json`.
    ///
    /// # Errors
    /// When neither variable is set (or both are empty).
    pub fn from_env() -> anyhow::Result<Self> {
        Self::locate(std::env::var_os(ENV_CONFIG_DIR), std::env::var_os(ENV_HOME))
    }

    /// [`CredentialsFile::from_env`] with the variables' values passed in.
    ///
    /// # Errors
    /// When neither value is given (or both are empty).
    pub fn locate(config_dir: Option<OsString>, home: Option<OsString>) -> anyhow::Result<Self> {
        let non_empty = |value: Option<OsString>| value.filter(|v| !v.is_empty());
        let folder = match (non_empty(config_dir), non_empty(home)) {
            (Some(dir), _) => PathBuf::from(dir),
            (None, Some(home)) => PathBuf::from(home).join(".config").join("shelf"),
            (None, None) => anyhow::bail!(
                "cannot tell where to keep credentials: set {ENV_CONFIG_DIR} or {ENV_HOME}"
            ),
        };
        Ok(Self::at(folder.join(FILE_NAME)))
    }

    /// The file's path.
    #[must_use]
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Reads the file; a missing file is an empty set of credentials.
    ///
    /// # Errors
    /// When the file exists but cannot be read or is not the documented JSON. The message
    /// names the file, never its content.
    pub fn load(&self) -> anyhow::Result<Credentials> {
        let bytes = match fs::read(&self.path) {
            Ok(bytes) => bytes,
            Err(error) if error.kind() == io::ErrorKind::NotFound => {
                return Ok(Credentials::default());
            }
            Err(error) => {
                return Err(anyhow::Error::new(error)
                    .context(format!("cannot read {}", self.path.display())));
            }
        };
        // Only the position is reported: serde_json's messages quote the offending value
        // ("invalid type: string \"shelf_…\""), which may be a secret.
        serde_json::from_slice(&bytes).map_err(|error| {
            anyhow::anyhow!(
                "{} is not a valid credentials file (error at line {}, column {}); fix or \
                 delete it",
                self.path.display(),
                error.line(),
                error.column()
            )
        })
    }

    /// Replaces the file with `credentials`, atomically, readable by its owner only.
    ///
    /// # Errors
    /// When the folder cannot be created or the file cannot be written.
    pub fn save(&self, credentials: &Credentials) -> anyhow::Result<()> {
        let context = || format!("cannot write {}", self.path.display());
        let folder = self
            .path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        create_private_folder(folder).map_err(|e| anyhow::Error::new(e).context(context()))?;
        let mut json = serde_json::to_vec_pretty(credentials)?;
        json.push(b'\n');
        // tempfile creates the file 0600 on Unix before anything is written into it, so the
        // secrets are never readable by others, not even for a moment.
        let write = || -> io::Result<()> {
            let mut temp = tempfile::Builder::new()
                .prefix(".credentials.")
                .suffix(".tmp")
                .tempfile_in(folder)?;
            restrict(temp.as_file(), 0o600)?;
            temp.write_all(&json)?;
            temp.as_file().sync_all()?;
            temp.persist(&self.path).map_err(|e| e.error)?;
            Ok(())
        };
        write().map_err(|e| anyhow::Error::new(e).context(context()))
    }

    /// Loads the file, lets `change` edit the entry for `registry`, and saves it.
    ///
    /// # Errors
    /// As [`CredentialsFile::load`] and [`CredentialsFile::save`].
    pub fn update(
        &self,
        registry: &str,
        change: impl FnOnce(&mut RegistryCredentials),
    ) -> anyhow::Result<()> {
        let mut credentials = self.load()?;
        change(credentials.entry(registry));
        self.save(&credentials)
    }
}

/// Creates `folder` (and missing parents) as 0700. An existing folder is left as it is: it
/// may be one the user chose and shares on purpose (`SHELF_CONFIG_DIR=/tmp/x`), and the
/// file itself is 0600 anyway.
fn create_private_folder(folder: &Path) -> io::Result<()> {
    if folder.is_dir() {
        return Ok(());
    }
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(folder)
}

#[cfg(unix)]
fn restrict(file: &fs::File, mode: u32) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt as _;
    file.set_permissions(fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn restrict(_file: &fs::File, _mode: u32) -> io::Result<()> {
    Ok(())
}
