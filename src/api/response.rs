//! Parsing of the server's answer to an upload, in every format and every shape seen in the wild:
//! Chevereto's `image` JSON, ImgBB's `data` JSON, JSON errors with int or string codes, `txt`
//! answers (success and errors both HTTP 200), `redirect` answers (a 302 to the viewer), and
//! things that are not the API at all (maintenance pages, PHP faults, a web server's 413).
//! Parsing is lenient: only the fields used are read, numbers may come as strings, and no input
//! makes it panic.

use crate::api::types::{Format, Uploaded};
use crate::error::{Error, Result};
use serde_json::Value;

mod excerpt;
pub use excerpt::excerpt;

/// How a [`Error::NotJson`] excerpt starts when the server did answer JSON, only broken or
/// incomplete: it may well have stored the upload, so sending it again could duplicate it.
pub const BROKEN_JSON: &str = "truncated or invalid JSON: ";
/// See [`BROKEN_JSON`]: JSON that says nothing about where the upload went.
pub const JSON_WITHOUT_URL: &str = "a JSON answer without an image URL: ";

/// Longest server message kept in an error (some servers send whole pages as "messages").
const MAX_MESSAGE_CHARS: usize = 300;

/// Turns one HTTP answer into the upload's URLs or a typed error.
///
/// `status`, `location` and `content_type` come from the response head, `body` is the (possibly
/// truncated) body, `format` is the format that was asked for, and `base` is the profile's base
/// URL, against which site-relative URLs are resolved.
pub fn parse_response(
    status: u16,
    location: Option<&str>,
    content_type: Option<&str>,
    body: &[u8],
    format: Format,
    base: &url::Url,
) -> Result<Uploaded> {
    if (300..400).contains(&status) {
        return redirect(status, location, format, base);
    }
    let text = String::from_utf8_lossy(body);
    let trimmed = text.trim();
    // JSON is tried whatever the format: unknown formats answer JSON, and old servers may too.
    match serde_json::from_str::<Value>(trimmed) {
        Ok(v) if v.is_object() => return from_json(status, &v, body, base),
        Ok(_) => {}
        Err(_) => {
            // An HTML page is reported as such even when labelled JSON (PHP sets the header early).
            let says_json = content_type.is_some_and(|c| c.to_ascii_lowercase().contains("json"));
            if trimmed.starts_with('{') || (says_json && !looks_html(trimmed)) {
                return Err(Error::NotJson { status, excerpt: format!("{BROKEN_JSON}{}", excerpt(body)) });
            }
        }
    }
    match format {
        Format::Txt | Format::Redirect if status == 200 => plain(status, trimmed, body),
        _ => Err(Error::NotJson { status, excerpt: excerpt(body) }),
    }
}

/// Maps an API error message and code to [`Error::Auth`] (key missing, wrong or not allowed to
/// upload) or [`Error::Rejected`]. Never matches exact text: old servers add a final period.
pub fn api_error(message: &str, code: &str, status: u16) -> Error {
    let message = clean_message(message);
    let lower = message.to_lowercase();
    let about_key = lower.contains("api key") || lower.contains("no key") || lower.contains("invalid key");
    if code == "401" || status == 401 || lower.contains("request denied") || about_key {
        Error::Auth { message }
    } else {
        Error::Rejected { message, code: code.to_string(), status }
    }
}

/// A redirect answer: success for `format=redirect` (a 302/303 to the viewer page), otherwise a
/// configuration error: the base URL is not the site's canonical address.
fn redirect(status: u16, location: Option<&str>, format: Format, base: &url::Url) -> Result<Uploaded> {
    let Some(loc) = location.map(str::trim).filter(|l| !l.is_empty()) else {
        return Err(Error::NotJson { status, excerpt: "a redirect without a Location header".into() });
    };
    let Ok(target) = base.join(loc) else {
        return Err(Error::NotJson {
            status,
            excerpt: format!("a redirect to an invalid address: {}", excerpt(loc.as_bytes())),
        });
    };
    let to_api = target.path().contains("/api/1/upload");
    if format == Format::Redirect && matches!(status, 302 | 303) && !to_api && is_web(&target) {
        let url = target.to_string();
        return Ok(Uploaded {
            url: url.clone(),
            url_viewer: Some(url.clone()),
            url_short: Some(url),
            ..Uploaded::default()
        });
    }
    let shown = display_url(&target);
    let suggested = suggested_base(&target);
    let advice = if suggested.as_ref() == Some(base) || suggested.is_none() {
        "the API endpoint must not redirect: check the profile's base URL (the site's canonical address) and any proxy in front of the site".to_string()
    } else {
        format!(
            "set the profile's base URL to {} (the site's canonical address)",
            suggested.map(|s| s.to_string()).unwrap_or_default()
        )
    };
    Err(Error::Config(format!("The server redirected the upload (HTTP {status}) to {shown}: {advice}")))
}

/// The base URL a redirect points at: the part before `/api/1/upload`, or the target's origin.
fn suggested_base(target: &url::Url) -> Option<url::Url> {
    let mut u = target.clone();
    u.set_query(None);
    u.set_fragment(None);
    let _ = u.set_username("");
    let _ = u.set_password(None);
    let path = u.path().to_string();
    let prefix = match path.find("/api/1/upload") {
        Some(i) => &path[..i],
        None => "",
    };
    u.set_path(&format!("{}/", prefix.trim_end_matches('/')));
    is_web(&u).then_some(u)
}

/// A URL for a message: no credentials, no query or fragment (they may hold secrets).
fn display_url(u: &url::Url) -> String {
    let mut u = u.clone();
    let _ = u.set_username("");
    let _ = u.set_password(None);
    u.set_query(None);
    u.set_fragment(None);
    u.to_string()
}

fn is_web(u: &url::Url) -> bool {
    matches!(u.scheme(), "http" | "https") && u.host().is_some()
}

/// A `txt`/`redirect` answer with HTTP 200: the direct URL on success, else the bare error message.
fn plain(status: u16, trimmed: &str, body: &[u8]) -> Result<Uploaded> {
    if trimmed.is_empty() {
        return Err(Error::NotJson { status, excerpt: "(empty answer)".into() });
    }
    if !trimmed.contains(char::is_whitespace) {
        if let Ok(u) = url::Url::parse(trimmed) {
            if is_web(&u) {
                return Ok(Uploaded { url: trimmed.to_string(), ..Uploaded::default() });
            }
        }
    }
    if looks_html(trimmed) || trimmed.chars().count() > MAX_MESSAGE_CHARS {
        return Err(Error::NotJson { status, excerpt: excerpt(body) });
    }
    Err(api_error(trimmed, known_code(trimmed), status))
}

/// Whether a body is an HTML page (or fragment) rather than a bare message.
fn looks_html(s: &str) -> bool {
    let l = s.to_ascii_lowercase();
    l.starts_with('<')
        || l.contains("<html")
        || l.contains("<body")
        || l.contains("<!doctype")
        || l.contains("<br")
}

/// The catalogue code of a bare `txt` error message (the txt format sends no code).
fn known_code(message: &str) -> &'static str {
    const CODES: &[(&str, &str)] = &[
        ("no key provided", "100"),
        ("invalid api key", "100"),
        ("request denied", "401"),
        ("empty upload source", "130"),
        ("empty source", "130"),
        ("invalid base64", "120"),
        ("flooding detected", "130"),
        ("url uploading is disabled", "403"),
        ("file too big (upload_err", "601"),
        ("file too big", "400"),
        ("target width is greater", "610"),
        ("can't get target upload source info", "610"),
        ("unavailable image format", "613"),
        ("disabled image format", "614"),
        ("duplicated upload", "101"),
        ("no space left", "104"),
    ];
    let lower = message.to_lowercase();
    CODES.iter().find(|(m, _)| lower.starts_with(m)).map(|(_, c)| *c).unwrap_or("none")
}

/// A JSON answer: an `error` object, or the `image` (Chevereto) / `data` (ImgBB) object.
fn from_json(status: u16, v: &Value, body: &[u8], base: &url::Url) -> Result<Uploaded> {
    if let Some(err) = v.get("error").filter(|e| !e.is_null()) {
        let message = match err {
            Value::String(s) => s.clone(),
            e => text(e.get("message")).unwrap_or_else(|| "unknown error (no message)".into()),
        };
        let code = err
            .get("code")
            .and_then(scalar)
            .or_else(|| v.get("status_code").and_then(scalar))
            .unwrap_or_else(|| status.to_string());
        return Err(api_error(&message, &code, status));
    }
    let img = ["image", "data"]
        .iter()
        .filter_map(|k| v.get(*k))
        .find(|o| o.is_object() && text(o.get("url")).is_some());
    let Some(img) = img else {
        let what = if (200..300).contains(&status) { JSON_WITHOUT_URL } else { "" };
        return Err(Error::NotJson { status, excerpt: format!("{what}{}", excerpt(body)) });
    };
    let url_of = |key: &str| text(img.get(key)).map(|s| absolute(&s, base));
    let nested = |obj: &str, key: &str| text(img.get(obj).and_then(|o| o.get(key)));
    Ok(Uploaded {
        url: url_of("url").unwrap_or_default(),
        url_viewer: url_of("url_viewer"),
        url_short: url_of("url_short"),
        delete_url: url_of("delete_url"),
        thumb_url: nested("thumb", "url").map(|s| absolute(&s, base)),
        medium_url: nested("medium", "url").map(|s| absolute(&s, base)),
        id: text(img.get("id_encoded")).or_else(|| text(img.get("id"))),
        width: number(img.get("width")).and_then(|n| u32::try_from(n).ok()),
        height: number(img.get("height")).and_then(|n| u32::try_from(n).ok()),
        size: number(img.get("size")),
        mime: text(img.get("mime")).or_else(|| nested("image", "mime")),
        media_type: text(img.get("type")),
        expiration_date_gmt: text(img.get("expiration_date_gmt")),
        filename: text(img.get("filename")).or_else(|| nested("image", "filename")),
        original_filename: text(img.get("original_filename")),
    })
}

/// A non-empty string value (numbers are given as text too).
fn text(v: Option<&Value>) -> Option<String> {
    v.and_then(scalar).filter(|s| !s.trim().is_empty())
}

/// A string or number as text (`"22007"` and `22007` alike).
fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A non-negative whole number given as a number (`500`, `500.0`) or a string (`"500"`).
fn number(v: Option<&Value>) -> Option<u64> {
    match v? {
        Value::Number(n) => n.as_u64().or_else(|| {
            n.as_f64().filter(|f| f.is_finite() && *f >= 0.0 && *f < u64::MAX as f64).map(|f| f as u64)
        }),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Resolves a site-relative URL against the base; absolute URLs are kept as sent.
fn absolute(s: &str, base: &url::Url) -> String {
    match url::Url::parse(s) {
        Ok(_) => s.to_string(),
        Err(_) => base.join(s).map(|u| u.to_string()).unwrap_or_else(|_| s.to_string()),
    }
}

/// Keeps a server message printable and short.
fn clean_message(m: &str) -> String {
    let one_line: String = m.split_whitespace().collect::<Vec<_>>().join(" ");
    let cut: String = one_line.chars().filter(|c| !c.is_control()).take(MAX_MESSAGE_CHARS).collect();
    if cut.chars().count() < one_line.chars().count() {
        format!("{cut}…")
    } else {
        cut
    }
}

#[cfg(test)]
#[path = "response_tests.rs"]
mod tests;
