//! Sending one recorded job until it is uploaded, fails for good, waits in the queue, or is
//! cancelled. Each attempt is counted in the history; between attempts the row shows the last
//! error and when the next attempt is due.

use super::policy::{Mode, Verdict};
use super::Queue;
use crate::api::{Client, ProgressFn, ServerConfig, Source, UploadOptions, Uploaded};
use crate::error::Error;
use crate::history::{History, Status};
use std::time::Duration;

/// Waits at most this long inside one run; longer delays leave the job queued for the worker
/// (the app) or `slingshot-cli queue retry`.
const INLINE_WAIT: Duration = Duration::from_secs(20);
/// Attempts per run in the app before a job that keeps failing is handed to the queue worker, so
/// the person hears "queued" within seconds instead of after a long series of retries.
const PERSISTENT_INLINE_ATTEMPTS: u32 = 2;
/// How often a running upload checks whether another process cancelled it.
const CANCEL_POLL: Duration = Duration::from_millis(400);

/// A successful send.
pub type Sent = Uploaded;

/// Why a job was not uploaded in this run.
#[derive(Debug)]
pub struct Unsent {
    /// The last error (for a cancelled job, an [`Error::InvalidInput`] saying so).
    pub error: Error,
    /// `Some(at)` when the job stays queued and goes out again at `at` (RFC 3339 UTC); `None`
    /// when it failed for good or was cancelled.
    pub retry_at: Option<String>,
}

impl From<Error> for Unsent {
    fn from(error: Error) -> Self {
        Unsent { error, retry_at: None }
    }
}

fn kind_name(e: &Error) -> String {
    serde_json::to_value(e.kind()).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default()
}

fn at(d: Duration) -> crate::error::Result<String> {
    let d = time::Duration::try_from(d).unwrap_or(time::Duration::DAY);
    crate::history::stamp(time::OffsetDateTime::now_utc() + d)
}

fn cancelled(id: i64) -> Error {
    Error::invalid(format!("Upload #{id} was cancelled"))
}

fn is_cancelled(history: &History, id: i64) -> bool {
    // A forgotten row counts as cancelled too: nobody wants it any more.
    matches!(history.status(id), Ok(Some(Status::Cancelled)) | Ok(None))
}

/// Resolves when the row is cancelled (polling the database, so a cancel from another process
/// is seen too).
async fn cancel_watch(history: &History, id: i64) {
    loop {
        tokio::time::sleep(CANCEL_POLL).await;
        if is_cancelled(history, id) {
            return;
        }
    }
}

/// Sleeps `d` unless the job is cancelled first; `false` when cancelled.
async fn wait(history: &History, id: i64, d: Duration) -> bool {
    tokio::select! {
        () = tokio::time::sleep(d) => !is_cancelled(history, id),
        () = cancel_watch(history, id) => false,
    }
}

/// What [`send`] works with: the process's queue, the history and the HTTP client.
#[derive(Clone, Copy)]
pub struct Ctx<'a> {
    /// Policy, gates and running jobs.
    pub queue: &'a Queue,
    /// Where attempts and outcomes are recorded.
    pub history: &'a History,
    /// The HTTP client.
    pub client: &'a Client,
}

/// Sends recorded job `id` to `server`: waits for a slot and for any pause of that server, counts
/// each attempt, retries per the queue's policy, and records the outcome in the history.
pub async fn send(
    ctx: Ctx<'_>,
    server: &ServerConfig,
    id: i64,
    source: &Source,
    options: &UploadOptions,
    progress: Option<ProgressFn>,
) -> Result<Sent, Unsent> {
    let Ctx { queue, history, client } = ctx;
    let gate = queue.gates.get(server.base_url.as_str());
    // The app's backoff grows with every attempt the job ever had; a command's restarts per run.
    let prior = match queue.mode {
        Mode::Persistent => history.get(id)?.map_or(0, |e| e.attempts),
        Mode::Foreground => 0,
    };
    let mut attempt = 0u32;
    loop {
        if is_cancelled(history, id) {
            return Err(cancelled(id).into());
        }
        if let Some(left) = gate.paused_for() {
            let until = at(left)?;
            if left > INLINE_WAIT || queue.mode == Mode::Foreground {
                let e = Error::invalid(format!(
                    "Uploads to {} are paused after the server answered \"Flooding detected\"; this one is queued",
                    server.base_url.host_str().unwrap_or("the server")
                ));
                history.set_waiting(id, "rejected", &e.to_string(), &until)?;
                return Err(Unsent { error: e, retry_at: Some(until) });
            }
            if !wait(history, id, left).await {
                return Err(cancelled(id).into());
            }
        }
        let permit = gate.slot().await;
        if is_cancelled(history, id) {
            return Err(cancelled(id).into());
        }
        history.set_uploading(id)?;
        attempt += 1;
        let result = tokio::select! {
            r = client.upload(server, source.clone(), options, progress.clone()) => r,
            () = cancel_watch(history, id) => return Err(cancelled(id).into()),
        };
        drop(permit);
        let error = match result {
            Ok(up) => {
                history.set_uploaded(id, &up)?;
                return Ok(up);
            }
            Err(e) => e,
        };
        let (kind, message) = (kind_name(&error), error.to_string());
        match queue.policy.verdict(&error, prior + attempt, queue.mode) {
            Verdict::GiveUp => {
                history.set_failed(id, &kind, &message)?;
                return Err(error.into());
            }
            Verdict::Pause(d) => {
                gate.pause(d);
                let until = at(d)?;
                tracing::warn!(id, server = %server.base_url, "flooding detected: uploads paused");
                history.set_waiting(id, &kind, &message, &until)?;
                return Err(Unsent { error, retry_at: Some(until) });
            }
            Verdict::Retry(d) => {
                let until = at(d)?;
                tracing::info!(id, attempt, delay_ms = d.as_millis(), "upload failed ({kind}), retrying");
                history.set_waiting(id, &kind, &message, &until)?;
                let handed_over = queue.mode == Mode::Persistent && attempt >= PERSISTENT_INLINE_ATTEMPTS;
                if d > INLINE_WAIT || handed_over {
                    return Err(Unsent { error, retry_at: Some(until) });
                }
                if !wait(history, id, d).await {
                    return Err(cancelled(id).into());
                }
            }
        }
    }
}
