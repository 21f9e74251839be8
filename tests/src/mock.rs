//! The mock-server side of the HTTP tests: a client pointed at a local
//! wiremock server, and exact checks of what it received.

use graph_intune::GraphClient;
use serde_json::Value;
use wiremock::{MockServer, Request};

/// The bearer token every test client sends.
pub const TOKEN: &str = "test-token";

/// A client whose base URL is `{server}/beta`, authenticated with [`TOKEN`].
pub fn client_for(server: &MockServer) -> GraphClient {
    GraphClient::builder()
        .base_url(format!("{}/beta", server.uri()))
        .bearer_token(TOKEN)
        .build()
        .unwrap()
}

/// The one request the server received; fails if it received another number.
pub async fn only_request(server: &MockServer) -> Request {
    let mut requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1, "expected exactly one request");
    requests.remove(0)
}

/// A header of `request` as text.
pub fn header_value<'a>(request: &'a Request, name: &str) -> Option<&'a str> {
    request.headers.get(name).map(|v| v.to_str().unwrap())
}

/// Asserts method, raw (percent-encoded) path, no query, the credentials and
/// `Accept`, and `Content-Type: application/json` exactly when a body is sent.
pub fn assert_request(
    request: &Request,
    expected_method: &str,
    expected_path: &str,
    has_body: bool,
) {
    assert_eq!(request.method.as_str(), expected_method);
    assert_eq!(request.url.path(), expected_path);
    assert_eq!(request.url.query(), None);
    assert_eq!(
        header_value(request, "authorization"),
        Some("Bearer test-token")
    );
    assert_eq!(request.headers.get_all("authorization").iter().count(), 1);
    assert_eq!(header_value(request, "accept"), Some("application/json"));
    assert_eq!(request.headers.get_all("accept").iter().count(), 1);
    if has_body {
        assert_eq!(
            header_value(request, "content-type"),
            Some("application/json")
        );
        assert_eq!(request.headers.get_all("content-type").iter().count(), 1);
    } else {
        assert_eq!(header_value(request, "content-type"), None);
        assert!(request.body.is_empty(), "expected no body");
    }
}

/// The JSON body of `request`.
pub fn body_of(request: &Request) -> Value {
    serde_json::from_slice(&request.body).unwrap()
}
