//! Progress of `shelf build`: a bar on a terminal (a pseudo-terminal made by `script`), plain
//! lines elsewhere, nothing with `--quiet`; the summary line on stdout either way.

use std::process::Command;

use crate::common::Fixture;

/// A registry with a few published versions, so every stage of a build has work.
fn registry() -> Fixture {
    let fx = Fixture::new();
    let mut registry = fx.registry();
    for (name, version) in [("hello", "0.1.0"), ("hello", "0.2.0"), ("other", "1.0.0")] {
        crate::common::publish(&mut registry, name, version);
    }
    fx
}

/// `shelf ARGS` run on a pseudo-terminal by `script`; everything it drew.
fn on_a_terminal(fx: &Fixture, args: &str) -> String {
    if Command::new("script").arg("--version").output().is_err() {
        panic!("`script` is missing; install it with `apt-get install -y bsdutils`");
    }
    let shelf = env!("CARGO_BIN_EXE_shelf");
    let data = fx.data();
    let line = format!("{shelf} --data '{}' {args}", data.display());
    let out = Command::new("script")
        .args(["-qefc", &line, "/dev/null"])
        .env("TERM", "xterm")
        .output()
        .expect("run script");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn build_draws_a_bar_on_a_terminal() {
    let fx = registry();
    let drawn = on_a_terminal(&fx, "build --verify");
    assert!(drawn.contains("build: packages ["), "{drawn:?}");
    assert!(
        drawn.contains("[==============================] 2/2"),
        "{drawn:?}"
    );
    // Redrawn in place: the line is cleared and rewritten.
    assert!(drawn.contains("\x1b[2K"), "{drawn:?}");
    assert!(
        drawn.contains("Built "),
        "the summary is still printed: {drawn:?}"
    );

    let quiet = on_a_terminal(&fx, "--quiet build --verify");
    assert!(!quiet.contains("\x1b["), "{quiet:?}");
    assert!(!quiet.contains("packages"), "{quiet:?}");
    assert!(quiet.contains("Built "), "{quiet:?}");
}

#[test]
fn build_prints_plain_lines_off_a_terminal() {
    let fx = registry();
    let out = fx.shelf(&["build", "--verify"]);
    assert!(out.status.success());
    let stderr = String::from_utf8(out.stderr).expect("utf-8");
    assert!(
        !stderr.contains('\x1b') && !stderr.contains('\r'),
        "{stderr:?}"
    );
    let lines: Vec<&str> = stderr.lines().collect();
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("build: packages: 2/2 packages, ")
                && l.contains(" files (")
                && l.contains("done in ")),
        "{stderr}"
    );
    assert!(lines.len() <= 8, "a few lines, not a stream: {stderr}");
    let stdout = String::from_utf8(out.stdout).expect("utf-8");
    assert!(stdout.starts_with("Built "), "{stdout}");

    let quiet = fx.shelf(&["--quiet", "build", "--verify"]);
    assert!(quiet.status.success());
    assert_eq!(String::from_utf8_lossy(&quiet.stderr), "");
}
