//! [`AppState`], owned by the shell (Tauri manages it; [`super::Shell::state`] reaches it): the
//! opened core, the current settings, the local sandbox, the app's clipboard owner, the runtime
//! uploads run on, job numbers, the upload limiter and the hotkey status. No global handles:
//! everything hangs off the app.

use crate::clipboard::ClipboardOwner;
use crate::config::Settings;
use crate::error::{Error, Result};
use crate::pipeline::{target, Core, Target};
use crate::sandbox::{Sandbox, PROFILE_NAME};
use serde::Serialize;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use tokio::sync::Semaphore;

/// Most uploads at once, whatever the settings say (the server would call it flooding).
const MAX_CONCURRENCY: u32 = 16;

/// Whether one hotkey is registered.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct HotkeyStatus {
    /// `capture_screen`, `capture_region`, `capture_window`, `capture_all` or `upload_clipboard`.
    pub action: &'static str,
    /// The accelerator as configured.
    pub accelerator: String,
    /// Registered and expected to fire.
    pub ok: bool,
    /// Why not, or a note.
    pub message: Option<String>,
}

/// Everything the commands, the tray and the hotkeys share.
pub struct AppState {
    /// The runtime uploads, captures and the queue worker run on (callable from any thread,
    /// such as a toolkit's menu handler).
    pub rt: tokio::runtime::Handle,
    /// Paths, HTTP client, history and key store. `core.settings` is the startup copy; the
    /// current settings are [`AppState::settings`].
    pub core: Arc<Core>,
    settings: RwLock<Settings>,
    /// The local host, when it started.
    pub sandbox: Option<Sandbox>,
    /// The clipboard, owned for the app's whole run so copied links stay pasteable.
    pub clipboard: Option<Arc<ClipboardOwner>>,
    next_job: AtomicU64,
    paused: AtomicBool,
    tray: AtomicBool,
    tray_delay: AtomicU32,
    active_batches: AtomicU32,
    last_copied: Mutex<Option<String>>,
    hotkeys: Mutex<Vec<HotkeyStatus>>,
    warnings: Mutex<Vec<String>>,
    limiter: Mutex<(u32, Arc<Semaphore>)>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panic elsewhere leaves plain data behind; keep using it.
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl AppState {
    /// Wraps an opened core. `warnings` are shown in the window (broken settings moved aside...).
    pub fn new(
        rt: tokio::runtime::Handle,
        core: Core,
        sandbox: Option<Sandbox>,
        clipboard: Option<ClipboardOwner>,
        warnings: Vec<String>,
    ) -> AppState {
        let settings = core.settings.clone();
        let n = concurrency(&settings);
        AppState {
            rt,
            core: Arc::new(core),
            settings: RwLock::new(settings),
            sandbox,
            clipboard: clipboard.map(Arc::new),
            next_job: AtomicU64::new(1),
            paused: AtomicBool::new(false),
            tray: AtomicBool::new(false),
            tray_delay: AtomicU32::new(0),
            active_batches: AtomicU32::new(0),
            last_copied: Mutex::new(None),
            hotkeys: Mutex::new(Vec::new()),
            warnings: Mutex::new(warnings),
            limiter: Mutex::new((n, Arc::new(Semaphore::new(n as usize)))),
        }
    }

    /// A copy of the current settings.
    pub fn settings(&self) -> Settings {
        self.settings.read().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// Changes the settings: re-reads the file (so edits made meanwhile with `slingshot-cli
    /// config set` are kept), applies `f`, saves atomically, then makes the result current.
    pub fn update_settings(&self, f: impl FnOnce(&mut Settings) -> Result<()>) -> Result<Settings> {
        let mut s = Settings::load(&self.core.paths)?;
        f(&mut s)?;
        s.save(&self.core.paths)?;
        *self.settings.write().unwrap_or_else(PoisonError::into_inner) = s.clone();
        let n = concurrency(&s);
        let mut l = lock(&self.limiter);
        if l.0 != n {
            // Running uploads keep the old limiter; new ones use the new size.
            *l = (n, Arc::new(Semaphore::new(n as usize)));
        }
        Ok(s)
    }

    /// The limiter new uploads take a permit from.
    pub fn limiter(&self) -> Arc<Semaphore> {
        lock(&self.limiter).1.clone()
    }

    /// A job number unique in this run.
    pub fn next_job(&self) -> u64 {
        self.next_job.fetch_add(1, Ordering::Relaxed)
    }

    /// Whether hotkeys are paused.
    pub fn paused(&self) -> bool {
        self.paused.load(Ordering::Relaxed)
    }

    /// Pauses or resumes hotkeys (the caller re-applies them).
    pub fn set_paused(&self, p: bool) {
        self.paused.store(p, Ordering::Relaxed);
    }

    /// Whether the tray icon was created.
    pub fn has_tray(&self) -> bool {
        self.tray.load(Ordering::Relaxed)
    }

    /// Records whether the tray icon exists.
    pub fn set_tray(&self, ok: bool) {
        self.tray.store(ok, Ordering::Relaxed);
    }

    /// The delay (seconds) the tray menu's captures wait; chosen in the menu, for this run.
    pub fn tray_delay(&self) -> u32 {
        self.tray_delay.load(Ordering::Relaxed)
    }

    /// Sets the tray menu's capture delay.
    pub fn set_tray_delay(&self, secs: u32) {
        self.tray_delay.store(secs, Ordering::Relaxed);
    }

    /// The last hotkey registration outcome.
    pub fn hotkey_status(&self) -> Vec<HotkeyStatus> {
        lock(&self.hotkeys).clone()
    }

    /// Stores the hotkey registration outcome.
    pub fn set_hotkey_status(&self, s: Vec<HotkeyStatus>) {
        *lock(&self.hotkeys) = s;
    }

    /// Warnings for the window.
    pub fn warnings(&self) -> Vec<String> {
        lock(&self.warnings).clone()
    }

    /// Where captures and pasted images are saved.
    pub fn captures_dir(&self) -> PathBuf {
        self.settings()
            .capture
            .save_dir
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or_else(|| self.core.paths.captures_dir())
    }

    /// Resolves a profile name (or the default) to an upload target; the sandbox's name gives
    /// the local host.
    pub fn target(&self, profile: Option<&str>) -> Result<Target> {
        let settings = self.settings();
        let name = match profile.map(str::trim).filter(|p| !p.is_empty()) {
            Some(p) => p.to_string(),
            None => default_profile_name(&settings, self.sandbox.is_some()),
        };
        if name == PROFILE_NAME {
            return self.sandbox.as_ref().map(|s| s.target.clone()).ok_or_else(|| {
                Error::Config(
                    "The local sandbox is not running (see the warnings in Settings); add a server profile instead".into(),
                )
            });
        }
        target::resolve(&settings, &self.core.keys, Some(&name), None)
    }

    /// Puts text on the clipboard through the app's owner.
    pub fn copy(&self, text: &str) -> Result<()> {
        match &self.clipboard {
            Some(cb) => {
                cb.set_text(text)?;
                *lock(&self.last_copied) = Some(text.to_string());
                Ok(())
            }
            None => Err(Error::Config("The clipboard is not available in this session".into())),
        }
    }

    /// What this process last put on the clipboard (handed over with the app, `handover.rs`).
    pub fn last_copied(&self) -> Option<String> {
        lock(&self.last_copied).clone()
    }

    /// Upload batches running now (the app does not hand over while one runs).
    pub fn active_batches(&self) -> u32 {
        self.active_batches.load(Ordering::Relaxed)
    }

    /// Counts a batch as running until the guard is dropped.
    pub fn batch_running(&self) -> BatchGuard<'_> {
        self.active_batches.fetch_add(1, Ordering::Relaxed);
        BatchGuard(&self.active_batches)
    }
}

/// A running batch, counted in [`AppState::active_batches`] while it lives.
pub struct BatchGuard<'a>(&'a AtomicU32);

impl Drop for BatchGuard<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

fn concurrency(s: &Settings) -> u32 {
    s.app.concurrency.clamp(1, MAX_CONCURRENCY)
}

/// The default profile: the one the settings name (if it exists), else the only profile, else
/// the sandbox when there is no profile at all, else the first profile.
pub fn default_profile_name(s: &Settings, sandbox: bool) -> String {
    let exists = |n: &str| s.profiles.iter().any(|p| p.name == n) || (n == PROFILE_NAME && sandbox);
    if let Some(d) = s.default_profile.as_deref().filter(|d| exists(d)) {
        return d.to_string();
    }
    match s.profiles.first() {
        Some(p) => p.name.clone(),
        None => PROFILE_NAME.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Profile;

    #[test]
    fn default_profile_rules() {
        let mut s = Settings::default();
        assert_eq!(default_profile_name(&s, true), PROFILE_NAME);
        s.upsert_profile(Profile { name: "a".into(), ..Default::default() });
        s.upsert_profile(Profile { name: "b".into(), ..Default::default() });
        assert_eq!(default_profile_name(&s, true), "a");
        s.default_profile = Some("b".into());
        assert_eq!(default_profile_name(&s, true), "b");
        s.default_profile = Some("gone".into());
        assert_eq!(default_profile_name(&s, true), "a");
        s.default_profile = Some(PROFILE_NAME.into());
        assert_eq!(default_profile_name(&s, true), PROFILE_NAME);
        assert_eq!(default_profile_name(&s, false), "a");
    }
}
