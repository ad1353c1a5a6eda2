//! What the app and the tray process both do when they start: open the core with everything it
//! needs ([`open_state`]), follow the history for writes by other processes ([`watch_history`]),
//! and run what a launch asked for ([`run_launch`]), theirs or a second `slingshot ...`'s.

use super::args::Launch;
use super::jobs::Origin;
use super::state::AppState;
use super::{flows, Shell};
use crate::clipboard::ClipboardOwner;
use crate::config::{Paths, Settings};
use crate::pipeline::Core;
use std::time::Duration;

/// How often the history database is checked for writes by other processes (the CLI).
const HISTORY_POLL: Duration = Duration::from_secs(2);

/// Opens the core with the settings, the local sandbox and the clipboard, and puts `clip` (the
/// text handed over by the previous process) back on the clipboard. Only a history database
/// that can't be opened is fatal; a broken settings file (left in place: saving refuses until it
/// is fixed), a sandbox that can't start or a missing clipboard become warnings for the window.
pub fn open_state(rt: tokio::runtime::Handle, paths: Paths, clip: Option<String>) -> crate::Result<AppState> {
    let mut warnings = Vec::new();
    let settings = match Settings::load_or_recover(&paths) {
        Ok((s, warning)) => {
            warnings.extend(warning);
            s
        }
        Err(e) => {
            warnings.push(e.to_string());
            Settings::default()
        }
    };
    let sandbox = match rt.block_on(crate::sandbox::start(&paths)) {
        Ok(s) => {
            tracing::info!(url = %s.target.server.base_url, "local sandbox running");
            Some(s)
        }
        Err(e) => {
            warnings.push(format!("The local sandbox could not start: {e}"));
            None
        }
    };
    let clipboard = ClipboardOwner::new().map_err(|e| warnings.push(e.to_string())).ok();
    // Transiently failed uploads stay queued until the server answers again.
    let core = Core::open_with_mode(paths, settings, crate::queue::Mode::Persistent)?;
    for w in &warnings {
        tracing::warn!("{w}");
    }
    let st = AppState::new(rt, core, sandbox, clipboard, warnings);
    if let Some(text) = clip {
        if let Err(e) = st.copy(&text) {
            tracing::warn!("cannot keep the copied link on the clipboard: {e}");
        }
    }
    Ok(st)
}

/// Polls the history's change counter for the app's whole run; a change means another process
/// wrote (this process's own writes are announced where they happen).
pub async fn watch_history<S: Shell>(shell: S) {
    let mut last: Option<i64> = None;
    let mut tick = tokio::time::interval(HISTORY_POLL);
    loop {
        tick.tick().await;
        match shell.state().core.history.change_counter() {
            Ok(c) => {
                if last.is_some_and(|l| l != c) {
                    shell.history_changed();
                }
                last = Some(c);
            }
            Err(e) => tracing::debug!("cannot read the history change counter: {e}"),
        }
    }
}

/// Runs what a launch asked for: the window (on a view), the selection overlay, files from the
/// file manager, or a capture handed over by `slingshot-cli capture --upload`.
pub fn run_launch<S: Shell>(shell: &S, launch: Launch) {
    if launch.shows_window() {
        shell.show_window(launch.view);
    }
    if let Some(kind) = launch.select {
        flows::spawn_capture(shell, kind, Origin::Tray, 0);
    }
    let rt = shell.state().rt.clone();
    if !launch.files.is_empty() {
        let (shell, files) = (shell.clone(), launch.files);
        rt.spawn(async move { flows::upload_files(&shell, files).await });
    }
    if let Some((named, delay)) = launch.capture {
        let shell = shell.clone();
        rt.spawn(async move { flows::capture_named(&shell, named, delay).await });
    }
}
