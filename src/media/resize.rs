//! Making the file to upload: resizing to a width (EXIF orientation applied, aspect kept, never
//! enlarged, same format) and removing metadata, always into the work folder. The source file is
//! never modified; when nothing needs doing, the source itself is returned.

use crate::error::{Error, Result};
use crate::fsutil;
use crate::media::codec;
use crate::media::metadata::{exif_orientation, strip_if_needed};
use crate::media::probe::probe_sniffed;
use crate::media::shrink;
use crate::media::sniff::Sniffed;
use fast_image_resize::{self as fr, IntoImageView, ResizeAlg, ResizeOptions, Resizer};
use image::metadata::Orientation;
use image::DynamicImage;
use std::path::{Path, PathBuf};

/// What to do to a file before upload. Stored with a queued job so a resumed upload prepares the
/// file the same way.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct PrepareOptions {
    /// Largest width (as displayed, after EXIF orientation) to upload; `None` keeps the size.
    pub resize_width: Option<u32>,
    /// JPEG quality (1..=100) for re-encoded JPEGs.
    pub jpeg_quality: u8,
    /// Remove EXIF (GPS included), XMP and text metadata.
    pub strip_metadata: bool,
}

impl Default for PrepareOptions {
    /// No resize, quality 85, metadata kept.
    fn default() -> Self {
        PrepareOptions { resize_width: None, jpeg_quality: 85, strip_metadata: false }
    }
}

/// The file to upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prepared {
    /// The source itself when `rewritten` is false, otherwise a new file inside the work folder.
    pub path: PathBuf,
    /// Whether a new file was written.
    pub rewritten: bool,
    /// Pixel width of `path` as stored (`None` for video).
    pub width: Option<u32>,
    /// Pixel height of `path` as stored (`None` for video).
    pub height: Option<u32>,
    /// Type of `path` (a resized BMP becomes PNG).
    pub sniffed: Sniffed,
    /// What was done or skipped, and why, for the person uploading.
    pub notes: Vec<String>,
}

/// Makes the file to upload. Never modifies `src`.
///
/// When nothing needs doing (no resize asked, or the image is already no wider than the width —
/// images are never enlarged —, or it is animated, video or AVIF, which pass through untouched
/// with a note), returns `src` itself with `rewritten == false`. Otherwise writes a new file
/// inside `work_dir` in the source's format (JPEG at `jpeg_quality`, PNG, lossless WebP; BMP
/// becomes PNG), named `<stem>.<width>w.<ext>` or `<stem>.clean.<ext>`, and returns it.
pub fn prepare(src: &Path, opts: &PrepareOptions, work_dir: &Path) -> Result<Prepared> {
    if opts.resize_width == Some(0) {
        return Err(Error::invalid("The resize width must be at least 1 pixel"));
    }
    let (sniffed, info) = probe_sniffed(src)?;
    let mut out = Prepared {
        path: src.to_path_buf(),
        rewritten: false,
        width: info.map(|i| i.width),
        height: info.map(|i| i.height),
        sniffed,
        notes: Vec::new(),
    };
    let asked = opts.resize_width.is_some() || opts.strip_metadata;
    let Some(info) = info else {
        if asked {
            out.notes.push("Video is uploaded as it is (no resizing or metadata removal for video)".into());
        }
        return Ok(out);
    };
    if sniffed.ext == "avif" {
        if asked {
            out.notes.push("AVIF is uploaded as it is: it cannot be resized or cleaned here".into());
        }
        return Ok(out);
    }
    if info.animated {
        if opts.resize_width.is_some() {
            out.notes.push(format!(
                "Animated {} is uploaded at its size: resizing would lose the animation",
                sniffed.ext.to_uppercase()
            ));
        }
        // Chunk filtering keeps every frame, so an APNG or animated WebP can still be cleaned.
        if opts.strip_metadata {
            strip_into(src, sniffed, work_dir, &mut out)?;
        }
        return Ok(out);
    }

    let orientation = match sniffed.ext {
        "jpg" | "png" | "webp" => exif_orientation(src)
            .and_then(|o| u8::try_from(o).ok())
            .and_then(Orientation::from_exif)
            .unwrap_or(Orientation::NoTransforms),
        _ => Orientation::NoTransforms,
    };
    let turned = swaps_axes(orientation);
    // The width asked for is the width people see, i.e. after orientation.
    let (shown_w, shown_h) = if turned { (info.height, info.width) } else { (info.width, info.height) };
    match opts.resize_width {
        Some(target) if shown_w > target => {
            let height = scaled_height(shown_w, shown_h, target);
            let (w, h) = if turned { (height, target) } else { (target, height) };
            return resize_into(src, sniffed, orientation, (w, h), opts, work_dir);
        }
        Some(target) => {
            out.notes.push(format!("Already {shown_w} px wide (not more than {target}); not enlarged"))
        }
        None => {}
    }
    if opts.strip_metadata {
        let rotated = orientation != Orientation::NoTransforms;
        strip_into(src, sniffed, work_dir, &mut out)?;
        if out.rewritten && rotated {
            // Stripping turned the pixels upright.
            (out.width, out.height) = (Some(shown_w), Some(shown_h));
        }
    }
    Ok(out)
}

/// Strips metadata into `out`, or notes why the file is uploaded as it is.
fn strip_into(src: &Path, sniffed: Sniffed, work_dir: &Path, out: &mut Prepared) -> Result<()> {
    match sniffed.ext {
        "jpg" | "png" | "webp" => {
            if let Some(path) = strip_if_needed(src, sniffed, work_dir)? {
                out.path = path;
                out.rewritten = true;
                out.notes.push("Metadata (EXIF, GPS, XMP, text) removed".into());
            }
        }
        "bmp" => {} // BMP has nowhere to keep metadata.
        _ => out.notes.push(format!(
            "Metadata is not removed from {} files; it is uploaded as it is",
            sniffed.ext.to_uppercase()
        )),
    }
    Ok(())
}

/// Decodes, resizes to the stored size `(w, h)`, turns upright, encodes into `work_dir`.
fn resize_into(
    src: &Path,
    sniffed: Sniffed,
    orientation: Orientation,
    (w, h): (u32, u32),
    opts: &PrepareOptions,
    work_dir: &Path,
) -> Result<Prepared> {
    let raw = std::fs::read(src).map_err(|e| Error::io("Cannot read", src, e))?;
    let codec::Decoded { img, icc } = shrink::decode_at_least(src, &raw, sniffed, (w, h))?;
    drop(raw);
    // Resizing before turning gives the same picture (the filter is symmetric) and turns a
    // small image instead of a 24 MP one.
    let mut img = resize_exact(img, w, h)?;
    img.apply_orientation(orientation);
    let (out_w, out_h) = (img.width(), img.height());
    let out_ext = if sniffed.ext == "bmp" { codec::PNG.ext } else { sniffed.ext };
    let name = codec::output_name(src, &format!("{out_w}w"), out_ext);
    let mut out_type = sniffed;
    let path = fsutil::create_unique(work_dir, &name, |wr| {
        out_type = codec::encode(wr, &img, icc.as_deref(), sniffed, opts.jpeg_quality)
            .map_err(|e| codec::encode_error(work_dir, &name, e))?;
        Ok(())
    })?;
    let mut notes = vec![format!("Resized to {out_w}x{out_h}")];
    if sniffed.ext == "bmp" {
        notes.push("BMP was converted to PNG".into());
    }
    if !opts.strip_metadata {
        notes.push("Metadata (EXIF, XMP) is not carried over to the resized copy".into());
    }
    Ok(Prepared { path, rewritten: true, width: Some(out_w), height: Some(out_h), sniffed: out_type, notes })
}

/// Resizes decoded pixels to `width` keeping the aspect ratio (height = round(h × width / w), at
/// least 1), with fast_image_resize's Lanczos3. Never enlarges: an image already no wider than
/// `width` is returned as it is. Used for captures too.
pub fn resize_to_width(img: DynamicImage, width: u32) -> Result<DynamicImage> {
    if width == 0 {
        return Err(Error::invalid("The resize width must be at least 1 pixel"));
    }
    if img.width() <= width {
        return Ok(img);
    }
    let height = scaled_height(img.width(), img.height(), width);
    resize_exact(img, width, height)
}

/// round(h × target / w), at least 1; computed in u64 so large sizes cannot overflow.
fn scaled_height(w: u32, h: u32, target: u32) -> u32 {
    let w64 = u64::from(w.max(1));
    let v = (u64::from(h) * u64::from(target) + w64 / 2) / w64;
    u32::try_from(v).unwrap_or(u32::MAX).max(1)
}

/// Orientations 5..=8 turn the picture by a quarter: width and height swap.
fn swaps_axes(o: Orientation) -> bool {
    matches!(
        o,
        Orientation::Rotate90
            | Orientation::Rotate270
            | Orientation::Rotate90FlipH
            | Orientation::Rotate270FlipH
    )
}

/// Resizes to exactly `w`×`h` with fast_image_resize (SIMD, alpha-aware), keeping the pixel type.
pub(crate) fn resize_exact(img: DynamicImage, w: u32, h: u32) -> Result<DynamicImage> {
    if (img.width(), img.height()) == (w, h) {
        return Ok(img);
    }
    // fast_image_resize handles every 8/16-bit and f32 layout; anything else goes through RGBA8.
    let src = match IntoImageView::pixel_type(&img) {
        Some(_) => img,
        None => DynamicImage::ImageRgba8(img.to_rgba8()),
    };
    let mut dst = DynamicImage::new(w, h, src.color());
    let options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(fr::FilterType::Lanczos3));
    Resizer::new()
        .resize(&src, &mut dst, &options)
        .map_err(|e| Error::Image(format!("Cannot resize the image to {w}x{h}: {e}")))?;
    Ok(dst)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn height_keeps_ratio_and_is_never_zero() {
        assert_eq!(scaled_height(2000, 1000, 500), 250);
        assert_eq!(scaled_height(3, 2, 2), 1); // 1.33 rounds to 1
        assert_eq!(scaled_height(3, 2, 1), 1); // 0.67 rounds to 1
        assert_eq!(scaled_height(10000, 1, 10), 1); // 0.001 still gives 1
        assert_eq!(scaled_height(u32::MAX, u32::MAX, u32::MAX), u32::MAX);
    }

    #[test]
    fn resize_to_width_never_enlarges() {
        let img = DynamicImage::new_rgb8(300, 200);
        let same = resize_to_width(img, 1280).expect("no-op");
        assert_eq!((same.width(), same.height()), (300, 200));
        let small = resize_to_width(same, 150).expect("resize");
        assert_eq!((small.width(), small.height()), (150, 100));
        assert!(matches!(resize_to_width(small, 0), Err(Error::InvalidInput(_))));
    }

    #[test]
    fn resize_keeps_pixel_type_and_content() {
        // A flat colour must stay that colour through the filter, alpha included.
        let img =
            DynamicImage::ImageRgba8(image::RgbaImage::from_pixel(64, 32, image::Rgba([10, 200, 30, 128])));
        let out = resize_to_width(img, 16).expect("resize");
        assert_eq!(out.color(), image::ColorType::Rgba8);
        let px = out.to_rgba8().get_pixel(8, 4).0;
        assert!(px.iter().zip([10u8, 200, 30, 128]).all(|(a, b)| a.abs_diff(b) <= 2), "{px:?}");
    }
}
