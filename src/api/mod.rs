//! The Chevereto API V1 client: request building, validation of parameters before sending, and
//! lenient parsing of the server's answers in every format.

mod body;
pub mod client;
pub mod params;
pub mod response;
pub mod types;

pub use client::Client;
pub use client::Timeouts;
pub use types::{Format, KeyMode, ProgressFn, ServerConfig, Source, UploadOptions, Uploaded};
