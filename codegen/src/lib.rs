//! The graph-intune generator: OData CSDL (Microsoft Graph `$metadata`) in,
//! formatted Rust source files out.
//!
//! The flow goes one way, one module per stage:
//!
//! 1. [`csdl`] reads XML into a syntax tree with source positions;
//! 2. [`model`] resolves names, inheritance, containment and operations into a
//!    semantic model with ids, and validates it;
//! 3. [`select`] picks what to emit from the configured roots (a dependency
//!    closure) and returns warnings;
//! 4. [`emit`] turns the selection into Rust tokens and formatted files.
//!
//! The library is pure: [`generate`] takes file contents and returns file
//! contents; reading and writing files is the caller's job (`cargo xtask codegen`).
//!
//! Beside the pipeline, [`diff`] compares two resolved models and classes each
//! change by its effect on the generated Rust API (`cargo xtask diff`).

pub mod config;
pub mod csdl;
pub mod diff;
pub mod emit;
pub mod model;
pub mod sample;
pub mod select;

use std::fmt;

pub use config::Config;
pub use csdl::Pos;
pub use model::Strictness;

/// A problem in an input file, at a position.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    /// Where the problem is.
    pub pos: Pos,
    /// What is wrong, naming the offending item in backticks.
    pub message: String,
}

impl Diagnostic {
    /// A diagnostic at `pos`.
    pub fn new(pos: Pos, message: impl Into<String>) -> Self {
        Diagnostic {
            pos,
            message: message.into(),
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.pos, self.message)
    }
}

impl std::error::Error for Diagnostic {}

/// Everything that went wrong in one run.
#[derive(Debug, Clone, PartialEq)]
pub enum Errors {
    /// Problems in the inputs, sorted by file and position.
    Input(Vec<Diagnostic>),
    /// A broken invariant of the generator: a bug in it, not a problem of
    /// the inputs, so it has no input position.
    Internal(InternalError),
}

impl Errors {
    /// The problems in the inputs (none for an internal error).
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            Errors::Input(diagnostics) => diagnostics,
            Errors::Internal(_) => &[],
        }
    }
}

impl fmt::Display for Errors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Errors::Input(diagnostics) => {
                for (i, d) in diagnostics.iter().enumerate() {
                    if i > 0 {
                        writeln!(f)?;
                    }
                    write!(f, "error: {d}")?;
                }
                Ok(())
            }
            Errors::Internal(e) => write!(f, "error: {e}"),
        }
    }
}

impl std::error::Error for Errors {}

impl From<Diagnostic> for Errors {
    fn from(d: Diagnostic) -> Self {
        Errors::Input(vec![d])
    }
}

impl From<InternalError> for Errors {
    fn from(e: InternalError) -> Self {
        Errors::Internal(e)
    }
}

/// A broken invariant of the generator, found by the pass that relied on
/// it: a name the naming plan should have decided and did not, tokens the
/// formatter cannot read. A bug in the generator whatever the input, reported
/// as a value (never a panic, never a placeholder name or an empty file).
#[derive(Debug, Clone, PartialEq)]
pub struct InternalError {
    /// The pass that found it.
    pub pass: Pass,
    /// The type involved, by qualified CSDL name, when there is one.
    pub type_name: Option<String>,
    /// What is wrong, naming the missing item in backticks.
    pub problem: String,
    /// Where in the generator the failed lookup or check is.
    pub location: &'static std::panic::Location<'static>,
}

impl InternalError {
    /// An internal error found by `pass` at the caller's location.
    #[track_caller]
    pub fn new(pass: Pass, type_name: Option<String>, problem: impl Into<String>) -> Self {
        InternalError {
            pass,
            type_name,
            problem: problem.into(),
            location: std::panic::Location::caller(),
        }
    }
}

impl fmt::Display for InternalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "internal error of the generator in pass `{}`", self.pass)?;
        if let Some(name) = &self.type_name {
            write!(f, " for type `{name}`")?;
        }
        write!(
            f,
            ": {} (at {}); this is a bug in the generator, not in the inputs",
            self.problem, self.location
        )
    }
}

impl std::error::Error for InternalError {}

/// The passes of the emitting layer, as named by an [`InternalError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Pass {
    /// Naming: modules and types (each type's own item, then its companions).
    TypeNames,
    /// Naming: enumeration members and polymorphic enum variants.
    Variants,
    /// Naming: struct fields, accessors and setters.
    Fields,
    /// Naming: request builders.
    BuilderNames,
    /// Assembling the names of each type by kind.
    Assemble,
    /// Emitting model items: structs, enums, newtypes.
    Models,
    /// Emitting the request builders of an entity type.
    Requests,
    /// Emitting the client's entry points and operation imports.
    ClientEntry,
    /// Emitting a whole-schema crate's root and round-trip harness.
    Crate,
    /// Parsing and pretty-printing emitted tokens.
    Format,
}

impl fmt::Display for Pass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Pass::TypeNames => "type names",
            Pass::Variants => "member and variant names",
            Pass::Fields => "field names",
            Pass::BuilderNames => "builder names",
            Pass::Assemble => "type names by kind",
            Pass::Models => "models",
            Pass::Requests => "request builders",
            Pass::ClientEntry => "client entry points",
            Pass::Crate => "crate files",
            Pass::Format => "format",
        })
    }
}

/// Something the generator did that the user should know about (a renamed
/// collision, a skipped construct, a redundant overlay entry).
#[derive(Debug, Clone, PartialEq)]
pub struct Warning {
    /// Where in the input it comes from, when known.
    pub pos: Option<Pos>,
    /// What happened.
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.pos {
            Some(pos) => write!(f, "{pos}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

/// The result of one generation: files to write (paths relative to the
/// output folder) and warnings to show.
#[derive(Debug, Clone)]
pub struct Output {
    pub files: Vec<emit::GeneratedFile>,
    pub warnings: Vec<Warning>,
    /// With a config's `[features]` table: the generated block of the
    /// manifest's `[features]` table, and the manifest it goes in.
    pub manifest_features: Option<ManifestFeatures>,
}

/// The areas as cargo features, for the generated crate's manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestFeatures {
    /// The manifest, relative to the workspace root.
    pub manifest: String,
    /// The lines between the block's markers (see [`emit::features_block`]).
    pub block: String,
}

/// One input document: the name used in positions and in the generated
/// header, and its text.
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    pub name: &'a str,
    pub text: &'a str,
}

/// What to select.
#[derive(Debug, Clone)]
pub enum Scope {
    /// What a config selects: its roots and request paths, and its areas
    /// (each a cargo feature, see [`config::Features`]), with where they are
    /// written. Its input and output paths are not used.
    Config(Box<Config>),
    /// Every type, entity set and singleton.
    All,
}

/// Reads, resolves, selects and emits: the whole pipeline, without I/O.
///
/// `inputs` are the schema followed by its overlays. A reference to a type
/// no input defines is an error ([`generate_with`] can drop it instead).
pub fn generate(
    inputs: &[Input<'_>],
    scope: &Scope,
    client_entry: emit::ClientEntry,
) -> Result<Output, Errors> {
    generate_with(inputs, scope, client_entry, Strictness::Strict)
}

/// [`generate`], with what to do about references to unknown types
/// ([`Strictness::Lenient`] drops them, each with a warning).
pub fn generate_with(
    inputs: &[Input<'_>],
    scope: &Scope,
    client_entry: emit::ClientEntry,
    strictness: Strictness,
) -> Result<Output, Errors> {
    pipeline(inputs, scope, client_entry, strictness).map(|run| run.output)
}

/// For each type the overlays (`inputs[1..]`) define: whether the schema
/// (or an earlier overlay) already defines it, identically (the overlay entry
/// can go), differently (an error for [`generate`]) or not at all (still
/// needed). Fails only when an input is not well-formed CSDL.
pub fn overlay_report(inputs: &[Input<'_>]) -> Result<Vec<model::OverlayEntry>, Errors> {
    let documents = inputs
        .iter()
        .map(|input| csdl::parse(input.name, input.text))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(model::overlay_report(&documents))
}

/// One run of the pipeline, with the model and selection it emitted from.
struct Run {
    model: model::Model,
    selection: select::Selection,
    output: Output,
}

/// The pipeline both entry points share: parse each input, resolve them
/// into one model, select, emit; warnings of every stage, in position order.
fn pipeline(
    inputs: &[Input<'_>],
    scope: &Scope,
    client_entry: emit::ClientEntry,
    strictness: Strictness,
) -> Result<Run, Errors> {
    let mut documents = Vec::with_capacity(inputs.len());
    for input in inputs {
        documents.push(csdl::parse(input.name, input.text)?);
    }
    let (model, mut warnings) = model::Model::build_with(&documents, strictness)?;
    let (selection, select_warnings) = match scope {
        Scope::Config(config) => select_config(&model, config)?,
        Scope::All => select::select_all(&model),
    };
    warnings.extend(select_warnings);
    let options = emit::Options {
        inputs: inputs.iter().map(|i| i.name.to_owned()).collect(),
        client_entry,
    };
    let (files, emit_warnings) = emit::emit(&model, &selection, &options)?;
    warnings.extend(emit_warnings);
    sort_warnings(&mut warnings);
    let manifest_features = match (scope, &selection.areas) {
        (Scope::Config(config), Some(map)) => config.features.as_ref().map(|f| ManifestFeatures {
            manifest: f.manifest.clone(),
            block: emit::features_block(map, &config.origins.pos(config::Entry::Features).file),
        }),
        _ => None,
    };
    Ok(Run {
        model,
        selection,
        output: Output {
            files,
            warnings,
            manifest_features,
        },
    })
}

/// The selection of a config's roots and paths, split into its areas when
/// it has a `[features]` table; its problems as positioned diagnostics.
fn select_config(
    model: &model::Model,
    config: &Config,
) -> Result<(select::Selection, Vec<Warning>), Errors> {
    let (roots, paths) = (&config.roots, &config.paths);
    let diagnostics = |problems: Vec<select::Problem>| {
        Errors::Input(
            problems
                .into_iter()
                .map(|p| Diagnostic::new(config.origins.pos(p.entry), p.message))
                .collect(),
        )
    };
    match &config.features {
        None => select::select(model, roots, paths).map_err(diagnostics),
        Some(features) => {
            let areas = select::areas(model, features).map_err(diagnostics)?;
            select::select_areas(model, roots, paths, areas, features.default.clone())
                .map_err(diagnostics)
        }
    }
}

/// What a whole-schema crate holds besides the bindings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Harness {
    /// The bindings only.
    None,
    /// Also a `#[cfg(test)]` module that round-trips a sample JSON instance
    /// of every structured type through its generated type
    /// (`cargo test --lib` in the generated crate).
    RoundTrip,
}

/// Generates a standalone crate with every type, entity set and singleton of
/// the schema: `Cargo.toml`, `src/lib.rs`, `src/models/…`, `src/requests.rs`
/// (entry points through a `GraphClientExt` trait).
///
/// `runtime` is the value of the `graph-intune` dependency, e.g.
/// `{ path = "../graph-intune" }`. A reference to a type no input defines
/// is an error ([`generate_crate_with`] can drop it instead).
pub fn generate_crate(
    inputs: &[Input<'_>],
    crate_name: &str,
    runtime: &str,
    harness: Harness,
) -> Result<Output, Errors> {
    generate_crate_with(inputs, crate_name, runtime, harness, Strictness::Strict)
}

/// [`generate_crate`], with what to do about references to unknown types
/// ([`Strictness::Lenient`] drops them, each with a warning).
pub fn generate_crate_with(
    inputs: &[Input<'_>],
    crate_name: &str,
    runtime: &str,
    harness: Harness,
    strictness: Strictness,
) -> Result<Output, Errors> {
    let Run {
        model,
        selection,
        output: Output {
            files, warnings, ..
        },
    } = pipeline(
        inputs,
        &Scope::All,
        emit::ClientEntry::ExtensionTrait,
        strictness,
    )?;
    let names: Vec<String> = inputs.iter().map(|i| i.name.to_owned()).collect();
    let mut files: Vec<emit::GeneratedFile> = files
        .into_iter()
        .filter(|f| f.path != "mod.rs")
        .map(|f| emit::GeneratedFile {
            path: format!("src/{}", f.path),
            contents: f.contents,
        })
        .collect();
    let with_harness = harness == Harness::RoundTrip;
    files.push(emit::GeneratedFile {
        path: "Cargo.toml".to_owned(),
        contents: emit::crate_manifest(crate_name, runtime, &names),
    });
    files.push(emit::GeneratedFile {
        path: "src/lib.rs".to_owned(),
        contents: emit::crate_root(&names, with_harness)?,
    });
    if with_harness {
        files.extend(emit::roundtrip_harness(&model, &selection, &names)?);
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(Output {
        files,
        warnings,
        manifest_features: None,
    })
}

/// Position order, so the list reads like the file (and is deterministic).
fn sort_warnings(warnings: &mut [Warning]) {
    warnings.sort_by(|a, b| {
        let key = |w: &Warning| w.pos.as_ref().map(|p| (p.file.clone(), p.line, p.column));
        key(a)
            .is_none()
            .cmp(&key(b).is_none())
            .then(key(a).cmp(&key(b)))
    });
}
