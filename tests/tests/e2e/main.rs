// The end-to-end tests, in one test binary:
// `cargo test -p graph-intune-tests --test e2e [MODULE::]`.
//
// Generated code names its own types from the crate root
// (`crate::models::…`), so the golden output of a fixture compiles only at
// the root of a test crate. The primitives fixture's is here, for
// `golden_primitives` and `datetimes`; each other fixture's is a test binary
// of its own (`golden_constructs.rs`, `golden_hierarchy.rs`,
// `golden_names.rs`, `golden_namespaces.rs`).

#[rustfmt::skip]
#[allow(dead_code, clippy::all)]
#[path = "../../../codegen/tests/golden/primitives/models/mod.rs"]
mod models;
#[rustfmt::skip]
#[allow(dead_code, clippy::all)]
#[path = "../../../codegen/tests/golden/primitives/requests.rs"]
mod requests;

mod batch;
mod compliance;
mod corpus;
mod datetimes;
mod golden_primitives;
mod http;
mod load;
mod robustness;
mod seed;
mod values;
