//! Slingshot's settings and secrets: where files live ([`Paths`]), the person-readable
//! `settings.toml` ([`Settings`], with profiles and `config set` editing) and the API key store
//! ([`KeyStore`]: OS keyring first, a 0600 fallback file otherwise). The API key never goes into
//! the settings file.

mod edit;
mod hotkeys;
mod keystore;
mod paths;
mod settings;

pub use hotkeys::CaptureKind;
pub use keystore::{KeyLocation, KeyStore};
pub use paths::Paths;
pub use settings::{
    AppSettings, CaptureSettings, HotkeySettings, Profile, ProfileDefaults, QueueSettings, Settings,
};
