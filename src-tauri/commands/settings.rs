//! Settings commands: the app view, partial settings saves, profiles (add, edit, rename, delete,
//! default), the write-only API key, the connection test, pausing hotkeys and start-at-login.
//! Every change is saved to `settings.toml` first, then applied, then announced on
//! `state://changed`.

use super::patch::{apply_patches, AppPatch, CapturePatch, HotkeysPatch};
use crate::error::{CmdError, CmdResult};
use crate::events;
use crate::hotkeys;
use crate::model::lenient;
use crate::tray;
use crate::view::{self, location_name, AppView};
use serde::{Deserialize, Serialize};
use slingshot::api::KeyMode;
use slingshot::config::{KeyLocation, Profile, ProfileDefaults};
use slingshot::desktop::state::AppState;
use slingshot::pipeline::{check_server::check_server, target::parse_base_url};
use slingshot::sandbox::PROFILE_NAME;
use slingshot::secret::ApiKey;
use tauri::{AppHandle, Emitter, State};
use tauri_plugin_autostart::ManagerExt;

/// The view after a change, also sent to every window.
fn changed(handle: &AppHandle, st: &AppState) -> AppView {
    let v = view::build(st);
    let _ = handle.emit(events::STATE_CHANGED, v.clone());
    v
}

fn invalid(msg: impl Into<String>) -> CmdError {
    CmdError::from(slingshot::Error::invalid(msg))
}

/// The whole app view.
#[tauri::command]
pub async fn get_state(state: State<'_, AppState>) -> CmdResult<AppView> {
    Ok(view::build(&state))
}

/// Saves partial app, capture and hotkey settings; re-registers hotkeys and start-at-login.
#[tauri::command]
pub async fn settings_save(
    handle: AppHandle,
    state: State<'_, AppState>,
    app: Option<AppPatch>,
    capture: Option<CapturePatch>,
    hotkeys: Option<HotkeysPatch>,
) -> CmdResult<AppView> {
    let (app, capture, keys) =
        (app.unwrap_or_default(), capture.unwrap_or_default(), hotkeys.unwrap_or_default());
    let before = state.settings();
    let mut err = None;
    let after = state.update_settings(|s| {
        apply_patches(s, &app, &capture, &keys).map_err(|e| {
            err = Some(e.clone());
            slingshot::Error::invalid(e.message)
        })
    });
    let after = match (after, err) {
        (Ok(s), _) => s,
        (Err(_), Some(e)) => return Err(e),
        (Err(e), None) => return Err(e.into()),
    };
    if after.hotkeys != before.hotkeys {
        hotkeys::apply(&handle);
    }
    if after.app.start_at_login != before.app.start_at_login {
        set_autostart(&handle, after.app.start_at_login)?;
    }
    Ok(changed(&handle, &state))
}

/// A profile as the window edits it.
#[derive(Debug, Deserialize)]
pub struct ProfileInput {
    name: String,
    base_url: String,
    #[serde(default, deserialize_with = "lenient")]
    key_mode: KeyMode,
    #[serde(default, deserialize_with = "lenient")]
    allow_insecure_http: bool,
    #[serde(default, deserialize_with = "lenient")]
    defaults: ProfileDefaults,
}

fn check_name(name: &str) -> CmdResult<()> {
    if name.is_empty() {
        return Err(invalid("The profile needs a name"));
    }
    if name == PROFILE_NAME {
        return Err(invalid(format!("\"{PROFILE_NAME}\" is the built-in local host; choose another name")));
    }
    if name.chars().any(char::is_control) {
        return Err(invalid("A profile name can't hold control characters"));
    }
    Ok(())
}

/// Adds or edits a profile; `original_name` renames it (its key moves along).
#[tauri::command]
pub async fn profile_save(
    handle: AppHandle,
    state: State<'_, AppState>,
    profile: ProfileInput,
    original_name: Option<String>,
) -> CmdResult<AppView> {
    let name = profile.name.trim().to_string();
    check_name(&name)?;
    let base = parse_base_url(profile.base_url.trim())?;
    if !(1..=100).contains(&profile.defaults.jpeg_quality) {
        return Err(invalid("JPEG quality must be between 1 and 100"));
    }
    let original = original_name.map(|o| o.trim().to_string()).filter(|o| !o.is_empty() && *o != name);
    let p = Profile {
        name: name.clone(),
        base_url: base.as_str().trim_end_matches('/').to_string(),
        key_mode: profile.key_mode,
        allow_insecure_http: profile.allow_insecure_http,
        defaults: profile.defaults,
    };
    let old = original.clone();
    state.update_settings(move |s| {
        if let Some(old) = &old {
            if s.profiles.iter().any(|q| q.name == name) {
                return Err(slingshot::Error::invalid(format!("A profile named \"{name}\" already exists")));
            }
            s.profiles.retain(|q| &q.name != old);
            if s.default_profile.as_deref() == Some(old.as_str()) {
                s.default_profile = Some(name.clone());
            }
        }
        s.upsert_profile(p);
        Ok(())
    })?;
    if let Some(old) = original {
        // Move the key after the settings are saved, so a failure here loses no profile.
        if let Ok(Some((key, KeyLocation::Keyring | KeyLocation::File(_)))) = state.core.keys.get(&old) {
            state.core.keys.set(profile.name.trim(), &key)?;
            state.core.keys.delete(&old)?;
        }
    }
    Ok(changed(&handle, &state))
}

/// Removes a profile and its stored key.
#[tauri::command]
pub async fn profile_delete(
    handle: AppHandle,
    state: State<'_, AppState>,
    name: String,
) -> CmdResult<AppView> {
    if name == PROFILE_NAME {
        return Err(invalid("The local sandbox is built in and can't be removed"));
    }
    let n = name.clone();
    state.update_settings(move |s| {
        let before = s.profiles.len();
        s.profiles.retain(|p| p.name != n);
        if s.profiles.len() == before {
            return Err(slingshot::Error::invalid(format!("There is no profile named \"{n}\"")));
        }
        if s.default_profile.as_deref() == Some(n.as_str()) {
            s.default_profile = None;
        }
        Ok(())
    })?;
    state.core.keys.delete(&name)?;
    Ok(changed(&handle, &state))
}

/// Makes a profile (or the sandbox) the default.
#[tauri::command]
pub async fn profile_set_default(
    handle: AppHandle,
    state: State<'_, AppState>,
    name: String,
) -> CmdResult<AppView> {
    let sandbox = state.sandbox.is_some();
    state.update_settings(move |s| {
        if name == PROFILE_NAME && sandbox {
            // With no profile the sandbox is the default anyway; leave the file clean for the CLI.
            s.default_profile = if s.profiles.is_empty() { None } else { Some(name) };
            return Ok(());
        }
        if !s.profiles.iter().any(|p| p.name == name) {
            return Err(slingshot::Error::invalid(format!("There is no profile named \"{name}\"")));
        }
        s.default_profile = Some(name);
        Ok(())
    })?;
    Ok(changed(&handle, &state))
}

/// Where a key was stored; never the key itself.
#[derive(Debug, Serialize)]
pub struct KeySaved {
    location: &'static str,
    warning: Option<String>,
}

/// Stores a profile's API key (keyring, else the 0600 file with a warning).
#[tauri::command]
pub async fn set_api_key(
    handle: AppHandle,
    state: State<'_, AppState>,
    profile: String,
    key: String,
) -> CmdResult<KeySaved> {
    if profile == PROFILE_NAME {
        return Err(invalid("The local sandbox manages its own key"));
    }
    if !state.settings().profiles.iter().any(|p| p.name == profile) {
        return Err(invalid(format!("There is no profile named \"{profile}\"; save the profile first")));
    }
    let key = ApiKey::new(key).ok_or_else(|| invalid("The API key is empty"))?;
    let loc = state.core.keys.set(&profile, &key)?;
    let warning = match &loc {
        KeyLocation::File(p) => Some(format!(
            "No system keyring answered, so the key was saved in {} (readable only by you, but not encrypted)",
            p.display()
        )),
        _ => None,
    };
    tracing::info!(profile = %profile, location = location_name(&loc), "API key saved");
    changed(&handle, &state);
    Ok(KeySaved { location: location_name(&loc), warning })
}

/// The outcome of a connection test.
#[derive(Debug, Serialize)]
pub struct ConnectionTest {
    ok: bool,
    message: String,
    url: Option<String>,
}

/// Uploads a tiny test image with the profile and deletes it again; says what failed.
#[tauri::command]
pub async fn test_connection(state: State<'_, AppState>, profile: String) -> CmdResult<ConnectionTest> {
    let target = match state.target(Some(&profile)) {
        Ok(t) => t,
        Err(e) => return Ok(ConnectionTest { ok: false, message: e.to_string(), url: None }),
    };
    let c = check_server(&state.core, &target).await;
    Ok(ConnectionTest { ok: c.ok, message: c.message, url: c.url })
}

/// Pauses (unregisters) or resumes the hotkeys.
#[tauri::command]
pub async fn hotkeys_pause(
    handle: AppHandle,
    state: State<'_, AppState>,
    paused: bool,
) -> CmdResult<AppView> {
    state.set_paused(paused);
    hotkeys::apply(&handle);
    tray::refresh(&handle);
    Ok(changed(&handle, &state))
}

fn set_autostart(handle: &AppHandle, enabled: bool) -> CmdResult<()> {
    let al = handle.autolaunch();
    let r = if enabled { al.enable() } else { al.disable() };
    r.map_err(|e| CmdError::app(format!("Cannot change start at login: {e}")))
}

/// Turns start-at-login on or off (and records it in the settings).
#[tauri::command]
pub async fn autostart_set(
    handle: AppHandle,
    state: State<'_, AppState>,
    enabled: bool,
) -> CmdResult<AppView> {
    set_autostart(&handle, enabled)?;
    state.update_settings(|s| {
        s.app.start_at_login = enabled;
        Ok(())
    })?;
    Ok(changed(&handle, &state))
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn profile_names() {
        assert!(check_name("home").is_ok());
        assert!(check_name("").is_err());
        assert!(check_name(PROFILE_NAME).is_err());
        assert!(check_name("a\nb").is_err());
    }
}
