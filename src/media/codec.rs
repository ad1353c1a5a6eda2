//! Decoding and encoding shared by resizing and metadata stripping: decodes under
//! [`image::Limits`], maps image's errors to ones a person can act on, encodes back to the source's
//! format, and names the outputs (written by [`crate::fsutil::create_unique`]).

use crate::error::{Error, Result};
use crate::media::probe::{check_bomb, MAX_PIXELS};
use crate::media::sniff::{MediaKind, Sniffed};
use image::codecs::gif::GifEncoder;
use image::codecs::png::{CompressionType, FilterType, PngEncoder};
use image::codecs::webp::WebPEncoder;
use image::{DynamicImage, ImageDecoder, ImageEncoder, ImageError, ImageFormat, ImageReader, Limits};
use std::io::{Cursor, Write};
use std::path::Path;

/// Decoder memory ceiling: [`MAX_PIXELS`] as RGBA8 plus headroom for the decoders' own buffers.
const MAX_ALLOC: u64 = MAX_PIXELS * 4 + 64 * 1024 * 1024;
/// Widest or tallest side any decoder may declare.
const MAX_SIDE: u32 = 200_000;

/// The PNG type, for outputs converted from BMP.
pub(crate) const PNG: Sniffed = Sniffed { mime: "image/png", ext: "png", kind: MediaKind::Image };

/// Decoded pixels and the colour profile to carry over (it is not personal metadata, and
/// dropping it would shift the colours of wide-gamut phone photos).
pub(crate) struct Decoded {
    /// The pixels, as stored (no orientation applied).
    pub img: DynamicImage,
    /// The embedded ICC profile, if any.
    pub icc: Option<Vec<u8>>,
}

/// Limits applied to every decode, on top of the header check done by probe.
pub(crate) fn limits() -> Limits {
    let mut l = Limits::default();
    l.max_image_width = Some(MAX_SIDE);
    l.max_image_height = Some(MAX_SIDE);
    l.max_alloc = Some(MAX_ALLOC);
    l
}

/// image's format for a sniffed type we can decode.
fn format_of(path: &Path, sniffed: Sniffed) -> Result<ImageFormat> {
    Ok(match sniffed.ext {
        "jpg" => ImageFormat::Jpeg,
        "png" => ImageFormat::Png,
        "gif" => ImageFormat::Gif,
        "webp" => ImageFormat::WebP,
        "bmp" => ImageFormat::Bmp,
        other => {
            return Err(Error::Image(format!(
                "{}: .{other} files cannot be decoded here; they are uploaded as they are",
                path.display()
            )))
        }
    })
}

/// Decodes `bytes` (the content of `path`) under [`limits`].
pub(crate) fn decode(path: &Path, bytes: &[u8], sniffed: Sniffed) -> Result<Decoded> {
    let format = format_of(path, sniffed)?;
    if format == ImageFormat::Jpeg {
        jpeg_complete(path, bytes)?;
    }
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(limits());
    let mut decoder = reader.into_decoder().map_err(|e| decode_error(path, e))?;
    let (w, h) = decoder.dimensions();
    check_bomb(path, w, h)?;
    if decoder.total_bytes() > MAX_ALLOC {
        return Err(decode_error(path, too_big()));
    }
    let icc = decoder.icc_profile().ok().flatten();
    let img = DynamicImage::from_decoder(decoder).map_err(|e| decode_error(path, e))?;
    Ok(Decoded { img, icc })
}

fn too_big() -> ImageError {
    ImageError::Limits(image::error::LimitError::from_kind(image::error::LimitErrorKind::InsufficientMemory))
}

/// zune-jpeg decodes leniently and fills missing data with grey, so a cut-off upload would be
/// silently resized into half a picture. Require the end-of-image marker after the first scan.
pub(crate) fn jpeg_complete(path: &Path, bytes: &[u8]) -> Result<()> {
    // Fast path: almost every JPEG ends with FFD9, possibly followed by padding zeros.
    let trimmed = bytes.iter().rposition(|&b| b != 0).map_or(&bytes[..0], |i| &bytes[..=i]);
    if trimmed.ends_with(&[0xFF, 0xD9]) {
        return Ok(());
    }
    // Otherwise data may follow the image (motion photos append a video): scan the entropy-coded
    // data, where FF is always followed by 00 or a marker, for EOI.
    let found = first_scan(bytes).is_some_and(|at| bytes[at..].windows(2).any(|w| w == [0xFF, 0xD9]));
    if found {
        Ok(())
    } else {
        Err(Error::Image(format!(
            "The image is damaged or incomplete: {} (the JPEG data stops before its end marker)",
            path.display()
        )))
    }
}

/// Offset of the first SOS marker, found by walking the segments by their lengths (a plain byte
/// search could land in the EXIF thumbnail, a whole JPEG with its own end marker).
fn first_scan(bytes: &[u8]) -> Option<usize> {
    let mut i = 2;
    loop {
        while *bytes.get(i)? == 0xFF && *bytes.get(i + 1)? == 0xFF {
            i += 1; // fill bytes
        }
        if *bytes.get(i)? != 0xFF {
            return None;
        }
        match *bytes.get(i + 1)? {
            0xDA => return Some(i),
            // Markers without a length.
            0x01 | 0xD0..=0xD8 => i += 2,
            _ => i += 2 + usize::from(u16::from_be_bytes([*bytes.get(i + 2)?, *bytes.get(i + 3)?])),
        }
    }
}

/// Maps a decode failure to [`Error::Image`] (damaged, too large, unsupported) or [`Error::Io`].
pub(crate) fn decode_error(path: &Path, e: ImageError) -> Error {
    let p = path.display();
    match e {
        ImageError::Decoding(d) => Error::Image(format!("The image is damaged or incomplete: {p}: {d}")),
        ImageError::IoError(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => {
            Error::Image(format!("The image is damaged or incomplete: {p}: the file ends too early"))
        }
        ImageError::IoError(io) => Error::io("Cannot read", path, io),
        ImageError::Limits(l) => Error::Image(format!(
            "{p} is too large to process safely ({l}); upload it without resizing or make it smaller first"
        )),
        ImageError::Unsupported(u) => {
            Error::Image(format!("{p} uses a feature that cannot be processed: {u}"))
        }
        other => Error::Image(format!("The image is damaged or incomplete: {p}: {other}")),
    }
}

/// Encodes `img` in the format of `sniffed` (BMP becomes PNG) and returns the output's type.
/// No EXIF or text metadata is written; the ICC profile is kept where the format allows it.
pub(crate) fn encode(
    out: &mut impl Write,
    img: &DynamicImage,
    icc: Option<&[u8]>,
    sniffed: Sniffed,
    jpeg_quality: u8,
) -> std::result::Result<Sniffed, ImageError> {
    // Encoders whose profile support is missing answer Err; losing the profile is acceptable.
    fn with_icc<E: ImageEncoder>(mut enc: E, icc: Option<&[u8]>) -> E {
        if let Some(p) = icc {
            let _ = enc.set_icc_profile(p.to_vec());
        }
        enc
    }
    let (w, h) = (img.width(), img.height());
    match sniffed.ext {
        "jpg" => {
            // JPEG has no alpha and no 16 bit: keep the work in RGB8 (or L8 for grey photos).
            let converted;
            let img = match img {
                DynamicImage::ImageRgb8(_) | DynamicImage::ImageLuma8(_) => img,
                _ => {
                    converted = DynamicImage::ImageRgb8(img.to_rgb8());
                    &converted
                }
            };
            write_jpeg(out, img, jpeg_quality, icc)?;
            Ok(sniffed)
        }
        "webp" => {
            let converted = if img.color().has_alpha() {
                DynamicImage::ImageRgba8(img.to_rgba8())
            } else {
                DynamicImage::ImageRgb8(img.to_rgb8())
            };
            let enc = with_icc(WebPEncoder::new_lossless(out), icc);
            enc.write_image(converted.as_bytes(), w, h, converted.color().into())?;
            Ok(sniffed)
        }
        "gif" => {
            let rgba = img.to_rgba8();
            GifEncoder::new(out).encode(rgba.as_raw(), w, h, image::ExtendedColorType::Rgba8)?;
            Ok(sniffed)
        }
        _ => {
            // PNG, and BMP which becomes PNG: smaller, and it keeps every bit depth.
            let enc = PngEncoder::new_with_quality(out, CompressionType::Default, FilterType::Adaptive);
            let enc = with_icc(enc, icc);
            enc.write_image(img.as_bytes(), w, h, img.color().into())?;
            Ok(PNG)
        }
    }
}

/// Writes an RGB8 or L8 image (anything else is converted to RGB8) as baseline JPEG at
/// `quality` (1..=100), with the ICC profile if given. jpeg-encoder (SIMD) is 4-5× faster than
/// image's encoder here (2.5 ms instead of 12 ms for 500×333), which the resize path and the
/// local host's thumbnails both feel.
pub(crate) fn write_jpeg(
    out: &mut impl Write,
    img: &DynamicImage,
    quality: u8,
    icc: Option<&[u8]>,
) -> std::result::Result<(), ImageError> {
    let fail = |e: jpeg_encoder::EncodingError| match e {
        jpeg_encoder::EncodingError::IoError(io) => ImageError::IoError(io),
        other => ImageError::Encoding(image::error::EncodingError::new(ImageFormat::Jpeg.into(), other)),
    };
    let converted;
    let (img, color) = match img {
        DynamicImage::ImageLuma8(_) => (img, jpeg_encoder::ColorType::Luma),
        DynamicImage::ImageRgb8(_) => (img, jpeg_encoder::ColorType::Rgb),
        _ => {
            converted = DynamicImage::ImageRgb8(img.to_rgb8());
            (&converted, jpeg_encoder::ColorType::Rgb)
        }
    };
    let (Ok(w), Ok(h)) = (u16::try_from(img.width()), u16::try_from(img.height())) else {
        return Err(ImageError::Limits(image::error::LimitError::from_kind(
            image::error::LimitErrorKind::DimensionError,
        )));
    };
    let mut enc = jpeg_encoder::Encoder::new(out, quality.clamp(1, 100));
    if let Some(p) = icc {
        enc.add_icc_profile(p).map_err(fail)?;
    }
    enc.encode(img.as_bytes(), w, h, color).map_err(fail)
}

/// `<stem>.<tag>.<ext>` from the source's file name.
pub(crate) fn output_name(src: &Path, tag: &str, ext: &str) -> String {
    let stem = src.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "image".into());
    format!("{stem}.{tag}.{ext}")
}

/// Maps an encode failure while writing `name`.
pub(crate) fn encode_error(work_dir: &Path, name: &str, e: ImageError) -> Error {
    match e {
        ImageError::IoError(io) => Error::io("Cannot write", &work_dir.join(name), io),
        other => Error::Image(format!("Cannot write {name}: {other}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jpeg_end_marker_is_required() {
        let p = Path::new("a.jpg");
        assert!(jpeg_complete(p, &[0xFF, 0xD8, 0xFF, 0xDA, 1, 2, 0xFF, 0xD9]).is_ok());
        assert!(jpeg_complete(p, &[0xFF, 0xD8, 0xFF, 0xDA, 1, 2, 0xFF, 0xD9, 0, 0]).is_ok());
        // A motion photo: video data after the end marker.
        assert!(jpeg_complete(p, &[0xFF, 0xD8, 0xFF, 0xDA, 1, 0xFF, 0xD9, b'f', b't', b'y', b'p']).is_ok());
        assert!(matches!(jpeg_complete(p, &[0xFF, 0xD8, 0xFF, 0xDA, 1, 2, 3]), Err(Error::Image(_))));
        assert!(jpeg_complete(p, &[]).is_err());
        // A cut-off photo whose EXIF thumbnail (inside APP1) has its own SOS and EOI.
        let thumb = [0xFF, 0xD8, 0xFF, 0xE1, 0, 8, 0xFF, 0xDA, 0xFF, 0xD9, 0, 0, 0xFF, 0xDA, 1, 2];
        assert!(jpeg_complete(p, &thumb).is_err());
    }
}
