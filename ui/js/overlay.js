// The region overlay page (one per monitor): asks the shell for its monitor (`overlay_init`), shows
// the frozen picture, tells the shell to show the window once it is drawn (`overlay_ready`), then
// follows the pointer and keys through overlay-logic.js and draws the frame, crosshair, size readout
// and magnifier. A choice goes to `overlay_confirm`, Esc to `overlay_cancel`; the shell then
// destroys every overlay window.

import { invoke } from "./ipc.js";
import * as L from "./overlay-logic.js";

const $ = (id) => document.getElementById(id);
/** Device pixels shown across the magnifier (odd, so one sits in the middle). */
const LOUPE_PIXELS = 15;
const LOUPE_CSS = 150;

let info = null;
let state = null;
let scale = 1;
let finished = false;
let pointerSeen = false;
let frame = 0;
let canRead = true;

/** Resolves when `img` has loaded `url` (load events fire in hidden windows; decode() may not). */
function load(img, url, cors) {
  return new Promise((resolve, reject) => {
    img.onload = () => resolve();
    img.onerror = () => reject(new Error(`cannot load ${url}`));
    if (cors) img.crossOrigin = "anonymous";
    else img.removeAttribute("crossorigin");
    img.src = url;
  });
}

/** Loads the picture; with CORS first (so the magnifier can name a pixel's colour), else without. */
async function loadPicture(url) {
  const img = $("shot");
  try {
    await load(img, url, true);
  } catch {
    canRead = false;
    await load(img, url, false);
  }
}

async function start() {
  try {
    info = await invoke("overlay_init");
  } catch (err) {
    console.error(`overlay_init failed: ${err.message}`);
    return;
  }
  scale = info.scale > 0 ? info.scale : window.devicePixelRatio || 1;
  state = L.createState(info.rect.width, info.rect.height, L.localWindows(info.windows, info.rect));
  try {
    await loadPicture(info.image);
  } catch {
    console.error("the frozen picture did not load");
    void invoke("overlay_cancel").catch(() => {});
    return;
  }
  wire();
  render();
  document.body.dataset.ready = "1";
  // Not requestAnimationFrame: it does not run while the window is still hidden.
  try {
    await invoke("overlay_ready");
  } catch (err) {
    console.error(`overlay_ready failed: ${err.message}`);
  }
  window.focus();
}

function devicePoint(e) {
  return L.toDevice(e.clientX, e.clientY, scale, state.width, state.height);
}

function wire() {
  window.addEventListener("mousemove", (e) => {
    pointerSeen = true;
    L.pointerMove(state, devicePoint(e));
    schedule();
  });
  window.addEventListener("mousedown", (e) => {
    if (finished) return;
    if (e.button === 2 && state.mode === "drag") {
      state.mode = "idle"; // right button: drop the drag, keep the overlay
      document.body.classList.remove("is-dragging");
      schedule();
      return;
    }
    if (e.button !== 0) return;
    e.preventDefault();
    pointerSeen = true;
    L.pointerDown(state, devicePoint(e));
    document.body.classList.add("is-dragging");
    schedule();
  });
  window.addEventListener("mouseup", (e) => {
    if (finished || e.button !== 0) return;
    document.body.classList.remove("is-dragging");
    const out = L.pointerUp(state, devicePoint(e));
    if (out?.confirm) finish(out.confirm);
    else schedule();
  });
  window.addEventListener("contextmenu", (e) => e.preventDefault());
  window.addEventListener("keydown", (e) => {
    if (finished) return;
    const out = L.keyDown(state, e.key, e.shiftKey);
    if (!out) return;
    e.preventDefault();
    if (out.cancel) {
      finished = true;
      invoke("overlay_cancel").catch((err) => console.error(`overlay_cancel failed: ${err.message}`));
    } else if (out.confirm) {
      finish(out.confirm);
    } else {
      schedule();
    }
  });
  window.addEventListener("blur", () => document.body.classList.remove("is-dragging"));
}

function finish(choice) {
  finished = true;
  document.body.classList.remove("is-dragging");
  render();
  const selection = choice.kind === "window" ? { kind: "window", id: choice.id } : { kind: "rect", rect: L.toCss(choice.rect, scale) };
  invoke("overlay_confirm", { selection }).catch((err) => {
    // Refused (an empty area...): the overlay stays, so the person can select again or press Esc.
    console.warn(`overlay_confirm refused: ${err.message}`);
    finished = false;
    schedule();
  });
}

function schedule() {
  if (!frame) frame = requestAnimationFrame(() => {
    frame = 0;
    render();
  });
}

function place(el, x, y, w, h) {
  el.style.left = `${x}px`;
  el.style.top = `${y}px`;
  if (w !== undefined) el.style.width = `${w}px`;
  if (h !== undefined) el.style.height = `${h}px`;
}

function render() {
  const hl = L.highlight(state);
  const frameEl = $("frame");
  const shown = hl && hl.rect.width > 0 && hl.rect.height > 0;
  frameEl.hidden = !shown;
  $("shade").hidden = !!shown;
  if (shown) {
    const r = L.toCss(hl.rect, scale);
    place(frameEl, r.x, r.y, r.width, r.height);
    frameEl.classList.toggle("is-window", hl.kind === "window");
  }
  const focus = L.focusPoint(state);
  const p = { x: focus.x / scale, y: focus.y / scale };
  const idle = state.mode === "idle" && pointerSeen && !finished;
  $("cross-h").hidden = !idle;
  $("cross-v").hidden = !idle;
  if (idle) {
    $("cross-h").style.top = `${p.y}px`;
    $("cross-v").style.left = `${p.x}px`;
  }
  renderReadout(hl);
  renderLoupe(p);
  const hint = $("hint").getBoundingClientRect();
  $("hint").classList.toggle("is-away", pointerSeen && p.y < hint.bottom + 40 && p.x > hint.left - 40 && p.x < hint.right + 40);
}

function renderReadout(hl) {
  const el = $("readout");
  el.hidden = !hl || finished || hl.rect.width === 0;
  if (el.hidden) return;
  el.replaceChildren();
  const size = `${hl.rect.width} × ${hl.rect.height}`;
  if (hl.kind === "window") {
    el.append(hl.title || "Window");
    const muted = document.createElement("span");
    muted.className = "muted";
    muted.textContent = size;
    el.append(muted);
  } else {
    el.append(size);
  }
  const r = L.toCss(hl.rect, scale);
  const at = L.readoutPosition(r, el.offsetHeight || 24);
  place(el, Math.min(at.x, window.innerWidth - el.offsetWidth - 4), at.y);
}

function renderLoupe(p) {
  const box = $("loupe");
  box.hidden = !pointerSeen || finished;
  if (box.hidden) return;
  const canvas = $("loupe-canvas");
  const dpr = window.devicePixelRatio || 1;
  const size = Math.round(LOUPE_CSS * dpr);
  if (canvas.width !== size) canvas.width = canvas.height = size;
  const ctx = canvas.getContext("2d");
  const half = (LOUPE_PIXELS - 1) / 2;
  const cell = size / LOUPE_PIXELS;
  const { x, y } = L.focusPoint(state);
  ctx.imageSmoothingEnabled = false;
  ctx.fillStyle = "#000";
  ctx.fillRect(0, 0, size, size);
  ctx.drawImage($("shot"), x - half, y - half, LOUPE_PIXELS, LOUPE_PIXELS, 0, 0, size, size);
  const colour = pixelColour(ctx, Math.round(half * cell + cell / 2)); // before the grid is drawn over it
  ctx.strokeStyle = "rgb(255 255 255 / 14%)";
  ctx.lineWidth = 1;
  ctx.beginPath();
  for (let i = 1; i < LOUPE_PIXELS; i++) {
    const v = Math.round(i * cell) + 0.5;
    ctx.moveTo(v, 0);
    ctx.lineTo(v, size);
    ctx.moveTo(0, v);
    ctx.lineTo(size, v);
  }
  ctx.stroke();
  // The pointer's row and column, then its pixel, outlined dark and light so it shows on any colour.
  ctx.fillStyle = "rgb(139 147 255 / 22%)";
  ctx.fillRect(0, half * cell, size, cell);
  ctx.fillRect(half * cell, 0, cell, size);
  const line = Math.max(1, Math.round(dpr));
  ctx.lineWidth = line;
  ctx.strokeStyle = "rgb(0 0 0 / 70%)";
  ctx.strokeRect(half * cell - line / 2, half * cell - line / 2, cell + line, cell + line);
  ctx.strokeStyle = "#ffffff";
  ctx.strokeRect(half * cell + line / 2, half * cell + line / 2, cell - line, cell - line);
  renderLoupeInfo(colour);
  const boxW = box.offsetWidth || 154;
  const boxH = box.offsetHeight || 176;
  const at = L.loupePosition(p.x, p.y, boxW, boxH, window.innerWidth, window.innerHeight);
  place(box, at.x, at.y);
}

/** The colour at canvas pixel (c, c) as #rrggbb, or null when the canvas cannot be read. */
function pixelColour(ctx, c) {
  if (!canRead) return null;
  try {
    const [r, g, b] = ctx.getImageData(c, c, 1, 1).data;
    return `#${[r, g, b].map((v) => v.toString(16).padStart(2, "0")).join("")}`;
  } catch {
    canRead = false; // a tainted canvas: coordinates only
    return null;
  }
}

function renderLoupeInfo(hex) {
  const el = $("loupe-info");
  el.replaceChildren();
  const coords = document.createElement("span");
  const f = L.focusPoint(state);
  coords.textContent = `${info.rect.x + f.x}, ${info.rect.y + f.y}`;
  el.append(coords);
  if (!hex) return;
  const colour = document.createElement("span");
  const swatch = document.createElement("span");
  swatch.className = "swatch";
  swatch.style.background = hex;
  colour.append(swatch, hex);
  el.append(colour);
}

void start();
