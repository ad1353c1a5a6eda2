"""Benchmark parts 3 and 4: the desktop app under a private X server (run by run.sh inside
`xvfb-run -s "-screen 0 1920x1080x24 -noreset" dbus-run-session --`).

4. start-to-window-shown (1 warm-up start, then N timed), PSS with the window open, PSS after
   BENCH_IDLE_SECS in the tray with the window closed (WM_DELETE_WINDOW, as a window manager
   sends it), summed over every process of this app instance (WebKit helpers included; after
   30 s idle the app has handed over to the tray process, slingshot-tray, and exited).
3. `xdotool key Print` -> a new link on the clipboard, for the app (its own local sandbox) and
   for `scrot -o F && curl -F ... | xclip` to the `slingshot-cli serve` host run.sh started.
4c. The window opened again from the tray (a second `slingshot`): time until its page is drawn,
   and PSS with it open (WebKit's helpers must have started again).
4d. PSS of `slingshot --hidden` (as at login), which becomes the tray process at once. Tray and
   hidden figures come with the main process's PSS split by mapping (the executable, WebKit+JSC,
   GL, heap, other libraries).
4e. PSS of tests/bench/floor.c (--floor): a C program that links GTK 3 and WebKitGTK, calls
   gtk_init and creates nothing, in the same environment: what any such process costs.

Every process started here runs in its own process group and is ended by that id at the end.
Results are appended to --out as JSON lines (see measure.py).
"""

import argparse
import ctypes
import ctypes.util
import glob
import json
import os
import signal
import socket
import subprocess
import sys
import time

from procmem import breakdown, pss_of, pss_pids

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))
from xwin import wm_delete  # noqa: E402  (shared with the e2e scenarios)
BUSD = os.path.join(HERE, "..", "e2e", "busd.py")
SENTINEL = "bench: nothing yet"
HIDDEN_IDLE = 15  # seconds the app started with --hidden settles before its PSS is read
procs = []  # Popen objects we started (each a process-group leader)
markers = []  # SLINGSHOT_DATA_DIR=... of app instances, to end WebKit helpers that left the group


def log(msg):
    print(f"  [gui {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def spawn(args, env, logfile=None):
    out = open(logfile, "ab") if logfile else subprocess.DEVNULL
    p = subprocess.Popen(args, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                         start_new_session=True)
    procs.append(p)
    return p


def stop(p):
    for sig, wait in ((signal.SIGTERM, 5), (signal.SIGKILL, 5)):
        try:
            os.killpg(p.pid, sig)
        except ProcessLookupError:
            break
        try:
            p.wait(timeout=wait)
            break
        except subprocess.TimeoutExpired:
            continue
    try:
        os.killpg(p.pid, signal.SIGKILL)  # helpers left in the group after the leader exited
    except (ProcessLookupError, PermissionError):
        pass


def pids_with_env(marker):
    """Pids whose environment holds `marker` (e.g. SLINGSHOT_DATA_DIR=...): the app's strays."""
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            with open(f"/proc/{pid}/environ", "rb") as f:
                if marker.encode() in f.read().split(b"\0"):
                    found.append(int(pid))
        except OSError:
            pass
    return found


def pss_env(marker, app_bin):
    """-> (PSS MB, RSS MB, parts, main pid, main binary) over every process of an app instance;
    the main process is the tray process when it runs, else the app."""
    pids = pids_with_env(marker)
    names = {}
    for pid in pids:
        try:
            with open(f"/proc/{pid}/comm", encoding="utf-8") as f:
                names[pid] = f.read().strip()
        except OSError:
            pass
    main = next((p for p, n in names.items() if n == "slingshot-tray"), None)
    main = main or next((p for p, n in names.items() if n == "slingshot"), None)
    binary = os.path.join(os.path.dirname(app_bin), names.get(main, "slingshot"))
    pss, rss, parts = pss_pids(pids)
    return pss, rss, parts, main, binary


def kill_env(marker):
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid in pids_with_env(marker):
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass
        time.sleep(0.5)


def poll(pred, timeout, interval=0.02):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        v = pred()
        if v:
            return v
        time.sleep(interval)
    return None


def out_of(args, timeout=5):
    try:
        r = subprocess.run(args, capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return ""
    return r.stdout.decode(errors="replace").strip() if r.returncode == 0 else ""


def visible_window():
    ids = out_of(["xdotool", "search", "--onlyvisible", "--name", "^Slingshot$"]).split()
    return ids[0] if ids else None


def clipboard():
    return out_of(["xclip", "-o", "-selection", "clipboard"], timeout=2)


def set_clipboard(text, env):
    p = subprocess.Popen(["xclip", "-selection", "clipboard", "-quiet"], env=env, stdin=subprocess.PIPE,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    procs.append(p)
    p.stdin.write(text.encode())
    p.stdin.close()
    if not poll(lambda: clipboard() == text, 5):
        sys.exit("gui: cannot set the clipboard")


def new_link():
    c = clipboard()
    return c if c.startswith("http://127.0.0.1") else None


def drawn(win, png):
    """The number of colours in `win`'s content when the page looks drawn (text and buttons,
    not a blank or single-colour window), else None."""
    try:
        subprocess.run(["/usr/bin/import", "-silent", "-window", str(win), png], timeout=10, check=True,
                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        n = int(out_of(["/usr/bin/identify", "-format", "%k", png], timeout=10) or 0)
    except (subprocess.SubprocessError, ValueError):
        return None
    return n if n >= 50 else None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--bin", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--background", required=True)
    ap.add_argument("--host", required=True, help="base URL of the slingshot-cli serve host")
    ap.add_argument("--starts", type=int, default=3)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--idle", type=int, default=60)
    ap.add_argument("--floor", help="tests/bench/floor.c built: the floor of a GTK + WebKitGTK process")
    a = ap.parse_args()
    key = os.environ["SLINGSHOT_HOST_KEY"]
    results = []

    env = dict(os.environ)
    data = os.path.join(a.work, "app-data")
    env.update({
        "SLINGSHOT_CONFIG_DIR": os.path.join(a.work, "app-config"),
        "SLINGSHOT_DATA_DIR": data,
        "SLINGSHOT_NO_KEYRING": "1",
        "NO_AT_BRIDGE": "1",
        # Xvfb has no GPU: the same software rendering settings as the e2e tests.
        "LIBGL_ALWAYS_SOFTWARE": "1",
        "WEBKIT_DISABLE_DMABUF_RENDERER": "1",
        "WEBKIT_DISABLE_COMPOSITING_MODE": "1",
    })
    marker = f"SLINGSHOT_DATA_DIR={data}"
    markers.append(marker)
    for d in ("app-config", "app-data", "bus"):
        os.makedirs(os.path.join(a.work, d), exist_ok=True)

    # A real photo on the root window, so captures are realistic PNGs (-noreset keeps it).
    # (ImageMagick 6's `display -window root` exits 1 even when it worked: the PNG sizes show it.)
    subprocess.run(["display", "-window", "root", a.background], timeout=60, stdin=subprocess.DEVNULL)
    bus = os.path.join(a.work, "bus")
    spawn(["/usr/bin/python3", BUSD, "--dir", bus], env, os.path.join(a.work, "busd.log"))
    if not poll(lambda: os.path.exists(os.path.join(bus, "ready")), 15, 0.1):
        sys.exit("gui: busd.py (notification and tray stand-ins) did not start")

    # ---- 4. start-up to window shown (first start is an untimed warm-up and first-run setup)
    starts = []
    app = None
    for i in range(a.starts + 1):
        t0 = time.monotonic()
        app = spawn([a.bin], env, os.path.join(a.work, "app.log"))
        win = poll(visible_window, 60)
        dt = time.monotonic() - t0
        if not win:
            sys.exit(f"gui: the app window did not appear in 60 s; see {a.work}/app.log")
        log(f"start {i}: window {win} after {dt:.3f} s" + (" (warm-up)" if i == 0 else ""))
        if i > 0:
            starts.append(dt)
        if i < a.starts:
            stop(app)
            kill_env(marker)
            time.sleep(0.5)
    results.append({"key": "app_start", "wall": starts})

    port_file = os.path.join(data, "sandbox", "port")

    def sandbox_up():
        try:
            with open(port_file, encoding="utf-8") as f:
                socket.create_connection(("127.0.0.1", int(f.read().strip())), timeout=1).close()
            return True
        except (OSError, ValueError):
            return False

    if not poll(sandbox_up, 30, 0.1):
        sys.exit("gui: the app's local sandbox does not listen")
    time.sleep(5)  # let the page finish loading and settle before measuring the open window
    pss_open, rss_open, parts_open = pss_of(app.pid)
    results.append({"key": "pss_window_open", "values": [pss_open], "text": parts_open})
    log(f"window open: PSS {pss_open:.1f} MB (RSS {rss_open:.1f} MB): {parts_open}")

    wm_delete(win)
    if not poll(lambda: not visible_window(), 10, 0.1):
        sys.exit("gui: the window did not close on WM_DELETE_WINDOW")
    if app.poll() is not None:
        sys.exit("gui: the app exited when its window was closed (it should stay in the tray)")
    log(f"window closed; idling {a.idle} s in the tray")
    time.sleep(a.idle)
    pss_idle, rss_idle, parts_idle, main, binary = pss_env(marker, a.bin)
    split = breakdown(main, binary) if main else "n/a"
    results.append({"key": "pss_tray_idle", "values": [pss_idle], "text": parts_idle, "split": split})
    results.append({"key": "rss_tray_idle", "values": [rss_idle]})
    log(f"tray idle: PSS {pss_idle:.1f} MB (RSS sum {rss_idle:.1f} MB): {parts_idle}; main process: {split}")

    # ---- 3. hotkey -> link on the clipboard
    subprocess.run(["xdotool", "mousemove", "960", "540"], check=True)
    captures = os.path.join(data, "captures")
    app_times, app_sizes = [], []
    for i in range(a.runs + 1):
        set_clipboard(SENTINEL, env)
        t0 = time.monotonic()
        subprocess.run(["xdotool", "key", "Print"], check=True)
        link = poll(new_link, 30, 0.005)
        dt = time.monotonic() - t0
        if not link:
            sys.exit(f"gui: Print gave no link within 30 s; see {a.work}/app.log")
        newest = max(glob.glob(os.path.join(captures, "*.png")), key=os.path.getmtime)
        log(f"app hotkey {i}: {dt:.3f} s, {link}, {os.path.getsize(newest)} bytes" + (" (warm-up)" if i == 0 else ""))
        if i > 0:
            app_times.append(dt)
            app_sizes.append(os.path.getsize(newest) / 1e6)
        time.sleep(1.5)  # let the notification and history writes finish
    results.append({"key": "hotkey_app", "wall": app_times})
    results.append({"key": "png_app", "values": app_sizes})

    shot = os.path.join(a.work, "scrot.png")
    url = a.host.rstrip("/") + "/api/1/upload"
    pipeline = (f"scrot -o {shot} && curl -sS -H 'X-API-Key: {key}' -F format=txt -F source=@{shot} "
                f"{url} | xclip -selection clipboard")
    pipe_times, pipe_sizes = [], []
    for i in range(a.runs + 1):
        set_clipboard(SENTINEL, env)
        t0 = time.monotonic()
        p = subprocess.Popen(["/bin/sh", "-c", pipeline], env=env, stdin=subprocess.DEVNULL,
                             start_new_session=True)
        link = poll(new_link, 30, 0.005)
        dt = time.monotonic() - t0
        p.wait(timeout=30)
        if not link:
            sys.exit("gui: the scrot | curl | xclip pipeline gave no link")
        log(f"pipeline {i}: {dt:.3f} s, {link}, {os.path.getsize(shot)} bytes" + (" (warm-up)" if i == 0 else ""))
        if i > 0:
            pipe_times.append(dt)
            pipe_sizes.append(os.path.getsize(shot) / 1e6)
    results.append({"key": "hotkey_pipeline", "wall": pipe_times})
    results.append({"key": "png_pipeline", "values": pipe_sizes})

    # ---- 4c. the window opens again from the tray. The app has handed over to the tray process
    # (slingshot-tray), which starts the app again for the window: a cold start of the page.
    t0 = time.monotonic()
    spawn([a.bin], env, os.path.join(a.work, "app.log"))  # a second instance shows the window
    win = poll(visible_window, 60)
    if not win:
        sys.exit(f"gui: the window did not open again from the tray; see {a.work}/app.log")
    colours = poll(lambda: drawn(win, os.path.join(a.work, "reopen.png")), 30, 0.2)
    dt = time.monotonic() - t0
    if not colours:
        sys.exit(f"gui: the reopened window stayed blank; see {a.work}/app.log")
    time.sleep(3)
    pss_re, _, parts_re, _, _ = pss_env(marker, a.bin)
    log(f"reopened: drawn after {dt:.3f} s ({colours} colours), PSS {pss_re:.1f} MB: {parts_re}")
    results.append({"key": "reopen", "wall": [dt], "values": [pss_re],
                    "text": f"page drawn ({colours} colours); PSS {pss_re:.1f} MiB: {parts_re}"})

    # ---- 4d. `slingshot --hidden` (as at login): it becomes the tray process at once
    stop(app)
    kill_env(marker)
    time.sleep(0.5)
    app = spawn([a.bin, "--hidden"], env, os.path.join(a.work, "app.log"))
    time.sleep(HIDDEN_IDLE)
    if app.poll() is not None:
        sys.exit(f"gui: the app started with --hidden exited; see {a.work}/app.log")
    pss_h, _, parts_h, main, binary = pss_env(marker, a.bin)
    split = breakdown(main, binary) if main else "n/a"
    log(f"started hidden, {HIDDEN_IDLE} s: PSS {pss_h:.1f} MB: {parts_h}; main process: {split}")
    results.append({"key": "pss_hidden", "values": [pss_h], "text": parts_h, "split": split})
    stop(app)

    # ---- 4e. any process that links GTK 3 and WebKitGTK and calls gtk_init (floor.c), same setup
    if a.floor:
        fl = spawn([a.floor], env)
        time.sleep(HIDDEN_IDLE)
        pss_f, _, _ = pss_of(fl.pid)
        split = breakdown(fl.pid, a.floor)
        log(f"floor.c (gtk_init, WebKitGTK linked, nothing created): PSS {pss_f:.1f} MB: {split}")
        results.append({"key": "pss_floor", "values": [pss_f], "split": split})
        stop(fl)

    with open(a.out, "a", encoding="utf-8") as f:
        for r in results:
            f.write(json.dumps(r) + "\n")


if __name__ == "__main__":
    # run.sh's trap ends our process group with SIGTERM: exit through `finally` so the app
    # (in its own session) is ended too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        main()
    finally:
        for p in reversed(procs):
            stop(p)
        for m in markers:
            kill_env(m)
