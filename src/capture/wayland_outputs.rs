//! Asks the Wayland compositor for its outputs: `wl_output` (name, current mode, scale,
//! rotation) and `xdg-output` (logical position and size, name). Two round trips on a
//! connection of our own, no window. Works with wl_output version 3 (sway 1.7, GNOME 43), where
//! only xdg-output carries the output's name.

use super::outputs::Output;
use crate::error::{Error, Result};
use wayland_client::globals::{registry_queue_init, GlobalListContents};
use wayland_client::protocol::{wl_output, wl_registry};
use wayland_client::{Connection, Dispatch, Proxy, QueueHandle, WEnum};
use wayland_protocols::xdg::xdg_output::zv1::client::{zxdg_output_manager_v1, zxdg_output_v1};

/// What we learn about one output, event by event.
#[derive(Debug, Default)]
struct Seen {
    name: Option<String>,
    position: (i32, i32),
    mode: Option<(u32, u32)>,
    scale: i32,
    rotated: bool,
    logical_position: Option<(i32, i32)>,
    logical_size: Option<(u32, u32)>,
}

#[derive(Default)]
struct State {
    outputs: Vec<Seen>,
}

/// The outputs in the compositor's (registry) order.
pub(super) fn list() -> Result<Vec<Output>> {
    let fail = |what: &str, e: &dyn std::fmt::Display| Error::Config(format!("Cannot {what}: {e}"));
    let conn = Connection::connect_to_env().map_err(|e| fail("connect to the Wayland compositor", &e))?;
    let (globals, mut queue) =
        registry_queue_init::<State>(&conn).map_err(|e| fail("read the Wayland globals", &e))?;
    let qh = queue.handle();
    let mut state = State::default();
    let wl_outputs: Vec<(u32, u32)> = globals.contents().with_list(|list| {
        list.iter().filter(|g| g.interface == "wl_output").map(|g| (g.name, g.version)).collect()
    });
    let outputs: Vec<wl_output::WlOutput> = wl_outputs
        .iter()
        .enumerate()
        .map(|(i, &(name, version))| {
            state.outputs.push(Seen { scale: 1, ..Seen::default() });
            globals.registry().bind::<wl_output::WlOutput, _, _>(name, version.min(4), &qh, i)
        })
        .collect();
    // Without xdg-output (rare) the layout comes from wl_output's position and mode / scale.
    let manager = globals.bind::<zxdg_output_manager_v1::ZxdgOutputManagerV1, _, _>(&qh, 1..=3, ()).ok();
    queue.roundtrip(&mut state).map_err(|e| fail("list the Wayland outputs", &e))?;
    if let Some(m) = &manager {
        let xdg: Vec<_> = outputs.iter().enumerate().map(|(i, o)| m.get_xdg_output(o, &qh, i)).collect();
        queue.roundtrip(&mut state).map_err(|e| fail("read the Wayland output layout", &e))?;
        for x in xdg {
            x.destroy();
        }
        m.destroy();
    }
    for o in outputs {
        if o.version() >= 3 {
            o.release();
        }
    }
    Ok(state.outputs.into_iter().enumerate().map(|(i, s)| finish(i, s)).collect())
}

fn finish(index: usize, s: Seen) -> Output {
    let (mw, mh) = s.mode.unwrap_or((0, 0));
    let physical = if s.rotated { (mh, mw) } else { (mw, mh) };
    let scale = u32::try_from(s.scale.max(1)).unwrap_or(1);
    let (lw, lh) = s.logical_size.unwrap_or((physical.0 / scale, physical.1 / scale));
    let (lx, ly) = s.logical_position.unwrap_or(s.position);
    Output { name: s.name.unwrap_or_else(|| format!("output-{index}")), logical: (lx, ly, lw, lh), physical }
}

impl Dispatch<wl_registry::WlRegistry, GlobalListContents> for State {
    fn event(
        _: &mut Self,
        _: &wl_registry::WlRegistry,
        _: wl_registry::Event,
        _: &GlobalListContents,
        _: &Connection,
        _: &QueueHandle<Self>,
    ) {
        // Outputs plugged in while we look are not our concern: we list once.
    }
}

impl Dispatch<wl_output::WlOutput, usize> for State {
    fn event(
        state: &mut Self,
        _: &wl_output::WlOutput,
        event: wl_output::Event,
        index: &usize,
        _: &Connection,
        _: &QueueHandle<Self>,
    ) {
        let Some(s) = state.outputs.get_mut(*index) else { return };
        match event {
            wl_output::Event::Geometry { x, y, transform, .. } => {
                s.position = (x, y);
                s.rotated = matches!(
                    transform,
                    WEnum::Value(
                        wl_output::Transform::_90
                            | wl_output::Transform::_270
                            | wl_output::Transform::Flipped90
                            | wl_output::Transform::Flipped270
                    )
                );
            }
            wl_output::Event::Mode { flags, width, height, .. } => {
                let current = matches!(flags, WEnum::Value(f) if f.contains(wl_output::Mode::Current));
                if current || s.mode.is_none() {
                    s.mode = Some((u32::try_from(width).unwrap_or(0), u32::try_from(height).unwrap_or(0)));
                }
            }
            wl_output::Event::Scale { factor } => s.scale = factor,
            wl_output::Event::Name { name } => s.name = Some(name),
            _ => {}
        }
    }
}

impl Dispatch<zxdg_output_manager_v1::ZxdgOutputManagerV1, ()> for State {
    fn event(
        _: &mut Self,
        _: &zxdg_output_manager_v1::ZxdgOutputManagerV1,
        _: zxdg_output_manager_v1::Event,
        _: &(),
        _: &Connection,
        _: &QueueHandle<Self>,
    ) {
        // The manager has no events.
    }
}

impl Dispatch<zxdg_output_v1::ZxdgOutputV1, usize> for State {
    fn event(
        state: &mut Self,
        _: &zxdg_output_v1::ZxdgOutputV1,
        event: zxdg_output_v1::Event,
        index: &usize,
        _: &Connection,
        _: &QueueHandle<Self>,
    ) {
        let Some(s) = state.outputs.get_mut(*index) else { return };
        match event {
            zxdg_output_v1::Event::LogicalPosition { x, y } => s.logical_position = Some((x, y)),
            zxdg_output_v1::Event::LogicalSize { width, height } => {
                s.logical_size =
                    Some((u32::try_from(width).unwrap_or(0), u32::try_from(height).unwrap_or(0)));
            }
            // wl_output v4's name wins; xdg-output's is the one older compositors send.
            zxdg_output_v1::Event::Name { name } if s.name.is_none() => s.name = Some(name),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rotated_scaled_output_without_xdg_output() {
        let s =
            Seen { mode: Some((2560, 1440)), scale: 2, rotated: true, position: (5, 6), ..Seen::default() };
        let o = finish(1, s);
        assert_eq!(o.name, "output-1");
        assert_eq!(o.physical, (1440, 2560));
        assert_eq!(o.logical, (5, 6, 720, 1280));
    }
}
