//! The committed generated code matches the generator, and `--check` says so
//! precisely when it does not.

use std::fs;
use std::path::Path;
use std::process::Command;

use graph_intune_tests::copy_dir;

const CONFIG: &str = "metadata/codegen.toml";

/// Fails `cargo test` when `graph-intune/src/generated` is stale.
#[test]
fn generated_code_is_up_to_date() {
    let root = xtask::workspace_root();
    let report = xtask::codegen(&root, CONFIG, true, false).unwrap();
    assert!(
        report.is_clean(),
        "generated code is stale (stale: {:?}, missing: {:?}, extra: {:?}): run `cargo xtask codegen`",
        report.stale,
        report.missing,
        report.extra
    );
}

/// A copy of the inputs and the generated code in a temporary workspace.
fn scratch_workspace() -> tempfile::TempDir {
    let root = xtask::workspace_root();
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&root.join("metadata"), &dir.path().join("metadata"));
    copy_dir(
        &root.join("graph-intune/src/generated"),
        &dir.path().join("graph-intune/src/generated"),
    );
    fs::copy(
        root.join("graph-intune/Cargo.toml"),
        dir.path().join("graph-intune/Cargo.toml"),
    )
    .unwrap();
    dir
}

fn run_check(root: &Path) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["codegen", "--check", "--root"])
        .arg(root)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned() + &String::from_utf8_lossy(&out.stdout),
    )
}

/// The naming collisions among the selected types (on stderr, which
/// `run_check` puts first).
const WARNING: &str = "\
warning: metadata/graph-beta.xml:4369:9: member `remote_Control_Software` of `microsoft.graph.windowsMalwareCategory` would be variant `RemoteControlSoftware`, which is taken; it is `RemoteControlSoftware2`
warning: metadata/graph-beta.xml:17606:7: `microsoft.graph.iosCertificateProfile` would be named `IosCertificateProfileBase`, which is taken; it is named `IosCertificateProfileBase2`
warning: metadata/graph-beta.xml:30720:7: operation `microsoft.graph.update` would be method `update`, which is taken (an overload or a navigation property); it is `update_2`
warning: metadata/graph-beta.xml:30772:7: operation `microsoft.graph.clone` would be method `clone`, which is taken (an overload or a navigation property); it is `clone_2`
";

/// The overlay report for the committed metadata: the published schema
/// has none of the organizational-unit types nor the FOTA target.
const OVERLAY_REPORT: &str = "\
metadata/overlay.xml:12:7: overlay type `microsoft.graph.organizationalUnitAssignmentOverride` is not in the schema: the overlay entry is still needed
metadata/overlay.xml:18:7: overlay type `microsoft.graph.androidFotaDeploymentAssignmentTarget` is not in the schema: the overlay entry is still needed
metadata/overlay.xml:21:7: overlay type `microsoft.graph.organizationalUnitAssignmentTarget` is not in the schema: the overlay entry is still needed
metadata/overlay.xml:25:7: overlay type `microsoft.graph.organizationalUnitAssignmentConflictSetting` is not in the schema: the overlay entry is still needed
metadata/overlay.xml:29:7: overlay type `microsoft.graph.organizationalUnitAssignmentInsertPriorityConflictSetting` is not in the schema: the overlay entry is still needed
";

#[test]
fn check_passes_on_a_clean_tree_and_fails_after_an_edit() {
    let dir = scratch_workspace();
    let (ok, text) = run_check(dir.path());
    assert!(ok, "{text}");
    assert_eq!(
        text,
        format!("{WARNING}{OVERLAY_REPORT}graph-intune/src/generated: up to date\n")
    );

    let models = dir.path().join("graph-intune/src/generated/models/mod.rs");
    let mut edited = fs::read_to_string(&models).unwrap();
    edited.push_str("// a hand edit\n");
    fs::write(&models, edited).unwrap();
    fs::remove_file(dir.path().join("graph-intune/src/generated/requests.rs")).unwrap();
    fs::write(dir.path().join("graph-intune/src/generated/old.rs"), "").unwrap();

    let (ok, text) = run_check(dir.path());
    assert!(!ok);
    assert_eq!(
        text,
        WARNING.to_owned()
            + "stale: graph-intune/src/generated/models/mod.rs\n\
         missing: graph-intune/src/generated/requests.rs\n\
         extra: graph-intune/src/generated/old.rs (not produced by the generator)\n\
         the generated code does not match metadata/: run `cargo xtask codegen` and commit the result\n"
            + OVERLAY_REPORT
    );
}

/// The schema file catches up with the overlay: one overlay type is now in
/// it identically (the entry can go), one differently (an error, and no
/// file is written), the others not at all (still needed).
#[test]
fn overlay_report_names_identical_different_and_needed_entries() {
    let dir = scratch_workspace();
    let schema = dir.path().join("metadata/graph-beta.xml");
    let text = fs::read_to_string(&schema).unwrap();
    // The first two overlay types, as the service would publish them: the
    // enum exactly as in the overlay, the conflict setting with `versionNumber`
    // nullable (the overlay has `Nullable="false"`).
    let published = r#"      <EnumType Name="organizationalUnitAssignmentOverride">
        <Member Name="allowed" Value="0" />
        <Member Name="denied" Value="1" />
        <Member Name="unknown" Value="2" />
        <Member Name="unknownFutureValue" Value="3" />
      </EnumType>
      <ComplexType Name="organizationalUnitAssignmentConflictSetting">
        <Property Name="assignmentOverride" Type="graph.organizationalUnitAssignmentOverride" Nullable="false" />
        <Property Name="versionNumber" Type="Edm.Int32" />
      </ComplexType>
"#;
    let at = text.find("    </Schema>").unwrap();
    let schema_line = text[..at].lines().count() + 1;
    fs::write(
        &schema,
        format!("{}{published}{}", &text[..at], &text[at..]),
    )
    .unwrap();
    let before = fs::read(dir.path().join("graph-intune/src/generated/models/mod.rs")).unwrap();

    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["codegen", "--root"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let enum_at = format!("metadata/graph-beta.xml:{schema_line}:7");
    let setting_at = format!("metadata/graph-beta.xml:{}:7", schema_line + 6);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!(
            "metadata/overlay.xml:12:7: overlay type `microsoft.graph.organizationalUnitAssignmentOverride` is identical to the one at {enum_at}: the overlay entry can be deleted\n\
             metadata/overlay.xml:18:7: overlay type `microsoft.graph.androidFotaDeploymentAssignmentTarget` is not in the schema: the overlay entry is still needed\n\
             metadata/overlay.xml:21:7: overlay type `microsoft.graph.organizationalUnitAssignmentTarget` is not in the schema: the overlay entry is still needed\n\
             metadata/overlay.xml:29:7: overlay type `microsoft.graph.organizationalUnitAssignmentInsertPriorityConflictSetting` is not in the schema: the overlay entry is still needed\n"
        )
    );
    let differs = format!(
        "metadata/overlay.xml:25:7: overlay type `microsoft.graph.organizationalUnitAssignmentConflictSetting` differs from the definition at {setting_at}: remove it from the overlay or make them identical"
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!("error: {differs}\nerror: {differs}\n"),
        "the report line, then the generator's error"
    );
    assert_eq!(
        fs::read(dir.path().join("graph-intune/src/generated/models/mod.rs")).unwrap(),
        before,
        "nothing is written when the overlay conflicts"
    );

    // With the conflicting definition made identical, generation succeeds
    // and the report says both entries can go.
    let fixed = fs::read_to_string(&schema).unwrap().replace(
        r#"<Property Name="versionNumber" Type="Edm.Int32" />"#,
        r#"<Property Name="versionNumber" Type="Edm.Int32" Nullable="false" />"#,
    );
    fs::write(&schema, fixed).unwrap();
    let entries = xtask::overlay_report(dir.path(), CONFIG).unwrap();
    let lines: Vec<String> = entries.iter().map(ToString::to_string).collect();
    assert_eq!(
        lines,
        [
            format!("metadata/overlay.xml:12:7: overlay type `microsoft.graph.organizationalUnitAssignmentOverride` is identical to the one at {enum_at}: the overlay entry can be deleted"),
            "metadata/overlay.xml:18:7: overlay type `microsoft.graph.androidFotaDeploymentAssignmentTarget` is not in the schema: the overlay entry is still needed".to_owned(),
            "metadata/overlay.xml:21:7: overlay type `microsoft.graph.organizationalUnitAssignmentTarget` is not in the schema: the overlay entry is still needed".to_owned(),
            format!("metadata/overlay.xml:25:7: overlay type `microsoft.graph.organizationalUnitAssignmentConflictSetting` is identical to the one at {setting_at}: the overlay entry can be deleted"),
            "metadata/overlay.xml:29:7: overlay type `microsoft.graph.organizationalUnitAssignmentInsertPriorityConflictSetting` is not in the schema: the overlay entry is still needed".to_owned(),
        ]
    );
    assert!(xtask::codegen(dir.path(), CONFIG, false, false).is_ok());
}

/// The files of the committed generated folder.
const GENERATED_FILES: [&str; 3] = ["mod.rs", "models/mod.rs", "requests.rs"];

#[test]
fn codegen_twice_gives_byte_identical_files() {
    let dir = scratch_workspace();
    let generated = dir.path().join("graph-intune/src/generated");
    fs::remove_dir_all(&generated).unwrap();
    let first = xtask::codegen(dir.path(), CONFIG, false, false).unwrap();
    assert_eq!(first.missing, GENERATED_FILES);
    let snapshot: Vec<(String, Vec<u8>)> = GENERATED_FILES
        .iter()
        .map(|f| (f.to_string(), fs::read(generated.join(f)).unwrap()))
        .collect();
    let second = xtask::codegen(dir.path(), CONFIG, false, false).unwrap();
    assert!(second.is_clean(), "{second:?}");
    for (file, bytes) in snapshot {
        assert_eq!(fs::read(generated.join(&file)).unwrap(), bytes, "{file}");
    }
    // And identical to the committed files.
    let committed = xtask::workspace_root().join("graph-intune/src/generated");
    for f in GENERATED_FILES {
        assert_eq!(
            fs::read(generated.join(f)).unwrap(),
            fs::read(committed.join(f)).unwrap(),
            "{f}"
        );
    }
}

#[test]
fn every_generated_file_starts_with_the_generated_header() {
    let committed = xtask::workspace_root().join("graph-intune/src/generated");
    for f in GENERATED_FILES {
        let text = fs::read_to_string(committed.join(f)).unwrap();
        assert!(
            text.starts_with(
                "// @generated by `cargo xtask codegen` from metadata/graph-beta.xml, metadata/overlay.xml; do not edit.\n"
            ),
            "{f}"
        );
    }
}

/// A workspace whose config names `codegen/tests/fixtures/lenient.xml`, a
/// schema that refers to a namespace it lacks; `extra` is appended to the
/// config.
fn lenient_workspace(extra: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let metadata = dir.path().join("metadata");
    fs::create_dir_all(&metadata).unwrap();
    fs::copy(
        xtask::workspace_root().join("codegen/tests/fixtures/lenient.xml"),
        metadata.join("lenient.xml"),
    )
    .unwrap();
    let config = format!(
        "schema = \"lenient.xml\"\noutput = \"out\"\nroots = [\"microsoft.graph.call\"]\n\
         paths = [\"communications/calls\"]\n{extra}"
    );
    fs::write(metadata.join("codegen.toml"), config).unwrap();
    dir
}

fn run_codegen(root: &Path, args: &[&str]) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("codegen")
        .args(args)
        .arg("--root")
        .arg(root)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// What lenient generation drops from `lenient.xml`, one warning each.
const DROPPED: &[&str] = &[
    "metadata/lenient.xml:10:9: property `lastCall` of `microsoft.graph.cloudCommunications` has unknown type `microsoft.graph.callRecords.callRecord`; dropped (lenient)",
    "metadata/lenient.xml:11:9: navigation property `callRecords` of `microsoft.graph.cloudCommunications` has unknown type `microsoft.graph.callRecords.callRecord`; dropped (lenient)",
    "metadata/lenient.xml:16:9: property `modalities` of `microsoft.graph.call` has unknown type `microsoft.graph.callRecords.modality`; dropped (lenient)",
    "metadata/lenient.xml:18:7: base type of `microsoft.graph.onlineMeeting` has unknown type `microsoft.graph.callRecords.session`; taken as having no base type (lenient)",
    "metadata/lenient.xml:31:9: parameter `record` of `microsoft.graph.recordResponse` has unknown type `microsoft.graph.callRecords.callRecord`; the operation is dropped (lenient)",
    "metadata/lenient.xml:36:9: parameter `bindingParameter` of `microsoft.graph.getCallRecord` has unknown type `microsoft.graph.callRecords.session`; the operation is dropped (lenient)",
    "metadata/lenient.xml:40:9: the return type of `microsoft.graph.lastRecord` has unknown type `microsoft.graph.callRecords.callRecord`; the operation is dropped (lenient)",
    "metadata/lenient.xml:44:9: singleton `records` has unknown type `microsoft.graph.callRecords.callRecord`; dropped (lenient)",
    "metadata/lenient.xml:46:9: entity set `sessions` has unknown type `microsoft.graph.callRecords.session`; dropped (lenient)",
    "metadata/lenient.xml:47:9: import `lastRecord` names `graph.lastRecord`, whose every overload was dropped; dropped (lenient)",
];

/// Strict by default: the schema is refused, every unknown type an error at
/// its position, and nothing is written. `--lenient`, or `lenient = true`
/// in the config, generates the rest with one warning per dropped item.
#[test]
fn lenient_flag_and_config_key_generate_a_schema_missing_a_namespace() {
    let dir = lenient_workspace("");
    let (ok, stderr) = run_codegen(dir.path(), &[]);
    assert!(!ok, "{stderr}");
    assert!(
        stderr.starts_with("error: metadata/lenient.xml:10:9: property `lastCall` of `microsoft.graph.cloudCommunications` has unknown type `microsoft.graph.callRecords.callRecord`\n"),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 11, "{stderr}");
    assert!(!dir.path().join("out").exists());

    let expected: String = DROPPED.iter().map(|w| format!("warning: {w}\n")).collect();
    let (ok, stderr) = run_codegen(dir.path(), &["--lenient"]);
    assert!(ok, "{stderr}");
    assert_eq!(stderr, expected);
    let models = fs::read_to_string(dir.path().join("out/models/mod.rs")).unwrap();
    assert!(models.contains("pub struct Call {"), "{models}");
    assert!(!models.contains("modalities"), "{models}");

    let dir = lenient_workspace("lenient = true\n");
    let (ok, stderr) = run_codegen(dir.path(), &[]);
    assert!(ok, "{stderr}");
    assert_eq!(stderr, expected);
}
