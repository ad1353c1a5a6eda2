//! What uploads send back to the window and the tray: [`UploadResult`] for a finished upload,
//! [`UploadEvent`] for each step, [`OriginEvent`] for the app-wide announcement. None of them
//! carries an API key; only `copied` may carry a delete URL, and only when the person chose to
//! copy it.

use super::error::CmdError;
use crate::api::Uploaded;
use crate::links::CopyTarget;
use serde::Serialize;

/// The links of an upload, ready to copy.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Links {
    /// Direct URL.
    pub url: String,
    /// Short URL (falls back to viewer, then direct).
    pub short: String,
    /// Viewer page.
    pub viewer: String,
    /// Markdown snippet.
    pub markdown: String,
    /// HTML snippet.
    pub html: String,
    /// BBCode snippet.
    pub bbcode: String,
}

impl Links {
    /// Renders every non-secret link of an answer.
    pub fn of(up: &Uploaded) -> Links {
        let r = |t: CopyTarget| t.render(up).unwrap_or_else(|| up.url.clone());
        Links {
            url: r(CopyTarget::Url),
            short: r(CopyTarget::Short),
            viewer: r(CopyTarget::Viewer),
            markdown: r(CopyTarget::Markdown),
            html: r(CopyTarget::Html),
            bbcode: r(CopyTarget::Bbcode),
        }
    }
}

/// A finished upload as the UI shows it. No delete URL (see `history_copy`).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct UploadResult {
    /// History row.
    pub history_id: i64,
    /// What was uploaded (path or URL).
    pub source: String,
    /// Direct URL.
    pub url: String,
    /// Short URL.
    pub url_short: Option<String>,
    /// Viewer page.
    pub url_viewer: Option<String>,
    /// Thumbnail.
    pub thumb_url: Option<String>,
    /// Medium size.
    pub medium_url: Option<String>,
    /// Stored width.
    pub width: Option<u32>,
    /// Stored height.
    pub height: Option<u32>,
    /// Stored size in bytes.
    pub size: Option<u64>,
    /// MIME type.
    pub mime: Option<String>,
    /// Whether a delete link is stored for it.
    pub has_delete_url: bool,
    /// Every link, rendered.
    pub links: Links,
    /// What was put on the clipboard for this upload, if anything.
    pub copied: Option<String>,
    /// Notes (title cut, resize skipped...).
    pub warnings: Vec<String>,
}

impl UploadResult {
    /// Builds the result of one upload; `copied` is the text chosen for the clipboard.
    pub fn new(
        history_id: i64,
        source: String,
        up: &Uploaded,
        copied: Option<String>,
        warnings: Vec<String>,
    ) -> Self {
        UploadResult {
            history_id,
            source,
            url: up.url.clone(),
            url_short: up.url_short.clone(),
            url_viewer: up.url_viewer.clone(),
            thumb_url: up.thumb_url.clone(),
            medium_url: up.medium_url.clone(),
            width: up.width,
            height: up.height,
            size: up.size,
            mime: up.mime.clone(),
            has_delete_url: up.delete_url.is_some(),
            links: Links::of(up),
            copied,
            warnings,
        }
    }
}

/// Progress of one upload, on the call's `Channel` and (with an origin) on `upload://event`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(tag = "event", rename_all = "lowercase")]
pub enum UploadEvent {
    /// Accepted, waiting for a slot.
    Queued {
        /// Job number, unique in this app run.
        job: u64,
        /// What is uploaded (file name or URL).
        name: String,
    },
    /// Bytes sent so far.
    Progress {
        /// Job number.
        job: u64,
        /// Bytes sent.
        sent: u64,
        /// Bytes in all.
        total: u64,
    },
    /// Finished.
    Done {
        /// Job number.
        job: u64,
        /// The upload.
        result: Box<UploadResult>,
    },
    /// Failed.
    Failed {
        /// Job number.
        job: u64,
        /// What was uploaded.
        name: String,
        /// Why.
        error: CmdError,
        /// The history row kept for a retry, if the job got that far.
        history_id: Option<i64>,
        /// When the job stays queued: its next automatic attempt (RFC 3339 UTC).
        retry_at: Option<String>,
    },
}

/// An [`UploadEvent`] on the app-wide `upload://event`, saying where the upload came from.
#[derive(Debug, Clone, Serialize)]
pub struct OriginEvent<'a> {
    /// The event's own fields.
    #[serde(flatten)]
    pub event: &'a UploadEvent,
    /// `hotkey`, `tray`, `file-manager` or `clipboard`.
    pub origin: &'static str,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn events_are_tagged_and_origin_is_flattened() {
        let ev = UploadEvent::Progress { job: 3, sent: 10, total: 20 };
        let v = serde_json::to_value(OriginEvent { event: &ev, origin: "hotkey" }).expect("serialises");
        assert_eq!(v, json!({"event": "progress", "job": 3, "sent": 10, "total": 20, "origin": "hotkey"}));
        let failed = UploadEvent::Failed {
            job: 1,
            name: "a".into(),
            error: CmdError::app("x"),
            history_id: None,
            retry_at: None,
        };
        let v = serde_json::to_value(&failed).expect("serialises");
        assert_eq!(v["event"], "failed");
        assert_eq!(v["error"]["kind"], "app");
    }

    #[test]
    fn results_never_hold_the_delete_url() {
        let up = Uploaded {
            url: "http://h/i/a.png".into(),
            url_short: Some("http://h/s".into()),
            delete_url: Some("http://h/del/secret".into()),
            ..Default::default()
        };
        let r = UploadResult::new(1, "/a.png".into(), &up, Some("http://h/s".into()), vec![]);
        let text = serde_json::to_string(&r).expect("serialises");
        assert!(!text.contains("secret"), "{text}");
        assert!(r.has_delete_url);
        assert_eq!(r.links.short, "http://h/s");
    }
}
