//! KDE Plasma shortcuts, best effort (no KWin to try them on here): one hidden desktop entry per
//! shortcut (`slingshot-shortcut-<id>.desktop`, with `X-KDE-Shortcuts`), which Plasma's shortcut settings
//! pick up, and the matching `kglobalshortcutsrc` entry through `kwriteconfig5`/`6` when one is
//! installed. kglobalaccel reads its file at start: the shortcuts work after the next login.

use super::{Applied, Shortcut};
use crate::error::{Error, Result};
use crate::integrate::XdgDirs;
use std::path::PathBuf;
use std::process::Command;

/// Our entries' name prefix, so uninstall never touches another Slingshot file.
const PREFIX: &str = "slingshot-shortcut-";

fn entry_path(dirs: &XdgDirs, id: &str) -> PathBuf {
    dirs.data_home.join(format!("applications/{PREFIX}{id}.desktop"))
}

/// Qt's spelling: `Ctrl+Shift+Print`, `Meta` for Super.
fn keys(accel: &str) -> Result<String> {
    let (mods, key) = super::split_keys(accel)?;
    let mut parts: Vec<String> =
        mods.iter().map(|m| if *m == "Super" { "Meta".to_string() } else { m.to_string() }).collect();
    parts.push(if key.chars().count() == 1 { key.to_ascii_uppercase() } else { key });
    Ok(parts.join("+"))
}

fn kwriteconfig() -> Option<&'static str> {
    ["kwriteconfig6", "kwriteconfig5"]
        .into_iter()
        .find(|p| Command::new(p).arg("--help").output().is_ok_and(|o| o.status.success()))
}

/// Writes the desktop entries and, with kwriteconfig, the shortcut entries.
pub fn install(dirs: &XdgDirs, shortcuts: &[Shortcut]) -> Result<Applied> {
    let mut applied = Applied::default();
    let tool = kwriteconfig();
    for s in shortcuts {
        let keys = keys(&s.keys)?;
        let path = entry_path(dirs, s.id);
        let text = format!(
            "[Desktop Entry]\nType=Application\nName={}\nExec={}\nNoDisplay=true\nX-KDE-Shortcuts={keys}\n",
            s.label,
            s.command_line()
        );
        crate::fsutil::replace(&path, text.as_bytes(), 0o644)?;
        applied.changes.push(format!("Wrote {}:\n{}", path.display(), text.trim_end()));
        if let Some(tool) = tool {
            let group = format!("{PREFIX}{}.desktop", s.id);
            let value = format!("{keys},none,{}", s.label);
            run(tool, &["--file", "kglobalshortcutsrc", "--group", &group, "--key", "_launch", &value])?;
            applied.changes.push(format!(
                "Ran: {tool} --file kglobalshortcutsrc --group {group} --key _launch '{value}'"
            ));
        }
    }
    if tool.is_none() {
        applied.notes.push("kwriteconfig5/6 not found: assign the keys in System Settings > Shortcuts, where the Slingshot entries are listed".into());
    }
    applied.notes.push("Plasma reads new global shortcuts at login: log out and in once".into());
    applied.undo.push("slingshot-cli integrate shortcut uninstall".into());
    Ok(applied)
}

/// Removes our desktop entries and shortcut entries.
pub fn uninstall(dirs: &XdgDirs) -> Result<Applied> {
    let mut applied = Applied::default();
    let folder = dirs.data_home.join("applications");
    let entries = match std::fs::read_dir(&folder) {
        Ok(rd) => rd.filter_map(|e| e.ok()).map(|e| e.path()).collect(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => return Err(Error::io("Cannot list", &folder, e)),
    };
    let tool = kwriteconfig();
    for p in entries {
        let Some(name) = p.file_name().and_then(|n| n.to_str()).map(String::from) else { continue };
        if !(name.starts_with(PREFIX) && name.ends_with(".desktop")) {
            continue;
        }
        std::fs::remove_file(&p).map_err(|e| Error::io("Cannot remove", &p, e))?;
        applied.changes.push(format!("Removed {}", p.display()));
        if let Some(tool) = tool {
            run(tool, &["--file", "kglobalshortcutsrc", "--group", &name, "--key", "_launch", "--delete"])?;
            applied
                .changes
                .push(format!("Ran: {tool} --file kglobalshortcutsrc --group {name} --key _launch --delete"));
        }
    }
    Ok(applied)
}

fn run(tool: &str, args: &[&str]) -> Result<()> {
    let out = Command::new(tool)
        .args(args)
        .output()
        .map_err(|e| Error::Io { context: format!("Cannot run {tool}"), source: e })?;
    if out.status.success() {
        Ok(())
    } else {
        Err(Error::Config(format!("{tool} failed: {}", String::from_utf8_lossy(&out.stderr).trim())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qt_key_names() {
        assert_eq!(keys("super+shift+u").expect("ok"), "Meta+Shift+U");
        assert_eq!(keys("PrtSc").expect("ok"), "Print");
    }
}
