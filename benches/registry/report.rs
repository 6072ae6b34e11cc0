//! The figures as Markdown, and their place in BENCHMARKS.md: generated sections, each
//! between two markers and replaced on every run that measures it, so hand-written sections
//! around them stay (and `--only npm` leaves the registry's figures as they were).

use std::{fmt::Write as _, fs, path::Path, time::Duration};

use anyhow::Context as _;

use crate::{Figures, npm, oci};

/// Where one generated section begins and ends.
pub struct Markers {
    begin: &'static str,
    end: &'static str,
}

/// The registry sizes' section.
pub const REGISTRY: Markers = Markers {
    begin: "<!-- cargo bench --bench registry: begin (generated, do not edit) -->",
    end: "<!-- cargo bench --bench registry: end -->",
};

/// The npm phase's section.
pub const NPM: Markers = Markers {
    begin: "<!-- cargo bench --bench registry, npm: begin (generated, do not edit) -->",
    end: "<!-- cargo bench --bench registry, npm: end -->",
};

/// The OCI phase's section.
pub const OCI: Markers = Markers {
    begin: "<!-- cargo bench --bench registry, oci: begin (generated, do not edit) -->",
    end: "<!-- cargo bench --bench registry, oci: end -->",
};

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
    writeln!(s, "{}", REGISTRY.begin)?;
    writeln!(s, "## `cargo bench --bench registry` ({date})\n")?;
    writeln!(
        s,
        "Machine: {} × {}, {:.0} GiB RAM, Linux {}; bench profile (release). Command: \
         `cargo bench --bench registry{}`. Each registry is N/10 packages × 10 versions made \
         by `benches/registry/synth.rs` (a ~4 KiB README, a ~15 KiB zip and realistic \
         metadata per version, names spread over the index's shard folders, one commit per \
         version; its index then packed as Shelf keeps it, by one build outside every \
         measurement: the index adopts the export's pack, `src/index/packs.rs`), measured \
         on a fresh copy of the index and the blobs alone, written back to disk before the \
         first measure (the copies of earlier sizes are deleted only after the last \
         figure: ext4 creates files slowly for minutes after a large delete). Builds run the real `shelf` binary; its peak RSS is `VmHWM` sampled every 5 ms. Publishes go \
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
    row(
        &format!(
            "full build of the same names by dumb-pypi {}: wall time / peak RSS",
            crate::dumb_pypi::DUMB_PYPI
        ),
        &|f| {
            format!(
                "{} / {}",
                secs(f.dumb_pypi.wall),
                mib(f.dumb_pypi.peak_rss_kib)
            )
        },
    )?;
    row(
        "full build: Shelf against dumb-pypi (wall time; goal ≤ 0.25×)",
        &|f| {
            let r = ratio(f.full.wall, f.dumb_pypi.wall);
            format!("{r:.2}× ({})", if r <= 0.25 { "met" } else { "not met" })
        },
    )?;
    row(
        "first build of the same index never packed (imported, hand-made): wall time / \
         peak RSS",
        &|f| format!("{} / {}", secs(f.first.wall), mib(f.first.peak_rss_kib)),
    )?;
    row("… against dumb-pypi (wall time; goal ≤ 0.5×)", &|f| {
        let r = ratio(f.first.wall, f.dumb_pypi.wall);
        format!("{r:.2}× ({})", if r <= 0.5 { "met" } else { "not met" })
    })?;
    row("no-op rebuild: wall time", &|f| secs(f.noop.wall))?;
    row("no-op rebuild: files written", &|f| {
        format!(
            "{} ({} compared, unchanged; {} left alone: their inputs did not change)",
            f.noop_written,
            thousands(f.noop_unchanged),
            thousands(f.noop_untouched)
        )
    })?;
    row("no-op rebuild: peak RSS", &|f| mib(f.noop.peak_rss_kib))?;
    row(
        "no-op rebuild with `--verify` (every file planned and compared): wall time / peak RSS",
        &|f| {
            format!(
                "{} / {} ({} written)",
                secs(f.verify.wall),
                mib(f.verify.peak_rss_kib),
                f.verify_written
            )
        },
    )?;
    row("`shelf serve`: resident memory after start", &|f| {
        mib(f.start_rss_kib)
    })?;
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
    row(
        "publish to Verdaccio 6.8.0 in the same run (`npm publish` of a ~1 MiB tarball; its \
         database lists as many packages): p50 / p99",
        &|f| {
            format!(
                "{} / {} (n = {})",
                secs(quantile(&f.verdaccio_latencies, 0.5)),
                secs(quantile(&f.verdaccio_latencies, 0.99)),
                f.verdaccio_latencies.len()
            )
        },
    )?;
    row(
        "publish p50: Shelf against Verdaccio (goal ≤ 0.5×)",
        &|f| {
            let p50 = ratio(
                quantile(&f.latencies, 0.5),
                quantile(&f.verdaccio_latencies, 0.5),
            );
            format!("{p50:.2}×")
        },
    )?;
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
    writeln!(s, "{}", REGISTRY.end)?;
    Ok(s)
}

/// Replaces the generated section `markers` of `path`; a section not there yet goes after
/// the other generated sections, or else after the file's introduction.
pub fn update(path: &Path, markers: &Markers, section: &str) -> anyhow::Result<()> {
    let text = fs::read_to_string(path).with_context(|| format!("read {}", path.display()))?;
    let updated = match (text.find(markers.begin), text.find(markers.end)) {
        (Some(begin), Some(end)) if end > begin => {
            let after = &text[end + markers.end.len()..];
            format!(
                "{}{}{}",
                &text[..begin],
                section,
                after.strip_prefix('\n').unwrap_or(after)
            )
        }
        _ => match [&REGISTRY, &NPM, &OCI]
            .iter()
            .filter_map(|m| text.find(m.end).map(|i| i + m.end.len()))
            .max()
        {
            // After another section's end marker: a blank line, the section, and the rest
            // (which starts with that marker's line break).
            Some(at) => format!(
                "{}\n\n{}{}",
                &text[..at],
                section.trim_end_matches('\n'),
                &text[at..]
            ),
            None => {
                let at = text.find("\n## ").map_or(text.len(), |i| i + 1);
                format!("{}{}\n{}", &text[..at], section, &text[at..])
            }
        },
    };
    fs::write(path, updated).with_context(|| format!("write {}", path.display()))
}

/// The wall times of some installs.
fn walls(installs: &[npm::Install]) -> Vec<Duration> {
    installs.iter().map(|i| i.wall).collect()
}

/// Picks one phase npm timed out of an install.
type Phase = fn(&npm::Install) -> Option<Duration>;

/// One phase npm timed, for each install; `None` if npm did not time it every time.
fn phase(installs: &[npm::Install], which: Phase) -> Option<Vec<Duration>> {
    installs.iter().map(which).collect()
}

/// The npm phase in one line, for the terminal.
pub fn npm_summary(f: &npm::Figures) -> String {
    let q = quantile;
    let publishes: Vec<String> = (f.rounds.iter())
        .map(|r| {
            format!(
                "{} held: npm publish p50 {} vs {} (Verdaccio), p99 {} vs {}, Serverless p50 \
                 {} p99 {}",
                r.held,
                secs(q(&r.npm_shelf, 0.5)),
                secs(q(&r.npm_verdaccio, 0.5)),
                secs(q(&r.npm_shelf, 0.99)),
                secs(q(&r.npm_verdaccio, 0.99)),
                secs(q(&r.serverless_shelf, 0.5)),
                secs(q(&r.serverless_shelf, 0.99)),
            )
        })
        .collect();
    format!(
        "{}; install median {} vs {} (npm's floor {})",
        publishes.join("; "),
        secs(q(&walls(&f.install_shelf), 0.5)),
        secs(q(&walls(&f.install_verdaccio), 0.5)),
        secs(q(&walls(&f.install_floor), 0.5)),
    )
}

/// Each sample, in the order measured.
fn runs(samples: &[Duration]) -> String {
    samples
        .iter()
        .map(|d| secs(*d))
        .collect::<Vec<_>>()
        .join(", ")
}

fn met(yes: bool) -> &'static str {
    if yes { "**met**" } else { "**not met**" }
}

/// `a` over `b`.
fn ratio(a: Duration, b: Duration) -> f64 {
    a.as_secs_f64() / b.as_secs_f64().max(f64::EPSILON)
}

/// The npm phase's section: Shelf and Verdaccio side by side, the ratios and the goals.
pub fn npm_section(f: &npm::Figures, machine: &Machine, args: &[String]) -> anyhow::Result<String> {
    let date = time::OffsetDateTime::now_utc().date();
    let q = quantile;
    let median = |d: &[Duration]| q(d, 0.5);
    let (shelf, peer) = (walls(&f.install_shelf), walls(&f.install_verdaccio));
    let floor = median(&walls(&f.install_floor));
    let faster = ratio(median(&peer), median(&shelf));
    let v = npm::VERDACCIO;
    let mut s = String::new();
    writeln!(s, "{}", NPM.begin)?;
    writeln!(s, "## npm: Shelf and Verdaccio side by side ({date})\n")?;
    writeln!(
        s,
        "Machine: {cores} × {cpu}, {mem:.0} GiB RAM, Linux {kernel}; bench profile (release). \
         Command: `cargo bench --bench registry{extra}`. Node {node}, npm {npm}, Verdaccio {v} \
         (installed from the npm registry into `target/tmp`; offline: no uplink; web UI off; \
         htpasswd accounts with the JWT API tokens its documentation recommends for speed, \
         `security.api.jwt`, so no publish re-runs bcrypt; its default local storage). Both \
         registries start empty on the \
         same disk and share the {cores} cores with the client and each other; the machine \
         is shared with other work, so expect noise.\n\n\
         **Publish**: in each round, each registry first holds as many packages (small \
         ones, published untimed, the same into both), then gets {n} new packages of one \
         version each, whose tarball is {tgz} KiB of mostly incompressible bytes, sent as \
         `npm publish` sends it ({body} KiB of JSON with the tarball in base64 and its \
         sha512 integrity and sha1 shasum), `PUT /{{name}}` over one keep-alive connection \
         per registry; Shelf also gets as many Serverless publishes of a {zip} KiB zip, as \
         `shelf publish` sends them (`POST /releases`, then the upload to the URL it \
         answers), each timed from the first byte of the first request to the last byte of \
         the upload's answer. The three kinds take turns, each first as often as the others; \
         each timed from the first byte sent to the last byte of the answer. Shelf answers \
         after the index commit, made durable, and the static files (`shelf serve`); \
         Verdaccio after writing its storage (no `fsync`).\n\n\
         **Install**: `npm install --prefer-online --no-audit --no-fund --ignore-scripts` of a \
         project depending on {packages} packages (each depending on two others, a binary \
         tree, `^1.0.0`), every run with an empty npm cache and a fresh project without \
         lockfile, alternating between the two; Shelf's side reads only its static tree, \
         from nginx with the shipped `-/nginx.conf` (no Shelf process in the path); one \
         untimed install from each first. Wall time of the `npm` process, Node's start \
         included; the phases are npm's own timers (`--timing`). npm's floor is the same \
         install from a cache that already holds everything, `--offline`: what npm costs \
         when no registry is asked anything.\n",
        cores = machine.cores,
        cpu = machine.cpu,
        mem = machine.memory_gib,
        kernel = machine.kernel,
        extra = extra_args(args),
        node = f.node,
        npm = f.npm,
        n = f.rounds.first().map_or(0, |r| r.npm_shelf.len()),
        tgz = f.tarball_bytes >> 10,
        body = f.body_bytes >> 10,
        zip = f.zip_bytes >> 10,
        packages = f.packages,
    )?;
    writeln!(
        s,
        "| figure | Shelf | Verdaccio {v} | Shelf against Verdaccio | goal |"
    )?;
    writeln!(s, "| --- | --- | --- | --- | --- |")?;
    let mut goals = Vec::new();
    for r in &f.rounds {
        let verdaccio = (median(&r.npm_verdaccio), q(&r.npm_verdaccio, 0.99));
        let kinds = [("npm", &r.npm_shelf), ("Serverless", &r.serverless_shelf)];
        for (kind, shelf) in kinds {
            let p50 = ratio(median(shelf), verdaccio.0);
            let p99 = ratio(q(shelf, 0.99), verdaccio.1);
            goals.push(p50 <= 0.5 && p99 <= 0.5);
            writeln!(
                s,
                "| {kind} publish, {held} packages held: p50 / p99 (n = {n}) | {} / {} | {} / \
                 {} (npm) | {p50:.2}× / {p99:.2}× the time | at most 0.5× each: {} |",
                secs(median(shelf)),
                secs(q(shelf, 0.99)),
                secs(verdaccio.0),
                secs(verdaccio.1),
                met(p50 <= 0.5 && p99 <= 0.5),
                held = r.held,
                n = shelf.len(),
            )?;
        }
    }
    if let (Some(first), Some(last)) = (f.rounds.first(), f.rounds.last())
        && f.rounds.len() > 1
    {
        let npm = ratio(median(&last.npm_shelf), median(&first.npm_shelf));
        let sls = ratio(
            median(&last.serverless_shelf),
            median(&first.serverless_shelf),
        );
        let peer = ratio(median(&last.npm_verdaccio), median(&first.npm_verdaccio));
        writeln!(
            s,
            "| publish p50 with {} packages held over {} held | npm {npm:.2}×, Serverless \
             {sls:.2}× | {peer:.2}× | — | flat |",
            last.held, first.held,
        )?;
    }
    let publish_met = !goals.is_empty() && goals.iter().all(|&g| g);
    writeln!(
        s,
        "| `npm install` of {} packages, empty cache: median (runs) | {} ({}) | {} ({}) | \
         {faster:.2}× faster | at least 2× faster: {} |",
        f.packages,
        secs(median(&shelf)),
        runs(&shelf),
        secs(median(&peer)),
        runs(&peer),
        met(faster >= 2.0),
    )?;
    let phases: [(&str, Phase); 2] = [
        ("resolving: packuments (`idealTree`)", |i| i.resolve),
        ("fetching and unpacking tarballs (`reify:unpack`)", |i| {
            i.unpack
        }),
    ];
    for (label, which) in phases {
        if let (Some(a), Some(b)) = (
            phase(&f.install_shelf, which),
            phase(&f.install_verdaccio, which),
        ) {
            writeln!(
                s,
                "| … of which {label}, median | {} | {} | {:.2}× faster | — |",
                secs(median(&a)),
                secs(median(&b)),
                ratio(median(&b), median(&a)),
            )?;
        }
    }
    writeln!(
        s,
        "| npm's floor: the same install, warm cache, `--offline`, median (runs) | {} ({}) \
         | | | |",
        secs(floor),
        runs(&walls(&f.install_floor)),
    )?;
    writeln!(
        s,
        "\nGoals: publish p50 and p99 at most half of Verdaccio's, npm and Serverless, with each \
         number of packages held: {}; installs at least 2× faster: {} ({faster:.2}×). A \
         registry that answered instantly would make this install at most {:.2}× faster than \
         Verdaccio (Verdaccio's median over npm's floor).",
        met(publish_met),
        met(faster >= 2.0),
        ratio(median(&peer), floor),
    )?;
    writeln!(s, "{}", NPM.end)?;
    Ok(s)
}

/// The OCI phase in one line, for the terminal.
pub fn oci_summary(f: &oci::Figures) -> String {
    let m = |d: &[Duration]| secs(quantile(d, 0.5));
    format!(
        "OCI push median {} vs {} (reference); pull median {} (static, nginx) vs {}; blob \
         pull {} (shelf serve) vs {} (nginx) vs {} (reference)",
        m(&f.push_shelf),
        m(&f.push_reference),
        m(&f.pull_nginx),
        m(&f.pull_reference),
        m(&f.blob_serve),
        m(&f.blob_nginx),
        m(&f.blob_reference),
    )
}

/// The OCI phase's section: Shelf and the reference registry side by side.
pub fn oci_section(f: &oci::Figures, machine: &Machine, args: &[String]) -> anyhow::Result<String> {
    let date = time::OffsetDateTime::now_utc().date();
    let median = |d: &[Duration]| quantile(d, 0.5);
    let push = ratio(median(&f.push_shelf), median(&f.push_reference));
    let pull = ratio(median(&f.pull_nginx), median(&f.pull_reference));
    let mut s = String::new();
    writeln!(s, "{}", OCI.begin)?;
    writeln!(
        s,
        "## OCI: Shelf and the reference registry side by side ({date})\n"
    )?;
    writeln!(
        s,
        "Machine: {cores} × {cpu}, {mem:.0} GiB RAM, Linux {kernel}; bench profile (release). \
         Command: `cargo bench --bench registry{extra}`. {skopeo}; {registry} (Debian's \
         `docker-registry`, the CNCF distribution reference registry, filesystem storage, no \
         authentication). Both start empty on the same disk and share the {cores} cores \
         with skopeo and each other; the machine is shared with other work, so expect \
         noise.\n\n\
         Each round makes a new image of {layers} layers ({mib:.1} MiB in all: gzipped \
         random bytes, so skopeo copies them as they are) in an OCI layout, `skopeo copy`s \
         it into both registries (alternating which goes first), then out of both into a \
         fresh layout, checking the blobs are the ones pushed; one untimed round first. \
         Shelf's push goes through `shelf serve` (a token from `/v2/token` with Basic \
         credentials, then the blobs and the manifest, answered after the index commit and \
         the static files); its pull reads only the static tree, from nginx with the \
         shipped `-/nginx.conf` (`shelf serve` stopped). Wall time of the `skopeo` process. \
         Then {single} rounds of an image of one {single_mib:.1} MiB layer, the same way.\n",
        cores = machine.cores,
        cpu = machine.cpu,
        mem = machine.memory_gib,
        kernel = machine.kernel,
        extra = extra_args(args),
        skopeo = f.skopeo,
        registry = f.registry,
        layers = f.layers,
        mib = f.image_bytes as f64 / f64::from(1u32 << 20),
        single = f.single_push_shelf.len(),
        single_mib = f.single_bytes as f64 / f64::from(1u32 << 20),
    )?;
    writeln!(
        s,
        "| figure | Shelf | reference registry | Shelf against it | goal |"
    )?;
    writeln!(s, "| --- | --- | --- | --- | --- |")?;
    writeln!(
        s,
        "| push, median (runs) | {} ({}) | {} ({}) | {push:.2}× the time | at most 1.2×: {} |",
        secs(median(&f.push_shelf)),
        runs(&f.push_shelf),
        secs(median(&f.push_reference)),
        runs(&f.push_reference),
        met(push <= 1.2),
    )?;
    writeln!(
        s,
        "| pull, median (runs): Shelf from its static tree behind nginx | {} ({}) | {} ({}) \
         | {pull:.2}× the time | at most 1×: {} |",
        secs(median(&f.pull_nginx)),
        runs(&f.pull_nginx),
        secs(median(&f.pull_reference)),
        runs(&f.pull_reference),
        met(pull <= 1.0),
    )?;
    if !f.single_push_shelf.is_empty() {
        let push = ratio(
            median(&f.single_push_shelf),
            median(&f.single_push_reference),
        );
        let pull = ratio(
            median(&f.single_pull_nginx),
            median(&f.single_pull_reference),
        );
        writeln!(
            s,
            "| single-layer image ({mib:.1} MiB): push, median (runs) | {} ({}) | {} ({}) | \
             {push:.2}× the time | at most 0.8×: {} |",
            secs(median(&f.single_push_shelf)),
            runs(&f.single_push_shelf),
            secs(median(&f.single_push_reference)),
            runs(&f.single_push_reference),
            met(push <= 0.8),
            mib = f.single_bytes as f64 / f64::from(1u32 << 20),
        )?;
        writeln!(
            s,
            "| … pull, median (runs): Shelf from its static tree behind nginx | {} ({}) | {} \
             ({}) | {pull:.2}× the time | at most 1×: {} |",
            secs(median(&f.single_pull_nginx)),
            runs(&f.single_pull_nginx),
            secs(median(&f.single_pull_reference)),
            runs(&f.single_pull_reference),
            met(pull <= 1.0),
        )?;
    }
    let serve_over_nginx = ratio(median(&f.blob_serve), median(&f.blob_nginx));
    let serve_over_reference = ratio(median(&f.blob_serve), median(&f.blob_reference));
    writeln!(
        s,
        "\nOne blob of {mib} MiB (random bytes) pulled whole, `GET /v2/bench/big/blobs/…` \
         with `Accept-Encoding: gzip` as Go clients send it, read to the end and hashed: \
         through `shelf serve` (with a pull token), from the static tree behind nginx, and \
         from the reference registry, in turn.\n",
        mib = f.big_blob >> 20,
    )?;
    writeln!(
        s,
        "| figure | `shelf serve` | nginx (static tree) | reference registry | `shelf serve` \
         against nginx | goal |"
    )?;
    writeln!(s, "| --- | --- | --- | --- | --- | --- |")?;
    writeln!(
        s,
        "| blob pull, median (runs) | {} ({}) | {} ({}) | {} ({}) | {serve_over_nginx:.2}× \
         the time ({serve_over_reference:.2}× the reference's) | at most 1.5×: {} |",
        secs(median(&f.blob_serve)),
        runs(&f.blob_serve),
        secs(median(&f.blob_nginx)),
        runs(&f.blob_nginx),
        secs(median(&f.blob_reference)),
        runs(&f.blob_reference),
        met(serve_over_nginx <= 1.5),
    )?;
    writeln!(s, "\n{}", OCI.end)?;
    Ok(s)
}
