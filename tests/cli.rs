//! `slingshot-cli` end to end: real processes against the local host on 127.0.0.1, with their own
//! config and data dirs (never the real home) and no OS keyring.

use crate::support::{contains, jpeg, png, start_host, start_host_with, walk, write, TestHost, KEY};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Output;
use tokio::process::Command;

// `slingshot-cli queue` and large batches.
mod queue;

/// A private config/data dir pair for one test.
struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    fn new() -> Env {
        Env { dir: tempfile::tempdir().expect("tempdir") }
    }
    fn config(&self) -> PathBuf {
        self.dir.path().join("config")
    }
    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }
    fn files(&self) -> PathBuf {
        let p = self.dir.path().join("files");
        std::fs::create_dir_all(&p).expect("mkdir");
        p
    }
    /// The CLI with this env, the test key in SLINGSHOT_API_KEY and no display (no clipboard).
    fn cli(&self) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_slingshot-cli"));
        c.env("SLINGSHOT_CONFIG_DIR", self.config())
            .env("SLINGSHOT_DATA_DIR", self.data())
            .env("SLINGSHOT_NO_KEYRING", "1")
            .env("SLINGSHOT_API_KEY", KEY)
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY")
            .env_remove("RUST_LOG")
            .kill_on_drop(true);
        c
    }
    async fn run(&self, args: &[&str]) -> Output {
        self.cli().args(args).output().await.expect("run slingshot-cli")
    }
    async fn history(&self) -> Vec<Value> {
        let out = self.run(&["history", "--json", "--limit", "10000", "--show-delete-urls"]).await;
        assert!(out.status.success(), "history failed: {}", text(&out.stderr));
        serde_json::from_slice::<Vec<Value>>(&out.stdout).expect("history json")
    }
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn json_lines(out: &Output) -> Vec<Value> {
    text(&out.stdout)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect()
}

async fn upload(env: &Env, host: &TestHost, extra: &[&str]) -> Output {
    let base = host.base().to_string();
    let mut args = vec!["upload", "--server", base.as_str(), "--json"];
    args.extend_from_slice(extra);
    env.run(&args).await
}

#[tokio::test]
async fn uploads_a_file_and_records_it() {
    let host = start_host().await;
    let env = Env::new();
    let bytes = png(640, 480);
    let f = write(&env.files(), "shot.png", &bytes);
    let out = upload(&env, &host, &[f.to_str().expect("utf8")]).await;
    assert!(out.status.success(), "stderr: {}", text(&out.stderr));
    let v = &json_lines(&out)[0];
    for k in ["url", "url_short", "url_viewer", "delete_url", "thumb_url", "id", "history_id"] {
        assert!(!v[k].is_null(), "{k} missing in {v}");
    }
    assert_eq!(v["width"], 640);
    assert_eq!(v["height"], 480);
    let served =
        reqwest::get(v["url"].as_str().expect("url")).await.expect("get").bytes().await.expect("body");
    assert_eq!(served.as_ref(), bytes.as_slice(), "the host serves exactly what was sent");
    let h = env.history().await;
    assert_eq!(h.len(), 1);
    assert_eq!(h[0]["status"], "uploaded");
    assert_eq!(h[0]["id"], v["history_id"]);
    assert_eq!(std::fs::read(&f).expect("original"), bytes, "original untouched");
}

#[tokio::test]
async fn sends_every_option() {
    let host = start_host().await;
    let env = Env::new();
    let f = write(&env.files(), "big.jpg", &jpeg(1200, 600));
    let out = upload(
        &env,
        &host,
        &[
            f.to_str().expect("utf8"),
            "--title",
            "Holiday",
            "--tags",
            "sea,sun",
            "--expiration",
            "PT1H",
            "--nsfw",
            "--width",
            "800",
        ],
    )
    .await;
    assert!(out.status.success(), "stderr: {}", text(&out.stderr));
    let v = &json_lines(&out)[0];
    assert_eq!(v["width"], 800, "server-side width applied: {v}");
    assert_eq!(v["height"], 400);
    assert!(v["expiration_date_gmt"].is_string(), "expiration set: {v}");
}

#[tokio::test]
async fn client_side_resize_keeps_aspect_and_original() {
    let host = start_host().await;
    let env = Env::new();
    let orig = jpeg(2000, 1000);
    let f = write(&env.files(), "photo.jpg", &orig);
    let out = upload(&env, &host, &[f.to_str().expect("utf8"), "--resize", "500"]).await;
    assert!(out.status.success(), "stderr: {}", text(&out.stderr));
    let v = &json_lines(&out)[0];
    assert_eq!((v["width"].as_u64(), v["height"].as_u64()), (Some(500), Some(250)));
    assert_eq!(std::fs::read(&f).expect("original"), orig);
}

#[tokio::test]
async fn several_files_in_order_and_stdin() {
    let host = start_host().await;
    let env = Env::new();
    let dir = env.files();
    let paths: Vec<String> =
        (0..5).map(|i| write(&dir, &format!("f{i}.png"), &png(50 + i, 40)).display().to_string()).collect();
    let mut args: Vec<&str> = paths.iter().map(String::as_str).collect();
    args.push("-");
    let base = host.base().to_string();
    let mut full = vec!["upload", "--server", base.as_str(), "--json"];
    full.extend(args);
    let mut child = env
        .cli()
        .args(&full)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    {
        use tokio::io::AsyncWriteExt;
        let mut stdin = child.stdin.take().expect("stdin");
        stdin.write_all(&png(33, 22)).await.expect("write stdin");
    }
    let out = child.wait_with_output().await.expect("wait");
    assert!(out.status.success(), "stderr: {}", text(&out.stderr));
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 6);
    for (i, v) in lines.iter().take(5).enumerate() {
        assert_eq!(v["width"], 50 + i as u64, "results come in the order given");
    }
    assert_eq!(lines[5]["width"], 33);
    let kept = lines[5]["local_path"].as_str().expect("stdin is saved locally first");
    assert!(Path::new(kept).exists());
}

#[tokio::test]
async fn delete_by_id_and_by_url() {
    let host = start_host().await;
    let env = Env::new();
    let a = write(&env.files(), "a.png", &png(10, 10));
    let b = write(&env.files(), "b.png", &png(11, 10));
    let out = upload(&env, &host, &[a.to_str().expect("utf8"), b.to_str().expect("utf8")]).await;
    assert!(out.status.success(), "stderr: {}", text(&out.stderr));
    let lines = json_lines(&out);
    let id = lines[0]["history_id"].to_string();
    let del = env.run(&["delete", &id]).await;
    assert!(del.status.success(), "stderr: {}", text(&del.stderr));
    let by_url = env.run(&["delete", lines[1]["url_short"].as_str().expect("short")]).await;
    assert!(by_url.status.success(), "stderr: {}", text(&by_url.stderr));
    for v in &lines {
        let r = reqwest::get(v["url"].as_str().expect("url")).await.expect("get");
        assert_eq!(r.status(), 404, "deleted file is gone");
    }
    assert!(env.history().await.iter().all(|e| e["status"] == "deleted"));
}

#[tokio::test]
async fn two_processes_write_history_at_once() {
    let host = start_host().await;
    let env = Env::new();
    let dir = env.files();
    let make = |p: &str| -> Vec<String> {
        (0..8).map(|i| write(&dir, &format!("{p}{i}.png"), &png(20 + i, 20)).display().to_string()).collect()
    };
    let (a, b) = (make("a"), make("b"));
    let base = host.base().to_string();
    let run = |files: Vec<String>| {
        let mut c = env.cli();
        c.args(["upload", "--server", base.as_str()]).args(files);
        c.output()
    };
    let (ra, rb) = tokio::join!(run(a), run(b));
    let (ra, rb) = (ra.expect("a"), rb.expect("b"));
    assert!(ra.status.success() && rb.status.success(), "{} {}", text(&ra.stderr), text(&rb.stderr));
    let h = env.history().await;
    assert_eq!(h.len(), 16);
    assert!(h.iter().all(|e| e["status"] == "uploaded"));
}

#[tokio::test]
async fn profile_with_stored_key_and_config_show_hides_it() {
    let host = start_host().await;
    let env = Env::new();
    let base = host.base().to_string();
    let set = env.run(&["config", "set", "profiles.home.base_url", &base]).await;
    assert!(set.status.success(), "{}", text(&set.stderr));
    let mut c = env.cli();
    c.env_remove("SLINGSHOT_API_KEY")
        .args(["config", "set-key", "--profile", "home"])
        .stdin(std::process::Stdio::piped());
    let mut child = c.spawn().expect("spawn");
    {
        use tokio::io::AsyncWriteExt;
        let mut stdin = child.stdin.take().expect("stdin");
        stdin.write_all(format!("{KEY}\n").as_bytes()).await.expect("write");
    }
    let out = child.wait_with_output().await.expect("set-key");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let f = write(&env.files(), "p.png", &png(30, 30));
    let mut up = env.cli();
    let out = up
        .env_remove("SLINGSHOT_API_KEY")
        .args(["upload", "--profile", "home", f.to_str().expect("utf8")])
        .output()
        .await
        .expect("upload");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).starts_with("http://127.0.0.1"));
    let mut show = env.cli();
    let shown = show.env_remove("SLINGSHOT_API_KEY").args(["config", "show"]).output().await.expect("show");
    assert!(shown.status.success());
    let all = text(&shown.stdout) + &text(&shown.stderr);
    assert!(!all.contains(KEY), "config show must not print the key");
    assert!(all.contains("home"));
    let settings = std::fs::read_to_string(env.config().join("settings.toml")).expect("settings");
    assert!(!settings.contains(KEY), "the key is not in settings.toml");
}

#[tokio::test]
async fn the_key_never_leaks() {
    let host = start_host().await;
    let env = Env::new();
    let f = write(&env.files(), "k.png", &png(40, 40));
    let missing = env.files().join("missing.png");
    let base = host.base().to_string();
    let out = env
        .cli()
        .env("RUST_LOG", "trace")
        .args([
            "-vv",
            "upload",
            "--server",
            &base,
            "--json",
            f.to_str().expect("utf8"),
            missing.to_str().expect("utf8"),
        ])
        .output()
        .await
        .expect("run");
    let all = text(&out.stdout) + &text(&out.stderr);
    assert!(!all.contains(KEY), "key in output or logs");
    assert!(!all.contains(&KEY[..40]), "part of the key in output or logs");
    // Not in the history database (including the WAL), nor in any file under the data dir.
    for entry in walk(&env.data()) {
        let bytes = std::fs::read(&entry).unwrap_or_default();
        assert!(!contains(&bytes, KEY.as_bytes()), "key found in {}", entry.display());
    }
}

#[tokio::test]
async fn the_key_is_never_an_argument() {
    let env = Env::new();
    // Upload takes no key argument: keys come from the key store or the environment only.
    let out = env.run(&["upload", "--server", "http://127.0.0.1:9/", "--key", KEY, "x.png"]).await;
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("unexpected argument"), "{}", text(&out.stderr));
    // The host started by `serve` gets its key from the environment: not visible in ps.
    let mut child = env
        .cli()
        .args(["serve", "--addr", "127.0.0.1:0", "--data", env.data().join("srv").to_str().expect("utf8")])
        .env("SLINGSHOT_HOST_KEY", KEY)
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("serve");
    let pid = child.id().expect("pid");
    let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).expect("cmdline");
    assert!(!contains(&cmdline, KEY.as_bytes()), "key in the process arguments");
    child.kill().await.expect("kill");
}

#[tokio::test]
async fn corrupt_settings_are_reported_and_kept() {
    let env = Env::new();
    std::fs::create_dir_all(env.config()).expect("mkdir");
    let p = env.config().join("settings.toml");
    std::fs::write(&p, b"default_profile = [unclosed\n").expect("write");
    let out = env.run(&["config", "show"]).await;
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(err.contains("settings.toml"), "names the file: {err}");
    assert_eq!(std::fs::read(&p).expect("kept"), b"default_profile = [unclosed\n");
}

#[tokio::test]
async fn serve_command_answers_uploads() {
    let env = Env::new();
    let mut child = env
        .cli()
        .args(["serve", "--addr", "127.0.0.1:0", "--data", env.data().join("srv").to_str().expect("utf8")])
        .env("SLINGSHOT_HOST_KEY", KEY)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("serve");
    use tokio::io::AsyncBufReadExt;
    let mut lines = tokio::io::BufReader::new(child.stdout.take().expect("stdout")).lines();
    let mut base = String::new();
    while let Some(l) = lines.next_line().await.expect("line") {
        if let Some(rest) = l.strip_prefix("Serving on ") {
            base = rest.split_whitespace().next().unwrap_or_default().to_string();
            break;
        }
    }
    assert!(base.starts_with("http://127.0.0.1:"), "serve prints its address: {base}");
    let f = write(&env.files(), "s.png", &png(12, 12));
    let out = env.run(&["upload", "--server", &base, f.to_str().expect("utf8")]).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    child.kill().await.expect("kill");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn copies_the_link_and_keeps_it_after_exit() {
    if std::env::var_os("DISPLAY").is_none() || which("xclip").is_none() {
        eprintln!("skipped: needs an X display and xclip (the CI runs this under xvfb-run)");
        return;
    }
    let host = start_host().await;
    let env = Env::new();
    let f = write(&env.files(), "c.png", &png(20, 20));
    let base = host.base().to_string();
    let cmd = {
        let c = env.cli();
        let mut std_cmd = std::process::Command::new(env!("CARGO_BIN_EXE_slingshot-cli"));
        for (k, v) in c.as_std().get_envs() {
            match v {
                Some(v) => std_cmd.env(k, v),
                None => std_cmd.env_remove(k),
            };
        }
        std_cmd.env("DISPLAY", std::env::var_os("DISPLAY").expect("display"));
        std_cmd.args(["upload", "--server", &base, "--copy", "url", f.to_str().expect("utf8")]);
        std_cmd
    };
    // The clipboard is display-wide: hold the X lock (a blocking guard, so on a blocking thread).
    let (out, clip) = tokio::task::spawn_blocking(move || {
        let mut cmd = cmd;
        let _x = crate::support::x11();
        let out = cmd.output().expect("upload");
        std::thread::sleep(std::time::Duration::from_millis(300));
        let clip = std::process::Command::new("xclip")
            .args(["-o", "-selection", "clipboard"])
            .output()
            .expect("xclip");
        (out, clip)
    })
    .await
    .expect("join");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let printed = text(&out.stdout).trim().to_string();
    assert_eq!(text(&clip.stdout).trim(), printed, "the clipboard holds the link after the CLI exited");
}

fn which(cmd: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|p| std::env::split_paths(&p).map(|d| d.join(cmd)).find(|p| p.exists()))
}

/// The bad-input matrix: each case gives one clear line on stderr, a non-zero exit, no panic, and
/// no history row marked uploaded.
mod bad_input {
    use super::*;

    async fn expect_failure(env: &Env, out: &Output, words: &[&str]) {
        assert!(!out.status.success(), "should fail; stdout: {}", text(&out.stdout));
        let err = text(&out.stderr);
        assert!(!err.contains("panicked"), "panic: {err}");
        let first = err.lines().find(|l| l.starts_with("slingshot-cli:")).unwrap_or_default().to_lowercase();
        assert!(
            words.iter().any(|w| first.contains(&w.to_lowercase())),
            "expected one of {words:?} in: {err}"
        );
        assert!(env.history().await.iter().all(|e| e["status"] != "uploaded"));
    }

    #[tokio::test]
    async fn local_files() {
        let host = start_host().await;
        let env = Env::new();
        let dir = env.files();
        let empty = write(&dir, "empty.png", b"");
        let text_png = write(&dir, "notes.png", b"just some text, not an image at all\n");
        let mut truncated = jpeg(800, 600);
        truncated.truncate(truncated.len() / 3);
        let truncated = write(&dir, "cut.jpg", &truncated);
        let bomb = write(&dir, "bomb.png", &bomb_png(30000, 30000));
        let cases: Vec<(Vec<String>, Vec<&str>)> = vec![
            (vec![dir.join("missing.png").display().to_string()], vec!["no such file"]),
            (vec![dir.display().to_string()], vec!["folder"]),
            (vec![empty.display().to_string()], vec!["empty"]),
            (vec![text_png.display().to_string()], vec!["not an image", "not accepted"]),
            (
                vec![truncated.display().to_string(), "--resize".into(), "200".into()],
                vec!["damaged", "incomplete", "truncated"],
            ),
            (vec![bomb.display().to_string()], vec!["too large", "bomb", "pixels"]),
        ];
        for (args, words) in cases {
            let a: Vec<&str> = args.iter().map(String::as_str).collect();
            let out = upload(&env, &host, &a).await;
            expect_failure(&env, &out, &words).await;
        }
    }

    #[tokio::test]
    async fn unreadable_file() {
        use std::os::unix::fs::PermissionsExt;
        let host = start_host().await;
        let env = Env::new();
        let f = write(&env.files(), "secret.png", &png(10, 10));
        std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o000)).expect("chmod");
        if std::fs::read(&f).is_ok() {
            eprintln!("skipped: running as root, permissions don't stop reading");
            return;
        }
        let out = upload(&env, &host, &[f.to_str().expect("utf8")]).await;
        expect_failure(&env, &out, &["permission", "cannot"]).await;
    }

    #[tokio::test]
    async fn options_and_urls() {
        let host = start_host().await;
        let env = Env::new();
        let f = write(&env.files(), "ok.png", &png(100, 100));
        let fs = f.to_str().expect("utf8");
        let out = upload(&env, &host, &[fs, "--expiration", "garbage"]).await;
        expect_failure(&env, &out, &["expiration"]).await;
        let out = upload(&env, &host, &["http://"]).await;
        expect_failure(&env, &out, &["url"]).await;
        let out = upload(&env, &host, &[fs, "--width", "5000"]).await;
        expect_failure(&env, &out, &["width"]).await;
        let out = upload(&env, &host, &[fs, "--tags", "a/b"]).await;
        expect_failure(&env, &out, &["tag"]).await;
    }

    #[tokio::test]
    async fn server_faults() {
        let env = Env::new();
        let f = write(&env.files(), "ok.png", &png(100, 100));
        let fs = f.to_str().expect("utf8");
        // Server down: a port that was just free.
        let port =
            std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port();
        let down = format!("http://127.0.0.1:{port}/");
        let out = env.run(&["upload", "--server", &down, fs]).await;
        expect_failure(&env, &out, &["could not reach", "refused"]).await;
        // HTML 500.
        let html = support_html_server(500, "<html><body><h1>Internal Server Error</h1></body></html>").await;
        let out = env.run(&["upload", "--server", &html, fs]).await;
        expect_failure(&env, &out, &["500"]).await;
        // 413 from the web server's body limit.
        let small = start_host_with(|c| c.max_body_bytes = 1000).await;
        let out = env.run(&["upload", "--server", small.base().as_str(), fs]).await;
        expect_failure(&env, &out, &["413"]).await;
        // Wrong key.
        let host = start_host().await;
        let out = env
            .cli()
            .env("SLINGSHOT_API_KEY", "chv_wrong_key")
            .args(["upload", "--server", host.base().as_str(), fs])
            .output()
            .await
            .expect("run");
        expect_failure(&env, &out, &["api key"]).await;
        // A failed upload that reached the server stays in history as failed, for retry.
        assert!(env.history().await.iter().any(|e| e["status"] == "failed"));
    }

    /// A PNG whose header claims `w`×`h` with a tiny body: decoding it would need gigabytes.
    pub fn bomb_png(w: u32, h: u32) -> Vec<u8> {
        let mut v = vec![0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a];
        let mut ihdr = Vec::new();
        ihdr.extend_from_slice(&w.to_be_bytes());
        ihdr.extend_from_slice(&h.to_be_bytes());
        ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
        chunk(&mut v, b"IHDR", &ihdr);
        chunk(&mut v, b"IDAT", &[0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]);
        chunk(&mut v, b"IEND", &[]);
        v
    }

    fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        let mut crc_input = kind.to_vec();
        crc_input.extend_from_slice(data);
        out.extend_from_slice(&crc32(&crc_input).to_be_bytes());
    }

    fn crc32(data: &[u8]) -> u32 {
        let mut crc = 0xffff_ffffu32;
        for &b in data {
            crc ^= b as u32;
            for _ in 0..8 {
                crc = if crc & 1 != 0 { (crc >> 1) ^ 0xedb8_8320 } else { crc >> 1 };
            }
        }
        !crc
    }

    /// A server that answers every request with `status` and an HTML body.
    async fn support_html_server(status: u16, body: &'static str) -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let app = axum::Router::new().fallback(move || async move {
            (axum::http::StatusCode::from_u16(status).expect("status"), [("content-type", "text/html")], body)
        });
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        format!("http://{addr}/")
    }
}
