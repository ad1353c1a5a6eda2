//! Unit tests of the parameter validation (pure functions).

use super::*;
use proptest::prelude::*;

fn opts() -> UploadOptions {
    UploadOptions::default()
}

#[test]
fn every_server_expiration_parses() {
    for e in SERVER_EXPIRATIONS {
        assert!(parse_expiration(e).is_ok(), "{e}");
    }
    assert_eq!(parse_expiration("PT5M").ok(), Some(Duration::from_secs(300)));
    assert_eq!(parse_expiration("P1D").ok(), Some(Duration::from_secs(86_400)));
    assert_eq!(parse_expiration("P1Y").ok(), Some(Duration::from_secs(365 * 86_400)));
}

#[test]
fn seconds_and_iso_durations_parse() {
    assert_eq!(parse_expiration("300").ok(), Some(Duration::from_secs(300)));
    assert_eq!(parse_expiration("P10D").ok(), Some(Duration::from_secs(10 * 86_400)));
    assert_eq!(parse_expiration("P1DT12H").ok(), Some(Duration::from_secs(36 * 3600)));
    assert_eq!(parse_expiration("PT90M").ok(), Some(Duration::from_secs(90 * 60)));
    assert_eq!(parse_expiration("P1W2D").ok(), Some(Duration::from_secs(9 * 86_400)));
    assert_eq!(parse_expiration("PT1H30M15S").ok(), Some(Duration::from_secs(5415)));
}

#[test]
fn invalid_or_out_of_range_expirations_are_refused() {
    for bad in [
        "",
        "garbage",
        "pt15m",
        "PT1M",
        "299",
        "0",
        "P",
        "PT",
        "P1DT",
        "1D",
        "P1.5D",
        "PT1H1D",
        "P1D1D",
        "P2Y",
        "P1Y1D",
        "P13M",
        "PT-5M",
        " PT5M",
        "99999999999999999999999",
        "P99999999999999999999D",
    ] {
        match parse_expiration(bad) {
            Err(Error::InvalidInput(m)) => assert!(m.contains("expiration"), "{bad}: {m}"),
            other => panic!("{bad} gave {other:?}"),
        }
    }
    // The message lists the valid forms.
    let m = parse_expiration("garbage").err().map(|e| e.to_string()).unwrap_or_default();
    assert!(m.contains("PT15M") && m.contains("seconds") && m.contains("ISO 8601"), "{m}");
}

#[test]
fn lower_case_expiration_is_upper_cased_with_a_warning() {
    let v = validate(&UploadOptions { expiration: Some("pt15m".into()), ..opts() }).expect("valid");
    assert_eq!(v.options.expiration.as_deref(), Some("PT15M"));
    assert_eq!(v.warnings.len(), 1);
    assert!(v.warnings[0].contains("PT15M"));
    let v = validate(&UploadOptions { expiration: Some(" P1D ".into()), ..opts() }).expect("valid");
    assert_eq!(v.options.expiration.as_deref(), Some("P1D"));
    assert!(v.warnings.is_empty());
    assert!(validate(&UploadOptions { expiration: Some("pt1m".into()), ..opts() }).is_err());
    let v = validate(&UploadOptions { expiration: Some("  ".into()), ..opts() }).expect("valid");
    assert_eq!(v.options.expiration, None);
}

#[test]
fn tags_are_checked_and_empty_ones_dropped() {
    let v =
        validate(&UploadOptions { tags: vec!["a".into(), " ".into(), " b ".into(), "a".into()], ..opts() })
            .expect("valid");
    assert_eq!(v.options.tags, vec!["a".to_string(), "b".to_string()]);
    for bad in ["x,y", "a/b", "#tag", &"t".repeat(33)] {
        let e = validate(&UploadOptions { tags: vec!["ok".into(), bad.to_string()], ..opts() }).err();
        match e {
            Some(Error::InvalidInput(m)) => assert!(m.contains(bad), "{m}"),
            other => panic!("{bad}: {other:?}"),
        }
    }
    // 32 characters (multi-byte) are fine.
    assert!(validate(&UploadOptions { tags: vec!["é".repeat(32)], ..opts() }).is_ok());
}

#[test]
fn long_title_is_cut_on_a_char_boundary() {
    let title = "é".repeat(150);
    let v = validate(&UploadOptions { title: Some(title), ..opts() }).expect("valid");
    assert_eq!(v.options.title.as_deref().map(|t| t.chars().count()), Some(100));
    assert_eq!(v.warnings.len(), 1);
    let v = validate(&UploadOptions { title: Some("x".repeat(100)), ..opts() }).expect("valid");
    assert!(v.warnings.is_empty());
}

#[test]
fn category_album_width_and_description() {
    let ok = UploadOptions {
        category_id: Some(" 12 ".into()),
        album_id: Some("https://h/album/holidays.AbC1".into()),
        description: Some("  raw <b>text</b>  ".into()),
        ..opts()
    };
    let v = validate(&ok).expect("valid");
    assert_eq!(v.options.category_id.as_deref(), Some("12"));
    assert_eq!(v.options.album_id.as_deref(), Some("AbC1"));
    assert_eq!(v.options.description.as_deref(), Some("  raw <b>text</b>  "));
    assert!(validate(&UploadOptions { category_id: Some("1; drop".into()), ..opts() }).is_err());
    assert!(validate(&UploadOptions { album_id: Some("123".into()), ..opts() }).is_err());
    assert!(validate(&UploadOptions { width: Some(0), ..opts() }).is_err());
}

#[test]
fn album_ids_from_urls_and_ids() {
    let ok = [
        ("AbC1", "AbC1"),
        ("holidays.AbC1", "AbC1"),
        ("https://img.example.com/album/holidays-2024.AbC1", "AbC1"),
        ("https://img.example.com/album/AbC1", "AbC1"),
        ("https://img.example.com/sub/album/my.trip.Zz9/?sort=date_desc#x", "Zz9"),
        ("/album/x.Qw2", "Qw2"),
    ];
    for (input, want) in ok {
        assert_eq!(parse_album_id(input).ok().as_deref(), Some(want), "{input}");
    }
    let numeric = parse_album_id("42").err().map(|e| e.to_string()).unwrap_or_default();
    assert!(numeric.contains("encoded id"), "{numeric}");
    assert!(parse_album_id("https://h/album/holidays.42").is_err());
    for bad in ["", "https://h/image/abc", "https://h/album/", "a b", "not an id!"] {
        assert!(parse_album_id(bad).is_err(), "{bad}");
    }
}

#[test]
fn width_check() {
    assert!(check_width(500, 1000).is_ok());
    assert!(check_width(1000, 1000).is_ok());
    let m = check_width(1200, 1000).err().map(|e| e.to_string()).unwrap_or_default();
    assert!(m.contains("1200") && m.contains("1000"), "{m}");
    assert!(check_width(0, 10).is_err());
}

proptest! {
    #[test]
    fn parse_expiration_never_panics(s in "\\PC*") {
        let _ = parse_expiration(&s);
    }

    #[test]
    fn parse_expiration_iso_shaped_never_panics(s in "P[0-9YMWDTHS]{0,12}") {
        if let Ok(d) = parse_expiration(&s) {
            prop_assert!(d >= MIN_EXPIRATION && d <= MAX_EXPIRATION);
        }
    }

    #[test]
    fn album_id_never_panics(s in "\\PC*") {
        let _ = parse_album_id(&s);
    }
}
