//! The tray's "Not uploaded yet" submenu: uploads waiting in the queue, being sent, failed or
//! cancelled, each with Retry now / Cancel, plus "Retry all". Ids are `queue:<id>:retry`,
//! `queue:<id>:cancel` and `queue:all:retry`.

use crate::shell::TauriShell;
use slingshot::desktop::jobs::{self, Batch, Item, Origin};
use slingshot::desktop::state::AppState;
use slingshot::history::{Entry, Status};
use tauri::menu::{MenuBuilder, MenuItemBuilder, SubmenuBuilder};
use tauri::{AppHandle, Manager, Wry};

/// Jobs listed in the submenu (the window's History lists them all).
const SHOWN: usize = 10;

/// What a queue menu item does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueueCmd {
    /// Send this job now.
    Retry(i64),
    /// Cancel this job.
    Cancel(i64),
    /// Send every failed or waiting job now.
    RetryAll,
}

impl QueueCmd {
    /// The menu id.
    pub fn id(self) -> String {
        match self {
            QueueCmd::Retry(id) => format!("queue:{id}:retry"),
            QueueCmd::Cancel(id) => format!("queue:{id}:cancel"),
            QueueCmd::RetryAll => "queue:all:retry".into(),
        }
    }

    /// Reads a menu id back.
    pub fn parse(id: &str) -> Option<QueueCmd> {
        let (what, action) = id.strip_prefix("queue:")?.split_once(':')?;
        match (what, action) {
            ("all", "retry") => Some(QueueCmd::RetryAll),
            (n, "retry") => n.parse().ok().map(QueueCmd::Retry),
            (n, "cancel") => n.parse().ok().map(QueueCmd::Cancel),
            _ => None,
        }
    }
}

/// "name — waiting" and the like, `&` doubled for menus.
pub fn label(e: &Entry) -> String {
    let state = match e.status {
        Status::Uploading => "uploading",
        Status::Pending if e.attempts > 0 => "waiting to retry",
        Status::Pending => "queued",
        Status::Failed => "failed",
        Status::Cancelled => "cancelled",
        Status::Uploaded | Status::Deleted => "done",
    };
    format!("{} — {state}", e.display_name()).replace('&', "&&")
}

/// Adds a separator and the submenu when some upload is not done; leaves the menu as is otherwise.
pub fn append<'a>(
    app: &AppHandle,
    m: MenuBuilder<'a, Wry, AppHandle>,
) -> tauri::Result<MenuBuilder<'a, Wry, AppHandle>> {
    let jobs = app.state::<AppState>().core.history.queue().unwrap_or_else(|e| {
        tracing::warn!("cannot read the upload queue for the tray: {e}");
        Vec::new()
    });
    if jobs.is_empty() {
        return Ok(m);
    }
    let mut sub = SubmenuBuilder::new(app, format!("Not uploaded yet ({})", jobs.len()))
        .text(QueueCmd::RetryAll.id(), "Retry all now")
        .separator();
    for e in jobs.iter().rev().take(SHOWN) {
        let cancellable = matches!(e.status, Status::Pending | Status::Uploading | Status::Failed);
        let item = SubmenuBuilder::new(app, label(e))
            .item(
                &MenuItemBuilder::with_id(QueueCmd::Retry(e.id).id(), "Retry now")
                    .enabled(e.status != Status::Uploading)
                    .build(app)?,
            )
            .item(
                &MenuItemBuilder::with_id(QueueCmd::Cancel(e.id).id(), "Cancel")
                    .enabled(cancellable)
                    .build(app)?,
            )
            .build()?;
        sub = sub.item(&item);
    }
    Ok(m.separator().item(&sub.build()?))
}

/// Runs a queue menu command; `false` when `id` is not one.
pub fn handle(app: &AppHandle, id: &str) -> bool {
    let Some(cmd) = QueueCmd::parse(id) else { return false };
    let st = app.state::<AppState>();
    let ids: Vec<i64> = match cmd {
        QueueCmd::Cancel(id) => {
            match st.core.history.cancel(id) {
                Ok(true) => {}
                Ok(false) => tracing::info!("upload #{id} could not be cancelled (already done?)"),
                Err(e) => tracing::warn!("cannot cancel upload #{id}: {e}"),
            }
            crate::tray::history_changed(app);
            return true;
        }
        QueueCmd::Retry(id) => vec![id],
        QueueCmd::RetryAll => st
            .core
            .history
            .queue()
            .unwrap_or_default()
            .into_iter()
            .filter(|e| e.status == Status::Failed || (e.status.is_queued() && st.core.queue.takeable(e)))
            .map(|e| e.id)
            .collect(),
    };
    let items: Vec<Item> = ids
        .iter()
        .filter_map(|id| st.core.history.get(*id).ok().flatten())
        .map(|e| Item::resumed(e.id, e.display_name()))
        .collect();
    let Ok(target) = st.target(None) else {
        tracing::warn!("no server to retry with");
        return true;
    };
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        jobs::run(&TauriShell(app), Batch::defaults(target, Origin::Tray), items).await;
    });
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip() {
        for c in [QueueCmd::Retry(7), QueueCmd::Cancel(12), QueueCmd::RetryAll] {
            assert_eq!(QueueCmd::parse(&c.id()), Some(c));
        }
        assert_eq!(QueueCmd::parse("queue:x:retry"), None);
        assert_eq!(QueueCmd::parse("recent:1:copy"), None);
    }
}
