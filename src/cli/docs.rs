//! `shelf completions SHELL` and `shelf man`: shell completions (clap_complete) and man
//! pages (clap_mangen) made from the same definition the parser uses, so they cannot drift
//! from it. The repository keeps the generated files under `doc/` for packagers (with the
//! example configuration file `shelf config example` prints, `doc/config/`); a test
//! says when they are stale, and `SHELF_BLESS=1 cargo test --lib cli::docs` rewrites them.

use std::{
    fs, io,
    path::{Path, PathBuf},
};

use clap::CommandFactory as _;
use clap_complete::Shell;

use super::Cli;

/// The shells `shelf completions` writes for, and each one's file name under
/// `doc/completions/` (where each shell looks for it).
pub const SHELLS: [(Shell, &str); 4] = [
    (Shell::Bash, "shelf.bash"),
    (Shell::Zsh, "_shelf"),
    (Shell::Fish, "shelf.fish"),
    (Shell::PowerShell, "_shelf.ps1"),
];

/// Arguments of `shelf completions`.
#[derive(Debug, clap::Args)]
pub struct CompletionArgs {
    /// The shell: bash (`source <(shelf completions bash)`), zsh (save as `_shelf` in a
    /// folder of `$fpath`), fish (save in `~/.config/fish/completions/shelf.fish`) or
    /// powershell (`shelf completions powershell | Out-String | Invoke-Expression`).
    #[arg(value_enum)]
    pub shell: Shell,
}

/// Arguments of `shelf man`.
#[derive(Debug, clap::Args)]
pub struct ManArgs {
    /// Write `shelf.1` and a page per subcommand (`shelf-serve.1`…) into this folder,
    /// instead of printing `shelf.1`.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

/// The completion script for `shell`.
#[must_use]
pub fn completion(shell: Shell) -> Vec<u8> {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "shelf", &mut out);
    out
}

/// Every man page, `(file name, roff)`: `shelf.1`, then one per subcommand, nested ones
/// named by their path (`shelf-token-create.1`).
///
/// # Errors
/// Rendering errors (writing to memory does not fail).
pub fn man_pages() -> io::Result<Vec<(String, Vec<u8>)>> {
    let mut pages = Vec::new();
    let mut command = Cli::command();
    command.build();
    add_pages(&command, "shelf", &mut pages)?;
    Ok(pages)
}

fn add_pages(
    command: &clap::Command,
    name: &str,
    pages: &mut Vec<(String, Vec<u8>)>,
) -> io::Result<()> {
    let mut roff = Vec::new();
    clap_mangen::Man::new(command.clone())
        .title(name.to_uppercase())
        .render(&mut roff)?;
    pages.push((format!("{name}.1"), roff));
    for sub in command.get_subcommands().filter(|s| s.get_name() != "help") {
        add_pages(sub, &format!("{name}-{}", sub.get_name()), pages)?;
    }
    Ok(())
}

/// Runs `shelf completions`.
///
/// # Errors
/// Writing to standard output.
pub fn run_completions(args: &CompletionArgs) -> anyhow::Result<()> {
    use io::Write as _;
    io::stdout().write_all(&completion(args.shell))?;
    Ok(())
}

/// Runs `shelf man`.
///
/// # Errors
/// Writing the pages.
pub fn run_man(args: &ManArgs) -> anyhow::Result<()> {
    use anyhow::Context as _;
    use io::Write as _;
    let pages = man_pages()?;
    match &args.out {
        None => {
            let (_, main) = pages.first().context("no man page")?;
            io::stdout().write_all(main)?;
        }
        Some(dir) => {
            write_all(dir, &pages)?;
            println!("Wrote {} man pages to {}", pages.len(), dir.display());
        }
    }
    Ok(())
}

fn write_all(dir: &Path, files: &[(String, Vec<u8>)]) -> io::Result<()> {
    fs::create_dir_all(dir)?;
    for (name, bytes) in files {
        fs::write(dir.join(name), bytes)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Compares `files` with the folder `doc/{folder}` of the repository, or rewrites it
    /// when `SHELF_BLESS` is set.
    fn current(folder: &str, files: &[(String, Vec<u8>)]) {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("doc")
            .join(folder);
        if std::env::var_os(crate::config::ENV_BLESS).is_some() {
            let _ = fs::remove_dir_all(&dir);
            write_all(&dir, files).expect("write the generated files");
            return;
        }
        let mut stale = Vec::new();
        for (name, bytes) in files {
            if fs::read(dir.join(name)).ok().as_deref() != Some(bytes.as_slice()) {
                stale.push(name.clone());
            }
        }
        let kept = fs::read_dir(&dir).map(Iterator::count).unwrap_or(0);
        assert!(
            stale.is_empty() && kept == files.len(),
            "doc/{folder} is not what the CLI generates ({stale:?} differ, {kept} files kept \
             for {} generated): run `SHELF_BLESS=1 cargo test --lib cli::docs` and commit",
            files.len()
        );
    }

    #[test]
    fn the_man_pages_in_the_repository_are_current() {
        let pages = man_pages().expect("render");
        assert!(pages.iter().any(|(n, _)| n == "shelf-serve.1"));
        assert!(pages.iter().any(|(n, _)| n == "shelf-token-create.1"));
        let main = String::from_utf8_lossy(&pages[0].1).into_owned();
        assert!(main.contains("package registry"), "{main}");
        current("man", &pages);
    }

    #[test]
    fn the_example_configuration_in_the_repository_is_current() {
        let example = super::super::config::example().into_bytes();
        current("config", &[("shelf.toml".to_owned(), example)]);
    }

    #[test]
    fn the_completions_in_the_repository_are_current() {
        let scripts: Vec<(String, Vec<u8>)> = SHELLS
            .iter()
            .map(|(shell, file)| ((*file).to_owned(), completion(*shell)))
            .collect();
        let bash = String::from_utf8_lossy(&scripts[0].1).into_owned();
        for word in ["serve", "build", "--verify", "completions"] {
            assert!(bash.contains(word), "bash completes {word}");
        }
        current("completions", &scripts);
    }
}
