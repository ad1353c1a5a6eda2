//! The tray icon as a StatusNotifierItem (ksni, D-Bus only): the core's menu nodes drawn as
//! dbusmenu items, a click on one handed to `desktop::menu::handle`, and what is left
//! (open the window, quit, pause) sent to the tray process's main thread. A left click on the
//! icon opens the window.

use super::{Ctl, TrayShell};
use crate::desktop::menu::{self, Node, ShellCmd};
use crate::desktop::state::AppState;
use crate::desktop::Shell;
use ksni::menu::{CheckmarkItem, StandardItem, SubMenu};
use ksni::{MenuItem, TrayMethods};

/// The running icon.
pub(crate) type Handle = ksni::Handle<SniTray>;

/// The icon's state: the menu last built and the shell its clicks go to.
pub(crate) struct SniTray {
    shell: TrayShell,
    nodes: Vec<Node>,
}

/// Shows the icon. Without a StatusNotifierWatcher yet (a desktop still starting), the icon
/// appears when one comes.
pub(crate) async fn spawn(shell: TrayShell) -> Result<Handle, ksni::Error> {
    let nodes = menu::build(shell.state());
    SniTray { shell, nodes }.assume_sni_available(true).spawn().await
}

/// Rebuilds the menu from the history and the state (in the background).
pub(crate) fn refresh(handle: &Handle, st: &AppState) {
    let nodes = menu::build(st);
    let handle = handle.clone();
    st.rt.spawn(async move {
        handle.update(|t| t.nodes = nodes).await;
    });
}

/// Removes the icon and waits until it is gone, so the app's own icon doesn't appear next to it.
pub(crate) fn shutdown(rt: &tokio::runtime::Runtime, handle: Handle) {
    rt.block_on(handle.shutdown());
}

/// Menus read `_` as a mnemonic here, where the core's labels double `&` for the app's menus.
fn label(text: &str) -> String {
    text.replace("&&", "&").replace('_', "__")
}

fn render(n: &Node) -> MenuItem<SniTray> {
    match n {
        Node::Item { id, label: text, enabled } => {
            let id = id.clone();
            StandardItem {
                label: label(text),
                enabled: *enabled,
                activate: Box::new(move |t: &mut SniTray| t.clicked(&id)),
                ..Default::default()
            }
            .into()
        }
        Node::Check { id, label: text, checked } => {
            let id = id.clone();
            CheckmarkItem {
                label: label(text),
                checked: *checked,
                activate: Box::new(move |t: &mut SniTray| t.clicked(&id)),
                ..Default::default()
            }
            .into()
        }
        Node::Label(text) => StandardItem { label: label(text), enabled: false, ..Default::default() }.into(),
        Node::Sub { label: text, children } => SubMenu {
            label: label(text),
            submenu: children.iter().map(render).collect(),
            ..Default::default()
        }
        .into(),
        Node::Separator => MenuItem::Separator,
    }
}

impl SniTray {
    fn clicked(&mut self, id: &str) {
        let Some(cmd) = menu::handle(&self.shell, id) else { return };
        match cmd {
            ShellCmd::Show(view) => self.shell.show_window(view),
            ShellCmd::Quit => self.shell.send(Ctl::Quit),
            ShellCmd::PauseChanged => {
                self.shell.send(Ctl::ApplyHotkeys);
                self.nodes = menu::build(self.shell.state());
            }
            ShellCmd::Refresh => self.nodes = menu::build(self.shell.state()),
            ShellCmd::OpenUrl(url) => open_url(&url),
        }
    }
}

/// Opens a page with the desktop's handler, without waiting for it.
fn open_url(url: &str) {
    match std::process::Command::new("xdg-open").arg(url).spawn() {
        // Reaped on its own thread so no zombie is left.
        Ok(mut child) => drop(std::thread::spawn(move || child.wait())),
        Err(e) => tracing::warn!("cannot open the upload's page (xdg-open): {e}"),
    }
}

impl ksni::Tray for SniTray {
    fn id(&self) -> String {
        "slingshot".into()
    }

    fn title(&self) -> String {
        "Slingshot".into()
    }

    fn icon_pixmap(&self) -> Vec<ksni::Icon> {
        tray_icon().into_iter().collect()
    }

    fn tool_tip(&self) -> ksni::ToolTip {
        ksni::ToolTip { title: "Slingshot".into(), ..Default::default() }
    }

    fn activate(&mut self, _x: i32, _y: i32) {
        self.shell.show_window(None);
    }

    fn menu(&self) -> Vec<MenuItem<Self>> {
        self.nodes.iter().map(render).collect()
    }
}

/// The app's tray PNG as ARGB32 (network byte order), as StatusNotifierItem wants it.
fn tray_icon() -> Option<ksni::Icon> {
    let img =
        image::load_from_memory_with_format(include_bytes!("../../icons/tray.png"), image::ImageFormat::Png)
            .ok()?
            .to_rgba8();
    let (width, height) = img.dimensions();
    let data = img.pixels().flat_map(|p| [p[3], p[0], p[1], p[2]]).collect();
    Some(ksni::Icon { width: i32::try_from(width).ok()?, height: i32::try_from(height).ok()?, data })
}
