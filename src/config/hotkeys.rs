//! The desktop app's global shortcuts in `settings.toml` (`[hotkeys]`), in the shell's
//! accelerator syntax, and what the screen key (`Print` by default) captures. Files written before
//! region capture existed bound `Ctrl+Print` to all monitors and had no region or window key:
//! reading one moves all monitors to `Shift+Print` and gives `Ctrl+Print` to the region, as the
//! new defaults do; a new default that another action already uses is left unset instead.

use serde::{Deserialize, Serialize};

/// What a capture hotkey takes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CaptureKind {
    /// A rectangle or a window, picked in the full-screen overlay.
    Region,
    /// Every monitor in one image.
    All,
    /// The active window.
    Window,
    /// The monitor under the pointer (also what an unknown value in the file means; `other`
    /// must be the last variant).
    #[default]
    #[serde(other)]
    Monitor,
}

impl CaptureKind {
    /// Every kind, in menu order.
    pub const ALL: [CaptureKind; 4] =
        [CaptureKind::Region, CaptureKind::Window, CaptureKind::Monitor, CaptureKind::All];

    /// The settings and UI name.
    pub fn as_str(self) -> &'static str {
        match self {
            CaptureKind::Region => "region",
            CaptureKind::Monitor => "monitor",
            CaptureKind::All => "all",
            CaptureKind::Window => "window",
        }
    }
}

/// Global shortcuts; `""` turns one off.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(from = "OnDisk")]
pub struct HotkeySettings {
    /// The screen key (`Print`): captures what [`HotkeySettings::capture_screen_mode`] says.
    pub capture_screen: String,
    /// What the screen key captures.
    pub capture_screen_mode: CaptureKind,
    /// Select a region (or click a window) in the overlay.
    pub capture_region: String,
    /// Capture the active window.
    pub capture_window: String,
    /// Capture all monitors.
    pub capture_all: String,
    /// Upload what is on the clipboard.
    pub upload_clipboard: String,
}

impl Default for HotkeySettings {
    fn default() -> Self {
        HotkeySettings {
            capture_screen: "Print".into(),
            capture_screen_mode: CaptureKind::Monitor,
            capture_region: "Ctrl+Print".into(),
            capture_window: "Alt+Print".into(),
            capture_all: "Shift+Print".into(),
            upload_clipboard: "Ctrl+Shift+U".into(),
        }
    }
}

/// `[hotkeys]` as read: absent fields are told from empty ones.
#[derive(Default, Deserialize)]
#[serde(default)]
struct OnDisk {
    capture_screen: Option<String>,
    capture_screen_mode: CaptureKind,
    capture_region: Option<String>,
    capture_window: Option<String>,
    capture_all: Option<String>,
    upload_clipboard: Option<String>,
}

/// The same shortcut, as far as a file can tell (`ctrl + print` is `Ctrl+Print`).
fn same(a: &str, b: &str) -> bool {
    let key = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_lowercase();
    !a.trim().is_empty() && key(a) == key(b)
}

impl From<OnDisk> for HotkeySettings {
    fn from(f: OnDisk) -> Self {
        let d = HotkeySettings::default();
        let old_file = f.capture_region.is_none();
        let capture_all = match f.capture_all {
            // Ctrl+Print was the old default for all monitors; it now selects a region.
            Some(a) if old_file && same(&a, "Ctrl+Print") => d.capture_all.clone(),
            Some(a) => a,
            None => d.capture_all.clone(),
        };
        let mut out = HotkeySettings {
            capture_screen: f.capture_screen.unwrap_or(d.capture_screen),
            capture_screen_mode: f.capture_screen_mode,
            capture_region: String::new(),
            capture_window: String::new(),
            capture_all,
            upload_clipboard: f.upload_clipboard.unwrap_or(d.upload_clipboard),
        };
        // New keys get their default unless another action already uses it.
        out.capture_region = f.capture_region.unwrap_or_else(|| out.unless_taken(d.capture_region));
        out.capture_window = f.capture_window.unwrap_or_else(|| out.unless_taken(d.capture_window));
        out
    }
}

impl HotkeySettings {
    /// Every accelerator, set or not.
    fn accelerators(&self) -> [&str; 5] {
        [
            &self.capture_screen,
            &self.capture_region,
            &self.capture_window,
            &self.capture_all,
            &self.upload_clipboard,
        ]
    }

    /// `accel`, or `""` when another action already uses it.
    fn unless_taken(&self, accel: String) -> String {
        if self.accelerators().iter().any(|a| same(a, &accel)) {
            String::new()
        } else {
            accel
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(toml_text: &str) -> HotkeySettings {
        #[derive(Deserialize)]
        struct File {
            hotkeys: HotkeySettings,
        }
        toml::from_str::<File>(toml_text).expect("parses").hotkeys
    }

    #[test]
    fn files_from_before_region_capture_get_the_new_layout() {
        let old = read("[hotkeys]\ncapture_screen = \"Print\"\ncapture_all = \"Ctrl+Print\"\nupload_clipboard = \"Ctrl+Shift+U\"\n");
        assert_eq!(old, HotkeySettings::default());
        // A key the person chose is kept, and a new default it would clash with stays unset.
        let mine = read("[hotkeys]\ncapture_screen = \"Alt + Print\"\ncapture_all = \"Super+Print\"\n");
        assert_eq!(mine.capture_all, "Super+Print");
        assert_eq!(mine.capture_region, "Ctrl+Print");
        assert_eq!(mine.capture_window, "", "Alt+Print is the screen key here");
        assert_eq!(mine.capture_screen_mode, CaptureKind::Monitor);
    }

    #[test]
    fn new_files_are_read_as_written() {
        let mut s = HotkeySettings { capture_screen_mode: CaptureKind::Region, ..Default::default() };
        s.capture_region = String::new();
        s.capture_all = "Ctrl+Print".into();
        let text = toml::to_string(&s).expect("writes");
        assert_eq!(read(&format!("[hotkeys]\n{text}")), s, "an empty region key stays empty");
        let odd = read("[hotkeys]\ncapture_screen_mode = \"portal-someday\"\n");
        assert_eq!(odd.capture_screen_mode, CaptureKind::Monitor, "unknown modes fall back");
        assert_eq!(read("[hotkeys]\n"), HotkeySettings::default());
        let names: Vec<&str> = CaptureKind::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(names, ["region", "window", "monitor", "all"]);
    }
}
