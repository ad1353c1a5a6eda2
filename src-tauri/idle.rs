//! Leaving for the tray process. A WebKit app costs over 100 MB even with no window, so once the
//! window (and the region overlay) has been closed for a while and no upload is running, the app
//! starts `slingshot-tray --takeover PID`, which waits for it to be gone, takes over the tray,
//! the hotkeys, the single-instance name and the clipboard, and starts the app again when a window
//! is needed. `SLINGSHOT_TRAY_AFTER` sets the delay in seconds (0: stay, as on desktops where the
//! tray process can't run).

use slingshot::desktop::args::Launch;
use slingshot::desktop::handover;
use slingshot::desktop::state::AppState;
use std::time::Duration;
use tauri::{AppHandle, Manager};

/// The default delay before leaving for the tray process.
const DEFAULT_AFTER: u64 = 30;
/// How often the app checks whether it is idle.
const CHECK: Duration = Duration::from_secs(1);

fn after() -> u64 {
    std::env::var("SLINGSHOT_TRAY_AFTER").ok().and_then(|v| v.trim().parse().ok()).unwrap_or(DEFAULT_AFTER)
}

/// The tray process to hand over to, unless `SLINGSHOT_TRAY_AFTER=0` or it is not installed.
fn tray_binary() -> Option<std::path::PathBuf> {
    handover::sibling("slingshot-tray").filter(|_| after() > 0)
}

/// `slingshot --hidden` (login autostart) has no window to show: become the tray process at once
/// instead of starting GTK and WebKit for nothing. Returns only if that is not possible.
pub fn exec_tray_if_hidden(launch: &Launch, argv: &[String]) {
    let tray_only =
        launch.hidden && launch.files.is_empty() && launch.capture.is_none() && launch.select.is_none();
    let Some(tray) = tray_binary().filter(|_| tray_only) else { return };
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        let e = std::process::Command::new(&tray).args(argv.iter().skip(1)).exec();
        tracing::warn!("cannot start the tray process ({e}); running the app in the tray instead");
    }
}

/// Starts watching for idleness (nothing happens when the delay is 0 or the tray process is not
/// installed next to the app).
pub fn init(app: &AppHandle) {
    let secs = after();
    let Some(tray) = tray_binary() else {
        return tracing::info!(
            "the app stays in the tray itself (no slingshot-tray, or SLINGSHOT_TRAY_AFTER=0)"
        );
    };
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let mut idle = Duration::ZERO;
        let mut tick = tokio::time::interval(CHECK);
        loop {
            tick.tick().await;
            let busy = !app.webview_windows().is_empty() || app.state::<AppState>().active_batches() > 0;
            idle = if busy { Duration::ZERO } else { idle + CHECK };
            if idle.as_secs() >= secs {
                match handover::start(&app.state::<AppState>(), &tray, &[]) {
                    Ok(()) => return app.exit(0),
                    Err(e) => {
                        tracing::warn!("cannot start the tray process; staying: {e}");
                        return;
                    }
                }
            }
        }
    });
}
