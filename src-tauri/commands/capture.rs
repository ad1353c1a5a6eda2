//! The region overlay's commands (`overlay_*`), invoked only by overlay pages: each is a thin
//! adapter over `overlay.rs`, which checks that the caller is an overlay of the open selection.

use crate::error::CmdResult;
use crate::overlay::{self, OverlayInit, Selection};
use tauri::{AppHandle, WebviewWindow};

/// This overlay's monitor, scale factor, frozen picture URL and the windows on it.
#[tauri::command]
pub async fn overlay_init(handle: AppHandle, window: WebviewWindow) -> CmdResult<OverlayInit> {
    overlay::init(&handle, &window)
}

/// The page has drawn its picture: show the window.
#[tauri::command]
pub async fn overlay_ready(handle: AppHandle, window: WebviewWindow) -> CmdResult<()> {
    overlay::ready(&handle, &window)
}

/// The person chose a rectangle or a window: close the overlays, crop, save, upload, copy.
#[tauri::command]
pub async fn overlay_confirm(
    handle: AppHandle,
    window: WebviewWindow,
    selection: Selection,
) -> CmdResult<()> {
    overlay::confirm(&handle, &window, selection)
}

/// Esc: close the overlays; nothing is saved or uploaded.
#[tauri::command]
pub async fn overlay_cancel(handle: AppHandle, window: WebviewWindow) -> CmdResult<()> {
    overlay::cancel(&handle, &window)
}
