//! Tests of the hand-written HTTP runtime against a local wiremock server.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use graph_intune::error::DecodeError;
use graph_intune::runtime::{Page, RequestBuilder, WithODataType};
use graph_intune::{GraphClient, GraphError, NextLinkRefusal, StaticToken, TokenProvider};
use reqwest::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::json;
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const TOKEN: &str = "s3cr3t-t0ken";

#[derive(Serialize, Deserialize, Debug, PartialEq, Clone)]
struct Thing {
    id: String,
    #[serde(rename = "displayName")]
    display_name: String,
}

#[derive(Serialize, Debug)]
struct NewThing {
    #[serde(rename = "displayName")]
    display_name: String,
}

#[derive(Deserialize, Debug)]
struct Target {
    #[serde(rename = "groupId")]
    #[allow(dead_code)]
    group_id: String,
}

#[derive(Deserialize, Debug)]
struct Assignment {
    #[allow(dead_code)]
    id: String,
    #[allow(dead_code)]
    target: Target,
}

fn thing(id: &str, name: &str) -> Thing {
    Thing {
        id: id.to_owned(),
        display_name: name.to_owned(),
    }
}

/// A client without retries: these tests are about one request and its
/// answer (retries have their own tests in `retry.rs`).
fn client_for(server: &MockServer) -> GraphClient {
    GraphClient::builder()
        .base_url(format!("{}/beta", server.uri()))
        .bearer_token(TOKEN)
        .retry(graph_intune::RetryPolicy::none())
        .build()
        .unwrap()
}

async fn received(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.unwrap()
}

fn header_value<'a>(request: &'a Request, name: &str) -> Option<&'a str> {
    request
        .headers
        .get(name)
        .map(|value| value.to_str().unwrap())
}

/// Asserts the exact authentication and content headers of a request.
fn assert_headers(request: &Request, token: &str, has_body: bool) {
    assert_eq!(
        header_value(request, "authorization"),
        Some(format!("Bearer {token}").as_str())
    );
    assert_eq!(header_value(request, "accept"), Some("application/json"));
    assert_eq!(request.headers.get_all("accept").iter().count(), 1);
    if has_body {
        assert_eq!(
            header_value(request, "content-type"),
            Some("application/json")
        );
    } else {
        assert_eq!(header_value(request, "content-type"), None);
    }
}

fn expect_service(result: Result<impl std::fmt::Debug, GraphError>) -> graph_intune::ServiceError {
    match result {
        Err(GraphError::Service(error)) => *error,
        other => panic!("expected a Service error, got {other:?}"),
    }
}

fn expect_decode(result: Result<impl std::fmt::Debug, GraphError>) -> DecodeError {
    match result {
        Err(GraphError::Decode(error)) => *error,
        other => panic!("expected a Decode error, got {other:?}"),
    }
}

fn expect_config(result: Result<impl std::fmt::Debug, GraphError>) -> String {
    match result {
        Err(GraphError::Config(message)) => message,
        other => panic!("expected a Config error, got {other:?}"),
    }
}

// ---------------------------------------------------------------- requests

#[tokio::test]
async fn get_sends_method_path_headers_and_decodes() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/beta/things/abc"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .and(header("accept", "application/json"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"id": "abc", "displayName": "A", "extra": 1})),
        )
        .expect(1)
        .mount(&server)
        .await;

    let client = client_for(&server);
    let got: Thing = client.request("things").key("abc").get().await.unwrap();
    assert_eq!(got, thing("abc", "A"));

    let requests = received(&server).await;
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].method.as_str(), "GET");
    assert!(requests[0].body.is_empty());
    assert_headers(&requests[0], TOKEN, false);
}

#[tokio::test]
async fn key_is_percent_encoded_as_one_segment() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/beta/things/a%2Fb%20c%27d"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": "a/b c'd", "displayName": "odd"
        })))
        .expect(1)
        .mount(&server)
        .await;

    let client = client_for(&server);
    let request = client.request("things").key("a/b c'd");
    assert_eq!(request.path(), "/things/a%2Fb%20c%27d");
    assert_eq!(
        request.url(),
        format!("{}/beta/things/a%2Fb%20c%27d", server.uri())
    );
    let got: Thing = request.get().await.unwrap();
    assert_eq!(got, thing("a/b c'd", "odd"));

    let requests = received(&server).await;
    assert_eq!(requests[0].url.path(), "/beta/things/a%2Fb%20c%27d");
    assert_eq!(requests[0].url.query(), None);
}

#[tokio::test]
async fn key_encoding_keeps_only_unreserved_characters() {
    let client = GraphClient::builder().bearer_token(TOKEN).build().unwrap();
    let request = client
        .request("things")
        .key("AZaz09-._~")
        .segment("children")
        .key("é?#%&+=:@!$()*,;");
    assert_eq!(
        request.path(),
        "/things/AZaz09-._~/children/%C3%A9%3F%23%25%26%2B%3D%3A%40%21%24%28%29%2A%2C%3B"
    );
}

#[tokio::test]
async fn segments_are_appended_verbatim_and_builders_are_immutable() {
    let client = GraphClient::builder().bearer_token(TOKEN).build().unwrap();
    let devices = client.request("deviceManagement").segment("managedDevices");
    let sync = devices.key("d 1").segment("microsoft.graph.syncDevice");
    assert_eq!(devices.path(), "/deviceManagement/managedDevices");
    assert_eq!(
        sync.path(),
        "/deviceManagement/managedDevices/d%201/microsoft.graph.syncDevice"
    );
    assert_eq!(
        sync.url(),
        "https://graph.microsoft.com/beta/deviceManagement/managedDevices/d%201/microsoft.graph.syncDevice"
    );
    assert_eq!(sync.client().base_url(), client.base_url());
    let direct = RequestBuilder::new(client.clone(), "deviceManagement");
    assert_eq!(direct.path(), "/deviceManagement");
}

#[tokio::test]
async fn query_parameters_are_encoded_and_sent() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/beta/things"))
        .and(query_param("$filter", "displayName eq 'a&b'"))
        .and(query_param("$top", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"value": []})))
        .expect(1)
        .mount(&server)
        .await;

    let client = client_for(&server);
    let request = client
        .request("things")
        .query("$filter", "displayName eq 'a&b'")
        .query("$top", "2");
    assert_eq!(request.path(), "/things");
    let page: Page<Thing> = request.list().await.unwrap();
    assert!(page.value.is_empty());

    let requests = received(&server).await;
    assert_eq!(
        requests[0].url.query(),
        Some("$filter=displayName%20eq%20%27a%26b%27&$top=2")
    );
}

#[tokio::test]
async fn post_sends_json_body_and_decodes_201() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/beta/things"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .and(header("accept", "application/json"))
        .and(header("content-type", "application/json"))
        .and(body_json(json!({"displayName": "new"})))
        .respond_with(
            ResponseTemplate::new(201).set_body_json(json!({"id": "n1", "displayName": "new"})),
        )
        .expect(1)
        .mount(&server)
        .await;

    let client = client_for(&server);
    let body = NewThing {
        display_name: "new".to_owned(),
    };
    let created: Thing = client.request("things").post(&body).await.unwrap();
    assert_eq!(created, thing("n1", "new"));

    let requests = received(&server).await;
    assert_eq!(requests[0].method.as_str(), "POST");
    assert_headers(&requests[0], TOKEN, true);
    assert_eq!(requests[0].body, br#"{"displayName":"new"}"#);
}

#[tokio::test]
async fn post_accepts_unsized_bodies_and_decodes_200() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/beta/things/microsoft.graph.rename"))
        .and(body_json(json!(["x", "y"])))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"id": "t", "displayName": "xy"})),
        )
        .expect(1)
        .mount(&server)
        .await;

    let client = client_for(&server);
    let names: &[&str] = &["x", "y"];
    let renamed: Thing = client
        .request("things")
        .segment("microsoft.graph.rename")
        .post(names)
        .await
        .unwrap();
    assert_eq!(renamed, thing("t", "xy"));
}

#[tokio::test]
async fn patch_sends_json_body_and_decodes_200() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .and(path("/beta/things/t1"))
        .and(header("content-type", "application/json"))
        .and(body_json(json!({"displayName": "renamed"})))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"id": "t1", "displayName": "renamed"})),
        )
        .expect(1)
        .mount(&server)
        .await;

    let client = client_for(&server);
    let updated: Thing = client
        .request("things")
        .key("t1")
        .patch(&json!({"displayName": "renamed"}))
        .await
        .unwrap();
    assert_eq!(updated, thing("t1", "renamed"));

    let requests = received(&server).await;
    assert_eq!(requests[0].method.as_str(), "PATCH");
    assert_headers(&requests[0], TOKEN, true);
}

#[tokio::test]
async fn patch_answered_204_is_a_decode_error() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .and(path("/beta/things/t1"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;

    let client = client_for(&server);
    let result = client
        .request("things")
        .key("t1")
        .patch::<_, Thing>(&json!({"displayName": "x"}))
        .await;
    let error = expect_decode(result);
    assert_eq!(error.status, StatusCode::NO_CONTENT);
    assert_eq!(error.path, ".");
    assert_eq!(error.message, "expected a JSON body, got none");
    assert_eq!(error.body, "");
    assert_eq!(
        error.to_string(),
        "cannot decode the 204 No Content answer at `.`: expected a JSON body, got none"
    );
}

#[tokio::test]
async fn patch_no_content_accepts_204() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .and(path("/beta/things/t1"))
        .and(body_json(json!({"displayName": "x"})))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;

    let client = client_for(&server);
    client
        .request("things")
        .key("t1")
        .patch_no_content(&json!({"displayName": "x"}))
        .await
        .unwrap();
}

#[tokio::test]
async fn patch_optional_gives_the_entity_on_200_and_none_on_204() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .and(path("/beta/things/t1"))
        .and(body_json(json!({"displayName": "renamed"})))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"id": "t1", "displayName": "renamed"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path("/beta/things/t2"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;

    let client = client_for(&server);
    let body = json!({"displayName": "renamed"});
    let updated: Option<Thing> = client
        .request("things")
        .key("t1")
        .patch_optional(&body)
        .await
        .unwrap();
    assert_eq!(updated, Some(thing("t1", "renamed")));
    let none: Option<Thing> = client
        .request("things")
        .key("t2")
        .patch_optional(&body)
        .await
        .unwrap();
    assert_eq!(none, None);
}

#[tokio::test]
async fn delete_accepts_204_and_sends_no_content_type() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path("/beta/things/t1"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .and(header("accept", "application/json"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;

    let client = client_for(&server);
    client.request("things").key("t1").delete().await.unwrap();

    let requests = received(&server).await;
    assert_eq!(requests[0].method.as_str(), "DELETE");
    assert!(requests[0].body.is_empty());
    assert_headers(&requests[0], TOKEN, false);
}

#[tokio::test]
async fn post_no_content_accepts_200_202_204_and_ignores_the_body() {
    let server = MockServer::start().await;
    for (action, status) in [("a200", 200), ("a202", 202), ("a204", 204)] {
        let mut answer = ResponseTemplate::new(status);
        if status != 204 {
            answer = answer.set_body_string("not json at all");
        }
        Mock::given(method("POST"))
            .and(path(format!("/beta/devices/d1/{action}")))
            .and(header("content-type", "application/json"))
            .and(body_json(json!({"keepUserData": true})))
            .respond_with(answer)
            .expect(1)
            .mount(&server)
            .await;
    }

    let client = client_for(&server);
    for action in ["a200", "a202", "a204"] {
        client
            .request("devices")
            .key("d1")
            .segment(action)
            .post_no_content(&json!({"keepUserData": true}))
            .await
            .unwrap();
    }
    for request in received(&server).await {
        assert_headers(&request, TOKEN, true);
    }
}

// ------------------------------------------------------------------- pages

#[tokio::test]
async fn put_bytes_sends_the_bytes_with_their_content_type() {
    let server = MockServer::start().await;
    // Not UTF-8, with a NUL and CR LF: the body must go out byte for byte.
    let bytes = vec![
        0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff, 0xfe,
    ];
    Mock::given(method("PUT"))
        .and(path(
            "/beta/deviceAppManagement/mobileApps/app%201/largeIcon/$value",
        ))
        .and(header("content-type", "image/png"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/beta/things/report/content"))
        .and(header("content-type", "text/csv; charset=utf-8"))
        .respond_with(ResponseTemplate::new(200).set_body_string("ignored, not JSON"))
        .expect(1)
        .mount(&server)
        .await;

    let client = client_for(&server);
    client
        .request("deviceAppManagement")
        .segment("mobileApps")
        .key("app 1")
        .segment("largeIcon/$value")
        .put_bytes("image/png", bytes.clone())
        .await
        .expect("204 is a success");
    client
        .request("things")
        .key("report")
        .segment("content")
        .put_bytes("text/csv; charset=utf-8", b"a,b\r\n1,2\r\n".to_vec())
        .await
        .expect("200 is a success and its body is ignored");

    let requests = received(&server).await;
    assert_eq!(requests.len(), 2);
    let icon = &requests[0];
    assert_eq!(icon.method.as_str(), "PUT");
    assert_eq!(
        icon.url.path(),
        "/beta/deviceAppManagement/mobileApps/app%201/largeIcon/$value"
    );
    assert_eq!(icon.url.query(), None);
    assert_eq!(icon.body, bytes);
    assert_eq!(header_value(icon, "content-type"), Some("image/png"));
    assert_eq!(icon.headers.get_all("content-type").iter().count(), 1);
    assert_eq!(header_value(icon, "content-length"), Some("11"));
    assert_eq!(
        header_value(icon, "authorization"),
        Some(format!("Bearer {TOKEN}").as_str())
    );
    assert_eq!(header_value(icon, "accept"), Some("application/json"));
    let report = &requests[1];
    assert_eq!(report.method.as_str(), "PUT");
    assert_eq!(report.url.path(), "/beta/things/report/content");
    assert_eq!(report.body, b"a,b\r\n1,2\r\n");
    assert_eq!(
        header_value(report, "content-type"),
        Some("text/csv; charset=utf-8")
    );
}

#[tokio::test]
async fn put_bytes_with_an_invalid_content_type_is_a_config_error_and_nothing_is_sent() {
    let server = MockServer::start().await;
    let client = client_for(&server);
    let media = client.request("things").key("1").segment("$value");

    let error = media
        .put_bytes("image/png\r\nX-Injected: 1", vec![1, 2, 3])
        .await
        .unwrap_err();
    match &error {
        GraphError::Config(message) => assert_eq!(
            message,
            "invalid content type `image/png\\r\\nX-Injected: 1`: failed to parse header value"
        ),
        other => panic!("expected a Config error, got {other:?}"),
    }
    assert_eq!(
        error.to_string(),
        "invalid client configuration: invalid content type `image/png\\r\\nX-Injected: 1`: \
         failed to parse header value"
    );
    let message = expect_config(media.put_bytes("text/plain\0\x7f", Vec::new()).await);
    assert_eq!(
        message,
        "invalid content type `text/plain\\0\\u{7f}`: failed to parse header value"
    );
    assert!(received(&server).await.is_empty());
}

#[tokio::test]
async fn list_decodes_a_page_and_next_page_follows_the_link() {
    let server = MockServer::start().await;
    let next_link = format!("{}/beta/things?$skiptoken=abc", server.uri());
    Mock::given(method("GET"))
        .and(path("/beta/things"))
        .and(query_param("$skiptoken", "abc"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "value": [{"id": "3", "displayName": "three"}]
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/beta/things"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "@odata.context": "https://graph.microsoft.com/beta/$metadata#things",
            "@odata.count": 3,
            "@odata.nextLink": next_link,
            "value": [
                {"id": "1", "displayName": "one"},
                {"id": "2", "displayName": "two"}
            ]
        })))
        .expect(1)
        .mount(&server)
        .await;

    let client = client_for(&server);
    let page: Page<Thing> = client.request("things").list().await.unwrap();
    assert_eq!(page.value, vec![thing("1", "one"), thing("2", "two")]);
    assert_eq!(page.next_link.as_deref(), Some(next_link.as_str()));
    assert_eq!(page.count, Some(3));
    assert!(!page.is_last());
    assert_eq!(
        page.additional_data.get("@odata.context"),
        Some(&json!("https://graph.microsoft.com/beta/$metadata#things"))
    );
    assert_eq!(page.additional_data.len(), 1);

    let second = client.next_page(&page).await.unwrap().unwrap();
    assert_eq!(second.value, vec![thing("3", "three")]);
    assert!(second.is_last());
    assert!(client.next_page(&second).await.unwrap().is_none());

    let requests = received(&server).await;
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[1].url.path(), "/beta/things");
    assert_eq!(requests[1].url.query(), Some("$skiptoken=abc"));
    assert_headers(&requests[1], TOKEN, false);
}

#[tokio::test]
async fn list_all_collects_every_page() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/beta/things"))
        .and(query_param("$skiptoken", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "value": [{"id": "3", "displayName": "three"}]
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/beta/things"))
        .and(query_param("$skiptoken", "1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "@odata.nextLink": format!("{}/beta/things?$skiptoken=2", server.uri()),
            "value": [{"id": "2", "displayName": "two"}]
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/beta/things"))
        .and(query_param("$top", "1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "@odata.nextLink": format!("{}/beta/things?$skiptoken=1", server.uri()),
            "value": [{"id": "1", "displayName": "one"}]
        })))
        .mount(&server)
        .await;

    let client = client_for(&server);
    let all: Vec<Thing> = client
        .request("things")
        .query("$top", "1")
        .list_all()
        .await
        .unwrap();
    assert_eq!(
        all,
        vec![thing("1", "one"), thing("2", "two"), thing("3", "three")]
    );
    assert_eq!(received(&server).await.len(), 3);
}

#[tokio::test]
async fn next_page_refuses_links_to_another_origin() {
    let server = MockServer::start().await;
    let client = client_for(&server);
    let page = Page::<Thing>::new(Vec::new()).with_next_link("https://evil.example/beta/things");
    match client.next_page(&page).await {
        Err(GraphError::NextLink { url, reason }) => {
            assert_eq!(url, "https://evil.example/beta/things");
            assert_eq!(reason, NextLinkRefusal::OtherOrigin);
        }
        other => panic!("expected a NextLink error, got {other:?}"),
    }
    assert!(received(&server).await.is_empty());
}

#[tokio::test]
async fn list_without_value_is_a_decode_error_naming_value() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/beta/things"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"items": []})))
        .mount(&server)
        .await;

    let client = client_for(&server);
    let error = expect_decode(client.request("things").list::<Thing>().await);
    assert_eq!(error.status, StatusCode::OK);
    assert_eq!(error.path, ".");
    assert!(error.message.contains("missing field `value`"), "{error}");
    assert_eq!(error.body, r#"{"items":[]}"#);
}

#[tokio::test]
async fn list_decode_error_names_the_item_path() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/beta/things"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "value": [{"id": "1", "displayName": "one"}, {"id": 2, "displayName": "two"}]
        })))
        .mount(&server)
        .await;

    let client = client_for(&server);
    let error = expect_decode(client.request("things").list::<Thing>().await);
    assert_eq!(error.path, "value[1].id");
}

#[test]
fn page_round_trips_and_has_helpers() {
    let page = Page::new(vec![1, 2]).with_next_link("n").with_count(7);
    let json = serde_json::to_value(&page).unwrap();
    assert_eq!(
        json,
        json!({"value": [1, 2], "@odata.nextLink": "n", "@odata.count": 7})
    );
    let back: Page<i32> = serde_json::from_value(json).unwrap();
    assert_eq!(back, page);
    assert_eq!((&page).into_iter().sum::<i32>(), 3);
    assert_eq!(page.into_iter().collect::<Vec<_>>(), vec![1, 2]);
    assert_eq!(
        serde_json::to_value(Page::<i32>::default()).unwrap(),
        json!({"value": []})
    );
}

// ------------------------------------------------------------ value results

#[tokio::test]
async fn post_value_unwraps_collections_and_primitives() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/beta/things/microsoft.graph.names"))
        .and(body_json(json!({"prefix": "a"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "@odata.context": "https://graph.microsoft.com/beta/$metadata#Collection(Edm.String)",
            "value": ["a1", "a2"]
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/beta/things/microsoft.graph.isEmpty"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"value": false})))
        .expect(1)
        .mount(&server)
        .await;

    let client = client_for(&server);
    let things = client.request("things");
    let names: Vec<String> = things
        .segment("microsoft.graph.names")
        .post_value(&json!({"prefix": "a"}))
        .await
        .unwrap();
    assert_eq!(names, ["a1", "a2"]);
    let empty: bool = things
        .segment("microsoft.graph.isEmpty")
        .post_value(&json!({}))
        .await
        .unwrap();
    assert!(!empty);
    for request in received(&server).await {
        assert_headers(&request, TOKEN, true);
    }
}

#[tokio::test]
async fn get_value_unwraps_and_reports_paths_inside_value() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/beta/things/microsoft.graph.count()"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"value": 42})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/beta/things/microsoft.graph.all()"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "value": [{"id": "1", "displayName": 1}]
        })))
        .expect(1)
        .mount(&server)
        .await;

    let client = client_for(&server);
    let count: i64 = client
        .request("things")
        .segment("microsoft.graph.count()")
        .get_value()
        .await
        .unwrap();
    assert_eq!(count, 42);
    let error = expect_decode(
        client
            .request("things")
            .segment("microsoft.graph.all()")
            .get_value::<Vec<Thing>>()
            .await,
    );
    assert_eq!(error.path, "value[0].displayName");
    let requests = received(&server).await;
    assert_headers(&requests[0], TOKEN, false);
}

#[tokio::test]
async fn post_value_without_value_is_a_decode_error() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"result": 1})))
        .mount(&server)
        .await;

    let client = client_for(&server);
    let error = expect_decode(
        client
            .request("things")
            .segment("microsoft.graph.op")
            .post_value::<_, i32>(&json!({}))
            .await,
    );
    assert!(error.message.contains("missing field `value`"), "{error}");
}

// ------------------------------------------------------------------ errors

#[tokio::test]
async fn not_found_with_graph_error_body_is_a_service_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/beta/things/missing"))
        .respond_with(
            ResponseTemplate::new(404)
                .insert_header("request-id", "header-request-id")
                .set_body_json(json!({
                    "error": {
                        "code": "ResourceNotFound",
                        "message": "Resource not found.",
                        "innerError": {
                            "date": "2024-05-01T10:00:00",
                            "request-id": "5f0c7e4d-1111-2222-3333-444455556666",
                            "client-request-id": "9a8b7c6d-aaaa-bbbb-cccc-ddddeeeeffff"
                        }
                    }
                })),
        )
        .expect(1)
        .mount(&server)
        .await;

    let client = client_for(&server);
    let result = client.request("things").key("missing").get::<Thing>().await;
    let error = result.unwrap_err();
    assert_eq!(error.status(), Some(StatusCode::NOT_FOUND));
    assert!(error.as_decode().is_none());
    let service = error.as_service().unwrap().clone();
    assert_eq!(service.status, StatusCode::NOT_FOUND);
    assert_eq!(service.code.as_deref(), Some("ResourceNotFound"));
    assert_eq!(service.message.as_deref(), Some("Resource not found."));
    assert_eq!(
        service.request_id.as_deref(),
        Some("5f0c7e4d-1111-2222-3333-444455556666")
    );
    assert_eq!(
        service.client_request_id.as_deref(),
        Some("9a8b7c6d-aaaa-bbbb-cccc-ddddeeeeffff")
    );
    assert_eq!(service.date.as_deref(), Some("2024-05-01T10:00:00"));
    assert!(service.body.contains("ResourceNotFound"));
    assert_eq!(
        error.to_string(),
        "Graph returned 404 Not Found: ResourceNotFound: Resource not found. \
         (request-id 5f0c7e4d-1111-2222-3333-444455556666)"
    );
}

#[tokio::test]
async fn error_ids_fall_back_to_headers_and_lowercase_innererror_is_read() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .respond_with(
            ResponseTemplate::new(403)
                .insert_header("request-id", "rid-from-header")
                .insert_header("client-request-id", "crid-from-header")
                .set_body_json(json!({
                    "error": {
                        "code": "Forbidden",
                        "message": "No.",
                        "innererror": {"date": "2024-05-01T10:00:00"}
                    }
                })),
        )
        .mount(&server)
        .await;

    let client = client_for(&server);
    let service = expect_service(client.request("things").key("x").delete().await);
    assert_eq!(service.status, StatusCode::FORBIDDEN);
    assert_eq!(service.code.as_deref(), Some("Forbidden"));
    assert_eq!(service.request_id.as_deref(), Some("rid-from-header"));
    assert_eq!(
        service.client_request_id.as_deref(),
        Some("crid-from-header")
    );
    assert_eq!(service.date.as_deref(), Some("2024-05-01T10:00:00"));
}

#[tokio::test]
async fn bad_gateway_with_html_body_keeps_the_raw_text() {
    let html = "<html>\n<head><title>502 Bad Gateway</title></head>\n<body>upstream failed</body>\n</html>\n";
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(502).set_body_raw(html, "text/html"))
        .mount(&server)
        .await;

    let client = client_for(&server);
    let error = client
        .request("things")
        .post::<_, Thing>(&json!({}))
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(StatusCode::BAD_GATEWAY));
    let service = expect_service(Err::<(), _>(error));
    assert_eq!(service.status, StatusCode::BAD_GATEWAY);
    assert_eq!(service.body, html);
    assert_eq!(service.code, None);
    assert_eq!(service.message, None);
    assert_eq!(service.request_id, None);
    assert_eq!(service.client_request_id, None);
    assert_eq!(service.date, None);
    assert_eq!(
        service.to_string(),
        "Graph returned 502 Bad Gateway: <html> <head><title>502 Bad Gateway</title></head> \
         <body>upstream failed</body> </html>"
    );
}

#[tokio::test]
async fn long_and_empty_error_bodies_are_displayed_briefly() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/beta/long"))
        .respond_with(ResponseTemplate::new(500).set_body_string("é".repeat(500)))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/beta/empty"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/beta/other-json"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"error": "invalid_token"})))
        .mount(&server)
        .await;

    let client = client_for(&server);
    let long = expect_service(client.request("long").get::<Thing>().await);
    assert_eq!(long.body.chars().count(), 500);
    assert_eq!(
        long.to_string(),
        format!(
            "Graph returned 500 Internal Server Error: {}…",
            "é".repeat(200)
        )
    );

    let empty = expect_service(client.request("empty").get::<Thing>().await);
    assert_eq!(empty.body, "");
    assert_eq!(
        empty.to_string(),
        "Graph returned 503 Service Unavailable (empty body)"
    );

    let other = expect_service(client.request("other-json").get::<Thing>().await);
    assert_eq!(other.code, None);
    assert_eq!(other.body, r#"{"error":"invalid_token"}"#);
}

#[tokio::test]
async fn wrong_field_type_is_a_decode_error_naming_the_field() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/beta/things/t"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"id": 5, "displayName": "five"})),
        )
        .mount(&server)
        .await;

    let client = client_for(&server);
    let error = client
        .request("things")
        .key("t")
        .get::<Thing>()
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(StatusCode::OK));
    assert!(error.as_service().is_none());
    let decode = error.as_decode().unwrap();
    assert_eq!(decode.status, StatusCode::OK);
    assert_eq!(decode.path, "id");
    assert!(
        decode.message.contains("invalid type: integer `5`"),
        "{decode}"
    );
    assert_eq!(decode.body, r#"{"displayName":"five","id":5}"#);
    assert!(error
        .to_string()
        .starts_with("cannot decode the 200 OK answer at `id`: invalid type"));
}

#[tokio::test]
async fn nested_decode_errors_name_the_nested_path() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": "a1", "target": {"groupId": 7}
        })))
        .mount(&server)
        .await;

    let client = client_for(&server);
    let error = expect_decode(
        client
            .request("assignments")
            .key("a1")
            .get::<Assignment>()
            .await,
    );
    assert_eq!(error.path, "target.groupId");
}

#[tokio::test]
async fn malformed_and_trailing_json_are_decode_errors() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/beta/truncated"))
        .respond_with(ResponseTemplate::new(200).set_body_string(r#"{"id": "x", "displayN"#))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/beta/trailing"))
        .respond_with(
            ResponseTemplate::new(200).set_body_string(r#"{"id": "x", "displayName": "y"} junk"#),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/beta/blank"))
        .respond_with(ResponseTemplate::new(200).set_body_string("  \r\n"))
        .mount(&server)
        .await;

    let client = client_for(&server);
    let truncated = expect_decode(client.request("truncated").get::<Thing>().await);
    assert_eq!(truncated.status, StatusCode::OK);
    let trailing = expect_decode(client.request("trailing").get::<Thing>().await);
    assert_eq!(trailing.path, ".");
    assert!(trailing.message.contains("trailing"), "{trailing}");
    let blank = expect_decode(client.request("blank").get::<Thing>().await);
    assert_eq!(blank.message, "expected a JSON body, got none");
}

#[tokio::test]
async fn unreachable_server_is_a_transport_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);

    let client = GraphClient::builder()
        .base_url(format!("http://127.0.0.1:{port}/beta"))
        .bearer_token(TOKEN)
        .retry(graph_intune::RetryPolicy::none())
        .build()
        .unwrap();
    let error = client.request("things").get::<Thing>().await.unwrap_err();
    assert!(matches!(error, GraphError::Transport(_)), "{error:?}");
    assert_eq!(error.status(), None);
    assert!(std::error::Error::source(&error).is_some());
    assert!(!format!("{error:?}").contains(TOKEN));
}

#[tokio::test]
async fn unserializable_body_is_a_serialize_error_and_nothing_is_sent() {
    let server = MockServer::start().await;
    let client = client_for(&server);
    let mut body = HashMap::new();
    body.insert((1, 2), "tuple keys cannot be JSON object keys");
    let error = client
        .request("things")
        .post::<_, Thing>(&body)
        .await
        .unwrap_err();
    let GraphError::Serialize(cause) = &error else {
        panic!("expected a Serialize error, got {error:?}");
    };
    assert_eq!(cause.to_string(), "key must be a string");
    assert_eq!(
        error.to_string(),
        "cannot serialize the request body to JSON"
    );
    let source = std::error::Error::source(&error).expect("the serde_json error");
    assert_eq!(source.to_string(), "key must be a string");
    assert!(error.status().is_none());
    assert!(received(&server).await.is_empty());
}

// ------------------------------------------------------------------ tokens

struct RotatingToken {
    calls: AtomicUsize,
}

#[async_trait::async_trait]
impl TokenProvider for RotatingToken {
    async fn access_token(&self) -> Result<String, GraphError> {
        let call = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
        Ok(format!("token-{call}"))
    }
}

struct FailingToken(fn() -> GraphError);

#[async_trait::async_trait]
impl TokenProvider for FailingToken {
    async fn access_token(&self) -> Result<String, GraphError> {
        Err((self.0)())
    }
}

#[tokio::test]
async fn token_provider_is_asked_before_every_request() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(header("authorization", "Bearer token-1"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"id": "1", "displayName": "one"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(header("authorization", "Bearer token-2"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(header("authorization", "Bearer token-3"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;

    let provider = Arc::new(RotatingToken {
        calls: AtomicUsize::new(0),
    });
    let client = GraphClient::builder()
        .base_url(format!("{}/beta", server.uri()))
        .token_provider_arc(provider.clone())
        .build()
        .unwrap();
    let things = client.request("things");
    let _: Thing = things.key("1").get().await.unwrap();
    things.key("1").delete().await.unwrap();
    things.post_no_content(&json!({})).await.unwrap();
    assert_eq!(provider.calls.load(Ordering::SeqCst), 3);

    let requests = received(&server).await;
    assert_eq!(requests.len(), 3);
    assert_headers(&requests[0], "token-1", false);
    assert_headers(&requests[1], "token-2", false);
    assert_headers(&requests[2], "token-3", true);
}

#[tokio::test]
async fn failing_token_provider_error_is_returned_and_nothing_is_sent() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;

    let auth = GraphClient::builder()
        .base_url(format!("{}/beta", server.uri()))
        .token_provider(FailingToken(|| {
            GraphError::Auth("token endpoint said no".into())
        }))
        .build()
        .unwrap();
    let error = auth.request("things").get::<Thing>().await.unwrap_err();
    match &error {
        GraphError::Auth(message) => assert_eq!(message, "token endpoint said no"),
        other => panic!("expected Auth, got {other:?}"),
    }
    assert_eq!(
        error.to_string(),
        "cannot get an access token: token endpoint said no"
    );

    let config = GraphClient::builder()
        .base_url(format!("{}/beta", server.uri()))
        .token_provider(FailingToken(|| GraphError::Config("no tenant".into())))
        .build()
        .unwrap();
    let message = expect_config(config.request("things").delete().await);
    assert_eq!(message, "no tenant");

    assert!(received(&server).await.is_empty());
}

#[tokio::test]
async fn token_that_is_not_a_valid_header_is_an_auth_error() {
    let server = MockServer::start().await;
    let client = GraphClient::builder()
        .base_url(format!("{}/beta", server.uri()))
        .bearer_token("line\nbreak")
        .build()
        .unwrap();
    let error = client.request("things").get::<Thing>().await.unwrap_err();
    assert!(matches!(error, GraphError::Auth(_)), "{error:?}");
    assert!(!error.to_string().contains("line\nbreak"));
    assert!(received(&server).await.is_empty());
}

// ----------------------------------------------------------------- builder

#[test]
fn builder_without_credentials_is_a_config_error() {
    let message = expect_config(GraphClient::builder().build());
    assert!(message.contains("token"), "{message}");
}

#[test]
fn builder_rejects_bad_base_urls() {
    for url in [
        "not a url",
        "graph.microsoft.com/beta",
        "/beta",
        "ftp://graph.microsoft.com/beta",
        "file:///tmp/graph",
        "mailto:admin@example.com",
        "https://graph.microsoft.com/beta?x=1",
        "https://graph.microsoft.com/beta#frag",
        "",
    ] {
        let result = GraphClient::builder()
            .base_url(url)
            .bearer_token(TOKEN)
            .build();
        let message = expect_config(result);
        assert!(message.contains("base URL"), "{url}: {message}");
    }
}

#[test]
fn builder_defaults_and_trailing_slash() {
    let default = GraphClient::builder().bearer_token(TOKEN).build().unwrap();
    assert_eq!(default.base_url(), "https://graph.microsoft.com/beta");
    assert_eq!(default.base_url(), graph_intune::client::DEFAULT_BASE_URL);

    let custom = GraphClient::builder()
        .base_url("http://127.0.0.1:8080/v1.0/")
        .token_provider(StaticToken::new(TOKEN))
        .build()
        .unwrap();
    assert_eq!(custom.base_url(), "http://127.0.0.1:8080/v1.0");
    assert_eq!(
        custom.request("things").url(),
        "http://127.0.0.1:8080/v1.0/things"
    );

    let host_only = GraphClient::builder()
        .base_url("https://graph.microsoft.com")
        .bearer_token(TOKEN)
        .build()
        .unwrap();
    assert_eq!(host_only.base_url(), "https://graph.microsoft.com");
}

#[tokio::test]
async fn custom_http_client_is_used() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(header("x-custom", "yes"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"id": "1", "displayName": "one"})),
        )
        .expect(1)
        .mount(&server)
        .await;

    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("x-custom", reqwest::header::HeaderValue::from_static("yes"));
    headers.insert(
        "authorization",
        reqwest::header::HeaderValue::from_static("Bearer default-header"),
    );
    let http = reqwest::Client::builder()
        .default_headers(headers)
        .build()
        .unwrap();
    let client = GraphClient::builder()
        .base_url(format!("{}/beta", server.uri()))
        .bearer_token(TOKEN)
        .http_client(http)
        .build()
        .unwrap();
    let got: Thing = client.request("things").key("1").get().await.unwrap();
    assert_eq!(got, thing("1", "one"));
    let requests = received(&server).await;
    assert_eq!(
        requests[0].headers.get_all("authorization").iter().count(),
        1
    );
}

#[test]
fn debug_output_never_shows_the_token() {
    let builder = GraphClient::builder().bearer_token(TOKEN);
    let builder_debug = format!("{builder:?} {builder:#?}");
    assert!(!builder_debug.contains(TOKEN), "{builder_debug}");
    assert!(builder_debug.contains("<redacted>"), "{builder_debug}");

    let client = builder.build().unwrap();
    let client_debug = format!("{client:?} {client:#?}");
    assert!(!client_debug.contains(TOKEN), "{client_debug}");
    assert!(client_debug.contains("https://graph.microsoft.com/beta"));
    assert!(
        client_debug.contains(r#"token_provider: "<redacted>""#),
        "{client_debug}"
    );

    let request_debug = format!("{:?}", client.request("things").key("x"));
    assert!(!request_debug.contains(TOKEN), "{request_debug}");
    assert!(request_debug.contains("/things/x"), "{request_debug}");

    let token = StaticToken::new(TOKEN);
    assert_eq!(format!("{token:?}"), r#"StaticToken("<redacted>")"#);
}

// ---------------------------------------------------------------- helpers

#[test]
fn with_odata_type_puts_the_type_first() {
    #[derive(Serialize)]
    struct Target {
        #[serde(rename = "groupId")]
        group_id: String,
        #[serde(rename = "deviceAndAppManagementAssignmentFilterId")]
        filter_id: Option<String>,
    }
    let target = Target {
        group_id: "g1".into(),
        filter_id: None,
    };
    let json = serde_json::to_string(&WithODataType::new(
        "#microsoft.graph.groupAssignmentTarget",
        &target,
    ))
    .unwrap();
    assert_eq!(
        json,
        r##"{"@odata.type":"#microsoft.graph.groupAssignmentTarget","groupId":"g1","deviceAndAppManagementAssignmentFilterId":null}"##
    );

    let literal = WithODataType {
        odata_type: "#microsoft.graph.thing",
        inner: &json!({"id": "x"}),
    };
    let copy = literal;
    assert_eq!(
        serde_json::to_string(&copy).unwrap(),
        r##"{"@odata.type":"#microsoft.graph.thing","id":"x"}"##
    );
}

#[test]
fn error_conversions_and_accessors() {
    let decode: GraphError = DecodeError::new(StatusCode::OK, "a.b", "bad", "{}").into();
    assert_eq!(decode.status(), Some(StatusCode::OK));
    assert_eq!(decode.as_decode().unwrap().path, "a.b");
    assert_eq!(
        decode.to_string(),
        "cannot decode the 200 OK answer at `a.b`: bad"
    );

    let service: GraphError = graph_intune::ServiceError::from_response(
        StatusCode::TOO_MANY_REQUESTS,
        &reqwest::header::HeaderMap::new(),
        br#"{"error": {"code": "TooManyRequests", "message": "Slow down."}}"#,
    )
    .into();
    assert_eq!(service.status(), Some(StatusCode::TOO_MANY_REQUESTS));
    assert_eq!(
        service.to_string(),
        "Graph returned 429 Too Many Requests: TooManyRequests: Slow down."
    );

    let config = GraphError::Config("x".into());
    assert_eq!(config.status(), None);
    assert!(config.as_service().is_none());
    assert!(config.as_decode().is_none());
}

#[test]
fn request_futures_are_send() {
    fn assert_send<T: Send>(_: &T) {}
    let client = GraphClient::builder().bearer_token(TOKEN).build().unwrap();
    let request = client.request("things");
    let body = json!({});
    assert_send(&request.get::<Thing>());
    assert_send(&request.list::<Thing>());
    assert_send(&request.list_all::<Thing>());
    assert_send(&request.patch::<_, Thing>(&body));
    assert_send(&request.post::<_, Thing>(&body));
    assert_send(&request.post_no_content(&body));
    assert_send(&request.post_value::<_, Vec<String>>(&body));
    assert_send(&request.get_value::<bool>());
    assert_send(&request.delete());
    assert_send(&client.next_page(&Page::<Thing>::new(Vec::new())));
    fn assert_send_sync_clone<T: Send + Sync + Clone>() {}
    assert_send_sync_clone::<GraphClient>();
    assert_send_sync_clone::<RequestBuilder>();
}
