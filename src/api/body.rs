//! The multipart body of an upload: the `source` part built from each kind of [`Source`] (files
//! streamed from disk with a known length and a sniffed Content-Type, never read whole), and the
//! option fields. Streamed parts report progress as the HTTP stack pulls their bytes.

use crate::api::types::{ProgressFn, Source, UploadOptions};
use crate::error::{Error, Result};
use crate::media::sniff::{sniff_bytes, sniff_path, Sniffed};
use bytes::Bytes;
use futures_util::{stream, Stream, TryStreamExt};
use reqwest::multipart::{Form, Part};
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use tokio::sync::mpsc;

/// Size of the chunks read from disk. Per-chunk costs (a thread wake-up, an allocation, a
/// progress call, a write call) vanish next to copying 256 KiB: to the local sink, 64 KiB chunks
/// ran at ~0.85× the speed of 256 KiB ones, and 512 KiB or 1 MiB were no faster (measured as in
/// `make bench`, part 1). Progress still moves every ~0.2 ms on a fast link.
const CHUNK: usize = 256 * 1024;

/// Size of the slices in-memory sources are sent in: slicing copies nothing, so small slices
/// only make progress smoother.
const MEM_CHUNK: usize = 64 * 1024;

/// Chunks a file is read ahead of the socket.
const READ_AHEAD: usize = 2;

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
                .step_by(MEM_CHUNK)
                .map(move |i| Ok::<_, std::io::Error>(data.slice(i..(i + MEM_CHUNK).min(data.len()))));
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
    let at = path.clone();
    let (file, total, sniffed) = tokio::task::spawn_blocking(move || open_file(&at))
        .await
        .map_err(|e| Error::io("Cannot read", &path, std::io::Error::other(e.to_string())))??;
    let body = counted(read_ahead(file, total), total, progress);
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let part = streamed_part(body, total, file_name_or(&name, sniffed), sniffed)?;
    Ok(SourceBody { part, total, streamed: true })
}

/// Checks that `path` is a regular file, sniffs its type and opens it: `(file, length, type)`.
fn open_file(path: &Path) -> Result<(File, u64, Sniffed)> {
    // Checked before opening: opening a FIFO would block.
    let meta = std::fs::metadata(path).map_err(|e| Error::io("Cannot read", path, e))?;
    if !meta.is_file() {
        return Err(Error::invalid(format!("{} is not a file", path.display())));
    }
    let sniffed = sniff_path(path)?;
    let file = File::open(path).map_err(|e| Error::io("Cannot open", path, e))?;
    Ok((file, meta.len(), sniffed))
}

/// The first `total` bytes of `file` as a stream of [`CHUNK`]-sized pieces, read by one blocking
/// thread that stays up to [`READ_AHEAD`] chunks ahead of the socket. Plain blocking reads into
/// a fresh buffer copy each byte once (an async file reads into its own buffer and copies again,
/// and hands every read to a thread); the read-ahead overlaps reading the next chunk with sending
/// this one. Memory stays flat whatever the file's size: a few chunks exist at a time (those in
/// the channel, the one being read, the ones the HTTP stack is writing).
fn read_ahead(file: File, total: u64) -> impl Stream<Item = std::io::Result<Bytes>> + Send + 'static {
    let (tx, mut rx) = mpsc::channel(READ_AHEAD);
    tokio::task::spawn_blocking(move || read_chunks(file, total, &tx));
    stream::poll_fn(move |cx| rx.poll_recv(cx))
}

/// Reads `total` bytes of `file` in chunks into `tx`; stops at the first error, or when the
/// receiver is gone (the request ended).
fn read_chunks(file: File, total: u64, tx: &mpsc::Sender<std::io::Result<Bytes>>) {
    let mut file = file;
    let mut left = total;
    while left > 0 {
        let want = left.min(CHUNK as u64);
        let mut buf = Vec::with_capacity(want as usize);
        // `read_to_end` fills the spare capacity without zeroing it first.
        let item = match (&mut file).take(want).read_to_end(&mut buf) {
            Ok(n) if n as u64 == want => Ok(Bytes::from(buf)),
            // The announced length can no longer be sent: fail rather than send a short body.
            Ok(_) => Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                "the file got shorter while it was being sent",
            )),
            Err(e) => Err(e),
        };
        let failed = item.is_err();
        if tx.blocking_send(item).is_err() || failed {
            return;
        }
        left -= want;
    }
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

    /// Reads `file` through [`read_ahead`] as if `total` bytes were announced.
    async fn streamed(file: &std::path::Path, total: u64) -> (Vec<u8>, Option<std::io::Error>) {
        let mut s = std::pin::pin!(read_ahead(File::open(file).expect("opens"), total));
        let mut got = Vec::new();
        while let Some(item) = s.try_next().await.transpose() {
            match item {
                Ok(chunk) => {
                    assert!(chunk.len() <= CHUNK);
                    got.extend_from_slice(&chunk);
                }
                Err(e) => return (got, Some(e)),
            }
        }
        (got, None)
    }

    #[tokio::test]
    async fn files_stream_whole_in_bounded_chunks_and_a_shrunk_file_fails() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("f.bin");
        let data: Vec<u8> = (0..CHUNK * 2 + 12_345).map(|i| (i * 7 % 251) as u8).collect();
        std::fs::write(&path, &data).expect("writes");

        let (got, err) = streamed(&path, data.len() as u64).await;
        assert!(err.is_none(), "{err:?}");
        assert_eq!(got, data);
        // Only the announced length is sent, even if the file grew since.
        let (got, err) = streamed(&path, 1000).await;
        assert!(err.is_none());
        assert_eq!(got, data[..1000]);
        // A file shorter than announced ends in an error, never in a short body.
        let (got, err) = streamed(&path, data.len() as u64 + 1).await;
        assert_eq!(got, data[..CHUNK * 2]);
        assert_eq!(err.map(|e| e.kind()), Some(std::io::ErrorKind::UnexpectedEof));
    }
}
