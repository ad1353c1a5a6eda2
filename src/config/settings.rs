//! The settings file: profiles (one per server), capture, hotkey and app preferences, stored as
//! person-readable TOML in `settings.toml`. Every field has a default and unknown fields are
//! ignored, so older and newer versions read each other's files. A file that can't be parsed is
//! never replaced silently: [`Settings::load`] refuses it, [`Settings::load_or_recover`] moves it
//! aside first.

use super::paths::Paths;
use crate::api::{KeyMode, UploadOptions};
use crate::error::{Error, Result};
use crate::links::CopyTarget;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Everything in `settings.toml`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// The profile used when none is named.
    pub default_profile: Option<String>,
    /// One entry per server (the key is in the [`super::KeyStore`], not here).
    pub profiles: Vec<Profile>,
    /// Screenshot handling.
    pub capture: CaptureSettings,
    /// Global shortcuts of the desktop app.
    pub hotkeys: HotkeySettings,
    /// App behaviour.
    pub app: AppSettings,
    /// Retries and pauses of the upload queue.
    pub queue: QueueSettings,
}

/// One server and how to upload to it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Profile {
    /// Name used on the command line and as the key store's entry name.
    pub name: String,
    /// Base URL of the server, e.g. `https://img.example.com`.
    pub base_url: String,
    /// Header (V4) or form field (Free/V3).
    pub key_mode: KeyMode,
    /// Allow plain http to a non-loopback host (the key then travels in clear).
    pub allow_insecure_http: bool,
    /// What each upload to this profile does unless told otherwise.
    pub defaults: ProfileDefaults,
}

/// Per-profile upload defaults.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ProfileDefaults {
    /// Downscale wider images to this width locally before upload (`None`: send as is).
    pub resize_width: Option<u32>,
    /// JPEG quality for re-encoded images (1–100).
    pub jpeg_quality: u8,
    /// Remove EXIF/GPS metadata from uploads (a stripped copy is sent; the original is kept).
    pub strip_metadata: bool,
    /// API parameters sent with every upload.
    pub options: UploadOptions,
    /// What to put on the clipboard after an upload.
    pub copy: CopyTarget,
}

impl Default for ProfileDefaults {
    fn default() -> Self {
        ProfileDefaults {
            resize_width: None,
            jpeg_quality: 90,
            strip_metadata: false,
            options: UploadOptions::default(),
            copy: CopyTarget::Short,
        }
    }
}

/// Screenshot handling.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CaptureSettings {
    /// Where captures are saved (`None`: [`Paths::captures_dir`]).
    pub save_dir: Option<PathBuf>,
    /// Remove metadata from captures before upload.
    pub strip_metadata: bool,
    /// Keep the capture file after a successful upload.
    pub keep_captures: bool,
}

impl Default for CaptureSettings {
    fn default() -> Self {
        CaptureSettings { save_dir: None, strip_metadata: true, keep_captures: true }
    }
}

// Global shortcuts (and what the screen key captures) live in their own module: they carry the
// migration of files written before region capture existed.
pub use super::hotkeys::HotkeySettings;

/// App behaviour.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AppSettings {
    /// Start the tray app when the person logs in.
    pub start_at_login: bool,
    /// Show a notification after each upload.
    pub notifications: bool,
    /// Uploads running at once.
    pub concurrency: u32,
}

impl Default for AppSettings {
    fn default() -> Self {
        AppSettings { start_at_login: false, notifications: true, concurrency: 3 }
    }
}

/// Retries and pauses of the upload queue (see `queue::policy`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct QueueSettings {
    /// Attempts of a command-line upload before it is marked failed (the app keeps trying).
    pub max_attempts: u32,
    /// Delay before the second attempt, in milliseconds; it doubles each time.
    pub retry_base_ms: u64,
    /// Longest delay between two attempts, in seconds.
    pub retry_max_secs: u64,
    /// How long "Flooding detected" pauses uploads to that server, in seconds.
    pub flood_pause_secs: u64,
}

impl Default for QueueSettings {
    fn default() -> Self {
        QueueSettings { max_attempts: 4, retry_base_ms: 1000, retry_max_secs: 60, flood_pause_secs: 900 }
    }
}

/// Why the file could not be loaded; `Missing` is not an error (defaults apply).
enum LoadFailure {
    Missing,
    Broken(String),
}

/// A short comment on top of the saved file, for the person who opens it.
const HEADER: &str =
    "# Slingshot settings. Edit with `config set KEY VALUE` or by hand while the app is closed.\n\
# API keys are not stored here (they are in the system keyring, or keys.toml as a fallback).\n\n";

fn read(path: &Path) -> std::result::Result<Settings, LoadFailure> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(LoadFailure::Missing),
        Err(e) => return Err(LoadFailure::Broken(format!("it could not be read ({e})"))),
    };
    let text = String::from_utf8(bytes).map_err(|e| {
        LoadFailure::Broken(format!(
            "it is not UTF-8 text (bad byte at offset {})",
            e.utf8_error().valid_up_to()
        ))
    })?;
    toml::from_str(&text).map_err(|e| LoadFailure::Broken(describe_toml_error(&text, &e)))
}

/// "line L, column C: message": the position computed from the error's span, so the message
/// stays one readable line instead of toml's multi-line excerpt.
pub(crate) fn describe_toml_error(text: &str, e: &toml::de::Error) -> String {
    let msg = e.message().trim().replace('\n', " ");
    match e.span() {
        Some(span) => {
            let (line, col) = line_col(text, span.start);
            format!("line {line}, column {col}: {msg}")
        }
        None => msg,
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub(crate) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

fn unix_now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

impl Settings {
    /// Reads `settings.toml`. A missing file gives the defaults; a file that can't be read or
    /// parsed gives [`Error::Config`] naming the file and the position of the problem, and the
    /// file is left as it is.
    pub fn load(paths: &Paths) -> Result<Settings> {
        let path = paths.settings_file();
        match read(&path) {
            Ok(s) => Ok(s),
            Err(LoadFailure::Missing) => Ok(Settings::default()),
            Err(LoadFailure::Broken(why)) => Err(Error::Config(format!(
                "The settings file {} is not valid: {why}. The file was left untouched; fix it, or \
                 move it aside to start again from the defaults.",
                path.display()
            ))),
        }
    }

    /// For the desktop app, which must start anyway: like [`Settings::load`], but a broken file
    /// is renamed to `settings.toml.broken-<unix time>` (nothing is lost) and the defaults are
    /// returned with a warning saying where the old file went. Fails only if the broken file
    /// can't be moved aside, since saving over it later would destroy it.
    pub fn load_or_recover(paths: &Paths) -> Result<(Settings, Option<String>)> {
        let path = paths.settings_file();
        let why = match read(&path) {
            Ok(s) => return Ok((s, None)),
            Err(LoadFailure::Missing) => return Ok((Settings::default(), None)),
            Err(LoadFailure::Broken(why)) => why,
        };
        let stamp = unix_now();
        let mut aside = path.with_file_name(format!("settings.toml.broken-{stamp}"));
        let mut n = 1;
        while aside.exists() {
            aside = path.with_file_name(format!("settings.toml.broken-{stamp}-{n}"));
            n += 1;
        }
        std::fs::rename(&path, &aside).map_err(|e| {
            Error::Config(format!(
                "The settings file {} is not valid ({why}) and could not be moved aside ({e}); \
                 fix or move it by hand.",
                path.display()
            ))
        })?;
        tracing::warn!(from = %path.display(), to = %aside.display(), "broken settings file moved aside");
        let warning = format!(
            "The settings file {} was not valid ({why}). It was moved to {} and the default settings \
             are in use.",
            path.display(),
            aside.display()
        );
        Ok((Settings::default(), Some(warning)))
    }

    /// Writes `settings.toml` atomically (temp file, fsync, rename), 0600 on unix, creating the
    /// config directory if needed.
    pub fn save(&self, paths: &Paths) -> Result<()> {
        let body = toml::to_string_pretty(self)
            .map_err(|e| Error::Config(format!("Cannot write the settings as TOML: {e}")))?;
        let mut text = String::with_capacity(HEADER.len() + body.len());
        text.push_str(HEADER);
        text.push_str(&body);
        crate::fsutil::write_private(&paths.settings_file(), text.as_bytes())
    }

    /// The profile to use: `name` if given, else `default_profile`, else the only profile.
    pub fn profile(&self, name: Option<&str>) -> Result<&Profile> {
        let wanted = match name.or(self.default_profile.as_deref()) {
            Some(n) => n,
            None => {
                return match self.profiles.as_slice() {
                    [only] => Ok(only),
                    [] => Err(Error::Config(no_profiles_message())),
                    _ => Err(Error::Config(format!(
                        "Several profiles exist ({}); name one, or choose the default with \
                         `config set default_profile NAME`",
                        self.profile_names()
                    ))),
                };
            }
        };
        self.profiles.iter().find(|p| p.name == wanted).ok_or_else(|| {
            if self.profiles.is_empty() {
                Error::Config(format!("There is no profile named \"{wanted}\". {}", no_profiles_message()))
            } else {
                let origin = if name.is_some() { "" } else { " (the default_profile)" };
                Error::Config(format!(
                    "There is no profile named \"{wanted}\"{origin}. Known profiles: {}",
                    self.profile_names()
                ))
            }
        })
    }

    /// Adds `p`, or replaces the profile with the same name.
    pub fn upsert_profile(&mut self, p: Profile) {
        match self.profiles.iter_mut().find(|q| q.name == p.name) {
            Some(slot) => *slot = p,
            None => self.profiles.push(p),
        }
    }

    /// The profile names, comma-separated, for messages.
    pub(crate) fn profile_names(&self) -> String {
        self.profiles.iter().map(|p| p.name.as_str()).collect::<Vec<_>>().join(", ")
    }
}

fn no_profiles_message() -> String {
    "No profile is set up yet; add one with `config set profiles.NAME.base_url https://your.host`".into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_from_one() {
        let t = "a = 1\nb = x\n";
        assert_eq!(line_col(t, 0), (1, 1));
        assert_eq!(line_col(t, 10), (2, 5));
        assert_eq!(line_col(t, 999), (3, 1));
    }

    #[test]
    fn unknown_fields_are_ignored_and_missing_ones_default() {
        let s: Settings =
            toml::from_str("future_thing = 1\n[app]\nconcurrency = 5\nnew_flag = true\n").expect("parses");
        assert_eq!(s.app.concurrency, 5);
        assert!(s.app.notifications);
        assert_eq!(s.hotkeys.capture_screen, "Print");
    }

    #[test]
    fn profile_selection_rules() {
        let mut s = Settings::default();
        assert!(s.profile(None).is_err());
        s.upsert_profile(Profile { name: "a".into(), ..Default::default() });
        assert_eq!(s.profile(None).expect("only one").name, "a");
        s.upsert_profile(Profile { name: "b".into(), base_url: "x".into(), ..Default::default() });
        let err = s.profile(None).expect_err("ambiguous").to_string();
        assert!(err.contains("a, b"), "{err}");
        s.default_profile = Some("b".into());
        assert_eq!(s.profile(None).expect("default").base_url, "x");
        assert_eq!(s.profile(Some("a")).expect("named").name, "a");
        let err = s.profile(Some("zz")).expect_err("unknown").to_string();
        assert!(err.contains("\"zz\"") && err.contains("a, b"), "{err}");
        s.upsert_profile(Profile { name: "b".into(), base_url: "y".into(), ..Default::default() });
        assert_eq!(s.profiles.len(), 2);
        assert_eq!(s.profile(Some("b")).expect("replaced").base_url, "y");
    }
}
