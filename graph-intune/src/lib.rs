//! Typed Microsoft Graph **beta** bindings for Intune, generated from the
//! Graph `$metadata` (OData CSDL).
//!
//! ```no_run
//! # async fn run(token: String, assignment: graph_intune::models::DeviceCompliancePolicyAssignment)
//! # -> Result<(), graph_intune::GraphError> {
//! let client = graph_intune::GraphClient::builder()
//!     .bearer_token(token) // base URL defaults to https://graph.microsoft.com/beta
//!     .build()?;
//! let updated = client
//!     .device_management()
//!     .device_compliance_policies()
//!     .by_id("policy-id")
//!     .assignments()
//!     .by_id("assignment-id")
//!     .update(&assignment) // PATCH, returns the updated entity
//!     .await?;
//! # let _ = updated;
//! # Ok(())
//! # }
//! ```
//!
//! - [`models`]: serde types generated from the schema. Nullable properties
//!   are [`Nullable`] (absent, `null` or a value); others are `Option`.
//!   Types with derived types are enums with one variant per concrete type
//!   and an `Unknown` variant that keeps types this build does not know.
//! - [`requests`]: request builders, reached from [`GraphClient`] methods.
//! - The hand-written runtime: [`GraphClient`], [`GraphError`], [`TokenProvider`].
//!
//! # Features
//!
//! Each Intune area is a cargo feature: every navigation property of
//! `deviceManagement` and `deviceAppManagement` (`managed-devices`,
//! `device-enrollment-configurations`, …) or a named group of them
//! (`device-compliance`, `device-configuration`, `mobile-apps`,
//! `app-protection`, `settings-catalog`, …). A model or request builder is
//! compiled when any enabled feature needs it, and its docs say which
//! ("Available with the cargo feature `…`"). The default is
//! `device-compliance`; `full` enables every area; `azure` adds the Azure
//! SDK credential adapter.
//!
//! ```toml
//! [dependencies]
//! graph-intune = { version = "0.1", default-features = false, features = ["device-compliance", "mobile-apps"] }
//! ```

extern crate self as graph_intune;

// The runtime, in layers. A module uses only modules of the layers above
// it, or of its own layer without a cycle; the exception is `client` and
// `request`, which use each other (a client starts requests, a request is
// sent by its client).
//
// 1. Shared constants and helpers; settings and errors.
pub mod cloud;
mod common;
pub mod error;
pub mod pacing;
pub mod retry;
// 2. Access tokens.
pub mod auth;
// 3. Sending one request; query options.
mod query;
mod send;
// 4. The client, request building, and calls (requests ready to send).
mod call;
pub mod client;
mod request;
// 5. Collections; JSON batches of calls.
pub mod batch;
mod paging;
// 6. The generic halves of the generated request builders.
mod resource;
// 7. The public paths of the runtime's items, for generated code and
//    callers (the generated models' hooks are in `__private` below).
pub mod runtime;

/// The hooks of the generated models (reading and writing objects and
/// polymorphic values): public for the generated code only, not part of the
/// API (serde's `__private` is the model).
#[doc(hidden)]
pub mod __private {
    pub use crate::object::{
        collect_into, deserialize_object, read_into, read_lenient_into, serialize_object, Member,
        Members, Object,
    };
    pub use crate::polymorphic::{
        deserialize_polymorphic, read_variant, serialize_variant, Polymorphic,
    };
}

// Support for the generated models.
pub mod edm;
mod flags;
mod nullable;
mod object;
pub mod odata;
mod polymorphic;

/// The names the generated code must leave to the runtime (a file of its
/// own, without inner attributes, because the generator `include!`s it).
mod reserved;

#[rustfmt::skip]
#[allow(
    clippy::all,
    clippy::pedantic,
    rustdoc::broken_intra_doc_links,
    rustdoc::bare_urls,
    rustdoc::invalid_html_tags
)]
mod generated;

/// The README's Rust examples, compiled by `cargo test --doc` so that they
/// cannot fall behind the API.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeExamples;

pub use auth::{ClientCredentials, StaticToken, TokenProvider};
pub use batch::{Batch, Responses, Step, StepId};
pub use call::Call;
pub use client::{GraphClient, GraphClientBuilder};
pub use cloud::{ApiVersion, Cloud};
pub use error::{BatchRefusal, DecodeError, GraphError, NextLinkRefusal, ServiceError};
pub use flags::{EnumMember, Flags};
pub use generated::{models, requests};
pub use nullable::Nullable;
pub use pacing::Pacing;
pub use query::Query;
pub use retry::RetryPolicy;
