//! `cargo bench --bench registry`: Shelf's performance figures, measured end to end on
//! synthetic registries and written into BENCHMARKS.md with the machine and the date.
//!
//! For each size (1,000 and 100,000 versions unless `-- --sizes N,M` says otherwise) it
//! makes (once, cached under target/tmp) a registry of N/10 packages × 10 versions, then
//! on a fresh copy measures: a full build and a no-op rebuild through the real `shelf`
//! binary, one index commit, publishes through `shelf serve` (1 MiB zips one at a time, then
//! 64 concurrent publishers), a 500 MiB upload with the server's peak memory, and reads of
//! `releases/latest` with wrk against `shelf serve` and against nginx. Then the npm phase
//! ([`npm`]): publish latency and `npm install` side by side with Verdaccio, in the same
//! run; then the OCI phase ([`oci`]): `skopeo copy` of a 4-layer 64 MiB image into and out
//! of Shelf and the CNCF reference registry, side by side. `-- --only npm` (or `oci`, or
//! `registry`) runs that phase alone (and rewrites only its section).
//!
//! Run by `cargo test` (no `--bench` argument) it does the same on a tiny registry with
//! small counts, checks every invariant the figures depend on (a no-op build writes nothing,
//! every publish is answered 200, no read fails) and writes nothing: the bench's own test.

mod dumb_pypi;
mod npm;
mod oci;
mod process;
mod publish;
mod reads;
mod report;
mod synth;

use std::{
    net::TcpListener,
    path::{Path, PathBuf},
    process::Command,
    time::{Duration, Instant},
};

use anyhow::{Context as _, bail, ensure};
use process::{Measured, Serve, run_measured};
use shelf::{
    index::{Author, IndexRepo},
    serverless::{package::archive::Limits, record::RecordStore},
};

/// How much of everything one run does.
struct Plan {
    /// (packages, versions per package) per registry size.
    sizes: Vec<(usize, usize)>,
    commits: usize,
    latency_publishes: usize,
    latency_payload: usize,
    publishers: usize,
    publishes_each: usize,
    big_upload: usize,
    wrk_seconds: u32,
    wrk_connections: u32,
    npm: Option<npm::Plan>,
    oci: Option<oci::Plan>,
    write_report: bool,
}

impl Plan {
    fn full(sizes: Vec<(usize, usize)>) -> Plan {
        Plan {
            sizes,
            commits: 20,
            latency_publishes: 100,
            latency_payload: 1 << 20,
            publishers: 64,
            publishes_each: 5,
            big_upload: 500 << 20,
            wrk_seconds: 10,
            wrk_connections: 64,
            npm: Some(npm::Plan {
                held: vec![100, 1000],
                publishes: 100,
                payload: 1 << 20,
                packages: 50,
                // Installs vary by ±30% here (two shared cores): five give a steadier median.
                installs: 5,
                warm_up: true,
            }),
            // 4 layers of 16 MiB: the 64 MiB image; 5 rounds for a steadier median.
            oci: Some(oci::Plan {
                rounds: 5,
                layers: 4,
                layer_bytes: 16 << 20,
                warm_up: true,
                big_blob: 500 << 20,
                blob_rounds: 3,
                single_layer: 500 << 20,
                single_rounds: 3,
            }),
            write_report: true,
        }
    }

    /// What `cargo test` runs: every phase, on a scale that takes seconds in a debug build.
    fn smoke() -> Plan {
        Plan {
            sizes: vec![(6, 10)],
            commits: 3,
            latency_publishes: 5,
            latency_payload: 64 << 10,
            publishers: 4,
            publishes_each: 2,
            big_upload: 4 << 20,
            wrk_seconds: 1,
            wrk_connections: 8,
            // Verdaccio included: installed once (~15 s from the npm registry, then cached
            // in target/tmp), started in a few seconds.
            npm: Some(npm::Plan {
                held: vec![0, 4],
                publishes: 3,
                payload: 64 << 10,
                packages: 3,
                installs: 1,
                warm_up: false,
            }),
            oci: Some(oci::Plan {
                rounds: 1,
                layers: 4,
                layer_bytes: 64 << 10,
                warm_up: false,
                big_blob: 2 << 20,
                blob_rounds: 1,
                single_layer: 1 << 20,
                single_rounds: 1,
            }),
            write_report: false,
        }
    }
}

/// Every figure measured on one registry size.
pub struct Figures {
    pub packages: usize,
    pub versions: usize,
    pub generated_in: Option<Duration>,
    pub full: Measured,
    pub full_written: u64,
    /// The full build of the same registry whose index Shelf never packed (imported, or
    /// made by hand): every object loose, as the synthetic generator writes them.
    pub first: Measured,
    pub noop: Measured,
    pub noop_written: u64,
    pub noop_unchanged: u64,
    pub noop_untouched: u64,
    pub verify: Measured,
    pub verify_written: u64,
    pub dumb_pypi: Measured,
    pub start_rss_kib: u64,
    pub verdaccio_latencies: Vec<Duration>,
    pub commits: Vec<Duration>,
    pub latencies: Vec<Duration>,
    pub latency_payload: usize,
    pub sustained: publish::Sustained,
    pub publishers: usize,
    pub big_bytes: u64,
    pub big_wall: Duration,
    pub big_rss_before_kib: u64,
    pub big_peak_kib: u64,
    pub reads_shelf: reads::Reads,
    pub reads_nginx: reads::Reads,
    pub wrk_connections: u32,
    pub wrk_seconds: u32,
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let only = match args.iter().position(|a| a == "--only") {
        Some(i) => Some(
            args.get(i + 1)
                .context("--only takes `registry`, `npm` or `oci`")?,
        ),
        None => None,
    };
    let mut plan = if args.iter().any(|a| a == "--bench") {
        let sizes = match args.iter().position(|a| a == "--sizes") {
            Some(i) => args
                .get(i + 1)
                .context("--sizes takes a list like 1000,100000")?
                .split(',')
                .map(|n| Ok((n.trim().parse::<usize>()? / 10, 10)))
                .collect::<anyhow::Result<Vec<_>>>()?,
            None => vec![(100, 10), (10_000, 10)],
        };
        Plan::full(sizes)
    } else {
        Plan::smoke()
    };
    match only.map(String::as_str) {
        None => {}
        Some("npm") => {
            plan.sizes.clear();
            plan.oci = None;
        }
        Some("oci") => {
            plan.sizes.clear();
            plan.npm = None;
        }
        Some("registry") => {
            plan.npm = None;
            plan.oci = None;
        }
        Some(other) => bail!("--only {other}: the phases are `registry`, `npm` and `oci`"),
    }
    let root = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("bench-registry");
    std::fs::create_dir_all(&root)?;
    // What an earlier run (stopped before its end) left to delete.
    empty_trash(&root)?;
    let mut all = Vec::new();
    for &(packages, versions) in &plan.sizes {
        eprintln!(
            "== {} versions ({packages} × {versions})",
            packages * versions
        );
        let figures = measure(&plan, &root, packages, versions)
            .with_context(|| format!("measuring {packages} × {versions}"))?;
        eprintln!("{}", report::summary(&figures));
        all.push(figures);
    }
    let npm = match &plan.npm {
        Some(npm_plan) => {
            eprintln!("== npm, side by side with Verdaccio {}", npm::VERDACCIO);
            let figures = npm::measure(npm_plan, &root).context("measuring npm")?;
            eprintln!("{}", report::npm_summary(&figures));
            Some(figures)
        }
        None => None,
    };
    let oci = match &plan.oci {
        Some(oci_plan) => {
            eprintln!("== OCI, side by side with the reference registry (docker-registry)");
            let figures = oci::measure(oci_plan, &root).context("measuring OCI")?;
            eprintln!("{}", report::oci_summary(&figures));
            Some(figures)
        }
        None => None,
    };
    let machine = report::Machine::read();
    let mut sections = Vec::new();
    if !all.is_empty() {
        sections.push((report::REGISTRY, report::section(&all, &machine, &args)?));
    }
    if let Some(npm) = &npm {
        sections.push((report::NPM, report::npm_section(npm, &machine, &args)?));
    }
    if let Some(oci) = &oci {
        sections.push((report::OCI, report::oci_section(oci, &machine, &args)?));
    }
    // Every figure is taken.
    empty_trash(&root)?;
    if plan.write_report {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("BENCHMARKS.md");
        for (markers, section) in &sections {
            report::update(&path, markers, section)?;
        }
        eprintln!("figures written to {}", path.display());
    } else {
        for (_, section) in &sections {
            ensure!(
                section.contains("| full build")
                    || section.contains("| npm publish, ")
                    || section.contains("| push"),
                "the report renders:\n{section}"
            );
        }
    }
    Ok(())
}

/// The synthetic registry of this size, made once and kept: generating 100,000 versions
/// takes minutes, and every run measures a fresh copy of it.
fn pristine(
    root: &Path,
    packages: usize,
    versions: usize,
) -> anyhow::Result<(PathBuf, Option<Duration>)> {
    // Bump the suffix when the generator changes, so a stale registry is not measured.
    let dir = root.join(format!("synth-{packages}x{versions}-g2"));
    if dir.join("complete").exists() {
        adopt_packs(root, &dir)?;
        return Ok((dir, None));
    }
    let _ = std::fs::remove_dir_all(&dir);
    eprintln!("generating {packages} × {versions} into {}", dir.display());
    let started = Instant::now();
    synth::generate(&dir, packages, versions)?;
    std::fs::write(dir.join("complete"), "")?;
    let generated_in = started.elapsed();
    adopt_packs(root, &dir)?;
    Ok((dir, Some(generated_in)))
}

/// A registry Shelf has served keeps its history in the packs its index adopted from the
/// export (`src/index/packs.rs`); a synthetic one, written commit by commit, has only
/// loose objects. One `shelf build` of the pristine registry, outside every measurement
/// and at its own base URL (so no commit is added), does what serving it would have: the
/// index adopts the export's pack. Its site goes to the trash.
fn adopt_packs(root: &Path, pristine: &Path) -> anyhow::Result<()> {
    if pristine.join("index/.git/shelf-packs.json").exists() {
        return Ok(());
    }
    eprintln!(
        "packing the index of {} as Shelf keeps it",
        pristine.display()
    );
    let scratch = root.join("adopting");
    discard(root, &scratch)?;
    let status = Command::new(env!("CARGO_BIN_EXE_shelf"))
        .arg("--data")
        .arg(pristine)
        .arg("--out")
        .arg(scratch.join("site"))
        .args(["build", "--quiet"])
        .env_remove("SHELF_TARGET")
        .env_remove("SHELF_INDEX_REMOTE")
        .env_remove("SHELF_BASE_URL")
        .stdout(std::process::Stdio::null())
        .status()?;
    ensure!(status.success(), "the build packing the index failed");
    ensure!(
        pristine.join("index/.git/shelf-packs.json").exists(),
        "the build left the index without adopted packs"
    );
    // The export's state is the data folder's, not the registry's: a measured build
    // starts without it, as on a new machine.
    for part in ["index-export", "build-inputs", "feed-state.json"] {
        discard(root, &pristine.join(part))?;
    }
    discard(root, &scratch)?;
    Ok(())
}

/// Moves `path` (a folder of an earlier measure) out of the way, into `ROOT/trash/`, which
/// is emptied once every figure is taken: deleting a large tree makes ext4 slow to create
/// files for minutes after (it skips the inodes freed in the last minute or five, reading
/// each one's block to see, `recently_deleted` in perf), which a build measured then would
/// pay for.
pub fn discard(root: &Path, path: &Path) -> std::io::Result<()> {
    if !path.exists() {
        return Ok(());
    }
    let trash = root.join("trash");
    std::fs::create_dir_all(&trash)?;
    let name = path
        .file_name()
        .map_or_else(Default::default, |n| n.to_owned());
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .as_nanos();
    let mut to = trash.join(format!("{stamp}-"));
    to.as_mut_os_string().push(name);
    std::fs::rename(path, to)
}

fn empty_trash(root: &Path) -> std::io::Result<()> {
    match std::fs::remove_dir_all(root.join("trash")) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

/// A copy to measure on. The index is copied (git appends to its reflog in place); blobs
/// are hard links, because the blob store and the site writer only ever create files.
/// A copy of `pristine`'s index and blobs in `work`; with `packed` false, without the packs
/// its index adopted (every object loose again: an index Shelf never packed).
fn working_copy(pristine: &Path, work: &Path, packed: bool) -> anyhow::Result<()> {
    let root = work.parent().context("a work folder has a parent")?;
    discard(root, work)?;
    std::fs::create_dir_all(work)?;
    for (flag, part) in [("-a", "index"), ("-al", "blobs")] {
        let status = Command::new("cp")
            .arg(flag)
            .arg(pristine.join(part))
            .arg(work.join(part))
            .status()?;
        ensure!(status.success(), "cp {flag} {part} failed");
    }
    if !packed {
        let git = work.join("index/.git");
        for pack in std::fs::read_dir(git.join("objects/pack"))? {
            std::fs::remove_file(pack?.path())?;
        }
        std::fs::remove_file(git.join("shelf-packs.json"))?;
    }
    // A copy has new inodes and change times, so the stat data in git's staging index no
    // longer matches and the first `git status` (Shelf's start-up repair runs one) would
    // hash every package file. That is the copy's cost, not the registry's: refresh it here,
    // outside every measurement, as `git status` on a real index does once.
    let status = Command::new("git")
        .arg("-C")
        .arg(work.join("index"))
        .args(["update-index", "-q", "--refresh"])
        .status()?;
    ensure!(status.success(), "git update-index --refresh failed");
    // Written back now, so the measured build's `syncfs` does not write the copy's bytes.
    rustix::fs::sync();
    Ok(())
}

fn shelf(data: &Path, base: &str) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_shelf"));
    command
        .arg("--data")
        .arg(data)
        .args(["--base-url", base])
        // Room for the 500 MiB upload; the other limits stay the defaults.
        .args(["--max-zip-bytes", "1073741824"])
        .args(["--max-uncompressed-bytes", "1073741824"])
        .env_remove("SHELF_TARGET")
        .env_remove("SHELF_OUT")
        .env_remove("SHELF_INDEX_REMOTE")
        .env_remove("SHELF_BASE_URL");
    command
}

fn limits() -> Limits {
    Limits {
        max_zip_bytes: 1 << 30,
        max_uncompressed_bytes: 1 << 30,
        ..Limits::default()
    }
}

/// "Built … in 1.23s: 36008 written, 0 unchanged, 0 removed[, 9 left alone (…)]" →
/// (written, unchanged, left alone).
fn build_counts(stdout: &str) -> anyhow::Result<(u64, u64, u64)> {
    let line = stdout
        .lines()
        .find(|l| l.starts_with("Built "))
        .with_context(|| format!("no summary in {stdout:?}"))?;
    let (_, counts) = line.split_once("s: ").context("summary shape")?;
    let mut numbers = counts
        .split(", ")
        .map(|part| part.split_whitespace().next().unwrap_or("").parse::<u64>());
    let written = numbers.next().context("written")??;
    let unchanged = numbers.next().context("unchanged")??;
    let _removed = numbers.next().context("removed")??;
    let untouched = numbers.next().transpose()?.unwrap_or(0);
    Ok((written, unchanged, untouched))
}

fn measure(plan: &Plan, root: &Path, packages: usize, versions: usize) -> anyhow::Result<Figures> {
    let (pristine, generated_in) = pristine(root, packages, versions)?;
    let work = root.join("work");
    working_copy(&pristine, &work, true)?;
    // One port for every command, so the site's URLs never change between them.
    let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let base = format!("http://127.0.0.1:{port}");

    eprintln!("full build");
    let full = run_measured(shelf(&work, &base).arg("build"))?;
    let (full_written, _, _) = build_counts(&full.stdout)?;
    eprintln!("dumb-pypi {} on the same names", dumb_pypi::DUMB_PYPI);
    let dumb_pypi = dumb_pypi::build(root, packages, versions)?;
    eprintln!("no-op rebuild");
    let noop = run_measured(shelf(&work, &base).arg("build"))?;
    let (noop_written, noop_unchanged, noop_untouched) = build_counts(&noop.stdout)?;
    ensure!(
        noop_written == 0,
        "a no-op rebuild wrote {noop_written} files"
    );
    eprintln!("no-op rebuild, --verify");
    let verify = run_measured(shelf(&work, &base).args(["build", "--verify"]))?;
    let (verify_written, _, _) = build_counts(&verify.stdout)?;
    ensure!(
        verify_written == 0,
        "a verified no-op rebuild wrote {verify_written} files"
    );

    eprintln!("index commits");
    let commits = index_commits(&work.join("index"), plan.commits)?;

    let password = "a bench password, long enough";
    let out = shelf(&work, &base)
        // An administrator: the synthetic packages belong to no account, and the bench
        // publishes new versions of them.
        .args([
            "user",
            "add",
            "bench",
            "--admin",
            "--email",
            "bench@example.com",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write as _;
            child
                .stdin
                .take()
                .map(|mut stdin| stdin.write_all(format!("{password}\n").as_bytes()))
                .transpose()?;
            child.wait()
        })?;
    ensure!(out.success(), "shelf user add failed");

    let server = Serve::start(
        shelf(&work, &base)
            .arg("serve")
            .args(["--listen", &format!("127.0.0.1:{port}")])
            .args(["--publish-per-hour", "1000000"])
            .args(["--max-pending-uploads", "1000"])
            .args(["--login-per-minute", "1000"]),
    )?;
    let start_rss_kib = server.rss_kib();
    let limits = limits();
    let (registry, token) = publish::login(&server.base, "bench", password)?;
    let client = publish::client(&registry, &token);

    eprintln!("publish latency");
    let names: Vec<String> = (0..packages.min(100)).map(synth::package_name).collect();
    let latencies = publish::sequential(
        &client,
        &names,
        plan.latency_publishes,
        plan.latency_payload,
        &limits,
    )?;

    eprintln!("Verdaccio {} publish latency", npm::VERDACCIO);
    let verdaccio_latencies =
        npm::verdaccio_publishes(root, packages, plan.latency_publishes, plan.latency_payload)?;

    eprintln!("{} concurrent publishers", plan.publishers);
    let sustained = publish::concurrent(
        &registry,
        &token,
        "conc",
        plan.publishers,
        plan.publishes_each,
        &limits,
    )?;

    eprintln!("large upload");
    let big_path = root.join("big.zip");
    publish::write_big_zip(&big_path, "big-upload", "1.0.0", plan.big_upload)?;
    let big_bytes = std::fs::metadata(&big_path)?.len();
    let big_release = {
        let file = std::fs::File::open(&big_path)?;
        let inspected = shelf::serverless::package::archive::inspect(file, &limits)?;
        shelf::client::bodies::NewRelease::from_inspected(&inspected, String::new())
    };
    let big_rss_before_kib = server.rss_kib();
    server.reset_peak()?;
    let big_wall = publish::publish(&client, &big_release, &mut std::fs::File::open(&big_path)?)?;
    let big_peak_kib = server.peak_rss_kib();
    std::fs::remove_file(&big_path)?;

    eprintln!("reads");
    let latest = format!("/{}/releases/latest", synth::package_name(0));
    let reads_shelf = reads::wrk(
        &format!("{}{latest}", server.base),
        plan.wrk_connections,
        plan.wrk_seconds,
    )?;
    let nginx = reads::Nginx::start(&work.join("site"), &root.join("nginx"))?;
    let reads_nginx = reads::wrk(
        &format!("{}{latest}", nginx.base),
        plan.wrk_connections,
        plan.wrk_seconds,
    )?;
    drop(nginx);
    drop(server);
    for (who, r) in [("shelf serve", &reads_shelf), ("nginx", &reads_nginx)] {
        if r.failures > 0 || r.requests == 0 {
            bail!("{who}: {} failed reads of {}", r.failures, r.requests);
        }
    }
    eprintln!("first build of the same index never packed");
    let unpacked = root.join("work-unpacked");
    working_copy(&pristine, &unpacked, false)?;
    let first = run_measured(shelf(&unpacked, &base).arg("build"))?;
    discard(root, &unpacked)?;
    discard(root, &work)?;

    Ok(Figures {
        packages,
        versions,
        generated_in,
        full,
        full_written,
        first,
        noop,
        noop_written,
        noop_unchanged,
        noop_untouched,
        verify,
        verify_written,
        dumb_pypi,
        start_rss_kib,
        verdaccio_latencies,
        commits,
        latencies,
        latency_payload: plan.latency_payload,
        sustained,
        publishers: plan.publishers,
        big_bytes,
        big_wall,
        big_rss_before_kib,
        big_peak_kib,
        reads_shelf,
        reads_nginx,
        wrk_connections: plan.wrk_connections,
        wrk_seconds: plan.wrk_seconds,
    })
}

/// Times `count` commits of one new version each to existing packages: the index's share
/// of a publish (write the package's file, commit), at this registry's size.
fn index_commits(index_dir: &Path, count: usize) -> anyhow::Result<Vec<Duration>> {
    let index = IndexRepo::open_or_init(index_dir, "http://127.0.0.1:8080")?;
    let author = Author::named("bench");
    let mut times = Vec::with_capacity(count);
    for i in 0..count {
        let name = synth::package_name(i);
        let mut record = index
            .read(&name)?
            .with_context(|| format!("{name} is not in the index"))?;
        let mut line = record.lines.last().context("a version")?.clone();
        line.version = format!("9.{i}.0");
        record.lines.push(line);
        let started = Instant::now();
        index.write(&name, &record, &format!("Publish {name}@9.{i}.0"), &author)?;
        times.push(started.elapsed());
    }
    Ok(times)
}
