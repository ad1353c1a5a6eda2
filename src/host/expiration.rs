//! The `expiration` parameter, as the real server reads it, and the sweep that deletes expired
//! uploads. The server never refuses a bad value: anything it cannot read silently becomes the
//! minimum (5 minutes), and everything is clamped to 5 minutes .. 365 days.

use super::Shared;
use std::sync::Arc;
use time::{Date, Month, OffsetDateTime};

/// The shortest lifetime the server allows, in seconds.
pub(crate) const MIN_SECS: i64 = 5 * 60;
/// The longest lifetime the server allows, in seconds.
pub(crate) const MAX_SECS: i64 = 365 * 24 * 3600;

/// How many seconds from `now` an upload with this `expiration` value lives.
///
/// The server's documented list (`PT5M` .. `P1Y`) is a subset of ISO 8601 durations, so one parser
/// covers both; a plain number is seconds. Months and years are calendar ones, as PHP's
/// `DateInterval` adds them.
pub(crate) fn lifetime_secs(value: &str, now: OffsetDateTime) -> i64 {
    let v = value.trim();
    let secs =
        if let Ok(n) = v.parse::<i64>() { Some(n) } else { parse_iso(v).and_then(|d| d.seconds_from(now)) };
    secs.unwrap_or(MIN_SECS).clamp(MIN_SECS, MAX_SECS)
}

/// The expiry instant (unix seconds) for `value` relative to `now`.
pub(crate) fn expires_at(value: &str, now: OffsetDateTime) -> i64 {
    now.unix_timestamp() + lifetime_secs(value, now)
}

/// A parsed ISO 8601 duration (integer components only, as PHP accepts them).
#[derive(Debug, Default, PartialEq)]
struct IsoDuration {
    years: i64,
    months: i64,
    days: i64,
    secs: i64,
}

impl IsoDuration {
    /// Seconds from `now` to `now + self`, with calendar months and years.
    fn seconds_from(&self, now: OffsetDateTime) -> Option<i64> {
        let total_months = self.years.checked_mul(12)?.checked_add(self.months)?;
        let shifted = add_months(now.date(), total_months)?;
        let calendar = (shifted - now.date()).whole_seconds();
        calendar.checked_add(self.days.checked_mul(86_400)?)?.checked_add(self.secs)
    }
}

/// Parses `P[nY][nM][nW][nD][T[nH][nM][nS]]` (case-sensitive, like PHP). `None` when malformed.
fn parse_iso(s: &str) -> Option<IsoDuration> {
    let rest = s.strip_prefix('P')?;
    let mut d = IsoDuration::default();
    let mut in_time = false;
    let mut num = String::new();
    let mut any = false;
    for c in rest.chars() {
        match c {
            '0'..='9' => num.push(c),
            'T' if !in_time && num.is_empty() => in_time = true,
            _ => {
                if num.is_empty() {
                    return None;
                }
                let n: i64 = num.parse().ok()?;
                num.clear();
                any = true;
                match (in_time, c) {
                    (false, 'Y') => d.years += n,
                    (false, 'M') => d.months += n,
                    (false, 'W') => d.days += n.checked_mul(7)?,
                    (false, 'D') => d.days += n,
                    (true, 'H') => d.secs += n.checked_mul(3600)?,
                    (true, 'M') => d.secs += n.checked_mul(60)?,
                    (true, 'S') => d.secs += n,
                    _ => return None,
                }
            }
        }
    }
    if !num.is_empty() || !any {
        return None;
    }
    Some(d)
}

/// `date` plus `months` calendar months, the day clamped to the target month's length.
fn add_months(date: Date, months: i64) -> Option<Date> {
    let index = i64::from(date.year()) * 12 + i64::from(u8::from(date.month())) - 1 + months;
    let year = i32::try_from(index.div_euclid(12)).ok()?;
    let month = Month::try_from(u8::try_from(index.rem_euclid(12) + 1).ok()?).ok()?;
    let day = date.day().min(month.length(year));
    Date::from_calendar_date(year, month, day).ok()
}

/// Deletes every upload whose expiry has passed, files and record. Runs at start and then
/// periodically; serving also checks expiry, so an upload stops being reachable on time even
/// between sweeps.
pub(crate) async fn sweep(shared: &Arc<Shared>) {
    let sh = Arc::clone(shared);
    let res = tokio::task::spawn_blocking(move || {
        let now = OffsetDateTime::now_utc().unix_timestamp();
        let ids = sh.store.expired(now)?;
        for id in &ids {
            sh.delete_upload(id)?;
        }
        Ok::<usize, crate::Error>(ids.len())
    })
    .await;
    match res {
        Ok(Ok(0)) => {}
        Ok(Ok(n)) => tracing::debug!(count = n, "deleted expired uploads"),
        Ok(Err(e)) => tracing::warn!(error = %e, "expiry sweep failed"),
        Err(e) => tracing::warn!(error = %e, "expiry sweep task failed"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2024-01-31 12:00:00 UTC);

    #[test]
    fn accepted_list_values() {
        assert_eq!(lifetime_secs("PT5M", NOW), 300);
        assert_eq!(lifetime_secs("PT15M", NOW), 900);
        assert_eq!(lifetime_secs("PT12H", NOW), 12 * 3600);
        assert_eq!(lifetime_secs("P3D", NOW), 3 * 86_400);
        assert_eq!(lifetime_secs("P2W", NOW), 14 * 86_400);
        // Jan 31 + 1 month = Feb 29 (2024 is a leap year; the day is clamped).
        assert_eq!(lifetime_secs("P1M", NOW), 29 * 86_400);
        assert_eq!(lifetime_secs("P1Y", NOW), MAX_SECS);
    }

    #[test]
    fn seconds_and_other_iso_durations() {
        assert_eq!(lifetime_secs("3600", NOW), 3600);
        assert_eq!(lifetime_secs("PT2H30M", NOW), 9000);
        assert_eq!(lifetime_secs("P1DT1S", NOW), 86_401);
    }

    #[test]
    fn invalid_values_become_five_minutes() {
        for v in ["garbage", "pt15m", "PT1M", "P", "PT", "P1", "PT1D", "", "-5", "0", "1.5"] {
            assert_eq!(lifetime_secs(v, NOW), MIN_SECS, "{v:?}");
        }
    }

    #[test]
    fn clamped_to_a_year() {
        assert_eq!(lifetime_secs("P5Y", NOW), MAX_SECS);
        assert_eq!(lifetime_secs("99999999999", NOW), MAX_SECS);
        assert_eq!(lifetime_secs("P99999999999999Y", NOW), MIN_SECS);
    }

    #[test]
    fn month_arithmetic() {
        let d = |y, m, day| Date::from_calendar_date(y, m, day).ok();
        assert_eq!(add_months(NOW.date(), 1), d(2024, Month::February, 29));
        assert_eq!(add_months(NOW.date(), 12), d(2025, Month::January, 31));
        assert_eq!(add_months(NOW.date(), -1), d(2023, Month::December, 31));
    }
}
