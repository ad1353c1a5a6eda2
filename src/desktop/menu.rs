//! The tray menu as data, for any tray implementation: capture (region, window, monitor under
//! the pointer, all monitors, after an optional delay), upload the clipboard, the last 10 uploads
//! (copy a link again, copy the delete link, open in the browser), "Not uploaded yet" (retry /
//! cancel), open the window, pause hotkeys, settings, quit. [`build`] makes the [`Node`]s from
//! the history; [`handle`] runs what a menu id asks and returns what only the shell can do.

use super::hotkey::HotkeyAction;
use super::jobs::{self, Batch, Item, Origin};
use super::state::AppState;
use super::Shell;
use crate::config::CaptureKind;
use crate::history::{Entry, Query, Status};
use crate::links::CopyTarget;

/// Uploads listed in the menu.
const RECENT: u32 = 10;
/// Queued jobs listed (the window's History lists them all).
const QUEUED: usize = 10;
/// Longest file name shown in a menu label.
const NAME_CHARS: usize = 28;
/// Delays offered before a capture from the menu, in seconds (0: none).
pub const DELAYS: [u32; 4] = [0, 3, 5, 10];

/// One menu entry. Labels have `&` doubled (menus read a single `&` as a mnemonic).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    /// A clickable item.
    Item {
        /// Its [`TrayCmd`] id.
        id: String,
        /// Text.
        label: String,
        /// Greyed out when false.
        enabled: bool,
    },
    /// A checkable item.
    Check {
        /// Its [`TrayCmd`] id.
        id: String,
        /// Text.
        label: String,
        /// Ticked.
        checked: bool,
    },
    /// Text that can't be clicked (a heading).
    Label(String),
    /// A submenu.
    Sub {
        /// Text.
        label: String,
        /// Its entries.
        children: Vec<Node>,
    },
    /// A line.
    Separator,
}

fn item(cmd: TrayCmd, label: impl Into<String>) -> Node {
    Node::Item { id: cmd.id(), label: label.into(), enabled: true }
}

fn item_if(cmd: TrayCmd, label: &str, enabled: bool) -> Node {
    Node::Item { id: cmd.id(), label: label.into(), enabled }
}

/// What a recent upload's sub-item does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecentAction {
    /// Copy its short link again.
    Copy,
    /// Copy its delete link (explicit choice).
    CopyDelete,
    /// Open its viewer page in the browser.
    Open,
}

/// What a "Not uploaded yet" item does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueueCmd {
    /// Send this job now.
    Retry(i64),
    /// Cancel this job.
    Cancel(i64),
    /// Send every failed or waiting job now.
    RetryAll,
}

/// A menu entry, encoded in the menu item's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrayCmd {
    /// Run a hotkey action from the menu.
    Action(HotkeyAction),
    /// Capture this, after the chosen delay.
    Capture(CaptureKind),
    /// Choose the delay before captures (seconds).
    Delay(u32),
    /// Show the window.
    Open,
    /// Toggle hotkeys.
    Pause,
    /// Show the window on Settings.
    Settings,
    /// Leave the app.
    Quit,
    /// Something about a history entry.
    Recent(i64, RecentAction),
    /// Something about the queue.
    Queue(QueueCmd),
}

impl TrayCmd {
    /// The menu id.
    pub fn id(self) -> String {
        match self {
            TrayCmd::Action(a) => format!("action:{}", a.name()),
            TrayCmd::Capture(k) => format!("capture:{}", k.as_str()),
            TrayCmd::Delay(secs) => format!("delay:{secs}"),
            TrayCmd::Open => "open".into(),
            TrayCmd::Pause => "pause".into(),
            TrayCmd::Settings => "settings".into(),
            TrayCmd::Quit => "quit".into(),
            TrayCmd::Recent(id, RecentAction::Copy) => format!("recent:{id}:copy"),
            TrayCmd::Recent(id, RecentAction::CopyDelete) => format!("recent:{id}:delete"),
            TrayCmd::Recent(id, RecentAction::Open) => format!("recent:{id}:open"),
            TrayCmd::Queue(QueueCmd::Retry(id)) => format!("queue:{id}:retry"),
            TrayCmd::Queue(QueueCmd::Cancel(id)) => format!("queue:{id}:cancel"),
            TrayCmd::Queue(QueueCmd::RetryAll) => "queue:all:retry".into(),
        }
    }

    /// Reads a menu id back.
    pub fn parse(id: &str) -> Option<TrayCmd> {
        if let Some(name) = id.strip_prefix("action:") {
            return HotkeyAction::ALL.into_iter().find(|a| a.name() == name).map(TrayCmd::Action);
        }
        if let Some(kind) = id.strip_prefix("capture:") {
            return CaptureKind::ALL.into_iter().find(|k| k.as_str() == kind).map(TrayCmd::Capture);
        }
        if let Some(secs) = id.strip_prefix("delay:") {
            return secs.parse().ok().filter(|s| DELAYS.contains(s)).map(TrayCmd::Delay);
        }
        if let Some(rest) = id.strip_prefix("recent:") {
            let (num, what) = rest.split_once(':')?;
            let action = match what {
                "copy" => RecentAction::Copy,
                "delete" => RecentAction::CopyDelete,
                "open" => RecentAction::Open,
                _ => return None,
            };
            return Some(TrayCmd::Recent(num.parse().ok()?, action));
        }
        if let Some((what, action)) = id.strip_prefix("queue:").and_then(|r| r.split_once(':')) {
            return match (what, action) {
                ("all", "retry") => Some(QueueCmd::RetryAll),
                (n, "retry") => n.parse().ok().map(QueueCmd::Retry),
                (n, "cancel") => n.parse().ok().map(QueueCmd::Cancel),
                _ => None,
            }
            .map(TrayCmd::Queue);
        }
        match id {
            "open" => Some(TrayCmd::Open),
            "pause" => Some(TrayCmd::Pause),
            "settings" => Some(TrayCmd::Settings),
            "quit" => Some(TrayCmd::Quit),
            _ => None,
        }
    }
}

/// "name — short link" for a recent upload, with `&` doubled and long names cut.
pub fn recent_label(e: &Entry) -> String {
    let up = e.uploaded.as_ref();
    let name = up
        .and_then(|u| u.original_filename.clone())
        .or_else(|| {
            e.local_path.as_ref().and_then(|p| p.file_name()).map(|n| n.to_string_lossy().into_owned())
        })
        .unwrap_or_else(|| e.source.rsplit('/').find(|s| !s.is_empty()).unwrap_or(&e.source).to_string());
    let name = if name.chars().count() > NAME_CHARS {
        format!("{}…", name.chars().take(NAME_CHARS - 1).collect::<String>())
    } else {
        name
    };
    let link = up.and_then(|u| CopyTarget::Short.render(u)).unwrap_or_default();
    let link =
        link.strip_prefix("https://").or_else(|| link.strip_prefix("http://")).unwrap_or(&link).to_string();
    format!("{name} — {link}").replace('&', "&&")
}

/// "name — waiting" and the like for a job not uploaded yet, `&` doubled.
pub fn queue_label(e: &Entry) -> String {
    let state = match e.status {
        Status::Uploading => "uploading",
        Status::Pending if e.attempts > 0 => "waiting to retry",
        Status::Pending => "queued",
        Status::Failed => "failed",
        Status::Cancelled => "cancelled",
        Status::Uploaded | Status::Deleted => "done",
    };
    format!("{} — {state}", e.display_name()).replace('&', "&&")
}

/// The whole menu, from the history and the app's state.
pub fn build(st: &AppState) -> Vec<Node> {
    let recent = st
        .core
        .history
        .list(&Query { limit: Some(RECENT), search: None, status: Some(Status::Uploaded) })
        .unwrap_or_else(|e| {
            tracing::warn!("cannot read the history for the tray: {e}");
            Vec::new()
        });
    let chosen = st.tray_delay();
    let delays = DELAYS
        .into_iter()
        .map(|secs| Node::Check {
            id: TrayCmd::Delay(secs).id(),
            label: if secs == 0 { "No delay".to_string() } else { format!("{secs} seconds") },
            checked: secs == chosen,
        })
        .collect();
    let after = if chosen == 0 { String::new() } else { format!(" in {chosen} s") };
    let mut m = vec![
        item(TrayCmd::Capture(CaptureKind::Region), format!("Capture region{after}")),
        item(TrayCmd::Capture(CaptureKind::Window), format!("Capture active window{after}")),
        item(TrayCmd::Capture(CaptureKind::Monitor), format!("Capture monitor under pointer{after}")),
        item(TrayCmd::Capture(CaptureKind::All), format!("Capture all monitors{after}")),
        Node::Sub { label: "Delay".into(), children: delays },
        item(TrayCmd::Action(HotkeyAction::UploadClipboard), "Upload clipboard"),
        Node::Separator,
    ];
    if recent.is_empty() {
        m.push(Node::Label("No uploads yet".into()));
    } else {
        m.push(Node::Label("Recent uploads".into()));
        for e in &recent {
            let has_delete = e.uploaded.as_ref().is_some_and(|u| u.delete_url.is_some());
            m.push(Node::Sub {
                label: recent_label(e),
                children: vec![
                    item(TrayCmd::Recent(e.id, RecentAction::Copy), "Copy link"),
                    item_if(TrayCmd::Recent(e.id, RecentAction::CopyDelete), "Copy delete link", has_delete),
                    item(TrayCmd::Recent(e.id, RecentAction::Open), "Open in browser"),
                ],
            });
        }
    }
    m.extend(queue_nodes(st));
    m.extend([
        Node::Separator,
        item(TrayCmd::Open, "Open Slingshot"),
        Node::Check { id: TrayCmd::Pause.id(), label: "Pause hotkeys".into(), checked: st.paused() },
        item(TrayCmd::Settings, "Settings…"),
        Node::Separator,
        item(TrayCmd::Quit, "Quit"),
    ]);
    m
}

/// A separator and "Not uploaded yet (N)" when some upload is not done; nothing otherwise.
fn queue_nodes(st: &AppState) -> Vec<Node> {
    let jobs = st.core.history.queue().unwrap_or_else(|e| {
        tracing::warn!("cannot read the upload queue for the tray: {e}");
        Vec::new()
    });
    if jobs.is_empty() {
        return Vec::new();
    }
    let mut children = vec![item(TrayCmd::Queue(QueueCmd::RetryAll), "Retry all now"), Node::Separator];
    for e in jobs.iter().rev().take(QUEUED) {
        let cancellable = matches!(e.status, Status::Pending | Status::Uploading | Status::Failed);
        children.push(Node::Sub {
            label: queue_label(e),
            children: vec![
                item_if(TrayCmd::Queue(QueueCmd::Retry(e.id)), "Retry now", e.status != Status::Uploading),
                item_if(TrayCmd::Queue(QueueCmd::Cancel(e.id)), "Cancel", cancellable),
            ],
        });
    }
    vec![Node::Separator, Node::Sub { label: format!("Not uploaded yet ({})", jobs.len()), children }]
}

/// What the shell does after [`handle`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShellCmd {
    /// Show the window (on this view).
    Show(Option<&'static str>),
    /// Leave the app.
    Quit,
    /// Hotkeys were paused or resumed: register them again and refresh the menu.
    PauseChanged,
    /// The menu changed (the delay): rebuild it.
    Refresh,
    /// Open this page in the browser.
    OpenUrl(String),
}

/// Runs the menu command `id` (captures, uploads, copies, queue changes) and returns what is
/// left for the shell; `None` for an unknown id or when nothing is left.
pub fn handle<S: Shell>(app: &S, id: &str) -> Option<ShellCmd> {
    let st = app.state();
    match TrayCmd::parse(id)? {
        TrayCmd::Action(a) => a.spawn(app, Origin::Tray),
        TrayCmd::Capture(kind) => super::flows::spawn_capture(app, kind, Origin::Tray, st.tray_delay()),
        TrayCmd::Delay(secs) => {
            st.set_tray_delay(secs);
            return Some(ShellCmd::Refresh);
        }
        TrayCmd::Open => return Some(ShellCmd::Show(None)),
        TrayCmd::Settings => return Some(ShellCmd::Show(Some("settings"))),
        TrayCmd::Quit => return Some(ShellCmd::Quit),
        TrayCmd::Pause => {
            st.set_paused(!st.paused());
            return Some(ShellCmd::PauseChanged);
        }
        TrayCmd::Recent(id, action) => return recent(app, id, action),
        TrayCmd::Queue(cmd) => queue(app, cmd),
    }
    None
}

fn recent<S: Shell>(app: &S, id: i64, action: RecentAction) -> Option<ShellCmd> {
    let st = app.state();
    let entry = match st.core.history.get(id) {
        Ok(Some(e)) => e,
        Ok(None) => return Some(ShellCmd::Refresh),
        Err(e) => {
            tracing::warn!("cannot read history entry {id}: {e}");
            return None;
        }
    };
    let up = entry.uploaded.as_ref()?;
    let copied = match action {
        RecentAction::Copy => CopyTarget::Short.render(up).map(|t| st.copy(&t)),
        RecentAction::CopyDelete => CopyTarget::Delete.render(up).map(|t| st.copy(&t)),
        RecentAction::Open => {
            return Some(ShellCmd::OpenUrl(up.url_viewer.clone().unwrap_or_else(|| up.url.clone())))
        }
    };
    if let Some(Err(e)) = copied {
        tracing::warn!("tray action on upload {id} failed: {e}");
    }
    None
}

fn queue<S: Shell>(app: &S, cmd: QueueCmd) {
    let st = app.state();
    let ids: Vec<i64> = match cmd {
        QueueCmd::Cancel(id) => {
            match st.core.history.cancel(id) {
                Ok(true) => {}
                Ok(false) => tracing::info!("upload #{id} could not be cancelled (already done?)"),
                Err(e) => tracing::warn!("cannot cancel upload #{id}: {e}"),
            }
            return app.history_changed();
        }
        QueueCmd::Retry(id) => vec![id],
        QueueCmd::RetryAll => st
            .core
            .history
            .queue()
            .unwrap_or_default()
            .into_iter()
            .filter(|e| e.status == Status::Failed || (e.status.is_queued() && st.core.queue.takeable(e)))
            .map(|e| e.id)
            .collect(),
    };
    let items: Vec<Item> = ids
        .iter()
        .filter_map(|id| st.core.history.get(*id).ok().flatten())
        .map(|e| Item::resumed(e.id, e.display_name()))
        .collect();
    let Ok(target) = st.target(None) else {
        return tracing::warn!("no server to retry with");
    };
    let app = app.clone();
    st.rt.spawn(async move {
        jobs::run(&app, Batch::defaults(target, Origin::Tray), items).await;
    });
}

#[cfg(test)]
#[path = "menu_tests.rs"]
mod tests;
