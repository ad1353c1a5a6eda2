//! `slingshot-tray`: Slingshot in the tray without GTK or WebKit, started by the desktop app when
//! its window has been closed for a while (see `slingshot::tray`).

#![deny(clippy::unwrap_used)]

fn main() -> std::process::ExitCode {
    slingshot::tray::run()
}
