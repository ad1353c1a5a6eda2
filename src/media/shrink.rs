//! Shrink-on-load for JPEG: when a photo is resized to a fraction of its size, decode it at 1/2,
//! 1/4 or 1/8 of its size straight from the DCT coefficients (as libjpeg's `scale_denom` and
//! libvips' thumbnailer do), then resize that smaller image. A 24 MP photo resized to 1280 px is
//! decoded at 1500×1000: a quarter of the entropy work is left, an eighth of the IDCT, and a
//! sixteenth of the pixels to filter. Everything this path does not cover falls back to the full
//! decode in [`codec::decode`].

use crate::error::Result;
use crate::media::codec::{self, Decoded};
use crate::media::probe::check_bomb;
use crate::media::sniff::Sniffed;
use image::{DynamicImage, GrayImage, RgbImage};
use jpeg_decoder::{Decoder, PixelFormat};
use std::io::Cursor;
use std::path::Path;

/// Decodes `bytes` (the content of `path`) at the smallest size that is still at least `w`×`h`
/// (never smaller, so the final resize only ever shrinks and keeps its full quality).
///
/// JPEGs in 8-bit grey or YCbCr/RGB shrink on load; CMYK, 16-bit and files this decoder
/// refuses (arithmetic coding, damage) take the full decode, which also gives the error message.
pub(crate) fn decode_at_least(
    path: &Path,
    bytes: &[u8],
    sniffed: Sniffed,
    (w, h): (u32, u32),
) -> Result<Decoded> {
    if sniffed.ext == "jpg" {
        codec::jpeg_complete(path, bytes)?;
        if let Some(decoded) = shrunk_jpeg(path, bytes, (w, h))? {
            return Ok(decoded);
        }
    }
    codec::decode(path, bytes, sniffed)
}

/// The scaled decode of a JPEG, or `None` when it does not apply (no useful scale, or a format
/// or feature left to the full decoder). Used by the local host for its thumbnails too.
pub(crate) fn shrunk_jpeg(path: &Path, bytes: &[u8], (w, h): (u32, u32)) -> Result<Option<Decoded>> {
    let mut dec = Decoder::new(Cursor::new(bytes));
    let Ok(()) = dec.read_info() else { return Ok(None) };
    let Some(info) = dec.info() else { return Ok(None) };
    check_bomb(path, u32::from(info.width), u32::from(info.height))?;
    if !matches!(info.pixel_format, PixelFormat::L8 | PixelFormat::RGB24) {
        return Ok(None);
    }
    // At least halved on both sides, or the full decoder (faster at full size) does it.
    let (Ok(req_w), Ok(req_h)) = (u16::try_from(w), u16::try_from(h)) else { return Ok(None) };
    if u32::from(info.width) < 2 * w || u32::from(info.height) < 2 * h {
        return Ok(None);
    }
    // Picks the smallest of 1/1, 1/2, 1/4, 1/8 that is at least the requested size.
    let Ok((out_w, out_h)) = dec.scale(req_w, req_h) else { return Ok(None) };
    let Ok(pixels) = dec.decode() else { return Ok(None) };
    let (out_w, out_h) = (u32::from(out_w), u32::from(out_h));
    let img = match info.pixel_format {
        PixelFormat::L8 => GrayImage::from_raw(out_w, out_h, pixels).map(DynamicImage::ImageLuma8),
        _ => RgbImage::from_raw(out_w, out_h, pixels).map(DynamicImage::ImageRgb8),
    };
    // A buffer of the wrong length (never expected) leaves the work to the full decoder.
    Ok(img.map(|img| Decoded { img, icc: dec.icc_profile() }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::media::sniff::sniff_bytes;
    use image::codecs::jpeg::JpegEncoder;
    use image::ImageEncoder;

    /// A 640×480 JPEG of smooth gradients, as bytes.
    fn photo(grey: bool) -> Vec<u8> {
        let img = RgbImage::from_fn(640, 480, |x, y| {
            image::Rgb([(x / 3) as u8, (y / 2) as u8, ((x + y) / 5) as u8])
        });
        let mut out = Vec::new();
        let enc = JpegEncoder::new_with_quality(&mut out, 90);
        if grey {
            let g = DynamicImage::ImageRgb8(img).to_luma8();
            enc.write_image(&g, 640, 480, image::ExtendedColorType::L8).expect("encodes");
        } else {
            enc.write_image(&img, 640, 480, image::ExtendedColorType::Rgb8).expect("encodes");
        }
        out
    }

    #[test]
    fn shrinks_to_the_smallest_scale_not_below_the_target() {
        let bytes = photo(false);
        let s = sniff_bytes(&bytes).expect("sniffs");
        let p = Path::new("p.jpg");
        let d = decode_at_least(p, &bytes, s, (150, 113)).expect("decodes");
        assert_eq!((d.img.width(), d.img.height()), (160, 120));
        let d = decode_at_least(p, &bytes, s, (161, 121)).expect("decodes");
        assert_eq!((d.img.width(), d.img.height()), (320, 240));
        // Less than half: the full decode.
        let d = decode_at_least(p, &bytes, s, (400, 300)).expect("decodes");
        assert_eq!((d.img.width(), d.img.height()), (640, 480));
        // The pixels are the picture's: a scaled decode matches the full one, downscaled.
        let full = codec::decode(p, &bytes, s).expect("decodes").img.to_rgb8();
        let small = decode_at_least(p, &bytes, s, (80, 60)).expect("decodes").img.to_rgb8();
        assert_eq!(small.dimensions(), (80, 60));
        let (x, y) = (40, 30);
        let want = full.get_pixel(x * 8 + 4, y * 8 + 4);
        let got = small.get_pixel(x, y);
        for c in 0..3 {
            assert!(want[c].abs_diff(got[c]) <= 6, "{want:?} vs {got:?}");
        }
    }

    #[test]
    fn grey_stays_grey_and_damage_is_reported() {
        let bytes = photo(true);
        let s = sniff_bytes(&bytes).expect("sniffs");
        let d = decode_at_least(Path::new("g.jpg"), &bytes, s, (100, 75)).expect("decodes");
        assert!(matches!(d.img, DynamicImage::ImageLuma8(_)));
        assert_eq!(d.img.width(), 160);
        let cut = &bytes[..bytes.len() / 2];
        assert!(decode_at_least(Path::new("cut.jpg"), cut, s, (100, 75)).is_err());
    }
}
