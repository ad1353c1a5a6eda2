//! File-manager integration through the real `slingshot-cli integrate` binary with private
//! HOME/XDG dirs, plus folder expansion and the connection test against the local host.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Private HOME and XDG dirs for one test.
struct Env {
    _dir: tempfile::TempDir,
    home: PathBuf,
    data: PathBuf,
    config: PathBuf,
}

fn env() -> Env {
    let dir = tempfile::tempdir().expect("tempdir");
    let home = dir.path().join("home");
    std::fs::create_dir_all(&home).expect("mkdir");
    Env { data: dir.path().join("data"), config: dir.path().join("config"), home, _dir: dir }
}

/// Runs `slingshot-cli integrate ARGS` in `e`; returns stdout, asserting success.
fn integrate(e: &Env, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_slingshot-cli"))
        .arg("integrate")
        .args(args)
        .env("HOME", &e.home)
        .env("XDG_DATA_HOME", &e.data)
        .env("XDG_CONFIG_HOME", &e.config)
        .env("SLINGSHOT_CONFIG_DIR", e.home.join("cfg"))
        .env("SLINGSHOT_DATA_DIR", e.home.join("dat"))
        .output()
        .expect("run slingshot-cli");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{args:?} failed: {stdout}{}", String::from_utf8_lossy(&out.stderr));
    stdout
}

fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).map(|m| m.permissions().mode() & 0o777).unwrap_or(0)
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

const EXEC: &str = "/opt/Slingshot Apps/slingshot";

#[test]
fn install_writes_every_file_with_content_and_modes() {
    let e = env();
    let out = integrate(&e, &["install", "--exec", EXEC]);
    let desktop = e.data.join("applications/slingshot.desktop");
    let script = e.data.join("nautilus/scripts/Upload with Slingshot");
    let kde6 = e.data.join("kio/servicemenus/slingshot-upload.desktop");
    let kde5 = e.data.join("kservices5/ServiceMenus/slingshot-upload.desktop");
    let nemo = e.data.join("nemo/actions/slingshot-upload.nemo_action");
    let uca = e.config.join("Thunar/uca.xml");
    for p in [&desktop, &script, &kde6, &kde5, &nemo] {
        assert!(out.contains(&format!("Wrote {}", p.display())), "{out}");
    }
    assert!(out.contains(&format!("Added the Slingshot action to {}", uca.display())), "{out}");

    let d = read(&desktop);
    assert!(d.starts_with("[Desktop Entry]\n"), "{d}");
    assert!(d.contains("\nName=Slingshot\n"));
    assert!(d.contains("\nExec=\"/opt/Slingshot Apps/slingshot\" %F\n"), "{d}");
    assert!(d.contains("\nMimeType=image/png;image/jpeg;image/gif;image/webp;image/bmp;image/avif;video/mp4;video/quicktime;video/webm;\n"));
    assert!(d.contains("\nActions=upload;\n"));
    assert!(d.contains("\n[Desktop Action upload]\nName=Upload with Slingshot\n"));
    assert_eq!(mode(&desktop), 0o644);

    let s = read(&script);
    assert!(s.starts_with("#!/bin/sh\n"));
    assert!(s.contains("'/opt/Slingshot Apps/slingshot' $NAUTILUS_SCRIPT_SELECTED_FILE_PATHS"), "{s}");
    assert_eq!(mode(&script), 0o755);

    for k in [&kde6, &kde5] {
        let t = read(k);
        assert!(t.contains("Type=Service") && t.contains("Name=Upload with Slingshot"), "{t}");
        assert!(t.contains("Exec=\"/opt/Slingshot Apps/slingshot\" %F"), "{t}");
        assert_eq!(mode(k), 0o755, "KDE 6 wants service menus executable");
    }
    let n = read(&nemo);
    assert!(n.starts_with("[Nemo Action]\n") && n.contains("Exec='/opt/Slingshot Apps/slingshot' %F"), "{n}");
    let u = read(&uca);
    assert!(u.contains("<unique-id>slingshot-upload</unique-id>"), "{u}");
    assert!(u.contains("<command>'/opt/Slingshot Apps/slingshot' %F</command>"), "{u}");
}

#[test]
fn nautilus_script_passes_each_selected_path_as_one_argument() {
    let e = env();
    // A fake "slingshot" that prints its arguments one per line.
    let fake = e.home.join("fake-slingshot");
    std::fs::write(&fake, "#!/bin/sh\nfor a in \"$@\"; do echo \"[$a]\"; done\n").expect("write");
    std::fs::set_permissions(&fake, std::os::unix::fs::PermissionsExt::from_mode(0o755)).expect("chmod");
    integrate(&e, &["install", "--exec", fake.to_str().expect("utf8")]);
    let script = e.data.join("nautilus/scripts/Upload with Slingshot");
    let out = Command::new(&script)
        .env("NAUTILUS_SCRIPT_SELECTED_FILE_PATHS", "/tmp/a b.png\n/tmp/*.jpg\n")
        .output()
        .expect("run script");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "[/tmp/a b.png]\n[/tmp/*.jpg]\n");
}

#[test]
fn thunar_actions_of_the_user_are_kept_and_ours_never_duplicated() {
    let e = env();
    let uca = e.config.join("Thunar/uca.xml");
    std::fs::create_dir_all(uca.parent().expect("parent")).expect("mkdir");
    let theirs = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<actions>\n<action>\n\t<icon>utilities-terminal</icon>\n\t<name>Open Terminal Here</name>\n\t<unique-id>1590000000000000-1</unique-id>\n\t<command>exo-open --working-directory %f --launch TerminalEmulator</command>\n</action>\n</actions>\n";
    std::fs::write(&uca, theirs).expect("write");
    integrate(&e, &["install", "--exec", "/usr/bin/slingshot"]);
    let first = read(&uca);
    integrate(&e, &["install", "--exec", "/usr/bin/slingshot"]);
    let second = read(&uca);
    assert_eq!(first, second, "installing twice changes nothing");
    assert_eq!(second.matches("<unique-id>slingshot-upload</unique-id>").count(), 1);
    assert!(second.contains("Open Terminal Here"));

    let out = integrate(&e, &["uninstall"]);
    assert!(out.contains(&format!("Removed the Slingshot action from {}", uca.display())), "{out}");
    assert_eq!(read(&uca), theirs, "only our action is removed");
}

#[test]
fn uninstall_removes_only_ours_and_is_idempotent() {
    let e = env();
    let apps = e.data.join("applications");
    std::fs::create_dir_all(&apps).expect("mkdir");
    let other = apps.join("other.desktop");
    std::fs::write(&other, "[Desktop Entry]\nName=Other\n").expect("write");
    integrate(&e, &["install"]);
    let out = integrate(&e, &["uninstall"]);
    for p in [
        apps.join("slingshot.desktop"),
        e.data.join("nautilus/scripts/Upload with Slingshot"),
        e.data.join("kio/servicemenus/slingshot-upload.desktop"),
        e.data.join("kservices5/ServiceMenus/slingshot-upload.desktop"),
        e.data.join("nemo/actions/slingshot-upload.nemo_action"),
    ] {
        assert!(out.contains(&format!("Removed {}", p.display())), "{out}");
        assert!(!p.exists(), "{} still there", p.display());
    }
    assert!(other.exists(), "someone else's desktop entry is kept");
    let uca = read(&e.config.join("Thunar/uca.xml"));
    assert!(!uca.contains("slingshot"), "{uca}");
    let again = integrate(&e, &["uninstall"]);
    assert!(again.contains("Nothing to remove"), "{again}");
}

#[test]
fn default_exec_is_slingshot_on_path_or_next_to_the_cli() {
    let e = env();
    integrate(&e, &["install"]);
    let d = read(&e.data.join("applications/slingshot.desktop"));
    let exe = PathBuf::from(env!("CARGO_BIN_EXE_slingshot-cli"));
    let sibling = exe.parent().map(|p| p.join("slingshot")).filter(|p| p.is_file());
    let want = sibling.map_or("slingshot".to_string(), |p| p.display().to_string());
    assert!(d.contains(&format!("\nExec={want} %F\n")), "{d}");
}

mod expand_and_check {
    use crate::support::{self, KEY};
    use slingshot::api::{KeyMode, ServerConfig};
    use slingshot::config::{Paths, ProfileDefaults, Settings};
    use slingshot::pipeline::check_server::check_server;
    use slingshot::pipeline::expand::expand_paths;
    use slingshot::pipeline::{Core, Target};
    use slingshot::secret::ApiKey;

    #[test]
    fn folder_gives_its_images_only() {
        let dir = tempfile::tempdir().expect("tempdir");
        let a = support::write(dir.path(), "a.png", &support::png(8, 8));
        let b = support::write(dir.path(), "b.jpg", &support::jpeg(8, 8));
        support::write(dir.path(), "notes.txt", b"hello");
        support::write(dir.path(), ".hidden.png", &support::png(8, 8));
        let got = expand_paths(&[dir.path().to_path_buf()]).expect("expand");
        assert_eq!(got, vec![a.clone(), b]);
        // Files are passed through as given, in order.
        let txt = dir.path().join("notes.txt");
        assert_eq!(expand_paths(&[txt.clone(), a.clone()]).expect("files"), vec![txt, a]);
    }

    fn core(dir: &std::path::Path) -> Core {
        let paths = Paths { config_dir: dir.join("config"), data_dir: dir.join("data") };
        Core::open(paths, Settings::default()).expect("core")
    }

    fn target(base: url::Url, key: &str) -> Target {
        let server = ServerConfig {
            base_url: base,
            key: ApiKey::new(key),
            key_mode: KeyMode::Header,
            allow_insecure_http: false,
        };
        Target { profile_name: "test".into(), server, defaults: ProfileDefaults::default() }
    }

    #[tokio::test]
    async fn check_uploads_then_deletes_and_leaves_no_history() {
        let host = support::start_host().await;
        let dir = tempfile::tempdir().expect("tempdir");
        let core = core(dir.path());
        let check = check_server(&core, &target(host.base(), KEY)).await;
        assert!(check.ok, "{check:?}");
        assert_eq!(check.message, "Upload and delete work");
        let url = check.url.clone().expect("url");
        let status = reqwest::get(&url).await.expect("get").status().as_u16();
        assert_eq!(status, 404, "the test upload is deleted");
        let listed = core.history.list(&Default::default()).expect("history");
        assert!(listed.is_empty(), "a connection test is not recorded");
        // Twice in a row works too: the test image is never a duplicate.
        let again = check_server(&core, &target(host.base(), KEY)).await;
        assert!(again.ok, "{again:?}");
    }

    #[tokio::test]
    async fn wrong_key_and_unreachable_server_are_explained() {
        let host = support::start_host().await;
        let dir = tempfile::tempdir().expect("tempdir");
        let core = core(dir.path());
        let bad = check_server(&core, &target(host.base(), "chv_wrong_key")).await;
        assert!(!bad.ok);
        assert!(bad.message.contains("API key"), "{}", bad.message);
        assert!(!bad.message.contains("chv_wrong_key"), "the key never shows");
        assert_eq!(bad.url, None);
        // A port nothing listens on (bound then released).
        let port =
            std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("port").port();
        let base = url::Url::parse(&format!("http://127.0.0.1:{port}/")).expect("url");
        let down = check_server(&core, &target(base, KEY)).await;
        assert!(!down.ok);
        assert!(down.message.starts_with("Could not reach 127.0.0.1"), "{}", down.message);
    }
}
