//! The history database's schema, migrated with `PRAGMA user_version`: each migration runs once,
//! in order, inside one immediate transaction, so two processes opening a fresh file at the same
//! time don't both create tables.

use crate::error::{Error, Result};
use rusqlite::{Connection, TransactionBehavior};

/// Migrations in order; the database's `user_version` is how many have run.
const MIGRATIONS: &[&str] = &[
    // 1: the uploads table. The answer's URLs are columns so they can be searched and matched.
    "CREATE TABLE uploads (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        status TEXT NOT NULL,
        error_kind TEXT,
        error TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        source TEXT NOT NULL,
        local_path BLOB,
        profile TEXT NOT NULL,
        server TEXT NOT NULL,
        size INTEGER,
        width INTEGER,
        height INTEGER,
        mime TEXT,
        options_json TEXT,
        url TEXT,
        url_viewer TEXT,
        url_short TEXT,
        delete_url TEXT,
        thumb_url TEXT,
        medium_url TEXT,
        remote_id TEXT,
        remote_width INTEGER,
        remote_height INTEGER,
        remote_size INTEGER,
        remote_mime TEXT,
        media_type TEXT,
        expiration_date_gmt TEXT,
        filename TEXT,
        original_filename TEXT
    );
    CREATE INDEX uploads_status ON uploads(status);
    CREATE INDEX uploads_url ON uploads(url);
    CREATE INDEX uploads_url_viewer ON uploads(url_viewer);
    CREATE INDEX uploads_url_short ON uploads(url_short);
    CREATE INDEX uploads_delete_url ON uploads(delete_url);
    CREATE INDEX uploads_thumb_url ON uploads(thumb_url);",
    // 2: the upload queue. `next_attempt_at` is when a waiting job may be sent again, `owner` the
    // process sending it (`pid:start-time`, so a crashed owner is recognised), `prepare_json` how
    // to prepare the local file again when the job resumes in another process.
    "ALTER TABLE uploads ADD COLUMN next_attempt_at TEXT;
    ALTER TABLE uploads ADD COLUMN owner TEXT;
    ALTER TABLE uploads ADD COLUMN prepare_json TEXT;
    CREATE INDEX uploads_queue ON uploads(status, next_attempt_at);",
];

/// Brings the database up to the current schema.
pub(crate) fn migrate(conn: &mut Connection) -> Result<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let version: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let known = MIGRATIONS.len() as i64;
    if version > known {
        return Err(Error::History(format!(
            "the database was written by a newer Slingshot (schema {version}, this version knows \
             {known}); update Slingshot"
        )));
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(usize::try_from(version).unwrap_or(0)) {
        tx.execute_batch(sql)?;
        // user_version can't take a bound parameter; the value is our own integer.
        tx.execute_batch(&format!("PRAGMA user_version = {}", i + 1))?;
    }
    tx.commit()?;
    Ok(())
}
