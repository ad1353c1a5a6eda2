//! The success JSON and files served, every `format`, the canonical redirects and the 301 trap.

use super::{answer, get_bytes, http, part, png_form, post};
use crate::support::{gradient, jpeg, png, start_host, walk, KEY};
use reqwest::multipart::Form;
use serde_json::Value;

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

/// A JPEG stored as sent gets its medium and thumbnail from a decode at reduced scale (1/2 here):
/// right sizes, and the picture's colours where it is smooth.
#[tokio::test]
async fn jpeg_derivatives_come_from_a_shrunk_decode_with_the_right_pixels() {
    let h = start_host().await;
    let form = Form::new().part("source", part(jpeg(1200, 800), "photo.jpg", "image/jpeg"));
    let v = post(&h, form).await.json();
    let img = &v["image"];
    assert_eq!((img["width"].as_u64(), img["height"].as_u64()), (Some(1200), Some(800)));
    let (_, _, bytes) = get_bytes(img["medium"]["url"].as_str().expect("medium")).await;
    let m = image::load_from_memory(&bytes).expect("medium decodes").to_rgb8();
    assert_eq!(m.dimensions(), (500, 333));
    let want = gradient(1200, 800).to_rgb8();
    let (got, exp) = (m.get_pixel(250, 166), want.get_pixel(600, 400));
    for c in 0..2 {
        assert!(got[c].abs_diff(exp[c]) <= 8, "{got:?} vs {exp:?}");
    }
    let (_, _, bytes) = get_bytes(img["thumb"]["url"].as_str().expect("thumb")).await;
    let t = image::load_from_memory(&bytes).expect("thumb decodes");
    assert_eq!((t.width(), t.height()), (160, 107));
}

/// Thumbnails and mediums are named in the answer but made when first fetched: nothing but the
/// upload is on disk before, several fetches at once all get the same whole file, and the
/// thumbnail fetched first makes the medium it is taken from.
#[tokio::test]
async fn derived_files_are_made_on_first_request() {
    let h = start_host().await;
    let images = h.dir.path().join("host").join("images");
    let form = Form::new().part("source", part(jpeg(1200, 800), "photo.jpg", "image/jpeg"));
    let v = post(&h, form).await.json();
    let names = |dir: &std::path::Path| -> Vec<String> {
        let mut n: Vec<String> = walk(dir)
            .iter()
            .filter_map(|p| p.file_name().map(|f| f.to_string_lossy().into_owned()))
            .collect();
        n.sort();
        n
    };
    assert_eq!(names(&images), ["photo.jpg"]);
    let thumb = v["image"]["thumb"]["url"].as_str().expect("thumb").to_string();
    let fetches = (0..4).map(|_| get_bytes(&thumb));
    let got = futures_util::future::join_all(fetches).await;
    for (status, ctype, bytes) in &got {
        assert_eq!((*status, ctype.as_deref()), (200, Some("image/jpeg")));
        assert_eq!(bytes, &got[0].2, "every fetch gets the same file");
    }
    let t = image::load_from_memory(&got[0].2).expect("thumb decodes");
    assert_eq!((t.width(), t.height()), (160, 107));
    assert_eq!(names(&images), ["photo.jpg", "photo.md.jpg", "photo.th.jpeg"], "no temporary files left");
    let again = get_bytes(&thumb).await;
    assert_eq!(again.2, got[0].2, "made once, then served as stored");
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
