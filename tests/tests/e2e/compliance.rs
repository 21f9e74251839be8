//! The device-compliance area generated from the real beta `$metadata`:
//! the reference bodies of the Graph beta docs decode to their own policy
//! variants and encode back to exactly the same JSON, and the request
//! builders send exactly what the reference documents (method, path,
//! headers, body) against a local mock server.
//!
//! The bodies are in `tests/fixtures/compliance/` (see its `SOURCES.md`).

use futures_util::TryStreamExt;
use graph_intune::models::{
    ComplianceStatus, DeviceAndAppManagementAssignmentTarget, DeviceComplianceActionItem,
    DeviceComplianceActionType, DeviceComplianceDeviceOverview, DeviceComplianceDeviceStatus,
    DeviceCompliancePolicy, DeviceCompliancePolicyAssignment,
    DeviceComplianceScheduledActionForRule, ExclusionGroupAssignmentTarget, GroupAssignmentTarget,
    OperatingSystemVersionRange, RequiredPasswordType, Windows10CompliancePolicy,
};
use graph_intune::Nullable;
use graph_intune_tests::mock::{assert_request, body_of, client_for, only_request};
use serde_json::{json, Value};
use wiremock::matchers::{body_json, header, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const POLICIES: &str = "/beta/deviceManagement/deviceCompliancePolicies";
const POLICY: &str = "/beta/deviceManagement/deviceCompliancePolicies/policy-1";

macro_rules! fixture {
    ($name:literal) => {
        include_str!(concat!("../../fixtures/compliance/", $name))
    };
}

/// The reference bodies of the four policy types: (type, create request,
/// create response, get response).
const POLICY_BODIES: &[(&str, &str, &str, &str)] = &[
    (
        "windows10CompliancePolicy",
        fixture!("windows10CompliancePolicy-create-request.json"),
        fixture!("windows10CompliancePolicy-create-response.json"),
        fixture!("windows10CompliancePolicy-get-response.json"),
    ),
    (
        "iosCompliancePolicy",
        fixture!("iosCompliancePolicy-create-request.json"),
        fixture!("iosCompliancePolicy-create-response.json"),
        fixture!("iosCompliancePolicy-get-response.json"),
    ),
    (
        "macOSCompliancePolicy",
        fixture!("macOSCompliancePolicy-create-request.json"),
        fixture!("macOSCompliancePolicy-create-response.json"),
        fixture!("macOSCompliancePolicy-get-response.json"),
    ),
    (
        "androidWorkProfileCompliancePolicy",
        fixture!("androidWorkProfileCompliancePolicy-create-request.json"),
        fixture!("androidWorkProfileCompliancePolicy-create-response.json"),
        fixture!("androidWorkProfileCompliancePolicy-get-response.json"),
    ),
];

fn json_of(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

/// The docs show get responses wrapped in `{"value": …}`; the service
/// answers with the entity itself.
fn entity_of_get_response(text: &str) -> Value {
    json_of(text)["value"].clone()
}

fn to_json<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap()
}

/// The wire type of the variant a policy decoded to (`None` for `Unknown`).
fn variant_of(policy: &DeviceCompliancePolicy) -> Option<&'static str> {
    Some(match policy {
        DeviceCompliancePolicy::AndroidCompliancePolicy(_) => "androidCompliancePolicy",
        DeviceCompliancePolicy::AndroidDeviceOwnerCompliancePolicy(_) => {
            "androidDeviceOwnerCompliancePolicy"
        }
        DeviceCompliancePolicy::AndroidForWorkCompliancePolicy(_) => {
            "androidForWorkCompliancePolicy"
        }
        DeviceCompliancePolicy::AndroidWorkProfileCompliancePolicy(_) => {
            "androidWorkProfileCompliancePolicy"
        }
        DeviceCompliancePolicy::AospDeviceOwnerCompliancePolicy(_) => {
            "aospDeviceOwnerCompliancePolicy"
        }
        DeviceCompliancePolicy::DefaultDeviceCompliancePolicy(_) => "defaultDeviceCompliancePolicy",
        DeviceCompliancePolicy::IosCompliancePolicy(_) => "iosCompliancePolicy",
        DeviceCompliancePolicy::MacOsCompliancePolicy(_) => "macOSCompliancePolicy",
        DeviceCompliancePolicy::Windows10CompliancePolicy(_) => "windows10CompliancePolicy",
        DeviceCompliancePolicy::Windows10MobileCompliancePolicy(_) => {
            "windows10MobileCompliancePolicy"
        }
        DeviceCompliancePolicy::Windows81CompliancePolicy(_) => "windows81CompliancePolicy",
        DeviceCompliancePolicy::WindowsPhone81CompliancePolicy(_) => {
            "windowsPhone81CompliancePolicy"
        }
        DeviceCompliancePolicy::Unknown(_) => return None,
        _ => return None,
    })
}

/// Decodes `body` as a policy, checks its variant and that it has no
/// property the schema lacks, and that it encodes back to `body` exactly.
fn assert_policy_round_trips(wire_type: &str, what: &str, body: &Value) {
    let policy: DeviceCompliancePolicy =
        serde_json::from_value(body.clone()).unwrap_or_else(|e| panic!("{wire_type} {what}: {e}"));
    assert_eq!(variant_of(&policy), Some(wire_type), "{what}");
    assert!(
        policy.additional_data().is_empty(),
        "{wire_type} {what}: every property of the reference body is typed, left over: {:?}",
        policy.additional_data().keys().collect::<Vec<_>>()
    );
    assert_eq!(&to_json(&policy), body, "{wire_type} {what}");
}

// ------------------------------------------------ reference bodies

#[test]
fn reference_policy_bodies_decode_to_their_own_variants_and_round_trip() {
    for (wire_type, create_request, create_response, get_response) in POLICY_BODIES {
        assert_policy_round_trips(wire_type, "create request", &json_of(create_request));
        assert_policy_round_trips(wire_type, "create response", &json_of(create_response));
        assert_policy_round_trips(
            wire_type,
            "get response",
            &entity_of_get_response(get_response),
        );
    }
}

#[test]
fn date_times_of_a_reference_body_keep_their_seven_fractional_digits() {
    let body = entity_of_get_response(fixture!("windows10CompliancePolicy-get-response.json"));
    let policy: DeviceCompliancePolicy = serde_json::from_value(body).unwrap();
    let DeviceCompliancePolicy::Windows10CompliancePolicy(policy) = policy else {
        panic!("expected a windows10CompliancePolicy");
    };
    let created = policy.created_date_time.as_ref().unwrap();
    assert_eq!(created.to_string(), "2017-01-01T00:02:43.5775965-08:00");
    assert_eq!(
        to_json(&policy)["createdDateTime"],
        "2017-01-01T00:02:43.5775965-08:00"
    );
}

#[test]
fn properties_newer_than_the_schema_are_kept_and_written_back() {
    // Today's service sends properties the 2021 schema does not have
    // (`customComplianceRequired` and `wslDistributions` on Windows 10
    // policies): they stay in `additional_data`, in place.
    let mut body = entity_of_get_response(fixture!("windows10CompliancePolicy-get-response.json"));
    body["customComplianceRequired"] = json!(true);
    body["wslDistributions"] = json!([
        {
            "@odata.type": "microsoft.graph.wslDistributionConfiguration",
            "distribution": "Ubuntu",
            "minimumOSVersion": "22.04",
            "maximumOSVersion": "24.04"
        }
    ]);
    let policy: DeviceCompliancePolicy = serde_json::from_value(body.clone()).unwrap();
    assert_eq!(variant_of(&policy), Some("windows10CompliancePolicy"));
    assert_eq!(
        policy.additional_data().keys().collect::<Vec<_>>(),
        ["customComplianceRequired", "wslDistributions"]
    );
    assert_eq!(to_json(&policy), body);
}

#[test]
fn a_built_policy_equals_the_decoded_reference_request() {
    // The builder methods name each property once and take plain values.
    let body = json_of(fixture!("windows10CompliancePolicy-create-request.json"));
    let DeviceCompliancePolicy::Windows10CompliancePolicy(decoded) =
        serde_json::from_value(body).unwrap()
    else {
        panic!("expected a windows10CompliancePolicy");
    };
    let built = Windows10CompliancePolicy::default()
        .with_display_name("Display Name value")
        .with_password_required(true)
        .with_password_minimum_length(5)
        .with_password_required_type(RequiredPasswordType::Alphanumeric)
        .with_role_scope_tag_ids(["Role Scope Tag Ids value"])
        .with_valid_operating_system_build_ranges([OperatingSystemVersionRange::default()
            .with_description("Description value")
            .with_lowest_version("Lowest Version value")
            .with_highest_version("Highest Version value")]);
    assert_eq!(built.display_name, decoded.display_name);
    assert_eq!(built.password_required, decoded.password_required);
    assert_eq!(
        built.password_minimum_length,
        decoded.password_minimum_length
    );
    assert_eq!(built.password_required_type, decoded.password_required_type);
    assert_eq!(built.role_scope_tag_ids, decoded.role_scope_tag_ids);
    // The nested range was read with its `@odata.type`; built ones have none.
    let mut ranges = decoded.valid_operating_system_build_ranges.clone();
    if let Nullable::Value(ranges) = &mut ranges {
        for range in ranges {
            range.odata_type = None;
        }
    }
    assert_eq!(built.valid_operating_system_build_ranges, ranges);
}

#[test]
fn reference_status_and_overview_bodies_round_trip() {
    let list = json_of(fixture!("deviceComplianceDeviceStatus-list-response.json"));
    for item in list["value"].as_array().unwrap() {
        let status: DeviceComplianceDeviceStatus = serde_json::from_value(item.clone()).unwrap();
        assert!(status.additional_data.is_empty());
        assert_eq!(&to_json(&status), item);
    }
    let overview =
        entity_of_get_response(fixture!("deviceComplianceDeviceOverview-get-response.json"));
    let decoded: DeviceComplianceDeviceOverview = serde_json::from_value(overview.clone()).unwrap();
    assert_eq!(decoded.pending_count, Some(12));
    assert!(decoded.additional_data.is_empty());
    assert_eq!(to_json(&decoded), overview);
}

// ------------------------------------------------ mock server

/// The shared request checks, and the body sent equal to `body`.
fn assert_sent(request: &Request, method: &str, path: &str, body: Option<&Value>) {
    assert_request(request, method, path, body.is_some());
    if let Some(body) = body {
        assert_eq!(&body_of(request), body);
    }
}

#[tokio::test]
async fn create_a_windows10_policy_built_in_rust_sends_exactly_what_was_set() {
    let server = MockServer::start().await;
    let expected = json!({
        "@odata.type": "#microsoft.graph.windows10CompliancePolicy",
        "displayName": "Windows 10 baseline",
        "description": "BitLocker, Secure Boot and an eight-character password",
        "roleScopeTagIds": ["0"],
        "passwordRequired": true,
        "passwordMinimumLength": 8,
        "passwordRequiredType": "alphanumeric",
        "bitLockerEnabled": true,
        "secureBootEnabled": true,
        "osMinimumVersion": "10.0.19045",
        "validOperatingSystemBuildRanges": [
            { "lowestVersion": "10.0.19045.0", "highestVersion": "10.0.26100.9999" }
        ]
    });
    let response = json_of(fixture!("windows10CompliancePolicy-create-response.json"));
    Mock::given(method("POST"))
        .and(path(POLICIES))
        .and(header("content-type", "application/json"))
        .and(body_json(&expected))
        .respond_with(ResponseTemplate::new(201).set_body_json(&response))
        .expect(1)
        .mount(&server)
        .await;

    let policy = Windows10CompliancePolicy::default()
        .with_display_name("Windows 10 baseline")
        .with_description("BitLocker, Secure Boot and an eight-character password")
        .with_role_scope_tag_ids(["0"])
        .with_password_required(true)
        .with_password_minimum_length(8)
        .with_password_required_type(RequiredPasswordType::Alphanumeric)
        .with_bit_locker_enabled(true)
        .with_secure_boot_enabled(true)
        .with_os_minimum_version("10.0.19045")
        .with_valid_operating_system_build_ranges([OperatingSystemVersionRange::default()
            .with_lowest_version("10.0.19045.0")
            .with_highest_version("10.0.26100.9999")]);
    let created = client_for(&server)
        .device_management()
        .device_compliance_policies()
        .create(&policy.into())
        .await
        .unwrap();

    assert_sent(
        &only_request(&server).await,
        "POST",
        POLICIES,
        Some(&expected),
    );
    assert_eq!(variant_of(&created), Some("windows10CompliancePolicy"));
    assert_eq!(
        created.id(),
        &Some("2919ae62-ae62-2919-62ae-192962ae1929".to_owned())
    );
    assert_eq!(to_json(&created), response);
}

#[tokio::test]
async fn create_sends_the_reference_request_body_exactly() {
    let server = MockServer::start().await;
    let request = json_of(fixture!("windows10CompliancePolicy-create-request.json"));
    let response = json_of(fixture!("windows10CompliancePolicy-create-response.json"));
    Mock::given(method("POST"))
        .and(path(POLICIES))
        .and(body_json(&request))
        .respond_with(ResponseTemplate::new(201).set_body_json(&response))
        .expect(1)
        .mount(&server)
        .await;
    let body: DeviceCompliancePolicy = serde_json::from_value(request.clone()).unwrap();
    let created = client_for(&server)
        .device_management()
        .device_compliance_policies()
        .create(&body)
        .await
        .unwrap();
    assert_sent(
        &only_request(&server).await,
        "POST",
        POLICIES,
        Some(&request),
    );
    assert_eq!(to_json(&created), response);
}

#[tokio::test]
async fn list_decodes_four_policy_types_and_keeps_one_this_schema_lacks() {
    let server = MockServer::start().await;
    let mut items: Vec<Value> = POLICY_BODIES
        .iter()
        .map(|(_, _, _, get)| entity_of_get_response(get))
        .collect();
    // A derived type the 2021 schema does not have (stands for any type the
    // service adds later).
    items.push(json!({
        "@odata.type": "#microsoft.graph.windowsFutureCompliancePolicy",
        "id": "7e1b3c4a-0000-4000-8000-000000000005",
        "createdDateTime": "2026-11-30T08:15:00.1234567Z",
        "description": null,
        "displayName": "A type added after this build",
        "lastModifiedDateTime": "2026-11-30T08:15:00Z",
        "roleScopeTagIds": ["0"],
        "version": 1,
        "futureSetting": { "enabled": true }
    }));
    let page = json!({
        "@odata.context": "https://graph.microsoft.com/beta/$metadata#deviceManagement/deviceCompliancePolicies",
        "value": items
    });
    Mock::given(method("GET"))
        .and(path(POLICIES))
        .respond_with(ResponseTemplate::new(200).set_body_json(&page))
        .expect(1)
        .mount(&server)
        .await;

    let page = client_for(&server)
        .device_management()
        .device_compliance_policies()
        .list()
        .await
        .unwrap();

    assert_sent(&only_request(&server).await, "GET", POLICIES, None);
    assert_eq!(page.next_link, None);
    let variants: Vec<_> = page.value.iter().map(variant_of).collect();
    assert_eq!(
        variants,
        [
            Some("windows10CompliancePolicy"),
            Some("iosCompliancePolicy"),
            Some("macOSCompliancePolicy"),
            Some("androidWorkProfileCompliancePolicy"),
            None,
        ]
    );
    let DeviceCompliancePolicy::Unknown(unknown) = &page.value[4] else {
        panic!("expected Unknown, got {:?}", page.value[4]);
    };
    assert_eq!(
        unknown.odata_type.as_deref(),
        Some("#microsoft.graph.windowsFutureCompliancePolicy")
    );
    assert_eq!(
        unknown.display_name,
        Some("A type added after this build".to_owned())
    );
    assert_eq!(
        unknown.additional_data.keys().collect::<Vec<_>>(),
        ["futureSetting"]
    );
    assert_eq!(to_json(&page.value), Value::Array(items));
}

#[tokio::test]
async fn assign_to_a_group_and_an_exclusion_group() {
    let server = MockServer::start().await;
    let expected = json!({
        "assignments": [
            {
                "target": {
                    "@odata.type": "#microsoft.graph.groupAssignmentTarget",
                    "groupId": "6f0c6a34-1b0f-4c3e-9a5e-2c1f0e3d4b5a"
                }
            },
            {
                "target": {
                    "@odata.type": "#microsoft.graph.exclusionGroupAssignmentTarget",
                    "groupId": "0a9b8c7d-6e5f-4a3b-2c1d-0e9f8a7b6c5d"
                }
            }
        ]
    });
    let answer = json!({
        "value": [
            {
                "@odata.type": "#microsoft.graph.deviceCompliancePolicyAssignment",
                "id": "assignment-1",
                "target": {
                    "@odata.type": "#microsoft.graph.groupAssignmentTarget",
                    "deviceAndAppManagementAssignmentFilterId": null,
                    "deviceAndAppManagementAssignmentFilterType": "none",
                    "groupId": "6f0c6a34-1b0f-4c3e-9a5e-2c1f0e3d4b5a"
                },
                "source": "direct",
                "sourceId": null
            },
            {
                "@odata.type": "#microsoft.graph.deviceCompliancePolicyAssignment",
                "id": "assignment-2",
                "target": {
                    "@odata.type": "#microsoft.graph.exclusionGroupAssignmentTarget",
                    "deviceAndAppManagementAssignmentFilterId": null,
                    "deviceAndAppManagementAssignmentFilterType": "none",
                    "groupId": "0a9b8c7d-6e5f-4a3b-2c1d-0e9f8a7b6c5d"
                },
                "source": "direct",
                "sourceId": null
            }
        ]
    });
    let assign_path = format!("{POLICY}/assign");
    Mock::given(method("POST"))
        .and(path(assign_path.as_str()))
        .and(body_json(&expected))
        .respond_with(ResponseTemplate::new(200).set_body_json(&answer))
        .expect(1)
        .mount(&server)
        .await;

    let assignments = [
        DeviceCompliancePolicyAssignment::default().with_target(
            GroupAssignmentTarget::default().with_group_id("6f0c6a34-1b0f-4c3e-9a5e-2c1f0e3d4b5a"),
        ),
        DeviceCompliancePolicyAssignment::default().with_target(
            ExclusionGroupAssignmentTarget::default()
                .with_group_id("0a9b8c7d-6e5f-4a3b-2c1d-0e9f8a7b6c5d"),
        ),
    ];
    let assigned = client_for(&server)
        .device_management()
        .device_compliance_policies()
        .by_id("policy-1")
        .assign(&assignments)
        .await
        .unwrap();

    assert_sent(
        &only_request(&server).await,
        "POST",
        &assign_path,
        Some(&expected),
    );
    assert_eq!(assigned.len(), 2);
    assert!(matches!(
        &assigned[1].target,
        Nullable::Value(DeviceAndAppManagementAssignmentTarget::ExclusionGroupAssignmentTarget(t))
            if t.group_id == Nullable::Value("0a9b8c7d-6e5f-4a3b-2c1d-0e9f8a7b6c5d".to_owned())
    ));
    assert_eq!(to_json(&assigned), answer["value"]);
}

#[tokio::test]
async fn assign_sends_the_reference_request_body_exactly() {
    let server = MockServer::start().await;
    let request = json_of(fixture!("deviceCompliancePolicy-assign-request.json"));
    let response = json_of(fixture!("deviceCompliancePolicy-assign-response.json"));
    let assign_path = format!("{POLICY}/assign");
    Mock::given(method("POST"))
        .and(path(assign_path.as_str()))
        .and(body_json(&request))
        .respond_with(ResponseTemplate::new(200).set_body_json(&response))
        .expect(1)
        .mount(&server)
        .await;
    let assignments: Vec<DeviceCompliancePolicyAssignment> =
        serde_json::from_value(request["assignments"].clone()).unwrap();
    let assigned = client_for(&server)
        .device_management()
        .device_compliance_policies()
        .by_id("policy-1")
        .assign(&assignments)
        .await
        .unwrap();
    assert_sent(
        &only_request(&server).await,
        "POST",
        &assign_path,
        Some(&request),
    );
    assert_eq!(to_json(&assigned), response["value"]);
}

#[tokio::test]
async fn schedule_a_block_action_for_a_rule() {
    let server = MockServer::start().await;
    let expected = json!({
        "deviceComplianceScheduledActionForRules": [
            {
                "ruleName": "PasswordRequired",
                "scheduledActionConfigurations": [
                    { "actionType": "block", "gracePeriodHours": 0 },
                    {
                        "actionType": "notification",
                        "gracePeriodHours": 24,
                        "notificationTemplateId": "6eb92564-c50c-46a8-b9a3-8aa0d3c09ade",
                        "notificationMessageCCList": ["17ae470d-1d67-4a1d-b55f-c2402b294e6d"]
                    }
                ]
            }
        ]
    });
    let action_path = format!("{POLICY}/scheduleActionsForRules");
    Mock::given(method("POST"))
        .and(path(action_path.as_str()))
        .and(body_json(&expected))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;

    let rule = DeviceComplianceScheduledActionForRule::default()
        .with_rule_name("PasswordRequired")
        .with_scheduled_action_configurations([
            DeviceComplianceActionItem::default()
                .with_action_type(DeviceComplianceActionType::Block)
                .with_grace_period_hours(0),
            DeviceComplianceActionItem::default()
                .with_action_type(DeviceComplianceActionType::Notification)
                .with_grace_period_hours(24)
                .with_notification_template_id("6eb92564-c50c-46a8-b9a3-8aa0d3c09ade")
                .with_notification_message_cc_list(["17ae470d-1d67-4a1d-b55f-c2402b294e6d"]),
        ]);
    client_for(&server)
        .device_management()
        .device_compliance_policies()
        .by_id("policy-1")
        .schedule_actions_for_rules(&[rule])
        .await
        .unwrap();
    assert_sent(
        &only_request(&server).await,
        "POST",
        &action_path,
        Some(&expected),
    );
}

#[tokio::test]
async fn schedule_sends_the_reference_request_body_exactly() {
    let server = MockServer::start().await;
    let request = json_of(fixture!(
        "deviceCompliancePolicy-scheduleActionsForRules-request.json"
    ));
    let action_path = format!("{POLICY}/scheduleActionsForRules");
    Mock::given(method("POST"))
        .and(path(action_path.as_str()))
        .and(body_json(&request))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let rules: Vec<DeviceComplianceScheduledActionForRule> =
        serde_json::from_value(request["deviceComplianceScheduledActionForRules"].clone()).unwrap();
    client_for(&server)
        .device_management()
        .device_compliance_policies()
        .by_id("policy-1")
        .schedule_actions_for_rules(&rules)
        .await
        .unwrap();
    assert_sent(
        &only_request(&server).await,
        "POST",
        &action_path,
        Some(&request),
    );
}

#[tokio::test]
async fn device_statuses_are_read_page_after_page() {
    let server = MockServer::start().await;
    let statuses_path = format!("{POLICY}/deviceStatuses");
    let mut first = json_of(fixture!("deviceComplianceDeviceStatus-list-response.json"));
    first["@odata.nextLink"] = json!(format!("{}{statuses_path}?$skiptoken=page2", server.uri()));
    let second_item = json!({
        "@odata.type": "#microsoft.graph.deviceComplianceDeviceStatus",
        "id": "status-2",
        "deviceDisplayName": "DESKTOP-7Q2K",
        "userName": "Adele Vance",
        "deviceModel": "Surface Laptop 5",
        "platform": 0,
        "complianceGracePeriodExpirationDateTime": "9999-12-31T23:59:59.9999999Z",
        "status": "nonCompliant",
        "lastReportedDateTime": "2026-12-01T17:45:12.3456789+01:00",
        "userPrincipalName": "AdeleV@contoso.example"
    });
    let second = json!({ "value": [second_item] });
    Mock::given(method("GET"))
        .and(path(statuses_path.as_str()))
        .and(query_param_is_missing("$skiptoken"))
        .respond_with(ResponseTemplate::new(200).set_body_json(&first))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(statuses_path.as_str()))
        .and(query_param("$skiptoken", "page2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(&second))
        .expect(1)
        .mount(&server)
        .await;

    let statuses: Vec<DeviceComplianceDeviceStatus> = client_for(&server)
        .device_management()
        .device_compliance_policies()
        .by_id("policy-1")
        .device_statuses()
        .stream()
        .try_collect()
        .await
        .unwrap();

    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].url.path(), statuses_path);
    assert_eq!(requests[0].url.query(), None);
    assert_eq!(requests[1].url.path(), statuses_path);
    assert_eq!(requests[1].url.query(), Some("$skiptoken=page2"));
    let mut expected = first["value"].as_array().unwrap().clone();
    expected.push(second_item);
    assert_eq!(statuses.len(), expected.len());
    assert_eq!(
        statuses.last().unwrap().status,
        Some(ComplianceStatus::NonCompliant)
    );
    assert_eq!(to_json(&statuses), Value::Array(expected));
}

#[tokio::test]
async fn read_the_device_status_overview() {
    let server = MockServer::start().await;
    let overview_path = format!("{POLICY}/deviceStatusOverview");
    let body = entity_of_get_response(fixture!("deviceComplianceDeviceOverview-get-response.json"));
    Mock::given(method("GET"))
        .and(path(overview_path.as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(&body))
        .expect(1)
        .mount(&server)
        .await;
    let overview = client_for(&server)
        .device_management()
        .device_compliance_policies()
        .by_id("policy-1")
        .device_status_overview()
        .get()
        .await
        .unwrap();
    assert_sent(&only_request(&server).await, "GET", &overview_path, None);
    assert_eq!(overview.success_count, Some(12));
    assert_eq!(overview.failed_count, Some(11));
    assert_eq!(overview.configuration_version, Some(4));
    assert_eq!(to_json(&overview), body);
}

#[test]
fn date_times_in_a_policy_body_round_trip_byte_for_byte() {
    // 0, 1, 3, 6, 7 and 9 fractional digits, with `Z` and both offset signs.
    let texts = [
        "2017-01-01T00:02:43Z",
        "2017-01-01T00:02:43.5Z",
        "2017-01-01T00:02:43.577+05:30",
        "2017-01-01T00:02:43.577596-08:00",
        "2017-01-01T00:02:43.5775965-08:00",
        "2017-01-01T00:02:43.577596500Z",
        "2017-01-01T00:02:43.0000000+00:00",
    ];
    let template = entity_of_get_response(fixture!("iosCompliancePolicy-get-response.json"));
    for text in texts {
        let mut body = template.clone();
        body["createdDateTime"] = json!(text);
        body["lastModifiedDateTime"] = json!(text);
        let wire = serde_json::to_string(&body).unwrap();
        let policy: DeviceCompliancePolicy = serde_json::from_str(&wire).unwrap();
        assert_eq!(variant_of(&policy), Some("iosCompliancePolicy"));
        assert_eq!(
            policy.created_date_time().as_ref().map(ToString::to_string),
            Some(text.to_owned())
        );
        // The members come back in schema order, so compare the date-time
        // members as text and the whole body as JSON.
        let written = serde_json::to_string(&policy).unwrap();
        for member in ["createdDateTime", "lastModifiedDateTime"] {
            let exact = format!("\"{member}\":\"{text}\"");
            assert!(written.contains(&exact), "{exact} not in {written}");
        }
        assert_eq!(json_of(&written), body, "{text}");
    }
}
