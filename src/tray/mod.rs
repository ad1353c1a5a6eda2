//! The tray process (`slingshot-tray`): Slingshot while no window is open, without GTK or
//! WebKit. The desktop app hands over to it after its window has been closed for a while
//! (`--takeover PID`), and it hands back by starting the app when a window is needed (open,
//! settings, the region overlay). Meanwhile it keeps everything else working on the same core
//! services the app uses (`crate::desktop`): the tray menu (StatusNotifierItem over D-Bus, ksni),
//! global hotkeys (X11, global-hotkey), `slingshot FILE...` and `slingshot-cli capture` hand-offs
//! (the app's single-instance D-Bus name), the local sandbox, the queue worker, the clipboard
//! and notifications. Idle, it costs a tenth of the app's memory.

mod handover;
mod icon;
mod instance;
mod keys;

use crate::desktop::jobs::Origin;
use crate::desktop::state::AppState;
use crate::desktop::{startup, worker, Shell};
use std::process::ExitCode;
use std::sync::mpsc;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

/// What the tray process's main thread is asked to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Ctl {
    /// Register the hotkeys again (paused, resumed).
    ApplyHotkeys,
    /// Start the desktop app with these arguments and leave.
    HandOver(Vec<String>),
    /// Leave.
    Quit,
}

/// The tray process as the core services' [`Shell`].
#[derive(Clone)]
pub(crate) struct TrayShell {
    state: Arc<AppState>,
    ctl: mpsc::Sender<Ctl>,
    icon: Arc<Mutex<Option<icon::Handle>>>,
}

impl TrayShell {
    /// Asks the main thread for something; a closed channel means it is already leaving.
    pub(crate) fn send(&self, c: Ctl) {
        let _ = self.ctl.send(c);
    }

    fn refresh_icon(&self) {
        let handle = self.icon.lock().unwrap_or_else(PoisonError::into_inner).clone();
        if let Some(h) = handle {
            icon::refresh(&h, &self.state);
        }
    }
}

impl Shell for TrayShell {
    fn state(&self) -> &AppState {
        &self.state
    }

    fn upload_event(&self, _event: &crate::desktop::model::UploadEvent, _origin: &'static str) {
        // No window listens here; the notification and the menu tell the person.
    }

    fn history_changed(&self) {
        self.refresh_icon();
    }

    fn cursor_position(&self) -> Option<(i32, i32)> {
        None
    }

    fn show_window(&self, view: Option<&'static str>) {
        let args = view.map(|v| vec!["--view".to_string(), v.to_string()]);
        self.send(Ctl::HandOver(args.unwrap_or_default()));
    }

    fn select_region(
        &self,
        _origin: Origin,
    ) -> impl std::future::Future<Output = crate::desktop::error::CmdResult<()>> + Send {
        // The overlay is a web page: the app draws it.
        self.send(Ctl::HandOver(vec!["--select".into(), "region".into()]));
        std::future::ready(Ok(()))
    }
}

/// Runs the tray process until it quits or hands over to the app (then the process ends).
pub fn run() -> ExitCode {
    let Some(paths) = crate::desktop::logging::init_with_paths() else { return ExitCode::FAILURE };
    let argv: Vec<String> = std::env::args().collect();
    let takeover = crate::desktop::handover::takeover_pid(&argv);
    let rt = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            tracing::error!("cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    // The clipboard text the app still owned, handed over on stdin.
    let clip = crate::desktop::handover::read_clipboard_text(&argv);
    if let Some(pid) = takeover {
        crate::desktop::handover::wait_for_exit(pid);
    } else if rt.block_on(instance::taken()) {
        // Started while Slingshot runs (a second `slingshot --hidden`): hand it the arguments.
        if let Err(e) = rt.block_on(instance::forward(&argv)) {
            tracing::warn!("cannot reach the running Slingshot: {e}");
        }
        return ExitCode::SUCCESS;
    }
    tracing::info!(
        version = env!("CARGO_PKG_VERSION"),
        takeover = takeover.is_some(),
        "tray process starting"
    );
    let state = match startup::open_state(rt.handle().clone(), paths, clip) {
        Ok(s) => Arc::new(s),
        Err(e) => {
            tracing::error!("Slingshot could not open its history: {e}");
            return ExitCode::FAILURE;
        }
    };
    let (tx, rx) = mpsc::channel();
    let shell = TrayShell { state: state.clone(), ctl: tx, icon: Arc::default() };
    let _bus = match rt.block_on(instance::serve(shell.clone())) {
        Ok(conn) => conn,
        Err(e) => {
            tracing::error!("another Slingshot runs, or the session bus refused the name: {e}");
            return ExitCode::FAILURE;
        }
    };
    let tray = rt.block_on(icon::spawn(shell.clone()));
    match tray {
        Ok(h) => *shell.icon.lock().unwrap_or_else(PoisonError::into_inner) = Some(h),
        Err(e) => tracing::warn!("no tray icon ({e}); hotkeys and the file manager still work"),
    }
    state.set_tray(shell.icon.lock().unwrap_or_else(PoisonError::into_inner).is_some());
    let mut hotkeys = keys::Keys::start(shell.clone());
    hotkeys.apply(&state);
    rt.spawn(startup::watch_history(shell.clone()));
    worker::init(&shell);
    loop {
        match rx.recv() {
            Ok(Ctl::ApplyHotkeys) => hotkeys.apply(&state),
            Ok(Ctl::HandOver(args)) => {
                handover::let_jobs_finish(&state);
                drop(hotkeys);
                let handle = shell.icon.lock().unwrap_or_else(PoisonError::into_inner).take();
                if let Some(h) = handle {
                    icon::shutdown(&rt, h);
                }
                drop(_bus);
                handover::start_app(&state, &args);
                break;
            }
            Ok(Ctl::Quit) | Err(_) => break,
        }
    }
    // Leave now: the app waits for this process to be gone, and the hotkey thread (blocked on
    // its channel) or a notification held open must not keep it alive.
    rt.shutdown_timeout(Duration::from_millis(500));
    std::process::exit(0)
}
