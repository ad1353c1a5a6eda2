//! The multipart body of an upload: the `source` part built from each kind of [`Source`] (files
//! streamed from disk with a known length and a sniffed Content-Type, never read whole), and the
//! option fields. Streamed parts report progress as the HTTP stack pulls their bytes.

use crate::api::types::{ProgressFn, Source, UploadOptions};
use crate::error::{Error, Result};
use crate::media::sniff::{sniff_bytes, sniff_path, Sniffed};
use bytes::Bytes;
use futures_util::{stream, Stream, TryStreamExt};
use reqwest::multipart::{Form, Part};
use std::path::PathBuf;
use tokio::io::AsyncReadExt;
use tokio_util::io::ReaderStream;

/// Size of the chunks read from disk or memory: big enough to be cheap, small enough for smooth
/// progress.
const CHUNK: usize = 64 * 1024;

/// The `source` part (or field) and the number of bytes it carries.
pub struct SourceBody {
    /// What to add to the form as `source`.
    pub part: Part,
    /// Bytes of the source, for the progress total and the timeout.
    pub total: u64,
    /// Whether the part reports progress itself (streamed sources); others are reported whole
    /// once sent.
    pub streamed: bool,
}

/// Builds the `source` part. Files are sniffed and streamed; base64 and URLs are string fields.
pub async fn source_body(source: Source, progress: Option<ProgressFn>) -> Result<SourceBody> {
    match source {
        Source::File(path) => file_part(path, progress).await,
        Source::Bytes { data, filename } => {
            let sniffed = sniff_bytes(&data)?;
            let total = data.len() as u64;
            let data = Bytes::from(data);
            let chunks = (0..data.len())
                .step_by(CHUNK)
                .map(move |i| Ok::<_, std::io::Error>(data.slice(i..(i + CHUNK).min(data.len()))));
            let body = counted(stream::iter(chunks), total, progress);
            let part = streamed_part(body, total, file_name_or(&filename, sniffed), sniffed)?;
            Ok(SourceBody { part, total, streamed: true })
        }
        Source::Base64(text) => {
            let data = strip_data_uri(text.trim());
            if data.is_empty() {
                return Err(Error::invalid("The base64 source is empty"));
            }
            let total = data.len() as u64;
            Ok(SourceBody { part: Part::text(data.to_string()), total, streamed: false })
        }
        Source::Url(u) => {
            let parsed = url::Url::parse(u.trim())
                .map_err(|e| Error::invalid(format!("The source URL is not valid: {e}")))?;
            if !matches!(parsed.scheme(), "http" | "https") || parsed.host().is_none() {
                return Err(Error::invalid(format!(
                    "The source URL must start with http:// or https:// (got a {}: URL)",
                    parsed.scheme()
                )));
            }
            let text = parsed.to_string();
            let total = text.len() as u64;
            Ok(SourceBody { part: Part::text(text), total, streamed: false })
        }
    }
}

/// A file part streamed from disk: length known up front, type sniffed from the first bytes.
async fn file_part(path: PathBuf, progress: Option<ProgressFn>) -> Result<SourceBody> {
    let meta = tokio::fs::metadata(&path).await.map_err(|e| Error::io("Cannot read", &path, e))?;
    if !meta.is_file() {
        return Err(Error::invalid(format!("{} is not a file", path.display())));
    }
    let sniff_at = path.clone();
    let sniffed = tokio::task::spawn_blocking(move || sniff_path(&sniff_at))
        .await
        .map_err(|e| Error::io("Cannot read", &path, std::io::Error::other(e.to_string())))??;
    let file = tokio::fs::File::open(&path).await.map_err(|e| Error::io("Cannot open", &path, e))?;
    let total = meta.len();
    // `take` keeps the body to the announced length if the file grows while it is sent.
    let body = counted(ReaderStream::with_capacity(file.take(total), CHUNK), total, progress);
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let part = streamed_part(body, total, file_name_or(&name, sniffed), sniffed)?;
    Ok(SourceBody { part, total, streamed: true })
}

/// A part over a byte stream, with its length and MIME type.
fn streamed_part<S>(body: S, total: u64, name: String, sniffed: Sniffed) -> Result<Part>
where
    S: Stream<Item = std::io::Result<Bytes>> + Send + 'static,
{
    Part::stream_with_length(reqwest::Body::wrap_stream(body), total)
        .file_name(name)
        .mime_str(sniffed.mime)
        .map_err(|e| Error::invalid(format!("Cannot use the MIME type {}: {e}", sniffed.mime)))
}

/// Wraps a byte stream so each chunk pulled reports `(sent, total)`.
fn counted<S>(s: S, total: u64, progress: Option<ProgressFn>) -> impl Stream<Item = std::io::Result<Bytes>>
where
    S: Stream<Item = std::io::Result<Bytes>>,
{
    let mut sent = 0u64;
    s.inspect_ok(move |chunk| {
        sent = sent.saturating_add(chunk.len() as u64);
        if let Some(p) = &progress {
            p(sent.min(total), total);
        }
    })
}

/// The given file name, or `upload.<ext>` when there is none.
fn file_name_or(name: &str, sniffed: Sniffed) -> String {
    let name = name.trim();
    if name.is_empty() {
        format!("upload.{}", sniffed.ext)
    } else {
        name.to_string()
    }
}

/// `data:image/png;base64,XXXX` → `XXXX`: the server refuses data URIs but takes the payload.
fn strip_data_uri(s: &str) -> &str {
    match s.strip_prefix("data:").and_then(|rest| rest.split_once(',')) {
        Some((_, payload)) => payload,
        None => s,
    }
}

/// Adds every option as a form field (never in the URL). Only set values are sent; `format` always.
pub fn add_options(mut form: Form, o: &UploadOptions) -> Form {
    let text = [
        ("title", o.title.clone()),
        ("description", o.description.clone()),
        ("tags", (!o.tags.is_empty()).then(|| o.tags.join(","))),
        ("album_id", o.album_id.clone()),
        ("category_id", o.category_id.clone()),
        ("width", o.width.map(|w| w.to_string())),
        ("expiration", o.expiration.clone()),
        ("nsfw", o.nsfw.then(|| "1".to_string())),
        ("format", Some(o.format.as_str().to_string())),
        ("use_file_date", o.use_file_date.then(|| "1".to_string())),
    ];
    for (name, value) in text {
        if let Some(v) = value {
            form = form.text(name, v);
        }
    }
    form
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_uris_are_stripped() {
        assert_eq!(strip_data_uri("data:image/png;base64,AAAA"), "AAAA");
        assert_eq!(strip_data_uri("AAAA"), "AAAA");
    }

    #[tokio::test]
    async fn url_sources_must_be_web_urls() {
        for bad in ["file:///etc/passwd", "ftp://h/x.png", "not a url", "javascript:alert(1)"] {
            assert!(source_body(Source::Url(bad.into()), None).await.is_err(), "{bad}");
        }
        assert!(source_body(Source::Url("https://127.0.0.1/a.png".into()), None).await.is_ok());
        assert!(source_body(Source::Base64(" ".into()), None).await.is_err());
        assert!(source_body(Source::Bytes { data: b"plain text".to_vec(), filename: "a.png".into() }, None)
            .await
            .is_err());
    }
}
