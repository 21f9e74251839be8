//! The golden output of `codegen/tests/fixtures/lenient.xml`, generated
//! leniently from a schema that refers to a namespace it lacks, compiles and
//! behaves: what was dropped is kept as additional data.

#[rustfmt::skip]
#[allow(dead_code, clippy::all)]
#[path = "../../codegen/tests/golden/lenient/models/mod.rs"]
mod models;
#[rustfmt::skip]
#[allow(dead_code, clippy::all)]
#[path = "../../codegen/tests/golden/lenient/requests.rs"]
mod requests;

use serde_json::json;

use models::{Call, CloudCommunications, OnlineMeeting};
use requests::GraphClientExt;

#[test]
fn dropped_properties_read_and_write_back_as_additional_data() {
    let text = json!({
        "id": "c1",
        "displayName": "Calls",
        "lastCall": {"@odata.type": "#microsoft.graph.callRecords.callRecord", "id": "r1"},
        "calls": [{"id": "k1", "subject": "standup", "modalities": ["audio"]}]
    });
    let communications: CloudCommunications = serde_json::from_value(text.clone()).unwrap();
    assert_eq!(
        communications.display_name.value().map(String::as_str),
        Some("Calls")
    );
    assert!(communications.additional_data.contains_key("lastCall"));
    let calls: &Vec<Call> = communications.calls.value().unwrap();
    assert!(calls[0].additional_data.contains_key("modalities"));
    assert_eq!(serde_json::to_value(&communications).unwrap(), text);
}

#[test]
fn a_type_with_an_unknown_base_keeps_its_own_members() {
    let text = json!({"joinUrl": "https://example.com/m", "id": "inherited"});
    let meeting: OnlineMeeting = serde_json::from_value(text.clone()).unwrap();
    assert_eq!(meeting.join_url.as_deref(), Some("https://example.com/m"));
    assert!(meeting.additional_data.contains_key("id"));
    assert_eq!(serde_json::to_value(&meeting).unwrap(), text);
}

#[test]
fn what_resolves_keeps_its_builders() {
    let client = graph_intune::GraphClient::builder()
        .base_url("http://127.0.0.1:9/beta")
        .bearer_token("t")
        .build()
        .unwrap();
    let call = client.communications().calls().by_id("k1");
    assert_eq!(call.path(), "/communications/calls/k1");
    assert_eq!(client.meetings().by_id("m1").path(), "/meetings/m1");
    // The action whose parameters resolve is kept.
    let _answer = requests::CallRequest::answer;
}
