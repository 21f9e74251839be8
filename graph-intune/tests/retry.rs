//! Retries of throttled requests, per-request headers and time-outs, against
//! a local wiremock server. No test waits more than about 1 s in total.

use std::time::{Duration, Instant, SystemTime};

use graph_intune::{GraphClient, GraphError, RetryPolicy};
use reqwest::StatusCode;
use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const TOKEN: &str = "retry-test-token";

/// A policy fast enough for tests: tiny backoffs, no jitter.
fn fast_policy() -> RetryPolicy {
    RetryPolicy::default()
        .base_backoff(Duration::from_millis(10))
        .max_backoff(Duration::from_millis(40))
        .total_budget(Duration::from_secs(5))
        .jitter(false)
}

fn client_for(server: &MockServer, policy: RetryPolicy) -> GraphClient {
    GraphClient::builder()
        .base_url(format!("{}/beta", server.uri()))
        .bearer_token(TOKEN)
        .retry(policy)
        .build()
        .expect("valid client")
}

async fn received(server: &MockServer) -> Vec<Request> {
    server
        .received_requests()
        .await
        .expect("request recording is on")
}

fn header<'a>(request: &'a Request, name: &str) -> Option<&'a str> {
    request.headers.get(name).and_then(|v| v.to_str().ok())
}

fn expect_service(result: Result<impl std::fmt::Debug, GraphError>) -> graph_intune::ServiceError {
    match result {
        Err(GraphError::Service(error)) => *error,
        other => panic!("expected a Service error, got {other:?}"),
    }
}

/// Mounts a mock answering `template` to the first `times` requests on
/// `route`, before any other mock.
async fn mount_first(server: &MockServer, route: &str, times: u64, template: ResponseTemplate) {
    Mock::given(path(route))
        .respond_with(template)
        .up_to_n_times(times)
        .with_priority(1)
        .mount(server)
        .await;
}

/// Asserts that the two requests are the same: method, URL, every header
/// (same client-request-id included) and body.
fn assert_identical(first: &Request, second: &Request) {
    assert_eq!(first.method, second.method);
    assert_eq!(first.url, second.url);
    assert_eq!(first.body, second.body);
    assert_eq!(first.headers, second.headers);
    let id = header(first, "client-request-id").expect("a client-request-id");
    assert_eq!(header(second, "client-request-id"), Some(id));
    assert!(
        uuid::Uuid::parse_str(id).is_ok(),
        "client-request-id `{id}` is not a UUID"
    );
}

#[tokio::test]
async fn too_many_requests_with_retry_after_seconds_is_retried_once_identically() {
    let server = MockServer::start().await;
    mount_first(
        &server,
        "/beta/things/t1",
        1,
        ResponseTemplate::new(429)
            .insert_header("retry-after", "1")
            .set_body_json(json!({"error": {"code": "TooManyRequests", "message": "slow"}})),
    )
    .await;
    Mock::given(method("PATCH"))
        .and(path("/beta/things/t1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "t1"})))
        .expect(1)
        .mount(&server)
        .await;

    let client = client_for(&server, RetryPolicy::default());
    let started = Instant::now();
    let updated: Value = client
        .request("things")
        .key("t1")
        .patch(&json!({"displayName": "renamed", "n": 1}))
        .await
        .expect("the retry succeeds");
    let elapsed = started.elapsed();
    assert_eq!(updated, json!({"id": "t1"}));
    assert!(
        elapsed >= Duration::from_millis(990),
        "retried after {elapsed:?}, before Retry-After ended"
    );

    let requests = received(&server).await;
    assert_eq!(requests.len(), 2, "exactly one retry");
    assert_eq!(requests[0].method.as_str(), "PATCH");
    assert_eq!(requests[0].url.path(), "/beta/things/t1");
    assert_eq!(
        serde_json::from_slice::<Value>(&requests[1].body).expect("JSON body"),
        json!({"displayName": "renamed", "n": 1})
    );
    assert_eq!(
        header(&requests[1], "authorization"),
        Some("Bearer retry-test-token")
    );
    assert_identical(&requests[0], &requests[1]);
}

#[tokio::test]
async fn retry_after_as_an_http_date_is_honoured() {
    let server = MockServer::start().await;
    // The server's clock: the wait is read against its Date header.
    let now = SystemTime::now();
    mount_first(
        &server,
        "/beta/things",
        1,
        ResponseTemplate::new(503)
            .insert_header("date", httpdate::fmt_http_date(now).as_str())
            .insert_header(
                "retry-after",
                httpdate::fmt_http_date(now + Duration::from_secs(1)).as_str(),
            ),
    )
    .await;
    Mock::given(method("POST"))
        .and(path("/beta/things"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"id": "new"})))
        .expect(1)
        .mount(&server)
        .await;

    let client = client_for(&server, RetryPolicy::default());
    let started = Instant::now();
    let created: Value = client
        .request("things")
        .post(&json!({"displayName": "x"}))
        .await
        .expect("the retry succeeds");
    let elapsed = started.elapsed();
    assert_eq!(created, json!({"id": "new"}));
    assert!(
        elapsed >= Duration::from_millis(990),
        "retried after {elapsed:?}, before the Retry-After date"
    );
    assert!(elapsed < Duration::from_secs(2), "waited {elapsed:?}");

    let requests = received(&server).await;
    assert_eq!(requests.len(), 2);
    assert_identical(&requests[0], &requests[1]);
}

#[tokio::test]
async fn service_unavailable_three_times_with_a_two_attempt_limit_is_a_throttling_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/beta/things"))
        .respond_with(
            ResponseTemplate::new(503)
                .insert_header("retry-after", "0")
                .insert_header("request-id", "rid-503"),
        )
        .up_to_n_times(3)
        .mount(&server)
        .await;

    let client = client_for(&server, fast_policy().max_attempts(2));
    let error = client
        .request("things")
        .get::<Value>()
        .await
        .expect_err("still unavailable");
    assert!(error.is_throttled(), "{error:?}");
    assert_eq!(error.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
    assert_eq!(error.retry_after(), Some(Duration::ZERO));
    let message = error.to_string();
    assert!(
        message.contains("still throttled after 2 attempts; last Retry-After: 0ns"),
        "{message}"
    );
    let service = expect_service(Err::<(), _>(error));
    assert_eq!(service.attempts, 2);
    assert_eq!(service.request_id.as_deref(), Some("rid-503"));
    assert_eq!(received(&server).await.len(), 2);
}

#[tokio::test]
async fn gateway_timeouts_without_retry_after_back_off_then_succeed() {
    let server = MockServer::start().await;
    mount_first(&server, "/beta/things", 2, ResponseTemplate::new(504)).await;
    Mock::given(method("DELETE"))
        .and(path("/beta/things"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;

    let client = client_for(&server, fast_policy());
    let started = Instant::now();
    client
        .request("things")
        .delete()
        .await
        .expect("third attempt succeeds");
    // Backoffs of 10 ms then 20 ms (no jitter).
    assert!(started.elapsed() >= Duration::from_millis(30));
    let requests = received(&server).await;
    assert_eq!(requests.len(), 3);
    assert_identical(&requests[0], &requests[2]);
}

#[tokio::test]
async fn a_retry_after_beyond_the_budget_ends_the_retries_at_once() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "120"))
        .mount(&server)
        .await;

    let client = client_for(&server, fast_policy().total_budget(Duration::from_secs(30)));
    let started = Instant::now();
    let error = client
        .request("things")
        .get::<Value>()
        .await
        .expect_err("throttled");
    assert!(started.elapsed() < Duration::from_secs(1));
    assert!(error.is_throttled());
    assert_eq!(error.retry_after(), Some(Duration::from_secs(120)));
    let service = expect_service(Err::<(), _>(error));
    assert_eq!(service.attempts, 1);
    assert_eq!(received(&server).await.len(), 1);
}

#[tokio::test]
async fn other_failures_are_not_retried() {
    let server = MockServer::start().await;
    for (route, status) in [
        ("/beta/a", 500),
        ("/beta/b", 502),
        ("/beta/c", 404),
        ("/beta/d", 400),
    ] {
        Mock::given(path(route))
            .respond_with(ResponseTemplate::new(status).insert_header("retry-after", "0"))
            .expect(1)
            .mount(&server)
            .await;
    }
    let client = client_for(&server, fast_policy());
    for root in ["a", "b", "c", "d"] {
        let error = client
            .request(root)
            .get::<Value>()
            .await
            .expect_err("fails");
        assert!(!error.is_throttled());
        assert_eq!(expect_service(Err::<(), _>(error)).attempts, 1);
    }
}

#[tokio::test]
async fn retries_can_be_turned_off_for_the_client_or_one_request() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "0"))
        .mount(&server)
        .await;

    let none = client_for(&server, RetryPolicy::none());
    let error = none
        .request("things")
        .get::<Value>()
        .await
        .expect_err("429");
    assert!(error.is_throttled());
    assert_eq!(
        error.to_string(),
        "Graph returned 429 Too Many Requests (empty body)"
    );
    assert_eq!(received(&server).await.len(), 1);

    let retrying = client_for(&server, fast_policy().max_attempts(3));
    let error = retrying
        .request("things")
        .with_retry(RetryPolicy::none())
        .get::<Value>()
        .await
        .expect_err("429");
    assert_eq!(expect_service(Err::<(), _>(error)).attempts, 1);
    assert_eq!(received(&server).await.len(), 2);

    let error = retrying
        .request("things")
        .get::<Value>()
        .await
        .expect_err("429");
    assert_eq!(expect_service(Err::<(), _>(error)).attempts, 3);
    assert_eq!(received(&server).await.len(), 5);
}

#[tokio::test]
async fn a_connection_refused_before_anything_was_sent_is_retried() {
    // A port with nothing listening yet; the server starts on it while the
    // client is backing off.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
        listener.local_addr().expect("an address").port()
    };
    let client = GraphClient::builder()
        .base_url(format!("http://127.0.0.1:{port}/beta"))
        .bearer_token(TOKEN)
        .retry(
            RetryPolicy::default()
                .max_attempts(8)
                .base_backoff(Duration::from_millis(100))
                .max_backoff(Duration::from_millis(200))
                .jitter(false),
        )
        .build()
        .expect("valid client");
    let request = tokio::spawn(async move {
        client
            .request("things")
            .post::<_, Value>(&json!({"a": 1}))
            .await
    });

    tokio::time::sleep(Duration::from_millis(150)).await;
    let listener = std::net::TcpListener::bind(("127.0.0.1", port)).expect("the port is free");
    let server = MockServer::builder().listener(listener).start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"id": "1"})))
        .expect(1)
        .mount(&server)
        .await;

    let created = request
        .await
        .expect("task ran")
        .expect("created after retries");
    assert_eq!(created, json!({"id": "1"}));
    assert_eq!(received(&server).await[0].body, br#"{"a":1}"#);
}

#[tokio::test]
async fn a_connection_that_keeps_failing_is_a_transport_error_after_the_retries() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
        listener.local_addr().expect("an address").port()
    };
    let client = GraphClient::builder()
        .base_url(format!("http://127.0.0.1:{port}/beta"))
        .bearer_token(TOKEN)
        .retry(fast_policy().max_attempts(3))
        .build()
        .expect("valid client");
    let error = client
        .request("things")
        .get::<Value>()
        .await
        .expect_err("refused");
    assert!(matches!(error, GraphError::Transport(_)), "{error:?}");
    assert!(!error.is_timeout());
    assert!(!format!("{error:?}").contains(TOKEN));
}

#[tokio::test]
async fn an_attempt_that_exceeds_the_timeout_fails_and_is_not_retried() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({}))
                .set_delay(Duration::from_millis(800)),
        )
        .mount(&server)
        .await;

    let client = GraphClient::builder()
        .base_url(format!("{}/beta", server.uri()))
        .bearer_token(TOKEN)
        .timeout(Duration::from_millis(100))
        .retry(fast_policy())
        .build()
        .expect("valid client");
    let started = Instant::now();
    let error = client
        .request("slow")
        .get::<Value>()
        .await
        .expect_err("times out");
    assert!(error.is_timeout(), "{error:?}");
    assert!(started.elapsed() < Duration::from_millis(700));

    // A request can allow itself more time.
    let value: Value = client
        .request("slow")
        .with_timeout(Duration::from_secs(5))
        .get()
        .await
        .expect("in time");
    assert_eq!(value, json!({}));
    assert_eq!(received(&server).await.len(), 2);
}

#[tokio::test]
async fn every_request_has_its_own_client_request_id_and_names_the_sdk() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .mount(&server)
        .await;

    let client = client_for(&server, fast_policy());
    for _ in 0..3 {
        let _: Value = client.request("things").get().await.expect("ok");
    }
    let requests = received(&server).await;
    let ids: std::collections::HashSet<_> = requests
        .iter()
        .map(|r| header(r, "client-request-id").expect("an id").to_owned())
        .collect();
    assert_eq!(ids.len(), 3, "{ids:?}");
    let sdk = format!("graph-intune/{}", env!("CARGO_PKG_VERSION"));
    for request in &requests {
        assert_eq!(header(request, "sdkversion"), Some(sdk.as_str()));
        assert_eq!(header(request, "user-agent"), Some(sdk.as_str()));
        assert_eq!(header(request, "prefer"), None);
    }
}

#[tokio::test]
async fn prefer_include_unknown_enum_members_is_opt_in() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(wiremock::matchers::header(
            "prefer",
            "include-unknown-enum-members",
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": true})))
        .expect(1)
        .mount(&server)
        .await;

    let client = GraphClient::builder()
        .base_url(format!("{}/beta", server.uri()))
        .bearer_token(TOKEN)
        .include_unknown_enum_members(true)
        .build()
        .expect("valid client");
    assert!(client.include_unknown_enum_members());
    let value: Value = client.request("things").get().await.expect("ok");
    assert_eq!(value, json!({"ok": true}));
}

#[tokio::test]
async fn a_token_echoed_in_an_error_body_is_redacted() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({
            "error": {"code": "InvalidAuthenticationToken", "message": format!("bad token {TOKEN}")}
        })))
        .mount(&server)
        .await;

    let client = client_for(&server, fast_policy());
    let error = client
        .request("things")
        .get::<Value>()
        .await
        .expect_err("401");
    let shown = format!("{error} {error:?}");
    assert!(!shown.contains(TOKEN), "{shown}");
    assert!(shown.contains("bad token <redacted>"), "{shown}");
}

#[test]
fn policy_defaults_are_documented_values() {
    let policy = RetryPolicy::default();
    assert_eq!(policy, RetryPolicy::new());
    assert_eq!(policy.max_attempts, 4);
    assert_eq!(policy.total_budget, Duration::from_secs(180));
    assert_eq!(policy.base_backoff, Duration::from_millis(500));
    assert_eq!(policy.max_backoff, Duration::from_secs(30));
    assert!(policy.jitter);
    assert_eq!(RetryPolicy::none().max_attempts, 1);

    let client = GraphClient::builder()
        .bearer_token(TOKEN)
        .build()
        .expect("client");
    assert_eq!(client.retry_policy(), policy);
    assert_eq!(
        client.timeout(),
        Some(graph_intune::client::DEFAULT_TIMEOUT)
    );
    let untimed = GraphClient::builder()
        .bearer_token(TOKEN)
        .no_timeout()
        .build()
        .expect("client");
    assert_eq!(untimed.timeout(), None);
}
