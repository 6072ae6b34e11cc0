//! Synthetic registries for measurements: N packages × M versions with realistic metadata,
//! readmes and zips, written straight into a data directory's index (one commit per version)
//! and blob store, the way years of publishes would have left them.
//!
//! Shared by the `registry` bench and `examples/synth.rs` (which includes this file), so a
//! registry measured by hand is the registry the bench measures.

use std::path::Path;

use shelf::{
    blob::BlobStore,
    clock,
    index::{Author, IndexRepo},
    serverless::{
        package::{
            PackageName,
            testing::{self, ZipBuilder},
        },
        record::{IndexLine, LINE_FORMAT, PackageRecord, RecordStore},
    },
};

/// The name of synthetic package number `p`: two syllables, a word and the number, such as
/// `kora-http-000042`.
///
/// Real names spread over the index's shard folders (crates.io's 150,000 crates leave a few
/// dozen files in a folder); the syllables chosen from `p` give 640 folders, about 16 package
/// files each at 10,000 packages. A first generation named every package `pkg-NNNNNN`, which
/// put all of them into one folder whose 380 KB git tree each commit rewrote: a registry
/// nobody has, and a cost that said more about the generator than about Shelf.
pub fn package_name(p: usize) -> String {
    const CONSONANTS: &[u8] = b"bdfghklmnprstvwz";
    const VOWELS: &[u8] = b"aeiou";
    const SECOND: [&str; 8] = ["ba", "de", "ki", "lo", "mu", "ra", "te", "vo"];
    const WORDS: [&str; 8] = [
        "http", "cron", "oss", "api", "web", "queue", "table", "event",
    ];
    // A multiplicative hash, so neighbouring numbers land in unrelated folders.
    let h = p.wrapping_mul(2_654_435_761) >> 7;
    let first = [
        CONSONANTS[h % CONSONANTS.len()],
        VOWELS[(h / CONSONANTS.len()) % VOWELS.len()],
    ];
    let first = std::str::from_utf8(&first).expect("ASCII");
    let second = SECOND[(h / 80) % SECOND.len()];
    let word = WORDS[(h / 640) % WORDS.len()];
    format!("{first}{second}-{word}-{p:06}")
}

/// The version string of synthetic version number `v` of a package.
pub fn version(v: usize) -> String {
    format!("1.{v}.0")
}

/// Writes `packages` × `versions` into the data directory `data` (created if missing).
///
/// # Errors
/// Any failure of the index, the blob store or the zip writer.
pub fn generate(data: &Path, packages: usize, versions: usize) -> anyhow::Result<()> {
    let index = IndexRepo::open_or_init(&data.join("index"), "http://127.0.0.1:8080")?;
    let blobs = BlobStore::open(&data.join("blobs"))?;
    let author = Author::named("synth");
    let start = time::macros::datetime!(2025-01-01 00:00 UTC);
    // About 4 KiB of Markdown, like a typical component's README.
    let readme_body =
        "Deploys an HTTP function with a custom domain, logging and tracing.\n\n".repeat(56);
    for p in 0..packages {
        let name = PackageName::parse(&package_name(p))?;
        let mut record = PackageRecord { lines: Vec::new() };
        for v in 0..versions {
            let version = version(v);
            let readme = format!("# {name}\n\n{readme_body}");
            // Distinct content per version (so distinct blobs), ~15 KiB compressed.
            let code: String = (0..2_000)
                .map(|i| format!("exports.f{i} = () => {};\n", p * 31 + v * 7 + i))
                .collect();
            let zip = ZipBuilder::new()
                .file(
                    "publish.yaml",
                    testing::publish_yaml(name.as_str(), &version),
                )
                .file("README.md", readme.clone())
                .file("src/index.js", code)
                .build();
            let staged = blobs.stage(zip.as_slice(), u64::MAX)?;
            let (sha256, size) = (staged.sha256.clone(), staged.size);
            blobs.commit(staged)?;
            let at = start + time::Duration::minutes(i64::try_from(p * versions + v)?);
            record.lines.push(IndexLine {
                v: LINE_FORMAT,
                name: name.to_string(),
                version: version.clone(),
                kind: "Component".into(),
                description: format!("Synthetic component number {p} for measurements"),
                home: format!("https://example.com/{name}"),
                provider: vec!["alibaba".into()],
                tags: vec!["http".into(), "synthetic".into()],
                category: "web".into(),
                edition: "3.0.0".into(),
                sha256,
                size,
                created_at: clock::rfc3339(at),
                body: format!("Release {version}: fixes and improvements."),
                readme,
                readme_truncated: false,
                service: serde_json::from_str(r#"{"FC":{"Authorities":["AliyunFCFullAccess"]}}"#)?,
                commands: serde_json::from_str(r#"{"deploy":"Deploy","remove":"Remove"}"#)?,
                properties: serde_json::from_str(
                    r#"{"region":{"type":"string","required":true}}"#,
                )?,
                parameters: serde_json::Map::new(),
                dependencies: serde_json::Map::new(),
                yanked: false,
                publisher: "synth".into(),
                deleted_at: None,
                extra: serde_json::Map::new(),
            });
            // One commit per version with Shelf's own message, as publishing would have
            // left the history (and the change feed derived from it).
            index.write(
                &name.canonical(),
                &record,
                &format!("Publish {name}@{version}"),
                &author,
            )?;
        }
    }
    Ok(())
}
