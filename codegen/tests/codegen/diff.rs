//! `codegen::diff` over a hand-made fixture pair (`fixtures/diff-old.xml` →
//! `fixtures/diff-new.xml`) that holds every kind of change, compatible and
//! breaking, and over a pair of changes to the Rust shape of types
//! (`fixtures/diff-repr-old.xml` → `fixtures/diff-repr-new.xml`).

use std::collections::BTreeSet;

use codegen::diff::{self, Change, ChangeKind, DiffScope, Impact, SchemaDiff};
use codegen::model::{self, Model};

fn fixture(name: &str) -> Model {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap();
    model::load(&[(name, &text)]).unwrap().0
}

fn c(subject: &str, kind: ChangeKind, impact: Impact, detail: &str) -> Change {
    Change {
        subject: subject.to_owned(),
        kind,
        impact,
        detail: detail.to_owned(),
    }
}

/// Every change between the fixtures, in the diff's order (subject, then kind).
fn expected() -> Vec<Change> {
    use ChangeKind::*;
    use Impact::*;
    vec![
        c(
            "microsoft.graph.allDevicesTarget",
            TypeRemoved,
            Breaking,
            "complex type, base `microsoft.graph.target`",
        ),
        c(
            "microsoft.graph.allUsersTarget",
            TypeAdded,
            Compatible,
            "complex type, base `microsoft.graph.target`",
        ),
        c(
            "microsoft.graph.assign(microsoft.graph.device)/comment",
            OperationParameterRemoved,
            Breaking,
            "`Edm.String`, nullable",
        ),
        c(
            "microsoft.graph.assign(microsoft.graph.device)/extra",
            OperationParameterAdded,
            Breaking,
            "`Edm.Int32`, nullable",
        ),
        c(
            "microsoft.graph.assign(microsoft.graph.device)/mode",
            OperationParameterChanged,
            Breaking,
            "`Edm.String`, nullable → `Edm.String`, not nullable",
        ),
        c(
            "microsoft.graph.assign(microsoft.graph.device)/targets",
            OperationParameterChanged,
            Breaking,
            "`Collection(microsoft.graph.target)`, nullable → `Collection(microsoft.graph.groupTarget)`, nullable",
        ),
        c(
            "microsoft.graph.brandNew",
            TypeAdded,
            Compatible,
            "entity type, base `microsoft.graph.entity`",
        ),
        c(
            "microsoft.graph.colors",
            EnumFlagsChanged,
            Breaking,
            "false → true",
        ),
        c(
            "microsoft.graph.count(Collection(microsoft.graph.device))",
            OperationReturnChanged,
            Breaking,
            "`Edm.Int32` → `Edm.Int64`",
        ),
        c(
            "microsoft.graph.device",
            HasStreamChanged,
            Compatible,
            "false → true",
        ),
        c(
            "microsoft.graph.device/newNav",
            NavigationAdded,
            Compatible,
            "`microsoft.graph.photo`, contained, not nullable",
        ),
        c(
            "microsoft.graph.device/oldNav",
            NavigationRemoved,
            Breaking,
            "`Collection(microsoft.graph.photo)`, contained, nullable",
        ),
        c(
            "microsoft.graph.device/owner",
            NavigationChanged,
            Breaking,
            "`microsoft.graph.user`, nullable → `Collection(microsoft.graph.user)`, nullable",
        ),
        c(
            "microsoft.graph.document/title",
            PropertyRemoved,
            Compatible,
            "`Edm.String`, nullable; now inherited from `microsoft.graph.item`",
        ),
        c(
            "microsoft.graph.filterType/exclude",
            EnumMemberRemoved,
            Breaking,
            "value 2",
        ),
        c(
            "microsoft.graph.filterType/unknownFutureValue",
            EnumMemberAdded,
            Compatible,
            "value 3",
        ),
        c(
            "microsoft.graph.groupTarget",
            PolymorphismChanged,
            Breaking,
            "`microsoft.graph.groupTarget` gains its first derived type `microsoft.graph.special`: \
             fields, parameters and return values of type `GroupTarget` become `GroupTargetKind`",
        ),
        c(
            "microsoft.graph.groupTarget/createdBy",
            PropertyAdded,
            Compatible,
            "`Edm.String`, nullable",
        ),
        c(
            "microsoft.graph.groupTarget/groupId",
            PropertyTypeChanged,
            Breaking,
            "`Edm.String` → `Edm.Guid`",
        ),
        c(
            "microsoft.graph.groupTarget/note",
            PropertyNullabilityChanged,
            Breaking,
            "nullable → not nullable",
        ),
        c(
            "microsoft.graph.groupTarget/retired",
            PropertyRemoved,
            Breaking,
            "`Edm.Int32`, nullable",
        ),
        c(
            "microsoft.graph.item/title",
            PropertyAdded,
            Compatible,
            "`Edm.String`, nullable",
        ),
        c(
            "microsoft.graph.label",
            UnderlyingTypeChanged,
            Breaking,
            "`Edm.String` → `Edm.Int32`",
        ),
        c(
            "microsoft.graph.photo",
            HasStreamChanged,
            Breaking,
            "true → false",
        ),
        c(
            "microsoft.graph.ping()",
            OperationAdded,
            Compatible,
            "function (times: `Edm.Int32`, not nullable) returning `Edm.String`",
        ),
        c(
            "microsoft.graph.retire(microsoft.graph.device)",
            OperationAdded,
            Compatible,
            "action () returning none",
        ),
        c(
            "microsoft.graph.room",
            OpenTypeChanged,
            Breaking,
            "true → false",
        ),
        c(
            "microsoft.graph.shape",
            TypeKindChanged,
            Breaking,
            "enum type → complex type",
        ),
        c(
            "microsoft.graph.special",
            BaseTypeChanged,
            Breaking,
            "`microsoft.graph.special` moves from base `microsoft.graph.target` to `microsoft.graph.groupTarget`: \
             struct `Special` gains fields `group_id`, `note`, `created_by`; \
             it joins enum `GroupTargetKind`",
        ),
        c(
            "microsoft.graph.sync(microsoft.graph.device)",
            OperationKindChanged,
            Breaking,
            "action → function",
        ),
        c(
            "microsoft.graph.sync(microsoft.graph.device)",
            OperationReturnChanged,
            Breaking,
            "none → `Edm.Boolean`",
        ),
        c(
            "microsoft.graph.template",
            OpenTypeChanged,
            Compatible,
            "false → true",
        ),
        c(
            "microsoft.graph.user",
            AbstractChanged,
            Breaking,
            "`microsoft.graph.user` becomes abstract: struct `User` becomes an enum with only an \
             `Unknown` variant (no concrete type derives from it); its fields move to struct \
             `UserBase`; `User` is no longer a variant of enum `Entity`",
        ),
        c(
            "microsoft.graph.user",
            OpenTypeChanged,
            Breaking,
            "true → false",
        ),
        c(
            "microsoft.graph.wipe(microsoft.graph.device)",
            OperationRemoved,
            Breaking,
            "action () returning none",
        ),
    ]
}

#[test]
fn fixture_pair_reports_every_change() {
    let changes = diff::diff(
        &fixture("diff-old.xml"),
        &fixture("diff-new.xml"),
        &DiffScope::All,
    );
    assert_eq!(changes.changes, expected());
    assert_eq!((changes.breaking(), changes.compatible()), (24, 11));
    assert!(changes.is_breaking());
}

/// Fails to compile when a kind is added, so that the fixture grows with it.
fn every_kind() -> Vec<ChangeKind> {
    use ChangeKind::*;
    let all = vec![
        TypeAdded,
        TypeRemoved,
        TypeKindChanged,
        BaseTypeChanged,
        AbstractChanged,
        PolymorphismChanged,
        OpenTypeChanged,
        HasStreamChanged,
        EnumFlagsChanged,
        UnderlyingTypeChanged,
        PropertyAdded,
        PropertyRemoved,
        PropertyTypeChanged,
        PropertyNullabilityChanged,
        EnumMemberAdded,
        EnumMemberRemoved,
        NavigationAdded,
        NavigationRemoved,
        NavigationChanged,
        OperationAdded,
        OperationRemoved,
        OperationKindChanged,
        OperationParameterAdded,
        OperationParameterRemoved,
        OperationParameterChanged,
        OperationReturnChanged,
    ];
    for kind in &all {
        match kind {
            TypeAdded
            | TypeRemoved
            | TypeKindChanged
            | BaseTypeChanged
            | AbstractChanged
            | PolymorphismChanged
            | OpenTypeChanged
            | HasStreamChanged
            | EnumFlagsChanged
            | UnderlyingTypeChanged
            | PropertyAdded
            | PropertyRemoved
            | PropertyTypeChanged
            | PropertyNullabilityChanged
            | EnumMemberAdded
            | EnumMemberRemoved
            | NavigationAdded
            | NavigationRemoved
            | NavigationChanged
            | OperationAdded
            | OperationRemoved
            | OperationKindChanged
            | OperationParameterAdded
            | OperationParameterRemoved
            | OperationParameterChanged
            | OperationReturnChanged => {}
        }
    }
    all
}

#[test]
fn fixture_pair_covers_every_kind() {
    let found: BTreeSet<ChangeKind> = expected().iter().map(|c| c.kind).collect();
    let missing: Vec<ChangeKind> = every_kind()
        .into_iter()
        .filter(|k| !found.contains(k))
        .collect();
    assert!(missing.is_empty(), "no fixture change of kind {missing:?}");
    let impacts: BTreeSet<Impact> = expected().iter().map(|c| c.impact).collect();
    assert_eq!(impacts.len(), 2);
}

/// Every change between the shape fixtures: one per type whose Rust shape
/// changes, none on the types that use it.
fn expected_shapes() -> Vec<Change> {
    use ChangeKind::*;
    use Impact::*;
    vec![
        c(
            "microsoft.graph.address",
            PolymorphismChanged,
            Breaking,
            "`microsoft.graph.address` gains its first derived types \
             `microsoft.graph.billingAddress`, `microsoft.graph.postalAddress`: \
             fields, parameters and return values of type `Address` become `AddressKind`",
        ),
        c(
            "microsoft.graph.billingAddress",
            TypeAdded,
            Compatible,
            "complex type, base `microsoft.graph.address`",
        ),
        c(
            "microsoft.graph.car",
            BaseTypeChanged,
            Breaking,
            "`microsoft.graph.car` moves from base `microsoft.graph.vehicle` to `microsoft.graph.machine`: \
             struct `Car` gains field `power` and loses `wheels`; \
             field `name` changes from `Edm.String`, nullable to `Edm.Int32`, not nullable; \
             it leaves enum `VehicleKind` and joins enum `MachineKind`",
        ),
        c(
            "microsoft.graph.cat",
            TypeRemoved,
            Breaking,
            "complex type, base `microsoft.graph.animal`",
        ),
        c(
            "microsoft.graph.circle",
            TypeRemoved,
            Breaking,
            "complex type, base `microsoft.graph.shape`",
        ),
        c(
            "microsoft.graph.machine",
            PolymorphismChanged,
            Breaking,
            "`microsoft.graph.machine` gains its first derived type `microsoft.graph.car`: \
             fields, parameters and return values of type `Machine` become `MachineKind`",
        ),
        c(
            "microsoft.graph.note",
            BaseTypeChanged,
            Breaking,
            "`microsoft.graph.note` gains base `microsoft.graph.annotation`: \
             struct `Note` gains field `created`; it joins enum `Annotation`",
        ),
        c(
            "microsoft.graph.note/author",
            PropertyRemoved,
            Breaking,
            "`Edm.Int32`, nullable; now inherited from `microsoft.graph.annotation` as `Edm.String`, nullable",
        ),
        c(
            "microsoft.graph.policy",
            AbstractChanged,
            Breaking,
            "`microsoft.graph.policy` becomes abstract: fields, parameters and return values of type \
             `PolicyKind` become `Policy`, now an enum of its concrete derived types; \
             enum `PolicyKind` is removed and the fields of struct `Policy` move to struct `PolicyBase`",
        ),
        c(
            "microsoft.graph.postalAddress",
            TypeAdded,
            Compatible,
            "complex type, base `microsoft.graph.address`",
        ),
        c(
            "microsoft.graph.profile",
            AbstractChanged,
            Breaking,
            "`microsoft.graph.profile` becomes abstract: struct `Profile` becomes an enum of its \
             concrete derived types; its fields move to struct `ProfileBase`",
        ),
        c(
            "microsoft.graph.rule",
            AbstractChanged,
            Breaking,
            "`microsoft.graph.rule` becomes concrete: fields, parameters and return values of type \
             `Rule` become `RuleKind`; enum `Rule` becomes a struct with the fields of struct \
             `RuleBase`, which is removed",
        ),
        c(
            "microsoft.graph.setting",
            AbstractChanged,
            Breaking,
            "`microsoft.graph.setting` becomes concrete: enum `Setting` becomes a struct with the \
             fields of struct `SettingBase`, which is removed; `Setting` becomes a variant of enum `Entity`",
        ),
        c(
            "microsoft.graph.shape",
            PolymorphismChanged,
            Breaking,
            "`microsoft.graph.shape` loses its last derived type `microsoft.graph.circle`: \
             fields, parameters and return values of type `ShapeKind` become `Shape`; \
             enum `ShapeKind` is removed",
        ),
        c(
            "microsoft.graph.tag",
            BaseTypeChanged,
            Breaking,
            "`microsoft.graph.tag` loses base `microsoft.graph.annotation`: \
             struct `Tag` loses fields `author`, `created`; it leaves enum `Annotation`",
        ),
        c(
            "microsoft.graph.userProfile",
            TypeAdded,
            Compatible,
            "complex type, base `microsoft.graph.profile`",
        ),
        c(
            "microsoft.graph.vehicle",
            PolymorphismChanged,
            Breaking,
            "`microsoft.graph.vehicle` loses its last derived type `microsoft.graph.car`: \
             fields, parameters and return values of type `VehicleKind` become `Vehicle`; \
             enum `VehicleKind` is removed",
        ),
    ]
}

#[test]
fn shape_changes_are_breaking_once_per_type() {
    let changes = diff::diff(
        &fixture("diff-repr-old.xml"),
        &fixture("diff-repr-new.xml"),
        &DiffScope::All,
    );
    assert_eq!(changes.changes, expected_shapes());
    assert_eq!((changes.breaking(), changes.compatible()), (14, 3));
}

#[test]
fn shape_changes_backwards() {
    // The reverse diff reports the reverse change of shape for each type.
    let changes = diff::diff(
        &fixture("diff-repr-new.xml"),
        &fixture("diff-repr-old.xml"),
        &DiffScope::All,
    );
    // `note` declares again the `author` it inherited, with another type.
    let author: Vec<&Change> = changes
        .changes
        .iter()
        .filter(|c| c.subject == "microsoft.graph.note/author")
        .collect();
    assert_eq!(
        author,
        [&c(
            "microsoft.graph.note/author",
            ChangeKind::PropertyAdded,
            Impact::Breaking,
            "`Edm.Int32`, nullable; was inherited from `microsoft.graph.annotation` as `Edm.String`, nullable",
        )]
    );
    let shapes: Vec<(&str, ChangeKind, &str)> = changes
        .changes
        .iter()
        .filter(|c| {
            matches!(
                c.kind,
                ChangeKind::PolymorphismChanged
                    | ChangeKind::AbstractChanged
                    | ChangeKind::BaseTypeChanged
            )
        })
        .map(|c| {
            assert_eq!(c.impact, Impact::Breaking, "{c}");
            let effect = c.detail.split_once(": ").map_or("", |(_, e)| e);
            (c.subject.as_str(), c.kind, effect)
        })
        .collect();
    use ChangeKind::*;
    assert_eq!(
        shapes,
        [
            (
                "microsoft.graph.address",
                PolymorphismChanged,
                "fields, parameters and return values of type `AddressKind` become `Address`; \
                 enum `AddressKind` is removed"
            ),
            (
                "microsoft.graph.car",
                BaseTypeChanged,
                "struct `Car` gains field `wheels` and loses `power`; \
                 field `name` changes from `Edm.Int32`, not nullable to `Edm.String`, nullable; \
                 it leaves enum `MachineKind` and joins enum `VehicleKind`"
            ),
            (
                "microsoft.graph.machine",
                PolymorphismChanged,
                "fields, parameters and return values of type `MachineKind` become `Machine`; \
                 enum `MachineKind` is removed"
            ),
            (
                "microsoft.graph.note",
                BaseTypeChanged,
                "struct `Note` loses field `created`; it leaves enum `Annotation`"
            ),
            (
                "microsoft.graph.policy",
                AbstractChanged,
                "fields, parameters and return values of type `Policy` become `PolicyKind`; \
                 enum `Policy` becomes a struct with the fields of struct `PolicyBase`, which is removed"
            ),
            (
                "microsoft.graph.profile",
                AbstractChanged,
                "enum `Profile` becomes a struct with the fields of struct `ProfileBase`, which is removed"
            ),
            (
                "microsoft.graph.rule",
                AbstractChanged,
                "fields, parameters and return values of type `RuleKind` become `Rule`, now an enum \
                 of its concrete derived types; enum `RuleKind` is removed and the fields of struct \
                 `Rule` move to struct `RuleBase`"
            ),
            (
                "microsoft.graph.setting",
                AbstractChanged,
                "struct `Setting` becomes an enum with only an `Unknown` variant (no concrete type \
                 derives from it); its fields move to struct `SettingBase`; `Setting` is no longer \
                 a variant of enum `Entity`"
            ),
            (
                "microsoft.graph.shape",
                PolymorphismChanged,
                "fields, parameters and return values of type `Shape` become `ShapeKind`"
            ),
            (
                "microsoft.graph.tag",
                BaseTypeChanged,
                "struct `Tag` gains fields `author`, `created`; it joins enum `Annotation`"
            ),
            (
                "microsoft.graph.vehicle",
                PolymorphismChanged,
                "fields, parameters and return values of type `Vehicle` become `VehicleKind`"
            ),
        ]
    );
}

#[test]
fn a_schema_against_itself_has_no_changes() {
    for name in [
        "diff-old.xml",
        "diff-new.xml",
        "diff-repr-old.xml",
        "diff-repr-new.xml",
        "hierarchy.xml",
        "constructs.xml",
    ] {
        let m = fixture(name);
        assert_eq!(
            diff::diff(&m, &m, &DiffScope::All),
            SchemaDiff::default(),
            "{name}"
        );
    }
}

#[test]
fn a_type_scope_limits_types_and_bound_operations() {
    let scope = DiffScope::Types(
        ["microsoft.graph.groupTarget", "microsoft.graph.device"]
            .map(String::from)
            .into(),
    );
    let changes = diff::diff(&fixture("diff-old.xml"), &fixture("diff-new.xml"), &scope);
    let want: Vec<Change> = expected()
        .into_iter()
        .filter(|c| {
            // The types' members, and operations bound to a device or to a
            // collection of devices.
            c.subject == "microsoft.graph.groupTarget"
                || c.subject.starts_with("microsoft.graph.groupTarget/")
                || c.subject.contains("microsoft.graph.device")
        })
        .collect();
    assert_eq!(changes.changes, want);
    assert_eq!(changes.changes.len(), 18);
    // Unbound operations are out of a type scope.
    assert!(!changes.changes.iter().any(|c| c.subject.ends_with("()")));
}

#[test]
fn selection_scope_takes_types_missing_from_one_schema() {
    let (old, new) = (fixture("diff-old.xml"), fixture("diff-new.xml"));
    let roots = vec!["microsoft.graph.allDevicesTarget".to_owned()];
    let (scope, warnings) =
        diff::selection_scope(("old.xml", &old), ("new.xml", &new), &roots, &[]);
    let names = [
        "microsoft.graph.allDevicesTarget",
        "microsoft.graph.filterType",
        "microsoft.graph.target",
    ];
    assert_eq!(scope, DiffScope::Types(names.map(String::from).into()));
    let warnings: Vec<String> = warnings.iter().map(ToString::to_string).collect();
    assert_eq!(
        warnings,
        ["in `new.xml`: root `microsoft.graph.allDevicesTarget` is not a type of the schema"]
    );
    let subjects: Vec<(String, ChangeKind)> = diff::diff(&old, &new, &scope)
        .changes
        .into_iter()
        .map(|c| (c.subject, c.kind))
        .collect();
    assert_eq!(
        subjects,
        [
            (
                "microsoft.graph.allDevicesTarget".to_owned(),
                ChangeKind::TypeRemoved
            ),
            (
                "microsoft.graph.filterType/exclude".to_owned(),
                ChangeKind::EnumMemberRemoved
            ),
            (
                "microsoft.graph.filterType/unknownFutureValue".to_owned(),
                ChangeKind::EnumMemberAdded
            ),
        ]
    );
}

#[test]
fn a_root_missing_from_both_is_a_warning_saying_so() {
    let (old, new) = (fixture("diff-old.xml"), fixture("diff-new.xml"));
    let roots = vec!["microsoft.graph.nothing".to_owned()];
    let (scope, warnings) =
        diff::selection_scope(("old.xml", &old), ("new.xml", &new), &roots, &[]);
    assert_eq!(scope, DiffScope::Types(BTreeSet::new()));
    let warnings: Vec<String> = warnings.iter().map(ToString::to_string).collect();
    assert_eq!(
        warnings,
        ["in neither schema: root `microsoft.graph.nothing` is not a type of the schema"]
    );
}

#[test]
fn display_and_json_forms() {
    let change = c(
        "microsoft.graph.groupTarget/groupId",
        ChangeKind::PropertyTypeChanged,
        Impact::Breaking,
        "`Edm.String` → `Edm.Guid`",
    );
    assert_eq!(
        change.to_string(),
        "breaking   microsoft.graph.groupTarget/groupId: property type changed: `Edm.String` → `Edm.Guid`"
    );
    assert_eq!(
        serde_json::to_value(&change).unwrap(),
        serde_json::json!({
            "subject": "microsoft.graph.groupTarget/groupId",
            "kind": "property_type_changed",
            "impact": "breaking",
            "detail": "`Edm.String` → `Edm.Guid`",
        })
    );
}
