//! Running a batch of uploads: job numbers, `queued`/`progress`/`done`/`failed` events (to the
//! caller's own listener and, for uploads the window did not start, to [`Shell::upload_event`]),
//! bounded concurrency from `settings.app.concurrency`, then one clipboard copy and one
//! notification per batch, and a history refresh for the window and the tray.

use super::error::CmdError;
use super::model::{UploadEvent, UploadResult};
use super::notify::{self, Done, Failed};
use super::Shell;
use crate::api::{ProgressFn, Source, UploadOptions};
use crate::links::CopyTarget;
use crate::media::resize::PrepareOptions;
use crate::pipeline::{self, Job, Target};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// The caller's own listener for a batch's events (the window's per-call channel).
pub type EventFn = Arc<dyn Fn(UploadEvent) + Send + Sync>;

/// Where an upload was started; everything but `Window` is also announced on `upload://event`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// The window (events go to its Channel only).
    Window,
    /// A global shortcut (or the window's capture button, which does the same).
    Hotkey,
    /// The tray menu.
    Tray,
    /// `slingshot FILE...` from a file manager.
    FileManager,
    /// "Upload clipboard" from the tray or a hotkey.
    Clipboard,
    /// The queue worker resuming a job that waited (offline, paused, interrupted by a crash).
    Queue,
}

impl Origin {
    /// The `origin` field of `upload://event`, or `None` for the window.
    pub fn name(self) -> Option<&'static str> {
        match self {
            Origin::Window => None,
            Origin::Hotkey => Some("hotkey"),
            Origin::Tray => Some("tray"),
            Origin::FileManager => Some("file-manager"),
            Origin::Clipboard => Some("clipboard"),
            Origin::Queue => Some("queue"),
        }
    }
}

/// How every item of a batch is uploaded.
pub struct Batch {
    /// Destination.
    pub target: Target,
    /// API options.
    pub options: UploadOptions,
    /// Local preparation.
    pub prepare: PrepareOptions,
    /// What to copy afterwards.
    pub copy: CopyTarget,
    /// Who started it.
    pub origin: Origin,
    /// The caller's own listener, if any.
    pub channel: Option<EventFn>,
    /// Remove local files after a successful upload (captures with `keep_captures = false`).
    pub remove_after: bool,
}

impl Batch {
    /// A batch with the target's own defaults (hotkeys, tray, file manager).
    pub fn defaults(target: Target, origin: Origin) -> Batch {
        let d = target.defaults.clone();
        Batch {
            options: d.options,
            prepare: PrepareOptions {
                resize_width: d.resize_width,
                jpeg_quality: d.jpeg_quality,
                strip_metadata: d.strip_metadata,
            },
            copy: d.copy,
            origin,
            channel: None,
            remove_after: false,
            target,
        }
    }
}

/// One thing to upload: a display name and the source, or why it can't be uploaded.
pub struct Item {
    /// File name or URL, for events and messages.
    pub name: String,
    /// What to send.
    pub source: Result<Source, crate::Error>,
    /// Send this recorded history row again instead (`source` is then ignored).
    pub resume: Option<i64>,
}

impl Item {
    /// An item for something new to upload.
    pub fn new(name: String, source: Result<Source, crate::Error>) -> Item {
        Item { name, source, resume: None }
    }

    /// An item that sends history row `id` again (same row, same options, same local file).
    pub fn resumed(id: i64, name: String) -> Item {
        Item { name, source: Err(crate::Error::invalid("resumed")), resume: Some(id) }
    }

    /// An item for a local file, shown by its file name (the full path is in the history).
    pub fn file(path: PathBuf) -> Item {
        let name =
            path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
        Item::new(name, Ok(Source::File(path)))
    }
}

/// What a batch did.
#[derive(Debug, Default)]
pub struct Report {
    /// Successful uploads, in the order given.
    pub done: Vec<UploadResult>,
    /// Failures, in the order given.
    pub failed: Vec<(String, CmdError, Option<i64>)>,
    /// Jobs that did not go out yet and stay queued (name, history id, next attempt).
    pub queued: Vec<(String, i64, String)>,
}

impl Report {
    /// The results for a command: the successes, or the first error when nothing succeeded.
    pub fn into_result(self) -> Result<Vec<UploadResult>, CmdError> {
        if self.done.is_empty() {
            if let Some((_, e, _)) = self.failed.into_iter().next() {
                return Err(e);
            }
        }
        Ok(self.done)
    }
}

/// Sends events where they belong.
#[derive(Clone)]
struct Sink<S: Shell> {
    shell: S,
    channel: Option<EventFn>,
    origin: Origin,
}

impl<S: Shell> Sink<S> {
    fn send(&self, ev: UploadEvent) {
        if let Some(origin) = self.origin.name() {
            self.shell.upload_event(&ev, origin);
        }
        if let Some(ch) = &self.channel {
            ch(ev);
        }
    }
}

/// Lets a progress event through at most every `every`, plus always the last one.
#[derive(Debug)]
pub struct Throttle {
    every: Duration,
    last: Option<Instant>,
}

impl Throttle {
    /// A throttle passing one event per `every`.
    pub fn new(every: Duration) -> Throttle {
        Throttle { every, last: None }
    }

    /// Whether to send the event for `sent` of `total` bytes at `now`.
    pub fn allow(&mut self, now: Instant, sent: u64, total: u64) -> bool {
        let due = self.last.is_none_or(|t| now.duration_since(t) >= self.every);
        if due || sent >= total {
            self.last = Some(now);
            return true;
        }
        false
    }
}

/// About 20 progress events per second per job.
const PROGRESS_EVERY: Duration = Duration::from_millis(50);

fn progress_fn<S: Shell>(sink: Sink<S>, job: u64) -> ProgressFn {
    let throttle = Mutex::new(Throttle::new(PROGRESS_EVERY));
    Arc::new(move |sent, total| {
        let pass = throttle.lock().unwrap_or_else(PoisonError::into_inner).allow(Instant::now(), sent, total);
        if pass {
            sink.send(UploadEvent::Progress { job, sent, total });
        }
    })
}

/// Runs the batch to the end and returns what happened. Never fails as a whole.
pub async fn run<S: Shell>(shell: &S, batch: Batch, items: Vec<Item>) -> Report {
    let st = shell.state();
    let _running = st.batch_running();
    let sink = Sink { shell: shell.clone(), channel: batch.channel.clone(), origin: batch.origin };
    let numbered: Vec<(u64, Item)> = items.into_iter().map(|it| (st.next_job(), it)).collect();
    for (job, it) in &numbered {
        sink.send(UploadEvent::Queued { job: *job, name: it.name.clone() });
    }
    let target = Arc::new(batch.target.clone());
    let limiter = st.limiter();
    let mut handles = Vec::with_capacity(numbered.len());
    for (job, item) in numbered {
        let (core, target, limiter, sink) = (st.core.clone(), target.clone(), limiter.clone(), sink.clone());
        let (options, prepare, copy, remove_after) =
            (batch.options.clone(), batch.prepare.clone(), batch.copy, batch.remove_after);
        handles.push(st.rt.spawn(async move {
            let name = item.name;
            // The permit is held for the whole upload; a closed semaphore never happens here.
            let outcome = if let Some(id) = item.resume {
                let _permit = limiter.acquire_owned().await.ok();
                pipeline::resume(&core, id, Some(progress_fn(sink, job))).await
            } else {
                let source = match item.source {
                    Ok(s) => s,
                    Err(e) => return Err((job, name, CmdError::from(e), None, None)),
                };
                let _permit = limiter.acquire_owned().await.ok();
                let job_spec = Job { source, options, prepare };
                pipeline::upload(&core, &target, job_spec, Some(progress_fn(sink, job))).await
            };
            match outcome {
                Ok(out) => {
                    let copied = copy.render(&out.uploaded);
                    let result = UploadResult::new(out.history_id, name, &out.uploaded, copied, out.warnings);
                    if remove_after {
                        if let Some(p) = &out.local_path {
                            let _ = std::fs::remove_file(p);
                        }
                    }
                    Ok((job, result, out.local_path))
                }
                Err(f) => Err((job, name, CmdError::from(f.error), f.history_id, f.retry_at)),
            }
        }));
    }
    let mut report = Report::default();
    let mut done_notes = Vec::new();
    let mut failed_notes = Vec::new();
    for h in handles {
        match h.await {
            Ok(Ok((job, result, local))) => {
                sink.send(UploadEvent::Done { job, result: Box::new(result.clone()) });
                done_notes.push(Done {
                    link: result.copied.clone().unwrap_or_else(|| result.links.short.clone()),
                    local,
                    mime: result.mime.clone(),
                });
                report.done.push(result);
            }
            Ok(Err((job, name, error, history_id, retry_at))) => {
                tracing::warn!(job, source = %name, "upload failed: {}", error.message);
                sink.send(UploadEvent::Failed {
                    job,
                    name: name.clone(),
                    error: error.clone(),
                    history_id,
                    retry_at: retry_at.clone(),
                });
                match (retry_at, history_id) {
                    // A job the worker retried that is still waiting: no new notification.
                    (Some(_), _) if batch.origin == Origin::Queue => {}
                    (Some(at), Some(id)) => {
                        failed_notes.push(Failed {
                            name: name.clone(),
                            reason: notify::queued_reason(&error.message),
                            queued: true,
                        });
                        report.queued.push((name.clone(), id, at));
                    }
                    _ => failed_notes.push(Failed {
                        name: name.clone(),
                        reason: error.message.clone(),
                        queued: false,
                    }),
                }
                report.failed.push((name, error, history_id));
            }
            Err(e) => tracing::error!("an upload task ended abnormally: {e}"),
        }
    }
    let texts: Vec<String> = report.done.iter().filter_map(|r| r.copied.clone()).collect();
    let mut copy_error = None;
    if !texts.is_empty() {
        if let Err(e) = st.copy(&texts.join("\n")) {
            tracing::warn!("the upload worked but the link could not be copied: {e}");
            copy_error = Some(e.to_string());
            for r in &mut report.done {
                r.copied = None;
            }
        }
    }
    let copied = copy_error.is_none() && !texts.is_empty();
    if let Some(note) = notify::for_batch(&done_notes, &failed_notes, copied, copy_error.as_deref()) {
        notify::show(st, note);
    }
    shell.history_changed();
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn throttle_passes_first_last_and_spaced_events() {
        let mut t = Throttle::new(Duration::from_millis(50));
        let t0 = Instant::now();
        assert!(t.allow(t0, 1, 100));
        assert!(!t.allow(t0 + Duration::from_millis(10), 2, 100));
        assert!(!t.allow(t0 + Duration::from_millis(49), 3, 100));
        assert!(t.allow(t0 + Duration::from_millis(50), 4, 100));
        assert!(t.allow(t0 + Duration::from_millis(51), 100, 100), "the final event always passes");
    }

    #[test]
    fn origin_names_match_the_contract() {
        assert_eq!(Origin::Window.name(), None);
        assert_eq!(Origin::FileManager.name(), Some("file-manager"));
        assert_eq!(Origin::Hotkey.name(), Some("hotkey"));
    }

    #[test]
    fn report_fails_only_when_nothing_succeeded() {
        let r = Report { failed: vec![("a".into(), CmdError::app("boom"), None)], ..Report::default() };
        assert_eq!(r.into_result().err().map(|e| e.message), Some("boom".into()));
        assert!(Report::default().into_result().is_ok_and(|v| v.is_empty()));
    }
}
