//! `cargo xtask`: the workspace's tasks.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "cargo xtask", about = "Tasks of the graph-intune workspace")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Regenerates the bindings in graph-intune/src/generated from metadata/ (offline).
    Codegen {
        /// Do not write: fail when the committed generated files are stale, missing or extra.
        #[arg(long)]
        check: bool,
        /// The generation config, relative to the workspace root.
        #[arg(long, default_value = "metadata/codegen.toml")]
        config: String,
        /// The workspace root (default: the one this xtask belongs to).
        #[arg(long)]
        root: Option<std::path::PathBuf>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Codegen {
            check,
            config,
            root,
        } => codegen(check, &config, root.unwrap_or_else(xtask::workspace_root)),
    }
}

fn codegen(check: bool, config: &str, root: std::path::PathBuf) -> ExitCode {
    let report = match xtask::codegen(&root, config, check) {
        Ok(report) => report,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    for w in &report.warnings {
        eprintln!("warning: {w}");
    }
    let out = &report.output;
    if check {
        if report.is_clean() {
            println!("{out}: up to date");
            return ExitCode::SUCCESS;
        }
        for f in &report.stale {
            eprintln!("stale: {out}/{f}");
        }
        for f in &report.missing {
            eprintln!("missing: {out}/{f}");
        }
        for f in &report.extra {
            eprintln!("extra: {out}/{f} (not produced by the generator)");
        }
        eprintln!("the generated code does not match metadata/: run `cargo xtask codegen` and commit the result");
        return ExitCode::FAILURE;
    }
    let changed = report.stale.len() + report.missing.len() + report.extra.len();
    if changed == 0 {
        println!("{out}: up to date");
    } else {
        for f in report.stale.iter().chain(&report.missing) {
            println!("wrote {out}/{f}");
        }
        for f in &report.extra {
            println!("removed {out}/{f}");
        }
    }
    ExitCode::SUCCESS
}
