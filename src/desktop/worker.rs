//! The app's queue worker: every few seconds (and once at start) it takes the queued jobs that
//! are due and that no live process is sending (a capture made while offline, a job waiting for
//! its next attempt, an upload interrupted when the app or the CLI was killed) and sends them as
//! a batch per profile, so their links are copied and announced like any other upload.

use super::jobs::{self, Batch, Item, Origin};
use super::Shell;
use crate::history::Entry;
use std::collections::{BTreeMap, HashSet};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

/// How often the queue is looked at. A query on an indexed column: cheap.
const POLL: Duration = Duration::from_secs(3);

/// Starts the worker for the app's whole run.
pub fn init<S: Shell>(app: &S) {
    let app = app.clone();
    app.state().rt.clone().spawn(async move {
        let dispatched: Dispatched = Arc::default();
        let mut tick = tokio::time::interval(POLL);
        loop {
            tick.tick().await;
            run_due(&app, &dispatched);
        }
    });
}

/// Jobs handed to a batch that has not ended yet (they may still wait for an upload slot, before
/// the pipeline marks them running).
type Dispatched = Arc<Mutex<HashSet<i64>>>;

fn lock(d: &Dispatched) -> std::sync::MutexGuard<'_, HashSet<i64>> {
    d.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Starts every due job in the background (jobs already dispatched are not taken again).
fn run_due<S: Shell>(app: &S, dispatched: &Dispatched) {
    let st = app.state();
    let due = match st.core.queue.due(&st.core.history) {
        Ok(d) => d,
        Err(e) => return tracing::debug!("cannot read the upload queue: {e}"),
    };
    if due.is_empty() {
        return;
    }
    tracing::info!(jobs = due.len(), "resuming queued uploads");
    let mut by_profile: BTreeMap<String, Vec<Entry>> = BTreeMap::new();
    for e in due {
        if lock(dispatched).insert(e.id) {
            by_profile.entry(e.profile.clone()).or_default().push(e);
        }
    }
    for (profile, entries) in by_profile {
        let target = match st.target(Some(&profile)).or_else(|_| st.target(None)) {
            Ok(t) => t,
            Err(e) => {
                tracing::warn!("queued uploads for {profile} wait: {e}");
                let mut d = lock(dispatched);
                entries.iter().for_each(|e| {
                    d.remove(&e.id);
                });
                continue;
            }
        };
        let ids: Vec<i64> = entries.iter().map(|e| e.id).collect();
        let items: Vec<Item> = entries.iter().map(|e| Item::resumed(e.id, e.display_name())).collect();
        let (app, dispatched) = (app.clone(), dispatched.clone());
        st.rt.spawn(async move {
            let report = jobs::run(&app, Batch::defaults(target, Origin::Queue), items).await;
            tracing::info!(done = report.done.len(), queued = report.queued.len(), "queue batch ended");
            let mut d = lock(&dispatched);
            for id in &ids {
                d.remove(id);
            }
        });
    }
}
