// The integration tests of the generator, in one test binary:
// `cargo test -p graph-intune-codegen --test codegen [MODULE::]`.

mod constructs;
mod diff;
mod errors;
mod golden;
mod select;
