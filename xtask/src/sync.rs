//! `cargo xtask sync`: keeps the bindings in step with the published schema
//! in one command, for a person or a scheduled workflow.
//!
//! [`sync`] downloads `$metadata` (as `fetch-metadata` does), compares it with
//! the committed schema within the config's selection (as `diff` does),
//! regenerates the code (as `codegen` does, with the overlay report), runs
//! the workspace tests through a [`TestRunner`], and returns a [`SyncReport`].
//! [`render`] turns the report into Markdown for a pull-request body and
//! [`to_json`] into JSON; both are pure, so their exact text is tested.
//!
//! Nothing is committed. When generation or the tests fail, the schema file
//! and the generated folder are put back byte for byte as they were.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::fmt::Write as _;
use std::fs;
use std::io::{BufRead, BufReader, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::sync::{Arc, Mutex};

use codegen::diff::{self, Change, ChangeKind, DiffScope, Impact};
use codegen::emit::names;
use codegen::model::{self, Model, OverlayEntry, OverlayStatus, TypeTarget};
use codegen::select;
use serde::Serialize;

use crate::fetch::{self, FetchOptions, Outcome, Progress, SourceArgs};
use crate::ConfigFiles;

/// How many of the last lines of a failed test run the report shows.
const SHOWN_TEST_LINES: usize = 40;

/// Arguments of `cargo xtask sync`.
#[derive(Debug, clap::Args)]
pub struct SyncArgs {
    /// Where to download from (as `fetch-metadata`).
    #[command(flatten)]
    pub source: SourceArgs,
    /// The generation config, relative to the workspace root: its schema is
    /// replaced, its roots and paths limit the diff, its output is
    /// regenerated.
    #[arg(long, default_value = "metadata/codegen.toml")]
    pub config: String,
    /// The workspace root (default: the one this xtask belongs to).
    #[arg(long)]
    pub root: Option<PathBuf>,
    /// Also write the Markdown report to this file.
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    /// Print the JSON report instead of the Markdown one; with a FILE, write
    /// it there (and print the Markdown one).
    #[arg(long, value_name = "FILE", num_args = 0..=1)]
    pub json: Option<Option<PathBuf>>,
    /// Exit with 0 instead of 1 when the schema changed and the tests pass
    /// (for a workflow step, where any status but 0 fails the job).
    #[arg(long)]
    pub exit_zero_on_change: bool,
    /// The test command, run in the workspace root after regenerating
    /// (default: `cargo test --workspace`).
    #[arg(last = true, value_name = "TEST COMMAND")]
    pub test_command: Vec<String>,
}

/// What [`sync`] does: where to download from, into which workspace, with
/// which config.
#[derive(Debug, Clone)]
pub struct SyncOptions {
    /// The download and the workspace. Its `output` is ignored (the config's
    /// schema is replaced) and so is `with_overlays` (the download must
    /// resolve on its own; the overlays are checked against it by the
    /// overlay report and the generation).
    pub fetch: FetchOptions,
    /// How the download shows its progress.
    pub progress: Progress,
}

/// Runs the tests of the regenerated workspace.
pub trait TestRunner {
    /// The command as the report shows it: `cargo test --workspace`.
    fn command(&self) -> String;
    /// Runs the tests in the workspace at `root`.
    fn run(&mut self, root: &Path) -> TestOutcome;
}

/// How a test run ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TestOutcome {
    /// Every test passed.
    Passed,
    /// The command failed or could not be started.
    Failed {
        /// How it ended: `exit status: 101`, or why it could not start.
        status: String,
        /// The last lines of its output.
        output: String,
    },
}

/// A [`TestRunner`] that runs a command as a child process, with its output
/// on this process's stderr.
#[derive(Debug, Clone)]
pub struct CommandTests {
    program: PathBuf,
    args: Vec<String>,
    shown: String,
}

impl CommandTests {
    /// `cargo test --workspace`, with the cargo that runs this xtask.
    pub fn cargo_test_workspace() -> Self {
        let cargo = std::env::var_os("CARGO").map_or_else(|| PathBuf::from("cargo"), Into::into);
        CommandTests {
            program: cargo,
            args: vec!["test".to_owned(), "--workspace".to_owned()],
            shown: "cargo test --workspace".to_owned(),
        }
    }

    /// `program` with `args`; `None` when `command` is empty.
    pub fn new(command: &[String]) -> Option<Self> {
        let (program, args) = command.split_first()?;
        Some(CommandTests {
            program: program.into(),
            args: args.to_vec(),
            shown: command.join(" "),
        })
    }
}

impl TestRunner for CommandTests {
    fn command(&self) -> String {
        self.shown.clone()
    }

    fn run(&mut self, root: &Path) -> TestOutcome {
        let child = Command::new(&self.program)
            .args(&self.args)
            .current_dir(root)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn();
        let mut child = match child {
            Ok(child) => child,
            Err(e) => {
                return TestOutcome::Failed {
                    status: format!("could not start `{}`: {e}", self.shown),
                    output: String::new(),
                }
            }
        };
        // Both streams go to stderr (stdout is the report's) and into one
        // buffer of the last lines.
        let last = Arc::new(Mutex::new(VecDeque::with_capacity(SHOWN_TEST_LINES)));
        let readers: Vec<_> = [
            child
                .stdout
                .take()
                .map(|s| Box::new(s) as Box<dyn std::io::Read + Send>),
            child
                .stderr
                .take()
                .map(|s| Box::new(s) as Box<dyn std::io::Read + Send>),
        ]
        .into_iter()
        .flatten()
        .map(|stream| {
            let last = Arc::clone(&last);
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines() {
                    let Ok(line) = line else { break };
                    eprintln!("{line}");
                    if let Ok(mut last) = last.lock() {
                        if last.len() == SHOWN_TEST_LINES {
                            last.pop_front();
                        }
                        last.push_back(line);
                    }
                }
            })
        })
        .collect();
        let status = child.wait();
        for reader in readers {
            let _ = reader.join();
        }
        let output = last
            .lock()
            .map(|l| l.iter().cloned().collect::<Vec<_>>().join("\n"))
            .unwrap_or_default();
        match status {
            Ok(status) if status.success() => TestOutcome::Passed,
            Ok(status) => TestOutcome::Failed {
                status: status.to_string(),
                output,
            },
            Err(e) => TestOutcome::Failed {
                status: format!("could not wait for `{}`: {e}", self.shown),
                output,
            },
        }
    }
}

/// How a sync ended; decides the exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// The download is byte-identical to the schema file: nothing was done
    /// (exit status 0).
    NoChange,
    /// The schema file was replaced and the code regenerated, and the tests
    /// pass (exit status 1).
    Changed,
    /// The schema changed, but comparing, generating or testing failed; the
    /// working tree was put back as it was (exit status 2).
    Failed,
    /// The download failed or is not a usable schema; nothing was touched
    /// (exit status 3).
    FetchFailed,
}

impl Status {
    /// The exit status of `cargo xtask sync`.
    pub fn exit_code(self) -> u8 {
        match self {
            Status::NoChange => 0,
            Status::Changed => 1,
            Status::Failed => 2,
            Status::FetchFailed => 3,
        }
    }
}

/// One change of the generated API, with what a user must change for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportedChange {
    /// The change, as `cargo xtask diff` reports it.
    #[serde(flatten)]
    pub change: Change,
    /// For a breaking change: what code written against the old bindings
    /// must change, in Rust names.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
}

/// What the schema says of one overlay type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OverlayLine {
    /// The qualified name of the type.
    #[serde(rename = "type")]
    pub qualified: String,
    /// Where the overlay defines it (`metadata/overlay.xml:12:7`).
    pub at: String,
    /// `needed`, `identical` (the entry can be deleted) or `differs` (an
    /// error: generation fails).
    pub status: OverlayState,
    /// Where the schema defines it, when it does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schema_at: Option<String>,
}

/// [`OverlayStatus`] without positions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OverlayState {
    /// The schema does not define the type: the entry is still needed.
    Needed,
    /// The schema defines it identically: the entry can be deleted.
    Identical,
    /// The schema defines it differently: an error.
    Differs,
}

impl From<&OverlayEntry> for OverlayLine {
    fn from(entry: &OverlayEntry) -> Self {
        let (status, schema_at) = match &entry.status {
            OverlayStatus::Needed => (OverlayState::Needed, None),
            OverlayStatus::Identical(at) => (OverlayState::Identical, Some(at.to_string())),
            OverlayStatus::Differs(at) => (OverlayState::Differs, Some(at.to_string())),
        };
        OverlayLine {
            qualified: entry.qualified.clone(),
            at: entry.pos.to_string(),
            status,
            schema_at,
        }
    }
}

/// What the regeneration did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Generation {
    /// Not reached.
    NotRun,
    /// The generator refused the inputs.
    Failed {
        /// The generator's errors.
        error: String,
    },
    /// The code was regenerated.
    Done {
        /// Files written (changed or new), relative to the output folder.
        written: Vec<String>,
        /// Files removed, relative to the output folder.
        removed: Vec<String>,
    },
}

/// What the tests said.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Tests {
    /// Not reached.
    NotRun,
    /// Every test passed.
    Passed {
        /// The command run.
        command: String,
    },
    /// The tests failed.
    Failed {
        /// The command run.
        command: String,
        /// How it ended.
        exit: String,
        /// The last lines of its output.
        output: String,
    },
}

/// Everything a sync found and did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SyncReport {
    /// How it ended.
    pub status: Status,
    /// The URL downloaded.
    pub url: String,
    /// The schema file, relative to the workspace root.
    pub schema: String,
    /// The generation config, relative to the workspace root.
    pub config: String,
    /// The generated folder, relative to the workspace root.
    pub output: String,
    /// The size of the download, when one arrived.
    pub bytes: Option<u64>,
    /// Why the fetch, or the comparison of the schemas, failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The changes of the generated API, in the diff's order.
    pub changes: Vec<ReportedChange>,
    /// The overlay report against the new schema.
    pub overlay: Vec<OverlayLine>,
    /// The regeneration.
    pub generation: Generation,
    /// The tests.
    pub tests: Tests,
    /// Why putting the working tree back failed, when it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub restore_error: Option<String>,
}

impl SyncReport {
    fn new(options: &FetchOptions, files: &ConfigFiles) -> Self {
        SyncReport {
            status: Status::NoChange,
            url: options.url.clone(),
            schema: files.schema.clone(),
            config: options.config.clone(),
            output: files.config.output.clone(),
            bytes: None,
            error: None,
            changes: Vec::new(),
            overlay: Vec::new(),
            generation: Generation::NotRun,
            tests: Tests::NotRun,
            restore_error: None,
        }
    }

    /// Number of breaking changes.
    pub fn breaking(&self) -> usize {
        self.count(Impact::Breaking)
    }

    /// Number of compatible changes.
    pub fn compatible(&self) -> usize {
        self.count(Impact::Compatible)
    }

    fn count(&self, impact: Impact) -> usize {
        self.changes
            .iter()
            .filter(|c| c.change.impact == impact)
            .count()
    }

    /// `no change`, `3 compatible changes`, `2 breaking changes`, or `could
    /// not fetch the schema`.
    pub fn verdict(&self) -> String {
        if self.status == Status::FetchFailed {
            return "could not fetch the schema".to_owned();
        }
        match (self.breaking(), self.compatible()) {
            (0, 0) => "no change".to_owned(),
            (0, n) => plural(n, "compatible change"),
            (n, _) => plural(n, "breaking change"),
        }
    }

    /// The report's first line and the pull request's title:
    /// `Schema sync: 2 breaking changes`, with what failed when something did.
    pub fn title(&self) -> String {
        let mut title = format!("Schema sync: {}", self.verdict());
        if self.status == Status::Failed {
            let failure = if matches!(self.tests, Tests::Failed { .. }) {
                "the regenerated code fails its tests"
            } else if matches!(self.generation, Generation::Failed { .. }) {
                "generation failed"
            } else {
                "the schemas could not be compared"
            };
            title.push_str("; ");
            title.push_str(failure);
        }
        title
    }

    /// The exit status of `cargo xtask sync`.
    pub fn exit_code(&self) -> u8 {
        self.status.exit_code()
    }
}

fn plural(n: usize, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}

/// Why a sync could not start; nothing was touched.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// The config could not be read.
    #[error("{0}")]
    Config(String),
    /// The files to put back on failure could not be read.
    #[error("cannot read the files the sync may change: {0}")]
    Snapshot(String),
}

/// Fetches, compares, regenerates and tests; see the module documentation.
///
/// Returns the report of every run that got as far as the download, failed
/// or not (its [`SyncReport::status`] says how it ended); an `Err` only when
/// the config or the current files cannot be read.
pub fn sync(options: &SyncOptions, tests: &mut dyn TestRunner) -> Result<SyncReport, SyncError> {
    let root = &options.fetch.root;
    let files = ConfigFiles::read(root, &options.fetch.config).map_err(SyncError::Config)?;
    let fetch_options = FetchOptions {
        output: None,
        with_overlays: false,
        ..options.fetch.clone()
    };
    let mut report = SyncReport::new(&fetch_options, &files);
    let snapshot =
        Snapshot::take(root, &files.schema, &files.config.output).map_err(SyncError::Snapshot)?;

    let fetched = match fetch::fetch(&fetch_options, options.progress) {
        Ok(fetched) => fetched,
        Err(e) => {
            report.status = Status::FetchFailed;
            report.error = Some(e.to_string());
            return Ok(report);
        }
    };
    report.bytes = Some(fetched.bytes);
    if fetched.outcome == Outcome::Unchanged {
        return Ok(report);
    }

    let succeeded = changed(root, &files, &snapshot, &mut report, tests);
    report.status = if succeeded {
        Status::Changed
    } else {
        if let Err(e) = snapshot.restore() {
            report.restore_error = Some(e);
        }
        Status::Failed
    };
    Ok(report)
}

/// The steps after a download that differs: diff, overlay report, codegen,
/// tests. Returns whether all of them succeeded.
fn changed(
    root: &Path,
    files: &ConfigFiles,
    snapshot: &Snapshot,
    report: &mut SyncReport,
    tests: &mut dyn TestRunner,
) -> bool {
    match compare(root, files, snapshot) {
        Ok(changes) => report.changes = changes,
        Err(e) => {
            report.error = Some(e);
            return false;
        }
    }
    let config_path = &report.config;
    match crate::overlay_report(root, config_path) {
        Ok(entries) => report.overlay = entries.iter().map(OverlayLine::from).collect(),
        Err(e) => {
            report.generation = Generation::Failed { error: e };
            return false;
        }
    }
    match crate::codegen(root, config_path, false, false) {
        Ok(generated) => {
            for w in &generated.warnings {
                eprintln!("warning: {w}");
            }
            let mut written = generated.stale;
            written.extend(generated.missing);
            written.sort();
            report.generation = Generation::Done {
                written,
                removed: generated.extra,
            };
        }
        Err(error) => {
            report.generation = Generation::Failed { error };
            return false;
        }
    }
    let command = tests.command();
    match tests.run(root) {
        TestOutcome::Passed => {
            report.tests = Tests::Passed { command };
            true
        }
        TestOutcome::Failed { status, output } => {
            report.tests = Tests::Failed {
                command,
                exit: status,
                output,
            };
            false
        }
    }
}

/// The diff of the committed schema (from the snapshot) and the new one,
/// within the config's selection, each breaking change with its action.
fn compare(
    root: &Path,
    files: &ConfigFiles,
    snapshot: &Snapshot,
) -> Result<Vec<ReportedChange>, String> {
    let old_name = format!("{} (committed)", files.schema);
    let Some(old_bytes) = &snapshot.schema else {
        return Err(format!(
            "there was no `{}` to compare the download with: run `cargo xtask fetch-metadata` first",
            files.schema
        ));
    };
    let old_text = std::str::from_utf8(old_bytes)
        .map_err(|e| format!("`{old_name}` is not UTF-8 text: {e}"))?;
    let new_text = crate::read(root, &files.schema)?;
    let load = |name: &str, text: &str| {
        model::load_with(&[(name, text)], files.config.strictness())
            .map(|(model, _warnings)| model)
            .map_err(|e| format!("cannot compare the schemas:\n{e}"))
    };
    let old = &load(&old_name, old_text)?;
    let new = load(&files.schema, &new_text)?;
    let config = &files.config;
    let paths = select::config_paths(&[old, &new], &config.paths, config.features.as_ref());
    let (scope, warnings) = diff::selection_scope(
        (&old_name, old),
        (&files.schema, &new),
        &config.roots,
        &paths,
    );
    for w in &warnings {
        eprintln!("warning: {w}");
    }
    let changes = diff::diff(old, &new, &scope).changes;
    let actions = Actions {
        old,
        new: &new,
        scope: &scope,
    };
    Ok(changes
        .into_iter()
        .map(|change| ReportedChange {
            action: (change.impact == Impact::Breaking).then(|| actions.action(&change)),
            change,
        })
        .collect())
}

// ---------------------------------------------------------------------------
// What a user must change

/// Computes the action of a breaking change from both models.
struct Actions<'a> {
    old: &'a Model,
    new: &'a Model,
    scope: &'a DiffScope,
}

/// A change's subject, taken apart.
enum Subject<'s> {
    /// `namespace.type` or `namespace.type/member`.
    Type {
        qualified: &'s str,
        member: Option<&'s str>,
    },
    /// `namespace.operation(binding)` or `…/parameter`.
    Operation {
        name: &'s str,
        parameter: Option<&'s str>,
    },
}

impl<'s> Subject<'s> {
    fn parse(subject: &'s str) -> Self {
        match subject.find('(') {
            Some(paren) => {
                let qualified = &subject[..paren];
                let name = qualified.rsplit('.').next().unwrap_or(qualified);
                let parameter = subject[paren..]
                    .rfind(")/")
                    .map(|i| &subject[paren + i + 2..]);
                Subject::Operation { name, parameter }
            }
            None => {
                let (qualified, member) = match subject.split_once('/') {
                    Some((q, m)) => (q, Some(m)),
                    None => (subject, None),
                };
                Subject::Type { qualified, member }
            }
        }
    }
}

/// The unqualified name of a qualified CSDL name.
fn local_name(qualified: &str) -> &str {
    qualified.rsplit('.').next().unwrap_or(qualified)
}

/// The Rust type name of a qualified CSDL name (`microsoft.graph.fooBar` → `FooBar`).
fn rust_name(qualified: &str) -> String {
    names::type_name(local_name(qualified))
}

/// The Rust name of a type's companion item (`FooBase`, `FooKind`), by the
/// generator's own rule.
fn companion(qualified: &str, suffix: &str) -> String {
    names::companion_name(local_name(qualified), suffix)
}

/// The struct that holds a structured type's fields: `FooBase` when
/// abstract, else `Foo`.
fn fields_struct(model: &Model, qualified: &str) -> String {
    let is_abstract = model
        .find(qualified)
        .and_then(|id| model.structured(id))
        .is_some_and(|s| s.is_abstract);
    if is_abstract {
        companion(qualified, "Base")
    } else {
        rust_name(qualified)
    }
}

impl Actions<'_> {
    fn in_scope(&self, qualified: &str) -> bool {
        match self.scope {
            DiffScope::All => true,
            DiffScope::Types(names) => names.contains(qualified),
        }
    }

    /// What code written against the old bindings must change.
    fn action(&self, change: &Change) -> String {
        use ChangeKind::*;
        let detail = &change.detail;
        match Subject::parse(&change.subject) {
            Subject::Operation { name, parameter } => {
                let method = format!("`{}()`", names::field_name(name));
                let parameter = parameter.map(|p| format!("`{}`", names::field_name(p)));
                let parameter = parameter.as_deref().unwrap_or("a parameter");
                match change.kind {
                    OperationRemoved => {
                        format!("the request builder method {method} is removed: remove its calls")
                    }
                    OperationKindChanged => format!(
                        "{method} changes between action and function ({detail}): update its calls"
                    ),
                    OperationParameterAdded => {
                        format!("{method} takes a new parameter {parameter}: pass it in its calls")
                    }
                    OperationParameterRemoved => {
                        format!("{method} no longer takes {parameter}: remove it from its calls")
                    }
                    OperationParameterChanged => format!(
                        "parameter {parameter} of {method} changes ({detail}): update its calls"
                    ),
                    OperationReturnChanged => format!(
                        "{method} returns another type ({detail}): update the code that uses its result"
                    ),
                    _ => format!("review the calls of {method}"),
                }
            }
            Subject::Type { qualified, member } => self.type_action(change, qualified, member),
        }
    }

    fn type_action(&self, change: &Change, qualified: &str, member: Option<&str>) -> String {
        use ChangeKind::*;
        let detail = &change.detail;
        let rust = rust_name(qualified);
        let member = member.unwrap_or_default();
        let field = names::field_name(member);
        let setter = names::setter_name(&field);
        // Fields of a removed member are named as they were; others as they are.
        let owner = |model: &Model| format!("`{}::{field}`", fields_struct(model, qualified));
        match change.kind {
            TypeRemoved => {
                let items = match self.old.find(qualified).map(|id| self.old.ty(id)) {
                    Some(t) => match t.as_structured() {
                        Some(s) if s.is_abstract => format!(
                            "enum `{rust}` and struct `{}` are",
                            companion(qualified, "Base")
                        ),
                        Some(s) if !s.derived.is_empty() => format!(
                            "struct `{rust}` and enum `{}` are",
                            companion(qualified, "Kind")
                        ),
                        Some(_) => format!("struct `{rust}` is"),
                        None if detail == "enum type" => format!("enum `{rust}` is"),
                        None => format!("type `{rust}` is"),
                    },
                    None => format!("`{rust}` is"),
                };
                format!("{items} removed: remove the code that names it")
            }
            PolymorphismChanged => self.polymorphism_action(qualified, &rust),
            BaseTypeChanged | AbstractChanged => match detail.split_once(": ") {
                Some((_, rust_effect)) => {
                    format!("{rust_effect}: update the code that builds or matches `{rust}`")
                }
                None => format!("review the code that uses `{rust}`"),
            },
            PropertyRemoved | PropertyAdded if detail.contains("inherited from") => format!(
                "field {} changes type or nullability ({detail}): update the code that reads it or sets it with `{setter}`",
                owner(self.new)
            ),
            PropertyRemoved => format!(
                "field {} and its setter `{setter}` are removed: remove the code that reads or sets them",
                owner(self.old)
            ),
            PropertyTypeChanged => format!(
                "field {} changes type ({detail}): update the code that reads it or sets it with `{setter}`",
                owner(self.new)
            ),
            PropertyNullabilityChanged => {
                let (from, to) = if detail.starts_with("nullable") {
                    ("Nullable<…>", "Option<…>")
                } else {
                    ("Option<…>", "Nullable<…>")
                };
                format!(
                    "field {} is now `{to}` instead of `{from}`: update the code that reads it (`Nullable::Null` and `Nullable::Value(x)` correspond to `None` and `Some(x)`)",
                    owner(self.new)
                )
            }
            EnumMemberRemoved => format!(
                "variant `{rust}::{}` is removed: remove the match arms and values that name it",
                names::variant_name(member)
            ),
            NavigationRemoved => format!(
                "field {} is removed, with its request builder method `{field}()` where a path reached it: remove the code that uses them",
                owner(self.old)
            ),
            NavigationChanged => format!(
                "field {} changes ({detail}): update the code that uses it",
                owner(self.new)
            ),
            _ => format!(
                "review the code that uses `{rust}` ({})",
                change.kind.description()
            ),
        }
    }

    /// The fields, parameters and return values whose type changes between
    /// `Foo` and `FooKind`.
    fn polymorphism_action(&self, qualified: &str, rust: &str) -> String {
        let gains = self
            .new
            .find(qualified)
            .and_then(|id| self.new.structured(id))
            .is_some_and(|s| !s.derived.is_empty());
        let kind = companion(qualified, "Kind");
        let (from, to) = if gains {
            (rust.to_owned(), kind)
        } else {
            (kind, rust.to_owned())
        };
        let uses = self.uses(qualified);
        if uses.is_empty() {
            return format!("write `{to}` where your code names `{from}` as the type of a field, parameter or return value");
        }
        uses.iter()
            .map(|u| format!("{u}: `{from}` is now `{to}`"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// Where the selection uses a type in the new model: fields of selected
    /// types, parameters and results of operations bound to them.
    fn uses(&self, qualified: &str) -> Vec<String> {
        let model = self.new;
        let Some(id) = model.find(qualified) else {
            return Vec::new();
        };
        let is = |target: TypeTarget| target == TypeTarget::Named(id);
        let mut uses = BTreeSet::new();
        for t in &model.types {
            let owner = t.qualified_name();
            let Some(s) = t.as_structured().filter(|_| self.in_scope(&owner)) else {
                continue;
            };
            let fields = s
                .properties
                .iter()
                .filter(|p| is(p.ty.target))
                .map(|p| &p.name)
                .chain(
                    s.navigations
                        .iter()
                        .filter(|n| n.target == id)
                        .map(|n| &n.name),
                );
            for field in fields {
                uses.insert(format!(
                    "`{}::{}`",
                    fields_struct(model, &owner),
                    names::field_name(field)
                ));
            }
        }
        for op in &model.operations {
            let bound_in_scope = op.binding.is_some_and(|b| match b.target {
                TypeTarget::Named(b) => self.in_scope(&model.ty(b).qualified_name()),
                TypeTarget::Primitive(_) => false,
            });
            if !bound_in_scope {
                continue;
            }
            let method = names::field_name(&op.name);
            for p in op.parameters.iter().filter(|p| is(p.ty.target)) {
                uses.insert(format!(
                    "parameter `{}` of `{method}()`",
                    names::field_name(&p.name)
                ));
            }
            if op.return_type.as_ref().is_some_and(|r| is(r.ty.target)) {
                uses.insert(format!("the result of `{method}()`"));
            }
        }
        uses.into_iter().collect()
    }
}

// ---------------------------------------------------------------------------
// Putting the working tree back

/// The files a sync may change, as they were before it.
struct Snapshot {
    schema_path: PathBuf,
    /// `None` when there was no schema file.
    schema: Option<Vec<u8>>,
    generated_dir: PathBuf,
    /// Every file below the generated folder, by `/`-separated relative path.
    generated: BTreeMap<String, Vec<u8>>,
    /// Every folder below it (the folder itself is `""`).
    folders: BTreeSet<String>,
}

impl Snapshot {
    fn take(root: &Path, schema: &str, output: &str) -> Result<Self, String> {
        let schema_path = root.join(schema);
        let schema = match fs::read(&schema_path) {
            Ok(bytes) => Some(bytes),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(format!("`{}`: {e}", schema_path.display())),
        };
        let generated_dir = root.join(output);
        let mut generated = BTreeMap::new();
        let mut folders = BTreeSet::new();
        if generated_dir.is_dir() {
            let mut entries = Vec::new();
            walk(&generated_dir, "", &mut entries)?;
            for entry in entries {
                match entry {
                    Entry::Folder(relative) => {
                        folders.insert(relative);
                    }
                    Entry::File(relative, path) => {
                        let bytes =
                            fs::read(&path).map_err(|e| format!("`{}`: {e}", path.display()))?;
                        generated.insert(relative, bytes);
                    }
                }
            }
        }
        Ok(Snapshot {
            schema_path,
            schema,
            generated_dir,
            generated,
            folders,
        })
    }

    /// Puts the schema file and the generated folder back as they were:
    /// files changed are rewritten, files added removed, files removed
    /// written again.
    fn restore(&self) -> Result<(), String> {
        let io = |what: &str, path: &Path| {
            let what = format!("cannot {what} `{}`", path.display());
            move |e: std::io::Error| format!("{what}: {e}")
        };
        match &self.schema {
            Some(bytes) => {
                if fs::read(&self.schema_path).ok().as_ref() != Some(bytes) {
                    fs::write(&self.schema_path, bytes)
                        .map_err(io("restore", &self.schema_path))?;
                }
            }
            None => {
                if self.schema_path.exists() {
                    fs::remove_file(&self.schema_path).map_err(io("remove", &self.schema_path))?;
                }
            }
        }
        let mut present_files = Vec::new();
        let mut present_folders = Vec::new();
        if self.generated_dir.is_dir() {
            let mut entries = Vec::new();
            walk(&self.generated_dir, "", &mut entries)?;
            for entry in entries {
                match entry {
                    Entry::Folder(relative) => present_folders.push(relative),
                    Entry::File(relative, _) => present_files.push(relative),
                }
            }
        }
        for relative in present_files {
            if !self.generated.contains_key(&relative) {
                let path = self.generated_dir.join(&relative);
                fs::remove_file(&path).map_err(io("remove", &path))?;
            }
        }
        // Deepest first, so that a folder is empty when its turn comes.
        present_folders.sort_by_key(|f| std::cmp::Reverse(f.len()));
        for relative in present_folders {
            if !self.folders.contains(&relative) {
                let path = self.generated_dir.join(&relative);
                fs::remove_dir(&path).map_err(io("remove", &path))?;
            }
        }
        for folder in &self.folders {
            let path = self.generated_dir.join(folder);
            fs::create_dir_all(&path).map_err(io("create", &path))?;
        }
        for (relative, bytes) in &self.generated {
            let path = self.generated_dir.join(relative);
            if fs::read(&path).ok().as_ref() != Some(bytes) {
                fs::write(&path, bytes).map_err(io("restore", &path))?;
            }
        }
        Ok(())
    }
}

/// A folder or file below a walked folder, by `/`-separated relative path
/// (the walked folder itself is `""`).
enum Entry {
    Folder(String),
    File(String, PathBuf),
}

/// Every folder and file below `dir`, `relative` being `dir`'s own path.
fn walk(dir: &Path, relative: &str, out: &mut Vec<Entry>) -> Result<(), String> {
    out.push(Entry::Folder(relative.to_owned()));
    let entries = fs::read_dir(dir).map_err(|e| format!("`{}`: {e}", dir.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| format!("`{}`: {e}", dir.display()))?;
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        let child = if relative.is_empty() {
            name
        } else {
            format!("{relative}/{name}")
        };
        if path.is_dir() {
            walk(&path, &child, out)?;
        } else {
            out.push(Entry::File(child, path));
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// The report

/// The Markdown report: the verdict as its first line, then what happened,
/// the breaking changes with what to change, the compatible ones by type,
/// the overlay report and the test outcome.
pub fn render(report: &SyncReport) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "## {}\n", report.title());
    let _ = writeln!(out, "{}\n", summary(report));
    if let Some(error) = &report.error {
        let heading = if report.status == Status::FetchFailed {
            "Download"
        } else {
            "Comparison"
        };
        let _ = writeln!(out, "### {heading}\n\n```text\n{error}\n```\n");
    }
    let breaking: Vec<&ReportedChange> = report
        .changes
        .iter()
        .filter(|c| c.change.impact == Impact::Breaking)
        .collect();
    if !breaking.is_empty() {
        out.push_str(
            "### Breaking changes\n\nCode written against the current bindings may stop compiling; what to change in it:\n\n",
        );
        for c in breaking {
            let _ = writeln!(out, "- {}", change_line(&c.change));
            if let Some(action) = &c.action {
                let _ = writeln!(out, "  - {action}");
            }
        }
        out.push('\n');
    }
    let mut groups: BTreeMap<String, Vec<&Change>> = BTreeMap::new();
    for c in report
        .changes
        .iter()
        .filter(|c| c.change.impact == Impact::Compatible)
    {
        groups
            .entry(group_of(&c.change))
            .or_default()
            .push(&c.change);
    }
    if !groups.is_empty() {
        out.push_str("### Compatible changes\n\n");
        for (group, changes) in groups {
            let _ = writeln!(out, "- {group}");
            for change in changes {
                let _ = writeln!(out, "  - {}", member_line(change));
            }
        }
        out.push('\n');
    }
    if !report.overlay.is_empty() {
        out.push_str(&overlay_section(&report.overlay));
    }
    if let Generation::Failed { error } = &report.generation {
        let _ = writeln!(out, "### Generation\n\n```text\n{error}\n```\n");
    }
    match &report.tests {
        Tests::NotRun => {}
        Tests::Passed { command } => {
            let _ = writeln!(out, "### Tests\n\n`{command}` passed.\n");
        }
        Tests::Failed {
            command,
            exit,
            output,
        } => {
            let _ = writeln!(out, "### Tests\n\n`{command}` failed ({exit}).");
            if !output.is_empty() {
                let _ = writeln!(
                    out,
                    "The last lines of its output:\n\n```text\n{output}\n```"
                );
            }
            out.push('\n');
        }
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

/// The paragraph under the verdict: what happened to the working tree.
fn summary(report: &SyncReport) -> String {
    let schema = &report.schema;
    let output = &report.output;
    let download = match report.bytes {
        Some(bytes) => format!(
            "The download from {} ({} bytes)",
            report.url,
            fetch::thousands(bytes)
        ),
        None => format!("The download from {}", report.url),
    };
    match report.status {
        Status::FetchFailed => format!(
            "Could not fetch the schema from {}: `{schema}` and `{output}` are untouched.",
            report.url
        ),
        Status::NoChange => {
            format!("{download} is identical to `{schema}`: nothing changed.")
        }
        Status::Changed => {
            let mut text = format!("{download} replaced `{schema}`");
            if report.changes.is_empty() {
                let _ = write!(text, "; nothing that `{}` selects changed.", report.config);
            } else {
                let _ = write!(
                    text,
                    "; the changes below are limited to what `{}` selects.",
                    report.config
                );
            }
            if let Generation::Done { written, removed } = &report.generation {
                text.push(' ');
                text.push_str(&generated(output, written, removed));
            }
            text
        }
        Status::Failed => {
            let mut text = format!(
                "{download} differs from `{schema}`, but {}. **Nothing was changed**",
                failure(report)
            );
            match &report.restore_error {
                None => {
                    let _ = write!(text, ": `{schema}` and `{output}` are as they were.");
                }
                Some(e) => {
                    let _ = write!(
                        text,
                        "… except that putting `{schema}` and `{output}` back failed: {e}. Check them out again."
                    );
                }
            }
            text
        }
    }
}

fn failure(report: &SyncReport) -> String {
    match (&report.error, &report.generation, &report.tests) {
        (Some(_), _, _) => "the schemas could not be compared".to_owned(),
        (_, Generation::Failed { .. }, _) => "generating the code failed".to_owned(),
        (_, _, Tests::Failed { command, .. }) => {
            format!("the regenerated code fails its tests (`{command}`)")
        }
        _ => "something failed".to_owned(),
    }
}

/// `Regenerated `dir`: `a.rs` and `b.rs` rewritten, `c.rs` removed.`
fn generated(output: &str, written: &[String], removed: &[String]) -> String {
    let list = |files: &[String]| {
        files
            .iter()
            .map(|f| format!("`{f}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match (written.is_empty(), removed.is_empty()) {
        (true, true) => format!("The generated code in `{output}` is unchanged."),
        (false, true) => format!("Regenerated `{output}`: {} written.", list(written)),
        (true, false) => format!("Regenerated `{output}`: {} removed.", list(removed)),
        (false, false) => format!(
            "Regenerated `{output}`: {} written, {} removed.",
            list(written),
            list(removed)
        ),
    }
}

/// `` `subject`: kind: detail ``.
fn change_line(change: &Change) -> String {
    let mut line = format!("`{}`: {}", change.subject, change.kind.description());
    if !change.detail.is_empty() {
        line.push_str(": ");
        line.push_str(&change.detail);
    }
    line
}

/// The type a compatible change is listed under: the type itself or the
/// owner of the member, the binding type of an operation.
fn group_of(change: &Change) -> String {
    match change.subject.find('(') {
        Some(paren) => {
            let binding = change.subject[paren + 1..]
                .split(')')
                .next()
                .unwrap_or_default();
            let binding = binding
                .strip_prefix("Collection(")
                .unwrap_or(binding)
                .trim_end_matches(')');
            if binding.is_empty() {
                "unbound operations".to_owned()
            } else {
                format!("`{binding}`")
            }
        }
        None => {
            let owner = change.subject.split('/').next().unwrap_or(&change.subject);
            format!("`{owner}`")
        }
    }
}

/// A compatible change under its type: `` `member`: kind: detail ``, or
/// `kind: detail` for the type itself.
fn member_line(change: &Change) -> String {
    let what = match change.subject.find('(') {
        Some(paren) => Some(
            change.subject[..paren]
                .rsplit('.')
                .next()
                .unwrap_or_default(),
        ),
        None => change.subject.split_once('/').map(|(_, member)| member),
    };
    let mut line = match what {
        Some(what) => format!("`{what}`: {}", change.kind.description()),
        None => change.kind.description().to_owned(),
    };
    if !change.detail.is_empty() {
        line.push_str(": ");
        line.push_str(&change.detail);
    }
    line
}

fn overlay_section(overlay: &[OverlayLine]) -> String {
    let mut out = String::from("### Overlay\n\n");
    let mut needed = Vec::new();
    for line in overlay {
        let at = line.schema_at.as_deref().unwrap_or_default();
        match line.status {
            OverlayState::Identical => {
                let _ = writeln!(
                    out,
                    "- `{}` ({}): the schema now defines it identically ({at}): **delete this overlay entry**.",
                    line.qualified, line.at
                );
            }
            OverlayState::Differs => {
                let _ = writeln!(
                    out,
                    "- **Error:** `{}` ({}) differs from the schema's definition ({at}): remove it from the overlay or make them identical.",
                    line.qualified, line.at
                );
            }
            OverlayState::Needed => needed.push(format!("`{}`", line.qualified)),
        }
    }
    if !needed.is_empty() {
        let _ = writeln!(
            out,
            "- Still needed (not in the schema): {}.",
            needed.join(", ")
        );
    }
    out.push('\n');
    out
}

/// The JSON report: the [`SyncReport`] with its verdict, title, counts and
/// exit status.
pub fn to_json(report: &SyncReport) -> String {
    #[derive(Serialize)]
    struct Json<'a> {
        verdict: String,
        title: String,
        exit_code: u8,
        breaking: usize,
        compatible: usize,
        #[serde(flatten)]
        report: &'a SyncReport,
    }
    let json = Json {
        verdict: report.verdict(),
        title: report.title(),
        exit_code: report.exit_code(),
        breaking: report.breaking(),
        compatible: report.compatible(),
        report,
    };
    serde_json::to_string_pretty(&json).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}

/// The step outputs of a GitHub Actions workflow (`name=value` lines for the
/// file named by `GITHUB_OUTPUT`): `status`, `verdict`, `title`, `breaking`
/// (`true`/`false`) and `labels` (`schema-sync`, plus `breaking` when it is).
pub fn github_output(report: &SyncReport) -> String {
    let status = serde_json::to_value(report.status)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    let breaking = report.breaking() > 0;
    let labels = if breaking {
        "schema-sync,breaking"
    } else {
        "schema-sync"
    };
    // One line each: values never hold a line break.
    let one_line = |s: String| s.replace(['\r', '\n'], " ");
    format!(
        "status={status}\nverdict={}\ntitle={}\nbreaking={breaking}\nlabels={labels}\n",
        one_line(report.verdict()),
        one_line(report.title()),
    )
}

impl SyncArgs {
    /// The options these arguments describe.
    pub fn options(&self) -> SyncOptions {
        let root = self.root.clone().unwrap_or_else(crate::workspace_root);
        SyncOptions {
            fetch: FetchOptions {
                token: self.source.token.clone(),
                config: self.config.clone(),
                ..FetchOptions::new(self.source.url(), root)
            },
            progress: Progress::auto(),
        }
    }

    /// The test runner: the command after `--`, else `cargo test --workspace`.
    pub fn tests(&self) -> CommandTests {
        CommandTests::new(&self.test_command).unwrap_or_else(CommandTests::cargo_test_workspace)
    }
}

/// Appends `text` to the file named by the environment variable `var`, when
/// it is set (a GitHub Actions file command).
fn append_to_env_file(var: &str, text: &str) -> Result<(), String> {
    let Some(path) = std::env::var_os(var).filter(|p| !p.is_empty()) else {
        return Ok(());
    };
    let path = PathBuf::from(path);
    fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .and_then(|mut file| file.write_all(text.as_bytes()))
        .map_err(|e| format!("cannot write `{}` ({var}): {e}", path.display()))
}

fn write_file(path: &Path, text: &str) -> Result<(), String> {
    fs::write(path, text).map_err(|e| format!("cannot write `{}`: {e}", path.display()))
}

/// Runs the command: exit status 0 when nothing changed, 1 when the schema
/// changed and the tests pass (0 with `--exit-zero-on-change`), 2 when the
/// schema changed and something failed (or the sync could not start), 3
/// when the schema could not be fetched.
pub fn main(args: SyncArgs) -> ExitCode {
    let mut tests = args.tests();
    let report = match sync(&args.options(), &mut tests) {
        Ok(report) => report,
        Err(e) => {
            eprintln!("sync: {e}");
            return ExitCode::from(2);
        }
    };
    let markdown = render(&report);
    let json = to_json(&report);
    let mut written = Vec::new();
    if let Some(path) = &args.report {
        written.push(write_file(path, &markdown));
    }
    if let Some(Some(path)) = &args.json {
        written.push(write_file(path, &format!("{json}\n")));
    }
    written.push(append_to_env_file("GITHUB_OUTPUT", &github_output(&report)));
    written.push(append_to_env_file("GITHUB_STEP_SUMMARY", &markdown));
    match &args.json {
        Some(None) => println!("{json}"),
        _ => print!("{markdown}"),
    }
    let mut failed = false;
    for e in written.into_iter().filter_map(Result::err) {
        eprintln!("sync: {e}");
        failed = true;
    }
    if failed {
        return ExitCode::from(2);
    }
    match report.exit_code() {
        1 if args.exit_zero_on_change => ExitCode::SUCCESS,
        code => ExitCode::from(code),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> Model {
        let path = crate::workspace_root()
            .join("codegen/tests/fixtures")
            .join(name);
        let text = fs::read_to_string(&path).expect("the diff fixture");
        model::load(&[(name, &text)]).expect("the fixture loads").0
    }

    /// What each breaking change of the diff fixtures asks of a user.
    #[test]
    fn actions_of_the_diff_fixtures() {
        let (old, new) = (fixture("diff-old.xml"), fixture("diff-new.xml"));
        let scope = DiffScope::All;
        let actions = Actions {
            old: &old,
            new: &new,
            scope: &scope,
        };
        let found: Vec<(String, String)> = diff::diff(&old, &new, &scope)
            .changes
            .iter()
            .filter(|c| c.impact == Impact::Breaking)
            .map(|c| (c.subject.clone(), actions.action(c)))
            .collect();
        let expected: &[(&str, &str)] = &[
            ("microsoft.graph.allDevicesTarget", "struct `AllDevicesTarget` is removed: remove the code that names it"),
            ("microsoft.graph.assign(microsoft.graph.device)/comment", "`assign()` no longer takes `comment`: remove it from its calls"),
            ("microsoft.graph.assign(microsoft.graph.device)/extra", "`assign()` takes a new parameter `extra`: pass it in its calls"),
            ("microsoft.graph.assign(microsoft.graph.device)/mode", "parameter `mode` of `assign()` changes (`Edm.String`, nullable → `Edm.String`, not nullable): update its calls"),
            ("microsoft.graph.assign(microsoft.graph.device)/targets", "parameter `targets` of `assign()` changes (`Collection(microsoft.graph.target)`, nullable → `Collection(microsoft.graph.groupTarget)`, nullable): update its calls"),
            ("microsoft.graph.colors", "review the code that uses `Colors` (flags changed)"),
            ("microsoft.graph.count(Collection(microsoft.graph.device))", "`count()` returns another type (`Edm.Int32` → `Edm.Int64`): update the code that uses its result"),
            ("microsoft.graph.device/oldNav", "field `Device::old_nav` is removed, with its request builder method `old_nav()` where a path reached it: remove the code that uses them"),
            ("microsoft.graph.device/owner", "field `Device::owner` changes (`microsoft.graph.user`, nullable → `Collection(microsoft.graph.user)`, nullable): update the code that uses it"),
            ("microsoft.graph.filterType/exclude", "variant `FilterType::Exclude` is removed: remove the match arms and values that name it"),
            ("microsoft.graph.groupTarget", "parameter `targets` of `assign()`: `GroupTarget` is now `GroupTargetKind`"),
            ("microsoft.graph.groupTarget/groupId", "field `GroupTarget::group_id` changes type (`Edm.String` → `Edm.Guid`): update the code that reads it or sets it with `with_group_id`"),
            ("microsoft.graph.groupTarget/note", "field `GroupTarget::note` is now `Option<…>` instead of `Nullable<…>`: update the code that reads it (`Nullable::Null` and `Nullable::Value(x)` correspond to `None` and `Some(x)`)"),
            ("microsoft.graph.groupTarget/retired", "field `GroupTarget::retired` and its setter `with_retired` are removed: remove the code that reads or sets them"),
            ("microsoft.graph.label", "review the code that uses `Label` (underlying type changed)"),
            ("microsoft.graph.photo", "review the code that uses `Photo` (stream changed)"),
            ("microsoft.graph.room", "review the code that uses `Room` (open type changed)"),
            ("microsoft.graph.shape", "review the code that uses `Shape` (type kind changed)"),
            ("microsoft.graph.special", "struct `Special` gains fields `group_id`, `note`, `created_by`; it joins enum `GroupTargetKind`: update the code that builds or matches `Special`"),
            ("microsoft.graph.sync(microsoft.graph.device)", "`sync()` changes between action and function (action → function): update its calls"),
            ("microsoft.graph.sync(microsoft.graph.device)", "`sync()` returns another type (none → `Edm.Boolean`): update the code that uses its result"),
            ("microsoft.graph.user", "struct `User` becomes an enum with only an `Unknown` variant (no concrete type derives from it); its fields move to struct `UserBase`; `User` is no longer a variant of enum `Entity`: update the code that builds or matches `User`"),
            ("microsoft.graph.user", "review the code that uses `User` (open type changed)"),
            ("microsoft.graph.wipe(microsoft.graph.device)", "the request builder method `wipe()` is removed: remove its calls"),
        ];
        let expected: Vec<(String, String)> = expected
            .iter()
            .map(|(s, a)| (s.to_string(), a.to_string()))
            .collect();
        assert_eq!(found, expected);
    }
}
