//! The region overlay. At the key press the core freezes every monitor and lists the windows;
//! then one borderless, always-on-top, full-screen window per monitor (`ui/overlay.html`) shows
//! its monitor's frozen picture, and the person drags a rectangle or clicks a window there. The
//! windows are created for one selection and destroyed after it, so the app idling in the tray
//! holds no overlay webview. Pictures reach the pages through the `frozen://` protocol (BMP bytes
//! written once, in the background while the windows start), only for overlay webviews.
//! Confirming crops in the core and hands the capture to the usual save-upload-copy flow;
//! cancelling (Esc, or a window closed) drops everything: nothing is saved or uploaded.

use crate::error::{CmdError, CmdResult};
use crate::shell::TauriShell;
use serde::{Deserialize, Serialize};
use slingshot::capture::{self, CssRect, Frozen, PixelRect, WindowInfo};
use slingshot::desktop::jobs::Origin;
use slingshot::desktop::state::AppState;
use slingshot::desktop::{flows, notify};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use tauri::http::{header, Request, Response, StatusCode};
use tauri::window::Color;
use tauri::{AppHandle, Manager, PhysicalPosition, PhysicalSize, UriSchemeContext, UriSchemeResponder};
use tauri::{WebviewUrl, WebviewWindow, WebviewWindowBuilder, WindowEvent, Wry};
use tokio::sync::OnceCell;

/// The URI scheme serving frozen pictures: `frozen://localhost/<session>/<monitor>`.
pub const SCHEME: &str = "frozen";
/// Overlay window labels: `overlay-<monitor>`.
const PREFIX: &str = "overlay-";
/// A session whose pages never became ready is given up after this long.
const READY_TIMEOUT: Duration = Duration::from_secs(15);

/// The current selection session, if any (managed state, created on first use).
#[derive(Default)]
pub struct Overlays {
    session: Mutex<Option<Session>>,
    next: AtomicU64,
}

struct Session {
    id: u64,
    frozen: Arc<Frozen>,
    /// One picture per monitor, written once (background task or first request, whichever is first).
    pictures: Vec<Arc<OnceCell<Arc<Vec<u8>>>>>,
    origin: Origin,
    /// The monitor under the pointer at the key press: its overlay gets the keyboard.
    pointer_screen: Option<usize>,
    shown: usize,
    /// When the key was pressed, for the log.
    started: std::time::Instant,
}

/// What a page needs to draw its monitor.
#[derive(Debug, Clone, Serialize)]
pub struct OverlayInit {
    /// Session number (part of the picture's URL).
    pub session: u64,
    /// This overlay's monitor, by index.
    pub screen: usize,
    /// Number of monitors (each has its overlay).
    pub screens: usize,
    /// The monitor in physical pixels of the virtual screen.
    pub rect: PixelRect,
    /// Physical pixels per CSS pixel in this window.
    pub scale: f64,
    /// The frozen picture's URL.
    pub image: String,
    /// Windows on this monitor (physical pixels, virtual screen), topmost first.
    pub windows: Vec<WindowInfo>,
}

/// What the person chose.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Selection {
    /// A rectangle in the page's CSS pixels.
    Rect {
        /// The rectangle.
        rect: CssRect,
    },
    /// A window from the list the page received.
    Window {
        /// Its id.
        id: u32,
    },
}

fn overlays(app: &AppHandle) -> tauri::State<'_, Overlays> {
    if app.try_state::<Overlays>().is_none() {
        app.manage(Overlays::default());
    }
    app.state::<Overlays>()
}

impl Overlays {
    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Session>> {
        self.session.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The monitor index of an overlay window label.
fn screen_of(label: &str) -> Option<usize> {
    label.strip_prefix(PREFIX)?.parse().ok()
}

/// Freezes the screens and opens the overlays. A second press while a selection is open only
/// brings it to the front.
pub async fn start(app: &AppHandle, origin: Origin) -> CmdResult<()> {
    if overlays(app).lock().is_some() {
        tracing::info!("a region selection is already open");
        focus(app, None);
        return Ok(());
    }
    // Fail before the overlay when there is nowhere to upload.
    let st = app.state::<AppState>();
    st.target(None)
        .inspect_err(|e| notify::error(&app.state::<AppState>(), "Upload failed", &e.to_string()))?;
    let started = std::time::Instant::now();
    let frozen = tauri::async_runtime::spawn_blocking(capture::freeze)
        .await
        .map_err(|e| CmdError::app(format!("The capture stopped unexpectedly: {e}")))?
        .inspect_err(|e| notify::error(&app.state::<AppState>(), "Capture failed", &e.to_string()))?;
    let pointer_screen = capture::pointer_position().and_then(|(x, y)| frozen.screen_at(x, y));
    let frozen = Arc::new(frozen);
    let ov = overlays(app);
    let id = ov.next.fetch_add(1, Ordering::Relaxed) + 1;
    let pictures: Vec<_> = frozen.screens.iter().map(|_| Arc::new(OnceCell::new())).collect();
    {
        let mut slot = ov.lock();
        if slot.is_some() {
            return Ok(()); // another press won the race
        }
        *slot = Some(Session {
            id,
            frozen: frozen.clone(),
            pictures: pictures.clone(),
            origin,
            pointer_screen,
            shown: 0,
            started,
        });
    }
    tracing::info!(
        session = id,
        monitors = frozen.screens.len(),
        windows = frozen.windows.len(),
        ms = started.elapsed().as_millis() as u64,
        "screens frozen for a region selection"
    );
    for (i, cell) in pictures.into_iter().enumerate() {
        let frozen = frozen.clone();
        tauri::async_runtime::spawn(async move {
            let _ = cell.get_or_try_init(|| encode(frozen, i)).await;
        });
    }
    for (i, s) in frozen.screens.iter().enumerate() {
        if let Err(e) = open_window(app, i, s.rect) {
            tracing::error!("cannot open the region overlay: {e}");
            end(app, id);
            notify::error(
                &app.state::<AppState>(),
                "Capture failed",
                &format!("The selection overlay could not open: {e}"),
            );
            return Err(CmdError::app(format!("The selection overlay could not open: {e}")));
        }
    }
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(READY_TIMEOUT).await;
        let stuck = overlays(&app).lock().as_ref().is_some_and(|s| s.id == id && s.shown == 0);
        if stuck {
            tracing::error!(session = id, "the region overlay never showed; giving up");
            end(&app, id);
            notify::error(&app.state::<AppState>(), "Capture failed", "The selection overlay did not load");
        }
    });
    Ok(())
}

async fn encode(frozen: Arc<Frozen>, i: usize) -> Result<Arc<Vec<u8>>, String> {
    let t = std::time::Instant::now();
    let bytes = tauri::async_runtime::spawn_blocking(move || frozen.screen_bmp(i))
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| e.to_string())?;
    tracing::debug!(
        monitor = i,
        bytes = bytes.len(),
        ms = t.elapsed().as_millis() as u64,
        "frozen picture encoded"
    );
    Ok(Arc::new(bytes))
}

/// Creates one hidden overlay window covering `rect`; the page shows it once its picture is drawn.
fn open_window(app: &AppHandle, index: usize, rect: PixelRect) -> tauri::Result<()> {
    let label = format!("{PREFIX}{index}");
    let w = WebviewWindowBuilder::new(app, &label, WebviewUrl::App("overlay.html".into()))
        .title("Slingshot selection")
        .decorations(false)
        .resizable(false)
        .skip_taskbar(true)
        .always_on_top(true)
        .shadow(false)
        .visible(false)
        .focused(true)
        .background_color(Color(0, 0, 0, 255))
        .build()?;
    // Physical units: the builder's position and size are logical, and monitors may differ.
    w.set_position(PhysicalPosition::new(rect.x, rect.y))?;
    w.set_size(PhysicalSize::new(rect.width, rect.height))?;
    let app = app.clone();
    w.on_window_event(move |e| {
        if let WindowEvent::CloseRequested { .. } = e {
            // Closed by the window manager (Alt+F4...): the same as Esc.
            cancel_current(&app, "overlay window closed");
        }
    });
    Ok(())
}

/// Shows the overlays and gives the keyboard to the one under the pointer (`only`: that one).
fn focus(app: &AppHandle, only: Option<usize>) {
    let pointer = overlays(app).lock().as_ref().and_then(|s| s.pointer_screen);
    for (label, w) in app.webview_windows() {
        let Some(i) = screen_of(&label) else { continue };
        if only.is_some_and(|o| o != i) {
            continue;
        }
        let _ = w.show();
        let _ = w.set_fullscreen(true);
        if pointer.is_none_or(|p| p == i) {
            let _ = w.set_focus();
        }
    }
}

/// Destroys every overlay window and drops session `id` (the frozen pictures with it).
fn end(app: &AppHandle, id: u64) -> Option<Session> {
    let taken = {
        let ov = overlays(app);
        let mut slot = ov.lock();
        if slot.as_ref().is_some_and(|s| s.id == id) {
            slot.take()
        } else {
            None
        }
    };
    for (label, w) in app.webview_windows() {
        if screen_of(&label).is_some() {
            let _ = w.destroy();
        }
    }
    taken
}

fn cancel_current(app: &AppHandle, why: &str) {
    let id = overlays(app).lock().as_ref().map(|s| s.id);
    if let Some(id) = id {
        tracing::info!(session = id, "region selection cancelled ({why}); nothing kept");
        end(app, id);
    }
}

/// The session a calling overlay belongs to, with its monitor index.
fn calling(app: &AppHandle, window: &WebviewWindow) -> CmdResult<(u64, usize)> {
    let index =
        screen_of(window.label()).ok_or_else(|| CmdError::app("Only a selection overlay may ask this"))?;
    let id = overlays(app).lock().as_ref().map(|s| s.id);
    id.map(|id| (id, index)).ok_or_else(|| CmdError::app("No region selection is open"))
}

/// `overlay_init`: this overlay's monitor, scale, picture URL and windows.
pub fn init(app: &AppHandle, window: &WebviewWindow) -> CmdResult<OverlayInit> {
    let (id, index) = calling(app, window)?;
    let scale = window.scale_factor().unwrap_or(1.0);
    tracing::debug!(session = id, monitor = index, scale, "overlay page started");
    let slot = overlays(app);
    let guard = slot.lock();
    let s = guard.as_ref().ok_or_else(|| CmdError::app("No region selection is open"))?;
    let screen = s.frozen.screens.get(index).ok_or_else(|| CmdError::app("This monitor is gone"))?;
    let windows =
        s.frozen.windows.iter().filter(|w| w.rect.intersect(&screen.rect).is_some()).cloned().collect();
    let image = if cfg!(any(windows, target_os = "android")) {
        format!("http://{SCHEME}.localhost/{id}/{index}")
    } else {
        format!("{SCHEME}://localhost/{id}/{index}")
    };
    Ok(OverlayInit {
        session: id,
        screen: index,
        screens: s.frozen.screens.len(),
        rect: screen.rect,
        scale,
        image,
        windows,
    })
}

/// `overlay_ready`: the page has drawn its picture; show its window.
pub fn ready(app: &AppHandle, window: &WebviewWindow) -> CmdResult<()> {
    let (_, index) = calling(app, window)?;
    if let Some(s) = overlays(app).lock().as_mut() {
        s.shown += 1;
        let ms = s.started.elapsed().as_millis() as u64;
        tracing::info!(session = s.id, monitor = index, ms, "region overlay shown");
    }
    focus(app, Some(index));
    Ok(())
}

/// `overlay_cancel`: Esc. Nothing is saved or uploaded.
pub fn cancel(app: &AppHandle, window: &WebviewWindow) -> CmdResult<()> {
    calling(app, window)?;
    cancel_current(app, "Esc");
    Ok(())
}

/// `overlay_confirm`: closes the overlays, crops the frozen screens in the core and runs the
/// capture through the save-upload-copy flow (in the background: the page is gone by then).
pub fn confirm(app: &AppHandle, window: &WebviewWindow, selection: Selection) -> CmdResult<()> {
    let (id, index) = calling(app, window)?;
    let scale = window.scale_factor().unwrap_or(1.0);
    let session = {
        let ov = overlays(app);
        let guard = ov.lock();
        let s = guard.as_ref().ok_or_else(|| CmdError::app("No region selection is open"))?;
        let screen = s.frozen.screens.get(index).ok_or_else(|| CmdError::app("This monitor is gone"))?;
        let rect = match &selection {
            Selection::Rect { rect } => capture::css_to_physical(screen.rect, scale, *rect)?,
            Selection::Window { id: w } => s
                .frozen
                .window(*w)
                .map(|w| w.rect)
                .ok_or_else(|| CmdError::app("That window is not listed"))?,
        };
        (rect, s.frozen.clone(), s.origin)
    };
    let (rect, frozen, origin) = session;
    end(app, id);
    tracing::info!(
        session = id,
        x = rect.x,
        y = rect.y,
        width = rect.width,
        height = rect.height,
        "region selected"
    );
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let cropped = tauri::async_runtime::spawn_blocking(move || frozen.crop(rect)).await;
        match cropped {
            Ok(Ok(cap)) => {
                // Outcomes are notified and logged by the flow.
                let _ = flows::upload_capture(&TauriShell(app), cap, origin).await;
            }
            Ok(Err(e)) => notify::error(&app.state::<AppState>(), "Capture failed", &e.to_string()),
            Err(e) => notify::error(
                &app.state::<AppState>(),
                "Capture failed",
                &format!("The crop stopped unexpectedly: {e}"),
            ),
        }
    });
    Ok(())
}

/// The `frozen://` protocol: `/<session>/<monitor>` answers that monitor's picture to overlay pages
/// of the current session, 404 otherwise.
pub fn protocol(ctx: UriSchemeContext<'_, Wry>, request: Request<Vec<u8>>, responder: UriSchemeResponder) {
    let app = ctx.app_handle().clone();
    let from_overlay = screen_of(ctx.webview_label()).is_some();
    let path = request.uri().path().to_string();
    tracing::debug!(path = %path, from_overlay, "frozen picture requested");
    tauri::async_runtime::spawn(async move {
        let picture_bytes = if from_overlay { picture(&app, &path).await } else { None };
        let response = match picture_bytes {
            Some(bytes) => Response::builder()
                .status(StatusCode::OK)
                .header(header::CONTENT_TYPE, "image/bmp")
                .header(header::CACHE_CONTROL, "no-store")
                .header(header::ACCESS_CONTROL_ALLOW_ORIGIN, "*")
                .body(bytes.as_ref().clone()),
            None => Response::builder().status(StatusCode::NOT_FOUND).body(Vec::new()),
        };
        match response {
            Ok(r) => responder.respond(r),
            Err(e) => tracing::error!("cannot build the frozen picture's answer: {e}"),
        }
    });
}

async fn picture(app: &AppHandle, path: &str) -> Option<Arc<Vec<u8>>> {
    let mut parts = path.trim_matches('/').split('/');
    let (session, index): (u64, usize) = (parts.next()?.parse().ok()?, parts.next()?.parse().ok()?);
    let (cell, frozen) = {
        let ov = overlays(app);
        let guard = ov.lock();
        let s = guard.as_ref().filter(|s| s.id == session)?;
        (s.pictures.get(index)?.clone(), s.frozen.clone())
    };
    match cell.get_or_try_init(|| encode(frozen, index)).await {
        Ok(png) => Some(png.clone()),
        Err(e) => {
            tracing::error!("cannot encode the frozen picture: {e}");
            None
        }
    }
}
