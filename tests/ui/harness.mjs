// Shared test plumbing: a static server for ui/ (with the app's CSP as a header, so a CSP
// violation shows up here as it would in the app), headless Debian Chromium through playwright-core,
// and a page with the mocked Tauri internals (mock-tauri.js) answering get_state with a fixture.

import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { existsSync, mkdirSync } from "node:fs";
import { dirname, extname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { after, before } from "node:test";

const here = dirname(fileURLToPath(import.meta.url));
export const repo = resolve(here, "..", "..");
const uiDir = join(repo, "ui");
export const shotsDir = join(repo, "target", "ui-shots");

/** The CSP the window runs under (tauri.conf.json, with img-src opened to server thumbnails). */
export const CSP = "default-src 'self'; img-src 'self' data: http: https:; style-src 'self'; script-src 'self'";

const TYPES = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".png": "image/png", ".svg": "image/svg+xml", ".md": "text/plain" };

/** Serves ui/ on 127.0.0.1 with a free port. `/__fixtures/thumb.png` is the app icon. */
export async function startServer() {
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
    let file;
    if (path === "/__fixtures/thumb.png") file = join(repo, "icons", "128x128.png");
    else file = normalize(join(uiDir, path === "/" ? "index.html" : path));
    if (!file.startsWith(uiDir + sep) && !path.startsWith("/__fixtures/")) {
      res.writeHead(403).end();
      return;
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream", "content-security-policy": CSP, "cache-control": "no-store" });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  const { port } = server.address();
  return { origin: `http://127.0.0.1:${port}`, close: () => new Promise((ok) => server.close(ok)) };
}

/** Debian's Chromium, headless, nothing that reaches the network by itself. */
export async function launch() {
  const executablePath = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
  if (!existsSync(executablePath)) throw new Error(`${executablePath} not found: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  return chromium.launch({
    executablePath,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

const mockSource = await readFile(join(here, "mock-tauri.js"), "utf8");

/**
 * Opens the window with the mock installed. `responses`: command -> answer (static JSON);
 * `deferred`: commands the test resolves by hand. Returns {page, problems} where problems collects
 * page errors, console errors and CSP violations (a test ends by asserting it is empty).
 */
export async function openApp(browser, origin, { view, responses = {}, deferred = [], colorScheme = "light", viewport = { width: 720, height: 560 } } = {}) {
  const context = await browser.newContext({ viewport, colorScheme, reducedMotion: "reduce" });
  const page = await context.newPage();
  const problems = [];
  page.on("pageerror", (err) => problems.push(`pageerror: ${err.message}`));
  page.on("console", (msg) => {
    if (msg.type() === "error" || /Content Security Policy/i.test(msg.text())) problems.push(`console: ${msg.text()}`);
  });
  const config = { responses: { get_state: view, history_list: [], copy_text: null, ...responses }, deferred };
  await page.addInitScript({ content: `${mockSource}\ninstallTauriMock(${JSON.stringify(config)});` });
  await page.goto(`${origin}/index.html`);
  await page.waitForSelector("body[data-ready='1']");
  // listen() is async: wait until the window subscribed to what the tests emit.
  await page.waitForFunction(() => ["drop://paths", "upload://event", "history://changed", "nav://show", "state://changed"].every((e) => window.__MOCK__.listenerCount(e) > 0));
  return { page, problems, context };
}

/** Every recorded invoke of `cmd` (args as the shell would receive them). */
export function calls(page, cmd) {
  return page.evaluate((c) => window.__MOCK__.callsOf(c), cmd);
}

/** Saves a screenshot under target/ui-shots/. */
export async function shot(page, name) {
  mkdirSync(shotsDir, { recursive: true });
  await page.screenshot({ path: join(shotsDir, `${name}.png`) });
}

/**
 * One static server and one browser for a test file, started before its tests and closed after.
 * Returns `{ origin, browser, open(opts) }`: `open` is `openApp` on that browser and server;
 * `browser` is for pages other than the main window (the overlay).
 */
export function useBrowser() {
  let server;
  let browser;
  before(async () => {
    server = await startServer();
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });
  return {
    get origin() {
      return server.origin;
    },
    get browser() {
      return browser;
    },
    open: (opts) => openApp(browser, server.origin, opts),
  };
}
