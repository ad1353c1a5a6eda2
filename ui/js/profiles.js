// Settings > Servers: the profile list (the sandbox is shown read-only as "Local sandbox (this
// computer)"), the add/edit form with each profile's upload defaults, the write-only API key field
// (a password input that is never filled from the shell: no command returns a key) and "Test
// connection".

import { announce, byId, clear, h } from "./dom.js";
import { confirmDialog } from "./dialog.js";
import { expirationLabel, parseTags } from "./format.js";
import { invoke } from "./ipc.js";
import { getView, on, profile, profileLabel, setView } from "./state.js";

const KEY_WORDS = {
  keyring: "Key stored in the system keyring.",
  file: "Key stored in a file (no keyring found).",
  env: "Key comes from an environment variable.",
  sandbox: "The local sandbox needs no key.",
};
const COPY_CHOICES = [
  ["short", "Short link"],
  ["url", "Direct link"],
  ["viewer", "Viewer page"],
  ["markdown", "Markdown"],
  ["html", "HTML"],
  ["bbcode", "BBCode"],
  ["delete", "Delete link"],
  ["none", "Nothing"],
];

let editing = undefined; // undefined: closed; null: a new profile; string: that profile's name

/** Wires the servers card; call once. */
export function initProfiles() {
  byId("profile-add").addEventListener("click", () => openEditor(null));
  on("state", () => {
    renderList();
    // The profile being edited was renamed or deleted elsewhere: close rather than edit a ghost.
    if (typeof editing === "string" && !profile(editing)) closeEditor();
  });
  on("nav", (nav) => {
    if (nav?.view === "settings" && nav.profile && profile(nav.profile) && !profile(nav.profile).is_sandbox) {
      openEditor(nav.profile, "pf-key");
    } else if (nav?.view === "settings" && nav.addServer) {
      openEditor(null);
    }
  });
}

function keyStatus(p) {
  if (p.is_sandbox) return { text: "No key needed", tone: "ok" };
  if (!p.has_key) return { text: "No API key", tone: "warn" };
  return { text: p.key_location === "file" ? "Key in a file" : p.key_location === "env" ? "Key from environment" : "Key in keyring", tone: "ok" };
}

function renderList() {
  const view = getView();
  const list = byId("profiles");
  clear(list);
  for (const p of view.profiles) {
    const isDefault = p.name === view.default_profile;
    const status = keyStatus(p);
    const label = profileLabel(p);
    list.append(
      h(
        "li",
        { class: "profile", "data-name": p.name },
        h(
          "div",
          { class: "profile-main" },
          h("p", { class: "profile-name" }, label, isDefault ? h("span", { class: "badge badge-accent", text: "Default" }) : null),
          h("p", { class: "profile-url", text: p.is_sandbox ? `${p.base_url} · uploads stay on this computer` : p.base_url }),
        ),
        h("span", { class: `badge badge-${status.tone}`, text: status.text }),
        h(
          "div",
          { class: "profile-actions" },
          isDefault ? null : h("button", { type: "button", class: "btn btn-small btn-quiet", text: "Make default", "aria-label": `Make ${label} the default`, on: { click: () => setDefault(p.name) } }),
          p.is_sandbox ? null : h("button", { type: "button", class: "btn btn-small", text: "Edit", "aria-label": `Edit ${label}`, on: { click: () => openEditor(p.name) } }),
          p.is_sandbox ? null : h("button", { type: "button", class: "btn btn-small btn-quiet btn-danger-text", text: "Delete", "aria-label": `Delete ${label}`, on: { click: () => remove(p) } }),
        ),
      ),
    );
  }
}

async function setDefault(name) {
  try {
    setView(await invoke("profile_set_default", { name }));
    announce(`${profileLabel(profile(name))} is now the default server.`, "ok");
  } catch (err) {
    announce(err.message, "error");
  }
}

async function remove(p) {
  const yes = await confirmDialog({
    title: `Delete the server “${p.name}”?`,
    body: "Slingshot forgets this server and its API key. Files already uploaded stay on the server.",
    confirmLabel: "Delete server",
    danger: true,
  });
  if (!yes) return;
  try {
    setView(await invoke("profile_delete", { name: p.name }));
    announce(`${p.name} was removed.`, "ok");
  } catch (err) {
    announce(err.message, "error");
  }
}

function closeEditor() {
  editing = undefined;
  clear(byId("profile-editor"));
}

function field(label, control, extra = null) {
  return h("label", { class: "field" }, h("span", { class: "label", text: label }), control, extra);
}

function select(id, choices, value) {
  const el = h("select", { id });
  for (const [v, text] of choices) el.append(h("option", { value: v, text }));
  el.value = value;
  return el;
}

// A URL whose host is not this machine, over plain http: the key would travel readable.
function insecure(url) {
  try {
    const u = new URL(url);
    return u.protocol === "http:" && !["127.0.0.1", "localhost", "[::1]"].includes(u.hostname);
  } catch {
    return false;
  }
}

/** Opens the form for profile `name` (null: a new one); `focusId` is the field to focus. */
export function openEditor(name, focusId = "pf-name") {
  const p = name ? profile(name) : null;
  if (name && (!p || p.is_sandbox)) return;
  editing = name;
  const d = p?.defaults ?? { resize_width: null, jpeg_quality: 90, strip_metadata: true, copy: "short", options: {} };
  const o = d.options ?? {};
  const exps = [["", "Never"], ...(getView()?.expirations ?? []).map((e) => [e, expirationLabel(e)])];
  if (o.expiration && !exps.some(([v]) => v === o.expiration)) exps.push([o.expiration, expirationLabel(o.expiration)]);

  const warn = h("p", { id: "pf-insecure-warn", class: "note warn", hidden: true, text: "Plain http to another computer: your API key and files travel unencrypted. Use https unless this is your own network." });
  const key = h("input", { id: "pf-key", type: "password", autocomplete: "new-password", spellcheck: "false", placeholder: p?.has_key ? "Enter a new key to replace the saved one" : "Paste your API key" });
  const keyStatusEl = h("p", { id: "pf-key-status", class: "note", text: p ? (p.has_key ? KEY_WORDS[p.key_location] ?? "A key is saved." : "No key saved yet.") : "The key is saved with the server." });
  const result = h("p", { id: "pf-result", class: "note", role: "status", hidden: true });
  const tagsMsg = h("span", { id: "pf-tags-msg", class: "field-msg" });

  const form = h(
    "form",
    { id: "profile-form", class: "editor", autocomplete: "off", novalidate: true, "aria-label": p ? `Edit ${p.name}` : "Add a server" },
    h("h3", { class: "editor-title", text: p ? `Edit “${p.name}”` : "Add a server" }),
    h(
      "div",
      { class: "editor-grid" },
      field("Name", h("input", { id: "pf-name", type: "text", required: true, ".value": p?.name ?? "", placeholder: "My host" })),
      field("Base URL", h("input", { id: "pf-url", type: "url", required: true, ".value": p?.base_url ?? "", placeholder: "https://img.example.com" })),
      field("Send the key as", select("pf-mode", [["header", "X-API-Key header (Chevereto 4)"], ["field", "key form field (Chevereto 3, Free)"]], p?.key_mode ?? "header")),
      h("label", { class: "check" }, h("input", { id: "pf-insecure", type: "checkbox", ".checked": !!p?.allow_insecure_http }), h("span", { text: "Allow plain http (not recommended)" })),
    ),
    warn,
    h("div", { class: "key-row" }, field("API key", key, keyStatusEl), p ? h("button", { type: "button", id: "pf-key-save", class: "btn", text: "Save key" }) : null),
    h("h4", { class: "editor-sub", text: "Defaults for uploads" }),
    h(
      "div",
      { class: "editor-grid" },
      field("Copy after upload", select("pf-copy", COPY_CHOICES, d.copy ?? "short")),
      field("Expires", select("pf-exp", exps, o.expiration ?? "")),
      field("Resize width", h("input", { id: "pf-resize", type: "number", min: "1", max: "20000", placeholder: "Original", ".value": d.resize_width ?? "" })),
      field("JPEG quality", h("input", { id: "pf-quality", type: "number", min: "1", max: "100", ".value": d.jpeg_quality ?? 90 })),
      field("Tags", h("input", { id: "pf-tags", type: "text", placeholder: "comma, separated", ".value": (o.tags ?? []).join(", ") }), tagsMsg),
      field("Album ID", h("input", { id: "pf-album", type: "text", placeholder: "None", ".value": o.album_id ?? "" })),
      h("label", { class: "check" }, h("input", { id: "pf-strip", type: "checkbox", ".checked": d.strip_metadata !== false }), h("span", { text: "Remove metadata" })),
      h("label", { class: "check" }, h("input", { id: "pf-nsfw", type: "checkbox", ".checked": !!o.nsfw }), h("span", { text: "Mark as NSFW" })),
    ),
    result,
    h(
      "div",
      { class: "editor-actions" },
      h("button", { type: "submit", class: "btn btn-primary", text: p ? "Save" : "Add server" }),
      h("button", { type: "button", id: "pf-test", class: "btn", text: "Test connection" }),
      h("button", { type: "button", id: "pf-cancel", class: "btn btn-quiet", text: "Cancel" }),
    ),
  );
  const host = byId("profile-editor");
  clear(host);
  host.append(form);

  const url = form.querySelector("#pf-url");
  const insecureBox = form.querySelector("#pf-insecure");
  const updateWarn = () => {
    warn.hidden = !(insecureBox.checked || insecure(url.value));
    warn.textContent = insecure(url.value) && !insecureBox.checked ? "This address uses plain http: tick “Allow plain http” to use it, or switch to https." : "Plain http to another computer: your API key and files travel unencrypted. Use https unless this is your own network.";
  };
  url.addEventListener("input", updateWarn);
  insecureBox.addEventListener("change", updateWarn);
  updateWarn();
  form.querySelector("#pf-tags").addEventListener("input", (e) => (tagsMsg.textContent = parseTags(e.target.value).error ?? ""));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    void save(form, result);
  });
  form.querySelector("#pf-cancel").addEventListener("click", closeEditor);
  form.querySelector("#pf-test").addEventListener("click", () => test(form, result));
  form.querySelector("#pf-key-save")?.addEventListener("click", () => saveKey(editing, key, keyStatusEl));
  form.addEventListener("input", () => (form.dataset.dirty = "1"));
  form.scrollIntoView({ block: "nearest" });
  form.querySelector(`#${focusId}`)?.focus();
}

function readForm(form, result) {
  const val = (id) => form.querySelector(`#${id}`).value.trim();
  const name = val("pf-name");
  const baseUrl = val("pf-url");
  const tags = parseTags(val("pf-tags"));
  const resize = val("pf-resize");
  const quality = Number(val("pf-quality") || 90);
  let error = null;
  if (!name) error = ["pf-name", "Give the server a name."];
  else if (!/^https?:\/\/[^/\s]+/i.test(baseUrl)) error = ["pf-url", "The base URL must start with https:// (or http://)."];
  else if (insecure(baseUrl) && !form.querySelector("#pf-insecure").checked) error = ["pf-insecure", "This address uses plain http: tick “Allow plain http” or use https."];
  else if (tags.error) error = ["pf-tags", tags.error];
  else if (resize && !(Number.isInteger(Number(resize)) && Number(resize) > 0)) error = ["pf-resize", "Resize width must be a whole number of pixels, or empty."];
  else if (!(Number.isInteger(quality) && quality >= 1 && quality <= 100)) error = ["pf-quality", "JPEG quality goes from 1 to 100."];
  if (error) {
    showResult(result, false, error[1]);
    form.querySelector(`#${error[0]}`)?.focus();
    return null;
  }
  const old = editing ? profile(editing)?.defaults?.options ?? {} : {};
  return {
    name,
    base_url: baseUrl,
    key_mode: form.querySelector("#pf-mode").value,
    allow_insecure_http: form.querySelector("#pf-insecure").checked,
    defaults: {
      resize_width: resize ? Number(resize) : null,
      jpeg_quality: quality,
      strip_metadata: form.querySelector("#pf-strip").checked,
      copy: form.querySelector("#pf-copy").value,
      options: {
        title: old.title ?? null,
        description: old.description ?? null,
        tags: tags.tags,
        album_id: val("pf-album") || null,
        category_id: old.category_id ?? null,
        width: old.width ?? null,
        expiration: form.querySelector("#pf-exp").value || null,
        nsfw: form.querySelector("#pf-nsfw").checked,
        format: old.format ?? "json",
        use_file_date: !!old.use_file_date,
      },
    },
  };
}

function showResult(el, ok, message) {
  el.hidden = false;
  el.textContent = message;
  el.dataset.tone = ok ? "ok" : "error";
  announce(message, ok ? "ok" : "error");
}

// Saves the form (and a key typed into it). Resolves to the saved name, or null.
async function save(form, result) {
  const data = readForm(form, result);
  if (!data) return null;
  try {
    setView(await invoke("profile_save", { profile: data, originalName: editing ?? null }));
  } catch (err) {
    showResult(result, false, err.message);
    return null;
  }
  editing = data.name;
  delete form.dataset.dirty;
  const key = form.querySelector("#pf-key");
  if (key.value) await saveKey(data.name, key, form.querySelector("#pf-key-status"));
  showResult(result, true, `Saved “${data.name}”.`);
  return data.name;
}

/** Sends the key to the shell and clears the field at once: the window keeps no copy. */
async function saveKey(name, input, statusEl) {
  const value = input.value.trim();
  input.value = "";
  if (!name) return;
  if (!value) {
    statusEl.textContent = "Type or paste a key first.";
    input.focus();
    return;
  }
  try {
    const answer = await invoke("set_api_key", { profile: name, key: value });
    statusEl.textContent = [KEY_WORDS[answer?.location] ?? "Key saved.", answer?.warning].filter(Boolean).join(" ");
    statusEl.dataset.tone = answer?.warning ? "warn" : "ok";
    announce(`API key for ${name} saved.`, "ok");
    setView(await invoke("get_state"));
  } catch (err) {
    statusEl.textContent = `The key was not saved: ${err.message}`;
    statusEl.dataset.tone = "error";
    announce(statusEl.textContent, "error");
  }
}

// Tests the server as saved; unsaved changes (or a new server) are saved first.
async function test(form, result) {
  let name = editing;
  if (!name || form.dataset.dirty || form.querySelector("#pf-key").value) {
    name = await save(form, result);
    if (!name) return;
  }
  const button = form.querySelector("#pf-test");
  button.disabled = true;
  button.textContent = "Testing…";
  showResult(result, true, "Uploading a small test image…");
  try {
    const answer = await invoke("test_connection", { profile: name });
    showResult(result, !!answer?.ok, answer?.message ?? (answer?.ok ? "The server works." : "The test failed."));
  } catch (err) {
    showResult(result, false, err.message);
  } finally {
    button.disabled = false;
    button.textContent = "Test connection";
  }
}
