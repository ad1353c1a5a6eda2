//! The main window: created on demand from its `tauri.conf.json` entry (which has `create:
//! false`), shown and focused when it exists, and destroyed when closed, so an app idling in the
//! tray holds no webview. Also forwards files dropped on it as `drop://paths`.

use crate::events;
use serde::Serialize;
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

/// Window events: dropped files go to the UI; everything else keeps Tauri's default (closing
/// destroys the window; the app stays in the tray, see `app.rs`).
pub fn on_event(window: &Window, event: &WindowEvent) {
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
