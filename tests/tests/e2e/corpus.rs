//! The generator over the real Microsoft Graph schemas of the corpus.

use codegen::emit::ClientEntry;
use codegen::model::{self, TypeCounts};
use codegen::{Harness, Input, Scope, Strictness};
use graph_intune_tests::{corpus_dir, read_corpus_file, workspace_root, VALID_SCHEMAS};

/// Entity, complex and enum type counts per file, counted outside this
/// project's reader (`grep -c '<EntityType '` and likewise on each file).
const EXPECTED: &[(&str, usize, usize, usize)] = &[
    ("graph-beta-2021-06.xml", 1309, 1250, 860),
    ("graph-beta-govsg-2026-08.xml", 112, 145, 30),
    ("graph-beta-review-2026-08.xml", 36, 85, 45),
    ("graph-beta-usnat-2026-08.xml", 722, 1044, 479),
    ("graph-beta-ussec-2026-08.xml", 732, 1091, 495),
    ("graph-v1.0-2026-08.xml", 1182, 1779, 861),
];

/// A second, naive count: occurrences of the start tag in the text.
fn naive_count(text: &str, element: &str) -> usize {
    let open = format!("<{element} ");
    text.matches(&open).count()
}

#[test]
fn every_real_schema_parses_and_resolves_with_the_expected_type_counts() {
    let Some(dir) = corpus_dir("every_real_schema_parses_and_resolves") else {
        return;
    };
    assert_eq!(EXPECTED.len(), VALID_SCHEMAS.len());
    for &(file, entity, complex, enums) in EXPECTED {
        let text = read_corpus_file(&dir, file);
        let (model, _warnings) = model::load(&[(file, &text)])
            .unwrap_or_else(|e| panic!("{file} does not resolve:\n{e}"));
        let counts = model.counts();
        assert_eq!(
            counts,
            TypeCounts {
                entity,
                complex,
                enums,
                definitions: 0
            },
            "{file}"
        );
        assert_eq!(naive_count(&text, "EntityType"), entity, "{file}");
        assert_eq!(naive_count(&text, "ComplexType"), complex, "{file}");
        assert_eq!(naive_count(&text, "EnumType"), enums, "{file}");
    }
}

#[test]
fn the_v1_schema_keeps_its_aliases_and_annotations() {
    let Some(dir) = corpus_dir("the_v1_schema_keeps_its_aliases_and_annotations") else {
        return;
    };
    let file = "graph-v1.0-2026-08.xml";
    let text = read_corpus_file(&dir, file);
    let (model, _) = model::load(&[(file, &text)]).unwrap();
    // The `self` alias of `microsoft.graph.security` resolves.
    let security = model
        .namespaces
        .iter()
        .find(|n| n.name == "microsoft.graph.security")
        .unwrap();
    assert_eq!(security.alias.as_deref(), Some("self"));
    // Two enums without members, and same-named enums in another namespace.
    for name in ["auditLogRecordType", "auditLogUserType"] {
        let root = model.find(&format!("microsoft.graph.{name}")).unwrap();
        let sec = model
            .find(&format!("microsoft.graph.security.{name}"))
            .unwrap();
        assert_ne!(root, sec);
        match &model.ty(root).kind {
            model::TypeKind::Enum(e) => assert!(e.members.is_empty(), "{name}"),
            other => panic!("{name} is {other:?}"),
        }
        match &model.ty(sec).kind {
            model::TypeKind::Enum(e) => assert!(!e.members.is_empty(), "{name}"),
            other => panic!("{name} is {other:?}"),
        }
    }
    // Descriptions come from <Annotations Target=…> blocks.
    let action_state = model.find("microsoft.graph.actionState").unwrap();
    assert_eq!(
        model.ty(action_state).docs.description.as_deref(),
        Some("State of the action on the device")
    );
}

#[test]
fn the_preprocess_test_input_gives_positioned_errors() {
    let Some(dir) = corpus_dir("the_preprocess_test_input_gives_positioned_errors") else {
        return;
    };
    let file = "graph-preprocess-test-input.xml";
    let text = read_corpus_file(&dir, file);
    let errors = model::load(&[(file, &text)]).expect_err("the file references missing types");
    let first = &errors.diagnostics()[0];
    assert_eq!(
        first.to_string(),
        "graph-preprocess-test-input.xml:6:13: base type of `microsoft.graph.approval` has unknown type `graph.entity`"
    );
    assert!(errors
        .diagnostics()
        .iter()
        .all(|d| d.pos.line > 0 && d.pos.column > 0));
    assert!(errors.diagnostics().iter().all(|d| d.message.contains('`')));
    // Every problem of the file is reported, not only the first one.
    assert_eq!(errors.diagnostics().len(), 173);
    let duplicates: Vec<String> = errors
        .diagnostics()
        .iter()
        .filter(|d| d.message.starts_with("duplicate"))
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        duplicates,
        [
            "graph-preprocess-test-input.xml:104:13: duplicate type name `microsoft.graph.servicePrincipal`: already defined at graph-preprocess-test-input.xml:21:13",
            "graph-preprocess-test-input.xml:210:13: duplicate type name `microsoft.graph.authentication`: already defined at graph-preprocess-test-input.xml:177:13",
            "graph-preprocess-test-input.xml:447:13: duplicate type name `microsoft.graph.message`: already defined at graph-preprocess-test-input.xml:171:13",
        ]
    );
}

/// The Intune slice config, run over the real (full) 2021 beta schema with
/// the overlay: the same roots and paths select the real derived types, and
/// the generated code parses as Rust.
#[test]
fn the_slice_config_generates_from_the_real_beta_schema() {
    let Some(dir) = corpus_dir("the_slice_config_generates_from_the_real_beta_schema") else {
        return;
    };
    let schema = read_corpus_file(&dir, "graph-beta-2021-06.xml");
    let overlay = std::fs::read_to_string(workspace_root().join("metadata/overlay.xml")).unwrap();
    let config_text =
        std::fs::read_to_string(workspace_root().join("metadata/codegen.toml")).unwrap();
    let config = codegen::Config::parse("metadata/codegen.toml", &config_text).unwrap();
    let inputs = [
        Input {
            name: "graph-beta-2021-06.xml",
            text: &schema,
        },
        Input {
            name: "metadata/overlay.xml",
            text: &overlay,
        },
    ];
    let scope = Scope::Config(Box::new(config.clone()));
    let output = codegen::generate(&inputs, &scope, ClientEntry::Inherent).unwrap();
    let models = output
        .files
        .iter()
        .find(|f| f.path == "models/mod.rs")
        .unwrap();
    for file in &output.files {
        syn::parse_file(&file.contents)
            .unwrap_or_else(|e| panic!("{} does not parse: {e}", file.path));
    }
    // The real schema's compliance policies are all variants now.
    for variant in [
        "AndroidCompliancePolicy(crate::models::AndroidCompliancePolicy)",
        "IosCompliancePolicy(crate::models::IosCompliancePolicy)",
        "Windows10CompliancePolicy(crate::models::Windows10CompliancePolicy)",
        "OrganizationalUnitAssignmentTarget(",
        "GroupAssignmentTarget(crate::models::GroupAssignmentTarget)",
    ] {
        assert!(models.contents.contains(variant), "missing {variant}");
    }
    // Generation is deterministic.
    let again = codegen::generate(&inputs, &scope, ClientEntry::Inherent).unwrap();
    assert_eq!(output.files, again.files);
}

/// The real 2021 beta schema with its `microsoft.graph.callRecords` schema
/// cut out (in memory): a file that refers to a namespace it lacks, as some
/// Microsoft downloads do. Strict resolution refuses it at the one
/// reference; lenient generation drops that navigation property with a
/// warning at the same position and generates the whole-schema crate.
#[test]
fn a_real_schema_missing_a_namespace_generates_leniently() {
    let Some(dir) = corpus_dir("a_real_schema_missing_a_namespace_generates_leniently") else {
        return;
    };
    let file = "graph-beta-2021-06.xml";
    let full = read_corpus_file(&dir, file);
    let start = full
        .find("    <Schema Namespace=\"microsoft.graph.callRecords\"")
        .expect("the callRecords schema");
    let end = start + full[start..].find("</Schema>\n").expect("its end") + "</Schema>\n".len();
    let text = format!("{}{}", &full[..start], &full[end..]);
    let reference = "graph-beta-2021-06.xml:13575:9: navigation property `callRecords` of `microsoft.graph.cloudCommunications` has unknown type `microsoft.graph.callRecords.callRecord`";

    let errors = model::load(&[(file, &text)]).expect_err("strict refuses it");
    let errors: Vec<String> = errors
        .diagnostics()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(errors, [reference]);

    let inputs = [Input {
        name: file,
        text: &text,
    }];
    let output = codegen::generate_crate_with(
        &inputs,
        "lenient_beta",
        "{ path = \"../graph-intune\" }",
        Harness::None,
        Strictness::Lenient,
    )
    .unwrap_or_else(|e| panic!("lenient generation fails:\n{e}"));
    let lenient: Vec<String> = output
        .warnings
        .iter()
        .map(ToString::to_string)
        .filter(|w| w.ends_with("(lenient)"))
        .collect();
    assert_eq!(lenient, [format!("{reference}; dropped (lenient)")]);
    assert!(output.files.iter().any(|f| f.path == "src/models/mod.rs"));
    assert!(
        !output.files.iter().any(|f| f.path.contains("call_records")),
        "no module for the missing namespace"
    );
}

/// Microsoft's preprocessing test input is refused for 170 unknown types
/// and 3 duplicate type names. Lenient resolution drops what refers to the
/// unknown types; the duplicates, which it does not cover, are still errors.
#[test]
fn the_preprocess_test_input_leniently_keeps_only_its_duplicate_type_errors() {
    let Some(dir) = corpus_dir("the_preprocess_test_input_leniently") else {
        return;
    };
    let file = "graph-preprocess-test-input.xml";
    let text = read_corpus_file(&dir, file);
    let errors = model::load_with(&[(file, &text)], Strictness::Lenient)
        .expect_err("duplicate type names stay errors");
    let errors: Vec<String> = errors
        .diagnostics()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        errors,
        [
            "graph-preprocess-test-input.xml:104:13: duplicate type name `microsoft.graph.servicePrincipal`: already defined at graph-preprocess-test-input.xml:21:13",
            "graph-preprocess-test-input.xml:210:13: duplicate type name `microsoft.graph.authentication`: already defined at graph-preprocess-test-input.xml:177:13",
            "graph-preprocess-test-input.xml:447:13: duplicate type name `microsoft.graph.message`: already defined at graph-preprocess-test-input.xml:171:13",
        ]
    );
}
