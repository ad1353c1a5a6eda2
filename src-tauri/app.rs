//! Building and running the app: plugins (single-instance first, so a second `slingshot FILE...`
//! is forwarded before anything else starts), commands, window events, and the setup that opens
//! the core, starts the local sandbox, creates the tray, registers hotkeys and starts the history
//! watcher. Closing the window leaves the app running in the tray; only "Quit" ends it.

use crate::shell::TauriShell;
use crate::{commands, hotkeys, tray, window};
use slingshot::clipboard::ClipboardOwner;
use slingshot::config::{Paths, Settings};
use slingshot::desktop::args::{self, Launch};
use slingshot::desktop::jobs::Origin;
use slingshot::desktop::state::AppState;
use slingshot::desktop::{flows, handover, worker};
use slingshot::pipeline::Core;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;
use tauri::{AppHandle, Manager, RunEvent};

/// How often the history database is checked for writes by other processes (the CLI).
const HISTORY_POLL: Duration = Duration::from_secs(2);

/// Runs the desktop app until "Quit".
pub fn run() -> ExitCode {
    let paths = Paths::resolve();
    slingshot::desktop::logging::init(paths.as_ref().ok().map(|p| p.data_dir.as_path()));
    let paths = match paths {
        Ok(p) => p,
        Err(e) => {
            tracing::error!("Slingshot cannot find its folders: {e}");
            return ExitCode::FAILURE;
        }
    };
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

/// Opens everything the app needs. Only a history database that can't be opened is fatal;
/// a broken settings file, a sandbox that can't start or a missing clipboard become warnings.
fn setup(
    app: &AppHandle,
    paths: Paths,
    launch: Launch,
    clip: Option<String>,
) -> Result<(), slingshot::Error> {
    let mut warnings = Vec::new();
    let settings = match Settings::load_or_recover(&paths) {
        Ok((s, warning)) => {
            warnings.extend(warning);
            s
        }
        Err(e) => {
            // The broken file stays in place; saving settings will refuse until it is fixed.
            warnings.push(e.to_string());
            Settings::default()
        }
    };
    let sandbox = match tauri::async_runtime::block_on(slingshot::sandbox::start(&paths)) {
        Ok(s) => {
            tracing::info!(url = %s.target.server.base_url, "local sandbox running");
            Some(s)
        }
        Err(e) => {
            warnings.push(format!("The local sandbox could not start: {e}"));
            None
        }
    };
    let clipboard = ClipboardOwner::new().map_err(|e| warnings.push(e.to_string())).ok();
    // The app keeps transiently failed uploads queued until the server answers again.
    let core = Core::open_with_mode(paths, settings, slingshot::queue::Mode::Persistent)?;
    for w in &warnings {
        tracing::warn!("{w}");
    }
    app.manage(AppState::new(rt_handle(), core, sandbox, clipboard, warnings));
    if let Some(text) = clip {
        if let Err(e) = app.state::<AppState>().copy(&text) {
            tracing::warn!("cannot keep the copied link on the clipboard: {e}");
        }
    }

    if let Err(e) = tray::init(app) {
        tracing::warn!("no tray icon ({e}); the app works from its window and hotkeys");
    }
    hotkeys::apply(app);
    watch_history(app.clone());
    worker::init(&TauriShell::of(app));
    crate::idle::init(app);
    if launch.shows_window() {
        window::show(app, launch.view);
    }
    if let Some(kind) = launch.select {
        flows::spawn_capture(&TauriShell::of(app), kind, Origin::Tray, 0);
    }
    if !launch.files.is_empty() {
        let (app, files) = (app.clone(), launch.files);
        tauri::async_runtime::spawn(async move { flows::upload_files(&TauriShell(app), files).await });
    }
    if let Some((named, delay)) = launch.capture {
        let app = app.clone();
        tauri::async_runtime::spawn(
            async move { flows::capture_named(&TauriShell(app), named, delay).await },
        );
    }
    Ok(())
}

/// A second `slingshot ...` started: upload its files, or show the window.
fn second_instance(app: &AppHandle, argv: &[String], cwd: &str) {
    let launch = args::parse(argv, Path::new(cwd));
    tracing::info!(files = launch.files.len(), "second instance forwarded its arguments");
    if let Some((named, delay)) = launch.capture {
        // `slingshot-cli capture --upload` handing its capture over.
        let app = app.clone();
        tauri::async_runtime::spawn(
            async move { flows::capture_named(&TauriShell(app), named, delay).await },
        );
    } else if !launch.files.is_empty() {
        let (app, files) = (app.clone(), launch.files);
        tauri::async_runtime::spawn(async move { flows::upload_files(&TauriShell(app), files).await });
    } else if let Some(kind) = launch.select {
        flows::spawn_capture(&TauriShell::of(app), kind, Origin::Tray, 0);
    } else if !launch.hidden {
        window::show(app, launch.view);
    }
}

/// Polls the history's change counter; a change means another process wrote (the app's own
/// writes are announced where they happen).
fn watch_history(app: AppHandle) {
    tauri::async_runtime::spawn(async move {
        let mut last: Option<i64> = None;
        let mut tick = tokio::time::interval(HISTORY_POLL);
        loop {
            tick.tick().await;
            let counter = app.state::<AppState>().core.history.change_counter();
            match counter {
                Ok(c) => {
                    if last.is_some_and(|l| l != c) {
                        tray::history_changed(&app);
                    }
                    last = Some(c);
                }
                Err(e) => tracing::debug!("cannot read the history change counter: {e}"),
            }
        }
    });
}

/// The Tokio runtime Tauri runs async work on, for the core's services.
fn rt_handle() -> tokio::runtime::Handle {
    match tauri::async_runtime::handle() {
        tauri::async_runtime::RuntimeHandle::Tokio(h) => h,
    }
}
