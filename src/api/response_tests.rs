//! Unit tests of the answer parser, one per shape in server-behavior.md.

use super::*;
use proptest::prelude::*;

fn base() -> url::Url {
    url::Url::parse("https://img.example.com/sub/").expect("url")
}

fn json(status: u16, body: &str) -> Result<Uploaded> {
    parse_response(
        status,
        None,
        Some("application/json; charset=UTF-8"),
        body.as_bytes(),
        Format::Json,
        &base(),
    )
}

const SUCCESS: &str = r#"{"status_code":200,"success":{"message":"file uploaded","code":200},"image":{
 "name":"a","extension":"png","size":"12345","width":800,"height":"600","md5":"abc",
 "expiration_date_gmt":"2024-10-10 20:28:00","id_encoded":"ZfGd","filename":"a.png","mime":"image\/png",
 "type":"image","original_filename":"orig a.png","url":"https:\/\/img.example.com\/images\/a.png",
 "thumb":{"url":"https:\/\/img.example.com\/images\/a.th.png"},
 "medium":{"filename":null,"url":null},"display_width":"500",
 "url_viewer":"https:\/\/img.example.com\/image\/a.ZfGd","url_short":"https:\/\/img.example.com\/image\/ZfGd",
 "delete_url":"https:\/\/img.example.com\/image\/ZfGd\/delete\/0123"},"status_txt":"OK"}"#;

#[test]
fn chevereto_success_with_escaped_slashes_and_string_numbers() {
    let u = json(200, SUCCESS).expect("success");
    assert_eq!(u.url, "https://img.example.com/images/a.png");
    assert_eq!(u.url_viewer.as_deref(), Some("https://img.example.com/image/a.ZfGd"));
    assert_eq!(u.url_short.as_deref(), Some("https://img.example.com/image/ZfGd"));
    assert_eq!(u.delete_url.as_deref(), Some("https://img.example.com/image/ZfGd/delete/0123"));
    assert_eq!(u.thumb_url.as_deref(), Some("https://img.example.com/images/a.th.png"));
    assert_eq!(u.medium_url, None);
    assert_eq!((u.width, u.height, u.size), (Some(800), Some(600), Some(12345)));
    assert_eq!(u.id.as_deref(), Some("ZfGd"));
    assert_eq!(u.mime.as_deref(), Some("image/png"));
    assert_eq!(u.media_type.as_deref(), Some("image"));
    assert_eq!(u.expiration_date_gmt.as_deref(), Some("2024-10-10 20:28:00"));
    assert_eq!(u.original_filename.as_deref(), Some("orig a.png"));
}

#[test]
fn imgbb_data_shape() {
    let body = r#"{"data":{"id":"2ndCYJK","url_viewer":"https://ibb.co/2ndCYJK","url":"https://i.ibb.co/w04Prt6/c1f64245afb2.gif",
      "width":"1","height":"1","size":"42","delete_url":"https://ibb.co/2ndCYJK/670a7e48ddcb85ac340c717a41047e5c",
      "image":{"filename":"c1f64245afb2.gif","mime":"image/gif"},"thumb":{"url":"https://i.ibb.co/2ndCYJK/c1f64245afb2.gif"}},
      "success":true,"status":200}"#;
    let u = json(200, body).expect("success");
    assert_eq!(u.url, "https://i.ibb.co/w04Prt6/c1f64245afb2.gif");
    assert_eq!(u.id.as_deref(), Some("2ndCYJK"));
    assert_eq!(u.mime.as_deref(), Some("image/gif"));
    assert_eq!(u.filename.as_deref(), Some("c1f64245afb2.gif"));
    assert_eq!(u.size, Some(42));
}

#[test]
fn json_errors_map_to_auth_or_rejected() {
    let e = |m: &str, c: &str| {
        format!(r#"{{"status_code":400,"error":{{"message":"{m}","code":{c}}},"status_txt":"Bad Request"}}"#)
    };
    for (msg, code) in [("No key provided", "100"), ("Invalid API key.", "100"), ("Request denied", "401")] {
        match json(400, &e(msg, code)) {
            Err(Error::Auth { message }) => assert_eq!(message, msg),
            other => panic!("{msg}: {other:?}"),
        }
    }
    match json(400, &e("Duplicated upload", "101")) {
        Err(Error::Rejected { message, code, status }) => {
            assert_eq!((message.as_str(), code.as_str(), status), ("Duplicated upload", "101", 400))
        }
        other => panic!("{other:?}"),
    }
    // "Invalid video file provided" is code 100 too, but it is not about the key.
    assert!(matches!(json(400, &e("Invalid video file provided", "100")), Err(Error::Rejected { .. })));
    let sql = r#"{"status_code":400,"error":{"message":"SQLSTATE[22007]: Invalid datetime format","code":"22007","context":"PDOException"}}"#;
    match json(400, sql) {
        Err(Error::Rejected { code, .. }) => assert_eq!(code, "22007"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn txt_answers() {
    let txt = |status: u16, body: &str| {
        parse_response(status, None, Some("text/html"), body.as_bytes(), Format::Txt, &base())
    };
    assert_eq!(
        txt(200, "https://img.example.com/images/a.png").map(|u| u.url).ok().as_deref(),
        Some("https://img.example.com/images/a.png")
    );
    assert!(matches!(txt(200, "No key provided"), Err(Error::Auth { .. })));
    match txt(200, "Duplicated upload") {
        Err(Error::Rejected { code, status, .. }) => assert_eq!((code.as_str(), status), ("101", 200)),
        other => panic!("{other:?}"),
    }
    match txt(200, "<!DOCTYPE html><html><head><title>Maintenance</title></head><body><h1>Down for maintenance</h1></body></html>") {
        Err(Error::NotJson { status: 200, excerpt }) => assert!(excerpt.contains("Maintenance"), "{excerpt}"),
        other => panic!("{other:?}"),
    }
    assert!(matches!(txt(200, ""), Err(Error::NotJson { .. })));
    assert!(matches!(txt(500, "Fatal error"), Err(Error::NotJson { status: 500, .. })));
    // A JSON error in txt mode (an old server) still maps by content.
    assert!(matches!(
        txt(400, r#"{"error":{"message":"Invalid API key","code":100}}"#),
        Err(Error::Auth { .. })
    ));
}

#[test]
fn redirect_answers() {
    let r = |status: u16, loc: Option<&str>, f: Format| parse_response(status, loc, None, b"", f, &base());
    let u = r(302, Some("/image/a.ZfGd"), Format::Redirect).expect("success");
    assert_eq!(u.url, "https://img.example.com/image/a.ZfGd");
    assert_eq!(u.url_viewer.as_deref(), Some(u.url.as_str()));
    assert_eq!(u.url_short.as_deref(), Some(u.url.as_str()));
    // Absolute (older servers) too.
    assert_eq!(
        r(302, Some("https://img.example.com/image/x"), Format::Redirect).map(|u| u.url).ok().as_deref(),
        Some("https://img.example.com/image/x")
    );
    // A redirect of a json upload is a configuration error naming the target and the fix.
    match r(301, Some("https://www.example.com/sub/api/1/upload"), Format::Json) {
        Err(Error::Config(m)) => {
            assert!(m.contains("https://www.example.com/sub/api/1/upload"), "{m}");
            assert!(m.contains("set the profile's base URL to https://www.example.com/sub/"), "{m}");
        }
        other => panic!("{other:?}"),
    }
    // A 302 back to the API (http -> https) in redirect mode is not a success either.
    assert!(matches!(
        r(302, Some("https://x.example/api/1/upload"), Format::Redirect),
        Err(Error::Config(_))
    ));
    assert!(matches!(r(301, Some("/image/a"), Format::Redirect), Err(Error::Config(_))));
    assert!(matches!(r(302, None, Format::Redirect), Err(Error::NotJson { .. })));
    // Redirect-mode errors are 200 with the bare message.
    assert!(matches!(
        parse_response(200, None, None, b"No key provided", Format::Redirect, &base()),
        Err(Error::Auth { .. })
    ));
}

#[test]
fn not_the_api() {
    let e413 = b"<html>\r\n<head><title>413 Request Entity Too Large</title></head>\r\n<body>\r\n<center><h1>413 Request Entity Too Large</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";
    match parse_response(413, None, Some("text/html"), e413, Format::Json, &base()) {
        Err(Error::NotJson { status: 413, excerpt }) => {
            assert!(excerpt.starts_with("413 Request Entity Too Large"), "{excerpt}")
        }
        other => panic!("{other:?}"),
    }
    let maint = "<html><head><title>Maintenance</title><style>body{color:red}</style></head><body><script>var x=1;</script><p>We are   doing\nmaintenance &amp; will be back.</p></body></html>";
    match json(200, maint) {
        Err(Error::NotJson { status: 200, excerpt }) => {
            assert_eq!(excerpt, "Maintenance — We are doing maintenance & will be back.")
        }
        other => panic!("{other:?}"),
    }
    match json(200, r#"{"status_code":200,"image":{"url_viewer":"x"#) {
        Err(Error::NotJson { excerpt, .. }) => assert!(excerpt.contains("truncated"), "{excerpt}"),
        other => panic!("{other:?}"),
    }
    assert!(matches!(json(200, r#"{"status_code":200,"image":{"url":null}}"#), Err(Error::NotJson { .. })));
    assert!(matches!(json(200, r#"{"image":[]}"#), Err(Error::NotJson { .. })));
    let long = format!("<p>{}</p>", "word ".repeat(100));
    match json(500, &long) {
        Err(Error::NotJson { excerpt, .. }) => assert!(excerpt.chars().count() <= 121, "{excerpt}"),
        other => panic!("{other:?}"),
    }
}

proptest! {
    #[test]
    fn parse_response_never_panics(
        status in 0u16..1000,
        loc in proptest::option::of("\\PC{0,40}"),
        ct in proptest::option::of("\\PC{0,20}"),
        body in proptest::collection::vec(any::<u8>(), 0..400),
        f in 0u8..3,
    ) {
        let format = [Format::Json, Format::Txt, Format::Redirect][usize::from(f)];
        let _ = parse_response(status, loc.as_deref(), ct.as_deref(), &body, format, &base());
    }

    #[test]
    fn json_shaped_input_never_panics(s in "\\{\"(image|data|error)\":\\{\"(url|code|message|width)\":[\\PC]{0,20}\\}\\}") {
        let _ = json(200, &s);
        let _ = json(400, &s);
    }

    #[test]
    fn excerpts_are_short(body in "\\PC{0,600}") {
        prop_assert!(excerpt(body.as_bytes()).chars().count() <= 121);
    }
}
