//! Client-side pacing against a local wiremock server that throttles like
//! Intune: more than `N` writes in a window are answered 429.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::future::join_all;
use graph_intune::{GraphClient, GraphError, Pacing, RetryPolicy};
use reqwest::StatusCode;
use serde_json::json;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// Writes allowed per window.
const N: usize = 5;

/// The window of the budget.
const WINDOW: Duration = Duration::from_millis(500);

/// What the server forgives of the client's timing: the arrival of a
/// request is the client's release plus a few milliseconds of scheduling
/// and transport that differ from request to request.
const JITTER: Duration = Duration::from_millis(25);

/// Answers a write 204, or 429 when it would be the `N + 1`th in a window
/// (less the jitter) ending at its arrival; records every arrival.
#[derive(Clone, Default)]
struct Throttle {
    arrivals: Arc<Mutex<Vec<Instant>>>,
    throttled: Arc<Mutex<usize>>,
}

impl Respond for Throttle {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let now = Instant::now();
        let mut arrivals = self.arrivals.lock().unwrap();
        let recent = arrivals
            .iter()
            .filter(|&&t| now.duration_since(t) < WINDOW - JITTER)
            .count();
        arrivals.push(now);
        if recent >= N {
            *self.throttled.lock().unwrap() += 1;
            return ResponseTemplate::new(429)
                .insert_header("retry-after", "1")
                .set_body_json(json!({"error": {"code": "TooManyRequests", "message": "slow"}}));
        }
        ResponseTemplate::new(204)
    }
}

impl Throttle {
    /// The most arrivals in any window (less the jitter).
    fn busiest_window(&self) -> usize {
        let arrivals = self.arrivals.lock().unwrap();
        arrivals
            .iter()
            .map(|&start| {
                arrivals
                    .iter()
                    .filter(|&&t| t >= start && t.duration_since(start) < WINDOW - JITTER)
                    .count()
            })
            .max()
            .unwrap_or(0)
    }
}

async fn server_with(throttle: &Throttle) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::method("PATCH"))
        .respond_with(throttle.clone())
        .mount(&server)
        .await;
    server
}

fn client(server: &MockServer, pacing: Pacing) -> GraphClient {
    GraphClient::builder()
        .base_url(format!("{}/beta", server.uri()))
        .bearer_token("pacing-test-token")
        .retry(RetryPolicy::none())
        .pacing(pacing)
        .build()
        .expect("valid client")
}

/// `count` PATCHes at once, each to its own assignment.
async fn burst(client: &GraphClient, count: usize) -> Vec<Result<(), GraphError>> {
    join_all((0..count).map(|i| async move {
        client
            .request("deviceManagement")
            .segment("deviceCompliancePolicies")
            .key("p1")
            .segment("assignments")
            .key(&format!("a{i}"))
            .patch_no_content(&json!({"target": {"groupId": format!("g{i}")}}))
            .await
    }))
    .await
}

#[tokio::test]
async fn a_burst_of_three_budgets_of_writes_reaches_the_server_within_the_budget() {
    let throttle = Throttle::default();
    let server = server_with(&throttle).await;
    let client = client(&server, Pacing::none().writes(N as u32, WINDOW));

    let started = Instant::now();
    let results = burst(&client, 3 * N).await;
    let elapsed = started.elapsed();

    let failures: Vec<String> = results
        .iter()
        .filter_map(|r| r.as_ref().err().map(ToString::to_string))
        .collect();
    assert_eq!(failures, Vec::<String>::new());
    assert_eq!(
        *throttle.throttled.lock().unwrap(),
        0,
        "no write answered 429"
    );
    assert_eq!(throttle.arrivals.lock().unwrap().len(), 3 * N);
    assert!(
        throttle.busiest_window() <= N,
        "{} in one window",
        throttle.busiest_window()
    );
    // Spaced WINDOW / N apart: the last of 3N leaves (3N - 1) periods after the first.
    let spacing = WINDOW / N as u32;
    assert!(
        elapsed >= spacing * (3 * N as u32 - 1) - JITTER,
        "the burst took {elapsed:?}"
    );
}

#[tokio::test]
async fn without_pacing_the_same_burst_is_throttled() {
    let throttle = Throttle::default();
    let server = server_with(&throttle).await;
    let client = client(&server, Pacing::none());

    let results = burst(&client, 3 * N).await;

    let throttled = results
        .iter()
        .filter(|r| matches!(r, Err(e) if e.status() == Some(StatusCode::TOO_MANY_REQUESTS)))
        .count();
    assert_eq!(throttled, *throttle.throttled.lock().unwrap());
    assert!(
        throttled >= 2 * N,
        "only {throttled} of {} throttled",
        3 * N
    );
}

#[tokio::test]
async fn reads_are_paced_only_by_the_budget_of_all_requests() {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "p1"})))
        .mount(&server)
        .await;
    // A write budget of one per minute does not hold reads back.
    let client = client(&server, Pacing::none().writes(1, Duration::from_secs(60)));
    let started = Instant::now();
    for _ in 0..3 {
        let _: serde_json::Value = client
            .request("deviceManagement")
            .segment("deviceCompliancePolicies")
            .key("p1")
            .get()
            .await
            .expect("read");
    }
    assert!(started.elapsed() < Duration::from_secs(30));

    // A budget of all requests does.
    let client = self::client(&server, Pacing::none().all(2, Duration::from_millis(400)));
    let started = Instant::now();
    for _ in 0..3 {
        let _: serde_json::Value = client
            .request("deviceManagement")
            .key("p1")
            .get()
            .await
            .expect("read");
    }
    assert!(started.elapsed() >= Duration::from_millis(400 - 25));
}

#[test]
fn an_empty_budget_is_a_config_error_when_the_client_is_built() {
    let error = GraphClient::builder()
        .bearer_token("t")
        .pacing(Pacing::none().all(0, Duration::from_secs(1)))
        .build()
        .unwrap_err();
    assert!(matches!(error, GraphError::Config(_)), "{error:?}");
}
