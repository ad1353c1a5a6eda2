//! Writing files so nobody ever sees half of one: the one place for "replace this file
//! atomically" (settings, the fallback key file, the sandbox's key and port, file-manager
//! integration files) and "save a new file under a free name" (resized and stripped copies,
//! screenshots, saved pastes). Both write into a hidden temp file in the target folder, fsync it,
//! and rename it into place, so a crash or a failed encode leaves either the old state or the
//! complete new file, never a partial one under the final name.

use crate::error::{Error, Result};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// Mode of files only their owner may read (settings, keys): `rw-------`.
pub const PRIVATE: u32 = 0o600;

/// How many names [`create_unique`] tries (`name`, then `-2` to `-1000`) before giving up.
const MAX_TRIES: u32 = 1000;

/// Write buffer for [`create_unique`]: outputs are images of several MB, and screenshots are on
/// the hot path between the hotkey and the link, so few large writes beat many small ones.
const WRITE_BUFFER: usize = 1 << 20;

/// Creates `dir` (and parents). On unix new directories are 0700: they hold settings and, in the
/// fallback case, keys. Directories that already exist keep their mode.
pub fn create_private_dir(dir: &Path) -> Result<()> {
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    b.create(dir).map_err(|e| Error::io("Cannot create the directory", dir, e))
}

/// Replaces `path` with `bytes` readable only by the owner ([`PRIVATE`]), creating a missing
/// parent folder as 0700 (see [`create_private_dir`]).
pub fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    create_private_dir(parent_of(path))?;
    replace(path, bytes, PRIVATE)
}

/// Replaces `path` with `bytes` atomically, with permission bits `mode` on unix (ignored
/// elsewhere). A missing parent folder is created with the default permissions. The temp file is
/// 0600 from the start (tempfile creates it so), so the content is never readable by others, even
/// briefly, before `mode` is applied.
pub fn replace(path: &Path, bytes: &[u8], mode: u32) -> Result<()> {
    let dir = parent_of(path);
    std::fs::create_dir_all(dir).map_err(|e| Error::io("Cannot create", dir, e))?;
    let mut tmp = temp_in(dir)?;
    tmp.write_all(bytes).map_err(|e| Error::io("Cannot write", tmp.path(), e))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(mode))
            .map_err(|e| Error::io("Cannot set permissions on", tmp.path(), e))?;
    }
    #[cfg(not(unix))]
    let _ = mode;
    tmp.as_file().sync_all().map_err(|e| Error::io("Cannot flush", tmp.path(), e))?;
    // On failure the temp file is dropped (and removed) with the error.
    tmp.persist(path).map_err(|e| Error::io("Cannot replace", path, e.error))?;
    sync_dir(dir);
    Ok(())
}

/// Saves a NEW file in `dir` (created if missing) and returns its path. It is named `name`, or,
/// when that exists, `<stem>-2.<ext>`, `<stem>-3.<ext>`... (the suffix goes before the last
/// extension: `x.500w.png` → `x.500w-2.png`). An existing file is never replaced: the source may
/// live in the same folder, and two captures may land in the same second. `write` fills a hidden
/// temp file that is renamed only once complete, so a failed `write` leaves nothing behind.
pub fn create_unique(
    dir: &Path,
    name: &str,
    write: impl FnOnce(&mut BufWriter<&mut File>) -> Result<()>,
) -> Result<PathBuf> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io("Cannot create the folder", dir, e))?;
    let mut tmp = temp_in(dir)?;
    {
        let mut w = BufWriter::with_capacity(WRITE_BUFFER, tmp.as_file_mut());
        write(&mut w)?;
        w.flush().map_err(|e| Error::io("Cannot write into", dir, e))?;
    }
    // Durable before it gets its name: after a crash the file is complete or absent.
    tmp.as_file().sync_all().map_err(|e| Error::io("Cannot flush", tmp.path(), e))?;
    let (stem, ext) = match name.rsplit_once('.') {
        Some((s, e)) => (s, format!(".{e}")),
        None => (name, String::new()),
    };
    for n in 1..=MAX_TRIES {
        let target = if n == 1 { dir.join(name) } else { dir.join(format!("{stem}-{n}{ext}")) };
        // The no-clobber rename makes the check and the move one step, so two processes cannot
        // both take the same name.
        match tmp.persist_noclobber(&target) {
            Ok(_) => {
                sync_dir(dir);
                return Ok(target);
            }
            Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => tmp = e.file,
            Err(e) => return Err(Error::io("Cannot save", &target, e.error)),
        }
    }
    Err(Error::invalid(format!(
        "{} already holds {MAX_TRIES} files named like {name}; move or delete some and try again",
        dir.display()
    )))
}

/// The folder holding `path` (`.` for a bare file name).
fn parent_of(path: &Path) -> &Path {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    }
}

/// A hidden temp file in `dir`, so the rename stays on one file system and file managers and
/// folder listings skip it.
fn temp_in(dir: &Path) -> Result<tempfile::NamedTempFile> {
    tempfile::Builder::new()
        .prefix(".slingshot-")
        .suffix(".part")
        .tempfile_in(dir)
        .map_err(|e| Error::io("Cannot create a temporary file in", dir, e))
}

/// Makes a rename in `dir` durable. Failing to sync a directory is not worth failing the save.
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// `YYYY-MM-DD_HH-MM-SS` in local time. The `time` crate refuses the local offset once a process
/// has several threads (the app always has), so SQLite's `localtime`, which reads the system's
/// zone data thread-safely, does the conversion; UTC if even that fails.
pub fn local_stamp() -> String {
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

    fn put(bytes: &'static [u8]) -> impl FnOnce(&mut BufWriter<&mut File>) -> Result<()> {
        move |w| w.write_all(bytes).map_err(|e| Error::io("w", Path::new("."), e))
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .expect("list")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn unique_names_never_replace() {
        let dir = tempfile::tempdir().expect("tempdir");
        let a = create_unique(dir.path(), "x.500w.png", put(b"a")).expect("first");
        let b = create_unique(dir.path(), "x.500w.png", put(b"b")).expect("second");
        let c = create_unique(dir.path(), "x.500w.png", put(b"c")).expect("third");
        assert_eq!(a, dir.path().join("x.500w.png"));
        assert_eq!(b, dir.path().join("x.500w-2.png"));
        assert_eq!(c, dir.path().join("x.500w-3.png"));
        assert_eq!(std::fs::read(&a).expect("read"), b"a");
        assert_eq!(std::fs::read(&b).expect("read"), b"b");
        let bare = create_unique(dir.path(), "noext", put(b"n")).expect("bare");
        let bare2 = create_unique(dir.path(), "noext", put(b"n")).expect("bare 2");
        assert_eq!((bare, bare2), (dir.path().join("noext"), dir.path().join("noext-2")));
    }

    #[test]
    fn failed_unique_write_leaves_nothing() {
        let dir = tempfile::tempdir().expect("tempdir");
        create_unique(dir.path(), "x.png", put(b"a")).expect("first");
        let failed = create_unique(dir.path(), "y.png", |_| Err(Error::Image("boom".into())));
        assert!(matches!(failed, Err(Error::Image(_))), "{failed:?}");
        assert_eq!(names(dir.path()), ["x.png"], "failed write leaves nothing");
        let nested = create_unique(&dir.path().join("a/b"), "z.png", put(b"z")).expect("nested");
        assert_eq!(std::fs::read(nested).expect("read"), b"z");
    }

    #[test]
    fn replace_overwrites_with_the_given_mode() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("sub").join("settings.toml");
        write_private(&p, b"one").expect("first");
        write_private(&p, b"two").expect("second");
        assert_eq!(std::fs::read(&p).expect("read"), b"two");
        let shared = dir.path().join("app.desktop");
        replace(&shared, b"x", 0o644).expect("shared");
        assert_eq!(names(&dir.path().join("sub")), ["settings.toml"], "no temp file left");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| std::fs::metadata(p).expect("meta").permissions().mode() & 0o777;
            assert_eq!(mode(&p), 0o600);
            assert_eq!(mode(&dir.path().join("sub")), 0o700);
            assert_eq!(mode(&shared), 0o644);
        }
    }
}
