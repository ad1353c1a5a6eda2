// The result card of a finished upload: thumbnail, name, dimensions and size, what was copied, any
// warnings, and one-click copy buttons for every link form. The delete link is never in the
// result: it is fetched with `history_copy(id, "delete")` only after a confirmation.

import { announce, flashCopied, h } from "./dom.js";
import { confirmDialog } from "./dialog.js";
import { COPY_WORDS, LINK_LABELS, formatBytes, formatDims, isImageMime, joinMeta } from "./format.js";
import { invoke } from "./ipc.js";

/** A thumbnail element: the server's thumb, else the file itself for images, else a placeholder. */
export function thumbnail(thumbUrl, url, mime, alt) {
  const src = thumbUrl || (isImageMime(mime) || (!mime && url && /\.(png|jpe?g|gif|webp|avif|bmp)$/i.test(url)) ? url : null);
  const box = h("div", { class: "thumb" });
  if (src) {
    const img = h("img", { src, alt: alt ? `Thumbnail of ${alt}` : "", loading: "lazy", decoding: "async", referrerpolicy: "no-referrer", draggable: "false" });
    // A thumbnail the server no longer has becomes the placeholder rather than a broken image.
    img.addEventListener("error", () => {
      img.remove();
      box.classList.add("placeholder");
      box.textContent = placeholderText(mime, url);
    });
    box.append(img);
  } else {
    box.classList.add("placeholder");
    box.textContent = placeholderText(mime, url);
  }
  return box;
}

// A video gets a play sign; anything else its file type ("PNG"), so the tile still says something.
function placeholderText(mime, url) {
  if (mime?.startsWith("video/")) return "▶";
  const ext = mime?.split("/")[1] ?? /\.([a-z0-9]{2,5})(?:[?#]|$)/i.exec(url ?? "")?.[1];
  return (ext ?? "file").slice(0, 4).toUpperCase();
}

/** Copies `text` through the shell, flashing the button. */
export async function copyText(button, text, what) {
  try {
    await invoke("copy_text", { text });
    flashCopied(button);
    announce(`${what} copied.`, "ok");
  } catch (err) {
    announce(`Could not copy: ${err.message}`, "error");
  }
}

/** Asks, then copies the delete link of history item `id`. */
export async function copyDeleteLink(button, id, name) {
  const yes = await confirmDialog({
    title: "Copy the delete link?",
    body: `Anyone who opens this link deletes “${name}” from the server at once. Keep it private.`,
    confirmLabel: "Copy delete link",
  });
  if (!yes) return;
  try {
    await invoke("history_copy", { id, target: "delete" });
    flashCopied(button);
    announce("Delete link copied. Keep it private.", "ok");
  } catch (err) {
    announce(`Could not copy the delete link: ${err.message}`, "error");
  }
}

// What the card says about the clipboard; the delete URL (or anything not a known link) is never
// echoed on screen.
function copiedNote(result) {
  if (!result.copied) return null;
  const links = result.links ?? {};
  const target = Object.keys(COPY_WORDS).find((k) => links[k] && links[k] === result.copied);
  return target ? `${COPY_WORDS[target]} copied to the clipboard.` : "Copied to the clipboard.";
}

/**
 * The card's nodes for `result` (an UploadResult). `titleLine(entry, ...extra)` renders the name
 * line the queue uses for every state.
 */
export function renderResult(entry, result, titleLine) {
  const links = result.links ?? {};
  const meta = joinMeta(formatDims(result.width, result.height), formatBytes(result.size), result.mime?.split("/")[1]?.toUpperCase());
  const buttons = LINK_LABELS.map(([key, label]) =>
    h("button", {
      type: "button",
      class: "btn btn-small btn-link",
      "data-link": key,
      text: label,
      disabled: !links[key],
      title: links[key] ? `Copy the ${label} link` : "The server gave no such link",
      on: { click: (e) => copyText(e.currentTarget, links[key], label) },
    }),
  );
  if (result.has_delete_url && typeof result.history_id === "number") {
    buttons.push(
      h("button", {
        type: "button",
        class: "btn btn-small btn-quiet btn-delete-link",
        "data-link": "delete",
        text: "Delete link",
        title: "Copy the link that deletes this upload",
        on: { click: (e) => copyDeleteLink(e.currentTarget, result.history_id, entry.name) },
      }),
    );
  }
  const warnings = Array.isArray(result.warnings) ? result.warnings : [];
  const note = copiedNote(result);
  return [
    thumbnail(result.thumb_url, result.url, result.mime, entry.name),
    h(
      "div",
      { class: "job-body" },
      titleLine(entry, meta ? h("span", { class: "meta", text: meta }) : null),
      note ? h("p", { class: "job-note ok", text: `✓ ${note}` }) : null,
      ...warnings.map((w) => h("p", { class: "job-note warn", text: w })),
      h("div", { class: "links", role: "group", "aria-label": `Copy a link to ${entry.name}` }, ...buttons),
    ),
  ];
}
