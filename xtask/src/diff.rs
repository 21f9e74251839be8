//! `cargo xtask diff OLD NEW`: a schema diff classed by its effect on the
//! generated Rust API.

use std::process::ExitCode;

/// Arguments of `cargo xtask diff`.
#[derive(Debug, clap::Args)]
pub struct DiffArgs {}

/// Runs the command.
pub fn main(_args: DiffArgs) -> ExitCode {
    eprintln!("diff: not yet implemented");
    ExitCode::from(2)
}
