//! The tray process's side of handing back to the desktop app: let running uploads finish, then
//! start the app (which waits for this process to be gone) with the window, a view or the
//! region overlay.

use crate::desktop::handover;
use crate::desktop::state::AppState;
use std::time::Duration;

/// How long running uploads may take to finish before we leave for the app.
const JOBS: Duration = Duration::from_secs(30);

/// Lets the uploads started here finish before the name, hotkeys and icon are given up.
pub(crate) fn let_jobs_finish(st: &AppState) {
    handover::let_jobs_finish(st, JOBS);
}

/// Starts the desktop app with `args`; the caller has let go of the name, hotkeys and icon and
/// leaves right after.
pub(crate) fn start_app(st: &AppState, args: &[String]) {
    let Some(app) = handover::sibling("slingshot") else {
        return tracing::error!("the Slingshot app is not installed next to slingshot-tray");
    };
    if let Err(e) = handover::start(st, &app, args) {
        tracing::error!("cannot start the Slingshot app: {e}");
    }
}
