// The client against local servers, in one test binary:
// `cargo test -p graph-intune --test client [MODULE::]`.
//
// `observability.rs` is a binary of its own: it captures logs with a
// per-thread `tracing` subscriber, and `tracing` caches per call site whether
// anyone listens, so call sites first reached by these tests (with no
// subscriber) could stay silent for it. `azure.rs` needs `--features azure`.

mod client_credentials;
mod pacing;
mod paging;
mod retry;
mod runtime;
