//! Handing `slingshot-cli capture --upload` to the running desktop app, so the app (which lives
//! on) owns the clipboard and shows its notification. The app is a single instance on the
//! session bus: a second `slingshot ARGS...` calls `ExecuteCallback(argv, cwd)` on the first one.
//! We make that same call with `slingshot --capture SPEC --delay S`, without starting a second
//! GUI process, then follow the upload in the shared history to print its link.

use crate::capture::named::Named;
use crate::error::Result;
use crate::history::{Entry, Query, Status};
use crate::pipeline::Core;
use ashpd::zbus;
use std::time::Duration;

/// The name the desktop app owns while it runs: its identifier (`app.slingshot.desktop` in its
/// config file) plus `.SingleInstance`, with the object at the same path.
pub(crate) const BUS_NAME: &str = "app.slingshot.desktop.SingleInstance";
pub(crate) const OBJECT_PATH: &str = "/app/slingshot/desktop/SingleInstance";
pub(crate) const INTERFACE: &str = "org.SingleInstance.DBus";
/// Every bus call gets this long: a stuck bus must not hang a keyboard shortcut.
const BUS_CALL: Duration = Duration::from_secs(3);

/// Gives the capture to the running app. `false` when no app runs (or there is no session bus,
/// or it did not accept the call): the caller then captures by itself.
pub async fn to_app(named: Named, delay: u32) -> bool {
    match tokio::time::timeout(BUS_CALL * 3, forward(named, delay)).await {
        Ok(Ok(taken)) => taken,
        Ok(Err(e)) => {
            tracing::info!("not handing the capture to the app: {e}");
            false
        }
        Err(_) => {
            tracing::warn!("the session bus did not answer; capturing here");
            false
        }
    }
}

async fn forward(named: Named, delay: u32) -> zbus::Result<bool> {
    let conn = tokio::time::timeout(BUS_CALL, zbus::Connection::session())
        .await
        .map_err(|_| zbus::Error::Failure("no answer from the session bus".into()))??;
    let owner = conn
        .call_method(
            Some("org.freedesktop.DBus"),
            "/org/freedesktop/DBus",
            Some("org.freedesktop.DBus"),
            "NameHasOwner",
            &(BUS_NAME,),
        )
        .await?;
    if !owner.body().deserialize::<bool>()? {
        return Ok(false);
    }
    let argv = vec![
        "slingshot".to_string(),
        "--capture".to_string(),
        named.to_string(),
        "--delay".to_string(),
        delay.to_string(),
    ];
    let cwd = std::env::current_dir().map(|d| d.display().to_string()).unwrap_or_else(|_| "/".into());
    conn.call_method(Some(BUS_NAME), OBJECT_PATH, Some(INTERFACE), "ExecuteCallback", &(argv, cwd)).await?;
    Ok(true)
}

/// The newest history id now, so the app's upload can be told from older ones.
pub fn newest_id(core: &Core) -> Result<i64> {
    Ok(core.history.list(&Query { limit: Some(1), ..Query::default() })?.first().map_or(0, |e| e.id))
}

/// Waits until the app's capture upload (a history entry newer than `after`, saved under the
/// captures folder) has finished, or `limit` passes. `None` on timeout.
pub async fn wait_for_upload(core: &Core, after: i64, limit: Duration) -> Result<Option<Entry>> {
    let captures = core.paths.captures_dir();
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        let recent = core.history.list(&Query { limit: Some(20), ..Query::default() })?;
        let ours = recent
            .into_iter()
            .filter(|e| e.id > after)
            .find(|e| e.local_path.as_deref().and_then(std::path::Path::parent) == Some(captures.as_path()));
        if let Some(e) = ours {
            if matches!(e.status, Status::Uploaded | Status::Failed | Status::Cancelled | Status::Deleted) {
                return Ok(Some(e));
            }
        }
        if tokio::time::Instant::now() >= deadline {
            return Ok(None);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
