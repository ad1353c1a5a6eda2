// Banners at the top of the window: the shell's warnings (e.g. a broken settings file moved
// aside), the first-run note when the only server is the local sandbox, and a note when the page
// runs outside the app. Each can be dismissed; a dismissed warning stays hidden for this run.

import { byId, clear, h } from "./dom.js";
import { inApp } from "./ipc.js";
import { emit, isFirstRun, on } from "./state.js";

const dismissed = new Set();

/** Wires the banners; call once. */
export function initBanners() {
  on("state", render);
  if (!inApp()) {
    render(null);
  }
}

function banner(key, tone, text, action = null) {
  const el = h(
    "div",
    { class: `banner banner-${tone}`, role: tone === "warn" ? "alert" : "note", "data-banner": key },
    h("p", { class: "banner-text", text }),
    action,
    h("button", {
      type: "button",
      class: "dismiss",
      "aria-label": "Dismiss",
      title: "Dismiss",
      text: "×",
      on: {
        click: () => {
          dismissed.add(key);
          el.remove();
        },
      },
    }),
  );
  return el;
}

function render(view) {
  const host = byId("banners");
  clear(host);
  if (!inApp()) {
    host.append(banner("no-app", "warn", "This page is not running inside the Slingshot app, so nothing can be uploaded from here."));
    return;
  }
  if (!view) return;
  for (const warning of view.warnings) {
    const key = `w:${warning}`;
    if (!dismissed.has(key)) host.append(banner(key, "warn", warning));
  }
  if (isFirstRun(view) && !dismissed.has("first-run")) {
    host.append(
      banner(
        "first-run",
        "info",
        "You're uploading to the local sandbox on this computer. Add your server in Settings.",
        h("button", { type: "button", class: "btn btn-small btn-primary", text: "Add server", on: { click: () => emit("nav", { view: "settings", addServer: true }) } }),
      ),
    );
  }
}
