//! Content sniffing: the MIME type comes from the file's bytes, never its name, because the
//! server decides image vs video from the part's Content-Type (a wrong one is refused).

use crate::error::{Error, Result};
use std::io::Read;
use std::path::Path;

/// Image or video, as the server sorts uploads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaKind {
    /// A still or animated image.
    Image,
    /// A video.
    Video,
}

/// A file type the server accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sniffed {
    /// MIME type to send as the part's Content-Type.
    pub mime: &'static str,
    /// Canonical extension.
    pub ext: &'static str,
    /// Image or video.
    pub kind: MediaKind,
}

/// Types accepted by Chevereto V4: avif, jpeg, png, bmp, gif, webp, mov, mp4, webm.
const ACCEPTED: &[Sniffed] = &[
    Sniffed { mime: "image/jpeg", ext: "jpg", kind: MediaKind::Image },
    Sniffed { mime: "image/png", ext: "png", kind: MediaKind::Image },
    Sniffed { mime: "image/gif", ext: "gif", kind: MediaKind::Image },
    Sniffed { mime: "image/webp", ext: "webp", kind: MediaKind::Image },
    Sniffed { mime: "image/bmp", ext: "bmp", kind: MediaKind::Image },
    Sniffed { mime: "image/avif", ext: "avif", kind: MediaKind::Image },
    Sniffed { mime: "video/mp4", ext: "mp4", kind: MediaKind::Video },
    Sniffed { mime: "video/quicktime", ext: "mov", kind: MediaKind::Video },
    Sniffed { mime: "video/webm", ext: "webm", kind: MediaKind::Video },
];

/// How many leading bytes are enough to recognise every accepted type.
const HEAD: usize = 8192;

/// Sniffs the type of in-memory bytes. Refuses types the server does not accept, naming what the
/// bytes look like.
pub fn sniff_bytes(bytes: &[u8]) -> Result<Sniffed> {
    let head = &bytes[..bytes.len().min(HEAD)];
    if head.is_empty() {
        return Err(Error::invalid("The file is empty"));
    }
    let found = infer::get(head);
    let mime = found.map(|t| t.mime_type());
    // infer reports QuickTime and some MP4 brands under other names; normalise them.
    let mime = match mime {
        Some("video/x-m4v") => Some("video/mp4"),
        Some("image/x-ms-bmp") => Some("image/bmp"),
        other => other,
    };
    match mime.and_then(|m| ACCEPTED.iter().find(|s| s.mime == m)) {
        Some(s) => Ok(*s),
        None => Err(Error::invalid(match mime {
            Some(m) => format!("This file type ({m}) is not accepted by the server; use JPEG, PNG, GIF, WebP, BMP, AVIF, MP4, MOV or WebM"),
            None => "This file is not an image or video the server accepts (its content is not JPEG, PNG, GIF, WebP, BMP, AVIF, MP4, MOV or WebM)".to_string(),
        })),
    }
}

/// Sniffs a file from its first bytes, without reading it whole.
pub fn sniff_path(path: &Path) -> Result<Sniffed> {
    let mut f = std::fs::File::open(path).map_err(|e| Error::io("Cannot open", path, e))?;
    let mut buf = vec![0u8; HEAD];
    let mut n = 0;
    while n < HEAD {
        let r = f.read(&mut buf[n..]).map_err(|e| Error::io("Cannot read", path, e))?;
        if r == 0 {
            break;
        }
        n += r;
    }
    buf.truncate(n);
    sniff_bytes(&buf).map_err(|e| match e {
        Error::InvalidInput(m) => Error::invalid(format!("{}: {m}", path.display())),
        other => other,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_png_and_refuses_text() {
        let png = [0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, b'I', b'H', b'D', b'R'];
        assert_eq!(sniff_bytes(&png).map(|s| s.mime).ok(), Some("image/png"));
        assert!(sniff_bytes(b"hello, I am text pretending to be a png").is_err());
        assert!(sniff_bytes(b"").is_err());
    }
}
