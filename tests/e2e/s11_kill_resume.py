"""Scenario 11: the app is killed (SIGKILL) in the middle of an upload; started again, it resumes
the job and completes it.

The default profile points at a 127.0.0.1 port where a server accepts the request and never
answers, so the upload stays in flight. `slingshot FILE` hands a file to the running app; once
the history shows the entry "uploading", the app's whole process group gets SIGKILL. The stalling
server goes away and `slingshot-cli serve` takes its port. The app starts again: its queue worker
takes over the entry left by the dead process and sends it. Checks: the same history entry (one
row for the file) ends "uploaded" after 2 attempts, its link is on the clipboard and serves the
file, the original file is untouched, and the history database passes PRAGMA integrity_check.
"""

import os
import signal
import socket
import sqlite3
import threading

import e2e

KEY = "chv_test_key"
SETTINGS = """default_profile = "flaky"

[[profiles]]
name = "flaky"
base_url = "http://127.0.0.1:{port}"
key_mode = "header"

[profiles.defaults]
copy = "url"
"""


class Staller:
    """Accepts connections on a port, reads whatever comes, never answers."""

    def __init__(self, port):
        self.sock = socket.create_server(("127.0.0.1", port))
        self.conns = []
        self.bytes = 0
        self.done = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while not self.done:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            self.conns.append(c)
            threading.Thread(target=self._read, args=(c,), daemon=True).start()

    def _read(self, c):
        while True:
            try:
                data = c.recv(65536)
            except OSError:
                return
            if not data:
                return
            self.bytes += len(data)

    def close(self):
        self.done = True
        self.sock.close()
        for c in self.conns:
            try:
                c.close()
            except OSError:
                pass


def entries_for(s, path):
    return [e for e in s.history() if e.get("local_path") == path]


def body(s):
    port = e2e.free_port()
    base = f"http://127.0.0.1:{port}"
    with open(os.path.join(s.config_dir, "settings.toml"), "w", encoding="utf-8") as f:
        f.write(SETTINGS.format(port=port))
    s.env["SLINGSHOT_API_KEY"] = KEY
    staller = Staller(port)
    s.cleanups.append(staller.close)

    s.start_bus_services()
    app = s.start_app(["--hidden"], label="app1")
    def owns_name():
        names = s.run(["dbus-send", "--session", "--print-reply", "--dest=org.freedesktop.DBus",
                       "/org/freedesktop/DBus", "org.freedesktop.DBus.ListNames"]).stdout.decode(errors="replace")
        return app.poll() is None and "SingleInstance" in names

    s.require("the app starts and owns its single-instance name", s.wait_for("single-instance name", owns_name, 30),
              s.tail("app1"))

    path = os.path.join(s.tmp, "kill-me.png")
    original = e2e.make_png(path, 640, 360, rgb=(30, 160, 90))
    r = s.run([e2e.BIN, path], timeout=30)
    s.check("`slingshot FILE` hands the file to the running app", r.returncode == 0,
            f"exit {r.returncode}: {r.stderr.decode(errors='replace')[-1500:]}")

    def uploading():
        es = [e for e in entries_for(s, path) if e.get("status") == "uploading"]
        return es[0] if es and staller.bytes > 0 else None

    entry = s.wait_for("the entry is being uploaded to the stalling server", uploading, 30)
    s.require("the history shows the file 'uploading' while the server stalls", entry,
              f"history {s.history()}, bytes received {staller.bytes}")
    s.log(f"entry #{entry['id']} uploading, attempts {entry.get('attempts')}; killing the app")
    os.killpg(app.pid, signal.SIGKILL)
    app.wait(timeout=10)
    s.check("the app died from SIGKILL", app.returncode == -signal.SIGKILL, f"returncode {app.returncode}")
    after = entries_for(s, path)
    s.check("after the kill the entry is still there, still 'uploading'",
            len(after) == 1 and after[0].get("status") == "uploading", f"{after}")

    staller.close()
    store = os.path.join(s.tmp, "server-data")
    os.makedirs(store)
    host = s.spawn("host", [e2e.CLI, "serve", "--addr", f"127.0.0.1:{port}", "--data", store],
                   env=dict(s.env, SLINGSHOT_HOST_KEY=KEY))
    up = s.wait_for("the host answers", lambda: host.poll() is None and e2e.http_get(base + "/", timeout=3)[0], 20)
    s.require(f"slingshot-cli serve answers on {base}", up, s.tail("host"))

    s.start_app(["--hidden"], label="app2")

    def link():
        c = s.clipboard()
        return c if c and c.startswith(base + "/") else None

    copied = s.wait_for("the resumed upload's link on the clipboard", link, 40)
    s.require("the restarted app resumes the job and copies its link", copied,
              f"clipboard {s.clipboard()!r}; history {s.history()}; app2 log:\n{s.tail('app2')}")
    done = entries_for(s, path)
    s.check("one history entry for the file, the same one, now 'uploaded' after 2 attempts",
            len(done) == 1 and done[0].get("id") == entry["id"] and done[0].get("status") == "uploaded"
            and done[0].get("attempts") == 2, f"{done}")
    status, _, served = e2e.http_get(copied)
    s.check("the link serves the file", status == 200 and served == original,
            f"HTTP {status}, {len(served)} bytes (file has {len(original)})")
    with open(path, "rb") as f:
        s.check("the original file is untouched", f.read() == original)
    db = sqlite3.connect(os.path.join(s.data_dir, "history.db"))
    try:
        (check,) = db.execute("PRAGMA integrity_check").fetchone()
    finally:
        db.close()
    s.check("the history database passes PRAGMA integrity_check", check == "ok", check)


if __name__ == "__main__":
    e2e.main("s11_kill_resume", body)
