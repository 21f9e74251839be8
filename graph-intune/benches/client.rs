//! The client's overhead: 1,000 sequential generated `update` calls
//! (`PATCH /deviceManagement/deviceCompliancePolicies/{id}/assignments/{id}`)
//! against a local mock server, and the same 1,000 PATCH requests made with
//! a bare `reqwest::Client` in the same run (`cargo bench -p graph-intune
//! --bench client`; `cargo xtask bench-report` prints the ratio).
//!
//! Both send the same headers and body and decode the same 200 response
//! into the typed model; the difference is what the runtime adds (URL
//! building, `client-request-id`, retry bookkeeping, tracing spans, error
//! mapping).
//!
//! Then JSON batching: the same 1,000 updates as one `Batch` (50 posts of
//! 20 steps), its posts sent one at a time and 20 at a time, against a mock
//! `$batch` endpoint that answers every step with the updated entity, with
//! no latency (the runtime's own cost) and with 25 ms per post (a service
//! that takes its time, as Graph does).

use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use graph_intune::models::{
    DeviceAndAppManagementAssignmentTarget, DeviceCompliancePolicyAssignment, GroupAssignmentTarget,
};
use graph_intune::GraphClient;
use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const CALLS: usize = 1000;
const PATH: &str =
    "/beta/deviceManagement/deviceCompliancePolicies/policy-1/assignments/assignment-1";

fn assignment() -> DeviceCompliancePolicyAssignment {
    let mut target = GroupAssignmentTarget::default();
    target.group_id = "group-1".to_owned().into();
    let mut assignment = DeviceCompliancePolicyAssignment::default();
    assignment.target =
        DeviceAndAppManagementAssignmentTarget::GroupAssignmentTarget(target).into();
    assignment
}

fn client_overhead(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let server = runtime.block_on(async {
        let server = MockServer::start().await;
        let mut answer = serde_json::to_value(assignment()).expect("serializes");
        answer["id"] = "assignment-1".into();
        Mock::given(method("PATCH"))
            .and(path(PATH))
            .respond_with(ResponseTemplate::new(200).set_body_json(answer))
            .mount(&server)
            .await;
        server
    });
    let base = format!("{}/beta", server.uri());
    let client = GraphClient::builder()
        .base_url(base.clone())
        .bearer_token("bench-token")
        .build()
        .expect("a client");
    let bare = reqwest::Client::new();
    let body = assignment();

    let mut group = c.benchmark_group("client/1000 sequential PATCH");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    group.bench_function("baseline: bare reqwest", |b| {
        b.iter(|| {
            runtime.block_on(async {
                for _ in 0..CALLS {
                    let response = bare
                        .patch(format!("{base}/deviceManagement/deviceCompliancePolicies/policy-1/assignments/assignment-1"))
                        .bearer_auth("bench-token")
                        .header("content-type", "application/json")
                        .body(serde_json::to_vec(&body).expect("serializes"))
                        .send()
                        .await
                        .expect("sent");
                    assert_eq!(response.status(), 200);
                    let bytes = response.bytes().await.expect("a body");
                    let updated: DeviceCompliancePolicyAssignment =
                        serde_json::from_slice(&bytes).expect("decodes");
                    std::hint::black_box(updated);
                }
            })
        })
    });
    group.bench_function("generated update", |b| {
        b.iter(|| {
            runtime.block_on(async {
                for _ in 0..CALLS {
                    let updated = client
                        .device_management()
                        .device_compliance_policies()
                        .by_id("policy-1")
                        .assignments()
                        .by_id("assignment-1")
                        .update(&body)
                        .await
                        .expect("updated");
                    std::hint::black_box(updated);
                }
            })
        })
    });
    group.finish();
    // The mock saw exactly the calls made: nothing was skipped or retried.
    let received = runtime
        .block_on(server.received_requests())
        .map_or(0, |r| r.len());
    assert_eq!(received % CALLS, 0, "{received} requests");
}

/// A `$batch` endpoint answering every step `200` with its body plus an id,
/// after `latency`.
#[derive(Clone)]
struct BatchEcho {
    latency: Duration,
}

impl Respond for BatchEcho {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let Ok(body) = serde_json::from_slice::<Value>(&request.body) else {
            return ResponseTemplate::new(400);
        };
        let answers: Vec<Value> = body["requests"]
            .as_array()
            .map(|steps| {
                steps
                    .iter()
                    .map(|step| {
                        let mut entity = step["body"].clone();
                        entity["id"] = "assignment-1".into();
                        json!({
                            "id": step["id"],
                            "status": 200,
                            "headers": {"Content-Type": "application/json"},
                            "body": entity
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        ResponseTemplate::new(200)
            .set_body_json(json!({ "responses": answers }))
            .set_delay(self.latency)
    }
}

fn batch_throughput(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let body = assignment();
    for latency_ms in [0, 25] {
        let server = runtime.block_on(async {
            let server = MockServer::start().await;
            Mock::given(method("POST"))
                .and(path("/beta/$batch"))
                .respond_with(BatchEcho {
                    latency: Duration::from_millis(latency_ms),
                })
                .mount(&server)
                .await;
            server
        });
        let client = GraphClient::builder()
            .base_url(format!("{}/beta", server.uri()))
            .bearer_token("bench-token")
            .build()
            .expect("a client");
        let mut group = c.benchmark_group(format!(
            "batch/1000 PATCH in 50 posts, {latency_ms} ms per post"
        ));
        group.sample_size(10);
        group.measurement_time(Duration::from_secs(15));
        for (name, in_flight) in [
            ("baseline: posts one at a time", 1),
            ("20 posts in flight", 20),
        ] {
            group.bench_function(name, |b| {
                b.iter(|| {
                    runtime.block_on(async {
                        let mut batch = client.batch().concurrency(in_flight);
                        let assignments = client
                            .device_management()
                            .device_compliance_policies()
                            .by_id("policy-1")
                            .assignments();
                        let steps: Vec<_> = (0..CALLS)
                            .map(|n| batch.add(assignments.by_id(&format!("a-{n}")).update(&body)))
                            .collect();
                        let mut responses = batch.send().await.expect("sent");
                        for step in steps {
                            let updated = responses.get(step).expect("updated");
                            std::hint::black_box(updated);
                        }
                    })
                })
            });
        }
        group.finish();
    }
}

criterion_group!(benches, client_overhead, batch_throughput);
criterion_main!(benches);
