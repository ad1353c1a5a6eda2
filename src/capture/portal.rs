//! Wayland capture through the desktop's Screenshot portal (`org.freedesktop.portal.Screenshot`,
//! through ashpd). Every D-Bus step has its own `tokio::time::timeout`: ashpd has none, and a
//! portal that never answers was seen to hang a request for ten minutes. The portal answers with
//! a file; it is read at once, because the wlroots backend always writes the same shared
//! `/tmp/out.png` and the next screenshot (anyone's) overwrites it.

use super::{session::Session, Capture, CaptureMode};
use crate::error::{Error, Result};
use ashpd::desktop::screenshot::Screenshot;
use ashpd::desktop::ResponseError;
use image::RgbaImage;
use std::path::PathBuf;
use std::time::Duration;

/// Connecting to the session bus and finding the portal.
const CONNECT: Duration = Duration::from_secs(5);
/// A non-interactive screenshot: ~50 ms warm, a few seconds when D-Bus first starts the portal.
const QUICK: Duration = Duration::from_secs(20);
/// When a person may have to answer (GNOME's one-time permission dialog, the desktop's own
/// region picker in interactive mode).
const ASKING: Duration = Duration::from_secs(120);

/// What went wrong, before it becomes an [`Error`] with advice for the desktop at hand.
#[derive(Debug)]
pub(crate) enum PortalFailure {
    /// No session bus, or no portal service on it.
    Unavailable(String),
    /// The portal did not answer in time.
    TimedOut(Duration),
    /// The person cancelled (interactive mode: Esc in the desktop's picker).
    Cancelled,
    /// Response code 2: refused (GNOME's "Deny") or failed in the backend.
    Refused,
    /// Any other error: bad answer, unreadable file, undecodable image.
    Failed(String),
}

/// The first words of the error for a refusal, so callers can tell it from a failure.
const REFUSED_PREFIX: &str = "The desktop refused the screenshot";

/// Takes one screenshot through the portal and cuts out what `mode` asks for.
pub(crate) fn capture(mode: CaptureMode, session: &Session) -> Result<Capture> {
    let full = screenshot(false, session).map_err(|f| to_error(f, session))?;
    super::outputs::select(full, mode)
}

/// The whole desktop through the portal, as one image. `interactive` hands the choice (region,
/// window, screen) to the desktop's own picker: GNOME's screenshot UI, slurp on wlroots.
pub fn take(interactive: bool) -> Result<RgbaImage> {
    let session = Session::detect();
    screenshot(interactive, &session).map_err(|f| to_error(f, &session))
}

/// Whether `e` says the person or the desktop refused the screenshot (not worth a fallback).
pub fn is_refusal(e: &Error) -> bool {
    e.to_string().starts_with(REFUSED_PREFIX)
}

/// Runs the request on a thread of its own with a small runtime for the timeouts, so callers
/// can be plain threads, blocking tasks or async code alike.
fn screenshot(interactive: bool, session: &Session) -> Result<RgbaImage, PortalFailure> {
    let wait = if interactive || session.is_gnome() { ASKING } else { QUICK };
    let worker = std::thread::Builder::new().name("screenshot-portal".into()).spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .map_err(|e| PortalFailure::Failed(format!("cannot start a timer runtime: {e}")))?;
        let path = rt.block_on(request(interactive, wait))?;
        read_png(&path)
    });
    match worker {
        Ok(handle) => handle
            .join()
            .unwrap_or_else(|_| Err(PortalFailure::Failed("the portal request stopped unexpectedly".into()))),
        Err(e) => Err(PortalFailure::Failed(format!("cannot start the portal request: {e}"))),
    }
}

/// The D-Bus part: connect, ask, wait for the answer; each step under its own timeout.
async fn request(interactive: bool, wait: Duration) -> Result<PathBuf, PortalFailure> {
    let conn = tokio::time::timeout(CONNECT, ashpd::zbus::Connection::session())
        .await
        .map_err(|_| PortalFailure::TimedOut(CONNECT))?
        .map_err(|e| PortalFailure::Unavailable(format!("no D-Bus session bus ({e})")))?;
    let sent = Screenshot::request().connection(Some(conn)).interactive(interactive).modal(true).send();
    let answer = tokio::time::timeout(wait, sent).await.map_err(|_| PortalFailure::TimedOut(wait))?;
    let shot = match answer {
        Ok(request) => request.response(),
        Err(e) => Err(e),
    };
    let shot = shot.map_err(|e| match e {
        ashpd::Error::Response(ResponseError::Cancelled) => PortalFailure::Cancelled,
        ashpd::Error::Response(ResponseError::Other) => PortalFailure::Refused,
        ashpd::Error::Zbus(ref z) if is_missing_service(z) => PortalFailure::Unavailable(e.to_string()),
        ashpd::Error::PortalNotFound(_) => PortalFailure::Unavailable(e.to_string()),
        other => PortalFailure::Failed(other.to_string()),
    })?;
    let uri = shot.uri().as_str().to_string();
    url::Url::parse(&uri)
        .ok()
        .filter(|u| u.scheme() == "file")
        .and_then(|u| u.to_file_path().ok())
        .ok_or_else(|| PortalFailure::Failed(format!("the portal answered with {uri:?}, not a local file")))
}

/// The portal (or its backend) is not on the bus at all.
fn is_missing_service(e: &ashpd::zbus::Error) -> bool {
    let s = e.to_string();
    s.contains("ServiceUnknown") || s.contains("UnknownMethod") || s.contains("UnknownInterface")
}

/// Reads the portal's file at once (the wlroots backend reuses one shared path) and decodes it.
fn read_png(path: &std::path::Path) -> Result<RgbaImage, PortalFailure> {
    let bytes = std::fs::read(path).map_err(|e| {
        PortalFailure::Failed(format!("cannot read the portal's file {}: {e}", path.display()))
    })?;
    image::load_from_memory(&bytes).map(|img| img.to_rgba8()).map_err(|e| {
        PortalFailure::Failed(format!("the portal's file {} is not an image: {e}", path.display()))
    })
}

/// Turns a failure into a message that says what to do on this desktop.
pub(crate) fn to_error(f: PortalFailure, session: &Session) -> Error {
    match f {
        PortalFailure::Refused if session.is_gnome() => Error::Config(format!(
            "{REFUSED_PREFIX} (portal response 2): GNOME's \"Allow Applications to Take Screenshots?\" \
             was answered Deny or closed. To be asked again, run `gdbus call --session --dest \
             org.freedesktop.impl.portal.PermissionStore --object-path \
             /org/freedesktop/impl/portal/PermissionStore --method \
             org.freedesktop.impl.portal.PermissionStore.DeletePermission screenshot screenshot ''` \
             and capture again, then choose Allow"
        )),
        PortalFailure::Refused => Error::Config(format!(
            "{REFUSED_PREFIX} (portal response 2): the desktop's screenshot portal said no or failed; \
             check its log (`journalctl --user -u xdg-desktop-portal`), and on wlroots desktops install \
             `grim` as a fallback"
        )),
        PortalFailure::Cancelled => Error::invalid("The screenshot was cancelled; nothing was captured"),
        PortalFailure::TimedOut(d) => Error::Config(format!(
            "The screenshot portal did not answer within {} s; check that xdg-desktop-portal and a backend \
             for this desktop (-gnome, -kde, -wlr, with -gtk) are installed and running",
            d.as_secs()
        )),
        PortalFailure::Unavailable(why) => Error::Config(format!(
            "No screenshot portal in this session ({why}); install xdg-desktop-portal with the backend \
             for your desktop (-gnome, -kde or -wlr, plus -gtk), or grim on wlroots desktops"
        )),
        PortalFailure::Failed(why) => Error::Image(format!("The screenshot portal failed: {why}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_gnome_refusal_says_how_to_be_asked_again() {
        let gnome = Session::from_vars(Some("wayland"), true, false, Some("GNOME"), None);
        let e = to_error(PortalFailure::Refused, &gnome);
        let msg = e.to_string();
        assert!(is_refusal(&e), "{msg}");
        assert!(
            msg.contains("response 2") && msg.contains("DeletePermission screenshot screenshot"),
            "{msg}"
        );
        let sway = Session::from_vars(Some("wayland"), true, false, Some("sway"), None);
        let e = to_error(PortalFailure::Refused, &sway);
        assert!(is_refusal(&e) && e.to_string().contains("grim"), "{e}");
        let e = to_error(PortalFailure::TimedOut(QUICK), &sway);
        assert!(!is_refusal(&e) && e.to_string().contains("within 20 s"), "{e}");
    }

    #[test]
    fn an_unreadable_answer_is_a_failure_not_a_panic() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("out.png");
        assert!(matches!(read_png(&p), Err(PortalFailure::Failed(_))));
        std::fs::write(&p, b"not a png").expect("write");
        assert!(matches!(read_png(&p), Err(PortalFailure::Failed(_))));
    }
}
