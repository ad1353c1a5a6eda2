//! "Test connection" for a profile: upload a tiny generated PNG that expires in 5 minutes, then
//! delete it through its delete link, and say in words what worked or what to fix. It talks to
//! the server directly through the client: a connection test is not an upload the person made,
//! so it never appears in the history.

use super::{Core, Target};
use crate::api::{Format, Source, UploadOptions};
use crate::error::Error;
use image::codecs::png::FilterType;
use rand::Rng;

/// The outcome of a connection test.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerCheck {
    /// Whether uploads work with this profile.
    pub ok: bool,
    /// What worked, or what failed and what to do about it.
    pub message: String,
    /// The test upload's URL, when the upload went through.
    pub url: Option<String>,
}

/// Tests uploading (and deleting) with `target`. Never fails: every outcome is a [`ServerCheck`].
pub async fn check_server(core: &Core, target: &Target) -> ServerCheck {
    let data = match test_png() {
        Ok(d) => d,
        Err(e) => return fail(format!("Cannot make the test image: {e}")),
    };
    let options = UploadOptions {
        title: Some("Slingshot connection test".into()),
        // The shortest expiration the server knows: if the delete fails, the file still goes away.
        expiration: Some("PT5M".into()),
        // Only the JSON answer carries the delete link.
        format: Format::Json,
        ..UploadOptions::default()
    };
    let source = Source::Bytes { data, filename: "slingshot-test.png".into() };
    let uploaded = match core.client.upload(&target.server, source, &options, None).await {
        Ok(u) => u,
        Err(e) => return fail(explain(&e)),
    };
    let url = Some(uploaded.url.clone());
    let Some(delete_url) = uploaded.delete_url.as_deref() else {
        return ServerCheck {
            ok: true,
            message:
                "Uploads work, but this server gives no delete links, so uploads cannot be deleted from \
                      Slingshot (the test file expires in 5 minutes)"
                    .into(),
            url,
        };
    };
    match core.client.delete(delete_url).await {
        Ok(()) => ServerCheck { ok: true, message: "Upload and delete work".into(), url },
        Err(e) => ServerCheck {
            ok: true,
            message: format!(
                "Uploads work, but deleting the test file failed ({e}); it expires by itself in 5 minutes"
            ),
            url,
        },
    }
}

fn fail(message: String) -> ServerCheck {
    ServerCheck { ok: false, message, url: None }
}

/// Words a person can act on, by error kind. The error's own text already names the host and
/// never holds the key.
fn explain(e: &Error) -> String {
    match e {
        Error::Auth { message } => {
            format!(
                "The server rejected the API key ({message}); paste the key again from the site's settings"
            )
        }
        Error::Network { host, reason } => {
            format!("Could not reach {host} ({reason}); check the server address and your connection")
        }
        Error::Timeout { .. } => e.to_string(),
        Error::NotJson { status, excerpt } => format!(
            "The server answered HTTP {status} with something that is not the upload API ({excerpt}); check \
             that the address is the Chevereto site's and that it is not in maintenance"
        ),
        Error::Rejected { message, code, .. } => {
            format!("The server refused the test upload: {message} (code {code})")
        }
        // Redirects (wrong base URL), plain-http refusals and the rest explain themselves.
        _ => e.to_string(),
    }
}

/// A 64x64 PNG whose pixels spell the current time and some random bits, so no two tests upload
/// the same file (the server refuses a duplicate from the same address for a day).
fn test_png() -> crate::Result<Vec<u8>> {
    let nanos = time::OffsetDateTime::now_utc().unix_timestamp_nanos() as u128;
    let noise: u128 = rand::rng().random();
    // 16x16 cells of 4x4 pixels: the first 128 cells hold the time, the rest the noise.
    let bit = |cell: u32| {
        let (word, i) = if cell < 128 { (nanos, cell) } else { (noise, cell - 128) };
        (word >> i) & 1 == 1
    };
    let img = image::RgbaImage::from_fn(64, 64, |x, y| {
        let cell = (y / 4) * 16 + x / 4;
        let v = if bit(cell) { 230 } else { 25 };
        image::Rgba([v, (x * 4) as u8, (y * 4) as u8, 255])
    });
    let mut out = Vec::new();
    crate::capture::encode_png(&img, &mut out, FilterType::Adaptive)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_images_differ_and_decode() {
        let a = test_png().expect("png");
        let b = test_png().expect("png");
        assert_ne!(a, b);
        let img = image::load_from_memory(&a).expect("decodes");
        assert_eq!((img.width(), img.height()), (64, 64));
    }

    #[test]
    fn explanations_name_the_fix() {
        let auth = explain(&Error::Auth { message: "Invalid API key.".into() });
        assert!(auth.contains("API key"), "{auth}");
        let net = explain(&Error::Network { host: "h.example".into(), reason: "refused".into() });
        assert!(net.starts_with("Could not reach h.example"), "{net}");
        assert_eq!(explain(&Error::Config("redirected".into())), "redirected");
    }
}
