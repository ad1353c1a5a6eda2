//! Per-server gates: at most N uploads at a time to one server (N from the settings), and a pause
//! that holds every job for that server after it answered "Flooding detected".

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// One server's gate.
#[derive(Debug)]
pub struct Gate {
    slots: Arc<Semaphore>,
    paused_until: Mutex<Option<Instant>>,
}

impl Gate {
    /// Waits for a free upload slot to this server.
    pub async fn slot(&self) -> Option<OwnedSemaphorePermit> {
        self.slots.clone().acquire_owned().await.ok()
    }

    /// Holds this server's jobs for `d` (extends, never shortens, a pause in force).
    pub fn pause(&self, d: Duration) {
        let until = Instant::now() + d;
        let mut p = self.paused_until.lock().unwrap_or_else(PoisonError::into_inner);
        if p.is_none_or(|cur| cur < until) {
            *p = Some(until);
        }
    }

    /// How much longer the pause lasts, if one is in force.
    pub fn paused_for(&self) -> Option<Duration> {
        let p = *self.paused_until.lock().unwrap_or_else(PoisonError::into_inner);
        p.and_then(|until| until.checked_duration_since(Instant::now())).filter(|d| !d.is_zero())
    }
}

/// The gates of every server this process talks to, keyed by base URL.
#[derive(Debug)]
pub struct Gates {
    per_server: usize,
    map: Mutex<HashMap<String, Arc<Gate>>>,
}

impl Gates {
    /// Gates allowing `per_server` uploads at a time to each server (at least 1).
    pub fn new(per_server: usize) -> Gates {
        Gates { per_server: per_server.max(1), map: Mutex::new(HashMap::new()) }
    }

    /// The gate for a server, created on first use.
    pub fn get(&self, server: &str) -> Arc<Gate> {
        let mut m = self.map.lock().unwrap_or_else(PoisonError::into_inner);
        m.entry(server.to_string())
            .or_insert_with(|| {
                Arc::new(Gate {
                    slots: Arc::new(Semaphore::new(self.per_server)),
                    paused_until: Mutex::new(None),
                })
            })
            .clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn slots_are_per_server_and_pauses_extend() {
        let g = Gates::new(2);
        let a = g.get("https://a/");
        let (p1, p2) = (a.slot().await, a.slot().await);
        assert!(p1.is_some() && p2.is_some());
        assert_eq!(a.slots.available_permits(), 0, "two uploads at a time to a");
        assert_eq!(g.get("https://b/").slots.available_permits(), 2, "b has its own slots");
        drop(p1);
        assert_eq!(a.slots.available_permits(), 1);
        assert!(a.paused_for().is_none());
        a.pause(Duration::from_secs(60));
        a.pause(Duration::from_secs(1));
        assert!(
            a.paused_for().is_some_and(|d| d > Duration::from_secs(50)),
            "a shorter pause doesn't shorten"
        );
        assert!(g.get("https://b/").paused_for().is_none());
    }
}
