//! The local host, request by request against server-behavior.md: the error catalogue, every
//! format, the 301 and empty-header traps, sources, parameters, files, deleting, limits,
//! persistence and sink mode. Plain reqwest with redirects off, so every answer is seen as sent.

use crate::support::{
    encode, gradient, jpeg, mp4_stub, png, start_host, start_host_with, TestHost, ADMIN_KEY, KEY,
};
use base64::Engine;
use reqwest::multipart::{Form, Part};
use reqwest::redirect::Policy;
use serde_json::Value;
use slingshot::host::{Host, HostConfig};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

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

fn part(bytes: Vec<u8>, name: &str, mime: &str) -> Part {
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

#[tokio::test]
async fn json_success_has_the_real_shape_and_files_are_served() {
    let h = start_host().await;
    let a = post(&h, png_form(600, 400)).await;
    assert_eq!(a.status, 200, "{}", a.text);
    assert!(a.text.contains(r"http:\/\/"), "slashes must be escaped: {}", a.text);
    assert!(a.header("set-cookie").is_some_and(|c| c.starts_with("PHPSESSID=")));
    let v = a.json();
    assert_eq!(v["status_code"], 200);
    assert_eq!(v["success"]["message"], "file uploaded");
    assert_eq!(v["success"]["code"], 200);
    assert_eq!(v["status_txt"], "OK");
    let img = &v["image"];
    assert_eq!((img["width"].as_u64(), img["height"].as_u64()), (Some(600), Some(400)));
    assert_eq!(img["mime"], "image/png");
    assert_eq!(img["type"], "image");
    assert_eq!(img["filename"], "test-image.png");
    assert_eq!(img["original_filename"], "test image.png");
    assert_eq!(img["title"], "test image");
    assert_eq!(img["size"].as_u64(), Some(png(600, 400).len() as u64));
    assert_eq!(img["md5"].as_str().map(str::len), Some(32));
    assert_eq!(img["expiration_date_gmt"], Value::Null);
    let id = img["id_encoded"].as_str().expect("id");
    let base = h.base();
    assert_eq!(img["url_short"], format!("{base}image/{id}"));
    assert_eq!(img["url_viewer"], format!("{base}image/test-image.{id}"));
    assert_eq!(img["path_viewer"], format!("/image/test-image.{id}"));
    let url = img["url"].as_str().expect("url");
    assert!(url.starts_with(&format!("{base}images/")) && url.ends_with("/test-image.png"), "{url}");

    let (status, ctype, bytes) = get_bytes(url).await;
    assert_eq!((status, ctype.as_deref()), (200, Some("image/png")));
    assert_eq!(bytes, png(600, 400));

    let thumb = img["thumb"]["url"].as_str().expect("thumb");
    assert!(thumb.ends_with(".th.jpeg"));
    let (status, ctype, bytes) = get_bytes(thumb).await;
    assert_eq!((status, ctype.as_deref()), (200, Some("image/jpeg")));
    let t = image::load_from_memory(&bytes).expect("thumb decodes");
    assert!(t.width() <= 160 && t.height() <= 160 && t.width() >= 100, "{}x{}", t.width(), t.height());

    let medium = img["medium"]["url"].as_str().expect("600 px wide has a medium");
    assert!(medium.ends_with(".md.png"));
    let (_, _, bytes) = get_bytes(medium).await;
    assert_eq!(image::load_from_memory(&bytes).expect("medium").width(), 500);
    assert_eq!(img["display_url"], medium);

    for viewer in [img["url_viewer"].as_str(), img["url_short"].as_str()] {
        let (status, ctype, body) = get_bytes(viewer.expect("viewer")).await;
        assert_eq!(status, 200);
        assert!(ctype.is_some_and(|c| c.starts_with("text/html")));
        assert!(String::from_utf8_lossy(&body).contains(url));
    }
}

#[tokio::test]
async fn narrow_images_have_null_medium_members() {
    let h = start_host().await;
    let v = post(&h, png_form(120, 90)).await.json();
    for k in ["filename", "name", "mime", "extension", "url"] {
        assert_eq!(v["image"]["medium"][k], Value::Null, "{k}");
    }
    assert!(v["image"]["thumb"]["url"].is_string());
    assert_eq!(v["image"]["display_url"], v["image"]["url"]);
}

#[tokio::test]
async fn key_rules_and_the_empty_header_trap() {
    let h = start_host().await;
    let c = http();
    // No key at all.
    answer(c.post(h.api()).multipart(png_form(8, 8))).await.error("No key provided");
    // Bad key; the key itself is never echoed.
    let a = answer(c.post(h.api()).header("X-API-Key", "chv_nope_x").multipart(png_form(8, 8))).await;
    assert_eq!(a.error("Invalid API key."), 100);
    assert!(!a.text.contains("chv_nope_x"));
    // An empty header hides a valid key field.
    let form = png_form(8, 8).text("key", KEY);
    assert_eq!(
        answer(c.post(h.api()).header("X-API-Key", "").multipart(form)).await.error("No key provided"),
        100
    );
    // The key field alone works.
    assert_eq!(answer(c.post(h.api()).multipart(png_form(8, 8).text("key", KEY))).await.status, 200);
    // The header wins over a bad field, and a bad header over a good field.
    let form = png_form(8, 8).text("key", "wrong");
    assert_eq!(answer(c.post(h.api()).header("X-API-Key", KEY).multipart(form)).await.status, 200);
    let form = png_form(8, 8).text("key", KEY);
    answer(c.post(h.api()).header("X-API-Key", "wrong").multipart(form)).await.error("Invalid API key.");
    // Admin keys are accepted too.
    assert_eq!(
        answer(c.post(h.api()).header("X-API-Key", ADMIN_KEY).multipart(png_form(8, 8))).await.status,
        200
    );
}

#[tokio::test]
async fn source_errors() {
    let h = start_host().await;
    let c = http();
    let form = |pairs: &[(&str, &str)]| {
        c.post(h.api())
            .header("X-API-Key", KEY)
            .form(&pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect::<Vec<_>>())
    };
    assert_eq!(answer(form(&[("title", "x")])).await.error("Empty upload source"), 130);
    assert_eq!(answer(form(&[("source", "")])).await.error("Empty source"), 130);
    assert_eq!(answer(form(&[("source", "!!! not base64 !!!")])).await.error("Invalid base64 string"), 120);
    let data_uri =
        format!("data:image/png;base64,{}", base64::engine::general_purpose::STANDARD.encode(png(4, 4)));
    assert_eq!(answer(form(&[("source", &data_uri)])).await.error("Invalid base64 string"), 120);
    // Base64 through GET.
    let b64 = base64::engine::general_purpose::STANDARD.encode(png(4, 4));
    let a =
        answer(c.get(format!("{}/", h.api())).query(&[("source", b64.as_str())]).header("X-API-Key", KEY))
            .await;
    assert_eq!(a.error("Upload using base64 source must be done using POST method."), 130);
    // URL source on a host without URL uploads.
    let a = answer(form(&[("source", "http://127.0.0.1:9/a.png")])).await;
    assert_eq!(a.error("URL uploading is disabled"), 403);
    // Not an image, and an image format outside the accepted list (TIFF).
    let text =
        Form::new().part("source", part(b"just some text, not an image".to_vec(), "a.png", "image/png"));
    assert_eq!(post(&h, text).await.error("Can't get target upload source info"), 610);
    let mut tiff = b"II*\0\x08\0\0\0".to_vec();
    tiff.extend_from_slice(&[0u8; 64]);
    let tiff = Form::new().part("source", part(tiff, "a.tif", "image/tiff"));
    assert_eq!(post(&h, tiff).await.error("Unavailable image format"), 613);
    // A category that is not a number: an SQL error with a string code.
    let a = post(&h, png_form(8, 8).text("category_id", "abc")).await;
    let v = a.json();
    assert_eq!(a.status, 400);
    assert_eq!(v["error"]["code"], "22007");
    assert!(v["error"]["message"].as_str().is_some_and(|m| m.contains("SQLSTATE")));
    // A numeric one is kept.
    assert_eq!(post(&h, png_form(8, 8).text("category_id", "3")).await.json()["image"]["category_id"], 3);
}

#[tokio::test]
async fn api_version_methods_and_bodies() {
    let h = start_host().await;
    let c = http();
    let v11 = format!("{}api/1.1/upload", h.base());
    let a = answer(c.post(&v11).header("X-API-Key", KEY).multipart(png_form(8, 8))).await;
    assert_eq!(a.error("Invalid API version."), 110);
    for m in [reqwest::Method::PUT, reqwest::Method::OPTIONS] {
        let a = answer(c.request(m, h.api()).header("X-API-Key", KEY).body(png(8, 8))).await;
        assert_eq!(a.error("Empty upload source"), 130);
    }
    // JSON bodies are not parsed.
    let body = serde_json::json!({"source": base64::engine::general_purpose::STANDARD.encode(png(4, 4))});
    let a = answer(c.post(h.api()).header("X-API-Key", KEY).json(&body)).await;
    a.error("Empty upload source");
    let a = answer(c.head(h.api()).header("X-API-Key", KEY)).await;
    assert_eq!((a.status, a.text.as_str()), (400, ""));
}

#[tokio::test]
async fn formats_txt_redirect_and_unknown() {
    let h = start_host().await;
    let c = http();
    let a = post(&h, png_form(8, 8).text("format", "txt")).await;
    assert_eq!(a.status, 200);
    assert!(a.header("content-type").is_some_and(|t| t.starts_with("text/html")));
    assert!(a.text.starts_with(&format!("{}images/", h.base())) && a.text.ends_with(".png"), "{:?}", a.text);
    assert_eq!(get_bytes(&a.text).await.0, 200);
    // Errors in txt and redirect are HTTP 200 with the bare message.
    for f in ["txt", "redirect"] {
        let a = answer(c.post(h.api()).multipart(png_form(8, 8).text("format", f))).await;
        assert_eq!((a.status, a.text.as_str()), (200, "No key provided"), "{f}");
    }
    let a = post(&h, png_form(8, 8).text("format", "redirect")).await;
    assert_eq!(a.status, 302);
    let loc = a.header("location").expect("location");
    assert!(loc.starts_with("/image/") && !loc.contains("://"), "{loc}");
    let viewer = h.base().join(&loc).expect("resolves");
    assert_eq!(get_bytes(viewer.as_str()).await.0, 200);
    let a = post(&h, png_form(8, 8).text("format", "xml")).await;
    assert_eq!(a.json()["status_code"], 200);
}

#[tokio::test]
async fn canonical_redirects_and_the_301_trap() {
    let h = start_host().await;
    let c = http();
    let a =
        answer(c.post(format!("{}?format=json", h.api())).header("X-API-Key", KEY).multipart(png_form(8, 8)))
            .await;
    assert_eq!(a.status, 301);
    let loc = a.header("location").expect("location");
    assert_eq!(loc, format!("{}/?format=json", h.api()));
    // What an ordinary client does next: the same URL as a GET without body.
    answer(c.get(&loc).header("X-API-Key", KEY)).await.error("Empty upload source");
    let a = answer(c.post(format!("{}/", h.api())).header("X-API-Key", KEY).multipart(png_form(8, 8))).await;
    assert_eq!((a.status, a.header("location")), (301, Some(h.api())));
    // The canonical form with a query runs the API.
    let a =
        answer(c.post(format!("{}/?format=txt", h.api())).header("X-API-Key", KEY).multipart(png_form(8, 8)))
            .await;
    assert_eq!(a.status, 200);
    assert!(a.text.ends_with(".png"));
}

#[tokio::test]
async fn video_parts_are_judged_by_their_declared_type() {
    let h = start_host().await;
    let as_octet = Form::new().part("source", part(mp4_stub(), "clip.mp4", "application/octet-stream"));
    assert_eq!(post(&h, as_octet).await.error("Can't get target upload source info"), 610);
    let png_as_video = Form::new().part("source", part(png(8, 8), "a.png", "video/mp4"));
    assert_eq!(post(&h, png_as_video).await.error("Invalid video file provided"), 100);
    let ok = Form::new().part("source", part(mp4_stub(), "My clip.mp4", "video/mp4"));
    let v = post(&h, ok).await.json();
    let img = &v["image"];
    assert_eq!((img["type"].as_str(), img["mime"].as_str()), (Some("video"), Some("video/mp4")));
    let id = img["id_encoded"].as_str().expect("id");
    assert_eq!(img["url_short"], format!("{}video/{id}", h.base()));
    assert!(img["url_viewer"].as_str().is_some_and(|u| u.contains("/video/")));
    assert_eq!(img["thumb"]["url"], Value::Null);
    let (status, ctype, bytes) = get_bytes(img["url"].as_str().expect("url")).await;
    assert_eq!((status, ctype.as_deref(), bytes), (200, Some("video/mp4"), mp4_stub()));
    assert_eq!(get_bytes(img["url_viewer"].as_str().expect("viewer")).await.0, 200);
}

#[tokio::test]
async fn base64_sources_and_the_imgbb_shape() {
    let h = start_host().await;
    let c = http();
    let b64 = base64::engine::general_purpose::STANDARD.encode(png(30, 20));
    let wrapped: String =
        b64.as_bytes().chunks(16).map(|l| format!("{}\n", String::from_utf8_lossy(l))).collect();
    let a = answer(c.post(h.api()).header("X-API-Key", KEY).form(&[("source", wrapped.as_str())])).await;
    let v = a.json();
    assert_eq!(v["image"]["width"], 30, "{}", a.text);
    assert_eq!(get_bytes(v["image"]["url"].as_str().expect("url")).await.2, png(30, 20));
    // An `image` field switches to ImgBB's shape.
    let a = answer(c.post(h.api()).header("X-API-Key", KEY).form(&[("image", b64.as_str())])).await;
    let v = a.json();
    assert_eq!(v["status"], 200);
    assert!(v.get("image").is_none());
    assert_eq!(v["data"]["id"], v["data"]["id_encoded"]);
    assert_eq!(v["data"]["height"], 20);
    // A file `source` wins over an `image` string, and the shape still follows the field.
    let form = png_form(12, 12).text("image", "not base64 at all!!");
    let v = post(&h, form).await.json();
    assert_eq!(v["data"]["width"], 12);
}

#[tokio::test]
async fn url_sources_admin_and_loopback_only() {
    let h = start_host_with(|c| c.allow_url_uploads = true).await;
    let first = post(&h, png_form(40, 30)).await.json();
    let src = first["image"]["url"].as_str().expect("url").to_string();
    let c = http();
    // Only admin keys.
    let a = answer(c.post(h.api()).header("X-API-Key", KEY).form(&[("source", src.as_str())])).await;
    assert_eq!(a.error("URL uploading is disabled"), 403);
    // Admin, by GET with the parameters in the query of the canonical URL.
    let a = answer(
        c.get(format!("{}/", h.api())).header("X-API-Key", ADMIN_KEY).query(&[("source", src.as_str())]),
    )
    .await;
    let v = a.json();
    assert_eq!(v["image"]["width"], 40, "{}", a.text);
    assert_eq!(get_bytes(v["image"]["url"].as_str().expect("url")).await.2, png(40, 30));
    // Never anything but loopback.
    let a =
        answer(c.post(h.api()).header("X-API-Key", ADMIN_KEY).form(&[("source", "http://192.0.2.1/a.png")]))
            .await;
    assert_eq!(a.status, 400);
    assert_eq!(a.json()["error"]["code"], 403);
    // A fetch that fails reports the fetcher's error.
    let a = answer(
        c.post(h.api()).header("X-API-Key", ADMIN_KEY).form(&[("source", "http://127.0.0.1:1/a.png")]),
    )
    .await;
    assert_eq!(a.json()["error"]["code"], 7, "{}", a.text);
}

#[tokio::test]
async fn width_downscales_the_stored_file() {
    let h = start_host().await;
    let v = post(&h, png_form(800, 600).text("width", "200")).await.json();
    assert_eq!((v["image"]["width"].as_u64(), v["image"]["height"].as_u64()), (Some(200), Some(150)));
    let (_, _, bytes) = get_bytes(v["image"]["url"].as_str().expect("url")).await;
    let img = image::load_from_memory(&bytes).expect("decodes");
    assert_eq!((img.width(), img.height()), (200, 150));
    assert_eq!(v["image"]["medium"]["url"], Value::Null);
    let a = post(&h, png_form(100, 100).text("width", "1000")).await;
    assert_eq!(a.error("Target width is greater than the original image width"), 610);
    let v = post(&h, png_form(100, 100).text("width", "abc")).await.json();
    assert_eq!(v["image"]["width"], 100);
    // JPEG re-encodes as JPEG.
    let form = Form::new().part("source", part(jpeg(300, 100), "p.jpg", "image/jpeg")).text("width", "150");
    let v = post(&h, form).await.json();
    assert_eq!((v["image"]["mime"].as_str(), v["image"]["height"].as_u64()), (Some("image/jpeg"), Some(50)));
}

#[tokio::test]
async fn animated_gifs_are_not_resized_and_bmp_becomes_png() {
    use image::codecs::gif::GifEncoder;
    let h = start_host().await;
    let mut gif = Vec::new();
    {
        let mut enc = GifEncoder::new(&mut gif);
        let frames = (0..2).map(|i| {
            image::Frame::new(image::RgbaImage::from_pixel(40, 30, image::Rgba([i * 200, 0, 0, 255])))
        });
        enc.encode_frames(frames).expect("gif");
    }
    let v = post(&h, Form::new().part("source", part(gif.clone(), "a.gif", "image/gif")).text("width", "10"))
        .await
        .json();
    assert_eq!((v["image"]["width"].as_u64(), v["image"]["is_animated"].as_u64()), (Some(40), Some(1)));
    assert_eq!(get_bytes(v["image"]["url"].as_str().expect("url")).await.2, gif);

    let bmp = encode(gradient(20, 10), image::ImageFormat::Bmp);
    let v = post(&h, Form::new().part("source", part(bmp, "pic.bmp", "image/bmp"))).await.json();
    assert_eq!(
        (v["image"]["extension"].as_str(), v["image"]["mime"].as_str()),
        (Some("png"), Some("image/png"))
    );
    let (_, ctype, bytes) = get_bytes(v["image"]["url"].as_str().expect("url")).await;
    assert_eq!(ctype.as_deref(), Some("image/png"));
    assert_eq!(image::guess_format(&bytes).ok(), Some(image::ImageFormat::Png));
}

/// A real PNG whose IHDR is patched to claim `w`×`h`: decoding it would need gigabytes.
fn bomb_png(w: u32, h: u32) -> Vec<u8> {
    let mut v = png(2, 2);
    // Signature (8), length (4), "IHDR" (4), then width and height; the CRC follows the 13 bytes.
    v[16..20].copy_from_slice(&w.to_be_bytes());
    v[20..24].copy_from_slice(&h.to_be_bytes());
    let mut crc = 0xffff_ffffu32;
    for &b in &v[12..29] {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 { (crc >> 1) ^ 0xedb8_8320 } else { crc >> 1 };
        }
    }
    v[29..33].copy_from_slice(&(!crc).to_be_bytes());
    v
}

#[tokio::test]
async fn huge_image_headers_are_refused_without_decoding() {
    let h = start_host().await;
    for (w, hgt) in [(30_000, 30_000), (16_000, 16_000)] {
        let form = Form::new().part("source", part(bomb_png(w, hgt), "bomb.png", "image/png"));
        assert_eq!(post(&h, form).await.error("Can't get target upload source info"), 610, "{w}x{hgt}");
    }
    // The same file with its real size is fine (the patching itself is sound).
    let ok = Form::new().part("source", part(bomb_png(2, 2), "ok.png", "image/png"));
    assert_eq!(post(&h, ok).await.json()["image"]["width"], 2);
}

#[tokio::test]
async fn expiration_values() {
    let h = start_host().await;
    let cases = [
        ("PT1H", 3600),
        ("P2D", 2 * 86_400),
        ("7200", 7200),
        ("garbage", 300),
        ("pt15m", 300),
        ("PT1M", 300),
    ];
    for (value, secs) in cases {
        let v = post(&h, png_form(8, 8).text("expiration", value)).await.json();
        let when = unix_of(v["image"]["expiration_date_gmt"].as_str().expect("expiration set"));
        assert!((when - now() - secs).abs() <= 5, "{value}: {when}");
    }
}

#[tokio::test]
async fn expired_uploads_are_not_served_and_get_swept() {
    let h = start_host().await;
    let v = post(&h, png_form(8, 8).text("expiration", "PT5M")).await.json();
    let url = v["image"]["url"].as_str().expect("url");
    assert_eq!(get_bytes(url).await.0, 200);
    let data = h.dir.path().join("host");
    assert_eq!(walk(&data.join("images")).len(), 2, "file and thumbnail");
    // Move the expiry into the past, as if five minutes had gone by.
    let db = rusqlite::Connection::open(data.join("host.db")).expect("db");
    db.execute("UPDATE uploads SET expires = 1", []).expect("update");
    drop(db);
    assert_eq!(get_bytes(url).await.0, 404);
    assert_eq!(get_bytes(v["image"]["url_viewer"].as_str().expect("viewer")).await.0, 404);
    // The sweep (run at start, then periodically) deletes the files.
    let TestHost { host, dir } = h;
    host.shutdown().await;
    let host = Host::start(HostConfig::new(data.clone())).await.expect("restart");
    for _ in 0..50 {
        if walk(&data.join("images")).is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(walk(&data.join("images")).is_empty());
    drop((host, dir));
}

#[tokio::test]
async fn use_file_date_is_for_admin_keys_only() {
    use exif::experimental::Writer;
    let h = start_host().await;
    let field = exif::Field {
        tag: exif::Tag::DateTimeOriginal,
        ifd_num: exif::In::PRIMARY,
        value: exif::Value::Ascii(vec![b"2020:05:06 07:08:09".to_vec()]),
    };
    let mut w = Writer::new();
    w.push_field(&field);
    let mut tiff = std::io::Cursor::new(Vec::new());
    w.write(&mut tiff, false).expect("exif");
    let tiff = tiff.into_inner();
    let plain = jpeg(16, 16);
    let mut with_exif = plain[..2].to_vec();
    with_exif.extend_from_slice(&[0xFF, 0xE1]);
    with_exif.extend_from_slice(&((tiff.len() + 8) as u16).to_be_bytes());
    with_exif.extend_from_slice(b"Exif\0\0");
    with_exif.extend_from_slice(&tiff);
    with_exif.extend_from_slice(&plain[2..]);
    let form = || {
        Form::new().part("source", part(with_exif.clone(), "e.jpg", "image/jpeg")).text("use_file_date", "1")
    };
    let c = http();
    let v = answer(c.post(h.api()).header("X-API-Key", ADMIN_KEY).multipart(form())).await.json();
    assert_eq!(v["image"]["date_gmt"], "2020-05-06 07:08:09");
    assert!(v["image"]["url"].as_str().is_some_and(|u| u.contains("/images/2020/05/06/")));
    let v = post(&h, form()).await.json();
    let date = unix_of(v["image"]["date_gmt"].as_str().expect("date"));
    assert!((date - now()).abs() < 60, "a normal key keeps the upload date");
}

#[tokio::test]
async fn tags_title_nsfw_description() {
    let h = start_host().await;
    let long = "t".repeat(101);
    let form = png_form(8, 8)
        .text("tags", format!("cat, dog,a/b,#x,{},,cat", "y".repeat(33)))
        .text("title", long)
        .text("nsfw", "1")
        .text("description", "<b>raw</b> & text")
        .text("album_id", "123");
    let v = post(&h, form).await.json();
    let img = &v["image"];
    assert_eq!(img["tags"], serde_json::json!(["cat", "dog"]));
    assert_eq!(img["tags_string"], "cat,dog");
    assert_eq!(img["title"].as_str().map(|t| t.chars().count()), Some(100));
    assert_eq!(img["nsfw"], 1);
    assert_eq!(img["description"], "<b>raw</b> & text");
    assert!(img.get("album").is_none());
    let v = post(&h, png_form(8, 8).text("name", "Named").text("nsfw", "yes")).await.json();
    assert_eq!((v["image"]["title"].as_str(), v["image"]["nsfw"].as_u64()), (Some("Named"), Some(0)));
}

#[tokio::test]
async fn delete_url_deletes_on_get() {
    let h = start_host().await;
    let v = post(&h, png_form(600, 10)).await.json();
    let img = &v["image"];
    let url = img["url"].as_str().expect("url");
    let del = img["delete_url"].as_str().expect("delete url");
    let secret = del.rsplit('/').next().expect("secret");
    assert_eq!(secret.len(), 48);
    assert!(del.starts_with(&format!("{}/delete/", img["url_short"].as_str().expect("short"))));
    // A wrong secret: 404, nothing deleted.
    let wrong = format!("{}{}", &del[..del.len() - 48], "a".repeat(48));
    assert_eq!(get_bytes(&wrong).await.0, 404);
    assert_eq!(get_bytes(url).await.0, 200);
    let a = answer(http().get(del)).await;
    assert_eq!(a.status, 301);
    let loc = a.header("location").expect("location");
    assert!(loc.ends_with("?deleted"), "{loc}");
    assert_eq!(get_bytes(&loc).await.0, 404);
    for u in [url, img["thumb"]["url"].as_str().expect("t"), img["medium"]["url"].as_str().expect("m")] {
        assert_eq!(get_bytes(u).await.0, 404, "{u}");
    }
    assert_eq!(get_bytes(img["url_viewer"].as_str().expect("viewer")).await.0, 404);
    assert_eq!(get_bytes(del).await.0, 404);
    // The files are gone from disk too.
    let left: Vec<_> = walk(&h.dir.path().join("host").join("images"));
    assert!(left.is_empty(), "{left:?}");
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[tokio::test]
async fn traversal_and_odd_paths_are_404_and_names_are_sanitised() {
    let h = start_host().await;
    let form = Form::new().part("source", part(png(8, 8), "../../evil name?.png", "image/png"));
    let v = post(&h, form).await.json();
    assert_eq!(v["image"]["filename"], "evil-name.png");
    let url = v["image"]["url"].as_str().expect("url");
    let rel = url.strip_prefix(h.base().as_str()).expect("under base");
    assert_eq!(raw_get(&h, &format!("/{rel}")).await, 200);
    let dir = rel.rsplit_once('/').map(|(d, _)| d).expect("dir");
    for path in [
        "/images/../host.db".to_string(),
        "/images/%2e%2e/host.db".to_string(),
        "/images/..%2fhost.db".to_string(),
        format!("/{dir}%2Fevil-name.png"),
        format!("/{}", rel.replace('/', "%2F")),
        "/images//etc/passwd".to_string(),
        "/images/C:/Windows/win.ini".to_string(),
        "/host.db".to_string(),
        "/tmp/".to_string(),
        format!("/{dir}/./evil-name.png"),
        "/image/../images".to_string(),
    ] {
        assert_eq!(raw_get(&h, &path).await, 404, "{path}");
    }
    // A stored file replaced by a symlink is not followed.
    #[cfg(unix)]
    {
        let on_disk = h.dir.path().join("host").join(rel);
        std::fs::remove_file(&on_disk).expect("remove");
        std::os::unix::fs::symlink(h.dir.path().join("host").join("host.db"), &on_disk).expect("symlink");
        assert_eq!(raw_get(&h, &format!("/{rel}")).await, 404);
    }
}

#[tokio::test]
async fn body_limit_answers_413_html_and_site_limit_json() {
    let h = start_host_with(|c| c.max_body_bytes = 20_000).await;
    let big: Vec<u8> = (0..60_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8).collect();
    let form = Form::new().part("source", part(big, "big.png", "image/png"));
    let a = post(&h, form).await;
    assert_eq!(a.status, 413);
    assert!(a.header("content-type").is_some_and(|t| t.starts_with("text/html")));
    assert!(a.text.contains("413 Request Entity Too Large"));
    assert_eq!(post(&h, png_form(8, 8)).await.status, 200);
    // Without a Content-Length (chunked), the limit is counted while reading.
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> = (0..40).map(|_| Ok(vec![b'a'; 1000])).collect();
    let body = reqwest::Body::wrap_stream(futures_util::stream::iter(chunks));
    let req = http()
        .post(h.api())
        .header("X-API-Key", KEY)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(body);
    let a = answer(req).await;
    assert_eq!(a.status, 413);

    let h = start_host_with(|c| c.max_file_bytes = Some(2 * 1024 * 1024)).await;
    let big = vec![0u8; 3 * 1024 * 1024];
    let a = post(&h, Form::new().part("source", part(big, "big.png", "image/png"))).await;
    assert_eq!(a.error("File too big - max 2 MB"), 400);
    assert_eq!(post(&h, png_form(8, 8)).await.status, 200);
}

#[tokio::test]
async fn duplicates_and_flooding_when_enabled() {
    let h = start_host().await;
    assert_eq!(post(&h, png_form(9, 9)).await.status, 200);
    assert_eq!(post(&h, png_form(9, 9)).await.status, 200, "duplicates are allowed by default");

    let h = start_host_with(|c| c.reject_duplicates = true).await;
    assert_eq!(post(&h, png_form(9, 9)).await.status, 200);
    assert_eq!(post(&h, png_form(9, 9)).await.error("Duplicated upload"), 101);
    assert_eq!(post(&h, png_form(9, 10)).await.status, 200);

    let h = start_host_with(|c| c.flood_limit_per_hour = Some(2)).await;
    assert_eq!(post(&h, png_form(5, 5)).await.status, 200);
    assert_eq!(post(&h, png_form(6, 5)).await.status, 200);
    let a = post(&h, png_form(7, 5)).await;
    assert_eq!(a.error("Flooding detected. You can only upload 2 images per hour"), 130);
    assert!(a.header("retry-after").is_none());
}

#[tokio::test]
async fn uploads_survive_a_restart() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut cfg = HostConfig::new(dir.path().join("data"));
    cfg.keys = vec![KEY.to_string()];
    let host = Host::start(cfg.clone()).await.expect("start");
    let api = format!("{}api/1/upload", host.base_url());
    let v = answer(http().post(&api).header("X-API-Key", KEY).multipart(png_form(50, 40))).await.json();
    let path = v["image"]["url"]
        .as_str()
        .expect("url")
        .strip_prefix(host.base_url().as_str())
        .expect("rel")
        .to_string();
    let viewer = v["image"]["path_viewer"].as_str().expect("viewer").to_string();
    host.shutdown().await;

    let host = Host::start(cfg).await.expect("restart");
    let (status, _, bytes) = get_bytes(&format!("{}{path}", host.base_url())).await;
    assert_eq!((status, bytes), (200, png(50, 40)));
    let viewer = host.base_url().join(&viewer).expect("viewer url");
    assert_eq!(get_bytes(viewer.as_str()).await.0, 200);
}

#[tokio::test]
async fn sink_mode_discards_and_answers_success() {
    let h = start_host_with(|c| {
        c.sink = true;
        c.max_body_bytes = 1024;
    })
    .await;
    let body = vec![7u8; 5 * 1024 * 1024];
    let a = post(&h, Form::new().part("source", part(body, "big.bin", "image/png"))).await;
    assert_eq!(a.status, 200, "{}", a.text);
    let v = a.json();
    assert_eq!(v["status_code"], 200);
    assert!(v["image"]["url"].as_str().is_some_and(|u| u.starts_with(h.base().as_str())));
    assert!(walk(&h.dir.path().join("host").join("images")).is_empty());
}
