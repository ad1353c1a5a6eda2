//! Everything but the API: stored files (`/images/...`), viewer pages (`/image/<slug>.<id>`,
//! `/video/...`), delete links, and the sink. Files are looked up in the index by their exact
//! relative path; a request path is never joined onto the data dir, so `..`, absolute paths,
//! encoded slashes and anything not in the index are 404.

use super::names::html_escape;
use super::respond::{self, file_url, not_found};
use super::store::{Kind, Record};
use super::Shared;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

fn live(expires: Option<i64>) -> bool {
    expires.is_none_or(|e| e > now())
}

/// `GET /images/<rel>`: a stored file, streamed, with its MIME type.
pub(crate) async fn file(sh: &Arc<Shared>, rel: &str) -> Response {
    let found = match sh.store.file(rel) {
        Ok(Some((mime, expires))) if live(expires) => mime,
        Ok(_) => return not_found(),
        Err(e) => {
            tracing::warn!(error = %e, "local host index failure");
            return not_found();
        }
    };
    // `rel` equals a path the host wrote itself (only `[A-Za-z0-9_.-]` and `/`).
    let path = sh.images_dir.join(rel);
    if tokio::fs::symlink_metadata(&path).await.is_err() {
        make_derived(sh, rel).await;
    }
    let meta = match tokio::fs::symlink_metadata(&path).await {
        Ok(m) if m.file_type().is_file() => m,
        _ => return not_found(),
    };
    // A folder on the way may have been replaced by a symlink: serve only what really lies inside.
    if !super::save::inside(&sh.images_dir, &path) {
        tracing::warn!(path = %path.display(), "refusing to serve a file outside the data folder");
        return not_found();
    }
    let f = match tokio::fs::File::open(&path).await {
        Ok(f) => f,
        Err(_) => return not_found(),
    };
    let body = Body::from_stream(tokio_util::io::ReaderStream::with_capacity(f, 256 * 1024));
    (StatusCode::OK, [(header::CONTENT_TYPE, found), (header::CONTENT_LENGTH, meta.len().to_string())], body)
        .into_response()
}

/// A thumbnail or medium fetched for the first time is made now (`derive.rs`); a failure is
/// logged and the request answered 404 as for any missing file.
async fn make_derived(sh: &Arc<Shared>, rel: &str) {
    let (sh, rel) = (Arc::clone(sh), rel.to_string());
    let made = tokio::task::spawn_blocking(move || {
        let rec = sh.store.record_of_file(&rel).map_err(|e| e.to_string())?;
        match rec {
            Some(rec) => super::derive::ensure(&sh.images_dir, &rec, &rel).map_err(|e| format!("{e:?}")),
            None => Ok(()),
        }
    })
    .await;
    match made {
        Ok(Ok(())) => {}
        Ok(Err(e)) => tracing::warn!(error = %e, "could not make a thumbnail or medium"),
        Err(e) => tracing::warn!(error = %e, "making a thumbnail or medium stopped unexpectedly"),
    }
}

/// The id in a viewer segment: `<slug>.<id>` or `<id>`.
fn id_of(segment: &str) -> &str {
    segment.rsplit('.').next().unwrap_or(segment)
}

fn lookup(sh: &Shared, segment: &str) -> Option<Record> {
    match sh.store.get(id_of(segment)) {
        Ok(Some(r)) if live(r.expires) => Some(r),
        Ok(_) => None,
        Err(e) => {
            tracing::warn!(error = %e, "local host index failure");
            None
        }
    }
}

/// `/image/...` and `/video/...`: a viewer page, or a delete link.
pub(crate) async fn viewer_or_delete(sh: &Arc<Shared>, kind: Kind, rest: &str, method: &Method) -> Response {
    let parts: Vec<&str> = rest.split('/').collect();
    match parts.as_slice() {
        [segment] if !segment.is_empty() => viewer(sh, kind, segment),
        [segment, "delete", secret] if method == Method::GET => delete(sh, kind, segment, secret).await,
        _ => not_found(),
    }
}

fn viewer(sh: &Shared, kind: Kind, segment: &str) -> Response {
    let Some(rec) = lookup(sh, segment).filter(|r| r.kind == kind) else {
        return not_found();
    };
    let url = html_escape(&file_url(&sh.base, &rec, &rec.filename()));
    let title = html_escape(&rec.title);
    let media = match rec.kind {
        Kind::Image => {
            format!("<img src=\"{url}\" alt=\"{title}\" width=\"{}\" height=\"{}\">", rec.width, rec.height)
        }
        Kind::Video => format!("<video src=\"{url}\" controls></video>"),
    };
    let description =
        rec.description.as_deref().map(|d| format!("<p>{}</p>", html_escape(d))).unwrap_or_default();
    respond::html_page(format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{title}</title></head>\n\
         <body><h1>{title}</h1>\n{media}\n{description}<p><a href=\"{url}\">{file}</a></p></body></html>\n",
        file = html_escape(&rec.filename()),
    ))
}

/// A plain GET deletes at once (no confirmation, like the real server), then 301s to the viewer
/// with `?deleted` (a 404 by then). Any mismatch is a 404 that reveals nothing.
async fn delete(sh: &Arc<Shared>, kind: Kind, segment: &str, secret: &str) -> Response {
    let Some(rec) = lookup(sh, segment).filter(|r| r.kind == kind) else {
        return not_found();
    };
    if !constant_time_eq(rec.secret.as_bytes(), secret.as_bytes()) {
        return not_found();
    }
    let sh2 = Arc::clone(sh);
    let id = rec.id.clone();
    match tokio::task::spawn_blocking(move || sh2.delete_upload(&id)).await {
        Ok(Ok(())) => {}
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "local host delete failed");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
        Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
    let location = format!("{}{}/{segment}?deleted", sh.base, kind.as_str());
    (StatusCode::MOVED_PERMANENTLY, [(header::LOCATION, location)]).into_response()
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The site root: a short page saying what this is.
pub(crate) fn index(sh: &Shared) -> Response {
    respond::html_page(format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Slingshot local host</title></head>\n\
         <body><h1>Slingshot local host</h1><p>A Chevereto-compatible sandbox. Upload endpoint: \
         <code>{}api/1/upload</code></p></body></html>\n",
        html_escape(sh.base.as_str())
    ))
}

/// Sink mode: read and discard the whole body, answer the fixed success.
pub(crate) async fn sink(sh: &Shared, req: Request) -> Response {
    super::ingest::drain(req.into_body(), u64::MAX).await;
    respond::with_cookie(
        (StatusCode::OK, [(header::CONTENT_TYPE, "application/json; charset=UTF-8")], sh.sink_body.clone())
            .into_response(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_secrets() {
        assert_eq!(id_of("My-title.AbC123"), "AbC123");
        assert_eq!(id_of("AbC123"), "AbC123");
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"abcd"));
    }
}
