//! `cargo xtask diff OLD NEW`: a schema diff classed by its effect on the
//! generated Rust API.
//!
//! Each file is parsed and resolved on its own, without the config's
//! overlays. By default the diff is limited to what the generation config's
//! roots and paths select in either schema; `--root` replaces them and
//! `--all` compares everything.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use codegen::diff::{self, DiffScope, SchemaDiff};
use codegen::model::{self, Model};
use codegen::select;
use codegen::Strictness;

/// Arguments of `cargo xtask diff`.
#[derive(Debug, Clone, clap::Args)]
pub struct DiffArgs {
    /// The old CSDL file.
    pub old: PathBuf,
    /// The new CSDL file.
    pub new: PathBuf,
    /// Compare every type and operation, not only the config's selection.
    #[arg(long, conflicts_with = "roots")]
    pub all: bool,
    /// Limit the diff to what this type selects (repeatable); replaces the
    /// config's roots and paths.
    #[arg(long = "root", value_name = "TYPE")]
    pub roots: Vec<String>,
    /// The generation config whose roots and paths limit the diff, relative
    /// to the workspace root.
    #[arg(long, default_value = "metadata/codegen.toml")]
    pub config: String,
    /// The workspace root (default: the one this xtask belongs to).
    #[arg(long)]
    pub workspace: Option<PathBuf>,
    /// Print JSON (`{"changes": [...], "breaking": B, "compatible": C}`).
    #[arg(long)]
    pub json: bool,
    /// Read each file leniently: what refers to a type the file lacks is
    /// dropped (and so not compared), with a warning each, instead of
    /// refusing the file.
    #[arg(long)]
    pub lenient: bool,
}

/// The result of a diff: the changes and warnings about the selection.
///
/// A `--root` that neither schema has is an error (a misspelling would
/// otherwise read as "no changes"); a config root or path that one or both
/// lack is a warning, since the config may name types of its overlays.
#[derive(Debug, Clone)]
pub struct DiffReport {
    /// The changes.
    pub diff: SchemaDiff,
    /// What `--lenient` dropped from either file, then roots or path
    /// segments missing from one or both schemas.
    pub warnings: Vec<String>,
}

/// Reads and resolves one file; its warnings (what lenient reading dropped)
/// are appended to `warnings`.
fn load(path: &Path, strictness: Strictness, warnings: &mut Vec<String>) -> Result<Model, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
    let name = path.display().to_string();
    let (model, dropped) =
        model::load_with(&[(&name, &text)], strictness).map_err(|e| e.to_string())?;
    warnings.extend(dropped.iter().map(ToString::to_string));
    Ok(model)
}

/// Reads both files and compares them; an `Err` is a message for the user
/// (unreadable file, positioned parse or resolution errors, bad config).
pub fn run(args: &DiffArgs) -> Result<DiffReport, String> {
    let strictness = Strictness::lenient_if(args.lenient);
    let mut dropped = Vec::new();
    let old = load(&args.old, strictness, &mut dropped)?;
    let new = load(&args.new, strictness, &mut dropped)?;
    let (scope, mut warnings) = if args.all {
        (DiffScope::All, Vec::new())
    } else {
        let (roots, paths) = if args.roots.is_empty() {
            let root = args.workspace.clone().unwrap_or_else(crate::workspace_root);
            let config = crate::ConfigFiles::read(&root, &args.config)?.config;
            let paths =
                select::config_paths(&[&old, &new], &config.paths, config.features.as_ref());
            (config.roots, paths)
        } else {
            (args.roots.clone(), Vec::new())
        };
        let old_name = args.old.display().to_string();
        let new_name = args.new.display().to_string();
        let unknown: Vec<String> = args
            .roots
            .iter()
            .filter(|r| old.find(r).is_none() && new.find(r).is_none())
            .map(|r| format!("--root `{r}` is a type of neither schema"))
            .collect();
        if !unknown.is_empty() {
            return Err(unknown.join("\n"));
        }
        let (scope, warnings) =
            diff::selection_scope((&old_name, &old), (&new_name, &new), &roots, &paths);
        (scope, warnings.iter().map(ToString::to_string).collect())
    };
    dropped.append(&mut warnings);
    Ok(DiffReport {
        diff: diff::diff(&old, &new, &scope),
        warnings: dropped,
    })
}

/// The human-readable report: one line per change, then a summary line.
pub fn render(diff: &SchemaDiff) -> String {
    let mut out = String::new();
    for change in &diff.changes {
        out.push_str(&change.to_string());
        out.push('\n');
    }
    out.push_str(&summary(diff));
    out.push('\n');
    out
}

/// `3 changes: 2 breaking, 1 compatible`, or `no changes`.
pub fn summary(diff: &SchemaDiff) -> String {
    match diff.changes.len() {
        0 => "no changes".to_owned(),
        n => format!(
            "{n} change{}: {} breaking, {} compatible",
            if n == 1 { "" } else { "s" },
            diff.breaking(),
            diff.compatible()
        ),
    }
}

/// The JSON report: `{"changes": [...], "breaking": B, "compatible": C}`.
pub fn to_json(diff: &SchemaDiff) -> String {
    let value = serde_json::json!({
        "changes": diff.changes,
        "breaking": diff.breaking(),
        "compatible": diff.compatible(),
    });
    serde_json::to_string_pretty(&value).unwrap_or_else(|_| "{}".to_owned())
}

/// Runs the command: exit status 0 when nothing is breaking, 1 when
/// something is, 2 on error.
pub fn main(args: DiffArgs) -> ExitCode {
    let report = match run(&args) {
        Ok(report) => report,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    for w in &report.warnings {
        eprintln!("warning: {w}");
    }
    if args.json {
        println!("{}", to_json(&report.diff));
    } else {
        print!("{}", render(&report.diff));
    }
    if report.diff.is_breaking() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
