//! The files of one Serverless package, in the order readers may meet them.
//!
//! A package owns every file under `{name}/` and `v3/packages/{name}/`
//! ([`super::paths::package_prefixes`]). Everything here is pure: a record in, files out.

use super::{
    docs::{self, V3},
    record::PackageRecord,
};
use crate::{
    output::{Content, OutFile},
    site::{
        plan::Context,
        render::{PackagePage, RenderError, markdown_to_safe_html},
    },
};

/// Every file of one package; empty when it has no live version (so all its files go).
///
/// # Errors
/// Template errors.
pub fn package_files(
    record: &PackageRecord,
    cx: &Context<'_>,
) -> Result<Vec<OutFile>, RenderError> {
    let Some(index) = docs::package_index(record, cx.config) else {
        return Ok(Vec::new());
    };
    let name = index.name.clone();
    let list = docs::release_list(record, cx.config);
    // Written in this order, each file a reader can get to names only files already there:
    // a version's zip and documents first, then the lists, then `latest`. Readers never see
    // a listed version answer 404 while a publish is being written.
    let mut files = Vec::new();
    for line in record.live() {
        let doc = docs::release(line, cx.config);
        let version = &line.version;
        files.push(OutFile {
            path: format!("{name}/zipball/{version}"),
            content: Content::Blob(cx.blobs.path(&line.sha256)),
        });
        files.push(OutFile::json(
            format!("{name}/releases/tags/{version}"),
            &doc,
        ));
        files.push(OutFile::json(
            format!("v3/packages/{name}/release/tags/{version}"),
            &V3 { body: &doc },
        ));
    }
    files.push(OutFile::json(format!("{name}/releases"), &list));
    files.push(OutFile::json(
        format!("v3/packages/{name}/release"),
        &V3 { body: &list },
    ));
    if let Some(latest) = record.latest() {
        let doc = docs::release(latest, cx.config);
        files.push(OutFile::json(
            format!("v3/packages/{name}/release/latest"),
            &V3 { body: &doc },
        ));
        files.push(OutFile::json(format!("{name}/releases/latest"), &doc));
    }
    // The page describes the latest version (the newest when none is latest), so its readme.
    let readme = record
        .latest()
        .or_else(|| record.live().next_back())
        .map(|l| l.readme.as_str())
        .unwrap_or_default();
    let page = PackagePage {
        config: &cx.registry,
        package: &index,
        readme_html: markdown_to_safe_html(readme),
    };
    files.push(OutFile {
        path: format!("{name}/index.html"),
        content: Content::Bytes(cx.renderer.package(&page)?.into_bytes()),
    });
    files.push(OutFile::json(format!("{name}/index.json"), &index));
    Ok(files)
}
