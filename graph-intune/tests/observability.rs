//! What the client logs through `tracing`: a span per request naming the
//! method, the path, the client-request-id, the attempt, the status and
//! Graph's request-id; never a token, a secret or the query string.

use std::io::Write;
use std::sync::{Arc, Mutex};

use graph_intune::{ClientCredentials, GraphClient, Query, RetryPolicy};
use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "log-test-token-0123456789";
const SECRET: &str = "log-test-client-secret";
const FILTER_VALUE: &str = "someone@contoso.example";

/// A log sink shared with the test.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .map_err(|_| std::io::Error::other("poisoned"))?
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Capture {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().expect("not poisoned")).into_owned()
    }

    fn install(&self) -> tracing::subscriber::DefaultGuard {
        let sink = self.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_writer(move || sink.clone())
            .finish();
        tracing::subscriber::set_default(subscriber)
    }
}

#[tokio::test]
async fn a_retried_request_is_logged_with_its_span_fields_and_no_secret() {
    let logs = Capture::default();
    let _guard = logs.install();

    let server = MockServer::start().await;
    Mock::given(path("/beta/things/t1"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("retry-after", "0")
                .insert_header("request-id", "rid-first"),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path("/beta/things/t1"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("request-id", "rid-second")
                .set_body_json(json!({"id": "t1"})),
        )
        .mount(&server)
        .await;

    let client = GraphClient::builder()
        .base_url(format!("{}/beta", server.uri()))
        .bearer_token(TOKEN)
        .retry(RetryPolicy::default().jitter(false))
        .build()
        .expect("valid client");
    let _: Value = client
        .request("things")
        .key("t1")
        .with_query(&Query::new().filter(format!("userPrincipalName eq '{FILTER_VALUE}'")))
        .patch(&json!({"displayName": "x"}))
        .await
        .expect("retried and succeeded");

    let requests = server.received_requests().await.expect("recorded");
    let client_request_id = requests[0]
        .headers
        .get("client-request-id")
        .and_then(|v| v.to_str().ok())
        .expect("an id")
        .to_owned();

    let text = logs.text();
    let request_span = format!(
        "graph_request{{method=PATCH path=/beta/things/t1 client_request_id={client_request_id}"
    );
    for expected in [
        request_span.as_str(),
        "graph_attempt{attempt=1 status=429 request_id=rid-first}",
        "throttled; retrying",
        "attempts=2 status=200}:graph_attempt{attempt=2 status=200 request_id=rid-second}",
        "answered",
    ] {
        assert!(
            text.contains(expected),
            "`{expected}` missing from:\n{text}"
        );
    }
    assert!(text.contains("WARN"), "{text}");
    assert!(!text.contains(TOKEN), "the token was logged:\n{text}");
    assert!(
        !text.contains(FILTER_VALUE),
        "the query was logged:\n{text}"
    );
    assert!(!text.contains("Bearer"), "{text}");
}

#[tokio::test]
async fn client_credentials_log_neither_the_secret_nor_the_token() {
    let logs = Capture::default();
    let _guard = logs.install();

    let login = MockServer::start().await;
    let graph = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "token_type": "Bearer", "expires_in": 3600, "access_token": TOKEN
        })))
        .mount(&login)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"value": []})))
        .mount(&graph)
        .await;

    let credentials = ClientCredentials::new("tenant", "app-id", SECRET).authority(login.uri());
    let client = GraphClient::builder()
        .base_url(format!("{}/beta", graph.uri()))
        .token_provider(credentials)
        .build()
        .expect("valid client");
    let _: Vec<Value> = client.request("things").list_all().await.expect("listed");

    let text = logs.text();
    assert!(text.contains("requesting an access token"), "{text}");
    assert!(text.contains("received an access token"), "{text}");
    assert!(!text.contains(TOKEN), "the token was logged:\n{text}");
    assert!(!text.contains(SECRET), "the secret was logged:\n{text}");
}

#[tokio::test]
async fn each_batch_post_is_a_span_with_its_round_and_step_count() {
    let logs = Capture::default();
    let _guard = logs.install();

    let server = MockServer::start().await;
    // Step 2 is throttled the first time; the second post carries it alone.
    Mock::given(method("POST"))
        .and(path("/beta/$batch"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"responses": [
                {"id": "1", "status": 204},
                {"id": "2", "status": 429, "headers": {"Retry-After": "0"}},
                {"id": "3", "status": 204}
            ]})),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/beta/$batch"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"responses": [
                {"id": "2", "status": 204}
            ]})),
        )
        .mount(&server)
        .await;
    let client = GraphClient::builder()
        .base_url(format!("{}/beta", server.uri()))
        .bearer_token(TOKEN)
        .build()
        .expect("valid client");
    let mut batch = client.batch();
    let steps: Vec<_> = ["t1", "t2", "t3"]
        .iter()
        .map(|key| batch.add(client.request("things").key(key).delete()))
        .collect();
    let mut responses = batch.send().await.expect("sent");
    for step in steps {
        responses.get(step).expect("deleted");
    }

    let text = logs.text();
    for expected in [
        "graph_batch{steps=3}:graph_batch_post{round=1 steps=3}:graph_request{method=POST path=/beta/$batch",
        "graph_batch{steps=3}:graph_batch_post{round=2 steps=1}:graph_request{method=POST path=/beta/$batch",
        "batch steps throttled; sending them again",
    ] {
        assert!(
            text.contains(expected),
            "`{expected}` missing from:\n{text}"
        );
    }
    assert!(!text.contains(TOKEN), "the token was logged:\n{text}");
}
