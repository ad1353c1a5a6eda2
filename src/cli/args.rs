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
    /// Capture the screen (a monitor, all, a region or a window), save it, and optionally upload it.
    Capture(CaptureArgs),
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
    /// The upload queue: list jobs not uploaded yet, retry them, or cancel them.
    Queue {
        /// Which queue action.
        #[command(subcommand)]
        command: QueueCommand,
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
    /// Server, options and output, shared with `capture --upload`.
    #[command(flatten)]
    pub opts: UploadOpts,
}

/// The upload options `upload` and `capture --upload` share. `Default` is "none given".
#[derive(Debug, Default, PartialEq, Args)]
pub struct UploadOpts {
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

/// `capture` options. Without --region/--monitor/--all/--window: the monitor under the pointer.
#[derive(Debug, Args)]
pub struct CaptureArgs {
    /// An area of the screen: left, top, width, height in pixels (logical pixels on Wayland).
    #[arg(long, value_name = "X,Y,W,H", group = "what")]
    pub region: Option<String>,
    /// One monitor, numbered from 0.
    #[arg(long, value_name = "N", group = "what")]
    pub monitor: Option<usize>,
    /// Every monitor in one image.
    #[arg(long, group = "what")]
    pub all: bool,
    /// One X11 window by id (decimal or 0x hex, as `xdotool search` prints it).
    #[arg(long, value_name = "ID", group = "what")]
    pub window: Option<String>,
    /// Wait this many seconds first (to open a menu, say).
    #[arg(long, value_name = "S", value_parser = clap::value_parser!(u32).range(0..=3600))]
    pub delay: Option<u32>,
    /// Upload the capture, print its link and copy it.
    #[arg(long)]
    pub upload: bool,
    /// Save the PNG here instead of the captures folder.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Capture in this process even when the desktop app is running (it is otherwise handed the
    /// job, so the app owns the clipboard).
    #[arg(long)]
    pub no_app: bool,
    /// Upload options (with --upload).
    #[command(flatten)]
    pub opts: UploadOpts,
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

/// `queue` actions.
#[derive(Debug, Subcommand)]
pub enum QueueCommand {
    /// List uploads that are queued, being sent, waiting to retry, failed or cancelled.
    List {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Send jobs again now (default: every failed job and every queued job nobody is sending).
    Retry {
        /// History ids.
        ids: Vec<i64>,
        /// Print one JSON object per job.
        #[arg(long)]
        json: bool,
    },
    /// Cancel jobs that are not uploaded yet (also when another Slingshot process is sending them).
    Cancel {
        /// History ids.
        #[arg(required = true)]
        ids: Vec<i64>,
    },
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
    /// Desktop keyboard shortcuts that run `slingshot-cli capture` (Wayland, where apps cannot grab keys).
    Shortcut {
        /// Install, uninstall or show.
        #[command(subcommand)]
        command: ShortcutCommand,
    },
}

/// `integrate shortcut` actions. The desktop defaults to the session's (XDG_CURRENT_DESKTOP).
#[derive(Debug, Subcommand)]
pub enum ShortcutCommand {
    /// Add the capture hotkeys from the settings as desktop shortcuts; prints what was written.
    Install {
        /// gnome, sway or kde.
        #[arg(long)]
        desktop: Option<String>,
        /// The slingshot-cli the shortcuts run (default: this one).
        #[arg(long, value_name = "PATH")]
        cli: Option<PathBuf>,
    },
    /// Remove only the shortcuts Slingshot added.
    Uninstall {
        /// gnome, sway or kde.
        #[arg(long)]
        desktop: Option<String>,
    },
    /// Show what install would write and what is installed now.
    Show {
        /// gnome, sway or kde.
        #[arg(long)]
        desktop: Option<String>,
    },
}
