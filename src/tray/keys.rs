//! Global hotkeys in the tray process, grabbed with `global-hotkey` (X11) directly: the same
//! crate, keys and register-or-explain rules (`desktop::hotkey`) as the app's plugin. Presses
//! arrive on the crate's channel and are read on a thread of their own.

use super::TrayShell;
use crate::desktop::hotkey::{self, HotKey};
use crate::desktop::jobs::Origin;
use crate::desktop::state::AppState;
use crate::desktop::Shell;
use global_hotkey::{GlobalHotKeyEvent, GlobalHotKeyManager, HotKeyState};
use std::sync::{Arc, Mutex, PoisonError};

/// The grabbed keys. Dropping it releases them (before the app is started again).
pub(crate) struct Keys {
    manager: Option<GlobalHotKeyManager>,
    registered: Arc<Mutex<Vec<HotKey>>>,
}

impl Keys {
    /// Connects to the X server and starts listening for presses. Without one (Wayland, no
    /// display) nothing is grabbed and [`Keys::apply`] records why.
    pub(crate) fn start(shell: TrayShell) -> Keys {
        let manager = GlobalHotKeyManager::new()
            .map_err(|e| tracing::warn!("global hotkeys are not available: {e}"))
            .ok();
        let registered: Arc<Mutex<Vec<HotKey>>> = Arc::default();
        let keys = registered.clone();
        let listening = std::thread::Builder::new().name("hotkeys".into()).spawn(move || {
            while let Ok(ev) = GlobalHotKeyEvent::receiver().recv() {
                if ev.state() != HotKeyState::Pressed {
                    continue;
                }
                let key = keys
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .iter()
                    .find(|k| k.id() == ev.id())
                    .copied();
                if let Some(action) = key.and_then(|k| hotkey::action_for(shell.state(), &k)) {
                    tracing::info!(action = action.name(), "hotkey pressed");
                    action.spawn(&shell, Origin::Hotkey);
                }
            }
        });
        if let Err(e) = listening {
            tracing::warn!("cannot listen for hotkeys: {e}");
        }
        Keys { manager, registered }
    }

    /// Releases every key, then (unless paused) grabs the configured ones and records how it went.
    pub(crate) fn apply(&mut self, st: &AppState) {
        self.release();
        let mut registered = self.registered.lock().unwrap_or_else(PoisonError::into_inner);
        let manager = self.manager.as_ref();
        hotkey::apply(st, |key| {
            let m = manager.ok_or_else(|| "no X server to grab keys from".to_string())?;
            m.register(key).map_err(|e| e.to_string())?;
            registered.push(key);
            Ok(())
        });
    }

    /// Releases the keys grabbed so far.
    fn release(&self) {
        let mut registered = self.registered.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(m) = &self.manager {
            if let Err(e) = m.unregister_all(&registered) {
                tracing::warn!("cannot release the hotkeys: {e}");
            }
        }
        registered.clear();
    }
}

impl Drop for Keys {
    fn drop(&mut self) {
        self.release();
    }
}
