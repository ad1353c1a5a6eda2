//! The local host, request by request against server-behavior.md: the error catalogue, every
//! format, the 301 and empty-header traps, sources, parameters, files, deleting, limits,
//! persistence and sink mode. Plain reqwest with redirects off, so every answer is seen as sent.

use crate::support::{png, TestHost, KEY};
use reqwest::multipart::{Form, Part};
use reqwest::redirect::Policy;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

// Errors: keys, sources, versions, bombs, body and site limits, duplicates and flooding.
mod errors;
// Stored files: delete URLs, traversal, persistence across restarts, sink mode.
mod files;
// The success JSON, every `format`, canonical redirects and the 301 trap.
mod formats;
// Parameters: width, GIF/BMP, expiration, use_file_date, tags/title/nsfw/description.
mod params;
// Sources: video parts, base64 and the imgbb shape, URL sources.
mod sources;

/// An HTTP answer as received.
struct Answer {
    status: u16,
    headers: reqwest::header::HeaderMap,
    text: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }
    fn header(&self, name: &str) -> Option<String> {
        self.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_string)
    }
    /// Asserts a JSON API error and returns its code.
    fn error(&self, message: &str) -> Value {
        assert_eq!(self.status, 400, "{}", self.text);
        let v = self.json();
        assert_eq!(v["status_code"], 400);
        assert_eq!(v["status_txt"], "Bad Request");
        assert_eq!(v["error"]["message"], message, "{}", self.text);
        v["error"]["code"].clone()
    }
}

fn http() -> reqwest::Client {
    reqwest::Client::builder().redirect(Policy::none()).build().expect("client")
}

async fn answer(rb: reqwest::RequestBuilder) -> Answer {
    let r = rb.send().await.expect("request sent");
    let status = r.status().as_u16();
    let headers = r.headers().clone();
    let text = r.text().await.expect("body");
    Answer { status, headers, text }
}

pub(super) fn part(bytes: Vec<u8>, name: &str, mime: &str) -> Part {
    Part::bytes(bytes).file_name(name.to_string()).mime_str(mime).expect("mime")
}

fn png_form(w: u32, h: u32) -> Form {
    Form::new().part("source", part(png(w, h), "test image.png", "image/png"))
}

/// Multipart POST to the API with the key in the header.
async fn post(h: &TestHost, form: Form) -> Answer {
    answer(http().post(h.api()).header("X-API-Key", KEY).multipart(form)).await
}

async fn get_bytes(url: &str) -> (u16, Option<String>, Vec<u8>) {
    let r = http().get(url).send().await.expect("get");
    let status = r.status().as_u16();
    let ctype = r.headers().get("content-type").and_then(|v| v.to_str().ok()).map(str::to_string);
    (status, ctype, r.bytes().await.expect("bytes").to_vec())
}

/// Sends a raw request line so the path reaches the host exactly as written (reqwest would
/// normalise `..`).
async fn raw_get(h: &TestHost, path: &str) -> u16 {
    let mut s = tokio::net::TcpStream::connect(h.host.addr()).await.expect("connect");
    let req = format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    s.write_all(req.as_bytes()).await.expect("write");
    let mut out = Vec::new();
    s.read_to_end(&mut out).await.expect("read");
    String::from_utf8_lossy(&out).split(' ').nth(1).and_then(|c| c.parse().ok()).expect("status line")
}

/// Unix seconds of a `YYYY-MM-DD HH:MM:SS` GMT date.
fn unix_of(date: &str) -> i64 {
    let fmt = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
    time::PrimitiveDateTime::parse(date, &fmt).expect("date").assume_utc().unix_timestamp()
}

fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}
