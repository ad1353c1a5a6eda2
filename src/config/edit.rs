//! `config set KEY VALUE`: dotted keys into [`Settings`]. The value is turned into a TOML value of
//! the key's kind, put into the serialized settings, and the whole is deserialized back, so the
//! field types themselves decide what is accepted; then a few range checks the types can't
//! express. Unknown keys are refused with the list of valid ones.

use super::settings::{Profile, Settings};
use crate::error::{Error, Result};
use toml::Value;

/// What a key accepts, for parsing the text and for the error messages.
#[derive(Clone, Copy)]
enum Kind {
    /// Any text.
    Text,
    /// Text; empty unsets.
    OptText,
    /// true/false.
    Bool,
    /// Whole number.
    Num,
    /// Whole number; empty unsets.
    OptNum,
    /// One of a fixed list.
    OneOf(&'static [&'static str]),
    /// Comma-separated list.
    List,
}

impl Kind {
    fn describe(self) -> String {
        match self {
            Kind::Text => "text".into(),
            Kind::OptText => "text (or an empty value to unset it)".into(),
            Kind::Bool => "true or false".into(),
            Kind::Num => "a number".into(),
            Kind::OptNum => "a number (or an empty value to unset it)".into(),
            Kind::OneOf(list) => format!("one of: {}", list.join(", ")),
            Kind::List => "a comma-separated list".into(),
        }
    }

    /// The TOML value for `raw`; `None` means "remove the key" (back to the default / unset).
    fn parse(self, key: &str, raw: &str) -> Result<Option<Value>> {
        let v = raw.trim();
        let wrong = || Error::invalid(format!("{key} expects {} (got \"{raw}\")", self.describe()));
        Ok(Some(match self {
            Kind::Text => Value::String(v.to_string()),
            Kind::OptText | Kind::OptNum if v.is_empty() => return Ok(None),
            Kind::OptText => Value::String(v.to_string()),
            Kind::Bool => match v.to_ascii_lowercase().as_str() {
                "true" | "yes" | "on" | "1" => Value::Boolean(true),
                "false" | "no" | "off" | "0" => Value::Boolean(false),
                _ => return Err(wrong()),
            },
            Kind::Num | Kind::OptNum => Value::Integer(v.parse::<i64>().map_err(|_| wrong())?),
            Kind::OneOf(list) => {
                let lower = v.to_ascii_lowercase();
                if !list.contains(&lower.as_str()) {
                    return Err(wrong());
                }
                Value::String(lower)
            }
            Kind::List => Value::Array(
                v.split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(|s| Value::String(s.into()))
                    .collect(),
            ),
        }))
    }
}

const GLOBAL_KEYS: &[(&str, Kind)] = &[
    ("default_profile", Kind::OptText),
    ("capture.save_dir", Kind::OptText),
    ("capture.strip_metadata", Kind::Bool),
    ("capture.keep_captures", Kind::Bool),
    ("hotkeys.capture_screen", Kind::Text),
    ("hotkeys.capture_screen_mode", Kind::OneOf(&["region", "monitor", "all", "window"])),
    ("hotkeys.capture_region", Kind::Text),
    ("hotkeys.capture_window", Kind::Text),
    ("hotkeys.capture_all", Kind::Text),
    ("hotkeys.upload_clipboard", Kind::Text),
    ("app.start_at_login", Kind::Bool),
    ("app.notifications", Kind::Bool),
    ("app.concurrency", Kind::Num),
    ("queue.max_attempts", Kind::Num),
    ("queue.retry_base_ms", Kind::Num),
    ("queue.retry_max_secs", Kind::Num),
    ("queue.flood_pause_secs", Kind::Num),
];

const COPY_TARGETS: &[&str] = &["url", "short", "viewer", "delete", "markdown", "html", "bbcode", "none"];

/// Keys under `profiles.<name>.`.
const PROFILE_KEYS: &[(&str, Kind)] = &[
    ("base_url", Kind::Text),
    ("key_mode", Kind::OneOf(&["header", "field"])),
    ("allow_insecure_http", Kind::Bool),
    ("defaults.resize_width", Kind::OptNum),
    ("defaults.jpeg_quality", Kind::Num),
    ("defaults.strip_metadata", Kind::Bool),
    ("defaults.copy", Kind::OneOf(COPY_TARGETS)),
    ("defaults.options.title", Kind::OptText),
    ("defaults.options.description", Kind::OptText),
    ("defaults.options.tags", Kind::List),
    ("defaults.options.album_id", Kind::OptText),
    ("defaults.options.category_id", Kind::OptText),
    ("defaults.options.width", Kind::OptNum),
    ("defaults.options.expiration", Kind::OptText),
    ("defaults.options.nsfw", Kind::Bool),
    ("defaults.options.format", Kind::OneOf(&["json", "txt", "redirect"])),
    ("defaults.options.use_file_date", Kind::Bool),
];

/// Every settable key, for the "unknown key" message.
fn valid_keys() -> String {
    GLOBAL_KEYS
        .iter()
        .map(|(k, _)| (*k).to_string())
        .chain(PROFILE_KEYS.iter().map(|(k, _)| format!("profiles.<name>.{k}")))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Splits `profiles.<name>.<field>` (the name may itself contain dots: the longest known field
/// suffix wins).
fn split_profile_key(rest: &str) -> Option<(&str, &'static str, Kind)> {
    PROFILE_KEYS
        .iter()
        .filter_map(|(field, kind)| {
            let name = rest.strip_suffix(field)?.strip_suffix('.')?;
            (!name.is_empty()).then_some((name, *field, *kind))
        })
        .max_by_key(|(_, field, _)| field.len())
}

fn check_profile_name(name: &str) -> Result<()> {
    if name.trim() != name || name.chars().any(char::is_control) {
        return Err(Error::invalid(format!(
            "\"{name}\" can't be a profile name: no leading/trailing spaces or control characters"
        )));
    }
    Ok(())
}

/// Sets `value` at `path` inside `table`, creating intermediate tables; `None` removes the key.
fn put(table: &mut toml::Table, path: &[&str], value: Option<Value>) -> Result<()> {
    let Some((last, parents)) = path.split_last() else { return Ok(()) };
    let mut t = table;
    for seg in parents {
        let slot = t.entry(seg.to_string()).or_insert_with(|| Value::Table(toml::Table::new()));
        t = slot.as_table_mut().ok_or_else(|| Error::Config(format!("settings: {seg} is not a table")))?;
    }
    match value {
        Some(v) => {
            t.insert(last.to_string(), v);
        }
        None => {
            t.remove(*last);
        }
    }
    Ok(())
}

fn check_range(key: &str, n: Option<u32>, min: u32, max: u32) -> Result<()> {
    match n {
        Some(n) if n < min || n > max => {
            Err(Error::invalid(format!("{key} expects a number from {min} to {max} (got {n})")))
        }
        _ => Ok(()),
    }
}

impl Settings {
    /// `config set`: sets one dotted key (e.g. `app.concurrency`, `profiles.home.base_url`,
    /// `profiles.home.defaults.options.tags` as a comma list). Setting `profiles.<new>.base_url`
    /// creates the profile. An empty value unsets optional keys. On any error nothing changes.
    pub fn set(&mut self, key: &str, value: &str) -> Result<()> {
        let key = key.trim();
        let mut root = toml::Table::try_from(&*self)
            .map_err(|e| Error::Config(format!("Cannot represent the settings as TOML: {e}")))?;
        let kind;
        let mut profile_field = None;
        if let Some(&(_, k)) = GLOBAL_KEYS.iter().find(|(name, _)| *name == key) {
            kind = k;
            let path: Vec<&str> = key.split('.').collect();
            put(&mut root, &path, k.parse(key, value)?)?;
        } else if let Some((name, field, k)) = key.strip_prefix("profiles.").and_then(split_profile_key) {
            kind = k;
            profile_field = Some((name, field));
            let mut working = self.clone();
            if !working.profiles.iter().any(|p| p.name == name) {
                if field != "base_url" {
                    return Err(Error::invalid(format!(
                        "There is no profile named \"{name}\"; create it first with \
                         `config set profiles.{name}.base_url https://your.host`"
                    )));
                }
                check_profile_name(name)?;
                working.profiles.push(Profile { name: name.to_string(), ..Profile::default() });
                root = toml::Table::try_from(&working)
                    .map_err(|e| Error::Config(format!("Cannot represent the settings as TOML: {e}")))?;
            }
            let parsed = k.parse(key, value)?;
            let profile = root
                .get_mut("profiles")
                .and_then(Value::as_array_mut)
                .and_then(|a| a.iter_mut().find(|p| p.get("name").and_then(Value::as_str) == Some(name)))
                .and_then(Value::as_table_mut)
                .ok_or_else(|| Error::Config(format!("settings: profile \"{name}\" vanished")))?;
            let path: Vec<&str> = field.split('.').collect();
            put(profile, &path, parsed)?;
        } else {
            return Err(Error::invalid(format!("Unknown setting \"{key}\". Valid keys: {}", valid_keys())));
        }

        let updated: Settings = Value::Table(root).try_into().map_err(|e: toml::de::Error| {
            Error::invalid(format!("{key} expects {} ({})", kind.describe(), e.message().trim()))
        })?;
        updated.check_key(key, profile_field)?;
        *self = updated;
        Ok(())
    }

    /// Checks what the types allow but the program doesn't, for the key just set only (so an
    /// odd value elsewhere in a hand-edited file doesn't block unrelated edits).
    fn check_key(&self, key: &str, profile_field: Option<(&str, &str)>) -> Result<()> {
        match key {
            "app.concurrency" => return check_range(key, Some(self.app.concurrency), 1, 16),
            "queue.max_attempts" => return check_range(key, Some(self.queue.max_attempts), 1, 100),
            "default_profile" => {
                if let Some(name) = &self.default_profile {
                    if !self.profiles.iter().any(|p| &p.name == name) {
                        return Err(Error::invalid(format!(
                            "default_profile: there is no profile named \"{name}\". Known profiles: {}",
                            if self.profiles.is_empty() { "none yet".into() } else { self.profile_names() }
                        )));
                    }
                }
                return Ok(());
            }
            _ => {}
        }
        let Some((name, field)) = profile_field else { return Ok(()) };
        let Some(p) = self.profiles.iter().find(|p| p.name == name) else { return Ok(()) };
        match field {
            "base_url" => {
                let ok = url::Url::parse(&p.base_url)
                    .map(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
                    .unwrap_or(false);
                if !ok {
                    return Err(Error::invalid(format!(
                        "{key} expects an http(s) URL such as https://img.example.com (got \"{}\")",
                        p.base_url
                    )));
                }
            }
            "defaults.jpeg_quality" => check_range(key, Some(u32::from(p.defaults.jpeg_quality)), 1, 100)?,
            "defaults.resize_width" => check_range(key, p.defaults.resize_width, 1, 65_535)?,
            f if f.starts_with("defaults.options.") => {
                crate::api::params::validate(&p.defaults.options)
                    .map_err(|e| Error::invalid(format!("{key}: {e}")))?;
            }
            _ => {}
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profile_names_may_contain_dots() {
        let (name, field, _) = split_profile_key("my.host.defaults.options.width").expect("splits");
        assert_eq!((name, field), ("my.host", "defaults.options.width"));
        assert!(split_profile_key("base_url").is_none());
        assert!(split_profile_key("x.nope").is_none());
    }

    #[test]
    fn bool_parsing_accepts_common_words_only() {
        assert_eq!(Kind::Bool.parse("k", "Yes").expect("ok"), Some(Value::Boolean(true)));
        assert!(Kind::Bool.parse("k", "maybe").is_err());
        assert_eq!(Kind::OptNum.parse("k", " ").expect("ok"), None);
    }
}
