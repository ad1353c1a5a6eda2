// The window's shared state: the last AppView the shell sent, and a tiny event bus the views use to
// talk to each other (e.g. "open Settings on this profile") without importing one another.

let appView = null;
const bus = new Map();

/** The current AppView, or null before get_state answered. */
export function getView() {
  return appView;
}

/** Replaces the AppView (from get_state, a settings command or `state://changed`). */
export function setView(view) {
  if (!view || typeof view !== "object") return;
  appView = normalise(view);
  emit("state", appView);
}

// Fills in what an older or partial shell may leave out, so views never crash on a missing list.
function normalise(view) {
  return {
    version: view.version ?? "",
    profiles: Array.isArray(view.profiles) ? view.profiles : [],
    default_profile: view.default_profile ?? null,
    expirations: Array.isArray(view.expirations) ? view.expirations : [],
    hotkeys: { status: [], paused: false, ...(view.hotkeys ?? {}) },
    app: { start_at_login: false, notifications: true, concurrency: 2, ...(view.app ?? {}) },
    capture: { save_dir: "", strip_metadata: true, keep_captures: true, ...(view.capture ?? {}) },
    warnings: Array.isArray(view.warnings) ? view.warnings : [],
    session: { kind: "unknown", tray: true, ...(view.session ?? {}) },
  };
}

/** The profile called `name`, or undefined. */
export function profile(name) {
  return appView?.profiles.find((p) => p.name === name);
}

/** The default profile (falls back to the first one). */
export function defaultProfile() {
  if (!appView) return undefined;
  return profile(appView.default_profile) ?? appView.profiles[0];
}

/** First run: the only server is the local sandbox. */
export function isFirstRun(view = appView) {
  return !!view && view.profiles.length > 0 && view.profiles.every((p) => p.is_sandbox);
}

/** The name a person sees for a profile (the sandbox gets a plain-language name). */
export function profileLabel(p) {
  if (!p) return "";
  return p.is_sandbox ? "Local sandbox (this computer)" : p.name;
}

/** Subscribes to a bus message; returns the unsubscribe function. */
export function on(name, fn) {
  if (!bus.has(name)) bus.set(name, new Set());
  bus.get(name).add(fn);
  return () => bus.get(name)?.delete(fn);
}

/** Sends a bus message to every subscriber. */
export function emit(name, data) {
  for (const fn of [...(bus.get(name) ?? [])]) {
    try {
      fn(data);
    } catch (err) {
      console.error(`Subscriber of ${name} failed`, err);
    }
  }
}
