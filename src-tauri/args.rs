//! The desktop binary's command line: `slingshot [--hidden] [FILE...]`. The same parsing serves
//! the first process and the argv a second `slingshot FILE...` forwards to the running one, so a
//! file manager's "Upload with Slingshot" works whether or not the app is already open.

use std::path::{Path, PathBuf};

/// What a launch asked for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Launch {
    /// Start in the tray without opening the window (login autostart).
    pub hidden: bool,
    /// Files or folders to upload, absolute (relative ones resolved against the launch's cwd).
    pub files: Vec<PathBuf>,
}

impl Launch {
    /// Whether the window should open: not for `--hidden`, nor when files were handed over
    /// (the person is in their file manager; the link goes to the clipboard and a notification).
    pub fn shows_window(&self) -> bool {
        !self.hidden && self.files.is_empty()
    }
}

/// Parses `argv` (program name first). Unknown `--options` are ignored rather than taken for
/// file names, `--` ends options, `file://` URIs (what `.desktop` files pass with `%U`) become
/// paths, and relative paths are joined to `cwd`.
pub fn parse(argv: &[String], cwd: &Path) -> Launch {
    let mut launch = Launch::default();
    let mut options_done = false;
    for arg in argv.iter().skip(1) {
        if !options_done && arg.starts_with('-') {
            match arg.as_str() {
                "--" => options_done = true,
                "--hidden" | "--minimized" | "--tray" => launch.hidden = true,
                other => tracing::debug!(arg = other, "ignoring unknown option"),
            }
            continue;
        }
        if arg.is_empty() {
            continue;
        }
        if let Some(p) = as_path(arg, cwd) {
            launch.files.push(p);
        }
    }
    launch
}

/// A path argument made absolute; `None` for URIs that aren't local files.
fn as_path(arg: &str, cwd: &Path) -> Option<PathBuf> {
    if arg.starts_with("file:") {
        return url::Url::parse(arg).ok()?.to_file_path().ok();
    }
    if arg.starts_with("http://") || arg.starts_with("https://") {
        tracing::debug!("ignoring a web address passed as a file");
        return None;
    }
    let p = PathBuf::from(arg);
    Some(if p.is_absolute() { p } else { cwd.join(p) })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn no_arguments_opens_the_window() {
        let l = parse(&argv(&["slingshot"]), Path::new("/home/a"));
        assert_eq!(l, Launch::default());
        assert!(l.shows_window());
    }

    #[test]
    fn hidden_stays_in_the_tray() {
        let l = parse(&argv(&["slingshot", "--hidden"]), Path::new("/"));
        assert!(l.hidden);
        assert!(!l.shows_window());
    }

    #[test]
    fn relative_paths_resolve_against_the_forwarded_cwd() {
        let l = parse(
            &argv(&["/usr/bin/slingshot", "shot.png", "/tmp/b.jpg", "../c d.gif"]),
            Path::new("/home/a/pics"),
        );
        assert_eq!(
            l.files,
            vec![
                PathBuf::from("/home/a/pics/shot.png"),
                PathBuf::from("/tmp/b.jpg"),
                PathBuf::from("/home/a/pics/../c d.gif")
            ]
        );
        assert!(!l.shows_window());
    }

    #[test]
    fn file_uris_and_option_terminator() {
        let l = parse(
            &argv(&[
                "slingshot",
                "--unknown",
                "file:///tmp/a%20b.png",
                "https://x/y.png",
                "--",
                "--weird.png",
            ]),
            Path::new("/w"),
        );
        assert_eq!(l.files, vec![PathBuf::from("/tmp/a b.png"), PathBuf::from("/w/--weird.png")]);
        assert!(!l.hidden);
    }
}
