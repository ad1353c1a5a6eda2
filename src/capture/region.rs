//! Region capture: every monitor frozen at one instant (the screens as they were when the key was
//! pressed, in physical pixels, each placed in the virtual screen), and crops of that frozen
//! picture by a rectangle of the virtual screen. The overlay where a person draws the rectangle
//! works in CSS pixels of one monitor; [`css_to_physical`] converts them with that monitor's scale
//! factor, rounding the edges (not the sizes) so that the result is the pixels the person saw
//! inside the frame, whatever the scale.

use super::window::{self, WindowInfo};
use super::{session_kind, Capture, SessionKind};
use crate::error::{Error, Result};
use image::RgbaImage;
use serde::{Deserialize, Serialize};

/// A rectangle of the virtual screen (every monitor side by side), in physical pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PixelRect {
    /// Left edge.
    pub x: i32,
    /// Top edge.
    pub y: i32,
    /// Width (0 means empty).
    pub width: u32,
    /// Height (0 means empty).
    pub height: u32,
}

impl PixelRect {
    /// Whether the rectangle covers no pixel.
    pub fn is_empty(&self) -> bool {
        self.width == 0 || self.height == 0
    }

    /// The first column right of the rectangle.
    pub fn right(&self) -> i64 {
        i64::from(self.x) + i64::from(self.width)
    }

    /// The first row below the rectangle.
    pub fn bottom(&self) -> i64 {
        i64::from(self.y) + i64::from(self.height)
    }

    /// Whether the pixel at `(x, y)` is inside.
    pub fn contains(&self, x: i32, y: i32) -> bool {
        x >= self.x && y >= self.y && i64::from(x) < self.right() && i64::from(y) < self.bottom()
    }

    /// The part both rectangles cover, if any.
    pub fn intersect(&self, other: &PixelRect) -> Option<PixelRect> {
        let x0 = self.x.max(other.x);
        let y0 = self.y.max(other.y);
        let x1 = self.right().min(other.right());
        let y1 = self.bottom().min(other.bottom());
        if x1 <= i64::from(x0) || y1 <= i64::from(y0) {
            return None;
        }
        Some(PixelRect {
            x: x0,
            y: y0,
            width: u32::try_from(x1 - i64::from(x0)).ok()?,
            height: u32::try_from(y1 - i64::from(y0)).ok()?,
        })
    }
}

/// A rectangle in one monitor's CSS pixels, from that monitor's top-left corner (what the
/// overlay page measures). Fractions are allowed: at scale 2 a CSS pixel is two pixels.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CssRect {
    /// Left edge.
    pub x: f64,
    /// Top edge.
    pub y: f64,
    /// Width.
    pub width: f64,
    /// Height.
    pub height: f64,
}

/// Converts a selection in a monitor's CSS pixels to physical pixels of the virtual screen.
/// Each edge is scaled and rounded on its own, so two selections that share an edge in CSS share
/// it in pixels too; the result is clipped to the monitor. Fails (with a message for the person)
/// when the scale is not a positive number or nothing of the selection is on the monitor.
pub fn css_to_physical(screen: PixelRect, scale: f64, css: CssRect) -> Result<PixelRect> {
    if !(scale.is_finite() && scale > 0.0) {
        return Err(Error::invalid(format!("The monitor's scale factor {scale} is not usable")));
    }
    let values = [css.x, css.y, css.width, css.height];
    if values.iter().any(|v| !v.is_finite()) || css.width < 0.0 || css.height < 0.0 {
        return Err(Error::invalid("The selected area is not a rectangle"));
    }
    // Edges in pixels from the monitor's corner; f64 to i64 saturates, so huge values stay huge.
    let edge = |v: f64| (v * scale).round() as i64;
    let (left, top) = (edge(css.x), edge(css.y));
    let (right, bottom) = (edge(css.x + css.width), edge(css.y + css.height));
    let clip = |v: i64, max: u32| v.clamp(0, i64::from(max));
    let (l, r) = (clip(left, screen.width), clip(right, screen.width));
    let (t, b) = (clip(top, screen.height), clip(bottom, screen.height));
    if r <= l || b <= t {
        return Err(Error::invalid("The selected area is empty or outside the monitor"));
    }
    let at = |origin: i32, offset: i64| {
        i32::try_from(i64::from(origin) + offset)
            .map_err(|_| Error::invalid("The selected area is outside the screen"))
    };
    Ok(PixelRect {
        x: at(screen.x, l)?,
        y: at(screen.y, t)?,
        // Both fit: they are at most the monitor's own size.
        width: u32::try_from(r - l).unwrap_or(screen.width),
        height: u32::try_from(b - t).unwrap_or(screen.height),
    })
}

/// One monitor as it was frozen.
#[derive(Debug, Clone)]
pub struct FrozenScreen {
    /// The monitor's name (`monitor-N` when the X server gives none).
    pub name: String,
    /// Where it sits in the virtual screen, in physical pixels (its image's size).
    pub rect: PixelRect,
    /// Whether it is the primary monitor.
    pub primary: bool,
    /// Its pixels at the instant of the freeze.
    pub image: RgbaImage,
}

/// Every monitor and the windows on them, taken at one instant.
#[derive(Debug, Clone, Default)]
pub struct Frozen {
    /// The monitors, in the X server's order.
    pub screens: Vec<FrozenScreen>,
    /// Top-level windows, topmost first (empty when the window manager lists none).
    pub windows: Vec<WindowInfo>,
}

/// Freezes every monitor (X11) and lists the windows on them. On other sessions it fails with a
/// message saying why, so the caller can fall back to another path.
pub fn freeze() -> Result<Frozen> {
    let screens = freeze_screens(None)?;
    Ok(Frozen { screens, windows: window::list_windows() })
}

/// Captures the monitors (only those meeting `within`, when given) with their physical geometry.
pub(crate) fn freeze_screens(within: Option<PixelRect>) -> Result<Vec<FrozenScreen>> {
    if session_kind() != SessionKind::X11 {
        return Err(Error::Config(
            "Selecting a region needs an X11 session for now; use your desktop's screenshot tool".into(),
        ));
    }
    let screen = super::x11::Screen::connect()?;
    let mut screens = Vec::new();
    for m in screen.monitors()? {
        if within.is_some_and(|w| w.intersect(&m.rect).is_none()) {
            continue;
        }
        let image = screen.grab(m.rect)?;
        screens.push(FrozenScreen { name: m.name, rect: m.rect, primary: m.primary, image });
    }
    if screens.is_empty() {
        return Err(Error::Config("The X server reports no monitor to capture".into()));
    }
    Ok(screens)
}

impl Frozen {
    /// The index of the monitor showing the pixel at `(x, y)`.
    pub fn screen_at(&self, x: i32, y: i32) -> Option<usize> {
        self.screens.iter().position(|s| s.rect.contains(x, y))
    }

    /// The window with this id, as listed at the freeze.
    pub fn window(&self, id: u32) -> Option<&WindowInfo> {
        self.windows.iter().find(|w| w.id == id)
    }

    /// One monitor's frozen picture as an uncompressed BMP, for the overlay to show at once:
    /// writing it is a copy (a PNG of a 4K screen takes a good part of a second to compress),
    /// and it is dropped as soon as the selection ends.
    pub fn screen_bmp(&self, index: usize) -> Result<Vec<u8>> {
        let s = self.screens.get(index).ok_or_else(|| Error::invalid(format!("No monitor #{index}")))?;
        let mut out = Vec::with_capacity(s.image.as_raw().len() + 256);
        image::codecs::bmp::BmpEncoder::new(&mut out)
            .encode(s.image.as_raw(), s.image.width(), s.image.height(), image::ExtendedColorType::Rgba8)
            .map_err(|e| Error::Image(format!("Cannot prepare the frozen screen for the overlay: {e}")))?;
        Ok(out)
    }

    /// Cuts `rect` out of the frozen monitors. The part outside every monitor is cut away; what
    /// falls between monitors of different sizes stays transparent. Fails when nothing is left.
    pub fn crop(&self, rect: PixelRect) -> Result<Capture> {
        let covered =
            self.screens.iter().filter_map(|s| s.rect.intersect(&rect)).reduce(|a, b| bounds(&a, &b));
        let area = covered.ok_or_else(|| Error::invalid("The selected area is not on any monitor"))?;
        let mut out = RgbaImage::new(area.width, area.height);
        for s in &self.screens {
            let Some(part) = s.rect.intersect(&area) else { continue };
            // Offsets are non-negative and within the images: `part` lies inside both rectangles.
            let (sx, sy) = ((part.x - s.rect.x) as u32, (part.y - s.rect.y) as u32);
            let view = image::imageops::crop_imm(&s.image, sx, sy, part.width, part.height);
            let (dx, dy) = (i64::from(part.x - area.x), i64::from(part.y - area.y));
            image::imageops::replace(&mut out, &*view, dx, dy);
        }
        let monitor = match self.screen_at(area.x, area.y) {
            Some(i) if self.screens[i].rect.intersect(&area) == Some(area) => self.screens[i].name.clone(),
            _ => "region".into(),
        };
        Ok(Capture { image: out, monitor, x: area.x, y: area.y })
    }
}

/// The smallest rectangle covering both.
fn bounds(a: &PixelRect, b: &PixelRect) -> PixelRect {
    let x = a.x.min(b.x);
    let y = a.y.min(b.y);
    let r = a.right().max(b.right());
    let bt = a.bottom().max(b.bottom());
    PixelRect {
        x,
        y,
        width: u32::try_from(r - i64::from(x)).unwrap_or(u32::MAX),
        height: u32::try_from(bt - i64::from(y)).unwrap_or(u32::MAX),
    }
}

/// Captures the window the window manager calls active, as it shows on screen (what covers it
/// included), cut to the monitors it is on.
pub fn capture_active_window() -> Result<Capture> {
    let win = window::active_window()?;
    let screens = freeze_screens(Some(win.rect))?;
    let mut cap = Frozen { screens, windows: Vec::new() }.crop(win.rect)?;
    cap.monitor = "window".into();
    Ok(cap)
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Rgba;

    fn rect(x: i32, y: i32, width: u32, height: u32) -> PixelRect {
        PixelRect { x, y, width, height }
    }

    fn css(x: f64, y: f64, width: f64, height: f64) -> CssRect {
        CssRect { x, y, width, height }
    }

    /// A screen whose pixel (x, y) holds (x, y, index) so a crop shows where it came from.
    fn screen(index: u8, r: PixelRect) -> FrozenScreen {
        let image = RgbaImage::from_fn(r.width, r.height, |x, y| Rgba([x as u8, y as u8, index, 255]));
        FrozenScreen { name: format!("M{index}"), rect: r, primary: index == 0, image }
    }

    #[test]
    fn scale_one_is_the_identity_from_the_monitor_origin() {
        let mon = rect(1920, 0, 1280, 1024);
        let r = css_to_physical(mon, 1.0, css(100.0, 50.0, 300.0, 200.0)).expect("converts");
        assert_eq!(r, rect(2020, 50, 300, 200));
    }

    #[test]
    fn fractional_scales_round_edges_not_sizes() {
        let mon = rect(0, 0, 2880, 1800);
        // 1.5: CSS 10.4..20.4 covers pixels 15.6..30.6, i.e. edges 16 and 31.
        let r = css_to_physical(mon, 1.5, css(10.4, 0.0, 10.0, 1.0)).expect("converts");
        assert_eq!((r.x, r.width), (16, 15));
        // Two selections sharing a CSS edge share the pixel edge: no gap, no overlap.
        let a = css_to_physical(mon, 1.25, css(0.0, 0.0, 33.3, 10.0)).expect("a");
        let b = css_to_physical(mon, 1.25, css(33.3, 0.0, 20.0, 10.0)).expect("b");
        assert_eq!(i64::from(b.x), a.right());
        // 2: half CSS pixels are whole pixels.
        let r = css_to_physical(rect(-3840, 0, 3840, 2160), 2.0, css(0.5, 1.5, 100.0, 50.0)).expect("2x");
        assert_eq!(r, rect(-3839, 3, 200, 100));
    }

    #[test]
    fn selections_are_clipped_to_the_monitor() {
        let mon = rect(0, 0, 1920, 1080);
        let r = css_to_physical(mon, 1.0, css(-20.0, 1000.0, 100.0, 500.0)).expect("partly inside");
        assert_eq!(r, rect(0, 1000, 80, 80));
        for bad in [css(2000.0, 0.0, 10.0, 10.0), css(5.0, 5.0, 0.0, 10.0), css(f64::NAN, 0.0, 1.0, 1.0)] {
            let e = css_to_physical(mon, 1.0, bad).expect_err("refused");
            assert_eq!(e.kind(), crate::ErrorKind::InvalidInput, "{bad:?}");
        }
        assert!(css_to_physical(mon, 0.0, css(0.0, 0.0, 1.0, 1.0)).is_err());
        assert!(css_to_physical(mon, f64::INFINITY, css(0.0, 0.0, 1.0, 1.0)).is_err());
    }

    #[test]
    fn rect_intersection_and_containment() {
        let a = rect(-10, -10, 20, 20);
        assert!(a.contains(-10, 9) && !a.contains(10, 0));
        assert_eq!(a.intersect(&rect(0, 0, 100, 100)), Some(rect(0, 0, 10, 10)));
        assert_eq!(a.intersect(&rect(10, 0, 5, 5)), None, "touching edges share no pixel");
        assert!(rect(0, 0, 0, 5).is_empty());
    }

    #[test]
    fn crops_come_from_the_right_monitor_and_place() {
        let frozen = Frozen {
            screens: vec![screen(0, rect(0, 0, 200, 100)), screen(1, rect(200, 0, 120, 150))],
            windows: Vec::new(),
        };
        let c = frozen.crop(rect(230, 40, 50, 60)).expect("crop");
        assert_eq!((c.image.width(), c.image.height(), c.x, c.y), (50, 60, 230, 40));
        assert_eq!(c.image.get_pixel(0, 0).0, [30, 40, 1, 255]);
        assert_eq!(c.image.get_pixel(49, 59).0, [79, 99, 1, 255]);
        assert_eq!(c.monitor, "M1");
        assert_eq!(frozen.screen_at(250, 120), Some(1));
        assert_eq!(frozen.screen_at(250, 160), None);
    }

    #[test]
    fn crops_across_monitors_are_stitched_and_clipped() {
        let frozen = Frozen {
            screens: vec![screen(0, rect(0, 0, 200, 100)), screen(1, rect(200, 0, 120, 150))],
            windows: Vec::new(),
        };
        // From x 190 to 210 over both monitors, y 90 to 130: monitor 0 ends at y 100.
        let c = frozen.crop(rect(190, 90, 20, 40)).expect("crop");
        assert_eq!((c.image.width(), c.image.height()), (20, 40));
        assert_eq!(c.image.get_pixel(0, 0).0, [190, 90, 0, 255]);
        assert_eq!(c.image.get_pixel(10, 0).0, [0, 90, 1, 255]);
        assert_eq!(c.image.get_pixel(0, 20).0, [0, 0, 0, 0], "below monitor 0: transparent");
        assert_eq!(c.image.get_pixel(10, 39).0, [0, 129, 1, 255]);
        assert_eq!(c.monitor, "region");
        // A window hanging off the left edge is cut to what is on screen.
        let c = frozen.crop(rect(-50, 10, 80, 20)).expect("clipped");
        assert_eq!((c.x, c.image.width()), (0, 30));
        let e = frozen.crop(rect(400, 400, 10, 10)).expect_err("off screen");
        assert_eq!(e.kind(), crate::ErrorKind::InvalidInput);
    }

    #[test]
    fn frozen_screens_encode_losslessly() {
        let frozen = Frozen { screens: vec![screen(0, rect(0, 0, 64, 32))], windows: Vec::new() };
        let bmp = frozen.screen_bmp(0).expect("bmp");
        let back = image::load_from_memory(&bmp).expect("decodes").to_rgba8();
        assert_eq!(back, frozen.screens[0].image);
        assert!(frozen.screen_bmp(1).is_err());
    }
}
