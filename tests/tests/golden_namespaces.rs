//! The golden output of `codegen/tests/fixtures/namespaces.xml` compiles and behaves.

#[rustfmt::skip]
#[allow(dead_code, clippy::all)]
#[path = "../../codegen/tests/golden/namespaces/models/mod.rs"]
mod models;
#[rustfmt::skip]
#[allow(dead_code, clippy::all)]
#[path = "../../codegen/tests/golden/namespaces/requests.rs"]
mod requests;

use serde_json::json;

#[test]
fn same_named_types_live_in_their_namespace_modules() {
    let text = json!({
        "displayName": "root group",
        "alert": {"group": {"owner": {"displayName": "nested"}}}
    });
    let g: models::Group = serde_json::from_value(text.clone()).unwrap();
    let alert: &models::security::Alert = g.alert.value().unwrap();
    let sec_group: &models::security::Group = alert.group.value().unwrap();
    let owner: &models::Group = sec_group.owner.value().unwrap();
    assert_eq!(
        owner.display_name.value().map(String::as_str),
        Some("nested")
    );
    assert_eq!(serde_json::to_value(&g).unwrap(), text);
    let _ = models::call_records::Session::default();
}
