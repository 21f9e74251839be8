//! `cargo xtask compile-cost`: what the generated code costs to compile.
//!
//! 1. The whole-schema crate of one real schema (default
//!    `graph-v1.0-2026-08.xml`): `cargo check` wall time and peak memory,
//!    with its dependencies already built.
//! 2. `graph-intune`: `cargo build` from clean (dependencies built), then
//!    again after a regeneration that changes nothing.
//!
//! Everything builds below `target/compile-cost`, apart from the
//! workspace's own target folder.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use codegen::Harness;

/// The figures of one run.
#[derive(Debug, Clone)]
pub struct CompileCost {
    /// The schema file the whole-schema crate was generated from.
    pub schema: String,
    /// Lines of the whole-schema crate.
    pub lines: usize,
    /// `cargo check` of the whole-schema crate.
    pub check: Duration,
    /// The largest resident set of any process of that check (rustc), in
    /// bytes, where the platform reports it.
    pub check_peak_bytes: Option<u64>,
    /// `cargo build -p graph-intune` after `cargo clean -p graph-intune`.
    pub build_from_clean: Duration,
    /// `cargo build -p graph-intune` after a regeneration that changed nothing.
    pub build_after_noop_codegen: Duration,
}

impl std::fmt::Display for CompileCost {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let peak = self
            .check_peak_bytes
            .map_or("n/a".to_owned(), |b| format!("{:.2} GB", b as f64 / 1e9));
        writeln!(
            f,
            "{} whole-schema crate ({} lines): cargo check {:.1} s, peak memory {peak}",
            self.schema,
            self.lines,
            self.check.as_secs_f64()
        )?;
        write!(
            f,
            "graph-intune: cargo build from clean {:.1} s; after a regeneration that changes nothing {:.1} s",
            self.build_from_clean.as_secs_f64(),
            self.build_after_noop_codegen.as_secs_f64()
        )
    }
}

fn cargo(dir: &Path, target: &Path, args: &[&str]) -> Result<Duration, String> {
    let started = Instant::now();
    let status = Command::new(env!("CARGO"))
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err(format!(
            "`cargo {}` failed in `{}`",
            args.join(" "),
            dir.display()
        ));
    }
    Ok(started.elapsed())
}

/// The largest resident set of any finished child process so far.
#[cfg(unix)]
fn children_peak_bytes() -> Option<u64> {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: `usage` is a valid, writable `rusage`; getrusage fills it.
    let rc = unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, usage.as_mut_ptr()) };
    if rc != 0 {
        return None;
    }
    // SAFETY: getrusage succeeded, so `usage` is initialized.
    let usage = unsafe { usage.assume_init() };
    // Linux reports kilobytes.
    u64::try_from(usage.ru_maxrss).ok().map(|kb| kb * 1024)
}

#[cfg(not(unix))]
fn children_peak_bytes() -> Option<u64> {
    None
}

/// Measures the compile cost; `schema` is a CSDL file (a corpus file).
pub fn compile_cost(root: &Path, schema: &Path) -> Result<CompileCost, String> {
    let out = root.join("target/compile-cost");
    let name = schema
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = name.strip_suffix(".xml").unwrap_or(&name).to_owned();

    // 1. The whole-schema crate: dependencies first, then the crate alone.
    let dir: PathBuf = out.join(&stem);
    let report = crate::whole_schema(
        schema,
        &dir,
        root,
        false,
        Harness::None,
        codegen::Strictness::Strict,
    )?;
    crate::schemas::use_workspace_lock(root, &dir)?;
    let target = out.join("target");
    cargo(&dir, &target, &["check", "--offline", "-p", "graph-intune"])?;
    let crate_name = crate::crate_name_for(&name);
    cargo(&dir, &target, &["clean", "--offline", "-p", &crate_name])?;
    // Read before any other child: the check's rustc is the largest process.
    let check = cargo(&dir, &target, &["check", "--offline"])?;
    let check_peak_bytes = children_peak_bytes();

    // 2. graph-intune in this workspace.
    let target = out.join("workspace");
    cargo(root, &target, &["build", "--offline", "-p", "graph-intune"])?;
    cargo(root, &target, &["clean", "--offline", "-p", "graph-intune"])?;
    let build_from_clean = cargo(root, &target, &["build", "--offline", "-p", "graph-intune"])?;
    let regenerated = crate::codegen(root, "metadata/codegen.toml", false, false)?;
    if !regenerated.is_clean() {
        return Err("`cargo xtask codegen` changed the generated files: commit them first".into());
    }
    let build_after_noop_codegen =
        cargo(root, &target, &["build", "--offline", "-p", "graph-intune"])?;
    Ok(CompileCost {
        schema: name,
        lines: report.lines,
        check,
        check_peak_bytes,
        build_from_clean,
        build_after_noop_codegen,
    })
}
