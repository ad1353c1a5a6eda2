//! The `slingshot-cli` binary: everything lives in `slingshot::cli`.

fn main() -> std::process::ExitCode {
    // Behave like other Unix tools when the reader of stdout goes away (`history | head`): end
    // quietly on SIGPIPE instead of panicking on the failed write.
    #[cfg(unix)]
    // SAFETY: called first thing in main, before any thread exists; only resets a signal disposition.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    slingshot::cli::main()
}
