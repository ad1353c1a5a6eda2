#!/usr/bin/env python3
"""Stand-in desktop services on a private session bus, for the end-to-end tests.

Under a bare `dbus-run-session` nothing owns the names a desktop normally provides, so:
- org.freedesktop.Notifications: without an owner, notify-rust's Notify call fails. This sink
  answers like a real notification daemon and appends each notification to
  <dir>/notifications.jsonl as {"id", "app_name", "summary", "body", "actions", "timeout"}.
- org.kde.StatusNotifierWatcher: without a watcher, libayatana-appindicator falls back to an
  X11 tray icon and publishes no StatusNotifierItem. This watcher records every registration
  in <dir>/sni.jsonl as {"sender", "arg", "service", "path"} so a test can find the item and
  its dbusmenu.

It writes <dir>/ready once both names are owned, and runs until killed.
Uses Debian's python3-dbus and python3-gi (GLib main loop).
"""

import argparse
import json
import os
import signal
import sys
import time

import dbus
import dbus.service
from dbus.mainloop.glib import DBusGMainLoop
from gi.repository import GLib

NOTIF_IFACE = "org.freedesktop.Notifications"
WATCHER_IFACE = "org.kde.StatusNotifierWatcher"
PROPS_IFACE = "org.freedesktop.DBus.Properties"


def append_json(path, record):
    """One JSON object per line, flushed at once so a test polling the file sees it."""
    with open(path, "a", encoding="utf-8") as f:
        f.write(json.dumps(record) + "\n")
        f.flush()


class Notifications(dbus.service.Object):
    """Minimal org.freedesktop.Notifications server (spec 1.2)."""

    def __init__(self, bus, out):
        super().__init__(bus, "/org/freedesktop/Notifications")
        self.out = out
        self.next_id = 0

    @dbus.service.method(NOTIF_IFACE, in_signature="susssasa{sv}i", out_signature="u")
    def Notify(self, app_name, replaces_id, app_icon, summary, body, actions, hints, timeout):
        if replaces_id:
            nid = int(replaces_id)
        else:
            self.next_id += 1
            nid = self.next_id
        append_json(
            self.out,
            {
                "id": nid,
                "replaces_id": int(replaces_id),
                "app_name": str(app_name),
                "app_icon": str(app_icon),
                "summary": str(summary),
                "body": str(body),
                "actions": [str(a) for a in actions],
                "timeout": int(timeout),
                "time": time.time(),
            },
        )
        return dbus.UInt32(nid)

    @dbus.service.method(NOTIF_IFACE, in_signature="", out_signature="as")
    def GetCapabilities(self):
        return dbus.Array(["body", "actions", "persistence"], signature="s")

    @dbus.service.method(NOTIF_IFACE, in_signature="", out_signature="ssss")
    def GetServerInformation(self):
        return ("slingshot-e2e-sink", "slingshot", "1.0", "1.2")

    @dbus.service.method(NOTIF_IFACE, in_signature="u", out_signature="")
    def CloseNotification(self, nid):
        self.NotificationClosed(nid, dbus.UInt32(3))

    @dbus.service.signal(NOTIF_IFACE, signature="uu")
    def NotificationClosed(self, nid, reason):
        pass

    @dbus.service.signal(NOTIF_IFACE, signature="us")
    def ActionInvoked(self, nid, action_key):
        pass


class Watcher(dbus.service.Object):
    """Minimal org.kde.StatusNotifierWatcher that always reports a host (a tray) as present."""

    def __init__(self, bus, out):
        super().__init__(bus, "/StatusNotifierWatcher")
        self.out = out
        self.items = []

    @dbus.service.method(WATCHER_IFACE, in_signature="s", out_signature="", sender_keyword="sender")
    def RegisterStatusNotifierItem(self, service, sender=None):
        # Items pass either a bus name or an object path on their own connection.
        if service.startswith("/"):
            name, path = sender, str(service)
        else:
            name, path = str(service), "/StatusNotifierItem"
        entry = f"{name}{path}"
        if entry not in self.items:
            self.items.append(entry)
        append_json(self.out, {"sender": str(sender), "arg": str(service), "service": name, "path": path,
                               "time": time.time()})
        self.StatusNotifierItemRegistered(entry)

    @dbus.service.method(WATCHER_IFACE, in_signature="s", out_signature="")
    def RegisterStatusNotifierHost(self, service):
        self.StatusNotifierHostRegistered()

    @dbus.service.signal(WATCHER_IFACE, signature="s")
    def StatusNotifierItemRegistered(self, service):
        pass

    @dbus.service.signal(WATCHER_IFACE, signature="s")
    def StatusNotifierItemUnregistered(self, service):
        pass

    @dbus.service.signal(WATCHER_IFACE, signature="")
    def StatusNotifierHostRegistered(self):
        pass

    def _props(self):
        return {
            "RegisteredStatusNotifierItems": dbus.Array(self.items, signature="s"),
            "IsStatusNotifierHostRegistered": dbus.Boolean(True),
            "ProtocolVersion": dbus.Int32(0),
        }

    @dbus.service.method(PROPS_IFACE, in_signature="ss", out_signature="v")
    def Get(self, interface, prop):
        props = self._props()
        if prop not in props:
            raise dbus.exceptions.DBusException(f"no property {prop}",
                                                name="org.freedesktop.DBus.Error.InvalidArgs")
        return props[prop]

    @dbus.service.method(PROPS_IFACE, in_signature="s", out_signature="a{sv}")
    def GetAll(self, interface):
        return self._props()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dir", required=True, help="where to write notifications.jsonl, sni.jsonl, ready")
    ap.add_argument("--no-watcher", action="store_true", help="do not own org.kde.StatusNotifierWatcher")
    args = ap.parse_args()
    os.makedirs(args.dir, exist_ok=True)

    DBusGMainLoop(set_as_default=True)
    bus = dbus.SessionBus()
    names = []
    # Keep the BusName objects alive: dropping them releases the names.
    names.append(dbus.service.BusName(NOTIF_IFACE, bus, do_not_queue=True))
    notif = Notifications(bus, os.path.join(args.dir, "notifications.jsonl"))
    watcher = None
    if not args.no_watcher:
        names.append(dbus.service.BusName(WATCHER_IFACE, bus, do_not_queue=True))
        watcher = Watcher(bus, os.path.join(args.dir, "sni.jsonl"))

    loop = GLib.MainLoop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, sig, loop.quit)
    with open(os.path.join(args.dir, "ready"), "w", encoding="utf-8") as f:
        f.write(str(os.getpid()))
    try:
        loop.run()
    finally:
        del notif, watcher, names
    return 0


if __name__ == "__main__":
    sys.exit(main())
