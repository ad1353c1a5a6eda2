//! Slingshot's core: everything but the desktop shell. The API client, the upload pipeline, image
//! work, settings, the key store, the history, the local Chevereto-compatible host and the CLI.
//! This crate never depends on the desktop framework; the desktop shell (its own folder) adapts it.

#![deny(clippy::unwrap_used)]
#![warn(missing_docs)]

pub mod api;
pub mod capture;
pub mod cli;
pub mod clipboard;
pub mod config;
pub mod desktop;
pub mod error;
pub mod fsutil;
pub mod history;
pub mod host;
pub mod integrate;
pub mod links;
pub mod media;
pub mod pipeline;
pub mod queue;
pub mod sandbox;
pub mod secret;
#[cfg(feature = "tray")]
pub mod tray;

pub use error::{Error, ErrorKind, Result};
