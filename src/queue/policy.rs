//! When to try a failed upload again: exponential backoff with jitter for faults that may clear
//! (connection errors, timeouts, resets, 5xx, the HTML maintenance page), a pause of the whole
//! server for "Flooding detected", and never for the server's other rejections (bad key, bad file,
//! duplicate), which fail at once with the server's message.

use crate::config::QueueSettings;
use crate::error::Error;
use rand::Rng;
use std::time::Duration;

/// How a process runs its jobs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// A one-shot command (the CLI): a few attempts, then the job is marked failed and reported.
    Foreground,
    /// The long-running app: transient faults never fail a job; it waits in the queue (backing
    /// off up to the maximum delay) until the server answers again or the person cancels it.
    Persistent,
}

/// What to do after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Try again after this long.
    Retry(Duration),
    /// The server says we upload too much: pause every job for it this long.
    Pause(Duration),
    /// Don't retry: the job fails with this error.
    GiveUp,
}

/// Backoff settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts per run in [`Mode::Foreground`] (the first one included).
    pub max_attempts: u32,
    /// Delay before the second attempt; each further one doubles it.
    pub base: Duration,
    /// Longest delay between attempts.
    pub max_delay: Duration,
    /// How long a "Flooding detected" answer pauses the server.
    pub flood_pause: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy::from(&QueueSettings::default())
    }
}

impl From<&QueueSettings> for RetryPolicy {
    fn from(q: &QueueSettings) -> Self {
        RetryPolicy {
            max_attempts: q.max_attempts.max(1),
            base: Duration::from_millis(q.retry_base_ms.max(1)),
            max_delay: Duration::from_secs(q.retry_max_secs.max(1)),
            flood_pause: Duration::from_secs(q.flood_pause_secs),
        }
    }
}

impl RetryPolicy {
    /// The delay after the `attempt`-th failure (1-based): `base * 2^(attempt-1)`, capped at
    /// `max_delay`, then "equal jitter" (a random point in its upper half) so that many clients
    /// cut off together don't all come back at the same instant.
    pub fn delay(&self, attempt: u32) -> Duration {
        let exp = attempt.saturating_sub(1).min(30);
        let full = self.base.saturating_mul(1u32 << exp).min(self.max_delay);
        let half = full / 2;
        let jitter_ms = u64::try_from(half.as_millis()).unwrap_or(u64::MAX);
        half + Duration::from_millis(rand::rng().random_range(0..=jitter_ms))
    }

    /// What to do after `attempt` failed attempts (1-based) ended with `error`.
    pub fn verdict(&self, error: &Error, attempt: u32, mode: Mode) -> Verdict {
        if error.is_flooding() {
            return Verdict::Pause(self.flood_pause);
        }
        if !error.is_transient() {
            return Verdict::GiveUp;
        }
        match mode {
            Mode::Foreground if attempt >= self.max_attempts => Verdict::GiveUp,
            _ => Verdict::Retry(self.delay(attempt)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> RetryPolicy {
        RetryPolicy {
            max_attempts: 4,
            base: Duration::from_secs(1),
            max_delay: Duration::from_secs(60),
            flood_pause: Duration::from_secs(600),
        }
    }

    #[test]
    fn delays_double_with_jitter_and_are_capped() {
        let p = policy();
        for _ in 0..200 {
            let d1 = p.delay(1);
            assert!(d1 >= Duration::from_millis(500) && d1 <= Duration::from_secs(1), "{d1:?}");
            let d3 = p.delay(3);
            assert!(d3 >= Duration::from_secs(2) && d3 <= Duration::from_secs(4), "{d3:?}");
            let d20 = p.delay(20);
            assert!(d20 >= Duration::from_secs(30) && d20 <= Duration::from_secs(60), "{d20:?}");
        }
        assert!(p.delay(u32::MAX) <= Duration::from_secs(60));
        let spread: std::collections::HashSet<_> = (0..50).map(|_| p.delay(5)).collect();
        assert!(spread.len() > 10, "jitter spreads the delays");
    }

    #[test]
    fn only_transient_faults_are_retried() {
        let p = policy();
        let net = Error::Network { host: "h".into(), reason: "reset".into() };
        assert!(matches!(p.verdict(&net, 1, Mode::Foreground), Verdict::Retry(_)));
        assert_eq!(p.verdict(&net, 4, Mode::Foreground), Verdict::GiveUp);
        assert!(matches!(p.verdict(&net, 40, Mode::Persistent), Verdict::Retry(_)));
        let maintenance = Error::NotJson { status: 200, excerpt: "Maintenance".into() };
        assert!(matches!(p.verdict(&maintenance, 1, Mode::Foreground), Verdict::Retry(_)));
        let bad_gateway = Error::NotJson { status: 502, excerpt: "Bad Gateway".into() };
        assert!(matches!(p.verdict(&bad_gateway, 1, Mode::Persistent), Verdict::Retry(_)));
        let too_big = Error::NotJson { status: 413, excerpt: "Request Entity Too Large".into() };
        assert_eq!(p.verdict(&too_big, 1, Mode::Persistent), Verdict::GiveUp);
        let dup = Error::Rejected { message: "Duplicated upload".into(), code: "101".into(), status: 400 };
        assert_eq!(p.verdict(&dup, 1, Mode::Persistent), Verdict::GiveUp);
        let key = Error::Auth { message: "Invalid API key".into() };
        assert_eq!(p.verdict(&key, 1, Mode::Persistent), Verdict::GiveUp);
        let flood = Error::Rejected {
            message: "Flooding detected. You can only upload 5 images per hour".into(),
            code: "130".into(),
            status: 400,
        };
        assert_eq!(p.verdict(&flood, 1, Mode::Foreground), Verdict::Pause(Duration::from_secs(600)));
    }
}
