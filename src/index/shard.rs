//! Where a package's file lives in the index: crates.io's sharding rule.

/// The path of a package's index file, relative to the index root, for a canonical name:
/// `1/a`, `2/ab`, `3/a/abc`, `ab/cd/abcdef`. Sharding keeps directories small enough for
/// git and every filesystem at any registry size.
#[must_use]
pub fn shard_path(canonical: &str) -> String {
    // Valid names are ASCII; anything else (a stray file in a hand-edited index) gets a path
    // no package file can have, rather than a slice through a multi-byte character.
    if !canonical.is_ascii() {
        return format!("!invalid/{canonical}");
    }
    match canonical.len() {
        0 => "!invalid/".to_owned(),
        1 => format!("1/{canonical}"),
        2 => format!("2/{canonical}"),
        3 => format!("3/{}/{canonical}", &canonical[..1]),
        _ => format!("{}/{}/{canonical}", &canonical[..2], &canonical[2..4]),
    }
}

#[cfg(test)]
mod tests {
    use super::shard_path;

    #[test]
    fn follows_crates_io() {
        assert_eq!(shard_path("a"), "1/a");
        assert_eq!(shard_path("ab"), "2/ab");
        assert_eq!(shard_path("abc"), "3/a/abc");
        assert_eq!(shard_path("abcd"), "ab/cd/abcd");
        assert_eq!(shard_path("fc-http"), "fc/-h/fc-http");
        assert!(shard_path("éé").starts_with('!'), "non-ASCII never panics");
    }
}
