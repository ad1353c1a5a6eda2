//! `slingshot-cli`: a thin command-line layer over the core. Parses arguments, opens the core,
//! calls one pipeline function per command and prints results (stdout) and errors (stderr, one
//! line each). Exit code 0 only when everything asked for succeeded.

mod args;
mod capture_cmd;
pub(crate) mod capture_handoff;
mod clipboard;
mod config_cmd;
mod history_cmd;
mod integrate_cmd;
mod queue_cmd;
mod serve_cmd;
mod shortcut_cmd;
mod upload_cmd;

pub use args::Cli;
use args::{Command, ConfigCommand};
use clap::Parser;
use std::process::ExitCode;

/// Entry point of the `slingshot-cli` binary.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(cli.verbose);
    if let Command::HoldClipboard = cli.command {
        return clipboard::hold_from_stdin();
    }
    let rt = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("slingshot-cli: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = rt.block_on(async move {
        match cli.command {
            Command::Upload(a) => upload_cmd::run(a).await,
            Command::Capture(a) => capture_cmd::run(a).await,
            Command::History(a) => history_cmd::list(a),
            Command::Delete { target } => history_cmd::delete(&target).await,
            Command::Config { command: ConfigCommand::Show } => config_cmd::show(),
            Command::Config { command: ConfigCommand::Set { key, value } } => config_cmd::set(&key, &value),
            Command::Config { command: ConfigCommand::SetKey { profile } } => {
                config_cmd::set_key(profile.as_deref())
            }
            Command::Serve(a) => serve_cmd::run(a).await,
            Command::Integrate { command } => integrate_cmd::run(command),
            Command::Queue { command } => queue_cmd::run(command).await,
            Command::HoldClipboard => Ok(true),
        }
    });
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("slingshot-cli: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Logs go to stderr; `-v` shows info, `-vv` debug, `RUST_LOG` wins. The key is never logged.
fn init_logging(verbose: u8) {
    let default = match verbose {
        // zbus warns about every portal request object it cannot cache; that is not ours to fix.
        0 => "warn,zbus=error",
        1 => "info",
        _ => "debug",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).try_init();
}

/// Loads paths and settings and opens the core, as every command but `serve` needs.
fn open_core() -> crate::Result<crate::pipeline::Core> {
    let paths = crate::config::Paths::resolve()?;
    let settings = crate::config::Settings::load(&paths)?;
    crate::pipeline::Core::open(paths, settings)
}
