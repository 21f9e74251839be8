//! The golden output of `codegen/tests/fixtures/constructs.xml` compiles as a
//! crate of its own would use it (models plus a `GraphClientExt` trait), and
//! behaves: type definitions, enums, polymorphism, boxing of recursive types,
//! bound operations, capabilities.

#[rustfmt::skip]
#[allow(dead_code, clippy::all)]
#[path = "../../codegen/tests/golden/constructs/models/mod.rs"]
mod models;
#[rustfmt::skip]
#[allow(dead_code, clippy::all)]
#[path = "../../codegen/tests/golden/constructs/requests.rs"]
mod requests;

use models::test::root::{self as root, Color, Folder, Item, Label};
use requests::GraphClientExt;
use serde_json::json;

#[test]
fn a_folder_round_trips_with_its_enum_collection_and_unknown_members() {
    let text = json!({
        "@odata.type": "#test.root.folder",
        "id": "f1",
        "price": 12.5,
        "colors": ["red", "blue", "ultraviolet"],
        "name": "Docs",
        "children": [{"@odata.type": "#test.root.folder", "id": "f2"}],
        "somethingNew": true
    });
    let item: Item = serde_json::from_value(text.clone()).unwrap();
    let Item::Folder(folder) = &item else {
        panic!("expected a folder, got {item:?}");
    };
    assert_eq!(
        folder.colors.value().unwrap(),
        &vec![
            Color::Red,
            Color::Blue,
            Color::Unrecognized("ultraviolet".into())
        ]
    );
    assert_eq!(folder.name.value(), Some(&Label("Docs".into())));
    assert_eq!(folder.additional_data["somethingNew"], json!(true));
    assert_eq!(item.id(), &Some("f1".to_owned()));
    assert_eq!(serde_json::to_value(&item).unwrap(), text);
}

#[test]
fn a_recursive_complex_type_is_boxed_and_round_trips() {
    let text = json!({"type": "a", "self": {"type": "b", "self": null}});
    let value: root::nested::Item = serde_json::from_value(text.clone()).unwrap();
    // `self_` is `Nullable<Box<Item>>`: the recursion is boxed.
    let inner: &root::nested::Item = value.self_.value().unwrap();
    assert_eq!(inner.r#type.value().map(String::as_str), Some("b"));
    assert!(inner.self_.is_null());
    assert_eq!(serde_json::to_value(&value).unwrap(), text);
}

#[test]
fn a_value_built_in_rust_writes_its_type() {
    let item = Item::Folder(Folder {
        id: Some("f9".into()),
        ..Folder::default()
    });
    assert_eq!(
        serde_json::to_value(&item).unwrap(),
        json!({"@odata.type": "#test.root.folder", "id": "f9"})
    );
}

#[test]
fn builders_follow_capabilities_and_bound_operations() {
    let client = graph_intune::GraphClient::builder()
        .base_url("http://127.0.0.1:9/v")
        .bearer_token("t")
        .build()
        .unwrap();
    // Singleton and entity set entry points from the trait.
    assert_eq!(client.root().path(), "/root");
    let folder = client.folders().by_id("a b");
    assert_eq!(folder.path(), "/folders/a%20b");
    // Navigation to a collection of the abstract base type.
    assert_eq!(folder.children().path(), "/folders/a%20b/children");
    // The bound action exists with its parameter (compile-time check).
    let _archive = folder.archive(Some("old"));
}

#[tokio::test]
async fn functions_put_parameters_in_the_url_and_imports_start_at_the_root() {
    use wiremock::matchers::{body_json, method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v/folders/a%20b/test.root.count(deep=true)"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"value": 42})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v/root/children/test.root.count()"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"value": 7})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v/reset"))
        .and(body_json(json!({})))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v/folders/f1/test.root.archive"))
        .and(body_json(json!({"reason": "old"})))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"@odata.type": "#test.root.folder", "id": "f1"})),
        )
        .expect(1)
        .mount(&server)
        .await;

    let client = graph_intune::GraphClient::builder()
        .base_url(format!("{}/v", server.uri()))
        .bearer_token("t")
        .build()
        .unwrap();
    assert_eq!(
        client
            .folders()
            .by_id("a b")
            .count(Some(&true))
            .await
            .unwrap(),
        42
    );
    assert_eq!(client.root().children().count().await.unwrap(), 7);
    client.service_operations().reset().await.unwrap();
    let archived = client
        .folders()
        .by_id("f1")
        .archive(Some("old"))
        .await
        .unwrap();
    assert_eq!(archived.id, Some("f1".to_owned()));
}
