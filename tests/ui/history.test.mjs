// History view: the grid from history_list, search with debounce, refresh on history://changed,
// and "Delete on server" confirming (naming the file) before history_delete_remote.

import { test } from "node:test";
import assert from "node:assert/strict";
import { calls, useBrowser } from "./harness.mjs";
import { configuredView, historyItems } from "./fixtures.mjs";

const ui = useBrowser();

async function openHistory() {
  const app = await ui.open({
    view: configuredView(),
    responses: { history_list: historyItems(ui.origin), history_delete_remote: null, history_forget: null, history_copy: "https://img.example.com/AbC", history_open: null },
  });
  await app.page.click("#tab-history");
  await app.page.locator(".tile").first().waitFor();
  return app;
}

test("lists items with status badges and the actions each status allows", async () => {
  const { page, problems } = await openHistory();
  const [first] = await calls(page, "history_list");
  assert.deepEqual(first.args, { search: null, limit: 300 });
  assert.deepEqual(await page.locator(".tile .tile-name").allInnerTexts(), ["sunset.jpg", "clip.mp4", "cat.png"]);
  assert.deepEqual(await page.locator(".tile .status").allInnerTexts(), ["Uploaded", "Failed", "Uploaded"]);
  const failed = page.locator(".tile[data-id='2']");
  assert.match(await failed.innerText(), /connection refused/);
  assert.deepEqual(await failed.locator("[data-action]").evaluateAll((els) => els.map((e) => e.dataset.action)), ["retry", "forget"]);
  const ok = page.locator(".tile[data-id='3']");
  assert.deepEqual(await ok.locator("[data-action]").evaluateAll((els) => els.map((e) => e.dataset.action)), ["copy", "open", "delete", "forget"]);
  assert.equal(await ok.locator(".thumb img").getAttribute("src"), `${ui.origin}/__fixtures/thumb.png`);
  assert.match(await ok.innerText(), /myhost/);

  await ok.locator("[data-action='copy']").click();
  await page.waitForFunction(() => window.__MOCK__.callsOf("history_copy").length === 1);
  assert.deepEqual((await calls(page, "history_copy"))[0].args, { id: 3, target: "short" });
  await ok.locator("[data-action='open']").click();
  await page.waitForFunction(() => window.__MOCK__.callsOf("history_open").length === 1);
  assert.deepEqual((await calls(page, "history_open"))[0].args, { id: 3 });
  assert.deepEqual(problems, []);
  await page.close();
});

test("Delete on server asks first, naming the file, and only then calls history_delete_remote", async () => {
  const { page, problems } = await openHistory();
  const tile = page.locator(".tile[data-id='3']");
  await tile.locator("[data-action='delete']").click();
  const dialog = page.locator("#confirm");
  assert.equal(await dialog.isVisible(), true);
  assert.match(await page.locator("#confirm-title").innerText(), /Delete “sunset\.jpg” from the server\?/);
  assert.match(await page.locator("#confirm-body").innerText(), /can't be undone/);
  // Danger: the focus starts on Cancel, so Enter does not delete.
  assert.equal(await page.evaluate(() => document.activeElement.id), "confirm-cancel");
  await page.keyboard.press("Escape");
  assert.equal(await dialog.isVisible(), false);
  assert.equal((await calls(page, "history_delete_remote")).length, 0);

  const listed = (await calls(page, "history_list")).length;
  await tile.locator("[data-action='delete']").click();
  await page.click("#confirm-ok");
  await page.waitForFunction(() => window.__MOCK__.callsOf("history_delete_remote").length === 1);
  assert.deepEqual((await calls(page, "history_delete_remote"))[0].args, { id: 3 });
  await page.waitForFunction((n) => window.__MOCK__.callsOf("history_list").length > n, listed);
  assert.match(await page.locator("#status").innerText(), /sunset\.jpg was deleted from the server/);
  assert.deepEqual(problems, []);
  await page.close();
});

test("search is debounced into one history_list call; history://changed reloads", async () => {
  const { page } = await openHistory();
  const before = (await calls(page, "history_list")).length;
  await page.locator("#history-search").pressSequentially("cat", { delay: 20 });
  await page.waitForFunction((n) => window.__MOCK__.callsOf("history_list").length > n, before);
  await page.waitForTimeout(400);
  const after = await calls(page, "history_list");
  assert.equal(after.length, before + 1, "one call for three keystrokes");
  assert.deepEqual(after.at(-1).args, { search: "cat", limit: 300 });

  await page.evaluate(() => (window.__MOCK__.responses.history_list = []));
  await page.evaluate(() => window.__MOCK__.emit("history://changed", {}));
  await page.locator("#history-empty", { hasText: "Nothing matches “cat”." }).waitFor();
  assert.equal(await page.locator(".tile").count(), 0);
  await page.close();
});

test("Retry on a failed item calls history_retry and shows the job in the Upload queue", async () => {
  const { page } = await openHistory();
  await page.evaluate(() => window.__MOCK__.deferred.add("history_retry"));
  await page.locator(".tile[data-id='2'] [data-action='retry']").click();
  await page.waitForFunction(() => window.__MOCK__.callsOf("history_retry").length === 1);
  assert.equal((await calls(page, "history_retry"))[0].args.id, 2);
  assert.equal(await page.locator("#view-upload").isVisible(), true);
  await page.evaluate(() => window.__MOCK__.send("history_retry", { event: "queued", job: 7, name: "clip.mp4" }));
  assert.match(await page.locator(".job[data-job='7']").innerText(), /clip\.mp4/);
  await page.close();
});

test("a queued item says when it goes out next and offers Retry now and Cancel", async () => {
  const items = historyItems(ui.origin);
  items.unshift({
    ...items[1],
    id: 9,
    status: "pending",
    source: "/home/ada/Pictures/offline.png",
    local_path: "/home/ada/Pictures/offline.png",
    attempts: 3,
    next_attempt_at: "2025-05-01T10:21:30.000Z",
    error: "Could not reach img.example.com: connection refused.",
  });
  const { page, problems } = await ui.open({ view: configuredView(), responses: { history_list: items, queue_cancel: null } });
  await page.click("#tab-history");
  const tile = page.locator(".tile[data-id='9']");
  await tile.waitFor();
  assert.equal(await tile.locator(".status").innerText(), "Queued");
  assert.match(await tile.innerText(), /connection refused\. Next try at .+ \(attempt 4\)/);
  assert.deepEqual(await tile.locator("[data-action]").evaluateAll((els) => els.map((e) => e.dataset.action)), ["retry", "cancel", "forget"]);
  assert.equal(await tile.locator("[data-action='retry']").innerText(), "Retry now");
  await tile.locator("[data-action='cancel']").click();
  await page.waitForFunction(() => window.__MOCK__.callsOf("queue_cancel").length === 1);
  assert.deepEqual((await calls(page, "queue_cancel"))[0].args, { id: 9 });
  assert.deepEqual(problems, []);
  await page.close();
});
