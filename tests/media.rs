//! Image work before upload: resizing (aspect, no enlarging, EXIF orientation, same format),
//! metadata stripping (JPEG EXIF/GPS, PNG text, WebP EXIF), pass-through of animated and video
//! files, and the bad-input matrix (damaged, bombs, wrong type, empty, folder). Every test also
//! checks that the original file is left byte for byte as it was.

use crate::support::{encode, gradient, jpeg, mp4_stub, png, write};
use image::GenericImageView;
use img_parts::jpeg::{markers, Jpeg, JpegSegment};
use img_parts::png::{Png, PngChunk};
use img_parts::{Bytes, ImageEXIF};
use sha2::{Digest, Sha256};
use slingshot::media::{exif_orientation, prepare, probe, strip_metadata, PrepareOptions, MAX_PIXELS};
use slingshot::Error;
use std::path::Path;
use std::time::{Duration, Instant};

fn hash(path: &Path) -> Vec<u8> {
    Sha256::digest(std::fs::read(path).expect("read")).to_vec()
}

fn resize_to(width: u32) -> PrepareOptions {
    PrepareOptions { resize_width: Some(width), jpeg_quality: 85, strip_metadata: false }
}

fn strip_only() -> PrepareOptions {
    PrepareOptions { resize_width: None, jpeg_quality: 85, strip_metadata: true }
}

fn files_in(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect()
}

/// An EXIF (TIFF, big endian) block with an orientation tag and, optionally, a GPS IFD holding
/// a latitude reference, as phones write them.
fn exif_block(orientation: u16, with_gps: bool) -> Vec<u8> {
    let mut t = b"MM\0\x2a\0\0\0\x08".to_vec();
    let entries: u16 = if with_gps { 2 } else { 1 };
    t.extend_from_slice(&entries.to_be_bytes());
    // Orientation: tag 0x0112, SHORT, count 1, value left-aligned.
    t.extend_from_slice(&[0x01, 0x12, 0, 3, 0, 0, 0, 1]);
    t.extend_from_slice(&orientation.to_be_bytes());
    t.extend_from_slice(&[0, 0]);
    if with_gps {
        // GPS IFD pointer: tag 0x8825, LONG, count 1, offset of the GPS IFD (right after this IFD).
        let gps_at: u32 = 8 + 2 + 12 * 2 + 4;
        t.extend_from_slice(&[0x88, 0x25, 0, 4, 0, 0, 0, 1]);
        t.extend_from_slice(&gps_at.to_be_bytes());
    }
    t.extend_from_slice(&[0, 0, 0, 0]); // no next IFD
    if with_gps {
        // GPSLatitudeRef "N": tag 1, ASCII, count 2.
        t.extend_from_slice(&[0, 1, 0, 1, 0, 2, 0, 0, 0, 2, b'N', 0, 0, 0]);
        t.extend_from_slice(&[0, 0, 0, 0]);
    }
    t
}

/// A JPEG with an EXIF APP1 segment inserted after SOI's first segment.
fn jpeg_with_exif(w: u32, h: u32, orientation: u16, with_gps: bool) -> Vec<u8> {
    let mut j = Jpeg::from_bytes(Bytes::from(jpeg(w, h))).expect("parse jpeg");
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend_from_slice(&exif_block(orientation, with_gps));
    j.segments_mut().insert(1, JpegSegment::new_with_contents(markers::APP1, Bytes::from(app1)));
    j.encoder().bytes().to_vec()
}

fn has_exif_app1(bytes: &[u8]) -> bool {
    let j = Jpeg::from_bytes(Bytes::copy_from_slice(bytes)).expect("parse jpeg");
    let found = j.segments_by_marker(markers::APP1).any(|s| s.contents().starts_with(b"Exif"));
    found
}

fn animated_gif() -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut enc = image::codecs::gif::GifEncoder::new(&mut out);
        let frames = [
            gradient(40, 20).to_rgba8(),
            image::RgbaImage::from_pixel(40, 20, image::Rgba([255, 0, 0, 255])),
        ];
        enc.encode_frames(frames.into_iter().map(image::Frame::new)).expect("gif");
    }
    out
}

/// A PNG whose IHDR declares 30000x30000, with a tiny IDAT: a decompression bomb header.
fn bomb_png() -> Vec<u8> {
    let mut p = Png::from_bytes(Bytes::from(png(4, 4))).expect("parse png");
    let mut ihdr = 30000u32.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&30000u32.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    for c in p.chunks_mut().iter_mut().filter(|c| &c.kind() == b"IHDR") {
        *c = PngChunk::new(*b"IHDR", Bytes::from(ihdr.clone()));
    }
    p.encoder().bytes().to_vec()
}

#[test]
fn jpeg_resize_keeps_ratio_and_original() {
    let dir = tempfile::tempdir().expect("tempdir");
    let work = dir.path().join("work");
    let src = write(dir.path(), "photo.jpg", &jpeg(2000, 1000));
    let before = hash(&src);
    let out = prepare(&src, &resize_to(500), &work).expect("prepare");
    assert!(out.rewritten);
    assert_eq!(out.path, work.join("photo.500w.jpg"));
    assert_eq!((out.width, out.height), (Some(500), Some(250)));
    assert_eq!(out.sniffed.mime, "image/jpeg");
    let info = probe(&out.path).expect("probe").expect("image");
    assert_eq!((info.width, info.height, info.sniffed.ext), (500, 250, "jpg"));
    assert_eq!(hash(&src), before, "the original must not change");
    // Only the output is in the work folder: no temporary file left behind.
    assert_eq!(files_in(&work), vec!["photo.500w.jpg".to_string()]);
    // The picture is the gradient, scaled: red grows left to right.
    let img = image::open(&out.path).expect("decode").to_rgb8();
    assert!(img.get_pixel(10, 125)[0] < 30 && img.get_pixel(490, 125)[0] > 225);
}

#[test]
fn png_stays_png_and_never_enlarges() {
    let dir = tempfile::tempdir().expect("tempdir");
    let src = write(dir.path(), "shot.png", &png(1200, 900));
    let before = hash(&src);
    let out = prepare(&src, &resize_to(400), dir.path()).expect("prepare");
    assert!(out.rewritten);
    assert_eq!(out.sniffed.mime, "image/png");
    assert_eq!(image::image_dimensions(&out.path).expect("dims"), (400, 300));
    assert_eq!(
        image::ImageReader::open(&out.path).expect("open").with_guessed_format().expect("guess").format(),
        Some(image::ImageFormat::Png)
    );
    assert_eq!(hash(&src), before);

    let small = write(dir.path(), "small.jpg", &jpeg(300, 200));
    let out = prepare(&small, &resize_to(1280), dir.path()).expect("prepare");
    assert!(!out.rewritten);
    assert_eq!(out.path, small);
    assert_eq!((out.width, out.height), (Some(300), Some(200)));
    assert!(out.notes.iter().any(|n| n.contains("not enlarged")), "{:?}", out.notes);
}

#[test]
fn bmp_becomes_png_when_resized() {
    let dir = tempfile::tempdir().expect("tempdir");
    let src = write(dir.path(), "old.bmp", &encode(gradient(100, 50), image::ImageFormat::Bmp));
    let out = prepare(&src, &resize_to(50), dir.path()).expect("prepare");
    assert_eq!(out.sniffed.ext, "png");
    assert_eq!(out.path.extension().and_then(|e| e.to_str()), Some("png"));
    assert_eq!(image::image_dimensions(&out.path).expect("dims"), (50, 25));
}

#[test]
fn exif_orientation_6_gives_a_portrait_without_the_tag() {
    let dir = tempfile::tempdir().expect("tempdir");
    let src = write(dir.path(), "phone.jpg", &jpeg_with_exif(200, 100, 6, false));
    assert_eq!(exif_orientation(&src), Some(6));
    let before = hash(&src);
    // Displayed, the photo is 100 wide and 200 tall; 50 wide gives 50x100.
    let out = prepare(&src, &resize_to(50), dir.path()).expect("prepare");
    assert!(out.rewritten);
    assert_eq!((out.width, out.height), (Some(50), Some(100)));
    let img = image::open(&out.path).expect("decode");
    assert_eq!(img.dimensions(), (50, 100), "portrait stays portrait");
    assert!(matches!(exif_orientation(&out.path), None | Some(1)), "no orientation left to apply twice");
    // Turned clockwise: the source's bottom-left (green high) is now top-left, its top-left
    // (green low) top-right.
    let rgb = img.to_rgb8();
    assert!(rgb.get_pixel(2, 2)[1] > 200, "{:?}", rgb.get_pixel(2, 2));
    assert!(rgb.get_pixel(47, 2)[1] < 50, "{:?}", rgb.get_pixel(47, 2));
    assert_eq!(hash(&src), before);

    // Asking for more than the displayed width (100) is not an enlargement of the 200 px side.
    let out = prepare(&src, &resize_to(150), dir.path()).expect("prepare");
    assert!(!out.rewritten);
}

#[test]
fn animated_gif_and_video_pass_through() {
    let dir = tempfile::tempdir().expect("tempdir");
    let gif = write(dir.path(), "anim.gif", &animated_gif());
    let info = probe(&gif).expect("probe").expect("image");
    assert!(info.animated);
    assert_eq!((info.width, info.height), (40, 20));
    let before = hash(&gif);
    let out = prepare(&gif, &resize_to(10), dir.path()).expect("prepare");
    assert!(!out.rewritten);
    assert_eq!(out.path, gif);
    assert!(out.notes.iter().any(|n| n.contains("nimat")), "{:?}", out.notes);
    assert_eq!(hash(&gif), before);

    // A still GIF is not animated.
    let still = write(dir.path(), "still.gif", &encode(gradient(30, 10), image::ImageFormat::Gif));
    assert!(!probe(&still).expect("probe").expect("image").animated);

    let video = write(dir.path(), "clip.mp4", &mp4_stub());
    assert_eq!(probe(&video).expect("probe"), None);
    let out = prepare(&video, &resize_to(10), dir.path()).expect("prepare");
    assert!(!out.rewritten);
    assert_eq!(out.sniffed.mime, "video/mp4");
    assert_eq!(out.width, None);
}

#[test]
fn strip_jpeg_removes_exif_and_gps() {
    let dir = tempfile::tempdir().expect("tempdir");
    let work = dir.path().join("work");
    let src = write(dir.path(), "gps.jpg", &jpeg_with_exif(120, 80, 1, true));
    assert!(has_exif_app1(&std::fs::read(&src).expect("read")));
    let before = hash(&src);
    let sniffed = slingshot::media::sniff::sniff_path(&src).expect("sniff");
    let out = strip_metadata(&src, sniffed, &work).expect("strip");
    let bytes = std::fs::read(&out).expect("read");
    assert!(!has_exif_app1(&bytes), "EXIF APP1 must be gone");
    assert!(!bytes.windows(4).any(|w| w == b"Exif"));
    assert_eq!(image::load_from_memory(&bytes).expect("decode").dimensions(), (120, 80));
    assert!(out.starts_with(&work));
    assert_eq!(hash(&src), before);

    // Through prepare too, and a file with nothing to remove is returned as it is.
    let out = prepare(&src, &strip_only(), &work).expect("prepare");
    assert!(out.rewritten && !has_exif_app1(&std::fs::read(&out.path).expect("read")));
    let clean = write(dir.path(), "clean.jpg", &jpeg(50, 50));
    let out = prepare(&clean, &strip_only(), &work).expect("prepare");
    assert!(!out.rewritten);
    assert_eq!(out.path, clean);
}

#[test]
fn strip_rotates_pixels_when_dropping_an_orientation() {
    let dir = tempfile::tempdir().expect("tempdir");
    let src = write(dir.path(), "turned.jpg", &jpeg_with_exif(200, 100, 6, true));
    let sniffed = slingshot::media::sniff::sniff_path(&src).expect("sniff");
    let out = strip_metadata(&src, sniffed, dir.path()).expect("strip");
    let bytes = std::fs::read(&out).expect("read");
    assert!(!has_exif_app1(&bytes));
    assert_eq!(image::load_from_memory(&bytes).expect("decode").dimensions(), (100, 200));
}

#[test]
fn strip_png_text_is_lossless() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut p = Png::from_bytes(Bytes::from(png(64, 48))).expect("parse png");
    let at = p.chunks().len() - 1; // before IEND
    p.chunks_mut().insert(at, PngChunk::new(*b"tEXt", Bytes::from_static(b"Comment\0taken at home")));
    let src = write(dir.path(), "text.png", &p.encoder().bytes());
    let before = hash(&src);
    let out = prepare(&src, &strip_only(), &dir.path().join("w")).expect("prepare");
    assert!(out.rewritten);
    let bytes = std::fs::read(&out.path).expect("read");
    assert!(!bytes.windows(4).any(|w| w == b"tEXt"));
    assert!(!bytes.windows(7).any(|w| w == b"at home"));
    let a = image::open(&src).expect("decode original").to_rgb8();
    let b = image::load_from_memory(&bytes).expect("decode stripped").to_rgb8();
    assert_eq!(a, b, "stripping must not touch the pixels");
    assert_eq!(hash(&src), before);
}

#[test]
fn strip_webp_exif_chunk() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut lossless = Vec::new();
    image::codecs::webp::WebPEncoder::new_lossless(&mut lossless)
        .encode(gradient(32, 16).as_bytes(), 32, 16, image::ExtendedColorType::Rgb8)
        .expect("webp");
    let mut w = img_parts::webp::WebP::from_bytes(Bytes::from(lossless)).expect("parse webp");
    w.set_exif(Some(Bytes::from(exif_block(1, true))));
    let src = write(dir.path(), "pic.webp", &w.encoder().bytes());
    let sniffed = slingshot::media::sniff::sniff_path(&src).expect("sniff");
    let out = strip_metadata(&src, sniffed, dir.path()).expect("strip");
    let bytes = std::fs::read(&out).expect("read");
    let parsed = img_parts::webp::WebP::from_bytes(Bytes::from(bytes.clone())).expect("parse");
    assert!(!parsed.has_chunk(img_parts::webp::CHUNK_EXIF));
    // The extended header must no longer announce an EXIF chunk (flag 0x08).
    if let Some(vp8x) = parsed.chunk_by_id(img_parts::webp::CHUNK_VP8X) {
        let flags = vp8x.content().data().and_then(|d| d.first().copied()).expect("VP8X flags");
        assert_eq!(flags & 0x08, 0);
    }
    assert_eq!(image::load_from_memory(&bytes).expect("decode").dimensions(), (32, 16));
}

#[test]
fn truncated_jpeg_is_refused_and_leaves_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let work = dir.path().join("work");
    std::fs::create_dir(&work).expect("mkdir");
    let full = jpeg(800, 600);
    let src = write(dir.path(), "cut.jpg", &full[..full.len() / 2]);
    let err = prepare(&src, &resize_to(200), &work).expect_err("must fail");
    assert!(
        matches!(&err, Error::Image(m) if m.contains("damaged or incomplete") && m.contains("cut.jpg")),
        "{err}"
    );
    assert!(files_in(&work).is_empty(), "{:?}", files_in(&work));
}

#[test]
fn bomb_header_is_refused_quickly() {
    let dir = tempfile::tempdir().expect("tempdir");
    let work = dir.path().join("work");
    let src = write(dir.path(), "bomb.png", &bomb_png());
    let started = Instant::now();
    let err = probe(&src).expect_err("bomb");
    assert!(started.elapsed() < Duration::from_secs(2));
    assert!(matches!(&err, Error::Image(m) if m.contains("30000x30000") && m.contains("bomb")), "{err}");
    const { assert!(30000u64 * 30000 > MAX_PIXELS) };
    let err = prepare(&src, &resize_to(100), &work).expect_err("bomb");
    assert!(matches!(err, Error::Image(_)));
    assert!(!work.exists() || files_in(&work).is_empty());
}

#[test]
fn wrong_type_empty_and_folder_are_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = write(dir.path(), "notes.png", b"just some text, not a picture at all");
    assert!(matches!(probe(&text), Err(Error::InvalidInput(_))));
    assert!(matches!(prepare(&text, &resize_to(10), dir.path()), Err(Error::InvalidInput(_))));

    let empty = write(dir.path(), "empty.jpg", b"");
    let err = prepare(&empty, &resize_to(10), dir.path()).expect_err("empty");
    assert!(matches!(&err, Error::InvalidInput(m) if m.contains("empty")), "{err}");

    let folder = dir.path().join("a folder.jpg");
    std::fs::create_dir(&folder).expect("mkdir");
    let err = probe(&folder).expect_err("folder");
    assert!(matches!(&err, Error::InvalidInput(m) if m.contains("a folder.jpg")), "{err}");

    let missing = dir.path().join("missing.jpg");
    assert!(matches!(probe(&missing), Err(Error::Io { .. })));
    assert!(matches!(
        prepare(&src_zero_width(dir.path()), &resize_to(0), dir.path()),
        Err(Error::InvalidInput(_))
    ));
}

fn src_zero_width(dir: &Path) -> std::path::PathBuf {
    write(dir, "z.jpg", &jpeg(20, 20))
}
