//! The command line, declared with clap. Names here are relied on by the tests, the file-manager
//! integration and the README.

use crate::links::CopyTarget;
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// Upload images and videos to a Chevereto-compatible host.
#[derive(Debug, Parser)]
#[command(name = "slingshot-cli", version, about, propagate_version = true)]
pub struct Cli {
    /// More log output on stderr (-v info, -vv debug).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Upload files, URLs or stdin (-).
    Upload(UploadArgs),
    /// List the upload history.
    History(HistoryArgs),
    /// Delete an upload on its server through its stored delete link.
    Delete {
        /// History id, or any URL of a history entry.
        target: String,
    },
    /// Show or change settings and keys.
    Config {
        /// Which config action.
        #[command(subcommand)]
        command: ConfigCommand,
    },
    /// Run the local Chevereto-compatible host.
    Serve(ServeArgs),
    /// Add or remove "Upload with Slingshot" in file managers (Nautilus, Dolphin, Thunar, Nemo)
    /// and the app menu.
    Integrate {
        /// Install or uninstall.
        #[command(subcommand)]
        command: IntegrateCommand,
    },
    /// Internal: keeps a text on the clipboard after the CLI exits (reads it from stdin).
    #[command(name = "__hold-clipboard", hide = true)]
    HoldClipboard,
}

/// `upload` options.
#[derive(Debug, Args)]
pub struct UploadArgs {
    /// File paths, http(s) URLs (fetched by the server), or - for stdin.
    #[arg(required = true)]
    pub sources: Vec<String>,
    /// Server profile from the settings.
    #[arg(long, conflicts_with = "server")]
    pub profile: Option<String>,
    /// Server base URL, with the key in SLINGSHOT_API_KEY (no profile needed).
    #[arg(long)]
    pub server: Option<String>,
    /// Title (at most 100 characters).
    #[arg(long)]
    pub title: Option<String>,
    /// Description.
    #[arg(long)]
    pub description: Option<String>,
    /// Comma-separated tags.
    #[arg(long)]
    pub tags: Option<String>,
    /// Album: its encoded id or its URL.
    #[arg(long)]
    pub album: Option<String>,
    /// Category id (a number).
    #[arg(long)]
    pub category: Option<String>,
    /// Resize on this computer to this width in pixels (never upscales; the original is untouched).
    #[arg(long, value_name = "PX")]
    pub resize: Option<u32>,
    /// Ask the server to resize to this width in pixels.
    #[arg(long, value_name = "PX")]
    pub width: Option<u32>,
    /// Auto-delete after: PT5M, PT1H, P1D, P1W, P1M, P1Y... or seconds.
    #[arg(long, value_name = "DUR")]
    pub expiration: Option<String>,
    /// Mark as not safe for work.
    #[arg(long)]
    pub nsfw: bool,
    /// Use the photo's date taken (admin keys only).
    #[arg(long)]
    pub use_file_date: bool,
    /// Answer format asked of the server.
    #[arg(long, value_parser = ["json", "txt", "redirect"])]
    pub format: Option<String>,
    /// What to put on the clipboard (and print): url, short, viewer, delete, markdown, html, bbcode, none.
    #[arg(long, value_enum)]
    pub copy: Option<CopyTarget>,
    /// JPEG quality for resized JPEGs (1-100).
    #[arg(long, value_parser = clap::value_parser!(u8).range(1..=100))]
    pub jpeg_quality: Option<u8>,
    /// Remove EXIF/GPS and other metadata before uploading.
    #[arg(long, conflicts_with = "keep_metadata")]
    pub strip_metadata: bool,
    /// Keep metadata even if the profile strips it.
    #[arg(long)]
    pub keep_metadata: bool,
    /// Print one JSON object per upload.
    #[arg(long)]
    pub json: bool,
}

/// `history` options.
#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
    /// At most this many entries (newest first).
    #[arg(long, default_value_t = 50)]
    pub limit: u32,
    /// Only entries whose file name, title or URLs contain this text.
    #[arg(long)]
    pub search: Option<String>,
    /// Include delete links in the output (they delete the upload when opened).
    #[arg(long)]
    pub show_delete_urls: bool,
}

/// `config` actions.
#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print the settings, where files live and which profiles have a key (never the key).
    Show,
    /// Set a setting, e.g. `profiles.home.base_url https://img.example.com`.
    Set {
        /// Dotted key.
        key: String,
        /// New value.
        value: String,
    },
    /// Store a profile's API key in the OS keyring; the key is read from stdin.
    SetKey {
        /// Profile (default: the default profile).
        #[arg(long)]
        profile: Option<String>,
    },
}

/// `serve` options.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on (loopback by default).
    #[arg(long, default_value = "127.0.0.1:7780")]
    pub addr: std::net::SocketAddr,
    /// Data folder (default: the sandbox folder under the data dir).
    #[arg(long)]
    pub data: Option<PathBuf>,
    /// API key to accept (default: SLINGSHOT_HOST_KEY, else a new one printed at start).
    #[arg(long, env = "SLINGSHOT_HOST_KEY", hide_env_values = true)]
    pub key: Option<String>,
    /// Accept URL sources (fetched only from loopback addresses).
    #[arg(long)]
    pub allow_url_uploads: bool,
    /// Benchmark sink: read and discard bodies, store nothing.
    #[arg(long, hide = true)]
    pub sink: bool,
}

/// `integrate` actions.
#[derive(Debug, Subcommand)]
pub enum IntegrateCommand {
    /// Write the desktop entry and the file-manager actions under your XDG directories.
    Install {
        /// The slingshot program to launch (default: the one next to this tool, else `slingshot` on PATH).
        #[arg(long, value_name = "PATH")]
        exec: Option<PathBuf>,
    },
    /// Remove exactly what install wrote (safe to run again).
    Uninstall,
}
