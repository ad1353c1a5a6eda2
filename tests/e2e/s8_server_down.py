"""Scenario 8: the default server is down at startup and when the Print hotkey uploads: the capture
is queued and goes out by itself once the server answers.

settings.toml names a profile `down` (the default) whose base_url is a closed 127.0.0.1 port; its
key comes from SLINGSHOT_API_KEY. The app is started through tauri-driver (so the History view
can be driven later) and must open all the same. Then:
1. `xdotool key Print`: the upload cannot go out, but the capture is on disk first: a new
   1920x1080 PNG in <data>/captures; the history has a queued ("pending") entry with error_kind
   "network", a next attempt time and that PNG as local_path; no link reaches the clipboard; an
   "Upload queued" notification says why; the History view shows it with Retry now / Cancel.
2. A `slingshot-cli serve` host starts on that same port; without anyone touching anything the
   queue worker sends the same history entry: it becomes "uploaded" (same id, one entry for that
   local_path), and the direct link (copy = "url") on the clipboard serves the 1920x1080 PNG.
"""

import glob
import os

import e2e
from selenium.webdriver.common.by import By

KEY = "chv_test_key"
MARKER = "e2e: nothing uploaded yet"

SETTINGS = """default_profile = "down"

[[profiles]]
name = "down"
base_url = "http://127.0.0.1:{port}"
key_mode = "header"
allow_insecure_http = false

[profiles.defaults]
copy = "url"
"""


def pngs(s):
    return set(glob.glob(os.path.join(s.data_dir, "captures", "*.png")))


def listening(s, port):
    try:
        return s.port_open(port)
    except OSError:
        return False


def queued_entry(s, path):
    for e in s.history():
        if e.get("status") == "pending" and e.get("local_path") == path and e.get("error_kind"):
            return e
    return None


def body(s):
    port = e2e.free_port()  # bound then closed: nothing listens there now
    s.require(f"port {port} is closed before the app starts", not listening(s, port), "something listens there")
    base = f"http://127.0.0.1:{port}"
    with open(os.path.join(s.config_dir, "settings.toml"), "w", encoding="utf-8") as f:
        f.write(SETTINGS.format(port=port))
    s.env["SLINGSHOT_API_KEY"] = KEY  # the KeyStore reads it before the keyring and keys.toml
    shown = s.run([e2e.CLI, "config", "show"])
    out = shown.stdout.decode(errors="replace")
    s.require("slingshot-cli config show reads the settings (profile down, key from SLINGSHOT_API_KEY)",
              shown.returncode == 0 and base in out and "SLINGSHOT_API_KEY" in out and KEY not in out,
              f"exit {shown.returncode}: {out[:1500]} {shown.stderr.decode(errors='replace')[:800]}")

    s.start_bus_services()
    driver = s.start_app_webdriver()
    s.wait_app_ready()
    profiles = s.wait_for("server list", lambda: [o.text for o in driver.find_elements(
        By.CSS_SELECTOR, "#opt-profile option")], 15)
    s.check("the window opens with the unreachable server in its server list",
            profiles and any("down" in p.lower() or str(port) in p for p in profiles), f"options {profiles}")

    # 1. Print with the server down (still: nothing the scenario started took the port meanwhile).
    s.require(f"port {port} is still closed", not listening(s, port), "something listens there now")
    before = pngs(s)
    s.set_clipboard(MARKER)
    s.run(["xdotool", "mousemove", "960", "540"])
    s.run(["xdotool", "key", "Print"])

    def new_capture():
        new = sorted(pngs(s) - before)
        if not new:
            return None
        with open(new[0], "rb") as f:
            return new[0] if e2e.png_size(f.read(24)) else None

    capture = s.wait_for("a new PNG in the captures dir", new_capture, 20)
    s.require("Print saves a new PNG in <data>/captures although the server is down", capture,
              f"captures dir holds {sorted(pngs(s))}")
    with open(capture, "rb") as f:
        dims = e2e.png_size(f.read())
    s.check(f"the saved capture {os.path.basename(capture)} is {e2e.SCREEN[0]}x{e2e.SCREEN[1]}",
            dims == e2e.SCREEN, f"got {dims}")
    entry = s.wait_for("a queued history entry for the capture", lambda: queued_entry(s, capture), 20)
    s.require("the history has a queued ('pending') entry whose local_path is the capture", entry,
              f"history: {s.history()}")
    s.log(f"queued entry: kind={entry.get('error_kind')!r} error={entry.get('error')!r} "
          f"attempts={entry.get('attempts')} next={entry.get('next_attempt_at')!r}")
    s.check("the queued entry's error_kind is 'network'", entry.get("error_kind") == "network",
            f"{entry.get('error_kind')!r}: {entry.get('error')!r}")
    s.check("the queued entry says when it is tried next", bool(entry.get("next_attempt_at")), f"{entry}")
    clip = s.clipboard()
    s.check("no link reaches the clipboard (it still holds what was there)",
            clip == MARKER and not (clip or "").startswith("http"), f"clipboard holds {clip!r}")

    def queued_note():
        return [n for n in s.notifications() if n["summary"].lower().startswith("upload queued")]

    notes = s.wait_for("an 'Upload queued' notification", queued_note, 10) or []
    for n in s.notifications():
        s.log(f"notification: summary={n['summary']!r} body={n['body']!r}")
    s.check("an 'Upload queued' notification is shown (once)", len(notes) == 1, f"notifications: {s.notifications()}")
    if notes:
        why = notes[0]["body"].lower()
        s.check("the notification says why (could not reach 127.0.0.1) and that it will go out by itself",
                "could not reach" in why and "127.0.0.1" in why and "queued" in why, f"body {notes[0]['body']!r}")

    driver.find_element(By.ID, "tab-history").click()
    tile = f".tile[data-id='{entry['id']}'][data-status='pending']"
    buttons = s.wait_for("the queued tile's buttons", lambda: [b.get_attribute("data-action") for b in
                         driver.find_elements(By.CSS_SELECTOR, tile + " button")], 15) or []
    s.check("the History view shows the queued capture with Retry now and Cancel",
            "retry" in buttons and "cancel" in buttons, f"buttons {buttons}")
    s.screenshot("s8_server_down.server-down")

    # 2. The server comes up on the same port; retry from the History view.
    store = os.path.join(s.tmp, "server-data")
    os.makedirs(store)
    host_env = dict(s.env, SLINGSHOT_HOST_KEY=KEY)
    host = s.spawn("host", [e2e.CLI, "serve", "--addr", f"127.0.0.1:{port}", "--data", store], env=host_env)
    up = s.wait_for("the host answers", lambda: host.poll() is None and e2e.http_get(base + "/", timeout=3)[0], 20)
    s.require(f"slingshot-cli serve answers on {base}", up, s.tail("host"))

    def link():
        c = s.clipboard()
        return c if c and c.startswith(base + "/") else None

    copied = s.wait_for("the queued upload's link on the clipboard", link, 45)
    s.screenshot()
    s.require(f"the queue sends the capture by itself and copies a link served by {base}", copied,
              f"clipboard holds {s.clipboard()!r}; history {s.history()}")
    status, headers, served = e2e.http_get(copied)
    s.check(f"the copied link {copied} serves a {e2e.SCREEN[0]}x{e2e.SCREEN[1]} PNG",
            status == 200 and e2e.png_size(served) == e2e.SCREEN,
            f"HTTP {status}, {len(served)} bytes, size {e2e.png_size(served)}")

    def uploaded():
        return [e for e in s.history() if e.get("status") == "uploaded" and e.get("local_path") == capture]

    done = s.wait_for("an uploaded history entry for the capture", uploaded, 10)
    s.require("the history has an 'uploaded' entry for the same local_path", done, f"history: {s.history()}")
    s.check("it is the same history entry (one row per upload)",
            len(done) == 1 and done[0].get("id") == entry["id"]
            and len([e for e in s.history() if e.get("local_path") == capture]) == 1, f"history: {s.history()}")
    s.check("the uploaded entry has the copied link", copied in e2e.uploaded_urls(done[0]),
            f"urls {e2e.uploaded_urls(done[0])}")
    s.check("the capture is still on disk", os.path.exists(capture), capture)


if __name__ == "__main__":
    e2e.main("s8_server_down", body)
