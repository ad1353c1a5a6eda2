//! Wayland outputs (monitors) and cutting one of them, or a region, out of a whole-desktop
//! screenshot. The portal returns every output in one image laid out in logical (scaled)
//! coordinates, at one pixel density; xdg-output tells where each output sits, so a monitor is
//! that rectangle times the image's density, brought to the monitor's real resolution.

use super::{Capture, CaptureMode, Rect};
use crate::error::{Error, Result};
use image::RgbaImage;

/// One output as the compositor describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    /// Connector name (`HEADLESS-1`, `eDP-1`...), which grim's `-o` takes.
    pub name: String,
    /// Logical position and size (after scaling), as desktops and `--region` count.
    pub logical: (i32, i32, u32, u32),
    /// Real resolution in pixels (0x0 when the compositor did not say).
    pub physical: (u32, u32),
}

impl Output {
    fn rect(&self) -> Rect {
        let (x, y, w, h) = self.logical;
        Rect { x, y, w, h }
    }
}

/// The outputs of the Wayland session, in the compositor's order (what `--monitor N` counts).
pub fn wayland_outputs() -> Result<Vec<Output>> {
    let outputs = super::wayland_outputs::list()?;
    if outputs.is_empty() {
        return Err(Error::Config("The Wayland compositor reports no output".into()));
    }
    Ok(outputs)
}

/// Picks the output `mode` names: by index, by point (the first output when no output holds
/// it: Wayland tells clients nothing about the pointer), or `None` for all of them.
pub(crate) fn pick(outputs: &[Output], mode: CaptureMode) -> Result<Option<&Output>> {
    match mode {
        CaptureMode::AllMonitors => Ok(None),
        CaptureMode::Monitor(i) => outputs.get(i).map(Some).ok_or_else(|| {
            Error::invalid(format!(
                "There is no monitor #{i}: {} monitor(s) found, numbered from 0",
                outputs.len()
            ))
        }),
        CaptureMode::MonitorAt { x, y } => {
            Ok(outputs.iter().find(|o| o.rect().contains(x, y)).or_else(|| outputs.first()))
        }
    }
}

/// Cuts what `mode` asks for out of a whole-desktop screenshot.
pub(crate) fn select(full: RgbaImage, mode: CaptureMode) -> Result<Capture> {
    let outputs = match wayland_outputs() {
        Ok(o) => o,
        // Without the layout, the whole image is still right for "all" and for a lone monitor.
        Err(e) if matches!(mode, CaptureMode::AllMonitors | CaptureMode::Monitor(0)) => {
            tracing::info!("{e}; keeping the whole screenshot");
            return Ok(Capture { image: full, monitor: "all".into(), x: 0, y: 0 });
        }
        Err(e) => return Err(e),
    };
    select_in(full, &outputs, mode)
}

/// [`select`] with the outputs given (tests).
pub(crate) fn select_in(full: RgbaImage, outputs: &[Output], mode: CaptureMode) -> Result<Capture> {
    let rects: Vec<Rect> = outputs.iter().map(Output::rect).collect();
    let bbox = super::bounding_box(&rects).ok_or_else(|| Error::Config("No monitor to capture".into()))?;
    match pick(outputs, mode)? {
        None => Ok(Capture { image: full, monitor: "all".into(), x: bbox.x, y: bbox.y }),
        Some(o) if outputs.len() == 1 && o.physical == (full.width(), full.height()) => {
            Ok(Capture { image: full, monitor: o.name.clone(), x: o.logical.0, y: o.logical.1 })
        }
        Some(o) => {
            let mut image = crop_logical(&full, bbox, o.rect())?;
            let (pw, ph) = o.physical;
            // A monitor with a lower scale than the densest one was drawn larger: bring it back
            // to its real resolution, so the upload is what the monitor shows.
            if pw > 0 && ph > 0 && (pw, ph) != image.dimensions() {
                image = image::imageops::resize(&image, pw, ph, image::imageops::FilterType::Lanczos3);
            }
            Ok(Capture { image, monitor: o.name.clone(), x: o.logical.0, y: o.logical.1 })
        }
    }
}

/// Cuts `want` (logical coordinates) out of an image of `bbox` (logical coordinates) drawn at
/// any density; the density is the image's width over the layout's.
pub(super) fn crop_logical(full: &RgbaImage, bbox: Rect, want: Rect) -> Result<RgbaImage> {
    if bbox.w == 0 || bbox.h == 0 {
        return Err(Error::Image("The screen layout is empty".into()));
    }
    let fx = f64::from(full.width()) / f64::from(bbox.w);
    let fy = f64::from(full.height()) / f64::from(bbox.h);
    let scale = |v: i64, f: f64| (v as f64 * f).round() as i64;
    let x0 = scale(i64::from(want.x) - i64::from(bbox.x), fx).max(0);
    let y0 = scale(i64::from(want.y) - i64::from(bbox.y), fy).max(0);
    let x1 =
        scale(i64::from(want.x) + i64::from(want.w) - i64::from(bbox.x), fx).min(i64::from(full.width()));
    let y1 =
        scale(i64::from(want.y) + i64::from(want.h) - i64::from(bbox.y), fy).min(i64::from(full.height()));
    if x1 <= x0 || y1 <= y0 {
        return Err(Error::invalid(format!(
            "The area {}x{} at {},{} is outside the screens ({}x{} at {},{})",
            want.w, want.h, want.x, want.y, bbox.w, bbox.h, bbox.x, bbox.y
        )));
    }
    let (x0, y0, w, h) = (x0 as u32, y0 as u32, (x1 - x0) as u32, (y1 - y0) as u32);
    Ok(image::imageops::crop_imm(full, x0, y0, w, h).to_image())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn out(name: &str, logical: (i32, i32, u32, u32), physical: (u32, u32)) -> Output {
        Output { name: name.into(), logical, physical }
    }

    /// A 2x-density desktop: a 100x50 logical monitor at scale 2 (200x100 real) left of a
    /// 60x40 monitor at scale 1, drawn at density 2 (as grim and the wlr portal do).
    fn desktop() -> (RgbaImage, Vec<Output>) {
        let mut img = RgbaImage::from_pixel(320, 100, image::Rgba([0, 0, 0, 255]));
        for (x, y, p) in img.enumerate_pixels_mut() {
            if x >= 200 && y < 80 {
                *p = image::Rgba([0, 0, 255, 255]);
            } else if x < 200 {
                *p = image::Rgba([255, 0, 0, 255]);
            }
        }
        (img, vec![out("A", (0, 0, 100, 50), (200, 100)), out("B", (100, 0, 60, 40), (60, 40))])
    }

    #[test]
    fn a_monitor_comes_out_at_its_real_resolution() {
        let (img, outs) = desktop();
        let a = select_in(img.clone(), &outs, CaptureMode::Monitor(0)).expect("A");
        assert_eq!((a.image.dimensions(), a.monitor.as_str()), ((200, 100), "A"));
        assert!(a.image.pixels().all(|p| p.0 == [255, 0, 0, 255]));
        let b = select_in(img.clone(), &outs, CaptureMode::Monitor(1)).expect("B");
        assert_eq!(b.image.dimensions(), (60, 40), "scale-1 monitor back to its 60x40 pixels");
        assert!(b.image.pixels().all(|p| p.0 == [0, 0, 255, 255]));
        let at = select_in(img.clone(), &outs, CaptureMode::MonitorAt { x: 120, y: 10 }).expect("at");
        assert_eq!(at.monitor, "B");
        let all = select_in(img, &outs, CaptureMode::AllMonitors).expect("all");
        assert_eq!(all.image.dimensions(), (320, 100));
    }

    #[test]
    fn a_region_is_cut_at_the_image_density() {
        let (img, outs) = desktop();
        let bbox =
            super::super::bounding_box(&outs.iter().map(Output::rect).collect::<Vec<_>>()).expect("bbox");
        let r = crop_logical(&img, bbox, Rect { x: 90, y: 5, w: 20, h: 10 }).expect("crop");
        assert_eq!(r.dimensions(), (40, 20));
        assert_eq!(r.get_pixel(0, 0).0, [255, 0, 0, 255]);
        assert_eq!(r.get_pixel(39, 0).0, [0, 0, 255, 255]);
        assert!(crop_logical(&img, bbox, Rect { x: 500, y: 0, w: 10, h: 10 }).is_err());
        let e = select_in(img, &outs, CaptureMode::Monitor(5)).expect_err("no #5");
        assert!(e.to_string().contains("2 monitor(s)"), "{e}");
    }
}
