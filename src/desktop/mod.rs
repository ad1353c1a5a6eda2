//! The desktop app's services, without a toolkit: the shared [`state::AppState`], upload batches
//! ([`jobs`]), the captures, clipboard and file-manager flows ([`flows`]), notifications
//! ([`notify`]), global shortcuts ([`hotkey`]), the tray menu ([`menu`]), start-up
//! ([`startup`]), hand-overs ([`handover`]) and the queue worker ([`worker`]). The desktop shell
//! (its own folder) drives them through the [`Shell`] trait, which is all they need from a user
//! interface; the tray process (`crate::tray`, no GTK or WebKit) drives them the same way.

pub mod args;
pub mod error;
pub mod flows;
pub mod handover;
pub mod hotkey;
pub mod jobs;
pub mod logging;
pub mod menu;
pub mod model;
pub mod notify;
pub mod startup;
pub mod state;
pub mod worker;

use error::CmdResult;
use jobs::Origin;
use model::UploadEvent;
use state::AppState;
use std::future::Future;

/// What the services need from the user interface that runs them.
pub trait Shell: Clone + Send + Sync + 'static {
    /// The app's shared state.
    fn state(&self) -> &AppState;
    /// Announces a step of an upload the window did not start (hotkey, tray, file manager...).
    fn upload_event(&self, event: &UploadEvent, origin: &'static str);
    /// The history changed: the tray's recent uploads and the window's list are refreshed.
    fn history_changed(&self);
    /// The pointer position as the toolkit knows it, when the X server can't be asked.
    fn cursor_position(&self) -> Option<(i32, i32)>;
    /// Shows the window (on `view`: `upload`, `history` or `settings`).
    fn show_window(&self, view: Option<&'static str>);
    /// Opens the region selection; the selection is uploaded by [`flows::upload_capture`].
    fn select_region(&self, origin: Origin) -> impl Future<Output = CmdResult<()>> + Send;
}
