// The upload queue: one row per job, fed by UploadEvents (from this window's per-call Channel and
// from `upload://event` for hotkey/tray/file-manager uploads). A row goes waiting -> progress ->
// result card (thumbnail, size, one-click copy buttons) or error (message, advice, Settings/Retry).
// Window uploads are grouped in a "batch" whose anchor row shows "Preparing…" until the shell
// names the files, so the jobs of one drop stay together and in order, newest batch on top.

import { announce, byId, clear, h } from "./dom.js";
import { baseName, errorAdvice, formatBytes } from "./format.js";
import { channel, invoke } from "./ipc.js";
import { emit } from "./state.js";
import { renderResult } from "./result.js";

const jobs = new Map(); // job number -> {row, name, batch, done}
const shownHistory = new Set(); // history ids that already have a card

const ORIGIN_WORDS = { hotkey: "hotkey", tray: "tray", "file-manager": "file manager", clipboard: "clipboard" };

/** Wires the queue header; call once. */
export function initQueue() {
  byId("queue-clear").addEventListener("click", () => {
    for (const row of [...byId("queue").querySelectorAll(".job[data-state='done'], .job[data-state='failed']")]) {
      removeRow(row);
    }
    announce("Cleared finished uploads.");
  });
}

function list() {
  return byId("queue");
}

// Shows the header and shrinks the drop area once there is something to list.
function refreshChrome() {
  const count = list().children.length;
  byId("queue-head").hidden = count === 0;
  byId("view-upload").classList.toggle("has-queue", count > 0);
}

function removeRow(row) {
  row.remove();
  for (const [job, entry] of jobs) if (entry.row === row) jobs.delete(job);
  refreshChrome();
}

function dismissButton(row) {
  return h("button", {
    type: "button",
    class: "dismiss",
    "aria-label": "Remove from list",
    title: "Remove from list",
    text: "×",
    on: { click: () => removeRow(row) },
  });
}

/**
 * Starts a batch for a window upload: a "Preparing…" row at the top of the queue. Returns the
 * batch, to pass to `eventHandler`, `settleBatch` and `failBatch`.
 */
export function startBatch(label, profile, replace = null) {
  const anchor = h(
    "li",
    { class: "job", "data-state": "preparing" },
    h("div", { class: "job-body" }, h("div", { class: "job-title" }, h("span", { class: "name", text: label })), h("progress", { class: "bar", "aria-label": `Preparing ${label}` }), h("p", { class: "job-note", text: "Preparing…" })),
  );
  if (replace) replace.replaceWith(anchor);
  else list().prepend(anchor);
  refreshChrome();
  return { anchor, profile, label, sawJobs: false };
}

/** A Channel whose UploadEvents land in this batch. */
export function batchChannel(batch) {
  return channel((ev) => handleEvent(ev, null, batch));
}

/** Handles one UploadEvent. `origin` is set for uploads started outside the window. */
export function handleEvent(ev, origin = null, batch = null) {
  if (!ev || typeof ev !== "object" || typeof ev.job !== "number") return;
  let entry = jobs.get(ev.job);
  if (!entry) {
    entry = createJob(ev, origin, batch);
  }
  switch (ev.event) {
    case "queued":
      if (ev.name) setName(entry, ev.name);
      break;
    case "progress":
      if (!entry.done) showProgress(entry, ev.sent, ev.total);
      break;
    case "done":
      showDone(entry, ev.result);
      break;
    case "failed":
      if (ev.name) setName(entry, ev.name);
      showFailed(entry, ev.error, ev.history_id ?? null, ev.retry_at ?? null);
      break;
    default:
      break;
  }
}

function createJob(ev, origin, batch) {
  const name = ev.name || (ev.result ? baseName(ev.result.source) : `Upload ${ev.job}`);
  const row = h("li", { class: "job", "data-state": "waiting", "data-job": String(ev.job) });
  const entry = { job: ev.job, row, name, batch, origin, done: false };
  jobs.set(ev.job, entry);
  if (batch) {
    batch.sawJobs = true;
    batch.anchor.hidden = true;
    batch.anchor.before(row);
  } else {
    list().prepend(row);
  }
  renderWaiting(entry);
  refreshChrome();
  return entry;
}

function setName(entry, name) {
  entry.name = name;
  const el = entry.row.querySelector(".name");
  if (el) el.textContent = name;
}

function titleLine(entry, ...extra) {
  const origin = entry.origin ? ORIGIN_WORDS[entry.origin] ?? entry.origin : null;
  return h(
    "div",
    { class: "job-title" },
    h("span", { class: "name", text: entry.name, title: entry.name }),
    origin ? h("span", { class: "badge", text: `from ${origin}` }) : null,
    ...extra,
  );
}

function renderWaiting(entry) {
  const row = entry.row;
  clear(row);
  row.dataset.state = "waiting";
  row.append(
    h(
      "div",
      { class: "job-body" },
      titleLine(entry),
      h("progress", { class: "bar", max: "1", "aria-label": `Upload of ${entry.name}` }),
      h("p", { class: "job-note", text: "Waiting…" }),
    ),
  );
}

function showProgress(entry, sent, total) {
  if (entry.row.dataset.state !== "uploading") {
    renderWaiting(entry);
    entry.row.dataset.state = "uploading";
  }
  const bar = entry.row.querySelector("progress");
  const note = entry.row.querySelector(".job-note");
  if (typeof total === "number" && total > 0) {
    const fraction = Math.min(1, Math.max(0, sent / total));
    bar.value = fraction;
    const pct = Math.round(fraction * 100);
    note.textContent = fraction >= 1 ? "Sent. Waiting for the server…" : `${pct}% · ${formatBytes(sent)} of ${formatBytes(total)}`;
  } else {
    bar.removeAttribute("value");
    note.textContent = `${formatBytes(sent) || "0 B"} sent`;
  }
}

function showDone(entry, result) {
  if (!result) return;
  entry.done = true;
  if (typeof result.history_id === "number") shownHistory.add(result.history_id);
  const row = entry.row;
  clear(row);
  row.dataset.state = "done";
  if (!entry.name || entry.name.startsWith("Upload ")) entry.name = baseName(result.source) || entry.name;
  row.append(...renderResult(entry, result, titleLine), dismissButton(row));
  announce(`${entry.name} uploaded.${result.copied ? " Link copied." : ""}`, "ok");
}

function showFailed(entry, error, historyId, retryAt = null) {
  if (retryAt && typeof historyId === "number") return showWaiting(entry, error, historyId, retryAt);
  entry.historyId = historyId;
  entry.done = true;
  const err = error && typeof error === "object" ? error : { kind: "app", message: String(error ?? "Upload failed.") };
  const advice = errorAdvice(err.kind);
  const row = entry.row;
  clear(row);
  row.dataset.state = "failed";
  row.dataset.kind = err.kind ?? "app";
  const actions = [];
  if (advice.action === "settings") {
    actions.push(
      h("button", {
        type: "button",
        class: "btn btn-small",
        text: "Open Settings",
        on: { click: () => emit("nav", { view: "settings", profile: entry.batch?.profile ?? null }) },
      }),
    );
  }
  if (advice.action === "retry" && typeof historyId === "number") {
    actions.push(h("button", { type: "button", class: "btn btn-small", text: "Retry", on: { click: () => retry(historyId, entry) } }));
  }
  row.append(
    h("div", { class: "err-icon", "aria-hidden": "true", text: "!" }),
    h(
      "div",
      { class: "job-body" },
      titleLine(entry),
      h("p", { class: "err-msg", text: err.message || "Upload failed." }),
      advice.hint ? h("p", { class: "err-hint", text: advice.hint }) : null,
      actions.length ? h("div", { class: "actions" }, ...actions) : null,
    ),
    dismissButton(row),
  );
  announce(`${entry.name}: ${err.message || "upload failed"}`, "error");
}

/** A job that did not go out yet but stays queued: when it goes out again, Retry now, Cancel. */
function showWaiting(entry, error, historyId, retryAt) {
  entry.historyId = historyId;
  entry.done = true;
  const row = entry.row;
  clear(row);
  row.dataset.state = "waiting-retry";
  const at = new Date(retryAt);
  const when = Number.isNaN(at.getTime()) ? retryAt : at.toLocaleTimeString();
  const message = error?.message || "The server did not answer.";
  row.append(
    h("div", { class: "err-icon wait-icon", "aria-hidden": "true", text: "⏳" }),
    h(
      "div",
      { class: "job-body" },
      titleLine(entry),
      h("p", { class: "err-msg", text: message }),
      h("p", { class: "err-hint", text: `Queued: it goes out by itself as soon as the server answers (next try at ${when}). The file is kept.` }),
      h(
        "div",
        { class: "actions" },
        h("button", { type: "button", class: "btn btn-small", text: "Retry now", on: { click: () => retry(historyId, entry) } }),
        h("button", {
          type: "button",
          class: "btn btn-small",
          text: "Cancel",
          on: {
            click: async () => {
              try {
                await invoke("queue_cancel", { id: historyId });
                row.remove();
                jobs.delete(entry.job);
                announce(`Cancelled ${entry.name}; the file is kept.`, "ok");
              } catch (err) {
                announce(err.message, "error");
              }
            },
          },
        }),
      ),
    ),
    dismissButton(row),
  );
  announce(`${entry.name}: queued, ${message}`, "error");
}

/** Retries a failed upload from the history (`history_retry`), in place of its error row. */
export async function retry(historyId, entry = null) {
  // A retry from the History view replaces the queue's error row for the same upload, if any.
  entry = entry ?? [...jobs.values()].find((e) => e.historyId === historyId) ?? null;
  const batch = startBatch(entry?.name ?? `Upload ${historyId}`, entry?.batch?.profile ?? null, entry?.row ?? null);
  if (entry) jobs.delete(entry.job);
  try {
    const result = await invoke("history_retry", { id: historyId, onEvent: batchChannel(batch) });
    settleBatch(batch, result ? [result] : []);
  } catch (err) {
    failBatch(batch, err);
  }
}

/** Ends a batch with the command's results: shows cards the channel did not already show. */
export function settleBatch(batch, results) {
  for (const result of Array.isArray(results) ? results : []) {
    if (!result || (typeof result.history_id === "number" && shownHistory.has(result.history_id))) continue;
    const job = -Math.floor(Math.random() * 1e9) - 1; // local id: never clashes with the shell's
    const entry = createJob({ job, name: baseName(result.source) }, null, batch);
    showDone(entry, result);
  }
  if (!batch.sawJobs && (!results || results.length === 0)) {
    announce(`Nothing to upload in ${batch.label}.`);
  }
  batch.anchor.remove();
  refreshChrome();
}

/** Ends a batch whose command failed. Shows the error on the batch row unless jobs showed it. */
export function failBatch(batch, error) {
  if (batch.sawJobs) {
    batch.anchor.remove();
    refreshChrome();
    if (error?.message) announce(error.message, "error");
    return;
  }
  const job = -Math.floor(Math.random() * 1e9) - 1;
  const entry = { job, row: batch.anchor, name: batch.label, batch, origin: null, done: false };
  batch.anchor.hidden = false;
  jobs.set(job, entry);
  showFailed(entry, error, null);
}
