"""Scenario 6b: the sandbox's preferred port (7780) is taken by another process.

The app must still open its window, start the sandbox on another port, and upload there.
"""

import errno
import os
import socket

import e2e

PREFERRED_PORT = 7780  # src/sandbox.rs PREFERRED_PORT


def body(s):
    squatter = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    # Earlier scenarios' connections to 7780 may sit in TIME_WAIT: without SO_REUSEADDR they would
    # stop this bind but not the app's (tokio sets it), and the port would not be taken at all.
    squatter.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        squatter.bind(("127.0.0.1", PREFERRED_PORT))
        squatter.listen(1)
        s.log(f"holding 127.0.0.1:{PREFERRED_PORT}")
    except OSError as e:
        if e.errno != errno.EADDRINUSE:
            raise
        s.log(f"127.0.0.1:{PREFERRED_PORT} is already taken by another process, as the test wants")
    try:
        s.start_bus_services()
        s.start_app()
        s.wait_app_ready()
        port = s.sandbox_port()
        s.check("the sandbox runs on another port", port != PREFERRED_PORT, f"port {port}")
        path = os.path.join(s.tmp, "port-taken.png")
        e2e.make_png(path, 50, 20)
        s.run([e2e.BIN, path], timeout=20)
        link = s.wait_clipboard_url(timeout=20)
        s.screenshot()
        s.require("an upload still works (link copied)", link, f"clipboard {s.clipboard()!r}")
        s.check(f"the link points at the sandbox's port {port}", link.startswith(f"http://127.0.0.1:{port}/"), link)
        entry = s.wait_for("history entry", lambda: s.entry_for_link(link), 5)
        s.require("the history has the upload", entry, f"history {s.history()}")
        s.check_served_png("upload on the fallback port", entry, size=(50, 20))
    finally:
        squatter.close()


if __name__ == "__main__":
    e2e.main("s7_port_taken", body)
