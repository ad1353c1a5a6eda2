//! The API client against the project's local host: options round-trip, every format, a wrong
//! key, base64 sources, and deleting through the delete URL.

use super::capture::{self, Reply};
use super::{client, server};
use crate::support::{self, KEY};
use slingshot::api::{Format, KeyMode, Source, UploadOptions};
use slingshot::Error;

async fn get(url: &str) -> (u16, Vec<u8>) {
    let r = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
        .get(url)
        .send()
        .await
        .expect("get");
    let status = r.status().as_u16();
    (status, r.bytes().await.expect("body").to_vec())
}

#[tokio::test]
async fn file_upload_with_all_options_round_trips() {
    let host = support::start_host().await;
    // Relay through a capture server to see the host's full JSON answer (title, tags, nsfw).
    let relay = capture::start(Reply::Forward(host.api()), "/").await;
    let dir = tempfile::tempdir().expect("tmp");
    let png = support::png(800, 600);
    let path = support::write(dir.path(), "gradient.png", &png);
    let opts = UploadOptions {
        title: Some("Round trip".into()),
        tags: vec!["one".into(), "two".into()],
        width: Some(400),
        expiration: Some("p1d".into()),
        nsfw: true,
        ..Default::default()
    };
    let up = client()
        .upload(&server(&relay.base, Some(KEY), KeyMode::Header), Source::File(path), &opts, None)
        .await
        .expect("upload");
    assert_eq!((up.width, up.height), (Some(400), Some(300)));
    assert_eq!(up.mime.as_deref(), Some("image/png"));
    assert_eq!(up.media_type.as_deref(), Some("image"));
    assert!(up.expiration_date_gmt.is_some(), "expiration was not applied");
    assert!(up.url.starts_with(host.base().as_str()), "{}", up.url);

    let sent = relay.only();
    assert_eq!(sent.field("expiration").as_deref(), Some("P1D"), "lower case must be normalised");
    let answer: serde_json::Value =
        serde_json::from_str(sent.answer.as_deref().expect("answer")).expect("json");
    let img = &answer["image"];
    assert_eq!(img["title"], "Round trip");
    assert_eq!(img["tags"], serde_json::json!(["one", "two"]));
    assert_eq!(img["nsfw"], 1);

    let (status, bytes) = get(&up.url).await;
    assert_eq!(status, 200);
    let stored = image::load_from_memory(&bytes).expect("stored image decodes");
    assert_eq!((stored.width(), stored.height()), (400, 300));
    let (status, page) = get(up.url_viewer.as_deref().expect("viewer")).await;
    assert_eq!(status, 200);
    assert!(String::from_utf8_lossy(&page).contains("Round trip"));
}

#[tokio::test]
async fn txt_and_redirect_formats() {
    let host = support::start_host().await;
    let cfg = server(&host.base(), Some(KEY), KeyMode::Field);
    let png = support::png(32, 32);
    let src = || Source::Bytes { data: png.clone(), filename: "small.png".into() };
    let c = client();

    let up = c
        .upload(&cfg, src(), &UploadOptions { format: Format::Txt, ..Default::default() }, None)
        .await
        .expect("txt");
    assert!(up.url.starts_with(host.base().as_str()) && up.url_viewer.is_none(), "{up:?}");
    let (status, bytes) = get(&up.url).await;
    assert_eq!((status, bytes == png), (200, true));

    let up = c
        .upload(&cfg, src(), &UploadOptions { format: Format::Redirect, ..Default::default() }, None)
        .await
        .expect("redirect");
    assert_eq!(up.url_viewer.as_deref(), Some(up.url.as_str()));
    assert!(up.url.starts_with(&format!("{}image/", host.base())), "{}", up.url);
    let (status, page) = get(&up.url).await;
    assert_eq!(status, 200);
    assert!(String::from_utf8_lossy(&page).contains("small"));
}

#[tokio::test]
async fn wrong_or_missing_key_is_an_auth_error() {
    let host = support::start_host().await;
    let c = client();
    let wrong = "chv_wrong_0000";
    for format in [Format::Json, Format::Txt, Format::Redirect] {
        for (key, mode) in
            [(Some(wrong), KeyMode::Header), (Some(wrong), KeyMode::Field), (None, KeyMode::Header)]
        {
            let e = c
                .upload(
                    &server(&host.base(), key, mode),
                    Source::Bytes { data: support::png(4, 4), filename: "a.png".into() },
                    &UploadOptions { format, ..Default::default() },
                    None,
                )
                .await
                .expect_err("refused");
            assert!(matches!(e, Error::Auth { .. }), "{format:?} {mode:?}: {e:?}");
            assert!(!e.to_string().contains(wrong));
        }
    }
}

#[tokio::test]
async fn base64_source_uploads() {
    use base64::Engine;
    let host = support::start_host().await;
    let png = support::png(16, 12);
    let b64 = base64::engine::general_purpose::STANDARD.encode(&png);
    let up = client()
        .upload(
            &server(&host.base(), Some(KEY), KeyMode::Header),
            Source::Base64(b64),
            &UploadOptions::default(),
            None,
        )
        .await
        .expect("base64 upload");
    assert_eq!((up.width, up.height), (Some(16), Some(12)));
    let (status, bytes) = get(&up.url).await;
    assert_eq!((status, bytes == png), (200, true));
}

#[tokio::test]
async fn delete_through_the_delete_url() {
    let host = support::start_host().await;
    let c = client();
    let up = c
        .upload(
            &server(&host.base(), Some(KEY), KeyMode::Header),
            Source::Bytes { data: support::jpeg(64, 48), filename: "photo.jpg".into() },
            &UploadOptions::default(),
            None,
        )
        .await
        .expect("upload");
    assert_eq!(get(&up.url).await.0, 200);
    let link = up.delete_url.clone().expect("delete url");
    c.delete(&link).await.expect("deleted");
    assert_eq!(get(&up.url).await.0, 404, "the file must be gone");
    assert_eq!(get(up.url_viewer.as_deref().expect("viewer")).await.0, 404);
    let e = c.delete(&link).await.expect_err("second delete");
    assert!(matches!(e, Error::Rejected { status: 404, .. }), "{e:?}");
}

#[tokio::test]
async fn web_server_size_limit_is_reported_with_its_page() {
    let host = support::start_host_with(|c| c.max_body_bytes = 64 * 1024).await;
    let mut data = support::png(2, 2);
    data.extend(std::iter::repeat_n(7u8, 512 * 1024));
    let e = client()
        .upload(
            &server(&host.base(), Some(KEY), KeyMode::Header),
            Source::Bytes { data, filename: "big.png".into() },
            &UploadOptions::default(),
            None,
        )
        .await
        .expect_err("too big");
    assert!(matches!(&e, Error::NotJson { status: 413, excerpt } if excerpt.contains("413")), "{e:?}");
}
