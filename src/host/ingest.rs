//! Reading an API request: query parameters, then a `multipart/form-data` or urlencoded body.
//! File parts are streamed to a temp file in the data dir (uploads can be 1 GB: never held in
//! memory); the whole body is counted against the web-server limit (`max_body_bytes`).

use super::Shared;
use axum::body::Body;
use axum::extract::{FromRequest, Multipart, Request};
use bytes::Bytes;
use futures_util::StreamExt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use tempfile::TempPath;
use tokio::io::AsyncWriteExt;

/// How much of an over-limit body is still read (and discarded) before answering 413, so the
/// client gets the answer instead of a reset connection.
const DRAIN_CAP: u64 = 1 << 30;

/// A received file part.
pub(crate) struct FilePart {
    /// The temp file (deleted on drop unless moved into place).
    pub path: TempPath,
    /// The part's filename, as the client sent it (never used as a path).
    pub file_name: String,
    /// The part's Content-Type, lowercased, without parameters.
    pub content_type: String,
    /// Bytes received for the part.
    pub size: u64,
    /// Whether the part was larger than the site limit (then it was not fully written).
    pub too_big: bool,
}

/// Everything read from a request.
#[derive(Default)]
pub(crate) struct Incoming {
    /// Query then body fields, in order; later ones win (PHP's `$_REQUEST`).
    pub fields: Vec<(String, String)>,
    /// The first file part named `source`.
    pub file: Option<FilePart>,
}

impl Incoming {
    /// The last value of a field.
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.fields.iter().rev().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

/// Why a body could not be read.
pub(crate) enum IngestError {
    /// Over `max_body_bytes`: answer 413 HTML.
    TooLarge,
    /// A broken multipart body or an I/O failure (`ENOSPC` is reported as storage full).
    Failed(std::io::Error),
}

/// Parses a query string into fields.
pub(crate) fn query_fields(query: Option<&str>) -> Vec<(String, String)> {
    query.map(|q| url::form_urlencoded::parse(q.as_bytes()).into_owned().collect()).unwrap_or_default()
}

/// Reads the body of a POST. `keep_files` false discards file parts (the key is already known to
/// be bad, so nothing would be stored anyway).
pub(crate) async fn read_body(
    sh: &Arc<Shared>,
    req: Request,
    keep_files: bool,
    into: &mut Incoming,
) -> Result<(), IngestError> {
    let max = sh.cfg.max_body_bytes;
    let declared = req
        .headers()
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > max) {
        let expects_continue = req.headers().contains_key(axum::http::header::EXPECT);
        if !expects_continue && declared.is_some_and(|n| n <= DRAIN_CAP) {
            drain(req.into_body(), u64::MAX).await;
        }
        return Err(IngestError::TooLarge);
    }
    let ctype = req
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let hit = Arc::new(AtomicBool::new(false));
    let (parts, body) = req.into_parts();
    let limited = Request::from_parts(parts, limit(body, max, Arc::clone(&hit)));
    let res = if ctype.starts_with("multipart/form-data") {
        read_multipart(sh, limited, keep_files, into).await
    } else if ctype.starts_with("application/x-www-form-urlencoded") {
        match axum::body::to_bytes(limited.into_body(), usize::MAX).await {
            Ok(b) => {
                into.fields.extend(url::form_urlencoded::parse(&b).into_owned());
                Ok(())
            }
            Err(e) => Err(std::io::Error::other(e.to_string())),
        }
    } else {
        // JSON and anything else is not parsed by the server; read it so the limit still applies.
        drain(limited.into_body(), u64::MAX).await;
        Ok(())
    };
    if hit.load(Ordering::SeqCst) {
        return Err(IngestError::TooLarge);
    }
    res.map_err(IngestError::Failed)
}

/// Reads and discards a body, up to `cap` bytes. Returns the bytes read.
pub(crate) async fn drain(body: Body, cap: u64) -> u64 {
    let mut n = 0u64;
    let mut stream = body.into_data_stream();
    while let Some(Ok(chunk)) = stream.next().await {
        n += chunk.len() as u64;
        if n >= cap {
            break;
        }
    }
    n
}

/// Wraps a body so that reading past `max` bytes fails and sets `hit`. Before failing it reads
/// and discards the rest (up to [`DRAIN_CAP`]), so the client can still read the 413.
fn limit(body: Body, max: u64, hit: Arc<AtomicBool>) -> Body {
    let inner = body.into_data_stream();
    let stream = futures_util::stream::unfold((inner, 0u64, false), move |(mut inner, seen, done)| {
        let hit = Arc::clone(&hit);
        async move {
            if done {
                return None;
            }
            let chunk: Bytes = match inner.next().await? {
                Err(e) => return Some((Err(axum::BoxError::from(e)), (inner, seen, true))),
                Ok(chunk) => chunk,
            };
            let seen = seen + chunk.len() as u64;
            if seen <= max {
                return Some((Ok(chunk), (inner, seen, false)));
            }
            hit.store(true, Ordering::SeqCst);
            let mut extra = 0u64;
            while extra < DRAIN_CAP {
                match inner.next().await {
                    Some(Ok(c)) => extra += c.len() as u64,
                    _ => break,
                }
            }
            let err: axum::BoxError = "request body over the size limit".into();
            Some((Err(err), (inner, seen, true)))
        }
    });
    Body::from_stream(stream)
}

async fn read_multipart(
    sh: &Arc<Shared>,
    req: Request,
    keep_files: bool,
    into: &mut Incoming,
) -> std::io::Result<()> {
    let mut mp = Multipart::from_request(req, &()).await.map_err(|e| std::io::Error::other(e.body_text()))?;
    loop {
        let mut field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => return Err(std::io::Error::other(e.body_text())),
        };
        let name = field.name().unwrap_or("").to_string();
        match field.file_name().map(str::to_string) {
            Some(file_name) => {
                let wanted = keep_files && name == "source" && into.file.is_none();
                if !wanted {
                    // Other file parts (an `image` file part among them) are ignored, as the
                    // real server does; they are still read so the body is consumed.
                    while let Some(_chunk) = field.chunk().await.map_err(mp_err)? {}
                    continue;
                }
                let content_type = field
                    .content_type()
                    .unwrap_or("")
                    .split(';')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_ascii_lowercase();
                let tmp =
                    tempfile::Builder::new().prefix("upload-").suffix(".part").tempfile_in(&sh.tmp_dir)?;
                let (file, path) = tmp.into_parts();
                let mut out = tokio::fs::File::from_std(file);
                let site_max = sh.cfg.max_file_bytes;
                let mut size = 0u64;
                let mut too_big = false;
                while let Some(chunk) = field.chunk().await.map_err(mp_err)? {
                    size += chunk.len() as u64;
                    if site_max.is_some_and(|m| size > m) {
                        // Keep reading (the answer comes after the body) but stop writing.
                        too_big = true;
                        continue;
                    }
                    out.write_all(&chunk).await?;
                }
                out.flush().await?;
                drop(out);
                into.file = Some(FilePart { path, file_name, content_type, size, too_big });
            }
            None => {
                let value = field.text().await.map_err(mp_err)?;
                into.fields.push((name, value));
            }
        }
    }
    Ok(())
}

fn mp_err(e: axum::extract::multipart::MultipartError) -> std::io::Error {
    std::io::Error::other(e.body_text())
}
