//! Stored files: delete URLs, traversal and name sanitising, persistence across a restart,
//! sink mode.

use super::{answer, get_bytes, http, part, png_form, post, raw_get};
use crate::support::{png, start_host, start_host_with, walk, KEY};
use reqwest::multipart::Form;
use slingshot::host::{Host, HostConfig};

#[tokio::test]
async fn delete_url_deletes_on_get() {
    let h = start_host().await;
    let v = post(&h, png_form(600, 10)).await.json();
    let img = &v["image"];
    let url = img["url"].as_str().expect("url");
    let del = img["delete_url"].as_str().expect("delete url");
    let secret = del.rsplit('/').next().expect("secret");
    assert_eq!(secret.len(), 48);
    assert!(del.starts_with(&format!("{}/delete/", img["url_short"].as_str().expect("short"))));
    // A wrong secret: 404, nothing deleted.
    let wrong = format!("{}{}", &del[..del.len() - 48], "a".repeat(48));
    assert_eq!(get_bytes(&wrong).await.0, 404);
    assert_eq!(get_bytes(url).await.0, 200);
    let a = answer(http().get(del)).await;
    assert_eq!(a.status, 301);
    let loc = a.header("location").expect("location");
    assert!(loc.ends_with("?deleted"), "{loc}");
    assert_eq!(get_bytes(&loc).await.0, 404);
    for u in [url, img["thumb"]["url"].as_str().expect("t"), img["medium"]["url"].as_str().expect("m")] {
        assert_eq!(get_bytes(u).await.0, 404, "{u}");
    }
    assert_eq!(get_bytes(img["url_viewer"].as_str().expect("viewer")).await.0, 404);
    assert_eq!(get_bytes(del).await.0, 404);
    // The files are gone from disk too.
    let left: Vec<_> = walk(&h.dir.path().join("host").join("images"));
    assert!(left.is_empty(), "{left:?}");
}

#[tokio::test]
async fn traversal_and_odd_paths_are_404_and_names_are_sanitised() {
    let h = start_host().await;
    let form = Form::new().part("source", part(png(8, 8), "../../evil name?.png", "image/png"));
    let v = post(&h, form).await.json();
    assert_eq!(v["image"]["filename"], "evil-name.png");
    let url = v["image"]["url"].as_str().expect("url");
    let rel = url.strip_prefix(h.base().as_str()).expect("under base");
    assert_eq!(raw_get(&h, &format!("/{rel}")).await, 200);
    let dir = rel.rsplit_once('/').map(|(d, _)| d).expect("dir");
    for path in [
        "/images/../host.db".to_string(),
        "/images/%2e%2e/host.db".to_string(),
        "/images/..%2fhost.db".to_string(),
        format!("/{dir}%2Fevil-name.png"),
        format!("/{}", rel.replace('/', "%2F")),
        "/images//etc/passwd".to_string(),
        "/images/C:/Windows/win.ini".to_string(),
        "/host.db".to_string(),
        "/tmp/".to_string(),
        format!("/{dir}/./evil-name.png"),
        "/image/../images".to_string(),
    ] {
        assert_eq!(raw_get(&h, &path).await, 404, "{path}");
    }
    // A stored file replaced by a symlink is not followed.
    #[cfg(unix)]
    {
        let on_disk = h.dir.path().join("host").join(rel);
        std::fs::remove_file(&on_disk).expect("remove");
        std::os::unix::fs::symlink(h.dir.path().join("host").join("host.db"), &on_disk).expect("symlink");
        assert_eq!(raw_get(&h, &format!("/{rel}")).await, 404);
    }
}

#[tokio::test]
async fn uploads_survive_a_restart() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut cfg = HostConfig::new(dir.path().join("data"));
    cfg.keys = vec![KEY.to_string()];
    let host = Host::start(cfg.clone()).await.expect("start");
    let api = format!("{}api/1/upload", host.base_url());
    let v = answer(http().post(&api).header("X-API-Key", KEY).multipart(png_form(50, 40))).await.json();
    let path = v["image"]["url"]
        .as_str()
        .expect("url")
        .strip_prefix(host.base_url().as_str())
        .expect("rel")
        .to_string();
    let viewer = v["image"]["path_viewer"].as_str().expect("viewer").to_string();
    host.shutdown().await;

    let host = Host::start(cfg).await.expect("restart");
    let (status, _, bytes) = get_bytes(&format!("{}{path}", host.base_url())).await;
    assert_eq!((status, bytes), (200, png(50, 40)));
    let viewer = host.base_url().join(&viewer).expect("viewer url");
    assert_eq!(get_bytes(viewer.as_str()).await.0, 200);
}

#[tokio::test]
async fn sink_mode_discards_and_answers_success() {
    let h = start_host_with(|c| {
        c.sink = true;
        c.max_body_bytes = 1024;
    })
    .await;
    let body = vec![7u8; 5 * 1024 * 1024];
    let a = post(&h, Form::new().part("source", part(body, "big.bin", "image/png"))).await;
    assert_eq!(a.status, 200, "{}", a.text);
    let v = a.json();
    assert_eq!(v["status_code"], 200);
    assert!(v["image"]["url"].as_str().is_some_and(|u| u.starts_with(h.base().as_str())));
    assert!(walk(&h.dir.path().join("host").join("images")).is_empty());
}
