//! GNOME custom keybindings through `gsettings`: each shortcut is a relocatable
//! `...media-keys.custom-keybinding` at `.../custom-keybindings/slingshot-<id>/` (name, command,
//! binding), and its path is appended to the `custom-keybindings` list, which holds the
//! person's own shortcuts too: we read it, add ours, write it back, never dropping an entry.
//! Uninstall takes out only paths under our `slingshot-` prefix and resets their keys.

use super::{split_keys, Applied, Shortcut};
use crate::error::{Error, Result};
use std::process::Command;

/// The schema holding the list.
pub const SCHEMA: &str = "org.gnome.settings-daemon.plugins.media-keys";
/// The relocatable schema of one custom keybinding.
pub const ENTRY_SCHEMA: &str = "org.gnome.settings-daemon.plugins.media-keys.custom-keybinding";
/// Where custom keybindings live; ours are `slingshot-<id>/` under it.
pub const BASE: &str = "/org/gnome/settings-daemon/plugins/media-keys/custom-keybindings/";
const LIST_KEY: &str = "custom-keybindings";

/// Runs `gsettings`, with extra environment when given (tests use a private bus and dconf).
#[derive(Debug, Clone, Default)]
pub struct Gsettings {
    env: Vec<(String, String)>,
}

impl Gsettings {
    /// The session's own settings.
    pub fn session() -> Gsettings {
        Gsettings::default()
    }

    /// With these variables set (`DBUS_SESSION_BUS_ADDRESS`, `XDG_CONFIG_HOME`...).
    pub fn with_env(env: Vec<(String, String)>) -> Gsettings {
        Gsettings { env }
    }

    fn run(&self, args: &[&str]) -> Result<String> {
        let out =
            Command::new("gsettings").args(args).envs(self.env.iter().cloned()).output().map_err(|e| {
                if e.kind() == std::io::ErrorKind::NotFound {
                    Error::Config("gsettings is not installed (package libglib2.0-bin)".into())
                } else {
                    Error::Io { context: "Cannot run gsettings".into(), source: e }
                }
            })?;
        if !out.status.success() {
            return Err(Error::Config(format!(
                "gsettings {} failed: {}",
                args.first().unwrap_or(&""),
                String::from_utf8_lossy(&out.stderr).trim()
            )));
        }
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
    }

    /// The `custom-keybindings` list.
    pub fn list(&self) -> Result<Vec<String>> {
        parse_strv(&self.run(&["get", SCHEMA, LIST_KEY])?)
    }

    fn set_list(&self, list: &[String]) -> Result<()> {
        self.run(&["set", SCHEMA, LIST_KEY, &format_strv(list)]).map(|_| ())
    }

    /// One key of the keybinding at `path`.
    pub fn entry(&self, path: &str, key: &str) -> Result<String> {
        let v = self.run(&["get", &format!("{ENTRY_SCHEMA}:{path}"), key])?;
        parse_string(&v).ok_or_else(|| Error::Config(format!("gsettings answered {v:?} for {path} {key}")))
    }

    fn set_entry(&self, path: &str, key: &str, value: &str) -> Result<()> {
        self.run(&["set", &format!("{ENTRY_SCHEMA}:{path}"), key, &quote(value)]).map(|_| ())
    }

    fn reset_entry(&self, path: &str, key: &str) -> Result<()> {
        self.run(&["reset", &format!("{ENTRY_SCHEMA}:{path}"), key]).map(|_| ())
    }
}

/// The path of one of our shortcuts.
pub fn path_of(id: &str) -> String {
    format!("{BASE}slingshot-{id}/")
}

fn is_ours(path: &str) -> bool {
    path.starts_with(&format!("{BASE}slingshot-"))
}

/// `Ctrl+Shift+Print` → `<Control><Shift>Print`.
pub fn binding(accel: &str) -> Result<String> {
    let (mods, key) = split_keys(accel)?;
    let mut s: String = mods
        .iter()
        .map(|m| match *m {
            "Ctrl" => "<Control>",
            "Shift" => "<Shift>",
            "Alt" => "<Alt>",
            _ => "<Super>",
        })
        .collect();
    s.push_str(&key);
    Ok(s)
}

/// Writes our keybindings and appends their paths to the list (keeping every other entry).
pub fn install(g: &Gsettings, shortcuts: &[Shortcut]) -> Result<Applied> {
    let before = g.list()?;
    let mut applied = Applied::default();
    let mut list = before.clone();
    for s in shortcuts {
        let path = path_of(s.id);
        let bind = binding(&s.keys)?;
        let command = s.command_line();
        g.set_entry(&path, "name", s.label)?;
        g.set_entry(&path, "command", &command)?;
        g.set_entry(&path, "binding", &bind)?;
        applied.changes.push(format!(
            "{ENTRY_SCHEMA}:{path}: name={}, command={}, binding={}",
            quote(s.label),
            quote(&command),
            quote(&bind)
        ));
        if !list.contains(&path) {
            list.push(path);
        }
    }
    if list != before {
        g.set_list(&list)?;
        applied.changes.push(format!(
            "{SCHEMA} {LIST_KEY}: was {}, now {}",
            format_strv(&before),
            format_strv(&list)
        ));
    }
    applied.undo.push("slingshot-cli integrate shortcut uninstall".into());
    applied.undo.push(format!(
        "or by hand: gsettings set {SCHEMA} {LIST_KEY} \"{}\" and, for each path above, gsettings reset {ENTRY_SCHEMA}:PATH name (and command, binding)",
        format_strv(&before.iter().filter(|p| !is_ours(p)).cloned().collect::<Vec<_>>())
    ));
    Ok(applied)
}

/// Takes our paths out of the list and resets their keys; other entries stay as they are.
pub fn uninstall(g: &Gsettings) -> Result<Applied> {
    let before = g.list()?;
    let (ours, kept): (Vec<String>, Vec<String>) = before.iter().cloned().partition(|p| is_ours(p));
    let mut applied = Applied::default();
    if !ours.is_empty() {
        g.set_list(&kept)?;
        applied.changes.push(format!(
            "{SCHEMA} {LIST_KEY}: was {}, now {}",
            format_strv(&before),
            format_strv(&kept)
        ));
    }
    for path in &ours {
        for key in ["name", "command", "binding"] {
            g.reset_entry(path, key)?;
        }
        applied.changes.push(format!("{ENTRY_SCHEMA}:{path}: reset"));
    }
    Ok(applied)
}

/// Our installed keybindings: (path, name, command, binding).
pub fn installed(g: &Gsettings) -> Result<Vec<(String, String, String, String)>> {
    let mut out = Vec::new();
    for path in g.list()?.into_iter().filter(|p| is_ours(p)) {
        let (n, c, b) = (g.entry(&path, "name")?, g.entry(&path, "command")?, g.entry(&path, "binding")?);
        out.push((path, n, c, b));
    }
    Ok(out)
}

/// A GVariant string literal.
fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"))
}

fn format_strv(list: &[String]) -> String {
    if list.is_empty() {
        "@as []".to_string()
    } else {
        format!("[{}]", list.iter().map(|s| quote(s)).collect::<Vec<_>>().join(", "))
    }
}

/// One GVariant string as gsettings prints it (`'...'` or `"..."`, with backslash escapes).
fn parse_string(s: &str) -> Option<String> {
    let (v, rest) = take_string(s.trim())?;
    rest.trim().is_empty().then_some(v)
}

fn take_string(s: &str) -> Option<(String, &str)> {
    let mut chars = s.char_indices();
    let (_, q) = chars.next().filter(|(_, c)| *c == '\'' || *c == '"')?;
    let mut out = String::new();
    let mut escaped = false;
    for (i, c) in chars {
        if escaped {
            out.push(c);
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == q {
            return Some((out, &s[i + c.len_utf8()..]));
        } else {
            out.push(c);
        }
    }
    None
}

/// A GVariant string array as gsettings prints it: `@as []` or `['a', 'b']`.
fn parse_strv(s: &str) -> Result<Vec<String>> {
    let bad = || Error::Config(format!("Cannot read the GNOME keybinding list {s:?}"));
    let mut rest = s.trim().strip_prefix("@as").unwrap_or(s.trim()).trim();
    rest = rest.strip_prefix('[').and_then(|r| r.strip_suffix(']')).ok_or_else(bad)?.trim();
    let mut out = Vec::new();
    while !rest.is_empty() {
        let (v, after) = take_string(rest).ok_or_else(bad)?;
        out.push(v);
        rest = after.trim_start();
        rest = rest.strip_prefix(',').map_or(rest, str::trim_start);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_arrays_round_trip() {
        assert_eq!(parse_strv("@as []").expect("empty"), Vec::<String>::new());
        let list = vec!["/a/custom0/".to_string(), "/it's \"odd\"\\/".to_string()];
        assert_eq!(parse_strv(&format_strv(&list)).expect("ours"), list);
        assert_eq!(parse_strv("['/x/', \"/y'z/\"]").expect("gsettings"), vec!["/x/", "/y'z/"]);
        assert!(parse_strv("nonsense").is_err());
        assert_eq!(parse_string("'<Control>Print'").as_deref(), Some("<Control>Print"));
    }

    #[test]
    fn bindings_use_gnome_names() {
        assert_eq!(binding("Ctrl+Shift+Print").expect("ok"), "<Control><Shift>Print");
        assert_eq!(binding("Super+u").expect("ok"), "<Super>u");
        assert!(is_ours(&path_of("capture-all")) && !is_ours(&format!("{BASE}custom0/")));
    }
}
