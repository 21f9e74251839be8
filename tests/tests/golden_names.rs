//! The golden output of `codegen/tests/fixtures/names.xml` compiles and behaves.

#[rustfmt::skip]
#[allow(dead_code, clippy::all)]
#[path = "../../codegen/tests/golden/names/models/mod.rs"]
mod models;
#[rustfmt::skip]
#[allow(dead_code, clippy::all)]
#[path = "../../codegen/tests/golden/names/requests.rs"]
mod requests;

use serde_json::json;

use models::{
    Attachment, AttachmentBase, AttachmentBase2, FileAttachment, SearchQuery, Self_,
    WindowsMalwareCategory,
};

#[test]
fn keywords_and_odd_names_keep_their_wire_names() {
    let text = json!({
        "type": "t", "self": "s", "match": "m", "v4_0_3": "v", "_id": "i",
        "queryString": "q1", "query_string": "q2", "riskEventTypes_v2": ["a"],
        "additionalData": "schema property", "iOSVersion": "17", "unknownThing": 1
    });
    let q: SearchQuery = serde_json::from_value(text.clone()).unwrap();
    assert_eq!(q.r#type.value().map(String::as_str), Some("t"));
    assert_eq!(q.self_.value().map(String::as_str), Some("s"));
    assert_eq!(q.r#match.value().map(String::as_str), Some("m"));
    assert_eq!(q.id_.value().map(String::as_str), Some("i"));
    assert_eq!(q.query_string.value().map(String::as_str), Some("q1"));
    assert_eq!(q.query_string_2.value().map(String::as_str), Some("q2"));
    assert_eq!(
        q.additional_data_2.value().map(String::as_str),
        Some("schema property")
    );
    assert_eq!(q.additional_data["unknownThing"], json!(1));
    assert_eq!(q.i_os_version.value().map(String::as_str), Some("17"));
    assert_eq!(serde_json::to_value(&q).unwrap(), text);
    let _: Self_ = Self_::default();
}

#[test]
fn colliding_members_stay_apart_on_the_wire() {
    for (wire, member) in [
        (
            "remoteControlSoftware",
            WindowsMalwareCategory::RemoteControlSoftware,
        ),
        (
            "remote_Control_Software",
            WindowsMalwareCategory::RemoteControlSoftware2,
        ),
        ("md5_96", WindowsMalwareCategory::Md5_96),
        ("unknown", WindowsMalwareCategory::Unknown),
        ("Unrecognized", WindowsMalwareCategory::Unrecognized),
        (
            "later",
            WindowsMalwareCategory::Unrecognized2("later".into()),
        ),
    ] {
        let read: WindowsMalwareCategory = serde_json::from_value(json!(wire)).unwrap();
        assert_eq!(read, member);
        assert_eq!(serde_json::to_value(&read).unwrap(), json!(wire));
    }
}

#[test]
fn schema_types_keep_their_names_before_companion_names() {
    // `attachmentBase` is a schema type: it keeps `AttachmentBase`; the
    // properties struct of the abstract `attachment` becomes `AttachmentBase2`.
    let _: AttachmentBase = AttachmentBase::default();
    let unknown: Attachment = serde_json::from_value(json!({"@odata.type": "#x.y"})).unwrap();
    assert!(matches!(
        unknown,
        Attachment::Unknown(AttachmentBase2 { .. })
    ));
    let file: Attachment =
        serde_json::from_value(json!({"@odata.type": "#microsoft.graph.fileAttachment"})).unwrap();
    assert!(matches!(
        file,
        Attachment::FileAttachment(FileAttachment { .. })
    ));
}
