//! Atomic, private file writes shared by the settings file and the fallback key file: a temp file
//! in the same directory, fsync, rename over the target, so a crash never leaves half a file.

use crate::error::{Error, Result};
use std::io::Write;
use std::path::Path;

/// Creates `dir` (and parents). On unix new directories are 0700: they hold settings and, in the
/// fallback case, keys.
pub(crate) fn create_private_dir(dir: &Path) -> Result<()> {
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    b.create(dir).map_err(|e| Error::io("Cannot create the directory", dir, e))
}

/// Writes `bytes` to `path` atomically with mode 0600 on unix. The temp file is created 0600 from
/// the start (tempfile does so), so the content is never readable by others, even briefly.
pub(crate) fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    create_private_dir(dir)?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".slingshot-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| Error::io("Cannot create a temporary file in", dir, e))?;
    tmp.write_all(bytes).map_err(|e| Error::io("Cannot write", tmp.path(), e))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o600))
            .map_err(|e| Error::io("Cannot set permissions on", tmp.path(), e))?;
    }
    tmp.as_file().sync_all().map_err(|e| Error::io("Cannot flush", tmp.path(), e))?;
    // On failure the temp file is dropped (and removed) with the error.
    tmp.persist(path).map_err(|e| Error::io("Cannot replace", path, e.error))?;
    // Make the rename itself durable; failing to sync a directory is not worth failing the save.
    #[cfg(unix)]
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}
