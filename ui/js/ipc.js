// The window's only door to the Rust shell (see /tmp/ipc.md, the IPC contract): commands through
// `invoke`, app events through `listen`, per-call progress through `Channel`. It wraps the vendored
// @tauri-apps/api 2.12.5 (ui/vendor/tauri) rather than re-implementing its wire format, so the
// channel protocol (`__CHANNEL__:<id>`, ordered `{index, message}` / `{index, end}`) stays the one
// the tauri 2.12 crate speaks. Errors are always normalised to `{kind, message}`.

import { invoke as tauriInvoke, Channel } from "../vendor/tauri/core.js";
import { listen as tauriListen } from "../vendor/tauri/event.js";

export { Channel };

/** Version of the vendored @tauri-apps/api files. */
export const TAURI_API_VERSION = "2.12.5";

/** True inside the Slingshot app (the shell injects `__TAURI_INTERNALS__`). */
export function inApp() {
  const internals = window.__TAURI_INTERNALS__;
  return typeof internals === "object" && internals !== null && typeof internals.invoke === "function";
}

/**
 * Turns anything a command rejected with into `{kind, message}`. The shell sends that shape; Tauri
 * itself rejects with plain strings (e.g. an unknown command or a missing permission).
 */
export function toError(err) {
  if (err && typeof err === "object") {
    const message = typeof err.message === "string" && err.message ? err.message : JSON.stringify(err);
    return { kind: typeof err.kind === "string" ? err.kind : "app", message };
  }
  return { kind: "app", message: typeof err === "string" && err ? err : "Something went wrong." };
}

/** Calls a shell command. Rejects with `{kind, message}`. */
export async function invoke(cmd, args = {}) {
  if (!inApp()) {
    throw { kind: "app", message: "This page is not running inside the Slingshot app." };
  }
  try {
    return await tauriInvoke(cmd, args);
  } catch (err) {
    throw toError(err);
  }
}

/**
 * Listens to an app event; `cb` gets `{event, id, payload}`. Resolves to an unlisten function.
 * Outside the app (or if the shell refuses) it resolves to a no-op so the window still works.
 */
export async function listen(event, cb) {
  if (!inApp()) return () => {};
  try {
    return await tauriListen(event, (evt) => {
      try {
        cb(evt);
      } catch (err) {
        console.error(`Handler for ${event} failed`, err);
      }
    });
  } catch (err) {
    console.warn(`Cannot listen to ${event}`, err);
    return () => {};
  }
}

/** A fresh per-call channel whose messages go to `onMessage`. */
export function channel(onMessage) {
  return new Channel(onMessage);
}
