//! Where API keys live. In order: the `SLINGSHOT_API_KEY` environment variable (scripts, tests),
//! the OS keyring (service "slingshot", user = profile name), and a 0600 fallback file
//! `keys.toml` holding only `profile = "key"` lines, used when no keyring service is reachable.
//! Keys never appear in messages or logs; keyring calls run with a deadline so a missing or
//! stuck Secret Service can't hang the app.

use super::paths::Paths;
use super::settings::line_col;
use crate::error::{Error, Result};
use crate::secret::ApiKey;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::mpsc;
use std::time::Duration;

/// The keyring service name.
const SERVICE: &str = "slingshot";
/// How long a keyring call may take before the keyring counts as unreachable. D-Bus answers
/// "no such service" at once; this only guards against a daemon that never answers.
const KEYRING_DEADLINE: Duration = Duration::from_secs(5);

/// Where a key was found or stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyLocation {
    /// The `SLINGSHOT_API_KEY` environment variable.
    Env,
    /// The OS keyring.
    Keyring,
    /// The fallback file (only the owner can read it, but it is not encrypted: warn the person).
    File(PathBuf),
}

/// The key store. Debug shows no key (the [`ApiKey`] inside is redacted).
#[derive(Debug, Clone)]
pub struct KeyStore {
    file: PathBuf,
    use_keyring: bool,
    env_key: Option<ApiKey>,
}

/// The keyring answered, had nothing, or could not be used.
enum Ring<T> {
    Ok(T),
    NoEntry,
    Unavailable(String),
}

/// Runs one keyring call on its own thread with a deadline.
fn ring<T: Send + 'static>(
    profile: &str,
    op: impl FnOnce(&keyring::Entry) -> keyring::Result<T> + Send + 'static,
) -> Ring<T> {
    // keyring picks a mock store (keys lost when the process ends) on platforms built without a
    // native backend; that must not count as "stored".
    if matches!(
        keyring::default::default_credential_builder().persistence(),
        keyring::credential::CredentialPersistence::EntryOnly
            | keyring::credential::CredentialPersistence::ProcessOnly
    ) {
        return Ring::Unavailable("no persistent keyring on this platform".into());
    }
    let user = profile.to_string();
    let (tx, rx) = mpsc::channel();
    let spawned = std::thread::Builder::new().name("keyring".into()).spawn(move || {
        let r = keyring::Entry::new(SERVICE, &user).and_then(|e| op(&e));
        let _ = tx.send(r);
    });
    if let Err(e) = spawned {
        return Ring::Unavailable(format!("cannot start the keyring thread: {e}"));
    }
    match rx.recv_timeout(KEYRING_DEADLINE) {
        Ok(Ok(v)) => Ring::Ok(v),
        Ok(Err(keyring::Error::NoEntry)) => Ring::NoEntry,
        // Ambiguous's Display lists credentials; keep the message generic.
        Ok(Err(keyring::Error::Ambiguous(_))) => Ring::Unavailable("several keyring entries match".into()),
        Ok(Err(e)) => Ring::Unavailable(e.to_string()),
        Err(_) => Ring::Unavailable(format!("no answer within {} s", KEYRING_DEADLINE.as_secs())),
    }
}

impl KeyStore {
    /// The store the app and CLI use: honours `SLINGSHOT_API_KEY` and `SLINGSHOT_NO_KEYRING=1`.
    pub fn new(paths: &Paths) -> KeyStore {
        let env_key = std::env::var("SLINGSHOT_API_KEY").ok().and_then(ApiKey::new);
        let no_keyring = std::env::var("SLINGSHOT_NO_KEYRING").is_ok_and(|v| !v.is_empty() && v != "0");
        KeyStore { file: paths.keys_file(), use_keyring: !no_keyring, env_key }
    }

    /// A store that never touches the OS keyring nor reads the environment (tests, CI).
    pub fn file_only(paths: &Paths) -> KeyStore {
        KeyStore { file: paths.keys_file(), use_keyring: false, env_key: None }
    }

    /// Replaces the environment override (what `SLINGSHOT_API_KEY` would give), so tests can
    /// inject it without touching the process environment.
    pub fn with_env_key(mut self, key: Option<ApiKey>) -> KeyStore {
        self.env_key = key;
        self
    }

    /// The key for `profile` and where it came from: env override, then keyring, then the file.
    pub fn get(&self, profile: &str) -> Result<Option<(ApiKey, KeyLocation)>> {
        if let Some(k) = &self.env_key {
            return Ok(Some((k.clone(), KeyLocation::Env)));
        }
        if self.use_keyring {
            match ring(profile, |e| e.get_password()) {
                Ring::Ok(s) => {
                    if let Some(k) = ApiKey::new(s) {
                        return Ok(Some((k, KeyLocation::Keyring)));
                    }
                }
                Ring::NoEntry => {}
                Ring::Unavailable(why) => tracing::debug!(%why, "keyring unavailable, trying the key file"),
            }
        }
        let keys = self.read_file()?;
        Ok(keys
            .get(profile)
            .cloned()
            .and_then(ApiKey::new)
            .map(|k| (k, KeyLocation::File(self.file.clone()))))
    }

    /// Stores the key for `profile`: in the keyring if one answers, else in the 0600 fallback file
    /// (the returned [`KeyLocation::File`] tells the caller to warn the person).
    pub fn set(&self, profile: &str, key: &ApiKey) -> Result<KeyLocation> {
        if profile.is_empty() {
            return Err(Error::invalid("A key needs a profile name"));
        }
        if self.use_keyring {
            let secret = key.expose().to_string();
            match ring(profile, move |e| e.set_password(&secret)) {
                Ring::Ok(()) => {
                    // Don't leave an older copy in the file: it would be used if the keyring
                    // later becomes unreachable.
                    self.remove_from_file(profile)?;
                    return Ok(KeyLocation::Keyring);
                }
                Ring::NoEntry => {}
                Ring::Unavailable(why) => {
                    tracing::warn!(%why, "no keyring service reachable; storing the key in the fallback file")
                }
            }
        }
        let mut keys = self.read_file()?;
        keys.insert(profile.to_string(), key.expose().to_string());
        self.write_file(&keys)?;
        Ok(KeyLocation::File(self.file.clone()))
    }

    /// Removes the key for `profile` from the keyring and the file. Not an error if there was none.
    pub fn delete(&self, profile: &str) -> Result<()> {
        if self.use_keyring {
            if let Ring::Unavailable(why) = ring(profile, |e| e.delete_credential()) {
                tracing::debug!(%why, "keyring unavailable while deleting a key");
            }
        }
        self.remove_from_file(profile)
    }

    fn remove_from_file(&self, profile: &str) -> Result<()> {
        if !self.file.exists() {
            return Ok(());
        }
        let mut keys = self.read_file()?;
        if keys.remove(profile).is_some() {
            self.write_file(&keys)?;
        }
        Ok(())
    }

    /// Reads the fallback file; missing means empty. Parse errors report only the position: the
    /// usual TOML excerpt would print the key.
    fn read_file(&self) -> Result<BTreeMap<String, String>> {
        let text = match std::fs::read_to_string(&self.file) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(BTreeMap::new()),
            Err(e) => return Err(Error::io("Cannot read the key file", &self.file, e)),
        };
        #[cfg(unix)]
        self.tighten_permissions();
        toml::from_str(&text).map_err(|e: toml::de::Error| {
            let (line, _) = line_col(&text, e.span().map_or(0, |s| s.start));
            Error::Keyring(format!(
                "The key file {} is not valid near line {line}; it was left untouched. Fix it (lines \
                 look like profile = \"key\") or delete it and set the keys again.",
                self.file.display()
            ))
        })
    }

    /// A key file readable by others (copied around, restored from a backup) is put back to 0600.
    #[cfg(unix)]
    fn tighten_permissions(&self) {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(meta) = std::fs::metadata(&self.file) {
            if meta.permissions().mode() & 0o077 != 0 {
                tracing::warn!(file = %self.file.display(), "key file was readable by others; setting it to 0600");
                let _ = std::fs::set_permissions(&self.file, std::fs::Permissions::from_mode(0o600));
            }
        }
    }

    fn write_file(&self, keys: &BTreeMap<String, String>) -> Result<()> {
        let body =
            toml::to_string(keys).map_err(|e| Error::Keyring(format!("cannot encode the key file: {e}")))?;
        let text = format!(
            "# Slingshot API keys, used because no system keyring was reachable. Keep this file private.\n{body}"
        );
        crate::fsutil::write_private(&self.file, text.as_bytes())
    }
}
