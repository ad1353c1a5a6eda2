//! Settings round-trip, broken files kept, `config set`, and the key store's fallback file.
//! Every test works in its own temp dir; nothing reads or writes the real home or keyring.

use slingshot::api::{Format, KeyMode, UploadOptions};
use slingshot::config::{
    AppSettings, CaptureKind, CaptureSettings, HotkeySettings, KeyLocation, KeyStore, Paths, Profile,
    ProfileDefaults, QueueSettings, Settings,
};
use slingshot::links::CopyTarget;
use slingshot::secret::ApiKey;
use slingshot::ErrorKind;
use std::path::{Path, PathBuf};

const SECRET: &str = "chv_Zz9_thisisthesecretkeyvalue0123456789";

fn paths(dir: &Path) -> Paths {
    Paths { config_dir: dir.join("config"), data_dir: dir.join("data") }
}

fn key(s: &str) -> ApiKey {
    ApiKey::new(s).expect("non-empty key")
}

#[cfg(unix)]
fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).expect("metadata").permissions().mode() & 0o777
}

fn full_settings() -> Settings {
    Settings {
        default_profile: Some("work".into()),
        profiles: vec![
            Profile {
                name: "work".into(),
                base_url: "https://img.example.com".into(),
                key_mode: KeyMode::Field,
                allow_insecure_http: true,
                defaults: ProfileDefaults {
                    resize_width: Some(1920),
                    jpeg_quality: 77,
                    strip_metadata: true,
                    options: UploadOptions {
                        title: Some("T".into()),
                        description: Some("D \"quoted\"\nline".into()),
                        tags: vec!["a".into(), "b c".into()],
                        album_id: Some("AbC".into()),
                        category_id: Some("4".into()),
                        width: Some(800),
                        expiration: Some("PT5M".into()),
                        nsfw: true,
                        format: Format::Txt,
                        use_file_date: true,
                    },
                    copy: CopyTarget::Markdown,
                },
            },
            Profile {
                name: "second one".into(),
                base_url: "http://127.0.0.1:9".into(),
                ..Default::default()
            },
        ],
        capture: CaptureSettings {
            save_dir: Some(PathBuf::from("/tmp/shots dir")),
            strip_metadata: false,
            keep_captures: false,
        },
        hotkeys: HotkeySettings {
            capture_screen: "Alt+1".into(),
            capture_screen_mode: CaptureKind::Window,
            capture_region: "Alt+4".into(),
            capture_window: "Alt+5".into(),
            capture_all: "Alt+2".into(),
            upload_clipboard: "Alt+3".into(),
        },
        app: AppSettings { start_at_login: true, notifications: false, concurrency: 7 },
        queue: QueueSettings {
            max_attempts: 9,
            retry_base_ms: 250,
            retry_max_secs: 120,
            flood_pause_secs: 60,
        },
    }
}

#[test]
fn settings_round_trip_every_field() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = paths(dir.path());
    let s = full_settings();
    assert_ne!(s, Settings::default());
    s.save(&p).expect("save");
    let text = std::fs::read_to_string(p.settings_file()).expect("read back");
    assert!(text.contains("[[profiles]]"), "person-readable TOML expected:\n{text}");
    assert_eq!(Settings::load(&p).expect("load"), s);
}

#[test]
fn missing_file_gives_defaults() {
    let dir = tempfile::tempdir().expect("tempdir");
    let s = Settings::load(&paths(dir.path())).expect("load");
    assert_eq!(s, Settings::default());
    assert_eq!(s.app.concurrency, 3);
    assert!(s.capture.strip_metadata && s.capture.keep_captures && s.app.notifications);
    // Ctrl+Print selects a region; all monitors moved to Shift+Print.
    assert_eq!(s.hotkeys.capture_region, "Ctrl+Print");
    assert_eq!(s.hotkeys.capture_all, "Shift+Print");
    let (r, warning) = Settings::load_or_recover(&paths(dir.path())).expect("recover");
    assert_eq!((r, warning), (Settings::default(), None));
}

#[test]
fn defaults_fill_in_a_partial_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = paths(dir.path());
    std::fs::create_dir_all(&p.config_dir).expect("mkdir");
    std::fs::write(p.settings_file(), "[[profiles]]\nname = \"x\"\nbase_url = \"https://h\"\nfuture = 1\n")
        .expect("write");
    let s = Settings::load(&p).expect("load");
    assert_eq!(s.profiles[0].defaults.jpeg_quality, 90);
    assert_eq!(s.profiles[0].defaults.copy, CopyTarget::Short);
    assert_eq!(s.profiles[0].key_mode, KeyMode::Header);
}

const BROKEN: &str = "default_profile = \"a\"\n[app\nconcurrency = 3\n";

fn write_broken(p: &Paths) {
    std::fs::create_dir_all(&p.config_dir).expect("mkdir");
    std::fs::write(p.settings_file(), BROKEN).expect("write");
}

#[test]
fn corrupt_file_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = paths(dir.path());
    write_broken(&p);
    let err = Settings::load(&p).expect_err("must refuse");
    assert_eq!(err.kind(), ErrorKind::Config);
    let msg = err.to_string();
    assert!(msg.contains(&p.settings_file().display().to_string()), "{msg}");
    assert!(msg.contains("line 2"), "{msg}");
    assert!(msg.contains("untouched"), "{msg}");
    assert_eq!(std::fs::read_to_string(p.settings_file()).expect("still there"), BROKEN);
}

#[test]
fn load_or_recover_moves_the_broken_file_aside() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = paths(dir.path());
    write_broken(&p);
    let (s, warning) = Settings::load_or_recover(&p).expect("recovers");
    assert_eq!(s, Settings::default());
    let warning = warning.expect("a warning");
    assert!(!p.settings_file().exists());
    let moved: Vec<PathBuf> = std::fs::read_dir(&p.config_dir)
        .expect("ls")
        .map(|e| e.expect("entry").path())
        .filter(|f| {
            f.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("settings.toml.broken-"))
        })
        .collect();
    assert_eq!(moved.len(), 1, "{moved:?}");
    assert_eq!(std::fs::read_to_string(&moved[0]).expect("moved"), BROKEN);
    assert!(warning.contains(&moved[0].display().to_string()), "{warning}");
    // A second broken file the same second gets its own name: nothing is overwritten.
    write_broken(&p);
    Settings::load_or_recover(&p).expect("recovers again");
    let count = std::fs::read_dir(&p.config_dir).expect("ls").count();
    assert_eq!(count, 2);
}

#[test]
fn save_is_atomic_and_private() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = paths(dir.path());
    Settings::default().save(&p).expect("first save creates dirs");
    full_settings().save(&p).expect("save over");
    let names: Vec<String> = std::fs::read_dir(&p.config_dir)
        .expect("ls")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, vec!["settings.toml".to_string()], "no temp files may be left");
    #[cfg(unix)]
    assert_eq!(mode(&p.settings_file()), 0o600);
    assert_eq!(Settings::load(&p).expect("load"), full_settings());
}

#[test]
fn set_handles_each_kind_of_key() {
    let mut s = Settings::default();
    s.set("profiles.home.base_url", "https://img.example.org").expect("creates profile");
    assert_eq!(s.profiles.len(), 1);
    assert_eq!(s.profiles[0].name, "home");
    assert_eq!(s.profiles[0].defaults, ProfileDefaults::default());
    s.set("default_profile", "home").expect("default");
    assert_eq!(s.default_profile.as_deref(), Some("home"));
    s.set("app.concurrency", "5").expect("number");
    assert_eq!(s.app.concurrency, 5);
    s.set("capture.strip_metadata", "false").expect("bool");
    assert!(!s.capture.strip_metadata);
    s.set("app.start_at_login", "yes").expect("bool word");
    assert!(s.app.start_at_login);
    s.set("hotkeys.capture_screen", "Super+P").expect("text");
    assert_eq!(s.hotkeys.capture_screen, "Super+P");
    s.set("capture.save_dir", "/tmp/caps").expect("path");
    assert_eq!(s.capture.save_dir, Some(PathBuf::from("/tmp/caps")));
    s.set("capture.save_dir", "").expect("unset");
    assert_eq!(s.capture.save_dir, None);
    s.set("profiles.home.key_mode", "field").expect("enum");
    assert_eq!(s.profiles[0].key_mode, KeyMode::Field);
    s.set("profiles.home.allow_insecure_http", "true").expect("bool");
    assert!(s.profiles[0].allow_insecure_http);
    s.set("profiles.home.defaults.copy", "bbcode").expect("copy");
    assert_eq!(s.profiles[0].defaults.copy, CopyTarget::Bbcode);
    s.set("profiles.home.defaults.resize_width", "1280").expect("opt number");
    assert_eq!(s.profiles[0].defaults.resize_width, Some(1280));
    s.set("profiles.home.defaults.resize_width", "").expect("unset");
    assert_eq!(s.profiles[0].defaults.resize_width, None);
    s.set("profiles.home.defaults.jpeg_quality", "85").expect("u8");
    assert_eq!(s.profiles[0].defaults.jpeg_quality, 85);
    s.set("profiles.home.defaults.options.expiration", "PT10M").expect("expiration");
    assert_eq!(s.profiles[0].defaults.options.expiration.as_deref(), Some("PT10M"));
    s.set("profiles.home.defaults.options.tags", " cats, dogs ,, birds").expect("list");
    assert_eq!(s.profiles[0].defaults.options.tags, vec!["cats", "dogs", "birds"]);
    s.set("profiles.home.defaults.options.format", "txt").expect("format");
    assert_eq!(s.profiles[0].defaults.options.format, Format::Txt);
    s.set("profiles.home.defaults.options.nsfw", "1").expect("nsfw");
    assert!(s.profiles[0].defaults.options.nsfw);
    // A second profile, whose name contains a dot.
    s.set("profiles.my.host.base_url", "http://127.0.0.1:8080").expect("dotted name");
    assert_eq!(s.profile(Some("my.host")).expect("found").base_url, "http://127.0.0.1:8080");
    assert_eq!(s.profile(None).expect("default").name, "home");
    // Everything set survives the file.
    let dir = tempfile::tempdir().expect("tempdir");
    let p = paths(dir.path());
    s.save(&p).expect("save");
    assert_eq!(Settings::load(&p).expect("load"), s);
}

#[test]
fn set_refuses_unknown_keys_and_wrong_types_and_changes_nothing() {
    let mut s = Settings::default();
    s.set("profiles.home.base_url", "https://h.example").expect("creates profile");
    let before = s.clone();
    let refuse = |s: &mut Settings, k: &str, v: &str| -> String {
        let e = s.set(k, v).expect_err(&format!("{k}={v} must be refused"));
        assert_eq!(e.kind(), ErrorKind::InvalidInput, "{e}");
        e.to_string()
    };
    let msg = refuse(&mut s, "app.speed", "3");
    assert!(
        msg.contains("app.speed")
            && msg.contains("app.concurrency")
            && msg.contains("profiles.<name>.base_url"),
        "{msg}"
    );
    let msg = refuse(&mut s, "app.concurrency", "lots");
    assert!(msg.contains("app.concurrency expects a number"), "{msg}");
    let msg = refuse(&mut s, "app.concurrency", "-1");
    assert!(msg.contains("app.concurrency expects"), "{msg}");
    let msg = refuse(&mut s, "app.concurrency", "0");
    assert!(msg.contains("from 1 to"), "{msg}");
    let msg = refuse(&mut s, "capture.keep_captures", "sometimes");
    assert!(msg.contains("true or false"), "{msg}");
    let msg = refuse(&mut s, "profiles.home.key_mode", "query");
    assert!(msg.contains("header, field"), "{msg}");
    let msg = refuse(&mut s, "profiles.home.defaults.jpeg_quality", "300");
    assert!(msg.contains("jpeg_quality expects"), "{msg}");
    let msg = refuse(&mut s, "profiles.home.base_url", "ftp://x");
    assert!(msg.contains("http(s) URL"), "{msg}");
    let msg = refuse(&mut s, "profiles.other.key_mode", "field");
    assert!(msg.contains("\"other\"") && msg.contains("base_url"), "{msg}");
    let msg = refuse(&mut s, "profiles.bad.base_url", "not a url");
    assert!(msg.contains("http(s) URL"), "{msg}");
    let msg = refuse(&mut s, "default_profile", "nobody");
    assert!(msg.contains("home"), "{msg}");
    let msg = refuse(&mut s, "profiles.home.defaults.options.tags", "ok,has/slash");
    assert!(msg.contains("tags"), "{msg}");
    assert_eq!(s, before, "a refused set must not change anything");
}

#[test]
fn key_store_file_fallback_set_get_delete() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = paths(dir.path());
    let ks = KeyStore::file_only(&p);
    assert!(ks.get("home").expect("get").is_none());
    let loc = ks.set("home", &key(SECRET)).expect("set");
    assert_eq!(loc, KeyLocation::File(p.keys_file()));
    ks.set("other profile", &key("chv_other")).expect("set other");
    let (k, loc) = ks.get("home").expect("get").expect("present");
    assert_eq!(k.expose(), SECRET);
    assert_eq!(loc, KeyLocation::File(p.keys_file()));
    #[cfg(unix)]
    assert_eq!(mode(&p.keys_file()), 0o600);
    // Only `profile = "key"` lines (and a comment).
    let text = std::fs::read_to_string(p.keys_file()).expect("read");
    for line in text.lines().filter(|l| !l.trim().is_empty() && !l.starts_with('#')) {
        assert!(line.contains(" = \""), "unexpected line {line:?}");
    }
    // The key never lands in the settings file.
    Settings::default().save(&p).expect("save");
    assert!(!std::fs::read_to_string(p.settings_file()).expect("read").contains(SECRET));
    ks.delete("home").expect("delete");
    assert!(ks.get("home").expect("get").is_none());
    assert_eq!(ks.get("other profile").expect("get").expect("kept").0.expose(), "chv_other");
    ks.delete("never-set").expect("deleting nothing is fine");
}

#[test]
fn env_override_wins_and_debug_hides_keys() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = paths(dir.path());
    KeyStore::file_only(&p).set("home", &key(SECRET)).expect("set");
    let ks = KeyStore::file_only(&p).with_env_key(Some(key("chv_from_env_secret")));
    let (k, loc) = ks.get("home").expect("get").expect("present");
    assert_eq!((k.expose(), loc), ("chv_from_env_secret", KeyLocation::Env));
    let dbg = format!("{ks:?} {:?}", ks.get("home").expect("get"));
    assert!(!dbg.contains("from_env_secret") && !dbg.contains(SECRET), "{dbg}");
}

#[test]
fn broken_key_file_is_reported_without_the_key() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = paths(dir.path());
    std::fs::create_dir_all(&p.config_dir).expect("mkdir");
    let body = format!("home = \"{SECRET}\nother = 1\n");
    std::fs::write(p.keys_file(), &body).expect("write");
    let ks = KeyStore::file_only(&p);
    let err = ks.get("home").expect_err("broken");
    let msg = err.to_string();
    assert!(!msg.contains(SECRET) && msg.contains("line 1") && msg.contains("keys.toml"), "{msg}");
    assert!(ks.set("home", &key("chv_new")).is_err(), "must not overwrite a broken file");
    assert_eq!(std::fs::read_to_string(p.keys_file()).expect("read"), body);
}

/// Child half of `unreachable_keyring_falls_back_fast`: only does something when the parent
/// started it with `SLINGSHOT_TEST_KEYRING_DIR`.
#[test]
#[ignore = "run by unreachable_keyring_falls_back_fast in a child process"]
fn keyring_child() {
    let Some(dir) = std::env::var_os("SLINGSHOT_TEST_KEYRING_DIR") else { return };
    let p = paths(Path::new(&dir));
    let ks = KeyStore::new(&p);
    let t = std::time::Instant::now();
    let loc = ks.set("child", &key(SECRET)).expect("set falls back");
    assert!(t.elapsed().as_secs() < 8, "keyring took {:?}", t.elapsed());
    // A fresh bus on a machine with a keyring daemon installed may activate it: then Keyring.
    if std::env::var_os("SLINGSHOT_TEST_EXPECT_FILE").is_some() {
        assert!(matches!(loc, KeyLocation::File(_)), "{loc:?}");
    }
    assert_eq!(ks.get("child").expect("get").expect("present").0.expose(), SECRET);
    ks.delete("child").expect("delete");
}

/// With no Secret Service (a bus that doesn't exist, or a fresh bus with no keyring daemon), the
/// real keyring path must fail quickly and fall back to the file.
#[test]
fn unreachable_keyring_falls_back_fast() {
    let exe = std::env::current_exe().expect("test exe");
    let run = |mut cmd: std::process::Command, label: &str| {
        let dir = tempfile::tempdir().expect("tempdir");
        cmd.env("SLINGSHOT_TEST_KEYRING_DIR", dir.path())
            .env("HOME", dir.path())
            .env("XDG_DATA_HOME", dir.path().join("xdg"))
            .env_remove("SLINGSHOT_API_KEY")
            .env_remove("SLINGSHOT_NO_KEYRING")
            .env_remove("DISPLAY")
            .args(["--exact", "config::keyring_child", "--ignored", "--test-threads=1"]);
        let t = std::time::Instant::now();
        let out = cmd.output().expect("child runs");
        let log = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert!(out.status.success(), "{label}: {log}");
        assert!(log.contains("1 passed"), "{label}: child test did not run: {log}");
        assert!(t.elapsed().as_secs() < 20, "{label} took {:?}", t.elapsed());
    };
    let mut no_bus = std::process::Command::new(&exe);
    no_bus
        .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/slingshot-test-bus")
        .env("SLINGSHOT_TEST_EXPECT_FILE", "1");
    run(no_bus, "no session bus");
    let have_dbus = std::process::Command::new("dbus-run-session").arg("--version").output().is_ok();
    if have_dbus {
        let mut fresh = std::process::Command::new("dbus-run-session");
        fresh.arg("--").arg(&exe);
        run(fresh, "bus without a keyring daemon");
    }
}
