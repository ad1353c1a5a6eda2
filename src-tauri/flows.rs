//! The uploads the app starts by itself, shared by hotkeys, the tray, the window's buttons and
//! the file manager: capture the screen, upload the clipboard, upload files handed over on the
//! command line. Each turns its input into [`Item`]s and runs one [`jobs`] batch.

use crate::error::{CmdError, CmdResult};
use crate::jobs::{self, Batch, Item, Origin};
use crate::model::UploadResult;
use crate::notify;
use crate::state::AppState;
use slingshot::api::Source;
use slingshot::capture::{self, CaptureMode};
use slingshot::clipboard::ClipboardContent;
use slingshot::pipeline::{expand::expand_paths, save_bytes};
use std::path::PathBuf;
use tauri::{AppHandle, Manager};

/// Which screen to capture.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shot {
    /// The monitor under the pointer.
    Monitor,
    /// Every monitor in one image.
    All,
}

/// Captures, saves the PNG in the captures folder, uploads it with the default profile's
/// defaults (metadata stripped per `capture.strip_metadata`), copies the link and notifies.
pub async fn capture_upload(app: &AppHandle, shot: Shot, origin: Origin) -> CmdResult<UploadResult> {
    let r = capture_inner(app, shot, origin).await;
    if let Err(e) = &r {
        tracing::warn!("capture: {}", e.message);
    }
    r
}

async fn capture_inner(app: &AppHandle, shot: Shot, origin: Origin) -> CmdResult<UploadResult> {
    let st = app.state::<AppState>();
    let target = st.target(None).inspect_err(|e| notify::error(app, "Upload failed", &e.to_string()))?;
    let settings = st.settings();
    let mode = match shot {
        Shot::All => CaptureMode::AllMonitors,
        Shot::Monitor => pointer_mode(app),
    };
    let dir = st.captures_dir();
    let saved = tauri::async_runtime::spawn_blocking(move || {
        let cap = capture::capture(mode)?;
        capture::save_png(&cap, &dir)
    })
    .await
    .map_err(|e| CmdError::app(format!("The capture stopped unexpectedly: {e}")))?;
    let path = saved.map_err(|e| {
        notify::error(app, "Capture failed", &e.to_string());
        CmdError::from(e)
    })?;
    tracing::info!(path = %path.display(), "screen captured");
    let mut batch = Batch::defaults(target, origin);
    batch.prepare.strip_metadata = settings.capture.strip_metadata;
    batch.remove_after = !settings.capture.keep_captures;
    let results = jobs::run(app, batch, vec![Item::file(path)]).await.into_result()?;
    results.into_iter().next().ok_or_else(|| CmdError::app("The capture was not uploaded"))
}

/// The monitor under the pointer: the core's X11 query, else the pointer position Tauri knows,
/// else a point outside every monitor (which the core maps to the primary one).
fn pointer_mode(app: &AppHandle) -> CaptureMode {
    let (x, y) = capture::pointer_position()
        .or_else(|| app.cursor_position().ok().map(|p| (p.x.round() as i32, p.y.round() as i32)))
        .unwrap_or((i32::MIN, i32::MIN));
    CaptureMode::MonitorAt { x, y }
}

/// Reads the clipboard into items: an image is saved as PNG in the captures folder first,
/// copied files (folders expanded) are uploaded as they are, a URL is fetched by the server.
pub async fn clipboard_items(app: &AppHandle) -> CmdResult<Vec<Item>> {
    let st = app.state::<AppState>();
    let cb = st
        .clipboard
        .clone()
        .ok_or_else(|| CmdError::app("The clipboard is not available in this session"))?;
    let dir = st.captures_dir();
    let items = tauri::async_runtime::spawn_blocking(move || -> slingshot::Result<Vec<Item>> {
        Ok(match cb.read()? {
            ClipboardContent::Image { png, .. } => vec![Item::file(save_bytes(&dir, "clipboard.png", &png)?)],
            ClipboardContent::Files(files) => expand_paths(&files)?.into_iter().map(Item::file).collect(),
            ClipboardContent::Url(u) => vec![Item { name: u.clone(), source: Ok(Source::Url(u)) }],
        })
    })
    .await
    .map_err(|e| CmdError::app(format!("Reading the clipboard stopped unexpectedly: {e}")))?;
    Ok(items?)
}

/// "Upload clipboard" from a hotkey or the tray: the default profile's defaults.
pub async fn clipboard_upload(app: &AppHandle, origin: Origin) -> CmdResult<Vec<UploadResult>> {
    let r = async {
        let target = app.state::<AppState>().target(None)?;
        let items = clipboard_items(app).await?;
        jobs::run(app, Batch::defaults(target, origin), items).await.into_result()
    }
    .await;
    if let Err(e) = &r {
        // Nothing was queued (empty clipboard, no profile): the person pressed a key and must hear why.
        if !matches!(e.kind.as_str(), "network" | "timeout" | "auth" | "rejected" | "not_json") {
            notify::error(app, "Nothing uploaded", &e.message);
        }
    }
    r
}

/// Expands paths (folders become the images and videos inside) into items, each path on its
/// own so one empty folder doesn't stop the others.
pub async fn path_items(paths: Vec<PathBuf>) -> Vec<Item> {
    let joined = tauri::async_runtime::spawn_blocking(move || {
        let mut items = Vec::new();
        for p in paths {
            match expand_paths(std::slice::from_ref(&p)) {
                Ok(files) => items.extend(files.into_iter().map(Item::file)),
                Err(e) => items.push(Item { name: p.display().to_string(), source: Err(e) }),
            }
        }
        items
    })
    .await;
    joined.unwrap_or_else(|e| {
        tracing::error!("expanding the paths stopped unexpectedly: {e}");
        Vec::new()
    })
}

/// Files from `slingshot FILE...` (first or second instance): default profile, link copied,
/// one notification.
pub async fn upload_files(app: &AppHandle, files: Vec<PathBuf>) {
    let target = match app.state::<AppState>().target(None) {
        Ok(t) => t,
        Err(e) => {
            notify::error(app, "Upload failed", &e.to_string());
            return;
        }
    };
    let items = path_items(files).await;
    let report = jobs::run(app, Batch::defaults(target, Origin::FileManager), items).await;
    tracing::info!(done = report.done.len(), failed = report.failed.len(), "file-manager upload finished");
}
