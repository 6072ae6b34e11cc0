//! The files `git update-server-info` would write, as bytes: what a dumb-HTTP client reads
//! before any object.

use git2::Oid;

/// Where a repository's `HEAD` points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Head {
    /// A branch (`refs/heads/main`): the branch a clone checks out.
    Branch(String),
    /// A commit, detached.
    Detached(Oid),
}

/// The `HEAD` file: `ref: refs/heads/main\n`, or a commit id and a newline.
#[must_use]
pub fn head(head: &Head) -> Vec<u8> {
    match head {
        Head::Branch(name) => format!("ref: {name}\n").into_bytes(),
        Head::Detached(id) => format!("{id}\n").into_bytes(),
    }
}

/// `info/refs`: one `<id>\t<name>\n` line per ref, sorted by name as git writes them.
#[must_use]
pub fn info_refs(refs: &[(String, Oid)]) -> Vec<u8> {
    let mut sorted: Vec<&(String, Oid)> = refs.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    sorted
        .into_iter()
        .map(|(name, id)| format!("{id}\t{name}\n"))
        .collect::<String>()
        .into_bytes()
}

/// `objects/info/packs`: one `P pack-<hash>.pack\n` line per pack, then an empty line.
/// `packs` are base names (`pack-<hash>`); they are listed sorted, so the file depends only
/// on which packs exist.
#[must_use]
pub fn info_packs(packs: &[String]) -> Vec<u8> {
    let mut sorted: Vec<&String> = packs.iter().collect();
    sorted.sort();
    let mut text: String = sorted
        .into_iter()
        .map(|name| format!("P {name}.pack\n"))
        .collect();
    text.push('\n');
    text.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn oid(hex: &str) -> Oid {
        Oid::from_str(hex).expect("valid test oid")
    }

    #[test]
    fn head_names_the_branch_or_the_commit() {
        assert_eq!(
            head(&Head::Branch("refs/heads/main".into())),
            b"ref: refs/heads/main\n"
        );
        let id = oid("0123456789abcdef0123456789abcdef01234567");
        assert_eq!(
            head(&Head::Detached(id)),
            b"0123456789abcdef0123456789abcdef01234567\n"
        );
    }

    #[test]
    fn info_refs_is_what_update_server_info_writes() {
        let main = oid("1111111111111111111111111111111111111111");
        let dev = oid("2222222222222222222222222222222222222222");
        let text = info_refs(&[
            ("refs/heads/main".into(), main),
            ("refs/heads/dev".into(), dev),
        ]);
        assert_eq!(
            String::from_utf8(text).expect("ascii"),
            "2222222222222222222222222222222222222222\trefs/heads/dev\n\
             1111111111111111111111111111111111111111\trefs/heads/main\n"
        );
    }

    #[test]
    fn info_packs_lists_sorted_packs_and_ends_with_an_empty_line() {
        let text = info_packs(&["pack-b".into(), "pack-a".into()]);
        assert_eq!(text, b"P pack-a.pack\nP pack-b.pack\n\n");
        assert_eq!(info_packs(&[]), b"\n");
    }
}
