//! The OAuth 2.0 client-credentials provider against a local wiremock token
//! endpoint, and its use by the client.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use graph_intune::{ClientCredentials, Cloud, GraphClient, GraphError, TokenProvider};
use serde_json::{json, Value};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const TENANT: &str = "contoso.onmicrosoft.com";
const CLIENT_ID: &str = "11111111-2222-3333-4444-555555555555";
const SECRET: &str = "Sup3r~S3cret.Value_42";
const TOKEN_PATH: &str = "/contoso.onmicrosoft.com/oauth2/v2.0/token";

fn token_answer(token: &str, expires_in: u64) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "token_type": "Bearer",
        "expires_in": expires_in,
        "ext_expires_in": expires_in,
        "access_token": token
    }))
}

fn credentials(authority: &MockServer) -> ClientCredentials {
    ClientCredentials::new(TENANT, CLIENT_ID, SECRET)
        .authority(authority.uri())
        .http_client(reqwest::Client::new())
}

fn form_of(request: &Request) -> HashMap<String, String> {
    let body = std::str::from_utf8(&request.body).expect("a UTF-8 form");
    reqwest::Url::parse(&format!("http://form.invalid/?{body}"))
        .expect("a form")
        .query_pairs()
        .into_owned()
        .collect()
}

async fn received(server: &MockServer) -> Vec<Request> {
    server
        .received_requests()
        .await
        .expect("request recording is on")
}

#[tokio::test]
async fn the_token_endpoint_receives_a_correct_form_post_and_graph_the_token() {
    let login = MockServer::start().await;
    let graph = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .respond_with(token_answer("issued-token-1", 3599))
        .expect(1)
        .mount(&login)
        .await;
    Mock::given(method("GET"))
        .and(path("/beta/things"))
        .and(header("authorization", "Bearer issued-token-1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": 1})))
        .expect(2)
        .mount(&graph)
        .await;

    let client = GraphClient::builder()
        .base_url(format!("{}/beta", graph.uri()))
        .token_provider(credentials(&login))
        .build()
        .expect("valid client");
    for _ in 0..2 {
        let value: Value = client.request("things").get().await.expect("ok");
        assert_eq!(value, json!({"ok": 1}));
    }

    let requests = received(&login).await;
    assert_eq!(requests.len(), 1, "the token is cached");
    let form = form_of(&requests[0]);
    let expected: HashMap<String, String> = [
        ("grant_type", "client_credentials"),
        ("client_id", CLIENT_ID),
        ("client_secret", SECRET),
        ("scope", "https://graph.microsoft.com/.default"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    assert_eq!(form, expected);
}

#[tokio::test]
async fn fifty_concurrent_requests_cause_exactly_one_token_request() {
    let login = MockServer::start().await;
    let graph = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(token_answer("shared-token", 3599).set_delay(Duration::from_millis(200)))
        .expect(1)
        .mount(&login)
        .await;
    Mock::given(method("GET"))
        .and(header("authorization", "Bearer shared-token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .expect(50)
        .mount(&graph)
        .await;

    let client = GraphClient::builder()
        .base_url(format!("{}/beta", graph.uri()))
        .token_provider(credentials(&login))
        .build()
        .expect("valid client");
    let mut tasks = tokio::task::JoinSet::new();
    for n in 0..50 {
        let client = client.clone();
        tasks.spawn(async move {
            client
                .request("things")
                .key(&n.to_string())
                .get::<Value>()
                .await
        });
    }
    while let Some(result) = tasks.join_next().await {
        result.expect("task ran").expect("request succeeded");
    }
    assert_eq!(received(&login).await.len(), 1);
    assert_eq!(received(&graph).await.len(), 50);
}

#[tokio::test]
async fn an_expired_token_is_refreshed() {
    let login = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(token_answer("short-lived", 0))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&login)
        .await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(token_answer("long-lived", 3600))
        .mount(&login)
        .await;

    let provider = credentials(&login);
    assert_eq!(provider.access_token().await.expect("token"), "short-lived");
    assert_eq!(provider.access_token().await.expect("token"), "long-lived");
    assert_eq!(provider.access_token().await.expect("token"), "long-lived");
    assert_eq!(received(&login).await.len(), 2);
}

#[tokio::test]
async fn a_token_within_its_refresh_margin_is_replaced() {
    let login = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(token_answer("first", 1))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&login)
        .await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(token_answer("second", 3600))
        .mount(&login)
        .await;

    // A 1 s token with no margin is replaced once its second has passed.
    // (That a token is reused while it is valid, `an_expired_token_is_refreshed`
    // shows with a long-lived one; asserting it here for a 1 s token would
    // bound the wall clock from above.)
    let provider = credentials(&login).refresh_margin(Duration::ZERO);
    assert_eq!(provider.access_token().await.expect("token"), "first");
    tokio::time::sleep(Duration::from_millis(1050)).await;
    assert_eq!(provider.access_token().await.expect("token"), "second");
    assert_eq!(received(&login).await.len(), 2);
}

#[tokio::test]
async fn a_refused_token_request_is_an_auth_error_with_the_description() {
    let login = MockServer::start().await;
    let graph = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({
            "error": "invalid_client",
            "error_description": format!(
                "AADSTS7000215: Invalid client secret provided. Ensure the secret being sent \
                 is the client secret value, not the client secret ID ({SECRET})."
            ),
            "error_codes": [7000215],
            "timestamp": "2024-05-01 10:00:00Z",
            "trace_id": "trace-1",
            "correlation_id": "corr-1"
        })))
        .expect(1)
        .mount(&login)
        .await;

    let client = GraphClient::builder()
        .base_url(format!("{}/beta", graph.uri()))
        .token_provider(credentials(&login))
        .build()
        .expect("valid client");
    let error = client
        .request("things")
        .get::<Value>()
        .await
        .expect_err("no token");
    let message = match &error {
        GraphError::Auth(message) => message.clone(),
        other => panic!("expected an Auth error, got {other:?}"),
    };
    assert!(
        message.starts_with(
            "the token endpoint answered 400 Bad Request: invalid_client: \
             AADSTS7000215: Invalid client secret provided."
        ),
        "{message}"
    );
    assert!(
        message.contains("trace id trace-1, correlation id corr-1"),
        "{message}"
    );
    let shown = format!("{error} {error:?} {client:?}");
    assert!(!shown.contains(SECRET), "{shown}");
    assert!(shown.contains("<redacted>"), "{shown}");
    assert!(received(&graph).await.is_empty(), "nothing sent to Graph");
}

#[tokio::test]
async fn concurrent_callers_share_one_failed_token_request() {
    let login = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_json(json!({"error": "unauthorized_client", "error_description": "nope"}))
                .set_delay(Duration::from_millis(200)),
        )
        .mount(&login)
        .await;

    let provider = Arc::new(credentials(&login));
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..10 {
        let provider = provider.clone();
        tasks.spawn(async move { provider.access_token().await });
    }
    while let Some(result) = tasks.join_next().await {
        match result.expect("task ran") {
            Err(GraphError::Auth(message)) => assert!(message.contains("nope"), "{message}"),
            other => panic!("expected an Auth error, got {other:?}"),
        }
    }
    assert_eq!(received(&login).await.len(), 1);

    // A later caller asks again.
    assert!(provider.access_token().await.is_err());
    assert_eq!(received(&login).await.len(), 2);
}

#[tokio::test]
async fn unexpected_token_answers_are_auth_errors() {
    let login = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/html/oauth2/v2.0/token"))
        .respond_with(ResponseTemplate::new(502).set_body_string("<html>bad gateway</html>"))
        .mount(&login)
        .await;
    Mock::given(method("POST"))
        .and(path("/garbage/oauth2/v2.0/token"))
        .respond_with(ResponseTemplate::new(200).set_body_string("{\"expires_in\": 10}"))
        .mount(&login)
        .await;
    Mock::given(method("POST"))
        .and(path("/pop/oauth2/v2.0/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "token_type": "pop", "access_token": "x", "expires_in": 10
        })))
        .mount(&login)
        .await;

    for (tenant, expected) in [
        (
            "html",
            "the token endpoint answered 502 Bad Gateway: <html>bad gateway</html>",
        ),
        ("garbage", "not a token response"),
        ("pop", "only bearer tokens are supported"),
    ] {
        let provider = ClientCredentials::new(tenant, CLIENT_ID, SECRET).authority(login.uri());
        match provider.access_token().await {
            Err(GraphError::Auth(message)) => assert!(message.contains(expected), "{message}"),
            other => panic!("{tenant}: expected an Auth error, got {other:?}"),
        }
    }

    let unreachable = ClientCredentials::new("t", CLIENT_ID, SECRET)
        .authority("ftp://login.example")
        .access_token()
        .await;
    assert!(
        matches!(unreachable, Err(GraphError::Config(_))),
        "{unreachable:?}"
    );
}

#[tokio::test]
async fn cloud_defaults_give_the_authority_and_the_scope() {
    let login = MockServer::start().await;
    let graph = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/tenant-id/oauth2/v2.0/token"))
        .respond_with(token_answer("sovereign", 3600))
        .expect(1)
        .mount(&login)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1.0/things"))
        .and(header("authorization", "Bearer sovereign"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .expect(1)
        .mount(&graph)
        .await;

    let cloud = Cloud::custom(graph.uri(), login.uri());
    let client = GraphClient::builder()
        .cloud(cloud.clone())
        .version(graph_intune::ApiVersion::V1)
        .token_provider(ClientCredentials::new("tenant-id", CLIENT_ID, SECRET).cloud(cloud.clone()))
        .build()
        .expect("valid client");
    assert_eq!(client.base_url(), format!("{}/v1.0", graph.uri()));
    assert_eq!(client.cloud(), &cloud);
    let _: Value = client.request("things").get().await.expect("ok");

    let form = form_of(&received(&login).await[0]);
    assert_eq!(form["scope"], format!("{}/.default", graph.uri()));
}

#[tokio::test]
async fn an_expired_token_is_not_used_when_its_refresh_fails() {
    let login = MockServer::start().await;
    let graph = MockServer::start().await;
    // A token that has expired when it is next needed, then a failure.
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(token_answer("expired-token", 0))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&login)
        .await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(ResponseTemplate::new(500).set_body_json(json!({
            "error": "temporarily_unavailable",
            "error_description": "AADSTS50196: The server is busy.",
            "trace_id": "trace-2"
        })))
        .mount(&login)
        .await;
    Mock::given(method("GET"))
        .and(path("/beta/things"))
        .and(header("authorization", "Bearer expired-token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .expect(1)
        .mount(&graph)
        .await;

    let client = GraphClient::builder()
        .base_url(format!("{}/beta", graph.uri()))
        .token_provider(credentials(&login))
        .build()
        .expect("valid client");
    let _: Value = client
        .request("things")
        .get()
        .await
        .expect("the first token");
    let error = client
        .request("things")
        .get::<Value>()
        .await
        .expect_err("the token has expired and cannot be refreshed");
    match &error {
        GraphError::Auth(message) => assert_eq!(
            message,
            "the token endpoint answered 500 Internal Server Error: temporarily_unavailable: \
             AADSTS50196: The server is busy. (trace id trace-2)"
        ),
        other => panic!("expected an Auth error, got {other:?}"),
    }
    assert_eq!(received(&login).await.len(), 2);
    assert_eq!(
        received(&graph).await.len(),
        1,
        "the expired token is not sent"
    );
}

#[tokio::test]
async fn a_token_request_slower_than_the_timeout_is_an_auth_error() {
    let login = MockServer::start().await;
    let graph = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(token_answer("too-late", 3600).set_delay(Duration::from_secs(30)))
        .expect(1)
        .mount(&login)
        .await;

    let timeout = Duration::from_millis(100);
    let client = GraphClient::builder()
        .base_url(format!("{}/beta", graph.uri()))
        .token_provider(credentials(&login).timeout(timeout))
        .build()
        .expect("valid client");
    let started = Instant::now();
    let error = client
        .request("things")
        .get::<Value>()
        .await
        .expect_err("the token request times out");
    assert!(started.elapsed() >= timeout, "{:?}", started.elapsed());
    match &error {
        GraphError::Auth(message) => assert_eq!(
            message,
            "the token request timed out: no complete answer from the token endpoint \
             within 100ms (ClientCredentials::timeout)"
        ),
        other => panic!("expected an Auth error, got {other:?}"),
    }
    assert_eq!(
        error.to_string(),
        "cannot get an access token: the token request timed out: no complete answer \
         from the token endpoint within 100ms (ClientCredentials::timeout)"
    );
    assert!(received(&graph).await.is_empty(), "nothing sent to Graph");
}

#[tokio::test]
async fn a_token_request_faster_than_the_timeout_succeeds() {
    let login = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(token_answer("in-time", 3600).set_delay(Duration::from_millis(100)))
        .expect(1)
        .mount(&login)
        .await;

    let provider = credentials(&login).timeout(Duration::from_secs(10));
    let started = Instant::now();
    assert_eq!(provider.access_token().await.expect("a token"), "in-time");
    assert!(started.elapsed() >= Duration::from_millis(100));
    assert_eq!(provider.access_token().await.expect("cached"), "in-time");
    assert_eq!(received(&login).await.len(), 1);
}

#[test]
fn the_default_timeout_is_30_seconds() {
    assert_eq!(ClientCredentials::DEFAULT_TIMEOUT, Duration::from_secs(30));
    let shown = format!("{:?}", ClientCredentials::new(TENANT, CLIENT_ID, SECRET));
    assert!(shown.contains("timeout: 30s"), "{shown}");
    let shown = format!(
        "{:?}",
        ClientCredentials::new(TENANT, CLIENT_ID, SECRET).timeout(Duration::from_millis(1500))
    );
    assert!(shown.contains("timeout: 1.5s"), "{shown}");
}

#[test]
fn debug_of_credentials_and_clients_shows_no_secret() {
    let credentials = ClientCredentials::new(TENANT, CLIENT_ID, SECRET);
    let shown = format!("{credentials:?} {credentials:#?}");
    assert!(!shown.contains(SECRET), "{shown}");
    assert!(shown.contains(r#"client_secret: "<redacted>""#), "{shown}");
    assert!(shown.contains(CLIENT_ID), "{shown}");

    let builder = GraphClient::builder().token_provider(credentials);
    let client = builder.clone().build().expect("valid client");
    let shown = format!("{builder:?} {client:?} {client:#?}");
    assert!(!shown.contains(SECRET), "{shown}");
}
