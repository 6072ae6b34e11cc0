//! Defect 4: clients that hold connections without finishing their requests, against a real
//! `shelf serve`: stalled request heads are closed, the connection cap and the open-file
//! limit keep the server answering, a stalled upload answers 408 and one refused for want of
//! file descriptors 503, and either way the upload URL still takes the zip afterwards and
//! the index, blobs and site are as they were.
//!
//! No assertion here is about speed: the servers run with deadlines of a second or two and
//! the tests wait for what those deadlines must bring about. Reads have a generous deadline
//! of their own only so that a regression fails instead of hanging.

use std::{
    collections::BTreeMap,
    io::{Read as _, Write as _},
    net::TcpStream,
    path::Path,
    process::{Command, Stdio},
    time::{Duration, Instant},
};

use crate::common::{
    Fixture, HttpPublish, ZipBuilder, patient_agent, publish_over_http,
    server::{Server, shelf_serve},
    sign_up, tree,
};

/// How long a test waits for something the server must do before calling it a failure.
const PATIENCE: Duration = Duration::from_secs(60);

/// `GET /` with the headers never finished.
const PARTIAL_HEAD: &[u8] = b"GET / HTTP/1.1\r\nHost: shelf\r\nAccept: */*\r\n";

fn address(server: &Server) -> String {
    server.base.trim_start_matches("http://").to_owned()
}

/// Connections that sent [`PARTIAL_HEAD`] and nothing more.
fn stalled_connections(address: &str, count: usize) -> Vec<TcpStream> {
    (0..count)
        .map(|i| {
            let mut stream =
                TcpStream::connect(address).unwrap_or_else(|e| panic!("connection {i}: {e}"));
            stream
                .write_all(PARTIAL_HEAD)
                .expect("send the partial head");
            stream
        })
        .collect()
}

/// Reads `stream` until the server closes it; what arrived before.
fn read_until_closed(stream: &mut TcpStream) -> Vec<u8> {
    stream
        .set_read_timeout(Some(PATIENCE))
        .expect("read timeout");
    let mut received = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => return received,
            Ok(n) => received.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => return received,
            Err(e) => panic!("the server left the connection open: {e}"),
        }
    }
}

/// An HTTP/1.1 answer read to its end: status, headers (lowercase names), body.
struct Answer {
    status: u16,
    headers: BTreeMap<String, String>,
    body: Vec<u8>,
}

fn parse_answer(raw: &[u8]) -> Answer {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no response head in {:?}", String::from_utf8_lossy(raw)));
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|line| line.split(' ').nth(1))
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("no status in {head:?}"));
    let headers = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    Answer {
        status,
        headers,
        body: raw[split + 4..].to_vec(),
    }
}

/// Sends `PUT path` with a bearer token and `Content-Length` of the whole `zip`, but only
/// its first `sent` bytes, then reads the answer until the server closes the connection.
fn put_raw(address: &str, path: &str, token: &str, zip: &[u8], sent: usize) -> Answer {
    let mut stream = TcpStream::connect(address).expect("connect");
    let head = format!(
        "PUT {path} HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/zip\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        zip.len()
    );
    stream.write_all(head.as_bytes()).expect("send the head");
    stream
        .write_all(&zip[..sent])
        .expect("send the start of the zip");
    parse_answer(&read_until_closed(&mut stream))
}

fn error_message(answer: &Answer) -> String {
    let body: serde_json::Value = serde_json::from_slice(&answer.body)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&answer.body)));
    body["error"]
        .as_str()
        .unwrap_or_else(|| panic!("not the error shape: {body}"))
        .to_owned()
}

/// `POST /releases` for `name@version`; the upload URL's path.
fn create_release(base: &str, token: &str, name: &str, version: &str) -> String {
    let release = serde_json::json!({ "name": name, "version": version });
    let mut resp = patient_agent()
        .post(&format!("{base}/releases"))
        .header("Authorization", &format!("Bearer {token}"))
        .content_type("application/json")
        .send(release.to_string())
        .expect("POST /releases");
    let body = resp.body_mut().read_to_vec().expect("body");
    assert_eq!(
        resp.status().as_u16(),
        201,
        "{}",
        String::from_utf8_lossy(&body)
    );
    let created: serde_json::Value = serde_json::from_slice(&body).expect("json");
    let url = created["upload_url"].as_str().expect("upload_url");
    url[url.find("/upload/").expect("an upload path")..].to_owned()
}

/// `PUT` of the whole zip to `path` through a fresh client: status and body.
fn put_zip(base: &str, path: &str, token: &str, zip: &[u8]) -> (u16, String) {
    let mut resp = patient_agent()
        .put(&format!("{base}{path}"))
        .header("Authorization", &format!("Bearer {token}"))
        .content_type("application/zip")
        .send(zip)
        .expect("PUT the zip");
    let body = resp.body_mut().read_to_string().expect("body");
    (resp.status().as_u16(), body)
}

/// What refused requests must leave alone: the index's commit, the blobs (staging area
/// included) and the site.
#[derive(Debug, PartialEq, Eq)]
struct Published {
    head: String,
    blobs: BTreeMap<String, Vec<u8>>,
    site: BTreeMap<String, Vec<u8>>,
}

fn published(fx: &Fixture) -> Published {
    Published {
        head: fx.git(&["rev-parse", "HEAD"]),
        blobs: tree(&fx.data().join("blobs")),
        site: tree(&fx.site()),
    }
}

/// A registry with one version published offline, so that the index has a commit to compare.
fn registry_with_a_package() -> Fixture {
    let fx = Fixture::new();
    let zip = fx.zip("seed.zip", &ZipBuilder::package("seed", "1.0.0").build());
    fx.shelf_ok(&["add", zip.to_str().expect("utf-8")]);
    fx
}

/// `shelf serve ARGS…` on a free port under an open-file limit of `files` (soft and hard,
/// so the server cannot raise it), run by `prlimit`; the process id is written to `pid_file`
/// (`exec` keeps it the same through bash and prlimit).
fn limited_serve(data: &Path, files: u32, pid_file: &Path, args: &[&str]) -> Server {
    if Command::new("prlimit").arg("--version").output().is_err() {
        panic!("prlimit is missing; install it with `apt-get install -y util-linux`");
    }
    let serve = shelf_serve(data, args);
    let mut command = Command::new("bash");
    command
        .arg("-c")
        .arg(r#"echo $$ > "$0"; exec prlimit --nofile="$1:$1" -- "${@:2}""#)
        .arg(pid_file)
        .arg(files.to_string())
        .arg(serve.get_program())
        .args(serve.get_args())
        .env_remove("SHELF_BASE_URL")
        .env_remove("SHELF_OUT")
        .env_remove("SHELF_INDEX_REMOTE")
        .env_remove("SHELF_TARGET")
        .stderr(Stdio::inherit());
    Server::shelf(&mut command)
}

/// How many of the server's descriptors are numbered below `limit`: the kernel hands out
/// the lowest free number and refuses (EMFILE) when none below the limit is free, and a
/// descriptor inherited from the test harness (cargo's jobserver pipe, say) may sit above.
fn open_files(pid: u32, limit: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd"))
        .expect("list the server's descriptors")
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|fd| *fd < limit)
        .count()
}

/// The server's descriptor count once it has stopped changing (connections a client closed
/// are closed on the server's side a moment later).
fn settled_open_files(pid: u32, limit: u32) -> usize {
    let since = Instant::now();
    let mut last = open_files(pid, limit);
    let mut same = 0;
    while same < 20 {
        assert!(
            since.elapsed() < PATIENCE,
            "the server's descriptors never settle"
        );
        std::thread::sleep(Duration::from_millis(10));
        let now = open_files(pid, limit);
        same = if now == last { same + 1 } else { 0 };
        last = now;
    }
    last
}

#[test]
fn stalled_request_heads_are_closed_and_others_still_answered() {
    let fx = registry_with_a_package();
    let server = Server::shelf(&mut shelf_serve(
        &fx.data(),
        &[
            "--listen",
            "127.0.0.1:0",
            "--header-timeout",
            "1",
            "--max-connections",
            "64",
        ],
    ));
    let before = published(&fx);
    let address = address(&server);
    let mut stalled = stalled_connections(&address, 200);

    // Meanwhile, behind them in the queue, a whole request is answered.
    let mut resp = patient_agent()
        .get(&format!("{}/-/search.json", server.base))
        .call()
        .expect("GET while 200 connections stall");
    assert_eq!(resp.status().as_u16(), 200);
    let found: serde_json::Value =
        serde_json::from_slice(&resp.body_mut().read_to_vec().expect("body")).expect("json");
    assert_eq!(found["packages"][0]["name"], "seed");

    for stream in &mut stalled {
        read_until_closed(stream);
    }

    // A keep-alive connection left idle after its answer is closed too.
    let mut idle = TcpStream::connect(&address).expect("connect");
    idle.write_all(b"GET /-/search.json HTTP/1.1\r\nHost: shelf\r\n\r\n")
        .expect("send a whole request");
    let answer = parse_answer(&read_until_closed(&mut idle));
    assert_eq!(answer.status, 200);
    assert_eq!(published(&fx), before, "stalled requests changed nothing");
}

#[test]
fn a_full_publish_succeeds_under_a_low_open_file_limit_with_400_stalled_connections() {
    let fx = Fixture::new();
    let pid_file = fx.dir.path().join("serve.pid");
    // The default cap, derived from the limit: 64 connections for 256 descriptors.
    let server = limited_serve(
        &fx.data(),
        256,
        &pid_file,
        &[
            "--listen",
            "127.0.0.1:0",
            "--header-timeout",
            "1",
            "--publish-per-hour",
            "1000",
        ],
    );
    let address = address(&server);
    let mut stalled = stalled_connections(&address, 400);

    let client: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(PATIENCE))
        .build()
        .into();
    let token = sign_up(&server.base, "alice");
    let zip = ZipBuilder::package("hello", "1.0.0").build();
    match publish_over_http(&client, &server.base, &token, "hello", "1.0.0", &zip) {
        HttpPublish::Published(answer) => assert_eq!(answer["version"], "1.0.0"),
        other => panic!("the publish failed: {other:?}"),
    }
    for stream in &mut stalled {
        read_until_closed(stream);
    }
    let (status, _) = put_zip(
        &server.base,
        "/upload/nosuch",
        &token,
        &ZipBuilder::package("hello", "1.0.1").build(),
    );
    assert_eq!(status, 404, "still answering after the stalled connections");
}

#[test]
fn a_stalled_upload_answers_408_and_its_url_then_takes_the_zip() {
    let fx = registry_with_a_package();
    let server = Server::shelf(&mut shelf_serve(
        &fx.data(),
        &["--listen", "127.0.0.1:0", "--body-timeout", "1"],
    ));
    let token = sign_up(&server.base, "alice");
    let path = create_release(&server.base, &token, "hello", "1.0.0");
    let zip = ZipBuilder::package("hello", "1.0.0").build();
    assert!(zip.len() > 100, "the zip is more than what is sent of it");
    let before = published(&fx);

    let answer = put_raw(&address(&server), &path, &token, &zip, 100);
    assert_eq!(
        answer.status,
        408,
        "{}",
        String::from_utf8_lossy(&answer.body)
    );
    assert!(error_message(&answer).contains("stalled"));
    assert_eq!(
        published(&fx),
        before,
        "the stalled upload left nothing behind"
    );

    let (status, body) = put_zip(&server.base, &path, &token, &zip);
    assert_eq!(status, 200, "the same URL takes the zip: {body}");
    assert_ne!(published(&fx).head, before.head);
    let (status, _) = put_zip(&server.base, &path, &token, &zip);
    assert_eq!(status, 404, "and is used up once it has");
}

/// The server's descriptors are filled (by connections it was allowed to accept past what
/// its limit leaves room for) so that the upload's connection takes the last one: staging
/// cannot open its temporary file.
#[test]
fn an_upload_refused_for_want_of_descriptors_answers_503_and_can_be_sent_again() {
    const FILES: u32 = 96;
    let fx = registry_with_a_package();
    let pid_file = fx.dir.path().join("serve.pid");
    let server = limited_serve(
        &fx.data(),
        FILES,
        &pid_file,
        &[
            "--listen",
            "127.0.0.1:0",
            "--header-timeout",
            "120",
            "--max-connections",
            "1000",
        ],
    );
    let pid: u32 = std::fs::read_to_string(&pid_file)
        .expect("pid file")
        .trim()
        .parse()
        .expect("pid");
    let token = sign_up(&server.base, "alice");
    let path = create_release(&server.base, &token, "hello", "1.0.0");
    let zip = ZipBuilder::package("hello", "1.0.0").build();
    let before = published(&fx);
    let address = address(&server);

    let mut held = Vec::new();
    let mut open = settled_open_files(pid, FILES);
    assert!(open + 1 < FILES as usize, "{open} descriptors open at rest");
    // One at a time, each counted once accepted, so that none waits unaccepted in the
    // backlog ahead of the upload.
    while open + 1 < FILES as usize {
        held.extend(stalled_connections(&address, 1));
        let since = Instant::now();
        while open_files(pid, FILES) <= open {
            assert!(since.elapsed() < PATIENCE, "the server stopped accepting");
            std::thread::sleep(Duration::from_millis(5));
        }
        open += 1;
    }
    open = settled_open_files(pid, FILES);
    assert_eq!(
        open + 1,
        FILES as usize,
        "one descriptor left, for the upload's connection"
    );
    let answer = put_raw(&address, &path, &token, &zip, zip.len());
    assert_eq!(
        answer.status,
        503,
        "{}",
        String::from_utf8_lossy(&answer.body)
    );
    assert!(answer.headers.contains_key("retry-after"));
    assert!(error_message(&answer).contains("too many files open"));
    assert_eq!(
        published(&fx),
        before,
        "the refused upload left nothing behind"
    );

    drop(held);
    let (status, body) = put_zip(&server.base, &path, &token, &zip);
    assert_eq!(status, 200, "the same URL takes the zip: {body}");
    assert_ne!(published(&fx).head, before.head);
}
