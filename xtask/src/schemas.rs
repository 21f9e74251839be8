//! `cargo xtask compile-schemas`: the proof that whole real schemas go
//! through the generator and compile.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use codegen::{Harness, Strictness};

/// Generates each schema's crate below `out` and compiles it with warnings
/// denied (only the generated crate's documented `#![allow]` list applies).
/// The first schema gets the round-trip harness and is tested; the others
/// are checked. Prints a line of figures per schema. `strictness` says what
/// generation does with types a schema lacks.
pub fn compile_schemas(
    root: &Path,
    corpus: &Path,
    out: &Path,
    files: &[String],
    strictness: Strictness,
) -> Result<(), String> {
    let target = out.join("target");
    for (i, file) in files.iter().enumerate() {
        let harness = if i == 0 {
            Harness::RoundTrip
        } else {
            Harness::None
        };
        let stem = file.strip_suffix(".xml").unwrap_or(file);
        let dir = out.join(stem);
        let started = Instant::now();
        let report =
            crate::whole_schema(&corpus.join(file), &dir, root, false, harness, strictness)?;
        let generated = started.elapsed();
        use_workspace_lock(root, &dir)?;
        let (verb, args): (&str, &[&str]) = match harness {
            Harness::RoundTrip => ("test", &["test", "--lib", "--offline"]),
            Harness::None => ("check", &["check", "--offline"]),
        };
        let started = Instant::now();
        let status = Command::new(env!("CARGO"))
            .args(args)
            .current_dir(&dir)
            .env("CARGO_TARGET_DIR", &target)
            .env("RUSTFLAGS", "-D warnings")
            .status()
            .map_err(|e| format!("cannot run cargo: {e}"))?;
        let compiled = started.elapsed();
        println!(
            "{file}: {} files, {} lines, {} warnings; generated in {:.1?}, cargo {verb} in {:.1?}",
            report.files,
            report.lines,
            report.warnings.len(),
            generated,
            compiled
        );
        if !status.success() {
            return Err(format!(
                "cargo {verb} of the crate generated from {file} failed"
            ));
        }
    }
    Ok(())
}

/// Gives a generated crate in `dir` the workspace's `Cargo.lock` (unless it
/// has one), so it builds with the workspace's dependency versions, offline.
pub(crate) fn use_workspace_lock(root: &Path, dir: &Path) -> Result<(), String> {
    let lock = dir.join("Cargo.lock");
    if !lock.exists() {
        std::fs::copy(root.join("Cargo.lock"), &lock)
            .map_err(|e| format!("cannot copy Cargo.lock: {e}"))?;
    }
    Ok(())
}
