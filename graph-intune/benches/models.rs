//! Typed (de)serialization of the generated models against `serde_json::Value`
//! of the same text, in the same run (`cargo bench -p graph-intune --bench
//! models`; `cargo xtask bench-report` prints the ratios).
//!
//! The input is a page of 1,000 `deviceCompliancePolicyAssignment` values
//! shaped like the Graph beta reference example, cycling through every
//! target type: group, exclusion group, all devices, all licensed users,
//! Configuration Manager collection, and organizational unit with its
//! conflict setting.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use graph_intune::models::DeviceCompliancePolicyAssignment;
use graph_intune::runtime::Page;
use serde_json::{json, Value};

/// The target of the `i`-th assignment.
fn target(i: usize) -> Value {
    let filter_type = ["include", "exclude", "none"][i % 3];
    let filter = json!({
        "deviceAndAppManagementAssignmentFilterId": format!("filter-{i}"),
        "deviceAndAppManagementAssignmentFilterType": filter_type,
    });
    let (odata_type, extra) = match i % 6 {
        0 => (
            "groupAssignmentTarget",
            json!({ "groupId": format!("group-{i}") }),
        ),
        1 => (
            "exclusionGroupAssignmentTarget",
            json!({ "groupId": format!("group-{i}") }),
        ),
        2 => ("allDevicesAssignmentTarget", json!({})),
        3 => ("allLicensedUsersAssignmentTarget", json!({})),
        4 => (
            "configurationManagerCollectionAssignmentTarget",
            json!({ "collectionId": format!("collection-{i}") }),
        ),
        _ => (
            "organizationalUnitAssignmentTarget",
            json!({
                "organizationalUnitId": format!("ou-{i}"),
                "assignmentConflictSetting": {
                    "@odata.type": "#microsoft.graph.organizationalUnitAssignmentConflictSetting",
                    "assignmentOverride": "denied",
                    "versionNumber": i
                }
            }),
        ),
    };
    let mut target = json!({ "@odata.type": format!("#microsoft.graph.{odata_type}") });
    for part in [filter, extra] {
        if let (Value::Object(target), Value::Object(part)) = (&mut target, part) {
            target.extend(part);
        }
    }
    target
}

/// A page of 1,000 assignments as the service would answer a list request.
fn page_text() -> String {
    let value: Vec<Value> = (0..1000)
        .map(|i| {
            json!({
                "@odata.type": "#microsoft.graph.deviceCompliancePolicyAssignment",
                "id": format!("92dc3fef-3fef-92dc-ef3f-{i:012}"),
                "target": target(i),
                "source": if i % 2 == 0 { "direct" } else { "policySets" },
                "sourceId": if i % 2 == 0 { Value::Null } else { json!(format!("policy-set-{i}")) },
            })
        })
        .collect();
    json!({
        "@odata.context": "https://graph.microsoft.com/beta/$metadata#deviceManagement/deviceCompliancePolicies('policy-1')/assignments",
        "value": value,
    })
    .to_string()
}

fn deserialize(c: &mut Criterion) {
    let text = page_text();
    // The typed page reads back to the same JSON: the benchmark measures real work.
    let typed: Page<DeviceCompliancePolicyAssignment> =
        serde_json::from_str(&text).expect("the page is valid");
    assert_eq!(
        serde_json::to_value(&typed.value).expect("serializes"),
        serde_json::from_str::<Value>(&text).expect("valid JSON")["value"]
    );

    let mut group = c.benchmark_group("deserialize/1000 assignments");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("baseline: serde_json::Value", |b| {
        b.iter(|| serde_json::from_str::<Value>(black_box(&text)).expect("valid"))
    });
    group.bench_function("typed models", |b| {
        b.iter(|| {
            serde_json::from_str::<Page<DeviceCompliancePolicyAssignment>>(black_box(&text))
                .expect("valid")
        })
    });
    group.finish();

    let value: Value = serde_json::from_str(&text).expect("valid");
    let mut group = c.benchmark_group("serialize/1000 assignments");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("baseline: serde_json::Value", |b| {
        b.iter(|| serde_json::to_string(black_box(&value)).expect("serializes"))
    });
    group.bench_function("typed models", |b| {
        b.iter(|| serde_json::to_string(black_box(&typed)).expect("serializes"))
    });
    group.finish();
}

criterion_group!(benches, deserialize);
criterion_main!(benches);
