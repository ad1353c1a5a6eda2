"""Wayland scenario: headless sway, the Screenshot portal, a desktop shortcut, the app's clipboard.

sway refuses to run as root, and everything on one session bus must be one uid, so the compositor,
a private dbus-daemon, PipeWire, the portals (started by D-Bus) and the app all run as uid 65534
(setpriv), from copies of the binaries in a folder that user owns. run.sh's Xvfb stays as a
decoy X display: DISPLAY points at it (the nobody user may connect), so the app *could* use X11.

Checks:
- `slingshot-cli capture --monitor 0` without the app goes through the portal (xdg-desktop-portal-wlr)
  and gives a PNG of the output's size; `SLINGSHOT_CAPTURE_BACKEND=grim` gives the same size.
- The app runs as a native Wayland client (an xdg_shell window in sway's tree, none on Xvfb).
- `swaymsg bindsym --no-repeat Print exec slingshot-cli capture --monitor 0 --upload`; `wtype -k Print`
  fires it; the CLI hands the job to the running app (the app logs it); `wl-paste` then holds an
  http://127.0.0.1 link that serves a PNG of the output's size (the app's local sandbox host).
- The Wayland path never uses the X11 hotkey plugin: the app logs every hotkey as not active for
  Wayland, none as registered, and `xdotool key Print` on the X display uploads nothing.
"""

import glob
import json
import os
import pwd
import shutil
import subprocess
import tempfile
import time

import e2e

UID = 65534
OUTPUT = (1280, 720)
TOOLS = ["sway", "swaymsg", "grim", "wtype", "wl-paste", "pipewire", "setpriv", "dbus-daemon",
         "dbus-update-activation-environment", "/usr/libexec/xdg-desktop-portal",
         "/usr/libexec/xdg-desktop-portal-wlr", "/usr/libexec/xdg-desktop-portal-gtk"]


class Session:
    """The nobody-owned folder, its environment, and running commands as that user."""

    def __init__(self, s):
        self.s = s
        self.root = tempfile.mkdtemp(prefix="slingshot-e2e-wayland-")
        for d in ("bin", "home", "run", "config", "data"):
            os.makedirs(os.path.join(self.root, d))
        for b in (e2e.BIN, e2e.CLI):
            shutil.copy2(b, os.path.join(self.root, "bin"))
        self.bin = os.path.join(self.root, "bin", "slingshot")
        self.cli = os.path.join(self.root, "bin", "slingshot-cli")
        with open(os.path.join(self.root, "sway.conf"), "w", encoding="utf-8") as f:
            # No XWayland (it would take display :0 from the Xvfb tests); one fixed-size output.
            f.write(f"xwayland disable\noutput HEADLESS-1 mode {OUTPUT[0]}x{OUTPUT[1]} position 0 0\n")
        for dirpath, dirnames, filenames in os.walk(self.root):
            for n in dirnames + filenames:
                os.chown(os.path.join(dirpath, n), UID, UID)
        os.chown(self.root, UID, UID)
        os.chmod(os.path.join(self.root, "run"), 0o700)
        self.runtime = os.path.join(self.root, "run")
        self.env = {
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "HOME": os.path.join(self.root, "home"),
            "USER": pwd.getpwuid(UID).pw_name,
            "XDG_RUNTIME_DIR": self.runtime,
            "XDG_CURRENT_DESKTOP": "sway",
            "XDG_SESSION_TYPE": "wayland",
            # The decoy X display: Wayland must win even though DISPLAY is set.
            "DISPLAY": os.environ.get("DISPLAY", ""),
            "SLINGSHOT_CONFIG_DIR": os.path.join(self.root, "config"),
            "SLINGSHOT_DATA_DIR": os.path.join(self.root, "data"),
            "SLINGSHOT_NO_KEYRING": "1",
            "RUST_LOG": "info",
            "RUST_BACKTRACE": "1",
            "NO_COLOR": "1",
            "NO_AT_BRIDGE": "1",
            "LIBGL_ALWAYS_SOFTWARE": "1",
            "WEBKIT_DISABLE_DMABUF_RENDERER": "1",
            "WEBKIT_DISABLE_COMPOSITING_MODE": "1",
            "NO_PROXY": "127.0.0.1,localhost",
            "no_proxy": "127.0.0.1,localhost",
        }
        self.data = self.env["SLINGSHOT_DATA_DIR"]

    def argv(self, args):
        return ["setpriv", f"--reuid={UID}", f"--regid={UID}", "--clear-groups", *args]

    def spawn(self, label, args, extra=None):
        return self.s.spawn(label, self.argv(args), env={**self.env, **(extra or {})})

    def run(self, args, timeout=30, extra=None):
        return self.s.run(self.argv(args), timeout=timeout, env={**self.env, **(extra or {})})

    def ours(self):
        """Pids of this session's processes (sway, the bus, the portals it started, the app)."""
        mark = f"SLINGSHOT_DATA_DIR={self.data}".encode()
        pids = []
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                with open(f"/proc/{pid}/environ", "rb") as f:
                    if mark in f.read().split(b"\0"):
                        pids.append(int(pid))
            except OSError:
                continue
        return pids

    def cleanup(self):
        for sig in (15, 9):
            for pid in self.ours():
                try:
                    os.kill(pid, sig)
                except OSError:
                    pass
            self.s.wait_for("the Wayland session's processes end", lambda: not self.ours(), 5)
        # The wlr portal's shared output file, if it is ours, would block another user's run.
        try:
            if os.stat("/tmp/out.png").st_uid == UID:
                os.remove("/tmp/out.png")
        except OSError:
            pass
        if self.s.failed == 0:
            shutil.rmtree(self.root, ignore_errors=True)


def start_session(s, w):
    """Private bus, sway, activation environment, PipeWire: the desktop the app and portal need."""
    bus = w.spawn("dbus", ["dbus-daemon", "--session", "--nofork", "--address=unix:path="
                           + os.path.join(w.runtime, "bus")])
    s.require("private session bus listens",
              s.wait_for("bus socket", lambda: os.path.exists(os.path.join(w.runtime, "bus")), 10),
              s.tail("dbus"))
    w.env["DBUS_SESSION_BUS_ADDRESS"] = "unix:path=" + os.path.join(w.runtime, "bus")
    sway = w.spawn("sway", ["sway", "-c", os.path.join(w.root, "sway.conf")],
                   {"WLR_BACKENDS": "headless", "WLR_LIBINPUT_NO_DEVICES": "1", "WLR_RENDERER": "pixman"})
    sock = s.wait_for("sway's sockets", lambda: glob.glob(os.path.join(w.runtime, f"sway-ipc.*.{sway.pid}.sock"))
                      and glob.glob(os.path.join(w.runtime, "wayland-*[0-9]")), 15)
    s.require("sway runs headless as uid 65534 (Wayland and IPC sockets)", sock and sway.poll() is None,
              s.tail("sway"))
    w.env["SWAYSOCK"] = glob.glob(os.path.join(w.runtime, f"sway-ipc.*.{sway.pid}.sock"))[0]
    w.env["WAYLAND_DISPLAY"] = os.path.basename(sock[0])
    r = w.run(["dbus-update-activation-environment", "WAYLAND_DISPLAY", "XDG_CURRENT_DESKTOP",
               "XDG_SESSION_TYPE", "XDG_RUNTIME_DIR", "SWAYSOCK", "DISPLAY"])
    s.require("the bus passes the Wayland session to the portals it starts", r.returncode == 0,
              r.stderr.decode(errors="replace"))
    # xdg-desktop-portal-wlr exits at start without PipeWire.
    w.spawn("pipewire", ["pipewire"])
    s.wait_for("pipewire socket", lambda: os.path.exists(os.path.join(w.runtime, "pipewire-0")), 10)
    return bus, sway


def check_direct_capture(s, w):
    """The CLI alone: portal first; grim when forced."""
    for label, extra in (("portal", {}), ("grim", {"SLINGSHOT_CAPTURE_BACKEND": "grim"})):
        out = os.path.join(w.root, "home", f"direct-{label}.png")
        t0 = time.monotonic()
        r = w.run([w.cli, "capture", "--monitor", "0", "--output", out], timeout=60, extra=extra)
        took = time.monotonic() - t0
        detail = r.stderr.decode(errors="replace")[-1500:]
        if s.check(f"slingshot-cli capture --monitor 0 through the {label} exits 0 ({took:.1f}s)",
                   r.returncode == 0, detail):
            with open(out, "rb") as f:
                dims = e2e.png_size(f.read())
            s.check(f"{label} capture is a {OUTPUT[0]}x{OUTPUT[1]} PNG", dims == OUTPUT, f"got {dims}")


def app_is_native_wayland(s, w):
    def tree_window():
        r = w.run(["swaymsg", "-t", "get_tree", "-r"], timeout=10)
        nodes, stack = [], [json.loads(r.stdout.decode() or "{}")]
        while stack:
            n = stack.pop()
            nodes.append(n)
            stack.extend(n.get("nodes", []) + n.get("floating_nodes", []))
        return [n for n in nodes if n.get("name") == "Slingshot" and n.get("shell") == "xdg_shell"]
    found = s.wait_for("the app's window in sway", tree_window, 60, interval=0.5)
    s.check("the app's window is a native Wayland (xdg_shell) window in sway", found,
            s.tail("app"))
    s.check("the app opened no window on the X display", s.find_window(visible=False) is None,
            "xdotool found a Slingshot window on Xvfb")


def wl_paste(w):
    r = w.run(["wl-paste", "--no-newline"], timeout=5)
    return r.stdout.decode(errors="replace").strip() if r.returncode == 0 else None


def history(w):
    r = w.run([w.cli, "history", "--json", "--limit", "50"], timeout=30)
    return json.loads(r.stdout.decode() or "[]") if r.returncode == 0 else []


def body(s):
    missing = [t for t in TOOLS if shutil.which(t) is None and not os.path.exists(t)]
    s.require("sway, grim, wtype, wl-clipboard, the portals and PipeWire are installed", not missing,
              f"missing: {missing} (tests/e2e/setup.sh installs them)")
    w = Session(s)
    s.cleanups.append(w.cleanup)
    try:
        os.remove("/tmp/out.png")  # the wlr portal must be able to write its shared file
    except OSError:
        pass
    # Let uid 65534 use the decoy X display, so an X11 grab would really be possible.
    xhost = s.run(["xhost", f"+SI:localuser:{w.env['USER']}"], timeout=10)
    s.check("the sway user may connect to the X display (decoy)", xhost.returncode == 0,
            xhost.stderr.decode(errors="replace"))
    start_session(s, w)
    check_direct_capture(s, w)

    w.spawn("app", [w.bin])
    port_file = os.path.join(w.data, "sandbox", "port")
    port = s.wait_for("sandbox port", lambda: open(port_file, encoding="utf-8").read().strip(), 60)
    s.require("the app starts and its sandbox host writes its port", port, s.tail("app"))
    s.require("the sandbox host listens", s.wait_for("listening", lambda: s.port_open(int(port)), 20),
              s.tail("app"))
    app_is_native_wayland(s, w)

    bind = f"bindsym --no-repeat Print exec {w.cli} capture --monitor 0 --upload"
    r = w.run(["swaymsg", bind], timeout=10)
    s.require("swaymsg binds Print to slingshot-cli capture --monitor 0 --upload", r.returncode == 0,
              r.stdout.decode(errors="replace") + r.stderr.decode(errors="replace"))
    before = wl_paste(w)
    link = None
    for attempt in range(2):  # wtype's first key of a call is sometimes lost
        w.run(["wtype", "-d", "20", "-k", "Print"], timeout=10)
        link = s.wait_for("a link from wl-paste", lambda: (lambda c: c if c and c.startswith("http://127.0.0.1")
                                                            and c != before else None)(wl_paste(w)),
                          20, interval=0.25)
        if link:
            break
        s.log(f"no link after key press #{attempt + 1}; pressing again")
    s.require("the Print shortcut leaves an http://127.0.0.1 link on the Wayland clipboard (wl-paste)",
              link, f"wl-paste gives {wl_paste(w)!r}\nsway log:\n{s.tail('sway')}\napp log:\n{s.tail('app')}")
    status, _, _ = e2e.http_get(link)
    s.check(f"the copied link {link} answers 200", status == 200, f"HTTP {status}")
    entry = s.wait_for("history entry", lambda: next((e for e in history(w) if link in e2e.uploaded_urls(e)), None), 10)
    s.require("the history has the uploaded capture", entry, json.dumps(history(w))[:1500])
    s.check_served_png("Wayland capture", entry, size=OUTPUT)
    local = entry.get("local_path") or ""
    s.check("the capture was saved in the captures folder first", local.startswith(os.path.join(w.data, "captures")),
            local)
    log = open(os.path.join(s.tmp, "app.log"), encoding="utf-8", errors="replace").read()
    s.check("the CLI handed the capture to the running app (single instance)",
            "capture handed over by the command line" in log, s.tail("app"))

    # The X11 hotkey plugin is never used on Wayland.
    not_active = [l for l in log.splitlines() if "hotkey not active" in l]
    s.check("every configured hotkey is reported not active, for Wayland",
            not_active and all("Wayland" in l for l in not_active), "\n".join(not_active) or log[-2000:])
    s.check("no hotkey was registered or failed to register", "could not be registered" not in log
            and "hotkey pressed" not in log, log[-2000:])
    count = len(history(w))
    s.run(["xdotool", "key", "Print"], timeout=10)
    time.sleep(3)
    s.check("Print on the X display uploads nothing (no X11 grab)", len(history(w)) == count,
            f"history grew from {count} to {len(history(w))}")


if __name__ == "__main__":
    e2e.main("wayland_sway", body)
