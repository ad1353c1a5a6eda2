//! The crate's one error type. Every failure has a [`ErrorKind`] the UI and CLI can branch on,
//! and a `Display` message a person can act on. Messages never contain the API key.

use serde::Serialize;
use std::path::Path;

/// Result alias used across the core.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A machine-readable error category, serialised as `snake_case` for the UI (`{kind, message}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// The server could not be reached (DNS, refused, reset).
    Network,
    /// The server did not answer in time.
    Timeout,
    /// The server rejected or did not get the API key.
    Auth,
    /// The server answered with an API error (bad file, duplicate, flooding...).
    Rejected,
    /// The server answered something that is not the API's answer (HTML, 413, 500...).
    NotJson,
    /// The profile points at a URL that redirects: the base URL is wrong.
    Config,
    /// The request was refused locally before sending.
    InvalidInput,
    /// A local file could not be read or written.
    Io,
    /// An image could not be decoded, resized or encoded.
    Image,
    /// The history database failed.
    History,
    /// The key store failed.
    Keyring,
}

/// Every error the core can return.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Could not connect or the connection broke.
    #[error("Could not reach {host}: {reason}")]
    Network {
        /// Host (no path, no query: those may hold secrets).
        host: String,
        /// What failed, in words.
        reason: String,
    },
    /// No answer in time.
    #[error("{host} did not answer within {secs} s; check the connection or try again")]
    Timeout {
        /// Host that timed out.
        host: String,
        /// The timeout that was applied.
        secs: u64,
    },
    /// Missing or wrong key, or uploads not allowed for it.
    #[error("The server rejected the API key ({message}); check the key in the profile settings")]
    Auth {
        /// The server's message.
        message: String,
    },
    /// Any other API error answer.
    #[error("The server refused the request: {message} (code {code})")]
    Rejected {
        /// The server's message, as sent.
        message: String,
        /// The server's code (an int, or a string such as an SQL state).
        code: String,
        /// HTTP status of the answer.
        status: u16,
    },
    /// The answer was not the API's (HTML maintenance page, 413 from the web server, PHP fault).
    #[error("The server answered HTTP {status} with something that is not an API answer: {excerpt}")]
    NotJson {
        /// HTTP status.
        status: u16,
        /// A short, safe excerpt of the body (tags stripped, cut to ~120 chars).
        excerpt: String,
    },
    /// A configuration problem (upload redirected, bad settings file, unknown profile...).
    #[error("{0}")]
    Config(String),
    /// The input was refused before sending anything.
    #[error("{0}")]
    InvalidInput(String),
    /// A file operation failed.
    #[error("{context}: {source}")]
    Io {
        /// What was being done, naming the path.
        context: String,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// Image decode/resize/encode failure.
    #[error("{0}")]
    Image(String),
    /// The history database failed.
    #[error("History database: {0}")]
    History(String),
    /// The key store failed.
    #[error("Key store: {0}")]
    Keyring(String),
}

impl Error {
    /// The category of this error.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Network { .. } => ErrorKind::Network,
            Error::Timeout { .. } => ErrorKind::Timeout,
            Error::Auth { .. } => ErrorKind::Auth,
            Error::Rejected { .. } => ErrorKind::Rejected,
            Error::NotJson { .. } => ErrorKind::NotJson,
            Error::Config(_) => ErrorKind::Config,
            Error::InvalidInput(_) => ErrorKind::InvalidInput,
            Error::Io { .. } => ErrorKind::Io,
            Error::Image(_) => ErrorKind::Image,
            Error::History(_) => ErrorKind::History,
            Error::Keyring(_) => ErrorKind::Keyring,
        }
    }

    /// Whether trying again later may succeed (network faults, timeouts, 5xx, the HTML maintenance
    /// page). A broken JSON answer is not: the server got the file and may have stored it, and a
    /// second copy (or "Duplicated upload") is worse than asking the person.
    pub fn is_transient(&self) -> bool {
        use crate::api::response::{BROKEN_JSON, JSON_WITHOUT_URL};
        match self {
            Error::Network { .. } | Error::Timeout { .. } => true,
            Error::NotJson { status, excerpt } => {
                *status >= 500
                    || (*status == 200
                        && !excerpt.starts_with(BROKEN_JSON)
                        && !excerpt.starts_with(JSON_WITHOUT_URL))
            }
            _ => false,
        }
    }

    /// Whether the server refused the upload for uploading too much ("Flooding detected", 130):
    /// retrying at once only makes it worse, so the whole server is paused.
    pub fn is_flooding(&self) -> bool {
        matches!(self, Error::Rejected { message, .. } if message.to_lowercase().starts_with("flooding detected"))
    }

    /// Builds an [`Error::Io`] naming the path involved.
    pub fn io(what: &str, path: &Path, source: std::io::Error) -> Self {
        Error::Io { context: format!("{what} {}", path.display()), source }
    }

    /// Shorthand for [`Error::InvalidInput`].
    pub fn invalid(msg: impl Into<String>) -> Self {
        Error::InvalidInput(msg.into())
    }
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        Error::History(e.to_string())
    }
}

/// The `{kind, message}` shape the UI and `--json` output receive.
#[derive(Debug, Clone, Serialize)]
pub struct ErrorPayload {
    /// Category.
    pub kind: ErrorKind,
    /// Human-readable message.
    pub message: String,
}

impl From<&Error> for ErrorPayload {
    fn from(e: &Error) -> Self {
        ErrorPayload { kind: e.kind(), message: e.to_string() }
    }
}
