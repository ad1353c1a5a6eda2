//! Sending a recorded job again: a queued job whose process died mid-upload, one waiting for its
//! next attempt, or a failed or cancelled one the person retries. The row keeps its id, so the
//! history shows one entry per upload however many attempts it took.

use super::{input, prepare_file, send, Core, Failure, Outcome, Queued, Target};
use crate::api::{ProgressFn, Source, UploadOptions};
use crate::error::{Error, Result};
use crate::history::{Entry, Status};
use crate::media::resize::PrepareOptions;
use crate::queue::owner;

/// Takes job `id` for this process and sends it through the queue. Refused while another live
/// Slingshot process is sending it, and for uploads that are already on the server.
pub async fn resume(
    core: &Core,
    id: i64,
    progress: Option<ProgressFn>,
) -> std::result::Result<Outcome, Failure> {
    let entry = core
        .history
        .get(id)?
        .ok_or_else(|| Error::invalid(format!("There is no upload #{id} in the history")))?;
    take(core, &entry)?;
    let with_id = |error: Error| Failure { history_id: Some(id), error, retry_at: None };
    let target = match target_for(core, &entry) {
        Ok(t) => t,
        Err(e) => return Err(with_id(record_failure(core, id, e))),
    };
    let queued = match rebuild(core, &entry) {
        Ok(q) => q,
        Err(e) => return Err(with_id(record_failure(core, id, e))),
    };
    send(core, &target, queued, progress).await
}

/// Claims the row: a queued row from its (gone) owner, a failed or cancelled one by requeueing it.
fn take(core: &Core, e: &Entry) -> Result<()> {
    match e.status {
        Status::Uploaded | Status::Deleted => {
            return Err(Error::invalid(format!("Upload #{} is already on the server", e.id)))
        }
        _ if core.queue.is_running(e.id) => {
            return Err(Error::invalid(format!("Upload #{} is already being sent", e.id)))
        }
        _ => {}
    }
    if let Some(o) = e.owner.as_deref().filter(|o| *o != owner::me() && owner::is_alive(o)) {
        let pid = o.split(':').next().unwrap_or(o);
        return Err(Error::invalid(format!(
            "Upload #{} is being sent by another Slingshot process (pid {pid}); cancel it there or wait",
            e.id
        )));
    }
    let me = owner::me();
    let taken = if e.status.is_queued() {
        core.history.claim(e.id, me, e.owner.as_deref())?
    } else {
        core.history.requeue(e.id, me, e.owner.as_deref())?
    };
    if !taken {
        return Err(Error::invalid(format!("Upload #{} was taken by another Slingshot process", e.id)));
    }
    Ok(())
}

/// The row's profile if it still exists, else its server with the key from `SLINGSHOT_API_KEY`.
fn target_for(core: &Core, e: &Entry) -> Result<Target> {
    let known = core.settings.profiles.iter().any(|p| p.name == e.profile);
    if known {
        super::target::resolve(&core.settings, &core.keys, Some(&e.profile), None)
    } else {
        super::target::resolve(&core.settings, &core.keys, None, Some(&e.server))
    }
}

/// Prepares the row's source again the way it was first prepared.
fn rebuild(core: &Core, e: &Entry) -> Result<Queued> {
    let options: UploadOptions =
        e.options_json.as_deref().and_then(|j| serde_json::from_str(j).ok()).unwrap_or_default();
    let prepare: PrepareOptions =
        e.prepare_json.as_deref().and_then(|j| serde_json::from_str(j).ok()).unwrap_or_default();
    let mut warnings = Vec::new();
    let (send, temp) = match &e.local_path {
        Some(path) => {
            if !path.exists() {
                return Err(Error::invalid(format!(
                    "Upload #{}: the local file {} is gone, so it cannot be sent again",
                    e.id,
                    path.display()
                )));
            }
            let prepared = prepare_file(core, path, &options, &prepare, &mut warnings)?;
            let temp = prepared.rewritten.then(|| prepared.path.clone());
            (Source::File(prepared.path), temp)
        }
        None if input::looks_like_url(&e.source) => (Source::Url(e.source.clone()), None),
        None => {
            return Err(Error::invalid(format!(
                "Upload #{} has no local file or URL to send again (in-memory data is not kept)",
                e.id
            )))
        }
    };
    Ok(Queued { history_id: e.id, warnings, local_path: e.local_path.clone(), send, temp, options })
}

/// Marks the row failed with `e` (a job that can't be rebuilt would otherwise look queued
/// forever) and gives the error back.
fn record_failure(core: &Core, id: i64, e: Error) -> Error {
    let kind = serde_json::to_value(e.kind()).ok().and_then(|v| v.as_str().map(String::from));
    if let Err(h) = core.history.set_failed(id, kind.as_deref().unwrap_or("unknown"), &e.to_string()) {
        tracing::warn!("cannot record the failure of upload #{id}: {h}");
    }
    e
}
