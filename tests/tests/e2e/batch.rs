//! JSON batching through the generated request builders, against a local
//! wiremock server that answers `POST /beta/$batch` step by step.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use graph_intune::models::{
    DeviceAndAppManagementAssignmentSource, DeviceAndAppManagementAssignmentTarget,
    DeviceCompliancePolicy, DeviceCompliancePolicyAssignment, GroupAssignmentTarget,
};
use graph_intune::requests::DeviceCompliancePolicyAssignmentCollectionRequest;
use graph_intune::{
    BatchRefusal, GraphClient, GraphError, Nullable, Pacing, RetryPolicy, ServiceError,
};
use reqwest::StatusCode;
use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use graph_intune_tests::mock::{assert_request, body_of, client_for, TOKEN};
use graph_intune_tests::seed::{REQUEST as SEED_REQUEST, RESPONSE as SEED_RESPONSE};

// ---------------------------------------------------------------- the mock

/// How the mock answers one step: given the step (`id`, `method`, `url`,
/// `body`, …) and how many times a step of that id was seen before, the
/// step's answer (`status`, `headers`, `body`; the mock adds the `id`).
type Answerer = dyn Fn(&Value, usize) -> Value + Send + Sync;

/// A post as the mock received it: when, and its steps.
type Post = (Instant, Vec<Value>);

/// A `$batch` endpoint: records every post (its steps and when it came) and
/// answers each step with `answer`.
#[derive(Clone)]
struct Batches {
    posts: Arc<Mutex<Vec<Post>>>,
    seen: Arc<Mutex<HashMap<String, usize>>>,
    answer: Arc<Answerer>,
}

impl Batches {
    fn new(answer: impl Fn(&Value, usize) -> Value + Send + Sync + 'static) -> Self {
        Batches {
            posts: Arc::default(),
            seen: Arc::default(),
            answer: Arc::new(answer),
        }
    }

    /// The steps of every post, in arrival order.
    fn posts(&self) -> Vec<Vec<Value>> {
        let posts = self.posts.lock().unwrap();
        posts.iter().map(|(_, steps)| steps.clone()).collect()
    }

    /// The step ids of every post, in arrival order.
    fn step_ids(&self) -> Vec<Vec<String>> {
        self.posts()
            .iter()
            .map(|steps| {
                steps
                    .iter()
                    .map(|s| s["id"].as_str().unwrap().to_owned())
                    .collect()
            })
            .collect()
    }

    async fn mount(&self, server: &MockServer) {
        Mock::given(method("POST"))
            .and(path("/beta/$batch"))
            .respond_with(self.clone())
            .mount(server)
            .await;
    }
}

impl Respond for Batches {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let Ok(body) = serde_json::from_slice::<Value>(&request.body) else {
            return ResponseTemplate::new(400);
        };
        let Some(steps) = body["requests"].as_array().cloned() else {
            return ResponseTemplate::new(400);
        };
        let mut answers = Vec::new();
        for step in &steps {
            let id = step["id"].as_str().unwrap_or_default().to_owned();
            let before = {
                let mut seen = self.seen.lock().unwrap();
                let count = seen.entry(id.clone()).or_default();
                *count += 1;
                *count - 1
            };
            let mut answer = (self.answer)(step, before);
            answer["id"] = json!(id);
            answers.push(answer);
        }
        self.posts.lock().unwrap().push((Instant::now(), steps));
        ResponseTemplate::new(200).set_body_json(json!({ "responses": answers }))
    }
}

/// An answer `status` with a JSON `body`.
fn json_answer(status: u16, body: Value) -> Value {
    json!({"status": status, "headers": {"Content-Type": "application/json"}, "body": body})
}

/// A `204 No Content` answer.
fn no_content() -> Value {
    json!({"status": 204, "headers": {}})
}

/// A Graph error answer.
fn error_answer(status: u16, code: &str, message: &str, headers: Value) -> Value {
    let mut headers = headers;
    headers["Content-Type"] = json!("application/json");
    json!({
        "status": status,
        "headers": headers,
        "body": {"error": {"code": code, "message": message,
                 "innerError": {"request-id": format!("req-{code}"), "date": "2026-12-03T10:00:00"}}}
    })
}

fn client_with(server: &MockServer, retry: RetryPolicy) -> GraphClient {
    GraphClient::builder()
        .base_url(format!("{}/beta", server.uri()))
        .bearer_token(TOKEN)
        .retry(retry)
        .build()
        .unwrap()
}

/// A server whose `$batch` endpoint answers as `answer` says, and a client
/// of it with the default retry policy.
async fn start(
    answer: impl Fn(&Value, usize) -> Value + Send + Sync + 'static,
) -> (MockServer, Batches, GraphClient) {
    let server = MockServer::start().await;
    let batches = Batches::new(answer);
    batches.mount(&server).await;
    let client = client_for(&server);
    (server, batches, client)
}

/// The assignments of `policy-1`.
fn assignments(client: &GraphClient) -> DeviceCompliancePolicyAssignmentCollectionRequest {
    client
        .device_management()
        .device_compliance_policies()
        .by_id("policy-1")
        .assignments()
}

// ---------------------------------------------------------------- models

fn group_assignment(id: Option<&str>, group: &str) -> DeviceCompliancePolicyAssignment {
    let mut target = GroupAssignmentTarget::default();
    target.group_id = Nullable::Value(group.to_owned());
    let mut assignment = DeviceCompliancePolicyAssignment::default();
    assignment.id = id.map(str::to_owned);
    assignment.target =
        Nullable::Value(DeviceAndAppManagementAssignmentTarget::GroupAssignmentTarget(target));
    assignment
}

fn group_assignment_json(id: Option<&str>, group: &str) -> Value {
    let mut value = json!({
        "target": {
            "@odata.type": "#microsoft.graph.groupAssignmentTarget",
            "groupId": group
        }
    });
    if let Some(id) = id {
        value["id"] = json!(id);
    }
    value
}

/// The assignment the service answers as `group_assignment_json`, read.
fn read_assignment(id: Option<&str>, group: &str) -> DeviceCompliancePolicyAssignment {
    serde_json::from_value(group_assignment_json(id, group)).unwrap()
}

fn windows_policy_json() -> Value {
    json!({
        "@odata.type": "#microsoft.graph.windows10CompliancePolicy",
        "id": "policy-1",
        "displayName": "Windows baseline",
        "version": 3
    })
}

/// The 1-based step number in a step id.
fn step_number(step: &Value) -> usize {
    step["id"].as_str().unwrap().parse().unwrap()
}

// ---------------------------------------------------------------- tests

#[tokio::test]
async fn a_mixed_batch_sends_the_exact_batch_json_and_reads_each_step_typed() {
    let server = MockServer::start().await;
    let created_json = json!({
        "@odata.type": "#microsoft.graph.deviceCompliancePolicyAssignment",
        "id": "assignment-2",
        "target": {"@odata.type": "#microsoft.graph.groupAssignmentTarget", "groupId": "group-2"},
        "source": "direct"
    });
    let answers = [
        json_answer(200, serde_json::from_str(SEED_RESPONSE).unwrap()),
        json_answer(201, created_json.clone()),
        json_answer(200, windows_policy_json()),
        json_answer(
            200,
            json!({"value": [group_assignment_json(Some("assignment-3"), "group-3")]}),
        ),
        no_content(),
    ];
    let batches = Batches::new(move |step, _| answers[step_number(step) - 1].clone());
    batches.mount(&server).await;
    let client = client_for(&server);
    let policy = client
        .device_management()
        .device_compliance_policies()
        .by_id("policy-1");

    let seed: DeviceCompliancePolicyAssignment = serde_json::from_str(SEED_REQUEST).unwrap();
    let mut batch = client.batch();
    let updated = batch.add(policy.assignments().by_id("assignment-1").update(&seed));
    let created = batch.add(
        policy
            .assignments()
            .create(&group_assignment(None, "group-2")),
    );
    let read = batch.add(policy.get());
    let assigned = batch.add(policy.assign(&[group_assignment(Some("assignment-3"), "group-3")]));
    let deleted = batch.add_after(
        policy.assignments().by_id("assignment-9").delete(),
        &[assigned.id()],
    );
    let mut responses = batch.send().await.unwrap();

    let request = &server.received_requests().await.unwrap()[0];
    assert_request(request, "POST", "/beta/$batch", true);
    assert_eq!(
        body_of(request),
        json!({"requests": [
            {
                "id": "1",
                "method": "PATCH",
                "url": "/deviceManagement/deviceCompliancePolicies/policy-1/assignments/assignment-1",
                "headers": {"Content-Type": "application/json"},
                "body": serde_json::from_str::<Value>(SEED_REQUEST).unwrap()
            },
            {
                "id": "2",
                "method": "POST",
                "url": "/deviceManagement/deviceCompliancePolicies/policy-1/assignments",
                "headers": {"Content-Type": "application/json"},
                "body": group_assignment_json(None, "group-2")
            },
            {
                "id": "3",
                "method": "GET",
                "url": "/deviceManagement/deviceCompliancePolicies/policy-1"
            },
            {
                "id": "4",
                "method": "POST",
                "url": "/deviceManagement/deviceCompliancePolicies/policy-1/assign",
                "headers": {"Content-Type": "application/json"},
                "body": {"assignments": [group_assignment_json(Some("assignment-3"), "group-3")]}
            },
            {
                "id": "5",
                "method": "DELETE",
                "url": "/deviceManagement/deviceCompliancePolicies/policy-1/assignments/assignment-9",
                "dependsOn": ["4"]
            }
        ]})
    );

    let seed_response: DeviceCompliancePolicyAssignment =
        serde_json::from_str(SEED_RESPONSE).unwrap();
    assert_eq!(responses.get(updated).unwrap(), Some(seed_response));
    let created = responses.get(created).unwrap();
    assert_eq!(created, serde_json::from_value(created_json).unwrap());
    assert_eq!(
        created.source,
        Some(DeviceAndAppManagementAssignmentSource::Direct)
    );
    let DeviceCompliancePolicy::Windows10CompliancePolicy(windows) = responses.get(read).unwrap()
    else {
        panic!("expected a Windows 10 compliance policy");
    };
    assert_eq!(windows.display_name.as_deref(), Some("Windows baseline"));
    assert_eq!(windows.id.as_deref(), Some("policy-1"));
    assert_eq!(windows.version, Some(3));
    assert_eq!(
        responses.get(assigned).unwrap(),
        vec![read_assignment(Some("assignment-3"), "group-3")]
    );
    responses.get(deleted).unwrap();
}

#[tokio::test]
async fn forty_five_steps_go_in_posts_of_twenty_twenty_and_five() {
    let (_server, batches, client) = start(|_, _| no_content()).await;
    let assignments = assignments(&client);

    // One post at a time, so that the posts arrive in order.
    let mut batch = client.batch().concurrency(1);
    let steps: Vec<_> = (0..45)
        .map(|n| batch.add(assignments.by_id(&format!("a-{n}")).delete()))
        .collect();
    let mut responses = batch.send().await.unwrap();

    let ids = batches.step_ids();
    let expected: Vec<Vec<String>> = [1..=20, 21..=40, 41..=45]
        .into_iter()
        .map(|range| range.map(|n| n.to_string()).collect())
        .collect();
    assert_eq!(ids, expected);
    for (n, step) in batches.posts().concat().iter().enumerate() {
        assert_eq!(
            step["url"],
            json!(format!(
                "/deviceManagement/deviceCompliancePolicies/policy-1/assignments/a-{n}"
            ))
        );
    }
    for step in steps {
        responses.get(step).unwrap();
    }
}

#[tokio::test]
async fn a_chain_of_dependent_steps_is_never_split_across_posts() {
    let (_server, batches, client) = start(|_, _| no_content()).await;
    let assignments = assignments(&client);

    let mut batch = client.batch().concurrency(1);
    let delete = |n: usize| assignments.by_id(&format!("a-{n}")).delete();
    for n in 1..=18 {
        let _ = batch.add(delete(n));
    }
    // Steps 19, 20, 21: a chain that does not fit in the first post.
    let first = batch.add(delete(19));
    let second = batch.add_after(delete(20), &[first.id()]);
    let _ = batch.add_after(delete(21), &[second.id()]);
    for n in 22..=26 {
        let _ = batch.add(delete(n));
    }
    batch.send().await.unwrap();

    let posts = batches.posts();
    let ids = batches.step_ids();
    let numbers = |range: std::ops::RangeInclusive<usize>| range.map(|n| n.to_string());
    let mut first_post: Vec<String> = numbers(1..=18).collect();
    first_post.extend(numbers(22..=23));
    let mut second_post: Vec<String> = numbers(19..=21).collect();
    second_post.extend(numbers(24..=26));
    assert_eq!(ids, vec![first_post, second_post]);
    let dependencies: Vec<Value> = posts[1][..3]
        .iter()
        .map(|s| s["dependsOn"].clone())
        .collect();
    assert_eq!(
        dependencies,
        vec![Value::Null, json!(["19"]), json!(["20"])]
    );
}

#[tokio::test]
async fn a_chain_of_twenty_one_steps_is_refused_before_anything_is_sent() {
    let (server, _, client) = start(|_, _| no_content()).await;
    let assignments = assignments(&client);

    let mut batch = client.batch();
    let _ = batch.add(assignments.by_id("alone").delete());
    let mut previous = batch.add(assignments.by_id("a-0").delete()).id();
    for n in 1..21 {
        previous = batch
            .add_after(assignments.by_id(&format!("a-{n}")).delete(), &[previous])
            .id();
    }
    let error = batch.send().await.unwrap_err();

    let GraphError::BatchRefused(BatchRefusal::ChainTooLong { step, steps }) = &error else {
        panic!("expected a chain too long, got {error:?}");
    };
    assert_eq!((step.as_str(), *steps), ("2", 21));
    assert_eq!(
        error.to_string(),
        "the batch was not sent: the chain of dependent steps starting at step `2` has 21 steps, \
         more than the 20 one `$batch` post may carry"
    );
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn throttled_steps_alone_are_sent_again_after_the_longest_retry_after() {
    let server = MockServer::start().await;
    let batches = Batches::new(|step, before| match (step_number(step), before) {
        (3, 0) => error_answer(
            429,
            "TooManyRequests",
            "slow down",
            json!({"Retry-After": "1"}),
        ),
        (7, 0) => error_answer(
            429,
            "TooManyRequests",
            "slow down",
            json!({"Retry-After": "2"}),
        ),
        (5, _) => error_answer(404, "ResourceNotFound", "no such assignment", json!({})),
        _ => json_answer(200, group_assignment_json(Some("x"), "group-1")),
    });
    batches.mount(&server).await;
    let client = client_with(&server, RetryPolicy::new().jitter(false));
    let assignments = assignments(&client);

    let mut batch = client.batch();
    let steps: Vec<_> = (1..=8)
        .map(|n| {
            batch.add(
                assignments
                    .by_id(&format!("a-{n}"))
                    .update(&group_assignment(None, "group-1")),
            )
        })
        .collect();
    let started = Instant::now();
    let mut responses = batch.send().await.unwrap();

    assert_eq!(
        batches.step_ids(),
        vec![
            (1..=8).map(|n| n.to_string()).collect::<Vec<_>>(),
            vec!["3".to_owned(), "7".to_owned()]
        ]
    );
    let posts = batches.posts.lock().unwrap().clone();
    let waited = posts[1].0.duration_since(posts[0].0);
    assert!(
        waited >= Duration::from_secs(2),
        "sent again after {waited:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(10));
    // Sent again exactly as the first time.
    assert_eq!(posts[1].1[0], posts[0].1[2]);
    assert_eq!(posts[1].1[1], posts[0].1[6]);

    let mut results: Vec<_> = steps.into_iter().map(|step| responses.get(step)).collect();
    let missing = results.remove(4).unwrap_err();
    let GraphError::Service(missing) = missing else {
        panic!("expected a service error, got {missing:?}");
    };
    let mut expected = ServiceError::from_response(
        StatusCode::NOT_FOUND,
        &Default::default(),
        &serde_json::to_vec(
            &error_answer(404, "ResourceNotFound", "no such assignment", json!({}))["body"],
        )
        .unwrap(),
    );
    expected.batch_step = Some("5".to_owned());
    assert_eq!(*missing, expected);
    assert_eq!(missing.request_id.as_deref(), Some("req-ResourceNotFound"));
    assert_eq!(
        GraphError::Service(missing).to_string(),
        "Graph returned 404 Not Found: ResourceNotFound: no such assignment \
         (request-id req-ResourceNotFound) (batch step `5`)"
    );
    for result in results {
        assert_eq!(result.unwrap(), Some(read_assignment(Some("x"), "group-1")));
    }
}

#[tokio::test]
async fn a_step_still_throttled_when_the_policy_gives_up_is_its_error() {
    let server = MockServer::start().await;
    let batches = Batches::new(|step, _| match step_number(step) {
        2 => error_answer(
            503,
            "ServiceUnavailable",
            "busy",
            json!({"Retry-After": "0"}),
        ),
        _ => no_content(),
    });
    batches.mount(&server).await;
    let client = client_with(&server, RetryPolicy::new().max_attempts(3).jitter(false));
    let assignments = assignments(&client);

    let mut batch = client.batch();
    let first = batch.add(assignments.by_id("a-1").delete());
    let second = batch.add(assignments.by_id("a-2").delete());
    let third = batch.add_after(assignments.by_id("a-3").delete(), &[second.id()]);
    let mut responses = batch.send().await.unwrap();

    assert_eq!(
        batches.step_ids().len(),
        3,
        "sent three times: {:?}",
        batches.step_ids()
    );
    responses.get(first).unwrap();
    let error = responses.get(second).unwrap_err();
    let service = error.as_service().unwrap();
    assert_eq!(
        (
            service.status,
            service.attempts,
            service.batch_step.as_deref()
        ),
        (StatusCode::SERVICE_UNAVAILABLE, 3, Some("2"))
    );
    assert!(error.is_throttled());
    // The mock answers the dependent step 204 whatever its dependency did.
    responses.get(third).unwrap();
}

#[tokio::test]
async fn a_dependent_step_failed_by_a_throttled_one_is_sent_again_with_it() {
    let server = MockServer::start().await;
    let batches = Batches::new(|step, before| match (step_number(step), before) {
        (1, 0) => error_answer(
            429,
            "TooManyRequests",
            "slow down",
            json!({"Retry-After": "0"}),
        ),
        (2, 0) => error_answer(424, "FailedDependency", "dependency failed", json!({})),
        _ => no_content(),
    });
    batches.mount(&server).await;
    let client = client_with(&server, RetryPolicy::new().jitter(false));
    let assignments = assignments(&client);

    let mut batch = client.batch();
    let first = batch.add(assignments.by_id("a-1").delete());
    let second = batch.add_after(assignments.by_id("a-2").delete(), &[first.id()]);
    let mut responses = batch.send().await.unwrap();

    let posts = batches.posts();
    assert_eq!(posts.len(), 2);
    assert_eq!(posts[1], posts[0], "both sent again, with the dependency");
    assert_eq!(posts[1][1]["dependsOn"], json!(["1"]));
    responses.get(first).unwrap();
    responses.get(second).unwrap();
}

#[tokio::test]
async fn bodies_of_other_media_types_are_base64_and_empty_bodies_are_nothing() {
    let server = MockServer::start().await;
    let png = [0x89_u8, b'P', b'N', b'G', 0, 255];
    let batches = Batches::new(move |step, _| match step_number(step) {
        1 => json!({"status": 200, "headers": {"Content-Type": "image/png"}, "body": "iVBORwD/"}),
        2 => json!({"status": 204}),
        3 => {
            json!({"status": 200, "headers": {"Content-Type": "text/plain"}, "body": "bm90IGpzb24="})
        }
        _ => json!({"status": 200, "body": null}),
    });
    batches.mount(&server).await;
    let client = client_for(&server);
    let policy = client
        .request("deviceManagement")
        .segment("deviceCompliancePolicies")
        .key("p");

    let mut batch = client.batch();
    let bytes = batch.add(policy.segment("logo").get_bytes());
    let update = batch.add(policy.patch_optional::<_, Value>(&json!({"displayName": "x"})));
    let text = batch.add(policy.segment("report").get_bytes());
    let uploaded = batch.add(policy.segment("logo").put_bytes("image/png", png.to_vec()));
    let mut responses = batch.send().await.unwrap();

    assert_eq!(responses.get(bytes).unwrap(), png);
    assert_eq!(responses.get(update).unwrap(), None);
    assert_eq!(responses.get(text).unwrap(), b"not json");
    responses.get(uploaded).unwrap();
    let step = &batches.posts()[0][3];
    assert_eq!(
        *step,
        json!({
            "id": "4",
            "method": "PUT",
            "url": "/deviceManagement/deviceCompliancePolicies/p/logo",
            "headers": {"Content-Type": "image/png"},
            "body": "iVBORwD/"
        })
    );
}

#[tokio::test]
async fn a_failed_post_is_the_error_of_each_of_its_steps() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/beta/$batch"))
        .respond_with(ResponseTemplate::new(400).set_body_json(
            json!({"error": {"code": "BadRequest", "message": "Invalid batch payload"}}),
        ))
        .mount(&server)
        .await;
    let client = client_for(&server);
    let assignments = assignments(&client);

    let mut batch = client.batch();
    let first = batch.add(assignments.by_id("a-1").delete());
    let second = batch.add(assignments.by_id("a-2").get());
    let mut responses = batch.send().await.unwrap();

    for (error, id) in [
        (responses.get(first).unwrap_err(), "1"),
        (responses.get(second).unwrap_err(), "2"),
    ] {
        let GraphError::BatchPost { step, source } = &error else {
            panic!("expected a failed post, got {error:?}");
        };
        assert_eq!(step, id);
        assert_eq!(source.status(), Some(StatusCode::BAD_REQUEST));
        assert_eq!(error.status(), Some(StatusCode::BAD_REQUEST));
        assert_eq!(
            error.as_service().unwrap().code.as_deref(),
            Some("BadRequest")
        );
    }
}

#[tokio::test]
async fn each_step_takes_its_place_in_the_pacing_budget() {
    let server = MockServer::start().await;
    let batches = Batches::new(|_, _| no_content());
    batches.mount(&server).await;
    let window = Duration::from_millis(500);
    let client = GraphClient::builder()
        .base_url(format!("{}/beta", server.uri()))
        .bearer_token(TOKEN)
        .pacing(Pacing::none().writes(5, window))
        .build()
        .unwrap();
    let assignments = assignments(&client);

    let mut batch = client.batch();
    for n in 0..10 {
        let _ = batch.add(assignments.by_id(&format!("a-{n}")).delete());
    }
    let started = Instant::now();
    batch.send().await.unwrap();
    // Ten writes at five per window: the tenth place comes nine spacings
    // (window / 5) after the first.
    let elapsed = started.elapsed();
    assert!(
        elapsed >= window / 5 * 9 - Duration::from_millis(25),
        "{elapsed:?}"
    );
    assert_eq!(batches.posts().len(), 1);
}

#[tokio::test]
async fn steps_of_another_batch_and_bodies_that_cannot_be_serialized_are_refused() {
    let (server, _, client) = start(|_, _| no_content()).await;
    let assignments = assignments(&client);

    // A dependency on another batch's step.
    let mut other = client.batch();
    let foreign = other.add(assignments.by_id("a-1").delete());
    let mut batch = client.batch();
    let _ = batch.add(assignments.by_id("a-2").delete());
    let _ = batch.add_after(assignments.by_id("a-3").delete(), &[foreign.id()]);
    let error = batch.send().await.unwrap_err();
    assert!(
        matches!(&error, GraphError::BatchRefused(BatchRefusal::ForeignStep { step }) if step == "2"),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        "the batch was not sent: step `2` depends on a step of another batch"
    );

    // A body that is not JSON (a map with keys that are not strings).
    let mut batch = client.batch();
    let _ = batch.add(assignments.by_id("a-4").delete());
    let not_json = std::collections::BTreeMap::from([((1, 2), 3)]);
    let _ = batch.add(client.request("things").post_no_content(&not_json));
    let error = batch.send().await.unwrap_err();
    assert!(matches!(error, GraphError::Serialize(_)), "{error:?}");
    assert!(server.received_requests().await.unwrap().is_empty());

    // A handle read from another batch's responses.
    let mut responses = other.send().await.unwrap();
    let mut third = client.batch();
    let stranger = third.add(assignments.by_id("a-5").delete());
    let error = responses.get(stranger).unwrap_err();
    assert_eq!(
        error.to_string(),
        "invalid client configuration: step `1` is not a step of this batch"
    );
    responses.get(foreign).unwrap();
}

#[tokio::test]
async fn a_post_that_timed_out_is_sent_again_only_when_none_of_its_steps_is_a_post() {
    let server = MockServer::start().await;
    // The first post is answered too late; the next ones at once.
    Mock::given(method("POST"))
        .and(path("/beta/$batch"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"responses": [{"id": "1", "status": 204}]}))
                .set_delay(Duration::from_secs(2)),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/beta/$batch"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"responses": [{"id": "1", "status": 204}]})),
        )
        .mount(&server)
        .await;
    let client = client_with(
        &server,
        RetryPolicy::new()
            .jitter(false)
            .base_backoff(Duration::ZERO),
    );
    let assignments = assignments(&client);

    // A DELETE: the post is sent again.
    let mut batch = client.batch().with_timeout(Duration::from_millis(300));
    let deleted = batch.add(assignments.by_id("a-1").delete());
    let mut responses = batch.send().await.unwrap();
    responses.get(deleted).unwrap();
    assert_eq!(server.received_requests().await.unwrap().len(), 2);

    // A create: the post is not sent again; the outcome is unknown.
    server.reset().await;
    Mock::given(method("POST"))
        .and(path("/beta/$batch"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(2)))
        .mount(&server)
        .await;
    let mut batch = client.batch().with_timeout(Duration::from_millis(300));
    let created = batch.add(assignments.create(&group_assignment(None, "group-1")));
    let mut responses = batch.send().await.unwrap();
    let error = responses.get(created).unwrap_err();
    assert!(
        matches!(&error, GraphError::BatchPost { step, .. } if step == "1"),
        "{error:?}"
    );
    assert!(
        error.is_timeout() && error.is_outcome_unknown(),
        "{error:?}"
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}
