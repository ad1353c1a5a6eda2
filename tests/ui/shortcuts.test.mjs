// Settings > Desktop shortcuts: shown open on Wayland (collapsed on X11), lists what "Add desktop
// shortcuts" writes, shows exactly what the shell wrote and how to undo it, Remove calls
// shortcuts_uninstall, errors are shown with their message, an unsupported desktop gets the
// command lines to bind by hand; screenshots of the card in light and dark.

import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { calls, shot, shotsDir, useBrowser } from "./harness.mjs";
import { configuredView } from "./fixtures.mjs";

const ui = useBrowser();

const CLI = "/opt/slingshot/slingshot-cli";
const planned = [
  { id: "capture-screen", label: "Slingshot: capture the screen", keys: "Print", command: `${CLI} capture --upload` },
  { id: "capture-all", label: "Slingshot: capture all monitors", keys: "Shift+Print", command: `${CLI} capture --all --upload` },
];
const notes = ["Ctrl+Print (region capture) is not added: a desktop shortcut cannot open the selection; use the tray menu"];

function status(over = {}) {
  return { session: "wayland", desktop: "gnome", desktop_label: "gnome", planned, notes, installed: [], installed_error: null, ...over };
}

const ENTRY = "org.gnome.settings-daemon.plugins.media-keys.custom-keybinding";
const BASE = "/org/gnome/settings-daemon/plugins/media-keys/custom-keybindings/";
const installed = {
  desktop: "gnome",
  changes: [
    `${ENTRY}:${BASE}slingshot-capture-screen/: name='Slingshot: capture the screen', command='${CLI} capture --upload', binding='Print'`,
    `${ENTRY}:${BASE}slingshot-capture-all/: name='Slingshot: capture all monitors', command='${CLI} capture --all --upload', binding='<Shift>Print'`,
    `org.gnome.settings-daemon.plugins.media-keys custom-keybindings: was ['${BASE}custom0/'], now ['${BASE}custom0/', '${BASE}slingshot-capture-screen/', '${BASE}slingshot-capture-all/']`,
  ],
  undo: ["slingshot-cli integrate shortcut uninstall", `or by hand: gsettings set org.gnome.settings-daemon.plugins.media-keys custom-keybindings "['${BASE}custom0/']"`],
  notes,
};
const installedLines = [`Print  →  ${CLI} capture --upload  (Slingshot: capture the screen)`, `<Shift>Print  →  ${CLI} capture --all --upload  (Slingshot: capture all monitors)`];

function waylandView() {
  const view = configuredView({ session: { kind: "wayland", tray: true } });
  const msg = "This Wayland desktop doesn't let apps grab global keys.";
  view.hotkeys.status = view.hotkeys.status.map((s) => ({ ...s, ok: false, message: s.accelerator ? msg : "No shortcut set" }));
  return view;
}

async function openSettings({ view = waylandView(), responses = {}, colorScheme = "light", viewport } = {}) {
  const app = await ui.open({ view, colorScheme, viewport, responses: { shortcuts_status: status(), shortcuts_install: installed, ...responses } });
  await app.page.click("#tab-settings");
  return app;
}

test("on Wayland the card is open, says why, and lists what Add writes", async () => {
  const { page, problems } = await openSettings();
  const card = page.locator("#shortcuts");
  await card.locator("[data-list='planned'] .shortcut-row").first().waitFor();
  assert.equal(await card.locator("details").count(), 0, "not collapsed on Wayland");
  assert.match(await card.innerText(), /This desktop does not let apps grab global keys/);
  assert.match(await card.locator(".shortcuts-desktop").innerText(), /GNOME/);
  const rows = await card.locator("[data-list='planned'] .shortcut-row").evaluateAll((els) => els.map((e) => [e.querySelector("kbd").textContent, e.querySelector("code").textContent]));
  assert.deepEqual(rows, planned.map((p) => [p.keys, p.command]));
  assert.match(await card.innerText(), /region capture\) is not added/);
  assert.match(await card.locator("#shortcuts-installed").innerText(), /None yet/);
  assert.equal(await page.locator("#shortcuts-remove").isDisabled(), true, "nothing to remove yet");
  // The hotkey rows don't repeat the Wayland message five times; the session note says it once.
  assert.equal(await page.locator(".hotkey-msg").count(), 0);
  assert.match(await page.locator("#session-note").innerText(), /desktop shortcuts below/);
  // GNOME asks once for screenshot permission: the card says why and how to be asked again.
  assert.match(await card.locator(".shortcuts-permission").innerText(), /Allow Applications to Take Screenshots\?/);
  assert.equal((await calls(page, "shortcuts_status")).length, 1);
  assert.deepEqual(problems, []);
  await page.close();
});

test("Add desktop shortcuts shows exactly what was written and how to undo it", async () => {
  const { page, problems } = await openSettings();
  await page.locator("#shortcuts-install").waitFor();
  await page.evaluate((lines) => {
    window.__MOCK__.responses.shortcuts_status.installed = lines;
  }, installedLines);
  await page.click("#shortcuts-install");
  const result = page.locator("#shortcuts-result");
  await result.waitFor();
  assert.equal((await calls(page, "shortcuts_install")).length, 1);
  assert.deepEqual((await calls(page, "shortcuts_install"))[0].args, {});
  assert.equal(await result.getAttribute("data-tone"), "ok");
  const written = await result.locator(".changes pre").allInnerTexts();
  assert.deepEqual(written, installed.changes);
  const undo = await result.locator(".undo pre").allInnerTexts();
  assert.deepEqual(undo, installed.undo);
  // Commands and settings are in a monospace font.
  const font = await result.locator(".changes pre").first().evaluate((el) => getComputedStyle(el).fontFamily);
  assert.match(font, /mono/i);
  // The state is read again: the installed list and the Remove button follow.
  await page.locator("#shortcuts-installed [data-list='installed'] li").first().waitFor();
  assert.deepEqual(await page.locator("#shortcuts-installed li").allInnerTexts(), installedLines);
  assert.equal(await page.locator("#shortcuts-remove").isDisabled(), false);
  assert.equal((await calls(page, "shortcuts_status")).length, 2);
  assert.equal(await page.evaluate(() => document.activeElement?.id), "shortcuts-result", "focus moves to the result");
  assert.match(await page.locator("#status").innerText(), /Desktop shortcuts added/);
  await shot(page, "settings-shortcuts-installed-light");
  assert.deepEqual(problems, []);
  await page.close();
});

test("Remove calls shortcuts_uninstall and shows what was removed", async () => {
  const removed = { desktop: "gnome", changes: [`${ENTRY}:${BASE}slingshot-capture-screen/: reset`], undo: [], notes: [] };
  const { page, problems } = await openSettings({ responses: { shortcuts_status: status({ installed: installedLines }), shortcuts_uninstall: removed } });
  await page.locator("#shortcuts-remove:not([disabled])").waitFor();
  await page.evaluate(() => {
    window.__MOCK__.responses.shortcuts_status.installed = [];
  });
  await page.click("#shortcuts-remove");
  await page.locator("#shortcuts-result").waitFor();
  assert.equal((await calls(page, "shortcuts_uninstall")).length, 1);
  assert.equal((await calls(page, "shortcuts_install")).length, 0);
  assert.match(await page.locator("#shortcuts-result").innerText(), /What was removed/i);
  assert.deepEqual(await page.locator("#shortcuts-result .changes pre").allInnerTexts(), removed.changes);
  await page.locator("#shortcuts-installed", { hasText: "None yet" }).waitFor();
  assert.deepEqual(problems, []);
  await page.close();
});

test("a failed install shows the shell's message", async () => {
  const error = { kind: "config", message: "gsettings is not installed (package libglib2.0-bin)" };
  const { page, problems } = await openSettings({ responses: { shortcuts_install: { __error: error } } });
  await page.locator("#shortcuts-install").waitFor();
  await page.click("#shortcuts-install");
  const result = page.locator("#shortcuts-result[data-tone='error']");
  await result.waitFor();
  assert.match(await result.innerText(), /Not added/i);
  assert.match(await result.innerText(), /package libglib2\.0-bin/);
  assert.equal(await result.getAttribute("role"), "alert");
  assert.match(await page.locator("#status").innerText(), /Shortcuts not added: gsettings is not installed/);
  assert.deepEqual(problems, []);
  await page.close();
});

test("an unsupported desktop gets the command lines to bind by hand", async () => {
  const { page, problems } = await openSettings({ responses: { shortcuts_status: status({ desktop: null, desktop_label: "hyprland", installed: null }), copy_text: null } });
  const card = page.locator("#shortcuts");
  await card.locator("[data-list='planned'] .shortcut-row").first().waitFor();
  assert.match(await card.innerText(), /cannot add shortcuts to this desktop \(hyprland\)/);
  assert.equal(await page.locator("#shortcuts-install").count(), 0, "nothing to install here");
  await card.getByRole("button", { name: "Copy the command for Shift+Print" }).click();
  await page.waitForFunction(() => window.__MOCK__.callsOf("copy_text").length === 1);
  assert.deepEqual((await calls(page, "copy_text"))[0].args, { text: `${CLI} capture --all --upload` });
  assert.deepEqual(problems, []);
  await page.close();
});

test("on X11 the card is collapsed and asks the shell only when opened", async () => {
  const { page, problems } = await openSettings({ view: configuredView(), responses: { shortcuts_status: status({ session: "x11" }) } });
  const details = page.locator("#shortcuts details");
  await details.waitFor();
  assert.equal(await details.evaluate((d) => d.open), false);
  assert.equal((await calls(page, "shortcuts_status")).length, 0);
  mkdirSync(shotsDir, { recursive: true });
  await page.locator("#shortcuts").screenshot({ path: join(shotsDir, "settings-shortcuts-x11-light.png") });
  await page.locator("#shortcuts summary").click();
  await page.locator("#shortcuts [data-list='planned']").waitFor();
  assert.equal((await calls(page, "shortcuts_status")).length, 1);
  assert.equal(await page.locator("#shortcuts .shortcuts-permission").count(), 0, "the portal permission is a Wayland matter");
  // A state change (a settings save elsewhere) keeps it open.
  await page.evaluate((v) => window.__MOCK__.emit("state://changed", v), configuredView());
  assert.equal(await details.evaluate((d) => d.open), true);
  assert.deepEqual(problems, []);
  await page.close();
});

for (const scheme of ["light", "dark"]) {
  test(`the card renders in ${scheme}`, async () => {
    // Tall enough for the whole card: an element screenshot is cut at the viewport.
    const { page, problems } = await openSettings({ colorScheme: scheme, viewport: { width: 720, height: 1800 } });
    mkdirSync(shotsDir, { recursive: true });
    await page.locator("#shortcuts [data-list='planned']").waitFor();
    await page.locator("#shortcuts").screenshot({ path: join(shotsDir, `settings-shortcuts-${scheme}.png`) });
    await page.click("#shortcuts-install");
    await page.locator("#shortcuts-result").waitFor();
    await page.locator("#shortcuts").screenshot({ path: join(shotsDir, `settings-shortcuts-result-${scheme}.png`) });
    assert.deepEqual(problems, []);
    await page.close();
  });
}
