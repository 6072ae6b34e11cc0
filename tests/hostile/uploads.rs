//! Hostile zips sent to the victim's upload URL: lying or parser-attacking `publish.yaml`
//! files, escaping and duplicate entries, names Windows cannot create or that Windows and
//! macOS unpack to one path, symlinks, encryption, lying sizes and bombs.

use shelf::serverless::package::testing::{
    ZipBuilder, publish_yaml, rename_entry, set_declared_size, set_encrypted_flag,
};

use crate::{
    catalogue::{Case, Ctx, Payload, case, put_zip},
    zips::{bomb, overlapping, with_duplicate, with_entry_named, with_method},
};

fn with_manifest(yaml: impl Into<Vec<u8>>) -> Vec<u8> {
    ZipBuilder::new()
        .file("publish.yaml", yaml)
        .file("README.md", "# victim\n")
        .build()
}

const BAD_MANIFEST: &str = "publish.yaml is not a valid package manifest";

/// `publish.yaml` files that lie about the package, or attack the YAML parser.
pub fn manifests(ctx: &Ctx) -> Vec<Case> {
    let mut cases = Vec::new();
    let field = |name: &str, version: &str| {
        format!("Edition: 3.0.0\nType: Component\nName: {name}\nVersion: {version}\n")
    };
    for (label, name) in [
        ("../victim", "../victim"),
        ("victim/../../x", "victim/../../x"),
        ("%2e%2e%2fvictim", "\"%2e%2e%2fvictim\""),
        ("a backslash", "\"vic\\\\tim\""),
        ("an escaped NUL", "\"victim\\0\""),
        ("an escaped control character", "\"vic\\x01tim\""),
        ("65 characters", &"a".repeat(65)),
        ("100,000 characters", &"a".repeat(100_000)),
    ] {
        cases.push(
            put_zip(
                ctx,
                format!("publish.yaml Name {label}"),
                with_manifest(field(name, "1.0.0")),
            )
            .expect(
                400,
                format!("{BAD_MANIFEST}: publish.yaml field Name is invalid"),
            ),
        );
    }
    for (label, version) in [
        ("1.0.0/../../x", "1.0.0/../../x"),
        ("..", "\"..\""),
        ("an escaped NUL", "\"1.0.0\\0\""),
        (
            "100,000 characters",
            &format!("1.0.0-{}", "a".repeat(100_000)),
        ),
    ] {
        cases.push(
            put_zip(
                ctx,
                format!("publish.yaml Version {label}"),
                with_manifest(field("victim", version)),
            )
            .expect(
                400,
                format!("{BAD_MANIFEST}: publish.yaml field Version is invalid"),
            ),
        );
    }
    cases.push(
        put_zip(
            ctx,
            "publish.yaml for another package",
            ZipBuilder::package("other", "1.0.0").build(),
        )
        .expect(
            400,
            "publish.yaml says other@1.0.0, but the upload URL is for victim@1.0.0",
        ),
    );
    cases.push(
        put_zip(
            ctx,
            "publish.yaml for another version",
            ZipBuilder::package("victim", "1.0.1").build(),
        )
        .expect(
            400,
            "publish.yaml says victim@1.0.1, but the upload URL is for victim@1.0.0",
        ),
    );
    // `v1.0.0` is neither the announced version nor a version at all.
    cases.push(
        put_zip(
            ctx,
            "publish.yaml for victim with v prefix",
            with_manifest(field("victim", "v1.0.0")),
        )
        .expect(400, "publish.yaml field Version is invalid"),
    );
    let not_yaml = |label: &str, yaml: Vec<u8>, fragment: &str| {
        put_zip(ctx, format!("publish.yaml {label}"), with_manifest(yaml)).expect(
            400,
            format!("{BAD_MANIFEST}: publish.yaml is not valid YAML: {fragment}"),
        )
    };
    let base = publish_yaml("victim", "1.0.0");
    cases.push(not_yaml(
        "with a raw NUL byte",
        format!("{base}Description: a\0b\n").into_bytes(),
        "",
    ));
    cases.push(not_yaml(
        "with a raw control character",
        format!("{base}Category: a\u{1}b\n").into_bytes(),
        "",
    ));
    cases.push(not_yaml(
        "that is not UTF-8",
        [base.as_bytes(), b"Category: \xff\xfe\n"].concat(),
        "",
    ));
    // Deep flow nesting is refused before the YAML tokenizer sees it (its cost grows with
    // the square of the depth); shallower nesting past the parser's depth limit of 128 is
    // refused by the parser.
    let flow = format!("{BAD_MANIFEST}: publish.yaml has too many '[' and '{{'");
    let deep = |open: &str, close: &str, depth: usize| {
        format!(
            "{base}Properties: {}1{}\n",
            open.repeat(depth),
            close.repeat(depth)
        )
        .into_bytes()
    };
    for (label, open, close) in [("sequences", "[", "]"), ("mappings", "{a: ", "}")] {
        cases.push(
            put_zip(
                ctx,
                format!("publish.yaml with {label} nested 100,000 deep"),
                with_manifest(deep(open, close, 100_000)),
            )
            .expect(400, flow.clone()),
        );
        cases.push(not_yaml(
            &format!("with {label} nested 200 deep"),
            deep(open, close, 200),
            "recursion limit exceeded",
        ));
    }
    // Every `[` opens a sequence whose only `]` is quoted: a bracket count that trusted
    // closing brackets would see depth 1, the tokenizer sees 100,000.
    cases.push(
        put_zip(
            ctx,
            "publish.yaml opening 100,000 sequences behind quoted brackets",
            with_manifest(format!(
                "{base}Properties: [{}]\n",
                "\"]\", [".repeat(100_000)
            )),
        )
        .expect(400, flow.clone()),
    );
    let mut block = base.clone();
    block.push_str("Properties:\n");
    // As deep as block style gets within the manifest limit (indentation costs depth² / 2).
    for depth in 1..=1_000 {
        block.push_str(&" ".repeat(depth));
        block.push_str("a:\n");
    }
    cases.push(not_yaml(
        "with block mappings nested 1,000 deep",
        block.into_bytes(),
        "recursion limit exceeded",
    ));
    // Nine levels of ten aliases each: a billion copies if the parser expanded them.
    let mut laughs = format!(
        "{base}Properties:\n  l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
    );
    for level in 1..=9 {
        let refs = vec![format!("*l{}", level - 1); 10].join(", ");
        laughs.push_str(&format!("  l{level}: &l{level} [{refs}]\n"));
    }
    cases.push(not_yaml(
        "with a billion laughs",
        laughs.into_bytes(),
        "repetition limit exceeded",
    ));
    // A second Name: which one a reader believes depends on the reader.
    cases.push(not_yaml(
        "with Name twice",
        format!("{base}Name: evil\n").into_bytes(),
        "duplicate entry with key \"Name\"",
    ));
    cases.push(not_yaml(
        "with Version twice",
        format!("{base}Version: 9.9.9\n").into_bytes(),
        "duplicate entry with key \"Version\"",
    ));
    cases.push(
        put_zip(
            ctx,
            "publish.yaml over 1 MiB",
            // Stored: deflated, a megabyte of one letter would be refused for its ratio first.
            ZipBuilder::new()
                .stored(
                    "publish.yaml",
                    format!("{base}Description: {}\n", "a".repeat(1 << 20)),
                )
                .build(),
        )
        .expect(400, "larger than the limit of 1048576 bytes"),
    );
    cases
}

/// Zips whose structure is hostile, whatever their manifest says.
pub fn zips(ctx: &Ctx) -> Vec<Case> {
    let good = || ZipBuilder::package("victim", "1.0.0");
    let valid = good().build();
    let mut cases = vec![
        put_zip(ctx, "empty body", Vec::new()).expect(400, "No file uploaded"),
        put_zip(ctx, "not a zip", b"this is not a zip at all".to_vec())
            .expect(400, "the upload is not a readable zip archive"),
        put_zip(
            ctx,
            "the first half of a zip",
            valid[..valid.len() / 2].to_vec(),
        )
        .expect(400, "the upload is not a readable zip archive"),
        put_zip(
            ctx,
            "a zip without its last byte",
            valid[..valid.len() - 1].to_vec(),
        )
        .expect(400, "the upload is not a readable zip archive"),
        put_zip(
            ctx,
            "HTML in front of the zip",
            [b"<html><script>x</script>".as_slice(), &valid].concat(),
        )
        .expect(
            400,
            "the zip starts with 24 bytes that are not part of the archive",
        ),
        put_zip(
            ctx,
            "a zip with no publish.yaml",
            ZipBuilder::new().file("README.md", "# x").build(),
        )
        .expect(400, "no publish.yaml at the root of the zip"),
        put_zip(
            ctx,
            "publish.yaml only in a nested folder",
            good().under("a").under("b").build(),
        )
        .expect(400, "no publish.yaml at the root of the zip"),
        put_zip(
            ctx,
            "a symlink entry",
            good().symlink("link", "/etc/passwd").build(),
        )
        .expect(400, "entry \"link\" is a symlink"),
        put_zip(
            ctx,
            "a symlink named like a folder",
            good().symlink("src/lib", "../../..").build(),
        )
        .expect(400, "entry \"src/lib\" is a symlink"),
        put_zip(
            ctx,
            "README.md twice",
            with_duplicate("victim", "1.0.0", "README.md", "# evil"),
        )
        .expect(400, "duplicate entry name \"README.md\""),
        put_zip(
            ctx,
            "publish.yaml twice",
            with_duplicate(
                "victim",
                "1.0.0",
                "publish.yaml",
                &publish_yaml("evil", "6.6.6"),
            ),
        )
        .expect(400, "duplicate entry name \"publish.yaml\""),
    ];
    let mut encrypted = valid.clone();
    set_encrypted_flag(&mut encrypted);
    cases.push(put_zip(ctx, "the encrypted flag", encrypted).expect(400, "is encrypted"));
    let mut longer = valid.clone();
    set_declared_size(&mut longer, "README.md", 10_000);
    cases.push(
        put_zip(ctx, "an entry declaring more than it holds", longer)
            .expect(400, "entry \"README.md\" inflates to"),
    );
    let mut shorter = valid.clone();
    set_declared_size(&mut shorter, "README.md", 3);
    cases.push(
        put_zip(ctx, "an entry declaring less than it holds", shorter)
            .expect(400, "entry \"README.md\" inflates beyond its declared size"),
    );
    for (label, name, fragment) in [
        (
            "an absolute path",
            &b"/etc/cron.d/x"[..],
            "has an absolute path",
        ),
        ("a drive letter", b"C:/Windows/x", "has an absolute path"),
        ("a UNC path", b"//server/share/x", "has an absolute path"),
        (
            "a .. component",
            b"../../.bashrc",
            "has a '..' path component",
        ),
        ("a .. inside", b"src/../../x", "has a '..' path component"),
        ("a bare ..", b"..", "has a '..' path component"),
        ("backslashes", b"..\\..\\x", "contains a backslash"),
        (
            "a . component",
            b"./publish.yaml",
            "empty or '.' path component",
        ),
        (
            "an empty component",
            b"src//x",
            "empty or '.' path component",
        ),
        ("a NUL byte", b"evil.sh\0.txt", "contains a NUL byte"),
        ("latin-1 bytes", b"caf\xe9.txt", "is not valid UTF-8"),
        (
            "a control character",
            b"src/\x1b[31mred",
            "contains a control character",
        ),
        (
            "a DEL character",
            b"src/a\x7fb",
            "contains a control character",
        ),
        (
            "a Windows device name",
            b"con",
            "entry \"con\" has the path component \"con\", a device name that Windows reserves",
        ),
        (
            "a device name with an extension",
            b"aux.txt",
            "entry \"aux.txt\" has the path component \"aux.txt\", a device name",
        ),
        (
            "a device name as a script",
            b"src/nul.js",
            "entry \"src/nul.js\" has the path component \"nul.js\", a device name",
        ),
        (
            "a device name as a folder",
            b"Con/index.js",
            "entry \"Con/index.js\" has the path component \"Con\", a device name",
        ),
        (
            "a numbered port",
            b"lpt9.log",
            "has the path component \"lpt9.log\", a device name",
        ),
        (
            "a port numbered in superscript",
            "COM\u{b9}.md".as_bytes(),
            "has the path component \"COM\u{b9}.md\", a device name",
        ),
        (
            "an NTFS stream",
            b"readme.md:hidden",
            "entry name \"readme.md:hidden\" contains ':', one of the characters Windows refuses",
        ),
        (
            "a question mark",
            b"src/why?.js",
            "entry name \"src/why?.js\" contains '?'",
        ),
        ("a pipe", b"a|b", "entry name \"a|b\" contains '|'"),
        ("an asterisk", b"*.js", "entry name \"*.js\" contains '*'"),
        (
            "a less-than sign",
            b"a<b",
            "entry name \"a<b\" contains '<'",
        ),
        (
            "a greater-than sign",
            b"a>b",
            "entry name \"a>b\" contains '>'",
        ),
        (
            "a double quote",
            b"say\"hi\"",
            "entry name \"say\\\"hi\\\"\" contains '\"'",
        ),
        (
            "a trailing dot",
            b"run.",
            "entry \"run.\" has the path component \"run.\", which ends in a dot or a space",
        ),
        (
            "a trailing space",
            b"lib ",
            "entry \"lib \" has the path component \"lib \", which ends in a dot or a space",
        ),
        (
            "a folder with a trailing dot",
            b"src./index.js",
            "has the path component \"src.\", which ends in a dot or a space",
        ),
    ] {
        cases.push(
            put_zip(
                ctx,
                format!("an entry name with {label}"),
                with_entry_named("victim", "1.0.0", name),
            )
            .expect(400, fragment),
        );
    }
    // Two spellings Windows and macOS unpack to one path; the later entry is named.
    for (label, zip, fragment) in [
        (
            "README.md beside Readme.md",
            good().file("Readme.md", "# evil"),
            "entry \"Readme.md\" collides with entry \"README.md\"",
        ),
        (
            "caf\u{e9}.txt precomposed and decomposed",
            good()
                .file("caf\u{e9}.txt", "NFC")
                .file("cafe\u{301}.txt", "NFD"),
            "entry \"cafe\\u{301}.txt\" collides with entry \"caf\u{e9}.txt\"",
        ),
        (
            "a folder spelled two ways",
            good().file("Docs/a.md", "a").file("docs/b.md", "b"),
            "entry \"docs/b.md\" collides with entry \"Docs/a.md\"",
        ),
        (
            "a file and a folder spelled two ways",
            good().file("readme", "x").file("README/x", "y"),
            "entry \"README/x\" collides with entry \"readme\"",
        ),
        (
            "the package's folder spelled another way",
            good().file("SRC/index.js", "evil"),
            "entry \"SRC/index.js\" collides with entry \"src/index.js\"",
        ),
        (
            "a file named like the package's folder",
            good().file("src", "x"),
            "duplicate entry name \"src\"",
        ),
    ] {
        cases.push(put_zip(ctx, label, zip.build()).expect(400, fragment));
    }
    // In place, on a zip the fixture writer made: headers otherwise entirely normal.
    let mut renamed = good().file("zzzzzzzzzzzz", "x").build();
    rename_entry(&mut renamed, "zzzzzzzzzzzz", "../../etc/xx");
    cases.push(put_zip(ctx, "a renamed entry climbing out", renamed).expect(400, "'..'"));
    cases.push(
        put_zip(
            ctx,
            "compression method 12 (bzip2)",
            with_method("victim", "1.0.0", 12),
        )
        .expect(400, "only stored and deflate are accepted"),
    );
    cases.push(
        put_zip(
            ctx,
            "compression method 99 (AES)",
            with_method("victim", "1.0.0", 99),
        )
        .expect(400, "only stored and deflate are accepted"),
    );
    cases.push(
        put_zip(
            ctx,
            "two names for one local header",
            overlapping("victim", "1.0.0"),
        )
        .expect(400, "disagrees with the central directory"),
    );
    cases
}

/// Zip bombs: by ratio, by declared total, by lying headers, by entry count.
pub fn bombs(ctx: &Ctx) -> Vec<Case> {
    let gib_repeats = (1 << 30) / 258;
    let gib = u32::try_from(1 + 258 * gib_repeats).expect("1 GiB fits");
    let mut many = ZipBuilder::package("victim", "1.0.0");
    for i in 0..10_001 {
        many = many.stored(&format!("f/{i}"), "");
    }
    vec![
        put_zip(
            ctx,
            "2 MiB of zeros (ratio over 100)",
            ZipBuilder::package("victim", "1.0.0")
                .file("zeros.bin", vec![0u8; 2 << 20])
                .build(),
        )
        .expect(400, "a compression ratio over the limit of 100:1"),
        put_zip(
            ctx,
            "1 GiB bomb, declared honestly",
            bomb("victim", "1.0.0", gib_repeats, gib),
        )
        .expect(
            400,
            "the entries add up to more than 536870912 bytes uncompressed",
        ),
        put_zip(
            ctx,
            "1 GiB bomb declaring 1,000 bytes",
            bomb("victim", "1.0.0", gib_repeats, 1_000),
        )
        .expect(400, "entry \"bomb.bin\" inflates beyond its declared size"),
        put_zip(
            ctx,
            "1 GiB bomb declaring 4 GiB",
            bomb("victim", "1.0.0", gib_repeats, u32::MAX),
        )
        .expect(
            400,
            "the entries add up to more than 536870912 bytes uncompressed",
        ),
        put_zip(ctx, "10,001 entries", many.build())
            .expect(400, "the zip has more than 10000 entries"),
        case("an upload announcing 10 GiB", "PUT", ctx.upload.clone())
            .bearer(&ctx.token)
            .header("content-length", (10u64 << 30).to_string())
            .expect(413, "larger than the limit of 67108864 bytes"),
        Case {
            body: Payload::Chunks(vec![vec![0u8; 1 << 20]; 65]),
            ..case("an upload streaming 65 MiB", "PUT", ctx.upload.clone())
                .bearer(&ctx.token)
                .expect(413, "larger than the limit of 67108864 bytes")
        },
        Case {
            body: Payload::Chunks(
                std::iter::once(
                    b"--B\r\nContent-Disposition: form-data; name=\"junk\"\r\n\r\n".to_vec(),
                )
                .chain(std::iter::repeat_n(vec![b'j'; 1 << 20], 65))
                .collect(),
            ),
            ..case(
                "a form streaming 65 MiB of another field",
                "POST",
                ctx.upload.clone(),
            )
            .bearer(&ctx.token)
            .header("content-type", "multipart/form-data; boundary=B")
            .expect(413, "the form is larger than the limit of")
        },
    ]
}
