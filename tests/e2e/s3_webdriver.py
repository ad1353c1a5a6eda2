"""Scenario 3: drive the real window with WebDriver (tauri-driver + WebKitWebDriver + selenium).

tauri-driver starts the app through WebKitWebDriver. The test then:
1. finds the drop area and the "Local sandbox" server choice;
2. pastes a PNG into the window: a ClipboardEvent whose DataTransfer holds a File, dispatched on
   the document (what a real Ctrl+V with image bytes gives the page; WebDriver cannot drag OS
   files in), so the UI's own paste path reads the file and calls the `upload` command;
3. waits for the result card, clicks its "Direct" and "Short" copy buttons and checks the
   clipboard then holds links the sandbox serves (a PNG of the pasted size);
4. puts a PNG on the X clipboard and presses Ctrl+V in the window (real keyboard path: either
   the webview hands the image to the page, or the page asks the shell to read the clipboard);
   a second result card must appear.
"""

import base64
import os

import e2e
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

PASTE_FILE_JS = """
const [b64, name] = arguments;
const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
const file = new File([bytes], name, { type: "image/png" });
const dt = new DataTransfer();
dt.items.add(file);
const ev = new ClipboardEvent("paste", { clipboardData: dt, bubbles: true, cancelable: true });
if (!ev.clipboardData || ev.clipboardData.files.length !== 1) {
  return "no-files:" + (ev.clipboardData ? ev.clipboardData.files.length : "no clipboardData");
}
document.body.dispatchEvent(ev);
return "dispatched";
"""


def job_cards(driver, state):
    return driver.find_elements(By.CSS_SELECTOR, f"#queue .job[data-state='{state}']")


def wait_card(s, driver, count, timeout=25):
    """Waits for `count` done cards (or any failed one). -> (done cards, failed cards)."""
    def settled():
        done, failed = job_cards(driver, "done"), job_cards(driver, "failed")
        return (done, failed) if len(done) >= count or failed else None
    return s.wait_for(f"{count} result card(s)", settled, timeout, interval=0.3) or (job_cards(driver, "done"), [])


def copy_button(s, card, key):
    """Clicks the card's copy button for `key` and returns what then lands on the clipboard."""
    s.set_clipboard(f"e2e-before-{key}")
    card.find_element(By.CSS_SELECTOR, f"button[data-link='{key}']").click()
    got = s.wait_for(f"clipboard after clicking {key}",
                     lambda: (c := s.clipboard()) and c != f"e2e-before-{key}" and c, 10)
    return got


def body(s):
    s.start_bus_services()
    driver = s.start_app_webdriver()
    s.wait_app_ready()

    drop = s.wait_for("drop area", lambda: driver.find_elements(By.ID, "drop"), 15)
    s.require("the window shows the drop area", drop and drop[0].is_displayed(),
              driver.page_source[:2000] if not drop else "not displayed")
    profile = s.wait_for("server list", lambda: [o.text for o in driver.find_elements(By.CSS_SELECTOR,
                                                                                      "#opt-profile option")], 15)
    s.check("the server list offers the Local sandbox", profile and any("sandbox" in p.lower() for p in profile),
            f"options {profile}")

    name = "webdriver-paste.png"
    path = os.path.join(s.tmp, name)
    data = e2e.make_png(path, 222, 111, rgb=(240, 180, 20))
    drop[0].click()  # focus the window's page (not a text field: paste uploads)
    how = driver.execute_script(PASTE_FILE_JS, base64.b64encode(data).decode(), name)
    s.log(f"synthetic paste: {how}")
    if how != "dispatched":
        # This WebKit cannot put a File in a synthetic DataTransfer: paste a file:// URI instead,
        # which the UI turns into a {path} source.
        how = driver.execute_script(
            "const dt = new DataTransfer(); dt.setData('text/plain', arguments[0]);"
            "document.body.dispatchEvent(new ClipboardEvent('paste', {clipboardData: dt, bubbles: true,"
            " cancelable: true})); return 'dispatched file uri';", "file://" + path)
        s.log(f"fallback paste: {how}")
    done, failed = wait_card(s, driver, 1)
    s.screenshot()
    driver.get_screenshot_as_file(os.path.join(e2e.ARTIFACTS, "s3_webdriver.webview.png"))
    s.require("pasting an image into the window gives a result card", done and not failed,
              f"failed cards: {[f.text for f in failed]}; queue: "
              f"{[j.text for j in driver.find_elements(By.CSS_SELECTOR, '#queue .job')]}; "
              "see the app log below")
    card = done[0]
    s.log(f"result card text: {card.text!r}")
    shown = [n.get_attribute("textContent") for n in card.find_elements(By.CSS_SELECTOR, ".name")]
    s.check(f"the card's title is the pasted file's name {name} (not an internal path)",
            any(n.strip() == name for n in shown),
            f"name elements {shown}; title line HTML: "
            f"{[t.get_attribute('outerHTML') for t in card.find_elements(By.CSS_SELECTOR, '.job-title')]}")
    thumbs = [i.get_attribute("src") for i in card.find_elements(By.CSS_SELECTOR, ".thumb img")]
    s.check("the card's thumbnail comes from the sandbox", thumbs and thumbs[0].startswith("http://127.0.0.1"),
            f"thumbnails {thumbs}")

    direct = copy_button(s, card, "url")
    s.require("the card's Direct button copies an http://127.0.0.1 link",
              direct and direct.startswith("http://127.0.0.1"), f"clipboard {direct!r}")
    status, _, served = e2e.http_get(direct)
    s.check(f"the direct link {direct} serves the pasted PNG (222x111)",
            status == 200 and e2e.png_size(served) == (222, 111), f"HTTP {status}, size {e2e.png_size(served)}")
    short = copy_button(s, card, "short")
    if short:
        status, _, _ = e2e.http_get(short)
        s.check(f"the short link {short} answers 200", status == 200, f"HTTP {status}")
    entry = s.entry_for_link(direct)
    s.check("the history has the pasted upload", entry, f"history {s.history()}")

    # Real keyboard path: a PNG on the X clipboard, Ctrl+V in the window.
    name2 = "keyboard-paste.png"
    path2 = os.path.join(s.tmp, name2)
    e2e.make_png(path2, 99, 77, rgb=(20, 200, 200))
    xclip = s.spawn("xclip-image", ["xclip", "-selection", "clipboard", "-t", "image/png", "-quiet", "-i", path2])
    s.wait_for("image on the clipboard",
               lambda: b"image/png" in s.run(["xclip", "-o", "-selection", "clipboard", "-t", "TARGETS"],
                                              timeout=3).stdout, 5)
    try:
        drop = driver.find_element(By.ID, "drop")
        drop.click()
        ActionChains(driver).key_down(Keys.CONTROL).send_keys("v").key_up(Keys.CONTROL).perform()
    except WebDriverException as e:
        s.log(f"Ctrl+V through WebDriver failed: {e}")
    done2, failed2 = wait_card(s, driver, 2)
    s.screenshot("s3_webdriver.after-ctrl-v")
    s.check("Ctrl+V with an image on the X clipboard gives a second result card",
            len(done2) >= 2 and not failed2,
            f"done {len(done2)}, failed {[f.text for f in failed2]}")
    if len(done2) >= 2:
        sizes = [c.text for c in done2]
        s.log(f"cards: {sizes}")
        s.check("the second card is 99 × 77", "99 × 77" in done2[0].text, done2[0].text)
    s.stop(xclip)


if __name__ == "__main__":
    e2e.main("s3_webdriver", body)
