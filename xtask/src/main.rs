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
        /// Generate from this CSDL file instead of the config's schema (with `--all` and `--out`).
        #[arg(long, requires_all = ["all", "out"])]
        metadata: Option<std::path::PathBuf>,
        /// Select every type, entity set and singleton of the schema.
        #[arg(long, requires = "metadata")]
        all: bool,
        /// Write a standalone crate into this folder.
        #[arg(long, requires = "metadata")]
        out: Option<std::path::PathBuf>,
        /// Drop what refers to a type the schema lacks (a property, a
        /// navigation property, an operation, an entity set or singleton),
        /// with a positioned warning each, instead of refusing the schema;
        /// a type whose base type is unknown is kept without a base. The
        /// config key `lenient = true` does the same. Other errors stay errors.
        #[arg(long)]
        lenient: bool,
    },
    /// Generates the whole-schema crates of real Graph schemas and compiles
    /// them (`cargo check`, warnings denied); the first one also runs its
    /// round trip of every structured type (`cargo test`).
    CompileSchemas {
        /// The folder of the schemas (default: `GRAPH_METADATA_CORPUS`).
        #[arg(long)]
        corpus: Option<std::path::PathBuf>,
        /// Where the crates are generated and built.
        #[arg(long, default_value = "target/whole-schema")]
        out: std::path::PathBuf,
        /// The schema files, by name in the corpus folder.
        #[arg(default_values = ["graph-v1.0-2026-08.xml", "graph-beta-2021-06.xml", "graph-beta-ussec-2026-08.xml"])]
        files: Vec<String>,
        /// Generate every schema leniently (as `codegen --lenient`).
        #[arg(long)]
        lenient: bool,
    },
    /// Checks that graph-intune compiles with no features, with each area
    /// feature alone (every area of its `full` feature, or those named with
    /// `--only`), and with all features (`cargo check` each time).
    CheckFeatures {
        /// Check only these areas alone (comma-separated), besides none and all.
        #[arg(long, value_delimiter = ',')]
        only: Vec<String>,
    },
    /// Downloads `$metadata`, checks that it parses and resolves with the
    /// config's overlays, and only then replaces the config's schema file.
    FetchMetadata(xtask::fetch::FetchArgs),
    /// Compares two CSDL files: what changed for the generated Rust API.
    /// Each file is read on its own (no overlays); the diff is limited to
    /// what the config's roots and paths select in either file, unless
    /// `--root` or `--all` is given.
    /// Exit status 0: nothing breaking; 1: something breaking; 2: error.
    Diff(xtask::diff::DiffArgs),
    /// Keeps up with the schema in one step: fetches `$metadata` (as
    /// `fetch-metadata`), compares it with the committed schema (as `diff`),
    /// regenerates (as `codegen`), runs the workspace tests, and prints a
    /// Markdown report for a pull request. Nothing is committed; when
    /// generation or the tests fail, the schema and the generated code are
    /// put back. Exit status 0: no change; 1: changed, tests pass; 2:
    /// changed, something fails; 3: could not fetch.
    Sync(xtask::sync::SyncArgs),
    /// Measures what the generated code costs to compile: `cargo check`
    /// time and peak memory of a whole-schema crate, and `cargo build` of
    /// graph-intune from clean and after a regeneration that changes nothing.
    CompileCost {
        /// The folder of the schemas (default: `GRAPH_METADATA_CORPUS`).
        #[arg(long)]
        corpus: Option<std::path::PathBuf>,
        /// The schema file, by name in the corpus folder.
        #[arg(default_value = "graph-v1.0-2026-08.xml")]
        schema: String,
    },
    /// Prints the results of the last `cargo bench` runs as a Markdown
    /// table: each benchmark's median, its group's baseline and the ratio.
    BenchReport {
        /// Criterion's output folder.
        #[arg(long, default_value = "target/criterion")]
        criterion: std::path::PathBuf,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Codegen {
            check,
            root,
            metadata: Some(metadata),
            out: Some(out),
            lenient,
            ..
        } => whole_schema(
            &metadata,
            &out,
            check,
            root.unwrap_or_else(xtask::workspace_root),
            codegen::Strictness::lenient_if(lenient),
        ),
        Command::Codegen {
            check,
            config,
            root,
            lenient,
            ..
        } => codegen(
            check,
            &config,
            root.unwrap_or_else(xtask::workspace_root),
            lenient,
        ),
        Command::CompileSchemas {
            corpus,
            out,
            files,
            lenient,
        } => compile_schemas(
            corpus,
            &out,
            &files,
            codegen::Strictness::lenient_if(lenient),
        ),
        Command::FetchMetadata(args) => xtask::fetch::main(args),
        Command::Diff(args) => xtask::diff::main(args),
        Command::Sync(args) => xtask::sync::main(args),
        Command::CheckFeatures { only } => check_features(&only),
        Command::CompileCost { corpus, schema } => {
            let root = xtask::workspace_root();
            let Some(corpus) = corpus_dir(&root, corpus) else {
                return ExitCode::FAILURE;
            };
            match xtask::cost::compile_cost(&root, &corpus.join(schema)) {
                Ok(cost) => {
                    println!("{cost}");
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("{e}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::BenchReport { criterion } => {
            let dir = xtask::workspace_root().join(criterion);
            match xtask::bench::read_results(&dir) {
                Ok(results) if results.is_empty() => {
                    eprintln!("no results in `{}`: run `cargo bench` first", dir.display());
                    ExitCode::FAILURE
                }
                Ok(results) => {
                    print!("{}", xtask::bench::table(&results));
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("{e}");
                    ExitCode::FAILURE
                }
            }
        }
    }
}

/// The corpus folder: `--corpus`, else `GRAPH_METADATA_CORPUS` (relative
/// to the workspace root); `None` after saying what is missing.
fn corpus_dir(
    root: &std::path::Path,
    corpus: Option<std::path::PathBuf>,
) -> Option<std::path::PathBuf> {
    let corpus = corpus.or_else(|| std::env::var_os("GRAPH_METADATA_CORPUS").map(Into::into));
    if corpus.is_none() {
        eprintln!("no corpus: pass --corpus DIR or set GRAPH_METADATA_CORPUS");
    }
    corpus.map(|c| root.join(c))
}

fn check_features(only: &[String]) -> ExitCode {
    let root = xtask::workspace_root();
    let mut failed = 0;
    let mut progress = |c: &xtask::features::Checked| {
        let verdict = if c.ok { "ok" } else { "FAILED" };
        println!("{}: {verdict} in {:.1?}", c.selection, c.took);
        if !c.ok {
            failed += 1;
        }
    };
    match xtask::features::check_features(&root, only, &mut progress) {
        Ok(results) if failed == 0 => {
            println!(
                "graph-intune compiles in all {} feature selections",
                results.len()
            );
            ExitCode::SUCCESS
        }
        Ok(_) => {
            eprintln!("{failed} feature selection(s) do not compile");
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}

fn compile_schemas(
    corpus: Option<std::path::PathBuf>,
    out: &std::path::Path,
    files: &[String],
    strictness: codegen::Strictness,
) -> ExitCode {
    let root = xtask::workspace_root();
    let Some(corpus) = corpus_dir(&root, corpus) else {
        return ExitCode::FAILURE;
    };
    match xtask::schemas::compile_schemas(&root, &corpus, &root.join(out), files, strictness) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}

fn codegen(check: bool, config: &str, root: std::path::PathBuf, lenient: bool) -> ExitCode {
    // The overlay report first: it also explains an overlay that makes the
    // generation fail.
    match xtask::overlay_report(&root, config) {
        Ok(entries) => {
            for entry in &entries {
                match entry.status {
                    codegen::model::OverlayStatus::Differs(_) => eprintln!("error: {entry}"),
                    _ => println!("{entry}"),
                }
            }
        }
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    }
    let report = match xtask::codegen(&root, config, check, lenient) {
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
        if let Some(manifest) = &report.manifest {
            eprintln!("stale: {manifest} (its generated features block)");
        }
        eprintln!("the generated code does not match metadata/: run `cargo xtask codegen` and commit the result");
        return ExitCode::FAILURE;
    }
    if let Some(manifest) = &report.manifest {
        println!("wrote {manifest} (its generated features block)");
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

fn whole_schema(
    metadata: &std::path::Path,
    out: &std::path::Path,
    check: bool,
    root: std::path::PathBuf,
    strictness: codegen::Strictness,
) -> ExitCode {
    let started = std::time::Instant::now();
    match xtask::whole_schema(
        metadata,
        out,
        &root,
        check,
        codegen::Harness::None,
        strictness,
    ) {
        Ok(report) => {
            for w in &report.warnings {
                eprintln!("warning: {w}");
            }
            let changed = report.stale.len() + report.missing.len() + report.extra.len();
            if check && changed > 0 {
                eprintln!(
                    "{}: {changed} file(s) differ; run without --check to regenerate",
                    out.display()
                );
                return ExitCode::FAILURE;
            }
            println!(
                "{}: {} files, {} lines, {} warnings, {} changed, in {:.2?}",
                out.display(),
                report.files,
                report.lines,
                report.warnings.len(),
                changed,
                started.elapsed()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}
