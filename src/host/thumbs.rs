//! Image work for stored uploads: a bounded header probe (dimensions, animation), the `width`
//! downscale, BMP to PNG, the `.th.jpeg` thumbnail and the `.md.<ext>` medium. Decoding always
//! runs with limits so a hostile header (30000×30000) can't make the host allocate gigabytes.

use crate::media::sniff::Sniffed;
use image::{DynamicImage, ImageFormat, ImageReader, Limits};
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

/// Largest width or height accepted.
const MAX_SIDE: u32 = 16_384;
/// Largest pixel count accepted (decoding needs ~4 bytes a pixel).
const MAX_PIXELS: u64 = 64_000_000;
/// Thumbnail box, as the real server's default.
pub(crate) const THUMB: u32 = 160;
/// Medium width; images narrower than this have no medium.
pub(crate) const MEDIUM: u32 = 500;

/// What the header says.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Probe {
    pub width: u32,
    pub height: u32,
    pub animated: bool,
    /// `None` for formats the host can't decode (AVIF): stored as sent, no thumbnails.
    pub format: Option<ImageFormat>,
}

/// The limits every decode runs with.
fn limits() -> Limits {
    let mut l = Limits::default();
    l.max_image_width = Some(MAX_SIDE);
    l.max_image_height = Some(MAX_SIDE);
    l.max_alloc = Some(MAX_PIXELS * 4 + (64 << 20));
    l
}

fn reader(path: &Path, format: ImageFormat) -> std::io::Result<ImageReader<BufReader<File>>> {
    let mut r = ImageReader::new(BufReader::new(File::open(path)?));
    r.set_format(format);
    r.limits(limits());
    Ok(r)
}

/// Reads dimensions and animation from the header. `None` when the file is not a readable image
/// of the sniffed type or is too large to handle.
pub(crate) fn probe(path: &Path, sniffed: &Sniffed) -> Option<Probe> {
    let format = match sniffed.ext {
        "jpg" => ImageFormat::Jpeg,
        "png" => ImageFormat::Png,
        "gif" => ImageFormat::Gif,
        "webp" => ImageFormat::WebP,
        "bmp" => ImageFormat::Bmp,
        "avif" => return Some(Probe { width: 0, height: 0, animated: false, format: None }),
        _ => return None,
    };
    let (width, height) = reader(path, format).ok()?.into_dimensions().ok()?;
    if width == 0 || height == 0 || u64::from(width) * u64::from(height) > MAX_PIXELS {
        return None;
    }
    let animated = match format {
        ImageFormat::Gif => gif_is_animated(path),
        ImageFormat::WebP => webp_is_animated(path),
        _ => false,
    };
    Some(Probe { width, height, animated, format: Some(format) })
}

/// A WebP is animated when its VP8X header has the animation flag.
fn webp_is_animated(path: &Path) -> bool {
    let mut head = [0u8; 21];
    let ok = File::open(path).and_then(|mut f| f.read_exact(&mut head)).is_ok();
    ok && &head[12..16] == b"VP8X" && head[20] & 0x02 != 0
}

/// A GIF is animated when it has a second frame.
fn gif_is_animated(path: &Path) -> bool {
    use image::AnimationDecoder;
    let Ok(f) = File::open(path) else { return false };
    match image::codecs::gif::GifDecoder::new(BufReader::new(f)) {
        Ok(d) => d.into_frames().take(2).filter(Result::is_ok).count() > 1,
        Err(_) => false,
    }
}

/// What was written for an image upload.
#[derive(Debug, Default)]
pub(crate) struct Written {
    pub width: u32,
    pub height: u32,
    pub size: u64,
    /// Whether the upload gets a `.th.jpeg` thumbnail (made on first request, `derive.rs`).
    pub thumb: bool,
    /// Whether it gets a `.md.<ext>` medium (wider than [`MEDIUM`] and not animated).
    pub medium: bool,
}

/// Moves (or re-encodes) the source into `main`. The thumbnail and the medium are not made here:
/// most are never looked at, and making them was two thirds of the host's CPU per upload.
///
/// `out_format` is the stored format (PNG for BMP). `width` is the requested downscale, already
/// checked to be no wider than the original. Errors are image errors (answered as 610) or I/O.
pub(crate) fn store_image(
    src: &Path,
    probe: &Probe,
    out_format: Option<ImageFormat>,
    width: Option<u32>,
    main: &Path,
) -> Result<Written, StoreError> {
    let mut written = Written { width: probe.width, height: probe.height, ..Written::default() };
    let (Some(in_format), Some(out_format)) = (probe.format, out_format) else {
        // Not decodable here: stored as sent, no derived files.
        move_file(src, main)?;
        written.size = size_of(main)?;
        return Ok(written);
    };
    let resize_to = width.filter(|w| *w < probe.width && !probe.animated);
    if resize_to.is_some() || in_format != out_format {
        let img = decode(src, in_format)?;
        let main_img = match resize_to {
            Some(w) => scale_to_width(&img, w)?,
            None => img,
        };
        save(&main_img, out_format, main)?;
        (written.width, written.height) = (main_img.width(), main_img.height());
    } else {
        move_file(src, main)?;
    }
    written.size = size_of(main)?;
    written.thumb = true;
    written.medium = written.width > MEDIUM && !probe.animated;
    Ok(written)
}

/// Decodes a stored image for its derived files: a JPEG at the smallest 1/2..1/8 scale still at
/// least the medium's width (or the image's, if narrower), anything else in full.
pub(super) fn decode_for_variants(src: &Path, probe: &Probe) -> Result<DynamicImage, StoreError> {
    let format = probe.format.ok_or_else(|| StoreError::Image("not a decodable format".into()))?;
    if format == ImageFormat::Jpeg {
        if let Some(img) = shrunk(src, probe)? {
            return Ok(img);
        }
    }
    decode(src, format)
}

/// Decodes a whole image (with the limits).
pub(super) fn decode(src: &Path, format: ImageFormat) -> Result<DynamicImage, StoreError> {
    reader(src, format)?.decode().map_err(|e| StoreError::Image(e.to_string()))
}

/// A JPEG decoded at a reduced scale no smaller than the medium (or the image, if narrower).
fn shrunk(src: &Path, probe: &Probe) -> Result<Option<DynamicImage>, StoreError> {
    let w = MEDIUM.min(probe.width);
    let h = ((u64::from(probe.height) * u64::from(w)).div_ceil(u64::from(probe.width.max(1)))).max(1);
    let h = u32::try_from(h).unwrap_or(u32::MAX);
    let bytes = std::fs::read(src)?;
    Ok(crate::media::shrink::shrunk_jpeg(src, &bytes, (w, h)).ok().flatten().map(|d| d.img))
}

/// Why storing failed.
#[derive(Debug)]
pub(crate) enum StoreError {
    /// The image could not be decoded or encoded.
    Image(String),
    /// The disk failed.
    Io(std::io::Error),
}

impl From<std::io::Error> for StoreError {
    fn from(e: std::io::Error) -> Self {
        StoreError::Io(e)
    }
}

/// Downscales to width `w` (aspect kept) with the uploader's SIMD Lanczos3 resizer.
pub(super) fn scale_to_width(img: &DynamicImage, w: u32) -> Result<DynamicImage, StoreError> {
    crate::media::resize_to_width(img.clone(), w).map_err(|e| StoreError::Image(e.to_string()))
}

/// Downscales to fit a `side`×`side` box (aspect kept, never enlarged) with the SIMD resizer:
/// image's `thumbnail` took ~11 % of the host's CPU in the batch benchmark.
pub(super) fn fit_box(img: &DynamicImage, side: u32) -> Result<DynamicImage, StoreError> {
    let (w, h) = (img.width(), img.height());
    if w <= side && h <= side {
        return Ok(img.clone());
    }
    // The longer side becomes `side`; the other is rounded, at least 1 (as image's thumbnail).
    let (long, short) = if w >= h { (w, h) } else { (h, w) };
    let scaled = (u64::from(short) * u64::from(side) + u64::from(long) / 2) / u64::from(long);
    let scaled = u32::try_from(scaled).unwrap_or(side).clamp(1, side);
    let (tw, th) = if w >= h { (side, scaled) } else { (scaled, side) };
    crate::media::resize::resize_exact(img.clone(), tw, th).map_err(|e| StoreError::Image(e.to_string()))
}

/// Quality of the JPEG thumbnails and mediums (image's default, as before).
const JPEG_QUALITY: u8 = 75;

pub(super) fn save(img: &DynamicImage, format: ImageFormat, path: &Path) -> Result<(), StoreError> {
    let mut out = std::io::BufWriter::new(File::create(path)?);
    let written = match format {
        // JPEG has no alpha channel: write_jpeg writes RGB.
        ImageFormat::Jpeg => crate::media::codec::write_jpeg(&mut out, img, JPEG_QUALITY, None),
        _ => img.write_to(&mut out, format),
    };
    written.map_err(|e| match e {
        image::ImageError::IoError(io) => StoreError::Io(io),
        other => StoreError::Image(other.to_string()),
    })?;
    std::io::Write::flush(&mut out)?;
    Ok(())
}

/// Moves a temp file into place; copies when a rename can't (another filesystem).
pub(crate) fn move_file(src: &Path, dst: &Path) -> std::io::Result<()> {
    if std::fs::rename(src, dst).is_err() {
        std::fs::copy(src, dst)?;
    }
    Ok(())
}

fn size_of(p: &Path) -> std::io::Result<u64> {
    Ok(std::fs::metadata(p)?.len())
}

/// The EXIF date taken (`DateTimeOriginal`) as unix seconds, for `use_file_date`.
pub(crate) fn exif_date(path: &Path) -> Option<i64> {
    let f = File::open(path).ok()?;
    let exif = exif::Reader::new().read_from_container(&mut BufReader::new(f)).ok()?;
    let field = exif.get_field(exif::Tag::DateTimeOriginal, exif::In::PRIMARY)?;
    let exif::Value::Ascii(ref v) = field.value else { return None };
    let dt = exif::DateTime::from_ascii(v.first()?).ok()?;
    let month = time::Month::try_from(dt.month).ok()?;
    let date = time::Date::from_calendar_date(i32::from(dt.year), month, dt.day).ok()?;
    let t = time::Time::from_hms(dt.hour, dt.minute, dt.second).ok()?;
    Some(time::PrimitiveDateTime::new(date, t).assume_utc().unix_timestamp())
}

impl From<image::ImageError> for StoreError {
    fn from(e: image::ImageError) -> Self {
        StoreError::Image(e.to_string())
    }
}
