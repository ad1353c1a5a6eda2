"""Scenario 12: the tray process (`slingshot-tray`, no GTK or WebKit) stands in for the app while no
window is open, and the two hand over to each other.

With SLINGSHOT_TRAY_AFTER=3: `slingshot --hidden` (as at login) becomes the tray process at once.
It must register its own StatusNotifierItem whose menu lists uploads, upload a forwarded
`slingshot FILE` and a Print capture (link on the clipboard, no window), without GTK and WebKit
(not mapped). "Open Slingshot" in its menu starts the app with its window (the link stays
on the clipboard); closing the window makes the app hand over to a new tray process after 3 s.
"""

import os

import e2e
import tray
import xwin


def procs_named(s, name):
    out = []
    for pid in s.strays():
        try:
            with open(f"/proc/{pid}/comm", encoding="utf-8") as f:
                if f.read().strip() == name:
                    out.append(pid)
        except OSError:
            pass
    return out


def pss_mb(pid):
    with open(f"/proc/{pid}/smaps_rollup", encoding="utf-8") as f:
        for line in f:
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 1024
    return None


def menu_listing(s, name, after=0):
    """The newest tray item's menu once it lists `name` (and more than `after` items registered)."""
    regs = s.sni_registrations()
    if len(regs) <= after:
        return None
    try:
        _, items = tray.read_tray(regs)
    except Exception:  # the item may be going away or not serving its menu yet
        return None
    return items if any(name in i["label"] for i in items) else None


def body(s):
    s.env["SLINGSHOT_TRAY_AFTER"] = "3"
    s.start_bus_services(watcher=True)
    s.start_app(["--hidden"])
    pid = s.app.pid
    s.require("`slingshot --hidden` becomes the tray process", s.wait_for(
        "slingshot-tray", lambda: pid in procs_named(s, "slingshot-tray"), 15), s.tail("app"))
    s.require("the tray process's sandbox host listens",
              s.wait_for("sandbox host", lambda: s.port_open(s.sandbox_port()), 30), s.tail("app"))
    with open(f"/proc/{pid}/maps", encoding="utf-8") as f:
        maps = f.read().lower()
    s.check("the tray process maps neither GTK nor WebKit", "libgtk" not in maps and "webkit" not in maps)

    first = os.path.join(s.tmp, "to-the-tray.png")
    e2e.make_png(first, 50, 20, rgb=(20, 40, 200))
    r = s.run([e2e.BIN, first], timeout=20)
    s.check("`slingshot FILE` hands the file to the tray process and exits 0", r.returncode == 0,
            r.stderr[-400:])
    link1 = s.wait_clipboard_url(timeout=20)
    s.require("the tray process uploads the forwarded file (link copied)", link1, f"clipboard {s.clipboard()!r}")
    s.check("no window opened for the forwarded file", not s.find_window())
    items = s.wait_for("the tray menu lists the upload", lambda: menu_listing(s, "to-the-tray.png"), 15)
    s.require("the tray process's StatusNotifierItem menu lists the upload", items,
              f"registrations {s.sni_registrations()}")
    labels = [i["label"] for i in items]
    s.check("its menu has Open Slingshot, Pause hotkeys and Quit",
            {"Open Slingshot", "Pause hotkeys", "Quit"} <= set(labels), f"menu {labels}")

    s.set_clipboard("e2e: before Print")
    s.run(["xdotool", "mousemove", "960", "540"])
    s.run(["xdotool", "key", "Print"])
    link2 = s.wait_clipboard_url(timeout=20, not_equal="e2e: before Print")
    s.require("Print in the tray process puts a new link on the clipboard", link2 and link2 != link1,
              f"clipboard {s.clipboard()!r}\n{s.tail('app')}")
    entry = s.wait_for("history entry for the Print link", lambda: s.entry_for_link(link2), 5)
    s.check_served_png("tray-process capture", entry, size=e2e.SCREEN)

    # Memory is measured by `make bench` on release builds; this debug build's figure is logged only.
    s.log(f"tray process PSS (debug build): {pss_mb(pid):.1f} MB")

    _, items = tray.read_tray(s.sni_registrations())
    open_item = next((i for i in items if i["label"] == "Open Slingshot"), None)
    s.require("the menu has Open Slingshot", open_item, f"menu {[i['label'] for i in items]}")
    regs_before = len(s.sni_registrations())
    tray.click(s.sni_registrations(), open_item["id"])
    win = s.wait_for("the app's window after Open Slingshot", s.find_window, 40)
    s.require("Open Slingshot starts the app with its window", win, s.tail("app"))
    s.check("the tray process left (exit 0)", s.wait_for("tray process gone", lambda: s.app.poll() is not None, 15)
            and s.app.poll() == 0, f"exit {s.app.poll()}")
    apps = procs_named(s, "slingshot")
    s.check("the app runs in its place", apps, f"processes {s.strays()}")
    s.check("the link stayed on the clipboard through the hand-over", s.clipboard() == link2,
            f"clipboard {s.clipboard()!r}")
    s.wait_painted(win)
    s.screenshot()

    xwin.wm_delete(win)
    s.check("closing the window hides it", s.wait_for("window closed", lambda: not s.find_window(), 10))
    back = s.wait_for("a new tray process", lambda: procs_named(s, "slingshot-tray"), 30)
    s.require("3 s after the window closed, the app hands over to a new tray process", back, s.tail("app"))
    s.check("the app left", s.wait_for("app gone", lambda: not procs_named(s, "slingshot"), 15),
            f"processes {s.strays()}")
    s.check("the link is still on the clipboard", s.wait_for(
        "clipboard served by the new tray process", lambda: s.clipboard() == link2, 10), f"clipboard {s.clipboard()!r}")
    items = s.wait_for("the new tray item lists the uploads",
                       lambda: menu_listing(s, "to-the-tray.png", after=regs_before), 15)
    s.check("the new tray process registers its item, listing the uploads", items,
            f"registrations {s.sni_registrations()}")


if __name__ == "__main__":
    e2e.main("s12_tray_process", body)
