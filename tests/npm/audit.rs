//! Issue 23, point 14: `npm audit`, `pnpm audit` and `bun audit` against `shelf serve`.
//! npm and bun send the bulk advisory request gzip'd, which must be inflated, not refused;
//! pnpm reads `metadata.vulnerabilities` of its report, which must be there. No advisory
//! is kept, so each client hears "nothing found" and exits 0.

use std::{
    fs,
    path::{Path, PathBuf},
    process::Command,
    time::Duration,
};

use serde_json::json;

use crate::{
    client::Npm,
    common::{
        Fixture,
        npm::publish_over_http,
        output_within,
        server::{Server, unlimited_serve},
        sign_up,
    },
};

/// A client installed under `target/tools/{tool}` by `bash .ci/test`; fails naming the
/// command that installs it when it is missing.
fn tool(tool: &str, package: &str) -> PathBuf {
    let bin = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target/tools")
        .join(tool)
        .join("node_modules/.bin")
        .join(tool);
    assert!(
        bin.exists(),
        "{tool} is missing; install it with `npm install --prefix target/tools/{tool} \
         {package}` (bash .ci/test does)"
    );
    bin
}

fn run(command: &mut Command, logs: &Path) -> (bool, String) {
    let out = output_within(command, Duration::from_secs(180), logs);
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.success(), text)
}

#[test]
fn npm_pnpm_and_bun_audit_through_shelf_serve() {
    let fx = Fixture::new();
    let server = Server::shelf(&mut unlimited_serve(&fx.data()));
    let token = sign_up(&server.base, "alice");
    let (status, _) = publish_over_http(&server.base, &token, "audited", "1.0.0");
    assert_eq!(status, 200);
    let registry = format!("{}/npm/", server.base);
    let root = fx.dir.path().join("clients");
    let logs = root.join("logs");
    fs::create_dir_all(&logs).expect("mkdir");
    let project = |name: &str| {
        let dir = root.join(name);
        fs::create_dir_all(&dir).expect("mkdir");
        let manifest = json!({
            "name": name, "version": "1.0.0", "private": true,
            "dependencies": {"audited": "^1.0.0"}
        });
        fs::write(dir.join("package.json"), manifest.to_string()).expect("package.json");
        fs::write(dir.join(".npmrc"), format!("registry={registry}\n")).expect(".npmrc");
        dir
    };

    // npm: the bulk request, gzip'd.
    let npm = Npm::new(&root.join("npm-home"), &registry);
    let dir = project("with-npm");
    let (ok, out) = npm.run(&dir, &["install"]);
    assert!(ok, "{out}");
    let (ok, out) = npm.run(&dir, &["audit"]);
    assert!(ok && out.contains("found 0 vulnerabilities"), "{out}");

    // Installs then audits with `bin` in a project of its own, its caches set by `env`;
    // the audit's output must say `clean`.
    let install_and_audit = |bin: &Path, project_name: &str, env: &[(&str, PathBuf)], clean| {
        let dir = project(project_name);
        for (args, expected) in [("install", None), ("audit", Some(clean))] {
            let mut command = Command::new(bin);
            command
                .arg(args)
                .current_dir(&dir)
                .env("npm_config_registry", &registry)
                .env("BUN_CONFIG_REGISTRY", &registry)
                .env("NO_COLOR", "1");
            for (key, value) in env {
                command.env(key, value);
            }
            let (ok, out) = run(&mut command, &logs);
            assert!(ok && expected.is_none_or(|e| out.contains(e)), "{out}");
        }
    };
    // pnpm: the report, `metadata.vulnerabilities` read.
    install_and_audit(
        &tool("pnpm", "pnpm@9.15.9"),
        "with-pnpm",
        &[
            ("npm_config_store_dir", root.join("pnpm-store")),
            ("npm_config_cache_dir", root.join("pnpm-cache")),
        ],
        "No known vulnerabilities found",
    );
    // bun: the bulk request, gzip'd.
    install_and_audit(
        &tool("bun", "bun@1.2.23"),
        "with-bun",
        &[("BUN_INSTALL_CACHE_DIR", root.join("bun-cache"))],
        "No vulnerabilities found",
    );
}
