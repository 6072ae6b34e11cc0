//! Child processes the bench measures: a command run to completion (wall time, stdout, peak
//! RSS) and a long-running `shelf serve`.
//!
//! Peak memory comes from `/proc/PID/status` (`VmHWM`, the kernel's high-water mark of the
//! resident set). A finished process has no such line, so a command is sampled every few
//! milliseconds while it runs; a server is read whenever asked, after resetting the mark
//! through `/proc/PID/clear_refs` so that one phase's peak is not another's.

use std::{
    fs,
    io::{BufRead as _, BufReader, Read as _},
    path::Path,
    process::{Child, Command, Stdio},
    thread,
    time::{Duration, Instant},
};

use anyhow::{Context as _, bail};

/// What one run of a command cost.
pub struct Measured {
    pub wall: Duration,
    /// Highest `VmHWM` seen, in KiB.
    pub peak_rss_kib: u64,
    pub stdout: String,
}

const SAMPLE_EVERY: Duration = Duration::from_millis(5);

/// Runs `command` to completion; fails with its stderr when it exits unsuccessfully.
pub fn run_measured(command: &mut Command) -> anyhow::Result<Measured> {
    let started = Instant::now();
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("cannot start {command:?}"))?;
    let mut stdout = child.stdout.take().context("stdout")?;
    let mut stderr = child.stderr.take().context("stderr")?;
    let out = thread::spawn(move || {
        let mut text = String::new();
        let _ = stdout.read_to_string(&mut text);
        text
    });
    let err = thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    let mut peak = 0;
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        peak = peak.max(vm_hwm_kib(child.id()).unwrap_or(0));
        thread::sleep(SAMPLE_EVERY);
    };
    let wall = started.elapsed();
    let stdout = out.join().unwrap_or_default();
    let stderr = err.join().unwrap_or_default();
    if !status.success() {
        bail!("{command:?} failed ({status}):\n{stderr}{stdout}");
    }
    Ok(Measured {
        wall,
        peak_rss_kib: peak,
        stdout,
    })
}

/// `VmHWM` of a live process, in KiB.
pub fn vm_hwm_kib(pid: u32) -> Option<u64> {
    status_field(pid, "VmHWM:")
}

/// `VmRSS` of a live process, in KiB.
pub fn vm_rss_kib(pid: u32) -> Option<u64> {
    status_field(pid, "VmRSS:")
}

fn status_field(pid: u32, field: &str) -> Option<u64> {
    let status = fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line[field.len()..]
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

/// A running `shelf serve`, killed when dropped.
pub struct Serve {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
}

impl Serve {
    /// Starts `command` (a `shelf … serve --listen 127.0.0.1:0 …`) and waits for its
    /// "listening" line, which it prints once its start-up build is done.
    /// Its log goes to the file `SHELF_BENCH_SERVE_LOG` names (appended to; with
    /// `SHELF_LOG=shelf=debug`, where each batch's time goes), else nowhere.
    pub fn start(command: &mut Command) -> anyhow::Result<Serve> {
        let log = match std::env::var_os("SHELF_BENCH_SERVE_LOG") {
            Some(path) => Stdio::from(
                fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(&path)
                    .with_context(|| format!("cannot open {}", Path::new(&path).display()))?,
            ),
            None => Stdio::null(),
        };
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .with_context(|| format!("cannot start {command:?}"))?;
        let stdout = child.stdout.take().context("stdout")?;
        let mut serve = Serve {
            child,
            base: String::new(),
        };
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line)?;
        serve.base = line
            .trim()
            .strip_prefix("Shelf listening on ")
            .with_context(|| format!("unexpected first line from shelf serve: {line:?}"))?
            .to_owned();
        Ok(serve)
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Starts a new peak-memory window: the next [`Serve::peak_rss_kib`] reports the
    /// highest resident set since this call.
    pub fn reset_peak(&self) -> anyhow::Result<()> {
        fs::write(format!("/proc/{}/clear_refs", self.pid()), "5")
            .context("cannot reset the server's VmHWM through /proc/PID/clear_refs")
    }

    pub fn peak_rss_kib(&self) -> u64 {
        vm_hwm_kib(self.pid()).unwrap_or(0)
    }

    pub fn rss_kib(&self) -> u64 {
        vm_rss_kib(self.pid()).unwrap_or(0)
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
