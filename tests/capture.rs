//! Screen capture and the clipboard against a real X server. The Makefile runs the tests under
//! `xvfb-run -a -s "-screen 0 1280x800x24"`; without an X11 display every test here is skipped
//! with a note on stderr.

pub use crate::support::x11;
use slingshot::capture::{capture, pointer_position, save_png, session_kind, CaptureMode, SessionKind};
use std::process::Command;

/// The root window's size as the X server reports it (independent of xcap), when xdpyinfo is
/// installed; else the size the Makefile gives Xvfb.
fn root_size() -> (u32, u32) {
    let out = Command::new("xdpyinfo").output().ok().filter(|o| o.status.success());
    let text = out.map(|o| String::from_utf8_lossy(&o.stdout).into_owned()).unwrap_or_default();
    let dims = text.lines().find_map(|l| l.trim().strip_prefix("dimensions:")).and_then(|rest| {
        let (w, h) = rest.split_whitespace().next()?.split_once('x')?;
        Some((w.parse().ok()?, h.parse().ok()?))
    });
    dims.unwrap_or((1280, 800))
}

#[test]
fn without_x11_capture_explains_itself() {
    // A Wayland desktop would really be captured (through its portal): only a bare session here.
    if session_kind() != SessionKind::Unknown {
        return;
    }
    let e = capture(CaptureMode::AllMonitors).map(|_| ()).map_err(|e| e.to_string());
    assert!(e.as_ref().err().is_some_and(|m| m.contains("No graphical session")), "{e:?}");
    assert_eq!(pointer_position(), None);
}

#[test]
fn monitor_at_the_origin_and_all_monitors_cover_the_screen() {
    let Some(_x) = x11() else { return };
    let (w, h) = root_size();
    let one = capture(CaptureMode::MonitorAt { x: 0, y: 0 }).expect("capture monitor");
    assert_eq!((one.x, one.y), (0, 0));
    assert!(!one.monitor.is_empty() && one.monitor != "all");
    let all = capture(CaptureMode::AllMonitors).expect("capture all");
    assert_eq!(all.monitor, "all");
    assert_eq!(all.image.dimensions(), (w, h));
    // A point outside every monitor falls back to the primary monitor instead of failing.
    let far = capture(CaptureMode::MonitorAt { x: -50_000, y: -50_000 }).expect("fallback");
    assert!(far.image.width() > 0);
    let none = capture(CaptureMode::Monitor(999)).map(|_| ()).map_err(|e| e.to_string());
    assert!(none.as_ref().err().is_some_and(|e| e.contains("no monitor #999")), "{none:?}");
    if (w, h) == (1280, 800) {
        assert_eq!(one.image.dimensions(), (1280, 800), "the Xvfb screen");
    }
}

#[test]
fn captures_the_actual_pixels() {
    let Some(_x) = x11() else { return };
    // Paint a gradient on the root window with ImageMagick's `display` (xsetroot -solid leaves
    // Xvfb's root black), then compare pixels: this checks the channel order and the geometry.
    let (w, h) = root_size();
    let dir = tempfile::tempdir().expect("tempdir");
    let wallpaper = crate::support::write(dir.path(), "wall.png", &crate::support::png(w, h));
    // `display` exits non-zero after setting the root window; only its absence matters.
    if Command::new("display").arg("-window").arg("root").arg(&wallpaper).status().is_err() {
        eprintln!("skipped: ImageMagick's display is not installed");
        return;
    }
    let want = crate::support::gradient(w, h).to_rgb8();
    let cap = capture(CaptureMode::AllMonitors).expect("capture");
    for (x, y) in [(0, 0), (w / 2, h / 3), (w - 1, h - 1), (17, h - 5)] {
        let got = cap.image.get_pixel(x, y).0;
        assert_eq!(&got[..3], &want.get_pixel(x, y).0, "pixel at {x},{y}");
    }
}

#[test]
fn save_png_writes_a_decodable_png_and_never_overwrites() {
    let Some(_x) = x11() else { return };
    let cap = capture(CaptureMode::MonitorAt { x: 0, y: 0 }).expect("capture");
    let dir = tempfile::tempdir().expect("tempdir");
    let a = save_png(&cap, dir.path()).expect("save a");
    let b = save_png(&cap, dir.path()).expect("save b");
    assert_ne!(a, b, "two saves in the same second get different names");
    for p in [&a, &b] {
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        assert!(name.starts_with("Screenshot_") && name.ends_with(".png"), "{name}");
        let img = image::open(p).expect("decodable PNG");
        assert_eq!((img.width(), img.height()), cap.image.dimensions());
    }
    assert_eq!(std::fs::read_dir(dir.path()).expect("list").count(), 2, "no temp files left");
}

#[test]
fn pointer_position_follows_the_mouse() {
    let Some(_x) = x11() else { return };
    if !Command::new("xdotool").args(["mousemove", "123", "45"]).status().is_ok_and(|s| s.success()) {
        eprintln!("skipped: xdotool is not installed");
        return;
    }
    assert_eq!(pointer_position(), Some((123, 45)));
    let cap = capture(CaptureMode::MonitorAt { x: 123, y: 45 }).expect("capture");
    assert_eq!((cap.x, cap.y), (0, 0));
}

mod clipboard {
    //! The clipboard is one per display: these tests hold the X server lock so they never interleave.

    use super::x11;
    use slingshot::clipboard::{ClipboardContent, ClipboardOwner};
    use std::io::Write;
    use std::process::{Command, Stdio};
    use std::sync::MutexGuard;
    use std::time::Duration;

    /// The X server lock, when there is a display and xclip is installed.
    fn with_xclip() -> Option<MutexGuard<'static, ()>> {
        let guard = x11()?;
        if !Command::new("xclip").arg("-version").output().is_ok_and(|o| o.status.success()) {
            eprintln!("skipped: xclip is not installed");
            return None;
        }
        Some(guard)
    }

    /// `xclip -selection clipboard -t TYPE -i` fed `data`. xclip forks a server and returns.
    fn xclip_put(mime: &str, data: &[u8]) {
        let mut child = Command::new("xclip")
            .args(["-selection", "clipboard", "-t", mime, "-i"])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("xclip");
        child.stdin.take().expect("stdin").write_all(data).expect("feed xclip");
        assert!(child.wait().expect("xclip").success());
        // Let the forked xclip take the selection.
        std::thread::sleep(Duration::from_millis(200));
    }

    #[test]
    fn set_text_is_served_to_other_programs() {
        let Some(_x) = with_xclip() else { return };
        let owner = ClipboardOwner::new().expect("clipboard");
        let text = format!("https://img.example/{}", std::process::id());
        owner.set_text(&text).expect("set");
        let out = Command::new("xclip").args(["-o", "-selection", "clipboard"]).output().expect("xclip -o");
        assert_eq!(String::from_utf8_lossy(&out.stdout), text);
        assert_eq!(owner.read().expect("read"), ClipboardContent::Url(text));
    }

    #[test]
    fn image_from_another_program_reads_back_as_png() {
        let Some(_x) = with_xclip() else { return };
        xclip_put("image/png", &crate::support::png(37, 21));
        let owner = ClipboardOwner::new().expect("clipboard");
        let got = owner.read().expect("read");
        // Take the selection back so the forked xclip exits.
        owner.set_text("done").expect("set");
        match got {
            ClipboardContent::Image { png, width, height } => {
                assert_eq!((width, height), (37, 21));
                let img = image::load_from_memory(&png).expect("valid PNG");
                assert_eq!((img.width(), img.height()), (37, 21));
            }
            other => panic!("expected an image, got {other:?}"),
        }
    }

    #[test]
    fn file_uri_text_reads_as_files() {
        let Some(_x) = with_xclip() else { return };
        let dir = tempfile::tempdir().expect("tempdir");
        let file = crate::support::write(dir.path(), "x.png", &crate::support::png(4, 4));
        let uri = url::Url::from_file_path(&file).expect("uri").to_string();
        xclip_put("UTF8_STRING", uri.as_bytes());
        let owner = ClipboardOwner::new().expect("clipboard");
        let got = owner.read().expect("read");
        owner.set_text("done").expect("set");
        assert_eq!(got, ClipboardContent::Files(vec![file]));

        owner.set_text("just some words").expect("set");
        let e = owner.read().map_err(|e| e.to_string()).err().unwrap_or_default();
        assert_eq!(e, "The clipboard holds no image, file or URL");
    }
}

mod cli_capture {
    //! `slingshot-cli capture` on Xvfb: a region is exactly those pixels of the screen, a window by
    //! id is that window, and `--upload` saves the PNG in the captures folder, then uploads it.

    use super::{root_size, x11};
    use crate::support::{gradient, png, start_host, write, KEY};
    use std::path::Path;
    use std::process::{Command, Output, Stdio};
    use std::time::{Duration, Instant};

    /// The CLI in an X11 session (never a Wayland one, even on a developer's desktop).
    fn cli(dirs: &Path, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_slingshot-cli"))
            .args(args)
            // Relative `--output` names land in the test's temp dir, never in the checkout.
            .current_dir(dirs)
            .env("SLINGSHOT_CONFIG_DIR", dirs.join("config"))
            .env("SLINGSHOT_DATA_DIR", dirs.join("data"))
            .env("SLINGSHOT_NO_KEYRING", "1")
            .env("SLINGSHOT_API_KEY", KEY)
            .env("XDG_SESSION_TYPE", "x11")
            .env_remove("WAYLAND_DISPLAY")
            .env_remove("SLINGSHOT_CAPTURE_BACKEND")
            .output()
            .expect("run slingshot-cli")
    }

    fn ok(out: &Output) -> String {
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "slingshot-cli failed: {err}");
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    /// Paints the gradient on the root window; false when ImageMagick's `display` is missing.
    fn paint_root(dir: &Path, w: u32, h: u32) -> bool {
        let wallpaper = write(dir, "wall.png", &png(w, h));
        Command::new("display").arg("-window").arg("root").arg(&wallpaper).status().is_ok()
    }

    #[test]
    fn a_region_is_exactly_those_screen_pixels() {
        let Some(_x) = x11() else { return };
        let (w, h) = root_size();
        let dir = tempfile::tempdir().expect("tempdir");
        if !paint_root(dir.path(), w, h) {
            eprintln!("skipped: ImageMagick's display is not installed");
            return;
        }
        let out = dir.path().join("region.png");
        let printed = ok(&cli(
            dir.path(),
            &["capture", "--region", "100,50,64,32", "--output", &out.to_string_lossy()],
        ));
        assert_eq!(Path::new(&printed), out, "prints where it saved");
        let got = image::open(&out).expect("PNG").to_rgb8();
        assert_eq!(got.dimensions(), (64, 32));
        let want = gradient(w, h).to_rgb8();
        for (x, y) in [(0, 0), (63, 0), (10, 20), (63, 31)] {
            assert_eq!(got.get_pixel(x, y), want.get_pixel(100 + x, 50 + y), "pixel {x},{y}");
        }
        let off = cli(dir.path(), &["capture", "--region", &format!("{w},0,10,10"), "--output", "x.png"]);
        assert!(
            !off.status.success() && String::from_utf8_lossy(&off.stderr).contains("outside the screens")
        );
    }

    #[test]
    fn a_window_by_id() {
        let Some(_x) = x11() else { return };
        let dir = tempfile::tempdir().expect("tempdir");
        let red = image::RgbImage::from_pixel(90, 70, image::Rgb([250, 10, 10]));
        let file = dir.path().join("red.png");
        red.save(&file).expect("save");
        let title = format!("slingshot-window-{}", std::process::id());
        let Ok(mut shown) = Command::new("display")
            .args(["-geometry", "+300+200", "-title", &title])
            .arg(&file)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
        else {
            eprintln!("skipped: ImageMagick's display is not installed");
            return;
        };
        let started = Instant::now();
        let id = loop {
            let found = Command::new("xdotool").args(["search", "--onlyvisible", "--name", &title]).output();
            let ids =
                found.map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string()).unwrap_or_default();
            if let Some(id) = ids.lines().next().filter(|l| !l.is_empty()) {
                break Some(id.to_string());
            }
            if started.elapsed() > Duration::from_secs(10) {
                break None;
            }
            std::thread::sleep(Duration::from_millis(100));
        };
        let result =
            id.map(|id| (id.clone(), cli(dir.path(), &["capture", "--window", &id, "--output", "w.png"])));
        let _ = shown.kill();
        let _ = shown.wait();
        let Some((id, out)) = result else {
            eprintln!("skipped: xdotool did not find the test window");
            return;
        };
        assert_eq!(ok(&out), "w.png", "prints where it saved");
        let img = image::open(dir.path().join("w.png")).expect("PNG").to_rgb8();
        assert_eq!(img.dimensions(), (90, 70), "window {id} without a window manager has no frame");
        assert!(img.pixels().all(|p| p.0 == [250, 10, 10]), "the window's own pixels");
        let none = cli(dir.path(), &["capture", "--window", "0x7fffffff", "--output", "n.png"]);
        assert!(
            !none.status.success() && String::from_utf8_lossy(&none.stderr).contains("There is no window")
        );
    }

    #[test]
    fn upload_saves_first_then_prints_the_link() {
        let Some(_x) = x11() else { return };
        let (w, h) = root_size();
        // The host serves from the runtime's worker threads while this thread runs the CLI.
        let rt = tokio::runtime::Runtime::new().expect("runtime");
        let host = rt.block_on(start_host());
        let dir = tempfile::tempdir().expect("tempdir");
        let base = host.base().to_string();
        let out = cli(dir.path(), &["capture", "--all", "--upload", "--server", &base, "--copy", "none"]);
        let link = ok(&out);
        assert!(link.starts_with("http://127.0.0.1"), "{link}");
        let captures: Vec<_> =
            std::fs::read_dir(dir.path().join("data/captures")).expect("captures").collect();
        assert_eq!(captures.len(), 1, "one PNG saved locally");
        let saved = captures[0].as_ref().expect("entry").path();
        let img = image::open(&saved).expect("PNG");
        assert_eq!((img.width(), img.height()), (w, h));
        let hist = ok(&cli(dir.path(), &["history", "--json"]));
        assert!(hist.contains(&saved.display().to_string()) && hist.contains("uploaded"), "{hist}");
        let bad = cli(dir.path(), &["capture", "--copy", "url"]);
        assert!(!bad.status.success() && String::from_utf8_lossy(&bad.stderr).contains("need --upload"));
    }
}
