// Upload view: first-run banner, drops and pastes become `upload` calls with the option bar's
// request, Channel progress moves the bar, results and errors render with the right actions.

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { calls, useBrowser } from "./harness.mjs";
import { configuredView, firstRunView, uploadResult } from "./fixtures.mjs";

const ui = useBrowser();

async function app(opts = {}) {
  return ui.open({ view: configuredView(), deferred: ["upload", "upload_clipboard", "history_retry"], ...opts });
}

const waitCalls = (page, cmd, n = 1) => page.waitForFunction(([c, k]) => window.__MOCK__.callsOf(c).length >= k, [cmd, n]);
const mock = (page, fn, ...args) => page.evaluate(fn, ...args);

describe("first run and banners", () => {
  test("only the sandbox: friendly banner that leads to Settings", async () => {
    const { page, problems } = await ui.open({ view: firstRunView() });
    const banner = page.locator("[data-banner='first-run']");
    await banner.waitFor();
    assert.match(await banner.innerText(), /You're uploading to the local sandbox on this computer\. Add your server in Settings\./);
    assert.equal(await page.locator("#opt-profile option").first().innerText(), "Local sandbox (this computer)");
    await banner.getByRole("button", { name: "Add server" }).click();
    assert.equal(await page.locator("#view-settings").isVisible(), true);
    assert.equal(await page.locator("#profile-form").isVisible(), true);
    assert.equal(await page.evaluate(() => document.activeElement.id), "pf-name");
    assert.deepEqual(problems, []);
    await page.close();
  });

  test("a configured app has no first-run banner; warnings are shown and dismissible", async () => {
    const view = configuredView({ warnings: ["The settings file was broken and was moved to settings.toml.broken."] });
    const { page, problems } = await app({ view });
    assert.equal(await page.locator("[data-banner='first-run']").count(), 0);
    const warn = page.locator(".banner-warn");
    assert.match(await warn.innerText(), /moved to settings\.toml\.broken/);
    await warn.getByRole("button", { name: "Dismiss" }).click();
    assert.equal(await page.locator(".banner-warn").count(), 0);
    assert.deepEqual(problems, []);
    await page.close();
  });
});

describe("uploading", () => {
  test("a drop uploads with the option bar's request; progress, result card and copy buttons", async () => {
    const { page, problems } = await app();
    // The bar starts from the default profile's defaults.
    assert.equal(await page.inputValue("#opt-profile"), "myhost");
    assert.equal(await page.inputValue("#opt-copy"), "markdown");
    assert.equal(await page.inputValue("#opt-expiration"), "P1W");
    assert.equal(await page.inputValue("#opt-resize"), "1600");
    assert.deepEqual(await page.locator("#opt-expiration option").allInnerTexts(), ["Never", "5 minutes", "1 hour", "1 day", "1 week", "1 month", "1 year"]);

    await page.fill("#opt-title", "Holiday");
    await page.fill("#opt-tags", "beach, sun ,");
    await page.fill("#opt-resize", "800");
    await page.selectOption("#opt-expiration", "P1D");
    await page.selectOption("#opt-copy", "bbcode");
    await page.check("#opt-nsfw");

    await mock(page, () => window.__MOCK__.emit("drop://paths", { paths: ["/home/ada/cat.png", "/home/ada/trip"] }));
    await waitCalls(page, "upload");
    const [call] = await calls(page, "upload");
    assert.deepEqual(call.args.sources, [{ path: "/home/ada/cat.png" }, { path: "/home/ada/trip" }]);
    assert.deepEqual(call.args.request, {
      profile: "myhost",
      options: { title: "Holiday", description: null, tags: ["beach", "sun"], album_id: null, category_id: null, width: null, expiration: "P1D", nsfw: true, format: "json", use_file_date: false },
      resize_width: 800,
      jpeg_quality: 85,
      strip_metadata: true,
      copy: "bbcode",
    });
    assert.match(call.args.onEvent, /^__CHANNEL__:\d+$/);

    await mock(page, () => window.__MOCK__.send("upload", { event: "queued", job: 1, name: "cat.png" }));
    const row = page.locator(".job[data-job='1']");
    assert.equal(await row.locator(".name").innerText(), "cat.png");
    await mock(page, () => window.__MOCK__.send("upload", { event: "progress", job: 1, sent: 250, total: 1000 }));
    assert.equal(await row.locator("progress").evaluate((p) => p.value), 0.25);
    assert.match(await row.locator(".job-note").innerText(), /^25%/);
    await mock(page, () => window.__MOCK__.send("upload", { event: "progress", job: 1, sent: 750, total: 1000 }));
    assert.equal(await row.locator("progress").evaluate((p) => p.value), 0.75);

    const result = uploadResult(ui.origin, "cat.png", 41);
    await mock(page, (r) => window.__MOCK__.send("upload", { event: "done", job: 1, result: r }), result);
    assert.equal(await row.getAttribute("data-state"), "done");
    const img = row.locator(".thumb img");
    assert.equal(await img.getAttribute("src"), result.thumb_url);
    await page.waitForFunction(() => document.querySelector(".job[data-job='1'] .thumb img")?.naturalWidth > 0);
    assert.match(await row.locator(".meta").innerText(), /1920 × 1080 · 2\.3 MB · PNG/);
    assert.match(await row.innerText(), /Markdown copied to the clipboard/);
    assert.deepEqual(await row.locator(".links button").allInnerTexts(), ["Direct", "Short", "Viewer", "Markdown", "HTML", "BBCode", "Delete link"]);

    await row.getByRole("button", { name: "Markdown", exact: true }).click();
    await waitCalls(page, "copy_text");
    assert.deepEqual((await calls(page, "copy_text"))[0].args, { text: result.links.markdown });
    await row.locator("button[data-link='markdown']", { hasText: "Copied" }).waitFor();

    // The command's own answer must not add a second card for the same upload.
    await mock(page, (r) => window.__MOCK__.resolve("upload", [r]), result);
    await page.waitForFunction(() => !document.querySelector(".job[data-state='preparing']"));
    assert.equal(await page.locator(".job[data-state='done']").count(), 1);
    assert.deepEqual(problems, []);
    await page.close();
  });

  test("the delete link is fetched only after a confirmation", async () => {
    const { page } = await app();
    await mock(page, () => window.__MOCK__.emit("drop://paths", { paths: ["/a/cat.png"] }));
    await waitCalls(page, "upload");
    await mock(page, (r) => window.__MOCK__.send("upload", { event: "done", job: 5, result: r }), uploadResult(ui.origin, "cat.png", 9));
    await page.click(".job[data-job='5'] button[data-link='delete']");
    const dialog = page.locator("#confirm");
    assert.equal(await dialog.isVisible(), true);
    assert.match(await dialog.innerText(), /deletes “cat\.png”/);
    await page.click("#confirm-cancel");
    assert.equal((await calls(page, "history_copy")).length, 0);
    await page.evaluate(() => (window.__MOCK__.responses.history_copy = "https://img.example.com/image/AbC/delete/secret"));
    await page.click(".job[data-job='5'] button[data-link='delete']");
    await page.click("#confirm-ok");
    await waitCalls(page, "history_copy");
    assert.deepEqual((await calls(page, "history_copy"))[0].args, { id: 9, target: "delete" });
    // The delete URL goes to the clipboard, never onto the screen.
    assert.equal((await page.content()).includes("secret"), false);
    await page.close();
  });

  test("failed with kind auth: message, advice and a Settings button", async () => {
    const { page, problems } = await app();
    await mock(page, () => window.__MOCK__.emit("drop://paths", { paths: ["/a/b.png"] }));
    await waitCalls(page, "upload");
    await mock(page, () =>
      window.__MOCK__.send("upload", { event: "failed", job: 2, name: "b.png", error: { kind: "auth", message: "The server refused the API key." }, history_id: 7 }),
    );
    const row = page.locator(".job[data-job='2']");
    assert.equal(await row.getAttribute("data-state"), "failed");
    assert.equal(await row.locator(".err-msg").innerText(), "The server refused the API key.");
    assert.match(await row.innerText(), /Check the API key in Settings/);
    assert.equal(await row.getByRole("button", { name: "Retry" }).count(), 0);
    await row.getByRole("button", { name: "Open Settings" }).click();
    assert.equal(await page.locator("#view-settings").isVisible(), true);
    assert.equal(await page.evaluate(() => document.activeElement.id), "pf-key");
    assert.equal(await page.inputValue("#pf-name"), "myhost");
    assert.match(await page.locator("#status").innerText(), /b\.png: The server refused the API key/);
    assert.deepEqual(problems, []);
    await page.close();
  });

  test("failed with kind network offers Retry, which calls history_retry with a channel", async () => {
    const { page } = await app();
    await mock(page, () => window.__MOCK__.emit("drop://paths", { paths: ["/a/c.png"] }));
    await waitCalls(page, "upload");
    await mock(page, () =>
      window.__MOCK__.send("upload", { event: "failed", job: 3, name: "c.png", error: { kind: "network", message: "Cannot reach img.example.com." }, history_id: 12 }),
    );
    await page.locator(".job[data-job='3']").getByRole("button", { name: "Retry" }).click();
    await waitCalls(page, "history_retry");
    const [call] = await calls(page, "history_retry");
    assert.equal(call.args.id, 12);
    assert.match(call.args.onEvent, /^__CHANNEL__:\d+$/);
    await mock(page, (r) => window.__MOCK__.send("history_retry", { event: "done", job: 4, result: r }), uploadResult(ui.origin, "c.png", 12));
    assert.equal(await page.locator(".job[data-job='4']").getAttribute("data-state"), "done");
    assert.equal(await page.locator(".job[data-state='failed']").count(), 0);
    await page.close();
  });

  test("a job that stays queued shows when it goes out again, with Retry now and Cancel", async () => {
    const { page } = await app({ responses: { queue_cancel: null } });
    await mock(page, () => window.__MOCK__.emit("drop://paths", { paths: ["/a/d.png"] }));
    await waitCalls(page, "upload");
    await mock(page, () =>
      window.__MOCK__.send("upload", { event: "failed", job: 5, name: "d.png", error: { kind: "network", message: "Could not reach img.example.com: refused" }, history_id: 21, retry_at: "2025-05-01T10:21:30.000Z" }),
    );
    const row = page.locator(".job[data-job='5']");
    assert.equal(await row.getAttribute("data-state"), "waiting-retry");
    assert.match(await row.innerText(), /Queued: it goes out by itself as soon as the server answers \(next try at .+\)\. The file is kept\./);
    assert.equal(await row.getByRole("button", { name: "Retry now" }).count(), 1);
    await row.getByRole("button", { name: "Cancel" }).click();
    await waitCalls(page, "queue_cancel");
    assert.deepEqual((await calls(page, "queue_cancel"))[0].args, { id: 21 });
    await page.waitForFunction(() => !document.querySelector(".job[data-job='5']"));
    await page.close();
  });

  test("an invalid tag shows a message and blocks the upload", async () => {
    const { page } = await app();
    await page.fill("#opt-tags", "fine, not/ok");
    assert.match(await page.locator("#opt-tags-msg").innerText(), /“not\/ok” holds “\/”: tags can't contain , \/ or #/);
    assert.equal(await page.getAttribute("#opt-tags", "aria-invalid"), "true");
    await page.fill("#opt-tags", "x".repeat(33));
    assert.match(await page.locator("#opt-tags-msg").innerText(), /longer than 32 characters/);
    await mock(page, () => window.__MOCK__.emit("drop://paths", { paths: ["/a/d.png"] }));
    await page.waitForFunction(() => /Fix the tags first/.test(document.getElementById("status").textContent));
    assert.equal((await calls(page, "upload")).length, 0);
    assert.equal(await page.evaluate(() => document.activeElement.id), "opt-tags");
    await page.fill("#opt-tags", "fine");
    assert.equal(await page.locator("#opt-tags-msg").innerText(), "");
    await page.close();
  });

  test("paste: a link uploads as {url}, an image as {data_base64, name}", async () => {
    const { page } = await app();
    await page.evaluate(() => {
      const dt = new DataTransfer();
      dt.setData("text/plain", "https://example.org/pics/cat.jpg");
      document.dispatchEvent(new ClipboardEvent("paste", { clipboardData: dt, bubbles: true }));
    });
    await waitCalls(page, "upload");
    assert.deepEqual((await calls(page, "upload"))[0].args.sources, [{ url: "https://example.org/pics/cat.jpg" }]);
    await page.evaluate(() => {
      const dt = new DataTransfer();
      dt.items.add(new File([new Uint8Array([137, 80, 78, 71, 1, 2, 3])], "shot.png", { type: "image/png" }));
      document.dispatchEvent(new ClipboardEvent("paste", { clipboardData: dt, bubbles: true }));
    });
    await waitCalls(page, "upload", 2);
    const [src] = (await calls(page, "upload"))[1].args.sources;
    assert.equal(src.name, "shot.png");
    assert.deepEqual([...Buffer.from(src.data_base64, "base64")], [137, 80, 78, 71, 1, 2, 3]);
    await page.close();
  });

  test("Upload clipboard: invalid_input shows just the message", async () => {
    const { page } = await app();
    await page.click("#upload-clipboard");
    await waitCalls(page, "upload_clipboard");
    const [call] = await calls(page, "upload_clipboard");
    assert.equal(call.args.request.profile, "myhost");
    assert.match(call.args.onEvent, /^__CHANNEL__:\d+$/);
    await mock(page, () => window.__MOCK__.reject("upload_clipboard", { kind: "invalid_input", message: "The clipboard holds no image, file or URL" }));
    const row = page.locator(".job[data-state='failed']");
    await row.waitFor();
    assert.equal(await row.locator(".err-msg").innerText(), "The clipboard holds no image, file or URL");
    assert.equal(await row.locator("button.btn").count(), 0);
    await page.close();
  });

  test("uploads started by a hotkey (upload://event) appear in the queue", async () => {
    const { page } = await app();
    await mock(page, () => window.__MOCK__.emit("upload://event", { event: "queued", job: 90, name: "Screenshot.png", origin: "hotkey" }));
    const row = page.locator(".job[data-job='90']");
    assert.match(await row.innerText(), /Screenshot\.png/);
    assert.match(await row.locator(".badge").innerText(), /from hotkey/);
    await mock(page, () => window.__MOCK__.emit("upload://event", { event: "progress", job: 90, sent: 5, total: 10, origin: "hotkey" }));
    assert.equal(await row.locator("progress").evaluate((p) => p.value), 0.5);
    await mock(page, (r) => window.__MOCK__.emit("upload://event", { event: "done", job: 90, result: r, origin: "hotkey" }), uploadResult(ui.origin, "Screenshot.png", 50));
    assert.equal(await row.getAttribute("data-state"), "done");
    await page.close();
  });

  test("nav://show switches views; Tab reaches the drop area and shows the paste hint", async () => {
    const { page } = await app();
    await mock(page, () => window.__MOCK__.emit("nav://show", { view: "settings" }));
    assert.equal(await page.locator("#view-settings").isVisible(), true);
    await mock(page, () => window.__MOCK__.emit("nav://show", { view: "upload" }));
    assert.equal(await page.locator("#view-upload").isVisible(), true);
    await page.click("body", { position: { x: 700, y: 540 } });
    let reached = false;
    for (let i = 0; i < 8 && !reached; i++) {
      await page.keyboard.press("Tab");
      reached = await page.evaluate(() => document.activeElement.id === "drop");
    }
    assert.equal(reached, true, "the drop area is reachable with Tab");
    await page.keyboard.press("Enter");
    assert.match(await page.locator("#status").innerText(), /Ctrl\+V/);
    assert.equal((await calls(page, "upload")).length + (await calls(page, "upload_clipboard")).length, 0);
    await page.close();
  });
});
