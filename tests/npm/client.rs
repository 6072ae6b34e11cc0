//! The real `npm` client, isolated: its own user config, cache and folders per test, the
//! registry given on every call, its output in files (read after it exits).

use std::{
    fs,
    path::{Path, PathBuf},
    process::Command,
    time::Duration,
};

use crate::common::output_within;

/// Checks `npm` is installed; fails naming the install command when it is not.
pub fn require_npm() {
    let found = Command::new("npm").arg("--version").output();
    assert!(
        found.is_ok_and(|out| out.status.success()),
        "npm is missing; install it with `apt-get install -y npm` (bash .ci/test does)"
    );
}

/// An npm client for one registry.
pub struct Npm {
    /// `http://HOST/npm/`.
    pub registry: String,
    root: PathBuf,
    userconfig: PathBuf,
    logs: PathBuf,
}

impl Npm {
    /// A client for `registry` (`http://HOST/npm/`), its files under `root`.
    pub fn new(root: &Path, registry: &str) -> Npm {
        require_npm();
        fs::create_dir_all(root.join("logs")).expect("mkdir");
        let userconfig = root.join("npmrc");
        fs::write(&userconfig, format!("registry={registry}\n")).expect("npmrc");
        Npm {
            registry: registry.to_owned(),
            root: root.to_owned(),
            userconfig,
            logs: root.join("logs"),
        }
    }

    /// The `.npmrc` key npm keeps this registry's token under.
    fn token_key(&self) -> String {
        format!("{}:_authToken", self.registry.trim_start_matches("http:"))
    }

    /// Stores `token` for the registry, as `npm login` does.
    pub fn set_token(&self, token: &str) {
        let text = format!("registry={}\n{}={token}\n", self.registry, self.token_key());
        fs::write(&self.userconfig, text).expect("npmrc");
    }

    /// The token `npm login` stored, if any.
    pub fn token(&self) -> Option<String> {
        let text = fs::read_to_string(&self.userconfig).ok()?;
        let key = format!("{}=", self.token_key());
        text.lines()
            .find_map(|line| line.strip_prefix(&key))
            .map(str::to_owned)
    }

    /// A command running npm in `dir` with a fresh cache named `cache`.
    fn command(&self, dir: &Path, cache: &str, args: &[&str]) -> Command {
        let mut command = Command::new("npm");
        command
            .args(args)
            .current_dir(dir)
            .env("npm_config_userconfig", &self.userconfig)
            .env("npm_config_cache", self.root.join("caches").join(cache))
            .env("npm_config_registry", &self.registry)
            .env("npm_config_update_notifier", "false")
            .env("npm_config_fund", "false")
            .env("npm_config_audit", "false")
            .env("npm_config_loglevel", "warn")
            .env("NO_COLOR", "1");
        command
    }

    /// Runs `npm ARGS` in `dir`, with the cache `cache`; (success, stdout and stderr).
    pub fn run_in(&self, dir: &Path, cache: &str, args: &[&str]) -> (bool, String) {
        let mut command = self.command(dir, cache, args);
        let out = output_within(&mut command, Duration::from_secs(180), &self.logs);
        let text = String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr);
        (out.status.success(), text)
    }

    /// Runs `npm ARGS` in `dir` with the shared cache.
    pub fn run(&self, dir: &Path, args: &[&str]) -> (bool, String) {
        self.run_in(dir, "shared", args)
    }

    /// Runs `npm ARGS` in a terminal, answering its prompts in order (`npm login` reads
    /// them from a TTY): python's `pty` drives it.
    pub fn run_prompted(&self, dir: &Path, args: &[&str], answers: &[(&str, &str)]) -> String {
        let mut script = String::from(PTY_DRIVER);
        script.push('\n');
        let mut command = Command::new("python3");
        command.arg("-c").arg(script);
        for (prompt, answer) in answers {
            command.arg(format!("{prompt}=>{answer}"));
        }
        command.arg("--").arg("npm").args(args);
        let npm = self.command(dir, "shared", &[]);
        for (key, value) in npm.get_envs() {
            if let Some(value) = value {
                command.env(key, value);
            }
        }
        command.current_dir(dir);
        let out = output_within(&mut command, Duration::from_secs(120), &self.logs);
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr)
    }
}

/// Runs a command in a pseudo-terminal, writing each answer when its prompt appears.
const PTY_DRIVER: &str = r#"
import os, pty, select, sys, time
args = sys.argv[1:]
split = args.index('--')
pairs = [a.split('=>', 1) for a in args[:split]]
cmd = args[split + 1:]
pid, fd = pty.fork()
if pid == 0:
    os.execvp(cmd[0], cmd)
seen = b''
while True:
    ready, _, _ = select.select([fd], [], [], 60)
    if not ready:
        break
    try:
        data = os.read(fd, 4096)
    except OSError:
        break
    if not data:
        break
    sys.stdout.write(data.decode('utf-8', 'replace'))
    sys.stdout.flush()
    seen += data
    while pairs and pairs[0][0].encode() in seen:
        seen = seen.split(pairs[0][0].encode(), 1)[1]
        time.sleep(0.2)
        os.write(fd, pairs[0][1].encode() + b'\r')
        pairs.pop(0)
_, status = os.waitpid(pid, 0)
sys.exit(os.waitstatus_to_exitcode(status))
"#;

/// Writes a package folder: `package.json` from `manifest`, an `index.js` and a readme.
pub fn package_dir(root: &Path, folder: &str, manifest: &serde_json::Value, code: &str) -> PathBuf {
    let dir = root.join(folder);
    fs::create_dir_all(&dir).expect("mkdir");
    fs::write(dir.join("package.json"), manifest.to_string()).expect("package.json");
    fs::write(dir.join("index.js"), code).expect("index.js");
    let name = manifest["name"].as_str().unwrap_or_default();
    fs::write(
        dir.join("README.md"),
        format!("# {name}\n\nA *test* package.\n"),
    )
    .expect("readme");
    dir
}

/// A fresh project folder with an empty `package.json`.
pub fn project(root: &Path, folder: &str) -> PathBuf {
    let dir = root.join(folder);
    fs::create_dir_all(&dir).expect("mkdir");
    fs::write(
        dir.join("package.json"),
        r#"{"name":"project","version":"1.0.0","private":true}"#,
    )
    .expect("package.json");
    dir
}

/// Runs `node -e CODE` in `dir`; its stdout.
pub fn node(dir: &Path, code: &str) -> String {
    let out = Command::new("node")
        .arg("-e")
        .arg(code)
        .current_dir(dir)
        .output()
        .expect("node runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}
