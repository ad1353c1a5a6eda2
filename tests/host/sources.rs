//! Upload sources: video parts by declared type, base64 and the imgbb shape, URL sources.

use super::{answer, get_bytes, http, part, png_form, post};
use crate::support::{mp4_stub, png, start_host, start_host_with, ADMIN_KEY, KEY};
use base64::Engine;
use reqwest::multipart::Form;
use serde_json::Value;

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
