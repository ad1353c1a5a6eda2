//! Screen capture for the desktop app's hotkeys: the monitor under the pointer, one monitor by
//! index, or every monitor stitched into one image. X11 sessions read the screen through one
//! x11rb connection (x11.rs); Wayland goes through the Screenshot portal, with grim as the wlroots
//! fallback (session.rs picks), because xcap's wlroots path fails or captures only XWayland
//! windows on GNOME/KDE.

mod grim;
pub mod named;
pub mod outputs;
mod pointer;
pub mod portal;
pub mod region;
mod save;
pub mod session;
mod wayland_outputs;
pub mod window;
mod x11;

use crate::error::{Error, Result};
use image::RgbaImage;
use serde::Serialize;

pub use pointer::pointer_position;
pub use region::{capture_active_window, css_to_physical, freeze, CssRect, Frozen, FrozenScreen, PixelRect};
pub(crate) use save::encode_png;
pub use save::save_png;
pub use window::{active_window, list_windows, WindowInfo};

/// What to capture.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaptureMode {
    /// The monitor containing this point of the virtual screen (the primary one if none does).
    MonitorAt {
        /// Horizontal position in the virtual screen.
        x: i32,
        /// Vertical position in the virtual screen.
        y: i32,
    },
    /// Every monitor, pasted at its offset into one image covering their bounding box.
    AllMonitors,
    /// One monitor by its index in the X server's (RandR) list, 0-based.
    Monitor(usize),
}

/// A captured image and where it came from.
#[derive(Debug, Clone)]
pub struct Capture {
    /// The pixels.
    pub image: RgbaImage,
    /// The monitor's name, or `"all"` for [`CaptureMode::AllMonitors`].
    pub monitor: String,
    /// Left edge of the captured area in the virtual screen.
    pub x: i32,
    /// Top edge of the captured area in the virtual screen.
    pub y: i32,
}

/// The kind of graphical session the process runs in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SessionKind {
    /// An X11 session (or at least an X display to talk to).
    X11,
    /// A Wayland session.
    Wayland,
    /// No graphical session found.
    Unknown,
}

impl SessionKind {
    /// `"x11"`, `"wayland"` or `"unknown"`, as the UI receives it.
    pub fn as_str(self) -> &'static str {
        match self {
            SessionKind::X11 => "x11",
            SessionKind::Wayland => "wayland",
            SessionKind::Unknown => "unknown",
        }
    }
}

/// Tells X11 from Wayland: `XDG_SESSION_TYPE` first (set by the login manager, and the only
/// reliable sign under XWayland, where `DISPLAY` is set too), then `WAYLAND_DISPLAY`, then `DISPLAY`.
pub fn session_kind() -> SessionKind {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
    session_kind_from(
        var("XDG_SESSION_TYPE").as_deref(),
        var("WAYLAND_DISPLAY").is_some(),
        var("DISPLAY").is_some(),
    )
}

fn session_kind_from(session_type: Option<&str>, wayland_display: bool, display: bool) -> SessionKind {
    match session_type.map(|s| s.trim().to_ascii_lowercase()).as_deref() {
        Some("wayland") => return SessionKind::Wayland,
        Some("x11") if display => return SessionKind::X11,
        _ => {}
    }
    if wayland_display {
        SessionKind::Wayland
    } else if display {
        SessionKind::X11
    } else {
        SessionKind::Unknown
    }
}

/// Whether region and window selection must go through the desktop (Wayland): apps there can't
/// read other windows or freeze the screens for an overlay of their own everywhere.
pub fn needs_desktop_picker() -> bool {
    session_kind() == SessionKind::Wayland
}

/// A region, window or screen picked in the desktop's own screenshot UI (the portal's
/// interactive mode: GNOME's screenshot UI, slurp on wlroots). Esc there is an error saying the
/// capture was cancelled; nothing is kept.
pub fn pick_with_desktop() -> Result<Capture> {
    let image = portal::take(true)?;
    Ok(Capture { image, monitor: "picked".into(), x: 0, y: 0 })
}

/// Captures the screen. Never panics: a missing display, a Wayland session or a failing X server
/// all come back as errors that say what to do.
pub fn capture(mode: CaptureMode) -> Result<Capture> {
    // Routing (see session.rs): the portal, then grim, on Wayland; x11.rs only in X11 sessions.
    let session = session::Session::detect();
    match session.backends().first() {
        Some(session::Backend::X11) => {}
        Some(_) => return session::capture_wayland(&session, mode),
        None => {
            return Err(Error::Config(
                "No graphical session to capture: neither WAYLAND_DISPLAY nor DISPLAY is set".into(),
            ))
        }
    }
    let screen = x11::Screen::connect()?;
    let monitors = screen.monitors()?;
    match mode {
        CaptureMode::MonitorAt { x, y } => {
            let m = monitors
                .iter()
                .find(|m| m.rect.contains(x, y))
                .or_else(|| monitors.iter().find(|m| m.primary))
                .unwrap_or(&monitors[0]);
            capture_one(&screen, m)
        }
        CaptureMode::Monitor(i) => match monitors.get(i) {
            Some(m) => capture_one(&screen, m),
            None => Err(Error::invalid(format!(
                "There is no monitor #{i}: {} monitor(s) found, numbered from 0",
                monitors.len()
            ))),
        },
        CaptureMode::AllMonitors => capture_all(&screen, &monitors),
    }
}

/// A monitor's rectangle in the virtual screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Rect {
    x: i32,
    y: i32,
    w: u32,
    h: u32,
}

impl Rect {
    fn contains(&self, px: i32, py: i32) -> bool {
        let (px, py) = (i64::from(px), i64::from(py));
        let (x, y) = (i64::from(self.x), i64::from(self.y));
        px >= x && py >= y && px < x + i64::from(self.w) && py < y + i64::from(self.h)
    }
}

fn capture_one(screen: &x11::Screen, m: &x11::Monitor) -> Result<Capture> {
    let image = screen.grab(m.rect)?;
    Ok(Capture { image, monitor: m.name.clone(), x: m.rect.x, y: m.rect.y })
}

fn capture_all(screen: &x11::Screen, monitors: &[x11::Monitor]) -> Result<Capture> {
    let mut shots = Vec::with_capacity(monitors.len());
    for m in monitors {
        let r = m.rect;
        shots.push((Rect { x: r.x, y: r.y, w: r.width, h: r.height }, screen.grab(r)?));
    }
    let rects: Vec<Rect> = shots.iter().map(|(r, _)| *r).collect();
    let bbox = bounding_box(&rects).ok_or_else(|| Error::Config("No monitor to capture".into()))?;
    let image = stitch(bbox, &shots)?;
    Ok(Capture { image, monitor: "all".into(), x: bbox.x, y: bbox.y })
}

/// The smallest rectangle covering every monitor.
fn bounding_box(rects: &[Rect]) -> Option<Rect> {
    let x0 = rects.iter().map(|r| i64::from(r.x)).min()?;
    let y0 = rects.iter().map(|r| i64::from(r.y)).min()?;
    let x1 = rects.iter().map(|r| i64::from(r.x) + i64::from(r.w)).max()?;
    let y1 = rects.iter().map(|r| i64::from(r.y) + i64::from(r.h)).max()?;
    Some(Rect {
        x: i32::try_from(x0).ok()?,
        y: i32::try_from(y0).ok()?,
        w: u32::try_from(x1 - x0).ok()?,
        h: u32::try_from(y1 - y0).ok()?,
    })
}

/// Pastes each monitor's image at its offset; gaps between monitors stay transparent black.
fn stitch(bbox: Rect, shots: &[(Rect, RgbaImage)]) -> Result<RgbaImage> {
    // 32k x 32k is X11's own limit on the root window; anything larger means bad geometry.
    if bbox.w == 0 || bbox.h == 0 || bbox.w > 32768 || bbox.h > 32768 {
        return Err(Error::Image(format!(
            "The monitors span {}x{} pixels, which cannot be captured",
            bbox.w, bbox.h
        )));
    }
    let mut out = RgbaImage::new(bbox.w, bbox.h);
    for (r, img) in shots {
        let dx = i64::from(r.x) - i64::from(bbox.x);
        let dy = i64::from(r.y) - i64::from(bbox.y);
        // `replace` clips whatever falls outside, so a monitor whose image is larger than its
        // reported geometry (scaling quirks) cannot write out of bounds.
        image::imageops::replace(&mut out, img, dx, dy);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_detection_prefers_the_session_type() {
        assert_eq!(session_kind_from(Some("wayland"), false, true), SessionKind::Wayland);
        assert_eq!(session_kind_from(Some("x11"), false, true), SessionKind::X11);
        assert_eq!(session_kind_from(Some("tty"), false, true), SessionKind::X11);
        assert_eq!(session_kind_from(None, true, true), SessionKind::Wayland);
        assert_eq!(session_kind_from(None, false, false), SessionKind::Unknown);
        assert_eq!(session_kind_from(Some("x11"), false, false), SessionKind::Unknown);
    }

    #[test]
    fn stitching_places_monitors_at_their_offsets() {
        let left = Rect { x: -100, y: 0, w: 100, h: 50 };
        let right = Rect { x: 0, y: 20, w: 60, h: 40 };
        let bbox = bounding_box(&[left, right]).expect("bbox");
        assert_eq!(bbox, Rect { x: -100, y: 0, w: 160, h: 60 });
        assert!(left.contains(-1, 49) && !left.contains(0, 0));
        let red = RgbaImage::from_pixel(100, 50, image::Rgba([255, 0, 0, 255]));
        let blue = RgbaImage::from_pixel(60, 40, image::Rgba([0, 0, 255, 255]));
        let out = stitch(bbox, &[(left, red), (right, blue)]).expect("stitch");
        assert_eq!(out.get_pixel(0, 0).0, [255, 0, 0, 255]);
        assert_eq!(out.get_pixel(100, 20).0, [0, 0, 255, 255]);
        assert_eq!(out.get_pixel(159, 59).0, [0, 0, 255, 255]);
        assert_eq!(out.get_pixel(120, 0).0, [0, 0, 0, 0], "gap stays empty");
        assert!(bounding_box(&[]).is_none());
    }
}
