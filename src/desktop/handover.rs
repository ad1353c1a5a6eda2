//! Handing the running app over between the desktop app (window, WebKit) and the tray process
//! (`slingshot-tray`, no GTK): one starts the other and leaves. The link last copied travels on
//! the new process's stdin (`--clipboard-stdin`), never in its arguments (it may be a delete
//! link), and only while this process still owns the clipboard: a person who copied something
//! else since must not get our link back.

use super::state::AppState;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The flag telling the new process to read the clipboard text from stdin.
pub const CLIPBOARD_STDIN: &str = "--clipboard-stdin";
/// The flag (with the old process's pid) telling the new process to wait until the old one is
/// gone: its single-instance name, hotkeys, tray icon and sandbox port are free only then.
pub const TAKEOVER: &str = "--takeover";
/// How long the old process may take to leave.
const OLD_EXIT: Duration = Duration::from_secs(15);
/// Longest clipboard text handed over.
const MAX_TEXT: u64 = 1 << 20;

/// A sibling binary of the running one (`slingshot`, `slingshot-tray`).
pub fn sibling(name: &str) -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let p = exe.with_file_name(name);
    p.is_file().then_some(p)
}

/// The text to hand over: what we copied last, if the clipboard still holds it.
fn owned_text(st: &AppState) -> Option<String> {
    let last = st.last_copied()?;
    let now = st.clipboard.as_ref()?.text()?;
    (now == last).then_some(last)
}

/// Starts `program args...` as the next owner of the app (it waits for this process to end),
/// giving it the clipboard text.
pub fn start(st: &AppState, program: &Path, args: &[String]) -> std::io::Result<()> {
    let text = owned_text(st);
    let mut cmd = Command::new(program);
    cmd.args(args).arg(TAKEOVER).arg(std::process::id().to_string());
    cmd.stdin(if text.is_some() { Stdio::piped() } else { Stdio::null() });
    if text.is_some() {
        cmd.arg(CLIPBOARD_STDIN);
    }
    let mut child = cmd.spawn()?;
    if let (Some(t), Some(mut stdin)) = (text, child.stdin.take()) {
        stdin.write_all(t.as_bytes())?;
    }
    tracing::info!(program = %program.display(), "handed over");
    // Dropping the handle neither waits for nor stops the child; init reaps it once we are gone.
    drop(child);
    Ok(())
}

/// `--takeover PID`: the process that started us and is leaving.
pub fn takeover_pid(argv: &[String]) -> Option<u32> {
    let at = argv.iter().position(|a| a == TAKEOVER)?;
    argv.get(at + 1)?.parse().ok()
}

/// Waits until process `pid` has ended (at most 15 s).
pub fn wait_for_exit(pid: u32) {
    let start = Instant::now();
    while alive(pid) && start.elapsed() < OLD_EXIT {
        std::thread::sleep(Duration::from_millis(20));
    }
    if alive(pid) {
        tracing::warn!(pid, "the previous Slingshot process did not leave; going on");
    }
}

/// Whether `pid` still runs. A zombie (ended, not yet reaped by its parent, such as the session
/// that started it) has let go of everything and counts as ended.
fn alive(pid: u32) -> bool {
    let Ok(stat) = std::fs::read_to_string(PathBuf::from(format!("/proc/{pid}/stat"))) else { return false };
    // The state letter follows the command name, which is in parentheses and may hold spaces.
    let state = stat.rsplit_once(')').and_then(|(_, rest)| rest.split_whitespace().next());
    !matches!(state, Some("Z" | "X") | None)
}

/// The clipboard text handed over on stdin, when `argv` has [`CLIPBOARD_STDIN`].
pub fn read_clipboard_text(argv: &[String]) -> Option<String> {
    if !argv.iter().any(|a| a == CLIPBOARD_STDIN) {
        return None;
    }
    let mut text = String::new();
    std::io::stdin().take(MAX_TEXT).read_to_string(&mut text).ok()?;
    (!text.is_empty()).then_some(text)
}

/// Waits until the job batches running in this process are done (a person who opened the window
/// right after a hotkey must not cut that upload short), at most `limit`.
pub fn let_jobs_finish(st: &AppState, limit: Duration) {
    let start = Instant::now();
    while st.active_batches() > 0 && start.elapsed() < limit {
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn takeover_needs_a_pid() {
        assert_eq!(takeover_pid(&argv(&["slingshot-tray", "--takeover", "42"])), Some(42));
        assert_eq!(takeover_pid(&argv(&["slingshot-tray", "--takeover"])), None);
        assert_eq!(takeover_pid(&argv(&["slingshot", "--takeover", "x"])), None);
        assert_eq!(read_clipboard_text(&argv(&["slingshot"])), None, "no flag: stdin is not read");
    }

    #[test]
    fn ended_and_unreaped_processes_count_as_gone() {
        assert!(alive(std::process::id()));
        assert!(!alive(u32::MAX));
        let mut child = Command::new("true").spawn().expect("spawn true");
        let pid = child.id();
        // Not reaped yet: a zombie once it has ended.
        let start = Instant::now();
        while alive(pid) && start.elapsed() < Duration::from_secs(5) {
            std::thread::sleep(Duration::from_millis(10));
        }
        assert!(!alive(pid), "an ended child is gone even before it is reaped");
        assert!(std::path::Path::new(&format!("/proc/{pid}")).exists(), "it is a zombie");
        child.wait().expect("reap");
    }
}
