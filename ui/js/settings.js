// Settings > Hotkeys, App and Screen captures: shows the accelerators and whether each one could be
// registered, the pause switch, start-at-login, notifications, concurrency and the capture options.
// Every change is sent at once (`settings_save`, `hotkeys_pause`, `autostart_set`) and the AppView
// the shell answers with is the new truth.

import { announce, byId, clear, h } from "./dom.js";
import { invoke } from "./ipc.js";
import { initShortcuts } from "./shortcuts.js";
import { getView, on, setView } from "./state.js";

const ACTIONS = [
  ["capture_screen", "Screen key"],
  ["capture_region", "Select a region or window"],
  ["capture_window", "Capture the active window"],
  ["capture_all", "Capture all monitors"],
  ["upload_clipboard", "Upload the clipboard"],
];

/** What the screen key can capture (`hotkeys.capture_screen_mode`). */
const SCREEN_MODES = [
  ["monitor", "The monitor under the pointer"],
  ["region", "A region (opens the selection)"],
  ["all", "All monitors"],
  ["window", "The active window"],
];

/** Wires the cards; call once. */
export function initSettings() {
  on("state", render);
  initShortcuts();
  byId("hotkeys-paused").addEventListener("change", (e) => send("hotkeys_pause", { paused: e.target.checked }, e.target.checked ? "Hotkeys paused." : "Hotkeys on."));
  byId("app-autostart").addEventListener("change", (e) => send("autostart_set", { enabled: e.target.checked }, e.target.checked ? "Slingshot will start when you log in." : "Slingshot will not start at login."));
  byId("app-notifications").addEventListener("change", (e) => saveSettings({ app: { notifications: e.target.checked } }));
  byId("app-concurrency").addEventListener("change", (e) => {
    const n = Number(e.target.value);
    if (!Number.isInteger(n) || n < 1 || n > 8) {
      announce("Uploads at once goes from 1 to 8.", "error");
      e.target.value = getView()?.app.concurrency ?? 2;
      return;
    }
    void saveSettings({ app: { concurrency: n } });
  });
  byId("capture-strip").addEventListener("change", (e) => saveSettings({ capture: { strip_metadata: e.target.checked } }));
  byId("capture-keep").addEventListener("change", (e) => saveSettings({ capture: { keep_captures: e.target.checked } }));
  byId("hotkeys-form").addEventListener("change", (e) => {
    if (e.target.id === "hk-mode") void saveSettings({ hotkeys: { capture_screen_mode: e.target.value } });
  });
  byId("hotkeys-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const hotkeys = {};
    for (const [key] of ACTIONS) hotkeys[key] = byId(`hk-${key}`).value.trim();
    void saveSettings({ hotkeys });
  });
}

// Sends all three settings objects with `patch` applied: works whether the shell takes partial
// objects or whole ones.
async function saveSettings(patch) {
  const view = getView();
  if (!view) return;
  const { status: _status, ...hotkeys } = view.hotkeys;
  const args = {
    app: { ...view.app, ...(patch.app ?? {}) },
    capture: { ...view.capture, ...(patch.capture ?? {}) },
    hotkeys: { ...hotkeys, ...(patch.hotkeys ?? {}) },
  };
  await send("settings_save", args, "Settings saved.");
}

async function send(cmd, args, okMessage) {
  try {
    setView(await invoke(cmd, args));
    announce(okMessage, "ok");
  } catch (err) {
    announce(`Not saved: ${err.message}`, "error");
    render(getView()); // put the controls back to what the shell holds
  }
}

function render(view) {
  if (!view) return;
  renderHotkeys(view);
  byId("app-autostart").checked = !!view.app.start_at_login;
  byId("app-notifications").checked = !!view.app.notifications;
  if (document.activeElement !== byId("app-concurrency")) byId("app-concurrency").value = view.app.concurrency ?? 2;
  byId("capture-strip").checked = !!view.capture.strip_metadata;
  byId("capture-keep").checked = !!view.capture.keep_captures;
  byId("capture-dir").textContent = view.capture.save_dir || "the default folder";
  byId("app-version").textContent = view.version ? `Slingshot ${view.version}` : "";
}

function renderHotkeys(view) {
  const hk = view.hotkeys;
  byId("hotkeys-paused").checked = !!hk.paused;
  const form = byId("hotkeys-form");
  // Rebuilding while someone types would eat their edit: skip if the focus is inside the form.
  if (form.contains(document.activeElement)) return;
  clear(form);
  const mode = hk.capture_screen_mode ?? "monitor";
  for (const [key, label] of ACTIONS) {
    const status = (hk.status ?? []).find((s) => s.action === key);
    // A key left empty on purpose is off, not a failure.
    const off = !(hk[key] ?? "").trim();
    const state = hk.paused ? ["paused", "Paused"] : off ? ["off", "Off"] : !status ? ["unknown", "—"] : status.ok ? ["ok", "Active"] : ["failed", "Not registered"];
    form.append(
      h(
        "div",
        { class: "hotkey", "data-action": key },
        h("label", { class: "hotkey-label", for: `hk-${key}`, text: label }),
        h("input", { id: `hk-${key}`, class: "hotkey-input", type: "text", spellcheck: "false", ".value": hk[key] ?? "", placeholder: "e.g. Ctrl+Shift+U", "aria-describedby": `hk-${key}-status` }),
        h("span", { id: `hk-${key}-status`, class: `badge badge-${state[0] === "ok" ? "ok" : state[0] === "failed" ? "error" : "muted"}`, text: state[1] }),
        // On Wayland the session note says once why (and points to Desktop shortcuts).
        status && !status.ok && !off && status.message && view.session.kind !== "wayland" ? h("p", { class: "hotkey-msg", text: status.message }) : null,
      ),
    );
    if (key === "capture_screen") {
      form.append(
        h(
          "div",
          { class: "hotkey hotkey-mode" },
          h("label", { class: "hotkey-label", for: "hk-mode", text: "The screen key captures" }),
          h("select", { id: "hk-mode" }, SCREEN_MODES.map(([value, text]) => h("option", { value, text, ".selected": value === mode }))),
        ),
      );
    }
  }
  form.append(h("div", { class: "hotkey-actions" }, h("button", { type: "submit", class: "btn btn-small", text: "Save hotkeys" })));
  const note = byId("session-note");
  const notes = [];
  if (view.session.kind === "wayland") notes.push("This Wayland desktop doesn't let apps grab global keys, so these hotkeys can't fire: add them as desktop shortcuts below, or use the tray menu.");
  if (view.session.tray === false) notes.push("No system tray was found, so Slingshot keeps this window instead of a tray icon.");
  note.textContent = notes.join(" ");
  note.hidden = notes.length === 0;
}
