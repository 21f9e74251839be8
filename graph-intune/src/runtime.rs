//! Support for the generated request builders.
//!
//! The generated request builders describe *what* to ask for (a path built
//! from entity sets, keys, navigation properties and operations); this
//! module does the HTTP work: it adds the credentials and headers, sends the
//! request, and turns the answer into a value or a [`GraphError`](crate::GraphError).
//!
//! The central type is [`RequestBuilder`], an immutable URL path plus the
//! client that will send it; its request methods return a [`Call`], sent
//! alone by `.await` or with others in a [`Batch`](crate::batch::Batch). [`Page`] is one page of a collection,
//! [`Query`] the typed OData query options of a collection request,
//! [`Pages`] and [`Items`] the streams over every page of a collection, and
//! [`WithODataType`] helps serializing polymorphic values.
//!
//! # Generated builders
//!
//! A generated item builder (`DeviceCompliancePolicyRequest`) holds an
//! [`EntityRequest`] of itself and dereferences to it; a generated
//! collection builder (`DeviceCompliancePolicyCollectionRequest`) holds a
//! [`CollectionRequest`] of itself. The generated code declares what its
//! builder addresses (the [`Entity`] and [`Collection`] implementations:
//! model type and capabilities) and adds only what is particular to it:
//! navigation properties and bound operations. Reading, updating, deleting,
//! listing, creating, keys, query options and per-request settings are the
//! generic methods of [`EntityRequest`] and [`CollectionRequest`], so the
//! call chain
//!
//! ```text
//! client.device_management().device_compliance_policies().by_id(id).assignments().by_id(id).update(&body)
//! ```
//!
//! reads as it would with a method per builder, and the compiler only
//! generates code for the methods a program calls. Every request method
//! (those above, and the generated actions and functions) returns a
//! [`Call`] of the answer's type: `.await` it to send it alone, or add it
//! to a [`Batch`](crate::batch::Batch).
//!
//! # Capabilities
//!
//! The schema's capability annotations (`Capabilities.UpdateRestrictions`
//! and the like) decide which of the writing methods exist: an entity
//! declares [`Yes`] or [`No`] for [`Entity::Update`], [`Entity::Delete`],
//! [`Entity::Media`] and [`Collection::Create`], and
//! [`update`](EntityRequest::update), [`delete`](EntityRequest::delete),
//! [`content`](EntityRequest::content), [`put_content`](EntityRequest::put_content)
//! and [`create`](CollectionRequest::create) are only callable where it is
//! [`Yes`].
//!
//! # What every request does
//!
//! * It carries `Authorization: Bearer <token>` (a token fresh from the
//!   client's [`TokenProvider`](crate::TokenProvider), asked again before
//!   each attempt), `Accept: application/json`, a `client-request-id` (a new
//!   UUID per request, the same on all its retries, quoted by Graph in its
//!   errors and logs), `SdkVersion: graph-intune/<version>`, and, when the
//!   client asks for it, `Prefer: include-unknown-enum-members`.
//! * It is retried on `429`, `503`, `504` and failed connections as the
//!   client's [`RetryPolicy`](crate::RetryPolicy) says, honouring
//!   `Retry-After`; its body is kept so that it is sent again unchanged.
//! * Each attempt is limited by the client's time-out (see
//!   [`GraphClientBuilder::timeout`](crate::GraphClientBuilder::timeout)).
//! * It runs in a `tracing` span named `graph_request` with the fields
//!   `method`, `path` (without the query string, which may hold personal
//!   data), `client_request_id`, and once known `attempts` and `status`;
//!   each attempt runs in a child span `graph_attempt` with the fields
//!   `attempt`, `status` and `request_id` (Graph's id of that answer).
//!   Retries and give-ups are logged at `WARN`, answers at `DEBUG`. No
//!   header and no body is logged, so the token never is.
//! * Its body, if any, is serialized to JSON before anything is sent: a
//!   body that cannot be is a [`GraphError::Serialize`](crate::GraphError::Serialize).
//!
//! This module gathers the runtime's public items; they are defined in the
//! crate's layers: request building and sending, then paging over
//! collections, then the client.

pub use futures_core::Stream;

pub use crate::call::{Call, CallFuture};
pub use crate::paging::{Items, Page, Pages};
pub use crate::polymorphic::WithODataType;
pub use crate::query::Query;
pub use crate::request::RequestBuilder;
#[doc(hidden)]
pub use crate::reserved::{RESERVED_BUILDER_METHODS, RESERVED_CLIENT_METHODS};
pub use crate::resource::{
    Collection, CollectionRequest, Entity, EntityRequest, No, Resource, Yes,
};
