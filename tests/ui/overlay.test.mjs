// The region overlay (ui/overlay.html): its selection logic on its own (overlay-logic.js, in Node),
// then the page in headless Chromium with the mocked Tauri IPC: what it sends to the shell for a
// drag, a click on a window, arrows and Shift+arrows, Enter, Esc, and at scale 2 (CSS pixels sent,
// physical pixels shown). Screenshots land in target/ui-shots/overlay-*.png.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { calls, repo, shot, useBrowser } from "./harness.mjs";
import * as L from "../../ui/js/overlay-logic.js";

// ---------- logic ----------

const windows = [
  { id: 7, title: "Top", rect: { x: 120, y: 120, width: 100, height: 100 } },
  { id: 8, title: "Below", rect: { x: 100, y: 100, width: 400, height: 300 } },
];

test("a drag selects exactly from the press to the release, whatever the direction", () => {
  const s = L.createState(1280, 800, windows);
  L.pointerDown(s, { x: 400, y: 300 });
  L.pointerMove(s, { x: 100, y: 120 });
  assert.deepEqual(L.selection(s), { x: 100, y: 120, width: 300, height: 180 });
  const out = L.pointerUp(s, { x: 100, y: 100 });
  assert.deepEqual(out, { confirm: { kind: "rect", rect: { x: 100, y: 100, width: 300, height: 200 } } });
  assert.equal(s.mode, "idle");
});

test("a click takes the topmost window under it; a click on nothing does nothing", () => {
  const s = L.createState(1280, 800, windows);
  L.pointerMove(s, { x: 150, y: 150 });
  assert.equal(L.highlight(s).title, "Top");
  L.pointerDown(s, { x: 150, y: 150 });
  assert.deepEqual(L.pointerUp(s, { x: 151, y: 152 }), { confirm: { kind: "window", id: 7 } });
  L.pointerDown(s, { x: 900, y: 700 });
  assert.equal(L.pointerUp(s, { x: 900, y: 700 }), null);
  assert.equal(s.mode, "idle");
});

test("arrows move the selection, Shift+arrows resize it, and moving stops at the edges", () => {
  const s = L.createState(200, 100, []);
  L.pointerDown(s, { x: 10, y: 10 });
  L.pointerMove(s, { x: 60, y: 40 });
  for (let i = 0; i < 2; i++) assert.deepEqual(L.keyDown(s, "ArrowRight"), { handled: true });
  for (let i = 0; i < 3; i++) L.keyDown(s, "ArrowDown", true);
  assert.deepEqual(L.selection(s), { x: 12, y: 10, width: 50, height: 33 });
  for (let i = 0; i < 50; i++) L.keyDown(s, "ArrowUp");
  assert.deepEqual(L.selection(s), { x: 12, y: 0, width: 50, height: 33 }, "stopped at the top edge, size kept");
  assert.deepEqual(L.pointerUp(s, { x: 60, y: 40 }).confirm.rect, { x: 12, y: 0, width: 50, height: 33 });
  assert.equal(L.keyDown(s, "ArrowLeft"), null, "arrows do nothing without a selection");
});

test("Enter confirms the selection, else the hovered window, else the whole monitor; Esc cancels", () => {
  const s = L.createState(1280, 800, windows);
  assert.deepEqual(L.keyDown(s, "Enter"), { confirm: { kind: "rect", rect: { x: 0, y: 0, width: 1280, height: 800 } } });
  L.pointerMove(s, { x: 450, y: 350 });
  assert.deepEqual(L.keyDown(s, "Enter"), { confirm: { kind: "window", id: 8 } });
  L.pointerDown(s, { x: 0, y: 0 });
  L.pointerMove(s, { x: 5, y: 6 });
  assert.deepEqual(L.keyDown(s, "Enter"), { confirm: { kind: "rect", rect: { x: 0, y: 0, width: 5, height: 6 } } });
  assert.deepEqual(L.focusPoint(s), { x: 5, y: 6 }, "the magnifier follows the moving corner");
  assert.deepEqual(L.keyDown(s, "Escape"), { cancel: true });
  assert.equal(L.keyDown(s, "a"), null);
});

test("CSS and device pixels convert with the scale; windows are clipped to the monitor", () => {
  assert.deepEqual(L.toDevice(10.4, 99.9, 2, 100, 150), { x: 21, y: 150 });
  assert.deepEqual(L.toDevice(-5, 3, 1.5, 100, 100), { x: 0, y: 5 });
  assert.deepEqual(L.toCss({ x: 21, y: 4, width: 3, height: 200 }, 2), { x: 10.5, y: 2, width: 1.5, height: 100 });
  const monitor = { x: 1920, y: 0, width: 1280, height: 1024 };
  const local = L.localWindows(
    [
      { id: 1, title: "half", rect: { x: 1800, y: -20, width: 300, height: 100 } },
      { id: 2, title: "other monitor", rect: { x: 0, y: 0, width: 500, height: 500 } },
    ],
    monitor,
  );
  assert.deepEqual(local, [{ id: 1, title: "half", rect: { x: 0, y: 0, width: 180, height: 80 } }]);
});

test("the magnifier and the readout stay on screen", () => {
  assert.deepEqual(L.loupePosition(100, 100, 154, 176, 1280, 800), { x: 124, y: 124 });
  assert.deepEqual(L.loupePosition(1270, 790, 154, 176, 1280, 800), { x: 1092, y: 590 });
  assert.deepEqual(L.readoutPosition({ x: 50, y: 200, width: 10, height: 10 }, 24), { x: 50, y: 168 });
  assert.deepEqual(L.readoutPosition({ x: 50, y: 4, width: 10, height: 10 }, 24), { x: 50, y: 12 });
});

// ---------- the page ----------

const mockSource = await readFile(join(repo, "tests", "ui", "mock-tauri.js"), "utf8");
const ui = useBrowser();

function initFor(scale, width, height) {
  return {
    session: 3,
    screen: 1,
    screens: 2,
    rect: { x: 1920, y: 0, width: width * scale, height: height * scale },
    scale,
    image: "/__fixtures/thumb.png",
    windows: [{ id: 42, title: "Editor — notes.txt", rect: { x: 2020, y: 100, width: 400 * scale, height: 300 * scale } }],
  };
}

async function openOverlay({ scale = 1, width = 1280, height = 800 } = {}) {
  const context = await ui.browser.newContext({ viewport: { width, height }, deviceScaleFactor: scale, reducedMotion: "reduce" });
  const page = await context.newPage();
  const problems = [];
  page.on("pageerror", (err) => problems.push(`pageerror: ${err.message}`));
  page.on("console", (msg) => {
    if (msg.type() === "error" || /Content Security Policy/i.test(msg.text())) problems.push(`console: ${msg.text()}`);
  });
  const responses = { overlay_init: initFor(scale, width, height), overlay_ready: null, overlay_confirm: null, overlay_cancel: null };
  await page.addInitScript({ content: `${mockSource}\ninstallTauriMock(${JSON.stringify({ responses })});` });
  await page.goto(`${ui.origin}/overlay.html`);
  await page.waitForSelector("body[data-ready='1']");
  await page.waitForFunction(() => window.__MOCK__.callsOf("overlay_ready").length === 1);
  return { page, problems, close: () => context.close() };
}

const confirmed = async (page) => {
  await page.waitForFunction(() => window.__MOCK__.callsOf("overlay_confirm").length === 1);
  return (await calls(page, "overlay_confirm"))[0].args.selection;
};

test("page: the picture fills the screen, dimmed, and the window is shown once it is drawn", async () => {
  const { page, problems, close } = await openOverlay();
  const img = await page.locator("#shot").boundingBox();
  assert.deepEqual(img, { x: 0, y: 0, width: 1280, height: 800 });
  assert.equal(await page.locator("#shade").isVisible(), true);
  assert.equal(await page.locator("#frame").isVisible(), false);
  assert.equal((await calls(page, "overlay_init")).length, 1);
  await page.mouse.move(700, 600);
  await shot(page, "overlay-idle");
  assert.deepEqual(problems, []);
  await close();
});

test("page: hovering highlights a window and a click sends it", async () => {
  const { page, problems, close } = await openOverlay();
  await page.mouse.move(150, 150);
  const frame = page.locator("#frame");
  await frame.waitFor({ state: "visible" });
  assert.deepEqual(await frame.boundingBox(), { x: 100, y: 100, width: 400, height: 300 });
  assert.match(await frame.getAttribute("class"), /is-window/);
  // The magnifier names the true colour of the pixel (the fixture icon's corner is transparent: black).
  assert.match(await page.locator("#loupe-info").innerText(), /^2070, 150\s+#[0-9a-f]{6}$/);
  assert.match(await page.locator("#readout").innerText(), /Editor — notes\.txt\s*400 × 300/);
  await shot(page, "overlay-window");
  await page.mouse.down();
  await page.mouse.up();
  assert.deepEqual(await confirmed(page), { kind: "window", id: 42 });
  assert.deepEqual(problems, []);
  await close();
});

test("page: a drag with nudges sends its rectangle; the readout and magnifier follow", async () => {
  const { page, problems, close } = await openOverlay();
  await page.mouse.move(640, 300);
  await page.mouse.down();
  await page.mouse.move(900, 500, { steps: 4 });
  await page.keyboard.press("ArrowLeft");
  await page.keyboard.press("Shift+ArrowDown");
  // The readout is redrawn on the next animation frame: wait for it rather than race it.
  await page
    .waitForFunction(() => document.querySelector("#readout")?.innerText === "260 × 201", null, { timeout: 5000 })
    .catch(() => {});
  assert.equal(await page.locator("#readout").innerText(), "260 × 201");
  assert.equal(await page.locator("#loupe").isVisible(), true);
  assert.match(await page.locator("#loupe-info").innerText(), /^2819, 501/);
  assert.equal(await page.locator("#frame").isVisible(), true);
  await shot(page, "overlay-drag");
  await page.mouse.up();
  assert.deepEqual(await confirmed(page), { kind: "rect", rect: { x: 639, y: 300, width: 260, height: 201 } });
  assert.equal((await calls(page, "overlay_cancel")).length, 0);
  assert.deepEqual(problems, []);
  await close();
});

test("page: Esc cancels and nothing is confirmed", async () => {
  const { page, problems, close } = await openOverlay();
  await page.mouse.move(100, 100);
  await page.mouse.down();
  await page.mouse.move(300, 300);
  await page.keyboard.press("Escape");
  await page.waitForFunction(() => window.__MOCK__.callsOf("overlay_cancel").length === 1);
  await page.mouse.up();
  await page.keyboard.press("Enter");
  assert.equal((await calls(page, "overlay_confirm")).length, 0, "nothing after Esc");
  assert.deepEqual(problems, []);
  await close();
});

test("page: at scale 2 the readout counts physical pixels and CSS pixels go to the shell", async () => {
  const { page, problems, close } = await openOverlay({ scale: 2, width: 640, height: 400 });
  await page.mouse.move(10, 10);
  await page.mouse.down();
  await page.mouse.move(110, 60, { steps: 3 });
  assert.equal(await page.locator("#readout").innerText(), "200 × 100");
  await page.keyboard.press("Shift+ArrowRight"); // one physical pixel: half a CSS pixel
  await page.keyboard.press("Enter");
  assert.deepEqual(await confirmed(page), { kind: "rect", rect: { x: 10, y: 10, width: 100.5, height: 50 } });
  await page.mouse.up();
  assert.deepEqual(problems, []);
  await close();
});

test("page: a refused choice keeps the overlay usable (Esc still cancels)", async () => {
  const { page, problems, close } = await openOverlay();
  await page.evaluate(() => {
    window.__MOCK__.responses.overlay_confirm = { __error: { kind: "invalid_input", message: "The selected area is empty or outside the monitor" } };
  });
  await page.mouse.move(100, 100);
  await page.mouse.down();
  await page.mouse.move(300, 200, { steps: 2 });
  await page.mouse.up();
  await page.waitForFunction(() => window.__MOCK__.callsOf("overlay_confirm").length === 1);
  await page.keyboard.press("Escape");
  await page.waitForFunction(() => window.__MOCK__.callsOf("overlay_cancel").length === 1);
  assert.deepEqual(problems, []);
  await close();
});
