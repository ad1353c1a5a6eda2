//! The "local sandbox": the project's own host started in-process on 127.0.0.1, so the app works
//! on a fresh machine with nothing configured. Its key and port persist in the sandbox folder, so
//! links in the history keep working across restarts.

use crate::api::{KeyMode, ServerConfig};
use crate::config::{Paths, ProfileDefaults};
use crate::error::{Error, Result};
use crate::fsutil;
use crate::host::{self, Host, HostConfig};
use crate::pipeline::Target;
use crate::secret::ApiKey;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::Path;

/// Name of the sandbox profile as shown in the UI and recorded in the history.
pub const PROFILE_NAME: &str = "Local sandbox";
/// Port tried first on a new machine.
const PREFERRED_PORT: u16 = 7780;

/// A running sandbox host and the target that uploads to it.
pub struct Sandbox {
    /// The running host (stops when dropped).
    pub host: Host,
    /// Upload target for the pipeline.
    pub target: Target,
}

/// Starts the sandbox host for these paths, reusing its key and port when possible.
pub async fn start(paths: &Paths) -> Result<Sandbox> {
    let dir = paths.sandbox_dir();
    std::fs::create_dir_all(&dir).map_err(|e| Error::io("Cannot create", &dir, e))?;
    let key = read_or_create(&dir.join("api-key"), host::generate_key)?;
    let port_file = dir.join("port");
    let saved = std::fs::read_to_string(&port_file).ok().and_then(|s| s.trim().parse::<u16>().ok());
    let mut last_err = None;
    for port in [saved.unwrap_or(PREFERRED_PORT), 0] {
        let mut cfg = HostConfig::new(dir.join("data"));
        cfg.addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        cfg.keys = vec![key.clone()];
        match Host::start(cfg).await {
            Ok(h) => {
                let _ = fsutil::write_private(&port_file, h.addr().port().to_string().as_bytes());
                let server = ServerConfig {
                    base_url: h.base_url(),
                    key: ApiKey::new(key.clone()),
                    key_mode: KeyMode::Header,
                    allow_insecure_http: false,
                };
                let target = Target {
                    profile_name: PROFILE_NAME.to_string(),
                    server,
                    defaults: ProfileDefaults::default(),
                };
                return Ok(Sandbox { host: h, target });
            }
            Err(e) => last_err = Some(e),
        }
    }
    Err(last_err.unwrap_or_else(|| Error::Config("The local sandbox could not start".into())))
}

fn read_or_create(path: &Path, make: fn() -> String) -> Result<String> {
    if let Ok(s) = std::fs::read_to_string(path) {
        let s = s.trim().to_string();
        if !s.is_empty() {
            return Ok(s);
        }
    }
    let k = make();
    fsutil::write_private(path, k.as_bytes())?;
    Ok(k)
}
