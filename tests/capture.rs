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
    if session_kind() == SessionKind::X11 {
        return;
    }
    let e = capture(CaptureMode::AllMonitors).map(|_| ()).map_err(|e| e.to_string());
    assert!(e.as_ref().err().is_some_and(|m| m.contains("not supported yet")), "{e:?}");
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
