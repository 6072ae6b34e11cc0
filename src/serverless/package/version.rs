//! Versions: SemVer `MAJOR.MINOR.PATCH` with an optional pre-release, and which one is latest.

use std::{fmt, str::FromStr};

/// A validated version. Build metadata (`+…`) is refused: it does not take part in ordering,
/// so `1.0.0+a` and `1.0.0+b` would be two files for one version, and `+` is read as a space
/// in some URL decoders.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version(semver::Version);

/// Why a string is not a valid version.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VersionError {
    #[error("version {raw:?} is not MAJOR.MINOR.PATCH with an optional pre-release: {reason}")]
    Syntax { raw: String, reason: String },
    #[error("version {0:?} carries build metadata ('+…'), which the registry does not accept")]
    BuildMetadata(String),
    #[error("version is {0} characters long; the limit is 64")]
    TooLong(usize),
}

impl Version {
    /// Parses `raw` as a version.
    ///
    /// # Errors
    /// [`VersionError`] when `raw` is not SemVer or carries build metadata.
    pub fn parse(raw: &str) -> Result<Self, VersionError> {
        if raw.len() > 64 {
            return Err(VersionError::TooLong(raw.len()));
        }
        let parsed = semver::Version::parse(raw).map_err(|e| VersionError::Syntax {
            raw: raw.to_owned(),
            reason: e.to_string(),
        })?;
        if !parsed.build.is_empty() {
            return Err(VersionError::BuildMetadata(raw.to_owned()));
        }
        Ok(Version(parsed))
    }

    /// Whether this is a pre-release (`1.0.0-beta.1`).
    #[must_use]
    pub fn is_prerelease(&self) -> bool {
        !self.0.pre.is_empty()
    }
}

impl FromStr for Version {
    type Err = VersionError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Version::parse(s)
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Picks "latest" among `(version, yanked)` pairs: the highest version that is neither yanked
/// nor a pre-release; when no such version exists, the highest pre-release that is not
/// yanked. Yanked versions are never latest.
pub fn latest<'a, I>(versions: I) -> Option<&'a Version>
where
    I: IntoIterator<Item = (&'a Version, bool)>,
{
    let mut best_stable: Option<&Version> = None;
    let mut best_pre: Option<&Version> = None;
    for (version, yanked) in versions {
        if yanked {
            continue;
        }
        let slot = if version.is_prerelease() {
            &mut best_pre
        } else {
            &mut best_stable
        };
        if slot.is_none_or(|best| version > best) {
            *slot = Some(version);
        }
    }
    best_stable.or(best_pre)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        Version::parse(s).expect("test version is valid")
    }

    #[test]
    fn parses_semver_without_build() {
        assert!(v("1.2.3-beta.1").is_prerelease());
        assert!(!v("0.0.1").is_prerelease());
        for bad in ["1.2", "v1.2.3", "01.2.3", "1.2.3.4", "", "1.2.3-", " 1.2.3"] {
            assert!(
                matches!(Version::parse(bad), Err(VersionError::Syntax { .. })),
                "{bad}"
            );
        }
        assert_eq!(
            Version::parse("1.0.0+abc"),
            Err(VersionError::BuildMetadata("1.0.0+abc".into()))
        );
    }

    #[test]
    fn latest_prefers_stable_then_prerelease_never_yanked() {
        let vs = [v("1.0.0"), v("2.0.0-rc.1"), v("1.5.0"), v("1.6.0")];
        let pick = |yanked: &[bool]| {
            latest(vs.iter().zip(yanked.iter().copied())).map(ToString::to_string)
        };
        assert_eq!(
            pick(&[false, false, false, false]).as_deref(),
            Some("1.6.0")
        );
        assert_eq!(pick(&[false, false, false, true]).as_deref(), Some("1.5.0"));
        assert_eq!(
            pick(&[true, false, true, true]).as_deref(),
            Some("2.0.0-rc.1")
        );
        assert_eq!(pick(&[true, true, true, true]), None);
    }
}
