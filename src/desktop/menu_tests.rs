//! Tests of the tray menu's ids and labels.

use super::*;
use crate::api::Uploaded;

#[test]
fn ids_round_trip() {
    let all = [
        TrayCmd::Action(HotkeyAction::CaptureScreen),
        TrayCmd::Action(HotkeyAction::CaptureRegion),
        TrayCmd::Action(HotkeyAction::CaptureAll),
        TrayCmd::Capture(CaptureKind::Region),
        TrayCmd::Capture(CaptureKind::Window),
        TrayCmd::Capture(CaptureKind::Monitor),
        TrayCmd::Capture(CaptureKind::All),
        TrayCmd::Delay(0),
        TrayCmd::Delay(10),
        TrayCmd::Action(HotkeyAction::UploadClipboard),
        TrayCmd::Open,
        TrayCmd::Pause,
        TrayCmd::Settings,
        TrayCmd::Quit,
        TrayCmd::Recent(42, RecentAction::Copy),
        TrayCmd::Recent(7, RecentAction::CopyDelete),
        TrayCmd::Recent(1, RecentAction::Open),
        TrayCmd::Queue(QueueCmd::Retry(7)),
        TrayCmd::Queue(QueueCmd::Cancel(12)),
        TrayCmd::Queue(QueueCmd::RetryAll),
    ];
    for c in all {
        assert_eq!(TrayCmd::parse(&c.id()), Some(c), "{}", c.id());
    }
    assert_eq!(TrayCmd::parse("recent:x:copy"), None);
    assert_eq!(TrayCmd::parse("recent:1:wipe"), None);
    assert_eq!(TrayCmd::parse("action:nope"), None);
    assert_eq!(TrayCmd::parse("capture:everything"), None);
    assert_eq!(TrayCmd::parse("delay:7"), None, "only the offered delays");
    assert_eq!(TrayCmd::parse("queue:x:retry"), None);
    assert_eq!(TrayCmd::parse("queue:1:wipe"), None);
}

fn entry(source: &str, up: Option<Uploaded>) -> Entry {
    Entry {
        id: 1,
        created_at: String::new(),
        updated_at: String::new(),
        status: Status::Uploaded,
        error_kind: None,
        error: None,
        attempts: 1,
        source: source.into(),
        local_path: None,
        profile: "p".into(),
        server: "s".into(),
        size: None,
        width: None,
        height: None,
        mime: None,
        options_json: None,
        prepare_json: None,
        next_attempt_at: None,
        owner: None,
        uploaded: up,
    }
}

#[test]
fn labels_show_name_and_short_link() {
    let up = Uploaded {
        url: "http://127.0.0.1:7780/images/a.png".into(),
        url_short: Some("http://127.0.0.1:7780/i/Ab".into()),
        original_filename: Some("Tom & Jerry.png".into()),
        ..Default::default()
    };
    assert_eq!(recent_label(&entry("/x/y.png", Some(up))), "Tom && Jerry.png — 127.0.0.1:7780/i/Ab");
    let long = entry(
        "/pics/a-very-long-file-name-that-goes-on-and-on.jpg",
        Some(Uploaded { url: "https://h/z.jpg".into(), ..Default::default() }),
    );
    let label = recent_label(&long);
    assert!(label.starts_with("a-very-long-file-name-that-…"), "{label}");
    assert!(label.ends_with(" — h/z.jpg"), "{label}");
}
