// Start-up: wires every view, loads the AppView (`get_state`) and follows `state://changed` and
// `upload://event` (uploads started by hotkeys, the tray or the file manager).

import { initBanners } from "./banners.js";
import { announce } from "./dom.js";
import { initHistory } from "./history.js";
import { inApp, invoke, listen } from "./ipc.js";
import { initNav } from "./nav.js";
import { initOptions } from "./options.js";
import { initProfiles } from "./profiles.js";
import { handleEvent, initQueue } from "./queue.js";
import { initSettings } from "./settings.js";
import { setView } from "./state.js";
import { initUpload } from "./upload.js";

async function start() {
  initNav();
  initBanners();
  initOptions();
  initQueue();
  initUpload();
  initHistory();
  initProfiles();
  initSettings();
  if (!inApp()) return;
  void listen("state://changed", (evt) => setView(evt.payload));
  void listen("upload://event", (evt) => handleEvent(evt.payload, evt.payload?.origin ?? "hotkey"));
  try {
    setView(await invoke("get_state"));
    document.body.dataset.ready = "1";
  } catch (err) {
    announce(`Could not load the settings: ${err.message}`, "error");
  }
}

void start();
