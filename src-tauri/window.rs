//! The main window: created on demand from its `tauri.conf.json` entry (which has `create:
//! false`), shown and focused when it exists, and destroyed when closed, so an app idling in the
//! tray holds no webview; once no webview is left, WebKit's network process is ended too. Also
//! forwards files dropped on it as `drop://paths`.

use crate::events;
use serde::Serialize;
use std::time::Duration;
use tauri::webview::PageLoadEvent;
use tauri::{AppHandle, DragDropEvent, Emitter, Manager, Window, WindowEvent};

/// The main window's label, as in `tauri.conf.json` and the capabilities.
pub const MAIN: &str = "main";

#[derive(Clone, Serialize)]
struct Nav {
    view: &'static str,
}

#[derive(Clone, Serialize)]
struct Dropped {
    paths: Vec<String>,
}

/// Shows the main window (creating it if needed) and, with `view`, asks the UI to switch to
/// `upload`, `history` or `settings`.
pub fn show(app: &AppHandle, view: Option<&'static str>) {
    if let Some(w) = app.get_webview_window(MAIN) {
        let _ = w.unminimize();
        let _ = w.show();
        let _ = w.set_focus();
        if let Some(view) = view {
            let _ = w.emit(events::NAV_SHOW, Nav { view });
        }
        return;
    }
    if let Err(e) = create(app, view) {
        tracing::error!("cannot open the window: {e}");
    }
}

fn create(app: &AppHandle, view: Option<&'static str>) -> tauri::Result<()> {
    let Some(cfg) = app.config().app.windows.iter().find(|w| w.label == MAIN).cloned() else {
        return Err(tauri::Error::WindowNotFound);
    };
    tauri::WebviewWindowBuilder::from_config(app, &cfg)?
        .on_page_load(move |w, payload| {
            // A new page has no listener until its scripts ran: tell it where to go only then.
            if let (Some(view), PageLoadEvent::Finished) = (view, payload.event()) {
                let _ = w.emit(events::NAV_SHOW, Nav { view });
            }
        })
        .build()?;
    Ok(())
}

/// Window events: dropped files go to the UI; a destroyed window may leave the app with no
/// webview (see [`on_destroyed`]); everything else keeps Tauri's default (closing destroys the
/// window; the app stays in the tray, see `app.rs`).
pub fn on_event(window: &Window, event: &WindowEvent) {
    if let WindowEvent::Destroyed = event {
        on_destroyed(window.app_handle());
    }
    if let WindowEvent::DragDrop(DragDropEvent::Drop { paths, .. }) = event {
        let paths: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        if paths.is_empty() {
            return;
        }
        tracing::debug!(count = paths.len(), "files dropped on the window");
        if let Err(e) = window.emit(events::DROP_PATHS, Dropped { paths }) {
            tracing::warn!("cannot forward dropped files: {e}");
        }
    }
}

/// How long after a window is destroyed the app checks whether any webview is left: WebKit
/// finishes tearing the page down first.
const IDLE_CHECK: Duration = Duration::from_secs(2);

/// After a window is destroyed: once no webview is left, give memory back (see [`shed`]).
fn on_destroyed(app: &AppHandle) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(IDLE_CHECK).await;
        let handle = app.clone();
        // On the main thread, where webviews are created and WebKit reaps its helpers: no
        // webview can appear, and no pid be reused, between the check and the signal.
        let _ = app.run_on_main_thread(move || {
            if handle.webview_windows().is_empty() {
                shed();
            }
        });
    });
}

/// Frees what only a window needed, so the app idles in the tray smaller: ends WebKit's network
/// process and returns freed heap pages to the system.
///
/// WebKitGTK keeps its network process as long as the web context lives, and the runtime keeps
/// the context for the app's lifetime on Linux (tauri#14626, wry#590): ~17 MB of PSS held for a
/// closed window (measured by `make bench`, part 4). With no webview left nothing uses it;
/// WebKit starts a new one when the next window opens (the bench reopens the window to check).
#[cfg(target_os = "linux")]
fn shed() {
    let me = std::process::id();
    let Ok(dir) = std::fs::read_dir("/proc") else { return };
    for entry in dir.flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|s| s.parse::<i32>().ok()) else {
            continue;
        };
        let exe = std::fs::read_link(entry.path().join("exe")).ok();
        let network = exe.as_deref().and_then(|p| p.file_name()).is_some_and(|n| n == "WebKitNetworkProcess");
        if network && parent_of(&entry.path()) == Some(me) {
            tracing::debug!(pid, "no window left: ending WebKit's network process");
            // SAFETY: kill(2) only sends a signal, to our own child found just now.
            unsafe { libc::kill(pid, libc::SIGTERM) };
        }
    }
    #[cfg(target_env = "gnu")]
    // SAFETY: malloc_trim only hands free pages of glibc's heap back to the kernel.
    unsafe {
        libc::malloc_trim(0);
    }
}

#[cfg(not(target_os = "linux"))]
fn shed() {}

/// The parent pid in `/proc/<pid>/stat` (the field after the `(comm)`, which may hold spaces).
#[cfg(target_os = "linux")]
fn parent_of(proc_dir: &std::path::Path) -> Option<u32> {
    let stat = std::fs::read_to_string(proc_dir.join("stat")).ok()?;
    let (_, rest) = stat.rsplit_once(')')?;
    rest.split_whitespace().nth(1)?.parse().ok()
}
