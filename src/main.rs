use tracing_subscriber::EnvFilter;

fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_env(shelf::config::ENV_LOG)
                .unwrap_or_else(|_| EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    match shelf::cli::config::parse_from(std::env::args_os()).and_then(shelf::cli::run) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            // `{:#}` prints the whole chain: "x was not added: entry ../a escapes the zip".
            eprintln!("error: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
