//! The golden output of `codegen/tests/fixtures/primitives.xml` compiles and behaves.

use serde_json::json;

use graph_intune::{Flags, Nullable};

use crate::models::{Access, AccessMember, Everything};

#[test]
fn every_primitive_round_trips() {
    let text = json!({
        "string": "s", "boolean": true, "byte": 255, "sbyte": -128, "int16": -32768,
        "int32": 2147483647, "int64": 9007199254740993_i64, "single": 1.5, "double": -2.25,
        "decimal": "12345678901234567.5", "guid": "92dc3fef-3fef-92dc-ef3f-dc92ef3fdc92",
        "dateTimeOffset": "2024-08-01T10:00:00.1234567+02:00", "date": "2024-08-01",
        "timeOfDay": "10:00:00.1234567", "duration": "PT1H30M", "binary": "aGk=",
        "untyped": {"any": [1, "x"]}, "label": "L", "access": "read,write",
        "int64s": [1, 2], "openProperty": "kept"
    });
    let e: Everything = serde_json::from_value(text.clone()).unwrap();
    assert_eq!(e.int64, Nullable::Value(9_007_199_254_740_993));
    assert_eq!(e.decimal.value().unwrap().0, "12345678901234567.5");
    assert_eq!(
        e.access,
        Nullable::Value(
            [AccessMember::Read, AccessMember::Write]
                .into_iter()
                .collect::<Access>()
        )
    );
    assert_eq!(
        e.duration.value().unwrap().to_std(),
        Some(std::time::Duration::from_secs(5400))
    );
    assert_eq!(e.binary.value().unwrap().0, b"hi");
    assert_eq!(e.additional_data["openProperty"], json!("kept"));
    assert_eq!(
        e.date_time_offset.value().unwrap().as_str(),
        "2024-08-01T10:00:00.1234567+02:00"
    );
    assert_eq!(e.time_of_day.value().unwrap().as_str(), "10:00:00.1234567");
    // Every member, dates and times included, is written back as read.
    assert_eq!(serde_json::to_value(&e).unwrap(), text);
}

/// A decimal sent as a string (OData's IEEE754Compatible form) keeps every
/// digit; one sent as a JSON number keeps what serde_json's number keeps
/// (17 significant digits), and is written back as a number.
#[test]
fn decimals_keep_their_digits() {
    let e: Everything =
        serde_json::from_value(json!({"decimal": "0.1000000000000000000000001"})).unwrap();
    assert_eq!(e.decimal.value().unwrap().0, "0.1000000000000000000000001");
    assert_eq!(
        serde_json::to_value(&e).unwrap(),
        json!({"decimal": "0.1000000000000000000000001"})
    );
    let e: Everything = serde_json::from_value(json!({"decimal": 12.75})).unwrap();
    assert_eq!(e.decimal.value().unwrap().0, "12.75");
    assert_eq!(serde_json::to_value(&e).unwrap(), json!({"decimal": 12.75}));
}

#[test]
fn int64_as_string_and_non_finite_doubles_are_read() {
    let e: Everything = serde_json::from_value(json!({
        "int64": "-9223372036854775808", "double": "NaN", "single": "-INF", "int64s": ["7"]
    }))
    .unwrap();
    assert_eq!(e.int64, Nullable::Value(i64::MIN));
    assert!(e.double.value().unwrap().is_nan());
    assert_eq!(e.single, Nullable::Value(f32::NEG_INFINITY));
    assert_eq!(e.int64s, Some(vec![7]));
    assert_eq!(
        serde_json::to_value(&e).unwrap(),
        json!({"int64": i64::MIN, "double": "NaN", "single": "-INF", "int64s": [7]})
    );
}

#[test]
fn flags_are_sets_joined_by_commas() {
    let mut access: Access = Flags::new();
    assert!(access.insert(AccessMember::Write));
    assert!(!access.insert(AccessMember::Write));
    access.insert(AccessMember::Unrecognized("admin".into()));
    assert_eq!(serde_json::to_value(&access).unwrap(), json!("write,admin"));
    let read: Access = serde_json::from_value(json!("")).unwrap();
    assert!(read.is_empty());
}
