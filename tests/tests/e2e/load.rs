//! Load: many concurrent assignment updates through the generated request
//! builders against a local wiremock server, with and without throttling,
//! sent alone or through JSON batches.
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

/// Mounts `responder` for `http_method` on paths matching `path` (a regex), and
/// a client of the server that retries as `retry` says.
async fn start<R: Respond + Clone + 'static>(
    responder: &R,
    (http_method, path): (&str, &str),
    retry: RetryPolicy,
) -> (MockServer, GraphClient) {
    let server = MockServer::start().await;
    Mock::given(method(http_method))
        .and(path_regex(path))
        .respond_with(responder.clone())
        .mount(&server)
        .await;
    let client = GraphClient::builder()
        .base_url(format!("{}/beta", server.uri()))
        .bearer_token(TOKEN)
        .retry(retry)
        .build()
        .expect("valid client");
    (server, client)
}

/// The alone-sent updates' server, answering one assignment in
/// `throttle_every` (if any) `429` first.
async fn start_alone(throttle_every: Option<usize>) -> (MockServer, Assignments, GraphClient) {
    let responder = Assignments::new(throttle_every);
    let retry = RetryPolicy::default().total_budget(Duration::from_secs(10));
    let (server, client) = start(&responder, ("PATCH", ASSIGNMENTS_PATH), retry).await;
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
    count: usize,
) {
    assert_eq!(results.len(), count);
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
    let (server, responder, client) = start_alone(None).await;

    let results = update_all(&client).await;
    assert_all_updated(&results, UPDATES);
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
    let (server, responder, client) = start_alone(Some(5)).await;

    let started = Instant::now();
    let results = update_all(&client).await;
    let elapsed = started.elapsed();
    assert_all_updated(&results, UPDATES);
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

// ------------------------------------------------------------ through batches

/// Updates sent through batches.
const BATCHED_UPDATES: usize = 1_000;

/// A mock `$batch` endpoint that applies each `PATCH` step (counting it per
/// URL) and answers it with the updated entity, except that every fifth step
/// it is sent, counted over all posts, is answered `429` and not applied.
#[derive(Clone, Default)]
struct BatchedAssignments {
    /// Steps seen, over all posts.
    steps: Arc<Mutex<usize>>,
    /// Per step URL: (times sent, times applied).
    seen: Arc<Mutex<HashMap<String, (usize, usize)>>>,
    /// Steps answered 429.
    throttled: Arc<Mutex<usize>>,
}

impl Respond for BatchedAssignments {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let Ok(body) = serde_json::from_slice::<Value>(&request.body) else {
            return ResponseTemplate::new(400);
        };
        let Some(steps) = body["requests"].as_array() else {
            return ResponseTemplate::new(400);
        };
        let (Ok(mut count), Ok(mut seen), Ok(mut throttled)) =
            (self.steps.lock(), self.seen.lock(), self.throttled.lock())
        else {
            return ResponseTemplate::new(500);
        };
        let mut answers = Vec::with_capacity(steps.len());
        for step in steps {
            *count += 1;
            let url = step["url"].as_str().unwrap_or_default().to_owned();
            let entry = seen.entry(url.clone()).or_default();
            entry.0 += 1;
            if *count % 5 == 0 {
                *throttled += 1;
                answers.push(json!({
                    "id": step["id"],
                    "status": 429,
                    "headers": {"Retry-After": "0", "Content-Type": "application/json"},
                    "body": {"error": {"code": "TooManyRequests", "message": "slow down"}}
                }));
                continue;
            }
            entry.1 += 1;
            let number = url.rsplit_once("assignment-").map_or("", |(_, n)| n);
            let mut entity = step["body"].clone();
            entity["id"] = json!(format!("assignment-{number}"));
            answers.push(json!({
                "id": step["id"],
                "status": 200,
                "headers": {"Content-Type": "application/json"},
                "body": entity
            }));
        }
        ResponseTemplate::new(200).set_body_json(json!({ "responses": answers }))
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_batched_updates_with_one_step_in_five_throttled_are_each_applied_once() {
    let responder = BatchedAssignments::default();
    let retry = RetryPolicy::default().max_attempts(10);
    let (server, client) = start(&responder, ("POST", r"^/beta/\$batch$"), retry).await;

    let mut batch = client.batch();
    let steps: Vec<_> = (0..BATCHED_UPDATES)
        .map(|n| {
            let call = client
                .device_management()
                .device_compliance_policies()
                .by_id(&policy_id(n))
                .assignments()
                .by_id(&assignment_id(n))
                .update(&update_body(n));
            (n, batch.add(call))
        })
        .collect();
    let mut responses = batch.send().await.expect("the batch is sent");
    let results: Vec<_> = steps
        .into_iter()
        .map(|(n, step)| (n, responses.get(step)))
        .collect();

    assert_all_updated(&results, BATCHED_UPDATES);
    // Posts of at most twenty steps.
    let posts = server.received_requests().await.expect("recorded");
    assert!(posts.len() >= BATCHED_UPDATES / 20);
    for post in &posts {
        let body: Value = serde_json::from_slice(&post.body).expect("JSON");
        assert!(body["requests"].as_array().map_or(0, Vec::len) <= 20);
    }
    let seen = responder.seen.lock().expect("not poisoned");
    assert_eq!(seen.len(), BATCHED_UPDATES, "one URL per update");
    let throttled = *responder.throttled.lock().expect("not poisoned");
    assert!(
        throttled >= BATCHED_UPDATES / 5,
        "{throttled} steps answered 429"
    );
    let mut sent = 0;
    for n in 0..BATCHED_UPDATES {
        let url = format!(
            "/deviceManagement/deviceCompliancePolicies/{}/assignments/{}",
            policy_id(n),
            assignment_id(n)
        );
        let (times_sent, applied) = seen[&url];
        assert_eq!(applied, 1, "update {n} applied exactly once");
        sent += times_sent;
    }
    // Only throttled steps were sent again.
    assert_eq!(sent, BATCHED_UPDATES + throttled);
}
