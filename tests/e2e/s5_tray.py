"""Scenario 5: the tray menu (StatusNotifierItem + dbusmenu) lists the newest upload.

busd.py plays the StatusNotifierWatcher; the app's libayatana-appindicator registers with it.
The test then reads the item's `Menu` path and calls com.canonical.dbusmenu.GetLayout, as a tray
host would, and looks for the uploaded file's name among the menu labels.
"""

import os
import random

import e2e
import tray


def labels(items):
    return [i["label"] for i in items]


def body(s):
    s.start_bus_services(watcher=True)
    s.start_app()
    s.wait_app_ready()
    regs = s.wait_for("StatusNotifierItem registration", s.sni_registrations, 15)
    s.require("the app registers a StatusNotifierItem with the watcher", regs,
              "busd.py recorded no RegisterStatusNotifierItem call")
    s.log(f"registrations: {regs}")
    props, items = tray.read_tray(regs)
    s.log(f"item: id={props.get('Id')!s} title={props.get('Title')!s} status={props.get('Status')!s} "
          f"menu={props.get('Menu')!s}")
    s.log(f"menu before upload: {labels(items)}")
    s.require("the item has a dbusmenu with entries", items, f"properties: {dict(props)}")

    name = f"tray-e2e-{random.randint(1000, 9999)}.png"
    path = os.path.join(s.tmp, name)
    e2e.make_png(path, 40, 30, rgb=(30, 160, 60))
    s.run([e2e.BIN, path], timeout=20)
    link = s.wait_clipboard_url(timeout=20)
    s.check("the forwarded file was uploaded (link copied)", link, f"clipboard {s.clipboard()!r}")

    def listed():
        _, now = tray.read_tray(s.sni_registrations())
        return now if any(name in lab or (link and link in lab) for lab in labels(now)) else None

    items_after = s.wait_for("tray menu lists the upload", listed, 10)
    if not items_after:
        _, items_after_fail = tray.read_tray(s.sni_registrations())
        s.check(f"the tray menu lists {name}", False, f"menu labels: {labels(items_after_fail)}")
    else:
        s.log(f"menu after upload: {labels(items_after)}")
        s.check(f"the tray menu lists {name}", True)
        # Choosing the upload's "Copy link" puts its link back on the clipboard.
        at = next(i for i, it in enumerate(items_after) if name in it["label"])
        copy = next((it for it in items_after[at + 1:] if it["label"].lower().startswith("copy link")), None)
        if s.check("the upload has a 'Copy link' entry", copy, f"menu {labels(items_after)}"):
            s.set_clipboard("e2e: before tray copy")
            tray.click(s.sni_registrations(), copy["id"])
            got = s.wait_for("clipboard after tray 'Copy link'",
                             lambda: (c := s.clipboard()) != "e2e: before tray copy" and c, 10)
            s.check("tray 'Copy link' copies the upload's link", got == link, f"clipboard {got!r}, link {link!r}")
    s.check("the tray menu has Open Slingshot and Quit",
            {"Open Slingshot", "Quit"} <= set(labels(items)), f"menu {labels(items)}")
    s.screenshot()


if __name__ == "__main__":
    e2e.main("s5_tray", body)
