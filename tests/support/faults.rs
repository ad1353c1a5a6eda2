//! A fault-injecting HTTP server for the fault, retry and security tests: plain tokio TCP on
//! 127.0.0.1 port 0 that reads each request itself, so it can misbehave at the byte level (close
//! in the middle of the body, stall, dribble, reset) as well as answer canned pages (5xx,
//! maintenance HTML, truncated or odd JSON, redirects). A [`Script`] says what each request gets,
//! in order; [`Fault::Pass`] forwards to an upstream, normally the project's own local host, so a
//! test can watch an upload fail while the fault lasts and succeed once it clears.
//!
//! Every connection carries exactly one request: answers say `connection: close`, so the number
//! of requests seen is the number of attempts the client made.
//!
//! ```ignore
//! let host = support::start_host().await;
//! let srv = FaultServer::start(Script::first(2, Fault::status(503)), Some(host.base())).await;
//! // ... upload to srv.base() twice (503), then once more (forwarded to the host) ...
//! assert_eq!(srv.attempts(), 3);
//! ```

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpSocket, TcpStream};
use tokio::task::JoinHandle;

mod wire;

/// Receive buffer of accepted sockets: small, so a client sending a large body is really still
/// sending when [`Fault::CloseMidBody`] closes the connection, not done writing into the kernel.
const RECV_BUFFER: u32 = 16 * 1024;

/// What the server does with one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Forward the request to the upstream and relay its answer (a fault that has cleared).
    /// Without an upstream the answer is a 599 saying so, which no test should expect.
    Pass,
    /// Read the head and half of the body, then close the connection.
    CloseMidBody,
    /// Read the whole request and never answer; the connection stays open until the client
    /// gives up.
    Stall,
    /// Read the whole request, send an answer's head announcing a body, then nothing more.
    StallAfterHead,
    /// Forward to the upstream and send its answer one byte per write, pausing this long after
    /// each byte: slow but correct.
    Dribble(Duration),
    /// Read the whole request, then reset the connection (`SO_LINGER` 0: an RST, no answer).
    Reset,
    /// Forward to the upstream (which stores the upload), then reset instead of relaying the
    /// answer: the upload happened but the client cannot know.
    LoseAnswer,
    /// Read the whole request and send this answer.
    Reply {
        /// HTTP status.
        status: u16,
        /// Extra headers (`content-length` and `connection` are added).
        headers: Vec<(String, String)>,
        /// The body.
        body: Vec<u8>,
    },
}

/// The maintenance page a Chevereto site in maintenance mode answers, with status 200.
pub const MAINTENANCE_PAGE: &str = "<!DOCTYPE html><html><head><title>Maintenance</title></head>\
<body><h1>This website is in maintenance mode</h1><p>Come back later.</p></body></html>";

/// A complete Chevereto JSON success (the shape in server-behavior.md), used whole or cut.
pub const SUCCESS_JSON: &str = r#"{"status_code":200,"success":{"message":"file uploaded","code":200},"image":{"name":"pic","extension":"png","size":"1234","width":"40","height":30,"id_encoded":"AbC1","filename":"pic.png","mime":"image\/png","type":"image","url":"http:\/\/127.0.0.1\/images\/pic.png","thumb":{"url":null},"medium":{"url":null},"url_viewer":"http:\/\/127.0.0.1\/image\/pic.AbC1","url_short":"http:\/\/127.0.0.1\/image\/AbC1","delete_url":"http:\/\/127.0.0.1\/image\/AbC1\/delete\/abcdef"},"status_txt":"OK"}"#;

impl Fault {
    /// An HTML error page with this status (500, 502, 503...), as a web server or PHP sends.
    pub fn status(code: u16) -> Fault {
        let reason = wire::reason(code);
        let body =
            format!("<html><head><title>{code} {reason}</title></head><body><h1>{reason}</h1></body></html>");
        Fault::reply(code, "text/html; charset=UTF-8", body)
    }

    /// The maintenance HTML page with status 200.
    pub fn maintenance() -> Fault {
        Fault::reply(200, "text/html; charset=UTF-8", MAINTENANCE_PAGE)
    }

    /// Status 200, labelled JSON, holding the first half of [`SUCCESS_JSON`].
    pub fn truncated_json() -> Fault {
        Fault::json(200, &SUCCESS_JSON[..SUCCESS_JSON.len() / 2])
    }

    /// A JSON answer with this status and body (e.g. missing or oddly typed fields).
    pub fn json(status: u16, body: &str) -> Fault {
        Fault::reply(status, "application/json; charset=UTF-8", body)
    }

    /// A redirect to `location`, with no body.
    pub fn redirect(status: u16, location: &str) -> Fault {
        Fault::Reply { status, headers: vec![("location".into(), location.into())], body: Vec::new() }
    }

    /// Any answer with this status, content type and body.
    pub fn reply(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Fault {
        Fault::Reply {
            status,
            headers: vec![("content-type".into(), content_type.into())],
            body: body.into(),
        }
    }

    /// A short name for logs and assertion messages: `pass`, `reset`, `reply 503`...
    pub fn name(&self) -> String {
        match self {
            Fault::Pass => "pass".into(),
            Fault::CloseMidBody => "close mid body".into(),
            Fault::Stall => "stall".into(),
            Fault::StallAfterHead => "stall after head".into(),
            Fault::Dribble(_) => "dribble".into(),
            Fault::Reset => "reset".into(),
            Fault::LoseAnswer => "lose answer".into(),
            Fault::Reply { status, .. } => format!("reply {status}"),
        }
    }
}

/// What each request gets, in arrival order: the listed steps first, then `rest` for ever.
#[derive(Debug, Clone)]
pub struct Script {
    steps: VecDeque<Fault>,
    rest: Fault,
}

impl Script {
    /// Every request gets `fault`.
    pub fn always(fault: Fault) -> Script {
        Script { steps: VecDeque::new(), rest: fault }
    }

    /// The first `n` requests get `fault`, every later one is passed through ([`Fault::Pass`]).
    pub fn first(n: usize, fault: Fault) -> Script {
        Script::always(Fault::Pass).and_then(n, fault)
    }

    /// Appends `n` more requests that get `fault` (before the rest).
    pub fn and_then(mut self, n: usize, fault: Fault) -> Script {
        self.steps.extend(std::iter::repeat_n(fault, n));
        self
    }

    /// Replaces what every request after the listed steps gets.
    pub fn then(mut self, rest: Fault) -> Script {
        self.rest = rest;
        self
    }

    fn next(&mut self) -> Fault {
        self.steps.pop_front().unwrap_or_else(|| self.rest.clone())
    }
}

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    /// 1-based arrival number.
    pub number: usize,
    /// `POST`, `GET`...
    pub method: String,
    /// The request target as sent: path and query.
    pub target: String,
    /// Headers as sent (names lower-cased).
    pub headers: Vec<(String, String)>,
    /// The body bytes read (all of it unless the fault stopped reading).
    pub body: Vec<u8>,
    /// Whether the whole announced body was read.
    pub complete: bool,
    /// What the request got ([`Fault::name`]).
    pub fault: String,
}

impl Seen {
    /// The first value of a header (case-insensitive name).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// Whether `needle` occurs anywhere in the request: target, any header value, or the body.
    pub fn carries(&self, needle: &str) -> bool {
        self.target.contains(needle)
            || self.headers.iter().any(|(_, v)| v.contains(needle))
            || super::contains(&self.body, needle.as_bytes())
    }
}

struct State {
    script: Mutex<Script>,
    upstream: Option<url::Url>,
    http: reqwest::Client,
    attempts: AtomicUsize,
    seen: Mutex<Vec<Seen>>,
    conns: Mutex<Vec<JoinHandle<()>>>,
}

/// A running fault server; stops (closing every connection) when dropped.
pub struct FaultServer {
    base: url::Url,
    state: Arc<State>,
    task: JoinHandle<()>,
}

impl FaultServer {
    /// Starts a server on 127.0.0.1 port 0 following `script`; [`Fault::Pass`] and the faults
    /// that forward send requests to `upstream` (a base URL such as the local host's
    /// `TestHost::base()`; the request's path and query are kept).
    pub async fn start(script: Script, upstream: Option<url::Url>) -> FaultServer {
        let socket = TcpSocket::new_v4().expect("socket");
        socket.set_recv_buffer_size(RECV_BUFFER).expect("recv buffer");
        socket.bind("127.0.0.1:0".parse().expect("addr")).expect("bind");
        let listener = socket.listen(64).expect("listen");
        let addr = listener.local_addr().expect("addr");
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("forwarding client");
        let state = Arc::new(State {
            script: Mutex::new(script),
            upstream,
            http,
            attempts: AtomicUsize::new(0),
            seen: Mutex::new(Vec::new()),
            conns: Mutex::new(Vec::new()),
        });
        let st = Arc::clone(&state);
        let task = tokio::spawn(async move {
            while let Ok((sock, _)) = listener.accept().await {
                let conn = tokio::spawn(serve(Arc::clone(&st), sock));
                lock(&st.conns).push(conn);
            }
        });
        let base = url::Url::parse(&format!("http://{addr}/")).expect("base");
        FaultServer { base, state, task }
    }

    /// `http://127.0.0.1:PORT/`.
    pub fn base(&self) -> url::Url {
        self.base.clone()
    }

    /// Replaces the script for every request from now on.
    pub fn set_script(&self, script: Script) {
        *lock(&self.state.script) = script;
    }

    /// The fault clears: every request from now on is passed through.
    pub fn clear(&self) {
        self.set_script(Script::always(Fault::Pass));
    }

    /// How many requests arrived (heads read), i.e. how many attempts the client made.
    pub fn attempts(&self) -> usize {
        self.state.attempts.load(Ordering::SeqCst)
    }

    /// Every request so far, in arrival order. A request is listed once the fault is done
    /// reading it (a stalled one as soon as its body is in).
    pub fn seen(&self) -> Vec<Seen> {
        let mut all = lock(&self.state.seen).clone();
        all.sort_by_key(|s| s.number);
        all
    }
}

impl Drop for FaultServer {
    fn drop(&mut self) {
        self.task.abort();
        for c in lock(&self.state.conns).drain(..) {
            c.abort();
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // An assertion failing in another test task must not hide this test's own result.
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// One connection: one request, handled as the script says.
async fn serve(st: Arc<State>, mut sock: TcpStream) {
    let _ = sock.set_nodelay(true);
    let Some(head) = wire::read_head(&mut sock).await else { return };
    let number = st.attempts.fetch_add(1, Ordering::SeqCst) + 1;
    let fault = lock(&st.script).next();
    let want = match fault {
        Fault::CloseMidBody => head.body_len / 2,
        _ => head.body_len,
    };
    let mut early = head.early_body;
    early.truncate(head.body_len);
    let body = if early.len() >= want { early } else { wire::read_body(&mut sock, early, want).await };
    let seen = Seen {
        number,
        method: head.method,
        target: head.target,
        headers: head.headers,
        complete: body.len() >= head.body_len,
        body,
        fault: fault.name(),
    };
    lock(&st.seen).push(seen.clone());
    match fault {
        Fault::CloseMidBody => {
            let _ = sock.shutdown().await;
        }
        Fault::Stall => wire::until_client_closes(&mut sock).await,
        Fault::StallAfterHead => {
            let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 4096\r\n\r\n{";
            let _ = sock.write_all(head.as_bytes()).await;
            wire::until_client_closes(&mut sock).await;
        }
        Fault::Reset => wire::reset(sock),
        Fault::LoseAnswer => {
            let _ = wire::forward(&st.http, st.upstream.as_ref(), &seen).await;
            wire::reset(sock);
        }
        Fault::Reply { status, headers, body } => {
            let _ = sock.write_all(&wire::response(status, &headers, &body)).await;
            let _ = sock.shutdown().await;
        }
        Fault::Pass => {
            let _ = sock.write_all(&wire::forward(&st.http, st.upstream.as_ref(), &seen).await).await;
            let _ = sock.shutdown().await;
        }
        Fault::Dribble(pause) => {
            for byte in wire::forward(&st.http, st.upstream.as_ref(), &seen).await {
                if sock.write_all(&[byte]).await.is_err() {
                    return;
                }
                let _ = sock.flush().await;
                if pause.is_zero() {
                    tokio::task::yield_now().await;
                } else {
                    tokio::time::sleep(pause).await;
                }
            }
            let _ = sock.shutdown().await;
        }
    }
}
