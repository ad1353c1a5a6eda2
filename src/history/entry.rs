//! The history's records: [`Status`], what the pipeline adds ([`NewEntry`]) and what it reads back
//! ([`Entry`]), plus the mapping to and from SQLite rows.

use crate::api::Uploaded;
use crate::error::{Error, Result};
use rusqlite::types::{ToSqlOutput, Value, ValueRef};
use rusqlite::Row;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::path::PathBuf;

/// Where an upload stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Recorded, not started.
    Pending,
    /// Being sent.
    Uploading,
    /// On the server; the URLs are known.
    Uploaded,
    /// Failed; `error_kind` and `error` say why.
    Failed,
    /// Deleted from the server.
    Deleted,
    /// Cancelled by the person before it was uploaded; kept (with its local file) until forgotten.
    Cancelled,
}

impl Status {
    /// Every state.
    pub const ALL: [Status; 6] = [
        Status::Pending,
        Status::Uploading,
        Status::Uploaded,
        Status::Failed,
        Status::Deleted,
        Status::Cancelled,
    ];

    /// Whether the job is still in the queue (waiting or being sent).
    pub fn is_queued(self) -> bool {
        matches!(self, Status::Pending | Status::Uploading)
    }

    /// The stored (and serialized) name.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Uploading => "uploading",
            Status::Uploaded => "uploaded",
            Status::Failed => "failed",
            Status::Deleted => "deleted",
            Status::Cancelled => "cancelled",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|st| st.as_str() == s)
    }
}

/// An upload about to start.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NewEntry {
    /// File path, URL or "clipboard".
    pub source: String,
    /// The file kept locally (capture or original).
    pub local_path: Option<PathBuf>,
    /// Profile name.
    pub profile: String,
    /// Base URL of the server.
    pub server: String,
    /// Size in bytes of what is sent.
    pub size: Option<u64>,
    /// Width in pixels.
    pub width: Option<u32>,
    /// Height in pixels.
    pub height: Option<u32>,
    /// MIME type.
    pub mime: Option<String>,
    /// Upload options (JSON) to retry with.
    pub options_json: Option<String>,
    /// Local preparation (JSON [`crate::media::resize::PrepareOptions`]) to resume with.
    pub prepare_json: Option<String>,
    /// The process that will send it (see [`crate::queue::owner`]); `None` lets any worker take it.
    pub owner: Option<String>,
}

/// One upload in the history.
#[derive(Clone, Serialize)]
pub struct Entry {
    /// Row id.
    pub id: i64,
    /// When it was added (RFC 3339, UTC).
    pub created_at: String,
    /// Last change (RFC 3339, UTC).
    pub updated_at: String,
    /// Where it stands.
    pub status: Status,
    /// The [`crate::ErrorKind`] of the last failure, as its snake_case name.
    pub error_kind: Option<String>,
    /// The last failure's message.
    pub error: Option<String>,
    /// How many times sending started.
    pub attempts: u32,
    /// File path, URL or "clipboard".
    pub source: String,
    /// The file kept locally.
    pub local_path: Option<PathBuf>,
    /// Profile name.
    pub profile: String,
    /// Base URL of the server.
    pub server: String,
    /// Size in bytes.
    pub size: Option<u64>,
    /// Width in pixels.
    pub width: Option<u32>,
    /// Height in pixels.
    pub height: Option<u32>,
    /// MIME type.
    pub mime: Option<String>,
    /// Upload options (JSON) to retry with.
    pub options_json: Option<String>,
    /// Local preparation (JSON) to resume with.
    pub prepare_json: Option<String>,
    /// When a waiting job may be sent again (RFC 3339 UTC); `None` means now.
    pub next_attempt_at: Option<String>,
    /// The process sending it, while queued.
    #[serde(skip)]
    pub owner: Option<String>,
    /// The server's answer, once uploaded (kept after deletion).
    pub uploaded: Option<Uploaded>,
}

impl Entry {
    /// How the entry is named in lists and notifications: the local file's name, else the
    /// source (a URL, or "clipboard").
    pub fn display_name(&self) -> String {
        self.local_path
            .as_ref()
            .and_then(|p| p.file_name())
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| self.source.clone())
    }
}

/// Like the derived Debug, but the delete URL (a GET on it deletes the image) is hidden so an
/// entry logged with `{:?}` can't leak it.
impl fmt::Debug for Entry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let uploaded = self.uploaded.clone().map(|mut u| {
            if u.delete_url.is_some() {
                u.delete_url = Some("<redacted>".into());
            }
            u
        });
        f.debug_struct("Entry")
            .field("id", &self.id)
            .field("created_at", &self.created_at)
            .field("updated_at", &self.updated_at)
            .field("status", &self.status)
            .field("error_kind", &self.error_kind)
            .field("error", &self.error)
            .field("attempts", &self.attempts)
            .field("source", &self.source)
            .field("local_path", &self.local_path)
            .field("profile", &self.profile)
            .field("server", &self.server)
            .field("size", &self.size)
            .field("width", &self.width)
            .field("height", &self.height)
            .field("mime", &self.mime)
            .field("options_json", &self.options_json)
            .field("prepare_json", &self.prepare_json)
            .field("next_attempt_at", &self.next_attempt_at)
            .field("owner", &self.owner)
            .field("uploaded", &uploaded)
            .finish()
    }
}

/// The columns [`from_row`] reads, in a SELECT.
pub(crate) const COLUMNS: &str = "id, created_at, updated_at, status, error_kind, error, attempts, \
    source, local_path, profile, server, size, width, height, mime, options_json, url, url_viewer, \
    url_short, delete_url, thumb_url, medium_url, remote_id, remote_width, remote_height, \
    remote_size, remote_mime, media_type, expiration_date_gmt, filename, original_filename, \
    prepare_json, next_attempt_at, owner";

/// A path as stored: text when it is UTF-8 (searchable, readable), raw bytes otherwise (unix paths
/// need not be UTF-8 and must round-trip exactly).
pub(crate) fn path_to_sql(p: &std::path::Path) -> ToSqlOutput<'static> {
    match p.to_str() {
        Some(s) => ToSqlOutput::Owned(Value::Text(s.to_string())),
        None => {
            #[cfg(unix)]
            {
                use std::os::unix::ffi::OsStrExt;
                ToSqlOutput::Owned(Value::Blob(p.as_os_str().as_bytes().to_vec()))
            }
            #[cfg(not(unix))]
            {
                ToSqlOutput::Owned(Value::Text(p.to_string_lossy().into_owned()))
            }
        }
    }
}

fn path_from_sql(v: ValueRef<'_>) -> Option<PathBuf> {
    match v {
        ValueRef::Text(t) => Some(PathBuf::from(String::from_utf8_lossy(t).into_owned())),
        #[cfg(unix)]
        ValueRef::Blob(b) => {
            use std::os::unix::ffi::OsStrExt;
            Some(PathBuf::from(std::ffi::OsStr::from_bytes(b)))
        }
        #[cfg(not(unix))]
        ValueRef::Blob(b) => Some(PathBuf::from(String::from_utf8_lossy(b).into_owned())),
        _ => None,
    }
}

/// SQLite integers are i64; sizes and dimensions are unsigned. Out-of-range values (only from a
/// hand-edited database) read as absent rather than failing the whole list.
fn opt_u64(row: &Row<'_>, col: &str) -> rusqlite::Result<Option<u64>> {
    Ok(row.get::<_, Option<i64>>(col)?.and_then(|v| u64::try_from(v).ok()))
}

fn opt_u32(row: &Row<'_>, col: &str) -> rusqlite::Result<Option<u32>> {
    Ok(row.get::<_, Option<i64>>(col)?.and_then(|v| u32::try_from(v).ok()))
}

/// Builds an [`Entry`] from a row selected with [`COLUMNS`].
pub(crate) fn from_row(row: &Row<'_>) -> rusqlite::Result<Entry> {
    let status_text: String = row.get("status")?;
    let status = Status::parse(&status_text).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(
            3,
            rusqlite::types::Type::Text,
            format!("unknown status \"{status_text}\"").into(),
        )
    })?;
    let url: Option<String> = row.get("url")?;
    let uploaded = match url {
        Some(url) => Some(Uploaded {
            url,
            url_viewer: row.get("url_viewer")?,
            url_short: row.get("url_short")?,
            delete_url: row.get("delete_url")?,
            thumb_url: row.get("thumb_url")?,
            medium_url: row.get("medium_url")?,
            id: row.get("remote_id")?,
            width: opt_u32(row, "remote_width")?,
            height: opt_u32(row, "remote_height")?,
            size: opt_u64(row, "remote_size")?,
            mime: row.get("remote_mime")?,
            media_type: row.get("media_type")?,
            expiration_date_gmt: row.get("expiration_date_gmt")?,
            filename: row.get("filename")?,
            original_filename: row.get("original_filename")?,
        }),
        None => None,
    };
    Ok(Entry {
        id: row.get("id")?,
        created_at: row.get("created_at")?,
        updated_at: row.get("updated_at")?,
        status,
        error_kind: row.get("error_kind")?,
        error: row.get("error")?,
        attempts: opt_u32(row, "attempts")?.unwrap_or(0),
        source: row.get("source")?,
        local_path: path_from_sql(row.get_ref("local_path")?),
        profile: row.get("profile")?,
        server: row.get("server")?,
        size: opt_u64(row, "size")?,
        width: opt_u32(row, "width")?,
        height: opt_u32(row, "height")?,
        mime: row.get("mime")?,
        options_json: row.get("options_json")?,
        prepare_json: row.get("prepare_json")?,
        next_attempt_at: row.get("next_attempt_at")?,
        owner: row.get("owner")?,
        uploaded,
    })
}

/// A size for an INTEGER column.
pub(crate) fn size_to_sql(v: Option<u64>) -> Result<Option<i64>> {
    v.map(|n| i64::try_from(n).map_err(|_| Error::History(format!("size {n} is too large to record"))))
        .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_names_round_trip() {
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), Some(s));
            assert_eq!(serde_json::to_string(&s).expect("json"), format!("\"{}\"", s.as_str()));
        }
        assert_eq!(Status::parse("nope"), None);
    }
}
