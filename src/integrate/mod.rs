//! File-manager integration on Linux desktops: "Upload with Slingshot" in the context menus of
//! Nautilus, Dolphin, Thunar and Nemo, and the desktop entry that puts Slingshot in the app menu
//! and "Open with". Everything goes under the person's own XDG directories (no root needed), and
//! uninstall removes exactly what install wrote, leaving everything else alone.

pub mod entries;
pub mod shortcuts;
mod thunar;

use crate::error::{Error, Result};
use std::path::{Path, PathBuf};

pub use entries::{desktop_entry, MIME_TYPES};

/// The two XDG roots the files go under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XdgDirs {
    /// `$XDG_DATA_HOME`, default `~/.local/share`.
    pub data_home: PathBuf,
    /// `$XDG_CONFIG_HOME`, default `~/.config`.
    pub config_home: PathBuf,
}

impl XdgDirs {
    /// From the environment, as the XDG Base Directory spec says: absolute `XDG_*_HOME` values
    /// win, else the defaults under `HOME`.
    pub fn from_env() -> Result<XdgDirs> {
        let home = std::env::var_os("HOME").filter(|h| !h.is_empty()).map(PathBuf::from);
        let pick = |var: &str, default: &str| -> Result<PathBuf> {
            match std::env::var_os(var).map(PathBuf::from) {
                // The spec says relative values are invalid and must be ignored.
                Some(p) if p.is_absolute() => Ok(p),
                _ => home.as_ref().map(|h| h.join(default)).ok_or_else(|| {
                    Error::Config(format!("Cannot find where to install: neither {var} nor HOME is set"))
                }),
            }
        };
        Ok(XdgDirs {
            data_home: pick("XDG_DATA_HOME", ".local/share")?,
            config_home: pick("XDG_CONFIG_HOME", ".config")?,
        })
    }

    /// `applications/slingshot.desktop`.
    pub fn desktop_entry(&self) -> PathBuf {
        self.data_home.join("applications/slingshot.desktop")
    }
    /// `nautilus/scripts/Upload with Slingshot`.
    pub fn nautilus_script(&self) -> PathBuf {
        self.data_home.join("nautilus/scripts/Upload with Slingshot")
    }
    /// The KDE 6 service menu, then the KDE 5 one.
    pub fn dolphin_menus(&self) -> [PathBuf; 2] {
        [
            self.data_home.join("kio/servicemenus/slingshot-upload.desktop"),
            self.data_home.join("kservices5/ServiceMenus/slingshot-upload.desktop"),
        ]
    }
    /// `nemo/actions/slingshot-upload.nemo_action`.
    pub fn nemo_action(&self) -> PathBuf {
        self.data_home.join("nemo/actions/slingshot-upload.nemo_action")
    }
    /// Thunar's custom actions file (shared with the person's own actions).
    pub fn thunar_uca(&self) -> PathBuf {
        self.config_home.join("Thunar/uca.xml")
    }
}

/// One change made on disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// A file of ours was written.
    Wrote(PathBuf),
    /// A file of ours was removed.
    Removed(PathBuf),
    /// Our entry was added to (or refreshed in) a shared file.
    AddedEntry(PathBuf),
    /// Our entry was taken out of a shared file.
    RemovedEntry(PathBuf),
}

impl std::fmt::Display for Change {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Change::Wrote(p) => write!(f, "Wrote {}", p.display()),
            Change::Removed(p) => write!(f, "Removed {}", p.display()),
            Change::AddedEntry(p) => write!(f, "Added the Slingshot action to {}", p.display()),
            Change::RemovedEntry(p) => write!(f, "Removed the Slingshot action from {}", p.display()),
        }
    }
}

/// The `slingshot` program to launch: the one next to the running executable when it exists
/// (an unpacked or installed build), else `slingshot` looked up on `PATH` at launch.
pub fn default_exec() -> String {
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|d| d.join("slingshot")))
        .filter(|p| p.is_file())
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| "slingshot".to_string())
}

/// Writes every integration file for `exec` and returns what changed. Running it again
/// refreshes the files (e.g. after the binary moved) without duplicating anything.
pub fn install(dirs: &XdgDirs, exec: &str) -> Result<Vec<Change>> {
    if exec.trim().is_empty() || exec.contains('\n') {
        return Err(Error::invalid("The program path to launch is empty or spans several lines"));
    }
    let mut changes = Vec::new();
    let mut put = |path: PathBuf, text: String, mode: u32| -> Result<()> {
        crate::fsutil::replace(&path, text.as_bytes(), mode)?;
        changes.push(Change::Wrote(path));
        Ok(())
    };
    put(dirs.desktop_entry(), entries::desktop_entry(exec), 0o644)?;
    put(dirs.nautilus_script(), entries::nautilus_script(exec), 0o755)?;
    // KDE 6 only lists service menus that are executable (its "trusted" check).
    for p in dirs.dolphin_menus() {
        put(p, entries::dolphin_service_menu(exec), 0o755)?;
    }
    put(dirs.nemo_action(), entries::nemo_action(exec), 0o644)?;

    let uca = dirs.thunar_uca();
    let action = entries::thunar_action(exec);
    let (text, mode) = match read_optional(&uca)? {
        Some(existing) => (thunar::merge(&existing, &action)?, file_mode(&uca)),
        None => (thunar::new_file(&action), 0o644),
    };
    crate::fsutil::replace(&uca, text.as_bytes(), mode)?;
    changes.push(Change::AddedEntry(uca));
    Ok(changes)
}

/// Removes what [`install`] wrote: our files, and our action from Thunar's file. Safe to run
/// when nothing is installed (it then changes nothing and returns an empty list).
pub fn uninstall(dirs: &XdgDirs) -> Result<Vec<Change>> {
    let mut changes = Vec::new();
    let [kde6, kde5] = dirs.dolphin_menus();
    for p in [dirs.desktop_entry(), dirs.nautilus_script(), kde6, kde5, dirs.nemo_action()] {
        match std::fs::remove_file(&p) {
            Ok(()) => changes.push(Change::Removed(p)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(Error::io("Cannot remove", &p, e)),
        }
    }
    let uca = dirs.thunar_uca();
    if let Some(existing) = read_optional(&uca)? {
        let (text, found) = thunar::remove(&existing);
        if found {
            crate::fsutil::replace(&uca, text.as_bytes(), file_mode(&uca))?;
            changes.push(Change::RemovedEntry(uca));
        }
    }
    Ok(changes)
}

/// A text file's content, or `None` if it does not exist (any other failure is an error).
pub(crate) fn read_optional(path: &Path) -> Result<Option<String>> {
    match std::fs::read_to_string(path) {
        Ok(s) => Ok(Some(s)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::io("Cannot read", path, e)),
    }
}

/// The file's permission bits, to keep them when rewriting a file the person owns.
pub(crate) fn file_mode(path: &Path) -> u32 {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(m) = std::fs::metadata(path) {
            return m.permissions().mode() & 0o7777;
        }
    }
    let _ = path;
    0o644
}
