// The History view: a searchable grid of past uploads (`history_list`), each tile with a status
// badge and actions: copy link, open in the browser, delete on the server (after a confirmation
// that names the file), forget locally, retry when it failed. Reloads on `history://changed`.

import { announce, byId, clear, debounce, flashCopied, h } from "./dom.js";
import { confirmDialog } from "./dialog.js";
import { baseName, formatBytes, formatDate, formatDims, joinMeta } from "./format.js";
import { invoke, listen } from "./ipc.js";
import { retry } from "./queue.js";
import { emit, on, profile, profileLabel } from "./state.js";
import { thumbnail } from "./result.js";

const LIMIT = 300;
const STATUS_WORDS = { pending: "Queued", uploading: "Uploading", uploaded: "Uploaded", failed: "Failed", deleted: "Deleted", cancelled: "Cancelled" };

let visible = false;
let stale = true; // reload when the view is next shown
let loadSeq = 0;

/** Wires the view; call once. */
export function initHistory() {
  const search = byId("history-search");
  const reload = debounce(() => load(), 250);
  search.addEventListener("input", reload);
  search.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && search.value) {
      search.value = "";
      void load();
    }
  });
  byId("history-refresh").addEventListener("click", () => load());
  on("view", (view) => {
    visible = view === "history";
    if (visible && stale) void load();
  });
  const changed = debounce(() => {
    if (visible) void load();
    else stale = true;
  }, 300);
  void listen("history://changed", changed);
}

/** Reloads the grid for the current search. */
export async function load() {
  const seq = ++loadSeq;
  const query = byId("history-search").value.trim();
  let items;
  try {
    items = await invoke("history_list", { search: query || null, limit: LIMIT });
  } catch (err) {
    if (seq !== loadSeq) return;
    showEmpty(`Could not read the history: ${err.message}`);
    clear(byId("history-grid"));
    return;
  }
  if (seq !== loadSeq) return; // a newer search answered first
  stale = false;
  render(Array.isArray(items) ? items : [], query);
}

function showEmpty(text) {
  const el = byId("history-empty");
  el.textContent = text;
  el.hidden = !text;
}

function render(items, query) {
  const grid = byId("history-grid");
  // Keep the focus on the same tile's action across a reload (history://changed fires often).
  const focused = document.activeElement?.closest?.(".tile");
  const focusKey = focused ? [focused.dataset.id, document.activeElement.dataset.action] : null;
  clear(grid);
  if (items.length === 0) {
    showEmpty(query ? `Nothing matches “${query}”.` : "No uploads yet. Drop a file on the Upload view to start.");
    return;
  }
  showEmpty("");
  for (const item of items) grid.append(tile(item));
  if (focusKey) grid.querySelector(`.tile[data-id="${CSS.escape(focusKey[0])}"] [data-action="${focusKey[1]}"]`)?.focus();
}

function itemName(item) {
  return baseName(item.local_path || item.source || item.url) || `Upload ${item.id}`;
}

function tile(item) {
  const name = itemName(item);
  const server = profile(item.profile);
  const canLink = item.status === "uploaded" && !!(item.url || item.url_short || item.url_viewer);
  const actions = [];
  if (canLink) {
    actions.push(
      action("copy", "Copy", `Copy the link to ${name}`, async (btn) => {
        try {
          await invoke("history_copy", { id: item.id, target: "short" });
          flashCopied(btn);
          announce(`Link to ${name} copied.`, "ok");
        } catch (err) {
          announce(`Could not copy: ${err.message}`, "error");
        }
      }),
      action("open", "Open", `Open ${name} in the browser`, () => run(invoke("history_open", { id: item.id }), null)),
    );
  }
  if (item.status === "failed" || item.status === "cancelled" || item.status === "pending") {
    const label = item.status === "pending" ? "Retry now" : "Retry";
    actions.push(
      action("retry", label, `Upload ${name} again`, () => {
        emit("nav", { view: "upload" });
        void retry(item.id, null);
      }),
    );
  }
  if (item.status === "pending" || item.status === "uploading") {
    actions.push(action("cancel", "Cancel", `Cancel the upload of ${name} (the file is kept)`, () => run(invoke("queue_cancel", { id: item.id }), `Cancelled ${name}.`)));
  }
  if (item.status === "uploaded" && item.has_delete_url) {
    actions.push(action("delete", "Delete", `Delete ${name} from the server`, () => deleteRemote(item, name), "danger"));
  }
  actions.push(action("forget", "Forget", `Remove ${name} from this list (the file stays on the server)`, () => forget(item, name)));

  const where = server ? profileLabel(server) : item.profile;
  const meta = joinMeta(formatDims(item.width, item.height), formatBytes(item.size));
  return h(
    "li",
    { class: "tile", "data-id": String(item.id), "data-status": item.status },
    h("div", { class: "tile-media" }, thumbnail(item.thumb_url, item.url, item.mime, name), h("span", { class: `status status-${item.status}`, text: STATUS_WORDS[item.status] ?? item.status })),
    h(
      "div",
      { class: "tile-body" },
      h("p", { class: "tile-name", text: name, title: name }),
      h("p", { class: "tile-meta", text: joinMeta(formatDate(item.created_at), where) }),
      meta ? h("p", { class: "tile-meta", text: meta }) : null,
      (item.status === "failed" || item.status === "pending") && item.error ? h("p", { class: "tile-error", text: waitingText(item), title: item.error }) : null,
      h("div", { class: "tile-actions" }, ...actions),
    ),
  );
}

function action(key, label, title, fn, tone = "") {
  return h("button", {
    type: "button",
    class: `btn btn-small ${tone === "danger" ? "btn-quiet btn-danger-text" : "btn-quiet"}`,
    "data-action": key,
    text: label,
    title,
    "aria-label": title,
    on: { click: (e) => fn(e.currentTarget) },
  });
}

async function run(promise, okMessage) {
  try {
    await promise;
    if (okMessage) announce(okMessage, "ok");
    return true;
  } catch (err) {
    announce(err.message, "error");
    return false;
  }
}

async function deleteRemote(item, name) {
  const yes = await confirmDialog({
    title: `Delete “${name}” from the server?`,
    body: "The file is removed from the server for everyone and its links stop working. This can't be undone.",
    confirmLabel: "Delete on server",
    danger: true,
  });
  if (!yes) return;
  if (await run(invoke("history_delete_remote", { id: item.id }), `${name} was deleted from the server.`)) void load();
}

async function forget(item, name) {
  // Forgetting drops the only copy of the delete link: say so before it is gone.
  if (item.status === "uploaded" && item.has_delete_url) {
    const yes = await confirmDialog({
      title: `Forget “${name}”?`,
      body: "It stays on the server, but Slingshot forgets its delete link, so you can't delete it from here afterwards.",
      confirmLabel: "Forget",
    });
    if (!yes) return;
  }
  if (await run(invoke("history_forget", { id: item.id }), `${name} was removed from the history. The file stays on the server.`)) void load();
}

/** The error line of a failed or waiting entry; a waiting one says when it goes out again. */
export function waitingText(item) {
  if (item.status !== "pending" || !item.next_attempt_at) return item.error;
  const at = new Date(item.next_attempt_at);
  const when = Number.isNaN(at.getTime()) ? item.next_attempt_at : at.toLocaleTimeString();
  return `${item.error} Next try at ${when} (attempt ${item.attempts + 1}).`;
}
