//! Global shortcuts (tauri-plugin-global-shortcut, X11 only): [`apply`] registers the
//! configured accelerators (the screen key captures what `capture_screen_mode` says) and records per action whether it worked; the plugin's handler runs
//! the matching [`HotkeyAction`]. On Wayland registration "succeeds" but never fires, so it is not
//! attempted and the status says to use a desktop shortcut instead. Pausing unregisters them.

use crate::shell::TauriShell;
use slingshot::capture::{session_kind, SessionKind};
use slingshot::config::{CaptureKind, HotkeySettings};
use slingshot::desktop::flows;
use slingshot::desktop::jobs::Origin;
use slingshot::desktop::state::{AppState, HotkeyStatus};
use std::str::FromStr;
use tauri::plugin::TauriPlugin;
use tauri::{AppHandle, Manager, Wry};
use tauri_plugin_global_shortcut::{GlobalShortcutExt, Shortcut, ShortcutState};

/// What a hotkey does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HotkeyAction {
    /// The screen key: captures what `hotkeys.capture_screen_mode` says (the monitor under the
    /// pointer by default).
    CaptureScreen,
    /// Select a region or a window in the overlay.
    CaptureRegion,
    /// Capture the active window.
    CaptureWindow,
    /// Capture all monitors.
    CaptureAll,
    /// Upload what is on the clipboard.
    UploadClipboard,
}

impl HotkeyAction {
    /// Every action, in settings order.
    pub const ALL: [HotkeyAction; 5] = [
        HotkeyAction::CaptureScreen,
        HotkeyAction::CaptureRegion,
        HotkeyAction::CaptureWindow,
        HotkeyAction::CaptureAll,
        HotkeyAction::UploadClipboard,
    ];

    /// The settings/UI name.
    pub fn name(self) -> &'static str {
        match self {
            HotkeyAction::CaptureScreen => "capture_screen",
            HotkeyAction::CaptureRegion => "capture_region",
            HotkeyAction::CaptureWindow => "capture_window",
            HotkeyAction::CaptureAll => "capture_all",
            HotkeyAction::UploadClipboard => "upload_clipboard",
        }
    }

    /// The configured accelerator.
    pub fn accelerator(self, s: &HotkeySettings) -> &str {
        match self {
            HotkeyAction::CaptureScreen => &s.capture_screen,
            HotkeyAction::CaptureRegion => &s.capture_region,
            HotkeyAction::CaptureWindow => &s.capture_window,
            HotkeyAction::CaptureAll => &s.capture_all,
            HotkeyAction::UploadClipboard => &s.upload_clipboard,
        }
    }

    /// Runs the action in the background (hotkey handler and tray menu).
    pub fn spawn(self, app: &AppHandle, origin: Origin) {
        let kind = match self {
            HotkeyAction::CaptureScreen => app.state::<AppState>().settings().hotkeys.capture_screen_mode,
            HotkeyAction::CaptureRegion => CaptureKind::Region,
            HotkeyAction::CaptureWindow => CaptureKind::Window,
            HotkeyAction::CaptureAll => CaptureKind::All,
            HotkeyAction::UploadClipboard => {
                let origin = if origin == Origin::Tray { Origin::Clipboard } else { origin };
                let app = app.clone();
                // Outcomes are notified and logged by the flow itself.
                tauri::async_runtime::spawn(async move {
                    let _ = flows::clipboard_upload(&TauriShell(app), origin).await;
                });
                return;
            }
        };
        flows::spawn_capture(&TauriShell::of(app), kind, origin, 0);
    }
}

/// Rewrites common key names the shortcut parser doesn't know ("Print", "PrtSc", "Esc"...) and
/// drops spaces, so settings can use the names people write.
pub fn normalize(accel: &str) -> String {
    accel
        .split('+')
        .map(|t| {
            let t = t.trim();
            match t.to_ascii_lowercase().as_str() {
                "print" | "prtsc" | "prtscr" | "prtscn" | "printscreen" | "print screen" => {
                    "PrintScreen".to_string()
                }
                "esc" => "Escape".to_string(),
                "del" => "Delete".to_string(),
                "ins" => "Insert".to_string(),
                "win" | "meta" | "logo" => "Super".to_string(),
                "pgup" => "PageUp".to_string(),
                "pgdn" => "PageDown".to_string(),
                _ => t.to_string(),
            }
        })
        .collect::<Vec<_>>()
        .join("+")
}

/// Parses an accelerator; the error says which one and why.
pub fn parse(accel: &str) -> Result<Shortcut, String> {
    Shortcut::from_str(&normalize(accel))
        .map_err(|e| format!("\"{accel}\" is not a shortcut this app understands ({e})"))
}

/// The plugin, with one handler for every shortcut: find the action bound to it and run it.
pub fn plugin() -> TauriPlugin<Wry> {
    tauri_plugin_global_shortcut::Builder::new()
        .with_handler(|app: &AppHandle<Wry>, shortcut, event| {
            if event.state() != ShortcutState::Pressed {
                return;
            }
            let Some(st) = app.try_state::<AppState>() else { return };
            if st.paused() {
                return;
            }
            let settings = st.settings();
            let action = HotkeyAction::ALL
                .into_iter()
                .find(|a| parse(a.accelerator(&settings.hotkeys)).is_ok_and(|s| &s == shortcut));
            if let Some(action) = action {
                tracing::info!(action = action.name(), "hotkey pressed");
                action.spawn(app, Origin::Hotkey);
            }
        })
        .build()
}

/// The status text for Wayland sessions.
const WAYLAND: &str = "This Wayland desktop doesn't let apps grab global keys. Use \"Add desktop \
shortcuts\" under Settings > Desktop shortcuts (or run `slingshot-cli integrate shortcut install`), \
or the tray menu.";

/// Unregisters every shortcut, then (unless paused) registers the configured ones. Failures are
/// recorded in the state and logged; nothing here can stop the app.
pub fn apply(app: &AppHandle) {
    let st = app.state::<AppState>();
    let gs = app.global_shortcut();
    if let Err(e) = gs.unregister_all() {
        tracing::warn!("cannot unregister the shortcuts: {e}");
    }
    let settings = st.settings();
    let wayland = session_kind() == SessionKind::Wayland;
    let mut status = Vec::with_capacity(HotkeyAction::ALL.len());
    let mut taken: Vec<Shortcut> = Vec::new();
    for action in HotkeyAction::ALL {
        let accel = action.accelerator(&settings.hotkeys).trim().to_string();
        let (ok, message) = if accel.is_empty() {
            (false, Some("No shortcut set".to_string()))
        } else if st.paused() {
            (false, Some("Paused".to_string()))
        } else if wayland {
            (false, Some(WAYLAND.to_string()))
        } else {
            match parse(&accel) {
                Err(m) => (false, Some(m)),
                Ok(s) if taken.contains(&s) => {
                    (false, Some(format!("\"{accel}\" is already used by another action")))
                }
                Ok(s) => match gs.register(s) {
                    Ok(()) => {
                        taken.push(s);
                        (true, None)
                    }
                    Err(e) => (
                        false,
                        Some(format!(
                            "\"{accel}\" could not be registered ({e}); another program may use it"
                        )),
                    ),
                },
            }
        };
        if !ok {
            tracing::info!(action = action.name(), accelerator = %accel, "hotkey not active: {}", message.as_deref().unwrap_or(""));
        }
        status.push(HotkeyStatus { action: action.name(), accelerator: accel, ok, message });
    }
    st.set_hotkey_status(status);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_accelerators_parse() {
        let d = HotkeySettings::default();
        for a in HotkeyAction::ALL {
            assert!(parse(a.accelerator(&d)).is_ok(), "{}", a.accelerator(&d));
        }
        assert_eq!(parse("Print"), parse("PrintScreen"));
        assert_eq!(parse("ctrl + prtsc"), parse("Ctrl+PrintScreen"));
        assert_ne!(parse("Print"), parse("Ctrl+Print"));
    }

    #[test]
    fn bad_accelerators_are_explained() {
        let e = parse("Ctrl+Nope").expect_err("unknown key");
        assert!(e.contains("\"Ctrl+Nope\""), "{e}");
    }

    #[test]
    fn normalize_keeps_other_keys() {
        assert_eq!(normalize("Ctrl+Shift+U"), "Ctrl+Shift+U");
        assert_eq!(normalize("Win + Esc"), "Super+Escape");
    }
}
