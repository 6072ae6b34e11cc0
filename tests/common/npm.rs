//! npm's side of a publish, written in Rust: tarballs made with the `tar` crate and gzip
//! (as `npm pack` makes them, or hostile), and the publish document `npm publish` sends
//! (libnpmpublish's shape: one version, its `dist` digests, the tarball as a base64
//! attachment).

use std::io::{Read, Write as _};

use base64::{Engine as _, engine::general_purpose::STANDARD};
use flate2::{Compression, write::GzEncoder};
use serde_json::{Value, json};
use sha1::Sha1;
use sha2::{Digest as _, Sha512};
use tar::{EntryType, Header};

/// `package.json` for `name@version`.
pub fn manifest(name: &str, version: &str) -> Value {
    json!({
        "name": name,
        "version": version,
        "description": format!("{name} for tests"),
        "main": "index.js",
        "license": "MIT",
    })
}

/// A tarball being built: tar entries in order, gzipped as they are appended, so that
/// an entry of a gigabyte of zeros costs a megabyte.
pub struct Tgz {
    builder: tar::Builder<GzEncoder<Vec<u8>>>,
}

impl Tgz {
    /// An empty tarball.
    pub fn new() -> Tgz {
        Tgz {
            builder: tar::Builder::new(GzEncoder::new(Vec::new(), Compression::best())),
        }
    }

    /// What `npm pack` makes of `name@version`: `package/package.json`, `package/index.js`
    /// and a readme.
    pub fn package(name: &str, version: &str) -> Tgz {
        Tgz::package_with(&manifest(name, version))
    }

    /// `npm pack` of a package whose `package.json` is `manifest`.
    pub fn package_with(manifest: &Value) -> Tgz {
        let name = manifest["name"].as_str().unwrap_or_default();
        Tgz::new()
            .file("package/package.json", manifest.to_string())
            .file("package/index.js", "module.exports = 42;\n")
            .file("package/README.md", format!("# {name}\n"))
    }

    /// A regular file at `path` (a well-formed path: the tar crate checks it).
    pub fn file(mut self, path: &str, data: impl AsRef<[u8]>) -> Tgz {
        let data = data.as_ref();
        let mut header = Header::new_gnu();
        header.set_path(path).expect("a well-formed path");
        header.set_size(data.len() as u64);
        header.set_mode(0o644);
        header.set_mtime(0);
        header.set_entry_type(EntryType::Regular);
        header.set_cksum();
        self.builder.append(&header, data).expect("append");
        self
    }

    /// An entry exactly as `header` says, with `data` (see [`raw_header`]).
    pub fn raw(mut self, header: &Header, data: &[u8]) -> Tgz {
        self.builder.append(header, data).expect("append");
        self
    }

    /// A regular file of `size` zero bytes, streamed in: a gigabyte costs no memory.
    pub fn zeros(mut self, path: &str, size: u64) -> Tgz {
        let mut header = Header::new_gnu();
        header.set_path(path).expect("a well-formed path");
        header.set_size(size);
        header.set_mode(0o644);
        header.set_entry_type(EntryType::Regular);
        header.set_cksum();
        self.builder
            .append(&header, std::io::repeat(0).take(size))
            .expect("append");
        self
    }

    /// The tar, gzipped.
    pub fn build(self) -> Vec<u8> {
        let gz = self.builder.into_inner().expect("finish the tar");
        gz.finish().expect("finish the gzip stream")
    }
}

impl Default for Tgz {
    fn default() -> Self {
        Tgz::new()
    }
}

/// `bytes`, gzipped.
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut gz = GzEncoder::new(Vec::new(), Compression::default());
    gz.write_all(bytes).expect("gzip");
    gz.finish().expect("gzip")
}

/// A header of type `kind` whose name is the raw bytes `name`, which the tar crate's own
/// setters would refuse (`..`, absolute paths), and whose link target is `link`.
pub fn raw_header(kind: EntryType, name: &[u8], link: &[u8], size: u64) -> Header {
    let mut header = Header::new_gnu();
    header.set_size(size);
    header.set_mode(0o644);
    header.set_entry_type(kind);
    let old = header.as_old_mut();
    old.name.fill(0);
    old.name[..name.len()].copy_from_slice(name);
    old.linkname.fill(0);
    old.linkname[..link.len()].copy_from_slice(link);
    header.set_cksum();
    header
}

/// A gzip bomb: a valid package whose `package/zeros.bin` is `size` zero bytes, deflated
/// about 1000:1 while it is generated, so the tarball stays small however large `size`.
pub fn gzip_bomb(name: &str, version: &str, size: u64) -> Vec<u8> {
    Tgz::package(name, version)
        .zeros("package/zeros.bin", size)
        .build()
}

/// npm's `dist.integrity` of `bytes`: `sha512-` and the base64 SHA-512.
pub fn integrity(bytes: &[u8]) -> String {
    format!("sha512-{}", STANDARD.encode(Sha512::digest(bytes)))
}

/// npm's `dist.shasum` of `bytes`: hex SHA-1.
pub fn shasum(bytes: &[u8]) -> String {
    hex::encode(Sha1::digest(bytes))
}

/// The attachment's name: `{name}-{version}.tgz`, with the full (scoped) name.
pub fn attachment_name(name: &str, version: &str) -> String {
    format!("{name}-{version}.tgz")
}

/// The document `npm publish` sends for `name@version` with `tarball` (under `tag`), as
/// libnpmpublish builds it: the manifest with `_id` and `dist` as the only version, the tag
/// pointing at it, the tarball base64-encoded in `_attachments`.
pub fn document(name: &str, version: &str, tag: &str, tarball: &[u8]) -> Value {
    document_with(&manifest(name, version), tag, tarball)
}

/// [`document`] for a version whose manifest is `manifest`.
pub fn document_with(manifest: &Value, tag: &str, tarball: &[u8]) -> Value {
    let name = manifest["name"].as_str().expect("a name");
    let version = manifest["version"].as_str().expect("a version");
    let basename = name.rsplit('/').next().unwrap_or(name);
    let mut doc = manifest.clone();
    doc["_id"] = json!(format!("{name}@{version}"));
    doc["readme"] = json!(format!("# {name}\n"));
    doc["_nodeVersion"] = json!("20.0.0");
    doc["_npmVersion"] = json!("10.0.0");
    doc["dist"] = json!({
        "integrity": integrity(tarball),
        "shasum": shasum(tarball),
        "tarball": format!("http://registry.test/npm/{name}/-/{basename}-{version}.tgz"),
    });
    json!({
        "_id": name,
        "name": name,
        "description": manifest["description"],
        "dist-tags": { tag: version },
        "versions": { version: doc },
        "access": null,
        "_attachments": {
            attachment_name(name, version): {
                "content_type": "application/octet-stream",
                "data": STANDARD.encode(tarball),
                "length": tarball.len(),
            }
        },
    })
}

/// The URL path segment npm uses for a package name in a publish: `@scope%2fname`.
pub fn url_name(name: &str) -> String {
    name.replace('/', "%2f")
}

/// Publishes `name@version` (the package of [`Tgz::package`]) to the server at `base` as
/// npm does (`PUT /npm/{name}` with `token`); its status and the tarball.
pub fn publish_over_http(base: &str, token: &str, name: &str, version: &str) -> (u16, Vec<u8>) {
    let tgz = Tgz::package(name, version).build();
    let doc = document(name, version, "latest", &tgz);
    let response = super::server::agent()
        .put(format!("{base}/npm/{}", url_name(name)))
        .header("Authorization", &format!("Bearer {token}"))
        .header("Content-Type", "application/json")
        .send(doc.to_string())
        .expect("an answer");
    (response.status().as_u16(), tgz)
}
