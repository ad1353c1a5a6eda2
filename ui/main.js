// Slingshot window script (placeholder). It only highlights the drop area and stops the webview
// from navigating to a dropped file; uploads are not wired up in this build.
"use strict";

const drop = document.getElementById("drop");
let depth = 0; // dragenter/dragleave fire for every child element, so count them.

window.addEventListener("dragenter", (event) => {
  event.preventDefault();
  depth += 1;
  drop.classList.add("over");
});

window.addEventListener("dragover", (event) => {
  event.preventDefault();
});

window.addEventListener("dragleave", () => {
  depth = Math.max(0, depth - 1);
  if (depth === 0) {
    drop.classList.remove("over");
  }
});

window.addEventListener("drop", (event) => {
  // Without this the webview would open the dropped file in place of the app.
  event.preventDefault();
  depth = 0;
  drop.classList.remove("over");
});
