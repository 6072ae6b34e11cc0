//! OCI's side, written in Rust: image layouts on disk (what `skopeo copy oci:…` reads, with
//! real gzipped tar layers), the real `skopeo`, and raw requests of the distribution API
//! (token, blob upload, manifest put) for the tests of what no client sends.

use std::{
    fs,
    io::Write as _,
    path::Path,
    process::{Command, Output},
};

use flate2::{Compression, write::GzEncoder};
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};

use super::Rng;

/// An OCI image manifest's media type.
pub const MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
/// An OCI image index's media type.
pub const INDEX: &str = "application/vnd.oci.image.index.v1+json";
/// A gzipped layer.
pub const LAYER: &str = "application/vnd.oci.image.layer.v1.tar+gzip";
/// An image config.
pub const CONFIG: &str = "application/vnd.oci.image.config.v1+json";

/// `sha256:` and the hex SHA-256 of `bytes`.
pub fn digest(bytes: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(bytes)))
}

/// An OCI image layout being written in a folder.
pub struct Layout {
    dir: std::path::PathBuf,
    refs: Vec<Value>,
}

/// What a blob written to a layout is.
#[derive(Debug, Clone)]
pub struct Written {
    /// Its descriptor (`mediaType`, `digest`, `size`).
    pub descriptor: Value,
    /// Its digest.
    pub digest: String,
}

impl Layout {
    /// A new, empty layout at `dir`.
    pub fn new(dir: &Path) -> Layout {
        fs::create_dir_all(dir.join("blobs/sha256")).expect("mkdir");
        fs::write(dir.join("oci-layout"), r#"{"imageLayoutVersion":"1.0.0"}"#).expect("write");
        Layout {
            dir: dir.to_owned(),
            refs: Vec::new(),
        }
    }

    /// Writes a blob of type `media_type`.
    pub fn blob(&mut self, media_type: &str, bytes: &[u8]) -> Written {
        let digest = digest(bytes);
        let hex = digest.trim_start_matches("sha256:");
        fs::write(self.dir.join("blobs/sha256").join(hex), bytes).expect("write blob");
        Written {
            descriptor: json!({"mediaType": media_type, "digest": digest, "size": bytes.len()}),
            digest,
        }
    }

    /// A single-platform image of `layers` gzipped tar layers of about `layer_size` bytes
    /// each (random, so they do not compress), for `arch`; returns its manifest.
    pub fn image(
        &mut self,
        rng: &mut Rng,
        layers: usize,
        layer_size: usize,
        arch: &str,
    ) -> Written {
        let mut descriptors = Vec::new();
        let mut diff_ids = Vec::new();
        for n in 0..layers {
            let data = rng.bytes(layer_size);
            let mut tar = tar::Builder::new(Vec::new());
            let mut header = tar::Header::new_gnu();
            header.set_size(data.len() as u64);
            header.set_mode(0o644);
            header.set_cksum();
            tar.append_data(&mut header, format!("layer{n}/data.bin"), &data[..])
                .expect("tar");
            let tar = tar.into_inner().expect("tar");
            diff_ids.push(digest(&tar));
            let mut gz = GzEncoder::new(Vec::new(), Compression::fast());
            gz.write_all(&tar).expect("gzip");
            let gz = gz.finish().expect("gzip");
            descriptors.push(self.blob(LAYER, &gz).descriptor);
        }
        let config = json!({
            "architecture": arch, "os": "linux",
            "rootfs": {"type": "layers", "diff_ids": diff_ids}, "config": {}
        });
        let config = self.blob(CONFIG, config.to_string().as_bytes());
        let manifest = json!({
            "schemaVersion": 2, "mediaType": MANIFEST,
            "config": config.descriptor, "layers": descriptors,
            "annotations": {"org.opencontainers.image.description": "A test image"}
        });
        self.blob(MANIFEST, manifest.to_string().as_bytes())
    }

    /// An index of `images` (descriptor, architecture).
    pub fn index(&mut self, images: &[(&Written, &str)]) -> Written {
        let manifests: Vec<Value> = images
            .iter()
            .map(|(w, arch)| {
                let mut d = w.descriptor.clone();
                d["platform"] = json!({"os": "linux", "architecture": arch});
                d
            })
            .collect();
        let index = json!({"schemaVersion": 2, "mediaType": INDEX, "manifests": manifests});
        self.blob(INDEX, index.to_string().as_bytes())
    }

    /// Names `written` `tag` in the layout's `index.json`.
    pub fn tag(&mut self, written: &Written, tag: &str) {
        let mut d = written.descriptor.clone();
        d["annotations"] = json!({"org.opencontainers.image.ref.name": tag});
        self.refs.push(d);
        let index = json!({"schemaVersion": 2, "mediaType": INDEX, "manifests": self.refs});
        fs::write(self.dir.join("index.json"), index.to_string()).expect("write index.json");
    }
}

/// The digests of every blob in the layout at `dir`, sorted.
pub fn layout_blobs(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir.join("blobs/sha256"))
        .expect("read blobs")
        .map(|e| format!("sha256:{}", e.expect("entry").file_name().to_string_lossy()))
        .collect();
    names.sort();
    names
}

/// Runs `skopeo ARGS…` with its own auth file under `home` (no user's credentials leak
/// in). Fails naming the install command when skopeo is missing.
pub fn skopeo(home: &Path, args: &[&str]) -> Output {
    Command::new("skopeo")
        .args(args)
        .env("REGISTRY_AUTH_FILE", home.join("auth.json"))
        .env("HOME", home)
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run skopeo ({e}); install it with `apt-get install -y skopeo`")
        })
}

/// [`skopeo`] that must succeed; its stdout.
pub fn skopeo_ok(home: &Path, args: &[&str]) -> String {
    let out = skopeo(home, args);
    assert!(
        out.status.success(),
        "skopeo {args:?} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A bearer token for `scope` (`repository:NAME:pull,push`) from the token endpoint, with
/// Basic credentials `user:secret` (anonymous without).
pub fn token(base: &str, credentials: Option<(&str, &str)>, scope: &str) -> String {
    use base64::Engine as _;
    let agent = super::server::agent();
    let url = format!("{base}/v2/token?service=shelf&scope={scope}");
    let mut request = agent.get(&url);
    if let Some((user, secret)) = credentials {
        let basic = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{secret}"));
        request = request.header("Authorization", &format!("Basic {basic}"));
    }
    let mut response = request.call().expect("token request");
    assert_eq!(response.status().as_u16(), 200, "token for {scope}");
    let body: Value =
        serde_json::from_slice(&response.body_mut().read_to_vec().expect("body")).expect("json");
    // Docker's names and OAuth 2's, both.
    assert_eq!(body["token"], body["access_token"], "{body}");
    assert!(body["expires_in"].as_u64().is_some_and(|s| s > 0), "{body}");
    assert!(
        body["issued_at"].as_str().is_some_and(|t| t.ends_with('Z')),
        "{body}"
    );
    body["token"].as_str().expect("token").to_owned()
}

/// What a request came to: status, the first error's code, the headers asked for.
pub struct Answer {
    /// The status.
    pub status: u16,
    /// The first error's code.
    pub code: String,
    /// `Location`.
    pub location: String,
    /// `Range`.
    pub range: String,
    /// `WWW-Authenticate`.
    pub challenge: String,
    /// `Docker-Distribution-API-Version`.
    pub api_version: String,
    /// The first error's message.
    pub message: String,
}

pub fn answer(response: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Answer {
    let mut response = response.expect("an answer");
    let header = super::server::header_of;
    let (location, range, challenge, api_version) = (
        header(&response, "location"),
        header(&response, "range"),
        header(&response, "www-authenticate"),
        header(&response, "docker-distribution-api-version"),
    );
    let status = response.status().as_u16();
    let body = response.body_mut().read_to_vec().unwrap_or_default();
    let error = |field: &str| {
        serde_json::from_slice::<Value>(&body)
            .ok()
            .and_then(|v| v["errors"][0][field].as_str().map(str::to_owned))
            .unwrap_or_default()
    };
    let (code, message) = (error("code"), error("message"));
    Answer {
        status,
        code,
        message,
        location,
        range,
        challenge,
        api_version,
    }
}

/// The distribution API of a server, called with one bearer token.
pub struct Api {
    /// `http://HOST:PORT`.
    pub base: String,
    /// The token.
    pub bearer: String,
}

impl Api {
    /// The API as `user` (signed up with [`super::sign_up`]'s password), with a token for
    /// `scope` (`repository:NAME:pull,push`).
    pub fn signed_in(base: &str, user: &str, scope: &str) -> Api {
        Api {
            base: base.to_owned(),
            bearer: token(base, Some((user, "a long enough password")), scope),
        }
    }
    pub fn url(&self, path: &str) -> String {
        if path.starts_with("http") {
            path.to_owned()
        } else {
            format!("{}{path}", self.base)
        }
    }
    pub fn auth(&self) -> String {
        format!("Bearer {}", self.bearer)
    }
    pub fn post(&self, path: &str) -> Answer {
        answer(
            super::server::agent()
                .post(&self.url(path))
                .header("Authorization", &self.auth())
                .send_empty(),
        )
    }
    pub fn post_bytes(&self, path: &str, body: &[u8]) -> Answer {
        answer(
            super::server::agent()
                .post(&self.url(path))
                .header("Authorization", &self.auth())
                .content_type("application/octet-stream")
                .send(body),
        )
    }
    pub fn put(&self, path: &str, content_type: &str, body: &[u8]) -> Answer {
        answer(
            super::server::agent()
                .put(&self.url(path))
                .header("Authorization", &self.auth())
                .content_type(content_type)
                .send(body),
        )
    }
    pub fn patch(&self, path: &str, range: Option<&str>, body: &[u8]) -> Answer {
        let mut request = super::server::agent()
            .patch(&self.url(path))
            .header("Authorization", &self.auth())
            .content_type("application/octet-stream");
        if let Some(range) = range {
            request = request.header("Content-Range", range);
        }
        answer(request.send(body))
    }
    pub fn head(&self, path: &str) -> Answer {
        answer(
            super::server::agent()
                .head(&self.url(path))
                .header("Authorization", &self.auth())
                .call(),
        )
    }
    pub fn get(&self, path: &str) -> Answer {
        answer(
            super::server::agent()
                .get(&self.url(path))
                .header("Authorization", &self.auth())
                .call(),
        )
    }
    pub fn delete(&self, path: &str) -> Answer {
        answer(
            super::server::agent()
                .delete(&self.url(path))
                .header("Authorization", &self.auth())
                .call(),
        )
    }

    /// A `PUT` (a `POST` for an upload's path) of `path` that announces `length` bytes and
    /// sends none; the raw answer.
    pub fn headers_only(&self, path: &str, length: usize) -> String {
        use std::io::{Read as _, Write as _};
        let host = self.base.trim_start_matches("http://");
        let mut stream = std::net::TcpStream::connect(host).expect("connect");
        let method = if path.contains("/blobs/uploads/") {
            "POST"
        } else {
            "PUT"
        };
        let request = format!(
            "{method} {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: {}\r\n\
             Content-Type: {MANIFEST}\r\nContent-Length: {length}\r\nConnection: close\r\n\r\n",
            self.auth()
        );
        stream.write_all(request.as_bytes()).expect("send");
        let mut answer = String::new();
        let _ = stream.read_to_string(&mut answer);
        answer
    }

    /// Uploads `bytes` as one blob (POST, then PUT with the bytes).
    pub fn blob(&self, name: &str, bytes: &[u8]) -> String {
        let started = self.post(&format!("/v2/{name}/blobs/uploads/"));
        assert_eq!(started.status, 202);
        let d = digest(bytes);
        let done = self.finish_upload(&started.location, &d, bytes);
        assert_eq!(done.status, 201, "{}", done.code);
        d
    }

    /// `PUT {location}?digest=…` with the upload's last bytes (`bytes`, maybe none).
    pub fn finish_upload(&self, location: &str, digest: &str, bytes: &[u8]) -> Answer {
        let sep = if location.contains('?') { '&' } else { '?' };
        self.put(
            &format!("{location}{sep}digest={digest}"),
            "application/octet-stream",
            bytes,
        )
    }

    /// Pushes an image of `layers` (and a config) to `name:tag` as a client does: each blob
    /// is asked for first (`HEAD`) and uploaded only when missing. The manifest names
    /// `name:tag` in an annotation, so no two pushes make the same manifest. Its status and
    /// digest.
    pub fn push_image(&self, name: &str, tag: &str, layers: &[Vec<u8>]) -> (u16, String) {
        let mut descriptors = Vec::new();
        let config = b"{}".to_vec();
        for (media_type, bytes) in
            std::iter::once((CONFIG, &config)).chain(layers.iter().map(|l| (LAYER, l)))
        {
            let d = digest(bytes);
            if self.head(&format!("/v2/{name}/blobs/{d}")).status != 200 {
                self.blob(name, bytes);
            }
            descriptors.push(json!({"mediaType": media_type, "digest": d, "size": bytes.len()}));
        }
        let manifest = json!({
            "schemaVersion": 2, "mediaType": MANIFEST,
            "config": descriptors[0], "layers": descriptors[1..],
            "annotations": {"org.example.pushed-as": format!("{name}:{tag}")}
        })
        .to_string()
        .into_bytes();
        let answer = self.put(&format!("/v2/{name}/manifests/{tag}"), MANIFEST, &manifest);
        (answer.status, digest(&manifest))
    }
}
