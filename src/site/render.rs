//! The HTML pages: the registry's home page and one page per package.
//!
//! Templates (`templates/*.html`: a base layout plus one file per page) are embedded in the
//! binary and can be overridden one by one from a directory, like mdBook's theme folder.
//! Rendering is pure: documents in, a `String` out, the same bytes for the same input.
//! Package READMEs are untrusted Markdown; [`markdown_to_safe_html`] is the only way they
//! reach a page.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use minijinja::{AutoEscape, Environment, Output, State, UndefinedBehavior, Value};
use pulldown_cmark::{Event, Options, Parser};
use serde::Serialize;

use super::docs::{RegistryConfig, SearchEntry};

/// The layout the pages extend.
const BASE: &str = "base.html";
/// The registry's front page.
const HOME: &str = "home.html";
/// One Serverless package's page.
const PACKAGE: &str = "package.html";
/// One npm package's page.
const NPM_PACKAGE: &str = "npm-package.html";

/// One OCI repository's page.
const OCI_REPOSITORY: &str = "oci-repository.html";

/// Every template, as embedded in the binary.
const TEMPLATES: [(&str, &str); 5] = [
    (BASE, include_str!("../../templates/base.html")),
    (HOME, include_str!("../../templates/home.html")),
    (PACKAGE, include_str!("../../templates/package.html")),
    (
        NPM_PACKAGE,
        include_str!("../../templates/npm-package.html"),
    ),
    (
        OCI_REPOSITORY,
        include_str!("../../templates/oci-repository.html"),
    ),
];

/// Why a page could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// An override file exists but cannot be read.
    #[error("cannot read template {}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    /// A template does not parse.
    #[error("template {name} is invalid")]
    Syntax {
        name: &'static str,
        #[source]
        source: minijinja::Error,
    },
    /// A template parsed but failed while rendering (an undefined variable, a bad filter).
    #[error("cannot render {name}")]
    Render {
        name: &'static str,
        #[source]
        source: minijinja::Error,
    },
}

/// The context of `home.html`.
#[derive(Debug, Serialize)]
pub struct HomePage<'a> {
    /// The registry's `-/config.json`.
    pub config: &'a RegistryConfig,
    /// The packages to list without JavaScript, newest first.
    pub recent: &'a [&'a SearchEntry],
    /// How many packages the registry holds.
    pub total: usize,
}

/// The context of `package.html`.
#[derive(Debug, Serialize)]
pub struct PackagePage<'a, P> {
    /// The registry's `-/config.json`.
    pub config: &'a RegistryConfig,
    /// The package's document (the Serverless `{name}/index.json`).
    pub package: &'a P,
    /// The README, already sanitised by [`markdown_to_safe_html`]; inserted verbatim.
    pub readme_html: String,
}

/// The page templates, parsed once.
pub struct Renderer {
    env: Environment<'static>,
}

impl std::fmt::Debug for Renderer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Renderer").finish_non_exhaustive()
    }
}

impl Renderer {
    /// The embedded templates; when `dir` is given, a file there with a template's name
    /// (`base.html`, `home.html`, `package.html`) replaces it, and missing files fall back.
    ///
    /// # Errors
    /// [`RenderError::Read`] when an override exists but cannot be read,
    /// [`RenderError::Syntax`] when a template does not parse.
    pub fn new(dir: Option<&Path>) -> Result<Self, RenderError> {
        let mut env = Environment::new();
        env.set_trim_blocks(true);
        env.set_lstrip_blocks(true);
        env.set_keep_trailing_newline(true);
        // A misspelt variable in an (overriding) template fails the build instead of
        // silently printing nothing; `{% if x %}` on a missing `x` is still allowed.
        env.set_undefined_behavior(UndefinedBehavior::SemiStrict);
        env.set_formatter(html_formatter);
        env.add_filter("filesize", filesize);
        env.add_test("web_url", is_web_url);
        for (name, embedded) in TEMPLATES {
            let source = match dir {
                Some(dir) => read_override(&dir.join(name))?,
                None => None,
            };
            let source = source.unwrap_or_else(|| embedded.to_owned());
            env.add_template_owned(name, source)
                .map_err(|source| RenderError::Syntax { name, source })?;
        }
        Ok(Renderer { env })
    }

    /// The home page, `index.html` at the site root.
    ///
    /// # Errors
    /// [`RenderError::Render`] when the template fails.
    pub fn home(&self, page: &HomePage<'_>) -> Result<String, RenderError> {
        self.render(HOME, page)
    }

    /// A package's page, `{name}/index.html`.
    ///
    /// # Errors
    /// [`RenderError::Render`] when the template fails.
    pub fn package<P: Serialize>(&self, page: &PackagePage<'_, P>) -> Result<String, RenderError> {
        self.render(PACKAGE, page)
    }

    /// An npm package's page, `npm/{name}/-/index.html`.
    ///
    /// # Errors
    /// [`RenderError::Render`] when the template fails.
    pub fn npm_package<P: Serialize>(&self, page: &P) -> Result<String, RenderError> {
        self.render(NPM_PACKAGE, page)
    }

    /// One OCI repository's page.
    ///
    /// # Errors
    /// [`RenderError::Render`] when the template fails.
    pub fn oci_repository<P: Serialize>(&self, page: &P) -> Result<String, RenderError> {
        self.render(OCI_REPOSITORY, page)
    }

    fn render(&self, name: &'static str, context: impl Serialize) -> Result<String, RenderError> {
        self.env
            .get_template(name)
            .and_then(|template| template.render(context))
            .map_err(|source| RenderError::Render { name, source })
    }
}

/// The contents of an override file, `None` when there is none.
fn read_override(path: &Path) -> Result<Option<String>, RenderError> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(RenderError::Read {
            path: path.to_owned(),
            source,
        }),
    }
}

/// minijinja's own HTML escaping also turns `/` into `&#x2f;`, which makes every URL in
/// the pages unreadable (`https:&#x2f;&#x2f;…`) without making anything safer: every
/// attribute in the templates is quoted, so `& < > " '` are the characters that matter.
fn html_formatter(
    out: &mut Output<'_>,
    state: &State<'_, '_>,
    value: &Value,
) -> Result<(), minijinja::Error> {
    if state.auto_escape() != AutoEscape::Html || value.is_safe() {
        return minijinja::escape_formatter(out, state, value);
    }
    let text = value.to_string();
    let mut rest = text.as_str();
    while let Some(at) = rest.find(['&', '<', '>', '"', '\'']) {
        out.write_str(&rest[..at])?;
        out.write_str(match rest.as_bytes()[at] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            _ => "&#39;",
        })?;
        rest = &rest[at + 1..];
    }
    out.write_str(rest)?;
    Ok(())
}

/// `{{ size|filesize }}`: a byte count for people, in binary units with one decimal
/// (`12.1 KiB`). Integer arithmetic, so every platform rounds the same way.
fn filesize(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut unit = 0;
    let mut divisor: u128 = 1024;
    while u128::from(bytes) >= divisor * 1024 && unit + 1 < UNITS.len() {
        divisor *= 1024;
        unit += 1;
    }
    let tenths = (u128::from(bytes) * 10 + divisor / 2) / divisor;
    format!("{}.{} {}", tenths / 10, tenths % 10, UNITS[unit])
}

/// `{% if url is web_url %}`: whether a manifest's URL may become a link. Escaping does not
/// stop `javascript:` in an `href`, so anything but http(s) is shown as text.
fn is_web_url(url: &str) -> bool {
    let lower = url.trim_start().to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://")
}

/// The sanitiser every README goes through; built once because the allow-lists are sets.
static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut builder = ammonia::Builder::default();
    // The defaults already drop `<script>`/`<style>` with their content, every `on*`
    // attribute and `style`, and every URL scheme but a known-safe list (no `javascript:`).
    builder.link_rel(Some("noopener noreferrer nofollow"));
    builder
});

/// Markdown → HTML with pulldown-cmark (tables, strikethrough, task lists), sanitised with
/// ammonia: no scripts, no event handlers, no `javascript:` URLs, and links get
/// `rel="noopener noreferrer nofollow"` because READMEs are written by publishers.
#[must_use]
pub fn markdown_to_safe_html(markdown: &str) -> String {
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    // Task-list boxes become characters rather than `<input>`: allowing `<input>` through
    // the sanitiser would also allow a README's own text fields.
    let events = Parser::new_ext(markdown, options).map(|event| match event {
        Event::TaskListMarker(true) => Event::Text("☑ ".into()),
        Event::TaskListMarker(false) => Event::Text("☐ ".into()),
        other => other,
    });
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events);
    SANITIZER.clean(&html).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::serverless::docs::{PackageIndex, Release, config_paths};

    fn config() -> RegistryConfig {
        RegistryConfig {
            v: 1,
            base_url: "https://reg.example.com".to_owned(),
            api_url: "https://reg.example.com".to_owned(),
            v3_url: "https://reg.example.com/v3".to_owned(),
            paths: config_paths(),
        }
    }

    fn release(version: &str, yanked: bool) -> Release {
        Release {
            name: "hello".to_owned(),
            tag_name: version.to_owned(),
            created_at: format!("2024-0{}-02T03:04:05Z", &version[2..3]),
            zipball_url: format!("https://reg.example.com/hello/zipball/{version}"),
            body: String::new(),
            description: "Says <script>alert(1)</script> hello".to_owned(),
            kind: "Component".to_owned(),
            provider: vec!["aliyun".to_owned()],
            tags: vec!["greeting".to_owned(), "demo".to_owned()],
            readme: "# Hello".to_owned(),
            home: "https://example.com/hello".to_owned(),
            category: "Tools".to_owned(),
            edition: "3.0.0".to_owned(),
            sha256: "ab".repeat(32),
            size: 12_345,
            yanked,
        }
    }

    /// `hello` with 0.2.0 (yanked), 0.1.0 (latest), newest first.
    fn package() -> PackageIndex {
        let latest = release("0.1.0", false);
        PackageIndex {
            name: latest.name.clone(),
            kind: latest.kind.clone(),
            description: latest.description.clone(),
            home: latest.home.clone(),
            provider: latest.provider.clone(),
            tags: latest.tags.clone(),
            category: latest.category.clone(),
            latest: Some("0.1.0".to_owned()),
            updated: "2024-02-02T03:04:05Z".to_owned(),
            versions: vec![release("0.2.0", true), latest],
        }
    }

    fn entries() -> Vec<SearchEntry> {
        vec![
            SearchEntry {
                name: "hello".to_owned(),
                kind: "Component".to_owned(),
                description: "Says <b>hello</b>".to_owned(),
                tags: vec!["demo".to_owned()],
                provider: vec!["aliyun".to_owned()],
                latest: Some("0.1.0".to_owned()),
                updated: "2024-02-02T03:04:05Z".to_owned(),
                category: String::new(),
                people: Vec::new(),
                extra: serde_json::Map::new(),
            },
            SearchEntry {
                name: "fresh".to_owned(),
                kind: "Plugin".to_owned(),
                description: String::new(),
                tags: Vec::new(),
                provider: Vec::new(),
                latest: None,
                updated: "2024-01-01T00:00:00Z".to_owned(),
                category: String::new(),
                people: Vec::new(),
                extra: serde_json::Map::new(),
            },
        ]
    }

    fn render_package(renderer: &Renderer, package: &PackageIndex) -> String {
        let config = config();
        let readme_html = markdown_to_safe_html("## Usage\n\n`s deploy`\n");
        renderer
            .package(&PackagePage {
                config: &config,
                package,
                readme_html,
            })
            .expect("the embedded package template renders")
    }

    fn render_home(renderer: &Renderer) -> String {
        let config = config();
        let entries = entries();
        let recent: Vec<&SearchEntry> = entries.iter().collect();
        renderer
            .home(&HomePage {
                config: &config,
                recent: &recent,
                total: 7,
            })
            .expect("the embedded home template renders")
    }

    #[test]
    fn package_page_shows_the_package() {
        let renderer = Renderer::new(None).expect("embedded templates parse");
        let html = render_package(&renderer, &package());
        for expected in [
            "<h1>hello</h1>",
            r#"<span class="version" title="Latest version">0.1.0</span>"#,
            "aliyun",
            "<li>greeting</li><li>demo</li>",
            "Tools",
            r#"<a href="https://example.com/hello" rel="noopener noreferrer nofollow">"#,
            "s set registry https://reg.example.com/v3",
            "component: hello",
            // Both versions, the yanked one marked, the latest one marked.
            r#"<span class="marker yanked">yanked</span>"#,
            r#"0.1.0 <span class="marker latest">latest</span>"#,
            r#"<time datetime="2024-02-02T03:04:05Z">2024-02-02</time>"#,
            "12.1 KiB",
            &format!(r#"<code title="{}">abababababab</code>"#, "ab".repeat(32)),
            r#"href="https://reg.example.com/hello/zipball/0.2.0" download"#,
            r#"href="https://reg.example.com/hello/releases/tags/0.1.0""#,
            r#"href="https://reg.example.com/hello/releases""#,
            r#"href="https://reg.example.com/hello/releases/latest""#,
            r#"href="https://reg.example.com/hello/index.json""#,
            r#"href="https://reg.example.com/-/assets/style.css""#,
            "<h2>Usage</h2>",
            "<code>s deploy</code>",
        ] {
            assert!(html.contains(expected), "missing {expected:?} in\n{html}");
        }
        assert!(
            html.starts_with("<!doctype html>\n<html lang=\"en\">"),
            "{html}"
        );
    }

    #[test]
    fn package_data_is_escaped() {
        let renderer = Renderer::new(None).expect("embedded templates parse");
        let mut package = package();
        package.home = "javascript:alert(1)".to_owned();
        let html = render_package(&renderer, &package);
        assert!(!html.contains("<script>alert"), "{html}");
        assert!(
            html.contains("Says &lt;script&gt;alert(1)&lt;/script&gt; hello"),
            "{html}"
        );
        assert!(!html.contains(r#"href="javascript:"#), "{html}");
        assert!(html.contains("<dd>javascript:alert(1)</dd>"), "{html}");
    }

    #[test]
    fn home_page_lists_recent_packages() {
        let renderer = Renderer::new(None).expect("embedded templates parse");
        let html = render_home(&renderer);
        for expected in [
            "<h1>Shelf</h1>",
            "s set registry https://reg.example.com/v3",
            r#"data-index="https://reg.example.com/-/search.json""#,
            r#"<a class="name" href="https://reg.example.com/hello/">hello</a>"#,
            r#"<span class="version">0.1.0</span>"#,
            r#"<span class="kind">Plugin</span>"#,
            "Says &lt;b&gt;hello&lt;/b&gt;",
            r#"<time datetime="2024-01-01T00:00:00Z">2024-01-01</time>"#,
            "7 packages in this registry.",
            r#"<script src="https://reg.example.com/-/assets/search.js" defer></script>"#,
        ] {
            assert!(html.contains(expected), "missing {expected:?} in\n{html}");
        }
        // `fresh` has no latest version: no empty badge.
        assert!(!html.contains(r#"<span class="version"></span>"#), "{html}");

        let config = config();
        let empty = renderer
            .home(&HomePage {
                config: &config,
                recent: &[],
                total: 0,
            })
            .expect("the embedded home template renders");
        assert!(
            empty.contains("No packages have been published yet."),
            "{empty}"
        );
        assert!(empty.contains("0 packages in this registry."), "{empty}");
    }

    #[test]
    fn same_input_same_bytes() {
        let first = Renderer::new(None).expect("embedded templates parse");
        let second = Renderer::new(None).expect("embedded templates parse");
        assert_eq!(render_home(&first), render_home(&second));
        assert_eq!(
            render_package(&first, &package()),
            render_package(&second, &package())
        );
        assert_eq!(
            render_package(&first, &package()),
            render_package(&first, &package())
        );
    }

    #[test]
    fn templates_are_overridden_from_a_directory() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(
            dir.path().join("package.html"),
            "{% extends \"base.html\" %}{% block main %}custom {{ package.name }}{% endblock %}",
        )
        .expect("write override");
        let renderer = Renderer::new(Some(dir.path())).expect("templates parse");
        let html = render_package(&renderer, &package());
        assert!(html.contains("<main id=\"main\">\ncustom hello"), "{html}");
        assert!(!html.contains("Versions"), "{html}");
        // Templates without an override file keep the embedded version.
        assert!(render_home(&renderer).contains("Recently updated"));
    }

    #[test]
    fn broken_override_is_a_syntax_error() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("home.html"), "{% if %}").expect("write override");
        let error = Renderer::new(Some(dir.path())).expect_err("the override does not parse");
        assert!(
            matches!(error, RenderError::Syntax { name: HOME, .. }),
            "{error:?}"
        );
    }

    #[test]
    fn misspelt_variable_fails_the_render() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("home.html"), "{{ confg.base_url }}")
            .expect("write override");
        let renderer = Renderer::new(Some(dir.path())).expect("the override parses");
        let config = config();
        let error = renderer
            .home(&HomePage {
                config: &config,
                recent: &[],
                total: 0,
            })
            .expect_err("undefined variable");
        assert!(
            matches!(error, RenderError::Render { name: HOME, .. }),
            "{error:?}"
        );
    }

    #[test]
    fn markdown_is_sanitised() {
        let markdown = "\
# Title

Some `inline` code and ~~old~~ text.

```rust
fn main() {}
```

| a | b |
|---|---|
| 1 | 2 |

- [x] done
- [ ] todo

<script>alert('x')</script>

<img src=\"x.png\" onerror=\"alert(1)\">

[click](javascript:alert(1)) <a href=\"JaVaScRiPt:alert(1)\">raw</a>
[docs](https://example.com/docs)
";
        let html = markdown_to_safe_html(markdown);
        for kept in [
            "<h1>Title</h1>",
            "<code>inline</code>",
            "<del>old</del>",
            "<pre><code>fn main() {}\n</code></pre>",
            "<table>",
            "<td>1</td>",
            "☑ done",
            "☐ todo",
            r#"<img src="x.png">"#,
            r#"<a href="https://example.com/docs" rel="noopener noreferrer nofollow">docs</a>"#,
        ] {
            assert!(html.contains(kept), "missing {kept:?} in\n{html}");
        }
        let lower = html.to_ascii_lowercase();
        for removed in ["<script", "alert('x')", "onerror", "javascript:", "<input"] {
            assert!(!lower.contains(removed), "{removed:?} survived in\n{html}");
        }
    }

    #[test]
    fn file_sizes() {
        assert_eq!(filesize(0), "0 B");
        assert_eq!(filesize(1023), "1023 B");
        assert_eq!(filesize(1024), "1.0 KiB");
        assert_eq!(filesize(12_345), "12.1 KiB");
        assert_eq!(filesize(5 * 1024 * 1024 + 1024 * 512), "5.5 MiB");
        assert_eq!(filesize(3 << 40), "3.0 TiB");
    }
}
