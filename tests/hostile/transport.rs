//! Hostile HTTP against a real `shelf serve` over TCP, where the transport matters: bodies
//! shorter than they announced, chunked bodies cut off, lengths that lie or conflict, NUL and
//! control bytes where the parser meets them, oversized heads. The server must answer 4xx or
//! drop the connection — never publish what it did not wholly receive — and change nothing.

use std::{
    io::{ErrorKind, Read, Write},
    net::{Shutdown, TcpStream},
    time::Duration,
};

use serde_json::json;
use shelf::serverless::package::testing::ZipBuilder;

use crate::common::{
    Fixture,
    server::{Server, agent, shelf_serve},
    snapshot::{Snapshot, leftovers},
};

const PASSWORD: &str = "a long enough password";

/// How the server reacted.
#[derive(Debug)]
enum Outcome {
    /// A response: status and body.
    Answered {
        status: u16,
        json: bool,
        body: Vec<u8>,
    },
    /// The connection closed (or was reset) with no response.
    Dropped,
}

/// One raw exchange.
struct Exchange {
    name: &'static str,
    bytes: Vec<u8>,
    /// Shut down our sending side after the bytes, so the server sees the body end early.
    close: bool,
}

fn exchange(name: &'static str, bytes: Vec<u8>, close: bool) -> Exchange {
    Exchange { name, bytes, close }
}

fn send(address: &str, exchange: &Exchange) -> Outcome {
    let mut stream = TcpStream::connect(address).expect("connect to shelf serve");
    // Not a timing assertion: a server waiting forever turns into a failure with a message.
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .expect("read timeout");
    // The server may answer and close before it has read everything; that is an answer too.
    let _ = stream.write_all(&exchange.bytes);
    if exchange.close {
        let _ = stream.shutdown(Shutdown::Write);
    }
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 16 * 1024];
    loop {
        if let Some(outcome) = parse(&buffer) {
            return outcome;
        }
        match stream.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => buffer.extend_from_slice(&chunk[..n]),
            Err(e) if matches!(e.kind(), ErrorKind::ConnectionReset | ErrorKind::BrokenPipe) => {
                break;
            }
            Err(e) => panic!("{}: no answer and no close: {e}", exchange.name),
        }
    }
    parse(&buffer).unwrap_or_else(|| {
        assert!(
            buffer.is_empty(),
            "{}: a torn response: {:?}",
            exchange.name,
            String::from_utf8_lossy(&buffer)
        );
        Outcome::Dropped
    })
}

/// A whole response in `buffer`, if there is one (heads and `Content-Length` bodies only:
/// that is all this server sends to a refused request).
fn parse(buffer: &[u8]) -> Option<Outcome> {
    let end = buffer.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(&buffer[..end]).to_ascii_lowercase();
    let status = head.split(' ').nth(1)?.parse().ok()?;
    let header = |name: &str| {
        head.lines()
            .find_map(|l| l.strip_prefix(name).map(|v| v.trim().to_owned()))
    };
    let length: usize = header("content-length:").map_or(0, |v| v.parse().unwrap_or(0));
    let body = buffer.get(end + 4..end + 4 + length)?.to_vec();
    let json = header("content-type:").is_some_and(|v| v.starts_with("application/json"));
    Some(Outcome::Answered { status, json, body })
}

fn head(method: &str, path: &str, host: &str, token: &str, extra: &str) -> String {
    format!(
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\n{extra}\r\n"
    )
}

fn with_body(head: String, body: &[u8]) -> Vec<u8> {
    [head.as_bytes(), body].concat()
}

fn chunked(data: &[u8], size_line: &str, terminate: bool) -> Vec<u8> {
    let mut out = format!("{size_line}\r\n").into_bytes();
    out.extend_from_slice(data);
    out.extend_from_slice(b"\r\n");
    if terminate {
        out.extend_from_slice(b"0\r\n\r\n");
    }
    out
}

fn catalogue(host: &str, token: &str, upload: &str) -> Vec<Exchange> {
    let zip = ZipBuilder::package("victim", "1.0.0").build();
    let len = zip.len();
    let put = |extra: &str| head("PUT", upload, host, token, extra);
    let ct = "Content-Type: application/zip\r\n";
    let release = json!({ "name": "victim2", "version": "1.0.0" }).to_string();
    let mut form =
        b"--B\r\nContent-Disposition: form-data; name=\"package\"; filename=\"p.zip\"\r\n\r\n"
            .to_vec();
    form.extend_from_slice(&zip);
    form.extend_from_slice(b"\r\n--B--\r\n");
    let half_form = form[..form.len() / 2].to_vec();
    vec![
        exchange(
            "the whole zip, announced 100 bytes longer, then closed",
            with_body(put(&format!("{ct}Content-Length: {}\r\n", len + 100)), &zip),
            true,
        ),
        exchange(
            "half the zip, announced whole, then closed",
            with_body(
                put(&format!("{ct}Content-Length: {len}\r\n")),
                &zip[..len / 2],
            ),
            true,
        ),
        exchange(
            "all but the last byte, then closed",
            with_body(
                put(&format!("{ct}Content-Length: {len}\r\n")),
                &zip[..len - 1],
            ),
            true,
        ),
        exchange(
            "the whole zip in one chunk, no last chunk, then closed",
            with_body(
                put(&format!("{ct}Transfer-Encoding: chunked\r\n")),
                &chunked(&zip, &format!("{len:x}"), false),
            ),
            true,
        ),
        exchange(
            "a chunk announcing more than it holds, then closed",
            with_body(
                put(&format!("{ct}Transfer-Encoding: chunked\r\n")),
                &[format!("{:x}\r\n", len + 4096).as_bytes(), &zip].concat(),
            ),
            true,
        ),
        exchange(
            "a chunk size that is not hex",
            with_body(
                put(&format!("{ct}Transfer-Encoding: chunked\r\n")),
                &chunked(&zip, "zz", true),
            ),
            true,
        ),
        // hyper follows RFC 9112 section 6.3 here: Transfer-Encoding wins, the Content-Length
        // is dropped before the handler sees it, and the connection is closed after the
        // answer. So a *whole* chunked body with a stray length is a complete upload; a cut
        // one must still change nothing.
        exchange(
            "chunked and a Content-Length of the whole zip, the chunks cut off",
            with_body(
                put(&format!(
                    "{ct}Transfer-Encoding: chunked\r\nContent-Length: {len}\r\n"
                )),
                &chunked(&zip, &format!("{len:x}"), false),
            ),
            true,
        ),
        exchange(
            "a Content-Length shorter than the zip",
            with_body(put(&format!("{ct}Content-Length: {}\r\n", len - 100)), &zip),
            true,
        ),
        exchange(
            "a Content-Length that is not a number",
            with_body(put(&format!("{ct}Content-Length: abc\r\n")), &zip),
            true,
        ),
        exchange(
            "two Content-Lengths",
            with_body(
                put(&format!(
                    "{ct}Content-Length: {len}\r\nContent-Length: {}\r\n",
                    len + 1
                )),
                &zip,
            ),
            true,
        ),
        exchange(
            "a Content-Length past u64",
            with_body(
                put(&format!("{ct}Content-Length: 18446744073709551616\r\n")),
                &zip,
            ),
            true,
        ),
        exchange(
            "a form cut off in the middle of the zip, then closed",
            with_body(
                put(&format!(
                    "Content-Type: multipart/form-data; boundary=B\r\nContent-Length: {}\r\n",
                    form.len()
                ))
                .replacen("PUT", "POST", 1),
                &half_form,
            ),
            true,
        ),
        exchange(
            "a release announced 100 bytes longer than sent, then closed",
            with_body(
                head(
                    "POST",
                    "/releases",
                    host,
                    token,
                    &format!(
                        "Content-Type: application/json\r\nContent-Length: {}\r\n",
                        release.len() + 100
                    ),
                ),
                release.as_bytes(),
            ),
            true,
        ),
        exchange(
            "a raw NUL in the path",
            with_body(
                put(&format!("{ct}Content-Length: {len}\r\n")).replacen(
                    upload,
                    &format!("{upload}\0"),
                    1,
                ),
                &zip,
            ),
            true,
        ),
        exchange(
            "a raw NUL in a header value",
            with_body(
                put(&format!("{ct}X-Junk: a\0b\r\nContent-Length: {len}\r\n")),
                &zip,
            ),
            true,
        ),
        exchange(
            "a raw NUL in the token",
            with_body(
                put(&format!("{ct}Content-Length: {len}\r\n")).replacen(
                    token,
                    &format!("{token}\0"),
                    1,
                ),
                &zip,
            ),
            true,
        ),
        exchange(
            "a control character in a header name",
            with_body(
                put(&format!("{ct}X-\u{1}Junk: a\r\nContent-Length: {len}\r\n")),
                &zip,
            ),
            true,
        ),
        exchange(
            "a folded header line",
            with_body(
                put(&format!("{ct}X-Junk: a\r\n b\r\nContent-Length: {len}\r\n")),
                &zip,
            ),
            true,
        ),
        exchange(
            "a 1 MiB header",
            with_body(
                put(&format!(
                    "{ct}X-Junk: {}\r\nContent-Length: {len}\r\n",
                    "j".repeat(1 << 20)
                )),
                &zip,
            ),
            true,
        ),
        exchange(
            "500 headers",
            with_body(
                put(&format!(
                    "{ct}{}Content-Length: {len}\r\n",
                    (0..500)
                        .map(|i| format!("X-Junk-{i}: j\r\n"))
                        .collect::<String>()
                )),
                &zip,
            ),
            true,
        ),
        exchange(
            "a 1 MiB request line",
            with_body(
                put(&format!("{ct}Content-Length: {len}\r\n")).replacen(
                    upload,
                    &format!("{upload}?{}", "q".repeat(1 << 20)),
                    1,
                ),
                &zip,
            ),
            true,
        ),
        exchange(
            "an HTTP/1.0 upload with no length",
            with_body(put(ct).replacen("HTTP/1.1", "HTTP/1.0", 1), &zip),
            true,
        ),
        exchange(
            "not HTTP at all",
            b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 TLS hello".to_vec(),
            true,
        ),
    ]
}

fn login(base: &str) -> String {
    let body = json!({ "username": "alice", "password": PASSWORD }).to_string();
    let mut response = agent()
        .post(&format!("{base}/login"))
        .header("Content-Type", "application/json")
        .send(body.as_str())
        .expect("POST /login");
    assert_eq!(response.status().as_u16(), 200, "login");
    let body: serde_json::Value =
        serde_json::from_slice(&response.body_mut().read_to_vec().expect("body")).expect("json");
    body["token"].as_str().expect("token").to_owned()
}

/// Announces `name@version`; returns the upload URL's path.
fn announce(base: &str, token: &str, name: &str, version: &str) -> String {
    let body = json!({ "name": name, "version": version }).to_string();
    let mut response = agent()
        .post(&format!("{base}/releases"))
        .header("Authorization", &format!("Bearer {token}"))
        .header("Content-Type", "application/json")
        .send(body.as_str())
        .expect("POST /releases");
    assert_eq!(response.status().as_u16(), 201, "announce {name}@{version}");
    let body: serde_json::Value =
        serde_json::from_slice(&response.body_mut().read_to_vec().expect("body")).expect("json");
    let url = body["upload_url"].as_str().expect("upload_url");
    url.strip_prefix(base)
        .expect("upload URL on this server")
        .to_owned()
}

fn upload(base: &str, token: &str, path: &str, zip: Vec<u8>) -> u16 {
    agent()
        .put(&format!("{base}{path}"))
        .header("Authorization", &format!("Bearer {token}"))
        .header("Content-Type", "application/zip")
        .send(&zip[..])
        .expect("PUT the zip")
        .status()
        .as_u16()
}

pub fn run() {
    let fx = Fixture::new();
    fx.shelf_typed(
        &["user", "add", "alice", "--email", "alice@example.com"],
        &format!("{PASSWORD}\n"),
    );
    let server = Server::shelf(&mut shelf_serve(&fx.data(), &["--listen", "127.0.0.1:0"]));
    let base = server.base.clone();
    let host = base.strip_prefix("http://").expect("http base").to_owned();
    let token = login(&base);
    let first = announce(&base, &token, "hello", "1.0.0");
    assert_eq!(
        upload(
            &base,
            &token,
            &first,
            ZipBuilder::package("hello", "1.0.0").build()
        ),
        200
    );
    let path = announce(&base, &token, "victim", "1.0.0");

    let before = Snapshot::take(&fx.data());
    let mut failures = Vec::new();
    let exchanges = catalogue(&host, &token, &path);
    for exchange in &exchanges {
        match send(&host, exchange) {
            Outcome::Dropped => {}
            Outcome::Answered { status, json, body } => {
                let text = String::from_utf8_lossy(&body);
                if !(400..500).contains(&status) {
                    failures.push(format!("{}: status {status}: {text}", exchange.name));
                } else if json {
                    let error = serde_json::from_slice::<serde_json::Value>(&body)
                        .ok()
                        .and_then(|v| v["error"].as_str().map(str::to_owned));
                    if error.is_none() {
                        failures.push(format!(
                            "{}: not the JSON error shape: {text}",
                            exchange.name
                        ));
                    }
                }
                eprintln!("{}: {status} {text}", exchange.name);
            }
        }
        before.assert_unchanged(&fx.data(), exchange.name);
    }
    assert!(
        failures.is_empty(),
        "{} of {} exchanges were answered wrongly:\n{}",
        failures.len(),
        exchanges.len(),
        failures.join("\n")
    );

    // Still healthy, and the upload URL every cut-off zip was aimed at still works.
    assert_eq!(
        upload(
            &base,
            &token,
            &path,
            ZipBuilder::package("victim", "1.0.0").build()
        ),
        200
    );
    // Once the writer has written what it derives after its answer (its temporary files
    // among them).
    crate::common::settled(&fx.data());
    assert!(leftovers(&fx.data()).is_empty());
    let mut latest = agent()
        .get(&format!("{base}/victim/releases/latest"))
        .call()
        .expect("GET latest");
    let latest: serde_json::Value =
        serde_json::from_slice(&latest.body_mut().read_to_vec().expect("body")).expect("json");
    assert_eq!(latest["tag_name"], "1.0.0");
}
