//! `slingshot-cli serve`: runs the local Chevereto-compatible host until Ctrl+C.

use super::args::ServeArgs;
use crate::error::Result;
use crate::host::{self, HostConfig};

/// Starts the host in the foreground.
pub async fn run(a: ServeArgs) -> Result<bool> {
    let data = match a.data {
        Some(d) => d,
        None => crate::config::Paths::resolve()?.sandbox_dir(),
    };
    let key = match a.key {
        Some(k) => k,
        None => {
            let k = host::generate_key();
            // A fresh key for a local server the person just started: they need to see it once.
            println!("API key for this server: {k}");
            k
        }
    };
    let mut cfg = HostConfig::new(data);
    cfg.addr = a.addr;
    cfg.keys = vec![key];
    cfg.allow_url_uploads = a.allow_url_uploads;
    cfg.sink = a.sink;
    let running = host::Host::start(cfg).await?;
    println!("Serving on {} (Ctrl+C to stop)", running.base_url());
    let _ = tokio::signal::ctrl_c().await;
    running.shutdown().await;
    Ok(true)
}
