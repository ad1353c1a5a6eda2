//! `slingshot-cli capture [--region X,Y,W,H | --monitor N | --all | --window ID] [--delay S]
//! [--upload [upload options]] [--output FILE]`: takes the screenshot (portal or grim on
//! Wayland, the X server on X11: the core decides), saves it as PNG before anything else (the captures
//! folder, or FILE), then optionally uploads it, prints the link and copies it. With `--upload`
//! and the desktop app running, the app is handed the job instead, so the clipboard owner is the
//! long-lived app (desktop shortcuts run this command and exit at once).

use super::args::{CaptureArgs, UploadOpts};
use super::{capture_handoff, clipboard, upload_cmd};
use crate::api::Source;
use crate::capture::named::{parse_region, parse_window_id, Named};
use crate::error::{Error, Result};
use crate::links::CopyTarget;
use crate::pipeline::{self, Job};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How long to follow an upload the app was handed before giving up on printing its link.
const APP_UPLOAD_WAIT: Duration = Duration::from_secs(60);

/// Runs the capture command. `Ok(false)` when the upload failed (the capture is kept).
pub async fn run(a: CaptureArgs) -> Result<bool> {
    let named = what(&a)?;
    let delay = a.delay.unwrap_or(0);
    let plain = a.opts == UploadOpts::default();
    if !a.upload && !plain {
        return Err(Error::invalid("Upload options (--profile, --server, --copy...) need --upload"));
    }
    if a.upload && plain && a.output.is_none() && !a.no_app {
        if let Some(ok) = hand_off(named, delay).await? {
            return Ok(ok);
        }
    }
    if delay > 0 {
        tokio::time::sleep(Duration::from_secs(u64::from(delay))).await;
    }
    let cap = tokio::task::spawn_blocking(move || named.take())
        .await
        .map_err(|e| Error::Config(format!("The capture stopped unexpectedly: {e}")))??;
    let mut png = Vec::new();
    crate::capture::encode_png(&cap.image, &mut png, image::codecs::png::FilterType::Adaptive)?;
    let path = match &a.output {
        Some(out) => {
            crate::fsutil::replace(out, &png, 0o644)?;
            out.clone()
        }
        None => {
            let paths = crate::config::Paths::resolve()?;
            pipeline::save_bytes(&paths.captures_dir(), "Screenshot.png", &png)?
        }
    };
    let (w, h) = cap.image.dimensions();
    if !a.upload {
        println!("{}", path.display());
        eprintln!("slingshot-cli: captured {w}x{h} ({})", cap.monitor);
        return Ok(true);
    }
    eprintln!("slingshot-cli: captured {w}x{h} ({}), saved as {}", cap.monitor, path.display());
    upload(&a.opts, path).await
}

/// The capture the options name; the monitor under the pointer when none is given.
fn what(a: &CaptureArgs) -> Result<Named> {
    Ok(if let Some(r) = &a.region {
        parse_region(r).map_err(|e| Error::invalid(format!("--region {r}: {e}")))?
    } else if let Some(n) = a.monitor {
        Named::Monitor(n)
    } else if a.all {
        Named::All
    } else if let Some(id) = &a.window {
        Named::Window(parse_window_id(id).map_err(|e| Error::invalid(format!("--window: {e}")))?)
    } else {
        Named::Pointer
    })
}

/// Hands the job to the running app and prints its link once the app's upload is in the
/// history. `None` when no app took it (capture here instead).
async fn hand_off(named: Named, delay: u32) -> Result<Option<bool>> {
    // The history is opened first, so the app's new entry can be told from older ones.
    let core = super::open_core()?;
    let before = capture_handoff::newest_id(&core)?;
    if !capture_handoff::to_app(named, delay).await {
        return Ok(None);
    }
    eprintln!("slingshot-cli: the running Slingshot app takes the capture; it copies the link");
    let wait = APP_UPLOAD_WAIT + Duration::from_secs(u64::from(delay));
    match capture_handoff::wait_for_upload(&core, before, wait).await? {
        Some(e) => match &e.uploaded {
            Some(up) if e.status == crate::history::Status::Uploaded => {
                let link = CopyTarget::Short.render(up).unwrap_or_else(|| up.url.clone());
                println!("{link}");
                Ok(Some(true))
            }
            _ => {
                let why = e.error.as_deref().unwrap_or("no reason given");
                eprintln!("slingshot-cli: the app's upload #{} did not finish: {why}", e.id);
                Ok(Some(false))
            }
        },
        None => {
            eprintln!(
                "slingshot-cli: no upload seen from the app within {} s; see its window or notifications",
                wait.as_secs()
            );
            Ok(Some(true))
        }
    }
}

/// Uploads the saved capture with the command line's options, prints and copies the link.
async fn upload(opts: &UploadOpts, path: PathBuf) -> Result<bool> {
    let core = super::open_core()?;
    let target = pipeline::target::resolve(
        &core.settings,
        &core.keys,
        opts.profile.as_deref(),
        opts.server.as_deref(),
    )?;
    let job = Job {
        source: Source::File(path.clone()),
        options: upload_cmd::merge_options(&target, opts),
        prepare: upload_cmd::prepare_options(&target, opts),
    };
    let copy = opts.copy.unwrap_or(target.defaults.copy);
    let label = path.display().to_string();
    match pipeline::upload(&core, &target, job, None).await {
        Ok(out) => {
            for w in &out.warnings {
                eprintln!("slingshot-cli: note: {w}");
            }
            upload_cmd::print_outcome(&label, &out, copy, opts.json);
            if let Some(text) = copy.render(&out.uploaded) {
                if let Err(e) = clipboard::copy_and_hold(&text) {
                    eprintln!("slingshot-cli: the upload worked but the link could not be copied: {e}");
                }
            }
            Ok(true)
        }
        Err(f) => {
            let kept = kept_note(&path, f.history_id);
            eprintln!("slingshot-cli: {}{kept}", f.error);
            Ok(false)
        }
    }
}

fn kept_note(path: &Path, history_id: Option<i64>) -> String {
    match history_id {
        Some(id) => format!(" (the capture is kept at {}, history #{id})", path.display()),
        None => format!(" (the capture is kept at {})", path.display()),
    }
}
