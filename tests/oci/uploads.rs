//! A large upload in chunks through a real `shelf serve`: written a MiB at a time and its
//! writeback started every 64 MiB while it arrives (`src/oci/api/uploads.rs`), the blob
//! must be exactly the bytes sent, including after a chunk refused past the first 64 MiB.

use sha2::Digest as _;

use crate::common::{
    Fixture,
    oci::{Api, digest},
    server::{Server, unlimited_serve},
    sign_up,
};

#[test]
fn a_chunked_upload_past_the_writeback_size_is_stored_whole() {
    let fx = Fixture::new();
    let server = Server::shelf(&mut unlimited_serve(&fx.data()));
    sign_up(&server.base, "alice");
    let api = Api::signed_in(&server.base, "alice", "repository:big/layer:pull,push");
    // 70 MiB of bytes that differ everywhere, so a lost or repeated MiB changes the digest.
    let mut bytes = Vec::with_capacity(70 << 20);
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    while bytes.len() < 70 << 20 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        bytes.extend_from_slice(&x.to_le_bytes());
    }
    let (first, rest) = bytes.split_at(66 << 20);
    let (second, last) = rest.split_at(rest.len() - 3);

    let started = api.post("/v2/big/layer/blobs/uploads/");
    assert_eq!(started.status, 202);
    let range = |from: usize, len: usize| format!("{from}-{}", from + len - 1);
    let sent = api.patch(&started.location, Some(&range(0, first.len())), first);
    assert_eq!(sent.status, 202, "{}", sent.message);
    assert_eq!(sent.range, format!("0-{}", first.len() - 1));

    // A chunk whose Content-Range lies is refused, and the session is as it was.
    // (Small: a server may refuse it before reading it, and a client still sending a
    // large body would see the connection close.)
    let small = second.get(..1000).expect("a MiB");
    let lying = api.patch(&sent.location, Some(&range(first.len(), 1001)), small);
    assert_eq!(
        (lying.status, lying.code.as_str()),
        (416, "BLOB_UPLOAD_INVALID")
    );
    let status = api.get(&sent.location);
    assert_eq!(status.range, format!("0-{}", first.len() - 1));

    let sent = api.patch(
        &sent.location,
        Some(&range(first.len(), second.len())),
        second,
    );
    assert_eq!(sent.status, 202, "{}", sent.message);
    let wanted = digest(&bytes);
    let done = api.finish_upload(&sent.location, &wanted, last);
    assert_eq!(done.status, 201, "{}: {}", done.code, done.message);

    let hex = wanted.trim_start_matches("sha256:");
    let path = fx
        .data()
        .join(format!("blobs/{}/{}/{hex}", &hex[..2], &hex[2..4]));
    let on_disk = std::fs::read(&path).expect("the blob is in the store");
    assert_eq!(on_disk.len(), bytes.len());
    assert_eq!(hex::encode(sha2::Sha256::digest(&on_disk)), hex);
}
