//! The tray icon: the core's menu (`slingshot::desktop::menu`) drawn with Tauri's menus, its
//! clicks handed back to the core, and what only the shell can do (show the window, quit, pause
//! hotkeys, open a page). [`refresh`] rebuilds the menu from the history (uploads from the CLI
//! included). A desktop without a tray host is not an error: the app works from the window and
//! the hotkeys.

use crate::shell::TauriShell;
use crate::{events, hotkeys, window};
use slingshot::desktop::menu::{self, Node, ShellCmd};
use slingshot::desktop::state::AppState;
use tauri::image::Image;
use tauri::menu::{
    CheckMenuItemBuilder, IsMenuItem, Menu, MenuEvent, MenuItemBuilder, PredefinedMenuItem, Submenu,
};
use tauri::tray::{MouseButton, MouseButtonState, TrayIconBuilder, TrayIconEvent};
use tauri::{AppHandle, Emitter, Manager, Wry};
use tauri_plugin_opener::OpenerExt;

/// The tray icon's id.
const TRAY_ID: &str = "slingshot";

/// One Tauri menu item for a core menu node.
fn render(app: &AppHandle, node: &Node) -> tauri::Result<Box<dyn IsMenuItem<Wry>>> {
    Ok(match node {
        Node::Item { id, label, enabled } => {
            Box::new(MenuItemBuilder::with_id(id.as_str(), label).enabled(*enabled).build(app)?)
        }
        Node::Check { id, label, checked } => {
            Box::new(CheckMenuItemBuilder::with_id(id.as_str(), label).checked(*checked).build(app)?)
        }
        Node::Label(text) => Box::new(MenuItemBuilder::new(text).enabled(false).build(app)?),
        Node::Sub { label, children } => {
            let items = render_all(app, children)?;
            let refs: Vec<&dyn IsMenuItem<Wry>> = items.iter().map(|b| b.as_ref()).collect();
            Box::new(Submenu::with_items(app, label, true, &refs)?)
        }
        Node::Separator => Box::new(PredefinedMenuItem::separator(app)?),
    })
}

fn render_all(app: &AppHandle, nodes: &[Node]) -> tauri::Result<Vec<Box<dyn IsMenuItem<Wry>>>> {
    nodes.iter().map(|n| render(app, n)).collect()
}

fn build_menu(app: &AppHandle) -> tauri::Result<Menu<Wry>> {
    let items = render_all(app, &menu::build(&app.state::<AppState>()))?;
    let refs: Vec<&dyn IsMenuItem<Wry>> = items.iter().map(|b| b.as_ref()).collect();
    Menu::with_items(app, &refs)
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

/// Rebuilds the menu (recent uploads, queue, pause state, delay).
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
    let Some(cmd) = menu::handle(&TauriShell::of(app), event.id().as_ref()) else { return };
    match cmd {
        ShellCmd::Show(view) => window::show(app, view),
        ShellCmd::Quit => app.exit(0),
        ShellCmd::Refresh => refresh(app),
        ShellCmd::OpenUrl(url) => {
            if let Err(e) = app.opener().open_url(url, None::<&str>) {
                tracing::warn!("cannot open the upload's page: {e}");
            }
        }
        ShellCmd::PauseChanged => {
            hotkeys::apply(app);
            refresh(app);
            // Building the view may ask the keyring; keep that off the main (menu) thread.
            let app = app.clone();
            tauri::async_runtime::spawn(async move {
                let view = crate::view::build(&app.state::<AppState>());
                let _ = app.emit(events::STATE_CHANGED, view);
            });
        }
    }
}
