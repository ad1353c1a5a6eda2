//! The uploads the app starts by itself, shared by hotkeys, the tray, the window's buttons and
//! the file manager: capture the screen, upload the clipboard, upload files handed over on the
//! command line. Each turns its input into [`Item`]s and runs one [`jobs`] batch.

use super::error::{CmdError, CmdResult};
use super::jobs::{self, Batch, Item, Origin};
use super::model::UploadResult;
use super::notify;
use super::Shell;
use crate::api::Source;
use crate::capture::named::Named;
use crate::capture::{self, CaptureMode};
use crate::clipboard::ClipboardContent;
use crate::config::CaptureKind;
use crate::pipeline::{expand::expand_paths, save_bytes};
use std::path::PathBuf;

/// Which screen to capture.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shot {
    /// The monitor under the pointer.
    Monitor,
    /// Every monitor in one image.
    All,
    /// The window the window manager calls active.
    Window,
    /// What `slingshot --capture SPEC` named (the CLI's hand-off): a monitor, a region, a window.
    Named(Named),
    /// Whatever the person picks in the desktop's own screenshot UI (Wayland region/window).
    Picked,
}

/// Captures, saves the PNG in the captures folder, uploads it with the default profile's
/// defaults (metadata stripped per `capture.strip_metadata`), copies the link and notifies.
pub async fn capture_upload<S: Shell>(app: &S, shot: Shot, origin: Origin) -> CmdResult<UploadResult> {
    let r = capture_inner(app, shot, origin).await;
    if let Err(e) = &r {
        tracing::warn!("capture: {}", e.message);
    }
    r
}

async fn capture_inner<S: Shell>(app: &S, shot: Shot, origin: Origin) -> CmdResult<UploadResult> {
    let st = app.state();
    let target = st.target(None).inspect_err(|e| notify::error(st, "Upload failed", &e.to_string()))?;
    let mode = match shot {
        Shot::All | Shot::Named(_) | Shot::Window | Shot::Picked => CaptureMode::AllMonitors,
        Shot::Monitor => pointer_mode(app),
    };
    let dir = st.captures_dir();
    let saved = st
        .rt
        .spawn_blocking(move || {
            let cap = match shot {
                Shot::Named(named) => named.take()?,
                Shot::Window => capture::capture_active_window()?,
                Shot::Picked => capture::pick_with_desktop()?,
                _ => capture::capture(mode)?,
            };
            capture::save_png(&cap, &dir)
        })
        .await
        .map_err(|e| CmdError::app(format!("The capture stopped unexpectedly: {e}")))?;
    let path = saved.map_err(|e| {
        let (summary, body) = capture_failure(&e);
        notify::error(st, summary, &body);
        CmdError::from(e)
    })?;
    upload_saved(app, target, path, origin).await
}

/// The notification for a capture that failed. A "Deny" to GNOME's one-time "Allow Applications to
/// Take Screenshots?" (portal response 2) is the person's answer, not a fault: the title says so,
/// the core's message says how to be asked again, and the window has that command to copy.
fn capture_failure(e: &crate::Error) -> (&'static str, String) {
    let msg = e.to_string();
    if !capture::portal::is_refusal(e) {
        return ("Capture failed", msg);
    }
    let body = if msg.contains("DeletePermission") {
        format!("{msg}. Settings > Desktop shortcuts has this command to copy.")
    } else {
        msg
    };
    ("Screenshot not allowed", body)
}

/// Uploads a capture saved in the captures folder: metadata stripped per `capture.strip_metadata`,
/// the file removed afterwards unless `capture.keep_captures`.
async fn upload_saved<S: Shell>(
    app: &S,
    target: crate::pipeline::Target,
    path: PathBuf,
    origin: Origin,
) -> CmdResult<UploadResult> {
    let settings = app.state().settings();
    tracing::info!(path = %path.display(), "screen captured");
    let mut batch = Batch::defaults(target, origin);
    batch.prepare.strip_metadata = settings.capture.strip_metadata;
    batch.remove_after = !settings.capture.keep_captures;
    let results = jobs::run(app, batch, vec![Item::file(path)]).await.into_result()?;
    results.into_iter().next().ok_or_else(|| CmdError::app("The capture was not uploaded"))
}

/// A capture taken elsewhere (the region overlay's crop): saved, uploaded, copied and notified
/// like a hotkey capture.
pub async fn upload_capture<S: Shell>(
    app: &S,
    cap: capture::Capture,
    origin: Origin,
) -> CmdResult<UploadResult> {
    let r = async {
        let st = app.state();
        let target = st.target(None).inspect_err(|e| notify::error(st, "Upload failed", &e.to_string()))?;
        let dir = st.captures_dir();
        let saved = st
            .rt
            .spawn_blocking(move || capture::save_png(&cap, &dir))
            .await
            .map_err(|e| CmdError::app(format!("Saving the capture stopped unexpectedly: {e}")))?;
        let path = saved.inspect_err(|e| notify::error(st, "Capture failed", &e.to_string()))?;
        upload_saved(app, target, path, origin).await
    }
    .await;
    if let Err(e) = &r {
        tracing::warn!("capture: {}", e.message);
    }
    r
}

/// Runs a capture of `kind` in the background after `delay_secs` (hotkeys, tray): the region
/// opens the selection overlay, the others capture at once. Outcomes are notified by the flows.
pub fn spawn_capture<S: Shell>(app: &S, kind: CaptureKind, origin: Origin, delay_secs: u32) {
    let app = app.clone();
    app.state().rt.clone().spawn(async move {
        if delay_secs > 0 {
            tokio::time::sleep(std::time::Duration::from_secs(u64::from(delay_secs))).await;
        }
        // On Wayland our overlay can't freeze other apps' windows: the desktop's picker does it.
        let picker = capture::needs_desktop_picker();
        let _ = match kind {
            CaptureKind::Region | CaptureKind::Window if picker => {
                capture_upload(&app, Shot::Picked, origin).await.map(|_| ())
            }
            CaptureKind::Region => app.select_region(origin).await,
            CaptureKind::Monitor => capture_upload(&app, Shot::Monitor, origin).await.map(|_| ()),
            CaptureKind::All => capture_upload(&app, Shot::All, origin).await.map(|_| ()),
            CaptureKind::Window => capture_upload(&app, Shot::Window, origin).await.map(|_| ()),
        };
    });
}

/// `slingshot --capture SPEC [--delay S]` forwarded by `slingshot-cli capture --upload`: waits,
/// then the same capture flow as the hotkeys (the link goes on the app's clipboard).
pub async fn capture_named<S: Shell>(app: &S, named: Named, delay_secs: u32) {
    if delay_secs > 0 {
        tokio::time::sleep(std::time::Duration::from_secs(u64::from(delay_secs))).await;
    }
    tracing::info!(capture = %named, "capture handed over by the command line");
    // Errors are notified and logged inside the flow.
    let _ = capture_upload(app, Shot::Named(named), Origin::Hotkey).await;
}

/// The monitor under the pointer: the core's X11 query, else the pointer position the toolkit knows,
/// else a point outside every monitor (which the core maps to the primary one).
fn pointer_mode<S: Shell>(app: &S) -> CaptureMode {
    let (x, y) =
        capture::pointer_position().or_else(|| app.cursor_position()).unwrap_or((i32::MIN, i32::MIN));
    CaptureMode::MonitorAt { x, y }
}

/// Reads the clipboard into items: an image is saved as PNG in the captures folder first,
/// copied files (folders expanded) are uploaded as they are, a URL is fetched by the server.
pub async fn clipboard_items<S: Shell>(app: &S) -> CmdResult<Vec<Item>> {
    let st = app.state();
    let cb = st
        .clipboard
        .clone()
        .ok_or_else(|| CmdError::app("The clipboard is not available in this session"))?;
    let dir = st.captures_dir();
    let items = st
        .rt
        .spawn_blocking(move || -> crate::Result<Vec<Item>> {
            Ok(match cb.read()? {
                ClipboardContent::Image { png, .. } => {
                    vec![Item::file(save_bytes(&dir, "clipboard.png", &png)?)]
                }
                ClipboardContent::Files(files) => expand_paths(&files)?.into_iter().map(Item::file).collect(),
                ClipboardContent::Url(u) => vec![Item::new(u.clone(), Ok(Source::Url(u)))],
            })
        })
        .await
        .map_err(|e| CmdError::app(format!("Reading the clipboard stopped unexpectedly: {e}")))?;
    Ok(items?)
}

/// "Upload clipboard" from a hotkey or the tray: the default profile's defaults.
pub async fn clipboard_upload<S: Shell>(app: &S, origin: Origin) -> CmdResult<Vec<UploadResult>> {
    let r = async {
        let target = app.state().target(None)?;
        let items = clipboard_items(app).await?;
        jobs::run(app, Batch::defaults(target, origin), items).await.into_result()
    }
    .await;
    if let Err(e) = &r {
        // Nothing was queued (empty clipboard, no profile): the person pressed a key and must hear why.
        if !matches!(e.kind.as_str(), "network" | "timeout" | "auth" | "rejected" | "not_json") {
            notify::error(app.state(), "Nothing uploaded", &e.message);
        }
    }
    r
}

/// Expands paths (folders become the images and videos inside) into items, each path on its
/// own so one empty folder doesn't stop the others.
pub async fn path_items(paths: Vec<PathBuf>) -> Vec<Item> {
    let joined = tokio::task::spawn_blocking(move || {
        let mut items = Vec::new();
        for p in paths {
            match expand_paths(std::slice::from_ref(&p)) {
                Ok(files) => items.extend(files.into_iter().map(Item::file)),
                Err(e) => items.push(Item::new(p.display().to_string(), Err(e))),
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
pub async fn upload_files<S: Shell>(app: &S, files: Vec<PathBuf>) {
    let target = match app.state().target(None) {
        Ok(t) => t,
        Err(e) => {
            notify::error(app.state(), "Upload failed", &e.to_string());
            return;
        }
    };
    let items = path_items(files).await;
    let report = jobs::run(app, Batch::defaults(target, Origin::FileManager), items).await;
    tracing::info!(done = report.done.len(), failed = report.failed.len(), "file-manager upload finished");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_screenshot_is_named_and_points_to_the_window() {
        let gnome = crate::Error::Config(
            "The desktop refused the screenshot (portal response 2): GNOME's \"Allow Applications to Take \
             Screenshots?\" was answered Deny or closed. To be asked again, run `gdbus call ... \
             DeletePermission screenshot screenshot ''` and capture again, then choose Allow"
                .into(),
        );
        let (summary, body) = capture_failure(&gnome);
        assert_eq!(summary, "Screenshot not allowed");
        assert!(
            body.starts_with(&gnome.to_string())
                && body.ends_with("Desktop shortcuts has this command to copy.")
        );
        let other = crate::Error::Config("No screenshot portal in this session".into());
        assert_eq!(capture_failure(&other), ("Capture failed", other.to_string()));
    }
}
