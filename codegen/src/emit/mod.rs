//! The emitting layer: Rust tokens from a model and a selection, formatted with
//! prettyplease into files.
//!
//! [`plan`] decides every Rust name once (types, fields, variants, methods)
//! into a [`Plan`]; the `models` and `requests` submodules turn the plan into
//! tokens, one small function per construct. Emitted code uses absolute paths
//! (`::std::…`, `::serde::…`, `::graph_intune::…`, `crate::models::…`), so
//! schema names such as `Option`, `Error` or `String` shadow nothing.

mod models;
pub mod names;
mod plan;
mod requests;

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering};

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::model::{Model, TypeId};
use crate::select::{BuilderSpec, Selection};
use crate::Warning;

pub use plan::Plan;

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

/// One part of a generated file, formatted on its own: prettyplease prints
/// each top-level item from column 0 after a hard break, so items print the
/// same alone as among others, and a file is its parts formatted
/// independently (in parallel) and concatenated in order.
#[derive(Clone, Copy)]
enum Part<'s> {
    /// The items of one selected type.
    Type(TypeId),
    /// The request builders of one entity type.
    Builders(TypeId, &'s BuilderSpec),
}

/// Emits the selection as Rust files, with warnings for renamed collisions
/// and skipped constructs.
pub fn emit(
    model: &Model,
    selection: &Selection,
    options: &Options,
) -> Result<(Vec<GeneratedFile>, Vec<Warning>), String> {
    let plan = plan::plan(model, selection);
    let mut warnings = plan.warnings.clone();
    let header = header(&options.inputs);

    // Model modules, one per namespace, keyed by module path.
    let mut modules: BTreeMap<Vec<String>, Vec<TypeId>> = BTreeMap::new();
    modules.entry(Vec::new()).or_default();
    for &id in &selection.types {
        let path = plan.module_of(id).to_vec();
        for depth in 1..path.len() {
            modules.entry(path[..depth].to_vec()).or_default();
        }
        modules.entry(path).or_default().push(id);
    }
    let children = |parent: &[String]| -> Vec<String> {
        modules
            .keys()
            .filter(|k| k.len() == parent.len() + 1 && k.starts_with(parent))
            .map(|k| k[parent.len()].clone())
            .collect()
    };
    // Each file: its path, its formatted start, the range of its parts.
    let mut files: Vec<(String, String, Range<usize>)> = Vec::new();
    let mut parts: Vec<Part<'_>> = Vec::new();
    for (path, ids) in &modules {
        let mods: Vec<Ident> = children(path).iter().map(|m| ident(m)).collect();
        let doc = if path.is_empty() {
            " Models of the `microsoft.graph` namespace (nested namespaces are submodules)."
                .to_owned()
        } else {
            format!(" Models of a nested namespace (`{}`).", path.join("::"))
        };
        let tokens = quote! {
            #![doc = #doc]
            #(pub mod #mods;)*
        };
        // Every namespace module is a `mod.rs` in its own folder, so the tree
        // also loads through a `#[path]` attribute.
        let file = std::iter::once("models")
            .chain(path.iter().map(|s| unraw(s)))
            .chain(std::iter::once("mod.rs"))
            .collect::<Vec<_>>()
            .join("/");
        let first = parts.len();
        parts.extend(ids.iter().map(|&id| Part::Type(id)));
        files.push((file, format_file(&header, tokens)?, first..parts.len()));
    }

    let (request_head, request_warnings) = requests::head(model, selection, &plan, options);
    warnings.extend(request_warnings);
    let first = parts.len();
    parts.extend(
        selection
            .builders
            .iter()
            .map(|(&id, spec)| Part::Builders(id, spec)),
    );
    files.push((
        "requests.rs".to_owned(),
        format_file(&header, request_head)?,
        first..parts.len(),
    ));

    let formatted = parallel_map(&parts, |&part| {
        let mut warnings = Vec::new();
        let tokens = match part {
            Part::Type(id) => models::type_items(model, &plan, id),
            Part::Builders(id, spec) => {
                requests::builders(model, selection, &plan, (id, spec), &mut warnings)
            }
        };
        unparse(tokens).map(|text| (text, warnings))
    })
    .into_iter()
    .collect::<Result<Vec<_>, _>>()?;
    let mut files: Vec<GeneratedFile> = files
        .into_iter()
        .map(|(path, mut contents, range)| {
            for (text, part_warnings) in &formatted[range] {
                contents.push_str(text);
                warnings.extend(part_warnings.iter().cloned());
            }
            GeneratedFile { path, contents }
        })
        .collect();
    let root = quote! {
        //! Generated bindings: `models` (serde types) and `requests` (request builders).
        pub mod models;
        pub mod requests;
    };
    files.push(GeneratedFile {
        path: "mod.rs".to_owned(),
        contents: format_file(&header, root)?,
    });
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok((files, warnings))
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

/// Parses tokens as a file and pretty-prints them after `header`.
fn format_file(header: &str, tokens: TokenStream) -> Result<String, String> {
    Ok(format!("{header}{}", unparse(tokens)?))
}

/// Parses tokens as a file and pretty-prints them.
fn unparse(tokens: TokenStream) -> Result<String, String> {
    let file: syn::File = syn::parse2(tokens)
        .map_err(|e| format!("internal error: generated code does not parse: {e}"))?;
    Ok(prettyplease::unparse(&file))
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
pub fn crate_root(inputs: &[String], harness: bool) -> String {
    let allows = CRATE_ALLOWS.iter().map(|(lint, _)| {
        let path: syn::Path = syn::parse_str(lint).unwrap_or_else(|_| syn::parse_quote!(unused));
        path
    });
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
    format_file(&header(inputs), tokens).unwrap_or_default()
}

/// The round-trip harness of a whole-schema crate: `src/roundtrip.json`
/// (a sample instance of every structured type, from [`crate::sample`]) and
/// `src/roundtrip.rs` (a test that reads each into its generated type and
/// checks that it writes back the same JSON).
pub fn roundtrip_harness(
    model: &Model,
    selection: &Selection,
    inputs: &[String],
) -> Vec<GeneratedFile> {
    let plan = plan::plan(model, selection);
    let mut cases = Vec::new();
    let mut arms = Vec::new();
    for &id in &selection.types {
        let Some(instance) = crate::sample::instance(model, id) else {
            continue;
        };
        let name = model.ty(id).qualified_name();
        let ty = models::named_type(model, &plan, id);
        arms.push(quote!(#name => check::<#ty>(value),));
        cases.push(serde_json::json!([name, instance]));
    }
    let count = cases.len();
    let json = serde_json::to_string_pretty(&serde_json::Value::Array(cases)).unwrap_or_default();
    let tokens = quote! {
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
    };
    vec![
        GeneratedFile {
            path: "src/roundtrip.json".to_owned(),
            contents: json + "\n",
        },
        GeneratedFile {
            path: "src/roundtrip.rs".to_owned(),
            contents: format_file(&header(inputs), tokens).unwrap_or_default(),
        },
    ]
}
