//! Which process owns a queued job. An owner is `pid:start`, where `start` is the process's start
//! time in clock ticks since boot (from `/proc`), so a pid reused by an unrelated process after a
//! crash is not mistaken for the owner.

use std::sync::OnceLock;

/// This process's owner name.
pub fn me() -> &'static str {
    static ME: OnceLock<String> = OnceLock::new();
    ME.get_or_init(|| {
        let pid = std::process::id();
        format!("{pid}:{}", start_time(pid).unwrap_or(0))
    })
}

/// Whether the process named by `owner` is still running. Unreadable names count as gone: their
/// jobs are better resumed than stuck forever.
pub fn is_alive(owner: &str) -> bool {
    if owner == me() {
        return true;
    }
    let Some((pid, start)) = owner.split_once(':') else { return false };
    let (Ok(pid), Ok(start)) = (pid.parse::<u32>(), start.parse::<u64>()) else { return false };
    match start_time(pid) {
        Some(now) => start == 0 || now == start,
        None => pid_exists(pid),
    }
}

/// Field 22 of `/proc/PID/stat` (start time), read after the command name, which may contain
/// spaces and parentheses.
fn start_time(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let rest = &stat[stat.rfind(')')? + 1..];
    rest.split_whitespace().nth(19)?.parse().ok()
}

/// Without `/proc` (macOS), a signal-0 probe; a missing `/proc` entry on Linux means gone.
fn pid_exists(pid: u32) -> bool {
    if std::path::Path::new("/proc/self/stat").exists() {
        return false;
    }
    #[cfg(unix)]
    {
        let Ok(pid) = libc::pid_t::try_from(pid) else { return false };
        // SAFETY: kill with signal 0 only checks that the process exists; it sends nothing.
        let r = unsafe { libc::kill(pid, 0) };
        r == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
    }
    #[cfg(not(unix))]
    {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_process_is_alive_and_a_dead_one_is_not() {
        assert!(is_alive(me()));
        let mut child = std::process::Command::new("true").spawn().expect("spawn true");
        let pid = child.id();
        let owner = format!("{pid}:{}", start_time(pid).unwrap_or(0));
        child.wait().expect("wait");
        assert!(!is_alive(&owner), "a reaped child is gone");
        assert!(!is_alive("garbage"));
        assert!(!is_alive(&format!("{}:1", std::process::id())), "same pid, other start time");
    }
}
