// Settings > Desktop shortcuts: on Wayland an app cannot grab global keys, so the capture hotkeys
// become the desktop's own shortcuts running `slingshot-cli capture ... --upload` (GNOME gsettings,
// sway bindsym, KDE). Shows the desktop, what "Add" would write, what is installed now, and after
// Add/Remove exactly what was written and how to undo it. On a desktop Slingshot has no writer for
// it lists the command lines to bind by hand. On X11 the card starts collapsed (optional there).
// Commands: `shortcuts_status`, `shortcuts_install`, `shortcuts_uninstall`, `copy_text`.

import { announce, byId, clear, flashCopied, h } from "./dom.js";
import { invoke } from "./ipc.js";
import { on } from "./state.js";

/** How each desktop keeps the shortcuts, for the person to know where to look. */
const DESKTOPS = {
  gnome: ["GNOME", "custom keyboard shortcuts (gsettings)"],
  sway: ["sway", "bindsym lines in your sway config"],
  kde: ["KDE Plasma", "global shortcuts (System Settings > Shortcuts)"],
};

/** Resets GNOME's remembered answer to "Allow Applications to Take Screenshots?". */
export const GNOME_PERMISSION_RESET =
  "gdbus call --session --dest org.freedesktop.impl.portal.PermissionStore --object-path /org/freedesktop/impl/portal/PermissionStore --method org.freedesktop.impl.portal.PermissionStore.DeletePermission screenshot screenshot ''";

let status = null; // last shortcuts_status answer
let statusKey = ""; // the hotkeys/session it was fetched for
let result = null; // {what: "install"|"uninstall", ok, data|error}
let busy = false; // an install or uninstall is running
let loading = false; // a status request is on its way
let session = "unknown";

/** Wires the card; call once. */
export function initShortcuts() {
  on("state", (view) => {
    if (!view) return;
    session = view.session.kind;
    const { status: _s, paused: _p, ...keys } = view.hotkeys;
    const key = JSON.stringify([session, keys]);
    // The planned list follows the hotkeys: fetch again when they change.
    if (key !== statusKey) {
      statusKey = key;
      status = null;
    }
    render();
    if (isOpen()) void load();
  });
}

function card() {
  return byId("shortcuts");
}

function isOpen() {
  return session === "wayland" || !!card()?.querySelector("details")?.open;
}

// Fetches the status unless it is there or on its way.
async function load() {
  if (status || loading) return;
  await refresh();
}

async function refresh() {
  loading = true;
  try {
    status = await invoke("shortcuts_status");
  } catch (err) {
    status = { error: err.message };
  }
  loading = false;
  render();
}

async function run(cmd, what) {
  if (busy) return;
  busy = true;
  render();
  try {
    const data = await invoke(cmd);
    result = { what, ok: true, data };
    announce(what === "install" ? "Desktop shortcuts added." : "Desktop shortcuts removed.", "ok");
  } catch (err) {
    result = { what, ok: false, error: err };
    announce(`${what === "install" ? "Shortcuts not added" : "Shortcuts not removed"}: ${err.message}`, "error");
  }
  busy = false;
  await refresh();
  // The card was rebuilt: put the focus on what happened, not on the page top.
  byId("shortcuts-result")?.focus();
}

async function copy(button, text) {
  try {
    await invoke("copy_text", { text });
    flashCopied(button);
  } catch (err) {
    announce(`Not copied: ${err.message}`, "error");
  }
}

function render() {
  const host = card();
  if (!host) return;
  const wayland = session === "wayland";
  const wasOpen = host.querySelector("details")?.open ?? false;
  clear(host);
  host.dataset.session = session;
  const title = h("h2", { id: "shortcuts-title", class: "section-title", text: "Desktop shortcuts" });
  const body = h("div", { class: "rows shortcuts-body" }, ...content(wayland));
  if (wayland) {
    host.append(h("div", { class: "card-head" }, title, h("span", { class: "badge badge-warn", text: "Needed on Wayland" })), body);
    return;
  }
  // X11 (and unknown sessions): the app's own hotkeys work, this is an alternative.
  const details = h(
    "details",
    { class: "shortcuts-details", ".open": wasOpen, on: { toggle: (e) => e.target.open && load() } },
    h("summary", { class: "card-head" }, title, h("span", { class: "badge", text: "Optional" })),
    body,
  );
  host.append(details);
}

function content(wayland) {
  const out = [
    h(
      "p",
      { class: "shortcuts-lead" },
      wayland
        ? "This desktop does not let apps grab global keys, so Slingshot's hotkeys cannot fire here. Add them as your desktop's own shortcuts instead: each runs "
        : "Prefer keys your desktop manages? Slingshot can add its capture hotkeys as desktop shortcuts that run ",
      h("code", { text: "slingshot-cli capture" }),
      ", which hands the capture to this app.",
    ),
  ];
  if (!status) {
    out.push(h("p", { class: "note", text: "Checking this desktop…" }));
    return out;
  }
  if (status.error) {
    out.push(h("p", { class: "note", "data-tone": "error", role: "alert", text: `Cannot read the desktop's shortcuts: ${status.error}` }));
    return out;
  }
  const known = DESKTOPS[status.desktop];
  if (known) {
    out.push(h("p", { class: "shortcuts-desktop" }, h("span", { class: "label", text: "Desktop" }), h("strong", { text: known[0] }), h("span", { class: "note", text: ` · ${known[1]}` })));
    out.push(plannedList(status.planned, false, "Shortcuts to add"));
  } else {
    out.push(
      h("p", { class: "note warn", "data-tone": "warn", text: `Slingshot cannot add shortcuts to this desktop (${status.desktop_label}); it knows GNOME, sway and KDE. Bind these keys in your desktop's keyboard settings by hand:` }),
      plannedList(status.planned, true, "Keys and commands"),
    );
  }
  for (const n of status.notes ?? []) out.push(h("p", { class: "note", text: n }));
  if (known) {
    out.push(installedBlock());
    out.push(actions());
  }
  if (result) out.push(resultBlock());
  if (wayland && status.desktop === "gnome") out.push(gnomePermission());
  return out;
}

function plannedList(planned, copyable, heading) {
  if (!planned?.length) {
    return h("p", { class: "note", text: "No capture hotkey that a shortcut can run is set (see Hotkeys above)." });
  }
  return h(
    "div",
    { class: "shortcuts-block" },
    h("p", { class: "shortcuts-sub", text: heading }),
    h(
      "ul",
      { class: "shortcut-list", "data-list": "planned" },
      planned.map((p) =>
        h(
          "li",
          { class: "shortcut-row", "data-id": p.id },
          h("kbd", { text: p.keys }),
          h("code", { class: "cmd", text: p.command, title: p.label }),
          copyable ? h("button", { type: "button", class: "btn btn-small", text: "Copy", "aria-label": `Copy the command for ${p.keys}`, on: { click: (e) => copy(e.currentTarget, p.command) } }) : null,
        ),
      ),
    ),
  );
}

function installedBlock() {
  const lines = status.installed;
  let inner;
  if (status.installed_error) inner = h("p", { class: "note", "data-tone": "error", text: status.installed_error });
  else if (lines === null || lines === undefined) inner = h("p", { class: "note", text: "Plasma keeps them in its global shortcuts: look for the Slingshot entries in System Settings > Shortcuts." });
  else if (!lines.length) inner = h("p", { class: "note", text: "None yet." });
  else inner = h("ul", { class: "shortcut-list mono", "data-list": "installed" }, lines.map((l) => h("li", { class: "shortcut-line", text: l })));
  const badge = lines?.length ? h("span", { class: "badge badge-ok", text: `${lines.length} installed` }) : null;
  return h("div", { class: "shortcuts-block", id: "shortcuts-installed" }, h("p", { class: "shortcuts-sub" }, "Installed now ", badge), inner);
}

function actions() {
  const none = Array.isArray(status.installed) && status.installed.length === 0;
  return h(
    "div",
    { class: "shortcuts-actions" },
    h("button", { type: "button", id: "shortcuts-install", class: "btn btn-primary btn-small", text: busy ? "Working…" : "Add desktop shortcuts", ".disabled": busy || !status.planned?.length, on: { click: () => run("shortcuts_install", "install") } }),
    h("button", { type: "button", id: "shortcuts-remove", class: "btn btn-small", text: "Remove", title: "Removes only the shortcuts Slingshot added", ".disabled": busy || none, on: { click: () => run("shortcuts_uninstall", "uninstall") } }),
  );
}

function resultBlock() {
  const r = result;
  if (!r.ok) {
    return h("div", { class: "shortcuts-result", id: "shortcuts-result", tabindex: "-1", "data-tone": "error", role: "alert" }, h("p", { class: "shortcuts-sub", text: r.what === "install" ? "Not added" : "Not removed" }), h("p", { text: r.error.message }));
  }
  const d = r.data;
  const list = (items, cls) => h("ul", { class: `result-list ${cls}` }, items.map((t) => h("li", {}, h("pre", { class: "mono", text: t }))));
  const changes = d.changes ?? [];
  return h(
    "div",
    { class: "shortcuts-result", id: "shortcuts-result", tabindex: "-1", "data-tone": "ok", role: "status" },
    h("p", { class: "shortcuts-sub", text: changes.length ? (r.what === "install" ? "What was written" : "What was removed") : "Nothing to change" }),
    changes.length ? list(changes, "changes") : null,
    d.undo?.length ? h("p", { class: "shortcuts-sub", text: "To undo" }) : null,
    d.undo?.length ? list(d.undo, "undo") : null,
    // The plan's notes are listed above already.
    ...(d.notes ?? []).filter((n) => !(status?.notes ?? []).includes(n)).map((n) => h("p", { class: "note", text: n })),
  );
}

function gnomePermission() {
  return h(
    "div",
    { class: "shortcuts-block shortcuts-permission" },
    h("p", { class: "shortcuts-sub", text: "Screenshot permission" }),
    h("p", { class: "note", text: "The first capture makes GNOME ask \u201cAllow Applications to Take Screenshots?\u201d: that is the desktop asking once whether Slingshot may capture the screen. Choose Allow. If you chose Deny, every capture is refused until you reset that answer with this command, then capture again (tray > Capture) and choose Allow:" }),
    h(
      "div",
      { class: "shortcut-row" },
      h("code", { class: "cmd", text: GNOME_PERMISSION_RESET }),
      h("button", { type: "button", class: "btn btn-small", text: "Copy", "aria-label": "Copy the command that resets the screenshot permission", on: { click: (e) => copy(e.currentTarget, GNOME_PERMISSION_RESET) } }),
    ),
  );
}
