//! Uploads through the pipeline against the fault server (tests/support/faults.rs) in front of the
//! project's local host: for each fault, the right error kind and whether it is transient, the
//! local file untouched, the history row failed with that kind, and a success once the fault
//! clears. Plus the answers that must not be retried: the server's own 4xx rejections.
//!
//! The queue runs one attempt per upload here (`queue.max_attempts = 1`), so each upload meets the
//! fault exactly once; retry counts and backoff are tested with the queue itself.

use crate::support::faults::{Fault, FaultServer, Script};
use crate::support::{self, TestHost, KEY};
use slingshot::api::{Client, Source, Timeouts, UploadOptions};
use slingshot::config::{Paths, Settings};
use slingshot::history::Status;
use slingshot::media::resize::PrepareOptions;
use slingshot::pipeline::{self, Core, Job, Target};
use slingshot::{Error, ErrorKind};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// Short limits so a stalled server costs about two seconds.
const TIMEOUTS: Timeouts = Timeouts {
    connect: Duration::from_secs(2),
    base: Duration::from_secs(2),
    min_rate: 512 * 1024,
    idle: Duration::from_secs(1),
};

/// A core in `dir` whose queue makes one attempt per upload and whose client has `timeouts`.
fn core(dir: &Path, timeouts: Timeouts) -> Core {
    let paths = Paths { config_dir: dir.join("config"), data_dir: dir.join("data") };
    let mut settings = Settings::default();
    settings.queue.max_attempts = 1;
    let mut core = Core::open(paths, settings).expect("core");
    core.client = Client::with_timeouts(timeouts).expect("client");
    core
}

fn target(base: &url::Url, key: &str) -> Target {
    support::target("faults", base, key)
}

fn job(path: &Path) -> Job {
    Job {
        source: Source::File(path.to_path_buf()),
        options: UploadOptions::default(),
        prepare: PrepareOptions::default(),
    }
}

/// The snake_case name the history stores for a kind.
fn kind_name(kind: ErrorKind) -> String {
    serde_json::to_value(kind).expect("kind").as_str().expect("name").to_string()
}

/// A PNG of `w`×`h` noise: real pixels that don't compress, for bodies of a known large size.
fn noise_png(w: u32, h: u32) -> Vec<u8> {
    let mut state = 0x2545_f491_u32;
    let img = image::RgbImage::from_fn(w, h, |_, _| {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        let [a, b, c, _] = state.to_le_bytes();
        image::Rgb([a, b, c])
    });
    support::encode(image::DynamicImage::ImageRgb8(img), image::ImageFormat::Png)
}

/// A local file and what it held before any upload.
struct Original {
    path: PathBuf,
    bytes: Vec<u8>,
    modified: SystemTime,
}

impl Original {
    fn new(dir: &Path, name: &str, bytes: Vec<u8>) -> Original {
        let path = support::write(dir, name, &bytes);
        let modified = std::fs::metadata(&path).and_then(|m| m.modified()).expect("mtime");
        Original { path, bytes, modified }
    }

    fn assert_untouched(&self) {
        let now = std::fs::read(&self.path).expect("the local file must still be there");
        assert!(now == self.bytes, "the local file changed");
        let modified = std::fs::metadata(&self.path).and_then(|m| m.modified()).expect("mtime");
        assert_eq!(modified, self.modified, "the local file was rewritten");
    }
}

/// Fetches a URL and returns its status and body.
async fn get(url: &str) -> (u16, Vec<u8>) {
    let r = reqwest::get(url).await.expect("get");
    (r.status().as_u16(), r.bytes().await.expect("body").to_vec())
}

/// Uploads `bytes` while every request gets `fault`: checks the failure (history row failed with
/// the error's kind, attempts counted, local file untouched, no key in the message), then clears
/// the fault and checks that the same file now uploads and is served by the host. Returns the
/// error for the caller's kind checks, and the fault server for its request log.
async fn fails_then_clears(fault: Fault, bytes: Vec<u8>, timeouts: Timeouts) -> (Error, FaultServer) {
    let host = support::start_host().await;
    let srv = FaultServer::start(Script::always(fault.clone()), Some(host.base())).await;
    let dir = tempfile::tempdir().expect("tmp");
    let core = core(dir.path(), timeouts);
    let file = Original::new(dir.path(), "photo.png", bytes);
    let to = target(&srv.base(), KEY);

    let failure =
        pipeline::upload(&core, &to, job(&file.path), None).await.expect_err("the fault must fail it");
    let err = failure.error;
    let name = fault.name();
    assert!(!err.to_string().contains(KEY) && !format!("{err:?}").contains(KEY), "{name}: key in {err}");
    let id = failure.history_id.expect("a history row is written before sending");
    let row = core.history.get(id).expect("get").expect("row");
    assert_eq!(row.status, Status::Failed, "{name}: {row:?}");
    assert_eq!(row.error_kind.as_deref(), Some(kind_name(err.kind()).as_str()), "{name}");
    assert_eq!(row.attempts as usize, srv.attempts(), "{name}: every attempt is counted");
    assert!(srv.attempts() >= 1, "{name}: nothing reached the server");
    assert_eq!(row.local_path.as_deref(), Some(file.path.as_path()), "{name}");
    assert!(row.uploaded.is_none(), "{name}");
    file.assert_untouched();

    srv.clear();
    let before = srv.attempts();
    let done = pipeline::upload(&core, &to, job(&file.path), None).await.unwrap_or_else(|f| {
        panic!("{name}: once the fault clears the upload must succeed, got {:?}", f.error)
    });
    assert_eq!(srv.attempts(), before + 1, "{name}: one request once the fault cleared");
    let row = core.history.get(done.history_id).expect("get").expect("row");
    assert_eq!(row.status, Status::Uploaded, "{name}");
    assert!(done.uploaded.url.starts_with(host.base().as_str()), "{}", done.uploaded.url);
    let (status, served) = get(&done.uploaded.url).await;
    assert!(status == 200 && served == file.bytes, "{name}: the host serves something else ({status})");
    file.assert_untouched();
    assert_work_dir_empty(&core.paths);
    (err, srv)
}

/// Nothing is left in the work folder (copies made for sending are removed).
fn assert_work_dir_empty(paths: &Paths) {
    let left = support::walk(&paths.work_dir());
    assert!(left.is_empty(), "left behind: {left:?}");
}

#[tokio::test]
async fn connection_closed_in_the_middle_of_the_body() {
    // Large enough that the client is still sending when the server closes.
    let (err, srv) = fails_then_clears(Fault::CloseMidBody, noise_png(900, 900), TIMEOUTS).await;
    assert_eq!(err.kind(), ErrorKind::Network, "{err:?}");
    assert!(err.is_transient());
    let first = &srv.seen()[0];
    assert!(!first.complete && !first.body.is_empty(), "the server must stop in the middle of the body");
}

#[tokio::test]
async fn server_that_never_answers_times_out() {
    let t = std::time::Instant::now();
    let (err, _) = fails_then_clears(Fault::Stall, support::png(64, 48), TIMEOUTS).await;
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err:?}");
    assert!(err.is_transient());
    assert!(matches!(&err, Error::Timeout { host, .. } if host.starts_with("127.0.0.1:")), "{err:?}");
    assert!(t.elapsed() < Duration::from_secs(15), "the stall took {:?}", t.elapsed());
}

#[tokio::test]
async fn answer_that_stops_after_its_head_times_out() {
    let (err, _) = fails_then_clears(Fault::StallAfterHead, support::png(64, 48), TIMEOUTS).await;
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err:?}");
    assert!(err.is_transient());
}

#[tokio::test]
async fn reset_connection() {
    let (err, srv) = fails_then_clears(Fault::Reset, support::png(64, 48), TIMEOUTS).await;
    assert_eq!(err.kind(), ErrorKind::Network, "{err:?}");
    assert!(err.is_transient());
    assert!(srv.seen()[0].complete, "the reset came after the whole request");
}

#[tokio::test]
async fn server_errors_500_502_503() {
    for code in [500, 502, 503] {
        let (err, _) = fails_then_clears(Fault::status(code), support::png(32, 32), TIMEOUTS).await;
        assert!(matches!(&err, Error::NotJson { status, .. } if *status == code), "{code}: {err:?}");
        assert!(err.is_transient(), "{code}");
    }
}

#[tokio::test]
async fn maintenance_page_with_status_200() {
    let (err, _) = fails_then_clears(Fault::maintenance(), support::png(32, 32), TIMEOUTS).await;
    assert!(matches!(&err, Error::NotJson { status: 200, .. }), "{err:?}");
    assert!(err.is_transient());
    let msg = err.to_string();
    assert!(msg.contains("maintenance") && !msg.contains('<'), "a short, tag-free excerpt: {msg}");
}

#[tokio::test]
async fn truncated_json() {
    let (err, _) = fails_then_clears(Fault::truncated_json(), support::png(32, 32), TIMEOUTS).await;
    assert!(
        matches!(&err, Error::NotJson { status: 200, excerpt } if excerpt.contains("truncated")),
        "{err:?}"
    );
    assert!(!err.is_transient(), "the server may have stored it: not retried blindly");
}

#[tokio::test]
async fn json_without_the_fields_used() {
    for body in [
        r#"{"status_code":200,"success":{"message":"file uploaded","code":200},"status_txt":"OK"}"#,
        r#"{"status_code":200,"image":{"url_viewer":"http:\/\/127.0.0.1\/image\/x"}}"#,
        r#"{"status_code":200,"image":{"url":null}}"#,
        r#"{"status_code":200,"image":{"url":"   "}}"#,
        r#"{"status_code":200,"image":["http:\/\/127.0.0.1\/a.png"]}"#,
        r#"{"image":"http:\/\/127.0.0.1\/a.png"}"#,
    ] {
        let (err, _) = fails_then_clears(Fault::json(200, body), support::png(16, 16), TIMEOUTS).await;
        assert!(matches!(&err, Error::NotJson { status: 200, .. }), "{body}: {err:?}");
        assert!(!err.is_transient(), "{body}: JSON that says nothing of the upload is not retried");
    }
}

#[tokio::test]
async fn oddly_typed_fields_are_read_leniently() {
    let host = support::start_host().await;
    let odd = r#"{"status_code":"200","image":{"url":"http:\/\/127.0.0.1\/images\/a.png","width":"40","height":30.0,
        "size":" 1234 ","id_encoded":123,"thumb":"not an object","medium":null,"url_viewer":7,"display_width":"500",
        "delete_url":["x"],"mime":false,"expiration_date_gmt":{}}}"#;
    let srv = FaultServer::start(Script::first(1, Fault::json(200, odd)), Some(host.base())).await;
    let dir = tempfile::tempdir().expect("tmp");
    let core = core(dir.path(), TIMEOUTS);
    let file = Original::new(dir.path(), "odd.png", support::png(40, 30));
    let done =
        pipeline::upload(&core, &target(&srv.base(), KEY), job(&file.path), None).await.expect("lenient");
    let up = &done.uploaded;
    assert_eq!(up.url, "http://127.0.0.1/images/a.png");
    assert_eq!((up.width, up.height, up.size), (Some(40), Some(30), Some(1234)));
    assert_eq!(up.id.as_deref(), Some("123"));
    let viewer = up.url_viewer.as_deref().unwrap_or_default();
    assert!(viewer.ends_with("/7"), "a number where a string is expected is read as text: {viewer}");
    assert_eq!((&up.thumb_url, &up.delete_url, &up.mime), (&None, &None, &None));
    let row = core.history.get(done.history_id).expect("get").expect("row");
    assert_eq!(row.status, Status::Uploaded);
    file.assert_untouched();
}

#[tokio::test]
async fn a_slow_answer_byte_by_byte_succeeds() {
    let host = support::start_host().await;
    let srv =
        FaultServer::start(Script::always(Fault::Dribble(Duration::from_micros(200))), Some(host.base()))
            .await;
    let dir = tempfile::tempdir().expect("tmp");
    let slow = Timeouts { base: Duration::from_secs(20), ..TIMEOUTS };
    let core = core(dir.path(), slow);
    let file = Original::new(dir.path(), "slow.png", support::png(80, 60));
    let done = pipeline::upload(&core, &target(&srv.base(), KEY), job(&file.path), None)
        .await
        .expect("slow is fine");
    assert_eq!(srv.attempts(), 1);
    assert_eq!((done.uploaded.width, done.uploaded.height), (Some(80), Some(60)));
    assert!(done.uploaded.delete_url.is_some(), "the whole JSON arrived");
    let (status, served) = get(&done.uploaded.url).await;
    assert!(status == 200 && served == file.bytes);
    file.assert_untouched();
}

#[tokio::test]
async fn answer_lost_after_the_host_stored_the_upload() {
    // The host stores the file but the client only sees a reset: a retry uploads it again, and a
    // server that rejects duplicates refuses that retry for good.
    let host = support::start_host_with(|c| c.reject_duplicates = true).await;
    let srv = FaultServer::start(Script::first(1, Fault::LoseAnswer), Some(host.base())).await;
    let dir = tempfile::tempdir().expect("tmp");
    let core = core(dir.path(), TIMEOUTS);
    let file = Original::new(dir.path(), "lost.png", support::png(50, 50));
    let to = target(&srv.base(), KEY);
    let first = pipeline::upload(&core, &to, job(&file.path), None).await.expect_err("answer lost");
    assert_eq!(first.error.kind(), ErrorKind::Network, "{:?}", first.error);
    assert!(first.error.is_transient());
    let stored = stored_files(&host);
    assert!(!stored.is_empty(), "the host kept the upload whose answer was lost");
    let again = pipeline::upload(&core, &to, job(&file.path), None).await.expect_err("duplicate");
    assert!(matches!(&again.error, Error::Rejected { code, .. } if code == "101"), "{:?}", again.error);
    assert!(!again.error.is_transient(), "a duplicate is the server's rejection: never retried");
    assert_eq!(srv.attempts(), 2);
    file.assert_untouched();
}

fn stored_files(host: &TestHost) -> Vec<PathBuf> {
    support::walk(&host.dir.path().join("host").join("images"))
}

/// What is uploaded, with which key, and the error expected.
type Rejection<'a> = (&'a str, &'a Original, &'a str, fn(&Error) -> bool);

/// The server's own 4xx rejections fail at once and are not transient; nothing is stored.
#[tokio::test]
async fn rejections_are_not_transient() {
    let host = support::start_host_with(|c| {
        c.max_body_bytes = 64 * 1024;
        c.max_file_bytes = Some(20 * 1024);
    })
    .await;
    let srv = FaultServer::start(Script::always(Fault::Pass), Some(host.base())).await;
    let dir = tempfile::tempdir().expect("tmp");
    let core = core(dir.path(), TIMEOUTS);
    let small = Original::new(dir.path(), "small.png", support::png(16, 16));
    let big = Original::new(dir.path(), "big.png", noise_png(100, 100));
    let huge = Original::new(dir.path(), "huge.png", noise_png(200, 200));
    let cases: [Rejection; 3] = [
        ("bad key", &small, "chv_wrong_key", |e| matches!(e, Error::Auth { .. })),
        ("over the site limit", &big, KEY, |e| matches!(e, Error::Rejected { status: 400, .. })),
        ("over the body limit", &huge, KEY, |e| matches!(e, Error::NotJson { status: 413, .. })),
    ];
    for (what, file, key, expected) in cases {
        let before = srv.attempts();
        let f =
            pipeline::upload(&core, &target(&srv.base(), key), job(&file.path), None).await.expect_err(what);
        assert!(expected(&f.error), "{what}: {:?}", f.error);
        assert!(!f.error.is_transient(), "{what}: {:?}", f.error);
        assert_eq!(srv.attempts(), before + 1, "{what}: a rejection is not retried");
        let row = core.history.get(f.history_id.expect("row")).expect("get").expect("row");
        assert_eq!(row.status, Status::Failed, "{what}");
        assert_eq!(row.error_kind.as_deref(), Some(kind_name(f.error.kind()).as_str()), "{what}");
        file.assert_untouched();
    }
    // JSON errors are rejections whatever the HTTP status and however their fields are typed.
    for (status, body) in [
        (200, r#"{"status_code":400,"error":{"message":"Duplicated upload","code":"101"}}"#),
        (400, r#"{"status_code":"400","error":{"message":404,"code":[1]},"status_txt":"Bad Request"}"#),
        (400, r#"{"error":"Can't get target upload source info"}"#),
    ] {
        srv.set_script(Script::first(1, Fault::json(status, body)));
        let f =
            pipeline::upload(&core, &target(&srv.base(), KEY), job(&small.path), None).await.expect_err(body);
        assert_eq!(f.error.kind(), ErrorKind::Rejected, "{body}: {:?}", f.error);
        assert!(!f.error.is_transient(), "{body}");
    }
    assert!(stored_files(&host).is_empty(), "nothing may be stored");
}
