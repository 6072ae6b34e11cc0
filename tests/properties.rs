//! Property tests: the shard layout and the name rules, version precedence and "latest", and
//! "an incremental site equals a full build" over random publish / yank / unyank / delete
//! sequences, Serverless, npm (publish, dist-tag add and remove, deprecate and
//! undeprecate, unpublish a version or all) and OCI (push by tag, delete a manifest, delete
//! a tag) mixed, run through the real registry. Each
//! property is checked against a small oracle written here from `index/README.md` (for
//! npm, from npm's registry rules as `src/npm/record.rs` states them), not against the code
//! under test.

mod common;

use std::{
    cmp::Ordering,
    collections::BTreeMap,
    io::Write as _,
    path::{Component, Path},
};

use common::{
    Fixture, ZipBuilder, json,
    npm::{self as npm_files, Tgz},
    publish, tree,
};
use proptest::{prelude::*, test_runner::FileFailurePersistence};
use shelf::{
    clock,
    index::{Author, IndexRepo, shard_path},
    npm::{
        name::NpmName,
        ops::NewVersion,
        record::{self as npm_record, read_record},
        tarball,
    },
    oci::{
        manifest as oci_manifest,
        name::{Digest, RepoName, Tag},
        ops::{NewManifest, Refusal},
        record as oci_record,
    },
    registry::{Options, Registry, RegistryError, check},
    serverless::{
        package::{NameError, PackageName, Version, VersionError, version},
        record::{IndexLine, PackageRecord, RecordStore},
    },
};

/// `cases` cases, and a failing case written to `tests/properties.proptest-regressions`,
/// which is replayed first on every later run.
fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource(
            "proptest-regressions",
        ))),
        ..ProptestConfig::default()
    }
}

// ---------------------------------------------------------------------------------------------
// 1. Names and the shard layout (index/README.md 1.1 and 2.1)

/// The reserved list of 1.1, copied from the spec rather than from the code.
const RESERVED: &[&str] = &[
    "-",
    "api",
    "assets",
    "audit",
    "change-password",
    "favicon",
    "index",
    "keys",
    "login",
    "logout",
    "maintainers",
    "npm",
    "packages",
    "refresh-token",
    "register",
    "releases",
    "robots",
    "search",
    "shelf",
    "static",
    "tokens",
    "upload",
    "users",
    "v1",
    "v2",
    "v3",
    "zipball",
];

fn canonical(name: &str) -> String {
    name.replace('_', "-")
}

/// `^[a-z][a-z0-9_-]{0,63}$` and not reserved in canonical form.
fn spec_valid_name(raw: &str) -> bool {
    let mut chars = raw.chars();
    let starts_right = chars.next().is_some_and(|c| c.is_ascii_lowercase());
    starts_right
        && raw.len() <= 64
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
        && !RESERVED.contains(&canonical(raw).as_str())
}

/// The table of 2.1.
fn spec_shard(c: &str) -> String {
    let chars: Vec<char> = c.chars().collect();
    match chars.as_slice() {
        [_] => format!("1/{c}"),
        [_, _] => format!("2/{c}"),
        [first, _, _] => format!("3/{first}/{c}"),
        [a, b, x, y, ..] => format!("{a}{b}/{x}{y}/{c}"),
        [] => unreachable!("names are never empty"),
    }
}

/// Valid names, mostly short: the four shard shapes are decided by lengths 1 to 4.
fn valid_name() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "[a-z][a-z0-9_-]{0,4}",
        1 => "[a-z][a-z0-9_-]{5,63}",
    ]
    .prop_filter("not reserved", |s| spec_valid_name(s))
}

/// `name` with `-` and `_` swapped where `flips` says so: the same package, spelt otherwise.
fn respell(name: &str, flips: &[bool]) -> String {
    name.chars()
        .zip(flips.iter().chain(std::iter::repeat(&false)))
        .map(|(c, flip)| match (c, flip) {
            ('-', true) => '_',
            ('_', true) => '-',
            (c, _) => c,
        })
        .collect()
}

/// A valid name, another spelling of it, and an unrelated valid name.
fn name_triple() -> impl Strategy<Value = (String, String, String)> {
    (
        valid_name(),
        prop::collection::vec(any::<bool>(), 64),
        valid_name(),
    )
        .prop_map(|(a, flips, b)| {
            let respelt = respell(&a, &flips);
            (a, respelt, b)
        })
}

/// A line for `name@version` as the index stores it.
fn line(name: &str, version: &str, yanked: bool, deleted: bool) -> IndexLine {
    serde_json::from_value(serde_json::json!({
        "v": 1,
        "name": name,
        "version": version,
        "type": "Component",
        "sha256": "0".repeat(64),
        "size": 1,
        "created_at": "2024-01-01T00:00:00Z",
        "yanked": yanked,
        "deleted_at": deleted.then_some("2024-01-02T00:00:00Z"),
    }))
    .expect("a well-formed index line")
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn names_follow_the_spelling_rules(
        raw in prop_oneof![
            "[a-z][a-z0-9_-]{0,5}",
            "[a-zA-Z0-9_./-]{0,8}",
            "[a-z][a-z0-9_-]{60,66}",
            "\\PC{0,6}",
            prop::sample::select(RESERVED).prop_map(|r| r.replace('-', "_")),
        ]
    ) {
        let parsed = PackageName::parse(&raw);
        prop_assert_eq!(parsed.is_ok(), spec_valid_name(&raw), "{:?}: {:?}", raw, parsed);
        if let Ok(name) = parsed {
            prop_assert_eq!(name.as_str(), raw.as_str());
            prop_assert_eq!(name.canonical(), canonical(&raw));
        }
    }

    #[test]
    fn shard_paths_follow_the_spec_and_stay_inside_the_index(
        (a, respelt, b) in name_triple()
    ) {
        let a = PackageName::parse(&a).expect("generated names are valid");
        let respelt = PackageName::parse(&respelt).expect("respelling keeps a name valid");
        let b = PackageName::parse(&b).expect("generated names are valid");
        let path = shard_path(&a.canonical());
        prop_assert_eq!(&path, &spec_shard(&canonical(a.as_str())));

        // Canonical and lowercase: no `_`, nothing uppercase, the file named after the name.
        prop_assert!(!path.contains('_') && path == path.to_ascii_lowercase(), "{}", path);
        let file = a.canonical();
        prop_assert_eq!(path.rsplit('/').next(), Some(file.as_str()));
        // Inside the index: two or three plain components, nothing absolute or climbing.
        let components: Vec<Component<'_>> = Path::new(&path).components().collect();
        prop_assert!((2..=3).contains(&components.len()), "{}", path);
        prop_assert!(
            components.iter().all(|c| matches!(c, Component::Normal(_))),
            "{}", path
        );
        prop_assert!(path.split('/').all(|s| !s.is_empty() && s != "." && s != ".."));
        prop_assert!(!path.starts_with('/') && !path.starts_with('!'));
        // Never inside git's own folder, which the index readers skip.
        prop_assert!(!path.starts_with(".git"));

        // Same path exactly when same package.
        prop_assert_eq!(shard_path(&respelt.canonical()), path.clone());
        prop_assert_eq!(
            shard_path(&b.canonical()) == path,
            b.canonical() == a.canonical(),
            "{} vs {}", a, b
        );
    }

    #[test]
    fn reserved_names_are_refused_in_every_spelling(
        reserved in prop::sample::select(RESERVED),
        flips in prop::collection::vec(any::<bool>(), 16),
    ) {
        let raw = respell(reserved, &flips);
        let refused = matches!(PackageName::parse(&raw), Err(NameError::Reserved(_)));
        // `-` fails earlier, on its first character.
        prop_assert!(refused || reserved == "-", "{raw}");
    }
}

proptest! {
    #![proptest_config(config(32))]

    /// What the index writes for a name, it finds again by either spelling, and lists.
    #[test]
    fn the_index_reads_back_what_it_wrote_for_any_name(
        (a, respelt, b) in name_triple()
    ) {
        let dir = tempfile::tempdir().expect("temp dir");
        let index = IndexRepo::open_or_init(&dir.path().join("index"), "https://r.example")
            .expect("init index");
        let author = Author::named("alice");
        let mut written = BTreeMap::new();
        for name in [&a, &b] {
            let c = canonical(name);
            if written.contains_key(&c) {
                continue;
            }
            let record = PackageRecord { lines: vec![line(name, "1.0.0", false, false)] };
            index.write(&c, &record, &format!("Publish {name}@1.0.0"), &author)
                .expect("write package file");
            prop_assert!(dir.path().join("index").join(spec_shard(&c)).is_file());
            written.insert(c, record);
        }
        for name in [&a, &respelt, &b] {
            let c = PackageName::parse(name).expect("valid").canonical();
            let found = index.read(&c).expect("read back");
            prop_assert_eq!(found.as_ref(), written.get(&c));
        }
        let listed = index.packages().expect("list packages");
        prop_assert_eq!(listed, written.keys().cloned().collect::<Vec<_>>());
        prop_assert_eq!(index.dirty_paths().expect("status"), Vec::<String>::new());
    }
}

proptest! {
    #![proptest_config(config(8))]

    /// The whole publish path (publish.yaml, index, site) takes any valid name, and the
    /// other spelling finds the package but cannot publish.
    #[test]
    fn the_registry_publishes_any_name(
        (name, respelt, _) in name_triple()
            // YAML reads an unquoted `null` as no value; a package called "null" must quote it.
            .prop_filter("not YAML's null", |(n, _, _)| n != "null")
    ) {
        let fx = Fixture::new();
        let mut registry = fx.registry();
        publish(&mut registry, &name, "1.0.0");
        prop_assert!(fx.index().join(spec_shard(&canonical(&name))).is_file());
        let other = PackageName::parse(&respelt).expect("valid");
        let record = registry.record(&other).expect("read").expect("found by either spelling");
        prop_assert_eq!(record.name(), Some(name.as_str()));
        prop_assert_eq!(&json(&fx.site(), &format!("{name}/releases/latest"))["tag_name"], "1.0.0");
        if respelt != name {
            let zip = ZipBuilder::package(&respelt, "2.0.0").build();
            let refused = registry.add(zip.as_slice(), "", &Author::named("alice"), clock::now());
            prop_assert!(matches!(refused, Err(RegistryError::NameTaken { .. })), "{:?}", refused);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// 2. Version precedence and "latest" (index/README.md 1.2 and 1.3)

/// A pre-release identifier as SemVer 2.0.0 defines it.
#[derive(Debug, Clone)]
enum Ident {
    Numeric(u64),
    Alphanumeric(String),
}

/// A version's parts: `MAJOR.MINOR.PATCH[-PRE]`.
#[derive(Debug, Clone)]
struct Parts {
    core: [u64; 3],
    pre: Vec<Ident>,
}

impl Parts {
    fn render(&self) -> String {
        let [major, minor, patch] = self.core;
        let mut out = format!("{major}.{minor}.{patch}");
        for (i, ident) in self.pre.iter().enumerate() {
            out.push(if i == 0 { '-' } else { '.' });
            match ident {
                Ident::Numeric(n) => out.push_str(&n.to_string()),
                Ident::Alphanumeric(s) => out.push_str(s),
            }
        }
        out
    }
}

/// SemVer 2.0.0 section 11, written from the spec: core numerically, a release above its
/// pre-releases, identifiers left to right (numbers numerically and below words, words in
/// ASCII order), and a longer list above its prefix.
fn spec_cmp(a: &Parts, b: &Parts) -> Ordering {
    a.core
        .cmp(&b.core)
        .then_with(|| match (a.pre.is_empty(), b.pre.is_empty()) {
            (true, true) => Ordering::Equal,
            (true, false) => Ordering::Greater,
            (false, true) => Ordering::Less,
            (false, false) => {
                for (x, y) in a.pre.iter().zip(&b.pre) {
                    let order = match (x, y) {
                        (Ident::Numeric(x), Ident::Numeric(y)) => x.cmp(y),
                        (Ident::Numeric(_), Ident::Alphanumeric(_)) => Ordering::Less,
                        (Ident::Alphanumeric(_), Ident::Numeric(_)) => Ordering::Greater,
                        (Ident::Alphanumeric(x), Ident::Alphanumeric(y)) => {
                            x.as_bytes().cmp(y.as_bytes())
                        }
                    };
                    if order != Ordering::Equal {
                        return order;
                    }
                }
                a.pre.len().cmp(&b.pre.len())
            }
        })
}

/// Small numbers mostly, so that versions collide and ties are tested; any u64 sometimes.
fn number() -> impl Strategy<Value = u64> {
    prop_oneof![6 => 0u64..3, 1 => any::<u64>()]
}

fn ident() -> impl Strategy<Value = Ident> {
    prop_oneof![
        number().prop_map(Ident::Numeric),
        prop::sample::select(&["alpha", "beta", "rc", "a-b", "0a", "Z"][..])
            .prop_map(|s| Ident::Alphanumeric(s.to_owned())),
        "[0-9A-Za-z-]{0,2}[A-Za-z-][0-9A-Za-z-]{0,2}".prop_map(Ident::Alphanumeric),
    ]
}

fn parts() -> impl Strategy<Value = Parts> {
    (
        [number(), number(), number()],
        prop_oneof![Just(Vec::new()), prop::collection::vec(ident(), 1..4)],
    )
        .prop_map(|(core, pre)| Parts { core, pre })
        .prop_filter("at most 64 characters", |p| p.render().len() <= 64)
}

fn parsed(p: &Parts) -> Version {
    Version::parse(&p.render()).expect("generated versions are valid")
}

/// SemVer's grammar (without build metadata) and the 64-character cap, from the spec.
fn spec_valid_version(raw: &str) -> bool {
    let number = |s: &str| {
        !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) && (s == "0" || !s.starts_with('0'))
    };
    let ident = |s: &str| {
        !s.is_empty()
            && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && (number(s) || !s.bytes().all(|b| b.is_ascii_digit()))
    };
    let (core, pre) = match raw.split_once('-') {
        Some((core, pre)) => (core, Some(pre)),
        None => (raw, None),
    };
    let fits = |s: &str| s.parse::<u64>().is_ok();
    let core: Vec<&str> = core.split('.').collect();
    raw.len() <= 64
        && core.len() == 3
        && core.iter().all(|s| number(s) && fits(s))
        && pre.is_none_or(|pre| pre.split('.').all(ident))
}

/// The rule of 1.3, over `(version, yanked)` of live versions.
fn oracle_latest(versions: &[(Parts, bool)]) -> Option<String> {
    let best = |pre: bool| {
        versions
            .iter()
            .filter(|(v, yanked)| !yanked && v.pre.is_empty() != pre)
            .map(|(v, _)| v)
            .max_by(|a, b| spec_cmp(a, b))
    };
    best(false).or_else(|| best(true)).map(Parts::render)
}

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn version_syntax_follows_the_spec(
        raw in prop_oneof![
            "[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}(-[0-9A-Za-z.-]{0,6})?",
            "[0-9]{1,2}\\.[0-9]{1,2}\\.[0-9]{1,2}\\+[0-9A-Za-z.-]{0,4}",
            "[0-9a-z.+-]{0,10}",
            "[1-9]{20,22}\\.0\\.0",
            "1\\.0\\.0-[a-z]{60,62}",
        ]
    ) {
        let result = Version::parse(&raw);
        // The spec's grammar has no `+`: build metadata is refused outright.
        prop_assert_eq!(result.is_ok(), spec_valid_version(&raw), "{:?}: {:?}", raw, result);
        if let Ok(version) = result {
            prop_assert_eq!(version.to_string(), raw);
        }
    }

    #[test]
    fn build_metadata_is_refused(p in parts(), build in "[0-9A-Za-z-]{1,5}") {
        let raw = format!("{}+{build}", p.render());
        prop_assume!(raw.len() <= 64);
        prop_assert_eq!(Version::parse(&raw), Err(VersionError::BuildMetadata(raw.clone())));
    }

    #[test]
    fn ordering_is_semver_precedence_and_a_total_order(a in parts(), b in parts(), c in parts()) {
        let (va, vb, vc) = (parsed(&a), parsed(&b), parsed(&c));
        let sa = semver::Version::parse(&a.render()).expect("valid semver");
        let sb = semver::Version::parse(&b.render()).expect("valid semver");
        prop_assert_eq!(va.cmp(&vb), spec_cmp(&a, &b), "{} vs {}", va, vb);
        prop_assert_eq!(va.cmp(&vb), sa.cmp(&sb), "{} vs {}", va, vb);
        // Consistent with Eq and PartialOrd; equal exactly when the text is the same.
        prop_assert_eq!(va == vb, va.cmp(&vb) == Ordering::Equal);
        prop_assert_eq!(va.partial_cmp(&vb), Some(va.cmp(&vb)));
        prop_assert_eq!(va == vb, a.render() == b.render());
        prop_assert_eq!(vb.cmp(&va), va.cmp(&vb).reverse());
        if va <= vb && vb <= vc {
            prop_assert!(va <= vc, "{} <= {} <= {}", va, vb, vc);
        }
    }

    #[test]
    fn latest_follows_the_rule(
        versions in prop::collection::vec((parts(), any::<bool>()), 0..8)
    ) {
        let ours: Vec<(Version, bool)> = versions.iter().map(|(p, y)| (parsed(p), *y)).collect();
        let got = version::latest(ours.iter().map(|(v, y)| (v, *y))).map(ToString::to_string);
        prop_assert_eq!(got, oracle_latest(&versions));
    }

    /// The same rule through the index: tombstones are not live, publish order is irrelevant.
    #[test]
    fn a_records_latest_follows_the_rule(
        (lines, shuffled) in prop::collection::vec((parts(), any::<bool>(), any::<bool>()), 0..8)
            .prop_map(|mut lines| {
                // A version appears once in a package file.
                let mut seen = std::collections::BTreeSet::new();
                lines.retain(|(p, _, _)| seen.insert(p.render()));
                lines
            })
            .prop_flat_map(|lines| (Just(lines.clone()), Just(lines).prop_shuffle()))
    ) {
        let record = |lines: &[(Parts, bool, bool)]| PackageRecord {
            lines: lines.iter().map(|(p, y, d)| line("pkg", &p.render(), *y, *d)).collect(),
        };
        let live: Vec<(Parts, bool)> =
            lines.iter().filter(|(_, _, d)| !d).map(|(p, y, _)| (p.clone(), *y)).collect();
        let want = oracle_latest(&live);
        for order in [&lines, &shuffled] {
            let got = record(order).latest().map(|l| l.version.clone());
            prop_assert_eq!(&got, &want);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// 3. An incremental site equals a full build, over random operation sequences

/// Four spellings, three packages: `my_pkg` and `my-pkg` are one name, so whichever is
/// published first takes it. The lengths cover the 1-, 2- and long-name shards.
const NAMES: &[&str] = &["x", "ab", "my_pkg", "my-pkg"];
const VERSIONS: &[&str] = &["0.9.0", "1.0.0", "1.1.0", "2.0.0-rc.1", "2.0.0"];
/// Two npm packages, one scoped (its files two folders deep).
const NPM_NAMES: &[&str] = &["a", "@s/lib"];
/// Fewer versions than [`VERSIONS`], so that tags, deprecations and unpublishes often find
/// the version published; still a lower release, a pre-release and the release above it.
const NPM_VERSIONS: &[&str] = &["0.9.0", "1.0.0", "2.0.0-rc.1", "2.0.0"];
/// The tags a publish may carry (`npm publish --tag`).
const PUBLISH_TAGS: &[&str] = &["latest", "next"];
/// The tags `npm dist-tag add` may set; `rm` takes all but `latest`, which the API refuses
/// to remove.
const TAGS: &[&str] = &["latest", "next", "beta"];
/// Deprecation messages; the empty one un-deprecates, as `npm deprecate x ""` does.
const MESSAGES: &[&str] = &["old", "", "use 2"];

#[derive(Debug, Clone)]
enum Op {
    Publish(&'static str, &'static str),
    Yank(&'static str, &'static str),
    Unyank(&'static str, &'static str),
    Delete(&'static str, &'static str),
    DeletePackage(&'static str),
    /// `npm publish` of name@version under a tag.
    NpmPublish(&'static str, &'static str, &'static str),
    /// `npm dist-tag add name@version tag`: (name, tag, version).
    NpmTag(&'static str, &'static str, Pick),
    /// `npm dist-tag rm name tag`.
    NpmUntag(&'static str, &'static str),
    /// `npm deprecate name@version message`.
    NpmDeprecate(&'static str, Pick, &'static str),
    /// `npm unpublish name@version`.
    NpmUnpublish(&'static str, Pick),
    /// `npm unpublish name --force`.
    NpmUnpublishAll(&'static str),
    /// A push of image n (one of [`OCI_IMAGES`]) to repository:tag.
    OciPush(&'static str, &'static str, usize),
    /// `DELETE /v2/{repository}/manifests/{digest of image n}`.
    OciDelete(&'static str, usize),
    /// `DELETE /v2/{repository}/manifests/{tag}`.
    OciUntag(&'static str, &'static str),
    /// Closes the registry and opens it again, as a restarted server does: what it kept in
    /// memory (the catalog) is reloaded from the index.
    Reopen,
}

fn op() -> impl Strategy<Value = Op> {
    let name = || prop::sample::select(NAMES);
    let pair = || (prop::sample::select(NAMES), prop::sample::select(VERSIONS));
    prop_oneof![
        4 => pair().prop_map(|(n, v)| Op::Publish(n, v)),
        2 => pair().prop_map(|(n, v)| Op::Yank(n, v)),
        1 => pair().prop_map(|(n, v)| Op::Unyank(n, v)),
        1 => pair().prop_map(|(n, v)| Op::Delete(n, v)),
        1 => name().prop_map(Op::DeletePackage),
        1 => Just(Op::Reopen),
        10 => npm_op(),
        6 => oci_op(),
    ]
}

/// Two repositories, one nested (its files under the other's name).
const OCI_REPOS: &[&str] = &["app", "app/web"];
const OCI_TAGS: &[&str] = &["latest", "v1"];
/// How many different images the pushes choose from.
const OCI_IMAGES: usize = 3;

/// OCI's operations, pushes weighted up.
fn oci_op() -> impl Strategy<Value = Op> {
    let repo = || prop::sample::select(OCI_REPOS);
    let tag = || prop::sample::select(OCI_TAGS);
    prop_oneof![
        3 => (repo(), tag(), 0..OCI_IMAGES).prop_map(|(r, t, n)| Op::OciPush(r, t, n)),
        1 => (repo(), 0..OCI_IMAGES).prop_map(|(r, n)| Op::OciDelete(r, n)),
        1 => (repo(), tag()).prop_map(|(r, t)| Op::OciUntag(r, t)),
    ]
}

/// Image n: its config, its layer and its manifest.
fn oci_image(n: usize) -> (Vec<u8>, Vec<u8>, Vec<u8>) {
    let config = format!("{{\"n\":{n}}}").into_bytes();
    let layer = format!("layer {n}").into_bytes();
    let descriptor = |media_type: &str, bytes: &[u8]| {
        serde_json::json!({
            "mediaType": media_type, "digest": common::oci::digest(bytes), "size": bytes.len()
        })
    };
    let manifest = serde_json::json!({
        "schemaVersion": 2,
        "mediaType": common::oci::MANIFEST,
        "config": descriptor(common::oci::CONFIG, &config),
        "layers": [descriptor(common::oci::LAYER, &layer)]
    });
    (config, layer, manifest.to_string().into_bytes())
}

/// The version an npm operation acts on, picked when it runs: mostly one the package has
/// had (live or unpublished: a version picked blindly would rarely be one), sometimes any.
#[derive(Debug, Clone, Copy)]
enum Pick {
    /// The package's n-th version in publish order, modulo how many it has had.
    Had(usize),
    Any(&'static str),
}

impl Pick {
    /// The version, once [`Model::resolve`] has picked it.
    fn version(self) -> &'static str {
        match self {
            Pick::Any(version) => version,
            Pick::Had(_) => unreachable!("versions are picked before an operation runs"),
        }
    }
}

fn npm_publish_op() -> impl Strategy<Value = Op> {
    (
        prop::sample::select(NPM_NAMES),
        prop::sample::select(NPM_VERSIONS),
        prop::sample::select(PUBLISH_TAGS),
    )
        .prop_map(|(n, v, t)| Op::NpmPublish(n, v, t))
}

/// npm's operations, publishes weighted up so that packages get versions to act on.
fn npm_op() -> impl Strategy<Value = Op> {
    let name = || prop::sample::select(NPM_NAMES);
    let version = || {
        prop_oneof![
            3 => (0..4usize).prop_map(Pick::Had),
            1 => prop::sample::select(NPM_VERSIONS).prop_map(Pick::Any),
        ]
    };
    prop_oneof![
        3 => npm_publish_op(),
        2 => (name(), prop::sample::select(TAGS), version())
            .prop_map(|(n, t, v)| Op::NpmTag(n, t, v)),
        1 => (name(), prop::sample::select(&TAGS[1..])).prop_map(|(n, t)| Op::NpmUntag(n, t)),
        2 => (name(), version(), prop::sample::select(MESSAGES))
            .prop_map(|(n, v, m)| Op::NpmDeprecate(n, v, m)),
        1 => (name(), version()).prop_map(|(n, v)| Op::NpmUnpublish(n, v)),
        1 => name().prop_map(Op::NpmUnpublishAll),
    ]
}

/// What the registry must do with an operation.
#[derive(Debug, PartialEq)]
enum Outcome {
    Changed,
    /// Accepted, but already so (yanking a yanked version).
    NoChange,
    Refused(&'static str),
}

/// What the index must hold, by canonical name: each package's spelling and lines, kept by
/// the rules of index/README.md (1.1, 1.2, 2.6, 2.7) rather than by the registry's code.
#[derive(Debug, Default)]
struct Model {
    packages: BTreeMap<String, (String, Lines)>,
    /// npm packages by name.
    npm: BTreeMap<&'static str, NpmPackage>,
    /// OCI repositories by name.
    oci: BTreeMap<&'static str, OciRepo>,
}

/// An OCI repository as the index must hold it: its manifests (images) in push order and
/// its tags. It exists from its first push, even once every manifest is deleted.
#[derive(Debug, Default)]
struct OciRepo {
    manifests: Vec<usize>,
    tags: BTreeMap<&'static str, usize>,
}

/// An npm package as the index must hold it.
#[derive(Debug, Default)]
struct NpmPackage {
    /// `(version, deprecation, unpublished)`, in publish order.
    versions: Vec<(&'static str, Option<&'static str>, bool)>,
    /// Tag → version.
    tags: BTreeMap<&'static str, &'static str>,
}

impl NpmPackage {
    fn live(&self) -> Vec<&'static str> {
        self.versions
            .iter()
            .filter(|(_, _, gone)| !gone)
            .map(|(v, _, _)| *v)
            .collect()
    }

    /// npm's registry keeps tags on live versions only, and `latest` always, while any
    /// version is live: when it names none, it moves to the highest live release (or the
    /// highest pre-release when there is no release).
    fn repair(&mut self) {
        let live = self.live();
        self.tags.retain(|_, v| live.contains(v));
        if !self.tags.contains_key("latest") {
            let best = |pre: bool| {
                live.iter()
                    .filter(|v| parts_of(v).pre.is_empty() != pre)
                    .max_by(|a, b| spec_cmp(&parts_of(a), &parts_of(b)))
                    .copied()
            };
            if let Some(v) = best(false).or_else(|| best(true)) {
                self.tags.insert("latest", v);
            }
        }
    }
}

/// A package's `(version, yanked, deleted)`, in publish order.
type Lines = Vec<(&'static str, bool, bool)>;

impl Model {
    fn apply(&mut self, op: &Op) -> Outcome {
        match *op {
            Op::Publish(name, version) => {
                let (spelling, lines) = self
                    .packages
                    .entry(canonical(name))
                    .or_insert_with(|| (name.to_owned(), Vec::new()));
                if spelling != name {
                    return Outcome::Refused("NameTaken");
                }
                match lines.iter().find(|(v, _, _)| *v == version) {
                    Some((_, _, false)) => Outcome::Refused("VersionExists"),
                    Some((_, _, true)) => Outcome::Refused("VersionDeleted"),
                    None => {
                        lines.push((version, false, false));
                        Outcome::Changed
                    }
                }
            }
            Op::Yank(name, version) | Op::Unyank(name, version) | Op::Delete(name, version) => {
                let Some(lines) = self.live_lines(name) else {
                    return Outcome::Refused("PackageNotFound");
                };
                let Some(line) = lines.iter_mut().find(|(v, _, d)| *v == version && !d) else {
                    return Outcome::Refused("VersionNotFound");
                };
                match op {
                    Op::Delete(..) => line.2 = true,
                    _ => {
                        let yank = matches!(op, Op::Yank(..));
                        if line.1 == yank {
                            return Outcome::NoChange;
                        }
                        line.1 = yank;
                    }
                }
                Outcome::Changed
            }
            Op::DeletePackage(name) => {
                let Some(lines) = self.live_lines(name) else {
                    return Outcome::Refused("PackageNotFound");
                };
                for line in lines.iter_mut() {
                    line.2 = true;
                }
                Outcome::Changed
            }
            Op::Reopen => Outcome::NoChange,
            Op::OciPush(repo, tag, n) => {
                let repo = self.oci.entry(repo).or_default();
                if repo.manifests.contains(&n) && repo.tags.get(tag) == Some(&n) {
                    return Outcome::NoChange;
                }
                if !repo.manifests.contains(&n) {
                    repo.manifests.push(n);
                }
                repo.tags.insert(tag, n);
                Outcome::Changed
            }
            Op::OciDelete(repo, n) => {
                let Some(repo) = self.oci.get_mut(repo).filter(|r| r.manifests.contains(&n)) else {
                    return Outcome::Refused("Unknown");
                };
                repo.manifests.retain(|m| *m != n);
                repo.tags.retain(|_, m| *m != n);
                Outcome::Changed
            }
            Op::OciUntag(repo, tag) => {
                match self.oci.get_mut(repo).and_then(|r| r.tags.remove(tag)) {
                    Some(_) => Outcome::Changed,
                    None => Outcome::Refused("Unknown"),
                }
            }
            _ => self.apply_npm(op),
        }
    }

    /// `op` with its [`Pick`] made a version.
    fn resolve(&self, op: &Op) -> Op {
        let pick = |name: &str, pick: Pick| {
            let had = self
                .npm
                .get(name)
                .map(|p| &p.versions[..])
                .unwrap_or_default();
            match pick {
                Pick::Had(n) if !had.is_empty() => Pick::Any(had[n % had.len()].0),
                Pick::Had(n) => Pick::Any(NPM_VERSIONS[n % NPM_VERSIONS.len()]),
                any @ Pick::Any(_) => any,
            }
        };
        match *op {
            Op::NpmTag(name, tag, p) => Op::NpmTag(name, tag, pick(name, p)),
            Op::NpmDeprecate(name, p, message) => Op::NpmDeprecate(name, pick(name, p), message),
            Op::NpmUnpublish(name, p) => Op::NpmUnpublish(name, pick(name, p)),
            ref other => other.clone(),
        }
    }

    fn apply_npm(&mut self, op: &Op) -> Outcome {
        if let Op::NpmPublish(name, version, tag) = *op {
            let package = self.npm.entry(name).or_default();
            return match package.versions.iter().find(|(v, _, _)| *v == version) {
                Some((_, _, false)) => Outcome::Refused("VersionExists"),
                Some((_, _, true)) => Outcome::Refused("VersionDeleted"),
                None => {
                    package.versions.push((version, None, false));
                    package.tags.insert(tag, version);
                    package.repair();
                    Outcome::Changed
                }
            };
        }
        let name = match *op {
            Op::NpmTag(name, ..)
            | Op::NpmUntag(name, _)
            | Op::NpmDeprecate(name, ..)
            | Op::NpmUnpublish(name, _)
            | Op::NpmUnpublishAll(name) => name,
            _ => unreachable!("not an npm operation: {op:?}"),
        };
        // Every change but a publish is to a package with a live version.
        let Some(package) = self.npm.get_mut(name).filter(|p| !p.live().is_empty()) else {
            return Outcome::Refused("PackageNotFound");
        };
        let live = package.live();
        let changed = match *op {
            Op::NpmTag(_, tag, version) => {
                let version = version.version();
                if !live.contains(&version) {
                    return Outcome::Refused("VersionNotFound");
                }
                package.tags.insert(tag, version) != Some(version)
            }
            Op::NpmUntag(_, tag) => package.tags.remove(tag).is_some(),
            Op::NpmDeprecate(_, version, message) => {
                let version = version.version();
                let message = Some(message).filter(|m| !m.is_empty());
                match package
                    .versions
                    .iter_mut()
                    .find(|(v, _, gone)| *v == version && !gone)
                {
                    Some(line) if line.1 != message => {
                        line.1 = message;
                        true
                    }
                    // A version that is not live, or already so: nothing to do.
                    _ => false,
                }
            }
            Op::NpmUnpublish(_, version) => {
                let version = version.version();
                let Some(line) = package
                    .versions
                    .iter_mut()
                    .find(|(v, _, gone)| *v == version && !gone)
                else {
                    return Outcome::Refused("VersionNotFound");
                };
                line.2 = true;
                true
            }
            _ => {
                for line in &mut package.versions {
                    line.2 = true;
                }
                true
            }
        };
        package.repair();
        if changed {
            Outcome::Changed
        } else {
            Outcome::NoChange
        }
    }

    /// A package's lines when it has a live version (what yank and delete act on).
    fn live_lines(&mut self, name: &str) -> Option<&mut Lines> {
        self.packages
            .get_mut(&canonical(name))
            .map(|(_, lines)| lines)
            .filter(|lines| lines.iter().any(|(_, _, deleted)| !deleted))
    }
}

/// Why an operation failed: the registry's error, or OCI's refusal.
#[derive(Debug)]
enum Failure {
    Registry(RegistryError),
    Oci(Refusal),
}

impl From<RegistryError> for Failure {
    fn from(e: RegistryError) -> Self {
        Failure::Registry(e)
    }
}

impl From<Refusal> for Failure {
    fn from(r: Refusal) -> Self {
        Failure::Oci(r)
    }
}

fn run(fx: &Fixture, registry: &mut Registry, op: &Op) -> Result<bool, Failure> {
    let actor = Author::named("alice");
    let repo = |name: &str| RepoName::parse(name).expect("the test's repositories are valid");
    match *op {
        Op::OciPush(name, tag, n) => {
            let (config, layer, manifest) = oci_image(n);
            // The blobs, as uploads put them before the manifest.
            for blob in [&config, &layer] {
                let hex = common::oci::digest(blob)
                    .trim_start_matches("sha256:")
                    .to_owned();
                if !registry.blobs().contains(&hex) {
                    let staged = registry
                        .blobs()
                        .stage(blob.as_slice(), 1 << 20)
                        .expect("stage");
                    registry.blobs().commit(staged).expect("commit a blob");
                }
                // Uploaded to this repository, which then holds it.
                let holder = shelf::oci::ops::holder(&repo(name));
                registry.blobs().hold(&holder, &hex).expect("hold");
            }
            let staged = registry
                .blobs()
                .stage(manifest.as_slice(), 1 << 20)
                .expect("stage");
            let new = NewManifest {
                name: repo(name),
                digest: Digest::parse(&common::oci::digest(&manifest)).expect("a digest"),
                manifest: oci_manifest::parse(&manifest, None).expect("the test's manifests"),
                tag: Some(Tag::parse(tag).expect("a tag")),
            };
            registry
                .oci_put_manifest(new, staged, &actor, clock::now(), |_| Ok::<(), Failure>(()))
                .map(|c| c.commit.is_some())
        }
        Op::OciDelete(name, n) => {
            let digest = common::oci::digest(&oci_image(n).2);
            let digest = Digest::parse(&digest).expect("a digest");
            registry
                .oci_delete_manifest(&repo(name), &digest, &actor, |_| Ok::<(), Failure>(()))
                .map(|c| c.commit.is_some())
        }
        Op::OciUntag(name, tag) => {
            let tag = Tag::parse(tag).expect("a tag");
            registry
                .oci_delete_tag(&repo(name), &tag, &actor, |_| Ok::<(), Failure>(()))
                .map(|c| c.commit.is_some())
        }
        _ => run_core(fx, registry, op).map_err(Failure::Registry),
    }
}

fn run_core(fx: &Fixture, registry: &mut Registry, op: &Op) -> Result<bool, RegistryError> {
    let actor = Author::named("alice");
    match *op {
        Op::Reopen => {
            *registry = fx.registry();
            Ok(false)
        }
        Op::Publish(name, version) => {
            let zip = ZipBuilder::package(name, version).build();
            registry
                .add(zip.as_slice(), "notes", &actor, clock::now())
                .map(|_| true)
        }
        Op::Yank(name, version) => registry.set_yanked(name, version, true, &actor),
        Op::Unyank(name, version) => registry.set_yanked(name, version, false, &actor),
        Op::Delete(name, version) => registry
            .delete(name, Some(version), &actor, clock::now())
            .map(|_| true),
        Op::DeletePackage(name) => registry
            .delete(name, None, &actor, clock::now())
            .map(|_| true),
        Op::NpmPublish(name, version, tag) => npm_publish(registry, name, version, tag),
        Op::NpmTag(name, tag, version) => {
            let version = version.version();
            registry.npm_dist_tag(&npm_name(name), tag, Some(version), &actor)
        }
        Op::NpmUntag(name, tag) => registry.npm_dist_tag(&npm_name(name), tag, None, &actor),
        Op::NpmDeprecate(name, version, message) => {
            let messages = [(version.version().to_owned(), Some(message.to_owned()))];
            registry.npm_deprecate(&npm_name(name), &messages, &actor)
        }
        Op::NpmUnpublish(name, version) => {
            let version = version.version();
            registry.npm_unpublish(&npm_name(name), Some(version), &actor, clock::now())
        }
        Op::NpmUnpublishAll(name) => {
            registry.npm_unpublish(&npm_name(name), None, &actor, clock::now())
        }
        Op::OciPush(..) | Op::OciDelete(..) | Op::OciUntag(..) => {
            unreachable!("OCI's operations are run by `run`")
        }
    }
}

fn npm_name(name: &str) -> NpmName {
    NpmName::parse(name).expect("the test's npm names are valid")
}

/// What the API does with a publish once its checks pass: the tarball staged in the blob
/// store and inspected, the version's manifest (its `package.json`) and digests, the tag.
fn npm_publish(
    registry: &mut Registry,
    name: &str,
    version: &str,
    tag: &str,
) -> Result<bool, RegistryError> {
    let tgz = Tgz::package(name, version).build();
    let inspected = tarball::inspect(tgz.as_slice(), &tarball::Limits::default())
        .expect("the test's tarballs are valid");
    let mut stager = registry.blobs().stager(1 << 20).expect("a staging file");
    stager.write_all(&tgz).expect("stage the tarball");
    let staged = stager.finish().expect("staged");
    let new = NewVersion {
        name: npm_name(name),
        version: version.to_owned(),
        manifest: inspected.manifest.clone(),
        readme: inspected.readme.clone().unwrap_or_default(),
        integrity: npm_files::integrity(&tgz),
        shasum: npm_files::shasum(&tgz),
        tags: vec![tag.to_owned()],
    };
    let actor = Author::named("alice");
    registry
        .npm_publish(new, staged, &inspected, &actor, clock::now(), |_| {
            Ok::<(), RegistryError>(())
        })
        .map(|_| true)
}

fn error_kind(e: &Failure) -> &'static str {
    let e = match e {
        Failure::Oci(Refusal::Unknown(_)) => return "Unknown",
        Failure::Oci(_) => return "another refusal",
        Failure::Registry(e) => e,
    };
    match e {
        RegistryError::NameTaken { .. } => "NameTaken",
        RegistryError::VersionExists { .. } => "VersionExists",
        RegistryError::VersionDeleted { .. } => "VersionDeleted",
        RegistryError::PackageNotFound(_) => "PackageNotFound",
        RegistryError::VersionNotFound { .. } => "VersionNotFound",
        _ => "another error",
    }
}

/// Runs `ops`, checking each against the model, then compares the site with a full build.
fn incremental_equals_full(ops: &[Op]) -> Result<(), TestCaseError> {
    let fx = Fixture::new();
    let mut registry = fx.registry();
    // A registry's site exists from its first build (`shelf build`, or `shelf serve` on
    // start); before it, a refused first operation would have nothing to leave unchanged.
    registry.build(None).expect("first build");
    let mut model = Model::default();
    for (step, op) in ops.iter().enumerate() {
        let op = &model.resolve(op);
        let site_before = tree(&fx.site());
        let blobs_before = tree(&fx.data().join("blobs"));
        let head_before = registry.index().head().expect("head");
        let want = model.apply(op);
        let got = run(&fx, &mut registry, op);
        match (&want, &got) {
            (Outcome::Changed, Ok(true)) => {}
            (Outcome::NoChange, Ok(false)) => {}
            (Outcome::Refused(kind), Err(e)) if error_kind(e) == *kind => {}
            _ => {
                return Err(TestCaseError::fail(format!(
                    "step {step} {op:?}: expected {want:?}, got {got:?}"
                )));
            }
        }
        if want != Outcome::Changed {
            prop_assert_eq!(
                registry.index().head().expect("head"),
                head_before,
                "step {}",
                step
            );
            prop_assert!(
                tree(&fx.site()) == site_before,
                "step {step} {op:?} changed the site"
            );
            let blobs = tree(&fx.data().join("blobs"));
            prop_assert!(
                blobs == blobs_before,
                "step {step} {op:?} changed the blobs"
            );
        }
    }
    drop(registry);

    prop_assert_eq!(
        fx.git(&["status", "--porcelain", "--untracked-files=all"]),
        ""
    );
    let index = IndexRepo::open_or_init(&fx.index(), "").expect("open index");
    prop_assert_eq!(
        index.packages().expect("list"),
        model.packages.keys().cloned().collect::<Vec<_>>()
    );
    for (canonical, (spelling, lines)) in &model.packages {
        let record = index.read(canonical).expect("read").expect("package file");
        prop_assert_eq!(record.name(), Some(spelling.as_str()));
        let found: Vec<(&str, bool, bool)> = record
            .lines
            .iter()
            .map(|l| (l.version.as_str(), l.yanked, !l.is_live()))
            .collect();
        prop_assert_eq!(&found, lines);
        let live: Vec<(Parts, bool)> = lines
            .iter()
            .filter(|(_, _, deleted)| !deleted)
            .map(|(v, yanked, _)| (parts_of(v), *yanked))
            .collect();
        let latest = fx.site().join(spelling).join("releases/latest");
        match oracle_latest(&live) {
            Some(want) => prop_assert_eq!(
                &json(&fx.site(), &format!("{spelling}/releases/latest"))["tag_name"],
                want.as_str()
            ),
            None => prop_assert!(!latest.exists(), "{spelling} has no latest"),
        }
        prop_assert_eq!(fx.site().join(spelling).exists(), !live.is_empty());
    }
    check_npm(&fx, &model)?;
    check_oci(&fx, &model)?;

    let incremental = tree(&fx.site());
    let full_dir = fx.dir.path().join("full");
    let mut options: Options = fx.options();
    options.out = Some(full_dir.clone());
    Registry::open(&options)
        .expect("open")
        .build(None)
        .expect("full build");
    let full = tree(&full_dir);
    let differing: std::collections::BTreeSet<&String> = full
        .keys()
        .chain(incremental.keys())
        .filter(|k| full.get(*k) != incremental.get(*k))
        .collect();
    prop_assert!(
        differing.is_empty(),
        "incremental and full builds differ in {differing:?}"
    );
    let report = check::check(&fx.options(), &shelf::progress::silent()).expect("check");
    prop_assert!(report.is_clean(), "{report:?}");
    Ok(())
}

/// The npm packages in the index and the site are the model's.
fn check_npm(fx: &Fixture, model: &Model) -> Result<(), TestCaseError> {
    let listed = npm_record::packages(&fx.index()).expect("list npm packages");
    let names: Vec<String> = model.npm.keys().map(|n| (*n).to_owned()).collect();
    prop_assert_eq!(listed, names);
    for (name, package) in &model.npm {
        let record = read_record(&fx.index(), &npm_name(name))
            .expect("read")
            .expect("the package's file");
        let found: Vec<(&str, Option<&str>, bool)> = record
            .versions
            .iter()
            .map(|l| (l.version.as_str(), l.deprecated.as_deref(), !l.is_live()))
            .collect();
        prop_assert_eq!(&found, &package.versions, "{}", name);
        let tags: BTreeMap<&str, &str> = record
            .package
            .dist_tags
            .iter()
            .map(|(tag, v)| (tag.as_str(), v.as_str().unwrap_or_default()))
            .collect();
        prop_assert_eq!(&tags, &package.tags, "{}", name);

        let live = package.live();
        let packument = fx.site().join(format!("npm/{name}/index.json"));
        prop_assert_eq!(packument.exists(), !live.is_empty(), "{}", name);
        if live.is_empty() {
            continue;
        }
        let doc = json(&fx.site(), &format!("npm/{name}/index.json"));
        let served: BTreeMap<&str, &str> = doc["dist-tags"]
            .as_object()
            .expect("dist-tags")
            .iter()
            .map(|(tag, v)| (tag.as_str(), v.as_str().unwrap_or_default()))
            .collect();
        prop_assert_eq!(&served, &package.tags, "{}", name);
        let versions: Vec<&str> = doc["versions"]
            .as_object()
            .expect("versions")
            .keys()
            .map(String::as_str)
            .collect();
        prop_assert_eq!(&versions, &live, "{}", name);
        let basename = name.rsplit('/').next().unwrap_or(name);
        for (version, deprecated, gone) in &package.versions {
            let tgz = fx
                .site()
                .join(format!("npm/{name}/-/{basename}-{version}.tgz"));
            prop_assert_eq!(tgz.exists(), !gone, "{}@{}", name, version);
            if !gone {
                let shown = doc["versions"][*version]["deprecated"].as_str();
                prop_assert_eq!(shown, *deprecated, "{}@{}", name, version);
            }
        }
    }
    Ok(())
}

/// The OCI repositories in the index and the site are the model's.
fn check_oci(fx: &Fixture, model: &Model) -> Result<(), TestCaseError> {
    let listed = oci_record::repositories(&fx.index()).expect("list repositories");
    let names: Vec<String> = model.oci.keys().map(|n| (*n).to_owned()).collect();
    prop_assert_eq!(listed, names);
    let digest_of = |n: usize| common::oci::digest(&oci_image(n).2);
    for (name, repo) in &model.oci {
        let record = oci_record::read_record(&fx.index(), &RepoName::parse(name).expect("name"))
            .expect("read")
            .expect("the repository's file");
        let found: Vec<&str> = record.manifests.iter().map(|m| m.digest.as_str()).collect();
        let want: Vec<String> = repo.manifests.iter().map(|n| digest_of(*n)).collect();
        prop_assert_eq!(found, want.iter().map(String::as_str).collect::<Vec<_>>());
        let tags: BTreeMap<&str, String> = repo
            .tags
            .iter()
            .map(|(tag, n)| (*tag, digest_of(*n)))
            .collect();
        let in_index: BTreeMap<&str, String> = record
            .repo
            .tags
            .iter()
            .map(|(tag, d)| (tag.as_str(), d.clone()))
            .collect();
        prop_assert_eq!(&in_index, &tags, "{}", name);
        let list = json(&fx.site(), &format!("v2/{name}/tags/list"));
        let served: Vec<&str> = list["tags"]
            .as_array()
            .expect("tags")
            .iter()
            .filter_map(serde_json::Value::as_str)
            .collect();
        prop_assert_eq!(served, tags.keys().copied().collect::<Vec<_>>(), "{}", name);
        for (tag, digest) in &tags {
            let file = fx
                .site()
                .join(format!("v2/{name}/manifests/{tag}/{digest}.oci-manifest"));
            prop_assert!(file.exists(), "{}:{} names {}", name, tag, digest);
        }
    }
    Ok(())
}

/// The parts of one of [`VERSIONS`].
fn parts_of(version: &str) -> Parts {
    let (core, pre) = version.split_once('-').unwrap_or((version, ""));
    let mut numbers = core.split('.').map(|n| n.parse::<u64>().expect("a number"));
    let mut next = || numbers.next().expect("three numbers");
    Parts {
        core: [next(), next(), next()],
        pre: pre
            .split('.')
            .filter(|s| !s.is_empty())
            .map(|s| {
                s.parse()
                    .map_or_else(|_| Ident::Alphanumeric(s.to_owned()), Ident::Numeric)
            })
            .collect(),
    }
}

proptest! {
    #![proptest_config(config(24))]

    /// Up to two npm publishes first, so that the npm operations after them more often
    /// find a version to act on.
    #[test]
    fn an_incremental_site_equals_a_full_build(
        ops in (prop::collection::vec(npm_publish_op(), 0..=2), prop::collection::vec(op(), 1..=16))
            .prop_map(|(mut first, then)| {
                first.extend(then);
                first
            })
    ) {
        incremental_equals_full(&ops)?;
    }
}
