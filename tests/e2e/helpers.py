"""Small helpers for the end-to-end scenarios that need no X display or bus: PNG bytes, HTTP
without proxies, free ports, the URLs of a history entry."""

import socket
import struct
import urllib.error
import urllib.request
import zlib


def png_size(data):
    """(width, height) from a PNG's IHDR, or None if `data` is not a PNG."""
    if len(data) < 24 or data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        return None
    return struct.unpack(">II", data[16:24])


def make_png(path, width, height, rgb=(200, 40, 40)):
    """Writes a small valid RGB PNG (no image library needed) so uploads have a known size."""
    row = b"\x00" + bytes(rgb) * width
    raw = row * height

    def chunk(kind, body):
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
    with open(path, "wb") as f:
        f.write(data)
    return data


def http_get(url, timeout=10):
    """GET without any proxy from the environment; follows redirects. -> (status, headers, body)."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=timeout) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers or {}), e.read() if e.fp else b""


def free_port():
    """A TCP port on 127.0.0.1 free right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def uploaded_urls(entry):
    """Every URL of a history entry (as printed by `slingshot-cli history --json`)."""
    up = entry.get("uploaded") or {}
    return [u for u in (up.get("url"), up.get("url_short"), up.get("url_viewer"), entry.get("url"),
                        entry.get("url_short"), entry.get("url_viewer")) if u]
