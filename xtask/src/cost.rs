//! `cargo xtask compile-cost`: what the generated code costs to compile.
//!
//! 1. The whole-schema crate of one real schema (default
//!    `graph-v1.0-2026-08.xml`): `cargo check` wall time and peak memory,
//!    with its dependencies already built.
//! 2. `graph-intune`, each after `cargo clean -p graph-intune` with its
//!    dependencies built: `cargo check --no-default-features` (the
//!    hand-written runtime alone: the baseline every time is divided by),
//!    `cargo build` with the default features (and again after a
//!    regeneration that changes nothing), `cargo check --all-features`.
//!
//! Everything builds below `target/compile-cost`, apart from the
//! workspace's own target folder.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use codegen::Harness;

/// A timed cargo run and the largest resident set of the processes it
/// waited for (rustc), where the platform reports it.
#[derive(Debug, Clone, Copy)]
pub struct Run {
    /// Wall time.
    pub time: Duration,
    /// Peak resident set in bytes.
    pub peak_bytes: Option<u64>,
}

impl std::fmt::Display for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:.1} s", self.time.as_secs_f64())?;
        if let Some(b) = self.peak_bytes {
            write!(f, ", peak {:.2} GB", b as f64 / 1e9)?;
        }
        Ok(())
    }
}

/// The figures of one run.
#[derive(Debug, Clone)]
pub struct CompileCost {
    /// The schema file the whole-schema crate was generated from.
    pub schema: String,
    /// Lines of the whole-schema crate.
    pub lines: usize,
    /// The baseline of the times: `cargo check -p graph-intune
    /// --no-default-features` (the hand-written runtime alone) after
    /// `cargo clean -p graph-intune`.
    pub baseline: Run,
    /// `cargo check` of the whole-schema crate.
    pub whole_schema_check: Run,
    /// `cargo build -p graph-intune` (default features) after
    /// `cargo clean -p graph-intune`.
    pub default_build: Run,
    /// The same after a regeneration that changed nothing.
    pub build_after_noop_codegen: Run,
    /// `cargo check -p graph-intune --all-features` after
    /// `cargo clean -p graph-intune`.
    pub all_features_check: Run,
}

impl std::fmt::Display for CompileCost {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let base = self.baseline.time.as_secs_f64().max(f64::EPSILON);
        let rows = [
            (
                "graph-intune, no features: cargo check (baseline)".to_owned(),
                self.baseline,
            ),
            (
                "graph-intune, default features: cargo build".to_owned(),
                self.default_build,
            ),
            (
                "graph-intune, default features: cargo build after a regeneration that changes nothing"
                    .to_owned(),
                self.build_after_noop_codegen,
            ),
            (
                "graph-intune, all features: cargo check".to_owned(),
                self.all_features_check,
            ),
            (
                format!(
                    "{} whole-schema crate ({} lines): cargo check",
                    self.schema, self.lines
                ),
                self.whole_schema_check,
            ),
        ];
        for (i, (what, run)) in rows.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(
                f,
                "{what}: {run} ({:.2}x the baseline)",
                run.time.as_secs_f64() / base
            )?;
        }
        Ok(())
    }
}

/// Runs cargo in `dir` with `target` as its target folder.
fn cargo(dir: &Path, target: &Path, args: &[&str]) -> Result<Run, String> {
    let started = Instant::now();
    let child = Command::new(env!("CARGO"))
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .spawn()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    let (success, peak_bytes) = wait(child)?;
    if !success {
        return Err(format!(
            "`cargo {}` failed in `{}`",
            args.join(" "),
            dir.display()
        ));
    }
    Ok(Run {
        time: started.elapsed(),
        peak_bytes,
    })
}

/// Waits for `child`: whether it succeeded, and the largest resident set of
/// it and the processes it waited for.
#[cfg(unix)]
fn wait(child: std::process::Child) -> Result<(bool, Option<u64>), String> {
    let pid = libc::pid_t::try_from(child.id()).map_err(|e| format!("child pid: {e}"))?;
    let mut status: libc::c_int = 0;
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: `pid` is our unwaited child; `status` and `usage` are valid and
    // writable; wait4 reaps the child and fills both.
    let rc = unsafe { libc::wait4(pid, &mut status, 0, usage.as_mut_ptr()) };
    if rc != pid {
        return Err(format!(
            "waiting for cargo: {}",
            std::io::Error::last_os_error()
        ));
    }
    // SAFETY: wait4 succeeded, so `usage` is initialized.
    let usage = unsafe { usage.assume_init() };
    let success = libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0;
    // Linux reports kilobytes; the figure includes the waited-for
    // descendants (rustc under cargo).
    Ok((
        success,
        u64::try_from(usage.ru_maxrss).ok().map(|kb| kb * 1024),
    ))
}

#[cfg(not(unix))]
fn wait(mut child: std::process::Child) -> Result<(bool, Option<u64>), String> {
    let status = child
        .wait()
        .map_err(|e| format!("waiting for cargo: {e}"))?;
    Ok((status.success(), None))
}

/// Measures the compile cost; `schema` is a CSDL file (a corpus file).
pub fn compile_cost(root: &Path, schema: &Path) -> Result<CompileCost, String> {
    let out = root.join("target/compile-cost");
    let name = schema
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = name.strip_suffix(".xml").unwrap_or(&name).to_owned();

    // The whole-schema crate: dependencies first, then the crate alone.
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
    let whole_schema_check = cargo(&dir, &target, &["check", "--offline"])?;

    // graph-intune in this workspace: each figure after a `cargo clean -p
    // graph-intune`, its dependencies built.
    let target = out.join("workspace");
    let fresh = |args: &[&str]| -> Result<Run, String> {
        cargo(root, &target, args)?;
        cargo(root, &target, &["clean", "--offline", "-p", "graph-intune"])?;
        cargo(root, &target, args)
    };
    let baseline = fresh(&[
        "check",
        "--offline",
        "-p",
        "graph-intune",
        "--no-default-features",
    ])?;
    let default_build = fresh(&["build", "--offline", "-p", "graph-intune"])?;
    let regenerated = crate::codegen(root, "metadata/codegen.toml", false, false)?;
    if !regenerated.is_clean() {
        return Err("`cargo xtask codegen` changed the generated files: commit them first".into());
    }
    let build_after_noop_codegen =
        cargo(root, &target, &["build", "--offline", "-p", "graph-intune"])?;
    let all_features_check =
        fresh(&["check", "--offline", "-p", "graph-intune", "--all-features"])?;
    Ok(CompileCost {
        schema: name,
        lines: report.lines,
        baseline,
        whole_schema_check,
        default_build,
        build_after_noop_codegen,
        all_features_check,
    })
}
