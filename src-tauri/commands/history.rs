//! History commands: list, copy a link (the only way the window can obtain a delete URL, on
//! explicit request), open in the browser, delete on the server, forget, retry; and `copy_text`.

use crate::error::{CmdError, CmdResult};
use crate::model::HistoryItem;
use crate::shell::TauriShell;
use crate::tray;
use slingshot::desktop::jobs::{self, Batch, Item, Origin};
use slingshot::desktop::model::{UploadEvent, UploadResult};
use slingshot::desktop::state::AppState;
use slingshot::history::{Entry, Query};
use slingshot::links::CopyTarget;
use slingshot::pipeline::{self, input};
use tauri::ipc::Channel;
use tauri::{AppHandle, State};
use tauri_plugin_opener::OpenerExt;

/// Most rows one list returns.
const MAX_LIST: u32 = 1000;
/// Rows listed when the window doesn't say.
const DEFAULT_LIST: u32 = 200;

fn entry(st: &AppState, id: i64) -> CmdResult<Entry> {
    st.core.history.get(id)?.ok_or_else(|| {
        CmdError::from(slingshot::Error::invalid(format!("There is no upload #{id} in the history")))
    })
}

/// Newest first, optionally filtered by text.
#[tauri::command]
pub async fn history_list(
    state: State<'_, AppState>,
    search: Option<String>,
    limit: Option<u32>,
) -> CmdResult<Vec<HistoryItem>> {
    let q = Query { limit: Some(limit.unwrap_or(DEFAULT_LIST).clamp(1, MAX_LIST)), search, status: None };
    Ok(state.core.history.list(&q)?.into_iter().map(HistoryItem::from).collect())
}

/// Puts one of an upload's links on the clipboard and returns it.
#[tauri::command]
pub async fn history_copy(state: State<'_, AppState>, id: i64, target: CopyTarget) -> CmdResult<String> {
    let e = entry(&state, id)?;
    let up = e
        .uploaded
        .as_ref()
        .ok_or_else(|| CmdError::from(slingshot::Error::invalid(format!("Upload #{id} has no links yet"))))?;
    let text = target.render(up).ok_or_else(|| {
        CmdError::from(slingshot::Error::invalid(match target {
            CopyTarget::Delete => format!("Upload #{id} has no delete link (the server did not give one)"),
            _ => "Nothing to copy for this choice".to_string(),
        }))
    })?;
    state.copy(&text)?;
    Ok(text)
}

/// Opens the upload's viewer page (or direct URL) in the browser.
#[tauri::command]
pub async fn history_open(handle: AppHandle, state: State<'_, AppState>, id: i64) -> CmdResult<()> {
    let e = entry(&state, id)?;
    let up = e
        .uploaded
        .as_ref()
        .ok_or_else(|| CmdError::from(slingshot::Error::invalid(format!("Upload #{id} has no links yet"))))?;
    let url = up.url_viewer.clone().unwrap_or_else(|| up.url.clone());
    input::check_url(&url)?;
    handle
        .opener()
        .open_url(url, None::<&str>)
        .map_err(|e| CmdError::app(format!("Cannot open the browser: {e}")))
}

/// Deletes the upload on its server through its stored delete link (the UI confirms first).
#[tauri::command]
pub async fn history_delete_remote(handle: AppHandle, state: State<'_, AppState>, id: i64) -> CmdResult<()> {
    pipeline::delete_remote(&state.core, id).await?;
    tray::history_changed(&handle);
    Ok(())
}

/// Removes an entry from the history (the upload stays on the server).
#[tauri::command]
pub async fn history_forget(handle: AppHandle, state: State<'_, AppState>, id: i64) -> CmdResult<()> {
    if !state.core.history.forget(id)? {
        return Err(CmdError::from(slingshot::Error::invalid(format!(
            "There is no upload #{id} in the history"
        ))));
    }
    tray::history_changed(&handle);
    Ok(())
}

/// Sends a failed, cancelled or waiting entry again now: the same history row, its local file or
/// URL, its recorded options and profile.
#[tauri::command]
pub async fn history_retry(
    handle: AppHandle,
    state: State<'_, AppState>,
    id: i64,
    on_event: Channel<UploadEvent>,
) -> CmdResult<UploadResult> {
    let e = entry(&state, id)?;
    let target = state.target(Some(&e.profile)).or_else(|_| state.target(None))?;
    let mut batch = Batch::defaults(target, Origin::Window);
    batch.channel = Some(crate::shell::channel_fn(on_event));
    let results = jobs::run(&TauriShell::of(&handle), batch, vec![Item::resumed(id, e.display_name())])
        .await
        .into_result()?;
    results.into_iter().next().ok_or_else(|| CmdError::app("The retry did not run"))
}

/// Cancels an upload that is not on the server yet (queued, waiting to retry, being sent or
/// failed). The local file and the entry stay, so it can be retried later.
#[tauri::command]
pub async fn queue_cancel(handle: AppHandle, state: State<'_, AppState>, id: i64) -> CmdResult<()> {
    let e = entry(&state, id)?;
    if !state.core.history.cancel(id)? {
        return Err(CmdError::from(slingshot::Error::invalid(format!(
            "Upload #{id} is {} and cannot be cancelled",
            e.status.as_str()
        ))));
    }
    tray::history_changed(&handle);
    Ok(())
}

/// Puts text on the clipboard (held by the app, so it stays after the window closes).
#[tauri::command]
pub async fn copy_text(state: State<'_, AppState>, text: String) -> CmdResult<()> {
    Ok(state.copy(&text)?)
}
