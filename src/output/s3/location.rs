//! `s3://BUCKET/PREFIX`: which bucket, and which folder of it, the site is written to.

/// A bucket and a key prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The bucket's name.
    pub bucket: String,
    /// Prepended to every key: empty, or a folder path ending in `/`.
    pub prefix: String,
}

/// Why a `--target` spec was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum LocationError {
    #[error("unsupported target {0:?}: the only remote target is s3://BUCKET/PREFIX")]
    Scheme(String),
    #[error("the target {0:?} names no bucket: write s3://BUCKET or s3://BUCKET/PREFIX")]
    NoBucket(String),
    #[error("the target prefix in {0:?} has an empty, `.` or `..` segment")]
    BadPrefix(String),
}

impl Location {
    /// Parses `s3://BUCKET`, `s3://BUCKET/PREFIX` or `s3://BUCKET/PREFIX/`.
    ///
    /// # Errors
    /// Another scheme, no bucket, or a prefix with empty, `.` or `..` segments (keys that a
    /// URL path could not address one to one).
    pub fn parse(spec: &str) -> Result<Self, LocationError> {
        let rest = spec
            .strip_prefix("s3://")
            .ok_or_else(|| LocationError::Scheme(spec.to_owned()))?;
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        if bucket.is_empty() {
            return Err(LocationError::NoBucket(spec.to_owned()));
        }
        let prefix = prefix.strip_suffix('/').unwrap_or(prefix);
        if prefix.is_empty() {
            return Ok(Location {
                bucket: bucket.to_owned(),
                prefix: String::new(),
            });
        }
        if prefix
            .split('/')
            .any(|segment| matches!(segment, "" | "." | ".."))
        {
            return Err(LocationError::BadPrefix(spec.to_owned()));
        }
        Ok(Location {
            bucket: bucket.to_owned(),
            prefix: format!("{prefix}/"),
        })
    }

    /// The object key of a site key.
    #[must_use]
    pub fn object_key(&self, key: &str) -> String {
        format!("{}{key}", self.prefix)
    }

    /// The site key of an object key; `None` when the object is outside the prefix.
    #[must_use]
    pub fn site_key<'k>(&self, object_key: &'k str) -> Option<&'k str> {
        object_key.strip_prefix(&self.prefix)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs() {
        let at = |bucket: &str, prefix: &str| Location {
            bucket: bucket.into(),
            prefix: prefix.into(),
        };
        assert_eq!(Location::parse("s3://site"), Ok(at("site", "")));
        assert_eq!(Location::parse("s3://site/"), Ok(at("site", "")));
        assert_eq!(Location::parse("s3://site/reg"), Ok(at("site", "reg/")));
        assert_eq!(Location::parse("s3://site/a/b/"), Ok(at("site", "a/b/")));
        assert!(matches!(
            Location::parse("gs://site"),
            Err(LocationError::Scheme(_))
        ));
        assert!(matches!(
            Location::parse("s3:///x"),
            Err(LocationError::NoBucket(_))
        ));
        for bad in ["s3://b/a//c", "s3://b/../c", "s3://b/./c"] {
            assert!(
                matches!(Location::parse(bad), Err(LocationError::BadPrefix(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn keys_round_trip_through_the_prefix() {
        let location = Location::parse("s3://site/reg").expect("parse");
        assert_eq!(location.object_key("hello/releases"), "reg/hello/releases");
        assert_eq!(
            location.site_key("reg/hello/releases"),
            Some("hello/releases")
        );
        assert_eq!(location.site_key("other/x"), None);
    }
}
