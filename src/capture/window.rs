//! The windows on an X11 screen, for picking one in the region overlay and for capturing the
//! active window: top-level windows with their rectangle in the virtual screen (physical pixels,
//! the window manager's frame and title bar included, client-side shadows left out), topmost
//! first. Everything goes through one x11rb connection (xcap's window API opens a connection per
//! property, which takes long with dozens of windows). Without a window manager (no
//! `_NET_CLIENT_LIST_STACKING`) the root window's mapped children are listed instead.

use super::region::PixelRect;
use super::{session_kind, SessionKind};
use crate::error::{Error, Result};
use serde::Serialize;
use x11rb::connection::Connection;
use x11rb::protocol::xproto::{Atom, AtomEnum, ConnectionExt, MapState, Window, WindowClass};
use x11rb::rust_connection::RustConnection;

/// A window as it was on screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WindowInfo {
    /// The X window id.
    pub id: u32,
    /// Its title (may be empty).
    pub title: String,
    /// Where it is, frame included, in physical pixels of the virtual screen.
    pub rect: PixelRect,
}

/// Atoms looked up once per connection.
struct Atoms {
    stacking: Atom,
    active: Atom,
    name: Atom,
    utf8: Atom,
    frame: Atom,
    gtk_frame: Atom,
    state: Atom,
    hidden: Atom,
    kind: Atom,
    desktop: Atom,
}

struct X {
    conn: RustConnection,
    root: Window,
    atoms: Atoms,
}

impl X {
    fn connect() -> Option<X> {
        if session_kind() != SessionKind::X11 {
            return None;
        }
        let (conn, screen) = x11rb::connect(None).ok()?;
        let root = conn.setup().roots.get(screen)?.root;
        let names = [
            "_NET_CLIENT_LIST_STACKING",
            "_NET_ACTIVE_WINDOW",
            "_NET_WM_NAME",
            "UTF8_STRING",
            "_NET_FRAME_EXTENTS",
            "_GTK_FRAME_EXTENTS",
            "_NET_WM_STATE",
            "_NET_WM_STATE_HIDDEN",
            "_NET_WM_WINDOW_TYPE",
            "_NET_WM_WINDOW_TYPE_DESKTOP",
        ];
        // All requests first, then the replies: one round trip instead of ten.
        let cookies: Vec<_> = names.iter().map(|n| conn.intern_atom(false, n.as_bytes())).collect();
        let mut atoms = Vec::with_capacity(names.len());
        for c in cookies {
            atoms.push(c.ok()?.reply().ok()?.atom);
        }
        let atoms = Atoms {
            stacking: atoms[0],
            active: atoms[1],
            name: atoms[2],
            utf8: atoms[3],
            frame: atoms[4],
            gtk_frame: atoms[5],
            state: atoms[6],
            hidden: atoms[7],
            kind: atoms[8],
            desktop: atoms[9],
        };
        Some(X { conn, root, atoms })
    }

    /// A 32-bit list property (windows, atoms, cardinals); empty when absent.
    fn u32s(&self, w: Window, prop: Atom, ty: impl Into<Atom>) -> Vec<u32> {
        let reply = self.conn.get_property(false, w, prop, ty, 0, 4096).ok().and_then(|c| c.reply().ok());
        reply.and_then(|r| r.value32().map(Iterator::collect)).unwrap_or_default()
    }

    fn title(&self, w: Window) -> String {
        let get = |prop: Atom, ty: Atom| {
            let r = self.conn.get_property(false, w, prop, ty, 0, 1024).ok()?.reply().ok()?;
            Some(String::from_utf8_lossy(&r.value).into_owned()).filter(|t| !t.is_empty())
        };
        get(self.atoms.name, self.atoms.utf8)
            .or_else(|| get(AtomEnum::WM_NAME.into(), AtomEnum::STRING.into()))
            .unwrap_or_default()
    }

    /// The window's rectangle on the root window with its frame, or `None` when it is not shown.
    fn describe(&self, w: Window) -> Option<WindowInfo> {
        let attrs = self.conn.get_window_attributes(w).ok()?.reply().ok()?;
        if attrs.map_state != MapState::VIEWABLE || attrs.class == WindowClass::INPUT_ONLY {
            return None;
        }
        if self.u32s(w, self.atoms.state, AtomEnum::ATOM).contains(&self.atoms.hidden)
            || self.u32s(w, self.atoms.kind, AtomEnum::ATOM).contains(&self.atoms.desktop)
        {
            return None;
        }
        let geo = self.conn.get_geometry(w).ok()?.reply().ok()?;
        let at = self.conn.translate_coordinates(w, self.root, 0, 0).ok()?.reply().ok()?;
        let extents = |prop: Atom| match self.u32s(w, prop, AtomEnum::CARDINAL).as_slice() {
            [l, r, t, b, ..] => [*l, *r, *t, *b].map(i64::from),
            _ => [0; 4],
        };
        // Window-manager frame (title bar, borders) around, client-side shadows inside.
        let [fl, fr, ft, fb] = extents(self.atoms.frame);
        let [gl, gr, gt, gb] = extents(self.atoms.gtk_frame);
        let x = i64::from(at.dst_x) - fl + gl;
        let y = i64::from(at.dst_y) - ft + gt;
        let width = i64::from(geo.width) + fl + fr - gl - gr;
        let height = i64::from(geo.height) + ft + fb - gt - gb;
        let rect = PixelRect {
            x: i32::try_from(x).ok()?,
            y: i32::try_from(y).ok()?,
            width: u32::try_from(width).ok().filter(|v| *v > 0)?,
            height: u32::try_from(height).ok().filter(|v| *v > 0)?,
        };
        Some(WindowInfo { id: w, title: self.title(w), rect })
    }

    /// Top-level windows, bottom first (the X stacking order).
    fn stacking(&self) -> Vec<Window> {
        let listed = self.u32s(self.root, self.atoms.stacking, AtomEnum::WINDOW);
        if !listed.is_empty() {
            return listed;
        }
        self.conn
            .query_tree(self.root)
            .ok()
            .and_then(|c| c.reply().ok())
            .map(|t| t.children)
            .unwrap_or_default()
    }
}

/// The windows shown on screen, topmost first. Empty outside X11 or when the X server does not
/// answer: the overlay then offers rectangles only.
pub fn list_windows() -> Vec<WindowInfo> {
    let Some(x) = X::connect() else { return Vec::new() };
    let mut out: Vec<WindowInfo> = x.stacking().into_iter().filter_map(|w| x.describe(w)).collect();
    out.reverse();
    out
}

/// The window the window manager calls active (`_NET_ACTIVE_WINDOW`), with its frame.
pub fn active_window() -> Result<WindowInfo> {
    let x = X::connect().ok_or_else(|| {
        Error::Config("Capturing the active window needs an X11 session; capture a region instead".into())
    })?;
    let id = x.u32s(x.root, x.atoms.active, AtomEnum::WINDOW).first().copied().unwrap_or(0);
    if id == 0 {
        return Err(Error::Config(
            "No window is active (the window manager does not say which one); capture a region instead"
                .into(),
        ));
    }
    x.describe(id).ok_or_else(|| Error::Config("The active window is not shown on screen".into()))
}
