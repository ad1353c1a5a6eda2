// Every view in light and dark at the window's size (720x560), saved to target/ui-shots/ for a
// person to look at; asserts the dark theme really is dark and that no CSP violation or script
// error happened while rendering.

import { test } from "node:test";
import assert from "node:assert/strict";
import { shot, useBrowser } from "./harness.mjs";
import { configuredView, firstRunView, historyItems, uploadResult } from "./fixtures.mjs";

const ui = useBrowser();

// Relative luminance of a computed `rgb(...)` colour.
function luminance(rgb) {
  const [r, g, b] = rgb.match(/\d+(\.\d+)?/g).slice(0, 3).map(Number).map((c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

async function fillQueue(page) {
  await page.evaluate(() => window.__MOCK__.emit("drop://paths", { paths: ["/p/cat.png", "/p/b.png", "/p/c.png"] }));
  await page.waitForFunction(() => window.__MOCK__.callsOf("upload").length === 1);
  const result = uploadResult(ui.origin, "cat.png", 41);
  await page.evaluate((r) => {
    const m = window.__MOCK__;
    m.send("upload", { event: "queued", job: 1, name: "cat.png" });
    m.send("upload", { event: "queued", job: 2, name: "holiday-video.mp4" });
    m.send("upload", { event: "queued", job: 3, name: "b.png" });
    m.send("upload", { event: "done", job: 1, result: r });
    m.send("upload", { event: "progress", job: 2, sent: 6_300_000, total: 10_000_000 });
    m.send("upload", { event: "failed", job: 3, name: "b.png", error: { kind: "auth", message: "The server refused the API key." }, history_id: 8 });
  }, result);
  await page.waitForFunction(() => document.querySelector(".job[data-job='1'] img")?.complete);
}

for (const scheme of ["light", "dark"]) {
  test(`every view renders in ${scheme}`, async () => {
    const { page, problems } = await ui.open({
      view: configuredView(),
      colorScheme: scheme,
      deferred: ["upload"],
      responses: { history_list: historyItems(ui.origin) },
    });
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const fg = await page.evaluate(() => getComputedStyle(document.body).color);
    if (scheme === "dark") assert.ok(luminance(bg) < 0.05 && luminance(fg) > 0.6, `dark theme: bg ${bg}, fg ${fg}`);
    else assert.ok(luminance(bg) > 0.85 && luminance(fg) < 0.05, `light theme: bg ${bg}, fg ${fg}`);

    await shot(page, `upload-empty-${scheme}`);
    await fillQueue(page);
    await shot(page, `upload-queue-${scheme}`);
    await page.click("#tab-history");
    await page.locator(".tile").first().waitFor();
    await page.waitForFunction(() => [...document.querySelectorAll(".tile img")].every((i) => i.complete));
    await shot(page, `history-${scheme}`);
    await page.click("#tab-settings");
    await shot(page, `settings-${scheme}`);
    await page.locator(".profile[data-name='myhost']").getByRole("button", { name: "Edit myhost" }).click();
    await shot(page, `settings-edit-${scheme}`);
    await page.click("#tab-history");
    await page.locator(".tile[data-id='3'] [data-action='delete']").click();
    await shot(page, `history-confirm-${scheme}`);
    await page.keyboard.press("Escape");
    assert.deepEqual(problems, []);
    await page.close();

    const first = await ui.open({ view: firstRunView(), colorScheme: scheme });
    await first.page.locator("[data-banner='first-run']").waitFor();
    await shot(first.page, `first-run-${scheme}`);
    assert.deepEqual(first.problems, []);
    await first.page.close();
  });
}

test("a larger window (1100x760) keeps the layout tidy", async () => {
  const { page, problems } = await ui.open({
    view: configuredView(),
    deferred: ["upload"],
    responses: { history_list: historyItems(ui.origin) },
    viewport: { width: 1100, height: 760 },
  });
  await fillQueue(page);
  await shot(page, "upload-queue-wide-light");
  await page.click("#tab-history");
  await page.locator(".tile").first().waitFor();
  await shot(page, "history-wide-light");
  // The option bar's rows line up: Title starts under Server, Album under Expires.
  const x = (sel) => page.locator(sel).evaluate((el) => Math.round(el.closest("label").getBoundingClientRect().left));
  await page.click("#tab-upload");
  assert.equal(await x("#opt-title"), await x("#opt-profile"));
  assert.equal(await x("#opt-album"), await x("#opt-expiration"));
  assert.deepEqual(problems, []);
  await page.close();
});
