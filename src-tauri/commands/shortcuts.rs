//! Desktop-shortcut commands for Settings > Desktop shortcuts (`shortcuts_status`,
//! `shortcuts_install`, `shortcuts_uninstall`): on Wayland an app cannot grab global keys, so the
//! capture hotkeys become the desktop's own shortcuts running `slingshot-cli capture ... --upload`
//! (the core's `integrate::shortcuts` writes them). Each command reads the settings, calls the core
//! and returns exactly what was written and how to undo it; on a desktop the core has no writer
//! for, the status carries the command lines to bind by hand.

use crate::error::{CmdError, CmdResult};
use serde::Serialize;
use slingshot::capture::session::Session;
use slingshot::capture::SessionKind;
use slingshot::desktop::state::AppState;
use slingshot::integrate::shortcuts::{self, Applied, Desktop, Shortcut};
use tauri::State;

/// One shortcut "Add desktop shortcuts" would write.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ShortcutLine {
    /// Stable id (`capture-screen`, `capture-all`).
    pub id: &'static str,
    /// What the desktop's settings list.
    pub label: &'static str,
    /// The keys, as in Settings > Hotkeys.
    pub keys: String,
    /// The command line the desktop runs.
    pub command: String,
}

/// What Settings > Desktop shortcuts shows.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ShortcutsStatus {
    /// `x11`, `wayland` or `unknown`.
    pub session: &'static str,
    /// `gnome`, `sway` or `kde`; null when Slingshot cannot write this desktop's shortcuts.
    pub desktop: Option<&'static str>,
    /// The desktop as the session names it (`XDG_CURRENT_DESKTOP`), or `unknown`.
    pub desktop_label: String,
    /// The shortcuts the hotkeys give (what install writes, or what to bind by hand).
    pub planned: Vec<ShortcutLine>,
    /// Hotkeys left out and why, and where the command comes from.
    pub notes: Vec<String>,
    /// Slingshot's shortcuts on the desktop now, one line each; null when it cannot be read back
    /// (KDE, or no supported desktop).
    pub installed: Option<Vec<String>>,
    /// Why reading them back failed (gsettings missing...), if it did.
    pub installed_error: Option<String>,
}

/// What an install or uninstall did.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ShortcutsApplied {
    /// `gnome`, `sway` or `kde`.
    pub desktop: &'static str,
    /// Each change, exactly (file and lines, gsettings key and value, command run).
    pub changes: Vec<String>,
    /// How to undo it.
    pub undo: Vec<String>,
    /// Things to know (a hotkey left out, a step left to the person).
    pub notes: Vec<String>,
}

/// The desktop, what install would write and what is installed now.
#[tauri::command]
pub async fn shortcuts_status(state: State<'_, AppState>) -> CmdResult<ShortcutsStatus> {
    let hotkeys = state.settings().hotkeys;
    blocking(move || {
        let session = Session::detect();
        let desktop = Desktop::from_names(&session.desktops);
        let (list, notes) = plan(&hotkeys, &shortcuts::default_cli());
        let (installed, installed_error) = match desktop.map(shortcuts::installed) {
            Some(Ok(lines)) => (lines, None),
            Some(Err(e)) => (None, Some(e.to_string())),
            None => (None, None),
        };
        Ok(status(&session, desktop, &list, notes, installed, installed_error))
    })
    .await
}

/// Adds the capture hotkeys as the desktop's own shortcuts.
#[tauri::command]
pub async fn shortcuts_install(state: State<'_, AppState>) -> CmdResult<ShortcutsApplied> {
    let hotkeys = state.settings().hotkeys;
    blocking(move || {
        let session = Session::detect();
        let desktop = detected(&session)?;
        let (list, notes) = plan(&hotkeys, &shortcuts::default_cli());
        if list.is_empty() {
            return Err(slingshot::Error::invalid(
                "No capture hotkey that a desktop shortcut can run is set: set the screen key (monitor or \
                 all monitors) or \"Capture all monitors\" in Settings > Hotkeys, then add the shortcuts",
            ));
        }
        let applied = shortcuts::install(desktop, &list)?;
        Ok(applied_view(desktop, applied, notes, session.kind))
    })
    .await
}

/// Removes every shortcut Slingshot added to the desktop (and nothing else).
#[tauri::command]
pub async fn shortcuts_uninstall() -> CmdResult<ShortcutsApplied> {
    blocking(move || {
        let session = Session::detect();
        let desktop = detected(&session)?;
        let mut applied = shortcuts::uninstall(desktop)?;
        if applied.changes.is_empty() {
            applied.notes.push(format!("No Slingshot shortcut was installed for {}", desktop.as_str()));
        }
        Ok(applied_view(desktop, applied, Vec::new(), SessionKind::Unknown))
    })
    .await
}

/// Runs `f` off the async workers: the writers start gsettings, swaymsg and kwriteconfig.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> slingshot::Result<T> + Send + 'static,
) -> CmdResult<T> {
    tauri::async_runtime::spawn_blocking(f)
        .await
        .map_err(|e| CmdError::app(format!("The desktop-shortcut task stopped unexpectedly: {e}")))?
        .map_err(CmdError::from)
}

/// The session's desktop, or an error that says how to bind the keys by hand.
fn detected(session: &Session) -> slingshot::Result<Desktop> {
    Desktop::from_names(&session.desktops).ok_or_else(|| {
        slingshot::Error::invalid(format!(
            "Slingshot cannot add shortcuts to this desktop ({}); it knows GNOME, sway and KDE. Add them \
             in your desktop's keyboard settings with the commands listed under Desktop shortcuts",
            label(session)
        ))
    })
}

/// The shortcuts the hotkeys give, with a note when the CLI is not next to the app (the
/// desktop will look for `slingshot-cli` on PATH when the key is pressed).
fn plan(hotkeys: &slingshot::config::HotkeySettings, cli: &str) -> (Vec<Shortcut>, Vec<String>) {
    let (list, mut notes) = shortcuts::from_settings(hotkeys, cli);
    if !cli.contains('/') && !list.is_empty() {
        notes.push(format!(
            "{cli} was not found next to the app: the shortcuts run `{cli}` from your PATH, so install it there"
        ));
    }
    (list, notes)
}

fn label(session: &Session) -> String {
    if session.desktops.is_empty() {
        "unknown desktop".to_string()
    } else {
        session.desktops.join(":")
    }
}

fn status(
    session: &Session,
    desktop: Option<Desktop>,
    list: &[Shortcut],
    notes: Vec<String>,
    installed: Option<Vec<String>>,
    installed_error: Option<String>,
) -> ShortcutsStatus {
    ShortcutsStatus {
        session: session.kind.as_str(),
        desktop: desktop.map(Desktop::as_str),
        desktop_label: label(session),
        planned: list
            .iter()
            .map(|s| ShortcutLine {
                id: s.id,
                label: s.label,
                keys: s.keys.clone(),
                command: s.command_line(),
            })
            .collect(),
        notes,
        installed,
        installed_error,
    }
}

/// The core's report plus our notes; in an X11 session the app's own hotkeys fire too, so say
/// how to keep a key from capturing twice.
fn applied_view(desktop: Desktop, a: Applied, mut notes: Vec<String>, kind: SessionKind) -> ShortcutsApplied {
    let mut all = a.notes;
    all.append(&mut notes);
    if kind == SessionKind::X11 {
        all.push(
            "The app's own hotkeys work in this X11 session too: clear them in Settings > Hotkeys (or pause \
             them) so one key press does not capture twice"
                .into(),
        );
    }
    ShortcutsApplied { desktop: desktop.as_str(), changes: a.changes, undo: a.undo, notes: all }
}

#[cfg(test)]
mod tests {
    use super::*;
    use slingshot::config::HotkeySettings;

    #[test]
    fn an_unknown_desktop_gets_the_commands_to_bind_by_hand() {
        let s = Session::from_vars(Some("wayland"), true, false, Some("Hyprland"), None);
        let (list, notes) = plan(&HotkeySettings::default(), "/opt/s/slingshot-cli");
        let st = status(&s, Desktop::from_names(&s.desktops), &list, notes, None, None);
        assert_eq!((st.session, st.desktop, st.desktop_label.as_str()), ("wayland", None, "hyprland"));
        let lines: Vec<(&str, &str)> =
            st.planned.iter().map(|p| (p.keys.as_str(), p.command.as_str())).collect();
        assert_eq!(
            lines,
            [
                ("Print", "/opt/s/slingshot-cli capture --upload"),
                ("Shift+Print", "/opt/s/slingshot-cli capture --all --upload")
            ]
        );
        let e = detected(&s).expect_err("no writer for Hyprland");
        assert!(e.to_string().contains("(hyprland)") && e.to_string().contains("GNOME, sway and KDE"), "{e}");
        let json = serde_json::to_value(&st).expect("json");
        assert_eq!(json["desktop"], serde_json::Value::Null);
        assert_eq!(json["planned"][1]["id"], "capture-all");
    }

    #[test]
    fn a_cli_found_only_on_path_is_mentioned() {
        let (list, notes) = plan(&HotkeySettings::default(), "slingshot-cli");
        assert_eq!(list.len(), 2);
        assert!(notes.iter().any(|n| n.contains("from your PATH")), "{notes:?}");
        let (_, notes) = plan(&HotkeySettings::default(), "/usr/bin/slingshot-cli");
        assert!(!notes.iter().any(|n| n.contains("PATH")), "{notes:?}");
        let none = HotkeySettings {
            capture_screen: String::new(),
            capture_all: String::new(),
            ..HotkeySettings::default()
        };
        let (list, notes) = plan(&none, "slingshot-cli");
        assert!(list.is_empty() && !notes.iter().any(|n| n.contains("PATH")), "{notes:?}");
    }

    #[test]
    fn x11_installs_warn_about_double_captures() {
        let a =
            Applied { changes: vec!["Wrote x".into()], undo: vec!["u".into()], notes: vec!["core".into()] };
        let v = applied_view(Desktop::Sway, a.clone(), vec!["ours".into()], SessionKind::Wayland);
        assert_eq!((v.desktop, v.notes.clone()), ("sway", vec!["core".to_string(), "ours".to_string()]));
        assert_eq!((v.changes, v.undo), (vec!["Wrote x".to_string()], vec!["u".to_string()]));
        let v = applied_view(Desktop::Gnome, a, Vec::new(), SessionKind::X11);
        assert!(v.notes.last().is_some_and(|n| n.contains("capture twice")), "{:?}", v.notes);
    }
}
