//! The tray icon and its menu: capture (region, window, monitor under the pointer, all monitors,
//! after an optional delay), upload the clipboard, the last 10 uploads (copy a link
//! again, copy the delete link, open in the browser), open the window, pause hotkeys, settings,
//! quit. [`refresh`] rebuilds the menu from the history (uploads from the CLI included). A desktop
//! without a tray host is not an error: the app works from the window and the hotkeys.

use crate::events;
use crate::hotkeys::{self, HotkeyAction};
use crate::shell::TauriShell;
use crate::window;
use slingshot::config::CaptureKind;
use slingshot::desktop::jobs::Origin;
use slingshot::desktop::state::AppState;
use slingshot::history::{Entry, Query, Status};
use slingshot::links::CopyTarget;
use std::sync::atomic::{AtomicU32, Ordering};
use tauri::image::Image;
use tauri::menu::{CheckMenuItemBuilder, Menu, MenuBuilder, MenuEvent, MenuItemBuilder, SubmenuBuilder};
use tauri::tray::{MouseButton, MouseButtonState, TrayIconBuilder, TrayIconEvent};
use tauri::{AppHandle, Emitter, Manager, Wry};
use tauri_plugin_opener::OpenerExt;

/// The tray icon's id.
const TRAY_ID: &str = "slingshot";
/// Uploads listed in the menu.
const RECENT: u32 = 10;
/// Longest file name shown in a menu label.
const NAME_CHARS: usize = 28;
/// Delays offered before a capture from the menu, in seconds (0: none).
const DELAYS: [u32; 4] = [0, 3, 5, 10];

/// The delay chosen in the menu for its captures (this run only; managed state).
#[derive(Default)]
struct TrayDelay(AtomicU32);

fn delay(app: &AppHandle) -> u32 {
    app.try_state::<TrayDelay>().map_or(0, |d| d.0.load(Ordering::Relaxed))
}

/// What a recent upload's sub-item does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecentAction {
    /// Copy its short link again.
    Copy,
    /// Copy its delete link (explicit choice).
    CopyDelete,
    /// Open its viewer page in the browser.
    Open,
}

/// A menu entry, encoded in the menu item's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrayCmd {
    /// Run a hotkey action from the menu.
    Action(HotkeyAction),
    /// Capture this, after the chosen delay.
    Capture(CaptureKind),
    /// Choose the delay before captures (seconds).
    Delay(u32),
    /// Show the window.
    Open,
    /// Toggle hotkeys.
    Pause,
    /// Show the window on Settings.
    Settings,
    /// Leave the app.
    Quit,
    /// Something about a history entry.
    Recent(i64, RecentAction),
}

impl TrayCmd {
    /// The menu id.
    pub fn id(self) -> String {
        match self {
            TrayCmd::Action(a) => format!("action:{}", a.name()),
            TrayCmd::Capture(k) => format!("capture:{}", k.as_str()),
            TrayCmd::Delay(secs) => format!("delay:{secs}"),
            TrayCmd::Open => "open".into(),
            TrayCmd::Pause => "pause".into(),
            TrayCmd::Settings => "settings".into(),
            TrayCmd::Quit => "quit".into(),
            TrayCmd::Recent(id, RecentAction::Copy) => format!("recent:{id}:copy"),
            TrayCmd::Recent(id, RecentAction::CopyDelete) => format!("recent:{id}:delete"),
            TrayCmd::Recent(id, RecentAction::Open) => format!("recent:{id}:open"),
        }
    }

    /// Reads a menu id back.
    pub fn parse(id: &str) -> Option<TrayCmd> {
        if let Some(name) = id.strip_prefix("action:") {
            return HotkeyAction::ALL.into_iter().find(|a| a.name() == name).map(TrayCmd::Action);
        }
        if let Some(kind) = id.strip_prefix("capture:") {
            return CaptureKind::ALL.into_iter().find(|k| k.as_str() == kind).map(TrayCmd::Capture);
        }
        if let Some(secs) = id.strip_prefix("delay:") {
            return secs.parse().ok().filter(|s| DELAYS.contains(s)).map(TrayCmd::Delay);
        }
        if let Some(rest) = id.strip_prefix("recent:") {
            let (num, what) = rest.split_once(':')?;
            let action = match what {
                "copy" => RecentAction::Copy,
                "delete" => RecentAction::CopyDelete,
                "open" => RecentAction::Open,
                _ => return None,
            };
            return Some(TrayCmd::Recent(num.parse().ok()?, action));
        }
        match id {
            "open" => Some(TrayCmd::Open),
            "pause" => Some(TrayCmd::Pause),
            "settings" => Some(TrayCmd::Settings),
            "quit" => Some(TrayCmd::Quit),
            _ => None,
        }
    }
}

/// "name — short link" for a recent upload, with `&` doubled (menus read a single `&` as a
/// keyboard mnemonic) and long names cut.
pub fn recent_label(e: &Entry) -> String {
    let up = e.uploaded.as_ref();
    let name = up
        .and_then(|u| u.original_filename.clone())
        .or_else(|| {
            e.local_path.as_ref().and_then(|p| p.file_name()).map(|n| n.to_string_lossy().into_owned())
        })
        .unwrap_or_else(|| e.source.rsplit('/').find(|s| !s.is_empty()).unwrap_or(&e.source).to_string());
    let name = if name.chars().count() > NAME_CHARS {
        format!("{}…", name.chars().take(NAME_CHARS - 1).collect::<String>())
    } else {
        name
    };
    let link = up.and_then(|u| CopyTarget::Short.render(u)).unwrap_or_default();
    let link =
        link.strip_prefix("https://").or_else(|| link.strip_prefix("http://")).unwrap_or(&link).to_string();
    format!("{name} — {link}").replace('&', "&&")
}

fn build_menu(app: &AppHandle) -> tauri::Result<Menu<Wry>> {
    let st = app.state::<AppState>();
    let recent = st
        .core
        .history
        .list(&Query { limit: Some(RECENT), search: None, status: Some(Status::Uploaded) })
        .unwrap_or_else(|e| {
            tracing::warn!("cannot read the history for the tray: {e}");
            Vec::new()
        });
    let pause = CheckMenuItemBuilder::with_id(TrayCmd::Pause.id(), "Pause hotkeys")
        .checked(st.paused())
        .build(app)?;
    let chosen = delay(app);
    let mut delays = SubmenuBuilder::new(app, "Delay");
    for secs in DELAYS {
        let label = if secs == 0 { "No delay".to_string() } else { format!("{secs} seconds") };
        delays = delays.item(
            &CheckMenuItemBuilder::with_id(TrayCmd::Delay(secs).id(), label)
                .checked(secs == chosen)
                .build(app)?,
        );
    }
    let after = if chosen == 0 { String::new() } else { format!(" in {chosen} s") };
    let mut m = MenuBuilder::new(app)
        .text(TrayCmd::Capture(CaptureKind::Region).id(), format!("Capture region{after}"))
        .text(TrayCmd::Capture(CaptureKind::Window).id(), format!("Capture active window{after}"))
        .text(TrayCmd::Capture(CaptureKind::Monitor).id(), format!("Capture monitor under pointer{after}"))
        .text(TrayCmd::Capture(CaptureKind::All).id(), format!("Capture all monitors{after}"))
        .item(&delays.build()?)
        .text(TrayCmd::Action(HotkeyAction::UploadClipboard).id(), "Upload clipboard")
        .separator();
    if recent.is_empty() {
        m = m.item(&MenuItemBuilder::new("No uploads yet").enabled(false).build(app)?);
    } else {
        m = m.item(&MenuItemBuilder::new("Recent uploads").enabled(false).build(app)?);
        for e in &recent {
            let has_delete = e.uploaded.as_ref().is_some_and(|u| u.delete_url.is_some());
            let sub = SubmenuBuilder::new(app, recent_label(e))
                .text(TrayCmd::Recent(e.id, RecentAction::Copy).id(), "Copy link")
                .item(
                    &MenuItemBuilder::with_id(
                        TrayCmd::Recent(e.id, RecentAction::CopyDelete).id(),
                        "Copy delete link",
                    )
                    .enabled(has_delete)
                    .build(app)?,
                )
                .text(TrayCmd::Recent(e.id, RecentAction::Open).id(), "Open in browser")
                .build()?;
            m = m.item(&sub);
        }
    }
    let m = crate::tray_queue::append(app, m)?;
    m.separator()
        .text(TrayCmd::Open.id(), "Open Slingshot")
        .item(&pause)
        .text(TrayCmd::Settings.id(), "Settings…")
        .separator()
        .text(TrayCmd::Quit.id(), "Quit")
        .build()
}

/// Creates the tray icon. An error (or a panic in the indicator library) is returned to the
/// caller, which logs it: the app keeps running without a tray.
pub fn init(app: &AppHandle) -> Result<(), String> {
    let built = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| -> tauri::Result<()> {
        let menu = build_menu(app)?;
        let icon = Image::from_bytes(include_bytes!("../icons/tray.png"))?;
        TrayIconBuilder::with_id(TRAY_ID)
            .icon(icon)
            .tooltip("Slingshot")
            .menu(&menu)
            .show_menu_on_left_click(false)
            .on_menu_event(on_menu)
            .on_tray_icon_event(|tray, event| {
                // Linux indicators only open the menu; elsewhere a left click opens the window.
                if let TrayIconEvent::Click {
                    button: MouseButton::Left,
                    button_state: MouseButtonState::Up,
                    ..
                } = event
                {
                    window::show(tray.app_handle(), None);
                }
            })
            .build(app)?;
        Ok(())
    }));
    let ok = match built {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err("the tray library failed (is an AppIndicator library installed?)".to_string()),
    };
    app.state::<AppState>().set_tray(ok.is_ok());
    ok
}

/// Rebuilds the menu (recent uploads, pause state).
pub fn refresh(app: &AppHandle) {
    let Some(tray) = app.tray_by_id(TRAY_ID) else { return };
    match build_menu(app) {
        Ok(menu) => {
            if let Err(e) = tray.set_menu(Some(menu)) {
                tracing::warn!("cannot update the tray menu: {e}");
            }
        }
        Err(e) => tracing::warn!("cannot build the tray menu: {e}"),
    }
}

/// After any history change: tell the window and refresh the tray.
pub fn history_changed(app: &AppHandle) {
    let _ = app.emit(events::HISTORY_CHANGED, serde_json::json!({}));
    refresh(app);
}

fn on_menu(app: &AppHandle, event: MenuEvent) {
    if crate::tray_queue::handle(app, event.id().as_ref()) {
        return;
    }
    let Some(cmd) = TrayCmd::parse(event.id().as_ref()) else { return };
    match cmd {
        TrayCmd::Action(a) => a.spawn(app, Origin::Tray),
        TrayCmd::Capture(kind) => {
            slingshot::desktop::flows::spawn_capture(&TauriShell::of(app), kind, Origin::Tray, delay(app))
        }
        TrayCmd::Delay(secs) => {
            if app.try_state::<TrayDelay>().is_none() {
                app.manage(TrayDelay::default());
            }
            app.state::<TrayDelay>().0.store(secs, Ordering::Relaxed);
            refresh(app);
        }
        TrayCmd::Open => window::show(app, None),
        TrayCmd::Settings => window::show(app, Some("settings")),
        TrayCmd::Quit => app.exit(0),
        TrayCmd::Pause => {
            let st = app.state::<AppState>();
            st.set_paused(!st.paused());
            hotkeys::apply(app);
            refresh(app);
            // Building the view may ask the keyring; keep that off the main (menu) thread.
            let app = app.clone();
            tauri::async_runtime::spawn(async move {
                let view = crate::view::build(&app.state::<AppState>());
                let _ = app.emit(events::STATE_CHANGED, view);
            });
        }
        TrayCmd::Recent(id, action) => recent(app, id, action),
    }
}

fn recent(app: &AppHandle, id: i64, action: RecentAction) {
    let st = app.state::<AppState>();
    let entry = match st.core.history.get(id) {
        Ok(Some(e)) => e,
        Ok(None) => return refresh(app),
        Err(e) => return tracing::warn!("cannot read history entry {id}: {e}"),
    };
    let Some(up) = entry.uploaded.as_ref() else { return };
    let r = match action {
        RecentAction::Copy => CopyTarget::Short.render(up).map(|t| st.copy(&t)),
        RecentAction::CopyDelete => CopyTarget::Delete.render(up).map(|t| st.copy(&t)),
        RecentAction::Open => {
            let url = up.url_viewer.clone().unwrap_or_else(|| up.url.clone());
            Some(
                app.opener().open_url(url, None::<&str>).map_err(|e| slingshot::Error::Config(e.to_string())),
            )
        }
    };
    if let Some(Err(e)) = r {
        tracing::warn!("tray action on upload {id} failed: {e}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use slingshot::api::Uploaded;

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
        ];
        for c in all {
            assert_eq!(TrayCmd::parse(&c.id()), Some(c), "{}", c.id());
        }
        assert_eq!(TrayCmd::parse("recent:x:copy"), None);
        assert_eq!(TrayCmd::parse("recent:1:wipe"), None);
        assert_eq!(TrayCmd::parse("action:nope"), None);
        assert_eq!(TrayCmd::parse("capture:everything"), None);
        assert_eq!(TrayCmd::parse("delay:7"), None, "only the offered delays");
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
}
