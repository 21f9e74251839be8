//! Small CSDL fixtures with their expected Rust output (golden files).
//!
//! The golden files are also compiled and exercised by the
//! `graph-intune-tests` crate (`tests/tests/golden_compiles.rs`). After an
//! intended change of the emitter, refresh them with
//! `UPDATE_GOLDEN=1 cargo test -p graph-intune-codegen --test golden`
//! and review the diff.

use std::fs;
use std::path::{Path, PathBuf};

use codegen::emit::ClientEntry;
use codegen::{Input, Scope};

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests")
}

/// Generates `fixtures/<name>.xml` (everything selected) and compares with
/// `golden/<name>/`; returns the warnings.
fn check_golden(name: &str) -> Vec<String> {
    let dir = fixture_dir();
    let text = fs::read_to_string(dir.join(format!("fixtures/{name}.xml"))).unwrap();
    let file = format!("{name}.xml");
    let output = codegen::generate(
        &[Input {
            name: &file,
            text: &text,
        }],
        &Scope::All,
        ClientEntry::ExtensionTrait,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let golden = dir.join("golden").join(name);
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    if update {
        let _ = fs::remove_dir_all(&golden);
    }
    for f in &output.files {
        let path = golden.join(&f.path);
        if update {
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(&path, &f.contents).unwrap();
            continue;
        }
        let expected = fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{}: {e} (run with UPDATE_GOLDEN=1)", path.display()));
        assert_eq!(
            f.contents,
            expected,
            "{} differs from the generator's output (run with UPDATE_GOLDEN=1 and review)",
            path.display()
        );
    }
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
