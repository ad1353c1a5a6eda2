//! The API key as a redacted newtype: it prints as `chv_…(redacted)` in Debug and Display, so it
//! can't leak into logs or error messages by accident. Only [`ApiKey::expose`] reveals it, and only
//! the HTTP client calls that.

use std::fmt;

/// An API key. Debug and Display never show it.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    /// Wraps a key, trimming surrounding whitespace (keys pasted from a web page often carry a
    /// trailing newline). Returns `None` for an empty key.
    pub fn new(key: impl Into<String>) -> Option<Self> {
        let k = key.into();
        let t = k.trim();
        if t.is_empty() {
            None
        } else {
            Some(ApiKey(t.to_string()))
        }
    }

    /// The key itself, for the request header or form field and for the key store only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

impl fmt::Display for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_hide_the_key() {
        let k = ApiKey::new("chv_abc_secretsecret\n").expect("non-empty");
        assert_eq!(k.expose(), "chv_abc_secretsecret");
        assert!(!format!("{k:?}").contains("secret"));
        assert!(!format!("{k}").contains("secret"));
        assert!(ApiKey::new("  ").is_none());
    }
}
