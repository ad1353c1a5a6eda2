//! `slingshot-cli integrate shortcut install|uninstall|show`: desktop keyboard shortcuts that
//! run `slingshot-cli capture ... --upload`, for Wayland sessions. Prints exactly what was
//! written and how to undo it.

use super::args::ShortcutCommand;
use crate::error::{Error, Result};
use crate::integrate::shortcuts::{self, Applied, Desktop};

/// Runs the shortcut command.
pub fn run(command: ShortcutCommand) -> Result<bool> {
    match command {
        ShortcutCommand::Install { desktop, cli } => {
            let desktop = pick(desktop.as_deref())?;
            let cli = match cli {
                Some(p) => std::path::absolute(&p)
                    .map_err(|e| Error::io("Cannot resolve", &p, e))?
                    .display()
                    .to_string(),
                None => shortcuts::default_cli(),
            };
            let (list, mut notes) = planned(&cli)?;
            if list.is_empty() {
                return Err(Error::invalid("No capture hotkey is set in the settings: nothing to add"));
            }
            let mut applied = shortcuts::install(desktop, &list)?;
            applied.notes.append(&mut notes);
            print(desktop, "Installed", &applied);
        }
        ShortcutCommand::Uninstall { desktop } => {
            let desktop = pick(desktop.as_deref())?;
            let applied = shortcuts::uninstall(desktop)?;
            if applied.changes.is_empty() {
                println!("Nothing to remove: no Slingshot shortcut is installed for {}.", desktop.as_str());
            }
            print(desktop, "Uninstalled", &applied);
        }
        ShortcutCommand::Show { desktop } => {
            let desktop = pick(desktop.as_deref())?;
            let (list, notes) = planned(&shortcuts::default_cli())?;
            println!("Desktop: {}", desktop.as_str());
            println!("install would add:");
            for s in &list {
                println!("  {}  ->  {}", s.keys, s.command_line());
            }
            for n in notes {
                println!("  note: {n}");
            }
            println!("installed now:");
            match shortcuts::installed(desktop)? {
                Some(lines) => lines.iter().for_each(|l| println!("  {l}")),
                None => println!("  (see System Settings > Shortcuts for the slingshot-shortcut-* entries)"),
            }
        }
    }
    Ok(true)
}

fn pick(name: Option<&str>) -> Result<Desktop> {
    match name {
        Some(n) => Desktop::parse(n),
        None => Desktop::detect().ok_or_else(|| {
            Error::invalid(
                "Cannot tell the desktop from XDG_CURRENT_DESKTOP; give --desktop gnome, sway or kde \
                 (elsewhere, add a shortcut in your desktop's settings that runs `slingshot-cli capture --upload`)",
            )
        }),
    }
}

/// The shortcuts the settings' hotkeys give, running `cli`.
fn planned(cli: &str) -> Result<(Vec<shortcuts::Shortcut>, Vec<String>)> {
    let paths = crate::config::Paths::resolve()?;
    let settings = crate::config::Settings::load(&paths)?;
    Ok(shortcuts::from_settings(&settings.hotkeys, cli))
}

fn print(desktop: Desktop, what: &str, a: &Applied) {
    if !a.changes.is_empty() {
        println!("{what} Slingshot shortcuts for {}:", desktop.as_str());
    }
    for c in &a.changes {
        println!("- {c}");
    }
    for n in &a.notes {
        println!("Note: {n}");
    }
    if !a.undo.is_empty() {
        println!("To undo: {}", a.undo.join("; "));
    }
}
