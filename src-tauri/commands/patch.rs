//! The partial settings objects of `settings_save` (`app`, `capture`, `hotkeys`): absent fields
//! stay as they are, values are checked before anything changes.

use crate::error::{CmdError, CmdResult};
use serde::{Deserialize, Deserializer};
use slingshot::config::{CaptureKind, Settings};
use std::path::PathBuf;

fn invalid(msg: impl Into<String>) -> CmdError {
    CmdError::from(slingshot::Error::invalid(msg))
}

/// `app` part of `settings_save`; absent fields are unchanged.
#[derive(Debug, Default, Deserialize)]
pub struct AppPatch {
    start_at_login: Option<bool>,
    notifications: Option<bool>,
    concurrency: Option<u32>,
}

/// `capture` part of `settings_save`; `save_dir: null` or `""` means the default folder.
#[derive(Debug, Default, Deserialize)]
pub struct CapturePatch {
    #[serde(default, deserialize_with = "present")]
    save_dir: Option<Option<String>>,
    strip_metadata: Option<bool>,
    keep_captures: Option<bool>,
}

/// `hotkeys` part of `settings_save`; `""` turns a hotkey off.
#[derive(Debug, Default, Deserialize)]
pub struct HotkeysPatch {
    capture_screen: Option<String>,
    capture_screen_mode: Option<CaptureKind>,
    capture_region: Option<String>,
    capture_window: Option<String>,
    capture_all: Option<String>,
    upload_clipboard: Option<String>,
}

/// Tells a field given as `null` (`Some(None)`) from an absent one (`None`).
fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Ok(Some(Option::<String>::deserialize(d)?))
}

/// Applies the patches to `s`, checking values first (nothing changes on a bad value).
pub fn apply_patches(
    s: &mut Settings,
    app: &AppPatch,
    capture: &CapturePatch,
    keys: &HotkeysPatch,
) -> CmdResult<()> {
    if let Some(c) = app.concurrency {
        if !(1..=16).contains(&c) {
            return Err(invalid(format!("Uploads at once must be between 1 and 16 (got {c})")));
        }
    }
    if let Some(Some(dir)) = &capture.save_dir {
        if !dir.trim().is_empty() && !PathBuf::from(dir.trim()).is_absolute() {
            return Err(invalid(format!("The captures folder must be an absolute path (got \"{dir}\")")));
        }
    }
    let accels = [&keys.capture_screen, &keys.capture_region, &keys.capture_window, &keys.capture_all];
    for accel in accels.into_iter().chain([&keys.upload_clipboard]).flatten() {
        if !accel.trim().is_empty() {
            slingshot::desktop::hotkey::parse(accel).map_err(invalid)?;
        }
    }
    if let Some(v) = app.start_at_login {
        s.app.start_at_login = v;
    }
    if let Some(v) = app.notifications {
        s.app.notifications = v;
    }
    if let Some(v) = app.concurrency {
        s.app.concurrency = v;
    }
    if let Some(d) = &capture.save_dir {
        s.capture.save_dir = d.as_deref().map(str::trim).filter(|d| !d.is_empty()).map(PathBuf::from);
    }
    if let Some(v) = capture.strip_metadata {
        s.capture.strip_metadata = v;
    }
    if let Some(v) = capture.keep_captures {
        s.capture.keep_captures = v;
    }
    for (slot, v) in [
        (&mut s.hotkeys.capture_screen, &keys.capture_screen),
        (&mut s.hotkeys.capture_region, &keys.capture_region),
        (&mut s.hotkeys.capture_window, &keys.capture_window),
        (&mut s.hotkeys.capture_all, &keys.capture_all),
        (&mut s.hotkeys.upload_clipboard, &keys.upload_clipboard),
    ] {
        if let Some(v) = v {
            *slot = v.trim().to_string();
        }
    }
    if let Some(m) = keys.capture_screen_mode {
        s.hotkeys.capture_screen_mode = m;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn patches(v: serde_json::Value) -> (AppPatch, CapturePatch, HotkeysPatch) {
        (
            serde_json::from_value(v["app"].clone()).unwrap_or_default(),
            serde_json::from_value(v["capture"].clone()).unwrap_or_default(),
            serde_json::from_value(v["hotkeys"].clone()).unwrap_or_default(),
        )
    }

    #[test]
    fn partial_patches_change_only_what_is_given() {
        let mut s = Settings::default();
        s.capture.save_dir = Some("/old".into());
        let (a, c, h) = patches(
            json!({"app": {"concurrency": 5}, "capture": {"keep_captures": false}, "hotkeys": {"capture_all": ""}}),
        );
        apply_patches(&mut s, &a, &c, &h).expect("valid");
        assert_eq!(s.app.concurrency, 5);
        assert!(s.app.notifications);
        assert!(!s.capture.keep_captures);
        assert_eq!(s.capture.save_dir, Some(PathBuf::from("/old")), "absent save_dir is unchanged");
        assert_eq!(s.hotkeys.capture_all, "");
        assert_eq!(s.hotkeys.capture_screen, "Print");
        let (a, c, h) =
            patches(json!({"hotkeys": {"capture_region": "Super+R", "capture_screen_mode": "region"}}));
        apply_patches(&mut s, &a, &c, &h).expect("valid");
        assert_eq!(
            (s.hotkeys.capture_region.as_str(), s.hotkeys.capture_screen_mode),
            ("Super+R", CaptureKind::Region)
        );
        let (a, c, h) = patches(json!({"capture": {"save_dir": null}}));
        apply_patches(&mut s, &a, &c, &h).expect("valid");
        assert_eq!(s.capture.save_dir, None, "null resets to the default folder");
    }

    #[test]
    fn bad_values_change_nothing() {
        let mut s = Settings::default();
        for bad in [
            json!({"app": {"concurrency": 0, "notifications": false}}),
            json!({"capture": {"save_dir": "relative/dir"}}),
            json!({"hotkeys": {"capture_screen": "Ctrl+Nope"}, "app": {"notifications": false}}),
        ] {
            let (a, c, h) = patches(bad.clone());
            let e = apply_patches(&mut s, &a, &c, &h).expect_err("refused");
            assert_eq!(e.kind, "invalid_input", "{bad}");
            assert_eq!(s, Settings::default(), "{bad}");
        }
    }
}
