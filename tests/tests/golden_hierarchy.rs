//! The golden output of `codegen/tests/fixtures/hierarchy.xml` compiles and behaves.

#[rustfmt::skip]
#[allow(dead_code, clippy::all)]
#[path = "../../codegen/tests/golden/hierarchy/models/mod.rs"]
mod models;
#[rustfmt::skip]
#[allow(dead_code, clippy::all)]
#[path = "../../codegen/tests/golden/hierarchy/requests.rs"]
mod requests;

use serde_json::json;

use graph_intune::runtime::{Collection, CollectionRequest, No, Yes};
use models::{DirectoryObjectKind, Entity, GuestUser, User, UserKind};
use requests::GraphClientExt;

#[test]
fn a_four_level_hierarchy_reads_the_deepest_type_at_every_level() {
    let text = json!({
        "@odata.type": "#microsoft.graph.guestUser", "id": "g1",
        "deletedDateTime": "2024-01-01T00:00:00Z", "displayName": "Guest", "invitedBy": "me"
    });
    let as_entity: Entity = serde_json::from_value(text.clone()).unwrap();
    assert!(matches!(as_entity, Entity::GuestUser(_)));
    let as_object: DirectoryObjectKind = serde_json::from_value(text.clone()).unwrap();
    assert!(matches!(as_object, DirectoryObjectKind::GuestUser(_)));
    let as_user: UserKind = serde_json::from_value(text.clone()).unwrap();
    let UserKind::GuestUser(guest) = &as_user else {
        panic!("{as_user:?}");
    };
    assert_eq!(guest.invited_by.value().map(String::as_str), Some("me"));
    assert_eq!(
        as_user.display_name().value().map(String::as_str),
        Some("Guest")
    );
    assert_eq!(as_object.id(), &Some("g1".to_owned()));
    assert_eq!(serde_json::to_value(&as_entity).unwrap(), text);
    // The declared concrete type needs no @odata.type.
    let plain: UserKind = serde_json::from_value(json!({"id": "u1"})).unwrap();
    assert!(matches!(plain, UserKind::User(_)));
    // A derived type built in Rust names itself.
    let guest = UserKind::GuestUser(GuestUser {
        id: Some("g2".into()),
        ..GuestUser::default()
    });
    assert_eq!(
        serde_json::to_value(&guest).unwrap(),
        json!({"@odata.type": "#microsoft.graph.guestUser", "id": "g2"})
    );
    let _ = User::default();
}

#[test]
fn capabilities_remove_methods_and_navigation_reaches_streams() {
    let client = graph_intune::GraphClient::builder()
        .base_url("http://127.0.0.1:9/v1.0")
        .bearer_token("t")
        .build()
        .unwrap();
    let user = client.users().by_id("u1");
    assert_eq!(user.manager().path(), "/users/u1/manager");
    assert_eq!(user.photo().path(), "/users/u1/photo");
    // `users` is not insertable: its collection builder has no `create`
    // (a compile-time property; `directoryObjects` keeps it). The
    // capabilities are types: `Yes` where the method exists, `No` where not.
    same::<<requests::DirectoryObjectCollectionRequest as Collection>::Create, Yes>();
    same::<<requests::UserCollectionRequest as Collection>::Create, No>();
    let _create = CollectionRequest::<requests::DirectoryObjectCollectionRequest>::create;
}

/// Compiles only when `A` and `B` are the same type.
fn same<A, B>()
where
    A: Same<B>,
{
}

trait Same<T> {}
impl<T> Same<T> for T {}

#[tokio::test]
async fn a_has_stream_entity_reads_and_writes_its_content() {
    use wiremock::matchers::{body_bytes, header, method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1.0/users/u1/photo/$value"))
        .and(header("accept", "*/*"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(vec![0xff, 0xd8, 0x00], "image/jpeg"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/v1.0/users/u1/photo/$value"))
        .and(header("content-type", "image/png"))
        .and(body_bytes(vec![0x89, b'P', b'N', b'G']))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let client = graph_intune::GraphClient::builder()
        .base_url(format!("{}/v1.0", server.uri()))
        .bearer_token("t")
        .build()
        .unwrap();
    let photo = client.users().by_id("u1").photo();
    assert_eq!(photo.content().await.unwrap(), vec![0xff, 0xd8, 0x00]);
    photo
        .put_content("image/png", vec![0x89, b'P', b'N', b'G'])
        .await
        .unwrap();
}
