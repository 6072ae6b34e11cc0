//! Placeholder: the S3 target, being written.
