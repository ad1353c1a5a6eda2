//! Header-only probing: dimensions, type and animation of a file without decoding its pixels, so
//! a decompression bomb (a tiny file declaring a huge canvas) is refused before any allocation.

use crate::error::{Error, Result};
use crate::media::codec;
use crate::media::sniff::{sniff_path, MediaKind, Sniffed};
use image::codecs::bmp::BmpDecoder;
use image::codecs::png::PngDecoder;
use image::codecs::webp::WebPDecoder;
use image::{ImageDecoder, ImageError, Limits};
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

/// Largest canvas (width × height) accepted. A 200 MP phone photo (16320×12240) still passes; a
/// 30000×30000 header does not. Decoding 200 MP as RGBA already needs 800 MB.
pub const MAX_PIXELS: u64 = 200_000_000;

/// What the header of an image says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImageInfo {
    /// Stored width in pixels (before any EXIF orientation).
    pub width: u32,
    /// Stored height in pixels (before any EXIF orientation).
    pub height: u32,
    /// The sniffed type.
    pub sniffed: Sniffed,
    /// GIF with more than one frame, animated WebP or APNG.
    pub animated: bool,
}

/// Reads only the header (never decodes the pixels): dimensions, type, whether animated (GIF with
/// more than one frame, animated WebP, APNG).
///
/// Returns `Ok(None)` for video. Refuses with [`Error::Image`] a header bigger than
/// [`MAX_PIXELS`] (decompression bomb), and with the sniffer's error a file that is not an
/// accepted type.
pub fn probe(path: &Path) -> Result<Option<ImageInfo>> {
    probe_sniffed(path).map(|(_, info)| info)
}

/// [`probe`], also returning the sniffed type (which video needs, having no [`ImageInfo`]).
pub(crate) fn probe_sniffed(path: &Path) -> Result<(Sniffed, Option<ImageInfo>)> {
    ensure_file(path)?;
    let sniffed = sniff_path(path)?;
    if sniffed.kind == MediaKind::Video {
        return Ok((sniffed, None));
    }
    let (width, height, animated) = match sniffed.ext {
        "gif" => gif_header(path)?,
        "avif" => avif_header(path)?,
        _ => decoder_header(path, sniffed.ext)?,
    };
    check_bomb(path, width, height)?;
    Ok((sniffed, Some(ImageInfo { width, height, sniffed, animated })))
}

/// Refuses a missing path or a directory with a message naming it.
pub(crate) fn ensure_file(path: &Path) -> Result<()> {
    let meta = std::fs::metadata(path).map_err(|e| Error::io("Cannot open", path, e))?;
    if meta.is_dir() {
        return Err(Error::invalid(format!("{} is a folder, not an image file", path.display())));
    }
    if meta.len() == 0 {
        return Err(Error::invalid(format!("{}: the file is empty", path.display())));
    }
    Ok(())
}

/// Refuses canvases bigger than [`MAX_PIXELS`] (and empty ones, which no decoder can use).
pub(crate) fn check_bomb(path: &Path, width: u32, height: u32) -> Result<()> {
    let pixels = u64::from(width) * u64::from(height);
    if pixels == 0 {
        return Err(Error::Image(format!(
            "The image is damaged or incomplete: {} declares a {width}x{height} size",
            path.display()
        )));
    }
    if pixels > MAX_PIXELS {
        return Err(Error::Image(format!(
            "{} declares {width}x{height} pixels ({} MP), more than the {} MP allowed; it looks like \
             a decompression bomb and was not opened",
            path.display(),
            pixels / 1_000_000,
            MAX_PIXELS / 1_000_000
        )));
    }
    Ok(())
}

fn open(path: &Path) -> Result<BufReader<File>> {
    File::open(path).map(BufReader::new).map_err(|e| Error::io("Cannot open", path, e))
}

/// Dimensions through image's decoders, which only parse headers in their constructors.
fn decoder_header(path: &Path, ext: &str) -> Result<(u32, u32, bool)> {
    let r = open(path)?;
    let err = |e: ImageError| codec::decode_error(path, e);
    match ext {
        "png" => {
            // No allocation limit here: the constructor reads chunks up to IDAT only, and the
            // size is checked by the caller before anything decodes pixels.
            let d = PngDecoder::with_limits(r, Limits::no_limits()).map_err(err)?;
            let (w, h) = d.dimensions();
            Ok((w, h, d.is_apng().map_err(err)?))
        }
        "webp" => {
            let d = WebPDecoder::new(r).map_err(err)?;
            let (w, h) = d.dimensions();
            Ok((w, h, d.has_animation()))
        }
        "jpg" => jpeg_header(r, path).map(|(w, h)| (w, h, false)),
        "bmp" => {
            let d = BmpDecoder::new(r).map_err(err)?;
            let (w, h) = d.dimensions();
            Ok((w, h, false))
        }
        other => Err(Error::Image(format!("{}: cannot read the header of a .{other} image", path.display()))),
    }
}

/// JPEG size from the first frame header (SOFn), skipping the segments before it by their
/// lengths: image's JPEG decoder would read the whole file into memory first.
fn jpeg_header(mut r: BufReader<File>, path: &Path) -> Result<(u32, u32)> {
    let damaged =
        |why: &str| Error::Image(format!("The image is damaged or incomplete: {}: {why}", path.display()));
    let mut two = [0u8; 2];
    read_exact(&mut r, &mut two, path)?;
    loop {
        if read_u8(&mut r, path)? != 0xFF {
            return Err(damaged("a JPEG marker was expected"));
        }
        let mut marker = read_u8(&mut r, path)?;
        while marker == 0xFF {
            marker = read_u8(&mut r, path)?; // fill bytes
        }
        match marker {
            0x01 | 0xD0..=0xD8 => continue, // no length
            0xD9 | 0xDA => return Err(damaged("no frame header before the image data")),
            _ => {}
        }
        read_exact(&mut r, &mut two, path)?;
        let len = u16::from_be_bytes(two);
        if len < 2 {
            return Err(damaged("a segment has an impossible length"));
        }
        // SOF0..SOF15, except DHT (C4), JPG (C8) and DAC (CC) which share the range.
        if (0xC0..=0xCF).contains(&marker) && !matches!(marker, 0xC4 | 0xC8 | 0xCC) {
            let mut sof = [0u8; 5];
            read_exact(&mut r, &mut sof, path)?;
            let height = u32::from(u16::from_be_bytes([sof[1], sof[2]]));
            let width = u32::from(u16::from_be_bytes([sof[3], sof[4]]));
            return Ok((width, height));
        }
        let mut skip = usize::from(len - 2);
        while skip > 0 {
            let n = r.fill_buf().map_err(|e| Error::io("Cannot read", path, e))?.len().min(skip);
            if n == 0 {
                return Err(damaged("the file ends inside a segment"));
            }
            r.consume(n);
            skip -= n;
        }
    }
}

fn read_exact(r: &mut impl Read, buf: &mut [u8], path: &Path) -> Result<()> {
    r.read_exact(buf).map_err(|e| match e.kind() {
        std::io::ErrorKind::UnexpectedEof => {
            Error::Image(format!("The image is damaged or incomplete: {} ends too early", path.display()))
        }
        _ => Error::io("Cannot read", path, e),
    })
}

fn read_u8(r: &mut impl Read, path: &Path) -> Result<u8> {
    let mut b = [0u8; 1];
    read_exact(r, &mut b, path)?;
    Ok(b[0])
}

/// Skips GIF data sub-blocks (length byte, data) up to the zero-length terminator.
fn skip_sub_blocks(r: &mut impl Read, path: &Path) -> Result<()> {
    let mut buf = [0u8; 255];
    loop {
        let len = usize::from(read_u8(r, path)?);
        if len == 0 {
            return Ok(());
        }
        read_exact(r, &mut buf[..len], path)?;
    }
}

/// GIF logical screen size, and whether a second image descriptor follows the first. Walks the
/// block structure without decompressing any LZW data.
fn gif_header(path: &Path) -> Result<(u32, u32, bool)> {
    let mut r = open(path)?;
    let mut head = [0u8; 13];
    read_exact(&mut r, &mut head, path)?;
    let width = u32::from(u16::from_le_bytes([head[6], head[7]]));
    let height = u32::from(u16::from_le_bytes([head[8], head[9]]));
    let table_len = |packed: u8| if packed & 0x80 != 0 { 3usize << ((packed & 7) + 1) } else { 0 };
    let mut table = vec![0u8; table_len(head[10])];
    read_exact(&mut r, &mut table, path)?;
    let mut frames = 0u32;
    // A stream that stops early or holds garbage after the first frame is not our problem
    // here: the decoder reports damage if the file is ever decoded.
    while let Ok(block) = read_u8(&mut r, path) {
        match block {
            0x21 => {
                if read_u8(&mut r, path).is_err() || skip_sub_blocks(&mut r, path).is_err() {
                    break;
                }
            }
            0x2C => {
                frames += 1;
                if frames > 1 {
                    break;
                }
                let mut desc = [0u8; 9];
                read_exact(&mut r, &mut desc, path)?;
                let mut local = vec![0u8; table_len(desc[8])];
                read_exact(&mut r, &mut local, path)?;
                // LZW minimum code size, then the compressed data as sub-blocks.
                read_u8(&mut r, path)?;
                skip_sub_blocks(&mut r, path)?;
            }
            _ => break,
        }
    }
    if frames == 0 {
        return Err(Error::Image(format!(
            "The image is damaged or incomplete: {} holds no picture",
            path.display()
        )));
    }
    Ok((width, height, frames > 1))
}

/// AVIF size from the `ispe` (image spatial extent) properties in the first 256 KiB: the largest
/// one is the primary image (grid tiles and alpha planes are never larger). image has no AVIF
/// decoder here, so AVIF is only ever probed, never decoded.
fn avif_header(path: &Path) -> Result<(u32, u32, bool)> {
    let mut head = Vec::new();
    open(path)?.take(256 * 1024).read_to_end(&mut head).map_err(|e| Error::io("Cannot read", path, e))?;
    let best = ispe_sizes(&head).max_by_key(|&(w, h)| u64::from(w) * u64::from(h));
    match best {
        Some((w, h)) => Ok((w, h, head.windows(4).any(|b| b == b"avis"))),
        None => Err(Error::Image(format!(
            "{}: cannot find the size of this AVIF image (no 'ispe' property)",
            path.display()
        ))),
    }
}

/// Every `ispe` box payload in `buf`: size(4) "ispe" version+flags(4) width(4) height(4).
fn ispe_sizes(buf: &[u8]) -> impl Iterator<Item = (u32, u32)> + '_ {
    buf.windows(4).enumerate().filter(|(_, w)| *w == b"ispe").filter_map(move |(i, _)| {
        let field = |at: usize| buf.get(at..at + 4).and_then(|b| b.try_into().ok()).map(u32::from_be_bytes);
        Some((field(i + 8)?, field(i + 12)?))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ispe_is_found_and_largest_wins() {
        let mut buf = b"....meta....".to_vec();
        for (w, h) in [(512u32, 512u32), (4000, 3000)] {
            buf.extend_from_slice(&20u32.to_be_bytes());
            buf.extend_from_slice(b"ispe\0\0\0\0");
            buf.extend_from_slice(&w.to_be_bytes());
            buf.extend_from_slice(&h.to_be_bytes());
        }
        let best = ispe_sizes(&buf).max_by_key(|&(w, h)| u64::from(w) * u64::from(h));
        assert_eq!(best, Some((4000, 3000)));
        // A truncated box yields nothing rather than panicking.
        assert_eq!(ispe_sizes(b"xxxxispe\0\0").count(), 0);
    }

    #[test]
    fn bomb_threshold() {
        let p = Path::new("x.png");
        assert!(check_bomb(p, 16320, 12240).is_ok());
        assert!(
            matches!(check_bomb(p, 30000, 30000), Err(Error::Image(m)) if m.contains("decompression bomb"))
        );
        assert!(matches!(check_bomb(p, 0, 10), Err(Error::Image(_))));
    }
}
