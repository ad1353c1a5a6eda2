//! [`AppView`]: everything the window shows about the app (profiles without their keys, defaults,
//! hotkeys and their registration status, app and capture settings, warnings, session kind),
//! built fresh from [`AppState`] for `get_state`, every settings command and `state://changed`.

use serde::Serialize;
use slingshot::api::{params::SERVER_EXPIRATIONS, KeyMode};
use slingshot::config::{AppSettings, CaptureKind, CaptureSettings, KeyLocation, ProfileDefaults};
use slingshot::desktop::state::{AppState, HotkeyStatus};
use slingshot::sandbox::PROFILE_NAME;

/// The whole app as the window sees it.
#[derive(Debug, Clone, Serialize)]
pub struct AppView {
    /// App version.
    pub version: &'static str,
    /// The sandbox first, then the configured profiles.
    pub profiles: Vec<ProfileView>,
    /// The profile used when none is chosen.
    pub default_profile: String,
    /// The server's expiration choices.
    pub expirations: Vec<&'static str>,
    /// Shortcuts and whether they work.
    pub hotkeys: HotkeysView,
    /// App behaviour.
    pub app: AppSettings,
    /// Screenshot handling.
    pub capture: CaptureSettings,
    /// Things the person should know (settings moved aside, sandbox not started...).
    pub warnings: Vec<String>,
    /// The desktop session.
    pub session: SessionView,
}

/// A profile, without its key.
#[derive(Debug, Clone, Serialize)]
pub struct ProfileView {
    /// Name.
    pub name: String,
    /// Server address.
    pub base_url: String,
    /// Whether this is the built-in local sandbox (not editable).
    pub is_sandbox: bool,
    /// Whether a key is stored.
    pub has_key: bool,
    /// `keyring`, `file`, `env`, `sandbox` or null.
    pub key_location: Option<&'static str>,
    /// How the key is sent.
    pub key_mode: KeyMode,
    /// Plain http to a non-loopback host allowed.
    pub allow_insecure_http: bool,
    /// Upload defaults.
    pub defaults: ProfileDefaults,
}

/// The hotkeys block.
#[derive(Debug, Clone, Serialize)]
pub struct HotkeysView {
    /// The screen key.
    pub capture_screen: String,
    /// What the screen key captures: `region`, `monitor`, `all` or `window`.
    pub capture_screen_mode: CaptureKind,
    /// Select a region in the overlay.
    pub capture_region: String,
    /// Capture the active window.
    pub capture_window: String,
    /// Capture all monitors.
    pub capture_all: String,
    /// Upload the clipboard.
    pub upload_clipboard: String,
    /// Paused from the tray or the window.
    pub paused: bool,
    /// Registration outcome per action.
    pub status: Vec<HotkeyStatus>,
}

/// The desktop session.
#[derive(Debug, Clone, Serialize)]
pub struct SessionView {
    /// `x11`, `wayland` or `unknown`.
    pub kind: &'static str,
    /// Whether the tray icon was created.
    pub tray: bool,
}

/// The UI name of a key location.
pub fn location_name(l: &KeyLocation) -> &'static str {
    match l {
        KeyLocation::Env => "env",
        KeyLocation::Keyring => "keyring",
        KeyLocation::File(_) => "file",
    }
}

/// Builds the view. Looks each profile's key up (keyring calls have their own deadline), so
/// commands call this off the main thread.
pub fn build(st: &AppState) -> AppView {
    let settings = st.settings();
    let mut profiles = Vec::with_capacity(settings.profiles.len() + 1);
    if let Some(sb) = &st.sandbox {
        profiles.push(ProfileView {
            name: PROFILE_NAME.to_string(),
            base_url: sb.target.server.base_url.to_string(),
            is_sandbox: true,
            has_key: true,
            key_location: Some("sandbox"),
            key_mode: KeyMode::Header,
            allow_insecure_http: false,
            defaults: sb.target.defaults.clone(),
        });
    }
    for p in &settings.profiles {
        let found = match st.core.keys.get(&p.name) {
            Ok(k) => k.map(|(_, loc)| location_name(&loc)),
            Err(e) => {
                tracing::warn!(profile = %p.name, "cannot look the key up: {e}");
                None
            }
        };
        profiles.push(ProfileView {
            name: p.name.clone(),
            base_url: p.base_url.clone(),
            is_sandbox: false,
            has_key: found.is_some(),
            key_location: found,
            key_mode: p.key_mode,
            allow_insecure_http: p.allow_insecure_http,
            defaults: p.defaults.clone(),
        });
    }
    AppView {
        version: env!("CARGO_PKG_VERSION"),
        profiles,
        default_profile: slingshot::desktop::state::default_profile_name(&settings, st.sandbox.is_some()),
        expirations: SERVER_EXPIRATIONS.to_vec(),
        hotkeys: HotkeysView {
            capture_screen: settings.hotkeys.capture_screen.clone(),
            capture_screen_mode: settings.hotkeys.capture_screen_mode,
            capture_region: settings.hotkeys.capture_region.clone(),
            capture_window: settings.hotkeys.capture_window.clone(),
            capture_all: settings.hotkeys.capture_all.clone(),
            upload_clipboard: settings.hotkeys.upload_clipboard.clone(),
            paused: st.paused(),
            status: st.hotkey_status(),
        },
        app: settings.app.clone(),
        capture: settings.capture.clone(),
        warnings: st.warnings(),
        session: SessionView { kind: slingshot::capture::session_kind().as_str(), tray: st.has_tray() },
    }
}
