//! `cargo xtask diff` on real Graph schemas (from the metadata corpus, see
//! `graph_intune_tests::corpus_dir`) and, through the binary, its output
//! forms and exit statuses.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use codegen::diff::{Change, ChangeKind, Impact};
use xtask::diff::{run, DiffArgs};

const ROOT: &str = "microsoft.graph.deviceAndAppManagementAssignmentTarget";
const OLD_BETA: &str = "graph-beta-2021-06.xml";

fn args(old: PathBuf, new: PathBuf) -> DiffArgs {
    DiffArgs {
        old,
        new,
        all: false,
        roots: Vec::new(),
        config: "metadata/codegen.toml".to_owned(),
        workspace: None,
        json: false,
        lenient: false,
    }
}

fn rooted(corpus: &Path, old: &str, new: &str) -> DiffArgs {
    DiffArgs {
        roots: vec![ROOT.to_owned()],
        ..args(corpus.join(old), corpus.join(new))
    }
}

fn c(subject: &str, kind: ChangeKind, detail: &str) -> Change {
    Change {
        subject: subject.to_owned(),
        kind,
        impact: Impact::Breaking,
        detail: detail.to_owned(),
    }
}

// How the expected lists below were checked, by reading the XML of the three
// files (not this diff's output): in graph-beta-2021-06.xml the abstract
// complex type `deviceAndAppManagementAssignmentTarget` declares
// `deviceAndAppManagementAssignmentFilterId` (Edm.String, nullable) and
// `deviceAndAppManagementAssignmentFilterType` (the enum of that name, members
// none/include/exclude, Nullable="false"); `allDevicesAssignmentTarget`,
// `allLicensedUsersAssignmentTarget`, `configurationManagerCollectionAssignmentTarget`
// (collectionId: Edm.String) and `groupAssignmentTarget` (groupId: Edm.String)
// derive from it, `exclusionGroupAssignmentTarget` from `groupAssignmentTarget`;
// no other type derives from any of them (grep of `BaseType=` for each name)
// and no operation takes one as its binding parameter. The selection from the
// root is these six types plus the enum (the only named property type).
// graph-beta-ussec-2026-08.xml has none of these names at all. In
// graph-v1.0-2026-08.xml the same six complex types exist with the same
// bases, abstractness and properties, except that the root declares no
// properties (`<ComplexType Name="deviceAndAppManagementAssignmentTarget" Abstract="true" />`)
// and the enum does not exist.

#[test]
fn corpus_beta_2021_to_ussec_removes_the_whole_hierarchy() {
    let Some(corpus) = graph_intune_tests::corpus_dir("corpus_beta_2021_to_ussec") else {
        return;
    };
    let report = run(&rooted(&corpus, OLD_BETA, "graph-beta-ussec-2026-08.xml")).unwrap();
    use ChangeKind::TypeRemoved;
    let base = "complex type, base `microsoft.graph.deviceAndAppManagementAssignmentTarget`";
    assert_eq!(
        report.diff.changes,
        [
            c(
                "microsoft.graph.allDevicesAssignmentTarget",
                TypeRemoved,
                base
            ),
            c(
                "microsoft.graph.allLicensedUsersAssignmentTarget",
                TypeRemoved,
                base
            ),
            c(
                "microsoft.graph.configurationManagerCollectionAssignmentTarget",
                TypeRemoved,
                base
            ),
            c(
                "microsoft.graph.deviceAndAppManagementAssignmentFilterType",
                TypeRemoved,
                "enum type"
            ),
            c(
                "microsoft.graph.deviceAndAppManagementAssignmentTarget",
                TypeRemoved,
                "abstract complex type"
            ),
            c(
                "microsoft.graph.exclusionGroupAssignmentTarget",
                TypeRemoved,
                "complex type, base `microsoft.graph.groupAssignmentTarget`"
            ),
            c("microsoft.graph.groupAssignmentTarget", TypeRemoved, base),
        ]
    );
    assert_eq!(report.warnings.len(), 1, "{:?}", report.warnings);
    assert!(report.warnings[0].contains(&format!("root `{ROOT}` is not a type of the schema")));
}

#[test]
fn corpus_beta_2021_to_v1_0_removes_the_filter_properties() {
    let Some(corpus) = graph_intune_tests::corpus_dir("corpus_beta_2021_to_v1_0") else {
        return;
    };
    let report = run(&rooted(&corpus, OLD_BETA, "graph-v1.0-2026-08.xml")).unwrap();
    use ChangeKind::{PropertyRemoved, TypeRemoved};
    assert_eq!(
        report.diff.changes,
        [
            c(
                "microsoft.graph.deviceAndAppManagementAssignmentFilterType",
                TypeRemoved,
                "enum type"
            ),
            c(
                "microsoft.graph.deviceAndAppManagementAssignmentTarget/deviceAndAppManagementAssignmentFilterId",
                PropertyRemoved,
                "`Edm.String`, nullable"
            ),
            c(
                "microsoft.graph.deviceAndAppManagementAssignmentTarget/deviceAndAppManagementAssignmentFilterType",
                PropertyRemoved,
                "`microsoft.graph.deviceAndAppManagementAssignmentFilterType`, not nullable"
            ),
        ]
    );
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
}

fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .current_dir(xtask::workspace_root())
        .arg("diff")
        .args(args)
        .output()
        .unwrap()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn corpus_schema_against_itself_has_no_changes() {
    let Some(corpus) = graph_intune_tests::corpus_dir("corpus_schema_against_itself") else {
        return;
    };
    let file = corpus.join("graph-v1.0-2026-08.xml");
    let report = run(&DiffArgs {
        all: true,
        ..args(file.clone(), file.clone())
    })
    .unwrap();
    assert!(report.diff.changes.is_empty());
    let file = file.to_string_lossy().into_owned();
    let out = xtask(&["--all", &file, &file]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "no changes\n");
}

const OLD_FIXTURE: &str = "codegen/tests/fixtures/diff-old.xml";
const NEW_FIXTURE: &str = "codegen/tests/fixtures/diff-new.xml";

#[test]
fn fixture_against_itself_exits_0() {
    // The default scope: the workspace's generation config, whose roots the
    // fixture lacks (warnings, not errors).
    let out = xtask(&[OLD_FIXTURE, OLD_FIXTURE]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "no changes\n");
    assert!(stderr(&out).contains("warning: in neither schema: root"));
}

#[test]
fn breaking_fixture_pair_exits_1_with_json() {
    let out = xtask(&["--all", "--json", OLD_FIXTURE, NEW_FIXTURE]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json["breaking"], 24);
    assert_eq!(json["compatible"], 11);
    let changes = json["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 35);
    assert_eq!(
        changes[0],
        serde_json::json!({
            "subject": "microsoft.graph.allDevicesTarget",
            "kind": "type_removed",
            "impact": "breaking",
            "detail": "complex type, base `microsoft.graph.target`",
        })
    );
}

#[test]
fn human_output_of_a_rooted_fixture_diff() {
    let out = xtask(&[
        "--root",
        "microsoft.graph.groupTarget",
        OLD_FIXTURE,
        NEW_FIXTURE,
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    // groupTarget, its base `target`, the enum `filterType` and, in the new
    // schema only, `special`, which now derives from groupTarget, so that
    // groupTarget becomes polymorphic.
    assert_eq!(
        stdout(&out),
        "\
breaking   microsoft.graph.filterType/exclude: enum member removed: value 2
compatible microsoft.graph.filterType/unknownFutureValue: enum member added: value 3
breaking   microsoft.graph.groupTarget: polymorphism changed: `microsoft.graph.groupTarget` gains its first derived type `microsoft.graph.special`: fields, parameters and return values of type `GroupTarget` become `GroupTargetKind`
compatible microsoft.graph.groupTarget/createdBy: property added: `Edm.String`, nullable
breaking   microsoft.graph.groupTarget/groupId: property type changed: `Edm.String` → `Edm.Guid`
breaking   microsoft.graph.groupTarget/note: property nullability changed: nullable → not nullable
breaking   microsoft.graph.groupTarget/retired: property removed: `Edm.Int32`, nullable
breaking   microsoft.graph.special: base type changed: `microsoft.graph.special` moves from base `microsoft.graph.target` to `microsoft.graph.groupTarget`: struct `Special` gains fields `group_id`, `note`, `created_by`; it joins enum `GroupTargetKind`
8 changes: 6 breaking, 2 compatible
"
    );
}

#[test]
fn errors_exit_2() {
    let out = xtask(&["--all", OLD_FIXTURE, "codegen/tests/fixtures/missing.xml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("cannot read `codegen/tests/fixtures/missing.xml`"));

    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.xml");
    std::fs::write(&bad, "this is not XML").unwrap();
    let bad = bad.to_string_lossy().into_owned();
    let out = xtask(&["--all", &bad, NEW_FIXTURE]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        format!("error: {bad}:1:1: text before the root element: this is not XML\n")
    );

    let out = xtask(&[
        "--root",
        "microsoft.graph.nothing",
        OLD_FIXTURE,
        NEW_FIXTURE,
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("`microsoft.graph.nothing` is a type of neither schema"));
}
