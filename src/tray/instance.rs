//! The app's single-instance D-Bus name, held by the tray process while it stands in for the app:
//! the same name, object and `ExecuteCallback(argv, cwd)` method as the app's single-instance
//! plugin, so `slingshot FILE...` from a file manager and `slingshot-cli capture --upload` reach
//! whichever of the two is running.

use super::TrayShell;
use crate::cli::capture_handoff::{BUS_NAME, INTERFACE, OBJECT_PATH};
use crate::desktop::args;
use std::path::Path;

/// The object a second `slingshot ...` calls.
struct Instance {
    shell: TrayShell,
}

#[zbus::interface(name = "org.SingleInstance.DBus")]
impl Instance {
    /// A second `slingshot ARGS...` started: run what it asked for here.
    fn execute_callback(&self, argv: Vec<String>, cwd: String) {
        let launch = args::parse(&argv, Path::new(&cwd));
        tracing::info!(files = launch.files.len(), "second instance forwarded its arguments");
        crate::desktop::startup::run_launch(&self.shell, launch);
    }
}

/// Serves the object and takes the name; fails when someone else holds it. The connection
/// must be kept: dropping it gives the name back.
pub(crate) async fn serve(shell: TrayShell) -> zbus::Result<zbus::Connection> {
    zbus::connection::Builder::session()?
        .serve_at(OBJECT_PATH, Instance { shell })?
        .name(BUS_NAME)?
        .build()
        .await
}

/// Whether a Slingshot (the app or another tray process) already holds the name.
pub(crate) async fn taken() -> bool {
    let Ok(conn) = zbus::Connection::session().await else { return false };
    let Ok(dbus) = zbus::fdo::DBusProxy::new(&conn).await else { return false };
    match zbus::names::BusName::try_from(BUS_NAME) {
        Ok(name) => dbus.name_has_owner(name).await.unwrap_or(false),
        Err(_) => false,
    }
}

/// Hands this launch's arguments to the running Slingshot, as a second `slingshot` does.
pub(crate) async fn forward(argv: &[String]) -> zbus::Result<()> {
    let conn = zbus::Connection::session().await?;
    let cwd = std::env::current_dir().map(|d| d.display().to_string()).unwrap_or_else(|_| "/".into());
    conn.call_method(Some(BUS_NAME), OBJECT_PATH, Some(INTERFACE), "ExecuteCallback", &(argv, cwd)).await?;
    Ok(())
}
