//! Garbage collection: `shelf gc` deletes the blobs nothing names (after `--dry-run` says
//! which), keeps those younger than the grace period, and `shelf serve --gc-every` collects
//! while pushes race it without losing a blob of any acknowledged manifest.

use std::{
    path::Path,
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
};

use crate::common::{
    Fixture, Rng,
    oci::{Api, digest, token},
    server::{Server, shelf_serve, unlimited_serve},
    sign_up,
};

const PASSWORD: &str = "a long enough password";

fn blob_exists(data: &Path, d: &str) -> bool {
    let hex = d.trim_start_matches("sha256:");
    data.join("blobs")
        .join(&hex[..2])
        .join(&hex[2..4])
        .join(hex)
        .is_file()
}

fn api(base: &str, user: &str, repos: &[&str]) -> Api {
    let scope: Vec<String> = repos
        .iter()
        .map(|r| format!("repository:{r}:pull,push,delete"))
        .collect();
    Api {
        base: base.to_owned(),
        bearer: token(base, Some((user, PASSWORD)), &scope.join("&scope=")),
    }
}

#[test]
fn shelf_gc_deletes_what_nothing_names_after_its_grace() {
    let fx = Fixture::new();
    let server = Server::shelf(&mut unlimited_serve(&fx.data()));
    sign_up(&server.base, "alice");
    let alice = api(&server.base, "alice", &["keep/app", "drop/app"]);
    let shared = b"a layer both images have".to_vec();
    let (status, kept) = alice.push_image("keep/app", "v1", std::slice::from_ref(&shared));
    assert_eq!(status, 201);
    let dropped_layer = b"a layer only the deleted image has".to_vec();
    let (status, dropped) =
        alice.push_image("drop/app", "v1", &[shared.clone(), dropped_layer.clone()]);
    assert_eq!(status, 201);
    let orphan = alice.blob("drop/app", b"uploaded, never named");
    assert_eq!(
        alice
            .delete(&format!("/v2/drop/app/manifests/{dropped}"))
            .status,
        202
    );
    // Stopped once it has written what it derives after its answers: the check below
    // compares the whole site.
    crate::common::settled(&fx.data());
    drop(server);

    let garbage = [digest(&dropped_layer), dropped.clone(), orphan];
    let dry = fx.shelf_ok(&["gc", "--dry-run", "--grace", "0s"]);
    for d in &garbage {
        let hex = d.trim_start_matches("sha256:");
        assert!(
            dry.contains(&format!("would delete blob {hex}")),
            "{d}: {dry}"
        );
        assert!(blob_exists(&fx.data(), d), "a dry run deletes nothing");
    }
    assert!(!dry.contains(&digest(&shared).trim_start_matches("sha256:").to_owned()));
    let young = fx.shelf_ok(&["gc", "--grace", "1h"]);
    assert!(young.contains("deleted 0 blobs"), "{young}");
    let done = fx.shelf_ok(&["gc", "--grace", "0s"]);
    assert!(done.contains("deleted 3 blobs"), "{done}");
    for d in &garbage {
        assert!(!blob_exists(&fx.data(), d), "{d} is gone");
    }
    for d in [digest(&shared), kept, digest(b"{}")] {
        assert!(blob_exists(&fx.data(), &d), "{d} is still named");
    }
    fx.shelf_ok(&["check"]);
}

#[test]
fn collections_racing_pushes_lose_no_blob_of_an_acknowledged_manifest() {
    let fx = Fixture::new();
    let mut command = shelf_serve(
        &fx.data(),
        &[
            "--listen",
            "127.0.0.1:0",
            "--login-per-minute",
            "1000",
            "--publish-per-hour",
            "1000000",
            "--gc-every",
            "1s",
            "--gc-grace",
            "2s",
        ],
    );
    let server = Server::shelf(&mut command);
    sign_up(&server.base, "alice");
    let stop = Arc::new(AtomicBool::new(false));
    let mut pushers = Vec::new();
    for n in 0..3u64 {
        let (base, stop) = (server.base.clone(), stop.clone());
        pushers.push(std::thread::spawn(move || {
            let repo = format!("race/r{n}");
            let alice = api(&base, "alice", &[&repo]);
            let mut rng = Rng::new(n + 1);
            // A small pool of layers: a deleted image's layers become garbage, and a later
            // push that finds one still there (HEAD) does not upload it again.
            let pool: Vec<Vec<u8>> = (0..6).map(|_| rng.bytes(2048)).collect();
            let (mut acknowledged, mut deleted) = (Vec::new(), Vec::new());
            let mut round = 0;
            while !stop.load(Ordering::Relaxed) || round < 4 {
                let layers: Vec<Vec<u8>> = (0..2)
                    .map(|_| pool[rng.below(0, 6) as usize].clone())
                    .collect();
                let (status, d) = alice.push_image(&repo, &format!("t{round}"), &layers);
                assert_eq!(status, 201, "push {repo}:t{round}");
                if round % 2 == 1 {
                    let gone = alice.delete(&format!("/v2/{repo}/manifests/{d}"));
                    assert_eq!(gone.status, 202);
                    deleted.push(d);
                } else {
                    acknowledged.push((d, layers));
                }
                round += 1;
                std::thread::sleep(std::time::Duration::from_millis(150));
            }
            (acknowledged, deleted)
        }));
    }
    // Long enough for several collections with a grace of 2 s.
    std::thread::sleep(std::time::Duration::from_secs(6));
    stop.store(true, Ordering::Relaxed);
    let (mut live, mut deleted) = (Vec::new(), Vec::new());
    for pusher in pushers {
        let (acknowledged, gone) = pusher.join().expect("a pusher");
        live.extend(acknowledged);
        deleted.extend(gone);
    }
    // The collections did run: the first deleted manifests, past their grace, went. (The
    // bound only turns a collector that never runs into a failure.)
    let collected = || deleted.iter().any(|d| !blob_exists(&fx.data(), d));
    for _ in 0..100 {
        if collected() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    assert!(collected(), "no deleted manifest was ever collected");
    crate::common::settled(&fx.data());
    drop(server);
    for (manifest, layers) in &live {
        assert!(blob_exists(&fx.data(), manifest), "manifest {manifest}");
        for layer in layers {
            assert!(
                blob_exists(&fx.data(), &digest(layer)),
                "a layer of {manifest}"
            );
        }
    }
    fx.shelf_ok(&["check"]);
}
