#!/usr/bin/env bash
# Installs what the end-to-end tests need, and only what is missing (safe to run every time):
# - Debian packages: Xvfb and friends, xdotool/xclip/ImageMagick, the WebKitGTK WebDriver, D-Bus
#   and Debian's python3-dbus/python3-gi (the notification sink and tray watcher in busd.py).
# - tauri-driver (crates.io) into target/e2e-tools, so later runs reuse it.
# - selenium (PyPI) in a venv at target/e2e-venv; the venv sees the system site-packages so the
#   tests can import Debian's dbus and gi modules next to selenium.
# This is not a test: tests/e2e/run.sh calls it (skip with E2E_SKIP_SETUP=1).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"

apt_packages=(webkit2gtk-driver xvfb xauth xdotool xclip dbus dbus-x11 imagemagick
    python3 python3-venv python3-dbus python3-gi
    # wayland_sway.py: headless sway, the Screenshot portal (wlr + gtk) and its PipeWire, grim,
    # key presses and the clipboard on Wayland, xhost to let the sway user see the Xvfb display.
    sway grim wl-clipboard wtype xdg-desktop-portal xdg-desktop-portal-wlr xdg-desktop-portal-gtk
    pipewire x11-xserver-utils)
tools="$root/target/e2e-tools"
venv="$root/target/e2e-venv"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"

missing=()
for p in "${apt_packages[@]}"; do
    status="$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)"
    [ "$status" = "install ok installed" ] || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "e2e setup: installing ${missing[*]}"
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if [ ! -x "$tools/bin/tauri-driver" ]; then
    echo "e2e setup: cargo install tauri-driver into $tools"
    # tauri-driver 2.x is the one for Tauri 2; it wraps /usr/bin/WebKitWebDriver on Linux.
    cargo install --quiet --root "$tools" tauri-driver --version '^2' --locked
fi

# Debian's interpreter, not one from pyenv or similar: python3-dbus/gi are built for it.
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import selenium, dbus, gi' 2>/dev/null; then
    echo "e2e setup: creating $venv with selenium"
    rm -rf "$venv"
    /usr/bin/python3 -m venv --system-site-packages "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check 'selenium>=4.20,<5'
fi
echo "e2e setup: ready (tauri-driver in $tools/bin, selenium $("$venv/bin/python" -c 'import selenium; print(selenium.__version__)'))"
