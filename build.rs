//! Build script: runs Tauri's code generation only for the desktop shell (feature `desktop`).
//! Capabilities live in `src-tauri/capabilities`, next to the shell that uses them.

fn main() {
    #[cfg(feature = "desktop")]
    {
        let attrs = tauri_build::Attributes::new().capabilities_path_pattern("src-tauri/capabilities/**/*");
        if let Err(e) = tauri_build::try_build(attrs) {
            println!("cargo:warning=tauri-build failed: {e:#}");
            std::process::exit(1);
        }
    }
}
