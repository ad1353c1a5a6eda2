//! Global shortcuts without a toolkit: the [`HotkeyAction`]s, the accelerators people write
//! ("Print", "Ctrl+PrtSc") parsed into `global-hotkey` keys, and [`apply`], which decides per
//! action whether to register (not when paused, empty, duplicated, or on Wayland, where a grab
//! "succeeds" but never fires) and records the outcome for the window. The shell registers the
//! keys with whatever it uses (Tauri's plugin wraps the same `global-hotkey` crate).

use super::jobs::Origin;
use super::state::{AppState, HotkeyStatus};
use super::{flows, Shell};
use crate::capture::{session_kind, SessionKind};
use crate::config::{CaptureKind, HotkeySettings};
pub use global_hotkey::hotkey::HotKey;
use std::str::FromStr;

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

    /// Runs the action in the background (hotkey handler and tray menu). Outcomes are notified
    /// and logged by the flows.
    pub fn spawn<S: Shell>(self, app: &S, origin: Origin) {
        let kind = match self {
            HotkeyAction::CaptureScreen => app.state().settings().hotkeys.capture_screen_mode,
            HotkeyAction::CaptureRegion => CaptureKind::Region,
            HotkeyAction::CaptureWindow => CaptureKind::Window,
            HotkeyAction::CaptureAll => CaptureKind::All,
            HotkeyAction::UploadClipboard => {
                let origin = if origin == Origin::Tray { Origin::Clipboard } else { origin };
                let app = app.clone();
                app.state().rt.clone().spawn(async move {
                    let _ = flows::clipboard_upload(&app, origin).await;
                });
                return;
            }
        };
        flows::spawn_capture(app, kind, origin, 0);
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
pub fn parse(accel: &str) -> Result<HotKey, String> {
    HotKey::from_str(&normalize(accel))
        .map_err(|e| format!("\"{accel}\" is not a shortcut this app understands ({e})"))
}

/// The action bound to a pressed key, unless hotkeys are paused.
pub fn action_for(st: &AppState, key: &HotKey) -> Option<HotkeyAction> {
    if st.paused() {
        return None;
    }
    let settings = st.settings();
    HotkeyAction::ALL.into_iter().find(|a| parse(a.accelerator(&settings.hotkeys)).is_ok_and(|k| &k == key))
}

/// The status text for Wayland sessions.
const WAYLAND: &str = "This Wayland desktop doesn't let apps grab global keys. Use \"Add desktop \
shortcuts\" under Settings > Desktop shortcuts (or run `slingshot-cli integrate shortcut install`), \
or the tray menu.";

/// Registers the configured keys through `register` (the caller has unregistered the old ones)
/// unless paused, and records per action whether it worked. Nothing here can stop the app.
pub fn apply(st: &AppState, mut register: impl FnMut(HotKey) -> Result<(), String>) {
    let settings = st.settings();
    let wayland = session_kind() == SessionKind::Wayland;
    let mut status = Vec::with_capacity(HotkeyAction::ALL.len());
    let mut taken: Vec<HotKey> = Vec::new();
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
                Ok(k) if taken.contains(&k) => {
                    (false, Some(format!("\"{accel}\" is already used by another action")))
                }
                Ok(k) => match register(k) {
                    Ok(()) => {
                        taken.push(k);
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
