//! Captures named in words, as `slingshot-cli capture` and the hand-off to the running app
//! (`slingshot --capture SPEC`) name them: `pointer`, `monitor:N`, `all`, `region:X,Y,W,H`,
//! `window:ID`. One parser and one printer serve both ends, so the CLI and the app always agree.
//! A region is cut out of a capture of every monitor (X11) or of the portal's image (Wayland);
//! a window by id is an X11 window (Wayland gives clients no window ids).

use super::{capture, pointer_position, session, Capture, CaptureMode, Rect, SessionKind};
use crate::error::{Error, Result};
use std::fmt;
use std::str::FromStr;

/// What to capture.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Named {
    /// The monitor under the pointer (X11), the first monitor on Wayland.
    Pointer,
    /// One monitor, numbered from 0.
    Monitor(usize),
    /// Every monitor in one image.
    All,
    /// An area of the virtual screen (logical coordinates on Wayland).
    Region {
        /// Left edge.
        x: i32,
        /// Top edge.
        y: i32,
        /// Width, at least 1.
        w: u32,
        /// Height, at least 1.
        h: u32,
    },
    /// An X11 window by its id (decimal or 0x hex, as `xdotool` and `xwininfo` print it).
    Window(u32),
}

impl fmt::Display for Named {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Named::Pointer => f.write_str("pointer"),
            Named::Monitor(n) => write!(f, "monitor:{n}"),
            Named::All => f.write_str("all"),
            Named::Region { x, y, w, h } => write!(f, "region:{x},{y},{w},{h}"),
            Named::Window(id) => write!(f, "window:{id}"),
        }
    }
}

impl FromStr for Named {
    type Err = Error;

    fn from_str(s: &str) -> Result<Named> {
        let s = s.trim();
        let (kind, arg) = s.split_once(':').unwrap_or((s, ""));
        let bad = |why: &str| Error::invalid(format!("\"{s}\" is not a capture to take: {why}"));
        match (kind.to_ascii_lowercase().as_str(), arg) {
            ("pointer", "") => Ok(Named::Pointer),
            ("all", "") => Ok(Named::All),
            ("monitor", n) => n.trim().parse().map(Named::Monitor).map_err(|_| bad("give a monitor number")),
            ("region", r) => parse_region(r).map_err(|e| bad(&e)),
            ("window", id) => parse_window_id(id).map(Named::Window).map_err(|e| bad(&e)),
            _ => Err(bad("use pointer, all, monitor:N, region:X,Y,W,H or window:ID")),
        }
    }
}

/// `X,Y,W,H` (also `XxY` style separators are refused, to keep one form).
pub fn parse_region(s: &str) -> std::result::Result<Named, String> {
    let parts: Vec<&str> = s.split(',').map(str::trim).collect();
    let [x, y, w, h] = parts.as_slice() else {
        return Err("a region is X,Y,W,H (four numbers)".into());
    };
    let int = |v: &str| v.parse::<i32>().map_err(|_| format!("\"{v}\" is not a whole number"));
    let size = |v: &str| match v.parse::<u32>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(format!("\"{v}\" is not a width or height (a whole number above 0)")),
    };
    Ok(Named::Region { x: int(x)?, y: int(y)?, w: size(w)?, h: size(h)? })
}

/// A window id in decimal or `0x` hex.
pub fn parse_window_id(s: &str) -> std::result::Result<u32, String> {
    let s = s.trim();
    let parsed = match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        Some(hex) => u32::from_str_radix(hex, 16),
        None => s.parse(),
    };
    parsed.map_err(|_| format!("\"{s}\" is not a window id (decimal, or hex with 0x)"))
}

impl Named {
    /// Takes the capture on this desktop. Blocking (portal round trips, X11 requests): call it
    /// from a thread or a blocking task.
    pub fn take(self) -> Result<Capture> {
        match self {
            Named::Pointer => {
                let (x, y) = pointer_position().unwrap_or((i32::MIN, i32::MIN));
                capture(CaptureMode::MonitorAt { x, y })
            }
            Named::Monitor(n) => capture(CaptureMode::Monitor(n)),
            Named::All => capture(CaptureMode::AllMonitors),
            Named::Region { x, y, w, h } => {
                let want = Rect { x, y, w, h };
                let s = session::Session::detect();
                if s.kind == SessionKind::Wayland && s.forced != Some(session::Backend::X11) {
                    return session::capture_region_wayland(&s, want);
                }
                let all = capture(CaptureMode::AllMonitors)?;
                crop_virtual(&all, want)
            }
            Named::Window(id) => capture_window(id),
        }
    }
}

/// Cuts an area of the virtual screen out of a capture that starts at `(cap.x, cap.y)`.
fn crop_virtual(cap: &Capture, want: Rect) -> Result<Capture> {
    let (w, h) = cap.image.dimensions();
    let bbox = Rect { x: cap.x, y: cap.y, w, h };
    let image = super::outputs::crop_logical(&cap.image, bbox, want)?;
    Ok(Capture { image, monitor: "region".into(), x: want.x.max(cap.x), y: want.y.max(cap.y) })
}

/// One X11 window's pixels, by id: its rectangle (frame included) cut out of a capture of every
/// monitor, as the person sees it; xcap's own window capture for ids that are not top-level.
fn capture_window(id: u32) -> Result<Capture> {
    if session::Session::detect().kind != SessionKind::X11 {
        return Err(Error::Config(
            "Capturing a window by id works only in X11 sessions: Wayland gives programs no window ids. \
             Use --region X,Y,W,H, or your desktop's own window screenshot"
                .into(),
        ));
    }
    if let Some(w) = super::window::list_windows().into_iter().find(|w| w.id == id) {
        let r = w.rect;
        let all = capture(CaptureMode::AllMonitors)?;
        let mut cap = crop_virtual(&all, Rect { x: r.x, y: r.y, w: r.width, h: r.height })?;
        cap.monitor = if w.title.is_empty() { format!("window-{id}") } else { w.title };
        return Ok(cap);
    }
    let windows = xcap::Window::all().map_err(|e| Error::Image(format!("Cannot list the windows: {e}")))?;
    let w = windows.into_iter().find(|w| w.id().ok() == Some(id)).ok_or_else(|| {
        Error::invalid(format!(
            "There is no window {id} (0x{id:x}) on the screen; `xdotool search --name TITLE` lists ids"
        ))
    })?;
    if w.is_minimized().unwrap_or(false) {
        return Err(Error::invalid(format!("Window {id} is minimized: nothing of it is on the screen")));
    }
    let image = w.capture_image().map_err(|e| Error::Image(format!("Cannot capture window {id}: {e}")))?;
    let name = w.title().ok().filter(|t| !t.is_empty()).unwrap_or_else(|| format!("window-{id}"));
    Ok(Capture { image, monitor: name, x: w.x().unwrap_or(0), y: w.y().unwrap_or(0) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_round_trip() {
        for n in [
            Named::Pointer,
            Named::All,
            Named::Monitor(2),
            Named::Region { x: -10, y: 5, w: 300, h: 200 },
            Named::Window(0x2a00007),
        ] {
            assert_eq!(n.to_string().parse::<Named>().expect("parses"), n);
        }
        assert_eq!("window:0x10".parse::<Named>().expect("hex"), Named::Window(16));
        assert_eq!(" Monitor:0 ".parse::<Named>().expect("trim"), Named::Monitor(0));
    }

    #[test]
    fn bad_specs_are_explained() {
        for bad in ["monitor:x", "region:1,2,3", "region:1,2,0,4", "window:zz", "screen", "all:1"] {
            let e = bad.parse::<Named>().expect_err(bad);
            assert!(e.to_string().contains(bad.trim()), "{e}");
        }
    }

    #[test]
    fn a_region_is_cut_from_the_virtual_screen() {
        let mut image = image::RgbaImage::new(200, 100);
        image.put_pixel(150, 60, image::Rgba([1, 2, 3, 255]));
        // The capture starts at -100,0 (a monitor left of the primary).
        let cap = Capture { image, monitor: "all".into(), x: -100, y: 0 };
        let r = crop_virtual(&cap, Rect { x: 40, y: 50, w: 20, h: 30 }).expect("crop");
        assert_eq!(r.image.dimensions(), (20, 30));
        assert_eq!(r.image.get_pixel(10, 10).0, [1, 2, 3, 255]);
        assert!(crop_virtual(&cap, Rect { x: 200, y: 0, w: 5, h: 5 }).is_err());
    }
}
