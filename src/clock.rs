//! Time as the registry writes it. The current time is read once at the edge (CLI, handler)
//! and passed down, so everything below is deterministic and testable.

use time::{OffsetDateTime, format_description::BorrowedFormatItem, macros::format_description};

const RFC3339_Z: &[BorrowedFormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");

/// `2021-01-04T07:41:23Z`: RFC 3339 in UTC with a `Z` and whole seconds, the form the SRM
/// documents and the Serverless Devs client expect.
#[must_use]
pub fn rfc3339(at: OffsetDateTime) -> String {
    // Formatting a valid UTC datetime with a fixed description cannot fail.
    at.to_offset(time::UtcOffset::UTC)
        .format(RFC3339_Z)
        .unwrap_or_default()
}

/// The current time, for the edges that need it.
#[must_use]
pub fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

#[cfg(test)]
mod tests {
    #[test]
    fn formats_with_z() {
        let t = time::macros::datetime!(2021-01-04 07:41:23.5 +08:00);
        assert_eq!(super::rfc3339(t), "2021-01-03T23:41:23Z");
    }
}
