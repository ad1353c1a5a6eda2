//! Reading the history: one entry, filtered lists (newest first), lookup by any of an upload's
//! URLs, and the JSON export.

use super::entry::{from_row, Entry, Status, COLUMNS};
use super::History;
use crate::error::{Error, Result};
use rusqlite::{params, OptionalExtension};

/// Which entries [`History::list`] returns.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Query {
    /// At most this many (`None`: all).
    pub limit: Option<u32>,
    /// Case-insensitive text found in the source, local path, title, file names or URLs.
    pub search: Option<String>,
    /// Only entries in this state.
    pub status: Option<Status>,
}

/// `%text%` for LIKE, with the pattern characters in `text` escaped.
fn like_pattern(text: &str) -> String {
    let mut p = String::with_capacity(text.len() + 2);
    p.push('%');
    for ch in text.chars() {
        if matches!(ch, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(ch);
    }
    p.push('%');
    p
}

impl History {
    /// One entry by id.
    pub fn get(&self, id: i64) -> Result<Option<Entry>> {
        let sql = format!("SELECT {COLUMNS} FROM uploads WHERE id = ?1");
        self.with_conn(|c| c.query_row(&sql, [id], from_row).optional())
    }

    /// Entries matching `q`, newest first.
    pub fn list(&self, q: &Query) -> Result<Vec<Entry>> {
        let search = q.search.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(like_pattern);
        let status = q.status.map(Status::as_str);
        let limit = q.limit.map_or(-1, i64::from);
        // The delete URL is deliberately not searched: it is a secret, not something to look up.
        let sql = format!(
            "SELECT {COLUMNS} FROM uploads \
             WHERE (?1 IS NULL OR status = ?1) \
             AND (?2 IS NULL \
                  OR source LIKE ?2 ESCAPE '\\' \
                  OR CAST(local_path AS TEXT) LIKE ?2 ESCAPE '\\' \
                  OR (CASE WHEN json_valid(options_json) THEN json_extract(options_json, '$.title') END) \
                     LIKE ?2 ESCAPE '\\' \
                  OR filename LIKE ?2 ESCAPE '\\' OR original_filename LIKE ?2 ESCAPE '\\' \
                  OR url LIKE ?2 ESCAPE '\\' OR url_viewer LIKE ?2 ESCAPE '\\' \
                  OR url_short LIKE ?2 ESCAPE '\\' OR thumb_url LIKE ?2 ESCAPE '\\' \
                  OR medium_url LIKE ?2 ESCAPE '\\') \
             ORDER BY id DESC LIMIT ?3"
        );
        self.with_conn(|c| {
            let mut stmt = c.prepare_cached(&sql)?;
            let rows = stmt.query_map(params![status, search, limit], from_row)?;
            rows.collect()
        })
    }

    /// The newest entry one of whose URLs (direct, viewer, short, delete, thumbnail) is `url`.
    pub fn find_by_url(&self, url: &str) -> Result<Option<Entry>> {
        let url = url.trim();
        if url.is_empty() {
            return Ok(None);
        }
        let sql = format!(
            "SELECT {COLUMNS} FROM uploads WHERE url = ?1 OR url_viewer = ?1 OR url_short = ?1 \
             OR delete_url = ?1 OR thumb_url = ?1 ORDER BY id DESC LIMIT 1"
        );
        self.with_conn(|c| c.query_row(&sql, [url], from_row).optional())
    }

    /// Every entry as a pretty JSON array (newest first). Includes delete URLs: the export is the
    /// person's own record and they are needed to delete.
    pub fn export_json(&self) -> Result<String> {
        let all = self.list(&Query::default())?;
        serde_json::to_string_pretty(&all).map_err(|e| Error::History(format!("cannot export as JSON: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_pattern_escapes_wildcards() {
        assert_eq!(like_pattern("a%b_c\\"), "%a\\%b\\_c\\\\%");
    }
}
