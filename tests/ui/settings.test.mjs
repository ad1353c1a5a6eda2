// Settings view: the server list (sandbox read-only), the write-only API key field, test
// connection, adding a server (with the plain-http warning), hotkeys and app switches.

import { test } from "node:test";
import assert from "node:assert/strict";
import { calls, useBrowser } from "./harness.mjs";
import { configuredView } from "./fixtures.mjs";

const ui = useBrowser();

async function openSettings(responses = {}) {
  const view = configuredView();
  const app = await ui.open({
    view,
    responses: {
      set_api_key: { location: "keyring", warning: null },
      test_connection: { ok: false, message: "The server refused the API key (Invalid API v1 key). Check the key in your Chevereto dashboard.", url: null },
      profile_save: view,
      hotkeys_pause: { ...view, hotkeys: { ...view.hotkeys, paused: true } },
      autostart_set: { ...view, app: { ...view.app, start_at_login: true } },
      settings_save: view,
      ...responses,
    },
  });
  await app.page.click("#tab-settings");
  return app;
}

test("the sandbox is listed read-only; the real server can be edited", async () => {
  const { page, problems } = await openSettings();
  const sandbox = page.locator(".profile[data-name='sandbox']");
  assert.match(await sandbox.locator(".profile-name").innerText(), /^Local sandbox \(this computer\)/);
  assert.equal(await sandbox.getByRole("button", { name: /Edit/ }).count(), 0);
  assert.equal(await sandbox.getByRole("button", { name: /Delete/ }).count(), 0);
  const mine = page.locator(".profile[data-name='myhost']");
  assert.match(await mine.innerText(), /Default/);
  assert.match(await mine.innerText(), /Key in keyring/);
  assert.deepEqual(problems, []);
  await page.close();
});

test("the API key field is write-only: never prefilled, cleared after set_api_key", async () => {
  const { page, problems } = await openSettings();
  await page.locator(".profile[data-name='myhost']").getByRole("button", { name: "Edit myhost" }).click();
  const key = page.locator("#pf-key");
  assert.equal(await key.getAttribute("type"), "password");
  assert.equal(await key.inputValue(), "");
  assert.match(await page.locator("#pf-key-status").innerText(), /Key stored in the system keyring/);
  await key.fill("chv_SECRET_123");
  await page.click("#pf-key-save");
  await page.waitForFunction(() => window.__MOCK__.callsOf("set_api_key").length === 1);
  assert.deepEqual((await calls(page, "set_api_key"))[0].args, { profile: "myhost", key: "chv_SECRET_123" });
  assert.equal(await key.inputValue(), "");
  await page.locator("#pf-key-status", { hasText: "Key stored in the system keyring." }).waitFor();
  // Nothing the shell answered, and nothing on screen, holds the key.
  const answers = await page.evaluate(() => JSON.stringify(window.__MOCK__.responses));
  assert.equal(answers.includes("chv_SECRET_123"), false);
  const screen = await page.evaluate(() => document.documentElement.outerHTML + [...document.querySelectorAll("input")].map((i) => i.value).join("|"));
  assert.equal(screen.includes("chv_SECRET_123"), false);
  assert.deepEqual(problems, []);
  await page.close();
});

test("a key saved to a file says so, with the shell's warning", async () => {
  const { page } = await openSettings({ set_api_key: { location: "file", warning: "No keyring was found: the key is in ~/.config/slingshot/keys.toml (mode 600)." } });
  await page.locator(".profile[data-name='myhost']").getByRole("button", { name: "Edit myhost" }).click();
  await page.fill("#pf-key", "k");
  await page.click("#pf-key-save");
  await page.locator("#pf-key-status", { hasText: "stored in a file (no keyring found)" }).waitFor();
  assert.match(await page.locator("#pf-key-status").innerText(), /mode 600/);
  await page.close();
});

test("Test connection shows the shell's message", async () => {
  const { page } = await openSettings();
  await page.locator(".profile[data-name='myhost']").getByRole("button", { name: "Edit myhost" }).click();
  await page.click("#pf-test");
  await page.waitForFunction(() => window.__MOCK__.callsOf("test_connection").length === 1);
  assert.deepEqual((await calls(page, "test_connection"))[0].args, { profile: "myhost" });
  await page.locator("#pf-result", { hasText: "Invalid API v1 key" }).waitFor();
  assert.equal(await page.getAttribute("#pf-result", "data-tone"), "error");
  // Nothing was edited, so nothing was saved first.
  assert.equal((await calls(page, "profile_save")).length, 0);
  await page.close();
});

test("adding a server: plain http warns and needs consent; saves with defaults", async () => {
  const { page } = await openSettings();
  await page.click("#profile-add");
  await page.fill("#pf-name", "home");
  await page.fill("#pf-url", "http://nas.example.net");
  assert.equal(await page.locator("#pf-insecure-warn").isVisible(), true);
  await page.click("#profile-form button[type='submit']");
  await page.locator("#pf-result", { hasText: "plain http" }).waitFor();
  assert.equal((await calls(page, "profile_save")).length, 0);
  await page.check("#pf-insecure");
  await page.selectOption("#pf-mode", "field");
  await page.fill("#pf-tags", "a/b");
  await page.click("#profile-form button[type='submit']");
  await page.locator("#pf-result", { hasText: "can't contain" }).waitFor();
  await page.fill("#pf-tags", "nas, home");
  await page.fill("#pf-key", "k-1");
  await page.click("#profile-form button[type='submit']");
  await page.waitForFunction(() => window.__MOCK__.callsOf("profile_save").length === 1);
  const [save] = await calls(page, "profile_save");
  assert.equal(save.args.originalName, null);
  assert.equal(save.args.profile.name, "home");
  assert.equal(save.args.profile.base_url, "http://nas.example.net");
  assert.equal(save.args.profile.key_mode, "field");
  assert.equal(save.args.profile.allow_insecure_http, true);
  assert.deepEqual(save.args.profile.defaults.options.tags, ["nas", "home"]);
  await page.waitForFunction(() => window.__MOCK__.callsOf("set_api_key").length === 1);
  assert.deepEqual((await calls(page, "set_api_key"))[0].args, { profile: "home", key: "k-1" });
  await page.close();
});

test("hotkeys show their status; pause and start-at-login call the shell", async () => {
  const { page } = await openSettings();
  const failed = page.locator(".hotkey[data-action='upload_clipboard']");
  assert.match(await failed.innerText(), /Not registered/);
  assert.match(await failed.innerText(), /Another app already uses Ctrl\+Shift\+U/);
  assert.equal(await page.inputValue("#hk-capture_screen"), "Ctrl+Shift+4");
  await page.check("#hotkeys-paused");
  await page.waitForFunction(() => window.__MOCK__.callsOf("hotkeys_pause").length === 1);
  assert.deepEqual((await calls(page, "hotkeys_pause"))[0].args, { paused: true });
  await page.locator(".hotkey[data-action='capture_screen'] .badge", { hasText: "Paused" }).waitFor();
  await page.check("#app-autostart");
  await page.waitForFunction(() => window.__MOCK__.callsOf("autostart_set").length === 1);
  assert.deepEqual((await calls(page, "autostart_set"))[0].args, { enabled: true });
  await page.fill("#app-concurrency", "4");
  await page.press("#app-concurrency", "Tab");
  await page.waitForFunction(() => window.__MOCK__.callsOf("settings_save").length === 1);
  const [save] = await calls(page, "settings_save");
  assert.equal(save.args.app.concurrency, 4);
  assert.equal("status" in save.args.hotkeys, false);
  await page.close();
});

test("the screen key's capture can be chosen; region and window keys are listed", async () => {
  const { page } = await openSettings();
  assert.equal(await page.inputValue("#hk-capture_region"), "Ctrl+Print");
  const off = await page.locator(".hotkey[data-action='capture_window']").innerText();
  assert.match(off, /Off/);
  assert.doesNotMatch(off, /No shortcut set/, "an empty key is off, not an error");
  assert.equal(await page.inputValue("#hk-mode"), "monitor");
  await page.selectOption("#hk-mode", "region");
  await page.waitForFunction(() => window.__MOCK__.callsOf("settings_save").length === 1);
  const [save] = await calls(page, "settings_save");
  assert.equal(save.args.hotkeys.capture_screen_mode, "region");
  assert.equal(save.args.hotkeys.capture_region, "Ctrl+Print");
  await page.close();
});
