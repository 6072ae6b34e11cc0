//! End to end with real processes: `shelf serve` on a free port, `shelf user add`,
//! `shelf login`, `shelf publish` of a directory (with a login token, then with a signed
//! API key), the static paths over HTTP, then yank and delete through the API.

mod common;

use std::{fs, io::Read, path::Path};

use common::{
    Fixture,
    server::{Server, agent, shelf_serve},
};

fn write_package(dir: &Path, version: &str) {
    fs::create_dir_all(dir.join("src")).expect("mkdir");
    fs::create_dir_all(dir.join("node_modules/left-pad")).expect("mkdir");
    fs::create_dir_all(dir.join(".git")).expect("mkdir");
    fs::write(
        dir.join("publish.yaml"),
        format!("Edition: 3.0.0\nType: Component\nName: hello\nVersion: {version}\nProvider: [alibaba]\nDescription: Says hello\n"),
    )
    .expect("write");
    fs::write(dir.join("README.md"), "# hello\n").expect("write");
    fs::write(
        dir.join("src/index.js"),
        "module.exports = async () => 'hello';\n",
    )
    .expect("write");
    fs::write(dir.join("node_modules/left-pad/index.js"), "x").expect("write");
    fs::write(dir.join(".git/HEAD"), "ref: refs/heads/main\n").expect("write");
}

fn get_json(url: &str) -> (u16, serde_json::Value) {
    let mut resp = agent().get(url).call().expect("GET");
    let status = resp.status().as_u16();
    (
        status,
        serde_json::from_slice(&resp.body_mut().read_to_vec().expect("body")).unwrap_or_default(),
    )
}

#[test]
fn publish_a_directory_through_a_running_server() {
    let fx = Fixture::new();
    fx.shelf_typed(
        &["user", "add", "alice", "--email", "alice@example.com"],
        "a long enough password\n",
    );

    let server = Server::shelf(&mut shelf_serve(&fx.data(), &["--listen", "127.0.0.1:0"]));
    let base = server.base.clone();

    fx.shelf_typed(
        &["login", "--registry", &base, "--username", "alice"],
        "a long enough password\n",
    );
    let credentials = fx.dir.path().join("config/credentials.json");
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        fs::metadata(&credentials)
            .expect("credentials")
            .permissions()
            .mode()
            & 0o777,
        0o600
    );

    let pkg = fx.dir.path().join("hello");
    write_package(&pkg, "1.0.0");
    let notes = fx.dir.path().join("notes.md");
    fs::write(&notes, "The first release").expect("write");
    let out = fx.shelf_typed(
        &[
            "publish",
            pkg.to_str().expect("utf-8"),
            "--registry",
            &base,
            "--notes",
            notes.to_str().expect("utf-8"),
        ],
        "",
    );
    let printed = String::from_utf8_lossy(&out.stdout);
    assert!(
        printed.contains(&format!("{base}/hello/zipball/1.0.0")),
        "{printed}"
    );

    // Every static path has it, the moment publish returned.
    let (status, latest) = get_json(&format!("{base}/hello/releases/latest"));
    assert_eq!(status, 200);
    assert_eq!(latest["tag_name"], "1.0.0");
    assert_eq!(latest["body"], "The first release");
    assert_eq!(
        get_json(&format!("{base}/v3/packages/hello/release/latest")).1["body"]["tag_name"],
        "1.0.0"
    );
    assert_eq!(
        get_json(&format!("{base}/hello/releases")).1[0]["tag_name"],
        "1.0.0"
    );
    let mut zip = Vec::new();
    agent()
        .get(&format!("{base}/hello/zipball/1.0.0"))
        .call()
        .expect("zip")
        .body_mut()
        .as_reader()
        .read_to_end(&mut zip)
        .expect("read");
    let archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).expect("a zip");
    let names: Vec<String> = archive
        .file_names()
        .map(|n| n.expect("utf-8 name").into_owned())
        .collect();
    assert!(
        names.iter().any(|n| n == "publish.yaml") && names.iter().any(|n| n == "src/index.js"),
        "{names:?}"
    );
    assert!(
        !names
            .iter()
            .any(|n| n.contains("node_modules") || n.contains(".git")),
        "{names:?}"
    );

    // A second version, published with a signed API key.
    let out = fx.shelf_typed(
        &[
            "key",
            "create",
            "--registry",
            &base,
            "--name",
            "ci",
            "--scope",
            "publish:hello",
            "--save",
        ],
        "",
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("sk_"));
    let key_id =
        serde_json::from_slice::<serde_json::Value>(&fs::read(&credentials).expect("read"))
            .expect("json")[base.as_str()]["key_id"]
            .as_str()
            .expect("saved key id")
            .to_owned();
    write_package(&pkg, "1.1.0");
    fx.shelf_typed(
        &[
            "publish",
            pkg.to_str().expect("utf-8"),
            "--registry",
            &base,
            "--key-id",
            &key_id,
        ],
        "",
    );
    assert_eq!(
        get_json(&format!("{base}/hello/releases/latest")).1["tag_name"],
        "1.1.0"
    );

    // Yank and delete through the API with the stored login token.
    let token = serde_json::from_slice::<serde_json::Value>(&fs::read(&credentials).expect("read"))
        .expect("json")[base.as_str()]["token"]
        .as_str()
        .expect("token")
        .to_owned();
    let auth = format!("Bearer {token}");
    let resp = agent()
        .put(&format!("{base}/hello/releases/tags/1.1.0/yank"))
        .header("Authorization", &auth)
        .send_empty()
        .expect("yank");
    assert_eq!(resp.status().as_u16(), 200);
    assert_eq!(
        get_json(&format!("{base}/hello/releases/latest")).1["tag_name"],
        "1.0.0",
        "a yanked version is never latest"
    );
    let resp = agent()
        .delete(&format!("{base}/hello/releases/tags/1.0.0"))
        .header("Authorization", &auth)
        .call()
        .expect("delete");
    assert_eq!(resp.status().as_u16(), 204);
    assert_eq!(
        get_json(&format!("{base}/hello/releases/tags/1.0.0")).0,
        404
    );
    assert_eq!(
        get_json(&format!("{base}/hello/releases/latest")).0,
        404,
        "only a yanked version is left"
    );
    assert_eq!(
        get_json(&format!("{base}/hello/releases/tags/1.1.0")).1["yanked"],
        true
    );
    let log = common::git_in(&fx.data().join("index"), &["log", "--format=%an|%s"]);
    assert!(log.starts_with("alice|Delete hello@1.0.0\nalice|Yank hello@1.1.0\nalice|Publish hello@1.1.0\nalice|Publish hello@1.0.0\n"), "{log}");
}
