//! `slingshot-cli config show | set | set-key`. The key is read from stdin, never from an
//! argument (arguments are visible to every user in the process list).

use crate::config::{KeyLocation, KeyStore, Paths, Settings};
use crate::error::{Error, Result};
use crate::secret::ApiKey;
use std::io::{BufRead, IsTerminal};

/// Prints where files live, the settings and which profiles have a key.
pub fn show() -> Result<bool> {
    let paths = Paths::resolve()?;
    let settings = Settings::load(&paths)?;
    let keys = KeyStore::new(&paths);
    println!("# settings: {}", paths.settings_file().display());
    println!("# history:  {}", paths.history_db().display());
    for p in &settings.profiles {
        let state = match keys.get(&p.name) {
            Ok(Some((_, KeyLocation::Env))) => "from SLINGSHOT_API_KEY".to_string(),
            Ok(Some((_, KeyLocation::Keyring))) => "in the OS keyring".to_string(),
            Ok(Some((_, KeyLocation::File(f)))) => format!("in {} (no keyring found)", f.display()),
            Ok(None) => "not set".to_string(),
            Err(e) => format!("unknown ({e})"),
        };
        println!("# key for profile {}: {state}", p.name);
    }
    let text =
        toml::to_string_pretty(&settings).map_err(|e| Error::Config(format!("Cannot show settings: {e}")))?;
    println!("{text}");
    Ok(true)
}

/// Sets one dotted key and saves atomically.
pub fn set(key: &str, value: &str) -> Result<bool> {
    let paths = Paths::resolve()?;
    let mut settings = Settings::load(&paths)?;
    settings.set(key, value)?;
    settings.save(&paths)?;
    eprintln!("Saved {key} in {}", paths.settings_file().display());
    Ok(true)
}

/// Reads a key from stdin and stores it for the profile.
pub fn set_key(profile: Option<&str>) -> Result<bool> {
    let paths = Paths::resolve()?;
    let settings = Settings::load(&paths)?;
    let name = settings.profile(profile)?.name.clone();
    if std::io::stdin().is_terminal() {
        eprintln!("Paste the API key for {name} and press Enter:");
    }
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| Error::Io { context: "Cannot read the key from stdin".into(), source: e })?;
    let key = ApiKey::new(line).ok_or_else(|| Error::invalid("No key given on stdin"))?;
    match KeyStore::new(&paths).set(&name, &key)? {
        KeyLocation::File(f) => eprintln!(
            "Warning: no keyring service was found; the key for {name} is stored in {} (readable only by you)",
            f.display()
        ),
        _ => eprintln!("The key for {name} is stored in the OS keyring"),
    }
    Ok(true)
}
