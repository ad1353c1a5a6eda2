//! The desktop binary's command line: `slingshot [--hidden] [--capture SPEC [--delay S]]
//! [--view VIEW] [--select region|window] [FILE...]`.
//! The same parsing serves the first process and the argv a second `slingshot ...` forwards to the
//! running one, so a file manager's "Upload with Slingshot" works whether or not the app is already
//! open, and `slingshot-cli capture --upload` hands its capture to the app (which owns the clipboard).

use crate::capture::named::Named;
use crate::config::CaptureKind;
use std::path::{Path, PathBuf};

/// What a launch asked for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Launch {
    /// Start in the tray without opening the window (login autostart).
    pub hidden: bool,
    /// Files or folders to upload, absolute (relative ones resolved against the launch's cwd).
    pub files: Vec<PathBuf>,
    /// `--capture SPEC` (`monitor:0`, `all`, `region:X,Y,W,H`...) and `--delay S` seconds.
    pub capture: Option<(Named, u32)>,
    /// `--view upload|history|settings`: the window opens on this view.
    pub view: Option<&'static str>,
    /// `--select region|window`: open the selection overlay (the tray process asks for it).
    pub select: Option<CaptureKind>,
}

impl Launch {
    /// Whether the window should open: not for `--hidden`, nor when files were handed over
    /// (the person is in their file manager; the link goes to the clipboard and a notification).
    pub fn shows_window(&self) -> bool {
        !self.hidden && self.files.is_empty() && self.capture.is_none() && self.select.is_none()
    }
}

/// Parses `argv` (program name first). Unknown `--options` are ignored rather than taken for
/// file names, `--` ends options, `file://` URIs (what `.desktop` files pass with `%U`) become
/// paths, and relative paths are joined to `cwd`.
pub fn parse(argv: &[String], cwd: &Path) -> Launch {
    let mut launch = Launch::default();
    let mut options_done = false;
    let (mut capture, mut delay) = (None, 0);
    let mut args = argv.iter().skip(1);
    while let Some(arg) = args.next() {
        if !options_done && arg.starts_with('-') {
            // `--capture SPEC` and `--capture=SPEC` alike (same for `--delay`).
            let (name, inline) = arg.split_once('=').map_or((arg.as_str(), None), |(n, v)| (n, Some(v)));
            match name {
                "--" => options_done = true,
                "--hidden" | "--minimized" | "--tray" => launch.hidden = true,
                "--capture" => {
                    match inline.or_else(|| args.next().map(String::as_str)).map(str::parse::<Named>) {
                        Some(Ok(named)) => capture = Some(named),
                        Some(Err(e)) => tracing::warn!("ignoring --capture: {e}"),
                        None => tracing::warn!("ignoring --capture without a value"),
                    }
                }
                "--delay" => {
                    match inline.or_else(|| args.next().map(String::as_str)).map(str::parse::<u32>) {
                        Some(Ok(secs)) => delay = secs.min(3600),
                        _ => tracing::warn!("ignoring --delay: give whole seconds"),
                    }
                }
                "--view" => {
                    let v = inline.or_else(|| args.next().map(String::as_str));
                    launch.view = ["upload", "history", "settings"].into_iter().find(|k| Some(*k) == v);
                }
                "--select" => {
                    launch.select = match inline.or_else(|| args.next().map(String::as_str)) {
                        Some("region") => Some(CaptureKind::Region),
                        Some("window") => Some(CaptureKind::Window),
                        _ => None,
                    };
                }
                // The tray process's own option, with its value; not a file.
                "--takeover" => {
                    if inline.is_none() {
                        args.next();
                    }
                }
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
    launch.capture = capture.map(|named| (named, delay));
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

    #[test]
    fn capture_hand_off_takes_its_values() {
        let l = parse(&argv(&["slingshot", "--capture", "monitor:1", "--delay=3"]), Path::new("/w"));
        assert_eq!(l.capture, Some((Named::Monitor(1), 3)));
        assert!(l.files.is_empty(), "the spec is not a file");
        assert!(!l.shows_window());
        let l = parse(&argv(&["slingshot", "--capture=region:1,2,30,40"]), Path::new("/w"));
        assert_eq!(l.capture, Some((Named::Region { x: 1, y: 2, w: 30, h: 40 }, 0)));
        let l = parse(&argv(&["slingshot", "--capture", "nonsense"]), Path::new("/w"));
        assert_eq!(l.capture, None);
        assert!(l.files.is_empty(), "a bad spec is dropped, not uploaded as a file");
    }

    #[test]
    fn tray_process_hand_backs() {
        let l = parse(&argv(&["slingshot", "--view", "settings", "--clipboard-stdin"]), Path::new("/w"));
        assert_eq!(l.view, Some("settings"));
        assert!(l.shows_window() && l.files.is_empty());
        let l = parse(&argv(&["slingshot", "--select=region"]), Path::new("/w"));
        assert_eq!(l.select, Some(CaptureKind::Region));
        assert!(!l.shows_window(), "the overlay, not the window");
        let l = parse(&argv(&["slingshot-tray", "--takeover", "123", "--view", "nope"]), Path::new("/w"));
        assert!(l.files.is_empty() && l.view.is_none(), "{l:?}");
    }
}
