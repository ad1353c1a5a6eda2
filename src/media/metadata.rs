//! Metadata: reading the EXIF orientation, and writing copies without EXIF/GPS/XMP/text
//! metadata. Stripping is lossless (segments or chunks are dropped, pixels untouched) except
//! when an EXIF orientation other than 1 would be lost: then the pixels are turned and re-encoded.

use crate::error::{Error, Result};
use crate::fsutil;
use crate::media::codec;
use crate::media::probe::ensure_file;
use crate::media::sniff::Sniffed;
use bytes::Bytes;
use img_parts::jpeg::{markers, Jpeg};
use img_parts::png::Png;
use img_parts::riff::RiffContent;
use img_parts::webp::{WebP, CHUNK_EXIF, CHUNK_VP8X, CHUNK_XMP};
use std::io::{BufReader, Cursor, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// JPEG quality when stripping has to re-encode a rotated photo (no quality is given then):
/// high enough that the second generation is not visibly worse.
const REENCODE_QUALITY: u8 = 92;

/// How much of a JPEG is searched for its EXIF segment: metadata segments come first and each
/// is at most 64 KiB, so 1 MiB covers even files with a large ICC profile before the EXIF.
const JPEG_EXIF_WINDOW: u64 = 1024 * 1024;

/// PNG chunks that hold text, EXIF or a timestamp; none is needed to display the image.
const PNG_DROPPED: [&[u8; 4]; 5] = [b"tEXt", b"zTXt", b"iTXt", b"eXIf", b"tIME"];

/// VP8X flag bits announcing EXIF (0x08) and XMP (0x04) chunks.
const VP8X_META_FLAGS: u8 = 0x08 | 0x04;

/// Writes a copy of `src` without EXIF/GPS/XMP/text metadata into `work_dir`, losslessly where
/// possible (img-parts for JPEG/WebP, chunk filtering for PNG); returns the new path.
///
/// JPEG, PNG and WebP are supported; other types are refused with [`Error::InvalidInput`].
/// `src` is never modified.
pub fn strip_metadata(src: &Path, sniffed: Sniffed, work_dir: &Path) -> Result<PathBuf> {
    let stripped = strip_bytes(src, sniffed)?;
    write_stripped(src, sniffed, work_dir, stripped)
}

/// Like [`strip_metadata`], but returns `None` instead of copying a file that holds no metadata.
pub(crate) fn strip_if_needed(src: &Path, sniffed: Sniffed, work_dir: &Path) -> Result<Option<PathBuf>> {
    match strip_bytes(src, sniffed)? {
        Stripped::Unchanged => Ok(None),
        stripped => write_stripped(src, sniffed, work_dir, stripped).map(Some),
    }
}

fn write_stripped(src: &Path, sniffed: Sniffed, work_dir: &Path, stripped: Stripped) -> Result<PathBuf> {
    let bytes = match stripped {
        Stripped::Lossless(b) => b,
        // Nothing to remove: the copy is the file itself.
        Stripped::Unchanged => Bytes::from(std::fs::read(src).map_err(|e| Error::io("Cannot read", src, e))?),
        Stripped::NeedsRotation(o) => return reencode_rotated(src, sniffed, o, work_dir),
    };
    let name = codec::output_name(src, "clean", sniffed.ext);
    fsutil::create_unique(work_dir, &name, |w| {
        w.write_all(&bytes).map_err(|e| Error::io("Cannot write into", work_dir, e))
    })
}

/// The EXIF orientation of `path` (1..=8), read with kamadak-exif; `None` when the file has no
/// EXIF, no orientation tag, or a value outside 1..=8.
pub fn exif_orientation(path: &Path) -> Option<u32> {
    let mut file = std::fs::File::open(path).ok()?;
    let mut head = Vec::new();
    (&mut file).take(JPEG_EXIF_WINDOW).read_to_end(&mut head).ok()?;
    let reader = exif::Reader::new();
    // In a JPEG the EXIF segment comes before the image data, so the head is enough (kamadak
    // would otherwise read a 20 MB photo to the end when it has no EXIF). PNG and WebP may keep
    // it after the pixels: read those whole.
    let exif = if head.starts_with(&[0xFF, 0xD8]) {
        reader.read_from_container(&mut Cursor::new(head)).ok()?
    } else {
        file.seek(SeekFrom::Start(0)).ok()?;
        reader.read_from_container(&mut BufReader::new(file)).ok()?
    };
    let field = exif.get_field(exif::Tag::Orientation, exif::In::PRIMARY)?;
    field.value.get_uint(0).filter(|o| (1..=8).contains(o))
}

/// Outcome of removing metadata in memory.
enum Stripped {
    /// No metadata was found.
    Unchanged,
    /// The file's bytes without the metadata.
    Lossless(Bytes),
    /// Dropping the EXIF would turn the picture: the pixels must be rotated (tag value).
    NeedsRotation(u32),
}

fn strip_bytes(src: &Path, sniffed: Sniffed) -> Result<Stripped> {
    ensure_file(src)?;
    if !matches!(sniffed.ext, "jpg" | "png" | "webp") {
        return Err(Error::invalid(format!(
            "{}: removing metadata is supported for JPEG, PNG and WebP, not {}",
            src.display(),
            sniffed.mime
        )));
    }
    let raw = std::fs::read(src).map_err(|e| Error::io("Cannot read", src, e))?;
    if sniffed.ext == "jpg" {
        codec::jpeg_complete(src, &raw)?;
    }
    if let Some(o) = exif_orientation(src).filter(|&o| o != 1) {
        // An animated WebP or APNG cannot be re-encoded here; its tag is dropped with the rest.
        let animated = crate::media::probe::probe(src)?.is_some_and(|i| i.animated);
        if !animated {
            return Ok(Stripped::NeedsRotation(o));
        }
    }
    let damaged = |e: img_parts::Error| {
        Error::Image(format!("The image is damaged or incomplete: {}: {e}", src.display()))
    };
    let bytes = Bytes::from(raw);
    match sniffed.ext {
        "jpg" => {
            let mut jpeg = Jpeg::from_bytes(bytes).map_err(damaged)?;
            let before = jpeg.segments().len();
            // APP1 holds EXIF (with GPS) and XMP, APP13 Photoshop IPTC, COM free text. APP0
            // (JFIF), APP2 (ICC) and APP14 (Adobe colour transform) are needed to display.
            jpeg.segments_mut()
                .retain(|s| !matches!(s.marker(), markers::APP1 | markers::APP13 | markers::COM));
            if jpeg.segments().len() == before {
                return Ok(Stripped::Unchanged);
            }
            Ok(Stripped::Lossless(jpeg.encoder().bytes()))
        }
        "png" => {
            let mut png = Png::from_bytes(bytes).map_err(damaged)?;
            let before = png.chunks().len();
            png.chunks_mut().retain(|c| !PNG_DROPPED.contains(&&c.kind()));
            if png.chunks().len() == before {
                return Ok(Stripped::Unchanged);
            }
            Ok(Stripped::Lossless(png.encoder().bytes()))
        }
        _ => {
            let mut webp = WebP::from_bytes(bytes).map_err(damaged)?;
            if !webp.has_chunk(CHUNK_EXIF) && !webp.has_chunk(CHUNK_XMP) {
                return Ok(Stripped::Unchanged);
            }
            webp.remove_chunks_by_id(CHUNK_EXIF);
            webp.remove_chunks_by_id(CHUNK_XMP);
            // The VP8X header announces which chunks follow; clear the two just removed. A
            // VP8X with no optional chunk left is still valid.
            for chunk in webp.chunks_mut().iter_mut().filter(|c| c.id() == CHUNK_VP8X) {
                if let RiffContent::Data(data) = chunk.content_mut() {
                    if let Some(&flags) = data.first() {
                        let mut v = data.to_vec();
                        v[0] = flags & !VP8X_META_FLAGS;
                        *data = Bytes::from(v);
                    }
                }
            }
            Ok(Stripped::Lossless(webp.encoder().bytes()))
        }
    }
}

/// Decodes, turns the pixels upright per the EXIF tag, and re-encodes without metadata.
fn reencode_rotated(src: &Path, sniffed: Sniffed, orientation: u32, work_dir: &Path) -> Result<PathBuf> {
    let raw = std::fs::read(src).map_err(|e| Error::io("Cannot read", src, e))?;
    let codec::Decoded { mut img, icc } = codec::decode(src, &raw, sniffed)?;
    drop(raw);
    if let Some(o) = u8::try_from(orientation).ok().and_then(image::metadata::Orientation::from_exif) {
        img.apply_orientation(o);
    }
    let name = codec::output_name(src, "clean", sniffed.ext);
    fsutil::create_unique(work_dir, &name, |w| {
        codec::encode(w, &img, icc.as_deref(), sniffed, REENCODE_QUALITY)
            .map(|_| ())
            .map_err(|e| codec::encode_error(work_dir, &name, e))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn png_dropped_list_matches_chunk_types() {
        // The comparison in strip_bytes is on 4-byte chunk types; a typo would silently keep data.
        assert!(PNG_DROPPED.iter().all(|t| t.iter().all(u8::is_ascii_alphabetic)));
        assert!(PNG_DROPPED.contains(&b"tEXt"));
    }
}
