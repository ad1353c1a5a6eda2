//! Names and small text rules: safe stored file names (whatever the client sends as the part's
//! filename), viewer slugs, titles, tags, ids and secrets, HTML escaping.

use rand::distr::{Alphanumeric, SampleString};

/// Longest stored file stem; long names are cut (the real server does the same).
const MAX_STEM: usize = 64;
/// Longest slug in viewer URLs.
const MAX_SLUG: usize = 60;
/// Titles are cut to this many characters.
pub(crate) const MAX_TITLE: usize = 100;
/// Tags longer than this are dropped.
const MAX_TAG: usize = 32;

/// `n` random ASCII letters and digits.
pub(crate) fn random_alnum(n: usize) -> String {
    Alphanumeric.sample_string(&mut rand::rng(), n)
}

/// The client's filename without any directory part (`/` and `\` both count: clients on any
/// system may send either).
pub(crate) fn base_name(client_name: &str) -> &str {
    client_name.rsplit(['/', '\\']).next().unwrap_or(client_name)
}

/// A stored file stem from the client's filename: directory parts and the extension removed,
/// anything but ASCII letters, digits, `_` and `-` turned into `-`, runs collapsed, cut to 64.
/// Dots are never kept, so a stem can't collide with another file's `.th`/`.md` variants.
/// Returns `None` when nothing usable is left (the caller picks a random name).
pub(crate) fn safe_stem(client_name: &str) -> Option<String> {
    let base = base_name(client_name);
    let stem = match base.rfind('.') {
        Some(i) if i > 0 => &base[..i],
        _ => base,
    };
    let mut out = String::new();
    for c in stem.chars() {
        let keep = c.is_ascii_alphanumeric() || c == '_';
        if keep {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
        if out.len() >= MAX_STEM {
            break;
        }
    }
    let out = out.trim_matches(|c| c == '-' || c == '_').to_string();
    if out.is_empty() {
        return None;
    }
    // Windows refuses these as file names whatever the extension; the host also runs there.
    const RESERVED: &[&str] = &["con", "prn", "aux", "nul", "com1", "com2", "lpt1", "lpt2"];
    if RESERVED.contains(&out.to_ascii_lowercase().as_str()) {
        return Some(format!("{out}-file"));
    }
    Some(out)
}

/// A URL slug from a title: ASCII letters and digits, `-` between words, cut to 60.
pub(crate) fn slug(title: &str) -> String {
    let mut out = String::new();
    for c in title.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
        if out.len() >= MAX_SLUG {
            break;
        }
    }
    out.trim_end_matches('-').to_string()
}

/// The title the server derives when none is sent: the filename without extension, with `_`,
/// `-` and runs of spaces turned into single spaces.
pub(crate) fn title_from_filename(client_name: &str) -> String {
    let base = base_name(client_name);
    let stem = match base.rfind('.') {
        Some(i) if i > 0 => &base[..i],
        _ => base,
    };
    let spaced: String = stem.chars().map(|c| if c == '_' || c == '-' { ' ' } else { c }).collect();
    cut_title(&spaced.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// A title cut to 100 characters (characters, not bytes, so UTF-8 is never split).
pub(crate) fn cut_title(title: &str) -> String {
    title.chars().take(MAX_TITLE).collect()
}

/// The `tags` parameter: comma separated; empty, over-long, or holding `/` or `#` are dropped
/// silently, like the real server. Duplicates are kept once.
pub(crate) fn parse_tags(value: &str) -> Vec<String> {
    let mut tags: Vec<String> = Vec::new();
    for t in value.split(',').map(str::trim) {
        let ok = !t.is_empty() && t.chars().count() <= MAX_TAG && !t.contains(['/', '#']);
        if ok && !tags.iter().any(|x| x == t) {
            tags.push(t.to_string());
        }
    }
    tags
}

/// Escapes text for HTML element content and attribute values.
pub(crate) fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// "3 MB"-style size, as the real server's `size_formatted`.
pub(crate) fn size_formatted(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KB", "MB", "GB", "TB"];
    let mut v = bytes as f64;
    let mut u = 0;
    while v >= 1000.0 && u < UNITS.len() - 1 {
        v /= 1000.0;
        u += 1;
    }
    if u == 0 || v >= 10.0 {
        format!("{} {}", v.round(), UNITS[u])
    } else {
        format!("{:.1} {}", v, UNITS[u])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_are_sanitised() {
        assert_eq!(safe_stem("photo.png").as_deref(), Some("photo"));
        assert_eq!(safe_stem("../../etc/passwd").as_deref(), Some("passwd"));
        assert_eq!(safe_stem("C:\\Users\\me\\My Pic (1).JPG").as_deref(), Some("My-Pic-1"));
        assert_eq!(safe_stem("a.th.png").as_deref(), Some("a-th"));
        assert_eq!(safe_stem(".hidden").as_deref(), Some("hidden"));
        assert_eq!(safe_stem("café au lait.jpg").as_deref(), Some("caf-au-lait"));
        assert_eq!(safe_stem("con.png").as_deref(), Some("con-file"));
        assert_eq!(safe_stem("%2e%2e%2f.png").as_deref(), Some("2e-2e-2f"));
        assert_eq!(safe_stem("...."), None);
        assert_eq!(safe_stem("/"), None);
        assert_eq!(safe_stem("日本.png"), None);
        assert!(safe_stem(&"x".repeat(500)).is_some_and(|s| s.len() == 64));
    }

    #[test]
    fn titles_and_slugs() {
        assert_eq!(
            title_from_filename("Badgers _ animated music video _ MrWeebl.mp4"),
            "Badgers animated music video MrWeebl"
        );
        assert_eq!(slug("Badgers animated music video MrWeebl"), "Badgers-animated-music-video-MrWeebl");
        assert_eq!(slug("  <b>hi</b> "), "b-hi-b");
        assert_eq!(cut_title(&"é".repeat(150)).chars().count(), 100);
    }

    #[test]
    fn tags_are_filtered() {
        let long = "x".repeat(33);
        let v = parse_tags(&format!("cat, dog ,a/b,#x,{long},,cat,{}", "y".repeat(32)));
        assert_eq!(v, vec!["cat".to_string(), "dog".to_string(), "y".repeat(32)]);
    }

    #[test]
    fn escaping_and_sizes() {
        assert_eq!(html_escape("<a href=\"x\">&'"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
        assert_eq!(size_formatted(512), "512 B");
        assert_eq!(size_formatted(3_011_299), "3.0 MB");
        assert_eq!(size_formatted(45_300), "45 KB");
    }
}
