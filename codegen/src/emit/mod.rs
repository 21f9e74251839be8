//! The emitting layer: Rust tokens from a model and a selection, formatted with
//! prettyplease into files.
//!
//! [`plan`] decides every Rust name once (types, fields, variants, methods)
//! into a [`Plan`]; an [`Emitter`] holds the model, the selection, the plan
//! and the options of one emission, and its methods in the `models` and
//! `requests` submodules turn the plan into tokens, one small method per
//! construct. A name the plan should have decided and did not is an
//! [`InternalError`] naming the type and the pass, never a placeholder.
//! Emitted code uses absolute paths (`::std::…`, `::serde::…`,
//! `::graph_intune::…`, `crate::models::…`), so schema names such as
//! `Option`, `Error` or `String` shadow nothing.

mod features;
mod models;
pub mod names;
mod plan;
mod requests;

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::csdl::Pos;
use crate::model::{Model, TypeId};
use crate::select::{BuilderSpec, Selection};
use crate::{InternalError, Pass, Warning};

pub use features::features_block;
pub use plan::{BuilderNames, ItemNames, MemberNames, Plan, PolymorphicNames, TypeNames};

/// How the generated request builders are reached from the client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientEntry {
    /// Inherent methods on `graph_intune::GraphClient` (code generated into
    /// the `graph-intune` crate itself).
    Inherent,
    /// A `GraphClientExt` trait implemented for `graph_intune::GraphClient`
    /// (code generated into another crate).
    ExtensionTrait,
}

/// Options of one emission.
#[derive(Debug, Clone)]
pub struct Options {
    /// Input file names for the `@generated` header, as the user should read them.
    pub inputs: Vec<String>,
    /// How paths start from the client.
    pub client_entry: ClientEntry,
}

/// One generated file: a path relative to the output folder and its contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    pub path: String,
    pub contents: String,
}

type Result<T, E = InternalError> = std::result::Result<T, E>;

/// The context of one emission: what is emitted (model, selection), under
/// which names (plan), how (options), the pass running (named by internal
/// errors) and where warnings go. Emitting methods take `&self`; a part
/// emitted on another thread gets its own emitter ([`Emitter::for_pass`])
/// with its own warnings, so warnings keep part order whatever the timing.
pub(crate) struct Emitter<'a> {
    pub(crate) model: &'a Model,
    pub(crate) selection: &'a Selection,
    pub(crate) plan: &'a Plan,
    pub(crate) options: &'a Options,
    pass: Pass,
    warnings: Mutex<Vec<Warning>>,
}

impl<'a> Emitter<'a> {
    pub(crate) fn new(
        model: &'a Model,
        selection: &'a Selection,
        plan: &'a Plan,
        options: &'a Options,
    ) -> Self {
        Emitter {
            model,
            selection,
            plan,
            options,
            pass: Pass::Models,
            warnings: Mutex::new(Vec::new()),
        }
    }

    /// An emitter of the same emission for `pass`, with no warnings yet.
    pub(crate) fn for_pass(&self, pass: Pass) -> Emitter<'a> {
        Emitter {
            pass,
            warnings: Mutex::new(Vec::new()),
            ..*self
        }
    }

    /// Records a warning.
    pub(crate) fn warn(&self, pos: &Pos, message: String) {
        self.warnings
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(Warning {
                pos: Some(pos.clone()),
                message,
            });
    }

    /// The warnings recorded, in order.
    pub(crate) fn into_warnings(self) -> Vec<Warning> {
        self.warnings
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// An internal error of this pass about type `id`, at the caller.
    #[track_caller]
    pub(crate) fn internal(&self, id: TypeId, problem: impl Into<String>) -> InternalError {
        InternalError::new(self.pass, Some(self.model.ty(id).qualified_name()), problem)
    }

    /// The names of a selected type.
    #[track_caller]
    pub(crate) fn names(&self, id: TypeId) -> Result<&'a TypeNames> {
        match self.plan.names(id) {
            Some(names) => Ok(names),
            None => Err(self.internal(id, "the naming plan has no names for it")),
        }
    }

    /// The field plan of a selected structured type.
    #[track_caller]
    pub(crate) fn struct_plan(&self, id: TypeId) -> Result<&'a plan::StructPlan> {
        match self.plan.struct_plan(id) {
            Some(plan) => Ok(plan),
            None => Err(self.internal(id, "the naming plan has no fields for it")),
        }
    }

    /// The request builder names of an entity type with builders.
    #[track_caller]
    pub(crate) fn builder_names(&self, id: TypeId) -> Result<&'a BuilderNames> {
        match self.plan.builder_names(id) {
            Some(names) => Ok(names),
            None => Err(self.internal(id, "the naming plan has no request builder names for it")),
        }
    }

    /// The struct holding a structured type's properties.
    #[track_caller]
    pub(crate) fn struct_name(&self, id: TypeId) -> Result<&'a str> {
        match &self.names(id)?.items {
            ItemNames::Struct { name } => Ok(name),
            ItemNames::Polymorphic(p) => Ok(&p.struct_name),
            _ => Err(self.internal(id, "it has no struct: it is not a structured type")),
        }
    }

    /// Parses tokens as a file; tokens that do not parse are an internal
    /// error about `id`, when the tokens are a type's.
    #[track_caller]
    fn parse(&self, id: Option<TypeId>, tokens: TokenStream) -> Result<syn::File> {
        let type_name = id.map(|id| self.model.ty(id).qualified_name());
        parse_tokens(type_name, tokens)
    }

    /// Formats a file's start: `header`, then the tokens.
    #[track_caller]
    fn format_file(&self, header: &str, tokens: TokenStream) -> Result<String> {
        format_tokens(header, None, tokens)
    }
}

/// Parses tokens as a file and pretty-prints them after `header`. Tokens
/// that do not parse are a bug of the emitter: an internal error naming
/// `type_name` (the type whose items they are, if any).
#[track_caller]
fn format_tokens(header: &str, type_name: Option<String>, tokens: TokenStream) -> Result<String> {
    let file = parse_tokens(type_name, tokens)?;
    Ok(format!("{header}{}", unparse_spaced(file)))
}

/// Parses tokens as a file. Tokens that do not parse are a bug of the
/// emitter: an internal error naming `type_name` (the type whose items they
/// are, if any).
#[track_caller]
fn parse_tokens(type_name: Option<String>, tokens: TokenStream) -> Result<syn::File> {
    syn::parse2::<syn::File>(tokens).map_err(|e| {
        InternalError::new(
            Pass::Format,
            type_name,
            format!("the emitted code does not parse: {e}"),
        )
    })
}

/// Pretty-prints a file with a blank line between its top-level items, as
/// a person would write it: each item is printed by prettyplease on its own
/// (it prints every top-level item from column 0, so an item prints the same
/// alone as among others).
fn unparse_spaced(file: syn::File) -> String {
    let syn::File {
        shebang,
        attrs,
        items,
    } = file;
    let mut out = String::new();
    if shebang.is_some() || !attrs.is_empty() {
        out.push_str(&prettyplease::unparse(&syn::File {
            shebang,
            attrs,
            items: Vec::new(),
        }));
    }
    for item in items {
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&prettyplease::unparse(&syn::File {
            shebang: None,
            attrs: Vec::new(),
            items: vec![item],
        }));
    }
    out
}

/// One part of a generated file, formatted on its own: prettyplease prints
/// each top-level item from column 0 after a hard break, so items print the
/// same alone as among others, and a file is its parts formatted
/// independently (in parallel) and joined in order, a blank line between.
#[derive(Clone, Copy)]
enum Part<'s> {
    /// The items of one selected type.
    Type(TypeId),
    /// The request builders of one entity type.
    Builders(TypeId, &'s BuilderSpec),
}

/// A file being assembled: its path, its formatted start, and the range of
/// its parts in the emission's list of parts.
struct FileParts {
    path: String,
    head: String,
    parts: Range<usize>,
}

/// Emits the selection as Rust files, with warnings for renamed collisions
/// and skipped constructs.
pub fn emit(
    model: &Model,
    selection: &Selection,
    options: &Options,
) -> Result<(Vec<GeneratedFile>, Vec<Warning>)> {
    let plan = plan::plan(model, selection)?;
    Emitter::new(model, selection, &plan, options).emit()
}

impl Emitter<'_> {
    /// Every file of the emission, and the warnings of the plan and of every part.
    pub(crate) fn emit(&self) -> Result<(Vec<GeneratedFile>, Vec<Warning>)> {
        let header = header(&self.options.inputs);
        let mut warnings = self.plan.warnings.clone();
        let mut parts: Vec<Part<'_>> = Vec::new();
        let mut files = self.model_files(&header, &mut parts)?;
        let head = self.for_pass(Pass::ClientEntry);
        let request_head = head.request_head()?;
        warnings.extend(head.into_warnings());
        let first = parts.len();
        parts.extend(
            self.selection
                .builders
                .iter()
                .map(|(&id, spec)| Part::Builders(id, spec)),
        );
        files.push(FileParts {
            path: "requests.rs".to_owned(),
            head: self.format_file(&header, request_head)?,
            parts: first..parts.len(),
        });
        let formatted = self.format_parts(&parts)?;
        let mut files: Vec<GeneratedFile> = files
            .into_iter()
            .map(|file| {
                let mut contents = file.head;
                for (text, part_warnings) in &formatted[file.parts] {
                    // A blank line between the items of two parts too.
                    if !contents.is_empty() && !text.is_empty() {
                        contents.push('\n');
                    }
                    contents.push_str(text);
                    warnings.extend(part_warnings.iter().cloned());
                }
                GeneratedFile {
                    path: file.path,
                    contents,
                }
            })
            .collect();
        files.push(self.root_file(&header)?);
        files.sort_by(|a, b| a.path.cmp(&b.path));
        Ok((files, warnings))
    }

    /// The model modules, one per namespace (keyed by module path, each
    /// with its parent modules), and their types as parts.
    fn model_files(&self, header: &str, parts: &mut Vec<Part<'_>>) -> Result<Vec<FileParts>> {
        let mut modules: BTreeMap<Vec<String>, Vec<TypeId>> = BTreeMap::new();
        modules.entry(Vec::new()).or_default();
        for &id in &self.selection.types {
            let path = self.names(id)?.module.clone();
            for depth in 1..path.len() {
                modules.entry(path[..depth].to_vec()).or_default();
            }
            modules.entry(path).or_default().push(id);
        }
        let mut files = Vec::new();
        for (path, ids) in &modules {
            let children = modules
                .keys()
                .filter(|k| k.len() == path.len() + 1 && k.starts_with(path))
                .map(|k| ident(&k[path.len()]));
            let first = parts.len();
            parts.extend(ids.iter().map(|&id| Part::Type(id)));
            files.push(FileParts {
                path: module_file(path),
                head: self.format_file(header, module_head(path, children))?,
                parts: first..parts.len(),
            });
        }
        Ok(files)
    }

    /// Every part formatted, in part order, each with its warnings.
    fn format_parts(&self, parts: &[Part<'_>]) -> Result<Vec<(String, Vec<Warning>)>> {
        parallel_map(parts, |&part| {
            let (pass, id) = match part {
                Part::Type(id) => (Pass::Models, id),
                Part::Builders(id, _) => (Pass::Requests, id),
            };
            let emitter = self.for_pass(pass);
            let (tokens, areas) = match part {
                Part::Type(id) => (emitter.type_items(id)?, emitter.type_areas(id)),
                // Each builder has its own `cfg`s.
                Part::Builders(id, spec) => (emitter.builders(id, spec)?, None),
            };
            let mut file = emitter.parse(Some(id), tokens)?;
            emitter.gate_items(&mut file, areas)?;
            Ok((unparse_spaced(file), emitter.into_warnings()))
        })
        .into_iter()
        .collect()
    }

    /// `mod.rs` of the generated folder.
    fn root_file(&self, header: &str) -> Result<GeneratedFile> {
        let root = quote! {
            //! Generated bindings: `models` (serde types) and `requests` (request builders).
            pub mod models;
            pub mod requests;
        };
        Ok(GeneratedFile {
            path: "mod.rs".to_owned(),
            contents: self.format_file(header, root)?,
        })
    }
}

/// The start of a namespace module: its docs and its submodules.
fn module_head(path: &[String], children: impl Iterator<Item = Ident>) -> TokenStream {
    let doc = if path.is_empty() {
        " Models of the `microsoft.graph` namespace (nested namespaces are submodules).".to_owned()
    } else {
        format!(" Models of a nested namespace (`{}`).", path.join("::"))
    };
    quote! {
        #![doc = #doc]
        #(pub mod #children;)*
    }
}

/// The file of a namespace module: every one is a `mod.rs` in its own
/// folder, so the tree also loads through a `#[path]` attribute.
fn module_file(path: &[String]) -> String {
    std::iter::once("models")
        .chain(path.iter().map(|s| unraw(s)))
        .chain(std::iter::once("mod.rs"))
        .collect::<Vec<_>>()
        .join("/")
}

/// `f` applied to every item, on as many threads as there are cores; the
/// results are in item order, whatever the threads' timing.
fn parallel_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(items.len());
    let next = AtomicUsize::new(0);
    // Each thread takes the next unclaimed item and keeps (index, result).
    let work = || {
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(i) else {
                return done;
            };
            done.push((i, f(item)));
        }
    };
    let mut results: Vec<(usize, R)> = std::thread::scope(|s| {
        let helpers: Vec<_> = (1..threads).map(|_| s.spawn(work)).collect();
        let mut results = work();
        for helper in helpers {
            results.extend(
                helper
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            );
        }
        results
    });
    results.sort_unstable_by_key(|&(i, _)| i);
    results.into_iter().map(|(_, r)| r).collect()
}

fn header(inputs: &[String]) -> String {
    format!(
        "// @generated by `cargo xtask codegen` from {}; do not edit.\n\n",
        inputs.join(", ")
    )
}

/// An identifier from a Rust name decided by `names` (`r#type` becomes a raw identifier).
pub(crate) fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

fn unraw(name: &str) -> &str {
    name.strip_prefix("r#").unwrap_or(name)
}

/// `#[doc = …]` attributes from a description and a long description.
pub(crate) fn docs(docs: &crate::model::Docs, fallback: &str) -> TokenStream {
    let mut lines: Vec<String> = Vec::new();
    match &docs.description {
        Some(d) => lines.push(d.clone()),
        None => lines.push(fallback.to_owned()),
    }
    if let Some(long) = &docs.long_description {
        if Some(long) != docs.description.as_ref() {
            lines.push(String::new());
            lines.push(long.clone());
        }
    }
    let lines = lines.into_iter().flat_map(|l| {
        if l.is_empty() {
            return vec![String::new()];
        }
        l.lines()
            .map(|s| format!(" {}", s.trim_end()))
            .collect::<Vec<_>>()
    });
    quote! { #(#[doc = #lines])* }
}

/// Lints allowed in a generated whole-schema crate, each for a reason the
/// schema imposes.
pub const CRATE_ALLOWS: &[(&str, &str)] = &[
    (
        "clippy::large_enum_variant",
        "polymorphic enums hold their variants by value",
    ),
    (
        "clippy::too_many_arguments",
        "operations take as many parameters as the schema gives them",
    ),
    (
        "clippy::doc_lazy_continuation",
        "descriptions are the schema's text",
    ),
    (
        "clippy::tabs_in_doc_comments",
        "descriptions are the schema's text",
    ),
    (
        "rustdoc::broken_intra_doc_links",
        "descriptions are the schema's text",
    ),
    ("rustdoc::bare_urls", "descriptions are the schema's text"),
    (
        "rustdoc::invalid_html_tags",
        "descriptions are the schema's text",
    ),
    (
        "rustdoc::invalid_rust_codeblocks",
        "descriptions are the schema's text",
    ),
];

/// `Cargo.toml` of a generated whole-schema crate.
pub fn crate_manifest(crate_name: &str, runtime: &str, inputs: &[String]) -> String {
    format!(
        "# @generated by `cargo xtask codegen` from {}; do not edit.\n\
         [package]\n\
         name = \"{crate_name}\"\n\
         version = \"0.0.0\"\n\
         edition = \"2021\"\n\
         publish = false\n\
         \n\
         [dependencies]\n\
         graph-intune = {runtime}\n\
         serde = {{ version = \"1\", features = [\"derive\"] }}\n\
         serde_json = \"1\"\n\
         \n\
         # A crate of its own, not a member of an enclosing workspace.\n\
         [workspace]\n",
        inputs.join(", ")
    )
}

/// `src/lib.rs` of a generated whole-schema crate.
pub fn crate_root(inputs: &[String], harness: bool) -> Result<String> {
    let allows = CRATE_ALLOWS
        .iter()
        .map(|(lint, _)| {
            syn::parse_str::<syn::Path>(lint).map_err(|e| {
                InternalError::new(
                    Pass::Crate,
                    None,
                    format!("the allowed lint `{lint}` is not a path: {e}"),
                )
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let doc = format!(
        " Microsoft Graph bindings generated from {}.",
        inputs.join(", ")
    );
    let tokens = quote! {
        #![doc = #doc]
        //!
        //! `models` holds one module per namespace; `requests` holds the
        //! request builders, reached through the `GraphClientExt` trait.
        #![allow(#(#allows),*)]
        pub mod models;
        pub mod requests;
    };
    let tokens = if harness {
        quote! {
            #tokens
            #[cfg(test)]
            mod roundtrip;
        }
    } else {
        tokens
    };
    format_tokens(&header(inputs), None, tokens)
}

/// The round-trip harness of a whole-schema crate: `src/roundtrip.json`
/// (a sample instance of every structured type, from [`crate::sample`]) and
/// `src/roundtrip.rs` (a test that reads each into its generated type and
/// checks that it writes back the same JSON).
pub fn roundtrip_harness(
    model: &Model,
    selection: &Selection,
    inputs: &[String],
) -> Result<Vec<GeneratedFile>> {
    let plan = plan::plan(model, selection)?;
    let options = Options {
        inputs: inputs.to_vec(),
        client_entry: ClientEntry::ExtensionTrait,
    };
    Emitter::new(model, selection, &plan, &options)
        .for_pass(Pass::Crate)
        .roundtrip_harness()
}

impl Emitter<'_> {
    /// See [`roundtrip_harness`].
    fn roundtrip_harness(&self) -> Result<Vec<GeneratedFile>> {
        let mut cases = Vec::new();
        let mut arms = Vec::new();
        for &id in &self.selection.types {
            let Some(instance) = crate::sample::instance(self.model, id) else {
                continue;
            };
            let name = self.model.ty(id).qualified_name();
            let ty = self.type_path(id)?;
            arms.push(quote!(#name => check::<#ty>(value),));
            cases.push(serde_json::json!([name, instance]));
        }
        let count = cases.len();
        let json = serde_json::to_string_pretty(&serde_json::Value::Array(cases)).map_err(|e| {
            InternalError::new(
                Pass::Crate,
                None,
                format!("the sample instances do not serialize: {e}"),
            )
        })?;
        let tokens = roundtrip_test(count, &arms);
        Ok(vec![
            GeneratedFile {
                path: "src/roundtrip.json".to_owned(),
                contents: json + "\n",
            },
            GeneratedFile {
                path: "src/roundtrip.rs".to_owned(),
                contents: self.format_file(&header(&self.options.inputs), tokens)?,
            },
        ])
    }
}

/// `src/roundtrip.rs`: reads the `count` cases of `roundtrip.json` and
/// checks each with its `arm` (`"qualified.name" => check::<Type>(value),`).
fn roundtrip_test(count: usize, arms: &[TokenStream]) -> TokenStream {
    quote! {
        //! Round trip of every structured type: its sample instance (built from
        //! the schema) is read into the generated type and written back equal.
        use serde_json::Value;

        fn check<T: ::serde::de::DeserializeOwned + ::serde::Serialize>(value: &Value) -> ::std::result::Result<(), ::std::string::String> {
            let typed: T = serde_json::from_value(value.clone()).map_err(|e| format!("read: {e}"))?;
            let back = serde_json::to_value(&typed).map_err(|e| format!("write: {e}"))?;
            if &back == value {
                Ok(())
            } else {
                Err(format!("wrote back {back}"))
            }
        }

        #[test]
        fn every_structured_type_round_trips() {
            // Unoptimized serde code for structs of hundreds of fields takes
            // more stack than a test thread has.
            ::std::thread::Builder::new()
                .stack_size(256 << 20)
                .spawn(round_trip_all)
                .expect("a thread")
                .join()
                .expect("no panic");
        }

        fn round_trip_all() {
            let cases: ::std::vec::Vec<(::std::string::String, Value)> =
                serde_json::from_str(include_str!("roundtrip.json")).expect("the cases are JSON");
            assert_eq!(cases.len(), #count);
            let mut failures = ::std::vec::Vec::new();
            for (name, value) in &cases {
                let result = match name.as_str() {
                    #(#arms)*
                    other => Err(format!("no generated type for `{other}`")),
                };
                if let Err(e) = result {
                    failures.push(format!("{name}: {e}"));
                }
            }
            assert!(failures.is_empty(), "{} of {} types do not round-trip:\n{}", failures.len(), cases.len(), failures.join("\n"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{model, select, Errors};

    /// An entity type `ns.thing` (with builders, from the entity set
    /// `things`) whose property has the complex type `ns.part`.
    const FIXTURE: &str = r#"<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:DataServices>
    <Schema Namespace="ns" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <ComplexType Name="part"><Property Name="size" Type="Edm.Int32" /></ComplexType>
      <EntityType Name="thing">
        <Key><PropertyRef Name="id" /></Key>
        <Property Name="id" Type="Edm.String" Nullable="false" />
        <Property Name="part" Type="ns.part" />
      </EntityType>
      <EntityContainer Name="c"><EntitySet Name="things" EntityType="ns.thing" /></EntityContainer>
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>"#;

    struct Fixture {
        model: Model,
        selection: Selection,
        plan: Plan,
        options: Options,
    }

    impl Fixture {
        /// The fixture, planned, then without any name for `forget`.
        fn without_names_of(forget: &str) -> Fixture {
            let (model, _) = model::load(&[("fixture.xml", FIXTURE)]).expect("the fixture loads");
            let (selection, _) = select::select_all(&model);
            let mut plan = plan::plan(&model, &selection).expect("the fixture plans");
            plan.forget(model.find(forget).expect("the fixture has the type"));
            let options = Options {
                inputs: vec!["fixture.xml".to_owned()],
                client_entry: ClientEntry::ExtensionTrait,
            };
            Fixture {
                model,
                selection,
                plan,
                options,
            }
        }

        fn emitter(&self) -> Emitter<'_> {
            Emitter::new(&self.model, &self.selection, &self.plan, &self.options)
        }

        fn id(&self, name: &str) -> TypeId {
            self.model.find(name).expect("the fixture has the type")
        }
    }

    #[test]
    fn the_fixture_emits_when_nothing_is_missing() {
        let (model, _) = model::load(&[("fixture.xml", FIXTURE)]).expect("the fixture loads");
        let (selection, _) = select::select_all(&model);
        let options = Options {
            inputs: vec!["fixture.xml".to_owned()],
            client_entry: ClientEntry::ExtensionTrait,
        };
        let (files, _) = emit(&model, &selection, &options).expect("emitted");
        assert!(files.iter().all(|f| !f.contents.is_empty()));
    }

    #[test]
    fn a_type_without_names_fails_the_emission_naming_the_type() {
        let fixture = Fixture::without_names_of("ns.part");
        let e = fixture.emitter().emit().expect_err("a type without names");
        assert_eq!(e.type_name.as_deref(), Some("ns.part"));
        assert_eq!(e.pass, Pass::Models);
        assert!(e.problem.contains("no names"), "{e}");
        let shown = Errors::from(e).to_string();
        assert!(
            shown.starts_with(
                "error: internal error of the generator in pass `models` for type `ns.part`: "
            ),
            "{shown}"
        );
        assert!(shown.contains("codegen/src/emit/"), "{shown}");
        assert!(
            !shown.contains("generation config"),
            "no fake position: {shown}"
        );
    }

    #[test]
    fn a_field_of_a_type_without_names_fails_where_it_is_used() {
        let fixture = Fixture::without_names_of("ns.part");
        let emitter = fixture.emitter().for_pass(Pass::Models);
        let e = emitter
            .type_items(fixture.id("ns.thing"))
            .expect_err("the field's type has no name");
        assert_eq!(e.type_name.as_deref(), Some("ns.part"));
        assert_eq!(e.pass, Pass::Models);
        // `#[track_caller]` lookups report the emitting code that asked.
        assert!(e.location.file().ends_with("models.rs"), "{}", e.location);
    }

    #[test]
    fn an_entity_without_builder_names_fails_the_client_entry() {
        let fixture = Fixture::without_names_of("ns.thing");
        let emitter = fixture.emitter().for_pass(Pass::ClientEntry);
        let e = emitter.request_head().expect_err("no builder names");
        assert_eq!(e.type_name.as_deref(), Some("ns.thing"));
        assert_eq!(e.pass, Pass::ClientEntry);
        assert!(e.problem.contains("request builder"), "{e}");
        assert!(e.location.file().ends_with("requests.rs"), "{}", e.location);
    }

    #[test]
    fn tokens_the_formatter_cannot_read_are_an_error_not_an_empty_file() {
        let fixture = Fixture::without_names_of("ns.part");
        let emitter = fixture.emitter();
        let Err(e) = emitter.parse(Some(fixture.id("ns.thing")), quote!(pub struct;)) else {
            panic!("not a file, yet it parsed");
        };
        assert_eq!(e.pass, Pass::Format);
        assert_eq!(e.type_name.as_deref(), Some("ns.thing"));
        assert!(e.problem.contains("does not parse"), "{e}");
        let e = format_tokens("// header\n", None, quote!(fn)).expect_err("not a file");
        assert_eq!((e.pass, e.type_name), (Pass::Format, None));
    }

    /// Types named `Self` (a keyword): an abstract entity type with a
    /// derived type and an entity set, and a flags enumeration.
    const SELF_FIXTURE: &str = r#"<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:DataServices>
    <Schema Namespace="ns" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <EntityType Name="Self" Abstract="true">
        <Key><PropertyRef Name="id" /></Key>
        <Property Name="id" Type="Edm.String" Nullable="false" />
      </EntityType>
      <EntityType Name="mirror" BaseType="ns.Self" />
      <EntityContainer Name="c"><EntitySet Name="selves" EntityType="ns.Self" /></EntityContainer>
    </Schema>
    <Schema Namespace="ns.flags" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <EnumType Name="Self" IsFlags="true"><Member Name="a" Value="1" /></EnumType>
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>"#;

    #[test]
    fn companion_names_of_a_type_named_self_are_camel_case() {
        let inputs = [crate::Input {
            name: "self.xml",
            text: SELF_FIXTURE,
        }];
        let output = crate::generate(&inputs, &crate::Scope::All, ClientEntry::ExtensionTrait)
            .expect("the fixture generates");
        let all: String = output.files.iter().map(|f| f.contents.as_str()).collect();
        for item in [
            "pub enum Self_ {",
            "pub struct SelfBase {",
            "pub struct SelfRequest {",
            "pub struct SelfCollectionRequest {",
            "pub type Self_ = ::graph_intune::Flags<SelfMember>;",
            "pub enum SelfMember {",
        ] {
            assert!(all.contains(item), "missing `{item}`");
        }
        for bad in [
            "Self_Base",
            "Self_Request",
            "Self_CollectionRequest",
            "Self_Member",
        ] {
            assert!(!all.contains(bad), "non-camel-case `{bad}`");
        }
    }
}
