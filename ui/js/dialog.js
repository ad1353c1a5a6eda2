// A confirmation dialog on the native <dialog> element (window.confirm is not reliable in every
// webview, and a modal <dialog> traps focus and closes on Escape for free).

import { byId } from "./dom.js";

/**
 * Asks a yes/no question. Resolves true only when the person picks the confirm button.
 * `danger` styles that button red and puts the focus on Cancel, so Enter never deletes by accident.
 */
export function confirmDialog({ title, body, confirmLabel = "OK", danger = false }) {
  const dialog = byId("confirm");
  if (!dialog || typeof dialog.showModal !== "function") {
    return Promise.resolve(window.confirm(`${title}\n\n${body}`));
  }
  // A modal blocks the rest of the window, so a second question can only come from an event.
  if (dialog.open) return Promise.resolve(false);
  byId("confirm-title").textContent = title;
  byId("confirm-body").textContent = body;
  const ok = byId("confirm-ok");
  ok.textContent = confirmLabel;
  ok.classList.toggle("btn-danger", danger);
  ok.classList.toggle("btn-primary", !danger);
  dialog.returnValue = "cancel";
  return new Promise((resolve) => {
    const onClose = () => {
      dialog.removeEventListener("close", onClose);
      resolve(dialog.returnValue === "ok");
    };
    dialog.addEventListener("close", onClose);
    dialog.showModal();
    (danger ? byId("confirm-cancel") : ok).focus();
  });
}
