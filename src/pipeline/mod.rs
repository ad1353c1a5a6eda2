//! The upload pipeline shared by the CLI and the desktop app: check the input, keep a local copy
//! of in-memory sources, probe and prepare the image (resize, strip metadata), record the job in
//! the history (the persistent queue) before any byte is sent, then send it through the queue
//! (retries, pauses, cancellation) and record the outcome.

pub mod check_server;
pub mod expand;
pub mod input;
mod resume;
pub mod target;

pub use resume::resume;

use crate::api::{params, Client, ProgressFn, Source, UploadOptions, Uploaded};
use crate::config::{KeyStore, Paths, Settings};
use crate::error::{Error, Result};
use crate::history::{History, NewEntry};
use crate::media::{self, resize::PrepareOptions};
use crate::queue::{self, Mode, Queue};
use std::path::{Path, PathBuf};
pub use target::Target;

/// Everything an upload needs, opened once per process (the CLI) or per app run.
pub struct Core {
    /// Where files live.
    pub paths: Paths,
    /// The loaded settings.
    pub settings: Settings,
    /// The one HTTP client.
    pub client: Client,
    /// The history database.
    pub history: History,
    /// The key store.
    pub keys: KeyStore,
    /// Retries, per-server gates and the jobs running in this process.
    pub queue: Queue,
}

impl Core {
    /// Opens the history and the HTTP client for a one-shot command ([`Mode::Foreground`]).
    pub fn open(paths: Paths, settings: Settings) -> Result<Core> {
        Core::open_with_mode(paths, settings, Mode::Foreground)
    }

    /// Opens the history and the HTTP client; `mode` says how failed attempts are handled.
    pub fn open_with_mode(paths: Paths, settings: Settings, mode: Mode) -> Result<Core> {
        let history = History::open(&paths.history_db())?;
        let keys = KeyStore::new(&paths);
        let queue = Queue::new(&settings, mode);
        Ok(Core { client: Client::new()?, history, keys, paths, settings, queue })
    }

    fn ctx(&self) -> queue::Ctx<'_> {
        queue::Ctx { queue: &self.queue, history: &self.history, client: &self.client }
    }
}

/// One thing to upload, with its options.
#[derive(Debug, Clone)]
pub struct Job {
    /// What to send. `Bytes` are first saved under the captures folder.
    pub source: Source,
    /// API options (already merged with the profile's defaults).
    pub options: UploadOptions,
    /// Client-side preparation.
    pub prepare: PrepareOptions,
}

/// A finished upload.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The history row.
    pub history_id: i64,
    /// What the server answered.
    pub uploaded: Uploaded,
    /// Things the person should know (title cut, resize skipped...).
    pub warnings: Vec<String>,
    /// The local file that was uploaded from (the original or the saved capture).
    pub local_path: Option<PathBuf>,
}

/// A failed upload: the error, and the history row if one was written (so it can be retried).
#[derive(Debug)]
pub struct Failure {
    /// The history row, when the job got that far.
    pub history_id: Option<i64>,
    /// What went wrong (the last attempt's error).
    pub error: Error,
    /// `Some(at)` when the job is still queued and goes out again at `at` (RFC 3339 UTC): the
    /// server could not be reached or paused us. `None`: failed for good, or cancelled.
    pub retry_at: Option<String>,
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Failure { history_id: None, error, retry_at: None }
    }
}

/// A job recorded in the queue and ready to send.
#[derive(Debug)]
pub struct Queued {
    /// The history row.
    pub history_id: i64,
    /// Notes from the preparation.
    pub warnings: Vec<String>,
    /// The local file (original or saved capture).
    pub local_path: Option<PathBuf>,
    send: Source,
    temp: Option<PathBuf>,
    options: UploadOptions,
}

/// Runs one job to the end: [`enqueue`] then [`send`].
pub async fn upload(
    core: &Core,
    target: &Target,
    job: Job,
    progress: Option<ProgressFn>,
) -> std::result::Result<Outcome, Failure> {
    let queued = enqueue(core, target, job)?;
    send(core, target, queued, progress).await
}

/// Sends a queued job through the queue (slots, retries, pauses, cancellation) and removes the
/// temporary prepared copy afterwards.
pub async fn send(
    core: &Core,
    target: &Target,
    q: Queued,
    progress: Option<ProgressFn>,
) -> std::result::Result<Outcome, Failure> {
    let id = q.history_id;
    core.queue.start(id);
    let result = queue::send(core.ctx(), &target.server, id, &q.send, &q.options, progress).await;
    core.queue.finish(id);
    if let Some(t) = &q.temp {
        // The rewritten copy was only for sending; the original stays where it was. A job that
        // stays queued prepares it again when it resumes.
        let _ = std::fs::remove_file(t);
    }
    match result {
        Ok(uploaded) => {
            Ok(Outcome { history_id: id, uploaded, warnings: q.warnings, local_path: q.local_path })
        }
        Err(u) => Err(Failure { history_id: Some(id), error: u.error, retry_at: u.retry_at }),
    }
}

/// Checks and prepares a job and records it in the queue (a history row owned by this process)
/// without sending anything. Local checks fail without a history row; from the moment a request
/// may be sent, the job has a row that ends uploaded, failed, queued or cancelled.
pub fn enqueue(core: &Core, target: &Target, job: Job) -> std::result::Result<Queued, Failure> {
    // Refuse a key-leaking transport before anything is recorded or read.
    crate::api::client::check_transport(&target.server.base_url, target.server.allow_insecure_http)?;
    let validated = params::validate(&job.options)?;
    let mut warnings = validated.warnings;
    warnings.extend(crate::api::client::clear_text_warning(&target.server.base_url));
    let options = validated.options;
    let source = match job.source {
        Source::Bytes { data, filename } => {
            Source::File(save_bytes(&core.paths.captures_dir(), &filename, &data)?)
        }
        other => other,
    };
    let (send, entry, temp) = match source {
        Source::File(path) => {
            let prepared = prepare_file(core, &path, &options, &job.prepare, &mut warnings)?;
            let entry = NewEntry {
                source: path.display().to_string(),
                local_path: Some(path.clone()),
                profile: target.profile_name.clone(),
                server: target.server.base_url.to_string(),
                size: std::fs::metadata(&prepared.path).ok().map(|m| m.len()),
                width: prepared.width,
                height: prepared.height,
                mime: Some(prepared.sniffed.mime.to_string()),
                options_json: serde_json::to_string(&options).ok(),
                prepare_json: serde_json::to_string(&job.prepare).ok(),
                owner: Some(queue::owner::me().to_string()),
            };
            let temp = prepared.rewritten.then(|| prepared.path.clone());
            (Source::File(prepared.path), entry, temp)
        }
        Source::Url(u) => {
            input::check_url(&u)?;
            (Source::Url(u.clone()), remote_entry(target, u, &options), None)
        }
        Source::Base64(b) => (Source::Base64(b), remote_entry(target, "base64".into(), &options), None),
        Source::Bytes { .. } => return Err(Error::invalid("in-memory source was not saved").into()),
    };
    let history_id = match core.history.add(&entry) {
        Ok(id) => id,
        Err(e) => {
            if let Some(t) = &temp {
                let _ = std::fs::remove_file(t);
            }
            return Err(e.into());
        }
    };
    Ok(Queued { history_id, warnings, local_path: entry.local_path, send, temp, options })
}

fn remote_entry(target: &Target, source: String, options: &UploadOptions) -> NewEntry {
    NewEntry {
        source,
        local_path: None,
        profile: target.profile_name.clone(),
        server: target.server.base_url.to_string(),
        size: None,
        width: None,
        height: None,
        mime: None,
        options_json: serde_json::to_string(options).ok(),
        prepare_json: None,
        owner: Some(queue::owner::me().to_string()),
    }
}

/// Checks a local file, probes it and makes the copy to send (resized/stripped) when needed.
pub(crate) fn prepare_file(
    core: &Core,
    path: &Path,
    options: &UploadOptions,
    prep: &PrepareOptions,
    warnings: &mut Vec<String>,
) -> Result<media::resize::Prepared> {
    input::check_file(path)?;
    let info = media::probe::probe(path)?;
    if let (Some(w), Some(info)) = (options.width, info.as_ref()) {
        // The server answers 610 for this; say it locally with the numbers.
        let expected = prep.resize_width.map_or(info.width, |r| r.min(info.width));
        params::check_width(w, expected)?;
    }
    let work = core.paths.work_dir();
    std::fs::create_dir_all(&work).map_err(|e| Error::io("Cannot create", &work, e))?;
    let prepared = media::resize::prepare(path, prep, &work)?;
    warnings.extend(prepared.notes.iter().cloned());
    Ok(prepared)
}

/// Saves in-memory bytes (a capture, the clipboard, stdin) under `dir` before anything is sent,
/// so a failed upload loses nothing. The name is `<stem>-<local date and time>.<sniffed ext>`,
/// with `-2`, `-3`... when taken: readable on disk and on the server.
pub fn save_bytes(dir: &Path, filename: &str, data: &[u8]) -> Result<PathBuf> {
    let sniffed = media::sniff::sniff_bytes(data)?;
    let stem = Path::new(filename)
        .file_stem()
        .and_then(|s| s.to_str())
        .map(|s| s.chars().filter(|c| c.is_alphanumeric() || "-_".contains(*c)).collect::<String>())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "capture".to_string());
    let stamp = crate::fsutil::local_stamp();
    // Never overwrites an earlier capture saved in the same second: `-2`, `-3`... instead.
    crate::fsutil::create_unique(dir, &format!("{stem}-{stamp}.{}", sniffed.ext), |w| {
        use std::io::Write;
        w.write_all(data).map_err(|e| Error::io("Cannot save into", dir, e))
    })
}

/// Deletes an upload on its server through the stored delete URL, then marks it deleted.
/// Only called on an explicit request: a GET on a delete URL deletes at once.
pub async fn delete_remote(core: &Core, history_id: i64) -> Result<crate::history::Entry> {
    let entry = core
        .history
        .get(history_id)?
        .ok_or_else(|| Error::invalid(format!("There is no upload #{history_id} in the history")))?;
    let delete_url = entry.uploaded.as_ref().and_then(|u| u.delete_url.clone()).ok_or_else(|| {
        Error::invalid(format!("Upload #{history_id} has no delete link (the server did not give one)"))
    })?;
    core.client.delete(&delete_url).await?;
    core.history.set_deleted(history_id)?;
    Ok(entry)
}
