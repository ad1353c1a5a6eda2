//! The Slingshot desktop app (feature `desktop`): a Tauri 2 shell over the `slingshot` core.
//! A tray icon, global hotkeys (capture, upload the clipboard), a window for uploads, history and
//! settings, and `slingshot FILE...` forwarding to the running instance. Every module is a thin
//! adapter; uploads, settings, keys and the history live in the core.
//! Window size, CSP and icons: `tauri.conf.json`; permissions: `src-tauri/capabilities/`.

// A release build on Windows should not open a console window next to the app.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]
#![deny(clippy::unwrap_used)]

mod app;
mod commands;
mod error;
mod events;
mod hotkeys;
mod idle;
mod model;
mod overlay;
mod shell;
mod tray;
mod view;
mod window;

fn main() -> std::process::ExitCode {
    app::run()
}
