//! `slingshot-cli history` and `slingshot-cli delete`.

use super::args::HistoryArgs;
use crate::error::{Error, Result};
use crate::history::{Entry, Query, Status};

/// Prints the history, newest first. Delete links are left out unless asked for: opening one
/// deletes the upload.
pub fn list(a: HistoryArgs) -> Result<bool> {
    let core = super::open_core()?;
    let q = Query { limit: Some(a.limit), search: a.search.clone(), status: None };
    let mut entries = core.history.list(&q)?;
    if !a.show_delete_urls {
        for e in &mut entries {
            if let Some(u) = e.uploaded.as_mut() {
                u.delete_url = None;
            }
        }
    }
    if a.json {
        let s = serde_json::to_string_pretty(&entries).map_err(|e| Error::History(e.to_string()))?;
        println!("{s}");
        return Ok(true);
    }
    if entries.is_empty() {
        eprintln!("No uploads yet.");
    }
    for e in &entries {
        println!("{}", line(e, a.show_delete_urls));
    }
    Ok(true)
}

fn line(e: &Entry, show_delete: bool) -> String {
    let status =
        serde_json::to_value(e.status).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default();
    let what = match (&e.status, &e.uploaded) {
        (Status::Failed, _) => e.error.clone().unwrap_or_default(),
        (_, Some(u)) => {
            let link = u.url_short.clone().or_else(|| u.url_viewer.clone()).unwrap_or_else(|| u.url.clone());
            match (&u.delete_url, show_delete) {
                (Some(d), true) => format!("{link}  delete: {d}"),
                _ => link,
            }
        }
        _ => String::new(),
    };
    format!("{:>5}  {:<8}  {}  {}  {}", e.id, status, e.created_at, what, e.source)
}

/// Deletes an upload on its server. `target` is a history id or any URL of a history entry.
pub async fn delete(target: &str) -> Result<bool> {
    let core = super::open_core()?;
    let id = match target.parse::<i64>() {
        Ok(id) => id,
        Err(_) => core
            .history
            .find_by_url(target)?
            .map(|e| e.id)
            .ok_or_else(|| Error::invalid(format!("{target}: no upload in the history has this URL")))?,
    };
    let entry = crate::pipeline::delete_remote(&core, id).await?;
    println!("Deleted #{id} ({})", entry.source);
    Ok(true)
}
