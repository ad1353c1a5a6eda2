//! Property tests of the settings loader and the key file: whatever bytes are in `settings.toml`
//! or `keys.toml`, loading never panics, a file that can't be used is reported and left exactly
//! as it was (or, in recovery, moved aside whole), and what loads survives a save and reload.

use proptest::prelude::*;
use slingshot::config::{KeyStore, Paths, Settings};
use slingshot::secret::ApiKey;
use slingshot::ErrorKind;
use std::path::{Path, PathBuf};

fn paths(dir: &Path) -> Paths {
    Paths { config_dir: dir.join("config"), data_dir: dir.join("data") }
}

/// Writes `bytes` as `settings.toml` in a fresh temp dir.
fn with_settings(bytes: &[u8]) -> (tempfile::TempDir, Paths) {
    let dir = tempfile::tempdir().expect("tmp");
    let p = paths(dir.path());
    std::fs::create_dir_all(&p.config_dir).expect("mkdir");
    std::fs::write(p.settings_file(), bytes).expect("write");
    (dir, p)
}

/// The `settings.toml.broken-*` files in the config dir.
fn moved_aside(p: &Paths) -> Vec<PathBuf> {
    std::fs::read_dir(&p.config_dir)
        .expect("ls")
        .flatten()
        .map(|e| e.path())
        .filter(|f| {
            f.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("settings.toml.broken-"))
        })
        .collect()
}

/// Checks load and recovery on whatever `settings.toml` holds; returns what loaded, if anything.
fn check_loader(bytes: &[u8]) -> Option<Settings> {
    let (_dir, p) = with_settings(bytes);
    let loaded = Settings::load(&p);
    assert_eq!(std::fs::read(p.settings_file()).expect("still there"), bytes, "load changed the file");
    if let Err(e) = &loaded {
        assert_eq!(e.kind(), ErrorKind::Config, "{e}");
        let msg = e.to_string();
        assert!(msg.contains(&p.settings_file().display().to_string()) && msg.contains("untouched"), "{msg}");
    }
    let (recovered, warning) = Settings::load_or_recover(&p).expect("recovery never fails here");
    match &loaded {
        Ok(s) => {
            assert_eq!((&recovered, &warning), (s, &None));
            assert!(moved_aside(&p).is_empty());
        }
        Err(_) => {
            assert_eq!(recovered, Settings::default());
            let aside = moved_aside(&p);
            assert_eq!(aside.len(), 1, "{aside:?}");
            assert_eq!(std::fs::read(&aside[0]).expect("moved"), bytes, "the broken file was altered");
            assert!(warning.is_some_and(|w| w.contains(&aside[0].display().to_string())));
            assert!(!p.settings_file().exists());
        }
    }
    loaded.ok()
}

/// Saves `s` in a fresh dir and loads it back.
fn round_trip(s: &Settings) -> Settings {
    let dir = tempfile::tempdir().expect("tmp");
    let p = paths(dir.path());
    s.save(&p).expect("what loaded can be saved");
    Settings::load(&p).expect("what was saved loads")
}

/// Keys and values of the real settings (and some that are not), in any table.
fn toml_line() -> impl Strategy<Value = String> {
    let header = prop::sample::select(vec![
        "[app]",
        "[capture]",
        "[hotkeys]",
        "[queue]",
        "[[profiles]]",
        "[profiles.defaults]",
        "[profiles.defaults.options]",
        "[future]",
        "[app.nested]",
    ])
    .prop_map(str::to_string);
    let key = prop::sample::select(vec![
        "default_profile",
        "name",
        "base_url",
        "key_mode",
        "allow_insecure_http",
        "concurrency",
        "notifications",
        "start_at_login",
        "save_dir",
        "strip_metadata",
        "keep_captures",
        "capture_screen",
        "resize_width",
        "jpeg_quality",
        "copy",
        "title",
        "tags",
        "expiration",
        "format",
        "nsfw",
        "width",
        "max_attempts",
        "retry_base_ms",
        "profiles",
        "app",
        "unknown_key",
        "\"quoted key\"",
    ]);
    let value = prop_oneof![
        any::<i64>().prop_map(|n| n.to_string()),
        any::<f64>().prop_map(|f| format!("{f:?}")),
        any::<bool>().prop_map(|b| b.to_string()),
        "\\PC{0,20}".prop_map(|s| format!("{s:?}")),
        "[a-z0-9 ]{0,10}".prop_map(|s| format!("'{s}'")),
        prop::collection::vec("[a-z]{0,5}", 0..4).prop_map(|v| format!("{v:?}")),
        Just("{ a = 1 }".to_string()),
        Just("1979-05-27T07:32:00Z".to_string()),
        Just("\"header\"".to_string()),
        Just("\"field\"".to_string()),
        Just("\"markdown\"".to_string()),
        Just("\"txt\"".to_string()),
        Just("\"https://img.example.com\"".to_string()),
    ];
    prop_oneof![1 => header, 4 => (key, value).prop_map(|(k, v)| format!("{k} = {v}"))]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(192))]

    #[test]
    fn arbitrary_bytes_never_panic_and_are_kept(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        check_loader(&bytes);
    }

    #[test]
    fn arbitrary_text_never_panics_and_is_kept(text in "\\PC{0,200}") {
        check_loader(text.as_bytes());
    }

    #[test]
    fn settings_shaped_toml_loads_or_is_refused(lines in prop::collection::vec(toml_line(), 0..14)) {
        let text = lines.join("\n");
        if let Some(s) = check_loader(text.as_bytes()) {
            prop_assert_eq!(&round_trip(&s), &s, "saving changed what was loaded from:\n{}", text);
        }
    }

    #[test]
    fn config_set_never_panics_and_a_refusal_changes_nothing(
        key in prop::sample::select(vec![
            "default_profile", "app.concurrency", "app.notifications", "capture.save_dir", "hotkeys.capture_all",
            "profiles.p.base_url", "profiles.p.key_mode", "profiles.p.allow_insecure_http",
            "profiles.p.defaults.jpeg_quality", "profiles.p.defaults.resize_width", "profiles.p.defaults.copy",
            "profiles.p.defaults.options.tags", "profiles.p.defaults.options.expiration",
            "profiles.p.defaults.options.title", "profiles.p.defaults.options.width", "profiles..base_url",
            "profiles.p", "queue.max_attempts", "app", "", ".", "profiles.q.r.base_url",
        ]),
        value in prop_oneof!["\\PC{0,30}", "[0-9]{1,12}", Just("https://h.example".to_string()), Just(String::new())],
    ) {
        let mut s = Settings::default();
        s.set("profiles.p.base_url", "https://img.example.com").expect("a profile");
        let before = s.clone();
        match s.set(key, &value) {
            Ok(()) => prop_assert_eq!(&round_trip(&s), &s),
            Err(e) => {
                prop_assert_eq!(e.kind(), ErrorKind::InvalidInput, "{}", e);
                prop_assert_eq!(&s, &before);
            }
        }
    }

    #[test]
    fn arbitrary_key_files_never_panic_and_are_never_overwritten(text in "\\PC{0,120}") {
        let dir = tempfile::tempdir().expect("tmp");
        let p = paths(dir.path());
        std::fs::create_dir_all(&p.config_dir).expect("mkdir");
        std::fs::write(p.keys_file(), &text).expect("write");
        let ks = KeyStore::file_only(&p);
        let readable = ks.get("home").is_ok();
        let set = ks.set("home", &ApiKey::new("chv_new_key").expect("key"));
        if readable {
            prop_assert!(set.is_ok(), "{:?}", set.err());
            let got = ks.get("home").expect("get").expect("present");
            prop_assert_eq!(got.0.expose(), "chv_new_key");
        } else {
            prop_assert!(set.is_err(), "a broken key file must not be overwritten");
            prop_assert_eq!(std::fs::read_to_string(p.keys_file()).expect("read"), text);
        }
    }
}

/// A `settings.toml` that exists but can't be read is reported, not treated as missing; the
/// desktop app's recovery moves it aside whole instead of writing over it.
#[test]
fn an_unreadable_settings_file_is_reported_and_never_replaced() {
    let dir = tempfile::tempdir().expect("tmp");
    let p = paths(dir.path());
    // A directory in its place can't be read by anyone, root included.
    std::fs::create_dir_all(p.settings_file()).expect("mkdir");
    std::fs::write(p.settings_file().join("inside.txt"), b"keep me").expect("write");
    let e = Settings::load(&p).expect_err("an unreadable file is an error, not the defaults");
    assert_eq!(e.kind(), ErrorKind::Config);
    assert!(e.to_string().contains("could not be read"), "{e}");
    assert_eq!(std::fs::read(p.settings_file().join("inside.txt")).expect("untouched"), b"keep me");

    let (s, warning) = Settings::load_or_recover(&p).expect("recovers");
    assert_eq!(s, Settings::default());
    assert!(warning.is_some());
    let aside = moved_aside(&p);
    assert_eq!(aside.len(), 1, "{aside:?}");
    assert_eq!(std::fs::read(aside[0].join("inside.txt")).expect("moved whole"), b"keep me");

    #[cfg(unix)]
    if running_as_root() {
        return;
    }
    // Without read permission (only meaningful when not running as root).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::write(p.settings_file(), b"[app]\nconcurrency = 2\n").expect("write");
        std::fs::set_permissions(p.settings_file(), std::fs::Permissions::from_mode(0o000)).expect("chmod");
        let e = Settings::load(&p).expect_err("unreadable");
        assert!(e.to_string().contains("could not be read"), "{e}");
        std::fs::set_permissions(p.settings_file(), std::fs::Permissions::from_mode(0o600)).expect("chmod");
        assert_eq!(std::fs::read(p.settings_file()).expect("read"), b"[app]\nconcurrency = 2\n");
    }
}

/// Whether the tests run as root (who reads files whatever their mode), judged by whether a
/// file without read permission can still be read.
#[cfg(unix)]
fn running_as_root() -> bool {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tmp");
    let f = dir.path().join("probe");
    std::fs::write(&f, b"x").expect("write");
    std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o000)).expect("chmod");
    std::fs::read(&f).is_ok()
}
