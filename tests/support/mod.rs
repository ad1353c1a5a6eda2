//! Test support: the project's local host on 127.0.0.1 port 0 in a temp dir, sample images made
//! in memory, and small file helpers. Shared by every integration test module.

#![allow(dead_code)]

// A scriptable fault-injecting server (faults, security and queue tests).
pub mod faults;

use slingshot::host::{Host, HostConfig};
use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, OnceLock};

/// A key the test host accepts (shaped like a real one).
pub const KEY: &str = "chv_T3st_0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
/// An admin key (URL uploads, use_file_date).
pub const ADMIN_KEY: &str = "chv_Adm1n_fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210";

/// A running local host with its data dir.
pub struct TestHost {
    /// The host; dropped with the struct.
    pub host: Host,
    /// Its data dir.
    pub dir: tempfile::TempDir,
}

impl TestHost {
    /// `http://127.0.0.1:PORT/` of the host.
    pub fn base(&self) -> url::Url {
        self.host.base_url()
    }
    /// `<base>/api/1/upload`.
    pub fn api(&self) -> String {
        format!("{}api/1/upload", self.base())
    }
}

/// Starts a host with [`KEY`] and [`ADMIN_KEY`] and the defaults.
pub async fn start_host() -> TestHost {
    start_host_with(|_| {}).await
}

/// Starts a host after letting the test adjust its config.
pub async fn start_host_with(adjust: impl FnOnce(&mut HostConfig)) -> TestHost {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut cfg = HostConfig::new(dir.path().join("host"));
    cfg.keys = vec![KEY.to_string()];
    cfg.admin_keys = vec![ADMIN_KEY.to_string()];
    adjust(&mut cfg);
    let host = Host::start(cfg).await.expect("host starts");
    TestHost { host, dir }
}

/// A `w`×`h` PNG with a gradient (so resizes and crops are checkable).
pub fn png(w: u32, h: u32) -> Vec<u8> {
    encode(gradient(w, h), image::ImageFormat::Png)
}

/// A `w`×`h` JPEG with a gradient.
pub fn jpeg(w: u32, h: u32) -> Vec<u8> {
    encode(gradient(w, h), image::ImageFormat::Jpeg)
}

/// A gradient image.
pub fn gradient(w: u32, h: u32) -> image::DynamicImage {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([(x * 255 / w.max(1)) as u8, (y * 255 / h.max(1)) as u8, ((x + y) % 256) as u8])
    });
    image::DynamicImage::ImageRgb8(img)
}

/// Encodes an image in memory.
pub fn encode(img: image::DynamicImage, fmt: image::ImageFormat) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, fmt).expect("encode");
    out.into_inner()
}

/// Writes `bytes` to `dir/name` and returns the path.
pub fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).expect("write test file");
    p
}

/// Every file under `dir`, recursively (empty when `dir` is missing).
pub fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// Whether the non-empty `needle` occurs anywhere in `hay`.
pub fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// A tiny but valid MP4 header (ftyp box) followed by filler: enough for sniffing as video/mp4.
pub fn mp4_stub() -> Vec<u8> {
    let mut v = vec![0, 0, 0, 0x18];
    v.extend_from_slice(b"ftypmp42");
    v.extend_from_slice(&[0, 0, 0, 0]);
    v.extend_from_slice(b"mp42isom");
    v.extend_from_slice(&[0u8; 64]);
    v
}

/// One test at a time talks to the X server: the root window's pixels and the clipboard are
/// display-wide.
static X_SERVER: Mutex<()> = Mutex::new(());

/// An X connection held for the whole test run. Xvfb resets (root window back to black, every
/// client's resources gone) whenever its last client disconnects, which a real session, with its
/// window manager, never does. Being `static` also checks that the owner is `Send + Sync`.
static KEEP_SERVER: OnceLock<Option<slingshot::clipboard::ClipboardOwner>> = OnceLock::new();

/// The X server to test against (held until the guard drops), or `None` without an X11 display.
pub fn x11() -> Option<MutexGuard<'static, ()>> {
    use slingshot::capture::{session_kind, SessionKind};
    if session_kind() != SessionKind::X11 {
        eprintln!("skipped: no X11 display (run under xvfb-run)");
        return None;
    }
    KEEP_SERVER.get_or_init(|| slingshot::clipboard::ClipboardOwner::new().ok());
    Some(X_SERVER.lock().unwrap_or_else(|p| p.into_inner()))
}

/// An upload destination named `profile` at `base` with `key` (header mode, no plain-http waiver).
pub fn target(profile: &str, base: &url::Url, key: &str) -> slingshot::pipeline::Target {
    slingshot::pipeline::Target {
        profile_name: profile.into(),
        server: slingshot::api::ServerConfig {
            base_url: base.clone(),
            key: slingshot::secret::ApiKey::new(key),
            key_mode: slingshot::api::KeyMode::Header,
            allow_insecure_http: false,
        },
        defaults: slingshot::config::ProfileDefaults::default(),
    }
}
