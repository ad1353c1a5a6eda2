//! The client against canned answers for each case of server-behavior.md: JSON success and
//! error shapes, txt and redirect formats, redirects that are configuration errors, pages that are
//! not the API, network failures and timeouts, and delete answers.

use super::capture::{self, Reply};
use super::{client, server, SUCCESS};
use crate::support::{self, KEY};
use slingshot::api::{Client, Format, KeyMode, Source, Timeouts, UploadOptions, Uploaded};
use slingshot::Error;
use std::time::Duration;

async fn answer(reply: Reply, format: Format) -> slingshot::Result<Uploaded> {
    let cap = capture::start(reply, "/").await;
    let opts = UploadOptions { format, ..Default::default() };
    let r = client()
        .upload(
            &server(&cap.base, Some(KEY), KeyMode::Header),
            Source::Bytes { data: support::png(4, 4), filename: "a.png".into() },
            &opts,
            None,
        )
        .await;
    assert_eq!(cap.only().field("format").as_deref(), Some(format.as_str()));
    if let Err(e) = &r {
        assert!(!e.to_string().contains(KEY), "key in error: {e}");
    }
    r
}

#[tokio::test]
async fn json_answers() {
    let up = answer(Reply::json(200, SUCCESS), Format::Json).await.expect("success");
    assert_eq!(up.delete_url.as_deref(), Some("http://127.0.0.1/image/AbC1/delete/abcdef"));
    let old = r#"{"status_code":200,"success":{"message":"image uploaded","code":200},"image":{"url":"https:\/\/h\/a.png","checksum":"x","width":"5"},"status_txt":"OK"}"#;
    let up = answer(Reply::json(200, old), Format::Json).await.expect("old server");
    assert_eq!((up.url.as_str(), up.width, up.delete_url), ("https://h/a.png", Some(5), None));
    let imgbb = r#"{"data":{"id":"2nd","url":"https://i.ibb.co/x/a.png","url_viewer":"https://ibb.co/2nd","width":"4"},"success":true,"status":200}"#;
    let up = answer(Reply::json(200, imgbb), Format::Json).await.expect("imgbb");
    assert_eq!((up.url.as_str(), up.id.as_deref()), ("https://i.ibb.co/x/a.png", Some("2nd")));

    let err = |m: &str, code: &str| {
        format!(
            r#"{{"status_code":400,"error":{{"message":"{m}","code":{code},"context":"Exception"}},"status_txt":"Bad Request"}}"#
        )
    };
    for (m, code) in [("No key provided", "100"), ("Invalid API key.", "100"), ("Request denied", "401")] {
        let e = answer(Reply::json(400, &err(m, code)), Format::Json).await.expect_err("auth");
        assert!(matches!(&e, Error::Auth { message } if message == m), "{e:?}");
    }
    let e = answer(Reply::json(400, &err("Duplicated upload", "101")), Format::Json).await.expect_err("dup");
    assert!(matches!(&e, Error::Rejected { code, status: 400, .. } if code == "101"), "{e:?}");
    let e =
        answer(Reply::json(400, &err("SQLSTATE[22007]", "\"22007\"")), Format::Json).await.expect_err("sql");
    assert!(matches!(&e, Error::Rejected { code, .. } if code == "22007"), "{e:?}");
}

#[tokio::test]
async fn txt_and_redirect_answers() {
    let up =
        answer(Reply::new(200, "text/html; charset=UTF-8", "http://127.0.0.1/images/a.png"), Format::Txt)
            .await;
    assert_eq!(up.expect("txt").url, "http://127.0.0.1/images/a.png");
    let e = answer(Reply::new(200, "text/html; charset=UTF-8", "No key provided"), Format::Txt).await;
    assert!(matches!(e, Err(Error::Auth { .. })), "{e:?}");
    let e = answer(Reply::new(200, "text/html", "Duplicated upload"), Format::Txt).await;
    assert!(matches!(e, Err(Error::Rejected { status: 200, .. })), "{e:?}");

    let cap = capture::start(Reply::redirect(302, "/image/pic.AbC1"), "/sub/").await;
    let opts = UploadOptions { format: Format::Redirect, ..Default::default() };
    let up = client()
        .upload(
            &server(&cap.base, Some(KEY), KeyMode::Header),
            Source::Base64("iVBORw0KGgo=".into()),
            &opts,
            None,
        )
        .await
        .expect("redirect success");
    let want = format!("{}/image/pic.AbC1", cap.base.origin().ascii_serialization());
    assert_eq!(
        (up.url.as_str(), up.url_viewer.as_deref(), up.url_short.as_deref()),
        (want.as_str(), Some(want.as_str()), Some(want.as_str()))
    );
    assert_eq!(cap.requests().len(), 1, "the redirect must not be followed");
    let e = answer(Reply::new(200, "text/html", "Invalid API key"), Format::Redirect).await;
    assert!(matches!(e, Err(Error::Auth { .. })), "{e:?}");

    // A canonicalising 301 is a configuration error naming where it pointed; never followed.
    let e = answer(Reply::redirect(301, "https://www.example.com/api/1/upload"), Format::Json)
        .await
        .expect_err("301");
    match e {
        Error::Config(m) => assert!(
            m.contains("https://www.example.com/api/1/upload") && m.contains("https://www.example.com/"),
            "{m}"
        ),
        other => panic!("{other:?}"),
    }
    for status in [302, 307, 308] {
        let e = answer(Reply::redirect(status, "/api/1/upload/"), Format::Txt).await;
        assert!(matches!(e, Err(Error::Config(_))), "{status}: {e:?}");
    }
}

#[tokio::test]
async fn answers_that_are_not_the_api() {
    let maint = "<!DOCTYPE html><html><head><title>Maintenance</title></head><body><h1>We are down for maintenance</h1></body></html>";
    let e = answer(Reply::new(200, "text/html", maint), Format::Json).await.expect_err("maintenance");
    assert!(
        matches!(&e, Error::NotJson { status: 200, excerpt } if excerpt.contains("maintenance")),
        "{e:?}"
    );
    assert!(e.is_transient());
    let e = answer(Reply::new(200, "text/html", maint), Format::Txt).await.expect_err("maintenance txt");
    assert!(matches!(&e, Error::NotJson { status: 200, .. }), "{e:?}");
    let php = "<br />\n<b>Fatal error</b>:  Uncaught Exception in /var/www/html/app.php:12";
    let e = answer(Reply::new(500, "text/html", php), Format::Json).await.expect_err("500");
    assert!(
        matches!(&e, Error::NotJson { status: 500, excerpt } if excerpt.starts_with("Fatal error")),
        "{e:?}"
    );
    let nginx = "<html>\r\n<head><title>413 Request Entity Too Large</title></head>\r\n<body>\r\n<center><h1>413 Request Entity Too Large</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";
    let e = answer(Reply::new(413, "text/html", nginx), Format::Json).await.expect_err("413");
    assert!(
        matches!(&e, Error::NotJson { status: 413, excerpt } if excerpt.contains("413 Request Entity Too Large")),
        "{e:?}"
    );
    let e = answer(Reply::json(200, &SUCCESS[..120]), Format::Json).await.expect_err("truncated");
    assert!(matches!(&e, Error::NotJson { status: 200, .. }), "{e:?}");
    let e = answer(Reply::json(200, r#"{"status_code":200,"image":{}}"#), Format::Json)
        .await
        .expect_err("no url");
    assert!(matches!(&e, Error::NotJson { .. }), "{e:?}");
    // A server echoing the key back never gets it into the error.
    let echo = format!("<html><body>Bad key {KEY} given</body></html>");
    let e = answer(Reply::new(500, "text/html", echo), Format::Json).await.expect_err("echo");
    assert!(e.to_string().contains("Bad key [redacted] given"), "{e}");
}

#[tokio::test]
async fn network_failures() {
    let base = capture::refused().await;
    let c = client();
    let e = c
        .upload(
            &server(&base, Some(KEY), KeyMode::Header),
            Source::Base64("iVBORw0KGgo=".into()),
            &UploadOptions::default(),
            None,
        )
        .await
        .expect_err("refused");
    match &e {
        Error::Network { host, reason } => {
            assert_eq!(host, &format!("127.0.0.1:{}", base.port().unwrap_or(0)));
            assert!(!reason.contains("api/1/upload") && !reason.is_empty(), "{reason}");
        }
        other => panic!("{other:?}"),
    }
    assert!(!e.to_string().contains(KEY));

    let (base, _task) = capture::silent().await;
    let quick = Client::with_timeouts(Timeouts {
        base: Duration::from_secs(1),
        idle: Duration::from_secs(1),
        ..Timeouts::default()
    })
    .expect("client");
    let started = std::time::Instant::now();
    let e = quick
        .upload(
            &server(&base, Some(KEY), KeyMode::Header),
            Source::Bytes { data: support::png(4, 4), filename: "a.png".into() },
            &UploadOptions::default(),
            None,
        )
        .await
        .expect_err("timeout");
    assert!(matches!(&e, Error::Timeout { host, secs: 1 } if host.starts_with("127.0.0.1:")), "{e:?}");
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[tokio::test]
async fn delete_answers() {
    let c = client();
    let cap = capture::start(Reply::redirect(301, "/image/pic.AbC1?deleted"), "/").await;
    let link = format!("{}image/AbC1/delete/secret123", cap.base);
    c.delete(&link).await.expect("deleted");
    let r = cap.only();
    assert_eq!((r.method.as_str(), r.path.as_str()), ("GET", "/image/AbC1/delete/secret123"));
    assert!(r.header("x-api-key").is_none());

    let cap = capture::start(Reply::new(404, "text/html", "<h1>Not found</h1>"), "/").await;
    let e = c.delete(&format!("{}image/AbC1/delete/s3cr3tXYZ", cap.base)).await.expect_err("404");
    assert!(
        matches!(&e, Error::Rejected { status: 404, message, .. } if message.contains("already deleted")),
        "{e:?}"
    );
    assert!(!e.to_string().contains("s3cr3tXYZ"), "the delete secret must not be shown: {e}");

    // A canonicalising redirect of the link itself did not delete anything.
    let cap = capture::start(Reply::redirect(301, "https://www.example.com/image/AbC1/delete/s"), "/").await;
    let e = c.delete(&format!("{}image/AbC1/delete/s", cap.base)).await.expect_err("not deleted");
    assert!(
        matches!(&e, Error::Config(m) if m.contains("www.example.com") && !m.contains("/delete/s")),
        "{e:?}"
    );
    assert!(matches!(c.delete("not a link").await, Err(Error::InvalidInput(_))));
}
