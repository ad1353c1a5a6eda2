//! `upload`, `upload_clipboard` and `capture`: turn the window's sources into pipeline items
//! (only absolute paths; folders expanded; pasted bytes saved to the captures folder first) and
//! run them as one batch reporting on the call's Channel.

use crate::error::{CmdError, CmdResult};
use crate::model::{SourceArg, UploadRequest};
use crate::shell::TauriShell;
use base64::Engine;
use slingshot::api::Source;
use slingshot::desktop::flows::{self, Shot};
use slingshot::desktop::jobs::{self, Batch, Item, Origin};
use slingshot::desktop::model::{UploadEvent, UploadResult};
use slingshot::desktop::state::AppState;
use slingshot::media::resize::PrepareOptions;
use slingshot::pipeline::{input, save_bytes};
use std::path::{Path, PathBuf};
use tauri::ipc::Channel;
use tauri::{AppHandle, State};

/// The batch settings an [`UploadRequest`] asks for.
fn batch(st: &AppState, request: &UploadRequest, channel: Channel<UploadEvent>) -> CmdResult<Batch> {
    let target = st.target(request.profile.as_deref())?;
    Ok(Batch {
        target,
        options: request.options.clone(),
        prepare: PrepareOptions {
            resize_width: request.resize_width.filter(|w| *w > 0),
            jpeg_quality: request.jpeg_quality.clamp(1, 100),
            strip_metadata: request.strip_metadata,
        },
        copy: request.copy,
        origin: Origin::Window,
        channel: Some(crate::shell::channel_fn(channel)),
        remove_after: false,
    })
}

/// Decodes pasted bytes (plain base64 or a `data:` URL) and saves them under `dir`.
pub fn save_pasted(dir: &Path, data: &str, name: Option<&str>) -> slingshot::Result<PathBuf> {
    let b64 = match data.split_once(";base64,") {
        Some((head, rest)) if head.starts_with("data:") => rest,
        _ => data,
    };
    let clean: String = b64.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(clean.as_bytes())
        .map_err(|e| slingshot::Error::invalid(format!("The pasted data is not valid base64 ({e})")))?;
    save_bytes(dir, name.unwrap_or("pasted.png"), &bytes)
}

/// Uploads files, folders, URLs and pasted images with the option bar's settings.
#[tauri::command]
pub async fn upload(
    handle: AppHandle,
    state: State<'_, AppState>,
    sources: Vec<SourceArg>,
    request: UploadRequest,
    on_event: Channel<UploadEvent>,
) -> CmdResult<Vec<UploadResult>> {
    if sources.is_empty() {
        return Err(CmdError::from(slingshot::Error::invalid("Nothing to upload")));
    }
    let batch = batch(&state, &request, on_event)?;
    let dir = state.captures_dir();
    let mut items = Vec::with_capacity(sources.len());
    for s in sources {
        match s {
            SourceArg::Path { path } => {
                let p = PathBuf::from(&path);
                if p.is_absolute() {
                    items.extend(flows::path_items(vec![p]).await);
                } else {
                    let e = slingshot::Error::invalid(format!("{path}: only absolute paths are accepted"));
                    items.push(Item::new(path, Err(e)));
                }
            }
            SourceArg::Url { url } => {
                let source = input::check_url(&url).map(|()| Source::Url(url.clone()));
                items.push(Item::new(url, source));
            }
            SourceArg::Data { data_base64, name } => {
                let label = name.clone().unwrap_or_else(|| "pasted image".into());
                let (dir, n) = (dir.clone(), name.clone());
                let saved = tauri::async_runtime::spawn_blocking(move || {
                    save_pasted(&dir, &data_base64, n.as_deref())
                })
                .await
                .map_err(|e| CmdError::app(format!("Saving the pasted image stopped unexpectedly: {e}")))?;
                match saved {
                    // Shown under the name it was pasted with; the saved copy's name is unique.
                    Ok(p) => items.push(Item::new(label, Ok(Source::File(p)))),
                    Err(e) => items.push(Item::new(label, Err(e))),
                }
            }
        }
    }
    jobs::run(&TauriShell::of(&handle), batch, items).await.into_result()
}

/// Uploads what is on the clipboard (image, copied files or a URL) with the option bar's settings.
#[tauri::command]
pub async fn upload_clipboard(
    handle: AppHandle,
    state: State<'_, AppState>,
    request: UploadRequest,
    on_event: Channel<UploadEvent>,
) -> CmdResult<Vec<UploadResult>> {
    let batch = batch(&state, &request, on_event)?;
    let items = flows::clipboard_items(&TauriShell::of(&handle)).await?;
    jobs::run(&TauriShell::of(&handle), batch, items).await.into_result()
}

/// Captures (`monitor`: the one under the pointer, `all`: every monitor) and uploads like the
/// hotkey does; progress goes to `upload://event` with origin `hotkey`.
#[tauri::command]
pub async fn capture(handle: AppHandle, mode: String) -> CmdResult<UploadResult> {
    let shot = match mode.as_str() {
        "monitor" | "screen" => Shot::Monitor,
        "all" => Shot::All,
        other => {
            return Err(CmdError::from(slingshot::Error::invalid(format!(
                "Unknown capture mode \"{other}\" (monitor or all)"
            ))))
        }
    };
    flows::capture_upload(&TauriShell::of(&handle), shot, Origin::Hotkey).await
}

#[cfg(test)]
mod tests {
    use super::*;

    // The smallest PNG: 1x1, from the PNG spec's own example bytes.
    const PNG_B64: &str =
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

    #[test]
    fn pasted_images_are_saved_before_upload() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = save_pasted(dir.path(), PNG_B64, Some("shot.png")).expect("saved");
        assert!(p.starts_with(dir.path()) && p.extension().is_some_and(|e| e == "png"), "{}", p.display());
        let with_prefix = format!("data:image/png;base64,{PNG_B64}");
        assert!(save_pasted(dir.path(), &with_prefix, None).is_ok());
        let bad = save_pasted(dir.path(), "***", None).expect_err("not base64");
        assert_eq!(bad.kind(), slingshot::ErrorKind::InvalidInput);
    }
}
