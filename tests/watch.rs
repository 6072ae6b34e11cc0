//! `shelf watch` as a real process on a real index: hand edits, hand commits, an invalid line
//! and a template change, each seen in the site.

mod common;

use std::{
    collections::BTreeMap,
    fs,
    io::{BufRead, BufReader, Read},
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    sync::{Arc, Mutex},
    thread,
    time::{Duration, Instant},
};

use common::{Fixture, ZipBuilder, git_in, json, stamps, tree};

/// A running `shelf watch`, killed when dropped; its output collected as it comes.
struct Watcher {
    child: Child,
    stdout: Arc<Mutex<String>>,
    stderr: Arc<Mutex<String>>,
}

impl Drop for Watcher {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Watcher {
    fn start(fx: &Fixture, templates: &Path) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_shelf"))
            .arg("--data")
            .arg(fx.data())
            .arg("--templates")
            .arg(templates)
            .args(["watch", "--debounce-ms", "100"])
            .env_remove("SHELF_BASE_URL")
            .env_remove("SHELF_OUT")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start shelf watch");
        let stdout = collect(child.stdout.take().expect("stdout"));
        let stderr = collect(child.stderr.take().expect("stderr"));
        let watcher = Watcher {
            child,
            stdout,
            stderr,
        };
        watcher.wait_until("the watch to start", |w| w.stdout().contains("Watching "));
        watcher
    }

    fn stdout(&self) -> String {
        self.stdout.lock().expect("stdout lock").clone()
    }

    fn stderr(&self) -> String {
        self.stderr.lock().expect("stderr lock").clone()
    }

    /// How many reports the watcher has printed (one a line, after each batch is done).
    fn reports(&self) -> usize {
        self.stdout().lines().count()
    }

    fn is_running(&mut self) -> bool {
        self.child.try_wait().expect("poll the process").is_none()
    }

    /// Polls `done` until it holds; fails after 30 s, showing what the watcher said.
    fn wait_until(&self, what: &str, mut done: impl FnMut(&Self) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while !done(self) {
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}\nstdout:\n{}\nstderr:\n{}",
                self.stdout(),
                self.stderr()
            );
            thread::sleep(Duration::from_millis(25));
        }
    }
}

fn collect(stream: impl Read + Send + 'static) -> Arc<Mutex<String>> {
    let text = Arc::new(Mutex::new(String::new()));
    let sink = Arc::clone(&text);
    thread::spawn(move || {
        for line in BufReader::new(stream).lines() {
            let Ok(line) = line else { break };
            let mut text = sink.lock().expect("output lock");
            text.push_str(&line);
            text.push('\n');
        }
    });
    text
}

/// The site's file at `rel`, if it exists and is JSON.
fn try_json(site: &Path, rel: &str) -> Option<serde_json::Value> {
    serde_json::from_slice(&fs::read(site.join(rel)).ok()?).ok()
}

/// The feed's newest sequence number.
fn feed_seq(site: &Path) -> u64 {
    try_json(site, "-/changes.json")
        .and_then(|head| head["seq"].as_u64())
        .unwrap_or(0)
}

/// Paths whose inode or mtime differ between two snapshots (added and removed included).
fn changed(
    before: &BTreeMap<String, (u64, i128)>,
    after: &BTreeMap<String, (u64, i128)>,
) -> Vec<String> {
    let mut keys: Vec<&String> = before.keys().chain(after.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| before.get(*k) != after.get(*k))
        .cloned()
        .collect()
}

/// Whether `path` belongs to package `name` or to the registry as a whole.
fn owned_by(path: &str, name: &str) -> bool {
    path.starts_with(&format!("{name}/"))
        || path.starts_with(&format!("v3/packages/{name}/"))
        || path == "index.html"
        || path.starts_with("-/")
}

#[test]
fn watch_rebuilds_what_changed_outside_the_api() {
    let fx = Fixture::new();
    for (name, version) in [("hello", "1.0.0"), ("world", "1.0.0")] {
        let zip = fx.zip("p.zip", &ZipBuilder::package(name, version).build());
        fx.shelf_ok(&["add", zip.to_str().expect("utf-8 path")]);
    }
    let templates: PathBuf = fx.dir.path().join("templates");
    fs::create_dir_all(&templates).expect("templates folder");
    let site = fx.site();
    let index = fx.index();
    let hello_file = index.join("he/ll/hello");

    let mut watcher = Watcher::start(&fx, &templates);
    let start_seq = feed_seq(&site);
    assert_eq!(start_seq, 3, "initialize, two publishes");

    // 1. A line appended by hand and committed with git: hello@1.0.1 appears, and only
    // hello's files and the registry-wide ones are touched.
    let before = stamps(&site);
    let text = fs::read_to_string(&hello_file).expect("hello's index file");
    let mut line: serde_json::Value =
        serde_json::from_str(text.lines().last().expect("a line")).expect("a JSON line");
    line["version"] = "1.0.1".into();
    line["created_at"] = "2030-01-01T00:00:00Z".into();
    fs::write(&hello_file, format!("{text}{line}\n")).expect("append a line");
    common::commit_by_hand(&index, "Add hello 1.0.1 by hand");
    let commit = git_in(&index, &["rev-parse", "HEAD"]).trim().to_owned();
    // Each report names the commit the site was built from once the batch is done.
    watcher.wait_until("the site built from the new commit", |w| {
        w.stdout().contains(&format!("(index at {commit})"))
    });
    assert!(site.join("hello/releases/tags/1.0.1").is_file());
    assert_eq!(feed_seq(&site), start_seq + 1);
    let latest = json(&site, "hello/releases/latest");
    assert_eq!(latest["tag_name"], "1.0.1");
    let touched = changed(&before, &stamps(&site));
    assert!(touched.contains(&"hello/releases/tags/1.0.1".to_owned()));
    assert!(touched.contains(&"-/changes.json".to_owned()));
    for path in &touched {
        assert!(
            owned_by(path, "hello"),
            "{path} changed, but only hello changed"
        );
    }
    let head = json(&site, "-/changes.json");
    let last = head["changes"].as_array().expect("changes").last().cloned();
    let last = last.expect("a change");
    assert_eq!(last["action"], "update", "a commit Shelf did not write");
    assert_eq!(last["names"], serde_json::json!(["hello"]));

    // 2. A hand edit without a commit: 1.0.1 yanked in the working tree.
    let before = stamps(&site);
    let text = fs::read_to_string(&hello_file).expect("hello's index file");
    let mut lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    lines[1]["yanked"] = true.into();
    let edited: String = lines.iter().map(|l| format!("{l}\n")).collect();
    let reports = watcher.reports();
    fs::write(&hello_file, &edited).expect("edit by hand");
    watcher.wait_until("hello@1.0.1 yanked", |w| {
        w.reports() > reports
            && try_json(&site, "hello/releases/tags/1.0.1").is_some_and(|d| d["yanked"] == true)
    });
    assert_eq!(json(&site, "hello/releases/latest")["tag_name"], "1.0.0");
    for path in changed(&before, &stamps(&site)) {
        assert!(
            owned_by(&path, "hello"),
            "{path} changed, but only hello changed"
        );
    }
    assert_eq!(feed_seq(&site), start_seq + 1, "nothing was committed");

    // 3. An invalid line: reported with its file and line, the site left as it was, and the
    // watch goes on.
    let published = tree(&site);
    fs::write(
        &hello_file,
        format!("{edited}{{\"v\":1,\"name\":\"hello\"\n"),
    )
    .expect("break it");
    watcher.wait_until("the invalid line to be reported", |w| {
        w.stderr().contains("he/ll/hello") && w.stderr().contains("line 3")
    });
    assert!(watcher.is_running(), "the watch survives an invalid line");
    assert!(
        tree(&site) == published,
        "the published files stay as they were"
    );

    // Fixing the file is a change like any other.
    fs::write(&hello_file, &edited).expect("fix it");
    let reports = watcher.reports();
    watcher.wait_until("the fixed file to be rebuilt", |w| w.reports() > reports);

    // 4. A template: the pages are rendered again.
    let package_html =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/package.html"))
            .expect("the embedded package template");
    let marked = package_html.replace(
        "<h1>{{ package.name }}</h1>",
        "<h1>{{ package.name }} (watched)</h1>",
    );
    assert_ne!(
        marked, package_html,
        "the template has the heading this test marks"
    );
    fs::write(templates.join("package.html"), marked).expect("override the template");
    watcher.wait_until("the package pages to be rendered again", |_| {
        ["hello", "world"].iter().all(|name| {
            fs::read_to_string(site.join(format!("{name}/index.html")))
                .is_ok_and(|page| page.contains(&format!("{name} (watched)")))
        })
    });
    assert!(watcher.is_running());
}
