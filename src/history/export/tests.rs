//! The export against real repositories in temporary folders.

use std::{
    fs,
    path::{Path, PathBuf},
};

use git2::{ObjectType, Oid, Repository, Signature};
use sha2::{Digest, Sha256};

use super::{
    MAX_PACKS,
    files::export,
    mirror::{self, EXPORT_DIR, Mirror},
    packing,
};
use crate::{history::ScopedFiles, output::Content, progress::Silent};

/// A non-bare repository on `main` in `dir/index`, like the registry's index.
struct Index {
    root: PathBuf,
    repo: Repository,
    /// Seconds of the next commit: one commit a second, the same in every run.
    clock: std::cell::Cell<i64>,
}

impl Index {
    fn new(dir: &Path) -> Self {
        let root = dir.join("index");
        let mut opts = git2::RepositoryInitOptions::new();
        opts.initial_head("main");
        let repo = Repository::init_opts(&root, &opts).expect("init index");
        Index {
            root,
            repo,
            clock: std::cell::Cell::new(1_700_000_000),
        }
    }

    /// Writes `path` and commits it (at a time that depends only on how many commits came
    /// before, so two runs build the same commits).
    fn commit(&self, path: &str, text: &str) -> Oid {
        let file = self.root.join(path);
        fs::create_dir_all(file.parent().expect("parent")).expect("mkdir");
        fs::write(&file, text).expect("write");
        let mut stage = self.repo.index().expect("stage");
        stage.add_path(Path::new(path)).expect("add");
        stage.write().expect("write stage");
        let tree = self
            .repo
            .find_tree(stage.write_tree().expect("tree"))
            .expect("find tree");
        let when = git2::Time::new(self.clock.get(), 0);
        self.clock.set(self.clock.get() + 1);
        let sig = Signature::new("Shelf", "shelf@localhost", &when).expect("signature");
        let parent = self
            .repo
            .head()
            .ok()
            .map(|h| h.peel_to_commit().expect("commit"));
        let parents: Vec<&git2::Commit<'_>> = parent.iter().collect();
        self.repo
            .commit(
                Some("HEAD"),
                &sig,
                &sig,
                &format!("Write {path}"),
                &tree,
                &parents,
            )
            .expect("commit")
    }
}

fn packs(data: &Path) -> Vec<String> {
    let (mirror, _) = Mirror::open(data).expect("open mirror");
    mirror.packs().expect("list packs")
}

fn object_count(data: &Path, pack: &str) -> u32 {
    let (mirror, _) = Mirror::open(data).expect("open mirror");
    packing::idx_object_count(&mirror.idx(pack)).expect("idx")
}

/// Every object reachable from the mirror's branches can be read from its packs alone.
fn assert_complete(data: &Path, head: Oid) {
    let repo = Repository::open_bare(data.join(EXPORT_DIR).join("mirror.git")).expect("mirror");
    assert_eq!(
        repo.find_reference("refs/heads/main")
            .expect("main")
            .target(),
        Some(head)
    );
    let mut walk = repo.revwalk().expect("walk");
    walk.push(head).expect("push");
    let mut commits = 0;
    for id in walk {
        let commit = repo
            .find_commit(id.expect("id"))
            .expect("commit in the packs");
        commit
            .tree()
            .expect("tree in the packs")
            .walk(git2::TreeWalkMode::PreOrder, |_, entry| {
                let kind = entry.kind().expect("kind");
                repo.find_object(entry.id(), Some(kind))
                    .expect("object in the packs");
                assert!(matches!(kind, ObjectType::Tree | ObjectType::Blob));
                git2::TreeWalkResult::Ok
            })
            .expect("tree walk");
        commits += 1;
    }
    assert!(commits > 0);
    assert!(
        fs::read_dir(repo.path().join("objects"))
            .expect("objects")
            .all(|e| {
                let name = e.expect("entry").file_name();
                name == "pack" || name == "info"
            }),
        "no loose objects"
    );
}

fn bytes<'a>(files: &'a ScopedFiles, path: &str) -> &'a [u8] {
    match files
        .ordered()
        .into_iter()
        .find(|f| f.path == path)
        .map(|f| &f.content)
    {
        Some(Content::Bytes(bytes)) => bytes,
        other => panic!(
            "{path}: {}",
            if other.is_some() { "a blob" } else { "missing" }
        ),
    }
}

#[test]
fn a_commit_adds_one_small_pack_with_only_its_objects() {
    let dir = tempfile::tempdir().expect("tempdir");
    let index = Index::new(dir.path());
    let data = dir.path();
    index.commit("config.json", "{}\n");
    index.commit("he/ll/hello", "hello 1\n");
    index.commit("wo/rl/world", "world 1\n");
    export(&index.root, data, false, &Silent).expect("first export");
    let first = packs(data);
    assert_eq!(first.len(), 1);

    let head = index.commit("he/ll/hello", "hello 1\nhello 2\n");
    let files = export(&index.root, data, false, &Silent).expect("export");
    let now = packs(data);
    assert_eq!(now.len(), 2);
    assert!(now.contains(&first[0]), "the first pack stays as it was");
    let new = now.iter().find(|p| **p != first[0]).expect("a new pack");
    assert_eq!(
        object_count(data, new),
        5,
        "the commit, the root tree, he/, he/ll/ and the new blob"
    );
    assert_complete(data, head);

    assert_eq!(files.scope, ["-/index.git/"]);
    assert_eq!(bytes(&files, "-/index.git/HEAD"), b"ref: refs/heads/main\n");
    assert_eq!(
        bytes(&files, "-/index.git/info/refs"),
        format!("{head}\trefs/heads/main\n").as_bytes()
    );
    let mut listed = String::new();
    let mut sorted = now.clone();
    sorted.sort();
    for pack in &sorted {
        listed.push_str(&format!("P {pack}.pack\n"));
    }
    listed.push('\n');
    assert_eq!(
        bytes(&files, "-/index.git/objects/info/packs"),
        listed.as_bytes()
    );
    // The packs land before the files that name them.
    let pointers: Vec<&str> = files.pointers.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(
        pointers,
        [
            "-/index.git/objects/info/packs",
            "-/index.git/HEAD",
            "-/index.git/info/refs"
        ]
    );
    assert!(
        files
            .files
            .iter()
            .all(|f| f.path.starts_with("-/index.git/objects/pack/"))
    );
    // Every pack file is there, as a blob whose file name is the SHA-256 of its bytes.
    let blobs: Vec<(&str, &PathBuf)> = files
        .files
        .iter()
        .filter_map(|f| match &f.content {
            Content::Blob(path) => Some((f.path.as_str(), path)),
            Content::Bytes(_) => None,
        })
        .collect();
    assert_eq!(blobs.len(), 4);
    for (logical, blob) in blobs {
        let name = logical.rsplit('/').next().expect("file name");
        let mirror_file = data
            .join(EXPORT_DIR)
            .join("mirror.git/objects/pack")
            .join(name);
        let content = fs::read(blob).expect("blob");
        assert_eq!(content, fs::read(&mirror_file).expect("mirror file"));
        assert_eq!(
            blob.file_name().and_then(|n| n.to_str()),
            Some(hex::encode(Sha256::digest(&content)).as_str())
        );
    }

    // Nothing new to export: nothing changes.
    export(&index.root, data, false, &Silent).expect("export again");
    assert_eq!(packs(data), now);
}

/// Writes one pack per commit into the mirror in `data`, never merging: a mirror past the
/// limit, as an interrupted merge or an older Shelf could leave it.
fn export_without_merging(index: &Index, data: &Path) {
    let (mirror, mirror_repo) = Mirror::open(data).expect("mirror");
    let exported: Vec<Oid> = mirror::branches(&mirror_repo)
        .expect("branches")
        .into_iter()
        .map(|(_, id)| id)
        .collect();
    let heads = mirror::branches(&index.repo).expect("branches");
    let tips: Vec<Oid> = heads.iter().map(|(_, id)| *id).collect();
    let plan = packing::plan_new(&index.repo, &tips, &exported, &Silent).expect("plan");
    let staged = mirror.staging().expect("staging");
    let odb = index.repo.odb().expect("odb");
    let name = super::pack::write(&odb, &plan, staged.path(), &Silent)
        .expect("write")
        .expect("a pack");
    mirror.install(staged.path(), &name).expect("install");
    mirror::set_branches(&mirror_repo, &heads).expect("set branches");
}

#[test]
fn a_fresh_export_is_one_pack_that_depends_only_on_the_index() {
    let dir = tempfile::tempdir().expect("tempdir");
    let index = Index::new(dir.path());
    let incremental = dir.path().join("incremental");
    let overgrown = dir.path().join("overgrown");
    index.commit("config.json", "{}\n");
    export(&index.root, &incremental, false, &Silent).expect("export");
    export_without_merging(&index, &overgrown);
    let mut head = None;
    for n in 0..=MAX_PACKS {
        let path = if n % 2 == 0 {
            "he/ll/hello"
        } else {
            "wo/rl/world"
        };
        head = Some(index.commit(path, &format!("{n}\n")));
        export(&index.root, &incremental, false, &Silent).expect("export");
        export_without_merging(&index, &overgrown);
    }
    let head = head.expect("a commit");

    // A full build exports like a commit: with nothing new, it changes nothing.
    let before = packs(&incremental);
    assert!(before.len() > 1);
    export(&index.root, &incremental, true, &Silent).expect("full build");
    assert_eq!(packs(&incremental), before, "a no-op build writes nothing");

    // A first export is one pack, whichever way it is asked for, and the same every time.
    let (fresh_full, fresh) = (dir.path().join("fresh-full"), dir.path().join("fresh"));
    export(&index.root, &fresh_full, true, &Silent).expect("fresh full build");
    export(&index.root, &fresh, false, &Silent).expect("fresh export");
    let one = packs(&fresh_full);
    assert_eq!(one.len(), 1);
    assert_eq!(packs(&fresh), one, "same index, same pack");
    assert_complete(&fresh, head);
    // 22 commits, 22 root trees, 11 he/ + 11 he/ll/ + 10 wo/ + 10 wo/rl/ trees, and
    // 11 + 10 + 1 blobs: every object once.
    assert_eq!(object_count(&fresh, &one[0]), 22 + 22 + 42 + 22);

    // A mirror past the limit is repacked whole by a full build, into that same pack.
    assert_eq!(packs(&overgrown).len(), MAX_PACKS + 2);
    export(&index.root, &overgrown, true, &Silent).expect("repairing full build");
    assert_eq!(packs(&overgrown), one);
    assert_complete(&overgrown, head);
}

#[test]
fn past_the_limit_small_packs_are_merged() {
    let dir = tempfile::tempdir().expect("tempdir");
    let index = Index::new(dir.path());
    let data = dir.path();
    index.commit("config.json", "{}\n");
    export(&index.root, data, false, &Silent).expect("export");
    let mut head = None;
    let mut most = 0;
    for n in 0..MAX_PACKS + 5 {
        head = Some(index.commit(&format!("p{}/pkg{n}", n % 3), &format!("{n}\n")));
        export(&index.root, data, false, &Silent).expect("export");
        let count = packs(data).len();
        assert!(count <= MAX_PACKS, "{count} packs after {n} commits");
        most = most.max(count);
    }
    assert_eq!(most, MAX_PACKS, "packs accumulate up to the limit");
    assert!(packs(data).len() < MAX_PACKS);
    assert_complete(data, head.expect("a commit"));
    verify_packs(data);
    let blobs = fs::read_dir(data.join(EXPORT_DIR).join("blobs"))
        .expect("blobs")
        .count();
    assert_eq!(
        blobs,
        packs(data).len() * 2,
        "links to merged packs are gone"
    );
}

/// `git verify-pack` accepts every pack of the mirror (entries, offsets, CRCs, checksums).
fn verify_packs(data: &Path) {
    let (mirror, _) = Mirror::open(data).expect("open mirror");
    for name in packs(data) {
        let idx = mirror.idx(&name);
        let out = std::process::Command::new("git")
            .arg("verify-pack")
            .arg(&idx)
            .output()
            .expect("git verify-pack (install git)");
        assert!(
            out.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn small_packs_holding_one_object_twice_are_merged_too() {
    let dir = tempfile::tempdir().expect("tempdir");
    let index = Index::new(dir.path());
    let data = dir.path();
    index.commit("config.json", "{}\n");
    export(&index.root, data, false, &Silent).expect("export");
    let mut head = None;
    for n in 0..MAX_PACKS + 5 {
        // Every other commit brings back the same bytes under a new path: the same blob
        // in two packs, which copying entries cannot merge.
        let text = if n % 2 == 0 {
            "again\n".to_owned()
        } else {
            format!("{n}\n")
        };
        head = Some(index.commit(&format!("q/pkg{n}"), &text));
        export(&index.root, data, false, &Silent).expect("export");
        assert!(packs(data).len() <= MAX_PACKS);
    }
    assert_complete(data, head.expect("a commit"));
    verify_packs(data);
}

/// The one-pass first export ([`super::walk`]) plans what [`packing::plan_new`] plans and
/// writes it as [`super::pack::write`] does: the same pack, byte for byte, on a history with
/// nested folders, files that grow line by line (deltas) and one that comes back to an
/// earlier content (an object met twice).
#[test]
fn the_one_pass_export_writes_the_planned_pack() {
    let dir = tempfile::tempdir().expect("tempdir");
    let index = Index::new(dir.path());
    index.commit("config.json", "{}\n");
    let mut lines = String::new();
    for n in 0..40 {
        lines.push_str(&format!(
            "{{\"version\":\"1.{n}.0\",\"readme\":\"{}\"}}\n",
            "ab".repeat(n)
        ));
        let path = ["he/ll/hello", "wo/rl/world", "he/lp/help", "zz/zz/z-z"][n % 4];
        index.commit(path, &lines);
        if n % 10 == 9 {
            index.commit("config.json", "{}\n\n");
            index.commit("config.json", "{}\n");
        }
    }
    let tips = [index.repo.head().expect("head").target().expect("id")];
    let (planned, walked) = (dir.path().join("planned"), dir.path().join("walked"));
    fs::create_dir_all(&planned).expect("mkdir");
    fs::create_dir_all(&walked).expect("mkdir");
    let plan = packing::plan_new(&index.repo, &tips, &[], &Silent).expect("plan");
    let odb = index.repo.odb().expect("odb");
    let name = super::pack::write(&odb, &plan, &planned, &Silent)
        .expect("write")
        .expect("a pack");
    let (one_pass, count) = super::walk::write_full(&index.repo, &tips, &walked, &Silent)
        .expect("one pass")
        .expect("a pack");
    assert_eq!(one_pass, name);
    assert_eq!(count, plan.len());
    for ext in ["pack", "idx"] {
        let file = format!("{name}.{ext}");
        assert!(
            fs::read(planned.join(&file)).expect("planned")
                == fs::read(walked.join(&file)).expect("walked"),
            "{file} differs"
        );
    }
    // An empty repository has nothing to pack.
    let empty = Index::new(&dir.path().join("empty"));
    assert!(
        super::walk::write_full(&empty.repo, &[], &walked, &Silent)
            .expect("nothing")
            .is_none()
    );
}

#[test]
fn a_first_export_starts_from_the_packs_the_index_adopted() {
    let dir = tempfile::tempdir().expect("tempdir");
    let index = Index::new(dir.path());
    index.commit("config.json", "{}\n");
    index.commit("he/ll/hello", "hello 1\n");
    let adopted_head = index.commit("wo/rl/world", "world 1\n");
    let first = dir.path().join("first");
    export(&index.root, &first, false, &Silent).expect("first export");
    let exported = super::exported(&first)
        .expect("read the mirror")
        .expect("a mirror");
    let repo = crate::index::IndexRepo::open_or_init(&index.root, "http://localhost")
        .expect("open the index");
    repo.adopt_packs(&exported.packs, &exported.branches)
        .expect("adopt");
    let adopted = packs(&first);
    assert_eq!(adopted.len(), 1);

    // Two commits later, an export into an empty data folder (a new machine) starts from
    // the adopted pack and packs only what the two commits added.
    index.commit("he/ll/hello", "hello 1\nhello 2\n");
    let head = index.commit("wo/rl/world", "world 1\nworld 2\n");
    let fresh = dir.path().join("fresh");
    export(&index.root, &fresh, true, &Silent).expect("fresh export");
    let now = packs(&fresh);
    assert_eq!(now.len(), 2);
    assert!(now.contains(&adopted[0]));
    let new = now.iter().find(|p| **p != adopted[0]).expect("a new pack");
    assert_eq!(object_count(&fresh, new), 10, "five objects a commit");
    assert_complete(&fresh, head);

    // A record naming a commit the index no longer has (its history rewritten) is not
    // used: the export is one pack of everything, as without one.
    let record = repo.adopted_packs().expect("a record");
    assert_eq!(record.branch_ids(), Some(exported.branches.clone()));
    assert_eq!(
        exported.branches,
        [("refs/heads/main".to_owned(), adopted_head)]
    );
    let mut forged = record.clone();
    forged.branches[0].1 = "1".repeat(40);
    let git_dir = index.root.join(".git");
    fs::write(
        git_dir.join(crate::index::packs::RECORD),
        serde_json::to_vec(&forged).expect("json"),
    )
    .expect("write the record");
    let rewritten = dir.path().join("rewritten");
    export(&index.root, &rewritten, true, &Silent).expect("export");
    let one = packs(&rewritten);
    assert_eq!(one.len(), 1);
    // 3 objects of the first commit, then 5 a commit.
    assert_eq!(object_count(&rewritten, &one[0]), 3 + 4 * 5);
    assert_complete(&rewritten, head);
}
