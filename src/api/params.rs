//! Validation of the upload parameters before anything is sent. The server accepts bad values
//! silently and does harm with them (an invalid expiration deletes the file in 5 minutes, bad tags
//! vanish, a numeric album id is ignored, a non-numeric category is an SQL error), so every value
//! is checked or normalised here, and anything changed is reported as a warning.

use crate::api::types::UploadOptions;
use crate::error::{Error, Result};
use std::time::Duration;

/// The expiration values the server lists (it also takes seconds or any ISO 8601 duration).
pub const SERVER_EXPIRATIONS: &[&str] = &[
    "PT5M", "PT15M", "PT30M", "PT1H", "PT3H", "PT6H", "PT12H", "P1D", "P2D", "P3D", "P4D", "P5D", "P6D",
    "P1W", "P2W", "P3W", "P1M", "P2M", "P3M", "P4M", "P5M", "P6M", "P1Y",
];

/// Shortest expiration the server honours; anything shorter silently becomes this.
const MIN_EXPIRATION: Duration = Duration::from_secs(5 * 60);
/// Longest expiration the server honours (365 days).
const MAX_EXPIRATION: Duration = Duration::from_secs(365 * 86_400);
/// The server cuts titles to this many characters.
const MAX_TITLE_CHARS: usize = 100;
/// The server drops tags longer than this.
const MAX_TAG_CHARS: usize = 32;

/// Options checked and normalised by [`validate`], with what was changed.
#[derive(Debug, Clone, PartialEq)]
pub struct Validated {
    /// The options to send.
    pub options: UploadOptions,
    /// Human-readable notes about values that were changed (truncated title, upper-cased expiration...).
    pub warnings: Vec<String>,
}

/// Checks and normalises upload options. Refuses (with [`Error::InvalidInput`]) what the server
/// would silently mishandle; fixes what can be fixed without changing the meaning, with a warning.
pub fn validate(opts: &UploadOptions) -> Result<Validated> {
    let mut o = opts.clone();
    let mut warnings = Vec::new();

    o.expiration = match opts.expiration.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(e) => Some(normalise_expiration(e, &mut warnings)?),
    };

    let mut tags = Vec::new();
    for tag in &opts.tags {
        let t = tag.trim();
        if t.is_empty() {
            continue;
        }
        if t.chars().count() > MAX_TAG_CHARS {
            return Err(Error::invalid(format!(
                "The tag \"{t}\" is longer than {MAX_TAG_CHARS} characters; the server would drop it silently"
            )));
        }
        if let Some(c) = t.chars().find(|c| matches!(c, ',' | '/' | '#')) {
            return Err(Error::invalid(format!(
                "The tag \"{t}\" holds '{c}'; the server drops tags containing ',', '/' or '#' (give several tags separately)"
            )));
        }
        if !tags.iter().any(|x: &String| x == t) {
            tags.push(t.to_string());
        }
    }
    o.tags = tags;

    o.title = match opts.title.as_deref() {
        None => None,
        Some(t) if t.trim().is_empty() => None,
        Some(t) if t.chars().count() > MAX_TITLE_CHARS => {
            warnings.push(format!(
                "The title is longer than {MAX_TITLE_CHARS} characters; it was cut to the first {MAX_TITLE_CHARS}"
            ));
            Some(t.chars().take(MAX_TITLE_CHARS).collect())
        }
        Some(t) => Some(t.to_string()),
    };

    o.album_id = match opts.album_id.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(a) => Some(parse_album_id(a)?),
    };

    o.category_id = match opts.category_id.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(c) if c.bytes().all(|b| b.is_ascii_digit()) => Some(c.to_string()),
        Some(c) => {
            return Err(Error::invalid(format!(
                "The category id \"{c}\" is not a number; use the category's numeric id"
            )))
        }
    };

    if o.width == Some(0) {
        return Err(Error::invalid("The width must be at least 1 pixel"));
    }

    Ok(Validated { options: o, warnings })
}

/// Accepts an expiration as given, or upper-cased (the server treats `pt15m` as invalid, so it is
/// sent upper-cased with a warning). Anything else is refused.
fn normalise_expiration(e: &str, warnings: &mut Vec<String>) -> Result<String> {
    match parse_expiration(e) {
        Ok(_) => Ok(e.to_string()),
        Err(first) => {
            let upper = e.to_ascii_uppercase();
            if upper != e && parse_expiration(&upper).is_ok() {
                warnings.push(format!(
                    "The expiration \"{e}\" was sent as \"{upper}\" (the server only understands upper case)"
                ));
                Ok(upper)
            } else {
                Err(first)
            }
        }
    }
}

/// Parses an expiration the way the server does: one of [`SERVER_EXPIRATIONS`], a number of
/// seconds, or an ISO 8601 duration (`P1Y2M3W4DT5H6M7S`, upper case, whole numbers; a year counts
/// 365 days and a month 30). Refuses anything outside 5 minutes ..= 365 days, because the server
/// would silently turn it into 5 minutes.
pub fn parse_expiration(s: &str) -> Result<Duration> {
    let d = if s.is_empty() {
        None
    } else if s.bytes().all(|b| b.is_ascii_digit()) {
        // Too many digits to fit is certainly over a year: report it as out of range.
        Some(s.parse::<u64>().map(Duration::from_secs).unwrap_or(Duration::MAX))
    } else {
        parse_iso_duration(s)
    };
    let Some(d) = d else {
        return Err(Error::invalid(format!(
            "The expiration \"{}\" is not understood (the server would delete the file after 5 minutes); \
             use one of {}, a number of seconds, or an ISO 8601 duration such as P10D",
            safe_excerpt(s),
            SERVER_EXPIRATIONS.join(" ")
        )));
    };
    if d < MIN_EXPIRATION || d > MAX_EXPIRATION {
        return Err(Error::invalid(format!(
            "The expiration \"{}\" is outside what the server honours (5 minutes to 365 days); \
             it would silently be changed. Use for example PT5M, P1D or P1Y",
            safe_excerpt(s)
        )));
    }
    Ok(d)
}

/// `P[nY][nM][nW][nD][T[nH][nM][nS]]` with at least one component; `None` when malformed.
fn parse_iso_duration(s: &str) -> Option<Duration> {
    let rest = s.strip_prefix('P')?;
    let (date, time) = match rest.split_once('T') {
        Some((d, t)) => (d, Some(t)),
        None => (rest, None),
    };
    let mut secs: u64 = 0;
    let mut parts = 0;
    secs = secs.saturating_add(components(
        date,
        &[('Y', 365 * 86_400), ('M', 30 * 86_400), ('W', 7 * 86_400), ('D', 86_400)],
        &mut parts,
    )?);
    if let Some(t) = time {
        let before = parts;
        secs = secs.saturating_add(components(t, &[('H', 3600), ('M', 60), ('S', 1)], &mut parts)?);
        if parts == before {
            return None; // a bare "T" is malformed
        }
    }
    (parts > 0).then(|| Duration::from_secs(secs))
}

/// Sums `<digits><unit>` groups whose units appear in `units`' order, each at most once.
fn components(mut s: &str, units: &[(char, u64)], parts: &mut usize) -> Option<u64> {
    let mut total: u64 = 0;
    let mut next = 0;
    while !s.is_empty() {
        let digits = s.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        let n: u64 = s[..digits].parse().unwrap_or(u64::MAX);
        let unit = s[digits..].chars().next()?;
        let pos = units[next..].iter().position(|(u, _)| *u == unit)? + next;
        total = total.saturating_add(n.saturating_mul(units[pos].1));
        next = pos + 1;
        *parts += 1;
        s = &s[digits + unit.len_utf8()..];
    }
    Some(total)
}

/// Refuses a server-side `width` wider than the image: the server answers error 610 and does not
/// upscale.
pub fn check_width(requested: u32, image_width: u32) -> Result<()> {
    if requested == 0 {
        return Err(Error::invalid("The width must be at least 1 pixel"));
    }
    if requested > image_width {
        return Err(Error::invalid(format!(
            "The width {requested} px is wider than the image ({image_width} px); the server does not \
             enlarge images and would refuse the upload. Use a width of at most {image_width}"
        )));
    }
    Ok(())
}

/// Extracts an album's encoded id from the id itself or a full album URL (`/album/<slug>.<id>` or
/// `/album/<id>`). A numeric-only id is refused: the server silently ignores database ids.
pub fn parse_album_id(s: &str) -> Result<String> {
    let s = s.trim();
    let last = if s.contains("://") {
        let url = url::Url::parse(s).map_err(|e| {
            Error::invalid(format!("The album URL \"{}\" is not valid: {e}", safe_excerpt(s)))
        })?;
        album_segment(url.path()).ok_or_else(|| not_album_url(s))?
    } else if s.contains('/') {
        album_segment(s.split(['?', '#']).next().unwrap_or(s)).ok_or_else(|| not_album_url(s))?
    } else {
        s.to_string()
    };
    // `<slug>.<id>`: the id is after the last dot.
    let id = last.rsplit('.').next().unwrap_or(&last).to_string();
    if id.is_empty() || !id.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(Error::invalid(format!(
            "\"{}\" is not an album id; give the album's URL or the encoded id at its end (for \
             https://host/album/holidays.AbC1 the id is AbC1)",
            safe_excerpt(s)
        )));
    }
    if id.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::invalid(format!(
            "The album id \"{id}\" is a number; the server ignores numeric ids silently. Use the \
             encoded id at the end of the album's URL (for https://host/album/holidays.AbC1 it is AbC1)"
        )));
    }
    Ok(id)
}

/// The path segment after `album` in a path such as `/sub/album/holidays.AbC1/`.
fn album_segment(path: &str) -> Option<String> {
    let segs: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    let i = segs.iter().position(|p| *p == "album")?;
    segs.get(i + 1).map(|s| s.to_string())
}

fn not_album_url(s: &str) -> Error {
    Error::invalid(format!(
        "\"{}\" is not an album URL (expected .../album/<name>.<id>); give the album's URL or its encoded id",
        safe_excerpt(s)
    ))
}

/// Cuts user input quoted back in a message, so a pasted blob does not flood the error.
fn safe_excerpt(s: &str) -> String {
    let cut: String = s.chars().filter(|c| !c.is_control()).take(60).collect();
    if cut.chars().count() < s.chars().count() {
        format!("{cut}…")
    } else {
        cut
    }
}

#[cfg(test)]
#[path = "params_tests.rs"]
mod tests;
