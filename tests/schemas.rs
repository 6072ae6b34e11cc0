//! The published JSON Schemas (`index/schema/`) against what Shelf actually writes.
//!
//! Documents are built through the crate's public functions from hand-made index lines, so a
//! change to a document type that the schemas (the specification other implementations read)
//! do not describe fails here. The negative cases prove the schemas are not vacuous.

#[path = "common/schema.rs"]
mod schema;

use serde_json::{Map, Value, json};
use shelf::index::IndexConfig;
use shelf::serverless::docs::{
    V3, config_paths, list_item, package_index, release, release_list, search_entry,
};
use shelf::serverless::record::{IndexLine, PackageRecord};
use shelf::site::docs::{SearchIndex, registry_config};

use schema::{errors, validate};

/// Every schema file the specification promises.
const SCHEMAS: &[&str] = &[
    "index-line",
    "index-config",
    "release",
    "release-list",
    "v3-release",
    "v3-release-list",
    "package-index",
    "search",
    "registry-config",
    "changes",
];

/// A live, unyanked line of a `Component` with every text field filled and a publish.yaml
/// map or two, published at `created_at`. Tests change the fields they are about.
fn line(name: &str, version: &str, created_at: &str) -> IndexLine {
    let mut commands = Map::new();
    commands.insert("deploy".into(), json!("Deploy the function"));
    let mut properties = Map::new();
    properties.insert("region".into(), json!({"type": "string", "required": true}));
    IndexLine {
        v: 1,
        name: name.into(),
        version: version.into(),
        kind: "Component".into(),
        description: "An HTTP function".into(),
        home: "https://example.com".into(),
        provider: vec!["阿里云".into()],
        tags: vec!["http".into(), "fc".into()],
        category: "基础云服务".into(),
        edition: "3.0.0".into(),
        sha256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08".into(),
        size: 1234,
        created_at: created_at.into(),
        body: format!("Release notes of {version}"),
        readme: "# Hello\n\nA component.".into(),
        readme_truncated: false,
        service: Map::new(),
        commands,
        properties,
        parameters: Map::new(),
        dependencies: Map::new(),
        yanked: false,
        publisher: "alice".into(),
        deleted_at: None,
        extra: Map::new(),
    }
}

/// `fc_http` in publish order: a stable version, a yanked one, a pre-release, a deleted one
/// (tombstone), and a newest stable one written by a "later Shelf" with an unknown field and a
/// cut readme.
fn record() -> PackageRecord {
    let mut yanked = line("fc_http", "0.2.0", "2024-01-02T00:00:00Z");
    yanked.yanked = true;
    let pre = line("fc_http", "1.0.0-beta.1", "2024-01-03T00:00:00Z");
    let mut tombstone = line("fc_http", "0.3.0", "2024-01-04T00:00:00Z");
    tombstone.deleted_at = Some("2024-01-05T10:11:12Z".into());
    let mut newest = line("fc_http", "0.4.0", "2024-01-06T00:00:00Z");
    newest
        .extra
        .insert("signatures".into(), json!([{"keyid": "k1", "sig": "abc"}]));
    newest.readme_truncated = true;
    PackageRecord {
        lines: vec![
            line("fc_http", "0.1.0", "2024-01-01T00:00:00Z"),
            yanked,
            pre,
            tombstone,
            newest,
        ],
    }
}

/// A package whose only versions are yanked: it has no latest.
fn all_yanked() -> PackageRecord {
    let mut only = line("hello", "1.0.0", "2023-12-31T23:59:59Z");
    only.yanked = true;
    only.kind = "Application".into();
    PackageRecord { lines: vec![only] }
}

fn config() -> IndexConfig {
    IndexConfig::new("http://127.0.0.1:8080")
}

fn to_value(doc: impl serde::Serialize) -> Value {
    serde_json::to_value(doc).expect("documents serialise")
}

/// Asserts that `doc` breaks `schema` at the instance path `at`.
#[track_caller]
fn rejects(schema: &str, doc: &Value, at: &str) {
    let found = errors(schema, doc);
    assert!(
        found.iter().any(|e| e.starts_with(&format!("{at}: "))),
        "{schema}.schema.json should reject the document at {at}; errors: {found:#?}"
    );
}

#[test]
fn every_schema_compiles_and_is_draft_2020_12() {
    let dir = schema::schema_path("x");
    let dir = dir.parent().expect("schema files live in a folder");
    let mut found: Vec<String> = std::fs::read_dir(dir)
        .expect("index/schema exists")
        .map(|e| {
            e.expect("readable entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    found.sort();
    let mut promised: Vec<String> = SCHEMAS.iter().map(|s| format!("{s}.schema.json")).collect();
    promised.sort();
    assert_eq!(
        found, promised,
        "every schema file is listed (and so tested) here"
    );
    for name in SCHEMAS {
        let doc = schema::load(name);
        assert_eq!(
            doc["$schema"], "https://json-schema.org/draft/2020-12/schema",
            "{name}"
        );
        // `errors` compiles the schema and panics if it does not.
        errors(name, &json!(null));
    }
}

/// The files inline shared definitions under `$defs`; a definition must read the same in every
/// file that carries it, or two documents would disagree on what a name or a version is.
#[test]
fn shared_definitions_agree_across_files() {
    let mut seen: Map<String, Value> = Map::new();
    let mut owner: Map<String, Value> = Map::new();
    for name in SCHEMAS {
        let doc = schema::load(name);
        let Some(defs) = doc.get("$defs").and_then(Value::as_object) else {
            continue;
        };
        for (key, def) in defs {
            match seen.get(key) {
                Some(first) => assert_eq!(
                    first, def,
                    "$defs/{key} differs between {} and {name}",
                    owner[key]
                ),
                None => {
                    seen.insert(key.clone(), def.clone());
                    owner.insert(key.clone(), json!(name));
                }
            }
        }
    }
    for key in [
        "name",
        "version",
        "timestamp",
        "sha256",
        "release",
        "listItem",
    ] {
        assert!(seen.contains_key(key), "no schema defines $defs/{key}");
    }
}

#[test]
fn index_lines_conform() {
    let record = record();
    for line in record.lines.iter().chain(&all_yanked().lines) {
        validate("index-line", &to_value(line));
    }
    // The file as written: one compact JSON object per line.
    for text in record.to_text().lines() {
        let value: Value = serde_json::from_str(text).expect("each line is JSON");
        validate("index-line", &value);
    }
    let newest = to_value(&record.lines[4]);
    assert_eq!(
        newest["signatures"][0]["keyid"], "k1",
        "unknown fields are written back"
    );
    assert_eq!(newest["readme_truncated"], true);
    assert!(
        to_value(&record.lines[0]).get("readme_truncated").is_none(),
        "false is not written"
    );
    assert_eq!(
        to_value(&record.lines[3])["deleted_at"],
        "2024-01-05T10:11:12Z"
    );
}

#[test]
fn index_config_conforms() {
    validate("index-config", &to_value(config()));
    validate(
        "index-config",
        &to_value(IndexConfig::new("https://example.com/registry/")),
    );
    let mut split = IndexConfig::new("https://registry.example.com");
    split.api_url = Some("https://api.example.com".into());
    split
        .extra
        .insert("mirror_of".into(), json!("https://upstream.example.com"));
    validate("index-config", &to_value(split));
}

#[test]
fn release_documents_conform() {
    let record = record();
    let config = config();
    for line in record.live() {
        let doc = release(line, &config);
        validate("release", &to_value(&doc));
        validate("v3-release", &to_value(V3 { body: doc }));
        validate("release-list", &to_value([list_item(line, &config)]));
    }
    for record in [record, all_yanked()] {
        let list = release_list(&record, &config);
        validate("release-list", &to_value(&list));
        validate("v3-release-list", &to_value(V3 { body: list }));
    }
    validate("release-list", &json!([]));
}

#[test]
fn lists_are_newest_first_with_yanked_marked_and_tombstones_gone() {
    let list = to_value(release_list(&record(), &config()));
    let tags: Vec<&str> = list
        .as_array()
        .expect("a list")
        .iter()
        .map(|item| item["tag_name"].as_str().expect("tag_name is text"))
        .collect();
    assert_eq!(tags, ["0.4.0", "1.0.0-beta.1", "0.2.0", "0.1.0"]);
    assert_eq!(list[2]["yanked"], true);
    assert_eq!(
        list[0]["zipball_url"],
        "http://127.0.0.1:8080/fc_http/zipball/0.4.0"
    );
}

#[test]
fn package_index_and_search_conform() {
    let config = config();
    let records = [record(), all_yanked()];
    let mut packages = Vec::new();
    for record in &records {
        let index = package_index(record, &config).expect("the package has live versions");
        validate("package-index", &to_value(&index));
        packages.push(search_entry(record).expect("the package has live versions"));
    }
    packages.sort_by(|a, b| a.name.cmp(&b.name));
    let packages: Vec<&_> = packages.iter().collect();
    let search = to_value(SearchIndex {
        v: 1,
        packages: &packages,
    });
    validate("search", &search);
    assert_eq!(search["packages"][0]["latest"], "0.4.0");
    assert_eq!(
        search["packages"][1]["latest"],
        Value::Null,
        "all yanked: no latest"
    );
    validate("search", &json!({"v": 1, "packages": []}));
}

#[test]
fn registry_config_conforms() {
    validate(
        "registry-config",
        &to_value(registry_config(&config(), config_paths())),
    );
    let mut split = IndexConfig::new("https://registry.example.com/");
    split.api_url = Some("https://api.example.com".into());
    let doc = to_value(registry_config(&split, config_paths()));
    validate("registry-config", &doc);
    assert_eq!(doc["v3_url"], "https://registry.example.com/v3");
}

#[test]
fn clients_may_meet_extra_fields() {
    let mut doc = to_value(release(&record().lines[0], &config()));
    doc["downloads"] = json!(42);
    validate("release", &doc);
    validate("v3-release", &json!({"body": doc, "request_id": "r-1"}));
}

#[test]
fn bad_checksums_are_refused() {
    let config = config();
    let line = &record().lines[0];
    for bad in [
        "",
        "9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08",
        "abc",
    ] {
        let mut doc = to_value(release(line, &config));
        doc["sha256"] = json!(bad);
        rejects("release", &doc, "/sha256");
        rejects("v3-release", &json!({ "body": doc }), "/body/sha256");

        let mut item = to_value([list_item(line, &config)]);
        item[0]["sha256"] = json!(bad);
        rejects("release-list", &item, "/0/sha256");

        let mut stored = to_value(line);
        stored["sha256"] = json!(bad);
        rejects("index-line", &stored, "/sha256");
    }
}

#[test]
fn a_missing_zipball_url_is_refused() {
    let config = config();
    let record = record();

    let mut list = to_value(release_list(&record, &config));
    list[1]
        .as_object_mut()
        .expect("an item")
        .remove("zipball_url");
    rejects("release-list", &list, "/1");
    rejects("v3-release-list", &json!({ "body": list }), "/body/1");

    let mut doc = to_value(release(&record.lines[0], &config));
    doc.as_object_mut()
        .expect("an object")
        .remove("zipball_url");
    rejects("release", &doc, "/");

    let mut doc = to_value(release(&record.lines[0], &config));
    doc["zipball_url"] = json!("/fc_http/zipball/0.1.0");
    rejects("release", &doc, "/zipball_url");
}

#[test]
fn a_bare_object_is_not_a_v3_answer() {
    // The bare release object has a `body` too (its release notes, a string), so it is the
    // envelope check on `/body` that refuses it, which is what the v3 client trips over.
    let doc = to_value(release(&record().lines[0], &config()));
    rejects("v3-release", &doc, "/body");
    let list = to_value(release_list(&record(), &config()));
    rejects("v3-release-list", &list, "/");
}

#[test]
fn names_versions_and_times_follow_the_rules() {
    let base = to_value(&record().lines[0]);
    let cases: &[(&str, Value)] = &[
        ("/name", json!("Hello")),
        ("/name", json!("1abc")),
        ("/name", json!("a.b")),
        ("/name", json!("a".repeat(65))),
        ("/name", json!("v3")),
        ("/name", json!("change_password")),
        ("/version", json!("1.0.0+build.1")),
        ("/version", json!("1.0")),
        ("/version", json!("v1.0.0")),
        ("/version", json!("01.0.0")),
        ("/version", json!("1.0.0-01")),
        ("/created_at", json!("2024-01-01T00:00:00.123Z")),
        ("/created_at", json!("2024-01-01T00:00:00+08:00")),
        ("/created_at", json!("2024-01-01")),
        ("/type", json!("Widget")),
        ("/size", json!(-1)),
        ("/v", json!(2)),
    ];
    for (at, bad) in cases {
        let mut doc = base.clone();
        doc[&at[1..]] = bad.clone();
        rejects("index-line", &doc, at);
    }
    let mut doc = base.clone();
    doc.as_object_mut().expect("an object").remove("created_at");
    rejects("index-line", &doc, "/");

    for good in ["a", "fc-http", "my_pkg2", "v3-tools", &"a".repeat(64)] {
        let mut doc = base.clone();
        doc["name"] = json!(good);
        validate("index-line", &doc);
    }
    for good in ["0.0.0", "1.2.3-rc.1", "1.2.3-0.alpha-x.7", "10.20.30"] {
        let mut doc = base.clone();
        doc["version"] = json!(good);
        validate("index-line", &doc);
    }
}

#[test]
fn config_urls_are_absolute_without_trailing_slash() {
    let base = to_value(config());
    let cases: &[(&str, Value)] = &[
        ("/base_url", json!("http://127.0.0.1:8080/")),
        ("/base_url", json!("127.0.0.1:8080")),
        ("/zipball_url", json!("{base_url}/{name}/zipball")),
        ("/zipball_url", json!("/{name}/zipball/{version}")),
        ("/api_url", json!("ftp://example.com")),
    ];
    for (at, bad) in cases {
        let mut doc = base.clone();
        doc[&at[1..]] = bad.clone();
        rejects("index-config", &doc, at);
    }
    let mut doc = to_value(registry_config(&config(), config_paths()));
    doc["paths"]
        .as_object_mut()
        .expect("paths")
        .remove("v3_latest");
    rejects("registry-config", &doc, "/paths");
}
