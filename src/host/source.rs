//! String sources: base64 data and URLs. Both end up as a temp file like a file part. URL fetches
//! are restricted to loopback hosts: the host must never be made to fetch anything else.

use super::api::ApiError;
use super::Shared;
use base64::Engine;
use futures_util::StreamExt;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;
use tempfile::TempPath;
use tokio::io::AsyncWriteExt;

/// A string source, as the server classifies it.
pub(crate) enum StringSource<'a> {
    /// An http(s) URL.
    Url(url::Url),
    /// Anything else: base64.
    Base64(&'a str),
}

/// A string that parses as an http(s) URL is a URL source; anything else is base64.
pub(crate) fn classify(s: &str) -> StringSource<'_> {
    match url::Url::parse(s.trim()) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => StringSource::Url(u),
        _ => StringSource::Base64(s),
    }
}

/// A decoded or fetched source in a temp file.
pub(crate) struct Fetched {
    pub path: TempPath,
    pub size: u64,
    /// The name to report as `original_filename` (URL's last path segment; empty for base64).
    pub name: String,
}

/// Decodes base64 (whitespace allowed, padding optional) into a temp file.
pub(crate) fn decode_base64(sh: &Shared, s: &str) -> Result<Fetched, ApiError> {
    if s.trim_start().starts_with("data:") {
        return Err(ApiError::new("Invalid base64 string", 120));
    }
    let compact: String = s.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    let engine = base64::engine::GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        base64::engine::GeneralPurposeConfig::new()
            .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
    );
    let bytes = engine.decode(compact.as_bytes()).map_err(|_| ApiError::new("Invalid base64 string", 120))?;
    if bytes.is_empty() {
        return Err(ApiError::new("Invalid base64 string", 120));
    }
    let mut tmp = tempfile::Builder::new()
        .prefix("upload-")
        .suffix(".part")
        .tempfile_in(&sh.tmp_dir)
        .map_err(ApiError::storage)?;
    std::io::Write::write_all(&mut tmp, &bytes).map_err(ApiError::storage)?;
    Ok(Fetched { path: tmp.into_temp_path(), size: bytes.len() as u64, name: String::new() })
}

/// Whether a URL points at this machine's loopback interface (the only place the host fetches).
fn is_loopback(u: &url::Url) -> bool {
    match u.host() {
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// Fetches a URL source into a temp file (admin keys only, loopback only, no redirects).
pub(crate) async fn fetch_url(sh: &Arc<Shared>, u: &url::Url, admin: bool) -> Result<Fetched, ApiError> {
    if !sh.cfg.allow_url_uploads || !admin {
        return Err(ApiError::new("URL uploading is disabled", 403));
    }
    if !is_loopback(u) {
        return Err(ApiError::new("URL uploading is limited to loopback addresses on this host", 403));
    }
    let host = u.host_str().unwrap_or("").to_string();
    let port = u.port_or_known_default().unwrap_or(80);
    // "localhost" is pinned to 127.0.0.1 so name resolution can't send the fetch elsewhere.
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .resolve("localhost", std::net::SocketAddr::from(([127, 0, 0, 1], port)))
        .no_proxy()
        .build()
        .map_err(|e| ApiError::new(format!("Could not fetch the URL: {e}"), 56))?;
    let resp = client.get(u.clone()).send().await.map_err(|e| {
        if e.is_timeout() {
            ApiError::new(format!("Connection timed out after 30000 milliseconds ({host})"), 28)
        } else if e.is_connect() {
            ApiError::new(format!("Failed to connect to {host} port {port}: Connection refused"), 7)
        } else {
            ApiError::new(format!("Failure when receiving data from the peer ({host})"), 56)
        }
    })?;
    if !resp.status().is_success() {
        return Err(ApiError::new(
            format!("The requested URL returned error: {}", resp.status().as_u16()),
            22,
        ));
    }
    let name = u.path_segments().and_then(|mut s| s.next_back()).unwrap_or("").to_string();
    let tmp = tempfile::Builder::new()
        .prefix("upload-")
        .suffix(".part")
        .tempfile_in(&sh.tmp_dir)
        .map_err(ApiError::storage)?;
    let (file, path) = tmp.into_parts();
    let mut out = tokio::fs::File::from_std(file);
    let limit = sh.cfg.max_file_bytes.unwrap_or(u64::MAX).min(sh.cfg.max_body_bytes);
    let mut size = 0u64;
    let mut stream = resp.bytes_stream();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk
            .map_err(|_| ApiError::new(format!("Failure when receiving data from the peer ({host})"), 56))?;
        size += chunk.len() as u64;
        if size > limit {
            return Err(super::api::too_big(limit));
        }
        out.write_all(&chunk).await.map_err(ApiError::storage)?;
    }
    out.flush().await.map_err(ApiError::storage)?;
    Ok(Fetched { path, size, name: percent_decode(&name) })
}

fn percent_decode(s: &str) -> String {
    url::form_urlencoded::parse(format!("x={}", s.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classification() {
        assert!(matches!(classify("http://127.0.0.1:9/a.png"), StringSource::Url(_)));
        assert!(matches!(classify("https://example.com/"), StringSource::Url(_)));
        assert!(matches!(classify("ftp://example.com/a.png"), StringSource::Base64(_)));
        assert!(matches!(classify("iVBORw0KGgo="), StringSource::Base64(_)));
        assert!(matches!(classify("data:image/png;base64,AAAA"), StringSource::Base64(_)));
    }

    #[test]
    fn loopback_only() {
        let ok = |s: &str| url::Url::parse(s).map(|u| is_loopback(&u)).unwrap_or(false);
        assert!(ok("http://127.0.0.1/x"));
        assert!(ok("http://127.8.0.1/x"));
        assert!(ok("http://[::1]/x"));
        assert!(ok("http://localhost:8080/x"));
        assert!(!ok("http://10.0.0.1/x"));
        assert!(!ok("http://example.com/x"));
        assert!(!ok("http://127.0.0.1.nip.io/x"));
    }

    #[test]
    fn names_are_decoded() {
        assert_eq!(percent_decode("my%20pic+1.png"), "my pic+1.png");
    }
}
