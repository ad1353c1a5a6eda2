//! Which server an upload goes to and with which key and defaults: a named profile from the
//! settings, or an ad-hoc `--server URL` whose key comes from `SLINGSHOT_API_KEY`.

use crate::api::{KeyMode, ServerConfig};
use crate::config::{KeyStore, ProfileDefaults, Settings};
use crate::error::{Error, Result};

/// A resolved destination.
#[derive(Debug, Clone)]
pub struct Target {
    /// Profile name recorded in the history (the host name for `--server`).
    pub profile_name: String,
    /// URL, key and key mode.
    pub server: ServerConfig,
    /// The profile's default options.
    pub defaults: ProfileDefaults,
}

/// Parses a base URL given by a person, adding `https://` when the scheme is missing.
pub fn parse_base_url(s: &str) -> Result<url::Url> {
    let with_scheme = if s.contains("://") { s.to_string() } else { format!("https://{s}") };
    let u = url::Url::parse(&with_scheme)
        .map_err(|e| Error::Config(format!("{s}: not a valid server address ({e})")))?;
    if !matches!(u.scheme(), "http" | "https") || u.host_str().is_none() {
        return Err(Error::Config(format!("{s}: the server address must be an http(s) URL")));
    }
    if u.query().is_some() {
        return Err(Error::Config(format!("{s}: the server address must not have a query string")));
    }
    Ok(u)
}

/// Resolves `--profile NAME` / `--server URL` (or the default profile) to a target.
pub fn resolve(
    settings: &Settings,
    keys: &KeyStore,
    profile: Option<&str>,
    server: Option<&str>,
) -> Result<Target> {
    if let Some(s) = server {
        let base_url = parse_base_url(s)?;
        let name = base_url.host_str().unwrap_or("server").to_string();
        // An ad-hoc server takes its key from SLINGSHOT_API_KEY (KeyStore checks it first).
        let key = keys.get(&name)?.map(|(k, _)| k);
        let server = ServerConfig { base_url, key, key_mode: KeyMode::Header, allow_insecure_http: false };
        return Ok(Target { profile_name: name, server, defaults: ProfileDefaults::default() });
    }
    if settings.profiles.is_empty() {
        return Err(Error::Config(
            "No server is configured: pass --server URL (with the key in SLINGSHOT_API_KEY), or add a profile with \
             `slingshot-cli config set profiles.NAME.base_url URL` and `slingshot-cli config set-key --profile NAME`"
                .into(),
        ));
    }
    let p = settings.profile(profile)?;
    let base_url = parse_base_url(&p.base_url)?;
    let key = keys.get(&p.name)?.map(|(k, _)| k);
    if key.is_none() {
        return Err(Error::Config(format!(
            "Profile {} has no API key: run `slingshot-cli config set-key --profile {}` and paste the key",
            p.name, p.name
        )));
    }
    let server =
        ServerConfig { base_url, key, key_mode: p.key_mode, allow_insecure_http: p.allow_insecure_http };
    Ok(Target { profile_name: p.name.clone(), server, defaults: p.defaults.clone() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls() {
        assert_eq!(
            parse_base_url("img.example.com").map(|u| u.to_string()).ok().as_deref(),
            Some("https://img.example.com/")
        );
        assert!(parse_base_url("ftp://x").is_err());
        assert!(parse_base_url("https://x/?a=b").is_err());
    }
}
