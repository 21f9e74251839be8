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

extern crate self as graph_intune;

pub mod auth;
pub mod client;
pub mod cloud;
pub mod edm;
pub mod error;
mod flags;
mod nullable;
mod object;
pub mod odata;
mod paging;
mod polymorphic;
pub mod retry;
pub mod runtime;

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

pub use auth::ClientCredentials;
pub use client::{GraphClient, GraphClientBuilder, StaticToken, TokenProvider};
pub use cloud::{ApiVersion, Cloud};
pub use error::{DecodeError, GraphError, ServiceError};
pub use flags::{EnumMember, Flags};
pub use generated::{models, requests};
pub use nullable::Nullable;
pub use retry::RetryPolicy;
pub use runtime::Query;
