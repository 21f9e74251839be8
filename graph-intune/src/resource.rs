//! The methods every generated request builder has, written once; the
//! public docs are in [`crate::runtime`] ("Generated builders" and
//! "Capabilities").

use std::fmt;
use std::marker::PhantomData;
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::call::Call;
use crate::error::GraphError;
use crate::paging::{Items, Page, Pages};
use crate::query::Query;
use crate::request::RequestBuilder;
use crate::retry::RetryPolicy;

/// A capability the schema allows (see [the runtime docs](crate::runtime#capabilities)).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Yes {}

/// A capability the schema does not allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum No {}

/// A request builder made from a [`RequestBuilder`] positioned at its path:
/// every generated builder. Generated navigation methods and the client's
/// entry points make theirs with it.
pub trait Resource: Sized {
    /// The builder at `request`'s path, with its query options and settings.
    fn from_request(request: RequestBuilder) -> Self;
}

/// A generated item builder: requests on one entity.
pub trait Entity: Resource {
    /// The entity's model type, read by [`get`](EntityRequest::get).
    type Model: Serialize + DeserializeOwned + Send + 'static;
    /// Whether [`update`](EntityRequest::update) (`PATCH`) is allowed.
    type Update;
    /// Whether [`delete`](EntityRequest::delete) (`DELETE`) is allowed.
    type Delete;
    /// Whether the entity is a media entity (`HasStream`), with
    /// [`content`](EntityRequest::content) and
    /// [`put_content`](EntityRequest::put_content).
    type Media;
}

/// A generated collection builder: requests on a collection of entities.
pub trait Collection: Resource {
    /// The builder of one item of the collection, from
    /// [`by_id`](CollectionRequest::by_id).
    type Item: Entity;
    /// Whether [`create`](CollectionRequest::create) (`POST`) is allowed.
    type Create;
}

/// The model type of a collection's items.
type ItemModel<C> = <<C as Collection>::Item as Entity>::Model;

/// The generic half of a generated item builder `N`: the requests every
/// entity has. Generated builders dereference to it, so these methods are
/// called on the generated builder itself.
pub struct EntityRequest<N> {
    request: RequestBuilder,
    builder: PhantomData<fn() -> N>,
}

/// The generic half of a generated collection builder `C`: the requests
/// every collection has.
pub struct CollectionRequest<C> {
    request: RequestBuilder,
    builder: PhantomData<fn() -> C>,
}

/// The constructor, accessors and settings both builders share.
macro_rules! shared_methods {
    ($ty:ident) => {
        impl<B> $ty<B> {
            /// Wraps a request builder positioned at this path (used by
            /// generated code, in [`Resource::from_request`]).
            #[doc(hidden)]
            pub fn new(request: RequestBuilder) -> Self {
                $ty {
                    request,
                    builder: PhantomData,
                }
            }

            /// The untyped request this builder sends: for requests the
            /// schema does not describe (see [`RequestBuilder`]).
            pub fn request_builder(&self) -> &RequestBuilder {
                &self.request
            }

            /// The request path below the client's base URL, percent-encoded.
            pub fn path(&self) -> &str {
                self.request.path()
            }

            /// The builder at path segment `name` below this one: how
            /// generated navigation methods reach their targets.
            #[doc(hidden)]
            pub fn navigate<T: Resource>(&self, name: &str) -> T {
                T::from_request(self.request.segment(name))
            }
        }

        impl<B: Resource> $ty<B> {
            /// The same requests with query options (`$filter`, `$select`,
            /// `$expand`, `$orderby`, `$top`, `$skip`, `$count`, `$search`).
            pub fn query(&self, query: &Query) -> B {
                B::from_request(self.request.with_query(query))
            }

            /// The same requests, each attempt limited to `timeout` instead
            /// of the client's (see [`RequestBuilder::with_timeout`]).
            pub fn with_timeout(&self, timeout: Duration) -> B {
                B::from_request(self.request.with_timeout(timeout))
            }

            /// The same requests, retried as `policy` says instead of the
            /// client's [`RetryPolicy`].
            pub fn with_retry(&self, policy: RetryPolicy) -> B {
                B::from_request(self.request.with_retry(policy))
            }
        }

        impl<B> Clone for $ty<B> {
            fn clone(&self) -> Self {
                Self::new(self.request.clone())
            }
        }

        impl<B> fmt::Debug for $ty<B> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct(stringify!($ty))
                    .field("path", &self.request.path())
                    .finish_non_exhaustive()
            }
        }
    };
}

shared_methods!(EntityRequest);
shared_methods!(CollectionRequest);

impl<N: Entity> EntityRequest<N> {
    /// Reads the entity (`GET`).
    pub fn get(&self) -> Call<N::Model> {
        self.request.get()
    }
}

impl<N: Entity<Update = Yes>> EntityRequest<N> {
    /// Updates the entity with the properties set in `body` (`PATCH`).
    /// Unset properties are not sent; a property set to
    /// [`Nullable::Null`](crate::Nullable::Null) is cleared.
    ///
    /// Returns the updated entity when the service answers with it
    /// (`200 OK`), `None` when it answers `204 No Content`.
    pub fn update(&self, body: &N::Model) -> Call<Option<N::Model>> {
        self.request.patch_optional(body)
    }
}

impl<N: Entity<Delete = Yes>> EntityRequest<N> {
    /// Deletes the entity (`DELETE`).
    pub fn delete(&self) -> Call<()> {
        self.request.delete()
    }
}

impl<N: Entity<Media = Yes>> EntityRequest<N> {
    /// The entity's media content (`GET …/$value`), as sent.
    pub fn content(&self) -> Call<Vec<u8>> {
        self.request.segment("$value").get_bytes()
    }

    /// Replaces the entity's media content (`PUT …/$value`); see
    /// [`RequestBuilder::put_bytes`].
    pub fn put_content(&self, content_type: &str, bytes: Vec<u8>) -> Call<()> {
        self.request
            .segment("$value")
            .put_bytes(content_type, bytes)
    }
}

impl<C: Collection> CollectionRequest<C> {
    /// The item with key `id` (percent-encoded into the path).
    pub fn by_id(&self, id: &str) -> C::Item {
        C::Item::from_request(self.request.key(id))
    }

    /// Reads one page of the collection (`GET`): its items and the
    /// `@odata.nextLink` to the next page, if any.
    pub fn list(&self) -> Call<Page<ItemModel<C>>> {
        self.request.list()
    }

    /// Every item of the collection, page after page, following
    /// `@odata.nextLink` (only to the client's own origin); see
    /// [`RequestBuilder::stream`].
    pub fn stream(&self) -> Items<ItemModel<C>> {
        self.request.stream()
    }

    /// Every page of the collection, following `@odata.nextLink`; see
    /// [`RequestBuilder::pages`].
    pub fn pages(&self) -> Pages<ItemModel<C>> {
        self.request.pages()
    }

    /// Every item of the collection in one `Vec`, following
    /// `@odata.nextLink`; see [`RequestBuilder::list_all`].
    pub async fn list_all(&self) -> Result<Vec<ItemModel<C>>, GraphError> {
        self.request.list_all().await
    }
}

impl<C: Collection<Create = Yes>> CollectionRequest<C> {
    /// Creates an item (`POST`) and returns it as created.
    pub fn create(&self, body: &ItemModel<C>) -> Call<ItemModel<C>> {
        self.request.post(body)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use proc_macro2::{TokenStream, TokenTree};

    use crate::reserved::RESERVED_BUILDER_METHODS;

    /// Every `fn` name in `tokens`, macro bodies included.
    fn function_names(tokens: TokenStream, names: &mut BTreeSet<String>) {
        let mut after_fn = false;
        for token in tokens {
            match token {
                TokenTree::Ident(ident) => {
                    if after_fn {
                        names.insert(ident.to_string());
                    }
                    after_fn = ident == "fn";
                }
                TokenTree::Group(group) => {
                    function_names(group.stream(), names);
                    after_fn = false;
                }
                TokenTree::Punct(_) | TokenTree::Literal(_) => after_fn = false,
            }
        }
    }

    #[test]
    fn reserved_builder_methods_are_the_methods_of_this_module() {
        let source = include_str!("resource.rs");
        let mut names = BTreeSet::new();
        // Only the module's code, not this test.
        let code = source.split("#[cfg(test)]").next().unwrap_or_default();
        function_names(code.parse().expect("the module tokenizes"), &mut names);
        assert!(
            names.contains("by_id") && names.contains("navigate"),
            "{names:?}"
        );
        // `deref`: the generated builders' `Deref` implementation.
        names.insert("deref".to_owned());
        let reserved: BTreeSet<String> = RESERVED_BUILDER_METHODS
            .iter()
            .map(|name| (*name).to_owned())
            .collect();
        assert_eq!(
            reserved.len(),
            RESERVED_BUILDER_METHODS.len(),
            "RESERVED_BUILDER_METHODS has duplicates"
        );
        assert_eq!(
            names, reserved,
            "RESERVED_BUILDER_METHODS in src/reserved.rs must list the methods of \
             src/resource.rs (then run `cargo xtask codegen`)"
        );
    }
}
