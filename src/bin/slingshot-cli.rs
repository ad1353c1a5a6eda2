//! The `slingshot-cli` binary: everything lives in `slingshot::cli`.

fn main() -> std::process::ExitCode {
    slingshot::cli::main()
}
