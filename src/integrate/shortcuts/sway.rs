//! sway shortcuts: a config snippet of our own (`~/.config/sway/slingshot-shortcuts.conf`) with
//! one `bindsym --no-repeat KEYS exec CLI capture ...` per shortcut, an `include` of it appended to
//! the person's sway config when they have one (two marked lines, nothing else touched), and the
//! same bindings applied to the running session through `swaymsg` so they work at once.

use super::{split_keys, Applied, Shortcut};
use crate::error::{Error, Result};
use crate::integrate::{file_mode, read_optional};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The comment line above our include line; uninstall removes exactly these two lines.
const MARK: &str =
    "# Slingshot keyboard shortcuts (`slingshot-cli integrate shortcut uninstall` removes these two lines)";

/// Where the files are, and whether a sway session is there to update live.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SwayFiles {
    /// Our snippet.
    pub snippet: PathBuf,
    /// The person's sway config (`$XDG_CONFIG_HOME/sway/config`), used only when it exists.
    pub config: PathBuf,
    /// Apply to the running sway through `swaymsg` (`SWAYSOCK` is set).
    pub live: bool,
}

impl SwayFiles {
    /// From `XDG_CONFIG_HOME`/`HOME` and `SWAYSOCK`.
    pub fn from_env() -> Result<SwayFiles> {
        let dirs = crate::integrate::XdgDirs::from_env()?;
        let live = std::env::var_os("SWAYSOCK").is_some_and(|s| !s.is_empty());
        Ok(SwayFiles::under(&dirs.config_home, live))
    }

    /// Under a given config folder (tests).
    pub fn under(config_home: &Path, live: bool) -> SwayFiles {
        SwayFiles {
            snippet: config_home.join("sway/slingshot-shortcuts.conf"),
            config: config_home.join("sway/config"),
            live,
        }
    }

    fn include_line(&self) -> String {
        format!("include {}", quote_path(&self.snippet))
    }
}

/// `Ctrl+Alt+Print` → `Ctrl+Mod1+Print` (sway's names: Mod1 is Alt, Mod4 is Super).
pub fn keys(accel: &str) -> Result<String> {
    let (mods, key) = split_keys(accel)?;
    let mut parts: Vec<String> = mods
        .iter()
        .map(|m| match *m {
            "Alt" => "Mod1".to_string(),
            "Super" => "Mod4".to_string(),
            other => other.to_string(),
        })
        .collect();
    parts.push(key);
    Ok(parts.join("+"))
}

/// The `bindsym` line for one shortcut (without the leading `bindsym`: swaymsg takes the rest).
fn binding(s: &Shortcut) -> Result<String> {
    Ok(format!("--no-repeat {} exec {}", keys(&s.keys)?, s.command_line()))
}

/// Writes the snippet, includes it from the person's config when there is one, binds live.
pub fn install(f: &SwayFiles, shortcuts: &[Shortcut]) -> Result<Applied> {
    let mut applied = Applied::default();
    let mut text = String::from(
        "# Slingshot keyboard shortcuts, written by `slingshot-cli integrate shortcut install`.\n\
         # `slingshot-cli integrate shortcut uninstall` removes this file and its include line.\n",
    );
    let mut lines = Vec::new();
    for s in shortcuts {
        let b = binding(s)?;
        text.push_str(&format!("bindsym {b}\n"));
        lines.push(b);
    }
    crate::fsutil::replace(&f.snippet, text.as_bytes(), 0o644)?;
    applied.changes.push(format!("Wrote {}:\n{}", f.snippet.display(), text.trim_end()));
    applied.undo.push("slingshot-cli integrate shortcut uninstall".into());
    applied.undo.push(format!("or by hand: delete {}", f.snippet.display()));
    match read_optional(&f.config)? {
        Some(cfg) if cfg.lines().any(|l| l.trim() == f.include_line()) => {}
        Some(cfg) => {
            let sep = if cfg.is_empty() || cfg.ends_with('\n') { "" } else { "\n" };
            let new = format!("{cfg}{sep}{MARK}\n{}\n", f.include_line());
            crate::fsutil::replace(&f.config, new.as_bytes(), file_mode(&f.config))?;
            applied.changes.push(format!(
                "Appended to {}:\n{MARK}\n{}",
                f.config.display(),
                f.include_line()
            ));
            applied.undo.push(format!("and remove those two lines from {}", f.config.display()));
        }
        None => applied.notes.push(format!(
            "You have no {} (sway uses its system config): add `{}` to the config you use to keep \
             these shortcuts after sway restarts",
            f.config.display(),
            f.include_line()
        )),
    }
    if f.live {
        for b in &lines {
            swaymsg(&format!("bindsym {b}"))?;
            applied.changes.push(format!("Ran: swaymsg bindsym {b}"));
        }
    }
    Ok(applied)
}

/// Unbinds ours in the running sway, removes the snippet and our two lines from the config.
pub fn uninstall(f: &SwayFiles) -> Result<Applied> {
    let mut applied = Applied::default();
    if let Some(text) = read_optional(&f.snippet)? {
        if f.live {
            for b in text.lines().filter_map(|l| l.strip_prefix("bindsym ")) {
                // `unbindsym` takes the flags and keys, not the command.
                let keys = b.split(" exec ").next().unwrap_or(b);
                match swaymsg(&format!("unbindsym {keys}")) {
                    Ok(()) => applied.changes.push(format!("Ran: swaymsg unbindsym {keys}")),
                    Err(e) => applied.notes.push(format!("{e} (it may have been removed already)")),
                }
            }
        }
        std::fs::remove_file(&f.snippet).map_err(|e| Error::io("Cannot remove", &f.snippet, e))?;
        applied.changes.push(format!("Removed {}", f.snippet.display()));
    }
    if let Some(cfg) = read_optional(&f.config)? {
        let include = f.include_line();
        let kept: Vec<&str> = cfg.lines().filter(|l| l.trim() != MARK && l.trim() != include).collect();
        if kept.len() != cfg.lines().count() {
            let mut new = kept.join("\n");
            if cfg.ends_with('\n') {
                new.push('\n');
            }
            crate::fsutil::replace(&f.config, new.as_bytes(), file_mode(&f.config))?;
            applied.changes.push(format!("Removed our include lines from {}", f.config.display()));
        }
    }
    Ok(applied)
}

fn swaymsg(command: &str) -> Result<()> {
    let out = Command::new("swaymsg")
        .arg("--")
        .arg(command)
        .output()
        .map_err(|e| Error::Io { context: "Cannot run swaymsg".into(), source: e })?;
    if out.status.success() {
        Ok(())
    } else {
        let text = String::from_utf8_lossy(&out.stdout) + String::from_utf8_lossy(&out.stderr);
        Err(Error::Config(format!("swaymsg {command} failed: {}", text.trim())))
    }
}

fn quote_path(p: &Path) -> String {
    let s = p.display().to_string();
    if s.contains(char::is_whitespace) {
        format!("\"{s}\"")
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shortcut(keys: &str) -> Shortcut {
        Shortcut {
            id: "capture-all",
            label: "all",
            keys: keys.into(),
            argv: vec!["/opt/x y/slingshot-cli".into(), "capture".into(), "--all".into(), "--upload".into()],
        }
    }

    #[test]
    fn sway_key_names() {
        assert_eq!(keys("Ctrl+Alt+Print").expect("ok"), "Ctrl+Mod1+Print");
        assert_eq!(keys("Super+Shift+U").expect("ok"), "Mod4+Shift+u");
    }

    #[test]
    fn install_appends_an_include_and_uninstall_takes_only_ours_out() {
        let dir = tempfile::tempdir().expect("tempdir");
        let f = SwayFiles::under(dir.path(), false);
        let mine = "set $mod Mod4\nbindsym $mod+Return exec foot\n";
        std::fs::create_dir_all(dir.path().join("sway")).expect("mkdir");
        std::fs::write(&f.config, mine).expect("config");
        let a = install(&f, &[shortcut("Shift+Print")]).expect("install");
        let snippet = std::fs::read_to_string(&f.snippet).expect("snippet");
        assert!(
            snippet.contains(
                "bindsym --no-repeat Shift+Print exec '/opt/x y/slingshot-cli' capture --all --upload\n"
            ),
            "{snippet}"
        );
        let cfg = std::fs::read_to_string(&f.config).expect("config");
        assert!(cfg.starts_with(mine) && cfg.ends_with(&format!("{}\n", f.include_line())), "{cfg}");
        assert!(a.changes.iter().any(|c| c.contains("Appended to")), "{a:?}");
        install(&f, &[shortcut("Shift+Print")]).expect("again");
        let again = std::fs::read_to_string(&f.config).expect("config");
        assert_eq!(again, cfg, "installing twice adds nothing");
        uninstall(&f).expect("uninstall");
        assert_eq!(std::fs::read_to_string(&f.config).expect("config"), mine);
        assert!(!f.snippet.exists());
        assert_eq!(uninstall(&f).expect("again"), Applied::default(), "nothing left to remove");
    }
}
