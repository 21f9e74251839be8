//! Models built in Rust and read from JSON: `@odata.type` handling,
//! set/unset/null properties, unknown derived types and enum members.

use graph_intune::models::{
    AllDevicesAssignmentTarget, AllLicensedUsersAssignmentTarget,
    AndroidFotaDeploymentAssignmentTarget, ConfigurationManagerCollectionAssignmentTarget,
    DeviceAndAppManagementAssignmentFilterType, DeviceAndAppManagementAssignmentSource,
    DeviceAndAppManagementAssignmentTarget, DeviceCompliancePolicyAssignment,
    ExclusionGroupAssignmentTarget, GroupAssignmentTarget,
    OrganizationalUnitAssignmentConflictSetting, OrganizationalUnitAssignmentConflictSettingKind,
    OrganizationalUnitAssignmentInsertPriorityConflictSetting,
    OrganizationalUnitAssignmentOverride, OrganizationalUnitAssignmentTarget,
};
use graph_intune::Nullable;
use serde_json::{json, Value};

type Target = DeviceAndAppManagementAssignmentTarget;
type FilterType = DeviceAndAppManagementAssignmentFilterType;
type Source = DeviceAndAppManagementAssignmentSource;

fn to_json<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap()
}

fn assignment_from(value: &Value) -> DeviceCompliancePolicyAssignment {
    serde_json::from_value(value.clone()).unwrap()
}

fn target_from(value: &Value) -> Target {
    serde_json::from_value(value.clone()).unwrap()
}

/// Serializes a target built in Rust, checks it against `expected`, reads the
/// JSON back and checks that the same variant comes out and writes the same
/// JSON again.
fn assert_built_target(target: &Target, expected: Value) {
    let written = to_json(target);
    assert_eq!(written, expected);
    let read = target_from(&written);
    assert_eq!(
        std::mem::discriminant(&read),
        std::mem::discriminant(target),
        "read back as another variant: {read:?}"
    );
    assert_eq!(to_json(&read), expected);
}

// ---------------------------------------------------------------- targets built in Rust

#[test]
fn all_devices_target_with_nothing_set_has_only_its_type() {
    let target = Target::AllDevicesAssignmentTarget(AllDevicesAssignmentTarget::default());
    assert_built_target(
        &target,
        json!({"@odata.type": "#microsoft.graph.allDevicesAssignmentTarget"}),
    );
}

#[test]
fn all_devices_target_writes_its_type_and_set_filter() {
    let mut value = AllDevicesAssignmentTarget::default();
    value.device_and_app_management_assignment_filter_id = Nullable::Value("filter-1".to_owned());
    value.device_and_app_management_assignment_filter_type = Some(FilterType::Include);
    assert_built_target(
        &Target::AllDevicesAssignmentTarget(value),
        json!({
            "@odata.type": "#microsoft.graph.allDevicesAssignmentTarget",
            "deviceAndAppManagementAssignmentFilterId": "filter-1",
            "deviceAndAppManagementAssignmentFilterType": "include"
        }),
    );
}

#[test]
fn all_licensed_users_target_writes_its_type_and_set_filter_type() {
    let mut value = AllLicensedUsersAssignmentTarget::default();
    value.device_and_app_management_assignment_filter_type = Some(FilterType::Exclude);
    assert_built_target(
        &Target::AllLicensedUsersAssignmentTarget(value),
        json!({
            "@odata.type": "#microsoft.graph.allLicensedUsersAssignmentTarget",
            "deviceAndAppManagementAssignmentFilterType": "exclude"
        }),
    );
}

#[test]
fn group_target_writes_its_type_and_group_id() {
    let mut value = GroupAssignmentTarget::default();
    value.group_id = Nullable::Value("group-1".to_owned());
    assert_built_target(
        &Target::GroupAssignmentTarget(value),
        json!({
            "@odata.type": "#microsoft.graph.groupAssignmentTarget",
            "groupId": "group-1"
        }),
    );
}

#[test]
fn exclusion_group_target_writes_its_own_type() {
    let mut value = ExclusionGroupAssignmentTarget::default();
    value.group_id = Nullable::Value("group-2".to_owned());
    value.device_and_app_management_assignment_filter_type = Some(FilterType::None);
    assert_built_target(
        &Target::ExclusionGroupAssignmentTarget(value),
        json!({
            "@odata.type": "#microsoft.graph.exclusionGroupAssignmentTarget",
            "deviceAndAppManagementAssignmentFilterType": "none",
            "groupId": "group-2"
        }),
    );
}

#[test]
fn configuration_manager_collection_target_writes_its_type_and_collection_id() {
    let mut value = ConfigurationManagerCollectionAssignmentTarget::default();
    value.collection_id = Nullable::Value("SMS00001".to_owned());
    assert_built_target(
        &Target::ConfigurationManagerCollectionAssignmentTarget(value),
        json!({
            "@odata.type": "#microsoft.graph.configurationManagerCollectionAssignmentTarget",
            "collectionId": "SMS00001"
        }),
    );
}

#[test]
fn android_fota_deployment_target_writes_its_type_and_group_id() {
    let mut value = AndroidFotaDeploymentAssignmentTarget::default();
    // groupId is not nullable here (unlike on groupAssignmentTarget): an Option.
    value.group_id = Some("fota-group".to_owned());
    value.device_and_app_management_assignment_filter_id = Nullable::Value("filter-9".to_owned());
    assert_built_target(
        &Target::AndroidFotaDeploymentAssignmentTarget(value),
        json!({
            "@odata.type": "#microsoft.graph.androidFotaDeploymentAssignmentTarget",
            "deviceAndAppManagementAssignmentFilterId": "filter-9",
            "groupId": "fota-group"
        }),
    );
}

/// The conflict setting here is of the property's declared type, which needs
/// no `@odata.type`: the service infers it (and a value read without one is
/// written back without one). The target is of a derived type, so it has one.
#[test]
fn organizational_unit_target_with_a_conflict_setting() {
    let mut setting = OrganizationalUnitAssignmentConflictSetting::default();
    setting.assignment_override = Some(OrganizationalUnitAssignmentOverride::Allowed);
    setting.version_number = Some(0);
    let mut value = OrganizationalUnitAssignmentTarget::default();
    value.organizational_unit_id = Nullable::Value("ou-1".to_owned());
    value.assignment_conflict_setting = Nullable::Value(
        OrganizationalUnitAssignmentConflictSettingKind::OrganizationalUnitAssignmentConflictSetting(
            setting,
        ),
    );
    assert_built_target(
        &Target::OrganizationalUnitAssignmentTarget(value),
        json!({
            "@odata.type": "#microsoft.graph.organizationalUnitAssignmentTarget",
            "organizationalUnitId": "ou-1",
            "assignmentConflictSetting": {
                "assignmentOverride": "allowed",
                "versionNumber": 0
            }
        }),
    );
}

/// A caller who wants the declared type spelled out (as the reference
/// example does) sets `odata_type`; it is written as given.
#[test]
fn a_declared_type_value_writes_an_odata_type_the_caller_sets() {
    let mut setting = OrganizationalUnitAssignmentConflictSetting::default();
    setting.odata_type =
        Some("microsoft.graph.organizationalUnitAssignmentConflictSetting".to_owned());
    setting.assignment_override = Some(OrganizationalUnitAssignmentOverride::Denied);
    setting.version_number = Some(13);
    let kind =
        OrganizationalUnitAssignmentConflictSettingKind::OrganizationalUnitAssignmentConflictSetting(
            setting,
        );
    assert_eq!(
        to_json(&kind),
        json!({
            "@odata.type": "microsoft.graph.organizationalUnitAssignmentConflictSetting",
            "assignmentOverride": "denied",
            "versionNumber": 13
        })
    );
}

#[test]
fn organizational_unit_target_with_an_insert_priority_conflict_setting() {
    let mut setting = OrganizationalUnitAssignmentInsertPriorityConflictSetting::default();
    setting.assignment_override = Some(OrganizationalUnitAssignmentOverride::Denied);
    setting.version_number = Some(2);
    setting.priority = Some(7);
    let mut value = OrganizationalUnitAssignmentTarget::default();
    value.assignment_conflict_setting = Nullable::Value(
        OrganizationalUnitAssignmentConflictSettingKind::OrganizationalUnitAssignmentInsertPriorityConflictSetting(
            setting,
        ),
    );
    let target = Target::OrganizationalUnitAssignmentTarget(value);
    assert_built_target(
        &target,
        json!({
            "@odata.type": "#microsoft.graph.organizationalUnitAssignmentTarget",
            "assignmentConflictSetting": {
                "@odata.type": "#microsoft.graph.organizationalUnitAssignmentInsertPriorityConflictSetting",
                "assignmentOverride": "denied",
                "versionNumber": 2,
                "priority": 7
            }
        }),
    );
    // Read back, the nested setting is the insert-priority variant again.
    let Target::OrganizationalUnitAssignmentTarget(read) = target_from(&to_json(&target)) else {
        panic!("not an organizational unit target");
    };
    let Nullable::Value(
        OrganizationalUnitAssignmentConflictSettingKind::OrganizationalUnitAssignmentInsertPriorityConflictSetting(
            read_setting,
        ),
    ) = &read.assignment_conflict_setting
    else {
        panic!("not the insert-priority setting: {:?}", read.assignment_conflict_setting);
    };
    assert_eq!(read_setting.priority, Some(7));
    assert_eq!(read_setting.version_number, Some(2));
}

#[test]
fn an_assignment_built_in_rust_writes_only_what_was_set() {
    let mut target = GroupAssignmentTarget::default();
    target.group_id = Nullable::Value("group-1".to_owned());
    let mut assignment = DeviceCompliancePolicyAssignment::default();
    assignment.target = Nullable::Value(Target::GroupAssignmentTarget(target));
    assignment.source = Some(Source::Direct);
    // The assignment itself is not polymorphic in this slice: no @odata.type
    // unless the caller sets one; the polymorphic target gets its type.
    assert_eq!(
        to_json(&assignment),
        json!({
            "target": {"@odata.type": "#microsoft.graph.groupAssignmentTarget", "groupId": "group-1"},
            "source": "direct"
        })
    );
}

#[test]
fn unset_properties_are_absent() {
    assert_eq!(
        to_json(&DeviceCompliancePolicyAssignment::default()),
        json!({})
    );
    assert_eq!(
        to_json(&OrganizationalUnitAssignmentConflictSettingKind::OrganizationalUnitAssignmentConflictSetting(
            OrganizationalUnitAssignmentConflictSetting::default()
        )),
        json!({})
    );
    let mut assignment = DeviceCompliancePolicyAssignment::default();
    assignment.id = Some("a-1".to_owned());
    assert_eq!(to_json(&assignment), json!({"id": "a-1"}));
}

#[test]
fn an_explicit_null_is_sent_as_null() {
    let mut assignment = DeviceCompliancePolicyAssignment::default();
    assignment.source_id = Nullable::Null;
    assert_eq!(to_json(&assignment), json!({"sourceId": null}));

    assignment.target = Nullable::Null;
    assert_eq!(
        to_json(&assignment),
        json!({"target": null, "sourceId": null})
    );

    let mut target = OrganizationalUnitAssignmentTarget::default();
    target.device_and_app_management_assignment_filter_id = Nullable::Null;
    target.assignment_conflict_setting = Nullable::Null;
    assignment.target = Nullable::Value(Target::OrganizationalUnitAssignmentTarget(target));
    assert_eq!(
        to_json(&assignment),
        json!({
            "target": {
                "@odata.type": "#microsoft.graph.organizationalUnitAssignmentTarget",
                "deviceAndAppManagementAssignmentFilterId": null,
                "assignmentConflictSetting": null
            },
            "sourceId": null
        })
    );
}

#[test]
fn null_absent_and_value_are_kept_apart_when_reading() {
    let absent = assignment_from(&json!({}));
    let null = assignment_from(&json!({"sourceId": null}));
    let value = assignment_from(&json!({"sourceId": "s"}));
    assert_eq!(absent.source_id, Nullable::Absent);
    assert_eq!(null.source_id, Nullable::Null);
    assert_eq!(value.source_id, Nullable::Value("s".to_owned()));
    assert_eq!(to_json(&absent), json!({}));
    assert_eq!(to_json(&null), json!({"sourceId": null}));
    assert_eq!(to_json(&value), json!({"sourceId": "s"}));
}

// ---------------------------------------------------------------- Option vs Nullable

/// Accepts only an `Option`: a field passed here cannot hold `Nullable::Null`.
fn takes_non_nullable_source(field: &mut Option<Source>) -> &mut Option<Source> {
    field
}

/// Accepts only a `Nullable`.
fn takes_nullable_string(field: &mut Nullable<String>) -> &mut Nullable<String> {
    field
}

#[test]
fn non_nullable_source_is_an_option_and_nullable_source_id_is_nullable() {
    let mut assignment = DeviceCompliancePolicyAssignment::default();
    // This compiles only because `source` (Nullable="false" in the schema) has
    // the type `Option<DeviceAndAppManagementAssignmentSource>`, not
    // `Nullable<…>`: the type system offers no way to send `"source": null`.
    // `sourceId` (nullable) is a `Nullable<String>`, which can be cleared.
    *takes_non_nullable_source(&mut assignment.source) = Some(Source::PolicySets);
    *takes_nullable_string(&mut assignment.source_id) = Nullable::Null;
    assert_eq!(
        to_json(&assignment),
        json!({"source": "policySets", "sourceId": null})
    );
}

// ---------------------------------------------------------------- unknown types and members

#[test]
fn an_unknown_target_type_round_trips_inside_an_assignment() {
    let original = json!({
        "id": "a-1",
        "target": {
            "@odata.type": "#microsoft.graph.someFutureTarget",
            "deviceAndAppManagementAssignmentFilterType": "none",
            "futureProperty": {"x": [1, 2]}
        },
        "source": "direct"
    });
    let assignment = assignment_from(&original);
    assert_eq!(to_json(&assignment), original);

    let Nullable::Value(target) = &assignment.target else {
        panic!("no target: {:?}", assignment.target);
    };
    let Target::Unknown(base) = target else {
        panic!("expected the Unknown variant, got {target:?}");
    };
    assert_eq!(
        target.odata_type(),
        Some("#microsoft.graph.someFutureTarget")
    );
    assert_eq!(
        base.device_and_app_management_assignment_filter_type,
        Some(FilterType::None)
    );
    assert_eq!(
        base.device_and_app_management_assignment_filter_id,
        Nullable::Absent
    );
    let mut extra = serde_json::Map::new();
    extra.insert("futureProperty".to_owned(), json!({"x": [1, 2]}));
    assert_eq!(base.additional_data, extra);
    assert_eq!(target.additional_data(), &extra);
}

#[test]
fn a_target_without_odata_type_is_unknown_and_round_trips() {
    // The declared type is abstract, so a value without @odata.type is Unknown.
    let original = json!({"target": {"groupId": "g", "deviceAndAppManagementAssignmentFilterType": "include"}});
    let assignment = assignment_from(&original);
    let Nullable::Value(Target::Unknown(base)) = &assignment.target else {
        panic!("expected the Unknown variant, got {:?}", assignment.target);
    };
    assert_eq!(base.odata_type, None);
    assert_eq!(base.additional_data.get("groupId"), Some(&json!("g")));
    assert_eq!(to_json(&assignment), original);
}

#[test]
fn a_conflict_setting_without_odata_type_is_the_declared_type_and_round_trips() {
    // OData minimal metadata omits `@odata.type` when the value has the declared
    // type; reading then writing must still be lossless (no type added).
    let original = json!({
        "@odata.type": "#microsoft.graph.organizationalUnitAssignmentTarget",
        "assignmentConflictSetting": {"assignmentOverride": "allowed", "versionNumber": 1}
    });
    let Target::OrganizationalUnitAssignmentTarget(target) = target_from(&original) else {
        panic!("not an organizational unit target");
    };
    let Nullable::Value(
        OrganizationalUnitAssignmentConflictSettingKind::OrganizationalUnitAssignmentConflictSetting(
            setting,
        ),
    ) = &target.assignment_conflict_setting
    else {
        panic!("not the plain setting: {:?}", target.assignment_conflict_setting);
    };
    assert_eq!(setting.odata_type, None);
    assert_eq!(setting.version_number, Some(1));
    assert_eq!(to_json(&target), original);
}

#[test]
fn an_unknown_conflict_setting_type_round_trips() {
    let original = json!({
        "@odata.type": "microsoft.graph.organizationalUnitAssignmentTarget",
        "assignmentConflictSetting": {
            "@odata.type": "microsoft.graph.someFutureConflictSetting",
            "assignmentOverride": "unknownFutureValue",
            "versionNumber": 5000,
            "weight": 0.5
        }
    });
    let Target::OrganizationalUnitAssignmentTarget(target) = target_from(&original) else {
        panic!("not an organizational unit target");
    };
    let Nullable::Value(kind) = &target.assignment_conflict_setting else {
        panic!("no setting");
    };
    let OrganizationalUnitAssignmentConflictSettingKind::Unknown(setting) = kind else {
        panic!("expected the Unknown variant, got {kind:?}");
    };
    assert_eq!(
        kind.odata_type(),
        Some("microsoft.graph.someFutureConflictSetting")
    );
    assert_eq!(
        setting.assignment_override,
        Some(OrganizationalUnitAssignmentOverride::UnknownFutureValue)
    );
    assert_eq!(setting.additional_data.get("weight"), Some(&json!(0.5)));
    assert_eq!(to_json(&target), original);
}

#[test]
fn an_unknown_enum_member_round_trips() {
    let original = json!({"source": "someFutureSource"});
    let assignment = assignment_from(&original);
    assert_eq!(
        assignment.source,
        Some(Source::Unrecognized("someFutureSource".to_owned()))
    );
    assert_eq!(to_json(&assignment), original);
}

#[test]
fn unknown_members_of_the_other_enums_round_trip() {
    let original = json!({
        "@odata.type": "#microsoft.graph.organizationalUnitAssignmentTarget",
        "deviceAndAppManagementAssignmentFilterType": "someFutureFilter",
        "assignmentConflictSetting": {
            "@odata.type": "microsoft.graph.organizationalUnitAssignmentConflictSetting",
            "assignmentOverride": "someFutureOverride"
        }
    });
    let target = target_from(&original);
    assert_eq!(
        target.device_and_app_management_assignment_filter_type(),
        &Some(FilterType::Unrecognized("someFutureFilter".to_owned()))
    );
    let Target::OrganizationalUnitAssignmentTarget(value) = &target else {
        panic!("not an organizational unit target");
    };
    let Nullable::Value(setting) = &value.assignment_conflict_setting else {
        panic!("no setting");
    };
    assert_eq!(
        setting.assignment_override(),
        &Some(OrganizationalUnitAssignmentOverride::Unrecognized(
            "someFutureOverride".to_owned()
        ))
    );
    assert_eq!(to_json(&target), original);
}

#[test]
fn enum_members_have_their_exact_wire_names() {
    let members = [
        (to_json(&FilterType::None), "none"),
        (to_json(&FilterType::Include), "include"),
        (to_json(&FilterType::Exclude), "exclude"),
        (to_json(&Source::Direct), "direct"),
        (to_json(&Source::PolicySets), "policySets"),
        (to_json(&Source::Unrecognized("x".to_owned())), "x"),
        (
            to_json(&OrganizationalUnitAssignmentOverride::Allowed),
            "allowed",
        ),
        (
            to_json(&OrganizationalUnitAssignmentOverride::Denied),
            "denied",
        ),
        (
            to_json(&OrganizationalUnitAssignmentOverride::Unknown),
            "unknown",
        ),
        (
            to_json(&OrganizationalUnitAssignmentOverride::UnknownFutureValue),
            "unknownFutureValue",
        ),
    ];
    for (written, expected) in members {
        assert_eq!(written, json!(expected));
    }
    assert_eq!(
        serde_json::from_value::<Source>(json!("policySets")).unwrap(),
        Source::PolicySets
    );
    assert_eq!(
        serde_json::from_value::<OrganizationalUnitAssignmentOverride>(json!("unknown")).unwrap(),
        OrganizationalUnitAssignmentOverride::Unknown
    );
}

// ---------------------------------------------------------------- accessors

#[test]
fn base_property_accessors_work_across_variants() {
    let cases = [
        (
            json!({"@odata.type": "#microsoft.graph.allDevicesAssignmentTarget",
                   "deviceAndAppManagementAssignmentFilterId": "f-1",
                   "deviceAndAppManagementAssignmentFilterType": "include"}),
            Nullable::Value("f-1".to_owned()),
            Some(FilterType::Include),
        ),
        (
            json!({"@odata.type": "microsoft.graph.groupAssignmentTarget",
                   "deviceAndAppManagementAssignmentFilterId": null,
                   "deviceAndAppManagementAssignmentFilterType": "exclude",
                   "groupId": "g"}),
            Nullable::Null,
            Some(FilterType::Exclude),
        ),
        (
            json!({"@odata.type": "#microsoft.graph.exclusionGroupAssignmentTarget",
                   "deviceAndAppManagementAssignmentFilterType": "none"}),
            Nullable::Absent,
            Some(FilterType::None),
        ),
        (
            json!({"@odata.type": "#microsoft.graph.allLicensedUsersAssignmentTarget",
                   "deviceAndAppManagementAssignmentFilterId": "f-5"}),
            Nullable::Value("f-5".to_owned()),
            None,
        ),
        (
            json!({"@odata.type": "microsoft.graph.androidFotaDeploymentAssignmentTarget",
                   "deviceAndAppManagementAssignmentFilterType": "include",
                   "groupId": "fota"}),
            Nullable::Absent,
            Some(FilterType::Include),
        ),
        (
            json!({"@odata.type": "#microsoft.graph.configurationManagerCollectionAssignmentTarget",
                   "deviceAndAppManagementAssignmentFilterId": "f-2"}),
            Nullable::Value("f-2".to_owned()),
            None,
        ),
        (
            json!({"@odata.type": "microsoft.graph.organizationalUnitAssignmentTarget",
                   "deviceAndAppManagementAssignmentFilterId": "f-3",
                   "deviceAndAppManagementAssignmentFilterType": "include"}),
            Nullable::Value("f-3".to_owned()),
            Some(FilterType::Include),
        ),
        (
            json!({"@odata.type": "#microsoft.graph.someFutureTarget",
                   "deviceAndAppManagementAssignmentFilterId": "f-4",
                   "deviceAndAppManagementAssignmentFilterType": "exclude"}),
            Nullable::Value("f-4".to_owned()),
            Some(FilterType::Exclude),
        ),
    ];
    for (json, filter_id, filter_type) in cases {
        let target = target_from(&json);
        assert_eq!(
            target.device_and_app_management_assignment_filter_id(),
            &filter_id,
            "filter id of {json}"
        );
        assert_eq!(
            target.device_and_app_management_assignment_filter_type(),
            &filter_type,
            "filter type of {json}"
        );
        assert_eq!(target.odata_type(), json["@odata.type"].as_str());
        assert_eq!(to_json(&target), json);
    }

    // Variant chosen by @odata.type, for each known type.
    let expected_variants = [
        ("allDevicesAssignmentTarget", "AllDevicesAssignmentTarget"),
        (
            "allLicensedUsersAssignmentTarget",
            "AllLicensedUsersAssignmentTarget",
        ),
        ("groupAssignmentTarget", "GroupAssignmentTarget"),
        (
            "exclusionGroupAssignmentTarget",
            "ExclusionGroupAssignmentTarget",
        ),
        (
            "configurationManagerCollectionAssignmentTarget",
            "ConfigurationManagerCollectionAssignmentTarget",
        ),
        (
            "androidFotaDeploymentAssignmentTarget",
            "AndroidFotaDeploymentAssignmentTarget",
        ),
        (
            "organizationalUnitAssignmentTarget",
            "OrganizationalUnitAssignmentTarget",
        ),
    ];
    for (name, variant) in expected_variants {
        for prefix in ["#", ""] {
            let target =
                target_from(&json!({"@odata.type": format!("{prefix}microsoft.graph.{name}")}));
            let chosen = match &target {
                Target::AllDevicesAssignmentTarget(_) => "AllDevicesAssignmentTarget",
                Target::AllLicensedUsersAssignmentTarget(_) => "AllLicensedUsersAssignmentTarget",
                Target::GroupAssignmentTarget(_) => "GroupAssignmentTarget",
                Target::ExclusionGroupAssignmentTarget(_) => "ExclusionGroupAssignmentTarget",
                Target::ConfigurationManagerCollectionAssignmentTarget(_) => {
                    "ConfigurationManagerCollectionAssignmentTarget"
                }
                Target::AndroidFotaDeploymentAssignmentTarget(_) => {
                    "AndroidFotaDeploymentAssignmentTarget"
                }
                Target::OrganizationalUnitAssignmentTarget(_) => {
                    "OrganizationalUnitAssignmentTarget"
                }
                Target::Unknown(_) => "Unknown",
                _ => "another variant",
            };
            assert_eq!(chosen, variant, "for {prefix}microsoft.graph.{name}");
        }
    }
}

// ---------------------------------------------------------------- @odata.type as read

#[test]
fn odata_type_with_or_without_hash_is_accepted_and_written_back_as_read() {
    // As in the reference examples: `#` on the top-level object, none on the
    // nested ones.
    let as_in_docs = json!({
        "@odata.type": "#microsoft.graph.deviceCompliancePolicyAssignment",
        "target": {
            "@odata.type": "microsoft.graph.groupAssignmentTarget",
            "groupId": "g"
        }
    });
    // The other way round.
    let swapped = json!({
        "@odata.type": "microsoft.graph.deviceCompliancePolicyAssignment",
        "target": {
            "@odata.type": "#microsoft.graph.groupAssignmentTarget",
            "groupId": "g"
        }
    });
    for original in [as_in_docs, swapped] {
        let assignment = assignment_from(&original);
        assert_eq!(
            assignment.odata_type.as_deref(),
            original["@odata.type"].as_str()
        );
        let Nullable::Value(Target::GroupAssignmentTarget(target)) = &assignment.target else {
            panic!("expected a group target, got {:?}", assignment.target);
        };
        assert_eq!(
            target.odata_type.as_deref(),
            original["target"]["@odata.type"].as_str()
        );
        assert_eq!(target.group_id, Nullable::Value("g".to_owned()));
        assert_eq!(to_json(&assignment), original);
    }
}

#[test]
fn an_odata_type_set_by_the_caller_is_written_as_set() {
    let mut target = GroupAssignmentTarget::default();
    target.odata_type = Some("microsoft.graph.groupAssignmentTarget".to_owned());
    let mut assignment = DeviceCompliancePolicyAssignment::default();
    assignment.odata_type = Some("#microsoft.graph.deviceCompliancePolicyAssignment".to_owned());
    assignment.target = Nullable::Value(Target::GroupAssignmentTarget(target));
    assert_eq!(
        to_json(&assignment),
        json!({
            "@odata.type": "#microsoft.graph.deviceCompliancePolicyAssignment",
            "target": {"@odata.type": "microsoft.graph.groupAssignmentTarget"}
        })
    );
}
