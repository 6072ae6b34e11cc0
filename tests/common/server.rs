//! Servers a test starts on a free port and kills when it is done with them: `shelf serve`
//! (the real binary) and a plain static file server with no Shelf logic in it.

use std::{
    io::{BufRead, BufReader},
    path::Path,
    process::{Child, Command, Stdio},
};

/// A running server, killed when dropped.
pub struct Server {
    child: Child,
    /// `http://127.0.0.1:PORT`, no trailing slash.
    pub base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// Spawns `command` with its stdout piped here, reads its first line and takes the
    /// base URL from it with `parse`.
    fn spawn(command: &mut Command, parse: impl FnOnce(&str) -> Option<String>) -> Server {
        let mut child = command
            .stdout(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {command:?}: {e}"));
        let stdout = child.stdout.take().expect("stdout");
        // Owned before reading, so a failed read still kills the child.
        let mut server = Server {
            child,
            base: String::new(),
        };
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("read the server's first line");
        server.base = parse(line.trim()).unwrap_or_else(|| panic!("unexpected: {line:?}"));
        server
    }

    /// The server process's id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Stops the server as an operator does (SIGTERM) and waits for it to end.
    pub fn terminate(mut self) -> std::process::ExitStatus {
        let pid = rustix::process::Pid::from_raw(i32::try_from(self.child.id()).expect("a pid"))
            .expect("a pid");
        rustix::process::kill_process(pid, rustix::process::Signal::TERM).expect("SIGTERM");
        self.child.wait().expect("the server ends")
    }

    /// Runs `shelf serve` built by [`shelf_serve`] (plus whatever the caller added) and
    /// waits for its "listening" line.
    pub fn shelf(command: &mut Command) -> Server {
        Server::spawn(command, |line| {
            line.strip_prefix("Shelf listening on ").map(str::to_owned)
        })
    }

    /// Serves `dir` with Python's static file server: no git and no Shelf logic involved.
    pub fn static_files(dir: &Path) -> Server {
        if Command::new("python3").arg("--version").output().is_err() {
            panic!("python3 is missing; install it with `apt-get install -y python3`");
        }
        let mut command = Command::new("python3");
        // Unbuffered, so the "Serving HTTP on …" line arrives at once.
        command
            .args(["-u", "-m", "http.server", "0", "--bind", "127.0.0.1"])
            .arg("--directory")
            .arg(dir)
            .stderr(Stdio::null());
        // "Serving HTTP on 127.0.0.1 port 40123 (http://127.0.0.1:40123/) ..."
        Server::spawn(&mut command, |line| {
            let (_, rest) = line.split_once("(http://")?;
            let (address, _) = rest.split_once("/)")?;
            Some(format!("http://{address}"))
        })
    }
}

/// `shelf --data DATA serve ARGS…` with no registry settings leaking in from the
/// environment; stderr goes to the test's output.
pub fn shelf_serve(data: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_shelf"));
    command
        .arg("--data")
        .arg(data)
        .arg("serve")
        .args(args)
        .env_remove("SHELF_BASE_URL")
        .env_remove("SHELF_OUT")
        .env_remove("SHELF_INDEX_REMOTE")
        .env_remove("SHELF_TARGET")
        .stderr(Stdio::inherit());
    command
}

/// [`shelf_serve`] on a free port with rate limits far above what any test sends (the
/// publish quota is per hour), for tests that publish a lot.
pub fn unlimited_serve(data: &Path) -> Command {
    shelf_serve(
        data,
        &[
            "--listen",
            "127.0.0.1:0",
            "--publish-per-hour",
            "1000000",
            "--login-per-minute",
            "1000",
            "--register-per-hour",
            "1000",
            "--max-pending-uploads",
            "1000",
        ],
    )
}

/// An HTTP client that reports every status as it is and follows no redirect.
pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .into()
}

/// The value of the header `name` of `response`, `""` when it has none.
pub fn header_of<B>(response: &ureq::http::Response<B>, name: &str) -> String {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}
