//! The local Chevereto-compatible host (`slingshot-cli serve`): a real HTTP server that answers
//! `/api/1/upload` the way a Chevereto V4 server does (see `server-behavior.md`), stores uploads
//! in a data dir with a SQLite index, serves them, their viewer pages and delete links, and expires
//! them. It is the desktop app's "local sandbox" profile, the test suite's target, and, in sink
//! mode, the benchmark's receiver. It binds 127.0.0.1 by default and never logs keys.

mod api;
mod derive;
mod expiration;
mod ingest;
mod names;
mod pages;
mod respond;
mod save;
mod source;
mod store;
mod thumbs;

use crate::error::{Error, Result};
use axum::extract::{ConnectInfo, DefaultBodyLimit, Request, State};
use axum::response::Response;
use axum::Router;
use std::collections::HashSet;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use store::{Kind, Store};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use url::Url;

/// How often expired uploads are swept.
const SWEEP_EVERY: Duration = Duration::from_secs(30);

/// Settings of a local host. `Debug` shows how many keys there are, never the keys.
#[derive(Clone)]
pub struct HostConfig {
    /// Address to bind; default `127.0.0.1:0` (a free port on loopback).
    pub addr: SocketAddr,
    /// Where uploads and the index (`host.db`) live; created if missing.
    pub data_dir: PathBuf,
    /// Accepted API keys.
    pub keys: Vec<String>,
    /// Also accepted; these may use URL sources and `use_file_date`.
    pub admin_keys: Vec<String>,
    /// Base of the URLs in answers; default `http://<bound addr>/`.
    pub public_url: Option<Url>,
    /// The web server's body limit: above it the answer is 413 with an HTML page (256 MiB).
    pub max_body_bytes: u64,
    /// The site's file size limit: `File too big - max N MB` (400). `None`: no site limit.
    pub max_file_bytes: Option<u64>,
    /// URL sources; off answers `URL uploading is disabled` (403). On, only admin keys may use
    /// them, and only http(s) URLs on a loopback address are fetched.
    pub allow_url_uploads: bool,
    /// Refuse the same file from the same IP within 24 h (`Duplicated upload`, 101).
    pub reject_duplicates: bool,
    /// `Some(n)`: the (n+1)-th upload from one IP within an hour is refused (130).
    pub flood_limit_per_hour: Option<u32>,
    /// Benchmark mode: read and discard every upload body and answer a fixed success; store
    /// nothing. `max_body_bytes` does not apply.
    pub sink: bool,
}

impl HostConfig {
    /// Defaults: 127.0.0.1 on a free port, no keys, 256 MiB body limit, no site limit, no URL
    /// uploads, duplicates allowed, no flood limit, not a sink.
    pub fn new(data_dir: PathBuf) -> Self {
        HostConfig {
            addr: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            data_dir,
            keys: Vec::new(),
            admin_keys: Vec::new(),
            public_url: None,
            max_body_bytes: 256 * 1024 * 1024,
            max_file_bytes: None,
            allow_url_uploads: false,
            reject_duplicates: false,
            flood_limit_per_hour: None,
            sink: false,
        }
    }
}

impl std::fmt::Debug for HostConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HostConfig")
            .field("addr", &self.addr)
            .field("data_dir", &self.data_dir)
            .field("keys", &format_args!("<{} redacted>", self.keys.len()))
            .field("admin_keys", &format_args!("<{} redacted>", self.admin_keys.len()))
            .field("public_url", &self.public_url.as_ref().map(Url::as_str))
            .field("max_body_bytes", &self.max_body_bytes)
            .field("max_file_bytes", &self.max_file_bytes)
            .field("allow_url_uploads", &self.allow_url_uploads)
            .field("reject_duplicates", &self.reject_duplicates)
            .field("flood_limit_per_hour", &self.flood_limit_per_hour)
            .field("sink", &self.sink)
            .finish()
    }
}

/// State shared by every request.
pub(crate) struct Shared {
    cfg: HostConfig,
    /// Base URL of answers, with a trailing slash.
    base: Url,
    store: Store,
    images_dir: PathBuf,
    tmp_dir: PathBuf,
    /// `dir/stem` names held by uploads being written.
    reserved: Mutex<HashSet<String>>,
    /// Sink mode's fixed answer.
    sink_body: String,
}

impl Shared {
    /// `Some(is_admin)` for an accepted key.
    fn key_role(&self, key: &str) -> Option<bool> {
        if self.cfg.admin_keys.iter().any(|k| k == key) {
            Some(true)
        } else if self.cfg.keys.iter().any(|k| k == key) {
            Some(false)
        } else {
            None
        }
    }

    /// Deletes an upload: its files, then its record.
    fn delete_upload(&self, id: &str) -> Result<()> {
        for rel in self.store.remove(id)? {
            let path = self.images_dir.join(&rel);
            if let Err(e) = std::fs::remove_file(&path) {
                if e.kind() != std::io::ErrorKind::NotFound {
                    tracing::warn!(error = %e, file = %rel, "could not remove a deleted upload's file");
                }
            }
        }
        Ok(())
    }
}

/// A running local host. Dropping it stops the server.
pub struct Host {
    addr: SocketAddr,
    base: Url,
    stop: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<()>>,
    sweeper: Option<JoinHandle<()>>,
}

impl Host {
    /// Prepares the data dir, binds, and spawns the server; returns once it is listening.
    pub async fn start(cfg: HostConfig) -> Result<Host> {
        let images_dir = cfg.data_dir.join("images");
        let tmp_dir = cfg.data_dir.join("tmp");
        for d in [&cfg.data_dir, &images_dir, &tmp_dir] {
            std::fs::create_dir_all(d)
                .map_err(|e| Error::io("Cannot create the host's data folder", d, e))?;
        }
        clear_temp(&tmp_dir);
        let store = Store::open(&cfg.data_dir.join("host.db"))?;
        let listener = tokio::net::TcpListener::bind(cfg.addr)
            .await
            .map_err(|e| Error::Config(format!("Cannot listen on {}: {e}", cfg.addr)))?;
        let addr = listener
            .local_addr()
            .map_err(|e| Error::Config(format!("Cannot read the bound address: {e}")))?;
        let base = base_url(cfg.public_url.as_ref(), addr)?;
        let shared = Arc::new(Shared {
            sink_body: respond::sink_body(&base),
            cfg,
            base: base.clone(),
            store,
            images_dir,
            tmp_dir,
            reserved: Mutex::new(HashSet::new()),
        });
        let app = Router::new()
            .fallback(dispatch)
            .with_state(Arc::clone(&shared))
            // Limits are enforced by the handlers (413 HTML, site limit as JSON).
            .layer(DefaultBodyLimit::disable());
        let (tx, rx) = oneshot::channel::<()>();
        let server = tokio::spawn(async move {
            let service = app.into_make_service_with_connect_info::<SocketAddr>();
            let res = axum::serve(listener, service)
                .with_graceful_shutdown(async {
                    let _ = rx.await;
                })
                .await;
            if let Err(e) = res {
                tracing::warn!(error = %e, "local host stopped with an error");
            }
        });
        let sweeper = tokio::spawn(async move {
            let mut tick = tokio::time::interval(SWEEP_EVERY);
            loop {
                tick.tick().await;
                expiration::sweep(&shared).await;
            }
        });
        Ok(Host { addr, base, stop: Some(tx), server: Some(server), sweeper: Some(sweeper) })
    }

    /// The bound address (the real port when 0 was asked).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Base URL of the host, with a trailing slash (e.g. `http://127.0.0.1:4321/`).
    pub fn base_url(&self) -> Url {
        self.base.clone()
    }

    /// Stops accepting, lets requests in flight finish (up to 5 s), then returns.
    pub async fn shutdown(mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(s) = self.sweeper.take() {
            s.abort();
        }
        if let Some(mut server) = self.server.take() {
            if tokio::time::timeout(Duration::from_secs(5), &mut server).await.is_err() {
                server.abort();
            }
        }
    }
}

impl Drop for Host {
    fn drop(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        for h in [self.sweeper.take(), self.server.take()].into_iter().flatten() {
            h.abort();
        }
    }
}

/// Runs a host until Ctrl-C (for `slingshot-cli serve`), logging its base URL.
pub async fn serve_until_ctrl_c(cfg: HostConfig) -> Result<()> {
    let sink = cfg.sink;
    let host = Host::start(cfg).await?;
    tracing::info!(url = %host.base_url(), sink, "local host listening; press Ctrl-C to stop");
    let res = tokio::signal::ctrl_c().await;
    host.shutdown().await;
    res.map_err(|e| Error::Config(format!("Cannot wait for Ctrl-C: {e}")))
}

/// A new random API key shaped like a real one: `chv_<short id>_<128 letters and digits>`.
pub fn generate_key() -> String {
    format!("chv_{}_{}", names::random_alnum(4), names::random_alnum(128))
}

/// The base URL: the configured one (with a trailing slash added), else `http://<addr>/`, with
/// an unspecified bind address shown as loopback.
fn base_url(public: Option<&Url>, addr: SocketAddr) -> Result<Url> {
    if let Some(u) = public {
        let mut u = u.clone();
        if !u.path().ends_with('/') {
            u.set_path(&format!("{}/", u.path()));
        }
        u.set_query(None);
        u.set_fragment(None);
        return Ok(u);
    }
    let shown = match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => SocketAddr::from((Ipv4Addr::LOCALHOST, addr.port())),
        IpAddr::V6(ip) if ip.is_unspecified() => SocketAddr::from((Ipv4Addr::LOCALHOST, addr.port())),
        _ => addr,
    };
    Url::parse(&format!("http://{shown}/"))
        .map_err(|e| Error::Config(format!("Bad host address {shown}: {e}")))
}

/// Removes temp files left by a previous run that stopped mid-upload.
fn clear_temp(dir: &std::path::Path) {
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            if e.file_name().to_string_lossy().ends_with(".part") {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
}

/// Routes by the raw (still percent-encoded) path: nothing is decoded before matching, so an
/// encoded slash can never reach a file.
async fn dispatch(
    State(sh): State<Arc<Shared>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    req: Request,
) -> Response {
    let path = req.uri().path().to_string();
    let query = req.uri().query().filter(|q| !q.is_empty()).map(str::to_string);
    if let Some(rest) = path.strip_prefix("/api/") {
        let Some((version, tail)) = rest.split_once('/') else {
            return respond::not_found();
        };
        if tail != "upload" && tail != "upload/" {
            return respond::not_found();
        }
        if sh.cfg.sink {
            return pages::sink(&sh, req).await;
        }
        // The server canonicalises the URL before the API runs.
        match (tail, &query) {
            ("upload/", None) => return respond::moved(&format!("{}api/{version}/upload", sh.base)),
            ("upload", Some(q)) => return respond::moved(&format!("{}api/{version}/upload/?{q}", sh.base)),
            _ => {}
        }
        if version != "1" {
            let fields = ingest::query_fields(query.as_deref());
            let fmt = respond::Fmt::parse(
                fields.iter().rev().find(|(k, _)| k == "format").map(|(_, v)| v.as_str()),
            );
            ingest::drain(req.into_body(), sh.cfg.max_body_bytes).await;
            return respond::answer(
                &sh.base,
                fmt,
                false,
                Err(api::ApiError::new("Invalid API version.", 110)),
            );
        }
        return api::upload(sh, req, peer.ip()).await;
    }
    if sh.cfg.sink {
        return respond::not_found();
    }
    if path == "/" {
        return pages::index(&sh);
    }
    if let Some(rel) = path.strip_prefix("/images/") {
        return pages::file(&sh, rel).await;
    }
    if let Some(rest) = path.strip_prefix("/image/") {
        return pages::viewer_or_delete(&sh, Kind::Image, rest, req.method()).await;
    }
    if let Some(rest) = path.strip_prefix("/video/") {
        return pages::viewer_or_delete(&sh, Kind::Video, rest, req.method()).await;
    }
    respond::not_found()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_have_the_real_shape() {
        let k = generate_key();
        let parts: Vec<&str> = k.splitn(3, '_').collect();
        assert_eq!(parts[0], "chv");
        assert_eq!(parts[2].len(), 128);
        assert!(parts[2].chars().all(|c| c.is_ascii_alphanumeric()));
        assert_ne!(generate_key(), k);
    }

    #[test]
    fn base_urls() {
        let a: SocketAddr = SocketAddr::from(([0, 0, 0, 0], 8080));
        assert_eq!(base_url(None, a).map(String::from).ok().as_deref(), Some("http://127.0.0.1:8080/"));
        let p = Url::parse("https://img.example/sub?x=1").ok();
        assert_eq!(
            base_url(p.as_ref(), a).map(String::from).ok().as_deref(),
            Some("https://img.example/sub/")
        );
    }
}
