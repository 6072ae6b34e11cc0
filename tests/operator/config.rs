//! The configuration file through the real binary: where it is found, what wins over it,
//! what it is refused for, and that `shelf serve` runs with it.

use std::{fs, path::Path, process::Command};

use crate::common::{
    Fixture,
    server::{Server, agent, shelf_serve},
};

/// `shelf ARGS` on `data` with `env` set and no registry settings from the test's own
/// environment.
fn shelf(data: &Path, args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_shelf"));
    command.arg("--data").arg(data).args(args);
    for var in [
        "SHELF_BASE_URL",
        "SHELF_LISTEN",
        "SHELF_CONFIG",
        "SHELF_PURGE_TOKEN",
    ] {
        command.env_remove(var);
    }
    command.envs(env.iter().copied());
    command.output().expect("run shelf")
}

fn stdout(output: &std::process::Output) -> String {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout.clone()).expect("utf-8")
}

/// The line of `shelf config show` for `key`.
fn shown<'a>(text: &'a str, key: &str) -> &'a str {
    let prefix = format!("{key} = ");
    text.lines()
        .find(|l| l.starts_with(&prefix))
        .unwrap_or_else(|| panic!("no {key} in:\n{text}"))
}

#[test]
fn a_flag_wins_over_the_environment_which_wins_over_the_file() {
    let fx = Fixture::new();
    let data = fx.data();
    fs::create_dir_all(&data).expect("mkdir");
    fs::write(
        data.join("shelf.toml"),
        "[server]\nbase_url = \"https://file.example\"\nlisten = \"127.0.0.1:1111\"\n\
         [limits]\nmax_ratio = 7\n",
    )
    .expect("write");
    let env = [
        ("SHELF_BASE_URL", "https://env.example"),
        ("SHELF_LISTEN", "127.0.0.1:2222"),
    ];
    let file_only = stdout(&shelf(&data, &["config", "show"], &[]));
    assert!(file_only.contains("# Configuration file: "), "{file_only}");
    assert!(shown(&file_only, "base_url").contains("\"https://file.example\"  # file "));
    assert!(shown(&file_only, "base_url").ends_with("shelf.toml:2"));
    assert!(shown(&file_only, "max_ratio").ends_with("shelf.toml:5"));
    assert_eq!(
        shown(&file_only, "max_entries"),
        "max_entries = 10000  # default"
    );

    let with_env = stdout(&shelf(&data, &["config", "show"], &env));
    assert_eq!(
        shown(&with_env, "base_url"),
        "base_url = \"https://env.example\"  # environment SHELF_BASE_URL"
    );
    assert_eq!(
        shown(&with_env, "listen"),
        "listen = \"127.0.0.1:2222\"  # environment SHELF_LISTEN"
    );

    let args = [
        "--base-url",
        "https://flag.example",
        "--max-ratio",
        "9",
        "config",
        "show",
    ];
    let with_flag = stdout(&shelf(&data, &args, &env));
    assert_eq!(
        shown(&with_flag, "base_url"),
        "base_url = \"https://flag.example\"  # flag --base-url"
    );
    assert_eq!(
        shown(&with_flag, "max_ratio"),
        "max_ratio = 9  # flag --max-ratio"
    );
}

#[test]
fn a_file_named_by_the_environment_is_read_instead() {
    let fx = Fixture::new();
    let named = fx.dir.path().join("elsewhere.toml");
    fs::write(&named, "[storage]\ndata = \"/srv/registry\"\n").expect("write");
    let named = named.to_str().expect("utf-8");
    let out = Command::new(env!("CARGO_BIN_EXE_shelf"))
        .args(["config", "show"])
        .env("SHELF_CONFIG", named)
        .env_remove("SHELF_DATA")
        .output()
        .expect("run");
    let text = stdout(&out);
    assert!(
        text.contains(&format!("# Configuration file: {named}")),
        "{text}"
    );
    assert!(shown(&text, "data").starts_with("data = \"/srv/registry\"  # file "));
    // A named file that is missing is an error, not an empty configuration.
    let missing = shelf(&fx.data(), &["--config", "/nonexistent.toml", "build"], &[]);
    assert!(!missing.status.success());
    let error = String::from_utf8_lossy(&missing.stderr);
    assert!(
        error.contains("cannot read the configuration file /nonexistent.toml"),
        "{error}"
    );
}

#[test]
fn a_refused_file_stops_the_command_before_it_changes_anything() {
    let fx = Fixture::new();
    let data = fx.data();
    fs::create_dir_all(&data).expect("mkdir");
    fs::write(
        data.join("shelf.toml"),
        "[rate_limits]\n\npublish_per_hour = 0\n",
    )
    .expect("write");
    let out = shelf(&data, &["build"], &[]);
    assert!(!out.status.success());
    let error = String::from_utf8_lossy(&out.stderr);
    assert!(
        error.contains("shelf.toml:3: [rate_limits] publish_per_hour = 0: invalid value '0'"),
        "{error}"
    );
    // Nothing was created: no index, no site.
    let left: Vec<_> = fs::read_dir(&data).expect("list").collect();
    assert_eq!(left.len(), 1, "only shelf.toml is there");
}

#[test]
fn secrets_from_the_environment_are_not_shown_either() {
    let fx = Fixture::new();
    let args = ["--purge-url", "https://cdn.example/purge", "config", "show"];
    let text = stdout(&shelf(
        &fx.data(),
        &args,
        &[("SHELF_PURGE_TOKEN", "tok-SEKRIT")],
    ));
    assert!(!text.contains("SEKRIT"), "{text}");
    assert_eq!(
        shown(&text, "purge_token"),
        "purge_token = \"(hidden)\"  # environment SHELF_PURGE_TOKEN"
    );
}

#[test]
fn the_example_is_a_working_file() {
    let fx = Fixture::new();
    let example = stdout(&shelf(&fx.data(), &["config", "example"], &[]));
    for section in [
        "[server]",
        "[storage]",
        "[output]",
        "[limits]",
        "[rate_limits]",
        "[npm]",
        "[oci]",
    ] {
        assert!(example.contains(section), "{section} in:\n{example}");
    }
    let data = fx.data();
    fs::create_dir_all(&data).expect("mkdir");
    fs::write(data.join("shelf.toml"), &example).expect("write");
    let text = stdout(&shelf(&data, &["config", "show"], &[]));
    assert!(shown(&text, "max_zip_bytes").starts_with("max_zip_bytes = 67108864  # file "));
}

#[test]
fn serve_runs_with_the_file_in_the_data_directory() {
    let fx = Fixture::new();
    let data = fx.data();
    fs::create_dir_all(&data).expect("mkdir");
    fs::write(
        data.join("shelf.toml"),
        "[server]\nlisten = \"127.0.0.1:0\"\nregistration = \"closed\"\n",
    )
    .expect("write");
    let server = Server::shelf(&mut shelf_serve(&data, &[]));
    let body = r#"{"username":"alice","password":"hunter2hunter2","email":"a@example.com"}"#;
    let response = agent()
        .post(&format!("{}/register", server.base))
        .header("Content-Type", "application/json")
        .send(body)
        .expect("answer");
    assert_eq!(response.status(), 403, "registration is closed by the file");
}
