//! Streams over every page of a collection, and typed query options,
//! against local wiremock servers.

use futures_util::{StreamExt, TryStreamExt};
use graph_intune::runtime::Page;
use graph_intune::{GraphClient, GraphError, NextLinkRefusal, Query};
use serde::Deserialize;
use serde_json::json;
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const TOKEN: &str = "paging-test-token";

#[derive(Deserialize, Debug, PartialEq)]
struct Item {
    id: String,
}

fn client_for(server: &MockServer) -> GraphClient {
    GraphClient::builder()
        .base_url(format!("{}/beta", server.uri()))
        .bearer_token(TOKEN)
        .build()
        .expect("valid client")
}

async fn received(server: &MockServer) -> Vec<Request> {
    server
        .received_requests()
        .await
        .expect("request recording is on")
}

fn ids(items: &[Item]) -> Vec<&str> {
    items.iter().map(|item| item.id.as_str()).collect()
}

/// Mounts a collection of three pages on `/beta/things`: the first page is
/// answered to a request with the given `$top`, the next ones to their
/// skip tokens.
async fn mount_three_pages(server: &MockServer) {
    let link = |token: &str| format!("{}/beta/things?$skiptoken={token}", server.uri());
    Mock::given(method("GET"))
        .and(path("/beta/things"))
        .and(query_param_is_missing("$skiptoken"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "@odata.count": 5,
            "@odata.nextLink": link("p2"),
            "value": [{"id": "1"}, {"id": "2"}]
        })))
        .expect(1)
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path("/beta/things"))
        .and(query_param("$skiptoken", "p2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "@odata.nextLink": link("p3"),
            "value": [{"id": "3"}, {"id": "4"}]
        })))
        .expect(1)
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path("/beta/things"))
        .and(query_param("$skiptoken", "p3"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "value": [{"id": "5"}]
        })))
        .expect(1)
        .mount(server)
        .await;
}

#[tokio::test]
async fn stream_yields_every_item_of_three_pages_once_in_order() {
    let server = MockServer::start().await;
    mount_three_pages(&server).await;

    let client = client_for(&server);
    let query = Query::new()
        .filter("displayName eq 'a b'")
        .select(["id", "displayName"])
        .orderby(["displayName desc", "id"])
        .top(2)
        .count(true);
    let items: Vec<Item> = client
        .request("things")
        .with_query(&query)
        .stream()
        .try_collect()
        .await
        .expect("all pages");
    assert_eq!(ids(&items), ["1", "2", "3", "4", "5"]);

    let requests = received(&server).await;
    assert_eq!(requests.len(), 3);
    assert_eq!(
        requests[0].url.query(),
        Some(
            "$filter=displayName%20eq%20%27a%20b%27&$select=id%2CdisplayName\
             &$orderby=displayName%20desc%2Cid&$top=2&$count=true"
        )
    );
    // Next links are followed exactly as given.
    assert_eq!(requests[1].url.query(), Some("$skiptoken=p2"));
    assert_eq!(requests[2].url.query(), Some("$skiptoken=p3"));
    for request in &requests {
        assert_eq!(
            request
                .headers
                .get("authorization")
                .and_then(|v| v.to_str().ok()),
            Some("Bearer paging-test-token")
        );
    }
}

#[tokio::test]
async fn pages_yield_each_page_with_its_members() {
    let server = MockServer::start().await;
    mount_three_pages(&server).await;

    let client = client_for(&server);
    let pages: Vec<Page<Item>> = client
        .request("things")
        .pages()
        .try_collect()
        .await
        .expect("all pages");
    assert_eq!(pages.len(), 3);
    assert_eq!(pages[0].count, Some(5));
    assert_eq!(ids(&pages[0].value), ["1", "2"]);
    assert_eq!(ids(&pages[2].value), ["5"]);
    assert!(pages[2].is_last());
}

#[tokio::test]
async fn pages_are_fetched_only_as_items_are_consumed() {
    let server = MockServer::start().await;
    mount_three_pages(&server).await;
    let client = client_for(&server);

    let stream = client.request("things").stream::<Item>();
    assert!(received(&server).await.is_empty(), "nothing before polling");
    let first_two: Vec<Item> = stream.take(2).try_collect().await.expect("first page");
    assert_eq!(ids(&first_two), ["1", "2"]);
    assert_eq!(received(&server).await.len(), 1);
    // The other mocks' `expect(1)` are checked on drop; satisfy them.
    let _ = client
        .request("things")
        .query("$skiptoken", "p2")
        .list::<Item>()
        .await;
    let _ = client
        .request("things")
        .query("$skiptoken", "p3")
        .list::<Item>()
        .await;
}

#[tokio::test]
async fn a_next_link_to_another_host_is_refused_and_that_host_receives_nothing() {
    let server = MockServer::start().await;
    let elsewhere = MockServer::start().await; // another port: another origin
    Mock::given(method("GET"))
        .and(path("/beta/things"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "@odata.nextLink": format!("{}/beta/things?$skiptoken=steal", elsewhere.uri()),
            "value": [{"id": "1"}]
        })))
        .expect(1)
        .mount(&server)
        .await;

    let client = client_for(&server);
    let results: Vec<Result<Item, GraphError>> = client.request("things").stream().collect().await;
    assert_eq!(results.len(), 2, "the first page's item, then the error");
    assert_eq!(results[0].as_ref().expect("first item").id, "1");
    let steal = format!("{}/beta/things?$skiptoken=steal", elsewhere.uri());
    match &results[1] {
        Err(GraphError::NextLink { url, reason }) => {
            assert_eq!(url, &steal);
            assert_eq!(*reason, NextLinkRefusal::OtherOrigin);
        }
        other => panic!("expected a NextLink error, got {other:?}"),
    }
    assert_eq!(
        results[1].as_ref().unwrap_err().to_string(),
        format!(
            "refused to follow the next link `{steal}`: it is not on the scheme, host and \
             port of the client's base URL"
        )
    );
    assert!(received(&elsewhere).await.is_empty());
    assert_eq!(received(&server).await.len(), 1);
}

#[tokio::test]
async fn next_links_with_another_scheme_or_host_name_are_refused() {
    let server = MockServer::start().await;
    let address = server.address();
    let other_scheme = format!("https://127.0.0.1:{}/beta/things?x=1", address.port());
    let other_host = format!("http://localhost:{}/beta/things?x=1", address.port());
    for (link, expected) in [
        (other_scheme, NextLinkRefusal::OtherOrigin),
        (other_host, NextLinkRefusal::OtherOrigin),
        ("not a url".to_owned(), NextLinkRefusal::Unparsable),
        ("/beta/things?x=1".to_owned(), NextLinkRefusal::Unparsable),
    ] {
        let client = client_for(&server);
        let page = Page::<Item>::new(Vec::new()).with_next_link(link.clone());
        match client.next_page(&page).await {
            Err(GraphError::NextLink { url, reason }) => {
                assert_eq!(url, link);
                assert_eq!(reason, expected, "{link}");
            }
            other => panic!("{link}: expected a NextLink error, got {other:?}"),
        }
    }
    assert!(received(&server).await.is_empty());
}

#[tokio::test]
async fn a_next_link_pointing_to_itself_ends_the_stream_with_an_error() {
    let server = MockServer::start().await;
    let same = format!("{}/beta/things?$skiptoken=loop", server.uri());
    Mock::given(method("GET"))
        .and(path("/beta/things"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "@odata.nextLink": same,
            "value": [{"id": "x"}]
        })))
        .mount(&server)
        .await;

    let client = client_for(&server);
    let results: Vec<Result<Item, GraphError>> = client.request("things").stream().collect().await;
    assert_eq!(results.len(), 3, "{results:?}");
    assert!(
        matches!(
            &results[2],
            Err(GraphError::NextLink { url, reason: NextLinkRefusal::Cycle }) if *url == same
        ),
        "{results:?}"
    );
    assert_eq!(received(&server).await.len(), 2);
}

#[tokio::test]
async fn an_error_on_a_later_page_ends_the_stream() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(query_param("$skiptoken", "2"))
        .respond_with(ResponseTemplate::new(403).set_body_json(json!({
            "error": {"code": "Forbidden", "message": "no"}
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(query_param_is_missing("$skiptoken"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "@odata.nextLink": format!("{}/beta/things?$skiptoken=2", server.uri()),
            "value": [{"id": "1"}]
        })))
        .mount(&server)
        .await;

    let client = client_for(&server);
    let mut stream = client.request("things").stream::<Item>();
    assert_eq!(
        stream.try_next().await.expect("ok").map(|i| i.id),
        Some("1".into())
    );
    let error = stream.try_next().await.expect_err("forbidden");
    assert_eq!(error.status(), Some(reqwest::StatusCode::FORBIDDEN));
    assert!(
        stream.next().await.is_none(),
        "the stream ends after an error"
    );
}

#[tokio::test]
async fn with_query_replaces_options_already_set() {
    let client = GraphClient::builder()
        .bearer_token(TOKEN)
        .build()
        .expect("valid client");
    let request = client
        .request("things")
        .query("$top", "1")
        .query("other", "x y")
        .with_query(&Query::new().top(5).skip(10).search("\"a:b\""));
    assert_eq!(
        request.url(),
        "https://graph.microsoft.com/beta/things?$top=5&other=x%20y&$skip=10&$search=%22a%3Ab%22"
    );
    assert_eq!(request.path(), "/things");
    let unchanged = request.with_query(&Query::new());
    assert_eq!(unchanged.url(), request.url());
}

#[test]
fn streams_are_send_and_static() {
    fn assert_send_static<T: Send + 'static>(_: &T) {}
    let client = GraphClient::builder()
        .bearer_token(TOKEN)
        .build()
        .expect("valid client");
    let stream = client.request("things").stream::<Item>();
    let pages = client.request("things").pages::<Item>();
    assert_send_static(&stream);
    assert_send_static(&pages);
    assert_eq!(format!("{stream:?}"), "Items { .. }");
    drop(client);
    drop(stream);
}

/// Mounts `/beta/things` as two pages whose second page links back to the
/// first (`back_to` is the link the second page returns).
async fn mount_cycle(server: &MockServer, back_to: String) {
    Mock::given(method("GET"))
        .and(path("/beta/things"))
        .and(query_param_is_missing("$skiptoken"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "@odata.nextLink": format!("{}/beta/things?$skiptoken=p2", server.uri()),
            "value": [{"id": "1"}]
        })))
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path("/beta/things"))
        .and(query_param("$skiptoken", "p2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "@odata.nextLink": back_to,
            "value": [{"id": "2"}]
        })))
        .mount(server)
        .await;
}

/// `list_all` on `things`, failing the test (instead of hanging it) if a
/// regression makes it loop.
async fn list_all_or_hang(client: &GraphClient) -> GraphError {
    let request = client.request("things");
    tokio::time::timeout(
        std::time::Duration::from_secs(30),
        request.list_all::<Item>(),
    )
    .await
    .expect("list_all must stop at a cycle, not loop")
    .unwrap_err()
}

fn assert_cycle_error(error: &GraphError, link: &str) {
    let GraphError::NextLink { url, reason } = error else {
        panic!("expected a NextLink error, got {error:?}");
    };
    assert_eq!(url, link);
    assert_eq!(*reason, NextLinkRefusal::Cycle);
    assert_eq!(
        error.to_string(),
        format!("refused to follow the next link `{link}`: it leads back to a page already read")
    );
}

#[tokio::test]
async fn a_next_link_back_to_the_first_page_ends_stream_pages_and_list_all() {
    let server = MockServer::start().await;
    let first = format!("{}/beta/things", server.uri());
    mount_cycle(&server, first.clone()).await;
    let client = client_for(&server);

    let results: Vec<Result<Item, GraphError>> = client.request("things").stream().collect().await;
    assert_eq!(results.len(), 3, "{results:?}");
    assert_eq!(results[0].as_ref().map(|i| i.id.as_str()).ok(), Some("1"));
    assert_eq!(results[1].as_ref().map(|i| i.id.as_str()).ok(), Some("2"));
    assert_cycle_error(results[2].as_ref().unwrap_err(), &first);
    assert_eq!(
        received(&server).await.len(),
        2,
        "nothing is sent a third time"
    );

    server.reset().await;
    mount_cycle(&server, first.clone()).await;
    let pages: Vec<Result<Page<Item>, GraphError>> =
        client.request("things").pages().collect().await;
    assert_eq!(pages.len(), 3, "two pages, then the error");
    assert_cycle_error(pages[2].as_ref().unwrap_err(), &first);
    assert_eq!(received(&server).await.len(), 2);

    server.reset().await;
    mount_cycle(&server, first.clone()).await;
    let error = list_all_or_hang(&client).await;
    assert_cycle_error(&error, &first);
    assert_eq!(received(&server).await.len(), 2);
}

/// Mounts three pages of `/beta/things` where page 3 links back to page 2:
/// neither the page just read nor the first one.
async fn mount_cycle_to_the_middle(server: &MockServer) -> String {
    let link = |token: &str| format!("{}/beta/things?$skiptoken={token}", server.uri());
    for (token, next, id) in [
        (None, "p2", "1"),
        (Some("p2"), "p3", "2"),
        (Some("p3"), "p2", "3"),
    ] {
        let mock = Mock::given(method("GET")).and(path("/beta/things"));
        let mock = match token {
            None => mock.and(query_param_is_missing("$skiptoken")),
            Some(token) => mock.and(query_param("$skiptoken", token)),
        };
        mock.respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "@odata.nextLink": link(next),
            "value": [{"id": id}]
        })))
        .expect(1)
        .mount(server)
        .await;
    }
    link("p2")
}

#[tokio::test]
async fn a_next_link_back_to_a_middle_page_ends_list_all_and_stream() {
    let server = MockServer::start().await;
    let back = mount_cycle_to_the_middle(&server).await;
    let client = client_for(&server);
    let error = list_all_or_hang(&client).await;
    assert_cycle_error(&error, &back);
    assert_eq!(received(&server).await.len(), 3);

    server.reset().await;
    let back = mount_cycle_to_the_middle(&server).await;
    let results: Vec<Result<Item, GraphError>> = client.request("things").stream().collect().await;
    let ids: Vec<_> = results
        .iter()
        .filter_map(|r| r.as_ref().ok())
        .map(|i| i.id.as_str())
        .collect();
    assert_eq!(ids, ["1", "2", "3"]);
    assert_eq!(results.len(), 4);
    assert_cycle_error(results[3].as_ref().unwrap_err(), &back);
    assert_eq!(received(&server).await.len(), 3);
}
