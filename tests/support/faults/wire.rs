//! The HTTP/1.1 wire side of the fault server: reading a request head and body off a raw socket,
//! writing complete answers, resetting, and forwarding a request to the upstream.

use super::Seen;
use std::time::Duration;
use tokio::io::AsyncReadExt;
use tokio::net::TcpStream;

/// Largest request head read (request line and headers).
const MAX_HEAD: usize = 64 * 1024;

/// The standard reason phrase of a status ("Service Unavailable"), or "Unknown".
pub(super) fn reason(code: u16) -> &'static str {
    reqwest::StatusCode::from_u16(code).ok().and_then(|s| s.canonical_reason()).unwrap_or("Unknown")
}

/// A parsed request head and the body bytes that arrived with it.
pub(super) struct Head {
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body_len: usize,
    pub early_body: Vec<u8>,
}

/// Reads up to the blank line ending the head. `None` if the client closed first.
pub(super) async fn read_head(sock: &mut TcpStream) -> Option<Head> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        if buf.len() > MAX_HEAD {
            return None;
        }
        let n = sock.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let text = String::from_utf8_lossy(&buf[..end]).into_owned();
    let mut lines = text.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let (method, target) = (first.next()?.to_string(), first.next()?.to_string());
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    // The client always announces a length (streamed files too); chunked bodies are not read.
    let body_len =
        headers.iter().find(|(n, _)| n == "content-length").and_then(|(_, v)| v.parse().ok()).unwrap_or(0);
    Some(Head { method, target, headers, body_len, early_body: buf[end + 4..].to_vec() })
}

/// Reads the body until `want` bytes of it are in (or the client closes).
pub(super) async fn read_body(sock: &mut TcpStream, mut body: Vec<u8>, want: usize) -> Vec<u8> {
    let mut chunk = vec![0u8; 64 * 1024];
    while body.len() < want {
        let room = (want - body.len()).min(chunk.len());
        match sock.read(&mut chunk[..room]).await {
            Ok(0) | Err(_) => break,
            Ok(n) => body.extend_from_slice(&chunk[..n]),
        }
    }
    body
}

/// Waits until the client closes its side (or the server is dropped).
pub(super) async fn until_client_closes(sock: &mut TcpStream) {
    let mut chunk = [0u8; 4096];
    while sock.read(&mut chunk).await.is_ok_and(|n| n > 0) {}
}

/// Closes with an RST instead of a FIN.
pub(super) fn reset(sock: TcpStream) {
    // Tokio deprecates SO_LINGER because a non-zero linger blocks in `drop`; zero never blocks.
    #[allow(deprecated)]
    let _ = sock.set_linger(Some(Duration::ZERO));
    drop(sock);
}
/// A complete HTTP/1.1 answer that closes the connection.
pub(super) fn response(status: u16, headers: &[(String, String)], body: &[u8]) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status} {}\r\n", reason(status));
    for (n, v) in headers {
        out.push_str(&format!("{n}: {v}\r\n"));
    }
    out.push_str(&format!("content-length: {}\r\nconnection: close\r\n\r\n", body.len()));
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

/// Sends the request to the upstream and returns its answer as raw HTTP bytes.
pub(super) async fn forward(http: &reqwest::Client, upstream: Option<&url::Url>, req: &Seen) -> Vec<u8> {
    let Some(upstream) = upstream else {
        return response(599, &[], b"fault server: no upstream to pass the request to");
    };
    let Ok(url) = upstream.join(&req.target) else {
        return response(599, &[], b"fault server: bad request target");
    };
    let method = reqwest::Method::from_bytes(req.method.as_bytes()).unwrap_or(reqwest::Method::GET);
    let mut rb = http.request(method, url).body(req.body.clone());
    for (n, v) in &req.headers {
        if !matches!(n.as_str(), "host" | "content-length" | "connection" | "transfer-encoding") {
            rb = rb.header(n.as_str(), v.as_str());
        }
    }
    let answer = match rb.send().await {
        Ok(a) => a,
        Err(e) => return response(599, &[], format!("fault server: upstream failed: {e}").as_bytes()),
    };
    let status = answer.status().as_u16();
    let headers: Vec<(String, String)> = answer
        .headers()
        .iter()
        .filter(|(n, _)| !matches!(n.as_str(), "content-length" | "connection" | "transfer-encoding"))
        .map(|(n, v)| (n.to_string(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
        .collect();
    let body = answer.bytes().await.map(|b| b.to_vec()).unwrap_or_default();
    response(status, &headers, &body)
}
