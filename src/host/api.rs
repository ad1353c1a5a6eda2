//! The upload endpoint (`/api/1/upload`): key, source, checks and parameters in the order the
//! real server applies them, then storing through [`super::save`]. Answers go through
//! [`super::respond`].

use super::expiration::expires_at;
use super::ingest::{self, Incoming, IngestError};
use super::names::{base_name, cut_title, parse_tags, title_from_filename};
use super::respond::{self, Fmt};
use super::save::{self, Plan};
use super::source::{self, StringSource};
use super::Shared;
use crate::media::sniff::{sniff_path, MediaKind, Sniffed};
use axum::extract::Request;
use axum::http::Method;
use axum::response::Response;
use serde_json::Value;
use std::net::IpAddr;
use std::sync::Arc;
use tempfile::TempPath;

/// An API error: the message and code of the JSON error body (or the bare text of txt/redirect).
#[derive(Debug)]
pub(crate) struct ApiError {
    pub message: String,
    /// Usually a number; a string for SQL states, as the real server sends them.
    pub code: Value,
}

impl ApiError {
    /// An error with a numeric code.
    pub(crate) fn new(message: impl Into<String>, code: i64) -> Self {
        ApiError { message: message.into(), code: Value::from(code) }
    }

    /// A disk failure: a full disk is the server's `No space left on storage` (104).
    pub(crate) fn storage(e: std::io::Error) -> Self {
        if e.kind() == std::io::ErrorKind::StorageFull {
            ApiError::new("No space left on storage", 104)
        } else {
            tracing::warn!(error = %e, "local host storage failure");
            ApiError::new("Internal error while storing the upload", 500)
        }
    }
}

fn empty_upload_source() -> ApiError {
    ApiError::new("Empty upload source", 130)
}

fn not_readable() -> ApiError {
    ApiError::new("Can't get target upload source info", 610)
}

/// `File too big - max 10 MB` (400).
pub(crate) fn too_big(limit: u64) -> ApiError {
    const MB: f64 = 1024.0 * 1024.0;
    let mb = limit as f64 / MB;
    let shown = if mb >= 1.0 {
        if mb.fract() == 0.0 {
            format!("{mb} MB")
        } else {
            format!("{mb:.1} MB")
        }
    } else if limit >= 1024 {
        format!("{} KB", limit / 1024)
    } else {
        format!("{limit} B")
    };
    ApiError::new(format!("File too big - max {shown}"), 400)
}

/// Handles one API request (after the version and canonical-URL checks).
pub(crate) async fn upload(sh: Arc<Shared>, req: Request, peer: IpAddr) -> Response {
    let method = req.method().clone();
    if method == Method::HEAD {
        return respond::head_400();
    }
    let mut inc = Incoming { fields: ingest::query_fields(req.uri().query()), file: None };
    // The header wins when present, even empty; never log its value.
    let header_key =
        req.headers().get("x-api-key").map(|v| String::from_utf8_lossy(v.as_bytes()).trim().to_string());
    let header_refused = header_key.as_deref().is_some_and(|k| sh.key_role(k).is_none());
    if method == Method::POST {
        match ingest::read_body(&sh, req, !header_refused, &mut inc).await {
            Ok(()) => {}
            Err(IngestError::TooLarge) => return respond::too_large_html(),
            Err(IngestError::Failed(e)) if e.kind() == std::io::ErrorKind::StorageFull => {
                let fmt = Fmt::parse(inc.get("format"));
                return respond::answer(&sh.base, fmt, false, Err(ApiError::storage(e)));
            }
            // A broken body: carry on with whatever was read (the source is then usually
            // missing, answered as the server would).
            Err(IngestError::Failed(e)) => tracing::debug!(error = %e, "unreadable upload body"),
        }
    } else if method != Method::GET {
        // PUT, OPTIONS...: the body is not parsed; read it so the connection stays usable.
        ingest::drain(req.into_body(), sh.cfg.max_body_bytes).await;
    }
    let fmt = Fmt::parse(inc.get("format"));
    let imgbb = inc.get("image").is_some();
    let res = process(&sh, &method, inc, header_key.as_deref(), peer).await;
    respond::answer(&sh.base, fmt, imgbb, res)
}

/// The received source, whatever its origin.
struct Received {
    path: TempPath,
    size: u64,
    /// The client's name for it (part filename, URL segment; empty for base64).
    name: String,
    /// The multipart part's Content-Type; `None` for string sources.
    part_type: Option<String>,
}

async fn process(
    sh: &Arc<Shared>,
    method: &Method,
    mut inc: Incoming,
    header_key: Option<&str>,
    peer: IpAddr,
) -> Result<super::store::Record, ApiError> {
    let admin = check_key(sh, header_key, inc.get("key"))?;
    if method != Method::GET && method != Method::POST {
        return Err(empty_upload_source());
    }
    let ip = peer.to_string();
    let now = time::OffsetDateTime::now_utc();
    if let Some(n) = sh.cfg.flood_limit_per_hour {
        let recent = sh.store.count_since(&ip, now.unix_timestamp() - 3600).map_err(internal)?;
        if recent >= u64::from(n) {
            return Err(ApiError::new(
                format!("Flooding detected. You can only upload {n} images per hour"),
                130,
            ));
        }
    }
    let received = receive(sh, method, &mut inc, admin).await?;
    let sniffed = check_type(&received)?;
    let category_id = match inc.get("category_id").map(str::trim).filter(|c| !c.is_empty()) {
        None => None,
        Some(c) => Some(c.parse::<i64>().map_err(|_| ApiError {
            message: "SQLSTATE[22007]: Invalid datetime format: 1366 Incorrect integer value for column 'image_category_id' at row 1".into(),
            code: Value::String("22007".into()),
        })?),
    };
    let title = inc
        .get("title")
        .or_else(|| inc.get("name"))
        .map(cut_title)
        .filter(|t| !t.trim().is_empty())
        .unwrap_or_else(|| title_from_filename(&received.name));
    let plan = Plan {
        sniffed,
        width: inc.get("width").and_then(|w| w.trim().parse::<u32>().ok()).filter(|w| *w > 0),
        expires: inc.get("expiration").filter(|v| !v.trim().is_empty()).map(|v| expires_at(v, now)),
        tags: parse_tags(inc.get("tags").unwrap_or("")),
        nsfw: inc.get("nsfw").map(str::trim) == Some("1"),
        title,
        description: inc.get("description").filter(|d| !d.is_empty()).map(str::to_string),
        category_id,
        use_file_date: admin && inc.get("use_file_date").map(str::trim) == Some("1"),
        original_filename: base_name(&received.name).to_string(),
        ip,
        now: now.unix_timestamp(),
        reject_duplicates: sh.cfg.reject_duplicates,
    };
    let sh2 = Arc::clone(sh);
    let path = received.path;
    tokio::task::spawn_blocking(move || save::save(&sh2, path, plan))
        .await
        .map_err(|e| internal(crate::Error::Image(e.to_string())))?
}

fn internal(e: crate::Error) -> ApiError {
    tracing::warn!(error = %e, "local host failure");
    ApiError::new("Internal error", 500)
}

/// `Ok(is_admin)` for an accepted key.
fn check_key(sh: &Shared, header: Option<&str>, field: Option<&str>) -> Result<bool, ApiError> {
    let key = match header {
        Some(h) => h,
        None => field.map(str::trim).unwrap_or(""),
    };
    if key.is_empty() {
        return Err(ApiError::new("No key provided", 100));
    }
    sh.key_role(key).ok_or_else(|| ApiError::new("Invalid API key.", 100))
}

/// The source, in the server's order: a `source` file part, a `source` string, an `image` string.
async fn receive(
    sh: &Arc<Shared>,
    method: &Method,
    inc: &mut Incoming,
    admin: bool,
) -> Result<Received, ApiError> {
    // A file input left empty in a browser form sends a nameless, empty part: no file.
    if let Some(f) = inc.file.take().filter(|f| !(f.size == 0 && f.file_name.is_empty())) {
        if f.too_big {
            return Err(too_big(sh.cfg.max_file_bytes.unwrap_or(0)));
        }
        return Ok(Received {
            path: f.path,
            size: f.size,
            name: f.file_name,
            part_type: Some(f.content_type),
        });
    }
    let Some(s) = inc.get("source").or_else(|| inc.get("image")) else {
        return Err(empty_upload_source());
    };
    if s.trim().is_empty() {
        return Err(ApiError::new("Empty source", 130));
    }
    let fetched = match source::classify(s) {
        StringSource::Url(u) => source::fetch_url(sh, &u, admin).await?,
        StringSource::Base64(_) if method != Method::POST => {
            return Err(ApiError::new("Upload using base64 source must be done using POST method.", 130))
        }
        StringSource::Base64(b) => {
            let fetched = source::decode_base64(sh, b)?;
            if sh.cfg.max_file_bytes.is_some_and(|m| fetched.size > m) {
                return Err(too_big(sh.cfg.max_file_bytes.unwrap_or(0)));
            }
            fetched
        }
    };
    Ok(Received { path: fetched.path, size: fetched.size, name: fetched.name, part_type: None })
}

/// Content check: the bytes must be an accepted type, and a part's declared type must agree on
/// image vs video (`video/*` parts must hold video; anything else must hold an image).
fn check_type(r: &Received) -> Result<Sniffed, ApiError> {
    if r.size == 0 {
        return Err(not_readable());
    }
    let sniffed = sniff_path(&r.path);
    let declared_video = r.part_type.as_deref().map(|t| t.starts_with("video/"));
    match (declared_video, sniffed) {
        (Some(true), Ok(s)) if s.kind == MediaKind::Video => Ok(s),
        (Some(true), _) => Err(ApiError::new("Invalid video file provided", 100)),
        (Some(false), Ok(s)) if s.kind == MediaKind::Video => Err(not_readable()),
        (_, Ok(s)) => Ok(s),
        (_, Err(_)) if is_unlisted_image(&r.path) => Err(ApiError::new("Unavailable image format", 613)),
        (_, Err(_)) => Err(not_readable()),
    }
}

/// An image in a format outside the accepted list (TIFF, ICO...).
fn is_unlisted_image(path: &std::path::Path) -> bool {
    matches!(infer::get_from_path(path), Ok(Some(t)) if t.matcher_type() == infer::MatcherType::Image)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn size_limit_message() {
        assert_eq!(too_big(10 * 1024 * 1024).message, "File too big - max 10 MB");
        assert_eq!(too_big(1536 * 1024).message, "File too big - max 1.5 MB");
        assert_eq!(too_big(2048).message, "File too big - max 2 KB");
        assert_eq!(too_big(10).code, Value::from(400));
    }
}
