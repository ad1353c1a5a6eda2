//! `slingshot-cli integrate install|uninstall`: adds or removes "Upload with Slingshot" in the
//! file managers and the app menu, printing every file it wrote or removed.

use super::args::IntegrateCommand;
use crate::error::{Error, Result};
use crate::integrate::{self, XdgDirs};

/// Runs the integrate command.
pub fn run(command: IntegrateCommand) -> Result<bool> {
    let dirs = XdgDirs::from_env()?;
    match command {
        IntegrateCommand::Shortcut { command } => return super::shortcut_cmd::run(command),
        IntegrateCommand::Install { exec } => {
            let exec = match exec {
                Some(p) => exec_arg(&p)?,
                None => integrate::default_exec(),
            };
            for c in integrate::install(&dirs, &exec)? {
                println!("{c}");
            }
            println!("File managers will offer \"Upload with Slingshot\" (running {exec}); restart them if they are open.");
        }
        IntegrateCommand::Uninstall => {
            let changes = integrate::uninstall(&dirs)?;
            if changes.is_empty() {
                println!("Nothing to remove: the file-manager integration is not installed.");
            }
            for c in changes {
                println!("{c}");
            }
        }
    }
    Ok(true)
}

/// `--exec`: a bare program name is looked up on PATH at launch; a path is made absolute (file
/// managers launch from anywhere). A path that does not exist yet is allowed, with a warning.
fn exec_arg(p: &std::path::Path) -> Result<String> {
    if p.components().count() == 1 && !p.is_absolute() {
        return Ok(p.display().to_string());
    }
    let abs = std::path::absolute(p).map_err(|e| Error::io("Cannot resolve", p, e))?;
    if !abs.is_file() {
        eprintln!("Warning: {} does not exist (yet); the menus will fail until it does", abs.display());
    }
    abs.to_str()
        .map(String::from)
        .ok_or_else(|| Error::invalid(format!("{}: the program path must be valid UTF-8", abs.display())))
}
