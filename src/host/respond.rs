//! Building answers the way a real Chevereto V4 server shapes them: the JSON success and error
//! bodies (slashes escaped as `\/`), `format=txt` and `format=redirect`, the session cookie on
//! every API answer, the web server's 413 page and the fixed answer of the benchmark sink.

use super::api::ApiError;
use super::names::{html_escape, size_formatted, slug};
use super::store::{Kind, Record, Variant};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};
use url::Url;

/// The `format` parameter; unknown values behave as JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fmt {
    Json,
    Txt,
    Redirect,
}

impl Fmt {
    /// Reads the parameter (case-sensitive, as the server compares it).
    pub(crate) fn parse(v: Option<&str>) -> Fmt {
        match v.map(str::trim) {
            Some("txt") => Fmt::Txt,
            Some("redirect") => Fmt::Redirect,
            _ => Fmt::Json,
        }
    }
}

const JSON_TYPE: &str = "application/json; charset=UTF-8";
const HTML_TYPE: &str = "text/html; charset=UTF-8";

/// `2024-10-10 19:58:00` from unix seconds (GMT).
pub(crate) fn gmt(unix: i64) -> String {
    let fmt = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
    time::OffsetDateTime::from_unix_timestamp(unix).ok().and_then(|t| t.format(&fmt).ok()).unwrap_or_default()
}

/// JSON text with every `/` escaped as `\/`, as PHP's `json_encode` writes it. Safe to do on
/// the whole text: a `/` can only occur inside strings, where `\/` is a valid escape.
pub(crate) fn php_json(v: &Value) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "{}".into()).replace('/', "\\/")
}

/// Adds the session cookie every API answer carries.
pub(crate) fn with_cookie(mut r: Response) -> Response {
    let id = super::names::random_alnum(26).to_ascii_lowercase();
    if let Ok(v) = HeaderValue::from_str(&format!("PHPSESSID={id}; path=/; HttpOnly; SameSite=Lax")) {
        r.headers_mut().append(header::SET_COOKIE, v);
    }
    r
}

fn typed(status: StatusCode, ctype: &'static str, body: String) -> Response {
    (status, [(header::CONTENT_TYPE, ctype)], body).into_response()
}

/// The API's answer for a finished request, in the requested format.
pub(crate) fn answer(base: &Url, fmt: Fmt, imgbb: bool, res: Result<Record, ApiError>) -> Response {
    let r = match (fmt, res) {
        (Fmt::Json, Ok(rec)) => typed(StatusCode::OK, JSON_TYPE, php_json(&success(base, &rec, imgbb))),
        (Fmt::Txt, Ok(rec)) => typed(StatusCode::OK, HTML_TYPE, file_url(base, &rec, &rec.filename())),
        (Fmt::Redirect, Ok(rec)) => {
            let loc = format!("{}{}/{}", base.path(), rec.kind.as_str(), rec.id);
            (StatusCode::FOUND, [(header::LOCATION, loc)]).into_response()
        }
        (Fmt::Json, Err(e)) => typed(StatusCode::BAD_REQUEST, JSON_TYPE, php_json(&error_body(&e))),
        // txt and redirect: errors are HTTP 200 with the bare message.
        (_, Err(e)) => typed(StatusCode::OK, HTML_TYPE, e.message),
    };
    with_cookie(r)
}

/// `{"status_code":400,"error":{"message":..,"code":..},"status_txt":"Bad Request"}`.
pub(crate) fn error_body(e: &ApiError) -> Value {
    json!({
        "status_code": 400,
        "error": {"message": e.message, "code": e.code},
        "status_txt": "Bad Request",
    })
}

/// A 301 with the session cookie (the API's canonical-URL redirects).
pub(crate) fn moved(location: &str) -> Response {
    with_cookie((StatusCode::MOVED_PERMANENTLY, [(header::LOCATION, location.to_string())]).into_response())
}

/// HEAD on the API: 400 with no body.
pub(crate) fn head_400() -> Response {
    with_cookie(StatusCode::BAD_REQUEST.into_response())
}

/// What a web server in front of the site answers above its body limit.
pub(crate) fn too_large_html() -> Response {
    let body = "<html>\r\n<head><title>413 Request Entity Too Large</title></head>\r\n<body>\r\n\
                <center><h1>413 Request Entity Too Large</h1></center>\r\n<hr><center>nginx</center>\r\n\
                </body>\r\n</html>\r\n";
    let mut r = typed(StatusCode::PAYLOAD_TOO_LARGE, "text/html", body.to_string());
    r.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
    r
}

/// A plain 404 page.
pub(crate) fn not_found() -> Response {
    typed(
        StatusCode::NOT_FOUND,
        HTML_TYPE,
        "<!DOCTYPE html><html><head><title>404 Not Found</title></head><body><h1>That page doesn't exist</h1></body></html>".into(),
    )
}

/// A minimal HTML page.
pub(crate) fn html_page(body: String) -> Response {
    typed(StatusCode::OK, HTML_TYPE, body)
}

/// The absolute URL of a file of `rec`.
pub(crate) fn file_url(base: &Url, rec: &Record, file: &str) -> String {
    format!("{base}images/{}/{file}", rec.dir)
}

/// The viewer path relative to the base: `image/<slug>.<id>` (or `image/<id>` without a slug).
pub(crate) fn viewer_rel(rec: &Record) -> String {
    let s = slug(&rec.title);
    if s.is_empty() {
        format!("{}/{}", rec.kind.as_str(), rec.id)
    } else {
        format!("{}/{s}.{}", rec.kind.as_str(), rec.id)
    }
}

fn variant(base: &Url, rec: &Record, v: Option<&Variant>) -> Value {
    match v {
        Some(v) => {
            let (name, ext) = v.file.rsplit_once('.').unwrap_or((v.file.as_str(), ""));
            json!({"filename": v.file, "name": name, "mime": v.mime, "extension": ext,
                   "url": file_url(base, rec, &v.file)})
        }
        None => json!({"filename": null, "name": null, "mime": null, "extension": null, "url": null}),
    }
}

fn truncated(title: &str) -> String {
    if title.chars().count() > 28 {
        format!("{}...", title.chars().take(25).collect::<String>())
    } else {
        title.to_string()
    }
}

/// The `image` object of a success answer.
pub(crate) fn image_object(base: &Url, rec: &Record) -> Value {
    let filename = rec.filename();
    let url = file_url(base, rec, &filename);
    let short = format!("{base}{}/{}", rec.kind.as_str(), rec.id);
    let viewer_rel = viewer_rel(rec);
    let (display_url, display_width, display_height) = match &rec.medium {
        Some(m) => {
            let h = (u64::from(rec.height) * 500 / u64::from(rec.width.max(1))) as u32;
            (file_url(base, rec, &m.file), 500, h)
        }
        None => (url.clone(), rec.width, rec.height),
    };
    let ratio = if rec.height > 0 { f64::from(rec.width) / f64::from(rec.height) } else { 0.0 };
    let title_truncated = truncated(&rec.title);
    let mut v = json!({
        "name": rec.stem, "extension": rec.ext, "size": rec.size, "width": rec.width,
        "height": rec.height, "date": gmt(rec.date), "date_gmt": gmt(rec.date), "title": rec.title,
        "tags": rec.tags, "description": rec.description, "nsfw": u8::from(rec.nsfw),
        "storage_mode": "datefolder", "md5": rec.md5, "source_md5": null,
        "original_filename": rec.original_filename, "original_exifdata": null, "views": 0,
        "category_id": rec.category_id, "chain": if rec.medium.is_some() { 7 } else { 5 },
        "expiration_date_gmt": rec.expires.map(gmt), "likes": 0,
        "is_animated": u8::from(rec.animated), "is_approved": 1, "is_360": 0,
        "type": rec.kind.as_str(), "tags_string": rec.tags.join(","),
    });
    // Two literals: one would exceed serde_json's macro recursion limit.
    let more = json!({
        "id_encoded": rec.id, "filename": filename, "mime": rec.mime, "url": url, "ratio": ratio,
        "size_formatted": size_formatted(rec.size),
        "image": {"filename": filename, "name": rec.stem, "mime": rec.mime, "extension": rec.ext,
                  "url": url, "size": rec.size},
        "thumb": variant(base, rec, rec.thumb.as_ref()),
        "medium": variant(base, rec, rec.medium.as_ref()),
        "url_viewer": format!("{base}{viewer_rel}"), "path_viewer": format!("{}{viewer_rel}", base.path()),
        "url_short": short, "display_url": display_url, "display_width": display_width,
        "display_height": display_height, "views_label": "views", "likes_label": "likes",
        "how_long_ago": "moments ago", "date_fixed_peer": gmt(rec.date),
        "title_truncated": title_truncated, "title_truncated_html": html_escape(&title_truncated),
        "is_use_loader": false, "display_title": rec.title,
        "delete_url": format!("{short}/delete/{}", rec.secret),
    });
    if let (Some(o), Value::Object(m)) = (v.as_object_mut(), more) {
        o.extend(m);
    }
    if rec.kind == Kind::Video {
        if let Some(o) = v.as_object_mut() {
            o.insert("frame".into(), variant(base, rec, None));
            o.insert("url_frame".into(), Value::Null);
            o.insert("duration".into(), Value::Null);
            o.insert("duration_time".into(), Value::Null);
        }
    }
    v
}

/// The whole success body; ImgBB-shaped (`data`, `status`, `data.id`) when an `image` field was
/// sent.
pub(crate) fn success(base: &Url, rec: &Record, imgbb: bool) -> Value {
    let mut img = image_object(base, rec);
    let ok = json!({"message": "file uploaded", "code": 200});
    if imgbb {
        if let Some(o) = img.as_object_mut() {
            o.insert("id".into(), Value::String(rec.id.clone()));
        }
        json!({"status_code": 200, "success": ok, "data": img, "status_txt": "OK", "status": 200})
    } else {
        json!({"status_code": 200, "success": ok, "image": img, "status_txt": "OK"})
    }
}

/// The fixed answer of sink mode: a well-formed success whose URLs point at the host.
pub(crate) fn sink_body(base: &Url) -> String {
    let rec = Record {
        id: "sink".into(),
        secret: "0".repeat(48),
        kind: Kind::Image,
        dir: "2000/01/01".into(),
        stem: "sink".into(),
        ext: "png".into(),
        mime: "image/png".into(),
        size: 0,
        width: 1,
        height: 1,
        date: 946_684_800,
        created: 946_684_800,
        expires: None,
        title: "sink".into(),
        description: None,
        tags: Vec::new(),
        nsfw: false,
        category_id: None,
        original_filename: "sink.png".into(),
        md5: "d41d8cd98f00b204e9800998ecf8427e".into(),
        sha256: String::new(),
        ip: String::new(),
        animated: false,
        thumb: None,
        medium: None,
    };
    php_json(&success(base, &rec, false))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_escapes_slashes_and_formats_dates() {
        assert_eq!(php_json(&json!({"u": "http://x/a"})), r#"{"u":"http:\/\/x\/a"}"#);
        assert_eq!(gmt(0), "1970-01-01 00:00:00");
        assert_eq!(Fmt::parse(Some("xml")), Fmt::Json);
        assert_eq!(Fmt::parse(Some("txt")), Fmt::Txt);
    }

    #[test]
    fn sink_answer_is_a_success() {
        let base = Url::parse("http://127.0.0.1:9/").ok();
        let body = base.map(|b| sink_body(&b)).unwrap_or_default();
        let v: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
        assert_eq!(v["status_code"], 200);
        assert_eq!(v["image"]["url"], "http://127.0.0.1:9/images/2000/01/01/sink.png");
    }
}
