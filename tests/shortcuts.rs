//! Desktop shortcut writers. GNOME's against real gsettings + dconf on a private session bus
//! (its own dbus-daemon, a temp HOME and XDG dirs, so the person's settings are never touched):
//! install appends to the person's custom keybindings without overwriting them, and uninstall
//! removes only ours. Skipped, with a note, when gsettings, dbus-daemon or GNOME's schema is missing.

use slingshot::config::HotkeySettings;
use slingshot::integrate::shortcuts::from_settings;
use slingshot::integrate::shortcuts::gnome::{self, Gsettings, BASE, ENTRY_SCHEMA, SCHEMA};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// A dbus-daemon of our own, with dconf's files in a temp dir. Stopped (by its pid) on drop.
struct PrivateBus {
    daemon: Child,
    env: Vec<(String, String)>,
    dir: tempfile::TempDir,
}

impl Drop for PrivateBus {
    fn drop(&mut self) {
        let _ = self.daemon.kill();
        let _ = self.daemon.wait();
    }
}

impl PrivateBus {
    fn gsettings(&self) -> Gsettings {
        Gsettings::with_env(self.env.clone())
    }

    /// Runs gsettings itself (as GNOME's Settings app would write), returning its stdout.
    fn run(&self, args: &[&str]) -> String {
        let out =
            Command::new("gsettings").args(args).envs(self.env.iter().cloned()).output().expect("gsettings");
        assert!(out.status.success(), "gsettings {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }
}

fn private_bus() -> Option<PrivateBus> {
    let have = |cmd: &str| Command::new(cmd).arg("--version").output().is_ok_and(|o| o.status.success());
    if !have("gsettings") || !have("dbus-daemon") {
        eprintln!("skipped: gsettings or dbus-daemon is not installed");
        return None;
    }
    let schemas = Command::new("gsettings").arg("list-schemas").output().ok()?;
    if !String::from_utf8_lossy(&schemas.stdout).lines().any(|l| l == SCHEMA) {
        eprintln!("skipped: GNOME's media-keys schema is not installed (gnome-settings-daemon-common)");
        return None;
    }
    if !std::path::Path::new("/usr/share/dbus-1/services/ca.desrt.dconf.service").exists() {
        eprintln!("skipped: dconf is not installed (dconf-gsettings-backend)");
        return None;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let sub = |name: &str| {
        let p = dir.path().join(name);
        std::fs::create_dir_all(&p).expect("mkdir");
        p.display().to_string()
    };
    let mut env = vec![
        ("HOME".to_string(), sub("home")),
        ("XDG_CONFIG_HOME".to_string(), sub("config")),
        ("XDG_RUNTIME_DIR".to_string(), sub("run")),
        ("GSETTINGS_BACKEND".to_string(), "dconf".to_string()),
    ];
    // dconf-service is started by this daemon, so it inherits the temp dirs from it.
    let mut daemon = Command::new("dbus-daemon")
        .args(["--session", "--nofork", "--print-address=1"])
        .envs(env.iter().cloned())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("dbus-daemon");
    let mut address = String::new();
    BufReader::new(daemon.stdout.take().expect("stdout")).read_line(&mut address).expect("address");
    env.push(("DBUS_SESSION_BUS_ADDRESS".to_string(), address.trim().to_string()));
    Some(PrivateBus { daemon, env, dir })
}

#[test]
fn gnome_install_appends_and_uninstall_removes_only_ours() {
    let Some(bus) = private_bus() else { return };
    let g = bus.gsettings();
    assert_eq!(g.list().expect("empty list"), Vec::<String>::new());

    // The person's own shortcut, written as GNOME's Settings app does.
    let theirs = format!("{BASE}custom0/");
    let entry = format!("{ENTRY_SCHEMA}:{theirs}");
    bus.run(&["set", &entry, "name", "'Terminal'"]);
    bus.run(&["set", &entry, "command", "'gnome-terminal'"]);
    bus.run(&["set", &entry, "binding", "'<Super>t'"]);
    bus.run(&["set", SCHEMA, "custom-keybindings", &format!("['{theirs}']")]);

    let (list, _) = from_settings(&HotkeySettings::default(), "/opt/slingshot/slingshot-cli");
    let applied = gnome::install(&g, &list).expect("install");
    let after = g.list().expect("list");
    let ours = [gnome::path_of("capture-screen"), gnome::path_of("capture-all")];
    assert_eq!(after, vec![theirs.clone(), ours[0].clone(), ours[1].clone()], "appended, not overwritten");
    // A second process sees it: the values went through dconf to its file, not process memory.
    assert!(bus.dir.path().join("config/dconf/user").is_file(), "dconf wrote its database");
    assert_eq!(bus.run(&["get", &format!("{ENTRY_SCHEMA}:{}", ours[1]), "binding"]), "'<Shift>Print'");
    assert_eq!(
        bus.run(&["get", &format!("{ENTRY_SCHEMA}:{}", ours[0]), "command"]),
        "'/opt/slingshot/slingshot-cli capture --upload'"
    );
    let shown = gnome::installed(&g).expect("installed");
    assert_eq!(shown.len(), 2);
    assert_eq!(shown[1].3, "<Shift>Print");
    assert!(applied.changes.iter().any(|c| c.contains("was ['") && c.contains(&ours[1])), "{applied:?}");
    assert!(!applied.undo.is_empty());

    // Installing again changes nothing in the list (no duplicates).
    gnome::install(&g, &list).expect("again");
    assert_eq!(g.list().expect("list"), after);

    // The person adds another one after ours; uninstall keeps both of theirs, in order.
    let later = format!("{BASE}custom1/");
    let mut with_later = after.clone();
    with_later.push(later.clone());
    let strv = with_later.iter().map(|p| format!("'{p}'")).collect::<Vec<_>>().join(", ");
    bus.run(&["set", SCHEMA, "custom-keybindings", &format!("[{strv}]")]);
    let removed = gnome::uninstall(&g).expect("uninstall");
    assert_eq!(g.list().expect("list"), vec![theirs.clone(), later]);
    assert_eq!(bus.run(&["get", &entry, "command"]), "'gnome-terminal'", "their entry is untouched");
    assert_eq!(bus.run(&["get", &format!("{ENTRY_SCHEMA}:{}", ours[0]), "command"]), "''", "ours is reset");
    assert!(removed.changes.iter().any(|c| c.ends_with("reset")), "{removed:?}");
    assert!(gnome::uninstall(&g).expect("again").changes.is_empty(), "nothing left to remove");
}
