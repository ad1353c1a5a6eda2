//! The desktop shell (feature `desktop`): a Tauri 2 window over the core library.
//!
//! For now this is a stub that opens one window, "Slingshot", showing `ui/index.html`. The tray,
//! the global hotkeys and the commands that call into `slingshot` (the Tauri-free core) come later.
//! Window size, CSP and icons are set in `tauri.conf.json`; permissions in `src-tauri/capabilities/`.

// A release build on Windows should not open a console window next to the app.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]
#![deny(clippy::unwrap_used)]

use std::process::ExitCode;

use tracing_subscriber::EnvFilter;

fn main() -> ExitCode {
    init_logging();
    tracing::info!(version = env!("CARGO_PKG_VERSION"), "starting Slingshot");
    match tauri::Builder::default().run(tauri::generate_context!()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // Usually a missing display or WebKitGTK runtime; the message says which.
            tracing::error!("Slingshot could not open its window: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Logs to stderr; `RUST_LOG` overrides the default level (info) as it does for the CLI.
fn init_logging() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    // A second initialisation can only fail harmlessly, so its error is ignored.
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).try_init();
}
