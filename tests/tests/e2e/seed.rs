//! The seed example: the request and response bodies of the Graph beta
//! reference page "Update deviceCompliancePolicyAssignment"
//! (`PATCH /deviceManagement/deviceCompliancePolicies/{deviceCompliancePolicyId}/assignments/{deviceCompliancePolicyAssignmentId}`)
//! must decode into the typed model and encode back to exactly the same JSON.

use graph_intune::models::{
    DeviceAndAppManagementAssignmentFilterType, DeviceAndAppManagementAssignmentSource,
    DeviceAndAppManagementAssignmentTarget, DeviceCompliancePolicyAssignment,
    OrganizationalUnitAssignmentConflictSettingKind, OrganizationalUnitAssignmentOverride,
};
use graph_intune::Nullable;
use serde_json::Value;

use graph_intune_tests::seed::{REQUEST as SEED_REQUEST, RESPONSE as SEED_RESPONSE};

fn decode(text: &str) -> DeviceCompliancePolicyAssignment {
    serde_json::from_str(text).unwrap()
}

/// Asserts everything the seed request and response have in common.
fn assert_seed_fields(assignment: &DeviceCompliancePolicyAssignment) {
    assert_eq!(
        assignment.odata_type.as_deref(),
        Some("#microsoft.graph.deviceCompliancePolicyAssignment")
    );
    assert_eq!(
        assignment.source,
        Some(DeviceAndAppManagementAssignmentSource::PolicySets)
    );
    assert_eq!(
        assignment.source_id,
        Nullable::Value("Source Id value".to_owned())
    );
    assert!(assignment.additional_data.is_empty());

    let Nullable::Value(
        DeviceAndAppManagementAssignmentTarget::OrganizationalUnitAssignmentTarget(target),
    ) = &assignment.target
    else {
        panic!(
            "expected an organizationalUnitAssignmentTarget, got {:?}",
            assignment.target
        );
    };
    assert_eq!(
        target.odata_type.as_deref(),
        Some("microsoft.graph.organizationalUnitAssignmentTarget")
    );
    assert_eq!(
        target.device_and_app_management_assignment_filter_id,
        Nullable::Value("Device And App Management Assignment Filter Id value".to_owned())
    );
    assert_eq!(
        target.device_and_app_management_assignment_filter_type,
        Some(DeviceAndAppManagementAssignmentFilterType::Include)
    );
    assert_eq!(
        target.organizational_unit_id,
        Nullable::Value("Organizational Unit Id value".to_owned())
    );
    assert!(target.additional_data.is_empty());

    let Nullable::Value(
        OrganizationalUnitAssignmentConflictSettingKind::OrganizationalUnitAssignmentConflictSetting(
            setting,
        ),
    ) = &target.assignment_conflict_setting
    else {
        panic!(
            "expected an organizationalUnitAssignmentConflictSetting, got {:?}",
            target.assignment_conflict_setting
        );
    };
    assert_eq!(
        setting.odata_type.as_deref(),
        Some("microsoft.graph.organizationalUnitAssignmentConflictSetting")
    );
    assert_eq!(
        setting.assignment_override,
        Some(OrganizationalUnitAssignmentOverride::Denied)
    );
    assert_eq!(setting.version_number, Some(13));
    assert!(setting.additional_data.is_empty());
}

#[test]
fn seed_request_round_trips_exactly() {
    let original: Value = serde_json::from_str(SEED_REQUEST).unwrap();
    let assignment = decode(SEED_REQUEST);
    assert_eq!(serde_json::to_value(&assignment).unwrap(), original);
}

#[test]
fn seed_response_round_trips_exactly() {
    let original: Value = serde_json::from_str(SEED_RESPONSE).unwrap();
    let assignment = decode(SEED_RESPONSE);
    assert_eq!(serde_json::to_value(&assignment).unwrap(), original);
}

#[test]
fn seed_request_decodes_into_typed_fields() {
    let assignment = decode(SEED_REQUEST);
    assert_seed_fields(&assignment);
    assert_eq!(assignment.id, None);
}

#[test]
fn seed_response_decodes_into_typed_fields() {
    let assignment = decode(SEED_RESPONSE);
    assert_seed_fields(&assignment);
    assert_eq!(
        assignment.id.as_deref(),
        Some("92dc3fef-3fef-92dc-ef3f-dc92ef3fdc92")
    );
}

#[test]
fn seed_request_and_response_differ_only_by_id() {
    let mut response = decode(SEED_RESPONSE);
    assert_ne!(response, decode(SEED_REQUEST));
    response.id = None;
    assert_eq!(response, decode(SEED_REQUEST));
}

#[test]
fn seed_round_trip_is_stable_through_text() {
    // Typed -> text -> typed gives the same value, and the text decodes to the
    // original JSON (serialization through `to_string`, as the client sends it).
    for seed in [SEED_REQUEST, SEED_RESPONSE] {
        let assignment = decode(seed);
        let text = serde_json::to_string(&assignment).unwrap();
        assert_eq!(decode(&text), assignment);
        assert_eq!(
            serde_json::from_str::<Value>(&text).unwrap(),
            serde_json::from_str::<Value>(seed).unwrap()
        );
    }
}
