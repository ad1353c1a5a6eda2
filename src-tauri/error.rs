//! The error every command rejects with is the core's `{ kind, message }`
//! ([`slingshot::desktop::error::CmdError`]), re-exported here for the commands.

pub use slingshot::desktop::error::{CmdError, CmdResult};
