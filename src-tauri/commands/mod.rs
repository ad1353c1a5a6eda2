//! The commands the window invokes (exactly those of the IPC contract), grouped by subject.
//! Each is a thin adapter: read the arguments, call the core or a flow, map the error. All are
//! `async` so none runs on (and blocks) the main thread; they need no capability entries because
//! the app defines no permissions for its own commands.

pub mod capture;
pub mod history;
mod patch;
pub mod settings;
pub mod shortcuts;
pub mod upload;

use tauri::ipc::Invoke;
use tauri::Wry;

/// The invoke handler with every command registered.
pub fn handler() -> impl Fn(Invoke<Wry>) -> bool + Send + Sync + 'static {
    tauri::generate_handler![
        settings::get_state,
        upload::upload,
        upload::upload_clipboard,
        upload::capture,
        history::history_list,
        history::history_copy,
        history::history_open,
        history::history_delete_remote,
        history::history_forget,
        history::history_retry,
        history::queue_cancel,
        history::copy_text,
        capture::overlay_init,
        capture::overlay_ready,
        capture::overlay_confirm,
        capture::overlay_cancel,
        settings::settings_save,
        settings::profile_save,
        settings::profile_delete,
        settings::profile_set_default,
        settings::set_api_key,
        settings::test_connection,
        settings::hotkeys_pause,
        settings::autostart_set,
        shortcuts::shortcuts_status,
        shortcuts::shortcuts_install,
        shortcuts::shortcuts_uninstall,
    ]
}
