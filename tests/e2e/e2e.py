"""Shared harness for the end-to-end scenarios (tests/e2e/s*.py).

Each scenario runs inside its own `xvfb-run ... dbus-run-session --` (see run.sh), so it has a
private X display and session bus. A `Scenario` gives it fresh config/data dirs, starts the
stand-in desktop services (busd.py), the app, and whatever else it needs, tracks every process it
started and ends exactly those (by their own process group id) when the scenario finishes.

Results are printed one per line as `PASS: <check>` or `FAIL: <check>: <why>`; run.sh counts them.
Readiness is always polled (files, sockets, windows, clipboard), never waited for with long sleeps.
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback

from helpers import free_port, http_get, make_png, png_size, uploaded_urls  # noqa: F401 (re-exported)

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
TARGET = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
BIN = os.path.join(TARGET, "debug", "slingshot")
CLI = os.path.join(TARGET, "debug", "slingshot-cli")
TAURI_DRIVER = os.path.join(TARGET, "e2e-tools", "bin", "tauri-driver")
ARTIFACTS = os.path.join(TARGET, "e2e-artifacts")
HERE = os.path.dirname(os.path.abspath(__file__))
PY = sys.executable
SCREEN = (1920, 1080)  # run.sh starts Xvfb with this screen size


class CheckFailed(Exception):
    """A `require` that failed: the scenario cannot go on."""


class Scenario:
    """One scenario's environment, processes and check results."""

    def __init__(self, name):
        self.name = name
        self.passed = 0
        self.failed = 0
        self.procs = []  # (label, Popen, log path)
        self.app_label = "app"  # whose log holds the app's output (tauri-driver's in s3)
        self.cleanups = []  # callables run first by finish() (e.g. closing a WebDriver session)
        os.makedirs(ARTIFACTS, exist_ok=True)
        self.tmp = tempfile.mkdtemp(prefix=f"slingshot-e2e-{name}-")
        self.config_dir = os.path.join(self.tmp, "config")
        self.data_dir = os.path.join(self.tmp, "data")
        self.bus_dir = os.path.join(self.tmp, "bus")
        for d in (self.config_dir, self.data_dir, self.bus_dir):
            os.makedirs(d)
        self.env = dict(os.environ)
        self.env.update({
            "SLINGSHOT_CONFIG_DIR": self.config_dir,
            "SLINGSHOT_DATA_DIR": self.data_dir,
            "SLINGSHOT_NO_KEYRING": "1",
            "RUST_LOG": os.environ.get("RUST_LOG", "info"),
            "RUST_BACKTRACE": "1",
            "NO_COLOR": "1",
            "NO_AT_BRIDGE": "1",  # no accessibility bus: less to start, nothing to wait for
            # The app stays itself when idle; s12 tests leaving for the tray process.
            "SLINGSHOT_TRAY_AFTER": "0",
            # Xvfb has no GPU: software GL, and WebKitGTK's DMA-BUF renderer off (it needs one).
            "LIBGL_ALWAYS_SOFTWARE": "1",
            "WEBKIT_DISABLE_DMABUF_RENDERER": "1",
            "WEBKIT_DISABLE_COMPOSITING_MODE": "1",
        })
        for var in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
            self.env.pop(var, None)
        self.env["NO_PROXY"] = self.env["no_proxy"] = "127.0.0.1,localhost"
        self.log(f"scenario {name}: dirs under {self.tmp}, DISPLAY={os.environ.get('DISPLAY')}")

    # ----- reporting -----

    def log(self, msg):
        print(f"  [{time.strftime('%H:%M:%S')}] {msg}", flush=True)

    def check(self, what, ok, detail=""):
        """Records one check; returns `ok` so a scenario can branch on it."""
        if ok:
            self.passed += 1
            print(f"PASS: {self.name}: {what}", flush=True)
        else:
            self.failed += 1
            print(f"FAIL: {self.name}: {what}: {detail}", flush=True)
        return bool(ok)

    def require(self, what, ok, detail=""):
        """Like `check`, but stops the scenario when it fails (later checks would be noise)."""
        if not self.check(what, ok, detail):
            raise CheckFailed(what)

    # ----- processes -----

    def spawn(self, label, args, env=None, log=True, **kw):
        """Starts a tracked process in its own process group, output to <tmp>/<label>.log."""
        path = os.path.join(self.tmp, f"{label}.log")
        out = open(path, "ab") if log else subprocess.DEVNULL
        p = subprocess.Popen(args, env=env or self.env, stdout=out, stderr=subprocess.STDOUT,
                             stdin=subprocess.DEVNULL, start_new_session=True, **kw)
        self.procs.append((label, p, path if log else None))
        self.log(f"started {label} (pid {p.pid}): {' '.join(args)}")
        return p

    def stop(self, proc, grace=5.0):
        """SIGTERM to the process group we created for it, then SIGKILL after `grace` seconds."""
        if proc.poll() is None:
            for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5.0)):
                try:
                    os.killpg(proc.pid, sig)
                except ProcessLookupError:
                    break
                try:
                    proc.wait(timeout=wait)
                    break
                except subprocess.TimeoutExpired:
                    continue
        # A group can outlive its leader (e.g. WebKit helpers); make sure none is left.
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass

    def run(self, args, timeout=30, env=None, input_bytes=None):
        """Runs a short command to completion -> CompletedProcess (stdout/stderr as text)."""
        return subprocess.run(args, env=env or self.env, capture_output=True, timeout=timeout,
                              input=input_bytes, start_new_session=True)

    def wait_for(self, what, pred, timeout, interval=0.2):
        """Polls `pred` until it returns something truthy (returned) or `timeout` passes (None)."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                value = pred()
            except Exception:  # a predicate failing early (file not there yet) means "not yet"
                value = None
            if value:
                return value
            if time.monotonic() > deadline:
                self.log(f"gave up waiting {timeout}s for {what}")
                return None
            time.sleep(interval)

    # ----- desktop services -----

    def start_bus_services(self, watcher=True):
        """Starts busd.py (notification sink, StatusNotifierWatcher) and waits for it."""
        args = [PY, os.path.join(HERE, "busd.py"), "--dir", self.bus_dir]
        if not watcher:
            args.append("--no-watcher")
        p = self.spawn("busd", args)
        ok = self.wait_for("busd ready", lambda: os.path.exists(os.path.join(self.bus_dir, "ready")) or
                           p.poll() is not None, 10)
        self.require("notification sink and tray watcher own their bus names",
                     ok and p.poll() is None, self.tail("busd"))

    def notifications(self):
        return self._jsonl(os.path.join(self.bus_dir, "notifications.jsonl"))

    def sni_registrations(self):
        return self._jsonl(os.path.join(self.bus_dir, "sni.jsonl"))

    @staticmethod
    def _jsonl(path):
        if not os.path.exists(path):
            return []
        with open(path, encoding="utf-8") as f:
            return [json.loads(line) for line in f if line.strip()]

    # ----- the app -----

    def start_app(self, args=(), label="app"):
        self.app = self.spawn(label, [BIN, *args])
        return self.app

    def start_app_webdriver(self):
        """Starts tauri-driver, which starts the app through WebKitWebDriver. -> selenium driver.
        The app inherits tauri-driver's environment, i.e. this scenario's dirs; its output goes
        to tauri-driver's log."""
        from selenium import webdriver
        from selenium.webdriver.common.options import ArgOptions

        self.app_label = "tauri-driver"
        port, native = free_port(), free_port()
        self.spawn("tauri-driver", [TAURI_DRIVER, "--port", str(port), "--native-port", str(native)])
        self.require("tauri-driver listens", self.wait_for("tauri-driver", lambda: self.port_open(port), 15),
                     self.tail("tauri-driver"))
        opts = ArgOptions()
        opts.set_capability("browserName", "wry")
        opts.set_capability("tauri:options", {"application": BIN})
        driver = webdriver.Remote(command_executor=f"http://127.0.0.1:{port}", options=opts)
        self.cleanups.append(driver.quit)
        self.log(f"WebDriver session {driver.session_id}")
        driver.implicitly_wait(0)
        return driver

    def sandbox_port(self):
        path = os.path.join(self.data_dir, "sandbox", "port")
        with open(path, encoding="utf-8") as f:
            return int(f.read().strip())

    def port_open(self, port):
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True

    def find_window(self, visible=True):
        args = ["xdotool", "search"] + (["--onlyvisible"] if visible else []) + ["--name", "^Slingshot$"]
        r = self.run(args, timeout=5)
        ids = r.stdout.decode().split()
        return ids[0] if ids else None

    def wait_app_ready(self, timeout=60):
        """Waits until the app's window is mapped and its sandbox host answers. -> window id."""
        app = getattr(self, "app", None)  # None when something else (tauri-driver) started it
        state = {"window": None, "port": None, "listening": False}

        def ready():
            if app is not None and app.poll() is not None:
                return "exited"
            state["window"] = state["window"] or self.find_window()
            try:
                state["port"] = self.sandbox_port()
                state["listening"] = self.port_open(state["port"])
            except (OSError, ValueError):
                state["listening"] = False
            return state["window"] if state["window"] and state["listening"] else None

        win = self.wait_for("app window and sandbox host", ready, timeout)
        self.require("app starts: window mapped and sandbox host listening", win and win != "exited",
                     f"exit code {app.poll() if app else '?'}, window {state['window']}, sandbox port file "
                     f"{state['port']}, listening {state['listening']}")
        self.window = win
        self.wait_painted(win)
        return win

    def colours(self, win):
        """How many distinct colours the window shows now (1 = blank, not painted yet)."""
        shot = self.run(["import", "-window", str(win), "png:-"], timeout=10)
        if shot.returncode != 0:
            return 0
        r = self.run(["identify", "-format", "%k", "png:-"], timeout=10, input_bytes=shot.stdout)
        return int(r.stdout.decode().strip() or 0) if r.returncode == 0 else 0

    def wait_painted(self, win, timeout=20):
        """Waits until the webview has drawn the page (text means many colours), so screenshots
        and keyboard input meet a page and not a blank window."""
        ok = self.wait_for("window painted", lambda: self.colours(win) > 32, timeout, interval=0.3)
        self.check("the window shows its page (not blank)", ok, f"{self.colours(win)} colours")

    def tail(self, label, lines=40):
        path = os.path.join(self.tmp, f"{label}.log")
        try:
            with open(path, encoding="utf-8", errors="replace") as f:
                return "".join(f.readlines()[-lines:])
        except OSError:
            return "(no log)"

    # ----- X11 helpers -----

    def clipboard(self):
        """Text on the CLIPBOARD selection, or None. The owner (the app) must stay alive to serve it."""
        try:
            r = self.run(["xclip", "-o", "-selection", "clipboard"], timeout=3)
        except subprocess.TimeoutExpired:
            return None
        return r.stdout.decode(errors="replace").strip() if r.returncode == 0 else None

    def set_clipboard(self, text):
        """Puts `text` on the CLIPBOARD with a tracked xclip that serves it until someone else owns it."""
        p = subprocess.Popen(["xclip", "-selection", "clipboard", "-quiet"], env=self.env,
                             stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             start_new_session=True)
        p.stdin.write(text.encode())
        p.stdin.close()
        self.procs.append(("xclip", p, None))
        self.wait_for("clipboard set", lambda: self.clipboard() == text, 5)

    def wait_clipboard_url(self, timeout=20, not_equal=None):
        """Polls the clipboard until it holds an http://127.0.0.1 URL different from `not_equal`."""
        def got():
            c = self.clipboard()
            if c and c.startswith("http://127.0.0.1") and c != not_equal:
                return c
            return None
        return self.wait_for("a link on the clipboard", got, timeout, interval=0.25)

    def screenshot(self, name=None):
        path = os.path.join(ARTIFACTS, f"{name or self.name}.png")
        r = self.run(["import", "-window", "root", path], timeout=20)
        if r.returncode == 0:
            self.log(f"screenshot saved: {path}")
        else:
            self.log(f"screenshot failed: {r.stderr.decode(errors='replace')}")
        return path

    # ----- history (through the CLI, same env) -----

    def history(self):
        r = self.run([CLI, "history", "--json", "--limit", "100"], timeout=30)
        if r.returncode != 0:
            self.log(f"slingshot-cli history failed: {r.stderr.decode(errors='replace')}")
            return []
        return json.loads(r.stdout.decode() or "[]")

    def entry_for_link(self, link):
        """The history entry that has `link` among its URLs, or None."""
        for e in self.history():
            if link in uploaded_urls(e):
                return e
        return None

    def check_served_png(self, what, entry, size=None):
        """Fetches the entry's direct image URL and checks it is a PNG (of `size`, if given)."""
        up = (entry or {}).get("uploaded") or {}
        url = up.get("url") or (entry or {}).get("url")
        if not self.check(f"{what}: history has a direct image URL", bool(url), json.dumps(entry)[:800]):
            return None
        status, headers, body = http_get(url)
        dims = png_size(body)
        self.check(f"{what}: {url} serves a PNG", status == 200 and dims is not None,
                   f"HTTP {status}, {len(body)} bytes, content-type {headers.get('Content-Type')}")
        if size is not None:
            self.check(f"{what}: served PNG is {size[0]}x{size[1]}", dims == tuple(size), f"got {dims}")
        return body

    def strays(self):
        """Pids of app processes that use THIS scenario's data dir (e.g. started by WebKitWebDriver)."""
        mine = f"SLINGSHOT_DATA_DIR={self.data_dir}".encode()
        pids = []
        for pid in os.listdir("/proc"):
            if not pid.isdigit():
                continue
            try:
                with open(f"/proc/{pid}/environ", "rb") as f:
                    env = f.read().split(b"\0")
            except OSError:
                continue
            if mine in env and int(pid) != os.getpid():
                pids.append(int(pid))
        return pids

    def kill_strays(self):
        for sig in (signal.SIGTERM, signal.SIGKILL):
            pids = self.strays()
            if not pids:
                return
            self.log(f"ending leftover processes of this scenario: {pids}")
            for pid in pids:
                try:
                    os.kill(pid, sig)
                except ProcessLookupError:
                    pass
            self.wait_for("leftovers gone", lambda: not self.strays(), 5)

    # ----- ending -----

    def finish(self):
        """Stops everything started (newest first), keeps logs as artifacts. -> exit code."""
        for fn in reversed(self.cleanups):
            try:
                fn()
            except Exception as e:  # cleanup must go on
                self.log(f"cleanup {fn} failed: {e}")
        for label, p, _ in reversed(self.procs):
            self.stop(p)
        self.kill_strays()
        for label, _, path in self.procs:
            if path and os.path.exists(path):
                shutil.copy(path, os.path.join(ARTIFACTS, f"{self.name}.{label}.log"))
        if self.failed == 0:
            shutil.rmtree(self.tmp, ignore_errors=True)
        else:
            self.log(f"kept {self.tmp} for inspection; logs in {ARTIFACTS}/{self.name}.*.log")
        print(f"scenario {self.name}: {self.passed} passed, {self.failed} failed", flush=True)
        return 1 if self.failed else 0


def main(name, body):
    """Runs `body(scenario)` and always cleans up; unexpected errors count as one failed check."""
    s = Scenario(name)
    try:
        body(s)
    except CheckFailed:
        s.screenshot(f"{name}.failed")
    except Exception:
        s.check("scenario ran to the end", False, traceback.format_exc())
        s.screenshot(f"{name}.failed")
    finally:
        if s.failed:
            s.log(f"app log tail:\n{s.tail(s.app_label)}")
        code = s.finish()
    sys.exit(code)
