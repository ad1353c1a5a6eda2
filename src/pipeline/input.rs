//! Local checks on what a person asked to upload, before anything is read or sent: the clearest
//! possible message for a missing file, a folder, an empty or unreadable file, or a bad URL.

use crate::error::{Error, Result};
use std::path::Path;

/// Checks that `path` is a readable, non-empty regular file.
pub fn check_file(path: &Path) -> Result<()> {
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(Error::invalid(format!("{}: no such file", path.display())))
        }
        Err(e) => return Err(Error::io("Cannot read", path, e)),
    };
    if meta.is_dir() {
        return Err(Error::invalid(format!("{}: is a folder; pass the files inside it", path.display())));
    }
    if !meta.is_file() {
        return Err(Error::invalid(format!("{}: not a regular file", path.display())));
    }
    if meta.len() == 0 {
        return Err(Error::invalid(format!("{}: the file is empty", path.display())));
    }
    std::fs::File::open(path).map_err(|e| Error::io("Cannot read", path, e))?;
    Ok(())
}

/// Checks that a URL source is an absolute http(s) URL with a host.
pub fn check_url(s: &str) -> Result<()> {
    match url::Url::parse(s) {
        Ok(u) if (u.scheme() == "http" || u.scheme() == "https") && u.host_str().is_some() => Ok(()),
        _ => Err(Error::invalid(format!("{s}: not a valid http(s) URL"))),
    }
}

/// Whether a command-line source looks like a URL rather than a path.
pub fn looks_like_url(s: &str) -> bool {
    let l = s.to_ascii_lowercase();
    l.starts_with("http://") || l.starts_with("https://") || l.contains("://")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_bad_urls_and_paths() {
        assert!(check_url("https://example.com/a.png").is_ok());
        assert!(check_url("ftp://example.com/a.png").is_err());
        assert!(check_url("http://").is_err());
        assert!(looks_like_url("HTTP://x"));
        assert!(!looks_like_url("./a.png"));
        let dir = tempfile::tempdir().expect("tempdir");
        let msg = check_file(dir.path()).map_err(|e| e.to_string()).err().unwrap_or_default();
        assert!(msg.contains("is a folder"), "{msg}");
        let missing =
            check_file(&dir.path().join("nope.png")).map_err(|e| e.to_string()).err().unwrap_or_default();
        assert!(missing.contains("no such file"), "{missing}");
        let empty = dir.path().join("e.png");
        std::fs::write(&empty, b"").expect("write");
        assert!(check_file(&empty).is_err());
    }
}
