use std::path::Path;

use clap::CommandFactory as _;

use super::*;
use crate::cli::Command as Sub;

/// `shelf ARGS` with `text` as the file named by `--config`.
fn parse_with(dir: &Path, text: &str, args: &[&str]) -> anyhow::Result<Cli> {
    let file = dir.join("shelf.toml");
    std::fs::write(&file, text).expect("write the file");
    let mut argv: Vec<OsString> = vec!["shelf".into(), "--config".into(), file.into()];
    argv.extend(args.iter().map(OsString::from));
    parse_from(argv)
}

fn refusal(text: &str) -> String {
    let dir = tempfile::tempdir().expect("tempdir");
    let error = parse_with(dir.path(), text, &["config", "show"]).expect_err("refused");
    format!("{error:#}")
}

#[test]
fn every_flag_is_a_key_and_every_key_a_flag() {
    let command = Cli::command();
    let serve = command.find_subcommand("serve").expect("serve");
    for (owner, scope) in [(&command, Scope::Global), (serve, Scope::Serve)] {
        for arg in owner.get_arguments() {
            let id = arg.get_id().as_str();
            if NOT_KEYS.contains(&id) || (scope == Scope::Serve && arg.is_global_set()) {
                continue;
            }
            assert!(
                KEYS.iter().any(|k| k.name == id && k.scope == scope),
                "the flag --{id} has no key in the configuration file"
            );
        }
    }
    for key in KEYS {
        assert!(flag(&command, key).is_some(), "no flag for {}", key.name);
        assert!(SECTIONS.iter().any(|(s, _)| *s == key.section));
    }
}

#[test]
fn the_example_parses_back_to_the_defaults() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    let data = data.to_str().expect("utf-8");
    let from_file = parse_with(dir.path(), &example(), &["--data", data, "config", "show"])
        .expect("the example is accepted");
    let plain = parse_from(["shelf", "--data", data, "config", "show"]).expect("no file");
    assert!(from_file.sources.file.is_some());
    for (with, without) in from_file
        .sources
        .settings
        .iter()
        .zip(&plain.sources.settings)
    {
        assert_eq!(with.value, without.value, "{}", with.key.name);
        match (&with.source, &without.source) {
            (Source::File(_), Source::Default) | (Source::Unset, Source::Unset) => {}
            (a, b) if a == b => {}
            other => panic!("{}: {other:?}", with.key.name),
        }
    }
    let in_file = from_file
        .sources
        .settings
        .iter()
        .filter(|r| matches!(r.source, Source::File(_)))
        .count();
    assert!(in_file >= 20, "only {in_file} keys set by the example");
    assert_eq!(
        format!("{:?}", from_file.options()),
        format!("{:?}", plain.options())
    );
}

#[test]
fn a_flag_wins_over_the_file_which_wins_over_the_default() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = "[server]\nlisten = \"127.0.0.1:9\"\ntoken_days = 7\n\n\
                [limits]\nmax_ratio = 7\nmax_entries = 5\n\n\
                [oci]\nmax_blob_bytes = 4096\n";
    let cli = parse_with(
        dir.path(),
        text,
        &["--max-entries", "6", "serve", "--token-days", "3"],
    )
    .expect("parsed");
    let Sub::Serve(serve) = &cli.command else {
        panic!("not serve")
    };
    assert_eq!(serve.listen, "127.0.0.1:9", "file");
    assert_eq!(serve.token_days, 3, "flag");
    assert_eq!(serve.upload_ttl, 3600, "default");
    assert_eq!(serve.settings().max_blob_bytes, 4096, "file");
    let options = cli.options();
    assert_eq!(options.limits.max_ratio, 7, "file");
    assert_eq!(options.limits.max_entries, 6, "flag");
    assert_eq!(options.limits.max_zip_bytes, 64 << 20, "default");
    let source = |name: &str| {
        let r = cli.sources.settings.iter().find(|r| r.key.name == name);
        r.expect("a key").source.clone()
    };
    assert_eq!(source("listen"), Source::File(2));
    assert_eq!(source("token_days"), Source::Flag);
    assert_eq!(source("max_ratio"), Source::File(6));
    assert_eq!(source("max_entries"), Source::Flag);
    assert_eq!(source("max_zip_bytes"), Source::Default);
    assert_eq!(source("max_blob_bytes"), Source::File(10));
    // Another command sees `serve`'s keys as `serve` would, for `config show`.
    let shown = parse_with(dir.path(), text, &["config", "show"]).expect("parsed");
    assert!(show(&shown.sources).contains("token_days = 7  # file "));
}

#[test]
fn each_mistake_is_refused_with_file_line_and_key() {
    let cases = [
        (
            "[rate_limits]\nsearch_per_minute = 0\n",
            ":2: [rate_limits] search_per_minute = 0",
        ),
        ("[rate_limits]\nsearch_per_minute = 0\n", "0 is not in 1.."),
        (
            "[limits]\nmax_zip = 5\n",
            ":2: [limits] max_zip: unknown key",
        ),
        (
            "[server]\nmax_zip_bytes = 5\n",
            "`max_zip_bytes` belongs in [limits]",
        ),
        ("[limitz]\n", ":1: unknown section [limitz]"),
        (
            "\n\n[limits]\nmax_zip_bytes = \"big\"\n",
            ":4: [limits] max_zip_bytes: expected an integer",
        ),
        (
            "[server]\nlisten = 8080\n",
            ":2: [server] listen: expected a string, found an integer",
        ),
        ("[limits]\nmax_zip_bytes = -4\n", "must not be negative"),
        (
            "[limits]\nmax_ratio = 1.5\n",
            "expected an integer, found a float",
        ),
        (
            "[server]\nregistration = \"maybe\"\n",
            "[server] registration = \"maybe\"",
        ),
        ("[server]\ngc_every = \"soon\"\n", "is not a duration"),
        ("x = 1\n", ":1: `x` is outside any section"),
        ("[server\n", ":1: not valid TOML"),
        (
            "[limits]\nmax_uncompressed_bytes = 1000\nmax_manifest_bytes = 2000\n",
            ":3: [limits] max_manifest_bytes = 2000 is larger than ",
        ),
        (
            "[output]\npurge_token = \"t\"\n",
            ":2: [output] purge_token is set but",
        ),
        (
            "[output]\ns3_access_key_id = \"k\"\n",
            "an S3 key needs both halves",
        ),
    ];
    for (text, expected) in cases {
        let message = refusal(text);
        assert!(message.contains(expected), "{text:?}: {message}");
        assert!(
            message.contains("shelf.toml:"),
            "{text:?} names the file: {message}"
        );
    }
}

#[test]
fn the_data_directory_is_not_set_from_inside_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).expect("mkdir");
    std::fs::write(
        data.join("shelf.toml"),
        "[storage]\ndata = \"/elsewhere\"\n",
    )
    .expect("write");
    let error = parse_from([
        OsString::from("shelf"),
        "--data".into(),
        data.into(),
        "build".into(),
    ])
    .expect_err("refused");
    assert!(
        format!("{error}").contains("cannot be set by the file inside it"),
        "{error}"
    );
}

#[test]
fn show_never_prints_a_secret() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = "[output]\npurge_url = \"https://cdn.example/purge?key=url-SEKRIT\"\n\
                purge_token = \"token-SEKRIT\"\npurge_command = \"curl -H key:command-SEKRIT\"\n\
                s3_access_key_id = \"key-id-SEKRIT\"\ns3_secret_access_key = \"key-SEKRIT\"\n\
                [storage]\nindex_remote = \"https://user:remote-SEKRIT@git.example/index\"\n";
    let cli = parse_with(dir.path(), text, &["config", "show"]).expect("parsed");
    let shown = show(&cli.sources);
    assert!(!shown.contains("SEKRIT"), "{shown}");
    assert!(
        shown.contains("purge_token = \"(hidden)\"  # file "),
        "{shown}"
    );
    assert!(shown.contains("index_remote = \"(hidden)\""), "{shown}");
    assert!(!format!("{:?}", cli.options().s3_keys).contains("key-SEKRIT"));
}
