//! The history database: state transitions, listing and search, URL lookup, export, change
//! notification across connections, and two writers on one file at once.

use slingshot::api::Uploaded;
use slingshot::history::{History, NewEntry, Query, Status};
use std::path::{Path, PathBuf};
use std::sync::Arc;

fn open(dir: &Path) -> History {
    History::open(&dir.join("nested").join("history.db")).expect("open")
}

fn new_entry(source: &str) -> NewEntry {
    NewEntry {
        source: source.into(),
        local_path: Some(PathBuf::from(format!("/pics/{source}"))),
        profile: "home".into(),
        server: "https://img.example.com".into(),
        size: Some(12_345),
        width: Some(640),
        height: Some(480),
        mime: Some("image/png".into()),
        options_json: Some(r#"{"title":"Holiday sunset","tags":["x"]}"#.into()),
        prepare_json: None,
        owner: None,
    }
}

fn uploaded(tag: &str) -> Uploaded {
    Uploaded {
        url: format!("https://img.example.com/images/{tag}.png"),
        url_viewer: Some(format!("https://img.example.com/image/{tag}.V1")),
        url_short: Some(format!("https://img.example.com/s/{tag}")),
        delete_url: Some(format!("https://img.example.com/image/{tag}/delete/SECRETDEL{tag}")),
        thumb_url: Some(format!("https://img.example.com/images/{tag}.th.png")),
        medium_url: Some(format!("https://img.example.com/images/{tag}.md.png")),
        id: Some(format!("{tag}V1")),
        width: Some(640),
        height: Some(480),
        size: Some(9_999),
        mime: Some("image/png".into()),
        media_type: Some("image".into()),
        expiration_date_gmt: None,
        filename: Some(format!("{tag}.png")),
        original_filename: Some(format!("original-{tag}.png")),
    }
}

#[test]
fn transitions_and_attempts() {
    let dir = tempfile::tempdir().expect("tempdir");
    let h = open(dir.path());
    let id = h.add(&new_entry("a.png")).expect("add");
    let e = h.get(id).expect("get").expect("exists");
    assert_eq!((e.status, e.attempts), (Status::Pending, 0));
    assert_eq!(e.size, Some(12_345));
    assert_eq!(e.local_path, Some(PathBuf::from("/pics/a.png")));
    assert!(e.uploaded.is_none());
    time::OffsetDateTime::parse(&e.created_at, &time::format_description::well_known::Rfc3339)
        .expect("created_at is RFC 3339");
    assert!(e.created_at.ends_with('Z'), "UTC expected: {}", e.created_at);

    h.set_uploading(id).expect("uploading");
    assert_eq!(h.get(id).expect("get").expect("exists").status, Status::Uploading);
    h.set_failed(id, "network", "Could not reach img.example.com").expect("failed");
    let e = h.get(id).expect("get").expect("exists");
    assert_eq!(e.status, Status::Failed);
    assert_eq!(e.error_kind.as_deref(), Some("network"));
    assert_eq!(e.error.as_deref(), Some("Could not reach img.example.com"));
    assert_eq!(e.attempts, 1);

    h.set_uploading(id).expect("retry");
    let e = h.get(id).expect("get").expect("exists");
    assert_eq!((e.status, e.attempts, e.error.as_deref()), (Status::Uploading, 2, None));
    h.set_uploaded(id, &uploaded("abc")).expect("uploaded");
    let e = h.get(id).expect("get").expect("exists");
    assert_eq!(e.status, Status::Uploaded);
    assert_eq!(e.uploaded, Some(uploaded("abc")), "every answer field is kept");
    assert_eq!(e.error_kind, None);

    h.set_deleted(id).expect("deleted");
    let e = h.get(id).expect("get").expect("exists");
    assert_eq!(e.status, Status::Deleted);
    assert_eq!(e.uploaded.map(|u| u.url), Some(uploaded("abc").url));

    assert!(h.set_uploading(9_999).is_err(), "unknown id must be an error");
    assert!(h.get(9_999).expect("get").is_none());
}

#[test]
fn list_is_newest_first_with_limit_status_and_search() {
    let dir = tempfile::tempdir().expect("tempdir");
    let h = open(dir.path());
    let a = h.add(&new_entry("first.png")).expect("add");
    let b =
        h.add(&NewEntry { options_json: Some("not json".into()), ..new_entry("second.jpg") }).expect("add");
    let c = h.add(&NewEntry { options_json: None, ..new_entry("clipboard") }).expect("add");
    h.set_uploaded(b, &uploaded("bbb")).expect("uploaded");
    h.set_failed(c, "timeout", "slow").expect("failed");

    let ids = |q: Query| h.list(&q).expect("list").iter().map(|e| e.id).collect::<Vec<_>>();
    assert_eq!(ids(Query::default()), vec![c, b, a]);
    assert_eq!(ids(Query { limit: Some(2), ..Default::default() }), vec![c, b]);
    assert_eq!(ids(Query { status: Some(Status::Failed), ..Default::default() }), vec![c]);
    let search = |s: &str| ids(Query { search: Some(s.into()), ..Default::default() });
    assert_eq!(search("FIRST"), vec![a], "source, case-insensitive");
    assert_eq!(search("holiday"), vec![a], "title from the options (b's options are not JSON)");
    assert_eq!(search("original-bbb"), vec![b], "original file name");
    assert_eq!(search("/s/bbb"), vec![b], "short URL");
    assert_eq!(search("SECRETDEL"), Vec::<i64>::new(), "delete URLs are not searched");
    assert_eq!(search("%"), Vec::<i64>::new(), "wildcards are literal");
    assert_eq!(search("  "), vec![c, b, a], "blank search matches all");
}

#[test]
fn find_by_each_url_and_forget() {
    let dir = tempfile::tempdir().expect("tempdir");
    let h = open(dir.path());
    let _other = h.add(&new_entry("other.png")).expect("add");
    let id = h.add(&new_entry("x.png")).expect("add");
    let up = uploaded("xyz");
    h.set_uploaded(id, &up).expect("uploaded");
    let urls = [
        Some(up.url.clone()),
        up.url_viewer.clone(),
        up.url_short.clone(),
        up.delete_url.clone(),
        up.thumb_url.clone(),
    ];
    for u in urls.into_iter().flatten() {
        let found = h.find_by_url(&u).expect("find").unwrap_or_else(|| panic!("not found by {u}"));
        assert_eq!(found.id, id);
    }
    assert!(h.find_by_url("https://img.example.com/nothing").expect("find").is_none());
    assert!(h.forget(id).expect("forget"));
    assert!(!h.forget(id).expect("forget again"));
    assert!(h.get(id).expect("get").is_none());
    assert!(h.find_by_url(&up.url).expect("find").is_none());
}

#[test]
fn export_is_valid_json_with_every_entry() {
    let dir = tempfile::tempdir().expect("tempdir");
    let h = open(dir.path());
    let a = h.add(&new_entry("a.png")).expect("add");
    h.add(&new_entry("b.png")).expect("add");
    h.set_uploaded(a, &uploaded("aaa")).expect("uploaded");
    let v: serde_json::Value = serde_json::from_str(&h.export_json().expect("export")).expect("valid JSON");
    let arr = v.as_array().expect("array");
    assert_eq!(arr.len(), 2);
    assert_eq!(arr[1]["status"], "uploaded");
    assert_eq!(arr[1]["uploaded"]["url_short"], "https://img.example.com/s/aaa");
    assert_eq!(arr[0]["status"], "pending");
}

#[test]
fn debug_never_shows_the_delete_url() {
    let dir = tempfile::tempdir().expect("tempdir");
    let h = open(dir.path());
    let id = h.add(&new_entry("a.png")).expect("add");
    h.set_uploaded(id, &uploaded("ddd")).expect("uploaded");
    let e = h.get(id).expect("get").expect("exists");
    let dbg = format!("{e:?} {h:?}");
    assert!(!dbg.contains("SECRETDEL"), "{dbg}");
    assert!(dbg.contains("https://img.example.com/s/ddd"), "{dbg}");
}

#[test]
fn change_counter_follows_other_connections() {
    let dir = tempfile::tempdir().expect("tempdir");
    let tray = open(dir.path());
    let cli = open(dir.path());
    let before = tray.change_counter().expect("counter");
    assert_eq!(tray.change_counter().expect("counter"), before, "stable without writes");
    let id = cli.add(&new_entry("from-cli.png")).expect("add");
    let after = tray.change_counter().expect("counter");
    assert_ne!(after, before, "another connection's insert must show");
    cli.set_uploading(id).expect("update");
    assert_ne!(tray.change_counter().expect("counter"), after, "another connection's update must show");
    assert_eq!(tray.list(&Query::default()).expect("list").len(), 1);
}

#[test]
fn two_writers_at_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = Arc::new(dir.path().join("history.db"));
    let workers: Vec<_> = (0..2)
        .map(|w| {
            let path = Arc::clone(&path);
            std::thread::spawn(move || {
                let h = History::open(&path).expect("open in thread");
                for i in 0..200 {
                    let id = h.add(&new_entry(&format!("w{w}-{i}.png"))).expect("insert");
                    if i % 10 == 0 {
                        h.set_uploading(id).expect("update");
                    }
                }
            })
        })
        .collect();
    for w in workers {
        w.join().expect("writer thread");
    }
    let h = History::open(&path).expect("reopen");
    let all = h.list(&Query::default()).expect("list");
    assert_eq!(all.len(), 400);
    let uploading = h.list(&Query { status: Some(Status::Uploading), ..Default::default() }).expect("list");
    assert_eq!(uploading.len(), 40);
}

#[test]
fn reopen_keeps_data_and_newer_schema_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("h.db");
    let id = History::open(&path).expect("open").add(&new_entry("kept.png")).expect("add");
    let h = History::open(&path).expect("reopen");
    assert_eq!(h.get(id).expect("get").expect("kept").source, "kept.png");
    drop(h);
    let conn = rusqlite::Connection::open(&path).expect("raw open");
    conn.execute_batch("PRAGMA user_version = 99").expect("bump");
    drop(conn);
    let err = History::open(&path).expect_err("newer schema");
    assert!(err.to_string().contains("newer"), "{err}");
}

#[cfg(unix)]
#[test]
fn file_is_private_and_odd_paths_round_trip() {
    use std::os::unix::ffi::OsStrExt;
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let h = open(dir.path());
    let db = dir.path().join("nested").join("history.db");
    assert_eq!(std::fs::metadata(&db).expect("meta").permissions().mode() & 0o777, 0o600);
    let odd = PathBuf::from(std::ffi::OsStr::from_bytes(b"/pics/caf\xe9.png"));
    let id = h.add(&NewEntry { local_path: Some(odd.clone()), ..new_entry("odd") }).expect("add");
    assert_eq!(h.get(id).expect("get").expect("exists").local_path, Some(odd));
}
