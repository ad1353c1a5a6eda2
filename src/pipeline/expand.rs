//! Turning what was dropped or passed (files and folders) into the list of files to upload:
//! folders become the images and videos inside them, recognised by their bytes like every upload.
//! Synchronous and disk-bound: async callers run it on a blocking thread.

use crate::error::{Error, Result};
use crate::media::sniff::sniff_path;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// The most files one call may produce: beyond this a dropped folder was almost surely a mistake
/// (a home folder, a photo library), and queueing it would flood the server.
pub const MAX_FILES: usize = 10_000;

/// Files are kept as given (later checks report missing or unreadable ones by name); folders are
/// replaced by the accepted images and videos inside, recursively, sorted by name, skipping hidden
/// entries and symlink loops. A folder with nothing to upload, or more than [`MAX_FILES`] files in
/// all, is an error naming it.
pub fn expand_paths(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for p in paths {
        if !p.is_dir() {
            out.push(p.clone());
            if out.len() > MAX_FILES {
                return Err(too_many(None));
            }
            continue;
        }
        let before = out.len();
        let mut seen = HashSet::new();
        walk(p, p, &mut seen, &mut out)?;
        if out.len() == before {
            return Err(Error::invalid(format!(
                "{}: the folder holds no image or video to upload (JPEG, PNG, GIF, WebP, BMP, AVIF, MP4, MOV, WebM; \
                 hidden files are skipped)",
                p.display()
            )));
        }
    }
    Ok(out)
}

/// Depth-first, in name order, so the upload order matches what a file manager shows.
fn walk(root: &Path, dir: &Path, seen: &mut HashSet<PathBuf>, out: &mut Vec<PathBuf>) -> Result<()> {
    // The canonical path identifies a folder however it was reached: a symlink back up the tree
    // is visited once, not forever.
    let canonical = std::fs::canonicalize(dir).map_err(|e| Error::io("Cannot open the folder", dir, e))?;
    if !seen.insert(canonical) {
        return Ok(());
    }
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io("Cannot list the folder", dir, e))?;
    let mut names: Vec<PathBuf> = entries
        .filter_map(|e| e.ok())
        .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
        .map(|e| e.path())
        .collect();
    names.sort();
    for path in names {
        // `metadata` follows symlinks: a link to a file or folder counts as what it points to; a
        // dangling link is skipped.
        let Ok(meta) = std::fs::metadata(&path) else { continue };
        if meta.is_dir() {
            walk(root, &path, seen, out)?;
        } else if meta.is_file() && meta.len() > 0 && sniff_path(&path).is_ok() {
            out.push(path);
            if out.len() > MAX_FILES {
                return Err(too_many(Some(root)));
            }
        }
    }
    Ok(())
}

fn too_many(root: Option<&Path>) -> Error {
    let what = match root {
        Some(r) => format!("{} holds", r.display()),
        None => "These sources hold".to_string(),
    };
    Error::invalid(format!(
        "{what} more than {MAX_FILES} files to upload; pick a smaller folder or fewer files"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG: &[u8] =
        &[0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, b'I', b'H', b'D', b'R'];

    #[test]
    fn folders_expand_sorted_and_skip_loops_and_hidden() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().join("pics");
        std::fs::create_dir_all(root.join("sub")).expect("mkdir");
        std::fs::create_dir_all(root.join(".cache")).expect("mkdir");
        for name in ["b.png", "a.png", "sub/c.png", ".cache/d.png", ".e.png"] {
            std::fs::write(root.join(name), PNG).expect("write");
        }
        std::fs::write(root.join("notes.png"), b"not really a png").expect("write");
        #[cfg(unix)]
        std::os::unix::fs::symlink(&root, root.join("sub/loop")).expect("symlink");
        let got = expand_paths(std::slice::from_ref(&root)).expect("expand");
        let want: Vec<PathBuf> = ["a.png", "b.png", "sub/c.png"].iter().map(|n| root.join(n)).collect();
        assert_eq!(got, want);

        let missing = dir.path().join("missing.png");
        assert_eq!(expand_paths(std::slice::from_ref(&missing)).expect("kept"), vec![missing]);

        let empty = dir.path().join("empty");
        std::fs::create_dir(&empty).expect("mkdir");
        let msg = expand_paths(&[empty]).map_err(|e| e.to_string()).err().unwrap_or_default();
        assert!(msg.contains("empty") && msg.contains("no image or video"), "{msg}");
    }
}
