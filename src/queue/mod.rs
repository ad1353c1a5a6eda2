//! The persistent upload queue. Every upload is a history row before any byte is sent; this module
//! decides when a row is (re)sent: retries with backoff and jitter for faults that may clear, a
//! per-server pause after "Flooding detected", bounded concurrency per server, cancellation (also
//! from another process), and taking over rows whose process died mid-upload.

pub mod gate;
pub mod owner;
pub mod policy;
mod runner;

pub use gate::{Gate, Gates};
pub use policy::{Mode, RetryPolicy, Verdict};
pub use runner::{send, Ctx, Sent, Unsent};

use crate::config::Settings;
use crate::error::Result;
use crate::history::{Entry, History};
use std::collections::HashSet;
use std::sync::{Mutex, PoisonError};

/// This process's view of the queue: how it retries, its per-server gates, and the jobs it is
/// running right now (so its worker doesn't start them twice).
#[derive(Debug)]
pub struct Queue {
    /// Retry and pause settings.
    pub policy: RetryPolicy,
    /// One-shot (CLI) or long-running (app).
    pub mode: Mode,
    /// Per-server slots and pauses.
    pub gates: Gates,
    active: Mutex<HashSet<i64>>,
}

impl Queue {
    /// A queue with the settings' retry policy and per-server concurrency.
    pub fn new(settings: &Settings, mode: Mode) -> Queue {
        let per_server = usize::try_from(settings.app.concurrency.clamp(1, 16)).unwrap_or(3);
        Queue {
            policy: RetryPolicy::from(&settings.queue),
            mode,
            gates: Gates::new(per_server),
            active: Mutex::new(HashSet::new()),
        }
    }

    /// Marks a job as running in this process; `false` if it already is.
    pub fn start(&self, id: i64) -> bool {
        self.active.lock().unwrap_or_else(PoisonError::into_inner).insert(id)
    }

    /// Marks a job as no longer running in this process.
    pub fn finish(&self, id: i64) {
        self.active.lock().unwrap_or_else(PoisonError::into_inner).remove(&id);
    }

    /// Whether this process is running the job.
    pub fn is_running(&self, id: i64) -> bool {
        self.active.lock().unwrap_or_else(PoisonError::into_inner).contains(&id)
    }

    /// Queued jobs that are due now and that nobody alive is sending: rows of crashed or exited
    /// processes, rows this process left waiting, and rows queued by nobody. Paused servers wait.
    pub fn due(&self, history: &History) -> Result<Vec<Entry>> {
        let now = crate::history::now()?;
        Ok(history
            .due(&now)?
            .into_iter()
            .filter(|e| self.takeable(e))
            .filter(|e| self.gates.get(&e.server).paused_for().is_none())
            .collect())
    }

    /// Whether this process may take the row: not running here, and its owner (if any) is gone or
    /// is this process.
    pub fn takeable(&self, e: &Entry) -> bool {
        !self.is_running(e.id) && e.owner.as_deref().is_none_or(|o| o == owner::me() || !owner::is_alive(o))
    }
}
