"""Scenario 2: `slingshot FILE` while the app runs forwards FILE to the running instance.

The second process must exit quickly (single-instance over D-Bus), and the first must upload the
file and copy its link: a link different from the Print capture's, whose history entry is the
file and serves a PNG of the file's size.
"""

import os
import time

import e2e


def body(s):
    s.start_bus_services()
    s.start_app()
    s.wait_app_ready()
    s.run(["xdotool", "mousemove", "960", "540"])
    s.run(["xdotool", "key", "Print"])
    first = s.wait_clipboard_url(timeout=20)
    s.check("Print capture copied a link first", first, f"clipboard {s.clipboard()!r}")

    path = os.path.join(s.tmp, "second-instance-file.png")
    e2e.make_png(path, 321, 123, rgb=(10, 120, 220))
    started = time.monotonic()
    try:
        r = s.run([e2e.BIN, path], timeout=20)
        took = time.monotonic() - started
        s.check("second instance exits within 10 s", took < 10, f"took {took:.1f}s")
        s.check("second instance exits 0", r.returncode == 0,
                f"exit {r.returncode}; stderr:\n{r.stderr.decode(errors='replace')[-2000:]}")
    except e2e.subprocess.TimeoutExpired:
        s.check("second instance exits within 10 s", False, "still running after 20 s (killed)")
    link = s.wait_clipboard_url(timeout=20, not_equal=first)
    s.screenshot()
    s.require("the running instance copied a new link for the file", link,
              f"clipboard {s.clipboard()!r}, first link {first!r}")
    entry = s.wait_for("history entry for the link", lambda: s.entry_for_link(link), 5)
    s.require("the history has an entry with the new link", entry, f"history: {s.history()}")
    src = entry.get("source") or ""
    s.check("the entry's source is the forwarded file", os.path.basename(path) in src, f"source {src!r}")
    s.check_served_png("forwarded file", entry, size=(321, 123))


if __name__ == "__main__":
    e2e.main("s2_second_instance", body)
