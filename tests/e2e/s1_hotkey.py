"""Scenario 1: the Print hotkey captures the screen, uploads it and copies the link.

`xdotool key Print` (an XTEST key press, which the app's global XGrabKey sees) must, within 20 s,
leave an http://127.0.0.1 link on the clipboard; the history entry with that link must serve a
PNG the size of the Xvfb screen (1920x1080).
"""

import e2e


def body(s):
    s.start_bus_services()
    s.start_app()
    s.wait_app_ready()
    s.set_clipboard("e2e: nothing uploaded yet")
    # The monitor under the pointer is captured; put the pointer on the (only) screen.
    s.run(["xdotool", "mousemove", "960", "540"])
    s.run(["xdotool", "key", "Print"])
    link = s.wait_clipboard_url(timeout=20)
    s.require("Print puts an http://127.0.0.1 link on the clipboard within 20 s", link,
              f"clipboard holds {s.clipboard()!r}")
    status, _, _ = e2e.http_get(link)
    s.check(f"the copied link {link} answers 200", status == 200, f"HTTP {status}")
    entry = s.wait_for("history entry for the link", lambda: s.entry_for_link(link), 5)
    s.require("the history has an entry with the copied link", entry,
              f"history: {s.history()}")
    s.check("the history entry is 'uploaded'", entry.get("status") == "uploaded", entry.get("status"))
    s.check_served_png("screenshot", entry, size=e2e.SCREEN)
    s.screenshot()


if __name__ == "__main__":
    e2e.main("s1_hotkey", body)
