//! `slingshot-cli upload`: turns arguments into pipeline jobs, runs them with bounded concurrency,
//! prints one line (or JSON object) per upload in the order given, and copies the links.

use super::args::{UploadArgs, UploadOpts};
use super::clipboard;
use crate::api::{Format, ProgressFn, Source, UploadOptions};
use crate::error::{Error, ErrorPayload, Result};
use crate::links::CopyTarget;
use crate::media::resize::PrepareOptions;
use crate::pipeline::{self, input, Job, Outcome, Target};
use futures_util::StreamExt;
use indicatif::{MultiProgress, ProgressBar, ProgressStyle};
use std::io::{IsTerminal, Read};
use std::path::PathBuf;
use std::sync::Arc;

/// Runs the upload command. `Ok(false)` when at least one source failed.
pub async fn run(a: UploadArgs) -> Result<bool> {
    let core = super::open_core()?;
    let target = pipeline::target::resolve(
        &core.settings,
        &core.keys,
        a.opts.profile.as_deref(),
        a.opts.server.as_deref(),
    )?;
    let options = merge_options(&target, &a.opts);
    let prepare = prepare_options(&target, &a.opts);
    let copy = a.opts.copy.unwrap_or(CopyTarget::None);
    let sources = read_sources(&a.sources)?;
    let bars = std::io::stderr().is_terminal().then(MultiProgress::new);
    let concurrency = core.settings.app.concurrency.clamp(1, 16) as usize;
    let results: Vec<_> = futures_util::stream::iter(sources.into_iter().map(|(label, source)| {
        let job = Job { source, options: options.clone(), prepare: prepare.clone() };
        let progress = bars.as_ref().map(|m| progress_bar(m, &label));
        let (core, target) = (&core, &target);
        async move {
            let cb: Option<ProgressFn> = progress.clone().map(|pb| {
                Arc::new(move |sent: u64, total: u64| {
                    pb.set_length(total);
                    pb.set_position(sent);
                }) as ProgressFn
            });
            let r = pipeline::upload(core, target, job, cb).await;
            if let Some(pb) = progress {
                pb.finish_and_clear();
            }
            (label, r)
        }
    }))
    .buffered(concurrency)
    .collect()
    .await;

    let mut ok = true;
    let mut copied = Vec::new();
    for (label, r) in results {
        match r {
            Ok(out) => {
                for w in &out.warnings {
                    eprintln!("slingshot-cli: {label}: note: {w}");
                }
                print_outcome(&label, &out, copy, a.opts.json);
                if let Some(t) = copy.render(&out.uploaded) {
                    copied.push(t);
                }
            }
            Err(f) => {
                ok = false;
                let retry = match (f.history_id, &f.retry_at) {
                    (Some(id), Some(at)) => {
                        format!(" (queued as #{id}: next try at {at}, or `slingshot-cli queue retry {id}`)")
                    }
                    (Some(id), None) => format!(
                        " (kept in history as #{id}; `slingshot-cli queue retry {id}` sends it again)"
                    ),
                    _ => String::new(),
                };
                let msg = f.error.to_string();
                // Local checks already name the file; don't say it twice.
                if msg.starts_with(label.as_str()) {
                    eprintln!("slingshot-cli: {msg}{retry}");
                } else {
                    eprintln!("slingshot-cli: {label}: {msg}{retry}");
                }
                if a.opts.json {
                    let p = ErrorPayload::from(&f.error);
                    let v = serde_json::json!({"source": label, "error": p, "history_id": f.history_id, "retry_at": f.retry_at});
                    println!("{v}");
                }
            }
        }
    }
    if !copied.is_empty() {
        if let Err(e) = clipboard::copy_and_hold(&copied.join("\n")) {
            eprintln!("slingshot-cli: the upload worked but the link could not be put on the clipboard: {e}");
        }
    }
    Ok(ok)
}

/// Client-side preparation: the command line over the profile's defaults.
pub(super) fn prepare_options(target: &Target, a: &UploadOpts) -> PrepareOptions {
    PrepareOptions {
        resize_width: a.resize.or(target.defaults.resize_width),
        jpeg_quality: a.jpeg_quality.unwrap_or(target.defaults.jpeg_quality),
        strip_metadata: if a.keep_metadata {
            false
        } else {
            a.strip_metadata || target.defaults.strip_metadata
        },
    }
}

/// Profile defaults, overridden by what was given on the command line.
pub(super) fn merge_options(target: &Target, a: &UploadOpts) -> UploadOptions {
    let mut o = target.defaults.options.clone();
    if let Some(t) = &a.title {
        o.title = Some(t.clone());
    }
    if let Some(d) = &a.description {
        o.description = Some(d.clone());
    }
    if let Some(t) = &a.tags {
        o.tags = t.split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect();
    }
    if a.album.is_some() {
        o.album_id = a.album.clone();
    }
    if a.category.is_some() {
        o.category_id = a.category.clone();
    }
    if a.width.is_some() {
        o.width = a.width;
    }
    if a.expiration.is_some() {
        o.expiration = a.expiration.clone();
    }
    o.nsfw |= a.nsfw;
    o.use_file_date |= a.use_file_date;
    o.format = match a.format.as_deref() {
        Some("txt") => Format::Txt,
        Some("redirect") => Format::Redirect,
        Some(_) => Format::Json,
        None => o.format,
    };
    o
}

/// Maps command-line sources to pipeline sources: `-` reads stdin, URLs go to the server, the rest
/// are paths (checked later, one error per bad path).
fn read_sources(raw: &[String]) -> Result<Vec<(String, Source)>> {
    let mut out = Vec::with_capacity(raw.len());
    for s in raw {
        if s == "-" {
            let mut data = Vec::new();
            std::io::stdin()
                .read_to_end(&mut data)
                .map_err(|e| Error::Io { context: "Cannot read stdin".into(), source: e })?;
            out.push(("stdin".to_string(), Source::Bytes { data, filename: "stdin".into() }));
        } else if input::looks_like_url(s) {
            out.push((s.clone(), Source::Url(s.clone())));
        } else {
            out.push((s.clone(), Source::File(PathBuf::from(s))));
        }
    }
    Ok(out)
}

fn progress_bar(m: &MultiProgress, label: &str) -> ProgressBar {
    let pb = m.add(ProgressBar::new(0));
    let style = ProgressStyle::with_template("{msg:30!} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec}")
        .unwrap_or_else(|_| ProgressStyle::default_bar());
    pb.set_style(style.progress_chars("=> "));
    pb.set_message(label.to_string());
    pb
}

pub(super) fn print_outcome(label: &str, out: &Outcome, copy: CopyTarget, json: bool) {
    let u = &out.uploaded;
    if json {
        let v = serde_json::json!({
            "source": label,
            "url": u.url,
            "url_short": u.url_short,
            "url_viewer": u.url_viewer,
            "delete_url": u.delete_url,
            "thumb_url": u.thumb_url,
            "medium_url": u.medium_url,
            "width": u.width,
            "height": u.height,
            "size": u.size,
            "mime": u.mime,
            "id": u.id,
            "expiration_date_gmt": u.expiration_date_gmt,
            "history_id": out.history_id,
            "local_path": out.local_path,
            "warnings": out.warnings,
        });
        println!("{v}");
    } else {
        // Print what was asked for; without --copy (or with none/delete) the short link.
        let shown = match copy {
            CopyTarget::None => CopyTarget::Short.render(u),
            other => other.render(u).or_else(|| CopyTarget::Short.render(u)),
        };
        println!("{}", shown.unwrap_or_else(|| u.url.clone()));
    }
}
