//! The error the window and the tray receive: `{ kind, message }`, where `kind` is the core's
//! [`crate::error::ErrorKind`] name (`network`, `auth`...) or `app` for failures of the shell
//! itself (no window, no clipboard, a toolkit call that failed). Messages never hold a key or
//! delete URL.

use crate::error::ErrorPayload;
use serde::Serialize;

/// A command's error as the UI receives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CmdError {
    /// The error category, snake_case.
    pub kind: String,
    /// What went wrong, in words a person can act on.
    pub message: String,
}

/// The result type of every command.
pub type CmdResult<T> = Result<T, CmdError>;

impl CmdError {
    /// A failure of the shell (not of the core).
    pub fn app(message: impl Into<String>) -> Self {
        CmdError { kind: "app".into(), message: message.into() }
    }
}

impl From<&crate::Error> for CmdError {
    fn from(e: &crate::Error) -> Self {
        let p = ErrorPayload::from(e);
        // ErrorKind serialises as a plain snake_case string; "app" only if that ever changed.
        let kind = serde_json::to_value(p.kind).ok().and_then(|v| v.as_str().map(String::from));
        CmdError { kind: kind.unwrap_or_else(|| "app".into()), message: p.message }
    }
}

impl From<crate::Error> for CmdError {
    fn from(e: crate::Error) -> Self {
        CmdError::from(&e)
    }
}

impl std::fmt::Display for CmdError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn core_errors_keep_their_kind_and_message() {
        let e = CmdError::from(crate::Error::invalid("nothing to upload"));
        assert_eq!(e.kind, "invalid_input");
        assert_eq!(e.message, "nothing to upload");
        let net = CmdError::from(crate::Error::Network { host: "h".into(), reason: "refused".into() });
        let json = serde_json::to_value(&net).unwrap_or_default();
        assert_eq!(json["kind"], "network");
        assert_eq!(json["message"], "Could not reach h: refused");
        assert_eq!(CmdError::app("x").kind, "app");
    }
}
