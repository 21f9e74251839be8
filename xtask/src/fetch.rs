//! `cargo xtask fetch-metadata`: downloads `$metadata`, validates it, and
//! replaces the schema file atomically.

use std::process::ExitCode;

/// Arguments of `cargo xtask fetch-metadata`.
#[derive(Debug, clap::Args)]
pub struct FetchArgs {}

/// Runs the command.
pub fn main(_args: FetchArgs) -> ExitCode {
    eprintln!("fetch-metadata: not yet implemented");
    ExitCode::from(2)
}
