//! A capture server for the client tests: an axum app on 127.0.0.1:0 that records every request
//! (method, path, query, headers, parsed multipart parts) and answers with a canned reply, by
//! forwarding to another server (recording its answer), or never.

use axum::body::Body;
use axum::extract::{DefaultBodyLimit, FromRequest, Multipart, Request, State};
use axum::response::Response;
use axum::Router;
use std::sync::{Arc, Mutex};
use tokio::task::JoinHandle;

/// One multipart part as received.
#[derive(Debug, Clone)]
pub struct CapturedPart {
    pub name: String,
    pub filename: Option<String>,
    pub content_type: Option<String>,
    pub bytes: Vec<u8>,
}

/// One request as received (and, when forwarded, the answer it got).
#[derive(Debug, Clone, Default)]
pub struct Captured {
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    pub headers: Vec<(String, String)>,
    pub body_len: usize,
    pub parts: Vec<CapturedPart>,
    pub answer: Option<String>,
}

impl Captured {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
    pub fn part(&self, name: &str) -> Option<&CapturedPart> {
        self.parts.iter().find(|p| p.name == name)
    }
    pub fn field(&self, name: &str) -> Option<String> {
        self.part(name).map(|p| String::from_utf8_lossy(&p.bytes).into_owned())
    }
}

/// What the server answers.
#[derive(Clone)]
pub enum Reply {
    /// A fixed answer.
    Canned { status: u16, headers: Vec<(&'static str, String)>, body: Vec<u8> },
    /// Re-send the body to this URL and relay the answer.
    Forward(String),
}

impl Reply {
    pub fn new(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Reply {
        Reply::Canned { status, headers: vec![("content-type", content_type.to_string())], body: body.into() }
    }
    pub fn json(status: u16, body: &str) -> Reply {
        Reply::new(status, "application/json; charset=UTF-8", body)
    }
    pub fn redirect(status: u16, location: &str) -> Reply {
        Reply::Canned { status, headers: vec![("location", location.to_string())], body: Vec::new() }
    }
}

/// A running capture server; stops when dropped.
pub struct Capture {
    pub base: url::Url,
    log: Arc<Mutex<Vec<Captured>>>,
    task: JoinHandle<()>,
}

impl Capture {
    pub fn requests(&self) -> Vec<Captured> {
        self.log.lock().expect("log").clone()
    }
    pub fn only(&self) -> Captured {
        let all = self.requests();
        assert_eq!(all.len(), 1, "expected exactly one request, got {all:#?}");
        all.into_iter().next().expect("one")
    }
}

impl Drop for Capture {
    fn drop(&mut self) {
        self.task.abort();
    }
}

struct AppState {
    reply: Reply,
    log: Arc<Mutex<Vec<Captured>>>,
}

/// Starts a capture server answering `reply`, its base URL ending with `prefix` (e.g. `/` or `/sub/`).
pub async fn start(reply: Reply, prefix: &str) -> Capture {
    let log = Arc::new(Mutex::new(Vec::new()));
    let state = Arc::new(AppState { reply, log: Arc::clone(&log) });
    let app = Router::new().fallback(handle).layer(DefaultBodyLimit::disable()).with_state(state);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    let base = url::Url::parse(&format!("http://{addr}{prefix}")).expect("base");
    Capture { base, log, task }
}

async fn handle(State(st): State<Arc<AppState>>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX).await.unwrap_or_default();
    let mut cap = Captured {
        method: parts.method.to_string(),
        path: parts.uri.path().to_string(),
        query: parts.uri.query().map(str::to_string),
        headers: parts
            .headers
            .iter()
            .map(|(n, v)| (n.to_string(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
            .collect(),
        body_len: bytes.len(),
        ..Captured::default()
    };
    let is_multipart = cap.header("content-type").is_some_and(|c| c.starts_with("multipart/form-data"));
    if is_multipart {
        let req = Request::from_parts(parts.clone(), Body::from(bytes.clone()));
        if let Ok(mut mp) = Multipart::from_request(req, &()).await {
            while let Ok(Some(field)) = mp.next_field().await {
                let name = field.name().unwrap_or_default().to_string();
                let filename = field.file_name().map(str::to_string);
                let content_type = field.content_type().map(str::to_string);
                let data = field.bytes().await.map(|b| b.to_vec()).unwrap_or_default();
                cap.parts.push(CapturedPart { name, filename, content_type, bytes: data });
            }
        }
    }
    let response = match &st.reply {
        Reply::Canned { status, headers, body } => {
            let mut b = Response::builder().status(*status);
            for (n, v) in headers {
                b = b.header(*n, v);
            }
            b.body(Body::from(body.clone())).expect("response")
        }
        Reply::Forward(to) => {
            let mut fwd = reqwest::Client::new().post(to).body(bytes.to_vec());
            for name in ["content-type", "x-api-key"] {
                if let Some(v) = cap.header(name) {
                    fwd = fwd.header(name, v);
                }
            }
            let r = fwd.send().await.expect("forward");
            let status = r.status().as_u16();
            let ct = r.headers().get("content-type").map(|v| v.to_str().unwrap_or("").to_string());
            let text = r.text().await.expect("forwarded body");
            cap.answer = Some(text.clone());
            let mut b = Response::builder().status(status);
            if let Some(ct) = ct {
                b = b.header("content-type", ct);
            }
            b.body(Body::from(text)).expect("response")
        }
    };
    st.log.lock().expect("log").push(cap);
    response
}

/// A server that accepts connections and reads, but never answers.
pub async fn silent() -> (url::Url, JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let task = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((mut sock, _)) = listener.accept().await {
            held.push(tokio::spawn(async move {
                let mut buf = vec![0u8; 64 * 1024];
                use tokio::io::AsyncReadExt;
                while sock.read(&mut buf).await.map(|n| n > 0).unwrap_or(false) {}
                // Keep the socket open after the request: never answer.
                std::future::pending::<()>().await;
                drop(sock);
            }));
        }
    });
    (url::Url::parse(&format!("http://{addr}/")).expect("base"), task)
}

/// A loopback address nothing listens on (bound, then released).
pub async fn refused() -> url::Url {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    drop(listener);
    url::Url::parse(&format!("http://{addr}/")).expect("base")
}
