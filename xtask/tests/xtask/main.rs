// The `cargo xtask` commands, in one test binary:
// `cargo test -p xtask --test xtask [MODULE::]`.

mod codegen;
mod diff;
mod fetch;
