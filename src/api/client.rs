//! The HTTP side of API V1: one reused `reqwest` client that never follows redirects, the upload
//! request (every parameter in the multipart body, the key in the `X-API-Key` header or the `key`
//! field, files streamed), timeouts that grow with the upload's size, the delete call, and the
//! mapping of transport failures to errors that name the host only (URLs may hold secrets).

use crate::api::body::{add_options, source_body};
use crate::api::params;
use crate::api::response::{excerpt, parse_response};
use crate::api::types::{KeyMode, ProgressFn, ServerConfig, Source, UploadOptions, Uploaded};
use crate::error::{Error, Result};
use crate::secret::ApiKey;
use reqwest::header::{HeaderValue, CONTENT_TYPE, LOCATION};
use reqwest::multipart::Form;
use std::time::Duration;

/// The most of an answer's body that is read: API answers are small, and an error page only
/// needs its start for the excerpt.
const MAX_BODY: usize = 1024 * 1024;

/// How long the client waits. The whole-request limit grows with the upload's size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// Limit for opening the connection.
    pub connect: Duration,
    /// Whole-request limit for an empty upload (and the whole limit of a delete).
    pub base: Duration,
    /// Slowest upload speed allowed for, in bytes per second: each `min_rate` bytes add 1 s.
    pub min_rate: u64,
    /// Longest wait for the next piece of the answer once its head has arrived.
    pub idle: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            connect: Duration::from_secs(10),
            base: Duration::from_secs(30),
            min_rate: 512 * 1024,
            idle: Duration::from_secs(60),
        }
    }
}

impl Timeouts {
    /// The whole-request limit for an upload of `bytes`: `base + bytes / min_rate` seconds.
    pub fn for_size(&self, bytes: u64) -> Duration {
        let extra = Duration::from_secs(bytes / self.min_rate.max(1));
        self.base.saturating_add(extra)
    }
}

/// The API V1 client. Cheap to share by reference; keeps connections alive between uploads.
pub struct Client {
    http: reqwest::Client,
    timeouts: Timeouts,
}

impl Client {
    /// A client with the default timeouts (connect 10 s, 30 s + 1 s per 512 KiB).
    pub fn new() -> Result<Client> {
        Client::with_timeouts(Timeouts::default())
    }

    /// A client with explicit timeouts (tests use short ones).
    pub fn with_timeouts(timeouts: Timeouts) -> Result<Client> {
        let http = reqwest::Client::builder()
            // A redirected POST is re-sent as a bodiless GET: never follow, report instead.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("Slingshot/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(timeouts.connect)
            .use_rustls_tls()
            .build()
            .map_err(|e| Error::Config(format!("Cannot set up the HTTP client: {}", chain(&e))))?;
        Ok(Client { http, timeouts })
    }

    /// Uploads one source. Validates options first ([`params::validate`]), refuses `http://` to
    /// a non-loopback host unless `server.allow_insecure_http`, and streams files from disk.
    /// `progress` is called with `(sent, total)` as the source's bytes go out.
    pub async fn upload(
        &self,
        server: &ServerConfig,
        source: Source,
        opts: &UploadOptions,
        progress: Option<ProgressFn>,
    ) -> Result<Uploaded> {
        let valid = params::validate(opts)?;
        for w in &valid.warnings {
            tracing::warn!("{w}");
        }
        let base = &server.base_url;
        check_transport(base, server.allow_insecure_http)?;
        let url = upload_url(base);
        let host = host_of(&url);

        let src = source_body(source, progress.clone()).await?;
        let mut form = Form::new();
        let key = server.key.as_ref();
        if let (Some(k), KeyMode::Field) = (key, server.key_mode) {
            form = form.text("key", k.expose().to_string());
        }
        form = add_options(form, &valid.options).part("source", src.part);

        let limit = self.timeouts.for_size(src.total);
        let mut req = self.http.post(url).multipart(form).timeout(limit);
        if let (Some(k), KeyMode::Header) = (key, server.key_mode) {
            let mut value = HeaderValue::from_str(k.expose()).map_err(|_| {
                Error::invalid("The API key holds characters that cannot be sent; paste it again from the site's settings")
            })?;
            value.set_sensitive(true);
            req = req.header("X-API-Key", value);
        }
        if let Some(p) = &progress {
            p(0, src.total);
        }
        tracing::debug!(host = %host, bytes = src.total, "uploading");
        let resp = req.send().await.map_err(|e| transport_error(e, &host, limit))?;
        if let (false, Some(p)) = (src.streamed, &progress) {
            p(src.total, src.total);
        }
        let status = resp.status().as_u16();
        let location = header(&resp, LOCATION);
        let content_type = header(&resp, CONTENT_TYPE);
        let body = self.read_body(resp, &host, limit).await?;
        // The key must never surface in an error, even if a server echoes it back.
        let body = redact(&body, key);
        let location = location.map(|l| String::from_utf8_lossy(&redact(l.as_bytes(), key)).into_owned());
        parse_response(
            status,
            location.as_deref(),
            content_type.as_deref(),
            &body,
            valid.options.format,
            base,
        )
    }

    /// Deletes through a delete URL. A GET deletes at once on a real server: only call this on
    /// the user's explicit request. Success is a 2xx, or the 3xx the server answers after deleting
    /// (to `<viewer>?deleted`); a 404 means the file is already gone or the link is wrong.
    pub async fn delete(&self, delete_url: &str) -> Result<()> {
        // The link is a secret: messages name its host only.
        let url = url::Url::parse(delete_url.trim())
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
            .ok_or_else(|| Error::invalid("The delete link is not a valid http(s) URL"))?;
        let host = host_of(&url);
        let limit = self.timeouts.base;
        let resp = self
            .http
            .get(url.clone())
            .timeout(limit)
            .send()
            .await
            .map_err(|e| transport_error(e, &host, limit))?;
        let status = resp.status().as_u16();
        match status {
            200..=299 => Ok(()),
            300..=399 => {
                // A redirect of the delete link itself (http -> https, another host name) means
                // nothing was deleted yet; the server's own answer points elsewhere.
                let target = header(&resp, LOCATION).and_then(|l| url.join(&l).ok());
                match target {
                    Some(t) if t.path() == url.path() || t.path().contains("/delete/") => {
                        Err(Error::Config(format!(
                            "The delete link redirected to {}://{} instead of deleting: the file was not deleted; \
                             check the profile's base URL (the site's canonical address) and use the link it gives",
                            t.scheme(),
                            host_of(&t)
                        )))
                    }
                    _ => Ok(()),
                }
            }
            404 => Err(Error::Rejected {
                message: "the file was not found: it is already deleted, or the delete link is wrong".into(),
                code: "404".into(),
                status,
            }),
            400..=499 => Err(Error::Rejected {
                message: format!("the server refused to delete the file (HTTP {status})"),
                code: status.to_string(),
                status,
            }),
            _ => {
                let body = self.read_body(resp, &host, limit).await.unwrap_or_default();
                Err(Error::NotJson { status, excerpt: excerpt(&body) })
            }
        }
    }

    /// Reads at most [`MAX_BODY`] bytes of an answer, waiting at most `idle` for each piece.
    async fn read_body(&self, mut resp: reqwest::Response, host: &str, limit: Duration) -> Result<Vec<u8>> {
        let mut body = Vec::new();
        loop {
            match tokio::time::timeout(self.timeouts.idle, resp.chunk()).await {
                Err(_) => {
                    return Err(Error::Timeout { host: host.to_string(), secs: self.timeouts.idle.as_secs() })
                }
                Ok(Err(e)) => return Err(transport_error(e, host, limit)),
                Ok(Ok(None)) => return Ok(body),
                Ok(Ok(Some(chunk))) => {
                    let room = MAX_BODY - body.len();
                    body.extend_from_slice(&chunk[..chunk.len().min(room)]);
                    if body.len() >= MAX_BODY {
                        return Ok(body);
                    }
                }
            }
        }
    }
}

/// `<base>/api/1/upload`: no trailing slash, no query or fragment. Keeps a path prefix
/// (`https://h/sub/` → `https://h/sub/api/1/upload`) and tolerates a base that already ends with
/// the endpoint.
pub fn upload_url(base: &url::Url) -> url::Url {
    let mut u = base.clone();
    u.set_query(None);
    u.set_fragment(None);
    let prefix = base.path().trim_end_matches('/');
    let prefix = prefix.strip_suffix("/api/1/upload").unwrap_or(prefix);
    u.set_path(&format!("{prefix}/api/1/upload"));
    u
}

/// Refuses a base URL that is not http(s), and plain http to a non-loopback host unless allowed.
pub fn check_transport(base: &url::Url, allow_insecure_http: bool) -> Result<()> {
    match base.scheme() {
        "https" => Ok(()),
        "http" if allow_insecure_http || is_loopback(base) => Ok(()),
        "http" => Err(Error::invalid(format!(
            "The base URL http://{} uses plain http: the API key and the files would travel in clear. \
             Use https://, or allow insecure http in the profile if you accept that",
            host_of(base)
        ))),
        other => {
            Err(Error::invalid(format!("The base URL must start with https:// (it starts with {other}://)")))
        }
    }
}

/// The warning for an allowed plain-http profile: the key and the files cross the network
/// unencrypted. `None` for https and loopback addresses.
pub fn clear_text_warning(base: &url::Url) -> Option<String> {
    (base.scheme() == "http" && !is_loopback(base)).then(|| {
        format!(
            "The API key and the file went to {} over plain http, unencrypted (this profile allows it)",
            host_of(base)
        )
    })
}

/// 127.0.0.0/8, ::1 and `localhost` (with or without a final dot).
fn is_loopback(u: &url::Url) -> bool {
    match u.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d.trim_end_matches('.').eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// `host[:port]` of a URL: what errors may show.
fn host_of(u: &url::Url) -> String {
    let h = u.host_str().unwrap_or("?");
    match u.port() {
        Some(p) => format!("{h}:{p}"),
        None => h.to_string(),
    }
}

fn header(resp: &reqwest::Response, name: reqwest::header::HeaderName) -> Option<String> {
    resp.headers().get(name).map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
}

/// Maps a transport failure to [`Error::Timeout`] or [`Error::Network`], naming the host only.
fn transport_error(e: reqwest::Error, host: &str, limit: Duration) -> Error {
    if e.is_timeout() {
        return Error::Timeout { host: host.to_string(), secs: limit.as_secs().max(1) };
    }
    Error::Network { host: host.to_string(), reason: chain(&e.without_url()) }
}

/// The most specific cause of an error (the last in its source chain), e.g. "Connection refused
/// (os error 111)", with the outer description when it adds something.
fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut msgs = vec![e.to_string()];
    let mut cur = e.source();
    while let Some(s) = cur {
        msgs.push(s.to_string());
        cur = s.source();
    }
    let last = msgs.pop().unwrap_or_default();
    match msgs.first() {
        Some(first) if !last.contains(first.as_str()) => format!("{first}: {last}"),
        _ => last,
    }
}

/// `body` with every occurrence of the key replaced by `[redacted]` (no angle brackets: the
/// excerpt would take it for a tag).
fn redact(body: &[u8], key: Option<&ApiKey>) -> Vec<u8> {
    let Some(k) = key.map(|k| k.expose().as_bytes()).filter(|k| !k.is_empty()) else {
        return body.to_vec();
    };
    let mut out = Vec::with_capacity(body.len());
    let mut i = 0;
    while i < body.len() {
        if body[i..].starts_with(k) {
            out.extend_from_slice(b"[redacted]");
            i += k.len();
        } else {
            out.push(body[i]);
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(s: &str) -> url::Url {
        url::Url::parse(s).expect("url")
    }

    #[test]
    fn upload_url_keeps_prefix_and_drops_query() {
        for (base, want) in [
            ("https://h.example", "https://h.example/api/1/upload"),
            ("https://h.example/", "https://h.example/api/1/upload"),
            ("https://h.example/sub/", "https://h.example/sub/api/1/upload"),
            ("https://h.example/sub", "https://h.example/sub/api/1/upload"),
            ("https://h.example/sub/?x=1#f", "https://h.example/sub/api/1/upload"),
            ("https://h.example/api/1/upload/", "https://h.example/api/1/upload"),
            ("http://127.0.0.1:8080/", "http://127.0.0.1:8080/api/1/upload"),
        ] {
            assert_eq!(upload_url(&u(base)).as_str(), want, "{base}");
        }
    }

    #[test]
    fn plain_http_only_to_loopback_unless_allowed() {
        for ok in [
            "https://h.example/",
            "http://127.0.0.1:1/",
            "http://127.8.9.1/",
            "http://[::1]:8/",
            "http://localhost/",
            "http://LOCALHOST./",
        ] {
            assert!(check_transport(&u(ok), false).is_ok(), "{ok}");
        }
        let e =
            check_transport(&u("http://h.example/"), false).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(e.contains("clear"), "{e}");
        assert!(check_transport(&u("http://h.example/"), true).is_ok());
        assert!(check_transport(&u("http://localhost.evil.example/"), false).is_err());
        assert!(check_transport(&u("ftp://h.example/"), true).is_err());
    }

    #[test]
    fn timeouts_grow_with_size() {
        let t = Timeouts::default();
        assert_eq!(t.for_size(0), Duration::from_secs(30));
        assert_eq!(t.for_size(100 * 1024 * 1024), Duration::from_secs(30 + 200));
    }

    #[test]
    fn redaction_removes_every_copy_of_the_key() {
        let k = ApiKey::new("chv_secret").expect("key");
        assert_eq!(redact(b"a chv_secret b chv_secret", Some(&k)), b"a [redacted] b [redacted]");
        assert_eq!(redact(b"chv_secre", Some(&k)), b"chv_secre");
        assert_eq!(redact(b"x", None), b"x");
    }
}
