//! The static files every site ships under `-/assets/`: the stylesheet, the search script
//! and the icon. Embedded in the binary so a site builds offline; a directory can replace
//! any of them by name.

use std::io;
use std::path::Path;

/// Every asset as embedded, sorted by name.
const ASSETS: [(&str, &[u8]); 3] = [
    ("favicon.svg", include_bytes!("../../site/favicon.svg")),
    ("search.js", include_bytes!("../../site/search.js")),
    ("style.css", include_bytes!("../../site/style.css")),
];

/// The static assets as `(file name, bytes)`, sorted by name; when `dir` is given, a file
/// there with an asset's name replaces the embedded one. Files in `dir` that are not assets
/// are ignored, so a theme folder can hold templates too.
///
/// # Errors
/// The I/O error when an override file exists but cannot be read.
pub fn assets(dir: Option<&Path>) -> io::Result<Vec<(String, Vec<u8>)>> {
    ASSETS
        .iter()
        .map(|&(name, embedded)| {
            let bytes = match dir.map(|dir| std::fs::read(dir.join(name))) {
                Some(Ok(bytes)) => bytes,
                Some(Err(e)) if e.kind() != io::ErrorKind::NotFound => return Err(e),
                Some(Err(_)) | None => embedded.to_vec(),
            };
            Ok((name.to_owned(), bytes))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_assets_sorted_by_name() {
        let assets = assets(None).expect("embedded assets need no I/O");
        let names: Vec<&str> = assets.iter().map(|(name, _)| name.as_str()).collect();
        assert_eq!(names, ["favicon.svg", "search.js", "style.css"]);
        assert!(assets.iter().all(|(_, bytes)| !bytes.is_empty()));
    }

    #[test]
    fn a_file_in_dir_overrides_its_asset_only() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("style.css"), "body{}").expect("write override");
        std::fs::write(dir.path().join("home.html"), "not an asset").expect("write other file");
        let assets = assets(Some(dir.path())).expect("readable overrides");
        assert_eq!(assets.len(), 3);
        assert_eq!(assets[2], ("style.css".to_owned(), b"body{}".to_vec()));
        assert_eq!(assets[1].1, ASSETS[1].1);
    }
}
