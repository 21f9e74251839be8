//! Load: many concurrent assignment updates through the generated request
//! builders against a local wiremock server, with and without throttling.
//!
//! The mock applies an update (records it) only when it answers `200`, so
//! "applied exactly once" means one `200` per assignment, whatever the
//! retries.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use graph_intune::models::{
    DeviceAndAppManagementAssignmentSource, DeviceAndAppManagementAssignmentTarget,
    DeviceCompliancePolicyAssignment, GroupAssignmentTarget,
};
use graph_intune::{GraphClient, GraphError, Nullable, RetryPolicy};
use serde_json::{json, Value};
use wiremock::matchers::{method, path_regex};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const TOKEN: &str = "load-test-token";
const UPDATES: usize = 200;
const ASSIGNMENTS_PATH: &str =
    r"^/beta/deviceManagement/deviceCompliancePolicies/[^/]+/assignments/[^/]+$";

fn policy_id(n: usize) -> String {
    format!("policy-{}", n % 10)
}

fn assignment_id(n: usize) -> String {
    format!("assignment-{n}")
}

fn group_id(n: usize) -> String {
    format!("group-{n}")
}

fn item_path(n: usize) -> String {
    format!(
        "/beta/deviceManagement/deviceCompliancePolicies/{}/assignments/{}",
        policy_id(n),
        assignment_id(n)
    )
}

/// The update of assignment `n`: target the group `group-n`.
fn update_body(n: usize) -> DeviceCompliancePolicyAssignment {
    let mut target = GroupAssignmentTarget::default();
    target.group_id = Nullable::Value(group_id(n));
    let mut assignment = DeviceCompliancePolicyAssignment::default();
    assignment.target =
        Nullable::Value(DeviceAndAppManagementAssignmentTarget::GroupAssignmentTarget(target));
    assignment.source = Some(DeviceAndAppManagementAssignmentSource::Direct);
    assignment
}

fn expected_json(n: usize) -> Value {
    json!({
        "target": {
            "@odata.type": "#microsoft.graph.groupAssignmentTarget",
            "groupId": group_id(n)
        },
        "source": "direct"
    })
}

/// What the mock saw for one assignment path.
#[derive(Default, Debug)]
struct Seen {
    /// Every request body, in arrival order.
    bodies: Vec<Vec<u8>>,
    /// Every client-request-id, in arrival order.
    client_request_ids: Vec<String>,
    /// How many times the update was applied (answered 200).
    applied: usize,
}

/// A mock Graph that answers each assignment update with the updated
/// entity (the body plus its id), except that the first request for every
/// assignment whose number is a multiple of `throttle_every` (if any) is
/// answered `429` with `Retry-After: 1`.
#[derive(Clone)]
struct Assignments {
    seen: Arc<Mutex<HashMap<String, Seen>>>,
    throttle_every: Option<usize>,
}

impl Assignments {
    fn new(throttle_every: Option<usize>) -> Self {
        Assignments {
            seen: Arc::default(),
            throttle_every,
        }
    }
}

impl Respond for Assignments {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let path = request.url.path().to_owned();
        let number: Option<usize> = path
            .rsplit_once("assignment-")
            .and_then(|(_, n)| n.parse().ok());
        let Ok(mut seen) = self.seen.lock() else {
            return ResponseTemplate::new(500);
        };
        let entry = seen.entry(path).or_default();
        entry.bodies.push(request.body.clone());
        entry.client_request_ids.push(
            request
                .headers
                .get("client-request-id")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned(),
        );
        let throttled = match (self.throttle_every, number) {
            (Some(every), Some(n)) => n % every == 0 && entry.bodies.len() == 1,
            _ => false,
        };
        if throttled {
            return ResponseTemplate::new(429)
                .insert_header("retry-after", "1")
                .set_body_json(
                    json!({"error": {"code": "TooManyRequests", "message": "slow down"}}),
                );
        }
        let Ok(Value::Object(mut body)) = serde_json::from_slice::<Value>(&request.body) else {
            return ResponseTemplate::new(400);
        };
        entry.applied += 1;
        body.insert(
            "id".to_owned(),
            Value::String(format!("assignment-{}", number.unwrap_or(usize::MAX))),
        );
        body.insert(
            "@odata.type".to_owned(),
            json!("#microsoft.graph.deviceCompliancePolicyAssignment"),
        );
        ResponseTemplate::new(200).set_body_json(Value::Object(body))
    }
}

async fn start(throttle_every: Option<usize>) -> (MockServer, Assignments, GraphClient) {
    let server = MockServer::start().await;
    let responder = Assignments::new(throttle_every);
    Mock::given(method("PATCH"))
        .and(path_regex(ASSIGNMENTS_PATH))
        .respond_with(responder.clone())
        .mount(&server)
        .await;
    let client = GraphClient::builder()
        .base_url(format!("{}/beta", server.uri()))
        .bearer_token(TOKEN)
        .retry(RetryPolicy::default().total_budget(Duration::from_secs(10)))
        .build()
        .expect("valid client");
    (server, responder, client)
}

/// Sends the `UPDATES` updates at once and returns their results by number.
async fn update_all(
    client: &GraphClient,
) -> Vec<(
    usize,
    Result<Option<DeviceCompliancePolicyAssignment>, GraphError>,
)> {
    let mut tasks = tokio::task::JoinSet::new();
    for n in 0..UPDATES {
        let client = client.clone();
        tasks.spawn(async move {
            let result = client
                .device_management()
                .device_compliance_policies()
                .by_id(&policy_id(n))
                .assignments()
                .by_id(&assignment_id(n))
                .update(&update_body(n))
                .await;
            (n, result)
        });
    }
    let mut results = Vec::with_capacity(UPDATES);
    while let Some(joined) = tasks.join_next().await {
        results.push(joined.expect("the task ran to completion"));
    }
    results.sort_by_key(|(n, _)| *n);
    results
}

/// Asserts that every update succeeded and returned its own entity.
fn assert_all_updated(
    results: &[(
        usize,
        Result<Option<DeviceCompliancePolicyAssignment>, GraphError>,
    )],
) {
    assert_eq!(results.len(), UPDATES);
    for (n, result) in results {
        let updated = match result {
            Ok(Some(updated)) => updated,
            other => panic!("update {n}: expected the updated entity, got {other:?}"),
        };
        assert_eq!(updated.id.as_deref(), Some(assignment_id(*n).as_str()));
        let Nullable::Value(DeviceAndAppManagementAssignmentTarget::GroupAssignmentTarget(target)) =
            &updated.target
        else {
            panic!(
                "update {n}: expected a group target, got {:?}",
                updated.target
            );
        };
        assert_eq!(target.group_id, Nullable::Value(group_id(*n)));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_concurrent_updates_all_succeed_with_the_right_bodies() {
    let (server, responder, client) = start(None).await;

    let results = update_all(&client).await;
    assert_all_updated(&results);
    assert_eq!(
        server.received_requests().await.map(|r| r.len()),
        Some(UPDATES)
    );

    let seen = responder.seen.lock().expect("not poisoned");
    assert_eq!(seen.len(), UPDATES, "one path per update");
    for n in 0..UPDATES {
        let entry = &seen[&item_path(n)];
        assert_eq!(entry.applied, 1, "update {n}");
        assert_eq!(entry.bodies.len(), 1, "update {n} sent once");
        let body: Value = serde_json::from_slice(&entry.bodies[0]).expect("JSON body");
        assert_eq!(body, expected_json(n), "update {n}");
    }
    let ids: std::collections::HashSet<_> = seen
        .values()
        .flat_map(|entry| entry.client_request_ids.iter())
        .collect();
    assert_eq!(ids.len(), UPDATES, "a client-request-id per update");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_one_update_in_five_throttled_every_update_is_applied_exactly_once() {
    let (server, responder, client) = start(Some(5)).await;

    let started = Instant::now();
    let results = update_all(&client).await;
    let elapsed = started.elapsed();
    assert_all_updated(&results);
    assert!(
        elapsed >= Duration::from_secs(1),
        "throttled updates waited for Retry-After ({elapsed:?})"
    );

    let throttled = UPDATES / 5;
    assert_eq!(
        server.received_requests().await.map(|r| r.len()),
        Some(UPDATES + throttled)
    );
    let seen = responder.seen.lock().expect("not poisoned");
    assert_eq!(seen.len(), UPDATES);
    for n in 0..UPDATES {
        let entry = &seen[&item_path(n)];
        assert_eq!(entry.applied, 1, "update {n} applied exactly once");
        let expected_sends = if n % 5 == 0 { 2 } else { 1 };
        assert_eq!(entry.bodies.len(), expected_sends, "update {n}");
        for body in &entry.bodies {
            let body: Value = serde_json::from_slice(body).expect("JSON body");
            assert_eq!(body, expected_json(n), "update {n}");
        }
        // A retry is the same logical request.
        assert!(
            entry
                .client_request_ids
                .iter()
                .all(|id| *id == entry.client_request_ids[0]),
            "update {n}: {:?}",
            entry.client_request_ids
        );
    }
}
