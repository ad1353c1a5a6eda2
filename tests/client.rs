//! The API client against a capture server (what goes on the wire: header or field key, no query
//! string, every option in the body, sniffed part types, lengths, progress, no key leaks) and
//! against canned answers for every case of server-behavior.md; `host` runs it against the
//! project's local host.

mod answers;
mod capture;
mod host;

use crate::support::{self, KEY};
use capture::{Captured, Reply};
use slingshot::api::{Client, Format, KeyMode, ServerConfig, Source, UploadOptions};
use slingshot::secret::ApiKey;
use slingshot::Error;
use std::sync::{Arc, Mutex};

pub const SUCCESS: &str = r#"{"status_code":200,"success":{"message":"file uploaded","code":200},"image":{"name":"pic","extension":"png","size":"1234","width":"40","height":30,"md5":"d41d8cd98f00b204e9800998ecf8427e","id_encoded":"AbC1","filename":"pic.png","mime":"image\/png","type":"image","url":"http:\/\/127.0.0.1\/images\/pic.png","thumb":{"url":null},"medium":{"url":null},"display_width":"500","url_viewer":"http:\/\/127.0.0.1\/image\/pic.AbC1","url_short":"http:\/\/127.0.0.1\/image\/AbC1","delete_url":"http:\/\/127.0.0.1\/image\/AbC1\/delete\/abcdef"},"status_txt":"OK"}"#;

pub fn server(base: &url::Url, key: Option<&str>, mode: KeyMode) -> ServerConfig {
    ServerConfig {
        base_url: base.clone(),
        key: key.and_then(ApiKey::new),
        key_mode: mode,
        allow_insecure_http: false,
    }
}

pub fn client() -> Client {
    Client::new().expect("client")
}

fn all_options() -> UploadOptions {
    UploadOptions {
        title: Some("A title".into()),
        description: Some("Some <b>raw</b> description".into()),
        tags: vec!["cats".into(), " ".into(), "black and white".into()],
        album_id: Some("https://h.example/album/trip.Zx9".into()),
        category_id: Some("3".into()),
        width: Some(20),
        expiration: Some("P1D".into()),
        nsfw: true,
        format: Format::Json,
        use_file_date: true,
    }
}

/// Asserts the key appears in nothing but the allowed place (header or field).
fn assert_key_only_in(c: &Captured, allowed_header: bool, allowed_field: bool) {
    assert!(!c.path.contains(KEY) && !c.query.as_deref().unwrap_or("").contains(KEY));
    for (n, v) in &c.headers {
        if n.eq_ignore_ascii_case("x-api-key") && allowed_header {
            continue;
        }
        assert!(!v.contains(KEY), "key leaked in header {n}");
    }
    for p in &c.parts {
        if p.name == "key" && allowed_field {
            continue;
        }
        assert!(!String::from_utf8_lossy(&p.bytes).contains(KEY), "key leaked in part {}", p.name);
    }
    assert!(c.header("x-api-key").is_none_or(|v| !v.is_empty()), "empty X-API-Key header sent");
}

type Calls = Arc<Mutex<Vec<(u64, u64)>>>;

fn progress() -> (Calls, slingshot::api::ProgressFn) {
    let calls: Calls = Arc::default();
    let c2 = Arc::clone(&calls);
    (calls, Arc::new(move |sent, total| c2.lock().expect("progress").push((sent, total))))
}

#[tokio::test]
async fn header_mode_puts_every_option_in_the_body_and_streams_the_file() {
    let cap = capture::start(Reply::json(200, SUCCESS), "/sub/").await;
    let dir = tempfile::tempdir().expect("tmp");
    let png = support::png(40, 30);
    let path = support::write(dir.path(), "pic.png", &png);
    let (calls, cb) = progress();
    let up = client()
        .upload(&server(&cap.base, Some(KEY), KeyMode::Header), Source::File(path), &all_options(), Some(cb))
        .await
        .expect("upload");
    assert_eq!(up.url, "http://127.0.0.1/images/pic.png");
    assert_eq!((up.width, up.height, up.size), (Some(40), Some(30), Some(1234)));

    let c = cap.only();
    assert_eq!((c.method.as_str(), c.path.as_str(), c.query.as_deref()), ("POST", "/sub/api/1/upload", None));
    assert_eq!(c.header("x-api-key"), Some(KEY));
    assert!(c.header("user-agent").is_some_and(|u| u.starts_with("Slingshot/")));
    assert_eq!(c.header("content-length").map(|l| l.parse::<usize>().ok()), Some(Some(c.body_len)));
    assert!(c.header("transfer-encoding").is_none(), "body must have a known length");
    for (name, want) in [
        ("title", "A title"),
        ("description", "Some <b>raw</b> description"),
        ("tags", "cats,black and white"),
        ("album_id", "Zx9"),
        ("category_id", "3"),
        ("width", "20"),
        ("expiration", "P1D"),
        ("nsfw", "1"),
        ("format", "json"),
        ("use_file_date", "1"),
    ] {
        assert_eq!(c.field(name).as_deref(), Some(want), "field {name}");
    }
    assert!(c.part("key").is_none(), "header mode must not send the key field");
    let src = c.part("source").expect("source part");
    assert_eq!(src.filename.as_deref(), Some("pic.png"));
    assert_eq!(src.content_type.as_deref(), Some("image/png"));
    assert_eq!(src.bytes, png);
    assert_key_only_in(&c, true, false);

    let calls = calls.lock().expect("calls").clone();
    let total = png.len() as u64;
    assert_eq!(calls.last(), Some(&(total, total)));
    assert!(calls.windows(2).all(|w| w[0].0 <= w[1].0 && w[0].1 == total));
}

#[tokio::test]
async fn large_file_streams_in_chunks_with_its_length() {
    let cap = capture::start(Reply::json(200, SUCCESS), "/").await;
    let dir = tempfile::tempdir().expect("tmp");
    // A PNG signature then 3 MiB of varied filler: sniffs as PNG, big enough for many chunks.
    let mut data = support::png(2, 2);
    data.extend((0..3 * 1024 * 1024u32).map(|i| (i % 251) as u8));
    let path = support::write(dir.path(), "big.png", &data);
    let (calls, cb) = progress();
    client()
        .upload(
            &server(&cap.base, Some(KEY), KeyMode::Header),
            Source::File(path),
            &UploadOptions::default(),
            Some(cb),
        )
        .await
        .expect("upload");
    let c = cap.only();
    assert!(c.header("transfer-encoding").is_none());
    assert_eq!(c.header("content-length").and_then(|l| l.parse::<usize>().ok()), Some(c.body_len));
    assert!(c.body_len > data.len());
    assert!(c.part("source").is_some_and(|p| p.bytes == data), "file arrived altered");
    let calls = calls.lock().expect("calls").clone();
    let total = data.len() as u64;
    assert!(calls.len() > 10, "progress must be reported as chunks go out: {}", calls.len());
    assert_eq!(calls.last(), Some(&(total, total)));
}

#[tokio::test]
async fn field_mode_sends_the_key_field_and_video_type() {
    let cap = capture::start(Reply::json(200, SUCCESS), "/").await;
    let dir = tempfile::tempdir().expect("tmp");
    let mp4 = support::mp4_stub();
    let path = support::write(dir.path(), "clip.bin", &mp4);
    client()
        .upload(
            &server(&cap.base, Some(KEY), KeyMode::Field),
            Source::File(path),
            &UploadOptions::default(),
            None,
        )
        .await
        .expect("upload");
    let c = cap.only();
    assert!(c.header("x-api-key").is_none(), "field mode must not send the header");
    assert_eq!(c.field("key").as_deref(), Some(KEY));
    assert_eq!(c.field("format").as_deref(), Some("json"));
    for absent in ["title", "tags", "nsfw", "width", "expiration", "use_file_date"] {
        assert!(c.part(absent).is_none(), "{absent} sent though unset");
    }
    let src = c.part("source").expect("source");
    assert_eq!(src.content_type.as_deref(), Some("video/mp4"));
    assert_eq!(src.bytes, mp4);
    assert_key_only_in(&c, false, true);
}

#[tokio::test]
async fn bytes_base64_url_and_no_key() {
    let cap = capture::start(Reply::json(200, SUCCESS), "/").await;
    let c = client();
    let png = support::png(8, 8);
    let big = support::png(700, 700);
    let (calls, cb) = progress();
    let sources = [
        Source::Bytes { data: big.clone(), filename: "clip.png".into() },
        Source::Bytes { data: png.clone(), filename: String::new() },
        Source::Base64("data:image/png;base64,iVBORw0KGgo=".into()),
        Source::Url("http://127.0.0.1:9/x.png".into()),
    ];
    for s in sources {
        c.upload(
            &server(&cap.base, None, KeyMode::Header),
            s,
            &UploadOptions::default(),
            Some(Arc::clone(&cb)),
        )
        .await
        .expect("upload");
    }
    let reqs = cap.requests();
    assert_eq!(reqs.len(), 4);
    for r in &reqs {
        assert!(r.header("x-api-key").is_none() && r.part("key").is_none(), "no key must mean no key at all");
    }
    let first = reqs[0].part("source").expect("source");
    assert_eq!(
        (first.filename.as_deref(), first.content_type.as_deref()),
        (Some("clip.png"), Some("image/png"))
    );
    assert_eq!(first.bytes, big);
    assert_eq!(reqs[1].part("source").and_then(|p| p.filename.clone()).as_deref(), Some("upload.png"));
    let b64 = reqs[2].part("source").expect("source");
    assert_eq!((b64.filename.as_deref(), b64.bytes.as_slice()), (None, b"iVBORw0KGgo=".as_slice()));
    assert_eq!(reqs[3].field("source").as_deref(), Some("http://127.0.0.1:9/x.png"));
    // The big in-memory source went out in several chunks and reached its total.
    let calls = calls.lock().expect("calls").clone();
    let total = big.len() as u64;
    assert!(calls.iter().filter(|(_, t)| *t == total).count() > 2, "{calls:?}");
    assert!(calls.contains(&(total, total)));
}

#[tokio::test]
async fn refused_before_sending() {
    let cap = capture::start(Reply::json(200, SUCCESS), "/").await;
    let c = client();
    let dir = tempfile::tempdir().expect("tmp");
    let path = support::write(dir.path(), "a.png", &support::png(4, 4));
    let cfg = server(&cap.base, Some(KEY), KeyMode::Header);
    for bad in [
        UploadOptions { expiration: Some("garbage".into()), ..Default::default() },
        UploadOptions { tags: vec!["a/b".into()], ..Default::default() },
        UploadOptions { category_id: Some("x".into()), ..Default::default() },
        UploadOptions { album_id: Some("12".into()), ..Default::default() },
    ] {
        let e = c.upload(&cfg, Source::File(path.clone()), &bad, None).await.expect_err("refused");
        assert!(matches!(e, Error::InvalidInput(_)), "{e:?}");
    }
    let text = support::write(dir.path(), "notes.png", b"just some text, not an image");
    let e = c.upload(&cfg, Source::File(text), &UploadOptions::default(), None).await.expect_err("refused");
    assert!(matches!(e, Error::InvalidInput(_)), "{e:?}");
    let e =
        c.upload(&cfg, Source::File(dir.path().join("missing.png")), &UploadOptions::default(), None).await;
    assert!(matches!(e, Err(Error::Io { .. })), "{e:?}");
    // Plain http to a remote host: refused, saying why; nothing is sent.
    let remote =
        server(&url::Url::parse("http://img.example.com/").expect("url"), Some(KEY), KeyMode::Header);
    let e = c
        .upload(&remote, Source::File(path.clone()), &UploadOptions::default(), None)
        .await
        .expect_err("refused");
    assert!(matches!(&e, Error::InvalidInput(m) if m.contains("clear")), "{e:?}");
    assert!(!e.to_string().contains(KEY));
    assert!(cap.requests().is_empty(), "nothing may be sent for refused input");
}
