//! Logging for the desktop app and the tray process: tracing to stderr and to `slingshot.log` in the data folder
//! (the previous run's log is kept as `slingshot.log.1` when it grew large). `RUST_LOG`
//! overrides the default level (info). Nothing logs keys or delete URLs: those types redact.

use std::fs::{File, OpenOptions};
use std::path::Path;
use std::sync::Mutex;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{fmt, EnvFilter};

/// A log file larger than this is rotated at start.
const MAX_LOG: u64 = 2 * 1024 * 1024;

/// Finds the app's folders and starts logging there (stderr only when the folders can't be
/// found, which is then logged). `None` means the process can't run.
pub fn init_with_paths() -> Option<crate::config::Paths> {
    let paths = crate::config::Paths::resolve();
    init(paths.as_ref().ok().map(|p| p.data_dir.as_path()));
    paths.map_err(|e| tracing::error!("Slingshot cannot find its folders: {e}")).ok()
}

/// Starts logging; the log file is optional (a read-only data folder still gets stderr).
pub fn init(data_dir: Option<&Path>) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let file = data_dir.and_then(open_log);
    let file_layer = file.map(|f| fmt::layer().with_ansi(false).with_writer(Mutex::new(f)));
    // A second initialisation can only fail harmlessly, so its error is ignored.
    let _ = tracing_subscriber::registry()
        .with(filter)
        .with(fmt::layer().with_writer(std::io::stderr))
        .with(file_layer)
        .try_init();
}

fn open_log(dir: &Path) -> Option<File> {
    std::fs::create_dir_all(dir).ok()?;
    let path = dir.join("slingshot.log");
    if std::fs::metadata(&path).is_ok_and(|m| m.len() > MAX_LOG) {
        let _ = std::fs::rename(&path, dir.join("slingshot.log.1"));
    }
    let mut o = OpenOptions::new();
    o.create(true).append(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    match o.open(&path) {
        Ok(f) => Some(f),
        Err(e) => {
            eprintln!("slingshot: cannot open the log file {}: {e}", path.display());
            None
        }
    }
}
