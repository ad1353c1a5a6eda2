//! What gets copied after an upload: the chosen link, or a snippet (Markdown, HTML, BBCode) built
//! from the answer's URLs.

use crate::api::Uploaded;
use serde::{Deserialize, Serialize};

/// The link or snippet to put on the clipboard.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum CopyTarget {
    /// Direct file URL.
    Url,
    /// Short URL (the default, like ShareX).
    #[default]
    Short,
    /// Viewer page URL.
    Viewer,
    /// Delete URL (a secret: copied only when chosen).
    Delete,
    /// `[![title](url)](viewer)`.
    Markdown,
    /// `<a href="viewer"><img src="url" alt="title"></a>`.
    Html,
    /// `[url=viewer][img]url[/img][/url]`.
    Bbcode,
    /// Copy nothing.
    None,
}

impl CopyTarget {
    /// Renders the text to copy. Falls back to the direct URL when the chosen link is missing
    /// (txt answers carry only the direct URL); `Delete` has no fallback (it is never guessed) and
    /// `None` gives nothing.
    pub fn render(self, up: &Uploaded) -> Option<String> {
        let viewer = up.url_viewer.clone().unwrap_or_else(|| up.url.clone());
        let alt = up.original_filename.clone().or_else(|| up.filename.clone()).unwrap_or_default();
        match self {
            CopyTarget::Url => Some(up.url.clone()),
            CopyTarget::Short => {
                Some(up.url_short.clone().or_else(|| up.url_viewer.clone()).unwrap_or_else(|| up.url.clone()))
            }
            CopyTarget::Viewer => Some(viewer),
            CopyTarget::Delete => up.delete_url.clone(),
            CopyTarget::Markdown => Some(format!("[![{}]({})]({})", md_escape(&alt), up.url, viewer)),
            CopyTarget::Html => Some(format!(
                "<a href=\"{}\"><img src=\"{}\" alt=\"{}\"></a>",
                html_escape(&viewer),
                html_escape(&up.url),
                html_escape(&alt)
            )),
            CopyTarget::Bbcode => Some(format!("[url={viewer}][img]{}[/img][/url]", up.url)),
            CopyTarget::None => None,
        }
    }
}

fn md_escape(s: &str) -> String {
    s.replace('[', "\\[").replace(']', "\\]")
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;").replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn up() -> Uploaded {
        Uploaded {
            url: "http://h/i/a.png".into(),
            url_viewer: Some("http://h/image/a.X".into()),
            url_short: Some("http://h/image/X".into()),
            delete_url: Some("http://h/image/X/delete/s".into()),
            original_filename: Some("a <b>.png".into()),
            ..Default::default()
        }
    }

    #[test]
    fn renders_each_target() {
        let u = up();
        assert_eq!(CopyTarget::Short.render(&u).as_deref(), Some("http://h/image/X"));
        assert_eq!(CopyTarget::Delete.render(&u).as_deref(), Some("http://h/image/X/delete/s"));
        assert_eq!(
            CopyTarget::Markdown.render(&u).as_deref(),
            Some("[![a <b>.png](http://h/i/a.png)](http://h/image/a.X)")
        );
        assert!(CopyTarget::Html.render(&u).unwrap_or_default().contains("alt=\"a &lt;b&gt;.png\""));
        assert_eq!(CopyTarget::None.render(&u), None);
    }

    #[test]
    fn falls_back_to_direct_url_but_never_guesses_delete() {
        let u = Uploaded { url: "http://h/a.png".into(), ..Default::default() };
        assert_eq!(CopyTarget::Short.render(&u).as_deref(), Some("http://h/a.png"));
        assert_eq!(CopyTarget::Delete.render(&u), None);
    }
}
