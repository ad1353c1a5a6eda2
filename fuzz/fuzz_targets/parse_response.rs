//! Fuzzes `slingshot::api::response::parse_response`, the parser of every answer a server can
//! give to an upload: any status, Location, Content-Type and body, in each requested format, must
//! give a URL or a typed error, never a panic. The first input bytes pick the status, format and
//! headers; the rest is the body.

#![no_main]

use libfuzzer_sys::fuzz_target;
use slingshot::api::response::parse_response;
use slingshot::api::Format;

/// Statuses a server or a proxy in front of it may answer.
const STATUSES: [u16; 16] = [200, 201, 204, 301, 302, 303, 307, 308, 400, 401, 403, 404, 413, 500, 502, 503];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else { return };
    let status = STATUSES[usize::from(pick) % STATUSES.len()];
    let format = match (pick >> 4) % 3 {
        0 => Format::Json,
        1 => Format::Txt,
        _ => Format::Redirect,
    };
    // An optional Location and Content-Type, each up to the first NUL of the input.
    let mut fields = rest.splitn(3, |b| *b == 0);
    let (first, second, body) = (fields.next(), fields.next(), fields.next());
    let (location, content_type, body) = match (first, second, body) {
        (Some(l), Some(c), Some(b)) => {
            (Some(String::from_utf8_lossy(l)), Some(String::from_utf8_lossy(c)), b)
        }
        _ => (None, None, rest),
    };
    let base = if pick & 0x08 == 0 { "https://img.example.com/" } else { "http://127.0.0.1:8080/sub/" };
    let Ok(base) = url::Url::parse(base) else { return };
    let r = parse_response(status, location.as_deref(), content_type.as_deref(), body, format, &base);
    // Whatever the outcome, it must be printable (Display and Debug never panic either).
    match r {
        Ok(up) => {
            let _ = format!("{up:?}");
        }
        Err(e) => {
            let _ = (e.to_string(), format!("{e:?}"), e.kind(), e.is_transient());
        }
    }
});
