//! CDN purge hooks: after each write, tell a CDN which URL paths changed.
//!
//! Two hooks, either or both: a webhook (`--purge-url`) that receives
//! `{"paths": ["/hello/releases/latest", …]}` by POST, and a command (`--purge-command`,
//! run by `sh -c`) that receives the same paths on stdin, one per line. Paths are URL paths
//! relative to the site's base URL, with a leading slash. A hook runs after the write
//! happened and cannot undo it: its failures are retried, then logged, never returned.

use std::{
    collections::BTreeSet,
    io::Write,
    process::{Command, Stdio},
    thread,
    time::{Duration, Instant},
};

use crate::output::{Rules, layout::LIST_FILE};

/// How long one webhook request may take, connecting included.
const WEBHOOK_TIMEOUT: Duration = Duration::from_secs(10);

/// How long the purge command may run before it is killed.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(60);

/// How many times a hook is tried: once, then one retry after [`RETRY_PAUSE`].
const ATTEMPTS: u32 = 2;

/// The pause before a retry.
const RETRY_PAUSE: Duration = Duration::from_secs(1);

/// The configured purge hooks.
pub struct Purge {
    /// The webhook's URL and the HTTP client that calls it.
    webhook: Option<(String, ureq::Agent)>,
    /// Sent to the webhook as `Authorization: Bearer …` (`--purge-token`).
    token: Option<String>,
    /// The shell command.
    command: Option<String>,
    /// Which paths are documents that are also folders (requested without `index.json`).
    rules: Rules,
}

/// The body POSTed to the webhook.
#[derive(Debug, serde::Serialize)]
struct WebhookBody<'a> {
    /// The changed URL paths, each with a leading slash.
    paths: &'a [String],
}

impl Purge {
    /// The hooks asked for (`--purge-url`, `--purge-command`), if any.
    #[must_use]
    pub fn new(url: Option<String>, command: Option<String>, rules: Rules) -> Option<Self> {
        let url = url.filter(|u| !u.trim().is_empty());
        let command = command.filter(|c| !c.trim().is_empty());
        if url.is_none() && command.is_none() {
            return None;
        }
        let webhook = url.map(|url| {
            let agent: ureq::Agent = ureq::Agent::config_builder()
                .timeout_global(Some(WEBHOOK_TIMEOUT))
                .build()
                .into();
            (url, agent)
        });
        Some(Purge {
            webhook,
            token: None,
            command,
            rules,
        })
    }

    /// The hooks, the webhook called with `Authorization: Bearer {token}` (a CDN's purge
    /// API key, say).
    #[must_use]
    pub fn with_token(mut self, token: Option<String>) -> Self {
        self.token = token.filter(|t| !t.trim().is_empty());
        self
    }

    /// Tells the hooks which keys changed (the writer's keys; they are turned into URL
    /// paths with [`url_paths`]). Failures are logged.
    pub fn notify(&self, keys: &[&str]) {
        let paths = url_paths(keys, &self.rules);
        if paths.is_empty() {
            return;
        }
        if let Some((url, agent)) = &self.webhook {
            let token = self.token.as_deref();
            retrying("webhook", || post(agent, url, token, &paths));
        }
        if let Some(command) = &self.command {
            retrying("command", || run(command, &paths));
        }
    }
}

/// The URL paths a CDN caches for the changed `keys`, sorted and without duplicates.
///
/// A key is its logical path in the keys layout; in the dir layout a list document is stored
/// as `…/releases/index.json` but requested as `…/releases`, so both are given. A page
/// `…/index.html` is also requested as its folder (`/hello/`, `/`), so that is given too; so
/// is the path a file is requested at when its rules name one (an OCI manifest's folder).
#[must_use]
pub fn url_paths(keys: &[&str], rules: &Rules) -> Vec<String> {
    let mut paths = BTreeSet::new();
    for key in keys {
        let key = key.trim_start_matches('/');
        paths.insert(format!("/{key}"));
        if let Some(list) = key.strip_suffix(&format!("/{LIST_FILE}"))
            && rules.is_folder_document(list)
        {
            paths.insert(format!("/{list}"));
        }
        if let Some(folder) = key.strip_suffix("index.html")
            && (folder.is_empty() || folder.ends_with('/'))
        {
            paths.insert(format!("/{folder}"));
        }
        // A file requested at another path than its dir-layout name (an OCI manifest,
        // requested at its folder).
        if let Some(requested) = rules.object_key(key) {
            paths.insert(format!("/{requested}"));
        }
    }
    paths.into_iter().collect()
}

/// Runs `attempt` up to [`ATTEMPTS`] times, logging each failure.
fn retrying(hook: &str, mut attempt: impl FnMut() -> Result<(), String>) {
    for n in 1..=ATTEMPTS {
        match attempt() {
            Ok(()) => return,
            Err(error) if n < ATTEMPTS => {
                tracing::warn!(hook, attempt = n, %error, "CDN purge failed; retrying");
                thread::sleep(RETRY_PAUSE);
            }
            Err(error) => {
                tracing::warn!(hook, attempt = n, %error, "CDN purge failed; giving up");
            }
        }
    }
}

fn post(
    agent: &ureq::Agent,
    url: &str,
    token: Option<&str>,
    paths: &[String],
) -> Result<(), String> {
    let body = serde_json::to_vec(&WebhookBody { paths }).map_err(|e| e.to_string())?;
    let mut request = agent.post(url).header("Content-Type", "application/json");
    if let Some(token) = token {
        request = request.header("Authorization", format!("Bearer {token}"));
    }
    request
        .send(&body[..])
        .map(drop)
        .map_err(|e| format!("POST {url}: {e}"))
}

fn run(command: &str, paths: &[String]) -> Result<(), String> {
    // Output goes to shelf's stderr (where logs go), never into its stdout.
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(command)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("cannot run sh: {e}"))?;
    let mut input = String::new();
    for path in paths {
        input.push_str(path);
        input.push('\n');
    }
    if let Some(mut stdin) = child.stdin.take() {
        // A command that does not read its input may close it early; that is its choice.
        if let Err(e) = stdin.write_all(input.as_bytes()) {
            tracing::debug!(error = %e, "the purge command did not read all paths");
        }
    }
    let deadline = Instant::now() + COMMAND_TIMEOUT;
    loop {
        match child.try_wait() {
            Ok(Some(status)) if status.success() => return Ok(()),
            Ok(Some(status)) => return Err(format!("`{command}` exited with {status}")),
            Ok(None) if Instant::now() < deadline => thread::sleep(Duration::from_millis(20)),
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "`{command}` ran longer than {}s and was killed",
                    COMMAND_TIMEOUT.as_secs()
                ));
            }
            Err(e) => return Err(format!("waiting for `{command}`: {e}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::{
        io::{BufRead, BufReader, Read},
        net::TcpListener,
    };

    use super::*;
    use crate::output::{Class, PathRules, RegistryPaths};

    /// `…/releases` is a document and a folder, as a protocol could say.
    struct Lists;

    impl PathRules for Lists {
        fn class_of(&self, _: &str) -> Option<Class> {
            None
        }

        fn is_folder_document(&self, logical: &str) -> bool {
            logical.ends_with("/releases")
        }

        fn object_key(&self, logical: &str) -> Option<String> {
            let (folder, file) = logical.rsplit_once('/')?;
            file.ends_with(".typed").then(|| folder.to_owned())
        }
    }

    static RULES: Rules = Rules::new(&[&Lists, &RegistryPaths]);

    #[test]
    fn keys_become_the_paths_clients_request() {
        assert_eq!(
            url_paths(
                &[
                    "hello/releases/latest",
                    "hello/releases",
                    "hello/releases/index.json",
                    "hello/index.html",
                    "index.html",
                    "-/search.json",
                    "hello/releases/latest",
                ],
                &RULES
            ),
            [
                "/",
                "/-/search.json",
                "/hello/",
                "/hello/index.html",
                "/hello/releases",
                "/hello/releases/index.json",
                "/hello/releases/latest",
                "/index.html",
            ]
        );
        // Not a list document: no shortened path.
        assert_eq!(
            url_paths(&["-/assets/index.json"], &RULES),
            ["/-/assets/index.json"]
        );
        // A file requested at its folder (as an OCI manifest is).
        assert_eq!(
            url_paths(&["v2/app/manifests/latest/sha256:ab.typed"], &RULES),
            [
                "/v2/app/manifests/latest",
                "/v2/app/manifests/latest/sha256:ab.typed"
            ]
        );
    }

    #[test]
    fn no_hook_without_options() {
        assert!(Purge::new(None, Some(" ".into()), RULES).is_none());
    }

    #[test]
    fn the_command_gets_the_paths_on_stdin() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("paths");
        let command = format!("cat > '{}'", out.display());
        let purge = Purge::new(None, Some(command), RULES).expect("a hook");
        purge.notify(&["hello/releases/latest", "-/search.json"]);
        assert_eq!(
            std::fs::read_to_string(&out).expect("read"),
            "/-/search.json\n/hello/releases/latest\n"
        );
    }

    #[test]
    fn a_failing_command_does_not_panic() {
        Purge::new(None, Some("exit 3".into()), RULES)
            .expect("a hook")
            .notify(&["a"]);
    }

    #[test]
    fn the_webhook_gets_json_and_is_retried() {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!("http://{}/purge", listener.local_addr().expect("addr"));
        let server = thread::spawn(move || {
            let mut bodies = Vec::new();
            // The first request is refused with a 503, the retry accepted.
            for status in ["503 Service Unavailable", "200 OK"] {
                let (stream, _) = listener.accept().expect("accept");
                let mut reader = BufReader::new(stream);
                let (mut length, mut authorization) = (0, String::new());
                loop {
                    let mut line = String::new();
                    reader.read_line(&mut line).expect("header");
                    if line == "\r\n" {
                        break;
                    }
                    if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                        length = v.trim().parse().expect("length");
                    }
                    if line.to_ascii_lowercase().starts_with("authorization:") {
                        authorization = line["authorization:".len()..].trim().to_owned();
                    }
                }
                let mut body = vec![0; length];
                reader.read_exact(&mut body).expect("body");
                bodies.push((authorization, String::from_utf8(body).expect("utf-8")));
                let mut stream = reader.into_inner();
                write!(stream, "HTTP/1.1 {status}\r\nContent-Length: 0\r\n\r\n").expect("answer");
            }
            bodies
        });
        Purge::new(Some(url), None, RULES)
            .expect("a hook")
            .with_token(Some("cdn-key".into()))
            .notify(&["hello/releases/latest"]);
        let bodies = server.join().expect("server");
        assert_eq!(bodies.len(), 2);
        for (authorization, body) in bodies {
            assert_eq!(authorization, "Bearer cdn-key");
            assert_eq!(body, r#"{"paths":["/hello/releases/latest"]}"#);
        }
    }
}
