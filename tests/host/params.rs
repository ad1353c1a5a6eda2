//! Request parameters: width, animated GIFs and BMP, expiration and the sweeper,
//! `use_file_date`, tags, title, nsfw and description.

use super::{answer, get_bytes, http, now, part, png_form, post, unix_of};
use crate::support::{encode, gradient, jpeg, start_host, walk, TestHost, ADMIN_KEY};
use reqwest::multipart::Form;
use serde_json::Value;
use slingshot::host::{Host, HostConfig};

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
    // The thumbnail is made when first fetched; the sweep must remove it too.
    assert_eq!(get_bytes(v["image"]["thumb"]["url"].as_str().expect("thumb")).await.0, 200);
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
