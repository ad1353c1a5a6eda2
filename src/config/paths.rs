//! Where Slingshot keeps its files: the config dir (settings, fallback keys) and the data dir
//! (history, captures, work copies, the local host's sandbox). Environment overrides exist so
//! tests and portable setups never touch the real home.

use crate::error::{Error, Result};
use std::path::PathBuf;

/// The two roots everything else hangs off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paths {
    /// Settings and the fallback key file.
    pub config_dir: PathBuf,
    /// History database, captures, work copies, sandbox.
    pub data_dir: PathBuf,
}

/// Reads a directory override; empty values count as unset so `VAR=` doesn't point at the cwd.
fn env_dir(var: &str) -> Result<Option<PathBuf>> {
    match std::env::var_os(var) {
        Some(v) if !v.is_empty() => {
            let p = PathBuf::from(v);
            std::path::absolute(&p)
                .map(Some)
                .map_err(|e| Error::Config(format!("{var}={} is not a usable directory: {e}", p.display())))
        }
        _ => Ok(None),
    }
}

impl Paths {
    /// `SLINGSHOT_CONFIG_DIR` / `SLINGSHOT_DATA_DIR` when set, else the platform's directories
    /// for "slingshot" (e.g. `~/.config/slingshot` and `~/.local/share/slingshot` on Linux).
    pub fn resolve() -> Result<Paths> {
        let config = env_dir("SLINGSHOT_CONFIG_DIR")?;
        let data = env_dir("SLINGSHOT_DATA_DIR")?;
        if let (Some(config_dir), Some(data_dir)) = (config.clone(), data.clone()) {
            return Ok(Paths { config_dir, data_dir });
        }
        let dirs = directories::ProjectDirs::from("", "", "slingshot").ok_or_else(|| {
            Error::Config(
                "Cannot find the home directory to keep settings in; set SLINGSHOT_CONFIG_DIR and \
                 SLINGSHOT_DATA_DIR to directories Slingshot may use"
                    .into(),
            )
        })?;
        Ok(Paths {
            config_dir: config.unwrap_or_else(|| dirs.config_dir().to_path_buf()),
            data_dir: data.unwrap_or_else(|| dirs.data_dir().to_path_buf()),
        })
    }

    /// `<config>/settings.toml`.
    pub fn settings_file(&self) -> PathBuf {
        self.config_dir.join("settings.toml")
    }

    /// `<data>/history.db`.
    pub fn history_db(&self) -> PathBuf {
        self.data_dir.join("history.db")
    }

    /// `<data>/captures`: screenshots, unless the settings name another folder.
    pub fn captures_dir(&self) -> PathBuf {
        self.data_dir.join("captures")
    }

    /// `<data>/work`: resized or stripped copies made before upload (originals are never touched).
    pub fn work_dir(&self) -> PathBuf {
        self.data_dir.join("work")
    }

    /// `<data>/sandbox`: the local host's data.
    pub fn sandbox_dir(&self) -> PathBuf {
        self.data_dir.join("sandbox")
    }

    /// `<config>/keys.toml`: the fallback key store (0600) used when no OS keyring is reachable.
    pub fn keys_file(&self) -> PathBuf {
        self.config_dir.join("keys.toml")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_hang_off_the_right_root() {
        let p = Paths { config_dir: PathBuf::from("/c"), data_dir: PathBuf::from("/d") };
        assert_eq!(p.settings_file(), PathBuf::from("/c/settings.toml"));
        assert_eq!(p.keys_file(), PathBuf::from("/c/keys.toml"));
        assert_eq!(p.history_db(), PathBuf::from("/d/history.db"));
        assert_eq!(p.captures_dir(), PathBuf::from("/d/captures"));
        assert_eq!(p.work_dir(), PathBuf::from("/d/work"));
        assert_eq!(p.sandbox_dir(), PathBuf::from("/d/sandbox"));
    }
}
