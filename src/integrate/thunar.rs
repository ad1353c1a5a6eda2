//! Adding and removing our custom action in Thunar's `uca.xml` without disturbing the person's
//! own actions. The file is a flat list of `<action>` elements inside `<actions>`, as Thunar
//! writes it; ours is recognised by its `<unique-id>`, so it can be replaced or removed alone.

use super::entries::THUNAR_ID;
use crate::error::{Error, Result};

/// A new `uca.xml` holding only our action.
pub fn new_file(action: &str) -> String {
    format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<actions>\n{action}</actions>\n")
}

/// `existing` with our action (re)placed last in `<actions>`; the rest is kept byte for byte.
pub fn merge(existing: &str, action: &str) -> Result<String> {
    let (mut text, _) = remove(existing);
    if let Some(pos) = text.rfind("</actions>") {
        let pos = line_start(&text, pos);
        text.insert_str(pos, action);
        return Ok(text);
    }
    // Thunar writes an empty list as a self-closing element.
    if let Some(pos) = text.rfind("<actions/>") {
        text.replace_range(pos..pos + "<actions/>".len(), &format!("<actions>\n{action}</actions>"));
        return Ok(text);
    }
    Err(Error::Config(
        "Thunar's uca.xml has no <actions> list; it was left unchanged (fix or move it, then run install again)".into(),
    ))
}

/// `existing` without our action(s), and whether any was found.
pub fn remove(existing: &str) -> (String, bool) {
    let marker = format!("<unique-id>{THUNAR_ID}</unique-id>");
    let mut out = String::with_capacity(existing.len());
    let mut rest = existing;
    let mut found = false;
    while let Some(start) = rest.find("<action>") {
        let Some(len) = rest[start..].find("</action>") else { break };
        let end = start + len + "</action>".len();
        if rest[start..end].contains(&marker) {
            found = true;
            // Take the element's indentation and line break with it.
            let from = line_start(rest, start);
            out.push_str(&rest[..from]);
            let after = &rest[end..];
            rest = after.strip_prefix("\r\n").or_else(|| after.strip_prefix('\n')).unwrap_or(after);
        } else {
            out.push_str(&rest[..end]);
            rest = &rest[end..];
        }
    }
    out.push_str(rest);
    (out, found)
}

/// The start of the line holding `pos` when only spaces or tabs precede it there, else `pos`.
fn line_start(text: &str, pos: usize) -> usize {
    let before = &text[..pos];
    let ls = before.rfind('\n').map_or(0, |i| i + 1);
    if before[ls..].chars().all(|c| c == ' ' || c == '\t') {
        ls
    } else {
        pos
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OTHER: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<actions>\n<action>\n\t<name>Open Terminal Here</name>\n\t<unique-id>1590000000000000-1</unique-id>\n\t<command>exo-open --working-directory %f --launch TerminalEmulator</command>\n</action>\n</actions>\n";

    #[test]
    fn merge_keeps_others_and_never_duplicates() {
        let ours = super::super::entries::thunar_action("/usr/bin/slingshot");
        let once = merge(OTHER, &ours).expect("merge");
        assert!(once.contains("Open Terminal Here"));
        assert_eq!(once.matches(THUNAR_ID).count(), 1);
        let twice = merge(&once, &ours).expect("merge");
        assert_eq!(twice, once);
        let (back, found) = remove(&twice);
        assert!(found);
        assert_eq!(back, OTHER);
        assert_eq!(remove(&back), (OTHER.to_string(), false));
    }

    #[test]
    fn empty_and_new_files() {
        let ours = super::super::entries::thunar_action("slingshot");
        let merged = merge("<?xml version=\"1.0\"?>\n<actions/>\n", &ours).expect("merge");
        assert!(merged.contains("<actions>\n<action>"), "{merged}");
        assert_eq!(remove(&merged).0, "<?xml version=\"1.0\"?>\n<actions>\n</actions>\n");
        assert_eq!(remove(&new_file(&ours)).0, new_file(""));
        assert!(merge("garbage", &ours).is_err());
    }
}
