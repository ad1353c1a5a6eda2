// The region overlay's selection logic, without the DOM (so it can be tested on its own). It works
// in device pixels of one monitor (whole numbers, 0,0 = the monitor's top-left corner): the page
// converts pointer positions with the monitor's scale factor, so every edge lands on a real pixel,
// and the chosen rectangle goes back to the shell in CSS pixels, which it rounds back exactly.
//
// States: "idle" (the pointer moves; the window under it is highlighted) and "drag" (a button is
// held). Releasing the button confirms; a click without a drag takes the highlighted window.
// While dragging, arrows move the selection by one pixel and Shift+arrows resize it; Enter confirms
// (the selection, else the highlighted window, else the whole monitor); Esc cancels.

/** Below this many device pixels in both directions, a press and release is a click. */
export const CLICK_SLOP = 3;

/** Clamps `v` into [lo, hi]. */
export function clamp(v, lo, hi) {
  return Math.min(hi, Math.max(lo, v));
}

/** A CSS position to a device pixel position on a monitor of `width` x `height` device pixels. */
export function toDevice(cssX, cssY, scale, width, height) {
  return { x: clamp(Math.round(cssX * scale), 0, width), y: clamp(Math.round(cssY * scale), 0, height) };
}

/** A device rectangle to CSS pixels (what `overlay_confirm` takes). */
export function toCss(rect, scale) {
  return { x: rect.x / scale, y: rect.y / scale, width: rect.width / scale, height: rect.height / scale };
}

/**
 * The overlay's windows (virtual-screen pixels) moved to this monitor's device pixels and clipped
 * to it, topmost first, without those that are not on it.
 */
export function localWindows(windows, monitor) {
  const out = [];
  for (const w of windows ?? []) {
    const r = w.rect;
    const x0 = clamp(r.x - monitor.x, 0, monitor.width);
    const y0 = clamp(r.y - monitor.y, 0, monitor.height);
    const x1 = clamp(r.x + r.width - monitor.x, 0, monitor.width);
    const y1 = clamp(r.y + r.height - monitor.y, 0, monitor.height);
    if (x1 > x0 && y1 > y0) out.push({ id: w.id, title: w.title ?? "", rect: { x: x0, y: y0, width: x1 - x0, height: y1 - y0 } });
  }
  return out;
}

/** The topmost window containing the device pixel (x, y), or null. */
export function windowAt(windows, x, y) {
  return windows.find((w) => x >= w.rect.x && y >= w.rect.y && x < w.rect.x + w.rect.width && y < w.rect.y + w.rect.height) ?? null;
}

/** A fresh selection state for a monitor of `width` x `height` device pixels. */
export function createState(width, height, windows = []) {
  return { mode: "idle", width, height, windows, pointer: { x: 0, y: 0 }, anchor: null, move: { x: 0, y: 0 }, grow: { x: 0, y: 0 }, hover: null };
}

/** The dragged rectangle in device pixels (clipped to the monitor), or null when not dragging. */
export function selection(s) {
  if (s.mode !== "drag") return null;
  const ax = s.anchor.x + s.move.x;
  const ay = s.anchor.y + s.move.y;
  const bx = s.pointer.x + s.move.x + s.grow.x;
  const by = s.pointer.y + s.move.y + s.grow.y;
  const x0 = clamp(Math.min(ax, bx), 0, s.width);
  const y0 = clamp(Math.min(ay, by), 0, s.height);
  const x1 = clamp(Math.max(ax, bx), 0, s.width);
  const y1 = clamp(Math.max(ay, by), 0, s.height);
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/**
 * The pixel the magnifier looks at: the moving corner while dragging (so arrows show where the edge
 * lands), else the pointer.
 */
export function focusPoint(s) {
  if (s.mode !== "drag") return { x: s.pointer.x, y: s.pointer.y };
  return {
    x: clamp(s.pointer.x + s.move.x + s.grow.x, 0, s.width),
    y: clamp(s.pointer.y + s.move.y + s.grow.y, 0, s.height),
  };
}

/** What the highlight shows: the selection while dragging, else the window under the pointer. */
export function highlight(s) {
  if (s.mode === "drag") return { kind: "rect", rect: selection(s) };
  if (s.hover) return { kind: "window", rect: s.hover.rect, title: s.hover.title };
  return null;
}

/** The pointer moved to device pixel `p`. */
export function pointerMove(s, p) {
  s.pointer = { x: p.x, y: p.y };
  if (s.mode === "idle") s.hover = windowAt(s.windows, p.x, p.y);
}

/** The main button went down at `p`: a drag starts there. */
export function pointerDown(s, p) {
  pointerMove(s, p);
  s.mode = "drag";
  s.anchor = { x: p.x, y: p.y };
  s.move = { x: 0, y: 0 };
  s.grow = { x: 0, y: 0 };
}

/**
 * The button went up at `p`. Returns the outcome: `{confirm: {kind: "rect", rect}}` for a drag
 * (rect in device pixels), `{confirm: {kind: "window", id}}` for a click on a window, or null (a
 * click on nothing: back to idle).
 */
export function pointerUp(s, p) {
  if (s.mode !== "drag") return null;
  s.pointer = { x: p.x, y: p.y };
  const r = selection(s);
  const moved = Math.abs(p.x - s.anchor.x) >= CLICK_SLOP || Math.abs(p.y - s.anchor.y) >= CLICK_SLOP;
  const nudged = s.move.x || s.move.y || s.grow.x || s.grow.y;
  s.mode = "idle";
  if ((moved || nudged) && r.width > 0 && r.height > 0) return { confirm: { kind: "rect", rect: r } };
  const win = windowAt(s.windows, s.anchor.x, s.anchor.y);
  s.hover = windowAt(s.windows, p.x, p.y);
  return win ? { confirm: { kind: "window", id: win.id } } : null;
}

const ARROWS = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };

/**
 * A key press. Returns `{cancel: true}`, `{confirm: ...}` (as pointerUp), `{handled: true}` when
 * the state changed, or null for keys the overlay ignores.
 */
export function keyDown(s, key, shift = false) {
  if (key === "Escape") return { cancel: true };
  if (key === "Enter") {
    const r = selection(s);
    if (r && r.width > 0 && r.height > 0) {
      s.mode = "idle";
      return { confirm: { kind: "rect", rect: r } };
    }
    if (s.mode === "idle" && s.hover) return { confirm: { kind: "window", id: s.hover.id } };
    return { confirm: { kind: "rect", rect: { x: 0, y: 0, width: s.width, height: s.height } } };
  }
  const step = ARROWS[key];
  if (!step || s.mode !== "drag") return null;
  const target = shift ? s.grow : s.move;
  const before = selection(s);
  target.x += step[0];
  target.y += step[1];
  // Moving stops at the monitor's edges instead of shrinking the selection against them.
  const after = selection(s);
  if (!shift && (after.width !== before.width || after.height !== before.height)) {
    target.x -= step[0];
    target.y -= step[1];
  }
  return { handled: true };
}

/**
 * Where the magnifier goes: `gap` pixels right of and below the pointer (CSS), flipped to the other
 * side near the right or bottom edge so it stays on screen.
 */
export function loupePosition(px, py, boxW, boxH, viewW, viewH, gap = 24) {
  let x = px + gap;
  let y = py + gap;
  if (x + boxW > viewW) x = px - gap - boxW;
  if (y + boxH > viewH) y = py - gap - boxH;
  return { x: clamp(x, 0, Math.max(0, viewW - boxW)), y: clamp(y, 0, Math.max(0, viewH - boxH)) };
}

/** Where the size readout goes: above the rectangle's top-left corner, or inside it at the top edge. */
export function readoutPosition(rect, boxH, gap = 8) {
  const above = rect.y - boxH - gap;
  return { x: rect.x, y: above >= 0 ? above : rect.y + gap };
}
