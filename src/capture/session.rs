//! Which desktop we run in and which capture path to take there. Wayland wins over X11 whenever
//! the session says so (`DISPLAY` is then XWayland, which only sees XWayland windows). On Wayland
//! the Screenshot portal comes first; `grim` is the fallback on wlroots desktops (sway, Hyprland,
//! river...) when the portal is missing or fails; the X server is read directly only in real X11 sessions.
//! `SLINGSHOT_CAPTURE_BACKEND=portal|grim|x11` forces one path (tests, odd desktops).

use super::{session_kind_from, Capture, CaptureMode, Rect, SessionKind};
use crate::error::{Error, Result};
use serde::Serialize;

/// One way of taking a screenshot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    /// `org.freedesktop.portal.Screenshot` over D-Bus (any Wayland desktop with a portal).
    Portal,
    /// The `grim` program (wlroots screencopy).
    Grim,
    /// The X server, read directly (x11.rs).
    X11,
}

impl Backend {
    /// `"portal"`, `"grim"` or `"x11"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Portal => "portal",
            Backend::Grim => "grim",
            Backend::X11 => "x11",
        }
    }

    fn parse(s: &str) -> Option<Backend> {
        match s.trim().to_ascii_lowercase().as_str() {
            "portal" => Some(Backend::Portal),
            "grim" => Some(Backend::Grim),
            "x11" | "xcap" => Some(Backend::X11),
            _ => None,
        }
    }
}

/// The graphical session as the environment describes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Session {
    /// X11, Wayland or none.
    pub kind: SessionKind,
    /// `XDG_CURRENT_DESKTOP`, split on `:` and lower-cased (`["ubuntu", "gnome"]`, `["sway"]`).
    pub desktops: Vec<String>,
    /// A backend forced with `SLINGSHOT_CAPTURE_BACKEND`.
    pub forced: Option<Backend>,
}

/// Desktops built on wlroots, where `grim` works (screencopy protocol).
const WLROOTS: [&str; 8] = ["sway", "hyprland", "river", "wayfire", "labwc", "dwl", "niri", "cage"];

impl Session {
    /// Reads `XDG_SESSION_TYPE`, `WAYLAND_DISPLAY`, `DISPLAY`, `XDG_CURRENT_DESKTOP` and
    /// `SLINGSHOT_CAPTURE_BACKEND`.
    pub fn detect() -> Session {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        Session::from_vars(
            var("XDG_SESSION_TYPE").as_deref(),
            var("WAYLAND_DISPLAY").is_some(),
            var("DISPLAY").is_some(),
            var("XDG_CURRENT_DESKTOP").as_deref(),
            var("SLINGSHOT_CAPTURE_BACKEND").as_deref(),
        )
    }

    /// [`Session::detect`] from given values (tests).
    pub fn from_vars(
        session_type: Option<&str>,
        wayland_display: bool,
        display: bool,
        current_desktop: Option<&str>,
        forced: Option<&str>,
    ) -> Session {
        let desktops = current_desktop
            .unwrap_or("")
            .split(':')
            .map(|d| d.trim().to_ascii_lowercase())
            .filter(|d| !d.is_empty())
            .collect();
        Session {
            kind: session_kind_from(session_type, wayland_display, display),
            desktops,
            forced: forced.and_then(Backend::parse),
        }
    }

    /// Whether the desktop is built on wlroots (so `grim` can capture).
    pub fn is_wlroots(&self) -> bool {
        self.desktops.iter().any(|d| WLROOTS.contains(&d.as_str()))
    }

    /// Whether the desktop is GNOME (the portal asks for permission once).
    pub fn is_gnome(&self) -> bool {
        self.desktops.iter().any(|d| d == "gnome")
    }

    /// The capture paths to try, in order. Empty when there is nothing to capture with.
    pub fn backends(&self) -> Vec<Backend> {
        if let Some(b) = self.forced {
            return vec![b];
        }
        match self.kind {
            SessionKind::X11 => vec![Backend::X11],
            // An unknown Wayland desktop may still be wlroots-based: grim is tried last, and
            // fails with a clear message where the compositor lacks screencopy.
            SessionKind::Wayland => vec![Backend::Portal, Backend::Grim],
            SessionKind::Unknown => Vec::new(),
        }
    }
}

/// Captures on Wayland what `mode` asks for: the portal first, then grim (see [`wayland_paths`]).
pub(crate) fn capture_wayland(session: &Session, mode: CaptureMode) -> Result<Capture> {
    wayland_paths(session, || super::portal::capture(mode, session), || super::grim::capture(mode))
}

/// Captures an area in logical coordinates on Wayland: cut out of the portal's whole-desktop
/// image, or grim's `-g`.
pub(super) fn capture_region_wayland(session: &Session, r: Rect) -> Result<Capture> {
    let portal = || {
        let full = super::portal::take(false)?;
        let outs = super::outputs::wayland_outputs()?;
        let rects: Vec<Rect> = outs
            .iter()
            .map(|o| Rect { x: o.logical.0, y: o.logical.1, w: o.logical.2, h: o.logical.3 })
            .collect();
        let bbox =
            super::bounding_box(&rects).ok_or_else(|| Error::Config("No monitor to capture".into()))?;
        let image = super::outputs::crop_logical(&full, bbox, r)?;
        Ok(Capture { image, monitor: "region".into(), x: r.x, y: r.y })
    };
    wayland_paths(session, portal, || super::grim::capture_region(r))
}

/// The portal, then grim where it can work (wlroots desktops, or when forced). A refusal by the
/// person (GNOME's dialog) is final: a silent grim must not overrule it. When both fail, both
/// reasons are given, the portal's first (it is the one that explains the desktop).
fn wayland_paths(
    session: &Session,
    portal: impl FnOnce() -> Result<Capture>,
    grim: impl FnOnce() -> Result<Capture>,
) -> Result<Capture> {
    let backends = session.backends();
    if backends.first() == Some(&Backend::Grim) {
        return grim();
    }
    let first = match portal() {
        Ok(c) => return Ok(c),
        Err(e) => e,
    };
    tracing::info!("the screenshot portal failed: {first}");
    let grim_allowed = session.forced.is_none() && session.is_wlroots();
    // A wrong monitor number or an area off the screens is the same for grim: say it once.
    let bad_input = first.kind() == crate::error::ErrorKind::InvalidInput;
    if !grim_allowed || bad_input || super::portal::is_refusal(&first) {
        return Err(first);
    }
    match grim() {
        Ok(c) => {
            tracing::info!("captured with grim instead");
            Ok(c)
        }
        Err(second) => Err(Error::Config(format!("{first}; the grim fallback failed too: {second}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wayland_wins_over_an_xwayland_display() {
        let s = Session::from_vars(Some("wayland"), true, true, Some("sway"), None);
        assert_eq!(s.kind, SessionKind::Wayland);
        assert_eq!(s.backends(), vec![Backend::Portal, Backend::Grim]);
        assert!(s.is_wlroots() && !s.is_gnome());
        let s = Session::from_vars(None, true, true, Some("ubuntu:GNOME"), None);
        assert_eq!(s.kind, SessionKind::Wayland);
        assert_eq!(s.desktops, vec!["ubuntu".to_string(), "gnome".to_string()]);
        assert!(s.is_gnome() && !s.is_wlroots());
    }

    #[test]
    fn x11_only_in_real_x11_sessions() {
        let s = Session::from_vars(Some("x11"), false, true, Some("XFCE"), None);
        assert_eq!(s.backends(), vec![Backend::X11]);
        let s = Session::from_vars(None, false, false, None, None);
        assert!(s.backends().is_empty());
    }

    #[test]
    fn the_backend_can_be_forced() {
        let s = Session::from_vars(Some("wayland"), true, false, Some("sway"), Some("GRIM"));
        assert_eq!(s.backends(), vec![Backend::Grim]);
        let s = Session::from_vars(Some("wayland"), true, false, Some("sway"), Some("nonsense"));
        assert_eq!(s.forced, None);
    }
}
