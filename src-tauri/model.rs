//! The JSON shapes exchanged with the web UI (see the IPC contract): what the option bar sends
//! ([`UploadRequest`], [`SourceArg`]) and what uploads and the history send back ([`UploadResult`],
//! [`UploadEvent`], [`HistoryItem`]). None of them carries an API key; only `copied` may carry a
//! delete URL, and only when the person chose to copy it.

use crate::error::CmdError;
use serde::{Deserialize, Deserializer, Serialize};
use slingshot::api::{UploadOptions, Uploaded};
use slingshot::history::{Entry, Status};
use slingshot::links::CopyTarget;
use std::path::PathBuf;

/// The option bar: profile, API options, local preparation and what to copy.
#[derive(Debug, Clone, Deserialize)]
pub struct UploadRequest {
    /// Profile name; `None` uses the default profile.
    #[serde(default)]
    pub profile: Option<String>,
    /// API options, already merged with the profile's defaults by the UI.
    #[serde(default, deserialize_with = "lenient")]
    pub options: UploadOptions,
    /// Downscale wider images locally to this width.
    #[serde(default)]
    pub resize_width: Option<u32>,
    /// JPEG quality for re-encoded images.
    #[serde(default = "default_quality", deserialize_with = "or_default_quality")]
    pub jpeg_quality: u8,
    /// Remove EXIF/GPS metadata before sending.
    #[serde(default, deserialize_with = "null_false")]
    pub strip_metadata: bool,
    /// What goes on the clipboard afterwards.
    #[serde(default, deserialize_with = "lenient")]
    pub copy: CopyTarget,
}

fn default_quality() -> u8 {
    90
}

/// Drops `null` members of JSON objects (recursively) so every field falls back to its serde
/// default: the UI sends `null` for "unset", including for fields such as `tags` or `nsfw` whose
/// Rust type has no null.
pub fn strip_nulls(v: serde_json::Value) -> serde_json::Value {
    match v {
        serde_json::Value::Object(map) => {
            map.into_iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| (k, strip_nulls(v))).collect()
        }
        other => other,
    }
}

/// Deserialises `T` after [`strip_nulls`]; a top-level `null` gives `T::default()`.
pub fn lenient<'de, D: Deserializer<'de>, T: serde::de::DeserializeOwned + Default>(
    d: D,
) -> Result<T, D::Error> {
    let v = serde_json::Value::deserialize(d)?;
    if v.is_null() {
        return Ok(T::default());
    }
    serde_json::from_value(strip_nulls(v)).map_err(serde::de::Error::custom)
}

fn null_false<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    Ok(Option::<bool>::deserialize(d)?.unwrap_or(false))
}

fn or_default_quality<'de, D: Deserializer<'de>>(d: D) -> Result<u8, D::Error> {
    Ok(Option::<u8>::deserialize(d)?.unwrap_or_else(default_quality))
}

/// One thing the UI asks to upload.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(untagged)]
pub enum SourceArg {
    /// Pasted bytes, base64 (a `data:` URL prefix is accepted), with a file name.
    Data {
        /// The bytes, base64.
        data_base64: String,
        /// A name for the saved file.
        #[serde(default)]
        name: Option<String>,
    },
    /// An absolute path to a file or folder.
    Path {
        /// The path.
        path: String,
    },
    /// An http(s) URL the server fetches.
    Url {
        /// The URL.
        url: String,
    },
}

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

/// One history row as the UI lists it. No delete URL: only whether there is one.
#[derive(Debug, Clone, Serialize)]
pub struct HistoryItem {
    /// Row id.
    pub id: i64,
    /// When it was added (RFC 3339, UTC).
    pub created_at: String,
    /// Where it stands.
    pub status: Status,
    /// Path or URL uploaded.
    pub source: String,
    /// Local file kept.
    pub local_path: Option<PathBuf>,
    /// Profile used.
    pub profile: String,
    /// Last failure's kind.
    pub error_kind: Option<String>,
    /// Last failure's message.
    pub error: Option<String>,
    /// Attempts so far.
    pub attempts: u32,
    /// For a job waiting in the queue: its next automatic attempt (RFC 3339 UTC).
    pub next_attempt_at: Option<String>,
    /// Direct URL.
    pub url: Option<String>,
    /// Short URL.
    pub url_short: Option<String>,
    /// Viewer URL.
    pub url_viewer: Option<String>,
    /// Thumbnail URL.
    pub thumb_url: Option<String>,
    /// Width (the server's when known).
    pub width: Option<u32>,
    /// Height (the server's when known).
    pub height: Option<u32>,
    /// Size in bytes (the server's when known).
    pub size: Option<u64>,
    /// MIME type.
    pub mime: Option<String>,
    /// Whether a delete link is stored.
    pub has_delete_url: bool,
}

impl From<Entry> for HistoryItem {
    fn from(e: Entry) -> Self {
        let up = e.uploaded.as_ref();
        HistoryItem {
            id: e.id,
            created_at: e.created_at,
            status: e.status,
            source: e.source,
            local_path: e.local_path,
            profile: e.profile,
            error_kind: e.error_kind,
            error: e.error,
            attempts: e.attempts,
            next_attempt_at: e.next_attempt_at,
            url: up.map(|u| u.url.clone()),
            url_short: up.and_then(|u| u.url_short.clone()),
            url_viewer: up.and_then(|u| u.url_viewer.clone()),
            thumb_url: up.and_then(|u| u.thumb_url.clone()),
            width: up.and_then(|u| u.width).or(e.width),
            height: up.and_then(|u| u.height).or(e.height),
            size: up.and_then(|u| u.size).or(e.size),
            mime: up.and_then(|u| u.mime.clone()).or(e.mime),
            has_delete_url: up.is_some_and(|u| u.delete_url.is_some()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn upload_request_accepts_nulls_for_unset() {
        let r: UploadRequest = serde_json::from_value(json!({
            "profile": null,
            "options": {"title": null, "tags": null, "nsfw": null, "format": "txt", "expiration": "PT5M"},
            "resize_width": null, "jpeg_quality": null, "strip_metadata": true, "copy": "markdown"
        }))
        .expect("parses");
        assert_eq!(r.profile, None);
        assert!(r.options.tags.is_empty() && !r.options.nsfw);
        assert_eq!(r.options.format, slingshot::api::Format::Txt);
        assert_eq!(r.options.expiration.as_deref(), Some("PT5M"));
        assert_eq!(r.jpeg_quality, 90);
        assert!(r.strip_metadata);
        assert_eq!(r.copy, CopyTarget::Markdown);
        let bare: UploadRequest = serde_json::from_value(json!({})).expect("all optional");
        assert_eq!(bare.copy, CopyTarget::Short);
    }

    #[test]
    fn source_args_by_shape() {
        let v: Vec<SourceArg> = serde_json::from_value(json!([
            {"path": "/a.png"}, {"url": "https://x/y.png"}, {"data_base64": "AAAA", "name": "p.png"}
        ]))
        .expect("parses");
        assert_eq!(v[0], SourceArg::Path { path: "/a.png".into() });
        assert_eq!(v[1], SourceArg::Url { url: "https://x/y.png".into() });
        assert_eq!(v[2], SourceArg::Data { data_base64: "AAAA".into(), name: Some("p.png".into()) });
    }

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
