//! Building and running the app: plugins (single-instance first, so a second `slingshot FILE...`
//! is forwarded before anything else starts), commands, window events, and the setup that opens
//! the core (`desktop::startup`), creates the tray, registers hotkeys and starts the history
//! watcher. Closing the window leaves the app in the tray; when idle it hands over to the tray
//! process (`idle.rs`); only "Quit" ends it.

use crate::shell::TauriShell;
use crate::{commands, hotkeys, tray, window};
use slingshot::config::Paths;
use slingshot::desktop::args::{self, Launch};
use slingshot::desktop::{handover, startup, worker};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use tauri::{AppHandle, Manager, RunEvent};

/// Runs the desktop app until "Quit".
pub fn run() -> ExitCode {
    let Some(paths) = slingshot::desktop::logging::init_with_paths() else { return ExitCode::FAILURE };
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("/"));
    let argv: Vec<String> = std::env::args_os().map(|a| a.to_string_lossy().into_owned()).collect();
    let launch = args::parse(&argv, &cwd);
    crate::idle::exec_tray_if_hidden(&launch, &argv);
    // Started by the tray process: its name, hotkeys, icon and sandbox port are ours once it is
    // gone (the single-instance plugin would otherwise hand our arguments to it and quit).
    if let Some(pid) = handover::takeover_pid(&argv) {
        handover::wait_for_exit(pid);
    }
    // The link the tray process still had on the clipboard when it started us again.
    let clip = handover::read_clipboard_text(&argv);
    tracing::info!(
        version = env!("CARGO_PKG_VERSION"),
        hidden = launch.hidden,
        files = launch.files.len(),
        "starting Slingshot"
    );

    let built = tauri::Builder::default()
        .plugin(tauri_plugin_single_instance::init(|app, argv, cwd| second_instance(app, &argv, &cwd)))
        .plugin(hotkeys::plugin())
        .plugin(tauri_plugin_autostart::Builder::new().args(["--hidden"]).build())
        .plugin(tauri_plugin_opener::init())
        .invoke_handler(commands::handler())
        // Frozen screens for the region overlay (overlay.rs).
        .register_asynchronous_uri_scheme_protocol(crate::overlay::SCHEME, crate::overlay::protocol)
        .on_window_event(window::on_event)
        .setup(move |app| {
            setup(app.handle(), paths, launch, clip)?;
            Ok(())
        })
        .build(tauri::generate_context!());
    match built {
        Ok(app) => {
            app.run(|_app, event| {
                // The window closing is not the app ending: it keeps running in the tray.
                // `app.exit(code)` (tray "Quit") comes with a code and is let through.
                if let RunEvent::ExitRequested { code: None, api, .. } = event {
                    api.prevent_exit();
                }
            });
            ExitCode::SUCCESS
        }
        Err(e) => {
            // Usually a missing display or WebKitGTK runtime; the message says which.
            tracing::error!("Slingshot could not start: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Opens the core (only a history that can't be opened is fatal), then the tray, hotkeys,
/// history watcher, queue worker and idle hand-over, and runs what the launch asked for.
fn setup(
    app: &AppHandle,
    paths: Paths,
    launch: Launch,
    clip: Option<String>,
) -> Result<(), slingshot::Error> {
    app.manage(startup::open_state(rt_handle(), paths, clip)?);
    if let Err(e) = tray::init(app) {
        tracing::warn!("no tray icon ({e}); the app works from its window and hotkeys");
    }
    hotkeys::apply(app);
    let shell = TauriShell::of(app);
    tauri::async_runtime::spawn(startup::watch_history(shell.clone()));
    worker::init(&shell);
    crate::idle::init(app);
    startup::run_launch(&shell, launch);
    Ok(())
}

/// A second `slingshot ...` started: run what it asked for here.
fn second_instance(app: &AppHandle, argv: &[String], cwd: &str) {
    let launch = args::parse(argv, Path::new(cwd));
    tracing::info!(files = launch.files.len(), "second instance forwarded its arguments");
    startup::run_launch(&TauriShell::of(app), launch);
}

/// The Tokio runtime Tauri runs async work on, for the core's services.
fn rt_handle() -> tokio::runtime::Handle {
    match tauri::async_runtime::handle() {
        tauri::async_runtime::RuntimeHandle::Tokio(h) => h,
    }
}
