//! Global shortcuts through tauri-plugin-global-shortcut (X11 only): [`apply`] hands the plugin's
//! `register` to the core's `desktop::hotkey::apply`, which decides what to register and records
//! the outcome; the plugin's handler runs the action bound to the pressed key. Pausing
//! unregisters them.

use crate::shell::TauriShell;
use slingshot::desktop::hotkey;
use slingshot::desktop::jobs::Origin;
use slingshot::desktop::state::AppState;
use tauri::plugin::TauriPlugin;
use tauri::{AppHandle, Manager, Wry};
use tauri_plugin_global_shortcut::{GlobalShortcutExt, ShortcutState};

/// The plugin, with one handler for every shortcut: find the action bound to it and run it.
pub fn plugin() -> TauriPlugin<Wry> {
    tauri_plugin_global_shortcut::Builder::new()
        .with_handler(|app: &AppHandle<Wry>, shortcut, event| {
            if event.state() != ShortcutState::Pressed {
                return;
            }
            let Some(st) = app.try_state::<AppState>() else { return };
            if let Some(action) = hotkey::action_for(&st, shortcut) {
                tracing::info!(action = action.name(), "hotkey pressed");
                action.spawn(&TauriShell::of(app), Origin::Hotkey);
            }
        })
        .build()
}

/// Unregisters every shortcut, then (unless paused) registers the configured ones.
pub fn apply(app: &AppHandle) {
    let gs = app.global_shortcut();
    if let Err(e) = gs.unregister_all() {
        tracing::warn!("cannot unregister the shortcuts: {e}");
    }
    hotkey::apply(&app.state::<AppState>(), |key| gs.register(key).map_err(|e| e.to_string()));
}
