//! The persistent upload queue through the core: how many attempts each fault gets, backoff, the
//! flooding pause, cancelling (also from another connection, as another process would), taking
//! over a job whose process died, and the history staying one row per upload throughout.

use crate::support::faults::{Fault, FaultServer, Script};
use crate::support::{self, KEY};
use slingshot::api::{Source, UploadOptions};
use slingshot::config::{Paths, Profile, Settings};
use slingshot::history::{History, NewEntry, Query, Status};
use slingshot::media::resize::PrepareOptions;
use slingshot::pipeline::{self, Core, Job, Target};
use slingshot::queue::Mode;
use slingshot::secret::ApiKey;
use slingshot::ErrorKind;
use std::path::Path;
use std::time::{Duration, Instant};

/// A core in `dir` with fast retries: 3 attempts, 20 ms base delay.
fn core(dir: &Path, mode: Mode, adjust: impl FnOnce(&mut Settings)) -> Core {
    let paths = Paths { config_dir: dir.join("config"), data_dir: dir.join("data") };
    let mut settings = Settings::default();
    settings.queue.max_attempts = 3;
    settings.queue.retry_base_ms = 20;
    settings.queue.retry_max_secs = 1;
    adjust(&mut settings);
    Core::open_with_mode(paths, settings, mode).expect("core")
}

fn target(base: &url::Url) -> Target {
    support::target("q", base, KEY)
}

fn job(path: &Path) -> Job {
    Job {
        source: Source::File(path.to_path_buf()),
        options: UploadOptions::default(),
        prepare: PrepareOptions::default(),
    }
}

fn rows(core: &Core) -> Vec<slingshot::history::Entry> {
    core.history.list(&Query::default()).expect("history")
}

#[tokio::test]
async fn transient_faults_are_retried_until_they_clear() {
    let host = support::start_host().await;
    let srv =
        FaultServer::start(Script::first(2, Fault::status(503)).then(Fault::Pass), Some(host.base())).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let core = core(dir.path(), Mode::Foreground, |_| {});
    let file = support::write(dir.path(), "a.png", &support::png(40, 30));
    let out =
        pipeline::upload(&core, &target(&srv.base()), job(&file), None).await.expect("third attempt works");
    assert_eq!(srv.attempts(), 3, "two 503s, then the upload");
    let all = rows(&core);
    assert_eq!(all.len(), 1, "one history row however many attempts");
    assert_eq!((all[0].id, all[0].status, all[0].attempts), (out.history_id, Status::Uploaded, 3));
    assert_eq!(all[0].error, None, "the earlier attempts' error is cleared");
}

#[tokio::test]
async fn a_fault_that_lasts_fails_after_the_attempts_and_keeps_everything() {
    let srv = FaultServer::start(Script::always(Fault::Reset), None).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let core = core(dir.path(), Mode::Foreground, |_| {});
    let bytes = support::png(40, 30);
    let file = support::write(dir.path(), "b.png", &bytes);
    let f = pipeline::upload(&core, &target(&srv.base()), job(&file), None).await.expect_err("fails");
    assert_eq!(f.error.kind(), ErrorKind::Network);
    assert_eq!(srv.attempts(), 3, "max_attempts = 3");
    assert_eq!(f.retry_at, None, "a one-shot command gives up");
    let e = core.history.get(f.history_id.expect("row")).expect("read").expect("exists");
    assert_eq!((e.status, e.attempts, e.error_kind.as_deref()), (Status::Failed, 3, Some("network")));
    assert_eq!(std::fs::read(&file).expect("file kept"), bytes);
}

#[tokio::test]
async fn rejections_are_never_retried() {
    let host = support::start_host().await;
    let srv = FaultServer::start(Script::always(Fault::Pass), Some(host.base())).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let core = core(dir.path(), Mode::Persistent, |_| {});
    let file = support::write(dir.path(), "c.png", &support::png(40, 30));
    let mut t = target(&srv.base());
    t.server.key = ApiKey::new("chv_wrong");
    let f = pipeline::upload(&core, &t, job(&file), None).await.expect_err("bad key");
    assert_eq!(f.error.kind(), ErrorKind::Auth);
    assert_eq!((srv.attempts(), f.retry_at.is_none()), (1, true), "one attempt, even in the app");
    let e = core.history.get(f.history_id.expect("row")).expect("read").expect("exists");
    assert_eq!(e.status, Status::Failed);
}

#[tokio::test]
async fn the_app_keeps_a_job_queued_while_the_server_is_down_and_sends_it_later() {
    let host = support::start_host().await;
    let srv = FaultServer::start(Script::always(Fault::status(502)), Some(host.base())).await;
    let dir = tempfile::tempdir().expect("tempdir");
    // In the app the job never fails for a transient fault; a long delay hands it to the worker.
    let base = srv.base().to_string();
    let core = core(dir.path(), Mode::Persistent, |s| {
        s.queue.retry_base_ms = 60_000; // the first delay is 30-60 s: more than the 20 s waited inline
        s.queue.retry_max_secs = 60;
        s.profiles.push(Profile { name: "q".into(), base_url: base.clone(), ..Profile::default() });
    });
    core.keys.set("q", &ApiKey::new(KEY).expect("key")).expect("key stored");
    let file = support::write(dir.path(), "d.png", &support::png(40, 30));
    let f = pipeline::upload(&core, &target(&srv.base()), job(&file), None).await.expect_err("502");
    let id = f.history_id.expect("row");
    let retry_at = f.retry_at.expect("still queued");
    assert_eq!(srv.attempts(), 1, "the next attempt is later, not inline");
    let e = core.history.get(id).expect("read").expect("row");
    assert_eq!((e.status, e.next_attempt_at.as_deref()), (Status::Pending, Some(retry_at.as_str())));
    assert_eq!(e.error_kind.as_deref(), Some("not_json"));
    assert!(core.queue.due(&core.history).expect("due").is_empty(), "not due before its time");
    // The server is back and the person presses Retry now.
    srv.set_script(Script::always(Fault::Pass));
    let out = pipeline::resume(&core, id, None).await.expect("sent");
    assert_eq!(out.history_id, id);
    let e = core.history.get(id).expect("read").expect("row");
    assert_eq!((e.status, e.attempts, e.next_attempt_at), (Status::Uploaded, 2, None));
    assert_eq!(rows(&core).len(), 1);
}

#[tokio::test]
async fn flooding_pauses_the_server_and_queues_the_rest() {
    let host = support::start_host_with(|c| c.flood_limit_per_hour = Some(1)).await;
    let srv = FaultServer::start(Script::always(Fault::Pass), Some(host.base())).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let core = core(dir.path(), Mode::Foreground, |s| s.queue.flood_pause_secs = 600);
    let t = target(&srv.base());
    let a = support::write(dir.path(), "e1.png", &support::png(41, 30));
    let b = support::write(dir.path(), "e2.png", &support::png(42, 30));
    let c = support::write(dir.path(), "e3.png", &support::png(43, 30));
    pipeline::upload(&core, &t, job(&a), None).await.expect("first upload");
    let f = pipeline::upload(&core, &t, job(&b), None).await.expect_err("flooding");
    assert!(f.error.is_flooding(), "{}", f.error);
    assert!(f.retry_at.is_some(), "queued until the pause ends");
    assert_eq!(srv.attempts(), 2, "flooding is not retried at once");
    let g = pipeline::upload(&core, &t, job(&c), None).await.expect_err("paused");
    assert!(g.retry_at.is_some() && g.error.to_string().contains("paused"), "{}", g.error);
    assert_eq!(srv.attempts(), 2, "nothing sent to a paused server");
    let queued: Vec<_> =
        core.history.queue().expect("queue").into_iter().map(|e| (e.status, e.attempts)).collect();
    assert_eq!(queued, vec![(Status::Pending, 1), (Status::Pending, 0)]);
}

#[tokio::test]
async fn a_cancel_from_another_connection_stops_a_running_upload() {
    let srv = FaultServer::start(Script::always(Fault::Stall), None).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let core = core(dir.path(), Mode::Foreground, |_| {});
    let bytes = support::png(40, 30);
    let file = support::write(dir.path(), "f.png", &bytes);
    let other = History::open(&core.paths.history_db()).expect("second connection");
    let t = target(&srv.base());
    let upload = pipeline::upload(&core, &t, job(&file), None);
    let canceller = async {
        // Wait until the job is being sent, then cancel it the way `slingshot-cli queue cancel` does.
        loop {
            tokio::time::sleep(Duration::from_millis(50)).await;
            if let Some(e) = other.list(&Query::default()).expect("list").first() {
                if e.status == Status::Uploading {
                    assert!(other.cancel(e.id).expect("cancel"));
                    return Instant::now();
                }
            }
        }
    };
    let (result, cancelled_at) = tokio::join!(upload, canceller);
    let f = result.expect_err("cancelled");
    assert!(cancelled_at.elapsed() < Duration::from_secs(3), "stops within a poll, not at the timeout");
    assert!(f.error.to_string().contains("cancelled"), "{}", f.error);
    let e = core.history.get(f.history_id.expect("row")).expect("read").expect("row");
    assert_eq!(e.status, Status::Cancelled);
    assert_eq!(std::fs::read(&file).expect("file kept"), bytes);
}

#[tokio::test]
async fn a_job_left_by_a_dead_process_is_taken_over_once() {
    let host = support::start_host().await;
    let srv = FaultServer::start(Script::always(Fault::Pass), Some(host.base())).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let base = srv.base().to_string();
    let core = core(dir.path(), Mode::Persistent, |s| {
        s.profiles.push(Profile { name: "q".into(), base_url: base.clone(), ..Profile::default() });
    });
    core.keys.set("q", &ApiKey::new(KEY).expect("key")).expect("key stored");
    let file = support::write(dir.path(), "g.png", &support::png(40, 30));
    // A job another process was sending when it was killed: `uploading`, owned by a pid that ended.
    let mut child = std::process::Command::new("true").spawn().expect("spawn");
    let dead = format!("{}:1", child.id());
    child.wait().expect("wait");
    let id = core
        .history
        .add(&NewEntry {
            source: file.display().to_string(),
            local_path: Some(file.clone()),
            profile: "q".into(),
            server: base.clone(),
            options_json: Some("{}".into()),
            prepare_json: Some(r#"{"resize_width":20}"#.into()),
            owner: Some(dead),
            ..NewEntry::default()
        })
        .expect("row");
    core.history.set_uploading(id).expect("uploading");
    let due = core.queue.due(&core.history).expect("due");
    assert_eq!(due.iter().map(|e| e.id).collect::<Vec<_>>(), vec![id], "the dead owner's job is due");
    let out = pipeline::resume(&core, id, None).await.expect("resumed");
    assert_eq!(out.history_id, id);
    assert_eq!(out.uploaded.width, Some(20), "prepared again as recorded (resized to 20 px)");
    let e = core.history.get(id).expect("read").expect("row");
    assert_eq!((e.status, e.attempts), (Status::Uploaded, 2));
    assert!(pipeline::resume(&core, id, None).await.is_err(), "an uploaded job is not sent twice");
    assert!(core.queue.due(&core.history).expect("due").is_empty());
    assert_eq!(srv.attempts(), 1, "sent exactly once");
}
