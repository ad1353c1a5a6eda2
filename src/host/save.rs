//! Storing an accepted upload (blocking; run on the blocking pool): hashes, the duplicate check,
//! the image checks that need the header, a unique safe name in the date folder, the files, and
//! the index record.

use super::api::ApiError;
use super::names::{random_alnum, safe_stem};
use super::store::{Kind, Record, Variant};
use super::thumbs::{self, StoreError};
use super::Shared;
use crate::media::sniff::{MediaKind, Sniffed};
use image::ImageFormat;
use md5::Md5;
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::Path;
use tempfile::TempPath;

/// Everything decided about an upload before its bytes are stored.
pub(crate) struct Plan {
    pub sniffed: Sniffed,
    pub width: Option<u32>,
    pub expires: Option<i64>,
    pub tags: Vec<String>,
    pub nsfw: bool,
    pub title: String,
    pub description: Option<String>,
    pub category_id: Option<i64>,
    pub use_file_date: bool,
    pub original_filename: String,
    pub ip: String,
    pub now: i64,
    pub reject_duplicates: bool,
}

fn not_readable() -> ApiError {
    ApiError::new("Can't get target upload source info", 610)
}

fn db(e: crate::Error) -> ApiError {
    tracing::warn!(error = %e, "local host index failure");
    ApiError::new("Internal error", 500)
}

/// Whether `path`, with every symlink resolved, lies inside `root` (also resolved). Anything that
/// can't be resolved counts as outside.
pub(crate) fn inside(root: &std::path::Path, path: &std::path::Path) -> bool {
    match (std::fs::canonicalize(root), std::fs::canonicalize(path)) {
        (Ok(r), Ok(p)) => p.starts_with(r),
        _ => false,
    }
}

/// Stores the upload in `tmp` and returns its record.
pub(crate) fn save(sh: &Shared, tmp: TempPath, plan: Plan) -> Result<Record, ApiError> {
    let (md5, sha256) = hash_file(&tmp).map_err(ApiError::storage)?;
    if plan.reject_duplicates && sh.store.has_duplicate(&plan.ip, &sha256, plan.now - 86_400).map_err(db)? {
        return Err(ApiError::new("Duplicated upload", 101));
    }
    let kind = match plan.sniffed.kind {
        MediaKind::Image => Kind::Image,
        MediaKind::Video => Kind::Video,
    };
    let probe = match kind {
        Kind::Image => Some(thumbs::probe(&tmp, &plan.sniffed).ok_or_else(not_readable)?),
        Kind::Video => None,
    };
    if let (Some(w), Some(p)) = (plan.width, probe.as_ref()) {
        if p.format.is_some() && !p.animated && w > p.width {
            return Err(ApiError::new("Target width is greater than the original image width", 610));
        }
    }
    // BMP is stored as PNG, as the real server converts it.
    let (ext, mime, out_format) = match probe.and_then(|p| p.format) {
        Some(ImageFormat::Bmp) => ("png", "image/png", Some(ImageFormat::Png)),
        f => (plan.sniffed.ext, plan.sniffed.mime, f),
    };
    let date = if plan.use_file_date { thumbs::exif_date(&tmp).unwrap_or(plan.now) } else { plan.now };
    let dir = date_folder(date);
    let id = new_id(sh).map_err(db)?;
    let wanted = safe_stem(&plan.original_filename).unwrap_or_else(|| random_alnum(10));
    let reservation = Reservation::take(sh, &dir, &wanted).map_err(db)?;
    let stem = reservation.stem.clone();
    let folder = sh.images_dir.join(&dir);
    std::fs::create_dir_all(&folder).map_err(ApiError::storage)?;
    if !inside(&sh.images_dir, &folder) {
        // The date folder is (or goes through) a symlink out of the data folder: never write there.
        tracing::warn!(folder = %folder.display(), "refusing to store an upload outside the data folder");
        return Err(ApiError::storage(std::io::Error::other("storage folder leads outside the data folder")));
    }
    // Only the upload itself is written here; its thumbnail and medium are made on first request.
    let main = folder.join(format!("{stem}.{ext}"));
    let written = match (kind, probe) {
        (Kind::Image, Some(p)) => thumbs::store_image(&tmp, &p, out_format, plan.width, &main),
        _ => thumbs::move_file(&tmp, &main).map_err(StoreError::Io).and_then(|()| {
            let size = std::fs::metadata(&main)?.len();
            Ok(thumbs::Written { size, ..thumbs::Written::default() })
        }),
    };
    let written = match written {
        Ok(w) => w,
        Err(e) => {
            let _ = std::fs::remove_file(&main);
            return Err(match e {
                StoreError::Image(msg) => {
                    tracing::debug!(error = %msg, "upload not decodable");
                    not_readable()
                }
                StoreError::Io(io) => ApiError::storage(io),
            });
        }
    };
    let thumb = written.thumb.then(|| Variant { file: format!("{stem}.th.jpeg"), mime: "image/jpeg".into() });
    let medium = written.medium.then(|| Variant { file: format!("{stem}.md.{ext}"), mime: mime.to_string() });
    let rec = Record {
        id,
        secret: hex::encode(rand::random::<[u8; 24]>()),
        kind,
        dir,
        stem,
        ext: ext.to_string(),
        mime: mime.to_string(),
        size: written.size,
        width: written.width,
        height: written.height,
        date,
        created: plan.now,
        expires: plan.expires,
        title: plan.title,
        description: plan.description,
        tags: plan.tags,
        nsfw: plan.nsfw,
        category_id: plan.category_id,
        original_filename: if plan.original_filename.is_empty() {
            format!("{}.{ext}", reservation.stem)
        } else {
            plan.original_filename
        },
        md5,
        sha256,
        ip: plan.ip,
        animated: probe.is_some_and(|p| p.animated),
        thumb,
        medium,
    };
    if let Err(e) = sh.store.insert(&rec) {
        let _ = std::fs::remove_file(&main);
        return Err(db(e));
    }
    drop(reservation);
    Ok(rec)
}

/// `YYYY/MM/DD` (GMT) of a unix time.
fn date_folder(unix: i64) -> String {
    let d = time::OffsetDateTime::from_unix_timestamp(unix).unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    format!("{:04}/{:02}/{:02}", d.year(), u8::from(d.month()), d.day())
}

/// A fresh short encoded id.
fn new_id(sh: &Shared) -> crate::Result<String> {
    loop {
        let id = random_alnum(6);
        if !sh.store.id_taken(&id)? {
            return Ok(id);
        }
    }
}

/// MD5 (for the answer) and SHA-256 (for duplicates) of a file, in one pass.
fn hash_file(path: &Path) -> std::io::Result<(String, String)> {
    let mut f = std::fs::File::open(path)?;
    let mut md5 = Md5::new();
    let mut sha = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        md5.update(&buf[..n]);
        sha.update(&buf[..n]);
    }
    Ok((hex::encode(md5.finalize()), hex::encode(sha.finalize())))
}

/// A stem held for one upload while its files are written, so two uploads of `photo.png` at
/// once can't pick the same name. Released on drop (by then the index holds it).
struct Reservation<'a> {
    sh: &'a Shared,
    key: String,
    stem: String,
}

impl<'a> Reservation<'a> {
    fn take(sh: &'a Shared, dir: &str, wanted: &str) -> crate::Result<Self> {
        let mut stem = wanted.to_string();
        loop {
            let key = format!("{dir}/{}", stem.to_ascii_lowercase());
            let free = !sh.store.stem_taken(dir, &stem)?;
            if free {
                let mut held = sh.reserved.lock().unwrap_or_else(|p| p.into_inner());
                if held.insert(key.clone()) {
                    return Ok(Reservation { sh, key, stem });
                }
            }
            stem = format!("{wanted}-{}", random_alnum(4));
        }
    }
}

impl Drop for Reservation<'_> {
    fn drop(&mut self) {
        let mut held = self.sh.reserved.lock().unwrap_or_else(|p| p.into_inner());
        held.remove(&self.key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_folders() {
        assert_eq!(date_folder(0), "1970/01/01");
        assert_eq!(date_folder(1_728_590_280), "2024/10/10");
    }
}
