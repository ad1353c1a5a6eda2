"""Scenario 6a: a corrupt settings.toml does not stop the app.

The window must still open (started through tauri-driver so the page can be read), the broken
file must be kept aside as settings.toml.broken-* with exactly its bytes (nothing the user wrote
is lost), and the window must say so in a warning banner.
"""

import glob
import os

import e2e
from selenium.webdriver.common.by import By

BROKEN = b"[app\nnotifications = maybe\n\xff\xfe not toml at all = = =\n"


def body(s):
    settings = os.path.join(s.config_dir, "settings.toml")
    with open(settings, "wb") as f:
        f.write(BROKEN)
    s.start_bus_services()
    driver = s.start_app_webdriver()
    s.wait_app_ready()
    aside = glob.glob(os.path.join(s.config_dir, "settings.toml.broken-*"))
    s.require("the broken file is moved aside as settings.toml.broken-*", aside,
              f"config dir holds {os.listdir(s.config_dir)}")
    with open(aside[0], "rb") as f:
        kept = f.read()
    s.check("the kept file has the same bytes", kept == BROKEN, f"{kept!r}")
    if os.path.exists(settings):
        with open(settings, "rb") as f:
            now = f.read()
        s.check("settings.toml is no longer the broken text", now != BROKEN, "unchanged")

    def warning():
        texts = [b.text for b in driver.find_elements(By.CSS_SELECTOR, "#banners .banner-warn")]
        return [t for t in texts if os.path.basename(aside[0]) in t or "broken" in t.lower()]

    shown = s.wait_for("warning banner", warning, 10)
    s.screenshot()
    s.check("the window warns that the settings file was moved aside", shown,
            f"banners: {[b.text for b in driver.find_elements(By.CSS_SELECTOR, '#banners .banner')]}")
    if shown:
        s.log(f"banner: {shown[0]!r}")
    s.check("the app is still running", s.find_window() is not None, "window gone")


if __name__ == "__main__":
    e2e.main("s6_corrupt_settings", body)
