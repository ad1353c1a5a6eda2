//! The security pass: the API key goes only into the `X-API-Key` header (or `key` field) of a
//! request to its own server (never to a redirect target, a URL source's host, a URL, an error,
//! a log line, the history file or Debug output), delete URLs stay out of logs, private files
//! and folders are created 0600/0700, the local host keeps uploads inside its data dir whatever
//! the file name, and the desktop shell grants the web view nothing beyond Tauri's core and loads
//! no remote script.

use crate::support::faults::{Fault, FaultServer, Script, SUCCESS_JSON};
use crate::support::{self, ADMIN_KEY, KEY};
use slingshot::api::{Client, KeyMode, ServerConfig, Source, UploadOptions};
use slingshot::config::{KeyStore, Paths, Profile, Settings};
use slingshot::history::{History, NewEntry};
use slingshot::media::resize::PrepareOptions;
use slingshot::pipeline::{self, Core, Job};
use slingshot::secret::ApiKey;
use slingshot::ErrorKind;
use std::path::{Path, PathBuf};

fn server(base: &url::Url, key: &str, key_mode: KeyMode) -> ServerConfig {
    ServerConfig { base_url: base.clone(), key: ApiKey::new(key), key_mode, allow_insecure_http: false }
}

fn png_source() -> Source {
    Source::Bytes { data: support::png(8, 8), filename: "a.png".into() }
}

#[tokio::test]
async fn redirects_to_another_port_never_carry_the_key() {
    // Would accept anything: if the client followed a redirect here, it would "succeed".
    let other = FaultServer::start(Script::always(Fault::json(200, SUCCESS_JSON)), None).await;
    let elsewhere = format!("{}api/1/upload?from=redirect", other.base());
    let client = Client::new().expect("client");
    for status in [301, 302, 303, 307, 308] {
        let srv = FaultServer::start(Script::always(Fault::redirect(status, &elsewhere)), None).await;
        for mode in [KeyMode::Header, KeyMode::Field] {
            let e = client
                .upload(&server(&srv.base(), KEY, mode), png_source(), &UploadOptions::default(), None)
                .await
                .expect_err("a redirected upload is a configuration error");
            assert_eq!(e.kind(), ErrorKind::Config, "{status} {mode:?}: {e:?}");
            assert!(!e.is_transient(), "{status}");
            assert!(e.to_string().contains(other.base().as_str()), "the message names the target: {e}");
            assert!(!e.to_string().contains(KEY), "{e}");
        }
        assert!(srv.seen().iter().all(|s| !s.target.contains(KEY)), "key in a URL");
    }
    // A delete link that redirects is not followed either.
    let delete_elsewhere = format!("{}image/x/delete/{}", other.base(), "s".repeat(48));
    let srv = FaultServer::start(Script::always(Fault::redirect(302, &delete_elsewhere)), None).await;
    let e = client.delete(&format!("{}image/x/delete/{}", srv.base(), "s".repeat(48))).await;
    assert!(e.is_err(), "a delete link redirected to another delete link deleted nothing");
    assert_eq!(other.attempts(), 0, "the redirect target received {:#?}", other.seen());
}

#[tokio::test]
async fn a_url_source_host_never_sees_the_key() {
    let host = support::start_host_with(|c| c.allow_url_uploads = true).await;
    let picture = support::png(24, 16);
    let other =
        FaultServer::start(Script::always(Fault::reply(200, "image/png", picture.clone())), None).await;
    let up = Client::new()
        .expect("client")
        .upload(
            &server(&host.base(), ADMIN_KEY, KeyMode::Header),
            Source::Url(format!("{}pictures/p.png", other.base())),
            &UploadOptions::default(),
            None,
        )
        .await
        .expect("the host fetches the URL");
    assert_eq!((up.width, up.height), (Some(24), Some(16)));
    let fetches = other.seen();
    assert!(!fetches.is_empty(), "the host did not fetch the source");
    for f in &fetches {
        assert_eq!(f.target, "/pictures/p.png");
        assert!(f.header("x-api-key").is_none(), "{f:#?}");
        assert!(!f.carries(ADMIN_KEY) && !f.carries(KEY), "the key reached the source's host: {f:#?}");
    }
}

/// Runs `key_leak_child` in a fresh process whose every log line (all threads, every level,
/// `log` records included) goes to a file it then searches for secrets.
#[test]
fn the_key_and_delete_urls_never_reach_logs_errors_history_or_debug() {
    let dir = tempfile::tempdir().expect("tmp");
    let out = std::process::Command::new(std::env::current_exe().expect("test exe"))
        .env("SLINGSHOT_TEST_LEAK_DIR", dir.path())
        .args(["--exact", "security::key_leak_child", "--ignored", "--test-threads=1", "--nocapture"])
        .output()
        .expect("child runs");
    let log = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success() && log.contains("1 passed"), "child failed:\n{log}");
}

/// Child half of the test above: only does something when started by it.
#[test]
#[ignore = "run by the_key_and_delete_urls_never_reach_logs_errors_history_or_debug in a child process"]
fn key_leak_child() {
    let Some(dir) = std::env::var_os("SLINGSHOT_TEST_LEAK_DIR") else { return };
    let dir = PathBuf::from(dir);
    let log_path = dir.join("trace.log");
    let file = std::fs::File::create(&log_path).expect("log file");
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(std::sync::Mutex::new(file))
        .init();
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    let delete_secret = rt.block_on(leak_scenario(&dir));
    let log = std::fs::read_to_string(&log_path).expect("log");
    assert!(log.contains("uploading"), "the client's log lines were not captured:\n{log}");
    for (what, secret) in [("API key", KEY), ("delete URL secret", delete_secret.as_str())] {
        if let Some(line) = log.lines().find(|l| l.contains(secret)) {
            panic!("the {what} is in a log line: {line}");
        }
    }
}

/// Uploads through the key store, a pass-through fault server and the pipeline, deletes through
/// the delete URL, and fails in every way a server can echo the key back; checks errors, Debug
/// output, the history file and the request URLs. Returns the delete URL's secret.
async fn leak_scenario(dir: &Path) -> String {
    let host = support::start_host().await;
    let srv = FaultServer::start(Script::always(Fault::Pass), Some(host.base())).await;
    let paths = Paths { config_dir: dir.join("config"), data_dir: dir.join("data") };
    let mut settings = Settings::default();
    settings.queue.max_attempts = 1;
    settings.upsert_profile(Profile {
        name: "home".into(),
        base_url: srv.base().to_string(),
        ..Default::default()
    });
    let mut core = Core::open(paths.clone(), settings.clone()).expect("core");
    core.keys = KeyStore::file_only(&paths);
    core.keys.set("home", &ApiKey::new(KEY).expect("key")).expect("store the key");
    let target = pipeline::target::resolve(&settings, &core.keys, Some("home"), None).expect("target");
    let file = support::write(dir, "photo.png", &support::png(30, 20));
    let job = |source| Job { source, options: UploadOptions::default(), prepare: PrepareOptions::default() };

    let done = pipeline::upload(&core, &target, job(Source::File(file.clone())), None).await.expect("upload");
    let delete_url = done.uploaded.delete_url.clone().expect("delete url");
    let secret = delete_url.rsplit('/').next().expect("secret").to_string();
    let entry = core.history.get(done.history_id).expect("get").expect("row");
    let mut host_cfg = slingshot::host::HostConfig::new(dir.join("unused"));
    host_cfg.keys = vec![KEY.to_string()];
    let shown = format!("{target:?} {:?} {done:?} {entry:?} {:?} {host_cfg:?}", core.keys, target.server);
    assert!(!shown.contains(KEY) && !shown.contains(&secret), "Debug output leaks: {shown}");
    pipeline::delete_remote(&core, done.history_id).await.expect("delete");

    // Servers that echo the key back, in every kind of answer.
    let echoes = [
        Fault::json(
            400,
            &format!(r#"{{"status_code":400,"error":{{"message":"Invalid API key {KEY}","code":100}}}}"#),
        ),
        Fault::reply(500, "text/html", format!("<html><body>Fatal error near '{KEY}'</body></html>")),
        Fault::reply(200, "text/html", format!("<html><body>Maintenance. Your key: {KEY}</body></html>")),
        Fault::redirect(301, &format!("http://127.0.0.1:9/api/1/upload/?key={KEY}")),
        Fault::json(200, &format!(r#"{{"image":{{"url_viewer":"{KEY}"}}}}"#)),
    ];
    for fault in echoes {
        let name = fault.name();
        srv.set_script(Script::first(1, fault));
        let f =
            pipeline::upload(&core, &target, job(Source::File(file.clone())), None).await.expect_err(&name);
        let row = core.history.get(f.history_id.expect("row")).expect("get").expect("row");
        let shown = format!("{} {:?} {f:?} {row:?}", f.error, f.error);
        assert!(!shown.contains(KEY), "{name}: the echoed key leaks: {shown}");
    }
    // A wrong key: the host's refusal must not repeat it either.
    let wrong = "chv_Wr0ng_thisiswrongbutstillsecret0123456789";
    let wrong_attempt = srv.attempts() + 1;
    let mut bad = target.clone();
    bad.server.key = ApiKey::new(wrong);
    let f =
        pipeline::upload(&core, &bad, job(Source::File(file.clone())), None).await.expect_err("wrong key");
    assert_eq!(f.error.kind(), ErrorKind::Auth);
    assert!(!format!("{} {:?}", f.error, f.error).contains(wrong));

    for seen in srv.seen() {
        assert!(!seen.target.contains(KEY), "key in a URL: {}", seen.target);
        assert_eq!(seen.header("x-api-key"), Some(if seen.number == wrong_attempt { wrong } else { KEY }));
    }
    drop(core);
    for name in ["history.db", "history.db-wal", "history.db-shm"] {
        let bytes = std::fs::read(paths.data_dir.join(name)).unwrap_or_default();
        assert!(!support::contains(&bytes, KEY.as_bytes()), "the key is in {name}");
        assert!(!support::contains(&bytes, wrong.as_bytes()), "the wrong key is in {name}");
    }
    secret
}

#[cfg(unix)]
fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).unwrap_or_else(|e| panic!("{}: {e}", p.display())).permissions().mode() & 0o777
}

#[cfg(unix)]
#[tokio::test]
async fn private_files_are_created_0600_in_0700_folders() {
    let dir = tempfile::tempdir().expect("tmp");
    let paths = |n: &str| Paths {
        config_dir: dir.path().join(n).join("config"),
        data_dir: dir.path().join(n).join("data"),
    };
    let key = ApiKey::new(KEY).expect("key");

    let p = paths("settings-first");
    Settings::default().save(&p).expect("save");
    assert_eq!((mode(&p.config_dir), mode(&p.settings_file())), (0o700, 0o600), "settings");
    KeyStore::file_only(&p).set("home", &key).expect("key");
    assert_eq!(mode(&p.keys_file()), 0o600, "keys.toml");

    let p = paths("keys-first");
    KeyStore::file_only(&p).set("home", &key).expect("key");
    assert_eq!((mode(&p.config_dir), mode(&p.keys_file())), (0o700, 0o600), "keys.toml in a new folder");

    let h = History::open(&p.history_db()).expect("history");
    let id = h
        .add(&NewEntry { source: "x.png".into(), profile: "home".into(), ..Default::default() })
        .expect("add");
    h.set_failed(id, "network", "offline").expect("write");
    assert_eq!((mode(&p.data_dir), mode(&p.history_db())), (0o700, 0o600), "history");
    for side in ["history.db-wal", "history.db-shm"] {
        let f = p.data_dir.join(side);
        if f.exists() {
            assert_eq!(mode(&f), 0o600, "{side}");
        }
    }
    drop(h);

    // The local sandbox's key, and a saved capture (what was on the screen).
    let sandbox = slingshot::sandbox::start(&p).await.expect("sandbox");
    assert_eq!(mode(&p.sandbox_dir().join("api-key")), 0o600, "sandbox key");
    drop(sandbox);
    let shot = pipeline::save_bytes(&p.captures_dir(), "shot.png", &support::png(4, 4)).expect("capture");
    assert_eq!(mode(&shot), 0o600, "captures are private");
}

/// Whether a stored name is `<ASCII letters, digits, - and _>.<lower-case extension>`.
fn is_safe_name(name: &str) -> bool {
    let Some((stem, ext)) = name.rsplit_once('.') else { return false };
    !stem.is_empty()
        && stem.len() <= 64
        && stem.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        && !ext.is_empty()
        && ext.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
}

#[tokio::test]
async fn odd_upload_file_names_stay_inside_the_data_dir() {
    let h = support::start_host().await;
    let outside = tempfile::tempdir().expect("outside");
    let unique = format!("slingshot-planted-{}", std::process::id());
    let names = [
        format!("{}/planted.png", outside.path().display()),
        format!("../../../../../../../../../../../../tmp/{unique}.png"),
        format!("..\\..\\..\\..\\..\\tmp\\{unique}.png"),
        "C:\\Windows\\System32\\planted.png".into(),
        "..".into(),
        ".".into(),
        ".png".into(),
        ".htaccess".into(),
        "images/../../host.db".into(),
        "host.db".into(),
        "con.png".into(),
        "ünïcødé фото.png".into(),
        "\u{202e}gnp.exe.png".into(),
        "tab\tand space .png".into(),
        format!("{}.png", "a".repeat(400)),
        "x.png.php".into(),
        "%2e%2e%2fescaped.png".into(),
    ];
    let http = reqwest::Client::new();
    for name in &names {
        let part = reqwest::multipart::Part::bytes(support::png(6, 6))
            .file_name(name.clone())
            .mime_str("image/png")
            .expect("mime");
        // Sent as given, not percent-encoded: a hostile client does not encode.
        let form = reqwest::multipart::Form::new().percent_encode_noop().part("source", part);
        let r = http.post(h.api()).header("X-API-Key", KEY).multipart(form).send().await.expect("sent");
        let status = r.status().as_u16();
        let v: serde_json::Value = r.json().await.expect("a JSON answer");
        assert_eq!(status, 200, "{name:?}: {v}");
        let stored = v["image"]["filename"].as_str().expect("filename");
        assert!(is_safe_name(stored), "{name:?} was stored as {stored:?}");
        let url = v["image"]["url"].as_str().expect("url");
        let rel = url.strip_prefix(&format!("{}images/", h.base())).expect("under /images/");
        assert_eq!(rel.matches('/').count(), 3, "{name:?}: only the date folders: {rel}");
    }
    assert!(support::walk(outside.path()).is_empty(), "a file was written outside");
    assert!(!Path::new("/tmp").join(format!("{unique}.png")).exists(), "a file was written to /tmp");
    let root = h.dir.path().join("host");
    for f in support::walk(&root) {
        let rel = f.strip_prefix(&root).expect("inside");
        let top = rel.components().next().map(|c| c.as_os_str().to_string_lossy().into_owned());
        let ok = match top.as_deref() {
            Some("images") => f.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
                let main = n.split_once('.').map_or(n, |(stem, _)| stem);
                is_safe_name(&format!("{main}.x"))
            }),
            Some(db) => db.starts_with("host.db"),
            None => false,
        };
        assert!(ok, "unexpected file in the host's data dir: {}", rel.display());
    }
}

/// A date folder swapped for a symlink to somewhere else: the host must neither serve the files
/// behind it nor write new uploads through it.
#[cfg(unix)]
#[tokio::test]
async fn a_symlinked_folder_inside_the_data_dir_is_not_followed() {
    let h = support::start_host().await;
    let http = reqwest::Client::new();
    let upload = |name: &'static str| {
        let part = reqwest::multipart::Part::bytes(support::png(6, 6)).file_name(name).mime_str("image/png");
        let form = reqwest::multipart::Form::new().part("source", part.expect("mime"));
        http.post(h.api()).header("X-API-Key", KEY).multipart(form).send()
    };
    let v: serde_json::Value = upload("first.png").await.expect("sent").json().await.expect("json");
    let url = v["image"]["url"].as_str().expect("url").to_string();
    let rel = url.strip_prefix(&format!("{}images/", h.base())).expect("rel").to_string();
    let year = rel.split('/').next().expect("year").to_string();
    let images = h.dir.path().join("host").join("images");
    let outside = tempfile::tempdir().expect("outside");
    std::fs::rename(images.join(&year), outside.path().join(&year)).expect("move the folder out");
    std::os::unix::fs::symlink(outside.path().join(&year), images.join(&year)).expect("symlink");
    let before = support::walk(outside.path()).len();

    let served = reqwest::get(&url).await.expect("get").status().as_u16();
    let second = upload("second.png").await.expect("sent").status().as_u16();
    let after = support::walk(outside.path()).len();
    assert!(
        served == 404 && after == before,
        "GET of a file behind a symlinked folder answered {served} (want 404); an upload through it \
         answered {second} and added {} file(s) outside the data dir (want 0)",
        after - before
    );
}

#[test]
fn the_web_view_gets_only_core_permissions_and_no_remote_script() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let caps = root.join("src-tauri").join("capabilities");
    let mut files = 0;
    for f in std::fs::read_dir(&caps).expect("capabilities").flatten().map(|e| e.path()) {
        let text = std::fs::read_to_string(&f).expect("read");
        let v: serde_json::Value = serde_json::from_str(&text).expect("capability JSON");
        let name = f.display();
        files += 1;
        let windows = v["windows"].as_array().expect("windows");
        assert!(
            !windows.is_empty()
                && windows.iter().all(|w| w.as_str().is_some_and(|w| !w.is_empty() && !w.contains('*'))),
            "{name}: named app windows only, no wildcard: {windows:?}"
        );
        assert!(
            v.get("remote").is_none() && v.get("webviews").is_none(),
            "{name}: no remote or extra webviews"
        );
        for p in v["permissions"].as_array().expect("permissions") {
            let id = p.as_str().or_else(|| p["identifier"].as_str()).expect("permission identifier");
            assert!(id.starts_with("core:"), "{name}: the web view needs no plugin permission, got {id}");
        }
    }
    assert!(files > 0, "no capability file found");
    // The page calls only the app's own commands (no `plugin:` command needs a grant).
    for f in support::walk(&root.join("ui").join("js")) {
        let text = std::fs::read_to_string(&f).expect("read");
        assert!(!text.contains("plugin:"), "{} calls a plugin command", f.display());
    }
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).expect("Cargo.toml");
    for plugin in ["tauri-plugin-shell", "tauri-plugin-fs", "tauri-plugin-http"] {
        assert!(!manifest.contains(plugin), "{plugin} exposes the system to the web view");
    }

    let conf: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(root.join("tauri.conf.json")).expect("read"))
            .expect("JSON");
    assert_eq!(conf["app"]["withGlobalTauri"], false);
    assert!(conf["build"]["frontendDist"].as_str().is_some_and(|d| !d.contains("://")), "local UI only");
    let security = &conf["app"]["security"];
    assert!(security.get("dangerousDisableAssetCspModification").is_none());
    let csp = security["csp"].as_str().expect("a CSP string");
    let directive = |name: &str| -> Vec<String> {
        csp.split(';')
            .map(|d| d.split_whitespace().map(str::to_string).collect::<Vec<_>>())
            .find(|d| d.first().is_some_and(|n| n == name))
            .map(|d| d[1..].to_vec())
            .unwrap_or_else(|| panic!("no {name} in the CSP: {csp}"))
    };
    assert_eq!(directive("default-src"), ["'self'"], "{csp}");
    assert_eq!(directive("script-src"), ["'self'"], "only the app's own scripts: {csp}");
    for source in directive("connect-src") {
        assert!(
            ["'self'", "ipc:", "http://ipc.localhost"].contains(&source.as_str()),
            "connect-src {source}"
        );
    }
    for bad in ["*", "'unsafe-eval'", "'unsafe-inline'", "http:", "blob:"] {
        assert!(!csp.split_whitespace().any(|t| t.trim_end_matches(';') == bad), "{bad} in the CSP: {csp}");
    }
    // The pages themselves load only local files.
    let pages: Vec<PathBuf> = std::fs::read_dir(root.join("ui"))
        .expect("ui")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "html"))
        .collect();
    assert!(!pages.is_empty(), "no page found under ui/");
    for page in pages {
        let html = std::fs::read_to_string(&page).expect("page");
        for tag in html.split(['<', '>']).filter(|t| t.starts_with("script") || t.starts_with("link")) {
            let remote = tag.contains("://") || tag.contains("=\"//");
            assert!(!remote, "{}: remote resource <{tag}>", page.display());
        }
    }
}

#[test]
fn plain_http_to_another_host_is_refused_unless_allowed_and_then_warned_about() {
    use slingshot::api::client::{check_transport, clear_text_warning};
    let remote = url::Url::parse("http://img.example.com/").expect("url");
    let refused = check_transport(&remote, false).expect_err("refused by default");
    assert!(refused.to_string().contains("travel in clear"), "{refused}");
    assert!(check_transport(&remote, true).is_ok(), "allowed when the profile says so");
    let warning = clear_text_warning(&remote).expect("a warning when allowed");
    assert!(warning.contains("unencrypted") && warning.contains("img.example.com"), "{warning}");
    for quiet in
        ["https://img.example.com/", "http://127.0.0.1:7780/", "http://localhost/", "http://[::1]:80/"]
    {
        let u = url::Url::parse(quiet).expect("url");
        assert!(check_transport(&u, false).is_ok() && clear_text_warning(&u).is_none(), "{quiet}");
    }
}
