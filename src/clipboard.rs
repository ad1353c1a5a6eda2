//! Reading what a person copied (an image, files from a file manager, a URL) for "upload the
//! clipboard", and owning the clipboard for the app's whole run so copied links stay pasteable:
//! on X11 and Wayland the owning process serves the text, so a short-lived owner would lose it.

use crate::error::{Error, Result};
use std::path::PathBuf;
use std::sync::Mutex;

/// Texts longer than this are not parsed for paths or URLs (nobody copies a megabyte of links).
const MAX_TEXT: usize = 1 << 20;

/// Something on the clipboard that can be uploaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClipboardContent {
    /// Image data, re-encoded as PNG.
    Image {
        /// PNG bytes.
        png: Vec<u8>,
        /// Width in pixels.
        width: u32,
        /// Height in pixels.
        height: u32,
    },
    /// Files copied in a file manager (or absolute paths copied as text), existing ones only.
    Files(Vec<PathBuf>),
    /// An http(s) URL, for the server to fetch.
    Url(String),
}

/// Reads the clipboard: an image first, then a file list, then text holding file URIs, absolute
/// paths or one http(s) URL.
pub fn read_content(cb: &mut arboard::Clipboard) -> Result<ClipboardContent> {
    match cb.get_image() {
        Ok(img) => return image_content(img),
        Err(e) => tracing::debug!("no image on the clipboard: {e}"),
    }
    match cb.get().file_list() {
        Ok(files) if !files.is_empty() => return existing_files(files),
        Ok(_) => {}
        Err(e) => tracing::debug!("no file list on the clipboard: {e}"),
    }
    match cb.get_text() {
        Ok(text) => parse_text(&text),
        Err(arboard::Error::ContentNotAvailable) => Err(nothing()),
        Err(e) => Err(Error::Config(format!("Cannot read the clipboard: {e}"))),
    }
}

fn nothing() -> Error {
    Error::invalid("The clipboard holds no image, file or URL")
}

fn image_content(img: arboard::ImageData<'_>) -> Result<ClipboardContent> {
    let (w, h) = (u32::try_from(img.width), u32::try_from(img.height));
    let (Ok(width), Ok(height)) = (w, h) else {
        return Err(Error::Image("The image on the clipboard is too large".into()));
    };
    let rgba = image::RgbaImage::from_raw(width, height, img.bytes.into_owned())
        .ok_or_else(|| Error::Image("The image on the clipboard has inconsistent dimensions".into()))?;
    let mut png = Vec::new();
    crate::capture::encode_png(&rgba, &mut png, image::codecs::png::FilterType::Adaptive)?;
    Ok(ClipboardContent::Image { png, width, height })
}

/// Keeps the paths that exist; says which are gone when none is left.
fn existing_files(files: Vec<PathBuf>) -> Result<ClipboardContent> {
    let (found, missing): (Vec<PathBuf>, Vec<PathBuf>) = files.into_iter().partition(|p| p.exists());
    if found.is_empty() {
        let names: Vec<String> = missing.iter().take(3).map(|p| p.display().to_string()).collect();
        return Err(Error::invalid(format!(
            "The files on the clipboard no longer exist: {}",
            names.join(", ")
        )));
    }
    Ok(ClipboardContent::Files(found))
}

/// Parses copied text: `text/uri-list` (comments and a GNOME `copy`/`cut` first line allowed),
/// absolute paths one per line, or a single http(s) URL.
pub fn parse_text(text: &str) -> Result<ClipboardContent> {
    if text.len() > MAX_TEXT {
        return Err(nothing());
    }
    let mut lines: Vec<&str> =
        text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).collect();
    if lines.len() > 1 && matches!(lines.first(), Some(&"copy") | Some(&"cut")) {
        lines.remove(0);
    }
    if lines.is_empty() {
        return Err(nothing());
    }
    if let [one] = lines.as_slice() {
        if let Ok(u) = url::Url::parse(one) {
            if matches!(u.scheme(), "http" | "https") && u.host_str().is_some() {
                return Ok(ClipboardContent::Url(one.to_string()));
            }
        }
    }
    let paths: Option<Vec<PathBuf>> = lines.iter().map(|l| as_path(l)).collect();
    match paths {
        Some(p) => existing_files(p),
        None => Err(nothing()),
    }
}

/// A `file://` URI (percent-decoded) or an absolute path.
fn as_path(line: &str) -> Option<PathBuf> {
    if line.starts_with("file:") {
        return url::Url::parse(line).ok()?.to_file_path().ok();
    }
    let p = PathBuf::from(line);
    p.is_absolute().then_some(p)
}

/// The app's one clipboard handle, alive as long as the app so that copied links stay available.
/// Shareable between threads; calls are serialised by an inner lock.
pub struct ClipboardOwner {
    inner: Mutex<arboard::Clipboard>,
}

impl ClipboardOwner {
    /// Opens the clipboard (fails without a display).
    pub fn new() -> Result<Self> {
        let cb = arboard::Clipboard::new().map_err(|e| {
            Error::Config(format!("Cannot open the clipboard (is there a graphical session?): {e}"))
        })?;
        Ok(ClipboardOwner { inner: Mutex::new(cb) })
    }

    /// Puts text on the clipboard; this process serves it until someone else copies something.
    pub fn set_text(&self, text: &str) -> Result<()> {
        self.lock()
            .set_text(text.to_string())
            .map_err(|e| Error::Config(format!("Cannot put the text on the clipboard: {e}")))
    }

    /// The clipboard's text now, if it holds text.
    pub fn text(&self) -> Option<String> {
        self.lock().get_text().ok()
    }

    /// Reads the clipboard as [`read_content`] does.
    pub fn read(&self) -> Result<ClipboardContent> {
        read_content(&mut self.lock())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, arboard::Clipboard> {
        // A panic while holding the lock leaves the clipboard handle itself usable.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_forms() {
        let dir = tempfile::tempdir().expect("tempdir");
        let a = dir.path().join("a b.png");
        std::fs::write(&a, b"x").expect("write");
        let uri = url::Url::from_file_path(&a).expect("uri").to_string();
        assert!(uri.contains("%20"), "{uri}");
        let want = Ok(ClipboardContent::Files(vec![a.clone()]));
        assert_eq!(parse_text(&uri).map_err(|e| e.to_string()), want);
        assert_eq!(parse_text(&format!("copy\n{uri}\n")).map_err(|e| e.to_string()), want);
        assert_eq!(parse_text(&format!("# list\r\n{uri}\r\n")).map_err(|e| e.to_string()), want);
        assert_eq!(parse_text(&a.display().to_string()).map_err(|e| e.to_string()), want);
        let gone =
            parse_text("file:///nonexistent/x.png").map_err(|e| e.to_string()).err().unwrap_or_default();
        assert!(gone.contains("no longer exist"), "{gone}");
        assert_eq!(
            parse_text(" https://example.com/a.png \n").map_err(|e| e.to_string()),
            Ok(ClipboardContent::Url("https://example.com/a.png".into()))
        );
        for bad in ["", "hello world", "relative/path.png", "ftp://x/y", "https://a/b\nhttps://c/d"] {
            let e = parse_text(bad).map_err(|e| e.to_string()).err().unwrap_or_default();
            assert!(e.contains("no image, file or URL"), "{bad:?}: {e}");
        }
    }
}
