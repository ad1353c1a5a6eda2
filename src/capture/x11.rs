//! The X11 screen through one x11rb connection: the monitors (RandR `GetMonitors`, in physical
//! pixels, with their names and the primary flag) and their pixels (a core `GetImage` of the root
//! window, turned into RGBA in place). xcap's X11 path opened a new connection for every property
//! it read and converted each pixel through a function pointer: a third of the time from the
//! Print key to the link on the clipboard.

use super::region::PixelRect;
use crate::error::{Error, Result};
use image::RgbaImage;
use x11rb::connection::Connection;
use x11rb::protocol::randr::ConnectionExt as _;
use x11rb::protocol::xproto::{ConnectionExt as _, ImageFormat, ImageOrder, Window};
use x11rb::rust_connection::RustConnection;

/// A monitor as RandR reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Monitor {
    /// Its name (`HDMI-1`, `screen` on Xvfb), or `monitor-N` when it has none.
    pub name: String,
    /// Where it is in the virtual screen, in physical pixels.
    pub rect: PixelRect,
    /// Whether it is the primary monitor.
    pub primary: bool,
}

/// An open connection to the X server named by `DISPLAY`.
pub(crate) struct Screen {
    conn: RustConnection,
    root: Window,
}

impl Screen {
    /// Connects to the X server.
    pub(crate) fn connect() -> Result<Screen> {
        let (conn, n) = x11rb::connect(None)
            .map_err(|e| Error::Config(format!("Cannot connect to the X server (DISPLAY): {e}")))?;
        let root = conn
            .setup()
            .roots
            .get(n)
            .map(|s| s.root)
            .ok_or_else(|| Error::Config("The X server has no such screen (DISPLAY)".into()))?;
        Ok(Screen { conn, root })
    }

    /// The active monitors in the X server's order. Without RandR 1.5 (or with no monitor listed)
    /// the whole root window counts as one monitor.
    pub(crate) fn monitors(&self) -> Result<Vec<Monitor>> {
        let listed = self
            .conn
            .randr_get_monitors(self.root, true)
            .ok()
            .and_then(|c| c.reply().ok())
            .map(|r| r.monitors)
            .unwrap_or_default();
        let mut out = Vec::with_capacity(listed.len().max(1));
        for (i, m) in listed.iter().enumerate() {
            if m.width == 0 || m.height == 0 {
                continue;
            }
            let name = self.atom_name(m.name).unwrap_or_else(|| format!("monitor-{i}"));
            let rect = PixelRect {
                x: i32::from(m.x),
                y: i32::from(m.y),
                width: u32::from(m.width),
                height: u32::from(m.height),
            };
            out.push(Monitor { name, rect, primary: m.primary });
        }
        if out.is_empty() {
            let g = self.conn.get_geometry(self.root).map_err(x_error)?.reply().map_err(x_error)?;
            let rect = PixelRect { x: 0, y: 0, width: u32::from(g.width), height: u32::from(g.height) };
            out.push(Monitor { name: "screen".into(), rect, primary: true });
        }
        Ok(out)
    }

    fn atom_name(&self, atom: u32) -> Option<String> {
        let reply = self.conn.get_atom_name(atom).ok()?.reply().ok()?;
        Some(String::from_utf8_lossy(&reply.name).into_owned()).filter(|n| !n.is_empty())
    }

    /// The pixels of `rect` (virtual-screen coordinates) as they are on screen now.
    pub(crate) fn grab(&self, rect: PixelRect) -> Result<RgbaImage> {
        let too_big =
            || Error::Image(format!("Cannot capture {}x{} pixels at once", rect.width, rect.height));
        let (x, y) =
            (i16::try_from(rect.x).map_err(|_| too_big())?, i16::try_from(rect.y).map_err(|_| too_big())?);
        let (w, h) = (
            u16::try_from(rect.width).map_err(|_| too_big())?,
            u16::try_from(rect.height).map_err(|_| too_big())?,
        );
        let reply = self
            .conn
            .get_image(ImageFormat::Z_PIXMAP, self.root, x, y, w, h, u32::MAX)
            .map_err(x_error)?
            .reply()
            .map_err(|e| Error::Image(format!("Cannot capture the screen: {e}")))?;
        let setup = self.conn.setup();
        let bpp =
            setup.pixmap_formats.iter().find(|f| f.depth == reply.depth).map_or(0, |f| f.bits_per_pixel);
        let lsb = setup.image_byte_order == ImageOrder::LSB_FIRST;
        to_rgba(reply.data, u32::from(w), u32::from(h), reply.depth, bpp, lsb)
    }
}

fn x_error(e: impl std::fmt::Display) -> Error {
    Error::Image(format!("The X server did not answer: {e}"))
}

/// Turns a `ZPixmap` of TrueColor pixels into RGBA: 32 bits per pixel (depth 24 or 32, the usual
/// case, converted in place) or 16 (depth 16, 5-6-5), in either byte order.
fn to_rgba(mut data: Vec<u8>, w: u32, h: u32, depth: u8, bpp: u8, lsb: bool) -> Result<RgbaImage> {
    let n = w as usize * h as usize;
    let unsupported = || {
        Error::Image(format!(
            "The X server's pixel format (depth {depth}, {bpp} bits per pixel) is not supported"
        ))
    };
    match bpp {
        32 if data.len() >= n * 4 => {
            data.truncate(n * 4);
            // B G R X (least significant byte first) or X R G B.
            for px in data.chunks_exact_mut(4) {
                let (r, g, b) = if lsb { (px[2], px[1], px[0]) } else { (px[1], px[2], px[3]) };
                px.copy_from_slice(&[r, g, b, u8::MAX]);
            }
            RgbaImage::from_raw(w, h, data).ok_or_else(unsupported)
        }
        // Rows are padded to 32 bits, so an odd width leaves two bytes at the end of each row.
        16 if depth == 16 && data.len() >= (w as usize * 2).next_multiple_of(4) * h as usize => {
            let stride = (w as usize * 2).next_multiple_of(4);
            let mut out = Vec::with_capacity(n * 4);
            for row in data.chunks_exact(stride).take(h as usize) {
                for px in row.chunks_exact(2).take(w as usize) {
                    let v = if lsb {
                        u16::from_le_bytes([px[0], px[1]])
                    } else {
                        u16::from_be_bytes([px[0], px[1]])
                    };
                    out.extend_from_slice(&[
                        widen(v >> 11, 31),
                        widen((v >> 5) & 63, 63),
                        widen(v & 31, 31),
                        u8::MAX,
                    ]);
                }
            }
            RgbaImage::from_raw(w, h, out).ok_or_else(unsupported)
        }
        _ => Err(unsupported()),
    }
}

/// A `max`-level channel value scaled to 0..=255, rounded.
fn widen(c: u16, max: u16) -> u8 {
    u8::try_from((u32::from(c) * 255 + u32::from(max) / 2) / u32::from(max)).unwrap_or(u8::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thirty_two_bit_pixels_in_either_byte_order() {
        // Two pixels: pure red, then (10, 20, 30); the pad byte is garbage.
        let lsb = vec![0, 0, 255, 7, 30, 20, 10, 7];
        let img = to_rgba(lsb, 2, 1, 24, 32, true).unwrap();
        assert_eq!(img.as_raw(), &[255, 0, 0, 255, 10, 20, 30, 255]);
        let msb = vec![7, 255, 0, 0, 7, 10, 20, 30];
        let img = to_rgba(msb, 1, 2, 24, 32, false).unwrap();
        assert_eq!(img.as_raw(), &[255, 0, 0, 255, 10, 20, 30, 255]);
    }

    #[test]
    fn sixteen_bit_rows_skip_their_padding() {
        // 3x2 at 5-6-5: each row is 6 bytes of pixels + 2 of padding.
        let white = 0xffffu16.to_le_bytes();
        let green = 0x07e0u16.to_le_bytes();
        let mut data = Vec::new();
        for _ in 0..2 {
            data.extend_from_slice(&white);
            data.extend_from_slice(&green);
            data.extend_from_slice(&[0, 0]); // black
            data.extend_from_slice(&[0xaa, 0xaa]); // padding
        }
        let img = to_rgba(data, 3, 2, 16, 16, true).unwrap();
        for y in 0..2 {
            assert_eq!(img.get_pixel(0, y).0, [255, 255, 255, 255]);
            assert_eq!(img.get_pixel(1, y).0, [0, 255, 0, 255]);
            assert_eq!(img.get_pixel(2, y).0, [0, 0, 0, 255]);
        }
    }

    #[test]
    fn other_formats_and_short_replies_are_refused_by_name() {
        let err = to_rgba(vec![0; 4], 2, 2, 8, 8, true).unwrap_err().to_string();
        assert!(err.contains("depth 8, 8 bits per pixel"), "{err}");
        assert!(to_rgba(vec![0; 7], 2, 1, 24, 32, true).is_err());
    }
}
