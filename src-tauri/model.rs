//! The JSON shapes exchanged with the web UI (see the IPC contract): what the option bar sends
//! ([`UploadRequest`], [`SourceArg`]) and the history rows it lists ([`HistoryItem`]); upload
//! results and events are the core's (`slingshot::desktop::model`). None of them carries an API key; only `copied` may carry a
//! delete URL, and only when the person chose to copy it.

use serde::{Deserialize, Deserializer, Serialize};
use slingshot::api::UploadOptions;
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
}
