//! Desktop notifications after uploads, through notify-rust (D-Bus) directly: "Link copied" with
//! the link and the image, or "Upload failed" with the reason. The handle is kept alive for a
//! while on its own thread, because GNOME drops a notification whose sender disconnects.
//! Respects `settings.app.notifications`.

use super::state::AppState;
use std::path::PathBuf;
use std::time::Duration;

/// How long the sender stays connected so the notification is not withdrawn.
const HOLD: Duration = Duration::from_secs(10);
/// How long the notification is shown (servers may ignore it).
const SHOW_MS: u32 = 6000;

/// One notification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// Title line.
    pub summary: String,
    /// Text.
    pub body: String,
    /// A local image to show.
    pub image: Option<PathBuf>,
}

/// A successful upload, for the notification.
#[derive(Debug, Clone)]
pub struct Done {
    /// The link shown (what was copied, or the short link).
    pub link: String,
    /// The local file uploaded, if any.
    pub local: Option<PathBuf>,
    /// Its MIME type.
    pub mime: Option<String>,
}

/// The reason shown for a job that stays queued: the error, then what happens next.
pub fn queued_reason(error: &str) -> String {
    format!("{error}. It is queued and goes out as soon as the server answers.")
}

/// A failed upload, for the notification.
#[derive(Debug, Clone)]
pub struct Failed {
    /// What was uploaded.
    pub name: String,
    /// Why it failed.
    pub reason: String,
    /// It did not fail for good: it stays queued and goes out when the server answers.
    pub queued: bool,
}

/// The one notification for a batch, or `None` for an empty one.
pub fn for_batch(done: &[Done], failed: &[Failed], copied: bool, copy_error: Option<&str>) -> Option<Note> {
    if done.is_empty() {
        let first = failed.first()?;
        let body = if failed.len() == 1 {
            format!("{}: {}", file_name(&first.name), first.reason)
        } else {
            format!("{} uploads failed. {}: {}", failed.len(), file_name(&first.name), first.reason)
        };
        // "Queued" only when nothing needs the person: every job will go out by itself.
        let summary = if failed.iter().all(|f| f.queued) { "Upload queued" } else { "Upload failed" };
        return Some(Note { summary: summary.into(), body, image: None });
    }
    let summary = match (copied, done.len()) {
        (true, 1) => "Link copied".to_string(),
        (true, n) => format!("{n} links copied"),
        (false, 1) => "Upload done".to_string(),
        (false, n) => format!("{n} uploads done"),
    };
    let mut body = done.iter().map(|d| d.link.as_str()).collect::<Vec<_>>().join("\n");
    if let Some(e) = copy_error {
        body.push_str(&format!("\nThe link could not be copied: {e}"));
    }
    if !failed.is_empty() {
        body.push_str(&format!(
            "\n{} failed: {}",
            failed.len(),
            failed.iter().map(|f| file_name(&f.name)).collect::<Vec<_>>().join(", ")
        ));
    }
    let image = done
        .iter()
        .rev()
        .find(|d| {
            d.mime.as_deref().is_some_and(|m| m.starts_with("image/"))
                && d.local.as_ref().is_some_and(|p| p.is_file())
        })
        .and_then(|d| d.local.clone());
    Some(Note { summary, body, image })
}

/// The last path component of a path, or the text itself (URLs stay whole).
fn file_name(s: &str) -> &str {
    if s.contains("://") {
        return s;
    }
    s.rsplit('/').find(|p| !p.is_empty()).unwrap_or(s)
}

/// Shows `note` unless notifications are off. Returns at once: the D-Bus call and the wait
/// happen on a short-lived thread.
pub fn show(st: &AppState, note: Note) {
    if !st.settings().app.notifications {
        return;
    }
    let spawned = std::thread::Builder::new().name("notify".into()).spawn(move || {
        let mut n = notify_rust::Notification::new();
        n.appname("Slingshot")
            .summary(&note.summary)
            .body(&note.body)
            .icon("image-x-generic")
            .timeout(notify_rust::Timeout::Milliseconds(SHOW_MS));
        if let Some(p) = note.image.as_ref().and_then(|p| p.to_str()) {
            n.image_path(p);
        }
        match n.show() {
            Ok(handle) => {
                std::thread::sleep(HOLD);
                drop(handle);
            }
            Err(e) => tracing::warn!("cannot show a notification: {e}"),
        }
    });
    if let Err(e) = spawned {
        tracing::warn!("cannot start the notification thread: {e}");
    }
}

/// Shows a one-line error notification (a capture that failed before any upload).
pub fn error(st: &AppState, summary: &str, reason: &str) {
    show(st, Note { summary: summary.into(), body: reason.into(), image: None });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn done(link: &str) -> Done {
        Done { link: link.into(), local: None, mime: Some("image/png".into()) }
    }

    #[test]
    fn one_copied_link() {
        let n = for_batch(&[done("http://h/s")], &[], true, None).expect("a note");
        assert_eq!(n.summary, "Link copied");
        assert_eq!(n.body, "http://h/s");
        assert_eq!(n.image, None, "no local file, no image");
    }

    #[test]
    fn failures_say_why() {
        let f = Failed {
            name: "/home/a/shot.png".into(),
            reason: "Could not reach h: refused".into(),
            queued: false,
        };
        let n = for_batch(&[], std::slice::from_ref(&f), false, None).expect("a note");
        assert_eq!(n.summary, "Upload failed");
        assert_eq!(n.body, "shot.png: Could not reach h: refused");
        let mixed = for_batch(&[done("a"), done("b")], &[f], true, None).expect("a note");
        assert_eq!(mixed.summary, "2 links copied");
        assert!(mixed.body.ends_with("1 failed: shot.png"), "{}", mixed.body);
        let q = Failed { name: "a.png".into(), reason: queued_reason("Could not reach h"), queued: true };
        let n = for_batch(&[], std::slice::from_ref(&q), false, None).expect("a note");
        assert_eq!(n.summary, "Upload queued");
        assert!(n.body.contains("goes out as soon as the server answers"), "{}", n.body);
        assert_eq!(for_batch(&[], &[], false, None), None);
    }

    #[test]
    fn clipboard_trouble_is_mentioned() {
        let n = for_batch(&[done("http://h/s")], &[], false, Some("no display")).expect("a note");
        assert_eq!(n.summary, "Upload done");
        assert!(n.body.contains("could not be copied: no display"));
    }

    #[test]
    fn image_shown_when_the_file_exists() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("a.png");
        std::fs::write(&p, b"x").expect("write");
        let d = Done { link: "l".into(), local: Some(p.clone()), mime: Some("image/png".into()) };
        let n = for_batch(&[d], &[], true, None).expect("a note");
        assert_eq!(n.image, Some(p));
    }
}
