//! `slingshot-cli queue list | retry [ID...] | cancel ID...`: the persistent upload queue seen from
//! the command line. Jobs are history rows not uploaded yet; `retry` sends them from this process
//! (the running app's own jobs are left to it), `cancel` also stops a job another process sends.

use super::args::QueueCommand;
use crate::error::{Error, ErrorPayload, Result};
use crate::history::{Entry, Status};
use crate::pipeline::{self, Core};
use crate::queue::owner;
use futures_util::StreamExt;

/// Runs a `queue` action. `Ok(false)` when something asked for did not succeed.
pub async fn run(cmd: QueueCommand) -> Result<bool> {
    let core = super::open_core()?;
    match cmd {
        QueueCommand::List { json } => list(&core, json),
        QueueCommand::Retry { ids, json } => retry(&core, ids, json).await,
        QueueCommand::Cancel { ids } => cancel(&core, &ids),
    }
}

/// What a queued row is doing, in words.
fn state(e: &Entry) -> String {
    let live_owner = e.owner.as_deref().filter(|o| owner::is_alive(o) && *o != owner::me());
    match e.status {
        Status::Uploading if live_owner.is_some() => "uploading".into(),
        Status::Uploading => "interrupted".into(),
        Status::Pending => match &e.next_attempt_at {
            Some(at) if e.attempts > 0 => format!("retry at {at}"),
            _ if live_owner.is_some() => "queued".into(),
            _ => "waiting".into(),
        },
        other => other.as_str().into(),
    }
}

fn list(core: &Core, json: bool) -> Result<bool> {
    let jobs = core.history.queue()?;
    if json {
        let v: Vec<_> = jobs
            .iter()
            .map(|e| {
                serde_json::json!({
                    "id": e.id, "status": e.status, "state": state(e), "attempts": e.attempts,
                    "next_attempt_at": e.next_attempt_at, "error_kind": e.error_kind, "error": e.error,
                    "source": e.source, "profile": e.profile, "created_at": e.created_at,
                })
            })
            .collect();
        let s = serde_json::to_string_pretty(&v).map_err(|e| Error::History(e.to_string()))?;
        println!("{s}");
        return Ok(true);
    }
    if jobs.is_empty() {
        eprintln!("The queue is empty: every upload is done.");
    }
    for e in &jobs {
        let err = e.error.as_deref().map(|m| format!("  ({m})")).unwrap_or_default();
        println!("{:>5}  {:<28}  {:>2} tries  {}{err}", e.id, state(e), e.attempts, e.source);
    }
    Ok(true)
}

/// The jobs `retry` with no id takes: failed ones, and queued ones nobody alive is sending.
fn retryable(core: &Core) -> Result<Vec<i64>> {
    Ok(core
        .history
        .queue()?
        .into_iter()
        .filter(|e| match e.status {
            Status::Failed => true,
            s if s.is_queued() => core.queue.takeable(e),
            _ => false,
        })
        .map(|e| e.id)
        .collect())
}

async fn retry(core: &Core, ids: Vec<i64>, json: bool) -> Result<bool> {
    let ids = if ids.is_empty() { retryable(core)? } else { ids };
    if ids.is_empty() {
        eprintln!("Nothing to retry: no failed or waiting uploads.");
        return Ok(true);
    }
    let concurrency = core.settings.app.concurrency.clamp(1, 16) as usize;
    let results: Vec<_> = futures_util::stream::iter(
        ids.into_iter().map(|id| async move { (id, pipeline::resume(core, id, None).await) }),
    )
    .buffered(concurrency)
    .collect()
    .await;
    let mut ok = true;
    for (id, r) in results {
        match r {
            Ok(out) => {
                let u = &out.uploaded;
                let link =
                    u.url_short.clone().or_else(|| u.url_viewer.clone()).unwrap_or_else(|| u.url.clone());
                if json {
                    println!(
                        "{}",
                        serde_json::json!({"history_id": id, "url": u.url, "url_short": u.url_short})
                    );
                } else {
                    println!("{link}");
                }
            }
            Err(f) => {
                ok = false;
                let queued = f.retry_at.as_deref().map(|at| format!(" (still queued: next try at {at})"));
                eprintln!("slingshot-cli: #{id}: {}{}", f.error, queued.unwrap_or_default());
                if json {
                    let p = ErrorPayload::from(&f.error);
                    println!("{}", serde_json::json!({"history_id": id, "error": p, "retry_at": f.retry_at}));
                }
            }
        }
    }
    Ok(ok)
}

fn cancel(core: &Core, ids: &[i64]) -> Result<bool> {
    let mut ok = true;
    for &id in ids {
        match core.history.status(id)? {
            None => {
                ok = false;
                eprintln!("slingshot-cli: there is no upload #{id} in the history");
            }
            Some(_) if core.history.cancel(id)? => {
                println!("Cancelled #{id} (the local file is kept; `queue retry {id}` sends it again)");
            }
            Some(s) => {
                ok = false;
                eprintln!("slingshot-cli: #{id} is {} and cannot be cancelled", s.as_str());
            }
        }
    }
    Ok(ok)
}
