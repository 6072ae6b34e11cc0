//! The author's side of the command line, without a registry: packing, the credentials file,
//! the choice of credentials, the requests the client sends (through a recording transport,
//! and through the real HTTP transport against a small scripted HTTP server), and the
//! `shelf` binary's early refusals.

mod common;

use std::{
    cell::RefCell,
    collections::VecDeque,
    fs,
    io::{BufRead as _, BufReader, Cursor, Read as _, Write as _},
    net::TcpListener,
    os::unix::fs::PermissionsExt as _,
    path::{Path, PathBuf},
    process::{Command, Output},
    thread,
    time::{Duration, SystemTime, UNIX_EPOCH},
};

use sha2::{Digest as _, Sha256};
use shelf::{
    auth::signature::Signer,
    client::{
        Auth, ClientError, CredentialsFile, RegistryClient, RegistryCredentials, RegistryUrl,
        Secret, auth,
        bodies::{CreatedKey, NewRelease, NewToken},
        pack::{self, EXECUTABLE_MODE, FILE_MODE, PackOptions, SkipReason},
        registry::url_path,
        transport::{Answer, Body, Method, Request, Transport, TransportError},
    },
    serverless::package::{
        archive::{ArchiveError, Limits, inspect},
        testing::publish_yaml,
    },
};
use zip::{CompressionMethod, ZipArchive};

// ---------------------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------------------

/// Writes `files` (path below `root` → content) into `root`, creating folders.
fn write_tree(root: &Path, files: &[(&str, &[u8])]) {
    for (name, content) in files {
        let path = root.join(name);
        fs::create_dir_all(path.parent().expect("below root")).expect("create folder");
        fs::write(&path, content).expect("write file");
    }
}

/// A package folder: `publish.yaml` for `hello@1.0.0`, a readme, sources in two folders,
/// an executable script, and names whose sorted order differs from walk order (`a-b` sorts
/// before `a/…` by bytes).
fn package_folder(root: &Path) {
    write_tree(
        root,
        &[
            ("publish.yaml", publish_yaml("hello", "1.0.0").as_bytes()),
            ("README.md", b"# hello\n\nSays hello.\n"),
            (
                "src/index.js",
                b"module.exports = require('./lib/greet');\n",
            ),
            ("src/lib/greet.js", b"module.exports = () => 'hello';\n"),
            ("a/b.txt", b"b\n"),
            ("a-b.txt", b"a-b\n"),
            ("bin/run.sh", b"#!/bin/sh\necho hello\n"),
        ],
    );
    set_mode(&root.join("bin/run.sh"), 0o700);
    set_mode(&root.join("a-b.txt"), 0o600);
}

fn set_mode(path: &Path, mode: u32) {
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).expect("chmod");
}

fn pack_folder(root: &Path, options: PackOptions) -> Vec<u8> {
    let plan = pack::plan(root, options).expect("plan");
    pack::write(&plan, Cursor::new(Vec::new()))
        .expect("pack")
        .into_inner()
}

fn names(zip: &[u8]) -> Vec<String> {
    let archive = ZipArchive::new(Cursor::new(zip)).expect("readable zip");
    archive
        .file_names()
        .map(|n| n.expect("utf-8").into_owned())
        .collect()
}

// ---------------------------------------------------------------------------------------
// Packing
// ---------------------------------------------------------------------------------------

#[test]
fn the_same_files_pack_to_the_same_bytes_wherever_and_whenever_they_are() {
    let first = tempfile::tempdir().expect("temp dir");
    package_folder(first.path());
    let once = pack_folder(first.path(), PackOptions::default());
    let twice = pack_folder(first.path(), PackOptions::default());
    assert_eq!(once, twice, "packing one folder twice");

    // Another folder with the same files, created in another order, at another time, with
    // other (but equally executable or not) permissions.
    let second = tempfile::tempdir().expect("temp dir");
    let mut files: Vec<(String, Vec<u8>)> = pack::plan(first.path(), PackOptions::default())
        .expect("plan")
        .files
        .into_iter()
        .map(|f| (f.name, fs::read(f.path).expect("read")))
        .collect();
    files.reverse();
    for (name, content) in &files {
        write_tree(second.path(), &[(name.as_str(), content.as_slice())]);
        let file = fs::File::options()
            .write(true)
            .open(second.path().join(name))
            .expect("open");
        file.set_modified(SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000))
            .expect("set mtime");
    }
    set_mode(&second.path().join("bin/run.sh"), 0o751);
    set_mode(&second.path().join("a-b.txt"), 0o640);
    assert_eq!(
        pack_folder(second.path(), PackOptions::default()),
        once,
        "packing a copy made differently"
    );

    // And the bytes do depend on the content.
    fs::write(first.path().join("a/b.txt"), "changed\n").expect("write");
    assert_ne!(pack_folder(first.path(), PackOptions::default()), once);
}

#[test]
fn entries_are_sorted_files_with_a_fixed_time_and_normalised_modes() {
    let dir = tempfile::tempdir().expect("temp dir");
    package_folder(dir.path());
    fs::create_dir_all(dir.path().join("empty/folder")).expect("mkdir");
    let zip = pack_folder(dir.path(), PackOptions::default());

    let listed = names(&zip);
    let mut sorted = listed.clone();
    sorted.sort();
    assert_eq!(listed, sorted, "entries in byte order of their names");
    assert_eq!(
        listed,
        [
            "README.md",
            "a-b.txt",
            "a/b.txt",
            "bin/run.sh",
            "publish.yaml",
            "src/index.js",
            "src/lib/greet.js"
        ],
        "files only: no directory entries, empty folders left out"
    );

    let archive = ZipArchive::new(Cursor::new(&zip)).expect("readable");
    for index in 0..archive.len() {
        let entry = archive.by_index_data(index).expect("entry");
        let name = entry.name().expect("utf-8").into_owned();
        assert!(!entry.is_dir(), "{name}");
        assert_eq!(entry.compression(), CompressionMethod::Deflated, "{name}");
        let time = entry.last_modified().expect("a timestamp");
        assert_eq!(
            (
                time.year(),
                time.month(),
                time.day(),
                time.hour(),
                time.minute()
            ),
            (1980, 1, 1, 0, 0),
            "{name}"
        );
        let expected = if name == "bin/run.sh" {
            EXECUTABLE_MODE
        } else {
            FILE_MODE
        };
        assert_eq!(
            entry.unix_mode(),
            Some(0o100_000 | expected),
            "{name}: a regular file with normalised permissions"
        );
    }
}

#[test]
fn version_control_metadata_node_modules_and_links_are_left_out() {
    let dir = tempfile::tempdir().expect("temp dir");
    package_folder(dir.path());
    write_tree(
        dir.path(),
        &[
            (".git/HEAD", b"ref: refs/heads/main\n"),
            (".git/objects/ab/cdef", b"blob"),
            ("src/.svn/entries", b"12\n"),
            (".hg/store/data", b"x"),
            (".DS_Store", b"\0\0\0\x01Bud1"),
            ("src/lib/.DS_Store", b"\0"),
            ("node_modules/left-pad/index.js", b"module.exports = 1;\n"),
            ("src/node_modules/deep/index.js", b"module.exports = 2;\n"),
            (".gitignore", b"node_modules\n"),
        ],
    );
    std::os::unix::fs::symlink("/etc/passwd", dir.path().join("passwd")).expect("symlink");
    std::os::unix::fs::symlink("src", dir.path().join("linked-src")).expect("symlink");

    let plan = pack::plan(dir.path(), PackOptions::default()).expect("plan");
    let mut skipped: Vec<(String, SkipReason)> = plan
        .skipped
        .iter()
        .map(|s| (s.name.clone(), s.reason))
        .collect();
    skipped.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        skipped,
        [
            (".DS_Store".to_owned(), SkipReason::Metadata),
            (".git".to_owned(), SkipReason::Metadata),
            (".hg".to_owned(), SkipReason::Metadata),
            ("linked-src".to_owned(), SkipReason::Symlink),
            ("node_modules".to_owned(), SkipReason::NodeModules),
            ("passwd".to_owned(), SkipReason::Symlink),
            ("src/.svn".to_owned(), SkipReason::Metadata),
            ("src/lib/.DS_Store".to_owned(), SkipReason::Metadata),
            ("src/node_modules".to_owned(), SkipReason::NodeModules),
        ],
        "each skipped folder is reported once, not file by file"
    );
    let packed = names(
        &pack::write(&plan, Cursor::new(Vec::new()))
            .expect("pack")
            .into_inner(),
    );
    assert!(packed.contains(&".gitignore".to_owned()), "{packed:?}");
    assert!(
        packed.iter().all(|n| !n.contains("node_modules")
            && !n.contains(".git/")
            && !n.contains(".svn")
            && !n.contains(".hg")
            && !n.contains("DS_Store")
            && !n.starts_with("linked-src")
            && n != "passwd"),
        "{packed:?}"
    );

    let with_modules = pack::plan(
        dir.path(),
        PackOptions {
            include_node_modules: true,
        },
    )
    .expect("plan");
    let packed: Vec<&str> = with_modules.files.iter().map(|f| f.name.as_str()).collect();
    assert!(
        packed.contains(&"node_modules/left-pad/index.js"),
        "{packed:?}"
    );
    assert!(
        packed.contains(&"src/node_modules/deep/index.js"),
        "{packed:?}"
    );
    assert!(
        with_modules
            .skipped
            .iter()
            .all(|s| s.reason != SkipReason::NodeModules)
    );
}

#[test]
fn a_packed_folder_passes_the_registrys_validator_and_describes_its_release() {
    let dir = tempfile::tempdir().expect("temp dir");
    package_folder(dir.path());
    let zip = pack_folder(dir.path(), PackOptions::default());
    let inspected = inspect(Cursor::new(&zip), &Limits::default()).expect("a valid package");
    assert_eq!(inspected.manifest.name.as_str(), "hello");
    assert_eq!(inspected.entries, 7);

    let release = NewRelease::from_inspected(&inspected, "First release.\n".to_owned());
    let json = serde_json::to_value(&release).expect("serialise");
    assert_eq!(
        json,
        serde_json::json!({
            "name": "hello",
            "version": "1.0.0",
            "description": "The hello test fixture",
            "type": "Component",
            "provider": ["alibaba"],
            "tags": ["fixture", "test"],
            "service": {},
            "command": {},
            "properties": {},
            "home": "",
            "readme": "# hello\n\nSays hello.\n",
            "body": "First release.\n",
        })
    );

    // Without publish.yaml the validator's own error comes back.
    fs::remove_file(dir.path().join("publish.yaml")).expect("remove");
    let zip = pack_folder(dir.path(), PackOptions::default());
    let error = inspect(Cursor::new(&zip), &Limits::default()).expect_err("no manifest");
    assert!(matches!(error, ArchiveError::NoManifest), "{error}");
}

// ---------------------------------------------------------------------------------------
// The credentials file
// ---------------------------------------------------------------------------------------

fn mode_of(path: &Path) -> u32 {
    fs::metadata(path).expect("stat").permissions().mode() & 0o777
}

#[test]
fn the_credentials_file_is_private_atomic_and_keeps_other_entries() {
    let home = tempfile::tempdir().expect("temp dir");
    let folder = home.path().join("config/shelf");
    let file = CredentialsFile::at(folder.join("credentials.json"));
    assert_eq!(
        file.load().expect("missing is empty"),
        Default::default(),
        "a missing file holds nothing"
    );

    file.update("https://a.example", |e| {
        e.token = Some(Secret::new("shelf_aaa"));
    })
    .expect("save");
    file.update("http://127.0.0.1:8080", |e| {
        e.key_id = Some("key1".into());
        e.key_secret = Some(Secret::new("s3cret"));
    })
    .expect("save");
    file.update("https://a.example", |e| {
        e.key_id = Some("key2".into());
        e.key_secret = Some(Secret::new("other"));
    })
    .expect("save");

    assert_eq!(mode_of(&folder), 0o700, "the folder it created");
    assert_eq!(mode_of(file.path()), 0o600, "the file");
    let leftovers: Vec<_> = fs::read_dir(&folder)
        .expect("list")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert_eq!(leftovers, ["credentials.json"], "no temporary file left");

    let json: serde_json::Value =
        serde_json::from_slice(&fs::read(file.path()).expect("read")).expect("json");
    assert_eq!(
        json,
        serde_json::json!({
            "http://127.0.0.1:8080": {"key_id": "key1", "key_secret": "s3cret"},
            "https://a.example": {"token": "shelf_aaa", "key_id": "key2", "key_secret": "other"},
        }),
        "the documented shape; a later update keeps what it does not change"
    );
    let loaded = file.load().expect("load");
    assert_eq!(
        loaded.get("https://a.example"),
        Some(&RegistryCredentials {
            token: Some(Secret::new("shelf_aaa")),
            key_id: Some("key2".into()),
            key_secret: Some(Secret::new("other")),
        })
    );

    // A file someone made readable by others becomes private again when rewritten.
    set_mode(file.path(), 0o644);
    file.update("https://a.example", |e| e.token = None)
        .expect("save");
    assert_eq!(mode_of(file.path()), 0o600);
}

#[test]
fn a_malformed_credentials_file_is_named_without_quoting_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("credentials.json");
    fs::write(&path, r#"{"https://a.example": "shelf_leaked_secret"}"#).expect("write");
    let error = CredentialsFile::at(&path).load().expect_err("malformed");
    let message = format!("{error:#}");
    assert!(message.contains(&path.display().to_string()), "{message}");
    assert!(!message.contains("shelf_leaked_secret"), "{message}");
}

#[test]
fn the_credentials_file_is_found_from_the_environment() {
    let located = |config: Option<&str>, home: Option<&str>| {
        CredentialsFile::locate(config.map(Into::into), home.map(Into::into))
            .map(|f| f.path().to_owned())
    };
    assert_eq!(
        located(Some("/etc/shelf"), Some("/home/ann")).expect("config dir"),
        PathBuf::from("/etc/shelf/credentials.json")
    );
    assert_eq!(
        located(None, Some("/home/ann")).expect("home"),
        PathBuf::from("/home/ann/.config/shelf/credentials.json")
    );
    assert_eq!(
        located(Some(""), Some("/home/ann")).expect("empty means unset"),
        PathBuf::from("/home/ann/.config/shelf/credentials.json")
    );
    assert!(located(None, None).is_err());
}

#[test]
fn debug_output_never_shows_a_secret() {
    let credentials = RegistryCredentials {
        token: Some(Secret::new("shelf_token_value")),
        key_id: Some("key1".into()),
        key_secret: Some(Secret::new("key_secret_value")),
    };
    let key: CreatedKey = serde_json::from_value(serde_json::json!({
        "key_id": "key1", "secret": "key_secret_value", "name": "ci", "scopes": [], "expires": null
    }))
    .expect("parse");
    let auth = Auth::Key {
        id: "key1".into(),
        secret: Secret::new("key_secret_value"),
    };
    for text in [
        format!("{credentials:?}"),
        format!("{key:?}"),
        format!("{auth:?}"),
        format!("{:?}", Auth::Token(Secret::new("shelf_token_value"))),
    ] {
        assert!(!text.contains("_value"), "{text}");
        assert!(text.contains("redacted"), "{text}");
    }
}

// ---------------------------------------------------------------------------------------
// Choosing credentials
// ---------------------------------------------------------------------------------------

#[test]
fn credentials_are_chosen_flag_then_environment_then_file() {
    const R: &str = "https://r.example";
    let stored = RegistryCredentials {
        token: Some(Secret::new("stored_token")),
        key_id: Some("stored_key".into()),
        key_secret: Some(Secret::new("stored_secret")),
    };
    let key_only = RegistryCredentials {
        token: None,
        ..stored.clone()
    };
    let supplied =
        |token: Option<&str>, key_id: Option<&str>, secret: Option<&str>| auth::Supplied {
            token: token.map(Secret::new),
            key_id: key_id.map(Into::into),
            key_secret: secret.map(Secret::new),
        };
    let token = |t: &str| Ok(Auth::Token(Secret::new(t)));
    let key = |id: &str, s: &str| {
        Ok(Auth::Key {
            id: id.into(),
            secret: Secret::new(s),
        })
    };
    let not_logged_in = Err(auth::AuthError::NotLoggedIn { registry: R.into() });

    let cases = [
        // A key id asks for a signature: the secret from the environment...
        (
            Some(&stored),
            supplied(None, Some("k9"), Some("env_secret")),
            key("k9", "env_secret"),
        ),
        // ...or from the file when the file's key has that id...
        (
            Some(&stored),
            supplied(Some("t"), Some("stored_key"), None),
            key("stored_key", "stored_secret"),
        ),
        // ...and never the file's secret for another key.
        (
            Some(&stored),
            supplied(None, Some("k9"), None),
            Err(auth::AuthError::NoSecret {
                key_id: "k9".into(),
                registry: R.into(),
            }),
        ),
        // Without a key id: SHELF_TOKEN over the stored token.
        (
            Some(&stored),
            supplied(Some("env_token"), None, None),
            token("env_token"),
        ),
        (
            Some(&stored),
            supplied(None, None, None),
            token("stored_token"),
        ),
        // A stored key pair when there is no token.
        (
            Some(&key_only),
            supplied(None, None, None),
            key("stored_key", "stored_secret"),
        ),
        (None, supplied(None, None, None), not_logged_in.clone()),
    ];
    for (index, (stored, supplied, expected)) in cases.into_iter().enumerate() {
        assert_eq!(
            auth::for_publish(R, stored, &supplied),
            expected,
            "case {index}"
        );
    }

    // Tokens and keys are managed with a login token only.
    assert_eq!(
        auth::login_token(R, Some(&key_only), &supplied(None, None, None)),
        not_logged_in
    );
    assert_eq!(
        auth::login_token(R, Some(&stored), &supplied(None, None, None)),
        token("stored_token")
    );
    assert_eq!(
        auth::AuthError::NotLoggedIn { registry: R.into() }.to_string(),
        "not logged in to https://r.example: run `shelf login --registry https://r.example`"
    );
}

// ---------------------------------------------------------------------------------------
// Requests, through a recording transport
// ---------------------------------------------------------------------------------------

/// A request as the transport saw it.
#[derive(Debug, Clone)]
struct Sent {
    method: Method,
    url: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Sent {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Whether the signature headers verify with the server's code for `secret`.
    fn signed_with(&self, secret: &str) -> bool {
        let mut signer = Signer::new(
            secret.as_bytes(),
            self.method.as_str(),
            url_path(&self.url),
            self.header("x-timestamp").expect("timestamp"),
            self.header("x-nonce").expect("nonce"),
        );
        signer.update(&self.body);
        signer.verify(self.header("x-signature").expect("signature"))
    }
}

/// Answers from a script and records every request, reading stream bodies to their end.
#[derive(Default)]
struct Recorder {
    answers: RefCell<VecDeque<Result<Answer, String>>>,
    sent: RefCell<Vec<Sent>>,
}

impl Recorder {
    fn answering(answers: impl IntoIterator<Item = (u16, serde_json::Value)>) -> Self {
        let recorder = Recorder::default();
        for (status, body) in answers {
            recorder.answers.borrow_mut().push_back(Ok(Answer {
                status,
                location: None,
                body: serde_json::to_vec(&body).expect("json"),
            }));
        }
        recorder
    }

    fn raw(self, answer: Result<Answer, String>) -> Self {
        self.answers.borrow_mut().push_back(answer);
        self
    }
}

impl Transport for &Recorder {
    fn send(&self, request: Request<'_>) -> Result<Answer, TransportError> {
        let body = match request.body {
            Body::Bytes(bytes) => bytes.to_vec(),
            Body::Stream { reader, length } => {
                let mut body = Vec::new();
                reader.read_to_end(&mut body).expect("read body");
                assert_eq!(
                    body.len() as u64,
                    length,
                    "the declared length is the length"
                );
                body
            }
        };
        self.sent.borrow_mut().push(Sent {
            method: request.method,
            url: request.url.to_owned(),
            headers: request
                .headers
                .into_iter()
                .map(|(n, v)| (n.to_owned(), v))
                .collect(),
            body,
        });
        self.answers
            .borrow_mut()
            .pop_front()
            .expect("an answer for every request")
            .map_err(Into::into)
    }
}

fn registry(url: &str) -> RegistryUrl {
    RegistryUrl::parse(url).expect("valid URL")
}

fn release_answer(upload_url: &str) -> serde_json::Value {
    serde_json::json!({
        "name": "hello", "tag_name": "1.0.0", "created_at": "2024-01-01T00:00:00Z",
        "zipball_url": "http://r/hello/zipball/1.0.0", "description": "", "type": "Component",
        "provider": [], "tags": [], "readme": "", "home": "",
        "upload_url": upload_url, "upload_expires": "2024-01-01T01:00:00Z"
    })
}

fn uploaded_answer(zip: &[u8]) -> serde_json::Value {
    serde_json::json!({
        "message": "Package uploaded successfully", "name": "hello", "version": "1.0.0",
        "sha256": hex::encode(Sha256::digest(zip)), "size": zip.len(),
        "release_url": "http://r/hello/releases/tags/1.0.0",
        "zipball_url": "http://r/hello/zipball/1.0.0", "page_url": "http://r/hello/"
    })
}

/// A zip over a few hundred kilobytes of incompressible data, so it is read in many pieces.
fn big_zip() -> Vec<u8> {
    let mut noise = Vec::with_capacity(300_000);
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    while noise.len() < 300_000 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        noise.extend_from_slice(&state.to_le_bytes());
    }
    shelf::serverless::package::testing::ZipBuilder::package("hello", "1.0.0")
        .stored("noise.bin", noise)
        .build()
}

#[test]
fn signed_requests_verify_with_the_servers_code() {
    let zip = big_zip();
    let recorder = Recorder::answering([
        (
            201,
            release_answer("http://r.example/base/upload/3f2a?expires=1"),
        ),
        (200, uploaded_answer(&zip)),
    ]);
    let client = RegistryClient::new(
        registry("http://r.example/base/"),
        Auth::Key {
            id: "key1".into(),
            secret: Secret::new("the secret"),
        },
        &recorder,
    );
    let inspected = inspect(Cursor::new(&zip), &Limits::default()).expect("valid");
    let release = client
        .create_release(&NewRelease::from_inspected(&inspected, String::new()))
        .expect("created");
    let mut progress = Vec::new();
    let uploaded = client
        .upload(&release.upload_url, &mut Cursor::new(&zip), &mut |n| {
            progress.push(n)
        })
        .expect("uploaded");
    assert_eq!(uploaded.page_url, "http://r/hello/");

    let sent = recorder.sent.borrow();
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock")
        .as_secs();
    let (post, put) = (&sent[0], &sent[1]);
    assert_eq!(
        (post.method, post.url.as_str()),
        (Method::Post, "http://r.example/base/releases")
    );
    assert_eq!(
        (put.method, put.url.as_str()),
        (Method::Put, "http://r.example/base/upload/3f2a?expires=1")
    );
    for request in [post, put] {
        assert_eq!(request.header("x-api-key"), Some("key1"));
        assert!(request.signed_with("the secret"), "{:?}", request.url);
        assert!(!request.signed_with("another secret"));
        let timestamp: u64 = request
            .header("x-timestamp")
            .expect("ts")
            .parse()
            .expect("number");
        assert!(timestamp.abs_diff(now) <= 5, "Unix seconds, now");
        let nonce = request.header("x-nonce").expect("nonce");
        assert!(
            nonce.len() == 32 && nonce.bytes().all(|b| b.is_ascii_hexdigit()),
            "{nonce}"
        );
        assert_eq!(request.header("authorization"), None);
    }
    assert_ne!(
        post.header("x-nonce"),
        put.header("x-nonce"),
        "a nonce is used once"
    );
    assert_eq!(put.body, zip, "the zip, byte for byte");
    assert_eq!(put.header("content-type"), Some("application/zip"));
    assert_eq!(post.header("content-type"), Some("application/json"));
    let json: serde_json::Value = serde_json::from_slice(&post.body).expect("json body");
    assert_eq!(json["name"], "hello");
    assert_eq!(json["version"], "1.0.0");
    assert_eq!(
        progress.last(),
        Some(&(zip.len() as u64)),
        "progress reaches the end"
    );
    assert!(
        progress.len() > 1,
        "progress is reported as the zip streams"
    );
}

#[test]
fn tokens_travel_as_bearer_and_login_carries_none() {
    let recorder = Recorder::answering([
        (
            200,
            serde_json::json!({"token": "shelf_new", "expires": "2030-01-01T00:00:00Z"}),
        ),
        (
            201,
            serde_json::json!({"id": 7, "token": "shelf_ci", "name": "ci", "scopes": ["publish:hello*"], "expires": null}),
        ),
    ]);
    let client = RegistryClient::new(
        registry("https://r.example"),
        Auth::Token(Secret::new("shelf_login")),
        &recorder,
    );
    let login = client.login("ann", "pw").expect("login");
    assert_eq!(login.token.expose(), "shelf_new");
    let created = client
        .create_token(&NewToken {
            name: "ci".into(),
            scopes: vec!["publish:hello*".into()],
            expires_in_days: Some(30),
            kind: None,
        })
        .expect("token");
    assert_eq!(created.token.expose(), "shelf_ci");

    let sent = recorder.sent.borrow();
    assert_eq!(sent[0].url, "https://r.example/login");
    assert_eq!(
        sent[0].header("authorization"),
        None,
        "login sends no credentials"
    );
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&sent[0].body).expect("json"),
        serde_json::json!({"username": "ann", "password": "pw"})
    );
    assert_eq!(sent[1].url, "https://r.example/tokens");
    assert_eq!(sent[1].header("authorization"), Some("Bearer shelf_login"));
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&sent[1].body).expect("json"),
        serde_json::json!({"name": "ci", "scopes": ["publish:hello*"], "expires_in_days": 30})
    );
}

#[test]
fn refusals_name_the_url_the_status_and_the_servers_message() {
    let login = |recorder: &Recorder| {
        RegistryClient::new(registry("http://r.example"), Auth::Anonymous, recorder)
            .login("ann", "pw")
            .expect_err("refused")
    };

    let error = login(&Recorder::answering([(
        401,
        serde_json::json!({"error": "Invalid username or password"}),
    )]));
    assert_eq!(error.status(), Some(401));
    assert_eq!(
        error.to_string(),
        "http://r.example/login answered 401 Unauthorized: Invalid username or password"
    );

    let error = login(&Recorder::default().raw(Ok(Answer {
        status: 502,
        location: None,
        body: b"<html>\n<h1>Bad Gateway</h1></html>".to_vec(),
    })));
    assert!(
        error
            .to_string()
            .contains("502 Bad Gateway: not a registry error answer"),
        "{error}"
    );

    let error = login(&Recorder::default().raw(Ok(Answer {
        status: 301,
        location: Some("https://r.example/login".into()),
        body: Vec::new(),
    })));
    assert!(
        error
            .to_string()
            .contains("redirect to https://r.example/login"),
        "{error}"
    );

    let error = login(&Recorder::default().raw(Err("connection refused".into())));
    assert!(matches!(error, ClientError::Connection { .. }));
    assert_eq!(
        format!("{:#}", anyhow::Error::new(error)),
        "request POST http://r.example/login failed: connection refused"
    );

    let error = login(&Recorder::default().raw(Ok(Answer {
        status: 200,
        location: None,
        body: b"{}".to_vec(),
    })));
    assert!(
        matches!(error, ClientError::UnexpectedAnswer { .. }),
        "{error}"
    );
}

#[test]
fn an_upload_is_checked_against_what_the_registry_stored() {
    let zip = big_zip();
    let mut other = zip.clone();
    other.push(0);
    let recorder = Recorder::answering([(200, uploaded_answer(&other))]);
    let client = RegistryClient::new(
        registry("http://r.example"),
        Auth::Token(Secret::new("t")),
        &recorder,
    );
    let error = client
        .upload(
            "http://r.example/upload/1",
            &mut Cursor::new(&zip),
            &mut |_| {},
        )
        .expect_err("digest differs");
    assert!(
        matches!(error, ClientError::DigestMismatch { .. }),
        "{error}"
    );
}

#[test]
fn an_https_registry_never_sends_credentials_to_a_plain_http_upload_url() {
    let recorder = Recorder::default();
    let client = RegistryClient::new(
        registry("https://r.example"),
        Auth::Token(Secret::new("t")),
        &recorder,
    );
    let error = client
        .upload(
            "http://r.example/upload/1",
            &mut Cursor::new(b"zip"),
            &mut |_| {},
        )
        .expect_err("refused");
    assert!(
        matches!(error, ClientError::InsecureUpload { .. }),
        "{error}"
    );
    assert!(recorder.sent.borrow().is_empty(), "nothing was sent");
}

#[test]
fn registry_urls_are_normalised_and_signed_paths_drop_the_query() {
    assert_eq!(registry("https://r.example/").as_str(), "https://r.example");
    assert_eq!(
        registry(" http://127.0.0.1:8080//").as_str(),
        "http://127.0.0.1:8080"
    );
    assert_eq!(
        registry("https://r.example/v1").endpoint("/login"),
        "https://r.example/v1/login"
    );
    for bad in [
        "r.example",
        "ftp://r.example",
        "https://",
        "https://u:p@r.example",
        "https://r?x",
    ] {
        assert!(RegistryUrl::parse(bad).is_err(), "{bad}");
    }
    assert_eq!(url_path("https://h:8080/upload/3f?x=1#y"), "/upload/3f");
    assert_eq!(url_path("https://h"), "/");
    assert_eq!(url_path("http://h/base/releases"), "/base/releases");
}

// ---------------------------------------------------------------------------------------
// The real HTTP transport and the binary, against a scripted server
// ---------------------------------------------------------------------------------------

/// A request as the scripted server read it off the socket.
#[derive(Debug, Clone)]
struct Received {
    method: String,
    path: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Received {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

type Script = Vec<Box<dyn Fn(&Received, u16) -> (u16, serde_json::Value) + Send>>;

/// An HTTP/1.1 server on a free port answering one request per connection from `script`
/// (each step gets the request and the port), honouring `Expect: 100-continue`. Returns
/// the base URL and a handle yielding what it received.
fn scripted_server(script: Script) -> (String, thread::JoinHandle<Vec<Received>>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let handle = thread::spawn(move || {
        let mut received = Vec::new();
        for step in script {
            let (stream, _) = listener.accept().expect("accept");
            stream
                .set_read_timeout(Some(Duration::from_secs(10)))
                .expect("timeout");
            let mut reader = BufReader::new(stream.try_clone().expect("clone"));
            let mut writer = stream;
            let mut line = String::new();
            reader.read_line(&mut line).expect("request line");
            let mut parts = line.split_whitespace();
            let method = parts.next().expect("method").to_owned();
            let path = parts.next().expect("path").to_owned();
            let mut headers = Vec::new();
            loop {
                line.clear();
                reader.read_line(&mut line).expect("header");
                let trimmed = line.trim_end();
                if trimmed.is_empty() {
                    break;
                }
                let (name, value) = trimmed.split_once(':').expect("header line");
                headers.push((name.trim().to_owned(), value.trim().to_owned()));
            }
            let mut request = Received {
                method,
                path,
                headers,
                body: Vec::new(),
            };
            if request
                .header("expect")
                .is_some_and(|v| v.eq_ignore_ascii_case("100-continue"))
            {
                writer
                    .write_all(b"HTTP/1.1 100 Continue\r\n\r\n")
                    .expect("100");
            }
            let length: usize = request
                .header("content-length")
                .expect("content-length is always set")
                .parse()
                .expect("number");
            request.body = vec![0; length];
            reader.read_exact(&mut request.body).expect("body");
            let (status, body) = step(&request, port);
            let body = serde_json::to_vec(&body).expect("json");
            write!(
                writer,
                "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
                 Connection: close\r\n\r\n",
                body.len()
            )
            .expect("answer");
            writer.write_all(&body).expect("answer body");
            received.push(request);
        }
        received
    });
    (format!("http://127.0.0.1:{port}"), handle)
}

/// Runs the `shelf` binary with its credentials in `config`, no ambient credentials, and
/// `stdin` piped in.
fn shelf(config: &Path, args: &[&str], stdin: &str) -> Output {
    common::typed(
        Command::new(env!("CARGO_BIN_EXE_shelf"))
            .args(args)
            .env("SHELF_CONFIG_DIR", config)
            .env_remove("SHELF_TOKEN")
            .env_remove("SHELF_API_KEY")
            .env_remove("SHELF_API_SECRET")
            .env_remove("SHELF_REGISTRY"),
        stdin,
    )
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn login_then_signed_publish_then_key_and_token_through_the_binary() {
    let config = tempfile::tempdir().expect("temp dir");
    let package = tempfile::tempdir().expect("temp dir");
    package_folder(package.path());
    let expected_zip = pack_folder(package.path(), PackOptions::default());

    let script: Script = vec![
        // login
        Box::new(|_, _| {
            (
                200,
                serde_json::json!({"token": "shelf_login", "expires": "2030-01-01T00:00:00Z"}),
            )
        }),
        // key create --save
        Box::new(|_, _| {
            (
                201,
                serde_json::json!({"key_id": "key1", "secret": "key secret", "name": "ci", "scopes": ["publish:*"], "expires": null}),
            )
        }),
        // token create
        Box::new(|_, _| {
            (
                201,
                serde_json::json!({"id": "t1", "token": "shelf_ci", "name": "ci", "scopes": ["publish:hello*"], "expires": "2030-01-01T00:00:00Z"}),
            )
        }),
        // publish: the release, then the upload
        Box::new(|_, port| {
            (
                201,
                release_answer(&format!("http://127.0.0.1:{port}/upload/3f2a")),
            )
        }),
        Box::new(|request, _| (200, uploaded_answer(&request.body))),
    ];
    let (url, server) = scripted_server(script);

    let out = shelf(
        config.path(),
        &[
            "login",
            "--registry",
            &format!("{url}/"),
            "--username",
            "ann",
        ],
        "pw word\n",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let out = shelf(
        config.path(),
        &[
            "key",
            "create",
            "--registry",
            &url,
            "--name",
            "ci",
            "--scope",
            "publish:*",
            "--save",
        ],
        "",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "SHELF_API_KEY=key1\nSHELF_API_SECRET=key secret\n"
    );
    let out = shelf(
        config.path(),
        &[
            "token",
            "create",
            "--registry",
            &url,
            "--name",
            "ci",
            "--scope",
            "publish:hello*",
            "--expires-in-days",
            "7",
        ],
        "",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "shelf_ci\n",
        "only the token on stdout"
    );
    let package_arg = package.path().to_str().expect("utf-8 path");
    let out = shelf(
        config.path(),
        &[
            "publish",
            package_arg,
            "--registry",
            &url,
            "--key-id",
            "key1",
        ],
        "",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    for line in [
        "http://r/hello/releases/tags/1.0.0",
        "http://r/hello/zipball/1.0.0",
        "http://r/hello/",
    ] {
        assert!(stdout.contains(line), "{stdout}");
    }

    let received = server.join().expect("server");
    let [login, key, token, release, upload] = received.as_slice() else {
        panic!("five requests: {received:?}");
    };
    assert_eq!(
        (login.method.as_str(), login.path.as_str()),
        ("POST", "/login")
    );
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&login.body).expect("json"),
        serde_json::json!({"username": "ann", "password": "pw word"}),
        "the password is the first line of stdin, spaces kept"
    );
    assert_eq!((key.method.as_str(), key.path.as_str()), ("POST", "/keys"));
    assert_eq!(key.header("authorization"), Some("Bearer shelf_login"));
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&key.body).expect("json"),
        serde_json::json!({"name": "ci", "scopes": ["publish:*"]}),
        "no lifetime given: the registry's default applies"
    );
    assert_eq!(
        (token.method.as_str(), token.path.as_str()),
        ("POST", "/tokens")
    );
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&token.body).expect("json")["expires_in_days"],
        7
    );
    assert_eq!(
        (release.method.as_str(), release.path.as_str()),
        ("POST", "/releases")
    );
    assert_eq!(
        (upload.method.as_str(), upload.path.as_str()),
        ("PUT", "/upload/3f2a")
    );
    assert_eq!(
        upload.body, expected_zip,
        "the deterministic zip of the folder"
    );
    assert_eq!(
        upload.header("content-length"),
        Some(expected_zip.len().to_string().as_str())
    );
    assert_eq!(upload.header("content-type"), Some("application/zip"));
    for request in [release, upload] {
        assert_eq!(request.header("x-api-key"), Some("key1"));
        assert_eq!(
            request.header("authorization"),
            None,
            "a signed request carries no token"
        );
        let mut signer = Signer::new(
            b"key secret",
            &request.method,
            &request.path,
            request.header("x-timestamp").expect("ts"),
            request.header("x-nonce").expect("nonce"),
        );
        signer.update(&request.body);
        assert!(
            signer.verify(request.header("x-signature").expect("sig")),
            "{}",
            request.path
        );
    }

    let stored = CredentialsFile::at(config.path().join("credentials.json"))
        .load()
        .expect("load");
    assert_eq!(
        stored.get(&url),
        Some(&RegistryCredentials {
            token: Some(Secret::new("shelf_login")),
            key_id: Some("key1".into()),
            key_secret: Some(Secret::new("key secret")),
        }),
        "stored under the URL without its trailing slash"
    );
}

#[test]
fn the_binary_refuses_early_and_names_the_problem() {
    let config = tempfile::tempdir().expect("temp dir");
    let package = tempfile::tempdir().expect("temp dir");
    package_folder(package.path());
    let package_arg = package.path().to_str().expect("utf-8 path");
    // Nothing listens on port 1: any request would fail with a connection error instead.
    let nowhere = "http://127.0.0.1:1";

    let out = shelf(
        config.path(),
        &["publish", package_arg, "--registry", nowhere],
        "",
    );
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains(
            "not logged in to http://127.0.0.1:1: run `shelf login --registry http://127.0.0.1:1`"
        ),
        "{}",
        stderr(&out)
    );

    let out = shelf(
        config.path(),
        &["publish", package_arg, "--registry", nowhere, "--dry-run"],
        "",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("hello@1.0.0"), "{}", stderr(&out));

    // Logged in, but the folder is not a package: the validator's message, no request.
    CredentialsFile::at(config.path().join("credentials.json"))
        .update(nowhere, |e| e.token = Some(Secret::new("shelf_x")))
        .expect("save");
    fs::remove_file(package.path().join("publish.yaml")).expect("remove");
    let out = shelf(
        config.path(),
        &["publish", package_arg, "--registry", nowhere],
        "",
    );
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("no publish.yaml at the root of the zip"),
        "{}",
        stderr(&out)
    );
    assert!(!stderr(&out).contains("request"), "{}", stderr(&out));

    // A connection failure names the URL.
    let out = shelf(
        config.path(),
        &["login", "--registry", nowhere, "--username", "ann"],
        "pw\n",
    );
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("request POST http://127.0.0.1:1/login failed"),
        "{}",
        stderr(&out)
    );
    let out = shelf(config.path(), &["login", "--registry", nowhere], "pw\n");
    assert!(stderr(&out).contains("--username"), "{}", stderr(&out));
}
