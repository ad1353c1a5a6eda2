// View switching: the three tabs, `nav://show` from the tray, bus "nav" messages from other views
// (e.g. an auth error's "Open Settings") and Ctrl+1/2/3.

import { byId } from "./dom.js";
import { listen } from "./ipc.js";
import { emit, on } from "./state.js";

const VIEWS = ["upload", "history", "settings"];
let current = "upload";

/** Shows view `name` ("upload" | "history" | "settings"). */
export function show(name) {
  if (!VIEWS.includes(name)) return;
  // The views share one scroller: start each view at its top, not where the last one was.
  if (name !== current) document.querySelector(".views")?.scrollTo(0, 0);
  current = name;
  for (const v of VIEWS) {
    byId(`view-${v}`).hidden = v !== name;
    const tab = byId(`tab-${v}`);
    if (v === name) tab.setAttribute("aria-current", "page");
    else tab.removeAttribute("aria-current");
  }
  emit("view", name);
}

/** The view on screen. */
export function currentView() {
  return current;
}

/** Wires the tabs and shortcuts; call once. */
export function initNav() {
  for (const v of VIEWS) byId(`tab-${v}`).addEventListener("click", () => show(v));
  on("nav", (nav) => show(nav?.view));
  void listen("nav://show", (evt) => emit("nav", { view: evt.payload?.view }));
  document.addEventListener("keydown", (e) => {
    if ((e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey && ["1", "2", "3"].includes(e.key)) {
      e.preventDefault();
      show(VIEWS[Number(e.key) - 1]);
    }
  });
}
