//! `slingshot-cli queue` and retries seen from the command line: a failed upload says how to send it
//! again, `queue list/retry/cancel` work on the same history rows, and a 1000-file batch puts every
//! file in the history exactly once with flat memory.

use super::{json_lines, text, Env};
use crate::support::faults::{Fault, FaultServer, Script};
use crate::support::{start_host, write};
use serde_json::Value;
use std::path::PathBuf;
use std::time::Duration;

async fn fast_retries(env: &Env, attempts: &str) {
    for (k, v) in
        [("queue.max_attempts", attempts), ("queue.retry_base_ms", "10"), ("queue.retry_max_secs", "1")]
    {
        let out = env.run(&["config", "set", k, v]).await;
        assert!(out.status.success(), "config set {k}: {}", text(&out.stderr));
    }
}

async fn queue(env: &Env) -> Vec<Value> {
    let out = env.run(&["queue", "list", "--json"]).await;
    assert!(out.status.success(), "queue list: {}", text(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("queue json")
}

#[tokio::test]
async fn failed_uploads_wait_in_the_queue_for_retry_and_cancel() {
    let host = start_host().await;
    let srv = FaultServer::start(Script::always(Fault::status(503)), Some(host.base())).await;
    let env = Env::new();
    fast_retries(&env, "2").await;
    let dir = env.files();
    let a = write(&dir, "a.png", &crate::support::png(30, 20));
    let b = write(&dir, "b.png", &crate::support::png(31, 20));
    let base = srv.base().to_string();
    let out =
        env.run(&["upload", "--server", &base, a.to_str().expect("utf8"), b.to_str().expect("utf8")]).await;
    assert!(!out.status.success(), "503 fails the command");
    let err = text(&out.stderr);
    assert!(err.contains("queue retry"), "says how to retry: {err}");
    assert_eq!(srv.attempts(), 4, "two attempts per file");

    let q = queue(&env).await;
    assert_eq!(q.len(), 2, "{q:?}");
    assert!(
        q.iter().all(|j| j["status"] == "failed" && j["attempts"] == 2 && j["error_kind"] == "not_json"),
        "{q:?}"
    );
    let (ida, idb) = (q[0]["id"].as_i64().expect("id"), q[1]["id"].as_i64().expect("id"));

    let out = env.run(&["queue", "cancel", &idb.to_string()]).await;
    assert!(out.status.success(), "cancel: {}", text(&out.stderr));
    let out = env.run(&["queue", "cancel", &idb.to_string()]).await;
    assert!(
        !out.status.success() && text(&out.stderr).contains("cancelled"),
        "a cancelled job can't be cancelled again"
    );

    // The server recovers; `retry` with no id takes the failed job but not the cancelled one.
    srv.set_script(Script::always(Fault::Pass));
    let out = env.run(&["queue", "retry", "--json"]).await;
    assert!(out.status.success(), "retry: {}", text(&out.stderr));
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(lines[0]["history_id"], ida);
    let q = queue(&env).await;
    assert_eq!(
        q.iter().map(|j| (j["id"].as_i64(), j["status"].as_str())).collect::<Vec<_>>(),
        vec![(Some(idb), Some("cancelled"))]
    );

    // A cancelled job can still be sent on request, as the same row.
    let out = env.run(&["queue", "retry", &idb.to_string()]).await;
    assert!(out.status.success(), "retry cancelled: {}", text(&out.stderr));
    assert!(queue(&env).await.is_empty());
    let h = env.history().await;
    assert_eq!(h.len(), 2, "still one row per file");
    assert!(h.iter().all(|e| e["status"] == "uploaded"), "{h:?}");
    assert!(b.exists() && a.exists(), "local files kept throughout");
}

/// The peak resident memory of a running process (VmHWM), polled until it exits.
async fn run_measuring(mut cmd: tokio::process::Command) -> (std::process::Output, u64) {
    cmd.stdout(std::process::Stdio::piped()).stderr(std::process::Stdio::piped());
    let child = cmd.spawn().expect("spawn");
    let pid = child.id().expect("pid");
    let peak = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let watcher = {
        let peak = peak.clone();
        tokio::spawn(async move {
            loop {
                let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
                let hwm = status
                    .lines()
                    .find_map(|l| l.strip_prefix("VmHWM:"))
                    .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok());
                match hwm {
                    Some(kb) => peak.fetch_max(kb, std::sync::atomic::Ordering::Relaxed),
                    None if status.is_empty() => return,
                    None => 0,
                };
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        })
    };
    let out = child.wait_with_output().await.expect("wait");
    watcher.abort();
    (out, peak.load(std::sync::atomic::Ordering::Relaxed))
}

fn many(env: &Env, n: usize, tag: &str) -> Vec<PathBuf> {
    let dir = env.files().join(tag);
    std::fs::create_dir_all(&dir).expect("mkdir");
    (0..n)
        .map(|i| {
            // Distinct pixels: the host would not mind duplicates, but distinct files prove no mix-up.
            let img = image::RgbImage::from_fn(8, 8, |x, y| {
                image::Rgb([(i % 251) as u8, (i / 251) as u8, (x * 8 + y) as u8])
            });
            let bytes = crate::support::encode(image::DynamicImage::ImageRgb8(img), image::ImageFormat::Png);
            write(&dir, &format!("{tag}-{i:04}.png"), &bytes)
        })
        .collect()
}

#[tokio::test]
async fn a_thousand_uploads_in_one_batch_are_each_recorded_once_with_flat_memory() {
    let host = start_host().await;
    let srv = FaultServer::start(Script::always(Fault::Pass), Some(host.base())).await;
    let env = Env::new();
    let base = srv.base().to_string();
    let mut peaks = Vec::new();
    for (n, tag) in [(100usize, "small"), (1000, "large")] {
        let files = many(&env, n, tag);
        let mut cmd = env.cli();
        cmd.args(["upload", "--server", &base, "--json"]).args(&files);
        let (out, peak_kb) = run_measuring(cmd).await;
        assert!(out.status.success(), "batch of {n}: {}", text(&out.stderr));
        let lines = json_lines(&out);
        assert_eq!(lines.len(), n);
        for (line, f) in lines.iter().zip(&files) {
            assert_eq!(line["source"], f.to_str().expect("utf8"), "results in the order given");
        }
        peaks.push(peak_kb);
    }
    assert_eq!(srv.attempts(), 1100, "one request per file, no retry, nothing lost");
    let h = env.history().await;
    assert_eq!(h.len(), 1100);
    let mut sources: Vec<&str> = h.iter().map(|e| e["source"].as_str().expect("source")).collect();
    sources.sort_unstable();
    sources.dedup();
    assert_eq!(sources.len(), 1100, "each file exactly once");
    assert!(h.iter().all(|e| e["status"] == "uploaded" && e["attempts"] == 1));
    let (small, large) = (peaks[0], peaks[1]);
    eprintln!("peak RSS: 100 files {small} kB, 1000 files {large} kB");
    assert!(small > 0 && large > 0, "measured");
    // Ten times the files may cost a little for the results kept for ordered output, not 10x.
    assert!(large < small + 16 * 1024, "memory grows with the batch: {small} kB -> {large} kB");
}
