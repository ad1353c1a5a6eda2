//! Saving a capture as PNG before it is uploaded, so a failed upload loses nothing: a fast
//! encoder (the capture is on the hot path between the hotkey and the link on the clipboard),
//! a `Screenshot_YYYY-MM-DD_HH-MM-SS.png` name in local time, and an atomic write that never
//! replaces an existing file.

use super::Capture;
use crate::error::{Error, Result};
use image::codecs::png::{CompressionType, FilterType, PngEncoder};
use image::{ExtendedColorType, ImageEncoder};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// How many `-N` suffixes are tried when captures land in the same second.
const MAX_SUFFIX: u32 = 1000;

/// Encodes the capture as PNG into `dir` (created if missing) and returns the new file's path.
/// The file appears complete or not at all, and an existing file is never overwritten.
pub fn save_png(cap: &Capture, dir: &Path) -> Result<PathBuf> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io("Cannot create", dir, e))?;
    let tmp = tempfile::Builder::new()
        .prefix(".Screenshot-")
        .suffix(".part")
        .tempfile_in(dir)
        .map_err(|e| Error::io("Cannot create a temporary file in", dir, e))?;
    let mut out = BufWriter::with_capacity(1 << 20, tmp.as_file());
    encode_png(&cap.image, &mut out, FilterType::Adaptive)?;
    out.flush().map_err(|e| Error::io("Cannot write", tmp.path(), e))?;
    drop(out);
    persist_unique(tmp, dir, &stamp())
}

/// Encodes RGBA pixels as PNG with the fast compression level.
pub(crate) fn encode_png(img: &image::RgbaImage, out: &mut impl Write, filter: FilterType) -> Result<()> {
    PngEncoder::new_with_quality(out, CompressionType::Fast, filter)
        .write_image(img.as_raw(), img.width(), img.height(), ExtendedColorType::Rgba8)
        .map_err(|e| Error::Image(format!("Cannot encode the capture as PNG: {e}")))
}

/// Moves the finished temp file to `Screenshot_<stamp>.png`, or `-2`, `-3`... when taken. The
/// no-clobber rename makes the check and the move one step, so two processes cannot collide.
fn persist_unique(mut tmp: tempfile::NamedTempFile, dir: &Path, stamp: &str) -> Result<PathBuf> {
    for n in 1..=MAX_SUFFIX {
        let name =
            if n == 1 { format!("Screenshot_{stamp}.png") } else { format!("Screenshot_{stamp}-{n}.png") };
        let path = dir.join(name);
        match tmp.persist_noclobber(&path) {
            Ok(_) => return Ok(path),
            Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => tmp = e.file,
            Err(e) => return Err(Error::io("Cannot save", &path, e.error)),
        }
    }
    Err(Error::invalid(format!(
        "{} already holds {MAX_SUFFIX} screenshots named Screenshot_{stamp}: clean it up",
        dir.display()
    )))
}

/// `YYYY-MM-DD_HH-MM-SS` in local time. The `time` crate refuses the local offset once a process
/// has several threads (the app always has), so SQLite's `localtime`, which reads the system's
/// zone data thread-safely, does the conversion; UTC if even that fails.
fn stamp() -> String {
    let local = rusqlite::Connection::open_in_memory().and_then(|c| {
        c.query_row("SELECT strftime('%Y-%m-%d_%H-%M-%S', 'now', 'localtime')", [], |r| r.get::<_, String>(0))
    });
    match local {
        Ok(s) if s.len() == 19 => s,
        _ => {
            let fmt = time::macros::format_description!("[year]-[month]-[day]_[hour]-[minute]-[second]");
            time::OffsetDateTime::now_utc().format(&fmt).unwrap_or_else(|_| "capture".into())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamp_has_the_documented_shape() {
        let s = stamp();
        assert_eq!(s.len(), 19, "{s}");
        assert_eq!(&s[4..5], "-");
        assert_eq!(&s[10..11], "_");
        assert!(s.chars().all(|c| c.is_ascii_digit() || c == '-' || c == '_'), "{s}");
    }

    #[test]
    fn names_never_collide() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cap = Capture { image: image::RgbaImage::new(4, 3), monitor: "t".into(), x: 0, y: 0 };
        let mut names = Vec::new();
        for _ in 0..3 {
            let tmp = tempfile::NamedTempFile::new_in(dir.path()).expect("tmp");
            names.push(persist_unique(tmp, dir.path(), "2024-01-02_03-04-05").expect("persist"));
        }
        let want: Vec<PathBuf> = ["", "-2", "-3"]
            .iter()
            .map(|s| dir.path().join(format!("Screenshot_2024-01-02_03-04-05{s}.png")))
            .collect();
        assert_eq!(names, want);
        let p = save_png(&cap, &dir.path().join("new")).expect("save");
        let img = image::open(&p).expect("decodes");
        assert_eq!((img.width(), img.height()), (4, 3));
        let leftovers = std::fs::read_dir(dir.path().join("new")).expect("dir").count();
        assert_eq!(leftovers, 1, "no temp file left behind");
    }
}
