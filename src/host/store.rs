//! The host's index: one SQLite database (`host.db`, WAL) in the data dir holding every upload and
//! every file that belongs to it. Files are served only when their exact relative path is in
//! `files`, so no request path is ever mapped onto the filesystem.

use crate::error::Result;
use rusqlite::{params, Connection, OptionalExtension, Row};
use std::path::Path;
use std::sync::{Mutex, MutexGuard};

/// Image or video, as the answers and viewer URLs distinguish them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A still or animated image.
    Image,
    /// A video.
    Video,
}

impl Kind {
    /// `image` or `video`, as in answers and viewer paths.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Kind::Image => "image",
            Kind::Video => "video",
        }
    }
}

/// A derived file (thumbnail or medium) of an upload.
#[derive(Debug, Clone)]
pub(crate) struct Variant {
    /// File name inside the upload's date folder.
    pub file: String,
    /// MIME type.
    pub mime: String,
}

/// One upload, as stored.
#[derive(Debug, Clone)]
pub(crate) struct Record {
    pub id: String,
    pub secret: String,
    pub kind: Kind,
    /// Date folder, `YYYY/MM/DD`.
    pub dir: String,
    /// File stem (no dots), unique inside `dir`.
    pub stem: String,
    pub ext: String,
    pub mime: String,
    pub size: u64,
    pub width: u32,
    pub height: u32,
    /// Unix seconds of the upload (or of the file's date with `use_file_date`).
    pub date: i64,
    /// Unix seconds of the actual upload (flood and duplicate windows use this).
    pub created: i64,
    pub expires: Option<i64>,
    pub title: String,
    pub description: Option<String>,
    pub tags: Vec<String>,
    pub nsfw: bool,
    pub category_id: Option<i64>,
    pub original_filename: String,
    pub md5: String,
    pub sha256: String,
    pub ip: String,
    pub animated: bool,
    pub thumb: Option<Variant>,
    pub medium: Option<Variant>,
}

impl Record {
    /// The main file's name inside `dir`.
    pub(crate) fn filename(&self) -> String {
        format!("{}.{}", self.stem, self.ext)
    }
    /// Relative paths (`YYYY/MM/DD/name`) of every file of this upload with their MIME types.
    pub(crate) fn files(&self) -> Vec<(String, String)> {
        let mut v = vec![(format!("{}/{}", self.dir, self.filename()), self.mime.clone())];
        for var in [&self.thumb, &self.medium].into_iter().flatten() {
            v.push((format!("{}/{}", self.dir, var.file), var.mime.clone()));
        }
        v
    }
}

/// The index. A mutex around one connection: the host's queries are tiny.
pub(crate) struct Store {
    conn: Mutex<Connection>,
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS uploads (
  id TEXT PRIMARY KEY, secret TEXT NOT NULL, kind TEXT NOT NULL, dir TEXT NOT NULL,
  stem TEXT NOT NULL, ext TEXT NOT NULL, mime TEXT NOT NULL, size INTEGER NOT NULL,
  width INTEGER NOT NULL, height INTEGER NOT NULL, date INTEGER NOT NULL, created INTEGER NOT NULL,
  expires INTEGER, title TEXT NOT NULL, description TEXT, tags TEXT NOT NULL, nsfw INTEGER NOT NULL,
  category_id INTEGER, original_filename TEXT NOT NULL, md5 TEXT NOT NULL, sha256 TEXT NOT NULL,
  ip TEXT NOT NULL, animated INTEGER NOT NULL,
  thumb_file TEXT, thumb_size INTEGER, medium_file TEXT, medium_mime TEXT, medium_size INTEGER
);
CREATE INDEX IF NOT EXISTS uploads_ip_created ON uploads(ip, created);
CREATE INDEX IF NOT EXISTS uploads_expires ON uploads(expires);
CREATE UNIQUE INDEX IF NOT EXISTS uploads_dir_stem ON uploads(dir, stem);
CREATE TABLE IF NOT EXISTS files (
  path TEXT PRIMARY KEY, upload_id TEXT NOT NULL REFERENCES uploads(id) ON DELETE CASCADE,
  mime TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS files_upload ON files(upload_id);
";

const COLUMNS: &str = "id, secret, kind, dir, stem, ext, mime, size, width, height, date, created,
  expires, title, description, tags, nsfw, category_id, original_filename, md5, sha256, ip,
  animated, thumb_file, thumb_size, medium_file, medium_mime, medium_size";

impl Store {
    /// Opens (creating if needed) the index at `path`.
    pub(crate) fn open(path: &Path) -> Result<Store> {
        let conn = Connection::open(path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.execute_batch(SCHEMA)?;
        Ok(Store { conn: Mutex::new(conn) })
    }

    fn lock(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock can't leave SQLite inconsistent (it has its own
        // transactions), so a poisoned lock is still usable.
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Inserts an upload and its files in one transaction.
    pub(crate) fn insert(&self, r: &Record) -> Result<()> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        let tags = serde_json::to_string(&r.tags).unwrap_or_else(|_| "[]".into());
        tx.execute(
            &format!("INSERT INTO uploads ({COLUMNS}) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20,?21,?22,?23,?24,?25,?26,?27,?28)"),
            params![
                r.id, r.secret, r.kind.as_str(), r.dir, r.stem, r.ext, r.mime, r.size as i64,
                r.width, r.height, r.date, r.created, r.expires, r.title, r.description, tags,
                r.nsfw, r.category_id, r.original_filename, r.md5, r.sha256, r.ip, r.animated,
                // The size columns predate thumbnails made on first request: left NULL.
                r.thumb.as_ref().map(|t| t.file.clone()), None::<i64>,
                r.medium.as_ref().map(|m| m.file.clone()), r.medium.as_ref().map(|m| m.mime.clone()),
                None::<i64>,
            ],
        )?;
        for (path, mime) in r.files() {
            tx.execute(
                "INSERT INTO files (path, upload_id, mime) VALUES (?1, ?2, ?3)",
                params![path, r.id, mime],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// The upload with this encoded id.
    pub(crate) fn get(&self, id: &str) -> Result<Option<Record>> {
        let conn = self.lock();
        let sql = format!("SELECT {COLUMNS} FROM uploads WHERE id = ?1");
        Ok(conn.query_row(&sql, [id], read_record).optional()?)
    }

    /// The upload a file (main or derived) belongs to, by the file's exact relative path.
    pub(crate) fn record_of_file(&self, rel: &str) -> Result<Option<Record>> {
        let conn = self.lock();
        let sql =
            format!("SELECT {COLUMNS} FROM uploads WHERE id = (SELECT upload_id FROM files WHERE path = ?1)");
        Ok(conn.query_row(&sql, [rel], read_record).optional()?)
    }

    /// A file by its exact relative path: its MIME type and its upload's expiry.
    pub(crate) fn file(&self, rel: &str) -> Result<Option<(String, Option<i64>)>> {
        let conn = self.lock();
        let sql =
            "SELECT f.mime, u.expires FROM files f JOIN uploads u ON u.id = f.upload_id WHERE f.path = ?1";
        Ok(conn.query_row(sql, [rel], |r| Ok((r.get(0)?, r.get(1)?))).optional()?)
    }

    /// Removes an upload's record (files rows cascade). Returns the removed relative paths.
    pub(crate) fn remove(&self, id: &str) -> Result<Vec<String>> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        let paths = {
            let mut st = tx.prepare("SELECT path FROM files WHERE upload_id = ?1")?;
            let rows = st.query_map([id], |r| r.get::<_, String>(0))?;
            rows.collect::<rusqlite::Result<Vec<_>>>()?
        };
        tx.execute("DELETE FROM files WHERE upload_id = ?1", [id])?;
        tx.execute("DELETE FROM uploads WHERE id = ?1", [id])?;
        tx.commit()?;
        Ok(paths)
    }

    /// Ids of uploads expired at `now`.
    pub(crate) fn expired(&self, now: i64) -> Result<Vec<String>> {
        let conn = self.lock();
        let mut st = conn.prepare("SELECT id FROM uploads WHERE expires IS NOT NULL AND expires <= ?1")?;
        let rows = st.query_map([now], |r| r.get::<_, String>(0))?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// How many uploads came from `ip` since `since`.
    pub(crate) fn count_since(&self, ip: &str, since: i64) -> Result<u64> {
        let conn = self.lock();
        let n: i64 = conn.query_row(
            "SELECT COUNT(*) FROM uploads WHERE ip = ?1 AND created >= ?2",
            params![ip, since],
            |r| r.get(0),
        )?;
        Ok(n.max(0) as u64)
    }

    /// Whether `ip` uploaded a file with this SHA-256 since `since`.
    pub(crate) fn has_duplicate(&self, ip: &str, sha256: &str, since: i64) -> Result<bool> {
        let conn = self.lock();
        let n: i64 = conn.query_row(
            "SELECT COUNT(*) FROM uploads WHERE ip = ?1 AND sha256 = ?2 AND created >= ?3",
            params![ip, sha256, since],
            |r| r.get(0),
        )?;
        Ok(n > 0)
    }

    /// Whether an encoded id is taken.
    pub(crate) fn id_taken(&self, id: &str) -> Result<bool> {
        let conn = self.lock();
        let n: i64 = conn.query_row("SELECT COUNT(*) FROM uploads WHERE id = ?1", [id], |r| r.get(0))?;
        Ok(n > 0)
    }

    /// Whether a stem is taken in a date folder.
    pub(crate) fn stem_taken(&self, dir: &str, stem: &str) -> Result<bool> {
        let conn = self.lock();
        let n: i64 = conn.query_row(
            "SELECT COUNT(*) FROM uploads WHERE dir = ?1 AND lower(stem) = lower(?2)",
            [dir, stem],
            |r| r.get(0),
        )?;
        Ok(n > 0)
    }
}

fn read_record(r: &Row<'_>) -> rusqlite::Result<Record> {
    let kind: String = r.get(2)?;
    let tags: String = r.get(15)?;
    let dir: String = r.get(3)?;
    let thumb_file: Option<String> = r.get(23)?;
    let medium_file: Option<String> = r.get(25)?;
    Ok(Record {
        id: r.get(0)?,
        secret: r.get(1)?,
        kind: if kind == "video" { Kind::Video } else { Kind::Image },
        dir,
        stem: r.get(4)?,
        ext: r.get(5)?,
        mime: r.get(6)?,
        size: r.get::<_, i64>(7)?.max(0) as u64,
        width: r.get(8)?,
        height: r.get(9)?,
        date: r.get(10)?,
        created: r.get(11)?,
        expires: r.get(12)?,
        title: r.get(13)?,
        description: r.get(14)?,
        tags: serde_json::from_str(&tags).unwrap_or_default(),
        nsfw: r.get(16)?,
        category_id: r.get(17)?,
        original_filename: r.get(18)?,
        md5: r.get(19)?,
        sha256: r.get(20)?,
        ip: r.get(21)?,
        animated: r.get(22)?,
        thumb: thumb_file.map(|file| Variant { file, mime: "image/jpeg".into() }),
        medium: match medium_file {
            Some(file) => Some(Variant { file, mime: r.get::<_, Option<String>>(26)?.unwrap_or_default() }),
            None => None,
        },
    })
}
