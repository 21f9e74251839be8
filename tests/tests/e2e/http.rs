//! HTTP round trips of the generated request builders for
//! `deviceManagement/deviceCompliancePolicies/{id}/assignments`, against a
//! local wiremock server.
//!
//! The bodies are the ones of the Graph beta reference page
//! "Update deviceCompliancePolicyAssignment" (the seed page).

use graph_intune::models::{
    DeviceAndAppManagementAssignmentFilterType, DeviceAndAppManagementAssignmentSource,
    DeviceAndAppManagementAssignmentTarget, DeviceCompliancePolicyAssignment,
    GroupAssignmentTarget,
};
use graph_intune::{DecodeError, GraphError, Nullable, ServiceError};
use serde_json::{json, Value};
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use graph_intune_tests::mock::{assert_request, body_of, client_for, header_value, only_request};
use graph_intune_tests::seed::{REQUEST as SEED_REQUEST, RESPONSE as SEED_RESPONSE};

const POLICY: &str = "policy-1";
const ASSIGNMENT: &str = "assignment-1";
const ITEM_PATH: &str =
    "/beta/deviceManagement/deviceCompliancePolicies/policy-1/assignments/assignment-1";
const COLLECTION_PATH: &str =
    "/beta/deviceManagement/deviceCompliancePolicies/policy-1/assignments";
const ASSIGN_PATH: &str = "/beta/deviceManagement/deviceCompliancePolicies/policy-1/assign";

// ---------------------------------------------------------------- helpers

fn json_of(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

fn seed_request() -> DeviceCompliancePolicyAssignment {
    serde_json::from_str(SEED_REQUEST).unwrap()
}

fn seed_response() -> DeviceCompliancePolicyAssignment {
    serde_json::from_str(SEED_RESPONSE).unwrap()
}

/// A second assignment, to a group, as the service would answer it.
fn group_assignment_json(id: &str, group: &str) -> Value {
    json!({
        "@odata.type": "#microsoft.graph.deviceCompliancePolicyAssignment",
        "id": id,
        "target": {
            "@odata.type": "#microsoft.graph.groupAssignmentTarget",
            "deviceAndAppManagementAssignmentFilterId": null,
            "deviceAndAppManagementAssignmentFilterType": "none",
            "groupId": group
        },
        "source": "direct",
        "sourceId": null
    })
}

fn expect_service<T: std::fmt::Debug>(result: Result<T, GraphError>) -> ServiceError {
    match result {
        Err(GraphError::Service(error)) => *error,
        other => panic!("expected GraphError::Service, got {other:?}"),
    }
}

fn expect_decode<T: std::fmt::Debug>(result: Result<T, GraphError>) -> DecodeError {
    match result {
        Err(GraphError::Decode(error)) => *error,
        other => panic!("expected GraphError::Decode, got {other:?}"),
    }
}

// ---------------------------------------------------------------- update

#[tokio::test]
async fn update_sends_the_seed_patch_and_decodes_the_seed_response() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .and(path(ITEM_PATH))
        .and(header("authorization", "Bearer test-token"))
        .and(header("accept", "application/json"))
        .and(header("content-type", "application/json"))
        .and(body_json(json_of(SEED_REQUEST)))
        .respond_with(ResponseTemplate::new(200).set_body_raw(SEED_RESPONSE, "application/json"))
        .expect(1)
        .mount(&server)
        .await;

    let client = client_for(&server);
    let updated = client
        .device_management()
        .device_compliance_policies()
        .by_id(POLICY)
        .assignments()
        .by_id(ASSIGNMENT)
        .update(&seed_request())
        .await
        .unwrap()
        .expect("a 200 answer with a body gives the updated entity");

    assert_eq!(updated, seed_response());
    assert_eq!(
        serde_json::to_value(&updated).unwrap(),
        json_of(SEED_RESPONSE)
    );

    let request = only_request(&server).await;
    assert_request(&request, "PATCH", ITEM_PATH, true);
    assert_eq!(body_of(&request), json_of(SEED_REQUEST));
}

#[tokio::test]
async fn update_sends_only_the_properties_set_and_explicit_nulls() {
    let server = MockServer::start().await;
    let expected_body = json!({"sourceId": null});
    Mock::given(method("PATCH"))
        .and(path(ITEM_PATH))
        .and(body_json(&expected_body))
        .respond_with(ResponseTemplate::new(200).set_body_raw(SEED_RESPONSE, "application/json"))
        .expect(1)
        .mount(&server)
        .await;

    let mut patch = DeviceCompliancePolicyAssignment::default();
    patch.source_id = Nullable::Null;
    let client = client_for(&server);
    let updated = client
        .device_management()
        .device_compliance_policies()
        .by_id(POLICY)
        .assignments()
        .by_id(ASSIGNMENT)
        .update(&patch)
        .await
        .unwrap();
    assert_eq!(updated, Some(seed_response()));

    let request = only_request(&server).await;
    assert_request(&request, "PATCH", ITEM_PATH, true);
    assert_eq!(body_of(&request), expected_body);
}

#[tokio::test]
async fn update_answered_with_no_content_returns_none() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .and(path(ITEM_PATH))
        .and(body_json(json_of(SEED_REQUEST)))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;

    let client = client_for(&server);
    let updated = client
        .device_management()
        .device_compliance_policies()
        .by_id(POLICY)
        .assignments()
        .by_id(ASSIGNMENT)
        .update(&seed_request())
        .await
        .unwrap();
    assert_eq!(updated, None);

    let request = only_request(&server).await;
    assert_request(&request, "PATCH", ITEM_PATH, true);
    assert_eq!(body_of(&request), json_of(SEED_REQUEST));
}

// ---------------------------------------------------------------- get

#[tokio::test]
async fn get_sends_get_without_body_or_content_type() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(ITEM_PATH))
        .and(header("authorization", "Bearer test-token"))
        .and(header("accept", "application/json"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(SEED_RESPONSE, "application/json"))
        .expect(1)
        .mount(&server)
        .await;

    let client = client_for(&server);
    let got = client
        .device_management()
        .device_compliance_policies()
        .by_id(POLICY)
        .assignments()
        .by_id(ASSIGNMENT)
        .get()
        .await
        .unwrap();

    assert_eq!(got, seed_response());
    assert_eq!(serde_json::to_value(&got).unwrap(), json_of(SEED_RESPONSE));

    let request = only_request(&server).await;
    assert_request(&request, "GET", ITEM_PATH, false);
}

// ---------------------------------------------------------------- list

#[tokio::test]
async fn list_returns_typed_items_the_next_link_and_other_members() {
    let server = MockServer::start().await;
    let context = "https://graph.microsoft.com/beta/$metadata#deviceManagement/deviceCompliancePolicies('policy-1')/assignments";
    let next_link = format!("{}{COLLECTION_PATH}?$skiptoken=page2", server.uri());
    let second = group_assignment_json("assignment-2", "group-2");
    let page_json = json!({
        "@odata.context": context,
        "value": [json_of(SEED_RESPONSE), second.clone()],
        "@odata.nextLink": next_link,
    });
    Mock::given(method("GET"))
        .and(path(COLLECTION_PATH))
        .and(header("authorization", "Bearer test-token"))
        .and(header("accept", "application/json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(&page_json))
        .expect(1)
        .mount(&server)
        .await;

    let client = client_for(&server);
    let page = client
        .device_management()
        .device_compliance_policies()
        .by_id(POLICY)
        .assignments()
        .list()
        .await
        .unwrap();

    assert_eq!(page.value.len(), 2);
    assert_eq!(page.value[0], seed_response());
    let expected_second: DeviceCompliancePolicyAssignment =
        serde_json::from_value(second.clone()).unwrap();
    assert_eq!(page.value[1], expected_second);
    assert_eq!(serde_json::to_value(&page.value[1]).unwrap(), second);
    let Nullable::Value(DeviceAndAppManagementAssignmentTarget::GroupAssignmentTarget(target)) =
        &page.value[1].target
    else {
        panic!("expected a group target, got {:?}", page.value[1].target);
    };
    assert_eq!(target.group_id, Nullable::Value("group-2".to_owned()));
    assert_eq!(
        target.device_and_app_management_assignment_filter_id,
        Nullable::Null
    );
    assert_eq!(
        page.value[1].source,
        Some(DeviceAndAppManagementAssignmentSource::Direct)
    );
    assert_eq!(page.value[1].source_id, Nullable::Null);

    assert_eq!(page.next_link.as_deref(), Some(next_link.as_str()));
    assert!(!page.is_last());
    assert_eq!(page.count, None);
    let mut other = serde_json::Map::new();
    other.insert("@odata.context".to_owned(), json!(context));
    assert_eq!(page.additional_data, other);
    // The page as a whole is lossless too.
    assert_eq!(serde_json::to_value(&page).unwrap(), page_json);

    let request = only_request(&server).await;
    assert_request(&request, "GET", COLLECTION_PATH, false);
}

#[tokio::test]
async fn list_next_link_is_followed_by_the_client() {
    let server = MockServer::start().await;
    let next_link = format!("{}{COLLECTION_PATH}?$skiptoken=page2", server.uri());
    Mock::given(method("GET"))
        .and(path(COLLECTION_PATH))
        .and(wiremock::matchers::query_param_is_missing("$skiptoken"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "value": [json_of(SEED_RESPONSE)],
            "@odata.nextLink": next_link,
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(COLLECTION_PATH))
        .and(wiremock::matchers::query_param("$skiptoken", "page2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "value": [group_assignment_json("assignment-2", "group-2")],
        })))
        .expect(1)
        .mount(&server)
        .await;

    let client = client_for(&server);
    let first = client
        .device_management()
        .device_compliance_policies()
        .by_id(POLICY)
        .assignments()
        .list()
        .await
        .unwrap();
    let second = client.next_page(&first).await.unwrap().unwrap();
    assert_eq!(
        second.value,
        vec![
            serde_json::from_value::<DeviceCompliancePolicyAssignment>(group_assignment_json(
                "assignment-2",
                "group-2"
            ))
            .unwrap()
        ]
    );
    assert!(second.is_last());
    assert!(client.next_page(&second).await.unwrap().is_none());

    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 2);
    assert_request(&requests[0], "GET", COLLECTION_PATH, false);
    assert_eq!(requests[1].method.as_str(), "GET");
    assert_eq!(requests[1].url.path(), COLLECTION_PATH);
    assert_eq!(requests[1].url.query(), Some("$skiptoken=page2"));
    assert_eq!(
        header_value(&requests[1], "authorization"),
        Some("Bearer test-token")
    );
}

// ---------------------------------------------------------------- create

#[tokio::test]
async fn create_posts_to_the_collection_and_returns_the_created_entity() {
    let server = MockServer::start().await;
    // Built in Rust: the polymorphic target gets its `#microsoft.graph.…` type,
    // the plain assignment gets none, unset properties are absent.
    let mut target = GroupAssignmentTarget::default();
    target.group_id = Nullable::Value("group-2".to_owned());
    target.device_and_app_management_assignment_filter_type =
        Some(DeviceAndAppManagementAssignmentFilterType::None);
    let mut new_assignment = DeviceCompliancePolicyAssignment::default();
    new_assignment.target =
        Nullable::Value(DeviceAndAppManagementAssignmentTarget::GroupAssignmentTarget(target));
    new_assignment.source = Some(DeviceAndAppManagementAssignmentSource::Direct);
    let expected_body = json!({
        "target": {
            "@odata.type": "#microsoft.graph.groupAssignmentTarget",
            "deviceAndAppManagementAssignmentFilterType": "none",
            "groupId": "group-2"
        },
        "source": "direct"
    });
    let created_json = group_assignment_json("assignment-2", "group-2");

    Mock::given(method("POST"))
        .and(path(COLLECTION_PATH))
        .and(header("authorization", "Bearer test-token"))
        .and(header("accept", "application/json"))
        .and(header("content-type", "application/json"))
        .and(body_json(&expected_body))
        .respond_with(ResponseTemplate::new(201).set_body_json(&created_json))
        .expect(1)
        .mount(&server)
        .await;

    let client = client_for(&server);
    let created = client
        .device_management()
        .device_compliance_policies()
        .by_id(POLICY)
        .assignments()
        .create(&new_assignment)
        .await
        .unwrap();

    assert_eq!(created.id.as_deref(), Some("assignment-2"));
    assert_eq!(
        created,
        serde_json::from_value::<DeviceCompliancePolicyAssignment>(created_json.clone()).unwrap()
    );
    assert_eq!(serde_json::to_value(&created).unwrap(), created_json);

    let request = only_request(&server).await;
    assert_request(&request, "POST", COLLECTION_PATH, true);
    assert_eq!(body_of(&request), expected_body);
}

// ---------------------------------------------------------------- delete

#[tokio::test]
async fn delete_sends_delete_and_accepts_no_content() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path(ITEM_PATH))
        .and(header("authorization", "Bearer test-token"))
        .and(header("accept", "application/json"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;

    let client = client_for(&server);
    client
        .device_management()
        .device_compliance_policies()
        .by_id(POLICY)
        .assignments()
        .by_id(ASSIGNMENT)
        .delete()
        .await
        .unwrap();

    let request = only_request(&server).await;
    assert_request(&request, "DELETE", ITEM_PATH, false);
}

// ---------------------------------------------------------------- assign

#[tokio::test]
async fn assign_posts_the_assignments_and_unwraps_the_value() {
    let server = MockServer::start().await;
    let first = seed_request();
    let second: DeviceCompliancePolicyAssignment =
        serde_json::from_value(group_assignment_json("assignment-2", "group-2")).unwrap();
    let expected_body = json!({
        "assignments": [json_of(SEED_REQUEST), group_assignment_json("assignment-2", "group-2")]
    });
    let answer = json!({
        "@odata.context": "https://graph.microsoft.com/beta/$metadata#Collection(microsoft.graph.deviceCompliancePolicyAssignment)",
        "value": [json_of(SEED_RESPONSE), group_assignment_json("assignment-2", "group-2")]
    });
    Mock::given(method("POST"))
        .and(path(ASSIGN_PATH))
        .and(header("authorization", "Bearer test-token"))
        .and(header("accept", "application/json"))
        .and(header("content-type", "application/json"))
        .and(body_json(&expected_body))
        .respond_with(ResponseTemplate::new(200).set_body_json(&answer))
        .expect(1)
        .mount(&server)
        .await;

    let client = client_for(&server);
    let assigned = client
        .device_management()
        .device_compliance_policies()
        .by_id(POLICY)
        .assign(&[first, second.clone()])
        .await
        .unwrap();

    assert_eq!(assigned, vec![seed_response(), second]);
    assert_eq!(
        serde_json::to_value(&assigned).unwrap(),
        json!([
            json_of(SEED_RESPONSE),
            group_assignment_json("assignment-2", "group-2")
        ])
    );

    let request = only_request(&server).await;
    assert_request(&request, "POST", ASSIGN_PATH, true);
    assert_eq!(body_of(&request), expected_body);
}

// ---------------------------------------------------------------- key encoding

#[tokio::test]
async fn keys_are_percent_encoded_into_one_path_segment() {
    let server = MockServer::start().await;
    let item_path =
        "/beta/deviceManagement/deviceCompliancePolicies/p%2F1%20x%27y/assignments/a%2Fb%20c%27d";
    let assign_path = "/beta/deviceManagement/deviceCompliancePolicies/p%2F1%20x%27y/assign";
    Mock::given(method("GET"))
        .and(path(item_path))
        .respond_with(ResponseTemplate::new(200).set_body_raw(SEED_RESPONSE, "application/json"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(assign_path))
        .and(body_json(json!({"assignments": []})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"value": []})))
        .expect(1)
        .mount(&server)
        .await;

    let client = client_for(&server);
    let policy = client
        .device_management()
        .device_compliance_policies()
        .by_id("p/1 x'y");
    let item = policy.assignments().by_id("a/b c'd");
    assert_eq!(
        item.path(),
        "/deviceManagement/deviceCompliancePolicies/p%2F1%20x%27y/assignments/a%2Fb%20c%27d"
    );
    assert_eq!(item.get().await.unwrap(), seed_response());
    let assigned = policy.assign(&[]).await.unwrap();
    assert_eq!(assigned, Vec::<DeviceCompliancePolicyAssignment>::new());

    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 2);
    assert_request(&requests[0], "GET", item_path, false);
    assert_request(&requests[1], "POST", assign_path, true);
    assert_eq!(body_of(&requests[1]), json!({"assignments": []}));
}

// ---------------------------------------------------------------- errors

/// The generated builders return the runtime's `ServiceError` unchanged
/// (how the runtime reads Graph's error body is the `client` tests' part).
#[tokio::test]
async fn a_missing_assignment_read_through_the_generated_builders_is_a_service_error() {
    let server = MockServer::start().await;
    let body = json!({
        "error": {
            "code": "ResourceNotFound",
            "message": "The assignment 'assignment-1' was not found.",
            "innerError": {
                "date": "2024-08-01T10:00:00",
                "request-id": "5f6a0b1c-0000-4000-8000-000000000001",
                "client-request-id": "5f6a0b1c-0000-4000-8000-000000000002"
            }
        }
    });
    Mock::given(method("GET"))
        .and(path(ITEM_PATH))
        .respond_with(ResponseTemplate::new(404).set_body_json(&body))
        .expect(1)
        .mount(&server)
        .await;

    let client = client_for(&server);
    let result = client
        .device_management()
        .device_compliance_policies()
        .by_id(POLICY)
        .assignments()
        .by_id(ASSIGNMENT)
        .get()
        .await;
    let error = expect_service(result);
    assert_eq!(error.status.as_u16(), 404);
    assert_eq!(error.code.as_deref(), Some("ResourceNotFound"));
    assert_eq!(
        error.message.as_deref(),
        Some("The assignment 'assignment-1' was not found.")
    );
    assert_eq!(
        error.request_id.as_deref(),
        Some("5f6a0b1c-0000-4000-8000-000000000001")
    );
    assert_eq!(
        error.client_request_id.as_deref(),
        Some("5f6a0b1c-0000-4000-8000-000000000002")
    );
    assert_eq!(error.date.as_deref(), Some("2024-08-01T10:00:00"));
    assert_eq!(json_of(&error.body), body);
}

#[tokio::test]
async fn bad_gateway_with_html_body_keeps_the_raw_body() {
    let server = MockServer::start().await;
    let html = "<html>\n<head><title>502 Bad Gateway</title></head>\n<body><h1>502 Bad Gateway</h1></body>\n</html>\n";
    Mock::given(method("PATCH"))
        .and(path(ITEM_PATH))
        .respond_with(ResponseTemplate::new(502).set_body_raw(html, "text/html"))
        .expect(1)
        .mount(&server)
        .await;

    let client = client_for(&server);
    let result = client
        .device_management()
        .device_compliance_policies()
        .by_id(POLICY)
        .assignments()
        .by_id(ASSIGNMENT)
        .update(&seed_request())
        .await;
    let error = expect_service(result);
    assert_eq!(error.status.as_u16(), 502);
    assert_eq!(error.body, html);
    assert_eq!(error.code, None);
    assert_eq!(error.message, None);
    assert_eq!(error.request_id, None);
    assert_eq!(error.client_request_id, None);
    assert_eq!(error.date, None);
}

/// Answers `GET` on the item with `body` (status 200) and returns the error.
async fn decode_error_for_get(body: Value) -> DecodeError {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(ITEM_PATH))
        .respond_with(ResponseTemplate::new(200).set_body_json(&body))
        .expect(1)
        .mount(&server)
        .await;
    let client = client_for(&server);
    let result = client
        .device_management()
        .device_compliance_policies()
        .by_id(POLICY)
        .assignments()
        .by_id(ASSIGNMENT)
        .get()
        .await;
    let error = expect_decode(result);
    assert_eq!(error.status.as_u16(), 200);
    assert_eq!(json_of(&error.body), body);
    error
}

#[tokio::test]
async fn decode_error_names_a_mistyped_id() {
    let error = decode_error_for_get(json!({"id": 5})).await;
    assert_eq!(error.path, "id");
}

#[tokio::test]
async fn decode_error_names_a_mistyped_enum_property() {
    let error = decode_error_for_get(json!({"source": 7})).await;
    assert_eq!(error.path, "source");
}

#[tokio::test]
async fn decode_error_names_a_mistyped_property_inside_the_polymorphic_target() {
    // `DecodeError::path` is documented as "the JSON path of the offending
    // value, such as `target.groupId`".
    let error = decode_error_for_get(json!({
        "id": "assignment-1",
        "target": {"@odata.type": "#microsoft.graph.groupAssignmentTarget", "groupId": 5}
    }))
    .await;
    assert_eq!(error.path, "target.groupId");
}

#[tokio::test]
async fn decode_error_in_a_list_names_the_item_and_field() {
    let server = MockServer::start().await;
    let body = json!({"value": [json_of(SEED_RESPONSE), {"id": "x", "source": 7}]});
    Mock::given(method("GET"))
        .and(path(COLLECTION_PATH))
        .respond_with(ResponseTemplate::new(200).set_body_json(&body))
        .expect(1)
        .mount(&server)
        .await;
    let client = client_for(&server);
    let result = client
        .device_management()
        .device_compliance_policies()
        .by_id(POLICY)
        .assignments()
        .list()
        .await;
    let error = expect_decode(result);
    assert_eq!(error.status.as_u16(), 200);
    assert_eq!(error.path, "value[1].source");
}

#[tokio::test]
async fn decode_error_in_the_assign_answer_names_the_item_and_field() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(ASSIGN_PATH))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"value": [{"id": 5}]})))
        .expect(1)
        .mount(&server)
        .await;
    let client = client_for(&server);
    let result = client
        .device_management()
        .device_compliance_policies()
        .by_id(POLICY)
        .assign(&[seed_request()])
        .await;
    let error = expect_decode(result);
    assert_eq!(error.status.as_u16(), 200);
    assert_eq!(error.path, "value[0].id");
}
