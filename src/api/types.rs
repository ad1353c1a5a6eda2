//! The data the API client takes and returns: sources, options, server settings and the parsed
//! answer. Shared by the client, the pipeline, the history and the local host's tests.

use crate::secret::ApiKey;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::sync::Arc;

/// What to upload.
#[derive(Debug, Clone)]
pub enum Source {
    /// A file on disk, streamed (never read whole into memory).
    File(PathBuf),
    /// Bytes in memory (a capture or the clipboard), with the file name to send.
    Bytes {
        /// The file's content.
        data: Vec<u8>,
        /// Name sent in the multipart part.
        filename: String,
    },
    /// Base64 text, sent as the `source` string field.
    Base64(String),
    /// An http(s) URL the server fetches itself.
    Url(String),
}

/// How the API key travels.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum KeyMode {
    /// `X-API-Key` header (Chevereto V4).
    #[default]
    Header,
    /// `key` form field (Chevereto-Free / V3).
    Field,
}

/// The answer format asked of the server.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Full JSON answer (default; gives every URL).
    #[default]
    Json,
    /// Body is the direct URL only.
    Txt,
    /// 302 to the viewer page.
    Redirect,
}

impl Format {
    /// The value of the `format` field.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Txt => "txt",
            Format::Redirect => "redirect",
        }
    }
}

/// Optional upload parameters of API V1. Validate with [`crate::api::params::validate`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct UploadOptions {
    /// `title` (max 100 characters).
    pub title: Option<String>,
    /// `description`, sent raw.
    pub description: Option<String>,
    /// `tags`, joined with commas (each ≤ 32 chars, no `,` `/` `#`).
    pub tags: Vec<String>,
    /// `album_id`: the album's encoded id.
    pub album_id: Option<String>,
    /// `category_id`: a number.
    pub category_id: Option<String>,
    /// `width`: server-side downscale.
    pub width: Option<u32>,
    /// `expiration`: one of the server's list, seconds, or an ISO 8601 duration.
    pub expiration: Option<String>,
    /// `nsfw` flag (sent as 1 only when set).
    pub nsfw: bool,
    /// `format`.
    pub format: Format,
    /// `use_file_date` (admin keys only).
    pub use_file_date: bool,
}

/// Where and how to talk to one server.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Base URL, e.g. `https://img.example.com` (the client appends `/api/1/upload`).
    pub base_url: url::Url,
    /// The key (redacted in Debug). `None` sends no key (the server answers `No key provided`).
    pub key: Option<ApiKey>,
    /// Header or field.
    pub key_mode: KeyMode,
    /// Allow plain http to a non-loopback host (the key then travels in clear).
    pub allow_insecure_http: bool,
}

/// Progress callback: `(bytes_sent, total_bytes)`.
pub type ProgressFn = Arc<dyn Fn(u64, u64) + Send + Sync>;

/// What a successful upload returned. Fields the server did not send are `None`.
/// Debug hides the delete URL (opening it deletes the upload).
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Uploaded {
    /// Direct file URL (`image.url`); always present.
    pub url: String,
    /// Viewer page URL.
    pub url_viewer: Option<String>,
    /// Short URL (often equals the viewer URL).
    pub url_short: Option<String>,
    /// Delete URL: a GET deletes at once. Treat as a secret.
    pub delete_url: Option<String>,
    /// Thumbnail URL.
    pub thumb_url: Option<String>,
    /// Medium-size URL.
    pub medium_url: Option<String>,
    /// Encoded id.
    pub id: Option<String>,
    /// Stored width.
    pub width: Option<u32>,
    /// Stored height.
    pub height: Option<u32>,
    /// Stored size in bytes.
    pub size: Option<u64>,
    /// MIME type.
    pub mime: Option<String>,
    /// `image` or `video`.
    pub media_type: Option<String>,
    /// Expiration date (GMT) if any.
    pub expiration_date_gmt: Option<String>,
    /// Stored file name.
    pub filename: Option<String>,
    /// Original file name.
    pub original_filename: Option<String>,
}

impl std::fmt::Debug for Uploaded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Uploaded")
            .field("url", &self.url)
            .field("url_viewer", &self.url_viewer)
            .field("url_short", &self.url_short)
            .field("delete_url", &self.delete_url.as_ref().map(|_| "<redacted>"))
            .field("id", &self.id)
            .field("width", &self.width)
            .field("height", &self.height)
            .field("size", &self.size)
            .field("mime", &self.mime)
            .finish_non_exhaustive()
    }
}
