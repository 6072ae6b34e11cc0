//! The figures as Markdown, and their place in BENCHMARKS.md: one generated section between
//! two markers, replaced on every run, so hand-written sections around it stay.

use std::{fmt::Write as _, fs, path::Path, time::Duration};

use anyhow::Context as _;

use crate::Figures;

const BEGIN: &str = "<!-- cargo bench --bench registry: begin (generated, do not edit) -->";
const END: &str = "<!-- cargo bench --bench registry: end -->";

/// The machine the figures come from, as the kernel describes it.
pub struct Machine {
    pub cpu: String,
    pub cores: usize,
    pub memory_gib: f64,
    pub kernel: String,
}

impl Machine {
    pub fn read() -> Machine {
        let cpuinfo = fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let cpu = cpuinfo
            .lines()
            .find_map(|l| l.strip_prefix("model name"))
            .map(|rest| rest.trim_start_matches([' ', '\t', ':']).trim().to_owned())
            .unwrap_or_else(|| "unknown CPU".into());
        let meminfo = fs::read_to_string("/proc/meminfo").unwrap_or_default();
        let kib: f64 = meminfo
            .lines()
            .find_map(|l| l.strip_prefix("MemTotal:"))
            .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0.0);
        Machine {
            cpu,
            cores: std::thread::available_parallelism().map_or(1, usize::from),
            memory_gib: kib / (1024.0 * 1024.0),
            kernel: fs::read_to_string("/proc/sys/kernel/osrelease")
                .unwrap_or_default()
                .trim()
                .to_owned(),
        }
    }
}

fn secs(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s >= 10.0 {
        format!("{s:.1} s")
    } else if s >= 1.0 {
        format!("{s:.2} s")
    } else {
        format!("{:.1} ms", s * 1000.0)
    }
}

fn mib(kib: u64) -> String {
    format!("{:.0} MiB", kib as f64 / 1024.0)
}

fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The `q`-quantile (nearest rank) of `samples`.
pub fn quantile(samples: &[Duration], q: f64) -> Duration {
    let mut sorted = samples.to_vec();
    sorted.sort_unstable();
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

/// One line per figure, for the terminal.
pub fn summary(f: &Figures) -> String {
    format!(
        "full {} ({} files, peak {}), no-op {} ({} written), commit p50 {}, publish p50 {} p99 {}, \
         {:.1} publishes/s with {}, {:.0} MiB/s upload (peak {}), latest {:.0}/s shelf vs {:.0}/s nginx",
        secs(f.full.wall),
        f.full_written,
        mib(f.full.peak_rss_kib),
        secs(f.noop.wall),
        f.noop_written,
        secs(quantile(&f.commits, 0.5)),
        secs(quantile(&f.latencies, 0.5)),
        secs(quantile(&f.latencies, 0.99)),
        per_second(f.sustained.publishes, f.sustained.wall),
        f.publishers,
        f.big_bytes as f64 / (1 << 20) as f64 / f.big_wall.as_secs_f64(),
        mib(f.big_peak_kib),
        f.reads_shelf.per_second,
        f.reads_nginx.per_second,
    )
}

fn per_second(n: u64, wall: Duration) -> f64 {
    n as f64 / wall.as_secs_f64().max(f64::EPSILON)
}

/// The arguments given after `--`, as they would be typed (cargo adds `--bench` itself).
fn extra_args(args: &[String]) -> String {
    let extra: Vec<&str> = args
        .iter()
        .map(String::as_str)
        .filter(|a| *a != "--bench")
        .collect();
    if extra.is_empty() {
        String::new()
    } else {
        format!(" -- {}", extra.join(" "))
    }
}

/// The generated section: machine, date, command, and one column per registry size.
pub fn section(all: &[Figures], machine: &Machine, args: &[String]) -> anyhow::Result<String> {
    let date = time::OffsetDateTime::now_utc().date();
    let mut s = String::new();
    writeln!(s, "{BEGIN}")?;
    writeln!(s, "## `cargo bench --bench registry` ({date})\n")?;
    writeln!(
        s,
        "Machine: {} × {}, {:.0} GiB RAM, Linux {}; bench profile (release). Command: \
         `cargo bench --bench registry{}`. Each registry is N/10 packages × 10 versions made \
         by `benches/registry/synth.rs` (a ~4 KiB README, a ~15 KiB zip and realistic \
         metadata per version, names spread over the index's shard folders, one commit per \
         version), measured on a fresh copy. Builds run \
         the real `shelf` binary; its peak RSS is `VmHWM` sampled every 5 ms. Publishes go \
         through `shelf serve` on loopback with Shelf's own client, each timed from the first \
         byte of `POST /releases` to the upload's 200, which comes after the index commit and \
         the static files. wrk and the server share the same {} cores.\n",
        machine.cores,
        machine.cpu,
        machine.memory_gib,
        machine.kernel,
        extra_args(args),
        machine.cores,
    )?;
    write!(s, "| figure |")?;
    for f in all {
        write!(
            s,
            " {} versions ({} × {}) |",
            thousands((f.packages * f.versions) as u64),
            thousands(f.packages as u64),
            f.versions
        )?;
    }
    writeln!(s)?;
    write!(s, "| --- |")?;
    for _ in all {
        write!(s, " --- |")?;
    }
    writeln!(s)?;
    let mut row = |label: &str, cell: &dyn Fn(&Figures) -> String| -> anyhow::Result<()> {
        write!(s, "| {label} |")?;
        for f in all {
            write!(s, " {} |", cell(f))?;
        }
        writeln!(s)?;
        Ok(())
    };
    row("registry generated in (first run only)", &|f| {
        f.generated_in.map_or("cached".into(), secs)
    })?;
    row("full build: wall time", &|f| secs(f.full.wall))?;
    row("full build: files written", &|f| thousands(f.full_written))?;
    row("full build: files per second", &|f| {
        thousands(per_second(f.full_written, f.full.wall) as u64)
    })?;
    row("full build: peak RSS", &|f| mib(f.full.peak_rss_kib))?;
    row("no-op rebuild: wall time", &|f| secs(f.noop.wall))?;
    row("no-op rebuild: files written", &|f| {
        format!(
            "{} ({} unchanged)",
            f.noop_written,
            thousands(f.noop_unchanged)
        )
    })?;
    row("no-op rebuild: peak RSS", &|f| mib(f.noop.peak_rss_kib))?;
    row("one index commit (write + commit), p50 / max", &|f| {
        format!(
            "{} / {} (n = {})",
            secs(quantile(&f.commits, 0.5)),
            secs(quantile(&f.commits, 1.0)),
            f.commits.len()
        )
    })?;
    row("publish through `shelf serve`: p50 / p99", &|f| {
        format!(
            "{} / {} (n = {}, {} KiB zips)",
            secs(quantile(&f.latencies, 0.5)),
            secs(quantile(&f.latencies, 0.99)),
            f.latencies.len(),
            f.latency_payload >> 10
        )
    })?;
    row("concurrent publishers: publishes per second", &|f| {
        format!(
            "{:.1} ({} publishers × {} publishes of ~15 KiB zips, {} in all)",
            per_second(f.sustained.publishes, f.sustained.wall),
            f.publishers,
            f.sustained.publishes / f.publishers.max(1) as u64,
            f.sustained.publishes
        )
    })?;
    row("large upload: throughput", &|f| {
        format!(
            "{:.0} MiB/s ({:.0} MiB zip, {} to the 200)",
            f.big_bytes as f64 / (1 << 20) as f64 / f.big_wall.as_secs_f64(),
            f.big_bytes as f64 / (1 << 20) as f64,
            secs(f.big_wall)
        )
    })?;
    row("large upload: server peak RSS", &|f| {
        format!(
            "{} (resident before: {})",
            mib(f.big_peak_kib),
            mib(f.big_rss_before_kib)
        )
    })?;
    row("`releases/latest` via `shelf serve` (wrk)", &|f| {
        format!(
            "{}/s, p50 {}, p99 {} ({} connections, {} s)",
            thousands(f.reads_shelf.per_second as u64),
            f.reads_shelf.p50,
            f.reads_shelf.p99,
            f.wrk_connections,
            f.wrk_seconds
        )
    })?;
    row("`releases/latest` via nginx (wrk)", &|f| {
        format!(
            "{}/s, p50 {}, p99 {}",
            thousands(f.reads_nginx.per_second as u64),
            f.reads_nginx.p50,
            f.reads_nginx.p99
        )
    })?;
    if let (Some(small), Some(large)) = (all.first(), all.last())
        && all.len() > 1
    {
        let ratio = quantile(&large.latencies, 0.5).as_secs_f64()
            / quantile(&small.latencies, 0.5)
                .as_secs_f64()
                .max(f64::EPSILON);
        writeln!(
            s,
            "\nPublish latency, largest registry over smallest (p50): **{ratio:.2}×** for {}× the versions.",
            (large.packages * large.versions) / (small.packages * small.versions).max(1)
        )?;
    }
    writeln!(s, "{END}")?;
    Ok(s)
}

/// Replaces the generated section of `path`, or puts it after the file's introduction.
pub fn update(path: &Path, section: &str) -> anyhow::Result<()> {
    let text = fs::read_to_string(path).with_context(|| format!("read {}", path.display()))?;
    let updated = match (text.find(BEGIN), text.find(END)) {
        (Some(begin), Some(end)) if end > begin => {
            let after = &text[end + END.len()..];
            format!(
                "{}{}{}",
                &text[..begin],
                section,
                after.strip_prefix('\n').unwrap_or(after)
            )
        }
        _ => {
            let at = text.find("\n## ").map_or(text.len(), |i| i + 1);
            format!("{}{}\n{}", &text[..at], section, &text[at..])
        }
    };
    fs::write(path, updated).with_context(|| format!("write {}", path.display()))
}
