//! The text of each integration file: the desktop entry (app menu and "Open with"), the Nautilus
//! script, the Dolphin service menu, the Nemo action and the Thunar custom action. Each embeds
//! the path of the `slingshot` binary, quoted for the format that reads it.

/// MIME types the server accepts, as the desktop entry announces them.
pub const MIME_TYPES: &str =
    "image/png;image/jpeg;image/gif;image/webp;image/bmp;image/avif;video/mp4;video/quicktime;video/webm;";

/// The context-menu actions also offer folders: the app uploads the images and videos inside.
const MENU_MIME_TYPES: &str = "image/png;image/jpeg;image/gif;image/webp;image/bmp;image/avif;video/mp4;\
                               video/quicktime;video/webm;inode/directory;";

/// The marker identifying our Thunar action among the person's own.
pub const THUNAR_ID: &str = "slingshot-upload";

/// The label every file manager shows.
const LABEL: &str = "Upload with Slingshot";

/// `slingshot.desktop`, for `applications/`.
pub fn desktop_entry(exec: &str) -> String {
    let e = desktop_exec(exec);
    format!(
        "[Desktop Entry]\n\
         Type=Application\n\
         Version=1.5\n\
         Name=Slingshot\n\
         GenericName=Image uploader\n\
         Comment=Upload images and videos to a Chevereto-compatible host\n\
         Exec={e} %F\n\
         Icon=slingshot\n\
         Terminal=false\n\
         Categories=Graphics;Network;Utility;\n\
         MimeType={MIME_TYPES}\n\
         Actions=upload;\n\
         \n\
         [Desktop Action upload]\n\
         Name={LABEL}\n\
         Exec={e} %F\n"
    )
}

/// The Nautilus script (an executable `sh` script named after the menu entry). Nautilus puts the
/// selection's local paths, one per line, in `NAUTILUS_SCRIPT_SELECTED_FILE_PATHS`; for remote
/// folders that variable is empty and the names come as arguments instead.
pub fn nautilus_script(exec: &str) -> String {
    let e = shell_quote(exec);
    format!(
        "#!/bin/sh\n\
         # {LABEL}: installed by `slingshot-cli integrate install`, removed by `slingshot-cli integrate uninstall`.\n\
         if [ -n \"$NAUTILUS_SCRIPT_SELECTED_FILE_PATHS\" ]; then\n\
         \t# Split on newlines only, and never expand wildcards in file names.\n\
         \tIFS='\n'\n\
         \tset -f\n\
         \texec {e} $NAUTILUS_SCRIPT_SELECTED_FILE_PATHS\n\
         fi\n\
         exec {e} \"$@\"\n"
    )
}

/// The Dolphin/Konqueror service menu (KDE 5 and 6 read the same format).
pub fn dolphin_service_menu(exec: &str) -> String {
    let e = desktop_exec(exec);
    format!(
        "[Desktop Entry]\n\
         Type=Service\n\
         X-KDE-ServiceTypes=KonqPopupMenu/Plugin\n\
         MimeType={MENU_MIME_TYPES}\n\
         Actions=slingshotUpload;\n\
         \n\
         [Desktop Action slingshotUpload]\n\
         Name={LABEL}\n\
         Icon=slingshot\n\
         Exec={e} %F\n"
    )
}

/// The Nemo (Cinnamon) action.
pub fn nemo_action(exec: &str) -> String {
    let e = shell_quote(exec);
    format!(
        "[Nemo Action]\n\
         Name={LABEL}\n\
         Comment=Upload the selected files to your image host\n\
         Exec={e} %F\n\
         Icon-Name=slingshot\n\
         Selection=notnone\n\
         Mimetypes={MENU_MIME_TYPES}\n\
         Quote=double\n"
    )
}

/// Our `<action>` element for Thunar's `uca.xml`, indented as Thunar writes it.
pub fn thunar_action(exec: &str) -> String {
    let cmd = xml_escape(&format!("{} %F", shell_quote(exec)));
    format!(
        "<action>\n\
         \t<icon>slingshot</icon>\n\
         \t<name>{LABEL}</name>\n\
         \t<submenu></submenu>\n\
         \t<unique-id>{THUNAR_ID}</unique-id>\n\
         \t<command>{cmd}</command>\n\
         \t<description>Upload the selected files to your image host</description>\n\
         \t<range>*</range>\n\
         \t<patterns>*</patterns>\n\
         \t<directories/>\n\
         \t<image-files/>\n\
         \t<video-files/>\n\
         </action>\n"
    )
}

/// Quotes a program path for an `Exec=` key (Desktop Entry spec): bare when it holds no special
/// character, else in double quotes with `"` `` ` `` `$` `\` escaped; then every `\` is doubled
/// because the value itself is an escaped string.
pub fn desktop_exec(path: &str) -> String {
    let plain = !path.is_empty()
        && path.chars().all(|c| c.is_ascii_alphanumeric() || "/-_.+,:@".contains(c) || !c.is_ascii());
    let quoted = if plain {
        path.to_string()
    } else {
        let mut s = String::from("\"");
        for c in path.chars() {
            if "\"`$\\".contains(c) {
                s.push('\\');
            }
            s.push(c);
        }
        s.push('"');
        s
    };
    quoted.replace('\\', "\\\\").replace('%', "%%")
}

/// Quotes a word for `sh` (and GLib's shell-style parsing): bare when safe, else single-quoted.
pub fn shell_quote(s: &str) -> String {
    let plain = !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "/-_.+,:@".contains(c));
    if plain {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting() {
        assert_eq!(desktop_exec("/usr/bin/slingshot"), "/usr/bin/slingshot");
        assert_eq!(desktop_exec("/opt/My Apps/slingshot"), "\"/opt/My Apps/slingshot\"");
        assert_eq!(desktop_exec("/a$b/s"), "\"/a\\\\$b/s\"");
        assert_eq!(desktop_exec("/100%/s"), "\"/100%%/s\"");
        assert_eq!(shell_quote("/usr/bin/slingshot"), "/usr/bin/slingshot");
        assert_eq!(shell_quote("/o'k/s s"), "'/o'\\''k/s s'");
        assert!(thunar_action("/a&b").contains("<command>'/a&amp;b' %F</command>"));
    }

    #[test]
    fn desktop_entry_has_the_action() {
        let d = desktop_entry("slingshot");
        assert!(d.starts_with("[Desktop Entry]\n"));
        assert!(d.contains("\nExec=slingshot %F\n"));
        assert!(d.contains(&format!("\nMimeType={MIME_TYPES}\n")));
        assert!(d.contains("\n[Desktop Action upload]\nName=Upload with Slingshot\nExec=slingshot %F\n"));
    }
}
