//! Image work before upload: content sniffing, probing dimensions safely, resizing to a width,
//! EXIF orientation and metadata stripping. The original file is never modified.

pub(crate) mod codec;
pub mod metadata;
pub mod probe;
pub mod resize;
pub(crate) mod shrink;
pub mod sniff;

pub use metadata::{exif_orientation, strip_metadata};
pub use probe::{probe, ImageInfo, MAX_PIXELS};
pub use resize::{prepare, resize_to_width, PrepareOptions, Prepared};
