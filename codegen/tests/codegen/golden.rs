//! Small CSDL fixtures with their expected Rust output (golden files), and the
//! whole-schema crate built from one of them ([`codegen::generate_crate`]),
//! with its round-trip harness and the sample instances it reads
//! ([`codegen::sample`]).
//!
//! The golden models and request builders are also compiled and exercised by
//! the `graph-intune-tests` crate, one test binary per fixture (generated code
//! names its types from the crate root): `tests/tests/golden_constructs.rs`,
//! `golden_hierarchy.rs`, `golden_lenient.rs` (generated leniently),
//! `golden_names.rs`, `golden_namespaces.rs`, and the
//! `e2e` binary for primitives (`tests/tests/e2e/golden_primitives.rs`;
//! `tests/tests/e2e/datetimes.rs` also reads the primitives models).
//!
//! A check fails naming every golden file that differs from the generator's
//! output, that the generator writes but is missing, and that the generator
//! no longer writes. After an intended change of the emitter, refresh them with
//! `UPDATE_GOLDEN=1 cargo test -p graph-intune-codegen --test codegen golden::`
//! and review the diff. `UPDATE_GOLDEN` unset or `0` only checks; any other
//! value fails the tests instead of guessing what was meant.

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsStr;
use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use codegen::emit::{ClientEntry, GeneratedFile};
use codegen::{Errors, Harness, Input, Output, Scope, Strictness};
use serde_json::{json, Value};

/// The fixtures with a golden folder, each checked by a test below.
const GOLDEN: [&str; 6] = [
    "constructs",
    "hierarchy",
    "lenient",
    "names",
    "namespaces",
    "primitives",
];

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests")
}

fn fixture(name: &str) -> String {
    fs::read_to_string(fixture_dir().join(format!("fixtures/{name}.xml"))).unwrap()
}

/// `fixtures/<name>.xml` generated with everything selected, as a module
/// tree of another crate (the golden files' form).
fn generate(name: &str) -> Output {
    try_generate(name, Strictness::Strict).unwrap_or_else(|e| panic!("{e}"))
}

/// [`generate`] with `strictness`, its errors returned.
fn try_generate(name: &str, strictness: Strictness) -> Result<Output, Errors> {
    let text = fixture(name);
    let file = format!("{name}.xml");
    codegen::generate_with(
        &[Input {
            name: &file,
            text: &text,
        }],
        &Scope::All,
        ClientEntry::ExtensionTrait,
        strictness,
    )
}

/// What a run does with the golden files, from `UPDATE_GOLDEN`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Compare the golden files with the generator's output.
    Check,
    /// Rewrite the golden folders from the generator's output, then compare.
    Update,
}

impl Mode {
    fn from_env() -> Mode {
        Mode::parse(std::env::var_os("UPDATE_GOLDEN").as_deref()).unwrap_or_else(|e| panic!("{e}"))
    }

    /// Unset or `0` checks, `1` rewrites; any other value (`true`, an empty
    /// string, a typo) is an error rather than a silent rewrite or check.
    fn parse(value: Option<&OsStr>) -> Result<Mode, String> {
        match value {
            None => Ok(Mode::Check),
            Some(v) if v == OsStr::new("0") => Ok(Mode::Check),
            Some(v) if v == OsStr::new("1") => Ok(Mode::Update),
            Some(v) => Err(format!(
                "UPDATE_GOLDEN={v:?}: use 1 to rewrite the golden files, or 0 (or leave it unset) to check them"
            )),
        }
    }
}

/// One way a golden folder disagrees with the generator's output; paths are
/// relative to the folder, with `/` separators.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Problem {
    /// The golden file holds other contents; `line` is the first line (from
    /// 1) that differs.
    Differs { path: String, line: usize },
    /// The generator writes this file and the golden folder lacks it.
    Missing(String),
    /// A golden file the generator no longer writes.
    Orphan(String),
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Differs { path, line } => write!(
                f,
                "`{path}` differs from the generator's output (first at line {line})"
            ),
            Problem::Missing(path) => {
                write!(f, "`{path}` is generated but not in the golden folder")
            }
            Problem::Orphan(path) => write!(f, "`{path}` is no longer generated"),
        }
    }
}

/// Every file below `dir` (recursively), relative to it with `/`
/// separators; none when `dir` does not exist.
fn list_files(dir: &Path) -> BTreeSet<String> {
    fn walk(dir: &Path, prefix: &str, out: &mut BTreeSet<String>) {
        let entries = match fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == io::ErrorKind::NotFound && prefix.is_empty() => return,
            Err(e) => panic!("{}: {e}", dir.display()),
        };
        for entry in entries {
            let entry = entry.unwrap();
            let name = entry.file_name().to_string_lossy().into_owned();
            let path = format!("{prefix}{name}");
            if entry.file_type().unwrap().is_dir() {
                walk(&entry.path(), &format!("{path}/"), out);
            } else {
                out.insert(path);
            }
        }
    }
    let mut out = BTreeSet::new();
    walk(dir, "", &mut out);
    out
}

/// Compares the golden folder `dir` with generated `files`: every problem,
/// sorted (differing, then missing, then orphaned files, each by path).
fn compare(dir: &Path, files: &[GeneratedFile]) -> Vec<Problem> {
    let mut present = list_files(dir);
    let mut problems = Vec::new();
    for f in files {
        if !present.remove(&f.path) {
            problems.push(Problem::Missing(f.path.clone()));
            continue;
        }
        let golden = fs::read(dir.join(&f.path)).unwrap();
        if golden != f.contents.as_bytes() {
            let golden = String::from_utf8_lossy(&golden);
            let mut expected = golden.split_inclusive('\n');
            let line = f
                .contents
                .split_inclusive('\n')
                .position(|l| expected.next() != Some(l))
                .unwrap_or_else(|| f.contents.split_inclusive('\n').count())
                + 1;
            problems.push(Problem::Differs {
                path: f.path.clone(),
                line,
            });
        }
    }
    problems.extend(present.into_iter().map(Problem::Orphan));
    problems.sort();
    problems
}

/// Replaces the golden folder `dir` with `files`.
fn write_golden(dir: &Path, files: &[GeneratedFile]) {
    match fs::remove_dir_all(dir) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => panic!("{}: {e}", dir.display()),
        _ => {}
    }
    for f in files {
        let path = dir.join(&f.path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, &f.contents).unwrap();
    }
}

/// Generates `fixtures/<name>.xml` (everything selected) and compares with
/// `golden/<name>/` (rewriting it first with `UPDATE_GOLDEN=1`); returns the
/// warnings.
fn check_golden(name: &str) -> Vec<String> {
    check_output(name, generate(name))
}

/// Compares `output`, generated from `fixtures/<name>.xml`, with
/// `golden/<name>/` as [`check_golden`] does; returns the warnings.
fn check_output(name: &str, output: Output) -> Vec<String> {
    let golden = fixture_dir().join("golden").join(name);
    if Mode::from_env() == Mode::Update {
        write_golden(&golden, &output.files);
    }
    let problems = compare(&golden, &output.files);
    assert!(
        problems.is_empty(),
        "tests/golden/{name}/ does not match the generator's output \
         (after an intended change, run with UPDATE_GOLDEN=1 and review the diff):\n  {}",
        problems
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n  ")
    );
    output.warnings.iter().map(ToString::to_string).collect()
}

#[test]
fn constructs_fixture_matches_its_golden_output() {
    let warnings = check_golden("constructs");
    assert_eq!(warnings, Vec::<String>::new());
}

#[test]
fn namespaces_fixture_matches_its_golden_output() {
    assert_eq!(check_golden("namespaces"), Vec::<String>::new());
}

#[test]
fn names_fixture_matches_its_golden_output() {
    assert_eq!(
        check_golden("names"),
        [
            "names.xml:11:9: property `query_string` of `microsoft.graph.searchQuery` would be field `query_string`, which is taken; it is `query_string_2`",
            "names.xml:13:9: property `additionalData` of `microsoft.graph.searchQuery` would be field `additional_data`, which is taken; it is `additional_data_2`",
            "names.xml:17:7: `microsoft.graph.attachment` would be named `AttachmentBase`, which is taken; it is named `AttachmentBase2`",
            "names.xml:22:9: member `remote_Control_Software` of `microsoft.graph.windowsMalwareCategory` would be variant `RemoteControlSoftware`, which is taken; it is `RemoteControlSoftware2`",
        ]
    );
}

#[test]
fn primitives_fixture_matches_its_golden_output() {
    assert_eq!(check_golden("primitives"), Vec::<String>::new());
}

#[test]
fn hierarchy_fixture_matches_its_golden_output() {
    // Names the builders use themselves are taken before the schema's.
    assert_eq!(
        check_golden("hierarchy"),
        [
            "hierarchy.xml:15:9: navigation `stream` of `microsoft.graph.user` would be method `stream`, which is taken; it is `stream_2`",
            "hierarchy.xml:23:7: operation `microsoft.graph.query` would be method `query`, which is taken (an overload or a navigation property); it is `query_2`",
        ]
    );
}

/// The fixture refers to a namespace it lacks (`microsoft.graph.callRecords`)
/// from a property, a navigation property, a base type, operation
/// parameters, a binding parameter, a return type, singletons and entity
/// sets: strict resolution refuses it, naming every reference.
#[test]
fn lenient_fixture_is_refused_strictly_with_every_unknown_type() {
    let errors = try_generate("lenient", Strictness::Strict).unwrap_err();
    let errors: Vec<String> = errors
        .diagnostics()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        errors,
        [
            "lenient.xml:10:9: property `lastCall` of `microsoft.graph.cloudCommunications` has unknown type `microsoft.graph.callRecords.callRecord`",
            "lenient.xml:11:9: navigation property `callRecords` of `microsoft.graph.cloudCommunications` has unknown type `microsoft.graph.callRecords.callRecord`",
            "lenient.xml:16:9: property `modalities` of `microsoft.graph.call` has unknown type `microsoft.graph.callRecords.modality`",
            "lenient.xml:18:7: base type of `microsoft.graph.onlineMeeting` has unknown type `microsoft.graph.callRecords.session`",
            "lenient.xml:31:9: parameter `record` of `microsoft.graph.recordResponse` has unknown type `microsoft.graph.callRecords.callRecord`",
            "lenient.xml:32:9: parameter `session` of `microsoft.graph.recordResponse` has unknown type `microsoft.graph.callRecords.session`",
            "lenient.xml:36:9: parameter `bindingParameter` of `microsoft.graph.getCallRecord` has unknown type `microsoft.graph.callRecords.session`",
            "lenient.xml:40:9: the return type of `microsoft.graph.lastRecord` has unknown type `microsoft.graph.callRecords.callRecord`",
            "lenient.xml:44:9: singleton `records` has unknown type `microsoft.graph.callRecords.callRecord`",
            "lenient.xml:46:9: entity set `sessions` has unknown type `microsoft.graph.callRecords.session`",
            "lenient.xml:47:9: import `lastRecord` names `graph.lastRecord`, which is not an unbound function",
        ]
    );
}

/// Lenient resolution drops each of those references with one positioned
/// warning (an operation once, at its first unknown type; the import of a
/// dropped function too), keeps `onlineMeeting` without its unknown base,
/// and generates the rest.
#[test]
fn lenient_fixture_matches_its_golden_output() {
    let output = try_generate("lenient", Strictness::Lenient).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        check_output("lenient", output),
        [
            "lenient.xml:10:9: property `lastCall` of `microsoft.graph.cloudCommunications` has unknown type `microsoft.graph.callRecords.callRecord`; dropped (lenient)",
            "lenient.xml:11:9: navigation property `callRecords` of `microsoft.graph.cloudCommunications` has unknown type `microsoft.graph.callRecords.callRecord`; dropped (lenient)",
            "lenient.xml:16:9: property `modalities` of `microsoft.graph.call` has unknown type `microsoft.graph.callRecords.modality`; dropped (lenient)",
            "lenient.xml:18:7: base type of `microsoft.graph.onlineMeeting` has unknown type `microsoft.graph.callRecords.session`; taken as having no base type (lenient)",
            "lenient.xml:31:9: parameter `record` of `microsoft.graph.recordResponse` has unknown type `microsoft.graph.callRecords.callRecord`; the operation is dropped (lenient)",
            "lenient.xml:36:9: parameter `bindingParameter` of `microsoft.graph.getCallRecord` has unknown type `microsoft.graph.callRecords.session`; the operation is dropped (lenient)",
            "lenient.xml:40:9: the return type of `microsoft.graph.lastRecord` has unknown type `microsoft.graph.callRecords.callRecord`; the operation is dropped (lenient)",
            "lenient.xml:44:9: singleton `records` has unknown type `microsoft.graph.callRecords.callRecord`; dropped (lenient)",
            "lenient.xml:46:9: entity set `sessions` has unknown type `microsoft.graph.callRecords.session`; dropped (lenient)",
            "lenient.xml:47:9: import `lastRecord` names `graph.lastRecord`, whose every overload was dropped; dropped (lenient)",
        ]
    );
}

#[test]
fn every_golden_folder_belongs_to_a_checked_fixture() {
    let folders: BTreeSet<String> = fs::read_dir(fixture_dir().join("golden"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(folders, GOLDEN.map(str::to_owned).into());
    for name in GOLDEN {
        assert!(fixture_dir().join(format!("fixtures/{name}.xml")).is_file());
    }
}

/// A folder below the system's temporary folder, unique to this process and
/// `tag`, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        let dir =
            std::env::temp_dir().join(format!("graph-intune-golden-{}-{tag}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

#[test]
fn only_update_golden_1_rewrites_and_other_values_are_refused() {
    assert_eq!(Mode::parse(None), Ok(Mode::Check));
    assert_eq!(Mode::parse(Some(OsStr::new("0"))), Ok(Mode::Check));
    assert_eq!(Mode::parse(Some(OsStr::new("1"))), Ok(Mode::Update));
    for value in ["", "true", "yes", "2", " 1", "01"] {
        let message = Mode::parse(Some(OsStr::new(value))).unwrap_err();
        assert!(
            message.starts_with(&format!("UPDATE_GOLDEN={value:?}: ")),
            "{message}"
        );
    }
}

#[test]
fn a_check_names_each_golden_file_that_differs_is_missing_or_is_no_longer_generated() {
    let files = generate("constructs").files;
    let tmp = TempDir::new("compare");
    let golden = tmp.0.join("constructs");
    let all_missing: Vec<Problem> = files
        .iter()
        .map(|f| Problem::Missing(f.path.clone()))
        .collect();
    assert_eq!(compare(&golden, &files), all_missing);

    write_golden(&golden, &files);
    assert_eq!(compare(&golden, &files), []);

    // A module the generator no longer writes (a namespace dropped from the
    // schema), a stray file, a hand edit on line 3, a deleted file.
    fs::create_dir_all(golden.join("models/test/gone")).unwrap();
    fs::write(golden.join("models/test/gone/mod.rs"), "").unwrap();
    fs::write(golden.join("notes.txt"), "stray").unwrap();
    let requests = golden.join("requests.rs");
    let mut lines: Vec<String> = fs::read_to_string(&requests)
        .unwrap()
        .split('\n')
        .map(str::to_owned)
        .collect();
    lines[2].push_str(" // edited");
    fs::write(&requests, lines.join("\n")).unwrap();
    fs::remove_file(golden.join("models/test/root/nested/mod.rs")).unwrap();
    // A file cut short differs after its last line.
    let models = golden.join("models/mod.rs");
    let contents = fs::read_to_string(&models).unwrap();
    fs::write(&models, contents.trim_end()).unwrap();
    let last_line = contents.trim_end().split('\n').count();
    assert_eq!(
        compare(&golden, &files),
        [
            Problem::Differs {
                path: "models/mod.rs".into(),
                line: last_line,
            },
            Problem::Differs {
                path: "requests.rs".into(),
                line: 3,
            },
            Problem::Missing("models/test/root/nested/mod.rs".into()),
            Problem::Orphan("models/test/gone/mod.rs".into()),
            Problem::Orphan("notes.txt".into()),
        ]
    );
    assert_eq!(
        Problem::Orphan("models/test/gone/mod.rs".into()).to_string(),
        "`models/test/gone/mod.rs` is no longer generated"
    );

    // Rewriting leaves exactly the generated files.
    write_golden(&golden, &files);
    assert_eq!(compare(&golden, &files), []);
    let paths: BTreeSet<String> = files.iter().map(|f| f.path.clone()).collect();
    assert_eq!(list_files(&golden), paths);
}

// The whole-schema crate (`cargo xtask compile-schemas`), from the constructs
// fixture: two namespaces, an abstract base type, a recursive complex type.

const RUNTIME: &str = r#"{ path = "../runtime/graph-intune", version = "0.1" }"#;

fn generate_crate(harness: Harness) -> Output {
    let text = fixture("constructs");
    codegen::generate_crate(
        &[Input {
            name: "constructs.xml",
            text: &text,
        }],
        "constructs_bindings",
        RUNTIME,
        harness,
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

fn file<'o>(output: &'o Output, path: &str) -> &'o str {
    &output
        .files
        .iter()
        .find(|f| f.path == path)
        .unwrap_or_else(|| panic!("no `{path}` generated"))
        .contents
}

fn paths(output: &Output) -> Vec<&str> {
    output.files.iter().map(|f| f.path.as_str()).collect()
}

/// The `mod` items of a Rust file: name (without `r#`), whether `pub`, and
/// whether `#[cfg(test)]`.
fn modules(source: &str) -> Vec<(String, bool, bool)> {
    let file = syn::parse_file(source).unwrap();
    file.items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Mod(m) => {
                assert!(m.content.is_none(), "an inline module");
                let cfg_test = m.attrs.iter().any(|a| {
                    a.path().is_ident("cfg")
                        && a.parse_args::<syn::Ident>().is_ok_and(|i| i == "test")
                });
                let name = m.ident.to_string();
                Some((
                    name.strip_prefix("r#").unwrap_or(&name).to_owned(),
                    matches!(m.vis, syn::Visibility::Public(_)),
                    cfg_test,
                ))
            }
            _ => None,
        })
        .collect()
}

/// The structured types of a CSDL text, read independently of the
/// generator: `Namespace.Name` of each `EntityType` and `ComplexType`.
fn structured_types(xml: &str) -> BTreeSet<String> {
    let attribute = |line: &str, name: &str| -> String {
        let start = line.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
        let len = line[start..].find('"').unwrap();
        line[start..start + len].to_owned()
    };
    let mut namespace = String::new();
    let mut out = BTreeSet::new();
    for line in xml.lines().map(str::trim_start) {
        if line.starts_with("<Schema ") {
            namespace = attribute(line, "Namespace");
        } else if line.starts_with("<EntityType ") || line.starts_with("<ComplexType ") {
            out.insert(format!("{namespace}.{}", attribute(line, "Name")));
        }
    }
    out
}

#[test]
fn the_whole_schema_crate_has_a_manifest_a_root_and_the_golden_modules() {
    let output = generate_crate(Harness::None);
    assert!(output.warnings.is_empty(), "{:?}", output.warnings);
    assert_eq!(
        paths(&output),
        [
            "Cargo.toml",
            "src/lib.rs",
            "src/models/mod.rs",
            "src/models/test/mod.rs",
            "src/models/test/root/mod.rs",
            "src/models/test/root/nested/mod.rs",
            "src/requests.rs",
        ]
    );
    assert_eq!(
        file(&output, "Cargo.toml"),
        r#"# @generated by `cargo xtask codegen` from constructs.xml; do not edit.
[package]
name = "constructs_bindings"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
graph-intune = { path = "../runtime/graph-intune", version = "0.1" }
serde = { version = "1", features = ["derive"] }
serde_json = "1"

# A crate of its own, not a member of an enclosing workspace.
[workspace]
"#
    );
    let lib = file(&output, "src/lib.rs");
    assert!(lib.starts_with(
        "// @generated by `cargo xtask codegen` from constructs.xml; do not edit.\n\n\
         //! Microsoft Graph bindings generated from constructs.xml.\n"
    ));
    assert_eq!(
        modules(lib),
        [
            ("models".to_owned(), true, false),
            ("requests".to_owned(), true, false)
        ]
    );

    // Models and request builders are the golden files (the module tree of
    // another crate) moved below `src/`; the golden `mod.rs` (which declares
    // `models` and `requests`) is the crate's `lib.rs` instead.
    let golden = fixture_dir().join("golden/constructs");
    for f in output.files.iter().filter(|f| f.path.ends_with(".rs")) {
        let Some(path) = f.path.strip_prefix("src/") else {
            panic!("`{}` is outside src/", f.path);
        };
        if path == "lib.rs" {
            continue;
        }
        let expected = fs::read_to_string(golden.join(path)).unwrap();
        assert!(
            f.contents == expected,
            "`{}` is not golden/constructs/{path}",
            f.path
        );
    }
    let golden_root = fs::read_to_string(golden.join("mod.rs")).unwrap();
    assert_eq!(modules(&golden_root), modules(lib));
}

#[test]
fn each_models_module_of_the_crate_declares_every_module_file_below_it() {
    for harness in [Harness::None, Harness::RoundTrip] {
        let output = generate_crate(harness);
        let module_files: BTreeSet<&str> = paths(&output)
            .into_iter()
            .filter(|p| p.starts_with("src/models/"))
            .collect();
        let mut declared = BTreeSet::new();
        for &path in &module_files {
            assert!(path.ends_with("/mod.rs"), "{path}");
            let dir = path.strip_suffix("mod.rs").unwrap();
            for (name, public, cfg_test) in modules(file(&output, path)) {
                assert!(public && !cfg_test, "`{name}` in {path}");
                declared.insert(format!("{dir}{name}/mod.rs"));
            }
        }
        declared.insert("src/models/mod.rs".to_owned());
        assert_eq!(
            declared,
            module_files.iter().map(|p| p.to_string()).collect(),
            "declared `pub mod`s against the module files"
        );
        assert_eq!(
            modules(file(&output, "src/models/mod.rs")),
            [("test".to_owned(), true, false)]
        );
    }
}

/// The arms of the harness's `match`: type name → Rust path of its type.
fn harness_arms(source: &str) -> BTreeMap<String, String> {
    let flat: String = source.split_whitespace().collect();
    let flat = flat.replace("=>{check::<", "=>check::<");
    let mut arms = BTreeMap::new();
    let mut rest = flat.as_str();
    while let Some(at) = rest.find("=>check::<") {
        let before = rest[..at].strip_suffix('"').unwrap();
        let name = &before[before.rfind('"').unwrap() + 1..];
        let after = &rest[at + "=>check::<".len()..];
        let ty = &after[..after.find(">(value)").unwrap()];
        assert!(
            arms.insert(name.to_owned(), ty.to_owned()).is_none(),
            "{name} twice"
        );
        rest = after;
    }
    arms
}

/// The names of the structs and enums declared in a Rust file.
fn declared_types(source: &str) -> BTreeSet<String> {
    syn::parse_file(source)
        .unwrap()
        .items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Struct(s) => Some(s.ident.to_string()),
            syn::Item::Enum(e) => Some(e.ident.to_string()),
            _ => None,
        })
        .collect()
}

#[test]
fn the_round_trip_harness_has_a_case_per_structured_type_of_the_fixture() {
    let xml = fixture("constructs");
    let expected = structured_types(&xml);
    assert_eq!(
        expected.len(),
        xml.matches("<EntityType ").count() + xml.matches("<ComplexType ").count()
    );
    assert_eq!(expected.len(), 3);

    let output = generate_crate(Harness::RoundTrip);
    assert_eq!(
        paths(&output),
        [
            "Cargo.toml",
            "src/lib.rs",
            "src/models/mod.rs",
            "src/models/test/mod.rs",
            "src/models/test/root/mod.rs",
            "src/models/test/root/nested/mod.rs",
            "src/requests.rs",
            "src/roundtrip.json",
            "src/roundtrip.rs",
        ]
    );
    assert_eq!(
        modules(file(&output, "src/lib.rs")),
        [
            ("models".to_owned(), true, false),
            ("requests".to_owned(), true, false),
            ("roundtrip".to_owned(), false, true),
        ]
    );

    // The cases: a sample instance of each structured type.
    let cases: Vec<(String, Value)> =
        serde_json::from_str(file(&output, "src/roundtrip.json")).unwrap();
    let names: BTreeSet<String> = cases.iter().map(|(n, _)| n.clone()).collect();
    assert_eq!(names.len(), cases.len(), "a type twice");
    assert_eq!(names, expected);
    let (model, _) = codegen::model::load(&[("constructs.xml", &xml)]).unwrap();
    for (name, instance) in &cases {
        let id = model.find(name).unwrap();
        assert_eq!(
            Some(instance),
            codegen::sample::instance(&model, id).as_ref()
        );
        assert_eq!(instance["@odata.type"], json!(format!("#{name}")));
    }

    // The test: one arm per case, each naming the generated type.
    let harness = file(&output, "src/roundtrip.rs");
    assert!(harness
        .starts_with("// @generated by `cargo xtask codegen` from constructs.xml; do not edit.\n"));
    assert!(harness.contains("include_str!(\"roundtrip.json\")"));
    assert!(harness.contains("assert_eq!(cases.len(), 3usize);"));
    assert!(harness.contains("#[test]\nfn every_structured_type_round_trips()"));
    let arms = harness_arms(harness);
    assert_eq!(arms.keys().cloned().collect::<BTreeSet<_>>(), expected);
    for (name, ty) in &arms {
        let segments: Vec<&str> = ty
            .strip_prefix("crate::models::")
            .unwrap()
            .split("::")
            .collect();
        let (ty_name, modules) = segments.split_last().unwrap();
        let dir: String = modules
            .iter()
            .map(|m| format!("{}/", m.strip_prefix("r#").unwrap_or(m)))
            .collect();
        let source = file(&output, &format!("src/models/{dir}mod.rs"));
        assert!(
            declared_types(source).contains(*ty_name),
            "`{name}` is read into `{ty}`, which is not declared"
        );
    }
    assert_eq!(arms["test.root.item"], "crate::models::test::root::Item");
    assert_eq!(
        arms["test.root.nested.item"],
        "crate::models::test::root::nested::Item"
    );
}

#[test]
fn without_the_harness_the_crate_is_the_same_but_for_the_round_trip_module() {
    let with = generate_crate(Harness::RoundTrip);
    let without = generate_crate(Harness::None);
    let with_files: Vec<&GeneratedFile> = with
        .files
        .iter()
        .filter(|f| !f.path.starts_with("src/roundtrip."))
        .collect();
    assert_eq!(with_files.len(), with.files.len() - 2);
    assert_eq!(with_files.len(), without.files.len());
    for (a, b) in with_files.into_iter().zip(&without.files) {
        assert_eq!(a.path, b.path);
        if a.path == "src/lib.rs" {
            assert_eq!(
                a.contents.replace("\n#[cfg(test)]\nmod roundtrip;\n", ""),
                b.contents
            );
            assert!(!b.contents.contains("roundtrip"));
        } else {
            assert!(a.contents == b.contents, "{} differs", a.path);
        }
    }
}

#[test]
fn the_whole_schema_crate_is_the_same_from_run_to_run() {
    for harness in [Harness::None, Harness::RoundTrip] {
        let first = generate_crate(harness);
        let second = generate_crate(harness);
        assert!(first.files == second.files, "{harness:?}");
        assert_eq!(
            first
                .warnings
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>(),
            second
                .warnings
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
        );
    }
}

#[test]
fn a_sample_instance_sets_every_property_to_a_value_of_its_type() {
    let xml = fixture("primitives");
    let (model, _) = codegen::model::load(&[("primitives.xml", &xml)]).unwrap();
    let everything = model.find("microsoft.graph.everything").unwrap();
    // `Edm.Stream` has no value in a body: left out.
    assert_eq!(
        codegen::sample::instance(&model, everything),
        Some(json!({
            "@odata.type": "#microsoft.graph.everything",
            "string": "text",
            "boolean": true,
            "byte": 255,
            "sbyte": -128,
            "int16": -32768,
            "int32": 2147483647,
            "int64": 9007199254740993_i64,
            "single": 1.5,
            "double": -2.25,
            "decimal": 12.75,
            "guid": "92dc3fef-3fef-92dc-ef3f-dc92ef3fdc92",
            "dateTimeOffset": "2024-08-01T10:00:00+02:00",
            "date": "2024-08-01",
            "timeOfDay": "10:00:00",
            "duration": "PT1H30M",
            "binary": "aGk=",
            "untyped": {"any": [1, "x", null]},
            "label": "text",
            "access": "read",
            "int64s": [9007199254740993_i64],
        }))
    );
    for not_structured in ["microsoft.graph.label", "microsoft.graph.access"] {
        let id = model.find(not_structured).unwrap();
        assert_eq!(codegen::sample::instance(&model, id), None);
    }
}

#[test]
fn a_sample_instance_nests_structured_values_one_level() {
    let xml = fixture("constructs");
    let (model, _) = codegen::model::load(&[("constructs.xml", &xml)]).unwrap();
    let sample = |name: &str| codegen::sample::instance(&model, model.find(name).unwrap());
    // Inherited properties and navigations; the nested values have their
    // properties only. The abstract base type gets an instance too.
    assert_eq!(
        sample("test.root.folder"),
        Some(json!({
            "@odata.type": "#test.root.folder",
            "id": "text",
            "price": 12.75,
            "colors": ["red"],
            "name": "text",
            "children": [{"@odata.type": "#test.root.item", "id": "text", "price": 12.75}],
            "parent": {
                "@odata.type": "#test.root.folder",
                "id": "text",
                "price": 12.75,
                "colors": ["red"],
                "name": "text",
            },
        }))
    );
    assert_eq!(
        sample("test.root.item"),
        Some(json!({"@odata.type": "#test.root.item", "id": "text", "price": 12.75}))
    );
    // One level down, a nullable single structured value is `null`.
    assert_eq!(
        sample("test.root.nested.item"),
        Some(json!({
            "@odata.type": "#test.root.nested.item",
            "type": "text",
            "self": {"@odata.type": "#test.root.nested.item", "type": "text", "self": null},
        }))
    );
    for not_structured in ["test.root.color", "test.root.access", "test.root.label"] {
        assert_eq!(sample(not_structured), None, "{not_structured}");
    }
}
