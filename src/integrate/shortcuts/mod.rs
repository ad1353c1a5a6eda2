//! Desktop keyboard shortcuts that run `slingshot-cli capture ...`, for Wayland sessions where
//! an app cannot grab keys itself: GNOME custom keybindings (gsettings), sway `bindsym` (a config
//! snippet plus the live session through swaymsg) and KDE (best effort). Each writer changes only
//! what is ours, never overwrites the person's own shortcuts, and says exactly what it wrote and
//! how to undo it. The CLI hands each capture to the running app, which owns the clipboard.

pub mod gnome;
pub mod kde;
pub mod sway;

use crate::config::{CaptureKind, HotkeySettings};
use crate::error::{Error, Result};

/// A desktop we know how to give shortcuts to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Desktop {
    /// GNOME (and Ubuntu's, Budgie's... anything reading GNOME's media-keys settings).
    Gnome,
    /// sway.
    Sway,
    /// KDE Plasma.
    Kde,
}

impl Desktop {
    /// From `XDG_CURRENT_DESKTOP`-style names (`ubuntu:GNOME`, `sway`, `KDE`), first match wins.
    pub fn from_names(names: &[String]) -> Option<Desktop> {
        names.iter().find_map(|n| match n.to_ascii_lowercase().as_str() {
            "gnome" | "gnome-classic" | "gnome-flashback" | "budgie" | "unity" => Some(Desktop::Gnome),
            "sway" => Some(Desktop::Sway),
            "kde" | "plasma" => Some(Desktop::Kde),
            _ => None,
        })
    }

    /// The session's desktop.
    pub fn detect() -> Option<Desktop> {
        Desktop::from_names(&crate::capture::session::Session::detect().desktops)
    }

    /// `gnome`, `sway` or `kde`.
    pub fn as_str(self) -> &'static str {
        match self {
            Desktop::Gnome => "gnome",
            Desktop::Sway => "sway",
            Desktop::Kde => "kde",
        }
    }

    /// Parses `gnome`, `sway` or `kde`.
    pub fn parse(s: &str) -> Result<Desktop> {
        Desktop::from_names(&[s.to_string()]).ok_or_else(|| {
            Error::invalid(format!(
                "\"{s}\" is not a desktop Slingshot can add shortcuts to (gnome, sway, kde)"
            ))
        })
    }
}

/// One shortcut to install.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shortcut {
    /// Stable id, part of every name we write (`capture-screen`), so uninstall finds ours.
    pub id: &'static str,
    /// What the desktop's settings show.
    pub label: &'static str,
    /// The accelerator as the settings write it (`Shift+Print`).
    pub keys: String,
    /// The program and its arguments.
    pub argv: Vec<String>,
}

impl Shortcut {
    /// The command line, with arguments quoted where needed (for desktops that take one string).
    pub fn command_line(&self) -> String {
        self.argv.iter().map(|a| shell_quote(a)).collect::<Vec<_>>().join(" ")
    }
}

/// What an install or uninstall did, for the person to read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Applied {
    /// Each change, exactly (file and line, setting and value, live command).
    pub changes: Vec<String>,
    /// How to undo it by hand (the `uninstall` command does it too).
    pub undo: Vec<String>,
    /// Things the person should know (a shortcut skipped, a step left to them).
    pub notes: Vec<String>,
}

/// The shortcuts for the configured hotkeys that a command can do: the screen key (when it takes
/// a monitor or all of them) and all monitors. Region and window selection need the app's
/// overlay or the desktop's picker, which a shortcut command cannot open: they get a note.
pub fn from_settings(h: &HotkeySettings, cli: &str) -> (Vec<Shortcut>, Vec<String>) {
    let mut out = Vec::new();
    let mut notes = Vec::new();
    let cmd = |extra: &[&str]| {
        let mut v = vec![cli.to_string(), "capture".to_string()];
        v.extend(extra.iter().map(|s| s.to_string()));
        v.push("--upload".to_string());
        v
    };
    let screen = h.capture_screen.trim();
    if !screen.is_empty() {
        match h.capture_screen_mode {
            CaptureKind::Monitor => out.push(Shortcut {
                id: "capture-screen",
                label: "Slingshot: capture the screen",
                keys: screen.to_string(),
                argv: cmd(&[]),
            }),
            CaptureKind::All => out.push(Shortcut {
                id: "capture-screen",
                label: "Slingshot: capture all monitors",
                keys: screen.to_string(),
                argv: cmd(&["--all"]),
            }),
            other => notes.push(format!(
                "{screen} ({} capture) needs the app's overlay: use the tray menu on this desktop",
                other.as_str()
            )),
        }
    }
    let all = h.capture_all.trim();
    if !all.is_empty() {
        out.push(Shortcut {
            id: "capture-all",
            label: "Slingshot: capture all monitors",
            keys: all.to_string(),
            argv: cmd(&["--all"]),
        });
    }
    for (keys, what) in [(&h.capture_region, "region"), (&h.capture_window, "window")] {
        if !keys.trim().is_empty() {
            notes.push(format!(
                "{} ({what} capture) is not added: a desktop shortcut cannot open the selection; use the tray menu",
                keys.trim()
            ));
        }
    }
    (out, notes)
}

/// The `slingshot-cli` to run: this very program when it is the CLI, else the one next to the
/// running executable, else `slingshot-cli` on PATH at key-press time.
pub fn default_cli() -> String {
    let exe = std::env::current_exe().ok();
    if let Some(e) = exe.as_ref().filter(|e| e.file_name().is_some_and(|n| n == "slingshot-cli")) {
        return e.display().to_string();
    }
    exe.and_then(|e| e.parent().map(|d| d.join("slingshot-cli")))
        .filter(|p| p.is_file())
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| "slingshot-cli".to_string())
}

/// Slingshot's shortcuts installed now, one readable line each (`keys  →  command (name)`);
/// `None` where they cannot be read back (KDE keeps them in kglobalaccel, which only Plasma's
/// settings show).
pub fn installed(desktop: Desktop) -> Result<Option<Vec<String>>> {
    Ok(match desktop {
        Desktop::Gnome => Some(
            gnome::installed(&gnome::Gsettings::session())?
                .into_iter()
                .map(|(_path, name, command, binding)| format!("{binding}  →  {command}  ({name})"))
                .collect(),
        ),
        Desktop::Sway => {
            let f = sway::SwayFiles::from_env()?;
            Some(match std::fs::read_to_string(&f.snippet) {
                Ok(t) => t.lines().filter(|l| l.starts_with("bindsym ")).map(String::from).collect(),
                Err(_) => Vec::new(),
            })
        }
        Desktop::Kde => None,
    })
}

/// Installs `shortcuts` on `desktop`.
pub fn install(desktop: Desktop, shortcuts: &[Shortcut]) -> Result<Applied> {
    match desktop {
        Desktop::Gnome => gnome::install(&gnome::Gsettings::session(), shortcuts),
        Desktop::Sway => sway::install(&sway::SwayFiles::from_env()?, shortcuts),
        Desktop::Kde => kde::install(&crate::integrate::XdgDirs::from_env()?, shortcuts),
    }
}

/// Removes every shortcut Slingshot added on `desktop` (and nothing else).
pub fn uninstall(desktop: Desktop) -> Result<Applied> {
    match desktop {
        Desktop::Gnome => gnome::uninstall(&gnome::Gsettings::session()),
        Desktop::Sway => sway::uninstall(&sway::SwayFiles::from_env()?),
        Desktop::Kde => kde::uninstall(&crate::integrate::XdgDirs::from_env()?),
    }
}

/// A key combination split into modifiers and the key, with common spellings unified
/// (`ctrl`, `Control` → Ctrl; `PrtSc`, `PrintScreen` → Print; `Win`, `Meta` → Super).
pub fn split_keys(accel: &str) -> Result<(Vec<&'static str>, String)> {
    let parts: Vec<&str> = accel.split('+').map(str::trim).filter(|p| !p.is_empty()).collect();
    let Some((key, mods)) = parts.split_last() else {
        return Err(Error::invalid("An empty shortcut cannot be added"));
    };
    let mut out = Vec::new();
    for m in mods {
        out.push(match m.to_ascii_lowercase().as_str() {
            "ctrl" | "control" => "Ctrl",
            "shift" => "Shift",
            "alt" => "Alt",
            "super" | "win" | "meta" | "logo" | "cmd" => "Super",
            _ => return Err(Error::invalid(format!("\"{m}\" in \"{accel}\" is not a modifier key"))),
        });
    }
    let key = match key.to_ascii_lowercase().as_str() {
        "print" | "prtsc" | "prtscr" | "prtscn" | "printscreen" => "Print".to_string(),
        "esc" => "Escape".to_string(),
        k if k.chars().count() == 1 => k.to_string(),
        _ => key.to_string(),
    };
    Ok((out, key))
}

/// Quotes a word for `sh`-like command lines (GNOME and KDE parse them that way).
pub fn shell_quote(s: &str) -> String {
    if !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "/._-:=,@+".contains(c)) {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_hotkeys_give_two_capture_shortcuts() {
        let (list, notes) = from_settings(&HotkeySettings::default(), "/opt/s/slingshot-cli");
        let ids: Vec<&str> = list.iter().map(|s| s.id).collect();
        assert_eq!(ids, ["capture-screen", "capture-all"]);
        assert_eq!(list[0].command_line(), "/opt/s/slingshot-cli capture --upload");
        assert_eq!(list[1].keys, "Shift+Print");
        assert_eq!(list[1].command_line(), "/opt/s/slingshot-cli capture --all --upload");
        assert_eq!(notes.len(), 2, "region and window are explained: {notes:?}");
    }

    #[test]
    fn keys_and_words_are_normalised() {
        assert_eq!(split_keys("ctrl + shift + u").expect("ok"), (vec!["Ctrl", "Shift"], "u".to_string()));
        assert_eq!(split_keys("Win+PrtSc").expect("ok"), (vec!["Super"], "Print".to_string()));
        assert!(split_keys("Hyper+x").is_err() && split_keys(" ").is_err());
        assert_eq!(shell_quote("/a b/it's"), "'/a b/it'\\''s'");
        assert_eq!(shell_quote("--all"), "--all");
        assert_eq!(Desktop::from_names(&["ubuntu".into(), "GNOME".into()]), Some(Desktop::Gnome));
        assert!(Desktop::parse("xfce").is_err());
    }
}
