//! Where the mouse pointer is, so a hotkey capture takes the monitor the person is looking at.
//! One X11 `QueryPointer` on the root window through x11rb's pure-Rust connection (it reads
//! `DISPLAY` and `XAUTHORITY` like Xlib). Wayland gives no global pointer position to clients.

use super::{session_kind, SessionKind};
use x11rb::connection::Connection;
use x11rb::protocol::xproto::ConnectionExt;

/// The pointer's position in the virtual screen, or `None` on Wayland, without a display, or
/// when the X server does not answer.
pub fn pointer_position() -> Option<(i32, i32)> {
    if session_kind() != SessionKind::X11 {
        return None;
    }
    let (conn, screen) = x11rb::connect(None).ok()?;
    let root = conn.setup().roots.get(screen)?.root;
    let reply = conn.query_pointer(root).ok()?.reply().ok()?;
    // On a multi-screen (Zaphod) setup the pointer may be on another X screen: no usable point.
    reply.same_screen.then_some((i32::from(reply.root_x), i32::from(reply.root_y)))
}
