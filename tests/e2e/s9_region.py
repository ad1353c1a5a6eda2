# e2e-screen: 3200x1200x24
"""Scenario 9: region capture in the overlay, Esc, a picked window, and two monitors.

The X screen (3200x1200, see the e2e-screen line above, which run.sh reads) is split with RandR 1.5
monitors into LEFT 1920x1080+0+0 and RIGHT 1280x1024+1920+0. Xvfb has one output, and an output
belongs to one monitor, so RIGHT gets a made-up output id (the server does not check it): xcap
lists monitors through their outputs and would not see a monitor without one. The root window
shows a known pattern (pixel x,y = x & 255, y & 255, a tile number), so every crop can be checked
pixel by pixel against what must be there.

Checks: Ctrl+Print opens one overlay per monitor; a drag with xdotool mousedown/mousemove/mouseup
uploads a PNG of exactly the dragged size with exactly those pixels (on LEFT, then on RIGHT, whose
coordinates start at 1920); Esc uploads nothing and keeps no file; a click on a window takes that
window; Alt+Print takes the active window; Print with the pointer on RIGHT captures RIGHT
(1280x1024, its pixels). The overlay is
screenshotted mid-drag to target/e2e-artifacts/s9_region.overlay.png.
"""

import ctypes
import ctypes.util
import os
import time

import e2e

W, H = 3200, 1200
LEFT = ("LEFT", 0, 0, 1920, 1080)
RIGHT = ("RIGHT", 1920, 0, 1280, 1024)


def pattern_row(y, cols, bcol):
    """One row of the background as RGB bytes."""
    row = bytearray(W * 3)
    row[0::3] = cols
    row[1::3] = bytes([y & 255]) * W
    row[2::3] = bcol[y >> 8]
    return row


def background():
    """The whole background as raw RGB, row after row."""
    cols = bytes(x & 255 for x in range(W))
    bcol = [bytes((((x >> 8) * 5 + t) * 3) & 255 for x in range(W)) for t in range(H // 256 + 1)]
    return b"".join(bytes(pattern_row(y, cols, bcol)) for y in range(H))


def expected(bg, x, y, w, h):
    """The raw RGB of the background's rectangle."""
    return b"".join(bg[((y + r) * W + x) * 3:((y + r) * W + x + w) * 3] for r in range(h))


class XRRMonitorInfo(ctypes.Structure):
    _fields_ = [("name", ctypes.c_ulong), ("primary", ctypes.c_int), ("automatic", ctypes.c_int),
                ("noutput", ctypes.c_int), ("x", ctypes.c_int), ("y", ctypes.c_int),
                ("width", ctypes.c_int), ("height", ctypes.c_int), ("mwidth", ctypes.c_int),
                ("mheight", ctypes.c_int), ("outputs", ctypes.POINTER(ctypes.c_ulong))]


class XRRScreenResources(ctypes.Structure):
    _fields_ = [("timestamp", ctypes.c_ulong), ("configTimestamp", ctypes.c_ulong), ("ncrtc", ctypes.c_int),
                ("crtcs", ctypes.POINTER(ctypes.c_ulong)), ("noutput", ctypes.c_int),
                ("outputs", ctypes.POINTER(ctypes.c_ulong)), ("nmode", ctypes.c_int), ("modes", ctypes.c_void_p)]


def split_monitors():
    """Defines LEFT (with Xvfb's real output) and RIGHT (with a made-up output id) via RRSetMonitor."""
    x11 = ctypes.CDLL(ctypes.util.find_library("X11"))
    xrr = ctypes.CDLL(ctypes.util.find_library("Xrandr"))
    x11.XOpenDisplay.restype = ctypes.c_void_p
    x11.XDefaultRootWindow.restype = ctypes.c_ulong
    x11.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
    x11.XInternAtom.restype = ctypes.c_ulong
    x11.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
    xrr.XRRGetScreenResources.restype = ctypes.POINTER(XRRScreenResources)
    xrr.XRRGetScreenResources.argtypes = [ctypes.c_void_p, ctypes.c_ulong]
    xrr.XRRAllocateMonitor.restype = ctypes.POINTER(XRRMonitorInfo)
    xrr.XRRAllocateMonitor.argtypes = [ctypes.c_void_p, ctypes.c_int]
    xrr.XRRSetMonitor.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.POINTER(XRRMonitorInfo)]
    d = x11.XOpenDisplay(None)
    if not d:
        raise RuntimeError("cannot open the X display")
    root = x11.XDefaultRootWindow(d)
    res = xrr.XRRGetScreenResources(d, root)
    real = res.contents.outputs[0]
    for i, (name, x, y, w, h) in enumerate((LEFT, RIGHT)):
        m = xrr.XRRAllocateMonitor(d, 1)
        m.contents.name = x11.XInternAtom(d, name.encode(), 0)
        m.contents.primary = 1 if i == 0 else 0
        m.contents.x, m.contents.y, m.contents.width, m.contents.height = x, y, w, h
        m.contents.mwidth, m.contents.mheight = w * 254 // 960, h * 254 // 960
        m.contents.outputs[0] = real if i == 0 else 0x1ff0000 + i
        xrr.XRRSetMonitor(d, root, m)
    x11.XSync(ctypes.c_void_p(d), 0)
    x11.XCloseDisplay(ctypes.c_void_p(d))


def set_active_window(win_id):
    """Sets _NET_ACTIVE_WINDOW on the root window, as a window manager would (there is none here)."""
    x11 = ctypes.CDLL(ctypes.util.find_library("X11"))
    x11.XOpenDisplay.restype = ctypes.c_void_p
    x11.XDefaultRootWindow.restype = ctypes.c_ulong
    x11.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
    x11.XInternAtom.restype = ctypes.c_ulong
    x11.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
    x11.XChangeProperty.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong,
                                    ctypes.c_int, ctypes.c_int, ctypes.c_void_p, ctypes.c_int]
    d = x11.XOpenDisplay(None)
    value = (ctypes.c_ulong * 1)(win_id)  # format 32 data is passed as longs
    prop = x11.XInternAtom(d, b"_NET_ACTIVE_WINDOW", 0)
    window_atom = 33  # XA_WINDOW
    x11.XChangeProperty(d, x11.XDefaultRootWindow(d), prop, window_atom, 32, 0, value, 1)
    x11.XSync(ctypes.c_void_p(d), 0)
    x11.XCloseDisplay(ctypes.c_void_p(d))


def rgb_of(s, png):
    """The PNG's pixels as raw RGB (ImageMagick), or None."""
    r = s.run(["convert", "png:-", "-depth", "8", "rgb:-"], input_bytes=png, timeout=30)
    return r.stdout if r.returncode == 0 else None


def overlays(s):
    r = s.run(["xdotool", "search", "--onlyvisible", "--name", "^Slingshot selection$"], timeout=5)
    return r.stdout.decode().split()


def wait_overlays(s, n, timeout=15):
    return s.wait_for(f"{n} overlay windows", lambda: len(overlays(s)) == n, timeout)


def files_in(path):
    return sorted(os.listdir(path)) if os.path.isdir(path) else []


def drag(s, x0, y0, x1, y1):
    """Presses at (x0, y0), moves in a few steps, releases at (x1, y1)."""
    s.run(["xdotool", "mousemove", str(x0), str(y0)])
    time.sleep(0.15)
    s.run(["xdotool", "mousedown", "1"])
    for f in (0.3, 0.7):
        s.run(["xdotool", "mousemove", str(int(x0 + (x1 - x0) * f)), str(int(y0 + (y1 - y0) * f))])
        time.sleep(0.05)
    s.run(["xdotool", "mousemove", str(x1), str(y1)])
    time.sleep(0.2)
    s.run(["xdotool", "mouseup", "1"])


def check_upload(s, what, link, bg, rect):
    """The history entry of `link` serves a PNG of rect's size with the background's pixels there."""
    x, y, w, h = rect
    entry = s.wait_for(f"history entry for {what}", lambda: s.entry_for_link(link), 10)
    s.require(f"{what}: the history has the copied link", entry, f"history: {s.history()}")
    body = s.check_served_png(what, entry, size=(w, h))
    if body is None:
        return
    got = rgb_of(s, body)
    want = expected(bg, x, y, w, h)
    same = got == want
    detail = ""
    if not same and got is not None and len(got) == len(want):
        i = next(i for i in range(len(want)) if got[i] != want[i]) // 3
        detail = f"first difference at ({x + i % w}, {y + i // w}): got {tuple(got[i*3:i*3+3])}, want {tuple(want[i*3:i*3+3])}"
    elif got is not None:
        detail = f"{len(got)} bytes, want {len(want)}"
    s.check(f"{what}: its pixels are exactly the background's {w}x{h}+{x}+{y}", same, detail)


def region(s, bg, rect, previous):
    """Ctrl+Print, drag over rect (x, y, w, h), check the upload. -> the new link."""
    x, y, w, h = rect
    s.run(["xdotool", "mousemove", str(x - 40), str(y - 40)])
    s.run(["xdotool", "key", "ctrl+Print"])
    s.require("Ctrl+Print opens one overlay per monitor", wait_overlays(s, 2), f"visible: {overlays(s)}")
    drag(s, x, y, x + w, y + h)
    link = s.wait_clipboard_url(timeout=20, not_equal=previous)
    s.require(f"a {w}x{h} drag puts a new link on the clipboard", link, f"clipboard {s.clipboard()!r}")
    s.check("the overlays are gone after the selection", wait_overlays(s, 0, 5) is not None, overlays(s))
    check_upload(s, f"region {w}x{h}+{x}+{y}", link, bg, rect)
    return link


def body(s):
    split_monitors()
    try:  # for the log only (x11-xserver-utils may be missing)
        s.log(s.run(["xrandr", "--listmonitors"], timeout=10).stdout.decode().strip())
    except OSError:
        pass
    s.log("drawing the background")
    bg = background()
    bg_png = os.path.join(s.tmp, "bg.png")
    r = s.run(["convert", "-size", f"{W}x{H}", "-depth", "8", "rgb:-", bg_png], input_bytes=bg, timeout=60)
    s.require("background image written", r.returncode == 0, r.stderr.decode())
    s.run(["display", "-window", "root", bg_png], timeout=30)  # sets the root background, exits
    s.start_bus_services()
    s.start_app()
    win = s.wait_app_ready()
    # Out of both monitors (below LEFT, left of RIGHT's bottom): the crops must show the pattern.
    s.run(["xdotool", "windowmove", str(win), "0", "1100"])
    s.set_clipboard("e2e: nothing uploaded yet")
    captures = os.path.join(s.data_dir, "captures")

    link = region(s, bg, (300, 200, 400, 250), None)

    # The overlay mid-drag, for a person to look at (dimmed outside, readout, magnifier).
    s.run(["xdotool", "mousemove", "900", "500"])
    s.run(["xdotool", "key", "ctrl+Print"])
    s.require("the overlay opens again", wait_overlays(s, 2), overlays(s))
    s.run(["xdotool", "mousemove", "640", "360"])
    time.sleep(0.15)
    s.run(["xdotool", "mousedown", "1"])
    s.run(["xdotool", "mousemove", "1000", "600"])
    time.sleep(0.2)
    s.run(["xdotool", "mousemove", "1180", "700"])
    time.sleep(0.6)
    s.screenshot(f"{s.name}.overlay")

    # Esc: nothing uploaded, nothing kept.
    rows, kept = len(s.history()), files_in(captures)
    s.run(["xdotool", "key", "Escape"])
    s.check("Esc closes the overlays", wait_overlays(s, 0, 5) is not None, overlays(s))
    s.run(["xdotool", "mouseup", "1"])
    time.sleep(2)
    s.check("Esc uploads nothing (no new history row)", len(s.history()) == rows, f"{rows} -> {len(s.history())}")
    s.check("Esc keeps no file", files_in(captures) == kept, f"{kept} -> {files_in(captures)}")
    s.check("Esc leaves the clipboard alone", s.clipboard() == link, s.clipboard())

    # A region on RIGHT: overlay coordinates start at its own corner, the crop at x 1920.
    link = region(s, bg, (2100, 130, 333, 177), link)

    # Click a window: ImageMagick's `display` shows a 300x200 green image at 2300,400 (no window
    # manager: exactly there).
    pick = os.path.join(s.tmp, "pick.png")
    e2e.make_png(pick, 300, 200, rgb=(20, 200, 90))
    s.spawn("pick", ["display", "-title", "PickMe", "-geometry", "+2300+400", pick])
    pick_id = s.wait_for("PickMe window", lambda: s.run(
        ["xdotool", "search", "--onlyvisible", "--name", "PickMe"], timeout=5).stdout.split(), 10)
    s.require("the window to pick is shown", pick_id)
    time.sleep(0.5)
    s.run(["xdotool", "key", "ctrl+Print"])
    s.require("the overlay opens over the window", wait_overlays(s, 2), overlays(s))
    s.run(["xdotool", "mousemove", "2410", "470"])
    s.run(["xdotool", "mousemove", "2420", "480"])
    time.sleep(0.5)
    s.screenshot(f"{s.name}.hover")
    s.run(["xdotool", "click", "1"])
    new = s.wait_clipboard_url(timeout=20, not_equal=link)
    s.require("a click on a window puts a new link on the clipboard", new, s.clipboard())
    link = new
    entry = s.wait_for("history entry of the picked window", lambda: s.entry_for_link(link), 10)
    body_png = s.check_served_png("picked window", entry, size=(300, 200))
    got = rgb_of(s, body_png) if body_png else None
    s.check("picked window: its pixels are the window's (green)",
            got is not None and got == bytes((20, 200, 90)) * (300 * 200),
            f"first pixels {tuple(got[:6]) if got else None}")

    # Alt+Print captures the active window (set by hand: there is no window manager).
    set_active_window(int(pick_id[0]))
    s.run(["xdotool", "key", "alt+Print"])
    new = s.wait_clipboard_url(timeout=20, not_equal=link)
    s.require("Alt+Print (active window) puts a new link on the clipboard", new, s.clipboard())
    link = new
    entry = s.wait_for("history entry of the active window", lambda: s.entry_for_link(link), 10)
    body_png = s.check_served_png("active window", entry, size=(300, 200))
    got = rgb_of(s, body_png) if body_png else None
    s.check("active window: its pixels are the window's (green)",
            got is not None and got == bytes((20, 200, 90)) * (300 * 200), "pixels differ")

    # Print with the pointer on RIGHT captures RIGHT at its own size.
    s.run(["xdotool", "mousemove", "2500", "900"])
    s.run(["xdotool", "key", "Print"])
    new = s.wait_clipboard_url(timeout=20, not_equal=link)
    s.require("Print on the right monitor puts a new link on the clipboard", new, s.clipboard())
    # The PickMe window is on RIGHT: compare the part of RIGHT it does not cover (rows 0..399).
    entry = s.wait_for("history entry of the Print capture", lambda: s.entry_for_link(new), 10)
    body_png = s.check_served_png("Print on RIGHT", entry, size=(1280, 1024))
    got = rgb_of(s, body_png) if body_png else None
    want = expected(bg, 1920, 0, 1280, 400)
    s.check("Print on RIGHT: its top 400 rows are the background's 1280x400+1920+0",
            got is not None and got[:len(want)] == want, "pixels differ")
    s.screenshot()


if __name__ == "__main__":
    e2e.main("s9_region", body)
