//! The generator's speed on real Graph schemas, each against a baseline
//! measured in the same run (`cargo bench -p graph-intune-codegen`;
//! `cargo xtask bench-report` prints the ratios).
//!
//! - `read_resolve/<file>`: `csdl` read + `model` resolve, against a bare
//!   quick-xml event scan of the same bytes (every element and attribute
//!   read, nothing built). The stages are also measured alone.
//! - `generate/<file>`: the whole-schema crate (read, resolve, select
//!   everything, emit, format every file), as `cargo xtask codegen
//!   --metadata FILE --all` runs it.
//!
//! The schemas come from `GRAPH_METADATA_CORPUS` (a relative path is taken
//! from the workspace root), else `../shared/metadata` beside the workspace;
//! without either the benchmarks say so and measure nothing.

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

use codegen::{csdl, model, Harness, Input};
use criterion::{criterion_group, criterion_main, Criterion};
use quick_xml::events::Event;
use quick_xml::Reader;

const FILES: &[&str] = &["graph-beta-2021-06.xml", "graph-v1.0-2026-08.xml"];

fn corpus() -> Option<PathBuf> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let dir = match std::env::var_os("GRAPH_METADATA_CORPUS") {
        Some(dir) => root.join(dir),
        None => root.join("../shared/metadata"),
    };
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("skipped: no Graph metadata corpus (set GRAPH_METADATA_CORPUS to its folder)");
        None
    }
}

fn schemas() -> Vec<(&'static str, String)> {
    let Some(dir) = corpus() else {
        return Vec::new();
    };
    FILES
        .iter()
        .map(|name| {
            let text = std::fs::read_to_string(dir.join(name))
                .unwrap_or_else(|e| panic!("cannot read {name}: {e}"));
            (*name, text)
        })
        .collect()
}

/// The floor: every event, every attribute key and value, nothing kept.
fn bare_scan(text: &str) -> usize {
    let mut reader = Reader::from_str(text);
    let mut seen = 0usize;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => {
                seen += e.local_name().as_ref().len();
                for attr in e.attributes().flatten() {
                    seen += attr.key.as_ref().len() + attr.value.len();
                }
            }
            Ok(Event::Eof) => return seen,
            Ok(_) => seen += 1,
            Err(e) => panic!("{e}"),
        }
    }
}

fn read_resolve(c: &mut Criterion) {
    for (name, text) in schemas() {
        let mut group = c.benchmark_group(format!("read_resolve/{name}"));
        group.bench_function("baseline: quick-xml scan", |b| {
            b.iter(|| bare_scan(black_box(&text)))
        });
        group.bench_function("csdl read", |b| {
            b.iter(|| csdl::parse(name, black_box(&text)).expect("valid"))
        });
        let document = csdl::parse(name, &text).expect("valid");
        let documents = [document];
        group.bench_function("model resolve", |b| {
            b.iter(|| model::Model::build(black_box(&documents)).expect("valid"))
        });
        group.bench_function("csdl read + model resolve", |b| {
            b.iter(|| {
                let document = csdl::parse(name, black_box(&text)).expect("valid");
                model::Model::build(&[document]).expect("valid")
            })
        });
        group.finish();
    }
}

fn generate(c: &mut Criterion) {
    for (name, text) in schemas() {
        let mut group = c.benchmark_group(format!("generate/{name}"));
        group.sample_size(10);
        group.measurement_time(Duration::from_secs(30));
        group.bench_function("whole schema", |b| {
            b.iter(|| {
                let inputs = [Input { name, text: &text }];
                codegen::generate_crate(
                    black_box(&inputs),
                    "bench",
                    "{ path = \"../graph-intune\" }",
                    Harness::None,
                )
                .expect("valid")
            })
        });
        group.finish();
    }
}

criterion_group!(benches, read_resolve, generate);
criterion_main!(benches);
