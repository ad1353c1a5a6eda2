//! The error catalogue: keys and the empty-header trap, bad sources, API versions and methods,
//! decompression bombs, body and site limits, duplicate and flood checks.

use super::{answer, http, part, png_form, post};
use crate::support::{png, start_host, start_host_with, ADMIN_KEY, KEY};
use base64::Engine;
use reqwest::multipart::Form;

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
