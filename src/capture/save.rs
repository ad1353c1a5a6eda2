//! Saving a capture as PNG before it is uploaded, so a failed upload loses nothing: a fast
//! encoder (the capture is on the hot path between the hotkey and the link on the clipboard),
//! a `Screenshot_YYYY-MM-DD_HH-MM-SS.png` name in local time, and an atomic write that never
//! replaces an existing file.

use super::Capture;
use crate::error::{Error, Result};
use crate::fsutil;
use image::codecs::png::{CompressionType, FilterType, PngEncoder};
use image::{ExtendedColorType, ImageEncoder};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Encodes the capture as PNG into `dir` (created if missing) and returns the new file's path.
/// The file appears complete or not at all, and an existing file is never overwritten.
pub fn save_png(cap: &Capture, dir: &Path) -> Result<PathBuf> {
    save_png_at(cap, dir, &crate::fsutil::local_stamp())
}

/// [`save_png`] with the time stamp given: `Screenshot_<stamp>.png`, or `-2`, `-3`... when taken
/// (captures landing in the same second).
fn save_png_at(cap: &Capture, dir: &Path, stamp: &str) -> Result<PathBuf> {
    fsutil::create_unique(dir, &format!("Screenshot_{stamp}.png"), |w| {
        encode_png(&cap.image, w, FilterType::Adaptive)
    })
}

/// Encodes RGBA pixels as PNG with the fast compression level. Opaque pixels (every screen
/// capture) are written as RGB: a quarter less data to filter and compress, and a file ~14 %
/// smaller (2.26 MB instead of 2.64 MB for a 1920x1080 photo on screen; scrot's is 2.39 MB).
pub(crate) fn encode_png(img: &image::RgbaImage, out: &mut impl Write, filter: FilterType) -> Result<()> {
    let (w, h) = img.dimensions();
    let enc = PngEncoder::new_with_quality(out, CompressionType::Fast, filter);
    match opaque_rgb(img.as_raw()) {
        Some(rgb) => enc.write_image(&rgb, w, h, ExtendedColorType::Rgb8),
        None => enc.write_image(img.as_raw(), w, h, ExtendedColorType::Rgba8),
    }
    .map_err(|e| Error::Image(format!("Cannot encode the capture as PNG: {e}")))
}

/// The RGB bytes of RGBA pixels that are all fully opaque, or `None` if any is not.
fn opaque_rgb(rgba: &[u8]) -> Option<Vec<u8>> {
    let mut rgb = Vec::with_capacity(rgba.len() / 4 * 3);
    for px in rgba.chunks_exact(4) {
        if px[3] != u8::MAX {
            return None;
        }
        rgb.extend_from_slice(&px[..3]);
    }
    Some(rgb)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opaque_captures_are_rgb_and_transparency_is_kept() {
        let mut img = image::RgbaImage::from_pixel(3, 2, image::Rgba([10, 20, 30, 255]));
        let decoded = |img: &image::RgbaImage| {
            let mut png = Vec::new();
            encode_png(img, &mut png, FilterType::Adaptive).expect("encodes");
            image::load_from_memory(&png).expect("decodes")
        };
        let d = decoded(&img);
        assert_eq!(d.color(), image::ColorType::Rgb8);
        assert_eq!(d.to_rgba8(), img);
        img.put_pixel(2, 1, image::Rgba([1, 2, 3, 128]));
        let d = decoded(&img);
        assert_eq!(d.color(), image::ColorType::Rgba8);
        assert_eq!(d.to_rgba8(), img);
    }

    #[test]
    fn stamp_has_the_documented_shape() {
        let s = crate::fsutil::local_stamp();
        assert_eq!(s.len(), 19, "{s}");
        assert_eq!(&s[4..5], "-");
        assert_eq!(&s[10..11], "_");
        assert!(s.chars().all(|c| c.is_ascii_digit() || c == '-' || c == '_'), "{s}");
    }

    #[test]
    fn names_never_collide() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cap = Capture { image: image::RgbaImage::new(4, 3), monitor: "t".into(), x: 0, y: 0 };
        let out = dir.path().join("new");
        let mut names = Vec::new();
        for _ in 0..3 {
            names.push(save_png_at(&cap, &out, "2024-01-02_03-04-05").expect("save"));
        }
        let want: Vec<PathBuf> = ["", "-2", "-3"]
            .iter()
            .map(|s| out.join(format!("Screenshot_2024-01-02_03-04-05{s}.png")))
            .collect();
        assert_eq!(names, want);
        for p in &names {
            let img = image::open(p).expect("decodes");
            assert_eq!((img.width(), img.height()), (4, 3));
        }
        let p = save_png(&cap, &out).expect("save");
        let name = p.file_name().and_then(|n| n.to_str()).expect("name");
        assert!(name.starts_with("Screenshot_") && name.ends_with(".png"), "{name}");
        let leftovers = std::fs::read_dir(&out).expect("dir").count();
        assert_eq!(leftovers, 4, "no temp file left behind");
    }
}
