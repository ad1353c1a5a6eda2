//! Where the mouse pointer is, so a hotkey capture takes the monitor the person is looking at.
//! Needs one X11 `QueryPointer`; the X11 client crate (x11rb, already built for arboard) is not a
//! direct dependency yet, so until it is this answers `None` and callers fall back to the primary
//! monitor.

use super::{session_kind, SessionKind};

/// The pointer's position in the virtual screen, or `None` on Wayland, without a display, or
/// when it cannot be asked.
pub fn pointer_position() -> Option<(i32, i32)> {
    if session_kind() != SessionKind::X11 {
        return None;
    }
    None
}
