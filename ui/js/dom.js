// Small DOM helpers: build elements without innerHTML (text is never parsed as markup, so names and
// server messages cannot inject anything), the status line, and the "Copied" button state.

/**
 * Creates an element. `props`: `class`, `text`, `dataset`, `on` ({click: fn}), attributes (strings;
 * `true` sets an empty attribute, false/null skips) and DOM properties prefixed with `.` (e.g.
 * `.value`). Children: nodes or strings; null/false are skipped.
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") el.className = value;
    else if (key === "text") el.textContent = value;
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (key === "on") for (const [evt, fn] of Object.entries(value)) el.addEventListener(evt, fn);
    else if (key.startsWith(".")) el[key.slice(1)] = value;
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
}

/** Removes every child of `el`. */
export function clear(el) {
  while (el.firstChild) el.firstChild.remove();
}

/** `document.getElementById`, for brevity. */
export function byId(id) {
  return document.getElementById(id);
}

let statusTimer = null;

/**
 * Shows a message on the status line (an aria-live region, so screen readers read it).
 * `tone`: "info" | "ok" | "error".
 */
export function announce(message, tone = "info") {
  const el = byId("status");
  if (!el) return;
  el.textContent = message;
  el.dataset.tone = tone;
  el.parentElement?.setAttribute("data-tone", tone);
  clearTimeout(statusTimer);
  // Errors stay longer: the row that failed keeps the details, the status line is the headline.
  statusTimer = setTimeout(() => {
    el.textContent = "Ready.";
    el.dataset.tone = "info";
    el.parentElement?.setAttribute("data-tone", "info");
  }, tone === "error" ? 15000 : 6000);
}

/** Flips a button to a brief "Copied" state, keeping its width so the row does not jump. */
export function flashCopied(button, label = "Copied") {
  if (!button.dataset.label) button.dataset.label = button.textContent;
  button.style.minWidth = `${button.offsetWidth}px`;
  button.textContent = label;
  button.classList.add("copied");
  clearTimeout(button._copiedTimer);
  button._copiedTimer = setTimeout(() => {
    button.textContent = button.dataset.label;
    button.classList.remove("copied");
    button.style.minWidth = "";
  }, 1400);
}

/** Runs `fn` at most once per `ms` of quiet (search boxes, bursts of events). */
export function debounce(fn, ms) {
  let timer = null;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}
