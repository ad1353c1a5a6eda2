//! The wlroots fallback: the `grim` program (screencopy protocol) on sway, Hyprland, river and
//! other wlroots desktops, for when the Screenshot portal is missing or fails. One output with
//! `-o NAME` (its real resolution), a region with `-g`, everything otherwise; PNG on stdout
//! (Debian's grim has no JPEG), and a time limit: a compositor that never answers must not hang
//! a hotkey.

use super::outputs::{self, wayland_outputs};
use super::{Capture, CaptureMode, Rect};
use crate::error::{Error, Result};
use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// grim takes 30-50 ms for a 1280x720 output; this is for a stuck compositor.
const LIMIT: Duration = Duration::from_secs(15);

/// Captures what `mode` asks for with grim.
pub(crate) fn capture(mode: CaptureMode) -> Result<Capture> {
    if let CaptureMode::AllMonitors = mode {
        let image = run(&[])?;
        return Ok(Capture { image, monitor: "all".into(), x: 0, y: 0 });
    }
    let outs = wayland_outputs()?;
    match outputs::pick(&outs, mode)? {
        Some(o) => {
            let image = run(&["-o", &o.name])?;
            Ok(Capture { image, monitor: o.name.clone(), x: o.logical.0, y: o.logical.1 })
        }
        None => Ok(Capture { image: run(&[])?, monitor: "all".into(), x: 0, y: 0 }),
    }
}

/// Captures an area given in logical coordinates (what swaymsg and slurp print).
pub(super) fn capture_region(r: Rect) -> Result<Capture> {
    let geometry = format!("{},{} {}x{}", r.x, r.y, r.w, r.h);
    let image = run(&["-g", &geometry])?;
    Ok(Capture { image, monitor: "region".into(), x: r.x, y: r.y })
}

/// Runs `grim -t png [args] -` and decodes its stdout.
fn run(args: &[&str]) -> Result<image::RgbaImage> {
    let mut child = Command::new("grim")
        .args(["-t", "png"])
        .args(args)
        .arg("-")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                Error::Config(
                    "grim is not installed; install it (e.g. `apt install grim`) or a screenshot portal \
                     (xdg-desktop-portal-wlr)"
                        .into(),
                )
            } else {
                Error::Io { context: "Cannot start grim".into(), source: e }
            }
        })?;
    // Read both pipes on their own threads so a chatty grim cannot block on a full pipe.
    let mut out = child.stdout.take();
    let mut err = child.stderr.take();
    let stdout = std::thread::spawn(move || {
        let mut buf = Vec::new();
        out.as_mut().map(|o| o.read_to_end(&mut buf));
        buf
    });
    let stderr = std::thread::spawn(move || {
        let mut buf = String::new();
        err.as_mut().map(|e| e.read_to_string(&mut buf));
        buf
    });
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(s)) => break s,
            Ok(None) if started.elapsed() > LIMIT => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(Error::Config(format!(
                    "grim did not finish within {} s; is the compositor answering?",
                    LIMIT.as_secs()
                )));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(e) => return Err(Error::Io { context: "Cannot wait for grim".into(), source: e }),
        }
    };
    let png = stdout.join().unwrap_or_default();
    let message = stderr.join().unwrap_or_default();
    if !status.success() {
        return Err(Error::Config(format!(
            "grim failed ({status}): {}; it works only on wlroots desktops (sway, Hyprland, river...)",
            message.trim()
        )));
    }
    image::load_from_memory(&png)
        .map(|i| i.to_rgba8())
        .map_err(|e| Error::Image(format!("grim's output is not a PNG: {e}")))
}
