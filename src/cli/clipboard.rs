//! Copying from a short-lived CLI. On X11 and Wayland the clipboard is served by the process that
//! owns it, so a CLI that exits would take the link with it. We hand the text to a detached copy of
//! ourselves (`__hold-clipboard`) that owns the clipboard until someone else copies something.

use crate::error::{Error, Result};
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, ExitCode, Stdio};
use std::time::Duration;

/// Puts `text` on the clipboard and returns once a detached helper owns it.
pub fn copy_and_hold(text: &str) -> Result<()> {
    let exe = std::env::current_exe()
        .map_err(|e| Error::Io { context: "Cannot find own executable".into(), source: e })?;
    let mut cmd = Command::new(exe);
    cmd.arg("__hold-clipboard").stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::null());
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        // Its own process group: a Ctrl+C in the terminal must not take the clipboard away.
        cmd.process_group(0);
    }
    let mut child = cmd
        .spawn()
        .map_err(|e| Error::Io { context: "Cannot start the clipboard helper".into(), source: e })?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(text.as_bytes()).map_err(|e| Error::Io {
            context: "Cannot pass the link to the clipboard helper".into(),
            source: e,
        })?;
    }
    let Some(stdout) = child.stdout.take() else {
        return Err(Error::Config("The clipboard helper has no output".into()));
    };
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .map_err(|e| Error::Io { context: "The clipboard helper did not answer".into(), source: e })?;
    match line.trim() {
        "ok" => Ok(()),
        "" => Err(Error::Config("the clipboard helper stopped (no display?)".into())),
        other => Err(Error::Config(other.to_string())),
    }
}

/// The helper's side: owns the clipboard with the text read from stdin, says `ok`, and stays until
/// the clipboard holds something else (or a day has passed).
pub fn hold_from_stdin() -> ExitCode {
    let mut text = String::new();
    if std::io::stdin().read_to_string(&mut text).is_err() {
        return ExitCode::FAILURE;
    }
    let mut clip = match arboard::Clipboard::new() {
        Ok(c) => c,
        Err(e) => {
            println!("cannot open the clipboard: {e}");
            return ExitCode::FAILURE;
        }
    };
    if let Err(e) = clip.set_text(text.clone()) {
        println!("cannot set the clipboard: {e}");
        return ExitCode::FAILURE;
    }
    println!("ok");
    let _ = std::io::stdout().flush();
    let deadline = std::time::Instant::now() + Duration::from_secs(24 * 3600);
    while std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(500));
        match clip.get_text() {
            Ok(t) if t == text => continue,
            _ => break,
        }
    }
    ExitCode::SUCCESS
}
