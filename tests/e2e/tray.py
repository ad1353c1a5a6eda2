"""Reads the app's tray menu the way a desktop's tray host does: StatusNotifierItem -> dbusmenu.

libayatana-appindicator registers its item with org.kde.StatusNotifierWatcher (busd.py records
the registration), exposes the property `Menu` (an object path) on org.kde.StatusNotifierItem,
and serves the menu there as com.canonical.dbusmenu (libdbusmenu-gtk).
"""

import dbus

SNI_IFACE = "org.kde.StatusNotifierItem"
MENU_IFACE = "com.canonical.dbusmenu"
PROPS_IFACE = "org.freedesktop.DBus.Properties"


def item_properties(bus, service, path):
    obj = bus.get_object(service, path, introspect=False)
    props = dbus.Interface(obj, PROPS_IFACE).GetAll(SNI_IFACE)
    return {str(k): v for k, v in props.items()}


def _walk(node, out, depth=0):
    item_id, props, children = node
    label = props.get("label")
    if label is not None:
        out.append({"id": int(item_id), "label": str(label), "depth": depth,
                    "enabled": bool(props.get("enabled", True)), "visible": bool(props.get("visible", True)),
                    "type": str(props.get("type", "standard"))})
    for child in children:
        _walk(child, out, depth + 1)


def menu_items(bus, service, menu_path):
    """Every labelled item of the menu (all levels), in order."""
    menu = dbus.Interface(bus.get_object(service, menu_path, introspect=False), MENU_IFACE)
    try:
        menu.AboutToShow(0)  # lets lazy menus fill themselves, as a tray host does before opening
    except dbus.DBusException:
        pass
    _revision, layout = menu.GetLayout(0, -1, dbus.Array([], signature="s"))
    out = []
    _walk(layout, out)
    return out


def click(registrations, item_id):
    """Sends the dbusmenu "clicked" event for `item_id`, as a tray host does when one is chosen."""
    bus = dbus.SessionBus()
    reg = registrations[-1]
    props = item_properties(bus, reg["service"], reg["path"])
    menu = dbus.Interface(bus.get_object(reg["service"], str(props["Menu"]), introspect=False), MENU_IFACE)
    menu.Event(dbus.Int32(item_id), "clicked", dbus.Int32(0, variant_level=1), dbus.UInt32(0))


def read_tray(registrations):
    """-> (item properties, menu items) of the newest registered item. Raises on D-Bus errors."""
    bus = dbus.SessionBus()
    reg = registrations[-1]
    props = item_properties(bus, reg["service"], reg["path"])
    menu_path = str(props.get("Menu", ""))
    if not menu_path or menu_path == "/":
        return props, []
    return props, menu_items(bus, reg["service"], menu_path)
