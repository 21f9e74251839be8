//! Retries of throttled and failed requests, per-request headers and
//! time-outs, against a local wiremock server, and against a raw TCP server
//! for what a mock server cannot do (a connection refused, or broken after
//! the whole request was read). Waits are asserted as lower bounds only.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
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
    client_at(&format!("{}/beta", server.uri()), policy)
}

/// A client of `base_url` with the test token and `policy`.
fn client_at(base_url: &str, policy: RetryPolicy) -> GraphClient {
    GraphClient::builder()
        .base_url(base_url)
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
    // Waiting the 120 s asked for would end past the 30 s budget; the
    // 60 s guard only catches a client that waits anyway.
    let error = tokio::time::timeout(
        Duration::from_secs(60),
        client.request("things").get::<Value>(),
    )
    .await
    .expect("gave up without waiting")
    .expect_err("throttled");
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

/// A token provider that lets a reserved port listen when it is asked for
/// the token of the second attempt: the first attempt is certainly refused,
/// the second certainly connects, and no clock decides which.
struct ListenOnSecondAttempt {
    socket: Mutex<Option<socket2::Socket>>,
    calls: std::sync::atomic::AtomicU32,
    server: Mutex<Option<RawServer>>,
}

#[async_trait::async_trait]
impl graph_intune::TokenProvider for ListenOnSecondAttempt {
    async fn access_token(&self) -> Result<String, GraphError> {
        let call = self.calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
        if call == 2 {
            let socket = self
                .socket
                .lock()
                .expect("not poisoned")
                .take()
                .expect("the socket, once");
            socket.listen(16).expect("the socket listens");
            let server = RawServer::start(socket.into(), vec![Then::Answer(CREATED)]);
            *self.server.lock().expect("not poisoned") = Some(server);
        }
        Ok(TOKEN.to_owned())
    }
}

#[tokio::test]
async fn a_connection_refused_before_anything_was_sent_is_retried_even_for_a_post() {
    // A port that is reserved but refuses connections until the token
    // provider lets it listen, before the second attempt.
    let socket = refusing_socket();
    let port = local_port(&socket);
    let provider = Arc::new(ListenOnSecondAttempt {
        socket: Mutex::new(Some(socket)),
        calls: 0.into(),
        server: Mutex::new(None),
    });
    let client = GraphClient::builder()
        .base_url(format!("http://127.0.0.1:{port}/beta"))
        .token_provider(Arc::clone(&provider))
        .retry(fast_policy().max_attempts(3))
        .build()
        .expect("valid client");
    let created: Value = client
        .request("things")
        .post(&json!({"a": 1}))
        .await
        .expect("created on the second attempt");
    assert_eq!(created, json!({"id": "1"}));
    assert_eq!(provider.calls.load(std::sync::atomic::Ordering::SeqCst), 2);
    let server = provider.server.lock().expect("not poisoned").take();
    let requests = server.expect("listening").requests();
    assert_eq!(requests.len(), 1, "{requests:?}");
    assert_eq!(requests[0].line, "POST /beta/things HTTP/1.1");
    assert_eq!(requests[0].body, br#"{"a":1}"#);
}

#[tokio::test]
async fn a_connection_that_keeps_failing_is_a_transport_error_after_the_retries() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
        listener.local_addr().expect("an address").port()
    };
    let client = client_at(
        &format!("http://127.0.0.1:{port}/beta"),
        fast_policy().max_attempts(3),
    );
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
async fn a_request_can_allow_itself_more_time_than_the_client() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({}))
                .set_delay(Duration::from_millis(300)),
        )
        .mount(&server)
        .await;

    let client = GraphClient::builder()
        .base_url(format!("{}/beta", server.uri()))
        .bearer_token(TOKEN)
        .timeout(Duration::from_millis(100))
        .retry(RetryPolicy::none())
        .build()
        .expect("valid client");
    let error = client
        .request("slow")
        .get::<Value>()
        .await
        .expect_err("times out");
    assert!(error.is_timeout(), "{error:?}");
    assert!(error.is_outcome_unknown(), "{error:?}");

    let value: Value = client
        .request("slow")
        .with_timeout(Duration::from_secs(30))
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

/// Answers `201 Created` with `{"id":"1"}`.
const CREATED: &str = "HTTP/1.1 201 Created\r\ncontent-type: application/json\r\ncontent-length: 10\r\nconnection: close\r\n\r\n{\"id\":\"1\"}";

/// Answers `200 OK` with `{"id":"t1"}`.
const OK_T1: &str = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 11\r\nconnection: close\r\n\r\n{\"id\":\"t1\"}";

/// What the raw server does with a connection once it has read the whole
/// request on it.
#[derive(Clone, Copy, Debug)]
enum Then {
    /// Closes the connection without a byte of answer.
    Close,
    /// Keeps the connection open and never answers.
    Stall,
    /// Writes this whole HTTP answer, then closes.
    Answer(&'static str),
}

/// One request as the raw server read it.
#[derive(Clone, Debug, PartialEq)]
struct RawRequest {
    /// The request line, such as `POST /beta/things HTTP/1.1`.
    line: String,
    /// The header lines, names lower-cased, in order.
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl RawRequest {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A raw HTTP/1.1 server on a thread of its own: it reads each request
/// whole (head and `Content-Length` body), records it, then does the next
/// step of its script with the connection (the last step repeats).
struct RawServer {
    requests: Arc<Mutex<Vec<RawRequest>>>,
    url: String,
}

impl RawServer {
    fn bind(script: Vec<Then>) -> RawServer {
        RawServer::start(
            TcpListener::bind("127.0.0.1:0").expect("a free port"),
            script,
        )
    }

    fn start(listener: TcpListener, script: Vec<Then>) -> RawServer {
        let url = format!("http://{}/beta", listener.local_addr().expect("an address"));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let recorded = Arc::clone(&requests);
        std::thread::spawn(move || {
            let mut stalled = Vec::new();
            let mut steps = script.into_iter();
            let mut step = Then::Close;
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let Some(request) = read_request(&mut stream) else {
                    continue;
                };
                recorded.lock().expect("not poisoned").push(request);
                step = steps.next().unwrap_or(step);
                match step {
                    Then::Close => drop(stream),
                    Then::Stall => stalled.push(stream),
                    Then::Answer(answer) => {
                        let _ = stream.write_all(answer.as_bytes());
                    }
                }
            }
        });
        RawServer { requests, url }
    }

    fn requests(&self) -> Vec<RawRequest> {
        self.requests.lock().expect("not poisoned").clone()
    }

    fn client(&self, policy: RetryPolicy) -> GraphClient {
        client_at(&self.url, policy)
    }
}

/// Reads one whole request; `None` if the connection ends first.
fn read_request(stream: &mut std::net::TcpStream) -> Option<RawRequest> {
    let mut bytes = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(at) = bytes.windows(4).position(|w| w == b"\r\n\r\n") {
            break at;
        }
        let n = stream.read(&mut chunk).ok().filter(|&n| n > 0)?;
        bytes.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&bytes[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let line = lines.next()?.to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .map_or(0, |(_, v)| v.parse().unwrap_or(0));
    let mut body = bytes[head_end + 4..].to_vec();
    while body.len() < length {
        let n = stream.read(&mut chunk).ok().filter(|&n| n > 0)?;
        body.extend_from_slice(&chunk[..n]);
    }
    Some(RawRequest {
        line,
        headers,
        body,
    })
}

/// A socket bound to a free port of 127.0.0.1 that does not listen yet:
/// connections to it are refused, and no other test can take the port.
fn refusing_socket() -> socket2::Socket {
    let socket =
        socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).expect("a socket");
    let address: std::net::SocketAddr = "127.0.0.1:0".parse().expect("an address");
    socket.bind(&address.into()).expect("a free port");
    socket
}

fn local_port(socket: &socket2::Socket) -> u16 {
    socket
        .local_addr()
        .expect("bound")
        .as_socket()
        .expect("an IP socket")
        .port()
}

/// Asserts that a request the raw server read twice was sent identically:
/// request line, every header (the same `client-request-id`) and body.
fn assert_raw_identical(first: &RawRequest, second: &RawRequest) {
    assert_eq!(first, second);
    let id = first
        .header("client-request-id")
        .expect("a client-request-id");
    assert!(uuid::Uuid::parse_str(id).is_ok(), "{id}");
}

#[tokio::test]
async fn a_post_whose_connection_breaks_after_it_was_read_is_not_sent_again() {
    // Were the POST sent again, the second attempt would be answered 201
    // and the call would succeed: a duplicate create.
    let server = RawServer::bind(vec![Then::Close, Then::Answer(CREATED)]);
    let error = server
        .client(fast_policy())
        .request("things")
        .post::<_, Value>(&json!({"displayName": "once"}))
        .await
        .expect_err("the connection broke after sending");
    assert!(matches!(error, GraphError::Transport(_)), "{error:?}");
    assert!(error.is_outcome_unknown());
    assert!(!error.is_timeout());
    let requests = server.requests();
    assert_eq!(requests.len(), 1, "sent once: {requests:?}");
    assert_eq!(requests[0].line, "POST /beta/things HTTP/1.1");
    assert_eq!(requests[0].body, br#"{"displayName":"once"}"#);
    assert_eq!(
        requests[0].header("authorization"),
        Some("Bearer retry-test-token")
    );
}

#[tokio::test]
async fn a_patch_whose_connection_breaks_after_it_was_read_is_sent_again_identically() {
    let server = RawServer::bind(vec![Then::Close, Then::Answer(OK_T1)]);
    let updated: Value = server
        .client(fast_policy())
        .request("things")
        .key("t1")
        .patch(&json!({"displayName": "renamed"}))
        .await
        .expect("the second attempt is answered");
    assert_eq!(updated, json!({"id": "t1"}));
    let requests = server.requests();
    assert_eq!(requests.len(), 2, "{requests:?}");
    assert_eq!(requests[0].line, "PATCH /beta/things/t1 HTTP/1.1");
    assert_eq!(requests[0].body, br#"{"displayName":"renamed"}"#);
    assert_raw_identical(&requests[0], &requests[1]);
}

#[tokio::test]
async fn a_patch_whose_connection_always_breaks_is_a_transport_error_after_the_attempts() {
    let server = RawServer::bind(vec![Then::Close]);
    let error = server
        .client(fast_policy().max_attempts(3))
        .request("things")
        .key("t1")
        .patch::<_, Value>(&json!({"n": 1}))
        .await
        .expect_err("never answered");
    assert!(matches!(error, GraphError::Transport(_)), "{error:?}");
    assert!(error.is_outcome_unknown());
    let requests = server.requests();
    assert_eq!(requests.len(), 3, "{requests:?}");
    assert_raw_identical(&requests[0], &requests[2]);
}

#[tokio::test]
async fn a_timed_out_get_is_sent_again_and_a_timed_out_post_is_not() {
    // Generous time-outs: an attempt that is slow for another reason than
    // the stalled answer only adds an attempt, which the script answers.
    let timeout = Duration::from_secs(2);
    let server = RawServer::bind(vec![Then::Stall, Then::Answer(OK_T1)]);
    let read: Value = server
        .client(fast_policy())
        .request("things")
        .key("t1")
        .with_timeout(timeout)
        .get()
        .await
        .expect("the second attempt is answered");
    assert_eq!(read, json!({"id": "t1"}));
    let requests = server.requests();
    assert_eq!(requests.len(), 2, "{requests:?}");
    assert_raw_identical(&requests[0], &requests[1]);

    let server = RawServer::bind(vec![Then::Stall, Then::Answer(CREATED)]);
    let error = server
        .client(fast_policy())
        .request("things")
        .with_timeout(timeout)
        .post::<_, Value>(&json!({"a": 1}))
        .await
        .expect_err("timed out");
    assert!(error.is_timeout(), "{error:?}");
    assert!(error.is_outcome_unknown());
    assert_eq!(server.requests().len(), 1);
}

/// Throttling answers for each kind of request: `429` and `503` are
/// retried whatever the method, `504` only for idempotent ones.
#[tokio::test]
async fn throttling_answers_are_retried_by_method() {
    let server = MockServer::start().await;
    let cases = [
        ("GET", 429, 2),
        ("PATCH", 429, 2),
        ("DELETE", 429, 2),
        ("POST", 429, 2),
        ("GET", 503, 2),
        ("PATCH", 503, 2),
        ("DELETE", 503, 2),
        ("POST", 503, 2),
        ("GET", 504, 2),
        ("PATCH", 504, 2),
        ("DELETE", 504, 2),
        ("POST", 504, 1),
    ];
    for (i, (verb, status, _)) in cases.iter().enumerate() {
        let route = format!("/beta/case{i}");
        mount_first(
            &server,
            &route,
            1,
            ResponseTemplate::new(*status).insert_header("retry-after", "0"),
        )
        .await;
        Mock::given(method(*verb))
            .and(path(route))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": i})))
            .mount(&server)
            .await;
    }
    let client = client_for(&server, fast_policy());
    for (i, (verb, status, sends)) in cases.iter().enumerate() {
        let request = client.request(&format!("case{i}"));
        let result: Result<Option<Value>, GraphError> = match *verb {
            "GET" => request.get().await.map(Some),
            "PATCH" => request.patch(&json!({})).await.map(Some),
            "DELETE" => request.delete().await.map(|()| None),
            _ => request.post(&json!({})).await.map(Some),
        };
        let route = format!("/beta/case{i}");
        let sent = received(&server)
            .await
            .iter()
            .filter(|r| r.url.path() == route)
            .count();
        assert_eq!(sent, *sends, "{verb} answered {status}: sends");
        if *sends == 2 {
            let value = result.unwrap_or_else(|e| panic!("{verb} {status}: {e}"));
            if *verb != "DELETE" {
                assert_eq!(value, Some(json!({"ok": i})));
            }
        } else {
            let error = result.expect_err("not retried");
            assert_eq!(error.status(), Some(StatusCode::GATEWAY_TIMEOUT));
            assert!(error.is_outcome_unknown());
            assert_eq!(expect_service(Err::<(), _>(error)).attempts, 1);
        }
    }
}
