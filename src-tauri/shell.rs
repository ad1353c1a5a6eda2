//! [`TauriShell`]: the app handle as the core's [`Shell`], so the desktop services
//! (`slingshot::desktop`) emit to the window, refresh the tray and open the region overlay here.

use crate::error::CmdResult;
use crate::events;
use slingshot::desktop::jobs::{EventFn, Origin};
use slingshot::desktop::model::{OriginEvent, UploadEvent};
use slingshot::desktop::state::AppState;
use slingshot::desktop::Shell;
use std::future::Future;
use std::sync::Arc;
use tauri::ipc::Channel;
use tauri::{AppHandle, Emitter, Manager};

/// The Tauri app handle, driving the core's desktop services.
#[derive(Clone)]
pub struct TauriShell(pub AppHandle);

impl TauriShell {
    /// Wraps a handle (cheap: the handle is reference-counted).
    pub fn of(app: &AppHandle) -> TauriShell {
        TauriShell(app.clone())
    }
}

impl Shell for TauriShell {
    fn state(&self) -> &AppState {
        self.0.state::<AppState>().inner()
    }

    fn upload_event(&self, event: &UploadEvent, origin: &'static str) {
        if let Err(e) = self.0.emit(events::UPLOAD_EVENT, OriginEvent { event, origin }) {
            tracing::debug!("cannot emit an upload event: {e}");
        }
    }

    fn history_changed(&self) {
        crate::tray::history_changed(&self.0);
    }

    fn cursor_position(&self) -> Option<(i32, i32)> {
        self.0.cursor_position().ok().map(|p| (p.x.round() as i32, p.y.round() as i32))
    }

    fn show_window(&self, view: Option<&'static str>) {
        crate::window::show(&self.0, view);
    }

    fn select_region(&self, origin: Origin) -> impl Future<Output = CmdResult<()>> + Send {
        crate::overlay::start(&self.0, origin)
    }
}

/// A command's per-call `Channel` as the batch's own listener.
pub fn channel_fn(channel: Channel<UploadEvent>) -> EventFn {
    Arc::new(move |ev| {
        if let Err(e) = channel.send(ev) {
            // The window was closed or reloaded; the upload goes on.
            tracing::debug!("cannot send on the upload channel: {e}");
        }
    })
}
