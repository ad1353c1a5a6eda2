// The option bar above the queue: which server, what to copy, expiration, resize, title, tags,
// album, NSFW. It fills itself from the chosen profile's defaults and builds the UploadRequest the
// `upload` and `upload_clipboard` commands take. Tags are validated live; an invalid bar blocks
// uploads (the server would otherwise drop bad tags silently).

import { byId, clear, h } from "./dom.js";
import { expirationLabel, parseTags } from "./format.js";
import { getView, on, profile, defaultProfile, profileLabel } from "./state.js";

const COPY_TARGETS = ["short", "url", "viewer", "markdown", "html", "bbcode", "delete", "none"];

let selected = null; // name of the profile the bar shows

/** Wires the bar; call once at start-up. */
export function initOptions() {
  on("state", render);
  byId("opt-profile").addEventListener("change", (e) => {
    selected = e.target.value;
    applyDefaults(profile(selected));
  });
  byId("opt-tags").addEventListener("input", validateTags);
  byId("opt-resize").addEventListener("input", validateResize);
  // Enter in a text field would submit the form (and reload the page): never useful here.
  byId("options").addEventListener("submit", (e) => e.preventDefault());
}

// Rebuilds the server and expiration lists after any AppView change, keeping what the person typed
// unless their profile disappeared.
function render(view) {
  const select = byId("opt-profile");
  clear(select);
  for (const p of view.profiles) {
    select.append(h("option", { value: p.name, text: profileLabel(p) }));
  }
  const keep = selected && profile(selected);
  const next = keep ? profile(selected) : defaultProfile();
  renderExpirations(view.expirations);
  if (!next) {
    selected = null;
    return;
  }
  select.value = next.name;
  if (!keep) {
    selected = next.name;
    applyDefaults(next);
  }
}

function renderExpirations(list) {
  const select = byId("opt-expiration");
  const current = select.value;
  clear(select);
  select.append(h("option", { value: "", text: "Never" }));
  for (const value of list) select.append(h("option", { value, text: expirationLabel(value) }));
  if (current && list.includes(current)) select.value = current;
}

// Puts a profile's defaults in the bar (an unknown expiration is added so it is not lost).
function applyDefaults(p) {
  const d = p?.defaults ?? {};
  const o = d.options ?? {};
  byId("opt-copy").value = COPY_TARGETS.includes(d.copy) ? d.copy : "short";
  byId("opt-resize").value = d.resize_width ?? "";
  byId("opt-title").value = o.title ?? "";
  byId("opt-tags").value = (o.tags ?? []).join(", ");
  byId("opt-album").value = o.album_id ?? "";
  byId("opt-nsfw").checked = !!o.nsfw;
  const exp = byId("opt-expiration");
  if (o.expiration && ![...exp.options].some((opt) => opt.value === o.expiration)) {
    exp.append(h("option", { value: o.expiration, text: expirationLabel(o.expiration) }));
  }
  exp.value = o.expiration ?? "";
  validateTags();
  validateResize();
}

function validateTags() {
  const input = byId("opt-tags");
  const { error } = parseTags(input.value);
  byId("opt-tags-msg").textContent = error ?? "";
  input.setAttribute("aria-invalid", error ? "true" : "false");
  return error;
}

function resizeError() {
  const raw = byId("opt-resize").value.trim();
  if (raw === "") return null;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 20000) return "Resize width must be a whole number of pixels (1–20000), or empty.";
  return null;
}

function validateResize() {
  const error = resizeError();
  byId("opt-resize").setAttribute("aria-invalid", error ? "true" : "false");
  return error;
}

function text(id) {
  const value = byId(id).value.trim();
  return value === "" ? null : value;
}

/** The selected profile's name (null before the state arrived). */
export function selectedProfile() {
  return selected;
}

/**
 * The UploadRequest for the bar as it is: `{ok: true, request}` or `{ok: false, message, field}`
 * (the field to focus).
 */
export function buildRequest() {
  const tagError = validateTags();
  if (tagError) return { ok: false, message: `Fix the tags first: ${tagError}`, field: "opt-tags" };
  const sizeError = validateResize();
  if (sizeError) return { ok: false, message: sizeError, field: "opt-resize" };
  const p = profile(selected) ?? defaultProfile();
  if (!getView() || !p) return { ok: false, message: "Slingshot is still loading its settings.", field: null };
  const d = p.defaults ?? {};
  const base = d.options ?? {};
  const resize = text("opt-resize");
  const request = {
    profile: p.name,
    options: {
      title: text("opt-title"),
      description: base.description ?? null,
      tags: parseTags(byId("opt-tags").value).tags,
      album_id: text("opt-album"),
      category_id: base.category_id ?? null,
      width: base.width ?? null,
      expiration: text("opt-expiration"),
      nsfw: byId("opt-nsfw").checked,
      format: base.format ?? "json",
      use_file_date: !!base.use_file_date,
    },
    resize_width: resize === null ? null : Number(resize),
    jpeg_quality: d.jpeg_quality ?? 90,
    strip_metadata: d.strip_metadata ?? true,
    copy: byId("opt-copy").value || "short",
  };
  return { ok: true, request };
}

/** Focuses the field a failed `buildRequest` named. */
export function focusField(field) {
  if (field) byId(field)?.focus();
}
