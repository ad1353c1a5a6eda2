//! A short, safe excerpt of a body that is not an API answer (maintenance page, PHP fault, a web
//! server's 413): tags, scripts and styles stripped, whitespace collapsed, cut to 120 characters,
//! so an error can show what the server said without dumping a page.

/// Longest excerpt, in characters.
const MAX_CHARS: usize = 120;
/// Only the start of a body is looked at: the gist of an error page is near its top.
const SCAN_BYTES: usize = 64 * 1024;

/// The excerpt of `body`: its `<title>`, then its visible text, deduplicated, on one line.
pub fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(SCAN_BYTES)]);
    // ASCII lower-casing keeps byte offsets, so positions found in `lower` are valid in `text`.
    let lower = text.to_ascii_lowercase();
    let title = between(&text, &lower, "<title", "</title>").map(|t| visible(&t)).unwrap_or_default();
    let mut rest = text.to_string();
    for (open, close) in
        [("<head", "</head>"), ("<script", "</script>"), ("<style", "</style>"), ("<!--", "-->")]
    {
        rest = remove_blocks(&rest, open, close);
    }
    let body_text = visible(&rest);
    let joined = match (title.is_empty(), body_text.starts_with(&title)) {
        (true, _) | (false, true) => body_text,
        (false, false) if body_text.is_empty() => title,
        (false, false) => format!("{title} — {body_text}"),
    };
    let cut: String = joined.chars().take(MAX_CHARS).collect();
    if cut.is_empty() {
        "(empty answer)".to_string()
    } else if cut.chars().count() < joined.chars().count() {
        format!("{cut}…")
    } else {
        cut
    }
}

/// The text between the end of the `open` tag and `close`, if both are there.
fn between(text: &str, lower: &str, open: &str, close: &str) -> Option<String> {
    let start = lower.find(open)?;
    let gt = lower[start..].find('>')? + start + 1;
    let end = lower[gt..].find(close)? + gt;
    Some(text[gt..end].to_string())
}

/// `s` without every `open ... close` block (an unclosed block runs to the end).
fn remove_blocks(s: &str, open: &str, close: &str) -> String {
    let lower = s.to_ascii_lowercase();
    let mut out = String::with_capacity(s.len());
    let mut pos = 0;
    while let Some(i) = lower[pos..].find(open) {
        let start = pos + i;
        out.push_str(&s[pos..start]);
        pos = match lower[start..].find(close) {
            Some(j) => start + j + close.len(),
            None => s.len(),
        };
    }
    out.push_str(&s[pos..]);
    out
}

/// Visible text: tags dropped, common entities decoded, control characters removed, whitespace
/// collapsed. A `<` not followed by a tag-like character is kept as text.
fn visible(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    let mut in_tag = false;
    while let Some(c) = chars.next() {
        if in_tag {
            if c == '>' {
                in_tag = false;
                out.push(' ');
            }
        } else if c == '<'
            && chars.peek().is_some_and(|n| n.is_ascii_alphabetic() || matches!(n, '/' | '!' | '?'))
        {
            in_tag = true;
        } else {
            out.push(if c.is_control() { ' ' } else { c });
        }
    }
    let decoded = out
        .replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
}
