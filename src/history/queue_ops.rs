//! The history's queue operations: who owns a queued job, when a waiting job may go again, and
//! cancelling. A job is a history row in `pending` or `uploading`; `owner` names the process that
//! sends it so two processes never send the same row, and a crashed owner's rows can be taken over.

use super::entry::{from_row, Entry, Status, COLUMNS};
use super::{now, History};
use crate::error::Result;
use rusqlite::{params, OptionalExtension};

impl History {
    /// The state of one row, `None` if it is gone (forgotten).
    pub fn status(&self, id: i64) -> Result<Option<Status>> {
        let s: Option<String> = self.with_conn(|c| {
            c.query_row("SELECT status FROM uploads WHERE id = ?1", [id], |r| r.get(0)).optional()
        })?;
        Ok(s.as_deref().and_then(Status::parse))
    }

    /// Takes a queued job for `owner` if its current owner is still `expected` (compare-and-set,
    /// so two processes resuming the same crashed job can't both take it). `true` when taken.
    pub fn claim(&self, id: i64, owner: &str, expected: Option<&str>) -> Result<bool> {
        let n = self.with_conn(|c| {
            c.execute(
                "UPDATE uploads SET owner = ?2 WHERE id = ?1 AND status IN ('pending', 'uploading') \
                 AND owner IS ?3",
                params![id, owner, expected],
            )
        })?;
        Ok(n == 1)
    }

    /// Puts a failed, cancelled or abandoned job back in the queue for `owner`, due now, if its
    /// owner is still `expected`. `true` when requeued.
    pub fn requeue(&self, id: i64, owner: &str, expected: Option<&str>) -> Result<bool> {
        let ts = now()?;
        let n = self.with_conn(|c| {
            c.execute(
                "UPDATE uploads SET status = 'pending', owner = ?2, next_attempt_at = NULL, updated_at = ?4 \
                 WHERE id = ?1 AND status IN ('pending', 'uploading', 'failed', 'cancelled') AND owner IS ?3",
                params![id, owner, expected, ts],
            )
        })?;
        Ok(n == 1)
    }

    /// Records a failed attempt that will be retried at `next_attempt_at` (RFC 3339 UTC): the job
    /// stays queued (`pending`) with the error shown until then.
    pub fn set_waiting(&self, id: i64, kind: &str, message: &str, next_attempt_at: &str) -> Result<()> {
        let ts = now()?;
        self.update(
            id,
            "UPDATE uploads SET status = 'pending', error_kind = ?2, error = ?3, next_attempt_at = ?4, \
             updated_at = ?5 WHERE id = ?1",
            params![id, kind, message, next_attempt_at, ts],
        )
    }

    /// Cancels a job that is not uploaded yet (queued or failed). The local file and the row stay,
    /// so it can still be retried. `false` when the row is not in a cancellable state.
    pub fn cancel(&self, id: i64) -> Result<bool> {
        let ts = now()?;
        let n = self.with_conn(|c| {
            c.execute(
                "UPDATE uploads SET status = 'cancelled', owner = NULL, next_attempt_at = NULL, updated_at = ?2 \
                 WHERE id = ?1 AND status IN ('pending', 'uploading', 'failed')",
                params![id, ts],
            )
        })?;
        Ok(n == 1)
    }

    /// The queue: every job not uploaded yet (pending, uploading, failed, cancelled), oldest first.
    pub fn queue(&self) -> Result<Vec<Entry>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM uploads WHERE status IN ('pending', 'uploading', 'failed', 'cancelled') \
             ORDER BY id"
        );
        self.with_conn(|c| c.prepare(&sql)?.query_map([], from_row)?.collect())
    }

    /// Queued jobs (`pending`/`uploading`) that are due at `at` (RFC 3339 UTC), oldest first;
    /// the caller decides which owners are gone.
    pub fn due(&self, at: &str) -> Result<Vec<Entry>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM uploads WHERE status IN ('pending', 'uploading') \
             AND (next_attempt_at IS NULL OR next_attempt_at <= ?1) ORDER BY id"
        );
        self.with_conn(|c| c.prepare(&sql)?.query_map([at], from_row)?.collect())
    }

    /// How many jobs are queued (pending or uploading), for the tray.
    pub fn queued_count(&self) -> Result<u64> {
        let n: i64 = self.with_conn(|c| {
            c.query_row("SELECT count(*) FROM uploads WHERE status IN ('pending', 'uploading')", [], |r| {
                r.get(0)
            })
        })?;
        Ok(u64::try_from(n).unwrap_or(0))
    }
}
