// The Upload view's inputs: OS drops (the shell forwards their paths as `drop://paths`), HTML5
// drops as a fallback (no paths there: files are read as base64), paste (image bytes, copied files
// as file:// URIs, http(s) links) and the "Upload clipboard" button (the shell reads the clipboard
// itself). Every input ends in `uploadSources`/`uploadClipboard`, which take the option bar's request.

import { announce, byId } from "./dom.js";
import { baseName } from "./format.js";
import { invoke, listen } from "./ipc.js";
import { buildRequest, focusField } from "./options.js";
import { batchChannel, failBatch, settleBatch, startBatch } from "./queue.js";
import { emit } from "./state.js";

const MAX_INLINE_BYTES = 64 * 1024 * 1024; // base64 through IPC doubles memory: keep it sane
const MAX_INLINE_FILES = 200;

let lastPathDrop = 0; // when the shell last forwarded an OS drop

/** Wires the drop area, paste and the clipboard button; call once. */
export function initUpload() {
  const drop = byId("drop");
  let depth = 0; // dragenter/dragleave fire for every child, so count them
  window.addEventListener("dragenter", (e) => {
    e.preventDefault();
    depth += 1;
    drop.classList.add("over");
  });
  window.addEventListener("dragover", (e) => e.preventDefault());
  window.addEventListener("dragleave", () => {
    depth = Math.max(0, depth - 1);
    if (depth === 0) drop.classList.remove("over");
  });
  window.addEventListener("drop", (e) => {
    // Without preventDefault the webview would navigate to the dropped file.
    e.preventDefault();
    depth = 0;
    drop.classList.remove("over");
    void htmlDrop(e.dataTransfer);
  });

  // The drop area opens nothing (there is no file dialog): Enter/Space point at the paste hint.
  drop.addEventListener("keydown", (e) => {
    if (e.key === "Enter" || e.key === " ") {
      e.preventDefault();
      drop.classList.remove("nudge");
      void drop.offsetWidth; // restart the animation
      drop.classList.add("nudge");
      announce("Drop files here, or press Ctrl+V to paste an image, a copied file or a link.");
    }
  });

  document.addEventListener("paste", onPaste);
  byId("upload-clipboard").addEventListener("click", () => uploadClipboard());

  void listen("drop://paths", (evt) => {
    const paths = Array.isArray(evt.payload?.paths) ? evt.payload.paths : [];
    lastPathDrop = Date.now();
    if (paths.length === 0) return;
    emit("nav", { view: "upload" });
    void uploadSources(
      paths.map((path) => ({ path })),
      paths.length === 1 ? baseName(paths[0]) : `${paths.length} items`,
    );
  });
}

/** Uploads `sources` (SourceArg[]) with the option bar's request; the queue shows progress. */
export async function uploadSources(sources, label) {
  const built = buildRequest();
  if (!built.ok) {
    announce(built.message, "error");
    emit("nav", { view: "upload" });
    focusField(built.field);
    return;
  }
  const batch = startBatch(label, built.request.profile);
  try {
    const results = await invoke("upload", { sources, request: built.request, onEvent: batchChannel(batch) });
    settleBatch(batch, results);
  } catch (err) {
    failBatch(batch, err);
  }
}

/** Asks the shell to upload whatever the clipboard holds. */
export async function uploadClipboard() {
  const built = buildRequest();
  if (!built.ok) {
    announce(built.message, "error");
    focusField(built.field);
    return;
  }
  const batch = startBatch("Clipboard", built.request.profile);
  try {
    const results = await invoke("upload_clipboard", { request: built.request, onEvent: batchChannel(batch) });
    settleBatch(batch, results);
  } catch (err) {
    failBatch(batch, err);
  }
}

function isTextField(el) {
  if (!el) return false;
  if (el.isContentEditable || el.tagName === "TEXTAREA") return true;
  return el.tagName === "INPUT" && !["checkbox", "radio", "button", "submit", "range"].includes(el.type);
}

// Paste anywhere but in a text field uploads. Order: image bytes, copied files (file:// URIs),
// http(s) links; if the webview sees none of those, the shell reads the clipboard itself.
async function onPaste(e) {
  if (isTextField(document.activeElement)) return;
  const data = e.clipboardData;
  if (!data) return;
  e.preventDefault();
  const text = (data.getData("text/uri-list") || data.getData("text/plain") || "").trim();
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith("#"));
  const filePaths = lines.filter((l) => l.startsWith("file://")).map(fileUriToPath).filter(Boolean);
  if (filePaths.length) {
    return uploadSources(filePaths.map((path) => ({ path })), filePaths.length === 1 ? baseName(filePaths[0]) : `${filePaths.length} files`);
  }
  const files = [...(data.files ?? [])];
  if (files.length) {
    const sources = await readFiles(files, "pasted");
    if (sources.length) return uploadSources(sources, sources.length === 1 ? sources[0].name : `${sources.length} pasted files`);
    return;
  }
  const urls = lines.filter((l) => /^https?:\/\/\S+$/i.test(l));
  if (urls.length) {
    return uploadSources(urls.map((url) => ({ url })), urls.length === 1 ? baseName(urls[0]) || urls[0] : `${urls.length} links`);
  }
  if (text) {
    announce("The clipboard holds text, not an image, a file or a link.", "error");
    return;
  }
  // Some webviews hide clipboard images from paste events: the shell can still read them.
  return uploadClipboard();
}

function fileUriToPath(uri) {
  try {
    const url = new URL(uri);
    return url.protocol === "file:" ? decodeURIComponent(url.pathname) : null;
  } catch {
    return null;
  }
}

// HTML5 drop: the fallback when the shell does not forward OS drops. The shell's `drop://paths`
// normally arrives first for the same drop; wait a moment and skip if it did, so nothing is
// uploaded twice.
async function htmlDrop(dataTransfer) {
  if (!dataTransfer) return;
  const droppedAt = Date.now();
  const items = [...(dataTransfer.items ?? [])];
  const entries = items.map((i) => (typeof i.webkitGetAsEntry === "function" ? i.webkitGetAsEntry() : null)).filter(Boolean);
  const plainFiles = entries.length ? [] : [...(dataTransfer.files ?? [])];
  const uriText = dataTransfer.getData("text/uri-list") || "";
  await new Promise((r) => setTimeout(r, 400));
  if (lastPathDrop >= droppedAt - 1000) return;
  const files = entries.length ? await filesFromEntries(entries) : plainFiles;
  if (files.length) {
    const sources = await readFiles(files, "dropped");
    if (sources.length) void uploadSources(sources, sources.length === 1 ? sources[0].name : `${sources.length} files`);
    return;
  }
  const urls = uriText.split(/\r?\n/).map((l) => l.trim()).filter((l) => /^https?:\/\//i.test(l));
  if (urls.length) void uploadSources(urls.map((url) => ({ url })), urls.length === 1 ? baseName(urls[0]) : `${urls.length} links`);
}

// Walks dropped folders (bounded), keeping only images and videos.
async function filesFromEntries(entries) {
  const out = [];
  const queue = [...entries];
  while (queue.length && out.length < MAX_INLINE_FILES) {
    const entry = queue.shift();
    if (entry.isFile) {
      const file = await new Promise((resolve) => entry.file(resolve, () => resolve(null)));
      if (file && (/^(image|video)\//.test(file.type) || entries.includes(entry))) out.push(file);
    } else if (entry.isDirectory) {
      const reader = entry.createReader();
      for (;;) {
        const batch = await new Promise((resolve) => reader.readEntries(resolve, () => resolve([])));
        if (!batch.length) break;
        queue.push(...batch);
      }
    }
  }
  return out;
}

// Reads files as `{data_base64, name}` sources, skipping (and saying so) the ones too big for IPC.
async function readFiles(files, verb) {
  const sources = [];
  const skipped = [];
  for (const file of files.slice(0, MAX_INLINE_FILES)) {
    if (file.size > MAX_INLINE_BYTES) {
      skipped.push(file.name);
      continue;
    }
    const ext = (file.type.split("/")[1] || "png").replace("jpeg", "jpg").replace(/\+.*$/, "");
    const name = file.name || `${verb}.${ext}`;
    sources.push({ data_base64: await toBase64(file), name });
  }
  if (skipped.length) {
    announce(`Too big to ${verb === "pasted" ? "paste" : "drop here"}: ${skipped.join(", ")}. Upload it with the CLI or from the file manager.`, "error");
  }
  return sources;
}

function toBase64(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ""));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}
