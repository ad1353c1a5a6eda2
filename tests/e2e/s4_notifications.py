"""Scenario 4: every upload shows a notification.

The sink in busd.py owns org.freedesktop.Notifications and records each Notify; a dbus-monitor
watches the same interface to prove the call really went over the session bus. Two uploads (the
Print hotkey and a file forwarded by a second instance) must give two "link copied" notifications.
"""

import os

import e2e
from selenium.webdriver.common.by import By


def body(s):
    s.start_bus_services()
    mon = s.spawn("dbus-monitor", ["dbus-monitor", "--session", "interface='org.freedesktop.Notifications'"])
    # dbus-monitor prints its own NameAcquired/NameLost once it is monitoring.
    s.require("dbus-monitor is watching the session bus",
              s.wait_for("dbus-monitor ready", lambda: os.path.getsize(os.path.join(s.tmp, "dbus-monitor.log")) > 0,
                         10) and mon.poll() is None, s.tail("dbus-monitor"))
    driver = s.start_app_webdriver()
    s.wait_app_ready()

    s.run(["xdotool", "mousemove", "960", "540"])
    s.run(["xdotool", "key", "Print"])
    first = s.wait_clipboard_url(timeout=20)
    s.check("Print upload copied a link", first, f"clipboard {s.clipboard()!r}")
    path = os.path.join(s.tmp, "notify-me.png")
    e2e.make_png(path, 64, 48)
    s.run([e2e.BIN, path], timeout=20)
    second = s.wait_clipboard_url(timeout=20, not_equal=first)
    s.check("forwarded file upload copied a link", second, f"clipboard {s.clipboard()!r}")
    links = [x for x in (first, second) if x]

    def copied_notes():
        notes = [n for n in s.notifications()
                 if "cop" in (n["summary"] + " " + n["body"]).lower()]
        return notes if len(notes) >= len(links) else None

    notes = s.wait_for("one 'copied' notification per upload", copied_notes, 10) or []
    all_notes = s.notifications()
    for n in all_notes:
        s.log(f"notification: app={n['app_name']!r} summary={n['summary']!r} body={n['body']!r}")
    s.check(f"a 'link copied' notification for each of the {len(links)} uploads", len(notes) >= len(links),
            f"got {len(all_notes)} notifications: {all_notes}")
    for link in links:
        s.check(f"a notification gives the link {link}", any(link in n["summary"] + n["body"] for n in all_notes),
                "no notification's text contains it")
    s.check("notifications come from Slingshot", all_notes and all("slingshot" in n["app_name"].lower()
                                                                    for n in all_notes),
            [n["app_name"] for n in all_notes])
    seen = s.wait_for("Notify in dbus-monitor output",
                      lambda: "member=Notify" in open(os.path.join(s.tmp, "dbus-monitor.log"),
                                                      errors="replace").read(), 5)
    s.check("dbus-monitor saw a org.freedesktop.Notifications.Notify call", seen, s.tail("dbus-monitor"))

    def queue():
        return [(j.get_attribute("data-state"), j.text.replace("\n", " | "))
                for j in driver.find_elements(By.CSS_SELECTOR, "#queue .job:not([hidden])")]

    settled = s.wait_for("window queue shows both uploads done",
                         lambda: (q := queue()) and len(q) >= 2 and all(st == "done" for st, _ in q) and q, 10)
    s.screenshot()
    rows = settled or queue()
    s.log(f"window queue: {rows}")
    s.check("the window's queue shows both uploads as done", settled, f"queue rows: {rows}")
    s.check("the queue says where they came from (hotkey, file manager)",
            any("from hotkey" in t for _, t in rows) and any("from file manager" in t for _, t in rows),
            f"queue rows: {rows}")


if __name__ == "__main__":
    e2e.main("s4_notifications", body)
