//! Thumbnails and mediums made on first request. An upload's answer names its `.th.jpeg` and
//! `.md.<ext>` URLs at once (they are in the index from the start), but the pixels are only
//! decoded, resized and encoded when one of them is fetched: most uploads never have theirs
//! looked at, and making both at upload time was two thirds of the host's CPU per upload.

use super::store::{Record, Variant};
use super::thumbs::{self, Probe, StoreError, MEDIUM, THUMB};
use image::{DynamicImage, ImageFormat};
use std::path::{Path, PathBuf};

/// Makes the derived file at `rel` (a path from the index) when it is missing. Does nothing for
/// the main file. Blocking: run it on the blocking pool.
pub(super) fn ensure(images_dir: &Path, rec: &Record, rel: &str) -> Result<(), StoreError> {
    let asked = |v: &&Variant| rel == rec_rel(rec, &v.file);
    let (thumb, medium) = (rec.thumb.as_ref().filter(asked), rec.medium.as_ref().filter(asked));
    if thumb.is_none() && medium.is_none() {
        return Ok(());
    }
    let folder = images_dir.join(&rec.dir);
    // The date folder may have been swapped for a symlink: never write outside the data folder.
    if !super::save::inside(images_dir, &folder) {
        return Err(StoreError::Io(std::io::Error::other("storage folder leads outside the data folder")));
    }
    let format = ImageFormat::from_extension(&rec.ext)
        .ok_or_else(|| StoreError::Image(format!("no derived files for .{}", rec.ext)))?;
    let main = folder.join(rec.filename());
    let probe = Probe { width: rec.width, height: rec.height, animated: rec.animated, format: Some(format) };
    let medium_path = rec.medium.as_ref().map(|m| folder.join(&m.file));
    if let Some(thumb) = thumb {
        // From the medium when there is one: a third of the pixels to read.
        let from = match &medium_path {
            Some(m) if m.is_file() => thumbs::decode(m, format)?,
            Some(m) => make_medium(&main, &probe, m)?,
            None => thumbs::decode_for_variants(&main, &probe)?,
        };
        write_atomic(&thumbs::fit_box(&from, THUMB)?, ImageFormat::Jpeg, &folder.join(&thumb.file))?;
    } else if let Some(out) = medium_path {
        make_medium(&main, &probe, &out)?;
    }
    Ok(())
}

fn rec_rel(rec: &Record, file: &str) -> String {
    format!("{}/{file}", rec.dir)
}

/// Writes the medium and returns its pixels (the thumbnail is made from them).
fn make_medium(main: &Path, probe: &Probe, out: &Path) -> Result<DynamicImage, StoreError> {
    let img = thumbs::decode_for_variants(main, probe)?;
    let medium = thumbs::scale_to_width(&img, MEDIUM)?;
    let format = probe.format.unwrap_or(ImageFormat::Png);
    write_atomic(&medium, format, out)?;
    Ok(medium)
}

/// Two requests for the same thumbnail may both make it: each writes its own temporary file
/// and renames it into place, so a reader never sees half a file.
fn write_atomic(img: &DynamicImage, format: ImageFormat, out: &Path) -> Result<(), StoreError> {
    let name = out.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp: PathBuf = out.with_file_name(format!(".{name}.{}.part", super::names::random_alnum(8)));
    let written =
        thumbs::save(img, format, &tmp).and_then(|()| std::fs::rename(&tmp, out).map_err(StoreError::Io));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}
