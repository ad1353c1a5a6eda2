//! The upload history: one SQLite file (bundled SQLite, WAL) that the CLI and the desktop app
//! write at the same time. Each [`History`] owns one connection; writes are single statements
//! (short transactions) with a 10 s busy timeout and a few retries on `SQLITE_BUSY`. Delete URLs
//! are stored because they are needed to delete, but never logged.

mod entry;
mod query;
mod queue_ops;
mod schema;

pub use entry::{Entry, NewEntry, Status};
pub use query::Query;

use crate::api::Uploaded;
use crate::error::{Error, Result};
use entry::{path_to_sql, size_to_sql};
use rusqlite::{params, Connection, ErrorCode};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

/// How long SQLite itself waits for another writer's lock.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);
/// Extra attempts for the cases SQLite's busy handler doesn't cover (WAL recovery, snapshot
/// upgrades, journal-mode switches while another process opens the file).
const BUSY_RETRIES: u32 = 6;

/// The history database.
pub struct History {
    conn: Mutex<Connection>,
    path: PathBuf,
}

impl std::fmt::Debug for History {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("History").field("path", &self.path).finish_non_exhaustive()
    }
}

fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(e.sqlite_error_code(), Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked))
}

/// Runs `f`, retrying with a growing pause while the database is busy.
fn retry<T>(mut f: impl FnMut() -> rusqlite::Result<T>) -> rusqlite::Result<T> {
    let mut pause = Duration::from_millis(25);
    let mut attempt = 0;
    loop {
        match f() {
            Err(e) if is_busy(&e) && attempt < BUSY_RETRIES => {
                attempt += 1;
                tracing::debug!(attempt, "history database busy, retrying");
                std::thread::sleep(pause);
                pause = pause.saturating_mul(2);
            }
            other => return other,
        }
    }
}

/// Now as RFC 3339 UTC with milliseconds, e.g. `2025-01-31T12:00:00.123Z`.
pub(crate) fn now() -> Result<String> {
    stamp(time::OffsetDateTime::now_utc())
}

/// A time as stored: RFC 3339 UTC with milliseconds (sorts as text).
pub(crate) fn stamp(t: time::OffsetDateTime) -> Result<String> {
    let fmt = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
    );
    t.to_offset(time::UtcOffset::UTC)
        .format(&fmt)
        .map_err(|e| Error::History(format!("cannot format the time: {e}")))
}

/// Creates the database file 0600 (and its directory 0700) before SQLite opens it; SQLite then
/// gives the -wal and -shm files the same permissions.
fn create_private_file(path: &Path) -> Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        crate::fsutil::create_private_dir(dir)?;
    }
    let mut o = std::fs::OpenOptions::new();
    o.append(true).create(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o.open(path).map(drop).map_err(|e| Error::io("Cannot create the history database", path, e))
}

impl History {
    /// Opens (creating if needed) the history at `path`: WAL mode, 10 s busy timeout, foreign
    /// keys on, schema migrated.
    pub fn open(path: &Path) -> Result<History> {
        create_private_file(path)?;
        let named = |e: rusqlite::Error| Error::History(format!("{}: {e}", path.display()));
        let mut conn = Connection::open(path).map_err(named)?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(named)?;
        let mode: String =
            retry(|| conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))).map_err(named)?;
        if !mode.eq_ignore_ascii_case("wal") {
            // Some file systems (network shares) refuse WAL; SQLite still works, only slower.
            tracing::warn!(mode, "history database could not use WAL mode");
        }
        conn.pragma_update(None, "foreign_keys", true).map_err(named)?;
        conn.pragma_update(None, "synchronous", "NORMAL").map_err(named)?;
        let mut attempt = 0;
        loop {
            match schema::migrate(&mut conn) {
                Err(Error::History(m)) if attempt < BUSY_RETRIES && m.contains("locked") => {
                    attempt += 1;
                    std::thread::sleep(Duration::from_millis(50 * u64::from(attempt)));
                }
                Err(Error::History(m)) => return Err(Error::History(format!("{}: {m}", path.display()))),
                other => {
                    other?;
                    break;
                }
            }
        }
        Ok(History { conn: Mutex::new(conn), path: path.to_path_buf() })
    }

    /// Runs `f` on the connection, retrying while busy.
    fn with_conn<T>(&self, mut f: impl FnMut(&Connection) -> rusqlite::Result<T>) -> Result<T> {
        // A panic elsewhere while holding the lock leaves the connection itself usable.
        let conn = self.conn.lock().unwrap_or_else(PoisonError::into_inner);
        Ok(retry(|| f(&conn))?)
    }

    /// Runs an UPDATE on one row; an unknown id is an error.
    fn update(&self, id: i64, sql: &str, params: &[&dyn rusqlite::ToSql]) -> Result<()> {
        let n = self.with_conn(|c| c.execute(sql, params))?;
        if n == 0 {
            return Err(Error::History(format!("there is no history entry #{id}")));
        }
        Ok(())
    }

    /// Records a new upload as pending; returns its id.
    pub fn add(&self, e: &NewEntry) -> Result<i64> {
        let ts = now()?;
        let size = size_to_sql(e.size)?;
        let local = e.local_path.as_deref().map(path_to_sql);
        self.with_conn(|c| {
            c.query_row(
                "INSERT INTO uploads (created_at, updated_at, status, attempts, source, local_path, \
                 profile, server, size, width, height, mime, options_json, prepare_json, owner) \
                 VALUES (?1, ?1, 'pending', 0, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) RETURNING id",
                params![
                    ts,
                    e.source,
                    local,
                    e.profile,
                    e.server,
                    size,
                    e.width,
                    e.height,
                    e.mime,
                    e.options_json,
                    e.prepare_json,
                    e.owner
                ],
                |r| r.get(0),
            )
        })
    }

    /// Marks an upload as being sent, counts the attempt and clears the previous attempt's error.
    pub fn set_uploading(&self, id: i64) -> Result<()> {
        let ts = now()?;
        self.update(
            id,
            "UPDATE uploads SET status = 'uploading', attempts = attempts + 1, error_kind = NULL, \
             error = NULL, updated_at = ?2 WHERE id = ?1",
            params![id, ts],
        )
    }

    /// Records the server's answer and marks the upload done (clears any earlier error).
    pub fn set_uploaded(&self, id: i64, up: &Uploaded) -> Result<()> {
        let ts = now()?;
        let size = size_to_sql(up.size)?;
        self.update(
            id,
            "UPDATE uploads SET status = 'uploaded', error_kind = NULL, error = NULL, updated_at = ?2, \
             owner = NULL, next_attempt_at = NULL, \
             url = ?3, url_viewer = ?4, url_short = ?5, delete_url = ?6, thumb_url = ?7, medium_url = ?8, \
             remote_id = ?9, remote_width = ?10, remote_height = ?11, remote_size = ?12, remote_mime = ?13, \
             media_type = ?14, expiration_date_gmt = ?15, filename = ?16, original_filename = ?17 \
             WHERE id = ?1",
            params![
                id,
                ts,
                up.url,
                up.url_viewer,
                up.url_short,
                up.delete_url,
                up.thumb_url,
                up.medium_url,
                up.id,
                up.width,
                up.height,
                size,
                up.mime,
                up.media_type,
                up.expiration_date_gmt,
                up.filename,
                up.original_filename
            ],
        )
    }

    /// Marks an upload failed with the error's kind (e.g. `network`) and message.
    pub fn set_failed(&self, id: i64, kind: &str, message: &str) -> Result<()> {
        let ts = now()?;
        self.update(
            id,
            "UPDATE uploads SET status = 'failed', error_kind = ?2, error = ?3, updated_at = ?4, \
             owner = NULL, next_attempt_at = NULL WHERE id = ?1",
            params![id, kind, message, ts],
        )
    }

    /// Marks an upload deleted from the server (its URLs stay, for the record).
    pub fn set_deleted(&self, id: i64) -> Result<()> {
        let ts = now()?;
        self.update(
            id,
            "UPDATE uploads SET status = 'deleted', updated_at = ?2 WHERE id = ?1",
            params![id, ts],
        )
    }

    /// Removes an entry from the history (not from the server). `false` if there was none.
    pub fn forget(&self, id: i64) -> Result<bool> {
        Ok(self.with_conn(|c| c.execute("DELETE FROM uploads WHERE id = ?1", [id]))? > 0)
    }

    /// A value that changes whenever ANOTHER connection (the CLI, another window) commits a
    /// change; the tray polls it to know when to reload. Its own writes don't change it.
    pub fn change_counter(&self) -> Result<i64> {
        self.with_conn(|c| c.query_row("PRAGMA data_version", [], |r| r.get(0)))
    }
}
