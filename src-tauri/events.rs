//! Every event name the shell emits to the web UI, in one place (`domain://action`, as listed in
//! the IPC contract). Payload shapes are documented next to each name.

/// `{}`: the history changed (an upload, a delete, or another process such as the CLI wrote).
pub const HISTORY_CHANGED: &str = "history://changed";
/// `UploadEvent` plus `origin`: an upload the window did not start (hotkey, tray, file manager).
pub const UPLOAD_EVENT: &str = "upload://event";
/// `{ paths: string[] }`: files dropped on the window, forwarded from the webview's drag-drop.
pub const DROP_PATHS: &str = "drop://paths";
/// `AppView`: settings, hotkeys or profiles changed.
pub const STATE_CHANGED: &str = "state://changed";
/// `{ view: "upload"|"history"|"settings" }`: show this view (tray "Settings…").
pub const NAV_SHOW: &str = "nav://show";
