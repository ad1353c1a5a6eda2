//! Slingshot's integration tests: one binary, one module per area. Network tests talk only to the
//! project's own local host (or small test servers) on 127.0.0.1.

// Shared helpers: the local host on port 0, temp dirs, sample images.
mod support;

// The local Chevereto-compatible host, request by request against server-behavior.md.
mod host;
// The API client against the local host and against header/body-asserting test servers.
mod client;
// Resize, EXIF orientation, metadata stripping, decompression bombs; originals untouched.
mod media;
// Settings round-trip, corrupt files kept, the key store fallback.
mod config;
// The history database, including two processes writing at once.
mod history;
// The command-line tool end to end, including the bad-input matrix.
mod cli;
// Screen capture under Xvfb (skipped without a display).
mod capture;
// File-manager integration files in private XDG dirs.
mod integrate;
// Desktop shortcut writers: GNOME's against gsettings + dconf on a private bus.
mod shortcuts;
// The persistent queue: attempts per fault, backoff, flooding pause, cancel, taking over a dead job.
mod queue;
// Uploads through a fault-injecting server: error kinds, history state, success once cleared.
mod faults;
// The key and delete URLs never leak; private file modes; host paths; Tauri permissions and CSP.
mod security;
// Property tests of the settings loader: arbitrary files never panic and are never replaced.
mod config_props;
